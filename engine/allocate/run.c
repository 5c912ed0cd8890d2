/*
 * run.c — nytte_allocate_run: element pools → weights → exemptions → compensation of the
 * harmed → bounds and caps (the benefit safeguard) → rounding → co-owners → owners. Every
 * sum runs in parcel-id order (then owner-id order), so the result depends on the ids
 * only, never on the order of the input arrays.
 */
#include "allocate/allocate_int.h"

#include <stdlib.h>
#include <string.h>

/* qsort has no user pointer: sort index arrays through a small struct instead. */
typedef struct {
    const char *id;
    size_t i;
} id_key;

static int by_id(const void *a, const void *b)
{
    const id_key *x = a, *y = b;
    int c = strcmp(x->id, y->id);
    return c ? c : (x->i < y->i ? -1 : x->i > y->i);
}

void nytte_alloc_result_free(nytte_alloc_result *r)
{
    if (!r)
        return;
    free(r->elements);
    free(r->lines);
    free(r->parcel_ore);
    free(r->parcel_yearly_ore);
    free(r->owners);
    free(r->parts);
    free(r);
}

long nytte_alloc_find_owner(const nytte_alloc_result *r, const char *owner_id)
{
    size_t lo = 0, hi = r->nowners;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(r->owners[mid].id, owner_id);
        if (c == 0)
            return (long)mid;
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return -1;
}

/* Scratch arrays for one element, sized nparcels, allocated once. */
typedef struct {
    size_t *payer;     /* parcel index of each payer, in id order */
    size_t *prank;     /* 0..npayers-1 */
    double *w, *x, *tmp, *dlo, *dhi;
    int64_t *lo, *hi, *amt;
    nytte_alloc_cap *cap;
    bool *by_benefit;  /* the payer's upper bound is its benefit bound */
} scratch;

/* One element's context for its steps. */
typedef struct {
    const nytte_alloc_element *el;
    const nytte_alloc_config *cfg;
    const char *eid;
    nytte_alloc_element_result *er;
    nytte_alloc_line *lines;
    size_t n;
    const size_t *order;
    bool contrib;            /* the model charges contributors */
} element_ctx;

/*
 * Step 1: exemptions that do not need the weight. Contributor models also charge the
 * parcels outside the benefit area that send water (contributor > 0); there the benefit
 * exemptions only remove the benefit part (docs/models.md).
 */
static int element_exemptions(nytte_ctx *ctx, const element_ctx *E)
{
    const nytte_alloc_rules *rules = &E->cfg->rules;
    nytte_alloc_element_result *er = E->er;
    for (size_t j = 0; j < E->n; j++) {
        size_t p = E->order[j];
        const nytte_alloc_parcel *f = &E->el->parcels[p];
        nytte_alloc_line *l = &E->lines[p];
        *l = (nytte_alloc_line){.in_area = f->in_area, .parts = NAN, .band = -1, .band_factor = NAN,
                                .use_factor = NAN, .area_used = NAN, .levy_permille = NAN, .contributor = NAN,
                                .benefit = f->benefit, .harmed = f->benefit < 0.0, .bound_kr = NAN,
                                .benefit_ratio = NAN};
        /* a harmed parcel that is paid back pays nothing itself (docs/models.md, Harmed parcels) */
        if (l->harmed && rules->compensate_harmed) {
            l->exempt = NYTTE_EXEMPT_HARMED;
            er->nin_area += f->in_area;
            continue;
        }
        bool sends = false;
        if (E->contrib) {
            if (!(f->contributor >= 0.0) || !isfinite(f->contributor))
                return nytte_error(ctx, NYTTE_EINPUT, "element %s: parcel %s: contributor weight unknown or negative",
                                   E->eid, f->id);
            sends = f->contributor > 0.0;
            er->ncontributors += sends;
        }
        if (!f->in_area && !sends) {
            l->exempt = NYTTE_EXEMPT_OUTSIDE;
            continue;
        }
        l->contributor_only = !f->in_area;
        if (!f->in_area)
            continue;
        er->nin_area++;
        nytte_alloc_exempt bx = NYTTE_EXEMPT_NONE;
        if (rules->exempt_unbuilt && !f->built)
            bx = NYTTE_EXEMPT_UNBUILT;
        else if (rules->exempt_land_only && f->built && f->plot_flooded && !f->building_flooded)
            bx = NYTTE_EXEMPT_LAND_ONLY;
        else if (rules->min_benefit > 0) {
            if (!isfinite(f->benefit))
                return nytte_error(ctx, NYTTE_EINPUT, "element %s: parcel %s: benefit is unknown", E->eid, f->id);
            if (f->benefit < rules->min_benefit)
                bx = NYTTE_EXEMPT_MIN_BENEFIT;
        }
        if (E->contrib)
            l->benefit_exempt = bx;
        else
            l->exempt = bx;
    }
    return NYTTE_OK;
}

/* Step 2: the weights of the eligible parcels (a mixed model: Σ fraction × normalised weight). */
static int element_weights(nytte_ctx *ctx, const element_ctx *E, scratch *s)
{
    const nytte_alloc_config *cfg = E->cfg;
    nytte_alloc_line *lines = E->lines;
    nytte_alloc_model mm[NYTTE_ALLOC_MAX_MIX];
    double mf[NYTTE_ALLOC_MAX_MIX];
    size_t nmix = alloc_mix_components(cfg, mm, mf);
    int rc;
    if (nmix == 0) {
        for (size_t j = 0; j < E->n; j++) {
            size_t p = E->order[j];
            const nytte_alloc_line *l = &lines[p];
            /* the pure contributor model has no benefit part: only contributor facts count */
            if (l->exempt == NYTTE_EXEMPT_NONE &&
                (rc = alloc_model_weight(ctx, &lines[p].weight, &lines[p], cfg->model, cfg, &E->el->parcels[p], E->eid)))
                return rc;
        }
        return NYTTE_OK;
    }
    for (size_t k = 0; k < nmix; k++) {
        double sum = 0.0;
        for (size_t j = 0; j < E->n; j++) {
            size_t p = E->order[j];
            const nytte_alloc_line *l = &lines[p];
            s->tmp[p] = 0.0;
            if (l->exempt != NYTTE_EXEMPT_NONE)
                continue;
            /* a benefit-side component counts only inside the benefit area, without a benefit exemption */
            if (mm[k] != NYTTE_ALLOC_CONTRIBUTOR && (!l->in_area || l->benefit_exempt != NYTTE_EXEMPT_NONE))
                continue;
            if ((rc = alloc_model_weight(ctx, &s->tmp[p], &lines[p], mm[k], cfg, &E->el->parcels[p], E->eid)))
                return rc;
            sum += s->tmp[p];
        }
        E->er->mix_sum[k] = sum;
        if (sum > 0.0)
            for (size_t j = 0; j < E->n; j++) {
                size_t p = E->order[j];
                if (lines[p].exempt == NYTTE_EXEMPT_NONE)
                    lines[p].weight += mf[k] * (s->tmp[p] / sum);
            }
    }
    return NYTTE_OK;
}

/* Step 3: exemptions by weight; the payers in id order into s->payer, s->w. */
static void element_payers(const element_ctx *E, scratch *s)
{
    const nytte_alloc_rules *rules = &E->cfg->rules;
    nytte_alloc_element_result *er = E->er;
    size_t np = 0;
    double wsum = 0.0;
    for (size_t j = 0; j < E->n; j++) {
        size_t p = E->order[j];
        nytte_alloc_line *l = &E->lines[p];
        if (l->exempt == NYTTE_EXEMPT_NONE && !(l->weight > 0.0))
            l->exempt = l->benefit_exempt != NYTTE_EXEMPT_NONE ? l->benefit_exempt : NYTTE_EXEMPT_ZERO_WEIGHT;
        else if (l->exempt == NYTTE_EXEMPT_NONE && rules->min_weight > 0 && l->weight < rules->min_weight)
            l->exempt = NYTTE_EXEMPT_MIN_WEIGHT;
        if (l->exempt != NYTTE_EXEMPT_NONE) {
            if (l->exempt != NYTTE_EXEMPT_OUTSIDE)
                er->nexempt++;
            continue;
        }
        s->payer[np] = p;
        s->prank[np] = np;
        s->w[np] = l->weight;
        wsum += l->weight;
        np++;
    }
    er->npayers = np;
    er->weight_sum = wsum;
}

/* Step 4: what the harmed are paid back (compensate_harmed): their PV loss to the øre, out of the pool. */
static int64_t element_compensation(const element_ctx *E)
{
    int64_t total = 0;
    for (size_t j = 0; j < E->n; j++) {
        nytte_alloc_line *l = &E->lines[E->order[j]];
        if (l->exempt != NYTTE_EXEMPT_HARMED)
            continue;
        l->ore = -alloc_round_half_away(-100.0 * l->benefit);
        total -= l->ore;
    }
    E->er->compensation_ore = total;
    return total;
}

/*
 * Each payer's bounds (the minimum and maximum payment, the benefit bound under the
 * benefit cap; a minimum never above the payer's bound), and how much of `charge` the
 * payers can pay within them: all of it, or under the benefit cap at most Σ bounds, the
 * rest being the residual payer's. Infeasible minimums, or maximums without the benefit
 * cap, are the council's contradiction: NYTTE_ECONFIG.
 */
static int element_bounds(nytte_ctx *ctx, const element_ctx *E, scratch *s, int64_t charge, int64_t *payable)
{
    const nytte_alloc_rules *rules = &E->cfg->rules;
    const size_t np = E->er->npayers;
    const nytte_money_style kr = NYTTE_MONEY_PLAIN;
    char a[32], b[32], c[32];
    alloc_i128 sum_lo = 0, sum_hi = 0;
    for (size_t i = 0; i < np; i++) {
        int64_t hi = alloc_bound_ore(rules, &E->lines[s->payer[i]], &s->by_benefit[i]);
        s->hi[i] = hi;
        s->lo[i] = rules->min_ore < hi ? rules->min_ore : hi;
        s->dhi[i] = hi == INT64_MAX ? INFINITY : (double)hi;
        s->dlo[i] = (double)s->lo[i];
        sum_lo += s->lo[i];
        sum_hi += hi;
    }
    if (sum_lo > charge) {
        if (sum_lo == (alloc_i128)np * rules->min_ore)
            return nytte_error(ctx, NYTTE_ECONFIG, "element %s: infeasible payment caps: %zu payers × minimum %s kr = %s kr exceeds the pool %s kr",
                               E->eid, np, nytte_money_format(a, sizeof a, &kr, rules->min_ore),
                               nytte_money_format(c, sizeof c, &kr, (int64_t)sum_lo), nytte_money_format(b, sizeof b, &kr, charge));
        return nytte_error(ctx, NYTTE_ECONFIG, "element %s: infeasible payment caps: the %zu payers' minimum payments, each at most its benefit bound, sum to %s kr, above the pool %s kr",
                           E->eid, np, nytte_money_format(c, sizeof c, &kr, (int64_t)sum_lo), nytte_money_format(b, sizeof b, &kr, charge));
    }
    *payable = charge;
    if (sum_hi >= charge)
        return NYTTE_OK;
    if (rules->benefit_cap == NYTTE_BENEFIT_CAP_CAP) {
        *payable = (int64_t)sum_hi;
        return NYTTE_OK;
    }
    return nytte_error(ctx, NYTTE_ECONFIG, "element %s: infeasible payment caps: %zu payers × maximum %s kr = %s kr is less than the pool %s kr",
                       E->eid, np, nytte_money_format(a, sizeof a, &kr, rules->max_ore),
                       nytte_money_format(c, sizeof c, &kr, (int64_t)sum_hi), nytte_money_format(b, sizeof b, &kr, charge));
}

/* Steps 4-7: the pool over the payers: compensation, bounds, caps, exact øre by largest remainder, yearly O&M. */
static int element_money(nytte_ctx *ctx, const element_ctx *E, scratch *s)
{
    nytte_alloc_element_result *er = E->er;
    nytte_alloc_line *lines = E->lines;
    const size_t np = er->npayers;
    const double wsum = er->weight_sum;
    const int64_t yearly = er->pool.yearly_ore;
    const int64_t charge = er->pool.pool_ore + element_compensation(E);
    const nytte_money_style kr = NYTTE_MONEY_PLAIN;
    char a[32];
    int rc;
    if (np == 0) {
        if (charge != 0 || yearly != 0)
            return nytte_error(ctx, NYTTE_EINPUT, "element %s: nobody pays: no parcel in the benefit area%s has a positive weight, but the pool is %s kr",
                               E->eid, E->contrib ? " or the catchment" : "",
                               nytte_money_format(a, sizeof a, &kr, charge ? charge : yearly));
        return NYTTE_OK;
    }
    for (size_t i = 0; i < np; i++)
        lines[s->payer[i]].share = s->w[i] / wsum;

    /* bounds and caps: feasibility (exact, in 128 bits), then clamp and redistribute */
    int64_t payable = charge;
    if ((rc = element_bounds(ctx, E, s, charge, &payable)))
        return rc;
    er->residual_ore = charge - payable;
    if ((rc = alloc_cap_solve(s->x, s->cap, &er->cap_rounds, np, s->w, payable, s->dlo, s->dhi)))
        return nytte_error(ctx, rc, "element %s: payment caps did not converge", E->eid);

    /* exact øre by largest remainder within the bounds, ties by parcel id */
    if ((rc = alloc_apportion(s->amt, np, s->x, payable, s->prank, s->lo, s->hi)))
        return nytte_error(ctx, rc, "element %s: rounding to the øre failed", E->eid);
    for (size_t i = 0; i < np; i++) {
        nytte_alloc_line *l = &lines[s->payer[i]];
        nytte_alloc_cap c = s->cap[i];
        if (c == NYTTE_CAP_MAX && s->by_benefit[i])
            c = NYTTE_CAP_BENEFIT;
        l->cap = c;
        er->ncap_min += c == NYTTE_CAP_MIN;
        er->ncap_max += c == NYTTE_CAP_MAX;
        er->ncap_benefit += c == NYTTE_CAP_BENEFIT;
        l->exact_kr = s->x[i] / 100.0;
        l->exact_ore = s->x[i];
        l->ore = s->amt[i];
    }

    /* yearly O&M: the same key, no caps */
    if (yearly > 0) {
        for (size_t i = 0; i < np; i++)
            s->x[i] = (double)yearly * (s->w[i] / wsum);
        if ((rc = alloc_apportion(s->amt, np, s->x, yearly, s->prank, NULL, NULL)))
            return nytte_error(ctx, rc, "element %s: rounding the yearly O&M failed", E->eid);
        for (size_t i = 0; i < np; i++)
            lines[s->payer[i]].yearly_ore = s->amt[i];
    }
    return NYTTE_OK;
}

/* One element: its pool, then the steps of docs/models.md in order. */
static int element_run(nytte_ctx *ctx, nytte_alloc_result *res, const nytte_alloc_input *in, size_t e,
                       const size_t *order, scratch *s)
{
    const nytte_alloc_element *el = &in->elements[e];
    element_ctx E = {el, el->config ? el->config : in->config, el->id ? el->id : "?", &res->elements[e],
                     res->lines + e * in->nparcels, in->nparcels, order, false};
    int rc;
    E.er->id = el->id;
    if (!E.cfg)
        return nytte_error(ctx, NYTTE_EUSAGE, "element %s: no allocation config", E.eid);
    E.er->model = E.cfg->model;
    if ((rc = alloc_config_check(ctx, E.cfg, E.eid)) || (rc = nytte_alloc_pool_compute(ctx, &E.er->pool, E.eid, &el->pool)))
        return rc;
    E.contrib = alloc_uses_contributor(E.cfg);
    if ((rc = element_exemptions(ctx, &E)) || (rc = element_weights(ctx, &E, s)))
        return rc;
    element_payers(&E, s);
    if ((rc = element_money(ctx, &E, s)))
        return rc;
    alloc_safeguard_stats(E.er, E.lines, el->parcels, &E.cfg->rules, order, E.n);
    return NYTTE_OK;
}

/*
 * The parcels in id order: order[j] is the parcel of rank j, rank[p] the rank of parcel
 * p. The ids must be given, the same in every element, and unique; the id order drives
 * every sum of the run.
 */
static int parcel_order(nytte_ctx *ctx, size_t *order, size_t *rank, const nytte_alloc_input *in)
{
    const size_t n = in->nparcels, ne = in->nelements;
    const nytte_alloc_parcel *facts0 = ne ? in->elements[0].parcels : NULL;
    id_key *ik = malloc((n ? n : 1) * sizeof *ik);
    int rc = NYTTE_OK;
    if (!ik)
        return nytte_nomem(ctx, "allocate: %zu parcels", n);
    for (size_t p = 0; p < n && !rc; p++) {
        const char *id = facts0 ? facts0[p].id : NULL;
        if (facts0 && !id) {
            rc = nytte_error(ctx, NYTTE_EINPUT, "allocate: parcel %zu has no id", p);
            break;
        }
        for (size_t e = 1; e < ne; e++)
            if (!in->elements[e].parcels[p].id || strcmp(in->elements[e].parcels[p].id, id) != 0) {
                rc = nytte_error(ctx, NYTTE_EINPUT, "element %s: parcel %zu is %s, not %s as in element %s",
                                 in->elements[e].id ? in->elements[e].id : "?", p,
                                 in->elements[e].parcels[p].id ? in->elements[e].parcels[p].id : "(null)", id,
                                 in->elements[0].id ? in->elements[0].id : "?");
                break;
            }
        ik[p] = (id_key){id ? id : "", p};
    }
    if (!rc) {
        qsort(ik, n, sizeof *ik, by_id);
        for (size_t j = 0; j < n; j++) {
            order[j] = ik[j].i;
            rank[ik[j].i] = j;
            if (facts0 && j > 0 && strcmp(ik[j].id, ik[j - 1].id) == 0) {
                rc = nytte_error(ctx, NYTTE_EINPUT, "allocate: parcel %s appears twice", ik[j].id);
                break;
            }
        }
    }
    free(ik);
    return rc;
}

/* The arrays of a result and the scratch of the elements, for n parcels and ne elements. */
static int result_alloc(nytte_ctx *ctx, nytte_alloc_result *res, scratch *s, size_t n, size_t ne)
{
    const size_t nalloc = n ? n : 1;
    res->elements = calloc(ne ? ne : 1, sizeof *res->elements);
    res->lines = calloc(ne && n ? ne * n : 1, sizeof *res->lines);
    res->parcel_ore = calloc(nalloc, sizeof *res->parcel_ore);
    res->parcel_yearly_ore = calloc(nalloc, sizeof *res->parcel_yearly_ore);
    s->payer = malloc(nalloc * sizeof *s->payer);
    s->prank = malloc(nalloc * sizeof *s->prank);
    s->w = malloc(nalloc * sizeof *s->w);
    s->x = malloc(nalloc * sizeof *s->x);
    s->tmp = malloc(nalloc * sizeof *s->tmp);
    s->lo = malloc(nalloc * sizeof *s->lo);
    s->hi = malloc(nalloc * sizeof *s->hi);
    s->dlo = malloc(nalloc * sizeof *s->dlo);
    s->dhi = malloc(nalloc * sizeof *s->dhi);
    s->amt = malloc(nalloc * sizeof *s->amt);
    s->cap = malloc(nalloc * sizeof *s->cap);
    s->by_benefit = malloc(nalloc * sizeof *s->by_benefit);
    if (!res->elements || !res->lines || !res->parcel_ore || !res->parcel_yearly_ore || !s->payer || !s->prank ||
        !s->w || !s->x || !s->tmp || !s->lo || !s->hi || !s->dlo || !s->dhi || !s->amt || !s->cap || !s->by_benefit)
        return nytte_nomem(ctx, "allocate: %zu parcels", n);
    return NYTTE_OK;
}

static void scratch_free(scratch *s)
{
    free(s->payer);
    free(s->prank);
    free(s->w);
    free(s->x);
    free(s->tmp);
    free(s->lo);
    free(s->hi);
    free(s->dlo);
    free(s->dhi);
    free(s->amt);
    free(s->cap);
    free(s->by_benefit);
}

int nytte_allocate_run(nytte_ctx *ctx, nytte_alloc_result **out, const nytte_alloc_input *in)
{
    int rc = NYTTE_OK;
    *out = NULL;
    const size_t n = in->nparcels, ne = in->nelements;
    nytte_alloc_result *res = calloc(1, sizeof *res);
    size_t *order = NULL, *rank = NULL;
    scratch s = {0};
    if (!res)
        return nytte_nomem(ctx, "allocate");
    res->nelements = ne;
    res->nparcels = n;
    if (ne > 0 && !in->elements) {
        rc = nytte_error(ctx, NYTTE_EUSAGE, "allocate: no elements given");
        goto cleanup;
    }
    for (size_t e = 0; e < ne; e++)
        if (n > 0 && !in->elements[e].parcels) {
            rc = nytte_error(ctx, NYTTE_EUSAGE, "element %s: no parcel facts given",
                             in->elements[e].id ? in->elements[e].id : "?");
            goto cleanup;
        }
    order = malloc((n ? n : 1) * sizeof *order);
    rank = malloc((n ? n : 1) * sizeof *rank);
    if (!order || !rank) {
        rc = nytte_nomem(ctx, "allocate: %zu parcels", n);
        goto cleanup;
    }
    if ((rc = result_alloc(ctx, res, &s, n, ne)))
        goto cleanup;
    if (ne == 0 && n > 0 && !in->holdings) {
        rc = nytte_error(ctx, NYTTE_EUSAGE, "allocate: parcels without elements need holdings");
        goto cleanup;
    }
    if ((rc = parcel_order(ctx, order, rank, in)))
        goto cleanup;

    /* Elements: each charged only to its own beneficiaries (Jyllinge 2017). */
    for (size_t e = 0; e < ne; e++) {
        if ((rc = element_run(ctx, res, in, e, order, &s)))
            goto cleanup;
        for (size_t j = 0; j < n; j++) {
            const nytte_alloc_line *l = &res->lines[e * n + order[j]];
            res->parcel_ore[order[j]] += l->ore;
            res->parcel_yearly_ore[order[j]] += l->yearly_ore;
        }
        res->total_ore += res->elements[e].pool.pool_ore;
        res->yearly_ore += res->elements[e].pool.yearly_ore;
        res->residual_ore += res->elements[e].residual_ore;
    }

    /* Owners, then the accounting check: nothing leaves with a sum that does not hold. */
    if ((rc = alloc_owners(ctx, res, in, order, rank)) || (rc = nytte_alloc_check(ctx, res, in)))
        goto cleanup;
    *out = res;
    res = NULL;

cleanup:
    nytte_alloc_result_free(res);
    free(order);
    free(rank);
    scratch_free(&s);
    return rc;
}
