/*
 * allocation.c — the allocation section: the model and the parameters of every model
 * (zones, parts, value levy, area, the hybrid mix, the contributors), the design event,
 * O&M, project-level deductions, the exemption and payment rules, and the models to
 * compare.
 */
#include "config/config_int.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A model name at v (NULL: CFG_ABSENT, already reported if required); the hybrid models
 * only with allow_hybrid. */
static int parse_model(loader *L, const ynode *v, const char *kp, nytte_alloc_model *out, int allow_hybrid)
{
    if (!v)
        return CFG_ABSENT;
    if (v->type != YT_SCALAR) {
        cfg_problem(L, v, NYTTE_ECONFIG, kp, "expected a model name");
        return NYTTE_ECONFIG;
    }
    int m = nytte_alloc_model_parse(v->text);
    if (m < 0 || (!allow_hybrid && (m == NYTTE_ALLOC_HYBRID || m == NYTTE_ALLOC_BENEFIT_AND_CONTRIBUTOR))) {
        cfg_problem(L, v, NYTTE_ECONFIG, kp, "unknown model '%s' (expected %s)", v->text,
                    allow_hybrid ? "benefit, parts, zones, value_levy, area, equal, contributor, "
                                   "benefit_and_contributor or hybrid"
                                 : "benefit, parts, zones, value_levy, area, equal or contributor");
        return NYTTE_ECONFIG;
    }
    *out = (nytte_alloc_model)m;
    return NYTTE_OK;
}

static void load_zones(loader *L, const ynode *z, nytte_alloc_zones_rule *r)
{
    const char *kp = "allocation.zones";
    cfg_map zm = cfg_map_at(L, z, kp, "allocation.zones");
    cfg_check_keys(&zm);
    size_t nu = 0, nf = 0;
    double *upper = NULL, *factor = NULL;
    cfg_get_num_list(&zm, "upper", -1000, &upper, &nu);
    cfg_get_num_list(&zm, "factor", 0, &factor, &nf);
    if (upper && factor) {
        if (nu != nf)
            cfg_problem(L, ytree_get(z, "factor"), NYTTE_ECONFIG, kp, "%zu factors for %zu bands (one factor per band)%s",
                        nf, nu, CFG_SPLIT_HINT(ytree_get(z, nf > nu ? "factor" : "upper")));
        else if (nu > NYTTE_ALLOC_MAX_BANDS)
            cfg_problem(L, ytree_get(z, "upper"), NYTTE_ECONFIG, kp, "at most %d bands", NYTTE_ALLOC_MAX_BANDS);
        else {
            cfg_check_increasing(L, ytree_get(z, "upper"), "allocation.zones.upper", upper, nu, 1, "band levels");
            r->nbands = nu;
            memcpy(r->upper, upper, nu * sizeof *upper);
            memcpy(r->factor, factor, nu * sizeof *factor);
        }
    }
    free(upper);
    free(factor);
    const ynode *u = ytree_get(z, "use_factor");
    if (u)
        cfg_get_use_map(L, u, "allocation.zones.use_factor", "allocation.zones.use_factor", r->use_factor, 0, 1e6);
    cfg_get_num(&zm, "min_area", 0, 1e7, &r->min_area);
}

static void load_parts(loader *L, const ynode *pt, nytte_alloc_parts_rule *r)
{
    cfg_map pm = cfg_map_at(L, pt, "allocation.parts", "allocation.parts");
    cfg_check_keys(&pm);
    cfg_get_num(&pm, "base", 0, 1e6, &r->base);
    cfg_get_num(&pm, "per_plot", 0, 1e6, &r->per_plot);
    cfg_get_num(&pm, "per_house", 0, 1e6, &r->per_house);
    cfg_get_num(&pm, "plot_flooded", 0, 1e6, &r->plot_flooded);
    cfg_get_num(&pm, "building_flooded", 0, 1e6, &r->building_flooded);
    cfg_get_num(&pm, "access_road", 0, 1e6, &r->access_road);
    cfg_get_num(&pm, "kote", -1000, 1000, &r->kote);
    cfg_get_num(&pm, "below_plot", 0, 1e6, &r->below_plot);
    cfg_get_num(&pm, "below_house", 0, 1e6, &r->below_house);
}

static void load_value_levy(loader *L, const ynode *v, nytte_alloc_levy_rule *r)
{
    cfg_map vm = cfg_map_at(L, v, "allocation.value_levy", "allocation.value_levy");
    cfg_check_keys(&vm);
    size_t n = 0;
    double *pm = NULL;
    cfg_get_num_list(&vm, "permille", 0, &pm, &n);
    if (pm && n > NYTTE_ALLOC_MAX_RISK_ZONES)
        cfg_problem(L, ytree_get(v, "permille"), NYTTE_ECONFIG, "allocation.value_levy.permille",
                    "at most %d risk zones", NYTTE_ALLOC_MAX_RISK_ZONES);
    else if (pm)
        memcpy(r->permille, pm, n * sizeof *pm);
    free(pm);
}

static void load_area(loader *L, const ynode *v, nytte_alloc_area_rule *r)
{
    cfg_map am = cfg_map_at(L, v, "allocation.area", "allocation.area");
    cfg_check_keys(&am);
    cfg_get_num(&am, "building", 0, 1e6, &r->a_building);
    cfg_get_num(&am, "plot", 0, 1e6, &r->b_plot);
}

/* The design event (a return period, default 100 years) or the design level. */
static void load_design(const cfg_map *am, nytte_project *p)
{
    const ynode *a = am->node;
    p->design_event = NAN;
    p->design_level = NAN;
    int has_ev = ytree_get(a, "design_event") != NULL, has_lv = ytree_get(a, "design_level") != NULL;
    if (has_ev && has_lv)
        cfg_problem(am->L, ytree_get(a, "design_level"), NYTTE_ECONFIG, "allocation",
                    "give design_event (a return period) or design_level (m), not both");
    else if (has_lv)
        cfg_get_num(am, "design_level", -100, 100, &p->design_level);
    else if (has_ev)
        cfg_get_num(am, "design_event", 1, 1e6, &p->design_event);
    else
        p->design_event = 100;
}

static void load_om(const cfg_map *am, nytte_project *p)
{
    char *om = NULL;
    if (cfg_get_str(am, "om", &om) == NYTTE_OK) {
        if (strcmp(om, "pv") == 0)
            p->om_mode = NYTTE_OM_PV;
        else if (strcmp(om, "yearly") == 0)
            p->om_mode = NYTTE_OM_YEARLY;
        else
            cfg_problem(am->L, ytree_get(am->node, "om"), NYTTE_ECONFIG, "allocation.om",
                        "unknown O&M treatment '%s' (expected pv: added to the pool as present value, or yearly: a "
                        "yearly charge)",
                        om);
    }
    free(om);
}

/* Project-level deductions belong to the single element; with several, each measure says its own. */
static void load_project_deductions(loader *L, const ynode *d, nytte_project *p)
{
    nytte_deduction_cfg *ded = NULL;
    size_t nd = 0;
    cfg_load_deductions(L, d, "allocation.deductions", "allocation.deductions[]", &ded, &nd);
    if (p->nmeasures == 1 && !p->measures[0].deductions) {
        p->measures[0].deductions = ded;
        p->measures[0].ndeductions = nd;
        return;
    }
    if (p->nmeasures > 1)
        cfg_problem(L, d, NYTTE_ECONFIG, "allocation.deductions",
                    "with several measures (separable elements) give deductions under each measure");
    for (size_t i = 0; i < nd; i++)
        free(ded[i].name);
    free(ded);
}

/* Who pays nothing, and the smallest and largest payment (and where they were given). */
static void load_rules(const cfg_map *am, nytte_project *p)
{
    nytte_alloc_config *c = &p->alloc;
    const ynode *mn = ytree_get(am->node, "min_payment"), *mx = ytree_get(am->node, "max_payment");
    if (mn)
        p->min_payment_at.line = mn->line, p->min_payment_at.col = mn->col;
    if (mx)
        p->max_payment_at.line = mx->line, p->max_payment_at.col = mx->col;
    cfg_get_bool(am, "exempt_unbuilt", &c->rules.exempt_unbuilt);
    cfg_get_bool(am, "exempt_land_only", &c->rules.exempt_land_only);
    cfg_get_num(am, "min_benefit", 0, 1e12, &c->rules.min_benefit);
    cfg_get_money(am, "min_payment", &c->rules.min_ore);
    cfg_get_money(am, "max_payment", &c->rules.max_ore);
    if (c->rules.max_ore > 0 && c->rules.min_ore > c->rules.max_ore)
        cfg_problem(am->L, ytree_get(am->node, "max_payment"), NYTTE_ECONFIG, "allocation.max_payment",
                    "is below min_payment");
}

/* A benefit-cap mode at v: off, warn or cap. */
static void parse_cap_mode(loader *L, const ynode *v, const char *kp, nytte_alloc_benefit_cap *out)
{
    for (int m = NYTTE_BENEFIT_CAP_OFF; v && v->type == YT_SCALAR && m <= NYTTE_BENEFIT_CAP_CAP; m++)
        if (!strcmp(v->text, nytte_alloc_benefit_cap_name((nytte_alloc_benefit_cap)m))) {
            *out = (nytte_alloc_benefit_cap)m;
            return;
        }
    if (v)
        cfg_problem(L, v, NYTTE_ECONFIG, kp, "expected off, warn or cap%s%s%s",
                    v->type == YT_SCALAR ? " (got '" : "", v->type == YT_SCALAR ? v->text : "",
                    v->type == YT_SCALAR ? "')" : "");
}

/*
 * The benefit safeguard: `benefit_cap: off | warn | cap`, or a mapping {mode, multiple,
 * residual_payer}; and whether the harmed are paid back (docs/models.md).
 */
static void load_benefit_cap(const cfg_map *am, nytte_project *p)
{
    loader *L = am->L;
    nytte_alloc_rules *r = &p->alloc.rules;
    cfg_get_bool(am, "compensate_harmed", &r->compensate_harmed);
    const ynode *v = ytree_get(am->node, "benefit_cap");
    if (!v || v->type != YT_MAP) {
        if (v && !(v->type == YT_SCALAR && !v->text[0]))
            parse_cap_mode(L, v, "allocation.benefit_cap", &r->benefit_cap);
        return;
    }
    cfg_map bm = cfg_map_at(L, v, "allocation.benefit_cap", "allocation.benefit_cap");
    cfg_check_keys(&bm);
    parse_cap_mode(L, cfg_get(&bm, "mode"), "allocation.benefit_cap.mode", &r->benefit_cap);
    double multiple = r->benefit_multiple;
    if (cfg_get_num(&bm, "multiple", 0, 1e6, &multiple) == NYTTE_OK) {
        if (!(multiple > 0))
            cfg_problem(L, ytree_get(v, "multiple"), NYTTE_ECONFIG, "allocation.benefit_cap.multiple",
                        "must be above 0 (1 = no parcel pays above its own benefit)");
        else
            r->benefit_multiple = multiple;
    }
    if (cfg_get_str(&bm, "residual_payer", &p->residual_payer) == NYTTE_OK)
        r->residual_payer = p->residual_payer;
}

/* The hybrid mix: a list of {model, fraction} whose fractions sum to 1. */
static void load_hybrid(loader *L, const ynode *m, nytte_alloc_config *c)
{
    if (m->type != YT_SEQ || m->n == 0 || m->n > NYTTE_ALLOC_MAX_MIX) {
        cfg_problem(L, m, NYTTE_ECONFIG, "allocation.hybrid", "expected a list of 1 to %d {model, fraction} items",
                    NYTTE_ALLOC_MAX_MIX);
        return;
    }
    double total = 0;
    for (size_t i = 0; i < m->n; i++) {
        char ip[64];
        snprintf(ip, sizeof ip, "allocation.hybrid[%zu]", i);
        const ynode *e = cfg_need_map(L, m->items[i], ip);
        if (!e)
            continue;
        cfg_map em = cfg_map_at(L, e, ip, "allocation.hybrid[]");
        cfg_check_keys(&em);
        parse_model(L, cfg_get(&em, "model"), ip, &c->hybrid.mix[i].model, 0);
        cfg_get_num(&em, "fraction", 0, 1, &c->hybrid.mix[i].fraction);
        total += c->hybrid.mix[i].fraction;
    }
    c->hybrid.n = m->n;
    if (fabs(total - 1.0) > 1e-9)
        cfg_problem(L, m, NYTTE_ECONFIG, "allocation.hybrid", "fractions sum to %g, not 1", total);
}

/* The parameters of the models: zones, parts, value levy, area and the hybrid mix. */
static void load_model_params(const cfg_map *am, nytte_alloc_config *c)
{
    loader *L = am->L;
    const ynode *a = am->node, *m;
    if ((m = ytree_get(a, "zones")) && cfg_need_map(L, m, "allocation.zones"))
        load_zones(L, m, &c->zones);
    if ((m = ytree_get(a, "parts")) && cfg_need_map(L, m, "allocation.parts"))
        load_parts(L, m, &c->parts);
    if ((m = ytree_get(a, "value_levy")) && cfg_need_map(L, m, "allocation.value_levy"))
        load_value_levy(L, m, &c->levy);
    if ((m = ytree_get(a, "area")) && cfg_need_map(L, m, "allocation.area"))
        load_area(L, m, &c->area);
    if ((m = ytree_get(a, "hybrid")))
        load_hybrid(L, m, c);
    else if (c->model == NYTTE_ALLOC_HYBRID)
        cfg_problem(L, a, NYTTE_ECONFIG, "allocation.hybrid", "missing (the hybrid model needs its mix)");
}

/* The contributors' share and the catchment hazard that says who they are. */
static void load_contributor(const cfg_map *am, nytte_project *p)
{
    cfg_get_num(am, "contributor_fraction", 0, 1, &p->alloc.contributor_fraction);
    char *ch = NULL;
    if (cfg_get_str(am, "contributor_hazard", &ch) == NYTTE_OK) {
        for (size_t i = 0; i < p->nhazards; i++)
            if (p->hazards[i].id && !strcmp(p->hazards[i].id, ch) && p->hazards[i].type == NYTTE_HAZARD_CATCHMENT)
                p->contributor_hazard = (long)i;
        if (p->contributor_hazard < 0)
            cfg_problem(am->L, ytree_get(am->node, "contributor_hazard"), NYTTE_ECONFIG,
                        "allocation.contributor_hazard", "'%s' is not the id of a catchment hazard", ch);
    }
    free(ch);
}

/* The models to compare share every parameter above; the chosen one comes first. */
static void load_compare(const cfg_map *am, nytte_project *p)
{
    loader *L = am->L;
    const nytte_alloc_config *c = &p->alloc;
    const ynode *cmp = ytree_get(am->node, "compare");
    size_t ncmp = cmp && cmp->type == YT_SEQ ? cmp->n : 0;
    if (cmp && cmp->type != YT_SEQ)
        cfg_problem(L, cmp, NYTTE_ECONFIG, "allocation.compare", "expected a list of model names");
    p->compare = calloc(ncmp + 1, sizeof *p->compare);
    if (!p->compare) {
        cfg_nomem(L, cmp ? cmp : am->node, "allocation.compare");
        return;
    }
    p->compare[0] = *c;
    p->ncompare = 1;
    for (size_t i = 0; i < ncmp; i++) {
        char ip[64];
        snprintf(ip, sizeof ip, "allocation.compare[%zu]", i);
        nytte_alloc_model mm;
        if (parse_model(L, cmp->items[i], ip, &mm, 1) != NYTTE_OK)
            continue;
        if (mm == NYTTE_ALLOC_HYBRID && c->hybrid.n == 0) {
            cfg_problem(L, cmp->items[i], NYTTE_ECONFIG, ip, "hybrid needs allocation.hybrid");
            continue;
        }
        int dup = 0;
        for (size_t k = 0; k < p->ncompare; k++)
            dup |= p->compare[k].model == mm;
        if (dup)
            continue;
        p->compare[p->ncompare] = *c;
        p->compare[p->ncompare].model = mm;
        p->ncompare++;
    }
}

/* A contributor model anywhere needs the catchment that says who sends the water. */
static void check_contributor_hazard(const cfg_map *am, const nytte_project *p)
{
    int uses = 0;
    for (size_t k = 0; k < p->ncompare; k++) {
        nytte_alloc_model mm = p->compare[k].model;
        uses |= mm == NYTTE_ALLOC_CONTRIBUTOR || mm == NYTTE_ALLOC_BENEFIT_AND_CONTRIBUTOR;
    }
    for (size_t k = 0; k < p->alloc.hybrid.n; k++)
        uses |= p->alloc.hybrid.mix[k].model == NYTTE_ALLOC_CONTRIBUTOR;
    if (uses && p->contributor_hazard < 0 && !ytree_get(am->node, "contributor_hazard"))
        cfg_problem(am->L, am->node, NYTTE_ECONFIG, "allocation.contributor_hazard",
                    "missing (the contributor models need the id of a catchment hazard)");
}

void cfg_load_allocation(loader *L, const ynode *a, nytte_project *p)
{
    cfg_map am = cfg_map_at(L, a, "allocation", "allocation");
    nytte_alloc_config *c = &p->alloc;
    cfg_check_keys(&am);
    parse_model(L, cfg_get(&am, "model"), "allocation.model", &c->model, 1);
    load_design(&am, p);
    load_om(&am, p);
    const ynode *d = ytree_get(a, "deductions");
    if (d)
        load_project_deductions(L, d, p);
    load_rules(&am, p);
    load_benefit_cap(&am, p);
    load_model_params(&am, c);
    load_contributor(&am, p);
    if (c->model == NYTTE_ALLOC_ZONES && c->zones.nbands == 0 && !ytree_get(a, "zones"))
        cfg_problem(L, a, NYTTE_ECONFIG, "allocation.zones", "missing (the zones model needs its bands)");
    load_compare(&am, p);
    check_contributor_hazard(&am, p);
}
