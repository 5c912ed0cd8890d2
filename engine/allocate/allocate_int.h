/*
 * allocate_int.h — private helpers of the allocate module: exact money arithmetic, the
 * largest-remainder apportionment, the payment-cap solver and the model weights.
 */
#ifndef NYTTE_ALLOCATE_INT_H
#define NYTTE_ALLOCATE_INT_H

#include "nytte/allocate.h"

/* 128-bit integers for exact products of øre amounts (GCC/Clang extension). */
__extension__ typedef __int128 alloc_i128;

/* Round x to the nearest integer, halves away from zero (x finite, in range). */
int64_t alloc_round_half_away(double x);

/* a × num / den rounded half away from zero, exactly (den > 0). */
int64_t alloc_muldiv_round(int64_t a, int64_t num, int64_t den);

/*
 * Largest remainder (Hamilton): out[i] within [lo[i], hi[i]] (lo/hi may be NULL: 0 and
 * INT64_MAX), Σ out = total. exact[i] ≥ 0 should sum to total; out[i] starts at
 * floor(exact[i]) and the missing units go one by one to the largest fractional parts,
 * ties to the lower rank[i] (rank NULL: the index). Float noise that makes the floors
 * overshoot is taken back from the smallest fractional parts. Returns NYTTE_OK,
 * NYTTE_ENOMEM, or NYTTE_ECHECK if the bounds make the total unreachable.
 */
int alloc_apportion(int64_t *out, size_t n, const double *exact, int64_t total, const size_t *rank,
                    const int64_t *lo, const int64_t *hi);

/*
 * Split pool (øre) over n payers in proportion to w[i] > 0 with payments clamped to each
 * payer's [lo[i], hi[i]] (øre; hi may be INFINITY): x[i] = clamp(λ w[i], lo[i], hi[i])
 * with Σ x = pool. Exact results in x (øre, double) and cap[i] (NYTTE_CAP_MIN at lo,
 * NYTTE_CAP_MAX at hi). Rounds counted in *rounds. Caller checks feasibility first
 * (Σ lo ≤ pool ≤ Σ hi).
 */
int alloc_cap_solve(double *x, nytte_alloc_cap *cap, int *rounds, size_t n, const double *w, int64_t pool,
                    const double *lo, const double *hi);

/*
 * The benefit safeguard and harmed parcels of one element (safeguard.c, docs/models.md).
 * alloc_bound_ore: a line's upper bound in øre under the element's rules: the maximum
 * payment, and under the benefit cap floor(multiple × max(benefit, 0) × 100) for a
 * line with a benefit (not a contributor-only line); INT64_MAX when unbounded.
 */
int64_t alloc_bound_ore(const nytte_alloc_rules *rules, const nytte_alloc_line *l, bool *by_benefit);
/* The safeguard's statistics of an allocated element (its lines final): bound_kr,
 * benefit_ratio, over_benefit per payer; the counts and sums in er. */
void alloc_safeguard_stats(nytte_alloc_element_result *er, nytte_alloc_line *lines, const nytte_alloc_parcel *facts,
                           const nytte_alloc_rules *rules,
                           const size_t *order, size_t n);

/*
 * The raw weight of one parcel under a (non-hybrid) model, and the facts used written
 * into line (parts, band, factors, levy rate). Errors name the element and parcel.
 */
int alloc_model_weight(nytte_ctx *ctx, double *w, nytte_alloc_line *line, nytte_alloc_model model,
                       const nytte_alloc_config *cfg, const nytte_alloc_parcel *p, const char *element_id);

/* true if the model charges contributors: contributor, benefit_and_contributor, or a hybrid with a contributor part. */
bool alloc_uses_contributor(const nytte_alloc_config *cfg);

/*
 * The components of a mixed model: hybrid (its mix) or benefit_and_contributor
 * ({benefit, 1 − f}, {contributor, f}); 0 for a single model. models and fractions hold
 * NYTTE_ALLOC_MAX_MIX entries.
 */
size_t alloc_mix_components(const nytte_alloc_config *cfg, nytte_alloc_model *models, double *fractions);

/* ---- explanations (explain.c, explain_text.c) ---------------------------------- */

/* A growing string; `oom` once an allocation failed (every later call does nothing). */
typedef struct {
    char *s;
    size_t len, cap;
    bool oom;
} alloc_sbuf;

void alloc_sb_printf(alloc_sbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* What the explanations of one element share (sums in parcel-id order, as run.c makes them). */
#define ALLOC_X_CAP_KINDS 8  /* nytte_alloc_cap values counted apart */
typedef struct {
    const nytte_alloc_config *cfg;
    int64_t payable;         /* what the payers share: pool + paid back to the harmed − the residual payer's */
    size_t ncapped;          /* payers held at a cap */
    double capped_ore;       /* Σ their amounts, øre */
    size_t nkind[ALLOC_X_CAP_KINDS];       /* of them, by the kind of cap */
    double kind_ore[ALLOC_X_CAP_KINDS];    /* Σ their amounts */
    double kind_first[ALLOC_X_CAP_KINDS];  /* the first amount of the kind */
    bool kind_same[ALLOC_X_CAP_KINDS];     /* every amount of the kind the same (n × amount) */
    double free_wsum;        /* Σ weights of the payers not held at a cap */
    int64_t cut, ycut;       /* Σ payers' exact amounts cut down to the øre (yearly: ycut) */
    size_t nup, nyup;        /* payers given one øre more by largest remainder */
    double up_frac, yup_frac; /* the smallest cut-off fraction (øre) given one */
} alloc_x_element;

struct nytte_alloc_explainer {
    const nytte_alloc_result *r;
    const nytte_alloc_input *in;
    alloc_x_element *el;     /* per element */
    const char **howner;     /* holdings sorted by parcel, then owner id: owner and share */
    double *hshare;
    size_t *hfirst;          /* parcel p's holdings: [hfirst[p], hfirst[p + 1]) */
    double *hsum;            /* per parcel: Σ its shares in owner-id order */
};

/* Statements "label: arithmetic = result": on lines of their own (text) or after ", " (a table cell). */
typedef struct {
    alloc_sbuf *b;
    bool text;               /* nytte explain: one statement a line, indented, Danish terms */
    bool first;              /* a cell's first statement of an element */
} alloc_xout;

/* Start a statement: text mode "    en_text: ", cell mode "[, ]en_cell: ". */
void alloc_x_label(alloc_xout *o, const char *en_text, const char *en_cell);

/* The shortest decimal that reads back as x (positional, never an exponent). */
char *alloc_x_num(char *buf, size_t size, double x);

/* ore (≥ 0, øre) as kroner cut after 6 decimals, with "…" when digits were cut. */
char *alloc_x_exact(char *buf, size_t size, double ore, bool mark);

/* An amount in øre that is whole (caps, their sums) as money "1000.00", else as alloc_x_exact. */
char *alloc_x_money(char *buf, size_t size, double ore);

/* "PV of avoided damage at 3.5 % over 100 years" (or "present value of avoided damage"). */
void alloc_x_benefit_words(alloc_sbuf *b, const nytte_alloc_benefit_basis *basis);

/* The exact yearly O&M share of a payer, as run.c computes it, øre. */
double alloc_x_yearly_exact(const nytte_alloc_element_result *er, const nytte_alloc_line *l);

/*
 * The statements of one payer's line of element e, parcel p: its weight, the amount, what
 * it pays after rounding, and the same for the yearly O&M.
 */
void alloc_x_line(alloc_xout *o, const nytte_alloc_explainer *x, size_t e, size_t p);

/* The statements of an owner's part of a line (amount ore of the line, share, what the owner pays). */
void alloc_x_part(alloc_xout *o, const nytte_alloc_explainer *x, size_t parcel, double share, int64_t line_ore,
                  int64_t part_ore, bool yearly);

/* A harmed parcel paid back its loss (compensate_harmed): −benefit rounded to the øre (run.c, element_compensation). */
void alloc_x_paid_back(alloc_xout *o, const nytte_alloc_line *l);

/* The rounding statement "⌊x kr⌋ + k øre = amount kr" of an exact amount x (øre). */
void alloc_x_round(alloc_xout *o, double x, int64_t ore);

/*
 * The owners of an allocation whose element lines and per-parcel totals are in res: the
 * holdings checked, each parcel's amounts split over its co-owners, the owners' totals
 * (owners.c). order/rank: the parcels in id order (order[j] has rank j).
 */
int alloc_owners(nytte_ctx *ctx, nytte_alloc_result *res, const nytte_alloc_input *in, const size_t *order,
                 const size_t *rank);

/* Validate a model config (ECONFIG naming the element). */
int alloc_config_check(nytte_ctx *ctx, const nytte_alloc_config *cfg, const char *element_id);

#endif
