/*
 * text.c — an owner's band in words, for `nytte explain` (English with the Danish terms in
 * parentheses, as the rest of the explanation): how wide the owner's amount and first year
 * lie over the draws, how often the owner pays more than the base case by 10 %, and how
 * stable the owner's decile is (docs/uncertainty.md, "How to read the bands").
 */
#include "nytte/uncertain.h"

#include <stdio.h>

char *nytte_unc_owner_text(char *buf, size_t size, const nytte_unc_result *r, size_t o, uint64_t seed)
{
    const nytte_money_style kr = NYTTE_MONEY_KR;
    char a[48], b[48], c[48], d[48], e[48], f[48];
    if (!r || !r->owners || o >= r->nowners) {
        snprintf(buf, size, "%s", "");
        return buf;
    }
    const nytte_unc_owner *u = &r->owners[o];
    int n = snprintf(buf, size,
                     "\nHow sure (usikkerhed), over %d draws of the uncertain inputs (seed %llu; %d allocated; "
                     "docs/uncertainty.md):\n"
                     "  in 90 %% of the draws the amount lay between %s (P5) and %s (P95), median (P50) %s\n"
                     "  the first year's payments (første års ydelser) between %s and %s, median %s\n",
                     r->ndraws, (unsigned long long)seed, r->nok, nytte_money_format(a, sizeof a, &kr, u->p5),
                     nytte_money_format(b, sizeof b, &kr, u->p95), nytte_money_format(c, sizeof c, &kr, u->p50),
                     nytte_money_format(d, sizeof d, &kr, u->year_p5),
                     nytte_money_format(e, sizeof e, &kr, u->year_p95),
                     nytte_money_format(f, sizeof f, &kr, u->year_p50));
    if (n < 0 || (size_t)n >= size)
        return buf;
    if (u->decile)
        snprintf(buf + n, size - (size_t)n,
                 "  in %.1f %% of the draws the owner pays over 10 %% more than the amount above; decile %d of 10 "
                 "among the payers, kept in %.1f %% of the draws\n",
                 100 * u->p_more, u->decile, 100 * u->rank_stable);
    else
        snprintf(buf + n, size - (size_t)n,
                 "  pays nothing above; pays something in %.1f %% of the draws and nothing in %.1f %%\n",
                 100 * u->p_more, 100 * u->rank_stable);
    return buf;
}
