/*
 * pool.c — the cost pool of one separable element (capex, PV of O&M, deductions in
 * order) and the exact money helpers: kr ↔ øre, half-away rounding, Køge's levy.
 */
#include "allocate/allocate_int.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

int64_t alloc_round_half_away(double x)
{
    double r = x < 0 ? -floor(-x + 0.5) : floor(x + 0.5);
    /* floor(x + 0.5) is wrong for 0.49999999999999994 (x + 0.5 rounds up to 1): */
    if (fabs(r - x) > 0.5)
        r = x < 0 ? r + 1 : r - 1;
    return (int64_t)r;
}

int64_t alloc_muldiv_round(int64_t a, int64_t num, int64_t den)
{
    alloc_i128 p = (alloc_i128)a * num;
    bool neg = p < 0;
    if (neg)
        p = -p;
    alloc_i128 q = p / den, rem = p % den;
    if (2 * rem >= den)
        q++;
    return (int64_t)(neg ? -q : q);
}

int nytte_alloc_kr_to_ore(double kr, int64_t *out)
{
    *out = 0;
    if (!isfinite(kr) || fabs(kr) > 9.0e15)
        return NYTTE_EINPUT;
    /* kr × 100 is not exact in binary (0.285 × 100 = 28.499999999999996), so round through
     * the shortest decimal text instead: config amounts are decimal numbers. */
    char txt[64];
    snprintf(txt, sizeof txt, "%.6f", fabs(kr));
    char *dot = strchr(txt, '.');
    int64_t whole = 0;
    for (const char *c = txt; c < dot; c++)
        whole = whole * 10 + (*c - '0');
    int64_t ore = whole * 100 + (dot[1] - '0') * 10 + (dot[2] - '0');
    if ((dot[3] - '0') >= 5)
        ore++;
    *out = kr < 0 ? -ore : ore;
    return NYTTE_OK;
}

int64_t nytte_alloc_levy_ore(double permille, double value_kr)
{
    /* rate ‰ × value kr / 1000 × 100 øre/kr; ‰ rates have at most a few decimals, so do it
     * exactly on integers: rate in 1e-6 ‰ units, value in øre. */
    int64_t rate = alloc_round_half_away(permille * 1e6), value;
    if (nytte_alloc_kr_to_ore(value_kr, &value) != NYTTE_OK)
        return 0;
    return alloc_muldiv_round(value, rate, (int64_t)1000000000);
}

static const char *const kind_names[] = {"grant", "municipal", "utility", "group"};

const char *nytte_alloc_deduction_kind_name(nytte_alloc_deduction_kind k)
{
    return (unsigned)k < 4 ? kind_names[k] : "unknown";
}

int nytte_alloc_pool_compute(nytte_ctx *ctx, nytte_alloc_pool *out, const char *element_id,
                             const nytte_alloc_pool_spec *spec)
{
    const char *el = element_id ? element_id : "?";
    char a[32], b[32];
    memset(out, 0, sizeof *out);
    if (spec->capex_ore < 0 || spec->om_ore_per_year < 0)
        return nytte_error(ctx, NYTTE_ECONFIG, "element %s: capex and O&M must not be negative", el);
    if (spec->ndeductions > NYTTE_ALLOC_MAX_DEDUCTIONS)
        return nytte_error(ctx, NYTTE_ECONFIG, "element %s: more than %d deductions", el,
                           NYTTE_ALLOC_MAX_DEDUCTIONS);
    if (spec->om_mode != NYTTE_OM_PV && spec->om_mode != NYTTE_OM_YEARLY)
        return nytte_error(ctx, NYTTE_ECONFIG, "element %s: unknown O&M mode %d", el, (int)spec->om_mode);
    out->capex_ore = spec->capex_ore;
    if (spec->om_mode == NYTTE_OM_YEARLY) {
        out->yearly_ore = spec->om_ore_per_year;
    } else if (spec->om_ore_per_year > 0) {
        int n = spec->lifetime_years;
        double r = spec->discount_rate;
        if (n <= 0)
            return nytte_error(ctx, NYTTE_ECONFIG, "element %s: O&M given without a lifetime", el);
        if (!isfinite(r) || r <= -1.0)
            return nytte_error(ctx, NYTTE_ECONFIG, "element %s: discount rate %g is invalid", el, r);
        /* Payments at the end of years 1..n. */
        double f = r == 0.0 ? (double)n : (1.0 - pow(1.0 + r, -(double)n)) / r;
        out->om_pv_ore = alloc_round_half_away((double)spec->om_ore_per_year * f);
    }
    out->gross_ore = out->capex_ore + out->om_pv_ore;
    int64_t remain = out->gross_ore;
    out->ndeductions = spec->ndeductions;
    for (size_t i = 0; i < spec->ndeductions; i++) {
        const nytte_alloc_deduction *d = &spec->deductions[i];
        const char *label = d->label ? d->label : nytte_alloc_deduction_kind_name(d->kind);
        int64_t amount;
        if (d->is_percent) {
            if (!(d->percent >= 0.0 && d->percent <= 100.0))
                return nytte_error(ctx, NYTTE_ECONFIG, "element %s: deduction \"%s\": percent %g is not in 0..100",
                                   el, label, d->percent);
            amount = alloc_muldiv_round(remain, alloc_round_half_away(d->percent * 1e6), (int64_t)100000000);
        } else {
            amount = d->amount_ore;
            if (amount < 0)
                return nytte_error(ctx, NYTTE_ECONFIG, "element %s: deduction \"%s\" is negative", el, label);
        }
        if (amount > remain)
            return nytte_error(ctx, NYTTE_ECONFIG, "element %s: deduction \"%s\" of %s kr exceeds the remaining %s kr",
                               el, label, nytte_money_format(a, sizeof a, NULL, amount),
                               nytte_money_format(b, sizeof b, NULL, remain));
        out->deducted_ore[i] = amount;
        remain -= amount;
    }
    out->pool_ore = remain;
    return NYTTE_OK;
}
