/*
 * types.h — the plain data that flows between pipeline stages: geometries as
 * coordinates, raster grids, in-memory rasters and the input tables (parcels,
 * buildings, owners). No GDAL/GEOS/PROJ handle ever appears here: io/ converts
 * to and from these structs, and every other stage works on them.
 */
#ifndef NYTTE_TYPES_H
#define NYTTE_TYPES_H

#include "nytte/nytte.h"

#include <stdbool.h>

#ifdef __cplusplus
extern "C" {
#endif

/*
 * A (multi)polygon or (multi)linestring as plain coordinates in the working CRS.
 * Points of ring/line r are xy[2*off[r] .. 2*off[r+1]-1] (x, y pairs).
 * Polygons: every ring closed (first point == last point), exterior rings
 * counter-clockwise and holes clockwise (io/ normalises), so that the signed areas of
 * all rings add up to the area, for holes and multipolygons alike.
 * Lines: each part is an open polyline.
 */
typedef enum { NYTTE_GEOM_NONE = 0, NYTTE_GEOM_POLYGON = 1, NYTTE_GEOM_LINE = 2, NYTTE_GEOM_POINT = 3 } nytte_geom_kind;

typedef struct nytte_geom {
    nytte_geom_kind kind;
    size_t nparts;   /**< rings (polygons), lines, or points */
    size_t *off;     /**< nparts + 1 offsets, in points */
    double *xy;      /**< 2 * off[nparts] coordinates */
    double xmin, ymin, xmax, ymax; /**< envelope */
} nytte_geom;

#define NYTTE_GEOM_INIT {NYTTE_GEOM_NONE, 0, NULL, NULL, 0, 0, 0, 0}

/** Release the arrays of g (not g itself) and reset it. NULL-safe. */
void nytte_geom_clear(nytte_geom *g);
/** Deep copy. Returns NYTTE_OK or NYTTE_ENOMEM. */
int nytte_geom_copy(nytte_geom *out, const nytte_geom *src);
/** Build a geometry from parts given as arrays of points; computes the envelope. */
int nytte_geom_set(nytte_geom *out, nytte_geom_kind kind, size_t nparts, const size_t *npts_per_part,
                   const double *xy);
/** Signed area of the parts (shoelace); the area of a normalised polygon. 0 for lines. */
double nytte_geom_area(const nytte_geom *g);
/** Total length of lines (or perimeter of rings). */
double nytte_geom_length(const nytte_geom *g);

/*
 * A north-up raster grid: the top-left corner (x0, y0), cell width dx > 0 and cell
 * height dy > 0 (rows go south), nx columns and ny rows. Cell (c, r) covers
 * [x0 + c*dx, x0 + (c+1)*dx] × [y0 - (r+1)*dy, y0 - r*dy].
 */
typedef struct nytte_grid {
    double x0, y0, dx, dy;
    int nx, ny;
} nytte_grid;

/** true if both grids have the same origin, cell size and dimensions (to 1e-9 of a cell). */
bool nytte_grid_same(const nytte_grid *a, const nytte_grid *b);

/*
 * A whole raster band in memory, Float32, row-major, with nodata. Used by the hazard
 * stage, which needs whole-raster algorithms (priority flood, connectivity). The
 * overlay stage streams rasters from files instead.
 */
typedef struct nytte_raster {
    nytte_grid grid;
    float *v;          /**< nx * ny values, row-major from the top row */
    float nodata;      /**< cells equal to nodata (or NaN) have no value */
    bool has_nodata;
    char *crs_wkt;     /**< owned; may be NULL */
} nytte_raster;

#define NYTTE_RASTER_INIT {{0, 0, 0, 0, 0, 0}, NULL, 0.0f, false, NULL}

/** Allocate v for the grid and fill it with `fill`. crs_wkt is copied (may be NULL). */
int nytte_raster_alloc(nytte_raster *out, const nytte_grid *grid, float fill, const char *crs_wkt);
/** Release arrays of r (not r itself). NULL-safe. */
void nytte_raster_clear(nytte_raster *r);
/** true if the cell value is missing (nodata or NaN). */
static inline bool nytte_raster_isnodata(const nytte_raster *r, float v)
{
    return v != v || (r->has_nodata && v == r->nodata);
}

/* ---- money --------------------------------------------------------------- */

/*
 * How an amount of integer øre is written. Money is never floating point once allocated:
 * the formatter prints kroner and øre from the integer, so every printed amount is exact.
 */
typedef struct nytte_money_style {
    char decimal;       /**< between kroner and øre: '.' or ',' */
    const char *group;  /**< between groups of three digits of the kroner: "" (none), ".", " ", "&#160;" */
    const char *minus;  /**< before a negative amount: "-", or "−" in HTML */
    const char *unit;   /**< after the amount: "" (none), " kr", "&#160;kr" */
} nytte_money_style;

/** 1234567.80: tables, logs and explanations (the CSV standard dialect). */
#define NYTTE_MONEY_PLAIN {'.', "", "-", ""}
/** 1234567.80 kr: messages. */
#define NYTTE_MONEY_KR {'.', "", "-", " kr"}
/** 1.234.567,80 kr: Danish text. */
#define NYTTE_MONEY_DA {',', ".", "-", " kr"}

/**
 * Write `ore` into buf as kroner with two decimals in `style` (NULL: NYTTE_MONEY_PLAIN),
 * e.g. 123456780 øre -> "1234567.80" or "1.234.567,80 kr"; INT64_MIN included. Truncated
 * to size - 1 characters if buf is too small. Returns buf. Thread-safe.
 */
char *nytte_money_format(char *buf, size_t size, const nytte_money_style *style, int64_t ore);

/**
 * Parse an amount in kroner written with at most two decimals into integer øre, from the
 * text alone so that no binary floating point touches it: "1234.50" -> 123450, "-3" ->
 * -300, "12.5" -> 1250, and with decimal ',' "1234,50" -> 123450 (the Danish CSV dialect).
 * An optional sign, digits, and optionally the decimal mark and at most two digits; nothing
 * else (no spaces, no grouping, no exponent). Returns 0; -1 if s is not such an amount or
 * is out of range (|amount| over INT64_MAX øre), *ore untouched; -2 if it has more than
 * two decimals (not exact øre). Thread-safe.
 */
int nytte_money_parse(int64_t *ore, const char *s, char decimal);

/* ---- input tables ------------------------------------------------------- */

/** BBR-like use groups. */
typedef enum {
    NYTTE_USE_RESIDENTIAL = 0,
    NYTTE_USE_SUMMERHOUSE = 1,
    NYTTE_USE_BUSINESS = 2,
    NYTTE_USE_PUBLIC = 3,
    NYTTE_USE_OTHER = 4,
    NYTTE_USE_COUNT = 5
} nytte_use;

/** Name used in files ("residential", "summerhouse", "business", "public", "other"). */
const char *nytte_use_name(nytte_use u);
/** Parse a use-group name; returns -1 if unknown. */
int nytte_use_parse(const char *s);

typedef struct nytte_parcel {
    char *id;               /**< the parcel id as in the input (matrikel id) */
    long long fid;          /**< feature id in the input layer */
    nytte_geom geom;        /**< polygon in the working CRS */
    double area;            /**< m², from the geometry */
    double property_value;  /**< public property value, kr; NaN if not given */
    char *landuse;          /**< may be NULL */
    double paved_area;      /**< m² of paved ground on the plot; 0 if not given */
    double shared_area;     /**< m² of the plot that other parcels overlap (a register error, warned);
                                 the allocation counts each overlap half to each parcel */
} nytte_parcel;

typedef struct nytte_building {
    char *id;
    long long fid;
    size_t parcel;          /**< index into the parcel table */
    nytte_geom geom;        /**< footprint polygon or point */
    nytte_use use;
    double floor_area;      /**< m² */
    double value;           /**< kr; NaN = unit value × floor area */
    double floor_height;    /**< floor/threshold height above terrain, m; 0 if unknown */
} nytte_building;

typedef struct nytte_owner {
    char *id;               /**< stable owner id */
    char *name;             /**< personal data: never logged */
} nytte_owner;

/** One owner's share of one parcel; the shares of a parcel sum to 1. */
typedef struct nytte_holding {
    size_t parcel, owner;   /**< indices into the tables */
    double share;
} nytte_holding;

/** The inputs of a run, in the working CRS, sorted by id (parcels, buildings, owners). */
typedef struct nytte_inputs {
    nytte_parcel *parcels;
    size_t nparcels;
    nytte_building *buildings;
    size_t nbuildings;
    nytte_owner *owners;
    size_t nowners;
    nytte_holding *holdings;   /**< sorted by parcel, then owner */
    size_t nholdings;
    char *crs_wkt;             /**< working CRS */
} nytte_inputs;

void nytte_inputs_free(nytte_inputs *in);

#ifdef __cplusplus
}
#endif
#endif
