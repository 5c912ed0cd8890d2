/*
 * report_int.h — what the files of engine/report/ share: a growable string, text
 * escaping for XML / JSON / HTML, owner lookup, the amount classes that the QGIS styles
 * and the HTML map both use (so that the two maps agree), and the column tables every
 * table writer reads.
 */
#ifndef NYTTE_REPORT_INT_H
#define NYTTE_REPORT_INT_H

#include "nytte/io.h"
#include "nytte/report.h"

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* A growable string; on allocation failure `failed` is set and text is dropped. */
typedef struct sbuf {
    char *s;
    size_t n, cap;
    int failed;
} sbuf;

void sb_add(sbuf *b, const char *t);
void sb_addn(sbuf *b, const char *t, size_t n);
void sb_printf(sbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Text escaped for XML and HTML element content and attribute values. */
void sb_xml(sbuf *b, const char *t);
/* fmt with each %s replaced by its argument escaped as sb_xml escapes it (only %s and %%). */
void sb_xmlf(sbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* A JSON string literal with its quotes; '<', '>' and '&' as \u escapes so that it can sit in <script>. */
void sb_json(sbuf *b, const char *t);
/* Write the buffer to dir/name; errors name the file. Frees nothing. */
int sb_write_file(nytte_ctx *ctx, const sbuf *b, const char *dir, const char *name);

/*
 * The distinct parcels of owner o of d->alloc, in the order of its parts: their ids joined
 * by "; " appended to *parcels, and the owner's explanation (nytte_alloc_owner_summary;
 * nothing without d->explainer) to *expl. Both end as strings (never NULL) unless they
 * failed. Returns the count.
 */
size_t report_owner_parcels(const nytte_report_data *d, size_t o, sbuf *parcels, sbuf *expl);

/* An owner's name from the inputs (the allocation knows ids only); NULL if none. */
const char *report_owner_name(const nytte_inputs *in, const char *id);

/* Amount classes of the parcels' total amounts: class 0 pays nothing (or is paid back),
 * classes 1..5 by quantiles of the distinct paying amounts; breaks[k] is the upper bound
 * (kr) of class k+1. With at most 5 distinct amounts each is a class of its own: breaks[k]
 * is that amount exactly, the classes after the last NaN, and the count is returned (a
 * legend then names amounts, not ranges); 0 for quantile classes. */
#define REPORT_NCLASSES 5
int report_amount_breaks(const nytte_alloc_result *r, double breaks[REPORT_NCLASSES]);
int report_amount_class(const double breaks[REPORT_NCLASSES], int64_t ore);
extern const char *const report_class_colors[REPORT_NCLASSES + 1]; /* "#rrggbb"; [0] non-payers */

/* Depth ramp for rasters: colours and upper depths (m) of the classes. */
#define REPORT_NDEPTH 5
extern const char *const report_depth_colors[REPORT_NDEPTH];
extern const double report_depth_values[REPORT_NDEPTH];

/* The measures' colours, by measure index modulo the count: QGIS's measures layer. The
 * map of report.html draws with the same list (tests/qgis.sh compares the two legends). */
#define REPORT_NMEASURE_COLORS 6
extern const char *const report_measure_colors[REPORT_NMEASURE_COLORS];

/* Amounts in report.html: "1 234 567,80 kr", Danish grouping and decimal comma, non-breaking
 * spaces, a true minus sign (html.c). */
extern const nytte_money_style report_html_kr;
/* An amount in report.html in that style; kr rounded to the øre, "–" when not a number (html.c). */
void report_money(sbuf *b, int64_t ore);
void report_money_kr(sbuf *b, double kr);

/* report.html's findings box (the first screen) and its section on benefit and harm per
 * element, with the parcels above their benefit and the harmed parcels (safeguards.c). */
void report_html_findings(sbuf *b, const nytte_report_data *d);
void report_html_safeguards(sbuf *b, const nytte_report_data *d);

/* The draws and climate horizons (uncertainty.c): uncertainty_draws.csv, horizons.csv and
 * horizons_measures.csv when the run has them; report.html's sections; the manifest's settings
 * ("uncertainty", "horizons") and results (totals.uncertainty, totals.horizons). Nothing without. */
int report_write_uncertainty(nytte_ctx *ctx, const nytte_report_data *d, const char *dir, const nytte_csv_opts *o);
void report_html_uncertainty(sbuf *b, const nytte_report_data *d);
void report_html_horizons(sbuf *b, const nytte_report_data *d);
void report_manifest_uncertainty_settings(sbuf *b, const nytte_report_data *d);
void report_manifest_uncertainty_totals(sbuf *b, const nytte_report_data *d);

/* The outputs besides the tables (styles.c, html.c); measures[m] holds measure m's
 * geometries as the measures layer was written from them. */
int report_write_styles(nytte_ctx *ctx, const nytte_report_data *d, const char *dir, const double breaks[REPORT_NCLASSES],
                        const nytte_vlayer *measures);
/* explanations.txt: every owner's explanation, for `nytte explain OUT_DIR OWNER` (explanations.c). */
int report_write_explanations(nytte_ctx *ctx, const nytte_report_data *d, const char *dir);

/* report.html; measures[m] holds measure m's geometries (drawn on the map). */
int report_write_html(nytte_ctx *ctx, const nytte_report_data *d, const char *dir, const double breaks[REPORT_NCLASSES],
                      const nytte_vlayer *measures);

/* ---- column tables ------------------------------------------------------------- */

/*
 * Column tables (table.c): the output tables of engine/report/. Each output layer
 * (owners, parcels, buildings, measures) declares its columns once, in report.c: the
 * name, the Shapefile name, the kind of value and its CSV format, and where the value
 * sits in the layer's row struct. Every writer reads that one declaration: the CSV in
 * both dialects, the XLSX sheet, the GeoPackage layer, the Shapefile and its field
 * mapping, so that the columns of one layer cannot drift apart between the files.
 */
/* The kind of a column: the C type of its member in the row struct and how each file stores it. */
typedef enum {
    REPORT_COL_TEXT,      /* const char *; NULL: an empty CSV cell, a null field */
    REPORT_COL_LONG_TEXT, /* the same, free text that can outgrow a DBF field: a Shapefile gets its first
                           * 254 bytes, cut at a character boundary */
    REPORT_COL_PROSE,     /* long text whose numbers follow the CSV dialect: with a decimal comma
                           * (excel_da) "5000000.00 kr × 74.4" is written "5000000,00 kr × 74,4" */
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

/* ---- reading a finished run back (outdir.c, csvread.c) ---------------------------- */

/* dir/name into buf ("out/owners.csv"; no doubled '/'); returns buf. */
char *report_join(char *buf, size_t size, const char *dir, const char *name);

/* The whole file at path into *data (NUL-terminated, *len bytes before the NUL; the caller
 * frees it). NYTTE_EINPUT "path: not found" when it does not exist, else NYTTE_EIO. */
int report_read_file(nytte_ctx *ctx, char **data, size_t *len, const char *path);

/*
 * A CSV table as nytte writes it (docs/outputs.md: a header line, CRLF, `sep` between
 * fields, '"' around fields holding sep, '"' or a line break, a '"' doubled), parsed in
 * place: every field a NUL-terminated string, every row with the line it starts on.
 */
typedef struct report_csv {
    char *text;        /* the decoded fields, owned */
    char **cells;      /* every field of every row, row after row, owned */
    size_t *first;     /* row r's fields are cells[first[r]] .. cells[first[r] + ncols - 1] */
    size_t *line;      /* the line row r starts on (the header is line 1) */
    size_t nrows;      /* rows after the header */
    char **header;     /* the header's fields (cells[0 ..]) */
    size_t ncols;
} report_csv;

/*
 * Parse `len` bytes of data (borrowed) as a CSV table with separator sep; `path` names it in
 * messages. Every row must have as many fields as the header. NYTTE_EINPUT with
 * "path: line N: what" for a quote left open, text after a closing quote, a '"' in an
 * unquoted field, a NUL byte, a lone carriage return, a row of another width.
 */
int report_csv_parse(nytte_ctx *ctx, report_csv *out, const char *path, const char *data, size_t len, char sep);
void report_csv_clear(report_csv *c);
/* The index of column `name` in *col; NYTTE_EINPUT "path: line 1: no column name" if absent. */
int report_csv_column(nytte_ctx *ctx, size_t *col, const report_csv *c, const char *path, const char *name);
/* Row r's field in column col. */
static inline const char *report_csv_at(const report_csv *c, size_t r, size_t col)
{
    return c->cells[c->first[r] + col];
}

/* Read dir/owners.csv or dir/parcels.csv into d (csvread.c); the file's SHA-256 in hex. */
int report_read_owners(nytte_ctx *ctx, nytte_outdir *d, char hex[65]);
int report_read_parcels(nytte_ctx *ctx, nytte_outdir *d, char hex[65]);

#endif
