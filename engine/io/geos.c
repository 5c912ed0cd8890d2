/*
 * geos.c — nytte_geom polygons as GEOS geometries, and the quiet message handlers every
 * GEOS handle of io gets: what overlap.c (parcels that overlap) and assign.c (buildings
 * onto parcels) share. Each thread uses its own GEOS handle.
 */
#include "io/io_int.h"

#include <geos_c.h>
#include <stdio.h>
#include <string.h>

void io_geos_quiet(const char *fmt, ...) { (void)fmt; }

void io_geos_keep_message(const char *msg, void *user) { snprintf(user, 256, "%s", msg ? msg : ""); }

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

void io_geos_destroy_all(GEOSContextHandle_t h, GEOSGeometry **g, size_t n)
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
GEOSGeometry *io_geos_polygon(GEOSContextHandle_t h, const nytte_geom *g, double ox, double oy, double *buf,
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
                io_geos_destroy_all(h, rings, nr);
                io_geos_destroy_all(h, polys, np);
                return NULL;
            }
        /* the polygon takes the rings */
        polys[np] = GEOSGeom_createPolygon_r(h, rings[0], rings + 1, (unsigned)(nr - 1));
        if (!polys[np]) {
            io_geos_destroy_all(h, polys, np);
            return NULL;
        }
        np++;
    }
    if (np == 1)
        return polys[0];
    GEOSGeometry *m = GEOSGeom_createCollection_r(h, GEOS_MULTIPOLYGON, polys, (unsigned)np);
    if (!m)
        io_geos_destroy_all(h, polys, np);
    return m;
}

