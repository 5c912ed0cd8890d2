/*
 * checks.c — input checks of the hazard stage (terrain, levels, connectivity), the
 * output raster set-up every model shares, and the names of hazard rasters.
 */
#include "hazard/hazard_private.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>

int nytte_hz_check_raster(nytte_ctx *ctx, const nytte_raster *r, const char *what)
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

int nytte_hz_check_conn(nytte_ctx *ctx, int connectivity)
{
    if (connectivity != NYTTE_CONNECT_4 && connectivity != NYTTE_CONNECT_8)
        return nytte_error(ctx, NYTTE_EUSAGE, "connectivity must be 4 or 8 (got %d)", connectivity);
    return NYTTE_OK;
}

int nytte_hz_new_output(nytte_ctx *ctx, nytte_raster *out, const nytte_raster *like, float fill)
{
    if (nytte_raster_alloc(out, &like->grid, fill, like->crs_wkt) != NYTTE_OK)
        return nytte_error(ctx, NYTTE_ENOMEM, "out of memory for a %d x %d raster", like->grid.nx, like->grid.ny);
    out->has_nodata = true;
    out->nodata = NYTTE_HAZARD_NODATA;
    return NYTTE_OK;
}

int nytte_hazard_check_terrain(nytte_ctx *ctx, const nytte_raster *dem, const char *path)
{
    int rc = nytte_hz_check_raster(ctx, dem, path);
    if (rc != NYTTE_OK)
        return rc;
    if (!dem->crs_wkt || !dem->crs_wkt[0])
        return nytte_error(ctx, NYTTE_EINPUT, "%s: the terrain has no CRS", path);
    return NYTTE_OK;
}

int nytte_hazard_check_levels(nytte_ctx *ctx, const double *T, const double *levels, size_t n, const char *what)
{
    if (n == 0)
        return nytte_error(ctx, NYTTE_EINPUT, "%s: no return periods given", what);
    for (size_t i = 0; i < n; i++) {
        if (!(T[i] >= 1.0) || !isfinite(T[i]))
            return nytte_error(ctx, NYTTE_EINPUT, "%s: return period %g must be a number of years >= 1", what, T[i]);
        if (!isfinite(levels[i]))
            return nytte_error(ctx, NYTTE_EINPUT, "%s: level at T=%g is not a number", what, T[i]);
        if (i == 0)
            continue;
        if (!(T[i] > T[i - 1]))
            return nytte_error(ctx, NYTTE_EINPUT, "%s: return periods must increase (T=%g after T=%g)", what, T[i],
                               T[i - 1]);
        if (!(levels[i] > levels[i - 1]))
            return nytte_error(ctx, NYTTE_EINPUT, "%s: level %g m at T=%g is not above %g m at T=%g", what, levels[i],
                               T[i], levels[i - 1], T[i - 1]);
    }
    return NYTTE_OK;
}

static bool name_ok(const char *s)
{
    if (!s || !*s)
        return false;
    for (; *s; s++)
        if (!isalnum((unsigned char)*s) && *s != '-' && *s != '_')
            return false;
    return true;
}

int nytte_hazard_output_name(char *buf, size_t n, const char *hazard_id, const char *scenario, double return_period)
{
    if (!buf || n == 0)
        return NYTTE_EUSAGE;
    buf[0] = '\0';
    if (!name_ok(hazard_id) || !name_ok(scenario) || !isfinite(return_period) || !(return_period > 0.0))
        return NYTTE_EUSAGE;
    int k = snprintf(buf, n, "depth_%s_%s_T%g.tif", hazard_id, scenario, return_period);
    if (k < 0 || (size_t)k >= n) {
        buf[0] = '\0';
        return NYTTE_EUSAGE;
    }
    return NYTTE_OK;
}
