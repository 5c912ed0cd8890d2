/*
 * report.c — owners.csv, parcels.csv and parcels.gpkg. Column names and order are
 * part of the interface (docs/outputs.md): add columns at the end, never rename.
 */
#include "nytte/report.h"

#include "nytte/io.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

char *nytte_report_safe_text(char *buf, size_t size, const char *s)
{
    if (!s)
        s = "";
    int risky = s[0] == '=' || s[0] == '+' || s[0] == '-' || s[0] == '@' || s[0] == '\t' || s[0] == '\r';
    snprintf(buf, size, "%s%s", risky ? "'" : "", s);
    return buf;
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
    char safe[4096];
    nytte_report_safe_text(safe, sizeof safe, s);
    int quote = strchr(safe, c->o.sep) || strchr(safe, '"') || strchr(safe, '\n') || strchr(safe, '\r');
    if (c->col++)
        fputc(c->o.sep, c->f);
    if (!quote) {
        fputs(safe, c->f);
        return;
    }
    fputc('"', c->f);
    for (const char *p = safe; *p; p++) {
        if (*p == '"')
            fputc('"', c->f);
        fputc(*p, c->f);
    }
    fputc('"', c->f);
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

/* Money from integer øre, exact: no floating point on the way. */
static void csv_money(csv *c, int64_t ore)
{
    char buf[48];
    uint64_t a = ore < 0 ? (uint64_t)0 - (uint64_t)ore : (uint64_t)ore;
    snprintf(buf, sizeof buf, "%s%" PRIu64 "%c%02" PRIu64, ore < 0 ? "-" : "", a / 100, c->o.decimal, a % 100);
    csv_raw(c, buf);
}

static void csv_end(csv *c)
{
    fputs("\r\n", c->f);
    c->col = 0;
}

static void csv_header(csv *c, const char *const *names)
{
    for (size_t i = 0; names[i]; i++)
        csv_raw(c, names[i]);
    csv_end(c);
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

static const char *const owner_cols[] = {
    "owner_id",       "owner_name",     "n_parcels",        "parcels",      "amount_kr",
    "yearly_om_kr",   "loan",           "payments",         "first_payment_kr", "last_payment_kr",
    "first_year_kr",  "total_repaid_kr", "interest_kr",     "property_value_kr", "model",
    "ead_rule",       "explanation",    NULL};

/* Names are looked up from the inputs (the allocation knows ids only). */
static const char *owner_name(const nytte_inputs *in, const char *id)
{
    size_t lo = 0, hi = in->nowners;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        int c = strcmp(in->owners[mid].id, id);
        if (c == 0)
            return in->owners[mid].name;
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

/* Append to a growable string. */
typedef struct sbuf {
    char *s;
    size_t n, cap;
} sbuf;

static void sb_add(sbuf *b, const char *t)
{
    size_t k = strlen(t);
    if (b->n + k + 1 > b->cap) {
        size_t nc = (b->n + k + 1) * 2;
        char *p = realloc(b->s, nc);
        if (!p)
            return;
        b->s = p;
        b->cap = nc;
    }
    memcpy(b->s + b->n, t, k + 1);
    b->n += k;
}

static int write_owners(nytte_ctx *ctx, const nytte_report_data *d, const char *dir, const nytte_csv_opts *o)
{
    const nytte_alloc_result *r = d->alloc;
    const nytte_project *p = d->project;
    csv c;
    char path[4400];
    int rc = csv_open(ctx, &c, dir, "owners.csv", o, path, sizeof path);
    if (rc)
        return rc;
    csv_header(&c, owner_cols);
    char model[64];
    snprintf(model, sizeof model, "%s", nytte_alloc_model_name(p->alloc.model));
    for (size_t i = 0; i < r->nowners; i++) {
        const nytte_alloc_owner *ow = &r->owners[i];
        const nytte_loan *ln = &d->loans[i];
        sbuf parcels = {0}, expl = {0};
        size_t nparc = 0;
        /* parcels of the owner: the distinct parcels of its parts, in id order */
        for (size_t k = ow->part0; k < ow->part0 + ow->nparts; k++) {
            const nytte_alloc_owner_part *pt = &r->parts[k];
            int dup = 0;
            for (size_t j = ow->part0; j < k; j++)
                dup |= r->parts[j].parcel == pt->parcel;
            if (dup)
                continue;
            const char *pid = d->inputs->parcels[pt->parcel].id;
            if (nparc++)
                sb_add(&parcels, " ");
            sb_add(&parcels, pid);
            char line[1024], share[64];
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
        csv_text(&c, ow->id);
        csv_text(&c, owner_name(d->inputs, ow->id));
        csv_int(&c, (long long)nparc);
        csv_text(&c, parcels.s ? parcels.s : "");
        csv_money(&c, ow->total_ore);
        csv_money(&c, ow->yearly_ore);
        csv_text(&c, nytte_loan_kind_name(p->loan.kind));
        csv_int(&c, ln->npayments);
        csv_money(&c, ln->first_payment);
        csv_money(&c, ln->last_payment);
        csv_money(&c, ln->first_year);
        csv_money(&c, ln->total);
        csv_money(&c, ln->interest);
        csv_num(&c, ow->value_kr, 0);
        csv_text(&c, model);
        csv_text(&c, d->ead_rule);
        csv_text(&c, expl.s ? expl.s : "");
        csv_end(&c);
        free(parcels.s);
        free(expl.s);
    }
    return csv_close(ctx, &c, path);
}

/* ---- parcels ----------------------------------------------------------------- */

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

static int write_parcels(nytte_ctx *ctx, const nytte_report_data *d, const char *dir, const nytte_csv_opts *o)
{
    const nytte_inputs *in = d->inputs;
    const nytte_alloc_result *r = d->alloc;
    size_t np = in->nparcels;
    nytte_cell *cells = calloc(np * NPF, sizeof *cells);
    const nytte_geom **geoms = calloc(np, sizeof *geoms);
    char **owners = calloc(np, sizeof *owners), **expl = calloc(np, sizeof *expl);
    int rc = NYTTE_OK;
    if (!cells || !geoms || !owners || !expl) {
        rc = nytte_error(ctx, NYTTE_ENOMEM, "out of memory");
        goto cleanup;
    }
    for (size_t h = 0; h < in->nholdings; h++) {
        size_t i = in->holdings[h].parcel;
        sbuf b = {owners[i], owners[i] ? strlen(owners[i]) : 0, owners[i] ? strlen(owners[i]) + 1 : 0};
        if (b.n)
            sb_add(&b, " ");
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
        row[k++].d = (double)ore / 100.0;
        row[k++].i = ore;
        row[k++].d = (double)r->parcel_yearly_ore[i] / 100.0;
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
    rc = nytte_vlayer_write(ctx, path, "GPKG", "parcels", in->crs_wkt, parcel_fields, NPF, cells, geoms, np, false);
cleanup:
    for (size_t i = 0; owners && i < np; i++)
        free(owners[i]);
    for (size_t i = 0; expl && i < np; i++)
        free(expl[i]);
    free(owners);
    free(expl);
    free(cells);
    free((void *)geoms);
    return rc;
}

int nytte_report_write(nytte_ctx *ctx, const nytte_report_data *d, const char *dir, const nytte_csv_opts *o)
{
    nytte_csv_opts def = NYTTE_CSV_OPTS_INIT;
    if (!o)
        o = &def;
    int rc = write_owners(ctx, d, dir, o);
    if (!rc)
        rc = write_parcels(ctx, d, dir, o);
    return rc;
}
