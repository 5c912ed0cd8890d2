/*
 * table.c — the writers of the column tables (table.h): CSV in both dialects, and the
 * XLSX, GeoPackage and Shapefile layers through io/; plus the spreadsheet-safe text that
 * the CSV files and the XLSX sheet share.
 */
#include "report/report_int.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int risky_text(const char *s)
{
    return s && (s[0] == '=' || s[0] == '+' || s[0] == '-' || s[0] == '@' || s[0] == '\t' || s[0] == '\r');
}

char *nytte_report_safe_text(char *buf, size_t size, const char *s)
{
    if (!s)
        s = "";
    snprintf(buf, size, "%s%s", risky_text(s) ? "'" : "", s);
    return buf;
}

/* The same, whole and malloc'ed. */
static char *safe_dup(const char *s)
{
    size_t n = strlen(s);
    char *t = malloc(n + 2);
    if (t)
        nytte_report_safe_text(t, n + 2, s);
    return t;
}

/* The value of column c in row r. */
static const void *at(const report_table *t, size_t r, const report_col *c)
{
    return (const char *)t->rows + r * t->row_size + c->off;
}
static const char *text_at(const report_table *t, size_t r, const report_col *c)
{
    return *(const char *const *)at(t, r, c);
}
static int64_t int_at(const report_table *t, size_t r, const report_col *c) { return *(const int64_t *)at(t, r, c); }
static double real_at(const report_table *t, size_t r, const report_col *c) { return *(const double *)at(t, r, c); }

static int is_text(report_col_kind k)
{
    return k == REPORT_COL_TEXT || k == REPORT_COL_LONG_TEXT || k == REPORT_COL_PROSE;
}
static int is_long(report_col_kind k) { return k == REPORT_COL_LONG_TEXT || k == REPORT_COL_PROSE; }

/* ---- CSV ------------------------------------------------------------------------ */

typedef struct csv {
    FILE *f;
    nytte_csv_opts o;
    int col;
} csv;

static void csv_raw(csv *c, const char *s)
{
    if (c->col++)
        fputc(c->o.sep, c->f);
    fputs(s, c->f);
}

/* Text neutralised for spreadsheets, quoted when it holds the separator, a quote or a line break. */
static int csv_text(csv *c, const char *s)
{
    char *safe = safe_dup(s ? s : "");
    if (!safe)
        return NYTTE_ENOMEM;
    int quote = strchr(safe, c->o.sep) || strchr(safe, '"') || strchr(safe, '\n') || strchr(safe, '\r');
    if (c->col++)
        fputc(c->o.sep, c->f);
    if (!quote) {
        fputs(safe, c->f);
        free(safe);
        return NYTTE_OK;
    }
    fputc('"', c->f);
    for (const char *p = safe; *p; p++) {
        if (*p == '"')
            fputc('"', c->f);
        fputc(*p, c->f);
    }
    fputc('"', c->f);
    free(safe);
    return NYTTE_OK;
}

/*
 * Prose whose numbers follow the dialect: each decimal point inside a number (a run of
 * digits and points that starts after a space, a bracket, an operator or the start) is the
 * dialect's decimal mark. A point that is not between two digits, or inside a word ("v1.2",
 * an id such as "4a.1"), stays.
 */
static int csv_prose(csv *c, const char *s)
{
    if (!s || c->o.decimal == '.')
        return csv_text(c, s);
    char *t = strdup(s);
    if (!t)
        return NYTTE_ENOMEM;
    bool word = false; /* inside a word: letters or digits glued to letters */
    for (char *p = t; *p; p++) {
        unsigned char ch = (unsigned char)*p, next = (unsigned char)p[1];
        if (*p == '.' && p > t && isdigit((unsigned char)p[-1]) && isdigit(next) && !word)
            *p = c->o.decimal;
        else if (isalpha(ch) || *p == '_' || (ch >= 0xC0 && ch < 0xE2 && !(ch == 0xC3 && (next == 0x97 || next == 0xB7))))
            word = true; /* a letter, æ ø å é included; not × or ÷ */
        else if (!isdigit(ch) && *p != '.' && (ch < 0x80 || ch >= 0xE2))
            word = false; /* a space, punctuation, an operator (−, ⌊, …: U+2000 on) */
    }
    int rc = csv_text(c, t);
    free(t);
    return rc;
}

/* A number with `decimals` digits in the dialect's decimal mark; no "-0"; NaN is empty. */
static void csv_num(csv *c, double v, int decimals)
{
    char buf[64];
    if (v != v) {
        csv_raw(c, "");
        return;
    }
    snprintf(buf, sizeof buf, "%.*f", decimals, v);
    if (strcmp(buf, "-0") == 0 || strspn(buf, "-0.") == strlen(buf))
        snprintf(buf, sizeof buf, "%.*f", decimals, 0.0);
    if (c->o.decimal != '.')
        for (char *p = buf; *p; p++)
            if (*p == '.')
                *p = c->o.decimal;
    csv_raw(c, buf);
}

static void csv_int(csv *c, long long v)
{
    char buf[32];
    snprintf(buf, sizeof buf, "%lld", v);
    csv_raw(c, buf);
}

/* Money from integer øre, exact: no floating point on the way; the dialect's decimal mark. */
static void csv_money(csv *c, int64_t ore)
{
    const nytte_money_style st = {c->o.decimal, "", "-", ""};
    char buf[48];
    csv_raw(c, ore == REPORT_NO_MONEY ? "" : nytte_money_format(buf, sizeof buf, &st, ore));
}

static void csv_end(csv *c)
{
    fputs("\r\n", c->f);
    c->col = 0;
}

static int csv_open(nytte_ctx *ctx, csv *c, const char *path, const nytte_csv_opts *o)
{
    c->f = fopen(path, "wb");
    c->o = *o;
    c->col = 0;
    if (!c->f)
        return nytte_error(ctx, NYTTE_EIO, "%s: cannot create: %s", path, strerror(errno));
    if (o->bom)
        fputs("\xEF\xBB\xBF", c->f);
    return NYTTE_OK;
}

static int csv_close(nytte_ctx *ctx, csv *c, const char *path)
{
    int bad = ferror(c->f);
    if (fclose(c->f) != 0 || bad)
        return nytte_error(ctx, NYTTE_EIO, "%s: writing failed: %s", path, strerror(errno ? errno : EIO));
    return NYTTE_OK;
}

/* One cell of row r. */
static int csv_cell(csv *c, const report_table *t, size_t r, const report_col *col)
{
    switch (col->kind) {
    case REPORT_COL_TEXT:
    case REPORT_COL_LONG_TEXT: return csv_text(c, text_at(t, r, col));
    case REPORT_COL_PROSE: return csv_prose(c, text_at(t, r, col));
    case REPORT_COL_INT: csv_int(c, (long long)int_at(t, r, col)); break;
    case REPORT_COL_MONEY: csv_money(c, int_at(t, r, col)); break;
    case REPORT_COL_REAL: csv_num(c, real_at(t, r, col), col->decimals); break;
    }
    return NYTTE_OK;
}

int report_table_csv(nytte_ctx *ctx, const report_table *t, const char *path, const nytte_csv_opts *o)
{
    csv c;
    int rc = csv_open(ctx, &c, path, o);
    if (rc)
        return rc;
    for (size_t k = 0; k < t->ncols; k++)
        csv_raw(&c, t->cols[k].name);
    csv_end(&c);
    for (size_t r = 0; r < t->nrows && !rc; r++) {
        for (size_t k = 0; k < t->ncols && !rc; k++)
            rc = csv_cell(&c, t, r, &t->cols[k]);
        csv_end(&c);
    }
    if (rc) {
        fclose(c.f);
        return nytte_nomem(ctx, "%s", path);
    }
    return csv_close(ctx, &c, path);
}

int report_table_shp_names(nytte_ctx *ctx, const report_table *t, const char *path)
{
    csv c;
    nytte_csv_opts o = NYTTE_CSV_OPTS_INIT;
    int rc = csv_open(ctx, &c, path, &o);
    if (rc)
        return rc;
    csv_raw(&c, "gpkg_field");
    csv_raw(&c, "shp_field");
    csv_raw(&c, "type");
    csv_end(&c);
    for (size_t k = 0; k < t->ncols; k++) {
        const report_col *col = &t->cols[k];
        csv_raw(&c, col->name);
        csv_raw(&c, col->shp);
        csv_raw(&c, is_text(col->kind) ? "text" : col->kind == REPORT_COL_INT ? "integer" : "real");
        csv_end(&c);
    }
    return csv_close(ctx, &c, path);
}

/* ---- layers --------------------------------------------------------------------- */

/* Shapefile text fields hold 254 bytes: cut at a UTF-8 character boundary. */
static void cut_utf8(char *s, size_t max)
{
    size_t n = strlen(s);
    if (n <= max)
        return;
    while (max > 0 && ((unsigned char)s[max] & 0xC0) == 0x80)
        max--;
    s[max] = '\0';
}

/*
 * The text of a cell as format f stores it: neutralised in a spreadsheet, cut to a DBF
 * field in a Shapefile, else as it is. *owned is a copy made for it (caller frees), or NULL.
 */
static int layer_text(report_format f, report_col_kind k, const char *s, const char **out, char **owned)
{
    *out = s;
    *owned = NULL;
    if (!s)
        return NYTTE_OK;
    if (f == REPORT_XLSX) {
        if (!(*owned = safe_dup(s)))
            return NYTTE_ENOMEM;
    } else if (f == REPORT_SHP && is_long(k) && strlen(s) > 254) {
        if (!(*owned = strdup(s)))
            return NYTTE_ENOMEM;
        cut_utf8(*owned, 254);
    }
    if (*owned)
        *out = *owned;
    return NYTTE_OK;
}

/* Money as kr for the spreadsheet and layer cells (exact to the øre within double precision). */
static double kr(int64_t ore) { return ore == REPORT_NO_MONEY ? NAN : (double)ore / 100.0; }

/* The cells of t for nytte_vlayer_write, row-major; owned[] the text copies made for format f. */
static int layer_cells(const report_table *t, report_format f, nytte_cell *cells, char **owned)
{
    for (size_t r = 0; r < t->nrows; r++)
        for (size_t k = 0; k < t->ncols; k++) {
            const report_col *col = &t->cols[k];
            nytte_cell *cell = &cells[r * t->ncols + k];
            switch (col->kind) {
            case REPORT_COL_TEXT:
            case REPORT_COL_LONG_TEXT:
            case REPORT_COL_PROSE:
                if (layer_text(f, col->kind, text_at(t, r, col), &cell->s, &owned[r * t->ncols + k]))
                    return NYTTE_ENOMEM;
                break;
            case REPORT_COL_INT: cell->i = int_at(t, r, col); break;
            case REPORT_COL_MONEY: cell->d = kr(int_at(t, r, col)); break;
            case REPORT_COL_REAL: cell->d = real_at(t, r, col); break;
            }
        }
    return NYTTE_OK;
}

int report_table_layer(nytte_ctx *ctx, const report_table *t, report_format f, const char *path,
                       const char *crs_wkt, bool append)
{
    static const char *const drivers[] = {"XLSX", "GPKG", "ESRI Shapefile"};
    size_t ncells = t->nrows * t->ncols;
    nytte_field_def *fields = calloc(t->ncols ? t->ncols : 1, sizeof *fields);
    nytte_cell *cells = calloc(ncells ? ncells : 1, sizeof *cells);
    char **owned = calloc(ncells ? ncells : 1, sizeof *owned);
    const nytte_geom **geoms = t->has_geom ? calloc(t->nrows ? t->nrows : 1, sizeof *geoms) : NULL;
    int rc = NYTTE_OK;
    if (!fields || !cells || !owned || (t->has_geom && !geoms) || layer_cells(t, f, cells, owned)) {
        rc = nytte_nomem(ctx, "%s", path);
        goto cleanup;
    }
    for (size_t r = 0; geoms && r < t->nrows; r++)
        geoms[r] = *(const nytte_geom *const *)((const char *)t->rows + r * t->row_size + t->geom_off);
    for (size_t k = 0; k < t->ncols; k++) {
        const report_col *col = &t->cols[k];
        fields[k].name = f == REPORT_SHP ? col->shp : col->name;
        fields[k].type = is_text(col->kind)             ? NYTTE_FIELD_TEXT
                         : col->kind == REPORT_COL_INT ? NYTTE_FIELD_INT
                                                       : NYTTE_FIELD_REAL;
    }
    rc = nytte_vlayer_write(ctx, path, drivers[f], t->layer, crs_wkt, fields, t->ncols, cells, geoms, t->nrows,
                            append);
cleanup:
    free((void *)geoms);
    for (size_t i = 0; owned && i < ncells; i++)
        free(owned[i]);
    free((void *)owned);
    free(cells);
    free(fields);
    return rc;
}
