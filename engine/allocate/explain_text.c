/*
 * explain_text.c — `nytte explain PROJECT OWNER`: one owner's amount as the chain pool →
 * caps and rounding of each element → facts → weight → amount → øre → co-owner share →
 * total, every step a statement "label: arithmetic = result" (explain.c writes the
 * statements of a payer's line; docs/models.md, Explanation, has a worked example).
 */
#include "allocate/allocate_int.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *yn(bool v) { return v ? "yes" : "no"; }

static const char legend[] =
    "How to read this: every step reads \"what: arithmetic = result\", and redoing the arithmetic gives the\n"
    "result. Weights and their sums are printed exactly as computed. An amount marked \"…\" is cut (not\n"
    "rounded) after 6 decimals. ⌊x⌋ is x cut down to the øre; the øre that cutting every payer's amount\n"
    "leaves over go one each to the payers with the largest cut-off fractions (largest remainder, største\n"
    "rest; ties to the lower parcel id), shown as \"+ 1 øre\"; a parcel's amount is split between its co-owners\n"
    "the same way (ties to the lower owner id).\n";

/* The PV of the O&M and the deductions, each as arithmetic, then the pool they leave. */
static void text_pool(alloc_xout *o, const nytte_alloc_element *el, const nytte_alloc_element_result *er)
{
    const nytte_alloc_pool *p = &er->pool;
    const nytte_alloc_pool_spec *sp = &el->pool;
    char a[32], b[32], c[40], label[512];
    if (p->om_pv_ore) {
        int n = sp->lifetime_years;
        double r = sp->discount_rate;
        /* pool.c, nytte_alloc_pool_compute: the PV factor of payments at the end of years 1..n */
        double f = r == 0.0 ? (double)n : (1.0 - pow(1.0 + r, -(double)n)) / r;
        snprintf(label, sizeof label, "O&M present value (drift, nutidsværdi), %s kr a year for %d years at %g %%",
                 nytte_money_format(a, sizeof a, NULL, sp->om_ore_per_year), n, 100.0 * r);
        alloc_x_label(o, label, "");
        alloc_sb_printf(o->b, "%s kr × %s = %s kr (rounded to the øre)\n", a, alloc_x_num(c, sizeof c, f),
                        nytte_money_format(b, sizeof b, NULL, p->om_pv_ore));
    }
    int64_t remain = p->gross_ore;
    for (size_t i = 0; i < p->ndeductions; i++) {
        const nytte_alloc_deduction *d = &sp->deductions[i];
        if (d->is_percent) {
            snprintf(label, sizeof label, "%s (%s), a percentage of what remains", d->label ? d->label : "?",
                     nytte_alloc_deduction_kind_name(d->kind));
            alloc_x_label(o, label, "");
            alloc_sb_printf(o->b, "%s %% × %s kr = %s kr (rounded to the øre)\n", alloc_x_num(c, sizeof c, d->percent),
                            nytte_money_format(a, sizeof a, NULL, remain),
                            nytte_money_format(b, sizeof b, NULL, p->deducted_ore[i]));
        }
        remain -= p->deducted_ore[i];
    }
    alloc_sbuf lb = {0};
    alloc_sb_printf(&lb, "pool (puljen), capex (anlæg)");
    if (p->om_pv_ore)
        alloc_sb_printf(&lb, " + O&M present value");
    for (size_t i = 0; i < p->ndeductions; i++)
        alloc_sb_printf(&lb, " − %s (%s)", sp->deductions[i].label ? sp->deductions[i].label : "?",
                        nytte_alloc_deduction_kind_name(sp->deductions[i].kind));
    alloc_x_label(o, lb.oom ? "pool (puljen)" : lb.s, "");
    free(lb.s);
    if (p->om_pv_ore || p->ndeductions) {
        alloc_sb_printf(o->b, "%s kr", nytte_money_format(a, sizeof a, NULL, p->capex_ore));
        if (p->om_pv_ore)
            alloc_sb_printf(o->b, " + %s kr", nytte_money_format(a, sizeof a, NULL, p->om_pv_ore));
        for (size_t i = 0; i < p->ndeductions; i++)
            alloc_sb_printf(o->b, " − %s kr", nytte_money_format(a, sizeof a, NULL, p->deducted_ore[i]));
        alloc_sb_printf(o->b, " = ");
    }
    alloc_sb_printf(o->b, "%s kr for the owners\n", nytte_money_format(a, sizeof a, NULL, p->pool_ore));
    if (p->yearly_ore)
        alloc_sb_printf(o->b, "    yearly pool (årlig drift), O&M split every year by the same weights, without caps: %s kr\n",
                        nytte_money_format(a, sizeof a, NULL, p->yearly_ore));
}

/* How the payers held at one kind of cap read in the element's header; a new kind of cap gets a case here. */
static const char *text_cap_kind(nytte_alloc_cap c)
{
    switch (c) {
    case NYTTE_CAP_MIN:
        return "at the minimum payment";
    case NYTTE_CAP_MAX:
        return "at the maximum payment";
    case NYTTE_CAP_BENEFIT:
        return "at their benefit bounds";
    case NYTTE_CAP_NONE:
    default:
        return "at a cap";
    }
}

/* The payers held at caps: n × amount per kind when a kind's amounts are all the same, else their sum. */
static void text_caps(alloc_xout *o, const nytte_alloc_element_result *er, const alloc_x_element *xe)
{
    char a[48], label[512];
    bool same = true, first = true;
    int k0 = snprintf(label, sizeof label, "held at caps (loft),");
    for (unsigned k = 0; k < ALLOC_X_CAP_KINDS; k++)
        if (xe->nkind[k] && k0 > 0 && (size_t)k0 < sizeof label) {
            k0 += snprintf(label + k0, sizeof label - (size_t)k0, "%s %zu %s", first ? "" : " +", xe->nkind[k],
                           text_cap_kind((nytte_alloc_cap)k));
            same = same && xe->kind_same[k];
            first = false;
        }
    alloc_x_label(o, label, "");
    if (same) {
        first = true;
        for (unsigned k = 0; k < ALLOC_X_CAP_KINDS; k++)
            if (xe->nkind[k]) {
                alloc_sb_printf(o->b, "%s%zu × %s kr", first ? "" : " + ", xe->nkind[k],
                                alloc_x_money(a, sizeof a, xe->kind_first[k]));
                first = false;
            }
        alloc_sb_printf(o->b, " = ");
    }
    /* amounts that differ (benefit bounds) are each in their parcel's row of parcels.csv */
    alloc_sb_printf(o->b, "%s kr\n", alloc_x_money(a, sizeof a, xe->capped_ore));
    alloc_sb_printf(o->b, "    Σ weights of the %zu payers not held at a cap: %s\n", er->npayers - xe->ncapped,
                    alloc_x_num(a, sizeof a, xe->free_wsum));
}

/* The element's payers, what they share, its caps and its rounding: the numbers every payer's arithmetic uses. */
static void text_element(alloc_xout *o, const nytte_alloc_explainer *x, size_t e)
{
    const nytte_alloc_element_result *er = &x->r->elements[e];
    const alloc_x_element *xe = &x->el[e];
    char a[32], b[32], c[48], label[512];
    alloc_sb_printf(o->b, "    payers (bidragydere): %zu; parcels in the benefit area %zu", er->npayers, er->nin_area);
    if (er->ncontributors)
        alloc_sb_printf(o->b, ", parcels sending water (contributors) %zu", er->ncontributors);
    alloc_sb_printf(o->b, "\n    Σ weights of the payers (sum af vægte): %s\n", alloc_x_num(c, sizeof c, er->weight_sum));
    if (er->compensation_ore || er->residual_ore) {
        snprintf(label, sizeof label, "shared by the payers (fordeles), pool%s%s%s%s",
                 er->compensation_ore ? " + paid back to the harmed" : "",
                 er->residual_ore ? " − left to " : "", er->residual_ore ? (er->residual_payer ? er->residual_payer : "the residual payer") : "",
                 er->residual_ore ? " (what the payers' benefit bounds do not cover)" : "");
        alloc_x_label(o, label, "");
        alloc_sb_printf(o->b, "%s kr", nytte_money_format(a, sizeof a, NULL, er->pool.pool_ore));
        if (er->compensation_ore)
            alloc_sb_printf(o->b, " + %s kr", nytte_money_format(a, sizeof a, NULL, er->compensation_ore));
        if (er->residual_ore)
            alloc_sb_printf(o->b, " − %s kr", nytte_money_format(a, sizeof a, NULL, er->residual_ore));
        alloc_sb_printf(o->b, " = %s kr\n", nytte_money_format(a, sizeof a, NULL, xe->payable));
    }
    if (xe->ncapped)
        text_caps(o, er, xe);
    for (int y = 0; y < 2; y++) {
        int64_t pool = y ? er->pool.yearly_ore : xe->payable, cut = y ? xe->ycut : xe->cut;
        size_t nup = y ? xe->nyup : xe->nup;
        if (y && pool == 0)
            continue;
        alloc_x_label(o, y ? "rounding yearly (afrunding årligt), yearly pool − the payers' yearly amounts cut down to the øre"
                      : er->compensation_ore || er->residual_ore
                          ? "rounding (afrunding), shared by the payers − their amounts cut down to the øre"
                          : "rounding (afrunding), pool − the payers' amounts cut down to the øre", "");
        alloc_sb_printf(o->b, "%s kr − %s kr = %lld øre\n", nytte_money_format(a, sizeof a, NULL, pool),
                        nytte_money_format(b, sizeof b, NULL, cut), (long long)(pool - cut));
        /* the fraction as the amounts show it: cut after 4 decimals of an øre */
        double frac = floor((y ? xe->yup_frac : xe->up_frac) * 1e4) / 1e4;
        if (nup)
            alloc_sb_printf(o->b, "      they went one each to the %zu payer%s with the largest cut-off fractions; the smallest "
                                  "fraction given one was %.4f øre\n", nup, nup == 1 ? "" : "s", frac);
    }
}

static void text_facts(alloc_sbuf *b, const nytte_alloc_explainer *x, const nytte_alloc_parcel *f,
                       const nytte_alloc_line *l)
{
    char c[40];
    alloc_sb_printf(b, "    facts (oplysninger): built %s, buildings %d, plot flooded (grund oversvømmet) %s, "
                       "building flooded (bygning oversvømmet) %s",
                    yn(f->built), f->nbuildings, yn(f->plot_flooded), yn(f->building_flooded));
    if (f->access_road_only)
        alloc_sb_printf(b, ", access road only (kun adgangsvej)");
    if (isfinite(f->ref_level))
        alloc_sb_printf(b, ", reference level (kote) %.2f m", f->ref_level);
    alloc_sb_printf(b, ", use (anvendelse) %s, floor area (etageareal) %.2f m², plot (grund) %.2f m²",
                    nytte_use_name(f->use), f->floor_area, f->plot_area);
    if (isfinite(f->benefit)) {
        alloc_sb_printf(b, ", benefit (nytte) = ");
        alloc_x_benefit_words(b, &x->in->benefit);
        alloc_sb_printf(b, " (nutidsværdi af undgået skade) %s kr", alloc_x_num(c, sizeof c, f->benefit));
    }
    if (isfinite(f->property_value))
        alloc_sb_printf(b, ", property value (ejendomsværdi) %.0f kr", f->property_value);
    if (f->risk_zone)
        alloc_sb_printf(b, ", risk zone %d", f->risk_zone);
    if (f->flags)
        alloc_sb_printf(b, ", criteria flags 0x%x", f->flags);
    alloc_sb_printf(b, "\n");
    if (isfinite(l->contributor))
        alloc_sb_printf(b, "    contributor (bidrag til afstrømning) %s m² effective runoff area in the catchment "
                           "(area × runoff coefficient)\n", alloc_x_num(c, sizeof c, l->contributor));
}

/* One of the owner's parcels in element e: why it pays (or not), and the owner's part. */
static void text_parcel(alloc_xout *o, const nytte_alloc_explainer *x, size_t e, const nytte_alloc_owner_part *pt)
{
    const nytte_alloc_result *r = x->r;
    const nytte_alloc_parcel *f = &x->in->elements[e].parcels[pt->parcel];
    const nytte_alloc_line *l = &r->lines[e * r->nparcels + pt->parcel];
    char c[40], a[32];
    alloc_sb_printf(o->b, "  Parcel (matrikel) %s, ownership share (ejerandel) %s\n", f->id, alloc_x_num(c, sizeof c, pt->share));
    size_t h0 = x->hfirst[pt->parcel], h1 = x->hfirst[pt->parcel + 1];
    bool sole = h1 - h0 == 1 && x->hshare[h0] == 1.0 && x->hsum[pt->parcel] == 1.0;
    if (l->exempt == NYTTE_EXEMPT_HARMED && l->ore != 0) {
        alloc_sb_printf(o->b, "    harmed (skadet): the element raises the expected damage of the parcel; it is paid its loss "
                              "back out of the pool (allocation.compensate_harmed)\n");
        text_facts(o->b, x, f, l);
        alloc_x_paid_back(o, l);
        if (!sole) {
            alloc_x_part(o, x, pt->parcel, pt->share, l->ore, pt->ore, false);
        } else {
            alloc_x_label(o, "paid back to you (tilbagebetales til dig), the whole parcel being yours", "");
            alloc_sb_printf(o->b, "%s kr\n", nytte_money_format(a, sizeof a, NULL, -pt->ore));
        }
        return;
    }
    if (!l->in_area && !l->contributor_only) {
        alloc_sb_printf(o->b, "    not in the benefit area (uden for nytteområdet): pays nothing for this element\n");
        return;
    }
    if (l->contributor_only)
        alloc_sb_printf(o->b, "    outside the benefit area but inside the catchment of the protected area "
                              "(i oplandet): pays as a contributor, whose land sends the water (bidragyder)\n");
    else
        alloc_sb_printf(o->b, "    in the benefit area (i nytteområdet)\n");
    text_facts(o->b, x, f, l);
    if (l->benefit_exempt != NYTTE_EXEMPT_NONE && l->exempt == NYTTE_EXEMPT_NONE)
        alloc_sb_printf(o->b, "    benefit part exempt (fritaget for nyttedelen): %s; pays the contributor part only\n",
                        nytte_alloc_exempt_reason(l->benefit_exempt));
    if (l->exempt != NYTTE_EXEMPT_NONE) {
        alloc_sb_printf(o->b, "    weight (vægt) %s, exempt (fritaget): %s\n", alloc_x_num(c, sizeof c, l->weight),
                        nytte_alloc_exempt_reason(l->exempt));
        return;
    }
    alloc_x_line(o, x, e, pt->parcel);
    if (sole) {
        alloc_x_label(o, "you pay (du betaler), the whole parcel being yours", "");
        alloc_sb_printf(o->b, "%s kr\n", nytte_money_format(a, sizeof a, NULL, pt->ore));
        if (r->elements[e].pool.yearly_ore > 0) {
            alloc_x_label(o, "you pay yearly (du betaler årligt), the whole parcel being yours", "");
            alloc_sb_printf(o->b, "%s kr\n", nytte_money_format(a, sizeof a, NULL, pt->yearly_ore));
        }
        return;
    }
    alloc_x_part(o, x, pt->parcel, pt->share, l->ore, pt->ore, false);
    if (r->elements[e].pool.yearly_ore > 0)
        alloc_x_part(o, x, pt->parcel, pt->share, l->yearly_ore, pt->yearly_ore, true);
}

/*
 * Ids in the order people read them: runs of digits compare as numbers, so parcel 8 comes
 * before 10 and 10a before 70 (strcmp, which the arithmetic uses for its ties, puts 10
 * before 8). Equal as numbers ("08", "8"): by strcmp, so the order is total.
 */
static int natural_cmp(const char *a, const char *b)
{
    const char *x = a, *y = b;
    while (*x && *y) {
        if (isdigit((unsigned char)*x) && isdigit((unsigned char)*y)) {
            while (*x == '0' && isdigit((unsigned char)x[1]))
                x++;
            while (*y == '0' && isdigit((unsigned char)y[1]))
                y++;
            size_t nx = strspn(x, "0123456789"), ny = strspn(y, "0123456789");
            if (nx != ny)
                return nx < ny ? -1 : 1;
            int c = strncmp(x, y, nx);
            if (c)
                return c;
            x += nx, y += ny;
        } else {
            if (*x != *y)
                return (unsigned char)*x < (unsigned char)*y ? -1 : 1;
            x++, y++;
        }
    }
    if (*x || *y)
        return *x ? 1 : -1;
    return strcmp(a, b);
}

/* A part of the owner as shown: by element, then parcel id in natural order. */
typedef struct shown_part {
    size_t element;
    const char *parcel;
    size_t q; /* index into the result's parts */
} shown_part;

static int by_shown(const void *pa, const void *pb)
{
    const shown_part *a = pa, *b = pb;
    if (a->element != b->element)
        return a->element < b->element ? -1 : 1;
    return natural_cmp(a->parcel, b->parcel);
}

/* "label: a kr + b kr = t kr" over the owner's parts of element e (every element: e = SIZE_MAX) that are not 0. */
static void text_sum(alloc_sbuf *b, const nytte_alloc_result *r, const size_t *shown, size_t nshown, size_t e,
                     bool yearly, const char *label, int64_t total)
{
    char a[32];
    size_t n = 0;
    alloc_sb_printf(b, "%s: ", label);
    for (int pass = 0; pass < 2; pass++)
        for (size_t k = 0, i = 0; k < nshown; k++) {
            size_t q = shown[k];
            int64_t v = yearly ? r->parts[q].yearly_ore : r->parts[q].ore;
            if (v == 0 || (e != SIZE_MAX && r->parts[q].element != e))
                continue;
            if (pass == 0)
                n++;
            else if (n > 1) {
                bool first = i++ == 0; /* then a negative amount (paid back) as " − its size" */
                alloc_sb_printf(b, "%s%s kr", first ? "" : v < 0 ? " − " : " + ",
                                nytte_money_format(a, sizeof a, NULL, !first && v < 0 ? -v : v));
            }
        }
    alloc_sb_printf(b, "%s%s kr\n", n > 1 ? " = " : "", nytte_money_format(a, sizeof a, NULL, total));
}

int nytte_alloc_explain_owner(nytte_ctx *ctx, char **out, const nytte_alloc_result *r, const nytte_alloc_input *in,
                              const char *owner_id)
{
    *out = NULL;
    long oi = nytte_alloc_find_owner(r, owner_id);
    if (oi < 0)
        return nytte_error(ctx, NYTTE_EUSAGE, "owner %s: not found", owner_id);
    nytte_alloc_explainer *x = NULL;
    int rc = nytte_alloc_explainer_new(ctx, &x, r, in);
    if (rc)
        return rc;
    const nytte_alloc_owner *ow = &r->owners[oi];
    size_t *shown = malloc((ow->nparts ? ow->nparts : 1) * sizeof *shown);
    if (!shown) {
        nytte_alloc_explainer_free(x);
        return nytte_nomem(ctx, "owner %s: the explanation", owner_id);
    }
    shown_part *sp = malloc((ow->nparts ? ow->nparts : 1) * sizeof *sp);
    if (!sp) {
        free(shown);
        nytte_alloc_explainer_free(x);
        return nytte_nomem(ctx, "owner %s: the explanation", owner_id);
    }
    for (size_t k = 0; k < ow->nparts; k++) {
        const nytte_alloc_owner_part *pt = &r->parts[ow->part0 + k];
        sp[k] = (shown_part){pt->element, in->nelements ? in->elements[0].parcels[pt->parcel].id : "", ow->part0 + k};
    }
    qsort(sp, ow->nparts, sizeof *sp, by_shown);
    for (size_t k = 0; k < ow->nparts; k++)
        shown[k] = sp[k].q;
    free(sp);
    alloc_sbuf b = {0};
    alloc_xout o = {&b, true, true};
    char a[32];
    alloc_sb_printf(&b, "Owner (ejer) %s\n", ow->id);
    alloc_sb_printf(&b, "Total contribution (bidrag i alt): %s kr\n", nytte_money_format(a, sizeof a, NULL, ow->total_ore));
    if (r->yearly_ore)
        alloc_sb_printf(&b, "Yearly O&M (drift pr. år): %s kr\n", nytte_money_format(a, sizeof a, NULL, ow->yearly_ore));
    if (isfinite(ow->value_kr))
        alloc_sb_printf(&b, "Property value, owner's share (ejendomsværdi): %.0f kr\n", ow->value_kr);
    alloc_sb_printf(&b, "\n%s", legend);
    for (size_t e = 0; e < r->nelements; e++) {
        const nytte_alloc_element_result *er = &r->elements[e];
        alloc_sb_printf(&b, "\nElement (delprojekt) %s — model %s\n", er->id ? er->id : "?", nytte_alloc_model_name(er->model));
        text_pool(&o, &in->elements[e], er);
        text_element(&o, x, e);
        for (size_t k = 0; k < ow->nparts; k++)
            if (r->parts[shown[k]].element == e)
                text_parcel(&o, x, e, &r->parts[shown[k]]);
        int64_t et = 0, ey = 0;
        for (size_t q = ow->part0; q < ow->part0 + ow->nparts; q++)
            if (r->parts[q].element == e) {
                et += r->parts[q].ore;
                ey += r->parts[q].yearly_ore;
            }
        text_sum(&b, r, shown, ow->nparts, e, false, "  Element sum (i alt for delprojektet)", et);
        if (er->pool.yearly_ore > 0)
            text_sum(&b, r, shown, ow->nparts, e, true, "  Element sum yearly (i alt årligt for delprojektet)", ey);
    }
    alloc_sb_printf(&b, "\n");
    text_sum(&b, r, shown, ow->nparts, SIZE_MAX, false, "Total (i alt), what you pay", ow->total_ore);
    if (r->yearly_ore)
        text_sum(&b, r, shown, ow->nparts, SIZE_MAX, true, "Total yearly (i alt årligt), what you pay yearly",
                 ow->yearly_ore);
    free(shown);
    nytte_alloc_explainer_free(x);
    if (b.oom) {
        free(b.s);
        return nytte_nomem(ctx, "owner %s: the explanation", owner_id);
    }
    *out = b.s;
    return NYTTE_OK;
}
