/*
 * test_dist.c — the tiled floods against the one-raster ones, and the partition rules.
 * The tiled depression fill and flood level must equal nytte_hazard_fill_ex and
 * nytte_hazard_flood_level bit for bit (memcmp of the Float32 arrays) for every tile size,
 * on tiny terrains with tiny tiles: random terrains (fixed seeds), terrains with many equal
 * heights, nodata holes, a maze whose water crosses tile edges many times, and the real
 * Nærum DTM of malstroem. docs/scale-out.md has the rules. (The tiled runs on terrain
 * files, bathtub, bluespots and groundwater: test_dist_files.c.)
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

static const int tile_sizes[][2] = {{1, 1}, {2, 2}, {3, 3}, {4, 4}, {3, 5}, {7, 2}, {5, 5}, {16, 16}, {1000, 1000}};
#define NTILES (sizeof tile_sizes / sizeof tile_sizes[0])

/* The tiled fill equals the global fill, for every tile size and both connectivities. */
static void check_fill(const nytte_raster *dem, const char *what)
{
    size_t n = (size_t)dem->grid.nx * (size_t)dem->grid.ny;
    for (int conn = 4; conn <= 8; conn += 4) {
        nytte_raster ref, got;
        assert_int_equal(nytte_hazard_fill_ex(ctx, &ref, dem, conn), NYTTE_OK);
        for (size_t k = 0; k < NTILES; k++) {
            assert_int_equal(nytte_dist_fill_tiled(ctx, &got, dem, conn, tile_sizes[k][0], tile_sizes[k][1]),
                             NYTTE_OK);
            if (memcmp(ref.v, got.v, n * sizeof(float)) != 0) {
                size_t bad = 0, first = 0;
                for (size_t i = 0; i < n; i++)
                    if (memcmp(&ref.v[i], &got.v[i], sizeof(float)) != 0 && bad++ == 0)
                        first = i;
                fail_msg("%s: fill, %d neighbours, tiles %dx%d: %zu cells differ (first %zu: %g vs %g)", what, conn,
                         tile_sizes[k][0], tile_sizes[k][1], bad, first, (double)ref.v[first],
                         (double)got.v[first]);
            }
            assert_int_equal(got.has_nodata, ref.has_nodata);
            nytte_raster_clear(&got);
        }
        nytte_raster_clear(&ref);
    }
}

static void check_flood_level(const nytte_raster *dem, const nytte_geom *sea, size_t nsea, const char *what)
{
    size_t n = (size_t)dem->grid.nx * (size_t)dem->grid.ny;
    for (int conn = 4; conn <= 8; conn += 4) {
        nytte_raster ref, got;
        assert_int_equal(nytte_hazard_flood_level(ctx, &ref, dem, sea, nsea, conn), NYTTE_OK);
        for (size_t k = 0; k < NTILES; k++) {
            assert_int_equal(
                nytte_dist_flood_level_tiled(ctx, &got, dem, sea, nsea, conn, tile_sizes[k][0], tile_sizes[k][1]),
                NYTTE_OK);
            if (memcmp(ref.v, got.v, n * sizeof(float)) != 0) {
                size_t bad = 0, first = 0;
                for (size_t i = 0; i < n; i++)
                    if (memcmp(&ref.v[i], &got.v[i], sizeof(float)) != 0 && bad++ == 0)
                        first = i;
                fail_msg("%s: flood level, %d neighbours, tiles %dx%d: %zu cells differ (first %zu: %g vs %g)", what,
                         conn, tile_sizes[k][0], tile_sizes[k][1], bad, first, (double)ref.v[first],
                         (double)got.v[first]);
            }
            nytte_raster_clear(&got);
        }
        nytte_raster_clear(&ref);
    }
}

/* The bowl of docs/hazard.md (spills at 3 m over a corner with 8 neighbours), cut by 2x2 and 3x3 tiles. */
static void test_fill_tiled_worked_example(void **state)
{
    (void)state;
    const float v[] = {5, 5, 5, 5, 3, 5, 4, 2, 1, 5, 5, 2, 0, 2, 5, 5, 1, 2, 1, 5, 5, 5, 5, 5, 5};
    const float f8[] = {5, 5, 5, 5, 3, 5, 4, 3, 3, 5, 5, 3, 3, 3, 5, 5, 3, 3, 3, 5, 5, 5, 5, 5, 5};
    nytte_raster dem, f;
    terrain(&dem, 5, 5, v);
    assert_int_equal(nytte_dist_fill_tiled(ctx, &f, &dem, NYTTE_CONNECT_8, 2, 2), NYTTE_OK);
    assert_memory_equal(f.v, f8, sizeof f8);
    nytte_raster_clear(&f);
    check_fill(&dem, "bowl");
    nytte_raster_clear(&dem);
}

static void test_fill_tiled_random(void **state)
{
    (void)state;
    static const int sizes[][2] = {{10, 10}, {13, 7}, {1, 9}, {9, 1}, {24, 17}};
    char what[96];
    for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++) {
        for (uint64_t seed = 1; seed <= 6; seed++) {
            nytte_raster dem;
            int levels = seed % 3 == 0 ? 4 : seed % 3 == 1 ? 0 : 12, nod = seed % 2 ? 0 : 8;
            random_terrain(&dem, sizes[s][0], sizes[s][1], seed * 7919 + s, levels, nod);
            snprintf(what, sizeof what, "random %dx%d seed %llu", sizes[s][0], sizes[s][1], (unsigned long long)seed);
            check_fill(&dem, what);
            nytte_raster_clear(&dem);
        }
    }
}


static void test_tiled_maze_crosses_tile_edges(void **state)
{
    (void)state;
    nytte_raster dem;
    for (int n = 10; n <= 21; n += 11) {
        maze(&dem, n);
        check_fill(&dem, "maze");
        nytte_geom sea;
        double xy[] = {(double)n - 1.5, 0.5};
        size_t np[] = {1};
        assert_int_equal(nytte_geom_set(&sea, NYTTE_GEOM_POINT, 1, np, xy), NYTTE_OK);
        check_flood_level(&dem, &sea, 1, "maze from the sea");
        nytte_geom_clear(&sea);
        nytte_raster_clear(&dem);
    }
}

static void test_flood_level_tiled_random(void **state)
{
    (void)state;
    static const int sizes[][2] = {{10, 10}, {13, 7}, {24, 17}};
    char what[96];
    for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++) {
        for (uint64_t seed = 1; seed <= 6; seed++) {
            nytte_raster dem;
            int nx = sizes[s][0], ny = sizes[s][1];
            random_terrain(&dem, nx, ny, seed * 104729 + s, seed % 2 ? 0 : 6, seed % 3 ? 10 : 0);
            /* sea: a strip along the west edge (polygon) and a point in the east; a few sea cells nodata */
            nytte_geom sea[2];
            const double pxy[] = {0, 0, 1.2, 0, 1.2, ny, 0, ny, 0, 0};
            const size_t pn[] = {5}, qn[] = {1};
            const double qxy[] = {nx - 0.5, ny * 0.5};
            assert_int_equal(nytte_geom_set(&sea[0], NYTTE_GEOM_POLYGON, 1, pn, pxy), NYTTE_OK);
            assert_int_equal(nytte_geom_set(&sea[1], NYTTE_GEOM_POINT, 1, qn, qxy), NYTTE_OK);
            if (seed % 2)
                dem.v[(size_t)(ny / 2) * (size_t)nx] = X;
            snprintf(what, sizeof what, "random %dx%d seed %llu", nx, ny, (unsigned long long)seed);
            check_flood_level(&dem, sea, 2, what);
            nytte_geom_clear(&sea[0]);
            nytte_geom_clear(&sea[1]);
            nytte_raster_clear(&dem);
        }
    }
}

/* The real Nærum DTM (250 x 188, malstroem's reference) with tiles of 16, 37 x 23 and 64 cells. */
static void test_tiled_real_dtm(void **state)
{
    (void)state;
    char path[512];
    snprintf(path, sizeof path, "%s/tests/data/malstroem/dtm.tif", NYTTE_SOURCE_DIR);
    nytte_raster dtm, ref, got;
    assert_int_equal(nytte_raster_read(ctx, &dtm, path, 1), NYTTE_OK);
    size_t n = (size_t)dtm.grid.nx * (size_t)dtm.grid.ny;
    nytte_geom sea;
    const double xy[] = {723864, 6190000, 724000, 6190000, 724000, 6193000, 723864, 6193000, 723864, 6190000};
    const size_t np[] = {5};
    assert_int_equal(nytte_geom_set(&sea, NYTTE_GEOM_POLYGON, 1, np, xy), NYTTE_OK);
    static const int ts[][2] = {{16, 16}, {37, 23}, {64, 64}};
    for (int conn = 4; conn <= 8; conn += 4) {
        assert_int_equal(nytte_hazard_fill_ex(ctx, &ref, &dtm, conn), NYTTE_OK);
        for (size_t k = 0; k < 3; k++) {
            assert_int_equal(nytte_dist_fill_tiled(ctx, &got, &dtm, conn, ts[k][0], ts[k][1]), NYTTE_OK);
            assert_memory_equal(ref.v, got.v, n * sizeof(float));
            nytte_raster_clear(&got);
        }
        nytte_raster_clear(&ref);
        assert_int_equal(nytte_hazard_flood_level(ctx, &ref, &dtm, &sea, 1, conn), NYTTE_OK);
        for (size_t k = 0; k < 3; k++) {
            assert_int_equal(nytte_dist_flood_level_tiled(ctx, &got, &dtm, &sea, 1, conn, ts[k][0], ts[k][1]),
                             NYTTE_OK);
            assert_memory_equal(ref.v, got.v, n * sizeof(float));
            nytte_raster_clear(&got);
        }
        nytte_raster_clear(&ref);
    }
    nytte_geom_clear(&sea);
    nytte_raster_clear(&dtm);
}

/* Results do not depend on the number of threads flooding tiles. */
static void test_tiled_any_thread_count(void **state)
{
    (void)state;
    nytte_raster dem, a, b;
    random_terrain(&dem, 40, 30, 42, 0, 5);
    nytte_ctx_set_threads(ctx, 1);
    assert_int_equal(nytte_dist_fill_tiled(ctx, &a, &dem, NYTTE_CONNECT_8, 6, 6), NYTTE_OK);
    nytte_ctx_set_threads(ctx, 4);
    assert_int_equal(nytte_dist_fill_tiled(ctx, &b, &dem, NYTTE_CONNECT_8, 6, 6), NYTTE_OK);
    assert_memory_equal(a.v, b.v, 40 * 30 * sizeof(float));
    nytte_raster_clear(&a);
    nytte_raster_clear(&b);
    nytte_raster_clear(&dem);
}

static void test_errors(void **state)
{
    (void)state;
    nytte_raster dem, out;
    random_terrain(&dem, 5, 5, 1, 0, 0);
    assert_int_equal(nytte_dist_fill_tiled(ctx, &out, &dem, NYTTE_CONNECT_8, 0, 3), NYTTE_EUSAGE);
    assert_string_equal(nytte_ctx_errmsg(ctx), "tiling: raster 5 x 5 and tile 0 x 3 must be at least 1 x 1");
    assert_int_equal(nytte_dist_fill_tiled(ctx, &out, &dem, 6, 2, 2), NYTTE_EUSAGE);
    assert_string_equal(nytte_ctx_errmsg(ctx), "connectivity must be 4 or 8 (got 6)");
    nytte_geom sea;
    const double xy[] = {100, 100};
    const size_t np[] = {1};
    assert_int_equal(nytte_geom_set(&sea, NYTTE_GEOM_POINT, 1, np, xy), NYTTE_OK);
    assert_int_equal(nytte_dist_flood_level_tiled(ctx, &out, &dem, &sea, 1, NYTTE_CONNECT_4, 2, 2), NYTTE_EINPUT);
    assert_string_equal(nytte_ctx_errmsg(ctx), "sea: no sea cell inside the terrain");
    nytte_geom_clear(&sea);
    nytte_raster_clear(&dem);
}

/* ---- partition ---------------------------------------------------------------- */

/* The Hilbert curve of order 2 (4 x 4), by hand: (0,0) (1,0) (1,1) (0,1) (0,2) (0,3) (1,3) ... (3,0). */
static void test_hilbert_order2(void **state)
{
    (void)state;
    /* d at (x, y) for y = 0..3 (rows), x = 0..3 */
    const uint64_t want[4][4] = {{0, 1, 14, 15}, {3, 2, 13, 12}, {4, 7, 8, 11}, {5, 6, 9, 10}};
    for (uint32_t y = 0; y < 4; y++)
        for (uint32_t x = 0; x < 4; x++)
            assert_int_equal(nytte_dist_hilbert(2, x, y), want[y][x]);
    /* consecutive positions are neighbouring cells, on a larger curve too */
    uint32_t px = 0, py = 0;
    uint64_t *pos = malloc(64 * 64 * sizeof *pos);
    for (uint32_t y = 0; y < 64; y++)
        for (uint32_t x = 0; x < 64; x++)
            pos[nytte_dist_hilbert(6, x, y)] = ((uint64_t)x << 32) | y;
    for (size_t d = 0; d < 64 * 64; d++) {
        uint32_t x = (uint32_t)(pos[d] >> 32), y = (uint32_t)pos[d];
        if (d)
            assert_int_equal(abs((int)x - (int)px) + abs((int)y - (int)py), 1);
        px = x;
        py = y;
    }
    free(pos);
}

static void test_split_and_parcel_rule(void **state)
{
    (void)state;
    const double w[] = {1, 1, 1, 1, 1, 1, 1, 1, 1, 1};
    size_t first[4];
    nytte_dist_split(first, w, 10, 3);
    assert_int_equal(first[0], 0);
    assert_int_equal(first[1], 4);  /* cumulative 4 >= 10/3 */
    assert_int_equal(first[2], 7);  /* 7 >= 20/3 */
    assert_int_equal(first[3], 10);
    /* a 10 x 10 grid of 1 m cells in tiles of 4 x 4: a parcel over the edge x = 4 belongs to
     * the tile of its envelope centre */
    nytte_tiling t;
    assert_int_equal(nytte_tiling_init(ctx, &t, 10, 10, 4, 4), NYTTE_OK);
    assert_int_equal(t.ntx, 3);
    assert_int_equal(nytte_tiling_count(&t), 9);
    int c0, r0, tw, th;
    nytte_tiling_window(&t, 8, &c0, &r0, &tw, &th);
    assert_int_equal(c0, 8);
    assert_int_equal(tw, 2);
    assert_int_equal(th, 2);
    nytte_grid g = {0.0, 10.0, 1.0, 1.0, 10, 10};
    nytte_geom p;
    const double xy[] = {3.0, 9.0, 4.6, 9.0, 4.6, 9.5, 3.0, 9.5, 3.0, 9.0}; /* centre x = 3.8: tile 0 */
    const size_t np[] = {5};
    assert_int_equal(nytte_geom_set(&p, NYTTE_GEOM_POLYGON, 1, np, xy), NYTTE_OK);
    assert_int_equal(nytte_dist_geom_tile(&t, &g, &p), 0);
    nytte_geom_clear(&p);
    const double xy2[] = {3.5, 1.0, 5.0, 1.0, 5.0, 2.0, 3.5, 2.0, 3.5, 1.0}; /* centre (4.25, 1.5): col 4, row 8 */
    assert_int_equal(nytte_geom_set(&p, NYTTE_GEOM_POLYGON, 1, np, xy2), NYTTE_OK);
    assert_int_equal(nytte_dist_geom_tile(&t, &g, &p), 2 * 3 + 1);
    /* partition: every geometry gets a rank; with one rank, rank 0 */
    int *rank = NULL;
    assert_int_equal(nytte_dist_partition_geoms(ctx, &rank, &p, 1, &t, &g, 1), NYTTE_OK);
    assert_int_equal(rank[0], 0);
    free(rank);
    nytte_geom_clear(&p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fill_tiled_worked_example),
        cmocka_unit_test(test_fill_tiled_random),
        cmocka_unit_test(test_tiled_maze_crosses_tile_edges),
        cmocka_unit_test(test_flood_level_tiled_random),
        cmocka_unit_test(test_tiled_real_dtm),
        cmocka_unit_test(test_tiled_any_thread_count),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_hilbert_order2),
        cmocka_unit_test(test_split_and_parcel_rule),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
