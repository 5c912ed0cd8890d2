/*
 * stages.c — the stage drivers of a run: each turns the run state of the previous
 * stages into the inputs of one module, calls it, and keeps its results.
 */
#include "nytte/catchment.h"
#include "nytte/hazard.h"
#include "nytte/io.h"

#include "nytte/dist.h"
#include "pipeline/pipeline_int.h"

#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int pipeline_check_crs(nytte_ctx *ctx, const char *path, const char *crs_wkt, const char *working_wkt)
{
    bool same = false;
    int rc = nytte_crs_same(ctx, &same, crs_wkt, working_wkt);
    if (rc)
        return rc;
    if (!same) {
        char a[256], b[256];
        return nytte_error(ctx, NYTTE_EINPUT,
                           "%s: CRS %s differs from the working CRS %s; reproject it (gdalwarp -t_srs) or set crs",
                           path, nytte_crs_name(a, sizeof a, crs_wkt), nytte_crs_name(b, sizeof b, working_wkt));
    }
    return NYTTE_OK;
}

int pipeline_write_raster(const run_state *s, const nytte_raster *r, const char *path)
{
    /* under mpirun every rank computes the same whole-raster hazards; one writes them */
    return s->writer ? nytte_raster_write(s->ctx, r, path) : NYTTE_OK;
}

void pipeline_remove_tree(const char *dir)
{
    DIR *d = opendir(dir);
    if (d) {
        struct dirent *e;
        char path[8192];
        while ((e = readdir(d)) != NULL) {
            if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
                continue;
            snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
            if (unlink(path) != 0)
                pipeline_remove_tree(path);
        }
        closedir(d);
    }
    rmdir(dir);
}

/* ---- hazard ------------------------------------------------------------- */

/* Read every feature of a layer into a geometry array (the layer keeps the memory). */
static int read_geoms(nytte_ctx *ctx, nytte_vlayer *l, const nytte_layer_cfg *c, const char *wkt, const char *what)
{
    int rc = nytte_vlayer_read(ctx, l, c->path, c->layer, c->where, NULL, 0, wkt);
    if (rc) {
        nytte_error_prefix(ctx, "%s", what);
        return rc;
    }
    if (l->nfeatures == 0)
        return nytte_error(ctx, NYTTE_EINPUT, "%s: %s%s%s: no features%s%s", what, c->path, c->layer ? ": layer " : "",
                           c->layer ? c->layer : "", c->where ? " match " : "", c->where ? c->where : "");
    return NYTTE_OK;
}

/* Scenario names: without, with_<element> for each, with_all when there are several. */
static int make_scenarios(run_state *s)
{
    const nytte_project *p = s->p;
    size_t nm = p->nmeasures;
    s->nscen = 1 + nm + (nm > 1 ? 1 : 0);
    s->scen = calloc(s->nscen, sizeof *s->scen);
    if (s->nepoch == 0)
        s->nepoch = 1;
    s->paths = calloc(s->nepoch * s->nscen * s->nlev, sizeof *s->paths);
    if (!s->scen || !s->paths)
        return nytte_error(s->ctx, NYTTE_ENOMEM, "out of memory");
    for (size_t sc = 0; sc < s->nscen; sc++) {
        char name[128];
        if (sc == 0)
            snprintf(name, sizeof name, "without");
        else if (sc <= nm)
            snprintf(name, sizeof name, "with_%s", p->measures[sc - 1].id);
        else
            snprintf(name, sizeof name, "with_all");
        if (!(s->scen[sc] = strdup(name)))
            return nytte_error(s->ctx, NYTTE_ENOMEM, "out of memory");
    }
    return NYTTE_OK;
}

/* Given depth rasters (flood_raster): used as they are, in the working CRS. */
static int given_rasters(run_state *s, const nytte_hazard_cfg *h)
{
    nytte_ctx *ctx = s->ctx;
    const nytte_project *p = s->p;
    s->nev = s->nlev = h->nevents;
    s->levels = calloc(s->nlev, sizeof *s->levels);
    if (!s->levels)
        return nytte_error(ctx, NYTTE_ENOMEM, "out of memory");
    for (size_t k = 0; k < s->nev; k++) {
        s->levels[k] = NAN; /* no water level: the depths are given */
        if (fabs(h->return_periods[k] - p->design_event) < 1e-9)
            s->design_k = k;
    }
    int rc = make_scenarios(s);
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
            if (!(s->paths[sc * s->nlev + k] = strdup(list[k])))
                return nytte_error(ctx, NYTTE_ENOMEM, "out of memory");
        }
    }
    s->nrasters = s->nscen * s->nlev;
    return NYTTE_OK;
}

/* Events of a hazard without water levels (groundwater, bluespot): NaN levels, the scenarios. */
static int events_without_levels(run_state *s, const nytte_hazard_cfg *h)
{
    s->nev = s->nlev = h->nevents;
    s->levels = calloc(s->nlev, sizeof *s->levels);
    if (!s->levels)
        return nytte_error(s->ctx, NYTTE_ENOMEM, "out of memory");
    for (size_t k = 0; k < s->nev; k++) {
        s->levels[k] = NAN;
        if (fabs(h->return_periods[k] - s->p->design_event) < 1e-9)
            s->design_k = k;
    }
    return make_scenarios(s);
}

/* The path of scenario sc's raster for event k in the run folder (depth_<hazard>_<scenario>_T<rp>.tif), into
 * s->paths. */
static int scenario_path(run_state *s, const nytte_hazard_cfg *h, size_t sc, size_t k)
{
    char file[256], path[4600];
    if (nytte_hazard_output_name(file, sizeof file, h->id, s->scen[sc], h->return_periods[k]) != NYTTE_OK)
        return nytte_error(s->ctx, NYTTE_ECONFIG, "hazard %s, scenario %s: ids may hold letters, digits, - and _ only",
                           h->id, s->scen[sc]);
    snprintf(path, sizeof path, "%s/%s", s->tmpdir, file);
    if (!(s->paths[sc * s->nlev + k] = strdup(path)))
        return nytte_error(s->ctx, NYTTE_ENOMEM, "out of memory");
    return NYTTE_OK;
}

/* Write raster r as scenario sc, event k, and keep its path. */
static int write_scenario(run_state *s, const nytte_hazard_cfg *h, size_t sc, size_t k, const nytte_raster *r)
{
    int rc = scenario_path(s, h, sc, k);
    return rc ? rc : pipeline_write_raster(s, r, s->paths[sc * s->nlev + k]);
}

/* Read every measure's geometry; *total = the number of features over all measures. */
static int read_measures(run_state *s, nytte_vlayer *ml, size_t *total)
{
    const nytte_project *p = s->p;
    *total = 0;
    for (size_t m = 0; m < p->nmeasures; m++) {
        char mw[128];
        snprintf(mw, sizeof mw, "measure %s", p->measures[m].id);
        int rc = read_geoms(s->ctx, &ml[m], &p->measures[m].geometry, s->wkt, mw);
        if (rc)
            return rc;
        *total += ml[m].nfeatures;
    }
    return NYTTE_OK;
}

/*
 * The barriers of scenario sc into bars and modes (room for every feature): none without
 * measures (sc 0), the element's (sc <= nmeasures) or every element's, at their crests
 * and by their burn modes.
 */
static size_t scenario_barriers(const run_state *s, size_t sc, const nytte_vlayer *ml, nytte_barrier *bars,
                                nytte_burn_mode *modes)
{
    const nytte_project *p = s->p;
    size_t nm = p->nmeasures, nbars = 0;
    for (size_t m = 0; sc > 0 && m < nm; m++) {
        if (sc <= nm && m != sc - 1)
            continue;
        for (size_t f = 0; f < ml[m].nfeatures; f++) {
            modes[nbars] = p->measures[m].burn;
            bars[nbars++] = (nytte_barrier){&ml[m].features[f].geom, p->measures[m].crest, p->measures[m].id};
        }
    }
    return nbars;
}

/* An error about scenario sc's barriers names the element's file (with_all: no one file). */
static void prefix_measure(const run_state *s, size_t sc)
{
    if (sc >= 1 && sc <= s->p->nmeasures)
        nytte_error_prefix(s->ctx, "%s", s->p->measures[sc - 1].geometry.path);
}

/*
 * The terrain of scenario sc: the DEM itself without measures (sc 0), else the DEM with
 * the scenario's barriers burned in, into `burned`. bars and modes hold room for every
 * feature.
 */
static int scenario_terrain(run_state *s, size_t sc, const nytte_vlayer *ml, nytte_barrier *bars,
                            nytte_burn_mode *modes, nytte_raster *burned, const nytte_raster **terrain)
{
    *terrain = &s->dem;
    if (sc == 0)
        return NYTTE_OK;
    size_t nbars = scenario_barriers(s, sc, ml, bars, modes);
    nytte_raster_clear(burned);
    int rc = nytte_hazard_burn_barriers_ex(s->ctx, burned, &s->dem, bars, nbars, modes);
    if (rc) {
        prefix_measure(s, sc);
        return rc;
    }
    *terrain = burned;
    return NYTTE_OK;
}

/* Options of a tiled hazard of the run: its tiles, in <run folder>/.tiles, over every rank under mpirun. */
static nytte_dist_bathtub_opts tiled_opts(const run_state *s, int connectivity, const nytte_burn_mode *modes,
                                          char *tiles, size_t n)
{
    snprintf(tiles, n, "%s/.tiles", s->tmpdir);
    nytte_dist_bathtub_opts o = NYTTE_DIST_BATHTUB_OPTS_INIT;
    o.connectivity = connectivity;
    o.tile = s->tile;
    o.modes = modes;
    o.tile_dir = tiles;
    o.distributed = nytte_dist_size() > 1;
    return o;
}

/* What a tiled hazard did, at -v: this rank's tiles and seconds, the spill graph (rank 0). */
static void log_tiled(const run_state *s, const nytte_minimax_stats *st)
{
    nytte_log(s->ctx, NYTTE_LOG_INFO,
              "tiles: %zu here, flooded in %.1f s + %.1f s (with the depths written); spill graph %zu nodes, %zu "
              "edges, %.2f s",
              st->ntiles_here, st->t_tiles, st->t_finish, st->nlabels, st->nedges, st->t_graph);
}

/*
 * Groundwater event k over tiles of s->tile cells (docs/scale-out.md): the depth-to-
 * groundwater raster read by windows, never whole, over every process under mpirun; each
 * scenario's drains (all: the drains of every measure, in order; drains[m0[m]..] those of
 * measure m) lower the table per tile; the same bits as the whole-raster path's.
 */
static int groundwater_tiled(run_state *s, const nytte_hazard_cfg *h, size_t k, const nytte_drain *all,
                             const size_t *m0, size_t total)
{
    nytte_ctx *ctx = s->ctx;
    size_t nm = s->p->nmeasures, ns = s->nscen;
    const char *path = h->rasters[k];
    nytte_grid g;
    char *wkt = NULL;
    bool has = false;
    float nd = 0.0f;
    int rc = nytte_raster_info(ctx, path, &g, NULL);
    if (!rc)
        rc = nytte_raster_band_info(ctx, path, &has, &nd, &wkt);
    if (!rc && !wkt)
        rc = nytte_error(ctx, NYTTE_EINPUT, "%s: the depth-to-groundwater raster has no CRS", path);
    else if (!rc)
        rc = pipeline_check_crs(ctx, path, wkt, s->wkt);
    free(wkt);
    if (rc)
        return rc;
    const nytte_drain **ds = calloc(ns, sizeof *ds);
    size_t *nds = calloc(ns, sizeof *nds);
    const char **outs = calloc(ns, sizeof *outs);
    if (!ds || !nds || !outs)
        rc = nytte_error(ctx, NYTTE_ENOMEM, "out of memory");
    for (size_t sc = 0; !rc && sc < ns; sc++) {
        if (sc > 0) {
            ds[sc] = sc <= nm ? all + m0[sc - 1] : all;
            nds[sc] = sc <= nm ? m0[sc] - m0[sc - 1] : total;
            /* the whole-raster path's checks and prefixes, scenario by scenario */
            if ((rc = nytte_hazard_drain_check(ctx, &g, ds[sc], nds[sc]))) {
                prefix_measure(s, sc);
                break;
            }
        }
        if (!(rc = scenario_path(s, h, sc, k)))
            outs[sc] = s->paths[sc * s->nlev + k];
    }
    if (!rc) {
        char tiles[4300];
        nytte_dist_bathtub_opts o = tiled_opts(s, 4, NULL, tiles, sizeof tiles); /* no neighbours: per cell */
        nytte_minimax_stats st;
        rc = nytte_dist_groundwater_tiled(ctx, &o, path, h->threshold, ds, nds, ns, outs, &st);
        if (!rc)
            nytte_log(ctx, NYTTE_LOG_INFO, "tiles: %zu here, %.1f s (with the exposures written)", st.ntiles_here,
                      st.t_tiles);
        else if (rc == NYTTE_EINPUT)
            nytte_error_prefix(ctx, "%s", path);
    }
    free(ds);
    free(nds);
    free(outs);
    return rc;
}

/*
 * Groundwater: per event, the depth-to-groundwater raster (on its own grid, in the working
 * CRS: like given depth rasters it is not resampled); per scenario the drains of its
 * elements lower the table (nytte_hazard_drain), and the exposure max(0, threshold - depth)
 * is written as the scenario's raster (docs/hazard.md, Groundwater in a run).
 */
static int groundwater_rasters(run_state *s, const nytte_hazard_cfg *h)
{
    nytte_ctx *ctx = s->ctx;
    const nytte_project *p = s->p;
    size_t nm = p->nmeasures, total = 0;
    nytte_vlayer *ml = calloc(nm ? nm : 1, sizeof *ml);
    nytte_drain *drains = NULL;
    size_t *m0 = NULL;
    nytte_raster dtg = NYTTE_RASTER_INIT, lowered = NYTTE_RASTER_INIT, expo = NYTTE_RASTER_INIT;
    int rc = NYTTE_OK;
    if (!ml)
        return nytte_error(ctx, NYTTE_ENOMEM, "out of memory");
    if ((rc = events_without_levels(s, h)) || (rc = read_measures(s, ml, &total)))
        goto cleanup;
    /* a line or point drain needs its reach: say which measure, where in the project file */
    for (size_t m = 0; m < nm; m++)
        for (size_t f = 0; f < ml[m].nfeatures; f++)
            if (ml[m].features[f].geom.kind != NYTTE_GEOM_POLYGON && isnan(p->measures[m].reach)) {
                rc = nytte_error(ctx, NYTTE_ECONFIG,
                                 "%s:%d:%d: measures[%zu]: drain %s is a %s in %s: give reach (m), the distance at "
                                 "which its lowering of the table ends",
                                 p->path, p->measures[m].line, p->measures[m].col, m, p->measures[m].id,
                                 ml[m].features[f].geom.kind == NYTTE_GEOM_LINE ? "line" : "point",
                                 p->measures[m].geometry.path);
                goto cleanup;
            }
    drains = calloc(total ? total : 1, sizeof *drains);
    m0 = calloc(nm + 1, sizeof *m0);
    if (!drains || !m0) {
        rc = nytte_error(ctx, NYTTE_ENOMEM, "out of memory");
        goto cleanup;
    }
    /* every measure's drains in order: measure m's are drains[m0[m] .. m0[m + 1]) */
    for (size_t m = 0; m < nm; m++) {
        m0[m + 1] = m0[m] + ml[m].nfeatures;
        for (size_t f = 0; f < ml[m].nfeatures; f++)
            drains[m0[m] + f] = (nytte_drain){&ml[m].features[f].geom, p->measures[m].lowering, p->measures[m].reach,
                                              p->measures[m].id};
    }
    nytte_progress_begin(ctx, "hazard", s->nscen * s->nlev);
    for (size_t k = 0; k < s->nev; k++) {
        if (s->tile > 0) {
            /* over tiles: the raster read by windows, every scenario at once */
            if ((rc = groundwater_tiled(s, h, k, drains, m0, total)))
                goto cleanup;
            nytte_progress_update(ctx, (k + 1) * s->nscen);
            continue;
        }
        nytte_raster_clear(&dtg);
        if ((rc = nytte_raster_read(ctx, &dtg, h->rasters[k], 1)))
            goto cleanup;
        if (!dtg.crs_wkt)
            rc = nytte_error(ctx, NYTTE_EINPUT, "%s: the depth-to-groundwater raster has no CRS", h->rasters[k]);
        else
            rc = pipeline_check_crs(ctx, h->rasters[k], dtg.crs_wkt, s->wkt);
        if (rc)
            goto cleanup;
        for (size_t sc = 0; sc < s->nscen; sc++) {
            const nytte_raster *table = &dtg;
            if (sc > 0) {
                /* the element's drains, or every element's (with_all) */
                const nytte_drain *ds = sc <= nm ? drains + m0[sc - 1] : drains;
                size_t nd = sc <= nm ? m0[sc] - m0[sc - 1] : total;
                nytte_raster_clear(&lowered);
                if ((rc = nytte_hazard_drain(ctx, &lowered, &dtg, ds, nd))) {
                    if (sc <= nm)
                        nytte_error_prefix(ctx, "%s", p->measures[sc - 1].geometry.path);
                    goto cleanup;
                }
                table = &lowered;
            }
            nytte_raster_clear(&expo);
            if ((rc = nytte_hazard_groundwater_exposure(ctx, &expo, table, h->threshold))) {
                nytte_error_prefix(ctx, "%s", h->rasters[k]);
                goto cleanup;
            }
            if ((rc = write_scenario(s, h, sc, k, &expo)))
                goto cleanup;
            nytte_progress_update(ctx, k * s->nscen + sc + 1);
        }
    }
    nytte_progress_end(ctx);
    s->nrasters = s->nscen * s->nlev;
cleanup:
    nytte_raster_clear(&dtg);
    nytte_raster_clear(&lowered);
    nytte_raster_clear(&expo);
    free(drains);
    free(m0);
    for (size_t m = 0; m < nm; m++)
        nytte_vlayer_clear(&ml[m]);
    free(ml);
    return rc;
}

/*
 * Scenario sc's bluespots, every one full (a hazard without rain), over tiles of s->tile
 * cells (docs/scale-out.md): the terrain read by windows, the barriers burned per tile, the
 * depression fill over the tiles and ranks; the same bits as nytte_hazard_bluespots_ex on
 * the whole burned terrain. The raster is written as every event's file.
 */
static int bluespots_tiled(run_state *s, const nytte_hazard_cfg *h, size_t sc, const nytte_vlayer *ml,
                           nytte_barrier *bars, nytte_burn_mode *modes)
{
    nytte_ctx *ctx = s->ctx;
    size_t nbars = scenario_barriers(s, sc, ml, bars, modes);
    const char **outs = calloc(s->nlev, sizeof *outs);
    if (!outs)
        return nytte_error(ctx, NYTTE_ENOMEM, "out of memory");
    int rc = NYTTE_OK;
    for (size_t k = 0; k < s->nlev && !rc; k++)
        if (!(rc = scenario_path(s, h, sc, k)))
            outs[k] = s->paths[sc * s->nlev + k];
    char tiles[4300];
    nytte_dist_bathtub_opts o = tiled_opts(s, 8, modes, tiles, sizeof tiles); /* 8: as the whole-raster path */
    nytte_minimax_stats st;
    if (!rc) {
        rc = nytte_dist_bluespots_tiled(ctx, &o, s->p->terrain, bars, nbars, s->nlev, outs, &st);
        if (!rc)
            log_tiled(s, &st);
        else if (rc == NYTTE_EINPUT && sc > 0)
            prefix_measure(s, sc); /* the whole-raster path's prefixes: a barrier's file, else the hazard */
        else
            nytte_error_prefix(ctx, "hazard %s", h->id);
    }
    free(outs);
    return rc;
}

/*
 * Bluespots: per scenario the terrain with the elements' geometries burned in (raise, lower
 * or set to the crest), then per event the bluespots filled by its rain, or every bluespot
 * full when the hazard gives no rain (docs/hazard.md, Bluespots in a run).
 */
static int bluespot_rasters(run_state *s, const nytte_hazard_cfg *h)
{
    nytte_ctx *ctx = s->ctx;
    const nytte_project *p = s->p;
    size_t nm = p->nmeasures, total = 0;
    nytte_vlayer *ml = calloc(nm ? nm : 1, sizeof *ml);
    nytte_barrier *bars = NULL;
    nytte_burn_mode *modes = NULL;
    nytte_raster burned = NYTTE_RASTER_INIT, depth = NYTTE_RASTER_INIT;
    int rc = NYTTE_OK;
    if (!ml)
        return nytte_error(ctx, NYTTE_ENOMEM, "out of memory");
    if ((rc = events_without_levels(s, h)) || (rc = read_measures(s, ml, &total)))
        goto cleanup;
    bars = calloc(total ? total : 1, sizeof *bars);
    modes = calloc(total ? total : 1, sizeof *modes);
    if (!bars || !modes) {
        rc = nytte_error(ctx, NYTTE_ENOMEM, "out of memory");
        goto cleanup;
    }
    nytte_progress_begin(ctx, "hazard", s->nscen * s->nlev);
    for (size_t sc = 0; sc < s->nscen; sc++) {
        if (s->tile) {
            /* over tiles (no rain: every event fills every bluespot; one raster, nlev files) */
            if ((rc = bluespots_tiled(s, h, sc, ml, bars, modes)))
                goto cleanup;
            nytte_progress_update(ctx, (sc + 1) * s->nlev);
            continue;
        }
        const nytte_raster *terrain = &s->dem;
        if ((rc = scenario_terrain(s, sc, ml, bars, modes, &burned, &terrain)))
            goto cleanup;
        for (size_t k = 0; k < s->nlev; k++) {
            /* without rain every event fills every bluespot: one fill serves them all */
            if (k == 0 || h->rain) {
                nytte_raster_clear(&depth);
                rc = h->rain ? nytte_hazard_bluespots_rain(ctx, &depth, terrain, h->rain[k], 8)
                             : nytte_hazard_bluespots_ex(ctx, &depth, terrain, 8);
                if (rc) {
                    nytte_error_prefix(ctx, "hazard %s", h->id);
                    goto cleanup;
                }
            }
            if ((rc = write_scenario(s, h, sc, k, &depth)))
                goto cleanup;
            nytte_progress_update(ctx, sc * s->nlev + k + 1);
        }
    }
    nytte_progress_end(ctx);
    s->nrasters = s->nscen * s->nlev;
cleanup:
    nytte_raster_clear(&burned);
    nytte_raster_clear(&depth);
    free(bars);
    free(modes);
    for (size_t m = 0; m < nm; m++)
        nytte_vlayer_clear(&ml[m]);
    free(ml);
    return rc;
}

/*
 * The coastal bathtub of scenario sc at n levels over tiles of s->tile cells
 * (docs/scale-out.md): the terrain read by windows, never whole; the scenario's barriers
 * burned per tile; the flood level from the sea computed once for every level, over every
 * process under mpirun. The depths are the same bits as the whole-raster path's. Rank 0
 * writes each output as one GeoTIFF from the tiles, which stay in <run folder>/.tiles
 * meanwhile.
 */
static int coastal_tiled(run_state *s, const nytte_hazard_cfg *h, size_t sc, const nytte_vlayer *ml,
                         nytte_barrier *bars, nytte_burn_mode *modes, const nytte_geom *sea, size_t nsea,
                         const double *lv, const char *const *outs, size_t n)
{
    size_t nbars = scenario_barriers(s, sc, ml, bars, modes);
    char tiles[4300];
    nytte_dist_bathtub_opts o = tiled_opts(s, 4, modes, tiles, sizeof tiles); /* 4: as nytte_hazard_bathtub */
    nytte_minimax_stats st;
    int rc = nytte_dist_bathtub_tiled(s->ctx, &o, s->p->terrain, sea, nsea, bars, nbars, lv, n, outs, &st);
    if (!rc)
        log_tiled(s, &st);
    /* the whole-raster path's prefixes: the sea is checked first (scenario 0 has no
     * barriers), then the scenario's barriers */
    if (rc == NYTTE_EINPUT) {
        if (sc == 0)
            nytte_error_prefix(s->ctx, "%s", h->sea.path);
        else
            prefix_measure(s, sc);
    }
    return rc;
}

int pipeline_hazard(run_state *s)
{
    nytte_ctx *ctx = s->ctx;
    const nytte_project *p = s->p;
    const nytte_hazard_cfg *h = &p->hazards[p->primary_hazard];
    if (h->type == NYTTE_HAZARD_FLOOD_RASTER)
        return given_rasters(s, h);
    if (h->type == NYTTE_HAZARD_GROUNDWATER)
        return groundwater_rasters(s, h);
    if (h->type == NYTTE_HAZARD_BLUESPOT)
        return bluespot_rasters(s, h);
    size_t nm = p->nmeasures;
    int rc = NYTTE_OK;
    nytte_vlayer sea = {0};
    nytte_vlayer *ml = calloc(nm, sizeof *ml);
    nytte_geom *sea_geoms = NULL;
    nytte_raster burned = NYTTE_RASTER_INIT, depth = NYTTE_RASTER_INIT;
    nytte_barrier *bars = NULL;
    nytte_burn_mode *modes = NULL;
    double *lv = NULL;        /* one scenario's levels */
    const char **outs = NULL; /* and their rasters */
    if (!ml)
        return nytte_error(ctx, NYTTE_ENOMEM, "out of memory");
    char what[128];
    snprintf(what, sizeof what, "hazard %s", h->id);

    /* events (+ the design level when it is not one of them) */
    s->nev = h->nevents;
    s->nlev = s->nev + (isnan(p->design_level) ? 0 : 1);
    s->levels = calloc(s->nlev, sizeof *s->levels);
    if (!s->levels) {
        rc = nytte_error(ctx, NYTTE_ENOMEM, "out of memory");
        goto cleanup;
    }
    for (size_t k = 0; k < s->nev; k++) {
        s->levels[k] = h->levels[k] + h->offset + h->wave_allowance;
        if (!isnan(p->design_event) && fabs(h->return_periods[k] - p->design_event) < 1e-9)
            s->design_k = k;
    }
    if ((rc = nytte_hazard_check_levels(ctx, h->return_periods, s->levels, s->nev, what)))
        goto cleanup;
    if (!isnan(p->design_level)) {
        s->design_k = s->nev;
        s->levels[s->nev] = p->design_level;
    }

    /* the sea, and each element's barriers */
    if ((rc = read_geoms(ctx, &sea, &h->sea, s->wkt, "sea")))
        goto cleanup;
    sea_geoms = calloc(sea.nfeatures, sizeof *sea_geoms);
    if (!sea_geoms) {
        rc = nytte_error(ctx, NYTTE_ENOMEM, "out of memory");
        goto cleanup;
    }
    for (size_t i = 0; i < sea.nfeatures; i++)
        sea_geoms[i] = sea.features[i].geom;
    size_t total = 0;
    for (size_t m = 0; m < nm; m++) {
        char mw[128];
        snprintf(mw, sizeof mw, "measure %s", p->measures[m].id);
        if ((rc = read_geoms(ctx, &ml[m], &p->measures[m].geometry, s->wkt, mw)))
            goto cleanup;
        total += ml[m].nfeatures;
    }
    bars = calloc(total ? total : 1, sizeof *bars);
    modes = calloc(total ? total : 1, sizeof *modes);
    if (!bars || !modes) {
        rc = nytte_error(ctx, NYTTE_ENOMEM, "out of memory");
        goto cleanup;
    }

    s->nepoch = h->sea_level_rise > 0 ? 2 : 1;
    if ((rc = make_scenarios(s)))
        goto cleanup;
    lv = calloc(s->nlev, sizeof *lv);
    outs = calloc(s->nlev, sizeof *outs);
    if (!lv || !outs) {
        rc = nytte_error(ctx, NYTTE_ENOMEM, "out of memory");
        goto cleanup;
    }
    if (s->tile)
        nytte_log(ctx, NYTTE_LOG_INFO, "hazard %s: over tiles of %d x %d cells%s", h->id, s->tile, s->tile,
                  nytte_dist_size() > 1 ? ", shared by every process" : "");
    nytte_progress_begin(ctx, "hazard", s->nepoch * s->nscen * s->nlev);
    for (size_t ep = 0; ep < s->nepoch; ep++) {
    for (size_t sc = 0; sc < s->nscen; sc++) {
        char name[160];
        /* the end of the horizon: every event's level raised by the sea-level rise */
        snprintf(name, sizeof name, "%s%s", s->scen[sc], ep ? "_slr" : "");
        double rise = ep ? h->sea_level_rise : 0.0;
        /* this scenario's rasters: their paths and levels */
        size_t n = 0, slot0 = (ep * s->nscen + sc) * s->nlev;
        for (size_t k = 0; k < s->nlev; k++) {
            char file[256], path[4600];
            if (ep && k >= s->nev) {
                /* the design level is a fixed kote: the same raster at both ends of the horizon */
                if (!(s->paths[slot0 + k] = strdup(s->paths[sc * s->nlev + k]))) {
                    rc = nytte_error(ctx, NYTTE_ENOMEM, "out of memory");
                    goto cleanup;
                }
                continue;
            }
            if (k < s->nev)
                rc = nytte_hazard_output_name(file, sizeof file, h->id, name, h->return_periods[k]);
            else
                rc = snprintf(file, sizeof file, "depth_%s_%s_design.tif", h->id, name) >= (int)sizeof file
                         ? NYTTE_EUSAGE
                         : NYTTE_OK;
            if (rc) {
                rc = nytte_error(ctx, NYTTE_ECONFIG, "hazard %s, scenario %s: ids may hold letters, digits, - and _ only",
                                 h->id, name);
                goto cleanup;
            }
            snprintf(path, sizeof path, "%s/%s", s->tmpdir, file);
            if (!(s->paths[slot0 + k] = strdup(path))) {
                rc = nytte_error(ctx, NYTTE_ENOMEM, "out of memory");
                goto cleanup;
            }
            lv[n] = s->levels[k] + rise;
            outs[n++] = s->paths[slot0 + k];
        }
        if (s->tile) {
            if ((rc = coastal_tiled(s, h, sc, ml, bars, modes, sea_geoms, sea.nfeatures, lv, outs, n)))
                goto cleanup;
            nytte_progress_update(ctx, slot0 + s->nlev);
            continue;
        }
        const nytte_raster *terrain = &s->dem;
        if ((rc = scenario_terrain(s, sc, ml, bars, modes, &burned, &terrain)))
            goto cleanup;
        for (size_t j = 0; j < n; j++) {
            nytte_raster_clear(&depth);
            if ((rc = nytte_hazard_bathtub(ctx, &depth, terrain, sea_geoms, sea.nfeatures, lv[j]))) {
                nytte_error_prefix(ctx, "%s", h->sea.path);
                goto cleanup;
            }
            if ((rc = pipeline_write_raster(s, &depth, outs[j])))
                goto cleanup;
            nytte_progress_update(ctx, slot0 + j + 1);
        }
    }
    }
    nytte_progress_end(ctx);
    s->nrasters = s->nepoch * s->nscen * s->nlev;
cleanup:
    nytte_raster_clear(&burned);
    nytte_raster_clear(&depth);
    free(lv);
    free(outs);
    free(bars);
    free(modes);
    free(sea_geoms);
    nytte_vlayer_clear(&sea);
    for (size_t m = 0; m < nm; m++)
        nytte_vlayer_clear(&ml[m]);
    free(ml);
    return rc;
}

/* ---- overlay ------------------------------------------------------------ */

int pipeline_overlay(run_state *s)
{
    nytte_ctx *ctx = s->ctx;
    size_t np = s->in.nparcels, nb = s->in.nbuildings, nr = s->nrasters;
    /* ranks sharing a run: the statistics are gathered on the writer alone (the stages after
     * the overlay run there), so the other ranks hold only their own geometries' */
    bool here = s->writer || !s->shared;
    nytte_geom *geoms = calloc(np + nb, sizeof *geoms);
    if (here) {
        s->pstats = calloc((np + nb) * nr, sizeof *s->pstats);
        s->tstats = calloc(np, sizeof *s->tstats);
    }
    if (!geoms || (here && (!s->pstats || !s->tstats))) {
        free(geoms);
        return nytte_error(ctx, NYTTE_ENOMEM, "out of memory");
    }
    if (here)
        s->bstats = s->pstats + np * nr;
    /* shallow copies: the overlay reads the coordinates, the inputs own them */
    for (size_t i = 0; i < np; i++)
        geoms[i] = s->in.parcels[i].geom;
    for (size_t b = 0; b < nb; b++)
        geoms[np + b] = s->in.buildings[b].geom;
    nytte_overlay_opts o = NYTTE_OVERLAY_OPTS_INIT;
    o.nthresholds = 1;
    o.thresholds[0] = 0.0; /* wet: any water */
    nytte_log(ctx, NYTTE_LOG_INFO, "overlay: %zu parcels and %zu buildings over %zu depth rasters", np, nb, nr);
#ifdef NYTTE_HAVE_MPI
    /* mpirun: each rank computes the parcels of its tiles, gathered by index (docs/scale-out.md) */
    int (*const zonal)(nytte_ctx *, const nytte_overlay_opts *, const nytte_geom *, size_t, const char *const *,
                       size_t, nytte_zonal_stats *) = s->shared ? nytte_dist_overlay_zonal_root
                                                                : nytte_dist_overlay_zonal;
#else
    int (*const zonal)(nytte_ctx *, const nytte_overlay_opts *, const nytte_geom *, size_t, const char *const *,
                       size_t, nytte_zonal_stats *) = nytte_overlay_zonal;
#endif
    int rc = zonal(ctx, &o, geoms, np + nb, (const char *const *)s->paths, nr, s->pstats);
    if (!rc) {
        const char *terrain = s->p->terrain;
        rc = zonal(ctx, &o, geoms, np, &terrain, 1, s->tstats);
    }
    free(geoms);
    return rc;
}

/* ---- damage ------------------------------------------------------------- */

static double stat_or_zero(double v) { return v == v ? v : 0.0; }

/*
 * Damage depth of building b in raster r (m above the floor). Groundwater exposure is
 * water above the basement floor (the threshold depth), so the ground floor's height
 * above the terrain is not subtracted (docs/models.md, Groundwater damage).
 */
static double building_depth(const run_state *s, size_t b, size_t r)
{
    const nytte_zonal_stats *st = &s->bstats[b * s->nrasters + r];
    bool basement = s->p->hazards[s->p->primary_hazard].type == NYTTE_HAZARD_GROUNDWATER;
    return nytte_damage_depth(s->p->damage.depth_stat, st->mean, st->max,
                              basement ? 0.0 : s->in.buildings[b].floor_height);
}

/*
 * Present value of building b's avoided damage thanks to scenario `with`: today's
 * avoided EAD over the horizon, or, with a sea-level-rise path, a yearly benefit moving
 * linearly from today's to the end of the horizon's (docs/models.md, nytte_pv_ramp).
 * Negative avoided damage (the measure makes it worse) weighs 0.
 */
static double benefit_pv(const run_state *s, size_t b, size_t with)
{
    size_t nb = s->in.nbuildings;
    double now = nytte_benefit_weight(nytte_avoided_ead(s->ead[b], s->ead[with * nb + b]));
    if (!s->ead_end)
        return nytte_pv_factor(s->p->discount_rate, s->p->horizon) * now;
    double end = nytte_benefit_weight(nytte_avoided_ead(s->ead_end[b], s->ead_end[with * nb + b]));
    return nytte_pv_ramp(s->p->discount_rate, s->p->horizon, now, end);
}

int pipeline_damage(run_state *s)
{
    nytte_ctx *ctx = s->ctx;
    const nytte_project *p = s->p;
    const nytte_hazard_cfg *h = &p->hazards[p->primary_hazard];
    size_t np = s->in.nparcels, nb = s->in.nbuildings, nev = s->nev;
    int rc = nytte_damage_model_validate(ctx, &p->damage);
    if (rc)
        return rc;
    nytte_ead_rule_format(s->ead_rule, sizeof s->ead_rule, &p->ead);
    s->ead = calloc(s->nscen * (nb ? nb : 1), sizeof *s->ead);
    s->metrics = calloc(np, sizeof *s->metrics);
    double *D = calloc((nb ? nb : 1) * nev, sizeof *D);
    double *value = calloc(nb ? nb : 1, sizeof *value);
    nytte_ead *e = calloc(nb ? nb : 1, sizeof *e);
    const char **ids = calloc(nb ? nb : 1, sizeof *ids);
    if (!s->ead || !s->metrics || !D || !value || !e || !ids) {
        rc = nytte_error(ctx, NYTTE_ENOMEM, "out of memory");
        goto cleanup;
    }
    for (size_t b = 0; b < nb; b++) {
        const nytte_building *bd = &s->in.buildings[b];
        value[b] = nytte_damage_value(&p->damage, bd->use, bd->floor_area, bd->value);
        ids[b] = bd->id;
    }
    if (s->nepoch > 1 && !(s->ead_end = calloc(s->nscen * (nb ? nb : 1), sizeof *s->ead_end))) {
        rc = nytte_error(ctx, NYTTE_ENOMEM, "out of memory");
        goto cleanup;
    }
    size_t nadj_total = 0;
    for (size_t ep = 0; ep < s->nepoch; ep++) {
        double *dst = ep ? s->ead_end : s->ead;
        for (size_t sc = 0; sc < s->nscen; sc++) {
            for (size_t b = 0; b < nb; b++)
                for (size_t k = 0; k < nev; k++)
                    D[b * nev + k] = nytte_damage_at_depth(&p->damage, s->in.buildings[b].use, value[b],
                                                           building_depth(s, b, (ep * s->nscen + sc) * s->nlev + k));
            size_t nadj = 0;
            if (nb && (rc = nytte_ead_table(ctx, e, &nadj, &p->ead, h->return_periods, nev, D, nb, ids)))
                goto cleanup;
            nadj_total += nadj;
            for (size_t b = 0; b < nb; b++)
                dst[sc * nb + b] = e[b].ead;
        }
    }
    if (nadj_total)
        nytte_log(ctx, NYTTE_LOG_INFO, "damage: %zu building series raised to be non-decreasing in return period",
                  nadj_total);

    size_t all = s->nscen - 1, dk = s->design_k, nr = s->nrasters;
    for (size_t i = 0; i < np; i++) {
        nytte_parcel_metrics *m = &s->metrics[i];
        const nytte_zonal_stats *t = &s->tstats[i];
        m->ground_min = t->min;
        m->ground_mean = t->mean;
        m->outside_area = t->outside_area;
        const nytte_zonal_stats *d = &s->pstats[i * nr + dk];
        m->wet_design = d->above[0];
        m->depth_design = stat_or_zero(d->max);
        const nytte_zonal_stats *f = &s->pstats[i * nr + 0];
        m->risk_zone = f->above[0] > 0 ? 1 : m->wet_design > 0 ? 2 : 0;
    }
    /* parcels beyond the terrain are reported, never dropped: their outside part counts as dry */
    size_t npart = 0, nwhole = 0;
    const char *example = NULL;
    for (size_t i = 0; i < np; i++) {
        const nytte_parcel_metrics *m = &s->metrics[i];
        if (!(m->outside_area > 1e-6 * s->in.parcels[i].area))
            continue;
        int whole = !(s->tstats[i].valid_area > 0);
        nwhole += whole;
        npart += !whole;
        if (!example)
            example = s->in.parcels[i].id;
        nytte_log(ctx, NYTTE_LOG_INFO, "parcel %s: %.1f m² of %.1f m² lie outside the terrain%s", s->in.parcels[i].id,
                  m->outside_area, s->in.parcels[i].area, whole ? " (all of it, or over nodata)" : "");
    }
    if (npart + nwhole)
        nytte_log(ctx, NYTTE_LOG_WARN,
                  "%zu parcels lie partly and %zu wholly outside the terrain or over nodata (e.g. %s); their part "
                  "outside counts as not flooded (-v lists them)",
                  npart, nwhole, example);
    for (size_t b = 0; b < nb; b++) {
        const nytte_building *bd = &s->in.buildings[b];
        nytte_parcel_metrics *m = &s->metrics[bd->parcel];
        m->nbuildings++;
        m->floor_area += bd->floor_area;
        m->building_area += bd->geom.kind == NYTTE_GEOM_POLYGON ? nytte_geom_area(&bd->geom) : 0.0;
        m->value += value[b];
        m->building_flooded |= building_depth(s, b, dk) > 0;
        m->ead_without += s->ead[b];
        m->ead_with += s->ead[all * nb + b];
        m->benefit_pv += benefit_pv(s, b, all);
    }
    /* economics per element: the summed avoided EAD against capex and O&M */
    s->element_pv = calloc(p->nmeasures ? p->nmeasures : 1, sizeof *s->element_pv);
    s->element_ead = calloc(2 * (p->nmeasures ? p->nmeasures : 1), sizeof *s->element_ead);
    if (!s->element_pv || !s->element_ead) {
        rc = nytte_error(ctx, NYTTE_ENOMEM, "out of memory");
        goto cleanup;
    }
    for (size_t el = 0; el < p->nmeasures; el++) {
        double without = 0, with = 0, without_end = 0, with_end = 0;
        for (size_t b = 0; b < nb; b++) {
            without += s->ead[b];
            with += s->ead[(1 + el) * nb + b];
            without_end += s->ead_end ? s->ead_end[b] : s->ead[b];
            with_end += s->ead_end ? s->ead_end[(1 + el) * nb + b] : s->ead[(1 + el) * nb + b];
        }
        s->element_ead[2 * el] = without;
        s->element_ead[2 * el + 1] = with;
        const nytte_measure_cfg *m = &p->measures[el];
        if ((rc = nytte_project_pv_calc(ctx, &s->element_pv[el], without - with, without_end - with_end, m->capex,
                                        m->om_per_year, p->discount_rate, p->horizon))) {
            nytte_error_prefix(ctx, "measure %s", m->id);
            goto cleanup;
        }
        nytte_log(ctx, NYTTE_LOG_INFO,
                  "%s: EAD %.0f kr/yr without, %.0f with; PV of benefits %.0f kr, of costs %.0f kr; benefit-cost "
                  "ratio %.2f",
                  m->id, without, with, s->element_pv[el].pv_benefits, s->element_pv[el].pv_costs, s->element_pv[el].bcr);
    }
cleanup:
    free(D);
    free(value);
    free(e);
    free((void *)ids);
    return rc;
}

/* ---- catchment: who sends the water -------------------------------------- */

int pipeline_catchment(run_state *s)
{
    const nytte_project *p = s->p;
    if (p->contributor_hazard < 0)
        return NYTTE_OK;
    nytte_ctx *ctx = s->ctx;
    const nytte_hazard_cfg *h = &p->hazards[p->contributor_hazard];
    size_t np = s->in.nparcels;
    nytte_flow flow = NYTTE_FLOW_INIT;
    nytte_raster mask = NYTTE_RASTER_INIT;
    nytte_vlayer prot = {0};
    nytte_geom *targets = NULL;
    char what[128], path[4600];
    snprintf(what, sizeof what, "hazard %s: protected_area", h->id);
    int rc = read_geoms(ctx, &prot, &h->protected_area, s->wkt, what);
    if (rc)
        goto cleanup;
    targets = calloc(prot.nfeatures, sizeof *targets);
    s->contributor = calloc(np ? np : 1, sizeof *s->contributor);
    s->area_in = calloc(np ? np : 1, sizeof *s->area_in);
    s->roof_in = calloc(np ? np : 1, sizeof *s->roof_in);
    if (!targets || !s->contributor || !s->area_in || !s->roof_in) {
        rc = nytte_error(ctx, NYTTE_ENOMEM, "out of memory");
        goto cleanup;
    }
    for (size_t i = 0; i < prot.nfeatures; i++)
        targets[i] = prot.features[i].geom;
    if ((rc = pipeline_terrain_cells(s)))
        goto cleanup;
    nytte_log(ctx, NYTTE_LOG_INFO, "catchment %s: flow directions on %d x %d cells", h->id, s->dem.grid.nx,
              s->dem.grid.ny);
    size_t ncells = 0;
    if ((rc = nytte_flow_directions(ctx, &flow, &s->dem)) ||
        (rc = nytte_catchment_mask(ctx, &mask, &flow, targets, prot.nfeatures, &ncells))) {
        nytte_error_prefix(ctx, "hazard %s", h->id);
        goto cleanup;
    }
    free(mask.crs_wkt);
    mask.crs_wkt = s->dem.crs_wkt ? strdup(s->dem.crs_wkt) : NULL;
    snprintf(path, sizeof path, "%s/catchment_%s.tif", s->tmpdir, h->id);
    if ((rc = pipeline_write_raster(s, &mask, path)))
        goto cleanup;
    if ((rc = nytte_catchment_parcel_areas(ctx, s->area_in, s->roof_in, &mask, &s->in)))
        goto cleanup;
    for (size_t i = 0; i < np; i++) {
        const nytte_parcel *pc = &s->in.parcels[i];
        double paved_in = pc->area > 0 ? pc->paved_area * s->area_in[i] / pc->area : 0.0;
        s->contributor[i] = nytte_contributor_weight(&h->runoff, pc->landuse, s->area_in[i], s->roof_in[i], paved_in);
        if (!(s->contributor[i] >= 0)) {
            rc = nytte_error(ctx, NYTTE_EINPUT, "parcel %s: contributor weight cannot be computed (area %.1f m², in "
                             "catchment %.1f m², roofs %.1f m², paved %.1f m²)", pc->id, pc->area, s->area_in[i],
                             s->roof_in[i], paved_in);
            goto cleanup;
        }
    }
    nytte_log(ctx, NYTTE_LOG_INFO, "catchment %s: %zu cells (%.1f ha) drain into the protected area", h->id, ncells,
              (double)ncells * s->dem.grid.dx * s->dem.grid.dy / 1e4);
cleanup:
    nytte_flow_clear(&flow);
    nytte_raster_clear(&mask);
    nytte_vlayer_clear(&prot);
    free(targets);
    return rc;
}

/* ---- allocation and finance -------------------------------------------- */

int pipeline_allocate(run_state *s)
{
    nytte_ctx *ctx = s->ctx;
    const nytte_project *p = s->p;
    size_t np = s->in.nparcels, nb = s->in.nbuildings, ne = p->nmeasures, nr = s->nrasters;
    nytte_hazard_type ht = p->hazards[p->primary_hazard].type;
    bool gw_or_bs = ht == NYTTE_HAZARD_GROUNDWATER || ht == NYTTE_HAZARD_BLUESPOT;
    s->facts = calloc(ne * np, sizeof *s->facts);
    s->elements = calloc(ne, sizeof *s->elements);
    s->holdings = calloc(s->in.nholdings ? s->in.nholdings : 1, sizeof *s->holdings);
    double *dominant = calloc(np * NYTTE_USE_COUNT, sizeof *dominant);
    if (!s->facts || !s->elements || !s->holdings || !dominant) {
        free(dominant);
        return nytte_error(ctx, NYTTE_ENOMEM, "out of memory");
    }
    /* dominant use group: the most floor area; ties go to the lower group number */
    for (size_t b = 0; b < nb; b++)
        dominant[s->in.buildings[b].parcel * NYTTE_USE_COUNT + s->in.buildings[b].use] +=
            s->in.buildings[b].floor_area > 0 ? s->in.buildings[b].floor_area : 1e-9;
    for (size_t e = 0; e < ne; e++) {
        size_t with = 1 + e;
        nytte_alloc_parcel *f = s->facts + e * np;
        for (size_t i = 0; i < np; i++) {
            const nytte_parcel *pc = &s->in.parcels[i];
            const nytte_parcel_metrics *m = &s->metrics[i];
            nytte_use use = NYTTE_USE_OTHER;
            double best = 0;
            for (int u = 0; u < NYTTE_USE_COUNT; u++)
                if (dominant[i * NYTTE_USE_COUNT + u] > best) {
                    best = dominant[i * NYTTE_USE_COUNT + u];
                    use = (nytte_use)u;
                }
            const nytte_zonal_stats *dw = &s->pstats[i * nr + with * s->nlev + s->design_k];
            double wet_with = dw->above[0];
            /* groundwater and bluespots: a drain or a channel often lowers the water without drying
             * any of the plot, so a lower mean depth over the plot counts as "less" too */
            bool lower = false;
            if (gw_or_bs) {
                const nytte_zonal_stats *dn = &s->pstats[i * nr + s->design_k];
                lower = dn->mean == dn->mean && dw->mean == dw->mean && dw->mean < dn->mean;
            }
            f[i] = (nytte_alloc_parcel){
                .id = pc->id,
                /* the element's beneficiaries: flooded at the design event without it, less with it */
                .in_area = m->wet_design > 0 && (wet_with < m->wet_design || lower),
                .built = m->nbuildings > 0,
                .nbuildings = m->nbuildings,
                .plot_area = pc->area,
                .building_area = m->building_area,
                .floor_area = m->floor_area,
                .property_value = pc->property_value,
                .use = use,
                .plot_flooded = m->wet_design > 0,
                .building_flooded = m->building_flooded,
                .access_road_only = false,
                .ref_level = m->ground_min == m->ground_min ? m->ground_min : INFINITY,
                .floor_level = NAN,
                .risk_zone = m->risk_zone,
                .benefit = 0,
                .flags = 0,
                .contributor = s->contributor ? s->contributor[i] : 0.0,
            };
        }
        for (size_t b = 0; b < nb; b++)
            f[s->in.buildings[b].parcel].benefit += benefit_pv(s, b, with);
        const nytte_measure_cfg *mc = &p->measures[e];
        nytte_alloc_element *el = &s->elements[e];
        el->id = mc->id;
        el->parcels = f;
        el->config = NULL;
        el->pool.capex_ore = mc->capex;
        el->pool.om_ore_per_year = mc->om_per_year;
        el->pool.lifetime_years = mc->lifetime;
        el->pool.discount_rate = p->discount_rate;
        el->pool.om_mode = p->om_mode;
        el->pool.ndeductions = mc->ndeductions;
        for (size_t d = 0; d < mc->ndeductions; d++)
            el->pool.deductions[d] = (nytte_alloc_deduction){mc->deductions[d].name, mc->deductions[d].kind,
                                                             mc->deductions[d].percent >= 0, mc->deductions[d].amount,
                                                             mc->deductions[d].percent};
    }
    free(dominant);
    for (size_t h = 0; h < s->in.nholdings; h++)
        s->holdings[h] = (nytte_alloc_holding){s->in.holdings[h].parcel, s->in.owners[s->in.holdings[h].owner].id,
                                               s->in.holdings[h].share};
    s->ain = (nytte_alloc_input){np, s->elements, ne, s->holdings, s->in.nholdings, &p->alloc};
    int rc = nytte_allocate_run(ctx, &s->alloc, &s->ain);
    if (rc)
        return rc;

    /* accounting check: every level sums to its pool, to the øre, or nothing is written */
    const nytte_alloc_result *r = s->alloc;
    int64_t pools = 0, owners = 0;
    for (size_t e = 0; e < r->nelements; e++) {
        int64_t lines = 0;
        for (size_t i = 0; i < np; i++) {
            const nytte_alloc_line *l = &r->lines[e * np + i];
            lines += l->ore;
            if (l->ore > 0 && !l->in_area && !l->contributor_only)
                return nytte_error(ctx, NYTTE_ECHECK, "element %s: parcel %s pays but is neither in the benefit area nor a contributor",
                                   r->elements[e].id, s->in.parcels[i].id);
        }
        if (lines != r->elements[e].pool.pool_ore)
            return nytte_error(ctx, NYTTE_ECHECK, "element %s: parcel amounts sum to %lld øre, the pool is %lld øre",
                               r->elements[e].id, (long long)lines, (long long)r->elements[e].pool.pool_ore);
        pools += r->elements[e].pool.pool_ore;
    }
    for (size_t o = 0; o < r->nowners; o++)
        owners += r->owners[o].total_ore;
    if (owners != pools)
        return nytte_error(ctx, NYTTE_ECHECK, "owner amounts sum to %lld øre, the pools to %lld øre", (long long)owners,
                           (long long)pools);
    return NYTTE_OK;
}

int pipeline_finance(run_state *s)
{
    nytte_ctx *ctx = s->ctx;
    const nytte_alloc_result *r = s->alloc;
    s->loans = calloc(r->nowners ? r->nowners : 1, sizeof *s->loans);
    if (!s->loans)
        return nytte_error(ctx, NYTTE_ENOMEM, "out of memory");
    for (size_t o = 0; o < r->nowners; o++) {
        int rc = nytte_loan_calc(ctx, &s->loans[o], &s->p->loan, r->owners[o].total_ore);
        if (rc) {
            nytte_error_prefix(ctx, "owner %s", r->owners[o].id);
            return rc;
        }
    }
    return NYTTE_OK;
}
