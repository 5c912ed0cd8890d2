/*
 * io_int.h — private to engine/io/: what raster.c and census.c share about cells that are
 * not finite numbers.
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

#endif
