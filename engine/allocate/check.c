/*
 * check.c — the accounting check of an allocation, the one place that says the money
 * adds up: every element's parcel lines and its residual sum to its pool, its lines to
 * its yearly pool, to the øre; nobody outside an element's benefit area pays unless as a
 * contributor; only a harmed parcel is paid back, exactly its loss; under the benefit cap
 * nobody pays above its bound; the owners' totals sum to the pools less the residuals.
 * nytte_allocate_run ends with it, so no result leaves the module without it; a failure
 * is a bug or a contradiction (NYTTE_ECHECK).
 */
#include "allocate/allocate_int.h"

int nytte_alloc_check(nytte_ctx *ctx, const nytte_alloc_result *r, const nytte_alloc_input *in)
{
    const size_t n = r->nparcels;
    int64_t pools = 0, ypools = 0;
    for (size_t e = 0; e < r->nelements; e++) {
        const nytte_alloc_element_result *er = &r->elements[e];
        const char *eid = er->id ? er->id : "?";
        int64_t sum = 0, ysum = 0;
        for (size_t i = 0; i < n; i++) {
            const nytte_alloc_line *l = &r->lines[e * n + i];
            sum += l->ore;
            ysum += l->yearly_ore;
            const char *pid = in->elements[e].parcels[i].id;
            if ((l->ore > 0 || l->yearly_ore > 0) && !l->in_area && !l->contributor_only)
                return nytte_error(ctx, NYTTE_ECHECK,
                                   "element %s: parcel %s pays but is neither in the benefit area nor a contributor",
                                   eid, pid);
            if (l->ore < 0 && (l->exempt != NYTTE_EXEMPT_HARMED || l->ore != -alloc_round_half_away(-100.0 * l->benefit)))
                return nytte_error(ctx, NYTTE_ECHECK, "element %s: parcel %s is paid back but not its loss as harmed",
                                   eid, pid);
            bool by_benefit;
            if (l->ore > 0 && !l->contributor_only && er->benefit_cap == NYTTE_BENEFIT_CAP_CAP &&
                l->ore > alloc_bound_ore(&(nytte_alloc_rules){.benefit_cap = NYTTE_BENEFIT_CAP_CAP,
                                                              .benefit_multiple = er->benefit_multiple},
                                         l, &by_benefit))
                return nytte_error(ctx, NYTTE_ECHECK, "element %s: parcel %s pays above its benefit bound", eid, pid);
        }
        if (sum + er->residual_ore != er->pool.pool_ore || ysum != er->pool.yearly_ore || er->residual_ore < 0)
            return nytte_error(ctx, NYTTE_ECHECK, "element %s: parcel amounts do not sum to the pool", eid);
        pools += er->pool.pool_ore;
        ypools += er->pool.yearly_ore;
    }
    int64_t owners = 0, yowners = 0;
    for (size_t o = 0; o < r->nowners; o++) {
        owners += r->owners[o].total_ore;
        yowners += r->owners[o].yearly_ore;
    }
    int64_t residual = 0;
    for (size_t e = 0; e < r->nelements; e++)
        residual += r->elements[e].residual_ore;
    if (owners != pools - residual || yowners != ypools || pools != r->total_ore || ypools != r->yearly_ore ||
        residual != r->residual_ore)
        return nytte_error(ctx, NYTTE_ECHECK, "allocate: owner amounts do not sum to the pools less the residuals");
    return NYTTE_OK;
}
