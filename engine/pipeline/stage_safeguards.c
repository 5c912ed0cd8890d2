/*
 * stage_safeguards.c — what an owner's lawyer looks for first, said before anything is
 * published (docs/models.md, "Benefit safeguard", "Harmed parcels", "Economic warnings"):
 * per element, a benefit-cost ratio below 1, payers charged more in all than their
 * benefit, payers above their own benefit bound, a residual left by the benefit cap, and
 * parcels the element harms. Each finding is one line: a warning at run time, and the
 * same line in report.html's first screen and in manifest.json (s->findings).
 */
#include "pipeline/pipeline_int.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* One finding: logged at `level` and kept for the report and the manifest. */
static int finding(run_state *s, nytte_log_level level, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int finding(run_state *s, nytte_log_level level, const char *fmt, ...)
{
    char line[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    nytte_log(s->ctx, level, "%s", line);
    char **grown = realloc(s->findings, (s->nfindings + 1) * sizeof *grown);
    if (!grown)
        return nytte_nomem(s->ctx, "safeguards");
    s->findings = grown;
    if (!(s->findings[s->nfindings] = strdup(line)))
        return nytte_nomem(s->ctx, "safeguards");
    s->nfindings++;
    return NYTTE_OK;
}

/* kr → øre for a message (0 if out of range). */
static int64_t ore(double kr)
{
    int64_t v = 0;
    return nytte_alloc_kr_to_ore(kr, &v) == NYTTE_OK ? v : 0;
}

/* "" for 1, else "3× " : how many times the benefit the bound is. */
static const char *times(char *buf, size_t size, double multiple)
{
    if (multiple == 1.0)
        return "";
    snprintf(buf, size, "%g× ", multiple);
    return buf;
}

/* The economics of element e: its benefit-cost ratio, and its payers' charge against their benefit. */
static int economics(run_state *s, size_t e)
{
    const nytte_alloc_element_result *er = &s->alloc->elements[e];
    const nytte_project_pv *pv = &s->element_pv[e];
    const nytte_money_style kr = NYTTE_MONEY_KR;
    char a[48], b[48];
    int rc = NYTTE_OK;
    if (pv->bcr == pv->bcr && pv->bcr < 1.0)
        rc = finding(s, NYTTE_LOG_WARN,
                     "element %s: benefit-cost ratio %.2f: its benefits (PV %s) are below its costs (PV %s)", er->id,
                     pv->bcr, nytte_money_format(a, sizeof a, &kr, ore(pv->pv_benefits)),
                     nytte_money_format(b, sizeof b, &kr, ore(pv->pv_costs)));
    int64_t benefit = ore(er->payers_benefit_kr);
    if (!rc && er->payers_ore > benefit)
        rc = finding(s, NYTTE_LOG_WARN, "element %s: its payers pay %s in all for a benefit of %s (PV of avoided damage)",
                     er->id, nytte_money_format(a, sizeof a, &kr, er->payers_ore),
                     nytte_money_format(b, sizeof b, &kr, benefit));
    return rc;
}

/* The benefit safeguard of element e: who pays above the bound (warn), who is held at it and the residual (cap). */
static int benefit_bound(run_state *s, size_t e)
{
    const nytte_alloc_element_result *er = &s->alloc->elements[e];
    const nytte_money_style kr = NYTTE_MONEY_KR;
    char a[48], m[32], ratio[160] = "", nob[96] = "";
    if (er->max_ratio == er->max_ratio && er->max_ratio_parcel >= 0)
        snprintf(ratio, sizeof ratio, "; the largest ratio of amount to benefit is %.1f (parcel %s)", er->max_ratio,
                 s->in.parcels[er->max_ratio_parcel].id);
    if (er->nno_benefit)
        snprintf(nob, sizeof nob, ", %zu of them with no benefit at all", er->nno_benefit);
    if (er->benefit_cap == NYTTE_BENEFIT_CAP_WARN && er->nover_benefit)
        return finding(s, NYTTE_LOG_WARN,
                       "element %s: %zu of %zu payers pay more than %stheir benefit (PV of avoided damage)%s%s; "
                       "allocation.benefit_cap: cap holds each to it",
                       er->id, er->nover_benefit, er->npayers, times(m, sizeof m, er->benefit_multiple), nob, ratio);
    if (er->benefit_cap != NYTTE_BENEFIT_CAP_CAP || !(er->ncap_benefit || er->residual_ore))
        return NYTTE_OK;
    int rc = finding(s, NYTTE_LOG_INFO, "element %s: benefit cap: %zu of %zu payers pay %stheir benefit and no more",
                     er->id, er->ncap_benefit, er->npayers, times(m, sizeof m, er->benefit_multiple));
    if (!rc && er->residual_ore)
        rc = finding(s, NYTTE_LOG_WARN, "element %s: benefit cap: the payers cannot cover %s of the pool; %s pays it",
                     er->id, nytte_money_format(a, sizeof a, &kr, er->residual_ore),
                     er->residual_payer ? er->residual_payer : "the residual payer");
    return rc;
}

/* The parcels element e harms: their count, extra damage, and whether they are paid back. */
static int harmed(run_state *s, size_t e)
{
    const nytte_alloc_element_result *er = &s->alloc->elements[e];
    if (!er->nharmed)
        return NYTTE_OK;
    const nytte_money_style kr = NYTTE_MONEY_KR;
    char a[48], b[48], c[48];
    const char *first = NULL;
    size_t np = s->in.nparcels;
    for (size_t i = 0; i < np; i++)
        if (s->alloc->lines[e * np + i].harmed && (!first || strcmp(s->in.parcels[i].id, first) < 0))
            first = s->in.parcels[i].id;
    char back[160];
    if (er->compensation_ore)
        snprintf(back, sizeof back, "; %s of it is paid back to them out of the pool",
                 nytte_money_format(c, sizeof c, &kr, er->compensation_ore));
    else
        snprintf(back, sizeof back, "; allocation.compensate_harmed: true pays them back");
    return finding(s, NYTTE_LOG_WARN,
                   "element %s: %zu parcel%s harmed (e.g. %s): expected damage rises by %s a year in all, PV %s%s", er->id,
                   er->nharmed, er->nharmed == 1 ? " is" : "s are", first ? first : "?",
                   nytte_money_format(a, sizeof a, &kr, ore(er->harmed_ead_kr)),
                   nytte_money_format(b, sizeof b, &kr, ore(er->harmed_pv_kr)), back);
}

/* -v -v: what the allocation did per element, for whoever checks it. */
static void log_element(const run_state *s, size_t e)
{
    const nytte_alloc_element_result *er = &s->alloc->elements[e];
    char a[48], b[48];
    nytte_log(s->ctx, NYTTE_LOG_DEBUG,
              "allocation: element %s: model %s, pool %s kr, %zu in the area, %zu payers, %zu exempt, weight sum %.17g, "
              "%d cap round%s (%zu at the minimum, %zu at the maximum, %zu at their benefit), residual %s kr",
              er->id, nytte_alloc_model_name(er->model), nytte_money_format(a, sizeof a, NULL, er->pool.pool_ore),
              er->nin_area, er->npayers, er->nexempt, er->weight_sum, er->cap_rounds, er->cap_rounds == 1 ? "" : "s",
              er->ncap_min, er->ncap_max, er->ncap_benefit, nytte_money_format(b, sizeof b, NULL, er->residual_ore));
}

int pipeline_safeguards(run_state *s)
{
    int rc = NYTTE_OK;
    for (size_t e = 0; e < s->alloc->nelements; e++)
        log_element(s, e);
    for (size_t e = 0; e < s->alloc->nelements && !rc; e++)
        if (!(rc = economics(s, e)) && !(rc = benefit_bound(s, e)))
            rc = harmed(s, e);
    return rc;
}
