/*
 * damage.c — the damage section: the depth statistic, the EAD rule, discounting, unit
 * values and contents factors per use group, and depth-damage curves replacing the
 * defaults.
 */
#include "config/config_int.h"

#include <stdio.h>
#include <stdlib.h>

/*
 * The curve of one use group at kp (damage.curves.<use>): depth, structure and optional
 * contents fractions; without contents the contents follow the structure curve. A bad
 * curve is reported at its line with the curve and point it concerns.
 */
static void load_curve(loader *L, const ynode *v, const char *kp, const char *use, int u, nytte_project *p)
{
    cfg_map cm = cfg_map_at(L, v, kp, "damage.curves.<use>");
    cfg_check_keys(&cm);
    size_t nd = 0, ns = 0, nc = 0;
    double *depth = NULL, *st = NULL, *ct = NULL;
    cfg_get_num_list(&cm, "depth", -1e9, &depth, &nd);
    cfg_get_num_list(&cm, "structure", -1e9, &st, &ns);
    if (ytree_get(v, "contents"))
        cfg_get_num_list(&cm, "contents", -1e9, &ct, &nc);
    const char *parts[2] = {"structure", "contents"};
    double *fr[2] = {st, ct ? ct : st};
    size_t nf[2] = {ns, ct ? nc : ns};
    nytte_curve *dst[2] = {&p->damage.structure[u], &p->damage.contents[u]};
    int ncurves = ct ? 2 : 1, ok = 1;
    for (int j = 0; j < ncurves && depth && fr[j]; j++) {
        if (nf[j] != nd) {
            cfg_problem(L, ytree_get(v, parts[j]), NYTTE_ECONFIG, kp, "%zu %s fractions for %zu depths", nf[j],
                        parts[j], nd);
            break;
        }
        char name[NYTTE_CURVE_NAME_MAX];
        snprintf(name, sizeof name, "%s/%s", use, parts[j]);
        nytte_ctx_clear_error(L->scratch);
        if (nytte_curve_set(L->scratch, dst[j], name, depth, fr[j], (int)nd) != NYTTE_OK ||
            nytte_curve_validate(L->scratch, dst[j]) != NYTTE_OK) {
            cfg_problem(L, ytree_get(v, parts[j]), NYTTE_ECONFIG, kp, "%s", nytte_ctx_errmsg(L->scratch));
            ok = 0;
        }
    }
    if (!ct && ok && depth && st && ns == nd) {
        /* contents follow the structure curve unless given */
        *dst[1] = *dst[0];
        snprintf(dst[1]->name, sizeof dst[1]->name, "%s/contents", use);
    }
    free(depth);
    free(st);
    free(ct);
}

/*
 * Depth-damage curves per use group, replacing the defaults:
 *   curves: {residential: {depth: [0, 0.5, 1], structure: [0, 0.25, 0.4], contents: [0, 0.3, 0.5]}}
 */
static void load_curves(loader *L, const ynode *m, nytte_project *p)
{
    for (size_t i = 0; i < m->n; i++) {
        const ynode *k = m->items[2 * i], *v = m->items[2 * i + 1];
        char kp[96];
        snprintf(kp, sizeof kp, "damage.curves.%s", k->text);
        int u = nytte_use_parse(k->text);
        if (u < 0) {
            cfg_problem(L, k, NYTTE_ECONFIG, "damage.curves",
                        "unknown use group '%s' (expected residential, summerhouse, business, public or other)",
                        k->text);
            continue;
        }
        if (cfg_need_map(L, v, kp))
            load_curve(L, v, kp, k->text, u, p);
    }
}

void cfg_load_damage(loader *L, const ynode *d, nytte_project *p)
{
    cfg_map dm = cfg_map_at(L, d, "damage", "damage");
    cfg_check_keys(&dm);
    char *s = NULL;
    if (cfg_get_str(&dm, "depth", &s) == NYTTE_OK) {
        int v = nytte_depth_stat_parse(s);
        if (v < 0)
            cfg_problem(L, ytree_get(d, "depth"), NYTTE_ECONFIG, "damage.depth",
                        "unknown depth statistic '%s' (expected max or mean)", s);
        else
            p->damage.depth_stat = (nytte_depth_stat)v;
    }
    free(s);
    s = NULL;
    if (cfg_get_str(&dm, "ead", &s) == NYTTE_OK) {
        nytte_ctx_clear_error(L->scratch);
        if (nytte_ead_rule_parse(L->scratch, &p->ead, s) != NYTTE_OK)
            cfg_problem(L, ytree_get(d, "ead"), NYTTE_ECONFIG, "damage.ead", "%s", nytte_ctx_errmsg(L->scratch));
    }
    free(s);
    cfg_get_num(&dm, "discount_rate", 0, 0.5, &p->discount_rate);
    cfg_get_int(&dm, "horizon", 1, 1000, &p->horizon);
    const ynode *m;
    if ((m = ytree_get(d, "unit_value")))
        cfg_get_use_map(L, m, "damage.unit_value", "damage.unit_value", p->damage.unit_value, 0, 1e7);
    if ((m = ytree_get(d, "contents_factor")))
        cfg_get_use_map(L, m, "damage.contents_factor", "damage.contents_factor", p->damage.contents_factor, 0, 100);
    if ((m = ytree_get(d, "curves")) && cfg_need_map(L, m, "damage.curves"))
        load_curves(L, m, p);
}
