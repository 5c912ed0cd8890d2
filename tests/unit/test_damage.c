/*
 * test_damage.c — depth at the building, depth-damage curves, EAD under every rule,
 * present value. Every expectation is computed by hand in the comment beside it and is
 * the same worked example as in docs/models.md ("Damage").
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "nytte/damage.h"

/* |a - b| <= 1e-12 × max(1, |b|): for values whose hand computation has irrational steps. */
static void assert_close(double a, double b)
{
    double tol = 1e-12 * (fabs(b) > 1 ? fabs(b) : 1);
    if (!(fabs(a - b) <= tol))
        fail_msg("%.17g != %.17g", a, b);
}

static nytte_ctx *new_ctx(void)
{
    nytte_ctx *ctx = NULL;
    assert_int_equal(nytte_ctx_new(&ctx), NYTTE_OK);
    return ctx;
}

/* ---- depth at the asset ---------------------------------------------------- */

static void test_depth_at_asset(void **state)
{
    (void)state;
    /* mean 0.8, max 1.3, floor 0.3 above terrain → mean 0.5, max 1.0 above the floor. */
    assert_close(nytte_damage_depth(NYTTE_DEPTH_MEAN, 0.8, 1.3, 0.3), 0.5);
    assert_close(nytte_damage_depth(NYTTE_DEPTH_MAX, 0.8, 1.3, 0.3), 1.0);
    /* Water below the floor: clamped at 0. */
    assert_true(nytte_damage_depth(NYTTE_DEPTH_MAX, 0.2, 0.25, 0.3) == 0.0);
    /* No water (NaN statistic) → 0; unknown floor height (NaN) or negative → at terrain. */
    assert_true(nytte_damage_depth(NYTTE_DEPTH_MEAN, NAN, NAN, 0.0) == 0.0);
    assert_true(nytte_damage_depth(NYTTE_DEPTH_MAX, 0.4, 0.75, NAN) == 0.75);
    assert_true(nytte_damage_depth(NYTTE_DEPTH_MAX, 0.4, 0.75, -1.0) == 0.75);
    assert_int_equal(nytte_depth_stat_parse("Mean"), NYTTE_DEPTH_MEAN);
    assert_int_equal(nytte_depth_stat_parse("median"), -1);
    assert_string_equal(nytte_depth_stat_name(NYTTE_DEPTH_MAX), "max");
}

/* ---- curves ---------------------------------------------------------------- */

static void expect_curve_error(const double *d, const double *f, int n, const char *msg)
{
    nytte_ctx *ctx = new_ctx();
    nytte_curve c;
    assert_int_equal(nytte_curve_set(ctx, &c, "residential/structure", d, f, n), NYTTE_OK);
    assert_int_equal(nytte_curve_validate(ctx, &c), NYTTE_ECONFIG);
    assert_string_equal(nytte_ctx_errmsg(ctx), msg);
    nytte_ctx_free(ctx);
}

static void test_curve_validation_messages(void **state)
{
    (void)state;
    const double d1[] = {0, 1.0, 1.5}, f1[] = {0, 0.5, 0.45};
    expect_curve_error(d1, f1, 3,
                       "curve residential/structure: point 3 (depth 1.5): fraction 0.45 is below the previous 0.5 "
                       "(curves must be non-decreasing)");
    const double d2[] = {0, 1, 2}, f2[] = {0, 1.2, 1.2};
    expect_curve_error(d2, f2, 3, "curve residential/structure: point 2 (depth 1): fraction 1.2 is outside [0, 1]");
    const double f2b[] = {-0.1, 0.5, 0.6};
    expect_curve_error(d2, f2b, 3,
                       "curve residential/structure: point 1 (depth 0): fraction -0.1 is outside [0, 1]");
    const double d3[] = {0, 1, 1}, f3[] = {0, 0.2, 0.3};
    expect_curve_error(d3, f3, 3,
                       "curve residential/structure: point 3 (depth 1): depth is not above the previous 1 "
                       "(depths must be strictly increasing)");
    const double d4[] = {0.5}, f4[] = {0.2};
    expect_curve_error(d4, f4, 1, "curve residential/structure: 1 point: a curve needs 2 to 32 points");
    const double d5[] = {-0.5, 0, 1}, f5[] = {0, 0.1, 0.3};
    expect_curve_error(d5, f5, 3,
                       "curve residential/structure: point 1 (depth -0.5): depth is negative (depths are water "
                       "above the floor; a dry floor has no damage)");

    nytte_ctx *ctx = new_ctx();
    nytte_curve c;
    double many[40] = {0};
    assert_int_equal(nytte_curve_set(ctx, &c, "big", many, many, 40), NYTTE_ECONFIG);
    assert_string_equal(nytte_ctx_errmsg(ctx), "curve big: 40 points: at most 32");
    nytte_ctx_free(ctx);
}

static void test_curve_eval(void **state)
{
    (void)state;
    /* A curve starting above depth 0: (0.5, 0.2), (1, 0.4), (2, 0.6). */
    const double d[] = {0.5, 1, 2}, f[] = {0.2, 0.4, 0.6};
    nytte_curve c;
    assert_int_equal(nytte_curve_set(NULL, &c, "t", d, f, 3), NYTTE_OK);
    assert_int_equal(nytte_curve_validate(NULL, &c), NYTTE_OK);
    assert_true(nytte_curve_eval(&c, 0.0) == 0.0);    /* dry floor */
    assert_true(nytte_curve_eval(&c, -1.0) == 0.0);
    assert_true(nytte_curve_eval(&c, NAN) == 0.0);
    assert_close(nytte_curve_eval(&c, 0.25), 0.1);    /* from (0,0) to (0.5,0.2): halfway */
    assert_close(nytte_curve_eval(&c, 0.5), 0.2);     /* on a point */
    assert_close(nytte_curve_eval(&c, 1.5), 0.5);     /* halfway between 0.4 and 0.6 */
    assert_close(nytte_curve_eval(&c, 2.0), 0.6);
    assert_close(nytte_curve_eval(&c, 9.0), 0.6);     /* above the last point: held */

    /* A step curve: any water over the floor does 10 %. */
    const double ds[] = {0, 1}, fs[] = {0.1, 0.3};
    assert_int_equal(nytte_curve_set(NULL, &c, "step", ds, fs, 2), NYTTE_OK);
    assert_true(nytte_curve_eval(&c, 0.0) == 0.0);
    assert_close(nytte_curve_eval(&c, 1e-9), 0.1 + 0.2e-9);
}

static void test_default_model(void **state)
{
    (void)state;
    nytte_damage_model m;
    nytte_damage_model_default(&m);
    nytte_ctx *ctx = new_ctx();
    assert_int_equal(nytte_damage_model_validate(ctx, &m), NYTTE_OK);
    assert_string_equal(m.structure[NYTTE_USE_BUSINESS].name, "business/structure");
    assert_string_equal(m.contents[NYTTE_USE_SUMMERHOUSE].name, "summerhouse/contents");
    /* JRC residential at 1.5 m = 0.50; commercial at 1.5 m = 0.45. */
    assert_close(nytte_curve_eval(&m.structure[NYTTE_USE_RESIDENTIAL], 1.5), 0.50);
    assert_close(nytte_curve_eval(&m.structure[NYTTE_USE_PUBLIC], 1.5), 0.45);
    assert_close(nytte_curve_eval(&m.structure[NYTTE_USE_SUMMERHOUSE], 7.0), 1.0);

    /* Residential, 100 m²: value 1480 × 100 = 148000 kr. At 0.5 m: structure 0.25 and
     * contents 0.5 × 0.25 → 148000 × 0.375 = 55500 kr. At 0.75 m: fraction
     * 0.25 + (0.40 - 0.25) × 0.5 = 0.325 → 148000 × 0.325 × 1.5 = 72150 kr. */
    double v = nytte_damage_value(&m, NYTTE_USE_RESIDENTIAL, 100.0, NAN);
    assert_close(v, 148000.0);
    assert_close(nytte_damage_at_depth(&m, NYTTE_USE_RESIDENTIAL, v, 0.5), 55500.0);
    assert_close(nytte_damage_at_depth(&m, NYTTE_USE_RESIDENTIAL, v, 0.75), 72150.0);
    /* Business, 200 m² → 1100000 kr; at 1 m: 0.30 × (1 + 1) → 660000 kr. */
    v = nytte_damage_value(&m, NYTTE_USE_BUSINESS, 200.0, NAN);
    assert_close(v, 1100000.0);
    assert_close(nytte_damage_at_depth(&m, NYTTE_USE_BUSINESS, v, 1.0), 660000.0);
    /* A given value wins over unit value × area. */
    assert_close(nytte_damage_value(&m, NYTTE_USE_PUBLIC, 100.0, 250000.0), 250000.0);
    /* Other buildings carry no value by default. */
    assert_true(nytte_damage_value(&m, NYTTE_USE_OTHER, 50.0, NAN) == 0.0);

    m.unit_value[NYTTE_USE_PUBLIC] = -1;
    assert_int_equal(nytte_damage_model_validate(ctx, &m), NYTTE_ECONFIG);
    assert_string_equal(nytte_ctx_errmsg(ctx), "damage: unit value of public -1: must be a number >= 0 (kr/m²)");
    nytte_ctx_free(ctx);
}

/* ---- EAD ------------------------------------------------------------------- */

static const nytte_ead_rule all_rules[8] = {
    {NYTTE_EAD_TRAPEZOID, NYTTE_EAD_LOWER_ZERO, NYTTE_EAD_UPPER_NONE},
    {NYTTE_EAD_TRAPEZOID, NYTTE_EAD_LOWER_ZERO, NYTTE_EAD_UPPER_CONSTANT},
    {NYTTE_EAD_TRAPEZOID, NYTTE_EAD_LOWER_TRIANGLE, NYTTE_EAD_UPPER_NONE},
    {NYTTE_EAD_TRAPEZOID, NYTTE_EAD_LOWER_TRIANGLE, NYTTE_EAD_UPPER_CONSTANT},
    {NYTTE_EAD_LOGLINEAR, NYTTE_EAD_LOWER_ZERO, NYTTE_EAD_UPPER_NONE},
    {NYTTE_EAD_LOGLINEAR, NYTTE_EAD_LOWER_ZERO, NYTTE_EAD_UPPER_CONSTANT},
    {NYTTE_EAD_LOGLINEAR, NYTTE_EAD_LOWER_TRIANGLE, NYTTE_EAD_UPPER_NONE},
    {NYTTE_EAD_LOGLINEAR, NYTTE_EAD_LOWER_TRIANGLE, NYTTE_EAD_UPPER_CONSTANT},
};

static void check_series(const double *T, const double *D, size_t n, const double expect[8], double lower,
                         double upper, int adjusted)
{
    for (int k = 0; k < 8; k++) {
        nytte_ead e;
        char name[64];
        assert_int_equal(nytte_ead_calc(NULL, &e, &all_rules[k], T, D, n, "b"), NYTTE_OK);
        if (fabs(e.ead - expect[k]) > 1e-12 * expect[k])
            fail_msg("rule %s: EAD %.17g, expected %.17g", nytte_ead_rule_format(name, sizeof name, &all_rules[k]),
                     e.ead, expect[k]);
        assert_close(e.lower_tail, all_rules[k].lower == NYTTE_EAD_LOWER_TRIANGLE ? lower : 0.0);
        assert_close(e.upper_tail, all_rules[k].upper == NYTTE_EAD_UPPER_CONSTANT ? upper : 0.0);
        assert_int_equal(e.adjusted, adjusted);
    }
}

static void test_ead_series_a(void **state)
{
    (void)state;
    /*
     * T = 10, 50, 100; D = 100, 200, 300; p = 0.1, 0.02, 0.01.
     * trapezoid: (100+200)/2 × (0.1-0.02) = 12; (200+300)/2 × (0.02-0.01) = 2.5; sum 14.5.
     * loglinear, segment [pb, pa], L = (pa - pb)/ln(pa/pb), ∫ = Db (L - pb) + Da (pa - L):
     *   [0.02, 0.1]:  L = 0.08/ln 5 = 0.0497068; 200 × 0.0297068 + 100 × 0.0502932 = 10.97067
     *   [0.01, 0.02]: L = 0.01/ln 2 = 0.0144270; 300 × 0.0044270 + 200 × 0.0055730 = 2.44270
     *   sum 13.4133745.
     * lower triangle: 100 × (1 - 0.1)/2 = 45. upper constant: 300 × 0.01 = 3.
     * trapezoid/zero/none 14.5 vs trapezoid/triangle/constant 62.5: a factor of 4.3.
     */
    const double T[] = {10, 50, 100}, D[] = {100, 200, 300};
    const double L5 = 0.08 / log(5.0), L2 = 0.01 / log(2.0);
    const double ll = 200 * (L5 - 0.02) + 100 * (0.1 - L5) + 300 * (L2 - 0.01) + 200 * (0.02 - L2);
    assert_true(fabs(ll - 13.4133745) < 1e-7);
    const double expect[8] = {14.5, 17.5, 59.5, 62.5, ll, ll + 3, ll + 45, ll + 48};
    check_series(T, D, 3, expect, 45.0, 3.0, 0);
}

static void test_ead_series_b(void **state)
{
    (void)state;
    /*
     * T = 50, 100; D = 100, 100 (a flat series): between the events 100 × (0.02 - 0.01) = 1
     * under both integrations (linear in p or in ln p, a constant is a constant).
     * upper constant: 100 × 0.01 = 1 → the upper tail alone doubles the EAD (1 vs 2).
     * lower triangle: 100 × (1 - 0.02)/2 = 49.
     */
    const double T[] = {50, 100}, D[] = {100, 100};
    const double expect[8] = {1, 2, 50, 51, 1, 2, 50, 51};
    check_series(T, D, 2, expect, 49.0, 1.0, 0);
}

static void test_ead_series_c(void **state)
{
    (void)state;
    /*
     * T = 10, 100; D = 0, 100: trapezoid 50 × 0.09 = 4.5; loglinear L = 0.09/ln 10 =
     * 0.0390865, 100 × (L - 0.01) = 2.90865 (log-linear puts less damage between the
     * events when damage rises steeply). Triangle: 0 (D1 = 0). Constant: 100 × 0.01 = 1.
     */
    const double T[] = {10, 100}, D[] = {0, 100};
    const double ll = 100 * (0.09 / log(10.0) - 0.01);
    assert_true(fabs(ll - 2.90865) < 1e-5);
    const double expect[8] = {4.5, 5.5, 4.5, 5.5, ll, ll + 1, ll, ll + 1};
    check_series(T, D, 2, expect, 0.0, 1.0, 0);
}

static void test_ead_series_from_one_year(void **state)
{
    (void)state;
    /*
     * A Delft-FIAT series starting at T = 1 (p = 1, every year): T = 1, 10, 100; D = 50, 100,
     * 300; p = 1, 0.1, 0.01 (docs/models.md, Example E).
     * trapezoid: (50+100)/2 × 0.9 = 67.5; (100+300)/2 × 0.09 = 18; sum 85.5.
     * loglinear: [0.1, 1]: L = 0.9/ln 10 = 0.3908650; 100 × 0.2908650 + 50 × 0.6091350 = 59.5432517
     *            [0.01, 0.1]: L = 0.09/ln 10 = 0.0390865; 300 × 0.0290865 + 100 × 0.0609135 = 14.8173007
     *            sum 74.3605524.
     * lower triangle: 50 × (1 - 1)/2 = 0 (the series already starts at p = 1); upper constant 300 × 0.01 = 3.
     */
    const double T[] = {1, 10, 100}, D[] = {50, 100, 300};
    const double L1 = 0.9 / log(10.0), L2 = 0.09 / log(10.0);
    const double ll = 100 * (L1 - 0.1) + 50 * (1 - L1) + 300 * (L2 - 0.01) + 100 * (0.1 - L2);
    assert_true(fabs(ll - 74.3605524) < 1e-7);
    const double expect[8] = {85.5, 88.5, 85.5, 88.5, ll, ll + 3, ll, ll + 3};
    check_series(T, D, 3, expect, 0.0, 3.0, 0);
}

static void test_ead_monotonic_fix(void **state)
{
    (void)state;
    /*
     * T = 10, 50, 100; D = 100, 80, 300: the 50-year damage is below the 10-year one, so it
     * is raised to the running maximum: 100, 100, 300.
     * trapezoid: 100 × 0.08 + (100+300)/2 × 0.01 = 8 + 2 = 10; upper 300 × 0.01 = 3;
     * lower 100 × 0.9 / 2 = 45.
     * loglinear: 100 × 0.08 + 300 × (L2 - 0.01) + 100 × (0.02 - L2), L2 = 0.01/ln 2.
     */
    const double T[] = {10, 50, 100}, D[] = {100, 80, 300};
    const double L2 = 0.01 / log(2.0);
    const double ll = 8 + 300 * (L2 - 0.01) + 100 * (0.02 - L2);
    const double expect[8] = {10, 13, 55, 58, ll, ll + 3, ll + 45, ll + 48};
    check_series(T, D, 3, expect, 45.0, 3.0, 1);

    /* The table counts adjusted assets: rows 0 and 2 fall with T, row 1 does not. */
    const double rows[] = {100, 80, 300, 0, 0, 0, 5, 4, 4};
    nytte_ead out[3];
    size_t nadj = 99;
    nytte_ead_rule rule = NYTTE_EAD_RULE_INIT;
    assert_int_equal(nytte_ead_table(NULL, out, &nadj, &rule, T, 3, rows, 3, NULL), NYTTE_OK);
    assert_int_equal(nadj, 2);
    assert_true(out[0].adjusted && !out[1].adjusted && out[2].adjusted);
    assert_true(out[1].ead == 0.0);
    /* Row 2 becomes 5, 5, 5: 5 × 0.09 + 5 × 0.01 = 0.5. */
    assert_close(out[2].ead, 0.5);
}

static void test_ead_validation(void **state)
{
    (void)state;
    nytte_ctx *ctx = new_ctx();
    nytte_ead e;
    nytte_ead_rule rule = NYTTE_EAD_RULE_INIT;
    const double T_bad_order[] = {10, 50, 50}, T_below_one[] = {0.5, 10}, T[] = {10, 50, 100};
    const double D[] = {1, 2, 3}, D_neg[] = {1, -3, 3}, D_nan[] = {1, 2, NAN};

    assert_int_equal(nytte_ead_calc(ctx, &e, &rule, T_bad_order, D, 3, "building 1234"), NYTTE_ECONFIG);
    assert_string_equal(nytte_ctx_errmsg(ctx), "building 1234: return period 3 (50) is not greater than the "
                                               "previous (50): return periods must be strictly increasing");
    assert_int_equal(nytte_ead_calc(ctx, &e, &rule, T_below_one, D, 2, "building 1234"), NYTTE_ECONFIG);
    assert_string_equal(nytte_ctx_errmsg(ctx),
                        "building 1234: return period 1 (0.5) must be a number of at least 1 year");
    assert_int_equal(nytte_ead_calc(ctx, &e, &rule, T, D_neg, 3, "building 1234"), NYTTE_EINPUT);
    assert_string_equal(nytte_ctx_errmsg(ctx), "building 1234: damage at T=50 is -3 (must be finite and >= 0)");
    assert_int_equal(nytte_ead_calc(ctx, &e, &rule, T, D_nan, 3, NULL), NYTTE_EINPUT);
    assert_string_equal(nytte_ctx_errmsg(ctx), "asset: damage at T=100 is nan (must be finite and >= 0)");
    assert_true(e.ead == 0.0);
    assert_int_equal(nytte_ead_check_periods(ctx, "hazard surge", T, 0), NYTTE_ECONFIG);
    assert_string_equal(nytte_ctx_errmsg(ctx), "hazard surge: no return periods");

    const char *ids[] = {"b1", "b2"};
    const double rows[] = {1, 2, 3, 1, -3, 3};
    nytte_ead out[2];
    assert_int_equal(nytte_ead_table(ctx, out, NULL, &rule, T, 3, rows, 2, ids), NYTTE_EINPUT);
    assert_string_equal(nytte_ctx_errmsg(ctx), "b2: damage at T=50 is -3 (must be finite and >= 0)");
    assert_int_equal(nytte_ead_table(ctx, out, NULL, &rule, T, 3, rows, 2, NULL), NYTTE_EINPUT);
    assert_string_equal(nytte_ctx_errmsg(ctx), "asset 1: damage at T=50 is -3 (must be finite and >= 0)");

    /* One event: only the tails. T = 20, D = 40: constant 40/20 = 2; triangle 40 × 0.95/2 = 19. */
    const double T1[] = {20}, D1[] = {40};
    assert_int_equal(nytte_ead_calc(ctx, &e, &rule, T1, D1, 1, "x"), NYTTE_OK);
    assert_close(e.ead, 2.0);
    nytte_ead_rule tri = {NYTTE_EAD_LOGLINEAR, NYTTE_EAD_LOWER_TRIANGLE, NYTTE_EAD_UPPER_NONE};
    assert_int_equal(nytte_ead_calc(ctx, &e, &tri, T1, D1, 1, "x"), NYTTE_OK);
    assert_close(e.ead, 19.0);
    nytte_ctx_free(ctx);
}

static void test_ead_rule_names(void **state)
{
    (void)state;
    char buf[64];
    nytte_ead_rule r = NYTTE_EAD_RULE_INIT;
    assert_string_equal(nytte_ead_rule_format(buf, sizeof buf, &r), "trapezoid/zero/constant");
    nytte_ctx *ctx = new_ctx();
    assert_int_equal(nytte_ead_rule_parse(ctx, &r, "LogLinear/triangle/none"), NYTTE_OK);
    assert_int_equal(r.integration, NYTTE_EAD_LOGLINEAR);
    assert_int_equal(r.lower, NYTTE_EAD_LOWER_TRIANGLE);
    assert_int_equal(r.upper, NYTTE_EAD_UPPER_NONE);
    assert_string_equal(nytte_ead_rule_format(buf, sizeof buf, &r), "loglinear/triangle/none");
    assert_int_equal(nytte_ead_rule_parse(ctx, &r, "simpson/zero/none"), NYTTE_ECONFIG);
    assert_string_equal(nytte_ctx_errmsg(ctx),
                        "EAD rule \"simpson/zero/none\": unknown integration \"simpson\" (trapezoid or loglinear)");
    assert_int_equal(nytte_ead_rule_parse(ctx, &r, "trapezoid/zero/forever"), NYTTE_ECONFIG);
    assert_string_equal(nytte_ctx_errmsg(ctx),
                        "EAD rule \"trapezoid/zero/forever\": unknown upper tail \"forever\" (none or constant)");
    assert_int_equal(nytte_ead_rule_parse(ctx, &r, "trapezoid/zero"), NYTTE_ECONFIG);
    assert_string_equal(nytte_ctx_errmsg(ctx),
                        "EAD rule \"trapezoid/zero\": expected integration/lower/upper, e.g. trapezoid/zero/constant");
    assert_int_equal(nytte_ead_rule_parse(ctx, &r, "trapezoid/zero/none/x"), NYTTE_ECONFIG);
    assert_int_equal(nytte_ead_integration_parse("trapezoid"), NYTTE_EAD_TRAPEZOID);
    assert_int_equal(nytte_ead_lower_parse("triangle"), NYTTE_EAD_LOWER_TRIANGLE);
    assert_int_equal(nytte_ead_upper_parse("constant"), NYTTE_EAD_UPPER_CONSTANT);
    assert_int_equal(nytte_ead_upper_parse("zero"), -1);
    nytte_ctx_free(ctx);
}

/* ---- property: deeper water never gives less damage or less avoided EAD ----- */

static unsigned long long lcg_state = 12345;
static double rnd01(void)
{
    lcg_state = lcg_state * 6364136223846793005ULL + 1442695040888963407ULL;
    return (double)(lcg_state >> 11) / 9007199254740992.0;
}

static void test_deeper_never_less(void **state)
{
    (void)state;
    nytte_damage_model m;
    nytte_damage_model_default(&m);
    const double T[] = {20, 50, 100, 1000};
    for (int iter = 0; iter < 2000; iter++) {
        nytte_use use = (nytte_use)(iter % NYTTE_USE_COUNT);
        nytte_depth_stat stat = iter % 2 ? NYTTE_DEPTH_MEAN : NYTTE_DEPTH_MAX;
        double area = 20 + 300 * rnd01(), floor_h = 0.5 * rnd01();
        double value = nytte_damage_value(&m, use, area, NAN);
        if (use == NYTTE_USE_OTHER)
            value = nytte_damage_value(&m, use, area, 1e5);
        double without[4], deeper[4], with[4];
        for (int i = 0; i < 4; i++) {
            double mean = 7 * rnd01() - 0.5, max = mean + rnd01();
            double dmean = mean + (rnd01() < 0.3 ? 0 : rnd01()), dmax = max + (rnd01() < 0.3 ? 0 : rnd01());
            double wmean = mean * rnd01(), wmax = wmean + 0.5 * rnd01();
            double d0 = nytte_damage_depth(stat, mean, max, floor_h);
            double d1 = nytte_damage_depth(stat, dmean, dmax, floor_h);
            assert_true(d1 >= d0);
            without[i] = nytte_damage_at_depth(&m, use, value, d0);
            deeper[i] = nytte_damage_at_depth(&m, use, value, d1);
            with[i] = nytte_damage_at_depth(&m, use, value, nytte_damage_depth(stat, wmean, wmax, floor_h));
            assert_true(deeper[i] >= without[i]);
        }
        for (int k = 0; k < 8; k++) {
            nytte_ead a, b, w;
            assert_int_equal(nytte_ead_calc(NULL, &a, &all_rules[k], T, without, 4, "a"), NYTTE_OK);
            assert_int_equal(nytte_ead_calc(NULL, &b, &all_rules[k], T, deeper, 4, "b"), NYTTE_OK);
            assert_int_equal(nytte_ead_calc(NULL, &w, &all_rules[k], T, with, 4, "w"), NYTTE_OK);
            assert_true(a.ead >= 0 && b.ead >= a.ead);
            assert_true(nytte_avoided_ead(b.ead, w.ead) >= nytte_avoided_ead(a.ead, w.ead));
        }
    }
}

/* ---- benefit and present value --------------------------------------------- */

static void test_present_value(void **state)
{
    (void)state;
    /* r = 4 %, N = 3: 1/1.04 + 1/1.04² + 1/1.04³ = 0.961538 + 0.924556 + 0.888996 = 2.775091. */
    const double A = 1 / 1.04 + 1 / (1.04 * 1.04) + 1 / (1.04 * 1.04 * 1.04);
    assert_close(nytte_pv_factor(0.04, 3), A);
    assert_true(fabs(A - 2.775091) < 1e-6);
    /* r = 0 → N. 3 %, 30 years: (1 - 1.03^-30)/0.03 = 19.600441. */
    assert_true(nytte_pv_factor(0.0, 25) == 25.0);
    assert_true(fabs(nytte_pv_factor(0.03, 30) - 19.600441) < 1e-6);
    /* A tiny rate stays close to N (no cancellation): 1e-12 over 10 years ≈ 10 - 55e-12. */
    assert_true(fabs(nytte_pv_factor(1e-12, 10) - (10 - 55e-12)) < 1e-14);

    /* Ramp, r = 0, N = 4, 100 → 200: 125 + 150 + 175 + 200 = 650. */
    assert_close(nytte_pv_ramp(0.0, 4, 100, 200), 650.0);
    /* Ramp, r = 4 %, N = 3, 100 → 200: 133.33/1.04 + 166.67/1.04² + 200/1.04³ = 460.0971. */
    const double ramp = (100 + 100.0 / 3) / 1.04 + (100 + 200.0 / 3) / (1.04 * 1.04) + 200 / (1.04 * 1.04 * 1.04);
    assert_close(nytte_pv_ramp(0.04, 3, 100, 200), ramp);
    assert_true(fabs(ramp - 460.0971) < 1e-4);
    /* Flat ramp = amount × factor. */
    assert_true(nytte_pv_ramp(0.04, 3, 100, 100) == 100 * nytte_pv_factor(0.04, 3));

    /* Avoided EAD as is; weight floored at 0. */
    assert_close(nytte_avoided_ead(62.5, 17.5), 45.0);
    assert_close(nytte_avoided_ead(10, 12), -2.0);
    assert_true(nytte_benefit_weight(-2.0) == 0.0);
    assert_true(nytte_benefit_weight(NAN) == 0.0);
    assert_true(nytte_benefit_weight(3.5) == 3.5);

    /* Project: avoided 100000 kr/yr, 4 %, 3 years, capex 200000 kr, O&M 10000 kr/yr:
     * benefits 100000 × 2.775091 = 277509.10; costs 200000 + 27750.91 = 227750.91;
     * ratio 1.218476. */
    nytte_ctx *ctx = new_ctx();
    nytte_project_pv pv;
    assert_int_equal(nytte_project_pv_calc(ctx, &pv, 100000, 100000, 20000000, 1000000, 0.04, 3), NYTTE_OK);
    assert_close(pv.pv_benefits, 100000 * A);
    assert_close(pv.pv_costs, 200000 + 10000 * A);
    assert_true(fabs(pv.bcr - 1.218476) < 1e-6);
    assert_int_equal(nytte_project_pv_calc(ctx, &pv, 1, 1, 0, 0, 0.04, 3), NYTTE_OK);
    assert_true(isnan(pv.bcr));
    assert_int_equal(nytte_project_pv_calc(ctx, &pv, 1, 1, 100, 0, 1.5, 3), NYTTE_ECONFIG);
    assert_string_equal(nytte_ctx_errmsg(ctx), "economics: discount rate 1.5: must be at least 0 and below 1");
    assert_int_equal(nytte_project_pv_calc(ctx, &pv, 1, 1, 100, 0, 0.04, 0), NYTTE_ECONFIG);
    assert_string_equal(nytte_ctx_errmsg(ctx), "economics: horizon 0 years: must be 1 to 1000");
    assert_int_equal(nytte_project_pv_calc(ctx, &pv, 1, 1, -100, 0, 0.04, 3), NYTTE_ECONFIG);
    assert_string_equal(nytte_ctx_errmsg(ctx), "economics: capex -1.00 kr: must be >= 0");
    nytte_ctx_free(ctx);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_depth_at_asset),
        cmocka_unit_test(test_curve_validation_messages),
        cmocka_unit_test(test_curve_eval),
        cmocka_unit_test(test_default_model),
        cmocka_unit_test(test_ead_series_a),
        cmocka_unit_test(test_ead_series_b),
        cmocka_unit_test(test_ead_series_c),
        cmocka_unit_test(test_ead_series_from_one_year),
        cmocka_unit_test(test_ead_monotonic_fix),
        cmocka_unit_test(test_ead_validation),
        cmocka_unit_test(test_ead_rule_names),
        cmocka_unit_test(test_deeper_never_less),
        cmocka_unit_test(test_present_value),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
