/*
 * test_dist_files.c — the tiled runs that read a terrain file and write tiles: the
 * coastal bathtub and the bluespots over tiles (with barriers burned into every tile's
 * window) and the groundwater exposure over tiles must give, cell for cell, the rasters
 * of the whole-raster hazard functions, for every tile size, and the same messages for
 * bad inputs. docs/scale-out.md has the rules. (The tiled floods themselves: test_dist.c.)
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

#include "nytte/dist.h"
#include "nytte/hazard.h"
#include "nytte/io.h"

#include "hazard_fixture.h"

#include "dist_fixture.h"

/* ---- the tiled bathtub --------------------------------------------------------- */

/*
 * The sea and barriers of the tiled-bathtub tests on an nx × ny terrain (1 m cells,
 * top-left (0, ny)): a sea polygon along the west edge, a sea point in the south-east; a
 * diagonal dike line across the whole terrain (it crosses tile edges and corners), a
 * lowering channel line, a regraded square (polygon, NYTTE_BURN_SET).
 */
typedef struct bt_case {
    nytte_geom sea[2], bar[3];
    nytte_barrier bars[3];
    nytte_burn_mode modes[3];
} bt_case;

static void bt_case_init(bt_case *k, int nx, int ny)
{
    const double pxy[] = {-0.5, -1, 1.5, -1, 2.2, (double)ny + 1, -0.5, (double)ny + 1, -0.5, -1};
    const double qxy[] = {(double)nx - 0.5, 0.5};
    const double dxy[] = {0.3, 0.2, (double)nx - 0.4, (double)ny - 0.7};
    const double cxy[] = {3.5, (double)ny - 1.5, (double)nx - 2.5, (double)ny - 2.5, (double)nx - 1.5, 1.5};
    const double sxy[] = {4.0, 2.0, 6.0, 2.0, 6.0, 4.0, 4.0, 4.0, 4.0, 2.0};
    const size_t n5[] = {5}, n1[] = {1}, n2[] = {2}, n3[] = {3};
    assert_int_equal(nytte_geom_set(&k->sea[0], NYTTE_GEOM_POLYGON, 1, n5, pxy), NYTTE_OK);
    assert_int_equal(nytte_geom_set(&k->sea[1], NYTTE_GEOM_POINT, 1, n1, qxy), NYTTE_OK);
    assert_int_equal(nytte_geom_set(&k->bar[0], NYTTE_GEOM_LINE, 1, n2, dxy), NYTTE_OK);
    assert_int_equal(nytte_geom_set(&k->bar[1], NYTTE_GEOM_LINE, 1, n3, cxy), NYTTE_OK);
    assert_int_equal(nytte_geom_set(&k->bar[2], NYTTE_GEOM_POLYGON, 1, n5, sxy), NYTTE_OK);
    k->bars[0] = (nytte_barrier){&k->bar[0], 2.05, "dike"};
    k->bars[1] = (nytte_barrier){&k->bar[1], 0.4, "channel"};
    k->bars[2] = (nytte_barrier){&k->bar[2], 0.75, "regraded"};
    k->modes[0] = NYTTE_BURN_RAISE;
    k->modes[1] = NYTTE_BURN_LOWER;
    k->modes[2] = NYTTE_BURN_SET;
}

static void bt_case_clear(bt_case *k)
{
    for (int i = 0; i < 2; i++)
        nytte_geom_clear(&k->sea[i]);
    for (int i = 0; i < 3; i++)
        nytte_geom_clear(&k->bar[i]);
}

static char bt_dir[64];
static size_t bt_spots; /* bluespot cells seen by check_bluespots (a test that cannot fail is a bug) */

/* Burning a window equals the whole-terrain burn on those cells, and the sea of a window equals the whole grid's. */
static void check_windows(const nytte_raster *dem, const bt_case *k, int tile)
{
    const nytte_grid *g = &dem->grid;
    size_t n = (size_t)g->nx * (size_t)g->ny;
    nytte_raster ref;
    assert_int_equal(nytte_hazard_burn_barriers_ex(ctx, &ref, dem, k->bars, 3, k->modes), NYTTE_OK);
    uint8_t *all = malloc(n), *win = malloc((size_t)tile * (size_t)tile);
    float *v = malloc((size_t)tile * (size_t)tile * sizeof *v);
    assert_non_null(all);
    assert_non_null(win);
    assert_non_null(v);
    assert_int_equal(nytte_dist_sea_window(ctx, all, g, k->sea, 2, 0, 0, g->nx, g->ny), NYTTE_OK);
    size_t nsea = 0;
    for (size_t i = 0; i < n; i++)
        nsea += all[i];
    assert_true(nsea > (size_t)g->ny); /* the strip (two columns, partly three) and the point */
    for (int r0 = 0; r0 < g->ny; r0 += tile) {
        for (int c0 = 0; c0 < g->nx; c0 += tile) {
            int w = c0 + tile <= g->nx ? tile : g->nx - c0, h = r0 + tile <= g->ny ? tile : g->ny - r0;
            for (int r = 0; r < h; r++)
                memcpy(v + (size_t)r * (size_t)w, dem->v + (size_t)(r0 + r) * (size_t)g->nx + (size_t)c0,
                       (size_t)w * sizeof *v);
            assert_int_equal(
                nytte_dist_burn_window(ctx, v, g, dem->has_nodata, dem->nodata, k->bars, 3, k->modes, c0, r0, w, h),
                NYTTE_OK);
            assert_int_equal(nytte_dist_sea_window(ctx, win, g, k->sea, 2, c0, r0, w, h), NYTTE_OK);
            for (int r = 0; r < h; r++) {
                assert_memory_equal(v + (size_t)r * (size_t)w, ref.v + (size_t)(r0 + r) * (size_t)g->nx + (size_t)c0,
                                    (size_t)w * sizeof *v);
                assert_memory_equal(win + (size_t)r * (size_t)w, all + (size_t)(r0 + r) * (size_t)g->nx + (size_t)c0,
                                    (size_t)w);
            }
        }
    }
    free(all);
    free(win);
    free(v);
    nytte_raster_clear(&ref);
}

/* Options of a tiled run in this process alone. */
static nytte_dist_bathtub_opts one_process_opts(int conn, int tile, const nytte_burn_mode *modes, const char *tdir)
{
    nytte_dist_bathtub_opts o = NYTTE_DIST_BATHTUB_OPTS_INIT;
    o.connectivity = conn;
    o.tile = tile;
    o.modes = modes;
    o.tile_dir = tdir;
    o.distributed = false;
    return o;
}

/* Output `path` equals ref bit for bit (`what` names the case in a failure); it is removed. */
static void expect_raster(const nytte_raster *ref, const char *path, const char *what)
{
    size_t n = (size_t)ref->grid.nx * (size_t)ref->grid.ny;
    nytte_raster got;
    assert_int_equal(nytte_raster_read(ctx, &got, path, 1), NYTTE_OK);
    if (memcmp(ref->v, got.v, n * sizeof(float)) != 0) {
        size_t bad = 0, first = 0;
        for (size_t i = 0; i < n; i++)
            if (memcmp(&ref->v[i], &got.v[i], sizeof(float)) != 0 && bad++ == 0)
                first = i;
        fail_msg("%s: %zu cells differ (first %zu: %g vs %g)", what, bad, first, (double)ref->v[first],
                 (double)got.v[first]);
    }
    assert_true(got.has_nodata && got.nodata == X);
    nytte_raster_clear(&got);
    unlink(path);
}

/* After a tiled run the tile folder is gone; with a VRT output its tiles stay: removed here. */
static void expect_tiles_gone(const char *tdir, bool vrt, size_t ncells)
{
    for (size_t i = 0; vrt && i < ncells; i++) {
        char tp[192];
        snprintf(tp, sizeof tp, "%s/t%zu.tif", tdir, i);
        unlink(tp);
    }
    assert_int_equal(rmdir(tdir) == 0 || access(tdir, F_OK) != 0, 1); /* gone, or emptied just now */
}

/*
 * The tiled bluespots of the terrain file equal burn + nytte_hazard_bluespots_ex on the
 * whole terrain, tile size 1..7 (and one tile), 4 and 8 neighbours, the one raster written
 * to two outputs (a GeoTIFF and, for tile 3, a VRT over the tiles). Returns the number of
 * cells in a bluespot (depth > 0) over both connectivities.
 */
static size_t check_bluespots(const char *terrain_path, const nytte_raster *burned, const bt_case *k, const char *what)
{
    static const int tiles[] = {1, 2, 3, 4, 5, 6, 7, 1000};
    char out[2][160], tdir[128];
    const char *outs[2] = {out[0], out[1]};
    size_t n = (size_t)burned->grid.nx * (size_t)burned->grid.ny, wet = 0;
    snprintf(tdir, sizeof tdir, "%s/tiles", bt_dir);
    for (int conn = 4; conn <= 8; conn += 4) {
        nytte_raster ref;
        assert_int_equal(nytte_hazard_bluespots_ex(ctx, &ref, burned, conn), NYTTE_OK);
        for (size_t i = 0; i < n; i++)
            wet += ref.v[i] > 0.0f && ref.v[i] != X;
        for (size_t t = 0; t < sizeof tiles / sizeof tiles[0]; t++) {
            bool vrt = tiles[t] == 3;
            snprintf(out[0], sizeof out[0], "%s/spots0.tif", bt_dir);
            snprintf(out[1], sizeof out[1], "%s/spots1.%s", bt_dir, vrt ? "vrt" : "tif");
            nytte_dist_bathtub_opts o = one_process_opts(conn, tiles[t], k->modes, tdir);
            if (nytte_dist_bluespots_tiled(ctx, &o, terrain_path, k->bars, 3, 2, outs, NULL) != NYTTE_OK)
                fail_msg("%s: bluespots: %s", what, nytte_ctx_errmsg(ctx));
            for (int l = 0; l < 2; l++) {
                char w[256];
                snprintf(w, sizeof w, "%s: bluespots, %d neighbours, tiles %d, output %d", what, conn, tiles[t], l);
                expect_raster(&ref, out[l], w);
            }
            expect_tiles_gone(tdir, vrt, n);
        }
        nytte_raster_clear(&ref);
    }
    return wet;
}

/*
 * The tiled bathtub of the terrain file equals burn + bathtub on the whole terrain, for
 * every level, tile size 1..7 (and one tile), 4 and 8 neighbours; outputs as GeoTIFFs, and
 * as VRTs over the tiles for tile 3. Returns the number of flooded cells over all levels.
 */
static size_t check_bathtub(const nytte_raster *dem, const bt_case *k, const char *what)
{
    static const int tiles[] = {1, 2, 3, 4, 5, 6, 7, 1000};
    static const double levels[] = {0.3, 1.0, 1.77, 2.6};
    enum { NLEV = 4 };
    char terrain_path[128], out[NLEV][160], tdir[128];
    const char *outs[NLEV];
    size_t n = (size_t)dem->grid.nx * (size_t)dem->grid.ny, wet = 0;
    snprintf(terrain_path, sizeof terrain_path, "%s/terrain.tif", bt_dir);
    snprintf(tdir, sizeof tdir, "%s/tiles", bt_dir);
    assert_int_equal(nytte_raster_write(ctx, dem, terrain_path), NYTTE_OK);
    nytte_raster file_dem, burned;
    assert_int_equal(nytte_raster_read(ctx, &file_dem, terrain_path, 1), NYTTE_OK);
    assert_int_equal(nytte_hazard_burn_barriers_ex(ctx, &burned, &file_dem, k->bars, 3, k->modes), NYTTE_OK);
    for (int conn = 4; conn <= 8; conn += 4) {
        nytte_raster ref[NLEV];
        for (int l = 0; l < NLEV; l++) {
            assert_int_equal(nytte_hazard_bathtub_ex(ctx, &ref[l], &burned, k->sea, 2, levels[l], conn), NYTTE_OK);
            for (size_t i = 0; i < n; i++)
                wet += ref[l].v[i] > 0.0f;
        }
        for (size_t t = 0; t < sizeof tiles / sizeof tiles[0]; t++) {
            bool vrt = tiles[t] == 3;
            for (int l = 0; l < NLEV; l++) {
                snprintf(out[l], sizeof out[l], "%s/depth%d.%s", bt_dir, l, vrt ? "vrt" : "tif");
                outs[l] = out[l];
            }
            nytte_dist_bathtub_opts o = one_process_opts(conn, tiles[t], k->modes, tdir);
            int rc = nytte_dist_bathtub_tiled(ctx, &o, terrain_path, k->sea, 2, k->bars, 3, levels, NLEV, outs, NULL);
            if (rc != NYTTE_OK)
                fail_msg("%s: %s", what, nytte_ctx_errmsg(ctx));
            for (int l = 0; l < NLEV; l++) {
                char w[256];
                snprintf(w, sizeof w, "%s: level %g, %d neighbours, tiles %d", what, levels[l], conn, tiles[t]);
                expect_raster(&ref[l], out[l], w);
            }
            expect_tiles_gone(tdir, vrt, n);
        }
        for (int l = 0; l < NLEV; l++)
            nytte_raster_clear(&ref[l]);
    }
    for (int tile = 1; tile <= 7; tile += 2)
        check_windows(&file_dem, k, tile);
    bt_spots += check_bluespots(terrain_path, &burned, k, what);
    unlink(terrain_path);
    nytte_raster_clear(&burned);
    nytte_raster_clear(&file_dem);
    return wet;
}

static int bt_setup(void **state)
{
    (void)state;
    snprintf(bt_dir, sizeof bt_dir, "%s", "/tmp/nytte-test-dist-XXXXXX");
    return mkdtemp(bt_dir) ? 0 : -1;
}

static int bt_teardown(void **state)
{
    (void)state;
    rmdir(bt_dir); /* a failed test may leave files behind: they stay for inspection */
    return 0;
}

static void test_bathtub_tiled(void **state)
{
    (void)state;
    char what[96];
    static const int sizes[][2] = {{13, 11}, {9, 14}};
    for (size_t s = 0; s < 2; s++) {
        for (uint64_t seed = 1; seed <= 3; seed++) {
            int nx = sizes[s][0], ny = sizes[s][1];
            nytte_raster dem;
            /* heights 0 .. 2.75 in steps of 0.25 (ties, and crests and levels among them), 8 % nodata */
            random_terrain(&dem, nx, ny, seed * 7919 + s, 12, seed == 2 ? 0 : 8);
            dem.v[(size_t)(ny / 2) * (size_t)nx] = X; /* a nodata sea cell */
            bt_case k;
            bt_case_init(&k, nx, ny);
            snprintf(what, sizeof what, "random %dx%d seed %llu", nx, ny, (unsigned long long)seed);
            size_t wet = check_bathtub(&dem, &k, what);
            assert_true(wet > 0 && wet < 2 * 4 * (size_t)nx * (size_t)ny);
            bt_case_clear(&k);
            nytte_raster_clear(&dem);
        }
    }
    /* the maze: water from the sea point runs back and forth across every tile edge */
    nytte_raster dem;
    maze(&dem, 10);
    for (size_t i = 0; i < 100; i++)
        dem.v[i] = dem.v[i] > 5.0f ? 2.5f : dem.v[i]; /* walls below the dike, above most levels */
    bt_case k;
    bt_case_init(&k, 10, 10);
    assert_true(check_bathtub(&dem, &k, "maze") > 0);
    assert_true(bt_spots > 0);
    bt_case_clear(&k);
    nytte_raster_clear(&dem);
}

/* The burned barriers matter (a test of the window burn that cannot fail would be a bug). */
static void test_bathtub_tiled_barriers_matter(void **state)
{
    (void)state;
    nytte_raster dem, a, b;
    terrain(&dem, 12, 12, NULL);
    for (size_t i = 0; i < 144; i++)
        dem.v[i] = 0.5f;
    bt_case k;
    bt_case_init(&k, 12, 12);
    assert_int_equal(nytte_hazard_bathtub_ex(ctx, &a, &dem, k.sea, 2, 1.0, NYTTE_CONNECT_8), NYTTE_OK);
    nytte_raster burned;
    assert_int_equal(nytte_hazard_burn_barriers_ex(ctx, &burned, &dem, k.bars, 3, k.modes), NYTTE_OK);
    assert_int_equal(nytte_hazard_bathtub_ex(ctx, &b, &burned, k.sea, 2, 1.0, NYTTE_CONNECT_8), NYTTE_OK);
    assert_memory_not_equal(a.v, b.v, 144 * sizeof(float));
    check_bathtub(&dem, &k, "flat with a dike");
    nytte_raster_clear(&a);
    nytte_raster_clear(&b);
    nytte_raster_clear(&burned);
    bt_case_clear(&k);
    nytte_raster_clear(&dem);
}

/* The errors of the whole-raster functions, with their messages. */
static void test_bathtub_tiled_errors(void **state)
{
    (void)state;
    nytte_raster dem, out;
    random_terrain(&dem, 6, 6, 3, 0, 0);
    char terrain_path[128], o1[128], tdir[128], want[256];
    snprintf(terrain_path, sizeof terrain_path, "%s/terrain.tif", bt_dir);
    snprintf(o1, sizeof o1, "%s/d.tif", bt_dir);
    snprintf(tdir, sizeof tdir, "%s/tiles", bt_dir);
    assert_int_equal(nytte_raster_write(ctx, &dem, terrain_path), NYTTE_OK);
    const char *outs[] = {o1};
    const double lv[] = {1.0}, nanlv[] = {NAN};
    nytte_dist_bathtub_opts o = NYTTE_DIST_BATHTUB_OPTS_INIT;
    o.tile = 2;
    o.tile_dir = tdir;
    o.distributed = false;
    nytte_geom far, line, near;
    const double fxy[] = {100, 100, 101, 101}, nxy[] = {2.5, 2.5};
    const size_t n1[] = {1}, n2[] = {2};
    assert_int_equal(nytte_geom_set(&far, NYTTE_GEOM_POINT, 1, n1, fxy), NYTTE_OK);
    assert_int_equal(nytte_geom_set(&line, NYTTE_GEOM_LINE, 1, n2, fxy), NYTTE_OK);
    assert_int_equal(nytte_geom_set(&near, NYTTE_GEOM_POINT, 1, n1, nxy), NYTTE_OK);
    /* no sea cell */
    assert_int_equal(nytte_hazard_bathtub_ex(ctx, &out, &dem, &far, 1, 1.0, NYTTE_CONNECT_4), NYTTE_EINPUT);
    snprintf(want, sizeof want, "%s", nytte_ctx_errmsg(ctx));
    assert_int_equal(nytte_dist_bathtub_tiled(ctx, &o, terrain_path, &far, 1, NULL, 0, lv, 1, outs, NULL), NYTTE_EINPUT);
    assert_string_equal(nytte_ctx_errmsg(ctx), want);
    /* a line as sea */
    assert_int_equal(nytte_hazard_bathtub_ex(ctx, &out, &dem, &line, 1, 1.0, NYTTE_CONNECT_4), NYTTE_EINPUT);
    snprintf(want, sizeof want, "%s", nytte_ctx_errmsg(ctx));
    assert_int_equal(nytte_dist_bathtub_tiled(ctx, &o, terrain_path, &line, 1, NULL, 0, lv, 1, outs, NULL),
                     NYTTE_EINPUT);
    assert_string_equal(nytte_ctx_errmsg(ctx), want);
    /* a level that is not a number */
    assert_int_equal(nytte_hazard_bathtub_ex(ctx, &out, &dem, &near, 1, NAN, NYTTE_CONNECT_4), NYTTE_EINPUT);
    snprintf(want, sizeof want, "%s", nytte_ctx_errmsg(ctx));
    assert_int_equal(nytte_dist_bathtub_tiled(ctx, &o, terrain_path, &near, 1, NULL, 0, nanlv, 1, outs, NULL),
                     NYTTE_EINPUT);
    assert_string_equal(nytte_ctx_errmsg(ctx), want);
    /* a barrier outside the terrain */
    nytte_barrier bar = {&line, 3.0, "far dike"};
    assert_int_equal(nytte_hazard_burn_barriers(ctx, &out, &dem, &bar, 1), NYTTE_EINPUT);
    snprintf(want, sizeof want, "%s", nytte_ctx_errmsg(ctx));
    assert_string_equal(want, "barrier far dike: lies wholly outside the terrain");
    assert_int_equal(nytte_dist_bathtub_tiled(ctx, &o, terrain_path, &near, 1, &bar, 1, lv, 1, outs, NULL),
                     NYTTE_EINPUT);
    assert_string_equal(nytte_ctx_errmsg(ctx), want);
    /* a missing terrain */
    assert_int_equal(nytte_dist_bathtub_tiled(ctx, &o, "/nonexistent/terrain.tif", &near, 1, NULL, 0, lv, 1, outs,
                                              NULL),
                     NYTTE_EIO);
    assert_string_equal(nytte_ctx_errmsg(ctx), "/nonexistent/terrain.tif: no such file");
    o.connectivity = 6;
    assert_int_equal(nytte_dist_bathtub_tiled(ctx, &o, terrain_path, &near, 1, NULL, 0, lv, 1, outs, NULL),
                     NYTTE_EUSAGE);
    assert_int_equal(access(o1, F_OK), -1); /* nothing written */
    nytte_geom_clear(&far);
    nytte_geom_clear(&line);
    nytte_geom_clear(&near);
    unlink(terrain_path);
    nytte_raster_clear(&dem);
}

/* ---- groundwater over tiles ------------------------------------------------------ */

/*
 * The drains of the groundwater tests on a grid of 1.6 m cells at real UTM coordinates
 * (so that cell centres are inexact doubles, as in a real project): a square polygon, a
 * line across the raster (it crosses tile edges and corners) and two point drains.
 */
typedef struct gw_case {
    nytte_geom poly, line, pts;
    nytte_drain d[3];
} gw_case;

static void gw_case_init(gw_case *k, const nytte_grid *g)
{
    double x0 = g->x0, y0 = g->y0, dx = g->dx, w = g->nx * dx, h = g->ny * dx;
    const double pxy[] = {x0 + 2.3 * dx, y0 - 1.7 * dx, x0 + 6.1 * dx, y0 - 1.7 * dx, x0 + 6.1 * dx, y0 - 5.2 * dx,
                          x0 + 2.3 * dx, y0 - 5.2 * dx, x0 + 2.3 * dx, y0 - 1.7 * dx};
    const double lxy[] = {x0 + 0.37 * dx, y0 - h + 0.41 * dx, x0 + w / 2, y0 - h / 3, x0 + w - 0.2 * dx, y0 - 0.3 * dx};
    const double qxy[] = {x0 + w - 2.5 * dx, y0 - h + 2.5 * dx, x0 + 1.0 * dx, y0 - h / 2};
    const size_t n5[] = {5}, n3[] = {3}, n2[] = {2};
    assert_int_equal(nytte_geom_set(&k->poly, NYTTE_GEOM_POLYGON, 1, n5, pxy), NYTTE_OK);
    assert_int_equal(nytte_geom_set(&k->line, NYTTE_GEOM_LINE, 1, n3, lxy), NYTTE_OK);
    assert_int_equal(nytte_geom_set(&k->pts, NYTTE_GEOM_POINT, 1, n2, qxy), NYTTE_OK);
    k->d[0] = (nytte_drain){&k->line, 0.8, 2.7 * dx, "draen"};
    k->d[1] = (nytte_drain){&k->poly, 1.25, NAN, "bassin"};
    k->d[2] = (nytte_drain){&k->pts, 0.6, 3.1 * dx, "pumpe"};
}

static void gw_case_clear(gw_case *k)
{
    nytte_geom_clear(&k->poly);
    nytte_geom_clear(&k->line);
    nytte_geom_clear(&k->pts);
}

/*
 * The tiled exposure of four scenarios (no drain; the line; the polygon; all three)
 * equals nytte_hazard_drain + nytte_hazard_groundwater_exposure on the whole raster read
 * from the same file, bit for bit, for tiles of 1..7 cells and one tile (a VRT output for
 * tile 3). Returns the exposed cells over the scenarios.
 */
static size_t check_groundwater(const char *path, const gw_case *k, double threshold, const char *what)
{
    static const int tiles[] = {1, 2, 3, 4, 5, 6, 7, 1000};
    const nytte_drain *drains[4] = {NULL, &k->d[0], &k->d[1], k->d};
    const size_t nd[4] = {0, 1, 1, 3};
    nytte_raster dtg, ref[4];
    assert_int_equal(nytte_raster_read(ctx, &dtg, path, 1), NYTTE_OK);
    size_t n = (size_t)dtg.grid.nx * (size_t)dtg.grid.ny, exposed = 0;
    for (int sc = 0; sc < 4; sc++) {
        nytte_raster with = NYTTE_RASTER_INIT;
        if (nd[sc])
            assert_int_equal(nytte_hazard_drain(ctx, &with, &dtg, drains[sc], nd[sc]), NYTTE_OK);
        assert_int_equal(nytte_hazard_groundwater_exposure(ctx, &ref[sc], nd[sc] ? &with : &dtg, threshold), NYTTE_OK);
        nytte_raster_clear(&with);
        for (size_t i = 0; i < n; i++)
            exposed += ref[sc].v[i] > 0.0f;
        /* each drain lowers the table somewhere: the scenarios differ from "without" */
        if (sc > 0)
            assert_memory_not_equal(ref[0].v, ref[sc].v, n * sizeof(float));
    }
    char out[4][160], tdir[128], name[160];
    const char *outs[4] = {out[0], out[1], out[2], out[3]};
    snprintf(tdir, sizeof tdir, "%s/tiles", bt_dir);
    for (size_t t = 0; t < sizeof tiles / sizeof tiles[0]; t++) {
        bool vrt = tiles[t] == 3;
        for (int sc = 0; sc < 4; sc++)
            snprintf(out[sc], sizeof out[sc], "%s/gw%d.%s", bt_dir, sc, vrt && sc == 2 ? "vrt" : "tif");
        nytte_dist_bathtub_opts o = one_process_opts(4, tiles[t], NULL, tdir);
        nytte_minimax_stats st;
        if (nytte_dist_groundwater_tiled(ctx, &o, path, threshold, drains, nd, 4, outs, &st) != NYTTE_OK)
            fail_msg("%s: groundwater: %s", what, nytte_ctx_errmsg(ctx));
        int nc = (dtg.grid.nx + tiles[t] - 1) / tiles[t], nr = (dtg.grid.ny + tiles[t] - 1) / tiles[t];
        assert_int_equal(st.ntiles_here, (size_t)nc * (size_t)nr);
        for (int sc = 0; sc < 4; sc++) {
            snprintf(name, sizeof name, "%s, tile %d, scenario %d", what, tiles[t], sc);
            expect_raster(&ref[sc], out[sc], name);
        }
        expect_tiles_gone(tdir, vrt, (size_t)nc * (size_t)nr);
    }
    for (int sc = 0; sc < 4; sc++)
        nytte_raster_clear(&ref[sc]);
    nytte_raster_clear(&dtg);
    return exposed;
}

static void test_groundwater_tiled(void **state)
{
    (void)state;
    static const int sizes[][2] = {{13, 11}, {9, 14}};
    char path[128], what[96];
    snprintf(path, sizeof path, "%s/dtg.tif", bt_dir);
    for (size_t s = 0; s < 2; s++) {
        for (uint64_t seed = 1; seed <= 2; seed++) {
            int nx = sizes[s][0], ny = sizes[s][1];
            nytte_raster dtg;
            terrain(&dtg, nx, ny, NULL);
            dtg.grid.x0 = 590012.8;
            dtg.grid.y0 = 6140003.2;
            dtg.grid.dx = dtg.grid.dy = 1.6;
            /* depths to groundwater -0.4 .. 2.6 m (the table above the ground too), 8 % nodata */
            rng_state = seed * 104729 + s;
            for (size_t i = 0; i < (size_t)nx * (size_t)ny; i++)
                dtg.v[i] = rnd() % 100 < 8 ? X : (float)(rnd() % 3000) / 1000.0f - 0.4f;
            assert_int_equal(nytte_raster_write(ctx, &dtg, path), NYTTE_OK);
            gw_case k;
            gw_case_init(&k, &dtg.grid);
            snprintf(what, sizeof what, "groundwater %dx%d seed %llu", nx, ny, (unsigned long long)seed);
            nytte_ctx_set_threads(ctx, seed == 1 ? 1 : 3);
            size_t exposed = check_groundwater(path, &k, 1.0, what);
            assert_true(exposed > 0 && exposed < 4 * (size_t)nx * (size_t)ny);
            gw_case_clear(&k);
            nytte_raster_clear(&dtg);
        }
    }
    nytte_ctx_set_threads(ctx, 1);
    unlink(path);
}

/* The errors of the whole-raster functions, with their messages; nothing written. */
static void test_groundwater_tiled_errors(void **state)
{
    (void)state;
    nytte_raster dtg, out;
    terrain(&dtg, 6, 6, NULL);
    char path[128], o1[128], tdir[128], want[256];
    snprintf(path, sizeof path, "%s/dtg.tif", bt_dir);
    snprintf(o1, sizeof o1, "%s/e.tif", bt_dir);
    snprintf(tdir, sizeof tdir, "%s/tiles", bt_dir);
    assert_int_equal(nytte_raster_write(ctx, &dtg, path), NYTTE_OK);
    const char *outs[] = {o1};
    nytte_dist_bathtub_opts o = one_process_opts(4, 2, NULL, tdir);
    nytte_geom far;
    const double fxy[] = {100, 100, 101, 101};
    const size_t n2[] = {2};
    assert_int_equal(nytte_geom_set(&far, NYTTE_GEOM_LINE, 1, n2, fxy), NYTTE_OK);
    nytte_drain bad[] = {{&far, 0.5, 2.0, "far"}, {&far, -1.0, 2.0, "neg"}, {&far, 0.5, 0.0, "flat"}};
    for (int b = 0; b < 3; b++) {
        const nytte_drain *ds[] = {&bad[b]};
        const size_t nd[] = {1};
        assert_int_equal(nytte_hazard_drain(ctx, &out, &dtg, &bad[b], 1), NYTTE_EINPUT);
        snprintf(want, sizeof want, "%s", nytte_ctx_errmsg(ctx));
        assert_int_equal(nytte_dist_groundwater_tiled(ctx, &o, path, 1.0, ds, nd, 1, outs, NULL), NYTTE_EINPUT);
        assert_string_equal(nytte_ctx_errmsg(ctx), want);
    }
    assert_string_equal(want, "drain flat: radius must be > 0 for a line drain");
    const nytte_drain *none[] = {NULL};
    const size_t n0[] = {0};
    assert_int_equal(nytte_hazard_groundwater_exposure(ctx, &out, &dtg, NAN), NYTTE_EINPUT);
    snprintf(want, sizeof want, "%s", nytte_ctx_errmsg(ctx));
    assert_int_equal(nytte_dist_groundwater_tiled(ctx, &o, path, NAN, none, n0, 1, outs, NULL), NYTTE_EINPUT);
    assert_string_equal(nytte_ctx_errmsg(ctx), want);
    assert_int_equal(nytte_dist_groundwater_tiled(ctx, &o, "/nonexistent/dtg.tif", 1.0, none, n0, 1, outs, NULL),
                     NYTTE_EIO);
    assert_string_equal(nytte_ctx_errmsg(ctx), "/nonexistent/dtg.tif: no such file");
    o.tile = 0;
    assert_int_equal(nytte_dist_groundwater_tiled(ctx, &o, path, 1.0, none, n0, 1, outs, NULL), NYTTE_EUSAGE);
    assert_int_equal(access(o1, F_OK), -1); /* nothing written */
    nytte_geom_clear(&far);
    unlink(path);
    nytte_raster_clear(&dtg);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_bathtub_tiled, bt_setup, bt_teardown),
        cmocka_unit_test_setup_teardown(test_bathtub_tiled_barriers_matter, bt_setup, bt_teardown),
        cmocka_unit_test_setup_teardown(test_bathtub_tiled_errors, bt_setup, bt_teardown),
        cmocka_unit_test_setup_teardown(test_groundwater_tiled, bt_setup, bt_teardown),
        cmocka_unit_test_setup_teardown(test_groundwater_tiled_errors, bt_setup, bt_teardown),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
