/*
 * groundwater.c — depth to groundwater with drains, and exposure below a threshold depth.
 * A drain lowers the water table: by delta inside a polygon; by delta * (1 - d / R) at
 * distance d < R from a line or point drain. Overlapping drains: the largest lowering.
 */
#include "hazard/hazard_private.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

typedef struct lower {
    float *low;
    float delta;
} lower;

static void lower_cell(void *user, size_t i)
{
    lower *l = user;
    if (l->low[i] < l->delta)
        l->low[i] = l->delta;
}

/* Distance from (px, py) to the segment a-b (a point when a == b). */
static double seg_dist(double px, double py, double ax, double ay, double bx, double by)
{
    double ux = bx - ax, uy = by - ay, wx = px - ax, wy = py - ay;
    double len2 = ux * ux + uy * uy, t = 0.0;
    if (len2 > 0.0) {
        t = (wx * ux + wy * uy) / len2;
        t = t < 0.0 ? 0.0 : t > 1.0 ? 1.0 : t;
    }
    return hypot(wx - t * ux, wy - t * uy);
}

/* Lower the cells within `radius` of segment a-b; returns the cells within reach. */
static size_t lower_near_segment(const nytte_grid *g, float *low, double ax, double ay, double bx, double by,
                                 double delta, double radius)
{
    double xmin = fmin(ax, bx) - radius, xmax = fmax(ax, bx) + radius;
    double ymin = fmin(ay, by) - radius, ymax = fmax(ay, by) + radius;
    double c0 = floor((xmin - g->x0) / g->dx), c1 = floor((xmax - g->x0) / g->dx);
    double r0 = floor((g->y0 - ymax) / g->dy), r1 = floor((g->y0 - ymin) / g->dy);
    if (!(c1 >= 0.0 && r1 >= 0.0 && c0 < (double)g->nx && r0 < (double)g->ny))
        return 0;
    int ca = c0 < 0.0 ? 0 : (int)c0, cb = c1 >= g->nx ? g->nx - 1 : (int)c1;
    int ra = r0 < 0.0 ? 0 : (int)r0, rb = r1 >= g->ny ? g->ny - 1 : (int)r1;
    size_t reached = 0;
    for (int r = ra; r <= rb; r++) {
        double y = g->y0 - ((double)r + 0.5) * g->dy;
        for (int c = ca; c <= cb; c++) {
            double x = g->x0 + ((double)c + 0.5) * g->dx;
            double d = seg_dist(x, y, ax, ay, bx, by);
            if (!(d < radius))
                continue;
            reached++;
            float l = (float)(delta * (1.0 - d / radius));
            size_t i = (size_t)r * (size_t)g->nx + (size_t)c;
            if (low[i] < l)
                low[i] = l;
        }
    }
    return reached;
}

int nytte_hazard_drain(nytte_ctx *ctx, nytte_raster *with, const nytte_raster *without, const nytte_drain *d,
                       size_t nd)
{
    *with = (nytte_raster)NYTTE_RASTER_INIT;
    float *low = NULL;
    int rc = nytte_hz_check_raster(ctx, without, "depth to groundwater");
    if (rc != NYTTE_OK)
        return rc;
    const nytte_grid *g = &without->grid;
    const size_t n = (size_t)g->nx * (size_t)g->ny;
    low = calloc(n, sizeof *low);
    if (!low)
        return nytte_error(ctx, NYTTE_ENOMEM, "drains: out of memory");
    for (size_t k = 0; k < nd; k++) {
        char nbuf[32];
        const char *name = d[k].id && *d[k].id ? d[k].id : (snprintf(nbuf, sizeof nbuf, "%zu", k + 1), nbuf);
        const nytte_geom *geo = d[k].geom;
        if (!geo || geo->kind == NYTTE_GEOM_NONE) {
            rc = nytte_error(ctx, NYTTE_EINPUT, "drain %s: has no geometry", name);
            goto cleanup;
        }
        if (!isfinite(d[k].delta) || d[k].delta < 0.0) {
            rc = nytte_error(ctx, NYTTE_EINPUT, "drain %s: delta must be a number >= 0", name);
            goto cleanup;
        }
        size_t reached = 0;
        if (geo->kind == NYTTE_GEOM_POLYGON) {
            lower st = {low, (float)d[k].delta};
            reached = nytte_hz_polygon_cells(g, geo, lower_cell, &st);
            if (reached == (size_t)-1) {
                rc = nytte_error(ctx, NYTTE_ENOMEM, "drain %s: out of memory", name);
                goto cleanup;
            }
        } else {
            if (!isfinite(d[k].radius) || !(d[k].radius > 0.0)) {
                rc = nytte_error(ctx, NYTTE_EINPUT, "drain %s: radius must be > 0 for a line drain", name);
                goto cleanup;
            }
            for (size_t p = 0; p < geo->nparts; p++) {
                const double *v = geo->xy + 2 * geo->off[p];
                size_t m = geo->off[p + 1] - geo->off[p];
                /* Points (and one-point parts) are zero-length segments. */
                bool points = geo->kind == NYTTE_GEOM_POINT || m == 1;
                for (size_t i = 0; i < m; i++) {
                    if (!points && i + 1 == m)
                        break;
                    size_t j = points ? i : i + 1;
                    reached += lower_near_segment(g, low, v[2 * i], v[2 * i + 1], v[2 * j], v[2 * j + 1], d[k].delta,
                                                  d[k].radius);
                }
            }
        }
        if (reached == 0) {
            rc = nytte_error(ctx, NYTTE_EINPUT, "drain %s: influence zone lies wholly outside the terrain", name);
            goto cleanup;
        }
    }
    if ((rc = nytte_hz_new_output(ctx, with, without, 0.0f)) != NYTTE_OK)
        goto cleanup;
    for (size_t i = 0; i < n; i++) {
        float v = without->v[i];
        with->v[i] = nytte_raster_isnodata(without, v) ? NYTTE_HAZARD_NODATA : (float)((double)v + (double)low[i]);
    }
cleanup:
    free(low);
    return rc;
}

int nytte_hazard_groundwater_exposure(nytte_ctx *ctx, nytte_raster *out, const nytte_raster *dtg, double threshold)
{
    *out = (nytte_raster)NYTTE_RASTER_INIT;
    int rc = nytte_hz_check_raster(ctx, dtg, "depth to groundwater");
    if (rc != NYTTE_OK)
        return rc;
    if (!isfinite(threshold))
        return nytte_error(ctx, NYTTE_EINPUT, "groundwater: threshold is not a number");
    if ((rc = nytte_hz_new_output(ctx, out, dtg, 0.0f)) != NYTTE_OK)
        return rc;
    size_t n = (size_t)dtg->grid.nx * (size_t)dtg->grid.ny;
    for (size_t i = 0; i < n; i++) {
        float v = dtg->v[i];
        if (nytte_raster_isnodata(dtg, v))
            out->v[i] = NYTTE_HAZARD_NODATA;
        else if ((double)v < threshold)
            out->v[i] = (float)(threshold - (double)v);
    }
    return NYTTE_OK;
}
