/*
 * config.c — validate a project file tree (ytree) into a nytte_project.
 * Every problem is collected with file:line:col; the first one goes into the context.
 */
#include "nytte/config.h"
#include "nytte/io.h"

#include "config/config_int.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

typedef struct loader {
    const char *name;   /* the project file as given */
    const char *dir;    /* its folder */
    nytte_diag *diag;
    int nerr;
    int worst;          /* NYTTE_ECONFIG beats NYTTE_EIO */
    char first[1024];
    int first_code;
} loader;


static void problem(loader *L, const ynode *at, int code, const char *key, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

static void problem(loader *L, const ynode *at, int code, const char *key, const char *fmt, ...)
{
    char what[700], line[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    if (at)
        snprintf(line, sizeof line, "%s:%d:%d: %s%s%s", L->name, at->line, at->col, key ? key : "", key ? ": " : "",
                 what);
    else
        snprintf(line, sizeof line, "%s: %s%s%s", L->name, key ? key : "", key ? ": " : "", what);
    if (L->nerr == 0) {
        memcpy(L->first, line, sizeof L->first);
        L->first_code = code;
    }
    L->nerr++;
    if (code == NYTTE_ECONFIG || L->worst == 0)
        L->worst = code;
    if (L->diag) {
        char **lines = realloc(L->diag->lines, (L->diag->n + 1) * sizeof *lines);
        int *codes = realloc(L->diag->codes, (L->diag->n + 1) * sizeof *codes);
        if (lines)
            L->diag->lines = lines;
        if (codes)
            L->diag->codes = codes;
        if (lines && codes) {
            L->diag->lines[L->diag->n] = strdup(line);
            L->diag->codes[L->diag->n] = code;
            if (L->diag->lines[L->diag->n])
                L->diag->n++;
        }
    }
}

void nytte_diag_clear(nytte_diag *d)
{
    if (!d)
        return;
    for (size_t i = 0; i < d->n; i++)
        free(d->lines[i]);
    free(d->lines);
    free(d->codes);
    memset(d, 0, sizeof *d);
}

static const char *type_name(const ynode *n)
{
    return n->type == YT_MAP ? "a mapping" : n->type == YT_SEQ ? "a list" : "a value";
}

/* Unknown keys are errors: they are nearly always typos that would otherwise be ignored. */
static void check_keys(loader *L, const ynode *map, const char *path, const char *const *allowed)
{
    for (size_t i = 0; i < map->n; i++) {
        const ynode *k = map->items[2 * i];
        int ok = 0;
        for (const char *const *a = allowed; *a; a++)
            if (strcmp(*a, k->text) == 0)
                ok = 1;
        if (!ok) {
            char list[400] = "";
            size_t used = 0;
            for (const char *const *a = allowed; *a && used < sizeof list - 40; a++)
                used += (size_t)snprintf(list + used, sizeof list - used, "%s%s", a == allowed ? "" : ", ", *a);
            problem(L, k, NYTTE_ECONFIG, path, "unknown key '%s' (expected one of: %s)", k->text, list);
        }
    }
}

static void keypath(char *buf, size_t n, const char *parent, const char *key)
{
    snprintf(buf, n, "%s%s%s", parent && *parent ? parent : "", parent && *parent ? "." : "", key);
}

static const ynode *need_map(loader *L, const ynode *n, const char *path)
{
    if (n && n->type != YT_MAP) {
        problem(L, n, NYTTE_ECONFIG, path, "expected a mapping (key: value lines), got %s", type_name(n));
        return NULL;
    }
    return n;
}

/* A missing required key is reported at the mapping that lacks it. */
static const ynode *get(loader *L, const ynode *map, const char *parent, const char *key, int required)
{
    const ynode *v = ytree_get(map, key);
    if (!v && required) {
        char kp[256];
        keypath(kp, sizeof kp, parent, key);
        problem(L, map, NYTTE_ECONFIG, kp, "missing (required)");
    }
    return v;
}

static int get_str(loader *L, const ynode *map, const char *parent, const char *key, int required, char **out)
{
    char kp[256];
    keypath(kp, sizeof kp, parent, key);
    const ynode *v = get(L, map, parent, key, required);
    if (!v)
        return 0;
    if (v->type != YT_SCALAR) {
        problem(L, v, NYTTE_ECONFIG, kp, "expected text, got %s", type_name(v));
        return 0;
    }
    if (v->text[0] == '\0' || (v->plain && strcmp(v->text, "null") == 0) || (v->plain && strcmp(v->text, "~") == 0)) {
        if (required)
            problem(L, v, NYTTE_ECONFIG, kp, "must not be empty");
        return 0;
    }
    free(*out);
    *out = strdup(v->text);
    return *out != NULL;
}

static int parse_double(const ynode *v, double *out)
{
    if (v->type != YT_SCALAR || !v->plain || v->text[0] == '\0')
        return -1;
    char *end = NULL;
    errno = 0;
    double d = strtod(v->text, &end);
    if (errno || *end != '\0' || !isfinite(d))
        return -1;
    /* strtod accepts hex, inf and nan; a project file should not */
    for (const char *c = v->text; *c; c++)
        if (!(isdigit((unsigned char)*c) || *c == '.' || *c == '-' || *c == '+' || *c == 'e' || *c == 'E'))
            return -1;
    *out = d;
    return 0;
}

static const char *shown(const ynode *v) { return v->type == YT_SCALAR ? v->text : ""; }

/* A number in [lo, hi]. */
static int get_num(loader *L, const ynode *map, const char *parent, const char *key, int required, double lo,
                   double hi, double *out)
{
    char kp[256];
    keypath(kp, sizeof kp, parent, key);
    const ynode *v = get(L, map, parent, key, required);
    if (!v)
        return 0;
    double d;
    if (parse_double(v, &d) != 0) {
        problem(L, v, NYTTE_ECONFIG, kp, "expected a number, got %s%s%s%s", v->type == YT_SCALAR ? "'" : "",
                v->type == YT_SCALAR ? shown(v) : type_name(v), v->type == YT_SCALAR ? "'" : "", "");
        return 0;
    }
    if (d < lo || d > hi) {
        if (lo == 0 && d < 0)
            problem(L, v, NYTTE_ECONFIG, kp, "must not be negative, got %s", v->text);
        else
            problem(L, v, NYTTE_ECONFIG, kp, "must be between %g and %g, got %s", lo, hi, v->text);
        return 0;
    }
    *out = d;
    return 1;
}

static int get_int(loader *L, const ynode *map, const char *parent, const char *key, int required, int lo, int hi,
                   int *out)
{
    double d;
    char kp[256];
    keypath(kp, sizeof kp, parent, key);
    if (!get_num(L, map, parent, key, required, lo, hi, &d))
        return 0;
    if (d != floor(d)) {
        problem(L, ytree_get(map, key), NYTTE_ECONFIG, kp, "expected a whole number, got %s", ytree_get(map, key)->text);
        return 0;
    }
    *out = (int)d;
    return 1;
}

/*
 * Money in kroner with at most two decimals, parsed from the text so that no binary
 * floating point ever touches an amount: "45000000" -> 4500000000 øre, "12.5" -> 1250.
 */
static int parse_money(const char *s, int64_t *ore, int *negative)
{
    *negative = 0;
    if (*s == '-') {
        *negative = 1;
        s++;
    } else if (*s == '+') {
        s++;
    }
    if (!isdigit((unsigned char)*s))
        return -1;
    int64_t kr = 0;
    while (isdigit((unsigned char)*s)) {
        if (kr > (INT64_MAX / 100 - 9) / 10)
            return -1;
        kr = kr * 10 + (*s++ - '0');
    }
    int64_t frac = 0;
    if (*s == '.') {
        s++;
        int digits = 0;
        while (isdigit((unsigned char)*s)) {
            if (++digits > 2)
                return -2;
            frac = frac * 10 + (*s++ - '0');
        }
        if (digits == 1)
            frac *= 10;
    }
    if (*s != '\0')
        return -1;
    *ore = kr * 100 + frac;
    return 0;
}

static int get_money(loader *L, const ynode *map, const char *parent, const char *key, int required, int64_t *out)
{
    char kp[256];
    keypath(kp, sizeof kp, parent, key);
    const ynode *v = get(L, map, parent, key, required);
    if (!v)
        return 0;
    int neg = 0, rc = v->type == YT_SCALAR && v->plain ? parse_money(v->text, out, &neg) : -1;
    if (rc == -2) {
        problem(L, v, NYTTE_ECONFIG, kp, "an amount in kroner has at most two decimals (øre), got %s", v->text);
        return 0;
    }
    if (rc != 0) {
        problem(L, v, NYTTE_ECONFIG, kp, "expected an amount in kroner (e.g. 45000000 or 1800.50), got %s%s%s",
                v->type == YT_SCALAR ? "'" : "", v->type == YT_SCALAR ? v->text : type_name(v),
                v->type == YT_SCALAR ? "'" : "");
        return 0;
    }
    if (neg && *out != 0) {
        problem(L, v, NYTTE_ECONFIG, kp, "must not be negative, got %s", v->text);
        return 0;
    }
    return 1;
}

/* Join a relative path to the project folder. */
static char *resolve(const loader *L, const char *p)
{
    if (p[0] == '/' || strncmp(p, "/vsi", 4) == 0)
        return strdup(p);
    size_t n = strlen(L->dir) + strlen(p) + 2;
    char *r = malloc(n);
    if (r)
        snprintf(r, n, "%s/%s", L->dir, p);
    return r;
}

static int get_path(loader *L, const ynode *map, const char *parent, const char *key, int required, int must_exist,
                    char **out)
{
    char *raw = NULL;
    char kp[256];
    keypath(kp, sizeof kp, parent, key);
    if (!get_str(L, map, parent, key, required, &raw))
        return 0;
    free(*out);
    *out = resolve(L, raw);
    if (*out && must_exist) {
        struct stat st;
        if (stat(*out, &st) != 0) {
            problem(L, ytree_get(map, key), NYTTE_EIO, kp, "file not found: %s", *out);
            free(raw);
            return 0;
        }
        if (S_ISDIR(st.st_mode) && !strstr(*out, ".gdb")) {
            problem(L, ytree_get(map, key), NYTTE_EIO, kp, "is a folder, expected a file: %s", *out);
            free(raw);
            return 0;
        }
        if (access(*out, R_OK) != 0) {
            problem(L, ytree_get(map, key), NYTTE_EIO, kp, "cannot read %s: %s", *out, strerror(errno));
            free(raw);
            return 0;
        }
    }
    free(raw);
    return *out != NULL;
}

static void get_layer(loader *L, const ynode *map, const char *parent, const char *const *extra, nytte_layer_cfg *out,
                      char **extra_out[])
{
    static const char *const base[] = {"path", "layer", "where"};
    const char *allowed[24];
    size_t k = 0;
    for (size_t i = 0; i < 3; i++)
        allowed[k++] = base[i];
    for (size_t i = 0; extra && extra[i] && k < 23; i++)
        allowed[k++] = extra[i][0] == '!' ? extra[i] + 1 : extra[i];
    allowed[k] = NULL;
    out->line = map->line;
    out->col = map->col;
    check_keys(L, map, parent, allowed);
    get_path(L, map, parent, "path", 1, 1, &out->path);
    get_str(L, map, parent, "layer", 0, &out->layer);
    get_str(L, map, parent, "where", 0, &out->where);
    /* extra fields: a leading '!' marks a required field name */
    for (size_t i = 0; extra && extra[i]; i++) {
        int req = extra[i][0] == '!';
        get_str(L, map, parent, req ? extra[i] + 1 : extra[i], req, extra_out[i]);
    }
}

/* A layer given either as a plain path or as a mapping. */
static void get_layer_any(loader *L, const ynode *v, const char *kp, nytte_layer_cfg *out)
{
    if (v->type == YT_SCALAR) {
        out->line = v->line;
        out->col = v->col;
        char *raw = strdup(v->text);
        out->path = raw ? resolve(L, raw) : NULL;
        free(raw);
        struct stat st;
        if (out->path && stat(out->path, &st) != 0)
            problem(L, v, NYTTE_EIO, kp, "file not found: %s", out->path);
        return;
    }
    if (need_map(L, v, kp))
        get_layer(L, v, kp, NULL, out, NULL);
}

static double *get_num_list(loader *L, const ynode *map, const char *parent, const char *key, int required,
                            size_t *n, double lo)
{
    char kp[256];
    keypath(kp, sizeof kp, parent, key);
    const ynode *v = get(L, map, parent, key, required);
    *n = 0;
    if (!v)
        return NULL;
    if (v->type != YT_SEQ) {
        problem(L, v, NYTTE_ECONFIG, kp, "expected a list of numbers like [20, 50, 100], got %s", type_name(v));
        return NULL;
    }
    if (v->n == 0) {
        problem(L, v, NYTTE_ECONFIG, kp, "must not be empty");
        return NULL;
    }
    double *out = calloc(v->n, sizeof *out);
    if (!out)
        return NULL;
    int bad = 0;
    for (size_t i = 0; i < v->n; i++) {
        char ip[300];
        snprintf(ip, sizeof ip, "%s[%zu]", kp, i);
        if (parse_double(v->items[i], &out[i]) != 0) {
            problem(L, v->items[i], NYTTE_ECONFIG, ip, "expected a number, got '%s'",
                    v->items[i]->type == YT_SCALAR ? v->items[i]->text : type_name(v->items[i]));
            bad = 1;
        } else if (out[i] < lo) {
            problem(L, v->items[i], NYTTE_ECONFIG, ip, "must be at least %g, got %s", lo, v->items[i]->text);
            bad = 1;
        }
    }
    if (bad) {
        free(out);
        return NULL;
    }
    *n = v->n;
    return out;
}

static void load_inputs(loader *L, const ynode *in, nytte_project *p)
{
    static const char *const keys[] = {"terrain", "vertical_datum", "parcels", "buildings", "owners", NULL};
    check_keys(L, in, "inputs", keys);
    get_path(L, in, "inputs", "terrain", 1, 1, &p->terrain);
    get_str(L, in, "inputs", "vertical_datum", 0, &p->vertical_datum);

    const ynode *v = get(L, in, "inputs", "parcels", 1);
    if (v && need_map(L, v, "inputs.parcels")) {
        static const char *const ex[] = {"!id", "value", "landuse", "paved_area", NULL};
        char **outs[] = {&p->parcels.id, &p->parcels.value, &p->parcels.landuse, &p->parcels.paved_area};
        get_layer(L, v, "inputs.parcels", ex, &p->parcels.src, outs);
    }
    v = get(L, in, "inputs", "buildings", 0);
    if (v && need_map(L, v, "inputs.buildings")) {
        static const char *const ex[] = {"!id", "!parcel", "!use", "!floor_area", "floor_height", "value", NULL};
        char **outs[] = {&p->buildings.id, &p->buildings.parcel, &p->buildings.use, &p->buildings.floor_area,
                         &p->buildings.floor_height, &p->buildings.value};
        p->buildings.given = true;
        get_layer(L, v, "inputs.buildings", ex, &p->buildings.src, outs);
    }
    v = get(L, in, "inputs", "owners", 0);
    if (v && need_map(L, v, "inputs.owners")) {
        static const char *const ex[] = {"!parcel", "!owner", "name", "share", NULL};
        char **outs[] = {&p->owners.parcel, &p->owners.owner, &p->owners.name, &p->owners.share};
        p->owners.given = true;
        get_layer(L, v, "inputs.owners", ex, &p->owners.src, outs);
    }
}

static const char *const hazard_types[] = {"coastal", "flood_raster", "bluespot", "groundwater", "catchment", NULL};

static void check_increasing(loader *L, const ynode *seq, const char *kp, const double *x, size_t n, int strict,
                             const char *what)
{
    for (size_t i = 1; i < n; i++)
        if (strict ? !(x[i] > x[i - 1]) : !(x[i] >= x[i - 1])) {
            problem(L, seq->items[i], NYTTE_ECONFIG, kp, "%s must %s: %g after %g", what,
                    strict ? "increase strictly" : "not decrease", x[i], x[i - 1]);
            return;
        }
}

/* A list of raster files, one per return period, resolved and checked to exist. */
static char **raster_list(loader *L, const ynode *r, const char *kp, size_t nevents)
{
    if (r->type != YT_SEQ) {
        problem(L, r, NYTTE_ECONFIG, kp, "expected a list of depth rasters, one per return period");
        return NULL;
    }
    if (nevents && r->n != nevents)
        problem(L, r, NYTTE_ECONFIG, kp, "%zu rasters for %zu return periods", r->n, nevents);
    char **out = calloc(r->n + 1, sizeof *out);
    for (size_t i = 0; out && i < r->n; i++) {
        char ip[200];
        snprintf(ip, sizeof ip, "%s[%zu]", kp, i);
        if (r->items[i]->type != YT_SCALAR) {
            problem(L, r->items[i], NYTTE_ECONFIG, ip, "expected a file name");
            out[i] = strdup("");
            continue;
        }
        out[i] = resolve(L, r->items[i]->text);
        struct stat st;
        if (out[i] && stat(out[i], &st) != 0)
            problem(L, r->items[i], NYTTE_EIO, ip, "file not found: %s", out[i]);
    }
    return out;
}

static void free_list(char **l)
{
    for (size_t k = 0; l && l[k]; k++)
        free(l[k]);
    free(l);
}

/* A catchment hazard: the protected area and the runoff coefficients of its contributors. */
static void load_catchment(loader *L, const ynode *h, const char *kp, nytte_hazard_cfg *hz)
{
    char sub[96];
    static const char *const not_here[] = {"sea", "return_periods", "levels", "rasters", "with_measure", "offset",
                                           "wave_allowance", "sea_level_rise", "threshold", "rain", NULL};
    for (const char *const *k = not_here; *k; k++)
        if (ytree_get(h, *k))
            problem(L, ytree_get(h, *k), NYTTE_ECONFIG, kp, "'%s' does not apply to a catchment hazard", *k);
    const ynode *pa = get(L, h, kp, "protected_area", 1);
    snprintf(sub, sizeof sub, "%s.protected_area", kp);
    if (pa)
        get_layer_any(L, pa, sub, &hz->protected_area);
    nytte_runoff_table_default(&hz->runoff);
    const ynode *r = ytree_get(h, "runoff");
    snprintf(sub, sizeof sub, "%s.runoff", kp);
    if (!r || !need_map(L, r, sub))
        return;
    static const char *const rkeys[] = {"roof", "paved", "fallback", "landuse", NULL};
    check_keys(L, r, sub, rkeys);
    get_num(L, r, sub, "roof", 0, 0, 1, &hz->runoff.roof);
    get_num(L, r, sub, "paved", 0, 0, 1, &hz->runoff.paved);
    get_num(L, r, sub, "fallback", 0, 0, 1, &hz->runoff.fallback);
    const ynode *lu = ytree_get(r, "landuse");
    char lp[128];
    snprintf(lp, sizeof lp, "%s.landuse", sub);
    if (!lu || !need_map(L, lu, lp))
        return;
    hz->runoff_names = calloc(lu->n ? lu->n : 1, sizeof *hz->runoff_names);
    for (size_t i = 0; hz->runoff_names && i < lu->n; i++) {
        double c = 0;
        const char *name = lu->items[2 * i]->text;
        if (!get_num(L, lu, lp, name, 1, 0, 1, &c))
            continue;
        char *owned = strdup(name);
        if (!owned)
            continue;
        hz->runoff_names[hz->nrunoff_names++] = owned;
        nytte_ctx *tmp = NULL;
        if (nytte_ctx_new(&tmp) == NYTTE_OK) {
            if (nytte_runoff_table_set(tmp, &hz->runoff, owned, c) != NYTTE_OK)
                problem(L, lu->items[2 * i], NYTTE_ECONFIG, lp, "%s", nytte_ctx_errmsg(tmp));
            nytte_ctx_free(tmp);
        }
    }
}

/* Ids become parts of file names: letters, digits, '-' and '_' only. */
static void check_id(loader *L, const ynode *map, const char *kp, const char *id)
{
    if (!id)
        return;
    for (const char *c = id; *c; c++)
        if (!(isalnum((unsigned char)*c) || *c == '-' || *c == '_')) {
            problem(L, ytree_get(map, "id"), NYTTE_ECONFIG, kp, "id '%s' may hold letters, digits, - and _ only", id);
            return;
        }
}

static void load_hazard(loader *L, const ynode *h, size_t idx, nytte_project *p)
{
    char kp[64];
    snprintf(kp, sizeof kp, "hazards[%zu]", idx);
    nytte_hazard_cfg *hz = &p->hazards[idx];
    hz->line = h->line;
    hz->col = h->col;
    char *type = NULL;
    get_str(L, h, kp, "id", 1, &hz->id);
    check_id(L, h, kp, hz->id);
    if (get_str(L, h, kp, "type", 1, &type)) {
        int t = -1;
        for (int i = 0; hazard_types[i]; i++)
            if (strcmp(type, hazard_types[i]) == 0)
                t = i;
        if (t < 0)
            problem(L, ytree_get(h, "type"), NYTTE_ECONFIG, kp,
                    "unknown hazard type '%s' (expected coastal, flood_raster, catchment, bluespot or groundwater)",
                    type);
        else
            hz->type = (nytte_hazard_type)t;
    }
    free(type);
    static const char *const keys[] = {"id", "type", "sea", "return_periods", "levels", "rasters", "with_measure",
                                       "offset", "wave_allowance", "sea_level_rise", "protected_area", "runoff",
                                       "threshold", "rain", NULL};
    check_keys(L, h, kp, keys);
    char sub[96];
    hz->threshold = NAN;
    if (hz->type == NYTTE_HAZARD_CATCHMENT) {
        load_catchment(L, h, kp, hz);
        return;
    }
    /* keys of other hazard types: an error, not silently ignored (a groundwater hazard has no sea) */
    static const char *const not_coastal[] = {"threshold", "rain", "protected_area", "runoff", NULL};
    static const char *const not_given[] = {"sea", "levels", "offset", "wave_allowance", "threshold", "rain",
                                            "protected_area", "runoff", NULL};
    static const char *const not_gw[] = {"sea", "levels", "with_measure", "offset", "wave_allowance",
                                         "sea_level_rise", "protected_area", "runoff", "rain", NULL};
    static const char *const not_bs[] = {"sea", "levels", "rasters", "with_measure", "offset", "wave_allowance",
                                         "sea_level_rise", "protected_area", "runoff", "threshold", NULL};
    const char *const *not_here = hz->type == NYTTE_HAZARD_COASTAL        ? not_coastal
                                  : hz->type == NYTTE_HAZARD_FLOOD_RASTER ? not_given
                                  : hz->type == NYTTE_HAZARD_GROUNDWATER  ? not_gw
                                                                          : not_bs;
    for (const char *const *k = not_here; *k; k++)
        if (ytree_get(h, *k) && strcmp(*k, "sea_level_rise") != 0)
            problem(L, ytree_get(h, *k), NYTTE_ECONFIG, kp, "'%s' does not apply to a %s hazard", *k,
                    hazard_types[hz->type]);
    hz->return_periods = get_num_list(L, h, kp, "return_periods", 1, &hz->nevents, 1.0);
    snprintf(sub, sizeof sub, "%s.return_periods", kp);
    if (hz->return_periods) {
        const ynode *seq = ytree_get(h, "return_periods");
        for (size_t i = 0; i < hz->nevents; i++)
            if (!(hz->return_periods[i] > 1.0)) {
                problem(L, seq->items[i], NYTTE_ECONFIG, sub,
                        "a return period must be more than 1 year (exceedance probability below 1), got %g",
                        hz->return_periods[i]);
                break;
            }
        check_increasing(L, seq, sub, hz->return_periods, hz->nevents, 1, "return periods");
    }
    if (hz->type == NYTTE_HAZARD_COASTAL || hz->type == NYTTE_HAZARD_FLOOD_RASTER) {
        get_num(L, h, kp, "offset", 0, -10, 10, &hz->offset);
        get_num(L, h, kp, "wave_allowance", 0, 0, 10, &hz->wave_allowance);
    }
    if (ytree_get(h, "sea_level_rise") && hz->type != NYTTE_HAZARD_COASTAL)
        problem(L, ytree_get(h, "sea_level_rise"), NYTTE_ECONFIG, kp,
                "sea_level_rise applies to coastal hazards (give depth rasters for later years instead)");
    else
        get_num(L, h, kp, "sea_level_rise", 0, 0, 10, &hz->sea_level_rise);
    if (hz->type == NYTTE_HAZARD_GROUNDWATER) {
        const ynode *r = get(L, h, kp, "rasters", 1);
        snprintf(sub, sizeof sub, "%s.rasters", kp);
        if (r && r->type != YT_SEQ)
            problem(L, r, NYTTE_ECONFIG, sub,
                    "expected a list of depth-to-groundwater rasters (m below terrain), one per return period");
        else if (r)
            hz->rasters = raster_list(L, r, sub, hz->nevents);
        snprintf(sub, sizeof sub, "%s.threshold", kp);
        if (get_num(L, h, kp, "threshold", 1, -1e300, 1e300, &hz->threshold) &&
            !(hz->threshold > 0 && hz->threshold <= 100))
            problem(L, ytree_get(h, "threshold"), NYTTE_ECONFIG, sub,
                    "must be more than 0 m and at most 100 m (the depth below terrain the table must stay under, "
                    "e.g. a basement floor), got %s",
                    ytree_get(h, "threshold")->text);
    } else if (hz->type == NYTTE_HAZARD_BLUESPOT) {
        size_t nr = 0;
        hz->rain = get_num_list(L, h, kp, "rain", 0, &nr, -1e9);
        snprintf(sub, sizeof sub, "%s.rain", kp);
        const ynode *rn = ytree_get(h, "rain");
        if (hz->rain && hz->return_periods && nr != hz->nevents) {
            problem(L, rn, NYTTE_ECONFIG, sub, "%zu rain amounts for %zu return periods (one per return period, mm)",
                    nr, hz->nevents);
        } else if (hz->rain) {
            int bad = 0;
            for (size_t i = 0; i < nr && !bad; i++)
                if (!(hz->rain[i] > 0) || hz->rain[i] > 10000) {
                    char ip[128];
                    snprintf(ip, sizeof ip, "%s[%zu]", sub, i);
                    problem(L, rn->items[i], NYTTE_ECONFIG, ip, "must be more than 0 mm and at most 10000 mm, got %s",
                            rn->items[i]->text);
                    bad = 1;
                }
            if (!bad)
                check_increasing(L, rn, sub, hz->rain, nr, 1, "rain (rarer events bring more rain)");
        }
    } else if (hz->type == NYTTE_HAZARD_COASTAL) {
        const ynode *sea = get(L, h, kp, "sea", 1);
        snprintf(sub, sizeof sub, "%s.sea", kp);
        if (sea)
            get_layer_any(L, sea, sub, &hz->sea);
        size_t nl = 0;
        hz->levels = get_num_list(L, h, kp, "levels", 1, &nl, -1000);
        snprintf(sub, sizeof sub, "%s.levels", kp);
        if (hz->levels) {
            if (hz->return_periods && nl != hz->nevents)
                problem(L, ytree_get(h, "levels"), NYTTE_ECONFIG, sub,
                        "%zu levels for %zu return periods (one level per return period)", nl, hz->nevents);
            else
                check_increasing(L, ytree_get(h, "levels"), sub, hz->levels, nl, 1,
                                 "levels (higher return periods have higher water)");
        }
    } else if (hz->type == NYTTE_HAZARD_FLOOD_RASTER) {
        const ynode *r = get(L, h, kp, "rasters", 1);
        snprintf(sub, sizeof sub, "%s.rasters", kp);
        if (r && r->type != YT_SEQ) {
            problem(L, r, NYTTE_ECONFIG, sub, "expected a list of depth rasters, one per return period");
        } else if (r) {
            if (hz->return_periods && r->n != hz->nevents)
                problem(L, r, NYTTE_ECONFIG, sub, "%zu rasters for %zu return periods", r->n, hz->nevents);
            hz->rasters = calloc(r->n + 1, sizeof *hz->rasters);
            for (size_t i = 0; hz->rasters && i < r->n; i++) {
                char ip[128];
                snprintf(ip, sizeof ip, "%s[%zu]", sub, i);
                if (r->items[i]->type != YT_SCALAR) {
                    problem(L, r->items[i], NYTTE_ECONFIG, ip, "expected a file name");
                    continue;
                }
                hz->rasters[i] = resolve(L, r->items[i]->text);
                struct stat st;
                if (hz->rasters[i] && stat(hz->rasters[i], &st) != 0)
                    problem(L, r->items[i], NYTTE_EIO, ip, "file not found: %s", hz->rasters[i]);
            }
        }
        const ynode *w = ytree_get(h, "with_measure");
        snprintf(sub, sizeof sub, "%s.with_measure", kp);
        if (w && need_map(L, w, sub)) {
            hz->with_rasters = calloc(p->nmeasures + 1, sizeof *hz->with_rasters);
            for (size_t i = 0; hz->with_rasters && i < w->n; i++) {
                const char *mid = w->items[2 * i]->text;
                char ip[160];
                snprintf(ip, sizeof ip, "%s.%s", sub, mid);
                long m = -1;
                for (size_t k = 0; k < p->nmeasures; k++)
                    if (p->measures[k].id && strcmp(p->measures[k].id, mid) == 0)
                        m = (long)k;
                if (m < 0 && strcmp(mid, "all") != 0) {
                    problem(L, w->items[2 * i], NYTTE_ECONFIG, sub,
                            "'%s' is not the id of a measure (or 'all' for every measure together)", mid);
                    continue;
                }
                char **list = raster_list(L, w->items[2 * i + 1], ip, hz->nevents);
                if (m < 0)
                    hz->with_all = list;
                else
                    hz->with_rasters[m] = list;
            }
        }
        for (size_t k = 0; hz->rasters && k < p->nmeasures; k++)
            if (!hz->with_rasters || !hz->with_rasters[k])
                problem(L, w ? w : h, NYTTE_ECONFIG, sub,
                        "no depth rasters with measure '%s' (give with_measure: {%s: [one per return period]})",
                        p->measures[k].id ? p->measures[k].id : "?", p->measures[k].id ? p->measures[k].id : "?");
        if (hz->rasters && p->nmeasures > 1 && !hz->with_all)
            problem(L, w ? w : h, NYTTE_ECONFIG, sub,
                    "with several measures, give the depth rasters with all of them as with_measure: {all: [...]}");
    }
}

static void load_deductions(loader *L, const ynode *d, const char *kp, nytte_deduction_cfg **out, size_t *nout);

/*
 * The measure keys that depend on the primary hazard: a barrier (coastal, bluespot) has
 * a crest and a burn mode; a drain (groundwater) a lowering and, as a line or points, a
 * reach. A key that does not apply is an error where it stands; a missing one at its measure.
 */
static void check_measure_keys(loader *L, const ynode *ml, const nytte_project *p)
{
    nytte_hazard_type t = p->hazards[p->primary_hazard].type;
    const char *hid = p->hazards[p->primary_hazard].id ? p->hazards[p->primary_hazard].id : "?";
    for (size_t i = 0; ml && ml->type == YT_SEQ && i < ml->n && i < p->nmeasures; i++) {
        const ynode *m = ml->items[i];
        const nytte_measure_cfg *ms = &p->measures[i];
        const char *id = ms->id ? ms->id : "?";
        char kp[64];
        snprintf(kp, sizeof kp, "measures[%zu]", i);
        if (m->type != YT_MAP)
            continue;
        static const char *const drain_keys[] = {"lowering", "reach", NULL};
        static const char *const barrier_keys[] = {"crest", "burn", NULL};
        if (t != NYTTE_HAZARD_GROUNDWATER)
            for (const char *const *k = drain_keys; *k; k++)
                if (ytree_get(m, *k))
                    problem(L, ytree_get(m, *k), NYTTE_ECONFIG, kp,
                            "'%s' applies to a drain against a groundwater hazard, not against the %s hazard '%s'",
                            *k, hazard_types[t], hid);
        if (t == NYTTE_HAZARD_GROUNDWATER)
            for (const char *const *k = barrier_keys; *k; k++)
                if (ytree_get(m, *k))
                    problem(L, ytree_get(m, *k), NYTTE_ECONFIG, kp,
                            "'%s' does not apply to a drain against the groundwater hazard '%s' (give lowering, "
                            "and reach for a line or point drain)",
                            *k, hid);
        if (t == NYTTE_HAZARD_FLOOD_RASTER && ytree_get(m, "burn"))
            problem(L, ytree_get(m, "burn"), NYTTE_ECONFIG, kp,
                    "'burn' does not apply with given depth rasters (flood_raster hazard '%s')", hid);
        if (t == NYTTE_HAZARD_COASTAL && isnan(ms->crest))
            problem(L, m, NYTTE_ECONFIG, "measures", "measure %s: crest missing (a barrier against "
                    "the coastal hazard needs its crest or closing height, m)", id);
        if (t == NYTTE_HAZARD_BLUESPOT && isnan(ms->crest) && !ytree_get(m, "crest"))
            problem(L, m, NYTTE_ECONFIG, "measures", "measure %s: crest missing (a measure against the bluespot "
                    "hazard is burned into the terrain at its crest, m: a wall or kerb above the terrain, or with "
                    "burn: lower a channel or outlet below it)", id);
        if (t == NYTTE_HAZARD_GROUNDWATER && isnan(ms->lowering) && !ytree_get(m, "lowering"))
            problem(L, m, NYTTE_ECONFIG, "measures", "measure %s: lowering missing (a drain against the "
                    "groundwater hazard needs how far it lowers the water table, m)", id);
    }
}

static void load_measure(loader *L, const ynode *m, size_t idx, nytte_project *p)
{
    char kp[64], sub[96];
    snprintf(kp, sizeof kp, "measures[%zu]", idx);
    nytte_measure_cfg *ms = &p->measures[idx];
    ms->line = m->line;
    ms->col = m->col;
    ms->lifetime = 100;
    static const char *const keys[] = {"id", "name", "geometry", "crest", "burn", "lowering", "reach", "capex",
                                       "om_per_year", "lifetime", "deductions", NULL};
    check_keys(L, m, kp, keys);
    get_str(L, m, kp, "id", 1, &ms->id);
    check_id(L, m, kp, ms->id);
    get_str(L, m, kp, "name", 0, &ms->name);
    const ynode *g = get(L, m, kp, "geometry", 1);
    snprintf(sub, sizeof sub, "%s.geometry", kp);
    if (g)
        get_layer_any(L, g, sub, &ms->geometry);
    ms->crest = NAN; /* required for barriers against a coastal hazard: checked with the hazards */
    get_num(L, m, kp, "crest", 0, -100, 1000, &ms->crest);
    /* which of these apply depends on the hazard: checked with the hazards (load_root) */
    char *burn = NULL;
    ms->burn = NYTTE_BURN_RAISE;
    snprintf(sub, sizeof sub, "%s.burn", kp);
    if (get_str(L, m, kp, "burn", 0, &burn)) {
        if (!strcmp(burn, "lower"))
            ms->burn = NYTTE_BURN_LOWER;
        else if (!strcmp(burn, "set"))
            ms->burn = NYTTE_BURN_SET;
        else if (strcmp(burn, "raise"))
            problem(L, ytree_get(m, "burn"), NYTTE_ECONFIG, sub, "expected raise, lower or set, got '%s'", burn);
    }
    free(burn);
    ms->lowering = NAN;
    ms->reach = NAN;
    snprintf(sub, sizeof sub, "%s.lowering", kp);
    if (get_num(L, m, kp, "lowering", 0, -1e300, 1e300, &ms->lowering) && !(ms->lowering > 0 && ms->lowering <= 100)) {
        problem(L, ytree_get(m, "lowering"), NYTTE_ECONFIG, sub,
                "must be more than 0 m and at most 100 m (how far the drain lowers the water table), got %s",
                ytree_get(m, "lowering")->text);
        ms->lowering = NAN;
    }
    snprintf(sub, sizeof sub, "%s.reach", kp);
    if (get_num(L, m, kp, "reach", 0, -1e300, 1e300, &ms->reach) && !(ms->reach > 0 && ms->reach <= 100000)) {
        problem(L, ytree_get(m, "reach"), NYTTE_ECONFIG, sub,
                "must be more than 0 m and at most 100000 m (the distance from a line drain at which its lowering "
                "ends), got %s",
                ytree_get(m, "reach")->text);
        ms->reach = NAN;
    }
    get_money(L, m, kp, "capex", 1, &ms->capex);
    get_money(L, m, kp, "om_per_year", 0, &ms->om_per_year);
    get_int(L, m, kp, "lifetime", 0, 1, 1000, &ms->lifetime);
    const ynode *d = ytree_get(m, "deductions");
    snprintf(sub, sizeof sub, "%s.deductions", kp);
    if (d)
        load_deductions(L, d, sub, &ms->deductions, &ms->ndeductions);
}

static const char *const deduction_kinds[] = {"grant", "municipal", "utility", "group", NULL};

/* A list of deductions, each {name, kind, amount | percent}; applied in the order given. */
static void load_deductions(loader *L, const ynode *d, const char *kp, nytte_deduction_cfg **out, size_t *nout)
{
    if (d->type != YT_SEQ) {
        problem(L, d, NYTTE_ECONFIG, kp, "expected a list of {name, amount} or {name, percent}");
        return;
    }
    if (d->n > NYTTE_ALLOC_MAX_DEDUCTIONS) {
        problem(L, d, NYTTE_ECONFIG, kp, "at most %d deductions", NYTTE_ALLOC_MAX_DEDUCTIONS);
        return;
    }
    *out = calloc(d->n ? d->n : 1, sizeof **out);
    *nout = *out ? d->n : 0;
    for (size_t i = 0; i < *nout; i++) {
        char ip[96];
        snprintf(ip, sizeof ip, "%s[%zu]", kp, i);
        nytte_deduction_cfg *dd = &(*out)[i];
        dd->percent = -1;
        dd->kind = NYTTE_DEDUCT_GRANT;
        const ynode *e = need_map(L, d->items[i], ip);
        if (!e)
            continue;
        static const char *const dkeys[] = {"name", "kind", "amount", "percent", NULL};
        check_keys(L, e, ip, dkeys);
        get_str(L, e, ip, "name", 1, &dd->name);
        char *kind = NULL;
        if (get_str(L, e, ip, "kind", 0, &kind)) {
            int k = -1;
            for (int j = 0; deduction_kinds[j]; j++)
                if (strcmp(kind, deduction_kinds[j]) == 0)
                    k = j;
            if (k < 0)
                problem(L, ytree_get(e, "kind"), NYTTE_ECONFIG, ip,
                        "unknown deduction kind '%s' (expected grant, municipal, utility or group)", kind);
            else
                dd->kind = (nytte_alloc_deduction_kind)k;
        }
        free(kind);
        int has_amount = ytree_get(e, "amount") != NULL, has_pct = ytree_get(e, "percent") != NULL;
        if (has_amount == has_pct)
            problem(L, e, NYTTE_ECONFIG, ip, "give either amount (kr) or percent, not %s", has_amount ? "both" : "neither");
        else if (has_amount)
            get_money(L, e, ip, "amount", 1, &dd->amount);
        else
            get_num(L, e, ip, "percent", 1, 0, 100, &dd->percent);
    }
}

static int parse_model(loader *L, const ynode *v, const char *kp, nytte_alloc_model *out, int allow_hybrid)
{
    if (!v || v->type != YT_SCALAR) {
        if (v)
            problem(L, v, NYTTE_ECONFIG, kp, "expected a model name");
        return 0;
    }
    int m = nytte_alloc_model_parse(v->text);
    if (m < 0 || (!allow_hybrid && (m == NYTTE_ALLOC_HYBRID || m == NYTTE_ALLOC_BENEFIT_AND_CONTRIBUTOR))) {
        problem(L, v, NYTTE_ECONFIG, kp, "unknown model '%s' (expected %s)", v->text,
                allow_hybrid ? "benefit, parts, zones, value_levy, area, equal, contributor, "
                               "benefit_and_contributor or hybrid"
                             : "benefit, parts, zones, value_levy, area, equal or contributor");
        return 0;
    }
    *out = (nytte_alloc_model)m;
    return 1;
}

/* Numbers per use group: {residential: 1, business: 1.5, ...}; unnamed groups keep their value. */
static void load_use_map(loader *L, const ynode *m, const char *kp, double *out, double lo, double hi)
{
    if (!need_map(L, m, kp))
        return;
    for (size_t i = 0; i < m->n; i++) {
        const char *k = m->items[2 * i]->text;
        int u = nytte_use_parse(k);
        if (u < 0) {
            problem(L, m->items[2 * i], NYTTE_ECONFIG, kp,
                    "unknown use group '%s' (expected residential, summerhouse, business, public or other)", k);
            continue;
        }
        get_num(L, m, kp, k, 1, lo, hi, &out[u]);
    }
}

static void load_zones(loader *L, const ynode *z, nytte_alloc_zones_rule *r)
{
    const char *kp = "allocation.zones";
    static const char *const keys[] = {"upper", "factor", "use_factor", "min_area", NULL};
    check_keys(L, z, kp, keys);
    size_t nu = 0, nf = 0;
    double *upper = get_num_list(L, z, kp, "upper", 1, &nu, -1000);
    double *factor = get_num_list(L, z, kp, "factor", 1, &nf, 0);
    if (upper && factor) {
        if (nu != nf)
            problem(L, ytree_get(z, "factor"), NYTTE_ECONFIG, kp, "%zu factors for %zu bands (one factor per band)", nf,
                    nu);
        else if (nu > NYTTE_ALLOC_MAX_BANDS)
            problem(L, ytree_get(z, "upper"), NYTTE_ECONFIG, kp, "at most %d bands", NYTTE_ALLOC_MAX_BANDS);
        else {
            check_increasing(L, ytree_get(z, "upper"), "allocation.zones.upper", upper, nu, 1, "band levels");
            r->nbands = nu;
            memcpy(r->upper, upper, nu * sizeof *upper);
            memcpy(r->factor, factor, nu * sizeof *factor);
        }
    }
    free(upper);
    free(factor);
    const ynode *u = ytree_get(z, "use_factor");
    if (u)
        load_use_map(L, u, "allocation.zones.use_factor", r->use_factor, 0, 1e6);
    get_num(L, z, kp, "min_area", 0, 0, 1e7, &r->min_area);
}

static void load_parts(loader *L, const ynode *pt, nytte_alloc_parts_rule *r)
{
    const char *kp = "allocation.parts";
    static const char *const keys[] = {"base", "per_plot", "per_house", "plot_flooded", "building_flooded",
                                       "access_road", "kote", "below_plot", "below_house", NULL};
    check_keys(L, pt, kp, keys);
    get_num(L, pt, kp, "base", 0, 0, 1e6, &r->base);
    get_num(L, pt, kp, "per_plot", 0, 0, 1e6, &r->per_plot);
    get_num(L, pt, kp, "per_house", 0, 0, 1e6, &r->per_house);
    get_num(L, pt, kp, "plot_flooded", 0, 0, 1e6, &r->plot_flooded);
    get_num(L, pt, kp, "building_flooded", 0, 0, 1e6, &r->building_flooded);
    get_num(L, pt, kp, "access_road", 0, 0, 1e6, &r->access_road);
    get_num(L, pt, kp, "kote", 0, -1000, 1000, &r->kote);
    get_num(L, pt, kp, "below_plot", 0, 0, 1e6, &r->below_plot);
    get_num(L, pt, kp, "below_house", 0, 0, 1e6, &r->below_house);
}

static void load_allocation(loader *L, const ynode *a, nytte_project *p)
{
    static const char *const keys[] = {"model", "design_event", "design_level", "om", "deductions",
                                       "exempt_unbuilt", "exempt_land_only", "min_benefit", "min_payment",
                                       "max_payment", "zones", "parts", "value_levy", "area", "hybrid",
                                       "compare", "contributor_fraction", "contributor_hazard", NULL};
    check_keys(L, a, "allocation", keys);
    nytte_alloc_config *c = &p->alloc;
    parse_model(L, get(L, a, "allocation", "model", 1), "allocation.model", &c->model, 1);
    p->design_event = NAN;
    p->design_level = NAN;
    int has_ev = ytree_get(a, "design_event") != NULL, has_lv = ytree_get(a, "design_level") != NULL;
    if (has_ev && has_lv)
        problem(L, ytree_get(a, "design_level"), NYTTE_ECONFIG, "allocation",
                "give design_event (a return period) or design_level (m), not both");
    else if (has_lv)
        get_num(L, a, "allocation", "design_level", 1, -100, 100, &p->design_level);
    else if (has_ev)
        get_num(L, a, "allocation", "design_event", 1, 1.0000001, 1e6, &p->design_event);
    else
        p->design_event = 100;
    char *om = NULL;
    if (get_str(L, a, "allocation", "om", 0, &om)) {
        if (strcmp(om, "pv") == 0)
            p->om_mode = NYTTE_OM_PV;
        else if (strcmp(om, "yearly") == 0)
            p->om_mode = NYTTE_OM_YEARLY;
        else
            problem(L, ytree_get(a, "om"), NYTTE_ECONFIG, "allocation.om",
                    "unknown O&M treatment '%s' (expected pv: added to the pool as present value, or yearly: a "
                    "yearly charge)", om);
    }
    free(om);
    const ynode *d = ytree_get(a, "deductions");
    if (d) {
        nytte_deduction_cfg *ded = NULL;
        size_t nd = 0;
        load_deductions(L, d, "allocation.deductions", &ded, &nd);
        /* project-level deductions belong to the single element; with several, each measure says its own */
        if (p->nmeasures == 1 && !p->measures[0].deductions) {
            p->measures[0].deductions = ded;
            p->measures[0].ndeductions = nd;
        } else {
            if (p->nmeasures > 1)
                problem(L, d, NYTTE_ECONFIG, "allocation.deductions",
                        "with several measures (separable elements) give deductions under each measure");
            for (size_t i = 0; i < nd; i++)
                free(ded[i].name);
            free(ded);
        }
    }
    const ynode *b;
    if ((b = ytree_get(a, "exempt_unbuilt"))) {
        if (b->type != YT_SCALAR || (strcmp(b->text, "true") && strcmp(b->text, "false")))
            problem(L, b, NYTTE_ECONFIG, "allocation.exempt_unbuilt", "expected true or false");
        else
            c->rules.exempt_unbuilt = strcmp(b->text, "true") == 0;
    }
    if ((b = ytree_get(a, "exempt_land_only"))) {
        if (b->type != YT_SCALAR || (strcmp(b->text, "true") && strcmp(b->text, "false")))
            problem(L, b, NYTTE_ECONFIG, "allocation.exempt_land_only", "expected true or false");
        else
            c->rules.exempt_land_only = strcmp(b->text, "true") == 0;
    }
    get_num(L, a, "allocation", "min_benefit", 0, 0, 1e12, &c->rules.min_benefit);
    get_money(L, a, "allocation", "min_payment", 0, &c->rules.min_ore);
    get_money(L, a, "allocation", "max_payment", 0, &c->rules.max_ore);
    if (c->rules.max_ore > 0 && c->rules.min_ore > c->rules.max_ore)
        problem(L, ytree_get(a, "max_payment"), NYTTE_ECONFIG, "allocation.max_payment",
                "is below min_payment");
    const ynode *m;
    if ((m = ytree_get(a, "zones")) && need_map(L, m, "allocation.zones"))
        load_zones(L, m, &c->zones);
    if ((m = ytree_get(a, "parts")) && need_map(L, m, "allocation.parts"))
        load_parts(L, m, &c->parts);
    if ((m = ytree_get(a, "value_levy")) && need_map(L, m, "allocation.value_levy")) {
        static const char *const keys2[] = {"permille", NULL};
        check_keys(L, m, "allocation.value_levy", keys2);
        size_t n = 0;
        double *pm = get_num_list(L, m, "allocation.value_levy", "permille", 1, &n, 0);
        if (pm && n > NYTTE_ALLOC_MAX_RISK_ZONES)
            problem(L, ytree_get(m, "permille"), NYTTE_ECONFIG, "allocation.value_levy.permille",
                    "at most %d risk zones", NYTTE_ALLOC_MAX_RISK_ZONES);
        else if (pm)
            memcpy(c->levy.permille, pm, n * sizeof *pm);
        free(pm);
    }
    if ((m = ytree_get(a, "area")) && need_map(L, m, "allocation.area")) {
        static const char *const keys2[] = {"building", "plot", NULL};
        check_keys(L, m, "allocation.area", keys2);
        get_num(L, m, "allocation.area", "building", 0, 0, 1e6, &c->area.a_building);
        get_num(L, m, "allocation.area", "plot", 0, 0, 1e6, &c->area.b_plot);
    }
    if ((m = ytree_get(a, "hybrid"))) {
        if (m->type != YT_SEQ || m->n == 0 || m->n > NYTTE_ALLOC_MAX_MIX) {
            problem(L, m, NYTTE_ECONFIG, "allocation.hybrid",
                    "expected a list of 1 to %d {model, fraction} items", NYTTE_ALLOC_MAX_MIX);
        } else {
            double total = 0;
            for (size_t i = 0; i < m->n; i++) {
                char ip[64];
                snprintf(ip, sizeof ip, "allocation.hybrid[%zu]", i);
                const ynode *e = need_map(L, m->items[i], ip);
                if (!e)
                    continue;
                static const char *const keys2[] = {"model", "fraction", NULL};
                check_keys(L, e, ip, keys2);
                parse_model(L, get(L, e, ip, "model", 1), ip, &c->hybrid.mix[i].model, 0);
                get_num(L, e, ip, "fraction", 1, 0, 1, &c->hybrid.mix[i].fraction);
                total += c->hybrid.mix[i].fraction;
            }
            c->hybrid.n = m->n;
            if (fabs(total - 1.0) > 1e-9)
                problem(L, m, NYTTE_ECONFIG, "allocation.hybrid", "fractions sum to %g, not 1", total);
        }
    } else if (c->model == NYTTE_ALLOC_HYBRID) {
        problem(L, a, NYTTE_ECONFIG, "allocation.hybrid", "missing (the hybrid model needs its mix)");
    }
    get_num(L, a, "allocation", "contributor_fraction", 0, 0, 1, &c->contributor_fraction);
    char *ch = NULL;
    if (get_str(L, a, "allocation", "contributor_hazard", 0, &ch)) {
        for (size_t i = 0; i < p->nhazards; i++)
            if (p->hazards[i].id && !strcmp(p->hazards[i].id, ch) && p->hazards[i].type == NYTTE_HAZARD_CATCHMENT)
                p->contributor_hazard = (long)i;
        if (p->contributor_hazard < 0)
            problem(L, ytree_get(a, "contributor_hazard"), NYTTE_ECONFIG, "allocation.contributor_hazard",
                    "'%s' is not the id of a catchment hazard", ch);
    }
    free(ch);
    if (c->model == NYTTE_ALLOC_ZONES && c->zones.nbands == 0 && !ytree_get(a, "zones"))
        problem(L, a, NYTTE_ECONFIG, "allocation.zones", "missing (the zones model needs its bands)");
    /* the models to compare share every parameter above; the chosen one comes first */
    const ynode *cmp = ytree_get(a, "compare");
    size_t ncmp = cmp && cmp->type == YT_SEQ ? cmp->n : 0;
    if (cmp && cmp->type != YT_SEQ)
        problem(L, cmp, NYTTE_ECONFIG, "allocation.compare", "expected a list of model names");
    p->compare = calloc(ncmp + 1, sizeof *p->compare);
    if (p->compare) {
        p->compare[0] = *c;
        p->ncompare = 1;
        for (size_t i = 0; i < ncmp; i++) {
            char ip[64];
            snprintf(ip, sizeof ip, "allocation.compare[%zu]", i);
            nytte_alloc_model mm;
            if (!parse_model(L, cmp->items[i], ip, &mm, 1))
                continue;
            if (mm == NYTTE_ALLOC_HYBRID && c->hybrid.n == 0) {
                problem(L, cmp->items[i], NYTTE_ECONFIG, ip, "hybrid needs allocation.hybrid");
                continue;
            }
            int dup = 0;
            for (size_t k = 0; k < p->ncompare; k++)
                dup |= p->compare[k].model == mm;
            if (dup)
                continue;
            p->compare[p->ncompare] = *c;
            p->compare[p->ncompare].model = mm;
            p->ncompare++;
        }
    }
    /* a contributor model anywhere needs the catchment that says who sends the water */
    int uses = 0;
    for (size_t k = 0; k < p->ncompare; k++) {
        nytte_alloc_model mm = p->compare[k].model;
        uses |= mm == NYTTE_ALLOC_CONTRIBUTOR || mm == NYTTE_ALLOC_BENEFIT_AND_CONTRIBUTOR;
    }
    for (size_t k = 0; k < c->hybrid.n; k++)
        uses |= c->hybrid.mix[k].model == NYTTE_ALLOC_CONTRIBUTOR;
    if (uses && p->contributor_hazard < 0 && !ytree_get(a, "contributor_hazard"))
        problem(L, a, NYTTE_ECONFIG, "allocation.contributor_hazard",
                "missing (the contributor models need the id of a catchment hazard)");
}

/*
 * Depth-damage curves per use group, replacing the defaults:
 *   curves: {residential: {depth: [0, 0.5, 1], structure: [0, 0.25, 0.4], contents: [0, 0.3, 0.5]}}
 * contents is optional (default: the structure curve). A bad curve is reported at its
 * line with the curve and point it concerns.
 */
static void load_curves(loader *L, const ynode *m, nytte_project *p)
{
    for (size_t i = 0; i < m->n; i++) {
        const ynode *k = m->items[2 * i], *v = m->items[2 * i + 1];
        char kp[96];
        snprintf(kp, sizeof kp, "damage.curves.%s", k->text);
        int u = nytte_use_parse(k->text);
        if (u < 0) {
            problem(L, k, NYTTE_ECONFIG, "damage.curves",
                    "unknown use group '%s' (expected residential, summerhouse, business, public or other)", k->text);
            continue;
        }
        if (!need_map(L, v, kp))
            continue;
        static const char *const ckeys[] = {"depth", "structure", "contents", NULL};
        check_keys(L, v, kp, ckeys);
        size_t nd = 0, ns = 0, nc = 0;
        double *depth = get_num_list(L, v, kp, "depth", 1, &nd, -1e9);
        double *st = get_num_list(L, v, kp, "structure", 1, &ns, -1e9);
        double *ct = ytree_get(v, "contents") ? get_num_list(L, v, kp, "contents", 1, &nc, -1e9) : NULL;
        const char *parts[2] = {"structure", "contents"};
        double *fr[2] = {st, ct ? ct : st};
        size_t nf[2] = {ns, ct ? nc : ns};
        nytte_curve *dst[2] = {&p->damage.structure[u], &p->damage.contents[u]};
        int ncurves = ct ? 2 : 1, ok = 1;
        for (int j = 0; j < ncurves && depth && fr[j]; j++) {
            if (nf[j] != nd) {
                problem(L, ytree_get(v, parts[j]), NYTTE_ECONFIG, kp, "%zu %s fractions for %zu depths", nf[j],
                        parts[j], nd);
                break;
            }
            char name[NYTTE_CURVE_NAME_MAX];
            snprintf(name, sizeof name, "%s/%s", k->text, parts[j]);
            nytte_ctx *tmp = NULL;
            if (nytte_ctx_new(&tmp) != NYTTE_OK)
                break;
            if (nytte_curve_set(tmp, dst[j], name, depth, fr[j], (int)nd) != NYTTE_OK ||
                nytte_curve_validate(tmp, dst[j]) != NYTTE_OK) {
                problem(L, ytree_get(v, parts[j]), NYTTE_ECONFIG, kp, "%s", nytte_ctx_errmsg(tmp));
                ok = 0;
            }
            nytte_ctx_free(tmp);
        }
        if (!ct && ok && depth && st && ns == nd) {
            /* contents follow the structure curve unless given */
            *dst[1] = *dst[0];
            snprintf(dst[1]->name, sizeof dst[1]->name, "%s/contents", k->text);
        }
        free(depth);
        free(st);
        free(ct);
    }
}

static void load_damage(loader *L, const ynode *d, nytte_project *p)
{
    static const char *const keys[] = {"depth", "ead", "discount_rate", "horizon", "unit_value", "contents_factor",
                                       "curves", NULL};
    check_keys(L, d, "damage", keys);
    char *s = NULL;
    if (get_str(L, d, "damage", "depth", 0, &s)) {
        int v = nytte_depth_stat_parse(s);
        if (v < 0)
            problem(L, ytree_get(d, "depth"), NYTTE_ECONFIG, "damage.depth",
                    "unknown depth statistic '%s' (expected max or mean)", s);
        else
            p->damage.depth_stat = (nytte_depth_stat)v;
    }
    free(s);
    s = NULL;
    if (get_str(L, d, "damage", "ead", 0, &s)) {
        nytte_ctx *tmp = NULL;
        if (nytte_ctx_new(&tmp) == NYTTE_OK) {
            if (nytte_ead_rule_parse(tmp, &p->ead, s) != NYTTE_OK)
                problem(L, ytree_get(d, "ead"), NYTTE_ECONFIG, "damage.ead", "%s", nytte_ctx_errmsg(tmp));
            nytte_ctx_free(tmp);
        }
    }
    free(s);
    get_num(L, d, "damage", "discount_rate", 0, 0, 0.5, &p->discount_rate);
    get_int(L, d, "damage", "horizon", 0, 1, 1000, &p->horizon);
    const ynode *m;
    if ((m = ytree_get(d, "unit_value")))
        load_use_map(L, m, "damage.unit_value", p->damage.unit_value, 0, 1e7);
    if ((m = ytree_get(d, "contents_factor")))
        load_use_map(L, m, "damage.contents_factor", p->damage.contents_factor, 0, 100);
    if ((m = ytree_get(d, "curves")) && need_map(L, m, "damage.curves"))
        load_curves(L, m, p);
}

static void load_finance(loader *L, const ynode *f, nytte_project *p)
{
    static const char *const keys[] = {"loan", "years", "rate", "payments_per_year", NULL};
    check_keys(L, f, "finance", keys);
    char *kind = NULL;
    if (get_str(L, f, "finance", "loan", 0, &kind)) {
        int k = nytte_loan_kind_parse(kind);
        if (k < 0)
            problem(L, ytree_get(f, "loan"), NYTTE_ECONFIG, "finance.loan",
                    "unknown loan type '%s' (expected none, annuity or serial)", kind);
        else
            p->loan.kind = (nytte_loan_kind)k;
    }
    free(kind);
    get_int(L, f, "finance", "years", 0, 1, 100, &p->loan.years);
    get_num(L, f, "finance", "rate", 0, 0, 0.5, &p->loan.rate);
    int ppy = p->loan.payments_per_year;
    if (get_int(L, f, "finance", "payments_per_year", 0, 1, 12, &ppy)) {
        if (ppy != 1 && ppy != 2 && ppy != 4 && ppy != 12)
            problem(L, ytree_get(f, "payments_per_year"), NYTTE_ECONFIG, "finance.payments_per_year",
                    "must be 1, 2, 4 or 12, got %d", ppy);
        else
            p->loan.payments_per_year = ppy;
    }
}

static void warn(nytte_project *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void warn(nytte_project *p, const char *fmt, ...)
{
    char buf[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    char **w = realloc(p->warnings, (p->nwarnings + 1) * sizeof *w);
    if (!w)
        return;
    p->warnings = w;
    if ((w[p->nwarnings] = strdup(buf)))
        p->nwarnings++;
}

static void load_root(loader *L, const ynode *root, nytte_project *p)
{
    static const char *const keys[] = {"nytte", "name", "crs", "inputs", "hazards", "measures",
                                       "allocation", "damage", "finance", "outputs", NULL};
    check_keys(L, root, NULL, keys);
    int version = 0;
    if (get_int(L, root, NULL, "nytte", 1, 0, 1000, &version) && version != 1)
        problem(L, ytree_get(root, "nytte"), NYTTE_ECONFIG, "nytte",
                "schema version %d is not supported (this nytte reads version 1)", version);
    get_str(L, root, NULL, "name", 1, &p->name);
    if (!get_str(L, root, NULL, "crs", 0, &p->crs)) {
        p->crs = strdup("EPSG:25832");
    } else {
        /* the working CRS must be one PROJ knows and in metres: say so here, not late in a run */
        nytte_ctx *tmp = NULL;
        char *wkt = NULL;
        if (nytte_ctx_new(&tmp) == NYTTE_OK) {
            if (nytte_crs_wkt(tmp, &wkt, p->crs) != NYTTE_OK)
                problem(L, ytree_get(root, "crs"), NYTTE_ECONFIG, NULL, "%s", nytte_ctx_errmsg(tmp));
            free(wkt);
            nytte_ctx_free(tmp);
        }
    }

    const ynode *v = get(L, root, NULL, "inputs", 1);
    if (v && need_map(L, v, "inputs"))
        load_inputs(L, v, p);

    v = get(L, root, NULL, "measures", 1);
    if (v && v->type != YT_SEQ) {
        problem(L, v, NYTTE_ECONFIG, "measures", "expected a list of measures (lines starting with '-')");
    } else if (v) {
        if (v->n == 0)
            problem(L, v, NYTTE_ECONFIG, "measures", "at least one measure is needed");
        p->measures = calloc(v->n ? v->n : 1, sizeof *p->measures);
        p->nmeasures = p->measures ? v->n : 0;
        for (size_t i = 0; i < p->nmeasures; i++) {
            char kp[32];
            snprintf(kp, sizeof kp, "measures[%zu]", i);
            if (need_map(L, v->items[i], kp))
                load_measure(L, v->items[i], i, p);
        }
        for (size_t i = 0; i < p->nmeasures; i++)
            for (size_t j = 0; j < i; j++)
                if (p->measures[i].id && p->measures[j].id && strcmp(p->measures[i].id, p->measures[j].id) == 0)
                    problem(L, ytree_get(v->items[i], "id"), NYTTE_ECONFIG, "measures",
                            "duplicate measure id '%s' (first in measures[%zu])", p->measures[i].id, j);
    }
    v = get(L, root, NULL, "hazards", 1);
    if (v && v->type != YT_SEQ) {
        problem(L, v, NYTTE_ECONFIG, "hazards", "expected a list of hazards (lines starting with '-')");
    } else if (v) {
        if (v->n == 0)
            problem(L, v, NYTTE_ECONFIG, "hazards", "at least one hazard is needed");
        p->hazards = calloc(v->n ? v->n : 1, sizeof *p->hazards);
        p->nhazards = p->hazards ? v->n : 0;
        for (size_t i = 0; i < p->nhazards; i++) {
            char kp[32];
            snprintf(kp, sizeof kp, "hazards[%zu]", i);
            if (need_map(L, v->items[i], kp))
                load_hazard(L, v->items[i], i, p);
        }
    }

    for (size_t i = 0; i < p->nhazards; i++)
        for (size_t j = 0; j < i; j++)
            if (p->hazards[i].id && p->hazards[j].id && strcmp(p->hazards[i].id, p->hazards[j].id) == 0)
                problem(L, ytree_get(ytree_get(root, "hazards")->items[i], "id"), NYTTE_ECONFIG, "hazards",
                        "duplicate hazard id '%s' (first in hazards[%zu])", p->hazards[i].id, j);

    /* the hazard that gives depths (or exposure): the first coastal, flood_raster, groundwater or bluespot one */
    p->primary_hazard = p->nhazards;
    for (size_t i = 0; i < p->nhazards && p->primary_hazard == p->nhazards; i++)
        if (p->hazards[i].type != NYTTE_HAZARD_CATCHMENT)
            p->primary_hazard = i;
    if (p->nhazards && p->primary_hazard == p->nhazards)
        problem(L, ytree_get(root, "hazards"), NYTTE_ECONFIG, "hazards",
                "a coastal, flood_raster, groundwater or bluespot hazard is needed: it gives the depths with and "
                "without the measures");
    p->contributor_hazard = -1;
    if (p->primary_hazard < p->nhazards)
        check_measure_keys(L, ytree_get(root, "measures"), p);
    /* one hazard gives the depths: a second one would be silently ignored, so say so */
    for (size_t i = p->primary_hazard + 1; i < p->nhazards; i++)
        if (p->hazards[i].type != NYTTE_HAZARD_CATCHMENT)
            problem(L, ytree_get(root, "hazards")->items[i], NYTTE_ECONFIG, "hazards",
                    "hazard '%s' (%s): only one coastal, flood_raster, groundwater or bluespot hazard per project "
                    "(the first, '%s', gives the depths); run the other as a project of its own",
                    p->hazards[i].id ? p->hazards[i].id : "?", hazard_types[p->hazards[i].type],
                    p->hazards[p->primary_hazard].id ? p->hazards[p->primary_hazard].id : "?");

    nytte_alloc_config_init(&p->alloc);
    p->om_mode = NYTTE_OM_PV;
    v = get(L, root, NULL, "allocation", 1);
    if (v && need_map(L, v, "allocation"))
        load_allocation(L, v, p);
    /* the design event must be one of the modelled return periods, or the design flood is unknown */
    const nytte_hazard_cfg *ph = p->primary_hazard < p->nhazards ? &p->hazards[p->primary_hazard] : NULL;
    if (v && v->type == YT_MAP && ph && !isnan(p->design_level) && ph->type != NYTTE_HAZARD_COASTAL)
        problem(L, ytree_get(v, "design_level"), NYTTE_ECONFIG, "allocation.design_level",
                "a design level needs a coastal hazard; with given depth rasters use design_event");
    if (v && v->type == YT_MAP && ph && ph->return_periods && !isnan(p->design_event)) {
        int found = 0;
        for (size_t i = 0; i < ph->nevents; i++)
            found |= fabs(ph->return_periods[i] - p->design_event) < 1e-9;
        if (!found)
            problem(L, ytree_get(v, "design_event") ? ytree_get(v, "design_event") : v, NYTTE_ECONFIG,
                    "allocation.design_event", "%g is not one of the return periods of hazard '%s'", p->design_event,
                    ph->id ? ph->id : "?");
    }

    nytte_damage_model_default(&p->damage);
    p->ead = (nytte_ead_rule)NYTTE_EAD_RULE_INIT;
    p->discount_rate = 0.035;
    p->horizon = 100;
    v = get(L, root, NULL, "damage", 0);
    if (v && need_map(L, v, "damage"))
        load_damage(L, v, p);

    p->loan = (nytte_loan_terms)NYTTE_LOAN_TERMS_INIT;
    v = get(L, root, NULL, "finance", 0);
    if (v && need_map(L, v, "finance"))
        load_finance(L, v, p);
    if (p->loan.kind != NYTTE_LOAN_NONE && p->loan.years > NYTTE_KOMMUNEKREDIT_MAX_YEARS)
        warn(p, "finance.years: a loan over %d years exceeds the %d years KommuneKredit lends for with a municipal "
                "guarantee", p->loan.years, NYTTE_KOMMUNEKREDIT_MAX_YEARS);

    v = get(L, root, NULL, "outputs", 0);
    char *folder = NULL;
    if (v && need_map(L, v, "outputs")) {
        static const char *const keys2[] = {"folder", "csv_dialect", "shapefile", NULL};
        check_keys(L, v, "outputs", keys2);
        get_str(L, v, "outputs", "folder", 0, &folder);
        char *dialect = NULL;
        if (get_str(L, v, "outputs", "csv_dialect", 0, &dialect)) {
            if (!strcmp(dialect, "excel_da"))
                p->csv_excel_da = true;
            else if (strcmp(dialect, "standard"))
                problem(L, ytree_get(v, "csv_dialect"), NYTTE_ECONFIG, "outputs.csv_dialect",
                        "expected standard or excel_da, got '%s'", dialect);
        }
        free(dialect);
        const ynode *b = ytree_get(v, "shapefile");
        if (b && (b->type != YT_SCALAR || (strcmp(b->text, "true") && strcmp(b->text, "false"))))
            problem(L, b, NYTTE_ECONFIG, "outputs.shapefile", "expected true or false");
        else if (b)
            p->shapefile = strcmp(b->text, "true") == 0;
    }
    p->out_dir = resolve(L, folder ? folder : "out");
    free(folder);

    /* money sanity: each element's fixed deductions must not exceed its capex (only when every
     * amount was read: a capex refused above would otherwise read as 0 and add a second, false problem) */
    for (size_t m = 0; L->nerr == 0 && m < p->nmeasures; m++) {
        int64_t fixed = 0;
        for (size_t i = 0; i < p->measures[m].ndeductions; i++)
            if (p->measures[m].deductions[i].percent < 0)
                fixed += p->measures[m].deductions[i].amount;
        if (fixed > p->measures[m].capex) {
            /* point at the deductions as written: under the measure, or allocation.deductions */
            const ynode *ms = ytree_get(root, "measures"), *al = ytree_get(root, "allocation");
            const ynode *at = ms && ms->type == YT_SEQ && m < ms->n ? ytree_get(ms->items[m], "deductions") : NULL;
            char kp[64];
            snprintf(kp, sizeof kp, "measures[%zu].deductions", m);
            if (!at && (at = ytree_get(al, "deductions")))
                snprintf(kp, sizeof kp, "allocation.deductions");
            problem(L, at, NYTTE_ECONFIG, kp,
                    "measure %s: deductions of %lld.%02lld kr exceed its capex of %lld.%02lld kr",
                    p->measures[m].id ? p->measures[m].id : "?", (long long)(fixed / 100), (long long)(fixed % 100),
                    (long long)(p->measures[m].capex / 100), (long long)(p->measures[m].capex % 100));
        }
    }
}

void nytte_project_free(nytte_project *p)
{
    if (!p)
        return;
    nytte_layer_cfg *layers[] = {&p->parcels.src, &p->buildings.src, &p->owners.src};
    for (size_t i = 0; i < 3; i++) {
        free(layers[i]->path);
        free(layers[i]->layer);
        free(layers[i]->where);
    }
    char *strs[] = {p->path, p->dir, p->name, p->crs, p->terrain, p->vertical_datum, p->parcels.id,
                    p->parcels.value, p->parcels.landuse, p->parcels.paved_area, p->buildings.id, p->buildings.parcel, p->buildings.use,
                    p->buildings.floor_area, p->buildings.floor_height, p->buildings.value, p->owners.parcel,
                    p->owners.owner, p->owners.name, p->owners.share, p->out_dir};
    for (size_t i = 0; i < sizeof strs / sizeof strs[0]; i++)
        free(strs[i]);
    for (size_t i = 0; i < p->nhazards; i++) {
        nytte_hazard_cfg *h = &p->hazards[i];
        free(h->id);
        free(h->sea.path);
        free(h->sea.layer);
        free(h->sea.where);
        free(h->return_periods);
        free(h->levels);
        free(h->rain);
        free_list(h->rasters);
        for (size_t k = 0; h->with_rasters && k < p->nmeasures; k++)
            free_list(h->with_rasters[k]);
        free(h->with_rasters);
        free_list(h->with_all);
        free(h->protected_area.path);
        free(h->protected_area.layer);
        free(h->protected_area.where);
        for (size_t k = 0; k < h->nrunoff_names; k++)
            free(h->runoff_names[k]);
        free(h->runoff_names);
    }
    free(p->hazards);
    for (size_t i = 0; i < p->nmeasures; i++) {
        nytte_measure_cfg *m = &p->measures[i];
        free(m->id);
        free(m->name);
        free(m->geometry.path);
        free(m->geometry.layer);
        free(m->geometry.where);
        for (size_t k = 0; k < m->ndeductions; k++)
            free(m->deductions[k].name);
        free(m->deductions);
    }
    free(p->measures);
    free(p->compare);
    for (size_t i = 0; i < p->nwarnings; i++)
        free(p->warnings[i]);
    free(p->warnings);
    free(p);
}

int nytte_project_load(nytte_ctx *ctx, nytte_project **out, const char *path, nytte_diag *diag)
{
    *out = NULL;
    char err[1024];
    struct stat st;
    if (stat(path, &st) != 0)
        return nytte_error(ctx, NYTTE_EIO, "%s: cannot open the project file: %s", path, strerror(errno));
    if (S_ISDIR(st.st_mode))
        return nytte_error(ctx, NYTTE_EIO, "%s: is a folder, expected a project file (.yaml)", path);
    ynode *root = NULL;
    int yrc = ytree_load(&root, path, err, sizeof err);
    if (yrc == NYTTE_ENOMEM)
        return nytte_nomem(ctx, "%s", path);
    if (yrc != NYTTE_OK) {
        if (diag) {
            nytte_diag_clear(diag);
            diag->lines = malloc(sizeof *diag->lines);
            diag->codes = malloc(sizeof *diag->codes);
            if (diag->lines && diag->codes && (diag->lines[0] = strdup(err))) {
                diag->codes[0] = NYTTE_ECONFIG;
                diag->n = 1;
            }
        }
        return nytte_error(ctx, NYTTE_ECONFIG, "%s", err);
    }
    nytte_project *p = calloc(1, sizeof *p);
    char *dir = strdup(path);
    if (!p || !dir) {
        free(p);
        free(dir);
        ytree_free(root);
        return nytte_error(ctx, NYTTE_ENOMEM, "%s: out of memory", path);
    }
    char *slash = strrchr(dir, '/');
    if (slash)
        *(slash == dir ? slash + 1 : slash) = '\0';
    else
        strcpy(dir, ".");
    p->path = strdup(path);
    p->dir = dir;
    loader L = {path, dir, diag, 0, 0, "", 0};
    if (diag)
        nytte_diag_clear(diag);
    if (root->type != YT_MAP)
        problem(&L, root, NYTTE_ECONFIG, NULL, "a project file is a mapping of sections (nytte, name, inputs, ...)");
    else
        load_root(&L, root, p);
    ytree_free(root);
    if (L.nerr) {
        nytte_project_free(p);
        int code = L.worst ? L.worst : NYTTE_ECONFIG;
        if (L.nerr > 1)
            return nytte_error(ctx, code, "%s (and %d more problems)", L.first, L.nerr - 1);
        return nytte_error(ctx, code, "%s", L.first);
    }
    *out = p;
    return NYTTE_OK;
}
