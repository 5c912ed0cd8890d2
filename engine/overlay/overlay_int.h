/*
 * overlay_int.h — private to engine/overlay/: the coverage kernel on a window of
 * cells and the per-(geometry, raster) accumulator that the drivers share.
 */
#ifndef NYTTE_OVERLAY_INT_H
#define NYTTE_OVERLAY_INT_H

#include "nytte/overlay.h"

#include <stdbool.h>

/* One contribution of an edge to one cell of a window row (sparse coverage). */
typedef struct ovl_piece {
    int row;    /* window-relative */
    int ck;     /* column (window-relative) * 4 + kind: area (and crossed), carry, crossed only */
    double val, val2; /* area or carry; for area: the carry into the next cell east */
} ovl_piece;

/*
 * Cells [c0, c1) of window row `row` with weight w (window-relative). w == 1: a maximal
 * run of whole cells; any other w: one cell (c1 == c0 + 1). Cells of weight 0 have no
 * span. Spans come in row-major order.
 */
typedef struct ovl_span {
    int row, c0, c1;
    double w;
} ovl_span;

/* Reusable buffers of the coverage kernel; one per thread. Zero-initialise. */
typedef struct ovl_scratch {
    double *carry;          /* dense: nrows * (ncols + 1): winding carried to the right */
    unsigned char *touched; /* dense: nrows * ncols: a boundary piece crosses the cell */
    size_t cap_carry, cap_touched;
    ovl_piece *pieces, *sorted; /* sparse: the edges' contributions, and sorted by (row, col) */
    size_t npieces, cap_pieces, cap_sorted;
    size_t *rowstart;           /* sparse: start of each row in sorted, nrows + 1 */
    size_t cap_rowstart;
    ovl_span *spans;            /* sparse: the result of ovl_cover_spans */
    size_t nspans, cap_spans;
} ovl_scratch;

void ovl_scratch_free(ovl_scratch *s);

/*
 * The cell window [c0, c1) × [r0, r1) of g's envelope on grid, clipped to the grid.
 * Returns false if it is empty.
 */
bool ovl_geom_window(const nytte_grid *grid, const nytte_geom *g, int *c0, int *r0, int *c1, int *r1);

/*
 * Weights of g's cells in the window (col0, row0, ncols, nrows) of grid (global cell
 * indices) into frac[nrows * ncols]. The window may cut the geometry: edges left of it
 * still carry their winding in. Returns NYTTE_OK or NYTTE_ENOMEM.
 */
int ovl_cover_window(ovl_scratch *s, const nytte_grid *grid, const nytte_geom *g, nytte_cover_mode mode, int col0,
                     int row0, int ncols, int nrows, double *frac);

/*
 * The same weights as ovl_cover_window (the same numbers, bit for bit), as spans in
 * s->spans[0 .. s->nspans): O(boundary pieces + rows) instead of O(cells), and the
 * statistics need not rescan a window of weights. Returns NYTTE_OK or NYTTE_ENOMEM.
 */
int ovl_cover_spans(ovl_scratch *s, const nytte_grid *grid, const nytte_geom *g, nytte_cover_mode mode, int col0,
                    int row0, int ncols, int nrows);

/* Check that g is a geometry the overlay takes (polygon, point, none; finite). */
bool ovl_geom_ok(const nytte_geom *g);

/* Running sums of one geometry over one raster, in cell weights (not m²). */
typedef struct ovl_acc {
    double cover;  /* sum of weights of all cells in the grid */
    double nodata; /* ... of nodata, NaN and ±Inf cells */
    double valid;  /* ... of valid cells */
    double wv;     /* sum of weight × value over valid cells */
    double min, max;
    double above[NYTTE_OVERLAY_MAX_THRESHOLDS];
} ovl_acc;

void ovl_acc_init(ovl_acc *a);
/* a += b (fixed order: the caller merges in tile order). */
void ovl_acc_merge(ovl_acc *a, const ovl_acc *b);

/*
 * Add the cells of a window: frac[nrows * ncols], values vals[r * stride + c] (Float32;
 * nodata when equal to `nodata` with has_nodata, or NaN or ±Inf), thresholds thr[nthr].
 */
void ovl_acc_add(ovl_acc *a, const double *frac, int ncols, int nrows, const float *vals, size_t stride,
                 bool has_nodata, float nodata, const double *thr, int nthr);

/*
 * The same for the spans of a window (ovl_cover_spans): the same sums in the same
 * order as ovl_acc_add over the equivalent dense window, so the same result bit for bit.
 */
void ovl_acc_add_spans(ovl_acc *a, const ovl_span *sp, size_t nspans, const float *vals, size_t stride,
                       bool has_nodata, float nodata, const double *thr, int nthr);

/*
 * Stats from the sums. cell_area = dx * dy; poly_area the geometry's area;
 * inside_extent whether its envelope lies within the grid extent.
 */
void ovl_acc_finish(nytte_zonal_stats *out, const ovl_acc *a, const nytte_geom *g, double cell_area,
                    double poly_area, bool inside_extent, int nthr);

/* Whether g's envelope lies within the grid's extent. */
bool ovl_inside_extent(const nytte_grid *grid, const nytte_geom *g);

#endif
