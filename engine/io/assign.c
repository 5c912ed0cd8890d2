/*
 * assign.c — buildings as published (GeoDanmark) carry no parcel: each goes to the parcel
 * that holds the largest part of its footprint, a point building to the parcel that
 * contains it (docs/project-file.md, Buildings as published).
 *
 * Candidates come from a GEOS STRtree of the parcels' envelopes, queried with each
 * building's envelope (one thread: a tree is one handle's). The parts are computed on the
 * context's threads, each with its own GEOS handle and its own copies of the polygons,
 * translated to the building's south-west corner so that the areas keep their digits;
 * every building writes its own slot, so the result is the same for any thread count.
 */
#include "io/io_int.h"

#include <omp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- candidates ------------------------------------------------------------------------ */

/* The candidate parcels of every building, one after another: building i's are
 * idx[off[i] .. off[i + 1]), in increasing order (the lower id first). */
typedef struct cands {
    size_t *off, *idx;
    size_t n, cap;
    int nomem;
    const nytte_geom *g; /* the building being queried */
    const nytte_parcel *p;
} cands;

static void take_candidate(void *item, void *user)
{
    cands *c = user;
    size_t j = *(const size_t *)item;
    const nytte_geom *a = c->g, *b = &c->p[j].geom;
    /* closed envelopes: a point on a parcel's edge is on it */
    if (a->xmin > b->xmax || b->xmin > a->xmax || a->ymin > b->ymax || b->ymin > a->ymax)
        return;
    if (c->n == c->cap) {
        size_t cap = c->cap ? 2 * c->cap : 256;
        size_t *idx = realloc(c->idx, cap * sizeof *idx);
        if (!idx) {
            c->nomem = 1;
            return;
        }
        c->idx = idx;
        c->cap = cap;
    }
    c->idx[c->n++] = j;
}

static int cmp_size(const void *a, const void *b)
{
    size_t x = *(const size_t *)a, y = *(const size_t *)b;
    return x < y ? -1 : x > y;
}

static int candidates(nytte_ctx *ctx, cands *c, const nytte_geom *const *g, size_t nb, const nytte_parcel *p,
                      size_t np)
{
    int rc = NYTTE_OK;
    GEOSContextHandle_t h = GEOS_init_r();
    GEOSContext_setNoticeHandler_r(h, io_geos_quiet);
    GEOSContext_setErrorHandler_r(h, io_geos_quiet);
    GEOSSTRtree *tree = GEOSSTRtree_create_r(h, 10);
    GEOSGeometry **box = calloc(np ? np : 1, sizeof *box);
    size_t *pidx = malloc((np ? np : 1) * sizeof *pidx);
    c->off = malloc((nb + 1) * sizeof *c->off);
    c->p = p;
    if (!h || !tree || !box || !pidx || !c->off) {
        rc = nytte_nomem(ctx, "buildings onto parcels: %zu parcels", np);
        goto cleanup;
    }
    for (size_t j = 0; j < np; j++) {
        const nytte_geom *e = &p[j].geom;
        pidx[j] = j;
        if (!(box[j] = GEOSGeom_createRectangle_r(h, e->xmin, e->ymin, e->xmax, e->ymax))) {
            rc = nytte_error(ctx, NYTTE_EGDAL, "parcel %s: GEOS cannot make its envelope", p[j].id);
            goto cleanup;
        }
        GEOSSTRtree_insert_r(h, tree, box[j], &pidx[j]);
    }
    for (size_t i = 0; i < nb; i++) {
        c->off[i] = c->n;
        c->g = g[i];
        /* a point's envelope has no width: query with the point */
        GEOSGeometry *q = g[i]->xmin < g[i]->xmax && g[i]->ymin < g[i]->ymax
                              ? GEOSGeom_createRectangle_r(h, g[i]->xmin, g[i]->ymin, g[i]->xmax, g[i]->ymax)
                              : GEOSGeom_createPointFromXY_r(h, g[i]->xmin, g[i]->ymin);
        if (!q) {
            rc = nytte_nomem(ctx, "buildings onto parcels: building %zu's envelope", i);
            goto cleanup;
        }
        GEOSSTRtree_query_r(h, tree, q, take_candidate, c);
        GEOSGeom_destroy_r(h, q);
        if (c->nomem) {
            rc = nytte_nomem(ctx, "buildings onto parcels: %zu candidates", c->n);
            goto cleanup;
        }
        if (c->n - c->off[i] > 1)
            qsort(c->idx + c->off[i], c->n - c->off[i], sizeof *c->idx, cmp_size);
    }
    c->off[nb] = c->n;
cleanup:
    if (tree)
        GEOSSTRtree_destroy_r(h, tree);
    if (box)
        io_geos_destroy_all(h, box, np);
    free(box);
    free(pidx);
    if (h)
        GEOS_finish_r(h);
    return rc;
}

/* ---- the parts ------------------------------------------------------------------------- */

/* A thread's GEOS handle and buffers. */
typedef struct worker {
    GEOSContextHandle_t h;
    char msg[256];
    double *buf;
    GEOSGeometry **rings, **polys;
    double *area;            /* per candidate of the building at hand */
    size_t fail;             /* the lowest building that failed (SIZE_MAX: none), and why */
    char why[300];
} worker;

/*
 * The part of building g on each of its k candidates into w->area (a point: 1 on, 0 off);
 * -1 on failure. Most candidates share no area or cover the building wholly: a prepared
 * building answers those without an overlay; only a building across an edge is intersected.
 */
static int parts(worker *w, const nytte_geom *g, const size_t *cand, size_t k, const nytte_parcel *p)
{
    double ox = g->xmin, oy = g->ymin, whole = 0.0;
    GEOSGeometry *gb = NULL;
    const GEOSPreparedGeometry *pb = NULL;
    int rc = 0;
    w->msg[0] = '\0';
    if (g->kind == NYTTE_GEOM_POINT)
        gb = GEOSGeom_createPointFromXY_r(w->h, g->xy[0] - ox, g->xy[1] - oy);
    else
        gb = io_geos_polygon(w->h, g, ox, oy, w->buf, w->rings, w->polys);
    if (!gb || !(pb = GEOSPrepare_r(w->h, gb)) || (g->kind != NYTTE_GEOM_POINT && GEOSArea_r(w->h, gb, &whole) != 1))
        rc = -1;
    for (size_t c = 0; !rc && c < k; c++) {
        GEOSGeometry *gp = io_geos_polygon(w->h, &p[cand[c]].geom, ox, oy, w->buf, w->rings, w->polys);
        if (!gp) {
            rc = -1;
            break;
        }
        char on = GEOSPreparedIntersects_r(w->h, pb, gp), in = on == 1 ? GEOSPreparedCoveredBy_r(w->h, pb, gp) : 0;
        if (on == 2 || in == 2) {
            rc = -1;
        } else if (g->kind == NYTTE_GEOM_POINT || !on || in) {
            w->area[c] = !on ? 0.0 : g->kind == NYTTE_GEOM_POINT ? 1.0 : whole;
        } else {
            GEOSGeometry *gi = GEOSIntersection_r(w->h, gb, gp);
            if (!gi || GEOSArea_r(w->h, gi, &w->area[c]) != 1)
                rc = -1;
            if (gi)
                GEOSGeom_destroy_r(w->h, gi);
        }
        GEOSGeom_destroy_r(w->h, gp);
    }
    if (pb)
        GEOSPreparedGeom_destroy_r(w->h, pb);
    if (gb)
        GEOSGeom_destroy_r(w->h, gb);
    if (rc)
        snprintf(w->why, sizeof w->why, "%s", w->msg[0] ? w->msg : "GEOS failed");
    return rc;
}

/* The parcel of the largest part: the lowest index among those within IO_TIE_M2 of it. */
static io_assignment choose(const double *area, const size_t *cand, size_t k, bool point)
{
    double best = 0.0;
    for (size_t c = 0; c < k; c++)
        best = area[c] > best ? area[c] : best;
    io_assignment a = {-1, false, -1};
    if (!(best > 0.0))
        return a;
    double floor = point ? best : best - IO_TIE_M2;
    for (size_t c = 0; c < k; c++) {
        if (!(area[c] >= floor))
            continue;
        if (a.parcel < 0) {
            a.parcel = (long)cand[c]; /* candidates come in increasing index: the lowest id */
        } else if (!a.tie) {
            a.tie = true;
            a.other = (long)cand[c];
        }
    }
    return a;
}

/* Each thread's handle and buffers, sized for the largest ring and part count of all geometries. */
static int workers_new(nytte_ctx *ctx, worker **out, int nt, const nytte_geom *const *g, size_t nb,
                       const nytte_parcel *p, size_t np, size_t maxcand)
{
    size_t maxpts = 1, maxparts = 1;
    for (size_t i = 0; i < nb + np; i++) {
        const nytte_geom *e = i < nb ? g[i] : &p[i - nb].geom;
        maxparts = e->nparts > maxparts ? e->nparts : maxparts;
        for (size_t k = 0; k < e->nparts; k++)
            maxpts = e->off[k + 1] - e->off[k] > maxpts ? e->off[k + 1] - e->off[k] : maxpts;
    }
    worker *ws = calloc((size_t)nt, sizeof *ws);
    *out = ws;
    if (!ws)
        return nytte_nomem(ctx, "buildings onto parcels: %d threads", nt);
    for (int t = 0; t < nt; t++) {
        worker *w = &ws[t];
        w->fail = SIZE_MAX;
        w->h = GEOS_init_r();
        w->buf = malloc(2 * maxpts * sizeof *w->buf);
        w->rings = malloc(maxparts * sizeof *w->rings);
        w->polys = malloc(maxparts * sizeof *w->polys);
        w->area = malloc((maxcand ? maxcand : 1) * sizeof *w->area);
        if (!w->h || !w->buf || !w->rings || !w->polys || !w->area)
            return nytte_nomem(ctx, "buildings onto parcels: a thread's buffers");
        GEOSContext_setNoticeHandler_r(w->h, io_geos_quiet);
        GEOSContext_setErrorMessageHandler_r(w->h, io_geos_keep_message, w->msg);
    }
    return NYTTE_OK;
}

static void workers_free(worker *ws, int nt)
{
    for (int t = 0; ws && t < nt; t++) {
        if (ws[t].h)
            GEOS_finish_r(ws[t].h);
        free(ws[t].buf);
        free(ws[t].rings);
        free(ws[t].polys);
        free(ws[t].area);
    }
    free(ws);
}

int io_assign_buildings(nytte_ctx *ctx, io_assignment *out, const nytte_geom *const *g, const char *const *ids,
                        size_t nb, const nytte_parcel *p, size_t np)
{
    double t0 = nytte_now();
    cands c = {0};
    worker *ws = NULL;
    int nt = nytte_ctx_threads(ctx);
    nt = nb < (size_t)nt ? (nb ? (int)nb : 1) : nt;
    int rc = candidates(ctx, &c, g, nb, p, np);
    size_t maxcand = 0;
    for (size_t i = 0; !rc && i < nb; i++)
        maxcand = c.off[i + 1] - c.off[i] > maxcand ? c.off[i + 1] - c.off[i] : maxcand;
    if (rc || (rc = workers_new(ctx, &ws, nt, g, nb, p, np, maxcand)))
        goto cleanup;
    /* each building writes its own slot; the lowest failing building is reported */
#pragma omp parallel for num_threads(nt) schedule(dynamic, 64)
    for (size_t i = 0; i < nb; i++) {
        worker *w = &ws[omp_get_thread_num()];
        if (w->fail != SIZE_MAX)
            continue;
        size_t k = c.off[i + 1] - c.off[i];
        if (parts(w, g[i], c.idx + c.off[i], k, p) != 0) {
            w->fail = i;
            continue;
        }
        out[i] = choose(w->area, c.idx + c.off[i], k, g[i]->kind == NYTTE_GEOM_POINT);
    }
    size_t fail = SIZE_MAX;
    int ft = 0;
    for (int t = 0; t < nt; t++)
        if (ws[t].fail < fail) {
            fail = ws[t].fail;
            ft = t;
        }
    if (fail != SIZE_MAX) {
        rc = nytte_error(ctx, NYTTE_EGDAL, "building %s: GEOS cannot intersect it with the parcels: %s", ids[fail],
                         ws[ft].why);
        goto cleanup;
    }
    nytte_log(ctx, NYTTE_LOG_DEBUG, "buildings onto parcels: %zu buildings, %zu candidate parcels, in %.3f s", nb, c.n,
              nytte_now() - t0);
cleanup:
    workers_free(ws, nt);
    free(c.off);
    free(c.idx);
    return rc;
}
