/*
 * overlay_int.h — private to engine/overlay/: the coverage kernel on a window of
 * cells and the per-(geometry, raster) accumulator that the drivers share.
 */
#ifndef NYTTE_OVERLAY_INT_H
#define NYTTE_OVERLAY_INT_H

#include "nytte/overlay.h"

#include <stdbool.h>

/* Reusable buffers of the coverage kernel; one per thread. Zero-initialise. */
typedef struct ovl_scratch {
    double *carry;          /* nrows * (ncols + 1): winding carried to the right */
    unsigned char *touched; /* nrows * ncols: a boundary piece crosses the cell */
    size_t cap_carry, cap_touched;
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

/* Check that g is a geometry the overlay takes (polygon, point, none; finite). */
bool ovl_geom_ok(const nytte_geom *g);

/* Running sums of one geometry over one raster, in cell weights (not m²). */
typedef struct ovl_acc {
    double cover;  /* sum of weights of all cells in the grid */
    double nodata; /* ... of nodata/NaN cells */
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
 * nodata when equal to `nodata` with has_nodata, or NaN), thresholds thr[nthr].
 */
void ovl_acc_add(ovl_acc *a, const double *frac, int ncols, int nrows, const float *vals, size_t stride,
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
