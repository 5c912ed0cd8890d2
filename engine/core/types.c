/*
 * types.c — helpers for the plain data structs of types.h.
 */
#include "nytte/types.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

void nytte_geom_clear(nytte_geom *g)
{
    if (!g)
        return;
    free(g->off);
    free(g->xy);
    *g = (nytte_geom)NYTTE_GEOM_INIT;
}

static void geom_envelope(nytte_geom *g)
{
    size_t n = g->nparts ? g->off[g->nparts] : 0;
    g->xmin = g->ymin = INFINITY;
    g->xmax = g->ymax = -INFINITY;
    for (size_t i = 0; i < n; i++) {
        double x = g->xy[2 * i], y = g->xy[2 * i + 1];
        if (x < g->xmin) g->xmin = x;
        if (x > g->xmax) g->xmax = x;
        if (y < g->ymin) g->ymin = y;
        if (y > g->ymax) g->ymax = y;
    }
    if (n == 0)
        g->xmin = g->ymin = g->xmax = g->ymax = 0;
}

int nytte_geom_set(nytte_geom *out, nytte_geom_kind kind, size_t nparts, const size_t *npts_per_part,
                   const double *xy)
{
    *out = (nytte_geom)NYTTE_GEOM_INIT;
    size_t total = 0;
    out->off = malloc((nparts + 1) * sizeof *out->off);
    if (!out->off)
        return NYTTE_ENOMEM;
    out->off[0] = 0;
    for (size_t p = 0; p < nparts; p++) {
        total += npts_per_part[p];
        out->off[p + 1] = total;
    }
    out->xy = malloc((total ? total : 1) * 2 * sizeof *out->xy);
    if (!out->xy) {
        nytte_geom_clear(out);
        return NYTTE_ENOMEM;
    }
    if (total)
        memcpy(out->xy, xy, total * 2 * sizeof *xy);
    out->kind = kind;
    out->nparts = nparts;
    geom_envelope(out);
    return NYTTE_OK;
}

int nytte_geom_copy(nytte_geom *out, const nytte_geom *src)
{
    size_t *n = malloc((src->nparts + 1) * sizeof *n);
    if (!n)
        return NYTTE_ENOMEM;
    for (size_t p = 0; p < src->nparts; p++)
        n[p] = src->off[p + 1] - src->off[p];
    int rc = nytte_geom_set(out, src->kind, src->nparts, n, src->xy);
    free(n);
    return rc;
}

double nytte_geom_area(const nytte_geom *g)
{
    if (g->kind != NYTTE_GEOM_POLYGON)
        return 0.0;
    double total = 0.0;
    for (size_t p = 0; p < g->nparts; p++) {
        const double *v = g->xy + 2 * g->off[p];
        size_t n = g->off[p + 1] - g->off[p];
        if (n < 3)
            continue;
        /* Shoelace relative to the first point, which keeps precision for UTM coordinates. */
        double x0 = v[0], y0 = v[1], a = 0.0;
        for (size_t i = 1; i + 1 < n; i++)
            a += (v[2 * i] - x0) * (v[2 * i + 3] - y0) - (v[2 * i + 2] - x0) * (v[2 * i + 1] - y0);
        total += 0.5 * a;
    }
    return total;
}

double nytte_geom_length(const nytte_geom *g)
{
    double len = 0.0;
    for (size_t p = 0; p < g->nparts; p++)
        for (size_t i = g->off[p] + 1; i < g->off[p + 1]; i++)
            len += hypot(g->xy[2 * i] - g->xy[2 * i - 2], g->xy[2 * i + 1] - g->xy[2 * i - 1]);
    return len;
}

bool nytte_grid_same(const nytte_grid *a, const nytte_grid *b)
{
    if (a->nx != b->nx || a->ny != b->ny)
        return false;
    double tx = 1e-9 * a->dx, ty = 1e-9 * a->dy;
    return fabs(a->x0 - b->x0) <= tx && fabs(a->y0 - b->y0) <= ty && fabs(a->dx - b->dx) <= tx &&
           fabs(a->dy - b->dy) <= ty;
}

int nytte_raster_alloc(nytte_raster *out, const nytte_grid *grid, float fill, const char *crs_wkt)
{
    *out = (nytte_raster)NYTTE_RASTER_INIT;
    size_t n = (size_t)grid->nx * (size_t)grid->ny;
    out->v = malloc((n ? n : 1) * sizeof *out->v);
    if (!out->v)
        return NYTTE_ENOMEM;
    for (size_t i = 0; i < n; i++)
        out->v[i] = fill;
    out->grid = *grid;
    if (crs_wkt) {
        out->crs_wkt = strdup(crs_wkt);
        if (!out->crs_wkt) {
            nytte_raster_clear(out);
            return NYTTE_ENOMEM;
        }
    }
    return NYTTE_OK;
}

void nytte_raster_clear(nytte_raster *r)
{
    if (!r)
        return;
    free(r->v);
    free(r->crs_wkt);
    *r = (nytte_raster)NYTTE_RASTER_INIT;
}

static const char *const use_names[NYTTE_USE_COUNT] = {"residential", "summerhouse", "business", "public",
                                                       "other"};

const char *nytte_use_name(nytte_use u)
{
    return (unsigned)u < NYTTE_USE_COUNT ? use_names[u] : "other";
}

int nytte_use_parse(const char *s)
{
    for (int i = 0; i < NYTTE_USE_COUNT; i++)
        if (strcasecmp(s, use_names[i]) == 0)
            return i;
    return -1;
}

static const char *const from_names[NYTTE_FROM_COUNT] = {"field", "footprint", "point", "bbr", "default"};

const char *nytte_from_name(nytte_from f)
{
    return (unsigned)f < NYTTE_FROM_COUNT ? from_names[f] : "field";
}

void nytte_inputs_free(nytte_inputs *in)
{
    if (!in)
        return;
    for (size_t i = 0; i < in->nparcels; i++) {
        free(in->parcels[i].id);
        free(in->parcels[i].property);
        free(in->parcels[i].landuse);
        nytte_geom_clear(&in->parcels[i].geom);
    }
    for (size_t i = 0; i < in->nbuildings; i++) {
        free(in->buildings[i].id);
        nytte_geom_clear(&in->buildings[i].geom);
    }
    for (size_t i = 0; i < in->nowners; i++) {
        free(in->owners[i].id);
        free(in->owners[i].name);
    }
    free(in->parcels);
    free(in->buildings);
    free(in->owners);
    free(in->holdings);
    free(in->crs_wkt);
    for (size_t i = 0; i < in->bnotes.nunassigned; i++)
        free(in->bnotes.unassigned[i].id);
    free(in->bnotes.unassigned);
    for (size_t i = 0; i < in->nterrain_files; i++)
        free(in->terrain_files[i]);
    free(in->terrain_files);
    memset(in, 0, sizeof *in);
}
