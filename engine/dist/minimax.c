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
 */
#include "nytte/dist.h"

#include "dist/dist_int.h"
#include "grid/grid.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifdef _OPENMP
#include <omp.h>
#endif

#define OUTLET 1u /* the label of true sources; local labels are 2, 3, ... */

typedef struct mm_edge {
    uint32_t a, b; /* a < b */
    float w;
} mm_edge;

/* Scratch of one thread for one tile at a time. */
typedef struct mm_work {
    float *zh;     /* (h+2)(w+2) cells with halo, NaN = missing */
    uint8_t *sea;  /* w*h (flood level) */
    float *L;      /* w*h tile-local values */
    uint32_t *lab; /* w*h labels (0 = none) */
    uint8_t *st;   /* w*h: 0 open, 1 reached/queued, 2 impassable */
    size_t cap;
    mm_edge *e;
    size_t ne, ecap;
    grid_fifo pit;
    grid_heap heap;
} mm_work;

static void work_free(mm_work *k)
{
    free(k->zh);
    free(k->sea);
    free(k->L);
    free(k->lab);
    free(k->st);
    free(k->e);
    grid_fifo_free(&k->pit);
    grid_heap_free(&k->heap);
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
    if (k->ne == k->ecap) {
        size_t nc = k->ecap ? 2 * k->ecap : 1024;
        mm_edge *e = realloc(k->e, nc * sizeof *e);
        if (!e)
            return -1;
        k->e = e;
        k->ecap = nc;
    }
    k->e[k->ne++] = a < b ? (mm_edge){a, b, w} : (mm_edge){b, a, w};
    return 0;
}

static int cmp_edge(const void *x, const void *y)
{
    const mm_edge *p = x, *q = y;
    if (p->a != q->a)
        return p->a < q->a ? -1 : 1;
    if (p->b != q->b)
        return p->b < q->b ? -1 : 1;
    return p->w < q->w ? -1 : p->w > q->w;
}

/* Keep the lowest weight per label pair. */
static void edges_dedup(mm_edge *e, size_t *ne)
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

static inline float fmaxf_exact(float a, float b) { return a > b ? a : b; }

/*
 * Flood one tile whose cells (with halo) and sea flags are in k. Returns 0 or -1 (out of
 * memory); *nlabels = labels used besides the outlet (they are 2 .. nlabels + 1).
 */
static int tile_flood(mm_work *k, nytte_minimax_kind kind, int conn, int gnx, int gny, int col0, int row0, int w,
                      int h, uint32_t *nlabels)
{
    const size_t n = (size_t)w * (size_t)h;
    const int hw = w + 2;
    const float *zh = k->zh;
    float *L = k->L;
    uint32_t *lab = k->lab;
    uint8_t *st = k->st;
    uint32_t next = OUTLET + 1;
    grid_heap_free(&k->heap);
    k->pit.n = 0;
    k->pit.head = 0;
    k->ne = 0;
#define ZH(r, c) zh[(size_t)((r) + 1) * (size_t)hw + (size_t)((c) + 1)]
    for (int r = 0; r < h; r++) {
        for (int c = 0; c < w; c++) {
            size_t i = (size_t)r * (size_t)w + (size_t)c;
            float z = ZH(r, c);
            bool nod = z != z, src;
            lab[i] = 0;
            if (kind == NYTTE_MINIMAX_FLOOD_LEVEL) {
                src = k->sea[i] != 0;
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
                for (int d = 0; !src && d < conn; d++) {
                    float y = ZH(r + grid_conn_dr[d], c + grid_conn_dc[d]);
                    src = y != y;
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
                lab[i] = OUTLET;
            if (grid_heap_push(&k->heap, grid_key(L[i], (uint32_t)i)) != 0)
                return -1;
        }
    }
    while (k->pit.n || k->heap.n) {
        uint32_t c;
        if (k->pit.n) {
            c = grid_fifo_pop(&k->pit);
        } else {
            uint64_t key;
            if (grid_heap_pop(&k->heap, &key) != 0)
                return -1;
            c = grid_key_idx(key);
            if (lab[c] == 0)
                lab[c] = next++; /* a tile-edge cell no region reached first: a label of its own */
        }
        float spill = L[c];
        int r = (int)(c / (uint32_t)w), col = (int)(c % (uint32_t)w);
        for (int d = 0; d < conn; d++) {
            int rr = r + grid_conn_dr[d], cc = col + grid_conn_dc[d];
            if (rr < 0 || cc < 0 || rr >= h || cc >= w)
                continue;
            size_t j = (size_t)rr * (size_t)w + (size_t)cc;
            if (st[j] == 1) {
                /* a tile-edge cell still waiting in the heap (its height >= spill): it
                 * joins this region, which reached it first */
                if (lab[j] == 0)
                    lab[j] = lab[c];
                continue;
            }
            if (st[j] == 2)
                continue;
            st[j] = 1;
            lab[j] = lab[c];
            float z = ZH(rr, cc);
            int err;
            if (z <= spill) {
                L[j] = spill;
                err = grid_fifo_push(&k->pit, (uint32_t)j);
            } else {
                L[j] = z;
                err = grid_heap_push(&k->heap, grid_key(z, (uint32_t)j));
            }
            if (err)
                return -1;
        }
    }
#undef ZH
    /* Edges between regions inside the tile: every neighbouring pair once (forward neighbours). */
    static const int fdr[4] = {0, 1, 1, 1}, fdc[4] = {1, 0, 1, -1};
    int nf = conn == NYTTE_CONNECT_8 ? 4 : 2;
    for (size_t i = 0; i < n; i++) {
        if (!lab[i])
            continue;
        int r = (int)(i / (size_t)w), c = (int)(i % (size_t)w);
        for (int d = 0; d < nf; d++) {
            int rr = r + fdr[d], cc = c + fdc[d];
            if (rr >= h || cc < 0 || cc >= w)
                continue;
            size_t j = (size_t)rr * (size_t)w + (size_t)cc;
            if (lab[j] && lab[j] != lab[i] && edge_add(k, lab[i], lab[j], fmaxf_exact(L[i], L[j])) != 0)
                return -1;
        }
    }
    edges_dedup(k->e, &k->ne);
    *nlabels = next - OUTLET - 1;
    return 0;
}

/* ---- tile summaries: what rank 0 needs of a tile ------------------------------ */

/*
 * Packed as: header, edges (a, b, w), ring values L then ring labels; the ring is the top
 * row, the bottom row, the left column, the right column (corners twice).
 */
typedef struct mm_head {
    uint64_t tile, nedges;
    uint32_t nlabels, w, h, pad;
} mm_head;

static size_t ring_len(int w, int h) { return 2 * (size_t)w + 2 * (size_t)h; }

static size_t summary_size(size_t ne, int w, int h)
{
    return sizeof(mm_head) + ne * sizeof(mm_edge) + ring_len(w, h) * (sizeof(float) + sizeof(uint32_t));
}

static size_t ring_pos(int w, int h, int r, int c)
{
    if (r == 0)
        return (size_t)c;
    if (r == h - 1)
        return (size_t)w + (size_t)c;
    if (c == 0)
        return 2 * (size_t)w + (size_t)r;
    return 2 * (size_t)w + (size_t)h + (size_t)r;
}

static void summary_pack(unsigned char *out, const mm_work *k, size_t tile, uint32_t nlabels, int w, int h)
{
    mm_head hd = {tile, k->ne, nlabels, (uint32_t)w, (uint32_t)h, 0};
    memcpy(out, &hd, sizeof hd);
    out += sizeof hd;
    if (k->ne)
        memcpy(out, k->e, k->ne * sizeof(mm_edge));
    out += k->ne * sizeof(mm_edge);
    size_t m = ring_len(w, h);
    float *rl = (float *)(void *)out;
    uint32_t *rb = (uint32_t *)(void *)(out + m * sizeof(float));
    for (int c = 0; c < w; c++) {
        size_t a = (size_t)c, b = (size_t)(h - 1) * (size_t)w + (size_t)c;
        memcpy(&rl[c], &k->L[a], sizeof(float));
        memcpy(&rb[c], &k->lab[a], sizeof(uint32_t));
        memcpy(&rl[w + c], &k->L[b], sizeof(float));
        memcpy(&rb[w + c], &k->lab[b], sizeof(uint32_t));
    }
    for (int r = 0; r < h; r++) {
        size_t a = (size_t)r * (size_t)w, b = a + (size_t)w - 1;
        memcpy(&rl[2 * w + r], &k->L[a], sizeof(float));
        memcpy(&rb[2 * w + r], &k->lab[a], sizeof(uint32_t));
        memcpy(&rl[2 * w + h + r], &k->L[b], sizeof(float));
        memcpy(&rb[2 * w + h + r], &k->lab[b], sizeof(uint32_t));
    }
}

/* A parsed view of one summary inside a gathered buffer (unaligned data copied out on use). */
typedef struct mm_view {
    mm_head hd;
    const unsigned char *edges, *ring_l, *ring_b;
} mm_view;

static float ring_l(const mm_view *v, size_t p)
{
    float x;
    memcpy(&x, v->ring_l + p * sizeof x, sizeof x);
    return x;
}

static uint32_t ring_b(const mm_view *v, size_t p)
{
    uint32_t x;
    memcpy(&x, v->ring_b + p * sizeof x, sizeof x);
    return x;
}

/* ---- the spill graph (rank 0) ------------------------------------------------ */

typedef struct gheap {
    uint64_t *a;
    size_t n, cap;
} gheap;

static int gheap_push(gheap *h, uint64_t k)
{
    if (h->n == h->cap) {
        size_t nc = h->cap ? 2 * h->cap : 1024;
        uint64_t *a = realloc(h->a, nc * sizeof *a);
        if (!a)
            return -1;
        h->a = a;
        h->cap = nc;
    }
    size_t i = h->n++;
    while (i > 0 && h->a[(i - 1) / 2] > k) {
        h->a[i] = h->a[(i - 1) / 2];
        i = (i - 1) / 2;
    }
    h->a[i] = k;
    return 0;
}

static uint64_t gheap_pop(gheap *h)
{
    uint64_t top = h->a[0], k = h->a[--h->n];
    size_t i = 0;
    for (;;) {
        size_t c = 2 * i + 1;
        if (c >= h->n)
            break;
        if (c + 1 < h->n && h->a[c + 1] < h->a[c])
            c++;
        if (h->a[c] >= k)
            break;
        h->a[i] = h->a[c];
        i = c;
    }
    if (h->n)
        h->a[i] = k;
    return top;
}

typedef struct gedge {
    uint32_t u, v;
    float w;
} gedge;

/*
 * Solve the spill graph of every tile's summary (views[t] for tile t). base[t] is the node
 * of tile t's label 2 (node 0 is the outlet). Writes g[node] for nnodes nodes.
 */
static int graph_solve(nytte_ctx *ctx, float **g_out, size_t *nnodes_out, size_t *nedges_out, uint64_t *base,
                       const mm_view *views, const nytte_tiling *t, int conn)
{
    size_t nt = nytte_tiling_count(t), nn = 1, ne = 0, cap = 0;
    for (size_t i = 0; i < nt; i++) {
        base[i] = nn;
        nn += views[i].hd.nlabels;
        ne += views[i].hd.nedges;
    }
    base[nt] = nn;
    if (nn > UINT32_MAX)
        return nytte_error(ctx, NYTTE_EINPUT, "tiled flood: %zu labels: too many for the spill graph (use larger tiles)",
                           nn);
#define NODE(ti, l) ((l) == OUTLET ? 0u : (uint32_t)(base[ti] + (l) - 2))
    gedge *E = NULL;
    uint32_t *deg = NULL, *adj = NULL;
    float *aw = NULL, *g = NULL;
    size_t *start = NULL;
    gheap hp = {NULL, 0, 0};
    int rc = NYTTE_OK;
    cap = ne + 1024;
    E = malloc(cap * sizeof *E);
    if (!E)
        goto nomem;
    size_t m = 0;
    for (size_t i = 0; i < nt; i++) {
        for (size_t k = 0; k < views[i].hd.nedges; k++) {
            mm_edge e;
            memcpy(&e, views[i].edges + k * sizeof e, sizeof e);
            E[m++] = (gedge){NODE(i, e.a), NODE(i, e.b), e.w};
        }
    }
    /* across tile edges: each tile's edge cells against the neighbouring tiles' (the pair once, from the lower tile) */
    for (size_t i = 0; i < nt; i++) {
        int c0, r0, w, h;
        nytte_tiling_window(t, i, &c0, &r0, &w, &h);
        const mm_view *vi = &views[i];
        for (int r = 0; r < h; r++) {
            for (int c = 0; c < w; c += (r == 0 || r == h - 1) ? 1 : (w > 1 ? w - 1 : 1)) {
                size_t pi = ring_pos(w, h, r, c);
                uint32_t la = ring_b(vi, pi);
                if (!la)
                    continue;
                float La = ring_l(vi, pi);
                for (int d = 0; d < conn; d++) {
                    int gr = r0 + r + grid_conn_dr[d], gc = c0 + c + grid_conn_dc[d];
                    if (gr < 0 || gc < 0 || gr >= t->ny || gc >= t->nx)
                        continue;
                    if (gr >= r0 && gr < r0 + h && gc >= c0 && gc < c0 + w)
                        continue;
                    size_t j = nytte_tiling_tile_of_cell(t, gc, gr);
                    if (j < i)
                        continue;
                    int c1, r1, w1, h1;
                    nytte_tiling_window(t, j, &c1, &r1, &w1, &h1);
                    size_t pj = ring_pos(w1, h1, gr - r1, gc - c1);
                    uint32_t lb = ring_b(&views[j], pj);
                    if (!lb)
                        continue;
                    if (m == cap) {
                        cap *= 2;
                        gedge *ne2 = realloc(E, cap * sizeof *E);
                        if (!ne2)
                            goto nomem;
                        E = ne2;
                    }
                    E[m++] = (gedge){NODE(i, la), NODE(j, lb), fmaxf_exact(La, ring_l(&views[j], pj))};
                }
            }
        }
    }
#undef NODE
    /* adjacency lists (both directions) */
    deg = calloc(nn + 1, sizeof *deg);
    start = calloc(nn + 1, sizeof *start);
    adj = malloc((2 * m + 1) * sizeof *adj);
    aw = malloc((2 * m + 1) * sizeof *aw);
    g = malloc(nn * sizeof *g);
    if (!deg || !start || !adj || !aw || !g)
        goto nomem;
    for (size_t k = 0; k < m; k++) {
        deg[E[k].u]++;
        deg[E[k].v]++;
    }
    for (size_t u = 0; u < nn; u++)
        start[u + 1] = start[u] + deg[u];
    memset(deg, 0, (nn + 1) * sizeof *deg);
    for (size_t k = 0; k < m; k++) {
        size_t a = start[E[k].u] + deg[E[k].u]++, b = start[E[k].v] + deg[E[k].v]++;
        adj[a] = E[k].v;
        aw[a] = E[k].w;
        adj[b] = E[k].u;
        aw[b] = E[k].w;
    }
    free(E);
    E = NULL;
    /* priority flood over the graph from the outlet: g(v) = min over paths of the highest edge */
    for (size_t u = 0; u < nn; u++)
        g[u] = INFINITY;
    g[0] = -INFINITY;
    if (gheap_push(&hp, grid_key(g[0], 0)) != 0)
        goto nomem;
    while (hp.n) {
        uint64_t key = gheap_pop(&hp);
        uint32_t u = grid_key_idx(key);
        float gu = grid_key_z(key);
        if (gu != g[u])
            continue; /* a stale entry */
        for (size_t a = start[u]; a < start[u + 1]; a++) {
            float cand = fmaxf_exact(gu, aw[a]);
            if (cand < g[adj[a]]) {
                g[adj[a]] = cand;
                if (gheap_push(&hp, grid_key(cand, adj[a])) != 0)
                    goto nomem;
            }
        }
    }
    *g_out = g;
    g = NULL;
    *nnodes_out = nn;
    *nedges_out = m;
    goto cleanup;
nomem:
    rc = nytte_nomem(ctx, "tiled flood: spill graph");
cleanup:
    free(E);
    free(deg);
    free(start);
    free(adj);
    free(aw);
    free(g);
    free(hp.a);
    return rc;
}

/* ---- the run ----------------------------------------------------------------- */

static int tile_final(mm_work *k, nytte_minimax_kind kind, int w, int h, const float *g, uint64_t base, float *out)
{
    for (int r = 0; r < h; r++) {
        for (int c = 0; c < w; c++) {
            size_t i = (size_t)r * (size_t)w + (size_t)c;
            float z = k->zh[(size_t)(r + 1) * (size_t)(w + 2) + (size_t)(c + 1)];
            if (z != z) {
                out[i] = NYTTE_HAZARD_NODATA;
            } else if (!k->lab[i]) {
                out[i] = kind == NYTTE_MINIMAX_FILL ? z : INFINITY; /* what the one-raster flood leaves */
            } else {
                float gl = k->lab[i] == OUTLET ? -INFINITY : g[base + k->lab[i] - 2];
                out[i] = fmaxf_exact(k->L[i], gl);
            }
        }
    }
    return 0;
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
    int rank = distributed ? nytte_dist_rank() : 0, size = distributed ? nytte_dist_size() : 1;
    size_t nt = nytte_tiling_count(t);
    size_t *order = NULL, *counts = NULL, *sizes = NULL;
    unsigned char **packs = NULL, *mine = NULL, *all = NULL;
    mm_view *views = NULL;
    uint64_t *base = NULL;
    float *g = NULL;
    int *failed = NULL;
    int rc = NYTTE_OK, nth = nytte_ctx_threads(ctx);
    size_t nmine = 0, k0 = 0, nbytes = 0;
    uint64_t nnodes = 0;
    /*
     * A step that fails on one rank only (memory, a tile's file) must not leave the others
     * waiting in the next collective: every failure before one goes to an agreement point
     * (nytte_dist_agree), where every rank learns of it and returns.
     */
    if ((rc = dist_my_tiles(ctx, t, distributed, &order, &k0, &nmine)))
        goto agree_tiles;
    counts = calloc((size_t)size, sizeof *counts);
    base = malloc((nt + 1) * sizeof *base);
    if (!counts || !base) {
        rc = nytte_nomem(ctx, "tiled flood");
        goto agree_tiles;
    }
    stats->ntiles_here = nmine;
    packs = calloc(nmine ? nmine : 1, sizeof *packs);
    sizes = calloc(nmine ? nmine : 1, sizeof *sizes);
    failed = calloc(nmine ? nmine : 1, sizeof *failed);
    if (!packs || !sizes || !failed) {
        rc = nytte_nomem(ctx, "tiled flood");
        goto agree_tiles;
    }

    /* 1. flood my tiles, keep their summaries */
    double t0 = nytte_now();
#pragma omp parallel num_threads(nth)
    {
        mm_work wk;
        memset(&wk, 0, sizeof wk);
#pragma omp for schedule(dynamic, 1)
        for (size_t q = 0; q < nmine; q++) {
            size_t tile = order[k0 + q];
            int c0, r0, w, h;
            uint32_t nl = 0;
            nytte_tiling_window(t, tile, &c0, &r0, &w, &h);
            if (work_reserve(&wk, w, h) != 0) {
                failed[q] = NYTTE_ENOMEM;
                continue;
            }
            if (source(user, tile, c0, r0, w, h, wk.zh, kind == NYTTE_MINIMAX_FLOOD_LEVEL ? wk.sea : NULL) != 0) {
                failed[q] = NYTTE_EINPUT;
                continue;
            }
            if (tile_flood(&wk, kind, connectivity, t->nx, t->ny, c0, r0, w, h, &nl) != 0) {
                failed[q] = NYTTE_ENOMEM;
                continue;
            }
            sizes[q] = summary_size(wk.ne, w, h);
            packs[q] = malloc(sizes[q]);
            if (!packs[q]) {
                failed[q] = NYTTE_ENOMEM;
                continue;
            }
            summary_pack(packs[q], &wk, tile, nl, w, h);
        }
        work_free(&wk);
    }
    for (size_t q = 0; q < nmine && !rc; q++)
        if (failed[q])
            rc = nytte_error(ctx, failed[q], "tiled flood: tile %zu: %s", order[k0 + q],
                             failed[q] == NYTTE_ENOMEM ? "out of memory" : "the tile source failed");
    for (size_t q = 0; q < nmine && !rc; q++)
        nbytes += sizes[q];
    if (!rc && !(mine = malloc(nbytes ? nbytes : 1)))
        rc = nytte_nomem(ctx, "tiled flood");
    nbytes = 0;
    for (size_t q = 0; q < nmine && !rc; q++) {
        memcpy(mine + nbytes, packs[q], sizes[q]);
        nbytes += sizes[q];
        free(packs[q]);
        packs[q] = NULL;
    }
    stats->t_tiles = nytte_now() - t0;
agree_tiles:
    if (distributed)
        rc = nytte_dist_agree(ctx, rc, "tiled flood");
    if (rc)
        goto cleanup;

    /* 2. summaries to rank 0, which solves the spill graph */
    t0 = nytte_now();
    if (distributed) {
        if ((rc = nytte_dist_gather(ctx, (void **)&all, counts, mine, nbytes)))
            goto cleanup;
    } else {
        all = mine;
        mine = NULL;
        counts[0] = nbytes;
    }
    stats->t_comm += nytte_now() - t0;
    if (rank == 0) {
        t0 = nytte_now();
        views = calloc(nt, sizeof *views);
        if (!views) {
            rc = nytte_nomem(ctx, "tiled flood");
            goto agree_graph;
        }
        size_t total = 0;
        for (int r = 0; r < size; r++)
            total += counts[r];
        for (size_t off = 0; off < total;) {
            mm_head hd;
            memcpy(&hd, all + off, sizeof hd);
            mm_view *v = &views[hd.tile];
            v->hd = hd;
            v->edges = all + off + sizeof hd;
            v->ring_l = v->edges + hd.nedges * sizeof(mm_edge);
            v->ring_b = v->ring_l + ring_len((int)hd.w, (int)hd.h) * sizeof(float);
            off += summary_size(hd.nedges, (int)hd.w, (int)hd.h);
        }
        size_t nn = 0, ne = 0;
        if ((rc = graph_solve(ctx, &g, &nn, &ne, base, views, t, connectivity)))
            goto agree_graph;
        nnodes = nn;
        stats->nlabels = nn;
        stats->nedges = ne;
        stats->t_graph = nytte_now() - t0;
    }
agree_graph:
    free(all);
    all = NULL;
    /* rank 0's graph failed: every rank stops */
    if (distributed)
        rc = nytte_dist_agree(ctx, rc, "tiled flood: the spill graph");
    if (rc)
        goto cleanup;
    /* 3. the levels to every rank */
    if (distributed) {
        t0 = nytte_now();
        if ((rc = nytte_dist_bcast(ctx, &nnodes, sizeof nnodes)))
            goto cleanup;
        if (rank != 0 && !(g = malloc((nnodes ? (size_t)nnodes : 1) * sizeof *g)))
            rc = nytte_nomem(ctx, "tiled flood: %llu levels", (unsigned long long)nnodes);
        if ((rc = nytte_dist_agree(ctx, rc, "tiled flood: the levels")))
            goto cleanup;
        if ((rc = nytte_dist_bcast(ctx, base, (nt + 1) * sizeof *base)) ||
            (rc = nytte_dist_bcast(ctx, g, (size_t)nnodes * sizeof *g)))
            goto cleanup;
        stats->t_comm += nytte_now() - t0;
    }

    /* 4. flood my tiles again and raise them to the levels */
    t0 = nytte_now();
    memset(failed, 0, (nmine ? nmine : 1) * sizeof *failed);
#pragma omp parallel num_threads(nth)
    {
        mm_work wk;
        memset(&wk, 0, sizeof wk);
        float *outv = malloc((size_t)t->tw * (size_t)t->th * sizeof *outv);
#pragma omp for schedule(dynamic, 1)
        for (size_t q = 0; q < nmine; q++) {
            size_t tile = order[k0 + q];
            int c0, r0, w, h;
            uint32_t nl = 0;
            nytte_tiling_window(t, tile, &c0, &r0, &w, &h);
            if (!outv || work_reserve(&wk, w, h) != 0) {
                failed[q] = NYTTE_ENOMEM;
                continue;
            }
            if (source(user, tile, c0, r0, w, h, wk.zh, kind == NYTTE_MINIMAX_FLOOD_LEVEL ? wk.sea : NULL) != 0) {
                failed[q] = NYTTE_EINPUT;
                continue;
            }
            if (tile_flood(&wk, kind, connectivity, t->nx, t->ny, c0, r0, w, h, &nl) != 0) {
                failed[q] = NYTTE_ENOMEM;
                continue;
            }
            tile_final(&wk, kind, w, h, g, base[tile], outv);
            if (sink(user, tile, c0, r0, w, h, outv) != 0)
                failed[q] = NYTTE_EIO;
        }
        free(outv);
        work_free(&wk);
    }
    for (size_t q = 0; q < nmine && !rc; q++)
        if (failed[q])
            rc = nytte_error(ctx, failed[q], "tiled flood: tile %zu: %s", order[k0 + q],
                             failed[q] == NYTTE_ENOMEM  ? "out of memory"
                             : failed[q] == NYTTE_EIO ? "the tile sink failed"
                                                      : "the tile source failed");
    /* a failure here is this rank's: the caller agrees before its next collective */
    stats->t_finish = nytte_now() - t0;
cleanup:
    for (size_t q = 0; packs && q < nmine; q++)
        free(packs[q]);
    free(packs);
    free(sizes);
    free(failed);
    free(order);
    free(counts);
    free(base);
    free(mine);
    free(all);
    free(views);
    free(g);
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
