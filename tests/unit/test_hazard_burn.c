/*
 * test_hazard_burn.c — measures burned into the terrain with a mode (raise, lower, set):
 * a channel that lowers the spill point of a bluespot, a wall, regraded ground, nodata
 * under a measure and the Float32 rounding of the crest. Terrains have 1 m cells with the
 * top-left corner at (0, ny): cell (c, r) has its centre at (c + 0.5, ny - r - 0.5).
 * The worked example is in docs/hazard.md ("Measures against bluespots").
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "nytte/hazard.h"

#include "hazard_fixture.h"

static void line(nytte_geom *g, double x0, double y0, double x1, double y1)
{
    const double xy[] = {x0, y0, x1, y1};
    const size_t n[] = {2};
    assert_int_equal(nytte_geom_set(g, NYTTE_GEOM_LINE, 1, n, xy), NYTTE_OK);
}

/* The bowl of docs/hazard.md (test_bluespot_fill_known_spill): it spills at 3 m over the corner. */
static const float bowl[] = {5, 5, 5, 5, 3, /**/ 5, 4, 2, 1, 5, /**/ 5, 2, 0, 2, 5, /**/ 5, 1, 2, 1, 5, /**/ 5, 5, 5, 5, 5};

/*
 * A channel (burn lower, invert 1 m) cut through the ring cell (row 2, column 4): the ring
 * there drops from 5 m to 1 m, the 1 m cells (1, 3) and (3, 3) touch it across a corner, so
 * the bowl spills at 1 m and only its 0 m bottom keeps water, 1 m deep (without the channel
 * 0 1 2 / 1 3 1 / 2 1 2 m, 13 m³). The same line with burn raise at 1 m changes nothing
 * (the ring is higher); burn set at 1 m is the channel again.
 */
static void test_channel_lowers_spill_point(void **state)
{
    (void)state;
    nytte_raster dem, burned, d;
    nytte_geom ch = NYTTE_GEOM_INIT;
    terrain(&dem, 5, 5, bowl);
    line(&ch, 4.5, 2.2, 4.5, 2.8);
    nytte_barrier b = {&ch, 1.0, "channel"};
    const float want_depth[] = {0, 0, 0, 0, 0, /**/ 0, 0, 0, 0, 0, /**/ 0, 0, 1, 0, 0, /**/ 0, 0, 0, 0, 0, /**/ 0, 0, 0, 0, 0};
    const nytte_burn_mode lower = NYTTE_BURN_LOWER, set = NYTTE_BURN_SET, raise = NYTTE_BURN_RAISE;

    assert_int_equal(nytte_hazard_burn_barriers_ex(ctx, &burned, &dem, &b, 1, &lower), NYTTE_OK);
    float want[25];
    memcpy(want, bowl, sizeof want);
    want[14] = 1.0f;
    assert_memory_equal(burned.v, want, sizeof want);
    assert_int_equal(nytte_hazard_bluespots(ctx, &d, &burned), NYTTE_OK);
    assert_memory_equal(d.v, want_depth, sizeof want_depth);
    nytte_raster_clear(&d);
    nytte_raster_clear(&burned);

    assert_int_equal(nytte_hazard_burn_barriers_ex(ctx, &burned, &dem, &b, 1, &set), NYTTE_OK);
    assert_memory_equal(burned.v, want, sizeof want);
    nytte_raster_clear(&burned);

    assert_int_equal(nytte_hazard_burn_barriers_ex(ctx, &burned, &dem, &b, 1, &raise), NYTTE_OK);
    assert_memory_equal(burned.v, bowl, sizeof bowl);
    nytte_raster_clear(&burned);
    /* NULL modes: raise, as nytte_hazard_burn_barriers */
    assert_int_equal(nytte_hazard_burn_barriers_ex(ctx, &burned, &dem, &b, 1, NULL), NYTTE_OK);
    assert_memory_equal(burned.v, bowl, sizeof bowl);
    nytte_raster_clear(&burned);
    nytte_geom_clear(&ch);
    nytte_raster_clear(&dem);
}

/*
 * Set moves the ground both ways; lower never raises; nodata under any measure takes the
 * crest; the crest is rounded down for lower (largest Float32 <= 0.1) and up otherwise.
 * A row 0 1 2 3 X with a line along it: set 1.5 -> all 1.5; lower 1.5 -> 0 1 1.5 1.5 1.5;
 * raise 1.5 -> 1.5 1.5 2 3 1.5.
 */
static void test_modes_and_rounding(void **state)
{
    (void)state;
    const float row[] = {0, 1, 2, 3, X};
    nytte_raster dem, out;
    nytte_geom g = NYTTE_GEOM_INIT;
    terrain(&dem, 5, 1, row);
    line(&g, 0.5, 0.5, 4.5, 0.5);
    nytte_barrier b = {&g, 1.5, "m"};
    const nytte_burn_mode modes[] = {NYTTE_BURN_SET, NYTTE_BURN_LOWER, NYTTE_BURN_RAISE};
    const float want[3][5] = {{1.5f, 1.5f, 1.5f, 1.5f, 1.5f}, {0, 1, 1.5f, 1.5f, 1.5f}, {1.5f, 1.5f, 2, 3, 1.5f}};
    for (int k = 0; k < 3; k++) {
        assert_int_equal(nytte_hazard_burn_barriers_ex(ctx, &out, &dem, &b, 1, &modes[k]), NYTTE_OK);
        assert_memory_equal(out.v, want[k], sizeof want[k]);
        nytte_raster_clear(&out);
    }
    b.crest = 0.1; /* (float)0.1 = 0.100000001 > 0.1 */
    assert_int_equal(nytte_hazard_burn_barriers_ex(ctx, &out, &dem, &b, 1, &modes[1]), NYTTE_OK);
    assert_true((double)out.v[1] <= 0.1);
    assert_true(out.v[1] == nextafterf(0.1f, 0.0f));
    nytte_raster_clear(&out);
    assert_int_equal(nytte_hazard_burn_barriers_ex(ctx, &out, &dem, &b, 1, &modes[0]), NYTTE_OK);
    assert_true(out.v[1] == 0.1f && (double)out.v[1] >= 0.1);
    nytte_raster_clear(&out);
    /* an unknown mode is a usage error */
    const nytte_burn_mode bad = (nytte_burn_mode)7;
    assert_int_equal(nytte_hazard_burn_barriers_ex(ctx, &out, &dem, &b, 1, &bad), NYTTE_EUSAGE);
    assert_string_equal(nytte_ctx_errmsg(ctx), "barrier m: unknown burn mode 7");
    nytte_geom_clear(&g);
    nytte_raster_clear(&dem);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_channel_lowers_spill_point),
        cmocka_unit_test(test_modes_and_rounding),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
