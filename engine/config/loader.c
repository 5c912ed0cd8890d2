/*
 * loader.c — what every section loader shares: problems recorded with file:line:col
 * (the first becomes the error, all go into the list), the typed getters that read a key
 * of a mapping as the key table describes it, paths resolved against the project folder,
 * layers and lists.
 */
#include "config/config_int.h"
#include "nytte/io.h"

#include <assert.h>
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

/* Append one line to the list of problems. */
static int diag_push(nytte_diag *d, const char *line, int code)
{
    char **lines = realloc(d->lines, (d->n + 1) * sizeof *lines);
    if (lines)
        d->lines = lines;
    int *codes = realloc(d->codes, (d->n + 1) * sizeof *codes);
    if (codes)
        d->codes = codes;
    if (!lines || !codes || !(d->lines[d->n] = strdup(line)))
        return NYTTE_ENOMEM;
    d->codes[d->n++] = code;
    return NYTTE_OK;
}

void cfg_problem(loader *L, const ynode *at, int code, const char *key, const char *fmt, ...)
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
    if (L->nerr == 0)
        memcpy(L->first, line, sizeof L->first);
    L->nerr++;
    if (code == NYTTE_ECONFIG || L->worst == 0)
        L->worst = code;
    if (L->diag && diag_push(L->diag, line, code) != NYTTE_OK && !L->oom[0])
        snprintf(L->oom, sizeof L->oom, "%s: the list of problems", L->name);
}

int cfg_nomem(loader *L, const ynode *at, const char *what)
{
    if (!L->oom[0]) {
        if (at)
            snprintf(L->oom, sizeof L->oom, "%s:%d:%d: %s", L->name, at->line, at->col, what);
        else
            snprintf(L->oom, sizeof L->oom, "%s: %s", L->name, what);
    }
    cfg_problem(L, at, NYTTE_ENOMEM, what, "out of memory");
    return NYTTE_ENOMEM;
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

const char *cfg_type_name(const ynode *n)
{
    return n->type == YT_MAP ? "a mapping" : n->type == YT_SEQ ? "a list" : "a value";
}

static void keypath(char *buf, size_t n, const char *parent, const char *key)
{
    snprintf(buf, n, "%s%s%s", parent && *parent ? parent : "", parent && *parent ? "." : "", key);
}

const ynode *cfg_need_map(loader *L, const ynode *n, const char *kp)
{
    if (n && n->type != YT_MAP) {
        cfg_problem(L, n, NYTTE_ECONFIG, kp, "expected a mapping (key: value lines), got %s", cfg_type_name(n));
        return NULL;
    }
    return n;
}

/* Whether the key table requires key in m (for m's hazard type). */
static bool required(const cfg_map *m, const char *key)
{
    const nytte_config_key *k = cfg_key_find(m->section, key);
    assert(k && "the loader reads only keys of the key table");
    return k && (k->required & m->types);
}

/* The longest key path a message names ("hazards[12].with_measure.sluice"). */
#define KP_MAX 256

/*
 * *v = the value of key, kp = its path as messages name it: NYTTE_OK, CFG_ABSENT, or
 * NYTTE_ECONFIG when a required key is missing (reported at the mapping that lacks it).
 */
static int lookup(const cfg_map *m, const char *key, const ynode **v, char kp[KP_MAX])
{
    keypath(kp, KP_MAX, m->kp, key);
    bool req = required(m, key);
    *v = ytree_get(m->node, key);
    if (*v)
        return NYTTE_OK;
    if (!req)
        return CFG_ABSENT;
    cfg_problem(m->L, m->node, NYTTE_ECONFIG, kp, "missing (required)");
    return NYTTE_ECONFIG;
}

const ynode *cfg_get(const cfg_map *m, const char *key)
{
    const ynode *v;
    char kp[KP_MAX];
    lookup(m, key, &v, kp);
    return v;
}

int cfg_get_str(const cfg_map *m, const char *key, char **out)
{
    char kp[KP_MAX];
    const ynode *v;
    int rc = lookup(m, key, &v, kp);
    if (rc != NYTTE_OK)
        return rc;
    if (v->type != YT_SCALAR) {
        cfg_problem(m->L, v, NYTTE_ECONFIG, kp, "expected text, got %s", cfg_type_name(v));
        return NYTTE_ECONFIG;
    }
    if (v->text[0] == '\0' || (v->plain && strcmp(v->text, "null") == 0) || (v->plain && strcmp(v->text, "~") == 0)) {
        if (!required(m, key))
            return CFG_ABSENT;
        cfg_problem(m->L, v, NYTTE_ECONFIG, kp, "must not be empty");
        return NYTTE_ECONFIG;
    }
    char *s = strdup(v->text);
    if (!s)
        return cfg_nomem(m->L, v, kp);
    free(*out);
    *out = s;
    return NYTTE_OK;
}

/*
 * A number written the Danish way: thousands dots (2.000.000, 1.234,50) or a decimal
 * comma (1,52). Writes the same number as a project file wants it into fix and returns
 * what was wrong; NULL when the text is not such a number.
 */
static const char *danish_number(const char *t, char *fix, size_t size)
{
    const char *s = t + (*t == '-' || *t == '+');
    size_t n = 0, groups = 0;
    while (isdigit((unsigned char)s[n]))
        n++;
    if (n == 0 || n > 3)
        groups = n ? 0 : (size_t)-1;
    const char *p = s + n;
    while (n >= 1 && n <= 3 && p[0] == '.' && isdigit((unsigned char)p[1]) && isdigit((unsigned char)p[2]) &&
           isdigit((unsigned char)p[3]) && !isdigit((unsigned char)p[4])) {
        groups++;
        p += 4;
    }
    if (groups == (size_t)-1)
        return NULL;
    if (!groups) /* no thousands dots: a decimal comma right after the digits? */
        p = s + n;
    bool comma = p[0] == ',' && isdigit((unsigned char)p[1]);
    const char *q = comma ? p + 1 : p;
    while (comma && isdigit((unsigned char)*q))
        q++;
    if ((!groups && !comma) || *q != '\0' || (!groups && n == 0))
        return NULL;
    size_t k = 0;
    for (const char *c = t; *c && k + 1 < size; c++)
        if (*c != '.')
            fix[k++] = *c == ',' ? '.' : *c;
    fix[k] = '\0';
    return groups ? "Danish thousands separators" : "a decimal comma";
}

/* "" or "; HINT: write FIX" for a value that is a Danish-written number. */
static const char *danish_hint(const ynode *v, char *buf, size_t size)
{
    char fix[64];
    const char *why = v->type == YT_SCALAR && v->text ? danish_number(v->text, fix, sizeof fix) : NULL;
    if (!why)
        return "";
    snprintf(buf, size, " (%s: write %s, with a decimal point and no thousands separators)", why, fix);
    return buf;
}

bool cfg_list_split_decimals(const ynode *seq)
{
    for (size_t i = 0; seq && seq->type == YT_SEQ && i + 1 < seq->n; i++) {
        const ynode *a = seq->items[i], *b = seq->items[i + 1];
        if (a->type == YT_SCALAR && b->type == YT_SCALAR && a->plain && b->plain && a->line == b->line &&
            b->col == a->col + (int)strlen(a->text) + 1 && isdigit((unsigned char)b->text[0]))
            return true;
    }
    return false;
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

int cfg_get_num(const cfg_map *m, const char *key, double lo, double hi, double *out)
{
    char kp[KP_MAX];
    const ynode *v;
    int rc = lookup(m, key, &v, kp);
    if (rc != NYTTE_OK)
        return rc;
    double d;
    if (parse_double(v, &d) != 0) {
        char hint[160];
        cfg_problem(m->L, v, NYTTE_ECONFIG, kp, "expected a number, got %s%s%s%s", v->type == YT_SCALAR ? "'" : "",
                    v->type == YT_SCALAR ? v->text : cfg_type_name(v), v->type == YT_SCALAR ? "'" : "",
                    danish_hint(v, hint, sizeof hint));
        return NYTTE_ECONFIG;
    }
    if (d < lo || d > hi) {
        if (lo == 0 && d < 0)
            cfg_problem(m->L, v, NYTTE_ECONFIG, kp, "must not be negative, got %s", v->text);
        else
            cfg_problem(m->L, v, NYTTE_ECONFIG, kp, "must be between %g and %g, got %s", lo, hi, v->text);
        return NYTTE_ECONFIG;
    }
    *out = d;
    return NYTTE_OK;
}

int cfg_get_int(const cfg_map *m, const char *key, int lo, int hi, int *out)
{
    double d;
    char kp[KP_MAX];
    keypath(kp, sizeof kp, m->kp, key);
    int rc = cfg_get_num(m, key, lo, hi, &d);
    if (rc != NYTTE_OK)
        return rc;
    if (d != floor(d)) {
        const ynode *v = ytree_get(m->node, key);
        cfg_problem(m->L, v, NYTTE_ECONFIG, kp, "expected a whole number, got %s", v->text);
        return NYTTE_ECONFIG;
    }
    *out = (int)d;
    return NYTTE_OK;
}

/*
 * Money in kroner with at most two decimals, parsed from the text so that no binary
 * floating point ever touches an amount: "45000000" -> 4500000000 øre, "12.5" -> 1250.
 * Returns 0, -1 (not an amount) or -2 (more than two decimals).
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

int cfg_get_money(const cfg_map *m, const char *key, int64_t *out)
{
    char kp[KP_MAX];
    const ynode *v;
    int rc = lookup(m, key, &v, kp);
    if (rc != NYTTE_OK)
        return rc;
    int neg = 0, parsed = v->type == YT_SCALAR && v->plain ? parse_money(v->text, out, &neg) : -1;
    char hint[160];
    if (*danish_hint(v, hint, sizeof hint)) {
        cfg_problem(m->L, v, NYTTE_ECONFIG, kp, "expected an amount in kroner, got %s%s", v->text, hint);
        return NYTTE_ECONFIG;
    }
    if (parsed == -2) {
        cfg_problem(m->L, v, NYTTE_ECONFIG, kp, "an amount in kroner has at most two decimals (øre), got %s", v->text);
        return NYTTE_ECONFIG;
    }
    if (parsed != 0) {
        cfg_problem(m->L, v, NYTTE_ECONFIG, kp, "expected an amount in kroner (e.g. 45000000 or 1800.50), got %s%s%s",
                    v->type == YT_SCALAR ? "'" : "", v->type == YT_SCALAR ? v->text : cfg_type_name(v),
                    v->type == YT_SCALAR ? "'" : "");
        return NYTTE_ECONFIG;
    }
    if (neg && *out != 0) {
        cfg_problem(m->L, v, NYTTE_ECONFIG, kp, "must not be negative, got %s", v->text);
        return NYTTE_ECONFIG;
    }
    return NYTTE_OK;
}

int cfg_get_bool(const cfg_map *m, const char *key, bool *out)
{
    const ynode *v;
    char kp[KP_MAX];
    int rc = lookup(m, key, &v, kp);
    if (rc != NYTTE_OK)
        return rc;
    if (v->type != YT_SCALAR || (strcmp(v->text, "true") != 0 && strcmp(v->text, "false") != 0)) {
        cfg_problem(m->L, v, NYTTE_ECONFIG, kp, "expected true or false");
        return NYTTE_ECONFIG;
    }
    *out = strcmp(v->text, "true") == 0;
    return NYTTE_OK;
}

char *cfg_resolve(const loader *L, const char *p)
{
    if (p[0] == '/' || strncmp(p, "/vsi", 4) == 0)
        return strdup(p);
    size_t n = strlen(L->dir) + strlen(p) + 2;
    char *r = malloc(n);
    if (r)
        snprintf(r, n, "%s/%s", L->dir, p);
    return r;
}

int cfg_get_path(const cfg_map *m, const char *key, int must_exist, char **out)
{
    char *raw = NULL;
    char kp[KP_MAX];
    keypath(kp, sizeof kp, m->kp, key);
    int rc = cfg_get_str(m, key, &raw);
    if (rc != NYTTE_OK)
        return rc;
    char *path = cfg_resolve(m->L, raw);
    free(raw);
    if (!path)
        return cfg_nomem(m->L, ytree_get(m->node, key), kp);
    free(*out);
    *out = path; /* kept when the file is missing: the problem names it */
    if (!must_exist)
        return NYTTE_OK;
    struct stat st;
    const ynode *at = ytree_get(m->node, key);
    if (stat(path, &st) != 0) {
        cfg_problem(m->L, at, NYTTE_EIO, kp, "file not found: %s", path);
        return NYTTE_EIO;
    }
    if (S_ISDIR(st.st_mode) && !strstr(path, ".gdb")) {
        cfg_problem(m->L, at, NYTTE_EIO, kp, "is a folder, expected a file: %s", path);
        return NYTTE_EIO;
    }
    if (access(path, R_OK) != 0) {
        cfg_problem(m->L, at, NYTTE_EIO, kp, "cannot read %s: %s", path, strerror(errno));
        return NYTTE_EIO;
    }
    return NYTTE_OK;
}

int cfg_get_num_list(const cfg_map *m, const char *key, double lo, double **out, size_t *n)
{
    char kp[KP_MAX];
    *out = NULL;
    *n = 0;
    const ynode *v;
    int rc = lookup(m, key, &v, kp);
    if (rc != NYTTE_OK)
        return rc;
    if (v->type != YT_SEQ) {
        cfg_problem(m->L, v, NYTTE_ECONFIG, kp, "expected a list of numbers like [20, 50, 100], got %s",
                    cfg_type_name(v));
        return NYTTE_ECONFIG;
    }
    if (v->n == 0) {
        cfg_problem(m->L, v, NYTTE_ECONFIG, kp, "must not be empty");
        return NYTTE_ECONFIG;
    }
    double *x = calloc(v->n, sizeof *x);
    if (!x)
        return cfg_nomem(m->L, v, kp);
    rc = NYTTE_OK;
    for (size_t i = 0; i < v->n; i++) {
        const ynode *item = v->items[i];
        char ip[300];
        snprintf(ip, sizeof ip, "%s[%zu]", kp, i);
        if (parse_double(item, &x[i]) != 0) {
            cfg_problem(m->L, item, NYTTE_ECONFIG, ip, "expected a number, got '%s'",
                        item->type == YT_SCALAR ? item->text : cfg_type_name(item));
            rc = NYTTE_ECONFIG;
        } else if (x[i] < lo) {
            cfg_problem(m->L, item, NYTTE_ECONFIG, ip, "must be at least %g, got %s", lo, item->text);
            rc = NYTTE_ECONFIG;
        }
    }
    if (rc != NYTTE_OK) {
        free(x);
        return rc;
    }
    *out = x;
    *n = v->n;
    return NYTTE_OK;
}

void cfg_get_layer(const cfg_map *m, nytte_layer_cfg *out)
{
    out->line = m->node->line;
    out->col = m->node->col;
    cfg_check_keys(m);
    cfg_get_path(m, "path", 1, &out->path);
    cfg_get_str(m, "layer", &out->layer);
    cfg_get_str(m, "where", &out->where);
    /* a layer with geometries may say the CRS of its coordinates; PROJ must know it */
    if (cfg_key_find(m->section, "crs") && cfg_get_str(m, "crs", &out->crs) == NYTTE_OK) {
        char *wkt = NULL;
        if (nytte_crs_wkt(m->L->scratch, &wkt, out->crs) != NYTTE_OK) {
            char kp[KP_MAX];
            keypath(kp, sizeof kp, m->kp, "crs");
            cfg_problem(m->L, ytree_get(m->node, "crs"), NYTTE_ECONFIG, kp,
                        "'%s' is not a CRS PROJ knows (e.g. EPSG:25832)", out->crs);
        }
        free(wkt);
    }
}

void cfg_get_layer_any(const cfg_map *parent, const char *key, nytte_layer_cfg *out)
{
    const ynode *v = cfg_get(parent, key);
    if (!v)
        return;
    loader *L = parent->L;
    char kp[KP_MAX], sec[KP_MAX];
    keypath(kp, sizeof kp, parent->kp, key);
    keypath(sec, sizeof sec, parent->section, key);
    if (v->type == YT_SCALAR) {
        out->line = v->line;
        out->col = v->col;
        out->path = cfg_resolve(L, v->text);
        struct stat st;
        if (!out->path)
            cfg_nomem(L, v, kp);
        else if (stat(out->path, &st) != 0)
            cfg_problem(L, v, NYTTE_EIO, kp, "file not found: %s", out->path);
        return;
    }
    if (cfg_need_map(L, v, kp)) {
        cfg_map m = cfg_map_at(L, v, kp, sec);
        cfg_get_layer(&m, out);
    }
}

void cfg_get_use_map(loader *L, const ynode *v, const char *kp, const char *sec, double *out, double lo, double hi)
{
    if (!cfg_need_map(L, v, kp))
        return;
    cfg_map m = cfg_map_at(L, v, kp, sec);
    for (size_t i = 0; i < v->n; i++) {
        const char *k = v->items[2 * i]->text;
        int u = nytte_use_parse(k);
        if (u < 0) {
            cfg_problem(L, v->items[2 * i], NYTTE_ECONFIG, kp,
                        "unknown use group '%s' (expected residential, summerhouse, business, public or other)", k);
            continue;
        }
        cfg_get_num(&m, k, lo, hi, &out[u]);
    }
}

void cfg_check_increasing(loader *L, const ynode *seq, const char *kp, const double *x, size_t n, int strict,
                          const char *what)
{
    for (size_t i = 1; i < n; i++)
        if (strict ? !(x[i] > x[i - 1]) : !(x[i] >= x[i - 1])) {
            cfg_problem(L, seq->items[i], NYTTE_ECONFIG, kp, "%s must %s: %g after %g", what,
                        strict ? "increase strictly" : "not decrease", x[i], x[i - 1]);
            return;
        }
}

void cfg_check_id(const cfg_map *m, const char *id)
{
    if (!id)
        return;
    for (const char *c = id; *c; c++)
        if (!(isalnum((unsigned char)*c) || *c == '-' || *c == '_')) {
            cfg_problem(m->L, ytree_get(m->node, "id"), NYTTE_ECONFIG, m->kp,
                        "id '%s' may hold letters, digits, - and _ only", id);
            return;
        }
}

void cfg_layer_clear(nytte_layer_cfg *l)
{
    free(l->path);
    free(l->layer);
    free(l->where);
    free(l->crs);
}
