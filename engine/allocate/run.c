/*
 * run.c — nytte_allocate_run: element pools → weights → exemptions → caps → rounding →
 * co-owners → owners. Every sum runs in parcel-id order (then owner-id order), so the
 * result depends on the ids only, never on the order of the input arrays.
 */
#include "allocate/alloc_int.h"

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

typedef struct {
    size_t prank;      /* rank of the parcel */
    const char *owner;
    size_t h;          /* index into the holdings */
} hold_key;

static int by_parcel_owner(const void *a, const void *b)
{
    const hold_key *x = a, *y = b;
    if (x->prank != y->prank)
        return x->prank < y->prank ? -1 : 1;
    return strcmp(x->owner, y->owner);
}

static int by_owner_parcel(const void *a, const void *b)
{
    const hold_key *x = a, *y = b;
    int c = strcmp(x->owner, y->owner);
    if (c)
        return c;
    return x->prank < y->prank ? -1 : x->prank > y->prank;
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
    double *w, *x, *tmp;
    int64_t *lo, *hi, *amt;
    nytte_alloc_cap *cap;
} scratch;

static int element_run(nytte_ctx *ctx, nytte_alloc_result *res, const nytte_alloc_input *in, size_t e,
                       const size_t *order, scratch *s)
{
    const nytte_alloc_element *el = &in->elements[e];
    const nytte_alloc_config *cfg = el->config ? el->config : in->config;
    const char *eid = el->id ? el->id : "?";
    nytte_alloc_element_result *er = &res->elements[e];
    nytte_alloc_line *lines = res->lines + e * in->nparcels;
    const size_t n = in->nparcels;
    char a[32], b[32];
    int rc;

    er->id = el->id;
    if (!cfg)
        return nytte_error(ctx, NYTTE_EUSAGE, "element %s: no allocation config", eid);
    er->model = cfg->model;
    if ((rc = alloc_config_check(ctx, cfg, eid)) || (rc = nytte_alloc_pool_compute(ctx, &er->pool, eid, &el->pool)))
        return rc;
    const nytte_alloc_rules *rules = &cfg->rules;

    /* 1. exemptions that do not need the weight. Contributor models also charge the
     *    parcels outside the benefit area that send water (contributor > 0); there the
     *    benefit exemptions only remove the benefit part (docs/models.md). */
    const bool contrib = alloc_uses_contributor(cfg);
    for (size_t j = 0; j < n; j++) {
        size_t p = order[j];
        const nytte_alloc_parcel *f = &el->parcels[p];
        nytte_alloc_line *l = &lines[p];
        *l = (nytte_alloc_line){.in_area = f->in_area, .parts = NAN, .band = -1, .band_factor = NAN,
                                .use_factor = NAN, .area_used = NAN, .levy_permille = NAN, .contributor = NAN};
        bool sends = false;
        if (contrib) {
            if (!(f->contributor >= 0.0) || !isfinite(f->contributor))
                return nytte_error(ctx, NYTTE_EINPUT, "element %s: parcel %s: contributor weight unknown or negative",
                                   eid, f->id);
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
                return nytte_error(ctx, NYTTE_EINPUT, "element %s: parcel %s: benefit is unknown", eid, f->id);
            if (f->benefit < rules->min_benefit)
                bx = NYTTE_EXEMPT_MIN_BENEFIT;
        }
        if (contrib)
            l->benefit_exempt = bx;
        else
            l->exempt = bx;
    }

    /* 2. weights of the eligible parcels */
    nytte_alloc_model mm[NYTTE_ALLOC_MAX_MIX];
    double mf[NYTTE_ALLOC_MAX_MIX];
    size_t nmix = alloc_mix_components(cfg, mm, mf);
    if (nmix == 0) {
        for (size_t j = 0; j < n; j++) {
            size_t p = order[j];
            const nytte_alloc_line *l = &lines[p];
            /* the pure contributor model has no benefit part: only contributor facts count */
            if (l->exempt == NYTTE_EXEMPT_NONE &&
                (rc = alloc_model_weight(ctx, &lines[p].weight, &lines[p], cfg->model, cfg, &el->parcels[p], eid)))
                return rc;
        }
    } else {
        for (size_t k = 0; k < nmix; k++) {
            double sum = 0.0;
            for (size_t j = 0; j < n; j++) {
                size_t p = order[j];
                const nytte_alloc_line *l = &lines[p];
                s->tmp[p] = 0.0;
                if (l->exempt != NYTTE_EXEMPT_NONE)
                    continue;
                /* a benefit-side component counts only inside the benefit area, without a benefit exemption */
                if (mm[k] != NYTTE_ALLOC_CONTRIBUTOR && (!l->in_area || l->benefit_exempt != NYTTE_EXEMPT_NONE))
                    continue;
                if ((rc = alloc_model_weight(ctx, &s->tmp[p], &lines[p], mm[k], cfg, &el->parcels[p], eid)))
                    return rc;
                sum += s->tmp[p];
            }
            er->mix_sum[k] = sum;
            if (sum > 0.0)
                for (size_t j = 0; j < n; j++) {
                    size_t p = order[j];
                    if (lines[p].exempt == NYTTE_EXEMPT_NONE)
                        lines[p].weight += mf[k] * (s->tmp[p] / sum);
                }
        }
    }

    /* 3. exemptions by weight; the payers in id order */
    size_t np = 0;
    double wsum = 0.0;
    for (size_t j = 0; j < n; j++) {
        size_t p = order[j];
        nytte_alloc_line *l = &lines[p];
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
    const int64_t pool = er->pool.pool_ore, yearly = er->pool.yearly_ore;
    if (np == 0) {
        if (pool != 0 || yearly != 0)
            return nytte_error(ctx, NYTTE_EINPUT, "element %s: nobody pays: no parcel in the benefit area%s has a positive weight, but the pool is %s kr",
                               eid, contrib ? " or the catchment" : "", nytte_alloc_format_kr(a, sizeof a, pool ? pool : yearly));
        return NYTTE_OK;
    }
    for (size_t i = 0; i < np; i++)
        lines[s->payer[i]].share = s->w[i] / wsum;

    /* 4. caps: feasibility (exact, in 128 bits), then clamp and redistribute */
    const int64_t mn = rules->min_ore, mx = rules->max_ore;
    if ((alloc_i128)np * mn > pool) {
        char c[32];
        return nytte_error(ctx, NYTTE_ECONFIG, "element %s: infeasible payment caps: %zu payers × minimum %s kr = %s kr exceeds the pool %s kr",
                           eid, np, nytte_alloc_format_kr(a, sizeof a, mn),
                           nytte_alloc_format_kr(c, sizeof c, (int64_t)np * mn), nytte_alloc_format_kr(b, sizeof b, pool));
    }
    if (mx > 0 && (alloc_i128)np * mx < pool) {
        char c[32];
        return nytte_error(ctx, NYTTE_ECONFIG, "element %s: infeasible payment caps: %zu payers × maximum %s kr = %s kr is less than the pool %s kr",
                           eid, np, nytte_alloc_format_kr(a, sizeof a, mx),
                           nytte_alloc_format_kr(c, sizeof c, (int64_t)np * mx), nytte_alloc_format_kr(b, sizeof b, pool));
    }
    if ((rc = alloc_cap_solve(s->x, s->cap, &er->cap_rounds, np, s->w, pool, mn, mx)))
        return nytte_error(ctx, rc, "element %s: payment caps did not converge", eid);

    /* 5. exact øre by largest remainder, ties by parcel id */
    for (size_t i = 0; i < np; i++) {
        s->lo[i] = mn;
        s->hi[i] = mx > 0 ? mx : INT64_MAX;
    }
    if ((rc = alloc_apportion(s->amt, np, s->x, pool, s->prank, s->lo, s->hi)))
        return nytte_error(ctx, rc, "element %s: rounding to the øre failed", eid);
    for (size_t i = 0; i < np; i++) {
        nytte_alloc_line *l = &lines[s->payer[i]];
        l->cap = s->cap[i];
        er->ncap_min += s->cap[i] == NYTTE_CAP_MIN;
        er->ncap_max += s->cap[i] == NYTTE_CAP_MAX;
        l->exact_kr = s->x[i] / 100.0;
        l->ore = s->amt[i];
    }

    /* 6. yearly O&M: the same key, no caps */
    if (yearly > 0) {
        for (size_t i = 0; i < np; i++)
            s->x[i] = (double)yearly * (s->w[i] / wsum);
        if ((rc = alloc_apportion(s->amt, np, s->x, yearly, s->prank, NULL, NULL)))
            return nytte_error(ctx, rc, "element %s: rounding the yearly O&M failed", eid);
        for (size_t i = 0; i < np; i++)
            lines[s->payer[i]].yearly_ore = s->amt[i];
    }
    return NYTTE_OK;
}

/* The split of one parcel's element amount over its co-owners. */
typedef struct {
    int64_t ore, yearly;
} split;

int nytte_allocate_run(nytte_ctx *ctx, nytte_alloc_result **out, const nytte_alloc_input *in)
{
    int rc = NYTTE_OK;
    *out = NULL;
    const size_t n = in->nparcels, ne = in->nelements;
    nytte_alloc_result *res = calloc(1, sizeof *res);
    id_key *ik = NULL;
    size_t *order = NULL, *rank = NULL, *hfirst = NULL;
    nytte_alloc_holding *own = NULL;
    hold_key *hk = NULL;
    split *sp = NULL;
    double *ex = NULL;
    int64_t *am = NULL;
    size_t *orank = NULL;
    scratch s = {0};
    const size_t nalloc = n ? n : 1;
    if (!res)
        return nytte_error(ctx, NYTTE_ENOMEM, "allocate: out of memory");
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
    res->elements = calloc(ne ? ne : 1, sizeof *res->elements);
    res->lines = calloc(ne && n ? ne * n : 1, sizeof *res->lines);
    res->parcel_ore = calloc(nalloc, sizeof *res->parcel_ore);
    res->parcel_yearly_ore = calloc(nalloc, sizeof *res->parcel_yearly_ore);
    ik = malloc(nalloc * sizeof *ik);
    order = malloc(nalloc * sizeof *order);
    rank = malloc(nalloc * sizeof *rank);
    s.payer = malloc(nalloc * sizeof *s.payer);
    s.prank = malloc(nalloc * sizeof *s.prank);
    s.w = malloc(nalloc * sizeof *s.w);
    s.x = malloc(nalloc * sizeof *s.x);
    s.tmp = malloc(nalloc * sizeof *s.tmp);
    s.lo = malloc(nalloc * sizeof *s.lo);
    s.hi = malloc(nalloc * sizeof *s.hi);
    s.amt = malloc(nalloc * sizeof *s.amt);
    s.cap = malloc(nalloc * sizeof *s.cap);
    if (!res->elements || !res->lines || !res->parcel_ore || !res->parcel_yearly_ore || !ik || !order || !rank ||
        !s.payer || !s.prank || !s.w || !s.x || !s.tmp || !s.lo || !s.hi || !s.amt || !s.cap) {
        rc = nytte_error(ctx, NYTTE_ENOMEM, "allocate: out of memory for %zu parcels", n);
        goto cleanup;
    }

    /* Parcel ids: the same in every element, unique; the id order drives every sum. */
    const nytte_alloc_parcel *facts0 = ne ? in->elements[0].parcels : NULL;
    if (ne == 0 && n > 0 && !in->holdings) {
        rc = nytte_error(ctx, NYTTE_EUSAGE, "allocate: parcels without elements need holdings");
        goto cleanup;
    }
    for (size_t p = 0; p < n; p++) {
        const char *id = facts0 ? facts0[p].id : NULL;
        if (facts0 && !id) {
            rc = nytte_error(ctx, NYTTE_EINPUT, "allocate: parcel %zu has no id", p);
            goto cleanup;
        }
        for (size_t e = 1; e < ne; e++)
            if (!in->elements[e].parcels[p].id || strcmp(in->elements[e].parcels[p].id, id) != 0) {
                rc = nytte_error(ctx, NYTTE_EINPUT, "element %s: parcel %zu is %s, not %s as in element %s",
                                 in->elements[e].id ? in->elements[e].id : "?", p,
                                 in->elements[e].parcels[p].id ? in->elements[e].parcels[p].id : "(null)", id,
                                 in->elements[0].id ? in->elements[0].id : "?");
                goto cleanup;
            }
        ik[p] = (id_key){id ? id : "", p};
    }
    qsort(ik, n, sizeof *ik, by_id);
    for (size_t j = 0; j < n; j++) {
        order[j] = ik[j].i;
        rank[ik[j].i] = j;
        if (facts0 && j > 0 && strcmp(ik[j].id, ik[j - 1].id) == 0) {
            rc = nytte_error(ctx, NYTTE_EINPUT, "allocate: parcel %s appears twice", ik[j].id);
            goto cleanup;
        }
    }

    /* Elements: each charged only to its own beneficiaries (Jyllinge 2017). */
    for (size_t e = 0; e < ne; e++) {
        if ((rc = element_run(ctx, res, in, e, order, &s)))
            goto cleanup;
        int64_t sum = 0, ysum = 0;
        for (size_t j = 0; j < n; j++) {
            const nytte_alloc_line *l = &res->lines[e * n + order[j]];
            sum += l->ore;
            ysum += l->yearly_ore;
            res->parcel_ore[order[j]] += l->ore;
            res->parcel_yearly_ore[order[j]] += l->yearly_ore;
        }
        if (sum != res->elements[e].pool.pool_ore || ysum != res->elements[e].pool.yearly_ore) {
            rc = nytte_error(ctx, NYTTE_ECHECK, "element %s: parcel amounts do not sum to the pool",
                             res->elements[e].id ? res->elements[e].id : "?");
            goto cleanup;
        }
        res->total_ore += sum;
        res->yearly_ore += ysum;
    }

    /* Holdings: given, or each parcel its own owner. Sorted by parcel id, then owner id. */
    size_t nh = in->holdings ? in->nholdings : n;
    own = malloc((nh ? nh : 1) * sizeof *own);
    hk = malloc((nh ? nh : 1) * sizeof *hk);
    hfirst = malloc((n + 1) * sizeof *hfirst);
    if (!own || !hk || !hfirst) {
        rc = nytte_error(ctx, NYTTE_ENOMEM, "allocate: out of memory for %zu holdings", nh);
        goto cleanup;
    }
    for (size_t h = 0; h < nh; h++) {
        if (in->holdings) {
            own[h] = in->holdings[h];
            if (own[h].parcel >= n || !own[h].owner_id || !(own[h].share > 0.0 && own[h].share <= 1.0)) {
                rc = nytte_error(ctx, NYTTE_EINPUT, "holding %zu: needs a parcel index < %zu, an owner id and a share in (0, 1]",
                                 h, n);
                goto cleanup;
            }
        } else {
            own[h] = (nytte_alloc_holding){h, facts0[h].id, 1.0};
        }
        hk[h] = (hold_key){rank[own[h].parcel], own[h].owner_id, h};
    }
    qsort(hk, nh, sizeof *hk, by_parcel_owner);
    /* hfirst[j]: first sorted holding of the parcel with rank j */
    for (size_t j = 0, h = 0; j <= n; j++) {
        while (h < nh && hk[h].prank < j)
            h++;
        hfirst[j] = h;
    }
    for (size_t j = 0; j < n; j++) {
        size_t p = order[j];
        const char *pid = facts0 ? facts0[p].id : "?";
        double total = 0.0;
        for (size_t h = hfirst[j]; h < hfirst[j + 1]; h++) {
            if (h > hfirst[j] && strcmp(hk[h].owner, hk[h - 1].owner) == 0) {
                rc = nytte_error(ctx, NYTTE_EINPUT, "parcel %s: owner %s is listed twice", pid, hk[h].owner);
                goto cleanup;
            }
            total += own[hk[h].h].share;
        }
        if (hfirst[j] == hfirst[j + 1]) {
            if (res->parcel_ore[p] != 0 || res->parcel_yearly_ore[p] != 0) {
                char a[32];
                rc = nytte_error(ctx, NYTTE_EINPUT, "parcel %s: pays %s kr but has no owner", pid,
                                 nytte_alloc_format_kr(a, sizeof a, res->parcel_ore[p]));
                goto cleanup;
            }
        } else if (fabs(total - 1.0) > 1e-9) {
            rc = nytte_error(ctx, NYTTE_EINPUT, "parcel %s: owner shares sum to %.10g, not 1", pid, total);
            goto cleanup;
        }
    }

    /* Parcel → co-owners, per element, by largest remainder with ties by owner id. */
    sp = calloc((nh ? nh : 1) * (ne ? ne : 1), sizeof *sp);
    ex = malloc((nh ? nh : 1) * sizeof *ex);
    am = malloc((nh ? nh : 1) * sizeof *am);
    orank = malloc((nh ? nh : 1) * sizeof *orank);
    if (!sp || !ex || !am || !orank) {
        rc = nytte_error(ctx, NYTTE_ENOMEM, "allocate: out of memory for %zu holdings", nh);
        goto cleanup;
    }
    for (size_t e = 0; e < ne; e++)
        for (size_t j = 0; j < n; j++) {
            size_t h0 = hfirst[j], k = hfirst[j + 1] - h0;
            const nytte_alloc_line *l = &res->lines[e * n + order[j]];
            if (k == 0)
                continue;
            double tot = 0.0;
            for (size_t q = 0; q < k; q++)
                tot += own[hk[h0 + q].h].share;
            for (int pass = 0; pass < 2; pass++) {
                int64_t amount = pass == 0 ? l->ore : l->yearly_ore;
                for (size_t q = 0; q < k; q++) {
                    ex[q] = (double)amount * (own[hk[h0 + q].h].share / tot);
                    orank[q] = q;
                }
                if ((rc = alloc_apportion(am, k, ex, amount, orank, NULL, NULL))) {
                    rc = nytte_error(ctx, rc, "parcel %s: splitting between co-owners failed", facts0[order[j]].id);
                    goto cleanup;
                }
                for (size_t q = 0; q < k; q++) {
                    split *t = &sp[hk[h0 + q].h * (ne ? ne : 1) + e];
                    if (pass == 0)
                        t->ore = am[q];
                    else
                        t->yearly = am[q];
                }
            }
        }

    /* Owners, sorted by id; each owner's parts by element, then parcel id. */
    qsort(hk, nh, sizeof *hk, by_owner_parcel);
    size_t no = 0;
    for (size_t h = 0; h < nh; h++)
        no += h == 0 || strcmp(hk[h].owner, hk[h - 1].owner) != 0;
    res->owners = calloc(no ? no : 1, sizeof *res->owners);
    res->parts = calloc(nh && ne ? nh * ne : 1, sizeof *res->parts);
    if (!res->owners || !res->parts) {
        rc = nytte_error(ctx, NYTTE_ENOMEM, "allocate: out of memory for %zu owners", no);
        goto cleanup;
    }
    res->nowners = no;
    int64_t grand = 0, ygrand = 0;
    for (size_t h = 0, o = (size_t)-1; h < nh;) {
        size_t h1 = h;
        while (h1 < nh && strcmp(hk[h1].owner, hk[h].owner) == 0)
            h1++;
        nytte_alloc_owner *ow = &res->owners[++o];
        ow->id = hk[h].owner;
        ow->part0 = res->nparts;
        ow->value_kr = 0.0;
        for (size_t q = h; q < h1; q++) {
            const nytte_alloc_holding *hd = &own[hk[q].h];
            double v = ne ? in->elements[0].parcels[hd->parcel].property_value : NAN;
            ow->value_kr += hd->share * v;
        }
        for (size_t e = 0; e < ne; e++)
            for (size_t q = h; q < h1; q++) {
                const nytte_alloc_holding *hd = &own[hk[q].h];
                const split *t = &sp[hk[q].h * ne + e];
                res->parts[res->nparts++] = (nytte_alloc_owner_part){e, hd->parcel, hd->share, t->ore, t->yearly};
                ow->total_ore += t->ore;
                ow->yearly_ore += t->yearly;
            }
        ow->nparts = res->nparts - ow->part0;
        grand += ow->total_ore;
        ygrand += ow->yearly_ore;
        h = h1;
    }
    if (grand != res->total_ore || ygrand != res->yearly_ore) {
        rc = nytte_error(ctx, NYTTE_ECHECK, "allocate: owner amounts do not sum to the pools");
        goto cleanup;
    }
    *out = res;
    res = NULL;

cleanup:
    nytte_alloc_result_free(res);
    free(ik);
    free(order);
    free(rank);
    free(hfirst);
    free(own);
    free(hk);
    free(sp);
    free(ex);
    free(am);
    free(orank);
    free(s.payer);
    free(s.prank);
    free(s.w);
    free(s.x);
    free(s.tmp);
    free(s.lo);
    free(s.hi);
    free(s.amt);
    free(s.cap);
    return rc;
}
