/*
 * difftext.c — nytte diff's text (nytte_outdir_diff_text): first the verdict a council
 * needs to decide on a new hearing (did any owner's amount change; did the model, the
 * rules, the project file, the inputs or the program), then what differs, the project
 * file line by line among it, then the owners. Owner ids only: names are personal data.
 */
#include "report/report_int.h"

#include <stdlib.h>
#include <string.h>

/* ---- the project file, line by line ------------------------------------------------- */

typedef struct line {
    const char *s;
    int len;
} line;

/* One line removed from A ('-') or added in B ('+'), with its number in its file. */
typedef struct edit {
    char sign;
    size_t no;
    line l;
} edit;

typedef struct line_diff {
    edit *e;
    size_t n;
    bool too_long; /* too many lines differ to align them: the changed range only */
    size_t a0, a1, b0, b1; /* with too_long: lines a0..a1 of A, b0..b1 of B (1-based, inclusive) */
} line_diff;

/* The lines of text (a '\r' before the '\n' dropped). */
static line *split(const char *text, size_t *n)
{
    size_t k = 1;
    for (const char *p = text; *p; p++)
        k += *p == '\n';
    line *v = malloc(k * sizeof *v);
    if (!v)
        return NULL;
    *n = 0;
    for (const char *p = text; *p;) {
        const char *e = strchr(p, '\n');
        size_t len = e ? (size_t)(e - p) : strlen(p);
        v[(*n)++] = (line){p, (int)(len && p[len - 1] == '\r' ? len - 1 : len)};
        p += len + (e != NULL);
    }
    return v;
}

static bool same(line x, line y) { return x.len == y.len && !memcmp(x.s, y.s, (size_t)x.len); }

/* Align the lines of a and b (longest common subsequence) between their common first and last lines. */
static int diff_lines(line_diff *out, const line *a, size_t na, const line *b, size_t nb)
{
    size_t p = 0, q = 0;
    while (p < na && p < nb && same(a[p], b[p]))
        p++;
    while (q < na - p && q < nb - p && same(a[na - 1 - q], b[nb - 1 - q]))
        q++;
    size_t n = na - p - q, m = nb - p - q;
    if (n * m > 4000000) { /* a project file rewritten: say where, not how */
        *out = (line_diff){NULL, 0, true, p + 1, p + n, p + 1, p + m};
        return 0;
    }
    uint32_t *L = calloc((n + 1) * (m + 1), sizeof *L);
    edit *e = malloc((n + m + 1) * sizeof *e);
    if (!L || !e) {
        free(L);
        free(e);
        return -1;
    }
#define AT(i, j) L[(i) * (m + 1) + (j)]
    for (size_t i = n; i-- > 0;)
        for (size_t j = m; j-- > 0;)
            AT(i, j) = same(a[p + i], b[p + j]) ? AT(i + 1, j + 1) + 1
                       : AT(i + 1, j) >= AT(i, j + 1) ? AT(i + 1, j) : AT(i, j + 1);
    size_t i = 0, j = 0, k = 0;
    while (i < n || j < m) {
        if (i < n && j < m && same(a[p + i], b[p + j])) {
            i++;
            j++;
        } else if (j == m || (i < n && AT(i + 1, j) >= AT(i, j + 1))) {
            e[k++] = (edit){'-', p + i + 1, a[p + i]};
            i++;
        } else {
            e[k++] = (edit){'+', p + j + 1, b[p + j]};
            j++;
        }
    }
#undef AT
    free(L);
    *out = (line_diff){e, k, false, 0, 0, 0, 0};
    return 0;
}

static int project_lines(line_diff *ld, const nytte_outdir_diff *d)
{
    size_t na = 0, nb = 0;
    line *a = split(d->a->project_text, &na), *b = split(d->b->project_text, &nb);
    int rc = a && b ? diff_lines(ld, a, na, b, nb) : -1;
    free(a);
    free(b);
    return rc;
}

/* ---- pieces ------------------------------------------------------------------------ */

static const char *kr(char buf[48], int64_t ore) { return nytte_money_format(buf, 48, NULL, ore); }

/* A difference: "+12.50", "-3.00", "0.00". */
static const char *signed_kr(char buf[48], int64_t ore)
{
    buf[0] = '+';
    nytte_money_format(buf + (ore > 0), 47, NULL, ore);
    return buf;
}

/* The first 12 hex digits of a SHA-256: enough to tell files apart by eye. */
static const char *short_sha(char buf[16], const char *hex)
{
    snprintf(buf, 16, "%.12s", hex ? hex : "");
    return buf;
}

/* An entry's value for a reader: øre as kroner ("totals.pool_ore", "...deductions[x].ore"), else as it is. */
static const char *shown(char buf[64], const char *key, const char *v)
{
    if (!v)
        return "(none)";
    size_t n = strlen(key);
    char *end;
    long long ore = strtoll(v, &end, 10);
    if (n >= 3 && !strcmp(key + n - 3, "ore") && (n == 3 || key[n - 4] == '_' || key[n - 4] == '.') && *v && !*end) {
        const nytte_money_style st = NYTTE_MONEY_KR;
        return nytte_money_format(buf, 64, &st, ore);
    }
    return v;
}

/* The keys of v (of the rules only, or of the others), the first eight of them. */
static void keys(sbuf *b, const nytte_diff_value *v, size_t n, int rules)
{
    size_t shown = 0, all = 0;
    for (size_t k = 0; k < n; k++) {
        if (rules >= 0 && v[k].rule != (rules == 1))
            continue;
        if (all++ < 8)
            sb_printf(b, "%s%s", shown++ ? ", " : "", v[k].key);
    }
    if (all > 8)
        sb_printf(b, " and %zu more", all - 8);
}

/* ---- the verdict ------------------------------------------------------------------- */

static void verdict(sbuf *b, const nytte_outdir_diff *d, const line_diff *ld)
{
    const nytte_outdir *a = d->a, *r = d->b;
    char x[48], y[48], s[16];
    size_t all = d->nsame + d->nowners;
    if (d->nowners)
        sb_printf(b, "Owners' amounts:  CHANGED for %zu of %zu owners (%zu pay another amount, %zu only in A, "
                     "%zu only in B)\n",
                  d->nowners, all, d->nchanged, d->nonly_a, d->nonly_b);
    else
        sb_printf(b, "Owners' amounts:  unchanged: each of the %zu owners pays the same\n", all);
    sb_add(b, "Model and rules:  ");
    if (d->nrules) {
        sb_add(b, "CHANGED: ");
        keys(b, d->settings, d->nsettings, 1);
    } else {
        /* manifest.json records the model and the main rules; the project file has every parameter */
        sb_printf(b, "model %s in both%s", r->model[0] ? r->model : "?",
                  d->project_changed ? "; other parameters: see the project file's lines" : ", rules unchanged");
    }
    if (d->nsettings > d->nrules) {
        sb_add(b, "; how the outputs are written: ");
        keys(b, d->settings, d->nsettings, 0);
    }
    sb_add(b, "\n");
    size_t minus = 0, plus = 0;
    for (size_t k = 0; k < ld->n; k++)
        ld->e[k].sign == '-' ? minus++ : plus++;
    if (!d->project_changed)
        sb_printf(b, "Project file:     unchanged (SHA-256 %s)\n", short_sha(s, r->project_sha256));
    else if (ld->too_long)
        sb_printf(b, "Project file:     CHANGED: lines %zu-%zu of A, %zu-%zu of B\n", ld->a0, ld->a1, ld->b0, ld->b1);
    else
        sb_printf(b, "Project file:     CHANGED: %zu line%s removed, %zu added (below)\n", minus,
                  minus == 1 ? "" : "s", plus);
    sb_add(b, "Inputs:           ");
    if (d->ninputs) {
        sb_printf(b, "CHANGED (by SHA-256): ");
        keys(b, d->inputs, d->ninputs, -1);
        sb_add(b, "\n");
    } else {
        sb_printf(b, "unchanged (%zu file%s, the same SHA-256)\n", r->ninputs, r->ninputs == 1 ? "" : "s");
    }
    if (d->version_changed)
        sb_printf(b, "Program:          CHANGED: nytte %s in A, %s in B\n", a->version, r->version);
    else
        sb_printf(b, "Program:          unchanged (nytte %s)\n", r->version);
    if (d->total_a_ore != d->total_b_ore)
        sb_printf(b, "Totals:           CHANGED: the owners pay %s kr in A, %s kr in B\n", kr(x, d->total_a_ore),
                  kr(y, d->total_b_ore));
    else
        sb_printf(b, "Totals:           the owners pay %s kr in both%s\n", kr(x, d->total_a_ore),
                  d->ntotals ? "; other totals differ (below)" : "");
    const nytte_outdir *runs[2] = {a, r};
    for (int k = 0; k < 2; k++)
        for (size_t m = 0; m < runs[k]->nmodified; m++)
            sb_printf(b, "WARNING: %s/%s is not the file that run wrote: its SHA-256 is not the one in manifest.json "
                         "(edited after the run?)\n",
                      runs[k]->dir, runs[k]->modified[m]);
}

/* ---- what differs ------------------------------------------------------------------ */

static void project_details(sbuf *b, const nytte_outdir_diff *d, const line_diff *ld)
{
    char s[16], t[16];
    if (!d->project_changed)
        return;
    sb_printf(b, "\nProject file (A: %s, B: %s), SHA-256 %s -> %s:\n", d->a->project_path, d->b->project_path,
              short_sha(s, d->a->project_sha256), short_sha(t, d->b->project_sha256));
    if (ld->too_long)
        sb_printf(b, "  too many lines differ to list (lines %zu-%zu of A, %zu-%zu of B)\n", ld->a0, ld->a1, ld->b0,
                  ld->b1);
    for (size_t k = 0; k < ld->n && k < 60; k++)
        sb_printf(b, "  %c %s line %zu: %.*s\n", ld->e[k].sign, ld->e[k].sign == '-' ? "A" : "B", ld->e[k].no,
                  ld->e[k].l.len, ld->e[k].l.s);
    if (ld->n > 60)
        sb_printf(b, "  ... and %zu more lines\n", ld->n - 60);
}

static void value_details(sbuf *b, const char *title, const nytte_diff_value *v, size_t n)
{
    char x[64], y[64];
    if (!n)
        return;
    sb_printf(b, "\n%s:\n", title);
    for (size_t k = 0; k < n; k++)
        sb_printf(b, "  %s: %s -> %s\n", v[k].key, shown(x, v[k].key, v[k].a), shown(y, v[k].key, v[k].b));
}

static void input_details(sbuf *b, const nytte_outdir_diff *d)
{
    char s[16], t[16];
    if (!d->ninputs)
        return;
    sb_add(b, "\nInputs (by SHA-256):\n");
    for (size_t k = 0; k < d->ninputs; k++) {
        const nytte_outdir_file *fa = d->inputs[k].fa, *fb = d->inputs[k].fb, *f = fa ? fa : fb;
        sb_printf(b, "  %s", f->name);
        if (fa && fb && strcmp(fa->name, fb->name))
            sb_printf(b, " -> %s", fb->name);
        sb_printf(b, " (%s): ", f->roles ? f->roles : "input");
        if (!fa || !fb)
            sb_printf(b, "only in %s\n", fa ? "A" : "B");
        else if (!strcmp(fa->sha256, fb->sha256))
            sb_add(b, "renamed, the same SHA-256\n");
        else
            sb_printf(b, "SHA-256 %s -> %s, %lld -> %lld bytes\n", short_sha(s, fa->sha256), short_sha(t, fb->sha256),
                      (long long)fa->bytes, (long long)fb->bytes);
    }
}

/* ---- the owners -------------------------------------------------------------------- */

static void owner_table(sbuf *b, const nytte_outdir_diff *d, nytte_diff_kind kind, size_t count)
{
    char x[48], y[48], z[48], u[48], v[48], w[48];
    if (!count)
        return;
    int idw = 8;
    bool yearly = false;
    for (size_t i = 0; i < d->nowners; i++) {
        const nytte_diff_owner *o = &d->owners[i];
        int n = (int)strlen(o->a ? o->a->id : o->b->id);
        idw = o->kind == kind && n > idw ? (n < 40 ? n : 40) : idw;
        yearly |= o->kind == kind && o->yearly_diff_ore != 0;
    }
    if (kind == NYTTE_DIFF_CHANGED)
        sb_printf(b, "\nOwners whose amount changed: %zu (kr; difference = B - A)\n%-*s %14s %14s %14s%s\n", count, idw,
                  "owner_id", "amount A", "amount B", "difference",
                  yearly ? "   yearly O&M A   yearly O&M B     difference" : "");
    else
        sb_printf(b, "\nOwners only in %s: %zu (kr)\n%-*s %14s%s\n", kind == NYTTE_DIFF_ONLY_A ? "A" : "B", count, idw,
                  "owner_id", kind == NYTTE_DIFF_ONLY_A ? "amount A" : "amount B",
                  yearly ? "     yearly O&M" : "");
    for (size_t i = 0; i < d->nowners; i++) {
        const nytte_diff_owner *o = &d->owners[i];
        if (o->kind != kind)
            continue;
        if (kind == NYTTE_DIFF_CHANGED) {
            sb_printf(b, "%-*s %14s %14s %14s", idw, o->a->id, kr(x, o->a->amount_ore), kr(y, o->b->amount_ore),
                      signed_kr(z, o->diff_ore));
            if (yearly)
                sb_printf(b, " %14s %14s %14s", kr(u, o->a->yearly_om_ore), kr(v, o->b->yearly_om_ore),
                          signed_kr(w, o->yearly_diff_ore));
        } else {
            const nytte_outdir_owner *on = o->a ? o->a : o->b;
            sb_printf(b, "%-*s %14s", idw, on->id, kr(x, on->amount_ore));
            if (yearly)
                sb_printf(b, " %14s", kr(u, on->yearly_om_ore));
        }
        sb_add(b, "\n");
    }
}

int nytte_outdir_diff_text(nytte_ctx *ctx, char **text, const nytte_outdir_diff *d, unsigned flags)
{
    *text = NULL;
    line_diff ld = {0};
    sbuf b = {0};
    if (d->project_changed && project_lines(&ld, d) != 0)
        return nytte_nomem(ctx, "nytte diff: the project files' lines");
    const nytte_outdir *runs[2] = {d->a, d->b};
    sb_add(&b, "nytte diff\n");
    for (int k = 0; k < 2; k++)
        sb_printf(&b, "  %c: %s (project \"%s\", run %s with nytte %s)\n", "AB"[k], runs[k]->dir,
                  runs[k]->project_name, runs[k]->created_utc[0] ? runs[k]->created_utc : "at an unknown time",
                  runs[k]->version);
    sb_add(&b, "\n");
    verdict(&b, d, &ld);
    project_details(&b, d, &ld);
    value_details(&b, "Settings (manifest.json: A -> B)", d->settings, d->nsettings);
    input_details(&b, d);
    value_details(&b, "Totals (manifest.json: A -> B)", d->totals, d->ntotals);
    if (d->a->parcels && d->b->parcels && d->nparcels_changed)
        sb_printf(&b, "\nParcels: %zu whose amount changed or that are in one run only (parcels.csv)\n",
                  d->nparcels_changed);
    if (!(flags & NYTTE_DIFF_BRIEF)) {
        owner_table(&b, d, NYTTE_DIFF_CHANGED, d->nchanged);
        owner_table(&b, d, NYTTE_DIFF_ONLY_A, d->nonly_a);
        owner_table(&b, d, NYTTE_DIFF_ONLY_B, d->nonly_b);
    }
    free(ld.e);
    if (b.failed) {
        free(b.s);
        return nytte_nomem(ctx, "nytte diff: the text");
    }
    *text = b.s;
    return NYTTE_OK;
}
