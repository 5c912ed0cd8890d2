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

/*
 * The parser is the formatter's inverse, by hand: "1234.50" is 1234 kr 50 øre = 123450 øre;
 * the CSV tables' Danish dialect writes the same with a comma. A value a double cannot hold
 * exactly (0.29 is 0.28999…; 92233720368547758.07 kr is INT64_MAX øre) comes out exact.
 */
static void test_money_parse(void **state)
{
    (void)state;
    int64_t o = 7;
    assert_int_equal(nytte_money_parse(&o, "1234.50", '.'), 0);
    assert_int_equal(o, 123450);
    assert_int_equal(nytte_money_parse(&o, "1234,50", ','), 0);
    assert_int_equal(o, 123450);
    assert_int_equal(nytte_money_parse(&o, "0.29", '.'), 0);
    assert_int_equal(o, 29);
    assert_int_equal(nytte_money_parse(&o, "12.5", '.'), 0);
    assert_int_equal(o, 1250);
    assert_int_equal(nytte_money_parse(&o, "45000000", '.'), 0);
    assert_int_equal(o, 4500000000);
    assert_int_equal(nytte_money_parse(&o, "-2.50", '.'), 0);
    assert_int_equal(o, -250);
    assert_int_equal(nytte_money_parse(&o, "+3", '.'), 0);
    assert_int_equal(o, 300);
    assert_int_equal(nytte_money_parse(&o, "-0.00", '.'), 0);
    assert_int_equal(o, 0);
    assert_int_equal(nytte_money_parse(&o, "7.", '.'), 0);
    assert_int_equal(o, 700);
    assert_int_equal(nytte_money_parse(&o, "92233720368547758.07", '.'), 0);
    assert_true(o == INT64_MAX);
    assert_int_equal(nytte_money_parse(&o, "-92233720368547758.07", '.'), 0);
    assert_true(o == -INT64_MAX);
    /* every amount the formatter writes reads back to itself, in both dialects */
    const int64_t round[] = {0, 1, 5, 99, 100, 123456780, -250, INT64_MAX, -INT64_MAX};
    const nytte_money_style da_csv = {',', "", "-", ""};
    for (size_t k = 0; k < sizeof round / sizeof round[0]; k++) {
        char b[64];
        assert_int_equal(nytte_money_parse(&o, nytte_money_format(b, sizeof b, NULL, round[k]), '.'), 0);
        assert_true(o == round[k]);
        assert_int_equal(nytte_money_parse(&o, nytte_money_format(b, sizeof b, &da_csv, round[k]), ','), 0);
        assert_true(o == round[k]);
    }
    /* not amounts: *ore untouched */
    o = 42;
    const char *bad[] = {"", "-", ".5", "1.2.3", "1,50", "1 000", "1e3", "12kr", " 1", "1 ", "0x10",
                         "92233720368547758.08", "-92233720368547758.08", "100000000000000000000", NULL};
    for (size_t k = 0; bad[k]; k++) {
        assert_int_equal(nytte_money_parse(&o, bad[k], '.'), -1);
        assert_int_equal(o, 42);
    }
    assert_int_equal(nytte_money_parse(&o, "1.50", ','), -1); /* the standard dialect's point in the Danish one */
    assert_int_equal(nytte_money_parse(&o, NULL, '.'), -1);
    /* more than two decimals: not exact øre */
    assert_int_equal(nytte_money_parse(&o, "1.005", '.'), -2);
    assert_int_equal(nytte_money_parse(&o, "1,005", ','), -2);
    assert_int_equal(nytte_money_parse(&o, "1.000,00", '.'), -2); /* grouped: three decimals as far as it can tell */
    assert_int_equal(o, 42);
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
        cmocka_unit_test(test_money_parse),
        cmocka_unit_test(test_geom_area_with_hole),
        cmocka_unit_test(test_use_names),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
