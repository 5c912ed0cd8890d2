/*
 * facts.c — the rules that turn what the overlay and damage stages measured into the
 * facts of a parcel for the models (docs/models.md, Allocation: Benefit area, Dominant
 * use, Risk zones). The pipeline measures; these rules decide.
 */
#include "allocate/allocate_int.h"

#include <stdlib.h>

int nytte_alloc_dominant_uses(nytte_ctx *ctx, nytte_use *use, const nytte_inputs *in)
{
    size_t np = in->nparcels;
    double *area = calloc((np ? np : 1) * NYTTE_USE_COUNT, sizeof *area);
    if (!area)
        return nytte_nomem(ctx, "dominant use: %zu parcels", np);
    /* a building without floor area still shows its use, below any with floor area */
    for (size_t b = 0; b < in->nbuildings; b++) {
        const nytte_building *bd = &in->buildings[b];
        area[bd->parcel * NYTTE_USE_COUNT + bd->use] += bd->floor_area > 0 ? bd->floor_area : 1e-9;
    }
    for (size_t i = 0; i < np; i++) {
        /* the most floor area; ties go to the lower group number; no buildings: other */
        use[i] = NYTTE_USE_OTHER;
        double best = 0;
        for (int u = 0; u < NYTTE_USE_COUNT; u++)
            if (area[i * NYTTE_USE_COUNT + u] > best) {
                best = area[i * NYTTE_USE_COUNT + u];
                use[i] = (nytte_use)u;
            }
    }
    free(area);
    return NYTTE_OK;
}

bool nytte_alloc_in_benefit_area(double wet_without, double wet_with, double mean_without, double mean_with,
                                 bool by_exposure)
{
    /* groundwater and bluespots: a drain or a channel often lowers the water without drying
     * any of the plot, so a lower mean depth over the plot counts as "less" too */
    bool lower = by_exposure && mean_without == mean_without && mean_with == mean_with && mean_with < mean_without;
    return wet_without > 0 && (wet_with < wet_without || lower);
}

int nytte_alloc_risk_zone(double wet_first_event, double wet_design)
{
    return wet_first_event > 0 ? 1 : wet_design > 0 ? 2 : 0;
}
