/*
 * checks.c — what every model on a grid checks first (a usable raster, a connectivity of
 * 4 or 8) and the output raster they all start from.
 */
#include "grid/grid.h"

int grid_check_raster(nytte_ctx *ctx, const nytte_raster *r, const char *what)
{
    if (!r || !r->v || r->grid.nx <= 0 || r->grid.ny <= 0)
        return nytte_error(ctx, NYTTE_EUSAGE, "%s: raster has no cells", what);
    if (!(r->grid.dx > 0.0) || !(r->grid.dy > 0.0))
        return nytte_error(ctx, NYTTE_EUSAGE, "%s: cell size must be > 0 (got %g x %g)", what, r->grid.dx,
                           r->grid.dy);
    if ((uint64_t)r->grid.nx * (uint64_t)r->grid.ny > UINT32_MAX)
        return nytte_error(ctx, NYTTE_EINPUT, "%s: %d x %d cells is more than the hazard stage handles (2^32 - 1)",
                           what, r->grid.nx, r->grid.ny);
    return NYTTE_OK;
}

int grid_check_conn(nytte_ctx *ctx, int connectivity)
{
    if (connectivity != NYTTE_CONNECT_4 && connectivity != NYTTE_CONNECT_8)
        return nytte_error(ctx, NYTTE_EUSAGE, "connectivity must be 4 or 8 (got %d)", connectivity);
    return NYTTE_OK;
}

int grid_new_output(nytte_ctx *ctx, nytte_raster *out, const nytte_raster *like, float fill)
{
    if (nytte_raster_alloc(out, &like->grid, fill, like->crs_wkt) != NYTTE_OK)
        return nytte_nomem(ctx, "%d x %d raster", like->grid.nx, like->grid.ny);
    out->has_nodata = true;
    out->nodata = NYTTE_HAZARD_NODATA;
    return NYTTE_OK;
}
