/*
 * ead.c — expected annual damage over a few return periods, under a named rule:
 * integration between events (trapezoid or log-linear in exceedance probability),
 * lower tail (zero or triangle) and upper tail (none or constant).
 * Formulas and worked examples: docs/models.md, "Expected annual damage".
 */
#include "nytte/damage.h"

#include <assert.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

static const char *const integration_names[] = {"trapezoid", "loglinear"};
static const char *const lower_names[] = {"zero", "triangle"};
static const char *const upper_names[] = {"none", "constant"};

const char *nytte_ead_integration_name(nytte_ead_integration v)
{
    return v == NYTTE_EAD_LOGLINEAR ? integration_names[1] : integration_names[0];
}

const char *nytte_ead_lower_name(nytte_ead_lower v)
{
    return v == NYTTE_EAD_LOWER_TRIANGLE ? lower_names[1] : lower_names[0];
}

const char *nytte_ead_upper_name(nytte_ead_upper v)
{
    return v == NYTTE_EAD_UPPER_CONSTANT ? upper_names[1] : upper_names[0];
}

static int parse2(const char *const names[2], const char *s)
{
    for (int i = 0; s && i < 2; i++)
        if (strcasecmp(s, names[i]) == 0)
            return i;
    return -1;
}

int nytte_ead_integration_parse(const char *s) { return parse2(integration_names, s); }
int nytte_ead_lower_parse(const char *s) { return parse2(lower_names, s); }
int nytte_ead_upper_parse(const char *s) { return parse2(upper_names, s); }

char *nytte_ead_rule_format(char *buf, size_t size, const nytte_ead_rule *rule)
{
    if (size == 0)
        return buf;
    snprintf(buf, size, "%s/%s/%s", nytte_ead_integration_name(rule->integration),
             nytte_ead_lower_name(rule->lower), nytte_ead_upper_name(rule->upper));
    return buf;
}

int nytte_ead_rule_parse(nytte_ctx *ctx, nytte_ead_rule *out, const char *s)
{
    static const char *const what[3] = {"integration", "lower tail", "upper tail"};
    static const char *const *const names[3] = {integration_names, lower_names, upper_names};
    char part[3][32];
    int v[3];
    const char *p = s ? s : "";
    for (int k = 0; k < 3; k++) {
        size_t len = strcspn(p, "/");
        if ((k < 2 && p[len] != '/') || (k == 2 && p[len] != '\0'))
            return nytte_error(ctx, NYTTE_ECONFIG,
                               "EAD rule \"%s\": expected integration/lower/upper, e.g. trapezoid/zero/constant",
                               s ? s : "");
        snprintf(part[k], sizeof part[k], "%.*s", (int)(len < 31 ? len : 31), p);
        v[k] = len < 31 ? parse2(names[k], part[k]) : -1;
        if (v[k] < 0)
            return nytte_error(ctx, NYTTE_ECONFIG, "EAD rule \"%s\": unknown %s \"%s\" (%s or %s)", s, what[k],
                               part[k], names[k][0], names[k][1]);
        p += len + (k < 2);
    }
    out->integration = (nytte_ead_integration)v[0];
    out->lower = (nytte_ead_lower)v[1];
    out->upper = (nytte_ead_upper)v[2];
    return NYTTE_OK;
}

int nytte_ead_check_periods(nytte_ctx *ctx, const char *what, const double *T, size_t n)
{
    if (!what)
        what = "return periods";
    if (n == 0)
        return nytte_error(ctx, NYTTE_ECONFIG, "%s: no return periods", what);
    for (size_t i = 0; i < n; i++) {
        /* T = 1 (p = 1, every year) is the most frequent event there is: Delft-FIAT's series start there.
         * Every rule integrates it: the lower tail is then empty (the triangle's width 1 − p₁ is 0). */
        if (!(isfinite(T[i]) && T[i] >= 1))
            return nytte_error(ctx, NYTTE_ECONFIG,
                               "%s: return period %zu (%g) must be a number of at least 1 year", what, i + 1, T[i]);
        if (i > 0 && !(T[i] > T[i - 1]))
            return nytte_error(ctx, NYTTE_ECONFIG,
                               "%s: return period %zu (%g) is not greater than the previous (%g): return periods "
                               "must be strictly increasing",
                               what, i + 1, T[i], T[i - 1]);
    }
    return NYTTE_OK;
}

/*
 * ∫ D(p) dp over [pb, pa] (pb < pa, the rarer event b and the more frequent a) when D
 * is linear in ln p between (pa, Da) and (pb, Db). With L = (pa - pb) / ln(pa/pb), the
 * logarithmic mean of the two probabilities, the integral is Db (L - pb) + Da (pa - L);
 * both weights lie in [0, pa - pb] because pb <= L <= pa. Derivation in docs/models.md.
 */
static double loglinear_segment(double Ta, double Tb, double Da, double Db)
{
    double pa = 1.0 / Ta, pb = 1.0 / Tb;
    double L = (pa - pb) / log(Tb / Ta);
    return Db * (L - pb) + Da * (pa - L);
}

/* The EAD of validated input; damages raised to their running maximum on the fly. */
static nytte_ead ead_compute(const nytte_ead_rule *rule, const double *T, const double *D, size_t n)
{
    nytte_ead r = {0.0, 0.0, 0.0, 0};
    double between = 0.0, prev = D[0];
    for (size_t i = 1; i < n; i++) {
        double d = D[i];
        if (d < prev) {
            d = prev;
            r.adjusted = 1;
        }
        if (rule->integration == NYTTE_EAD_LOGLINEAR)
            between += loglinear_segment(T[i - 1], T[i], prev, d);
        else
            between += 0.5 * (prev + d) * (1.0 / T[i - 1] - 1.0 / T[i]);
        prev = d;
    }
    /* prev is now the (adjusted) damage of the rarest event. */
    if (rule->lower == NYTTE_EAD_LOWER_TRIANGLE)
        r.lower_tail = 0.5 * D[0] * (1.0 - 1.0 / T[0]);
    if (rule->upper == NYTTE_EAD_UPPER_CONSTANT)
        r.upper_tail = prev / T[n - 1];
    r.ead = between + r.lower_tail + r.upper_tail;
    assert(r.ead >= 0);
    return r;
}

static int check_damages(nytte_ctx *ctx, const char *item, const double *T, const double *D, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!(isfinite(D[i]) && D[i] >= 0))
            return nytte_error(ctx, NYTTE_EINPUT, "%s: damage at T=%g is %g (must be finite and >= 0)", item, T[i],
                               D[i]);
    return NYTTE_OK;
}

int nytte_ead_calc(nytte_ctx *ctx, nytte_ead *out, const nytte_ead_rule *rule, const double *T,
                   const double *D, size_t n, const char *item)
{
    *out = (nytte_ead){0.0, 0.0, 0.0, 0};
    if (!item)
        item = "asset";
    int rc = nytte_ead_check_periods(ctx, item, T, n);
    if (rc == NYTTE_OK)
        rc = check_damages(ctx, item, T, D, n);
    if (rc == NYTTE_OK)
        *out = ead_compute(rule, T, D, n);
    return rc;
}

int nytte_ead_table(nytte_ctx *ctx, nytte_ead *out, size_t *nadjusted, const nytte_ead_rule *rule,
                    const double *T, size_t nperiods, const double *D, size_t nassets,
                    const char *const *ids)
{
    size_t adjusted = 0;
    int rc = nytte_ead_check_periods(ctx, "EAD", T, nperiods);
    for (size_t a = 0; rc == NYTTE_OK && a < nassets; a++) {
        const double *row = D + a * nperiods;
        char name[48];
        const char *item = ids && ids[a] ? ids[a] : name;
        if (!(ids && ids[a]))
            snprintf(name, sizeof name, "asset %zu", a);
        rc = check_damages(ctx, item, T, row, nperiods);
        if (rc != NYTTE_OK)
            break;
        out[a] = ead_compute(rule, T, row, nperiods);
        adjusted += (size_t)out[a].adjusted;
    }
    if (nadjusted)
        *nadjusted = adjusted;
    return rc;
}
