/*
 * outdir.c — a finished run's output folder read back (report.h, nytte_outdir_read): its
 * manifest.json (written by manifest.c) parsed with libfyaml as JSON, the files it lists,
 * every other scalar flattened to "key.sub[id].leaf" entries, and the tables of csvread.c,
 * each checked against the SHA-256 the manifest gives it.
 */
#include "report/report_int.h"

#include <errno.h>
#include <libfyaml.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

char *report_join(char *buf, size_t size, const char *dir, const char *name)
{
    size_t n = strlen(dir);
    snprintf(buf, size, "%s%s%s", dir, n && dir[n - 1] == '/' ? "" : "/", name);
    return buf;
}

int report_read_file(nytte_ctx *ctx, char **data, size_t *len, const char *path)
{
    *data = NULL;
    *len = 0;
    FILE *f = fopen(path, "rb");
    if (!f)
        return errno == ENOENT ? nytte_error(ctx, NYTTE_EINPUT, "%s: not found", path)
                               : nytte_error(ctx, NYTTE_EIO, "%s: cannot read: %s", path, strerror(errno));
    sbuf b = {0};
    char chunk[65536];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
        sb_addn(&b, chunk, n);
    int bad = ferror(f);
    fclose(f);
    if (bad) {
        free(b.s);
        return nytte_error(ctx, NYTTE_EIO, "%s: cannot read: %s", path, strerror(errno ? errno : EIO));
    }
    if (b.failed || (!b.s && !(b.s = calloc(1, 1)))) {
        free(b.s);
        return nytte_nomem(ctx, "%s", path);
    }
    *data = b.s;
    *len = b.n;
    return NYTTE_OK;
}

/* ---- manifest.json ---------------------------------------------------------------- */

/* One read of a manifest: where messages point and the entries' capacity. */
typedef struct mread {
    nytte_ctx *ctx;
    const char *path;  /* "out/manifest.json" */
    nytte_outdir *d;
    size_t cap;
} mread;

/* libfyaml's diagnostics: the first line, "<file>:L:C: error: what". */
typedef struct mdiag {
    char msg[512];
    bool have;
} mdiag;

static void diag_out(struct fy_diag *diag, void *user, const char *buf, size_t len)
{
    (void)diag;
    mdiag *m = user;
    size_t n = 0;
    while (n < len && buf[n] != '\n')
        n++;
    if (m->have || n == 0)
        return;
    snprintf(m->msg, sizeof m->msg, "%.*s", (int)n, buf);
    m->have = true;
}

/* "path:L:C: what" from libfyaml's "<whatever>:L:C: error: what". */
static int syntax_error(const mread *m, const mdiag *dg)
{
    const char *e = dg->have ? strstr(dg->msg, ": error: ") : NULL;
    if (!e)
        return nytte_error(m->ctx, NYTTE_EINPUT, "%s: not valid JSON", m->path);
    const char *q = e;
    int colons = 0;
    while (q > dg->msg && colons < 2)
        colons += *--q == ':';
    int line = 0, col = 0;
    if (colons == 2 && sscanf(q, ":%d:%d", &line, &col) == 2)
        return nytte_error(m->ctx, NYTTE_EINPUT, "%s:%d:%d: not valid JSON: %s", m->path, line, col, e + 9);
    return nytte_error(m->ctx, NYTTE_EINPUT, "%s: not valid JSON: %s", m->path, e + 9);
}

static char *scalar_dup(struct fy_node *n)
{
    size_t len = 0;
    const char *t = n && fy_node_get_type(n) == FYNT_SCALAR ? fy_node_get_scalar(n, &len) : NULL;
    if (!t)
        return NULL;
    char *s = malloc(len + 1);
    if (s) {
        memcpy(s, t, len);
        s[len] = '\0';
    }
    return s;
}

/* The scalar under key in mapping n, copied, or NULL (*rc set when memory ran out). */
static char *get_text(const mread *m, struct fy_node *n, const char *key, int *rc)
{
    struct fy_node *v = fy_node_mapping_lookup_by_string(n, key, FY_NT);
    if (!v || fy_node_get_type(v) != FYNT_SCALAR)
        return NULL;
    char *s = scalar_dup(v);
    if (!s && !*rc)
        *rc = nytte_nomem(m->ctx, "%s: %s", m->path, key);
    return s;
}

static int add_entry(mread *m, const char *key, struct fy_node *v, const char *value)
{
    nytte_outdir *d = m->d;
    if (d->nentries == m->cap) {
        size_t cap = m->cap ? 2 * m->cap : 64;
        nytte_outdir_entry *e = realloc(d->entries, cap * sizeof *e);
        if (!e)
            return nytte_nomem(m->ctx, "%s: %s", m->path, key);
        d->entries = e;
        m->cap = cap;
    }
    nytte_outdir_entry *e = &d->entries[d->nentries];
    e->key = strdup(key);
    e->value = value ? strdup(value) : scalar_dup(v);
    if (!e->key || !e->value) {
        free(e->key);
        free(e->value);
        return nytte_nomem(m->ctx, "%s: %s", m->path, key);
    }
    d->nentries++;
    return NYTTE_OK;
}

/* A sequence whose items are all scalars: one entry, the items joined by ", ". */
static int add_list(mread *m, const char *key, struct fy_node *seq)
{
    sbuf b = {0};
    void *it = NULL;
    struct fy_node *v;
    for (size_t k = 0; (v = fy_node_sequence_iterate(seq, &it)); k++) {
        size_t len = 0;
        const char *t = fy_node_get_scalar(v, &len);
        sb_add(&b, k ? ", " : "");
        sb_addn(&b, t ? t : "", t ? len : 0);
    }
    int rc = b.failed ? nytte_nomem(m->ctx, "%s: %s", m->path, key) : add_entry(m, key, NULL, b.s ? b.s : "");
    free(b.s);
    return rc;
}

static bool all_scalars(struct fy_node *seq)
{
    void *it = NULL;
    struct fy_node *v;
    while ((v = fy_node_sequence_iterate(seq, &it)))
        if (fy_node_get_type(v) != FYNT_SCALAR)
            return false;
    return true;
}

/*
 * Every scalar under n as an entry named by its path: maps by key ("loan.rate"), a list of
 * scalars as one entry, other lists by the item's "id" or "name" when it has one
 * ("totals.elements[basin].pool_ore"), else by index.
 */
static int flatten(mread *m, struct fy_node *n, const char *key, int depth)
{
    char sub[1024];
    if (depth > 16)
        return nytte_error(m->ctx, NYTTE_EINPUT, "%s: %s: nested too deeply for a nytte manifest", m->path, key);
    switch (fy_node_get_type(n)) {
    case FYNT_SCALAR: return add_entry(m, key, n, NULL);
    case FYNT_MAPPING: {
        void *it = NULL;
        struct fy_node_pair *pr;
        int rc = NYTTE_OK;
        while (!rc && (pr = fy_node_mapping_iterate(n, &it))) {
            size_t len = 0;
            const char *k = fy_node_get_scalar(fy_node_pair_key(pr), &len);
            snprintf(sub, sizeof sub, "%s%s%.*s", key, *key ? "." : "", (int)len, k ? k : "");
            rc = flatten(m, fy_node_pair_value(pr), sub, depth + 1);
        }
        return rc;
    }
    case FYNT_SEQUENCE: {
        if (all_scalars(n))
            return add_list(m, key, n);
        void *it = NULL;
        struct fy_node *v;
        int rc = NYTTE_OK;
        for (size_t i = 0; !rc && (v = fy_node_sequence_iterate(n, &it)); i++) {
            struct fy_node *id = fy_node_get_type(v) == FYNT_MAPPING ? fy_node_mapping_lookup_by_string(v, "id", FY_NT)
                                                                     : NULL;
            if (!id && fy_node_get_type(v) == FYNT_MAPPING)
                id = fy_node_mapping_lookup_by_string(v, "name", FY_NT);
            size_t len = 0;
            const char *t = id && fy_node_get_type(id) == FYNT_SCALAR ? fy_node_get_scalar(id, &len) : NULL;
            if (t)
                snprintf(sub, sizeof sub, "%s[%.*s]", key, (int)len, t);
            else
                snprintf(sub, sizeof sub, "%s[%zu]", key, i);
            rc = flatten(m, v, sub, depth + 1);
        }
        return rc;
    }
    }
    return NYTTE_OK;
}

/* "inputs" or "outputs": a list of {path, sha256, bytes[, roles, outside_project]}. */
static int read_files(mread *m, struct fy_node *seq, const char *what, nytte_outdir_file **out, size_t *n)
{
    if (fy_node_get_type(seq) != FYNT_SEQUENCE)
        return nytte_error(m->ctx, NYTTE_EINPUT, "%s: %s: not a list", m->path, what);
    int count = fy_node_sequence_item_count(seq);
    if (!(*out = calloc(count > 0 ? (size_t)count : 1, sizeof **out)))
        return nytte_nomem(m->ctx, "%s: %s", m->path, what);
    void *it = NULL;
    struct fy_node *v;
    int rc = NYTTE_OK;
    while (!rc && (v = fy_node_sequence_iterate(seq, &it))) {
        nytte_outdir_file *f = &(*out)[(*n)++];
        f->bytes = -1;
        if (fy_node_get_type(v) != FYNT_MAPPING)
            return nytte_error(m->ctx, NYTTE_EINPUT, "%s: %s[%zu]: not an object", m->path, what, *n - 1);
        f->path = get_text(m, v, "path", &rc);
        f->sha256 = get_text(m, v, "sha256", &rc);
        f->roles = get_text(m, v, "roles", &rc);
        char *bytes = get_text(m, v, "bytes", &rc), *outside = get_text(m, v, "outside_project", &rc);
        if (bytes)
            f->bytes = strtoll(bytes, NULL, 10);
        f->outside_project = outside && !strcmp(outside, "true");
        free(bytes);
        free(outside);
        if (!rc && (!f->path || !f->sha256))
            rc = nytte_error(m->ctx, NYTTE_EINPUT, "%s: %s[%zu]: no %s", m->path, what, *n - 1,
                             f->path ? "sha256" : "path");
    }
    return rc;
}

/* An input's name in the project's folder: its path without the folder of the project file. */
static int input_names(mread *m)
{
    nytte_outdir *d = m->d;
    const char *slash = strrchr(d->project_path, '/');
    size_t dl = slash ? (size_t)(slash - d->project_path) + 1 : 0;
    for (size_t i = 0; i < d->ninputs; i++) {
        const char *p = d->inputs[i].path;
        if (!d->inputs[i].outside_project && dl && !strncmp(p, d->project_path, dl))
            p += dl;
        while (!d->inputs[i].outside_project && p[0] == '.' && p[1] == '/')
            p += 2;
        if (!(d->inputs[i].name = strdup(p)))
            return nytte_nomem(m->ctx, "%s: inputs", m->path);
    }
    for (size_t i = 0; i < d->noutputs; i++)
        if (!(d->outputs[i].name = strdup(d->outputs[i].path)))
            return nytte_nomem(m->ctx, "%s: outputs", m->path);
    return NYTTE_OK;
}

/* The keys of the root mapping: the ones the struct holds, the rest flattened to entries. */
static int read_root(mread *m, struct fy_node *root)
{
    nytte_outdir *d = m->d;
    void *it = NULL;
    struct fy_node_pair *pr;
    int rc = NYTTE_OK;
    while (!rc && (pr = fy_node_mapping_iterate(root, &it))) {
        char *key = scalar_dup(fy_node_pair_key(pr));
        struct fy_node *v = fy_node_pair_value(pr);
        if (!key)
            rc = nytte_nomem(m->ctx, "%s", m->path);
        else if (!strcmp(key, "nytte_version"))
            d->version = scalar_dup(v);
        else if (!strcmp(key, "created_utc"))
            d->created_utc = scalar_dup(v);
        else if (!strcmp(key, "project") && fy_node_get_type(v) == FYNT_MAPPING) {
            d->project_path = get_text(m, v, "path", &rc);
            d->project_name = get_text(m, v, "name", &rc);
            d->project_sha256 = get_text(m, v, "sha256", &rc);
            d->project_text = get_text(m, v, "text", &rc);
        } else if (!strcmp(key, "inputs"))
            rc = read_files(m, v, key, &d->inputs, &d->ninputs);
        else if (!strcmp(key, "outputs"))
            rc = read_files(m, v, key, &d->outputs, &d->noutputs);
        else if (strcmp(key, "inputs_outside_project") != 0) /* the inputs say so one by one */
            rc = flatten(m, v, key, 0);
        free(key);
    }
    return rc;
}

/* What the struct needs that the manifest may leave out, and what it must not. */
static int settle(mread *m)
{
    nytte_outdir *d = m->d;
    if (!d->version)
        return nytte_error(m->ctx, NYTTE_EINPUT, "%s: no nytte_version: not the manifest of a nytte run", m->path);
    char **texts[] = {&d->created_utc, &d->project_path, &d->project_name, &d->project_sha256, &d->project_text};
    for (size_t k = 0; k < sizeof texts / sizeof texts[0]; k++)
        if (!*texts[k] && !(*texts[k] = strdup("")))
            return nytte_nomem(m->ctx, "%s", m->path);
    const char *model = nytte_outdir_value(d, "allocation_model");
    if (!(d->model = strdup(model ? model : "")))
        return nytte_nomem(m->ctx, "%s", m->path);
    const char *dialect = nytte_outdir_value(d, "csv_dialect");
    nytte_csv_opts standard = NYTTE_CSV_OPTS_INIT, excel_da = {';', ',', true};
    if (!dialect || !strcmp(dialect, "standard"))
        d->csv = standard;
    else if (!strcmp(dialect, "excel_da"))
        d->csv = excel_da;
    else
        return nytte_error(m->ctx, NYTTE_EINPUT, "%s: csv_dialect: '%s' is neither standard nor excel_da", m->path,
                           dialect);
    return input_names(m);
}

static int read_manifest(nytte_ctx *ctx, nytte_outdir *d)
{
    char path[4400];
    report_join(path, sizeof path, d->dir, "manifest.json");
    mread m = {ctx, path, d, 0};
    char *text = NULL;
    size_t len = 0;
    struct fy_diag *diag = NULL;
    struct fy_document *doc = NULL;
    int rc = report_read_file(ctx, &text, &len, path);
    if (rc == NYTTE_EINPUT) {
        rc = nytte_error(ctx, NYTTE_EINPUT, "%s: not found: %s is not the output folder of a finished nytte run", path,
                         d->dir);
        goto cleanup;
    }
    if (rc)
        goto cleanup;
    mdiag dg = {{0}, false};
    struct fy_diag_cfg dc;
    fy_diag_cfg_default(&dc);
    dc.fp = NULL;
    dc.output_fn = diag_out;
    dc.user = &dg;
    dc.colorize = false;
    if (!(diag = fy_diag_create(&dc))) {
        rc = nytte_nomem(ctx, "%s: the JSON parser", path);
        goto cleanup;
    }
    struct fy_parse_cfg cfg = {.flags = FYPCF_QUIET | FYPCF_JSON_FORCE, .diag = diag};
    if (!(doc = fy_document_build_from_string(&cfg, text, len))) {
        rc = syntax_error(&m, &dg);
        goto cleanup;
    }
    struct fy_node *root = fy_document_root(doc);
    if (!root || fy_node_get_type(root) != FYNT_MAPPING) {
        rc = nytte_error(ctx, NYTTE_EINPUT, "%s: not a JSON object: not the manifest of a nytte run", path);
        goto cleanup;
    }
    if (!(rc = read_root(&m, root)))
        rc = settle(&m);
cleanup:
    fy_document_destroy(doc);
    if (diag)
        fy_diag_destroy(diag);
    free(text);
    return rc;
}

/* ---- the folder ------------------------------------------------------------------- */

/* A table read whose SHA-256 is not the one the manifest gives it was edited after the run. */
static void check_sha(nytte_outdir *d, const char *name, const char hex[65])
{
    for (size_t i = 0; i < d->noutputs; i++)
        if (!strcmp(d->outputs[i].path, name) && !strcmp(d->outputs[i].sha256, hex))
            return;
    d->modified[d->nmodified++] = name;
}

int nytte_outdir_read(nytte_ctx *ctx, nytte_outdir **out, const char *dir, unsigned what)
{
    *out = NULL;
    struct stat st;
    if (stat(dir, &st) != 0)
        return nytte_error(ctx, errno == ENOENT ? NYTTE_EINPUT : NYTTE_EIO, "%s: %s", dir,
                           errno == ENOENT ? "no such folder" : strerror(errno));
    if (!S_ISDIR(st.st_mode))
        return nytte_error(ctx, NYTTE_EINPUT, "%s: not a folder: give the output folder of a finished nytte run", dir);
    nytte_outdir *d = calloc(1, sizeof *d);
    int rc = NYTTE_OK;
    char hex[65];
    if (!d || !(d->dir = strdup(dir))) {
        rc = nytte_nomem(ctx, "%s", dir);
        goto cleanup;
    }
    if ((rc = read_manifest(ctx, d)))
        goto cleanup;
    if ((what & NYTTE_OUTDIR_OWNERS) && !(rc = report_read_owners(ctx, d, hex)))
        check_sha(d, "owners.csv", hex);
    if (!rc && (what & NYTTE_OUTDIR_PARCELS) && !(rc = report_read_parcels(ctx, d, hex)))
        check_sha(d, "parcels.csv", hex);
cleanup:
    if (rc)
        nytte_outdir_free(d);
    else
        *out = d;
    return rc;
}

static void files_free(nytte_outdir_file *f, size_t n)
{
    for (size_t i = 0; f && i < n; i++) {
        free(f[i].path);
        free(f[i].name);
        free(f[i].roles);
        free(f[i].sha256);
    }
    free(f);
}

void nytte_outdir_free(nytte_outdir *d)
{
    if (!d)
        return;
    char *texts[] = {d->dir, d->version, d->created_utc, d->project_path, d->project_name, d->project_sha256,
                     d->project_text, d->model};
    for (size_t k = 0; k < sizeof texts / sizeof texts[0]; k++)
        free(texts[k]);
    files_free(d->inputs, d->ninputs);
    files_free(d->outputs, d->noutputs);
    for (size_t i = 0; i < d->nentries; i++) {
        free(d->entries[i].key);
        free(d->entries[i].value);
    }
    free(d->entries);
    for (size_t i = 0; d->owners && i < d->nowners; i++) {
        free(d->owners[i].id);
        free(d->owners[i].name);
        free(d->owners[i].parcels);
    }
    free(d->owners);
    for (size_t i = 0; d->parcels && i < d->nparcels; i++) {
        free(d->parcels[i].id);
        free(d->parcels[i].owners);
    }
    free(d->parcels);
    free(d);
}

const char *nytte_outdir_value(const nytte_outdir *d, const char *key)
{
    for (size_t i = 0; i < d->nentries; i++)
        if (!strcmp(d->entries[i].key, key))
            return d->entries[i].value;
    return NULL;
}

static int cmp_owner_id(const void *key, const void *o) { return strcmp(key, ((const nytte_outdir_owner *)o)->id); }
static int cmp_parcel_id(const void *key, const void *p) { return strcmp(key, ((const nytte_outdir_parcel *)p)->id); }

const nytte_outdir_owner *nytte_outdir_owner_find(const nytte_outdir *d, const char *id)
{
    return d->owners ? bsearch(id, d->owners, d->nowners, sizeof *d->owners, cmp_owner_id) : NULL;
}

const nytte_outdir_parcel *nytte_outdir_parcel_find(const nytte_outdir *d, const char *id)
{
    return d->parcels ? bsearch(id, d->parcels, d->nparcels, sizeof *d->parcels, cmp_parcel_id) : NULL;
}
