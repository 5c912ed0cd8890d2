/*
 * vector.c — read an OGR layer into plain features: geometry in the working CRS
 * (transformed with PROJ through OGR), polygons validated and repaired with GEOS
 * (GEOSMakeValid_r) and normalised (exteriors counter-clockwise, holes clockwise),
 * and the requested attributes as text.
 */
#include "nytte/io.h"


#include <gdal.h>
#include <geos_c.h>
#include <ogr_api.h>
#include <ogr_srs_api.h>
#include <cpl_conv.h>
#include <cpl_string.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Growable point/part buffers used while converting one feature. */
typedef struct gbuf {
    double *xy;
    size_t npts, cap;
    size_t *counts;
    size_t nparts, pcap;
} gbuf;

static int gbuf_part(gbuf *b)
{
    if (b->nparts == b->pcap) {
        size_t nc = b->pcap ? 2 * b->pcap : 8;
        size_t *c = realloc(b->counts, nc * sizeof *c);
        if (!c)
            return NYTTE_ENOMEM;
        b->counts = c;
        b->pcap = nc;
    }
    b->counts[b->nparts++] = 0;
    return NYTTE_OK;
}

static int gbuf_point(gbuf *b, double x, double y)
{
    if (b->npts == b->cap) {
        size_t nc = b->cap ? 2 * b->cap : 64;
        double *p = realloc(b->xy, nc * 2 * sizeof *p);
        if (!p)
            return NYTTE_ENOMEM;
        b->xy = p;
        b->cap = nc;
    }
    b->xy[2 * b->npts] = x;
    b->xy[2 * b->npts + 1] = y;
    b->npts++;
    b->counts[b->nparts - 1]++;
    return NYTTE_OK;
}

static double ring_signed_area(const double *xy, size_t n)
{
    if (n < 3)
        return 0;
    double a = 0, x0 = xy[0], y0 = xy[1];
    for (size_t i = 1; i + 1 < n; i++)
        a += (xy[2 * i] - x0) * (xy[2 * i + 3] - y0) - (xy[2 * i + 2] - x0) * (xy[2 * i + 1] - y0);
    return 0.5 * a;
}

/* Append a GEOS ring, oriented counter-clockwise (exterior) or clockwise (hole), closed. */
static int add_ring(GEOSContextHandle_t h, gbuf *b, const GEOSGeometry *ring, int hole)
{
    const GEOSCoordSequence *cs = GEOSGeom_getCoordSeq_r(h, ring);
    unsigned int n = 0;
    if (!cs || !GEOSCoordSeq_getSize_r(h, cs, &n) || n < 4)
        return NYTTE_OK; /* degenerate ring: contributes no area */
    if (gbuf_part(b) != NYTTE_OK)
        return NYTTE_ENOMEM;
    size_t start = b->npts;
    for (unsigned int i = 0; i < n; i++) {
        double x, y;
        GEOSCoordSeq_getXY_r(h, cs, i, &x, &y);
        if (gbuf_point(b, x, y) != NYTTE_OK)
            return NYTTE_ENOMEM;
    }
    double a = ring_signed_area(b->xy + 2 * start, n);
    if ((a < 0) != (hole != 0)) {
        /* reverse in place */
        for (size_t i = 0, j = n - 1; i < j; i++, j--) {
            double tx = b->xy[2 * (start + i)], ty = b->xy[2 * (start + i) + 1];
            b->xy[2 * (start + i)] = b->xy[2 * (start + j)];
            b->xy[2 * (start + i) + 1] = b->xy[2 * (start + j) + 1];
            b->xy[2 * (start + j)] = tx;
            b->xy[2 * (start + j) + 1] = ty;
        }
    }
    return NYTTE_OK;
}

/* Collect the polygons of a (repaired) GEOS geometry; lines and points left by MakeValid are dropped. */
static int add_polygons(GEOSContextHandle_t h, gbuf *b, const GEOSGeometry *g)
{
    int type = GEOSGeomTypeId_r(h, g);
    if (type == GEOS_POLYGON) {
        if (GEOSisEmpty_r(h, g))
            return NYTTE_OK;
        if (add_ring(h, b, GEOSGetExteriorRing_r(h, g), 0) != NYTTE_OK)
            return NYTTE_ENOMEM;
        int nh = GEOSGetNumInteriorRings_r(h, g);
        for (int i = 0; i < nh; i++)
            if (add_ring(h, b, GEOSGetInteriorRingN_r(h, g, i), 1) != NYTTE_OK)
                return NYTTE_ENOMEM;
        return NYTTE_OK;
    }
    if (type == GEOS_MULTIPOLYGON || type == GEOS_GEOMETRYCOLLECTION) {
        int n = GEOSGetNumGeometries_r(h, g);
        for (int i = 0; i < n; i++)
            if (add_polygons(h, b, GEOSGetGeometryN_r(h, g, i)) != NYTTE_OK)
                return NYTTE_ENOMEM;
    }
    return NYTTE_OK;
}

static int add_ogr_points(gbuf *b, OGRGeometryH g, int new_part)
{
    int n = OGR_G_GetPointCount(g);
    if (new_part && gbuf_part(b) != NYTTE_OK)
        return NYTTE_ENOMEM;
    for (int i = 0; i < n; i++)
        if (gbuf_point(b, OGR_G_GetX(g, i), OGR_G_GetY(g, i)) != NYTTE_OK)
            return NYTTE_ENOMEM;
    return NYTTE_OK;
}

/* Lines and points go straight from OGR; kind tells what was found. */
static int add_ogr_linear(gbuf *b, OGRGeometryH g, nytte_geom_kind *kind)
{
    OGRwkbGeometryType t = wkbFlatten(OGR_G_GetGeometryType(g));
    switch (t) {
    case wkbPoint:
        *kind = NYTTE_GEOM_POINT;
        return OGR_G_IsEmpty(g) ? NYTTE_OK : add_ogr_points(b, g, 1);
    case wkbLineString:
        *kind = NYTTE_GEOM_LINE;
        return add_ogr_points(b, g, 1);
    case wkbMultiPoint:
    case wkbMultiLineString:
    case wkbGeometryCollection:
        for (int i = 0; i < OGR_G_GetGeometryCount(g); i++)
            if (add_ogr_linear(b, OGR_G_GetGeometryRef(g, i), kind) != NYTTE_OK)
                return NYTTE_ENOMEM;
        return NYTTE_OK;
    default:
        return NYTTE_OK;
    }
}

static int is_polygonal(OGRwkbGeometryType t)
{
    t = wkbFlatten(t);
    return t == wkbPolygon || t == wkbMultiPolygon || t == wkbCurvePolygon || t == wkbMultiSurface ||
           t == wkbPolyhedralSurface || t == wkbTIN || t == wkbTriangle;
}

/*
 * Convert one OGR geometry. Polygons go through GEOS: invalid ones are repaired with
 * GEOSMakeValid_r (*repaired set). Returns NYTTE_OK with kind NONE for empty geometry.
 */
static int convert(GEOSContextHandle_t h, OGRGeometryH g, nytte_geom *out, int *repaired, char *why, size_t whylen)
{
    gbuf b = {0};
    nytte_geom_kind kind = NYTTE_GEOM_NONE;
    int rc = NYTTE_OK;
    *repaired = 0;
    if (is_polygonal(OGR_G_GetGeometryType(g))) {
        OGRGeometryH lin = OGR_G_GetLinearGeometry(g, 0, NULL);
        OGRGeometryH mp = lin ? OGR_G_ForceToMultiPolygon(lin) : NULL;
        if (!mp) {
            snprintf(why, whylen, "cannot convert the geometry to polygons");
            return NYTTE_EINPUT;
        }
        OGR_G_FlattenTo2D(mp);
        size_t wkbn = (size_t)OGR_G_WkbSize(mp);
        unsigned char *wkb = malloc(wkbn ? wkbn : 1);
        GEOSGeometry *gg = NULL, *valid = NULL;
        if (!wkb) {
            rc = NYTTE_ENOMEM;
        } else if (OGR_G_ExportToWkb(mp, wkbNDR, wkb) != OGRERR_NONE ||
                   !(gg = GEOSGeomFromWKB_buf_r(h, wkb, wkbn))) {
            snprintf(why, whylen, "geometry cannot be read (unclosed ring or too few points?)");
            rc = NYTTE_EINPUT;
        } else {
            char valid_flag = GEOSisValid_r(h, gg);
            if (valid_flag == 0) {
                char *reason = GEOSisValidReason_r(h, gg);
                snprintf(why, whylen, "%s", reason ? reason : "invalid");
                GEOSFree_r(h, reason);
                valid = GEOSMakeValid_r(h, gg);
                *repaired = 1;
                if (!valid) {
                    rc = NYTTE_EINPUT;
                    snprintf(why + strlen(why), whylen - strlen(why), "; GEOS could not repair it");
                }
            }
            if (rc == NYTTE_OK) {
                kind = NYTTE_GEOM_POLYGON;
                rc = add_polygons(h, &b, valid ? valid : gg);
            }
            /* a polygon that MakeValid turns into lines or points (all points on a line) has no area:
             * an error, not an empty geometry that would read as "no geometry given" */
            if (rc == NYTTE_OK && valid && b.nparts == 0) {
                snprintf(why + strlen(why), whylen - strlen(why), "; the polygon has no area");
                rc = NYTTE_EINPUT;
            }
        }
        if (gg)
            GEOSGeom_destroy_r(h, gg);
        if (valid)
            GEOSGeom_destroy_r(h, valid);
        free(wkb);
        OGR_G_DestroyGeometry(mp);
    } else {
        rc = add_ogr_linear(&b, g, &kind);
    }
    if (rc == NYTTE_OK && b.nparts > 0)
        rc = nytte_geom_set(out, kind, b.nparts, b.counts, b.xy);
    else if (rc == NYTTE_OK)
        *out = (nytte_geom)NYTTE_GEOM_INIT;
    free(b.xy);
    free(b.counts);
    return rc;
}

void nytte_vlayer_clear(nytte_vlayer *l)
{
    if (!l)
        return;
    for (size_t i = 0; i < l->nfeatures; i++) {
        nytte_geom_clear(&l->features[i].geom);
        for (size_t k = 0; k < l->nfields; k++)
            free(l->features[i].values[k]);
        free(l->features[i].values);
    }
    free(l->features);
    for (size_t k = 0; k < l->nfields; k++)
        free(l->fields[k]);
    free(l->fields);
    memset(l, 0, sizeof *l);
}

static void geos_quiet(const char *fmt, ...) { (void)fmt; }

/* A layer being read by nytte_vlayer_read: what its steps share, and what its cleanup releases. */
typedef struct vreader {
    nytte_ctx *ctx;
    const char *path, *lname;
    nytte_vlayer *out;
    size_t cap;                        /* features allocated in out */
    int *idx;                          /* per requested field: its index in the layer */
    OGRSpatialReferenceH target;       /* the working CRS, when given */
    OGRCoordinateTransformationH ct;   /* to it, when the layer's CRS differs */
    OGRSpatialReferenceH given;        /* the CRS given for the coordinates (src_crs), or NULL */
    GEOSContextHandle_t h;
} vreader;

/* The requested fields: their names into out, their indexes in the layer; each must exist. */
static int find_fields(vreader *r, OGRLayerH lyr, const char *const *fields, size_t nfields)
{
    OGRFeatureDefnH defn = OGR_L_GetLayerDefn(lyr);
    nytte_vlayer *out = r->out;
    out->nfields = nfields;
    out->fields = calloc(nfields ? nfields : 1, sizeof *out->fields);
    r->idx = calloc(nfields ? nfields : 1, sizeof *r->idx);
    if (!out->fields || !r->idx)
        return nytte_nomem(r->ctx, "%s", r->path);
    for (size_t k = 0; k < nfields; k++) {
        if (!(out->fields[k] = strdup(fields[k])))
            return nytte_nomem(r->ctx, "%s", r->path);
        r->idx[k] = OGR_FD_GetFieldIndex(defn, fields[k]);
        if (r->idx[k] < 0)
            return nytte_error(r->ctx, NYTTE_EINPUT, "%s: layer %s: no field '%s'", r->path, r->lname, fields[k]);
    }
    return NYTTE_OK;
}

/*
 * A layer read in degrees whose coordinates cannot be degrees: the usual GeoJSON in UTM
 * metres without a `crs` member (read as WGS 84, as the GeoJSON standard says), which PROJ
 * then fails to transform with a number for a message. Says what happened and the fix.
 */
static int check_degrees(vreader *r, OGRLayerH lyr, OGRSpatialReferenceH src, bool given)
{
    OGREnvelope env;
    if (!OSRIsGeographic(src) || OGR_L_GetExtent(lyr, &env, 1) != OGRERR_NONE)
        return NYTTE_OK;
    if (env.MinX >= -180 && env.MaxX <= 360 && env.MinY >= -90 && env.MaxY <= 90)
        return NYTTE_OK;
    const char *name = OSRGetName(src);
    return nytte_error(r->ctx, NYTTE_EINPUT,
                       "%s: layer %s: coordinates look like metres (x %.0f to %.0f, y %.0f to %.0f), but the %s CRS is "
                       "%s, in degrees%s; give the layer its CRS: `crs: EPSG:25832` (or the one it is in) under this "
                       "input in the project file, or ogr2ogr -a_srs EPSG:25832",
                       r->path, r->lname, env.MinX, env.MaxX, env.MinY, env.MaxY, given ? "given" : "file's",
                       name ? name : "geographic",
                       given ? "" : " (a GeoJSON without a \"crs\" member is WGS 84 by the GeoJSON standard)");
}

/* The transformation of the layer's geometries to target_wkt (none when NULL or the same
 * CRS), from src_crs when given, else from the layer's own CRS. */
static int make_transform(vreader *r, OGRLayerH lyr, const char *src_crs, const char *target_wkt)
{
    if (!target_wkt || OGR_FD_GetGeomFieldCount(OGR_L_GetLayerDefn(lyr)) <= 0)
        return NYTTE_OK;
    OGRSpatialReferenceH src = OGR_L_GetSpatialRef(lyr);
    if (src_crs) {
        if (!(r->given = OSRNewSpatialReference(NULL)) || OSRSetFromUserInput(r->given, src_crs) != OGRERR_NONE)
            return nytte_error(r->ctx, NYTTE_EINPUT, "%s: layer %s: crs '%s' is not a CRS PROJ knows", r->path,
                               r->lname, src_crs);
        src = r->given;
    }
    if (!src)
        return nytte_error(r->ctx, NYTTE_EINPUT,
                           "%s: layer %s: has no CRS; give the layer its CRS: `crs: EPSG:25832` (or the one it is in) "
                           "under this input in the project file, or ogr2ogr -a_srs EPSG:25832",
                           r->path, r->lname);
    int rc = check_degrees(r, lyr, src, src_crs != NULL);
    if (rc)
        return rc;
    r->target = OSRNewSpatialReference(target_wkt);
    if (!r->target)
        return nytte_error(r->ctx, NYTTE_EINPUT, "working CRS cannot be read");
    OSRSetAxisMappingStrategy(r->target, OAMS_TRADITIONAL_GIS_ORDER);
    if (OSRIsSame(src, r->target))
        return NYTTE_OK;
    OGRSpatialReferenceH s2 = OSRClone(src);
    OSRSetAxisMappingStrategy(s2, OAMS_TRADITIONAL_GIS_ORDER);
    r->ct = OCTNewCoordinateTransformation(s2, r->target);
    const char *sname = OSRGetName(s2);
    nytte_log(r->ctx, NYTTE_LOG_INFO, "%s: layer %s: reprojecting from %s to the working CRS", r->path, r->lname,
              sname ? sname : "its CRS");
    OSRDestroySpatialReference(s2);
    if (!r->ct)
        return nytte_io_gdal_error(r->ctx, NYTTE_EINPUT, "%s: layer %s: no transformation to the working CRS",
                                   r->path, r->lname);
    return NYTTE_OK;
}

/* Append feature f: its fid, the requested values as text, its geometry converted (borrowed f). */
static int read_feature(vreader *r, OGRFeatureH f)
{
    nytte_vlayer *out = r->out;
    if (out->nfeatures == r->cap) {
        size_t nc = r->cap ? 2 * r->cap : 256;
        nytte_vfeature *nf = realloc(out->features, nc * sizeof *nf);
        if (!nf)
            return nytte_nomem(r->ctx, "%s", r->path);
        out->features = nf;
        r->cap = nc;
    }
    nytte_vfeature *vf = &out->features[out->nfeatures];
    memset(vf, 0, sizeof *vf);
    vf->fid = (long long)OGR_F_GetFID(f);
    vf->values = calloc(out->nfields ? out->nfields : 1, sizeof *vf->values);
    out->nfeatures++;
    if (!vf->values)
        return nytte_nomem(r->ctx, "%s", r->path);
    for (size_t k = 0; k < out->nfields; k++)
        if (OGR_F_IsFieldSetAndNotNull(f, r->idx[k]) &&
            !(vf->values[k] = strdup(OGR_F_GetFieldAsString(f, r->idx[k]))))
            return nytte_nomem(r->ctx, "%s", r->path);
    OGRGeometryH g = OGR_F_GetGeometryRef(f);
    if (!g || OGR_G_IsEmpty(g))
        return NYTTE_OK;
    OGRGeometryH gc = OGR_G_Clone(g);
    if (r->ct && OGR_G_Transform(gc, r->ct) != OGRERR_NONE) {
        OGR_G_DestroyGeometry(gc);
        return nytte_io_gdal_error(r->ctx, NYTTE_EINPUT, "%s: layer %s: feature %lld: cannot transform to the working CRS",
                                   r->path, r->lname, vf->fid);
    }
    char why[256] = "";
    int repaired = 0;
    int rc = convert(r->h, gc, &vf->geom, &repaired, why, sizeof why);
    OGR_G_DestroyGeometry(gc);
    if (rc == NYTTE_ENOMEM)
        return nytte_nomem(r->ctx, "%s: layer %s: feature %lld", r->path, r->lname, vf->fid);
    if (rc)
        return nytte_error(r->ctx, rc, "%s: layer %s: feature %lld: %s", r->path, r->lname, vf->fid, why);
    if (repaired) {
        out->nrepaired++;
        nytte_log(r->ctx, NYTTE_LOG_INFO, "%s: layer %s: feature %lld: invalid polygon (%s) repaired with GEOS",
                  r->path, r->lname, vf->fid, why);
    }
    return NYTTE_OK;
}

int nytte_vlayer_read(nytte_ctx *ctx, nytte_vlayer *out, const char *path, const char *layer, const char *where,
                      const char *const *fields, size_t nfields, const char *target_wkt)
{
    return nytte_vlayer_read_as(ctx, out, path, layer, where, NULL, fields, nfields, target_wkt);
}

int nytte_vlayer_read_as(nytte_ctx *ctx, nytte_vlayer *out, const char *path, const char *layer, const char *where,
                         const char *src_crs, const char *const *fields, size_t nfields, const char *target_wkt)
{
    memset(out, 0, sizeof *out);
    nytte_io_init();
    nytte_io_gdal_msg_clear();
    vreader r = {.ctx = ctx, .path = path, .lname = layer ? layer : "", .out = out};
    int rc = NYTTE_OK;
    const char *const open_opts[] = {NULL};
    GDALDatasetH ds = GDALOpenEx(path, GDAL_OF_VECTOR | GDAL_OF_READONLY, NULL, open_opts, NULL);
    if (!ds) {
        rc = nytte_io_gdal_error(ctx, NYTTE_EINPUT, "%s: not a vector data set OGR can read", path);
        goto cleanup;
    }
    OGRLayerH lyr = layer ? GDALDatasetGetLayerByName(ds, layer) : GDALDatasetGetLayer(ds, 0);
    if (!lyr) {
        rc = layer ? nytte_error(ctx, NYTTE_EINPUT, "%s: no layer named '%s'", path, layer)
                   : nytte_error(ctx, NYTTE_EINPUT, "%s: holds no layer", path);
        goto cleanup;
    }
    r.lname = OGR_L_GetName(lyr);
    if ((rc = find_fields(&r, lyr, fields, nfields)) || (rc = make_transform(&r, lyr, src_crs, target_wkt)))
        goto cleanup;
    if (where && OGR_L_SetAttributeFilter(lyr, where) != OGRERR_NONE) {
        rc = nytte_io_gdal_error(ctx, NYTTE_EINPUT, "%s: layer %s: invalid filter \"%s\"", path, r.lname, where);
        goto cleanup;
    }
    r.h = GEOS_init_r();
    GEOSContext_setNoticeHandler_r(r.h, geos_quiet);
    GEOSContext_setErrorHandler_r(r.h, geos_quiet);
    OGR_L_ResetReading(lyr);
    OGRFeatureH f;
    while (!rc && (f = OGR_L_GetNextFeature(lyr)) != NULL) {
        rc = read_feature(&r, f);
        OGR_F_Destroy(f);
    }
cleanup:
    if (r.h)
        GEOS_finish_r(r.h);
    if (r.ct)
        OCTDestroyCoordinateTransformation(r.ct);
    if (r.target)
        OSRDestroySpatialReference(r.target);
    if (r.given)
        OSRDestroySpatialReference(r.given);
    if (ds)
        GDALClose(ds);
    free(r.idx);
    if (rc != NYTTE_OK)
        nytte_vlayer_clear(out);
    return rc;
}

/* nytte_geom -> OGR geometry: polygons become a MultiPolygon by grouping each exterior
 * ring (counter-clockwise) with the holes (clockwise) that follow it. */
static OGRGeometryH to_ogr(const nytte_geom *g)
{
    OGRGeometryH out = NULL;
    if (g->kind == NYTTE_GEOM_POLYGON) {
        out = OGR_G_CreateGeometry(wkbMultiPolygon);
        OGRGeometryH poly = NULL;
        for (size_t p = 0; p < g->nparts; p++) {
            size_t n = g->off[p + 1] - g->off[p];
            const double *xy = g->xy + 2 * g->off[p];
            OGRGeometryH ring = OGR_G_CreateGeometry(wkbLinearRing);
            for (size_t i = 0; i < n; i++)
                OGR_G_AddPoint_2D(ring, xy[2 * i], xy[2 * i + 1]);
            if (ring_signed_area(xy, n) >= 0 || !poly) {
                if (poly)
                    OGR_G_AddGeometryDirectly(out, poly);
                poly = OGR_G_CreateGeometry(wkbPolygon);
            }
            OGR_G_AddGeometryDirectly(poly, ring);
        }
        if (poly)
            OGR_G_AddGeometryDirectly(out, poly);
    } else if (g->kind == NYTTE_GEOM_LINE) {
        out = OGR_G_CreateGeometry(wkbMultiLineString);
        for (size_t p = 0; p < g->nparts; p++) {
            OGRGeometryH line = OGR_G_CreateGeometry(wkbLineString);
            for (size_t i = g->off[p]; i < g->off[p + 1]; i++)
                OGR_G_AddPoint_2D(line, g->xy[2 * i], g->xy[2 * i + 1]);
            OGR_G_AddGeometryDirectly(out, line);
        }
    } else if (g->kind == NYTTE_GEOM_POINT && g->nparts > 0) {
        out = OGR_G_CreateGeometry(wkbPoint);
        OGR_G_SetPoint_2D(out, 0, g->xy[0], g->xy[1]);
    }
    return out;
}

int nytte_vlayer_write(nytte_ctx *ctx, const char *path, const char *driver, const char *layer, const char *crs_wkt,
                       const nytte_field_def *fields, size_t nfields, const nytte_cell *cells,
                       const nytte_geom *const *geoms, size_t nrows, bool append)
{
    nytte_io_init();
    nytte_io_gdal_msg_clear();
    int rc = NYTTE_OK;
    GDALDatasetH ds = NULL;
    OGRSpatialReferenceH srs = NULL;
    if (append) {
        ds = GDALOpenEx(path, GDAL_OF_VECTOR | GDAL_OF_UPDATE, NULL, NULL, NULL);
    } else {
        GDALDriverH drv = GDALGetDriverByName(driver);
        if (!drv)
            return nytte_error(ctx, NYTTE_EGDAL, "%s: GDAL has no %s driver", path, driver);
        ds = GDALCreate(drv, path, 0, 0, 0, GDT_Unknown, NULL);
    }
    if (!ds)
        return nytte_io_gdal_error(ctx, NYTTE_EIO, "%s: cannot %s", path, append ? "open for writing" : "create");
    OGRwkbGeometryType gtype = wkbNone;
    if (geoms) {
        gtype = wkbUnknown;
        for (size_t r = 0; r < nrows; r++)
            if (geoms[r] && geoms[r]->kind != NYTTE_GEOM_NONE) {
                gtype = geoms[r]->kind == NYTTE_GEOM_POLYGON ? wkbMultiPolygon
                        : geoms[r]->kind == NYTTE_GEOM_LINE  ? wkbMultiLineString
                                                             : wkbPoint;
                break;
            }
        if (crs_wkt) {
            srs = OSRNewSpatialReference(crs_wkt);
            if (srs)
                OSRSetAxisMappingStrategy(srs, OAMS_TRADITIONAL_GIS_ORDER);
        }
    }
    char **lopts = NULL;
    if (strcmp(driver, "GPKG") == 0)
        lopts = CSLSetNameValue(lopts, "SPATIAL_INDEX", geoms ? "YES" : "NO");
    OGRLayerH lyr = GDALDatasetCreateLayer(ds, layer, srs, gtype, lopts);
    CSLDestroy(lopts);
    if (!lyr) {
        rc = nytte_io_gdal_error(ctx, NYTTE_EIO, "%s: cannot create layer %s", path, layer);
        goto cleanup;
    }
    for (size_t k = 0; k < nfields; k++) {
        OGRFieldType ft = fields[k].type == NYTTE_FIELD_TEXT  ? OFTString
                          : fields[k].type == NYTTE_FIELD_INT ? OFTInteger64
                                                              : OFTReal;
        OGRFieldDefnH fd = OGR_Fld_Create(fields[k].name, ft);
        OGRErr e = OGR_L_CreateField(lyr, fd, TRUE);
        OGR_Fld_Destroy(fd);
        if (e != OGRERR_NONE) {
            rc = nytte_io_gdal_error(ctx, NYTTE_EIO, "%s: layer %s: cannot create field %s", path, layer, fields[k].name);
            goto cleanup;
        }
    }
    OGRFeatureDefnH defn = OGR_L_GetLayerDefn(lyr);
    int transaction = GDALDatasetStartTransaction(ds, FALSE) == OGRERR_NONE;
    for (size_t r = 0; r < nrows && rc == NYTTE_OK; r++) {
        OGRFeatureH f = OGR_F_Create(defn);
        for (size_t k = 0; k < nfields; k++) {
            const nytte_cell *c = &cells[r * nfields + k];
            switch (fields[k].type) {
            case NYTTE_FIELD_TEXT:
                if (c->s)
                    OGR_F_SetFieldString(f, (int)k, c->s);
                else
                    OGR_F_SetFieldNull(f, (int)k);
                break;
            case NYTTE_FIELD_INT:
                OGR_F_SetFieldInteger64(f, (int)k, (GIntBig)c->i);
                break;
            case NYTTE_FIELD_REAL:
                if (c->d == c->d)
                    OGR_F_SetFieldDouble(f, (int)k, c->d);
                else
                    OGR_F_SetFieldNull(f, (int)k);
                break;
            }
        }
        if (geoms && geoms[r]) {
            OGRGeometryH g = to_ogr(geoms[r]);
            if (g)
                OGR_F_SetGeometryDirectly(f, g);
        }
        if (OGR_L_CreateFeature(lyr, f) != OGRERR_NONE)
            rc = nytte_io_gdal_error(ctx, NYTTE_EIO, "%s: layer %s: cannot write row %zu", path, layer, r + 1);
        OGR_F_Destroy(f);
    }
    if (transaction && GDALDatasetCommitTransaction(ds) != OGRERR_NONE && rc == NYTTE_OK)
        rc = nytte_io_gdal_error(ctx, NYTTE_EIO, "%s: layer %s: cannot commit", path, layer);
cleanup:
    if (srs)
        OSRDestroySpatialReference(srs);
    nytte_io_gdal_msg_clear();
    GDALClose(ds);
    if (rc == NYTTE_OK && nytte_io_gdal_failed())
        rc = nytte_io_gdal_error(ctx, NYTTE_EIO, "%s: writing failed", path);
    return rc;
}
