/*
 * uncertain_int.h — private to engine/uncertain/: what one evaluation draws (a sample),
 * the workspace of one thread, and the evaluation itself (evaluate.c), shared by the
 * parallel loop over the draws and the horizons (run.c) and by the unit tests.
 */
#ifndef NYTTE_UNCERTAIN_INT_H
#define NYTTE_UNCERTAIN_INT_H

#include "nytte/uncertain.h"

/* What one evaluation uses: the base case is curve 1, value 1, floor 0, shift 0, slr = the hazard's. */
typedef struct unc_sample {
    double curve;          /* multiplier of the curve fractions (each capped at 1) */
    double value;          /* multiplier of every building's value (when value_b is NULL) */
    double floor;          /* added to every floor height, m (when floor_b is NULL) */
    const double *value_b; /* per building, or NULL */
    const double *floor_b; /* per building, or NULL */
    double shift;          /* added to every event's level (and a design event's), m */
    double slr;            /* sea-level rise at the end of the horizon, m (0: none) */
} unc_sample;

/* One thread's workspace, made before the loop. */
typedef struct unc_work {
    nytte_ctx *ctx;                 /* the thread's own context (messages of a failed draw) */
    double *D;                      /* nev damages of one building */
    double *ead;                    /* [(ep * nscen + sc) * nb + b] */
    double *value_b, *floor_b;      /* per building draws */
    nytte_alloc_parcel *facts;      /* [e * np + i] */
    nytte_alloc_element *elements;  /* ne, pointing at facts */
    bool *flooded;                  /* np: a building floods at the design level without the measures */
    double *level;                  /* [ep * nlev + k]: this evaluation's sea levels */
    bool *at_base;                  /* [ep * nlev + k]: that level is the base run's (its water applies) */
    double pv_factor, ramp_sum;     /* of the discount rate and horizon */
} unc_work;

int unc_work_init(unc_work *w, const nytte_unc_problem *p);
void unc_work_free(unc_work *w);

/* The base case: nothing drawn. */
unc_sample unc_base_sample(const nytte_unc_problem *p);

/* Draw d's sample into *s (per building values into w's arrays); shared[i] gets what input
 * i drew for every building (NaN when not sampled or drawn per building). */
void unc_draw_sample(unc_sample *s, unc_work *w, const nytte_unc_problem *p, const nytte_unc_config *cfg,
                     uint64_t d, double shared[NYTTE_UNC_NINPUTS]);

/*
 * Evaluate one sample: damage → EAD → benefit → facts → allocation. owner_ore (the base
 * result's nowners) and parcel_ore (np) get the amounts, econ (ne) each element's
 * economics, pool_ore (ne, may be NULL) what each element's owners pay. A failed
 * allocation leaves its message in w->ctx and returns its status.
 */
int unc_evaluate(unc_work *w, const nytte_unc_problem *p, const unc_sample *s, int64_t *owner_ore,
                 int64_t *parcel_ore, nytte_unc_economics *econ, int64_t *pool_ore);

#endif
