/*
 * compare.c — each model of the report's comparison described in words for the council
 * (the comparison itself is nytte_alloc_compare), and the per-owner table of a comparison
 * for `nytte compare --csv`.
 */
#include "report/report_int.h"

#include <errno.h>
#include <stdio.h>

#include <stdlib.h>
#include <string.h>

char *nytte_report_model_words(char *buf, size_t size, const nytte_alloc_config *c)
{
    sbuf b = {0};
    switch (c->model) {
    case NYTTE_ALLOC_BENEFIT:
        sb_add(&b, "Benefit: each property pays in proportion to the present value of the flood damage the "
                   "measure avoids on it (expected annual damage without minus with, discounted).");
        break;
    case NYTTE_ALLOC_PARTS:
        sb_printf(&b, "Parts: each property is given parts by a rule table (base %g, per plot %g, per house %g, "
                      "plot flooded %g, building flooded %g, access road %g",
                  c->parts.base, c->parts.per_plot, c->parts.per_house, c->parts.plot_flooded,
                  c->parts.building_flooded, c->parts.access_road);
        if (c->parts.kote == c->parts.kote)
            sb_printf(&b, ", below kote %.2f m: plot %g, house %g", c->parts.kote, c->parts.below_plot,
                      c->parts.below_house);
        sb_add(&b, "); the cost is split in proportion to the parts.");
        break;
    case NYTTE_ALLOC_ZONES:
        sb_add(&b, "Zones: weight = band factor × use factor × floor area (at least ");
        sb_printf(&b, "%g m²). The band is set by the lowest ground level of the plot:", c->zones.min_area);
        for (size_t k = 0; k < c->zones.nbands; k++)
            sb_printf(&b, "%s up to kote %.2f m factor %g", k ? ";" : "", c->zones.upper[k], c->zones.factor[k]);
        sb_add(&b, "; higher plots pay nothing. Use factors:");
        for (int u = 0; u < NYTTE_USE_COUNT; u++)
            sb_printf(&b, "%s %s %g", u ? "," : "", nytte_use_name((nytte_use)u), c->zones.use_factor[u]);
        sb_add(&b, ". The cost is split in proportion to the weights.");
        break;
    case NYTTE_ALLOC_VALUE_LEVY:
        sb_add(&b, "Value levy: weight = a per mille rate of the public property value by risk zone (");
        for (int k = 1; k < 3 && k < NYTTE_ALLOC_MAX_RISK_ZONES; k++)
            sb_printf(&b, "%szone %d: %g ‰", k > 1 ? ", " : "", k, c->levy.permille[k]);
        sb_add(&b, "); the cost is split in proportion.");
        break;
    case NYTTE_ALLOC_AREA:
        sb_printf(&b, "Area: weight = %g × building area + %g × plot area (m²); the cost is split in proportion.",
                  c->area.a_building, c->area.b_plot);
        break;
    case NYTTE_ALLOC_EQUAL:
        sb_add(&b, "Equal: every property in the benefit area pays the same.");
        break;
    case NYTTE_ALLOC_HYBRID:
        sb_add(&b, "Hybrid: a weighted mix of the normalised weights of");
        for (size_t k = 0; k < c->hybrid.n; k++)
            sb_printf(&b, "%s %g × %s", k ? "," : "", c->hybrid.mix[k].fraction,
                      nytte_alloc_model_name(c->hybrid.mix[k].model));
        sb_add(&b, ".");
        break;
    default:
        sb_printf(&b, "Model %s.", nytte_alloc_model_name(c->model));
        break;
    }
    if (c->rules.exempt_unbuilt)
        sb_add(&b, " Unbuilt plots are dormant and pay nothing until built.");
    if (c->rules.exempt_land_only)
        sb_add(&b, " Plots that flood while their buildings stay dry pay nothing.");
    const nytte_money_style kr = NYTTE_MONEY_KR;
    char amount[48];
    if (c->rules.min_ore > 0)
        sb_printf(&b, " Minimum payment %s.", nytte_money_format(amount, sizeof amount, &kr, c->rules.min_ore));
    if (c->rules.max_ore > 0)
        sb_printf(&b, " Maximum payment %s.", nytte_money_format(amount, sizeof amount, &kr, c->rules.max_ore));
    char mult[32] = "";
    if (c->rules.benefit_multiple != 1.0)
        snprintf(mult, sizeof mult, "%g × ", c->rules.benefit_multiple);
    if (c->rules.benefit_cap == NYTTE_BENEFIT_CAP_CAP)
        sb_printf(&b, " No property pays more than %sits own benefit (the present value of the damage avoided on it); "
                      "what the others cannot cover is paid by %s.",
                  mult, c->rules.residual_payer ? c->rules.residual_payer : "the residual payer");
    else if (c->rules.benefit_cap == NYTTE_BENEFIT_CAP_WARN)
        sb_printf(&b, " Properties that pay more than %stheir own benefit are listed, not limited.", mult);
    if (c->rules.compensate_harmed)
        sb_add(&b, " Properties the measure harms are paid their loss back out of the pool.");
    snprintf(buf, size, "%s", b.s && !b.failed ? b.s : "");
    free(b.s);
    return buf;
}

/* ---- the per-owner table of a comparison ------------------------------------------ */

typedef struct cmp_row {
    const char *id;
    int64_t ore[2 * NYTTE_ALLOC_MODEL_COUNT]; /* the amounts under each model, then the differences */
} cmp_row;

int nytte_report_compare_table(nytte_ctx *ctx, const char *path, const nytte_alloc_result *base,
                               const nytte_alloc_comparison *c, size_t n, const nytte_csv_opts *o)
{
    nytte_csv_opts standard = NYTTE_CSV_OPTS_INIT;
    report_col cols[1 + 2 * NYTTE_ALLOC_MODEL_COUNT];
    char names[2 * NYTTE_ALLOC_MODEL_COUNT][96];
    size_t ncols = 0, nran = 0, run[NYTTE_ALLOC_MODEL_COUNT];
    cols[ncols++] = (report_col){"owner_id", NULL, REPORT_COL_TEXT, 0, offsetof(cmp_row, id)};
    for (size_t i = 0; i < n && nran < NYTTE_ALLOC_MODEL_COUNT; i++)
        if (c[i].rc == NYTTE_OK && c[i].nowners == base->nowners)
            run[nran++] = i;
    for (size_t k = 0; k < nran; k++) {
        snprintf(names[k], sizeof names[k], "%s_kr", nytte_alloc_model_name(c[run[k]].model));
        cols[ncols++] = (report_col){names[k], NULL, REPORT_COL_MONEY, 0, offsetof(cmp_row, ore) + k * sizeof(int64_t)};
    }
    for (size_t k = 1; k < nran; k++) {
        snprintf(names[nran + k], sizeof names[nran + k], "%s_minus_%s_kr", nytte_alloc_model_name(c[run[k]].model),
                 nytte_alloc_model_name(c[run[0]].model));
        cols[ncols++] = (report_col){names[nran + k], NULL, REPORT_COL_MONEY, 0,
                                     offsetof(cmp_row, ore) + (nran + k) * sizeof(int64_t)};
    }
    cmp_row *rows = calloc(base->nowners ? base->nowners : 1, sizeof *rows);
    char *part = malloc(strlen(path) + sizeof ".part.xlsx");
    if (!rows || !part) {
        free(rows);
        free(part);
        return nytte_nomem(ctx, "%s", path);
    }
    for (size_t ow = 0; ow < base->nowners; ow++) {
        rows[ow].id = base->owners[ow].id;
        for (size_t k = 0; k < nran; k++) {
            rows[ow].ore[k] = c[run[k]].owner_ore[ow];
            if (k)
                rows[ow].ore[nran + k] = c[run[k]].owner_ore[ow] - c[run[0]].owner_ore[ow];
        }
    }
    size_t len = strlen(path);
    bool xlsx = len >= 5 && !strcmp(path + len - 5, ".xlsx");
    /* the spreadsheet driver wants its extension: "x.part.xlsx" */
    if (xlsx)
        sprintf(part, "%.*s.part.xlsx", (int)(len - 5), path);
    else
        sprintf(part, "%s.part", path);
    const report_table t = {"comparison", cols, ncols, rows, sizeof *rows, base->nowners, false, 0};
    int rc = xlsx ? report_table_layer(ctx, &t, REPORT_XLSX, part, NULL, false)
                  : report_table_csv(ctx, &t, part, o ? o : &standard);
    if (!rc && rename(part, path) != 0)
        rc = nytte_error(ctx, NYTTE_EIO, "%s: cannot rename into place: %s", path, strerror(errno));
    if (rc)
        remove(part);
    free(rows);
    free(part);
    return rc;
}
