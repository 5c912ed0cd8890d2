/*
 * crs.c — coordinate reference systems: the working CRS as WKT from what the project says,
 * whether two CRS are the same, a CRS's short name, and how much a CRS distorts areas at
 * the place of the study (a working CRS must measure areas as they are on the ground).
 */
#include "nytte/io.h"

#include <cpl_conv.h>
#include <math.h>
#include <ogr_srs_api.h>
#include <proj.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int nytte_crs_wkt(nytte_ctx *ctx, char **wkt, const char *crs)
{
    *wkt = NULL;
    nytte_io_init();
    nytte_io_gdal_msg_clear();
    OGRSpatialReferenceH s = OSRNewSpatialReference(NULL);
    if (!s)
        return nytte_nomem(ctx, "crs");
    int rc = NYTTE_OK;
    if (OSRSetFromUserInput(s, crs) != OGRERR_NONE) {
        rc = nytte_io_gdal_error(ctx, NYTTE_ECONFIG, "crs: '%s' is not a CRS PROJ knows", crs);
    } else if (OSRIsGeographic(s)) {
        rc = nytte_error(ctx, NYTTE_ECONFIG,
                         "crs: '%s' is geographic (degrees); areas need a projected CRS in metres such as EPSG:25832",
                         crs);
    } else {
        char *w = NULL;
        if (OSRExportToWkt(s, &w) != OGRERR_NONE || !w) {
            rc = nytte_io_gdal_error(ctx, NYTTE_ECONFIG, "crs: '%s' cannot be written as WKT", crs);
        } else {
            *wkt = strdup(w);
            if (!*wkt)
                rc = nytte_nomem(ctx, "crs");
        }
        CPLFree(w);
    }
    OSRDestroySpatialReference(s);
    return rc;
}

int nytte_crs_same(nytte_ctx *ctx, bool *same, const char *wkt_a, const char *wkt_b)
{
    *same = false;
    nytte_io_init();
    OGRSpatialReferenceH a = OSRNewSpatialReference(wkt_a), b = OSRNewSpatialReference(wkt_b);
    int rc = NYTTE_OK;
    if (!a || !b) {
        rc = nytte_error(ctx, NYTTE_EINPUT, "a CRS cannot be read");
    } else {
        const char *opts[] = {"IGNORE_DATA_AXIS_TO_SRS_AXIS_MAPPING=YES", "CRITERION=EQUIVALENT_EXCEPT_AXIS_ORDER_GEOGCRS",
                              NULL};
        *same = OSRIsSameEx(a, b, opts) != 0;
    }
    if (a)
        OSRDestroySpatialReference(a);
    if (b)
        OSRDestroySpatialReference(b);
    return rc;
}

char *nytte_crs_name(char *buf, size_t size, const char *wkt)
{
    snprintf(buf, size, "unknown");
    nytte_io_init();
    OGRSpatialReferenceH s = wkt ? OSRNewSpatialReference(wkt) : NULL;
    if (s) {
        const char *n = OSRGetName(s);
        const char *auth = OSRGetAuthorityName(s, NULL), *code = OSRGetAuthorityCode(s, NULL);
        if (auth && code)
            snprintf(buf, size, "%s (%s:%s)", n ? n : "?", auth, code);
        else if (n)
            snprintf(buf, size, "%s", n);
        OSRDestroySpatialReference(s);
    }
    return buf;
}

/* A UTM zone made for the place: ETRS89 (EPSG:258zz) in Europe, else WGS 84 (326zz north, 327zz south). */
static int utm_for(double lon, double lat)
{
    int zone = (int)floor((lon + 180.0) / 6.0) + 1;
    zone = zone < 1 ? 1 : zone > 60 ? 60 : zone;
    if (lat >= 32.0 && lat <= 84.0 && lon >= -16.0 && lon <= 40.0 && zone >= 28 && zone <= 38)
        return 25800 + zone;
    return (lat >= 0 ? 32600 : 32700) + zone;
}

int nytte_crs_at(nytte_ctx *ctx, nytte_crs_place *out, const char *crs_wkt, const char *at_wkt, double x, double y)
{
    memset(out, 0, sizeof *out);
    PJ_CONTEXT *pc = proj_context_create();
    PJ *to_geo = NULL, *lonlat = NULL, *P = NULL;
    int rc = NYTTE_OK;
    if (!pc) {
        rc = nytte_nomem(ctx, "crs");
        goto cleanup;
    }
    proj_log_level(pc, PJ_LOG_NONE);
    /* the place in longitude and latitude, from the CRS it is given in */
    to_geo = proj_create_crs_to_crs(pc, at_wkt, "EPSG:4326", NULL);
    lonlat = to_geo ? proj_normalize_for_visualization(pc, to_geo) : NULL;
    PJ_COORD c = lonlat ? proj_trans(lonlat, PJ_FWD, proj_coord(x, y, 0, 0)) : proj_coord(HUGE_VAL, 0, 0, 0);
    if (!lonlat || !isfinite(c.xy.x) || !isfinite(c.xy.y)) {
        rc = nytte_error(ctx, NYTTE_EGDAL, "crs: the point (%.1f, %.1f) cannot be placed on the earth", x, y);
        goto cleanup;
    }
    out->lon = c.xy.x;
    out->lat = c.xy.y;
    out->utm_epsg = utm_for(out->lon, out->lat);
    /* the working CRS's scale there */
    P = proj_create(pc, crs_wkt);
    PJ_FACTORS f = P ? proj_factors(P, proj_coord(proj_torad(out->lon), proj_torad(out->lat), 0, 0))
                     : (PJ_FACTORS){0};
    if (!P || !(f.areal_scale > 0) || !isfinite(f.areal_scale)) {
        rc = nytte_error(ctx, NYTTE_EGDAL, "crs: its scale at %.2f°, %.2f° cannot be computed", out->lat, out->lon);
        goto cleanup;
    }
    out->areal = f.areal_scale;
cleanup:
    proj_destroy(P);
    proj_destroy(lonlat);
    proj_destroy(to_geo);
    if (pc)
        proj_context_destroy(pc);
    return rc;
}
