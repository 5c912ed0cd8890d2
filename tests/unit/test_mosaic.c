/*
 * test_mosaic.c — a terrain of many tiles (io/mosaic.c): the part of a polygon no tile
 * covers, worked by hand; the tiles a rectangle reaches; the check of tiles that do not
 * fit, with the index of the one named; and the mosaic read back cell for cell against
 * the raster it was cut from, with its holes nodata.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cpl_conv.h>
#include <ogr_srs_api.h>

#include "nytte/io.h"

static char tmpdir[256];
static char *utm32;

static int setup(void **state)
{
    (void)state;
    nytte_io_init();
    snprintf(tmpdir, sizeof tmpdir, "/tmp/nytte_test_mosaic_XXXXXX");
    OGRSpatialReferenceH s = OSRNewSpatialReference(NULL);
    char *w = NULL;
    if (!s || OSRImportFromEPSG(s, 25832) != OGRERR_NONE || OSRExportToWkt(s, &w) != OGRERR_NONE)
        return -1;
    utm32 = strdup(w);
    CPLFree(w);
    OSRDestroySpatialReference(s);
    return mkdtemp(tmpdir) ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    free(utm32);
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
    return system(cmd) == 0 ? 0 : -1;
}

/* A closed ring as a polygon part: n points (the last repeats the first). */
static void polygon(nytte_geom *g, size_t nparts, const size_t *npts, const double *xy)
{
    assert_int_equal(nytte_geom_set(g, NYTTE_GEOM_POLYGON, nparts, npts, xy), NYTTE_OK);
}

/*
 * Two tiles of 10 × 10 cells of 1 m: A at x 0-10, y 0-10 and B at x 20-30, y 0-10 (a gap
 * of 10 m between them). Worked by hand:
 *  - the square x 5-15, y 2-8 (60 m²): A covers x 5-10 (30 m²), nothing else: 30 m² uncovered;
 *  - the square x 8-22, y 0-10 (140 m²): A x 8-10 (20), B x 20-22 (20): 100 m² uncovered;
 *  - the triangle (0,0) (30,0) (0,10), 150 m²: in A the trapezoid x 0-10 under y = 10 - x/3,
 *    (10 + 20/3) / 2 × 10 = 83.33 m²; in B the triangle x 20-30, 10/3 m high at x = 20,
 *    10 × 10/3 / 2 = 16.67 m²: 150 - 100 = 50 m² uncovered;
 *  - the square x 1-9, y 1-9 with a hole x 3-5, y 3-5: inside A: nothing uncovered;
 *    and the same square moved 15 m east (x 16-24: A none, B x 20-24 of 64 - 4 = 60 m²:
 *    y 1-9 × x 20-24 = 32 m², less the hole at x 18-20 (outside B): 28 m² uncovered).
 */
static void test_uncovered_by_hand(void **state)
{
    (void)state;
    nytte_grid grids[2] = {{0, 10, 1, 1, 10, 10}, {20, 10, 1, 1, 10, 10}};
    size_t sel[2] = {0, 1};
    double area;
    nytte_geom g = NYTTE_GEOM_INIT;

    size_t n5[1] = {5};
    double sq[] = {5, 2, 15, 2, 15, 8, 5, 8, 5, 2};
    polygon(&g, 1, n5, sq);
    assert_int_equal(nytte_mosaic_uncovered(NULL, &area, &g, grids, sel, 2), NYTTE_OK);
    assert_true(fabs(area - 30.0) < 1e-9);
    nytte_geom_clear(&g);

    double wide[] = {8, 0, 22, 0, 22, 10, 8, 10, 8, 0};
    polygon(&g, 1, n5, wide);
    assert_int_equal(nytte_mosaic_uncovered(NULL, &area, &g, grids, sel, 2), NYTTE_OK);
    assert_true(fabs(area - 100.0) < 1e-9);
    /* one tile only: B not among those taken */
    assert_int_equal(nytte_mosaic_uncovered(NULL, &area, &g, grids, sel, 1), NYTTE_OK);
    assert_true(fabs(area - 120.0) < 1e-9);
    nytte_geom_clear(&g);

    size_t n4[1] = {4};
    double tri[] = {0, 0, 30, 0, 0, 10, 0, 0};
    polygon(&g, 1, n4, tri);
    assert_true(fabs(nytte_geom_area(&g) - 150.0) < 1e-9);
    assert_int_equal(nytte_mosaic_uncovered(NULL, &area, &g, grids, sel, 2), NYTTE_OK);
    assert_true(fabs(area - 50.0) < 1e-9);
    nytte_geom_clear(&g);

    /* exterior counter-clockwise, hole clockwise (io's order) */
    size_t n55[2] = {5, 5};
    double holed[] = {1, 1, 9, 1, 9, 9, 1, 9, 1, 1, 3, 3, 3, 5, 5, 5, 5, 3, 3, 3};
    polygon(&g, 2, n55, holed);
    assert_true(fabs(nytte_geom_area(&g) - 60.0) < 1e-9);
    assert_int_equal(nytte_mosaic_uncovered(NULL, &area, &g, grids, sel, 2), NYTTE_OK);
    assert_true(area < 1e-9);
    nytte_geom_clear(&g);
    for (size_t i = 0; i < 10; i++)
        holed[2 * i] += 15;
    polygon(&g, 2, n55, holed);
    assert_int_equal(nytte_mosaic_uncovered(NULL, &area, &g, grids, sel, 2), NYTTE_OK);
    assert_true(fabs(area - 28.0) < 1e-9);
    nytte_geom_clear(&g);
}

/* The tiles a rectangle reaches (more than an edge), and the grid holding them. */
static void test_select_and_union(void **state)
{
    (void)state;
    /* 1 km tiles at 0.4 m: (600, 6151), (601, 6151), (600, 6150), (603, 6150) */
    nytte_grid g[4] = {{600000, 6152000, 0.4, 0.4, 2500, 2500},
                       {601000, 6152000, 0.4, 0.4, 2500, 2500},
                       {600000, 6151000, 0.4, 0.4, 2500, 2500},
                       {603000, 6151000, 0.4, 0.4, 2500, 2500}};
    size_t sel[4];
    /* x 600500-601000 touches tile 1 at its edge only */
    size_t n = nytte_mosaic_select(sel, g, 4, 600500, 6150500, 601000, 6151500);
    assert_int_equal(n, 2);
    assert_int_equal(sel[0], 0);
    assert_int_equal(sel[1], 2);
    n = nytte_mosaic_select(sel, g, 4, 600500, 6150500, 603000.5, 6150600);
    assert_int_equal(n, 2);
    assert_int_equal(sel[1], 3);
    assert_int_equal(nytte_mosaic_select(sel, g, 4, 590000, 6150000, 599000, 6151000), 0);
    nytte_grid all;
    nytte_mosaic_union(&all, g, NULL, 4);
    assert_true(all.x0 == 600000 && all.y0 == 6152000 && all.dx == 0.4);
    assert_int_equal(all.nx, 10000);
    assert_int_equal(all.ny, 5000);
    size_t two[2] = {1, 3};
    nytte_mosaic_union(&all, g, two, 2);
    assert_true(all.x0 == 601000 && all.y0 == 6152000);
    assert_int_equal(all.nx, 7500);
    assert_int_equal(all.ny, 5000);
}

/* A raster of 12 × 8 cells of 5 m whose cell (c, r) holds 100 r + c; nodata -9999 or none. */
static void source(nytte_raster *r, bool nodata)
{
    nytte_grid g = {500000, 6130040, 5, 5, 12, 8};
    assert_int_equal(nytte_raster_alloc(r, &g, 0.0f, utm32), NYTTE_OK);
    r->has_nodata = nodata;
    r->nodata = nodata ? -9999.0f : 0.0f;
    for (int y = 0; y < g.ny; y++)
        for (int x = 0; x < g.nx; x++)
            r->v[(size_t)y * g.nx + x] = (float)(100 * y + x);
}

/* Cut the window (c0, r0, w, h) of r into tmpdir/name. */
static void cut(const nytte_raster *r, int c0, int r0, int w, int h, const char *name, char *path, size_t n)
{
    nytte_raster t = NYTTE_RASTER_INIT;
    nytte_grid g = {r->grid.x0 + c0 * r->grid.dx, r->grid.y0 - r0 * r->grid.dy, r->grid.dx, r->grid.dy, w, h};
    assert_int_equal(nytte_raster_alloc(&t, &g, 0.0f, r->crs_wkt), NYTTE_OK);
    t.has_nodata = r->has_nodata;
    t.nodata = r->nodata;
    for (int y = 0; y < h; y++)
        memcpy(t.v + (size_t)y * w, r->v + (size_t)(r0 + y) * r->grid.nx + c0, (size_t)w * sizeof(float));
    snprintf(path, n, "%s/%s", tmpdir, name);
    assert_int_equal(nytte_raster_write(NULL, &t, path), NYTTE_OK);
    nytte_raster_clear(&t);
}

/* Four tiles of 6 × 4 cells make the raster again, cell for cell, on its grid; three leave a hole of nodata. */
static void check_mosaic(bool nodata)
{
    nytte_ctx *ctx;
    assert_int_equal(nytte_ctx_new(&ctx), NYTTE_OK);
    nytte_raster r = NYTTE_RASTER_INIT, m = NYTTE_RASTER_INIT;
    source(&r, nodata);
    char p[4][512];
    const char *names[4] = {"t00.tif", "t01.tif", "t10.tif", "t11.tif"};
    for (int k = 0; k < 4; k++)
        cut(&r, 6 * (k % 2), 4 * (k / 2), 6, 4, names[k], p[k], sizeof p[k]);
    const char *paths[4] = {p[0], p[1], p[2], p[3]};
    nytte_grid grids[4];
    size_t bad = 9, sel[4] = {0, 1, 2, 3};
    assert_int_equal(nytte_mosaic_check(ctx, grids, &bad, paths, 4), NYTTE_OK);
    assert_int_equal(bad, 4);
    const char *vrt = "/vsimem/test_mosaic/m.vrt";
    assert_int_equal(nytte_mosaic_build(ctx, vrt, "tiles", paths, grids, sel, 4), NYTTE_OK);
    assert_int_equal(nytte_raster_read(ctx, &m, vrt, 1), NYTTE_OK);
    assert_true(nytte_grid_same(&m.grid, &r.grid));
    assert_true(m.grid.x0 == r.grid.x0 && m.grid.y0 == r.grid.y0 && m.grid.dx == r.grid.dx);
    assert_memory_equal(m.v, r.v, 12 * 8 * sizeof(float));
    nytte_raster_clear(&m);
    nytte_mosaic_remove(vrt);
    /* without the upper right tile: its cells are nodata (NaN when the tiles have none) */
    size_t three[3] = {0, 2, 3};
    assert_int_equal(nytte_mosaic_build(ctx, vrt, "tiles", paths, grids, three, 3), NYTTE_OK);
    assert_int_equal(nytte_raster_read(ctx, &m, vrt, 1), NYTTE_OK);
    assert_true(m.has_nodata);
    for (int y = 0; y < 8; y++)
        for (int x = 0; x < 12; x++) {
            float v = m.v[(size_t)y * 12 + x];
            if (y < 4 && x >= 6)
                assert_true(nodata ? v == -9999.0f : isnan(v));
            else
                assert_true(v == r.v[(size_t)y * 12 + x]);
        }
    nytte_raster_clear(&m);
    nytte_mosaic_remove(vrt);
    nytte_raster_clear(&r);
    nytte_ctx_free(ctx);
}

static void test_mosaic_reads_as_the_raster(void **state)
{
    (void)state;
    check_mosaic(true);
    check_mosaic(false);
}

/* Tiles that do not fit: the first named, by its index. */
static void test_check_names_the_tile(void **state)
{
    (void)state;
    nytte_ctx *ctx;
    assert_int_equal(nytte_ctx_new(&ctx), NYTTE_OK);
    nytte_raster r = NYTTE_RASTER_INIT;
    source(&r, true);
    char a[512], b[512], c[512], d[512];
    cut(&r, 0, 0, 6, 4, "a.tif", a, sizeof a);
    cut(&r, 6, 0, 6, 4, "b.tif", b, sizeof b);
    cut(&r, 4, 4, 6, 4, "c.tif", c, sizeof c); /* with b: no overlap; with d: overlaps */
    cut(&r, 6, 4, 6, 4, "d.tif", d, sizeof d);
    nytte_grid grids[4];
    size_t bad;
    const char *fit[3] = {a, b, c};
    assert_int_equal(nytte_mosaic_check(ctx, grids, &bad, fit, 3), NYTTE_OK);
    /* d overlaps c (x 500030 to 500050): d is named, the later one */
    const char *over[4] = {a, b, c, d};
    assert_int_equal(nytte_mosaic_check(ctx, grids, &bad, over, 4), NYTTE_EINPUT);
    assert_int_equal(bad, 3);
    char want[1200];
    snprintf(want, sizeof want,
             "%s: overlaps %s (x 500030 to 500050, y 6130000 to 6130020); the tiles of a terrain must not overlap", d, c);
    assert_string_equal(nytte_ctx_errmsg(ctx), want);
    /* a tile moved by half a cell */
    nytte_raster t = NYTTE_RASTER_INIT;
    source(&t, true);
    t.grid.x0 += 2.5;
    char e[512];
    snprintf(e, sizeof e, "%s/e.tif", tmpdir);
    assert_int_equal(nytte_raster_write(NULL, &t, e), NYTTE_OK);
    const char *moved[3] = {a, e, b};
    assert_int_equal(nytte_mosaic_check(ctx, grids, &bad, moved, 3), NYTTE_EINPUT);
    assert_int_equal(bad, 1);
    assert_non_null(strstr(nytte_ctx_errmsg(ctx), "not on the first tile's grid"));
    /* a file that is not there */
    const char *missing[2] = {a, "/nonexistent/x.tif"};
    assert_int_equal(nytte_mosaic_check(ctx, grids, &bad, missing, 2), NYTTE_EIO);
    assert_int_equal(bad, 1);
    nytte_raster_clear(&t);
    nytte_raster_clear(&r);
    nytte_ctx_free(ctx);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_uncovered_by_hand),
        cmocka_unit_test(test_select_and_union),
        cmocka_unit_test(test_mosaic_reads_as_the_raster),
        cmocka_unit_test(test_check_names_the_tile),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
