/*
 * benefit.c — avoided damage and its present value over the horizon; project totals
 * (PV of benefits and costs, benefit-cost ratio). Formulas: docs/models.md, "Benefit
 * and present value".
 */
#include "nytte/damage.h"

#include <assert.h>
#include <math.h>

double nytte_avoided_ead(double ead_without, double ead_with) { return ead_without - ead_with; }

double nytte_benefit_weight(double avoided) { return avoided > 0 ? avoided : 0.0; }

int nytte_pv_check(nytte_ctx *ctx, const char *what, double rate, int years)
{
    if (!what)
        what = "economics";
    if (!(isfinite(rate) && rate >= 0 && rate < 1))
        return nytte_error(ctx, NYTTE_ECONFIG, "%s: discount rate %g: must be at least 0 and below 1", what, rate);
    if (years < 1 || years > 1000)
        return nytte_error(ctx, NYTTE_ECONFIG, "%s: horizon %d years: must be 1 to 1000", what, years);
    return NYTTE_OK;
}

double nytte_pv_factor(double rate, int years)
{
    assert(rate >= 0 && years >= 1);
    if (years < 1)
        return 0.0;
    if (rate == 0)
        return (double)years;
    /* (1 - (1+r)^-N) / r, written with expm1/log1p so that small rates keep their digits. */
    return -expm1(-(double)years * log1p(rate)) / rate;
}

double nytte_pv_ramp(double rate, int years, double start, double end)
{
    assert(rate >= 0 && years >= 1);
    if (years < 1)
        return 0.0;
    double pv = start * nytte_pv_factor(rate, years);
    if (end != start)
        pv += (end - start) / (double)years * nytte_pv_ramp_sum(rate, years);
    return pv;
}

double nytte_pv_ramp_sum(double rate, int years)
{
    /* Σ t (1+r)^-t by summation in year order; N is small (<= 1000) and the closed
     * form v (1 - (N+1) v^N + N v^(N+1)) / (1-v)^2 cancels badly for small r. */
    double s = 0.0;
    for (int t = 1; t <= years; t++)
        s += (double)t * pow(1.0 + rate, -(double)t);
    return s;
}

int nytte_project_pv_calc(nytte_ctx *ctx, nytte_project_pv *out, double avoided_start, double avoided_end,
                          int64_t capex_ore, int64_t om_ore_per_year, double rate, int years)
{
    *out = (nytte_project_pv){0.0, 0.0, NAN};
    int rc = nytte_pv_check(ctx, "economics", rate, years);
    if (rc != NYTTE_OK)
        return rc;
    if (capex_ore < 0 || om_ore_per_year < 0)
        return nytte_error(ctx, NYTTE_ECONFIG, "economics: %s %.2f kr: must be >= 0",
                           capex_ore < 0 ? "capex" : "O&M per year",
                           (double)(capex_ore < 0 ? capex_ore : om_ore_per_year) / 100.0);
    if (!(isfinite(avoided_start) && isfinite(avoided_end)))
        return nytte_error(ctx, NYTTE_EINPUT, "economics: avoided EAD is not a number (start %g, end %g)",
                           avoided_start, avoided_end);
    out->pv_benefits = nytte_pv_ramp(rate, years, avoided_start, avoided_end);
    out->pv_costs = (double)capex_ore / 100.0 + (double)om_ore_per_year / 100.0 * nytte_pv_factor(rate, years);
    out->bcr = out->pv_costs > 0 ? out->pv_benefits / out->pv_costs : NAN;
    return NYTTE_OK;
}
