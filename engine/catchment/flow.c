/*
 * flow.c — D8 flow directions on the flat-free surface, and flow accumulation.
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
#include "catchment/catchment_int.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

const int nytte_flow_drow[8] = {-1, -1, 0, 1, 1, 1, 0, -1};
const int nytte_flow_dcol[8] = {0, 1, 1, 1, 0, -1, -1, -1};

void nytte_flow_clear(nytte_flow *f)
{
    if (!f)
        return;
    free(f->dir);
    free(f->surface);
    free(f->crs_wkt);
    *f = (nytte_flow)NYTTE_FLOW_INIT;
}

double nytte_flow_cell_area(const nytte_flow *f) { return f->grid.dx * f->grid.dy; }

int64_t nytte_flow_next(const nytte_flow *f, size_t i)
{
    uint8_t d = f->dir[i];
    if (d >= NYTTE_FLOW_NONE)
        return -1;
    const int nx = f->grid.nx, ny = f->grid.ny;
    int r = (int)(i / (size_t)nx) + nytte_flow_drow[d], c = (int)(i % (size_t)nx) + nytte_flow_dcol[d];
    if (r < 0 || c < 0 || r >= ny || c >= nx)
        return -1;
    size_t j = (size_t)r * (size_t)nx + (size_t)c;
    return f->dir[j] == NYTTE_FLOW_NONE ? -1 : (int64_t)j;
}

int catch_check_flow(nytte_ctx *ctx, const nytte_flow *f)
{
    if (!f || !f->dir || f->grid.nx <= 0 || f->grid.ny <= 0)
        return nytte_error(ctx, NYTTE_EUSAGE, "catchment: flow directions have no cells");
    return NYTTE_OK;
}

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
    if (h->n == h->cap) {
        size_t nc = h->cap ? 2 * h->cap : 4096;
        hent *a = realloc(h->a, nc * sizeof *a);
        if (!a)
            return -1;
        h->a = a;
        h->cap = nc;
    }
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

/* ---- directions ------------------------------------------------------------ */

int nytte_flow_directions(nytte_ctx *ctx, nytte_flow *out, const nytte_raster *dem)
{
    *out = (nytte_flow)NYTTE_FLOW_INIT;
    uint8_t *done = NULL;
    uint32_t *fifo = NULL;
    wheap heap = {NULL, 0, 0};
    int rc = NYTTE_OK;
    if (!dem || !dem->v || dem->grid.nx <= 0 || dem->grid.ny <= 0)
        return nytte_error(ctx, NYTTE_EUSAGE, "flow directions: the terrain has no cells");
    const nytte_grid *g = &dem->grid;
    if ((uint64_t)g->nx * (uint64_t)g->ny > UINT32_MAX)
        return nytte_error(ctx, NYTTE_EINPUT, "flow directions: %d x %d cells is more than 2^32 - 1", g->nx, g->ny);
    if (!(g->dx > 0) || !(g->dy > 0) || fabs(g->dx - g->dy) > 0.01 * g->dx)
        return nytte_error(ctx, NYTTE_EINPUT, "flow directions: cells must be square within 1 %% (got %g x %g m)", g->dx,
                           g->dy);
    const int nx = g->nx, ny = g->ny;
    const size_t n = (size_t)nx * (size_t)ny;
    const float *z = dem->v;
    out->grid = *g;
    out->dir = malloc(n);
    out->surface = malloc(n * sizeof *out->surface);
    done = calloc(n, 1);
    fifo = malloc(n * sizeof *fifo);
    if (dem->crs_wkt)
        out->crs_wkt = strdup(dem->crs_wkt);
    if (!out->dir || !out->surface || !done || !fifo || (dem->crs_wkt && !out->crs_wkt)) {
        rc = nytte_error(ctx, NYTTE_ENOMEM, "flow directions: out of memory for a %d x %d terrain", nx, ny);
        goto cleanup;
    }
    double *W = out->surface;

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
    const double inv_sqrt2 = 1.0 / sqrt(2.0);

    /* Outlets: valid cells on the edge or next to nodata keep their height. */
    for (size_t i = 0; i < n; i++) {
        if (nytte_raster_isnodata(dem, z[i])) {
            W[i] = NAN;
            done[i] = 1;
            out->dir[i] = NYTTE_FLOW_NONE;
        } else {
            W[i] = INFINITY;
            out->nvalid++;
        }
    }
    for (int r = 0; r < ny; r++)
        for (int c = 0; c < nx; c++) {
            size_t i = (size_t)r * (size_t)nx + (size_t)c;
            if (done[i])
                continue;
            bool outlet = r == 0 || c == 0 || r == ny - 1 || c == nx - 1;
            for (int k = 0; !outlet && nnodata && k < 8; k++)
                outlet = nytte_raster_isnodata(dem, z[(size_t)(r + nytte_flow_drow[k]) * (size_t)nx +
                                                        (size_t)(c + nytte_flow_dcol[k])]);
            if (outlet) {
                W[i] = (double)z[i];
                if (wheap_push(&heap, (hent){W[i], (uint32_t)i})) {
                    rc = nytte_error(ctx, NYTTE_ENOMEM, "flow directions: out of memory");
                    goto cleanup;
                }
            }
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
        const int r = (int)(ci / (uint32_t)nx), c = (int)(ci % (uint32_t)nx);
        for (int k = 0; k < 8; k++) {
            int rr = r + nytte_flow_drow[k], cc = c + nytte_flow_dcol[k];
            if (rr < 0 || cc < 0 || rr >= ny || cc >= nx)
                continue;
            size_t j = (size_t)rr * (size_t)nx + (size_t)cc;
            if (done[j])
                continue;
            double cand = wc + ((k & 1) ? ediag : eshort);
            double zj = (double)z[j];
            if (cand <= zj) {
                W[j] = zj;
                done[j] = 1;
                fifo[ft++] = (uint32_t)j;
            } else if (cand < W[j]) {
                W[j] = cand;
                if (wheap_push(&heap, (hent){cand, (uint32_t)j})) {
                    rc = nytte_error(ctx, NYTTE_ENOMEM, "flow directions: out of memory");
                    goto cleanup;
                }
            }
        }
    }

    /* Steepest descent on W (malstroem's terrain_flow), edges straight off the raster. */
    for (int r = 0; r < ny; r++) {
        for (int c = 0; c < nx; c++) {
            size_t i = (size_t)r * (size_t)nx + (size_t)c;
            if (isnan(W[i]))
                continue;
            uint8_t d = NYTTE_FLOW_NONE;
            if (r == 0 || r == ny - 1 || c == 0 || c == nx - 1) {
                if (r == 0)
                    d = c == 0 ? 7 : c == nx - 1 ? 1 : 0;
                else if (r == ny - 1)
                    d = c == 0 ? 5 : c == nx - 1 ? 3 : 4;
                else
                    d = c == 0 ? 6 : 2;
            } else {
                double dzmax = 0.0;
                for (int k = 0; k < 8; k++) {
                    size_t j = (size_t)(r + nytte_flow_drow[k]) * (size_t)nx + (size_t)(c + nytte_flow_dcol[k]);
                    if (isnan(W[j])) { /* next to nodata: the water leaves here */
                        d = (uint8_t)k;
                        break;
                    }
                    double dz = W[i] - W[j];
                    if (k & 1)
                        dz *= inv_sqrt2;
                    if (dz > dzmax) {
                        dzmax = dz;
                        d = (uint8_t)k;
                    }
                }
            }
            if (d == NYTTE_FLOW_NONE) { /* cannot happen: W falls strictly towards an outlet */
                rc = nytte_error(ctx, NYTTE_EINTERNAL, "flow directions: cell %d,%d has no lower neighbour", r, c);
                goto cleanup;
            }
            out->dir[i] = d;
        }
    }

cleanup:
    if (rc != NYTTE_OK)
        nytte_flow_clear(out);
    free(done);
    free(fifo);
    free(heap.a);
    return rc;
}

/* ---- topological order and accumulation ----------------------------------- */

int catch_topo_order(nytte_ctx *ctx, uint32_t **order, const nytte_flow *f)
{
    *order = NULL;
    int rc = catch_check_flow(ctx, f);
    if (rc)
        return rc;
    const size_t n = (size_t)f->grid.nx * (size_t)f->grid.ny;
    uint8_t *indeg = calloc(n, 1);
    uint32_t *q = malloc((f->nvalid ? f->nvalid : 1) * sizeof *q);
    if (!indeg || !q) {
        free(indeg);
        free(q);
        return nytte_error(ctx, NYTTE_ENOMEM, "flow: out of memory for the topological order");
    }
    for (size_t i = 0; i < n; i++) {
        int64_t j = nytte_flow_next(f, i);
        if (j >= 0)
            indeg[j]++;
    }
    size_t t = 0;
    for (size_t i = 0; i < n; i++)
        if (f->dir[i] != NYTTE_FLOW_NONE && indeg[i] == 0)
            q[t++] = (uint32_t)i;
    for (size_t h = 0; h < t; h++) {
        int64_t j = nytte_flow_next(f, q[h]);
        if (j >= 0 && --indeg[j] == 0)
            q[t++] = (uint32_t)j;
    }
    free(indeg);
    if (t != f->nvalid) {
        free(q);
        return nytte_error(ctx, NYTTE_EINPUT, "flow: the directions contain a cycle (%zu of %zu cells ordered)", t,
                           f->nvalid);
    }
    *order = q;
    return NYTTE_OK;
}

int nytte_flow_accumulate(nytte_ctx *ctx, double **acc, const nytte_flow *f, const float *weight)
{
    *acc = NULL;
    uint32_t *order = NULL;
    int rc = catch_topo_order(ctx, &order, f);
    if (rc)
        return rc;
    const size_t n = (size_t)f->grid.nx * (size_t)f->grid.ny;
    double *a = malloc(n * sizeof *a);
    if (!a) {
        free(order);
        return nytte_error(ctx, NYTTE_ENOMEM, "flow accumulation: out of memory");
    }
    for (size_t i = 0; i < n; i++)
        a[i] = f->dir[i] == NYTTE_FLOW_NONE ? NAN : (weight ? (double)weight[i] : 1.0);
    for (size_t h = 0; h < f->nvalid; h++) {
        int64_t j = nytte_flow_next(f, order[h]);
        if (j >= 0)
            a[j] += a[order[h]];
    }
    free(order);
    *acc = a;
    return NYTTE_OK;
}
