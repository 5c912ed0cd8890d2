/*
 * owners.c — from parcels to owners: the holdings checked and sorted (parcel id, then
 * owner id), each parcel's amount per element split over its co-owners by largest
 * remainder (ties by owner id), and the owners' totals (docs/models.md, Co-owners).
 */
#include "allocate/allocate_int.h"

#include <stdlib.h>
#include <string.h>

typedef struct {
    size_t prank;      /* rank of the parcel */
    const char *owner;
    size_t h;          /* index into the holdings */
} hold_key;

static int by_parcel_owner(const void *a, const void *b)
{
    const hold_key *x = a, *y = b;
    if (x->prank != y->prank)
        return x->prank < y->prank ? -1 : 1;
    return strcmp(x->owner, y->owner);
}

static int by_owner_parcel(const void *a, const void *b)
{
    const hold_key *x = a, *y = b;
    int c = strcmp(x->owner, y->owner);
    if (c)
        return c;
    return x->prank < y->prank ? -1 : x->prank > y->prank;
}

/* The split of one parcel's element amount over its co-owners. */
typedef struct {
    int64_t ore, yearly;
} split;

/* What the steps share: the holdings (own), sorted (hk), and where each parcel's start. */
typedef struct {
    size_t nh;
    nytte_alloc_holding *own;  /* given, or each parcel its own owner */
    hold_key *hk;              /* sorted by parcel rank, then owner id */
    size_t *hfirst;            /* hfirst[j]: first sorted holding of the parcel of rank j; n + 1 */
    split *sp;                 /* [holding * nelements + e] */
} holdings;

/*
 * The holdings, given or each parcel its own owner, checked (a parcel, an owner, a share
 * in (0, 1]; no owner twice on a parcel; shares summing to 1; no amount without an owner)
 * and sorted by parcel id, then owner id.
 */
static int holdings_sorted(nytte_ctx *ctx, holdings *H, const nytte_alloc_result *res, const nytte_alloc_input *in,
                           const size_t *order, const size_t *rank)
{
    const size_t n = in->nparcels;
    const nytte_alloc_parcel *facts0 = in->nelements ? in->elements[0].parcels : NULL;
    size_t nh = H->nh = in->holdings ? in->nholdings : n;
    H->own = malloc((nh ? nh : 1) * sizeof *H->own);
    H->hk = malloc((nh ? nh : 1) * sizeof *H->hk);
    H->hfirst = malloc((n + 1) * sizeof *H->hfirst);
    if (!H->own || !H->hk || !H->hfirst)
        return nytte_nomem(ctx, "allocate: %zu holdings", nh);
    for (size_t h = 0; h < nh; h++) {
        if (in->holdings) {
            H->own[h] = in->holdings[h];
            const nytte_alloc_holding *o = &H->own[h];
            if (o->parcel >= n || !o->owner_id || !(o->share > 0.0 && o->share <= 1.0))
                return nytte_error(ctx, NYTTE_EINPUT,
                                   "holding %zu: needs a parcel index < %zu, an owner id and a share in (0, 1]", h, n);
        } else {
            H->own[h] = (nytte_alloc_holding){h, facts0[h].id, 1.0};
        }
        H->hk[h] = (hold_key){rank[H->own[h].parcel], H->own[h].owner_id, h};
    }
    qsort(H->hk, nh, sizeof *H->hk, by_parcel_owner);
    for (size_t j = 0, h = 0; j <= n; j++) {
        while (h < nh && H->hk[h].prank < j)
            h++;
        H->hfirst[j] = h;
    }
    for (size_t j = 0; j < n; j++) {
        size_t p = order[j];
        const char *pid = facts0 ? facts0[p].id : "?";
        double total = 0.0;
        for (size_t h = H->hfirst[j]; h < H->hfirst[j + 1]; h++) {
            if (h > H->hfirst[j] && strcmp(H->hk[h].owner, H->hk[h - 1].owner) == 0)
                return nytte_error(ctx, NYTTE_EINPUT, "parcel %s: owner %s is listed twice", pid, H->hk[h].owner);
            total += H->own[H->hk[h].h].share;
        }
        if (H->hfirst[j] == H->hfirst[j + 1]) {
            if (res->parcel_ore[p] != 0 || res->parcel_yearly_ore[p] != 0) {
                char a[32];
                return nytte_error(ctx, NYTTE_EINPUT, "parcel %s: pays %s kr but has no owner", pid,
                                   nytte_money_format(a, sizeof a, NULL, res->parcel_ore[p]));
            }
        } else if (fabs(total - 1.0) > 1e-9) {
            return nytte_error(ctx, NYTTE_EINPUT, "parcel %s: owner shares sum to %.10g, not 1", pid, total);
        }
    }
    return NYTTE_OK;
}

/* Each parcel's amount per element (and its yearly O&M) over its co-owners, by largest remainder. */
static int coowner_split(nytte_ctx *ctx, holdings *H, const nytte_alloc_result *res, const nytte_alloc_input *in,
                         const size_t *order)
{
    const size_t n = in->nparcels, ne = in->nelements, nh = H->nh;
    H->sp = calloc((nh ? nh : 1) * (ne ? ne : 1), sizeof *H->sp);
    double *ex = malloc((nh ? nh : 1) * sizeof *ex);
    int64_t *am = malloc((nh ? nh : 1) * sizeof *am);
    size_t *orank = malloc((nh ? nh : 1) * sizeof *orank);
    int rc = NYTTE_OK;
    if (!H->sp || !ex || !am || !orank) {
        rc = nytte_nomem(ctx, "allocate: %zu holdings", nh);
        goto cleanup;
    }
    for (size_t e = 0; e < ne; e++)
        for (size_t j = 0; j < n; j++) {
            size_t h0 = H->hfirst[j], k = H->hfirst[j + 1] - h0;
            const nytte_alloc_line *l = &res->lines[e * n + order[j]];
            if (k == 0)
                continue;
            double tot = 0.0;
            for (size_t q = 0; q < k; q++)
                tot += H->own[H->hk[h0 + q].h].share;
            for (int pass = 0; pass < 2; pass++) {
                /* a harmed parcel's compensation is negative: split its size, then the sign back */
                int64_t amount = pass == 0 ? l->ore : l->yearly_ore, sign = amount < 0 ? -1 : 1;
                amount *= sign;
                for (size_t q = 0; q < k; q++) {
                    ex[q] = (double)amount * (H->own[H->hk[h0 + q].h].share / tot);
                    orank[q] = q;
                }
                rc = alloc_apportion(am, k, ex, amount, orank, NULL, NULL);
                for (size_t q = 0; q < k; q++)
                    am[q] *= sign;
                if (rc) {
                    rc = nytte_error(ctx, rc, "parcel %s: splitting between co-owners failed",
                                     in->elements[0].parcels[order[j]].id);
                    goto cleanup;
                }
                for (size_t q = 0; q < k; q++) {
                    split *t = &H->sp[H->hk[h0 + q].h * (ne ? ne : 1) + e];
                    if (pass == 0)
                        t->ore = am[q];
                    else
                        t->yearly = am[q];
                }
            }
        }
cleanup:
    free(ex);
    free(am);
    free(orank);
    return rc;
}

/* The owners, sorted by id; each owner's parts by element, then parcel id; their totals. */
static int owners_aggregate(nytte_ctx *ctx, nytte_alloc_result *res, holdings *H, const nytte_alloc_input *in)
{
    const size_t ne = in->nelements, nh = H->nh;
    hold_key *hk = H->hk;
    qsort(hk, nh, sizeof *hk, by_owner_parcel);
    size_t no = 0;
    for (size_t h = 0; h < nh; h++)
        no += h == 0 || strcmp(hk[h].owner, hk[h - 1].owner) != 0;
    res->owners = calloc(no ? no : 1, sizeof *res->owners);
    res->parts = calloc(nh && ne ? nh * ne : 1, sizeof *res->parts);
    if (!res->owners || !res->parts)
        return nytte_nomem(ctx, "allocate: %zu owners", no);
    res->nowners = no;
    for (size_t h = 0, o = (size_t)-1; h < nh;) {
        size_t h1 = h;
        while (h1 < nh && strcmp(hk[h1].owner, hk[h].owner) == 0)
            h1++;
        nytte_alloc_owner *ow = &res->owners[++o];
        ow->id = hk[h].owner;
        ow->part0 = res->nparts;
        ow->value_kr = 0.0;
        for (size_t q = h; q < h1; q++) {
            const nytte_alloc_holding *hd = &H->own[hk[q].h];
            double v = ne ? in->elements[0].parcels[hd->parcel].property_value : NAN;
            ow->value_kr += hd->share * v;
        }
        for (size_t e = 0; e < ne; e++)
            for (size_t q = h; q < h1; q++) {
                const nytte_alloc_holding *hd = &H->own[hk[q].h];
                const split *t = &H->sp[hk[q].h * ne + e];
                res->parts[res->nparts++] = (nytte_alloc_owner_part){e, hd->parcel, hd->share, t->ore, t->yearly};
                ow->total_ore += t->ore;
                ow->yearly_ore += t->yearly;
            }
        ow->nparts = res->nparts - ow->part0;
        h = h1;
    }
    return NYTTE_OK;
}

int alloc_owners(nytte_ctx *ctx, nytte_alloc_result *res, const nytte_alloc_input *in, const size_t *order,
                 const size_t *rank)
{
    holdings H = {0};
    int rc = holdings_sorted(ctx, &H, res, in, order, rank);
    if (!rc)
        rc = coowner_split(ctx, &H, res, in, order);
    if (!rc)
        rc = owners_aggregate(ctx, res, &H, in);
    free(H.own);
    free(H.hk);
    free(H.hfirst);
    free(H.sp);
    return rc;
}
