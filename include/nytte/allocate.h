/*
 * allocate.h — the benefit principle (nytteprincippet): turn the cost of each separable
 * element of a measure into exact øre amounts per parcel and per owner.
 *
 * Pure arithmetic on plain tables: no files, no GDAL, no YAML. The config loader fills
 * nytte_alloc_config and nytte_alloc_pool_spec; the pipeline fills one nytte_alloc_parcel
 * per parcel per element from the overlay and damage stages. nytte_allocate_run then does
 *
 *     element pools -> weights -> exemptions -> caps -> rounding -> co-owners -> owners
 *
 * and returns every step of the chain so that each amount can be explained on appeal.
 * Every formula has its twin, with a worked example, in docs/models.md (## Allocation).
 *
 * Money is integer øre (int64_t) once allocated; weights are double. Results do not
 * depend on the order of the inputs: everything that matters is ordered by id (strcmp).
 * Functions are reentrant; a context is used by one thread at a time.
 */
#ifndef NYTTE_ALLOCATE_H
#define NYTTE_ALLOCATE_H

#include "nytte/types.h"

#include <math.h>
#include <stdbool.h>

#ifdef __cplusplus
extern "C" {
#endif

#define NYTTE_ALLOC_MAX_BANDS 16      /**< terrain bands of the zones model */
#define NYTTE_ALLOC_MAX_CRITERIA 32   /**< extra-parts criteria (one flag bit each) */
#define NYTTE_ALLOC_MAX_RISK_ZONES 8  /**< risk zones of the value_levy model */
#define NYTTE_ALLOC_MAX_MIX 8         /**< components of a hybrid model */
#define NYTTE_ALLOC_MAX_DEDUCTIONS 16 /**< deductions per element */

/** Allocation models (see docs/models.md). Values are stable; names are what configs use. */
typedef enum {
    NYTTE_ALLOC_BENEFIT = 0,    /**< "benefit": PV of avoided damage, kr */
    NYTTE_ALLOC_PARTS = 1,      /**< "parts": rule table of parts (Halsskov, Enø, Jyllinge) */
    NYTTE_ALLOC_ZONES = 2,      /**< "zones": band factor × use factor × floor area (Kerteminde) */
    NYTTE_ALLOC_VALUE_LEVY = 3, /**< "value_levy": ‰ of property value by risk zone (Køge) */
    NYTTE_ALLOC_AREA = 4,       /**< "area": a·building m² + b·plot m² (Korsør) */
    NYTTE_ALLOC_EQUAL = 5,      /**< "equal": one share per property */
    NYTTE_ALLOC_HYBRID = 6,     /**< "hybrid": weighted mix of normalised weights of other models */
    NYTTE_ALLOC_CONTRIBUTOR = 7,             /**< "contributor": effective runoff area in the catchment (who sends the water) */
    NYTTE_ALLOC_BENEFIT_AND_CONTRIBUTOR = 8, /**< "benefit_and_contributor": a fraction by contribution, the rest by benefit */
    NYTTE_ALLOC_MODEL_COUNT = 9
} nytte_alloc_model;

/** Model name as in configs ("benefit", "parts", ...); "unknown" for a bad value. */
const char *nytte_alloc_model_name(nytte_alloc_model m);
/** Parse a model name; returns -1 if unknown. */
int nytte_alloc_model_parse(const char *s);

/* ---- facts per parcel and element (filled by the pipeline) --------------- */

typedef struct nytte_alloc_parcel {
    const char *id;          /**< parcel id (borrowed); the same at index i in every element */
    bool in_area;            /**< inside this element's benefit area */
    bool built;              /**< has a building */
    int nbuildings;          /**< houses counted by the parts rules */
    double plot_area;        /**< m² */
    double building_area;    /**< m² of building footprint (area model) */
    double floor_area;       /**< m² of floor area (zones model) */
    double property_value;   /**< public property value, kr; NaN if unknown */
    nytte_use use;           /**< dominant use group */
    bool plot_flooded;       /**< plot floods at the design event without the element */
    bool building_flooded;   /**< a building floods at the design event without the element */
    bool access_road_only;   /**< only the access road floods (parts rule "access road") */
    double ref_level;        /**< m: lowest ground level of the plot or the floor level, chosen
                                  by the pipeline; selects the zones band and the plot kote rule */
    double floor_level;      /**< m: building floor level for the house kote rule; NaN = ref_level */
    int risk_zone;           /**< value_levy zone index (0 = none by convention, Køge 1 = high, 2 = risk) */
    double benefit;          /**< PV of avoided damage, kr (damage stage); negative when the element
                                  raises the parcel's expected damage (harmed: docs/models.md) */
    double avoided_ead;      /**< kr/yr of expected damage the element avoids now (negative: harmed);
                                  reported with harmed parcels, used by no model */
    unsigned flags;          /**< criterion bits for the parts rules (bit k = criterion with bit k) */
    double contributor;      /**< m² of effective runoff area inside the catchment of the protected area
                                  (Σ area × runoff coefficient, nytte_contributor_weight); 0 = sends no
                                  water. Used by the contributor models, which charge contributors
                                  OUTSIDE the benefit area too (docs/models.md, Contributor models). */
} nytte_alloc_parcel;

/* ---- model parameters (filled by the config loader) ---------------------- */

/** One extra-parts criterion: + parts when bit `bit` of the parcel's flags is set. */
typedef struct nytte_alloc_criterion {
    const char *name;  /**< e.g. "erosion" (borrowed) */
    unsigned bit;      /**< 0..31 */
    double parts;
} nytte_alloc_criterion;

/**
 * parts = base + per_plot + per_house·nbuildings + plot_flooded·[plot flooded]
 *       + building_flooded·[building flooded] + access_road·[access road only, plot and
 *       buildings dry] + below_plot·[ref_level < kote] + below_house·nbuildings·[floor < kote]
 *       + Σ criteria parts·[flag set].
 * Halsskov: plot_flooded 1, building_flooded 1. Enø: per_plot 0.25, per_house 0.25,
 * kote 2.00, below_plot 1, below_house 1.
 */
typedef struct nytte_alloc_parts_rule {
    double base;             /**< every property in the area (indirect beneficiaries) */
    double per_plot;
    double per_house;
    double plot_flooded;
    double building_flooded;
    double access_road;
    double kote;             /**< m; NaN turns the below-kote rule off */
    double below_plot;
    double below_house;
    size_t ncriteria;
    nytte_alloc_criterion criteria[NYTTE_ALLOC_MAX_CRITERIA];
} nytte_alloc_parts_rule;

/**
 * weight = factor[band] × use_factor[use] × max(floor_area, min_area), where band b is
 * the first with ref_level <= upper[b] (upper ascending). Above the last upper level the
 * parcel has weight 0 (no flood risk). Kerteminde: 5 bands up to kote 2.2.
 */
typedef struct nytte_alloc_zones_rule {
    size_t nbands;
    double upper[NYTTE_ALLOC_MAX_BANDS];
    double factor[NYTTE_ALLOC_MAX_BANDS];
    double use_factor[NYTTE_USE_COUNT];
    double min_area;         /**< m²; unbuilt or tiny buildings count as this */
} nytte_alloc_zones_rule;

/** weight = permille[risk_zone] / 1000 × property_value (kr). Køge: {0, 0.453, 0.227}. */
typedef struct nytte_alloc_levy_rule {
    double permille[NYTTE_ALLOC_MAX_RISK_ZONES];
} nytte_alloc_levy_rule;

/** weight = a_building·building_area + b_plot·plot_area. */
typedef struct nytte_alloc_area_rule {
    double a_building, b_plot;
} nytte_alloc_area_rule;

/** weight_i = Σ_k fraction_k · w_ik / Σ_j w_jk over the eligible parcels of the element. */
typedef struct nytte_alloc_mix_rule {
    size_t n;
    struct {
        nytte_alloc_model model;  /**< any model but hybrid */
        double fraction;          /**< ≥ 0, e.g. 0.3 equal + 0.7 benefit */
    } mix[NYTTE_ALLOC_MAX_MIX];
} nytte_alloc_mix_rule;

/**
 * Contributor models (docs/models.md). `contributor`: weight = the contributor fact.
 * `benefit_and_contributor`: weight_i = (1 − f)·b_i / Σ b + f·c_i / Σ c with f =
 * contributor_fraction, b the benefit fact and c the contributor fact — a hybrid of the
 * benefit and contributor models. In both (and in a hybrid with a contributor component)
 * the paying set is the benefit area PLUS every parcel with contributor > 0; the benefit
 * exemptions (unbuilt, land only, minimum benefit) remove only the benefit part.
 */
/** The benefit safeguard (allocation.benefit_cap, docs/models.md "Benefit safeguard"). */
typedef enum {
    NYTTE_BENEFIT_CAP_OFF = 0,   /**< nothing checked */
    NYTTE_BENEFIT_CAP_WARN = 1,  /**< payers above multiple × benefit counted and listed, amounts untouched */
    NYTTE_BENEFIT_CAP_CAP = 2    /**< no payer pays above multiple × benefit; the rest to the residual payer */
} nytte_alloc_benefit_cap;

/** "off", "warn", "cap"; "unknown" for a bad value. */
const char *nytte_alloc_benefit_cap_name(nytte_alloc_benefit_cap m);

/** Rules every model shares. */
typedef struct nytte_alloc_rules {
    bool exempt_unbuilt;     /**< unbuilt plots are dormant: pay 0, reason "unbuilt (dormant)" */
    bool exempt_land_only;   /**< plot flooded but buildings dry: exempt (Kerteminde) */
    double min_benefit;      /**< kr; benefit fact below this exempts; 0 = off */
    double min_weight;       /**< model weight below this exempts; 0 = off */
    int64_t min_ore;         /**< minimum payment per parcel and element, øre; 0 = none */
    int64_t max_ore;         /**< maximum payment per parcel and element, øre; 0 = none */
    nytte_alloc_benefit_cap benefit_cap; /**< the benefit safeguard */
    double benefit_multiple; /**< > 0: a payer's bound is multiple × its benefit (1 = its benefit) */
    const char *residual_payer; /**< who pays what the capped payers cannot (borrowed; NULL: "the residual payer") */
    bool compensate_harmed;  /**< harmed parcels are paid their PV loss back, out of the pool */
} nytte_alloc_rules;

typedef struct nytte_alloc_config {
    nytte_alloc_model model;
    nytte_alloc_parts_rule parts;
    nytte_alloc_zones_rule zones;
    nytte_alloc_levy_rule levy;
    nytte_alloc_area_rule area;
    nytte_alloc_mix_rule hybrid;
    nytte_alloc_rules rules;
    double contributor_fraction; /**< benefit_and_contributor: share of the pool by contribution, 0..1 (default 0.5) */
} nytte_alloc_config;

/** Model equal, no rules (benefit safeguard off, multiple 1), parts all 0 with the kote rule off, use
 *  factors 1, area a = b = 1, contributor fraction 0.5. */
#define NYTTE_ALLOC_CONFIG_INIT                                                                 \
    {                                                                                           \
        .model = NYTTE_ALLOC_EQUAL, .parts = {.kote = NAN},                                     \
        .zones = {.use_factor = {1, 1, 1, 1, 1}}, .area = {.a_building = 1, .b_plot = 1},       \
        .rules = {.benefit_multiple = 1.0}, .contributor_fraction = 0.5,                        \
    }
/** Same as NYTTE_ALLOC_CONFIG_INIT, for heap structs. */
void nytte_alloc_config_init(nytte_alloc_config *cfg);

/* ---- the cost pool of one element ----------------------------------------- */

typedef enum {
    NYTTE_OM_PV = 0,     /**< O&M over the lifetime added to the pool as present value */
    NYTTE_OM_YEARLY = 1  /**< O&M split every year as a separate yearly pool (no deductions, no caps) */
} nytte_alloc_om_mode;

typedef enum {
    NYTTE_DEDUCT_GRANT = 0,     /**< external grant (Realdania, coastal fund) */
    NYTTE_DEDUCT_MUNICIPAL = 1, /**< municipal share */
    NYTTE_DEDUCT_UTILITY = 2,   /**< utility (forsyning) share */
    NYTTE_DEDUCT_GROUP = 3      /**< an amount charged by rule to a named owner group */
} nytte_alloc_deduction_kind;

/** Name of a deduction kind ("grant", "municipal", "utility", "group"). */
const char *nytte_alloc_deduction_kind_name(nytte_alloc_deduction_kind k);

/** One deduction, applied in array order: an amount, or a percentage of what remains. */
typedef struct nytte_alloc_deduction {
    const char *label;               /**< "Realdania", "Kommunen", ... (borrowed) */
    nytte_alloc_deduction_kind kind;
    bool is_percent;
    int64_t amount_ore;              /**< when !is_percent */
    double percent;                  /**< when is_percent: 0..100 of what remains */
} nytte_alloc_deduction;

typedef struct nytte_alloc_pool_spec {
    int64_t capex_ore;
    int64_t om_ore_per_year;
    int lifetime_years;              /**< for the PV of O&M */
    double discount_rate;            /**< e.g. 0.035 */
    nytte_alloc_om_mode om_mode;
    size_t ndeductions;
    nytte_alloc_deduction deductions[NYTTE_ALLOC_MAX_DEDUCTIONS];
} nytte_alloc_pool_spec;

/** The computed pool of one element. */
typedef struct nytte_alloc_pool {
    int64_t capex_ore;
    int64_t om_pv_ore;               /**< PV of O&M (PV mode), else 0 */
    int64_t gross_ore;               /**< capex + om_pv */
    size_t ndeductions;
    int64_t deducted_ore[NYTTE_ALLOC_MAX_DEDUCTIONS];  /**< in the order applied */
    int64_t pool_ore;                /**< what the owners pay, once */
    int64_t yearly_ore;              /**< O&M the owners pay every year (yearly mode), else 0 */
} nytte_alloc_pool;

/**
 * Compute the pool of one element: gross = capex + round(om × (1 − (1+r)^−n) / r)
 * (PV mode; n years, r = 0 gives om × n), then each deduction in order; a percentage is
 * round_half_away(remaining × percent / 100) to the øre, exact for percentages with up
 * to 6 decimals. A deduction larger than what remains fails with NYTTE_ECONFIG:
 * `element dike: deduction "Kommunen" of 600000.00 kr exceeds the remaining 500000.00 kr`.
 * element_id names the element in messages (may be NULL).
 */
int nytte_alloc_pool_compute(nytte_ctx *ctx, nytte_alloc_pool *out, const char *element_id,
                             const nytte_alloc_pool_spec *spec);

/** kr → øre, rounded half away from zero. NYTTE_EINPUT if not finite or out of range. */
int nytte_alloc_kr_to_ore(double kr, int64_t *out);

/**
 * Køge's absolute yearly levy: round_half_away(permille / 1000 × value_kr) in øre.
 * (Used as a key, value_levy splits a pool in the same proportions; when the pool equals
 * the sum of the levies each owner pays exactly this.)
 */
int64_t nytte_alloc_levy_ore(double permille, double value_kr);

/* ---- the run -------------------------------------------------------------- */

typedef struct nytte_alloc_element {
    const char *id;                      /**< element id, e.g. "sluice" (borrowed) */
    nytte_alloc_pool_spec pool;
    const nytte_alloc_parcel *parcels;   /**< nparcels facts, same parcel order in every element (borrowed) */
    const nytte_alloc_config *config;    /**< NULL: the input's config (borrowed) */
} nytte_alloc_element;

/** One owner's share of one parcel; the shares of a parcel sum to 1 (within 1e-9). */
typedef struct nytte_alloc_holding {
    size_t parcel;          /**< index into the parcel arrays */
    const char *owner_id;   /**< borrowed */
    double share;           /**< (0, 1] */
} nytte_alloc_holding;

/**
 * What the benefit facts are, for the explanations only (the allocation never reads it):
 * present values of avoided damage at a discount rate over a horizon. The explanations
 * say "PV of avoided damage at 3.5 % over 100 years"; years 0 (unknown) makes them say
 * "present value of avoided damage" without the terms.
 */
typedef struct nytte_alloc_benefit_basis {
    double discount_rate;    /**< e.g. 0.035 */
    int years;               /**< the horizon; 0 = not known */
    bool rising;             /**< the avoided damage grows linearly to the end of the horizon (sea-level rise) */
} nytte_alloc_benefit_basis;

typedef struct nytte_alloc_input {
    size_t nparcels;
    const nytte_alloc_element *elements;
    size_t nelements;
    const nytte_alloc_holding *holdings;  /**< NULL/0: every parcel owned wholly by an owner whose id is the parcel id */
    size_t nholdings;
    const nytte_alloc_config *config;     /**< default model config */
    nytte_alloc_benefit_basis benefit;    /**< what the benefit facts are (explanations only) */
} nytte_alloc_input;

/** Why a parcel pays nothing for an element. */
typedef enum {
    NYTTE_EXEMPT_NONE = 0,
    NYTTE_EXEMPT_OUTSIDE = 1,        /**< "outside the benefit area" */
    NYTTE_EXEMPT_UNBUILT = 2,        /**< "unbuilt (dormant)" */
    NYTTE_EXEMPT_LAND_ONLY = 3,      /**< "plot flooded, buildings dry" */
    NYTTE_EXEMPT_MIN_BENEFIT = 4,    /**< "benefit below the minimum" */
    NYTTE_EXEMPT_ZERO_WEIGHT = 5,    /**< "weight 0" */
    NYTTE_EXEMPT_MIN_WEIGHT = 6,     /**< "weight below the minimum" */
    NYTTE_EXEMPT_HARMED = 7          /**< "harmed by the element (compensated)" */
} nytte_alloc_exempt;

/** The reason text of an exemption ("" for NONE). */
const char *nytte_alloc_exempt_reason(nytte_alloc_exempt e);

/** Which bound fixed a payer's amount: none, the minimum or maximum payment, or its benefit bound. */
typedef enum { NYTTE_CAP_NONE = 0, NYTTE_CAP_MIN = 1, NYTTE_CAP_MAX = 2, NYTTE_CAP_BENEFIT = 3 } nytte_alloc_cap;

/** One parcel for one element: the explanation chain. */
typedef struct nytte_alloc_line {
    bool in_area;
    nytte_alloc_exempt exempt;
    /* facts the model used (NaN / -1 where the model does not use them) */
    double parts;            /**< parts model */
    int band;                /**< zones: 0-based band, -1 above every band */
    double band_factor, use_factor, area_used;  /**< zones */
    double levy_permille;    /**< value_levy */
    double weight;           /**< model weight (≥ 0; 0 when exempt before weighting) */
    double share;            /**< weight / Σ weights of the payers; 0 if not paying */
    nytte_alloc_cap cap;
    double exact_kr;         /**< exact amount before rounding, kr (after caps) */
    double exact_ore;        /**< the same in øre, as the rounding step saw it (exact_kr × 100 can differ in the last bit) */
    int64_t ore;             /**< rounded; the element's lines and its residual sum to its pool; negative:
                                  paid back to a harmed parcel (compensate_harmed) */
    int64_t yearly_ore;      /**< yearly O&M share; lines sum to pool.yearly_ore */
    bool contributor_only;   /**< outside the benefit area, pays as a contributor (sends water) */
    double contributor;      /**< contributor fact used (contributor models); NaN otherwise */
    nytte_alloc_exempt benefit_exempt; /**< contributor models: a benefit exemption that removed only the benefit part */
    double benefit;          /**< the benefit fact, PV kr (negative: harmed) */
    bool harmed;             /**< benefit < 0: the element raises the parcel's expected damage */
    double bound_kr;         /**< benefit safeguard: multiple × max(benefit, 0), the most it should pay; NaN if
                                  the safeguard is off or the line is a contributor's (charged for water sent) */
    double benefit_ratio;    /**< amount / benefit for a payer with a benefit of at least one øre; NaN otherwise */
    bool over_benefit;       /**< pays above its bound (safeguard warn; never with cap) */
} nytte_alloc_line;

typedef struct nytte_alloc_element_result {
    const char *id;          /**< borrowed from the input */
    nytte_alloc_model model;
    nytte_alloc_pool pool;
    double weight_sum;       /**< Σ weights of the payers, in id order */
    double mix_sum[NYTTE_ALLOC_MAX_MIX];  /**< hybrid: Σ_j w_jk per component */
    size_t nin_area, npayers, nexempt, ncap_min, ncap_max;
    size_t ncontributors;    /**< contributor models: parcels with a contributor fact > 0 (inside or outside the area) */
    int cap_rounds;          /**< rounds of the cap redistribution (≤ payers + 1) */
    /* the safeguards (docs/models.md, Benefit safeguard and Harmed parcels) */
    nytte_alloc_benefit_cap benefit_cap;
    double benefit_multiple; /**< the rules' multiple, as used */
    const char *residual_payer; /**< the rules' residual payer (borrowed; NULL: none named) */
    size_t nover_benefit;    /**< payers above their bound (warn), of which */
    size_t nno_benefit;      /**<   payers with no benefit at all (under one øre) */
    size_t ncap_benefit;     /**< payers held at their bound (cap) */
    double max_ratio;        /**< largest amount / benefit over the payers with a benefit (≥ 1 øre); NaN if none */
    long max_ratio_parcel;   /**< its parcel index; -1 if none */
    double payers_benefit_kr;/**< Σ max(benefit, 0) over the payers (contributor-only lines excluded) */
    int64_t payers_ore;      /**< Σ of their amounts (the same lines) */
    size_t nharmed;          /**< parcels with benefit < 0 */
    double harmed_pv_kr;     /**< Σ of their PV losses (−benefit) */
    double harmed_ead_kr;    /**< Σ of their extra expected damage now, kr/yr */
    int64_t compensation_ore;/**< paid back to the harmed (compensate_harmed); the payers pay pool + this */
    int64_t residual_ore;    /**< what the payers could not pay under their bounds: the residual payer's */
} nytte_alloc_element_result;

/** One owner's part of one parcel for one element. */
typedef struct nytte_alloc_owner_part {
    size_t element, parcel;
    double share;            /**< ownership share */
    int64_t ore, yearly_ore; /**< the co-owners' parts of a parcel sum to the parcel's line */
} nytte_alloc_owner_part;

typedef struct nytte_alloc_owner {
    const char *id;          /**< borrowed */
    size_t part0, nparts;    /**< parts[part0 .. part0+nparts-1], by element then parcel id */
    int64_t total_ore;       /**< exact sum of the parts */
    int64_t yearly_ore;
    double value_kr;         /**< Σ share × property value of the owner's parcels; NaN if any unknown */
} nytte_alloc_owner;

typedef struct nytte_alloc_result {
    size_t nelements, nparcels;
    nytte_alloc_element_result *elements;
    nytte_alloc_line *lines;          /**< lines[e * nparcels + p] */
    int64_t *parcel_ore;              /**< per parcel, over all elements */
    int64_t *parcel_yearly_ore;
    nytte_alloc_owner *owners;        /**< sorted by id: every owner in the holdings */
    size_t nowners;
    nytte_alloc_owner_part *parts;
    size_t nparts;
    int64_t total_ore, yearly_ore;    /**< Σ pools */
    int64_t residual_ore;             /**< Σ residuals: the owners pay total_ore − residual_ore */
} nytte_alloc_result;

/**
 * Allocate every element's pool to its beneficiaries and aggregate per owner.
 * On success *out is a new result the caller frees with nytte_alloc_result_free; it
 * borrows the ids of `in`, which must outlive it. Errors (NYTTE_ECONFIG for bad
 * parameters, deductions and infeasible caps; NYTTE_EINPUT for bad facts or holdings)
 * name the element and parcel, e.g.
 * `element dike: infeasible payment caps: 3 payers × minimum 500.00 kr = 1500.00 kr exceeds the pool 1000.00 kr`.
 * Single-threaded: O(n log n) per element.
 */
int nytte_allocate_run(nytte_ctx *ctx, nytte_alloc_result **out, const nytte_alloc_input *in);
void nytte_alloc_result_free(nytte_alloc_result *r);

/** Index of an owner by id, or -1. */
long nytte_alloc_find_owner(const nytte_alloc_result *r, const char *owner_id);

/**
 * The accounting check (nytte_allocate_run ends with it): every element's parcel lines
 * and its residual sum to its pool, its lines to its yearly pool, to the øre; no parcel
 * pays for an element whose benefit area it is outside of, unless as a contributor; only
 * a harmed parcel is paid back, by its compensation; under the benefit cap nobody pays
 * above its bound; the owners' totals sum to the pools less the residuals. NYTTE_ECHECK naming the element or parcel otherwise (a bug or a contradiction).
 * `in` is the input r was computed from (for the parcel ids).
 */
int nytte_alloc_check(nytte_ctx *ctx, const nytte_alloc_result *r, const nytte_alloc_input *in);

/* ---- the facts of a parcel (docs/models.md, Allocation) ------------------------ */

/**
 * The dominant use group of every parcel (use: in->nparcels entries): the group with the
 * most floor area over the parcel's buildings, a building without floor area counting
 * 1e-9 m² (its use is still seen, below any with floor area); ties go to the lower group
 * number; NYTTE_USE_OTHER without buildings. NYTTE_OK or NYTTE_ENOMEM.
 */
int nytte_alloc_dominant_uses(nytte_ctx *ctx, nytte_use *use, const nytte_inputs *in);

/**
 * Whether a parcel is in an element's benefit area: wet at the design event without the
 * element (wet_without > 0, m² of the plot) and less wet with it: a smaller wet area, or,
 * when by_exposure (groundwater and bluespot hazards), a lower mean depth or exposure over
 * the plot (mean_* NaN: no value, never lower).
 */
bool nytte_alloc_in_benefit_area(double wet_without, double wet_with, double mean_without, double mean_with,
                                 bool by_exposure);

/**
 * The value_levy risk zone of a parcel: 1 (high risk) when the plot is wet at the most
 * frequent event without the measures, 2 (risk) when wet at the design event, else 0.
 */
int nytte_alloc_risk_zone(double wet_first_event, double wet_design);

/* ---- explanation ------------------------------------------------------------ */

/*
 * Every number of an explanation is printed so that an owner who follows the printed
 * arithmetic gets the printed amount to the øre (docs/models.md, Explanation): weights
 * and their sums as the model computed them (the shortest decimal that reads back as the
 * same double), exact amounts cut (not rounded) after 6 decimals and marked "…" where
 * digits were cut, ⌊x⌋ for x cut down to the øre, and the øre that largest remainder
 * adds ("+ 1 øre"). Every arithmetic step reads "label: expression = result".
 */

/** The numbers every explanation of one result shares (sums in id order, the co-owners of each parcel). */
typedef struct nytte_alloc_explainer nytte_alloc_explainer;

/**
 * Prepare the explanations of r, computed from in (both borrowed: they must outlive *out).
 * NYTTE_OK, or NYTTE_ENOMEM. Free with nytte_alloc_explainer_free.
 */
int nytte_alloc_explainer_new(nytte_ctx *ctx, nytte_alloc_explainer **out, const nytte_alloc_result *r,
                              const nytte_alloc_input *in);
void nytte_alloc_explainer_free(nytte_alloc_explainer *x);

/**
 * Human-readable explanation of one owner's amount (English with Danish terms in
 * parentheses), for `nytte explain PROJECT OWNER`. *out is malloc'ed; the caller frees
 * it with free(). NYTTE_EUSAGE if the owner is unknown: `owner X: not found`.
 * `in` must be the input the result was computed from.
 */
int nytte_alloc_explain_owner(nytte_ctx *ctx, char **out, const nytte_alloc_result *r,
                              const nytte_alloc_input *in, const char *owner_id);

/**
 * One parcel's explanation on one line, for the parcels table, with the same arithmetic
 * as nytte_alloc_explain_owner, elements separated by "; ", e.g.
 * `dike: parts weight: 1, amount: 900.00 kr × 1 / 3 = 300.000000 kr, pays: ⌊300.000000 kr⌋ = 300.00 kr; pump: outside`.
 * *out is malloc'ed (free()). NYTTE_OK or NYTTE_ENOMEM.
 */
int nytte_alloc_parcel_summary(char **out, const nytte_alloc_explainer *x, size_t parcel);

/**
 * One owner's explanation on one line, for the owners table: each of the owner's parcels
 * (`id (share s): ` and its summary, with the owner's part of each amount when the parcel
 * has co-owners), parcels separated by " | ", then `total: a + b = t kr`. owner indexes
 * r->owners. *out is malloc'ed (free()). NYTTE_OK or NYTTE_ENOMEM.
 */
int nytte_alloc_owner_summary(char **out, const nytte_alloc_explainer *x, size_t owner);

/* ---- comparison metrics ------------------------------------------------------ */

typedef struct nytte_alloc_metrics {
    size_t nowners;          /**< owners compared (all in the table, payers or not) */
    size_t npayers;          /**< owners with amount > 0 */
    double total_kr;
    double mean_kr, median_kr, max_kr;  /**< over payers */
    double top10_share;      /**< share of the total paid by the ceil(10 %) of payers who pay most */
    double gini;             /**< Gini of the payers' amounts (0 equal .. (n−1)/n one pays all) */
    double median_permille;  /**< median of amount / value × 1000 over payers with value > 0; NaN if none */
    size_t more, less, same; /**< vs the reference: owners paying more / less / the same */
} nytte_alloc_metrics;

/**
 * Metrics of one model's per-owner amounts. value_kr (per owner, NaN unknown) and ref_ore
 * (the reference model's amounts for the same owners in the same order) may be NULL.
 */
int nytte_alloc_metrics_compute(nytte_ctx *ctx, nytte_alloc_metrics *out, size_t n, const int64_t *ore,
                                const double *value_kr, const int64_t *ref_ore);

/**
 * The same over a result's owners (value from nytte_alloc_owner.value_kr); ref may be
 * NULL, else it must have the same owners (same input holdings): NYTTE_EUSAGE otherwise.
 */
int nytte_alloc_metrics_of(nytte_ctx *ctx, nytte_alloc_metrics *out, const nytte_alloc_result *r,
                           const nytte_alloc_result *ref);

/* ---- comparing models ----------------------------------------------------------- */

/** One model of a comparison. */
typedef struct nytte_alloc_comparison {
    nytte_alloc_model model;
    int rc;                        /**< NYTTE_OK, or why the model could not run on these facts */
    char error[1024];              /**< the message when rc != NYTTE_OK */
    nytte_alloc_metrics metrics;   /**< against the first model's result (the first: against itself) */
    int64_t *owner_ore;            /**< per owner of the result, in id order (owned); NULL if rc */
    size_t nowners;
} nytte_alloc_comparison;

/**
 * Allocate the same facts, pools and holdings (`in`; every element under the compared
 * config) once per config and measure each result against the first's. *out is a new
 * array of n rows (free with nytte_alloc_comparison_free). A model that cannot run is
 * reported in its row (rc, error) and the others still run; the call itself fails only
 * when memory runs out.
 */
int nytte_alloc_compare(nytte_ctx *ctx, nytte_alloc_comparison **out, const nytte_alloc_input *in,
                        const nytte_alloc_config *configs, size_t n);
void nytte_alloc_comparison_free(nytte_alloc_comparison *c, size_t n);

#ifdef __cplusplus
}
#endif
#endif
