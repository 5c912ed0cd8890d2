/*
 * finance.c — the finance section: the loan that spreads an owner's payment over years
 * (none, annuity or serial), its term, rate and payments per year.
 */
#include "config/config_int.h"

#include <stdlib.h>

void cfg_load_finance(loader *L, const ynode *f, nytte_project *p)
{
    cfg_map fm = cfg_map_at(L, f, "finance", "finance");
    cfg_check_keys(&fm);
    char *kind = NULL;
    if (cfg_get_str(&fm, "loan", &kind) == NYTTE_OK) {
        int k = nytte_loan_kind_parse(kind);
        if (k < 0)
            cfg_problem(L, ytree_get(f, "loan"), NYTTE_ECONFIG, "finance.loan",
                        "unknown loan type '%s' (expected none, annuity or serial)", kind);
        else
            p->loan.kind = (nytte_loan_kind)k;
    }
    free(kind);
    cfg_get_int(&fm, "years", 1, 100, &p->loan.years);
    cfg_get_num(&fm, "rate", 0, 0.5, &p->loan.rate);
    int ppy = p->loan.payments_per_year;
    if (cfg_get_int(&fm, "payments_per_year", 1, 12, &ppy) == NYTTE_OK) {
        if (ppy != 1 && ppy != 2 && ppy != 4 && ppy != 12)
            cfg_problem(L, ytree_get(f, "payments_per_year"), NYTTE_ECONFIG, "finance.payments_per_year",
                        "must be 1, 2, 4 or 12, got %d", ppy);
        else
            p->loan.payments_per_year = ppy;
    }
}
