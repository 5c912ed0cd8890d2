/*
 * styles.c — how QGIS shows the outputs: a .qml beside every depth raster (QGIS loads
 * a style with the raster's basename by itself), default styles in parcels.gpkg's
 * layer_styles table, and project.qgs, which opens everything styled, in order
 * (measures, buildings, parcels over the depth rasters), with paths relative to itself.
 * Everything is written for QGIS 3.22 (Debian 12's), in the elements QGIS 3.22 itself
 * writes; newer QGIS reads them as they are. tests/qgis.sh opens the project in QGIS.
 */
#define _XOPEN_SOURCE 700 /* realpath */

#include "report/report_int.h"

#include "nytte/io.h"

#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* The version the files claim: the oldest QGIS they are written for. A QGIS older than
 * the claim warns on opening; one newer upgrades the project silently. */
#define QGIS_VERSION "3.22.0-Białowieża"

/* What the styles depend on besides their kind. */
typedef struct style_in {
    const double *breaks;                /* the REPORT_NCLASSES amount classes */
    nytte_geom_kind buildings, measures; /* the geometry of those layers, as written */
    const nytte_project *project;        /* the measures' ids and names */
} style_in;

static void rgb(sbuf *b, const char *hex, int alpha)
{
    unsigned v = (unsigned)strtoul(hex + 1, NULL, 16);
    sb_printf(b, "%u,%u,%u,%d", (v >> 16) & 255, (v >> 8) & 255, v & 255, alpha);
}

/* One property of a symbol layer, as QGIS 3.22 writes them (<Option> in a map). */
static void opt(sbuf *b, const char *name, const char *value)
{
    sb_printf(b, "<Option name=\"%s\" type=\"QString\" value=\"%s\"/>", name, value);
}

static void opt_num(sbuf *b, const char *name, double v)
{
    sb_printf(b, "<Option name=\"%s\" type=\"QString\" value=\"%g\"/>", name, v);
}

static void opt_color(sbuf *b, const char *name, const char *hex, int alpha)
{
    sb_printf(b, "<Option name=\"%s\" type=\"QString\" value=\"", name);
    rgb(b, hex, alpha);
    sb_add(b, "\"/>");
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

/* How a symbol looks; which of it applies depends on the layer's geometry. */
typedef struct look {
    const char *fill;    /* polygons' fill and points' colour; NULL: polygons outlined only */
    const char *outline; /* the outline of polygons and points, the colour of lines */
    double width;        /* outline or line width, mm */
    double size;         /* a point's diameter, mm */
} look;

/* A symbol of one simple layer of the type a layer of `kind` draws with: a symbol of
 * another type draws nothing there (point buildings under a fill symbol stay invisible). */
static void symbol(sbuf *b, int name, nytte_geom_kind kind, look l)
{
    const char *type = kind == NYTTE_GEOM_POINT ? "marker" : kind == NYTTE_GEOM_LINE ? "line" : "fill";
    sb_printf(b, "<symbol type=\"%s\" name=\"%d\" alpha=\"1\" clip_to_extent=\"1\" force_rhr=\"0\">\n", type, name);
    if (kind == NYTTE_GEOM_POINT) {
        sb_add(b, "<layer class=\"SimpleMarker\" enabled=\"1\" locked=\"0\" pass=\"0\"><Option type=\"Map\">");
        opt(b, "name", "circle");
        opt_color(b, "color", l.fill, 255);
        opt_color(b, "outline_color", l.outline, 255);
        opt(b, "outline_style", "solid");
        opt_num(b, "outline_width", l.width);
        opt(b, "outline_width_unit", "MM");
        opt(b, "scale_method", "diameter");
        opt_num(b, "size", l.size);
        opt(b, "size_unit", "MM");
    } else if (kind == NYTTE_GEOM_LINE) {
        sb_add(b, "<layer class=\"SimpleLine\" enabled=\"1\" locked=\"0\" pass=\"0\"><Option type=\"Map\">");
        opt(b, "capstyle", "round");
        opt(b, "joinstyle", "round");
        opt_color(b, "line_color", l.outline, 255);
        opt(b, "line_style", "solid");
        opt_num(b, "line_width", l.width);
        opt(b, "line_width_unit", "MM");
    } else {
        sb_add(b, "<layer class=\"SimpleFill\" enabled=\"1\" locked=\"0\" pass=\"0\"><Option type=\"Map\">");
        opt_color(b, "color", l.fill ? l.fill : l.outline, 255);
        opt(b, "joinstyle", "round");
        opt_color(b, "outline_color", l.outline, 255);
        opt(b, "outline_style", "solid");
        opt_num(b, "outline_width", l.width);
        opt(b, "outline_width_unit", "MM");
        opt(b, "style", l.fill ? "solid" : "no");
    }
    sb_add(b, "</Option></layer>\n</symbol>\n");
}

static const char renderer_end[] = "<blendMode>0</blendMode>\n<featureBlendMode>0</featureBlendMode>\n";

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
        symbol(b, k, NYTTE_GEOM_POLYGON, (look){report_class_colors[k], "#7f7f7f", 0.1, 0});
    sb_add(b, "</symbols>\n<classificationMethod id=\"Quantile\"/>\n</renderer-v2>\n");
    sb_add(b, renderer_end);
    sb_add(b, "<layerOpacity>0.85</layerOpacity>\n");
}

/* Buildings, footprints or points: dark grey when dry at the design event, blue when water stands on them. */
static void buildings_renderer(sbuf *b, nytte_geom_kind kind)
{
    sb_add(b, "<renderer-v2 type=\"graduatedSymbol\" attr=\"depth_design_m\" graduatedMethod=\"GraduatedColor\" "
              "symbollevels=\"0\" enableorderby=\"0\" forceraster=\"0\">\n<ranges>\n"
              "<range lower=\"0\" upper=\"0\" symbol=\"0\" label=\"dry at the design event\" render=\"true\"/>\n"
              "<range lower=\"0\" upper=\"0.5\" symbol=\"1\" label=\"up to 0.5 m of water\" render=\"true\"/>\n"
              "<range lower=\"0.5\" upper=\"100\" symbol=\"2\" label=\"over 0.5 m of water\" render=\"true\"/>\n"
              "</ranges>\n<symbols>\n");
    /* a point is a building's whole extent on the map: larger, with a light rim to stand out */
    bool pt = kind == NYTTE_GEOM_POINT;
    symbol(b, 0, kind, (look){"#606060", pt ? "#ffffff" : "#303030", pt ? 0.3 : 0.1, 2.4});
    symbol(b, 1, kind, (look){"#6baed6", pt ? "#ffffff" : "#08306b", pt ? 0.3 : 0.1, 2.4});
    symbol(b, 2, kind, (look){"#08519c", pt ? "#ffffff" : "#08306b", pt ? 0.3 : 0.1, 2.4});
    sb_add(b, "</symbols>\n</renderer-v2>\n");
    sb_add(b, renderer_end);
    sb_add(b, "<layerOpacity>1</layerOpacity>\n");
}

/* Measures: one class per element, named, in its colour on report.html's map; lines drawn
 * thick, polygons outlined (as the report draws them), points as large dots. */
static void measures_renderer(sbuf *b, nytte_geom_kind kind, const nytte_project *p)
{
    sb_add(b, "<renderer-v2 type=\"categorizedSymbol\" attr=\"measure_id\" symbollevels=\"0\" enableorderby=\"0\" "
              "forceraster=\"0\">\n<categories>\n");
    for (size_t m = 0; m < p->nmeasures; m++) {
        sb_printf(b, "<category render=\"true\" symbol=\"%zu\" value=\"", m);
        sb_xml(b, p->measures[m].id);
        sb_add(b, "\" label=\"");
        sb_xml(b, p->measures[m].name ? p->measures[m].name : p->measures[m].id);
        sb_add(b, "\"/>\n");
    }
    sb_add(b, "</categories>\n<symbols>\n");
    for (size_t m = 0; m < p->nmeasures; m++) {
        const char *c = report_measure_colors[m % REPORT_NMEASURE_COLORS];
        symbol(b, (int)m, kind,
               kind == NYTTE_GEOM_POINT ? (look){c, "#ffffff", 0.3, 3.6} : (look){NULL, c, 1.2, 0});
    }
    sb_add(b, "</symbols>\n</renderer-v2>\n");
    sb_add(b, renderer_end);
    sb_add(b, "<layerOpacity>1</layerOpacity>\n");
}

typedef enum { BODY_RASTER, BODY_PARCELS, BODY_BUILDINGS, BODY_MEASURES } body_kind;

static void body(sbuf *b, body_kind k, const style_in *in)
{
    switch (k) {
    case BODY_RASTER: raster_pipe(b); break;
    case BODY_PARCELS: parcels_renderer(b, in->breaks); break;
    case BODY_BUILDINGS: buildings_renderer(b, in->buildings); break;
    case BODY_MEASURES: measures_renderer(b, in->measures, in->project); break;
    }
}

static void qml(sbuf *b, body_kind k, const style_in *in)
{
    sb_add(b, "<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>\n"
              "<qgis version=\"" QGIS_VERSION "\" styleCategories=\"AllStyleCategories\">\n");
    body(b, k, in);
    sb_add(b, "</qgis>\n");
}

static const char *base_name(const char *path)
{
    const char *s = strrchr(path, '/');
    return s ? s + 1 : path;
}

/* Whether a raster was written into the output folder dir (not a given one read in place). */
static bool in_folder(const char *dir, const char *path)
{
    size_t n = strlen(dir);
    return !strncmp(path, dir, n) && path[n] == '/' && !strchr(path + n + 1, '/');
}

/*
 * How project.qgs in dir names a raster (malloc'd; NULL when memory ran out): "./name" for
 * one in the folder; a given raster read in place (flood_raster) by the path from the
 * folder to it, which holds for the final folder too (the run writes into a temporary
 * folder beside it); its path as given when either cannot be resolved.
 */
static char *raster_source(const char *dir, const char *path)
{
    sbuf b = {0};
    char from[PATH_MAX], to[PATH_MAX];
    if (in_folder(dir, path)) {
        sb_add(&b, "./");
        sb_add(&b, base_name(path));
    } else if (!realpath(dir, from) || !realpath(path, to)) {
        sb_add(&b, path);
    } else {
        /* c: the '/' that ends the folders both share; then a ".." per folder of `from` below it */
        size_t c = 0, i = 0;
        for (; from[i] && from[i] == to[i]; i++)
            if (from[i] == '/')
                c = i;
        if (!from[i] && to[i] == '/')
            c = i;
        for (const char *q = from + c; *q; q++)
            if (*q == '/' && q[1])
                sb_add(&b, "../");
        sb_add(&b, to + c + 1);
    }
    if (b.failed) {
        free(b.s);
        return NULL;
    }
    return b.s;
}

/* The geometry of a layer as OGR wrote it: the kind of its first geometry (the layer's
 * type is chosen so in report_table_layer); NONE for a layer with none. */
static nytte_geom_kind buildings_kind(const nytte_inputs *in)
{
    for (size_t i = 0; i < in->nbuildings; i++)
        if (in->buildings[i].geom.kind != NYTTE_GEOM_NONE)
            return in->buildings[i].geom.kind;
    return NYTTE_GEOM_NONE;
}

static nytte_geom_kind measures_kind(const nytte_vlayer *ls, size_t n)
{
    for (size_t m = 0; m < n; m++)
        for (size_t f = 0; f < ls[m].nfeatures; f++)
            if (ls[m].features[f].geom.kind != NYTTE_GEOM_NONE)
                return ls[m].features[f].geom.kind;
    return NYTTE_GEOM_NONE;
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
    const char *source;
    char *owned;          /* source, when it was made for this layer */
    const char *provider;
    body_kind kind;
    int checked;          /* switched on */
    int expanded;         /* its legend unfolded in the layer panel */
    const char *geometry; /* vector: "Point", "Line" or "Polygon"; NULL: raster */
} qlayer;

static const char *geometry_name(nytte_geom_kind k)
{
    return k == NYTTE_GEOM_POINT ? "Point" : k == NYTTE_GEOM_LINE ? "Line" : "Polygon";
}

static void tree_layer(sbuf *b, const qlayer *l)
{
    sb_xmlf(b, "<layer-tree-layer id=\"%s\" name=\"%s\" source=\"%s\" providerKey=\"%s\" checked=\"%s\" expanded=\"%s\" "
               "legend_exp=\"\"><customproperties/></layer-tree-layer>\n",
            l->id, l->name, l->source, l->provider, l->checked ? "Qt::Checked" : "Qt::Unchecked", l->expanded ? "1" : "0");
}

static void map_layer(sbuf *b, const nytte_report_data *d, const qlayer *l, const style_in *in)
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
    body(b, l->kind, in);
    sb_add(b, "</maplayer>\n");
}

/* Where the map opens: the parcels with a margin, as the canvas's extent (read by every
 * QGIS 3) and as the project's default view. */
static void view(sbuf *b, const nytte_report_data *d)
{
    double x0 = INFINITY, y0 = INFINITY, x1 = -INFINITY, y1 = -INFINITY;
    for (size_t i = 0; i < d->inputs->nparcels; i++) {
        const nytte_geom *g = &d->inputs->parcels[i].geom;
        if (g->nparts)
            x0 = fmin(x0, g->xmin), y0 = fmin(y0, g->ymin), x1 = fmax(x1, g->xmax), y1 = fmax(y1, g->ymax);
    }
    if (!(x1 >= x0 && y1 >= y0))
        return;
    double m = 0.03 * fmax(fmax(x1 - x0, y1 - y0), 1.0);
    x0 -= m, y0 -= m, x1 += m, y1 += m;
    sb_printf(b, "<mapcanvas name=\"theMapCanvas\" annotationsVisible=\"1\">\n<extent><xmin>%.3f</xmin><ymin>%.3f</ymin>"
                 "<xmax>%.3f</xmax><ymax>%.3f</ymax></extent>\n<rotation>0</rotation>\n<destinationsrs>",
              x0, y0, x1, y1);
    srs(b, d);
    sb_printf(b, "</destinationsrs>\n<rendermaptile>0</rendermaptile>\n</mapcanvas>\n"
                 "<ProjectViewSettings UseProjectScales=\"0\" rotation=\"0\">\n<Scales/>\n"
                 "<DefaultViewExtent xmin=\"%.3f\" ymin=\"%.3f\" xmax=\"%.3f\" ymax=\"%.3f\">",
              x0, y0, x1, y1);
    srs(b, d);
    sb_add(b, "</DefaultViewExtent>\n</ProjectViewSettings>\n");
}

/* The layers of project.qgs, top to bottom (what is drawn last comes first): those of
 * parcels.gpkg that were written, then every depth raster. Returns the count; a raster's
 * source NULL when memory ran out. */
static size_t project_layers(qlayer *ls, const nytte_report_data *d, const char *dir, const style_in *in)
{
    size_t n = 0;
    if (in->measures != NYTTE_GEOM_NONE)
        ls[n++] = (qlayer){.id = "measures_layer", .name = "Measures", .source = "./parcels.gpkg|layername=measures",
                           .provider = "ogr", .kind = BODY_MEASURES, .checked = 1, .expanded = 1,
                           .geometry = geometry_name(in->measures)};
    if (in->buildings != NYTTE_GEOM_NONE)
        ls[n++] = (qlayer){.id = "buildings_layer", .name = "Buildings (depth at the design event)",
                           .source = "./parcels.gpkg|layername=buildings", .provider = "ogr", .kind = BODY_BUILDINGS,
                           .checked = 1, .expanded = 1, .geometry = geometry_name(in->buildings)};
    ls[n++] = (qlayer){.id = "parcels_layer", .name = "Parcels (amount, kr)", .source = "./parcels.gpkg|layername=parcels",
                       .provider = "ogr", .kind = BODY_PARCELS, .checked = 1, .expanded = 1, .geometry = "Polygon"};
    size_t first = n, shown = (size_t)-1;
    for (size_t r = 0; r < d->nrasters; r++) {
        qlayer *l = &ls[n++];
        const char *bn = base_name(d->rasters[r]);
        /* QGIS 3.22 takes an id of 10 characters or fewer for a date stamp of its own making
         * and replaces it: the layer tree's references to it then lead nowhere */
        snprintf(l->id, sizeof l->id, "depth_layer_%02zu", r);
        snprintf(l->name, sizeof l->name, "%.*s", (int)(strlen(bn) > 4 ? strlen(bn) - 4 : strlen(bn)), bn);
        l->source = l->owned = raster_source(dir, d->rasters[r]);
        l->provider = "gdal";
        l->kind = BODY_RASTER;
        l->geometry = NULL;
        /* the design event without the measures is shown; the others are a click away */
        if (shown == (size_t)-1 && strstr(bn, "_without_") && strstr(bn, "_design"))
            shown = r;
    }
    /* given rasters keep their own names: the design event's is the first scenario's (without) */
    const nytte_project *p = d->project;
    const nytte_hazard_cfg *h = p->nhazards ? &p->hazards[p->primary_hazard] : NULL;
    for (size_t k = 0; shown == (size_t)-1 && h && k < h->nevents && k < d->nrasters; k++)
        if (h->return_periods[k] == p->design_event)
            shown = k;
    if (shown == (size_t)-1 && d->nrasters)
        shown = 0;
    if (shown != (size_t)-1)
        ls[first + shown].checked = ls[first + shown].expanded = 1;
    return n;
}

static int write_qgs(nytte_ctx *ctx, const nytte_report_data *d, const char *dir, const style_in *in)
{
    qlayer *ls = calloc(3 + d->nrasters, sizeof *ls);
    if (!ls)
        return nytte_nomem(ctx, "%s/project.qgs", dir);
    size_t nl = project_layers(ls, d, dir, in), nvec = nl - d->nrasters;
    int rc = NYTTE_OK;
    sbuf b = {0};
    for (size_t i = 0; i < nl; i++)
        if (!ls[i].source) {
            rc = nytte_nomem(ctx, "%s/project.qgs", dir);
            goto cleanup;
        }

    sb_xmlf(&b, "<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>\n<qgis projectname=\"%s\" version=\"" QGIS_VERSION
                "\">\n<homePath path=\"\"/>\n<title>%s</title>\n<projectCrs>",
            d->project->name, d->project->name);
    srs(&b, d);
    sb_add(&b, "</projectCrs>\n<layer-tree-group>\n<customproperties/>\n");
    for (size_t i = 0; i < nvec; i++)
        tree_layer(&b, &ls[i]);
    if (d->nrasters) {
        sb_add(&b, "<layer-tree-group name=\"Depth rasters\" checked=\"Qt::Checked\" expanded=\"1\"><customproperties/>\n");
        for (size_t i = nvec; i < nl; i++)
            tree_layer(&b, &ls[i]);
        sb_add(&b, "</layer-tree-group>\n");
    }
    sb_add(&b, "<custom-order enabled=\"0\">\n");
    for (size_t i = 0; i < nl; i++)
        sb_xmlf(&b, "<item>%s</item>\n", ls[i].id);
    sb_add(&b, "</custom-order>\n</layer-tree-group>\n<projectlayers>\n");
    for (size_t i = 0; i < nl; i++)
        map_layer(&b, d, &ls[i], in);
    sb_add(&b, "</projectlayers>\n<layerorder>\n");
    for (size_t i = 0; i < nl; i++)
        sb_xmlf(&b, "<layer id=\"%s\"/>\n", ls[i].id);
    sb_add(&b, "</layerorder>\n");
    view(&b, d);
    /* without ProjectionsEnabled QGIS 3.22 ignores <projectCrs> and leaves the project without a CRS */
    sb_add(&b, "<properties>\n<Paths><Absolute type=\"bool\">false</Absolute></Paths>\n"
               "<SpatialRefSys><ProjectionsEnabled type=\"int\">1</ProjectionsEnabled></SpatialRefSys>\n"
               "</properties>\n</qgis>\n");
    rc = sb_write_file(ctx, &b, dir, "project.qgs");
cleanup:
    free(b.s);
    for (size_t i = 0; i < nl; i++)
        free(ls[i].owned);
    free(ls);
    return rc;
}

/* A .qml beside each raster written, with the raster's basename, so that QGIS loads it by
 * itself; none for a given raster read in place (beside it is not ours to write, and a
 * style in the output folder would style nothing). */
static int write_raster_styles(nytte_ctx *ctx, const nytte_report_data *d, const char *dir, const style_in *in)
{
    int rc = NYTTE_OK;
    sbuf rq = {0};
    qml(&rq, BODY_RASTER, in);
    for (size_t r = 0; r < d->nrasters && !rc; r++) {
        if (!in_folder(dir, d->rasters[r]))
            continue;
        const char *bn = base_name(d->rasters[r]);
        char name[512];
        size_t n = strlen(bn);
        snprintf(name, sizeof name, "%.*s.qml", (int)(n > 4 && !strcmp(bn + n - 4, ".tif") ? n - 4 : n), bn);
        rc = sb_write_file(ctx, &rq, dir, name);
    }
    free(rq.s);
    return rc;
}

/* The default styles inside parcels.gpkg (its layer_styles table), one for each layer written. */
static int write_gpkg_styles(nytte_ctx *ctx, const char *dir, const style_in *in)
{
    int rc = NYTTE_OK;
    sbuf sp = {0}, sbd = {0}, sm = {0};
    qml(&sp, BODY_PARCELS, in);
    qml(&sbd, BODY_BUILDINGS, in);
    qml(&sm, BODY_MEASURES, in);
    if (sp.failed || sbd.failed || sm.failed) {
        rc = nytte_nomem(ctx, "%s/parcels.gpkg: layer styles", dir);
        goto cleanup;
    }
    nytte_layer_style st[3] = {{"parcels", "geom", "nytte: amount", sp.s,
                                "parcels coloured by amount_kr (quantile classes of payers)"}};
    size_t nst = 1;
    if (in->buildings != NYTTE_GEOM_NONE)
        st[nst++] = (nytte_layer_style){"buildings", "geom", "nytte: depth", sbd.s,
                                        "buildings coloured by water depth at the design event"};
    if (in->measures != NYTTE_GEOM_NONE)
        st[nst++] = (nytte_layer_style){"measures", "geom", "nytte: measures", sm.s,
                                        "the measures, one colour each, named"};
    char path[4400];
    snprintf(path, sizeof path, "%s/parcels.gpkg", dir);
    rc = nytte_gpkg_write_styles(ctx, path, st, nst);
cleanup:
    free(sp.s);
    free(sbd.s);
    free(sm.s);
    return rc;
}

int report_write_styles(nytte_ctx *ctx, const nytte_report_data *d, const char *dir, const double breaks[REPORT_NCLASSES],
                        const nytte_vlayer *measures)
{
    const style_in in = {breaks, buildings_kind(d->inputs), measures_kind(measures, d->project->nmeasures), d->project};
    int rc;
    if ((rc = write_raster_styles(ctx, d, dir, &in)) || (rc = write_gpkg_styles(ctx, dir, &in)))
        return rc;
    return write_qgs(ctx, d, dir, &in);
}
