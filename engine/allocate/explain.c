/*
 * explain.c — why an owner pays what they pay: the chain pool → facts → weight → share →
 * cap → exact amount → øre → co-owner share → total, as text for `nytte explain`, and a
 * one-line summary per parcel for a table column. Owner names never appear (ids only).
 */
#include "allocate/allocate_int.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    char *s;
    size_t len, cap;
    bool oom;
} sbuf;

static void sb_printf(sbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void sb_printf(sbuf *b, const char *fmt, ...)
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

static const char *yn(bool v) { return v ? "yes" : "no"; }

static void explain_pool(sbuf *b, const nytte_alloc_element *el, const nytte_alloc_element_result *er)
{
    char a[32];
    const nytte_alloc_pool *p = &er->pool;
    sb_printf(b, "  pool (puljen): capex (anlæg) %s kr", nytte_money_format(a, sizeof a, NULL, p->capex_ore));
    if (p->om_pv_ore)
        sb_printf(b, " + O&M present value (drift, nutidsværdi) %s kr", nytte_money_format(a, sizeof a, NULL, p->om_pv_ore));
    for (size_t i = 0; i < p->ndeductions; i++) {
        const nytte_alloc_deduction *d = &el->pool.deductions[i];
        sb_printf(b, " − %s (%s", d->label ? d->label : "?", nytte_alloc_deduction_kind_name(d->kind));
        if (d->is_percent)
            sb_printf(b, ", %g %% of what remains", d->percent);
        sb_printf(b, ") %s kr", nytte_money_format(a, sizeof a, NULL, p->deducted_ore[i]));
    }
    sb_printf(b, " = %s kr for the owners", nytte_money_format(a, sizeof a, NULL, p->pool_ore));
    if (p->yearly_ore)
        sb_printf(b, "; yearly O&M (drift pr. år) %s kr", nytte_money_format(a, sizeof a, NULL, p->yearly_ore));
    sb_printf(b, "\n  payers (bidragydere) %zu of %zu parcels in the area\n", er->npayers, er->nin_area);
}

static void explain_facts(sbuf *b, const nytte_alloc_parcel *f, const nytte_alloc_line *l)
{
    sb_printf(b, "    facts (oplysninger): built %s, buildings %d, plot flooded (grund oversvømmet) %s, "
                 "building flooded (bygning oversvømmet) %s",
              yn(f->built), f->nbuildings, yn(f->plot_flooded), yn(f->building_flooded));
    if (f->access_road_only)
        sb_printf(b, ", access road only (kun adgangsvej)");
    if (isfinite(f->ref_level))
        sb_printf(b, ", reference level (kote) %.2f m", f->ref_level);
    sb_printf(b, ", use (anvendelse) %s, floor area (etageareal) %.0f m², plot (grund) %.0f m²",
              nytte_use_name(f->use), f->floor_area, f->plot_area);
    if (isfinite(f->benefit))
        sb_printf(b, ", benefit (nytte) %.2f kr", f->benefit);
    if (isfinite(f->property_value))
        sb_printf(b, ", property value (ejendomsværdi) %.0f kr", f->property_value);
    if (f->risk_zone)
        sb_printf(b, ", risk zone %d", f->risk_zone);
    if (f->flags)
        sb_printf(b, ", criteria flags 0x%x", f->flags);
    sb_printf(b, "\n");
    if (!isnan(l->parts))
        sb_printf(b, "    parts (parter): %g\n", l->parts);
    if (!isnan(l->band_factor)) {
        if (l->band >= 0)
            sb_printf(b, "    zone (zone): band %d factor %g × use factor %g × area %g m²\n", l->band + 1, l->band_factor,
                      l->use_factor, l->area_used);
        else
            sb_printf(b, "    zone (zone): above every band (no flood risk)\n");
    }
    if (!isnan(l->levy_permille))
        sb_printf(b, "    levy rate (promille): %g ‰ of property value\n", l->levy_permille);
}

int nytte_alloc_explain_owner(nytte_ctx *ctx, char **out, const nytte_alloc_result *r, const nytte_alloc_input *in,
                              const char *owner_id)
{
    *out = NULL;
    long oi = nytte_alloc_find_owner(r, owner_id);
    if (oi < 0)
        return nytte_error(ctx, NYTTE_EUSAGE, "owner %s: not found", owner_id);
    const nytte_alloc_owner *ow = &r->owners[oi];
    sbuf b = {0};
    char a[32], c[32];
    sb_printf(&b, "Owner (ejer) %s\n", ow->id);
    sb_printf(&b, "Total contribution (bidrag i alt): %s kr\n", nytte_money_format(a, sizeof a, NULL, ow->total_ore));
    if (r->yearly_ore)
        sb_printf(&b, "Yearly O&M (drift pr. år): %s kr\n", nytte_money_format(a, sizeof a, NULL, ow->yearly_ore));
    if (isfinite(ow->value_kr))
        sb_printf(&b, "Property value, owner's share (ejendomsværdi): %.0f kr\n", ow->value_kr);
    for (size_t e = 0; e < r->nelements; e++) {
        const nytte_alloc_element_result *er = &r->elements[e];
        const nytte_alloc_element *el = &in->elements[e];
        int64_t etotal = 0;
        sb_printf(&b, "\nElement (delprojekt) %s — model %s\n", er->id ? er->id : "?", nytte_alloc_model_name(er->model));
        explain_pool(&b, el, er);
        for (size_t q = ow->part0; q < ow->part0 + ow->nparts; q++) {
            const nytte_alloc_owner_part *pt = &r->parts[q];
            if (pt->element != e)
                continue;
            const nytte_alloc_parcel *f = &el->parcels[pt->parcel];
            const nytte_alloc_line *l = &r->lines[e * r->nparcels + pt->parcel];
            sb_printf(&b, "  Parcel (matrikel) %s, ownership share (ejerandel) %g %%\n", f->id, 100.0 * pt->share);
            if (!l->in_area && !l->contributor_only) {
                sb_printf(&b, "    not in the benefit area (uden for nytteområdet): pays nothing for this element\n");
                continue;
            }
            if (l->contributor_only)
                sb_printf(&b, "    outside the benefit area but inside the catchment of the protected area "
                              "(i oplandet): pays as a contributor, whose land sends the water (bidragyder)\n");
            else
                sb_printf(&b, "    in the benefit area (i nytteområdet)\n");
            explain_facts(&b, f, l);
            if (isfinite(l->contributor))
                sb_printf(&b, "    contributor (bidrag til afstrømning): %.2f m² effective runoff area in the catchment "
                              "(area × runoff coefficient)\n", l->contributor);
            if (l->benefit_exempt != NYTTE_EXEMPT_NONE && l->exempt == NYTTE_EXEMPT_NONE)
                sb_printf(&b, "    benefit part exempt (fritaget for nyttedelen): %s; pays the contributor part only\n",
                          nytte_alloc_exempt_reason(l->benefit_exempt));
            if (l->exempt != NYTTE_EXEMPT_NONE) {
                sb_printf(&b, "    weight (vægt) %g\n    exempt (fritaget): %s\n", l->weight,
                          nytte_alloc_exempt_reason(l->exempt));
                continue;
            }
            const nytte_alloc_config *cfg = el->config ? el->config : in->config;
            nytte_alloc_model mm[NYTTE_ALLOC_MAX_MIX];
            double mf[NYTTE_ALLOC_MAX_MIX];
            size_t nmix = cfg ? alloc_mix_components(cfg, mm, mf) : 0;
            for (size_t k = 0; k < nmix; k++) {
                nytte_alloc_line tmp = *l;
                double wk = 0.0;
                /* as in run.c: benefit-side parts count only in the benefit area without a benefit exemption */
                if (mm[k] == NYTTE_ALLOC_CONTRIBUTOR || (l->in_area && l->benefit_exempt == NYTTE_EXEMPT_NONE))
                    alloc_model_weight(NULL, &wk, &tmp, mm[k], cfg, f, er->id);
                sb_printf(&b, "    %s part %zu: %g × %s weight %g / %g (sum over the area)\n",
                          nytte_alloc_model_name(er->model), k + 1, mf[k], nytte_alloc_model_name(mm[k]), wk,
                          er->mix_sum[k]);
            }
            sb_printf(&b, "    weight (vægt) %g of total %g → share of the pool (andel) %.6f %%\n", l->weight,
                      er->weight_sum, 100.0 * l->share);
            if (l->cap == NYTTE_CAP_MIN)
                sb_printf(&b, "    minimum payment applies (minimumsbidrag)\n");
            else if (l->cap == NYTTE_CAP_MAX)
                sb_printf(&b, "    maximum payment applies (maksimumsbidrag); the rest is spread over the others\n");
            sb_printf(&b, "    exact amount (præcist beløb) %.6f kr → rounded to the øre (afrundet) %s kr\n", l->exact_kr,
                      nytte_money_format(a, sizeof a, NULL, l->ore));
            sb_printf(&b, "    your part (din andel) %g %% → %s kr", 100.0 * pt->share,
                      nytte_money_format(c, sizeof c, NULL, pt->ore));
            if (l->yearly_ore)
                sb_printf(&b, ", yearly O&M %s kr", nytte_money_format(a, sizeof a, NULL, pt->yearly_ore));
            sb_printf(&b, "\n");
            etotal += pt->ore;
        }
        sb_printf(&b, "  Element total (i alt for delprojektet): %s kr\n", nytte_money_format(a, sizeof a, NULL, etotal));
    }
    sb_printf(&b, "\nTotal (i alt): %s kr\n", nytte_money_format(a, sizeof a, NULL, ow->total_ore));
    if (b.oom) {
        free(b.s);
        return nytte_nomem(ctx, "owner %s: the explanation", owner_id);
    }
    *out = b.s;
    return NYTTE_OK;
}

int nytte_alloc_parcel_summary(char *buf, size_t size, const nytte_alloc_result *r, size_t parcel)
{
    size_t used = 0;
    int need = 0;
    char a[32];
    if (size)
        buf[0] = '\0';
    for (size_t e = 0; e < r->nelements && parcel < r->nparcels; e++) {
        const nytte_alloc_line *l = &r->lines[e * r->nparcels + parcel];
        const nytte_alloc_element_result *er = &r->elements[e];
        char part[160];
        int k;
        const char *sep = e ? "; " : "";
        if (!l->in_area && !l->contributor_only)
            k = snprintf(part, sizeof part, "%s%s: outside", sep, er->id ? er->id : "?");
        else if (l->exempt != NYTTE_EXEMPT_NONE)
            k = snprintf(part, sizeof part, "%s%s: exempt, %s", sep, er->id ? er->id : "?",
                         nytte_alloc_exempt_reason(l->exempt));
        else
            k = snprintf(part, sizeof part, "%s%s: %s %g (%.4f %%)%s = %s kr", sep, er->id ? er->id : "?",
                         isnan(l->parts) ? "weight" : "parts", isnan(l->parts) ? l->weight : l->parts,
                         100.0 * l->share, l->cap == NYTTE_CAP_MIN ? " [min]" : l->cap == NYTTE_CAP_MAX ? " [max]" : "",
                         nytte_money_format(a, sizeof a, NULL, l->ore));
        if (k < 0)
            continue;
        need += k;
        if (size && used + 1 < size) {
            size_t room = size - 1 - used, len = strlen(part);
            if (len > room)
                len = room;
            memcpy(buf + used, part, len);
            used += len;
            buf[used] = '\0';
        }
    }
    return need;
}
