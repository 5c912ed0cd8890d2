/*
 * hazard.h — the hazard stage: depth (or exposure) rasters on the working grid, one
 * scenario at a time, from a terrain and a few geometries.
 *
 *  - coastal surge: connected bathtub (flooded = terrain below the level AND connected
 *    to the sea by water), with barriers (dikes, walls, sluices) burned into the terrain;
 *  - cloudburst: bluespots by depression filling (priority flood), full or filled by a rain;
 *  - given depth rasters: put onto the working grid (or refused);
 *  - groundwater: depth to the water table, lowered by drains.
 *
 * Pure C on nytte_raster / nytte_geom (types.h): no GDAL here. Every function works on
 * whole rasters in memory and returns one raster; the pipeline writes each result with
 * nytte_raster_write() and frees it before computing the next scenario, so memory holds
 * the terrain plus one or two scenario rasters, never every scenario at once.
 *
 * Conventions (docs/hazard.md has the models, rules and worked examples):
 *  - Output rasters are freshly allocated (`out` is overwritten; free with
 *    nytte_raster_clear), on the input grid, with the input's CRS, and with nodata
 *    NYTTE_HAZARD_NODATA where the input terrain has no value.
 *  - Depths are metres of water; 0 = dry.
 *  - Thread-safety: functions only read their inputs, so any number may run at once on
 *    different outputs, each with its own context.
 *  - Rasters are limited to 2^32 - 1 cells (cell indices are 32-bit, to halve the memory
 *    of the queues); larger terrains are refused with NYTTE_EINPUT.
 */
#ifndef NYTTE_HAZARD_H
#define NYTTE_HAZARD_H

#include "nytte/types.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Nodata value of every raster the hazard stage creates (except burned terrains). */
#define NYTTE_HAZARD_NODATA (-9999.0f)

/**
 * Connectivity: which neighbours water moves between. The values are the neighbour counts,
 * so a caller passing 4 or 8 means the same.
 */
enum {
    NYTTE_CONNECT_4 = 4, /**< the 4 cells sharing an edge */
    NYTTE_CONNECT_8 = 8  /**< the 8 cells sharing an edge or a corner */
};

/* ---- coastal surge ------------------------------------------------------ */

/** A barrier: a crest line (dike, wall, sluice across a channel) or a polygon (a dike's footprint). */
typedef struct nytte_barrier {
    const nytte_geom *geom; /**< borrowed; line or polygon, in the terrain's CRS */
    double crest;           /**< crest height, same vertical datum as the terrain, m */
    const char *id;         /**< borrowed; used in messages (NULL: the 1-based index is used) */
} nytte_barrier;

/**
 * Burn barriers into a copy of `dem`: every cell a barrier line passes through (4-connected
 * supercover, so a diagonal line has no corner gaps) or whose centre lies inside a barrier
 * polygon (plus the polygon's outline) becomes max(terrain, crest). The crest is stored
 * as the smallest Float32 >= crest, so a water level equal to the crest does not overtop.
 * Nodata cells under a barrier get the crest (the dike is there).
 * `out` keeps dem's nodata value and CRS. A barrier that touches no cell is an error:
 * "barrier <id>: lies wholly outside the terrain" (NYTTE_EINPUT).
 */
int nytte_hazard_burn_barriers(nytte_ctx *ctx, nytte_raster *out, const nytte_raster *dem, const nytte_barrier *b,
                               size_t nb);

/** How a measure's geometry changes the terrain under it (nytte_hazard_burn_barriers_ex). */
typedef enum nytte_burn_mode {
    NYTTE_BURN_RAISE = 0, /**< max(terrain, crest): a dike, wall or kerb (crest as the smallest Float32 >= crest) */
    NYTTE_BURN_LOWER = 1, /**< min(terrain, crest): a channel, culvert or outlet that lowers a spill point
                               (crest as the largest Float32 <= crest) */
    NYTTE_BURN_SET = 2    /**< the crest, up or down: regraded ground (crest as the smallest Float32 >= crest) */
} nytte_burn_mode;

/**
 * As nytte_hazard_burn_barriers, with a mode per barrier (`mode` holds nb entries, or is
 * NULL for NYTTE_BURN_RAISE everywhere). The cells are those of nytte_hazard_burn_barriers;
 * barriers are applied in the order given (a later one wins where two overlap); nodata
 * cells under any barrier take its crest. Same errors.
 */
int nytte_hazard_burn_barriers_ex(nytte_ctx *ctx, nytte_raster *out, const nytte_raster *dem, const nytte_barrier *b,
                                  size_t nb, const nytte_burn_mode *mode);

/**
 * Connected bathtub with 4-connectivity (water moves between edge-sharing cells only).
 * A cell floods when terrain < level and a chain of flooded cells links it to a sea cell.
 * Sea cells are the cells whose centre lies inside a sea polygon and the cells that contain
 * a sea point; `sea` holds `nsea` geometries (polygons or points; lines are refused).
 * depth = level - terrain (computed in double, stored as Float32); 0 = dry; nodata where
 * dem has none. A nodata cell is no water path unless it is a sea cell (the open sea is
 * often nodata in a terrain model). A sea cell at or above the level stays dry.
 * Errors (NYTTE_EINPUT): "sea: no sea cell inside the terrain",
 * "sea: geometry <i> is a line (give polygons or points)".
 */
int nytte_hazard_bathtub(nytte_ctx *ctx, nytte_raster *depth, const nytte_raster *dem, const nytte_geom *sea,
                         size_t nsea, double level);

/** As nytte_hazard_bathtub with a chosen connectivity: 4 (edges) or 8 (edges and corners). */
int nytte_hazard_bathtub_ex(nytte_ctx *ctx, nytte_raster *depth, const nytte_raster *dem, const nytte_geom *sea,
                            size_t nsea, double level, int connectivity);

/**
 * The flood level of every cell: the lowest sea level that floods it in the connected
 * bathtub (the lowest "highest terrain" over all water paths from the sea), computed once
 * by a priority flood from the sea cells. For any level L: the bathtub floods the cell iff
 * flood_level < L. Cells the sea can never reach hold +infinity; nodata cells hold
 * NYTTE_HAZARD_NODATA. Useful for risk bands (e.g. 5 steps up to kote 2.2) and as a
 * check of nytte_hazard_bathtub_ex. Same sea rules and errors as the bathtub.
 */
int nytte_hazard_flood_level(nytte_ctx *ctx, nytte_raster *out, const nytte_raster *dem, const nytte_geom *sea,
                             size_t nsea, int connectivity);

/* ---- cloudburst (bluespots) --------------------------------------------- */

/**
 * Depression-filled terrain by priority flood (Barnes et al. 2014, with the plain queue
 * for cells inside depressions), 8-connectivity: filled = the lowest spill elevation, i.e.
 * the lowest "highest terrain" over all paths to an outlet. Outlets: the raster edge and
 * every cell next to a nodata cell (water leaves the raster there). Nodata stays nodata.
 * Matches malstroem's filled.tif cell by cell (docs/hazard.md).
 */
int nytte_hazard_fill(nytte_ctx *ctx, nytte_raster *filled, const nytte_raster *dem);

/** As nytte_hazard_fill with connectivity 4 or 8. */
int nytte_hazard_fill_ex(nytte_ctx *ctx, nytte_raster *filled, const nytte_raster *dem, int connectivity);

/** Bluespot depth = filled - terrain (8-connectivity); 0 outside depressions; nodata where dem has none. */
int nytte_hazard_bluespots(nytte_ctx *ctx, nytte_raster *depth, const nytte_raster *dem);

/** As nytte_hazard_bluespots with connectivity 4 or 8. */
int nytte_hazard_bluespots_ex(nytte_ctx *ctx, nytte_raster *depth, const nytte_raster *dem, int connectivity);

/**
 * Bluespots filled by a rain of rain_mm millimetres, as malstroem's `rain` step (each
 * bluespot gets the rain on its own watershed plus what the bluespots upstream spill):
 *  1. bluespots: connected components (under `connectivity`) of the cells with
 *     depth_full = nytte_hazard_bluespots_ex(dem, connectivity) > 0, numbered in
 *     raster-scan order; capacity = Σ depth_full × |dx·dy| (in double, row-major order);
 *  2. flow: steepest descent on the flat-free surface (the filled terrain plus malstroem's
 *     tiny slope that drains every flat; the same surface as nytte_flow_directions), with
 *     `connectivity` neighbours; a cell's water leaves at the raster edge and at nodata.
 *     Watershed of a bluespot: the cells whose path meets it first (its own cells
 *     included); pour point: its cell lowest on that surface; it spills into the bluespot
 *     that the path from the pour point meets first (or off the terrain);
 *  3. upstream bluespots first: in = rain_mm/1000 × watershed area + Σ spills in;
 *     stored = min(in, capacity); spill = in − stored goes downstream;
 *  4. depth: a full bluespot keeps depth_full; an empty one is dry; a partly filled one
 *     gets one water level h over all its cells, the exact solution of
 *     Σ max(0, h − terrain) × cell area = stored (its cells' stage-volume curve), and
 *     depth = min(depth_full, max(0, h − terrain)). Cells outside bluespots are 0.
 * rain_mm = INFINITY gives every bluespot full: the result equals
 * nytte_hazard_bluespots_ex(dem, connectivity) bit for bit; rain_mm = 0 gives all dry.
 * depth: overwritten with a freshly allocated Float32 raster on the dem grid (free with
 * nytte_raster_clear), nodata NYTTE_HAZARD_NODATA where dem has none (as
 * nytte_hazard_bluespots_ex). Sequential and deterministic (ties by cell index).
 * Memory besides dem and depth: 13 bytes per cell at the peak, plus 16 bytes per heap
 * entry for the cells in flats and filled depressions (docs/hazard.md).
 * Errors: NYTTE_EUSAGE "bluespots: rain must be a number of mm >= 0 (got nan)",
 * connectivity not 4 or 8 (as the other functions), NYTTE_ENOMEM.
 */
int nytte_hazard_bluespots_rain(nytte_ctx *ctx, nytte_raster *depth, const nytte_raster *dem, double rain_mm,
                                int connectivity);

/* ---- given rasters ------------------------------------------------------ */

typedef enum {
    NYTTE_ALIGN_REFUSE = 0,  /**< a grid that differs from the target is an error */
    NYTTE_ALIGN_NEAREST = 1  /**< each target cell takes the input cell containing its centre */
} nytte_align_method;

/**
 * Put a given raster (e.g. a depth raster per return period) on the target grid. Same
 * grid: a copy. Else NYTTE_ALIGN_REFUSE fails with "<what>: grid does not match the
 * terrain (...)" and NYTTE_ALIGN_NEAREST samples the input cell containing each target
 * cell's centre (centres outside the input, or on nodata, become NYTTE_HAZARD_NODATA).
 * Values are not changed. Both rasters must be in the same CRS (the pipeline checks).
 * `what` names the input in messages (its path).
 */
int nytte_hazard_align(nytte_ctx *ctx, nytte_raster *out, const nytte_raster *in, const nytte_grid *target,
                       nytte_align_method method, const char *what);

/* ---- groundwater -------------------------------------------------------- */

/** A drain: lowers the water table by `delta` inside its influence zone. */
typedef struct nytte_drain {
    const nytte_geom *geom; /**< borrowed; polygon (full delta inside), line or points (decaying) */
    double delta;           /**< lowering of the table, m (>= 0) */
    double radius;          /**< lines/points: lowering falls linearly to 0 at this distance, m (> 0) */
    const char *id;         /**< borrowed; used in messages (NULL: the 1-based index is used) */
} nytte_drain;

/**
 * Depth to groundwater with the drains: with = without + lowering, where a polygon drain
 * lowers cells whose centre is inside by delta, and a line (or point) drain lowers a cell
 * at distance d from it (cell centre to nearest point) by delta * max(0, 1 - d / radius).
 * Several drains: the largest lowering counts (they do not add up). Nodata stays nodata.
 * Errors (NYTTE_EINPUT): "drain <id>: influence zone lies wholly outside the terrain",
 * "drain <id>: delta must be a number >= 0", "drain <id>: radius must be > 0 for a line drain".
 */
int nytte_hazard_drain(nytte_ctx *ctx, nytte_raster *with, const nytte_raster *without, const nytte_drain *d,
                       size_t nd);

/**
 * The checks of nytte_hazard_drain on grid g, in its order, drain by drain: a geometry,
 * delta, the radius of a line or point drain, and some cell of g within reach (counted on
 * the grid, no raster needed). NYTTE_OK or the error of nytte_hazard_drain.
 */
int nytte_hazard_drain_check(nytte_ctx *ctx, const nytte_grid *g, const nytte_drain *d, size_t nd);

/**
 * Groundwater exposure: max(0, threshold - depth_to_groundwater), metres by which the
 * table rises above the threshold depth (0 = not exposed; exposed where > 0, i.e. where
 * depth to groundwater < threshold). Nodata stays nodata.
 */
int nytte_hazard_groundwater_exposure(nytte_ctx *ctx, nytte_raster *out, const nytte_raster *dtg, double threshold);

/* ---- checks and names --------------------------------------------------- */

/** The terrain must have a CRS: else "<path>: the terrain has no CRS" (NYTTE_EINPUT). */
int nytte_hazard_check_terrain(nytte_ctx *ctx, const nytte_raster *dem, const char *path);

/**
 * Return periods must be >= 1 and strictly increasing, and levels finite and strictly
 * increasing with them. `what` names the config entry in messages, e.g.
 * "hazards.coastal: level 1.5 m at T=100 is not above 1.64 m at T=50" (NYTTE_EINPUT).
 */
int nytte_hazard_check_levels(nytte_ctx *ctx, const double *T, const double *levels, size_t n, const char *what);

/**
 * The file name of a hazard raster: "depth_<hazard>_<scenario>_T<T>.tif", e.g.
 * ("surge", "without", 100) -> "depth_surge_without_T100.tif"; T printed with %g.
 * hazard and scenario may hold letters, digits, '-' and '_' only. Returns NYTTE_OK, or
 * NYTTE_EUSAGE (bad name or buffer too small; buf then holds "").
 */
int nytte_hazard_output_name(char *buf, size_t n, const char *hazard_id, const char *scenario, double return_period);

#ifdef __cplusplus
}
#endif
#endif
