/*
 * upstream.c — the catchment of a set of cells: rasterise the targets (grid/rasterize.c,
 * the hazard stage's rules: cell centres in polygons, supercover lines, the cell of a
 * point), then walk the reversed flow directions breadth-first. The mask is its own
 * visited set.
 */
#include "catchment/catchment_int.h"
#include "grid/grid.h"

#include <stdlib.h>

typedef struct {
    uint8_t *mask;
    const uint8_t *dir;
    size_t marked;
} seed_ctx;

static void seed_cell(void *user, size_t idx)
{
    seed_ctx *s = user;
    if (s->dir[idx] == NYTTE_FLOW_NONE || s->mask[idx])
        return;
    s->mask[idx] = 1;
    s->marked++;
}

int nytte_catchment_seed(nytte_ctx *ctx, uint8_t *mask, const nytte_flow *f, const nytte_geom *targets,
                         size_t ntargets, size_t *nmarked)
{
    int rc = catch_check_flow(ctx, f);
    if (rc)
        return rc;
    seed_ctx s = {mask, f->dir, 0};
    for (size_t t = 0; t < ntargets; t++) {
        const nytte_geom *g = &targets[t];
        size_t before = s.marked, hits = 0;
        if (g->kind == NYTTE_GEOM_POLYGON) {
            size_t k = grid_polygon_cells(&f->grid, g, seed_cell, &s);
            if (k == (size_t)-1)
                return nytte_nomem(ctx, "target %zu", t + 1);
            hits += k;
        }
        if (g->kind == NYTTE_GEOM_POLYGON || g->kind == NYTTE_GEOM_LINE) {
            /* lines, and polygon outlines (so a polygon smaller than a cell still marks one) */
            for (size_t p = 0; p < g->nparts; p++)
                hits += grid_line_cells(&f->grid, g->xy + 2 * g->off[p], g->off[p + 1] - g->off[p], seed_cell, &s);
        } else if (g->kind == NYTTE_GEOM_POINT) {
            for (size_t p = 0; p < g->off[g->nparts]; p++) {
                size_t idx;
                if (grid_point_cell(&f->grid, g->xy[2 * p], g->xy[2 * p + 1], &idx)) {
                    seed_cell(&s, idx);
                    hits++;
                }
            }
        }
        if (hits == 0 && s.marked == before)
            return nytte_error(ctx, NYTTE_EINPUT, "target %zu: lies wholly outside the terrain", t + 1);
    }
    if (nmarked)
        *nmarked = s.marked;
    return NYTTE_OK;
}

int nytte_catchment_upstream(nytte_ctx *ctx, uint8_t *mask, const nytte_flow *f, size_t *ncells)
{
    int rc = catch_check_flow(ctx, f);
    if (rc)
        return rc;
    const grid_nbr d8 = grid_nbr_d8(f->grid.nx, f->grid.ny, NYTTE_CONNECT_8);
    const size_t n = (size_t)d8.nx * (size_t)d8.ny;
    grid_fifo q = {NULL, 0, 0, 0};
    size_t count = 0;
    for (size_t i = 0; i < n; i++)
        if (mask[i]) {
            count++;
            if (grid_fifo_push(&q, (uint32_t)i))
                goto nomem;
        }
    while (q.n) {
        size_t j;
        for (grid_it it = grid_it_of(&d8, grid_fifo_pop(&q)); grid_it_next(&d8, &it, &j);) {
            /* j drains into the cell when its direction points back along code it.k */
            if (mask[j] || f->dir[j] != (uint8_t)((it.k + 4) & 7))
                continue;
            mask[j] = 1;
            count++;
            if (grid_fifo_push(&q, (uint32_t)j))
                goto nomem;
        }
    }
    if (ncells)
        *ncells = count;
    goto cleanup;
nomem:
    rc = nytte_nomem(ctx, "catchment");
cleanup:
    grid_fifo_free(&q);
    return rc;
}

int nytte_catchment_mask(nytte_ctx *ctx, nytte_raster *out, const nytte_flow *f, const nytte_geom *targets,
                         size_t ntargets, size_t *ncells)
{
    *out = (nytte_raster)NYTTE_RASTER_INIT;
    int rc = catch_check_flow(ctx, f);
    if (rc)
        return rc;
    const size_t n = (size_t)f->grid.nx * (size_t)f->grid.ny;
    uint8_t *mask = calloc(n, 1);
    if (!mask)
        return nytte_nomem(ctx, "catchment");
    if ((rc = nytte_catchment_seed(ctx, mask, f, targets, ntargets, NULL)) ||
        (rc = nytte_catchment_upstream(ctx, mask, f, ncells)))
        goto cleanup;
    if (nytte_raster_alloc(out, &f->grid, 0.0f, f->crs_wkt) != NYTTE_OK) {
        rc = nytte_nomem(ctx, "catchment");
        goto cleanup;
    }
    out->has_nodata = true;
    out->nodata = NYTTE_HAZARD_NODATA;
    for (size_t i = 0; i < n; i++)
        out->v[i] = f->dir[i] == NYTTE_FLOW_NONE ? NYTTE_HAZARD_NODATA : (float)mask[i];
cleanup:
    free(mask);
    return rc;
}
