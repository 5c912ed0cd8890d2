/* test_core.c — context, errors and the plain geometry helpers. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <string.h>

#include "nytte/types.h"

static void test_error_message_one_line(void **state)
{
    (void)state;
    nytte_ctx *ctx = NULL;
    assert_int_equal(nytte_ctx_new(&ctx), NYTTE_OK);
    assert_string_equal(nytte_ctx_errmsg(ctx), "");
    int rc = nytte_error(ctx, NYTTE_EINPUT, "parcels.gpkg: parcel %s: geometry is not a polygon\n", "4021");
    assert_int_equal(rc, NYTTE_EINPUT);
    assert_int_equal(nytte_ctx_errcode(ctx), NYTTE_EINPUT);
    assert_string_equal(nytte_ctx_errmsg(ctx), "parcels.gpkg: parcel 4021: geometry is not a polygon");
    nytte_error(ctx, NYTTE_EGDAL, "line one\nline two");
    nytte_error_prefix(ctx, "terrain.tif");
    assert_string_equal(nytte_ctx_errmsg(ctx), "terrain.tif: line one line two");
    nytte_ctx_clear_error(ctx);
    assert_int_equal(nytte_ctx_errcode(ctx), NYTTE_OK);
    nytte_ctx_set_threads(ctx, 3);
    assert_int_equal(nytte_ctx_threads(ctx), 3);
    nytte_ctx_free(ctx);
}

static void test_nomem(void **state)
{
    (void)state;
    nytte_ctx *ctx = NULL;
    assert_int_equal(nytte_ctx_new(&ctx), NYTTE_OK);
    assert_int_equal(nytte_nomem(ctx, "overlay: %zu geometries", (size_t)12), NYTTE_ENOMEM);
    assert_int_equal(nytte_ctx_errcode(ctx), NYTTE_ENOMEM);
    assert_string_equal(nytte_ctx_errmsg(ctx), "overlay: 12 geometries: out of memory");
    nytte_ctx_free(ctx);
}

/* Every style of docs/architecture.md's money rule, by hand: 123456780 øre = 1 234 567,80 kr. */
static void test_money_format(void **state)
{
    (void)state;
    char b[64];
    const nytte_money_style kr = NYTTE_MONEY_KR, da = NYTTE_MONEY_DA;
    const nytte_money_style html = {',', "&#160;", "−", "&#160;kr"};
    assert_string_equal(nytte_money_format(b, sizeof b, NULL, 123456780), "1234567.80");
    assert_string_equal(nytte_money_format(b, sizeof b, NULL, 5), "0.05");
    assert_string_equal(nytte_money_format(b, sizeof b, NULL, -250), "-2.50");
    assert_string_equal(nytte_money_format(b, sizeof b, NULL, 0), "0.00");
    assert_string_equal(nytte_money_format(b, sizeof b, &kr, 1800050), "18000.50 kr");
    assert_string_equal(nytte_money_format(b, sizeof b, &da, 123456780), "1.234.567,80 kr");
    assert_string_equal(nytte_money_format(b, sizeof b, &da, 99999), "999,99 kr");
    assert_string_equal(nytte_money_format(b, sizeof b, &da, 100000), "1.000,00 kr");
    assert_string_equal(nytte_money_format(b, sizeof b, &html, -123456780), "−1&#160;234&#160;567,80&#160;kr");
    assert_string_equal(nytte_money_format(b, sizeof b, NULL, INT64_MIN), "-92233720368547758.08");
    assert_string_equal(nytte_money_format(b, sizeof b, NULL, INT64_MAX), "92233720368547758.07");
    /* too small a buffer: truncated, terminated */
    assert_string_equal(nytte_money_format(b, 5, &da, 123456780), "1.23");
}

static void test_geom_area_with_hole(void **state)
{
    (void)state;
    /* 10 × 10 square (counter-clockwise) with a 2 × 3 hole (clockwise): 100 - 6 = 94. */
    const double xy[] = {0, 0, 10, 0, 10, 10, 0, 10, 0, 0, 2, 2, 2, 5, 4, 5, 4, 2, 2, 2};
    const size_t n[] = {5, 5};
    nytte_geom g;
    assert_int_equal(nytte_geom_set(&g, NYTTE_GEOM_POLYGON, 2, n, xy), NYTTE_OK);
    assert_true(nytte_geom_area(&g) == 94.0);
    assert_true(nytte_geom_length(&g) == 40.0 + 10.0);
    assert_true(g.xmin == 0 && g.xmax == 10 && g.ymin == 0 && g.ymax == 10);
    nytte_geom c;
    assert_int_equal(nytte_geom_copy(&c, &g), NYTTE_OK);
    assert_true(nytte_geom_area(&c) == 94.0);
    nytte_geom_clear(&g);
    nytte_geom_clear(&c);
}

static void test_use_names(void **state)
{
    (void)state;
    assert_int_equal(nytte_use_parse("Business"), NYTTE_USE_BUSINESS);
    assert_int_equal(nytte_use_parse("castle"), -1);
    assert_string_equal(nytte_use_name(NYTTE_USE_SUMMERHOUSE), "summerhouse");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_error_message_one_line),
        cmocka_unit_test(test_nomem),
        cmocka_unit_test(test_money_format),
        cmocka_unit_test(test_geom_area_with_hole),
        cmocka_unit_test(test_use_names),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
