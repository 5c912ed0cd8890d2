/*
 * dist.c — the distributions of the uncertain inputs and the counter-based random numbers
 * that sample them: a draw's value of an input depends on (seed, draw, input, building)
 * and nothing else, so that a draw is the same on any thread (docs/uncertainty.md,
 * "What is sampled").
 */
#include "nytte/uncertain.h"

#include <math.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

static const char *const kind_names[] = {"none", "normal", "lognormal", "uniform", "triangular", "discrete"};

const char *nytte_unc_kind_name(nytte_unc_kind k)
{
    return (unsigned)k < sizeof kind_names / sizeof kind_names[0] ? kind_names[k] : "unknown";
}

int nytte_unc_kind_parse(const char *s)
{
    for (int k = 1; s && k < (int)(sizeof kind_names / sizeof kind_names[0]); k++)
        if (strcasecmp(s, kind_names[k]) == 0)
            return k;
    return -1;
}

const char *nytte_unc_input_name(nytte_unc_input i)
{
    static const char *const names[NYTTE_UNC_NINPUTS] = {"damage_curve", "building_value", "floor_height",
                                                         "level_shift", "sea_level_rise"};
    return (unsigned)i < NYTTE_UNC_NINPUTS ? names[i] : "unknown";
}

int nytte_unc_dist_check(nytte_ctx *ctx, const nytte_unc_dist *d, bool nonneg, const char *what)
{
    const char *k = nytte_unc_kind_name(d->kind);
    char what_[128] = ""; /* "what: ", or nothing */
    if (what)
        snprintf(what_, sizeof what_, "%s: ", what);
    what = what_;
    switch (d->kind) {
    case NYTTE_UNC_NONE:
        return NYTTE_OK;
    case NYTTE_UNC_NORMAL:
        if (!(isfinite(d->a) && isfinite(d->b) && d->b >= 0))
            return nytte_error(ctx, NYTTE_ECONFIG, "%snormal: sd %g must be a number >= 0", what, d->b);
        return NYTTE_OK;
    case NYTTE_UNC_LOGNORMAL:
        if (!(isfinite(d->a) && d->a > 0))
            return nytte_error(ctx, NYTTE_ECONFIG, "%slognormal: median %g must be above 0", what, d->a);
        if (!(isfinite(d->b) && d->b >= 0 && d->b <= 5))
            return nytte_error(ctx, NYTTE_ECONFIG, "%slognormal: sigma %g must be 0 to 5 (the sd of ln X)", what,
                               d->b);
        return NYTTE_OK;
    case NYTTE_UNC_UNIFORM:
    case NYTTE_UNC_TRIANGULAR:
        if (!(isfinite(d->a) && isfinite(d->b) && d->a <= d->b))
            return nytte_error(ctx, NYTTE_ECONFIG, "%s%s: min %g is above max %g", what, k, d->a, d->b);
        if (d->kind == NYTTE_UNC_TRIANGULAR && !(isfinite(d->c) && d->c >= d->a && d->c <= d->b))
            return nytte_error(ctx, NYTTE_ECONFIG, "%striangular: mode %g is not between min %g and max %g", what,
                               d->c, d->a, d->b);
        if (nonneg && d->a < 0)
            return nytte_error(ctx, NYTTE_ECONFIG, "%s%s: min %g is below 0 (a multiplier is at least 0)", what, k,
                               d->a);
        return NYTTE_OK;
    case NYTTE_UNC_DISCRETE: {
        if (d->n < 1 || d->n > NYTTE_UNC_MAX_VALUES)
            return nytte_error(ctx, NYTTE_ECONFIG, "%sdiscrete: %zu values (1 to %d)", what, d->n,
                               NYTTE_UNC_MAX_VALUES);
        double sum = 0;
        for (size_t i = 0; i < d->n; i++) {
            if (!isfinite(d->value[i]) || (nonneg && d->value[i] < 0))
                return nytte_error(ctx, NYTTE_ECONFIG, "%sdiscrete: value %zu (%g) %s", what, i + 1, d->value[i],
                                   nonneg ? "is below 0 (a multiplier is at least 0)" : "is not a number");
            if (!(isfinite(d->weight[i]) && d->weight[i] >= 0))
                return nytte_error(ctx, NYTTE_ECONFIG, "%sdiscrete: weight %zu (%g) must be >= 0", what, i + 1,
                                   d->weight[i]);
            sum += d->weight[i];
        }
        if (!(sum > 0))
            return nytte_error(ctx, NYTTE_ECONFIG, "%sdiscrete: the weights sum to 0", what);
        return NYTTE_OK;
    }
    }
    return nytte_error(ctx, NYTTE_ECONFIG, "%sunknown distribution", what);
}

char *nytte_unc_dist_text(char *buf, size_t size, const nytte_unc_dist *d)
{
    int n = 0;
    switch (d->kind) {
    case NYTTE_UNC_NONE:
        n = snprintf(buf, size, "not sampled");
        break;
    case NYTTE_UNC_NORMAL:
        n = snprintf(buf, size, "normal(mean %g, sd %g)", d->a, d->b);
        break;
    case NYTTE_UNC_LOGNORMAL:
        n = snprintf(buf, size, "lognormal(median %g, sigma %g)", d->a, d->b);
        break;
    case NYTTE_UNC_UNIFORM:
        n = snprintf(buf, size, "uniform(min %g, max %g)", d->a, d->b);
        break;
    case NYTTE_UNC_TRIANGULAR:
        n = snprintf(buf, size, "triangular(min %g, mode %g, max %g)", d->a, d->c, d->b);
        break;
    case NYTTE_UNC_DISCRETE:
        n = snprintf(buf, size, "discrete(");
        for (size_t i = 0; i < d->n && n >= 0 && (size_t)n < size; i++)
            n += snprintf(buf + n, size - (size_t)n, "%s%g: %g", i ? ", " : "", d->value[i], d->weight[i]);
        if (n >= 0 && (size_t)n < size)
            n += snprintf(buf + n, size - (size_t)n, ")");
        break;
    }
    if (d->kind != NYTTE_UNC_NONE && d->independent && n >= 0 && (size_t)n < size)
        snprintf(buf + n, size - (size_t)n, ", one per building");
    return buf;
}

uint64_t nytte_unc_mix(uint64_t x)
{
    uint64_t z = x + UINT64_C(0x9e3779b97f4a7c15);
    z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
    return z ^ (z >> 31);
}

double nytte_unc_uniform(uint64_t seed, uint64_t draw, unsigned stream, uint64_t item, unsigned k)
{
    uint64_t h = nytte_unc_mix(seed);
    h = nytte_unc_mix(h ^ draw);
    h = nytte_unc_mix(h ^ ((uint64_t)stream << 32) ^ item);
    h = nytte_unc_mix(h ^ k);
    return ((double)(h >> 11) + 0.5) * 0x1p-53;
}

/* A standard normal number by Box–Muller from the counter's two uniforms. */
static double std_normal(uint64_t seed, uint64_t draw, unsigned stream, uint64_t item)
{
    double u1 = nytte_unc_uniform(seed, draw, stream, item, 0);
    double u2 = nytte_unc_uniform(seed, draw, stream, item, 1);
    return sqrt(-2.0 * log(u1)) * cos(6.283185307179586 * u2); /* 2π */
}

double nytte_unc_sample(const nytte_unc_dist *d, uint64_t seed, uint64_t draw, unsigned stream, uint64_t item)
{
    switch (d->kind) {
    case NYTTE_UNC_NORMAL:
        return d->a + d->b * std_normal(seed, draw, stream, item);
    case NYTTE_UNC_LOGNORMAL:
        return d->a * exp(d->b * std_normal(seed, draw, stream, item));
    case NYTTE_UNC_UNIFORM:
        return d->a + (d->b - d->a) * nytte_unc_uniform(seed, draw, stream, item, 0);
    case NYTTE_UNC_TRIANGULAR: {
        double a = d->a, b = d->b, c = d->c, u = nytte_unc_uniform(seed, draw, stream, item, 0);
        if (!(b > a))
            return a;
        /* the inverse of F: F(c) = (c − a)/(b − a) */
        if (u * (b - a) < c - a)
            return a + sqrt(u * (b - a) * (c - a));
        return b - sqrt((1.0 - u) * (b - a) * (b - c));
    }
    case NYTTE_UNC_DISCRETE: {
        double total = 0;
        for (size_t i = 0; i < d->n; i++)
            total += d->weight[i];
        double t = nytte_unc_uniform(seed, draw, stream, item, 0) * total, cum = 0;
        size_t last = 0;
        for (size_t i = 0; i < d->n; i++) {
            if (!(d->weight[i] > 0))
                continue;
            last = i;
            cum += d->weight[i];
            if (t < cum)
                return d->value[i];
        }
        return d->value[last]; /* t rounded up to the total */
    }
    case NYTTE_UNC_NONE:
        break;
    }
    return NAN;
}
