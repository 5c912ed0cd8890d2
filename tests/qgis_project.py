"""qgis_project.py — open a project.qgs nytte wrote in a real QGIS (the Python bindings,
offscreen) and check what a user would see: every layer valid and in the layer tree, the
intended ones switched on, the project CRS, symbols of the layers' geometry type, legends
that name the classes, and renders of the map (whole, and layer by layer) that are not
blank. Run by tests/qgis.sh with the system's /usr/bin/python3 (python3-qgis).

usage: python3 qgis_project.py PROJECT.qgs PNG --crs EPSG:25832 --layers N --rasters R
           [--shown RASTER] [--geometry LAYER=Point|Line|Polygon ...]
Prints one "ok" or "FAIL" line per check; exit status 1 when one failed.
"""
import argparse
import os
import re
import sys
import tempfile

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from qgis.core import (  # noqa: E402
    Qgis,
    QgsApplication,
    QgsLayerTreeModel,
    QgsMapRendererSequentialJob,
    QgsMapSettings,
    QgsProject,
    QgsProjectVersion,
    QgsRasterLayer,
    QgsRenderContext,
    QgsVectorLayer,
    QgsWkbTypes,
)
from qgis.PyQt.QtCore import QSize, Qt  # noqa: E402
from qgis.PyQt.QtGui import QColor, QImage  # noqa: E402
from qgis.PyQt.QtXml import QDomDocument  # noqa: E402

fails = 0


def check(what, good, detail=""):
    global fails
    print(("ok   " if good else "FAIL ") + what + ("" if good or not detail else ": " + str(detail)))
    if not good:
        fails += 1
    return good


def render(project, layers, extent, size, path=None):
    """The layers drawn over white as QGIS's canvas draws them; the image and the job's errors."""
    ms = QgsMapSettings()
    ms.setLayers(layers)
    ms.setDestinationCrs(project.crs())
    ms.setTransformContext(project.transformContext())
    ms.setOutputSize(QSize(*size))
    ms.setExtent(extent)
    ms.setBackgroundColor(QColor(255, 255, 255))
    ms.setFlag(QgsMapSettings.Antialiasing, True)
    job = QgsMapRendererSequentialJob(ms)
    job.start()
    job.waitForFinished()
    img = job.renderedImage().convertToFormat(QImage.Format_ARGB32)
    if path:
        img.save(path, "PNG")
    return img, [e.message for e in job.errors()]


def pixels(img):
    """Every pixel as a 0xAARRGGBB integer."""
    ptr = img.constBits()
    ptr.setsize(img.sizeInBytes())
    return memoryview(bytes(ptr)).cast("I")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("project")
    ap.add_argument("png")
    ap.add_argument("--crs", required=True)
    ap.add_argument("--layers", type=int, required=True, help="layers in all: vector layers and rasters")
    ap.add_argument("--rasters", type=int, required=True)
    ap.add_argument("--shown", default="", help="the one raster switched on")
    ap.add_argument("--geometry", action="append", default=[], help="LAYER=Point|Line|Polygon (layer id without _layer)")
    a = ap.parse_args()

    profile = tempfile.mkdtemp(prefix="nytte-qgis-profile-")
    app = QgsApplication([], False, profile)
    app.initQgis()
    print("note QGIS " + Qgis.QGIS_VERSION)
    messages = []
    QgsApplication.messageLog().messageReceived.connect(
        lambda msg, tag, level: messages.append((int(level), tag, msg)))

    p = QgsProject.instance()
    check("QGIS reads " + os.path.basename(a.project), p.read(a.project), p.error())
    app.processEvents()
    # the version the project claims: 3.22, the oldest it is written for (a claim newer than
    # the QGIS that opens it makes QGIS warn: tests/qgis.sh looks for that on stderr too)
    saved, running = p.lastSaveVersion(), QgsProjectVersion(Qgis.QGIS_VERSION)
    check(f"the project claims QGIS 3.22 ({saved.text()}), no newer than this QGIS",
          (saved.majorVersion(), saved.minorVersion()) == (3, 22) and not running < saved, saved.text())
    warn = [f"{t}: {m}" for lv, t, m in messages if lv >= int(Qgis.Warning) and "newer version" not in m]
    check("no warnings while reading", not warn, "; ".join(warn[:5]))

    crs = p.crs()
    check(f"project CRS valid and {a.crs}", crs.isValid() and crs.authid() == a.crs,
          f"valid {crs.isValid()}, '{crs.authid()}'")

    layers = p.mapLayers()
    check(f"{a.layers} layers loaded", len(layers) == a.layers, len(layers))
    bad = [lyr.name() for lyr in layers.values() if not lyr.isValid()]
    check("every layer valid (its file found and read)", not bad, bad)
    rasters = [lyr for lyr in layers.values() if isinstance(lyr, QgsRasterLayer)]
    check(f"{a.rasters} depth rasters loaded", len(rasters) == a.rasters, len(rasters))

    root = p.layerTreeRoot()
    nodes = root.findLayers()
    check(f"{a.layers} layers in the layer tree", len(nodes) == a.layers, len(nodes))
    dangling = [n.layerId() for n in nodes if n.layer() is None]
    check("every layer-tree entry leads to its layer", not dangling, dangling)
    check("every layer has its entry in the tree", {n.layerId() for n in nodes} == set(layers),
          set(layers) ^ {n.layerId() for n in nodes})

    # switched on: every vector layer, and of the rasters the design event without measures
    on = [n for n in nodes if n.isVisible()]
    vec_on = sorted(n.layerId() for n in on if isinstance(n.layer(), QgsVectorLayer))
    vec_all = sorted(i for i, lyr in layers.items() if isinstance(lyr, QgsVectorLayer))
    check("every vector layer switched on", vec_on == vec_all, f"{vec_on} of {vec_all}")
    ras_on = [n.name() for n in on if isinstance(n.layer(), QgsRasterLayer)]
    if a.rasters:
        check(f"one depth raster switched on: {a.shown} (the design event without the measures)",
              ras_on == [a.shown], ras_on)

    # each vector layer's geometry and the type of every symbol it draws with
    keep = []
    gnames = {QgsWkbTypes.PointGeometry: "Point", QgsWkbTypes.LineGeometry: "Line",
              QgsWkbTypes.PolygonGeometry: "Polygon"}
    stype = {"Point": 0, "Line": 1, "Polygon": 2}  # QgsSymbol.Marker, Line, Fill
    expect = dict(g.split("=", 1) for g in a.geometry)
    for lid, lyr in sorted(layers.items()):
        if not isinstance(lyr, QgsVectorLayer):
            continue
        g = gnames.get(lyr.geometryType(), "other")
        short = lid.replace("_layer", "")
        if short in expect:
            check(f"{short}: {expect[short]} geometry", g == expect[short], g)
        syms = lyr.renderer().symbols(QgsRenderContext())
        wrong = [s.type() for s in syms if s.type() != stype.get(g)]
        check(f"{short}: {len(syms)} symbols, all for {g}s", syms and not wrong, wrong)
        # the layer added on its own: QGIS applies the default style in parcels.gpkg's layer_styles
        alone = QgsVectorLayer(lyr.source(), "alone", "ogr")
        keep.append(alone)  # destroyed before QGIS exits, not after (that crashes)
        syms = alone.renderer().symbols(QgsRenderContext()) if alone.isValid() else []
        check(f"{short} added alone: the GeoPackage's default style ({alone.renderer().type() if alone.isValid() else '?'})",
              alone.isValid() and alone.renderer().type() == lyr.renderer().type()
              and all(s.type() == stype.get(g) for s in syms), [s.type() for s in syms])

    # the legend the layer panel shows: the classes, named
    model = QgsLayerTreeModel(root)
    legends = {}
    for n in nodes:
        labels = [ln.data(Qt.DisplayRole) for ln in model.layerLegendNodes(n)]
        legends[n.layerId()] = labels
    for lid, labels in sorted(legends.items()):
        if lid.startswith("depth_layer") and lid != "depth_layer_00":
            continue
        print(f"note legend of {lid}: {labels}")
    if "parcels_layer" in legends:
        lp = legends["parcels_layer"]
        check("parcels legend: 'pays nothing' and amount classes in kr",
              len(lp) >= 2 and lp[0].startswith("pays nothing") and all(s.endswith(" kr") for s in lp[1:]), lp)
    if "buildings_layer" in legends:
        check("buildings legend: dry, up to 0.5 m, over 0.5 m",
              legends["buildings_layer"] == ["dry at the design event", "up to 0.5 m of water", "over 0.5 m of water"],
              legends["buildings_layer"])
    if "measures_layer" in legends:
        lm = legends["measures_layer"]
        check("measures legend: a named class per measure", lm and all(lm), lm)
    for r in rasters:
        lr = [s for s in legends.get(r.id(), []) if not s.startswith("Band 1")]  # QGIS's band header
        if not check(f"{r.name()} legend: dry and five depth classes in m",
                     len(lr) == 6 and lr[0] == "dry" and all(s.endswith(" m") for s in lr[1:]), lr):
            break

    # the measures' colours in QGIS = those of report.html's map legend
    html = os.path.join(os.path.dirname(a.project), "report.html")
    ml = layers.get("measures_layer")
    if ml is not None and os.path.exists(html) and \
            check("measures: a class per measure", ml.renderer().type() == "categorizedSymbol", ml.renderer().type()):
        text = open(html, encoding="utf-8").read()
        web = dict((name, col) for col, name in
                   re.findall(r'background:(#[0-9a-f]{6});height:4px;border:0"></i>([^<]*)</span>', text))
        gis = {c.label(): c.symbol().color().name() for c in ml.renderer().categories()}
        check("measures: the colours of report.html's legend", gis == web, f"QGIS {gis}, report {web}")

    # where the map opens: the canvas's extent as QGIS's map canvas reads it
    doc = QDomDocument()
    with open(a.project, "rb") as f:
        doc.setContent(f.read())
    canvas = doc.elementsByTagName("mapcanvas")
    ms = QgsMapSettings()
    if canvas.count():
        ms.readXml(canvas.item(0))
    extent = ms.extent()
    parcels = layers.get("parcels_layer")
    pext = parcels.extent() if parcels else extent
    check("the map opens on the parcels (<mapcanvas> extent holds them)",
          not extent.isEmpty() and extent.contains(pext), f"{extent.toString()} vs {pext.toString()}")
    dv = p.viewSettings().defaultViewExtent()
    check("the project's default view is the same extent", not dv.isNull() and dv == extent, dv.toString())
    if extent.isEmpty():
        extent = pext

    # the whole map as the canvas shows it, and every layer alone
    visible = [lyr for lyr in root.layerOrder() if root.findLayer(lyr.id()).isVisible()]
    w, h = 1000, 800
    img, errs = render(p, visible, extent, (w, h), a.png)
    check("render: no errors", not errs, errs)
    px = pixels(img)
    white = 0xFFFFFFFF
    inked = sum(1 for v in px if v != white)
    colours = len(set(px))
    print(f"note render: {inked} of {w * h} pixels drawn, {colours} colours -> {a.png}")
    check("render is not blank: over a third of the map drawn", inked > w * h // 3, inked)
    check("render has the classes' colours: 20 or more distinct colours", colours >= 20, colours)
    for lyr in visible:
        img, errs = render(p, [lyr], extent, (500, 400))
        px = pixels(img)
        inked = sum(1 for v in px if v != white)
        present = set(px)
        ok = not errs and inked >= 40
        if isinstance(lyr, QgsVectorLayer):
            # the symbols' own colours, exact inside a shape (its edges are smoothed)
            cols = {s.color().rgba() & 0xFFFFFFFF for s in lyr.renderer().symbols(QgsRenderContext())}
            if lyr.opacity() >= 1:
                ok = ok and bool(cols & present)
        check(f"{lyr.name()} alone draws ({inked} pixels)", ok, errs or f"{inked} pixels")

    del model, alone, keep[:]
    p.clear()
    app.exitQgis()
    return 1 if fails else 0


if __name__ == "__main__":
    sys.exit(main())
