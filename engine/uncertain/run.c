/*
 * run.c — nytte_unc_run: the draws in parallel (each draw its own counter-based random
 * numbers and its own output slots; a workspace per thread made before the loop), then per
 * owner and parcel the percentiles of the amounts over the draws that allocated, the
 * share paying more than the base case by 10 % and the share staying in the base decile,
 * reduced in owner order. Before them the base case, evaluated again as a check, and the
 * horizons, one evaluation each.
 */
#include "uncertain/uncertain_int.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifdef _OPENMP
#include <omp.h>
#endif

void nytte_unc_result_free(nytte_unc_result *r)
{
    if (!r)
        return;
    free(r->owners);
    free(r->parcels);
    free(r->draws);
    free(r->economics);
    free(r->economics_p);
    free(r->base_economics);
    free(r->horizon_owner_ore);
    free(r->horizon_pool_ore);
    free(r->horizon_economics);
    free(r);
}

double nytte_unc_level_max(const nytte_unc_problem *p, const nytte_unc_config *cfg, const nytte_unc_horizon *h,
                           size_t nh, bool *needed)
{
    const nytte_unc_dist *in = cfg->input;
    *needed = p->levels && (in[NYTTE_UNC_LEVEL].kind || in[NYTTE_UNC_SLR].kind || nh > 0);
    double top = -INFINITY, fixed = -INFINITY;
    if (!p->levels)
        return top;
    for (size_t k = 0; k < p->nlev; k++) {
        if (p->design_fixed && k == p->nev)
            fixed = p->levels[k];
        else if (p->levels[k] > top)
            top = p->levels[k];
    }
    /* every draw's and horizon's shift and rise, as unc_draw_sample draws them */
    double most = fmax(0.0, p->slr);
    for (int d = 0; d < cfg->draws && (in[NYTTE_UNC_LEVEL].kind || in[NYTTE_UNC_SLR].kind); d++) {
        double shift = in[NYTTE_UNC_LEVEL].kind ? nytte_unc_sample(&in[NYTTE_UNC_LEVEL], cfg->seed, (uint64_t)d,
                                                                    NYTTE_UNC_LEVEL, 0)
                                                : 0.0;
        double slr = in[NYTTE_UNC_SLR].kind ? nytte_unc_sample(&in[NYTTE_UNC_SLR], cfg->seed, (uint64_t)d,
                                                                NYTTE_UNC_SLR, 0)
                                            : p->slr;
        most = fmax(most, shift + fmax(0.0, slr));
    }
    for (size_t i = 0; i < nh; i++)
        most = fmax(most, h[i].rise + fmax(0.0, p->slr));
    return fmax(top + most, fixed);
}

/* The q-th percentile of n sorted doubles by nearest rank (NaN if any is NaN, sorted last). */
static double percentile_d(const double *sorted, size_t n, int q)
{
    if (n == 0 || sorted[n - 1] != sorted[n - 1])
        return NAN;
    size_t rank = ((size_t)q * n + 99) / 100;
    return sorted[rank ? rank - 1 : 0];
}

static int cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

/* NaN last. */
static int cmp_d(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    if (x != x || y != y)
        return (x != x) - (y != y);
    return (x > y) - (x < y);
}

/* One thread's loop state: its workspace and the lowest draw it saw fail (and fail hard). */
typedef struct unc_thread {
    unc_work w;
    int64_t *scratch;
    long low, low_hard;
    int rc_hard;
    char msg[512], msg_hard[512];
} unc_thread;

/* Draws and their slots; the per-owner and per-parcel amounts, row d for draw d. */
typedef struct unc_table {
    int64_t *amt, *pam;
    unsigned char *dec;
} unc_table;

/* Every draw, in parallel; the failure of the lowest draw reported after the loop. */
static int run_draws(nytte_ctx *ctx, nytte_unc_result *r, unc_table *t, const nytte_unc_problem *p,
                     const nytte_unc_config *cfg)
{
    size_t no = r->nowners, np = r->nparcels, ne = r->nelements;
    int nd = cfg->draws, nt = nytte_ctx_threads(ctx);
    if (nt > nd)
        nt = nd > 0 ? nd : 1;
    r->threads = nt;
    unc_thread *th = calloc((size_t)nt, sizeof *th);
    int rc = th ? NYTTE_OK : nytte_nomem(ctx, "uncertainty: %d threads", nt);
    for (int i = 0; !rc && i < nt; i++) {
        th[i].low = th[i].low_hard = -1;
        if (unc_work_init(&th[i].w, p) || !(th[i].scratch = malloc((no ? no : 1) * sizeof *th[i].scratch)))
            rc = nytte_nomem(ctx, "uncertainty: the workspace of thread %d", i);
    }
    if (rc)
        goto cleanup;
#pragma omp parallel for num_threads(nt) schedule(dynamic, 4)
    for (int d = 0; d < nd; d++) {
#ifdef _OPENMP
        unc_thread *me = &th[omp_get_thread_num()];
#else
        unc_thread *me = &th[0];
#endif
        unc_sample s;
        unc_draw_sample(&s, &me->w, p, cfg, (uint64_t)d, r->draws[d].in);
        int drc = unc_evaluate(&me->w, p, &s, t->amt + (size_t)d * no, t->pam + (size_t)d * np,
                               r->economics + (size_t)d * ne, NULL);
        r->draws[d].rc = drc;
        if (drc == NYTTE_OK) {
            nytte_unc_deciles(t->dec + (size_t)d * no, t->amt + (size_t)d * no, no, me->scratch);
            continue;
        }
        bool hard = drc != NYTTE_ECONFIG && drc != NYTTE_EINPUT;
        if (me->low < 0 || d < me->low) {
            me->low = d;
            snprintf(me->msg, sizeof me->msg, "%s", nytte_ctx_errmsg(me->w.ctx));
        }
        if (hard && (me->low_hard < 0 || d < me->low_hard)) {
            me->low_hard = d;
            me->rc_hard = drc;
            snprintf(me->msg_hard, sizeof me->msg_hard, "%s", nytte_ctx_errmsg(me->w.ctx));
        }
    }
    long hard = -1;
    int hard_t = 0;
    r->first_failed = -1;
    for (int i = 0; i < nt; i++) {
        if (th[i].low >= 0 && (r->first_failed < 0 || th[i].low < r->first_failed)) {
            r->first_failed = th[i].low;
            snprintf(r->first_error, sizeof r->first_error, "%s", th[i].msg);
        }
        if (th[i].low_hard >= 0 && (hard < 0 || th[i].low_hard < hard))
            hard = th[i].low_hard, hard_t = i;
    }
    if (hard >= 0)
        rc = nytte_error(ctx, th[hard_t].rc_hard, "uncertainty: draw %ld (seed %llu): %s", hard,
                         (unsigned long long)cfg->seed, th[hard_t].msg_hard);
cleanup:
    for (int i = 0; th && i < nt; i++) {
        unc_work_free(&th[i].w);
        free(th[i].scratch);
    }
    free(th);
    return rc;
}

/* Per owner and parcel, over the draws that allocated (in draw order). */
static int reduce(nytte_ctx *ctx, nytte_unc_result *r, const unc_table *t, const nytte_unc_problem *p)
{
    size_t no = r->nowners, np = r->nparcels, nd = (size_t)r->ndraws, nok = 0;
    int64_t *x = malloc((nd ? nd : 1) * sizeof *x), *base = malloc((no ? no : 1) * sizeof *base);
    unsigned char *bdec = malloc(no ? no : 1);
    int64_t *scratch = malloc((no ? no : 1) * sizeof *scratch);
    int rc = NYTTE_OK;
    if (!x || !base || !bdec || !scratch) {
        rc = nytte_nomem(ctx, "uncertainty: %zu draws", nd);
        goto cleanup;
    }
    for (size_t o = 0; o < no; o++)
        base[o] = p->base->owners[o].total_ore;
    nytte_unc_deciles(bdec, base, no, scratch);
    for (size_t o = 0; o < no; o++) {
        size_t more = 0, same = 0;
        nok = 0;
        for (size_t d = 0; d < nd; d++) {
            if (r->draws[d].rc)
                continue;
            int64_t a = t->amt[d * no + o], b = base[o];
            x[nok++] = a;
            /* more than the base case by 10 %: a − b > |b| / 10, in whole øre (b = 0: any amount) */
            more += 10 * (a - b) > (b < 0 ? -b : b);
            same += t->dec[d * no + o] == bdec[o];
        }
        qsort(x, nok, sizeof *x, cmp_i64);
        nytte_unc_owner *u = &r->owners[o];
        *u = (nytte_unc_owner){nytte_unc_percentile(x, nok, 5), nytte_unc_percentile(x, nok, 50),
                               nytte_unc_percentile(x, nok, 95), 0, 0, 0, (double)more / (double)nok, bdec[o],
                               (double)same / (double)nok};
        /* the loan's first year grows with the amount: its percentiles are those of the amount's */
        int64_t *yq[3] = {&u->year_p5, &u->year_p50, &u->year_p95}, aq[3] = {u->p5, u->p50, u->p95};
        for (int q = 0; q < 3 && !rc; q++) {
            nytte_loan ln;
            if (!(rc = nytte_loan_calc(ctx, &ln, p->loan, aq[q])))
                *yq[q] = ln.first_year;
        }
        if (rc)
            goto cleanup;
    }
    for (size_t i = 0; i < np; i++) {
        nok = 0;
        for (size_t d = 0; d < nd; d++)
            if (!r->draws[d].rc)
                x[nok++] = t->pam[d * np + i];
        qsort(x, nok, sizeof *x, cmp_i64);
        r->parcels[i] = (nytte_unc_parcel){nytte_unc_percentile(x, nok, 5), nytte_unc_percentile(x, nok, 50),
                                           nytte_unc_percentile(x, nok, 95)};
    }
cleanup:
    free(x);
    free(base);
    free(bdec);
    free(scratch);
    return rc;
}

/* P5, P50, P95 of each element's economics over the draws that allocated. */
static int reduce_economics(nytte_ctx *ctx, nytte_unc_result *r)
{
    size_t ne = r->nelements, nd = (size_t)r->ndraws;
    double *x = malloc((nd ? nd : 1) * sizeof *x);
    if (!x)
        return nytte_nomem(ctx, "uncertainty: %zu draws", nd);
    static const int qs[3] = {5, 50, 95};
    for (size_t e = 0; e < ne; e++)
        for (int f = 0; f < 4; f++) {
            size_t n = 0;
            for (size_t d = 0; d < nd; d++) {
                if (r->draws[d].rc)
                    continue;
                const nytte_unc_economics *c = &r->economics[d * ne + e];
                x[n++] = f == 0 ? c->ead_without : f == 1 ? c->ead_with : f == 2 ? c->pv_benefits : c->bcr;
            }
            qsort(x, n, sizeof *x, cmp_d);
            for (int q = 0; q < 3; q++) {
                nytte_unc_economics *o = &r->economics_p[3 * e + (size_t)q];
                double v = percentile_d(x, n, qs[q]);
                *(f == 0 ? &o->ead_without : f == 1 ? &o->ead_with : f == 2 ? &o->pv_benefits : &o->bcr) = v;
            }
        }
    free(x);
    return NYTTE_OK;
}

/*
 * The base case evaluated again, which must give the base result to the øre (the tables
 * the draws start from are the base run's), then each horizon: the base case with the sea
 * raised by the horizon's rise at every event.
 */
static int run_fixed(nytte_ctx *ctx, nytte_unc_result *r, const nytte_unc_problem *p, const nytte_unc_horizon *h,
                     size_t nh)
{
    size_t no = r->nowners, ne = r->nelements;
    unc_work w;
    int64_t *pam = malloc((r->nparcels ? r->nparcels : 1) * sizeof *pam);
    int64_t *own = malloc((no ? no : 1) * sizeof *own);
    int rc = unc_work_init(&w, p);
    if (rc || !pam || !own) {
        rc = nytte_nomem(ctx, "uncertainty: the base case");
        goto cleanup;
    }
    unc_sample base = unc_base_sample(p);
    if ((rc = unc_evaluate(&w, p, &base, own, pam, r->base_economics, NULL))) {
        rc = nytte_error(ctx, rc, "uncertainty: the base case evaluated again: %s", nytte_ctx_errmsg(w.ctx));
        goto cleanup;
    }
    for (size_t o = 0; o < no && !rc; o++)
        if (own[o] != p->base->owners[o].total_ore)
            rc = nytte_error(ctx, NYTTE_ECHECK,
                             "uncertainty: the base case evaluated again gives owner %s %lld øre, the run %lld øre",
                             p->base->owners[o].id, (long long)own[o], (long long)p->base->owners[o].total_ore);
    for (size_t i = 0; i < nh && !rc; i++) {
        unc_sample s = unc_base_sample(p);
        s.shift = h[i].rise;
        if ((rc = unc_evaluate(&w, p, &s, r->horizon_owner_ore + i * no, pam, r->horizon_economics + i * ne,
                               r->horizon_pool_ore + i * ne)))
            rc = nytte_error(ctx, rc, "horizon %d (sea +%g m): %s", h[i].year, h[i].rise, nytte_ctx_errmsg(w.ctx));
    }
cleanup:
    unc_work_free(&w);
    free(pam);
    free(own);
    return rc;
}

int nytte_unc_run(nytte_ctx *ctx, nytte_unc_result **out, const nytte_unc_problem *p, const nytte_unc_config *cfg,
                  const nytte_unc_horizon *h, size_t nh)
{
    *out = NULL;
    double t0 = nytte_now();
    size_t no = p->base->nowners, np = p->alloc->nparcels, ne = p->alloc->nelements;
    size_t nd = cfg->draws > 0 ? (size_t)cfg->draws : 0;
    if (nh > NYTTE_UNC_MAX_HORIZONS)
        return nytte_error(ctx, NYTTE_EUSAGE, "uncertainty: %zu horizons (at most %d)", nh, NYTTE_UNC_MAX_HORIZONS);
    nytte_unc_result *r = calloc(1, sizeof *r);
    unc_table t = {0};
    int rc = NYTTE_OK;
    if (!r) {
        rc = nytte_nomem(ctx, "uncertainty");
        goto cleanup;
    }
    *r = (nytte_unc_result){.ndraws = (int)nd, .first_failed = -1, .nowners = no, .nparcels = np, .nelements = ne,
                            .nhorizons = nh, .threads = 1};
    if (nh)
        memcpy(r->horizons, h, nh * sizeof *h);
    r->horizon_owner_ore = calloc(nh && no ? nh * no : 1, sizeof *r->horizon_owner_ore);
    r->horizon_pool_ore = calloc(nh && ne ? nh * ne : 1, sizeof *r->horizon_pool_ore);
    r->horizon_economics = calloc(nh && ne ? nh * ne : 1, sizeof *r->horizon_economics);
    r->base_economics = calloc(ne ? ne : 1, sizeof *r->base_economics);
    if (!r->horizon_owner_ore || !r->horizon_pool_ore || !r->horizon_economics || !r->base_economics) {
        rc = nytte_nomem(ctx, "uncertainty: %zu horizons", nh);
        goto cleanup;
    }
    if ((rc = run_fixed(ctx, r, p, h, nh)))
        goto cleanup;
    if (nd) {
        r->owners = calloc(no ? no : 1, sizeof *r->owners);
        r->parcels = calloc(np ? np : 1, sizeof *r->parcels);
        r->draws = calloc(nd, sizeof *r->draws);
        r->economics = calloc(nd * (ne ? ne : 1), sizeof *r->economics);
        r->economics_p = calloc(3 * (ne ? ne : 1), sizeof *r->economics_p);
        t.amt = malloc(nd * (no ? no : 1) * sizeof *t.amt);
        t.pam = malloc(nd * (np ? np : 1) * sizeof *t.pam);
        t.dec = malloc(nd * (no ? no : 1));
        if (!r->owners || !r->parcels || !r->draws || !r->economics || !r->economics_p || !t.amt || !t.pam || !t.dec) {
            rc = nytte_nomem(ctx, "uncertainty: %zu draws of %zu owners and %zu parcels", nd, no, np);
            goto cleanup;
        }
        if ((rc = run_draws(ctx, r, &t, p, cfg)))
            goto cleanup;
        for (size_t d = 0; d < nd; d++)
            r->nok += r->draws[d].rc == NYTTE_OK;
        if (r->nok == 0) {
            rc = nytte_error(ctx, NYTTE_EINPUT, "uncertainty: no draw could be allocated: draw %ld: %s",
                             r->first_failed, r->first_error);
            goto cleanup;
        }
        if ((rc = reduce(ctx, r, &t, p)) || (rc = reduce_economics(ctx, r)))
            goto cleanup;
    }
    r->seconds = nytte_now() - t0;
    *out = r;
    r = NULL;
cleanup:
    free(t.amt);
    free(t.pam);
    free(t.dec);
    nytte_unc_result_free(r);
    return rc;
}
