/*
 * safeguards.c — what report.html says about the safeguards (docs/models.md): the
 * findings box on the first screen, the same lines the run printed, and a section per
 * element with its benefit-cost ratio, its payers' benefit against what they pay, the
 * payers above their own benefit (or held at it), the residual, and the harmed parcels,
 * each listed in full under a fold.
 */
#include "report/report_int.h"

#include <math.h>

/* A ratio with a decimal comma, "–" when unknown. */
static void ratio(sbuf *b, double v)
{
    char buf[48];
    if (v != v) {
        sb_add(b, "–");
        return;
    }
    snprintf(buf, sizeof buf, v < 100 ? "%.2f" : "%.0f", v);
    for (char *p = buf; *p; p++)
        if (*p == '.')
            *p = ',';
    sb_add(b, buf);
}

void report_html_findings(sbuf *b, const nytte_report_data *d)
{
    if (!d->nfindings)
        return;
    sb_printf(b, "<section class=\"findings\" id=\"findings\">\n<h2>%zu finding%s to settle before the hearing</h2>\n<ul>\n",
              d->nfindings, d->nfindings == 1 ? "" : "s");
    for (size_t i = 0; i < d->nfindings; i++)
        sb_xmlf(b, "<li>%s</li>\n", d->findings[i]);
    sb_add(b, "</ul>\n<p class=\"note\">The same lines are in manifest.json (findings). "
              "See <a href=\"#safeguards\">Benefit and harm per element</a>.</p>\n</section>\n");
}

/* The table of the elements: economics, the payers' benefit and charge, the bound, the harmed. */
static void element_table(sbuf *b, const nytte_report_data *d)
{
    const nytte_alloc_result *r = d->alloc;
    sb_add(b, "<table>\n<thead><tr><th>Element</th><th class=\"n\">Benefit-cost ratio</th>"
              "<th class=\"n\">Payers' benefit (PV)</th><th class=\"n\">Payers pay</th>"
              "<th class=\"n\">Above their benefit</th><th class=\"n\">Largest ratio</th>"
              "<th class=\"n\">Residual</th><th class=\"n\">Harmed</th><th class=\"n\">Extra damage a year</th>"
              "</tr></thead>\n<tbody>\n");
    for (size_t e = 0; e < r->nelements; e++) {
        const nytte_alloc_element_result *er = &r->elements[e];
        sb_xmlf(b, "<tr><td>%s</td><td class=\"n\">", er->id);
        ratio(b, d->element_pv ? d->element_pv[e].bcr : NAN);
        sb_add(b, "</td><td class=\"n\">");
        report_money_kr(b, er->payers_benefit_kr);
        sb_add(b, "</td><td class=\"n\">");
        report_money(b, er->payers_ore);
        if (er->benefit_cap == NYTTE_BENEFIT_CAP_CAP)
            sb_printf(b, "</td><td class=\"n\">0 (%zu held at it)", er->ncap_benefit);
        else if (er->benefit_cap == NYTTE_BENEFIT_CAP_WARN)
            sb_printf(b, "</td><td class=\"n\">%zu of %zu", er->nover_benefit, er->npayers);
        else
            sb_add(b, "</td><td class=\"n\">not checked");
        sb_add(b, "</td><td class=\"n\">");
        ratio(b, er->max_ratio);
        sb_add(b, "</td><td class=\"n\">");
        report_money(b, er->residual_ore);
        sb_printf(b, "</td><td class=\"n\">%zu</td><td class=\"n\">", er->nharmed);
        report_money_kr(b, er->harmed_ead_kr);
        sb_add(b, "</td></tr>\n");
    }
    sb_add(b, "</tbody>\n</table>\n");
}

/* The payers above their bound (warn) or held at it (cap), every element, in parcel id order. */
static void bound_list(sbuf *b, const nytte_report_data *d)
{
    const nytte_alloc_result *r = d->alloc;
    size_t np = r->nparcels, n = 0;
    for (size_t e = 0; e < r->nelements; e++)
        n += r->elements[e].nover_benefit + r->elements[e].ncap_benefit;
    if (!n)
        return;
    sb_printf(b, "<details><summary>%zu payment%s above or at the payer's benefit</summary>\n<table>\n<thead><tr>"
                 "<th>Parcel</th><th>Element</th><th class=\"n\">Pays</th><th class=\"n\">Benefit (PV)</th>"
                 "<th class=\"n\">Ratio</th><th>Bound</th></tr></thead>\n<tbody>\n",
              n, n == 1 ? "" : "s");
    for (size_t e = 0; e < r->nelements; e++)
        for (size_t i = 0; i < np; i++) {
            const nytte_alloc_line *l = &r->lines[e * np + i];
            if (!l->over_benefit && l->cap != NYTTE_CAP_BENEFIT)
                continue;
            sb_xmlf(b, "<tr><td>%s</td><td>%s</td><td class=\"n\">", d->inputs->parcels[i].id, r->elements[e].id);
            report_money(b, l->ore);
            sb_add(b, "</td><td class=\"n\">");
            report_money_kr(b, l->benefit > 0 ? l->benefit : 0.0);
            sb_add(b, "</td><td class=\"n\">");
            ratio(b, l->benefit_ratio);
            sb_add(b, l->cap == NYTTE_CAP_BENEFIT ? "</td><td>held at its benefit</td></tr>\n"
                                                  : "</td><td>above its benefit</td></tr>\n");
        }
    sb_add(b, "</tbody>\n</table>\n</details>\n");
}

/* The harmed parcels: extra damage, PV loss, what they are paid back. */
static void harmed_list(sbuf *b, const nytte_report_data *d)
{
    const nytte_alloc_result *r = d->alloc;
    size_t np = r->nparcels, n = 0;
    for (size_t e = 0; e < r->nelements; e++)
        n += r->elements[e].nharmed;
    if (!n) {
        sb_add(b, "<p>No parcel is harmed: no element raises any building's expected damage.</p>\n");
        return;
    }
    sb_printf(b, "<h3 id=\"harmed\">Harmed parcels</h3>\n<p>%zu time%s an element raises a parcel's expected "
                 "damage (water moved onto it). Their loss is shown as it is computed, never set to zero.</p>\n"
                 "<table>\n<thead><tr><th>Parcel</th><th>Element</th><th class=\"n\">Loss (PV)</th>"
                 "<th class=\"n\">Paid back</th></tr></thead>\n<tbody>\n",
              n, n == 1 ? "" : "s");
    for (size_t e = 0; e < r->nelements; e++)
        for (size_t i = 0; i < np; i++) {
            const nytte_alloc_line *l = &r->lines[e * np + i];
            if (!l->harmed)
                continue;
            sb_xmlf(b, "<tr><td>%s</td><td>%s</td><td class=\"n\">", d->inputs->parcels[i].id, r->elements[e].id);
            report_money_kr(b, -l->benefit);
            sb_add(b, "</td><td class=\"n\">");
            report_money(b, l->ore < 0 ? -l->ore : 0);
            sb_add(b, "</td></tr>\n");
        }
    sb_add(b, "</tbody>\n</table>\n");
}

void report_html_safeguards(sbuf *b, const nytte_report_data *d)
{
    const nytte_alloc_rules *rules = &d->project->alloc.rules;
    sb_add(b, "<h2 id=\"safeguards\">Benefit and harm per element</h2>\n<p class=\"note\">A payer's benefit is the "
              "present value of the flood damage the element avoids on its parcel. ");
    char mult[32] = "";
    if (rules->benefit_multiple != 1.0)
        snprintf(mult, sizeof mult, "%g × ", rules->benefit_multiple);
    if (rules->benefit_cap == NYTTE_BENEFIT_CAP_CAP)
        sb_xmlf(b, "The benefit cap holds every payer to %sits benefit; what they cannot cover is paid by %s.", mult,
                rules->residual_payer ? rules->residual_payer : "the residual payer");
    else if (rules->benefit_cap == NYTTE_BENEFIT_CAP_WARN)
        sb_add(b, "Payers above their benefit are counted and listed (allocation.benefit_cap: warn); "
                  "allocation.benefit_cap: cap would hold them to it.");
    else
        sb_add(b, "The benefit safeguard is off (allocation.benefit_cap: off).");
    sb_add(b, "</p>\n");
    element_table(b, d);
    bound_list(b, d);
    harmed_list(b, d);
}
