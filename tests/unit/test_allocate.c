/*
 * test_allocate.c — the allocation models, pools, caps and exact rounding, with the
 * published Danish cases (Halsskov, Enø, Køge, Svendborg, Kerteminde-like zones) computed
 * by hand, plus property tests on random inputs (fixed seed). The worked examples are
 * the same as in docs/models.md, ## Allocation.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nytte/allocate.h"

#define KR(x) ((int64_t)(x) * 100)

static nytte_alloc_parcel parcel(const char *id)
{
    return (nytte_alloc_parcel){.id = id, .in_area = true, .built = true, .nbuildings = 1, .plot_area = 500,
                                .building_area = 100, .floor_area = 100, .property_value = NAN,
                                .use = NYTTE_USE_RESIDENTIAL, .ref_level = NAN, .floor_level = NAN, .benefit = 0};
}

/* One element over the given parcels, each parcel its own owner. */
static int run1(nytte_ctx *ctx, nytte_alloc_result **res, const nytte_alloc_config *cfg, const nytte_alloc_pool_spec *pool,
                const nytte_alloc_parcel *p, size_t n)
{
    nytte_alloc_element el = {.id = "dike", .pool = *pool, .parcels = p};
    nytte_alloc_input in = {.nparcels = n, .elements = &el, .nelements = 1, .config = cfg};
    return nytte_allocate_run(ctx, res, &in);
}

/* Parcel p's explanation cell (nytte_alloc_parcel_summary); the caller frees it. */
static char *cell(const nytte_alloc_result *r, const nytte_alloc_input *in, size_t p)
{
    nytte_alloc_explainer *x = NULL;
    char *s = NULL;
    assert_int_equal(nytte_alloc_explainer_new(NULL, &x, r, in), NYTTE_OK);
    assert_int_equal(nytte_alloc_parcel_summary(&s, x, p), NYTTE_OK);
    nytte_alloc_explainer_free(x);
    return s;
}

/* Owner o's explanation cell (nytte_alloc_owner_summary); the caller frees it. */
static char *owner_cell(const nytte_alloc_result *r, const nytte_alloc_input *in, const char *owner)
{
    nytte_alloc_explainer *x = NULL;
    char *s = NULL;
    long o = nytte_alloc_find_owner(r, owner);
    assert_true(o >= 0);
    assert_int_equal(nytte_alloc_explainer_new(NULL, &x, r, in), NYTTE_OK);
    assert_int_equal(nytte_alloc_owner_summary(&s, x, (size_t)o), NYTTE_OK);
    nytte_alloc_explainer_free(x);
    return s;
}

static nytte_ctx *new_ctx(void)
{
    nytte_ctx *ctx = NULL;
    assert_int_equal(nytte_ctx_new(&ctx), NYTTE_OK);
    return ctx;
}

/* ---- money helpers and pools -------------------------------------------- */

static void test_money_helpers(void **state)
{
    (void)state;
    int64_t o;
    assert_int_equal(nytte_alloc_kr_to_ore(0.285, &o), NYTTE_OK);
    assert_int_equal(o, 29); /* half away from zero, although 0.285 × 100 < 28.5 in binary */
    assert_int_equal(nytte_alloc_kr_to_ore(-0.285, &o), NYTTE_OK);
    assert_int_equal(o, -29);
    assert_int_equal(nytte_alloc_kr_to_ore(45000000, &o), NYTTE_OK);
    assert_int_equal(o, 4500000000LL);
    assert_int_equal(nytte_alloc_kr_to_ore(NAN, &o), NYTTE_EINPUT);
    char b[32];
    assert_string_equal(nytte_money_format(b, sizeof b, NULL, -123456), "-1234.56");
    assert_string_equal(nytte_money_format(b, sizeof b, NULL, 5), "0.05");
    assert_int_equal(nytte_alloc_model_parse("value_levy"), NYTTE_ALLOC_VALUE_LEVY);
    assert_int_equal(nytte_alloc_model_parse("lottery"), -1);
    assert_string_equal(nytte_alloc_model_name(NYTTE_ALLOC_HYBRID), "hybrid");
}

static void test_pool_svendborg_roskilde_pv(void **state)
{
    (void)state;
    nytte_ctx *ctx = new_ctx();
    nytte_alloc_pool pool;
    /* Svendborg Søndre Havn: 43.5 mio − 26 mio (municipality) − 7.5 mio (coastal fund) = 10 mio. */
    nytte_alloc_pool_spec sv = {.capex_ore = KR(43500000), .ndeductions = 2,
                                .deductions = {{"Svendborg Kommune", NYTTE_DEDUCT_MUNICIPAL, false, KR(26000000), 0},
                                               {"Kystpuljen", NYTTE_DEDUCT_GRANT, false, KR(7500000), 0}}};
    assert_int_equal(nytte_alloc_pool_compute(ctx, &pool, "havn", &sv), NYTTE_OK);
    assert_int_equal(pool.gross_ore, KR(43500000));
    assert_int_equal(pool.deducted_ore[0], KR(26000000));
    assert_int_equal(pool.deducted_ore[1], KR(7500000));
    assert_int_equal(pool.pool_ore, KR(10000000));
    /* Roskilde-style 50 % of what remains, after a grant: 1000.01 − 0 = 1000.01 kr; 50 % is
     * 500.005 kr, rounded half away from zero to 500.01 kr; owners pay 500.00 kr. */
    nytte_alloc_pool_spec rk = {.capex_ore = 100001, .ndeductions = 1,
                                .deductions = {{"Roskilde Kommune", NYTTE_DEDUCT_MUNICIPAL, true, 0, 50.0}}};
    assert_int_equal(nytte_alloc_pool_compute(ctx, &pool, "dige", &rk), NYTTE_OK);
    assert_int_equal(pool.deducted_ore[0], 50001);
    assert_int_equal(pool.pool_ore, 50000);
    /* O&M as PV: 1000 kr/yr over 2 years at 5 %: 1000/1.05 + 1000/1.05² = 1859.41043 kr. */
    nytte_alloc_pool_spec pv = {.capex_ore = KR(10000), .om_ore_per_year = KR(1000), .lifetime_years = 2,
                                .discount_rate = 0.05};
    assert_int_equal(nytte_alloc_pool_compute(ctx, &pool, "sluse", &pv), NYTTE_OK);
    assert_int_equal(pool.om_pv_ore, 185941);
    assert_int_equal(pool.pool_ore, KR(10000) + 185941);
    pv.discount_rate = 0.0;
    assert_int_equal(nytte_alloc_pool_compute(ctx, &pool, "sluse", &pv), NYTTE_OK);
    assert_int_equal(pool.om_pv_ore, KR(2000));
    pv.om_mode = NYTTE_OM_YEARLY;
    assert_int_equal(nytte_alloc_pool_compute(ctx, &pool, "sluse", &pv), NYTTE_OK);
    assert_int_equal(pool.om_pv_ore, 0);
    assert_int_equal(pool.yearly_ore, KR(1000));
    assert_int_equal(pool.pool_ore, KR(10000));
    nytte_ctx_free(ctx);
}

static void test_deduction_too_large(void **state)
{
    (void)state;
    nytte_ctx *ctx = new_ctx();
    nytte_alloc_pool pool;
    nytte_alloc_pool_spec sp = {.capex_ore = KR(1000000), .ndeductions = 2,
                                .deductions = {{"Realdania", NYTTE_DEDUCT_GRANT, false, KR(500000), 0},
                                               {"Kommunen", NYTTE_DEDUCT_MUNICIPAL, false, KR(600000), 0}}};
    assert_int_equal(nytte_alloc_pool_compute(ctx, &pool, "dike", &sp), NYTTE_ECONFIG);
    assert_string_equal(nytte_ctx_errmsg(ctx),
                        "element dike: deduction \"Kommunen\" of 600000.00 kr exceeds the remaining 500000.00 kr");
    nytte_ctx_free(ctx);
}

/* ---- published cases ----------------------------------------------------- */

/*
 * Halsskov område 3: plot flooded → 1 part, plot and house flooded → 2 parts. The
 * published figures (1.000.000 − 300.000 = 700.000 kr, ~20 × 1 + ~130 × 2 = 280 parts,
 * 1 part = 1.800 kr) are rounded and do not multiply out (700.000 / 280 = 2.500 kr). With
 * exactly 20 + 130 parcels, a pool of 504.000 kr (804.000 − 300.000) gives 1 part =
 * 1.800 kr exactly; maintenance 40 kr per part per year is a yearly pool of 11.200 kr.
 */
static void test_halsskov(void **state)
{
    (void)state;
    nytte_ctx *ctx = new_ctx();
    enum { N = 150 };
    static char ids[N][8];
    nytte_alloc_parcel p[N];
    for (int i = 0; i < N; i++) {
        snprintf(ids[i], sizeof ids[i], "h%03d", i);
        p[i] = parcel(ids[i]);
        p[i].plot_flooded = true;
        p[i].building_flooded = i >= 20;
    }
    nytte_alloc_config cfg = NYTTE_ALLOC_CONFIG_INIT;
    cfg.model = NYTTE_ALLOC_PARTS;
    cfg.parts.plot_flooded = 1;
    cfg.parts.building_flooded = 1;
    nytte_alloc_pool_spec sp = {.capex_ore = KR(804000), .om_ore_per_year = KR(40 * 280), .om_mode = NYTTE_OM_YEARLY,
                                .ndeductions = 1,
                                .deductions = {{"Slagelse Kommune", NYTTE_DEDUCT_MUNICIPAL, false, KR(300000), 0}}};
    nytte_alloc_result *r = NULL;
    assert_int_equal(run1(ctx, &r, &cfg, &sp, p, N), NYTTE_OK);
    assert_int_equal(r->elements[0].pool.pool_ore, KR(504000));
    assert_true(r->elements[0].weight_sum == 280.0);
    for (int i = 0; i < N; i++) {
        double parts = i < 20 ? 1 : 2;
        assert_true(r->lines[i].parts == parts);
        assert_int_equal(r->lines[i].ore, KR(1800) * (int64_t)parts);
        assert_int_equal(r->lines[i].yearly_ore, KR(40) * (int64_t)parts);
    }
    assert_int_equal(r->nowners, N);
    assert_string_equal(r->owners[0].id, "h000");
    assert_int_equal(r->owners[0].total_ore, KR(1800));
    assert_int_equal(r->total_ore, KR(504000));
    assert_int_equal(r->yearly_ore, KR(11200));
    nytte_alloc_result_free(r);
    nytte_ctx_free(ctx);
}

/*
 * Enø: 0.25 part per house + 0.25 per plot; below kote 2.00 also +1 per plot and +1 per
 * house; +1 part where also protected from erosion (criterion bit 0).
 *   A 1 house, plot 1.80, floor 2.30:     0.25 + 0.25 + 1           = 1.50
 *   B 1 house, plot 1.60, floor 1.90:     0.25 + 0.25 + 1 + 1       = 2.50
 *   C 2 houses, plot 2.10 (floors 2.10):  0.25 + 2·0.25             = 0.75
 *   D unbuilt plot at 1.50:               0.25 + 1                  = 1.25
 *   E 1 house at 2.40, erosion:           0.25 + 0.25 + 1           = 1.50
 * 7.5 parts; a pool of 7.500 kr makes 1 part = 1.000 kr.
 */
static void test_eno(void **state)
{
    (void)state;
    nytte_ctx *ctx = new_ctx();
    nytte_alloc_parcel p[5] = {parcel("A"), parcel("B"), parcel("C"), parcel("D"), parcel("E")};
    p[0].ref_level = 1.80, p[0].floor_level = 2.30;
    p[1].ref_level = 1.60, p[1].floor_level = 1.90;
    p[2].ref_level = 2.10, p[2].nbuildings = 2;
    p[3].ref_level = 1.50, p[3].nbuildings = 0, p[3].built = false;
    p[4].ref_level = 2.40, p[4].flags = 1u;
    nytte_alloc_config cfg = NYTTE_ALLOC_CONFIG_INIT;
    cfg.model = NYTTE_ALLOC_PARTS;
    cfg.parts.per_plot = 0.25;
    cfg.parts.per_house = 0.25;
    cfg.parts.kote = 2.00;
    cfg.parts.below_plot = 1;
    cfg.parts.below_house = 1;
    cfg.parts.ncriteria = 1;
    cfg.parts.criteria[0] = (nytte_alloc_criterion){"erosion", 0, 1.0};
    nytte_alloc_pool_spec sp = {.capex_ore = KR(7500)};
    nytte_alloc_result *r = NULL;
    assert_int_equal(run1(ctx, &r, &cfg, &sp, p, 5), NYTTE_OK);
    const double parts[5] = {1.5, 2.5, 0.75, 1.25, 1.5};
    const int64_t ore[5] = {KR(1500), KR(2500), KR(750), KR(1250), KR(1500)};
    for (int i = 0; i < 5; i++) {
        assert_true(r->lines[i].parts == parts[i]);
        assert_int_equal(r->lines[i].ore, ore[i]);
    }
    nytte_alloc_result_free(r);
    nytte_ctx_free(ctx);
}

/*
 * Køge: yearly levy = 0.453 ‰ of the public property value in the high-risk zone, 0.227 ‰
 * in the risk zone:
 *   2.000.000 kr high → 906.00 kr;   3.500.000 kr high → 1585.50 kr;
 *   1.500.000 kr risk → 340.50 kr;   2.400.000 kr risk → 544.80 kr;   outside → 0.
 * Used as a key, value_levy splits a pool of their sum (3376.80 kr) into exactly these.
 */
static void test_koge(void **state)
{
    (void)state;
    nytte_ctx *ctx = new_ctx();
    assert_int_equal(nytte_alloc_levy_ore(0.453, 2000000), 90600);
    assert_int_equal(nytte_alloc_levy_ore(0.453, 3500000), 158550);
    assert_int_equal(nytte_alloc_levy_ore(0.227, 1500000), 34050);
    assert_int_equal(nytte_alloc_levy_ore(0.227, 2400000), 54480);
    nytte_alloc_parcel p[5] = {parcel("k1"), parcel("k2"), parcel("k3"), parcel("k4"), parcel("k5")};
    const double value[5] = {2000000, 3500000, 1500000, 2400000, 1800000};
    const int zone[5] = {1, 1, 2, 2, 0};
    for (int i = 0; i < 5; i++)
        p[i].property_value = value[i], p[i].risk_zone = zone[i];
    p[4].in_area = false;
    nytte_alloc_config cfg = NYTTE_ALLOC_CONFIG_INIT;
    cfg.model = NYTTE_ALLOC_VALUE_LEVY;
    cfg.levy.permille[1] = 0.453;
    cfg.levy.permille[2] = 0.227;
    nytte_alloc_pool_spec sp = {.capex_ore = 337680};
    nytte_alloc_result *r = NULL;
    assert_int_equal(run1(ctx, &r, &cfg, &sp, p, 5), NYTTE_OK);
    const int64_t ore[5] = {90600, 158550, 34050, 54480, 0};
    for (int i = 0; i < 5; i++)
        assert_int_equal(r->lines[i].ore, ore[i]);
    assert_true(r->lines[0].levy_permille == 0.453);
    assert_int_equal(r->lines[4].exempt, NYTTE_EXEMPT_OUTSIDE);
    nytte_alloc_result_free(r);
    nytte_ctx_free(ctx);
}

/*
 * Kerteminde-like zones: bands up to kote 1.4/1.6/1.8/2.0/2.2 with factors 5/4/3/2/1;
 * use factors residential 1, business 2; minimum area 50 m²; unbuilt plots dormant; plot
 * flooded but buildings dry exempt.
 *   A ref 1.30, residential 100 m²: 5 × 1 × 100 =  500
 *   B ref 1.70, business 200 m²:    3 × 2 × 200 = 1200
 *   C ref 2.10, residential 30 m²:  1 × 1 × 50  =   50 (minimum area)
 *   D ref 2.50: above every band → weight 0
 *   E unbuilt, ref 1.50 → "unbuilt (dormant)";  F plot flooded, building dry → exempt
 * Σ = 1750; pool 17.500 kr → 5.000, 12.000, 500 kr.
 */
static void test_kerteminde_zones(void **state)
{
    (void)state;
    nytte_ctx *ctx = new_ctx();
    nytte_alloc_parcel p[6] = {parcel("A"), parcel("B"), parcel("C"), parcel("D"), parcel("E"), parcel("F")};
    const double ref[6] = {1.30, 1.70, 2.10, 2.50, 1.50, 1.50};
    for (int i = 0; i < 6; i++)
        p[i].ref_level = ref[i], p[i].plot_flooded = true, p[i].building_flooded = true;
    p[1].use = NYTTE_USE_BUSINESS, p[1].floor_area = 200;
    p[2].floor_area = 30;
    p[4].built = false, p[4].nbuildings = 0, p[4].floor_area = 0, p[4].building_flooded = false;
    p[5].building_flooded = false;
    nytte_alloc_config cfg = NYTTE_ALLOC_CONFIG_INIT;
    cfg.model = NYTTE_ALLOC_ZONES;
    cfg.zones.nbands = 5;
    const double up[5] = {1.4, 1.6, 1.8, 2.0, 2.2}, fac[5] = {5, 4, 3, 2, 1};
    for (int b = 0; b < 5; b++)
        cfg.zones.upper[b] = up[b], cfg.zones.factor[b] = fac[b];
    cfg.zones.use_factor[NYTTE_USE_BUSINESS] = 2;
    cfg.zones.min_area = 50;
    cfg.rules.exempt_unbuilt = true;
    cfg.rules.exempt_land_only = true;
    nytte_alloc_pool_spec sp = {.capex_ore = KR(17500)};
    nytte_alloc_result *r = NULL;
    assert_int_equal(run1(ctx, &r, &cfg, &sp, p, 6), NYTTE_OK);
    assert_int_equal(r->lines[0].ore, KR(5000));
    assert_int_equal(r->lines[1].ore, KR(12000));
    assert_int_equal(r->lines[2].ore, KR(500));
    assert_int_equal(r->lines[1].band, 2);
    assert_true(r->lines[2].area_used == 50.0);
    assert_int_equal(r->lines[3].band, -1);
    assert_int_equal(r->lines[3].exempt, NYTTE_EXEMPT_ZERO_WEIGHT);
    assert_int_equal(r->lines[4].exempt, NYTTE_EXEMPT_UNBUILT);
    assert_string_equal(nytte_alloc_exempt_reason(r->lines[4].exempt), "unbuilt (dormant)");
    assert_int_equal(r->lines[5].exempt, NYTTE_EXEMPT_LAND_ONLY);
    for (int i = 3; i < 6; i++)
        assert_int_equal(r->lines[i].ore, 0);
    assert_int_equal(r->elements[0].npayers, 3);
    assert_int_equal(r->elements[0].nexempt, 3);
    nytte_alloc_result_free(r);
    nytte_ctx_free(ctx);
}

/*
 * area (Korsør-like, a = 2 per building m², b = 1 per plot m²): 2·100 + 500 = 700 and
 * 2·50 + 1000 = 1100; pool 18.000 kr → 7.000 and 11.000 kr.
 * equal: 100.00 kr over a, b, c → 33.34 (a: tie broken by id), 33.33, 33.33.
 * hybrid 30 % equal + 70 % benefit, benefits 100/300/600 kr: 0.3/3 + 0.7·(0.1, 0.3, 0.6)
 * = 0.17, 0.31, 0.52; pool 10.000 kr → 1.700, 3.100, 5.200 kr.
 */
static void test_area_equal_hybrid(void **state)
{
    (void)state;
    nytte_ctx *ctx = new_ctx();
    nytte_alloc_result *r = NULL;
    nytte_alloc_config cfg = NYTTE_ALLOC_CONFIG_INIT;
    nytte_alloc_parcel p[3] = {parcel("c"), parcel("a"), parcel("b")};
    /* area */
    cfg.model = NYTTE_ALLOC_AREA;
    cfg.area.a_building = 2;
    cfg.area.b_plot = 1;
    p[1].building_area = 50, p[1].plot_area = 1000;
    nytte_alloc_pool_spec sp = {.capex_ore = KR(18000)};
    assert_int_equal(run1(ctx, &r, &cfg, &sp, p, 2), NYTTE_OK);
    assert_int_equal(r->lines[0].ore, KR(7000));
    assert_int_equal(r->lines[1].ore, KR(11000));
    nytte_alloc_result_free(r);
    /* equal */
    cfg.model = NYTTE_ALLOC_EQUAL;
    sp.capex_ore = KR(100);
    assert_int_equal(run1(ctx, &r, &cfg, &sp, p, 3), NYTTE_OK);
    assert_int_equal(r->lines[0].ore, 3333); /* c */
    assert_int_equal(r->lines[1].ore, 3334); /* a */
    assert_int_equal(r->lines[2].ore, 3333); /* b */
    nytte_alloc_result_free(r);
    /* hybrid */
    cfg.model = NYTTE_ALLOC_HYBRID;
    cfg.hybrid.n = 2;
    cfg.hybrid.mix[0].model = NYTTE_ALLOC_EQUAL, cfg.hybrid.mix[0].fraction = 0.3;
    cfg.hybrid.mix[1].model = NYTTE_ALLOC_BENEFIT, cfg.hybrid.mix[1].fraction = 0.7;
    p[1].benefit = 100, p[2].benefit = 300, p[0].benefit = 600;
    sp.capex_ore = KR(10000);
    assert_int_equal(run1(ctx, &r, &cfg, &sp, p, 3), NYTTE_OK);
    assert_int_equal(r->lines[1].ore, KR(1700));
    assert_int_equal(r->lines[2].ore, KR(3100));
    assert_int_equal(r->lines[0].ore, KR(5200));
    assert_true(r->elements[0].mix_sum[0] == 3.0 && r->elements[0].mix_sum[1] == 1000.0);
    {
        nytte_alloc_element el = {.id = "dike", .pool = sp, .parcels = p};
        nytte_alloc_input in = {.nparcels = 3, .elements = &el, .nelements = 1, .config = &cfg};
        char *txt = NULL;
        assert_int_equal(nytte_alloc_explain_owner(ctx, &txt, r, &in, "b"), NYTTE_OK);
        assert_non_null(strstr(txt, "    weight (vægt), 0.3 × equal weight / its sum over the payers + 0.7 × benefit "
                                    "weight / its sum over the payers, benefit = present value of avoided damage: "
                                    "0.3 × 1 / 3 + 0.7 × 300 / 1000 = 0.31\n"));
        assert_non_null(strstr(txt, "    amount (beløb), pool × weight / Σ weights: 10000.00 kr × 0.31 / 1 = 3100.000000 kr\n"));
        assert_non_null(strstr(txt, "    pays (betaler), rounded to the øre by largest remainder: ⌊3100.000000 kr⌋ = 3100.00 kr\n"));
        assert_non_null(strstr(txt, "Total (i alt), what you pay: 3100.00 kr\n"));
        free(txt);
        /* a's weight 0.3 × 1/3 + 0.7 × 0.1 is 0.16999999999999998 in binary: its amount is cut to
         * 1699.99 kr, then gets the øre left over (the largest cut-off fraction) */
        char *line = cell(r, &in, 1);
        assert_string_equal(line, "dike: hybrid weight, benefit = present value of avoided damage: 0.3 × 1 / 3 + 0.7 × 100 "
                                  "/ 1000 = 0.16999999999999998, amount: 10000.00 kr × 0.16999999999999998 / 1 = "
                                  "1699.999999… kr, pays: ⌊1699.999999 kr⌋ + 1 øre = 1700.00 kr");
        free(line);
    }
    nytte_alloc_result_free(r);
    /* benefit with a minimum-benefit threshold: a (100 kr) is exempt */
    cfg.model = NYTTE_ALLOC_BENEFIT;
    cfg.rules.min_benefit = 200;
    sp.capex_ore = KR(900);
    assert_int_equal(run1(ctx, &r, &cfg, &sp, p, 3), NYTTE_OK);
    assert_int_equal(r->lines[1].exempt, NYTTE_EXEMPT_MIN_BENEFIT);
    assert_int_equal(r->lines[2].ore, KR(300));
    assert_int_equal(r->lines[0].ore, KR(600));
    nytte_alloc_result_free(r);
    /* the contributor model (formerly reserved): nobody here sends water, so nobody can pay */
    cfg.model = NYTTE_ALLOC_CONTRIBUTOR;
    assert_int_equal(run1(ctx, &r, &cfg, &sp, p, 3), NYTTE_EINPUT);
    assert_string_equal(nytte_ctx_errmsg(ctx), "element dike: nobody pays: no parcel in the benefit area or the "
                                               "catchment has a positive weight, but the pool is 900.00 kr");
    nytte_ctx_free(ctx);
}

/* ---- caps ---------------------------------------------------------------- */

/*
 * Pool 10.000 kr, weights 1, 2, 3, 14, min 1.000 kr, max 5.000 kr:
 *   round 1: λ = 500 → 500, 1000, 1500, 7000; above max 2000 > below min 500 → d = 5.000
 *   round 2: 5.000 kr over weight 6 → 833.33, 1666.67, 2500; a below min → a = 1.000
 *   round 3: 4.000 kr over weight 5 → 1.600, 2.400; stable.
 * Max only, weights 1, 1, 1, 7, max 5.000: d = 5.000, 5.000 kr / 3 = 1666.666… → the two
 * øre left go to a and b (equal fractions, ties by id): 1666.67, 1666.67, 1666.66.
 */
static void test_caps_hand(void **state)
{
    (void)state;
    nytte_ctx *ctx = new_ctx();
    nytte_alloc_parcel p[4] = {parcel("a"), parcel("b"), parcel("c"), parcel("d")};
    const double w[4] = {1, 2, 3, 14};
    for (int i = 0; i < 4; i++)
        p[i].benefit = w[i];
    nytte_alloc_config cfg = NYTTE_ALLOC_CONFIG_INIT;
    cfg.model = NYTTE_ALLOC_BENEFIT;
    cfg.rules.min_ore = KR(1000);
    cfg.rules.max_ore = KR(5000);
    nytte_alloc_pool_spec sp = {.capex_ore = KR(10000)};
    nytte_alloc_result *r = NULL;
    assert_int_equal(run1(ctx, &r, &cfg, &sp, p, 4), NYTTE_OK);
    const int64_t want[4] = {KR(1000), KR(1600), KR(2400), KR(5000)};
    const nytte_alloc_cap cap[4] = {NYTTE_CAP_MIN, NYTTE_CAP_NONE, NYTTE_CAP_NONE, NYTTE_CAP_MAX};
    for (int i = 0; i < 4; i++) {
        assert_int_equal(r->lines[i].ore, want[i]);
        assert_int_equal(r->lines[i].cap, cap[i]);
    }
    assert_int_equal(r->elements[0].cap_rounds, 3);
    assert_int_equal(r->elements[0].ncap_min, 1);
    assert_int_equal(r->elements[0].ncap_max, 1);
    {
        /* the explanation closes: the others share the pool less the capped amounts, 1000 + 5000 kr */
        nytte_alloc_element el = {.id = "dike", .pool = sp, .parcels = p};
        nytte_alloc_input in = {.nparcels = 4, .elements = &el, .nelements = 1, .config = &cfg,
                                .benefit = {0.035, 50, false}};
        char *line = cell(r, &in, 0);
        assert_string_equal(line, "dike: benefit weight, PV of avoided damage at 3.5 % over 50 years: 1, uncapped: "
                                  "(10000.00 kr − 6000.00 kr) × 1 / 5 = 800.000000 kr, amount, held at the minimum "
                                  "payment: 1000.000000 kr, pays: ⌊1000.000000 kr⌋ = 1000.00 kr");
        free(line);
        line = cell(r, &in, 1);
        assert_string_equal(line, "dike: benefit weight, PV of avoided damage at 3.5 % over 50 years: 2, amount: "
                                  "(10000.00 kr − 6000.00 kr) × 2 / 5 = 1600.000000 kr, pays: ⌊1600.000000 kr⌋ = 1600.00 kr");
        free(line);
        line = cell(r, &in, 3);
        assert_string_equal(line, "dike: benefit weight, PV of avoided damage at 3.5 % over 50 years: 14, uncapped: "
                                  "(10000.00 kr − 6000.00 kr) × 14 / 5 = 11200.000000 kr, amount, held at the maximum "
                                  "payment: 5000.000000 kr, pays: ⌊5000.000000 kr⌋ = 5000.00 kr");
        free(line);
        char *txt = NULL;
        assert_int_equal(nytte_alloc_explain_owner(ctx, &txt, r, &in, "d"), NYTTE_OK);
        assert_non_null(strstr(txt, "    held at caps (loft), 1 at the minimum payment + 1 at the maximum payment: 1 × "
                                    "1000.00 kr + 1 × 5000.00 kr = 6000.00 kr\n"));
        assert_non_null(strstr(txt, "    Σ weights of the 2 payers not held at a cap: 5\n"));
        assert_non_null(strstr(txt, "    amount (beløb), held at the maximum payment (maksimumsbidrag): 5000.000000 kr\n"));
        assert_non_null(strstr(txt, "benefit (nytte) = PV of avoided damage at 3.5 % over 50 years (nutidsværdi af "
                                    "undgået skade) 14 kr"));
        free(txt);
    }
    nytte_alloc_result_free(r);

    const double w2[4] = {1, 1, 1, 7};
    for (int i = 0; i < 4; i++)
        p[i].benefit = w2[i];
    cfg.rules.min_ore = 0;
    assert_int_equal(run1(ctx, &r, &cfg, &sp, p, 4), NYTTE_OK);
    assert_int_equal(r->lines[0].ore, 166667);
    assert_int_equal(r->lines[1].ore, 166667);
    assert_int_equal(r->lines[2].ore, 166666);
    assert_int_equal(r->lines[3].ore, KR(5000));
    assert_true(fabs(r->lines[2].exact_kr - 5000.0 / 3.0) < 1e-9);
    nytte_alloc_result_free(r);
    nytte_ctx_free(ctx);
}

static void test_caps_infeasible(void **state)
{
    (void)state;
    nytte_ctx *ctx = new_ctx();
    nytte_alloc_parcel p[3] = {parcel("a"), parcel("b"), parcel("c")};
    nytte_alloc_config cfg = NYTTE_ALLOC_CONFIG_INIT;
    cfg.rules.min_ore = KR(500);
    nytte_alloc_pool_spec sp = {.capex_ore = KR(1000)};
    nytte_alloc_result *r = NULL;
    assert_int_equal(run1(ctx, &r, &cfg, &sp, p, 3), NYTTE_ECONFIG);
    assert_null(r);
    assert_string_equal(nytte_ctx_errmsg(ctx), "element dike: infeasible payment caps: 3 payers × minimum 500.00 kr = "
                                               "1500.00 kr exceeds the pool 1000.00 kr");
    cfg.rules.min_ore = 0;
    cfg.rules.max_ore = KR(100);
    assert_int_equal(run1(ctx, &r, &cfg, &sp, p, 3), NYTTE_ECONFIG);
    assert_string_equal(nytte_ctx_errmsg(ctx), "element dike: infeasible payment caps: 3 payers × maximum 100.00 kr = "
                                               "300.00 kr is less than the pool 1000.00 kr");
    /* nobody in the area but a pool to pay */
    for (int i = 0; i < 3; i++)
        p[i].in_area = false;
    cfg.rules.max_ore = 0;
    assert_int_equal(run1(ctx, &r, &cfg, &sp, p, 3), NYTTE_EINPUT);
    assert_string_equal(nytte_ctx_errmsg(ctx), "element dike: nobody pays: no parcel in the benefit area has a positive "
                                               "weight, but the pool is 1000.00 kr");
    nytte_ctx_free(ctx);
}

/* ---- elements, co-owners, owners, explanation ------------------------------ */


/*
 * The worked example of docs/models.md, Explanation: an owner redoes the arithmetic of the
 * explanation and gets the amounts to the øre. dike 1000.00 kr by parts (p1 1 part, p2 2
 * parts), pump 100.01 kr equal (p2, p3); p2 owned ½/½ by o1 and o2.
 *   dike: 1000.00 × 1 / 3 = 333.333333… → 333.33; 1000.00 × 2 / 3 = 666.666666… → 666.66;
 *         1 øre left over → p2 (fraction .6666 > .3333): 666.67
 *   pump: 100.01 × 1 / 2 = 50.005 → 50.00 each; 1 øre left over, a tie → p2 (lower id): 50.01
 *   p2's 666.67 × ½ = 333.335 → 333.33 each, the øre → o1 (lower owner id): o1 333.34, o2 333.33
 *   p2's 50.01 × ½ = 25.005 → o1 25.01, o2 25.00
 *   o1 = 333.33 + 333.34 + 25.01 = 691.68; o2 = 333.33 + 25.00 = 358.33; o3 = 50.00
 */
static void test_explanation_worked_example(void **state)
{
    (void)state;
    nytte_ctx *ctx = new_ctx();
    nytte_alloc_parcel dike[3] = {parcel("p1"), parcel("p2"), parcel("p3")};
    nytte_alloc_parcel pump[3] = {parcel("p1"), parcel("p2"), parcel("p3")};
    dike[0].plot_flooded = true;
    dike[1].plot_flooded = dike[1].building_flooded = true;
    dike[2].in_area = false;
    pump[0].in_area = false;
    nytte_alloc_config parts = NYTTE_ALLOC_CONFIG_INIT, equal = NYTTE_ALLOC_CONFIG_INIT;
    parts.model = NYTTE_ALLOC_PARTS;
    parts.parts.plot_flooded = 1, parts.parts.building_flooded = 1;
    nytte_alloc_element el[2] = {{.id = "dike", .pool = {.capex_ore = KR(1000)}, .parcels = dike, .config = &parts},
                                 {.id = "pump", .pool = {.capex_ore = KR(100) + 1}, .parcels = pump, .config = &equal}};
    nytte_alloc_holding h[] = {{0, "o1", 1.0}, {1, "o1", 0.5}, {1, "o2", 0.5}, {2, "o3", 1.0}};
    nytte_alloc_input in = {.nparcels = 3, .elements = el, .nelements = 2, .holdings = h, .nholdings = 4,
                            .config = &equal};
    nytte_alloc_result *r = NULL;
    assert_int_equal(nytte_allocate_run(ctx, &r, &in), NYTTE_OK);
    assert_int_equal(r->owners[0].total_ore, 69168);
    assert_int_equal(r->owners[1].total_ore, 35833);
    assert_int_equal(r->owners[2].total_ore, 5000);

    char *line = cell(r, &in, 1);
    assert_string_equal(line, "dike: parts weight: 1 + 1 = 2, amount: 1000.00 kr × 2 / 3 = 666.666666… kr, pays: "
                              "⌊666.666666 kr⌋ + 1 øre = 666.67 kr; pump: equal weight: 1, amount: 100.01 kr × 1 / 2 = "
                              "50.005000 kr, pays: ⌊50.005000 kr⌋ + 1 øre = 50.01 kr");
    free(line);
    line = owner_cell(r, &in, "o2");
    assert_string_equal(line, "p2 (share 0.5): dike: parts weight: 1 + 1 = 2, amount: 1000.00 kr × 2 / 3 = 666.666666… "
                              "kr, pays: ⌊666.666666 kr⌋ + 1 øre = 666.67 kr, your part: 666.67 kr × 0.5 = 333.335000 "
                              "kr, you pay: ⌊333.335000 kr⌋ = 333.33 kr; pump: equal weight: 1, amount: 100.01 kr × 1 / "
                              "2 = 50.005000 kr, pays: ⌊50.005000 kr⌋ + 1 øre = 50.01 kr, your part: 50.01 kr × 0.5 = "
                              "25.005000 kr, you pay: ⌊25.005000 kr⌋ = 25.00 kr | total: 333.33 kr + 25.00 kr = 358.33 kr");
    free(line);
    line = owner_cell(r, &in, "o1");
    assert_non_null(strstr(line, "you pay: ⌊333.335000 kr⌋ + 1 øre = 333.34 kr"));
    assert_non_null(strstr(line, "| total: 333.33 kr + 333.34 kr + 25.01 kr = 691.68 kr"));
    free(line);

    char *txt = NULL;
    assert_int_equal(nytte_alloc_explain_owner(ctx, &txt, r, &in, "o2"), NYTTE_OK);
    const char *want[] = {
        "Total contribution (bidrag i alt): 358.33 kr\n",
        "    pool (puljen), capex (anlæg): 1000.00 kr for the owners\n",
        "    Σ weights of the payers (sum af vægte): 3\n",
        "    rounding (afrunding), pool − the payers' amounts cut down to the øre: 1000.00 kr − 999.99 kr = 1 øre\n",
        "      they went one each to the 1 payer with the largest cut-off fractions; the smallest fraction given one "
        "was 0.6666 øre\n",
        "  Parcel (matrikel) p2, ownership share (ejerandel) 0.5\n",
        "    weight (vægt), parts (parter) = plot flooded + building flooded: 1 + 1 = 2\n",
        "    amount (beløb), pool × weight / Σ weights: 1000.00 kr × 2 / 3 = 666.666666… kr\n",
        "    pays (betaler), rounded to the øre by largest remainder: ⌊666.666666 kr⌋ + 1 øre = 666.67 kr\n",
        "    your part (din andel), pays × ownership share: 666.67 kr × 0.5 = 333.335000 kr\n",
        "    you pay (du betaler), rounded to the øre by largest remainder between the co-owners: ⌊333.335000 kr⌋ = "
        "333.33 kr\n",
        "    amount (beløb), pool × weight / Σ weights: 100.01 kr × 1 / 2 = 50.005000 kr\n",
        "    pays (betaler), rounded to the øre by largest remainder: ⌊50.005000 kr⌋ + 1 øre = 50.01 kr\n",
        "    you pay (du betaler), rounded to the øre by largest remainder between the co-owners: ⌊25.005000 kr⌋ = "
        "25.00 kr\n",
        "Total (i alt), what you pay: 333.33 kr + 25.00 kr = 358.33 kr\n",
    };
    for (size_t k = 0; k < sizeof want / sizeof *want; k++)
        if (!strstr(txt, want[k]))
            fail_msg("the explanation lacks: %s", want[k]);
    free(txt);
    nytte_alloc_result_free(r);
    nytte_ctx_free(ctx);
}

/*
 * Two separable elements (Jyllinge 2017): the dike (900 kr, parts) is paid by p1 and p2,
 * the pump (100 kr, equal) by p2 and p3 only. p2 is owned 1/2 by o1 and 1/2 by o2.
 *   dike: p1 1 part 300.00, p2 2 parts 600.00;  pump: p2 50.00, p3 50.00
 *   o1 = p1 + ½ p2 = 300 + 300 + 25 = 625.00;  o2 = ½ p2 = 325.00;  o3 = p3 = 50.00
 */
static void test_elements_and_owners(void **state)
{
    (void)state;
    nytte_ctx *ctx = new_ctx();
    nytte_alloc_parcel dike[3] = {parcel("p1"), parcel("p2"), parcel("p3")};
    nytte_alloc_parcel pump[3] = {parcel("p1"), parcel("p2"), parcel("p3")};
    dike[0].plot_flooded = true;
    dike[1].plot_flooded = dike[1].building_flooded = true;
    dike[2].in_area = false;
    pump[0].in_area = false;
    nytte_alloc_config parts = NYTTE_ALLOC_CONFIG_INIT, equal = NYTTE_ALLOC_CONFIG_INIT;
    parts.model = NYTTE_ALLOC_PARTS;
    parts.parts.plot_flooded = 1, parts.parts.building_flooded = 1;
    nytte_alloc_element el[2] = {{.id = "dike", .pool = {.capex_ore = KR(900)}, .parcels = dike, .config = &parts},
                                 {.id = "pump", .pool = {.capex_ore = KR(100)}, .parcels = pump}};
    nytte_alloc_holding h[4] = {{2, "o3", 1.0}, {1, "o2", 0.5}, {1, "o1", 0.5}, {0, "o1", 1.0}};
    nytte_alloc_input in = {.nparcels = 3, .elements = el, .nelements = 2, .holdings = h, .nholdings = 4,
                            .config = &equal};
    nytte_alloc_result *r = NULL;
    assert_int_equal(nytte_allocate_run(ctx, &r, &in), NYTTE_OK);
    assert_int_equal(r->lines[0].ore, KR(300));
    assert_int_equal(r->lines[1].ore, KR(600));
    assert_int_equal(r->lines[2].ore, 0);
    assert_int_equal(r->lines[3 + 1].ore, KR(50));
    assert_int_equal(r->lines[3 + 2].ore, KR(50));
    assert_int_equal(r->parcel_ore[1], KR(650));
    assert_int_equal(r->nowners, 3);
    assert_string_equal(r->owners[0].id, "o1");
    assert_int_equal(r->owners[0].total_ore, KR(625));
    assert_int_equal(r->owners[1].total_ore, KR(325));
    assert_int_equal(r->owners[2].total_ore, KR(50));
    assert_int_equal(r->owners[0].nparts, 4); /* 2 parcels × 2 elements */
    assert_int_equal(nytte_alloc_find_owner(r, "o2"), 1);
    assert_int_equal(nytte_alloc_find_owner(r, "o9"), -1);

    char *txt = NULL;
    assert_int_equal(nytte_alloc_explain_owner(ctx, &txt, r, &in, "o1"), NYTTE_OK);
    assert_non_null(strstr(txt, "Owner (ejer) o1\n"));
    assert_non_null(strstr(txt, "Total contribution (bidrag i alt): 625.00 kr\n"));
    assert_non_null(strstr(txt, "Element (delprojekt) dike — model parts\n"));
    assert_non_null(strstr(txt, "    weight (vægt), parts (parter) = plot flooded + building flooded: 1 + 1 = 2\n"));
    assert_non_null(strstr(txt, "    your part (din andel), pays × ownership share: 600.00 kr × 0.5 = 300.000000 kr\n"));
    assert_non_null(strstr(txt, "not in the benefit area"));
    assert_non_null(strstr(txt, "Total (i alt), what you pay: 300.00 kr + 300.00 kr + 25.00 kr = 625.00 kr\n"));
    free(txt);
    assert_int_equal(nytte_alloc_explain_owner(ctx, &txt, r, &in, "o9"), NYTTE_EUSAGE);
    assert_string_equal(nytte_ctx_errmsg(ctx), "owner o9: not found");

    char *line = cell(r, &in, 1);
    assert_string_equal(line, "dike: parts weight: 1 + 1 = 2, amount: 900.00 kr × 2 / 3 = 600.000000 kr, pays: "
                              "⌊600.000000 kr⌋ = 600.00 kr; pump: equal weight: 1, amount: 100.00 kr × 1 / 2 = "
                              "50.000000 kr, pays: ⌊50.000000 kr⌋ = 50.00 kr");
    free(line);
    line = cell(r, &in, 0);
    assert_string_equal(line, "dike: parts weight: 1, amount: 900.00 kr × 1 / 3 = 300.000000 kr, pays: ⌊300.000000 "
                              "kr⌋ = 300.00 kr; pump: outside");
    free(line);
    line = owner_cell(r, &in, "o2");
    assert_string_equal(line, "p2 (share 0.5): dike: parts weight: 1 + 1 = 2, amount: 900.00 kr × 2 / 3 = 600.000000 "
                              "kr, pays: ⌊600.000000 kr⌋ = 600.00 kr, your part: 600.00 kr × 0.5 = 300.000000 kr, you "
                              "pay: ⌊300.000000 kr⌋ = 300.00 kr; pump: equal weight: 1, amount: 100.00 kr × 1 / 2 = "
                              "50.000000 kr, pays: ⌊50.000000 kr⌋ = 50.00 kr, your part: 50.00 kr × 0.5 = 25.000000 "
                              "kr, you pay: ⌊25.000000 kr⌋ = 25.00 kr | total: 300.00 kr + 25.00 kr = 325.00 kr");
    free(line);
    nytte_alloc_result_free(r);

    /* odd øre between two co-owners: the extra øre goes to the lower owner id */
    el[1].pool.capex_ore = 101;
    assert_int_equal(nytte_allocate_run(ctx, &r, &in), NYTTE_OK);
    assert_int_equal(r->lines[3 + 1].ore, 51); /* p2 gets the odd øre of the pump (tie, lower id) */
    const nytte_alloc_owner_part *pt = &r->parts[r->owners[0].part0];
    int64_t o1_pump_p2 = -1;
    for (size_t q = 0; q < r->owners[0].nparts; q++)
        if (pt[q].element == 1 && pt[q].parcel == 1)
            o1_pump_p2 = pt[q].ore;
    assert_int_equal(o1_pump_p2, 26);
    assert_int_equal(r->owners[1].total_ore, KR(300) + 25);
    nytte_alloc_result_free(r);

    /* bad holdings */
    h[1].share = 0.4;
    assert_int_equal(nytte_allocate_run(ctx, &r, &in), NYTTE_EINPUT);
    assert_string_equal(nytte_ctx_errmsg(ctx), "parcel p2: owner shares sum to 0.9, not 1");
    h[1].share = 0.5;
    in.nholdings = 3; /* p1 pays but has no owner */
    assert_int_equal(nytte_allocate_run(ctx, &r, &in), NYTTE_EINPUT);
    assert_string_equal(nytte_ctx_errmsg(ctx), "parcel p1: pays 300.00 kr but has no owner");
    nytte_ctx_free(ctx);
}

static void test_metrics(void **state)
{
    (void)state;
    nytte_ctx *ctx = new_ctx();
    const int64_t ore[5] = {0, KR(100), KR(200), KR(300), KR(400)};
    const int64_t ref[5] = {0, KR(100), KR(100), KR(400), KR(400)};
    const double value[5] = {NAN, 1e6, 2e6, 3e6, 4e6};
    nytte_alloc_metrics m;
    assert_int_equal(nytte_alloc_metrics_compute(ctx, &m, 5, ore, value, ref), NYTTE_OK);
    assert_int_equal(m.nowners, 5);
    assert_int_equal(m.npayers, 4);
    assert_true(m.total_kr == 1000.0);
    assert_true(m.mean_kr == 250.0 && m.median_kr == 250.0 && m.max_kr == 400.0);
    assert_true(fabs(m.top10_share - 0.4) < 1e-12); /* ceil(0.4) = 1 payer: 400 of 1000 */
    assert_true(fabs(m.gini - 0.25) < 1e-12);       /* 2·(1+4+9+16)/(4·10) − 5/4 */
    assert_true(fabs(m.median_permille - 0.1) < 1e-12);
    assert_int_equal(m.more, 1);
    assert_int_equal(m.less, 1);
    assert_int_equal(m.same, 3);
    nytte_ctx_free(ctx);
}

/* ---- property tests ----------------------------------------------------------- */

static uint64_t rng_state = 0x9E3779B97F4A7C15ULL;
static uint64_t rnd(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}
static double rndu(void) { return (double)(rnd() >> 11) / 9007199254740992.0; }

enum { MAXN = 40, MAXE = 3, MAXH = 3 * MAXN + 2 };

typedef struct {
    size_t n, ne, nh;
    char ids[MAXN][24];
    char oids[MAXN][24];
    nytte_alloc_parcel facts[MAXE][MAXN];
    nytte_alloc_element el[MAXE];
    nytte_alloc_holding h[MAXH];
    nytte_alloc_config cfg[MAXE];
    nytte_alloc_input in;
} world;

static void random_config(nytte_alloc_config *c)
{
    nytte_alloc_config_init(c);
    c->model = (nytte_alloc_model)(rnd() % 7);
    c->parts.base = 0.5 * (double)(rnd() % 2);
    c->parts.per_plot = 0.25, c->parts.per_house = 0.25;
    c->parts.plot_flooded = 1, c->parts.building_flooded = 1, c->parts.access_road = 0.5;
    c->parts.kote = 2.0, c->parts.below_plot = 1, c->parts.below_house = 1;
    c->parts.ncriteria = 1;
    c->parts.criteria[0] = (nytte_alloc_criterion){"erosion", 3, 1.0};
    c->zones.nbands = 3;
    c->zones.upper[0] = 1.4, c->zones.upper[1] = 1.8, c->zones.upper[2] = 2.2;
    c->zones.factor[0] = 3, c->zones.factor[1] = 2, c->zones.factor[2] = 1;
    c->zones.use_factor[NYTTE_USE_BUSINESS] = 2;
    c->zones.min_area = 40;
    c->levy.permille[1] = 0.453, c->levy.permille[2] = 0.227;
    c->area.a_building = 2, c->area.b_plot = 1;
    c->hybrid.n = 2;
    c->hybrid.mix[0].model = NYTTE_ALLOC_EQUAL, c->hybrid.mix[0].fraction = 0.3;
    c->hybrid.mix[1].model = rnd() % 2 ? NYTTE_ALLOC_BENEFIT : NYTTE_ALLOC_PARTS, c->hybrid.mix[1].fraction = 0.7;
    c->rules.exempt_unbuilt = rnd() % 2;
    c->rules.exempt_land_only = rnd() % 3 == 0;
    c->rules.min_weight = rnd() % 4 == 0 && c->model == NYTTE_ALLOC_PARTS ? 1.0 : 0.0;
}

static void random_world(world *w)
{
    memset(w, 0, sizeof *w);
    w->n = 1 + rnd() % MAXN;
    w->ne = 1 + rnd() % MAXE;
    for (size_t i = 0; i < w->n; i++) {
        snprintf(w->ids[i], sizeof w->ids[i], "p%02zu", (i * 7 + 3) % 100);
        snprintf(w->oids[i], sizeof w->oids[i], "o%02zu", i);
    }
    for (size_t e = 0; e < w->ne; e++) {
        random_config(&w->cfg[e]);
        nytte_alloc_element *el = &w->el[e];
        el->id = e == 0 ? "dike" : e == 1 ? "sluice" : "drain";
        el->parcels = w->facts[e];
        el->config = e == 0 ? NULL : &w->cfg[e];
        el->pool.capex_ore = (int64_t)(rnd() % 100000000);
        if (rnd() % 2) {
            el->pool.ndeductions = 1;
            el->pool.deductions[0] = (nytte_alloc_deduction){"Kommunen", NYTTE_DEDUCT_MUNICIPAL, true, 0,
                                                             (double)(rnd() % 60)};
        }
        if (rnd() % 2)
            el->pool.om_ore_per_year = (int64_t)(rnd() % 1000000), el->pool.om_mode = NYTTE_OM_YEARLY;
        for (size_t i = 0; i < w->n; i++) {
            nytte_alloc_parcel *f = &w->facts[e][i];
            *f = parcel(w->ids[i]);
            f->in_area = rnd() % 10 < 7;
            f->built = rnd() % 10 < 8;
            f->nbuildings = f->built ? 1 + (int)(rnd() % 2) : 0;
            f->plot_area = 100 + (double)(rnd() % 2000);
            f->building_area = f->built ? 20 + (double)(rnd() % 300) : 0;
            f->floor_area = f->building_area * 1.5;
            f->property_value = 500000 + (double)(rnd() % 5000000);
            f->use = (nytte_use)(rnd() % NYTTE_USE_COUNT);
            f->plot_flooded = rnd() % 2;
            f->building_flooded = f->built && f->plot_flooded && rnd() % 2;
            f->access_road_only = rnd() % 5 == 0;
            f->ref_level = 0.8 + 2.0 * rndu();
            f->risk_zone = (int)(rnd() % 3);
            f->benefit = rnd() % 4 == 0 ? 0.0 : 1e5 * rndu();
            f->flags = (unsigned)(rnd() % 16);
        }
    }
    w->cfg[0].model = w->cfg[0].model; /* element 0 uses the input's config */
    size_t nh = 0, nown = w->n / 2 + 1;
    for (size_t i = 0; i < w->n; i++) {
        size_t k = 1 + rnd() % (nown < 3 ? nown : 3), first = rnd() % nown;
        for (size_t q = 0; q < k; q++)
            w->h[nh++] = (nytte_alloc_holding){i, w->oids[(first + q) % nown], 1.0 / (double)k};
    }
    w->nh = nh;
    w->in = (nytte_alloc_input){.nparcels = w->n, .elements = w->el, .nelements = w->ne, .holdings = w->h,
                                .nholdings = nh, .config = &w->cfg[0]};
}

static const nytte_alloc_line *line_of(const nytte_alloc_result *r, size_t e, size_t p)
{
    return &r->lines[e * r->nparcels + p];
}

static void check_invariants(const world *w, const nytte_alloc_result *r)
{
    int64_t total = 0;
    for (size_t e = 0; e < w->ne; e++) {
        const nytte_alloc_config *c = w->el[e].config ? w->el[e].config : w->in.config;
        int64_t sum = 0, ysum = 0;
        for (size_t p = 0; p < w->n; p++) {
            const nytte_alloc_line *l = line_of(r, e, p);
            sum += l->ore;
            ysum += l->yearly_ore;
            assert_true(l->ore >= 0);
            if (l->exempt != NYTTE_EXEMPT_NONE) {
                assert_int_equal(l->ore, 0);
                assert_int_equal(l->yearly_ore, 0);
            } else {
                assert_true(l->ore >= c->rules.min_ore);
                if (c->rules.max_ore > 0)
                    assert_true(l->ore <= c->rules.max_ore);
            }
            if (!w->facts[e][p].in_area)
                assert_int_equal(l->exempt, NYTTE_EXEMPT_OUTSIDE);
        }
        assert_int_equal(sum, r->elements[e].pool.pool_ore);
        assert_int_equal(ysum, r->elements[e].pool.yearly_ore);
        total += sum;
    }
    assert_int_equal(total, r->total_ore);
    /* parcel → co-owners: the parts of each (element, parcel) sum to the line */
    int64_t *acc = calloc(w->ne * w->n, sizeof *acc);
    int64_t owners = 0;
    for (size_t o = 0; o < r->nowners; o++) {
        int64_t t = 0;
        for (size_t q = r->owners[o].part0; q < r->owners[o].part0 + r->owners[o].nparts; q++) {
            acc[r->parts[q].element * w->n + r->parts[q].parcel] += r->parts[q].ore;
            t += r->parts[q].ore;
        }
        assert_int_equal(t, r->owners[o].total_ore);
        owners += t;
        if (o > 0)
            assert_true(strcmp(r->owners[o - 1].id, r->owners[o].id) < 0);
    }
    assert_int_equal(owners, total);
    for (size_t e = 0; e < w->ne; e++)
        for (size_t p = 0; p < w->n; p++)
            assert_int_equal(acc[e * w->n + p], line_of(r, e, p)->ore);
    /* outside every area: never pays */
    for (size_t p = 0; p < w->n; p++) {
        bool any = false;
        for (size_t e = 0; e < w->ne; e++)
            any |= w->facts[e][p].in_area;
        if (!any)
            assert_int_equal(r->parcel_ore[p], 0);
    }
    free(acc);
}

static void test_random_properties(void **state)
{
    (void)state;
    nytte_ctx *ctx = new_ctx();
    static world w, v;
    int ok = 0, refused = 0;
    size_t capped = 0, split_checked = 0;
    for (int trial = 0; trial < 400; trial++) {
        random_world(&w);
        nytte_alloc_result *r = NULL;
        int rc = nytte_allocate_run(ctx, &r, &w.in);
        if (rc != NYTTE_OK) {
            /* nobody with a positive weight in an element: a legitimate refusal */
            assert_int_equal(rc, NYTTE_EINPUT);
            if (!strstr(nytte_ctx_errmsg(ctx), "nobody pays"))
                fail_msg("%s", nytte_ctx_errmsg(ctx));
            refused++;
            continue;
        }
        /* add feasible caps to every element and rerun */
        if (trial % 2) {
            for (size_t e = 0; e < w.ne; e++) {
                size_t np = r->elements[e].npayers;
                int64_t pool = r->elements[e].pool.pool_ore, avg = pool / (int64_t)np;
                nytte_alloc_config *c = e == 0 ? &w.cfg[0] : &w.cfg[e];
                c->rules.min_ore = (int64_t)(rnd() % (uint64_t)(avg + 1));
                c->rules.max_ore = avg + 1 + (int64_t)(rnd() % (uint64_t)(avg + 1));
            }
            nytte_alloc_result_free(r);
            assert_int_equal(nytte_allocate_run(ctx, &r, &w.in), NYTTE_OK);
        }
        check_invariants(&w, r);
        for (size_t e = 0; e < w.ne; e++)
            capped += r->elements[e].ncap_min + r->elements[e].ncap_max;

        /* permuting the parcels and the holdings changes nothing */
        v = w;
        size_t perm[MAXN];
        for (size_t i = 0; i < w.n; i++)
            perm[i] = i;
        for (size_t i = w.n; i-- > 1;) {
            size_t j = rnd() % (i + 1), t = perm[i];
            perm[i] = perm[j], perm[j] = t;
        }
        for (size_t e = 0; e < w.ne; e++) {
            for (size_t i = 0; i < w.n; i++)
                v.facts[e][i] = w.facts[e][perm[i]];
            v.el[e].parcels = v.facts[e];
            v.el[e].config = e == 0 ? NULL : &v.cfg[e];
        }
        size_t inv[MAXN];
        for (size_t i = 0; i < w.n; i++)
            inv[perm[i]] = i;
        for (size_t hh = 0; hh < w.nh; hh++) {
            size_t j = rnd() % (hh + 1);
            v.h[hh] = v.h[j];
            v.h[j] = w.h[hh];
            v.h[j].parcel = inv[w.h[hh].parcel];
        }
        v.in.elements = v.el;
        v.in.holdings = v.h;
        v.in.config = &v.cfg[0];
        nytte_alloc_result *rv = NULL;
        assert_int_equal(nytte_allocate_run(ctx, &rv, &v.in), NYTTE_OK);
        check_invariants(&v, rv);
        for (size_t e = 0; e < w.ne; e++)
            for (size_t i = 0; i < w.n; i++) {
                const nytte_alloc_line *a = line_of(r, e, perm[i]), *b = line_of(rv, e, i);
                assert_int_equal(a->ore, b->ore);
                assert_int_equal(a->yearly_ore, b->yearly_ore);
                assert_int_equal(a->exempt, b->exempt);
                assert_int_equal(a->cap, b->cap);
                assert_memory_equal(&a->exact_kr, &b->exact_kr, sizeof a->exact_kr);
                assert_memory_equal(&a->weight, &b->weight, sizeof a->weight);
            }
        assert_int_equal(r->nowners, rv->nowners);
        for (size_t o = 0; o < r->nowners; o++) {
            assert_string_equal(r->owners[o].id, rv->owners[o].id);
            assert_int_equal(r->owners[o].total_ore, rv->owners[o].total_ore);
            assert_int_equal(r->owners[o].yearly_ore, rv->owners[o].yearly_ore);
        }
        nytte_alloc_result_free(rv);

        /* splitting a sole owner's parcel with a newcomer changes nobody else's amount */
        size_t hsole = SIZE_MAX;
        for (size_t hh = 0; hh < w.nh && hsole == SIZE_MAX; hh++)
            if (w.h[hh].share == 1.0)
                hsole = hh;
        if (hsole != SIZE_MAX) {
            v = w;
            for (size_t e = 0; e < w.ne; e++) {
                v.el[e].parcels = v.facts[e];
                v.el[e].config = e == 0 ? NULL : &v.cfg[e];
            }
            v.h[hsole].share = 0.5;
            v.h[v.nh++] = (nytte_alloc_holding){w.h[hsole].parcel, "zz-new", 0.5};
            v.in.elements = v.el;
            v.in.holdings = v.h;
            v.in.nholdings = v.nh;
            v.in.config = &v.cfg[0];
            assert_int_equal(nytte_allocate_run(ctx, &rv, &v.in), NYTTE_OK);
            check_invariants(&v, rv);
            assert_int_equal(rv->nowners, r->nowners + 1);
            const char *split_owner = w.h[hsole].owner_id;
            for (size_t o = 0; o < r->nowners; o++) {
                long k = nytte_alloc_find_owner(rv, r->owners[o].id);
                assert_true(k >= 0);
                if (strcmp(r->owners[o].id, split_owner) == 0) {
                    long z = nytte_alloc_find_owner(rv, "zz-new");
                    assert_int_equal(rv->owners[k].total_ore + rv->owners[z].total_ore, r->owners[o].total_ore);
                } else {
                    assert_int_equal(rv->owners[k].total_ore, r->owners[o].total_ore);
                }
            }
            nytte_alloc_result_free(rv);
            split_checked++;
        }
        nytte_alloc_metrics m;
        assert_int_equal(nytte_alloc_metrics_of(ctx, &m, r, r), NYTTE_OK);
        assert_int_equal(m.same, r->nowners);
        assert_true(m.gini >= 0.0 && m.gini < 1.0);
        nytte_alloc_result_free(r);
        ok++;
    }
    /* the refusals must stay the exception, and caps and splits must really be exercised */
    assert_true(ok > 300);
    assert_true(refused < 100);
    assert_true(capped > 100);
    assert_true(split_checked > 100);
    print_message("%d trials allocated, %d refused, %zu parcels capped, %zu splits\n", ok, refused, capped, split_checked);
    nytte_ctx_free(ctx);
}

/* ---- contributor models (docs/models.md, Contributor models) -------------------- */

/*
 * Pool 1.000 kr. a: in the benefit area, benefit 300, sends no water; b: in the area,
 * benefit 100, contributor 100 m²; c: outside the area, contributor 300 m² (the farm
 * upstream); d: outside, contributor 0 (never pays).
 *   contributor:              b 100/400 → 250, c 300/400 → 750, a weight 0, d outside.
 *   benefit_and_contributor:  0.5·(300/400) = .375 a, 0.5·(100/400) + 0.5·(100/400) = .25 b,
 *                             0.5·(300/400) = .375 c → 375 / 250 / 375.
 *   b unbuilt, exempt_unbuilt: b loses only its benefit part: a 0.5·1 = .5, b .125, c .375.
 */
static void test_contributor_models(void **state)
{
    (void)state;
    nytte_ctx *ctx = new_ctx();
    nytte_alloc_parcel p[4] = {parcel("a"), parcel("b"), parcel("c"), parcel("d")};
    p[0].benefit = 300;
    p[1].benefit = 100;
    p[1].contributor = 100;
    p[2].in_area = false;
    p[2].benefit = NAN;
    p[2].contributor = 300;
    p[3].in_area = false;
    p[3].benefit = NAN;
    nytte_alloc_config cfg = NYTTE_ALLOC_CONFIG_INIT;
    assert_true(cfg.contributor_fraction == 0.5);
    nytte_alloc_pool_spec sp = {.capex_ore = KR(1000)};
    nytte_alloc_result *r = NULL;
    cfg.model = NYTTE_ALLOC_CONTRIBUTOR;
    assert_int_equal(run1(ctx, &r, &cfg, &sp, p, 4), NYTTE_OK);
    assert_int_equal(r->lines[0].ore, 0);
    assert_int_equal(r->lines[0].exempt, NYTTE_EXEMPT_ZERO_WEIGHT);
    assert_int_equal(r->lines[1].ore, KR(250));
    assert_int_equal(r->lines[2].ore, KR(750));
    assert_true(r->lines[2].contributor_only && !r->lines[2].in_area);
    assert_true(r->lines[2].contributor == 300.0);
    assert_int_equal(r->lines[3].exempt, NYTTE_EXEMPT_OUTSIDE);
    assert_int_equal(r->lines[3].ore, 0);
    assert_int_equal(r->elements[0].ncontributors, 2);
    assert_int_equal(r->elements[0].nin_area, 2);
    assert_int_equal(r->elements[0].npayers, 2);
    nytte_alloc_result_free(r);

    cfg.model = NYTTE_ALLOC_BENEFIT_AND_CONTRIBUTOR;
    assert_int_equal(run1(ctx, &r, &cfg, &sp, p, 4), NYTTE_OK);
    assert_int_equal(r->lines[0].ore, KR(375));
    assert_int_equal(r->lines[1].ore, KR(250));
    assert_int_equal(r->lines[2].ore, KR(375));
    assert_int_equal(r->lines[3].ore, 0);
    assert_true(r->elements[0].mix_sum[0] == 400.0 && r->elements[0].mix_sum[1] == 400.0);
    {
        nytte_alloc_element el = {.id = "dike", .pool = sp, .parcels = p};
        nytte_alloc_input in = {.nparcels = 4, .elements = &el, .nelements = 1, .config = &cfg};
        char *txt = NULL;
        assert_int_equal(nytte_alloc_explain_owner(ctx, &txt, r, &in, "c"), NYTTE_OK);
        assert_non_null(strstr(txt, "pays as a contributor, whose land sends the water (bidragyder)\n"));
        assert_non_null(strstr(txt, "    contributor (bidrag til afstrømning) 300 m² effective runoff area"));
        assert_non_null(strstr(txt, ": 0.5 × 0 / 400 + 0.5 × 300 / 400 = 0.375\n"));
        assert_non_null(strstr(txt, "Total (i alt), what you pay: 375.00 kr\n"));
        free(txt);
        char *line = cell(r, &in, 2);
        assert_string_equal(line, "dike (as a contributor): benefit_and_contributor weight, benefit = present value of "
                                  "avoided damage: 0.5 × 0 / 400 + 0.5 × 300 / 400 = 0.375, amount: 1000.00 kr × 0.375 / "
                                  "1 = 375.000000 kr, pays: ⌊375.000000 kr⌋ = 375.00 kr");
        free(line);
    }
    nytte_alloc_result_free(r);

    /* an unbuilt b keeps paying its contributor part only */
    p[1].built = false;
    cfg.rules.exempt_unbuilt = true;
    assert_int_equal(run1(ctx, &r, &cfg, &sp, p, 4), NYTTE_OK);
    assert_int_equal(r->lines[0].ore, KR(500));
    assert_int_equal(r->lines[1].ore, KR(125));
    assert_int_equal(r->lines[1].benefit_exempt, NYTTE_EXEMPT_UNBUILT);
    assert_int_equal(r->lines[1].exempt, NYTTE_EXEMPT_NONE);
    assert_int_equal(r->lines[2].ore, KR(375));
    nytte_alloc_result_free(r);
    /* ... and is exempt for that reason when it sends no water either */
    p[1].contributor = 0;
    assert_int_equal(run1(ctx, &r, &cfg, &sp, p, 4), NYTTE_OK);
    assert_int_equal(r->lines[1].exempt, NYTTE_EXEMPT_UNBUILT);
    assert_int_equal(r->lines[0].ore, KR(500));
    assert_int_equal(r->lines[2].ore, KR(500));
    nytte_alloc_result_free(r);
    p[1].contributor = 100;
    p[1].built = true;
    cfg.rules.exempt_unbuilt = false;

    /* caps: contributor model with a 300 kr minimum: b 250 → 300, c 700 */
    cfg.model = NYTTE_ALLOC_CONTRIBUTOR;
    cfg.rules.min_ore = KR(300);
    assert_int_equal(run1(ctx, &r, &cfg, &sp, p, 4), NYTTE_OK);
    assert_int_equal(r->lines[1].ore, KR(300));
    assert_int_equal(r->lines[1].cap, NYTTE_CAP_MIN);
    assert_int_equal(r->lines[2].ore, KR(700));
    nytte_alloc_result_free(r);
    cfg.rules.min_ore = 0;

    /* co-owners of the farm: 50/50 of 750.01 kr → 375.01 + 375.00 (ties to the lower owner id) */
    sp.capex_ore = KR(1000) + 1;
    nytte_alloc_holding h[] = {{0, "a", 1.0}, {1, "b", 1.0}, {2, "farmer1", 0.5}, {2, "farmer2", 0.5}, {3, "d", 1.0}};
    {
        nytte_alloc_element el = {.id = "dike", .pool = sp, .parcels = p};
        nytte_alloc_input in = {.nparcels = 4, .elements = &el, .nelements = 1, .config = &cfg, .holdings = h,
                                .nholdings = 5};
        assert_int_equal(nytte_allocate_run(ctx, &r, &in), NYTTE_OK);
        assert_int_equal(r->lines[2].ore, KR(750) + 1);
        long o1 = nytte_alloc_find_owner(r, "farmer1"), o2 = nytte_alloc_find_owner(r, "farmer2");
        assert_int_equal(r->owners[o1].total_ore, KR(375) + 1);
        assert_int_equal(r->owners[o2].total_ore, KR(375));
        assert_int_equal(r->total_ore, KR(1000) + 1);
        nytte_alloc_result_free(r);
    }

    /* hybrid with a contributor component charges contributors too; bad inputs and parameters */
    cfg.model = NYTTE_ALLOC_HYBRID;
    cfg.hybrid.n = 2;
    cfg.hybrid.mix[0].model = NYTTE_ALLOC_EQUAL;
    cfg.hybrid.mix[0].fraction = 0.5;
    cfg.hybrid.mix[1].model = NYTTE_ALLOC_CONTRIBUTOR;
    cfg.hybrid.mix[1].fraction = 0.5;
    sp.capex_ore = KR(1000);
    assert_int_equal(run1(ctx, &r, &cfg, &sp, p, 4), NYTTE_OK);
    /* equal part over the area (a, b): .25 each; contributor part b .125, c .375 */
    assert_int_equal(r->lines[0].ore, KR(250));
    assert_int_equal(r->lines[1].ore, KR(375));
    assert_int_equal(r->lines[2].ore, KR(375));
    nytte_alloc_result_free(r);
    cfg.model = NYTTE_ALLOC_BENEFIT_AND_CONTRIBUTOR;
    cfg.contributor_fraction = 1.5;
    assert_int_equal(run1(ctx, &r, &cfg, &sp, p, 4), NYTTE_ECONFIG);
    assert_string_equal(nytte_ctx_errmsg(ctx),
                        "element dike: benefit_and_contributor: contributor fraction must be in [0, 1] (got 1.5)");
    cfg.contributor_fraction = 0.5;
    p[2].contributor = NAN;
    assert_int_equal(run1(ctx, &r, &cfg, &sp, p, 4), NYTTE_EINPUT);
    assert_string_equal(nytte_ctx_errmsg(ctx), "element dike: parcel c: contributor weight unknown or negative");
    nytte_ctx_free(ctx);
}

/*
 * Random cases (fixed seed): a parcel outside the benefit area with no contributor fact
 * never pays; doubling a parcel's contributor fact never lowers its amount under
 * `contributor` or `benefit_and_contributor` (without caps); the pool is met to the øre.
 */
static void test_contributor_properties(void **state)
{
    (void)state;
    nytte_ctx *ctx = new_ctx();
    uint64_t s = 99;
    char ids[40][8];
    nytte_alloc_parcel p[40];
    for (int round = 0; round < 200; round++) {
        size_t n = 2 + (size_t)(round % 38);
        for (size_t i = 0; i < n; i++) {
            snprintf(ids[i], sizeof ids[i], "p%02zu", i);
            p[i] = parcel(ids[i]);
            s = s * 6364136223846793005ULL + 1442695040888963407ULL;
            p[i].in_area = (s >> 60) < 8;
            p[i].benefit = p[i].in_area ? (double)((s >> 20) % 100000) : NAN;
            p[i].contributor = (s >> 40) % 3 == 0 ? 0.0 : (double)((s >> 8) % 5000) / 7.0;
        }
        p[0].in_area = true; /* someone always pays */
        p[0].benefit = 10;
        p[0].contributor = 1;
        nytte_alloc_config cfg = NYTTE_ALLOC_CONFIG_INIT;
        cfg.model = round % 2 ? NYTTE_ALLOC_CONTRIBUTOR : NYTTE_ALLOC_BENEFIT_AND_CONTRIBUTOR;
        cfg.contributor_fraction = (double)(round % 5) / 4.0;
        nytte_alloc_pool_spec sp = {.capex_ore = 12345678 + round};
        nytte_alloc_result *r = NULL, *r2 = NULL;
        assert_int_equal(run1(ctx, &r, &cfg, &sp, p, n), NYTTE_OK);
        int64_t sum = 0;
        for (size_t i = 0; i < n; i++) {
            sum += r->lines[i].ore;
            if (!p[i].in_area && p[i].contributor == 0.0)
                assert_int_equal(r->lines[i].ore, 0);
        }
        assert_int_equal(sum, sp.capex_ore);
        size_t k = (size_t)round % n;
        double keep = p[k].contributor;
        p[k].contributor = keep > 0 ? 2 * keep : 1.0;
        assert_int_equal(run1(ctx, &r2, &cfg, &sp, p, n), NYTTE_OK);
        /* exact shares rise; rounding can move an øre between payers, never more */
        assert_true(r2->lines[k].exact_kr >= r->lines[k].exact_kr - 1e-9);
        assert_true(r2->lines[k].ore >= r->lines[k].ore - 1);
        p[k].contributor = keep;
        nytte_alloc_result_free(r);
        nytte_alloc_result_free(r2);
    }
    nytte_ctx_free(ctx);
}

/* ---- the facts of a parcel (docs/models.md, Facts of a parcel) ------------ */

/*
 * The worked example of docs/models.md: dominant use by floor area, the benefit area with
 * and without exposure, the value_levy risk zones.
 */
static void test_parcel_facts(void **state)
{
    (void)state;
    nytte_ctx *ctx = new_ctx();
    /* P1: house 120 m² + shop 80 m² + shop 50 m² → business 130 beats residential 120;
     * P2: a summerhouse without floor area → summerhouse (it still shows);
     * P3: no buildings → other; P4: residential 100 and public 100 → residential (lower group) */
    nytte_building b[] = {
        {.parcel = 0, .use = NYTTE_USE_RESIDENTIAL, .floor_area = 120},
        {.parcel = 0, .use = NYTTE_USE_BUSINESS, .floor_area = 80},
        {.parcel = 0, .use = NYTTE_USE_BUSINESS, .floor_area = 50},
        {.parcel = 1, .use = NYTTE_USE_SUMMERHOUSE, .floor_area = 0},
        {.parcel = 3, .use = NYTTE_USE_PUBLIC, .floor_area = 100},
        {.parcel = 3, .use = NYTTE_USE_RESIDENTIAL, .floor_area = 100},
    };
    nytte_inputs in = {.nparcels = 4, .buildings = b, .nbuildings = sizeof b / sizeof b[0]};
    nytte_use use[4];
    assert_int_equal(nytte_alloc_dominant_uses(ctx, use, &in), NYTTE_OK);
    assert_int_equal(use[0], NYTTE_USE_BUSINESS);
    assert_int_equal(use[1], NYTTE_USE_SUMMERHOUSE);
    assert_int_equal(use[2], NYTTE_USE_OTHER);
    assert_int_equal(use[3], NYTTE_USE_RESIDENTIAL);

    /* benefit area: 40 m² wet without the element, 25 m² with it → in; as wet → out */
    assert_true(nytte_alloc_in_benefit_area(40, 25, 0.5, 0.4, false));
    assert_false(nytte_alloc_in_benefit_area(40, 40, 0.5, 0.4, false));
    /* dry without the element: never a beneficiary, whatever happens with it */
    assert_false(nytte_alloc_in_benefit_area(0, 0, NAN, NAN, true));
    /* a plot exposed all over with and without a drain (400 m²) whose mean exposure goes
     * from 0.75 m to 0.375 m: in against groundwater, out against a coastal hazard */
    assert_true(nytte_alloc_in_benefit_area(400, 400, 0.75, 0.375, true));
    assert_false(nytte_alloc_in_benefit_area(400, 400, 0.75, 0.375, false));
    /* higher exposure with it, or no value: not lower */
    assert_false(nytte_alloc_in_benefit_area(400, 400, 0.375, 0.75, true));
    assert_false(nytte_alloc_in_benefit_area(400, 400, NAN, 0.375, true));

    /* risk zones: wet at the most frequent event → 1; only at the design event → 2; dry → 0 */
    assert_int_equal(nytte_alloc_risk_zone(12.5, 80), 1);
    assert_int_equal(nytte_alloc_risk_zone(0, 80), 2);
    assert_int_equal(nytte_alloc_risk_zone(0, 0), 0);
    nytte_ctx_free(ctx);
}

/* The accounting check finds each kind of broken sum in a result that was right. */
static void test_accounting_check(void **state)
{
    (void)state;
    nytte_ctx *ctx = new_ctx();
    nytte_alloc_result *r = NULL;
    nytte_alloc_config cfg = NYTTE_ALLOC_CONFIG_INIT;
    cfg.model = NYTTE_ALLOC_EQUAL;
    nytte_alloc_parcel p[3] = {parcel("a"), parcel("b"), parcel("c")};
    p[2].in_area = false;
    nytte_alloc_pool_spec sp = {.capex_ore = KR(100)};
    nytte_alloc_element el = {.id = "dike", .pool = sp, .parcels = p};
    nytte_alloc_input in = {.nparcels = 3, .elements = &el, .nelements = 1, .config = &cfg};
    assert_int_equal(nytte_allocate_run(ctx, &r, &in), NYTTE_OK);
    assert_int_equal(r->lines[0].ore + r->lines[1].ore, KR(100));
    assert_int_equal(nytte_alloc_check(ctx, r, &in), NYTTE_OK);
    /* one øre too many on a line */
    r->lines[0].ore++;
    assert_int_equal(nytte_alloc_check(ctx, r, &in), NYTTE_ECHECK);
    assert_string_equal(nytte_ctx_errmsg(ctx), "element dike: parcel amounts do not sum to the pool");
    r->lines[0].ore--;
    /* c, outside the benefit area and no contributor, charged one øre of a's */
    r->lines[0].ore--;
    r->lines[2].ore++;
    assert_int_equal(nytte_alloc_check(ctx, r, &in), NYTTE_ECHECK);
    assert_string_equal(nytte_ctx_errmsg(ctx),
                        "element dike: parcel c pays but is neither in the benefit area nor a contributor");
    r->lines[2].ore--;
    r->lines[0].ore++;
    /* an owner's total off by one øre */
    r->owners[1].total_ore++;
    assert_int_equal(nytte_alloc_check(ctx, r, &in), NYTTE_ECHECK);
    assert_string_equal(nytte_ctx_errmsg(ctx), "allocate: owner amounts do not sum to the pools less the residuals");
    r->owners[1].total_ore--;
    assert_int_equal(nytte_alloc_check(ctx, r, &in), NYTTE_OK);
    nytte_alloc_result_free(r);
    nytte_ctx_free(ctx);
}

/*
 * Two models on the same facts (a: 100 m² house on 500 m², b: 50 m² on 1000 m²; pool
 * 18.000 kr): area (2 · building + plot) gives a 7.000 and b 11.000 kr; equal gives
 * 9.000 each: under equal a pays more and b less. A zones model without bands cannot run:
 * its row says why, and the others still run.
 */
static void test_compare_models(void **state)
{
    (void)state;
    nytte_ctx *ctx = new_ctx();
    nytte_alloc_config cfg[3] = {NYTTE_ALLOC_CONFIG_INIT, NYTTE_ALLOC_CONFIG_INIT, NYTTE_ALLOC_CONFIG_INIT};
    cfg[0].model = NYTTE_ALLOC_AREA;
    cfg[0].area.a_building = 2;
    cfg[0].area.b_plot = 1;
    cfg[1] = cfg[0];
    cfg[1].model = NYTTE_ALLOC_EQUAL;
    cfg[2] = cfg[0];
    cfg[2].model = NYTTE_ALLOC_ZONES;
    nytte_alloc_parcel p[2] = {parcel("a"), parcel("b")};
    p[1].building_area = 50, p[1].plot_area = 1000;
    nytte_alloc_element el = {.id = "dike", .pool = {.capex_ore = KR(18000)}, .parcels = p};
    nytte_alloc_input in = {.nparcels = 2, .elements = &el, .nelements = 1, .config = &cfg[0]};
    nytte_alloc_comparison *c = NULL;
    assert_int_equal(nytte_alloc_compare(ctx, &c, &in, cfg, 3), NYTTE_OK);
    assert_int_equal(c[0].rc, NYTTE_OK);
    assert_int_equal(c[0].nowners, 2);
    assert_int_equal(c[0].owner_ore[0], KR(7000));
    assert_int_equal(c[0].owner_ore[1], KR(11000));
    assert_int_equal(c[0].metrics.same, 2); /* the first against itself */
    assert_int_equal(c[1].rc, NYTTE_OK);
    assert_int_equal(c[1].owner_ore[0], KR(9000));
    assert_int_equal(c[1].owner_ore[1], KR(9000));
    assert_int_equal(c[1].metrics.more, 1);
    assert_int_equal(c[1].metrics.less, 1);
    assert_int_equal(c[1].metrics.same, 0);
    assert_int_equal(c[2].rc, NYTTE_ECONFIG);
    assert_non_null(strstr(c[2].error, "element dike"));
    assert_null(c[2].owner_ore);
    /* the failing row left no error behind in the context */
    assert_int_equal(nytte_ctx_errcode(ctx), NYTTE_OK);
    nytte_alloc_comparison_free(c, 3);
    nytte_ctx_free(ctx);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_money_helpers),
        cmocka_unit_test(test_pool_svendborg_roskilde_pv),
        cmocka_unit_test(test_deduction_too_large),
        cmocka_unit_test(test_halsskov),
        cmocka_unit_test(test_eno),
        cmocka_unit_test(test_koge),
        cmocka_unit_test(test_kerteminde_zones),
        cmocka_unit_test(test_area_equal_hybrid),
        cmocka_unit_test(test_caps_hand),
        cmocka_unit_test(test_caps_infeasible),
        cmocka_unit_test(test_elements_and_owners),
        cmocka_unit_test(test_explanation_worked_example),
        cmocka_unit_test(test_metrics),
        cmocka_unit_test(test_random_properties),
        cmocka_unit_test(test_contributor_models),
        cmocka_unit_test(test_contributor_properties),
        cmocka_unit_test(test_parcel_facts),
        cmocka_unit_test(test_accounting_check),
        cmocka_unit_test(test_compare_models),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
