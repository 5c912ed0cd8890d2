/* test_raster_io.c — raster reading and writing (io/raster.c) and GDAL error capture. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cpl_error.h>
#include <cpl_string.h>
#include <gdal.h>
#include <ogr_srs_api.h>

#include "nytte/io.h"

static char tmpdir[256];

static int setup(void **state)
{
    (void)state;
    nytte_io_init();
    snprintf(tmpdir, sizeof tmpdir, "/tmp/nytte_test_raster_io_XXXXXX");
    return mkdtemp(tmpdir) ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
    return system(cmd) == 0 ? 0 : -1;
}

static void path_in_tmp(char *buf, size_t n, const char *name) { snprintf(buf, n, "%s/%s", tmpdir, name); }

static char *epsg_wkt(int code)
{
    OGRSpatialReferenceH s = OSRNewSpatialReference(NULL);
    assert_int_equal(OSRImportFromEPSG(s, code), OGRERR_NONE);
    char *w = NULL;
    assert_int_equal(OSRExportToWkt(s, &w), OGRERR_NONE);
    char *out = strdup(w);
    CPLFree(w);
    OSRDestroySpatialReference(s);
    return out;
}

/* A 1100 × 700 raster at 2 m in UTM 32N: values from a formula, a block of nodata. */
static void make_raster(nytte_raster *r, const char *wkt)
{
    nytte_grid g = {720000.0, 6193000.0, 2.0, 2.0, 1100, 700};
    assert_int_equal(nytte_raster_alloc(r, &g, 0.0f, wkt), NYTTE_OK);
    r->has_nodata = true;
    r->nodata = -9999.0f;
    for (int y = 0; y < g.ny; y++)
        for (int x = 0; x < g.nx; x++)
            r->v[(size_t)y * g.nx + x] = (x >= 100 && x < 140 && y >= 30 && y < 50)
                                             ? -9999.0f
                                             : (float)(0.001 * x * y - 0.37 * x + 0.5 * sin(0.1 * y));
}

static bool file_exists(const char *p)
{
    struct stat sb;
    return stat(p, &sb) == 0;
}

static void test_write_read_round_trip(void **state)
{
    (void)state;
    nytte_ctx *ctx;
    nytte_ctx_new(&ctx);
    char *wkt = epsg_wkt(25832);
    nytte_raster r;
    make_raster(&r, wkt);
    char path[300], part[310];
    path_in_tmp(path, sizeof path, "depth.tif");
    snprintf(part, sizeof part, "%s.part", path);
    assert_int_equal(nytte_raster_write(ctx, &r, path), NYTTE_OK);
    assert_true(file_exists(path));
    assert_false(file_exists(part));

    nytte_raster back;
    assert_int_equal(nytte_raster_read(ctx, &back, path, 1), NYTTE_OK);
    assert_true(nytte_grid_same(&back.grid, &r.grid));
    assert_true(back.grid.x0 == 720000.0 && back.grid.y0 == 6193000.0 && back.grid.dx == 2.0 && back.grid.dy == 2.0);
    assert_true(back.has_nodata);
    assert_true(back.nodata == -9999.0f);
    assert_memory_equal(back.v, r.v, sizeof(float) * 1100 * 700);
    assert_true(nytte_raster_isnodata(&back, back.v[40 * 1100 + 120]));
    assert_non_null(back.crs_wkt);
    OGRSpatialReferenceH a = OSRNewSpatialReference(wkt), b = OSRNewSpatialReference(back.crs_wkt);
    assert_true(OSRIsSame(a, b));
    OSRDestroySpatialReference(a);
    OSRDestroySpatialReference(b);

    nytte_grid g;
    char *w2 = NULL;
    assert_int_equal(nytte_raster_info(ctx, path, &g, &w2), NYTTE_OK);
    assert_true(nytte_grid_same(&g, &r.grid));
    assert_non_null(w2);
    free(w2);

    /* The layout: tiled 512, DEFLATE with the floating-point predictor, 2 overviews (1100 -> 550 -> 275). */
    GDALDatasetH ds = GDALOpen(path, GA_ReadOnly);
    assert_non_null(ds);
    GDALRasterBandH band = GDALGetRasterBand(ds, 1);
    int bx, by;
    GDALGetBlockSize(band, &bx, &by);
    assert_int_equal(bx, 512);
    assert_int_equal(by, 512);
    assert_string_equal(GDALGetMetadataItem(ds, "COMPRESSION", "IMAGE_STRUCTURE"), "DEFLATE");
    assert_string_equal(GDALGetMetadataItem(ds, "PREDICTOR", "IMAGE_STRUCTURE"), "3");
    assert_int_equal(GDALGetOverviewCount(band), 2);
    assert_int_equal(GDALGetRasterBandXSize(GDALGetOverview(band, 0)), 550);
    assert_int_equal(GDALGetRasterBandXSize(GDALGetOverview(band, 1)), 275);
    GDALClose(ds);

    nytte_raster_clear(&back);
    nytte_raster_clear(&r);
    free(wkt);
    nytte_ctx_free(ctx);
}

static void test_small_raster_without_nodata_or_crs(void **state)
{
    (void)state;
    nytte_ctx *ctx;
    nytte_ctx_new(&ctx);
    nytte_grid g = {0.0, 30.0, 10.0, 10.0, 4, 3};
    nytte_raster r;
    assert_int_equal(nytte_raster_alloc(&r, &g, 1.5f, NULL), NYTTE_OK);
    r.v[5] = NAN;
    char path[300];
    path_in_tmp(path, sizeof path, "small.tif");
    assert_int_equal(nytte_raster_write(ctx, &r, path), NYTTE_OK);
    nytte_raster back;
    assert_int_equal(nytte_raster_read(ctx, &back, path, 1), NYTTE_OK);
    assert_false(back.has_nodata);
    assert_null(back.crs_wkt);
    assert_true(isnan(back.v[5]) && nytte_raster_isnodata(&back, back.v[5]));
    assert_true(back.v[0] == 1.5f && back.v[11] == 1.5f);
    GDALDatasetH ds = GDALOpen(path, GA_ReadOnly);
    assert_int_equal(GDALGetOverviewCount(GDALGetRasterBand(ds, 1)), 0);
    GDALClose(ds);
    nytte_raster_clear(&back);
    nytte_raster_clear(&r);
    nytte_ctx_free(ctx);
}

static unsigned char *slurp(const char *p, size_t *n)
{
    FILE *f = fopen(p, "rb");
    assert_non_null(f);
    fseek(f, 0, SEEK_END);
    long len = ftell(f);
    fseek(f, 0, SEEK_SET);
    unsigned char *buf = malloc((size_t)len);
    assert_int_equal(fread(buf, 1, (size_t)len, f), (size_t)len);
    fclose(f);
    *n = (size_t)len;
    return buf;
}

/* Compression threads must not change a byte of the file. */
static void test_write_same_bytes_for_any_thread_count(void **state)
{
    (void)state;
    nytte_ctx *ctx;
    nytte_ctx_new(&ctx);
    char *wkt = epsg_wkt(25832);
    nytte_raster r;
    make_raster(&r, wkt);
    char p1[300], p2[300];
    path_in_tmp(p1, sizeof p1, "t1.tif");
    path_in_tmp(p2, sizeof p2, "t3.tif");
    nytte_ctx_set_threads(ctx, 1);
    assert_int_equal(nytte_raster_write(ctx, &r, p1), NYTTE_OK);
    nytte_ctx_set_threads(ctx, 3);
    assert_int_equal(nytte_raster_write(ctx, &r, p2), NYTTE_OK);
    size_t n1, n2;
    unsigned char *b1 = slurp(p1, &n1), *b2 = slurp(p2, &n2);
    assert_int_equal(n1, n2);
    assert_memory_equal(b1, b2, n1);
    free(b1);
    free(b2);
    nytte_raster_clear(&r);
    free(wkt);
    nytte_ctx_free(ctx);
}

static void test_read_errors_name_the_path(void **state)
{
    (void)state;
    nytte_ctx *ctx;
    nytte_ctx_new(&ctx);
    nytte_raster r;
    char path[300], msg[600];

    path_in_tmp(path, sizeof path, "missing.tif");
    assert_int_equal(nytte_raster_read(ctx, &r, path, 1), NYTTE_EIO);
    snprintf(msg, sizeof msg, "%s: no such file", path);
    assert_string_equal(nytte_ctx_errmsg(ctx), msg);
    assert_null(r.v);

    path_in_tmp(path, sizeof path, "notes.tif");
    FILE *f = fopen(path, "w");
    fputs("this is not a raster\n", f);
    fclose(f);
    assert_int_equal(nytte_raster_read(ctx, &r, path, 1), NYTTE_EINPUT);
    snprintf(msg, sizeof msg, "%s: not a raster GDAL can read", path);
    assert_string_equal(nytte_ctx_errmsg(ctx), msg);
    nytte_grid g;
    char *w = (char *)1;
    assert_int_equal(nytte_raster_info(ctx, path, &g, &w), NYTTE_EINPUT);
    assert_null(w);

    /* A rotated raster and a missing band. */
    path_in_tmp(path, sizeof path, "rotated.tif");
    GDALDatasetH ds = GDALCreate(GDALGetDriverByName("GTiff"), path, 3, 3, 1, GDT_Float32, NULL);
    double gt[6] = {0, 1, 0.2, 10, 0.1, -1};
    GDALSetGeoTransform(ds, gt);
    GDALClose(ds);
    assert_int_equal(nytte_raster_read(ctx, &r, path, 1), NYTTE_EINPUT);
    snprintf(msg, sizeof msg, "%s: raster is rotated (not north-up)", path);
    assert_string_equal(nytte_ctx_errmsg(ctx), msg);
    assert_int_equal(nytte_raster_read(ctx, &r, path, 2), NYTTE_EINPUT);
    snprintf(msg, sizeof msg, "%s: band 2 does not exist (the raster has 1)", path);
    assert_string_equal(nytte_ctx_errmsg(ctx), msg);

    path_in_tmp(path, sizeof path, "nogeo.tif");
    ds = GDALCreate(GDALGetDriverByName("GTiff"), path, 3, 3, 1, GDT_Byte, NULL);
    GDALClose(ds);
    assert_int_equal(nytte_raster_read(ctx, &r, path, 1), NYTTE_EINPUT);
    snprintf(msg, sizeof msg, "%s: raster has no georeferencing (geotransform)", path);
    assert_string_equal(nytte_ctx_errmsg(ctx), msg);
    nytte_ctx_free(ctx);
}

static void test_write_error_captures_gdal_message(void **state)
{
    (void)state;
    nytte_ctx *ctx;
    nytte_ctx_new(&ctx);
    nytte_grid g = {0.0, 30.0, 10.0, 10.0, 4, 3};
    nytte_raster r;
    assert_int_equal(nytte_raster_alloc(&r, &g, 1.0f, NULL), NYTTE_OK);
    char path[300], head[400];
    path_in_tmp(path, sizeof path, "no/such/dir/out.tif");
    assert_int_equal(nytte_raster_write(ctx, &r, path), NYTTE_EIO);
    snprintf(head, sizeof head, "%s: cannot create: ", path);
    const char *m = nytte_ctx_errmsg(ctx);
    assert_memory_equal(m, head, strlen(head));
    assert_true(strlen(m) > strlen(head)); /* GDAL's reason follows */
    assert_null(strchr(m, '\n'));

    /* A CRS nobody understands: the message names the path; no .part file is left. */
    free(r.crs_wkt);
    r.crs_wkt = strdup("NOT A CRS");
    path_in_tmp(path, sizeof path, "badcrs.tif");
    assert_int_equal(nytte_raster_write(ctx, &r, path), NYTTE_EINPUT);
    snprintf(head, sizeof head, "%s: the CRS (WKT) is not understood", path);
    assert_memory_equal(nytte_ctx_errmsg(ctx), head, strlen(head));
    char part[310];
    snprintf(part, sizeof part, "%s.part", path);
    assert_false(file_exists(part));
    assert_false(file_exists(path));
    nytte_raster_clear(&r);
    nytte_ctx_free(ctx);
}

/* The handler keeps GDAL's last message per thread and prints nothing. */
static void test_gdal_message_captured(void **state)
{
    (void)state;
    nytte_io_gdal_msg_clear();
    assert_string_equal(nytte_io_gdal_msg(), "");
    assert_false(nytte_io_gdal_failed());
    CPLError(CE_Warning, CPLE_AppDefined, "just a warning");
    assert_string_equal(nytte_io_gdal_msg(), "just a warning");
    assert_false(nytte_io_gdal_failed());
    CPLError(CE_Failure, CPLE_AppDefined, "two\nlines");
    assert_string_equal(nytte_io_gdal_msg(), "two lines");
    assert_true(nytte_io_gdal_failed());
    CPLError(CE_Warning, CPLE_AppDefined, "a later warning");
    assert_string_equal(nytte_io_gdal_msg(), "two lines"); /* the failure is kept */
    nytte_ctx *ctx;
    nytte_ctx_new(&ctx);
    assert_int_equal(nytte_io_gdal_error(ctx, NYTTE_EGDAL, "x.tif: cannot %s", "do it"), NYTTE_EGDAL);
    assert_string_equal(nytte_ctx_errmsg(ctx), "x.tif: cannot do it: two lines");
    nytte_io_gdal_msg_clear();
    nytte_io_gdal_error(ctx, NYTTE_EGDAL, "x.tif: cannot %s", "do it");
    assert_string_equal(nytte_ctx_errmsg(ctx), "x.tif: cannot do it");
    nytte_ctx_free(ctx);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_write_read_round_trip),
        cmocka_unit_test(test_small_raster_without_nodata_or_crs),
        cmocka_unit_test(test_write_same_bytes_for_any_thread_count),
        cmocka_unit_test(test_read_errors_name_the_path),
        cmocka_unit_test(test_write_error_captures_gdal_message),
        cmocka_unit_test(test_gdal_message_captured),
    };
    int rc = cmocka_run_group_tests(tests, setup, teardown);
    GDALDestroyDriverManager();
    return rc;
}
