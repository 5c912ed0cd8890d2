/*
 * io.h — reading and writing rasters and vector layers through GDAL/OGR, and CRS
 * handling through PROJ. Converts between files and the plain structs of types.h.
 * Only io/, hazard/ and overlay/ hold GDAL/PROJ/GEOS handles.
 */
#ifndef NYTTE_IO_H
#define NYTTE_IO_H

#include "nytte/types.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Register GDAL drivers and route GDAL/PROJ messages into nytte (idempotent, thread-safe). */
void nytte_io_init(void);

/*
 * GDAL's messages, per thread. nytte_io_init() installs a CPL error handler that never
 * prints: it keeps the last warning or error GDAL reported *on the calling thread*, so
 * that each thread reads its own and parallel readers (the overlay, the tiles of
 * engine/dist/) do not mix them up. Callers clear it before a GDAL call and put it into
 * the context after a failure.
 */

/** The last GDAL/CPL message on this thread (warning or error), one line; "" if none. */
const char *nytte_io_gdal_msg(void);

/** Forget this thread's last GDAL/CPL message and failure flag. */
void nytte_io_gdal_msg_clear(void);

/**
 * Non-zero if GDAL reported a CE_Failure (or worse) on this thread since the last
 * nytte_io_gdal_msg_clear(). For calls that return no status (GDALClose in GDAL 3.6,
 * which is where a GeoTIFF's last blocks are written).
 */
int nytte_io_gdal_failed(void);

/**
 * Record an error like nytte_error() and append ": <GDAL message>" when GDAL left one
 * on this thread, e.g. "out.tif: cannot create: <GDAL's reason>". Returns `code`.
 */
int nytte_io_gdal_error(nytte_ctx *ctx, int code, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* ---- rasters ------------------------------------------------------------ */

/**
 * Read the grid, the CRS (WKT, caller frees; NULL if the raster has none) and the
 * nodata value of band 1 of a raster without reading its cells.
 * Errors name the path: "terrain.tif: not a raster GDAL can read".
 */
int nytte_raster_info(nytte_ctx *ctx, const char *path, nytte_grid *grid, char **crs_wkt);

/*
 * Cells that are not finite numbers. Every reader of io (whole, by windows, by strips)
 * makes a ±Inf cell NaN, so that every module treats it as nodata, as a NaN cell already
 * is (docs/reliability.md); the overlay, which reads files itself, does the same. A
 * census counts what was found, so that the run can say so (nytte_raster_census_warn).
 */
typedef struct nytte_raster_census {
    size_t nvalid;        /**< cells with a value: finite and not the nodata value */
    size_t nan;           /**< NaN cells, when NaN is not the band's nodata value */
    size_t posinf, neginf; /**< +Inf and -Inf cells (made NaN), unless the nodata value is that infinity */
    int row, col;         /**< the first counted NaN or ±Inf cell in row-major order (0-based); -1: none */
} nytte_raster_census;

#define NYTTE_RASTER_CENSUS_INIT {0, 0, 0, 0, -1, -1}

/**
 * Read band `band` (1-based) of a raster whole, as Float32, with its CRS and nodata; ±Inf
 * cells are read as NaN (nodata). `out` is overwritten; release with nytte_raster_clear.
 * Fails with NYTTE_EINPUT if the raster is rotated (not north-up).
 */
int nytte_raster_read(nytte_ctx *ctx, nytte_raster *out, const char *path, int band);

/** nytte_raster_read, and the census of the cells read into *census (not NULL). */
int nytte_raster_read_ex(nytte_ctx *ctx, nytte_raster *out, const char *path, int band,
                         nytte_raster_census *census);

/**
 * The census of band 1 of a raster that is not read whole (a tiled run, given depth
 * rasters): read in row order by windows of whole blocks (at least 64 rows by 4096
 * columns), so memory is one window, not the raster. Errors name the path.
 */
int nytte_raster_scan(nytte_ctx *ctx, nytte_raster_census *census, const char *path);

/**
 * Warn (NYTTE_LOG_WARN, one line) when the census found NaN or ±Inf cells: how many of
 * each, that they count as nodata, and the first one's row and column and the map
 * coordinates of its centre on grid g, e.g. "terrain.tif: 3 cells are not finite numbers
 * (1 +Inf, 1 -Inf, 1 NaN) and count as nodata; the first at row 5, column 12 (x 500062.5,
 * y 6130072.5)". Nothing when it found none.
 */
void nytte_raster_census_warn(nytte_ctx *ctx, const char *path, const nytte_grid *g,
                              const nytte_raster_census *census);

/**
 * Write a raster as a cloud-optimised GeoTIFF: Float32, tiled 512, DEFLATE with
 * floating-point predictor, overviews, nodata set, CRS from r->crs_wkt. Overwrites
 * `path`. The file is written to "<path>.part" and renamed on success.
 */
int nytte_raster_write(nytte_ctx *ctx, const nytte_raster *r, const char *path);

/* ---- windows and tiles (tiled runs: engine/dist/) ----------------------------- */

/**
 * Open band 1 of a raster and read its nodata value (as Float32, as nytte_raster_read
 * stores it: NaN and ±Inf stay, other values beyond Float32 clamp) and its CRS (WKT, caller frees;
 * NULL when the raster has none), without reading cells. Errors name the path.
 */
int nytte_raster_band_info(nytte_ctx *ctx, const char *path, bool *has_nodata, float *nodata, char **crs_wkt);

/**
 * A raster opened for reading windows of band 1: one GDAL dataset handle, to be used by
 * one thread at a time (each thread of a parallel loop opens its own).
 */
typedef struct nytte_raster_reader nytte_raster_reader;

/**
 * Open `path` for window reads into *out (caller closes with nytte_raster_reader_close).
 * No context (called on worker threads): returns NYTTE_OK, NYTTE_EIO (GDAL's reason is
 * this thread's GDAL message, nytte_io_gdal_msg) or NYTTE_ENOMEM. nytte_io_init() is called.
 */
int nytte_raster_reader_open(nytte_raster_reader **out, const char *path);

/**
 * Read the window (col0, row0, w, h) of band 1 as Float32 into buf (w*h, row-major,
 * caller-owned; the caller clips a halo to the raster); ±Inf cells are read as NaN, as by
 * nytte_raster_read. Returns NYTTE_OK or NYTTE_EIO (GDAL's reason on this thread). Not
 * thread-safe on one reader.
 */
int nytte_raster_reader_read_window(nytte_raster_reader *r, int col0, int row0, int w, int h, float *buf);

/** Close a reader; NULL is accepted. */
void nytte_raster_reader_close(nytte_raster_reader *r);

/** Band k (0-based) of a tile: w*h Float32 values, borrowed until the next call; NULL: it cannot be made. */
typedef const float *(*nytte_tile_band_fn)(void *user, size_t k);

/**
 * Write one tile as a GeoTIFF with `nbands` Float32 bands (DEFLATE + floating-point
 * predictor, BIGTIFF if safer, tiled 256 when w and h are both >= 256): the window
 * (col0, row0, w, h) of grid g, CRS crs_wkt (may be NULL), every band's nodata `nodata`.
 * Bands are asked for one at a time from band(user, k), so one band of memory serves; a
 * band that cannot be made (NULL) refuses the tile ("cannot write").
 * Overwrites `path`. No context (called on worker threads): returns NYTTE_OK, or
 * NYTTE_EIO with *failed = "cannot create" or "cannot write" (GDAL's reason on this
 * thread's GDAL message; the caller clears it before). Thread-safe for distinct paths.
 */
int nytte_raster_tile_write(const char **failed, const char *path, const nytte_grid *g, int col0, int row0, int w,
                            int h, const char *crs_wkt, float nodata, size_t nbands, nytte_tile_band_fn band,
                            void *user);

/** One source of a VRT band: band `band` (1-based) of `path` (borrowed) placed at (col0, row0, w, h). */
typedef struct nytte_vrt_source {
    const char *path;
    int relative; /* 1: path is relative to the VRT's folder */
    size_t band;
    int col0, row0, w, h;
} nytte_vrt_source;

/** Fill *s with source i; s->path must stay valid until the next call. */
typedef void (*nytte_vrt_source_fn)(void *user, size_t i, nytte_vrt_source *s);

/**
 * Write a one-band Float32 VRT of grid g (CRS crs_wkt, may be NULL; nodata `nodata`) at
 * vrt_path with `nsrc` SimpleSources from source(user, i), in that order. Memory does not
 * grow with nsrc. Overwrites vrt_path.
 */
int nytte_raster_vrt_write(nytte_ctx *ctx, const char *vrt_path, const nytte_grid *g, const char *crs_wkt,
                           double nodata, size_t nsrc, nytte_vrt_source_fn source, void *user);

/**
 * Copy a raster (a VRT over tiles) into a GeoTIFF at `path` written with the settings of
 * nytte_raster_write (tiled 512, DEFLATE + floating-point predictor, internal AVERAGE
 * overviews; "<path>.part" renamed into place). GDAL copies by blocks, so memory is
 * bounded by its block cache, not by the raster.
 */
int nytte_raster_vrt_to_tiff(nytte_ctx *ctx, const char *vrt, const char *path);

/* ---- vector layers ------------------------------------------------------ */

/** A layer of features with their geometry and attributes read as text. */
typedef struct nytte_vfeature {
    long long fid;
    nytte_geom geom;        /**< in the working CRS, polygons normalised and repaired */
    char **values;          /**< one string per requested field (NULL = null value) */
} nytte_vfeature;

typedef struct nytte_vlayer {
    nytte_vfeature *features;
    size_t nfeatures;
    size_t nfields;
    char **fields;          /**< requested field names */
    size_t nrepaired;       /**< polygons repaired with GEOS MakeValid */
} nytte_vlayer;

/**
 * Read a vector layer: `layer` may be NULL for the first layer; `where` is an optional
 * OGR attribute filter (NULL = all features); `fields` are the
 * attribute names to read (each must exist: else an error naming the layer and field);
 * geometries are transformed to `target_wkt` (PROJ; logged) unless it is NULL. A layer
 * without a CRS is an error when target_wkt is given. Invalid polygons are repaired with
 * GEOS (logged per feature at info level, counted in nrepaired).
 */
int nytte_vlayer_read(nytte_ctx *ctx, nytte_vlayer *out, const char *path, const char *layer, const char *where,
                      const char *const *fields, size_t nfields, const char *target_wkt);
/**
 * The same with the CRS of the coordinates given (`src_crs`, "EPSG:25832", WKT or a PROJ
 * string; NULL: the file's), for a file that has none or a wrong one (a project file's
 * `crs:` on a layer). Either way, a layer whose CRS is in degrees but whose coordinates
 * cannot be degrees (a GeoJSON in UTM metres without a `crs` member is read as WGS 84)
 * is an error saying so, with the fix.
 */
int nytte_vlayer_read_as(nytte_ctx *ctx, nytte_vlayer *out, const char *path, const char *layer, const char *where,
                         const char *src_crs, const char *const *fields, size_t nfields, const char *target_wkt);
void nytte_vlayer_clear(nytte_vlayer *l);

/* ---- writing tables and layers ------------------------------------------- */

typedef enum { NYTTE_FIELD_TEXT = 0, NYTTE_FIELD_INT = 1, NYTTE_FIELD_REAL = 2 } nytte_field_type;

typedef struct nytte_field_def {
    const char *name;
    nytte_field_type type;
} nytte_field_def;

/** One cell: `s` for TEXT (NULL = null), `i` for INT, `d` for REAL (NaN = null). */
typedef struct nytte_cell {
    const char *s;
    int64_t i;
    double d;
} nytte_cell;

/**
 * Write a table as a layer with OGR: `driver` is an OGR driver name ("GPKG", "XLSX",
 * "ESRI Shapefile"); `cells` holds nrows × nfields cells, row-major; `geoms` (nrows,
 * may be NULL for a table without geometry) are in the CRS `crs_wkt`. A new file is
 * created unless `append` is true, in which case the layer is added to the existing
 * data set. Errors name the path and layer.
 */
int nytte_vlayer_write(nytte_ctx *ctx, const char *path, const char *driver, const char *layer, const char *crs_wkt,
                       const nytte_field_def *fields, size_t nfields, const nytte_cell *cells,
                       const nytte_geom *const *geoms, size_t nrows, bool append);

/** One default style for a GeoPackage's `layer_styles` table, which QGIS reads. */
typedef struct nytte_layer_style {
    const char *table;           /**< f_table_name: the layer it styles */
    const char *geometry_column; /**< f_geometry_column ("geom" for layers OGR wrote) */
    const char *name;            /**< styleName */
    const char *qml;             /**< styleQML: a QGIS style document */
    const char *description;
} nytte_layer_style;

/**
 * Add a `layer_styles` table to an existing GeoPackage with one row per style, each
 * marked useAsDefault, with the columns and types QGIS itself creates (f_table_catalog,
 * f_table_schema, f_table_name, f_geometry_column, styleName, styleQML, styleSLD,
 * useAsDefault, description, owner, ui, update_time). Errors name the path.
 */
int nytte_gpkg_write_styles(nytte_ctx *ctx, const char *path, const nytte_layer_style *styles, size_t n);

struct nytte_project;

/**
 * Read the parcels, buildings and ownership of a project into tables in the working
 * CRS, sorted by id, and check them: unique parcel ids, polygons, buildings linked to
 * known parcels with known use groups, ownership shares in (0, 1] summing to 1 per
 * parcel, every parcel owned. Errors name the file, layer, feature and id.
 */
int nytte_inputs_read(nytte_ctx *ctx, nytte_inputs *out, const struct nytte_project *p, const char *crs_wkt);

/** *same = whether two CRS (WKT) are the same, ignoring metadata such as names. */
int nytte_crs_same(nytte_ctx *ctx, bool *same, const char *wkt_a, const char *wkt_b);

/** A short name of a CRS ("ETRS89 / UTM zone 32N") into buf; "unknown" if it cannot be read. */
char *nytte_crs_name(char *buf, size_t size, const char *wkt);

/** The WKT of a CRS given as "EPSG:25832", WKT, or PROJ string. Caller frees. */
int nytte_crs_wkt(nytte_ctx *ctx, char **wkt, const char *crs);

/** A place on the earth and how a CRS measures there. */
typedef struct nytte_crs_place {
    double lon, lat;  /**< degrees */
    double areal;     /**< the map area of 1 m² on the ground there: 1 for a CRS made for the place */
    int utm_epsg;     /**< a CRS made for the place: ETRS89 / UTM (258zz) in Europe, else WGS 84 / UTM */
} nytte_crs_place;

/**
 * How the projected CRS crs_wkt measures areas at the point (x, y) given in the CRS at_wkt:
 * EPSG:3857 (Web Mercator) at 55.4°N gives areal 3.10, EPSG:25832 there 0.9995.
 * NYTTE_OK, or NYTTE_EGDAL when PROJ cannot place the point or scale the CRS.
 */
int nytte_crs_at(nytte_ctx *ctx, nytte_crs_place *out, const char *crs_wkt, const char *at_wkt, double x, double y);

#ifdef __cplusplus
}
#endif
#endif
