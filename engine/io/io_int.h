/*
 * io_int.h — private to engine/io/: what raster.c and census.c share about cells that are
 * not finite numbers, and the overlap check of the parcels (overlap.c) that inputs.c runs.
 */
#ifndef NYTTE_IO_INT_H
#define NYTTE_IO_INT_H

#include "nytte/io.h"

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

#endif
