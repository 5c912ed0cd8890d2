/*
 * dist_int.h — what the tiled hazards of engine/dist/ share (tiles.c): the per-tile
 * GeoTIFFs of a tiled raster computation, the outputs made of them on rank 0, and the
 * first error of a worker thread.
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

#endif
