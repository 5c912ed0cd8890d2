/*
 * dist.h — distributed runs: the raster cut into tiles, tiles ordered along a Hilbert
 * curve and dealt to ranks in contiguous runs, parcels owned by the tile that holds
 * their envelope centre, and the two global flood computations of the hazard stage
 * (depression fill, flood level from the sea) done tile by tile with a result equal,
 * bit for bit, to the one-raster algorithms (Barnes 2016). docs/scale-out.md has the
 * design and the proof.
 *
 * Everything here works without MPI: the communication functions (nytte_dist_rank,
 * nytte_dist_gather...) are those of one process of size 1 unless libnytte was built
 * with NYTTE_MPI (then NYTTE_HAVE_MPI is defined and they use MPI_COMM_WORLD).
 */
#ifndef NYTTE_DIST_H
#define NYTTE_DIST_H

#include "nytte/hazard.h"
#include "nytte/overlay.h"
#include "nytte/types.h"

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---- tiles and partitions ------------------------------------------------ */

/** A raster of nx × ny cells cut into tiles of tw × th cells (the last row/column of tiles may be smaller). */
typedef struct nytte_tiling {
    int nx, ny;   /**< raster size in cells */
    int tw, th;   /**< tile size in cells (e.g. the raster's block size, or a multiple of it) */
    int ntx, nty; /**< tiles across and down */
} nytte_tiling;

/** Fill *t. Returns NYTTE_OK, or NYTTE_EUSAGE ("tiling: ...") for sizes < 1. ctx may be NULL. */
int nytte_tiling_init(nytte_ctx *ctx, nytte_tiling *t, int nx, int ny, int tw, int th);

/** Number of tiles. */
size_t nytte_tiling_count(const nytte_tiling *t);

/** The window of tile `tile` (row-major tile index): first column, first row, width, height. */
void nytte_tiling_window(const nytte_tiling *t, size_t tile, int *col0, int *row0, int *w, int *h);

/** The tile holding cell (col, row) (clamped into the raster). */
size_t nytte_tiling_tile_of_cell(const nytte_tiling *t, int col, int row);

/**
 * Distance along the Hilbert curve of cell (x, y) of a 2^order × 2^order square
 * (x, y < 2^order, order <= 31). Neighbouring curve positions are neighbouring cells.
 */
uint64_t nytte_dist_hilbert(int order, uint32_t x, uint32_t y);

/**
 * The tiles in Hilbert-curve order: *order receives nytte_tiling_count(t) row-major tile
 * indices (caller frees). Returns NYTTE_OK or NYTTE_ENOMEM.
 */
int nytte_tiling_curve(nytte_ctx *ctx, size_t **order, const nytte_tiling *t);

/**
 * Deal n items in a fixed order (e.g. tiles along the curve) to `nranks` ranks in contiguous
 * runs of about equal total weight: rank r gets items first[r] .. first[r+1]-1 (first has
 * nranks + 1 entries, first[0] = 0, first[nranks] = n). Weights must be >= 0; a run ends
 * at the first item whose cumulative weight reaches (r+1)/nranks of the total.
 */
void nytte_dist_split(size_t *first, const double *weight, size_t n, int nranks);

/**
 * The tile that owns a geometry: the tile holding the centre of its envelope (a point
 * outside the grid goes to the nearest tile; an empty geometry to tile 0). A parcel that
 * crosses a tile edge is computed once, by the owner of that tile, reading whatever
 * cells it needs.
 */
size_t nytte_dist_geom_tile(const nytte_tiling *t, const nytte_grid *g, const nytte_geom *geom);

/**
 * The rank of every geometry: tiles along the Hilbert curve, dealt to nranks ranks in
 * contiguous runs weighted by the number of geometries they own (+1 per tile, so empty
 * tiles still spread). *rank receives n entries (caller frees). NYTTE_OK or NYTTE_ENOMEM.
 */
int nytte_dist_partition_geoms(nytte_ctx *ctx, int **rank, const nytte_geom *geoms, size_t n, const nytte_tiling *t,
                               const nytte_grid *g, int nranks);

/* ---- tiled minimax floods (fill, flood level) ---------------------------- */

/**
 * Depression fill across tiles: equal, bit for bit, to nytte_hazard_fill_ex(dem,
 * connectivity) for any tile size. Each tile is flooded on its own with its edge cells as
 * provisional outlets, the spill graph between the labels of tile-edge regions is solved
 * once (a priority flood over the small graph), and each tile's cells are raised to the
 * resolved spill levels. Tiles run in parallel on the context's threads.
 * `filled` is overwritten (free with nytte_raster_clear). Same errors as the hazard
 * function (NYTTE_EINPUT for a bad raster, NYTTE_EUSAGE for a connectivity other than 4
 * or 8), plus NYTTE_EUSAGE for tile sizes < 1.
 */
int nytte_dist_fill_tiled(nytte_ctx *ctx, nytte_raster *filled, const nytte_raster *dem, int connectivity, int tw,
                          int th);

/**
 * Flood level from the sea across tiles: equal, bit for bit, to
 * nytte_hazard_flood_level(dem, sea, nsea, connectivity) for any tile size. Same sea
 * rules and errors ("sea: no sea cell inside the terrain", ...).
 */
int nytte_dist_flood_level_tiled(nytte_ctx *ctx, nytte_raster *out, const nytte_raster *dem, const nytte_geom *sea,
                                 size_t nsea, int connectivity, int tw, int th);

/** Which flood a tiled run computes. */
typedef enum { NYTTE_MINIMAX_FILL = 0, NYTTE_MINIMAX_FLOOD_LEVEL = 1 } nytte_minimax_kind;

/**
 * Provide the cells of one tile: write (h + 2) × (w + 2) values of the window with a
 * one-cell halo, row-major from (col0 - 1, row0 - 1); missing cells (nodata, and halo
 * cells outside the raster) as NaN. For NYTTE_MINIMAX_FLOOD_LEVEL also write w × h sea
 * flags (1 = sea cell) into `sea`; for fill `sea` is NULL. Return 0, or non-zero to stop
 * the run with NYTTE_EINPUT. The callbacks are called from the context's threads at once
 * (one tile per thread): they must not use ctx; keep a message per thread and put it into
 * ctx after the run. In the second pass, a tile's sink is called on the same thread right
 * after its source.
 */
typedef int (*nytte_tile_source_fn)(void *user, size_t tile, int col0, int row0, int w, int h, float *zhalo,
                                    uint8_t *sea);

/**
 * Take the result of one tile: w × h values (row-major), nodata as NYTTE_HAZARD_NODATA,
 * exactly what the one-raster algorithm gives on those cells. Return 0 or non-zero to stop.
 */
typedef int (*nytte_tile_sink_fn)(void *user, size_t tile, int col0, int row0, int w, int h, const float *v);

/** Statistics of a tiled run (on rank 0 for the graph; per rank for the rest). */
typedef struct nytte_minimax_stats {
    size_t ntiles_here;   /**< tiles this rank flooded */
    size_t nlabels;       /**< nodes of the spill graph (rank 0) */
    size_t nedges;        /**< edges of the spill graph (rank 0) */
    double t_tiles, t_graph, t_finish, t_comm; /**< seconds */
} nytte_minimax_stats;

/**
 * The tiled flood over a tiling, driven by callbacks so that no rank ever holds the whole
 * raster: each rank floods its tiles (its contiguous run of the Hilbert curve), sends the
 * tile-edge summaries to rank 0, which solves the spill graph and broadcasts the levels;
 * each rank then floods its tiles again (recomputation instead of keeping them: memory is
 * one tile per thread plus the summaries) and hands the final values to `sink`.
 * `distributed`: false = one process (rank 0 of 1) even in an MPI build; true = all ranks
 * of nytte_dist_size() take part and must call this together with the same tiling.
 * Memory per rank: one tile (about 14 bytes per cell) plus the summaries of its tiles.
 * Returns NYTTE_OK or an error in ctx (the same on every rank only for usage errors).
 */
int nytte_dist_minimax_run(nytte_ctx *ctx, nytte_minimax_kind kind, int connectivity, const nytte_tiling *t,
                           nytte_tile_source_fn source, nytte_tile_sink_fn sink, void *user, bool distributed,
                           nytte_minimax_stats *stats);

/* ---- the connected bathtub over tiles ----------------------------------------- */

/** Options of nytte_dist_bathtub_tiled and nytte_dist_bluespots_tiled. */
typedef struct nytte_dist_bathtub_opts {
    int connectivity;             /**< 4 (as nytte_hazard_bathtub) or 8 */
    int tile;                     /**< tile size in cells (square tiles; the last row/column smaller) */
    const nytte_burn_mode *modes; /**< one per barrier, or NULL: NYTTE_BURN_RAISE for all */
    const char *tile_dir;         /**< folder for the per-tile GeoTIFFs (created if missing), seen by every rank */
    bool distributed;             /**< false: this process alone; true: every rank calls together */
} nytte_dist_bathtub_opts;

#define NYTTE_DIST_BATHTUB_OPTS_INIT {NYTTE_CONNECT_4, 1024, NULL, NULL, true}

/**
 * Depth rasters of the connected bathtub at nlev water levels, computed over square tiles
 * of the terrain file without any rank holding the whole terrain: each tile is read as a
 * window (plus a one-cell halo), the barriers are burned into it and its sea cells marked
 * (the rules of nytte_hazard_burn_barriers_ex and nytte_hazard_bathtub on the window of the
 * global grid), the flood level from the sea is computed over the tiles once
 * (nytte_dist_minimax_run, NYTTE_MINIMAX_FLOOD_LEVEL), and depth = level - terrain where
 * flood_level < level, 0 elsewhere, NYTTE_HAZARD_NODATA where the burned terrain has none.
 *
 * Result: out_paths[k] for levels[k], equal cell for cell (the Float32 bits) to
 * nytte_hazard_bathtub_ex(nytte_hazard_burn_barriers_ex(terrain, bars, nbars, modes),
 * sea, nsea, levels[k], connectivity) on the whole terrain. Each rank writes its tiles into
 * opts->tile_dir as t<tile>.tif (one band per level, tile = row-major tile index); then
 * rank 0 writes each output: a path ending in ".vrt" becomes a VRT over band k + 1 of the
 * tiles (which stay; referred to relative to the VRT when tile_dir lies in its folder),
 * any other path a GeoTIFF as nytte_raster_write writes (tiled 512, DEFLATE, overviews),
 * copied from such a VRT block by block; when no output is a VRT the tile files (and
 * tile_dir, if then empty) are removed. With several ranks, tile_dir and the outputs must
 * be on a file system every rank sees.
 *
 * Memory per rank: one tile per thread (about 30 bytes per cell with the halo window, the
 * flood and the depths) plus the summaries of its tiles and GDAL's block cache
 * (GDAL_CACHEMAX); never the terrain. Errors, checked before any tile is read and the same
 * on every rank: those of the hazard functions with their messages ("barrier <id>: lies
 * wholly outside the terrain", "sea: no sea cell inside the terrain", "bathtub: the water
 * level is not a number", ...), NYTTE_EUSAGE for bad options, the terrain's read errors.
 * Every rank returns NYTTE_OK only when every output is in place. A rank failing inside
 * the tiled flood leaves the others waiting (see nytte_dist_minimax_run): end the job with
 * nytte_dist_abort.
 */
int nytte_dist_bathtub_tiled(nytte_ctx *ctx, const nytte_dist_bathtub_opts *opts, const char *terrain_path,
                             const nytte_geom *sea, size_t nsea, const nytte_barrier *bars, size_t nbars,
                             const double *levels, size_t nlev, const char *const *out_paths,
                             nytte_minimax_stats *stats);

/**
 * Depth of every bluespot filled to its brim (what nytte_hazard_bluespots_ex gives) over
 * square tiles of a terrain file, as nytte_dist_bathtub_tiled computes the bathtub: each
 * tile read as a window with a one-cell halo, the barriers burned into it (by `modes`),
 * the depression fill over the tiles (nytte_dist_minimax_run, NYTTE_MINIMAX_FILL, exact),
 * and depth = filled - terrain (two Float32 subtracted in double, rounded once),
 * NYTTE_HAZARD_NODATA where the burned terrain has none. The same bits as
 * nytte_hazard_bluespots_ex(nytte_hazard_burn_barriers_ex(terrain, bars, nbars, modes),
 * opts->connectivity) on the whole terrain. The one raster is written to each of the nout
 * out_paths (the events of a hazard without rain share it); tiles, outputs, memory and
 * errors as nytte_dist_bathtub_tiled, without the sea and the levels.
 */
int nytte_dist_bluespots_tiled(nytte_ctx *ctx, const nytte_dist_bathtub_opts *opts, const char *terrain_path,
                               const nytte_barrier *bars, size_t nbars, size_t nout, const char *const *out_paths,
                               nytte_minimax_stats *stats);

/**
 * Groundwater exposure over square tiles of a depth-to-groundwater raster file, without
 * any rank holding the raster: for each of the nscen scenarios k, out_paths[k] receives
 * nytte_hazard_groundwater_exposure(table_k, threshold), where table_k is the raster as
 * read when ndrains[k] is 0, else nytte_hazard_drain(raster, drains[k], ndrains[k]) — the
 * same Float32 bits as those functions on the whole raster. Each cell depends on itself
 * alone, so each tile is read as a window (no halo), the drains' lowering is computed on
 * it (the hazard module's rules on the global rows and columns), and tiles are not
 * exchanged. opts: tile, tile_dir and distributed (connectivity and modes are not used).
 * Tiles, outputs (a band per scenario; ".vrt" outputs keep the tiles), memory and the
 * verdict of every rank as nytte_dist_bathtub_tiled. stats (may be NULL): ntiles_here and
 * t_tiles. Errors, the same on every rank before any tile is read: the messages of
 * nytte_hazard_drain_check (scenario by scenario) and of the hazard functions, the
 * raster's read errors, NYTTE_EUSAGE for bad options.
 */
int nytte_dist_groundwater_tiled(nytte_ctx *ctx, const nytte_dist_bathtub_opts *opts, const char *dtg_path,
                                 double threshold, const nytte_drain *const *drains, const size_t *ndrains,
                                 size_t nscen, const char *const *out_paths, nytte_minimax_stats *stats);

/**
 * The sea cells of a window (col0, row0, w, h) of grid g: flag (w × h, row-major) = 1 for
 * the cells nytte_hazard_bathtub takes as sea (centre inside a sea polygon, cell holding a
 * sea point), computed on the window only (cost: the polygon edges plus the window's
 * cells). Returns NYTTE_OK, NYTTE_EINPUT for a line, NYTTE_ENOMEM. Thread-safe.
 */
int nytte_dist_sea_window(nytte_ctx *ctx, uint8_t *flag, const nytte_grid *g, const nytte_geom *sea, size_t nsea,
                          int col0, int row0, int w, int h);

/**
 * Burn barriers into a window (col0, row0, w, h) of grid g: v holds the window's w × h
 * terrain values (row-major; nodata as `nodata` when has_nodata, or NaN) and becomes what
 * nytte_hazard_burn_barriers_ex(modes) gives on those cells of the whole terrain. The
 * barriers are checked first, on the whole grid, with the messages of the hazard function.
 */
int nytte_dist_burn_window(nytte_ctx *ctx, float *v, const nytte_grid *g, bool has_nodata, float nodata,
                           const nytte_barrier *b, size_t nb, const nytte_burn_mode *modes, int col0, int row0, int w,
                           int h);

/* ---- the process group ------------------------------------------------------- */

/** Start the process group (MPI_Init_thread with MPI; nothing without). Call once, from main. */
int nytte_dist_init(int *argc, char ***argv);
/** End the process group (MPI_Finalize with MPI). */
void nytte_dist_finalize(void);
/** This process's rank (0 without MPI or before init). */
int nytte_dist_rank(void);
/** The number of processes (1 without MPI or before init). */
int nytte_dist_size(void);
/** true when libnytte was built with MPI (NYTTE_MPI=ON). */
bool nytte_dist_have_mpi(void);
/** End every rank with exit status `code` (MPI_Abort); returns only without MPI. */
void nytte_dist_abort(int code);
/** Wait for every rank. */
void nytte_dist_barrier(void);
/** The largest of every rank's x (on every rank). */
double nytte_dist_max(double x);
/**
 * Every rank's verdict on a step that may fail on some ranks only, taken before the next
 * collective (a collective: every rank calls it at the same point). Returns rc where this
 * rank failed; else NYTTE_EIO ("<what>: another process failed (its message says why)")
 * when some other rank did; else NYTTE_OK. Without MPI or with one process: rc.
 */
int nytte_dist_agree(nytte_ctx *ctx, int rc, const char *what);
/**
 * Gather byte strings to rank 0 in rank order: on rank 0 *all receives the concatenation
 * (caller frees) and counts[r] each rank's length (counts has nytte_dist_size() entries,
 * caller provides); other ranks get *all = NULL. Any total size: above 2 GiB (MPI counts
 * are int) the strings travel in rounds of at most 256 MiB in all. A rank without memory
 * for its part stops every rank (nytte_dist_agree). Returns NYTTE_OK or an error.
 */
int nytte_dist_gather(nytte_ctx *ctx, void **all, size_t *counts, const void *mine, size_t n);
/** As nytte_dist_gather, every rank receiving the concatenation. */
int nytte_dist_allgather(nytte_ctx *ctx, void **all, size_t *counts, const void *mine, size_t n);
/**
 * At the end of a step every rank went through together (every rank calls it, with its
 * status rc): a rank other than 0 whose error rank 0 also reports — the same message, or
 * only "another process failed" while rank 0 failed too — gets its error marked
 * (nytte_ctx_mark_reported), so that an error common to N ranks is printed once, by
 * rank 0, and an error of its own still by the rank that met it. One process: nothing.
 */
void nytte_dist_report_once(nytte_ctx *ctx, int rc);
/** Broadcast n bytes from rank 0 (n must be the same everywhere). */
int nytte_dist_bcast(nytte_ctx *ctx, void *buf, size_t n);

/**
 * Zonal statistics as nytte_overlay_zonal, shared between the ranks: every rank computes
 * the geometries it owns (nytte_dist_partition_geoms over tiles of the first raster's
 * grid of `tile` cells; all parcels on one rank when there is one rank), and the results
 * are gathered into `out` on every rank by geometry index (byte copies: no arithmetic
 * crosses ranks, so `out` is byte-identical to the one-process call). Every rank must call it.
 */
int nytte_dist_overlay_zonal(nytte_ctx *ctx, const nytte_overlay_opts *opts, const nytte_geom *geoms, size_t ngeoms,
                             const char *const *raster_paths, size_t nrasters, nytte_zonal_stats *out);

/**
 * As nytte_dist_overlay_zonal, the results gathered on rank 0 alone (`out` is written on
 * rank 0 only; the other ranks may pass NULL): the memory of the statistics, ngeoms ×
 * nrasters × 136 bytes, is then held by one rank, each other rank holding only its own
 * geometries' (a run whose damage and allocation run on rank 0: docs/scale-out.md).
 */
int nytte_dist_overlay_zonal_root(nytte_ctx *ctx, const nytte_overlay_opts *opts, const nytte_geom *geoms,
                                  size_t ngeoms, const char *const *raster_paths, size_t nrasters,
                                  nytte_zonal_stats *out);

#ifdef __cplusplus
}
#endif
#endif
