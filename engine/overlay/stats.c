/*
 * stats.c — zonal statistics from coverage weights and cell values: the running sums
 * of one geometry over one raster, merged tile by tile in a fixed order, and the
 * final areas and value statistics.
 */
#include "overlay/overlay_int.h"

#include <math.h>
#include <stdint.h>
#include <string.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

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
        if (!isfinite(x) || (has_nodata && x == nodata)) {
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
 * The sums of a run of whole cells p[0 .. n) with no missing value, in four lanes: cell
 * i goes to lane i % 4, the n % 4 cells of the tail to lane 0 in order, and the lanes
 * are combined as (0 + 1) + (2 + 3). The order is fixed by the run alone, so the result
 * is the same on every run, thread and machine (SSE2 or not). One pass over the cells
 * computes the sum, min, max, the threshold counts and whether a value is missing; if
 * one is (*bad), the caller discards the sums. NTHR is a constant in each caller, so
 * the threshold loops unroll and the counts stay in registers.
 */
typedef struct run_sums {
    double sum;
    float lo, hi;
    int64_t n[NYTTE_OVERLAY_MAX_THRESHOLDS];
} run_sums;

static inline __attribute__((always_inline)) bool run_kernel(run_sums *rs, const float *p, int n, bool has_nodata,
                                                             float nodata, const float *t, const int NTHR)
{
    float lo[4], hi[4];
    double s[4];
    int64_t cnt[NYTTE_OVERLAY_MAX_THRESHOLDS][4];
    int bad = 0, i = 0;
#if defined(__SSE2__)
    {
        __m128d s01 = _mm_setzero_pd(), s23 = _mm_setzero_pd();
        __m128 vlo = _mm_set1_ps(INFINITY), vhi = _mm_set1_ps(-INFINITY), vbad = _mm_setzero_ps();
        __m128 vnd = _mm_set1_ps(has_nodata ? nodata : NAN); /* NaN never compares equal */
        __m128 vt[NYTTE_OVERLAY_MAX_THRESHOLDS];
        __m128i vc[NYTTE_OVERLAY_MAX_THRESHOLDS];
        for (int k = 0; k < NTHR; k++) {
            vt[k] = _mm_set1_ps(t[k]);
            vc[k] = _mm_setzero_si128();
        }
        for (; i + 4 <= n; i += 4) {
            __m128 x = _mm_loadu_ps(p + i);
            s01 = _mm_add_pd(s01, _mm_cvtps_pd(x));
            s23 = _mm_add_pd(s23, _mm_cvtps_pd(_mm_movehl_ps(x, x)));
            vlo = _mm_min_ps(x, vlo); /* x < lo ? x : lo, as the scalar code */
            vhi = _mm_max_ps(x, vhi);
            vbad = _mm_or_ps(vbad, _mm_or_ps(_mm_cmpunord_ps(x, x), _mm_cmpeq_ps(x, vnd)));
            for (int k = 0; k < NTHR; k++) /* a true compare is -1: subtract it */
                vc[k] = _mm_sub_epi32(vc[k], _mm_castps_si128(_mm_cmpgt_ps(x, vt[k])));
        }
        _mm_storeu_pd(s, s01);
        _mm_storeu_pd(s + 2, s23);
        _mm_storeu_ps(lo, vlo);
        _mm_storeu_ps(hi, vhi);
        bad = _mm_movemask_ps(vbad);
        for (int k = 0; k < NTHR; k++) {
            int32_t c4[4];
            _mm_storeu_si128((__m128i *)c4, vc[k]);
            for (int j = 0; j < 4; j++)
                cnt[k][j] = c4[j];
        }
    }
#else
    for (int j = 0; j < 4; j++) {
        s[j] = 0.0;
        lo[j] = INFINITY;
        hi[j] = -INFINITY;
        for (int k = 0; k < NTHR; k++)
            cnt[k][j] = 0;
    }
    for (; i + 4 <= n; i += 4)
        for (int j = 0; j < 4; j++) {
            float x = p[i + j];
            s[j] += x;
            lo[j] = x < lo[j] ? x : lo[j];
            hi[j] = x > hi[j] ? x : hi[j];
            bad |= (x != x) | (has_nodata & (x == nodata));
            for (int k = 0; k < NTHR; k++)
                cnt[k][j] += x > t[k];
        }
#endif
    for (; i < n; i++) {
        float x = p[i];
        s[0] += x;
        lo[0] = x < lo[0] ? x : lo[0];
        hi[0] = x > hi[0] ? x : hi[0];
        bad |= (x != x) | (has_nodata & (x == nodata));
        for (int k = 0; k < NTHR; k++)
            cnt[k][0] += x > t[k];
    }
    /* a ±Inf cell has no value (docs/overlay.md): the lane sums of finite floats are finite,
     * so an infinite or NaN sum says the run holds one, without a test per cell */
    if (bad || !isfinite((s[0] + s[1]) + (s[2] + s[3])))
        return false;
    lo[0] = lo[1] < lo[0] ? lo[1] : lo[0];
    lo[2] = lo[3] < lo[2] ? lo[3] : lo[2];
    lo[0] = lo[2] < lo[0] ? lo[2] : lo[0];
    hi[0] = hi[1] > hi[0] ? hi[1] : hi[0];
    hi[2] = hi[3] > hi[2] ? hi[3] : hi[2];
    hi[0] = hi[2] > hi[0] ? hi[2] : hi[0];
    rs->sum = (s[0] + s[1]) + (s[2] + s[3]);
    rs->lo = lo[0];
    rs->hi = hi[0];
    for (int k = 0; k < NTHR; k++)
        rs->n[k] = (cnt[k][0] + cnt[k][1]) + (cnt[k][2] + cnt[k][3]);
    return true;
}

/* The thresholds as floats: for a float x, x > thr exactly when x > float_below(thr). */
typedef struct run_ctx {
    bool has_nodata;
    float nodata;
    const double *thr;
    int nthr;
    float t[NYTTE_OVERLAY_MAX_THRESHOLDS];
} run_ctx;

static bool run_sums_of(run_sums *rs, const run_ctx *rc, const float *p, int n)
{
    switch (rc->nthr) {
    case 0: return run_kernel(rs, p, n, rc->has_nodata, rc->nodata, rc->t, 0);
    case 1: return run_kernel(rs, p, n, rc->has_nodata, rc->nodata, rc->t, 1);
    case 2: return run_kernel(rs, p, n, rc->has_nodata, rc->nodata, rc->t, 2);
    case 3: return run_kernel(rs, p, n, rc->has_nodata, rc->nodata, rc->t, 3);
    case 4: return run_kernel(rs, p, n, rc->has_nodata, rc->nodata, rc->t, 4);
    default: return run_kernel(rs, p, n, rc->has_nodata, rc->nodata, rc->t, NYTTE_OVERLAY_MAX_THRESHOLDS);
    }
}

/* Cells of weight 1 (the interior of a polygon) in [c, e). */
static void add_run(const float *v, int c, int e, const run_ctx *rc, double *cover, double *nod, double *valid,
                    double *wv, double *mn, double *mx, double *above)
{
    *cover += (double)(e - c);
    run_sums rs;
    if (!run_sums_of(&rs, rc, v + c, e - c)) {
        add_run_missing(v, c, e, rc->has_nodata, rc->nodata, rc->thr, rc->nthr, nod, valid, wv, mn, mx, above);
        return;
    }
    *valid += (double)(e - c);
    *wv += rs.sum;
    *mn = (double)rs.lo < *mn ? (double)rs.lo : *mn;
    *mx = (double)rs.hi > *mx ? (double)rs.hi : *mx;
    for (int k = 0; k < rc->nthr; k++)
        above[k] += (double)rs.n[k];
}

static void run_ctx_init(run_ctx *rc, bool has_nodata, float nodata, const double *thr, int nthr)
{
    rc->has_nodata = has_nodata;
    rc->nodata = nodata;
    rc->thr = thr;
    rc->nthr = nthr;
    for (int k = 0; k < NYTTE_OVERLAY_MAX_THRESHOLDS; k++) /* unused ones never count: see run_sums_of */
        rc->t[k] = k < nthr ? float_below(thr[k]) : INFINITY;
}

/* A cell of fractional weight w (boundary cells, points). */
static inline void add_cell(float x, double w, const run_ctx *rc, double *cover, double *nod, double *valid,
                            double *wv, double *mn, double *mx, double *above)
{
    *cover += w;
    if (!isfinite(x) || (rc->has_nodata && x == rc->nodata)) {
        *nod += w;
        return;
    }
    double xd = x;
    *valid += w;
    *wv += w * xd;
    *mn = xd < *mn ? xd : *mn;
    *mx = xd > *mx ? xd : *mx;
    for (int k = 0; k < rc->nthr; k++)
        above[k] += xd > rc->thr[k] ? w : 0.0;
}

void ovl_acc_add(ovl_acc *a, const double *frac, int ncols, int nrows, const float *vals, size_t stride,
                 bool has_nodata, float nodata, const double *thr, int nthr)
{
    /* Local sums, added to *a once. The order is fixed by the window: row-major, each
     * run of whole cells summed on its own, then added. */
    run_ctx rc;
    run_ctx_init(&rc, has_nodata, nodata, thr, nthr);
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
                add_run(v, c, e, &rc, &cover, &nod, &valid, &wv, &mn, &mx, above);
                c = e;
                continue;
            }
            add_cell(v[c], w, &rc, &cover, &nod, &valid, &wv, &mn, &mx, above);
            c++;
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

void ovl_acc_add_spans(ovl_acc *a, const ovl_span *sp, size_t nspans, const float *vals, size_t stride,
                       bool has_nodata, float nodata, const double *thr, int nthr)
{
    run_ctx rc;
    run_ctx_init(&rc, has_nodata, nodata, thr, nthr);
    double cover = 0, nod = 0, valid = 0, wv = 0, mn = a->min, mx = a->max;
    double above[NYTTE_OVERLAY_MAX_THRESHOLDS] = {0};
    for (size_t i = 0; i < nspans; i++) {
        const float *v = vals + (size_t)sp[i].row * stride;
        if (sp[i].w == 1.0)
            add_run(v, sp[i].c0, sp[i].c1, &rc, &cover, &nod, &valid, &wv, &mn, &mx, above);
        else
            for (int c = sp[i].c0; c < sp[i].c1; c++)
                add_cell(v[c], sp[i].w, &rc, &cover, &nod, &valid, &wv, &mn, &mx, above);
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
