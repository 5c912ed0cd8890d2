/*
 * report_int.h — what the files of engine/report/ share: a growable string, text
 * escaping for XML / JSON / HTML, owner lookup, and the amount classes that the
 * QGIS styles and the HTML map both use (so that the two maps agree).
 */
#ifndef NYTTE_REPORT_INT_H
#define NYTTE_REPORT_INT_H

#include "nytte/report.h"

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
 * by "; " appended to *parcels, and their explanations ("id (share s): summary", joined by
 * " | ") to *expl. Both end as strings (never NULL) unless they failed. Returns the count.
 */
size_t report_owner_parcels(const nytte_report_data *d, size_t o, sbuf *parcels, sbuf *expl);

/* An owner's name from the inputs (the allocation knows ids only); NULL if none. */
const char *report_owner_name(const nytte_inputs *in, const char *id);

/* Amount classes of the parcels' total amounts: class 0 pays nothing, classes 1..5 by
 * quantiles of the paying parcels' amounts. breaks[k] is the upper bound (kr) of class k+1. */
#define REPORT_NCLASSES 5
void report_amount_breaks(const nytte_alloc_result *r, double breaks[REPORT_NCLASSES]);
int report_amount_class(const double breaks[REPORT_NCLASSES], int64_t ore);
extern const char *const report_class_colors[REPORT_NCLASSES + 1]; /* "#rrggbb"; [0] non-payers */

/* Depth ramp for rasters: colours and upper depths (m) of the classes. */
#define REPORT_NDEPTH 5
extern const char *const report_depth_colors[REPORT_NDEPTH];
extern const double report_depth_values[REPORT_NDEPTH];

/* The outputs besides the tables (styles.c, html.c). */
int report_write_styles(nytte_ctx *ctx, const nytte_report_data *d, const char *dir, const double breaks[REPORT_NCLASSES]);
int report_write_html(nytte_ctx *ctx, const nytte_report_data *d, const char *dir, const double breaks[REPORT_NCLASSES]);

#endif
