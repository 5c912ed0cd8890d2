/*
 * loan.c — contributions paid at once, or as annuity or serial loans, in integer øre.
 * The interest of each period is computed exactly in integers (the yearly rate taken to
 * 10 decimals) and rounded half up to the øre, so schedules are the same on every
 * machine and repay the principal exactly. Formulas: docs/models.md, "Finance".
 */
#include "nytte/finance.h"

#include <assert.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#define RATE_SCALE 10000000000.0   /* the rate is used in units of 1e-10 */
#define MAX_YEARS 100

static const char *const kind_names[] = {"none", "annuity", "serial"};

const char *nytte_loan_kind_name(nytte_loan_kind k)
{
    return (unsigned)k < 3 ? kind_names[k] : kind_names[0];
}

int nytte_loan_kind_parse(const char *s)
{
    for (int i = 0; s && i < 3; i++)
        if (strcasecmp(s, kind_names[i]) == 0)
            return i;
    return -1;
}

int nytte_loan_terms_check(nytte_ctx *ctx, const nytte_loan_terms *t, unsigned *warnings)
{
    if (warnings)
        *warnings = 0;
    if ((unsigned)t->kind > NYTTE_LOAN_SERIAL)
        return nytte_error(ctx, NYTTE_ECONFIG, "finance: loan %d: must be none, annuity or serial", (int)t->kind);
    if (t->kind == NYTTE_LOAN_NONE)
        return NYTTE_OK;
    if (t->years < 1 || t->years > MAX_YEARS)
        return nytte_error(ctx, NYTTE_ECONFIG, "finance: years %d: must be 1 to %d", t->years, MAX_YEARS);
    if (!(isfinite(t->rate) && t->rate >= 0 && t->rate < 1))
        return nytte_error(ctx, NYTTE_ECONFIG, "finance: rate %g: must be at least 0 and below 1", t->rate);
    int m = t->payments_per_year;
    if (m != 1 && m != 2 && m != 4 && m != 12)
        return nytte_error(ctx, NYTTE_ECONFIG, "finance: payments_per_year %d: must be 1, 2, 4 or 12", m);
    if (warnings && t->years > NYTTE_KOMMUNEKREDIT_MAX_YEARS)
        *warnings |= NYTTE_LOAN_WARN_OVER_KOMMUNEKREDIT;
    return NYTTE_OK;
}

char *nytte_loan_warning_text(char *buf, size_t size, const nytte_loan_terms *t, unsigned warning)
{
    if (size == 0)
        return buf;
    buf[0] = '\0';
    if (warning & NYTTE_LOAN_WARN_OVER_KOMMUNEKREDIT)
        snprintf(buf, size, "finance: years %d: KommuneKredit lends for at most %d years", t->years,
                 NYTTE_KOMMUNEKREDIT_MAX_YEARS);
    return buf;
}

/*
 * round_half_up(balance × R / den) exactly, for 0 <= balance < 2^47, 0 <= R < 2^34
 * (rate × 1e10) and 0 < den < 2^37 (m × 1e10). The product can exceed 64 bits, so the
 * balance is split at 2^24 and the division done in two steps; every intermediate
 * stays below 2^63.
 */
static int64_t interest_ore(int64_t balance, uint64_t R, uint64_t den)
{
    assert(balance >= 0 && balance < (INT64_C(1) << 47) && R < (UINT64_C(1) << 34) && den < (UINT64_C(1) << 37));
    uint64_t b = (uint64_t)balance, b1 = b >> 24, b0 = b & 0xFFFFFFu;
    uint64_t hi = b1 * R;                       /* < 2^57 */
    uint64_t q1 = hi / den, r1 = hi % den;
    uint64_t lo = (r1 << 24) + b0 * R;          /* < 2^61 + 2^58 */
    uint64_t q = (q1 << 24) + lo / den, rem = lo % den;
    if (2 * rem >= den)
        q++;
    return (int64_t)q;
}

/* Walk the schedule; write payments/interest when the arrays are given. */
static void loan_walk(nytte_loan *s, const nytte_loan_terms *t, int64_t P, int64_t *payment, int64_t *interest)
{
    memset(s, 0, sizeof *s);
    s->principal = P;
    if (t->kind == NYTTE_LOAN_NONE) {
        s->npayments = 1;
        s->first_payment = s->last_payment = s->first_year = s->total = P;
        if (payment)
            payment[0] = P;
        if (interest)
            interest[0] = 0;
        return;
    }
    int m = t->payments_per_year, n = t->years * m;
    uint64_t R = (uint64_t)llround(t->rate * RATE_SCALE), den = (uint64_t)m * (uint64_t)RATE_SCALE;
    int64_t a = 0;
    if (t->kind == NYTTE_LOAN_ANNUITY) {
        if (R == 0) {
            a = (2 * P + n) / (2 * (int64_t)n);   /* P / n rounded half up */
        } else {
            double i = (double)R / (double)den;
            /* P i / (1 - (1+i)^-n), with expm1/log1p for small i. */
            a = llround((double)P * i / -expm1(-(double)n * log1p(i)));
        }
    }
    int64_t B = P, total = 0, first_year = 0;
    for (int k = 1; k <= n; k++) {
        int64_t I = interest_ore(B, R, den), pay;
        if (t->kind == NYTTE_LOAN_ANNUITY) {
            pay = k == n || a > B + I ? B + I : a;
        } else {
            int64_t part = P / n + (k <= P % n ? 1 : 0);
            pay = part + I;
        }
        B -= pay - I;
        total += pay;
        if (k <= m)
            first_year += pay;
        if (k == 1)
            s->first_payment = pay;
        if (k == n)
            s->last_payment = pay;
        if (payment)
            payment[k - 1] = pay;
        if (interest)
            interest[k - 1] = I;
    }
    assert(B == 0);
    s->npayments = n;
    s->first_year = first_year;
    s->total = total;
    s->interest = total - P;
}

static int loan_check(nytte_ctx *ctx, const nytte_loan_terms *t, int64_t principal, unsigned *warnings)
{
    int rc = nytte_loan_terms_check(ctx, t, warnings);
    if (rc != NYTTE_OK)
        return rc;
    if (principal < 0 || principal > NYTTE_LOAN_MAX_PRINCIPAL)
        return nytte_error(ctx, NYTTE_EINPUT, "finance: principal %lld øre: must be 0 to %lld øre",
                           (long long)principal, (long long)NYTTE_LOAN_MAX_PRINCIPAL);
    return NYTTE_OK;
}

int nytte_loan_calc(nytte_ctx *ctx, nytte_loan *out, const nytte_loan_terms *t, int64_t principal)
{
    unsigned warnings = 0;
    memset(out, 0, sizeof *out);
    if (principal < 0) {
        /* a harmed owner's compensation (docs/models.md, Harmed parcels): paid back at once */
        if (principal < -NYTTE_LOAN_MAX_PRINCIPAL)
            return nytte_error(ctx, NYTTE_EINPUT, "finance: paid back %lld øre: must be at most %lld øre",
                               (long long)-principal, (long long)NYTTE_LOAN_MAX_PRINCIPAL);
        *out = (nytte_loan){principal, 1, principal, principal, principal, principal, 0, 0};
        return NYTTE_OK;
    }
    int rc = loan_check(ctx, t, principal, &warnings);
    if (rc != NYTTE_OK)
        return rc;
    loan_walk(out, t, principal, NULL, NULL);
    out->warnings = warnings;
    return NYTTE_OK;
}

int nytte_loan_schedule(nytte_ctx *ctx, int64_t *payment, int64_t *interest, size_t n,
                        const nytte_loan_terms *t, int64_t principal)
{
    int rc = loan_check(ctx, t, principal, NULL);
    if (rc != NYTTE_OK)
        return rc;
    size_t want = t->kind == NYTTE_LOAN_NONE ? 1 : (size_t)t->years * (size_t)t->payments_per_year;
    if (n != want)
        return nytte_error(ctx, NYTTE_EUSAGE, "finance: schedule of %zu payments asked for a loan of %zu", n, want);
    nytte_loan s;
    loan_walk(&s, t, principal, payment, interest);
    return NYTTE_OK;
}
