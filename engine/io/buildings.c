/*
 * buildings.c — the buildings as a checked table. Each building's parcel comes from its
 * parcel field(s), or, without one, from its footprint (assign.c: the parcel holding its
 * largest part; a building on no parcel is left out and listed); its use from its use
 * field (use groups, or BBR use codes through the use-code table), else from a joined BBR
 * table, else the default use; its floor area from its floor-area field, else from BBR,
 * else its footprint's area. How many came from where is kept in in->bnotes and said in
 * the log (docs/project-file.md, Buildings as published).
 */
#include "io/io_int.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The buildings layer while it is read. */
typedef struct breader {
    const nytte_buildings_cfg *c;
    const char *path, *ln;
    const char *fields[NYTTE_KEY_FIELDS_MAX + 8];
    size_t nf;
    int iparcel, iuse, iarea, iheight, ivalue, ilink; /* indexes in fields, or -1 */
    nytte_vlayer l;
    io_use_table codes;     /* with use_codes, or a BBR table's use codes */
    bool has_codes;         /* the use field holds codes (use_codes given) */
    io_bbr bbr;             /* with a BBR table */
    io_assignment *where;   /* without a parcel field: each feature's parcel */
} breader;

static int cmp_building(const void *a, const void *b)
{
    return strcmp(((const nytte_building *)a)->id, ((const nytte_building *)b)->id);
}
static int cmp_unassigned(const void *a, const void *b)
{
    return strcmp(((const nytte_unassigned *)a)->id, ((const nytte_unassigned *)b)->id);
}

/* Where a building's use codes are looked up, for messages. */
static const char *codes_name(const breader *r) { return r->c->use_codes ? r->c->use_codes : "bbr"; }

/* The parcel a building's parcel field(s) name; explicit and wrong is an error. */
static int parcel_by_field(nytte_ctx *ctx, const breader *r, const nytte_vfeature *f, const char *bid, long *pi,
                           const nytte_inputs *in)
{
    char *key = NULL, names[256];
    size_t empty = 0;
    int j = io_key_join(&key, f, (size_t)r->iparcel, r->c->parcel.n, &empty);
    if (j < 0)
        return nytte_nomem(ctx, "reading buildings");
    if (j > 0 && r->c->parcel.n > 1)
        return nytte_error(ctx, NYTTE_EINPUT, "%s: layer %s: building %s: parcel id (fields %s): field %s is empty",
                           r->path, r->ln, bid, io_key_names(names, sizeof names, &r->c->parcel),
                           r->c->parcel.names[empty]);
    *pi = key ? io_find_parcel(in, key) : -1;
    int rc = *pi >= 0 ? NYTTE_OK
                      : nytte_error(ctx, NYTTE_EINPUT, "%s: layer %s: building %s: parcel '%s' is not in the parcel layer",
                                    r->path, r->ln, bid, key ? key : "");
    free(key);
    return rc;
}

/* A building's use: its field, else its BBR row's code, else the default use. */
static int building_use(nytte_ctx *ctx, const breader *r, const nytte_vfeature *f, const io_bbr_row *row,
                        nytte_building *b)
{
    const char *v = r->iuse >= 0 ? f->values[r->iuse] : NULL;
    const nytte_buildings_cfg *c = r->c;
    int use = -1;
    if (v && *v && r->has_codes) {
        if ((use = io_use_table_find(&r->codes, v)) < 0)
            return nytte_error(ctx, NYTTE_EINPUT,
                               "%s: layer %s: building %s: use code '%s' (field %s) is not in the use-code table %s "
                               "(docs/bbr-use-codes.md): give its use group in a CSV of code,use as "
                               "inputs.buildings.use_codes",
                               r->path, r->ln, b->id, v, c->use, codes_name(r));
        b->use_from = NYTTE_FROM_FIELD;
    } else if (v && *v) {
        if ((use = nytte_use_parse(v)) < 0)
            return nytte_error(ctx, NYTTE_EINPUT,
                               "%s: layer %s: building %s: use group '%s' is not one of residential, summerhouse, "
                               "business, public, other",
                               r->path, r->ln, b->id, v);
        b->use_from = NYTTE_FROM_FIELD;
    } else if (row && row->use) {
        if ((use = io_use_table_find(&r->codes, row->use)) < 0)
            return nytte_error(ctx, NYTTE_EINPUT,
                               "%s: layer %s: building %s: BBR use code '%s' (%s, %s, field %s) is not in the use-code "
                               "table %s (docs/bbr-use-codes.md): give its use group in a CSV of code,use as "
                               "inputs.buildings.use_codes",
                               r->path, r->ln, b->id, row->use, c->bbr.src.path, row->at, c->bbr.use, codes_name(r));
        b->use_from = NYTTE_FROM_BBR;
    } else if (c->default_use >= 0) {
        use = c->default_use;
        b->use_from = NYTTE_FROM_DEFAULT;
    } else if (r->iuse >= 0) {
        return nytte_error(ctx, NYTTE_EINPUT,
                           "%s: layer %s: building %s: use group '' is not one of residential, summerhouse, business, "
                           "public, other",
                           r->path, r->ln, b->id);
    } else {
        const char *link = r->ilink >= 0 && f->values[r->ilink] ? f->values[r->ilink] : "";
        return nytte_error(ctx, NYTTE_EINPUT,
                           "%s: layer %s: building %s: no use: %s '%s' %s in %s, and no default_use is given", r->path,
                           r->ln, b->id, c->bbr.link, link, row ? "has no use code" : "is not", c->bbr.src.path);
    }
    b->use = (nytte_use)use;
    return NYTTE_OK;
}

/* A building's floor area: its field, else its BBR row's, else its footprint's area. */
static int building_floor_area(nytte_ctx *ctx, const breader *r, const nytte_vfeature *f, const io_bbr_row *row,
                               nytte_building *b)
{
    const nytte_buildings_cfg *c = r->c;
    if (r->iarea >= 0) {
        const char *v = f->values[r->iarea];
        if (io_parse_num(v, &b->floor_area) != 0 || b->floor_area < 0)
            return nytte_error(ctx, NYTTE_EINPUT, "%s: layer %s: building %s: %s '%s' is not a non-negative number",
                               r->path, r->ln, b->id, c->floor_area, v ? v : "");
        b->floor_area_from = NYTTE_FROM_FIELD;
    } else if (row && row->floor_area >= 0) {
        b->floor_area = row->floor_area;
        b->floor_area_from = NYTTE_FROM_BBR;
    } else if (b->geom.kind == NYTTE_GEOM_POLYGON) {
        b->floor_area = nytte_geom_area(&b->geom);
        b->floor_area_from = NYTTE_FROM_FOOTPRINT;
    } else {
        return nytte_error(ctx, NYTTE_EINPUT,
                           "%s: layer %s: building %s: is a point, without a footprint to take the floor area from: "
                           "give inputs.buildings.floor_area%s",
                           r->path, r->ln, b->id, c->bbr.given ? (c->bbr.floor_area ? " or its BBR floor area"
                                                                                    : " or bbr.floor_area")
                                                               : "");
    }
    return NYTTE_OK;
}

/* The optional floor height and value. */
static int building_extras(nytte_ctx *ctx, const breader *r, const nytte_vfeature *f, nytte_building *b)
{
    const char *h = r->iheight >= 0 ? f->values[r->iheight] : NULL, *v = r->ivalue >= 0 ? f->values[r->ivalue] : NULL;
    b->value = NAN;
    b->floor_height = 0;
    if (h && (io_parse_num(h, &b->floor_height) != 0 || b->floor_height < -5 || b->floor_height > 20))
        return nytte_error(ctx, NYTTE_EINPUT, "%s: layer %s: building %s: %s '%s' is not a height in metres (-5..20)",
                           r->path, r->ln, b->id, r->c->floor_height, h);
    if (v && (io_parse_num(v, &b->value) != 0 || b->value < 0))
        return nytte_error(ctx, NYTTE_EINPUT, "%s: layer %s: building %s: %s '%s' is not a non-negative number",
                           r->path, r->ln, b->id, r->c->value, v);
    return NYTTE_OK;
}

/* Feature i, already checked to have an id and a footprint or point, as a building of in (or left out). */
static int take_building(nytte_ctx *ctx, breader *r, size_t i, nytte_inputs *in)
{
    nytte_vfeature *f = &r->l.features[i];
    nytte_building_notes *n = &in->bnotes;
    long pi = -1;
    if (r->where && r->where[i].parcel < 0) {
        nytte_unassigned *u = &n->unassigned[n->nunassigned++];
        *u = (nytte_unassigned){f->values[0], f->fid, 0.5 * (f->geom.xmin + f->geom.xmax),
                                0.5 * (f->geom.ymin + f->geom.ymax), f->geom.kind == NYTTE_GEOM_POINT};
        f->values[0] = NULL;
        return NYTTE_OK;
    }
    int rc = r->where ? NYTTE_OK : parcel_by_field(ctx, r, f, f->values[0], &pi, in);
    if (rc)
        return rc;
    nytte_building *b = &in->buildings[in->nbuildings++];
    b->id = f->values[0];
    f->values[0] = NULL;
    b->fid = f->fid;
    b->geom = f->geom;
    f->geom = (nytte_geom)NYTTE_GEOM_INIT;
    if (r->where) {
        pi = r->where[i].parcel;
        b->parcel_tie = r->where[i].tie;
        b->parcel_from = b->geom.kind == NYTTE_GEOM_POINT ? NYTTE_FROM_POINT : NYTTE_FROM_FOOTPRINT;
        if (b->parcel_tie)
            nytte_log(ctx, NYTTE_LOG_INFO, "%s: layer %s: building %s lies equally on parcels %s and %s: to %s", r->path,
                      r->ln, b->id, in->parcels[pi].id, in->parcels[r->where[i].other].id, in->parcels[pi].id);
    }
    b->parcel = (size_t)pi;
    const char *link = r->ilink >= 0 ? f->values[r->ilink] : NULL;
    const io_bbr_row *row = r->c->bbr.given ? io_bbr_find(&r->bbr, link) : NULL;
    if ((rc = building_use(ctx, r, f, row, b)) || (rc = building_floor_area(ctx, r, f, row, b)) ||
        (rc = building_extras(ctx, r, f, b)))
        return rc;
    n->parcel_from[b->parcel_from]++;
    n->use_from[b->use_from]++;
    n->floor_area_from[b->floor_area_from]++;
    n->ties += b->parcel_tie;
    return NYTTE_OK;
}

/* Every feature has an id and a footprint or a point. */
static int check_features(nytte_ctx *ctx, const breader *r)
{
    for (size_t i = 0; i < r->l.nfeatures; i++) {
        const nytte_vfeature *f = &r->l.features[i];
        const char *bid = f->values[0];
        if (!bid || !*bid)
            return nytte_error(ctx, NYTTE_EINPUT, "%s: layer %s: feature %lld: building id (field %s) is empty", r->path,
                               r->ln, f->fid, r->c->id);
        if (f->geom.kind != NYTTE_GEOM_POLYGON && f->geom.kind != NYTTE_GEOM_POINT)
            return nytte_error(ctx, NYTTE_EINPUT, "%s: layer %s: building %s: geometry is %s, expected a footprint or point",
                               r->path, r->ln, bid, f->geom.kind == NYTTE_GEOM_NONE ? "empty" : "a line");
    }
    return NYTTE_OK;
}

/* Without a parcel field: each feature onto the parcels (assign.c). */
static int assign(nytte_ctx *ctx, breader *r, const nytte_inputs *in)
{
    size_t n = r->l.nfeatures;
    const nytte_geom **g = malloc((n ? n : 1) * sizeof *g);
    const char **ids = malloc((n ? n : 1) * sizeof *ids);
    r->where = calloc(n ? n : 1, sizeof *r->where);
    int rc = NYTTE_OK;
    if (!g || !ids || !r->where) {
        rc = nytte_nomem(ctx, "%s: buildings onto parcels", r->path);
        goto cleanup;
    }
    for (size_t i = 0; i < n; i++) {
        g[i] = &r->l.features[i].geom;
        ids[i] = r->l.features[i].values[0];
    }
    if ((rc = io_assign_buildings(ctx, r->where, g, ids, n, in->parcels, in->nparcels)))
        nytte_error_prefix(ctx, "%s: layer %s", r->path, r->ln);
cleanup:
    free((void *)g);
    free((void *)ids);
    return rc;
}

/* No id twice, among the buildings kept and those left out. */
static int check_ids(nytte_ctx *ctx, const breader *r, nytte_inputs *in)
{
    nytte_building_notes *n = &in->bnotes;
    qsort(in->buildings, in->nbuildings, sizeof *in->buildings, cmp_building);
    if (n->nunassigned > 1) /* NULL with a parcel field */
        qsort(n->unassigned, n->nunassigned, sizeof *n->unassigned, cmp_unassigned);
    const char *twice = NULL;
    for (size_t i = 1; !twice && i < in->nbuildings; i++)
        if (!strcmp(in->buildings[i].id, in->buildings[i - 1].id))
            twice = in->buildings[i].id;
    for (size_t i = 1; !twice && i < n->nunassigned; i++)
        if (!strcmp(n->unassigned[i].id, n->unassigned[i - 1].id))
            twice = n->unassigned[i].id;
    for (size_t i = 0; !twice && i < n->nunassigned; i++) {
        nytte_building key = {.id = n->unassigned[i].id};
        if (in->nbuildings && bsearch(&key, in->buildings, in->nbuildings, sizeof key, cmp_building))
            twice = key.id;
    }
    if (twice)
        return nytte_error(ctx, NYTTE_EINPUT, "%s: layer %s: building id '%s' appears twice", r->path, r->ln, twice);
    return NYTTE_OK;
}

/* What the reading made of the layer, in the log (and, from in->bnotes, in manifest.json). */
static void log_notes(nytte_ctx *ctx, const breader *r, const nytte_inputs *in)
{
    const nytte_building_notes *n = &in->bnotes;
    const nytte_buildings_cfg *c = r->c;
    if (n->by_footprint)
        nytte_log(ctx, NYTTE_LOG_INFO,
                  "%s: layer %s: %zu buildings onto parcels by the largest part of their footprint, %zu points by the "
                  "parcel they stand on",
                  r->path, r->ln, n->parcel_from[NYTTE_FROM_FOOTPRINT], n->parcel_from[NYTTE_FROM_POINT]);
    if (n->ties)
        nytte_log(ctx, NYTTE_LOG_WARN,
                  "%s: layer %s: %zu %s equally on two parcels or more: each went to the lowest parcel id (-v lists "
                  "them)",
                  r->path, r->ln, n->ties, n->ties == 1 ? "building lies" : "buildings lie");
    if (n->nunassigned)
        nytte_log(ctx, NYTTE_LOG_WARN,
                  "%s: layer %s: %zu of %zu buildings lie on no parcel and are left out (buildings_unassigned.csv "
                  "lists them)",
                  r->path, r->ln, n->nunassigned, n->nread);
    size_t fp = n->floor_area_from[NYTTE_FROM_FOOTPRINT];
    if (fp)
        nytte_log(ctx, NYTTE_LOG_WARN, "%s: layer %s: %zu %s the footprint's area as floor area (%s)", r->path, r->ln,
                  fp, fp == 1 ? "building has" : "buildings have",
                  c->bbr.floor_area ? "no BBR floor area for them" : "no floor_area field");
    size_t def = n->use_from[NYTTE_FROM_DEFAULT];
    if (def)
        nytte_log(ctx, c->use || c->bbr.use ? NYTTE_LOG_WARN : NYTTE_LOG_INFO,
                  "%s: layer %s: %zu %s no use of %s own and %s the default use %s", r->path, r->ln, def,
                  def == 1 ? "building has" : "buildings have", def == 1 ? "its" : "their", def == 1 ? "gets" : "get",
                  nytte_use_name((nytte_use)c->default_use));
    if (n->use_from[NYTTE_FROM_BBR] || n->floor_area_from[NYTTE_FROM_BBR])
        nytte_log(ctx, NYTTE_LOG_INFO, "%s: %zu buildings have their use, %zu their floor area from BBR",
                  c->bbr.src.path, n->use_from[NYTTE_FROM_BBR], n->floor_area_from[NYTTE_FROM_BBR]);
}

/* The fields to read: id, the parcel field(s), then the optional ones given. */
static void choose_fields(breader *r)
{
    const nytte_buildings_cfg *c = r->c;
    r->fields[r->nf++] = c->id;
    r->iparcel = c->parcel.n ? (int)r->nf : -1;
    for (size_t k = 0; k < c->parcel.n; k++)
        r->fields[r->nf++] = c->parcel.names[k];
    r->iuse = io_opt_field(r->fields, &r->nf, c->use);
    r->iarea = io_opt_field(r->fields, &r->nf, c->floor_area);
    r->iheight = io_opt_field(r->fields, &r->nf, c->floor_height);
    r->ivalue = io_opt_field(r->fields, &r->nf, c->value);
    r->ilink = io_opt_field(r->fields, &r->nf, c->bbr.given ? c->bbr.link : NULL);
}

int io_read_buildings(nytte_ctx *ctx, nytte_inputs *in, const nytte_project *p, const char *wkt)
{
    breader r = {.c = &p->buildings, .path = p->buildings.src.path, .ln = io_layer_name(&p->buildings.src)};
    choose_fields(&r);
    const nytte_buildings_cfg *c = r.c;
    int rc = nytte_vlayer_read_as(ctx, &r.l, c->src.path, c->src.layer, c->src.where, c->src.crs, r.fields, r.nf,
                                  wkt);
    if (rc)
        return rc;
    size_t n = r.l.nfeatures;
    nytte_building_notes *notes = &in->bnotes;
    notes->nread = n;
    notes->by_footprint = c->parcel.n == 0;
    in->buildings = calloc(n ? n : 1, sizeof *in->buildings);
    notes->unassigned = c->parcel.n ? NULL : calloc(n ? n : 1, sizeof *notes->unassigned);
    if (!in->buildings || (!c->parcel.n && !notes->unassigned)) {
        rc = nytte_nomem(ctx, "reading buildings");
        goto cleanup;
    }
    const char *own_codes = c->use_codes && strcmp(c->use_codes, "bbr") ? c->use_codes : NULL;
    if ((rc = check_features(ctx, &r)) || (c->use_codes && (rc = io_use_table_load(ctx, &r.codes, own_codes))))
        goto cleanup;
    r.has_codes = c->use_is_code;
    if ((c->bbr.given && (rc = io_bbr_read(ctx, &r.bbr, &c->bbr))) || (!c->parcel.n && (rc = assign(ctx, &r, in))))
        goto cleanup;
    for (size_t i = 0; i < n && !rc; i++)
        rc = take_building(ctx, &r, i, in);
    if (!rc && !(rc = check_ids(ctx, &r, in)))
        log_notes(ctx, &r, in);
cleanup:
    io_use_table_clear(&r.codes);
    io_bbr_clear(&r.bbr);
    free(r.where);
    nytte_vlayer_clear(&r.l);
    return rc;
}
