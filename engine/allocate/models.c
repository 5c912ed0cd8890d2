/*
 * models.c — the weight of one parcel under each allocation model (benefit, parts,
 * zones, value_levy, area, equal; hybrid mixes these in run.c) and the checks of the
 * model parameters.
 */
#include "allocate/allocate_int.h"

#include <string.h>

static const char *const model_names[NYTTE_ALLOC_MODEL_COUNT] = {
    "benefit", "parts", "zones", "value_levy", "area", "equal", "hybrid", "contributor", "benefit_and_contributor"};

const char *nytte_alloc_model_name(nytte_alloc_model m)
{
    return (unsigned)m < NYTTE_ALLOC_MODEL_COUNT ? model_names[m] : "unknown";
}

int nytte_alloc_model_parse(const char *s)
{
    for (int i = 0; i < NYTTE_ALLOC_MODEL_COUNT; i++)
        if (strcmp(s, model_names[i]) == 0)
            return i;
    return -1;
}

void nytte_alloc_config_init(nytte_alloc_config *cfg)
{
    *cfg = (nytte_alloc_config)NYTTE_ALLOC_CONFIG_INIT;
}

static const char *const exempt_reasons[] = {
    "", "outside the benefit area", "unbuilt (dormant)", "plot flooded, buildings dry", "benefit below the minimum",
    "weight 0", "weight below the minimum", "harmed by the element (compensated)"};

const char *nytte_alloc_exempt_reason(nytte_alloc_exempt e)
{
    return (unsigned)e < sizeof exempt_reasons / sizeof *exempt_reasons ? exempt_reasons[e] : "?";
}

static bool bad(double v) { return !(v >= 0.0) || !isfinite(v); }

static int check_one(nytte_ctx *ctx, const nytte_alloc_config *cfg, nytte_alloc_model m, const char *el)
{
    switch (m) {
    case NYTTE_ALLOC_BENEFIT:
    case NYTTE_ALLOC_EQUAL:
        return NYTTE_OK;
    case NYTTE_ALLOC_PARTS: {
        const nytte_alloc_parts_rule *p = &cfg->parts;
        const double v[] = {p->base, p->per_plot, p->per_house, p->plot_flooded, p->building_flooded,
                            p->access_road, p->below_plot, p->below_house};
        for (size_t i = 0; i < sizeof v / sizeof *v; i++)
            if (bad(v[i]))
                return nytte_error(ctx, NYTTE_ECONFIG, "element %s: parts: every part count must be >= 0", el);
        if (p->ncriteria > NYTTE_ALLOC_MAX_CRITERIA)
            return nytte_error(ctx, NYTTE_ECONFIG, "element %s: parts: more than %d criteria", el,
                               NYTTE_ALLOC_MAX_CRITERIA);
        for (size_t i = 0; i < p->ncriteria; i++)
            if (bad(p->criteria[i].parts) || p->criteria[i].bit >= 32)
                return nytte_error(ctx, NYTTE_ECONFIG, "element %s: parts: criterion \"%s\": bit must be 0..31 and parts >= 0",
                                   el, p->criteria[i].name ? p->criteria[i].name : "?");
        return NYTTE_OK;
    }
    case NYTTE_ALLOC_ZONES: {
        const nytte_alloc_zones_rule *z = &cfg->zones;
        if (z->nbands == 0 || z->nbands > NYTTE_ALLOC_MAX_BANDS)
            return nytte_error(ctx, NYTTE_ECONFIG, "element %s: zones: need 1..%d bands", el, NYTTE_ALLOC_MAX_BANDS);
        for (size_t b = 0; b < z->nbands; b++) {
            if (!isfinite(z->upper[b]) || bad(z->factor[b]) || (b > 0 && !(z->upper[b] > z->upper[b - 1])))
                return nytte_error(ctx, NYTTE_ECONFIG,
                                   "element %s: zones: band %zu: upper levels must increase and factors be >= 0", el,
                                   b + 1);
        }
        for (int u = 0; u < NYTTE_USE_COUNT; u++)
            if (bad(z->use_factor[u]))
                return nytte_error(ctx, NYTTE_ECONFIG, "element %s: zones: use factor of %s must be >= 0", el,
                                   nytte_use_name((nytte_use)u));
        if (bad(z->min_area))
            return nytte_error(ctx, NYTTE_ECONFIG, "element %s: zones: minimum area must be >= 0", el);
        return NYTTE_OK;
    }
    case NYTTE_ALLOC_VALUE_LEVY:
        for (int i = 0; i < NYTTE_ALLOC_MAX_RISK_ZONES; i++)
            if (bad(cfg->levy.permille[i]))
                return nytte_error(ctx, NYTTE_ECONFIG, "element %s: value_levy: rate of zone %d must be >= 0", el, i);
        return NYTTE_OK;
    case NYTTE_ALLOC_AREA:
        if (bad(cfg->area.a_building) || bad(cfg->area.b_plot))
            return nytte_error(ctx, NYTTE_ECONFIG, "element %s: area: factors must be >= 0", el);
        return NYTTE_OK;
    case NYTTE_ALLOC_CONTRIBUTOR:
        return NYTTE_OK;
    case NYTTE_ALLOC_BENEFIT_AND_CONTRIBUTOR:
        if (!(cfg->contributor_fraction >= 0.0 && cfg->contributor_fraction <= 1.0))
            return nytte_error(ctx, NYTTE_ECONFIG,
                               "element %s: benefit_and_contributor: contributor fraction must be in [0, 1] (got %g)", el,
                               cfg->contributor_fraction);
        return NYTTE_OK;
    default:
        return nytte_error(ctx, NYTTE_ECONFIG, "element %s: unknown model %d", el, (int)m);
    }
}

int alloc_config_check(nytte_ctx *ctx, const nytte_alloc_config *cfg, const char *el)
{
    const nytte_alloc_rules *r = &cfg->rules;
    if (bad(r->min_benefit) || bad(r->min_weight) || r->min_ore < 0 || r->max_ore < 0 ||
        (r->max_ore > 0 && r->max_ore < r->min_ore))
        return nytte_error(ctx, NYTTE_ECONFIG, "element %s: rules: thresholds must be >= 0 and min payment <= max payment",
                           el);
    if ((unsigned)r->benefit_cap > NYTTE_BENEFIT_CAP_CAP ||
        (r->benefit_cap != NYTTE_BENEFIT_CAP_OFF && (bad(r->benefit_multiple) || !(r->benefit_multiple > 0.0))))
        return nytte_error(ctx, NYTTE_ECONFIG, "element %s: rules: benefit cap needs off, warn or cap and a multiple > 0",
                           el);
    if (cfg->model != NYTTE_ALLOC_HYBRID)
        return check_one(ctx, cfg, cfg->model, el);
    const nytte_alloc_mix_rule *h = &cfg->hybrid;
    if (h->n == 0 || h->n > NYTTE_ALLOC_MAX_MIX)
        return nytte_error(ctx, NYTTE_ECONFIG, "element %s: hybrid: need 1..%d components", el, NYTTE_ALLOC_MAX_MIX);
    double total = 0.0;
    for (size_t k = 0; k < h->n; k++) {
        if (h->mix[k].model == NYTTE_ALLOC_HYBRID || h->mix[k].model == NYTTE_ALLOC_BENEFIT_AND_CONTRIBUTOR)
            return nytte_error(ctx, NYTTE_ECONFIG, "element %s: hybrid: a component cannot be %s", el,
                               nytte_alloc_model_name(h->mix[k].model));
        if (bad(h->mix[k].fraction))
            return nytte_error(ctx, NYTTE_ECONFIG, "element %s: hybrid: fractions must be >= 0", el);
        total += h->mix[k].fraction;
        int rc = check_one(ctx, cfg, h->mix[k].model, el);
        if (rc)
            return rc;
    }
    if (!(total > 0.0))
        return nytte_error(ctx, NYTTE_ECONFIG, "element %s: hybrid: fractions sum to 0", el);
    return NYTTE_OK;
}

int alloc_model_weight(nytte_ctx *ctx, double *w, nytte_alloc_line *line, nytte_alloc_model model,
                       const nytte_alloc_config *cfg, const nytte_alloc_parcel *p, const char *el)
{
    *w = 0.0;
    switch (model) {
    case NYTTE_ALLOC_BENEFIT:
        if (!isfinite(p->benefit))
            return nytte_error(ctx, NYTTE_EINPUT, "element %s: parcel %s: benefit is unknown", el, p->id);
        /* A measure can worsen a parcel (negative benefit): it then pays nothing. */
        *w = p->benefit > 0 ? p->benefit : 0.0;
        return NYTTE_OK;
    case NYTTE_ALLOC_EQUAL:
        *w = 1.0;
        return NYTTE_OK;
    case NYTTE_ALLOC_CONTRIBUTOR:
        if (bad(p->contributor))
            return nytte_error(ctx, NYTTE_EINPUT, "element %s: parcel %s: contributor weight unknown or negative", el,
                               p->id);
        line->contributor = p->contributor;
        *w = p->contributor;
        return NYTTE_OK;
    case NYTTE_ALLOC_AREA:
        if (bad(p->building_area) || bad(p->plot_area))
            return nytte_error(ctx, NYTTE_EINPUT, "element %s: parcel %s: plot or building area unknown or negative", el,
                               p->id);
        *w = cfg->area.a_building * p->building_area + cfg->area.b_plot * p->plot_area;
        return NYTTE_OK;
    case NYTTE_ALLOC_VALUE_LEVY: {
        if (p->risk_zone < 0 || p->risk_zone >= NYTTE_ALLOC_MAX_RISK_ZONES)
            return nytte_error(ctx, NYTTE_EINPUT, "element %s: parcel %s: risk zone %d out of range", el, p->id,
                               p->risk_zone);
        double rate = cfg->levy.permille[p->risk_zone];
        line->levy_permille = rate;
        if (rate == 0.0)
            return NYTTE_OK;
        if (bad(p->property_value))
            return nytte_error(ctx, NYTTE_EINPUT, "element %s: parcel %s: property value unknown", el, p->id);
        *w = rate / 1000.0 * p->property_value;
        return NYTTE_OK;
    }
    case NYTTE_ALLOC_ZONES: {
        const nytte_alloc_zones_rule *z = &cfg->zones;
        if (!isfinite(p->ref_level))
            return nytte_error(ctx, NYTTE_EINPUT, "element %s: parcel %s: reference level unknown", el, p->id);
        if ((unsigned)p->use >= NYTTE_USE_COUNT)
            return nytte_error(ctx, NYTTE_EINPUT, "element %s: parcel %s: bad use group %d", el, p->id, (int)p->use);
        int band = -1;
        for (size_t b = 0; b < z->nbands && band < 0; b++)
            if (p->ref_level <= z->upper[b])
                band = (int)b;
        double area = p->built && p->floor_area > 0 ? p->floor_area : 0.0;
        if (area < z->min_area)
            area = z->min_area;
        line->band = band;
        line->band_factor = band >= 0 ? z->factor[band] : 0.0;
        line->use_factor = z->use_factor[p->use];
        line->area_used = area;
        *w = line->band_factor * line->use_factor * area;
        return NYTTE_OK;
    }
    case NYTTE_ALLOC_PARTS: {
        const nytte_alloc_parts_rule *r = &cfg->parts;
        int nb = p->nbuildings > 0 ? p->nbuildings : 0;
        double parts = r->base + r->per_plot + r->per_house * nb;
        if (p->plot_flooded)
            parts += r->plot_flooded;
        if (p->building_flooded)
            parts += r->building_flooded;
        if (p->access_road_only && !p->plot_flooded && !p->building_flooded)
            parts += r->access_road;
        if (!isnan(r->kote)) {
            double floor = isnan(p->floor_level) ? p->ref_level : p->floor_level;
            if ((r->below_plot > 0 && !isfinite(p->ref_level)) || (r->below_house > 0 && nb > 0 && !isfinite(floor)))
                return nytte_error(ctx, NYTTE_EINPUT, "element %s: parcel %s: level unknown for the kote %.2f rule", el,
                                   p->id, r->kote);
            if (p->ref_level < r->kote)
                parts += r->below_plot;
            if (floor < r->kote)
                parts += r->below_house * nb;
        }
        for (size_t c = 0; c < r->ncriteria; c++)
            if (p->flags & (1u << r->criteria[c].bit))
                parts += r->criteria[c].parts;
        line->parts = parts;
        *w = parts;
        return NYTTE_OK;
    }
    default:
        return nytte_error(ctx, NYTTE_ECONFIG, "element %s: model %s has no per-parcel weight", el,
                           nytte_alloc_model_name(model));
    }
}

bool alloc_uses_contributor(const nytte_alloc_config *cfg)
{
    if (cfg->model == NYTTE_ALLOC_CONTRIBUTOR || cfg->model == NYTTE_ALLOC_BENEFIT_AND_CONTRIBUTOR)
        return true;
    if (cfg->model == NYTTE_ALLOC_HYBRID)
        for (size_t k = 0; k < cfg->hybrid.n && k < NYTTE_ALLOC_MAX_MIX; k++)
            if (cfg->hybrid.mix[k].model == NYTTE_ALLOC_CONTRIBUTOR)
                return true;
    return false;
}

size_t alloc_mix_components(const nytte_alloc_config *cfg, nytte_alloc_model *models, double *fractions)
{
    if (cfg->model == NYTTE_ALLOC_BENEFIT_AND_CONTRIBUTOR) {
        models[0] = NYTTE_ALLOC_BENEFIT;
        fractions[0] = 1.0 - cfg->contributor_fraction;
        models[1] = NYTTE_ALLOC_CONTRIBUTOR;
        fractions[1] = cfg->contributor_fraction;
        return 2;
    }
    if (cfg->model != NYTTE_ALLOC_HYBRID)
        return 0;
    for (size_t k = 0; k < cfg->hybrid.n; k++) {
        models[k] = cfg->hybrid.mix[k].model;
        fractions[k] = cfg->hybrid.mix[k].fraction;
    }
    return cfg->hybrid.n;
}
