/*
 * tiling.c — how a national run is cut up: tiles of the raster (aligned to its blocks),
 * ordered along a Hilbert curve so that a contiguous run of tiles is a compact region,
 * dealt to ranks in contiguous runs of about equal weight, and the rule that a parcel
 * belongs to the tile holding its envelope centre. docs/scale-out.md.
 */
#include "nytte/dist.h"

#include <math.h>
#include <stdlib.h>

int nytte_tiling_init(nytte_ctx *ctx, nytte_tiling *t, int nx, int ny, int tw, int th)
{
    if (nx < 1 || ny < 1 || tw < 1 || th < 1) {
        if (ctx)
            return nytte_error(ctx, NYTTE_EUSAGE, "tiling: raster %d x %d and tile %d x %d must be at least 1 x 1",
                               nx, ny, tw, th);
        return NYTTE_EUSAGE;
    }
    t->nx = nx;
    t->ny = ny;
    t->tw = tw;
    t->th = th;
    t->ntx = (int)(((long)nx + tw - 1) / tw);
    t->nty = (int)(((long)ny + th - 1) / th);
    return NYTTE_OK;
}

size_t nytte_tiling_count(const nytte_tiling *t) { return (size_t)t->ntx * (size_t)t->nty; }

void nytte_tiling_window(const nytte_tiling *t, size_t tile, int *col0, int *row0, int *w, int *h)
{
    int tx = (int)(tile % (size_t)t->ntx), ty = (int)(tile / (size_t)t->ntx);
    *col0 = tx * t->tw;
    *row0 = ty * t->th;
    *w = *col0 + t->tw <= t->nx ? t->tw : t->nx - *col0;
    *h = *row0 + t->th <= t->ny ? t->th : t->ny - *row0;
}

size_t nytte_tiling_tile_of_cell(const nytte_tiling *t, int col, int row)
{
    col = col < 0 ? 0 : col >= t->nx ? t->nx - 1 : col;
    row = row < 0 ? 0 : row >= t->ny ? t->ny - 1 : row;
    return (size_t)(row / t->th) * (size_t)t->ntx + (size_t)(col / t->tw);
}

/* The classic iterative Hilbert mapping (rotate the quadrant at each level). */
uint64_t nytte_dist_hilbert(int order, uint32_t x, uint32_t y)
{
    uint64_t d = 0;
    for (uint64_t s = order > 0 ? (uint64_t)1 << (order - 1) : 0; s > 0; s >>= 1) {
        uint32_t rx = (x & s) > 0, ry = (y & s) > 0;
        d += s * s * ((3 * rx) ^ ry);
        if (ry == 0) {
            if (rx == 1) {
                x = (uint32_t)(s - 1) - x;
                y = (uint32_t)(s - 1) - y;
            }
            uint32_t tmp = x;
            x = y;
            y = tmp;
        }
    }
    return d;
}

typedef struct keyed {
    uint64_t key;
    size_t tile;
} keyed;

static int cmp_keyed(const void *a, const void *b)
{
    const keyed *p = a, *q = b;
    return p->key < q->key ? -1 : p->key > q->key;
}

int nytte_tiling_curve(nytte_ctx *ctx, size_t **order, const nytte_tiling *t)
{
    size_t n = nytte_tiling_count(t);
    int rc = NYTTE_OK;
    *order = malloc(n * sizeof **order);
    keyed *k = malloc(n * sizeof *k);
    if (!*order || !k) {
        free(*order);
        *order = NULL;
        rc = nytte_nomem(ctx, "tiling: %zu tiles", n);
        goto cleanup;
    }
    int side = t->ntx > t->nty ? t->ntx : t->nty, ord = 0;
    while ((1L << ord) < side)
        ord++;
    for (size_t i = 0; i < n; i++) {
        k[i].tile = i;
        k[i].key = nytte_dist_hilbert(ord, (uint32_t)(i % (size_t)t->ntx), (uint32_t)(i / (size_t)t->ntx));
    }
    qsort(k, n, sizeof *k, cmp_keyed); /* keys are distinct: the order is fixed */
    for (size_t i = 0; i < n; i++)
        (*order)[i] = k[i].tile;
cleanup:
    free(k);
    return rc;
}

void nytte_dist_split(size_t *first, const double *weight, size_t n, int nranks)
{
    double total = 0;
    for (size_t i = 0; i < n; i++)
        total += weight[i];
    first[0] = 0;
    size_t i = 0;
    double cum = 0;
    for (int r = 0; r < nranks; r++) {
        double goal = total * (double)(r + 1) / (double)nranks;
        if (r == nranks - 1) {
            i = n;
        } else {
            while (i < n && cum < goal)
                cum += weight[i++];
        }
        first[r + 1] = i;
    }
}

size_t nytte_dist_geom_tile(const nytte_tiling *t, const nytte_grid *g, const nytte_geom *geom)
{
    if (geom->kind == NYTTE_GEOM_NONE || geom->nparts == 0)
        return 0;
    double cx = 0.5 * (geom->xmin + geom->xmax), cy = 0.5 * (geom->ymin + geom->ymax);
    double fc = floor((cx - g->x0) / g->dx), fr = floor((g->y0 - cy) / g->dy);
    if (!(fc == fc) || !(fr == fr))
        return 0;
    int col = fc < 0 ? 0 : fc >= g->nx ? g->nx - 1 : (int)fc;
    int row = fr < 0 ? 0 : fr >= g->ny ? g->ny - 1 : (int)fr;
    return nytte_tiling_tile_of_cell(t, col, row);
}

int nytte_dist_partition_geoms(nytte_ctx *ctx, int **rank, const nytte_geom *geoms, size_t n, const nytte_tiling *t,
                               const nytte_grid *g, int nranks)
{
    size_t nt = nytte_tiling_count(t);
    size_t *order = NULL, *tile_of = malloc((n ? n : 1) * sizeof *tile_of), *first = malloc(((size_t)nranks + 1) * sizeof *first);
    double *w = calloc(nt, sizeof *w);
    int *tile_rank = malloc(nt * sizeof *tile_rank);
    *rank = malloc((n ? n : 1) * sizeof **rank);
    int rc = NYTTE_OK;
    if (!tile_of || !first || !w || !tile_rank || !*rank) {
        rc = nytte_nomem(ctx, "partition");
        goto cleanup;
    }
    if ((rc = nytte_tiling_curve(ctx, &order, t)))
        goto cleanup;
    for (size_t i = 0; i < n; i++) {
        tile_of[i] = nytte_dist_geom_tile(t, g, &geoms[i]);
    }
    /* weights along the curve: geometries owned, + 1 so that empty tiles spread too */
    double *wc = w;
    size_t *pos = malloc(nt * sizeof *pos);
    if (!pos) {
        rc = nytte_nomem(ctx, "partition");
        goto cleanup;
    }
    for (size_t k = 0; k < nt; k++)
        pos[order[k]] = k;
    for (size_t k = 0; k < nt; k++)
        wc[k] = 1.0;
    for (size_t i = 0; i < n; i++)
        wc[pos[tile_of[i]]] += 1.0;
    nytte_dist_split(first, wc, nt, nranks);
    for (int r = 0; r < nranks; r++)
        for (size_t k = first[r]; k < first[r + 1]; k++)
            tile_rank[order[k]] = r;
    for (size_t i = 0; i < n; i++)
        (*rank)[i] = tile_rank[tile_of[i]];
    free(pos);
cleanup:
    if (rc) {
        free(*rank);
        *rank = NULL;
    }
    free(order);
    free(tile_of);
    free(first);
    free(w);
    free(tile_rank);
    return rc;
}
