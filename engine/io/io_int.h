/*
 * io_int.h — private to engine/io/: what raster.c and census.c share about cells that are
 * not finite numbers; the overlap check of the parcels (overlap.c) that inputs.c runs;
 * GEOS polygons (geos.c); and what the readers of parcels, buildings and owners share
 * (inputs.c, buildings.c, assign.c, usecodes.c, bbr.c, owners.c).
 */
#ifndef NYTTE_IO_INT_H
#define NYTTE_IO_INT_H

#include "nytte/config.h"
#include "nytte/io.h"

#include <geos_c.h>
#include <stdbool.h>

/* A nodata value as Float32: NaN and ±Inf stay, other values beyond Float32 clamp as GDAL clamps cells. */
float io_nodata_as_float(double v);

/*
 * Count the cells of the window (col0, row0, w, h) in v[w * h] into c (cells of value,
 * NaN unless NaN is the nodata value, +Inf and -Inf unless equal to the nodata value; the
 * first of those in row-major order if it comes before c's) and make every ±Inf cell NaN.
 */
void io_census_add(nytte_raster_census *c, float *v, int col0, int row0, int w, int h, bool has_nodata,
                   float nodata);

/* Make every ±Inf cell of v[n] NaN: what every reader does (docs/reliability.md). */
void io_cells_finite(float *v, size_t n);

/*
 * Open band 1 of a raster and read, without its cells, its grid (north-up: else an error
 * naming the path), its CRS (the WKT GDAL gives, caller frees; NULL when it has none), its nodata
 * value as GDAL gives it (a double; *has_nodata false and *nodata 0 when none) and the
 * name of band 1's data type ("Float32", static). Errors as nytte_raster_info's
 * ("x.tif: not a raster GDAL can read").
 */
int io_raster_head(nytte_ctx *ctx, const char *path, nytte_grid *grid, char **crs_wkt, bool *has_nodata,
                   double *nodata, const char **type);

/* ---- parcels that overlap (overlap.c) ------------------------------------------ */

/* Overlaps smaller than this (m²) are digitising slivers: counted, not listed. */
#define IO_OVERLAP_MIN_M2 1.0

/* Two parcels (indexes a < b into the parcel table) and the area their interiors share. */
typedef struct io_overlap {
    size_t a, b;
    double area;
} io_overlap;

/* The overlaps of a parcel table: pairs of at least IO_OVERLAP_MIN_M2, and the slivers below. */
typedef struct io_overlaps {
    io_overlap *pairs; /* in order of (a, b) */
    size_t npairs;
    size_t nslivers;
    double sliver_area;
} io_overlaps;

/*
 * The overlaps of parcels p[0 .. n) (polygons in one CRS): candidate pairs from a GEOS
 * STRtree of the envelopes, then the area of each pair's intersection, on the context's
 * threads (one GEOS handle each); the pairs come in the same order for any thread count.
 * Fills *out (caller frees out->pairs). NYTTE_OK, NYTTE_ENOMEM, or NYTTE_EGDAL when GEOS
 * cannot intersect a pair (naming it).
 */
int io_parcel_overlaps(nytte_ctx *ctx, io_overlaps *out, const nytte_parcel *p, size_t n);

/*
 * Warn about the overlaps of a parcel table read from `path`, layer `layer`: a line with
 * the number of pairs, then "parcel A and parcel B overlap by 123.4 m² (56 % of B)" for
 * each pair, largest first, at most 5 lines (the fifth "... and N more") unless the
 * verbosity is info (-v), which lists them all; the slivers' count at info.
 */
void io_overlaps_warn(nytte_ctx *ctx, const io_overlaps *o, const nytte_parcel *p, const char *path,
                      const char *layer);

/* ---- GEOS (geos.c) ---------------------------------------------------------------- */

/* GEOS notices and errors are not printed (a handle's messages are kept, or dropped). */
void io_geos_quiet(const char *fmt, ...);
/* An error-message handler that keeps the message in user (256 bytes). */
void io_geos_keep_message(const char *msg, void *user);
void io_geos_destroy_all(GEOSContextHandle_t h, GEOSGeometry **g, size_t n);
/*
 * A normalised polygon (exteriors counter-clockwise, each followed by its clockwise holes:
 * io's own order) as a GEOS (multi)polygon moved by (-ox, -oy), on handle h. buf holds the
 * largest ring's coordinates; rings and polys g->nparts pointers each. NULL on failure.
 */
GEOSGeometry *io_geos_polygon(GEOSContextHandle_t h, const nytte_geom *g, double ox, double oy, double *buf,
                              GEOSGeometry **rings, GEOSGeometry **polys);

/* ---- parcels, buildings and owners (inputs.c) --------------------------------------- */

/* A number (trailing spaces allowed): 0, or -1 when s is empty or not a finite number. */
int io_parse_num(const char *s, double *out);
/*
 * The key of feature f made of its values first .. first + n - 1, joined by NYTTE_KEY_JOIN,
 * into *out (new): 0; 1 when value *empty (0-based among the n) is empty or null, *out NULL;
 * -1 when memory ran out.
 */
int io_key_join(char **out, const nytte_vfeature *f, size_t first, size_t n, size_t *empty);
/* "a, b": the field names of a key, for messages. Returns buf. */
char *io_key_names(char *buf, size_t size, const nytte_key_fields *k);
/* Where a feature is, for messages: "row 7" in a table a spreadsheet shows (the header is
 * row 1), "feature 7" in any other layer. Returns buf. */
char *io_feature_place(char *buf, size_t size, const nytte_vlayer *l, long long fid);
/* Index of parcel id in the sorted parcel table, or -1. */
long io_find_parcel(const nytte_inputs *in, const char *id);
/* Ask for the optional field `name` too when it is given: its index among fields, or -1. */
int io_opt_field(const char **fields, size_t *nf, const char *name);
/* Whether s is well-formed UTF-8 (no overlong forms, surrogates or code points above U+10FFFF). */
int io_utf8_valid(const char *s);
/* A layer's name for messages: its name, or "(first layer)". */
const char *io_layer_name(const nytte_layer_cfg *c);

/* The buildings (buildings.c): their parcels, uses and floor areas from the layer, a BBR
 * table, the footprint or the default; the notes in in->bnotes. Needs the parcels read. */
int io_read_buildings(nytte_ctx *ctx, nytte_inputs *in, const nytte_project *p, const char *wkt);
/* The ownership (owners.c), by parcel or by property, or every parcel its own owner. */
int io_read_owners(nytte_ctx *ctx, nytte_inputs *in, const nytte_project *p);

/* ---- buildings onto parcels (assign.c) ---------------------------------------------- */

/* Parts of a footprint on two parcels that differ by less than this (m²) are equal: a tie. */
#define IO_TIE_M2 0.01

/* Where a building went: the index of its parcel (-1: none holds any of it) and whether it was a tie. */
typedef struct io_assignment {
    long parcel;
    bool tie;
    long other;  /* a tie: the next parcel of equal part (for the -v listing) */
} io_assignment;

/*
 * Each of the nb buildings g[i] (a footprint, or a point) onto the parcels p[0 .. np)
 * (sorted by id): a footprint to the parcel that holds the largest part of it (GEOS
 * intersection areas), a point to the parcel that contains it (its boundary included);
 * parts within IO_TIE_M2 of the largest are a tie, won by the lowest index (the lower
 * id). Candidates come from a GEOS STRtree of the parcels' envelopes; the areas are
 * computed on the context's threads, one GEOS handle each: the same for any thread count.
 * ids[i] names building i in messages. NYTTE_OK, NYTTE_ENOMEM, or NYTTE_EGDAL naming the
 * lowest building GEOS failed on.
 */
int io_assign_buildings(nytte_ctx *ctx, io_assignment *out, const nytte_geom *const *g, const char *const *ids,
                        size_t nb, const nytte_parcel *p, size_t np);

/* ---- BBR use codes (usecodes.c) ------------------------------------------------------ */

/* A row of nytte's table of BBR use codes. */
typedef struct io_use_code {
    const char *code;  /* byg021BygningensAnvendelse, e.g. "120" */
    nytte_use use;
    const char *name;  /* BBR's title of the code */
} io_use_code;

/* The table nytte ships (docs/bbr-use-codes.md), by code; *n gets its length. Static. */
const io_use_code *io_bbr_use_codes(size_t *n);

typedef struct io_use_row {
    char *code;
    int use;
} io_use_row;

/* A table of use codes: nytte's, with a project's rows added or in place of its own. */
typedef struct io_use_table {
    io_use_row *rows; /* sorted by code */
    size_t n;
} io_use_table;

/* nytte's table, and when csv is not NULL the rows of that CSV (fields code and use, a use
 * group) in place of its rows of the same code or added. Errors name the CSV and row. */
int io_use_table_load(nytte_ctx *ctx, io_use_table *t, const char *csv);
/* The use group of a code (spaces around it ignored), or -1 when the table has no such code. */
int io_use_table_find(const io_use_table *t, const char *code);
void io_use_table_clear(io_use_table *t);

/* ---- a table as a JSON array of objects (jsontable.c) --------------------------------- */

/* nytte_vlayer.row_base of a JSON array's items: messages say "item 3". */
#define IO_ROWS_ITEMS (-2)

/* Whether path is a .json file holding a JSON array (not a GeoJSON object). */
bool io_json_array_file(const char *path);
/* Read a JSON array of objects as a table: the values of `fields` (scalars as their text,
 * null and absent as NULL) per item; a field no item has is an error, as a missing column. */
int io_json_table_read(nytte_ctx *ctx, nytte_vlayer *l, const char *path, const char *const *fields, size_t nfields);

/* ---- a BBR table (bbr.c) -------------------------------------------------------------- */

typedef struct io_bbr_row {
    char *id;          /* the building's BBR id, in small letters */
    long long fid;
    char at[48];       /* "row 7", for messages */
    char *use;         /* BBR use code, or NULL */
    double floor_area; /* m², or -1 when not given */
} io_bbr_row;

typedef struct io_bbr {
    io_bbr_row *rows;  /* sorted by id; no id twice */
    size_t n;
} io_bbr;

/* Read the BBR table of c (its key, use and floor-area fields). Errors name the file and row. */
int io_bbr_read(nytte_ctx *ctx, io_bbr *b, const nytte_bbr_cfg *c);
/* The row of a building's BBR id (letter case ignored), or NULL. */
const io_bbr_row *io_bbr_find(const io_bbr *b, const char *id);
void io_bbr_clear(io_bbr *b);

#endif
