/*
 * inputs.c — the project's parcels, buildings and ownership as checked tables; parcels
 * that overlap are warned about (overlap.c).
 */
#include "io/io_int.h"
#include "nytte/config.h"


#include <assert.h>
#include <errno.h>
#include <math.h>
#include <ogr_srs_api.h>
#include <cpl_conv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int parse_num(const char *s, double *out)
{
    if (!s || !*s)
        return -1;
    char *end;
    errno = 0;
    double d = strtod(s, &end);
    while (*end == ' ')
        end++;
    if (errno || *end || !isfinite(d))
        return -1;
    *out = d;
    return 0;
}

static int cmp_parcel(const void *a, const void *b)
{
    return strcmp(((const nytte_parcel *)a)->id, ((const nytte_parcel *)b)->id);
}
static int cmp_building(const void *a, const void *b)
{
    return strcmp(((const nytte_building *)a)->id, ((const nytte_building *)b)->id);
}
/* The first row (feature id) of the ownership table with this owner id and name. */
static long long owner_row(const nytte_vlayer *l, int iname, const char *oid, const char *name)
{
    for (size_t i = 0; i < l->nfeatures; i++) {
        const nytte_vfeature *f = &l->features[i];
        if (f->values[1] && strcmp(f->values[1], oid) == 0 && f->values[iname] && strcmp(f->values[iname], name) == 0)
            return f->fid;
    }
    return -1;
}

static int cmp_owner(const void *a, const void *b)
{
    return strcmp(((const nytte_owner *)a)->id, ((const nytte_owner *)b)->id);
}
static int cmp_holding(const void *a, const void *b)
{
    const nytte_holding *x = a, *y = b;
    if (x->parcel != y->parcel)
        return x->parcel < y->parcel ? -1 : 1;
    return x->owner < y->owner ? -1 : x->owner > y->owner;
}

/* bsearch comparisons of an id (the key) with a parcel's or an owner's. */
static int cmp_parcel_key(const void *key, const void *p) { return strcmp(key, ((const nytte_parcel *)p)->id); }
static int cmp_owner_key(const void *key, const void *o) { return strcmp(key, ((const nytte_owner *)o)->id); }

/* Index of parcel id in the sorted table, or -1. */
static long find_parcel(const nytte_inputs *in, const char *id)
{
    const nytte_parcel *p =
        in->nparcels ? bsearch(id, in->parcels, in->nparcels, sizeof *in->parcels, cmp_parcel_key) : NULL;
    return p ? (long)(p - in->parcels) : -1;
}

/* Ask for the optional field `name` too when it is given: its index among the fields, or -1. */
static int opt_field(const char **fields, size_t *nf, const char *name)
{
    if (!name)
        return -1;
    fields[*nf] = name;
    return (int)(*nf)++;
}

/* Whether s is well-formed UTF-8 (no overlong forms, surrogates or code points above U+10FFFF). */
static int utf8_valid(const char *s)
{
    const unsigned char *u = (const unsigned char *)s;
    while (*u) {
        unsigned c = *u;
        size_t n = c < 0x80 ? 0 : (c & 0xE0) == 0xC0 ? 1 : (c & 0xF0) == 0xE0 ? 2 : (c & 0xF8) == 0xF0 ? 3 : 4;
        if (n == 4 || (n == 1 && c < 0xC2) || (n == 3 && c > 0xF4))
            return 0;
        unsigned cp = n == 0 ? c : n == 1 ? c & 0x1F : n == 2 ? c & 0x0F : c & 0x07;
        for (size_t k = 1; k <= n; k++) {
            if ((u[k] & 0xC0) != 0x80)
                return 0;
            cp = (cp << 6) | (u[k] & 0x3F);
        }
        if ((n == 2 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) || (n == 3 && (cp < 0x10000 || cp > 0x10FFFF)))
            return 0;
        u += n + 1;
    }
    return 1;
}

static const char *layer_name(const nytte_layer_cfg *c) { return c->layer ? c->layer : "(first layer)"; }

static int read_parcels(nytte_ctx *ctx, nytte_inputs *in, const nytte_project *p, const char *wkt)
{
    const nytte_parcels_cfg *c = &p->parcels;
    const char *fields[4] = {c->id, NULL, NULL, NULL};
    size_t nf = 1;
    int ivalue = opt_field(fields, &nf, c->value);
    int iland = opt_field(fields, &nf, c->landuse);
    int ipaved = opt_field(fields, &nf, c->paved_area);
    nytte_vlayer l;
    int rc = nytte_vlayer_read_as(ctx, &l, c->src.path, c->src.layer, c->src.where, c->src.crs, fields, nf, wkt);
    if (rc)
        return rc;
    const char *path = c->src.path, *ln = layer_name(&c->src);
    if (l.nfeatures == 0) {
        rc = nytte_error(ctx, NYTTE_EINPUT, "%s: layer %s: holds no parcels", path, ln);
        goto cleanup;
    }
    in->parcels = calloc(l.nfeatures, sizeof *in->parcels);
    if (!in->parcels) {
        rc = nytte_nomem(ctx, "reading parcels");
        goto cleanup;
    }
    for (size_t i = 0; i < l.nfeatures; i++) {
        nytte_vfeature *f = &l.features[i];
        nytte_parcel *pc = &in->parcels[in->nparcels];
        if (!f->values[0] || !*f->values[0]) {
            rc = nytte_error(ctx, NYTTE_EINPUT, "%s: layer %s: feature %lld: parcel id (field %s) is empty", path, ln,
                             f->fid, c->id);
            goto cleanup;
        }
        if (f->geom.kind != NYTTE_GEOM_POLYGON || f->geom.nparts == 0) {
            rc = nytte_error(ctx, NYTTE_EINPUT, "%s: layer %s: parcel %s: geometry is %s, expected a polygon", path, ln,
                             f->values[0], f->geom.kind == NYTTE_GEOM_NONE ? "empty" : "not a polygon");
            goto cleanup;
        }
        pc->id = f->values[0];
        f->values[0] = NULL;
        pc->fid = f->fid;
        pc->geom = f->geom;
        f->geom = (nytte_geom)NYTTE_GEOM_INIT;
        in->nparcels++;
        pc->area = nytte_geom_area(&pc->geom);
        if (!(pc->area > 0)) {
            rc = nytte_error(ctx, NYTTE_EINPUT, "%s: layer %s: parcel %s: polygon has no area", path, ln, pc->id);
            goto cleanup;
        }
        pc->property_value = NAN;
        if (ivalue >= 0 && f->values[ivalue]) {
            if (parse_num(f->values[ivalue], &pc->property_value) != 0 || pc->property_value < 0) {
                rc = nytte_error(ctx, NYTTE_EINPUT, "%s: layer %s: parcel %s: %s '%s' is not a non-negative number",
                                 path, ln, pc->id, c->value, f->values[ivalue]);
                goto cleanup;
            }
        }
        if (ipaved >= 0 && f->values[ipaved] &&
            (parse_num(f->values[ipaved], &pc->paved_area) != 0 || pc->paved_area < 0 ||
             pc->paved_area > pc->area * (1 + 1e-9))) {
            rc = nytte_error(ctx, NYTTE_EINPUT, "%s: layer %s: parcel %s: %s '%s' is not an area between 0 and the plot's %.1f m²",
                             path, ln, pc->id, c->paved_area, f->values[ipaved], pc->area);
            goto cleanup;
        }
        if (iland >= 0 && f->values[iland]) {
            pc->landuse = f->values[iland];
            f->values[iland] = NULL;
        }
    }
    qsort(in->parcels, in->nparcels, sizeof *in->parcels, cmp_parcel);
    for (size_t i = 1; i < in->nparcels; i++)
        if (strcmp(in->parcels[i].id, in->parcels[i - 1].id) == 0) {
            long long a = in->parcels[i - 1].fid, b = in->parcels[i].fid;
            rc = nytte_error(ctx, NYTTE_EINPUT, "%s: layer %s: parcel id '%s' appears twice (features %lld and %lld)",
                             path, ln, in->parcels[i].id, a < b ? a : b, a < b ? b : a);
            goto cleanup;
        }
    if (l.nrepaired)
        nytte_log(ctx, NYTTE_LOG_WARN, "%s: layer %s: %zu invalid parcel polygons repaired with GEOS (-v lists them)",
                  path, ln, l.nrepaired);
    /* a register error, not refused: each parcel keeps its polygon (docs/project-file.md) */
    io_overlaps ov;
    if ((rc = io_parcel_overlaps(ctx, &ov, in->parcels, in->nparcels))) {
        nytte_error_prefix(ctx, "%s: layer %s", path, ln);
        goto cleanup;
    }
    io_overlaps_warn(ctx, &ov, in->parcels, path, ln);
    for (size_t k = 0; k < ov.npairs; k++) {
        in->parcels[ov.pairs[k].a].shared_area += ov.pairs[k].area;
        in->parcels[ov.pairs[k].b].shared_area += ov.pairs[k].area;
    }
    free(ov.pairs);
cleanup:
    nytte_vlayer_clear(&l);
    return rc;
}

static int read_buildings(nytte_ctx *ctx, nytte_inputs *in, const nytte_project *p, const char *wkt)
{
    const nytte_buildings_cfg *c = &p->buildings;
    const char *fields[6] = {c->id, c->parcel, c->use, c->floor_area, NULL, NULL};
    size_t nf = 4;
    int ih = opt_field(fields, &nf, c->floor_height);
    int iv = opt_field(fields, &nf, c->value);
    nytte_vlayer l;
    int rc = nytte_vlayer_read_as(ctx, &l, c->src.path, c->src.layer, c->src.where, c->src.crs, fields, nf, wkt);
    if (rc)
        return rc;
    const char *path = c->src.path, *ln = layer_name(&c->src);
    in->buildings = calloc(l.nfeatures ? l.nfeatures : 1, sizeof *in->buildings);
    if (!in->buildings) {
        rc = nytte_nomem(ctx, "reading buildings");
        goto cleanup;
    }
    for (size_t i = 0; i < l.nfeatures; i++) {
        nytte_vfeature *f = &l.features[i];
        nytte_building *b = &in->buildings[in->nbuildings];
        const char *bid = f->values[0];
        if (!bid || !*bid) {
            rc = nytte_error(ctx, NYTTE_EINPUT, "%s: layer %s: feature %lld: building id (field %s) is empty", path, ln,
                             f->fid, c->id);
            goto cleanup;
        }
        long pi = f->values[1] ? find_parcel(in, f->values[1]) : -1;
        if (pi < 0) {
            rc = nytte_error(ctx, NYTTE_EINPUT, "%s: layer %s: building %s: parcel '%s' is not in the parcel layer", path,
                             ln, bid, f->values[1] ? f->values[1] : "");
            goto cleanup;
        }
        int use = f->values[2] ? nytte_use_parse(f->values[2]) : -1;
        if (use < 0) {
            rc = nytte_error(ctx, NYTTE_EINPUT,
                             "%s: layer %s: building %s: use group '%s' is not one of residential, summerhouse, "
                             "business, public, other",
                             path, ln, bid, f->values[2] ? f->values[2] : "");
            goto cleanup;
        }
        if (f->geom.kind != NYTTE_GEOM_POLYGON && f->geom.kind != NYTTE_GEOM_POINT) {
            rc = nytte_error(ctx, NYTTE_EINPUT, "%s: layer %s: building %s: geometry is %s, expected a footprint or point",
                             path, ln, bid, f->geom.kind == NYTTE_GEOM_NONE ? "empty" : "a line");
            goto cleanup;
        }
        double fa;
        if (parse_num(f->values[3], &fa) != 0 || fa < 0) {
            rc = nytte_error(ctx, NYTTE_EINPUT, "%s: layer %s: building %s: %s '%s' is not a non-negative number", path,
                             ln, bid, c->floor_area, f->values[3] ? f->values[3] : "");
            goto cleanup;
        }
        b->id = f->values[0];
        f->values[0] = NULL;
        b->fid = f->fid;
        b->parcel = (size_t)pi;
        b->geom = f->geom;
        f->geom = (nytte_geom)NYTTE_GEOM_INIT;
        b->use = (nytte_use)use;
        b->floor_area = fa;
        b->value = NAN;
        b->floor_height = 0;
        in->nbuildings++;
        if (ih >= 0 && f->values[ih] &&
            (parse_num(f->values[ih], &b->floor_height) != 0 || b->floor_height < -5 || b->floor_height > 20)) {
            rc = nytte_error(ctx, NYTTE_EINPUT, "%s: layer %s: building %s: %s '%s' is not a height in metres (-5..20)",
                             path, ln, b->id, c->floor_height, f->values[ih]);
            goto cleanup;
        }
        if (iv >= 0 && f->values[iv] && (parse_num(f->values[iv], &b->value) != 0 || b->value < 0)) {
            rc = nytte_error(ctx, NYTTE_EINPUT, "%s: layer %s: building %s: %s '%s' is not a non-negative number", path,
                             ln, b->id, c->value, f->values[iv]);
            goto cleanup;
        }
    }
    qsort(in->buildings, in->nbuildings, sizeof *in->buildings, cmp_building);
    for (size_t i = 1; i < in->nbuildings; i++)
        if (strcmp(in->buildings[i].id, in->buildings[i - 1].id) == 0) {
            rc = nytte_error(ctx, NYTTE_EINPUT, "%s: layer %s: building id '%s' appears twice", path, ln,
                             in->buildings[i].id);
            goto cleanup;
        }
cleanup:
    nytte_vlayer_clear(&l);
    return rc;
}

/* No ownership table: every parcel is its own owner, with the parcel's id. */
static int owners_are_parcels(nytte_ctx *ctx, nytte_inputs *in)
{
    in->owners = calloc(in->nparcels, sizeof *in->owners);
    in->holdings = calloc(in->nparcels, sizeof *in->holdings);
    if (!in->owners || !in->holdings)
        return nytte_nomem(ctx, "reading owners");
    for (size_t i = 0; i < in->nparcels; i++) {
        in->owners[i].id = strdup(in->parcels[i].id);
        in->nowners = i + 1;
        if (!in->owners[i].id)
            return nytte_nomem(ctx, "reading owners");
        in->holdings[i] = (nytte_holding){i, i, 1.0};
    }
    in->nholdings = in->nparcels;
    return NYTTE_OK;
}

/* The ownership table while it is read. */
typedef struct owner_table {
    const nytte_owners_cfg *c;
    const char *fields[4];   /* parcel, owner, then name and share when given */
    size_t nf;
    int iname, ishare;       /* their indexes in fields, or -1 */
    nytte_vlayer l;
    const char **owner_of;   /* per row: its owner id (borrowed from l) */
    double *sum;             /* per parcel: the shares of its rows */
} owner_table;

/*
 * Check each row and take it: a holding (parcel, share) per row and an owner per row,
 * merged by merge_owners. Rows are numbered by feature id: a CSV's line numbers are
 * fid + 1 (the header), OGR numbers CSV features from 1.
 */
static int take_rows(nytte_ctx *ctx, nytte_inputs *in, owner_table *t)
{
    const char *path = t->c->src.path;
    for (size_t i = 0; i < t->l.nfeatures; i++) {
        nytte_vfeature *f = &t->l.features[i];
        const char *pid = f->values[0], *oid = f->values[1];
        /* owner names and ids go into UTF-8 outputs (CSV, GeoPackage): refuse Latin-1 and other encodings */
        for (size_t k = 0; k < t->nf; k++)
            if (f->values[k] && !utf8_valid(f->values[k]))
                return nytte_error(ctx, NYTTE_EINPUT, "%s: row %lld: field %s is not UTF-8 text (save the table as UTF-8)",
                                   path, f->fid, t->fields[k]);
        long pi = pid ? find_parcel(in, pid) : -1;
        if (pi < 0)
            return nytte_error(ctx, NYTTE_EINPUT, "%s: row %lld: parcel '%s' is not in the parcel layer", path, f->fid,
                               pid ? pid : "");
        if (!oid || !*oid)
            return nytte_error(ctx, NYTTE_EINPUT, "%s: row %lld: owner id (field %s) is empty", path, f->fid,
                               t->c->owner);
        double share = 1.0;
        if (t->ishare >= 0 && (parse_num(f->values[t->ishare], &share) != 0 || !(share > 0) || share > 1))
            return nytte_error(ctx, NYTTE_EINPUT, "%s: row %lld: parcel %s owner %s: share '%s' is not a number in (0, 1]",
                               path, f->fid, pid, oid, f->values[t->ishare] ? f->values[t->ishare] : "");
        t->sum[pi] += share;
        in->holdings[i].parcel = (size_t)pi;
        in->holdings[i].share = share;
        t->owner_of[i] = oid;
        /* owner table: collect, dedupe after sorting; counted as it grows so that an error frees it */
        const char *name = t->iname >= 0 ? f->values[t->iname] : NULL;
        in->owners[i].id = strdup(oid);
        in->owners[i].name = name ? strdup(name) : NULL;
        in->nowners = i + 1;
        if (!in->owners[i].id || (name && !in->owners[i].name))
            return nytte_nomem(ctx, "reading owners");
    }
    in->nholdings = t->l.nfeatures;
    return NYTTE_OK;
}

/* Sort the owners by id and keep one of each; one owner on several rows has one name. */
static int merge_owners(nytte_ctx *ctx, nytte_inputs *in, const owner_table *t)
{
    qsort(in->owners, in->nowners, sizeof *in->owners, cmp_owner);
    size_t w = 0;
    for (size_t i = 0; i < in->nowners; i++) {
        if (w == 0 || strcmp(in->owners[w - 1].id, in->owners[i].id) != 0) {
            in->owners[w++] = in->owners[i];
            continue;
        }
        /* the name must agree (an empty name is no name); qsort is not stable, so which row's
         * name is kept must not matter */
        nytte_owner *kept = &in->owners[w - 1], *dup = &in->owners[i];
        bool named_k = kept->name && *kept->name, named_d = dup->name && *dup->name;
        if (named_k && named_d && strcmp(kept->name, dup->name) != 0) {
            /* names are personal data: the message gives the rows, not the names */
            long long ra = owner_row(&t->l, t->iname, kept->id, kept->name);
            long long rb = owner_row(&t->l, t->iname, kept->id, dup->name);
            /* the rest of the table is freed by the caller's cleanup: keep it counted */
            for (size_t j = w; j < i; j++)
                in->owners[j] = (nytte_owner){0};
            return nytte_error(ctx, NYTTE_EINPUT,
                               "%s: owner %s has different names on rows %lld and %lld (one owner id, one name)",
                               t->c->src.path, kept->id, ra < rb ? ra : rb, ra < rb ? rb : ra);
        }
        if (!named_k && named_d) {
            free(kept->name);
            kept->name = dup->name;
            dup->name = NULL;
        }
        free(dup->id);
        free(dup->name);
        *dup = (nytte_owner){0};
    }
    in->nowners = w;
    return NYTTE_OK;
}

/* Point each holding at its owner, sort them by parcel and owner, and refuse an owner listed twice. */
static int link_holdings(nytte_ctx *ctx, nytte_inputs *in, const owner_table *t)
{
    for (size_t i = 0; i < in->nholdings; i++) {
        const nytte_owner *o = bsearch(t->owner_of[i], in->owners, in->nowners, sizeof *in->owners, cmp_owner_key);
        assert(o); /* every row's owner is in the table made from the rows */
        in->holdings[i].owner = (size_t)(o - in->owners);
    }
    qsort(in->holdings, in->nholdings, sizeof *in->holdings, cmp_holding);
    for (size_t i = 1; i < in->nholdings; i++)
        if (in->holdings[i].parcel == in->holdings[i - 1].parcel && in->holdings[i].owner == in->holdings[i - 1].owner)
            return nytte_error(ctx, NYTTE_EINPUT, "%s: parcel %s: owner %s is listed twice", t->c->src.path,
                               in->parcels[in->holdings[i].parcel].id, in->owners[in->holdings[i].owner].id);
    return NYTTE_OK;
}

/* Every parcel owned, its shares summing to 1. */
static int check_shares(nytte_ctx *ctx, const nytte_inputs *in, const owner_table *t)
{
    for (size_t i = 0; i < in->nparcels; i++) {
        if (t->sum[i] == 0)
            return nytte_error(ctx, NYTTE_EINPUT,
                               "%s: parcel %s has no owner (every parcel needs at least one row in the ownership table)",
                               t->c->src.path, in->parcels[i].id);
        if (fabs(t->sum[i] - 1.0) > 1e-6)
            return nytte_error(ctx, NYTTE_EINPUT, "%s: parcel %s: ownership shares sum to %.9g, not 1", t->c->src.path,
                               in->parcels[i].id, t->sum[i]);
    }
    return NYTTE_OK;
}

static int read_owners(nytte_ctx *ctx, nytte_inputs *in, const nytte_project *p)
{
    const nytte_owners_cfg *c = &p->owners;
    if (!c->given)
        return owners_are_parcels(ctx, in);
    owner_table t = {.c = c, .fields = {c->parcel, c->owner}, .nf = 2};
    t.iname = opt_field(t.fields, &t.nf, c->name);
    t.ishare = opt_field(t.fields, &t.nf, c->share);
    int rc = nytte_vlayer_read(ctx, &t.l, c->src.path, c->src.layer, c->src.where, t.fields, t.nf, NULL);
    if (rc)
        return rc;
    size_t n = t.l.nfeatures;
    in->holdings = calloc(n ? n : 1, sizeof *in->holdings);
    in->owners = calloc(n ? n : 1, sizeof *in->owners);
    t.owner_of = calloc(n ? n : 1, sizeof *t.owner_of);
    t.sum = calloc(in->nparcels, sizeof *t.sum);
    if (!in->holdings || !in->owners || !t.owner_of || !t.sum) {
        rc = nytte_nomem(ctx, "reading owners");
        goto cleanup;
    }
    if ((rc = take_rows(ctx, in, &t)) || (rc = merge_owners(ctx, in, &t)) || (rc = link_holdings(ctx, in, &t)))
        goto cleanup;
    rc = check_shares(ctx, in, &t);
cleanup:
    free((void *)t.owner_of);
    free(t.sum);
    nytte_vlayer_clear(&t.l);
    return rc;
}

int nytte_inputs_read(nytte_ctx *ctx, nytte_inputs *out, const nytte_project *p, const char *crs_wkt)
{
    memset(out, 0, sizeof *out);
    int rc = read_parcels(ctx, out, p, crs_wkt);
    if (!rc && p->buildings.given)
        rc = read_buildings(ctx, out, p, crs_wkt);
    if (!rc)
        rc = read_owners(ctx, out, p);
    if (!rc && !(out->crs_wkt = strdup(crs_wkt)))
        rc = nytte_nomem(ctx, "reading inputs");
    if (rc)
        nytte_inputs_free(out);
    return rc;
}
