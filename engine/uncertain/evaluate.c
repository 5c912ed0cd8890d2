/*
 * evaluate.c — one evaluation of the allocation under drawn inputs: the sea levels and the
 * water they give each footprint (the base run's where a level is the base's, else the level
 * ladder), damage per building and event, EAD per scenario, the benefit of each element per
 * building, the facts the allocation uses, and the allocation itself (nytte_allocate_run,
 * ending with the accounting check). The same arithmetic as the pipeline's damage and
 * allocation stages, in the same order, so that the base case comes out to the øre.
 */
#include "uncertain/uncertain_int.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

int unc_work_init(unc_work *w, const nytte_unc_problem *p)
{
    memset(w, 0, sizeof *w);
    size_t nb = p->nbuildings, np = p->alloc->nparcels, ne = p->alloc->nelements;
    if (nytte_ctx_new(&w->ctx) != NYTTE_OK)
        return NYTTE_ENOMEM;
    nytte_ctx_set_verbosity(w->ctx, NYTTE_LOG_ERROR);
    w->D = malloc((p->nev ? p->nev : 1) * sizeof *w->D);
    w->ead = malloc(2 * p->nscen * (nb ? nb : 1) * sizeof *w->ead);
    w->value_b = malloc((nb ? nb : 1) * sizeof *w->value_b);
    w->floor_b = malloc((nb ? nb : 1) * sizeof *w->floor_b);
    w->facts = malloc((ne && np ? ne * np : 1) * sizeof *w->facts);
    w->elements = malloc((ne ? ne : 1) * sizeof *w->elements);
    w->flooded = malloc((np ? np : 1) * sizeof *w->flooded);
    w->level = malloc(2 * (p->nlev ? p->nlev : 1) * sizeof *w->level);
    w->at_base = malloc(2 * (p->nlev ? p->nlev : 1) * sizeof *w->at_base);
    if (!w->D || !w->ead || !w->value_b || !w->floor_b || !w->facts || !w->elements || !w->flooded || !w->level ||
        !w->at_base)
        return NYTTE_ENOMEM;
    w->pv_factor = nytte_pv_factor(p->discount_rate, p->horizon);
    w->ramp_sum = nytte_pv_ramp_sum(p->discount_rate, p->horizon);
    return NYTTE_OK;
}

void unc_work_free(unc_work *w)
{
    nytte_ctx_free(w->ctx);
    free(w->D);
    free(w->ead);
    free(w->value_b);
    free(w->floor_b);
    free(w->facts);
    free(w->elements);
    free(w->flooded);
    free(w->level);
    free(w->at_base);
    memset(w, 0, sizeof *w);
}

unc_sample unc_base_sample(const nytte_unc_problem *p)
{
    return (unc_sample){1.0, 1.0, 0.0, NULL, NULL, 0.0, p->slr};
}

void unc_draw_sample(unc_sample *s, unc_work *w, const nytte_unc_problem *p, const nytte_unc_config *cfg,
                     uint64_t d, double shared[NYTTE_UNC_NINPUTS])
{
    *s = unc_base_sample(p);
    const nytte_unc_dist *in = cfg->input;
    for (int i = 0; i < NYTTE_UNC_NINPUTS; i++)
        shared[i] = in[i].kind == NYTTE_UNC_NONE || in[i].independent
                        ? NAN : nytte_unc_sample(&in[i], cfg->seed, d, (unsigned)i, 0);
    if (in[NYTTE_UNC_CURVE].kind)
        s->curve = shared[NYTTE_UNC_CURVE];
    if (in[NYTTE_UNC_LEVEL].kind)
        s->shift = shared[NYTTE_UNC_LEVEL];
    if (in[NYTTE_UNC_SLR].kind)
        s->slr = shared[NYTTE_UNC_SLR];
    /* values and floor heights: one draw shared by every building, or one each (item b + 1) */
    for (int i = NYTTE_UNC_VALUE; i <= NYTTE_UNC_FLOOR; i++) {
        if (!in[i].kind)
            continue;
        double *x = i == NYTTE_UNC_VALUE ? &s->value : &s->floor;
        if (!in[i].independent) {
            *x = shared[i];
            continue;
        }
        double *per = i == NYTTE_UNC_VALUE ? w->value_b : w->floor_b;
        for (size_t b = 0; b < p->nbuildings; b++)
            per[b] = nytte_unc_sample(&in[i], cfg->seed, d, (unsigned)i, b + 1);
        if (i == NYTTE_UNC_VALUE)
            s->value_b = per;
        else
            s->floor_b = per;
    }
}

/* The base run's sea level of (ep, k): the events (and a design level) as flooded, + its rise at the end. */
static double base_level(const nytte_unc_problem *p, size_t ep, size_t k)
{
    return ep ? p->levels[k] + p->slr : p->levels[k];
}

/* This evaluation's levels: the events moved by the shift (not a design kote), + the rise at the end. */
static int set_levels(unc_work *w, const nytte_unc_problem *p, const unc_sample *s, size_t nep)
{
    for (size_t ep = 0; ep < nep; ep++)
        for (size_t k = 0; k < p->nlev; k++) {
            size_t i = ep * p->nlev + k;
            if (!p->levels) {
                w->level[i] = NAN;
                w->at_base[i] = true; /* depths given, not levels: nothing moves them */
                continue;
            }
            double L = p->design_fixed && k == p->nev ? p->levels[k] : p->levels[k] + s->shift;
            if (ep)
                L = L + s->slr;
            w->level[i] = L;
            w->at_base[i] = ep < p->nepoch && L == base_level(p, ep, k);
            /* the end of the horizon has no design level of its own */
            if (!w->at_base[i] && !(ep && k >= p->nev) && !p->bladder)
                return nytte_error(w->ctx, NYTTE_EINTERNAL,
                                   "uncertainty: sea level %g m is not the base run's and no level ladder was made", L);
        }
    return NYTTE_OK;
}

static nytte_unc_water building_water(const unc_work *w, const nytte_unc_problem *p, size_t b, size_t ep, size_t sc,
                                      size_t k)
{
    size_t i = ep * p->nlev + k;
    if (w->at_base[i])
        return p->bwater[((b * p->nepoch + ep) * p->nscen + sc) * p->nlev + k];
    return nytte_unc_ladder_at(&p->bladder[b * p->nscen + sc], w->level[i]);
}

static nytte_unc_water parcel_water(const unc_work *w, const nytte_unc_problem *p, size_t i, size_t sc, size_t k)
{
    if (w->at_base[k])
        return p->pwater[(i * p->nscen + sc) * p->nlev + k];
    return nytte_unc_ladder_at(&p->pladder[i * p->nscen + sc], w->level[k]);
}

/* EAD of every building in every scenario and epoch (w->ead); which parcels have a building flooding at the
 * design level without the measures (w->flooded). */
static int building_eads(unc_work *w, const nytte_unc_problem *p, const unc_sample *s, size_t nep)
{
    size_t nb = p->nbuildings;
    double curve = s->curve > 0 ? s->curve : 0.0;
    memset(w->flooded, 0, p->alloc->nparcels * sizeof *w->flooded);
    for (size_t b = 0; b < nb; b++) {
        const nytte_unc_building *bd = &p->buildings[b];
        double vm = s->value_b ? s->value_b[b] : s->value;
        double value = bd->value * (vm > 0 ? vm : 0.0);
        /* an unknown or negative floor height is at the terrain (nytte_damage_depth), then moved */
        double h = (bd->floor_height > 0 ? bd->floor_height : 0.0) + (s->floor_b ? s->floor_b[b] : s->floor);
        if (p->basement)
            h = 0.0;
        nytte_unc_water dw = building_water(w, p, b, 0, 0, p->design_k);
        if (nytte_damage_depth(p->damage->depth_stat, dw.mean, dw.max, h) > 0)
            w->flooded[bd->parcel] = true;
        for (size_t ep = 0; ep < nep; ep++)
            for (size_t sc = 0; sc < p->nscen; sc++) {
                for (size_t k = 0; k < p->nev; k++) {
                    nytte_unc_water x = building_water(w, p, b, ep, sc, k);
                    double depth = nytte_damage_depth(p->damage->depth_stat, x.mean, x.max, h);
                    w->D[k] = nytte_damage_at_depth_scaled(p->damage, bd->use, value, depth, curve);
                }
                nytte_ead e;
                int rc = nytte_ead_calc(w->ctx, &e, &p->ead, p->return_periods, w->D, p->nev, NULL);
                if (rc)
                    return rc;
                w->ead[(ep * p->nscen + sc) * nb + b] = e.ead;
            }
    }
    return NYTTE_OK;
}

/* Avoided EAD as it is: negative when the measure raises the damage (harm), 0 when unknown. */
static double avoided_or_zero(double without, double with)
{
    double a = nytte_avoided_ead(without, with);
    return a == a ? a : 0.0;
}

/* The facts of element e: the base facts with what the draw changes (water, benefit, flooding). */
static void element_facts(unc_work *w, const nytte_unc_problem *p, size_t e, size_t nep)
{
    size_t np = p->alloc->nparcels, nb = p->nbuildings, sc = 1 + e, dk = p->design_k;
    nytte_alloc_parcel *f = w->facts + e * np;
    memcpy(f, p->alloc->elements[e].parcels, np * sizeof *f);
    for (size_t i = 0; i < np; i++) {
        nytte_unc_water dn = parcel_water(w, p, i, 0, dk), dwi = parcel_water(w, p, i, sc, dk);
        nytte_unc_water first = parcel_water(w, p, i, 0, 0);
        f[i].in_area = nytte_alloc_in_benefit_area(dn.wet, dwi.wet, dn.mean, dwi.mean, p->by_exposure);
        f[i].plot_flooded = dn.wet > 0;
        f[i].building_flooded = w->flooded[i];
        f[i].risk_zone = nytte_alloc_risk_zone(first.wet, dn.wet);
        f[i].benefit = 0;
        f[i].avoided_ead = 0;
    }
    /* in building order, as the pipeline sums them */
    const double *now_wo = w->ead, *now_w = w->ead + sc * nb;
    const double *end_wo = w->ead + p->nscen * nb, *end_w = w->ead + (p->nscen + sc) * nb;
    for (size_t b = 0; b < nb; b++) {
        double now = avoided_or_zero(now_wo[b], now_w[b]);
        double pv = w->pv_factor * now;
        if (nep > 1) {
            double end = avoided_or_zero(end_wo[b], end_w[b]);
            pv = now * w->pv_factor;
            if (end != now)
                pv += (end - now) / (double)p->horizon * w->ramp_sum;
        }
        size_t i = p->buildings[b].parcel;
        f[i].benefit += pv;
        f[i].avoided_ead += now;
    }
    w->elements[e] = p->alloc->elements[e];
    w->elements[e].parcels = f;
}

/* Element e's EAD without and with it, PV of its benefits and its benefit-cost ratio. */
static int element_economics(unc_work *w, const nytte_unc_problem *p, size_t e, size_t nep, nytte_unc_economics *out)
{
    size_t nb = p->nbuildings, sc = 1 + e, end = nep > 1 ? p->nscen * nb : 0;
    double without = 0, with = 0, without_end = 0, with_end = 0;
    for (size_t b = 0; b < nb; b++) {
        without += w->ead[b];
        with += w->ead[sc * nb + b];
        without_end += w->ead[end + b];
        with_end += w->ead[end + sc * nb + b];
    }
    const nytte_alloc_pool_spec *ps = &p->alloc->elements[e].pool;
    nytte_project_pv pv;
    int rc = nytte_project_pv_calc(w->ctx, &pv, without - with, without_end - with_end, ps->capex_ore,
                                   ps->om_ore_per_year, p->discount_rate, p->horizon);
    *out = (nytte_unc_economics){without, with, pv.pv_benefits, pv.bcr};
    return rc;
}

int unc_evaluate(unc_work *w, const nytte_unc_problem *p, const unc_sample *s, int64_t *owner_ore,
                 int64_t *parcel_ore, nytte_unc_economics *econ, int64_t *pool_ore)
{
    const nytte_alloc_input *base = p->alloc;
    size_t np = base->nparcels, ne = base->nelements;
    /* the end of the horizon is an epoch of its own when the sea rises by then */
    size_t nep = s->slr != 0 ? 2 : 1;
    int rc;
    if ((rc = set_levels(w, p, s, nep)) || (rc = building_eads(w, p, s, nep)))
        return rc;
    for (size_t e = 0; e < ne; e++) {
        element_facts(w, p, e, nep);
        if ((rc = element_economics(w, p, e, nep, &econ[e])))
            return rc;
    }
    nytte_alloc_input in = *base;
    in.elements = w->elements;
    nytte_alloc_result *r = NULL;
    if ((rc = nytte_allocate_run(w->ctx, &r, &in)))
        return rc;
    if (r->nowners != p->base->nowners) {
        nytte_alloc_result_free(r);
        return nytte_error(w->ctx, NYTTE_EINTERNAL, "uncertainty: %zu owners, the base run has %zu", r->nowners,
                           p->base->nowners);
    }
    for (size_t o = 0; o < r->nowners; o++)
        owner_ore[o] = r->owners[o].total_ore;
    for (size_t i = 0; i < np; i++)
        parcel_ore[i] = r->parcel_ore[i];
    for (size_t e = 0; pool_ore && e < ne; e++)
        pool_ore[e] = r->elements[e].pool.pool_ore - r->elements[e].residual_ore;
    nytte_alloc_result_free(r);
    return NYTTE_OK;
}
