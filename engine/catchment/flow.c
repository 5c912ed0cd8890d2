/*
 * flow.c — D8 flow directions on the flat-free surface, and flow accumulation.
 * The surface and the steepest descent live in hazard/noflats.c (shared with the
 * hazard stage's bluespots filled by rain); what follows describes them.
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
#include "hazard/hazard_private.h"

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

/* ---- directions ------------------------------------------------------------ */

int nytte_flow_directions(nytte_ctx *ctx, nytte_flow *out, const nytte_raster *dem)
{
    *out = (nytte_flow)NYTTE_FLOW_INIT;
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
    out->grid = *g;
    out->dir = malloc(n);
    out->surface = malloc(n * sizeof *out->surface);
    if (dem->crs_wkt)
        out->crs_wkt = strdup(dem->crs_wkt);
    if (!out->dir || !out->surface || (dem->crs_wkt && !out->crs_wkt)) {
        rc = nytte_error(ctx, NYTTE_ENOMEM, "flow directions: out of memory for a %d x %d terrain", nx, ny);
        goto cleanup;
    }
    /* The flat-free surface and steepest descent on it (hazard/noflats.c, shared with rain.c). */
    if ((rc = nytte_hz_noflats(ctx, out->surface, dem, NYTTE_CONNECT_8, "flow directions")))
        goto cleanup;
    const double *W = out->surface;
    for (size_t i = 0; i < n; i++) {
        if (isnan(W[i])) {
            out->dir[i] = NYTTE_FLOW_NONE;
            continue;
        }
        out->nvalid++;
        int d = nytte_hz_steepest(W, nx, ny, i, NYTTE_CONNECT_8);
        if (d == NYTTE_FLOW_NONE) { /* cannot happen: W falls strictly towards an outlet */
            rc = nytte_error(ctx, NYTTE_EINTERNAL, "flow directions: cell %d,%d has no lower neighbour",
                             (int)(i / (size_t)nx), (int)(i % (size_t)nx));
            goto cleanup;
        }
        out->dir[i] = (uint8_t)d;
    }

cleanup:
    if (rc != NYTTE_OK)
        nytte_flow_clear(out);
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
