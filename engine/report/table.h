/*
 * table.h — the output tables of engine/report/ as column tables. Each output layer
 * (owners, parcels, buildings, measures) declares its columns once, in report.c: the
 * name, the Shapefile name, the kind of value and its CSV format, and where the value
 * sits in the layer's row struct. Every writer reads that one declaration: the CSV in
 * both dialects, the XLSX sheet, the GeoPackage layer, the Shapefile and its field
 * mapping, so that the columns of one layer cannot drift apart between the files.
 */
#ifndef NYTTE_REPORT_TABLE_H
#define NYTTE_REPORT_TABLE_H

#include "nytte/io.h"
#include "nytte/report.h"

#include <stddef.h>
#include <stdint.h>

/* The kind of a column: the C type of its member in the row struct and how each file stores it. */
typedef enum {
    REPORT_COL_TEXT,      /* const char *; NULL: an empty CSV cell, a null field */
    REPORT_COL_LONG_TEXT, /* the same, free text that can outgrow a DBF field: a Shapefile gets its first
                           * 254 bytes, cut at a character boundary */
    REPORT_COL_INT,       /* int64_t */
    REPORT_COL_MONEY,     /* int64_t øre: exact with two decimals in CSV, kr as a real number in the
                           * spreadsheet and the layers; REPORT_NO_MONEY is an unknown amount */
    REPORT_COL_REAL       /* double, `decimals` of them in CSV; NaN: unknown (empty / null) */
} report_col_kind;

/* An unknown amount in a REPORT_COL_MONEY member. */
#define REPORT_NO_MONEY INT64_MIN

typedef struct report_col {
    const char *name;     /* the CSV header and layer field name (docs/outputs.md) */
    const char *shp;      /* the Shapefile field name (10 characters at most); NULL: never a Shapefile */
    report_col_kind kind;
    int decimals;         /* REPORT_COL_REAL: digits after the decimal mark in CSV */
    size_t off;           /* offsetof the value in the row struct */
} report_col;

/* A table ready to write: its columns and nrows row structs of row_size bytes (borrowed). */
typedef struct report_table {
    const char *layer;      /* the layer (sheet) name */
    const report_col *cols;
    size_t ncols;
    const void *rows;
    size_t row_size, nrows;
    bool has_geom;          /* the rows have a geometry: a `const nytte_geom *` member at geom_off */
    size_t geom_off;
} report_table;

/* The files a table is written to besides CSV. */
typedef enum {
    REPORT_XLSX, /* a sheet: text neutralised as in the CSV (nytte_report_safe_text) */
    REPORT_GPKG, /* a GeoPackage layer: text as it is */
    REPORT_SHP   /* a Shapefile: the `shp` names, long text cut to what a DBF field holds */
} report_format;

/* Write t as CSV at path in dialect o (header line, CRLF, text neutralised and quoted). */
int report_table_csv(nytte_ctx *ctx, const report_table *t, const char *path, const nytte_csv_opts *o);

/*
 * Write t as a layer with OGR: a new file, or (append) a layer added to an existing
 * GeoPackage; crs_wkt the CRS of the geometries (NULL without). Errors name the path.
 */
int report_table_layer(nytte_ctx *ctx, const report_table *t, report_format f, const char *path,
                       const char *crs_wkt, bool append);

/* Write the mapping of t's field names to its Shapefile names (gpkg_field, shp_field, type) as CSV. */
int report_table_shp_names(nytte_ctx *ctx, const report_table *t, const char *path);

#endif
