/*
 * test_safeguard.c — the benefit safeguard and harmed parcels (docs/models.md, "Benefit
 * safeguard", "Harmed parcels"): the worked examples computed by hand, the accounting
 * check's new rules, and properties on random inputs (fixed seed): every element's lines
 * and residual sum to its pool, nobody pays above the bound under `cap`, the harmed get
 * exactly their loss, and the result does not depend on the order of the parcels.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nytte/allocate.h"

#define KR(x) ((int64_t)(x) * 100)

static nytte_alloc_parcel parcel(const char *id, double benefit)
{
    return (nytte_alloc_parcel){.id = id, .in_area = true, .built = true, .nbuildings = 1, .plot_area = 500,
                                .building_area = 100, .floor_area = 100, .property_value = NAN,
                                .use = NYTTE_USE_RESIDENTIAL, .ref_level = NAN, .floor_level = NAN,
                                .benefit = benefit};
}

static nytte_ctx *new_ctx(void)
{
    nytte_ctx *ctx = NULL;
    assert_int_equal(nytte_ctx_new(&ctx), NYTTE_OK);
    return ctx;
}

/* The worked example: 4 payers a..d, model equal, benefits 100, 200, 400, 1000 kr. */
static const nytte_alloc_parcel *four(void)
{
    static nytte_alloc_parcel p[5];
    p[0] = parcel("a", 100);
    p[1] = parcel("b", 200);
    p[2] = parcel("c", 400);
    p[3] = parcel("d", 1000);
    p[4] = parcel("e", -123.456); /* harmed: outside the area, its damage rises */
    p[4].in_area = false;
    p[4].avoided_ead = -5.25;
    return p;
}

static nytte_alloc_result *run(nytte_ctx *ctx, const nytte_alloc_config *cfg, int64_t pool_ore, int expect)
{
    nytte_alloc_element el = {.id = "dike", .pool = {.capex_ore = pool_ore}, .parcels = four()};
    nytte_alloc_input in = {.nparcels = 5, .elements = &el, .nelements = 1, .config = cfg};
    nytte_alloc_result *r = NULL;
    int rc = nytte_allocate_run(ctx, &r, &in);
    if (rc != expect)
        fail_msg("rc %d: %s", rc, nytte_ctx_errmsg(ctx));
    return r;
}

static void test_warn(void **state)
{
    (void)state;
    nytte_ctx *ctx = new_ctx();
    nytte_alloc_config cfg = NYTTE_ALLOC_CONFIG_INIT;
    cfg.rules.benefit_cap = NYTTE_BENEFIT_CAP_WARN;
    /* 1000 kr / 4 = 250 kr each: a (2.5×) and b (1.25×) above their benefit; amounts untouched */
    nytte_alloc_result *r = run(ctx, &cfg, KR(1000), NYTTE_OK);
    const nytte_alloc_element_result *er = &r->elements[0];
    for (int i = 0; i < 4; i++)
        assert_int_equal(r->lines[i].ore, KR(250));
    assert_int_equal(er->nover_benefit, 2);
    assert_int_equal(er->nno_benefit, 0);
    assert_true(r->lines[0].over_benefit && r->lines[1].over_benefit && !r->lines[2].over_benefit);
    assert_true(fabs(r->lines[0].benefit_ratio - 2.5) < 1e-12);
    assert_true(fabs(r->lines[3].benefit_ratio - 0.25) < 1e-12);
    assert_true(fabs(er->max_ratio - 2.5) < 1e-12);
    assert_int_equal(er->max_ratio_parcel, 0);
    assert_true(fabs(er->payers_benefit_kr - 1700) < 1e-9);
    assert_int_equal(er->payers_ore, KR(1000));
    assert_int_equal(er->residual_ore, 0);
    /* e is harmed, not compensated: shown, pays nothing, gets nothing */
    assert_true(r->lines[4].harmed);
    assert_int_equal(r->lines[4].ore, 0);
    assert_int_equal(r->lines[4].exempt, NYTTE_EXEMPT_OUTSIDE);
    assert_int_equal(er->nharmed, 1);
    assert_true(fabs(er->harmed_pv_kr - 123.456) < 1e-9);
    assert_true(fabs(er->harmed_ead_kr - 5.25) < 1e-12);
    nytte_alloc_result_free(r);
    /* off: nothing counted, but the harm is still shown */
    cfg.rules.benefit_cap = NYTTE_BENEFIT_CAP_OFF;
    r = run(ctx, &cfg, KR(1000), NYTTE_OK);
    assert_int_equal(r->elements[0].nover_benefit, 0);
    assert_true(isnan(r->lines[0].bound_kr));
    assert_int_equal(r->elements[0].nharmed, 1);
    nytte_alloc_result_free(r);
    nytte_ctx_free(ctx);
}

static void test_cap(void **state)
{
    (void)state;
    nytte_ctx *ctx = new_ctx();
    nytte_alloc_config cfg = NYTTE_ALLOC_CONFIG_INIT;
    cfg.rules.benefit_cap = NYTTE_BENEFIT_CAP_CAP;
    cfg.rules.residual_payer = "Kommunen";
    /* 1000 kr: a and b held at 100 and 200 kr; the other 700 kr split by the model: 350 each */
    nytte_alloc_result *r = run(ctx, &cfg, KR(1000), NYTTE_OK);
    const nytte_alloc_element_result *er = &r->elements[0];
    const int64_t want[] = {KR(100), KR(200), KR(350), KR(350), 0};
    for (int i = 0; i < 5; i++)
        assert_int_equal(r->lines[i].ore, want[i]);
    assert_int_equal(r->lines[0].cap, NYTTE_CAP_BENEFIT);
    assert_int_equal(r->lines[2].cap, NYTTE_CAP_NONE);
    assert_int_equal(er->ncap_benefit, 2);
    assert_int_equal(er->cap_rounds, 2);
    assert_int_equal(er->nover_benefit, 0);
    assert_int_equal(er->residual_ore, 0);
    assert_string_equal(er->residual_payer, "Kommunen");
    nytte_alloc_result_free(r);
    /* 2000 kr: more than the 1700 kr of benefit: everyone at the bound, 300 kr to Kommunen */
    r = run(ctx, &cfg, KR(2000), NYTTE_OK);
    er = &r->elements[0];
    const int64_t all[] = {KR(100), KR(200), KR(400), KR(1000), 0};
    for (int i = 0; i < 5; i++)
        assert_int_equal(r->lines[i].ore, all[i]);
    assert_int_equal(er->residual_ore, KR(300));
    assert_int_equal(r->residual_ore, KR(300));
    assert_int_equal(r->owners[0].total_ore + r->owners[1].total_ore + r->owners[2].total_ore +
                         r->owners[3].total_ore + r->owners[4].total_ore,
                     KR(1700));
    nytte_alloc_result_free(r);
    /* multiple 2, 1000 kr: a held at 200 kr; 800 kr over b, c, d = 266.666… each: the two
     * øre of the remainders go to b and c (equal fractions: the lower id) */
    cfg.rules.benefit_multiple = 2;
    r = run(ctx, &cfg, KR(1000), NYTTE_OK);
    const int64_t twice[] = {KR(200), 26667, 26667, 26666, 0};
    for (int i = 0; i < 5; i++)
        assert_int_equal(r->lines[i].ore, twice[i]);
    assert_true(fabs(r->lines[0].bound_kr - 200) < 1e-9);
    nytte_alloc_result_free(r);
    /* a minimum payment above a bound gives way to it: a pays its 100 kr, not 150 */
    cfg.rules.benefit_multiple = 1;
    cfg.rules.min_ore = KR(150);
    r = run(ctx, &cfg, KR(1000), NYTTE_OK);
    assert_int_equal(r->lines[0].ore, KR(100));
    assert_int_equal(r->lines[1].ore, KR(200));
    nytte_alloc_result_free(r);
    nytte_ctx_free(ctx);
}

static void test_compensate(void **state)
{
    (void)state;
    nytte_ctx *ctx = new_ctx();
    nytte_alloc_config cfg = NYTTE_ALLOC_CONFIG_INIT;
    cfg.rules.compensate_harmed = true;
    /* e's loss, 123.456 kr, is 12346 øre (half away from zero); the payers pay 1000 kr + that:
     * 112346 øre over 4 = 28086.5: a and b (the lower ids) carry the two øre of remainder */
    nytte_alloc_result *r = run(ctx, &cfg, KR(1000), NYTTE_OK);
    const int64_t want[] = {28087, 28087, 28086, 28086, -12346};
    for (int i = 0; i < 5; i++)
        assert_int_equal(r->lines[i].ore, want[i]);
    assert_int_equal(r->lines[4].exempt, NYTTE_EXEMPT_HARMED);
    assert_int_equal(r->elements[0].compensation_ore, 12346);
    assert_int_equal(r->elements[0].nexempt, 1);
    assert_int_equal(r->total_ore, KR(1000));
    nytte_alloc_result_free(r);

    /* co-owners of a harmed parcel share its compensation: −6173 øre each */
    nytte_alloc_holding h[] = {{0, "A", 1}, {1, "B", 1}, {2, "C", 1}, {3, "D", 1}, {4, "E1", 0.5}, {4, "E2", 0.5}};
    nytte_alloc_element el = {.id = "dike", .pool = {.capex_ore = KR(1000)}, .parcels = four()};
    nytte_alloc_input in = {.nparcels = 5, .elements = &el, .nelements = 1, .holdings = h, .nholdings = 6,
                            .config = &cfg};
    assert_int_equal(nytte_allocate_run(ctx, &r, &in), NYTTE_OK);
    assert_int_equal(r->owners[nytte_alloc_find_owner(r, "E1")].total_ore, -6173);
    assert_int_equal(r->owners[nytte_alloc_find_owner(r, "E2")].total_ore, -6173);

    /* the accounting check: a payback that is not the loss, and a payback to a parcel not harmed */
    r->lines[4].ore++;
    r->lines[0].ore--;
    assert_int_equal(nytte_alloc_check(ctx, r, &in), NYTTE_ECHECK);
    assert_string_equal(nytte_ctx_errmsg(ctx), "element dike: parcel e is paid back but not its loss as harmed");
    r->lines[4].ore--;
    r->lines[0].ore++;
    r->lines[1].ore = -r->lines[1].ore;
    assert_int_equal(nytte_alloc_check(ctx, r, &in), NYTTE_ECHECK);
    r->lines[1].ore = -r->lines[1].ore;
    assert_int_equal(nytte_alloc_check(ctx, r, &in), NYTTE_OK);
    nytte_alloc_result_free(r);
    nytte_ctx_free(ctx);
}

static void test_check_cap_and_residual(void **state)
{
    (void)state;
    nytte_ctx *ctx = new_ctx();
    nytte_alloc_config cfg = NYTTE_ALLOC_CONFIG_INIT;
    cfg.rules.benefit_cap = NYTTE_BENEFIT_CAP_CAP;
    nytte_alloc_element el = {.id = "dike", .pool = {.capex_ore = KR(2000)}, .parcels = four()};
    nytte_alloc_input in = {.nparcels = 5, .elements = &el, .nelements = 1, .config = &cfg};
    nytte_alloc_result *r = NULL;
    assert_int_equal(nytte_allocate_run(ctx, &r, &in), NYTTE_OK);
    /* one øre moved from the residual to a, who is at its bound */
    r->lines[0].ore++;
    r->elements[0].residual_ore--;
    assert_int_equal(nytte_alloc_check(ctx, r, &in), NYTTE_ECHECK);
    assert_string_equal(nytte_ctx_errmsg(ctx), "element dike: parcel a pays above its benefit bound");
    r->lines[0].ore--;
    assert_int_equal(nytte_alloc_check(ctx, r, &in), NYTTE_ECHECK);
    assert_string_equal(nytte_ctx_errmsg(ctx), "element dike: parcel amounts do not sum to the pool");
    r->elements[0].residual_ore++;
    assert_int_equal(nytte_alloc_check(ctx, r, &in), NYTTE_OK);
    nytte_alloc_result_free(r);
    /* without the benefit cap, maximums below the pool are the council's contradiction, as before */
    cfg.rules.benefit_cap = NYTTE_BENEFIT_CAP_WARN;
    cfg.rules.max_ore = KR(400);
    assert_int_equal(nytte_allocate_run(ctx, &r, &in), NYTTE_ECONFIG);
    assert_string_equal(nytte_ctx_errmsg(ctx), "element dike: infeasible payment caps: 4 payers × maximum 400.00 kr = "
                                               "1600.00 kr is less than the pool 2000.00 kr");
    /* with it, the maximum is one more bound: a 100, b 200, c and d 400 each, 900 kr residual */
    cfg.rules.benefit_cap = NYTTE_BENEFIT_CAP_CAP;
    assert_int_equal(nytte_allocate_run(ctx, &r, &in), NYTTE_OK);
    const int64_t want[] = {KR(100), KR(200), KR(400), KR(400), 0};
    for (int i = 0; i < 5; i++)
        assert_int_equal(r->lines[i].ore, want[i]);
    assert_int_equal(r->lines[0].cap, NYTTE_CAP_BENEFIT);
    assert_int_equal(r->elements[0].residual_ore, KR(900));
    nytte_alloc_result_free(r);
    /* a bad multiple */
    cfg.rules.benefit_multiple = 0;
    assert_int_equal(nytte_allocate_run(ctx, &r, &in), NYTTE_ECONFIG);
    nytte_ctx_free(ctx);
}

/* ---- properties on random inputs -------------------------------------------------------- */

static uint64_t seed = 0x9e3779b97f4a7c15ULL;
static uint64_t rnd(void)
{
    seed ^= seed << 13;
    seed ^= seed >> 7;
    seed ^= seed << 17;
    return seed;
}

#define NP 40
static void test_random(void **state)
{
    (void)state;
    nytte_ctx *ctx = new_ctx();
    static char ids[NP][8];
    nytte_alloc_parcel p[NP], q[NP];
    size_t checked = 0, residuals = 0, held = 0;
    for (int trial = 0; trial < 300; trial++) {
        size_t n = 2 + rnd() % (NP - 1);
        for (size_t i = 0; i < n; i++) {
            snprintf(ids[i], sizeof ids[i], "p%02zu", i);
            double b = (double)(rnd() % 200000) / 100.0 - (rnd() % 5 == 0 ? 600.0 : 0.0);
            p[i] = parcel(ids[i], b);
            p[i].in_area = rnd() % 6 != 0;
            p[i].floor_area = 10 + (double)(rnd() % 300);
            p[i].avoided_ead = b / 30.0;
        }
        nytte_alloc_config cfg = NYTTE_ALLOC_CONFIG_INIT;
        cfg.model = rnd() % 2 ? NYTTE_ALLOC_AREA : NYTTE_ALLOC_BENEFIT;
        cfg.rules.benefit_cap = (nytte_alloc_benefit_cap)(rnd() % 3);
        cfg.rules.benefit_multiple = 0.5 + (double)(rnd() % 4);
        cfg.rules.compensate_harmed = rnd() % 2;
        int64_t pool = KR(1000 + rnd() % 50000);
        nytte_alloc_element el = {.id = "x", .pool = {.capex_ore = pool}, .parcels = p};
        nytte_alloc_input in = {.nparcels = n, .elements = &el, .nelements = 1, .config = &cfg};
        nytte_alloc_result *r = NULL, *s = NULL;
        if (nytte_allocate_run(ctx, &r, &in) != NYTTE_OK) {
            assert_non_null(strstr(nytte_ctx_errmsg(ctx), "nobody pays"));
            continue;
        }
        const nytte_alloc_element_result *er = &r->elements[0];
        int64_t sum = 0, comp = 0;
        for (size_t i = 0; i < n; i++) {
            const nytte_alloc_line *l = &r->lines[i];
            sum += l->ore;
            if (l->harmed && cfg.rules.compensate_harmed) {
                int64_t loss;
                assert_int_equal(nytte_alloc_kr_to_ore(-p[i].benefit, &loss), NYTTE_OK);
                assert_int_equal(l->ore, -loss);
                comp += loss;
            }
            if (cfg.rules.benefit_cap == NYTTE_BENEFIT_CAP_CAP && l->ore > 0)
                assert_true((double)l->ore <= floor(cfg.rules.benefit_multiple * p[i].benefit * 100.0));
            if (l->ore > 0)
                assert_true(l->in_area);
        }
        assert_int_equal(sum + er->residual_ore, pool);
        assert_int_equal(er->compensation_ore, comp);
        if (cfg.rules.benefit_cap != NYTTE_BENEFIT_CAP_CAP)
            assert_int_equal(er->residual_ore, 0);
        residuals += er->residual_ore > 0;
        held += er->ncap_benefit;
        /* the same parcels in reverse order: the same amounts */
        for (size_t i = 0; i < n; i++)
            q[i] = p[n - 1 - i];
        el.parcels = q;
        assert_int_equal(nytte_allocate_run(ctx, &s, &in), NYTTE_OK);
        for (size_t i = 0; i < n; i++)
            assert_int_equal(s->lines[n - 1 - i].ore, r->lines[i].ore);
        assert_int_equal(s->elements[0].residual_ore, er->residual_ore);
        nytte_alloc_result_free(s);
        nytte_alloc_result_free(r);
        checked++;
    }
    /* the cases were exercised, not skipped */
    assert_true(checked > 200 && residuals > 10 && held > 100);
    nytte_ctx_free(ctx);
}

/* An owner's parcels are explained in the order people read ids: 8, 9a, 10, not 10, 8, 9a. */
static void test_explain_natural_order(void **state)
{
    (void)state;
    nytte_ctx *ctx = new_ctx();
    nytte_alloc_parcel p[3] = {parcel("10", 100), parcel("8", 100), parcel("9a", 100)};
    nytte_alloc_holding h[] = {{0, "O", 1}, {1, "O", 1}, {2, "O", 1}};
    nytte_alloc_config cfg = NYTTE_ALLOC_CONFIG_INIT;
    nytte_alloc_element el = {.id = "dike", .pool = {.capex_ore = KR(300)}, .parcels = p};
    nytte_alloc_input in = {.nparcels = 3, .elements = &el, .nelements = 1, .holdings = h, .nholdings = 3,
                            .config = &cfg};
    nytte_alloc_result *r = NULL;
    assert_int_equal(nytte_allocate_run(ctx, &r, &in), NYTTE_OK);
    char *text = NULL;
    assert_int_equal(nytte_alloc_explain_owner(ctx, &text, r, &in, "O"), NYTTE_OK);
    const char *a = strstr(text, "Parcel (matrikel) 8,"), *b = strstr(text, "Parcel (matrikel) 9a,"),
               *c = strstr(text, "Parcel (matrikel) 10,");
    assert_non_null(a);
    assert_non_null(b);
    assert_non_null(c);
    assert_true(a < b && b < c);
    free(text);
    nytte_alloc_result_free(r);
    nytte_ctx_free(ctx);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_warn),
        cmocka_unit_test(test_cap),
        cmocka_unit_test(test_compensate),
        cmocka_unit_test(test_check_cap_and_residual),
        cmocka_unit_test(test_random),
        cmocka_unit_test(test_explain_natural_order),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
