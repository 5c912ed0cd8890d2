/*
 * metrics.c — comparing allocation models for the council: payers, mean, median, max,
 * top-10 % share, Gini, payment relative to property value, and more/less/same against
 * a reference model. Definitions in docs/models.md ("Comparing models").
 */
#include "allocate/allocate_int.h"

#include <stdlib.h>
#include <string.h>

static int cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return x < y ? -1 : x > y;
}

static int cmp_dbl(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

int nytte_alloc_metrics_compute(nytte_ctx *ctx, nytte_alloc_metrics *out, size_t n, const int64_t *ore,
                                const double *value_kr, const int64_t *ref_ore)
{
    memset(out, 0, sizeof *out);
    out->nowners = n;
    out->median_permille = NAN;
    int64_t *pay = malloc((n ? n : 1) * sizeof *pay);
    double *rel = malloc((n ? n : 1) * sizeof *rel);
    if (!pay || !rel) {
        free(pay);
        free(rel);
        return nytte_nomem(ctx, "metrics: %zu owners", n);
    }
    size_t np = 0, nrel = 0;
    int64_t total = 0;
    for (size_t i = 0; i < n; i++) {
        if (ref_ore) {
            out->more += ore[i] > ref_ore[i];
            out->less += ore[i] < ref_ore[i];
            out->same += ore[i] == ref_ore[i];
        }
        if (ore[i] <= 0)
            continue;
        pay[np++] = ore[i];
        total += ore[i];
        if (value_kr && isfinite(value_kr[i]) && value_kr[i] > 0)
            rel[nrel++] = (double)ore[i] / 100.0 / value_kr[i] * 1000.0;
    }
    out->npayers = np;
    out->total_kr = (double)total / 100.0;
    if (np > 0) {
        qsort(pay, np, sizeof *pay, cmp_i64);
        out->mean_kr = out->total_kr / (double)np;
        out->median_kr = (np % 2 ? (double)pay[np / 2] : ((double)pay[np / 2 - 1] + (double)pay[np / 2]) / 2.0) / 100.0;
        out->max_kr = (double)pay[np - 1] / 100.0;
        size_t top = (np + 9) / 10;  /* ceil(10 % of payers), at least one */
        int64_t topsum = 0;
        for (size_t i = np - top; i < np; i++)
            topsum += pay[i];
        out->top10_share = (double)topsum / (double)total;
        /* Gini on ascending x: G = 2 Σ i·x_i / (n Σ x) − (n + 1) / n, i = 1..n. */
        double s = 0.0;
        for (size_t i = 0; i < np; i++)
            s += (double)(i + 1) * (double)pay[i];
        out->gini = 2.0 * s / ((double)np * (double)total) - ((double)np + 1.0) / (double)np;
        if (out->gini < 0)
            out->gini = 0.0;
    }
    if (nrel > 0) {
        qsort(rel, nrel, sizeof *rel, cmp_dbl);
        out->median_permille = nrel % 2 ? rel[nrel / 2] : (rel[nrel / 2 - 1] + rel[nrel / 2]) / 2.0;
    }
    free(pay);
    free(rel);
    return NYTTE_OK;
}

int nytte_alloc_metrics_of(nytte_ctx *ctx, nytte_alloc_metrics *out, const nytte_alloc_result *r,
                           const nytte_alloc_result *ref)
{
    memset(out, 0, sizeof *out);
    size_t n = r->nowners;
    if (ref) {
        if (ref->nowners != n)
            return nytte_error(ctx, NYTTE_EUSAGE, "metrics: the reference has %zu owners, not %zu", ref->nowners, n);
        for (size_t i = 0; i < n; i++)
            if (strcmp(ref->owners[i].id, r->owners[i].id) != 0)
                return nytte_error(ctx, NYTTE_EUSAGE, "metrics: owner %s is not in the reference", r->owners[i].id);
    }
    int64_t *a = malloc((n ? n : 1) * sizeof *a), *b = malloc((n ? n : 1) * sizeof *b);
    double *v = malloc((n ? n : 1) * sizeof *v);
    int rc = NYTTE_OK;
    if (!a || !b || !v) {
        rc = nytte_nomem(ctx, "metrics: %zu owners", n);
        goto cleanup;
    }
    for (size_t i = 0; i < n; i++) {
        a[i] = r->owners[i].total_ore;
        b[i] = ref ? ref->owners[i].total_ore : 0;
        v[i] = r->owners[i].value_kr;
    }
    rc = nytte_alloc_metrics_compute(ctx, out, n, a, v, ref ? b : NULL);
cleanup:
    free(a);
    free(b);
    free(v);
    return rc;
}
