/*
 * stage_damage.c — the damage stage: per building, depth above the floor → damage per
 * event → EAD per scenario (and at the end of the horizon with a sea-level rise); per
 * parcel, what the overlay and the buildings say (ground, wet area, risk zone, floor area,
 * value, EAD with and without, benefit); per element, its economics (docs/models.md,
 * Damage).
 */
#include "pipeline/pipeline_int.h"

#include <stdlib.h>

static double stat_or_zero(double v) { return v == v ? v : 0.0; }

/*
 * Damage depth of building b in raster r (m above the floor). Groundwater exposure is
 * water above the basement floor (the threshold depth), so the ground floor's height
 * above the terrain is not subtracted (docs/models.md, Groundwater damage).
 */
static double building_depth(const run_state *s, size_t b, size_t r)
{
    const nytte_zonal_stats *st = &s->bstats[b * s->nrasters + r];
    bool basement = s->p->hazards[s->p->primary_hazard].type == NYTTE_HAZARD_GROUNDWATER;
    return nytte_damage_depth(s->p->damage.depth_stat, st->mean, st->max,
                              basement ? 0.0 : s->in.buildings[b].floor_height);
}

/* Avoided EAD as it is: negative when the measure raises the damage (harm), 0 when unknown. */
static double avoided_or_zero(double without, double with)
{
    double a = nytte_avoided_ead(without, with);
    return a == a ? a : 0.0;
}

double pipeline_avoided_ead(const run_state *s, size_t b, size_t with)
{
    size_t nb = s->in.nbuildings;
    return avoided_or_zero(s->ead[b], s->ead[with * nb + b]);
}

double pipeline_benefit_pv(const run_state *s, size_t b, size_t with)
{
    size_t nb = s->in.nbuildings;
    double now = pipeline_avoided_ead(s, b, with);
    if (!s->ead_end)
        return nytte_pv_factor(s->p->discount_rate, s->p->horizon) * now;
    double end = avoided_or_zero(s->ead_end[b], s->ead_end[with * nb + b]);
    return nytte_pv_ramp(s->p->discount_rate, s->p->horizon, now, end);
}

/* EAD of every building in every scenario (s->ead; s->ead_end at the end of the horizon). */
static int building_eads(run_state *s, const double *value)
{
    nytte_ctx *ctx = s->ctx;
    const nytte_project *p = s->p;
    const nytte_hazard_cfg *h = &p->hazards[p->primary_hazard];
    size_t nb = s->in.nbuildings, nev = s->nev, nadj_total = 0;
    double *D = calloc((nb ? nb : 1) * nev, sizeof *D);
    nytte_ead *e = calloc(nb ? nb : 1, sizeof *e);
    const char **ids = calloc(nb ? nb : 1, sizeof *ids);
    s->ead = calloc(s->nscen * (nb ? nb : 1), sizeof *s->ead);
    if (s->nepoch > 1)
        s->ead_end = calloc(s->nscen * (nb ? nb : 1), sizeof *s->ead_end);
    int rc = NYTTE_OK;
    if (!D || !e || !ids || !s->ead || (s->nepoch > 1 && !s->ead_end)) {
        rc = nytte_nomem(ctx, "damage: %zu buildings", nb);
        goto cleanup;
    }
    for (size_t b = 0; b < nb; b++)
        ids[b] = s->in.buildings[b].id;
    for (size_t ep = 0; ep < s->nepoch; ep++) {
        double *dst = ep ? s->ead_end : s->ead;
        for (size_t sc = 0; sc < s->nscen; sc++) {
            for (size_t b = 0; b < nb; b++)
                for (size_t k = 0; k < nev; k++)
                    D[b * nev + k] = nytte_damage_at_depth(&p->damage, s->in.buildings[b].use, value[b],
                                                           building_depth(s, b, (ep * s->nscen + sc) * s->nlev + k));
            size_t nadj = 0;
            if (nb && (rc = nytte_ead_table(ctx, e, &nadj, &p->ead, h->return_periods, nev, D, nb, ids)))
                goto cleanup;
            nadj_total += nadj;
            for (size_t b = 0; b < nb; b++)
                dst[sc * nb + b] = e[b].ead;
        }
    }
    if (nadj_total)
        nytte_log(ctx, NYTTE_LOG_INFO, "damage: %zu building series raised to be non-decreasing in return period",
                  nadj_total);
cleanup:
    free(D);
    free(e);
    free((void *)ids);
    return rc;
}

/* Parcels beyond the terrain are reported, never dropped: their outside part counts as dry. */
static void warn_outside(const run_state *s)
{
    size_t npart = 0, nwhole = 0;
    const char *example = NULL;
    for (size_t i = 0; i < s->in.nparcels; i++) {
        const nytte_parcel_metrics *m = &s->metrics[i];
        if (!(m->outside_area > 1e-6 * s->in.parcels[i].area))
            continue;
        int whole = !(s->tstats[i].valid_area > 0);
        nwhole += whole;
        npart += !whole;
        if (!example)
            example = s->in.parcels[i].id;
        nytte_log(s->ctx, NYTTE_LOG_INFO, "parcel %s: %.1f m² of %.1f m² lie outside the terrain%s",
                  s->in.parcels[i].id, m->outside_area, s->in.parcels[i].area,
                  whole ? " (all of it, or over nodata)" : "");
    }
    if (npart + nwhole)
        nytte_log(s->ctx, NYTTE_LOG_WARN,
                  "%zu parcels lie partly and %zu wholly outside the terrain or over nodata (e.g. %s); their part "
                  "outside counts as not flooded (-v lists them)",
                  npart, nwhole, example);
}

/* What the overlay says of each parcel, and what its buildings add up to. */
static void parcel_metrics(run_state *s, const double *value)
{
    size_t np = s->in.nparcels, nb = s->in.nbuildings, all = s->nscen - 1, dk = s->design_k, nr = s->nrasters;
    for (size_t i = 0; i < np; i++) {
        nytte_parcel_metrics *m = &s->metrics[i];
        const nytte_zonal_stats *t = &s->tstats[i];
        m->ground_min = t->min;
        m->ground_mean = t->mean;
        m->outside_area = t->outside_area;
        const nytte_zonal_stats *d = &s->pstats[i * nr + dk];
        m->wet_design = d->above[0];
        m->depth_design = stat_or_zero(d->max);
        m->risk_zone = nytte_alloc_risk_zone(s->pstats[i * nr + 0].above[0], m->wet_design);
    }
    warn_outside(s);
    for (size_t b = 0; b < nb; b++) {
        const nytte_building *bd = &s->in.buildings[b];
        nytte_parcel_metrics *m = &s->metrics[bd->parcel];
        m->nbuildings++;
        m->floor_area += bd->floor_area;
        m->building_area += bd->geom.kind == NYTTE_GEOM_POLYGON ? nytte_geom_area(&bd->geom) : 0.0;
        m->value += value[b];
        m->building_flooded |= building_depth(s, b, dk) > 0;
        m->ead_without += s->ead[b];
        m->ead_with += s->ead[all * nb + b];
        m->benefit_pv += pipeline_benefit_pv(s, b, all);
    }
}

/* Economics per element: the summed avoided EAD against capex and O&M. */
static int element_economics(run_state *s)
{
    nytte_ctx *ctx = s->ctx;
    const nytte_project *p = s->p;
    size_t nb = s->in.nbuildings, ne = p->nmeasures;
    s->element_pv = calloc(ne ? ne : 1, sizeof *s->element_pv);
    s->element_ead = calloc(2 * (ne ? ne : 1), sizeof *s->element_ead);
    if (!s->element_pv || !s->element_ead)
        return nytte_nomem(ctx, "damage: %zu elements", ne);
    for (size_t el = 0; el < ne; el++) {
        double without = 0, with = 0, without_end = 0, with_end = 0;
        for (size_t b = 0; b < nb; b++) {
            without += s->ead[b];
            with += s->ead[(1 + el) * nb + b];
            without_end += s->ead_end ? s->ead_end[b] : s->ead[b];
            with_end += s->ead_end ? s->ead_end[(1 + el) * nb + b] : s->ead[(1 + el) * nb + b];
        }
        s->element_ead[2 * el] = without;
        s->element_ead[2 * el + 1] = with;
        const nytte_measure_cfg *m = &p->measures[el];
        int rc = nytte_project_pv_calc(ctx, &s->element_pv[el], without - with, without_end - with_end, m->capex,
                                       m->om_per_year, p->discount_rate, p->horizon);
        if (rc) {
            nytte_error_prefix(ctx, "measure %s", m->id);
            return rc;
        }
        nytte_log(ctx, NYTTE_LOG_INFO,
                  "%s: EAD %.0f kr/yr without, %.0f with; PV of benefits %.0f kr, of costs %.0f kr; benefit-cost "
                  "ratio %.2f",
                  m->id, without, with, s->element_pv[el].pv_benefits, s->element_pv[el].pv_costs,
                  s->element_pv[el].bcr);
    }
    return NYTTE_OK;
}

int pipeline_damage(run_state *s)
{
    const nytte_project *p = s->p;
    size_t np = s->in.nparcels, nb = s->in.nbuildings;
    int rc = nytte_damage_model_validate(s->ctx, &p->damage);
    if (rc)
        return rc;
    nytte_ead_rule_format(s->ead_rule, sizeof s->ead_rule, &p->ead);
    s->metrics = calloc(np, sizeof *s->metrics);
    double *value = calloc(nb ? nb : 1, sizeof *value);
    if (!s->metrics || !value) {
        free(value);
        return nytte_nomem(s->ctx, "damage: %zu parcels", np);
    }
    for (size_t b = 0; b < nb; b++) {
        const nytte_building *bd = &s->in.buildings[b];
        value[b] = nytte_damage_value(&p->damage, bd->use, bd->floor_area, bd->value);
    }
    if (!(rc = building_eads(s, value))) {
        parcel_metrics(s, value);
        rc = element_economics(s);
    }
    free(value);
    return rc;
}
