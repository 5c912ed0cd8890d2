/*
 * compare.c — each model of the report's comparison described in words for the council
 * (the comparison itself is nytte_alloc_compare).
 */
#include "report/report_int.h"

#include <stdlib.h>
#include <string.h>

char *nytte_report_model_words(char *buf, size_t size, const nytte_alloc_config *c)
{
    sbuf b = {0};
    switch (c->model) {
    case NYTTE_ALLOC_BENEFIT:
        sb_add(&b, "Benefit: each property pays in proportion to the present value of the flood damage the "
                   "measure avoids on it (expected annual damage without minus with, discounted).");
        break;
    case NYTTE_ALLOC_PARTS:
        sb_printf(&b, "Parts: each property is given parts by a rule table (base %g, per plot %g, per house %g, "
                      "plot flooded %g, building flooded %g, access road %g",
                  c->parts.base, c->parts.per_plot, c->parts.per_house, c->parts.plot_flooded,
                  c->parts.building_flooded, c->parts.access_road);
        if (c->parts.kote == c->parts.kote)
            sb_printf(&b, ", below kote %.2f m: plot %g, house %g", c->parts.kote, c->parts.below_plot,
                      c->parts.below_house);
        sb_add(&b, "); the cost is split in proportion to the parts.");
        break;
    case NYTTE_ALLOC_ZONES:
        sb_add(&b, "Zones: weight = band factor × use factor × floor area (at least ");
        sb_printf(&b, "%g m²). The band is set by the lowest ground level of the plot:", c->zones.min_area);
        for (size_t k = 0; k < c->zones.nbands; k++)
            sb_printf(&b, "%s up to kote %.2f m factor %g", k ? ";" : "", c->zones.upper[k], c->zones.factor[k]);
        sb_add(&b, "; higher plots pay nothing. Use factors:");
        for (int u = 0; u < NYTTE_USE_COUNT; u++)
            sb_printf(&b, "%s %s %g", u ? "," : "", nytte_use_name((nytte_use)u), c->zones.use_factor[u]);
        sb_add(&b, ". The cost is split in proportion to the weights.");
        break;
    case NYTTE_ALLOC_VALUE_LEVY:
        sb_add(&b, "Value levy: weight = a per mille rate of the public property value by risk zone (");
        for (int k = 1; k < 3 && k < NYTTE_ALLOC_MAX_RISK_ZONES; k++)
            sb_printf(&b, "%szone %d: %g ‰", k > 1 ? ", " : "", k, c->levy.permille[k]);
        sb_add(&b, "); the cost is split in proportion.");
        break;
    case NYTTE_ALLOC_AREA:
        sb_printf(&b, "Area: weight = %g × building area + %g × plot area (m²); the cost is split in proportion.",
                  c->area.a_building, c->area.b_plot);
        break;
    case NYTTE_ALLOC_EQUAL:
        sb_add(&b, "Equal: every property in the benefit area pays the same.");
        break;
    case NYTTE_ALLOC_HYBRID:
        sb_add(&b, "Hybrid: a weighted mix of the normalised weights of");
        for (size_t k = 0; k < c->hybrid.n; k++)
            sb_printf(&b, "%s %g × %s", k ? "," : "", c->hybrid.mix[k].fraction,
                      nytte_alloc_model_name(c->hybrid.mix[k].model));
        sb_add(&b, ".");
        break;
    default:
        sb_printf(&b, "Model %s.", nytte_alloc_model_name(c->model));
        break;
    }
    if (c->rules.exempt_unbuilt)
        sb_add(&b, " Unbuilt plots are dormant and pay nothing until built.");
    if (c->rules.exempt_land_only)
        sb_add(&b, " Plots that flood while their buildings stay dry pay nothing.");
    const nytte_money_style kr = NYTTE_MONEY_KR;
    char amount[48];
    if (c->rules.min_ore > 0)
        sb_printf(&b, " Minimum payment %s.", nytte_money_format(amount, sizeof amount, &kr, c->rules.min_ore));
    if (c->rules.max_ore > 0)
        sb_printf(&b, " Maximum payment %s.", nytte_money_format(amount, sizeof amount, &kr, c->rules.max_ore));
    char mult[32] = "";
    if (c->rules.benefit_multiple != 1.0)
        snprintf(mult, sizeof mult, "%g × ", c->rules.benefit_multiple);
    if (c->rules.benefit_cap == NYTTE_BENEFIT_CAP_CAP)
        sb_printf(&b, " No property pays more than %sits own benefit (the present value of the damage avoided on it); "
                      "what the others cannot cover is paid by %s.",
                  mult, c->rules.residual_payer ? c->rules.residual_payer : "the residual payer");
    else if (c->rules.benefit_cap == NYTTE_BENEFIT_CAP_WARN)
        sb_printf(&b, " Properties that pay more than %stheir own benefit are listed, not limited.", mult);
    if (c->rules.compensate_harmed)
        sb_add(&b, " Properties the measure harms are paid their loss back out of the pool.");
    snprintf(buf, size, "%s", b.s && !b.failed ? b.s : "");
    free(b.s);
    return buf;
}
