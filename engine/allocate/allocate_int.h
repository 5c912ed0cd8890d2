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
