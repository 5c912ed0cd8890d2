/*
 * given.c — given hazard rasters (e.g. a depth raster per return period from a flood
 * model): put onto the working grid, or refused when the grids differ.
 */
#include "grid/grid.h"

#include <math.h>
#include <stdlib.h>

int nytte_hazard_align(nytte_ctx *ctx, nytte_raster *out, const nytte_raster *in, const nytte_grid *target,
                       nytte_align_method method, const char *what)
{
    *out = (nytte_raster)NYTTE_RASTER_INIT;
    int rc = grid_check_raster(ctx, in, what);
    if (rc != NYTTE_OK)
        return rc;
    const nytte_grid *s = &in->grid;
    bool same = nytte_grid_same(s, target);
    if (!same && method == NYTTE_ALIGN_REFUSE)
        return nytte_error(ctx, NYTTE_EINPUT,
                           "%s: grid does not match the terrain (origin %.10g %.10g, cell %g x %g, %d x %d cells; "
                           "terrain: origin %.10g %.10g, cell %g x %g, %d x %d cells)",
                           what, s->x0, s->y0, s->dx, s->dy, s->nx, s->ny, target->x0, target->y0, target->dx,
                           target->dy, target->nx, target->ny);
    if (!same && method != NYTTE_ALIGN_NEAREST)
        return nytte_error(ctx, NYTTE_EUSAGE, "%s: unknown alignment method %d", what, (int)method);
    nytte_raster like = {*target, in->v, 0.0f, false, in->crs_wkt};
    if ((rc = grid_check_raster(ctx, &like, "target grid")) != NYTTE_OK)
        return rc;
    if ((rc = grid_new_output(ctx, out, &like, NYTTE_HAZARD_NODATA)) != NYTTE_OK)
        return rc;
    for (int r = 0; r < target->ny; r++) {
        /* Nearest cell centre: the input cell containing the target cell's centre. */
        double y = target->y0 - ((double)r + 0.5) * target->dy;
        double v = same ? (double)r : floor((s->y0 - y) / s->dy);
        if (!(v >= 0.0 && v < (double)s->ny))
            continue;
        const float *src = in->v + (size_t)v * (size_t)s->nx;
        float *dst = out->v + (size_t)r * (size_t)target->nx;
        for (int c = 0; c < target->nx; c++) {
            double x = target->x0 + ((double)c + 0.5) * target->dx;
            double u = same ? (double)c : floor((x - s->x0) / s->dx);
            if (!(u >= 0.0 && u < (double)s->nx))
                continue;
            float val = src[(size_t)u];
            dst[c] = nytte_raster_isnodata(in, val) ? NYTTE_HAZARD_NODATA : val;
        }
    }
    return NYTTE_OK;
}
