/*
 * stage_groundwater.c — the groundwater hazard driver: per event the depth-to-groundwater
 * raster (on its own grid, in the working CRS: like given depth rasters it is not
 * resampled); per scenario the drains of its elements lower the table
 * (nytte_hazard_drain), and the exposure max(0, threshold - depth) is written as the
 * scenario's raster (docs/hazard.md, Groundwater in a run); whole, or over tiles.
 */
#include "pipeline/pipeline_int.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Every measure's drains in order: measure m's are all[m0[m] .. m0[m + 1]). */
typedef struct {
    nytte_drain *all;
    size_t *m0;
    size_t total;
} drain_set;

/* The drains of scenario sc: the element's, or every element's (with_all); none for sc 0. */
static const nytte_drain *scenario_drains(const run_state *s, const drain_set *d, size_t sc, size_t *nd)
{
    size_t nm = s->p->nmeasures;
    *nd = sc == 0 ? 0 : sc <= nm ? d->m0[sc] - d->m0[sc - 1] : d->total;
    return sc == 0 ? NULL : sc <= nm ? d->all + d->m0[sc - 1] : d->all;
}

/*
 * The drains of every measure. A line or point drain needs its reach: say which measure,
 * where in the project file.
 */
static int read_drains(run_state *s, const measure_layers *ml, drain_set *d)
{
    const nytte_project *p = s->p;
    size_t nm = p->nmeasures;
    for (size_t m = 0; m < nm; m++)
        for (size_t f = 0; f < ml->l[m].nfeatures; f++)
            if (ml->l[m].features[f].geom.kind != NYTTE_GEOM_POLYGON && isnan(p->measures[m].reach))
                return nytte_error(s->ctx, NYTTE_ECONFIG,
                                   "%s:%d:%d: measures[%zu]: drain %s is a %s in %s: give reach (m), the distance at "
                                   "which its lowering of the table ends",
                                   p->path, p->measures[m].line, p->measures[m].col, m, p->measures[m].id,
                                   ml->l[m].features[f].geom.kind == NYTTE_GEOM_LINE ? "line" : "point",
                                   p->measures[m].geometry.path);
    d->total = ml->total;
    d->all = calloc(d->total ? d->total : 1, sizeof *d->all);
    d->m0 = calloc(nm + 1, sizeof *d->m0);
    if (!d->all || !d->m0)
        return nytte_nomem(s->ctx, "drains");
    for (size_t m = 0; m < nm; m++) {
        d->m0[m + 1] = d->m0[m] + ml->l[m].nfeatures;
        for (size_t f = 0; f < ml->l[m].nfeatures; f++)
            d->all[d->m0[m] + f] = (nytte_drain){&ml->l[m].features[f].geom, p->measures[m].lowering,
                                                 p->measures[m].reach, p->measures[m].id};
    }
    return NYTTE_OK;
}

/* Whether event k's raster is no earlier event's: its NaN and ±Inf cells are warned about once. */
static bool first_use(const nytte_hazard_cfg *h, size_t k)
{
    for (size_t j = 0; j < k; j++)
        if (strcmp(h->rasters[j], h->rasters[k]) == 0)
            return false;
    return true;
}

/* A depth-to-groundwater raster must have a CRS, the working one. */
static int check_table_crs(run_state *s, const char *path, const char *wkt)
{
    if (!wkt)
        return nytte_error(s->ctx, NYTTE_EINPUT, "%s: the depth-to-groundwater raster has no CRS", path);
    return pipeline_check_crs(s->ctx, path, wkt, s->wkt);
}

/*
 * Event k over tiles of s->tile cells (docs/scale-out.md): the depth-to-groundwater raster
 * read by windows, never whole, over every process under mpirun; each scenario's drains
 * lower the table per tile; the same bits as the whole-raster path's.
 */
static int groundwater_tiled(run_state *s, const nytte_hazard_cfg *h, size_t k, const drain_set *d)
{
    nytte_ctx *ctx = s->ctx;
    size_t ns = s->nscen;
    const char *path = h->rasters[k];
    nytte_grid g;
    char *wkt = NULL;
    bool has = false;
    float nd = 0.0f;
    nytte_raster_census c;
    int rc = nytte_raster_info(ctx, path, &g, NULL);
    if (!rc)
        rc = nytte_raster_band_info(ctx, path, &has, &nd, &wkt);
    if (!rc)
        rc = check_table_crs(s, path, wkt);
    free(wkt);
    /* scanned by strips for the census the whole read makes (the same warning) */
    if (!rc && first_use(h, k) && !(rc = nytte_raster_scan(ctx, &c, path)))
        nytte_raster_census_warn(ctx, path, &g, &c);
    if (rc)
        return rc;
    const nytte_drain **ds = calloc(ns, sizeof *ds);
    size_t *nds = calloc(ns, sizeof *nds);
    const char **outs = calloc(ns, sizeof *outs);
    if (!ds || !nds || !outs)
        rc = nytte_nomem(ctx, "hazard %s", h->id);
    for (size_t sc = 0; !rc && sc < ns; sc++) {
        ds[sc] = scenario_drains(s, d, sc, &nds[sc]);
        /* the whole-raster path's checks and prefixes, scenario by scenario */
        if (sc > 0 && (rc = nytte_hazard_drain_check(ctx, &g, ds[sc], nds[sc]))) {
            hazard_prefix_measure(s, sc);
            break;
        }
        if (!(rc = hazard_scenario_path(s, h, 0, sc, k)))
            outs[sc] = s->paths[sc * s->nlev + k];
    }
    if (!rc) {
        char tiles[4300];
        /* per cell: no neighbours; the connectivity is not used */
        nytte_dist_bathtub_opts o = hazard_tiled_opts(s, NYTTE_CONNECT_4, NULL, tiles, sizeof tiles);
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

/* Event k on the whole raster in memory: every scenario's exposure from the one table. */
static int groundwater_whole(run_state *s, const nytte_hazard_cfg *h, size_t k, const drain_set *d)
{
    nytte_ctx *ctx = s->ctx;
    nytte_raster dtg = NYTTE_RASTER_INIT, lowered = NYTTE_RASTER_INIT, expo = NYTTE_RASTER_INIT;
    nytte_raster_census c;
    int rc = nytte_raster_read_ex(ctx, &dtg, h->rasters[k], 1, &c);
    if (!rc && !(rc = check_table_crs(s, h->rasters[k], dtg.crs_wkt)) && first_use(h, k))
        nytte_raster_census_warn(ctx, h->rasters[k], &dtg.grid, &c);
    for (size_t sc = 0; !rc && sc < s->nscen; sc++) {
        const nytte_raster *table = &dtg;
        if (sc > 0) {
            size_t nd = 0;
            const nytte_drain *ds = scenario_drains(s, d, sc, &nd);
            nytte_raster_clear(&lowered);
            if ((rc = nytte_hazard_drain(ctx, &lowered, &dtg, ds, nd))) {
                hazard_prefix_measure(s, sc);
                break;
            }
            table = &lowered;
        }
        nytte_raster_clear(&expo);
        if ((rc = nytte_hazard_groundwater_exposure(ctx, &expo, table, h->threshold))) {
            nytte_error_prefix(ctx, "%s", h->rasters[k]);
            break;
        }
        if (!(rc = hazard_write_scenario(s, h, sc, k, &expo)))
            nytte_progress_update(ctx, k * s->nscen + sc + 1);
    }
    nytte_raster_clear(&dtg);
    nytte_raster_clear(&lowered);
    nytte_raster_clear(&expo);
    return rc;
}

int hazard_groundwater(run_state *s, const nytte_hazard_cfg *h)
{
    measure_layers ml = {0};
    drain_set d = {0};
    int rc;
    if ((rc = hazard_events(s, h)) || (rc = hazard_read_measures(s, &ml)) || (rc = read_drains(s, &ml, &d)))
        goto cleanup;
    nytte_progress_begin(s->ctx, "depth rasters", s->nscen * s->nlev);
    for (size_t k = 0; k < s->nev; k++) {
        if (s->tile > 0) {
            /* over tiles: the raster read by windows, every scenario at once */
            if ((rc = groundwater_tiled(s, h, k, &d)))
                goto cleanup;
            nytte_progress_update(s->ctx, (k + 1) * s->nscen);
        } else if ((rc = groundwater_whole(s, h, k, &d))) {
            goto cleanup;
        }
    }
    nytte_progress_end(s->ctx);
    s->nrasters = s->nscen * s->nlev;
cleanup:
    free(d.all);
    free(d.m0);
    hazard_measures_free(&ml);
    return rc;
}
