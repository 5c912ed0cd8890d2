/*
 * stats.c — zonal statistics from coverage weights and cell values: the running sums
 * of one geometry over one raster, merged tile by tile in a fixed order, and the
 * final areas and value statistics.
 */
#include "overlay/overlay_int.h"

#include <math.h>
#include <string.h>

/* outside_area below this fraction of the polygon's area is rounding noise */
#define OVL_OUTSIDE_REL 1e-12

void ovl_acc_init(ovl_acc *a)
{
    memset(a, 0, sizeof *a);
    a->min = INFINITY;
    a->max = -INFINITY;
}

void ovl_acc_merge(ovl_acc *a, const ovl_acc *b)
{
    a->cover += b->cover;
    a->nodata += b->nodata;
    a->valid += b->valid;
    a->wv += b->wv;
    if (b->min < a->min)
        a->min = b->min;
    if (b->max > a->max)
        a->max = b->max;
    for (int k = 0; k < NYTTE_OVERLAY_MAX_THRESHOLDS; k++)
        a->above[k] += b->above[k];
}

void ovl_acc_add(ovl_acc *a, const double *frac, int ncols, int nrows, const float *vals, size_t stride,
                 bool has_nodata, float nodata, const double *thr, int nthr)
{
    /* Local sums, added to *a once: fixed order (row-major), and no aliasing stores. */
    double cover = 0, nod = 0, valid = 0, wv = 0, mn = a->min, mx = a->max;
    double above[NYTTE_OVERLAY_MAX_THRESHOLDS] = {0};
    for (int r = 0; r < nrows; r++) {
        const double *f = frac + (size_t)r * (size_t)ncols;
        const float *v = vals + (size_t)r * stride;
        for (int c = 0; c < ncols; c++) {
            double w = f[c];
            if (w == 0.0)
                continue;
            cover += w;
            float x = v[c];
            if (x != x || (has_nodata && x == nodata)) {
                nod += w;
                continue;
            }
            double xd = x;
            valid += w;
            wv += w * xd;
            if (xd < mn)
                mn = xd;
            if (xd > mx)
                mx = xd;
            for (int k = 0; k < nthr; k++)
                if (xd > thr[k])
                    above[k] += w;
        }
    }
    a->cover += cover;
    a->nodata += nod;
    a->valid += valid;
    a->wv += wv;
    a->min = mn;
    a->max = mx;
    for (int k = 0; k < nthr; k++)
        a->above[k] += above[k];
}

void ovl_acc_finish(nytte_zonal_stats *out, const ovl_acc *a, const nytte_geom *g, double cell_area,
                    double poly_area, bool inside_extent, int nthr)
{
    memset(out, 0, sizeof *out);
    bool points = g->kind == NYTTE_GEOM_POINT;
    double ca = points ? 0.0 : cell_area; /* points have no area: only their values count */
    out->area = a->cover * ca;
    out->nodata_area = a->nodata * ca;
    out->valid_area = out->area - out->nodata_area;
    if (g->kind == NYTTE_GEOM_POLYGON && !inside_extent) {
        double outside = poly_area - out->area;
        out->outside_area = outside > OVL_OUTSIDE_REL * fabs(poly_area) ? outside : 0.0;
    }
    if (a->valid > 0.0) {
        out->mean = a->wv / a->valid;
        out->min = a->min;
        out->max = a->max;
    } else {
        out->mean = out->min = out->max = NAN;
    }
    for (int k = 0; k < nthr; k++)
        out->above[k] = a->above[k] * ca;
    out->count = a->valid;
}
