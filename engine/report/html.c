/*
 * html.c — report.html: one self-contained page for the council and the hearing (no
 * network: inline CSS, inline SVG drawn here from the geometries, a little inline
 * JavaScript over an embedded JSON table for the owner lookup). Sections: the
 * safeguards' findings (first), summary, costs and deductions per element, benefit and
 * harm per element (safeguards.c), the model in words, a map of payments with the
 * flooded parcels outlined, a histogram of payments, the model comparison, how sure the
 * amounts are and the climate horizons (uncertainty.c, when the run has them), and the
 * lookup of any owner's amount and its explanation. Owner names are in it: it is the
 * hearing document.
 */
#include "report/report_int.h"

#include "nytte/io.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Amounts in the page: 1234567.80 kr → "1 234 567,80 kr", Danish grouping and decimal comma,
 * non-breaking spaces, a true minus sign. */
const nytte_money_style report_html_kr = {',', "&#160;", "−", "&#160;kr"};
/* Amounts in the owner lookup's JSON (shown as text by the script): "1234567,80 kr". */
static const nytte_money_style lookup_kr = {',', "", "-", " kr"};

void report_money(sbuf *b, int64_t ore)
{
    char buf[96];
    sb_add(b, nytte_money_format(buf, sizeof buf, &report_html_kr, ore));
}

void report_money_kr(sbuf *b, double kr)
{
    int64_t ore;
    if (nytte_alloc_kr_to_ore(kr, &ore) != NYTTE_OK)
        sb_add(b, "–");
    else
        report_money(b, ore);
}

/* "s" for any count but one: "1 owner", "2 owners". */
static const char *s_(size_t n) { return n == 1 ? "" : "s"; }

static void row2(sbuf *b, const char *label, const char *value)
{
    sb_xmlf(b, "<tr><th>%s</th><td>%s</td></tr>\n", label, value);
}

/* Readable from a phone (390 px) to a wide screen: a table wider than the page scrolls
 * sideways inside its own box (display:block, as wide as its content up to the page),
 * pictures shrink to the page, long words break; nothing widens the page itself
 * (tests/outputs.sh measures it in Chromium at 1280 and 390 px). */
static const char css[] =
    "body{font-family:system-ui,-apple-system,'Segoe UI',Roboto,Arial,sans-serif;margin:0;color:#222;background:#fafafa;"
    "overflow-wrap:break-word}"
    "main{max-width:1232px;margin:0 auto;padding:16px 24px 48px}"
    "h1{font-size:1.6em;margin:.4em 0}h2{font-size:1.25em;margin-top:1.8em;border-bottom:2px solid #3182bd;"
    "padding-bottom:4px}"
    "table{border-collapse:collapse;margin:.6em 0;background:#fff;font-size:.92em;display:block;width:max-content;"
    "max-width:100%;overflow-x:auto}th,td{border:1px solid #ccc;padding:4px 8px;"
    "text-align:left;vertical-align:top}td.n,th.n{text-align:right;white-space:nowrap}thead th.n,td.n .note{white-space:normal}"
    "table.kv th{background:#f0f4f8;font-weight:600}thead th{background:#dbe7f3}"
    ".note{color:#555;font-size:.9em}.legend span{display:inline-block;margin-right:14px;font-size:.9em}"
    ".sw{display:inline-block;width:14px;height:14px;border:1px solid #888;vertical-align:middle;margin-right:4px}"
    "svg{background:#fff;border:1px solid #ccc;max-width:100%;height:auto;box-sizing:border-box}"
    "#q{font-size:1.05em;padding:6px;width:320px;max-width:100%;box-sizing:border-box}#hits td{font-size:.92em}"
    "tr.chosen td{font-weight:600;background:#fff8dc}"
    ".findings{border-left:4px solid #d95f0e;background:#fff5eb;padding:4px 16px;margin:1em 0}"
    ".findings h2{border:0;margin-top:.4em}.findings li{margin:.3em 0}"
    "@media (max-width:640px){main{padding:8px 12px 32px}h1{font-size:1.35em}table{font-size:.85em}"
    ".findings{padding:2px 10px}.findings ul{padding-left:1.2em}}";

static const char js[] =
    "(function(){\n"
    "var data=JSON.parse(document.getElementById('owners-data').textContent);\n"
    "var q=document.getElementById('q'),out=document.getElementById('hits'),info=document.getElementById('hitinfo');\n"
    "function td(tr,t,c){var e=document.createElement('td');e.textContent=t;if(c)e.className=c;tr.appendChild(e);}\n"
    "function show(){var s=q.value.trim().toLowerCase();while(out.firstChild)out.removeChild(out.firstChild);\n"
    " if(s.length<2){info.textContent='Type at least 2 characters of a name, owner id or parcel id.';return;}\n"
    " var n=0;for(var i=0;i<data.length;i++){var o=data[i];\n"
    "  if((o.id+' '+o.name+' '+o.parcels).toLowerCase().indexOf(s)<0)continue;\n"
    "  if(++n>50)continue;var tr=document.createElement('tr');\n"
    "  td(tr,o.id);td(tr,o.name);td(tr,o.parcels);td(tr,o.amount,'n');td(tr,o.payment,'n');td(tr,o.yearly,'n');"
    "td(tr,o.explanation);out.appendChild(tr);}\n"
    " info.textContent=n+' owner'+(n==1?'':'s')+' found'+(n>50?' (the first 50 shown)':'')+'.';}\n"
    "q.addEventListener('input',show);show();\n"
    "})();\n";

/* ---- the map ------------------------------------------------------------------- */

static void path_of(sbuf *b, const nytte_geom *g, double x0, double y1)
{
    for (size_t r = 0; r < g->nparts; r++) {
        for (size_t k = g->off[r]; k < g->off[r + 1]; k++)
            sb_printf(b, "%s%.1f %.1f", k == g->off[r] ? "M" : "L", g->xy[2 * k] - x0, y1 - g->xy[2 * k + 1]);
        if (g->kind == NYTTE_GEOM_POLYGON)
            sb_add(b, "Z");
    }
}


/* Every measure over the parcels: its lines (polygons by their outline, points as dots),
 * and its name at the middle vertex of its first feature. */
static void map_measures(sbuf *b, const nytte_report_data *d, const nytte_vlayer *ls, double x0, double y1, double sw,
                         double w, double h)
{
    const nytte_project *p = d->project;
    for (size_t m = 0; ls && m < p->nmeasures; m++) {
        const char *c = report_measure_colors[m % REPORT_NMEASURE_COLORS];
        sb_printf(b, "<g fill=\"none\" stroke=\"%s\" stroke-width=\"%.2f\" stroke-linecap=\"round\" "
                     "stroke-linejoin=\"round\">\n",
                  c, sw * 3.5);
        for (size_t f = 0; f < ls[m].nfeatures; f++) {
            const nytte_geom *g = &ls[m].features[f].geom;
            if (g->kind == NYTTE_GEOM_POINT) {
                for (size_t k = 0; k < g->off[g->nparts]; k++)
                    sb_printf(b, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"%.2f\" fill=\"%s\"/>\n", g->xy[2 * k] - x0,
                              y1 - g->xy[2 * k + 1], sw * 4, c);
                continue;
            }
            sb_add(b, "<path d=\"");
            path_of(b, g, x0, y1);
            sb_xmlf(b, "\"><title>%s</title></path>\n", p->measures[m].name ? p->measures[m].name : p->measures[m].id);
        }
        sb_add(b, "</g>\n");
        if (ls[m].nfeatures && ls[m].features[0].geom.off[ls[m].features[0].geom.nparts] > 0) {
            const nytte_geom *g = &ls[m].features[0].geom;
            size_t mid = g->off[g->nparts] / 2;
            /* the name toward the middle of the map, so that it stays inside it */
            double x = g->xy[2 * mid] - x0, y = y1 - g->xy[2 * mid + 1];
            bool right = x > 0.5 * w;
            sb_printf(b, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"%.1f\" fill=\"%s\" stroke=\"#fff\" "
                         "stroke-width=\"%.2f\" paint-order=\"stroke\" font-weight=\"600\" text-anchor=\"%s\">",
                      right ? x - sw * 8 : x + sw * 8, y < 0.05 * h ? y + h * 0.04 : y - sw * 6, h * 0.026, c,
                      h * 0.006, right ? "end" : "start");
            sb_xml(b, p->measures[m].name ? p->measures[m].name : p->measures[m].id);
            sb_add(b, "</text>\n");
        }
    }
}

/* Whether a parcel is paid back (a harmed parcel's compensation). */
static bool has_refund(const nytte_alloc_result *r)
{
    for (size_t i = 0; i < r->nparcels; i++)
        if (r->parcel_ore[i] < 0)
            return true;
    return false;
}

static void map(sbuf *b, const nytte_report_data *d, const double breaks[REPORT_NCLASSES], const nytte_vlayer *ls)
{
    const nytte_inputs *in = d->inputs;
    double x0 = INFINITY, y0 = INFINITY, x1 = -INFINITY, y1 = -INFINITY;
    for (size_t i = 0; i < in->nparcels; i++) {
        const nytte_geom *g = &in->parcels[i].geom;
        if (g->nparts == 0)
            continue;
        x0 = fmin(x0, g->xmin), y0 = fmin(y0, g->ymin), x1 = fmax(x1, g->xmax), y1 = fmax(y1, g->ymax);
    }
    if (!(x1 > x0 && y1 > y0)) {
        sb_add(b, "<p class=\"note\">No parcel geometry to draw.</p>\n");
        return;
    }
    double w = x1 - x0, h = y1 - y0;
    sb_printf(b, "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"%.1f %.1f %.1f %.1f\" width=\"100%%\" "
                 "role=\"img\" aria-label=\"map of payments\" style=\"max-height:820px\">\n",
              -0.01 * w, -0.01 * h, 1.02 * w, 1.02 * h);
    double sw = w / 1100.0; /* about one screen pixel */
    for (int cls = 0; cls <= REPORT_NCLASSES; cls++) {
        sb_printf(b, "<g fill=\"%s\" stroke=\"#777\" stroke-width=\"%.2f\" fill-rule=\"evenodd\">\n",
                  report_class_colors[cls], sw * 0.6);
        for (size_t i = 0; i < in->nparcels; i++) {
            if (report_amount_class(breaks, d->alloc->parcel_ore[i]) != cls)
                continue;
            sb_add(b, "<path d=\"");
            path_of(b, &in->parcels[i].geom, x0, y1);
            sb_add(b, "\"><title>");
            sb_xml(b, in->parcels[i].id);
            sb_add(b, ": ");
            report_money(b, d->alloc->parcel_ore[i]);
            sb_add(b, "</title></path>\n");
        }
        sb_add(b, "</g>\n");
    }
    /* the flood extent at the design event without the measures: the parcels that get wet */
    sb_printf(b, "<g fill=\"none\" stroke=\"#2171b5\" stroke-width=\"%.2f\" pointer-events=\"none\">\n", sw * 1.6);
    for (size_t i = 0; i < in->nparcels; i++) {
        if (!(d->metrics[i].wet_design > 0))
            continue;
        sb_add(b, "<path d=\"");
        path_of(b, &in->parcels[i].geom, x0, y1);
        sb_add(b, "\"/>\n");
    }
    sb_add(b, "</g>\n");
    map_measures(b, d, ls, x0, y1, sw, w, h);
    /* a scale bar */
    double bar = pow(10.0, floor(log10(w / 4.0)));
    sb_printf(b, "<g><rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"#222\"/>"
                 "<text x=\"%.1f\" y=\"%.1f\" font-size=\"%.1f\" fill=\"#222\">%g m</text></g>\n",
              0.02 * w, 0.985 * h, bar, h * 0.006, 0.02 * w, 0.975 * h, h * 0.022, bar);
    sb_add(b, "</svg>\n<div class=\"legend\">");
    sb_printf(b, "<span><i class=\"sw\" style=\"background:%s\"></i>pays nothing%s</span>", report_class_colors[0],
              has_refund(d->alloc) ? " (or is paid back)" : "");
    /* a class per amount when there are few (one, two payers …), else ranges */
    double again[REPORT_NCLASSES];
    int single = report_amount_breaks(d->alloc, again);
    for (int k = 0; k < REPORT_NCLASSES && breaks[k] == breaks[k]; k++) {
        sb_printf(b, "<span><i class=\"sw\" style=\"background:%s\"></i>", report_class_colors[k + 1]);
        if (!single) {
            report_money_kr(b, k ? breaks[k - 1] : 0.0);
            sb_add(b, " – ");
        }
        report_money_kr(b, breaks[k]);
        sb_add(b, "</span>");
    }
    sb_add(b, "<span><i class=\"sw\" style=\"background:#fff;border:2px solid #2171b5\"></i>"
              "flooded at the design event without the measures</span>");
    for (size_t m = 0; ls && m < d->project->nmeasures; m++) {
        const nytte_measure_cfg *mc = &d->project->measures[m];
        sb_printf(b, "<span><i class=\"sw\" style=\"background:%s;height:4px;border:0\"></i>",
                  report_measure_colors[m % REPORT_NMEASURE_COLORS]);
        sb_xml(b, mc->name ? mc->name : mc->id);
        sb_add(b, "</span>");
    }
    sb_add(b, "</div>\n");
}

/* ---- the histogram ---------------------------------------------------------------- */

static int cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

/* Equal bins of a round width up to the 95th percentile of the payers' amounts; the
 * few largest payers (a municipality, a harbour) go into the last bin, "and more". */
static void histogram(sbuf *b, const nytte_alloc_result *r)
{
    enum { NBINS = 20 };
    size_t npay = 0;
    int64_t *v = malloc((r->nowners ? r->nowners : 1) * sizeof *v);
    if (!v) {
        b->failed = 1;
        return;
    }
    for (size_t o = 0; o < r->nowners; o++)
        if (r->owners[o].total_ore > 0)
            v[npay++] = r->owners[o].total_ore;
    if (npay == 0) {
        free(v);
        sb_add(b, "<p class=\"note\">No owner pays anything.</p>\n");
        return;
    }
    qsort(v, npay, sizeof *v, cmp_i64);
    int64_t p95 = v[(npay - 1) * 95 / 100], max = v[npay - 1];
    double maxkr = (double)p95 / 100.0, base = pow(10.0, floor(log10(maxkr / NBINS))), step = base * 10;
    static const double mult[] = {1, 2, 5, 10}; /* a round width: 1, 2, 5 × 10^k kr */
    for (int k = 0; k < 4; k++)
        if (base * mult[k] * NBINS >= maxkr) {
            step = base * mult[k];
            break;
        }
    size_t count[NBINS] = {0}, top = 0;
    for (size_t i = 0; i < npay; i++) {
        double k = (double)v[i] / 100.0 / step;
        int bin = k >= NBINS ? NBINS - 1 : (int)k;
        if (++count[bin] > top)
            top = count[bin];
    }
    int overflow = (double)max / 100.0 >= NBINS * step;
    free(v);
    double W = 940, H = 300, L = 50, B = 40, bw = (W - L - 50) / NBINS;
    sb_printf(b, "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %g %g\" width=\"%g\" role=\"img\" "
                 "aria-label=\"histogram of payments\">\n",
              W, H, W);
    for (int k = 0; k < NBINS; k++) {
        double bh = (H - B - 20) * (double)count[k] / (double)top;
        int last = k == NBINS - 1 && overflow;
        sb_printf(b, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\" stroke=\"#a63603\">"
                     "<title>%.0f – %.0f kr: %zu owner%s</title></rect>\n",
                  L + k * bw + 1, H - B - bh, bw - 2, bh, last ? "#e6550d" : "#fd8d3c", k * step,
                  last ? (double)max / 100.0 : (k + 1) * step, count[k], count[k] == 1 ? "" : "s");
        if (k % 4 == 0)
            sb_printf(b, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"11\" text-anchor=\"middle\">%.0f</text>\n",
                      L + k * bw, H - B + 14, k * step);
    }
    sb_printf(b, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"11\" text-anchor=\"middle\">%.0f%s</text>\n", L + NBINS * bw,
              H - B + 14, NBINS * step, overflow ? " and more" : "");
    sb_printf(b, "<line x1=\"%g\" y1=\"%g\" x2=\"%g\" y2=\"%g\" stroke=\"#222\"/>\n", L, H - B, L + NBINS * bw, H - B);
    sb_printf(b, "<line x1=\"%g\" y1=\"20\" x2=\"%g\" y2=\"%g\" stroke=\"#222\"/>\n", L, L, H - B);
    sb_printf(b, "<text x=\"%g\" y=\"14\" font-size=\"11\">%zu owner%s</text>\n", L - 40, top, top == 1 ? "" : "s");
    sb_printf(b, "<text x=\"%g\" y=\"%g\" font-size=\"12\" text-anchor=\"middle\">amount per owner, kr "
                 "(%zu payer%s; bins of %.0f kr; the last bin holds every larger amount, up to %.0f kr)</text>\n</svg>\n",
              W / 2, H - 6, npay, npay == 1 ? "" : "s", step, (double)max / 100.0);
}

/* ---- sections ---------------------------------------------------------------------- */

static void summary(sbuf *b, const nytte_report_data *d)
{
    const nytte_project *p = d->project;
    const nytte_alloc_result *r = d->alloc;
    char buf[512], crs[256];
    size_t nflood = 0, npay = 0;
    for (size_t i = 0; i < d->inputs->nparcels; i++)
        nflood += d->metrics[i].wet_design > 0;
    for (size_t o = 0; o < r->nowners; o++)
        npay += r->owners[o].total_ore > 0;
    sb_add(b, "<table class=\"kv\">\n");
    row2(b, "Project", p->name);
    row2(b, "Coordinate system", nytte_crs_name(crs, sizeof crs, d->inputs->crs_wkt));
    if (p->design_level == p->design_level)
        snprintf(buf, sizeof buf, "water level kote %.2f m (%s)", p->design_level,
                 p->vertical_datum ? p->vertical_datum : "DVR90");
    else
        snprintf(buf, sizeof buf, "the %g-year event", p->design_event);
    row2(b, "Design event", buf);
    snprintf(buf, sizeof buf, "%zu parcel%s, %zu building%s, %zu owner%s", d->inputs->nparcels,
             s_(d->inputs->nparcels), d->inputs->nbuildings, s_(d->inputs->nbuildings), r->nowners, s_(r->nowners));
    row2(b, "Inputs", buf);
    snprintf(buf, sizeof buf, "%zu parcel%s flooded at the design event without the measures", nflood, s_(nflood));
    row2(b, "Flooding", buf);
    snprintf(buf, sizeof buf, "%zu owner%s %s; %zu %s nothing", npay, s_(npay), npay == 1 ? "pays" : "pay",
             r->nowners - npay, r->nowners - npay == 1 ? "pays" : "pay");
    row2(b, "Payers", buf);
    sb_add(b, "<tr><th>Owners pay in all</th><td>");
    report_money(b, r->total_ore - r->residual_ore);
    if (r->yearly_ore) {
        sb_add(b, " once, and ");
        report_money(b, r->yearly_ore);
        sb_add(b, " a year for operation and maintenance");
    }
    sb_add(b, "</td></tr>\n");
    if (r->residual_ore) {
        sb_xmlf(b, "<tr><th>Residual payer</th><td>%s pays ",
                p->alloc.rules.residual_payer ? p->alloc.rules.residual_payer : "the residual payer");
        report_money(b, r->residual_ore);
        sb_add(b, ": what the owners cannot pay under the benefit cap</td></tr>\n");
    }
    row2(b, "Allocation model", nytte_alloc_model_name(p->alloc.model));
    snprintf(buf, sizeof buf, "%s; discount rate %.2f %%, horizon %d years", d->ead_rule, p->discount_rate * 100,
             p->horizon);
    row2(b, "Expected annual damage rule", buf);
    if (p->loan.kind == NYTTE_LOAN_NONE)
        snprintf(buf, sizeof buf, "paid at once");
    else
        snprintf(buf, sizeof buf, "%s loan over %d years at %.2f %% a year, %d payments a year",
                 nytte_loan_kind_name(p->loan.kind), p->loan.years, p->loan.rate * 100, p->loan.payments_per_year);
    row2(b, "Payment", buf);
    row2(b, "nytte version", nytte_version());
    sb_add(b, "</table>\n");
}

static void costs(sbuf *b, const nytte_report_data *d)
{
    const nytte_project *p = d->project;
    const nytte_alloc_result *r = d->alloc;
    sb_add(b, "<table>\n<thead><tr><th>Element</th><th class=\"n\">Construction</th><th class=\"n\">O&amp;M a year</th>"
              "<th class=\"n\">O&amp;M, present value</th><th>Deductions</th><th class=\"n\">Owners pay</th>"
              "<th class=\"n\">Owners pay a year</th><th class=\"n\">In the area</th><th class=\"n\">Payers</th>"
              "<th class=\"n\">Exempt</th></tr></thead>\n<tbody>\n");
    int64_t tc = 0, tom = 0, tpv = 0, tpool = 0, tyear = 0;
    for (size_t e = 0; e < r->nelements; e++) {
        const nytte_alloc_element_result *er = &r->elements[e];
        const nytte_measure_cfg *mc = e < p->nmeasures ? &p->measures[e] : NULL;
        sb_xmlf(b, "<tr><td>%s <span class=\"note\">(%s)</span></td><td class=\"n\">", mc && mc->name ? mc->name : er->id,
                er->id);
        report_money(b, er->pool.capex_ore);
        sb_add(b, "</td><td class=\"n\">");
        report_money(b, mc ? mc->om_per_year : 0);
        sb_add(b, "</td><td class=\"n\">");
        report_money(b, er->pool.om_pv_ore);
        sb_add(b, "</td><td>");
        for (size_t k = 0; k < er->pool.ndeductions; k++) {
            const nytte_deduction_cfg *dc = mc && k < mc->ndeductions ? &mc->deductions[k] : NULL;
            if (k)
                sb_add(b, "<br>");
            sb_xml(b, dc ? dc->name : "deduction");
            if (dc)
                sb_printf(b, " (%s)", nytte_alloc_deduction_kind_name(dc->kind));
            sb_add(b, ": −");
            report_money(b, er->pool.deducted_ore[k]);
        }
        if (er->pool.ndeductions == 0)
            sb_add(b, "none");
        sb_add(b, "</td><td class=\"n\">");
        report_money(b, er->pool.pool_ore - er->residual_ore);
        if (er->residual_ore) {
            sb_add(b, "<span class=\"note\" style=\"display:block\">+ ");
            report_money(b, er->residual_ore);
            sb_xmlf(b, " %s</span>", er->residual_payer ? er->residual_payer : "the residual payer");
        }
        sb_add(b, "</td><td class=\"n\">");
        report_money(b, er->pool.yearly_ore);
        sb_printf(b, "</td><td class=\"n\">%zu</td><td class=\"n\">%zu</td><td class=\"n\">%zu</td></tr>\n",
                  er->nin_area, er->npayers, er->nexempt);
        tc += er->pool.capex_ore, tom += mc ? mc->om_per_year : 0, tpv += er->pool.om_pv_ore;
        tpool += er->pool.pool_ore - er->residual_ore, tyear += er->pool.yearly_ore;
    }
    sb_add(b, "</tbody>\n<tfoot><tr><th>Total</th><th class=\"n\">");
    report_money(b, tc);
    sb_add(b, "</th><th class=\"n\">");
    report_money(b, tom);
    sb_add(b, "</th><th class=\"n\">");
    report_money(b, tpv);
    sb_add(b, "</th><th></th><th class=\"n\">");
    report_money(b, tpool);
    sb_add(b, "</th><th class=\"n\">");
    report_money(b, tyear);
    sb_add(b, "</th><th></th><th></th><th></th></tr></tfoot>\n</table>\n"
              "<p class=\"note\">Each element's benefit area is the parcels that flood at the design event without "
              "it and less with it; only they share its cost. Amounts are exact to the øre: every element's "
              "amounts sum to what its owners pay.</p>\n");
}

static void comparison(sbuf *b, const nytte_report_data *d, const nytte_alloc_comparison *m, size_t n)
{
    if (!m || n == 0) {
        sb_add(b, "<p class=\"note\">No models to compare (allocation.compare is empty).</p>\n");
        return;
    }
    sb_add(b, "<table>\n<thead><tr><th>Model</th><th class=\"n\">Payers</th><th class=\"n\">Mean</th>"
              "<th class=\"n\">Median</th><th class=\"n\">Largest</th><th class=\"n\">Top 10 % pay</th>"
              "<th class=\"n\">Gini</th><th class=\"n\">Median ‰ of value</th><th class=\"n\">Pay more</th>"
              "<th class=\"n\">Pay less</th><th class=\"n\">Same</th></tr></thead>\n<tbody>\n");
    for (size_t k = 0; k < n; k++) {
        const nytte_alloc_metrics *mt = &m[k].metrics;
        sb_printf(b, "<tr%s><td>", k == 0 ? " class=\"chosen\"" : "");
        sb_xml(b, nytte_alloc_model_name(m[k].model));
        if (k == 0)
            sb_add(b, " (chosen)");
        sb_add(b, "</td>");
        if (m[k].rc != NYTTE_OK) {
            sb_add(b, "<td colspan=\"10\">cannot run on these facts: ");
            sb_xml(b, m[k].error);
            sb_add(b, "</td></tr>\n");
            continue;
        }
        sb_printf(b, "<td class=\"n\">%zu</td><td class=\"n\">", mt->npayers);
        report_money_kr(b, mt->mean_kr);
        sb_add(b, "</td><td class=\"n\">");
        report_money_kr(b, mt->median_kr);
        sb_add(b, "</td><td class=\"n\">");
        report_money_kr(b, mt->max_kr);
        sb_printf(b, "</td><td class=\"n\">%.1f %%</td><td class=\"n\">%.3f</td><td class=\"n\">", mt->top10_share * 100,
                  mt->gini);
        if (mt->median_permille == mt->median_permille)
            sb_printf(b, "%.2f", mt->median_permille);
        else
            sb_add(b, "–");
        sb_printf(b, "</td><td class=\"n\">%zu</td><td class=\"n\">%zu</td><td class=\"n\">%zu</td></tr>\n", mt->more,
                  mt->less, mt->same);
    }
    sb_add(b, "</tbody>\n</table>\n<p class=\"note\">Every model shares the same pools over the same benefit areas "
              "and rules; “more”, “less” and “same” count owners against the chosen model.</p>\n");
    (void)d;
}

static void owners_json(sbuf *b, const nytte_report_data *d)
{
    const nytte_alloc_result *r = d->alloc;
    sb_add(b, "<script type=\"application/json\" id=\"owners-data\">[");
    for (size_t o = 0; o < r->nowners; o++) {
        const nytte_alloc_owner *ow = &r->owners[o];
        sbuf parcels = {0}, expl = {0};
        report_owner_parcels(d, o, &parcels, &expl);
        char amount[64], first[64], pay[80], yearly[64];
        nytte_money_format(amount, sizeof amount, &lookup_kr, ow->total_ore);
        const nytte_loan *ln = &d->loans[o];
        if (d->project->loan.kind == NYTTE_LOAN_NONE || ow->total_ore == 0)
            snprintf(pay, sizeof pay, "–");
        else
            snprintf(pay, sizeof pay, "%s × %d", nytte_money_format(first, sizeof first, &lookup_kr, ln->first_payment),
                     ln->npayments);
        nytte_money_format(yearly, sizeof yearly, &lookup_kr, ow->yearly_ore);
        sb_add(b, o ? ",\n{\"id\":" : "\n{\"id\":");
        sb_json(b, ow->id);
        sb_add(b, ",\"name\":");
        sb_json(b, report_owner_name(d->inputs, ow->id));
        sb_add(b, ",\"parcels\":");
        sb_json(b, parcels.s);
        sb_add(b, ",\"amount\":");
        sb_json(b, amount);
        sb_add(b, ",\"payment\":");
        sb_json(b, pay);
        sb_add(b, ",\"yearly\":");
        sb_json(b, yearly);
        sb_add(b, ",\"explanation\":");
        sb_json(b, expl.s);
        sb_add(b, "}");
        b->failed |= parcels.failed | expl.failed;
        free(parcels.s), free(expl.s);
    }
    sb_add(b, "]</script>\n");
}

int report_write_html(nytte_ctx *ctx, const nytte_report_data *d, const char *dir, const double breaks[REPORT_NCLASSES],
                      const nytte_vlayer *measures)
{
    const nytte_project *p = d->project;
    int rc = NYTTE_OK;
    char words[2048];
    sbuf b = {0};
    sb_add(&b, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
               "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
               "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
               "style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:\">\n"
               "<link rel=\"icon\" href=\"data:,\">\n");
    sb_xmlf(&b, "<title>%s — cost allocation</title>\n<style>", p->name);
    sb_add(&b, css);
    sb_xmlf(&b, "</style>\n</head>\n<body>\n<main>\n<h1>%s</h1>\n<p class=\"note\">Cost allocation by benefit "
                "(nytteprincippet), computed by nytte. This page needs no network; all figures come from the files "
                "beside it.</p>\n",
            p->name);
    report_html_findings(&b, d);
    sb_add(&b, "<h2>Summary</h2>\n");
    summary(&b, d);
    sb_add(&b, "<h2>Costs and deductions per element</h2>\n");
    costs(&b, d);
    report_html_safeguards(&b, d);
    sb_xmlf(&b, "<h2>The allocation model</h2>\n<p>%s</p>\n", nytte_report_model_words(words, sizeof words, &p->alloc));
    sb_add(&b, "<h2>Map of payments</h2>\n<p class=\"note\">Parcels coloured by what they pay (all elements "
               "together); parcels outlined in blue flood at the design event without the measures; the measures "
               "are drawn over them, each in its colour and named. Hover a parcel for its id and amount.</p>\n");
    map(&b, d, breaks, measures);
    sb_add(&b, "<h2>Distribution of payments</h2>\n");
    histogram(&b, d->alloc);
    sb_add(&b, "<h2>Model comparison</h2>\n");
    comparison(&b, d, d->models, d->nmodels);
    report_html_uncertainty(&b, d);
    report_html_horizons(&b, d);
    sb_add(&b, "<h2>Look up an owner</h2>\n<p><label for=\"q\">Name, owner id or parcel id: </label>"
               "<input id=\"q\" type=\"search\" autocomplete=\"off\"></p>\n<p id=\"hitinfo\" class=\"note\"></p>\n"
               "<table>\n<thead><tr><th>Owner</th><th>Name</th><th>Parcels</th><th class=\"n\">Amount</th>"
               "<th class=\"n\">Payment (first) × number</th><th class=\"n\">O&amp;M a year</th><th>Explanation</th>"
               "</tr></thead>\n<tbody id=\"hits\"></tbody>\n</table>\n");
    owners_json(&b, d);
    sb_add(&b, "<script>\n");
    sb_add(&b, js);
    sb_add(&b, "</script>\n</main>\n</body>\n</html>\n");
    rc = sb_write_file(ctx, &b, dir, "report.html");
    free(b.s);
    return rc;
}
