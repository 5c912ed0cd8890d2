/*
 * stage_bluespot.c — the bluespot (cloudburst) hazard driver: per scenario the terrain
 * with the elements' geometries burned in (raise, lower or set to the crest), then per
 * event the bluespots filled by its rain, or every bluespot full when the hazard gives no
 * rain (docs/hazard.md, Bluespots in a run); whole, or over tiles without rain.
 */
#include "pipeline/pipeline_int.h"

#include <stdlib.h>

/* Bluespots are filled over 8 neighbours (docs/hazard.md), whole or over tiles. */
#define BLUESPOT_CONNECTIVITY NYTTE_CONNECT_8

/*
 * Scenario sc's bluespots, every one full (a hazard without rain), over tiles of s->tile
 * cells (docs/scale-out.md): the terrain read by windows, the barriers burned per tile, the
 * depression fill over the tiles and ranks; the same bits as nytte_hazard_bluespots_ex on
 * the whole burned terrain. The raster is written as every event's file.
 */
static int bluespots_tiled(run_state *s, const nytte_hazard_cfg *h, size_t sc, const measure_layers *ml,
                           nytte_barrier *bars, nytte_burn_mode *modes)
{
    nytte_ctx *ctx = s->ctx;
    size_t nbars = hazard_scenario_barriers(s, sc, ml, bars, modes);
    const char **outs = calloc(s->nlev, sizeof *outs);
    if (!outs)
        return nytte_nomem(ctx, "hazard %s", h->id);
    int rc = NYTTE_OK;
    for (size_t k = 0; k < s->nlev && !rc; k++)
        if (!(rc = hazard_scenario_path(s, h, 0, sc, k)))
            outs[k] = s->paths[sc * s->nlev + k];
    char tiles[4300];
    nytte_dist_bathtub_opts o = hazard_tiled_opts(s, BLUESPOT_CONNECTIVITY, modes, tiles, sizeof tiles);
    nytte_minimax_stats st;
    if (!rc) {
        rc = nytte_dist_bluespots_tiled(ctx, &o, s->p->terrain, bars, nbars, s->nlev, outs, &st);
        if (!rc)
            hazard_log_tiled(s, &st);
        else if (rc == NYTTE_EINPUT && sc > 0)
            hazard_prefix_measure(s, sc); /* the whole-raster path's prefixes: a barrier's file, else the hazard */
        else
            nytte_error_prefix(ctx, "hazard %s", h->id);
    }
    free(outs);
    return rc;
}

/* The same on the whole terrain in memory, filled by each event's rain when there is one. */
static int bluespots_whole(run_state *s, const nytte_hazard_cfg *h, size_t sc, const measure_layers *ml,
                           nytte_barrier *bars, nytte_burn_mode *modes)
{
    nytte_ctx *ctx = s->ctx;
    nytte_raster burned = NYTTE_RASTER_INIT, depth = NYTTE_RASTER_INIT;
    const nytte_raster *terrain = &s->dem;
    int rc = hazard_scenario_terrain(s, sc, ml, bars, modes, &burned, &terrain);
    for (size_t k = 0; !rc && k < s->nlev; k++) {
        /* without rain every event fills every bluespot: one fill serves them all */
        if (k == 0 || h->rain) {
            nytte_raster_clear(&depth);
            rc = h->rain ? nytte_hazard_bluespots_rain(ctx, &depth, terrain, h->rain[k], BLUESPOT_CONNECTIVITY)
                         : nytte_hazard_bluespots_ex(ctx, &depth, terrain, BLUESPOT_CONNECTIVITY);
            if (rc) {
                nytte_error_prefix(ctx, "hazard %s", h->id);
                break;
            }
        }
        if (!(rc = hazard_write_scenario(s, h, sc, k, &depth)))
            nytte_progress_update(ctx, sc * s->nlev + k + 1);
    }
    nytte_raster_clear(&burned);
    nytte_raster_clear(&depth);
    return rc;
}

int hazard_bluespot(run_state *s, const nytte_hazard_cfg *h)
{
    nytte_ctx *ctx = s->ctx;
    measure_layers ml = {0};
    nytte_barrier *bars = NULL;
    nytte_burn_mode *modes = NULL;
    int rc;
    if ((rc = hazard_events(s, h)) || (rc = hazard_read_measures(s, &ml)))
        goto cleanup;
    bars = calloc(ml.total ? ml.total : 1, sizeof *bars);
    modes = calloc(ml.total ? ml.total : 1, sizeof *modes);
    if (!bars || !modes) {
        rc = nytte_nomem(ctx, "hazard %s", h->id);
        goto cleanup;
    }
    nytte_progress_begin(ctx, "depth rasters", s->nscen * s->nlev);
    for (size_t sc = 0; sc < s->nscen; sc++) {
        if (s->tile) {
            /* over tiles (no rain: every event fills every bluespot; one raster, nlev files) */
            if ((rc = bluespots_tiled(s, h, sc, &ml, bars, modes)))
                goto cleanup;
            nytte_progress_update(ctx, (sc + 1) * s->nlev);
        } else if ((rc = bluespots_whole(s, h, sc, &ml, bars, modes))) {
            goto cleanup;
        }
    }
    nytte_progress_end(ctx);
    s->nrasters = s->nscen * s->nlev;
cleanup:
    free(bars);
    free(modes);
    hazard_measures_free(&ml);
    return rc;
}
