/*
 * test_finance.c — loans in øre: annuity and serial schedules against closed-form values
 * and hand-computed schedules (the worked examples of docs/models.md, "Finance"), exact
 * repayment of the principal, validation messages, the KommuneKredit warning.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "nytte/finance.h"

static nytte_ctx *new_ctx(void)
{
    nytte_ctx *ctx = NULL;
    assert_int_equal(nytte_ctx_new(&ctx), NYTTE_OK);
    return ctx;
}

static void test_annuity_kerteminde(void **state)
{
    (void)state;
    /*
     * 30.000 kr = 3 000 000 øre over 30 years at 3 %, monthly: i = 0.03/12 = 0.0025,
     * n = 360. Closed form P i / (1 - (1+i)^-n) = 3000000 × 0.0025 / (1 - 1.0025^-360)
     * = 12648.121 øre → 12648 øre (126.48 kr) a month. Replaying the schedule with
     * interest rounded half up each month (python3, decimal arithmetic) leaves 12720 øre
     * for the last payment; first year 12 × 12648 = 151776; total 4553352 øre.
     */
    nytte_loan_terms t = {NYTTE_LOAN_ANNUITY, 30, 0.03, 12};
    nytte_loan l;
    assert_int_equal(nytte_loan_calc(NULL, &l, &t, 3000000), NYTTE_OK);
    double closed = 3000000 * 0.0025 / (1 - pow(1.0025, -360));
    assert_true(fabs(closed - 12648.121) < 1e-3);
    assert_int_equal(l.npayments, 360);
    assert_int_equal(l.first_payment, 12648);
    assert_int_equal(l.last_payment, 12720);
    assert_int_equal(l.first_year, 151776);
    assert_int_equal(l.total, 4553352);
    assert_int_equal(l.interest, 4553352 - 3000000);
    assert_int_equal(l.warnings, NYTTE_LOAN_WARN_OVER_KOMMUNEKREDIT);
    char buf[128];
    assert_string_equal(nytte_loan_warning_text(buf, sizeof buf, &t, l.warnings),
                        "finance: years 30: KommuneKredit lends for at most 25 years");

    /* The same over 25 years (n = 300): 3000000 × 0.0025 / (1 - 1.0025^-300) = 14226.339
     * → 14226 øre; last 14378; first year 170712; total 4267952. No warning. */
    t.years = 25;
    assert_int_equal(nytte_loan_calc(NULL, &l, &t, 3000000), NYTTE_OK);
    assert_true(fabs(3000000 * 0.0025 / (1 - pow(1.0025, -300)) - 14226.339) < 1e-3);
    assert_int_equal(l.first_payment, 14226);
    assert_int_equal(l.last_payment, 14378);
    assert_int_equal(l.first_year, 170712);
    assert_int_equal(l.total, 4267952);
    assert_int_equal(l.warnings, 0);
    assert_string_equal(nytte_loan_warning_text(buf, sizeof buf, &t, l.warnings), "");
}

static void test_annuity_by_hand(void **state)
{
    (void)state;
    /*
     * 10.000 kr over 3 years at 5 %, yearly: a = 1000000 × 0.05 / (1 - 1.05^-3)
     * = 367208.565 → 367209 øre.
     *   year 1: interest 1000000 × 0.05 = 50000; principal 317209; balance 682791
     *   year 2: interest 682791 × 0.05 = 34139.55 → 34140 (half up); principal 333069;
     *           balance 349722
     *   year 3: interest 349722 × 0.05 = 17486.1 → 17486; last payment 349722 + 17486 = 367208
     * total 367209 + 367209 + 367208 = 1101626 øre.
     */
    nytte_loan_terms t = {NYTTE_LOAN_ANNUITY, 3, 0.05, 1};
    int64_t pay[3], in[3];
    assert_int_equal(nytte_loan_schedule(NULL, pay, in, 3, &t, 1000000), NYTTE_OK);
    assert_int_equal(pay[0], 367209);
    assert_int_equal(pay[1], 367209);
    assert_int_equal(pay[2], 367208);
    assert_int_equal(in[0], 50000);
    assert_int_equal(in[1], 34140);
    assert_int_equal(in[2], 17486);
    nytte_loan l;
    assert_int_equal(nytte_loan_calc(NULL, &l, &t, 1000000), NYTTE_OK);
    assert_int_equal(l.total, 1101626);
    assert_int_equal(l.first_year, 367209);

    /* 100 kr over 1 year at 12 %, monthly: i = 0.01; 10000 × 0.01 / (1 - 1.01^-12) =
     * 888.488 → 888 øre; the last carries 895; total 10663. */
    t = (nytte_loan_terms){NYTTE_LOAN_ANNUITY, 1, 0.12, 12};
    assert_int_equal(nytte_loan_calc(NULL, &l, &t, 10000), NYTTE_OK);
    assert_int_equal(l.first_payment, 888);
    assert_int_equal(l.last_payment, 895);
    assert_int_equal(l.total, 10663);
    assert_int_equal(l.first_year, 10663);

    /* 0 %: 1000 kr over 1 year quarterly → 4 × 25000 øre. 1.50 kr over 25 years monthly:
     * 150/300 = 0.5 → 1 øre (half up) for 150 months, then nothing is left to pay. */
    t = (nytte_loan_terms){NYTTE_LOAN_ANNUITY, 1, 0.0, 4};
    assert_int_equal(nytte_loan_calc(NULL, &l, &t, 100000), NYTTE_OK);
    assert_int_equal(l.first_payment, 25000);
    assert_int_equal(l.last_payment, 25000);
    assert_int_equal(l.total, 100000);
    t = (nytte_loan_terms){NYTTE_LOAN_ANNUITY, 25, 0.0, 12};
    assert_int_equal(nytte_loan_calc(NULL, &l, &t, 150), NYTTE_OK);
    assert_int_equal(l.first_payment, 1);
    assert_int_equal(l.last_payment, 0);
    assert_int_equal(l.total, 150);
}

static void test_serial(void **state)
{
    (void)state;
    /*
     * 10.000 kr over 3 years at 5 %, yearly, serial: principal parts 1000000 / 3 =
     * 333333 rest 1 → 333334, 333333, 333333.
     *   year 1: 333334 + 1000000 × 0.05 = 333334 + 50000 = 383334
     *   year 2: 333333 + 666666 × 0.05 = 333333 + 33333.3 → 33333 = 366666
     *   year 3: 333333 + 333333 × 0.05 = 333333 + 16666.65 → 16667 = 350000
     * total 1100000 øre.
     */
    nytte_loan_terms t = {NYTTE_LOAN_SERIAL, 3, 0.05, 1};
    int64_t pay[3];
    assert_int_equal(nytte_loan_schedule(NULL, pay, NULL, 3, &t, 1000000), NYTTE_OK);
    assert_int_equal(pay[0], 383334);
    assert_int_equal(pay[1], 366666);
    assert_int_equal(pay[2], 350000);
    nytte_loan l;
    assert_int_equal(nytte_loan_calc(NULL, &l, &t, 1000000), NYTTE_OK);
    assert_int_equal(l.total, 1100000);
    assert_int_equal(l.interest, 100000);

    /* 30.000 kr, 30 years, 3 %, monthly, serial: first 3000000/360 = 8333.33 → 8334 +
     * 7500 interest = 15834; last 8333 + 8333 × 0.0025 = 8333 + 20.83 → 21 = 8354;
     * replayed (python3): first year 188632, total 4353711. */
    t = (nytte_loan_terms){NYTTE_LOAN_SERIAL, 30, 0.03, 12};
    assert_int_equal(nytte_loan_calc(NULL, &l, &t, 3000000), NYTTE_OK);
    assert_int_equal(l.first_payment, 15834);
    assert_int_equal(l.last_payment, 8354);
    assert_int_equal(l.first_year, 188632);
    assert_int_equal(l.total, 4353711);

    /* 1 kr, 1 year, 12 %, monthly: parts 100/12 = 8 rest 4 → 9, 9, 9, 9, then 8 × 8;
     * balances 100, 91, 82, 73, 64, 56, 48, 40, ... at 1 % → interest 1.00, 0.91, 0.82,
     * 0.73, 0.64, 0.56 → 1 each, then 0.48, 0.40, ... → 0 (half up).
     * Payments 10, 10, 10, 10, 9, 9, 8 × 6 = 106. */
    t = (nytte_loan_terms){NYTTE_LOAN_SERIAL, 1, 0.12, 12};
    int64_t p12[12];
    const int64_t want[12] = {10, 10, 10, 10, 9, 9, 8, 8, 8, 8, 8, 8};
    assert_int_equal(nytte_loan_schedule(NULL, p12, NULL, 12, &t, 100), NYTTE_OK);
    for (int k = 0; k < 12; k++)
        assert_int_equal(p12[k], want[k]);
}

static void test_pay_at_once(void **state)
{
    (void)state;
    nytte_loan_terms t = NYTTE_LOAN_TERMS_INIT;
    t.years = 0; /* ignored for NONE */
    nytte_loan l;
    assert_int_equal(nytte_loan_calc(NULL, &l, &t, 123456), NYTTE_OK);
    assert_int_equal(l.npayments, 1);
    assert_int_equal(l.first_payment, 123456);
    assert_int_equal(l.first_year, 123456);
    assert_int_equal(l.total, 123456);
    assert_int_equal(l.interest, 0);
    assert_int_equal(nytte_loan_kind_parse("Serial"), NYTTE_LOAN_SERIAL);
    assert_int_equal(nytte_loan_kind_parse("bullet"), -1);
    assert_string_equal(nytte_loan_kind_name(NYTTE_LOAN_ANNUITY), "annuity");
}

static void test_validation(void **state)
{
    (void)state;
    nytte_ctx *ctx = new_ctx();
    nytte_loan l;
    nytte_loan_terms t = {NYTTE_LOAN_ANNUITY, 0, 0.03, 12};
    assert_int_equal(nytte_loan_calc(ctx, &l, &t, 100), NYTTE_ECONFIG);
    assert_string_equal(nytte_ctx_errmsg(ctx), "finance: years 0: must be 1 to 100");
    t = (nytte_loan_terms){NYTTE_LOAN_SERIAL, 20, 1.2, 12};
    assert_int_equal(nytte_loan_calc(ctx, &l, &t, 100), NYTTE_ECONFIG);
    assert_string_equal(nytte_ctx_errmsg(ctx), "finance: rate 1.2: must be at least 0 and below 1");
    t.rate = -0.01;
    assert_int_equal(nytte_loan_terms_check(ctx, &t, NULL), NYTTE_ECONFIG);
    assert_string_equal(nytte_ctx_errmsg(ctx), "finance: rate -0.01: must be at least 0 and below 1");
    t.rate = NAN;
    assert_int_equal(nytte_loan_terms_check(ctx, &t, NULL), NYTTE_ECONFIG);
    t = (nytte_loan_terms){NYTTE_LOAN_ANNUITY, 20, 0.03, 6};
    assert_int_equal(nytte_loan_calc(ctx, &l, &t, 100), NYTTE_ECONFIG);
    assert_string_equal(nytte_ctx_errmsg(ctx), "finance: payments_per_year 6: must be 1, 2, 4 or 12");
    t.payments_per_year = 4;
    /* a negative principal is a harmed owner paid back: at once, whatever the terms */
    assert_int_equal(nytte_loan_calc(ctx, &l, &t, -5), NYTTE_OK);
    assert_int_equal(l.npayments, 1);
    assert_int_equal(l.first_payment, -5);
    assert_int_equal(l.total, -5);
    assert_int_equal(l.interest, 0);
    assert_int_equal(nytte_loan_calc(ctx, &l, &t, -NYTTE_LOAN_MAX_PRINCIPAL - 1), NYTTE_EINPUT);
    assert_string_equal(nytte_ctx_errmsg(ctx), "finance: paid back 100000000000001 øre: must be at most 100000000000000 øre");
    /* a schedule is for a loan: a payback has none */
    int64_t one[1];
    assert_int_equal(nytte_loan_schedule(ctx, one, NULL, 1, &t, -5), NYTTE_EINPUT);
    assert_string_equal(nytte_ctx_errmsg(ctx), "finance: principal -5 øre: must be 0 to 100000000000000 øre");
    int64_t pay[3];
    assert_int_equal(nytte_loan_schedule(ctx, pay, NULL, 3, &t, 100), NYTTE_EUSAGE);
    assert_string_equal(nytte_ctx_errmsg(ctx), "finance: schedule of 3 payments asked for a loan of 80");
    unsigned w = 99;
    t.years = 26;
    assert_int_equal(nytte_loan_terms_check(ctx, &t, &w), NYTTE_OK);
    assert_int_equal(w, NYTTE_LOAN_WARN_OVER_KOMMUNEKREDIT);
    t.years = 25;
    assert_int_equal(nytte_loan_terms_check(ctx, &t, &w), NYTTE_OK);
    assert_int_equal(w, 0);
    nytte_ctx_free(ctx);
}

/* Every schedule repays the principal exactly; annuities pay equal amounts except the
 * last; serial payments never rise. */
static void test_schedules_repay_exactly(void **state)
{
    (void)state;
    static const int ppy[4] = {1, 2, 4, 12};
    unsigned long long s = 42;
    int64_t *pay = malloc(100 * 12 * sizeof *pay), *in = malloc(100 * 12 * sizeof *in);
    assert_non_null(pay);
    assert_non_null(in);
    for (int iter = 0; iter < 400; iter++) {
        s = s * 6364136223846793005ULL + 1442695040888963407ULL;
        nytte_loan_terms t;
        t.kind = iter % 2 ? NYTTE_LOAN_SERIAL : NYTTE_LOAN_ANNUITY;
        t.years = 1 + (int)((s >> 33) % 40);
        t.payments_per_year = ppy[(s >> 20) % 4];
        t.rate = (double)((s >> 40) % 1000) / 10000.0; /* 0 to 9.99 % */
        int64_t P = (int64_t)((s >> 3) % 100000000);    /* up to 1 mio. kr */
        nytte_loan l;
        assert_int_equal(nytte_loan_calc(NULL, &l, &t, P), NYTTE_OK);
        size_t n = (size_t)l.npayments;
        assert_int_equal(nytte_loan_schedule(NULL, pay, in, n, &t, P), NYTTE_OK);
        int64_t paid = 0, interest = 0, first_year = 0;
        for (size_t k = 0; k < n; k++) {
            assert_true(pay[k] >= 0 && in[k] >= 0);
            paid += pay[k];
            interest += in[k];
            if (k < (size_t)t.payments_per_year)
                first_year += pay[k];
            if (t.kind == NYTTE_LOAN_SERIAL && k > 0)
                assert_true(pay[k] <= pay[k - 1]);
            if (t.kind == NYTTE_LOAN_ANNUITY && k + 1 < n && pay[k] != 0)
                assert_int_equal(pay[k], l.first_payment);
        }
        assert_int_equal(paid - interest, P);
        assert_int_equal(paid, l.total);
        assert_int_equal(first_year, l.first_year);
        assert_int_equal(pay[n - 1], l.last_payment);
        /* The last annuity payment absorbs the rounding: each period is off by at most
         * 1 øre (payment and interest each rounded by <= 0.5), compounded to the end, so
         * |last - a| <= s_n = ((1+i)^n - 1)/i øre (n when i = 0). */
        if (t.kind == NYTTE_LOAN_ANNUITY && P > 100000) {
            double i = t.rate / t.payments_per_year;
            double sn = i > 0 ? (pow(1 + i, (double)n) - 1) / i : (double)n;
            assert_true((double)llabs(l.last_payment - l.first_payment) <= sn + 1);
        }
    }
    free(pay);
    free(in);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_annuity_kerteminde),
        cmocka_unit_test(test_annuity_by_hand),
        cmocka_unit_test(test_serial),
        cmocka_unit_test(test_pay_at_once),
        cmocka_unit_test(test_validation),
        cmocka_unit_test(test_schedules_repay_exactly),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
