/*
 * uncertain.h — how sure each owner's amount is, and the allocation at climate horizons,
 * without running the pipeline again: what the overlay measured stays fixed; per draw the
 * damage inputs (the depth-damage curve, building values, floor heights) and the hazard
 * levels (one shift of every event's level, the sea-level rise) are drawn, and damage →
 * EAD → benefit → facts → allocation are evaluated again, the allocation by
 * nytte_allocate_run (exact to the øre, its accounting check included). A horizon is one
 * such evaluation with the sea raised by the horizon's rise and nothing drawn.
 *
 * A new water level is a lookup, not a flood: the level ladder of a footprint holds, per
 * covered cell, the lowest sea level that floods it (the minimax flood level of the
 * connected bathtub, nytte_hazard_flood_level) and its ground, sorted, with running sums
 * (nytte_unc_ladder_build). docs/uncertainty.md states what is sampled and how.
 *
 * Pure arithmetic on plain structs: no files, no GDAL. Random numbers are counter-based
 * (splitmix64 of seed, draw, input and item), so that a draw is the same whichever thread
 * computes it: results are byte-identical for any thread count.
 */
#ifndef NYTTE_UNCERTAIN_H
#define NYTTE_UNCERTAIN_H

#include "nytte/allocate.h"
#include "nytte/damage.h"
#include "nytte/finance.h"
#include "nytte/types.h"

#include <stdbool.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---- distributions ------------------------------------------------------------------ */

/** Distribution families (docs/uncertainty.md). NONE: the input is not sampled. */
typedef enum {
    NYTTE_UNC_NONE = 0,
    NYTTE_UNC_NORMAL = 1,     /**< mean a, standard deviation b (b ≥ 0) */
    NYTTE_UNC_LOGNORMAL = 2,  /**< median a (> 0), sigma b: the standard deviation of ln X (b ≥ 0) */
    NYTTE_UNC_UNIFORM = 3,    /**< min a, max b (a ≤ b) */
    NYTTE_UNC_TRIANGULAR = 4, /**< min a, mode c, max b (a ≤ c ≤ b) */
    NYTTE_UNC_DISCRETE = 5    /**< scenarios value[i] with weights weight[i] (≥ 0, Σ > 0) */
} nytte_unc_kind;

#define NYTTE_UNC_MAX_VALUES 32

/** One uncertain input. */
typedef struct nytte_unc_dist {
    nytte_unc_kind kind;
    double a, b, c;                        /**< the parameters, as nytte_unc_kind says */
    size_t n;                              /**< discrete: scenarios */
    double value[NYTTE_UNC_MAX_VALUES];
    double weight[NYTTE_UNC_MAX_VALUES];
    bool independent;                      /**< building values and floor heights: one draw per building
                                                (else one per draw, shared by every building) */
} nytte_unc_dist;

/** "none", "normal", "lognormal", "uniform", "triangular", "discrete". */
const char *nytte_unc_kind_name(nytte_unc_kind k);
/** Parse a family name (not "none"); -1 if unknown. */
int nytte_unc_kind_parse(const char *s);

/**
 * Check a distribution's parameters; `what` names it in the message (NYTTE_ECONFIG), e.g.
 * "uniform: min 1.2 is above max 0.8". nonneg: every value it can take must be ≥ 0 (a
 * multiplier): uniform, triangular and discrete values below 0 are refused (a normal is
 * cut at 0 when sampled, see nytte_unc_sample).
 */
int nytte_unc_dist_check(nytte_ctx *ctx, const nytte_unc_dist *d, bool nonneg, const char *what);

/** The distribution in words for outputs, e.g. "normal(mean 1, sd 0.1), one per building". */
char *nytte_unc_dist_text(char *buf, size_t size, const nytte_unc_dist *d);

/* ---- random numbers ------------------------------------------------------------------ */

/** The inputs, also the random streams: a draw's value of input i is its own counter. */
typedef enum {
    NYTTE_UNC_CURVE = 0, /**< multiplier of the depth-damage fractions (each capped at 1) */
    NYTTE_UNC_VALUE = 1, /**< multiplier of building values */
    NYTTE_UNC_FLOOR = 2, /**< added to floor heights, m */
    NYTTE_UNC_LEVEL = 3, /**< added to every event's water level, m (not to a design level given as a kote) */
    NYTTE_UNC_SLR = 4,   /**< sea-level rise at the end of the horizon, m (replaces the hazard's) */
    NYTTE_UNC_NINPUTS = 5
} nytte_unc_input;

/** The input's name in the project file ("damage_curve", "building_value", ...). */
const char *nytte_unc_input_name(nytte_unc_input i);

/** splitmix64's finaliser (Steele, Lea, Flood 2014): a bijection of 64-bit words. */
uint64_t nytte_unc_mix(uint64_t x);

/**
 * A uniform number in (0, 1) from the counter (seed, draw, stream, item, k): 53 bits of
 * mix(mix(mix(mix(seed) ^ draw) ^ stream·2^32 ^ item) ^ k), never 0 or 1. The same
 * counter gives the same number on every thread and machine.
 */
double nytte_unc_uniform(uint64_t seed, uint64_t draw, unsigned stream, uint64_t item, unsigned k);

/**
 * One value of d for (seed, draw, stream, item): normal by Box–Muller from two uniforms,
 * lognormal = median × exp(sigma × normal), uniform a + (b − a) u, triangular by the
 * inverse of its distribution function, discrete by the cumulative weights in the order
 * given. NONE gives NaN. A normal with sd 0 gives its mean exactly, a uniform with min =
 * max its min, and so on: a distribution without spread reproduces the base case.
 */
double nytte_unc_sample(const nytte_unc_dist *d, uint64_t seed, uint64_t draw, unsigned stream, uint64_t item);

/* ---- the level ladder ---------------------------------------------------------------- */

/**
 * The water on one footprint as a function of the sea level L, from its cells: cell c is
 * wet when level[c] < L (its minimax flood level: nytte_hazard_flood_level) with depth
 * L − ground[c]. Cells are sorted by level; only those that flood below `lmax` are kept.
 * Weights are summed in fixed point (2^-32 of a cell), so that two footprints' areas are
 * equal exactly when the same weights are wet, whatever the order of the cells.
 */
typedef struct nytte_unc_ladder {
    size_t n;            /**< cells kept */
    float *level;        /**< [n] ascending */
    float *zmin;         /**< [n] lowest ground of cells 0..k (NULL: areas only) */
    int64_t *w;          /**< [n] Σ weight of cells 0..k, in 2^-32 cells */
    double *wz;          /**< [n] Σ weight × ground of cells 0..k (NULL: areas only) */
    double wvalid;       /**< Σ weight of every covered cell with ground (the mean's denominator) */
    double cell_area;    /**< m² */
} nytte_unc_ladder;

#define NYTTE_UNC_LADDER_INIT {0, NULL, NULL, NULL, NULL, 0.0, 0.0}

/** Water on a footprint: as the overlay gives it of a depth raster. */
typedef struct nytte_unc_water {
    double wet;          /**< m² with water (depth > 0) */
    double mean;         /**< area-weighted mean depth over the cells with ground, dry ones as 0; NaN if none */
    double max;          /**< deepest water (0 dry); NaN if no cell has ground */
} nytte_unc_water;

/**
 * Build a ladder from n cells: level[i] (a cell the sea never reaches: +inf), ground[i]
 * (NaN: no ground, left out) and weight w[i] in (0, 1]. depths: also the running minimum of
 * the ground and Σ w × ground (buildings; parcels need the wet area only). *out is
 * overwritten; free it with nytte_unc_ladder_clear. NYTTE_OK or NYTTE_ENOMEM (ctx may be NULL).
 */
int nytte_unc_ladder_build(nytte_ctx *ctx, nytte_unc_ladder *out, const float *level, const float *ground,
                           const double *w, size_t n, double cell_area, double lmax, bool depths);
void nytte_unc_ladder_clear(nytte_unc_ladder *l);

/**
 * The water at sea level L (≤ the lmax it was built for): wet area, mean and maximum depth
 * as the overlay gives them of the bathtub's Float32 depths (the maximum exactly; the mean
 * to the Float32 rounding of each cell's depth).
 */
nytte_unc_water nytte_unc_ladder_at(const nytte_unc_ladder *l, double L);

/* ---- the problem: what stays fixed ---------------------------------------------------- */

/** A building as the damage stage used it. */
typedef struct nytte_unc_building {
    size_t parcel;        /**< index into the parcels */
    nytte_use use;
    double value;         /**< structure value, kr (nytte_damage_value) */
    double floor_height;  /**< m above terrain as given (NaN or ≤ 0: at terrain) */
} nytte_unc_building;

/**
 * Everything a draw needs besides what it draws. Scenarios are 0 (without the measures)
 * and 1 + e (with element e alone); levels k = 0..nlev−1 are the events and, when the
 * design level is a kote of its own, the design level (k = nev). All borrowed.
 */
typedef struct nytte_unc_problem {
    const nytte_damage_model *damage;
    nytte_ead_rule ead;
    const double *return_periods;   /**< nev */
    size_t nev, nlev, design_k;
    double discount_rate;
    int horizon;                    /**< years of benefit */
    bool basement;                  /**< groundwater: the floor height is not subtracted */
    bool by_exposure;               /**< groundwater, bluespot: a lower mean over the plot counts as less water */
    size_t nbuildings;
    const nytte_unc_building *buildings;
    size_t nscen;                   /**< 1 + elements */
    size_t nepoch;                  /**< the base run's: 2 with the hazard's sea-level rise, else 1 */
    /** The base run's water: building b at epoch ep, scenario sc, level k at
     *  bwater[((b * nepoch + ep) * nscen + sc) * nlev + k]; parcel i (epoch 0) at
     *  pwater[(i * nscen + sc) * nlev + k]. */
    const nytte_unc_water *bwater, *pwater;
    /* the levels (coastal): NULL without; a draw whose level equals the base's uses the base's water */
    const double *levels;           /**< nlev, as the hazard flooded them (offset and wave allowance in) */
    bool design_fixed;              /**< the design level is a kote (k = nev): no shift moves it */
    double slr;                     /**< the hazard's sea-level rise (0: none) */
    const nytte_unc_ladder *bladder;/**< [b * nscen + sc]; NULL: no level is drawn */
    const nytte_unc_ladder *pladder;/**< [i * nscen + sc] */
    /* the allocation */
    const nytte_alloc_input *alloc; /**< the base run's input; its elements' facts are the base facts */
    const nytte_alloc_result *base; /**< the base run's result (owners in id order) */
    const nytte_loan_terms *loan;
} nytte_unc_problem;

/** What is drawn, and how often. */
typedef struct nytte_unc_config {
    int draws;                      /**< 0: none (horizons only) */
    uint64_t seed;
    nytte_unc_dist input[NYTTE_UNC_NINPUTS];
} nytte_unc_config;

/** A climate horizon: the sea raised by `rise` m at every event (docs/uncertainty.md). */
typedef struct nytte_unc_horizon {
    int year;
    double rise;
} nytte_unc_horizon;

#define NYTTE_UNC_MAX_HORIZONS 16

/**
 * The highest sea level any draw or horizon asks for, over the events (and the design level
 * unless it is fixed): what the ladders must reach. *needed: whether any level can differ
 * from the base run's (the ladders are needed at all).
 */
double nytte_unc_level_max(const nytte_unc_problem *p, const nytte_unc_config *cfg,
                           const nytte_unc_horizon *h, size_t nh, bool *needed);

/* ---- the results --------------------------------------------------------------------- */

/** One owner over the draws (P: nearest rank over the draws that allocated). */
typedef struct nytte_unc_owner {
    int64_t p5, p50, p95;             /**< amount, øre */
    int64_t year_p5, year_p50, year_p95; /**< the loan's first year at those amounts (it grows with the amount) */
    double p_more;                    /**< share of draws with amount − base > |base| / 10 */
    int decile;                       /**< base case: 1..10 among the payers, 0 pays nothing */
    double rank_stable;               /**< share of draws in the same decile as the base case */
} nytte_unc_owner;

typedef struct nytte_unc_parcel {
    int64_t p5, p50, p95;             /**< amount over the elements, øre */
} nytte_unc_parcel;

/** An element's economics in one evaluation. */
typedef struct nytte_unc_economics {
    double ead_without, ead_with;     /**< kr/yr today */
    double pv_benefits;               /**< kr */
    double bcr;                       /**< NaN without costs */
} nytte_unc_economics;

/** One draw: what it drew (shared values; NaN when not sampled or drawn per building). */
typedef struct nytte_unc_draw {
    double in[NYTTE_UNC_NINPUTS];
    int rc;                           /**< NYTTE_OK, or why it could not be allocated */
} nytte_unc_draw;

typedef struct nytte_unc_result {
    int ndraws, nok;                  /**< draws, of which allocated */
    long first_failed;                /**< lowest draw that could not be allocated, or -1 */
    char first_error[512];            /**< its message */
    size_t nowners, nparcels, nelements;
    nytte_unc_owner *owners;          /**< nowners (the base result's order); NULL without draws */
    nytte_unc_parcel *parcels;        /**< nparcels */
    nytte_unc_draw *draws;            /**< ndraws */
    nytte_unc_economics *economics;   /**< [d * nelements + e] */
    nytte_unc_economics *economics_p; /**< [3 * e + q]: P5, P50, P95 of each figure over the allocated draws */
    nytte_unc_economics *base_economics; /**< [e]: the base case evaluated again (its amounts are checked
                                              against the base result to the øre) */
    size_t nhorizons;
    nytte_unc_horizon horizons[NYTTE_UNC_MAX_HORIZONS];
    int64_t *horizon_owner_ore;       /**< [h * nowners + o] */
    int64_t *horizon_pool_ore;        /**< [h * nelements + e]: what the owners pay (the pool less the residual) */
    nytte_unc_economics *horizon_economics; /**< [h * nelements + e] */
    double seconds;                   /**< the evaluations' time */
    int threads;
} nytte_unc_result;

/**
 * Evaluate cfg->draws draws and the nh horizons of problem p. Draws run in parallel
 * (nytte_ctx_threads; per-thread workspaces made before the loop); each draw writes only
 * its own slots, and everything is reduced after the loop in owner order, so the result
 * is the same for any thread count. A draw whose allocation fails for a reason of the
 * facts (nobody pays, infeasible caps: NYTTE_ECONFIG, NYTTE_EINPUT) is counted and left
 * out of the statistics (first_failed, first_error); any other failure (NYTTE_ECHECK, out
 * of memory) stops the evaluation, reported for the lowest draw. A horizon that cannot be
 * allocated stops it too. First of all the base case is evaluated again from the same tables:
 * an owner's amount that is not the base result's to the øre is a bug (NYTTE_ECHECK, naming
 * the owner). *out is the caller's (nytte_unc_result_free).
 */
int nytte_unc_run(nytte_ctx *ctx, nytte_unc_result **out, const nytte_unc_problem *p, const nytte_unc_config *cfg,
                  const nytte_unc_horizon *h, size_t nh);
void nytte_unc_result_free(nytte_unc_result *r);

/* ---- the statistics, for tests and reports ------------------------------------------- */

/** The q-th percentile (q in 1..100) of n sorted values by nearest rank: x[⌈q n / 100⌉ − 1]. */
int64_t nytte_unc_percentile(const int64_t *sorted, size_t n, int q);

/**
 * The decile of every owner (out[o], 1..10) among the payers (amount > 0): 1 + ⌊10 ×
 * (payers paying strictly less) / payers⌋, so equal amounts share a decile; 0 for an owner
 * paying nothing (or paid back). scratch holds n values. Returns the number of payers.
 */
size_t nytte_unc_deciles(unsigned char *out, const int64_t *ore, size_t n, int64_t *scratch);

/**
 * Owner o's band in words (a paragraph for `nytte explain`): P5, P50, P95 of the amount and
 * of the first year's payments, the share of draws paying 10 % more, the decile and its
 * stability. Empty without draws. Writes into buf (always terminated); returns buf.
 */
char *nytte_unc_owner_text(char *buf, size_t size, const nytte_unc_result *r, size_t o, uint64_t seed);

#ifdef __cplusplus
}
#endif
#endif
