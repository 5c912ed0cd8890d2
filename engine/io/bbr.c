/*
 * bbr.c — a table of BBR's buildings (a CSV or any table OGR reads, or the JSON array the
 * Datafordeler's REST service returns: jsontable.c), joined to the buildings layer on the building's BBR id:
 * GeoDanmark's BBRUUID against BBR's id_lokalId. The ids are compared without letter case
 * (GeoDanmark writes the UUIDs in capitals, BBR in small letters). Each row may give a
 * BBR use code and a floor area.
 */
#include "io/io_int.h"
#include "nytte/config.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int cmp_row(const void *a, const void *b)
{
    const io_bbr_row *x = a, *y = b;
    int c = strcmp(x->id, y->id);
    return c ? c : (x->fid > y->fid) - (x->fid < y->fid);
}

static void lower(char *s)
{
    for (; *s; s++)
        *s = (char)tolower((unsigned char)*s);
}

void io_bbr_clear(io_bbr *b)
{
    for (size_t i = 0; i < b->n; i++) {
        free(b->rows[i].id);
        free(b->rows[i].use);
    }
    free(b->rows);
    memset(b, 0, sizeof *b);
}

/* Take row f: its id (lower case), use code and floor area. */
static int take_row(nytte_ctx *ctx, io_bbr_row *r, nytte_vfeature *f, const nytte_bbr_cfg *c, const nytte_vlayer *l,
                    int iuse, int iarea)
{
    r->fid = f->fid;
    r->floor_area = -1.0;
    io_feature_place(r->at, sizeof r->at, l, f->fid);
    const char *path = c->src.path;
    if (!f->values[0] || !*f->values[0])
        return nytte_error(ctx, NYTTE_EINPUT, "%s: %s: the building's BBR id (field %s) is empty", path, r->at, c->key);
    r->id = f->values[0];
    f->values[0] = NULL;
    lower(r->id);
    if (iuse >= 0 && f->values[iuse] && *f->values[iuse]) {
        r->use = f->values[iuse];
        f->values[iuse] = NULL;
    }
    const char *a = iarea >= 0 ? f->values[iarea] : NULL;
    if (a && *a && (io_parse_num(a, &r->floor_area) != 0 || r->floor_area < 0))
        return nytte_error(ctx, NYTTE_EINPUT, "%s: %s: building %s: %s '%s' is not a non-negative number", path, r->at,
                           r->id, c->floor_area, a);
    return NYTTE_OK;
}

int io_bbr_read(nytte_ctx *ctx, io_bbr *b, const nytte_bbr_cfg *c)
{
    memset(b, 0, sizeof *b);
    const char *fields[3] = {c->key};
    size_t nf = 1;
    int iuse = io_opt_field(fields, &nf, c->use);
    int iarea = io_opt_field(fields, &nf, c->floor_area);
    nytte_vlayer l;
    int rc;
    if (!io_json_array_file(c->src.path))
        rc = nytte_vlayer_read(ctx, &l, c->src.path, c->src.layer, c->src.where, fields, nf, NULL);
    else if (c->src.layer || c->src.where)
        return nytte_error(ctx, NYTTE_EINPUT, "%s: a JSON array has no layers and no attribute filter: give neither "
                           "layer nor where", c->src.path);
    else
        rc = io_json_table_read(ctx, &l, c->src.path, fields, nf);
    if (rc)
        return rc;
    if (!(b->rows = calloc(l.nfeatures ? l.nfeatures : 1, sizeof *b->rows))) {
        rc = nytte_nomem(ctx, "%s: BBR", c->src.path);
        goto cleanup;
    }
    for (size_t i = 0; i < l.nfeatures; i++)
        if ((rc = take_row(ctx, &b->rows[b->n++], &l.features[i], c, &l, iuse, iarea)))
            goto cleanup;
    qsort(b->rows, b->n, sizeof *b->rows, cmp_row);
    for (size_t i = 1; i < b->n; i++)
        if (!strcmp(b->rows[i].id, b->rows[i - 1].id)) {
            rc = nytte_error(ctx, NYTTE_EINPUT, "%s: BBR id %s appears twice (%s and %s)", c->src.path, b->rows[i].id,
                             b->rows[i - 1].at, b->rows[i].at);
            goto cleanup;
        }
cleanup:
    nytte_vlayer_clear(&l);
    if (rc)
        io_bbr_clear(b);
    return rc;
}

const io_bbr_row *io_bbr_find(const io_bbr *b, const char *id)
{
    char key[128];
    if (!id || !*id || strlen(id) >= sizeof key)
        return NULL;
    snprintf(key, sizeof key, "%s", id);
    lower(key);
    io_bbr_row probe = {.id = key, .fid = 0};
    /* ids are unique (checked): the row with this id, whatever its fid */
    size_t lo = 0, hi = b->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(b->rows[mid].id, probe.id);
        if (c == 0)
            return &b->rows[mid];
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}
