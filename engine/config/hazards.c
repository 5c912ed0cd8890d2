/*
 * hazards.c — one item of the hazards list: its type, the keys that type takes (the key
 * table says which apply), the return periods, and what each type needs: the sea and its
 * levels (coastal), depth rasters with and without the measures (flood_raster), rasters of
 * the depth to groundwater (groundwater), rain (bluespot), or the protected area and runoff
 * coefficients (catchment).
 */
#include "config/config_int.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

const char *const cfg_hazard_types[] = {"coastal", "flood_raster", "bluespot", "groundwater", "catchment", NULL};

static void read_type(const cfg_map *hm, nytte_hazard_cfg *hz)
{
    char *type = NULL;
    if (cfg_get_str(hm, "type", &type) == NYTTE_OK) {
        int t = -1;
        for (int i = 0; cfg_hazard_types[i]; i++)
            if (strcmp(type, cfg_hazard_types[i]) == 0)
                t = i;
        if (t < 0)
            cfg_problem(hm->L, ytree_get(hm->node, "type"), NYTTE_ECONFIG, hm->kp,
                        "unknown hazard type '%s' (expected coastal, flood_raster, catchment, bluespot or groundwater)",
                        type);
        else
            hz->type = (nytte_hazard_type)t;
    }
    free(type);
}

/*
 * The keys of other hazard types: an error, not silently ignored (a groundwater hazard has
 * no sea). In table order, except that a coastal or flood_raster hazard reports the
 * catchment's own keys after the others, the order nytte has always reported them in; a
 * misplaced sea_level_rise gets its own advice from the caller.
 */
static void check_type_keys(const cfg_map *hm, nytte_hazard_type t)
{
    int catchment_last = t == NYTTE_HAZARD_COASTAL || t == NYTTE_HAZARD_FLOOD_RASTER;
    for (int pass = 0; pass <= catchment_last; pass++) {
        const char *name;
        for (const nytte_config_key *k = NULL; (k = cfg_key_next(hm->section, k, &name));) {
            const ynode *v = ytree_get(hm->node, name);
            if (!v || (k->hazard_types & NYTTE_HAZARD_BIT(t)))
                continue;
            if (catchment_last && (k->hazard_types == NYTTE_HAZARD_BIT(NYTTE_HAZARD_CATCHMENT)) != (pass == 1))
                continue;
            if (t != NYTTE_HAZARD_CATCHMENT && strcmp(name, "sea_level_rise") == 0)
                continue;
            cfg_problem(hm->L, v, NYTTE_ECONFIG, hm->kp, "'%s' does not apply to a %s hazard", name,
                        cfg_hazard_types[t]);
        }
    }
}

/* A list of raster files, one per return period, resolved and checked to exist. */
static char **raster_list(loader *L, const ynode *r, const char *kp, size_t nevents)
{
    if (r->type != YT_SEQ) {
        cfg_problem(L, r, NYTTE_ECONFIG, kp, "expected a list of depth rasters, one per return period");
        return NULL;
    }
    if (nevents && r->n != nevents)
        cfg_problem(L, r, NYTTE_ECONFIG, kp, "%zu rasters for %zu return periods", r->n, nevents);
    char **out = calloc(r->n + 1, sizeof *out);
    if (!out) {
        cfg_nomem(L, r, kp);
        return NULL;
    }
    for (size_t i = 0; i < r->n; i++) {
        char ip[200];
        snprintf(ip, sizeof ip, "%s[%zu]", kp, i);
        const ynode *item = r->items[i];
        if (item->type != YT_SCALAR) {
            cfg_problem(L, item, NYTTE_ECONFIG, ip, "expected a file name");
            out[i] = strdup("");
        } else {
            out[i] = cfg_resolve(L, item->text);
            struct stat st;
            if (out[i] && stat(out[i], &st) != 0)
                cfg_problem(L, item, NYTTE_EIO, ip, "file not found: %s", out[i]);
        }
        if (!out[i]) {
            cfg_nomem(L, item, ip);
            break;
        }
    }
    return out;
}

static void free_list(char **l)
{
    for (size_t k = 0; l && l[k]; k++)
        free(l[k]);
    free(l);
}

/* The runoff coefficients of a catchment's contributors; `sub` is hazards[i].runoff. */
static void load_runoff(loader *L, const ynode *r, const char *sub, nytte_hazard_cfg *hz)
{
    cfg_map rm = cfg_map_at(L, r, sub, "hazards[].runoff");
    cfg_check_keys(&rm);
    cfg_get_num(&rm, "roof", 0, 1, &hz->runoff.roof);
    cfg_get_num(&rm, "paved", 0, 1, &hz->runoff.paved);
    cfg_get_num(&rm, "fallback", 0, 1, &hz->runoff.fallback);
    const ynode *lu = ytree_get(r, "landuse");
    char lp[128];
    snprintf(lp, sizeof lp, "%s.landuse", sub);
    if (!lu || !cfg_need_map(L, lu, lp))
        return;
    hz->runoff_names = calloc(lu->n ? lu->n : 1, sizeof *hz->runoff_names);
    if (!hz->runoff_names) {
        cfg_nomem(L, lu, lp);
        return;
    }
    cfg_map lm = cfg_map_at(L, lu, lp, "hazards[].runoff.landuse");
    for (size_t i = 0; i < lu->n; i++) {
        double c = 0;
        const ynode *k = lu->items[2 * i];
        if (cfg_get_num(&lm, k->text, 0, 1, &c) != NYTTE_OK)
            continue;
        char *owned = strdup(k->text);
        if (!owned) {
            cfg_nomem(L, k, lp);
            continue;
        }
        hz->runoff_names[hz->nrunoff_names++] = owned;
        nytte_ctx_clear_error(L->scratch);
        if (nytte_runoff_table_set(L->scratch, &hz->runoff, owned, c) != NYTTE_OK)
            cfg_problem(L, k, NYTTE_ECONFIG, lp, "%s", nytte_ctx_errmsg(L->scratch));
    }
}

/* A catchment hazard: the protected area and the runoff coefficients of its contributors. */
static void load_catchment(const cfg_map *hm, nytte_hazard_cfg *hz)
{
    char sub[96];
    cfg_get_layer_any(hm, "protected_area", &hz->protected_area);
    nytte_runoff_table_default(&hz->runoff);
    const ynode *r = ytree_get(hm->node, "runoff");
    snprintf(sub, sizeof sub, "%s.runoff", hm->kp);
    if (r && cfg_need_map(hm->L, r, sub))
        load_runoff(hm->L, r, sub, hz);
}

static void load_return_periods(const cfg_map *hm, nytte_hazard_cfg *hz)
{
    char sub[96];
    /* no lower bound here: the check below says why a return period is at least 1 year */
    cfg_get_num_list(hm, "return_periods", -INFINITY, &hz->return_periods, &hz->nevents);
    snprintf(sub, sizeof sub, "%s.return_periods", hm->kp);
    if (!hz->return_periods)
        return;
    const ynode *seq = ytree_get(hm->node, "return_periods");
    for (size_t i = 0; i < hz->nevents; i++)
        if (!(hz->return_periods[i] >= 1.0)) {
            cfg_problem(hm->L, seq->items[i], NYTTE_ECONFIG, sub,
                        "a return period must be at least 1 year (exceedance probability at most 1), got %g",
                        hz->return_periods[i]);
            break;
        }
    cfg_check_increasing(hm->L, seq, sub, hz->return_periods, hz->nevents, 1, "return periods");
}

static void load_groundwater(const cfg_map *hm, nytte_hazard_cfg *hz)
{
    char sub[96];
    const ynode *r = cfg_get(hm, "rasters");
    snprintf(sub, sizeof sub, "%s.rasters", hm->kp);
    if (r && r->type != YT_SEQ)
        cfg_problem(hm->L, r, NYTTE_ECONFIG, sub,
                    "expected a list of depth-to-groundwater rasters (m below terrain), one per return period");
    else if (r)
        hz->rasters = raster_list(hm->L, r, sub, hz->nevents);
    snprintf(sub, sizeof sub, "%s.threshold", hm->kp);
    if (cfg_get_num(hm, "threshold", -1e300, 1e300, &hz->threshold) == NYTTE_OK &&
        !(hz->threshold > 0 && hz->threshold <= 100))
        cfg_problem(hm->L, ytree_get(hm->node, "threshold"), NYTTE_ECONFIG, sub,
                    "must be more than 0 m and at most 100 m (the depth below terrain the table must stay under, "
                    "e.g. a basement floor), got %s",
                    ytree_get(hm->node, "threshold")->text);
}

static void load_bluespot(const cfg_map *hm, nytte_hazard_cfg *hz)
{
    char sub[96];
    size_t nr = 0;
    cfg_get_num_list(hm, "rain", -1e9, &hz->rain, &nr);
    snprintf(sub, sizeof sub, "%s.rain", hm->kp);
    const ynode *rn = ytree_get(hm->node, "rain");
    if (hz->rain && hz->return_periods && nr != hz->nevents) {
        cfg_problem(hm->L, rn, NYTTE_ECONFIG, sub,
                    "%zu rain amounts for %zu return periods (one per return period, mm)%s", nr, hz->nevents,
                    CFG_SPLIT_HINT(rn));
        return;
    }
    if (!hz->rain)
        return;
    for (size_t i = 0; i < nr; i++)
        if (!(hz->rain[i] > 0) || hz->rain[i] > 10000) {
            char ip[128];
            snprintf(ip, sizeof ip, "%s[%zu]", sub, i);
            cfg_problem(hm->L, rn->items[i], NYTTE_ECONFIG, ip, "must be more than 0 mm and at most 10000 mm, got %s",
                        rn->items[i]->text);
            return;
        }
    cfg_check_increasing(hm->L, rn, sub, hz->rain, nr, 1, "rain (rarer events bring more rain)");
}

static void load_coastal(const cfg_map *hm, nytte_hazard_cfg *hz)
{
    char sub[96];
    cfg_get_layer_any(hm, "sea", &hz->sea);
    size_t nl = 0;
    cfg_get_num_list(hm, "levels", -1000, &hz->levels, &nl);
    snprintf(sub, sizeof sub, "%s.levels", hm->kp);
    if (!hz->levels)
        return;
    if (hz->return_periods && nl != hz->nevents)
        cfg_problem(hm->L, ytree_get(hm->node, "levels"), NYTTE_ECONFIG, sub,
                    "%zu levels for %zu return periods (one level per return period)%s", nl, hz->nevents,
                    CFG_SPLIT_HINT(ytree_get(hm->node, "levels")));
    else
        cfg_check_increasing(hm->L, ytree_get(hm->node, "levels"), sub, hz->levels, nl, 1,
                             "levels (higher return periods have higher water)");
}

/* with_measure: {measure id: [rasters], ..., all: [rasters]}; `sub` is hazards[i].with_measure. */
static void load_with_measure(loader *L, const ynode *w, const char *sub, nytte_hazard_cfg *hz,
                              const nytte_project *p)
{
    hz->with_rasters = calloc(p->nmeasures + 1, sizeof *hz->with_rasters);
    if (!hz->with_rasters) {
        cfg_nomem(L, w, sub);
        return;
    }
    for (size_t i = 0; i < w->n; i++) {
        const char *mid = w->items[2 * i]->text;
        char ip[160];
        snprintf(ip, sizeof ip, "%s.%s", sub, mid);
        long m = -1;
        for (size_t k = 0; k < p->nmeasures; k++)
            if (p->measures[k].id && strcmp(p->measures[k].id, mid) == 0)
                m = (long)k;
        if (m < 0 && strcmp(mid, "all") != 0) {
            cfg_problem(L, w->items[2 * i], NYTTE_ECONFIG, sub,
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

static void load_flood_raster(const cfg_map *hm, nytte_hazard_cfg *hz, const nytte_project *p)
{
    loader *L = hm->L;
    char sub[96];
    const ynode *r = cfg_get(hm, "rasters");
    snprintf(sub, sizeof sub, "%s.rasters", hm->kp);
    if (r)
        hz->rasters = raster_list(L, r, sub, hz->nevents);
    const ynode *w = ytree_get(hm->node, "with_measure");
    snprintf(sub, sizeof sub, "%s.with_measure", hm->kp);
    if (w && cfg_need_map(L, w, sub))
        load_with_measure(L, w, sub, hz, p);
    for (size_t k = 0; hz->rasters && k < p->nmeasures; k++)
        if (!hz->with_rasters || !hz->with_rasters[k])
            cfg_problem(L, w ? w : hm->node, NYTTE_ECONFIG, sub,
                        "no depth rasters with measure '%s' (give with_measure: {%s: [one per return period]})",
                        p->measures[k].id ? p->measures[k].id : "?", p->measures[k].id ? p->measures[k].id : "?");
    if (hz->rasters && p->nmeasures > 1 && !hz->with_all)
        cfg_problem(L, w ? w : hm->node, NYTTE_ECONFIG, sub,
                    "with several measures, give the depth rasters with all of them as with_measure: {all: [...]}");
}

void cfg_load_hazard(loader *L, const ynode *h, size_t idx, nytte_project *p)
{
    char kp[64];
    snprintf(kp, sizeof kp, "hazards[%zu]", idx);
    nytte_hazard_cfg *hz = &p->hazards[idx];
    cfg_map hm = cfg_map_at(L, h, kp, "hazards[]");
    hz->line = h->line;
    hz->col = h->col;
    cfg_get_str(&hm, "id", &hz->id);
    cfg_check_id(&hm, hz->id);
    read_type(&hm, hz);
    cfg_check_keys(&hm);
    hz->threshold = NAN;
    hm.types = NYTTE_HAZARD_BIT(hz->type); /* from here on the type decides which keys are required */
    check_type_keys(&hm, hz->type);
    if (hz->type == NYTTE_HAZARD_CATCHMENT) {
        load_catchment(&hm, hz);
        return;
    }
    load_return_periods(&hm, hz);
    if (hz->type == NYTTE_HAZARD_COASTAL || hz->type == NYTTE_HAZARD_FLOOD_RASTER) {
        cfg_get_num(&hm, "offset", -10, 10, &hz->offset);
        cfg_get_num(&hm, "wave_allowance", 0, 10, &hz->wave_allowance);
    }
    if (ytree_get(h, "sea_level_rise") && hz->type != NYTTE_HAZARD_COASTAL)
        cfg_problem(L, ytree_get(h, "sea_level_rise"), NYTTE_ECONFIG, kp,
                    "sea_level_rise applies to coastal hazards (give depth rasters for later years instead)");
    else
        cfg_get_num(&hm, "sea_level_rise", 0, 10, &hz->sea_level_rise);
    switch (hz->type) {
    case NYTTE_HAZARD_GROUNDWATER: load_groundwater(&hm, hz); break;
    case NYTTE_HAZARD_BLUESPOT: load_bluespot(&hm, hz); break;
    case NYTTE_HAZARD_COASTAL: load_coastal(&hm, hz); break;
    case NYTTE_HAZARD_FLOOD_RASTER: load_flood_raster(&hm, hz, p); break;
    case NYTTE_HAZARD_CATCHMENT: break;
    }
}

void cfg_hazard_clear(nytte_hazard_cfg *h, size_t nmeasures)
{
    free(h->id);
    cfg_layer_clear(&h->sea);
    free(h->return_periods);
    free(h->levels);
    free(h->rain);
    free_list(h->rasters);
    for (size_t k = 0; h->with_rasters && k < nmeasures; k++)
        free_list(h->with_rasters[k]);
    free(h->with_rasters);
    free_list(h->with_all);
    cfg_layer_clear(&h->protected_area);
    for (size_t k = 0; k < h->nrunoff_names; k++)
        free(h->runoff_names[k]);
    free(h->runoff_names);
}
