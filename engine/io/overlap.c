/*
 * overlap.c — parcels that overlap one another, a common register error (one plot
 * digitised twice under two ids, a parcel drawn over its neighbour). nytte keeps each
 * parcel's registered polygon, so an overlap counts in the plot facts of both parcels;
 * the run warns with the pairs and their overlap so that the register can be mended
 * (docs/project-file.md, *Overlapping parcels*).
 *
 * Candidate pairs come from a GEOS STRtree of the parcels' envelopes (pairs whose
 * envelopes share an area); the area of each candidate's intersection is computed with
 * GEOS on the context's threads, each with its own GEOS handle and its own copies of the
 * two polygons (GEOS geometries are not shared between threads), translated to the first
 * parcel's south-west corner so that the areas do not lose digits to UTM coordinates.
 */
#include "io/io_int.h"

#include <geos_c.h>
#include <omp.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- nytte_geom -> GEOS --------------------------------------------------------------- */

static double ring_area2(const double *xy, size_t n)
{
    double a = 0.0;
    for (size_t i = 1; i + 1 < n; i++)
        a += (xy[2 * i] - xy[0]) * (xy[2 * i + 3] - xy[1]) - (xy[2 * i + 2] - xy[0]) * (xy[2 * i + 1] - xy[1]);
    return a;
}

/* Ring p of g, moved by (-ox, -oy), as a GEOS linear ring; NULL when GEOS refuses it. */
static GEOSGeometry *geos_ring(GEOSContextHandle_t h, const nytte_geom *g, size_t p, double ox, double oy,
                               double *buf)
{
    size_t n = g->off[p + 1] - g->off[p];
    const double *xy = g->xy + 2 * g->off[p];
    for (size_t i = 0; i < n; i++) {
        buf[2 * i] = xy[2 * i] - ox;
        buf[2 * i + 1] = xy[2 * i + 1] - oy;
    }
    GEOSCoordSequence *cs = GEOSCoordSeq_copyFromBuffer_r(h, buf, (unsigned)n, 0, 0);
    return cs ? GEOSGeom_createLinearRing_r(h, cs) : NULL;
}

static void destroy_all(GEOSContextHandle_t h, GEOSGeometry **g, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (g[i])
            GEOSGeom_destroy_r(h, g[i]);
}

/*
 * A normalised polygon (exteriors counter-clockwise, each followed by its clockwise
 * holes: io's own order) as a GEOS (multi)polygon moved by (-ox, -oy). buf holds the
 * largest ring's coordinates; rings and polys g->nparts pointers each. NULL on failure.
 */
static GEOSGeometry *geos_polygon(GEOSContextHandle_t h, const nytte_geom *g, double ox, double oy, double *buf,
                                  GEOSGeometry **rings, GEOSGeometry **polys)
{
    size_t np = 0, p = 0;
    while (p < g->nparts) {
        size_t first = p++;
        while (p < g->nparts && ring_area2(g->xy + 2 * g->off[p], g->off[p + 1] - g->off[p]) < 0)
            p++;
        size_t nr = p - first;
        memset(rings, 0, nr * sizeof *rings);
        for (size_t k = 0; k < nr; k++)
            if (!(rings[k] = geos_ring(h, g, first + k, ox, oy, buf))) {
                destroy_all(h, rings, nr);
                destroy_all(h, polys, np);
                return NULL;
            }
        /* the polygon takes the rings */
        polys[np] = GEOSGeom_createPolygon_r(h, rings[0], rings + 1, (unsigned)(nr - 1));
        if (!polys[np]) {
            destroy_all(h, polys, np);
            return NULL;
        }
        np++;
    }
    if (np == 1)
        return polys[0];
    GEOSGeometry *m = GEOSGeom_createCollection_r(h, GEOS_MULTIPOLYGON, polys, (unsigned)np);
    if (!m)
        destroy_all(h, polys, np);
    return m;
}

/* ---- candidate pairs ------------------------------------------------------------------ */

typedef struct cand {
    size_t i;      /* the parcel being queried */
    size_t *js;    /* its candidates j > i */
    size_t n, cap;
    const nytte_parcel *p;
    int nomem;
} cand;

/* Whether two envelopes share an area (not only a side or a corner). */
static bool envelopes_overlap(const nytte_geom *a, const nytte_geom *b)
{
    return a->xmin < b->xmax && b->xmin < a->xmax && a->ymin < b->ymax && b->ymin < a->ymax;
}

static void take_candidate(void *item, void *user)
{
    cand *c = user;
    size_t j = *(const size_t *)item;
    if (j <= c->i || !envelopes_overlap(&c->p[c->i].geom, &c->p[j].geom))
        return;
    if (c->n == c->cap) {
        size_t cap = c->cap ? 2 * c->cap : 16;
        size_t *js = realloc(c->js, cap * sizeof *js);
        if (!js) {
            c->nomem = 1;
            return;
        }
        c->js = js;
        c->cap = cap;
    }
    c->js[c->n++] = j;
}

static int cmp_size(const void *a, const void *b)
{
    size_t x = *(const size_t *)a, y = *(const size_t *)b;
    return x < y ? -1 : x > y;
}

static void geos_quiet(const char *fmt, ...) { (void)fmt; }

/* GEOS's last error on one thread's handle. */
static void keep_message(const char *msg, void *user) { snprintf(user, 256, "%s", msg ? msg : ""); }

/*
 * The candidate pairs (a, b), a < b, envelopes sharing an area, in order of (a, b): one
 * STRtree of the envelopes, queried with each parcel's envelope. *pairs is the caller's.
 */
static int candidates(nytte_ctx *ctx, io_overlap **pairs, size_t *npairs, const nytte_parcel *p, size_t n)
{
    *pairs = NULL;
    *npairs = 0;
    int rc = NYTTE_OK;
    size_t cap = 0;
    GEOSContextHandle_t h = GEOS_init_r();
    GEOSContext_setNoticeHandler_r(h, geos_quiet);
    GEOSContext_setErrorHandler_r(h, geos_quiet);
    GEOSSTRtree *tree = GEOSSTRtree_create_r(h, 10);
    GEOSGeometry **box = calloc(n ? n : 1, sizeof *box);
    size_t *idx = malloc((n ? n : 1) * sizeof *idx);
    cand c = {.p = p};
    if (!tree || !box || !idx) {
        rc = nytte_nomem(ctx, "overlapping parcels: %zu parcels", n);
        goto cleanup;
    }
    for (size_t i = 0; i < n; i++) {
        const nytte_geom *g = &p[i].geom;
        idx[i] = i;
        if (!(box[i] = GEOSGeom_createRectangle_r(h, g->xmin, g->ymin, g->xmax, g->ymax))) {
            rc = nytte_error(ctx, NYTTE_EGDAL, "parcel %s: GEOS cannot make its envelope", p[i].id);
            goto cleanup;
        }
        GEOSSTRtree_insert_r(h, tree, box[i], &idx[i]);
    }
    for (size_t i = 0; i < n; i++) {
        c.i = i;
        c.n = 0;
        GEOSSTRtree_query_r(h, tree, box[i], take_candidate, &c);
        if (c.nomem) {
            rc = nytte_nomem(ctx, "overlapping parcels: candidates of parcel %s", p[i].id);
            goto cleanup;
        }
        if (c.n > 1) /* c.js is NULL until a candidate comes */
            qsort(c.js, c.n, sizeof *c.js, cmp_size);
        if (*npairs + c.n > cap) {
            size_t ncap = cap ? 2 * cap : 64;
            while (ncap < *npairs + c.n)
                ncap *= 2;
            io_overlap *np = realloc(*pairs, ncap * sizeof *np);
            if (!np) {
                rc = nytte_nomem(ctx, "overlapping parcels: %zu candidate pairs", *npairs + c.n);
                goto cleanup;
            }
            *pairs = np;
            cap = ncap;
        }
        for (size_t k = 0; k < c.n; k++)
            (*pairs)[(*npairs)++] = (io_overlap){i, c.js[k], 0.0};
    }
cleanup:
    if (tree)
        GEOSSTRtree_destroy_r(h, tree);
    if (box)
        destroy_all(h, box, n);
    free(box);
    free(idx);
    free(c.js);
    GEOS_finish_r(h);
    if (rc) {
        free(*pairs);
        *pairs = NULL;
        *npairs = 0;
    }
    return rc;
}

/* ---- the areas ------------------------------------------------------------------------ */

/* A thread's GEOS handle and buffers. */
typedef struct worker {
    GEOSContextHandle_t h;
    char msg[256];
    double *buf;             /* the largest ring's coordinates */
    GEOSGeometry **rings, **polys;
    size_t fail;             /* the lowest pair that failed (SIZE_MAX: none), and why */
    int code;
    char why[300];
} worker;

/* The area pair c's parcels share; -1 with w->why on failure. */
static double pair_area(worker *w, const nytte_parcel *p, const io_overlap *c)
{
    const nytte_geom *a = &p[c->a].geom, *b = &p[c->b].geom;
    double ox = a->xmin, oy = a->ymin, area = -1.0;
    w->msg[0] = '\0';
    GEOSGeometry *ga = geos_polygon(w->h, a, ox, oy, w->buf, w->rings, w->polys);
    GEOSGeometry *gb = ga ? geos_polygon(w->h, b, ox, oy, w->buf, w->rings, w->polys) : NULL;
    GEOSGeometry *gi = gb ? GEOSIntersection_r(w->h, ga, gb) : NULL;
    if (gi && GEOSArea_r(w->h, gi, &area) != 1)
        area = -1.0;
    if (area < 0)
        snprintf(w->why, sizeof w->why, "%s", w->msg[0] ? w->msg : "GEOS failed");
    if (gi)
        GEOSGeom_destroy_r(w->h, gi);
    if (gb)
        GEOSGeom_destroy_r(w->h, gb);
    if (ga)
        GEOSGeom_destroy_r(w->h, ga);
    return area;
}

int io_parcel_overlaps(nytte_ctx *ctx, io_overlaps *out, const nytte_parcel *p, size_t n)
{
    memset(out, 0, sizeof *out);
    double t0 = nytte_now();
    io_overlap *pairs;
    size_t npairs;
    int rc = candidates(ctx, &pairs, &npairs, p, n);
    if (rc)
        return rc;
    size_t maxpts = 1, maxparts = 1;
    for (size_t i = 0; i < n; i++) {
        const nytte_geom *g = &p[i].geom;
        maxparts = g->nparts > maxparts ? g->nparts : maxparts;
        for (size_t k = 0; k < g->nparts; k++)
            maxpts = g->off[k + 1] - g->off[k] > maxpts ? g->off[k + 1] - g->off[k] : maxpts;
    }
    int nt = nytte_ctx_threads(ctx);
    nt = npairs < (size_t)nt ? (npairs ? (int)npairs : 1) : nt;
    worker *ws = calloc((size_t)nt, sizeof *ws);
    if (!ws) {
        free(pairs);
        return nytte_nomem(ctx, "overlapping parcels: %d threads", nt);
    }
    for (int t = 0; t < nt; t++) {
        worker *w = &ws[t];
        w->fail = SIZE_MAX;
        w->h = GEOS_init_r();
        w->buf = malloc(2 * maxpts * sizeof *w->buf);
        w->rings = malloc(maxparts * sizeof *w->rings);
        w->polys = malloc(maxparts * sizeof *w->polys);
        if (!w->h || !w->buf || !w->rings || !w->polys) {
            rc = nytte_nomem(ctx, "overlapping parcels: a thread's buffers");
            goto cleanup;
        }
        GEOSContext_setNoticeHandler_r(w->h, geos_quiet);
        GEOSContext_setErrorMessageHandler_r(w->h, keep_message, w->msg);
    }
    /* each pair writes its own area; the lowest failing pair is reported */
#pragma omp parallel for num_threads(nt) schedule(dynamic, 64)
    for (size_t k = 0; k < npairs; k++) {
        worker *w = &ws[omp_get_thread_num()];
        if (w->fail != SIZE_MAX)
            continue;
        pairs[k].area = pair_area(w, p, &pairs[k]);
        if (pairs[k].area < 0)
            w->fail = k;
    }
    size_t fail = SIZE_MAX;
    int ft = 0;
    for (int t = 0; t < nt; t++)
        if (ws[t].fail < fail) {
            fail = ws[t].fail;
            ft = t;
        }
    if (fail != SIZE_MAX) {
        rc = nytte_error(ctx, NYTTE_EGDAL, "parcels %s and %s: GEOS cannot intersect them: %s", p[pairs[fail].a].id,
                         p[pairs[fail].b].id, ws[ft].why);
        goto cleanup;
    }
    /* keep the overlaps, in order of (a, b); slivers are only counted */
    size_t m = 0;
    for (size_t k = 0; k < npairs; k++) {
        if (pairs[k].area >= IO_OVERLAP_MIN_M2) {
            pairs[m++] = pairs[k];
        } else if (pairs[k].area > 0) {
            out->nslivers++;
            out->sliver_area += pairs[k].area;
        }
    }
    nytte_log(ctx, NYTTE_LOG_DEBUG, "overlapping parcels: %zu candidate pairs of %zu parcels, %zu overlap, in %.3f s",
              npairs, n, m, nytte_now() - t0);
    out->npairs = m;
    out->pairs = pairs;
    pairs = NULL;
cleanup:
    for (int t = 0; t < nt; t++) {
        if (ws[t].h)
            GEOS_finish_r(ws[t].h);
        free(ws[t].buf);
        free(ws[t].rings);
        free(ws[t].polys);
    }
    free(ws);
    free(pairs);
    if (rc) {
        free(out->pairs);
        memset(out, 0, sizeof *out);
    }
    return rc;
}

/* ---- the warning ---------------------------------------------------------------------- */

/* Lines of pairs in the warning without -v (the last says how many more); -v lists every pair. */
#define WARN_PAIRS 5

/* Larger overlaps first; equal ones in order of (a, b). */
static int cmp_larger(const void *x, const void *y)
{
    const io_overlap *a = x, *b = y;
    if (a->area != b->area)
        return a->area > b->area ? -1 : 1;
    if (a->a != b->a)
        return a->a < b->a ? -1 : 1;
    return a->b < b->b ? -1 : a->b > b->b;
}

/* The warning's lines: how many pairs, then the pairs, largest overlap first. */
static void warn_pairs(nytte_ctx *ctx, const io_overlaps *o, const nytte_parcel *p, const char *path,
                       const char *layer)
{
    io_overlap *sorted = malloc(o->npairs * sizeof *sorted);
    const io_overlap *list = o->pairs;
    if (sorted) {
        memcpy(sorted, o->pairs, o->npairs * sizeof *sorted);
        qsort(sorted, o->npairs, sizeof *sorted, cmp_larger);
        list = sorted;
    }
    bool all = nytte_ctx_verbosity(ctx) >= NYTTE_LOG_INFO;
    size_t shown = all || o->npairs <= WARN_PAIRS ? o->npairs : WARN_PAIRS - 1;
    nytte_log(ctx, NYTTE_LOG_WARN,
              "%s: layer %s: %zu %s; each parcel keeps its own polygon: the overlap floods both, and counts "
              "half to each in the plot area (docs/project-file.md, Overlapping parcels)",
              path, layer, o->npairs, o->npairs == 1 ? "pair of parcels overlaps" : "pairs of parcels overlap");
    for (size_t k = 0; k < shown; k++) {
        const nytte_parcel *a = &p[list[k].a], *b = &p[list[k].b];
        const nytte_parcel *small = a->area < b->area ? a : b;
        nytte_log(ctx, NYTTE_LOG_WARN, "parcel %s and parcel %s overlap by %.1f m² (%.0f %% of %s)", a->id, b->id,
                  list[k].area, 100.0 * list[k].area / small->area, small->id);
    }
    if (shown < o->npairs)
        nytte_log(ctx, NYTTE_LOG_WARN, "... and %zu more pairs, %.1f m² and less (-v lists them)", o->npairs - shown,
                  list[shown].area);
    free(sorted);
}

void io_overlaps_warn(nytte_ctx *ctx, const io_overlaps *o, const nytte_parcel *p, const char *path,
                      const char *layer)
{
    if (o->npairs)
        warn_pairs(ctx, o, p, path, layer);
    if (o->nslivers)
        nytte_log(ctx, NYTTE_LOG_INFO,
                  "%s: layer %s: %zu %s by less than %g m² (%.3g m² in all): digitising slivers, not listed", path,
                  layer, o->nslivers, o->nslivers == 1 ? "pair of parcels overlaps" : "pairs of parcels overlap",
                  IO_OVERLAP_MIN_M2, o->sliver_area);
}
