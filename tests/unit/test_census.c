/*
 * test_census.c — cells that are not finite numbers (io/census.c): ±Inf read as NaN by
 * whole and window reads, the census of a whole read equal to that of a scan by strips,
 * declared NaN and infinite nodata values not counted, and the warning's text.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cpl_string.h>
#include <gdal.h>

#include "io/io_int.h"

static char tmpdir[256];

static int setup(void **state)
{
    (void)state;
    nytte_io_init();
    snprintf(tmpdir, sizeof tmpdir, "/tmp/nytte_test_census_XXXXXX");
    return mkdtemp(tmpdir) ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
    return system(cmd) == 0 ? 0 : -1;
}

/* Write v (nx × ny) as a GeoTIFF tiled in 16 × 16 blocks at 1 m, origin (1000, 2000). */
static void write_tif(const char *path, const float *v, int nx, int ny, int has_nodata, double nodata)
{
    GDALDriverH drv = GDALGetDriverByName("GTiff");
    char **co = CSLSetNameValue(NULL, "TILED", "YES");
    co = CSLSetNameValue(co, "BLOCKXSIZE", "16");
    co = CSLSetNameValue(co, "BLOCKYSIZE", "16");
    GDALDatasetH ds = GDALCreate(drv, path, nx, ny, 1, GDT_Float32, co);
    CSLDestroy(co);
    assert_non_null(ds);
    double gt[6] = {1000, 1, 0, 2000, 0, -1};
    GDALSetGeoTransform(ds, gt);
    GDALRasterBandH b = GDALGetRasterBand(ds, 1);
    if (has_nodata)
        GDALSetRasterNoDataValue(b, nodata);
    assert_int_equal(GDALRasterIO(b, GF_Write, 0, 0, nx, ny, (void *)v, nx, ny, GDT_Float32, 0, 0), CE_None);
    GDALClose(ds);
}

static void census_equal(const nytte_raster_census *a, const nytte_raster_census *b)
{
    assert_int_equal(a->nvalid, b->nvalid);
    assert_int_equal(a->nan, b->nan);
    assert_int_equal(a->posinf, b->posinf);
    assert_int_equal(a->neginf, b->neginf);
    assert_int_equal(a->row, b->row);
    assert_int_equal(a->col, b->col);
}

/* The last warning logged. */
static char logged[512];
static void keep_log(void *user, nytte_log_level level, const char *msg)
{
    (void)user;
    if (level == NYTTE_LOG_WARN)
        snprintf(logged, sizeof logged, "%s", msg);
}

/*
 * 4200 × 150 cells (a scan reads strips of 64 rows in windows of 4096 columns, so this is
 * two windows by three strips), nodata -9999: +Inf at (row 20, col 3), NaN at (10, 4100),
 * -Inf at (100, 7), one nodata cell at (0, 0). Row-major the first is (10, 4100), which
 * the second window of the first strip finds after the first window found (20, 3).
 */
static void test_whole_read_and_scan_agree(void **state)
{
    (void)state;
    const int nx = 4200, ny = 150;
    float *v = malloc((size_t)nx * ny * sizeof *v);
    assert_non_null(v);
    for (size_t i = 0; i < (size_t)nx * ny; i++)
        v[i] = (float)(i % 97) * 0.25f;
    v[0] = -9999.0f;
    v[20 * nx + 3] = INFINITY;
    v[10 * nx + 4100] = NAN;
    v[100 * nx + 7] = -INFINITY;
    char path[300];
    snprintf(path, sizeof path, "%s/cells.tif", tmpdir);
    write_tif(path, v, nx, ny, 1, -9999.0);

    nytte_ctx *ctx;
    assert_int_equal(nytte_ctx_new(&ctx), NYTTE_OK);
    nytte_raster r;
    nytte_raster_census whole, scan;
    assert_int_equal(nytte_raster_read_ex(ctx, &r, path, 1, &whole), NYTTE_OK);
    assert_int_equal(whole.nvalid, (size_t)nx * ny - 4);
    assert_int_equal(whole.nan, 1);
    assert_int_equal(whole.posinf, 1);
    assert_int_equal(whole.neginf, 1);
    assert_int_equal(whole.row, 10);
    assert_int_equal(whole.col, 4100);
    /* ±Inf read as NaN: nodata for every module */
    assert_true(isnan(r.v[20 * nx + 3]) && isnan(r.v[100 * nx + 7]) && isnan(r.v[10 * nx + 4100]));
    assert_true(r.v[0] == -9999.0f && r.v[1] == 0.25f);
    assert_int_equal(nytte_raster_scan(ctx, &scan, path), NYTTE_OK);
    census_equal(&whole, &scan);

    /* a window read makes ±Inf NaN too */
    nytte_raster_reader *rd;
    float win[4 * 3];
    assert_int_equal(nytte_raster_reader_open(&rd, path), NYTTE_OK);
    assert_int_equal(nytte_raster_reader_read_window(rd, 2, 19, 4, 3, win), NYTTE_OK);
    assert_true(isnan(win[1 * 4 + 1]));
    assert_true(win[0] == v[19 * nx + 2]);
    nytte_raster_reader_close(rd);

    /* the warning: counts by kind, the first cell's row, column and centre */
    nytte_ctx_set_logger(ctx, keep_log, NULL);
    logged[0] = '\0';
    nytte_raster_census_warn(ctx, "cells.tif", &r.grid, &whole);
    assert_string_equal(logged, "cells.tif: 3 cells are not finite numbers (1 +Inf, 1 -Inf, 1 NaN) and count as "
                                "nodata; the first at row 10, column 4100 (x 5100.5, y 1989.5)");
    nytte_raster_census one = {5, 0, 0, 1, 0, 2};
    nytte_raster_census_warn(ctx, "t.tif", &r.grid, &one);
    assert_string_equal(logged, "t.tif: 1 cell is not a finite number (1 -Inf) and counts as nodata; the first at row "
                                "0, column 2 (x 1002.5, y 1999.5)");
    logged[0] = '\0';
    nytte_raster_census none = NYTTE_RASTER_CENSUS_INIT;
    nytte_raster_census_warn(ctx, "t.tif", &r.grid, &none);
    assert_string_equal(logged, "");

    nytte_raster_clear(&r);
    nytte_ctx_free(ctx);
    free(v);
}

/* A declared nodata of NaN or -Inf: those cells are nodata as declared, not counted. */
static void test_declared_nodata_not_counted(void **state)
{
    (void)state;
    const float v[6] = {1, NAN, -INFINITY, INFINITY, NAN, 2};
    char path[300];
    nytte_ctx *ctx;
    assert_int_equal(nytte_ctx_new(&ctx), NYTTE_OK);
    nytte_raster r;
    nytte_raster_census c, s;

    snprintf(path, sizeof path, "%s/nan.tif", tmpdir);
    write_tif(path, v, 3, 2, 1, NAN);
    assert_int_equal(nytte_raster_read_ex(ctx, &r, path, 1, &c), NYTTE_OK);
    assert_true(c.nvalid == 2 && c.nan == 0 && c.posinf == 1 && c.neginf == 1 && c.row == 0 && c.col == 2);
    assert_true(isnan(r.v[2]) && isnan(r.v[3]));
    assert_int_equal(nytte_raster_scan(ctx, &s, path), NYTTE_OK);
    census_equal(&c, &s);
    nytte_raster_clear(&r);

    snprintf(path, sizeof path, "%s/neginf.tif", tmpdir);
    write_tif(path, v, 3, 2, 1, -INFINITY);
    assert_int_equal(nytte_raster_read_ex(ctx, &r, path, 1, &c), NYTTE_OK);
    assert_true(r.has_nodata && isinf(r.nodata) && r.nodata < 0);
    assert_true(c.nvalid == 2 && c.nan == 2 && c.posinf == 1 && c.neginf == 0 && c.row == 0 && c.col == 1);
    assert_true(nytte_raster_isnodata(&r, r.v[2]));
    assert_int_equal(nytte_raster_scan(ctx, &s, path), NYTTE_OK);
    census_equal(&c, &s);
    nytte_raster_clear(&r);

    /* no nodata at all: every NaN and ±Inf is counted */
    snprintf(path, sizeof path, "%s/none.tif", tmpdir);
    write_tif(path, v, 3, 2, 0, 0);
    assert_int_equal(nytte_raster_read_ex(ctx, &r, path, 1, &c), NYTTE_OK);
    assert_true(c.nvalid == 2 && c.nan == 2 && c.posinf == 1 && c.neginf == 1 && c.row == 0 && c.col == 1);
    assert_int_equal(nytte_raster_scan(ctx, &s, path), NYTTE_OK);
    census_equal(&c, &s);
    nytte_raster_clear(&r);

    /* a scan of what is not there names it */
    snprintf(path, sizeof path, "%s/missing.tif", tmpdir);
    assert_int_equal(nytte_raster_scan(ctx, &s, path), NYTTE_EIO);
    assert_non_null(strstr(nytte_ctx_errmsg(ctx), "missing.tif: cannot open"));
    nytte_ctx_free(ctx);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_whole_read_and_scan_agree),
        cmocka_unit_test(test_declared_nodata_not_counted),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
