/*
 * spill.c — the tiled priority flood's rank-0 side (minimax.c has the tiles): the summary
 * of a flooded tile (its edges between labels, and the values and labels of its ring of
 * edge cells), packed for the gather, and the spill graph solved from them: nodes = the
 * labels of every tile, an edge for every pair of neighbouring labels (inside a tile, or
 * across a tile edge) of weight max(L(a), L(b)); g(label) = the lowest "highest edge" over
 * graph paths from the outlet, by a priority flood over the graph. Comparisons only, so
 * the levels are the Float32 bits of the one-raster flood (docs/scale-out.md).
 */
#include "nytte/dist.h"

#include "dist/dist_int.h"
#include "grid/grid.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* ---- tile summaries ------------------------------------------------------------ */

/*
 * Packed as: header, edges (a, b, w), ring values L then ring labels; the ring is the top
 * row, the bottom row, the left column, the right column (corners twice).
 */
typedef struct mm_head {
    uint64_t tile, nedges;
    uint32_t nlabels, w, h, pad;
} mm_head;

static size_t ring_len(int w, int h) { return 2 * (size_t)w + 2 * (size_t)h; }

size_t dist_summary_size(size_t ne, int w, int h)
{
    return sizeof(mm_head) + ne * sizeof(dist_edge) + ring_len(w, h) * (sizeof(float) + sizeof(uint32_t));
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

void dist_summary_pack(unsigned char *out, size_t tile, uint32_t nlabels, const dist_edge *e, size_t ne,
                       const float *L, const uint32_t *lab, int w, int h)
{
    mm_head hd = {tile, ne, nlabels, (uint32_t)w, (uint32_t)h, 0};
    memcpy(out, &hd, sizeof hd);
    out += sizeof hd;
    if (ne)
        memcpy(out, e, ne * sizeof(dist_edge));
    out += ne * sizeof(dist_edge);
    size_t m = ring_len(w, h);
    float *rl = (float *)(void *)out;
    uint32_t *rb = (uint32_t *)(void *)(out + m * sizeof(float));
    for (int c = 0; c < w; c++) {
        size_t a = (size_t)c, b = (size_t)(h - 1) * (size_t)w + (size_t)c;
        memcpy(&rl[c], &L[a], sizeof(float));
        memcpy(&rb[c], &lab[a], sizeof(uint32_t));
        memcpy(&rl[w + c], &L[b], sizeof(float));
        memcpy(&rb[w + c], &lab[b], sizeof(uint32_t));
    }
    for (int r = 0; r < h; r++) {
        size_t a = (size_t)r * (size_t)w, b = a + (size_t)w - 1;
        memcpy(&rl[2 * w + r], &L[a], sizeof(float));
        memcpy(&rb[2 * w + r], &lab[a], sizeof(uint32_t));
        memcpy(&rl[2 * w + h + r], &L[b], sizeof(float));
        memcpy(&rb[2 * w + h + r], &lab[b], sizeof(uint32_t));
    }
}

void dist_summaries_parse(dist_summary *views, const unsigned char *all, size_t total)
{
    for (size_t off = 0; off < total;) {
        mm_head hd;
        memcpy(&hd, all + off, sizeof hd);
        dist_summary *v = &views[hd.tile];
        *v = (dist_summary){hd.tile, hd.nedges, hd.nlabels, hd.w, hd.h, NULL, NULL, NULL};
        v->edges = all + off + sizeof hd;
        v->ring_l = v->edges + hd.nedges * sizeof(dist_edge);
        v->ring_b = v->ring_l + ring_len((int)hd.w, (int)hd.h) * sizeof(float);
        off += dist_summary_size(hd.nedges, (int)hd.w, (int)hd.h);
    }
}

static float ring_l(const dist_summary *v, size_t p)
{
    float x;
    memcpy(&x, v->ring_l + p * sizeof x, sizeof x);
    return x;
}

static uint32_t ring_b(const dist_summary *v, size_t p)
{
    uint32_t x;
    memcpy(&x, v->ring_b + p * sizeof x, sizeof x);
    return x;
}

/* ---- the spill graph (rank 0) ------------------------------------------------------ */

/*
 * A binary min-heap of (level, node) keys (grid_key). Not the radix heap of grid/: a node
 * may be pushed at the level just popped with a lower node number, below the last key.
 */
typedef struct gheap {
    uint64_t *a;
    size_t n, cap;
} gheap;

static int gheap_push(gheap *h, uint64_t k)
{
    if (h->n == h->cap && grid_grow(&h->a, &h->cap, sizeof *h->a, 1024) != 0)
        return -1;
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

/* The graph node of label l of tile ti. */
static inline uint32_t node_of(const uint64_t *base, size_t ti, uint32_t l)
{
    return l == DIST_OUTLET ? 0u : (uint32_t)(base[ti] + l - 2);
}

/*
 * Every edge of the graph into *E (*m of them, room for ne_tiles + 1024 first): each
 * tile's own edges, then each tile's edge cells against the neighbouring tiles' (the pair
 * once, from the lower tile). -1 when out of memory (*E stays the caller's to free).
 */
static int graph_edges(gedge **E, size_t *m, size_t ne_tiles, const uint64_t *base, const dist_summary *views,
                       const nytte_tiling *t, int conn)
{
    size_t nt = nytte_tiling_count(t), cap = ne_tiles + 1024, k = 0;
    if (!(*E = malloc(cap * sizeof **E)))
        return -1;
    for (size_t i = 0; i < nt; i++) {
        for (size_t j = 0; j < views[i].nedges; j++) {
            dist_edge e;
            memcpy(&e, views[i].edges + j * sizeof e, sizeof e);
            (*E)[k++] = (gedge){node_of(base, i, e.a), node_of(base, i, e.b), e.w};
        }
    }
    const grid_nbr nb = grid_nbr_conn(t->nx, t->ny, conn); /* on the whole grid */
    for (size_t i = 0; i < nt; i++) {
        int c0, r0, w, h;
        nytte_tiling_window(t, i, &c0, &r0, &w, &h);
        const dist_summary *vi = &views[i];
        for (int r = 0; r < h; r++) {
            for (int c = 0; c < w; c += (r == 0 || r == h - 1) ? 1 : (w > 1 ? w - 1 : 1)) {
                size_t pi = ring_pos(w, h, r, c);
                uint32_t la = ring_b(vi, pi);
                if (!la)
                    continue;
                float La = ring_l(vi, pi);
                GRID_FOR_NBR(&nb, d) {
                    int gr, gc;
                    if (!grid_nbr_rc(&nb, r0 + r, c0 + c, d, &gr, &gc))
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
                    if (k == cap && grid_grow(E, &cap, sizeof **E, 1024) != 0)
                        return -1;
                    (*E)[k++] = (gedge){node_of(base, i, la), node_of(base, j, lb),
                                        dist_fmax_exact(La, ring_l(&views[j], pj))};
                }
            }
        }
    }
    *m = k;
    return 0;
}

/*
 * g (nn entries) = the lowest "highest edge" over the paths from node 0 (the outlet) along
 * the m edges *E: adjacency lists both ways (then *E is freed, to hold one copy of the
 * graph at a time), and a priority flood from the outlet. -1 when out of memory.
 */
static int graph_flood(float *g, size_t nn, gedge **E, size_t m)
{
    uint32_t *deg = calloc(nn + 1, sizeof *deg), *adj = malloc((2 * m + 1) * sizeof *adj);
    size_t *start = calloc(nn + 1, sizeof *start);
    float *aw = malloc((2 * m + 1) * sizeof *aw);
    gheap hp = {NULL, 0, 0};
    int rc = -1;
    if (!deg || !start || !adj || !aw)
        goto cleanup;
    const gedge *e = *E;
    for (size_t k = 0; k < m; k++) {
        deg[e[k].u]++;
        deg[e[k].v]++;
    }
    for (size_t u = 0; u < nn; u++)
        start[u + 1] = start[u] + deg[u];
    memset(deg, 0, (nn + 1) * sizeof *deg);
    for (size_t k = 0; k < m; k++) {
        size_t a = start[e[k].u] + deg[e[k].u]++, b = start[e[k].v] + deg[e[k].v]++;
        adj[a] = e[k].v;
        aw[a] = e[k].w;
        adj[b] = e[k].u;
        aw[b] = e[k].w;
    }
    free(*E);
    *E = NULL;
    for (size_t u = 0; u < nn; u++)
        g[u] = INFINITY;
    g[0] = -INFINITY;
    if (gheap_push(&hp, grid_key(g[0], 0)) != 0)
        goto cleanup;
    while (hp.n) {
        uint64_t key = gheap_pop(&hp);
        uint32_t u = grid_key_idx(key);
        float gu = grid_key_z(key);
        if (gu != g[u])
            continue; /* a stale entry */
        for (size_t a = start[u]; a < start[u + 1]; a++) {
            float cand = dist_fmax_exact(gu, aw[a]);
            if (cand < g[adj[a]]) {
                g[adj[a]] = cand;
                if (gheap_push(&hp, grid_key(cand, adj[a])) != 0)
                    goto cleanup;
            }
        }
    }
    rc = 0;
cleanup:
    free(deg);
    free(start);
    free(adj);
    free(aw);
    free(hp.a);
    return rc;
}

int dist_spill_solve(nytte_ctx *ctx, float **g_out, size_t *nnodes_out, size_t *nedges_out, uint64_t *base,
                     const dist_summary *views, const nytte_tiling *t, int connectivity)
{
    size_t nt = nytte_tiling_count(t), nn = 1, ne = 0, m = 0;
    for (size_t i = 0; i < nt; i++) {
        base[i] = nn;
        nn += views[i].nlabels;
        ne += views[i].nedges;
    }
    base[nt] = nn;
    if (nn > UINT32_MAX)
        return nytte_error(ctx, NYTTE_EINPUT, "tiled flood: %zu labels: too many for the spill graph (use larger tiles)",
                           nn);
    gedge *E = NULL;
    float *g = NULL;
    int rc = NYTTE_OK;
    if (graph_edges(&E, &m, ne, base, views, t, connectivity) != 0 || !(g = malloc(nn * sizeof *g)) ||
        graph_flood(g, nn, &E, m) != 0) {
        rc = nytte_nomem(ctx, "tiled flood: spill graph");
        goto cleanup;
    }
    *g_out = g;
    g = NULL;
    *nnodes_out = nn;
    *nedges_out = m;
cleanup:
    free(E);
    free(g);
    return rc;
}
