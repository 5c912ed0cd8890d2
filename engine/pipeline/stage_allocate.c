/*
 * stage_allocate.c — the allocation stage: per element, the facts of every parcel from
 * what the overlay, the damage stage and the catchment measured, decided by the
 * allocation module's rules (benefit area, dominant use, docs/models.md); the model run
 * to the øre (nytte_allocate_run, which ends with the accounting check); then each owner's
 * loan (finance); and every model of allocation.compare on the same facts, for the report
 * and `nytte compare`.
 */
#include "pipeline/pipeline_int.h"

#include <stdlib.h>
#include <string.h>

/* The facts of every parcel for element e (scenario 1 + e: with the element alone). */
static void element_facts(run_state *s, size_t e, const nytte_use *use)
{
    const nytte_project *p = s->p;
    size_t np = s->in.nparcels, nb = s->in.nbuildings, nr = s->nrasters, with = 1 + e;
    nytte_hazard_type ht = p->hazards[p->primary_hazard].type;
    /* against groundwater and bluespots a lower exposure over the plot counts as less water */
    bool by_exposure = ht == NYTTE_HAZARD_GROUNDWATER || ht == NYTTE_HAZARD_BLUESPOT;
    nytte_alloc_parcel *f = s->facts + e * np;
    for (size_t i = 0; i < np; i++) {
        const nytte_parcel *pc = &s->in.parcels[i];
        const nytte_parcel_metrics *m = &s->metrics[i];
        const nytte_zonal_stats *dn = &s->pstats[i * nr + s->design_k];
        const nytte_zonal_stats *dw = &s->pstats[i * nr + with * s->nlev + s->design_k];
        f[i] = (nytte_alloc_parcel){
            .id = pc->id,
            .in_area = nytte_alloc_in_benefit_area(m->wet_design, dw->above[0], dn->mean, dw->mean, by_exposure),
            .built = m->nbuildings > 0,
            .nbuildings = m->nbuildings,
            /* an overlap with another parcel counts half in each: the pair's plot areas sum to their union */
            .plot_area = pc->area - 0.5 * pc->shared_area,
            .building_area = m->building_area,
            .floor_area = m->floor_area,
            .property_value = pc->property_value,
            .use = use[i],
            .plot_flooded = m->wet_design > 0,
            .building_flooded = m->building_flooded,
            .access_road_only = false,
            .ref_level = m->ground_min == m->ground_min ? m->ground_min : INFINITY,
            .floor_level = NAN,
            .risk_zone = m->risk_zone,
            .benefit = 0,
            .flags = 0,
            .contributor = s->contributor ? s->contributor[i] : 0.0,
        };
    }
    for (size_t b = 0; b < nb; b++) {
        f[s->in.buildings[b].parcel].benefit += pipeline_benefit_pv(s, b, with);
        f[s->in.buildings[b].parcel].avoided_ead += pipeline_avoided_ead(s, b, with);
    }
}

/* Element e's pool as the project gives it. */
static void element_pool(run_state *s, size_t e)
{
    const nytte_project *p = s->p;
    const nytte_measure_cfg *mc = &p->measures[e];
    nytte_alloc_element *el = &s->elements[e];
    el->id = mc->id;
    el->parcels = s->facts + e * s->in.nparcels;
    el->config = NULL;
    el->pool.capex_ore = mc->capex;
    el->pool.om_ore_per_year = mc->om_per_year;
    el->pool.lifetime_years = mc->lifetime;
    el->pool.discount_rate = p->discount_rate;
    el->pool.om_mode = p->om_mode;
    el->pool.ndeductions = mc->ndeductions;
    for (size_t d = 0; d < mc->ndeductions; d++)
        el->pool.deductions[d] = (nytte_alloc_deduction){mc->deductions[d].name, mc->deductions[d].kind,
                                                         mc->deductions[d].percent >= 0, mc->deductions[d].amount,
                                                         mc->deductions[d].percent};
}

/*
 * A project-file problem the allocation finds (NYTTE_ECONFIG) says where in the project
 * file, as the loader's problems do: payment caps that no split can meet point at
 * allocation.min_payment or max_payment (the one the message is about; allocate.h gives
 * the message), anything else at the project file.
 */
static void allocation_where(const run_state *s)
{
    const nytte_project *p = s->p;
    const char *msg = nytte_ctx_errmsg(s->ctx);
    if (strstr(msg, ": infeasible payment caps: ")) {
        bool max = strstr(msg, " × maximum ") != NULL;
        const char *key = max ? "max_payment" : "min_payment";
        int line = max ? p->max_payment_at.line : p->min_payment_at.line;
        int col = max ? p->max_payment_at.col : p->min_payment_at.col;
        if (line > 0) {
            nytte_error_prefix(s->ctx, "%s:%d:%d: allocation.%s", p->path, line, col, key);
            return;
        }
    }
    nytte_error_prefix(s->ctx, "%s", p->path);
}

int pipeline_allocate(run_state *s)
{
    nytte_ctx *ctx = s->ctx;
    const nytte_project *p = s->p;
    size_t np = s->in.nparcels, ne = p->nmeasures;
    s->facts = calloc(ne * np, sizeof *s->facts);
    s->elements = calloc(ne, sizeof *s->elements);
    s->holdings = calloc(s->in.nholdings ? s->in.nholdings : 1, sizeof *s->holdings);
    nytte_use *use = calloc(np ? np : 1, sizeof *use);
    int rc = NYTTE_OK;
    if (!s->facts || !s->elements || !s->holdings || !use) {
        rc = nytte_nomem(ctx, "allocation: %zu parcels", np);
        goto cleanup;
    }
    if ((rc = nytte_alloc_dominant_uses(ctx, use, &s->in)))
        goto cleanup;
    for (size_t e = 0; e < ne; e++) {
        element_facts(s, e, use);
        element_pool(s, e);
    }
    for (size_t h = 0; h < s->in.nholdings; h++)
        s->holdings[h] = (nytte_alloc_holding){s->in.holdings[h].parcel, s->in.owners[s->in.holdings[h].owner].id,
                                               s->in.holdings[h].share};
    s->ain = (nytte_alloc_input){np, s->elements, ne, s->holdings, s->in.nholdings, &p->alloc,
                                 /* what the benefit facts are, for the explanations (pipeline_benefit_pv) */
                                 .benefit = {p->discount_rate, p->horizon, s->ead_end != NULL}};
    /* every level sums to its pool, to the øre, or nothing is written: nytte_allocate_run checks */
    if ((rc = nytte_allocate_run(ctx, &s->alloc, &s->ain)) == NYTTE_ECONFIG)
        allocation_where(s);
cleanup:
    free(use);
    return rc;
}

int pipeline_compare(run_state *s)
{
    const nytte_project *p = s->p;
    if (!p->ncompare)
        return NYTTE_OK;
    int rc = nytte_alloc_compare(s->ctx, &s->models, &s->ain, p->compare, p->ncompare);
    if (!rc)
        s->nmodels = p->ncompare;
    return rc;
}

int pipeline_finance(run_state *s)
{
    nytte_ctx *ctx = s->ctx;
    const nytte_alloc_result *r = s->alloc;
    s->loans = calloc(r->nowners ? r->nowners : 1, sizeof *s->loans);
    if (!s->loans)
        return nytte_nomem(ctx, "finance: %zu owners", r->nowners);
    for (size_t o = 0; o < r->nowners; o++) {
        int rc = nytte_loan_calc(ctx, &s->loans[o], &s->p->loan, r->owners[o].total_ore);
        if (rc) {
            nytte_error_prefix(ctx, "owner %s", r->owners[o].id);
            return rc;
        }
    }
    return NYTTE_OK;
}
