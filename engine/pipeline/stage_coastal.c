/*
 * stage_coastal.c — the coastal hazard driver: per epoch (today; with a sea-level rise,
 * also the end of the horizon) and scenario, the terrain with the scenario's barriers
 * burned in, flooded from the sea at every event's level and the design level (the
 * connected bathtub, docs/hazard.md); whole, or over tiles (docs/scale-out.md).
 */
#include "pipeline/pipeline_int.h"

#include <stdlib.h>

/*
 * The coastal bathtub of scenario sc at n levels over tiles of s->tile cells: the terrain
 * read by windows, never whole; the scenario's barriers burned per tile; the flood level
 * from the sea computed once for every level, over every process under mpirun. The depths
 * are the same bits as the whole-raster path's. Rank 0 writes each output as one GeoTIFF
 * from the tiles, which stay in <run folder>/.tiles meanwhile.
 */
static int coastal_tiled(run_state *s, const nytte_hazard_cfg *h, size_t sc, const measure_layers *ml,
                         nytte_barrier *bars, nytte_burn_mode *modes, const nytte_geom *sea, size_t nsea,
                         const double *lv, const char *const *outs, size_t n)
{
    size_t nbars = hazard_scenario_barriers(s, sc, ml, bars, modes);
    char tiles[4300];
    /* 4 neighbours: as nytte_hazard_bathtub */
    nytte_dist_bathtub_opts o = hazard_tiled_opts(s, NYTTE_CONNECT_4, modes, tiles, sizeof tiles);
    nytte_minimax_stats st;
    int rc = nytte_dist_bathtub_tiled(s->ctx, &o, s->p->terrain, sea, nsea, bars, nbars, lv, n, outs, &st);
    if (!rc)
        hazard_log_tiled(s, &st);
    /* the whole-raster path's prefixes: the sea is checked first (scenario 0 has no
     * barriers), then the scenario's barriers */
    if (rc == NYTTE_EINPUT) {
        if (sc == 0)
            nytte_error_prefix(s->ctx, "%s", h->sea.path);
        else
            hazard_prefix_measure(s, sc);
    }
    return rc;
}

/* The same on the whole terrain in memory: burn, one bathtub per level, then the n depth
 * rasters written at once (pipeline_write_rasters). */
static int coastal_whole(run_state *s, const nytte_hazard_cfg *h, size_t sc, const measure_layers *ml,
                         nytte_barrier *bars, nytte_burn_mode *modes, const nytte_geom *sea, size_t nsea,
                         const double *lv, const char *const *outs, size_t n, size_t slot0)
{
    nytte_raster burned = NYTTE_RASTER_INIT;
    nytte_raster *depth = calloc(n ? n : 1, sizeof *depth);
    const nytte_raster **dp = calloc(n ? n : 1, sizeof *dp);
    const nytte_raster *terrain = &s->dem;
    int rc = !depth || !dp ? nytte_nomem(s->ctx, "hazard %s", h->id)
                           : hazard_scenario_terrain(s, sc, ml, bars, modes, &burned, &terrain);
    for (size_t j = 0; !rc && j < n; j++) {
        depth[j] = (nytte_raster)NYTTE_RASTER_INIT;
        dp[j] = &depth[j];
        if ((rc = nytte_hazard_bathtub(s->ctx, &depth[j], terrain, sea, nsea, lv[j])))
            nytte_error_prefix(s->ctx, "%s", h->sea.path);
    }
    if (!rc && !(rc = pipeline_write_rasters(s, dp, outs, n)))
        nytte_progress_update(s->ctx, slot0 + n);
    for (size_t j = 0; depth && j < n; j++)
        nytte_raster_clear(&depth[j]);
    nytte_raster_clear(&burned);
    free(depth);
    free((void *)dp);
    return rc;
}

int hazard_coastal(run_state *s, const nytte_hazard_cfg *h)
{
    nytte_ctx *ctx = s->ctx;
    measure_layers ml = {0};
    nytte_vlayer sea = {0};
    nytte_geom *sea_geoms = NULL;
    nytte_barrier *bars = NULL;
    nytte_burn_mode *modes = NULL;
    double *lv = NULL;        /* one scenario's levels */
    const char **outs = NULL; /* and their rasters */
    int rc;
    /* events (+ the design level when it is not one of them), the sea, each element's barriers */
    if ((rc = hazard_events(s, h)) || (rc = pipeline_read_geoms(ctx, &sea, &h->sea, s->wkt, "sea")))
        goto cleanup;
    if (!(sea_geoms = calloc(sea.nfeatures, sizeof *sea_geoms))) {
        rc = nytte_nomem(ctx, "sea");
        goto cleanup;
    }
    for (size_t i = 0; i < sea.nfeatures; i++)
        sea_geoms[i] = sea.features[i].geom;
    if ((rc = hazard_read_measures(s, &ml)))
        goto cleanup;
    bars = calloc(ml.total ? ml.total : 1, sizeof *bars);
    modes = calloc(ml.total ? ml.total : 1, sizeof *modes);
    lv = calloc(s->nlev, sizeof *lv);
    outs = calloc(s->nlev, sizeof *outs);
    if (!bars || !modes || !lv || !outs) {
        rc = nytte_nomem(ctx, "hazard %s", h->id);
        goto cleanup;
    }
    if (s->tile)
        nytte_log(ctx, NYTTE_LOG_INFO, "hazard %s: over tiles of %d x %d cells%s", h->id, s->tile, s->tile,
                  nytte_dist_size() > 1 ? ", shared by every process" : "");
    nytte_progress_begin(ctx, "depth rasters", s->nepoch * s->nscen * s->nlev);
    for (size_t ep = 0; ep < s->nepoch; ep++) {
        /* the end of the horizon: every event's level raised by the sea-level rise */
        double rise = ep ? h->sea_level_rise : 0.0;
        for (size_t sc = 0; sc < s->nscen; sc++) {
            /* this scenario's rasters: their paths and levels (the design level once, epoch 0) */
            size_t n = 0, slot0 = (ep * s->nscen + sc) * s->nlev;
            for (size_t k = 0; k < s->nlev; k++) {
                if ((rc = hazard_scenario_path(s, h, ep, sc, k)))
                    goto cleanup;
                if (ep && k >= s->nev)
                    continue;
                lv[n] = s->levels[k] + rise;
                outs[n++] = s->paths[slot0 + k];
            }
            if (s->tile) {
                if ((rc = coastal_tiled(s, h, sc, &ml, bars, modes, sea_geoms, sea.nfeatures, lv, outs, n)))
                    goto cleanup;
                nytte_progress_update(ctx, slot0 + s->nlev);
            } else if ((rc = coastal_whole(s, h, sc, &ml, bars, modes, sea_geoms, sea.nfeatures, lv, outs, n,
                                           slot0))) {
                goto cleanup;
            }
        }
    }
    nytte_progress_end(ctx);
    s->nrasters = s->nepoch * s->nscen * s->nlev;
cleanup:
    free(lv);
    free(outs);
    free(bars);
    free(modes);
    free(sea_geoms);
    nytte_vlayer_clear(&sea);
    hazard_measures_free(&ml);
    return rc;
}
