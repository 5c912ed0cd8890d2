/*
 * catchment.h — where water comes from: D8 flow directions on the depression-filled
 * terrain (flats drained towards their outlet), flow accumulation, the upstream
 * catchment of any set of cells (a point, a line, a polygon), the bluespot network
 * (depressions, their own watersheds, volumes, pour points and which bluespot each
 * spills into) and the contributor weights of parcels inside a catchment ("those who
 * send the water pay too", DESIGN.md `contributor`).
 *
 * Pure C on nytte_raster / nytte_geom (types.h): no GDAL. Whole rasters in memory,
 * at most 2^32 - 1 cells (as the hazard stage). Conventions and worked examples:
 * docs/catchment.md. The flow directions, watersheds, labels and pour points match
 * malstroem (Septima / SDFI) cell for cell on its reference crop (tests/data/malstroem).
 *
 * Thread-safety: functions only read their inputs; a context is used by one thread at
 * a time. Every result depends on the data only (ties are broken by cell index).
 */
#ifndef NYTTE_CATCHMENT_H
#define NYTTE_CATCHMENT_H

#include "nytte/types.h"

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/*
 * D8 direction codes (malstroem's "AGNPS" encoding, clockwise from north):
 * 0 up (north), 1 up-right, 2 right, 3 down-right, 4 down, 5 down-left, 6 left,
 * 7 up-left; 8 = no direction (nodata cells). Odd codes are diagonals.
 */
#define NYTTE_FLOW_UP 0
#define NYTTE_FLOW_NONE 8

/** Row and column steps of each direction code 0..7. */
extern const int nytte_flow_drow[8];
extern const int nytte_flow_dcol[8];

/** Flow directions on a grid. Free with nytte_flow_clear. */
typedef struct nytte_flow {
    nytte_grid grid;
    uint8_t *dir;       /**< nx*ny codes 0..8, row-major from the top row */
    double *surface;    /**< nx*ny: the flat-free surface the directions descend (see below); NaN on nodata */
    size_t nvalid;      /**< cells with a direction */
    char *crs_wkt;      /**< owned copy of the terrain's CRS; may be NULL */
} nytte_flow;

#define NYTTE_FLOW_INIT {{0, 0, 0, 0, 0, 0}, NULL, NULL, 0, NULL}

/**
 * D8 flow directions of a terrain (the raw DEM: depressions are filled here).
 *
 * 1. The flat-free surface (malstroem's `fill_terrain_no_flats`, Planchon & Darboux
 *    2001 with malstroem's increments): surface = max(dem, min over the 8 neighbours of
 *    (surface of the neighbour + e)), e = 1024 ulp(max |dem|) to an edge neighbour and
 *    e·√2 to a corner neighbour, in double; outlets (the raster edge and cells next to
 *    nodata, as nytte_hazard_fill) keep their height. It equals the filled terrain
 *    (nytte_hazard_fill) plus a tiny slope that drains every flat — a filled depression
 *    or a natural flat — towards its outlet along the shortest path. Computed exactly
 *    (the unique fixed point) by a priority flood: cells that rise above the flood go
 *    through a FIFO, cells in flats through a heap, O(n) + O(f log f) for f flat cells.
 * 2. Steepest descent on that surface: drop = z − z_neighbour (× 1/√2 on diagonals),
 *    the largest drop wins, ties to the first code in 0..7. Cells on the raster edge
 *    flow straight off it (corners diagonally), as malstroem; cells next to nodata flow
 *    into their first nodata neighbour (water leaves the terrain there); nodata cells
 *    get NYTTE_FLOW_NONE.
 * Every valid cell has a direction; following them never cycles and always leaves the
 * raster or reaches nodata (the surface strictly falls along every step).
 * Errors: NYTTE_EINPUT (no cells, too many cells, cells not square within 1 %), NYTTE_ENOMEM.
 */
int nytte_flow_directions(nytte_ctx *ctx, nytte_flow *out, const nytte_raster *dem);

/** Release the arrays of f (not f itself). NULL-safe. */
void nytte_flow_clear(nytte_flow *f);

/** Index of the cell that cell i drains into, or -1 when the water leaves the terrain there. */
int64_t nytte_flow_next(const nytte_flow *f, size_t i);

/** Area of one cell, m² (dx × dy). */
double nytte_flow_cell_area(const nytte_flow *f);

/**
 * Flow accumulation: acc[i] = weight of i + Σ acc of the cells draining into i (the
 * cell itself included, so a ridge cell has its own weight). weight NULL = 1 per cell:
 * acc is then the number of cells upstream including i (× nytte_flow_cell_area = m²).
 * Computed in one topological pass (Kahn), O(n), no recursion; sums run in a fixed
 * order. *acc is malloc'ed (nx*ny doubles; NaN on nodata); free() it.
 */
int nytte_flow_accumulate(nytte_ctx *ctx, double **acc, const nytte_flow *f, const float *weight);

/* ---- catchments ---------------------------------------------------------- */

/**
 * Mark the cells of geometries on the flow grid (mask[i] = 1; other cells untouched):
 * polygons: cells whose centre lies inside plus every cell the outline passes through
 * (so a polygon smaller than a cell still marks one); lines: every cell the line passes
 * through (4-connected supercover); points: the cell containing the point. Nodata cells
 * are never marked. *nmarked (may be NULL) = cells newly marked.
 * Error: "target <i>: lies wholly outside the terrain" (NYTTE_EINPUT) when a geometry marks no cell.
 */
int nytte_catchment_seed(nytte_ctx *ctx, uint8_t *mask, const nytte_flow *f, const nytte_geom *targets,
                         size_t ntargets, size_t *nmarked);

/**
 * Grow a mask upstream in place: every cell whose flow path reaches a marked cell
 * becomes marked. Breadth-first over the reversed directions, O(catchment). *ncells
 * (may be NULL) = marked cells afterwards.
 */
int nytte_catchment_upstream(nytte_ctx *ctx, uint8_t *mask, const nytte_flow *f, size_t *ncells);

/**
 * The catchment of geometries as a Float32 raster on the flow grid: 1 inside (the
 * target cells and everything upstream of them), 0 outside, NYTTE_HAZARD_NODATA
 * (-9999) on nodata. Ready for nytte_overlay_zonal_mem with threshold 0.5. *ncells
 * (may be NULL) = cells inside.
 */
int nytte_catchment_mask(nytte_ctx *ctx, nytte_raster *out, const nytte_flow *f, const nytte_geom *targets,
                         size_t ntargets, size_t *ncells);

/* ---- bluespots ------------------------------------------------------------ */

/** One bluespot (a depression: 8-connected cells with depth > 0). */
typedef struct nytte_bluespot {
    int32_t id;             /**< 1..n, in the order of the first cell in a row-major scan (as scipy.ndimage.label) */
    size_t ncells;
    double area;            /**< m² */
    double volume;          /**< m³: Σ depth × cell area (depths summed in row-major order) */
    double max_depth;       /**< m */
    size_t pour;            /**< cell index of the pour point: the bluespot's cell lowest on the flat-free
                                 surface (where it spills; first in row-major order on ties) */
    int pour_row, pour_col;
    double pour_x, pour_y;  /**< centre of the pour-point cell */
    int32_t downstream;     /**< id of the bluespot it spills into (first one met following the flow
                                 from the pour point); 0 = the water leaves the terrain */
    size_t wshed_ncells;    /**< cells of its own watershed (cells whose water reaches it first, itself included) */
    double wshed_area;      /**< m² */
} nytte_bluespot;

typedef struct nytte_bluespot_net {
    nytte_grid grid;
    int32_t *label;         /**< nx*ny: bluespot id, 0 = none, -1 = nodata */
    int32_t *wshed;         /**< nx*ny: id of the first bluespot downstream (own label inside one),
                                 0 = drains off the terrain without meeting one, -1 = nodata */
    nytte_bluespot *spots;  /**< spots[k].id == k + 1 */
    size_t nspots;
} nytte_bluespot_net;

#define NYTTE_BLUESPOT_NET_INIT {{0, 0, 0, 0, 0, 0}, NULL, NULL, NULL, 0}

/**
 * Which bluespots to keep (malstroem's filter function): a bluespot is kept when its
 * maximum depth > max_depth_above AND its cell count > cells_above AND its sum of depths
 * (m × cells) > depth_sum_above. The kept ones are renumbered 1..n in the same order.
 * malstroem's tests (and its reference outputs) use {0.05, 5, 1}.
 */
typedef struct nytte_bluespot_filter {
    double max_depth_above;
    size_t cells_above;
    double depth_sum_above;
} nytte_bluespot_filter;

/**
 * The bluespot network of a terrain: depths = nytte_hazard_bluespots(dem) (filled −
 * terrain), labels, per-bluespot statistics, own watersheds (malstroem's
 * `watersheds_from_labels`), pour points and downstream links. `f` must be the flow
 * directions of the same dem (same grid). filter NULL: every depression with depth > 0
 * is a bluespot. Cells of dropped depressions belong to no bluespot (label 0); their
 * water runs on to the next bluespot downstream.
 */
int nytte_bluespot_network(nytte_ctx *ctx, nytte_bluespot_net *out, const nytte_raster *dem, const nytte_flow *f,
                           const nytte_bluespot_filter *filter);

/** Release the arrays of n (not n itself). NULL-safe. */
void nytte_bluespot_net_clear(nytte_bluespot_net *n);

/* ---- contributor weights ----------------------------------------------- */

#define NYTTE_RUNOFF_MAX_CLASSES 32

/**
 * Runoff coefficients (afløbskoefficienter): the fraction of rain on a surface that
 * runs off. Land-use names match nytte_parcel.landuse (case-sensitive). Defaults
 * (docs/catchment.md gives the sources and ranges): roof 0.9, paved 0.9,
 * business 0.6, public 0.5, residential 0.35, summerhouse 0.3, grass 0.15,
 * farmland 0.2, forest 0.1, water 0 (a lake or stream inside the catchment sends no
 * one's water), unknown land use 0.3.
 */
typedef struct nytte_runoff_table {
    double roof;            /**< building footprints (roof area) */
    double paved;           /**< paved area given per parcel */
    double fallback;        /**< land use missing or not in the table */
    size_t n;
    struct {
        const char *landuse; /**< borrowed */
        double coef;
    } cls[NYTTE_RUNOFF_MAX_CLASSES];
} nytte_runoff_table;

/** Fill t with the defaults above. */
void nytte_runoff_table_default(nytte_runoff_table *t);

/** Set (add or replace) the coefficient of a land use. NYTTE_ECONFIG if not in [0, 1] or the table is full. */
int nytte_runoff_table_set(nytte_ctx *ctx, nytte_runoff_table *t, const char *landuse, double coef);

/** The coefficient of a land use (NULL or unknown: t->fallback). */
double nytte_runoff_coef(const nytte_runoff_table *t, const char *landuse);

/**
 * A parcel's contributor weight, m² of effective runoff area inside the catchment:
 *     roof·roof_in + paved·paved_in + coef(landuse)·max(0, area_in − roof_in − paved_in)
 * with roof_in, paved_in clamped to [0, area_in] (roof first). 0 when area_in = 0: a
 * parcel outside the catchment never contributes. Moving area from the land-use class
 * to roof or paved never lowers the weight while roof, paved ≥ every land-use coefficient
 * (true for the defaults). NaN if an area is not finite or negative.
 */
double nytte_contributor_weight(const nytte_runoff_table *t, const char *landuse, double area_in, double roof_in,
                                double paved_in);

/**
 * Per parcel: the area inside the catchment (area_in[p], m²) and the roof area of its
 * buildings inside it (roof_in[p], m²; building polygons only, points count 0), by
 * exact coverage (nytte_overlay_zonal_mem, cells with mask > 0.5). `mask` is a 0/1
 * catchment raster (nytte_catchment_mask). roof_in may be NULL. Parallel over parcels
 * as the overlay; byte-identical for any thread count.
 */
int nytte_catchment_parcel_areas(nytte_ctx *ctx, double *area_in, double *roof_in, const nytte_raster *mask,
                                 const nytte_inputs *in);

#ifdef __cplusplus
}
#endif
#endif
