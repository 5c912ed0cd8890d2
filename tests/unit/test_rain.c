/*
 * test_rain.c — bluespots filled by a rain event (nytte_hazard_bluespots_rain) on
 * hand-made terrains (1 m cells, so 1 mm of rain on one cell is 0.001 m³), and on
 * malstroem's reference DTM. The worked examples are in docs/hazard.md, section
 * "Cloudburst: bluespots filled by rain".
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nytte/catchment.h"
#include "nytte/hazard.h"
#include "nytte/io.h"

#include "hazard_fixture.h"

static void read_ref(nytte_raster *r, const char *name)
{
    char path[512];
    snprintf(path, sizeof path, "%s/tests/data/malstroem/%s", NYTTE_SOURCE_DIR, name);
    assert_int_equal(nytte_raster_read(ctx, r, path, 1), NYTTE_OK);
}

/* The depth raster of rain_mm equals `want` exactly (every cell, nodata included). */
static void expect_rain(const nytte_raster *dem, double rain_mm, int conn, const float *want)
{
    nytte_raster d;
    assert_int_equal(nytte_hazard_bluespots_rain(ctx, &d, dem, rain_mm, conn), NYTTE_OK);
    size_t n = (size_t)dem->grid.nx * (size_t)dem->grid.ny;
    for (size_t i = 0; i < n; i++) {
        if (d.v[i] != want[i])
            print_message("rain %g mm, %d nb.: cell %zu is %.9g, expected %.9g\n", rain_mm, conn, i, (double)d.v[i],
                          (double)want[i]);
        assert_true(d.v[i] == want[i]);
    }
    nytte_raster_clear(&d);
}

/* The rain result equals nytte_hazard_bluespots_ex byte for byte. */
static void expect_full(const nytte_raster *dem, double rain_mm, int conn)
{
    nytte_raster d, full;
    assert_int_equal(nytte_hazard_bluespots_rain(ctx, &d, dem, rain_mm, conn), NYTTE_OK);
    assert_int_equal(nytte_hazard_bluespots_ex(ctx, &full, dem, conn), NYTTE_OK);
    size_t n = (size_t)dem->grid.nx * (size_t)dem->grid.ny;
    assert_int_equal(memcmp(d.v, full.v, n * sizeof(float)), 0);
    nytte_raster_clear(&d);
    nytte_raster_clear(&full);
}

/*
 * (a) One pit. The interior cells (rows 1-3, columns 1-4) all drain into the bluespot
 * {2.5, 1, 4} of row 2, which fills to 4.5 and spills over the edge cell (2,5) = 4.5:
 * depths 2, 3.5, 0.5, capacity 6 m³; its watershed is the 12 interior cells (12 m²).
 * 250 mm: 3 m³ = half full. Sorted heights 1, 2.5, 4: with two cells under water
 * V(h) = 2h − 3.5 = 3 → level 3.25 (below 4, so the third stays dry): depths 2.25 on
 * the 1 m cell, 0.75 on the 2.5 m cell. 125 mm: 1.5 m³ = V(2.5) exactly → level 2.5,
 * depth 1.5 on the 1 m cell only. 500 mm: 6 m³ = full.
 */
static const float pit[] = {
    9, 9, 9, 9, 9, 9,   //
    9, 8, 7, 6, 5, 9,   //
    9, 7, 2.5, 1, 4, 4.5, //
    9, 8, 7, 6, 5, 9,   //
    9, 9, 9, 9, 9, 9,   //
};

static void test_rain_one_pit_half_full(void **state)
{
    (void)state;
    nytte_raster dem;
    terrain(&dem, 6, 5, pit);
    float half[30] = {0}, quarter[30] = {0}, full[30] = {0};
    half[14] = 0.75f, half[15] = 2.25f;
    quarter[15] = 1.5f;
    full[14] = 2.0f, full[15] = 3.5f, full[16] = 0.5f;
    for (int conn = 4; conn <= 8; conn += 4) {
        expect_rain(&dem, 250.0, conn, half);
        expect_rain(&dem, 125.0, conn, quarter);
        expect_rain(&dem, 500.0, conn, full);
        expect_rain(&dem, 1e9, conn, full);
    }
    nytte_raster_clear(&dem);
}

/*
 * (b) Two pits in a chain along row 1 (rows 0 and 2 and the columns 0 and 7 are the
 * raster edge). A = {1, 0} fills to 2 (the sill at column 3): capacity 3 m³, watershed
 * its 2 cells. It spills into B = {-1.5, -3}, which fills to 1.5 (the sill at column 6,
 * then the outlet 1 at the edge): capacity 7.5 m³, watershed columns 3-5 (3 m²; column 6
 * drains off the edge).
 * 2000 mm: A gets 4 m³, holds 3, spills 1; B gets 6 + 1 = 7 < 7.5: level h with
 * (h + 1.5) + (h + 3) = 7 → h = 1.25: depths 2.75 and 4.25 (6 m³ alone would give 0.75).
 * 1000 mm: A gets 2 m³: sorted 0, 1 → 2h − 1 = 2 → h = 1.5: depths 0.5, 1.5; B gets 3:
 * 2h + 4.5 = 3 → h = −0.75: depths 0.75, 2.25.
 */
static const float chain[] = {
    9, 9, 9, 9,    9,  9,   9, 9, //
    9, 1, 0, 2, -1.5f, -3, 1.5f, 1, //
    9, 9, 9, 9,    9,  9,   9, 9, //
};

static void test_rain_chain_spills_downstream(void **state)
{
    (void)state;
    nytte_raster dem;
    terrain(&dem, 8, 3, chain);
    float r2000[24] = {0}, r1000[24] = {0};
    r2000[9] = 1.0f, r2000[10] = 2.0f, r2000[12] = 2.75f, r2000[13] = 4.25f;
    r1000[9] = 0.5f, r1000[10] = 1.5f, r1000[12] = 0.75f, r1000[13] = 2.25f;
    for (int conn = 4; conn <= 8; conn += 4) {
        expect_rain(&dem, 2000.0, conn, r2000);
        expect_rain(&dem, 1000.0, conn, r1000);
    }
    nytte_raster_clear(&dem);
}

/*
 * (e) Nested depressions: row 1 = 0, 2, 1 between the edge (9) and a sill of 4 before the
 * outlet 3 at the edge. Full, it is one bluespot (level 4, depths 4, 2, 3, capacity 9 m³)
 * holding two sub-pits split by the saddle of 2 m. Like malstroem (one water level per
 * bluespot, "filled in cell Z order") the stored water gets one level over all its cells:
 * 500 mm on the 3-cell watershed = 1.5 m³; sorted 0, 1, 2: 2h − 1 = 1.5 → h = 1.25, so
 * 1.25 m in the 0 m pit and 0.25 m in the 1 m pit, the saddle dry.
 */
static const float nested[] = {
    9, 9, 9, 9, 9, 9, //
    9, 0, 2, 1, 4, 3, //
    9, 9, 9, 9, 9, 9, //
};

static void test_rain_nested_one_level(void **state)
{
    (void)state;
    nytte_raster dem;
    terrain(&dem, 6, 3, nested);
    float want[18] = {0};
    want[7] = 1.25f, want[9] = 0.25f;
    for (int conn = 4; conn <= 8; conn += 4)
        expect_rain(&dem, 500.0, conn, want);
    nytte_raster_clear(&dem);
}

/* (c) Enough rain fills every bluespot: equal to nytte_hazard_bluespots_ex, byte for byte. */
static void test_rain_infinite_equals_full_bluespots(void **state)
{
    (void)state;
    nytte_raster a, b, e, h, dtm;
    terrain(&a, 6, 5, pit);
    terrain(&b, 8, 3, chain);
    terrain(&e, 6, 3, nested);
    float holed[30];
    memcpy(holed, pit, sizeof holed);
    holed[0] = X;  /* an edge cell */
    holed[21] = X; /* an interior cell: its neighbours become outlets */
    terrain(&h, 6, 5, holed);
    read_ref(&dtm, "dtm.tif");
    const nytte_raster *dems[] = {&a, &b, &e, &h, &dtm};
    for (size_t k = 0; k < sizeof dems / sizeof *dems; k++)
        for (int conn = 4; conn <= 8; conn += 4) {
            expect_full(dems[k], INFINITY, conn);
            expect_full(dems[k], 1e12, conn);
        }
    nytte_raster_clear(&a);
    nytte_raster_clear(&b);
    nytte_raster_clear(&e);
    nytte_raster_clear(&h);
    nytte_raster_clear(&dtm);
}

/* (d) No rain: every valid cell dry, nodata stays nodata. */
static void test_rain_zero_is_dry(void **state)
{
    (void)state;
    float holed[30];
    memcpy(holed, pit, sizeof holed);
    holed[5] = X;
    holed[22] = X;
    nytte_raster dem;
    terrain(&dem, 6, 5, holed);
    float want[30] = {0};
    want[5] = X, want[22] = X;
    for (int conn = 4; conn <= 8; conn += 4)
        expect_rain(&dem, 0.0, conn, want);
    nytte_raster_clear(&dem);
}

/*
 * On malstroem's DTM (47 000 cells of 16 m): more rain never lowers a depth, the water
 * stored never exceeds the rain that fell on the whole terrain, and a storm fills more.
 */
static void test_rain_real_dtm_monotone(void **state)
{
    (void)state;
    nytte_raster dtm, prev, d;
    read_ref(&dtm, "dtm.tif");
    const size_t n = (size_t)dtm.grid.nx * (size_t)dtm.grid.ny;
    const double area = dtm.grid.dx * dtm.grid.dy;
    const double rains[] = {0, 5, 20, 50, 100, 1000};
    assert_int_equal(nytte_hazard_bluespots_rain(ctx, &prev, &dtm, 0.0, NYTTE_CONNECT_8), NYTTE_OK);
    double vprev = 0.0;
    for (size_t k = 1; k < sizeof rains / sizeof *rains; k++) {
        assert_int_equal(nytte_hazard_bluespots_rain(ctx, &d, &dtm, rains[k], NYTTE_CONNECT_8), NYTTE_OK);
        double v = 0.0;
        size_t wet = 0, lower = 0;
        for (size_t i = 0; i < n; i++) {
            v += (double)d.v[i] * area;
            wet += d.v[i] > 0.0f;
            lower += d.v[i] < prev.v[i];
        }
        print_message("malstroem DTM, %g mm: %zu wet cells, %.1f m3 stored of %.1f m3 fallen\n", rains[k], wet, v,
                      rains[k] * 0.001 * area * (double)n);
        assert_int_equal(lower, 0);
        assert_true(v <= rains[k] * 0.001 * area * (double)n * (1 + 1e-6));
        assert_true(v > vprev);
        vprev = v;
        nytte_raster_clear(&prev);
        prev = d;
    }
    nytte_raster_clear(&prev);
    nytte_raster_clear(&dtm);
}

/*
 * malstroem's rain step (network.py: in = wshed_area × mm × 0.001 + Σ spill of the nodes
 * upstream, stored = min(in, bspot_vol), spill = in − stored), written out here again on
 * the bluespot network of catchment/ (nytte_bluespot_network, which matches malstroem's
 * labels, watersheds and pour points on this DTM) with a recursion over the upstream tree,
 * must give every bluespot the volume that its depths hold: Σ depth × cell area.
 */
static double mal_in(const nytte_bluespot_net *net, double mm, double *in, const int32_t *first_up,
                     const int32_t *next_up, int32_t k)
{
    if (!isnan(in[k - 1]))
        return in[k - 1];
    const nytte_bluespot *s = &net->spots[k - 1];
    double v = s->wshed_area * mm * 0.001;
    for (int32_t u = first_up[k - 1]; u; u = next_up[u - 1]) {
        double vu = mal_in(net, mm, in, first_up, next_up, u);
        double cu = net->spots[u - 1].volume;
        v += vu > cu ? vu - cu : 0.0;
    }
    in[k - 1] = v;
    return v;
}

static void test_rain_matches_malstroem_network(void **state)
{
    (void)state;
    nytte_raster dtm, d;
    nytte_flow f;
    nytte_bluespot_net net;
    read_ref(&dtm, "dtm.tif");
    assert_int_equal(nytte_flow_directions(ctx, &f, &dtm), NYTTE_OK);
    assert_int_equal(nytte_bluespot_network(ctx, &net, &dtm, &f, NULL), NYTTE_OK);
    const size_t n = (size_t)dtm.grid.nx * (size_t)dtm.grid.ny, ns = net.nspots;
    const double area = dtm.grid.dx * dtm.grid.dy;
    int32_t *first_up = calloc(ns, sizeof *first_up), *next_up = calloc(ns, sizeof *next_up);
    double *in = malloc(ns * sizeof *in), *held = malloc(ns * sizeof *held);
    assert_non_null(first_up);
    assert_non_null(next_up);
    assert_non_null(in);
    assert_non_null(held);
    for (size_t k = 0; k < ns; k++)
        if (net.spots[k].downstream > 0) {
            int32_t dn = net.spots[k].downstream;
            next_up[k] = first_up[dn - 1];
            first_up[dn - 1] = (int32_t)(k + 1);
        }
    const double rains[] = {5, 20, 50};
    for (size_t r = 0; r < sizeof rains / sizeof *rains; r++) {
        assert_int_equal(nytte_hazard_bluespots_rain(ctx, &d, &dtm, rains[r], NYTTE_CONNECT_8), NYTTE_OK);
        for (size_t k = 0; k < ns; k++)
            in[k] = NAN, held[k] = 0.0;
        for (size_t i = 0; i < n; i++) {
            if (net.label[i] > 0)
                held[net.label[i] - 1] += (double)d.v[i] * area;
            else
                assert_true(d.v[i] == 0.0f);
        }
        size_t full = 0, partial = 0, bad = 0;
        for (size_t k = 0; k < ns; k++) {
            double v = mal_in(&net, rains[r], in, first_up, next_up, (int32_t)(k + 1));
            double cap = net.spots[k].volume, want = v < cap ? v : cap;
            full += v >= cap;
            partial += v < cap;
            if (fabs(held[k] - want) > 1e-5 * cap + 1e-9) {
                bad++;
                print_message("bluespot %zu: holds %.6f m3, malstroem %.6f m3 (capacity %.6f)\n", k + 1, held[k], want,
                              cap);
            }
        }
        print_message("malstroem network, %g mm: %zu bluespots, %zu full, %zu partly filled, %zu differ\n", rains[r], ns,
                      full, partial, bad);
        assert_int_equal(bad, 0);
        assert_true(full > 0 && partial > 0);
        nytte_raster_clear(&d);
    }
    free(first_up);
    free(next_up);
    free(in);
    free(held);
    nytte_bluespot_net_clear(&net);
    nytte_flow_clear(&f);
    nytte_raster_clear(&dtm);
}

static void test_rain_bad_inputs(void **state)
{
    (void)state;
    nytte_raster dem, out;
    terrain(&dem, 6, 5, pit);
    assert_int_equal(nytte_hazard_bluespots_rain(ctx, &out, &dem, NAN, NYTTE_CONNECT_8), NYTTE_EUSAGE);
    assert_string_equal(nytte_ctx_errmsg(ctx), "bluespots: rain must be a number of mm >= 0 (got nan)");
    assert_int_equal(nytte_hazard_bluespots_rain(ctx, &out, &dem, -1.0, NYTTE_CONNECT_8), NYTTE_EUSAGE);
    assert_string_equal(nytte_ctx_errmsg(ctx), "bluespots: rain must be a number of mm >= 0 (got -1)");
    assert_int_equal(nytte_hazard_bluespots_rain(ctx, &out, &dem, 10.0, 6), NYTTE_EUSAGE);
    assert_string_equal(nytte_ctx_errmsg(ctx), "connectivity must be 4 or 8 (got 6)");
    assert_null(out.v);
    nytte_raster_clear(&dem);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rain_one_pit_half_full),
        cmocka_unit_test(test_rain_chain_spills_downstream),
        cmocka_unit_test(test_rain_nested_one_level),
        cmocka_unit_test(test_rain_infinite_equals_full_bluespots),
        cmocka_unit_test(test_rain_zero_is_dry),
        cmocka_unit_test(test_rain_real_dtm_monotone),
        cmocka_unit_test(test_rain_matches_malstroem_network),
        cmocka_unit_test(test_rain_bad_inputs),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
