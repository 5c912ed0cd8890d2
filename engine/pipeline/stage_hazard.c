/*
 * stage_hazard.c — the hazard stage: one depth raster per epoch, scenario and event in the
 * run folder (docs/hazard.md). What every hazard shares lives here: its events and
 * scenarios, the measures' geometries, the raster paths, the barriers of a scenario and
 * the terrain with them burned in. Each hazard type has one driver in the same shape
 * (events -> measures -> per scenario: whole raster or tiles -> write): coastal
 * (stage_coastal.c), bluespot (stage_bluespot.c), groundwater (stage_groundwater.c) and
 * given rasters (below).
 */
#include "pipeline/pipeline_int.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int pipeline_write_raster(const run_state *s, const nytte_raster *r, const char *path)
{
    /* under mpirun every rank computes the same whole-raster hazards; one writes them */
    if (!s->writer)
        return NYTTE_OK;
    double t = nytte_now();
    int rc = nytte_raster_write(s->ctx, r, path);
    nytte_log(s->ctx, NYTTE_LOG_DEBUG, "hazard: wrote %s (%zu × %zu cells) in %.3f s", path, (size_t)r->grid.nx,
              (size_t)r->grid.ny, nytte_now() - t);
    return rc;
}

int pipeline_write_rasters(const run_state *s, const nytte_raster *const *r, const char *const *paths, size_t n)
{
    if (!s->writer || n == 0)
        return NYTTE_OK;
    int *rcs = calloc(n, sizeof *rcs);
    double *secs = calloc(n, sizeof *secs);
    nytte_ctx **cs = calloc(n, sizeof *cs);
    if (!rcs || !secs || !cs) {
        free(rcs), free(secs), free((void *)cs);
        return nytte_nomem(s->ctx, "writing %zu rasters", n);
    }
    int nt = nytte_ctx_threads(s->ctx);
    if ((size_t)nt > n)
        nt = (int)n;
    /* one raster per thread, each written whole by it: the bytes are those of a serial write;
     * each thread records its own error, reported below in the order of the rasters */
#pragma omp parallel for num_threads(nt) schedule(dynamic, 1)
    for (size_t i = 0; i < n; i++) {
        double t = nytte_now();
        if (nytte_ctx_new(&cs[i]) != NYTTE_OK) {
            rcs[i] = NYTTE_ENOMEM;
            continue;
        }
        nytte_ctx_set_verbosity(cs[i], NYTTE_LOG_ERROR);
        rcs[i] = nytte_raster_write(cs[i], r[i], paths[i]);
        secs[i] = nytte_now() - t;
    }
    int rc = NYTTE_OK;
    for (size_t i = 0; i < n; i++) {
        if (!rc && rcs[i])
            rc = cs[i] ? nytte_error(s->ctx, rcs[i], "%s", nytte_ctx_errmsg(cs[i]))
                       : nytte_nomem(s->ctx, "writing %s", paths[i]);
        if (!rcs[i])
            nytte_log(s->ctx, NYTTE_LOG_DEBUG, "hazard: wrote %s (%zu × %zu cells) in %.3f s", paths[i],
                      (size_t)r[i]->grid.nx, (size_t)r[i]->grid.ny, secs[i]);
        nytte_ctx_free(cs[i]);
    }
    free(rcs);
    free(secs);
    free((void *)cs);
    return rc;
}

int pipeline_hazard(run_state *s)
{
    const nytte_project *p = s->p;
    const nytte_hazard_cfg *h = &p->hazards[p->primary_hazard];
    switch (h->type) {
    case NYTTE_HAZARD_FLOOD_RASTER:
        return hazard_given(s, h);
    case NYTTE_HAZARD_GROUNDWATER:
        return hazard_groundwater(s, h);
    case NYTTE_HAZARD_BLUESPOT:
        return hazard_bluespot(s, h);
    default:
        return hazard_coastal(s, h);
    }
}

/* Scenario names: without, with_<element> for each, with_all when there are several. */
static int make_scenarios(run_state *s)
{
    const nytte_project *p = s->p;
    size_t nm = p->nmeasures;
    s->nscen = 1 + nm + (nm > 1 ? 1 : 0);
    s->scen = calloc(s->nscen, sizeof *s->scen);
    s->paths = calloc(s->nepoch * s->nscen * s->nlev, sizeof *s->paths);
    if (!s->scen || !s->paths)
        return nytte_nomem(s->ctx, "hazard: %zu scenarios", s->nscen);
    for (size_t sc = 0; sc < s->nscen; sc++) {
        char name[128];
        if (sc == 0)
            snprintf(name, sizeof name, "without");
        else if (sc <= nm)
            snprintf(name, sizeof name, "with_%s", p->measures[sc - 1].id);
        else
            snprintf(name, sizeof name, "with_all");
        if (!(s->scen[sc] = strdup(name)))
            return nytte_nomem(s->ctx, "hazard: %zu scenarios", s->nscen);
    }
    return NYTTE_OK;
}

int hazard_events(run_state *s, const nytte_hazard_cfg *h)
{
    const nytte_project *p = s->p;
    bool coastal = h->type == NYTTE_HAZARD_COASTAL;
    s->nev = h->nevents;
    /* a design level that is not an event is one more level (coastal hazards only) */
    s->nlev = s->nev + (coastal && !isnan(p->design_level) ? 1 : 0);
    s->levels = calloc(s->nlev, sizeof *s->levels);
    if (!s->levels)
        return nytte_nomem(s->ctx, "hazard %s: %zu levels", h->id, s->nlev);
    for (size_t k = 0; k < s->nev; k++) {
        /* without water levels (given rasters, groundwater, bluespots) the depths are given or derived */
        s->levels[k] = coastal ? h->levels[k] + h->offset + h->wave_allowance : NAN;
        if (fabs(h->return_periods[k] - p->design_event) < 1e-9)
            s->design_k = k;
    }
    if (coastal) {
        char what[128];
        snprintf(what, sizeof what, "hazard %s", h->id);
        int rc = nytte_hazard_check_levels(s->ctx, h->return_periods, s->levels, s->nev, what);
        if (rc)
            return rc;
        if (!isnan(p->design_level)) {
            s->design_k = s->nev;
            s->levels[s->nev] = p->design_level;
        }
    }
    /* the end of the horizon is a second epoch when the sea rises */
    s->nepoch = coastal && h->sea_level_rise > 0 ? 2 : 1;
    return make_scenarios(s);
}

int hazard_read_measures(run_state *s, measure_layers *ml)
{
    const nytte_project *p = s->p;
    ml->n = p->nmeasures;
    ml->total = 0;
    ml->l = calloc(ml->n ? ml->n : 1, sizeof *ml->l);
    if (!ml->l)
        return nytte_nomem(s->ctx, "measures");
    for (size_t m = 0; m < ml->n; m++) {
        char what[128];
        snprintf(what, sizeof what, "measure %s", p->measures[m].id);
        int rc = pipeline_read_geoms(s->ctx, &ml->l[m], &p->measures[m].geometry, s->wkt, what);
        if (rc)
            return rc;
        ml->total += ml->l[m].nfeatures;
    }
    return NYTTE_OK;
}

void hazard_measures_free(measure_layers *ml)
{
    for (size_t m = 0; ml->l && m < ml->n; m++)
        nytte_vlayer_clear(&ml->l[m]);
    free(ml->l);
    ml->l = NULL;
}

int hazard_scenario_path(run_state *s, const nytte_hazard_cfg *h, size_t ep, size_t sc, size_t k)
{
    size_t slot = (ep * s->nscen + sc) * s->nlev + k;
    if (ep && k >= s->nev) {
        /* the design level is a fixed kote: the same raster at both ends of the horizon */
        if (!(s->paths[slot] = strdup(s->paths[sc * s->nlev + k])))
            return nytte_nomem(s->ctx, "hazard %s", h->id);
        return NYTTE_OK;
    }
    char name[160], file[256], path[4600];
    snprintf(name, sizeof name, "%s%s", s->scen[sc], ep ? "_slr" : "");
    int rc = k < s->nev ? nytte_hazard_output_name(file, sizeof file, h->id, name, h->return_periods[k])
             : snprintf(file, sizeof file, "depth_%s_%s_design.tif", h->id, name) >= (int)sizeof file ? NYTTE_EUSAGE
                                                                                                   : NYTTE_OK;
    if (rc)
        return nytte_error(s->ctx, NYTTE_ECONFIG, "hazard %s, scenario %s: ids may hold letters, digits, - and _ only",
                           h->id, name);
    snprintf(path, sizeof path, "%s/%s", s->folder.tmp, file);
    if (!(s->paths[slot] = strdup(path)))
        return nytte_nomem(s->ctx, "hazard %s", h->id);
    return NYTTE_OK;
}

int hazard_write_scenario(run_state *s, const nytte_hazard_cfg *h, size_t sc, size_t k, const nytte_raster *r)
{
    int rc = hazard_scenario_path(s, h, 0, sc, k);
    return rc ? rc : pipeline_write_raster(s, r, s->paths[sc * s->nlev + k]);
}

size_t hazard_scenario_barriers(const run_state *s, size_t sc, const measure_layers *ml, nytte_barrier *bars,
                                nytte_burn_mode *modes)
{
    const nytte_project *p = s->p;
    size_t nm = p->nmeasures, nbars = 0;
    /* none without measures (sc 0), the element's (sc <= nmeasures) or every element's */
    for (size_t m = 0; sc > 0 && m < nm; m++) {
        if (sc <= nm && m != sc - 1)
            continue;
        for (size_t f = 0; f < ml->l[m].nfeatures; f++) {
            modes[nbars] = p->measures[m].burn;
            bars[nbars++] = (nytte_barrier){&ml->l[m].features[f].geom, p->measures[m].crest, p->measures[m].id};
        }
    }
    return nbars;
}

void hazard_prefix_measure(const run_state *s, size_t sc)
{
    if (sc >= 1 && sc <= s->p->nmeasures)
        nytte_error_prefix(s->ctx, "%s", s->p->measures[sc - 1].geometry.path);
}

int hazard_scenario_terrain(run_state *s, size_t sc, const measure_layers *ml, nytte_barrier *bars,
                            nytte_burn_mode *modes, nytte_raster *burned, const nytte_raster **terrain)
{
    *terrain = &s->dem;
    if (sc == 0)
        return NYTTE_OK;
    size_t nbars = hazard_scenario_barriers(s, sc, ml, bars, modes);
    nytte_raster_clear(burned);
    int rc = nytte_hazard_burn_barriers_ex(s->ctx, burned, &s->dem, bars, nbars, modes);
    if (rc) {
        hazard_prefix_measure(s, sc);
        return rc;
    }
    *terrain = burned;
    return NYTTE_OK;
}

/* Given depth rasters (flood_raster): used as they are, in the working CRS. */
int hazard_given(run_state *s, const nytte_hazard_cfg *h)
{
    nytte_ctx *ctx = s->ctx;
    const nytte_project *p = s->p;
    int rc = hazard_events(s, h);
    if (rc)
        return rc;
    for (size_t sc = 0; sc < s->nscen; sc++) {
        char *const *list = sc == 0 ? h->rasters : sc <= p->nmeasures ? h->with_rasters[sc - 1] : h->with_all;
        for (size_t k = 0; k < s->nlev; k++) {
            nytte_grid g;
            char *wkt = NULL;
            if ((rc = nytte_raster_info(ctx, list[k], &g, &wkt)))
                return rc;
            if (!wkt)
                rc = nytte_error(ctx, NYTTE_EINPUT, "%s: the depth raster has no CRS", list[k]);
            else
                rc = pipeline_check_crs(ctx, list[k], wkt, s->wkt);
            free(wkt);
            if (rc)
                return rc;
            /* the overlay reads it by blocks, a ±Inf depth as nodata: say so, once per file */
            bool seen = false;
            for (size_t j = 0; j < sc * s->nlev + k && !seen; j++)
                seen = strcmp(s->paths[j], list[k]) == 0;
            nytte_raster_census c;
            if (!seen && (rc = nytte_raster_scan(ctx, &c, list[k])))
                return rc;
            if (!seen)
                nytte_raster_census_warn(ctx, list[k], &g, &c);
            if (!(s->paths[sc * s->nlev + k] = strdup(list[k])))
                return nytte_nomem(ctx, "hazard %s", h->id);
        }
    }
    s->nrasters = s->nscen * s->nlev;
    return NYTTE_OK;
}

nytte_dist_bathtub_opts hazard_tiled_opts(const run_state *s, int connectivity, const nytte_burn_mode *modes,
                                          char *tiles, size_t n)
{
    snprintf(tiles, n, "%s/.tiles", s->folder.tmp);
    nytte_dist_bathtub_opts o = NYTTE_DIST_BATHTUB_OPTS_INIT;
    o.connectivity = connectivity;
    o.tile = s->tile;
    o.modes = modes;
    o.tile_dir = tiles;
    o.distributed = nytte_dist_size() > 1;
    return o;
}

void hazard_log_tiled(const run_state *s, const nytte_minimax_stats *st)
{
    nytte_log(s->ctx, NYTTE_LOG_INFO,
              "tiles: %zu here, flooded in %.1f s + %.1f s (with the depths written); spill graph %zu nodes, %zu "
              "edges, %.2f s",
              st->ntiles_here, st->t_tiles, st->t_finish, st->nlabels, st->nedges, st->t_graph);
}
