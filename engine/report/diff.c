/*
 * diff.c — two finished runs compared (nytte diff): which owners' amounts differ and by
 * how much, and what differs between the runs that could explain it — the program, the
 * project file (line by line), the model and rules, the inputs by SHA-256, the totals.
 * The text (difftext.c) and the CSV of the owners are written from the one comparison.
 */
#include "report/report_int.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Manifest entries that say how a run went, not what it computed from what. */
static bool not_a_setting(const char *key)
{
    static const char *const skip[] = {"timings_s", "threads", "crs.wkt", "totals"};
    for (size_t k = 0; k < sizeof skip / sizeof skip[0]; k++) {
        size_t n = strlen(skip[k]);
        if (!strncmp(key, skip[k], n) && (key[n] == '\0' || key[n] == '.' || key[n] == '['))
            return true;
    }
    return false;
}

/* What a run computed, not what it was told: its totals, and the safeguards' findings. */
static bool is_total(const char *key)
{
    return !strncmp(key, "totals.", 7) || !strcmp(key, "findings") || !strncmp(key, "findings[", 9) ||
           !strncmp(key, "findings.", 9);
}

/* Settings of how the outputs are written, which change no amount (the draws and horizons add outputs). */
static bool is_rule(const char *key)
{
    return strcmp(key, "csv_dialect") != 0 && strcmp(key, "compare") != 0 && strncmp(key, "uncertainty.", 12) != 0 &&
           strncmp(key, "horizons[", 9) != 0;
}

/* A growable list of differing values. */
typedef struct vlist {
    nytte_diff_value *v;
    size_t n, cap;
} vlist;

static int vpush(vlist *l, nytte_diff_value v)
{
    if (l->n == l->cap) {
        size_t cap = l->cap ? 2 * l->cap : 16;
        nytte_diff_value *p = realloc(l->v, cap * sizeof *p);
        if (!p)
            return -1;
        l->v = p;
        l->cap = cap;
    }
    l->v[l->n++] = v;
    return 0;
}

/* The settings and totals that differ: A's entries in A's order, then those only in B. */
static int diff_entries(nytte_ctx *ctx, nytte_outdir_diff *d)
{
    vlist set = {0}, tot = {0};
    const nytte_outdir *a = d->a, *b = d->b;
    int failed = 0;
    for (size_t i = 0; i < a->nentries && !failed; i++) {
        const nytte_outdir_entry *e = &a->entries[i];
        const char *vb = nytte_outdir_value(b, e->key);
        if (not_a_setting(e->key) && !is_total(e->key))
            continue;
        if (!vb || strcmp(vb, e->value) != 0)
            failed = vpush(is_total(e->key) ? &tot : &set,
                           (nytte_diff_value){e->key, e->value, vb, NULL, NULL, is_rule(e->key)});
    }
    for (size_t i = 0; i < b->nentries && !failed; i++) {
        const nytte_outdir_entry *e = &b->entries[i];
        if ((not_a_setting(e->key) && !is_total(e->key)) || nytte_outdir_value(a, e->key))
            continue;
        failed = vpush(is_total(e->key) ? &tot : &set,
                       (nytte_diff_value){e->key, NULL, e->value, NULL, NULL, is_rule(e->key)});
    }
    d->settings = set.v;
    d->nsettings = set.n;
    for (size_t k = 0; k < set.n; k++)
        d->nrules += set.v[k].rule;
    d->totals = tot.v;
    d->ntotals = tot.n;
    return failed ? nytte_nomem(ctx, "nytte diff: the settings") : NYTTE_OK;
}

/*
 * The inputs whose SHA-256 differs or that are in one run only. Matched by their name in
 * the project's folder; what is left matched by role (a terrain renamed), first come first.
 */
static int diff_inputs(nytte_ctx *ctx, nytte_outdir_diff *d)
{
    const nytte_outdir *a = d->a, *b = d->b;
    vlist l = {0};
    int failed = 0;
    char *used = calloc(b->ninputs + 1, 1), *left = calloc(a->ninputs + 1, 1);
    if (!used || !left)
        failed = 1;
    for (size_t i = 0; i < a->ninputs && !failed; i++) {
        size_t j = 0;
        while (j < b->ninputs && (used[j] || strcmp(a->inputs[i].name, b->inputs[j].name)))
            j++;
        left[i] = j == b->ninputs;
        if (left[i])
            continue;
        used[j] = 1;
        if (strcmp(a->inputs[i].sha256, b->inputs[j].sha256))
            failed = vpush(&l, (nytte_diff_value){a->inputs[i].name, a->inputs[i].sha256, b->inputs[j].sha256,
                                                  &a->inputs[i], &b->inputs[j], false});
    }
    for (size_t i = 0; i < a->ninputs && !failed; i++) {
        if (!left[i])
            continue;
        const nytte_outdir_file *fa = &a->inputs[i], *fb = NULL;
        for (size_t j = 0; j < b->ninputs && !fb; j++)
            if (!used[j] && fa->roles && b->inputs[j].roles && !strcmp(fa->roles, b->inputs[j].roles)) {
                used[j] = 1;
                fb = &b->inputs[j];
            }
        if (!fb || strcmp(fa->sha256, fb->sha256) || strcmp(fa->name, fb->name))
            failed = vpush(&l, (nytte_diff_value){fa->name, fa->sha256, fb ? fb->sha256 : NULL, fa, fb, false});
    }
    for (size_t j = 0; j < b->ninputs && !failed; j++)
        if (!used[j])
            failed = vpush(&l, (nytte_diff_value){b->inputs[j].name, NULL, b->inputs[j].sha256, NULL, &b->inputs[j],
                                                  false});
    free(used);
    free(left);
    d->inputs = l.v;
    d->ninputs = l.n;
    return failed ? nytte_nomem(ctx, "nytte diff: the inputs") : NYTTE_OK;
}

/* Every owner whose amount or yearly O&M differs, or who is in one run only, by id. */
static int diff_owners(nytte_ctx *ctx, nytte_outdir_diff *d)
{
    const nytte_outdir *a = d->a, *b = d->b;
    d->owners = calloc(a->nowners + b->nowners + 1, sizeof *d->owners);
    if (!d->owners)
        return nytte_nomem(ctx, "nytte diff: %zu owners", a->nowners + b->nowners);
    size_t i = 0, j = 0;
    while (i < a->nowners || j < b->nowners) {
        int c = i == a->nowners ? 1 : j == b->nowners ? -1 : strcmp(a->owners[i].id, b->owners[j].id);
        const nytte_outdir_owner *oa = c <= 0 ? &a->owners[i++] : NULL, *ob = c >= 0 ? &b->owners[j++] : NULL;
        int64_t amount_a = oa ? oa->amount_ore : 0, amount_b = ob ? ob->amount_ore : 0;
        int64_t yearly_a = oa ? oa->yearly_om_ore : 0, yearly_b = ob ? ob->yearly_om_ore : 0;
        d->total_a_ore += amount_a;
        d->total_b_ore += amount_b;
        if (oa && ob && amount_a == amount_b && yearly_a == yearly_b) {
            d->nsame++;
            continue;
        }
        nytte_diff_kind kind = !ob ? NYTTE_DIFF_ONLY_A : !oa ? NYTTE_DIFF_ONLY_B : NYTTE_DIFF_CHANGED;
        d->nchanged += kind == NYTTE_DIFF_CHANGED;
        d->nonly_a += kind == NYTTE_DIFF_ONLY_A;
        d->nonly_b += kind == NYTTE_DIFF_ONLY_B;
        d->owners[d->nowners++] = (nytte_diff_owner){kind, oa, ob, amount_b - amount_a, yearly_b - yearly_a};
    }
    return NYTTE_OK;
}

/* Parcels whose amount differs or that are in one run only (both runs' parcels read). */
static size_t diff_parcels(const nytte_outdir *a, const nytte_outdir *b)
{
    size_t i = 0, j = 0, n = 0;
    while (i < a->nparcels || j < b->nparcels) {
        int c = i == a->nparcels ? 1 : j == b->nparcels ? -1 : strcmp(a->parcels[i].id, b->parcels[j].id);
        n += c != 0 || a->parcels[i].amount_ore != b->parcels[j].amount_ore;
        i += c <= 0;
        j += c >= 0;
    }
    return n;
}

int nytte_outdir_diff_new(nytte_ctx *ctx, nytte_outdir_diff **out, const nytte_outdir *a, const nytte_outdir *b)
{
    *out = NULL;
    nytte_outdir_diff *d = calloc(1, sizeof *d);
    if (!d)
        return nytte_nomem(ctx, "nytte diff");
    d->a = a;
    d->b = b;
    d->version_changed = strcmp(a->version, b->version) != 0;
    d->project_changed = strcmp(a->project_sha256, b->project_sha256) != 0;
    int rc = diff_owners(ctx, d);
    if (!rc)
        rc = diff_entries(ctx, d);
    if (!rc)
        rc = diff_inputs(ctx, d);
    if (!rc && a->parcels && b->parcels)
        d->nparcels_changed = diff_parcels(a, b);
    if (rc)
        nytte_outdir_diff_free(d);
    else
        *out = d;
    return rc;
}

void nytte_outdir_diff_free(nytte_outdir_diff *d)
{
    if (!d)
        return;
    free(d->owners);
    free(d->settings);
    free(d->inputs);
    free(d->totals);
    free(d);
}

/* ---- the CSV of the owners -------------------------------------------------------- */

typedef struct diff_row {
    const char *id, *change;
    int64_t amount_a, amount_b, diff, yearly_a, yearly_b, yearly_diff;
    const char *parcels_a, *parcels_b;
} diff_row;

#define D(m) offsetof(diff_row, m)
static const report_col diff_cols[] = {
    {"owner_id", NULL, REPORT_COL_TEXT, 0, D(id)},
    {"change", NULL, REPORT_COL_TEXT, 0, D(change)},
    {"amount_a_kr", NULL, REPORT_COL_MONEY, 0, D(amount_a)},
    {"amount_b_kr", NULL, REPORT_COL_MONEY, 0, D(amount_b)},
    {"difference_kr", NULL, REPORT_COL_MONEY, 0, D(diff)},
    {"yearly_om_a_kr", NULL, REPORT_COL_MONEY, 0, D(yearly_a)},
    {"yearly_om_b_kr", NULL, REPORT_COL_MONEY, 0, D(yearly_b)},
    {"yearly_om_difference_kr", NULL, REPORT_COL_MONEY, 0, D(yearly_diff)},
    {"parcels_a", NULL, REPORT_COL_LONG_TEXT, 0, D(parcels_a)},
    {"parcels_b", NULL, REPORT_COL_LONG_TEXT, 0, D(parcels_b)},
};
#undef D

static const char *const kind_names[] = {"changed", "only_a", "only_b"};

int nytte_outdir_diff_csv(nytte_ctx *ctx, const nytte_outdir_diff *d, const char *path, const nytte_csv_opts *o)
{
    diff_row *rows = calloc(d->nowners + 1, sizeof *rows);
    size_t n = strlen(path) + 32;
    char *tmp = malloc(n);
    int rc = NYTTE_OK;
    if (!rows || !tmp) {
        rc = nytte_nomem(ctx, "%s: %zu owners", path, d->nowners);
        goto cleanup;
    }
    for (size_t i = 0; i < d->nowners; i++) {
        const nytte_diff_owner *w = &d->owners[i];
        rows[i] = (diff_row){w->a ? w->a->id : w->b->id, kind_names[w->kind],
                             w->a ? w->a->amount_ore : REPORT_NO_MONEY, w->b ? w->b->amount_ore : REPORT_NO_MONEY,
                             w->diff_ore, w->a ? w->a->yearly_om_ore : REPORT_NO_MONEY,
                             w->b ? w->b->yearly_om_ore : REPORT_NO_MONEY, w->yearly_diff_ore,
                             w->a ? w->a->parcels : NULL, w->b ? w->b->parcels : NULL};
    }
    /* written beside (a name no other process has) and renamed into place: a failure leaves
     * no half a file */
    snprintf(tmp, n, "%s.tmp-%ld", path, (long)getpid());
    char *slash = strrchr(tmp, '/');
    if (slash)
        *slash = '\0';
    int ok = access(slash ? (slash == tmp ? "/" : tmp) : ".", W_OK) == 0;
    if (slash)
        *slash = '/';
    if (!ok) {
        rc = nytte_error(ctx, NYTTE_EIO, "%s: cannot create: %s", path, strerror(errno));
        goto cleanup;
    }
    const report_table t = {"owners", diff_cols, sizeof diff_cols / sizeof diff_cols[0], rows, sizeof *rows,
                            d->nowners, false, 0};
    if ((rc = report_table_csv(ctx, &t, tmp, o ? o : &d->b->csv)) == NYTTE_OK && rename(tmp, path) != 0)
        rc = nytte_error(ctx, NYTTE_EIO, "%s: cannot create: %s", path, strerror(errno));
    if (rc)
        remove(tmp);
cleanup:
    free(tmp);
    free(rows);
    return rc;
}
