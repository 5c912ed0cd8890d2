/*
 * stats.c — what the draws say of each owner: percentiles by nearest rank, deciles among
 * the payers (docs/uncertainty.md, "How to read the bands").
 */
#include "nytte/uncertain.h"

#include <stdlib.h>

int64_t nytte_unc_percentile(const int64_t *sorted, size_t n, int q)
{
    if (n == 0)
        return 0;
    /* the smallest value with at least q % of the values at or below it */
    size_t rank = ((size_t)q * n + 99) / 100;
    return sorted[rank ? rank - 1 : 0];
}

static int cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

size_t nytte_unc_deciles(unsigned char *out, const int64_t *ore, size_t n, int64_t *scratch)
{
    size_t npay = 0;
    for (size_t o = 0; o < n; o++)
        if (ore[o] > 0)
            scratch[npay++] = ore[o];
    qsort(scratch, npay, sizeof *scratch, cmp_i64);
    for (size_t o = 0; o < n; o++) {
        if (ore[o] <= 0) {
            out[o] = 0;
            continue;
        }
        /* payers paying strictly less: the first index holding ore[o] */
        size_t lo = 0, hi = npay;
        while (lo < hi) {
            size_t mid = lo + (hi - lo) / 2;
            if (scratch[mid] < ore[o])
                lo = mid + 1;
            else
                hi = mid;
        }
        out[o] = (unsigned char)(1 + 10 * lo / npay);
    }
    return npay;
}
