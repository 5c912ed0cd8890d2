/*
 * mosaic.c — a terrain of many tiles (the 1 km GeoTIFFs of DHM/Terræn) read as one raster.
 * The tiles are checked once, from their headers, when the project is loaded
 * (nytte_mosaic_check: one CRS, one cell size, one grid, one nodata value, no two
 * overlapping); a run takes the tiles within reach of its study area (nytte_mosaic_select)
 * and reads them through a VRT that GDALBuildVRT writes into GDAL's memory files
 * (nytte_mosaic_build): no cell is copied, and no other tile is opened. How much of a
 * parcel no tile covers (a gap between the tiles, or beyond them) is measured exactly by
 * clipping its rings to the tiles (nytte_mosaic_uncovered), for the run's warning.
 */
#include "io/io_int.h"

#include <math.h>
#include <omp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cpl_conv.h>
#include <cpl_string.h>
#include <cpl_vsi.h>
#include <gdal.h>
#include <gdal_utils.h>

/* ---- the check ---------------------------------------------------------------------- */

/* What a tile's header says that the mosaic needs to be the same for every tile. */
typedef struct tile_head {
    char *wkt; /* NULL: no CRS */
    bool has_nodata;
    double nodata;
    const char *type; /* band 1's data type: GDALBuildVRT skips a tile of another */
} tile_head;

static bool same_nodata(const tile_head *a, const tile_head *b)
{
    if (a->has_nodata != b->has_nodata)
        return false;
    return !a->has_nodata || (isnan(a->nodata) && isnan(b->nodata)) || a->nodata == b->nodata;
}

static const char *nodata_text(char *buf, size_t n, const tile_head *h)
{
    if (!h->has_nodata)
        snprintf(buf, n, "none");
    else
        snprintf(buf, n, "%.9g", h->nodata);
    return buf;
}

/* Tile i against the first (grids[0], first): NYTTE_OK or the message naming what differs. */
static int check_tile(nytte_ctx *ctx, const char *const *paths, const nytte_grid *grids, size_t i,
                      const tile_head *first, const tile_head *h)
{
    const nytte_grid *g0 = &grids[0], *g = &grids[i];
    const char *p = paths[i], *p0 = paths[0];
    char a[256], b[256];
    if (!h->wkt && first->wkt)
        return nytte_error(ctx, NYTTE_EINPUT, "%s: has no CRS, the first tile is in %s (%s)", p,
                           nytte_crs_name(a, sizeof a, first->wkt), p0);
    if (h->wkt && !first->wkt)
        return nytte_error(ctx, NYTTE_EINPUT, "%s: CRS %s, the first tile has none (%s)", p,
                           nytte_crs_name(a, sizeof a, h->wkt), p0);
    if (h->wkt && strcmp(h->wkt, first->wkt) != 0) {
        bool same = false;
        int rc = nytte_crs_same(ctx, &same, h->wkt, first->wkt);
        if (rc)
            return rc;
        if (!same)
            return nytte_error(ctx, NYTTE_EINPUT, "%s: CRS %s, the first tile's is %s (%s)", p,
                               nytte_crs_name(a, sizeof a, h->wkt), nytte_crs_name(b, sizeof b, first->wkt), p0);
    }
    if (fabs(g->dx - g0->dx) > 1e-9 * g0->dx || fabs(g->dy - g0->dy) > 1e-9 * g0->dy)
        return nytte_error(ctx, NYTTE_EINPUT, "%s: cells of %.10g x %.10g m, the first tile's are %.10g x %.10g m (%s)",
                           p, g->dx, g->dy, g0->dx, g0->dy, p0);
    double fx = (g->x0 - g0->x0) / g0->dx, fy = (g0->y0 - g->y0) / g0->dy;
    if (fabs(fx - round(fx)) > 1e-6 || fabs(fy - round(fy)) > 1e-6)
        return nytte_error(ctx, NYTTE_EINPUT,
                           "%s: not on the first tile's grid: its corner (x %.10g, y %.10g) lies %.6g m east and "
                           "%.6g m south of a corner of the first tile's %.10g m cells (%s)",
                           p, g->x0, g->y0, (fx - floor(fx)) * g0->dx, (fy - floor(fy)) * g0->dy, g0->dx, p0);
    if (strcmp(h->type, first->type) != 0)
        return nytte_error(ctx, NYTTE_EINPUT, "%s: cells of type %s, the first tile's are %s (%s)", p, h->type,
                           first->type, p0);
    if (!same_nodata(first, h))
        return nytte_error(ctx, NYTTE_EINPUT, "%s: nodata %s, the first tile's is %s (%s)", p,
                           nodata_text(a, sizeof a, h), nodata_text(b, sizeof b, first), p0);
    return NYTTE_OK;
}

/* A tile as cells of the first tile's grid: columns [c0, c1), rows [r0, r1), and its index. */
typedef struct tile_cells {
    int64_t c0, c1, r0, r1;
    size_t i;
} tile_cells;

static int by_column(const void *a, const void *b)
{
    const tile_cells *x = a, *y = b;
    if (x->c0 != y->c0)
        return x->c0 < y->c0 ? -1 : 1;
    return x->i < y->i ? -1 : x->i > y->i;
}

/*
 * Two tiles that overlap: of every overlapping pair, the one whose later tile comes first
 * in the list (so the message does not depend on how the tiles are sorted here). Sorted by
 * first column, each tile meets only the tiles that start before it ends.
 */
static int check_overlaps(nytte_ctx *ctx, size_t *bad, const char *const *paths, const nytte_grid *grids, size_t n)
{
    tile_cells *t = malloc(n * sizeof *t);
    if (!t)
        return nytte_nomem(ctx, "the check of %zu tiles", n);
    const nytte_grid *g0 = &grids[0];
    for (size_t i = 0; i < n; i++) {
        int64_t c0 = llround((grids[i].x0 - g0->x0) / g0->dx), r0 = llround((g0->y0 - grids[i].y0) / g0->dy);
        t[i] = (tile_cells){c0, c0 + grids[i].nx, r0, r0 + grids[i].ny, i};
    }
    qsort(t, n, sizeof *t, by_column);
    size_t later = n, earlier = n;
    for (size_t k = 0; k < n; k++)
        for (size_t j = k + 1; j < n && t[j].c0 < t[k].c1; j++) {
            if (!(t[j].r0 < t[k].r1 && t[k].r0 < t[j].r1))
                continue;
            size_t hi = t[j].i > t[k].i ? t[j].i : t[k].i, lo = t[j].i > t[k].i ? t[k].i : t[j].i;
            if (hi < later || (hi == later && lo < earlier)) {
                later = hi;
                earlier = lo;
            }
        }
    free(t);
    if (later == n)
        return NYTTE_OK;
    *bad = later;
    const nytte_grid *a = &grids[later], *b = &grids[earlier];
    double x0 = fmax(a->x0, b->x0), x1 = fmin(a->x0 + a->nx * a->dx, b->x0 + b->nx * b->dx);
    double y1 = fmin(a->y0, b->y0), y0 = fmax(a->y0 - a->ny * a->dy, b->y0 - b->ny * b->dy);
    return nytte_error(ctx, NYTTE_EINPUT,
                       "%s: overlaps %s (x %.10g to %.10g, y %.10g to %.10g); the tiles of a terrain must not overlap",
                       paths[later], paths[earlier], x0, x1, y0, y1);
}

/* Read tile i's header into grids[i] and check it against the first: NYTTE_OK or the message in ctx. */
static int head_and_check(nytte_ctx *ctx, const char *const *paths, nytte_grid *grids, size_t i,
                          const tile_head *first)
{
    tile_head h = {0};
    int rc = io_raster_head(ctx, paths[i], &grids[i], &h.wkt, &h.has_nodata, &h.nodata, &h.type);
    if (!rc)
        rc = check_tile(ctx, paths, grids, i, first, &h);
    free(h.wkt);
    return rc;
}

/*
 * Every header is opened on the context's threads (GeoTIFF's CRS is built through PROJ,
 * about a millisecond a tile: tens of seconds for the country's 43 000 tiles on one
 * thread), each thread with a context of its own; the lowest failing tile is read again
 * on ctx for its message, so the message does not depend on the threads.
 */
int nytte_mosaic_check(nytte_ctx *ctx, nytte_grid *grids, size_t *bad, const char *const *paths, size_t n)
{
    *bad = n;
    if (n == 0)
        return nytte_error(ctx, NYTTE_EUSAGE, "a mosaic of no tiles");
    tile_head first = {0};
    int rc = io_raster_head(ctx, paths[0], &grids[0], &first.wkt, &first.has_nodata, &first.nodata, &first.type);
    if (rc) {
        *bad = 0;
        return rc;
    }
    int nt = nytte_ctx_threads(ctx);
    nt = nt < 1 ? 1 : (size_t)nt > n ? (int)n : nt;
    nytte_ctx **tc = calloc((size_t)nt, sizeof *tc);
    size_t *fail = malloc((size_t)nt * sizeof *fail);
    for (int t = 0; tc && fail && t < nt; t++) {
        fail[t] = SIZE_MAX;
        if (nytte_ctx_new(&tc[t]) != NYTTE_OK)
            break;
    }
    if (!tc || !fail || !tc[nt - 1]) {
        rc = nytte_nomem(ctx, "the check of %zu tiles: %d threads", n, nt);
        goto cleanup;
    }
#pragma omp parallel for num_threads(nt) schedule(dynamic, 16)
    for (size_t i = 1; i < n; i++) {
        int t = omp_get_thread_num();
        /* a thread takes its tiles in rising order: after its first failure, only lower ones matter */
        if (fail[t] == SIZE_MAX && head_and_check(tc[t], paths, grids, i, &first) != NYTTE_OK)
            fail[t] = i;
    }
    size_t lowest = SIZE_MAX;
    for (int t = 0; t < nt; t++)
        lowest = fail[t] < lowest ? fail[t] : lowest;
    if (lowest != SIZE_MAX) {
        *bad = lowest;
        rc = head_and_check(ctx, paths, grids, lowest, &first);
        if (!rc) /* it failed on its thread and not again: the file changed meanwhile */
            rc = nytte_error(ctx, NYTTE_EIO, "%s: changed while it was read", paths[lowest]);
        goto cleanup;
    }
    rc = check_overlaps(ctx, bad, paths, grids, n);
cleanup:
    for (int t = 0; tc && t < nt; t++)
        nytte_ctx_free(tc[t]);
    free(tc);
    free(fail);
    free(first.wkt);
    return rc;
}

/* ---- the tiles a run reads ---------------------------------------------------------------- */

void nytte_mosaic_union(nytte_grid *out, const nytte_grid *grids, const size_t *sel, size_t nsel)
{
#define TILE(k) (&grids[sel ? sel[k] : (k)])
    const nytte_grid *g0 = TILE(0);
    double x0 = g0->x0, y0 = g0->y0, x1 = g0->x0 + g0->nx * g0->dx, y1 = g0->y0 - g0->ny * g0->dy;
    for (size_t k = 1; k < nsel; k++) {
        const nytte_grid *g = TILE(k);
        x0 = fmin(x0, g->x0);
        y0 = fmax(y0, g->y0);
        x1 = fmax(x1, g->x0 + g->nx * g->dx);
        y1 = fmin(y1, g->y0 - g->ny * g->dy);
    }
    *out = (nytte_grid){x0, y0, g0->dx, g0->dy, (int)llround((x1 - x0) / g0->dx), (int)llround((y0 - y1) / g0->dy)};
#undef TILE
}

size_t nytte_mosaic_select(size_t *sel, const nytte_grid *grids, size_t n, double xmin, double ymin, double xmax,
                           double ymax)
{
    size_t m = 0;
    for (size_t i = 0; i < n; i++) {
        const nytte_grid *g = &grids[i];
        if (g->x0 < xmax && g->x0 + g->nx * g->dx > xmin && g->y0 > ymin && g->y0 - g->ny * g->dy < ymax)
            sel[m++] = i;
    }
    return m;
}

int nytte_mosaic_build(nytte_ctx *ctx, const char *vrt_path, const char *name, const char *const *paths,
                       const nytte_grid *grids, const size_t *sel, size_t nsel)
{
    nytte_io_init();
    nytte_io_gdal_msg_clear();
    int rc = NYTTE_OK;
    char **argv = NULL;
    const char **names = malloc(nsel * sizeof *names);
    GDALBuildVRTOptions *opts = NULL;
    if (!names)
        return nytte_nomem(ctx, "%s: the mosaic of %zu tiles", name, nsel);
    /* Holes (the selected tiles do not fill their bounding box: they never overlap) must be
     * nodata: with the tiles' own nodata GDAL fills them with it; without one, with NaN. */
    double cells = 0;
    for (size_t k = 0; k < nsel; k++) {
        names[k] = paths[sel[k]];
        cells += (double)grids[sel[k]].nx * grids[sel[k]].ny;
    }
    nytte_grid all;
    nytte_mosaic_union(&all, grids, sel, nsel);
    bool holes = cells < (double)all.nx * all.ny;
    if (holes) {
        nytte_grid g;
        char *wkt = NULL;
        bool has = false;
        double nd;
        const char *type;
        if ((rc = io_raster_head(ctx, names[0], &g, &wkt, &has, &nd, &type)))
            goto cleanup;
        free(wkt);
        holes = !has;
    }
    /* The tiles' own cell size exactly ("average", GDAL's default, may differ from it in the
     * last bit: then the grid would not be the single raster's), band 1. */
    const char *args[] = {"-resolution", "highest", "-b", "1", "-vrtnodata", "nan"};
    for (size_t k = 0; k < (holes ? 6u : 4u); k++)
        argv = CSLAddString(argv, args[k]);
    if (!(opts = GDALBuildVRTOptionsNew(argv, NULL))) {
        rc = nytte_io_gdal_error(ctx, NYTTE_EGDAL, "%s: GDALBuildVRT refuses its options", name);
        goto cleanup;
    }
    int usage = 0;
    GDALDatasetH ds = GDALBuildVRT(vrt_path, (int)nsel, NULL, names, opts, &usage);
    if (!ds) {
        rc = nytte_io_gdal_error(ctx, NYTTE_EIO, "%s: cannot make the mosaic of %zu tiles", name, nsel);
        goto cleanup;
    }
    GDALClose(ds); /* writes the VRT */
    if (nytte_io_gdal_failed())
        rc = nytte_io_gdal_error(ctx, NYTTE_EIO, "%s: cannot write the mosaic of %zu tiles", name, nsel);
cleanup:
    if (rc)
        VSIUnlink(vrt_path);
    GDALBuildVRTOptionsFree(opts);
    CSLDestroy(argv);
    free(names);
    return rc;
}

void nytte_mosaic_remove(const char *vrt_path)
{
    if (vrt_path)
        VSIUnlink(vrt_path);
}

int nytte_raster_vrt_files(nytte_ctx *ctx, char ***files, size_t *n, const char *path)
{
    *files = NULL;
    *n = 0;
    nytte_io_init();
    nytte_io_gdal_msg_clear();
    GDALDatasetH ds = GDALOpenEx(path, GDAL_OF_RASTER | GDAL_OF_READONLY, NULL, NULL, NULL);
    if (!ds)
        return nytte_io_gdal_error(ctx, NYTTE_EINPUT, "%s: not a raster GDAL can read", path);
    int rc = NYTTE_OK;
    GDALDriverH drv = GDALGetDatasetDriver(ds);
    char **list = drv && !strcmp(GDALGetDriverShortName(drv), "VRT") ? GDALGetFileList(ds) : NULL;
    size_t m = (size_t)CSLCount(list);
    char **out = m ? calloc(m, sizeof *out) : NULL;
    if (m && !out)
        rc = nytte_nomem(ctx, "%s: its files", path);
    for (size_t k = 0; !rc && k < m; k++) {
        if (!strcmp(list[k], path))
            continue; /* the VRT itself */
        if (!(out[*n] = strdup(list[k]))) {
            rc = nytte_nomem(ctx, "%s: its files", path);
            break;
        }
        (*n)++;
    }
    CSLDestroy(list);
    GDALClose(ds);
    if (rc) {
        for (size_t k = 0; k < *n; k++)
            free(out[k]);
        free(out);
        *n = 0;
        return rc;
    }
    *files = out;
    return NYTTE_OK;
}

/* ---- where no tile is --------------------------------------------------------------------- */

/*
 * Clip the closed polygon in[0 .. n) (x, y pairs, the last point not repeated) to the side
 * of the line coordinate k = lim that `below` says (x or y <= lim, else >= lim), into out
 * (room for 2n points): Sutherland-Hodgman, exact in area for any ring against a convex
 * window. Returns the points written.
 */
static size_t clip_half(const double *in, size_t n, double *out, int k, double lim, bool below)
{
    size_t m = 0;
    for (size_t i = 0; i < n; i++) {
        const double *a = in + 2 * i, *b = in + 2 * ((i + 1) % n);
        bool ina = below ? a[k] <= lim : a[k] >= lim, inb = below ? b[k] <= lim : b[k] >= lim;
        if (ina) {
            out[2 * m] = a[0];
            out[2 * m + 1] = a[1];
            m++;
        }
        if (ina != inb) {
            double t = (lim - a[k]) / (b[k] - a[k]);
            out[2 * m + k] = lim;
            out[2 * m + 1 - k] = a[1 - k] + t * (b[1 - k] - a[1 - k]);
            m++;
        }
    }
    return m;
}

/* Signed (shoelace) area of the open polygon v[0 .. n). */
static double shoelace(const double *v, size_t n)
{
    double a = 0.0;
    for (size_t i = 0; i < n; i++) {
        size_t j = (i + 1) % n;
        a += v[2 * i] * v[2 * j + 1] - v[2 * j] * v[2 * i + 1];
    }
    return 0.5 * a;
}

int nytte_mosaic_uncovered(nytte_ctx *ctx, double *area, const nytte_geom *g, const nytte_grid *grids,
                           const size_t *sel, size_t nsel)
{
    *area = 0.0;
    if (g->kind != NYTTE_GEOM_POLYGON)
        return NYTTE_OK;
    size_t most = 0;
    for (size_t p = 0; p < g->nparts; p++)
        if (g->off[p + 1] - g->off[p] > most)
            most = g->off[p + 1] - g->off[p];
    /* each of the four clips at most doubles the points */
    double *a = malloc(2 * 16 * (most + 1) * sizeof *a), *b = malloc(2 * 16 * (most + 1) * sizeof *b);
    if (!a || !b) {
        free(a);
        free(b);
        return nytte_nomem(ctx, "a polygon of %zu points against the tiles", most);
    }
    double covered = 0.0;
    for (size_t k = 0; k < nsel; k++) {
        const nytte_grid *t = &grids[sel[k]];
        double w = t->nx * t->dx, h = t->ny * t->dy, ox = t->x0, oy = t->y0 - h;
        if (g->xmax <= ox || g->xmin >= ox + w || g->ymax <= oy || g->ymin >= oy + h)
            continue;
        for (size_t p = 0; p < g->nparts; p++) {
            size_t n = g->off[p + 1] - g->off[p];
            if (n < 4)
                continue;
            n--; /* closed: the last point is the first */
            const double *v = g->xy + 2 * g->off[p];
            /* relative to the tile's corner, which keeps precision for UTM coordinates */
            for (size_t i = 0; i < n; i++) {
                a[2 * i] = v[2 * i] - ox;
                a[2 * i + 1] = v[2 * i + 1] - oy;
            }
            size_t m = clip_half(a, n, b, 0, 0.0, false);
            m = clip_half(b, m, a, 0, w, true);
            m = clip_half(a, m, b, 1, 0.0, false);
            m = clip_half(b, m, a, 1, h, true);
            covered += m >= 3 ? shoelace(a, m) : 0.0;
        }
    }
    free(a);
    free(b);
    double uncovered = nytte_geom_area(g) - covered;
    *area = uncovered > 0.0 ? uncovered : 0.0;
    return NYTTE_OK;
}
