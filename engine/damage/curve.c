/*
 * curve.c — depth at the building, depth-damage curves and the default damage model
 * (JRC Europe curves, Danish unit values). Formulas: docs/models.md, "Damage".
 */
#include "nytte/damage.h"

#include <assert.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

static const char *const depth_stat_names[] = {"max", "mean"};

const char *nytte_depth_stat_name(nytte_depth_stat s)
{
    return s == NYTTE_DEPTH_MEAN ? depth_stat_names[1] : depth_stat_names[0];
}

int nytte_depth_stat_parse(const char *s)
{
    for (int i = 0; s && i < 2; i++)
        if (strcasecmp(s, depth_stat_names[i]) == 0)
            return i;
    return -1;
}

double nytte_damage_depth(nytte_depth_stat stat, double mean_depth, double max_depth, double floor_height)
{
    double d = stat == NYTTE_DEPTH_MEAN ? mean_depth : max_depth;
    if (!(d > 0))   /* NaN: no water on the footprint */
        return 0.0;
    if (floor_height > 0)   /* NaN or negative: floor at terrain */
        d -= floor_height;
    return d > 0 ? d : 0.0;
}

int nytte_curve_set(nytte_ctx *ctx, nytte_curve *out, const char *name, const double *depth,
                    const double *fraction, int n)
{
    memset(out, 0, sizeof *out);
    snprintf(out->name, sizeof out->name, "%s", name ? name : "");
    if (n < 0 || n > NYTTE_CURVE_MAX_POINTS)
        return nytte_error(ctx, NYTTE_ECONFIG, "curve %s: %d points: at most %d", out->name, n,
                           NYTTE_CURVE_MAX_POINTS);
    out->npoints = n;
    for (int i = 0; i < n; i++) {
        out->depth[i] = depth[i];
        out->fraction[i] = fraction[i];
    }
    return NYTTE_OK;
}

int nytte_curve_validate(nytte_ctx *ctx, const nytte_curve *c)
{
    const char *name = c->name[0] ? c->name : "(unnamed)";
    if (c->npoints < 2 || c->npoints > NYTTE_CURVE_MAX_POINTS)
        return nytte_error(ctx, NYTTE_ECONFIG, "curve %s: %d point%s: a curve needs 2 to %d points", name,
                           c->npoints, c->npoints == 1 ? "" : "s", NYTTE_CURVE_MAX_POINTS);
    for (int i = 0; i < c->npoints; i++) {
        double d = c->depth[i], f = c->fraction[i];
        if (!isfinite(d))
            return nytte_error(ctx, NYTTE_ECONFIG, "curve %s: point %d: depth %g is not a number", name, i + 1, d);
        if (d < 0)
            return nytte_error(ctx, NYTTE_ECONFIG,
                               "curve %s: point %d (depth %g): depth is negative (depths are water above the "
                               "floor; a dry floor has no damage)",
                               name, i + 1, d);
        if (!(f >= 0 && f <= 1))
            return nytte_error(ctx, NYTTE_ECONFIG, "curve %s: point %d (depth %g): fraction %g is outside [0, 1]",
                               name, i + 1, d, f);
        if (i == 0)
            continue;
        if (!(d > c->depth[i - 1]))
            return nytte_error(ctx, NYTTE_ECONFIG,
                               "curve %s: point %d (depth %g): depth is not above the previous %g (depths must "
                               "be strictly increasing)",
                               name, i + 1, d, c->depth[i - 1]);
        if (f < c->fraction[i - 1])
            return nytte_error(ctx, NYTTE_ECONFIG,
                               "curve %s: point %d (depth %g): fraction %g is below the previous %g (curves must "
                               "be non-decreasing)",
                               name, i + 1, d, f, c->fraction[i - 1]);
    }
    return NYTTE_OK;
}

double nytte_curve_eval(const nytte_curve *c, double depth)
{
    assert(c->npoints >= 1 && c->npoints <= NYTTE_CURVE_MAX_POINTS);
    int n = c->npoints;
    if (!(depth > 0) || n < 1)
        return 0.0;
    if (depth < c->depth[0]) {
        /* Between a dry floor and the first point: the curve starts at (0, 0). */
        return c->fraction[0] * (depth / c->depth[0]);
    }
    if (depth >= c->depth[n - 1])
        return c->fraction[n - 1];
    /* Few points (<= 32): a linear scan is as fast as bisection and obviously right. */
    int i = 1;
    while (depth >= c->depth[i])
        i++;
    double d0 = c->depth[i - 1], d1 = c->depth[i], f0 = c->fraction[i - 1], f1 = c->fraction[i];
    return f0 + (f1 - f0) * ((depth - d0) / (d1 - d0));
}

/* ---- the default model -------------------------------------------------- */

/* JRC Europe depth-damage functions (Huizinga et al. 2017), fraction of maximum damage. */
static const double jrc_depth[9] = {0, 0.5, 1, 1.5, 2, 3, 4, 5, 6};
static const double jrc_residential[9] = {0, 0.25, 0.40, 0.50, 0.60, 0.75, 0.85, 0.95, 1.00};
static const double jrc_commercial[9] = {0, 0.15, 0.30, 0.45, 0.55, 0.75, 0.90, 1.00, 1.00};

void nytte_damage_model_default(nytte_damage_model *out)
{
    /* Which JRC class each use group takes, its unit value (kr/m², Gladsaxe value map;
     * summer houses and other: documented assumptions) and contents factor (JRC). */
    static const struct {
        const double *curve;
        double unit_value, contents_factor;
    } use[NYTTE_USE_COUNT] = {
        [NYTTE_USE_RESIDENTIAL] = {jrc_residential, 1480.0, 0.5},
        [NYTTE_USE_SUMMERHOUSE] = {jrc_residential, 1480.0, 0.5},
        [NYTTE_USE_BUSINESS] = {jrc_commercial, 5500.0, 1.0},
        [NYTTE_USE_PUBLIC] = {jrc_commercial, 3000.0, 1.0},
        [NYTTE_USE_OTHER] = {jrc_residential, 0.0, 0.0},
    };
    memset(out, 0, sizeof *out);
    for (int u = 0; u < NYTTE_USE_COUNT; u++) {
        char name[NYTTE_CURVE_NAME_MAX];
        snprintf(name, sizeof name, "%s/structure", nytte_use_name((nytte_use)u));
        nytte_curve_set(NULL, &out->structure[u], name, jrc_depth, use[u].curve, 9);
        snprintf(name, sizeof name, "%s/contents", nytte_use_name((nytte_use)u));
        nytte_curve_set(NULL, &out->contents[u], name, jrc_depth, use[u].curve, 9);
        out->unit_value[u] = use[u].unit_value;
        out->contents_factor[u] = use[u].contents_factor;
    }
    out->depth_stat = NYTTE_DEPTH_MAX;
}

int nytte_damage_model_validate(nytte_ctx *ctx, const nytte_damage_model *m)
{
    for (int u = 0; u < NYTTE_USE_COUNT; u++) {
        int rc = nytte_curve_validate(ctx, &m->structure[u]);
        if (rc == NYTTE_OK)
            rc = nytte_curve_validate(ctx, &m->contents[u]);
        if (rc != NYTTE_OK)
            return rc;
        const char *use = nytte_use_name((nytte_use)u);
        if (!(isfinite(m->unit_value[u]) && m->unit_value[u] >= 0))
            return nytte_error(ctx, NYTTE_ECONFIG, "damage: unit value of %s %g: must be a number >= 0 (kr/m²)",
                               use, m->unit_value[u]);
        if (!(isfinite(m->contents_factor[u]) && m->contents_factor[u] >= 0))
            return nytte_error(ctx, NYTTE_ECONFIG, "damage: contents factor of %s %g: must be a number >= 0", use,
                               m->contents_factor[u]);
    }
    if (m->depth_stat != NYTTE_DEPTH_MAX && m->depth_stat != NYTTE_DEPTH_MEAN)
        return nytte_error(ctx, NYTTE_ECONFIG, "damage: depth statistic %d: must be max or mean",
                           (int)m->depth_stat);
    return NYTTE_OK;
}

double nytte_damage_value(const nytte_damage_model *m, nytte_use use, double floor_area, double given_value)
{
    if (isfinite(given_value) && given_value >= 0)
        return given_value;
    assert((unsigned)use < NYTTE_USE_COUNT);
    if ((unsigned)use >= NYTTE_USE_COUNT)
        use = NYTTE_USE_OTHER;
    return floor_area > 0 ? m->unit_value[use] * floor_area : 0.0;
}

double nytte_damage_at_depth(const nytte_damage_model *m, nytte_use use, double value, double depth)
{
    return nytte_damage_at_depth_scaled(m, use, value, depth, 1.0);
}

double nytte_damage_at_depth_scaled(const nytte_damage_model *m, nytte_use use, double value, double depth,
                                    double scale)
{
    assert((unsigned)use < NYTTE_USE_COUNT);
    if ((unsigned)use >= NYTTE_USE_COUNT)
        use = NYTTE_USE_OTHER;
    if (!(value > 0) || !(depth > 0))
        return 0.0;
    double fs = nytte_curve_eval(&m->structure[use], depth);
    double fc = nytte_curve_eval(&m->contents[use], depth);
    /* a fraction never exceeds the whole damage; with scale 1 both products are exact */
    if (scale != 1.0) {
        fs = fmin(1.0, scale * fs);
        fc = fmin(1.0, scale * fc);
    }
    return value * (fs + m->contents_factor[use] * fc);
}
