/*
 * checks.c — input checks of the hazard stage (terrain, levels) and the names of hazard
 * rasters. The checks of a raster and a connectivity that dist/ shares are in grid/checks.c.
 */
#include "grid/grid.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>

int nytte_hazard_check_terrain(nytte_ctx *ctx, const nytte_raster *dem, const char *path)
{
    int rc = grid_check_raster(ctx, dem, path);
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
