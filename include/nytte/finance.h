/*
 * finance.h — how an owner pays a contribution: at once, or as an annuity or serial
 * loan over N years with m payments a year. Money in and out is integer øre; floating
 * point only for the rate arithmetic. Rounding rules make every schedule repay the
 * principal exactly. Formulas and worked examples: docs/models.md, "Finance".
 *
 * Thread-safety: every function is reentrant; a ctx is used by one thread at a time
 * (or pass NULL: the message is dropped, the status kept). The module never logs:
 * warnings come back in the result for the caller to log.
 */
#ifndef NYTTE_FINANCE_H
#define NYTTE_FINANCE_H

#include "nytte/nytte.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum {
    NYTTE_LOAN_NONE = 0,    /**< paid at once: one payment of the whole amount */
    NYTTE_LOAN_ANNUITY = 1, /**< equal payments (the last one adjusted to the øre) */
    NYTTE_LOAN_SERIAL = 2   /**< equal principal parts plus interest on the balance: payments fall */
} nytte_loan_kind;

/** "none" / "annuity" / "serial". Never NULL. */
const char *nytte_loan_kind_name(nytte_loan_kind k);
/** Parse a loan kind (case-insensitive); -1 if unknown. */
int nytte_loan_kind_parse(const char *s);

/** KommuneKredit lends with municipal guarantee for at most this many years. */
#define NYTTE_KOMMUNEKREDIT_MAX_YEARS 25
/** Largest principal accepted, øre (1 000 000 000 000 kr): keeps every total inside int64. */
#define NYTTE_LOAN_MAX_PRINCIPAL INT64_C(100000000000000)

/**
 * Loan terms, as config holds them. The periodic rate is the nominal i = rate / m (so
 * 3 % with monthly payments is 0.25 % a month; the effective yearly rate is
 * (1 + i)^m - 1 = 3.0416 %). For NYTTE_LOAN_NONE the other fields are ignored.
 */
typedef struct nytte_loan_terms {
    nytte_loan_kind kind;
    int years;             /**< 1..100 */
    double rate;           /**< nominal yearly interest, 0 <= rate < 1 */
    int payments_per_year; /**< 1, 2, 4 or 12 */
} nytte_loan_terms;

#define NYTTE_LOAN_TERMS_INIT {NYTTE_LOAN_NONE, 25, 0.0, 12}

/** Warning flags of a loan (bits). */
enum {
    NYTTE_LOAN_WARN_OVER_KOMMUNEKREDIT = 1 /**< years > 25: beyond what KommuneKredit lends */
};

/**
 * Check the terms. Returns NYTTE_OK or NYTTE_ECONFIG with a message naming the field:
 * "finance: years 0: must be 1 to 100", "finance: rate 1.2: must be at least 0 and
 * below 1", "finance: payments_per_year 6: must be 1, 2, 4 or 12". `*warnings` (may be
 * NULL) receives NYTTE_LOAN_WARN_* bits; a warning is not an error.
 */
int nytte_loan_terms_check(nytte_ctx *ctx, const nytte_loan_terms *t, unsigned *warnings);

/**
 * One warning as text, or "" for none:
 * "finance: years 30: KommuneKredit lends for at most 25 years". Writes into buf
 * (always terminated); returns buf.
 */
char *nytte_loan_warning_text(char *buf, size_t size, const nytte_loan_terms *t, unsigned warning);

/** The summary of one loan, øre. */
typedef struct nytte_loan {
    int64_t principal;      /**< the contribution */
    int npayments;          /**< years × payments_per_year, or 1 when paid at once */
    int64_t first_payment;  /**< the first periodic payment (monthly when m = 12) */
    int64_t last_payment;   /**< the last one (annuity: carries the rounding) */
    int64_t first_year;     /**< the sum of the first year's payments */
    int64_t total;          /**< the sum of all payments = principal + interest */
    int64_t interest;       /**< total - principal */
    unsigned warnings;      /**< NYTTE_LOAN_WARN_* bits */
} nytte_loan;

/**
 * Compute a loan for `principal` øre (principal <= NYTTE_LOAN_MAX_PRINCIPAL) under
 * checked terms (as nytte_loan_terms_check; errors name the field). Rounding, so that
 * the principal parts sum to the principal exactly:
 *   interest of period k: I_k = B_{k-1} × i rounded half up to the øre;
 *   annuity: payment a = P i / (1 - (1+i)^-n) rounded half up to the øre (P/n when
 *     i = 0); each period pays min(a, B_{k-1} + I_k); the last pays B_{n-1} + I_n;
 *   serial: principal part P div n, plus 1 øre in the first P mod n periods, plus I_k.
 * Rates are used to 10 decimals (rate × 1e10 rounded), so the interest is exact.
 * Example: 30000 kr, annuity, 30 years, 3 %, monthly → 360 payments of 126.48 kr,
 * the last 127.20 kr; total 45533.52 kr.
 * A negative principal is an owner paid back (a harmed parcel's compensation): one
 * payment of the principal, at once, no interest, whatever the terms.
 */
int nytte_loan_calc(nytte_ctx *ctx, nytte_loan *out, const nytte_loan_terms *t, int64_t principal);

/**
 * The whole schedule: payment[k] and, if not NULL, interest[k] for k = 0..n-1, in øre,
 * where n = the loan's npayments (the caller sizes the arrays from nytte_loan_calc).
 * `n` must equal that count (else NYTTE_EUSAGE). Same rounding as nytte_loan_calc.
 */
int nytte_loan_schedule(nytte_ctx *ctx, int64_t *payment, int64_t *interest, size_t n,
                        const nytte_loan_terms *t, int64_t principal);

#ifdef __cplusplus
}
#endif
#endif
