/*
 * uncertainty.c — what the outputs say of the draws and the climate horizons
 * (docs/uncertainty.md, docs/outputs.md): uncertainty_draws.csv (what each draw drew and
 * each element's economics in it), horizons.csv (every owner's amount per horizon) and
 * horizons_measures.csv (EAD, PV of benefits, BCR per element and horizon); report.html's
 * sections "How sure are the amounts" (a box per decile of the base case, as SVG) and
 * "Climate horizons"; and the manifest's settings and results of both. The per-owner and
 * per-parcel bands are columns of owners.csv and parcels.csv (report.c).
 */
#include "report/report_int.h"

#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A number with a decimal comma, "–" when unknown. */
static void num(sbuf *b, const char *fmt, double v)
{
    char buf[64];
    if (v != v) {
        sb_add(b, "–");
        return;
    }
    snprintf(buf, sizeof buf, fmt, v);
    for (char *p = buf; *p; p++)
        if (*p == '.')
            *p = ',';
    sb_add(b, buf);
}

/* ---- tables with columns made at run time -------------------------------------------- */

/* A table whose rows are a few fixed members followed by doubles or øre, one per column. */
typedef struct dyn_table {
    report_col *cols;
    char (*names)[64];
    size_t ncols, cap;
} dyn_table;

static int dyn_add(dyn_table *t, const char *name, report_col_kind kind, int decimals, size_t off)
{
    if (t->ncols == t->cap)
        return -1;
    snprintf(t->names[t->ncols], sizeof t->names[0], "%s", name);
    t->cols[t->ncols] = (report_col){t->names[t->ncols], NULL, kind, decimals, off};
    t->ncols++;
    return 0;
}

static int dyn_init(dyn_table *t, size_t cap)
{
    t->cols = calloc(cap, sizeof *t->cols);
    t->names = calloc(cap, sizeof *t->names);
    t->cap = cap;
    t->ncols = 0;
    return t->cols && t->names ? 0 : -1;
}

static void dyn_free(dyn_table *t)
{
    free(t->cols);
    free(t->names);
}

/* uncertainty_draws.csv: one row per draw. */
typedef struct draw_row {
    int64_t draw;
    const char *status;
    double v[]; /* the inputs, then 4 figures per element */
} draw_row;

static int write_draws(nytte_ctx *ctx, const nytte_report_data *d, const char *dir, const nytte_csv_opts *o)
{
    const nytte_unc_result *u = d->uncertainty;
    size_t ne = u->nelements, nv = NYTTE_UNC_NINPUTS + 4 * ne, nd = (size_t)u->ndraws;
    size_t row_size = sizeof(draw_row) + nv * sizeof(double);
    dyn_table t = {0};
    char *rows = calloc(nd ? nd : 1, row_size), path[4400], name[128];
    int rc = NYTTE_OK;
    snprintf(path, sizeof path, "%s/uncertainty_draws.csv", dir);
    if (!rows || dyn_init(&t, 2 + nv)) {
        rc = nytte_nomem(ctx, "%s", path);
        goto cleanup;
    }
    dyn_add(&t, "draw", REPORT_COL_INT, 0, offsetof(draw_row, draw));
    dyn_add(&t, "status", REPORT_COL_TEXT, 0, offsetof(draw_row, status));
    for (int i = 0; i < NYTTE_UNC_NINPUTS; i++)
        dyn_add(&t, nytte_unc_input_name((nytte_unc_input)i), REPORT_COL_REAL, 6,
                offsetof(draw_row, v) + (size_t)i * sizeof(double));
    static const char *const figs[4] = {"ead_without_kr", "ead_with_kr", "pv_benefits_kr", "benefit_cost_ratio"};
    for (size_t e = 0; e < ne; e++)
        for (int f = 0; f < 4; f++) {
            snprintf(name, sizeof name, "%s_%s", d->alloc->elements[e].id, figs[f]);
            dyn_add(&t, name, REPORT_COL_REAL, f == 3 ? 4 : 2,
                    offsetof(draw_row, v) + (NYTTE_UNC_NINPUTS + 4 * e + (size_t)f) * sizeof(double));
        }
    for (size_t k = 0; k < nd; k++) {
        draw_row *r = (draw_row *)(rows + k * row_size);
        r->draw = (int64_t)k;
        r->status = u->draws[k].rc ? "not allocated" : "allocated";
        for (int i = 0; i < NYTTE_UNC_NINPUTS; i++)
            r->v[i] = u->draws[k].in[i];
        for (size_t e = 0; e < ne; e++) {
            const nytte_unc_economics *c = &u->economics[k * ne + e];
            double *x = r->v + NYTTE_UNC_NINPUTS + 4 * e;
            x[0] = c->ead_without, x[1] = c->ead_with, x[2] = c->pv_benefits, x[3] = c->bcr;
        }
    }
    const report_table tab = {"draws", t.cols, t.ncols, rows, row_size, nd, false, 0};
    rc = report_table_csv(ctx, &tab, path, o);
cleanup:
    dyn_free(&t);
    free(rows);
    return rc;
}

/* horizons.csv: every owner's amount in the base case and at each horizon. */
typedef struct horizon_row {
    const char *id, *name;
    int64_t base;
    int64_t at[NYTTE_UNC_MAX_HORIZONS];
} horizon_row;

static int write_horizon_owners(nytte_ctx *ctx, const nytte_report_data *d, const char *dir, const nytte_csv_opts *o)
{
    const nytte_unc_result *u = d->uncertainty;
    const nytte_alloc_result *r = d->alloc;
    size_t no = r->nowners;
    dyn_table t = {0};
    horizon_row *rows = calloc(no ? no : 1, sizeof *rows);
    char path[4400], name[64];
    int rc = NYTTE_OK;
    snprintf(path, sizeof path, "%s/horizons.csv", dir);
    if (!rows || dyn_init(&t, 3 + u->nhorizons)) {
        rc = nytte_nomem(ctx, "%s", path);
        goto cleanup;
    }
    dyn_add(&t, "owner_id", REPORT_COL_TEXT, 0, offsetof(horizon_row, id));
    dyn_add(&t, "owner_name", REPORT_COL_TEXT, 0, offsetof(horizon_row, name));
    dyn_add(&t, "amount_kr", REPORT_COL_MONEY, 0, offsetof(horizon_row, base));
    for (size_t h = 0; h < u->nhorizons; h++) {
        snprintf(name, sizeof name, "amount_%d_kr", u->horizons[h].year);
        dyn_add(&t, name, REPORT_COL_MONEY, 0, offsetof(horizon_row, at) + h * sizeof(int64_t));
    }
    for (size_t k = 0; k < no; k++) {
        rows[k].id = r->owners[k].id;
        rows[k].name = report_owner_name(d->inputs, r->owners[k].id);
        rows[k].base = r->owners[k].total_ore;
        for (size_t h = 0; h < u->nhorizons; h++)
            rows[k].at[h] = u->horizon_owner_ore[h * no + k];
    }
    const report_table tab = {"horizons", t.cols, t.ncols, rows, sizeof *rows, no, false, 0};
    rc = report_table_csv(ctx, &tab, path, o);
cleanup:
    dyn_free(&t);
    free(rows);
    return rc;
}

/* horizons_measures.csv: per element and horizon, its economics and what its owners pay. */
typedef struct hm_row {
    const char *id;
    int64_t year;
    double rise, ead_without, ead_with, pv_benefits, bcr;
    int64_t pay;
} hm_row;

#define H(member) offsetof(hm_row, member)
static const report_col hm_cols[] = {
    {"measure_id", NULL, REPORT_COL_TEXT, 0, H(id)},
    {"year", NULL, REPORT_COL_INT, 0, H(year)},
    {"sea_level_rise_m", NULL, REPORT_COL_REAL, 3, H(rise)},
    {"ead_without_kr", NULL, REPORT_COL_REAL, 2, H(ead_without)},
    {"ead_with_kr", NULL, REPORT_COL_REAL, 2, H(ead_with)},
    {"pv_benefits_kr", NULL, REPORT_COL_REAL, 2, H(pv_benefits)},
    {"benefit_cost_ratio", NULL, REPORT_COL_REAL, 4, H(bcr)},
    {"owners_pay_kr", NULL, REPORT_COL_MONEY, 0, H(pay)},
};
#undef H

static int write_horizon_measures(nytte_ctx *ctx, const nytte_report_data *d, const char *dir,
                                  const nytte_csv_opts *o)
{
    const nytte_unc_result *u = d->uncertainty;
    size_t ne = u->nelements, n = ne * u->nhorizons;
    hm_row *rows = calloc(n ? n : 1, sizeof *rows);
    char path[4400];
    snprintf(path, sizeof path, "%s/horizons_measures.csv", dir);
    if (!rows)
        return nytte_nomem(ctx, "%s", path);
    for (size_t e = 0, k = 0; e < ne; e++)
        for (size_t h = 0; h < u->nhorizons; h++, k++) {
            const nytte_unc_economics *c = &u->horizon_economics[h * ne + e];
            rows[k] = (hm_row){d->alloc->elements[e].id, u->horizons[h].year, u->horizons[h].rise, c->ead_without,
                               c->ead_with, c->pv_benefits, c->bcr, u->horizon_pool_ore[h * ne + e]};
        }
    const report_table tab = {"horizons_measures", hm_cols, sizeof hm_cols / sizeof hm_cols[0], rows, sizeof *rows,
                              n, false, 0};
    int rc = report_table_csv(ctx, &tab, path, o);
    free(rows);
    return rc;
}

int report_write_uncertainty(nytte_ctx *ctx, const nytte_report_data *d, const char *dir, const nytte_csv_opts *o)
{
    const nytte_unc_result *u = d->uncertainty;
    int rc = NYTTE_OK;
    if (!u)
        return rc;
    if (u->ndraws && (rc = write_draws(ctx, d, dir, o)))
        return rc;
    if (u->nhorizons && !(rc = write_horizon_owners(ctx, d, dir, o)))
        rc = write_horizon_measures(ctx, d, dir, o);
    return rc;
}

/* ---- report.html: how sure are the amounts --------------------------------------------- */

static int cmp_d(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double median_of(double *x, size_t n)
{
    if (!n)
        return NAN;
    qsort(x, n, sizeof *x, cmp_d);
    return n % 2 ? x[n / 2] : 0.5 * (x[n / 2 - 1] + x[n / 2]);
}

/* What the owners of one decile of the base case say, relative to their base amounts. */
typedef struct decile_box {
    size_t n;                       /* owners */
    int64_t lo, hi;                 /* their base amounts */
    double p5, p50, p95;            /* medians of P5 / base, P50 / base, P95 / base */
    double min5, max95;             /* the lowest P5 / base and the highest P95 / base */
    double stable;                  /* mean share of draws in the same decile */
    size_t likely_more;             /* owners paying more than base by 10 % in more than half the draws */
} decile_box;

/* The boxes of deciles 1..10 (box[0]: the owners paying nothing in the base case). */
static int decile_boxes(decile_box box[11], const nytte_report_data *d)
{
    const nytte_unc_result *u = d->uncertainty;
    size_t no = u->nowners;
    double *x = malloc(3 * (no ? no : 1) * sizeof *x);
    if (!x)
        return -1;
    for (int k = 0; k <= 10; k++) {
        decile_box *bx = &box[k];
        *bx = (decile_box){0, INT64_MAX, INT64_MIN, NAN, NAN, NAN, INFINITY, -INFINITY, 0, 0};
        size_t n = 0;
        for (size_t o = 0; o < no; o++) {
            const nytte_unc_owner *w = &u->owners[o];
            int64_t base = d->alloc->owners[o].total_ore;
            if (w->decile != k)
                continue;
            bx->n++;
            bx->lo = base < bx->lo ? base : bx->lo;
            bx->hi = base > bx->hi ? base : bx->hi;
            bx->stable += w->rank_stable;
            bx->likely_more += w->p_more > 0.5;
            if (base <= 0)
                continue;
            x[n] = (double)w->p5 / (double)base;
            x[no + n] = (double)w->p50 / (double)base;
            x[2 * no + n] = (double)w->p95 / (double)base;
            bx->min5 = fmin(bx->min5, x[n]);
            bx->max95 = fmax(bx->max95, x[2 * no + n]);
            n++;
        }
        if (bx->n)
            bx->stable /= (double)bx->n;
        bx->p5 = median_of(x, n);
        bx->p50 = median_of(x + no, n);
        bx->p95 = median_of(x + 2 * no, n);
    }
    free(x);
    return 0;
}

/* A box per decile: whiskers from the lowest P5 to the highest P95, the box between the median P5 and P95,
 * the line at the median P50, all relative to each owner's base amount; the base case is the line at 1. */
static void decile_svg(sbuf *b, const decile_box box[11])
{
    double top = 1.5, bottom = 0.5;
    for (int k = 1; k <= 10; k++)
        if (box[k].n && box[k].max95 == box[k].max95) {
            top = fmax(top, fmin(box[k].max95, 5.0));
            bottom = fmin(bottom, fmax(box[k].min5, 0.0));
        }
    top = ceil(top * 4) / 4, bottom = floor(bottom * 4) / 4;
    const double W = 940, H = 320, L = 60, R = 20, T = 20, B = 50, cw = (W - L - R) / 10;
#define Y(v) (T + (H - T - B) * (top - fmin(fmax((v), bottom), top)) / (top - bottom))
    sb_printf(b, "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %g %g\" width=\"%g\" role=\"img\" "
                 "aria-label=\"amounts over the draws relative to the base case, per decile\">\n", W, H, W);
    for (double v = bottom; v <= top + 1e-9; v += 0.25) {
        sb_printf(b, "<line x1=\"%g\" y1=\"%.1f\" x2=\"%g\" y2=\"%.1f\" stroke=\"%s\"/>\n", L, Y(v), W - R, Y(v),
                  fabs(v - 1) < 1e-9 ? "#222" : "#e5e5e5");
        sb_printf(b, "<text x=\"%g\" y=\"%.1f\" font-size=\"11\" text-anchor=\"end\">%.2f×</text>\n", L - 6,
                  Y(v) + 4, v);
    }
    for (int k = 1; k <= 10; k++) {
        const decile_box *x = &box[k];
        double cx = L + (k - 0.5) * cw;
        sb_printf(b, "<text x=\"%.1f\" y=\"%g\" font-size=\"11\" text-anchor=\"middle\">%d</text>\n", cx, H - B + 16, k);
        if (!x->n || x->p50 != x->p50)
            continue;
        sb_printf(b, "<g><title>decile %d: %zu owners; relative to the base case P5 %.3f, P50 %.3f, P95 %.3f "
                     "(medians); lowest P5 %.3f, highest P95 %.3f</title>\n",
                  k, x->n, x->p5, x->p50, x->p95, x->min5, x->max95);
        sb_printf(b, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#3182bd\"/>\n", cx, Y(x->min5),
                  cx, Y(x->max95));
        sb_printf(b, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"#9ecae1\" stroke=\"#3182bd\"/>\n",
                  cx - cw * 0.3, Y(x->p95), cw * 0.6, fmax(Y(x->p5) - Y(x->p95), 1.0));
        sb_printf(b, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#08519c\" stroke-width=\"3\"/>"
                     "</g>\n", cx - cw * 0.3, Y(x->p50), cx + cw * 0.3, Y(x->p50));
    }
    sb_printf(b, "<text x=\"%g\" y=\"%g\" font-size=\"12\" text-anchor=\"middle\">decile of the base case "
                 "(1: the tenth of the payers who pay least, 10: who pay most)</text>\n</svg>\n", (W + L) / 2, H - 12);
#undef Y
}

static void inputs_table(sbuf *b, const nytte_report_data *d)
{
    const nytte_unc_result *u = d->uncertainty;
    const nytte_unc_config *c = &d->project->uncertainty;
    char buf[512];
    sb_add(b, "<table class=\"kv\">\n");
    sb_printf(b, "<tr><th>Draws</th><td>%d (seed %llu); %d allocated</td></tr>\n", u->ndraws,
              (unsigned long long)c->seed, u->nok);
    static const char *const what[NYTTE_UNC_NINPUTS] = {
        "Depth-damage curve (multiplier of the damage fractions)", "Building values (multiplier)",
        "Floor heights (added, m)", "Water level of every event (added, m)", "Sea-level rise by the horizon's end (m)"};
    for (int i = 0; i < NYTTE_UNC_NINPUTS; i++)
        if (c->input[i].kind != NYTTE_UNC_NONE)
            sb_xmlf(b, "<tr><th>%s</th><td>%s</td></tr>\n", what[i], nytte_unc_dist_text(buf, sizeof buf, &c->input[i]));
    sb_add(b, "</table>\n");
    if (u->first_failed >= 0)
        sb_xmlf(b, "<p class=\"note\">Draws that could not be allocated are left out of the bands; the first: %s</p>\n",
                u->first_error);
}

static void economics_table(sbuf *b, const nytte_report_data *d)
{
    const nytte_unc_result *u = d->uncertainty;
    sb_add(b, "<table>\n<thead><tr><th>Element</th><th></th><th class=\"n\">Base case</th><th class=\"n\">P5</th>"
              "<th class=\"n\">P50</th><th class=\"n\">P95</th></tr></thead>\n<tbody>\n");
    static const char *const figs[4] = {"EAD without, a year", "EAD with, a year", "PV of benefits",
                                        "Benefit-cost ratio"};
    for (size_t e = 0; e < u->nelements; e++)
        for (int f = 0; f < 4; f++) {
            const nytte_unc_economics *z = &u->base_economics[e];
            double base = f == 0 ? z->ead_without : f == 1 ? z->ead_with : f == 2 ? z->pv_benefits : z->bcr;
            sb_add(b, "<tr><td>");
            if (f == 0)
                sb_xml(b, d->alloc->elements[e].id);
            sb_xmlf(b, "</td><td>%s</td><td class=\"n\">", figs[f]);
            if (f == 3)
                num(b, "%.2f", base);
            else
                report_money_kr(b, base);
            for (int q = 0; q < 3; q++) {
                const nytte_unc_economics *x = &u->economics_p[3 * e + (size_t)q];
                double v = f == 0 ? x->ead_without : f == 1 ? x->ead_with : f == 2 ? x->pv_benefits : x->bcr;
                sb_add(b, "</td><td class=\"n\">");
                if (f == 3)
                    num(b, "%.2f", v);
                else
                    report_money_kr(b, v);
            }
            sb_add(b, "</td></tr>\n");
        }
    sb_add(b, "</tbody>\n</table>\n");
}

static void decile_table(sbuf *b, const decile_box box[11])
{
    sb_add(b, "<table>\n<thead><tr><th class=\"n\">Decile</th><th class=\"n\">Owners</th>"
              "<th class=\"n\">Base amounts</th><th class=\"n\">P5 / base</th><th class=\"n\">P50 / base</th>"
              "<th class=\"n\">P95 / base</th><th class=\"n\">Stay in the decile</th>"
              "<th class=\"n\">Likely to pay 10 % more</th></tr></thead>\n<tbody>\n");
    for (int k = 1; k <= 10; k++) {
        const decile_box *x = &box[k];
        if (!x->n)
            continue;
        sb_printf(b, "<tr><td class=\"n\">%d</td><td class=\"n\">%zu</td><td class=\"n\">", k, x->n);
        report_money(b, x->lo);
        sb_add(b, " – ");
        report_money(b, x->hi);
        const double v[3] = {x->p5, x->p50, x->p95};
        for (int q = 0; q < 3; q++) {
            sb_add(b, "</td><td class=\"n\">");
            num(b, "%.3f", v[q]);
        }
        sb_add(b, "</td><td class=\"n\">");
        num(b, "%.0f %%", 100 * x->stable);
        sb_printf(b, "</td><td class=\"n\">%zu</td></tr>\n", x->likely_more);
    }
    sb_printf(b, "</tbody>\n</table>\n<p class=\"note\">%zu owners pay nothing in the base case; ", box[0].n);
    num(b, "%.0f %%", 100 * box[0].stable);
    sb_printf(b, " of the draws leave them paying nothing on average, and %zu of them pay more than nothing in more "
                 "than half the draws.</p>\n", box[0].likely_more);
}

void report_html_uncertainty(sbuf *b, const nytte_report_data *d)
{
    const nytte_unc_result *u = d->uncertainty;
    if (!u || !u->ndraws)
        return;
    decile_box box[11];
    sb_add(b, "<h2 id=\"uncertainty\">How sure are the amounts</h2>\n<p>The uncertain inputs below were drawn again "
              "and again; each draw's allocation sums to the pool to the øre, exactly as the base case's. Each "
              "owner's P5, P50 and P95 (owners.csv: <code>amount_p5_kr</code> … <code>rank_stable</code>) say that "
              "in 90 % of the draws the amount lay between P5 and P95. See docs/uncertainty.md for how to read the "
              "bands.</p>\n");
    inputs_table(b, d);
    sb_add(b, "<h3>Per element</h3>\n");
    economics_table(b, d);
    sb_add(b, "<h3>Per decile of the base case</h3>\n<p class=\"note\">The payers of the base case in ten groups by "
              "their amount. Per group, each owner's amount over the draws relative to the same owner's base amount: "
              "the box spans the medians of P5 and P95, the thick line is the median P50, the whisker the lowest P5 "
              "and the highest P95 in the group (shown up to 5×); the black line at 1× is the base case.</p>\n");
    if (decile_boxes(box, d)) {
        b->failed = 1;
        return;
    }
    decile_svg(b, box);
    decile_table(b, box);
}

/* ---- report.html: climate horizons ------------------------------------------------------ */

static int cmp_owner_desc(const void *a, const void *b, const nytte_alloc_result *r)
{
    int64_t x = r->owners[*(const size_t *)a].total_ore, y = r->owners[*(const size_t *)b].total_ore;
    return (x < y) - (x > y);
}

void report_html_horizons(sbuf *b, const nytte_report_data *d)
{
    const nytte_unc_result *u = d->uncertainty;
    if (!u || !u->nhorizons)
        return;
    const nytte_alloc_result *r = d->alloc;
    size_t ne = u->nelements, nh = u->nhorizons, no = r->nowners;
    sb_add(b, "<h2 id=\"horizons\">Climate horizons</h2>\n<p>The same project with the sea raised at every event by "
              "each horizon's rise (docs/uncertainty.md; take the rises from DMI's Klimaatlas or Kystdirektoratet). "
              "Every owner's amount per horizon is in horizons.csv, each element's figures in "
              "horizons_measures.csv.</p>\n<table>\n<thead><tr><th>Element</th><th></th><th class=\"n\">Base case</th>");
    for (size_t h = 0; h < nh; h++) {
        sb_printf(b, "<th class=\"n\">%d<span class=\"note\" style=\"display:block\">+", u->horizons[h].year);
        num(b, "%.2f m", u->horizons[h].rise);
        sb_add(b, "</span></th>");
    }
    sb_add(b, "</tr></thead>\n<tbody>\n");
    static const char *const figs[4] = {"EAD without, a year", "EAD with, a year", "Benefit-cost ratio", "Owners pay"};
    for (size_t e = 0; e < ne; e++)
        for (int f = 0; f < 4; f++) {
            sb_add(b, "<tr><td>");
            if (f == 0)
                sb_xml(b, r->elements[e].id);
            sb_xmlf(b, "</td><td>%s</td><td class=\"n\">", figs[f]);
            const nytte_unc_economics *z = &u->base_economics[e];
            if (f == 0)
                report_money_kr(b, z->ead_without);
            else if (f == 1)
                report_money_kr(b, z->ead_with);
            else if (f == 2)
                num(b, "%.2f", z->bcr);
            else
                report_money(b, r->elements[e].pool.pool_ore - r->elements[e].residual_ore);
            for (size_t h = 0; h < nh; h++) {
                const nytte_unc_economics *c = &u->horizon_economics[h * ne + e];
                sb_add(b, "</td><td class=\"n\">");
                if (f == 0)
                    report_money_kr(b, c->ead_without);
                else if (f == 1)
                    report_money_kr(b, c->ead_with);
                else if (f == 2)
                    num(b, "%.2f", c->bcr);
                else
                    report_money(b, u->horizon_pool_ore[h * ne + e]);
            }
            sb_add(b, "</td></tr>\n");
        }
    sb_add(b, "</tbody>\n</table>\n");
    /* the owners who pay most in the base case */
    size_t *idx = malloc((no ? no : 1) * sizeof *idx), n = 0;
    if (!idx) {
        b->failed = 1;
        return;
    }
    for (size_t o = 0; o < no; o++)
        if (r->owners[o].total_ore > 0)
            idx[n++] = o;
    /* insertion sort by amount, then id order (stable): few owners are shown */
    for (size_t i = 1; i < n; i++)
        for (size_t j = i; j > 0 && cmp_owner_desc(&idx[j - 1], &idx[j], r) > 0; j--) {
            size_t t = idx[j];
            idx[j] = idx[j - 1];
            idx[j - 1] = t;
        }
    size_t show = n < 20 ? n : 20;
    sb_printf(b, "<p class=\"note\">The %zu owners who pay most in the base case:</p>\n<table>\n<thead><tr>"
                 "<th>Owner</th><th class=\"n\">Base case</th>", show);
    for (size_t h = 0; h < nh; h++)
        sb_printf(b, "<th class=\"n\">%d</th>", u->horizons[h].year);
    sb_add(b, "</tr></thead>\n<tbody>\n");
    for (size_t i = 0; i < show; i++) {
        size_t o = idx[i];
        sb_xmlf(b, "<tr><td>%s</td><td class=\"n\">", r->owners[o].id);
        report_money(b, r->owners[o].total_ore);
        for (size_t h = 0; h < nh; h++) {
            sb_add(b, "</td><td class=\"n\">");
            report_money(b, u->horizon_owner_ore[h * no + o]);
        }
        sb_add(b, "</td></tr>\n");
    }
    sb_add(b, "</tbody>\n</table>\n");
    free(idx);
}

/* ---- manifest.json ------------------------------------------------------------------------ */

static void jnum(sbuf *b, const char *name, double v)
{
    if (v == v && v - v == 0)
        sb_printf(b, ", \"%s\": %.6g", name, v);
    else
        sb_printf(b, ", \"%s\": null", name);
}

void report_manifest_uncertainty_settings(sbuf *b, const nytte_report_data *d)
{
    const nytte_project *p = d->project;
    if (p->has_uncertainty) {
        char buf[512];
        sb_printf(b, ",\n  \"uncertainty\": {\"draws\": %d, \"seed\": %llu", p->uncertainty.draws,
                  (unsigned long long)p->uncertainty.seed);
        for (int i = 0; i < NYTTE_UNC_NINPUTS; i++) {
            if (p->uncertainty.input[i].kind == NYTTE_UNC_NONE)
                continue;
            sb_printf(b, ", \"%s\": ", nytte_unc_input_name((nytte_unc_input)i));
            sb_json(b, nytte_unc_dist_text(buf, sizeof buf, &p->uncertainty.input[i]));
        }
        sb_add(b, "}");
    }
    if (p->nhorizons) {
        sb_add(b, ",\n  \"horizons\": [");
        for (size_t h = 0; h < p->nhorizons; h++)
            sb_printf(b, "%s{\"year\": %d, \"sea_level_rise_m\": %g}", h ? ", " : "", p->horizons[h].year,
                      p->horizons[h].rise);
        sb_add(b, "]");
    }
}

void report_manifest_uncertainty_totals(sbuf *b, const nytte_report_data *d)
{
    const nytte_unc_result *u = d->uncertainty;
    if (!u)
        return;
    size_t ne = u->nelements;
    sb_printf(b, ",\n    \"uncertainty\": {\"draws\": %d, \"allocated\": %d, \"first_not_allocated\": %ld", u->ndraws,
              u->nok, u->first_failed);
    sb_add(b, ", \"elements\": [");
    for (size_t e = 0; u->ndraws && e < ne; e++) {
        sb_add(b, e ? ",\n      {\"id\": " : "\n      {\"id\": ");
        sb_json(b, d->alloc->elements[e].id);
        static const char *const q[3] = {"p5", "p50", "p95"};
        char name[64];
        for (int k = 0; k < 3; k++) {
            const nytte_unc_economics *x = &u->economics_p[3 * e + (size_t)k];
            snprintf(name, sizeof name, "ead_without_%s", q[k]);
            jnum(b, name, x->ead_without);
            snprintf(name, sizeof name, "ead_with_%s", q[k]);
            jnum(b, name, x->ead_with);
            snprintf(name, sizeof name, "benefit_cost_ratio_%s", q[k]);
            jnum(b, name, x->bcr);
        }
        sb_add(b, "}");
    }
    sb_add(b, "]}");
    if (!u->nhorizons)
        return;
    sb_add(b, ",\n    \"horizons\": [");
    for (size_t h = 0; h < u->nhorizons; h++) {
        sb_printf(b, "%s{\"year\": %d, \"elements\": [", h ? ",\n      " : "\n      ", u->horizons[h].year);
        for (size_t e = 0; e < ne; e++) {
            const nytte_unc_economics *c = &u->horizon_economics[h * ne + e];
            sb_add(b, e ? ", {\"id\": " : "{\"id\": ");
            sb_json(b, d->alloc->elements[e].id);
            jnum(b, "ead_without", c->ead_without);
            jnum(b, "ead_with", c->ead_with);
            jnum(b, "benefit_cost_ratio", c->bcr);
            sb_printf(b, ", \"owners_pay_ore\": %lld}", (long long)u->horizon_pool_ore[h * ne + e]);
        }
        sb_add(b, "]}");
    }
    sb_add(b, "]");
}
