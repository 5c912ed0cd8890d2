/*
 * groundwater.c — depth to groundwater with drains, and exposure below a threshold depth.
 * A drain lowers the water table: by delta inside a polygon; by delta * (1 - d / R) at
 * distance d < R from a line or point drain. Overlapping drains: the largest lowering.
 * The lowering is computed on a window of the grid (grid_drain_lower, grid/drain.c), so
 * that the tiled groundwater of engine/dist/ takes the same cells with the same formulas;
 * the whole raster is the window of the whole grid.
 */
#include "grid/grid.h"

#include <math.h>
#include <stdlib.h>

int nytte_hazard_drain_check(nytte_ctx *ctx, const nytte_grid *g, const nytte_drain *d, size_t nd)
{
    for (size_t k = 0; k < nd; k++) {
        char nbuf[32];
        const char *name = grid_item_name(nbuf, sizeof nbuf, d[k].id, k);
        const nytte_geom *geo = d[k].geom;
        if (!geo || geo->kind == NYTTE_GEOM_NONE)
            return nytte_error(ctx, NYTTE_EINPUT, "drain %s: has no geometry", name);
        if (!isfinite(d[k].delta) || d[k].delta < 0.0)
            return nytte_error(ctx, NYTTE_EINPUT, "drain %s: delta must be a number >= 0", name);
        if (geo->kind != NYTTE_GEOM_POLYGON && (!isfinite(d[k].radius) || !(d[k].radius > 0.0)))
            return nytte_error(ctx, NYTTE_EINPUT, "drain %s: radius must be > 0 for a line drain", name);
        size_t reached = grid_drain_reach(g, &d[k]);
        if (reached == (size_t)-1)
            return nytte_nomem(ctx, "drain %s", name);
        if (reached == 0)
            return nytte_error(ctx, NYTTE_EINPUT, "drain %s: influence zone lies wholly outside the terrain", name);
    }
    return NYTTE_OK;
}

int nytte_hazard_drain(nytte_ctx *ctx, nytte_raster *with, const nytte_raster *without, const nytte_drain *d,
                       size_t nd)
{
    *with = (nytte_raster)NYTTE_RASTER_INIT;
    float *low = NULL;
    int rc = grid_check_raster(ctx, without, "depth to groundwater");
    if (rc != NYTTE_OK || (rc = nytte_hazard_drain_check(ctx, &without->grid, d, nd)) != NYTTE_OK)
        return rc;
    const nytte_grid *g = &without->grid;
    const size_t n = (size_t)g->nx * (size_t)g->ny;
    low = malloc(n * sizeof *low);
    if (!low || grid_drain_lower(g, low, d, nd, 0, 0, g->nx, g->ny) != 0) {
        rc = nytte_nomem(ctx, "drains");
        goto cleanup;
    }
    if ((rc = grid_new_output(ctx, with, without, 0.0f)) != NYTTE_OK)
        goto cleanup;
    for (size_t i = 0; i < n; i++) {
        float v = without->v[i];
        with->v[i] = grid_drained(v, nytte_raster_isnodata(without, v), low[i]);
    }
cleanup:
    free(low);
    return rc;
}

int nytte_hazard_groundwater_exposure(nytte_ctx *ctx, nytte_raster *out, const nytte_raster *dtg, double threshold)
{
    *out = (nytte_raster)NYTTE_RASTER_INIT;
    int rc = grid_check_raster(ctx, dtg, "depth to groundwater");
    if (rc != NYTTE_OK)
        return rc;
    if (!isfinite(threshold))
        return nytte_error(ctx, NYTTE_EINPUT, "groundwater: threshold is not a number");
    if ((rc = grid_new_output(ctx, out, dtg, 0.0f)) != NYTTE_OK)
        return rc;
    size_t n = (size_t)dtg->grid.nx * (size_t)dtg->grid.ny;
    for (size_t i = 0; i < n; i++) {
        float v = dtg->v[i];
        out->v[i] = grid_exposure(v, nytte_raster_isnodata(dtg, v), threshold);
    }
    return NYTTE_OK;
}
