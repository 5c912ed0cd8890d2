/*
 * minimax.c — the depression fill and the flood level from the sea, tile by tile, equal
 * bit for bit to the one-raster priority floods of engine/hazard/ (Barnes 2016, "Parallel
 * priority-flood depression filling for trillion cell digital elevation models").
 *
 * Both are minimax paths: value(c) = min over paths from a source (an outlet, a sea cell)
 * to c of the highest terrain on the path. Per tile:
 *   1. flood the tile alone, from its true sources (label 1, "the outlet") and from its
 *      edge cells as provisional outlets; an edge cell first reached by a region takes
 *      that region's label, else it starts a label of its own. L(c) = the tile-local value.
 *   2. the spill graph: nodes = labels; an edge between two labels for every pair of
 *      neighbouring cells with those labels (inside a tile, or across a tile edge), of
 *      weight max(L(a), L(b)), keeping the lowest per pair.
 *   3. rank 0 solves the graph: g(label) = the lowest "highest edge" over graph paths from
 *      the outlet (a priority flood over the graph, g(outlet) = -inf).
 *   4. value(c) = max(L(c), g(label(c))).
 * docs/scale-out.md has the proof that 4 equals the global value; it uses comparisons
 * only (no arithmetic on heights), so the result is the same Float32 bit pattern.
 * This file floods the tiles (steps 1 and 4, with the priority flood of grid/) and runs
 * the steps across the ranks; spill.c packs the summaries and solves the graph (2, 3).
 */
#include "nytte/dist.h"

#include "dist/dist_int.h"
#include "grid/grid.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#ifdef _OPENMP
#include <omp.h>
#endif

/* Scratch of one thread for one tile at a time (all zero: empty). */
typedef struct mm_work {
    float *zh;     /* (h+2)(w+2) cells with halo, NaN = missing */
    uint8_t *sea;  /* w*h (flood level) */
    float *L;      /* w*h tile-local values */
    uint32_t *lab; /* w*h labels (0 = none) */
    uint8_t *st;   /* w*h: 0 open, 1 reached/queued, 2 impassable */
    size_t cap;
    dist_edge *e;
    size_t ne, ecap;
    grid_pflood q;
} mm_work;

static void work_free(mm_work *k)
{
    free(k->zh);
    free(k->sea);
    free(k->L);
    free(k->lab);
    free(k->st);
    free(k->e);
    grid_pflood_free(&k->q);
    memset(k, 0, sizeof *k);
}

static int work_reserve(mm_work *k, int w, int h)
{
    size_t n = (size_t)w * (size_t)h, nh = (size_t)(w + 2) * (size_t)(h + 2);
    if (nh <= k->cap)
        return 0;
    free(k->zh);
    free(k->sea);
    free(k->L);
    free(k->lab);
    free(k->st);
    k->zh = malloc(nh * sizeof *k->zh);
    k->sea = malloc(n);
    k->L = malloc(n * sizeof *k->L);
    k->lab = malloc(n * sizeof *k->lab);
    k->st = malloc(n);
    k->cap = nh;
    if (!k->zh || !k->sea || !k->L || !k->lab || !k->st) {
        k->cap = 0;
        return -1;
    }
    return 0;
}

static int edge_add(mm_work *k, uint32_t a, uint32_t b, float w)
{
    if (k->ne == k->ecap && grid_grow(&k->e, &k->ecap, sizeof *k->e, 1024) != 0)
        return -1;
    k->e[k->ne++] = a < b ? (dist_edge){a, b, w} : (dist_edge){b, a, w};
    return 0;
}

static int cmp_edge(const void *x, const void *y)
{
    const dist_edge *p = x, *q = y;
    if (p->a != q->a)
        return p->a < q->a ? -1 : 1;
    if (p->b != q->b)
        return p->b < q->b ? -1 : 1;
    return p->w < q->w ? -1 : p->w > q->w;
}

/* Keep the lowest weight per label pair. */
static void edges_dedup(dist_edge *e, size_t *ne)
{
    if (*ne == 0)
        return;
    qsort(e, *ne, sizeof *e, cmp_edge);
    size_t m = 1;
    for (size_t i = 1; i < *ne; i++)
        if (e[i].a != e[m - 1].a || e[i].b != e[m - 1].b)
            e[m++] = e[i];
    *ne = m;
}

/* A tile cell with its halo: row r, column c of the tile (-1 and w, h are the halo). */
#define ZH(r, c) zh[(size_t)((r) + 1) * (size_t)(w + 2) + (size_t)((c) + 1)]

/*
 * The start of a tile's flood: every cell open, impassable (nodata; with the flood level,
 * nodata that is not sea) or queued — the true sources (sea cells; for the fill the
 * outlets of the whole raster: its edge and cells next to nodata) labelled DIST_OUTLET,
 * and the tile's edge cells as provisional outlets, unlabelled. 0, or -1 when out of memory.
 */
static int tile_seed(mm_work *k, nytte_minimax_kind kind, const grid_nbr *nb, int gnx, int gny, int col0, int row0)
{
    const int w = nb->nx, h = nb->ny;
    const float *zh = k->zh;
    const uint8_t *sea = k->sea;
    float *L = k->L;
    uint32_t *lab = k->lab;
    uint8_t *st = k->st; /* held here: a byte store through k->st could change any field of k */
    for (int r = 0; r < h; r++) {
        for (int c = 0; c < w; c++) {
            size_t i = (size_t)r * (size_t)w + (size_t)c;
            float z = ZH(r, c);
            bool nod = z != z, src;
            lab[i] = 0;
            if (kind == NYTTE_MINIMAX_FLOOD_LEVEL) {
                src = sea[i] != 0;
                if (nod && !src) {
                    st[i] = 2;
                    continue;
                }
                L[i] = nod ? -INFINITY : z;
            } else {
                if (nod) {
                    st[i] = 2;
                    continue;
                }
                int gr = row0 + r, gc = col0 + c;
                src = gr == 0 || gc == 0 || gr == gny - 1 || gc == gnx - 1;
                if (!src) {
                    GRID_FOR_NBR(nb, d) {
                        float y = ZH(r + nb->dr[d], c + nb->dc[d]);
                        if ((src = y != y))
                            break;
                    }
                }
                L[i] = z;
            }
            bool edge = r == 0 || c == 0 || r == h - 1 || c == w - 1;
            if (!src && !edge) {
                st[i] = 0;
                continue;
            }
            st[i] = 1;
            if (src)
                lab[i] = DIST_OUTLET;
            if (grid_heap_push(&k->q.heap, grid_key(L[i], (uint32_t)i)) != 0)
                return -1;
        }
    }
    return 0;
}

/* Edges between regions inside the tile: every neighbouring pair once (forward neighbours). */
static int tile_edges(mm_work *k, int conn, int w, int h)
{
    static const int fdr[4] = {0, 1, 1, 1}, fdc[4] = {1, 0, 1, -1};
    const int nf = conn == NYTTE_CONNECT_8 ? 4 : 2;
    const uint32_t *lab = k->lab;
    const float *L = k->L;
    for (size_t i = 0; i < (size_t)w * (size_t)h; i++) {
        if (!lab[i])
            continue;
        int r = (int)(i / (size_t)w), c = (int)(i % (size_t)w);
        for (int d = 0; d < nf; d++) {
            int rr = r + fdr[d], cc = c + fdc[d];
            if (rr >= h || cc < 0 || cc >= w)
                continue;
            size_t j = (size_t)rr * (size_t)w + (size_t)cc;
            if (lab[j] && lab[j] != lab[i] && edge_add(k, lab[i], lab[j], dist_fmax_exact(L[i], L[j])) != 0)
                return -1;
        }
    }
    edges_dedup(k->e, &k->ne);
    return 0;
}

/*
 * Flood one tile whose cells (with halo) and sea flags are in k. Returns 0 or -1 (out of
 * memory); *nlabels = labels used besides the outlet (they are 2 .. nlabels + 1).
 */
static int tile_flood(mm_work *k, nytte_minimax_kind kind, int conn, int gnx, int gny, int col0, int row0, int w,
                      int h, uint32_t *nlabels)
{
    const grid_nbr nb = grid_nbr_conn(w, h, conn); /* the tile's cells */
    const float *zh = k->zh;
    float *L = k->L;
    uint32_t *lab = k->lab;
    uint8_t *st = k->st;
    uint32_t next = DIST_OUTLET + 1;
    grid_pflood_reset(&k->q);
    k->ne = 0;
    if (tile_seed(k, kind, &nb, gnx, gny, col0, row0) != 0)
        return -1;
    uint32_t cell;
    uint64_t key;
    int from;
    while ((from = grid_pflood_pop(&k->q, &cell, &key)) > 0) {
        if (from == GRID_PF_HEAP && lab[cell] == 0)
            lab[cell] = next++; /* a tile-edge cell no region reached first: a label of its own */
        float spill = L[cell];
        int r, col;
        grid_rc(&nb, cell, &r, &col);
        GRID_FOR_NBR(&nb, d) { /* with the row and column: the halo's index */
            int rr, cc;
            if (!grid_nbr_rc(&nb, r, col, d, &rr, &cc))
                continue;
            size_t j = (size_t)rr * (size_t)w + (size_t)cc;
            if (st[j] == 1) {
                /* a tile-edge cell still waiting in the heap (its height >= spill): it
                 * joins this region, which reached it first */
                if (lab[j] == 0)
                    lab[j] = lab[cell];
                continue;
            }
            if (st[j] == 2)
                continue;
            st[j] = 1;
            lab[j] = lab[cell];
            float z = ZH(rr, cc);
            int raised = grid_pflood_add(&k->q, (uint32_t)j, z, spill);
            if (raised < 0)
                return -1;
            L[j] = raised ? spill : z;
        }
    }
    if (from < 0 || tile_edges(k, conn, w, h) != 0)
        return -1;
    *nlabels = next - DIST_OUTLET - 1;
    return 0;
}

/* The final values of a flooded tile: max(L, the level of its label), into out (w*h). */
static void tile_final(const mm_work *k, nytte_minimax_kind kind, int w, int h, const float *g, uint64_t base,
                       float *out)
{
    const float *zh = k->zh;
    for (int r = 0; r < h; r++) {
        for (int c = 0; c < w; c++) {
            size_t i = (size_t)r * (size_t)w + (size_t)c;
            float z = ZH(r, c);
            if (z != z) {
                out[i] = NYTTE_HAZARD_NODATA;
            } else if (!k->lab[i]) {
                out[i] = kind == NYTTE_MINIMAX_FILL ? z : INFINITY; /* what the one-raster flood leaves */
            } else {
                float gl = k->lab[i] == DIST_OUTLET ? -INFINITY : g[base + k->lab[i] - 2];
                out[i] = dist_fmax_exact(k->L[i], gl);
            }
        }
    }
}

#undef ZH

/* ---- the run ----------------------------------------------------------------- */

/* One tiled run on this rank, step by step. */
typedef struct mm_run {
    nytte_minimax_kind kind;
    int conn, nth, rank, size;
    bool distributed;
    const nytte_tiling *t;
    nytte_tile_source_fn source;
    nytte_tile_sink_fn sink;
    void *user;
    size_t *order, k0, nmine; /* this rank's tiles: order[k0 .. k0 + nmine) */
    int *failed;              /* per tile of this rank: the failure of the last pass, 0 = none */
    size_t *counts;           /* the bytes of each rank's summaries (rank 0) */
    uint64_t *base;           /* per tile: the graph node of its label 2; ntiles + 1 entries */
    float *g;                 /* the level of every node */
    uint64_t nnodes;
    nytte_minimax_stats *stats;
} mm_run;

/* Read tile `tile` of m into wk and flood it: 0, or the failure (NYTTE_ENOMEM, NYTTE_EINPUT). */
static int tile_load_flood(mm_work *wk, const mm_run *m, size_t tile, int *c0, int *r0, int *w, int *h, uint32_t *nl)
{
    const nytte_tiling *t = m->t;
    nytte_tiling_window(t, tile, c0, r0, w, h);
    if (work_reserve(wk, *w, *h) != 0)
        return NYTTE_ENOMEM;
    if (m->source(m->user, tile, *c0, *r0, *w, *h, wk->zh, m->kind == NYTTE_MINIMAX_FLOOD_LEVEL ? wk->sea : NULL) != 0)
        return NYTTE_EINPUT;
    if (tile_flood(wk, m->kind, m->conn, t->nx, t->ny, *c0, *r0, *w, *h, nl) != 0)
        return NYTTE_ENOMEM;
    return 0;
}

/* The failure of the pass on this rank's tile of lowest index (not of the thread count). */
static int tile_failure(nytte_ctx *ctx, const mm_run *m)
{
    for (size_t q = 0; q < m->nmine; q++) {
        int f = m->failed[q];
        if (!f)
            continue;
        size_t tile = m->order[m->k0 + q];
        if (f == NYTTE_ENOMEM)
            return nytte_nomem(ctx, "tiled flood: tile %zu", tile);
        return nytte_error(ctx, f, "tiled flood: tile %zu: %s", tile,
                           f == NYTTE_EIO ? "the tile sink failed" : "the tile source failed");
    }
    return NYTTE_OK;
}

/* 1. Flood this rank's tiles and pack their summaries, one after another, into *mine. */
static int flood_tiles(nytte_ctx *ctx, mm_run *m, unsigned char **mine, size_t *nbytes)
{
    const size_t nmine = m->nmine;
    unsigned char **packs = calloc(nmine ? nmine : 1, sizeof *packs);
    size_t *sizes = calloc(nmine ? nmine : 1, sizeof *sizes);
    int rc = NYTTE_OK;
    if (!packs || !sizes) {
        rc = nytte_nomem(ctx, "tiled flood");
        goto cleanup;
    }
#pragma omp parallel num_threads(m->nth)
    {
        mm_work wk;
        memset(&wk, 0, sizeof wk);
#pragma omp for schedule(dynamic, 1)
        for (size_t q = 0; q < nmine; q++) {
            size_t tile = m->order[m->k0 + q];
            int c0, r0, w, h;
            uint32_t nl = 0;
            if ((m->failed[q] = tile_load_flood(&wk, m, tile, &c0, &r0, &w, &h, &nl)) != 0)
                continue;
            sizes[q] = dist_summary_size(wk.ne, w, h);
            packs[q] = malloc(sizes[q]);
            if (!packs[q]) {
                m->failed[q] = NYTTE_ENOMEM;
                continue;
            }
            dist_summary_pack(packs[q], tile, nl, wk.e, wk.ne, wk.L, wk.lab, w, h);
        }
        work_free(&wk);
    }
    if ((rc = tile_failure(ctx, m)))
        goto cleanup;
    *nbytes = 0;
    for (size_t q = 0; q < nmine; q++)
        *nbytes += sizes[q];
    if (!(*mine = malloc(*nbytes ? *nbytes : 1))) {
        rc = nytte_nomem(ctx, "tiled flood");
        goto cleanup;
    }
    size_t off = 0;
    for (size_t q = 0; q < nmine; q++) {
        memcpy(*mine + off, packs[q], sizes[q]);
        off += sizes[q];
    }
cleanup:
    for (size_t q = 0; packs && q < nmine; q++)
        free(packs[q]);
    free(packs);
    free(sizes);
    return rc;
}

/*
 * 2. The summaries to rank 0 (*mine is taken), which solves the spill graph into m->g and
 * m->base; a failure there stops every rank.
 */
static int solve_graph(nytte_ctx *ctx, mm_run *m, unsigned char **mine, size_t nbytes)
{
    unsigned char *all = NULL;
    dist_summary *views = NULL;
    size_t nt = nytte_tiling_count(m->t);
    int rc = NYTTE_OK;
    double t0 = nytte_now();
    if (m->distributed) {
        if ((rc = nytte_dist_gather(ctx, (void **)&all, m->counts, *mine, nbytes)))
            return rc;
    } else {
        all = *mine;
        *mine = NULL;
        m->counts[0] = nbytes;
    }
    m->stats->t_comm += nytte_now() - t0;
    if (m->rank == 0) {
        t0 = nytte_now();
        views = calloc(nt, sizeof *views);
        if (!views) {
            rc = nytte_nomem(ctx, "tiled flood");
            goto agree;
        }
        size_t total = 0, nn = 0, ne = 0;
        for (int r = 0; r < m->size; r++)
            total += m->counts[r];
        dist_summaries_parse(views, all, total);
        if ((rc = dist_spill_solve(ctx, &m->g, &nn, &ne, m->base, views, m->t, m->conn)))
            goto agree;
        m->nnodes = nn;
        m->stats->nlabels = nn;
        m->stats->nedges = ne;
        m->stats->t_graph = nytte_now() - t0;
    }
agree:
    free(all);
    free(views);
    /* rank 0's graph failed: every rank stops */
    if (m->distributed)
        rc = nytte_dist_agree(ctx, rc, "tiled flood: the spill graph");
    return rc;
}

/* 3. The levels (and the tiles' first nodes) from rank 0 to every rank. */
static int share_levels(nytte_ctx *ctx, mm_run *m)
{
    int rc = NYTTE_OK;
    if (!m->distributed)
        return NYTTE_OK;
    double t0 = nytte_now();
    size_t nt = nytte_tiling_count(m->t);
    if ((rc = nytte_dist_bcast(ctx, &m->nnodes, sizeof m->nnodes)))
        return rc;
    if (m->rank != 0 && !(m->g = malloc((m->nnodes ? (size_t)m->nnodes : 1) * sizeof *m->g)))
        rc = nytte_nomem(ctx, "tiled flood: %llu levels", (unsigned long long)m->nnodes);
    if ((rc = nytte_dist_agree(ctx, rc, "tiled flood: the levels")))
        return rc;
    if ((rc = nytte_dist_bcast(ctx, m->base, (nt + 1) * sizeof *m->base)) ||
        (rc = nytte_dist_bcast(ctx, m->g, (size_t)m->nnodes * sizeof *m->g)))
        return rc;
    m->stats->t_comm += nytte_now() - t0;
    return NYTTE_OK;
}

/* 4. Flood this rank's tiles again, raise them to the levels and hand them to the sink. */
static int finish_tiles(nytte_ctx *ctx, mm_run *m)
{
    const nytte_tiling *t = m->t;
    memset(m->failed, 0, (m->nmine ? m->nmine : 1) * sizeof *m->failed);
#pragma omp parallel num_threads(m->nth)
    {
        mm_work wk;
        memset(&wk, 0, sizeof wk);
        float *outv = malloc((size_t)t->tw * (size_t)t->th * sizeof *outv);
#pragma omp for schedule(dynamic, 1)
        for (size_t q = 0; q < m->nmine; q++) {
            size_t tile = m->order[m->k0 + q];
            int c0, r0, w, h;
            uint32_t nl = 0;
            if (!outv) {
                m->failed[q] = NYTTE_ENOMEM;
                continue;
            }
            if ((m->failed[q] = tile_load_flood(&wk, m, tile, &c0, &r0, &w, &h, &nl)) != 0)
                continue;
            tile_final(&wk, m->kind, w, h, m->g, m->base[tile], outv);
            if (m->sink(m->user, tile, c0, r0, w, h, outv) != 0)
                m->failed[q] = NYTTE_EIO;
        }
        free(outv);
        work_free(&wk);
    }
    /* a failure here is this rank's: the caller agrees before its next collective */
    return tile_failure(ctx, m);
}

int nytte_dist_minimax_run(nytte_ctx *ctx, nytte_minimax_kind kind, int connectivity, const nytte_tiling *t,
                           nytte_tile_source_fn source, nytte_tile_sink_fn sink, void *user, bool distributed,
                           nytte_minimax_stats *stats)
{
    nytte_minimax_stats st0;
    if (!stats)
        stats = &st0;
    memset(stats, 0, sizeof *stats);
    if (connectivity != NYTTE_CONNECT_4 && connectivity != NYTTE_CONNECT_8)
        return nytte_error(ctx, NYTTE_EUSAGE, "tiled flood: connectivity must be 4 or 8, got %d", connectivity);
    if ((uint64_t)(t->tw + 2) * (uint64_t)(t->th + 2) > ((uint64_t)1 << 31))
        return nytte_error(ctx, NYTTE_EUSAGE, "tiled flood: tiles of %d x %d cells are too large", t->tw, t->th);
    mm_run m = {.kind = kind,
                .conn = connectivity,
                .nth = nytte_ctx_threads(ctx),
                .rank = distributed ? nytte_dist_rank() : 0,
                .size = distributed ? nytte_dist_size() : 1,
                .distributed = distributed,
                .t = t,
                .source = source,
                .sink = sink,
                .user = user,
                .stats = stats};
    size_t nt = nytte_tiling_count(t), nbytes = 0;
    unsigned char *mine = NULL;
    double t0;
    int rc;
    /*
     * A step that fails on one rank only (memory, a tile's file) must not leave the others
     * waiting in the next collective: every failure before one goes to an agreement point
     * (nytte_dist_agree), where every rank learns of it and returns.
     */
    if ((rc = dist_my_tiles(ctx, t, distributed, &m.order, &m.k0, &m.nmine)))
        goto agree_tiles;
    m.counts = calloc((size_t)m.size, sizeof *m.counts);
    m.base = malloc((nt + 1) * sizeof *m.base);
    m.failed = calloc(m.nmine ? m.nmine : 1, sizeof *m.failed);
    if (!m.counts || !m.base || !m.failed) {
        rc = nytte_nomem(ctx, "tiled flood");
        goto agree_tiles;
    }
    stats->ntiles_here = m.nmine;
    t0 = nytte_now();
    rc = flood_tiles(ctx, &m, &mine, &nbytes);
    stats->t_tiles = nytte_now() - t0;
agree_tiles:
    if (distributed)
        rc = nytte_dist_agree(ctx, rc, "tiled flood");
    if (rc || (rc = solve_graph(ctx, &m, &mine, nbytes)) || (rc = share_levels(ctx, &m)))
        goto cleanup;
    t0 = nytte_now();
    rc = finish_tiles(ctx, &m);
    stats->t_finish = nytte_now() - t0;
cleanup:
    free(m.failed);
    free(m.order);
    free(m.counts);
    free(m.base);
    free(m.g);
    free(mine);
    return rc;
}

/* ---- in-memory convenience: the whole raster here ------------------------------ */

typedef struct mem_io {
    const nytte_raster *dem;
    const uint8_t *sea; /* nx*ny or NULL */
    float *out;
} mem_io;

static int mem_source(void *user, size_t tile, int col0, int row0, int w, int h, float *zh, uint8_t *sea)
{
    (void)tile;
    const mem_io *m = user;
    const nytte_raster *d = m->dem;
    const int nx = d->grid.nx, ny = d->grid.ny;
    size_t k = 0;
    for (int r = row0 - 1; r <= row0 + h; r++) {
        for (int c = col0 - 1; c <= col0 + w; c++, k++) {
            if (r < 0 || c < 0 || r >= ny || c >= nx) {
                zh[k] = NAN;
                continue;
            }
            float v = d->v[(size_t)r * (size_t)nx + (size_t)c];
            zh[k] = nytte_raster_isnodata(d, v) ? NAN : v;
        }
    }
    if (sea)
        for (int r = 0; r < h; r++)
            memcpy(sea + (size_t)r * (size_t)w, m->sea + (size_t)(row0 + r) * (size_t)nx + (size_t)col0, (size_t)w);
    return 0;
}

static int mem_sink(void *user, size_t tile, int col0, int row0, int w, int h, const float *v)
{
    (void)tile;
    const mem_io *m = user;
    const int nx = m->dem->grid.nx;
    for (int r = 0; r < h; r++)
        memcpy(m->out + (size_t)(row0 + r) * (size_t)nx + (size_t)col0, v + (size_t)r * (size_t)w,
               (size_t)w * sizeof *v);
    return 0;
}

int nytte_dist_fill_tiled(nytte_ctx *ctx, nytte_raster *filled, const nytte_raster *dem, int connectivity, int tw,
                          int th)
{
    *filled = (nytte_raster)NYTTE_RASTER_INIT;
    nytte_tiling t;
    int rc;
    if ((rc = grid_check_raster(ctx, dem, "terrain")) || (rc = grid_check_conn(ctx, connectivity)) ||
        (rc = nytte_tiling_init(ctx, &t, dem->grid.nx, dem->grid.ny, tw, th)))
        return rc;
    if ((rc = grid_new_output(ctx, filled, dem, 0.0f)))
        return rc;
    mem_io m = {dem, NULL, filled->v};
    rc = nytte_dist_minimax_run(ctx, NYTTE_MINIMAX_FILL, connectivity, &t, mem_source, mem_sink, &m, false, NULL);
    if (rc)
        nytte_raster_clear(filled);
    return rc;
}

int nytte_dist_flood_level_tiled(nytte_ctx *ctx, nytte_raster *out, const nytte_raster *dem, const nytte_geom *sea,
                                 size_t nsea, int connectivity, int tw, int th)
{
    *out = (nytte_raster)NYTTE_RASTER_INIT;
    nytte_tiling t;
    int rc;
    if ((rc = grid_check_raster(ctx, dem, "terrain")) || (rc = grid_check_conn(ctx, connectivity)) ||
        (rc = nytte_tiling_init(ctx, &t, dem->grid.nx, dem->grid.ny, tw, th)))
        return rc;
    uint8_t *flag = calloc((size_t)dem->grid.nx * (size_t)dem->grid.ny, 1);
    if (!flag)
        return nytte_nomem(ctx, "flood level");
    if ((rc = grid_mark_sea(ctx, flag, &dem->grid, sea, nsea)) || (rc = grid_new_output(ctx, out, dem, 0.0f)))
        goto cleanup;
    mem_io m = {dem, flag, out->v};
    rc = nytte_dist_minimax_run(ctx, NYTTE_MINIMAX_FLOOD_LEVEL, connectivity, &t, mem_source, mem_sink, &m, false,
                                NULL);
cleanup:
    if (rc)
        nytte_raster_clear(out);
    free(flag);
    return rc;
}
