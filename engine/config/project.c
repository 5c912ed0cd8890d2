/*
 * project.c — a project file as a whole: nytte_project_load reads the tree, runs the
 * section loaders in their fixed order (the order the problems are reported in), checks
 * what spans sections (one hazard gives the depths, the design event is one of its return
 * periods, deductions within capex) and reads the outputs section; nytte_project_free.
 */
#include "config/config_int.h"
#include "nytte/io.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static void warn(loader *L, nytte_project *p, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void warn(loader *L, nytte_project *p, const char *fmt, ...)
{
    char buf[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    char **w = realloc(p->warnings, (p->nwarnings + 1) * sizeof *w);
    if (w)
        p->warnings = w;
    if (!w || !(w[p->nwarnings] = strdup(buf))) {
        cfg_nomem(L, NULL, "warnings");
        return;
    }
    p->nwarnings++;
}

/* The schema version, the name and the working CRS, which must be one PROJ knows and in metres. */
static void load_head(const cfg_map *rm, nytte_project *p)
{
    loader *L = rm->L;
    int version = 0;
    if (cfg_get_int(rm, "nytte", 0, 1000, &version) == NYTTE_OK && version != 1)
        cfg_problem(L, ytree_get(rm->node, "nytte"), NYTTE_ECONFIG, "nytte",
                    "schema version %d is not supported (this nytte reads version 1)", version);
    cfg_get_str(rm, "name", &p->name);
    if (cfg_get_str(rm, "crs", &p->crs) != NYTTE_OK) {
        if (!(p->crs = strdup("EPSG:25832")))
            cfg_nomem(L, NULL, "crs");
        return;
    }
    /* say so here, not late in a run */
    char *wkt = NULL;
    nytte_ctx_clear_error(L->scratch);
    if (nytte_crs_wkt(L->scratch, &wkt, p->crs) != NYTTE_OK)
        cfg_problem(L, ytree_get(rm->node, "crs"), NYTTE_ECONFIG, NULL, "%s", nytte_ctx_errmsg(L->scratch));
    free(wkt);
}

/* A working CRS that distorts areas by more than this at the terrain is refused. */
#define CRS_AREAL_TOLERANCE 0.01

/*
 * The working CRS must measure areas as they are on the ground where the study is:
 * Web Mercator, or a UTM zone far from its own, would weigh every plot wrongly. The place
 * is the terrain's centre (as its own CRS says); a CRS made for it is suggested. Problems
 * with the CRS or the terrain themselves are reported elsewhere; here they skip the check.
 */
static void check_crs_place(const cfg_map *rm, const nytte_project *p)
{
    loader *L = rm->L;
    char *wkt = NULL, *twkt = NULL;
    nytte_grid g;
    nytte_crs_place at;
    struct stat st;
    nytte_ctx_clear_error(L->scratch);
    /* a terrain of tiles: the first tile's CRS (they share it), the centre of them all */
    const char *terrain = p->nterrain_tiles ? p->terrain_tiles[0] : p->terrain;
    bool known = p->crs && terrain && stat(terrain, &st) == 0 && nytte_crs_wkt(L->scratch, &wkt, p->crs) == NYTTE_OK &&
                 nytte_raster_info(L->scratch, terrain, &g, &twkt) == NYTTE_OK && twkt;
    if (known && p->nterrain_tiles)
        nytte_mosaic_union(&g, p->terrain_grids, NULL, p->nterrain_tiles);
    if (!known ||
        nytte_crs_at(L->scratch, &at, wkt, twkt, g.x0 + 0.5 * g.nx * g.dx, g.y0 - 0.5 * g.ny * g.dy) != NYTTE_OK ||
        fabs(at.areal - 1.0) <= CRS_AREAL_TOLERANCE) {
        nytte_ctx_clear_error(L->scratch);
        free(wkt);
        free(twkt);
        return;
    }
    const ynode *given = ytree_get(rm->node, "crs");
    cfg_problem(L, given, NYTTE_ECONFIG, "crs",
                "%s%s measures areas %.2f times as large as they are at the terrain (%.2f°%c, %.2f°%c): areas and "
                "amounts by area would be wrong; use a CRS made for the place, such as EPSG:%d",
                p->crs, given ? "" : " (the default)", at.areal, fabs(at.lat), at.lat >= 0 ? 'N' : 'S', fabs(at.lon),
                at.lon >= 0 ? 'E' : 'W', at.utm_epsg);
    free(wkt);
    free(twkt);
}

/* A section that is a list of one thing or more (measures, hazards): its node, or NULL. */
static const ynode *list_section(const cfg_map *rm, const char *key, const char *one)
{
    const ynode *v = cfg_get(rm, key);
    if (!v)
        return NULL;
    if (v->type != YT_SEQ) {
        cfg_problem(rm->L, v, NYTTE_ECONFIG, key, "expected a list of %s (lines starting with '-')", key);
        return NULL;
    }
    if (v->n == 0)
        cfg_problem(rm->L, v, NYTTE_ECONFIG, key, "at least one %s is needed", one);
    return v;
}

static void load_measures(const cfg_map *rm, nytte_project *p)
{
    loader *L = rm->L;
    const ynode *v = list_section(rm, "measures", "measure");
    if (!v)
        return;
    if (!(p->measures = calloc(v->n ? v->n : 1, sizeof *p->measures))) {
        cfg_nomem(L, v, "measures");
        return;
    }
    p->nmeasures = v->n;
    for (size_t i = 0; i < p->nmeasures; i++) {
        char kp[32];
        snprintf(kp, sizeof kp, "measures[%zu]", i);
        if (cfg_need_map(L, v->items[i], kp))
            cfg_load_measure(L, v->items[i], i, p);
    }
    for (size_t i = 0; i < p->nmeasures; i++)
        for (size_t j = 0; j < i; j++)
            if (p->measures[i].id && p->measures[j].id && strcmp(p->measures[i].id, p->measures[j].id) == 0)
                cfg_problem(L, ytree_get(v->items[i], "id"), NYTTE_ECONFIG, "measures",
                            "duplicate measure id '%s' (first in measures[%zu])", p->measures[i].id, j);
}

static void load_hazards(const cfg_map *rm, nytte_project *p)
{
    loader *L = rm->L;
    const ynode *v = list_section(rm, "hazards", "hazard");
    if (!v)
        return;
    if (!(p->hazards = calloc(v->n ? v->n : 1, sizeof *p->hazards))) {
        cfg_nomem(L, v, "hazards");
        return;
    }
    p->nhazards = v->n;
    for (size_t i = 0; i < p->nhazards; i++) {
        char kp[32];
        snprintf(kp, sizeof kp, "hazards[%zu]", i);
        if (cfg_need_map(L, v->items[i], kp))
            cfg_load_hazard(L, v->items[i], i, p);
    }
}

/*
 * The hazard that gives depths (or exposure): the first coastal, flood_raster, groundwater
 * or bluespot one. Hazard ids are unique; the measure keys follow the primary hazard; a
 * second depth hazard would be silently ignored, so say so.
 */
static void check_hazards(const cfg_map *rm, nytte_project *p)
{
    loader *L = rm->L;
    const ynode *hl = ytree_get(rm->node, "hazards");
    for (size_t i = 0; i < p->nhazards; i++)
        for (size_t j = 0; j < i; j++)
            if (p->hazards[i].id && p->hazards[j].id && strcmp(p->hazards[i].id, p->hazards[j].id) == 0)
                cfg_problem(L, ytree_get(hl->items[i], "id"), NYTTE_ECONFIG, "hazards",
                            "duplicate hazard id '%s' (first in hazards[%zu])", p->hazards[i].id, j);
    p->primary_hazard = p->nhazards;
    for (size_t i = 0; i < p->nhazards && p->primary_hazard == p->nhazards; i++)
        if (p->hazards[i].type != NYTTE_HAZARD_CATCHMENT)
            p->primary_hazard = i;
    if (p->nhazards && p->primary_hazard == p->nhazards)
        cfg_problem(L, hl, NYTTE_ECONFIG, "hazards",
                    "a coastal, flood_raster, groundwater or bluespot hazard is needed: it gives the depths with and "
                    "without the measures");
    p->contributor_hazard = -1;
    if (p->primary_hazard < p->nhazards)
        cfg_check_measure_keys(L, ytree_get(rm->node, "measures"), p);
    for (size_t i = p->primary_hazard + 1; i < p->nhazards; i++)
        if (p->hazards[i].type != NYTTE_HAZARD_CATCHMENT)
            cfg_problem(L, hl->items[i], NYTTE_ECONFIG, "hazards",
                        "hazard '%s' (%s): only one coastal, flood_raster, groundwater or bluespot hazard per project "
                        "(the first, '%s', gives the depths); run the other as a project of its own",
                        p->hazards[i].id ? p->hazards[i].id : "?", cfg_hazard_types[p->hazards[i].type],
                        p->hazards[p->primary_hazard].id ? p->hazards[p->primary_hazard].id : "?");
}

/* The allocation section, and its design event against the modelled return periods. */
static void load_allocation(const cfg_map *rm, nytte_project *p)
{
    loader *L = rm->L;
    nytte_alloc_config_init(&p->alloc);
    p->alloc.rules.benefit_cap = NYTTE_BENEFIT_CAP_WARN; /* a project is warned unless it says off */
    p->om_mode = NYTTE_OM_PV;
    const ynode *v = cfg_get(rm, "allocation");
    if (v && cfg_need_map(L, v, "allocation"))
        cfg_load_allocation(L, v, p);
    const nytte_hazard_cfg *ph = p->primary_hazard < p->nhazards ? &p->hazards[p->primary_hazard] : NULL;
    if (!v || v->type != YT_MAP || !ph)
        return;
    if (!isnan(p->design_level) && ph->type != NYTTE_HAZARD_COASTAL)
        cfg_problem(L, ytree_get(v, "design_level"), NYTTE_ECONFIG, "allocation.design_level",
                    "a design level needs a coastal hazard; with given depth rasters use design_event");
    /* the design event must be one of the modelled return periods, or the design flood is unknown */
    if (ph->return_periods && !isnan(p->design_event)) {
        int found = 0;
        for (size_t i = 0; i < ph->nevents; i++)
            found |= fabs(ph->return_periods[i] - p->design_event) < 1e-9;
        if (!found)
            cfg_problem(L, ytree_get(v, "design_event") ? ytree_get(v, "design_event") : v, NYTTE_ECONFIG,
                        "allocation.design_event", "%g is not one of the return periods of hazard '%s'",
                        p->design_event, ph->id ? ph->id : "?");
    }
}

/* The damage and finance sections over their defaults. */
static void load_damage_finance(const cfg_map *rm, nytte_project *p)
{
    loader *L = rm->L;
    nytte_damage_model_default(&p->damage);
    p->ead = (nytte_ead_rule)NYTTE_EAD_RULE_INIT;
    p->discount_rate = 0.035;
    p->horizon = 100;
    const ynode *v = cfg_get(rm, "damage");
    if (v && cfg_need_map(L, v, "damage"))
        cfg_load_damage(L, v, p);

    p->loan = (nytte_loan_terms)NYTTE_LOAN_TERMS_INIT;
    v = cfg_get(rm, "finance");
    if (v && cfg_need_map(L, v, "finance"))
        cfg_load_finance(L, v, p);
    if (p->loan.kind != NYTTE_LOAN_NONE && p->loan.years > NYTTE_KOMMUNEKREDIT_MAX_YEARS)
        warn(L, p, "finance.years: a loan over %d years exceeds the %d years KommuneKredit lends for with a "
                   "municipal guarantee", p->loan.years, NYTTE_KOMMUNEKREDIT_MAX_YEARS);
}

/* Uncertainty and climate horizons: after the hazards (the sea-level inputs need a coastal one). */
static void load_uncertainty(const cfg_map *rm, nytte_project *p)
{
    const ynode *v = cfg_get(rm, "uncertainty");
    if (v && cfg_need_map(rm->L, v, "uncertainty"))
        cfg_load_uncertainty(rm->L, v, p);
    if ((v = cfg_get(rm, "horizons")))
        cfg_load_horizons(rm->L, v, p);
}

static void load_outputs(const cfg_map *rm, nytte_project *p)
{
    loader *L = rm->L;
    const ynode *v = cfg_get(rm, "outputs");
    char *folder = NULL;
    if (v && cfg_need_map(L, v, "outputs")) {
        cfg_map om = cfg_map_at(L, v, "outputs", "outputs");
        cfg_check_keys(&om);
        cfg_get_str(&om, "folder", &folder);
        char *dialect = NULL;
        if (cfg_get_str(&om, "csv_dialect", &dialect) == NYTTE_OK) {
            if (!strcmp(dialect, "excel_da"))
                p->csv_excel_da = true;
            else if (strcmp(dialect, "standard"))
                cfg_problem(L, ytree_get(v, "csv_dialect"), NYTTE_ECONFIG, "outputs.csv_dialect",
                            "expected standard or excel_da, got '%s'", dialect);
        }
        free(dialect);
        cfg_get_bool(&om, "shapefile", &p->shapefile);
    }
    if (!(p->out_dir = cfg_resolve(L, folder ? folder : "out")))
        cfg_nomem(L, v, "outputs.folder");
    char why[4200];
    if (p->out_dir && cfg_out_dir_problem(p, p->out_dir, why, sizeof why))
        cfg_problem(L, folder ? ytree_get(v, "folder") : NULL, NYTTE_ECONFIG, "outputs.folder",
                    "%s%s %s: a run replaces its output folder whole; give the outputs a folder of their own",
                    folder ? folder : "out", folder ? "" : " (the default)", why);
    free(folder);
}

/*
 * Money sanity: each element's fixed deductions must not exceed its capex (only when every
 * amount was read: a capex refused above would otherwise read as 0 and add a second, false
 * problem).
 */
static void check_deductions(loader *L, const ynode *root, const nytte_project *p)
{
    for (size_t m = 0; L->nerr == 0 && m < p->nmeasures; m++) {
        const nytte_measure_cfg *ms = &p->measures[m];
        int64_t fixed = 0;
        for (size_t i = 0; i < ms->ndeductions; i++)
            if (ms->deductions[i].percent < 0)
                fixed += ms->deductions[i].amount;
        if (fixed <= ms->capex)
            continue;
        /* point at the deductions as written: under the measure, or allocation.deductions */
        const ynode *ml = ytree_get(root, "measures"), *al = ytree_get(root, "allocation");
        const ynode *at = ml && ml->type == YT_SEQ && m < ml->n ? ytree_get(ml->items[m], "deductions") : NULL;
        char kp[64];
        snprintf(kp, sizeof kp, "measures[%zu].deductions", m);
        if (!at && (at = ytree_get(al, "deductions")))
            snprintf(kp, sizeof kp, "allocation.deductions");
        const nytte_money_style kr = NYTTE_MONEY_KR;
        char a[48], c[48];
        cfg_problem(L, at, NYTTE_ECONFIG, kp, "measure %s: deductions of %s exceed its capex of %s",
                    ms->id ? ms->id : "?", nytte_money_format(a, sizeof a, &kr, fixed),
                    nytte_money_format(c, sizeof c, &kr, ms->capex));
    }
}

/* The sections in their fixed order: the measures before the hazards (with_measure names
 * them), the hazards before the allocation (contributor_hazard, the design event). */
static void load_root(loader *L, const ynode *root, nytte_project *p)
{
    cfg_map rm = cfg_map_at(L, root, NULL, "");
    cfg_check_keys(&rm);
    load_head(&rm, p);
    const ynode *v = cfg_get(&rm, "inputs");
    if (v && cfg_need_map(L, v, "inputs"))
        cfg_load_inputs(L, v, p);
    check_crs_place(&rm, p);
    load_measures(&rm, p);
    load_hazards(&rm, p);
    check_hazards(&rm, p);
    load_allocation(&rm, p);
    load_damage_finance(&rm, p);
    load_uncertainty(&rm, p);
    load_outputs(&rm, p);
    check_deductions(L, root, p);
}

void nytte_project_free(nytte_project *p)
{
    if (!p)
        return;
    cfg_inputs_clear(p);
    char *strs[] = {p->path, p->dir, p->name, p->crs, p->terrain, p->vertical_datum, p->out_dir, p->residual_payer};
    for (size_t i = 0; i < sizeof strs / sizeof strs[0]; i++)
        free(strs[i]);
    for (size_t i = 0; i < p->nterrain_tiles; i++)
        free(p->terrain_tiles[i]);
    free(p->terrain_tiles);
    free(p->terrain_grids);
    for (size_t i = 0; i < p->nhazards; i++)
        cfg_hazard_clear(&p->hazards[i], p->nmeasures);
    free(p->hazards);
    for (size_t i = 0; i < p->nmeasures; i++)
        cfg_measure_clear(&p->measures[i]);
    free(p->measures);
    free(p->compare);
    for (size_t i = 0; i < p->nwarnings; i++)
        free(p->warnings[i]);
    free(p->warnings);
    free(p);
}

/* A file that is not YAML gives one problem: the parser's. The context holds it too, so a
 * list that cannot be made loses nothing (the front end prints the context's message). */
static void diag_one(nytte_diag *diag, const char *line)
{
    nytte_diag_clear(diag);
    diag->lines = malloc(sizeof *diag->lines);
    diag->codes = malloc(sizeof *diag->codes);
    if (diag->lines && diag->codes && (diag->lines[0] = strdup(line))) {
        diag->codes[0] = NYTTE_ECONFIG;
        diag->n = 1;
    }
}

/* The folder of the project file: relative paths in it resolve there. */
static void dirname_in_place(char *dir)
{
    char *slash = strrchr(dir, '/');
    if (slash)
        *(slash == dir ? slash + 1 : slash) = '\0';
    else
        strcpy(dir, ".");
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
    int rc = ytree_load(&root, path, err, sizeof err);
    if (rc == NYTTE_ENOMEM)
        return nytte_nomem(ctx, "%s", path);
    if (rc != NYTTE_OK) {
        if (diag)
            diag_one(diag, err);
        return nytte_error(ctx, NYTTE_ECONFIG, "%s", err);
    }
    loader L = {.name = path, .diag = diag};
    nytte_project *p = calloc(1, sizeof *p);
    char *dir = strdup(path);
    if (!p || !dir || !(p->path = strdup(path)) || nytte_ctx_new(&L.scratch) != NYTTE_OK) {
        free(dir);
        rc = nytte_nomem(ctx, "%s", path);
        goto cleanup;
    }
    dirname_in_place(dir);
    p->dir = dir;
    nytte_ctx_set_threads(L.scratch, nytte_ctx_threads(ctx)); /* the tiles' headers are read on them */
    L.dir = dir;
    if (diag)
        nytte_diag_clear(diag);
    if (root->type != YT_MAP)
        cfg_problem(&L, root, NYTTE_ECONFIG, NULL,
                    "a project file is a mapping of sections (nytte, name, inputs, ...)");
    else
        load_root(&L, root, p);
    if (L.oom[0]) {
        rc = nytte_nomem(ctx, "%s", L.oom);
    } else if (L.nerr > 1) {
        rc = nytte_error(ctx, L.worst ? L.worst : NYTTE_ECONFIG, "%s (and %d more problems)", L.first, L.nerr - 1);
    } else if (L.nerr) {
        rc = nytte_error(ctx, L.worst ? L.worst : NYTTE_ECONFIG, "%s", L.first);
    } else {
        *out = p;
        p = NULL;
    }
cleanup:
    nytte_project_free(p);
    nytte_ctx_free(L.scratch);
    ytree_free(root);
    return rc;
}
