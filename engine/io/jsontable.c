/*
 * jsontable.c — a table given as a JSON array of objects, the form the Datafordeler's REST
 * services return a register's records in (BBR's buildings: [{"id_lokalId": "...",
 * "byg021BygningensAnvendelse": "120", ...}, ...]), which OGR does not read (its GeoJSON
 * driver wants a FeatureCollection). Read with libfyaml into the same nytte_vlayer as an
 * OGR table, without geometries; item k of the array (from 1) is feature k.
 */
#include "io/io_int.h"

#include <ctype.h>
#include <libfyaml.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

bool io_json_array_file(const char *path)
{
    size_t n = strlen(path);
    if (n < 5 || strcmp(path + n - 5, ".json") != 0 || strncmp(path, "/vsi", 4) == 0)
        return false;
    FILE *f = fopen(path, "rb");
    if (!f)
        return false;
    int c;
    /* a byte-order mark, then white space, then '[' */
    while ((c = fgetc(f)) != EOF && (isspace(c) || c == 0xEF || c == 0xBB || c == 0xBF))
        ;
    fclose(f);
    return c == '[';
}

/* libfyaml's first diagnostic line. */
typedef struct jdiag {
    char msg[400];
    bool have;
} jdiag;

static void diag_out(struct fy_diag *diag, void *user, const char *buf, size_t len)
{
    (void)diag;
    jdiag *d = user;
    size_t n = 0;
    while (n < len && buf[n] != '\n')
        n++;
    if (d->have || n == 0)
        return;
    snprintf(d->msg, sizeof d->msg, "%.*s", (int)n, buf);
    d->have = true;
}

/* Value k of item it (a mapping) as text into *out: NULL for null or absent; -1 if not a value. */
static int item_value(struct fy_node *it, const char *field, char **out, bool *seen)
{
    *out = NULL;
    struct fy_node *v = fy_node_mapping_lookup_by_string(it, field, FY_NT);
    if (!v)
        return 0;
    *seen = true;
    if (fy_node_get_type(v) != FYNT_SCALAR)
        return -1;
    size_t len = 0;
    const char *t = fy_node_get_scalar(v, &len);
    if (!t || (fy_node_get_style(v) == FYNS_PLAIN && len == 4 && !memcmp(t, "null", 4)))
        return 0;
    if (!(*out = malloc(len + 1)))
        return -2;
    memcpy(*out, t, len);
    (*out)[len] = '\0';
    return 0;
}

/* Take the items of the array root into l, field by field. */
static int take_items(nytte_ctx *ctx, nytte_vlayer *l, struct fy_node *root, const char *path,
                      const char *const *fields, size_t nfields, bool *seen)
{
    size_t n = (size_t)fy_node_sequence_item_count(root);
    if (!(l->features = calloc(n ? n : 1, sizeof *l->features)))
        return nytte_nomem(ctx, "%s", path);
    void *iter = NULL;
    struct fy_node *it;
    while ((it = fy_node_sequence_iterate(root, &iter))) {
        nytte_vfeature *f = &l->features[l->nfeatures++];
        f->fid = (long long)l->nfeatures;
        if (!(f->values = calloc(nfields ? nfields : 1, sizeof *f->values)))
            return nytte_nomem(ctx, "%s", path);
        if (fy_node_get_type(it) != FYNT_MAPPING)
            return nytte_error(ctx, NYTTE_EINPUT, "%s: item %lld: not an object ({\"field\": value, ...})", path,
                               f->fid);
        for (size_t k = 0; k < nfields; k++) {
            int rc = item_value(it, fields[k], &f->values[k], &seen[k]);
            if (rc == -2)
                return nytte_nomem(ctx, "%s", path);
            if (rc < 0)
                return nytte_error(ctx, NYTTE_EINPUT, "%s: item %lld: field %s is not a value (a list or an object)",
                                   path, f->fid, fields[k]);
        }
    }
    return NYTTE_OK;
}

int io_json_table_read(nytte_ctx *ctx, nytte_vlayer *l, const char *path, const char *const *fields, size_t nfields)
{
    memset(l, 0, sizeof *l);
    l->row_base = IO_ROWS_ITEMS;
    jdiag dg = {{0}, false};
    struct fy_diag_cfg dc;
    fy_diag_cfg_default(&dc);
    dc.fp = NULL;
    dc.output_fn = diag_out;
    dc.user = &dg;
    dc.colorize = false;
    struct fy_diag *diag = fy_diag_create(&dc);
    struct fy_document *doc = NULL;
    bool *seen = calloc(nfields ? nfields : 1, sizeof *seen);
    int rc = NYTTE_OK;
    if (!diag || !seen || !(l->fields = calloc(nfields ? nfields : 1, sizeof *l->fields))) {
        rc = nytte_nomem(ctx, "%s: the JSON parser", path);
        goto cleanup;
    }
    l->nfields = nfields;
    for (size_t k = 0; k < nfields; k++)
        if (!(l->fields[k] = strdup(fields[k]))) {
            rc = nytte_nomem(ctx, "%s", path);
            goto cleanup;
        }
    struct fy_parse_cfg cfg = {.flags = FYPCF_QUIET | FYPCF_JSON_FORCE, .diag = diag};
    if (!(doc = fy_document_build_from_file(&cfg, path))) {
        const char *e = dg.have ? strstr(dg.msg, "error: ") : NULL;
        rc = nytte_error(ctx, NYTTE_EINPUT, "%s: not valid JSON%s%s", path, e ? ": " : "", e ? e + 7 : "");
        goto cleanup;
    }
    struct fy_node *root = fy_document_root(doc);
    if (!root || fy_node_get_type(root) != FYNT_SEQUENCE) {
        rc = nytte_error(ctx, NYTTE_EINPUT, "%s: expected a JSON array of objects", path);
        goto cleanup;
    }
    if ((rc = take_items(ctx, l, root, path, fields, nfields, seen)))
        goto cleanup;
    /* a field no item has is a misspelt name, as a missing column of a CSV is */
    for (size_t k = 0; k < nfields && l->nfeatures; k++)
        if (!seen[k]) {
            rc = nytte_error(ctx, NYTTE_EINPUT, "%s: no item has a field '%s'", path, fields[k]);
            goto cleanup;
        }
cleanup:
    if (doc)
        fy_document_destroy(doc);
    if (diag)
        fy_diag_destroy(diag);
    free(seen);
    if (rc)
        nytte_vlayer_clear(l);
    return rc;
}
