/*
 * owners.c — the ownership table: one row per (parcel, owner), the parcel named by its id
 * (one field or several, joined as the parcels' ids are), or per (property, owner): such
 * a row owns its share of every parcel of the property (the Matrikelkort's
 * sfe_Ejendomsnummer covers several parcels). Without a table every parcel is its own
 * owner. Rows are named as a spreadsheet shows them (the header is row 1).
 */
#include "io/io_int.h"
#include "nytte/config.h"

#include <assert.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int cmp_owner(const void *a, const void *b)
{
    return strcmp(((const nytte_owner *)a)->id, ((const nytte_owner *)b)->id);
}
static int cmp_owner_key(const void *key, const void *o) { return strcmp(key, ((const nytte_owner *)o)->id); }
static int cmp_holding(const void *a, const void *b)
{
    const nytte_holding *x = a, *y = b;
    if (x->parcel != y->parcel)
        return x->parcel < y->parcel ? -1 : 1;
    return x->owner < y->owner ? -1 : x->owner > y->owner;
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

/* A parcel with a property, in the index the rows look their property up in. */
struct by_prop {
    const char *property, *id;
    size_t parcel;
};

/* The ownership table while it is read. */
typedef struct owner_table {
    const nytte_owners_cfg *c;
    const char *parcel_property; /* the parcel layer's property field */
    const char *fields[NYTTE_KEY_FIELDS_MAX + 3]; /* the key field(s), owner, then name and share when given */
    size_t nf, nkey;
    int iowner, iname, ishare;   /* their indexes in fields, or -1 */
    nytte_vlayer l;
    struct by_prop *by_property; /* owners by property: the parcels with a property, sorted by it */
    size_t nby;
    char **key;                  /* per row: its parcel id or property (joined) */
    const char **owner_of;       /* per holding: its owner id (borrowed from l) */
    double *sum;                 /* per parcel: the shares of its rows */
} owner_table;

static int cmp_by_property(const void *a, const void *b)
{
    const struct by_prop *x = a, *y = b;
    int c = strcmp(x->property, y->property);
    return c ? c : strcmp(x->id, y->id);
}

/* The parcels that have a property, sorted by property (then id), for the rows to find theirs. */
static int index_properties(nytte_ctx *ctx, const nytte_inputs *in, owner_table *t)
{
    if (!(t->by_property = malloc((in->nparcels ? in->nparcels : 1) * sizeof *t->by_property)))
        return nytte_nomem(ctx, "reading owners");
    for (size_t i = 0; i < in->nparcels; i++)
        if (in->parcels[i].property)
            t->by_property[t->nby++] = (struct by_prop){in->parcels[i].property, in->parcels[i].id, i};
    qsort(t->by_property, t->nby, sizeof *t->by_property, cmp_by_property);
    return NYTTE_OK;
}

/* The parcels a row's key names: *first and *n into the parcel table (parcel ids) or into by_property. */
static void row_parcels(const nytte_inputs *in, const owner_table *t, const char *key, size_t *first, size_t *n)
{
    *n = 0;
    if (!t->c->property) {
        long pi = io_find_parcel(in, key);
        if (pi >= 0) {
            *first = (size_t)pi;
            *n = 1;
        }
        return;
    }
    size_t lo = 0, hi = t->nby;
    while (lo < hi) { /* the first parcel whose property is not below key */
        size_t mid = lo + (hi - lo) / 2;
        if (strcmp(t->by_property[mid].property, key) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    *first = lo;
    while (lo < t->nby && !strcmp(t->by_property[lo].property, key))
        lo++;
    *n = lo - *first;
}

static size_t row_parcel(const owner_table *t, size_t first, size_t k)
{
    return t->c->property ? t->by_property[first + k].parcel : first;
}

/* Check row i: UTF-8, its key naming parcels (*n of them from *first), an owner id, a share. */
static int check_row(nytte_ctx *ctx, const nytte_inputs *in, owner_table *t, size_t i, size_t *first, size_t *n,
                     double *share)
{
    const char *path = t->c->src.path;
    nytte_vfeature *f = &t->l.features[i];
    char at[64], names[256];
    io_feature_place(at, sizeof at, &t->l, f->fid);
    /* owner names and ids go into UTF-8 outputs (CSV, GeoPackage): refuse Latin-1 and other encodings */
    for (size_t k = 0; k < t->nf; k++)
        if (f->values[k] && !io_utf8_valid(f->values[k]))
            return nytte_error(ctx, NYTTE_EINPUT, "%s: %s: field %s is not UTF-8 text (save the table as UTF-8)", path,
                               at, t->fields[k]);
    size_t empty = 0;
    int j = io_key_join(&t->key[i], f, 0, t->nkey, &empty);
    if (j < 0)
        return nytte_nomem(ctx, "reading owners");
    const char *key = t->key[i] ? t->key[i] : "";
    *n = 0;
    if (j == 0)
        row_parcels(in, t, key, first, n);
    if (*n == 0 && t->c->property)
        return nytte_error(ctx, NYTTE_EINPUT, "%s: %s: property '%s' is not the property of any parcel (field %s of "
                           "the parcel layer)", path, at, key, t->parcel_property);
    if (*n == 0)
        return t->nkey > 1 && j > 0
                   ? nytte_error(ctx, NYTTE_EINPUT, "%s: %s: parcel id (fields %s): field %s is empty", path, at,
                                 io_key_names(names, sizeof names, &t->c->parcel), t->c->parcel.names[empty])
                   : nytte_error(ctx, NYTTE_EINPUT, "%s: %s: parcel '%s' is not in the parcel layer", path, at, key);
    const char *oid = f->values[t->iowner];
    if (!oid || !*oid)
        return nytte_error(ctx, NYTTE_EINPUT, "%s: %s: owner id (field %s) is empty", path, at, t->c->owner);
    *share = 1.0;
    if (t->ishare >= 0 && (io_parse_num(f->values[t->ishare], share) != 0 || !(*share > 0) || *share > 1))
        return nytte_error(ctx, NYTTE_EINPUT, "%s: %s: %s %s owner %s: share '%s' is not a number in (0, 1]", path, at,
                           t->c->property ? "property" : "parcel", key, oid,
                           f->values[t->ishare] ? f->values[t->ishare] : "");
    return NYTTE_OK;
}

/*
 * Check each row and take it: a holding (parcel, share) per parcel it names (one, or every
 * parcel of its property) and an owner per row, merged by merge_owners.
 */
static int take_rows(nytte_ctx *ctx, nytte_inputs *in, owner_table *t)
{
    size_t cap = 0;
    for (size_t i = 0; i < t->l.nfeatures; i++) {
        nytte_vfeature *f = &t->l.features[i];
        size_t first = 0, n = 0;
        double share = 1.0;
        int rc = check_row(ctx, in, t, i, &first, &n, &share);
        if (rc)
            return rc;
        if (in->nholdings + n > cap) {
            size_t nc = cap ? 2 * cap : 64;
            while (nc < in->nholdings + n)
                nc *= 2;
            nytte_holding *h = realloc(in->holdings, nc * sizeof *h);
            const char **o = h ? realloc((void *)t->owner_of, nc * sizeof *o) : NULL;
            if (h)
                in->holdings = h;
            if (o)
                t->owner_of = o;
            if (!h || !o)
                return nytte_nomem(ctx, "reading owners");
            cap = nc;
        }
        for (size_t k = 0; k < n; k++) {
            size_t pi = row_parcel(t, first, k);
            t->sum[pi] += share;
            in->holdings[in->nholdings] = (nytte_holding){pi, 0, share};
            t->owner_of[in->nholdings++] = f->values[t->iowner];
        }
        /* owner table: collect, dedupe after sorting; counted as it grows so that an error frees it */
        const char *name = t->iname >= 0 ? f->values[t->iname] : NULL;
        in->owners[i].id = strdup(f->values[t->iowner]);
        in->owners[i].name = name ? strdup(name) : NULL;
        in->nowners = i + 1;
        if (!in->owners[i].id || (name && !in->owners[i].name))
            return nytte_nomem(ctx, "reading owners");
    }
    return NYTTE_OK;
}

/* The first row (feature id) of the ownership table with this owner id and name. */
static long long owner_row(const owner_table *t, const char *oid, const char *name)
{
    for (size_t i = 0; i < t->l.nfeatures; i++) {
        const nytte_vfeature *f = &t->l.features[i];
        const char *o = f->values[t->iowner], *n = f->values[t->iname];
        if (o && strcmp(o, oid) == 0 && n && strcmp(n, name) == 0)
            return f->fid;
    }
    return -1;
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
            long long ra = owner_row(t, kept->id, kept->name), rb = owner_row(t, kept->id, dup->name);
            long long lo = ra < rb ? ra : rb, hi = ra < rb ? rb : ra;
            bool rows = t->l.row_base >= 0;
            long long base = rows ? t->l.row_base : 0;
            /* the rest of the table is freed by the caller's cleanup: keep it counted */
            for (size_t j = w; j < i; j++)
                in->owners[j] = (nytte_owner){0};
            return nytte_error(ctx, NYTTE_EINPUT,
                               "%s: owner %s has different names on %s %lld and %lld (one owner id, one name)",
                               t->c->src.path, kept->id, rows ? "rows" : "features", lo + base, hi + base);
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
    if (in->nholdings > 1) /* holdings is NULL while no row was taken */
        qsort(in->holdings, in->nholdings, sizeof *in->holdings, cmp_holding);
    for (size_t i = 1; i < in->nholdings; i++) {
        const nytte_holding *h = &in->holdings[i];
        if (h->parcel != h[-1].parcel || h->owner != h[-1].owner)
            continue;
        const nytte_parcel *pc = &in->parcels[h->parcel];
        return t->c->property
                   ? nytte_error(ctx, NYTTE_EINPUT, "%s: property %s: owner %s is listed twice", t->c->src.path,
                                 pc->property, in->owners[h->owner].id)
                   : nytte_error(ctx, NYTTE_EINPUT, "%s: parcel %s: owner %s is listed twice", t->c->src.path, pc->id,
                                 in->owners[h->owner].id);
    }
    return NYTTE_OK;
}

/* Every parcel owned, its shares summing to 1. */
static int check_shares(nytte_ctx *ctx, const nytte_inputs *in, const owner_table *t, const nytte_project *p)
{
    const char *path = t->c->src.path;
    for (size_t i = 0; i < in->nparcels; i++) {
        const nytte_parcel *pc = &in->parcels[i];
        if (t->sum[i] == 0 && t->c->property && !pc->property)
            return nytte_error(ctx, NYTTE_EINPUT,
                               "%s: parcel %s has no owner: its property (field %s of the parcel layer) is empty", path,
                               pc->id, p->parcels.property);
        if (t->sum[i] == 0 && t->c->property)
            return nytte_error(ctx, NYTTE_EINPUT,
                               "%s: parcel %s has no owner (no row names its property %s; every property needs at "
                               "least one row in the ownership table)",
                               path, pc->id, pc->property);
        if (t->sum[i] == 0)
            return nytte_error(ctx, NYTTE_EINPUT,
                               "%s: parcel %s has no owner (every parcel needs at least one row in the ownership table)",
                               path, pc->id);
        if (fabs(t->sum[i] - 1.0) > 1e-6)
            return t->c->property ? nytte_error(ctx, NYTTE_EINPUT, "%s: property %s: ownership shares sum to %.9g, not 1",
                                                path, pc->property, t->sum[i])
                                  : nytte_error(ctx, NYTTE_EINPUT, "%s: parcel %s: ownership shares sum to %.9g, not 1",
                                                path, pc->id, t->sum[i]);
    }
    return NYTTE_OK;
}

int io_read_owners(nytte_ctx *ctx, nytte_inputs *in, const nytte_project *p)
{
    const nytte_owners_cfg *c = &p->owners;
    if (!c->given)
        return owners_are_parcels(ctx, in);
    owner_table t = {.c = c, .parcel_property = p->parcels.property};
    if (c->property) {
        t.fields[t.nf++] = c->property;
    } else {
        for (size_t k = 0; k < c->parcel.n; k++)
            t.fields[t.nf++] = c->parcel.names[k];
    }
    t.nkey = t.nf;
    t.iowner = io_opt_field(t.fields, &t.nf, c->owner);
    t.iname = io_opt_field(t.fields, &t.nf, c->name);
    t.ishare = io_opt_field(t.fields, &t.nf, c->share);
    int rc = nytte_vlayer_read(ctx, &t.l, c->src.path, c->src.layer, c->src.where, t.fields, t.nf, NULL);
    if (rc)
        return rc;
    size_t n = t.l.nfeatures;
    in->owners = calloc(n ? n : 1, sizeof *in->owners);
    t.key = calloc(n ? n : 1, sizeof *t.key);
    t.sum = calloc(in->nparcels ? in->nparcels : 1, sizeof *t.sum);
    if (!in->owners || !t.key || !t.sum) {
        rc = nytte_nomem(ctx, "reading owners");
        goto cleanup;
    }
    if ((c->property && (rc = index_properties(ctx, in, &t))) || (rc = take_rows(ctx, in, &t)) ||
        (rc = merge_owners(ctx, in, &t)) || (rc = link_holdings(ctx, in, &t)))
        goto cleanup;
    rc = check_shares(ctx, in, &t, p);
cleanup:
    for (size_t i = 0; t.key && i < n; i++)
        free(t.key[i]);
    free(t.key);
    free(t.by_property);
    free((void *)t.owner_of);
    free(t.sum);
    nytte_vlayer_clear(&t.l);
    return rc;
}
