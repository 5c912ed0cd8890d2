/*
 * overlay.h — exact zonal statistics of polygons (and points) over rasters: the
 * fraction of every cell a polygon covers, computed from the geometry, and the
 * area-weighted statistics of each raster over each polygon. One coverage computation
 * serves every raster on the same grid; polygons are processed in parallel and the
 * results are identical for any thread count. See docs/overlay.md.
 */
#ifndef NYTTE_OVERLAY_H
#define NYTTE_OVERLAY_H

#include "nytte/types.h"

#ifdef __cplusplus
extern "C" {
#endif

/**
 * How a polygon weights the cells it meets:
 * - EXACT: the fraction of the cell's area inside the polygon (0..1);
 * - CENTRE: 1 if the cell centre is inside the polygon, else 0 (a centre exactly on
 *   a west or north side is inside, on an east or south side outside, so that polygons
 *   tiling the plane take every cell exactly once);
 * - ALL_TOUCHED: 1 if the polygon covers a positive area of the cell, else 0 (a cell
 *   met only along its border or at a corner is not counted).
 * Points always weight the cell that contains them with 1.
 */
typedef enum { NYTTE_COVER_EXACT = 0, NYTTE_COVER_CENTRE = 1, NYTTE_COVER_ALL_TOUCHED = 2 } nytte_cover_mode;

#define NYTTE_OVERLAY_MAX_THRESHOLDS 8

/** Options of the zonal statistics. Initialise with NYTTE_OVERLAY_OPTS_INIT. */
typedef struct nytte_overlay_opts {
    nytte_cover_mode mode;
    int nthresholds;                                 /**< 0..NYTTE_OVERLAY_MAX_THRESHOLDS */
    double thresholds[NYTTE_OVERLAY_MAX_THRESHOLDS]; /**< `above[k]` counts values > thresholds[k] */
    size_t cache_bytes; /**< bound on the raster cells held in memory by all threads together */
} nytte_overlay_opts;

#define NYTTE_OVERLAY_OPTS_INIT { NYTTE_COVER_EXACT, 0, {0}, 64u << 20 }

/**
 * Statistics of one geometry over one raster. Areas are in m² (squared CRS units):
 * the weight of each cell (see nytte_cover_mode) times the cell area. Cells whose value
 * is nodata or not a finite number (NaN, ±Inf) are "unknown": they count in `area` and
 * `nodata_area`, never in the value statistics (a missing depth is not a dry cell). For
 * points every area is 0 and the value statistics are those of the cell under each point.
 */
typedef struct nytte_zonal_stats {
    double area;          /**< m² of the polygon inside the raster extent (sum weight × cell area) */
    double outside_area;  /**< m² of the polygon outside the raster extent */
    double nodata_area;   /**< m² over nodata, NaN and ±Inf cells */
    double valid_area;    /**< area - nodata_area */
    double mean, min, max;/**< over covered valid cells (weight-averaged mean); NaN if none */
    double above[NYTTE_OVERLAY_MAX_THRESHOLDS]; /**< m² with value > thresholds[k]; 0 beyond nthresholds */
    double count;         /**< sum of the weights of covered valid cells (in cells; points: valid points) */
} nytte_zonal_stats;

/**
 * Statistics of `ngeoms` geometries over `nrasters` raster files (band 1): out has
 * ngeoms * nrasters slots, out[g * nrasters + r]. Geometries are polygons (rings as in
 * types.h: exteriors counter-clockwise, holes clockwise), points, or NYTTE_GEOM_NONE
 * (empty: zero areas, NaN values); lines are an error. Coordinates are in the rasters'
 * CRS (not checked here). Rasters must be north-up; values are read as Float32.
 *
 * Rasters on the same grid share one coverage computation per geometry. The work is
 * split into tiles of the raster's block layout; each block is read once, by one
 * thread (nytte_ctx_threads(ctx) threads, each with its own GDAL handles). Results are
 * byte-identical for any thread count. On error, the message names the raster and the
 * lowest geometry index concerned, e.g. "depth_100.tif: polygon 17: cannot read block
 * 3,4: ...", and `out` is unspecified.
 *
 * opts may be NULL (defaults). ctx is used by the calling thread only.
 * Returns NYTTE_OK, NYTTE_EUSAGE (bad options), NYTTE_EINPUT (a line geometry,
 * non-finite coordinates, a rotated raster), NYTTE_EIO/NYTTE_EGDAL (open/read failed)
 * or NYTTE_ENOMEM.
 */
int nytte_overlay_zonal(nytte_ctx *ctx, const nytte_overlay_opts *opts, const nytte_geom *geoms, size_t ngeoms,
                        const char *const *raster_paths, size_t nrasters, nytte_zonal_stats *out);

/**
 * The same statistics over in-memory rasters (borrowed; not modified), e.g. the
 * hazard stage's depth grids. Parallel over tiles of 512 × 512 cells; byte-identical
 * for any thread count. cache_bytes is not used (the cells are already in memory).
 */
int nytte_overlay_zonal_mem(nytte_ctx *ctx, const nytte_overlay_opts *opts, const nytte_geom *geoms, size_t ngeoms,
                            const nytte_raster *const *rasters, size_t nrasters, nytte_zonal_stats *out);

/**
 * The weights of one geometry on a grid: a window of cells (col0, row0, ncols, nrows:
 * the geometry's envelope clipped to the grid; empty with frac == NULL if they do not
 * meet) and frac[r * ncols + c], the weight of cell (col0 + c, row0 + r).
 */
typedef struct nytte_coverage {
    int col0, row0, ncols, nrows;
    double *frac; /**< nrows * ncols, row-major; owned, release with nytte_coverage_clear */
} nytte_coverage;

#define NYTTE_COVERAGE_INIT { 0, 0, 0, 0, NULL }

/**
 * Compute the coverage of geometry `g` on `grid` in `mode` (for points: the number of
 * points in each cell). `out` is overwritten (not freed first). Returns NYTTE_OK,
 * NYTTE_EINPUT (a line, non-finite coordinates) or NYTTE_ENOMEM. ctx may be NULL.
 */
int nytte_coverage_compute(nytte_ctx *ctx, nytte_coverage *out, const nytte_grid *grid, const nytte_geom *g,
                           nytte_cover_mode mode);

/** Release c->frac and reset c. NULL-safe. */
void nytte_coverage_clear(nytte_coverage *c);

#ifdef __cplusplus
}
#endif
#endif
