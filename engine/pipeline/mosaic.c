/*
 * mosaic.c — the terrain of a run whose project gives it as many tiles (a folder, a glob or
 * a list; docs/project-file.md, *A terrain of many tiles*). The study area is the envelope
 * of the parcels, buildings, measures and protected areas; the tiles within
 * inputs.terrain_margin of it become one raster, a VRT in GDAL's memory files
 * (nytte_mosaic_build), which every stage reads as it reads one file (s->terrain). Only
 * those tiles are ever opened, and manifest.json lists them. Parcels where no tile is are
 * warned about (the part there is nodata: outside the terrain); a coastal hazard whose sea
 * lies wholly beyond the tiles taken is refused here, naming the margin.
 */
#include "pipeline/pipeline_int.h"

#include <math.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Grow the extent e (xmin, ymin, xmax, ymax) by the envelope of g. */
static void grow(double e[4], const nytte_geom *g)
{
    if (g->kind == NYTTE_GEOM_NONE)
        return;
    e[0] = fmin(e[0], g->xmin);
    e[1] = fmin(e[1], g->ymin);
    e[2] = fmax(e[2], g->xmax);
    e[3] = fmax(e[3], g->ymax);
}

/* The study area: the envelope of the parcels, buildings, measures and protected areas. */
static int study_extent(run_state *s, double e[4])
{
    const nytte_project *p = s->p;
    e[0] = e[1] = INFINITY;
    e[2] = e[3] = -INFINITY;
    for (size_t i = 0; i < s->in.nparcels; i++)
        grow(e, &s->in.parcels[i].geom);
    for (size_t b = 0; b < s->in.nbuildings; b++)
        grow(e, &s->in.buildings[b].geom);
    measure_layers ml = {0};
    int rc = hazard_read_measures(s, &ml);
    for (size_t m = 0; !rc && m < ml.n; m++)
        for (size_t f = 0; f < ml.l[m].nfeatures; f++)
            grow(e, &ml.l[m].features[f].geom);
    hazard_measures_free(&ml);
    for (size_t k = 0; !rc && k < p->nhazards; k++) {
        const nytte_hazard_cfg *h = &p->hazards[k];
        if (!h->protected_area.path)
            continue;
        char what[160];
        nytte_vlayer l = {0};
        snprintf(what, sizeof what, "hazard %s: protected_area", h->id);
        if (!(rc = pipeline_read_geoms(s->ctx, &l, &h->protected_area, s->wkt, what)))
            for (size_t f = 0; f < l.nfeatures; f++)
                grow(e, &l.features[f].geom);
        nytte_vlayer_clear(&l);
    }
    return rc;
}

/* A coastal hazard floods from the sea inside the mosaic: a sea wholly beyond it is refused. */
static int check_sea(run_state *s, const nytte_grid *g)
{
    const nytte_project *p = s->p;
    const nytte_hazard_cfg *h = &p->hazards[p->primary_hazard];
    if (h->type != NYTTE_HAZARD_COASTAL)
        return NYTTE_OK;
    nytte_vlayer sea = {0};
    int rc = pipeline_read_geoms(s->ctx, &sea, &h->sea, s->wkt, "sea");
    double x1 = g->x0 + g->nx * g->dx, y1 = g->y0 - g->ny * g->dy;
    bool inside = false;
    for (size_t f = 0; !rc && !inside && f < sea.nfeatures; f++) {
        const nytte_geom *e = &sea.features[f].geom;
        inside = e->xmin < x1 && e->xmax > g->x0 && e->ymin < g->y0 && e->ymax > y1;
    }
    nytte_vlayer_clear(&sea);
    if (rc || inside)
        return rc;
    return nytte_error(s->ctx, NYTTE_EINPUT,
                       "%s: sea: no part of it lies on the tiles of the terrain taken for the study area (x %.10g to "
                       "%.10g, y %.10g to %.10g: the parcels, buildings and measures and %g m around them); widen "
                       "inputs.terrain_margin to reach the sea",
                       h->sea.path, g->x0, x1, y1, g->y0, p->terrain_margin);
}

/* Parcels where no tile is: one warning naming them (five at most), each at -v with its area. */
static int warn_gaps(run_state *s, const size_t *sel, size_t nsel)
{
    const nytte_project *p = s->p;
    size_t ngap = 0;
    char ids[300] = "";
    for (size_t i = 0; i < s->in.nparcels; i++) {
        const nytte_parcel *pa = &s->in.parcels[i];
        double gap;
        int rc = nytte_mosaic_uncovered(s->ctx, &gap, &pa->geom, p->terrain_grids, sel, nsel);
        if (rc)
            return rc;
        if (!(gap > 1e-6 * pa->area))
            continue;
        if (ngap < 5) {
            size_t k = strlen(ids);
            snprintf(ids + k, sizeof ids - k, "%s%s", ngap ? ", " : "", pa->id);
        }
        ngap++;
        nytte_log(s->ctx, NYTTE_LOG_INFO, "parcel %s: %.1f m² of %.1f m² lie where the terrain has no tile", pa->id,
                  gap, pa->area);
    }
    if (ngap)
        nytte_log(s->ctx, NYTTE_LOG_WARN,
                  "%s: %zu parcel%s lie%s partly or wholly where there is no tile (%s%s): that part has no terrain "
                  "(nodata) and counts as not flooded (-v lists them)",
                  p->terrain, ngap, ngap == 1 ? "" : "s", ngap == 1 ? "s" : "", ids, ngap > 5 ? ", ..." : "");
    return NYTTE_OK;
}

/* The used tiles, for the manifest. */
static int keep_files(run_state *s, const size_t *sel, size_t nsel)
{
    if (!(s->in.terrain_files = calloc(nsel, sizeof *s->in.terrain_files)))
        return nytte_nomem(s->ctx, "%s: %zu tiles", s->p->terrain, nsel);
    for (size_t k = 0; k < nsel; k++) {
        if (!(s->in.terrain_files[k] = strdup(s->p->terrain_tiles[sel[k]])))
            return nytte_nomem(s->ctx, "%s: %zu tiles", s->p->terrain, nsel);
        s->in.nterrain_files = k + 1;
    }
    return NYTTE_OK;
}

int pipeline_terrain_source(run_state *s)
{
    const nytte_project *p = s->p;
    nytte_ctx *ctx = s->ctx;
    s->terrain = p->terrain;
    if (!p->nterrain_tiles)
        return NYTTE_OK;
    double e[4];
    int rc = study_extent(s, e);
    if (rc)
        return rc;
    size_t n = p->nterrain_tiles, *sel = malloc(n * sizeof *sel);
    if (!sel)
        return nytte_nomem(ctx, "%s: %zu tiles", p->terrain, n);
    double m = p->terrain_margin;
    size_t nsel = nytte_mosaic_select(sel, p->terrain_grids, n, e[0] - m, e[1] - m, e[2] + m, e[3] + m);
    nytte_grid all;
    if (nsel == 0) {
        nytte_mosaic_union(&all, p->terrain_grids, NULL, n);
        rc = nytte_error(ctx, NYTTE_EINPUT,
                         "%s: no tile lies within %g m of the study area (the parcels, buildings and measures: x "
                         "%.10g to %.10g, y %.10g to %.10g); the %zu tiles cover x %.10g to %.10g, y %.10g to %.10g",
                         p->terrain, m, e[0], e[2], e[1], e[3], n, all.x0, all.x0 + all.nx * all.dx,
                         all.y0 - all.ny * all.dy, all.y0);
        goto cleanup;
    }
    nytte_mosaic_union(&all, p->terrain_grids, sel, nsel);
    /* a GDAL memory file: every thread's and every stage's handle opens it; one per run */
    static atomic_uint runs;
    char vrt[96];
    snprintf(vrt, sizeof vrt, "/vsimem/nytte-%ld-%u/terrain.vrt", (long)getpid(), atomic_fetch_add(&runs, 1));
    if (!(s->mosaic = strdup(vrt))) {
        rc = nytte_nomem(ctx, "%s: %zu tiles", p->terrain, nsel);
        goto cleanup;
    }
    if ((rc = nytte_mosaic_build(ctx, s->mosaic, p->terrain, (const char *const *)p->terrain_tiles, p->terrain_grids,
                                 sel, nsel))) {
        free(s->mosaic);
        s->mosaic = NULL;
        goto cleanup;
    }
    s->terrain = s->mosaic;
    nytte_log(ctx, NYTTE_LOG_INFO, "terrain: %zu of the %zu tiles of %s lie within %g m of the study area: %d x %d cells",
              nsel, n, p->terrain, m, all.nx, all.ny);
    if ((rc = keep_files(s, sel, nsel)) || (rc = check_sea(s, &all)))
        goto cleanup;
    rc = warn_gaps(s, sel, nsel);
cleanup:
    free(sel);
    return rc;
}

/*
 * The mosaic could not be read: name the first tile that cannot be read through alone (a
 * truncated download: GDAL's message about it may have stayed on one of its decoding
 * threads), or else say the project's name for the tiles where the message names the
 * mosaic's memory file. Rewrites the message once, before anyone adds to it.
 */
int pipeline_terrain_error(run_state *s, int rc)
{
    if (!s->mosaic || rc == NYTTE_ENOMEM)
        return rc;
    nytte_ctx *one = NULL;
    if (nytte_ctx_new(&one) != NYTTE_OK)
        return rc;
    for (size_t k = 0; k < s->in.nterrain_files; k++) {
        nytte_raster_census c;
        int trc = nytte_raster_scan(one, &c, s->in.terrain_files[k]);
        if (trc) {
            rc = nytte_error(s->ctx, trc, "%s: %s", s->p->terrain, nytte_ctx_errmsg(one));
            nytte_ctx_free(one);
            return rc;
        }
    }
    nytte_ctx_free(one);
    const char *msg = nytte_ctx_errmsg(s->ctx);
    size_t n = strlen(s->mosaic);
    char *rest = strncmp(msg, s->mosaic, n) == 0 ? strdup(msg + n) : NULL;
    if (rest)
        nytte_error(s->ctx, rc, "%s%s", s->p->terrain, rest);
    free(rest);
    return rc;
}
