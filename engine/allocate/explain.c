/*
 * explain.c — why a parcel and an owner pay what they pay, as arithmetic an owner can
 * redo: the explainer (what the explanations of one result share: sums in parcel-id
 * order, the co-owners of each parcel), the number formats, the statements of one payer's
 * line and of an owner's part, and the one-line summaries of the parcels and owners
 * tables. `nytte explain`'s text is in explain_text.c. Owner names never appear (ids only).
 *
 * Every step is a statement "label: arithmetic = result" (docs/models.md, Explanation):
 * weights and sums printed as the shortest decimals that read back as the doubles the
 * model used, exact amounts cut after 6 decimals ("…" where digits were cut), ⌊x⌋ for x
 * cut down to the øre, then the øre largest remainder added.
 */
#include "allocate/allocate_int.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void alloc_sb_printf(alloc_sbuf *b, const char *fmt, ...)
{
    if (b->oom)
        return;
    for (;;) {
        va_list ap;
        va_start(ap, fmt);
        int k = vsnprintf(b->s ? b->s + b->len : NULL, b->s ? b->cap - b->len : 0, fmt, ap);
        va_end(ap);
        if (k < 0) {
            b->oom = true;
            return;
        }
        if (b->s && b->len + (size_t)k < b->cap) {
            b->len += (size_t)k;
            return;
        }
        size_t ncap = (b->cap ? b->cap * 2 : 1024) + (size_t)k;
        char *t = realloc(b->s, ncap);
        if (!t) {
            b->oom = true;
            return;
        }
        b->s = t;
        b->cap = ncap;
    }
}

/* ---- number formats ---------------------------------------------------------- */

char *alloc_x_num(char *buf, size_t size, double x)
{
    if (!isfinite(x) || x == 0.0) {
        snprintf(buf, size, "%g", x == 0.0 ? 0.0 : x);
        return buf;
    }
    /* the fewest significant digits that read back as x, then written without an exponent */
    for (int p = 1; p <= 17; p++) {
        char t[64];
        snprintf(t, sizeof t, "%.*e", p - 1, x);
        if (strtod(t, NULL) == x || p == 17) {
            int e = atoi(strchr(t, 'e') + 1), dec = p - 1 - e;
            snprintf(buf, size, "%.*f", dec > 0 ? dec : 0, x);
            break;
        }
    }
    return buf;
}

char *alloc_x_exact(char *buf, size_t size, double ore, bool mark)
{
    char a[32];
    double f = floor(ore), frac4 = (ore - f) * 1e4;
    /* the whole øre exactly, then 4 more digits cut (not rounded): the øre digits are the floor's */
    int q = (int)floor(frac4);
    if (q > 9999)
        q = 9999;
    if (q < 0)
        q = 0;
    snprintf(buf, size, "%s%04d%s", nytte_money_format(a, sizeof a, NULL, (int64_t)f), q,
             mark && frac4 != (double)q ? "…" : "");
    return buf;
}

void alloc_x_benefit_words(alloc_sbuf *b, const nytte_alloc_benefit_basis *basis)
{
    if (!basis || basis->years <= 0) {
        alloc_sb_printf(b, "present value of avoided damage");
        return;
    }
    alloc_sb_printf(b, "PV of avoided damage at %g %% over %d years", 100.0 * basis->discount_rate, basis->years);
    if (basis->rising)
        alloc_sb_printf(b, " (the yearly amount rising linearly with the sea to the end)");
}

double alloc_x_yearly_exact(const nytte_alloc_element_result *er, const nytte_alloc_line *l)
{
    /* run.c, element_money: the yearly pool by the same key, no caps */
    return (double)er->pool.yearly_ore * (l->weight / er->weight_sum);
}

void alloc_x_label(alloc_xout *o, const char *en_text, const char *en_cell)
{
    if (o->text)
        alloc_sb_printf(o->b, "    %s: ", en_text);
    else
        alloc_sb_printf(o->b, "%s%s: ", o->first ? "" : ", ", en_cell);
    o->first = false;
}

static void x_end(alloc_xout *o)
{
    if (o->text)
        alloc_sb_printf(o->b, "\n");
}

char *alloc_x_money(char *buf, size_t size, double ore)
{
    if (ore == floor(ore) && fabs(ore) < 9e15)
        return nytte_money_format(buf, size, NULL, (int64_t)ore);
    return alloc_x_exact(buf, size, ore, false);
}

/* ---- the statements of one payer ------------------------------------------------- */

/* The weight of a mixed model: Σ fraction × component weight / the component's sum (run.c, element_weights). */
static void x_weight_mix(alloc_xout *o, const nytte_alloc_explainer *x, size_t e, size_t p)
{
    const nytte_alloc_result *r = x->r;
    const nytte_alloc_element_result *er = &r->elements[e];
    const nytte_alloc_config *cfg = x->el[e].cfg;
    const nytte_alloc_parcel *f = &x->in->elements[e].parcels[p];
    const nytte_alloc_line *l = &r->lines[e * r->nparcels + p];
    nytte_alloc_model mm[NYTTE_ALLOC_MAX_MIX];
    double mf[NYTTE_ALLOC_MAX_MIX];
    size_t nmix = alloc_mix_components(cfg, mm, mf);
    char n1[40], n2[40], n3[40];
    alloc_sbuf label = {0}, cell = {0};
    bool benefit = false;
    alloc_sb_printf(&label, "weight (vægt), ");
    for (size_t k = 0; k < nmix; k++) {
        alloc_sb_printf(&label, "%s%g × %s weight / its sum over the payers", k ? " + " : "", mf[k],
                        nytte_alloc_model_name(mm[k]));
        benefit = benefit || mm[k] == NYTTE_ALLOC_BENEFIT;
    }
    alloc_sb_printf(&cell, "%s weight", nytte_alloc_model_name(cfg->model));
    if (benefit) {
        alloc_sb_printf(&label, ", benefit = ");
        alloc_x_benefit_words(&label, &x->in->benefit);
        alloc_sb_printf(&cell, ", benefit = ");
        alloc_x_benefit_words(&cell, &x->in->benefit);
    }
    alloc_x_label(o, label.oom ? "weight (vægt)" : label.s, cell.oom ? "weight" : cell.s);
    free(label.s);
    free(cell.s);
    size_t nterms = 0;
    for (size_t k = 0; k < nmix; k++) {
        if (!(er->mix_sum[k] > 0.0))
            continue; /* a component whose weights are all 0 adds nothing */
        nytte_alloc_line tmp = *l;
        double wk = 0.0;
        /* as in run.c: benefit-side parts count only in the benefit area without a benefit exemption */
        if (mm[k] == NYTTE_ALLOC_CONTRIBUTOR || (l->in_area && l->benefit_exempt == NYTTE_EXEMPT_NONE))
            alloc_model_weight(NULL, &wk, &tmp, mm[k], cfg, f, er->id ? er->id : "?");
        alloc_sb_printf(o->b, "%s%s × %s / %s", nterms++ ? " + " : "", alloc_x_num(n1, sizeof n1, mf[k]),
                        alloc_x_num(n2, sizeof n2, wk), alloc_x_num(n3, sizeof n3, er->mix_sum[k]));
    }
    alloc_sb_printf(o->b, "%s = %s", nterms ? "" : "0", alloc_x_num(n1, sizeof n1, l->weight));
    x_end(o);
}

/* The terms of the parts rule that apply to parcel f, as models.c adds them: "1 + 0.25 × 2". */
static size_t x_parts_terms(alloc_sbuf *b, alloc_sbuf *names, const nytte_alloc_parts_rule *r,
                            const nytte_alloc_parcel *f)
{
    int nb = f->nbuildings > 0 ? f->nbuildings : 0;
    size_t n = 0;
    char v[40], c[40];
#define TERM(value, count, name)                                                                               \
    do {                                                                                                       \
        if ((value) != 0.0 && (count) > 0) {                                                                   \
            if ((count) == 1)                                                                                  \
                alloc_sb_printf(b, "%s%s", n ? " + " : "", alloc_x_num(v, sizeof v, (value)));                 \
            else                                                                                               \
                alloc_sb_printf(b, "%s%s × %s", n ? " + " : "", alloc_x_num(v, sizeof v, (value)),             \
                                alloc_x_num(c, sizeof c, (double)(count)));                                    \
            alloc_sb_printf(names, "%s%s", n++ ? " + " : "", (name));                                          \
        }                                                                                                      \
    } while (0)
    TERM(r->base, 1, "base");
    TERM(r->per_plot, 1, "per plot");
    TERM(r->per_house, nb, "per house × houses");
    TERM(r->plot_flooded, f->plot_flooded, "plot flooded");
    TERM(r->building_flooded, f->building_flooded, "building flooded");
    TERM(r->access_road, f->access_road_only && !f->plot_flooded && !f->building_flooded, "only the access road floods");
    if (!isnan(r->kote)) {
        double floor_level = isnan(f->floor_level) ? f->ref_level : f->floor_level;
        TERM(r->below_plot, f->ref_level < r->kote, "plot below the kote");
        TERM(r->below_house, floor_level < r->kote ? nb : 0, "per house below the kote × houses");
    }
    for (size_t k = 0; k < r->ncriteria; k++)
        TERM(r->criteria[k].parts, (f->flags & (1u << r->criteria[k].bit)) != 0,
             r->criteria[k].name ? r->criteria[k].name : "criterion");
#undef TERM
    return n;
}

/* The weight of one model's payer: its facts and the arithmetic of models.c. */
static void x_weight(alloc_xout *o, const nytte_alloc_explainer *x, size_t e, size_t p)
{
    const nytte_alloc_result *r = x->r;
    const nytte_alloc_config *cfg = x->el[e].cfg;
    const nytte_alloc_parcel *f = &x->in->elements[e].parcels[p];
    const nytte_alloc_line *l = &r->lines[e * r->nparcels + p];
    char w[40], n1[40], n2[40], n3[40], n4[40], label[512];
    alloc_x_num(w, sizeof w, l->weight);
    switch (cfg->model) {
    case NYTTE_ALLOC_HYBRID:
    case NYTTE_ALLOC_BENEFIT_AND_CONTRIBUTOR:
        x_weight_mix(o, x, e, p);
        return;
    case NYTTE_ALLOC_BENEFIT: {
        alloc_sbuf t = {0}, c = {0};
        alloc_sb_printf(&t, "weight (vægt), benefit (nytte) = ");
        alloc_x_benefit_words(&t, &x->in->benefit);
        alloc_sb_printf(&t, ", none if negative");
        alloc_sb_printf(&c, "benefit weight, ");
        alloc_x_benefit_words(&c, &x->in->benefit);
        alloc_x_label(o, t.oom ? "weight (vægt)" : t.s, c.oom ? "benefit weight" : c.s);
        free(t.s);
        free(c.s);
        alloc_sb_printf(o->b, "%s", w);
        break;
    }
    case NYTTE_ALLOC_PARTS: {
        alloc_sbuf terms = {0}, names = {0};
        size_t n = x_parts_terms(&terms, &names, &cfg->parts, f);
        snprintf(label, sizeof label, "weight (vægt), parts (parter) = %s", n && !names.oom ? names.s : "none");
        alloc_x_label(o, label, "parts weight");
        if (n > 1 && !terms.oom)
            alloc_sb_printf(o->b, "%s = ", terms.s);
        alloc_sb_printf(o->b, "%s", w);
        free(terms.s);
        free(names.s);
        break;
    }
    case NYTTE_ALLOC_ZONES:
        snprintf(label, sizeof label,
                 "weight (vægt), zone band %d up to kote %g m, band factor × use factor of %s × floor area m² (at least %g m²)",
                 l->band + 1, l->band >= 0 ? cfg->zones.upper[l->band] : NAN, nytte_use_name(f->use), cfg->zones.min_area);
        alloc_x_label(o, label, "zones weight");
        alloc_sb_printf(o->b, "%s × %s × %s = %s", alloc_x_num(n1, sizeof n1, l->band_factor),
                        alloc_x_num(n2, sizeof n2, l->use_factor), alloc_x_num(n3, sizeof n3, l->area_used), w);
        break;
    case NYTTE_ALLOC_VALUE_LEVY:
        snprintf(label, sizeof label, "weight (vægt), levy rate of risk zone %d × property value (ejendomsværdi) kr",
                 f->risk_zone);
        alloc_x_label(o, label, "value_levy weight");
        alloc_sb_printf(o->b, "%s ‰ × %s = %s", alloc_x_num(n1, sizeof n1, l->levy_permille),
                        alloc_x_num(n2, sizeof n2, f->property_value), w);
        break;
    case NYTTE_ALLOC_AREA:
        alloc_x_label(o, "weight (vægt), a × building area m² + b × plot area m²", "area weight");
        alloc_sb_printf(o->b, "%s × %s + %s × %s = %s", alloc_x_num(n1, sizeof n1, cfg->area.a_building),
                        alloc_x_num(n2, sizeof n2, f->building_area), alloc_x_num(n3, sizeof n3, cfg->area.b_plot),
                        alloc_x_num(n4, sizeof n4, f->plot_area), w);
        break;
    case NYTTE_ALLOC_CONTRIBUTOR:
        alloc_x_label(o, "weight (vægt), contributor = effective runoff area in the catchment m²", "contributor weight");
        alloc_sb_printf(o->b, "%s", w);
        break;
    case NYTTE_ALLOC_EQUAL:
    default:
        snprintf(label, sizeof label, "weight (vægt), %s", nytte_alloc_model_name(cfg->model));
        snprintf(n1, sizeof n1, "%s weight", nytte_alloc_model_name(cfg->model));
        alloc_x_label(o, label, n1);
        alloc_sb_printf(o->b, "%s", w);
        break;
    }
    x_end(o);
}

/* How a cap reads ("held at the minimum payment"); a new kind of cap gets a case here. */
static const char *x_cap_words(const alloc_x_element *xe, const nytte_alloc_line *l, bool text)
{
    switch (l->cap) {
    case NYTTE_CAP_MIN:
        /* a minimum is never above the payer's bound (run.c, element_bounds) */
        if (l->exact_ore < (double)xe->cfg->rules.min_ore)
            return text ? "held at its benefit bound, below the minimum payment (nyttegrænse)"
                        : "held at its benefit bound, below the minimum payment";
        return text ? "held at the minimum payment (minimumsbidrag)" : "held at the minimum payment";
    case NYTTE_CAP_MAX:
        return text ? "held at the maximum payment (maksimumsbidrag)" : "held at the maximum payment";
    case NYTTE_CAP_BENEFIT:
        return text ? "held at its benefit bound (nyttegrænse)" : "held at its benefit bound";
    case NYTTE_CAP_NONE:
    default:
        return text ? "held at a cap (loft)" : "held at a cap";
    }
}

void alloc_x_round(alloc_xout *o, double x, int64_t ore)
{
    char a[48], b[32];
    int64_t k = ore - (int64_t)floor(x);
    alloc_sb_printf(o->b, "⌊%s kr⌋", alloc_x_exact(a, sizeof a, x, false));
    if (k > 0)
        alloc_sb_printf(o->b, " + %lld øre", (long long)k);
    else if (k < 0)
        alloc_sb_printf(o->b, " − %lld øre", (long long)-k);
    alloc_sb_printf(o->b, " = %s kr", nytte_money_format(b, sizeof b, NULL, ore));
    x_end(o);
}

/*
 * What the payers not held at a cap share, as arithmetic from the pool: "(pool + paid back
 * to the harmed − left to the residual payer − held at caps)", the terms that are not 0
 * (held at caps whenever a payer is), or the pool alone.
 */
static void x_shared(alloc_sbuf *b, const nytte_alloc_element_result *er, const alloc_x_element *xe)
{
    char a[48];
    bool paren = er->compensation_ore || er->residual_ore || xe->ncapped;
    alloc_sb_printf(b, "%s%s kr", paren ? "(" : "", nytte_money_format(a, sizeof a, NULL, er->pool.pool_ore));
    if (er->compensation_ore)
        alloc_sb_printf(b, " + %s kr", nytte_money_format(a, sizeof a, NULL, er->compensation_ore));
    if (er->residual_ore)
        alloc_sb_printf(b, " − %s kr", nytte_money_format(a, sizeof a, NULL, er->residual_ore));
    if (xe->ncapped)
        alloc_sb_printf(b, " − %s kr", alloc_x_money(a, sizeof a, xe->capped_ore));
    if (paren)
        alloc_sb_printf(b, ")");
}

/* The label of the shared amount's arithmetic: which terms x_shared writes. */
static void x_shared_label(char *buf, size_t size, const nytte_alloc_element_result *er, const alloc_x_element *xe,
                           const char *what)
{
    snprintf(buf, size, "%s, %s%s%s%s%s × weight / Σ weights%s", what,
             er->compensation_ore || er->residual_ore || xe->ncapped ? "(pool" : "pool",
             er->compensation_ore ? " + paid back to the harmed" : "", er->residual_ore ? " − left to the residual payer" : "",
             xe->ncapped ? " − held at caps" : "", er->compensation_ore || er->residual_ore || xe->ncapped ? ")" : "",
             xe->ncapped ? " of the payers not held at a cap" : "");
}

/* The amount of a payer before rounding: the shared amount × weight / Σ weights, or its cap. */
static void x_amount(alloc_xout *o, const nytte_alloc_explainer *x, size_t e, const nytte_alloc_line *l)
{
    const nytte_alloc_element_result *er = &x->r->elements[e];
    const alloc_x_element *xe = &x->el[e];
    char w[40], sum[40], ex[48], label[512], cell[160];
    alloc_x_num(w, sizeof w, l->weight);
    alloc_x_num(sum, sizeof sum, xe->ncapped ? xe->free_wsum : er->weight_sum);
    if (l->cap == NYTTE_CAP_NONE) {
        x_shared_label(label, sizeof label, er, xe, "amount (beløb)");
        alloc_x_label(o, label, "amount");
        x_shared(o->b, er, xe);
        alloc_sb_printf(o->b, " × %s / %s = %s kr", w, sum, alloc_x_exact(ex, sizeof ex, l->exact_ore, true));
        x_end(o);
        return;
    }
    if (xe->free_wsum > 0.0) {
        /* what it would pay at the rate of the payers not held at a cap (apportion.c, alloc_cap_solve) */
        double rate = ((double)xe->payable - xe->capped_ore) / xe->free_wsum;
        x_shared_label(label, sizeof label, er, xe, "uncapped (uden loft)");
        alloc_x_label(o, label, "uncapped");
        x_shared(o->b, er, xe);
        alloc_sb_printf(o->b, " × %s / %s = %s kr", w, sum, alloc_x_exact(ex, sizeof ex, rate * l->weight, true));
        x_end(o);
    }
    snprintf(label, sizeof label, "amount (beløb), %s", x_cap_words(xe, l, true));
    snprintf(cell, sizeof cell, "amount, %s", x_cap_words(xe, l, false));
    if (l->cap == NYTTE_CAP_BENEFIT || l->exact_ore < (double)xe->cfg->rules.min_ore) {
        /* safeguard.c: the bound is multiple × benefit cut down to the øre */
        char m[40], bn[40], bd[48];
        double bound = xe->cfg->rules.benefit_multiple * l->benefit * 100.0;
        alloc_x_label(o, "benefit bound (nyttegrænse), allocation.benefit_cap multiple × benefit", "benefit bound");
        alloc_sb_printf(o->b, "%s × %s kr = %s kr", alloc_x_num(m, sizeof m, xe->cfg->rules.benefit_multiple),
                        alloc_x_num(bn, sizeof bn, l->benefit), alloc_x_exact(bd, sizeof bd, bound, true));
        x_end(o);
        alloc_x_label(o, label, cell);
        alloc_sb_printf(o->b, "⌊%s kr⌋ = %s kr", alloc_x_exact(bd, sizeof bd, bound, false),
                        alloc_x_exact(ex, sizeof ex, l->exact_ore, false));
    } else {
        alloc_x_label(o, label, cell);
        alloc_sb_printf(o->b, "%s kr", alloc_x_exact(ex, sizeof ex, l->exact_ore, true));
    }
    x_end(o);
}

void alloc_x_paid_back(alloc_xout *o, const nytte_alloc_line *l)
{
    char bn[40], a[32];
    alloc_x_label(o, "paid back (tilbagebetales), its loss, the PV of the damage the element adds (−benefit)",
                  "paid back, its loss (−benefit)");
    alloc_sb_printf(o->b, "%s kr = %s kr (rounded to the øre)", alloc_x_num(bn, sizeof bn, -l->benefit),
                    nytte_money_format(a, sizeof a, NULL, -l->ore));
    x_end(o);
}

void alloc_x_line(alloc_xout *o, const nytte_alloc_explainer *x, size_t e, size_t p)
{
    const nytte_alloc_result *r = x->r;
    const nytte_alloc_element_result *er = &r->elements[e];
    const nytte_alloc_line *l = &r->lines[e * r->nparcels + p];
    x_weight(o, x, e, p);
    x_amount(o, x, e, l);
    alloc_x_label(o, "pays (betaler), rounded to the øre by largest remainder", "pays");
    alloc_x_round(o, l->exact_ore, l->ore);
    if (er->pool.yearly_ore > 0) {
        char y[32], w[40], sum[40], ex[48];
        double yx = alloc_x_yearly_exact(er, l);
        alloc_x_label(o, "yearly (drift pr. år), yearly pool × weight / Σ weights", "yearly");
        alloc_sb_printf(o->b, "%s kr × %s / %s = %s kr", nytte_money_format(y, sizeof y, NULL, er->pool.yearly_ore),
                        alloc_x_num(w, sizeof w, l->weight), alloc_x_num(sum, sizeof sum, er->weight_sum),
                        alloc_x_exact(ex, sizeof ex, yx, true));
        x_end(o);
        alloc_x_label(o, "pays yearly (betaler årligt), rounded to the øre by largest remainder", "pays yearly");
        alloc_x_round(o, yx, l->yearly_ore);
    }
}

void alloc_x_part(alloc_xout *o, const nytte_alloc_explainer *x, size_t parcel, double share, int64_t line_ore,
                  int64_t part_ore, bool yearly)
{
    double tot = x->hsum[parcel];
    /* owners.c, coowner_split: the parcel's amount × share / Σ shares, by largest remainder between the co-owners */
    /* a harmed parcel's compensation (negative) is split by its size, the sign put back after */
    bool back = line_ore < 0;
    int64_t size = back ? -line_ore : line_ore;
    double ex = (double)size * (share / tot);
    char a[32], s[40], t[40], e[48], label[256];
    snprintf(label, sizeof label, "%s, %s × ownership share%s",
             yearly ? "your part yearly (din andel årligt)" : "your part (din andel)",
             back ? "paid back" : yearly ? "pays yearly" : "pays", tot == 1.0 ? "" : " / Σ owners' shares");
    alloc_x_label(o, label, yearly ? "your part yearly" : "your part");
    alloc_sb_printf(o->b, "%s kr × %s", nytte_money_format(a, sizeof a, NULL, size), alloc_x_num(s, sizeof s, share));
    if (tot != 1.0)
        alloc_sb_printf(o->b, " / %s", alloc_x_num(t, sizeof t, tot));
    alloc_sb_printf(o->b, " = %s kr", alloc_x_exact(e, sizeof e, ex, true));
    x_end(o);
    if (back)
        alloc_x_label(o, "paid back to you (tilbagebetales til dig), rounded to the øre by largest remainder between the "
                         "co-owners",
                      "paid back to you");
    else
        alloc_x_label(o, yearly ? "you pay yearly (du betaler årligt), rounded to the øre by largest remainder between the "
                                  "co-owners"
                                : "you pay (du betaler), rounded to the øre by largest remainder between the co-owners",
                      yearly ? "you pay yearly" : "you pay");
    alloc_x_round(o, ex, back ? -part_ore : part_ore);
}

/* ---- the explainer ------------------------------------------------------------- */

typedef struct {
    const char *k1, *k2;
    size_t i;
} x_key;

static int by_keys(const void *a, const void *b)
{
    const x_key *x = a, *y = b;
    int c = strcmp(x->k1, y->k1);
    if (!c && x->k2 && y->k2)
        c = strcmp(x->k2, y->k2);
    return c ? c : (x->i < y->i ? -1 : x->i > y->i);
}

void nytte_alloc_explainer_free(nytte_alloc_explainer *x)
{
    if (!x)
        return;
    free(x->el);
    free(x->howner);
    free(x->hshare);
    free(x->hfirst);
    free(x->hsum);
    free(x);
}

/* Element e's caps and rounding, over its payers in id order (order). */
static void x_element_sums(nytte_alloc_explainer *x, size_t e, const size_t *order)
{
    const nytte_alloc_result *r = x->r;
    const nytte_alloc_element_result *er = &r->elements[e];
    alloc_x_element *xe = &x->el[e];
    xe->cfg = x->in->elements[e].config ? x->in->elements[e].config : x->in->config;
    xe->payable = er->pool.pool_ore + er->compensation_ore - er->residual_ore;
    xe->up_frac = xe->yup_frac = 1.0;
    for (size_t j = 0; j < r->nparcels; j++) {
        const nytte_alloc_line *l = &r->lines[e * r->nparcels + order[j]];
        if (l->exempt != NYTTE_EXEMPT_NONE)
            continue;
        if (l->cap != NYTTE_CAP_NONE) {
            unsigned k = (unsigned)l->cap < ALLOC_X_CAP_KINDS ? (unsigned)l->cap : 0;
            xe->ncapped++;
            xe->capped_ore += l->exact_ore;
            if (xe->nkind[k] == 0)
                xe->kind_first[k] = l->exact_ore;
            xe->kind_same[k] = xe->nkind[k] == 0 || (xe->kind_same[k] && l->exact_ore == xe->kind_first[k]);
            xe->nkind[k]++;
            xe->kind_ore[k] += l->exact_ore;
        } else {
            xe->free_wsum += l->weight;
        }
        double f = floor(l->exact_ore);
        xe->cut += (int64_t)f;
        if (l->ore > (int64_t)f) {
            xe->nup++;
            if (l->exact_ore - f < xe->up_frac)
                xe->up_frac = l->exact_ore - f;
        }
        if (er->pool.yearly_ore > 0) {
            double y = alloc_x_yearly_exact(er, l), fy = floor(y);
            xe->ycut += (int64_t)fy;
            if (l->yearly_ore > (int64_t)fy) {
                xe->nyup++;
                if (y - fy < xe->yup_frac)
                    xe->yup_frac = y - fy;
            }
        }
    }
}

/* The holdings by parcel, then owner id (as owners.c splits them), and each parcel's Σ shares in that order. */
static int x_holdings(nytte_alloc_explainer *x, x_key *k)
{
    const nytte_alloc_input *in = x->in;
    const size_t n = in->nparcels, nh = in->holdings ? in->nholdings : n;
    x->howner = malloc((nh ? nh : 1) * sizeof *x->howner);
    x->hshare = malloc((nh ? nh : 1) * sizeof *x->hshare);
    x->hfirst = calloc(n + 1, sizeof *x->hfirst);
    x->hsum = calloc(n ? n : 1, sizeof *x->hsum);
    if (!x->howner || !x->hshare || !x->hfirst || !x->hsum)
        return NYTTE_ENOMEM;
    size_t m = 0;
    for (size_t h = 0; h < nh; h++) {
        size_t p = in->holdings ? in->holdings[h].parcel : h;
        if (p >= n)
            continue;
        k[m++] = (x_key){NULL, in->holdings ? in->holdings[h].owner_id : in->elements[0].parcels[h].id, h};
        x->hfirst[p + 1]++;
    }
    for (size_t p = 0; p < n; p++)
        x->hfirst[p + 1] += x->hfirst[p];
    /* sort by parcel (as a fixed-width key), then owner id */
    size_t *pos = malloc((n ? n : 1) * sizeof *pos);
    x_key *sorted = malloc((m ? m : 1) * sizeof *sorted);
    if (!pos || !sorted) {
        free(pos);
        free(sorted);
        return NYTTE_ENOMEM;
    }
    memcpy(pos, x->hfirst, (n ? n : 1) * sizeof *pos);
    for (size_t q = 0; q < m; q++) {
        size_t p = in->holdings ? in->holdings[k[q].i].parcel : k[q].i;
        sorted[pos[p]++] = k[q];
    }
    for (size_t p = 0; p < n; p++) {
        size_t a = x->hfirst[p], c = x->hfirst[p + 1];
        for (size_t q = a; q < c; q++)
            sorted[q].k1 = sorted[q].k2; /* within a parcel: by owner id */
        qsort(sorted + a, c - a, sizeof *sorted, by_keys);
        for (size_t q = a; q < c; q++) {
            x->howner[q] = sorted[q].k2;
            x->hshare[q] = in->holdings ? in->holdings[sorted[q].i].share : 1.0;
            x->hsum[p] += x->hshare[q];
        }
    }
    free(pos);
    free(sorted);
    return NYTTE_OK;
}

int nytte_alloc_explainer_new(nytte_ctx *ctx, nytte_alloc_explainer **out, const nytte_alloc_result *r,
                              const nytte_alloc_input *in)
{
    *out = NULL;
    const size_t n = r->nparcels, nh = in->holdings ? in->nholdings : n;
    nytte_alloc_explainer *x = calloc(1, sizeof *x);
    size_t *order = malloc((n ? n : 1) * sizeof *order);
    x_key *k = malloc(((n > nh ? n : nh) ? (n > nh ? n : nh) : 1) * sizeof *k);
    int rc = NYTTE_OK;
    if (!x || !order || !k || !(x->el = calloc(r->nelements ? r->nelements : 1, sizeof *x->el))) {
        rc = nytte_nomem(ctx, "explanations of %zu parcels", n);
        goto cleanup;
    }
    x->r = r;
    x->in = in;
    /* the parcels in id order: every sum of run.c runs in it */
    for (size_t p = 0; p < n; p++)
        k[p] = (x_key){in->nelements ? in->elements[0].parcels[p].id : "", NULL, p};
    qsort(k, n, sizeof *k, by_keys);
    for (size_t j = 0; j < n; j++)
        order[j] = k[j].i;
    for (size_t e = 0; e < r->nelements; e++)
        x_element_sums(x, e, order);
    if (in->nelements && x_holdings(x, k) != NYTTE_OK) {
        rc = nytte_nomem(ctx, "explanations of %zu holdings", nh);
        goto cleanup;
    }
    *out = x;
    x = NULL;
cleanup:
    nytte_alloc_explainer_free(x);
    free(order);
    free(k);
    return rc;
}

/* ---- the table cells ----------------------------------------------------------- */

/* The owner's part of parcel p for element e (NULL: none). */
static const nytte_alloc_owner_part *x_owner_part(const nytte_alloc_result *r, const nytte_alloc_owner *ow, size_t e,
                                                  size_t p)
{
    for (size_t q = ow->part0; q < ow->part0 + ow->nparts; q++)
        if (r->parts[q].element == e && r->parts[q].parcel == p)
            return &r->parts[q];
    return NULL;
}

/* Whether parcel p has one owner holding all of it (the owner's part is the parcel's amount). */
static bool x_sole(const nytte_alloc_explainer *x, size_t p)
{
    return !x->hfirst || (x->hfirst[p + 1] - x->hfirst[p] == 1 && x->hshare[x->hfirst[p]] == 1.0 && x->hsum[p] == 1.0);
}

/* Parcel p's elements, "; " between them; with ow, the owner's part of each amount where p has co-owners. */
static void x_parcel_cell(alloc_sbuf *b, const nytte_alloc_explainer *x, size_t p, const nytte_alloc_owner *ow)
{
    const nytte_alloc_result *r = x->r;
    for (size_t e = 0; e < r->nelements; e++) {
        const nytte_alloc_line *l = &r->lines[e * r->nparcels + p];
        const char *eid = r->elements[e].id ? r->elements[e].id : "?";
        alloc_sb_printf(b, "%s%s", e ? "; " : "", eid);
        const nytte_alloc_owner_part *pt = ow ? x_owner_part(r, ow, e, p) : NULL;
        if (l->exempt == NYTTE_EXEMPT_HARMED && l->ore != 0) {
            alloc_sb_printf(b, " (harmed): ");
            alloc_xout o = {b, false, true};
            alloc_x_paid_back(&o, l);
            if (pt && !x_sole(x, p))
                alloc_x_part(&o, x, p, pt->share, l->ore, pt->ore, false);
            continue;
        }
        if (!l->in_area && !l->contributor_only) {
            alloc_sb_printf(b, ": outside");
            continue;
        }
        if (l->exempt != NYTTE_EXEMPT_NONE) {
            alloc_sb_printf(b, ": exempt, %s", nytte_alloc_exempt_reason(l->exempt));
            continue;
        }
        alloc_sb_printf(b, "%s: ", l->contributor_only ? " (as a contributor)" : "");
        alloc_xout o = {b, false, true};
        alloc_x_line(&o, x, e, p);
        if (pt && !x_sole(x, p)) {
            alloc_x_part(&o, x, p, pt->share, l->ore, pt->ore, false);
            if (r->elements[e].pool.yearly_ore > 0)
                alloc_x_part(&o, x, p, pt->share, l->yearly_ore, pt->yearly_ore, true);
        }
    }
}

int nytte_alloc_parcel_summary(char **out, const nytte_alloc_explainer *x, size_t parcel)
{
    alloc_sbuf b = {0};
    alloc_sb_printf(&b, "%s", "");
    if (parcel < x->r->nparcels)
        x_parcel_cell(&b, x, parcel, NULL);
    if (b.oom) {
        free(b.s);
        *out = NULL;
        return NYTTE_ENOMEM;
    }
    *out = b.s;
    return NYTTE_OK;
}

/* "label: a kr + b kr = t kr" over the owner's parts (yearly or not) that are not 0. */
static void x_owner_total(alloc_sbuf *b, const nytte_alloc_result *r, const nytte_alloc_owner *ow, bool yearly)
{
    char a[32];
    size_t n = 0;
    alloc_sb_printf(b, " | %s: ", yearly ? "total yearly" : "total");
    for (size_t q = ow->part0; q < ow->part0 + ow->nparts; q++) {
        int64_t v = yearly ? r->parts[q].yearly_ore : r->parts[q].ore;
        if (v != 0)
            n++;
    }
    if (n > 1)
        for (size_t q = ow->part0, i = 0; q < ow->part0 + ow->nparts; q++) {
            int64_t v = yearly ? r->parts[q].yearly_ore : r->parts[q].ore;
            if (v != 0) {
                bool first = i++ == 0; /* then a negative amount (paid back) as " − its size" */
                alloc_sb_printf(b, "%s%s kr", first ? "" : v < 0 ? " − " : " + ",
                                nytte_money_format(a, sizeof a, NULL, !first && v < 0 ? -v : v));
            }
        }
    alloc_sb_printf(b, "%s%s kr", n > 1 ? " = " : "",
                    nytte_money_format(a, sizeof a, NULL, yearly ? ow->yearly_ore : ow->total_ore));
}

int nytte_alloc_owner_summary(char **out, const nytte_alloc_explainer *x, size_t owner)
{
    const nytte_alloc_result *r = x->r;
    alloc_sbuf b = {0};
    alloc_sb_printf(&b, "%s", "");
    *out = NULL;
    if (owner >= r->nowners)
        return NYTTE_EUSAGE;
    const nytte_alloc_owner *ow = &r->owners[owner];
    size_t n = 0;
    for (size_t q = ow->part0; q < ow->part0 + ow->nparts; q++) {
        size_t p = r->parts[q].parcel;
        bool seen = false;
        for (size_t j = ow->part0; j < q && !seen; j++)
            seen = r->parts[j].parcel == p;
        if (seen)
            continue;
        char s[40];
        alloc_sb_printf(&b, "%s%s", n++ ? " | " : "", x->in->nelements ? x->in->elements[0].parcels[p].id : "?");
        if (r->parts[q].share != 1.0)
            alloc_sb_printf(&b, " (share %s)", alloc_x_num(s, sizeof s, r->parts[q].share));
        alloc_sb_printf(&b, ": ");
        x_parcel_cell(&b, x, p, ow);
    }
    x_owner_total(&b, r, ow, false);
    if (r->yearly_ore > 0)
        x_owner_total(&b, r, ow, true);
    if (b.oom) {
        free(b.s);
        return NYTTE_ENOMEM;
    }
    /* an owner without parcels: no " | " before the total */
    if (n == 0)
        memmove(b.s, b.s + 3, b.len - 2);
    *out = b.s;
    return NYTTE_OK;
}
