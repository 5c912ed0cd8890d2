/*
 * surge.c — coastal surge: barriers burned into the terrain, the connected bathtub
 * (breadth-first search from the sea cells) and the flood level of every cell (priority
 * flood from the sea cells). docs/hazard.md states the rules and a worked example.
 */
#include "grid/grid.h"

#include <math.h>
#include <stdlib.h>

/* ---- barriers --------------------------------------------------------------- */

int nytte_hazard_burn_barriers(nytte_ctx *ctx, nytte_raster *out, const nytte_raster *dem, const nytte_barrier *b,
                               size_t nb)
{
    return nytte_hazard_burn_barriers_ex(ctx, out, dem, b, nb, NULL);
}

int nytte_hazard_burn_barriers_ex(nytte_ctx *ctx, nytte_raster *out, const nytte_raster *dem, const nytte_barrier *b,
                                  size_t nb, const nytte_burn_mode *mode)
{
    *out = (nytte_raster)NYTTE_RASTER_INIT;
    int rc = grid_check_raster(ctx, dem, "terrain");
    if (rc != NYTTE_OK)
        return rc;
    if (nytte_raster_alloc(out, &dem->grid, 0.0f, dem->crs_wkt) != NYTTE_OK)
        return nytte_nomem(ctx, "barriers");
    size_t n = (size_t)dem->grid.nx * (size_t)dem->grid.ny;
    memcpy(out->v, dem->v, n * sizeof *out->v);
    out->has_nodata = dem->has_nodata;
    out->nodata = dem->nodata;
    for (size_t k = 0; k < nb; k++) {
        grid_burn st = {dem, out->v, 0.0f, NYTTE_BURN_RAISE};
        if ((rc = grid_barrier_check(ctx, &st, &b[k], k, mode)) != NYTTE_OK)
            goto cleanup;
        char nbuf[32];
        const char *name = grid_item_name(nbuf, sizeof nbuf, b[k].id, k);
        const nytte_geom *g = b[k].geom;
        size_t touched = 0;
        if (g->kind == NYTTE_GEOM_POLYGON) {
            size_t m = grid_polygon_cells(&dem->grid, g, grid_burn_cell, &st);
            if (m == (size_t)-1) {
                rc = nytte_nomem(ctx, "barrier %s", name);
                goto cleanup;
            }
            touched += m;
        }
        /* Lines, and polygon outlines: a polygon thinner than a cell still leaves a wall. */
        for (size_t p = 0; p < g->nparts; p++)
            touched +=
                grid_line_cells(&dem->grid, g->xy + 2 * g->off[p], g->off[p + 1] - g->off[p], grid_burn_cell, &st);
        if (touched == 0) {
            rc = nytte_error(ctx, NYTTE_EINPUT, "barrier %s: lies wholly outside the terrain", name);
            goto cleanup;
        }
    }
cleanup:
    if (rc != NYTTE_OK)
        nytte_raster_clear(out);
    return rc;
}

/*
 * What the bathtub and the flood level start from (the raster and connectivity checked):
 * *flag (nx * ny bytes, the caller frees it) = 1 on the sea cells, and the output raster
 * filled with `fill`. `what` names the work in the out-of-memory message.
 */
static int sea_start(nytte_ctx *ctx, uint8_t **flag, nytte_raster *out, const nytte_raster *dem,
                     const nytte_geom *sea, size_t nsea, float fill, const char *what)
{
    int rc;
    *flag = calloc((size_t)dem->grid.nx * (size_t)dem->grid.ny, 1);
    if (!*flag)
        return nytte_nomem(ctx, "%s", what);
    if ((rc = grid_mark_sea(ctx, *flag, &dem->grid, sea, nsea)) != NYTTE_OK)
        return rc;
    return grid_new_output(ctx, out, dem, fill);
}

/* ---- connected bathtub ------------------------------------------------------- */

int nytte_hazard_bathtub_ex(nytte_ctx *ctx, nytte_raster *depth, const nytte_raster *dem, const nytte_geom *sea,
                            size_t nsea, double level, int connectivity)
{
    *depth = (nytte_raster)NYTTE_RASTER_INIT;
    uint8_t *flag = NULL;
    grid_fifo q = {NULL, 0, 0, 0};
    int rc;
    if ((rc = grid_check_raster(ctx, dem, "terrain")) != NYTTE_OK || (rc = grid_check_conn(ctx, connectivity)))
        return rc;
    if (!isfinite(level))
        return nytte_error(ctx, NYTTE_EINPUT, "bathtub: the water level is not a number");
    if ((rc = sea_start(ctx, &flag, depth, dem, sea, nsea, 0.0f, "bathtub")) != NYTTE_OK)
        goto cleanup;
    const int nx = dem->grid.nx, ny = dem->grid.ny;
    const size_t n = (size_t)nx * (size_t)ny;
    const float *z = dem->v;
    const grid_nbr nb = grid_nbr_conn(nx, ny, connectivity);
    float *d = depth->v;
    for (size_t i = 0; i < n; i++)
        if (nytte_raster_isnodata(dem, z[i]))
            d[i] = NYTTE_HAZARD_NODATA;

    /* Seeds: every sea cell is visited (flag = 1); water starts from those below the level,
     * and from sea cells without terrain (open sea). A sea cell at or above the level is dry. */
    for (size_t i = 0; i < n; i++) {
        if (!flag[i])
            continue;
        bool nod = nytte_raster_isnodata(dem, z[i]);
        if (!nod && !((double)z[i] < level))
            continue;
        if (!nod)
            d[i] = (float)(level - (double)z[i]);
        if (grid_fifo_push(&q, (uint32_t)i) != 0)
            goto nomem;
    }
    /* Breadth-first search; each cell is flagged when first reached, so it enters the queue once. */
    while (q.n) {
        size_t j;
        for (grid_it it = grid_it_of(&nb, grid_fifo_pop(&q)); grid_it_next(&nb, &it, &j);) {
            if (flag[j])
                continue;
            flag[j] = 1;
            /* Nodata is no water path; terrain at or above the level is dry (for this level, for good). */
            if (nytte_raster_isnodata(dem, z[j]) || !((double)z[j] < level))
                continue;
            d[j] = (float)(level - (double)z[j]);
            if (grid_fifo_push(&q, (uint32_t)j) != 0)
                goto nomem;
        }
    }
    goto cleanup;

nomem:
    rc = nytte_nomem(ctx, "bathtub");
cleanup:
    if (rc != NYTTE_OK)
        nytte_raster_clear(depth);
    grid_fifo_free(&q);
    free(flag);
    return rc;
}

int nytte_hazard_bathtub(nytte_ctx *ctx, nytte_raster *depth, const nytte_raster *dem, const nytte_geom *sea,
                         size_t nsea, double level)
{
    return nytte_hazard_bathtub_ex(ctx, depth, dem, sea, nsea, level, NYTTE_CONNECT_4);
}

/* ---- flood level: priority flood from the sea --------------------------------- */

int nytte_hazard_flood_level(nytte_ctx *ctx, nytte_raster *out, const nytte_raster *dem, const nytte_geom *sea,
                             size_t nsea, int connectivity)
{
    *out = (nytte_raster)NYTTE_RASTER_INIT;
    uint8_t *flag = NULL;
    grid_pflood q;
    grid_pflood_init(&q);
    int rc;
    if ((rc = grid_check_raster(ctx, dem, "terrain")) != NYTTE_OK || (rc = grid_check_conn(ctx, connectivity)))
        return rc;
    if ((rc = sea_start(ctx, &flag, out, dem, sea, nsea, INFINITY, "flood level")) != NYTTE_OK)
        goto cleanup;
    const int nx = dem->grid.nx, ny = dem->grid.ny;
    const size_t n = (size_t)nx * (size_t)ny;
    const float *z = dem->v;
    const grid_nbr nb = grid_nbr_conn(nx, ny, connectivity);
    float *f = out->v;
    for (size_t i = 0; i < n; i++) {
        bool nod = nytte_raster_isnodata(dem, z[i]);
        if (nod)
            f[i] = NYTTE_HAZARD_NODATA;
        else if (flag[i])
            f[i] = z[i];
        /* Open sea without terrain lets water through at any level: it floods at -infinity. */
        if (flag[i] && grid_heap_push(&q.heap, grid_key(nod ? -INFINITY : z[i], (uint32_t)i)) != 0)
            goto nomem;
    }
    uint32_t cell;
    uint64_t key;
    int from;
    while ((from = grid_pflood_pop(&q, &cell, &key)) > 0) {
        /* a sea cell without terrain holds nodata, and floods at the level of its key */
        float spill = from == GRID_PF_HEAP ? grid_key_z(key) : f[cell];
        size_t j;
        for (grid_it it = grid_it_of(&nb, cell); grid_it_next(&nb, &it, &j);) {
            if (flag[j])
                continue;
            flag[j] = 1;
            if (nytte_raster_isnodata(dem, z[j]))
                continue;
            int raised = grid_pflood_add(&q, (uint32_t)j, z[j], spill);
            if (raised < 0)
                goto nomem;
            f[j] = raised ? spill : z[j];
        }
    }
    if (from < 0)
        goto nomem;
    goto cleanup;

nomem:
    rc = nytte_nomem(ctx, "flood level");
cleanup:
    if (rc != NYTTE_OK)
        nytte_raster_clear(out);
    grid_pflood_free(&q);
    free(flag);
    return rc;
}
