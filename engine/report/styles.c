/*
 * styles.c — how QGIS shows the outputs: a .qml beside every depth raster (QGIS loads
 * a style with the raster's basename by itself), default styles in parcels.gpkg's
 * layer_styles table, and project.qgs, which opens everything styled, in order
 * (measures, buildings, parcels over the depth rasters), with paths relative to itself.
 */
#include "report/report_int.h"

#include "nytte/io.h"

#include <stdlib.h>
#include <string.h>

#define QGIS_VERSION "3.28.0-Firenze"

static void rgb(sbuf *b, const char *hex, int alpha)
{
    unsigned v = (unsigned)strtoul(hex + 1, NULL, 16);
    sb_printf(b, "%u,%u,%u,%d", (v >> 16) & 255, (v >> 8) & 255, v & 255, alpha);
}

/* ---- the style bodies (the children of <qgis> in a .qml, of <maplayer> in a .qgs) ---- */

static void raster_pipe(sbuf *b)
{
    sb_add(b, "<pipe>\n"
              "<provider><resampling enabled=\"false\" zoomedInResamplingMethod=\"nearestNeighbour\" "
              "zoomedOutResamplingMethod=\"nearestNeighbour\" maxOversampling=\"2\"/></provider>\n"
              "<rasterrenderer type=\"singlebandpseudocolor\" band=\"1\" opacity=\"0.85\" alphaBand=\"-1\" "
              "classificationMin=\"0\" classificationMax=\"2\" nodataColor=\"\">\n"
              "<rasterTransparency><singleValuePixelList>"
              "<pixelListEntry min=\"0\" max=\"0\" percentTransparent=\"100\"/>"
              "</singleValuePixelList></rasterTransparency>\n"
              "<minMaxOrigin><limits>None</limits><extent>WholeRaster</extent><statAccuracy>Estimated</statAccuracy>"
              "<cumulativeCutLower>0.02</cumulativeCutLower><cumulativeCutUpper>0.98</cumulativeCutUpper>"
              "<stdDevFactor>2</stdDevFactor></minMaxOrigin>\n"
              "<rastershader><colorrampshader colorRampType=\"DISCRETE\" classificationMode=\"1\" clip=\"0\" "
              "minimumValue=\"0\" maximumValue=\"2\" labelPrecision=\"2\">\n"
              "<item alpha=\"0\" value=\"0\" label=\"dry\" color=\"#ffffff\"/>\n");
    for (int k = 0; k < REPORT_NDEPTH; k++) {
        if (k == REPORT_NDEPTH - 1)
            sb_printf(b, "<item alpha=\"255\" value=\"inf\" label=\"over %g m\" color=\"%s\"/>\n",
                      report_depth_values[k - 1], report_depth_colors[k]);
        else
            sb_printf(b, "<item alpha=\"255\" value=\"%g\" label=\"%g to %g m\" color=\"%s\"/>\n",
                      report_depth_values[k], k ? report_depth_values[k - 1] : 0.0, report_depth_values[k],
                      report_depth_colors[k]);
    }
    sb_add(b, "</colorrampshader></rastershader>\n"
              "</rasterrenderer>\n"
              "<brightnesscontrast brightness=\"0\" contrast=\"0\" gamma=\"1\"/>\n"
              "<huesaturation saturation=\"0\" grayscaleMode=\"0\" colorizeOn=\"0\" colorizeStrength=\"100\" "
              "colorizeRed=\"255\" colorizeGreen=\"128\" colorizeBlue=\"128\"/>\n"
              "<rasterresampler maxOversampling=\"2\"/>\n"
              "</pipe>\n"
              "<blendMode>0</blendMode>\n");
}

static void symbol(sbuf *b, int name, const char *type, const char *fill, const char *outline, double width)
{
    sb_printf(b, "<symbol type=\"%s\" name=\"%d\" alpha=\"1\" clip_to_extent=\"1\" force_rhr=\"0\">\n", type, name);
    if (!strcmp(type, "fill")) {
        sb_add(b, "<layer class=\"SimpleFill\" enabled=\"1\" locked=\"0\" pass=\"0\"><Option type=\"Map\">"
                  "<Option name=\"color\" type=\"QString\" value=\"");
        rgb(b, fill, 255);
        sb_add(b, "\"/><Option name=\"outline_color\" type=\"QString\" value=\"");
        rgb(b, outline, 255);
        sb_printf(b, "\"/><Option name=\"outline_style\" type=\"QString\" value=\"solid\"/>"
                     "<Option name=\"outline_width\" type=\"QString\" value=\"%g\"/>"
                     "<Option name=\"outline_width_unit\" type=\"QString\" value=\"MM\"/>"
                     "<Option name=\"style\" type=\"QString\" value=\"solid\"/>"
                     "</Option></layer>\n",
                  width);
    } else {
        sb_add(b, "<layer class=\"SimpleLine\" enabled=\"1\" locked=\"0\" pass=\"0\"><Option type=\"Map\">"
                  "<Option name=\"line_color\" type=\"QString\" value=\"");
        rgb(b, outline, 255);
        sb_printf(b, "\"/><Option name=\"line_style\" type=\"QString\" value=\"solid\"/>"
                     "<Option name=\"line_width\" type=\"QString\" value=\"%g\"/>"
                     "<Option name=\"line_width_unit\" type=\"QString\" value=\"MM\"/>"
                     "<Option name=\"capstyle\" type=\"QString\" value=\"round\"/>"
                     "</Option></layer>\n",
                  width);
    }
    sb_add(b, "</symbol>\n");
}

/* Parcels: graduated by amount_kr, the classes of the report's map. */
static void parcels_renderer(sbuf *b, const double breaks[REPORT_NCLASSES])
{
    sb_add(b, "<renderer-v2 type=\"graduatedSymbol\" attr=\"amount_kr\" graduatedMethod=\"GraduatedColor\" "
              "symbollevels=\"0\" enableorderby=\"0\" forceraster=\"0\">\n<ranges>\n"
              "<range lower=\"-1000000000000000\" upper=\"0\" symbol=\"0\" label=\"pays nothing (or is paid back)\" "
              "render=\"true\"/>\n");
    int n = 0;
    while (n < REPORT_NCLASSES && breaks[n] == breaks[n])
        n++;
    for (int k = 0; k < n; k++) {
        double lo = k ? breaks[k - 1] : 0.0, hi = breaks[k];
        /* whole kr for quantile classes; the exact amount when a class is one amount */
        int dec = lo == floor(lo) && hi == floor(hi) ? 0 : 2;
        sb_printf(b, "<range lower=\"%.2f\" upper=\"%.2f\" symbol=\"%d\" label=\"%.*f to %.*f kr\" render=\"true\"/>\n",
                  lo, k == n - 1 ? 1e15 : hi, k + 1, dec, lo, dec, hi);
    }
    sb_add(b, "</ranges>\n<symbols>\n");
    for (int k = 0; k <= REPORT_NCLASSES; k++)
        symbol(b, k, "fill", report_class_colors[k], "#7f7f7f", 0.1);
    sb_add(b, "</symbols>\n<classificationMethod id=\"Quantile\"/>\n</renderer-v2>\n"
              "<blendMode>0</blendMode>\n<featureBlendMode>0</featureBlendMode>\n<layerOpacity>0.85</layerOpacity>\n");
}

/* Buildings: dark grey when dry at the design event, blue when water stands on them. */
static void buildings_renderer(sbuf *b)
{
    sb_add(b, "<renderer-v2 type=\"graduatedSymbol\" attr=\"depth_design_m\" graduatedMethod=\"GraduatedColor\" "
              "symbollevels=\"0\" enableorderby=\"0\" forceraster=\"0\">\n<ranges>\n"
              "<range lower=\"0\" upper=\"0\" symbol=\"0\" label=\"dry at the design event\" render=\"true\"/>\n"
              "<range lower=\"0\" upper=\"0.5\" symbol=\"1\" label=\"up to 0.5 m\" render=\"true\"/>\n"
              "<range lower=\"0.5\" upper=\"100\" symbol=\"2\" label=\"over 0.5 m\" render=\"true\"/>\n"
              "</ranges>\n<symbols>\n");
    symbol(b, 0, "fill", "#606060", "#303030", 0.1);
    symbol(b, 1, "fill", "#6baed6", "#08306b", 0.1);
    symbol(b, 2, "fill", "#08519c", "#08306b", 0.1);
    sb_add(b, "</symbols>\n</renderer-v2>\n<blendMode>0</blendMode>\n<featureBlendMode>0</featureBlendMode>\n"
              "<layerOpacity>1</layerOpacity>\n");
}

static void measures_renderer(sbuf *b)
{
    sb_add(b, "<renderer-v2 type=\"singleSymbol\" symbollevels=\"0\" enableorderby=\"0\" forceraster=\"0\">\n"
              "<symbols>\n");
    symbol(b, 0, "line", "#000000", "#d7301f", 1.2);
    sb_add(b, "</symbols>\n</renderer-v2>\n<blendMode>0</blendMode>\n<featureBlendMode>0</featureBlendMode>\n"
              "<layerOpacity>1</layerOpacity>\n");
}

typedef enum { BODY_RASTER, BODY_PARCELS, BODY_BUILDINGS, BODY_MEASURES } body_kind;

static void body(sbuf *b, body_kind k, const double breaks[REPORT_NCLASSES])
{
    switch (k) {
    case BODY_RASTER: raster_pipe(b); break;
    case BODY_PARCELS: parcels_renderer(b, breaks); break;
    case BODY_BUILDINGS: buildings_renderer(b); break;
    case BODY_MEASURES: measures_renderer(b); break;
    }
}

static void qml(sbuf *b, body_kind k, const double breaks[REPORT_NCLASSES])
{
    sb_add(b, "<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>\n"
              "<qgis version=\"" QGIS_VERSION "\" styleCategories=\"AllStyleCategories\">\n");
    body(b, k, breaks);
    sb_add(b, "</qgis>\n");
}

static const char *base_name(const char *path)
{
    const char *s = strrchr(path, '/');
    return s ? s + 1 : path;
}

/* ---- project.qgs ------------------------------------------------------------- */

static void srs(sbuf *b, const nytte_report_data *d)
{
    const char *auth = d->project->crs && !strncmp(d->project->crs, "EPSG:", 5) ? d->project->crs : "";
    char name[256];
    nytte_crs_name(name, sizeof name, d->inputs->crs_wkt);
    sb_xmlf(b, "<spatialrefsys nativeFormat=\"Wkt\"><wkt>%s</wkt><authid>%s</authid><description>%s</description>"
               "<geographicflag>false</geographicflag></spatialrefsys>",
            d->inputs->crs_wkt, auth, name);
}

typedef struct qlayer {
    char id[160];
    char name[300];
    char source[400];
    const char *provider;
    body_kind kind;
    int checked;
    const char *geometry;  /* vector: "Polygon" / "Line"; NULL: raster */
} qlayer;

static void tree_layer(sbuf *b, const qlayer *l)
{
    sb_xmlf(b, "<layer-tree-layer id=\"%s\" name=\"%s\" source=\"%s\" providerKey=\"%s\" checked=\"%s\" expanded=\"0\" "
               "legend_exp=\"\"><customproperties/></layer-tree-layer>\n",
            l->id, l->name, l->source, l->provider, l->checked ? "Qt::Checked" : "Qt::Unchecked");
}

static void map_layer(sbuf *b, const nytte_report_data *d, const qlayer *l, const double breaks[REPORT_NCLASSES])
{
    if (l->geometry)
        sb_printf(b, "<maplayer type=\"vector\" geometry=\"%s\" hasScaleBasedVisibilityFlag=\"0\" autoRefreshEnabled=\"0\" "
                     "refreshOnNotifyEnabled=\"0\" styleCategories=\"AllStyleCategories\">\n",
                  l->geometry);
    else
        sb_add(b, "<maplayer type=\"raster\" hasScaleBasedVisibilityFlag=\"0\" autoRefreshEnabled=\"0\" "
                  "refreshOnNotifyEnabled=\"0\" styleCategories=\"AllStyleCategories\">\n");
    sb_xmlf(b, "<id>%s</id>\n<datasource>%s</datasource>\n<layername>%s</layername>\n<srs>", l->id, l->source,
            l->name);
    srs(b, d);
    sb_printf(b, "</srs>\n<provider encoding=\"UTF-8\">%s</provider>\n", l->provider);
    body(b, l->kind, breaks);
    sb_add(b, "</maplayer>\n");
}

static int write_qgs(nytte_ctx *ctx, const nytte_report_data *d, const char *dir, const double breaks[REPORT_NCLASSES])
{
    size_t nl = 3 + d->nrasters;
    qlayer *ls = calloc(nl, sizeof *ls);
    if (!ls)
        return nytte_nomem(ctx, "%s/project.qgs", dir);
    /* top to bottom: what is drawn last comes first */
    ls[0] = (qlayer){"measures_layer", "Measures", "./parcels.gpkg|layername=measures", "ogr", BODY_MEASURES, 1, "Line"};
    ls[1] = (qlayer){"buildings_layer", "Buildings (depth at the design event)", "./parcels.gpkg|layername=buildings",
                     "ogr", BODY_BUILDINGS, 1, "Polygon"};
    ls[2] = (qlayer){"parcels_layer", "Parcels (amount, kr)", "./parcels.gpkg|layername=parcels", "ogr", BODY_PARCELS,
                     1, "Polygon"};
    size_t shown = (size_t)-1;
    for (size_t r = 0; r < d->nrasters; r++) {
        qlayer *l = &ls[3 + r];
        const char *bn = base_name(d->rasters[r]);
        snprintf(l->id, sizeof l->id, "raster_%zu", r);
        snprintf(l->name, sizeof l->name, "%.*s", (int)(strlen(bn) > 4 ? strlen(bn) - 4 : strlen(bn)), bn);
        snprintf(l->source, sizeof l->source, "./%s", bn);
        l->provider = "gdal";
        l->kind = BODY_RASTER;
        /* the design event without the measures is shown; the others are a click away */
        if (shown == (size_t)-1 && strstr(bn, "_without_") && strstr(bn, "_design"))
            shown = r;
        l->geometry = NULL;
    }
    if (shown == (size_t)-1 && d->nrasters)
        shown = 0;
    if (shown != (size_t)-1)
        ls[3 + shown].checked = 1;

    sbuf b = {0};
    sb_xmlf(&b, "<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>\n<qgis projectname=\"%s\" version=\"" QGIS_VERSION
                "\">\n<homePath path=\"\"/>\n<title>%s</title>\n<projectCrs>",
            d->project->name, d->project->name);
    srs(&b, d);
    sb_add(&b, "</projectCrs>\n<layer-tree-group>\n<customproperties/>\n");
    for (size_t i = 0; i < 3; i++)
        tree_layer(&b, &ls[i]);
    if (d->nrasters) {
        sb_add(&b, "<layer-tree-group name=\"Depth rasters\" checked=\"Qt::Checked\" expanded=\"1\"><customproperties/>\n");
        for (size_t i = 3; i < nl; i++)
            tree_layer(&b, &ls[i]);
        sb_add(&b, "</layer-tree-group>\n");
    }
    sb_add(&b, "<custom-order enabled=\"0\">\n");
    for (size_t i = 0; i < nl; i++) {
        sb_xmlf(&b, "<item>%s</item>\n", ls[i].id);
    }
    sb_add(&b, "</custom-order>\n</layer-tree-group>\n<projectlayers>\n");
    for (size_t i = 0; i < nl; i++)
        map_layer(&b, d, &ls[i], breaks);
    sb_add(&b, "</projectlayers>\n<layerorder>\n");
    for (size_t i = 0; i < nl; i++) {
        sb_xmlf(&b, "<layer id=\"%s\"/>\n", ls[i].id);
    }
    sb_add(&b, "</layerorder>\n<properties>\n<Paths><Absolute type=\"bool\">false</Absolute></Paths>\n"
               "</properties>\n</qgis>\n");
    int rc = sb_write_file(ctx, &b, dir, "project.qgs");
    free(b.s);
    free(ls);
    return rc;
}

/* A .qml beside each raster, with the raster's basename, so that QGIS loads it by itself. */
static int write_raster_styles(nytte_ctx *ctx, const nytte_report_data *d, const char *dir,
                               const double breaks[REPORT_NCLASSES])
{
    int rc = NYTTE_OK;
    sbuf rq = {0};
    qml(&rq, BODY_RASTER, breaks);
    for (size_t r = 0; r < d->nrasters && !rc; r++) {
        const char *bn = base_name(d->rasters[r]);
        char name[512];
        size_t n = strlen(bn);
        snprintf(name, sizeof name, "%.*s.qml", (int)(n > 4 && !strcmp(bn + n - 4, ".tif") ? n - 4 : n), bn);
        rc = sb_write_file(ctx, &rq, dir, name);
    }
    free(rq.s);
    return rc;
}

/* The default styles inside parcels.gpkg (its layer_styles table); none for an absent buildings layer. */
static int write_gpkg_styles(nytte_ctx *ctx, const nytte_report_data *d, const char *dir,
                             const double breaks[REPORT_NCLASSES])
{
    int rc = NYTTE_OK;
    sbuf sp = {0}, sbd = {0}, sm = {0};
    qml(&sp, BODY_PARCELS, breaks);
    qml(&sbd, BODY_BUILDINGS, breaks);
    qml(&sm, BODY_MEASURES, breaks);
    if (sp.failed || sbd.failed || sm.failed) {
        rc = nytte_nomem(ctx, "%s/parcels.gpkg: layer styles", dir);
        goto cleanup;
    }
    nytte_layer_style st[3] = {
        {"parcels", "geom", "nytte: amount", sp.s, "parcels coloured by amount_kr (quantile classes of payers)"},
        {"buildings", "geom", "nytte: depth", sbd.s, "buildings coloured by water depth at the design event"},
        {"measures", "geom", "nytte: measures", sm.s, "barrier lines"},
    };
    size_t nst = d->inputs->nbuildings ? 3 : 2;
    if (nst == 2)
        st[1] = st[2];
    char path[4400];
    snprintf(path, sizeof path, "%s/parcels.gpkg", dir);
    rc = nytte_gpkg_write_styles(ctx, path, st, nst);
cleanup:
    free(sp.s);
    free(sbd.s);
    free(sm.s);
    return rc;
}

int report_write_styles(nytte_ctx *ctx, const nytte_report_data *d, const char *dir, const double breaks[REPORT_NCLASSES])
{
    int rc;
    if ((rc = write_raster_styles(ctx, d, dir, breaks)) || (rc = write_gpkg_styles(ctx, d, dir, breaks)))
        return rc;
    return write_qgs(ctx, d, dir, breaks);
}
