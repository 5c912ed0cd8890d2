/*
 * measures.c — one item of the measures list (a separable element: its geometry, a
 * barrier's crest and burn mode or a drain's lowering and reach, its money), the keys that
 * depend on the hazard that gives the depths, and the deductions from an element's cost.
 */
#include "config/config_int.h"

#include <assert.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const deduction_kinds[] = {"grant", "municipal", "utility", "group", NULL};

/*
 * The measure keys that depend on the primary hazard: a barrier (coastal, bluespot) has
 * a crest and a burn mode; a drain (groundwater) a lowering and, as a line or points, a
 * reach. A key that does not apply is an error where it stands (a drain's keys reported
 * first, the order nytte has always reported them in); a missing one at its measure.
 */
static void check_keys_against(loader *L, const ynode *m, const char *kp, nytte_hazard_type t, const char *hid)
{
    for (int pass = 0; pass < 2; pass++) {
        const char *name;
        for (const nytte_config_key *k = NULL; (k = cfg_key_next("measures[]", k, &name));) {
            const ynode *v = ytree_get(m, name);
            int drain = k->hazard_types == NYTTE_HAZARD_BIT(NYTTE_HAZARD_GROUNDWATER);
            if (!v || (k->hazard_types & NYTTE_HAZARD_BIT(t)) || drain != (pass == 0))
                continue;
            if (t == NYTTE_HAZARD_GROUNDWATER)
                cfg_problem(L, v, NYTTE_ECONFIG, kp,
                            "'%s' does not apply to a drain against the groundwater hazard '%s' (give lowering, "
                            "and reach for a line or point drain)",
                            name, hid);
            else if (drain)
                cfg_problem(L, v, NYTTE_ECONFIG, kp,
                            "'%s' applies to a drain against a groundwater hazard, not against the %s hazard '%s'",
                            name, cfg_hazard_types[t], hid);
            else {
                assert(t == NYTTE_HAZARD_FLOOD_RASTER);
                cfg_problem(L, v, NYTTE_ECONFIG, kp, "'%s' does not apply with given depth rasters (%s hazard '%s')",
                            name, cfg_hazard_types[t], hid);
            }
        }
    }
}

/* Whether m gives key a value: an empty value or null is not one (a bad value is, and was
 * reported where it was read, so "missing" is not said of it too). */
static bool has_value(const ynode *m, const char *key)
{
    const ynode *v = ytree_get(m, key);
    return v && !(v->type == YT_SCALAR && (!v->text[0] || (v->plain && (!strcmp(v->text, "null") || !strcmp(v->text, "~")))));
}

void cfg_check_measure_keys(loader *L, const ynode *ml, const nytte_project *p)
{
    nytte_hazard_type t = p->hazards[p->primary_hazard].type;
    const char *hid = p->hazards[p->primary_hazard].id ? p->hazards[p->primary_hazard].id : "?";
    for (size_t i = 0; ml && ml->type == YT_SEQ && i < ml->n && i < p->nmeasures; i++) {
        const ynode *m = ml->items[i];
        const nytte_measure_cfg *ms = &p->measures[i];
        const char *id = ms->id ? ms->id : "?";
        char kp[64];
        snprintf(kp, sizeof kp, "measures[%zu]", i);
        if (m->type != YT_MAP)
            continue;
        check_keys_against(L, m, kp, t, hid);
        if (t == NYTTE_HAZARD_COASTAL && isnan(ms->crest) && !has_value(m, "crest"))
            cfg_problem(L, m, NYTTE_ECONFIG, "measures", "measure %s: crest missing (a barrier against "
                        "the coastal hazard needs its crest or closing height, m)", id);
        if (t == NYTTE_HAZARD_BLUESPOT && isnan(ms->crest) && !has_value(m, "crest"))
            cfg_problem(L, m, NYTTE_ECONFIG, "measures", "measure %s: crest missing (a measure against the bluespot "
                        "hazard is burned into the terrain at its crest, m: a wall or kerb above the terrain, or with "
                        "burn: lower a channel or outlet below it)", id);
        if (t == NYTTE_HAZARD_GROUNDWATER && isnan(ms->lowering) && !has_value(m, "lowering"))
            cfg_problem(L, m, NYTTE_ECONFIG, "measures", "measure %s: lowering missing (a drain against the "
                        "groundwater hazard needs how far it lowers the water table, m)", id);
    }
}

static void read_burn(const cfg_map *mm, nytte_measure_cfg *ms)
{
    char sub[96], *burn = NULL;
    ms->burn = NYTTE_BURN_RAISE;
    snprintf(sub, sizeof sub, "%s.burn", mm->kp);
    if (cfg_get_str(mm, "burn", &burn) == NYTTE_OK) {
        if (!strcmp(burn, "lower"))
            ms->burn = NYTTE_BURN_LOWER;
        else if (!strcmp(burn, "set"))
            ms->burn = NYTTE_BURN_SET;
        else if (strcmp(burn, "raise"))
            cfg_problem(mm->L, ytree_get(mm->node, "burn"), NYTTE_ECONFIG, sub, "expected raise, lower or set, got '%s'",
                        burn);
    }
    free(burn);
}

/* A drain's lowering of the water table and the reach of a line or point drain. */
static void read_drain(const cfg_map *mm, nytte_measure_cfg *ms)
{
    char sub[96];
    ms->lowering = NAN;
    ms->reach = NAN;
    snprintf(sub, sizeof sub, "%s.lowering", mm->kp);
    if (cfg_get_num(mm, "lowering", -1e300, 1e300, &ms->lowering) == NYTTE_OK &&
        !(ms->lowering > 0 && ms->lowering <= 100)) {
        cfg_problem(mm->L, ytree_get(mm->node, "lowering"), NYTTE_ECONFIG, sub,
                    "must be more than 0 m and at most 100 m (how far the drain lowers the water table), got %s",
                    ytree_get(mm->node, "lowering")->text);
        ms->lowering = NAN;
    }
    snprintf(sub, sizeof sub, "%s.reach", mm->kp);
    if (cfg_get_num(mm, "reach", -1e300, 1e300, &ms->reach) == NYTTE_OK && !(ms->reach > 0 && ms->reach <= 100000)) {
        cfg_problem(mm->L, ytree_get(mm->node, "reach"), NYTTE_ECONFIG, sub,
                    "must be more than 0 m and at most 100000 m (the distance from a line drain at which its lowering "
                    "ends), got %s",
                    ytree_get(mm->node, "reach")->text);
        ms->reach = NAN;
    }
}

void cfg_load_measure(loader *L, const ynode *m, size_t idx, nytte_project *p)
{
    char kp[64], sub[96];
    snprintf(kp, sizeof kp, "measures[%zu]", idx);
    nytte_measure_cfg *ms = &p->measures[idx];
    cfg_map mm = cfg_map_at(L, m, kp, "measures[]");
    ms->line = m->line;
    ms->col = m->col;
    ms->lifetime = 100;
    cfg_check_keys(&mm);
    cfg_get_str(&mm, "id", &ms->id);
    cfg_check_id(&mm, ms->id);
    cfg_get_str(&mm, "name", &ms->name);
    cfg_get_layer_any(&mm, "geometry", &ms->geometry);
    ms->crest = NAN; /* required for barriers against a coastal hazard: checked with the hazards */
    cfg_get_num(&mm, "crest", -100, 1000, &ms->crest);
    /* which of these apply depends on the hazard: checked with the hazards (cfg_check_measure_keys) */
    read_burn(&mm, ms);
    read_drain(&mm, ms);
    cfg_get_money(&mm, "capex", &ms->capex);
    cfg_get_money(&mm, "om_per_year", &ms->om_per_year);
    cfg_get_int(&mm, "lifetime", 1, 1000, &ms->lifetime);
    const ynode *d = ytree_get(m, "deductions");
    snprintf(sub, sizeof sub, "%s.deductions", kp);
    if (d)
        cfg_load_deductions(L, d, sub, "measures[].deductions[]", &ms->deductions, &ms->ndeductions);
}

/* One deduction, {name, kind, amount | percent}, at ip; sec is its section of the key table. */
static void load_deduction(loader *L, const ynode *e, const char *ip, const char *sec, nytte_deduction_cfg *dd)
{
    cfg_map em = cfg_map_at(L, e, ip, sec);
    cfg_check_keys(&em);
    cfg_get_str(&em, "name", &dd->name);
    char *kind = NULL;
    if (cfg_get_str(&em, "kind", &kind) == NYTTE_OK) {
        int k = -1;
        for (int j = 0; deduction_kinds[j]; j++)
            if (strcmp(kind, deduction_kinds[j]) == 0)
                k = j;
        if (k < 0)
            cfg_problem(L, ytree_get(e, "kind"), NYTTE_ECONFIG, ip,
                        "unknown deduction kind '%s' (expected grant, municipal, utility or group)", kind);
        else
            dd->kind = (nytte_alloc_deduction_kind)k;
    }
    free(kind);
    int has_amount = ytree_get(e, "amount") != NULL, has_pct = ytree_get(e, "percent") != NULL;
    if (has_amount == has_pct)
        cfg_problem(L, e, NYTTE_ECONFIG, ip, "give either amount (kr) or percent, not %s",
                    has_amount ? "both" : "neither");
    else if (has_amount)
        cfg_get_money(&em, "amount", &dd->amount);
    else
        cfg_get_num(&em, "percent", 0, 100, &dd->percent);
}

/* A list of deductions, each {name, kind, amount | percent}; applied in the order given. */
void cfg_load_deductions(loader *L, const ynode *d, const char *kp, const char *sec, nytte_deduction_cfg **out,
                         size_t *nout)
{
    if (d->type != YT_SEQ) {
        cfg_problem(L, d, NYTTE_ECONFIG, kp, "expected a list of {name, amount} or {name, percent}");
        return;
    }
    if (d->n > NYTTE_ALLOC_MAX_DEDUCTIONS) {
        cfg_problem(L, d, NYTTE_ECONFIG, kp, "at most %d deductions", NYTTE_ALLOC_MAX_DEDUCTIONS);
        return;
    }
    *out = calloc(d->n ? d->n : 1, sizeof **out);
    if (!*out) {
        *nout = 0;
        cfg_nomem(L, d, kp);
        return;
    }
    *nout = d->n;
    for (size_t i = 0; i < *nout; i++) {
        char ip[96];
        snprintf(ip, sizeof ip, "%s[%zu]", kp, i);
        nytte_deduction_cfg *dd = &(*out)[i];
        dd->percent = -1;
        dd->kind = NYTTE_DEDUCT_GRANT;
        const ynode *e = cfg_need_map(L, d->items[i], ip);
        if (e)
            load_deduction(L, e, ip, sec, dd);
    }
}

void cfg_measure_clear(nytte_measure_cfg *m)
{
    free(m->id);
    free(m->name);
    cfg_layer_clear(&m->geometry);
    for (size_t k = 0; k < m->ndeductions; k++)
        free(m->deductions[k].name);
    free(m->deductions);
}
