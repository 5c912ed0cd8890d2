/*
 * flow.c — D8 flow directions on the flat-free surface, and flow accumulation.
 * The surface and the steepest descent live in grid/noflats.c (shared with the hazard
 * stage's bluespots filled by rain): the flat-free surface W is malstroem's
 * `fill_terrain_no_flats` (Planchon & Darboux 2001), reached in one priority flood instead
 * of malstroem's sweeps; docs/catchment.md has the proof that both give the same bits.
 */
#include "catchment/catchment_int.h"
#include "grid/grid.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

const int nytte_flow_drow[8] = GRID_D8_DROW;
const int nytte_flow_dcol[8] = GRID_D8_DCOL;

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
    const grid_nbr d8 = grid_nbr_d8(f->grid.nx, f->grid.ny, NYTTE_CONNECT_8);
    size_t j;
    if (!grid_nbr_at(&d8, (int)(i / (size_t)d8.nx), (int)(i % (size_t)d8.nx), d, &j))
        return -1;
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
        rc = nytte_nomem(ctx, "flow directions: %d x %d terrain", nx, ny);
        goto cleanup;
    }
    /* The flat-free surface and steepest descent on it (grid/noflats.c, shared with hazard/rain.c). */
    if ((rc = grid_noflats(ctx, out->surface, dem, NYTTE_CONNECT_8, "flow directions")))
        goto cleanup;
    const double *W = out->surface;
    for (size_t i = 0; i < n; i++) {
        if (isnan(W[i])) {
            out->dir[i] = NYTTE_FLOW_NONE;
            continue;
        }
        out->nvalid++;
        int d = grid_steepest(W, nx, ny, i, NYTTE_CONNECT_8);
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
    uint8_t *indeg = NULL;
    uint32_t *q = NULL;
    int rc = catch_check_flow(ctx, f);
    if (rc)
        return rc;
    const size_t n = (size_t)f->grid.nx * (size_t)f->grid.ny;
    indeg = calloc(n, 1);
    q = malloc((f->nvalid ? f->nvalid : 1) * sizeof *q);
    if (!indeg || !q) {
        rc = nytte_nomem(ctx, "flow: topological order");
        goto cleanup;
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
    if (t != f->nvalid) {
        rc = nytte_error(ctx, NYTTE_EINPUT, "flow: the directions contain a cycle (%zu of %zu cells ordered)", t,
                         f->nvalid);
        goto cleanup;
    }
    *order = q;
    q = NULL;
cleanup:
    free(indeg);
    free(q);
    return rc;
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
        rc = nytte_nomem(ctx, "flow accumulation");
        goto cleanup;
    }
    for (size_t i = 0; i < n; i++)
        a[i] = f->dir[i] == NYTTE_FLOW_NONE ? NAN : (weight ? (double)weight[i] : 1.0);
    for (size_t h = 0; h < f->nvalid; h++) {
        int64_t j = nytte_flow_next(f, order[h]);
        if (j >= 0)
            a[j] += a[order[h]];
    }
    *acc = a;
cleanup:
    free(order);
    return rc;
}
