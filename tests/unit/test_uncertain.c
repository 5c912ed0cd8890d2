/*
 * test_uncertain.c — the uncertainty engine (engine/uncertain/, docs/uncertainty.md):
 * the counter-based random numbers (splitmix64's published first output) and the moments
 * of every family; nearest-rank percentiles and deciles by hand; the level ladder against
 * the bathtub and the overlay it replaces, on a 8 × 4 terrain with a ridge; and a two-owner
 * project whose every draw is worked out here by plain arithmetic (depth, damage, EAD,
 * benefit, the split of the pool to the øre by largest remainder), so that the engine's
 * percentiles, shares above the base case and decile stability are checked against an
 * independent brute force; the same project without spread reproduces the base case, gives
 * the same bytes at 1 and 2 threads, and every draw sums to the pool.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "nytte/hazard.h"
#include "nytte/overlay.h"
#include "nytte/uncertain.h"
#include "uncertain/uncertain_int.h"

/* ---- random numbers and distributions ---------------------------------------------- */

static void test_random_numbers(void **state)
{
    (void)state;
    /* SplitMix64 seeded with 0: its first output (Vigna's reference implementation) */
    assert_true(nytte_unc_mix(0) == UINT64_C(0xe220a8397b1dcdaf));
    double u = nytte_unc_uniform(7, 3, 1, 0, 0);
    assert_true(u > 0 && u < 1);
    assert_true(u == nytte_unc_uniform(7, 3, 1, 0, 0));
    /* every part of the counter matters */
    assert_true(u != nytte_unc_uniform(8, 3, 1, 0, 0));
    assert_true(u != nytte_unc_uniform(7, 4, 1, 0, 0));
    assert_true(u != nytte_unc_uniform(7, 3, 2, 0, 0));
    assert_true(u != nytte_unc_uniform(7, 3, 1, 1, 0));
    assert_true(u != nytte_unc_uniform(7, 3, 1, 0, 1));
}

/* Mean and standard deviation of n draws of d (stream 0, item 0, draws 0..n-1). */
static void moments(const nytte_unc_dist *d, int n, double *mean, double *sd, double *lo, double *hi)
{
    double s = 0, s2 = 0;
    *lo = INFINITY, *hi = -INFINITY;
    for (int i = 0; i < n; i++) {
        double x = nytte_unc_sample(d, 11, (uint64_t)i, 0, 0);
        s += x, s2 += x * x;
        *lo = fmin(*lo, x), *hi = fmax(*hi, x);
    }
    *mean = s / n;
    *sd = sqrt(s2 / n - *mean * *mean);
}

static void test_distributions(void **state)
{
    (void)state;
    enum { N = 40000 };
    double m, sd, lo, hi;
    nytte_unc_dist d = {.kind = NYTTE_UNC_NORMAL, .a = 2, .b = 0.5};
    moments(&d, N, &m, &sd, &lo, &hi);
    /* 6 standard errors: 0.5 / 200 × 6 */
    assert_true(fabs(m - 2) < 0.015 && fabs(sd - 0.5) < 0.015);
    d = (nytte_unc_dist){.kind = NYTTE_UNC_LOGNORMAL, .a = 1, .b = 0.25};
    moments(&d, N, &m, &sd, &lo, &hi);
    assert_true(fabs(m - exp(0.25 * 0.25 / 2)) < 0.01 && lo > 0); /* E = median × e^(σ²/2) */
    d = (nytte_unc_dist){.kind = NYTTE_UNC_UNIFORM, .a = 1, .b = 3};
    moments(&d, N, &m, &sd, &lo, &hi);
    assert_true(fabs(m - 2) < 0.02 && fabs(sd - 2 / sqrt(12)) < 0.01 && lo >= 1 && hi <= 3);
    /* triangular (0, mode 1, 4): mean 5/3, F(mode) = 1/4 */
    d = (nytte_unc_dist){.kind = NYTTE_UNC_TRIANGULAR, .a = 0, .b = 4, .c = 1};
    moments(&d, N, &m, &sd, &lo, &hi);
    int below = 0;
    for (int i = 0; i < N; i++)
        below += nytte_unc_sample(&d, 11, (uint64_t)i, 0, 0) < 1;
    assert_true(fabs(m - 5.0 / 3) < 0.03 && lo >= 0 && hi <= 4 && fabs((double)below / N - 0.25) < 0.01);
    /* discrete 1, 2, 3 with weights 1, 2, 1 */
    d = (nytte_unc_dist){.kind = NYTTE_UNC_DISCRETE, .n = 3, .value = {1, 2, 3}, .weight = {1, 2, 1}};
    int count[4] = {0};
    for (int i = 0; i < N; i++)
        count[(int)nytte_unc_sample(&d, 11, (uint64_t)i, 0, 0)]++;
    assert_true(fabs(count[1] / (double)N - 0.25) < 0.01 && fabs(count[2] / (double)N - 0.5) < 0.01);
    /* no spread: the value itself, exactly (a distribution without spread reproduces the base case) */
    d = (nytte_unc_dist){.kind = NYTTE_UNC_NORMAL, .a = 0.7, .b = 0};
    assert_true(nytte_unc_sample(&d, 1, 5, 2, 9) == 0.7);
    d = (nytte_unc_dist){.kind = NYTTE_UNC_LOGNORMAL, .a = 1.3, .b = 0};
    assert_true(nytte_unc_sample(&d, 1, 5, 2, 9) == 1.3);
    d = (nytte_unc_dist){.kind = NYTTE_UNC_UNIFORM, .a = 2, .b = 2};
    assert_true(nytte_unc_sample(&d, 1, 5, 2, 9) == 2);
    d = (nytte_unc_dist){.kind = NYTTE_UNC_TRIANGULAR, .a = 1, .b = 1, .c = 1};
    assert_true(nytte_unc_sample(&d, 1, 5, 2, 9) == 1);
    /* checks */
    nytte_ctx *ctx = NULL;
    assert_int_equal(nytte_ctx_new(&ctx), NYTTE_OK);
    d = (nytte_unc_dist){.kind = NYTTE_UNC_UNIFORM, .a = 1.2, .b = 0.8};
    assert_int_equal(nytte_unc_dist_check(ctx, &d, false, "x"), NYTTE_ECONFIG);
    assert_string_equal(nytte_ctx_errmsg(ctx), "x: uniform: min 1.2 is above max 0.8");
    d = (nytte_unc_dist){.kind = NYTTE_UNC_DISCRETE, .n = 2, .value = {1, -1}, .weight = {1, 1}};
    assert_int_equal(nytte_unc_dist_check(ctx, &d, true, NULL), NYTTE_ECONFIG);
    assert_string_equal(nytte_ctx_errmsg(ctx), "discrete: value 2 (-1) is below 0 (a multiplier is at least 0)");
    nytte_ctx_free(ctx);
}

static void test_percentiles_and_deciles(void **state)
{
    (void)state;
    const int64_t x[10] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
    /* nearest rank: ⌈q n / 100⌉-th value */
    assert_int_equal(nytte_unc_percentile(x, 10, 5), 1);
    assert_int_equal(nytte_unc_percentile(x, 10, 50), 5);
    assert_int_equal(nytte_unc_percentile(x, 10, 95), 10);
    assert_int_equal(nytte_unc_percentile(x, 1, 95), 1);
    int64_t y[20];
    for (int i = 0; i < 20; i++)
        y[i] = 10 * (i + 1);
    assert_int_equal(nytte_unc_percentile(y, 20, 5), 10);  /* ⌈1⌉ */
    assert_int_equal(nytte_unc_percentile(y, 20, 50), 100); /* ⌈10⌉ */
    assert_int_equal(nytte_unc_percentile(y, 20, 95), 190); /* ⌈19⌉ */
    /* deciles among the payers: 0 pays nothing; equal amounts share one */
    const int64_t ore[8] = {0, 500, 100, 100, 300, -20, 900, 700};
    unsigned char dec[8];
    int64_t scratch[8];
    assert_int_equal(nytte_unc_deciles(dec, ore, 8, scratch), 6);
    /* payers 100, 100, 300, 500, 700, 900: below 100: 0 → 1; 300: 2 → 1 + 20/6 = 4; 500: 3 → 6; 700: 4 → 7;
     * 900: 5 → 9 */
    const unsigned char want[8] = {0, 6, 1, 1, 4, 0, 9, 7};
    assert_memory_equal(dec, want, 8);
}

/* docs/models.md, Uncertainty: a draw's damage, the curve multiplier held at the whole value. */
static void test_scaled_damage(void **state)
{
    (void)state;
    nytte_damage_model dm;
    nytte_damage_model_default(&dm);
    const double dd[2] = {0, 10}, ff[2] = {0, 1};
    assert_int_equal(nytte_curve_set(NULL, &dm.structure[NYTTE_USE_RESIDENTIAL], "r", dd, ff, 2), NYTTE_OK);
    dm.contents_factor[NYTTE_USE_RESIDENTIAL] = 0;
    double d = nytte_damage_depth(NYTTE_DEPTH_MAX, 1.05, 1.05, 0.1 + -0.05);
    assert_true(fabs(d - 1.0) < 1e-12);
    assert_true(fabs(nytte_damage_at_depth_scaled(&dm, NYTTE_USE_RESIDENTIAL, 1e6, d, 1.2) - 120000) < 1e-6);
    assert_true(nytte_damage_at_depth_scaled(&dm, NYTTE_USE_RESIDENTIAL, 1e6, d, 20) == 1e6);
    /* scale 1 is the unscaled damage, to the bit */
    assert_true(nytte_damage_at_depth_scaled(&dm, NYTTE_USE_RESIDENTIAL, 1e6, 0.37, 1.0) ==
                nytte_damage_at_depth(&dm, NYTTE_USE_RESIDENTIAL, 1e6, 0.37));
}

/* ---- the level ladder against the bathtub and the overlay ------------------------------- */

static void rect(nytte_geom *g, double x0, double y0, double x1, double y1)
{
    const double xy[10] = {x0, y0, x1, y0, x1, y1, x0, y1, x0, y0};
    const size_t n = 5;
    assert_int_equal(nytte_geom_set(g, NYTTE_GEOM_POLYGON, 1, &n, xy), NYTTE_OK);
}

static void test_ladder_is_the_bathtub(void **state)
{
    (void)state;
    /* 8 × 4 cells of 1 m: the sea in column 0, ground rising 0.2 m a column, a ridge of 1.5 m
     * in column 4 with a hollow behind it (0.3 m), then ground again; one cell without ground */
    const float z[32] = {-1, 0.2f, 0.4f, 0.6f, 1.5f, 0.3f, 0.3f, 1.4f, /**/ -1, 0.2f, 0.4f, 0.6f, 1.5f, 0.3f, 0.3f,
                         1.4f, /**/ -1, 0.2f, 0.4f, 0.6f, 1.5f, 0.3f, NYTTE_HAZARD_NODATA, 1.4f, /**/ -1, 0.2f, 0.4f,
                         0.6f, 1.5f, 0.3f, 0.3f, 1.4f};
    nytte_ctx *ctx = NULL;
    assert_int_equal(nytte_ctx_new(&ctx), NYTTE_OK);
    nytte_grid g = {0.0, 4.0, 1.0, 1.0, 8, 4};
    nytte_raster dem = NYTTE_RASTER_INIT, fl = NYTTE_RASTER_INIT;
    assert_int_equal(nytte_raster_alloc(&dem, &g, 0.0f, NULL), NYTTE_OK);
    memcpy(dem.v, z, sizeof z);
    dem.has_nodata = true;
    dem.nodata = NYTTE_HAZARD_NODATA;
    nytte_geom sea, foot[2];
    rect(&sea, 0, 0, 1, 4);
    rect(&foot[0], 1.5, 0.5, 6.7, 2.6);   /* a footprint over partial cells, the hole without ground included */
    rect(&foot[1], 2.25, 3.25, 2.5, 3.75); /* a small one inside one cell */
    assert_int_equal(nytte_hazard_flood_level(ctx, &fl, &dem, &sea, 1, NYTTE_CONNECT_4), NYTTE_OK);
    nytte_unc_ladder lad[2];
    for (int f = 0; f < 2; f++) {
        nytte_coverage cov;
        float lv[64], gr[64];
        double w[64];
        size_t n = 0;
        assert_int_equal(nytte_coverage_compute(NULL, &cov, &g, &foot[f], NYTTE_COVER_EXACT), NYTTE_OK);
        for (int r = 0; r < cov.nrows; r++)
            for (int c = 0; c < cov.ncols; c++) {
                double wc = cov.frac[r * cov.ncols + c];
                size_t at = (size_t)(cov.row0 + r) * 8 + (size_t)(cov.col0 + c);
                if (!(wc > 0))
                    continue;
                lv[n] = fl.v[at];
                gr[n] = dem.v[at] == NYTTE_HAZARD_NODATA ? NAN : dem.v[at];
                w[n++] = wc;
            }
        nytte_coverage_clear(&cov);
        assert_int_equal(nytte_unc_ladder_build(ctx, &lad[f], lv, gr, w, n, 1.0, 3.0, true), NYTTE_OK);
    }
    const double levels[] = {0.1, 0.3, 0.5, 0.75, 1.2, 1.5, 1.6, 2.05, 2.999};
    for (size_t k = 0; k < sizeof levels / sizeof levels[0]; k++) {
        nytte_raster depth = NYTTE_RASTER_INIT;
        assert_int_equal(nytte_hazard_bathtub(ctx, &depth, &dem, &sea, 1, levels[k]), NYTTE_OK);
        nytte_overlay_opts o = NYTTE_OVERLAY_OPTS_INIT;
        o.nthresholds = 1;
        nytte_zonal_stats st[2];
        const nytte_raster *rs[1] = {&depth};
        assert_int_equal(nytte_overlay_zonal_mem(ctx, &o, foot, 2, rs, 1, st), NYTTE_OK);
        for (int f = 0; f < 2; f++) {
            nytte_unc_water w = nytte_unc_ladder_at(&lad[f], levels[k]);
            if (fabs(w.wet - st[f].above[0]) > 1e-9 || w.max != st[f].max || fabs(w.mean - st[f].mean) > 1e-6)
                fail_msg("level %g, footprint %d: ladder wet %.12g max %.9g mean %.9g, overlay %.12g %.9g %.9g",
                         levels[k], f, w.wet, w.max, w.mean, st[f].above[0], st[f].max, st[f].mean);
        }
        nytte_raster_clear(&depth);
    }
    /* behind the ridge nothing floods below 1.5 m, then the hollow at once */
    assert_true(nytte_unc_ladder_at(&lad[0], 1.5).wet < nytte_unc_ladder_at(&lad[0], 1.5001).wet);
    for (int f = 0; f < 2; f++) {
        nytte_unc_ladder_clear(&lad[f]);
        nytte_geom_clear(&foot[f]);
    }
    nytte_geom_clear(&sea);
    nytte_raster_clear(&dem);
    nytte_raster_clear(&fl);
    nytte_ctx_free(ctx);
}

/* ---- a two-owner project worked out by hand ------------------------------------------------ */

/*
 * Two parcels P0, P1 with one house each (values 1 and 2 mio. kr, floors 0.1 and 0.3 m above
 * ground 0 and 0.2 m), one footprint cell each that the sea reaches from 0.5 m; one event,
 * T = 100 at 1.0 m; a wall keeps every cell dry. Curve: fraction = depth / 10 m (contents 0).
 * EAD = D × 1/100 (trapezoid/zero/constant, one event); PV at 0 % over 10 years = 10 × EAD.
 * Model benefit: the pool of 1 000 000.00 kr split by PV, to the øre.
 */
typedef struct hand {
    nytte_damage_model dm;
    double T[1], levels[1];
    nytte_unc_building bld[2];
    nytte_unc_water bw[4], pw[4];
    nytte_unc_ladder bl[4], pl[4];
    nytte_alloc_parcel facts[2];
    nytte_alloc_element el;
    nytte_alloc_config cfg;
    nytte_alloc_input in;
    nytte_alloc_result *base;
    nytte_loan_terms loan;
    nytte_unc_problem p;
} hand;

static const double ground[2] = {0.0, 0.2}, floor_h[2] = {0.1, 0.3}, value[2] = {1e6, 2e6};
#define POOL_ORE INT64_C(100000000)

static void ladder1(nytte_unc_ladder *l, float level, float z, double area)
{
    const double w = 1.0;
    assert_int_equal(nytte_unc_ladder_build(NULL, l, &level, &z, &w, 1, area, 10.0, area == 0.0), NYTTE_OK);
}

static void hand_setup(hand *h)
{
    memset(h, 0, sizeof *h);
    nytte_damage_model_default(&h->dm);
    const double dd[2] = {0, 10}, ff[2] = {0, 1};
    assert_int_equal(nytte_curve_set(NULL, &h->dm.structure[NYTTE_USE_RESIDENTIAL], "r", dd, ff, 2), NYTTE_OK);
    h->dm.contents_factor[NYTTE_USE_RESIDENTIAL] = 0;
    h->T[0] = 100;
    h->levels[0] = 1.0;
    for (int b = 0; b < 2; b++) {
        h->bld[b] = (nytte_unc_building){(size_t)b, NYTTE_USE_RESIDENTIAL, value[b], floor_h[b]};
        /* the overlay of the Float32 depth raster: the depth 1 − ground as a float */
        double d = (double)(float)(1.0 - ground[b]);
        h->bw[b * 2 + 0] = (nytte_unc_water){1.0, d, d};
        h->bw[b * 2 + 1] = (nytte_unc_water){0, 0, 0};
        h->pw[b * 2 + 0] = (nytte_unc_water){1.0, d, d};
        h->pw[b * 2 + 1] = (nytte_unc_water){0, 0, 0};
        ladder1(&h->bl[b * 2 + 0], 0.5f, (float)ground[b], 0.0);
        ladder1(&h->bl[b * 2 + 1], INFINITY, (float)ground[b], 0.0);
        ladder1(&h->pl[b * 2 + 0], 0.5f, (float)ground[b], 1.0);
        ladder1(&h->pl[b * 2 + 1], INFINITY, (float)ground[b], 1.0);
        /* the base facts, as the pipeline's stages make them */
        nytte_ead e;
        double D = nytte_damage_at_depth(&h->dm, NYTTE_USE_RESIDENTIAL, value[b],
                                         nytte_damage_depth(NYTTE_DEPTH_MAX, d, d, floor_h[b]));
        const nytte_ead_rule rule = NYTTE_EAD_RULE_INIT;
        assert_int_equal(nytte_ead_calc(NULL, &e, &rule, h->T, &D, 1, NULL), NYTTE_OK);
        h->facts[b] = (nytte_alloc_parcel){.id = b ? "P1" : "P0", .in_area = true, .built = true, .nbuildings = 1,
                                           .plot_area = 100, .property_value = NAN, .plot_flooded = true,
                                           .building_flooded = true, .floor_level = NAN, .risk_zone = 1,
                                           .benefit = nytte_pv_factor(0, 10) * e.ead, .avoided_ead = e.ead};
    }
    nytte_alloc_config_init(&h->cfg);
    h->cfg.model = NYTTE_ALLOC_BENEFIT;
    h->el = (nytte_alloc_element){.id = "wall", .pool = {.capex_ore = POOL_ORE, .lifetime_years = 10}, .parcels = h->facts};
    h->in = (nytte_alloc_input){.nparcels = 2, .elements = &h->el, .nelements = 1, .config = &h->cfg};
    assert_int_equal(nytte_allocate_run(NULL, &h->base, &h->in), NYTTE_OK);
    h->loan = (nytte_loan_terms){NYTTE_LOAN_ANNUITY, 20, 0.03, 12};
    h->p = (nytte_unc_problem){.damage = &h->dm, .ead = NYTTE_EAD_RULE_INIT, .return_periods = h->T, .nev = 1,
                               .nlev = 1, .design_k = 0, .discount_rate = 0, .horizon = 10, .nbuildings = 2,
                               .buildings = h->bld, .nscen = 2, .nepoch = 1, .bwater = h->bw, .pwater = h->pw,
                               .levels = h->levels, .slr = 0, .bladder = h->bl, .pladder = h->pl, .alloc = &h->in,
                               .base = h->base, .loan = &h->loan};
}

static void hand_teardown(hand *h)
{
    for (int i = 0; i < 4; i++) {
        nytte_unc_ladder_clear(&h->bl[i]);
        nytte_unc_ladder_clear(&h->pl[i]);
    }
    nytte_alloc_result_free(h->base);
}

/* Draw d's amounts of P0 and P1 by hand: the water, damage, benefit and the split to the øre. */
static void by_hand(const nytte_unc_config *c, uint64_t d, int64_t amt[2])
{
    double shift = nytte_unc_sample(&c->input[NYTTE_UNC_LEVEL], c->seed, d, NYTTE_UNC_LEVEL, 0);
    double dfl = nytte_unc_sample(&c->input[NYTTE_UNC_FLOOR], c->seed, d, NYTTE_UNC_FLOOR, 0);
    double curve = nytte_unc_sample(&c->input[NYTTE_UNC_CURVE], c->seed, d, NYTTE_UNC_CURVE, 0);
    double L = 1.0 + shift, B[2];
    for (int b = 0; b < 2; b++) {
        double m = fmax(0.0, nytte_unc_sample(&c->input[NYTTE_UNC_VALUE], c->seed, d, NYTTE_UNC_VALUE, (uint64_t)b + 1));
        double cell = L > 0.5 ? (double)(float)(L - ground[b]) : 0.0; /* the bathtub's Float32 depth */
        double h = floor_h[b] + dfl;
        double depth = fmax(0.0, cell - (h > 0 ? h : 0.0));
        double D = value[b] * m * fmin(1.0, curve * depth / 10.0);
        B[b] = 10.0 * (D / 100.0);
    }
    /* largest remainder: floors, then the odd øre to the larger fraction (a tie to P0) */
    double x0 = (double)POOL_ORE * B[0] / (B[0] + B[1]), x1 = (double)POOL_ORE * B[1] / (B[0] + B[1]);
    amt[0] = (int64_t)floor(x0), amt[1] = (int64_t)floor(x1);
    int64_t left = POOL_ORE - amt[0] - amt[1];
    assert_true(left >= 0 && left <= 1);
    if (left)
        amt[x0 - floor(x0) >= x1 - floor(x1) ? 0 : 1]++;
}

static int cmp64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

static void test_brute_force(void **state)
{
    (void)state;
    hand h;
    hand_setup(&h);
    nytte_unc_config c = {.draws = 101, .seed = 2024};
    c.input[NYTTE_UNC_CURVE] = (nytte_unc_dist){.kind = NYTTE_UNC_LOGNORMAL, .a = 1, .b = 0.3};
    c.input[NYTTE_UNC_VALUE] = (nytte_unc_dist){.kind = NYTTE_UNC_NORMAL, .a = 1, .b = 0.3, .independent = true};
    c.input[NYTTE_UNC_FLOOR] = (nytte_unc_dist){.kind = NYTTE_UNC_UNIFORM, .a = -0.1, .b = 0.1};
    c.input[NYTTE_UNC_LEVEL] = (nytte_unc_dist){.kind = NYTTE_UNC_UNIFORM, .a = -0.2, .b = 0.3};
    nytte_ctx *ctx = NULL;
    assert_int_equal(nytte_ctx_new(&ctx), NYTTE_OK);
    nytte_unc_result *r = NULL;
    if (nytte_unc_run(ctx, &r, &h.p, &c, NULL, 0))
        fail_msg("%s", nytte_ctx_errmsg(ctx));
    assert_int_equal(r->nok, 101);
    int64_t col[2][101], base[2] = {h.base->owners[0].total_ore, h.base->owners[1].total_ore};
    size_t more[2] = {0, 0}, same = 0;
    for (int d = 0; d < 101; d++) {
        int64_t a[2];
        by_hand(&c, (uint64_t)d, a);
        col[0][d] = a[0], col[1][d] = a[1];
        for (int o = 0; o < 2; o++)
            more[o] += 10 * (a[o] - base[o]) > llabs(base[o]);
        /* two payers: the smaller is in decile 1, the larger in 6; stable when the order is the base's */
        same += (a[0] < a[1]) == (base[0] < base[1]);
    }
    for (int o = 0; o < 2; o++) {
        qsort(col[o], 101, sizeof col[o][0], cmp64);
        /* nearest rank of 101: the 6th, 51st and 96th */
        assert_int_equal(r->owners[o].p5, col[o][5]);
        assert_int_equal(r->owners[o].p50, col[o][50]);
        assert_int_equal(r->owners[o].p95, col[o][95]);
        assert_int_equal(r->parcels[o].p50, col[o][50]);
        assert_true(r->owners[o].p_more == (double)more[o] / 101);
        assert_true(r->owners[o].rank_stable == (double)same / 101);
        nytte_loan ln;
        assert_int_equal(nytte_loan_calc(NULL, &ln, &h.loan, col[o][50]), NYTTE_OK);
        assert_int_equal(r->owners[o].year_p50, ln.first_year);
    }
    assert_true(r->owners[0].p5 < r->owners[0].p95); /* the draws did spread */
    /* what each draw drew, for the draws table: shared inputs, and NaN for the per-building one */
    assert_true(r->draws[7].in[NYTTE_UNC_LEVEL] == nytte_unc_sample(&c.input[NYTTE_UNC_LEVEL], 2024, 7, NYTTE_UNC_LEVEL, 0));
    assert_true(isnan(r->draws[7].in[NYTTE_UNC_VALUE]) && isnan(r->draws[7].in[NYTTE_UNC_SLR]));
    nytte_unc_result_free(r);
    nytte_ctx_free(ctx);
    hand_teardown(&h);
}

static void test_no_spread_threads_and_sums(void **state)
{
    (void)state;
    hand h;
    hand_setup(&h);
    nytte_ctx *ctx = NULL;
    assert_int_equal(nytte_ctx_new(&ctx), NYTTE_OK);
    /* one draw without spread: the base case to the øre */
    nytte_unc_config c = {.draws = 1, .seed = 5};
    c.input[NYTTE_UNC_CURVE] = (nytte_unc_dist){.kind = NYTTE_UNC_NORMAL, .a = 1, .b = 0};
    c.input[NYTTE_UNC_VALUE] = (nytte_unc_dist){.kind = NYTTE_UNC_UNIFORM, .a = 1, .b = 1, .independent = true};
    c.input[NYTTE_UNC_FLOOR] = (nytte_unc_dist){.kind = NYTTE_UNC_TRIANGULAR, .a = 0, .b = 0, .c = 0};
    c.input[NYTTE_UNC_LEVEL] = (nytte_unc_dist){.kind = NYTTE_UNC_DISCRETE, .n = 1, .value = {0}, .weight = {1}};
    nytte_unc_result *r = NULL;
    assert_int_equal(nytte_unc_run(ctx, &r, &h.p, &c, NULL, 0), NYTTE_OK);
    for (int o = 0; o < 2; o++) {
        assert_int_equal(r->owners[o].p5, h.base->owners[o].total_ore);
        assert_int_equal(r->owners[o].p95, h.base->owners[o].total_ore);
        assert_true(r->owners[o].p_more == 0 && r->owners[o].rank_stable == 1);
    }
    nytte_unc_result_free(r);
    /* the same seed at 1 and 2 threads: the same bytes */
    c = (nytte_unc_config){.draws = 57, .seed = 9};
    c.input[NYTTE_UNC_VALUE] = (nytte_unc_dist){.kind = NYTTE_UNC_LOGNORMAL, .a = 1, .b = 0.4, .independent = true};
    c.input[NYTTE_UNC_LEVEL] = (nytte_unc_dist){.kind = NYTTE_UNC_NORMAL, .a = 0, .b = 0.1};
    const nytte_unc_horizon hz[2] = {{2050, 0.2}, {2100, 0.5}};
    nytte_unc_result *r1 = NULL, *r2 = NULL;
    nytte_ctx_set_threads(ctx, 1);
    assert_int_equal(nytte_unc_run(ctx, &r1, &h.p, &c, hz, 2), NYTTE_OK);
    nytte_ctx_set_threads(ctx, 2);
    assert_int_equal(nytte_unc_run(ctx, &r2, &h.p, &c, hz, 2), NYTTE_OK);
    assert_int_equal(r2->threads, 2);
    assert_memory_equal(r1->owners, r2->owners, 2 * sizeof *r1->owners);
    assert_memory_equal(r1->parcels, r2->parcels, 2 * sizeof *r1->parcels);
    assert_memory_equal(r1->economics, r2->economics, 57 * sizeof *r1->economics);
    assert_memory_equal(r1->draws, r2->draws, 57 * sizeof *r1->draws);
    assert_memory_equal(r1->horizon_owner_ore, r2->horizon_owner_ore, 4 * sizeof *r1->horizon_owner_ore);
    /* a higher sea, more damage avoided */
    assert_true(r1->horizon_economics[1].ead_without > r1->horizon_economics[0].ead_without &&
                r1->horizon_economics[0].ead_without > r1->base_economics[0].ead_without);
    nytte_unc_result_free(r1);
    nytte_unc_result_free(r2);
    /* every draw's allocation sums to the pool, to the øre */
    unc_work w;
    assert_int_equal(unc_work_init(&w, &h.p), NYTTE_OK);
    for (uint64_t d = 0; d < 20; d++) {
        unc_sample s;
        double shared[NYTTE_UNC_NINPUTS];
        int64_t own[2], par[2], pay[1];
        nytte_unc_economics ec[1];
        unc_draw_sample(&s, &w, &h.p, &c, d, shared);
        assert_int_equal(unc_evaluate(&w, &h.p, &s, own, par, ec, pay), NYTTE_OK);
        assert_int_equal(own[0] + own[1], POOL_ORE);
        assert_int_equal(par[0] + par[1], POOL_ORE);
        assert_int_equal(pay[0], POOL_ORE);
    }
    unc_work_free(&w);
    nytte_ctx_free(ctx);
    hand_teardown(&h);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_random_numbers),
        cmocka_unit_test(test_distributions),
        cmocka_unit_test(test_percentiles_and_deciles),
        cmocka_unit_test(test_scaled_damage),
        cmocka_unit_test(test_ladder_is_the_bathtub),
        cmocka_unit_test(test_brute_force),
        cmocka_unit_test(test_no_spread_threads_and_sums),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
