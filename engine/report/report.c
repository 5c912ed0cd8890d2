/*
 * report.c — the tables and layers: owners.csv/.xlsx, parcels.csv, parcels.gpkg
 * (parcels, buildings, measures), parcels.shp on request; then the styles, the
 * report and the rest through the other files of this folder. Column names and order
 * are part of the interface (docs/outputs.md): add columns at the end, never rename.
 */
#include "nytte/report.h"

#include "nytte/io.h"

#include "report/report_int.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int risky_text(const char *s)
{
    return s && (s[0] == '=' || s[0] == '+' || s[0] == '-' || s[0] == '@' || s[0] == '\t' || s[0] == '\r');
}

char *nytte_report_safe_text(char *buf, size_t size, const char *s)
{
    if (!s)
        s = "";
    snprintf(buf, size, "%s%s", risky_text(s) ? "'" : "", s);
    return buf;
}

/* The same, whole and malloc'ed (NULL stays NULL). */
static char *safe_dup(const char *s)
{
    if (!s)
        return NULL;
    size_t n = strlen(s);
    char *t = malloc(n + 2);
    if (t)
        nytte_report_safe_text(t, n + 2, s);
    return t;
}

/* ---- a small CSV writer ------------------------------------------------------ */

typedef struct csv {
    FILE *f;
    nytte_csv_opts o;
    int col;
} csv;

static void csv_raw(csv *c, const char *s)
{
    if (c->col++)
        fputc(c->o.sep, c->f);
    fputs(s, c->f);
}

static void csv_text(csv *c, const char *s)
{
    char *owned = safe_dup(s ? s : "");
    const char *safe = owned ? owned : "";
    int quote = strchr(safe, c->o.sep) || strchr(safe, '"') || strchr(safe, '\n') || strchr(safe, '\r');
    if (c->col++)
        fputc(c->o.sep, c->f);
    if (!quote) {
        fputs(safe, c->f);
        free(owned);
        return;
    }
    fputc('"', c->f);
    for (const char *p = safe; *p; p++) {
        if (*p == '"')
            fputc('"', c->f);
        fputc(*p, c->f);
    }
    fputc('"', c->f);
    free(owned);
}

static void csv_num(csv *c, double v, int decimals)
{
    char buf[64];
    if (v != v) {
        csv_raw(c, "");
        return;
    }
    snprintf(buf, sizeof buf, "%.*f", decimals, v);
    if (strcmp(buf, "-0") == 0 || strspn(buf, "-0.") == strlen(buf))
        snprintf(buf, sizeof buf, "%.*f", decimals, 0.0);
    if (c->o.decimal != '.')
        for (char *p = buf; *p; p++)
            if (*p == '.')
                *p = c->o.decimal;
    csv_raw(c, buf);
}

static void csv_int(csv *c, long long v)
{
    char buf[32];
    snprintf(buf, sizeof buf, "%lld", v);
    csv_raw(c, buf);
}

/* Money from integer øre, exact: no floating point on the way; the dialect's decimal mark. */
static void csv_money(csv *c, int64_t ore)
{
    const nytte_money_style st = {c->o.decimal, "", "-", ""};
    char buf[48];
    csv_raw(c, nytte_money_format(buf, sizeof buf, &st, ore));
}

static void csv_end(csv *c)
{
    fputs("\r\n", c->f);
    c->col = 0;
}

static int csv_open(nytte_ctx *ctx, csv *c, const char *dir, const char *name, const nytte_csv_opts *o, char *path,
                    size_t n)
{
    snprintf(path, n, "%s/%s", dir, name);
    c->f = fopen(path, "wb");
    c->o = *o;
    c->col = 0;
    if (!c->f)
        return nytte_error(ctx, NYTTE_EIO, "%s: cannot create: %s", path, strerror(errno));
    return NYTTE_OK;
}

static int csv_close(nytte_ctx *ctx, csv *c, const char *path)
{
    int bad = ferror(c->f);
    if (fclose(c->f) != 0 || bad)
        return nytte_error(ctx, NYTTE_EIO, "%s: writing failed: %s", path, strerror(errno ? errno : EIO));
    return NYTTE_OK;
}

/* ---- owners ------------------------------------------------------------------ */

/* Money as kr for the spreadsheet and layer cells (exact to the øre within double precision). */
static double kr(int64_t ore) { return (double)ore / 100.0; }

/* The text columns of one owner's row. */
typedef struct owner_row {
    char *parcels, *expl;
    size_t nparcels;
} owner_row;

static void owner_rows_free(owner_row *rows, size_t n)
{
    for (size_t i = 0; rows && i < n; i++) {
        free(rows[i].parcels);
        free(rows[i].expl);
    }
    free(rows);
}

static owner_row *owner_rows(const nytte_report_data *d)
{
    const nytte_alloc_result *r = d->alloc;
    owner_row *rows = calloc(r->nowners ? r->nowners : 1, sizeof *rows);
    int failed = !rows;
    for (size_t i = 0; rows && i < r->nowners; i++) {
        const nytte_alloc_owner *ow = &r->owners[i];
        sbuf parcels = {0}, expl = {0};
        /* parcels of the owner: the distinct parcels of its parts, in id order */
        for (size_t k = ow->part0; k < ow->part0 + ow->nparts; k++) {
            const nytte_alloc_owner_part *pt = &r->parts[k];
            int dup = 0;
            for (size_t j = ow->part0; j < k; j++)
                dup |= r->parts[j].parcel == pt->parcel;
            if (dup)
                continue;
            const char *pid = d->inputs->parcels[pt->parcel].id;
            if (rows[i].nparcels++)
                sb_add(&parcels, "; ");
            sb_add(&parcels, pid);
            char line[2048], share[64];
            nytte_alloc_parcel_summary(line, sizeof line, r, pt->parcel);
            if (pt->share < 1.0)
                snprintf(share, sizeof share, " (share %.6g)", pt->share);
            else
                share[0] = '\0';
            if (expl.n)
                sb_add(&expl, " | ");
            sb_add(&expl, pid);
            sb_add(&expl, share);
            sb_add(&expl, ": ");
            sb_add(&expl, line);
        }
        failed |= parcels.failed || expl.failed;
        rows[i].parcels = parcels.s ? parcels.s : strdup("");
        rows[i].expl = expl.s ? expl.s : strdup("");
        failed |= !rows[i].parcels || !rows[i].expl;
    }
    if (failed) {
        owner_rows_free(rows, rows ? r->nowners : 0);
        return NULL;
    }
    return rows;
}

static const nytte_field_def owner_fields[] = {
    {"owner_id", NYTTE_FIELD_TEXT},        {"owner_name", NYTTE_FIELD_TEXT},    {"n_parcels", NYTTE_FIELD_INT},
    {"parcels", NYTTE_FIELD_TEXT},         {"amount_kr", NYTTE_FIELD_REAL},     {"yearly_om_kr", NYTTE_FIELD_REAL},
    {"loan", NYTTE_FIELD_TEXT},            {"payments", NYTTE_FIELD_INT},       {"first_payment_kr", NYTTE_FIELD_REAL},
    {"last_payment_kr", NYTTE_FIELD_REAL}, {"first_year_kr", NYTTE_FIELD_REAL}, {"total_repaid_kr", NYTTE_FIELD_REAL},
    {"interest_kr", NYTTE_FIELD_REAL},     {"property_value_kr", NYTTE_FIELD_REAL}, {"model", NYTTE_FIELD_TEXT},
    {"ead_rule", NYTTE_FIELD_TEXT},        {"explanation", NYTTE_FIELD_TEXT},
};
#define NOF (sizeof owner_fields / sizeof owner_fields[0])

static int write_owners(nytte_ctx *ctx, const nytte_report_data *d, const char *dir, const nytte_csv_opts *o)
{
    const nytte_alloc_result *r = d->alloc;
    const nytte_project *p = d->project;
    const char *model = nytte_alloc_model_name(p->alloc.model);
    const char *loan = nytte_loan_kind_name(p->loan.kind);
    owner_row *rows = owner_rows(d);
    nytte_cell *cells = calloc((r->nowners ? r->nowners : 1) * NOF, sizeof *cells);
    char **safe = calloc((r->nowners ? r->nowners : 1) * 4, sizeof *safe);
    int rc = NYTTE_OK;
    if (!rows || !cells || !safe) {
        rc = nytte_error(ctx, NYTTE_ENOMEM, "out of memory");
        goto cleanup;
    }
    csv c;
    char path[4400];
    if ((rc = csv_open(ctx, &c, dir, "owners.csv", o, path, sizeof path)))
        goto cleanup;
    for (size_t k = 0; k < NOF; k++)
        csv_raw(&c, owner_fields[k].name);
    csv_end(&c);
    for (size_t i = 0; i < r->nowners; i++) {
        const nytte_alloc_owner *ow = &r->owners[i];
        const nytte_loan *ln = &d->loans[i];
        const char *name = report_owner_name(d->inputs, ow->id);
        csv_text(&c, ow->id);
        csv_text(&c, name);
        csv_int(&c, (long long)rows[i].nparcels);
        csv_text(&c, rows[i].parcels);
        csv_money(&c, ow->total_ore);
        csv_money(&c, ow->yearly_ore);
        csv_text(&c, loan);
        csv_int(&c, ln->npayments);
        csv_money(&c, ln->first_payment);
        csv_money(&c, ln->last_payment);
        csv_money(&c, ln->first_year);
        csv_money(&c, ln->total);
        csv_money(&c, ln->interest);
        csv_num(&c, ow->value_kr, 0);
        csv_text(&c, model);
        csv_text(&c, d->ead_rule);
        csv_text(&c, rows[i].expl);
        csv_end(&c);

        /* the same row for the spreadsheet: text neutralised the same way */
        nytte_cell *row = cells + i * NOF;
        char **sv = safe + i * 4;
        sv[0] = safe_dup(ow->id);
        sv[1] = name ? safe_dup(name) : NULL;
        sv[2] = safe_dup(rows[i].parcels);
        sv[3] = safe_dup(rows[i].expl);
        if (!sv[0] || (name && !sv[1]) || !sv[2] || !sv[3]) {
            fclose(c.f);
            rc = nytte_error(ctx, NYTTE_ENOMEM, "out of memory");
            goto cleanup;
        }
        size_t k = 0;
        row[k++].s = sv[0];
        row[k++].s = sv[1];
        row[k++].i = (int64_t)rows[i].nparcels;
        row[k++].s = sv[2];
        row[k++].d = kr(ow->total_ore);
        row[k++].d = kr(ow->yearly_ore);
        row[k++].s = loan;
        row[k++].i = ln->npayments;
        row[k++].d = kr(ln->first_payment);
        row[k++].d = kr(ln->last_payment);
        row[k++].d = kr(ln->first_year);
        row[k++].d = kr(ln->total);
        row[k++].d = kr(ln->interest);
        row[k++].d = ow->value_kr;
        row[k++].s = model;
        row[k++].s = d->ead_rule;
        row[k++].s = sv[3];
    }
    if ((rc = csv_close(ctx, &c, path)))
        goto cleanup;
    snprintf(path, sizeof path, "%s/owners.xlsx", dir);
    rc = nytte_vlayer_write(ctx, path, "XLSX", "owners", NULL, owner_fields, NOF, cells, NULL, r->nowners, false);
cleanup:
    for (size_t i = 0; safe && i < r->nowners * 4; i++)
        free(safe[i]);
    free((void *)safe);
    free(cells);
    owner_rows_free(rows, r->nowners);
    return rc;
}

/* ---- parcels ----------------------------------------------------------------- */

/* GeoPackage / CSV name, type, and the Shapefile name (10 characters at most). */
static const nytte_field_def parcel_fields[] = {
    {"parcel_id", NYTTE_FIELD_TEXT},        {"owners", NYTTE_FIELD_TEXT},
    {"area_m2", NYTTE_FIELD_REAL},          {"outside_terrain_m2", NYTTE_FIELD_REAL},
    {"ground_min_m", NYTTE_FIELD_REAL},     {"ground_mean_m", NYTTE_FIELD_REAL},
    {"wet_design_m2", NYTTE_FIELD_REAL},    {"depth_design_m", NYTTE_FIELD_REAL},
    {"risk_zone", NYTTE_FIELD_INT},         {"n_buildings", NYTTE_FIELD_INT},
    {"floor_area_m2", NYTTE_FIELD_REAL},    {"building_flooded", NYTTE_FIELD_INT},
    {"building_value_kr", NYTTE_FIELD_REAL}, {"ead_without_kr", NYTTE_FIELD_REAL},
    {"ead_with_kr", NYTTE_FIELD_REAL},      {"avoided_ead_kr", NYTTE_FIELD_REAL},
    {"benefit_pv_kr", NYTTE_FIELD_REAL},    {"property_value_kr", NYTTE_FIELD_REAL},
    {"in_area", NYTTE_FIELD_INT},           {"exempt", NYTTE_FIELD_TEXT},
    {"weight", NYTTE_FIELD_REAL},           {"share", NYTTE_FIELD_REAL},
    {"amount_kr", NYTTE_FIELD_REAL},        {"amount_ore", NYTTE_FIELD_INT},
    {"yearly_om_kr", NYTTE_FIELD_REAL},     {"explanation", NYTTE_FIELD_TEXT},
};
#define NPF (sizeof parcel_fields / sizeof parcel_fields[0])
static const char *const parcel_shp_names[NPF] = {
    "parcel_id", "owners",    "area_m2",   "out_ter_m2", "gr_min_m",  "gr_mean_m", "wet_des_m2",
    "dep_des_m", "risk_zone", "n_bldg",    "floor_m2",   "bldg_flood", "bldg_val",  "ead_wo_kr",
    "ead_w_kr",  "avoid_ead", "benef_pv",  "prop_val",   "in_area",   "exempt",    "weight",
    "share",     "amount_kr", "amount_ore", "yearly_om", "explain"};

/* Shapefile text fields hold 254 bytes: cut at a UTF-8 character boundary. */
static void cut_utf8(char *s, size_t max)
{
    size_t n = strlen(s);
    if (n <= max)
        return;
    while (max > 0 && ((unsigned char)s[max] & 0xC0) == 0x80)
        max--;
    s[max] = '\0';
}

static int write_shapefile(nytte_ctx *ctx, const nytte_report_data *d, const char *dir, nytte_cell *cells,
                           const nytte_geom *const *geoms)
{
    size_t np = d->inputs->nparcels;
    nytte_field_def f[NPF];
    for (size_t k = 0; k < NPF; k++)
        f[k] = (nytte_field_def){parcel_shp_names[k], parcel_fields[k].type};
    /* long texts (owners, explanation) cut to what a DBF field holds */
    char **cut = calloc(np * 2 + 1, sizeof *cut);
    int rc = NYTTE_OK;
    if (!cut)
        return nytte_error(ctx, NYTTE_ENOMEM, "out of memory");
    for (size_t i = 0; i < np && !rc; i++) {
        size_t ks[2] = {1, NPF - 1};
        for (int j = 0; j < 2; j++) {
            nytte_cell *c = &cells[i * NPF + ks[j]];
            if (c->s && strlen(c->s) > 254) {
                if (!(cut[2 * i + j] = strdup(c->s))) {
                    rc = nytte_error(ctx, NYTTE_ENOMEM, "out of memory");
                    break;
                }
                cut_utf8(cut[2 * i + j], 254);
                c->s = cut[2 * i + j];
            }
        }
    }
    char path[4400];
    snprintf(path, sizeof path, "%s/parcels.shp", dir);
    if (!rc)
        rc = nytte_vlayer_write(ctx, path, "ESRI Shapefile", "parcels", d->inputs->crs_wkt, f, NPF, cells, geoms, np,
                                false);
    for (size_t i = 0; i < np * 2; i++)
        free(cut[i]);
    free((void *)cut);
    if (rc)
        return rc;
    /* the documented mapping between the names */
    csv c;
    nytte_csv_opts o = NYTTE_CSV_OPTS_INIT;
    if ((rc = csv_open(ctx, &c, dir, "parcels_fields.csv", &o, path, sizeof path)))
        return rc;
    csv_raw(&c, "gpkg_field");
    csv_raw(&c, "shp_field");
    csv_raw(&c, "type");
    csv_end(&c);
    for (size_t k = 0; k < NPF; k++) {
        csv_raw(&c, parcel_fields[k].name);
        csv_raw(&c, parcel_shp_names[k]);
        csv_raw(&c, parcel_fields[k].type == NYTTE_FIELD_TEXT  ? "text"
                    : parcel_fields[k].type == NYTTE_FIELD_INT ? "integer"
                                                               : "real");
        csv_end(&c);
    }
    return csv_close(ctx, &c, path);
}

static int write_parcels(nytte_ctx *ctx, const nytte_report_data *d, const char *dir, const nytte_csv_opts *o)
{
    const nytte_inputs *in = d->inputs;
    const nytte_alloc_result *r = d->alloc;
    size_t np = in->nparcels;
    nytte_cell *cells = calloc((np ? np : 1) * NPF, sizeof *cells);
    const nytte_geom **geoms = calloc(np ? np : 1, sizeof *geoms);
    char **owners = calloc(np ? np : 1, sizeof *owners), **expl = calloc(np ? np : 1, sizeof *expl);
    int rc = NYTTE_OK;
    if (!cells || !geoms || !owners || !expl) {
        rc = nytte_error(ctx, NYTTE_ENOMEM, "out of memory");
        goto cleanup;
    }
    for (size_t h = 0; h < in->nholdings; h++) {
        size_t i = in->holdings[h].parcel;
        sbuf b = {owners[i], owners[i] ? strlen(owners[i]) : 0, owners[i] ? strlen(owners[i]) + 1 : 0, 0};
        if (b.n)
            sb_add(&b, "; ");
        sb_add(&b, in->owners[in->holdings[h].owner].id);
        owners[i] = b.s;
    }
    for (size_t i = 0; i < np; i++) {
        const nytte_parcel_metrics *m = &d->metrics[i];
        nytte_cell *row = cells + i * NPF;
        char line[2048];
        nytte_alloc_parcel_summary(line, sizeof line, r, i);
        expl[i] = strdup(line);
        /* per-parcel totals over the elements; the weight and share of the first paying element */
        int in_area = 0;
        const char *exempt = "";
        double weight = 0, share = 0;
        for (size_t e = 0; e < r->nelements; e++) {
            const nytte_alloc_line *l = &r->lines[e * np + i];
            in_area |= l->in_area;
            if (l->in_area && l->exempt != NYTTE_EXEMPT_NONE && !*exempt)
                exempt = nytte_alloc_exempt_reason(l->exempt);
            weight += l->weight;
            share += l->share;
        }
        double avoided = m->ead_without - m->ead_with;
        int64_t ore = r->parcel_ore[i];
        size_t k = 0;
        row[k++].s = in->parcels[i].id;
        row[k++].s = owners[i];
        row[k++].d = in->parcels[i].area;
        row[k++].d = m->outside_area;
        row[k++].d = m->ground_min;
        row[k++].d = m->ground_mean;
        row[k++].d = m->wet_design;
        row[k++].d = m->depth_design;
        row[k++].i = m->risk_zone;
        row[k++].i = m->nbuildings;
        row[k++].d = m->floor_area;
        row[k++].i = m->building_flooded;
        row[k++].d = m->value;
        row[k++].d = m->ead_without;
        row[k++].d = m->ead_with;
        row[k++].d = avoided;
        row[k++].d = m->benefit_pv;
        row[k++].d = in->parcels[i].property_value;
        row[k++].i = in_area;
        row[k++].s = exempt;
        row[k++].d = weight;
        row[k++].d = share;
        row[k++].d = kr(ore);
        row[k++].i = ore;
        row[k++].d = kr(r->parcel_yearly_ore[i]);
        row[k++].s = expl[i];
        geoms[i] = &in->parcels[i].geom;
    }
    /* CSV: same columns; money exact from øre */
    csv c;
    char path[4400];
    if ((rc = csv_open(ctx, &c, dir, "parcels.csv", o, path, sizeof path)))
        goto cleanup;
    for (size_t k = 0; k < NPF; k++)
        csv_raw(&c, parcel_fields[k].name);
    csv_end(&c);
    for (size_t i = 0; i < np; i++) {
        const nytte_cell *row = cells + i * NPF;
        for (size_t k = 0; k < NPF; k++) {
            const char *name = parcel_fields[k].name;
            if (!strcmp(name, "amount_kr"))
                csv_money(&c, r->parcel_ore[i]);
            else if (!strcmp(name, "yearly_om_kr"))
                csv_money(&c, r->parcel_yearly_ore[i]);
            else if (parcel_fields[k].type == NYTTE_FIELD_TEXT)
                csv_text(&c, row[k].s);
            else if (parcel_fields[k].type == NYTTE_FIELD_INT)
                csv_int(&c, (long long)row[k].i);
            else
                csv_num(&c, row[k].d, !strcmp(name, "weight") || !strcmp(name, "share") ? 9 : 2);
        }
        csv_end(&c);
    }
    if ((rc = csv_close(ctx, &c, path)))
        goto cleanup;
    snprintf(path, sizeof path, "%s/parcels.gpkg", dir);
    if ((rc = nytte_vlayer_write(ctx, path, "GPKG", "parcels", in->crs_wkt, parcel_fields, NPF, cells, geoms, np,
                                 false)))
        goto cleanup;
    if (d->project->shapefile)
        rc = write_shapefile(ctx, d, dir, cells, geoms);
cleanup:
    for (size_t i = 0; owners && i < np; i++)
        free(owners[i]);
    for (size_t i = 0; expl && i < np; i++)
        free(expl[i]);
    free((void *)owners);
    free((void *)expl);
    free(cells);
    free((void *)geoms);
    return rc;
}

/* ---- buildings and measures (layers of parcels.gpkg) --------------------------- */

static const nytte_field_def building_fields[] = {
    {"building_id", NYTTE_FIELD_TEXT},      {"parcel_id", NYTTE_FIELD_TEXT},     {"use", NYTTE_FIELD_TEXT},
    {"floor_area_m2", NYTTE_FIELD_REAL},    {"floor_height_m", NYTTE_FIELD_REAL}, {"value_kr", NYTTE_FIELD_REAL},
    {"depth_design_m", NYTTE_FIELD_REAL},   {"depth_design_mean_m", NYTTE_FIELD_REAL},
    {"ead_without_kr", NYTTE_FIELD_REAL},   {"ead_with_kr", NYTTE_FIELD_REAL},   {"avoided_ead_kr", NYTTE_FIELD_REAL},
};
#define NBF (sizeof building_fields / sizeof building_fields[0])

static int write_buildings(nytte_ctx *ctx, const nytte_report_data *d, const char *path)
{
    const nytte_inputs *in = d->inputs;
    size_t nb = in->nbuildings;
    if (nb == 0)
        return NYTTE_OK;
    nytte_cell *cells = calloc(nb * NBF, sizeof *cells);
    const nytte_geom **geoms = calloc(nb, sizeof *geoms);
    if (!cells || !geoms) {
        free(cells);
        free((void *)geoms);
        return nytte_error(ctx, NYTTE_ENOMEM, "out of memory");
    }
    for (size_t b = 0; b < nb; b++) {
        const nytte_building *bd = &in->buildings[b];
        nytte_cell *row = cells + b * NBF;
        const nytte_zonal_stats *st = d->building_design ? &d->building_design[b * d->building_stride] : NULL;
        double wo = d->building_ead_without ? d->building_ead_without[b] : NAN;
        double w = d->building_ead_with ? d->building_ead_with[b] : NAN;
        size_t k = 0;
        row[k++].s = bd->id;
        row[k++].s = in->parcels[bd->parcel].id;
        row[k++].s = nytte_use_name(bd->use);
        row[k++].d = bd->floor_area;
        row[k++].d = bd->floor_height;
        row[k++].d = bd->value;
        /* dry (no water on the footprint) is depth 0, as in parcels.depth_design_m */
        row[k++].d = !st ? NAN : st->max == st->max ? st->max : 0.0;
        row[k++].d = !st ? NAN : st->mean == st->mean ? st->mean : 0.0;
        row[k++].d = wo;
        row[k++].d = w;
        row[k++].d = wo - w;
        geoms[b] = &bd->geom;
    }
    int rc = nytte_vlayer_write(ctx, path, "GPKG", "buildings", in->crs_wkt, building_fields, NBF, cells, geoms, nb,
                                true);
    free(cells);
    free((void *)geoms);
    return rc;
}

static const nytte_field_def measure_fields[] = {
    {"measure_id", NYTTE_FIELD_TEXT},     {"name", NYTTE_FIELD_TEXT},          {"crest_m", NYTTE_FIELD_REAL},
    {"capex_kr", NYTTE_FIELD_REAL},       {"om_per_year_kr", NYTTE_FIELD_REAL}, {"lifetime_years", NYTTE_FIELD_INT},
    {"deductions_kr", NYTTE_FIELD_REAL},  {"pool_kr", NYTTE_FIELD_REAL},       {"yearly_pool_kr", NYTTE_FIELD_REAL},
    {"payers", NYTTE_FIELD_INT},          {"length_m", NYTTE_FIELD_REAL},
};
#define NMF (sizeof measure_fields / sizeof measure_fields[0])

static int write_measures(nytte_ctx *ctx, const nytte_report_data *d, const char *path)
{
    const nytte_project *p = d->project;
    const nytte_alloc_result *r = d->alloc;
    size_t nm = p->nmeasures;
    nytte_vlayer *ls = calloc(nm ? nm : 1, sizeof *ls);
    int rc = NYTTE_OK;
    size_t total = 0;
    nytte_cell *cells = NULL;
    const nytte_geom **geoms = NULL;
    if (!ls)
        return nytte_error(ctx, NYTTE_ENOMEM, "out of memory");
    for (size_t m = 0; m < nm && !rc; m++) {
        const nytte_layer_cfg *g = &p->measures[m].geometry;
        if ((rc = nytte_vlayer_read(ctx, &ls[m], g->path, g->layer, g->where, NULL, 0, d->inputs->crs_wkt)))
            nytte_error_prefix(ctx, "measure %s", p->measures[m].id);
        total += ls[m].nfeatures;
    }
    if (rc || total == 0)
        goto cleanup;
    cells = calloc(total * NMF, sizeof *cells);
    geoms = calloc(total, sizeof *geoms);
    if (!cells || !geoms) {
        rc = nytte_error(ctx, NYTTE_ENOMEM, "out of memory");
        goto cleanup;
    }
    size_t row_i = 0;
    for (size_t m = 0; m < nm; m++) {
        const nytte_measure_cfg *mc = &p->measures[m];
        const nytte_alloc_element_result *er = m < r->nelements ? &r->elements[m] : NULL;
        int64_t deducted = 0;
        for (size_t k = 0; er && k < er->pool.ndeductions; k++)
            deducted += er->pool.deducted_ore[k];
        for (size_t f = 0; f < ls[m].nfeatures; f++, row_i++) {
            nytte_cell *row = cells + row_i * NMF;
            size_t k = 0;
            row[k++].s = mc->id;
            row[k++].s = mc->name ? mc->name : mc->id;
            row[k++].d = mc->crest;
            row[k++].d = kr(mc->capex);
            row[k++].d = kr(mc->om_per_year);
            row[k++].i = mc->lifetime;
            row[k++].d = er ? kr(deducted) : NAN;
            row[k++].d = er ? kr(er->pool.pool_ore) : NAN;
            row[k++].d = er ? kr(er->pool.yearly_ore) : NAN;
            row[k++].i = er ? (int64_t)er->npayers : 0;
            row[k++].d = nytte_geom_length(&ls[m].features[f].geom);
            geoms[row_i] = &ls[m].features[f].geom;
        }
    }
    rc = nytte_vlayer_write(ctx, path, "GPKG", "measures", d->inputs->crs_wkt, measure_fields, NMF, cells, geoms, total,
                            true);
cleanup:
    for (size_t m = 0; m < nm; m++)
        nytte_vlayer_clear(&ls[m]);
    free(ls);
    free(cells);
    free((void *)geoms);
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
        }
    }
    char gpkg[4400];
    snprintf(gpkg, sizeof gpkg, "%s/parcels.gpkg", dir);
    double breaks[REPORT_NCLASSES];
    report_amount_breaks(d->alloc, breaks);
    int rc = write_owners(ctx, d, dir, o);
    if (!rc)
        rc = write_parcels(ctx, d, dir, o);
    if (!rc)
        rc = write_buildings(ctx, d, gpkg);
    if (!rc)
        rc = write_measures(ctx, d, gpkg);
    if (!rc)
        rc = report_write_styles(ctx, d, dir, breaks);
    if (!rc)
        rc = report_write_html(ctx, d, dir, breaks);
    return rc;
}
