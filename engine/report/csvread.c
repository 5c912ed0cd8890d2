/*
 * csvread.c — the CSV tables of a finished run read back: a strict reader of the CSV that
 * table.c writes (either dialect), and owners.csv and parcels.csv into a nytte_outdir with
 * their amounts as exact øre. Every refusal names the file and the line.
 */
#include "report/report_int.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

void report_csv_clear(report_csv *c)
{
    if (!c)
        return;
    free(c->text);
    free((void *)c->cells);
    free(c->first);
    free(c->line);
    memset(c, 0, sizeof *c);
}

/* Growable arrays of the parse: cells, and per row its first cell and line. */
typedef struct csv_parse {
    report_csv *c;
    size_t ncells, capcells, caprows;
    size_t nrec; /* records so far, the header included */
} csv_parse;

static int push_cell(csv_parse *p, char *cell)
{
    if (p->ncells == p->capcells) {
        size_t cap = p->capcells ? 2 * p->capcells : 64;
        char **v = realloc((void *)p->c->cells, cap * sizeof *v);
        if (!v)
            return -1;
        p->c->cells = v;
        p->capcells = cap;
    }
    p->c->cells[p->ncells++] = cell;
    return 0;
}

static int push_row(csv_parse *p, size_t first, size_t line)
{
    report_csv *c = p->c;
    if (c->nrows == p->caprows) {
        size_t cap = p->caprows ? 2 * p->caprows : 64;
        size_t *f = realloc(c->first, cap * sizeof *f);
        if (f)
            c->first = f;
        size_t *l = f ? realloc(c->line, cap * sizeof *l) : NULL;
        if (!l)
            return -1;
        c->line = l;
        p->caprows = cap;
    }
    c->first[c->nrows] = first;
    c->line[c->nrows++] = line;
    return 0;
}

/* " (amount_kr)" when the header (read already) names field k, else "". */
static const char *field_name(const csv_parse *p, size_t k, char *buf, size_t size)
{
    if (p->nrec > 0 && k < p->c->ncols)
        snprintf(buf, size, " (%s)", p->c->cells[k]);
    else
        buf[0] = '\0';
    return buf;
}

/* The end of a record: count its fields against the header's. */
static int end_record(nytte_ctx *ctx, csv_parse *p, const char *path, size_t first, size_t line)
{
    report_csv *c = p->c;
    size_t n = p->ncells - first;
    if (p->nrec++ == 0) {
        c->ncols = n;
        return NYTTE_OK;
    }
    if (n != c->ncols)
        return nytte_error(ctx, NYTTE_EINPUT, "%s: line %zu: %zu field%s where the header has %zu", path, line, n,
                           n == 1 ? "" : "s", c->ncols);
    if (push_row(p, first, line))
        return nytte_nomem(ctx, "%s: %zu rows", path, c->nrows);
    return NYTTE_OK;
}

/*
 * One field starting at data[*i]: decoded to *w (NUL-terminated), *i left on what follows
 * it (the separator, the line end or the end), *line counting line breaks inside quotes.
 */
static int read_field(nytte_ctx *ctx, csv_parse *p, const char *path, const char *data, size_t len, char sep,
                      size_t *i, char **w, size_t *line, size_t k)
{
    char name[256];
    size_t j = *i;
    char *o = *w;
    if (j < len && data[j] == '"') {
        size_t start = *line;
        for (j++;; j++) {
            if (j >= len)
                return nytte_error(ctx, NYTTE_EINPUT, "%s: line %zu: field %zu%s: a quoted field is not closed", path,
                                   start, k + 1, field_name(p, k, name, sizeof name));
            if (data[j] == '"' && j + 1 < len && data[j + 1] == '"') {
                *o++ = '"';
                j++;
            } else if (data[j] == '"') {
                j++;
                break;
            } else if (data[j] == '\0') {
                return nytte_error(ctx, NYTTE_EINPUT, "%s: line %zu: a NUL byte: not a CSV table", path, *line);
            } else {
                *line += data[j] == '\n';
                *o++ = data[j];
            }
        }
        if (j < len && data[j] != sep && data[j] != '\r' && data[j] != '\n')
            return nytte_error(ctx, NYTTE_EINPUT, "%s: line %zu: field %zu%s: text after the closing quote", path,
                               *line, k + 1, field_name(p, k, name, sizeof name));
    } else {
        for (; j < len && data[j] != sep && data[j] != '\r' && data[j] != '\n'; j++) {
            if (data[j] == '"')
                return nytte_error(ctx, NYTTE_EINPUT, "%s: line %zu: field %zu%s: a '\"' in a field without quotes",
                                   path, *line, k + 1, field_name(p, k, name, sizeof name));
            if (data[j] == '\0')
                return nytte_error(ctx, NYTTE_EINPUT, "%s: line %zu: a NUL byte: not a CSV table", path, *line);
            *o++ = data[j];
        }
    }
    *o++ = '\0';
    *w = o;
    *i = j;
    return NYTTE_OK;
}

int report_csv_parse(nytte_ctx *ctx, report_csv *out, const char *path, const char *data, size_t len, char sep)
{
    memset(out, 0, sizeof *out);
    csv_parse p = {.c = out};
    int rc = NYTTE_OK;
    size_t i = 0, line = 1;
    if (len >= 3 && !memcmp(data, "\xEF\xBB\xBF", 3))
        i = 3; /* a byte-order mark that a spreadsheet added: not ours, but harmless */
    char *w = out->text = malloc(len + 2);
    if (!w)
        return nytte_nomem(ctx, "%s: %zu bytes", path, len);
    while (i < len && !rc) {
        size_t first = p.ncells, start = line;
        for (size_t k = 0;; k++) {
            if (push_cell(&p, w)) {
                rc = nytte_nomem(ctx, "%s: line %zu", path, line);
                break;
            }
            if ((rc = read_field(ctx, &p, path, data, len, sep, &i, &w, &line, k)))
                break;
            if (i < len && data[i] == sep) {
                i++;
                continue;
            }
            if (i < len && data[i] == '\r' && (i + 1 >= len || data[i + 1] != '\n')) {
                rc = nytte_error(ctx, NYTTE_EINPUT, "%s: line %zu: a carriage return without a line feed", path, line);
                break;
            }
            i += i < len ? 1 + (data[i] == '\r') : 0;
            line++;
            break;
        }
        if (!rc)
            rc = end_record(ctx, &p, path, first, start);
    }
    if (!rc && p.nrec == 0)
        rc = nytte_error(ctx, NYTTE_EINPUT, "%s: empty: no header line", path);
    if (rc) {
        report_csv_clear(out);
        return rc;
    }
    out->header = out->cells; /* the cells no longer move */
    return NYTTE_OK;
}

int report_csv_column(nytte_ctx *ctx, size_t *col, const report_csv *c, const char *path, const char *name)
{
    for (size_t k = 0; k < c->ncols; k++)
        if (!strcmp(c->header[k], name)) {
            *col = k;
            return NYTTE_OK;
        }
    return nytte_error(ctx, NYTTE_EINPUT, "%s: line 1: no column %s: not a table written by nytte run", path, name);
}

/* ---- owners.csv and parcels.csv ---------------------------------------------------- */

/* A text cell as the run meant it: the apostrophe that neutralised a formula taken off. */
static char *cell_dup(const char *s)
{
    if (s[0] == '\'' && (s[1] == '=' || s[1] == '+' || s[1] == '-' || s[1] == '@' || s[1] == '\t' || s[1] == '\r'))
        s++;
    return strdup(s);
}

static int money_cell(nytte_ctx *ctx, int64_t *ore, const report_csv *c, size_t r, size_t col, const char *path,
                      char decimal)
{
    const char *s = report_csv_at(c, r, col);
    int parsed = nytte_money_parse(ore, s, decimal);
    if (parsed == 0)
        return NYTTE_OK;
    if (!*s)
        return nytte_error(ctx, NYTTE_EINPUT, "%s: line %zu: %s: empty where an amount belongs", path, c->line[r],
                           c->header[col]);
    return nytte_error(ctx, NYTTE_EINPUT, "%s: line %zu: %s: %s: '%s'", path, c->line[r], c->header[col],
                       parsed == -2 ? "more than two decimals (not exact øre)"
                       : decimal == ','
                           ? "not an amount in kroner with a decimal comma (csv_dialect excel_da, e.g. 1234,50)"
                           : "not an amount in kroner with a decimal point (csv_dialect standard, e.g. 1234.50)",
                       s);
}

static int int_cell(nytte_ctx *ctx, int64_t *v, const report_csv *c, size_t r, size_t col, const char *path)
{
    const char *s = report_csv_at(c, r, col);
    char *end;
    errno = 0;
    long long x = strtoll(s, &end, 10);
    if (!*s || *end || errno || (*s != '-' && (*s < '0' || *s > '9')))
        return nytte_error(ctx, NYTTE_EINPUT, "%s: line %zu: %s: not a whole number: '%s'", path, c->line[r],
                           c->header[col], s);
    *v = x;
    return NYTTE_OK;
}

static int id_cell(nytte_ctx *ctx, char **id, const report_csv *c, size_t r, size_t col, const char *path)
{
    const char *s = report_csv_at(c, r, col);
    if (!*s)
        return nytte_error(ctx, NYTTE_EINPUT, "%s: line %zu: %s: empty", path, c->line[r], c->header[col]);
    if (!(*id = cell_dup(s)))
        return nytte_nomem(ctx, "%s: line %zu", path, c->line[r]);
    return NYTTE_OK;
}

/*
 * Read dir/name and parse it in d's dialect: a file whose one column holds the other
 * dialect's separator is named as written in the other dialect.
 */
static int read_table(nytte_ctx *ctx, report_csv *c, char **data, char path[4400], const nytte_outdir *d,
                      const char *name, char hex[65])
{
    size_t len = 0;
    report_join(path, 4400, d->dir, name);
    int rc = report_read_file(ctx, data, &len, path);
    if (rc)
        return rc;
    nytte_sha256 sh;
    nytte_sha256_init(&sh);
    nytte_sha256_update(&sh, *data, len);
    nytte_sha256_final(&sh, hex);
    /* a header line without the separator and with the other dialect's: the other dialect */
    char other = d->csv.sep == ';' ? ',' : ';';
    const char *eol = memchr(*data, '\n', len);
    size_t n = eol ? (size_t)(eol - *data) : len;
    if (!memchr(*data, d->csv.sep, n) && memchr(*data, other, n))
        return nytte_error(ctx, NYTTE_EINPUT,
                           "%s: line 1: separated by '%c', but manifest.json says csv_dialect %s ('%c')", path, other,
                           d->csv.sep == ';' ? "excel_da" : "standard", d->csv.sep);
    return report_csv_parse(ctx, c, path, *data, len, d->csv.sep);
}

static int cmp_owner(const void *x, const void *y)
{
    return strcmp(((const nytte_outdir_owner *)x)->id, ((const nytte_outdir_owner *)y)->id);
}

static int cmp_parcel(const void *x, const void *y)
{
    return strcmp(((const nytte_outdir_parcel *)x)->id, ((const nytte_outdir_parcel *)y)->id);
}

int report_read_owners(nytte_ctx *ctx, nytte_outdir *d, char hex[65])
{
    report_csv c = {0};
    char *data = NULL, path[4400];
    size_t col[5];
    static const char *const names[5] = {"owner_id", "owner_name", "parcels", "amount_kr", "yearly_om_kr"};
    int rc = read_table(ctx, &c, &data, path, d, "owners.csv", hex);
    for (size_t k = 0; k < 5 && !rc; k++)
        rc = report_csv_column(ctx, &col[k], &c, path, names[k]);
    if (!rc && !(d->owners = calloc(c.nrows ? c.nrows : 1, sizeof *d->owners)))
        rc = nytte_nomem(ctx, "%s: %zu owners", path, c.nrows);
    for (size_t r = 0; r < c.nrows && !rc; r++) {
        nytte_outdir_owner *o = &d->owners[d->nowners++];
        o->line = c.line[r];
        if ((rc = id_cell(ctx, &o->id, &c, r, col[0], path)))
            break;
        o->name = cell_dup(report_csv_at(&c, r, col[1]));
        o->parcels = cell_dup(report_csv_at(&c, r, col[2]));
        if (!o->name || !o->parcels)
            rc = nytte_nomem(ctx, "%s: line %zu", path, c.line[r]);
        if (!rc && !(rc = money_cell(ctx, &o->amount_ore, &c, r, col[3], path, d->csv.decimal)))
            rc = money_cell(ctx, &o->yearly_om_ore, &c, r, col[4], path, d->csv.decimal);
    }
    if (!rc)
        qsort(d->owners, d->nowners, sizeof *d->owners, cmp_owner);
    for (size_t k = 1; k < d->nowners && !rc; k++)
        if (!strcmp(d->owners[k - 1].id, d->owners[k].id)) {
            size_t a = d->owners[k - 1].line, b = d->owners[k].line;
            rc = nytte_error(ctx, NYTTE_EINPUT, "%s: line %zu: owner %s again (first on line %zu)", path, a > b ? a : b,
                             d->owners[k].id, a < b ? a : b);
        }
    report_csv_clear(&c);
    free(data);
    return rc;
}

int report_read_parcels(nytte_ctx *ctx, nytte_outdir *d, char hex[65])
{
    report_csv c = {0};
    char *data = NULL, path[4400];
    size_t col[4];
    static const char *const names[4] = {"parcel_id", "owners", "amount_ore", "in_area"};
    int rc = read_table(ctx, &c, &data, path, d, "parcels.csv", hex);
    for (size_t k = 0; k < 4 && !rc; k++)
        rc = report_csv_column(ctx, &col[k], &c, path, names[k]);
    if (!rc && !(d->parcels = calloc(c.nrows ? c.nrows : 1, sizeof *d->parcels)))
        rc = nytte_nomem(ctx, "%s: %zu parcels", path, c.nrows);
    for (size_t r = 0; r < c.nrows && !rc; r++) {
        nytte_outdir_parcel *q = &d->parcels[d->nparcels++];
        q->line = c.line[r];
        if ((rc = id_cell(ctx, &q->id, &c, r, col[0], path)))
            break;
        if (!(q->owners = cell_dup(report_csv_at(&c, r, col[1]))))
            rc = nytte_nomem(ctx, "%s: line %zu", path, c.line[r]);
        if (!rc && !(rc = int_cell(ctx, &q->amount_ore, &c, r, col[2], path)))
            rc = int_cell(ctx, &q->in_area, &c, r, col[3], path);
    }
    if (!rc)
        qsort(d->parcels, d->nparcels, sizeof *d->parcels, cmp_parcel);
    for (size_t k = 1; k < d->nparcels && !rc; k++)
        if (!strcmp(d->parcels[k - 1].id, d->parcels[k].id)) {
            size_t a = d->parcels[k - 1].line, b = d->parcels[k].line;
            rc = nytte_error(ctx, NYTTE_EINPUT, "%s: line %zu: parcel %s again (first on line %zu)", path,
                             a > b ? a : b, d->parcels[k].id, a < b ? a : b);
        }
    report_csv_clear(&c);
    free(data);
    return rc;
}
