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
#include "hazard/hazard_private.h"

#include <math.h>
#include <stdlib.h>

int nytte_hazard_fill_ex(nytte_ctx *ctx, nytte_raster *filled, const nytte_raster *dem, int connectivity)
{
    *filled = (nytte_raster)NYTTE_RASTER_INIT;
    uint8_t *closed = NULL;
    nytte_hz_fifo pit = {NULL, 0, 0, 0};
    nytte_hz_heap heap;
    nytte_hz_heap_init(&heap);
    int rc;
    if ((rc = nytte_hz_check_raster(ctx, dem, "terrain")) != NYTTE_OK || (rc = nytte_hz_check_conn(ctx, connectivity)))
        return rc;
    const int nx = dem->grid.nx, ny = dem->grid.ny;
    const size_t n = (size_t)nx * (size_t)ny;
    const float *z = dem->v;
    closed = calloc(n, 1);
    if (!closed || nytte_hz_new_output(ctx, filled, dem, 0.0f) != NYTTE_OK) {
        rc = nytte_error(ctx, NYTTE_ENOMEM, "fill: out of memory for a %d x %d terrain", nx, ny);
        goto cleanup;
    }
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
        bool edge_row = r == 0 || r == ny - 1;
        for (int c = 0; c < nx; c++) {
            size_t i = (size_t)r * (size_t)nx + (size_t)c;
            if (closed[i])
                continue;
            bool outlet = edge_row || c == 0 || c == nx - 1;
            for (int k = 0; !outlet && nnodata && k < connectivity; k++) {
                size_t j = (size_t)(r + nytte_hz_dr[k]) * (size_t)nx + (size_t)(c + nytte_hz_dc[k]);
                outlet = nytte_raster_isnodata(dem, z[j]);
            }
            if (!outlet)
                continue;
            closed[i] = 1;
            if (nytte_hz_heap_push(&heap, nytte_hz_key(z[i], (uint32_t)i)) != 0) {
                rc = nytte_error(ctx, NYTTE_ENOMEM, "fill: out of memory");
                goto cleanup;
            }
        }
    }
    while (pit.n || heap.n) {
        uint32_t c;
        if (pit.n) {
            c = nytte_hz_fifo_pop(&pit);
        } else {
            uint64_t key;
            if (nytte_hz_heap_pop(&heap, &key) != 0) {
                rc = nytte_error(ctx, NYTTE_ENOMEM, "fill: out of memory");
                goto cleanup;
            }
            c = nytte_hz_key_idx(key);
        }
        float spill = f[c];
        int r = (int)(c / (uint32_t)nx), col = (int)(c % (uint32_t)nx);
        for (int k = 0; k < connectivity; k++) {
            int rr = r + nytte_hz_dr[k], cc = col + nytte_hz_dc[k];
            if (rr < 0 || cc < 0 || rr >= ny || cc >= nx)
                continue;
            size_t j = (size_t)rr * (size_t)nx + (size_t)cc;
            if (closed[j])
                continue;
            closed[j] = 1;
            int err;
            if (z[j] <= spill) {
                f[j] = spill; /* in a depression: filled to the spill level */
                err = nytte_hz_fifo_push(&pit, (uint32_t)j);
            } else {
                err = nytte_hz_heap_push(&heap, nytte_hz_key(z[j], (uint32_t)j));
            }
            if (err) {
                rc = nytte_error(ctx, NYTTE_ENOMEM, "fill: out of memory");
                goto cleanup;
            }
        }
    }
cleanup:
    if (rc != NYTTE_OK)
        nytte_raster_clear(filled);
    nytte_hz_fifo_free(&pit);
    nytte_hz_heap_free(&heap);
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
