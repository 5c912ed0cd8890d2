/*
 * report.c — the tables and layers: owners.csv/.xlsx, parcels.csv, parcels.gpkg
 * (parcels, buildings, measures), parcels.shp on request; then the styles, the
 * report and the rest through the other files of this folder.
 *
 * Each output layer is a column table (table.h): a row struct, the one declaration of
 * its columns below, and a function that fills a row. The writers of table.c turn it
 * into every file the layer goes to. Column names and order are part of the interface
 * (docs/outputs.md): add columns at the end, never rename.
 */
#include "nytte/report.h"

#include "nytte/io.h"

#include "report/report_int.h"

#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NCOLS(cols) (sizeof(cols) / sizeof(cols)[0])

/* ---- owners: owners.csv, owners.xlsx ------------------------------------------- */

typedef struct owner_row {
    const char *id, *name;
    int64_t nparcels;
    const char *parcels; /* owned */
    int64_t amount, yearly;
    const char *loan;
    int64_t payments;
    int64_t first_payment, last_payment, first_year, total_repaid, interest;
    double property_value;
    const char *model, *ead_rule;
    const char *explanation; /* owned */
    /* with uncertainty: the bands over the draws (docs/uncertainty.md) */
    int64_t p5, p50, p95, year_p5, year_p50, year_p95;
    double p_more;
    int64_t decile;
    double rank_stable;
} owner_row;

#define O(member) offsetof(owner_row, member)
static const report_col owner_cols[] = {
    {"owner_id", NULL, REPORT_COL_TEXT, 0, O(id)},
    {"owner_name", NULL, REPORT_COL_TEXT, 0, O(name)},
    {"n_parcels", NULL, REPORT_COL_INT, 0, O(nparcels)},
    {"parcels", NULL, REPORT_COL_LONG_TEXT, 0, O(parcels)},
    {"amount_kr", NULL, REPORT_COL_MONEY, 0, O(amount)},
    {"yearly_om_kr", NULL, REPORT_COL_MONEY, 0, O(yearly)},
    {"loan", NULL, REPORT_COL_TEXT, 0, O(loan)},
    {"payments", NULL, REPORT_COL_INT, 0, O(payments)},
    {"first_payment_kr", NULL, REPORT_COL_MONEY, 0, O(first_payment)},
    {"last_payment_kr", NULL, REPORT_COL_MONEY, 0, O(last_payment)},
    {"first_year_kr", NULL, REPORT_COL_MONEY, 0, O(first_year)},
    {"total_repaid_kr", NULL, REPORT_COL_MONEY, 0, O(total_repaid)},
    {"interest_kr", NULL, REPORT_COL_MONEY, 0, O(interest)},
    {"property_value_kr", NULL, REPORT_COL_REAL, 0, O(property_value)},
    {"model", NULL, REPORT_COL_TEXT, 0, O(model)},
    {"ead_rule", NULL, REPORT_COL_TEXT, 0, O(ead_rule)},
    {"explanation", NULL, REPORT_COL_PROSE, 0, O(explanation)},
    /* the last columns, only with uncertainty: */
    {"amount_p5_kr", NULL, REPORT_COL_MONEY, 0, O(p5)},
    {"amount_p50_kr", NULL, REPORT_COL_MONEY, 0, O(p50)},
    {"amount_p95_kr", NULL, REPORT_COL_MONEY, 0, O(p95)},
    {"first_year_p5_kr", NULL, REPORT_COL_MONEY, 0, O(year_p5)},
    {"first_year_p50_kr", NULL, REPORT_COL_MONEY, 0, O(year_p50)},
    {"first_year_p95_kr", NULL, REPORT_COL_MONEY, 0, O(year_p95)},
    {"p_more_10pct", NULL, REPORT_COL_REAL, 4, O(p_more)},
    {"decile", NULL, REPORT_COL_INT, 0, O(decile)},
    {"rank_stable", NULL, REPORT_COL_REAL, 4, O(rank_stable)},
};
#undef O
#define OWNER_UNC_COLS 9 /* the last columns: with draws only */

static void owner_rows_free(owner_row *rows, size_t n)
{
    for (size_t i = 0; rows && i < n; i++) {
        free((void *)rows[i].parcels);
        free((void *)rows[i].explanation);
    }
    free(rows);
}

/* Owner o's row; its parcel list and explanation are new strings. NYTTE_ENOMEM, or NYTTE_OK. */
static int owner_row_of(owner_row *row, const nytte_report_data *d, size_t o)
{
    const nytte_alloc_owner *ow = &d->alloc->owners[o];
    const nytte_loan *ln = &d->loans[o];
    sbuf parcels = {0}, expl = {0};
    size_t n = report_owner_parcels(d, o, &parcels, &expl);
    *row = (owner_row){
        .id = ow->id,
        .name = report_owner_name(d->inputs, ow->id),
        .nparcels = (int64_t)n,
        .parcels = parcels.s,
        .amount = ow->total_ore,
        .yearly = ow->yearly_ore,
        .loan = ln->principal < 0 ? "paid back" : nytte_loan_kind_name(d->project->loan.kind),
        .payments = ln->npayments,
        .first_payment = ln->first_payment,
        .last_payment = ln->last_payment,
        .first_year = ln->first_year,
        .total_repaid = ln->total,
        .interest = ln->interest,
        .property_value = ow->value_kr,
        .model = nytte_alloc_model_name(d->project->alloc.model),
        .ead_rule = d->ead_rule,
        .explanation = expl.s,
    };
    const nytte_unc_result *u = d->uncertainty;
    if (u && u->owners) {
        const nytte_unc_owner *uo = &u->owners[o];
        row->p5 = uo->p5, row->p50 = uo->p50, row->p95 = uo->p95;
        row->year_p5 = uo->year_p5, row->year_p50 = uo->year_p50, row->year_p95 = uo->year_p95;
        row->p_more = uo->p_more, row->decile = uo->decile, row->rank_stable = uo->rank_stable;
    }
    return parcels.failed || expl.failed ? NYTTE_ENOMEM : NYTTE_OK;
}

static int write_owners(nytte_ctx *ctx, const nytte_report_data *d, const char *dir, const nytte_csv_opts *o)
{
    size_t n = d->alloc->nowners;
    owner_row *rows = calloc(n ? n : 1, sizeof *rows);
    char path[4400];
    int rc = NYTTE_OK;
    snprintf(path, sizeof path, "%s/owners.csv", dir);
    for (size_t i = 0; rows && i < n && !rc; i++)
        rc = owner_row_of(&rows[i], d, i);
    if (!rows || rc) {
        rc = nytte_nomem(ctx, "%s", path);
        goto cleanup;
    }
    bool unc = d->uncertainty && d->uncertainty->owners;
    const report_table t = {"owners", owner_cols, NCOLS(owner_cols) - (unc ? 0 : OWNER_UNC_COLS), rows, sizeof *rows,
                            n, false, 0};
    if ((rc = report_table_csv(ctx, &t, path, o)))
        goto cleanup;
    snprintf(path, sizeof path, "%s/owners.xlsx", dir);
    rc = report_table_layer(ctx, &t, REPORT_XLSX, path, NULL, false);
cleanup:
    owner_rows_free(rows, n);
    return rc;
}

/* ---- parcels: parcels.csv, the parcels layer, parcels.shp ------------------------ */

typedef struct parcel_row {
    const char *id;
    const char *owners; /* owned */
    double area, outside_area, ground_min, ground_mean, wet_design, depth_design;
    int64_t risk_zone, nbuildings;
    double floor_area;
    int64_t building_flooded;
    double value, ead_without, ead_with, avoided, benefit_pv, property_value;
    int64_t in_area;
    const char *exempt;
    double weight, share;
    int64_t amount, yearly;
    const char *explanation; /* owned */
    double benefit_ratio;
    int64_t harmed;
    int64_t p5, p50, p95; /* with uncertainty */
    const nytte_geom *geom;
} parcel_row;

/* The layer's name, the Shapefile's name (10 characters at most), the kind, CSV decimals. */
#define P(member) offsetof(parcel_row, member)
static const report_col parcel_cols[] = {
    {"parcel_id", "parcel_id", REPORT_COL_TEXT, 0, P(id)},
    {"owners", "owners", REPORT_COL_LONG_TEXT, 0, P(owners)},
    {"area_m2", "area_m2", REPORT_COL_REAL, 2, P(area)},
    {"outside_terrain_m2", "out_ter_m2", REPORT_COL_REAL, 2, P(outside_area)},
    {"ground_min_m", "gr_min_m", REPORT_COL_REAL, 2, P(ground_min)},
    {"ground_mean_m", "gr_mean_m", REPORT_COL_REAL, 2, P(ground_mean)},
    {"wet_design_m2", "wet_des_m2", REPORT_COL_REAL, 2, P(wet_design)},
    {"depth_design_m", "dep_des_m", REPORT_COL_REAL, 2, P(depth_design)},
    {"risk_zone", "risk_zone", REPORT_COL_INT, 0, P(risk_zone)},
    {"n_buildings", "n_bldg", REPORT_COL_INT, 0, P(nbuildings)},
    {"floor_area_m2", "floor_m2", REPORT_COL_REAL, 2, P(floor_area)},
    {"building_flooded", "bldg_flood", REPORT_COL_INT, 0, P(building_flooded)},
    {"building_value_kr", "bldg_val", REPORT_COL_REAL, 2, P(value)},
    {"ead_without_kr", "ead_wo_kr", REPORT_COL_REAL, 2, P(ead_without)},
    {"ead_with_kr", "ead_w_kr", REPORT_COL_REAL, 2, P(ead_with)},
    {"avoided_ead_kr", "avoid_ead", REPORT_COL_REAL, 2, P(avoided)},
    {"benefit_pv_kr", "benef_pv", REPORT_COL_REAL, 2, P(benefit_pv)},
    {"property_value_kr", "prop_val", REPORT_COL_REAL, 2, P(property_value)},
    {"in_area", "in_area", REPORT_COL_INT, 0, P(in_area)},
    {"exempt", "exempt", REPORT_COL_TEXT, 0, P(exempt)},
    {"weight", "weight", REPORT_COL_REAL, 9, P(weight)},
    {"share", "share", REPORT_COL_REAL, 9, P(share)},
    {"amount_kr", "amount_kr", REPORT_COL_MONEY, 0, P(amount)},
    {"amount_ore", "amount_ore", REPORT_COL_INT, 0, P(amount)},
    {"yearly_om_kr", "yearly_om", REPORT_COL_MONEY, 0, P(yearly)},
    {"explanation", "explain", REPORT_COL_PROSE, 0, P(explanation)},
    {"benefit_ratio", "ben_ratio", REPORT_COL_REAL, 4, P(benefit_ratio)},
    {"harmed", "harmed", REPORT_COL_INT, 0, P(harmed)},
    /* the last columns, only with uncertainty: */
    {"amount_p5_kr", "amt_p5", REPORT_COL_MONEY, 0, P(p5)},
    {"amount_p50_kr", "amt_p50", REPORT_COL_MONEY, 0, P(p50)},
    {"amount_p95_kr", "amt_p95", REPORT_COL_MONEY, 0, P(p95)},
};
#undef P
#define PARCEL_UNC_COLS 3

static void parcel_rows_free(parcel_row *rows, size_t n)
{
    for (size_t i = 0; rows && i < n; i++) {
        free((void *)rows[i].owners);
        free((void *)rows[i].explanation);
    }
    free(rows);
}

/* Parcel i's row, but its owners (parcel_rows adds them). NYTTE_ENOMEM, or NYTTE_OK. */
static int parcel_row_of(parcel_row *row, const nytte_report_data *d, size_t i)
{
    const nytte_inputs *in = d->inputs;
    const nytte_alloc_result *r = d->alloc;
    const nytte_parcel_metrics *m = &d->metrics[i];
    size_t np = in->nparcels;
    /* per-parcel totals over the elements; the exemption of the first element that exempts it */
    int64_t in_area = 0;
    const char *exempt = "";
    double weight = 0, share = 0, ratio = NAN;
    int64_t harmed = 0;
    for (size_t e = 0; e < r->nelements; e++) {
        const nytte_alloc_line *l = &r->lines[e * np + i];
        in_area = in_area || l->in_area;
        harmed = harmed || l->harmed;
        if (l->benefit_ratio == l->benefit_ratio && !(l->benefit_ratio <= ratio))
            ratio = l->benefit_ratio;
        if (l->in_area && l->exempt != NYTTE_EXEMPT_NONE && !*exempt)
            exempt = nytte_alloc_exempt_reason(l->exempt);
        weight += l->weight;
        share += l->share;
    }
    char *line = NULL;
    if (d->explainer && nytte_alloc_parcel_summary(&line, d->explainer, i) != NYTTE_OK)
        return NYTTE_ENOMEM;
    *row = (parcel_row){
        .id = in->parcels[i].id,
        .area = in->parcels[i].area,
        .outside_area = m->outside_area,
        .ground_min = m->ground_min,
        .ground_mean = m->ground_mean,
        .wet_design = m->wet_design,
        .depth_design = m->depth_design,
        .risk_zone = m->risk_zone,
        .nbuildings = m->nbuildings,
        .floor_area = m->floor_area,
        .building_flooded = m->building_flooded,
        .value = m->value,
        .ead_without = m->ead_without,
        .ead_with = m->ead_with,
        .avoided = m->ead_without - m->ead_with,
        .benefit_pv = m->benefit_pv,
        .property_value = in->parcels[i].property_value,
        .in_area = in_area,
        .exempt = exempt,
        .weight = weight,
        .share = share,
        .amount = r->parcel_ore[i],
        .yearly = r->parcel_yearly_ore[i],
        .explanation = line ? line : strdup(""),
        .benefit_ratio = ratio,
        .harmed = harmed,
        .geom = &in->parcels[i].geom,
    };
    if (d->uncertainty && d->uncertainty->parcels) {
        const nytte_unc_parcel *up = &d->uncertainty->parcels[i];
        row->p5 = up->p5, row->p50 = up->p50, row->p95 = up->p95;
    }
    return row->explanation ? NYTTE_OK : NYTTE_ENOMEM;
}

/* Every parcel's row, with its owner ids joined by "; " in the order of the holdings. */
static int parcel_rows(parcel_row *rows, const nytte_report_data *d)
{
    const nytte_inputs *in = d->inputs;
    for (size_t i = 0; i < in->nparcels; i++)
        if (parcel_row_of(&rows[i], d, i))
            return NYTTE_ENOMEM;
    for (size_t h = 0; h < in->nholdings; h++) {
        parcel_row *row = &rows[in->holdings[h].parcel];
        size_t n = row->owners ? strlen(row->owners) : 0;
        sbuf b = {(char *)row->owners, n, row->owners ? n + 1 : 0, 0};
        if (b.n)
            sb_add(&b, "; ");
        sb_add(&b, in->owners[in->holdings[h].owner].id);
        row->owners = b.s;
        if (b.failed)
            return NYTTE_ENOMEM;
    }
    return NYTTE_OK;
}

/* parcels.shp, and parcels_fields.csv: the documented mapping between the names. */
static int write_shapefile(nytte_ctx *ctx, const report_table *t, const char *dir, const char *crs_wkt)
{
    char path[4400];
    snprintf(path, sizeof path, "%s/parcels.shp", dir);
    int rc = report_table_layer(ctx, t, REPORT_SHP, path, crs_wkt, false);
    if (rc)
        return rc;
    snprintf(path, sizeof path, "%s/parcels_fields.csv", dir);
    return report_table_shp_names(ctx, t, path);
}

static int write_parcels(nytte_ctx *ctx, const nytte_report_data *d, const char *dir, const nytte_csv_opts *o)
{
    const nytte_inputs *in = d->inputs;
    size_t np = in->nparcels;
    parcel_row *rows = calloc(np ? np : 1, sizeof *rows);
    char path[4400];
    int rc = NYTTE_OK;
    snprintf(path, sizeof path, "%s/parcels.csv", dir);
    if (!rows || parcel_rows(rows, d)) {
        rc = nytte_nomem(ctx, "%s", path);
        goto cleanup;
    }
    size_t ncols = NCOLS(parcel_cols) - (d->uncertainty && d->uncertainty->parcels ? 0 : PARCEL_UNC_COLS);
    const report_table t = {"parcels", parcel_cols, ncols, rows, sizeof *rows, np, true, offsetof(parcel_row, geom)};
    if ((rc = report_table_csv(ctx, &t, path, o)))
        goto cleanup;
    snprintf(path, sizeof path, "%s/parcels.gpkg", dir);
    if ((rc = report_table_layer(ctx, &t, REPORT_GPKG, path, in->crs_wkt, false)))
        goto cleanup;
    if (d->project->shapefile)
        rc = write_shapefile(ctx, &t, dir, in->crs_wkt);
cleanup:
    parcel_rows_free(rows, np);
    return rc;
}

/* ---- buildings (a layer of parcels.gpkg) ----------------------------------------- */

typedef struct building_row {
    const char *id, *parcel_id, *use;
    double floor_area, floor_height, value, depth_max, depth_mean, ead_without, ead_with, avoided;
    const char *parcel_from, *use_from, *floor_area_from;
    int64_t parcel_tie;
    const nytte_geom *geom;
} building_row;

#define B(member) offsetof(building_row, member)
static const report_col building_cols[] = {
    {"building_id", NULL, REPORT_COL_TEXT, 0, B(id)},
    {"parcel_id", NULL, REPORT_COL_TEXT, 0, B(parcel_id)},
    {"use", NULL, REPORT_COL_TEXT, 0, B(use)},
    {"floor_area_m2", NULL, REPORT_COL_REAL, 2, B(floor_area)},
    {"floor_height_m", NULL, REPORT_COL_REAL, 2, B(floor_height)},
    {"value_kr", NULL, REPORT_COL_REAL, 2, B(value)},
    {"depth_design_m", NULL, REPORT_COL_REAL, 2, B(depth_max)},
    {"depth_design_mean_m", NULL, REPORT_COL_REAL, 2, B(depth_mean)},
    {"ead_without_kr", NULL, REPORT_COL_REAL, 2, B(ead_without)},
    {"ead_with_kr", NULL, REPORT_COL_REAL, 2, B(ead_with)},
    {"avoided_ead_kr", NULL, REPORT_COL_REAL, 2, B(avoided)},
    {"parcel_from", NULL, REPORT_COL_TEXT, 0, B(parcel_from)},
    {"parcel_tie", NULL, REPORT_COL_INT, 0, B(parcel_tie)},
    {"use_from", NULL, REPORT_COL_TEXT, 0, B(use_from)},
    {"floor_area_from", NULL, REPORT_COL_TEXT, 0, B(floor_area_from)},
};
#undef B

static void building_row_of(building_row *row, const nytte_report_data *d, size_t b)
{
    const nytte_inputs *in = d->inputs;
    const nytte_building *bd = &in->buildings[b];
    const nytte_zonal_stats *st = d->building_design ? &d->building_design[b * d->building_stride] : NULL;
    double wo = d->building_ead_without ? d->building_ead_without[b] : NAN;
    double w = d->building_ead_with ? d->building_ead_with[b] : NAN;
    *row = (building_row){
        .id = bd->id,
        .parcel_id = in->parcels[bd->parcel].id,
        .use = nytte_use_name(bd->use),
        .floor_area = bd->floor_area,
        .floor_height = bd->floor_height,
        .value = bd->value,
        /* dry (no water on the footprint) is depth 0, as in parcels.depth_design_m */
        .depth_max = !st ? NAN : st->max == st->max ? st->max : 0.0,
        .depth_mean = !st ? NAN : st->mean == st->mean ? st->mean : 0.0,
        .ead_without = wo,
        .ead_with = w,
        .avoided = wo - w,
        .parcel_from = nytte_from_name((nytte_from)bd->parcel_from),
        .parcel_tie = bd->parcel_tie,
        .use_from = nytte_from_name((nytte_from)bd->use_from),
        .floor_area_from = nytte_from_name((nytte_from)bd->floor_area_from),
        .geom = &bd->geom,
    };
}

static int write_buildings(nytte_ctx *ctx, const nytte_report_data *d, const char *gpkg)
{
    size_t nb = d->inputs->nbuildings;
    if (nb == 0)
        return NYTTE_OK;
    building_row *rows = calloc(nb, sizeof *rows);
    if (!rows)
        return nytte_nomem(ctx, "%s: buildings", gpkg);
    for (size_t b = 0; b < nb; b++)
        building_row_of(&rows[b], d, b);
    const report_table t = {"buildings", building_cols, NCOLS(building_cols), rows, sizeof *rows, nb, true,
                            offsetof(building_row, geom)};
    int rc = report_table_layer(ctx, &t, REPORT_GPKG, gpkg, d->inputs->crs_wkt, true);
    free(rows);
    return rc;
}

/* ---- buildings_unassigned.csv: the buildings on no parcel, left out -------------- */

typedef struct unassigned_row {
    const char *id, *reason;
    int64_t feature;
    double x, y;
} unassigned_row;

#define U(member) offsetof(unassigned_row, member)
static const report_col unassigned_cols[] = {
    {"building_id", NULL, REPORT_COL_TEXT, 0, U(id)},
    {"feature", NULL, REPORT_COL_INT, 0, U(feature)},
    {"reason", NULL, REPORT_COL_TEXT, 0, U(reason)},
    {"x", NULL, REPORT_COL_REAL, 2, U(x)},
    {"y", NULL, REPORT_COL_REAL, 2, U(y)},
};
#undef U

/* Written whenever the buildings were put onto parcels by their footprint, even with no row. */
static int write_unassigned(nytte_ctx *ctx, const nytte_report_data *d, const char *dir, const nytte_csv_opts *o)
{
    const nytte_building_notes *n = &d->inputs->bnotes;
    if (!d->project->buildings.given || !n->by_footprint)
        return NYTTE_OK;
    unassigned_row *rows = calloc(n->nunassigned ? n->nunassigned : 1, sizeof *rows);
    if (!rows)
        return nytte_nomem(ctx, "buildings_unassigned.csv");
    for (size_t i = 0; i < n->nunassigned; i++) {
        const nytte_unassigned *u = &n->unassigned[i];
        rows[i] = (unassigned_row){u->id, u->point ? "point on no parcel" : "footprint on no parcel", u->fid, u->x,
                                   u->y};
    }
    const report_table t = {"buildings_unassigned", unassigned_cols, NCOLS(unassigned_cols), rows, sizeof *rows,
                            n->nunassigned, false, 0};
    char path[4400];
    int rc = report_table_csv(ctx, &t, report_join(path, sizeof path, dir, "buildings_unassigned.csv"), o);
    free(rows);
    return rc;
}

/* ---- measures (a layer of parcels.gpkg): one row per feature of every element ----- */

typedef struct measure_row {
    const char *id, *name;
    double crest;
    int64_t capex, om_per_year, lifetime, deducted, pool, yearly_pool, payers;
    double length;
    int64_t residual;
    const char *residual_payer;
    double bcr;
    const nytte_geom *geom;
} measure_row;

#define M(member) offsetof(measure_row, member)
static const report_col measure_cols[] = {
    {"measure_id", NULL, REPORT_COL_TEXT, 0, M(id)},
    {"name", NULL, REPORT_COL_TEXT, 0, M(name)},
    {"crest_m", NULL, REPORT_COL_REAL, 2, M(crest)},
    {"capex_kr", NULL, REPORT_COL_MONEY, 0, M(capex)},
    {"om_per_year_kr", NULL, REPORT_COL_MONEY, 0, M(om_per_year)},
    {"lifetime_years", NULL, REPORT_COL_INT, 0, M(lifetime)},
    {"deductions_kr", NULL, REPORT_COL_MONEY, 0, M(deducted)},
    {"pool_kr", NULL, REPORT_COL_MONEY, 0, M(pool)},
    {"yearly_pool_kr", NULL, REPORT_COL_MONEY, 0, M(yearly_pool)},
    {"payers", NULL, REPORT_COL_INT, 0, M(payers)},
    {"length_m", NULL, REPORT_COL_REAL, 2, M(length)},
    {"residual_kr", NULL, REPORT_COL_MONEY, 0, M(residual)},
    {"residual_payer", NULL, REPORT_COL_TEXT, 0, M(residual_payer)},
    {"benefit_cost_ratio", NULL, REPORT_COL_REAL, 4, M(bcr)},
};
#undef M

/* The row of measure m's feature g; the allocation's figures unknown when it has no element m. */
static void measure_row_of(measure_row *row, const nytte_report_data *d, size_t m, const nytte_geom *g)
{
    const nytte_measure_cfg *mc = &d->project->measures[m];
    const nytte_alloc_result *r = d->alloc;
    const nytte_alloc_element_result *er = m < r->nelements ? &r->elements[m] : NULL;
    int64_t deducted = 0;
    for (size_t k = 0; er && k < er->pool.ndeductions; k++)
        deducted += er->pool.deducted_ore[k];
    *row = (measure_row){
        .id = mc->id,
        .name = mc->name ? mc->name : mc->id,
        .crest = mc->crest,
        .capex = mc->capex,
        .om_per_year = mc->om_per_year,
        .lifetime = mc->lifetime,
        .deducted = er ? deducted : REPORT_NO_MONEY,
        .pool = er ? er->pool.pool_ore : REPORT_NO_MONEY,
        .yearly_pool = er ? er->pool.yearly_ore : REPORT_NO_MONEY,
        .payers = er ? (int64_t)er->npayers : 0,
        .length = nytte_geom_length(g),
        .residual = er ? er->residual_ore : REPORT_NO_MONEY,
        .residual_payer = er && er->residual_ore ? (er->residual_payer ? er->residual_payer : "the residual payer") : "",
        .bcr = d->element_pv && er ? d->element_pv[m].bcr : NAN,
        .geom = g,
    };
}

/* The measures' geometries in the working CRS: ls[m] for measure m (the layer and the map draw them). */
static int read_measures(nytte_ctx *ctx, const nytte_report_data *d, nytte_vlayer *ls)
{
    const nytte_project *p = d->project;
    for (size_t m = 0; m < p->nmeasures; m++) {
        const nytte_layer_cfg *g = &p->measures[m].geometry;
        if (nytte_vlayer_read_as(ctx, &ls[m], g->path, g->layer, g->where, g->crs, NULL, 0, d->inputs->crs_wkt)) {
            nytte_error_prefix(ctx, "measure %s", p->measures[m].id);
            return nytte_ctx_errcode(ctx);
        }
    }
    return NYTTE_OK;
}

static int write_measures(nytte_ctx *ctx, const nytte_report_data *d, const char *gpkg, const nytte_vlayer *ls)
{
    const nytte_project *p = d->project;
    size_t nm = p->nmeasures, total = 0;
    measure_row *rows = NULL;
    int rc = NYTTE_OK;
    for (size_t m = 0; m < nm; m++)
        total += ls[m].nfeatures;
    if (total == 0)
        return NYTTE_OK;
    if (!(rows = calloc(total, sizeof *rows)))
        return nytte_nomem(ctx, "%s: measures", gpkg);
    size_t i = 0;
    for (size_t m = 0; m < nm; m++)
        for (size_t f = 0; f < ls[m].nfeatures; f++)
            measure_row_of(&rows[i++], d, m, &ls[m].features[f].geom);
    const report_table t = {"measures", measure_cols, NCOLS(measure_cols), rows, sizeof *rows, total, true,
                            offsetof(measure_row, geom)};
    rc = report_table_layer(ctx, &t, REPORT_GPKG, gpkg, d->inputs->crs_wkt, true);
    free(rows);
    return rc;
}

int nytte_report_write(nytte_ctx *ctx, const nytte_report_data *d, const char *dir, const nytte_csv_opts *o)
{
    nytte_csv_opts def = NYTTE_CSV_OPTS_INIT;
    if (!o) {
        o = &def;
        if (d->project->csv_excel_da) {
            def.sep = ';';
            def.decimal = ',';
            def.bom = true;
        }
    }
    char gpkg[4400];
    snprintf(gpkg, sizeof gpkg, "%s/parcels.gpkg", dir);
    double breaks[REPORT_NCLASSES];
    report_amount_breaks(d->alloc, breaks);
    size_t nm = d->project->nmeasures;
    nytte_vlayer *ls = calloc(nm ? nm : 1, sizeof *ls);
    if (!ls)
        return nytte_nomem(ctx, "%s: measures", gpkg);
    int rc;
    if (!(rc = write_owners(ctx, d, dir, o)) && !(rc = write_parcels(ctx, d, dir, o)) &&
        !(rc = write_unassigned(ctx, d, dir, o)) && !(rc = write_buildings(ctx, d, gpkg)) &&
        !(rc = read_measures(ctx, d, ls)) && !(rc = write_measures(ctx, d, gpkg, ls)) &&
        !(rc = report_write_uncertainty(ctx, d, dir, o)) &&
        !(rc = report_write_styles(ctx, d, dir, breaks, ls)))
        if (!(rc = report_write_html(ctx, d, dir, breaks, ls)))
            rc = report_write_explanations(ctx, d, dir);
    for (size_t m = 0; m < nm; m++)
        nytte_vlayer_clear(&ls[m]);
    free(ls);
    return rc;
}
