/*
 * safeguard.c — what protects an owner from paying for a benefit they do not get
 * (docs/models.md, "Benefit safeguard" and "Harmed parcels"): each payer's upper bound,
 * multiple × its own benefit under allocation.benefit_cap, and the statistics every
 * output reports: who pays above the bound, the largest ratio, the harmed parcels.
 */
#include "allocate/allocate_int.h"

#include <stdint.h>

static const char *const cap_names[] = {"off", "warn", "cap"};

const char *nytte_alloc_benefit_cap_name(nytte_alloc_benefit_cap m)
{
    return (unsigned)m <= NYTTE_BENEFIT_CAP_CAP ? cap_names[m] : "unknown";
}

/* multiple × max(benefit, 0) in øre, rounded down: the bound is never above the benefit multiple. */
static int64_t benefit_bound_ore(const nytte_alloc_rules *rules, double benefit)
{
    double b = benefit > 0.0 ? floor(rules->benefit_multiple * benefit * 100.0) : 0.0;
    return b < 9.0e18 ? (int64_t)b : INT64_MAX;
}

/* A line is bounded by its benefit unless it pays only as a contributor (for the water it sends). */
static bool has_benefit_bound(const nytte_alloc_rules *rules, const nytte_alloc_line *l)
{
    return rules->benefit_cap != NYTTE_BENEFIT_CAP_OFF && !l->contributor_only;
}

int64_t alloc_bound_ore(const nytte_alloc_rules *rules, const nytte_alloc_line *l, bool *by_benefit)
{
    int64_t hi = rules->max_ore > 0 ? rules->max_ore : INT64_MAX;
    *by_benefit = false;
    if (rules->benefit_cap == NYTTE_BENEFIT_CAP_CAP && has_benefit_bound(rules, l)) {
        int64_t b = benefit_bound_ore(rules, l->benefit);
        if (b < hi) {
            hi = b;
            *by_benefit = true;
        }
    }
    return hi;
}

void alloc_safeguard_stats(nytte_alloc_element_result *er, nytte_alloc_line *lines, const nytte_alloc_parcel *facts,
                           const nytte_alloc_rules *rules, const size_t *order, size_t n)
{
    er->benefit_cap = rules->benefit_cap;
    er->benefit_multiple = rules->benefit_multiple;
    er->residual_payer = rules->residual_payer;
    er->max_ratio = NAN;
    er->max_ratio_parcel = -1;
    for (size_t j = 0; j < n; j++) {
        size_t p = order[j];
        nytte_alloc_line *l = &lines[p];
        if (l->harmed) {
            er->nharmed++;
            er->harmed_pv_kr += -l->benefit;
            double extra = -facts[p].avoided_ead;
            er->harmed_ead_kr += extra > 0.0 ? extra : 0.0;
        }
        if (l->ore <= 0 || l->contributor_only)
            continue;
        double benefit = l->benefit > 0.0 ? l->benefit : 0.0;
        er->payers_benefit_kr += benefit;
        er->payers_ore += l->ore;
        /* a benefit under one øre is no benefit: money has no smaller unit */
        bool some = benefit >= 0.01;
        if (some) {
            l->benefit_ratio = (double)l->ore / 100.0 / benefit;
            if (!(l->benefit_ratio <= er->max_ratio)) {
                er->max_ratio = l->benefit_ratio;
                er->max_ratio_parcel = (long)p;
            }
        }
        if (!has_benefit_bound(rules, l))
            continue;
        int64_t bound = benefit_bound_ore(rules, l->benefit);
        l->bound_kr = (double)bound / 100.0;
        if (l->ore > bound) {
            l->over_benefit = true;
            er->nover_benefit++;
            er->nno_benefit += !some;
        }
    }
}
