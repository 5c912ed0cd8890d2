/*
 * apportion.c — exact money: the largest-remainder (Hamilton) apportionment and the
 * payment-cap solver (clamp to [min, max], redistribute until stable). See
 * docs/models.md, "Rounding" and "Payment caps", for the rules and the termination proof.
 */
#include "allocate/allocate_int.h"

#include <stdlib.h>

typedef struct {
    double frac;
    size_t rank, i;
} frac_key;

/* Largest fraction first, then lowest rank. */
static int by_frac_desc(const void *a, const void *b)
{
    const frac_key *x = a, *y = b;
    if (x->frac != y->frac)
        return x->frac > y->frac ? -1 : 1;
    return x->rank < y->rank ? -1 : x->rank > y->rank;
}

int alloc_apportion(int64_t *out, size_t n, const double *exact, int64_t total, const size_t *rank,
                    const int64_t *lo, const int64_t *hi)
{
    if (n == 0)
        return total == 0 ? NYTTE_OK : NYTTE_ECHECK;
    frac_key *k = malloc(n * sizeof *k);
    if (!k)
        return NYTTE_ENOMEM;
    int64_t sum = 0;
    for (size_t i = 0; i < n; i++) {
        double x = exact[i] > 0 ? exact[i] : 0.0;
        double f = floor(x);
        int64_t v = (int64_t)f;
        int64_t l = lo ? lo[i] : 0, h = hi ? hi[i] : INT64_MAX;
        if (v < l)
            v = l;
        if (v > h)
            v = h;
        out[i] = v;
        sum += v;
        k[i].frac = x - f;
        k[i].rank = rank ? rank[i] : i;
        k[i].i = i;
    }
    qsort(k, n, sizeof *k, by_frac_desc);
    int64_t left = total - sum;
    /* Normally one pass hands out left < n units; more passes only absorb float noise. */
    while (left > 0) {
        int64_t given = 0;
        for (size_t j = 0; j < n && left > 0; j++) {
            size_t i = k[j].i;
            if (out[i] < (hi ? hi[i] : INT64_MAX)) {
                out[i]++;
                left--;
                given++;
            }
        }
        if (!given)
            break;
    }
    while (left < 0) {
        int64_t taken = 0;
        for (size_t j = n; j-- > 0 && left < 0;) {
            size_t i = k[j].i;
            if (out[i] > (lo ? lo[i] : 0)) {
                out[i]--;
                left++;
                taken++;
            }
        }
        if (!taken)
            break;
    }
    free(k);
    return left == 0 ? NYTTE_OK : NYTTE_ECHECK;
}

int alloc_cap_solve(double *x, nytte_alloc_cap *cap, int *rounds, size_t n, const double *w, int64_t pool,
                    const double *lo, const double *hi)
{
    for (size_t i = 0; i < n; i++)
        cap[i] = NYTTE_CAP_NONE;
    *rounds = 0;
    for (;;) {
        ++*rounds;
        /* Sums in index order (the caller's id order): deterministic. */
        double fixed = 0.0, wfree = 0.0;
        size_t nfree = 0;
        for (size_t i = 0; i < n; i++) {
            if (cap[i] == NYTTE_CAP_MIN)
                fixed += lo[i];
            else if (cap[i] == NYTTE_CAP_MAX)
                fixed += hi[i];
            else {
                wfree += w[i];
                nfree++;
            }
        }
        double rest = (double)pool - fixed;
        if (nfree == 0 || !(wfree > 0.0)) {
            for (size_t i = 0; i < n; i++)
                x[i] = cap[i] == NYTTE_CAP_MIN ? lo[i] : hi[i];
            return fabs(rest) < 0.5 ? NYTTE_OK : NYTTE_ECHECK;
        }
        double lambda = rest / wfree, over = 0.0, under = 0.0;
        for (size_t i = 0; i < n; i++) {
            if (cap[i] != NYTTE_CAP_NONE)
                continue;
            double v = lambda * w[i];
            if (v > hi[i])
                over += v - hi[i];
            else if (v < lo[i])
                under += lo[i] - v;
        }
        if (over == 0.0 && under == 0.0) {
            for (size_t i = 0; i < n; i++)
                x[i] = cap[i] == NYTTE_CAP_MIN ? lo[i] : cap[i] == NYTTE_CAP_MAX ? hi[i] : lambda * w[i];
            return NYTTE_OK;
        }
        /* Σ clamp(λ w) = rest − over + under. If over > under the clamped sum falls short,
         * so the true λ* is larger and every parcel above its maximum now stays above it:
         * fix them. Symmetrically for under > over. Equal: λ* = λ, fix both. Each round
         * fixes at least one parcel for good, so there are at most n + 1 rounds. The
         * bounds may differ per parcel (the benefit cap): the argument is the same. */
        bool fix_max = over >= under, fix_min = under >= over;
        for (size_t i = 0; i < n; i++) {
            if (cap[i] != NYTTE_CAP_NONE)
                continue;
            double v = lambda * w[i];
            if (fix_max && v > hi[i])
                cap[i] = NYTTE_CAP_MAX;
            else if (fix_min && v < lo[i])
                cap[i] = NYTTE_CAP_MIN;
        }
        if ((size_t)*rounds > n + 1)
            return NYTTE_ECHECK;
    }
}
