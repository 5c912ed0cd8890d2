/*
 * ladder.c — the level ladder of a footprint: its cells sorted by the sea level that
 * floods them (the minimax flood level of the connected bathtub), with running sums, so
 * that the water on the footprint at any sea level is a binary search and a subtraction
 * instead of a flood and an overlay (docs/uncertainty.md, "A new sea level is a lookup").
 */
#include "nytte/uncertain.h"

#include <math.h>
#include <stdlib.h>

/* Fixed point of the weights: 2^32 units to a cell. */
#define WSCALE 4294967296.0

typedef struct cell {
    float level, ground;
    double w;
    size_t i;
} cell;

/* By level, then by input order (qsort is not stable; the ladder must not depend on it). */
static int cmp_cell(const void *a, const void *b)
{
    const cell *x = a, *y = b;
    if (x->level != y->level)
        return x->level < y->level ? -1 : 1;
    return (x->i > y->i) - (x->i < y->i);
}

void nytte_unc_ladder_clear(nytte_unc_ladder *l)
{
    if (!l)
        return;
    free(l->level);
    free(l->zmin);
    free(l->w);
    free(l->wz);
    *l = (nytte_unc_ladder)NYTTE_UNC_LADDER_INIT;
}

int nytte_unc_ladder_build(nytte_ctx *ctx, nytte_unc_ladder *out, const float *level, const float *ground,
                           const double *w, size_t n, double cell_area, double lmax, bool depths)
{
    *out = (nytte_unc_ladder)NYTTE_UNC_LADDER_INIT;
    out->cell_area = cell_area;
    size_t keep = 0;
    for (size_t i = 0; i < n; i++) {
        if (ground[i] != ground[i] || !(w[i] > 0))
            continue;
        out->wvalid += w[i];
        keep += (double)level[i] < lmax;
    }
    if (keep == 0)
        return NYTTE_OK;
    cell *c = malloc(keep * sizeof *c);
    out->level = malloc(keep * sizeof *out->level);
    out->w = malloc(keep * sizeof *out->w);
    if (depths) {
        out->zmin = malloc(keep * sizeof *out->zmin);
        out->wz = malloc(keep * sizeof *out->wz);
    }
    if (!c || !out->level || !out->w || (depths && (!out->zmin || !out->wz))) {
        free(c);
        nytte_unc_ladder_clear(out);
        return nytte_nomem(ctx, "level ladder: %zu cells", keep);
    }
    size_t m = 0;
    for (size_t i = 0; i < n; i++)
        if (ground[i] == ground[i] && w[i] > 0 && (double)level[i] < lmax)
            c[m++] = (cell){level[i], ground[i], w[i], i};
    qsort(c, m, sizeof *c, cmp_cell);
    int64_t sw = 0;
    double swz = 0;
    float zmin = INFINITY;
    for (size_t k = 0; k < m; k++) {
        out->level[k] = c[k].level;
        sw += (int64_t)llround(c[k].w * WSCALE);
        out->w[k] = sw;
        if (depths) {
            zmin = c[k].ground < zmin ? c[k].ground : zmin;
            swz += c[k].w * (double)c[k].ground;
            out->zmin[k] = zmin;
            out->wz[k] = swz;
        }
    }
    out->n = m;
    free(c);
    return NYTTE_OK;
}

nytte_unc_water nytte_unc_ladder_at(const nytte_unc_ladder *l, double L)
{
    /* j = the cells that flood below L: the first with level >= L */
    size_t lo = 0, hi = l->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if ((double)l->level[mid] < L)
            lo = mid + 1;
        else
            hi = mid;
    }
    size_t j = lo;
    nytte_unc_water r = {0.0, 0.0, 0.0};
    if (!(l->wvalid > 0)) {
        r.mean = r.max = NAN;
        return r;
    }
    if (j == 0)
        return r;
    double ww = (double)l->w[j - 1] / WSCALE;
    r.wet = ww * l->cell_area;
    if (l->zmin) {
        /* the bathtub writes each cell's depth as a Float32: so is its deepest */
        r.max = (double)(float)(L - (double)l->zmin[j - 1]);
        double mean = (L * ww - l->wz[j - 1]) / l->wvalid;
        r.mean = mean > 0 ? mean : 0.0;
    }
    return r;
}
