/*
 * stats.c — zonal statistics from coverage weights and cell values: the running sums
 * of one geometry over one raster, merged tile by tile in a fixed order, and the
 * final areas and value statistics.
 */
#include "overlay/overlay_int.h"

#include <math.h>
#include <stdint.h>
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

/* The largest float <= t: for a float x, x > t exactly when x > float_below(t). */
static float float_below(double t)
{
    float f = (float)t;
    if ((double)f > t)
        f = nextafterf(f, -INFINITY);
    return f;
}

/* Cells of weight 1 with missing values among them: one cell at a time. */
static void add_run_missing(const float *v, int c, int e, bool has_nodata, float nodata, const double *thr,
                            int nthr, double *nod, double *valid, double *wv, double *mn, double *mx,
                            double *above)
{
    int64_t nn = 0, nv = 0, nab[NYTTE_OVERLAY_MAX_THRESHOLDS] = {0};
    double sum = 0, lo = *mn, hi = *mx;
    for (int i = c; i < e; i++) {
        float x = v[i];
        if (x != x || (has_nodata && x == nodata)) {
            nn++;
            continue;
        }
        double d = x;
        nv++;
        sum += d;
        lo = d < lo ? d : lo;
        hi = d > hi ? d : hi;
        for (int k = 0; k < nthr; k++)
            nab[k] += d > thr[k];
    }
    *nod += (double)nn;
    *valid += (double)nv;
    *wv += sum;
    *mn = lo;
    *mx = hi;
    for (int k = 0; k < nthr; k++)
        above[k] += (double)nab[k];
}

/*
 * Cells of weight 1 (the interior of a polygon) in [c, e). The common case, no missing
 * value in the run, is done as simple branch-free passes in four lanes (cell i in lane
 * (i - c) % 4), combined in a fixed order: the same result on every run and thread.
 */
static void add_run(const float *v, int c, int e, bool has_nodata, float nodata, const double *thr, int nthr,
                    double *cover, double *nod, double *valid, double *wv, double *mn, double *mx, double *above)
{
    *cover += (double)(e - c);
    int bad = 0;
    for (int i = c; i < e; i++)
        bad |= (v[i] != v[i]) | (has_nodata & (v[i] == nodata));
    if (bad) {
        add_run_missing(v, c, e, has_nodata, nodata, thr, nthr, nod, valid, wv, mn, mx, above);
        return;
    }
    double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
    float lo0 = INFINITY, lo1 = INFINITY, lo2 = INFINITY, lo3 = INFINITY;
    float hi0 = -INFINITY, hi1 = -INFINITY, hi2 = -INFINITY, hi3 = -INFINITY;
    int i = c;
    for (; i + 4 <= e; i += 4) {
        float x0 = v[i], x1 = v[i + 1], x2 = v[i + 2], x3 = v[i + 3];
        s0 += x0, s1 += x1, s2 += x2, s3 += x3;
        lo0 = x0 < lo0 ? x0 : lo0, lo1 = x1 < lo1 ? x1 : lo1, lo2 = x2 < lo2 ? x2 : lo2, lo3 = x3 < lo3 ? x3 : lo3;
        hi0 = x0 > hi0 ? x0 : hi0, hi1 = x1 > hi1 ? x1 : hi1, hi2 = x2 > hi2 ? x2 : hi2, hi3 = x3 > hi3 ? x3 : hi3;
    }
    for (; i < e; i++) {
        s0 += v[i];
        lo0 = v[i] < lo0 ? v[i] : lo0;
        hi0 = v[i] > hi0 ? v[i] : hi0;
    }
    lo0 = lo1 < lo0 ? lo1 : lo0;
    lo2 = lo3 < lo2 ? lo3 : lo2;
    lo0 = lo2 < lo0 ? lo2 : lo0;
    hi0 = hi1 > hi0 ? hi1 : hi0;
    hi2 = hi3 > hi2 ? hi3 : hi2;
    hi0 = hi2 > hi0 ? hi2 : hi0;
    *valid += (double)(e - c);
    *wv += (s0 + s1) + (s2 + s3);
    *mn = (double)lo0 < *mn ? (double)lo0 : *mn;
    *mx = (double)hi0 > *mx ? (double)hi0 : *mx;
    for (int k = 0; k < nthr; k++) {
        float t = float_below(thr[k]);
        int64_t n0 = 0, n1 = 0, n2 = 0, n3 = 0;
        for (i = c; i + 4 <= e; i += 4)
            n0 += v[i] > t, n1 += v[i + 1] > t, n2 += v[i + 2] > t, n3 += v[i + 3] > t;
        for (; i < e; i++)
            n0 += v[i] > t;
        above[k] += (double)((n0 + n1) + (n2 + n3));
    }
}

void ovl_acc_add(ovl_acc *a, const double *frac, int ncols, int nrows, const float *vals, size_t stride,
                 bool has_nodata, float nodata, const double *thr, int nthr)
{
    /* Local sums, added to *a once. The order is fixed by the window: row-major, each
     * run of whole cells summed on its own, then added. */
    double cover = 0, nod = 0, valid = 0, wv = 0, mn = a->min, mx = a->max;
    double above[NYTTE_OVERLAY_MAX_THRESHOLDS] = {0};
    for (int r = 0; r < nrows; r++) {
        const double *f = frac + (size_t)r * (size_t)ncols;
        const float *v = vals + (size_t)r * stride;
        for (int c = 0; c < ncols;) {
            double w = f[c];
            if (w == 0.0) {
                c++;
                continue;
            }
            if (w == 1.0) {
                int e = c + 1;
                while (e < ncols && f[e] == 1.0)
                    e++;
                add_run(v, c, e, has_nodata, nodata, thr, nthr, &cover, &nod, &valid, &wv, &mn, &mx, above);
                c = e;
                continue;
            }
            cover += w;
            float x = v[c++];
            if (x != x || (has_nodata && x == nodata)) {
                nod += w;
                continue;
            }
            double xd = x;
            valid += w;
            wv += w * xd;
            mn = xd < mn ? xd : mn;
            mx = xd > mx ? xd : mx;
            for (int k = 0; k < nthr; k++)
                above[k] += xd > thr[k] ? w : 0.0;
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
