/*
 * check.c — the accounting check of an allocation, the one place that says the money
 * adds up: every element's parcel lines sum to its pool and its yearly pool, to the øre;
 * nobody outside an element's benefit area pays unless as a contributor; the owners'
 * totals sum to the pools. nytte_allocate_run ends with it, so no result leaves the
 * module without it; a failure is a bug or a contradiction (NYTTE_ECHECK).
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
            if ((l->ore > 0 || l->yearly_ore > 0) && !l->in_area && !l->contributor_only)
                return nytte_error(ctx, NYTTE_ECHECK,
                                   "element %s: parcel %s pays but is neither in the benefit area nor a contributor",
                                   eid, in->elements[e].parcels[i].id);
        }
        if (sum != er->pool.pool_ore || ysum != er->pool.yearly_ore)
            return nytte_error(ctx, NYTTE_ECHECK, "element %s: parcel amounts do not sum to the pool", eid);
        pools += er->pool.pool_ore;
        ypools += er->pool.yearly_ore;
    }
    int64_t owners = 0, yowners = 0;
    for (size_t o = 0; o < r->nowners; o++) {
        owners += r->owners[o].total_ore;
        yowners += r->owners[o].yearly_ore;
    }
    if (owners != pools || yowners != ypools || pools != r->total_ore || ypools != r->yearly_ore)
        return nytte_error(ctx, NYTTE_ECHECK, "allocate: owner amounts do not sum to the pools");
    return NYTTE_OK;
}
