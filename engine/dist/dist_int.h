/*
 * dist_int.h — what the files of engine/dist/ share: the per-tile GeoTIFFs of a tiled
 * raster computation, the outputs made of them on rank 0, and the first error of a worker
 * thread (tiles.c); the tile summaries and the spill graph of the tiled priority flood
 * (minimax.c floods the tiles, spill.c packs the summaries and solves the graph).
 */
#ifndef NYTTE_DIST_INT_H
#define NYTTE_DIST_INT_H

#include "nytte/dist.h"

/* A worker thread's first failure, reported by the calling thread afterwards. */
typedef struct dist_err {
    int code;       /* 0 = none */
    char msg[5000]; /* "<what>: <action>[: <GDAL's message>]" */
} dist_err;

/* Record e's first failure as "<what>: <action>[: <GDAL's message on this thread>]". Returns -1. */
int dist_err_set(dist_err *e, int code, const char *what, const char *action);

/* The tiles of one tiled raster computation: tile_dir/t<tile>.tif, nbands Float32 bands each. */
typedef struct dist_tileset {
    const char *tile_dir;
    const nytte_grid *g; /* the whole grid */
    const char *crs;     /* WKT, or NULL */
    size_t nbands;       /* 1: every output is band 1; else output k is band k + 1 */
} dist_tileset;

/* The path of tile `tile` in dir. */
void dist_tile_path(char *buf, size_t n, const char *dir, size_t tile);

/*
 * Rank 0 creates tile_dir (if missing) before any rank writes a tile; with `distributed`
 * every rank learns whether it could (a failure on rank 0 stops every rank).
 */
int dist_tiles_begin(nytte_ctx *ctx, const char *tile_dir, bool distributed);

/*
 * After this rank's tiles (rc: its verdict): every rank's verdict is taken; then rank 0
 * writes each of the nout outputs from the tiles (a ".vrt" path: a VRT over the tiles,
 * which stay; any other path: one GeoTIFF as nytte_raster_write writes it, through
 * nytte_raster_vrt_to_tiff) and removes the tiles when no output is a VRT; every rank
 * returns rank 0's verdict.
 */
int dist_tiles_finish(nytte_ctx *ctx, int rc, const dist_tileset *ts, const nytte_tiling *t, size_t nout,
                      const char *const *out_paths, bool distributed, const char *what);

/* This rank's tiles: the tiles along the Hilbert curve from order[*k0], *n of them (by cells, nytte_dist_split). */
int dist_my_tiles(nytte_ctx *ctx, const nytte_tiling *t, bool distributed, size_t **order, size_t *k0, size_t *n);

/* ---- the tiled priority flood (minimax.c, spill.c) ------------------------------ */

/* The label of true sources (outlets, sea cells); a tile's own labels are 2, 3, ... */
#define DIST_OUTLET 1u

/* The larger of two heights, by comparison only (no arithmetic: the same Float32 bits). */
static inline float dist_fmax_exact(float a, float b) { return a > b ? a : b; }

/* An edge of the spill graph between labels a < b of one tile, of weight w. */
typedef struct dist_edge {
    uint32_t a, b;
    float w;
} dist_edge;

/* The bytes of a tile summary with ne edges for a w × h tile. */
size_t dist_summary_size(size_t ne, int w, int h);

/*
 * Pack what rank 0 needs of a flooded tile into out (dist_summary_size bytes): the tile,
 * its nlabels own labels, its ne edges, and the values L and labels lab (w × h, row-major)
 * of its ring of edge cells.
 */
void dist_summary_pack(unsigned char *out, size_t tile, uint32_t nlabels, const dist_edge *e, size_t ne,
                       const float *L, const uint32_t *lab, int w, int h);

/* One summary inside a gathered buffer (its data unaligned: copied out on use). */
typedef struct dist_summary {
    uint64_t tile, nedges;
    uint32_t nlabels, w, h;
    const unsigned char *edges, *ring_l, *ring_b;
} dist_summary;

/* Parse the summaries packed one after another in all (total bytes) into views[tile]. */
void dist_summaries_parse(dist_summary *views, const unsigned char *all, size_t total);

/*
 * Rank 0: solve the spill graph of every tile's summary (views[t] for tile t of tiling
 * t): *g (malloc'ed, *nnodes entries) = the spill level of every node, base[t] = the node
 * of tile t's label 2 (base has ntiles + 1 entries; node 0 is the outlet); *nedges = the
 * graph's edges. Errors: too many labels, out of memory.
 */
int dist_spill_solve(nytte_ctx *ctx, float **g, size_t *nnodes, size_t *nedges, uint64_t *base,
                     const dist_summary *views, const nytte_tiling *t, int connectivity);

#endif
