/*
 * inputs.c — the project's parcels as a checked table (their ids from one field or
 * several, their property), the helpers the buildings (buildings.c) and the owners
 * (owners.c) share with them, and nytte_inputs_read, which reads the three in order;
 * parcels that overlap are warned about (overlap.c).
 */
#include "io/io_int.h"
#include "nytte/config.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int io_parse_num(const char *s, double *out)
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

int io_key_join(char **out, const nytte_vfeature *f, size_t first, size_t n, size_t *empty)
{
    *out = NULL;
    size_t len = 1;
    for (size_t k = 0; k < n; k++) {
        const char *v = f->values[first + k];
        if (!v || !*v) {
            *empty = k;
            return 1;
        }
        len += strlen(v) + strlen(NYTTE_KEY_JOIN);
    }
    if (n == 1) {
        /* the value itself: nothing to join */
        return (*out = strdup(f->values[first])) ? 0 : -1;
    }
    char *s = malloc(len);
    if (!s)
        return -1;
    size_t used = 0;
    for (size_t k = 0; k < n; k++)
        used += (size_t)snprintf(s + used, len - used, "%s%s", k ? NYTTE_KEY_JOIN : "", f->values[first + k]);
    *out = s;
    return 0;
}

char *io_key_names(char *buf, size_t size, const nytte_key_fields *k)
{
    size_t used = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < k->n && used < size; i++)
        used += (size_t)snprintf(buf + used, size - used, "%s%s", i ? ", " : "", k->names[i]);
    return buf;
}

char *io_feature_place(char *buf, size_t size, const nytte_vlayer *l, long long fid)
{
    if (l->row_base >= 0)
        snprintf(buf, size, "row %lld", fid + l->row_base);
    else if (l->row_base == IO_ROWS_ITEMS)
        snprintf(buf, size, "item %lld", fid);
    else
        snprintf(buf, size, "feature %lld", fid);
    return buf;
}

static int cmp_parcel(const void *a, const void *b)
{
    return strcmp(((const nytte_parcel *)a)->id, ((const nytte_parcel *)b)->id);
}

/* bsearch comparison of an id (the key) with a parcel's. */
static int cmp_parcel_key(const void *key, const void *p) { return strcmp(key, ((const nytte_parcel *)p)->id); }

long io_find_parcel(const nytte_inputs *in, const char *id)
{
    const nytte_parcel *p =
        in->nparcels ? bsearch(id, in->parcels, in->nparcels, sizeof *in->parcels, cmp_parcel_key) : NULL;
    return p ? (long)(p - in->parcels) : -1;
}

int io_opt_field(const char **fields, size_t *nf, const char *name)
{
    if (!name)
        return -1;
    fields[*nf] = name;
    return (int)(*nf)++;
}

int io_utf8_valid(const char *s)
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

const char *io_layer_name(const nytte_layer_cfg *c) { return c->layer ? c->layer : "(first layer)"; }

/* The fields a parcel is read with: the id field(s) first, then the optional ones when given. */
typedef struct parcel_fields {
    const char *names[NYTTE_KEY_FIELDS_MAX + 4];
    size_t n;
    int ivalue, iland, ipaved, iprop;
} parcel_fields;

/* Take feature f as parcel pc (its id, geometry, area, property value, paved area, land use, property). */
static int take_parcel(nytte_ctx *ctx, nytte_parcel *pc, nytte_vfeature *f, const nytte_parcels_cfg *c,
                       const parcel_fields *pf, const char *ln)
{
    const char *path = c->src.path;
    size_t empty = 0;
    int j = io_key_join(&pc->id, f, 0, c->id.n, &empty);
    if (j < 0)
        return nytte_nomem(ctx, "reading parcels");
    if (j > 0) {
        char names[256];
        return c->id.n == 1
                   ? nytte_error(ctx, NYTTE_EINPUT, "%s: layer %s: feature %lld: parcel id (field %s) is empty", path,
                                 ln, f->fid, c->id.names[0])
                   : nytte_error(ctx, NYTTE_EINPUT,
                                 "%s: layer %s: feature %lld: parcel id (fields %s): field %s is empty", path, ln,
                                 f->fid, io_key_names(names, sizeof names, &c->id), c->id.names[empty]);
    }
    if (f->geom.kind != NYTTE_GEOM_POLYGON || f->geom.nparts == 0)
        return nytte_error(ctx, NYTTE_EINPUT, "%s: layer %s: parcel %s: geometry is %s, expected a polygon", path, ln,
                           pc->id, f->geom.kind == NYTTE_GEOM_NONE ? "empty" : "not a polygon");
    pc->fid = f->fid;
    pc->geom = f->geom;
    f->geom = (nytte_geom)NYTTE_GEOM_INIT;
    pc->area = nytte_geom_area(&pc->geom);
    if (!(pc->area > 0))
        return nytte_error(ctx, NYTTE_EINPUT, "%s: layer %s: parcel %s: polygon has no area", path, ln, pc->id);
    pc->property_value = NAN;
    const char *v = pf->ivalue >= 0 ? f->values[pf->ivalue] : NULL;
    if (v && (io_parse_num(v, &pc->property_value) != 0 || pc->property_value < 0))
        return nytte_error(ctx, NYTTE_EINPUT, "%s: layer %s: parcel %s: %s '%s' is not a non-negative number", path,
                           ln, pc->id, c->value, v);
    v = pf->ipaved >= 0 ? f->values[pf->ipaved] : NULL;
    if (v && (io_parse_num(v, &pc->paved_area) != 0 || pc->paved_area < 0 || pc->paved_area > pc->area * (1 + 1e-9)))
        return nytte_error(ctx, NYTTE_EINPUT,
                           "%s: layer %s: parcel %s: %s '%s' is not an area between 0 and the plot's %.1f m²", path,
                           ln, pc->id, c->paved_area, v, pc->area);
    if (pf->iland >= 0 && f->values[pf->iland]) {
        pc->landuse = f->values[pf->iland];
        f->values[pf->iland] = NULL;
    }
    /* an empty property is no property: owners by property then find no owner for it */
    if (pf->iprop >= 0 && f->values[pf->iprop] && *f->values[pf->iprop]) {
        pc->property = f->values[pf->iprop];
        f->values[pf->iprop] = NULL;
    }
    return NYTTE_OK;
}

/* Refuse an id twice; warn about parcels that overlap (a register error, not refused:
 * each parcel keeps its polygon, docs/project-file.md). */
static int check_parcels(nytte_ctx *ctx, nytte_inputs *in, const char *path, const char *ln)
{
    for (size_t i = 1; i < in->nparcels; i++)
        if (strcmp(in->parcels[i].id, in->parcels[i - 1].id) == 0) {
            long long a = in->parcels[i - 1].fid, b = in->parcels[i].fid;
            return nytte_error(ctx, NYTTE_EINPUT, "%s: layer %s: parcel id '%s' appears twice (features %lld and %lld)",
                               path, ln, in->parcels[i].id, a < b ? a : b, a < b ? b : a);
        }
    io_overlaps ov;
    int rc = io_parcel_overlaps(ctx, &ov, in->parcels, in->nparcels);
    if (rc) {
        nytte_error_prefix(ctx, "%s: layer %s", path, ln);
        return rc;
    }
    io_overlaps_warn(ctx, &ov, in->parcels, path, ln);
    for (size_t k = 0; k < ov.npairs; k++) {
        in->parcels[ov.pairs[k].a].shared_area += ov.pairs[k].area;
        in->parcels[ov.pairs[k].b].shared_area += ov.pairs[k].area;
    }
    free(ov.pairs);
    return NYTTE_OK;
}

static int read_parcels(nytte_ctx *ctx, nytte_inputs *in, const nytte_project *p, const char *wkt)
{
    const nytte_parcels_cfg *c = &p->parcels;
    parcel_fields pf = {.n = c->id.n};
    for (size_t k = 0; k < c->id.n; k++)
        pf.names[k] = c->id.names[k];
    pf.ivalue = io_opt_field(pf.names, &pf.n, c->value);
    pf.iland = io_opt_field(pf.names, &pf.n, c->landuse);
    pf.ipaved = io_opt_field(pf.names, &pf.n, c->paved_area);
    pf.iprop = io_opt_field(pf.names, &pf.n, c->property);
    nytte_vlayer l;
    int rc = nytte_vlayer_read_as(ctx, &l, c->src.path, c->src.layer, c->src.where, c->src.crs, pf.names, pf.n, wkt);
    if (rc)
        return rc;
    const char *path = c->src.path, *ln = io_layer_name(&c->src);
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
        /* counted before it is filled, so that an error frees what it holds */
        nytte_parcel *pc = &in->parcels[in->nparcels++];
        if ((rc = take_parcel(ctx, pc, &l.features[i], c, &pf, ln)))
            goto cleanup;
    }
    qsort(in->parcels, in->nparcels, sizeof *in->parcels, cmp_parcel);
    if (l.nrepaired)
        nytte_log(ctx, NYTTE_LOG_WARN, "%s: layer %s: %zu invalid parcel polygons repaired with GEOS (-v lists them)",
                  path, ln, l.nrepaired);
    rc = check_parcels(ctx, in, path, ln);
cleanup:
    nytte_vlayer_clear(&l);
    return rc;
}

int nytte_inputs_read(nytte_ctx *ctx, nytte_inputs *out, const nytte_project *p, const char *crs_wkt)
{
    memset(out, 0, sizeof *out);
    int rc = read_parcels(ctx, out, p, crs_wkt);
    if (!rc && p->buildings.given)
        rc = io_read_buildings(ctx, out, p, crs_wkt);
    if (!rc)
        rc = io_read_owners(ctx, out, p);
    if (!rc && !(out->crs_wkt = strdup(crs_wkt)))
        rc = nytte_nomem(ctx, "reading inputs");
    if (rc)
        nytte_inputs_free(out);
    return rc;
}
