/*
 * uncertainty.c — the sections `uncertainty` (how many draws, the seed, and a distribution
 * per uncertain input) and `horizons` (the sea-level rise of each climate horizon):
 * docs/uncertainty.md. The sea-level inputs need a coastal hazard (its flood level per
 * cell makes a new sea level a lookup); the key table says which keys those are.
 */
#include "config/config_int.h"

#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The parameters of each family, as the project file names them (a, b, c of nytte_unc_dist). */
static const char *const params[][3] = {
    [NYTTE_UNC_NORMAL] = {"mean", "sd", NULL},
    [NYTTE_UNC_LOGNORMAL] = {"median", "sigma", NULL},
    [NYTTE_UNC_UNIFORM] = {"min", "max", NULL},
    [NYTTE_UNC_TRIANGULAR] = {"min", "max", "mode"},
    [NYTTE_UNC_DISCRETE] = {"values", "weights", NULL},
};
static const char *const all_params[] = {"mean", "sd", "median", "sigma", "min", "mode", "max", "values", "weights"};

static bool takes(int kind, const char *key)
{
    for (int i = 0; i < 3; i++)
        if (params[kind][i] && strcmp(params[kind][i], key) == 0)
            return true;
    return false;
}

/* "mean and sd", "min, max and mode" */
static const char *takes_text(char *buf, size_t n, int kind)
{
    const char *const *p = params[kind];
    if (p[2])
        snprintf(buf, n, "%s, %s and %s", p[0], p[1], p[2]);
    else
        snprintf(buf, n, "%s and %s", p[0], p[1]);
    return buf;
}

/* The discrete scenarios: values, and weights (default equal) of the same count. */
static void load_discrete(const cfg_map *m, nytte_unc_dist *d)
{
    double *v = NULL, *w = NULL;
    size_t nv = 0, nw = 0;
    if (cfg_get_num_list(m, "values", -1e6, &v, &nv) != NYTTE_OK)
        goto cleanup;
    if (nv > NYTTE_UNC_MAX_VALUES) {
        cfg_problem(m->L, ytree_get(m->node, "values"), NYTTE_ECONFIG, m->kp, "%zu values (at most %d)", nv,
                    NYTTE_UNC_MAX_VALUES);
        goto cleanup;
    }
    const ynode *wn = ytree_get(m->node, "weights");
    if (wn && cfg_get_num_list(m, "weights", 0, &w, &nw) != NYTTE_OK)
        goto cleanup;
    if (wn && nw != nv) {
        cfg_problem(m->L, wn, NYTTE_ECONFIG, m->kp, "%zu weights for %zu values%s", nw, nv, CFG_SPLIT_HINT(wn));
        goto cleanup;
    }
    d->n = nv;
    for (size_t i = 0; i < nv; i++) {
        d->value[i] = v[i];
        d->weight[i] = w ? w[i] : 1.0;
    }
cleanup:
    free(v);
    free(w);
}

/*
 * One uncertain input at kp: {distribution: normal, mean: 1, sd: 0.1}; the parameters of its
 * family and no others; `correlation` (shared | independent) where the input is per building
 * (per_building). nonneg: a multiplier, never below 0.
 */
static void load_dist(loader *L, const ynode *v, const char *kp, nytte_unc_dist *d, bool nonneg, bool per_building)
{
    cfg_map m = cfg_map_at(L, v, kp, "uncertainty.<input>");
    cfg_check_keys(&m);
    char *fam = NULL, *corr = NULL, what[96];
    int kind = -1, bad = L->nerr;
    if (cfg_get_str(&m, "distribution", &fam) == NYTTE_OK && (kind = nytte_unc_kind_parse(fam)) < 0)
        cfg_problem(L, ytree_get(v, "distribution"), NYTTE_ECONFIG, kp,
                    "unknown distribution '%s' (expected normal, lognormal, uniform, triangular or discrete)", fam);
    free(fam);
    if (kind < 0)
        return;
    for (size_t i = 0; i < sizeof all_params / sizeof all_params[0]; i++) {
        const ynode *at = ytree_get(v, all_params[i]);
        if (at && !takes(kind, all_params[i]))
            cfg_problem(L, at, NYTTE_ECONFIG, kp, "'%s' does not apply to a %s distribution (it takes %s)",
                        all_params[i], nytte_unc_kind_name((nytte_unc_kind)kind),
                        takes_text(what, sizeof what, kind));
    }
    /* every parameter is needed, but a discrete distribution's weights (equal without) */
    for (int i = 0; i < 3; i++)
        if (params[kind][i] && !ytree_get(v, params[kind][i]) && strcmp(params[kind][i], "weights") != 0)
            cfg_problem(L, v, NYTTE_ECONFIG, kp, "%s: missing (a %s distribution takes %s)", params[kind][i],
                        nytte_unc_kind_name((nytte_unc_kind)kind), takes_text(what, sizeof what, kind));
    d->kind = (nytte_unc_kind)kind;
    if (kind == NYTTE_UNC_DISCRETE) {
        load_discrete(&m, d);
    } else {
        double *slot[3] = {&d->a, &d->b, &d->c};
        for (int i = 0; i < 3; i++)
            if (params[kind][i])
                cfg_get_num(&m, params[kind][i], -1e6, 1e6, slot[i]);
    }
    const ynode *cn = ytree_get(v, "correlation");
    if (cn && !per_building)
        cfg_problem(L, cn, NYTTE_ECONFIG, kp,
                    "'correlation' applies to building_value and floor_height (one draw per building or one for "
                    "all), not to %s (one draw for all)", kp + strlen("uncertainty."));
    else if (cfg_get_str(&m, "correlation", &corr) == NYTTE_OK) {
        if (strcmp(corr, "independent") == 0)
            d->independent = true;
        else if (strcmp(corr, "shared") != 0)
            cfg_problem(L, ytree_get(v, "correlation"), NYTTE_ECONFIG, kp,
                        "expected shared (one draw for every building) or independent (one per building), got '%s'",
                        corr);
    }
    free(corr);
    if (L->nerr != bad)
        return;
    nytte_ctx_clear_error(L->scratch);
    if (nytte_unc_dist_check(L->scratch, d, nonneg, NULL) != NYTTE_OK)
        cfg_problem(L, v, NYTTE_ECONFIG, kp, "%s", nytte_ctx_errmsg(L->scratch));
}

/* A key of a sea level (types: the hazard types it applies to) given with another primary hazard:
 * a problem where it stands. */
static bool applies(loader *L, const ynode *at, const char *kp, unsigned types, const nytte_project *p)
{
    if (p->primary_hazard >= p->nhazards)
        return true;
    const nytte_hazard_cfg *h = &p->hazards[p->primary_hazard];
    if (types & NYTTE_HAZARD_BIT(h->type))
        return true;
    cfg_problem(L, at, NYTTE_ECONFIG, kp,
                "applies to a coastal hazard only (a sea level to raise), not to the %s hazard '%s'",
                cfg_hazard_types[h->type], h->id ? h->id : "?");
    return false;
}

void cfg_load_uncertainty(loader *L, const ynode *u, nytte_project *p)
{
    cfg_map um = cfg_map_at(L, u, "uncertainty", "uncertainty");
    cfg_check_keys(&um);
    nytte_unc_config *c = &p->uncertainty;
    p->has_uncertainty = true;
    c->seed = 1;
    cfg_get_int(&um, "draws", 1, 100000, &c->draws);
    int seed = 1;
    if (cfg_get_int(&um, "seed", 0, INT_MAX, &seed) == NYTTE_OK)
        c->seed = (uint64_t)seed;
    const unsigned coast = NYTTE_HAZARD_BIT(NYTTE_HAZARD_COASTAL);
    for (size_t k = 0; k < u->n; k++) {
        const ynode *key = u->items[2 * k], *v = u->items[2 * k + 1];
        if (!strcmp(key->text, "draws") || !strcmp(key->text, "seed"))
            continue;
        int i = 0;
        while (i < NYTTE_UNC_NINPUTS && strcmp(key->text, nytte_unc_input_name((nytte_unc_input)i)) != 0)
            i++;
        if (i == NYTTE_UNC_NINPUTS) {
            cfg_problem(L, key, NYTTE_ECONFIG, "uncertainty",
                        "unknown key '%s' (expected one of: draws, seed, damage_curve, building_value, floor_height, "
                        "level_shift, sea_level_rise)", key->text);
            continue;
        }
        char kp[64];
        snprintf(kp, sizeof kp, "uncertainty.%s", key->text);
        bool sea = i == NYTTE_UNC_LEVEL || i == NYTTE_UNC_SLR;
        if (!cfg_need_map(L, v, kp) || !applies(L, v, kp, sea ? coast : NYTTE_HAZARD_ANY, p))
            continue;
        load_dist(L, v, kp, &c->input[i], i == NYTTE_UNC_CURVE || i == NYTTE_UNC_VALUE,
                  i == NYTTE_UNC_VALUE || i == NYTTE_UNC_FLOOR);
    }
}

void cfg_load_horizons(loader *L, const ynode *h, nytte_project *p)
{
    const nytte_config_key *row = cfg_key_find("", "horizons");
    if (!applies(L, h, "horizons", row ? row->hazard_types : NYTTE_HAZARD_ANY, p))
        return;
    if (h->type != YT_SEQ) {
        cfg_problem(L, h, NYTTE_ECONFIG, "horizons", "expected a list of horizons ({year: 2050, sea_level_rise: 0.3})");
        return;
    }
    if (h->n == 0 || h->n > NYTTE_UNC_MAX_HORIZONS) {
        cfg_problem(L, h, NYTTE_ECONFIG, "horizons", "%zu horizons (1 to %d)", h->n, NYTTE_UNC_MAX_HORIZONS);
        return;
    }
    for (size_t i = 0; i < h->n; i++) {
        char kp[32];
        snprintf(kp, sizeof kp, "horizons[%zu]", i);
        if (!cfg_need_map(L, h->items[i], kp))
            continue;
        cfg_map m = cfg_map_at(L, h->items[i], kp, "horizons[]");
        cfg_check_keys(&m);
        nytte_unc_horizon *z = &p->horizons[p->nhorizons++];
        cfg_get_int(&m, "year", 1900, 3000, &z->year);
        cfg_get_num(&m, "sea_level_rise", -5, 10, &z->rise);
        if (i > 0 && z->year <= p->horizons[i - 1].year && p->horizons[i - 1].year)
            cfg_problem(L, ytree_get(h->items[i], "year"), NYTTE_ECONFIG, kp,
                        "year %d is not after the previous horizon's %d (horizons go forward in time)", z->year,
                        p->horizons[i - 1].year);
    }
}
