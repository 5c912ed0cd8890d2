/*
 * census.c — cells that are not finite numbers. A ±Inf cell in a terrain or a given
 * raster (a bad conversion, a division by zero in a raster calculator) would otherwise be
 * used as a value: a depth of +Inf, a lowest ground of -Inf in parcels.csv. Every reader
 * of io makes it NaN, which every module treats as nodata; a census counts what the
 * reader found (NaN cells too, when NaN is not the declared nodata) and the run warns
 * with the count and the first cell's place (docs/reliability.md). The census is the same
 * whether a raster is read whole or scanned by strips, so tiled and whole runs warn alike.
 */
#include "io/io_int.h"

#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cpl_conv.h>
#include <gdal.h>

float io_nodata_as_float(double v)
{
    if (isnan(v) || isinf(v))
        return (float)v;
    if (v > FLT_MAX)
        return FLT_MAX;
    if (v < -FLT_MAX)
        return -FLT_MAX;
    return (float)v;
}

void io_cells_finite(float *v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (isinf(v[i]))
            v[i] = NAN;
}

void io_census_add(nytte_raster_census *c, float *v, int col0, int row0, int w, int h, bool has_nodata,
                   float nodata)
{
    bool nan_is_nodata = has_nodata && isnan(nodata);
    size_t nvalid = 0, nnan = 0, npos = 0, nneg = 0;
    int frow = -1, fcol = -1;
    for (int r = 0; r < h; r++) {
        float *row = v + (size_t)r * (size_t)w;
        for (int k = 0; k < w; k++) {
            float x = row[k];
            if (isfinite(x)) {
                nvalid += !(has_nodata && x == nodata);
                continue;
            }
            bool counted;
            if (isnan(x)) {
                counted = !nan_is_nodata;
                nnan += counted;
            } else {
                counted = !(has_nodata && x == nodata);
                npos += counted && x > 0;
                nneg += counted && x < 0;
                row[k] = NAN;
            }
            if (counted && frow < 0) {
                frow = row0 + r;
                fcol = col0 + k;
            }
        }
    }
    c->nvalid += nvalid;
    c->nan += nnan;
    c->posinf += npos;
    c->neginf += nneg;
    if (frow >= 0 && (c->row < 0 || frow < c->row || (frow == c->row && fcol < c->col))) {
        c->row = frow;
        c->col = fcol;
    }
}

/* Strips of at least this many rows (whole blocks), windows of at least this many columns. */
#define SCAN_ROWS 64
#define SCAN_COLS 4096

int nytte_raster_scan(nytte_ctx *ctx, nytte_raster_census *census, const char *path)
{
    *census = (nytte_raster_census)NYTTE_RASTER_CENSUS_INIT;
    nytte_io_init();
    nytte_io_gdal_msg_clear();
    GDALDatasetH ds = GDALOpenEx(path, GDAL_OF_RASTER | GDAL_OF_READONLY, NULL, NULL, NULL);
    if (!ds)
        return nytte_io_gdal_error(ctx, NYTTE_EIO, "%s: cannot open", path);
    int rc = NYTTE_OK;
    float *buf = NULL;
    GDALRasterBandH b = GDALGetRasterBand(ds, 1);
    int nx = GDALGetRasterXSize(ds), ny = GDALGetRasterYSize(ds), bw = 0, bh = 0, has = 0;
    double nd = GDALGetRasterNoDataValue(b, &has);
    float nodata = has ? io_nodata_as_float(nd) : 0.0f;
    GDALGetBlockSize(b, &bw, &bh);
    bw = bw > 0 ? bw : 1;
    bh = bh > 0 ? bh : 1;
    /* whole blocks: each is decoded once */
    int h = bh, w = bw;
    while (h < SCAN_ROWS && h < ny)
        h += bh;
    while (w < SCAN_COLS && w < nx)
        w += bw;
    h = h < ny ? h : ny;
    w = w < nx ? w : nx;
    buf = malloc((size_t)w * (size_t)h * sizeof *buf);
    if (!buf) {
        rc = nytte_nomem(ctx, "%s: a strip of %d x %d cells", path, w, h);
        goto cleanup;
    }
    for (int r0 = 0; r0 < ny; r0 += h) {
        int hh = ny - r0 < h ? ny - r0 : h;
        for (int c0 = 0; c0 < nx; c0 += w) {
            int ww = nx - c0 < w ? nx - c0 : w;
            if (GDALRasterIO(b, GF_Read, c0, r0, ww, hh, buf, ww, hh, GDT_Float32, 0, 0) != CE_None) {
                rc = nytte_io_gdal_error(ctx, NYTTE_EIO, "%s: cannot read rows %d to %d", path, r0, r0 + hh - 1);
                goto cleanup;
            }
            io_census_add(census, buf, c0, r0, ww, hh, has != 0, nodata);
        }
    }
cleanup:
    free(buf);
    GDALClose(ds);
    return rc;
}

void nytte_raster_census_warn(nytte_ctx *ctx, const char *path, const nytte_grid *g,
                              const nytte_raster_census *c)
{
    size_t n = c->nan + c->posinf + c->neginf;
    if (n == 0)
        return;
    char kinds[128] = "";
    size_t len = 0;
    const size_t counts[3] = {c->posinf, c->neginf, c->nan};
    const char *names[3] = {"+Inf", "-Inf", "NaN"};
    for (int k = 0; k < 3; k++)
        if (counts[k] && len < sizeof kinds)
            len += (size_t)snprintf(kinds + len, sizeof kinds - len, "%s%zu %s", len ? ", " : "", counts[k],
                                    names[k]);
    double x = g->x0 + ((double)c->col + 0.5) * g->dx, y = g->y0 - ((double)c->row + 0.5) * g->dy;
    nytte_log(ctx, NYTTE_LOG_WARN, "%s: %zu %s (%s) and count%s as nodata; the first at row %d, column %d (x %.10g, y %.10g)",
              path, n, n == 1 ? "cell is not a finite number" : "cells are not finite numbers", kinds,
              n == 1 ? "s" : "", c->row, c->col, x, y);
}
