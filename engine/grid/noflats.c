/*
 * noflats.c — the flat-free surface and steepest descent on it, shared by the D8 flow
 * directions (catchment/flow.c) and the bluespots filled by rain (hazard/rain.c).
 *
 * The flat-free surface W is malstroem's `fill_terrain_no_flats` (Planchon & Darboux
 * 2001): W(c) = max(z(c), min_n W(n) + e(c, n)), outlets fixed at z. malstroem reaches
 * it by sweeping the raster until nothing changes; we compute the same fixed point in
 * one priority flood (a Dijkstra over the monotone maps w -> max(z, w + e)): a popped
 * cell relaxes its neighbours; a neighbour whose candidate is not above its own terrain
 * is final at once (W = z is its lower bound) and goes through a FIFO, which is how
 * most cells of a real terrain are reached; only cells in flats and filled depressions
 * wait in the heap. See docs/catchment.md for the proof that both give the same bits.
 */
#include "grid/grid.h"

#include <math.h>
#include <stdlib.h>

/* ---- a min-heap of (surface, cell) ---------------------------------------- */

typedef struct {
    double w;
    uint32_t i;
} hent;

typedef struct {
    hent *a;
    size_t n, cap;
} wheap;

static inline bool hless(hent x, hent y) { return x.w < y.w || (x.w == y.w && x.i < y.i); }

static int wheap_push(wheap *h, hent e)
{
    if (h->n == h->cap && grid_grow(&h->a, &h->cap, sizeof *h->a, 4096) != 0)
        return -1;
    size_t i = h->n++;
    while (i > 0) {
        size_t p = (i - 1) / 2;
        if (!hless(e, h->a[p]))
            break;
        h->a[i] = h->a[p];
        i = p;
    }
    h->a[i] = e;
    return 0;
}

static hent wheap_pop(wheap *h)
{
    hent top = h->a[0], last = h->a[--h->n];
    size_t i = 0, n = h->n;
    for (;;) {
        size_t c = 2 * i + 1;
        if (c >= n)
            break;
        if (c + 1 < n && hless(h->a[c + 1], h->a[c]))
            c++;
        if (!hless(h->a[c], last))
            break;
        h->a[i] = h->a[c];
        i = c;
    }
    if (n)
        h->a[i] = last;
    return top;
}

/* ---- the surface ------------------------------------------------------------ */

int grid_noflats(nytte_ctx *ctx, double *W, const nytte_raster *dem, int connectivity, const char *what)
{
    const int nx = dem->grid.nx, ny = dem->grid.ny;
    const size_t n = (size_t)nx * (size_t)ny;
    const float *z = dem->v;
    const grid_nbr nb = grid_nbr_d8(nx, ny, connectivity); /* k is the D8 code: odd = a corner */
    int rc = NYTTE_OK;
    wheap heap = {NULL, 0, 0};
    uint8_t *done = calloc(n, 1);
    uint32_t *fifo = malloc(n * sizeof *fifo);
    if (!done || !fifo)
        goto nomem;

    /* malstroem's increments: 1024 ulp of the largest |height|, × √2 to a corner. */
    float zmax = 0.0f;
    size_t nnodata = 0;
    for (size_t i = 0; i < n; i++) {
        if (nytte_raster_isnodata(dem, z[i])) {
            nnodata++;
            continue;
        }
        float a = fabsf(z[i]);
        if (a > zmax)
            zmax = a;
    }
    const double maxval = (double)zmax;
    const double eshort = (nextafter(maxval, INFINITY) - maxval) * 1024.0;
    const double ediag = eshort * sqrt(2.0);

    /* Outlets: valid cells on the edge or next to nodata keep their height. */
    for (size_t i = 0; i < n; i++) {
        if (nytte_raster_isnodata(dem, z[i])) {
            W[i] = NAN;
            done[i] = 1;
        } else {
            W[i] = INFINITY;
        }
    }
    for (int r = 0; r < ny; r++)
        for (int c = 0; c < nx; c++) {
            size_t i = (size_t)r * (size_t)nx + (size_t)c;
            if (done[i] || !grid_outlet(&nb, dem, r, c, nnodata != 0))
                continue;
            W[i] = (double)z[i];
            if (wheap_push(&heap, (hent){W[i], (uint32_t)i}))
                goto nomem;
        }

    /* The priority flood. FIFO cells are final when queued (W = z); heap cells when popped. */
    size_t fh = 0, ft = 0;
    while (fh < ft || heap.n) {
        uint32_t ci;
        if (fh < ft) {
            ci = fifo[fh++];
        } else {
            hent e = wheap_pop(&heap);
            if (done[e.i] || e.w != W[e.i])
                continue; /* a stale entry */
            ci = e.i;
            done[ci] = 1;
        }
        const double wc = W[ci];
        size_t j;
        for (grid_it it = grid_it_of(&nb, ci); grid_it_next(&nb, &it, &j);) {
            if (done[j])
                continue;
            double cand = wc + ((it.k & 1) ? ediag : eshort); /* an odd D8 code is a corner */
            double zj = (double)z[j];
            if (cand <= zj) {
                W[j] = zj;
                done[j] = 1;
                fifo[ft++] = (uint32_t)j;
            } else if (cand < W[j]) {
                W[j] = cand;
                if (wheap_push(&heap, (hent){cand, (uint32_t)j}))
                    goto nomem;
            }
        }
    }
    goto cleanup;

nomem:
    rc = nytte_nomem(ctx, "%s: %d x %d terrain", what, nx, ny);
cleanup:
    free(done);
    free(fifo);
    free(heap.a);
    return rc;
}

/* ---- steepest descent --------------------------------------------------------- */

int grid_steepest(const double *W, int nx, int ny, size_t i, int connectivity)
{
    const grid_nbr nb = grid_nbr_d8(nx, ny, connectivity);
    int r, c;
    grid_rc(&nb, (uint32_t)i, &r, &c);
    if (isnan(W[i]))
        return 8;
    if (r == 0 || r == ny - 1 || c == 0 || c == nx - 1) { /* straight off the raster */
        if (connectivity == NYTTE_CONNECT_4)
            return r == 0 ? 0 : r == ny - 1 ? 4 : c == 0 ? 6 : 2;
        if (r == 0)
            return c == 0 ? 7 : c == nx - 1 ? 1 : 0;
        if (r == ny - 1)
            return c == 0 ? 5 : c == nx - 1 ? 3 : 4;
        return c == 0 ? 6 : 2;
    }
    const double inv_sqrt2 = 1.0 / sqrt(2.0);
    int d = 8;
    double dzmax = 0.0;
    GRID_FOR_NBR(&nb, k) {
        size_t j = grid_nbr_inner(&nb, r, c, k);
        if (isnan(W[j])) /* next to nodata: the water leaves here */
            return k;
        double dz = W[i] - W[j];
        if (k & 1)
            dz *= inv_sqrt2;
        if (dz > dzmax) {
            dzmax = dz;
            d = k;
        }
    }
    return d;
}
