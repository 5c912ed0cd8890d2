/*
 * fill.c — cloudburst bluespots: depression filling by priority flood (Barnes, Lehman &
 * Mulla 2014, "Priority-Flood: An Optimal Depression-Filling and Watershed-Labeling
 * Algorithm", Algorithm 2 "Improved Priority-Flood"): cells that drain out (the raster
 * edge, cells next to nodata) enter a min-heap; each popped cell raises its unvisited
 * neighbours to at least its own level. Neighbours raised (inside a depression) go to a
 * plain FIFO that is served before the heap, which makes filling O(n) inside depressions
 * and O(n log n) overall. The result does not depend on the order of equal elevations:
 * filled = min over paths to an outlet of the highest terrain on the path.
 */
#include "grid/grid.h"

#include <math.h>
#include <stdlib.h>

int nytte_hazard_fill_ex(nytte_ctx *ctx, nytte_raster *filled, const nytte_raster *dem, int connectivity)
{
    *filled = (nytte_raster)NYTTE_RASTER_INIT;
    uint8_t *closed = NULL;
    grid_pflood q;
    grid_pflood_init(&q);
    int rc;
    if ((rc = grid_check_raster(ctx, dem, "terrain")) != NYTTE_OK || (rc = grid_check_conn(ctx, connectivity)))
        return rc;
    const int nx = dem->grid.nx, ny = dem->grid.ny;
    const size_t n = (size_t)nx * (size_t)ny;
    const float *z = dem->v;
    const grid_nbr nb = grid_nbr_conn(nx, ny, connectivity);
    closed = calloc(n, 1);
    if (!closed)
        goto nomem;
    if ((rc = grid_new_output(ctx, filled, dem, 0.0f)) != NYTTE_OK)
        goto cleanup;
    float *f = filled->v;
    size_t nnodata = 0;
    for (size_t i = 0; i < n; i++) {
        if (nytte_raster_isnodata(dem, z[i])) {
            f[i] = NYTTE_HAZARD_NODATA;
            closed[i] = 1;
            nnodata++;
        } else {
            f[i] = z[i];
        }
    }
    /* Outlets: valid cells on the raster edge or with a nodata neighbour (under the same
     * connectivity as the flow): water leaves the raster there, so they keep their height. */
    for (int r = 0; r < ny; r++) {
        for (int c = 0; c < nx; c++) {
            size_t i = (size_t)r * (size_t)nx + (size_t)c;
            if (closed[i] || !grid_outlet(&nb, dem, r, c, nnodata != 0))
                continue;
            closed[i] = 1;
            if (grid_heap_push(&q.heap, grid_key(z[i], (uint32_t)i)) != 0)
                goto nomem;
        }
    }
    uint32_t cell;
    uint64_t key;
    int from;
    while ((from = grid_pflood_pop(&q, &cell, &key)) > 0) {
        float spill = f[cell];
        size_t j;
        for (grid_it it = grid_it_of(&nb, cell); grid_it_next(&nb, &it, &j);) {
            if (closed[j])
                continue;
            closed[j] = 1;
            int raised = grid_pflood_add(&q, (uint32_t)j, z[j], spill);
            if (raised < 0)
                goto nomem;
            if (raised)
                f[j] = spill; /* in a depression: filled to the spill level */
        }
    }
    if (from < 0)
        goto nomem;
    goto cleanup;

nomem:
    rc = nytte_nomem(ctx, "fill: %d x %d terrain", nx, ny);
cleanup:
    if (rc != NYTTE_OK)
        nytte_raster_clear(filled);
    grid_pflood_free(&q);
    free(closed);
    return rc;
}

int nytte_hazard_fill(nytte_ctx *ctx, nytte_raster *filled, const nytte_raster *dem)
{
    return nytte_hazard_fill_ex(ctx, filled, dem, NYTTE_CONNECT_8);
}

int nytte_hazard_bluespots_ex(nytte_ctx *ctx, nytte_raster *depth, const nytte_raster *dem, int connectivity)
{
    int rc = nytte_hazard_fill_ex(ctx, depth, dem, connectivity);
    if (rc != NYTTE_OK)
        return rc;
    size_t n = (size_t)dem->grid.nx * (size_t)dem->grid.ny;
    float *d = depth->v;
    const float *z = dem->v;
    /* depth = filled - terrain, the difference of two Float32 rounded once (as malstroem's float32 numpy). */
    for (size_t i = 0; i < n; i++)
        if (!nytte_raster_isnodata(dem, z[i]))
            d[i] = (float)((double)d[i] - (double)z[i]);
    return NYTTE_OK;
}

int nytte_hazard_bluespots(nytte_ctx *ctx, nytte_raster *depth, const nytte_raster *dem)
{
    return nytte_hazard_bluespots_ex(ctx, depth, dem, NYTTE_CONNECT_8);
}
