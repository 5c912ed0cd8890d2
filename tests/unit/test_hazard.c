/*
 * test_hazard.c — the hazard stage on hand-made terrains (cell size 1 m, origin (0, ny),
 * so cell (c, r) has its centre at (c + 0.5, ny - r - 0.5)), and on malstroem's reference
 * DTM. Expected values are worked out by hand in the comments and in docs/hazard.md.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nytte/hazard.h"
#include "nytte/io.h"

#include "hazard_fixture.h"

static void polygon(nytte_geom *g, double x0, double y0, double x1, double y1)
{
    const double xy[] = {x0, y0, x1, y0, x1, y1, x0, y1, x0, y0};
    const size_t n[] = {5};
    assert_int_equal(nytte_geom_set(g, NYTTE_GEOM_POLYGON, 1, n, xy), NYTTE_OK);
}

static void line(nytte_geom *g, double x0, double y0, double x1, double y1)
{
    const double xy[] = {x0, y0, x1, y1};
    const size_t n[] = {2};
    assert_int_equal(nytte_geom_set(g, NYTTE_GEOM_LINE, 1, n, xy), NYTTE_OK);
}

static void point(nytte_geom *g, double x, double y)
{
    const double xy[] = {x, y};
    const size_t n[] = {1};
    assert_int_equal(nytte_geom_set(g, NYTTE_GEOM_POINT, 1, n, xy), NYTTE_OK);
}

static size_t count_wet(const nytte_raster *d)
{
    size_t n = 0, total = (size_t)d->grid.nx * (size_t)d->grid.ny;
    for (size_t i = 0; i < total; i++)
        n += d->v[i] > 0.0f && d->v[i] != X;
    return n;
}

/* ---- connected bathtub ------------------------------------------------------------ */

/*
 * Column 0 is sea (0 m), column 1 a beach at 0.5 m, then a 3 m ridge around a hollow at
 * 1 m. At level 2.0 the bathtub floods the sea and the beach (8 cells) but not the hollow,
 * which a plain threshold (terrain < level) would flood too (12 cells).
 */
static void test_enclosed_hollow_stays_dry(void **state)
{
    (void)state;
    const float v[] = {0, 0.5f, 3, 3, 3, 3, /**/ 0, 0.5f, 3, 1, 1, 3, /**/ 0, 0.5f, 3, 1, 1, 3, /**/ 0, 0.5f, 3, 3, 3, 3};
    nytte_raster dem, d;
    terrain(&dem, 6, 4, v);
    nytte_geom sea;
    polygon(&sea, 0, 0, 1, 4);
    assert_int_equal(nytte_hazard_bathtub(ctx, &d, &dem, &sea, 1, 2.0), NYTTE_OK);
    assert_int_equal(count_wet(&d), 8);
    size_t threshold = 0;
    for (int i = 0; i < 24; i++)
        threshold += (double)v[i] < 2.0;
    assert_int_equal(threshold, 12);
    assert_true(d.v[0] == 2.0f && d.v[1] == 1.5f);
    assert_true(d.v[6 + 3] == 0.0f && d.v[12 + 4] == 0.0f); /* the hollow */
    assert_true(d.has_nodata && d.nodata == X);
    assert_string_equal(d.crs_wkt, dem.crs_wkt);
    nytte_raster_clear(&d);
    nytte_geom_clear(&sea);
    nytte_raster_clear(&dem);
}

/*
 * The fjord example of docs/hazard.md: sea in column 0, a channel (0.2 m) along row 1 into
 * a fjord (0.5 m, one cell 0.25 m) walled by 3 m. Level 1.72 (Kerteminde T100).
 */
static const float fjord[] = {
    0, 3, 3, 3, 3, 3,          /* r0 */
    0, 0.2f, 0.2f, 0.5f, 0.5f, 3, /* r1: channel, then fjord */
    0, 3, 3, 0.5f, 0.5f, 3,    /* r2 */
    0, 3, 3, 0.5f, 0.25f, 3,   /* r3 */
    0, 3, 3, 3, 3, 3,          /* r4 */
};

static void test_channel_floods_fjord_depth_exact(void **state)
{
    (void)state;
    nytte_raster dem, d;
    terrain(&dem, 6, 5, fjord);
    nytte_geom sea;
    polygon(&sea, 0, 0, 1, 5);
    assert_int_equal(nytte_hazard_bathtub(ctx, &d, &dem, &sea, 1, 1.72), NYTTE_OK);
    /* depth = level - terrain in double, stored as Float32, exactly. */
    for (int i = 0; i < 30; i++) {
        float want = (double)fjord[i] < 1.72 ? (float)(1.72 - (double)fjord[i]) : 0.0f;
        assert_true(d.v[i] == want);
    }
    assert_true(d.v[6 + 1] == (float)(1.72 - (double)0.2f)); /* channel: 1.52 */
    assert_true(d.v[18 + 4] == (float)(1.72 - (double)0.25f)); /* fjord's deep cell: 1.47 */
    assert_int_equal(count_wet(&d), 5 + 2 + 6);
    nytte_raster_clear(&d);

    /* The same with a sea point instead of a polygon: the cell containing (0.5, 2.5). */
    nytte_geom pt;
    point(&pt, 0.5, 2.5);
    assert_int_equal(nytte_hazard_bathtub(ctx, &d, &dem, &pt, 1, 1.72), NYTTE_OK);
    assert_int_equal(count_wet(&d), 5 + 2 + 6);
    nytte_raster_clear(&d);
    nytte_geom_clear(&pt);
    nytte_geom_clear(&sea);
    nytte_raster_clear(&dem);
}

/*
 * A sluice across the channel at column 2 (a line x = 2.5 from y = 3.2 to 3.8, inside cell
 * (2, 1)), crest 2.0: the fjord stays dry up to the crest (level 2.0 does not overtop: a
 * cell floods only when terrain < level) and floods above it (2.5: fjord depth 2.0).
 */
static void test_sluice_keeps_fjord_dry_up_to_crest(void **state)
{
    (void)state;
    nytte_raster dem, burned, d;
    terrain(&dem, 6, 5, fjord);
    nytte_geom sea, sl;
    polygon(&sea, 0, 0, 1, 5);
    line(&sl, 2.5, 3.2, 2.5, 3.8);
    nytte_barrier b = {&sl, 2.0, "sluice"};
    assert_int_equal(nytte_hazard_burn_barriers(ctx, &burned, &dem, &b, 1), NYTTE_OK);
    assert_true(burned.v[6 + 2] == 2.0f);
    for (int i = 0; i < 30; i++)
        if (i != 8)
            assert_true(burned.v[i] == fjord[i]);

    assert_int_equal(nytte_hazard_bathtub(ctx, &d, &burned, &sea, 1, 1.72), NYTTE_OK);
    assert_int_equal(count_wet(&d), 5 + 1);       /* sea + channel cell (1, 1) */
    assert_true(d.v[6 + 3] == 0.0f && d.v[18 + 4] == 0.0f);
    nytte_raster_clear(&d);
    assert_int_equal(nytte_hazard_bathtub(ctx, &d, &burned, &sea, 1, 2.0), NYTTE_OK);
    assert_int_equal(count_wet(&d), 5 + 1);
    nytte_raster_clear(&d);
    assert_int_equal(nytte_hazard_bathtub(ctx, &d, &burned, &sea, 1, 2.5), NYTTE_OK);
    assert_int_equal(count_wet(&d), 5 + 2 + 6);   /* overtopped: sluice cell 0.5 m, fjord 2.0 m */
    assert_true(d.v[6 + 2] == 0.5f && d.v[6 + 3] == 2.0f && d.v[18 + 4] == 2.25f);
    nytte_raster_clear(&d);
    nytte_raster_clear(&burned);

    /* A crest of 2.1 m is not a Float32 (2.1f < 2.1): it is stored rounded up, so 2.1 does not overtop. */
    b.crest = 2.1;
    assert_true((double)2.1f < 2.1);
    assert_int_equal(nytte_hazard_burn_barriers(ctx, &burned, &dem, &b, 1), NYTTE_OK);
    assert_true((double)burned.v[8] >= 2.1);
    assert_int_equal(nytte_hazard_bathtub(ctx, &d, &burned, &sea, 1, 2.1), NYTTE_OK);
    assert_int_equal(count_wet(&d), 5 + 1);
    nytte_raster_clear(&d);
    nytte_raster_clear(&burned);
    nytte_geom_clear(&sl);
    nytte_geom_clear(&sea);
    nytte_raster_clear(&dem);
}

/*
 * Flat ground (0 m), the sea in the top-left cell, a 1 m wall along the corner-to-corner
 * diagonal. At level 0.5 only the 15 cells above-left of the wall flood, with 4- and with
 * 8-connectivity; without the wall all 36 do.
 */
static void test_diagonal_barrier_does_not_leak(void **state)
{
    (void)state;
    float v[36] = {0};
    nytte_raster dem, burned, d;
    terrain(&dem, 6, 6, v);
    nytte_geom sea, wall;
    point(&sea, 0.5, 5.5);
    line(&wall, 0, 0, 6, 6);
    nytte_barrier b = {&wall, 1.0, NULL};
    assert_int_equal(nytte_hazard_burn_barriers(ctx, &burned, &dem, &b, 1), NYTTE_OK);
    for (int conn = 4; conn <= 8; conn += 4) {
        assert_int_equal(nytte_hazard_bathtub_ex(ctx, &d, &burned, &sea, 1, 0.5, conn), NYTTE_OK);
        assert_int_equal(count_wet(&d), 15);
        assert_true(d.v[35] == 0.0f);
        nytte_raster_clear(&d);
        assert_int_equal(nytte_hazard_bathtub_ex(ctx, &d, &dem, &sea, 1, 0.5, conn), NYTTE_OK);
        assert_int_equal(count_wet(&d), 36);
        nytte_raster_clear(&d);
    }
    /* A polygon barrier thinner than a cell still burns its outline. */
    nytte_geom thin;
    polygon(&thin, 2.9, -1, 3.1, 7);
    nytte_barrier pb = {&thin, 1.0, "thin"};
    nytte_raster_clear(&burned);
    assert_int_equal(nytte_hazard_burn_barriers(ctx, &burned, &dem, &pb, 1), NYTTE_OK);
    assert_int_equal(nytte_hazard_bathtub_ex(ctx, &d, &burned, &sea, 1, 0.5, NYTTE_CONNECT_8), NYTTE_OK);
    assert_int_equal(count_wet(&d), 6 * 2); /* columns 0-1; the outline burns columns 2 and 3 */
    nytte_raster_clear(&d);
    nytte_geom_clear(&thin);
    nytte_raster_clear(&burned);
    nytte_geom_clear(&wall);
    nytte_geom_clear(&sea);
    nytte_raster_clear(&dem);
}

/* Nodata is no water path, unless it is sea; a sea cell above the level stays dry. */
static void test_nodata_and_dry_seed(void **state)
{
    (void)state;
    const float v[] = {X, 0.5f, X, 0.2f, /**/ X, 3, 3, 0.2f, /**/ 5, 0.1f, X, 0.1f};
    nytte_raster dem, d;
    terrain(&dem, 4, 3, v);
    nytte_geom sea;
    polygon(&sea, 0, 0, 1, 3); /* column 0: two nodata cells and a 5 m cell */
    assert_int_equal(nytte_hazard_bathtub(ctx, &d, &dem, &sea, 1, 1.0), NYTTE_OK);
    /* (1,0) floods from the nodata sea cell (0,0); (2,0) is nodata land: the water stops;
     * (1,2) touches only the dry 5 m sea cell and nodata: dry. */
    const float want[] = {X, 0.5f, X, 0, /**/ X, 0, 0, 0, /**/ 0, 0, X, 0};
    assert_memory_equal(d.v, want, sizeof want);
    nytte_raster_clear(&d);
    nytte_geom_clear(&sea);
    nytte_raster_clear(&dem);
}

/* ---- bluespots -------------------------------------------------------------------- */

/*
 * The 5 × 5 example of docs/hazard.md: a ring of 5 m with its lowest point, 3 m, in the
 * top-right corner, which touches the depression only diagonally.
 */
static const float bowl[] = {
    5, 5, 5, 5, 3, /**/ 5, 4, 2, 1, 5, /**/ 5, 2, 0, 2, 5, /**/ 5, 1, 2, 1, 5, /**/ 5, 5, 5, 5, 5,
};

static void test_bluespot_fill_known_spill(void **state)
{
    (void)state;
    nytte_raster dem, f, d;
    terrain(&dem, 5, 5, bowl);
    /* 8-connectivity: spill 3 m over the corner; the 4 m cell sticks out. */
    assert_int_equal(nytte_hazard_fill(ctx, &f, &dem), NYTTE_OK);
    const float f8[] = {5, 5, 5, 5, 3, /**/ 5, 4, 3, 3, 5, /**/ 5, 3, 3, 3, 5, /**/ 5, 3, 3, 3, 5, /**/ 5, 5, 5, 5, 5};
    assert_memory_equal(f.v, f8, sizeof f8);
    assert_int_equal(nytte_hazard_bluespots(ctx, &d, &dem), NYTTE_OK);
    const float d8[] = {0, 0, 0, 0, 0, /**/ 0, 0, 1, 2, 0, /**/ 0, 1, 3, 1, 0, /**/ 0, 2, 1, 2, 0, /**/ 0, 0, 0, 0, 0};
    assert_memory_equal(d.v, d8, sizeof d8);
    nytte_raster_clear(&f);
    nytte_raster_clear(&d);
    /* 4-connectivity: the corner is no way out; spill over the 5 m ring. */
    assert_int_equal(nytte_hazard_bluespots_ex(ctx, &d, &dem, NYTTE_CONNECT_4), NYTTE_OK);
    const float d4[] = {0, 0, 0, 0, 0, /**/ 0, 1, 3, 4, 0, /**/ 0, 3, 5, 3, 0, /**/ 0, 4, 3, 4, 0, /**/ 0, 0, 0, 0, 0};
    assert_memory_equal(d.v, d4, sizeof d4);
    nytte_raster_clear(&d);
    nytte_raster_clear(&dem);
}

/*
 * Cells next to nodata drain out: with the ring cell (0, 2) missing, its 8 neighbours
 * (1, 1) = 4, (1, 2) = 2 and (1, 3) = 1 are outlets; the bottom (2, 2) = 0 now spills over
 * (1, 3) at 1 m (depth 1 instead of 3); every other cell drains.
 */
static void test_bluespot_nodata_is_an_outlet(void **state)
{
    (void)state;
    float v[25];
    memcpy(v, bowl, sizeof v);
    v[10] = X;
    nytte_raster dem, d;
    terrain(&dem, 5, 5, v);
    assert_int_equal(nytte_hazard_bluespots(ctx, &d, &dem), NYTTE_OK);
    const float want[] = {0, 0, 0, 0, 0, /**/ 0, 0, 0, 0, 0, /**/ X, 0, 1, 0, 0, /**/ 0, 0, 0, 0, 0, /**/ 0, 0, 0, 0, 0};
    assert_memory_equal(d.v, want, sizeof want);
    nytte_raster_clear(&d);
    nytte_raster_clear(&dem);
}

static void read_ref(nytte_raster *r, const char *name)
{
    char path[512];
    snprintf(path, sizeof path, "%s/tests/data/malstroem/%s", NYTTE_SOURCE_DIR, name);
    assert_int_equal(nytte_raster_read(ctx, r, path, 1), NYTTE_OK);
}

/*
 * malstroem (SDFIdk/malstroem, tests/data) fills with 8 neighbours, the raster edge as the
 * outlet, in Float32, and depth = filled - dtm in Float32. The DTM has no nodata cells.
 * Expected: identical to the last bit (tolerance 0).
 */
static void test_malstroem_reference(void **state)
{
    (void)state;
    nytte_raster dtm, ref_f, ref_d, f, d;
    read_ref(&dtm, "dtm.tif");
    read_ref(&ref_f, "filled.tif");
    read_ref(&ref_d, "depths.tif");
    assert_int_equal(dtm.grid.nx, 250);
    assert_int_equal(dtm.grid.ny, 188);
    size_t n = 250 * 188, nodata = 0;
    for (size_t i = 0; i < n; i++)
        nodata += nytte_raster_isnodata(&dtm, dtm.v[i]);
    assert_int_equal(nodata, 0);
    assert_int_equal(nytte_hazard_fill(ctx, &f, &dtm), NYTTE_OK);
    assert_int_equal(nytte_hazard_bluespots(ctx, &d, &dtm), NYTTE_OK);
    size_t bad_f = 0, bad_d = 0, wet = 0;
    for (size_t i = 0; i < n; i++) {
        bad_f += f.v[i] != ref_f.v[i];
        bad_d += d.v[i] != ref_d.v[i];
        wet += d.v[i] > 0.0f;
    }
    print_message("malstroem: %zu cells, %zu in bluespots, %zu filled and %zu depth cells differ\n", n, wet, bad_f,
                  bad_d);
    assert_int_equal(bad_f, 0);
    assert_int_equal(bad_d, 0);
    assert_true(wet > 1000);
    nytte_raster_clear(&f);
    nytte_raster_clear(&d);
    nytte_raster_clear(&dtm);
    nytte_raster_clear(&ref_f);
    nytte_raster_clear(&ref_d);
}

/*
 * On the real DTM with its Øresund cells (x >= 723864) as sea: for every level, the BFS
 * bathtub floods exactly the cells whose flood level (priority flood from the sea) is below
 * the level — two algorithms, one answer — for 4 and 8 neighbours.
 */
static void test_bathtub_agrees_with_flood_level(void **state)
{
    (void)state;
    nytte_raster dtm, fl, d;
    read_ref(&dtm, "dtm.tif");
    nytte_geom sea;
    polygon(&sea, 723864, 6190000, 724000, 6193000);
    const double levels[] = {0.5, 2.0, 5.0, 10.0, 20.0};
    size_t n = 250 * 188, prev = 0;
    for (int conn = 4; conn <= 8; conn += 4) {
        assert_int_equal(nytte_hazard_flood_level(ctx, &fl, &dtm, &sea, 1, conn), NYTTE_OK);
        for (size_t k = 0; k < 5; k++) {
            assert_int_equal(nytte_hazard_bathtub_ex(ctx, &d, &dtm, &sea, 1, levels[k], conn), NYTTE_OK);
            size_t wet = 0;
            for (size_t i = 0; i < n; i++) {
                bool w = (double)fl.v[i] < levels[k];
                assert_int_equal(d.v[i] > 0.0f, w);
                wet += w;
            }
            assert_true(k == 0 || wet > prev);
            prev = wet;
            nytte_raster_clear(&d);
        }
        nytte_raster_clear(&fl);
    }
    nytte_geom_clear(&sea);
    nytte_raster_clear(&dtm);
}

/* ---- given rasters ---------------------------------------------------------------- */

static void test_align_nearest_and_refuse(void **state)
{
    (void)state;
    const float v[] = {1, 2, /**/ 3, X};
    nytte_grid gin = {0, 4, 2, 2, 2, 2};
    nytte_raster in;
    assert_int_equal(nytte_raster_alloc(&in, &gin, 0.0f, NULL), NYTTE_OK);
    memcpy(in.v, v, sizeof v);
    in.has_nodata = true;
    in.nodata = X;
    nytte_grid target = {0, 4, 1, 1, 5, 4}; /* 1 m cells; column 4 lies outside the input */
    nytte_raster out;
    assert_int_equal(nytte_hazard_align(ctx, &out, &in, &target, NYTTE_ALIGN_REFUSE, "depth_T100.tif"), NYTTE_EINPUT);
    assert_string_equal(nytte_ctx_errmsg(ctx),
                        "depth_T100.tif: grid does not match the terrain (origin 0 4, cell 2 x 2, 2 x 2 cells; "
                        "terrain: origin 0 4, cell 1 x 1, 5 x 4 cells)");
    assert_null(out.v);
    assert_int_equal(nytte_hazard_align(ctx, &out, &in, &target, NYTTE_ALIGN_NEAREST, "depth_T100.tif"), NYTTE_OK);
    const float want[] = {1, 1, 2, 2, X, /**/ 1, 1, 2, 2, X, /**/ 3, 3, X, X, X, /**/ 3, 3, X, X, X};
    assert_memory_equal(out.v, want, sizeof want);
    nytte_raster_clear(&out);
    assert_int_equal(nytte_hazard_align(ctx, &out, &in, &gin, NYTTE_ALIGN_REFUSE, "same"), NYTTE_OK);
    assert_memory_equal(out.v, v, sizeof v);
    nytte_raster_clear(&out);
    nytte_raster_clear(&in);
}

/* ---- groundwater ------------------------------------------------------------------- */

/*
 * Seven cells in a row, depth to groundwater 1.0 m; a line drain along x = 0.5 (through
 * the centre of cell 0), delta 0.6 m, radius 4 m. Distances 0..6 m give lowerings
 * 0.6, 0.45, 0.3, 0.15, 0, 0, 0 m. Exposure below 1.2 m: 0.2 m without; with the drain
 * 0, 0, 0, 0.05, 0.2, 0.2, 0.2 m.
 */
static void test_groundwater_line_drain(void **state)
{
    (void)state;
    const float v[] = {1, 1, 1, 1, 1, 1, 1};
    nytte_raster dtg, with, ex;
    terrain(&dtg, 7, 1, v);
    nytte_geom dl;
    line(&dl, 0.5, -5, 0.5, 5);
    nytte_drain dr = {&dl, 0.6, 4.0, "drain-1"};
    assert_int_equal(nytte_hazard_drain(ctx, &with, &dtg, &dr, 1), NYTTE_OK);
    const double lowering[] = {0.6, 0.45, 0.3, 0.15, 0, 0, 0};
    for (int c = 0; c < 7; c++) {
        float want = (float)(1.0 + (double)(float)(0.6 * (1.0 - c / 4.0 > 0 ? 1.0 - c / 4.0 : 0.0)));
        assert_true(with.v[c] == want);
        assert_float_equal(with.v[c], 1.0 + lowering[c], 1e-6);
    }
    assert_int_equal(nytte_hazard_groundwater_exposure(ctx, &ex, &dtg, 1.2), NYTTE_OK);
    for (int c = 0; c < 7; c++)
        assert_float_equal(ex.v[c], 0.2, 1e-6);
    nytte_raster_clear(&ex);
    assert_int_equal(nytte_hazard_groundwater_exposure(ctx, &ex, &with, 1.2), NYTTE_OK);
    const double want_ex[] = {0, 0, 0, 0.05, 0.2, 0.2, 0.2};
    for (int c = 0; c < 7; c++)
        assert_float_equal(ex.v[c], want_ex[c], 1e-6);
    nytte_raster_clear(&ex);
    nytte_raster_clear(&with);

    /* A polygon drain over cells 5 and 6 and the line drain: the larger lowering counts. */
    nytte_geom pg;
    polygon(&pg, 4.9, 0, 7, 1);
    nytte_drain two[] = {{&dl, 0.6, 4.0, "drain-1"}, {&pg, 0.1, 0.0, NULL}};
    assert_int_equal(nytte_hazard_drain(ctx, &with, &dtg, two, 2), NYTTE_OK);
    assert_true(with.v[0] == 1.6f && with.v[4] == 1.0f && with.v[5] == 1.1f && with.v[6] == 1.1f);
    nytte_raster_clear(&with);
    nytte_geom_clear(&pg);
    nytte_geom_clear(&dl);
    nytte_raster_clear(&dtg);
}

/* ---- bad inputs and names ------------------------------------------------------------- */

static void test_bad_inputs_exact_messages(void **state)
{
    (void)state;
    nytte_raster dem, out;
    terrain(&dem, 6, 5, fjord);
    nytte_geom far, sea, ln;
    polygon(&far, 100, 100, 110, 110);
    polygon(&sea, 0, 0, 1, 5);
    line(&ln, 0, 0, 1, 1);

    free(dem.crs_wkt);
    dem.crs_wkt = NULL;
    assert_int_equal(nytte_hazard_check_terrain(ctx, &dem, "terrain.tif"), NYTTE_EINPUT);
    assert_string_equal(nytte_ctx_errmsg(ctx), "terrain.tif: the terrain has no CRS");

    nytte_barrier b[] = {{&sea, 2.0, "ok"}, {&far, 2.0, "dike-north"}, {&far, 2.0, NULL}};
    assert_int_equal(nytte_hazard_burn_barriers(ctx, &out, &dem, b, 2), NYTTE_EINPUT);
    assert_string_equal(nytte_ctx_errmsg(ctx), "barrier dike-north: lies wholly outside the terrain");
    assert_null(out.v);
    assert_int_equal(nytte_hazard_burn_barriers(ctx, &out, &dem, b + 2, 1), NYTTE_EINPUT);
    assert_string_equal(nytte_ctx_errmsg(ctx), "barrier 1: lies wholly outside the terrain");

    assert_int_equal(nytte_hazard_bathtub(ctx, &out, &dem, &far, 1, 1.0), NYTTE_EINPUT);
    assert_string_equal(nytte_ctx_errmsg(ctx), "sea: no sea cell inside the terrain");
    assert_int_equal(nytte_hazard_bathtub(ctx, &out, &dem, NULL, 0, 1.0), NYTTE_EINPUT);
    assert_string_equal(nytte_ctx_errmsg(ctx), "sea: no sea cell inside the terrain");
    assert_int_equal(nytte_hazard_flood_level(ctx, &out, &dem, &ln, 1, NYTTE_CONNECT_4), NYTTE_EINPUT);
    assert_string_equal(nytte_ctx_errmsg(ctx), "sea: geometry 1 is a line (give polygons or points)");
    assert_int_equal(nytte_hazard_bathtub_ex(ctx, &out, &dem, &sea, 1, 1.0, 6), NYTTE_EUSAGE);
    assert_string_equal(nytte_ctx_errmsg(ctx), "connectivity must be 4 or 8 (got 6)");

    const double T[] = {20, 50, 100}, ok[] = {1.52, 1.64, 1.72}, bad[] = {1.52, 1.64, 1.5};
    const double Tbad[] = {20, 100, 50};
    assert_int_equal(nytte_hazard_check_levels(ctx, T, ok, 3, "hazards.coastal"), NYTTE_OK);
    assert_int_equal(nytte_hazard_check_levels(ctx, T, bad, 3, "hazards.coastal"), NYTTE_EINPUT);
    assert_string_equal(nytte_ctx_errmsg(ctx), "hazards.coastal: level 1.5 m at T=100 is not above 1.64 m at T=50");
    assert_int_equal(nytte_hazard_check_levels(ctx, Tbad, ok, 3, "hazards.coastal"), NYTTE_EINPUT);
    assert_string_equal(nytte_ctx_errmsg(ctx), "hazards.coastal: return periods must increase (T=50 after T=100)");

    nytte_drain d[] = {{&far, 0.5, 0.0, "drain-east"}, {&ln, -0.5, 10, NULL}, {&ln, 0.5, 0.0, NULL}};
    assert_int_equal(nytte_hazard_drain(ctx, &out, &dem, d, 1), NYTTE_EINPUT);
    assert_string_equal(nytte_ctx_errmsg(ctx), "drain drain-east: influence zone lies wholly outside the terrain");
    assert_int_equal(nytte_hazard_drain(ctx, &out, &dem, d + 1, 1), NYTTE_EINPUT);
    assert_string_equal(nytte_ctx_errmsg(ctx), "drain 1: delta must be a number >= 0");
    assert_int_equal(nytte_hazard_drain(ctx, &out, &dem, d + 2, 1), NYTTE_EINPUT);
    assert_string_equal(nytte_ctx_errmsg(ctx), "drain 1: radius must be > 0 for a line drain");

    nytte_geom_clear(&far);
    nytte_geom_clear(&sea);
    nytte_geom_clear(&ln);
    nytte_raster_clear(&dem);
}

static void test_output_name(void **state)
{
    (void)state;
    char buf[64];
    assert_int_equal(nytte_hazard_output_name(buf, sizeof buf, "surge", "without", 100), NYTTE_OK);
    assert_string_equal(buf, "depth_surge_without_T100.tif");
    assert_int_equal(nytte_hazard_output_name(buf, sizeof buf, "cloudburst", "with-sluice", 2.5), NYTTE_OK);
    assert_string_equal(buf, "depth_cloudburst_with-sluice_T2.5.tif");
    assert_int_equal(nytte_hazard_output_name(buf, sizeof buf, "../x", "with", 100), NYTTE_EUSAGE);
    assert_string_equal(buf, "");
    assert_int_equal(nytte_hazard_output_name(buf, 10, "surge", "without", 100), NYTTE_EUSAGE);
    assert_string_equal(buf, "");
}

int main(void)
{
    nytte_io_init();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_enclosed_hollow_stays_dry),
        cmocka_unit_test(test_channel_floods_fjord_depth_exact),
        cmocka_unit_test(test_sluice_keeps_fjord_dry_up_to_crest),
        cmocka_unit_test(test_diagonal_barrier_does_not_leak),
        cmocka_unit_test(test_nodata_and_dry_seed),
        cmocka_unit_test(test_bluespot_fill_known_spill),
        cmocka_unit_test(test_bluespot_nodata_is_an_outlet),
        cmocka_unit_test(test_malstroem_reference),
        cmocka_unit_test(test_bathtub_agrees_with_flood_level),
        cmocka_unit_test(test_align_nearest_and_refuse),
        cmocka_unit_test(test_groundwater_line_drain),
        cmocka_unit_test(test_bad_inputs_exact_messages),
        cmocka_unit_test(test_output_name),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
