/*
 * styles.c — the `layer_styles` table of a GeoPackage: default QGIS styles stored
 * with the data, so that a layer dragged into QGIS opens styled. Created as an OGR
 * layer with the same fields and types QGIS uses when it saves a style itself.
 */
#include "nytte/io.h"


#include <gdal.h>
#include <ogr_api.h>
#include <time.h>

int nytte_gpkg_write_styles(nytte_ctx *ctx, const char *path, const nytte_layer_style *styles, size_t n)
{
    static const struct {
        const char *name;
        OGRFieldType type;
        OGRFieldSubType sub;
    } cols[] = {
        {"f_table_catalog", OFTString, OFSTNone}, {"f_table_schema", OFTString, OFSTNone},
        {"f_table_name", OFTString, OFSTNone},    {"f_geometry_column", OFTString, OFSTNone},
        {"styleName", OFTString, OFSTNone},       {"styleQML", OFTString, OFSTNone},
        {"styleSLD", OFTString, OFSTNone},        {"useAsDefault", OFTInteger, OFSTBoolean},
        {"description", OFTString, OFSTNone},     {"owner", OFTString, OFSTNone},
        {"ui", OFTString, OFSTNone},              {"update_time", OFTDateTime, OFSTNone},
    };
    enum { NCOLS = sizeof cols / sizeof cols[0] };
    nytte_io_init();
    nytte_io_gdal_msg_clear();
    int rc = NYTTE_OK;
    GDALDatasetH ds = GDALOpenEx(path, GDAL_OF_VECTOR | GDAL_OF_UPDATE, NULL, NULL, NULL);
    if (!ds)
        return nytte_io_gdal_error(ctx, NYTTE_EIO, "%s: cannot open for writing", path);
    OGRLayerH lyr = GDALDatasetCreateLayer(ds, "layer_styles", NULL, wkbNone, NULL);
    if (!lyr) {
        rc = nytte_io_gdal_error(ctx, NYTTE_EIO, "%s: cannot create layer layer_styles", path);
        goto cleanup;
    }
    for (int k = 0; k < NCOLS; k++) {
        OGRFieldDefnH fd = OGR_Fld_Create(cols[k].name, cols[k].type);
        OGR_Fld_SetSubType(fd, cols[k].sub);
        OGRErr e = OGR_L_CreateField(lyr, fd, TRUE);
        OGR_Fld_Destroy(fd);
        if (e != OGRERR_NONE) {
            rc = nytte_io_gdal_error(ctx, NYTTE_EIO, "%s: layer_styles: cannot create field %s", path, cols[k].name);
            goto cleanup;
        }
    }
    time_t now = time(NULL);
    struct tm tmv;
    gmtime_r(&now, &tmv);
    OGRFeatureDefnH defn = OGR_L_GetLayerDefn(lyr);
    for (size_t i = 0; i < n && rc == NYTTE_OK; i++) {
        OGRFeatureH f = OGR_F_Create(defn);
        OGR_F_SetFieldString(f, 0, "");
        OGR_F_SetFieldString(f, 1, "");
        OGR_F_SetFieldString(f, 2, styles[i].table);
        OGR_F_SetFieldString(f, 3, styles[i].geometry_column ? styles[i].geometry_column : "geom");
        OGR_F_SetFieldString(f, 4, styles[i].name);
        OGR_F_SetFieldString(f, 5, styles[i].qml);
        OGR_F_SetFieldString(f, 6, "");
        OGR_F_SetFieldInteger(f, 7, 1);
        OGR_F_SetFieldString(f, 8, styles[i].description ? styles[i].description : "");
        OGR_F_SetFieldString(f, 9, "nytte");
        OGR_F_SetFieldNull(f, 10);
        OGR_F_SetFieldDateTime(f, 11, tmv.tm_year + 1900, tmv.tm_mon + 1, tmv.tm_mday, tmv.tm_hour, tmv.tm_min,
                               tmv.tm_sec, 100);
        if (OGR_L_CreateFeature(lyr, f) != OGRERR_NONE)
            rc = nytte_io_gdal_error(ctx, NYTTE_EIO, "%s: layer_styles: cannot write style %s", path, styles[i].name);
        OGR_F_Destroy(f);
    }
cleanup:
    nytte_io_gdal_msg_clear();
    GDALClose(ds);
    if (rc == NYTTE_OK && nytte_io_gdal_failed())
        rc = nytte_io_gdal_error(ctx, NYTTE_EIO, "%s: writing layer_styles failed", path);
    return rc;
}
