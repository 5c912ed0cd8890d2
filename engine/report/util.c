/*
 * util.c — helpers shared by the report writers: growable strings, escaping, owner
 * names, and the amount classes and colour ramps of the maps.
 */
#include "report/report_int.h"

#include <assert.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

void sb_addn(sbuf *b, const char *t, size_t k)
{
    if (b->failed)
        return;
    if (b->n + k + 1 > b->cap) {
        size_t nc = (b->n + k + 1) * 2;
        char *p = realloc(b->s, nc);
        if (!p) {
            b->failed = 1;
            return;
        }
        b->s = p;
        b->cap = nc;
    }
    memcpy(b->s + b->n, t, k);
    b->n += k;
    b->s[b->n] = '\0';
}

void sb_add(sbuf *b, const char *t) { sb_addn(b, t, strlen(t)); }

void sb_printf(sbuf *b, const char *fmt, ...)
{
    char small[512];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(small, sizeof small, fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    if ((size_t)n < sizeof small) {
        sb_addn(b, small, (size_t)n);
        return;
    }
    char *big = malloc((size_t)n + 1);
    if (!big) {
        b->failed = 1;
        return;
    }
    va_start(ap, fmt);
    vsnprintf(big, (size_t)n + 1, fmt, ap);
    va_end(ap);
    sb_addn(b, big, (size_t)n);
    free(big);
}

void sb_xml(sbuf *b, const char *t)
{
    for (const char *p = t ? t : ""; *p; p++) {
        switch (*p) {
        case '&': sb_add(b, "&amp;"); break;
        case '<': sb_add(b, "&lt;"); break;
        case '>': sb_add(b, "&gt;"); break;
        case '"': sb_add(b, "&quot;"); break;
        case '\'': sb_add(b, "&#39;"); break;
        default:
            /* control characters are not allowed in XML 1.0 */
            if ((unsigned char)*p < 0x20 && *p != '\n' && *p != '\t')
                sb_add(b, " ");
            else
                sb_addn(b, p, 1);
        }
    }
}

void sb_xmlf(sbuf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    const char *p = fmt;
    for (const char *q; (q = strchr(p, '%')) != NULL;) {
        sb_addn(b, p, (size_t)(q - p));
        assert(q[1] == 's' || q[1] == '%');
        if (q[1] == 's')
            sb_xml(b, va_arg(ap, const char *));
        else
            sb_addn(b, q, 1); /* "%%", or a stray '%' kept as it is */
        p = q + (q[1] == 's' || q[1] == '%' ? 2 : 1);
    }
    sb_add(b, p);
    va_end(ap);
}

void sb_json(sbuf *b, const char *t)
{
    sb_add(b, "\"");
    for (const char *p = t ? t : ""; *p; p++) {
        unsigned char c = (unsigned char)*p;
        if (c == '"')
            sb_add(b, "\\\"");
        else if (c == '\\')
            sb_add(b, "\\\\");
        else if (c == '\n')
            sb_add(b, "\\n");
        else if (c < 0x20 || c == '<' || c == '>' || c == '&')
            sb_printf(b, "\\u%04x", c);
        else
            sb_addn(b, p, 1);
    }
    sb_add(b, "\"");
}

int sb_write_file(nytte_ctx *ctx, const sbuf *b, const char *dir, const char *name)
{
    char path[4400];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    if (b->failed)
        return nytte_nomem(ctx, "%s", path);
    FILE *f = fopen(path, "wb");
    if (!f)
        return nytte_error(ctx, NYTTE_EIO, "%s: cannot create: %s", path, strerror(errno));
    size_t w = b->n ? fwrite(b->s, 1, b->n, f) : 0;
    int bad = w != b->n || ferror(f);
    if (fclose(f) != 0 || bad)
        return nytte_error(ctx, NYTTE_EIO, "%s: writing failed: %s", path, strerror(errno ? errno : EIO));
    return NYTTE_OK;
}

static int cmp_owner_key(const void *key, const void *o) { return strcmp(key, ((const nytte_owner *)o)->id); }

const char *report_owner_name(const nytte_inputs *in, const char *id)
{
    const nytte_owner *o =
        in->nowners ? bsearch(id, in->owners, in->nowners, sizeof *in->owners, cmp_owner_key) : NULL;
    return o ? o->name : NULL;
}

/* Whether part k of owner ow is on a parcel that an earlier part of ow is on. */
static bool repeats_parcel(const nytte_alloc_result *r, const nytte_alloc_owner *ow, size_t k)
{
    for (size_t j = ow->part0; j < k; j++)
        if (r->parts[j].parcel == r->parts[k].parcel)
            return true;
    return false;
}

size_t report_owner_parcels(const nytte_report_data *d, size_t o, sbuf *parcels, sbuf *expl)
{
    const nytte_alloc_result *r = d->alloc;
    const nytte_alloc_owner *ow = &r->owners[o];
    size_t n = 0;
    sb_add(parcels, "");
    sb_add(expl, "");
    for (size_t k = ow->part0; k < ow->part0 + ow->nparts; k++) {
        const nytte_alloc_owner_part *pt = &r->parts[k];
        if (repeats_parcel(r, ow, k))
            continue;
        if (n++)
            sb_add(parcels, "; ");
        sb_add(parcels, d->inputs->parcels[pt->parcel].id);
    }
    char *line = NULL;
    if (d->explainer) {
        if (nytte_alloc_owner_summary(&line, d->explainer, o) != NYTTE_OK)
            expl->failed = true;
        else
            sb_add(expl, line);
    }
    free(line);
    return n;
}

/* ColorBrewer YlOrRd (5 classes), grey for parcels that pay nothing. */
const char *const report_class_colors[REPORT_NCLASSES + 1] = {"#e3e3e3", "#ffffb2", "#fecc5c",
                                                              "#fd8d3c", "#f03b20", "#bd0026"};
/* ColorBrewer Blues: shallow light, deep dark. */
const char *const report_depth_colors[REPORT_NDEPTH] = {"#c6dbef", "#9ecae1", "#6baed6", "#3182bd", "#08519c"};
const double report_depth_values[REPORT_NDEPTH] = {0.1, 0.25, 0.5, 1.0, 2.0};
/* Distinct, dark enough to read over the amount classes (ColorBrewer Set1/Dark2-like). */
const char *const report_measure_colors[REPORT_NMEASURE_COLORS] = {"#d7301f", "#6a51a3", "#238b45",
                                                                  "#dd3497", "#8c510a", "#02818a"};

static int cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

int report_amount_breaks(const nytte_alloc_result *r, double breaks[REPORT_NCLASSES])
{
    size_t n = 0;
    int64_t *v = malloc((r->nparcels ? r->nparcels : 1) * sizeof *v);
    for (size_t i = 0; v && i < r->nparcels; i++)
        if (r->parcel_ore[i] > 0)
            v[n++] = r->parcel_ore[i];
    if (!v || n == 0) {
        for (int k = 0; k < REPORT_NCLASSES; k++)
            breaks[k] = k ? NAN : 1.0;
        free(v);
        return 1;
    }
    qsort(v, n, sizeof *v, cmp_i64);
    /* few different amounts (1, 2 … payers, or one amount for all): a class each, exactly */
    size_t m = 0;
    for (size_t i = 0; i < n; i++)
        if (i == 0 || v[i] != v[i - 1])
            v[m++] = v[i];
    if (m <= REPORT_NCLASSES) {
        for (int k = 0; k < REPORT_NCLASSES; k++)
            breaks[k] = (size_t)k < m ? (double)v[k] / 100.0 : NAN;
        free(v);
        return (int)m;
    }
    /* upper bounds at the quintiles of the distinct amounts, rounded up to whole kr; strictly increasing */
    for (int k = 0; k < REPORT_NCLASSES; k++) {
        size_t idx = k == REPORT_NCLASSES - 1 ? m - 1 : (m * (size_t)(k + 1)) / REPORT_NCLASSES;
        if (idx >= m)
            idx = m - 1;
        double b = (double)((v[idx] + 99) / 100);
        if (k > 0 && b <= breaks[k - 1])
            b = breaks[k - 1] + 1;
        breaks[k] = b;
    }
    free(v);
    return 0;
}

int report_amount_class(const double breaks[REPORT_NCLASSES], int64_t ore)
{
    if (ore <= 0)
        return 0;
    double kr = (double)ore / 100.0;
    int last = 1;
    for (int k = 0; k < REPORT_NCLASSES && breaks[k] == breaks[k]; k++) {
        last = k + 1;
        if (kr <= breaks[k])
            return k + 1;
    }
    return last;
}
