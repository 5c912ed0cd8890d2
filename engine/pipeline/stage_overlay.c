/*
 * stage_overlay.c — the overlay stage: exact zonal statistics of every parcel and
 * building over every depth raster of the run, and of every parcel over the terrain (one
 * coverage per polygon serves every raster on the grid; docs/overlay.md). Under mpirun
 * each rank computes the geometries of its tiles, gathered on the writer.
 */
#include "pipeline/pipeline_int.h"

#include <stdlib.h>

/* The zonal statistics of a set of geometries over a set of rasters: one process's, or shared by the ranks. */
typedef int (*zonal_fn)(nytte_ctx *, const nytte_overlay_opts *, const nytte_geom *, size_t, const char *const *,
                        size_t, nytte_zonal_stats *);

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
        return nytte_nomem(ctx, "overlay: %zu parcels and %zu buildings", np, nb);
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
    zonal_fn zonal = s->shared ? nytte_dist_overlay_zonal_root : nytte_dist_overlay_zonal;
#else
    zonal_fn zonal = nytte_overlay_zonal;
#endif
    int rc = zonal(ctx, &o, geoms, np + nb, (const char *const *)s->paths, nr, s->pstats);
    if (!rc) {
        const char *terrain = s->terrain;
        rc = zonal(ctx, &o, geoms, np, &terrain, 1, s->tstats);
    }
    free(geoms);
    return rc;
}
