/*
 * surge.c — coastal surge: barriers burned into the terrain, the connected bathtub
 * (breadth-first search from the sea cells) and the flood level of every cell (priority
 * flood from the sea cells). docs/hazard.md states the rules and a worked example.
 */
#include "hazard/hazard_private.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

/* "id" if given, else the 1-based index. */
const char *nytte_hz_item_name(char *buf, size_t n, const char *id, size_t i)
{
    if (id && *id)
        return id;
    snprintf(buf, n, "%zu", i + 1);
    return buf;
}

/* ---- barriers --------------------------------------------------------------- */

void nytte_hz_burn_cell(void *user, size_t i)
{
    nytte_hz_burn *b = user;
    float z = b->v[i];
    if (nytte_raster_isnodata(b->dem, z) || b->mode == NYTTE_BURN_SET ||
        (b->mode == NYTTE_BURN_RAISE ? z < b->crest : z > b->crest))
        b->v[i] = b->crest;
}

/* The smallest Float32 >= x: a level equal to the crest must not overtop a rounded-down crest. */
float nytte_hz_float_at_or_above(double x)
{
    float f = (float)x;
    if ((double)f < x)
        f = nextafterf(f, INFINITY);
    return f;
}

/* The largest Float32 <= x: a channel's invert must not come out above the stated one. */
float nytte_hz_float_at_or_below(double x)
{
    float f = (float)x;
    if ((double)f > x)
        f = nextafterf(f, -INFINITY);
    return f;
}

int nytte_hazard_burn_barriers(nytte_ctx *ctx, nytte_raster *out, const nytte_raster *dem, const nytte_barrier *b,
                               size_t nb)
{
    return nytte_hazard_burn_barriers_ex(ctx, out, dem, b, nb, NULL);
}

int nytte_hazard_burn_barriers_ex(nytte_ctx *ctx, nytte_raster *out, const nytte_raster *dem, const nytte_barrier *b,
                                  size_t nb, const nytte_burn_mode *mode)
{
    *out = (nytte_raster)NYTTE_RASTER_INIT;
    int rc = nytte_hz_check_raster(ctx, dem, "terrain");
    if (rc != NYTTE_OK)
        return rc;
    if (nytte_raster_alloc(out, &dem->grid, 0.0f, dem->crs_wkt) != NYTTE_OK)
        return nytte_error(ctx, NYTTE_ENOMEM, "barriers: out of memory");
    size_t n = (size_t)dem->grid.nx * (size_t)dem->grid.ny;
    memcpy(out->v, dem->v, n * sizeof *out->v);
    out->has_nodata = dem->has_nodata;
    out->nodata = dem->nodata;
    for (size_t k = 0; k < nb; k++) {
        char nbuf[32];
        const char *name = nytte_hz_item_name(nbuf, sizeof nbuf, b[k].id, k);
        const nytte_geom *g = b[k].geom;
        if (!g || (g->kind != NYTTE_GEOM_LINE && g->kind != NYTTE_GEOM_POLYGON)) {
            rc = nytte_error(ctx, NYTTE_EINPUT, "barrier %s: geometry must be a line or a polygon", name);
            goto fail;
        }
        if (!isfinite(b[k].crest) || fabs(b[k].crest) > 1e6) {
            rc = nytte_error(ctx, NYTTE_EINPUT, "barrier %s: crest %g m is not a usable height", name, b[k].crest);
            goto fail;
        }
        nytte_burn_mode md = mode ? mode[k] : NYTTE_BURN_RAISE;
        if (md != NYTTE_BURN_RAISE && md != NYTTE_BURN_LOWER && md != NYTTE_BURN_SET) {
            rc = nytte_error(ctx, NYTTE_EUSAGE, "barrier %s: unknown burn mode %d", name, (int)md);
            goto fail;
        }
        nytte_hz_burn st = {dem, out->v,
                            md == NYTTE_BURN_LOWER ? nytte_hz_float_at_or_below(b[k].crest)
                                                   : nytte_hz_float_at_or_above(b[k].crest),
                            md};
        size_t touched = 0;
        if (g->kind == NYTTE_GEOM_POLYGON) {
            size_t m = nytte_hz_polygon_cells(&dem->grid, g, nytte_hz_burn_cell, &st);
            if (m == (size_t)-1) {
                rc = nytte_error(ctx, NYTTE_ENOMEM, "barrier %s: out of memory", name);
                goto fail;
            }
            touched += m;
        }
        /* Lines, and polygon outlines: a polygon thinner than a cell still leaves a wall. */
        for (size_t p = 0; p < g->nparts; p++)
            touched += nytte_hz_line_cells(&dem->grid, g->xy + 2 * g->off[p], g->off[p + 1] - g->off[p], nytte_hz_burn_cell,
                                           &st);
        if (touched == 0) {
            rc = nytte_error(ctx, NYTTE_EINPUT, "barrier %s: lies wholly outside the terrain", name);
            goto fail;
        }
    }
    return NYTTE_OK;
fail:
    nytte_raster_clear(out);
    return rc;
}

/* ---- sea cells ---------------------------------------------------------------- */

typedef struct mark {
    uint8_t *flag;
    size_t n;
} mark;

static void mark_cell(void *user, size_t i)
{
    mark *m = user;
    if (!m->flag[i]) {
        m->flag[i] = 1;
        m->n++;
    }
}

/* flag[i] = 1 for every sea cell (hazard_private.h). */
int nytte_hz_mark_sea(nytte_ctx *ctx, uint8_t *flag, const nytte_grid *g, const nytte_geom *sea, size_t nsea)
{
    mark m = {flag, 0};
    for (size_t k = 0; k < nsea; k++) {
        const nytte_geom *s = &sea[k];
        if (s->kind == NYTTE_GEOM_POLYGON) {
            if (nytte_hz_polygon_cells(g, s, mark_cell, &m) == (size_t)-1)
                return nytte_error(ctx, NYTTE_ENOMEM, "sea: out of memory");
        } else if (s->kind == NYTTE_GEOM_POINT) {
            size_t np = s->nparts ? s->off[s->nparts] : 0, idx;
            for (size_t i = 0; i < np; i++)
                if (nytte_hz_point_cell(g, s->xy[2 * i], s->xy[2 * i + 1], &idx))
                    mark_cell(&m, idx);
        } else if (s->kind == NYTTE_GEOM_LINE) {
            return nytte_error(ctx, NYTTE_EINPUT, "sea: geometry %zu is a line (give polygons or points)", k + 1);
        }
        /* NYTTE_GEOM_NONE (a feature without geometry) marks nothing. */
    }
    if (m.n == 0)
        return nytte_error(ctx, NYTTE_EINPUT, "sea: no sea cell inside the terrain");
    return NYTTE_OK;
}

/* ---- connected bathtub ------------------------------------------------------- */

int nytte_hazard_bathtub_ex(nytte_ctx *ctx, nytte_raster *depth, const nytte_raster *dem, const nytte_geom *sea,
                            size_t nsea, double level, int connectivity)
{
    *depth = (nytte_raster)NYTTE_RASTER_INIT;
    uint8_t *flag = NULL;
    nytte_hz_fifo q = {NULL, 0, 0, 0};
    int rc;
    if ((rc = nytte_hz_check_raster(ctx, dem, "terrain")) != NYTTE_OK || (rc = nytte_hz_check_conn(ctx, connectivity)))
        return rc;
    if (!isfinite(level))
        return nytte_error(ctx, NYTTE_EINPUT, "bathtub: the water level is not a number");
    const int nx = dem->grid.nx, ny = dem->grid.ny;
    const size_t n = (size_t)nx * (size_t)ny;
    const float *z = dem->v;
    flag = calloc(n, 1);
    if (!flag) {
        rc = nytte_error(ctx, NYTTE_ENOMEM, "bathtub: out of memory");
        goto cleanup;
    }
    if ((rc = nytte_hz_mark_sea(ctx, flag, &dem->grid, sea, nsea)) != NYTTE_OK)
        goto cleanup;
    if ((rc = nytte_hz_new_output(ctx, depth, dem, 0.0f)) != NYTTE_OK)
        goto cleanup;
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
        if (nytte_hz_fifo_push(&q, (uint32_t)i) != 0) {
            rc = nytte_error(ctx, NYTTE_ENOMEM, "bathtub: out of memory");
            goto cleanup;
        }
    }
    /* Breadth-first search; each cell is flagged when first reached, so it enters the queue once. */
    while (q.n) {
        uint32_t c = nytte_hz_fifo_pop(&q);
        int r = (int)(c / (uint32_t)nx), col = (int)(c % (uint32_t)nx);
        for (int k = 0; k < connectivity; k++) {
            int rr = r + nytte_hz_dr[k], cc = col + nytte_hz_dc[k];
            if (rr < 0 || cc < 0 || rr >= ny || cc >= nx)
                continue;
            size_t j = (size_t)rr * (size_t)nx + (size_t)cc;
            if (flag[j])
                continue;
            flag[j] = 1;
            /* Nodata is no water path; terrain at or above the level is dry (for this level, for good). */
            if (nytte_raster_isnodata(dem, z[j]) || !((double)z[j] < level))
                continue;
            d[j] = (float)(level - (double)z[j]);
            if (nytte_hz_fifo_push(&q, (uint32_t)j) != 0) {
                rc = nytte_error(ctx, NYTTE_ENOMEM, "bathtub: out of memory");
                goto cleanup;
            }
        }
    }
cleanup:
    if (rc != NYTTE_OK)
        nytte_raster_clear(depth);
    nytte_hz_fifo_free(&q);
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
    nytte_hz_fifo pit = {NULL, 0, 0, 0};
    nytte_hz_heap heap;
    nytte_hz_heap_init(&heap);
    int rc;
    if ((rc = nytte_hz_check_raster(ctx, dem, "terrain")) != NYTTE_OK || (rc = nytte_hz_check_conn(ctx, connectivity)))
        return rc;
    const int nx = dem->grid.nx, ny = dem->grid.ny;
    const size_t n = (size_t)nx * (size_t)ny;
    const float *z = dem->v;
    flag = calloc(n, 1);
    if (!flag) {
        rc = nytte_error(ctx, NYTTE_ENOMEM, "flood level: out of memory");
        goto cleanup;
    }
    if ((rc = nytte_hz_mark_sea(ctx, flag, &dem->grid, sea, nsea)) != NYTTE_OK)
        goto cleanup;
    if ((rc = nytte_hz_new_output(ctx, out, dem, INFINITY)) != NYTTE_OK)
        goto cleanup;
    float *f = out->v;
    for (size_t i = 0; i < n; i++) {
        bool nod = nytte_raster_isnodata(dem, z[i]);
        if (nod)
            f[i] = NYTTE_HAZARD_NODATA;
        else if (flag[i])
            f[i] = z[i];
        /* Open sea without terrain lets water through at any level: it floods at -infinity. */
        if (flag[i] && nytte_hz_heap_push(&heap, nytte_hz_key(nod ? -INFINITY : z[i], (uint32_t)i)) != 0) {
            rc = nytte_error(ctx, NYTTE_ENOMEM, "flood level: out of memory");
            goto cleanup;
        }
    }
    while (pit.n || heap.n) {
        uint32_t c;
        float spill;
        if (pit.n) {
            c = nytte_hz_fifo_pop(&pit);
            spill = f[c];
        } else {
            uint64_t k;
            if (nytte_hz_heap_pop(&heap, &k) != 0) {
                rc = nytte_error(ctx, NYTTE_ENOMEM, "flood level: out of memory");
                goto cleanup;
            }
            c = nytte_hz_key_idx(k);
            spill = nytte_hz_key_z(k);
        }
        int r = (int)(c / (uint32_t)nx), col = (int)(c % (uint32_t)nx);
        for (int k = 0; k < connectivity; k++) {
            int rr = r + nytte_hz_dr[k], cc = col + nytte_hz_dc[k];
            if (rr < 0 || cc < 0 || rr >= ny || cc >= nx)
                continue;
            size_t j = (size_t)rr * (size_t)nx + (size_t)cc;
            if (flag[j])
                continue;
            flag[j] = 1;
            if (nytte_raster_isnodata(dem, z[j]))
                continue;
            int err;
            if (z[j] <= spill) {
                f[j] = spill;
                err = nytte_hz_fifo_push(&pit, (uint32_t)j);
            } else {
                f[j] = z[j];
                err = nytte_hz_heap_push(&heap, nytte_hz_key(z[j], (uint32_t)j));
            }
            if (err) {
                rc = nytte_error(ctx, NYTTE_ENOMEM, "flood level: out of memory");
                goto cleanup;
            }
        }
    }
cleanup:
    if (rc != NYTTE_OK)
        nytte_raster_clear(out);
    nytte_hz_fifo_free(&pit);
    nytte_hz_heap_free(&heap);
    free(flag);
    return rc;
}
