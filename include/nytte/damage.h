/*
 * damage.h — from water depth to money: the depth at a building, depth-damage curves,
 * expected annual damage (EAD) under a named integration and tail rule, and the present
 * value of avoided damage. Pure arithmetic on plain numbers: no files, no GDAL. Every
 * formula is written out with a worked example in docs/models.md ("Damage").
 *
 * Money here is floating-point kroner: these numbers are physics and weights, not
 * amounts charged (those are integer øre, made by allocate/).
 *
 * Thread-safety: every function is reentrant. Functions without a ctx touch no shared
 * state; functions with one may be called from several threads only with one ctx per
 * thread (or ctx = NULL, which drops the message but keeps the status).
 */
#ifndef NYTTE_DAMAGE_H
#define NYTTE_DAMAGE_H

#include "nytte/types.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- depth at the asset -------------------------------------------------- */

/** Which footprint statistic stands for a building's water depth. */
typedef enum {
    NYTTE_DEPTH_MAX = 0,  /**< the deepest water anywhere on the footprint */
    NYTTE_DEPTH_MEAN = 1  /**< the area-weighted mean depth over the footprint */
} nytte_depth_stat;

/** "max" or "mean". Never NULL. */
const char *nytte_depth_stat_name(nytte_depth_stat s);
/** Parse "max" / "mean" (case-insensitive); -1 if unknown. */
int nytte_depth_stat_parse(const char *s);

/**
 * Water depth above the floor, m: the chosen footprint statistic minus the floor height
 * above terrain, clamped at 0. A NaN statistic (no water, or no cells) counts as 0; a
 * NaN or negative floor height counts as 0 (floor at terrain).
 * Example: mean 0.8, max 1.3, floor 0.3 → MEAN 0.5, MAX 1.0.
 */
double nytte_damage_depth(nytte_depth_stat stat, double mean_depth, double max_depth, double floor_height);

/* ---- depth-damage curves ------------------------------------------------- */

#define NYTTE_CURVE_MAX_POINTS 32
#define NYTTE_CURVE_NAME_MAX 64

/**
 * A piecewise-linear depth-damage curve: depth above the floor (m) → fraction of the
 * maximum damage. Valid curves (nytte_curve_validate) have 2..NYTTE_CURVE_MAX_POINTS
 * points, depths >= 0 and strictly increasing, fractions in [0, 1] and non-decreasing.
 */
typedef struct nytte_curve {
    char name[NYTTE_CURVE_NAME_MAX];  /**< e.g. "residential/structure", used in messages */
    int npoints;
    double depth[NYTTE_CURVE_MAX_POINTS];
    double fraction[NYTTE_CURVE_MAX_POINTS];
} nytte_curve;

/**
 * Fill `out` with `n` points and a name (truncated to NYTTE_CURVE_NAME_MAX - 1).
 * Returns NYTTE_OK, or NYTTE_ECONFIG when n > NYTTE_CURVE_MAX_POINTS ("curve X: 40
 * points: at most 32"). Does not validate the values: call nytte_curve_validate.
 */
int nytte_curve_set(nytte_ctx *ctx, nytte_curve *out, const char *name, const double *depth,
                    const double *fraction, int n);

/**
 * Check a curve. Returns NYTTE_OK or NYTTE_ECONFIG with a message naming the curve and
 * the first offending point (1-based), e.g.
 * "curve residential/structure: point 3 (depth 1.5): fraction 0.45 is below the previous 0.5 (curves must be non-decreasing)".
 */
int nytte_curve_validate(nytte_ctx *ctx, const nytte_curve *c);

/**
 * Damage fraction at `depth` (m above the floor) on a valid curve:
 *   depth <= 0 or NaN                    → 0 (dry floor, no damage);
 *   0 < depth < first point's depth      → linear from (0, 0) to the first point;
 *   between two points                   → linear interpolation;
 *   depth >= last point's depth          → the last fraction.
 * So a curve is continuous from (0, 0) unless its first point is at depth 0 with a
 * fraction above 0 (a step: any water over the floor does that much damage).
 */
double nytte_curve_eval(const nytte_curve *c, double depth);

/* ---- the damage model: curves and values per use group -------------------- */

/**
 * Curves and values per BBR use group. A building's maximum damage is its structure
 * value (the given value, else unit_value × floor area) for the structure plus
 * contents_factor × that value for the contents; damage at depth d =
 * value × (f_structure(d) + contents_factor × f_contents(d)).
 */
typedef struct nytte_damage_model {
    nytte_curve structure[NYTTE_USE_COUNT];
    nytte_curve contents[NYTTE_USE_COUNT];
    double unit_value[NYTTE_USE_COUNT];      /**< structure value, kr per m² floor area */
    double contents_factor[NYTTE_USE_COUNT]; /**< contents value / structure value */
    nytte_depth_stat depth_stat;
} nytte_damage_model;

/**
 * The documented defaults (docs/models.md, "Default curves and values"): JRC Europe
 * residential curve for residential, summerhouse and other, commercial curve for
 * business and public (Huizinga et al. 2017), the same curve for contents; unit values
 * residential 1480, summerhouse 1480, business 5500, public 3000, other 0 kr/m²;
 * contents factors 0.5, 0.5, 1.0, 1.0, 0; depth statistic MAX.
 */
void nytte_damage_model_default(nytte_damage_model *out);

/** Validate every curve, and unit values and contents factors (finite, >= 0); NYTTE_ECONFIG. */
int nytte_damage_model_validate(nytte_ctx *ctx, const nytte_damage_model *m);

/**
 * Structure value of a building, kr: `given_value` when it is a finite number >= 0,
 * else unit_value[use] × floor_area (a NaN or negative floor area counts as 0).
 */
double nytte_damage_value(const nytte_damage_model *m, nytte_use use, double floor_area, double given_value);

/**
 * Damage in kr of a building of `use` with structure value `value` at `depth` m above
 * its floor: value × (f_structure(depth) + contents_factor × f_contents(depth)).
 * Example (defaults): residential, 100 m² → value 148000 kr; depth 0.5 m → fractions
 * 0.25 and 0.25 → 148000 × (0.25 + 0.5 × 0.25) = 55500 kr.
 */
double nytte_damage_at_depth(const nytte_damage_model *m, nytte_use use, double value, double depth);

/**
 * The same with the curves scaled by `scale` ≥ 0 (an uncertain curve, docs/uncertainty.md):
 * value × (min(1, scale × f_structure(depth)) + contents_factor × min(1, scale × f_contents(depth))).
 * With scale 1 this is nytte_damage_at_depth, to the bit.
 */
double nytte_damage_at_depth_scaled(const nytte_damage_model *m, nytte_use use, double value, double depth,
                                    double scale);

/* ---- expected annual damage ---------------------------------------------- */

/** How damage varies between two events, as a function of exceedance probability p = 1/T. */
typedef enum {
    NYTTE_EAD_TRAPEZOID = 0, /**< linear in p (HEC-FDA, go-consequences, DamageScanner) */
    NYTTE_EAD_LOGLINEAR = 1  /**< linear in ln p (Delft-FIAT) */
} nytte_ead_integration;

/** Damage for events more frequent than the most frequent one given (p1 < p <= 1). */
typedef enum {
    NYTTE_EAD_LOWER_ZERO = 0,    /**< none (Delft-FIAT) */
    NYTTE_EAD_LOWER_TRIANGLE = 1 /**< linear in p from D1 at p1 down to 0 at p = 1 (HEC-FDA): adds D1 (1 - p1) / 2 */
} nytte_ead_lower;

/** Damage for events rarer than the rarest one given (0 <= p < pn). */
typedef enum {
    NYTTE_EAD_UPPER_NONE = 0,    /**< none (DamageScanner) */
    NYTTE_EAD_UPPER_CONSTANT = 1 /**< Dn held to p = 0 (Delft-FIAT, HEC-FDA): adds Dn pn */
} nytte_ead_upper;

/** The EAD rule: printed in every output as "integration/lower/upper". */
typedef struct nytte_ead_rule {
    nytte_ead_integration integration;
    nytte_ead_lower lower;
    nytte_ead_upper upper;
} nytte_ead_rule;

/** The default rule, "trapezoid/zero/constant" (justified in docs/models.md). */
#define NYTTE_EAD_RULE_INIT {NYTTE_EAD_TRAPEZOID, NYTTE_EAD_LOWER_ZERO, NYTTE_EAD_UPPER_CONSTANT}

/** "trapezoid" / "loglinear". Never NULL. */
const char *nytte_ead_integration_name(nytte_ead_integration v);
/** "zero" / "triangle". Never NULL. */
const char *nytte_ead_lower_name(nytte_ead_lower v);
/** "none" / "constant". Never NULL. */
const char *nytte_ead_upper_name(nytte_ead_upper v);
/** Parse a name (case-insensitive); -1 if unknown. */
int nytte_ead_integration_parse(const char *s);
int nytte_ead_lower_parse(const char *s);
int nytte_ead_upper_parse(const char *s);

/** Write "trapezoid/zero/constant" into buf (always terminated); returns buf. */
char *nytte_ead_rule_format(char *buf, size_t size, const nytte_ead_rule *rule);
/**
 * Parse "integration/lower/upper", e.g. "loglinear/zero/constant" (case-insensitive).
 * Returns NYTTE_OK or NYTTE_ECONFIG naming the bad part
 * ("EAD rule \"simpson/zero/none\": unknown integration \"simpson\" (trapezoid or loglinear)").
 */
int nytte_ead_rule_parse(nytte_ctx *ctx, nytte_ead_rule *out, const char *s);

/**
 * Check a return-period series: n >= 1, every T finite and at least 1 year (so p = 1/T <= 1;
 * T = 1 starts Delft-FIAT's series), strictly increasing. `what` names the series in the message ("hazard surge").
 * Returns NYTTE_OK or NYTTE_ECONFIG, e.g.
 * "hazard surge: return period 2 (50) is not greater than the previous (50): return periods must be strictly increasing".
 */
int nytte_ead_check_periods(nytte_ctx *ctx, const char *what, const double *T, size_t n);

/** EAD of one asset, kr per year, and where it comes from. */
typedef struct nytte_ead {
    double ead;        /**< total = between events + lower_tail + upper_tail; >= 0 */
    double lower_tail; /**< part from events more frequent than T1 */
    double upper_tail; /**< part from events rarer than Tn */
    int adjusted;      /**< 1 if the damages were raised to be non-decreasing in T */
} nytte_ead;

/**
 * EAD of one asset with damages D[0..n-1] (kr) at return periods T[0..n-1] under `rule`.
 * Checks the periods (as nytte_ead_check_periods) and the damages (finite, >= 0), naming
 * `item` (e.g. "building 1234"; NULL → "asset"): NYTTE_EINPUT
 * "building 1234: damage at T=50 is -3 (must be finite and >= 0)".
 * Damage that falls with return period is replaced by the running maximum
 * (D'_i = max(D_1..D_i)) and out->adjusted is set; the EAD is never negative.
 * With n == 1 only the tails contribute.
 */
int nytte_ead_calc(nytte_ctx *ctx, nytte_ead *out, const nytte_ead_rule *rule, const double *T,
                   const double *D, size_t n, const char *item);

/**
 * EAD of `nassets` assets sharing the periods T[0..nperiods-1]; damages row-major,
 * D[a * nperiods + i]. Fills out[0..nassets-1] in order and sets *nadjusted (may be
 * NULL) to the number of assets whose damages were made non-decreasing. Messages name
 * ids[a] when ids is given, else "asset <a>" (0-based). Stops at the first bad asset.
 */
int nytte_ead_table(nytte_ctx *ctx, nytte_ead *out, size_t *nadjusted, const nytte_ead_rule *rule,
                    const double *T, size_t nperiods, const double *D, size_t nassets,
                    const char *const *ids);

/* ---- benefit and present value ------------------------------------------- */

/**
 * Avoided EAD of an asset: without − with, reported as is. It is negative only where
 * the measure makes things worse for that asset (e.g. water led onto it); outputs show
 * that. For weights (allocation) use nytte_benefit_weight, which floors it at 0.
 */
double nytte_avoided_ead(double ead_without, double ead_with);
/** max(0, avoided), and 0 for NaN: an asset never gets a negative benefit weight. */
double nytte_benefit_weight(double avoided);

/**
 * Check discounting inputs: 0 <= rate < 1 (finite) and 1 <= years <= 1000. `what` names
 * the caller's section ("economics"). NYTTE_ECONFIG: "economics: discount rate 1.5: must be at least 0 and below 1".
 */
int nytte_pv_check(nytte_ctx *ctx, const char *what, double rate, int years);

/**
 * Present-value factor of 1 kr a year at the end of years 1..N (year 1 is discounted):
 * A = Σ_{t=1..N} (1+r)^-t = (1 - (1+r)^-N) / r, and A = N when r = 0.
 * Example: r = 0.04, N = 3 → 1/1.04 + 1/1.04² + 1/1.04³ = 2.775091...
 */
double nytte_pv_factor(double rate, int years);

/**
 * Present value of a yearly amount that moves linearly from `start` (today, year 0, not
 * counted) to `end` (year N): x_t = start + (end - start) t / N for t = 1..N,
 * PV = Σ x_t (1+r)^-t = start A + (end - start)/N Σ t (1+r)^-t.
 * With start == end this is start × nytte_pv_factor. Example: r = 0, N = 4, start 100,
 * end 200 → 125 + 150 + 175 + 200 = 650.
 */
double nytte_pv_ramp(double rate, int years, double start, double end);

/**
 * The sum Σ_{t=1..N} t (1+r)^-t of nytte_pv_ramp, summed in year order: for a caller that
 * values many ramps at one rate, as start × A + (end − start) / N × this (the same bits as
 * nytte_pv_ramp when end != start). Example: r = 0, N = 4 → 10.
 */
double nytte_pv_ramp_sum(double rate, int years);

/** Project economics: present values in kr. */
typedef struct nytte_project_pv {
    double pv_benefits;  /**< PV of the summed avoided EAD (as is, not floored) */
    double pv_costs;     /**< capex at t = 0 + PV of O&M over the horizon */
    double bcr;          /**< pv_benefits / pv_costs; NaN when pv_costs == 0 */
} nytte_project_pv;

/**
 * Project totals. `avoided_start` / `avoided_end`: the project's summed avoided EAD,
 * kr/yr, today and at the horizon (equal when there is no sea-level-rise path);
 * capex and O&M per year in øre (as the config holds them). Checks rate and years as
 * nytte_pv_check(ctx, "economics", ...), and capex, O&M >= 0.
 * Example: avoided 100000 kr/yr flat, r = 0.04, N = 3, capex 200000 kr, O&M 10000 kr/yr
 * → benefits 277509.1, costs 200000 + 27750.9 = 227750.9, ratio 1.2185.
 */
int nytte_project_pv_calc(nytte_ctx *ctx, nytte_project_pv *out, double avoided_start, double avoided_end,
                          int64_t capex_ore, int64_t om_ore_per_year, double rate, int years);

#ifdef __cplusplus
}
#endif
#endif
