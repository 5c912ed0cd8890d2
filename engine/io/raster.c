/*
 * raster.c — the raster half of io.h: GDAL set-up and error capture, reading a band
 * whole into a nytte_raster, and writing a nytte_raster as a cloud-optimised-like
 * GeoTIFF (tiled 512, DEFLATE + floating-point predictor, internal AVERAGE overviews).
 * For the tiled runs of engine/dist/: reading windows through per-thread readers,
 * writing one tile as a multi-band GeoTIFF, and assembling tiles into a VRT or into one
 * GeoTIFF with nytte_raster_write's settings.
 *
 * GDAL never prints: the CPL error handler installed by nytte_io_init() keeps the
 * last message per thread (nytte_io_gdal_msg, io.h) and callers put it into the context.
 */
#include "io/io_int.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <cpl_conv.h>
#include <cpl_error.h>
#include <cpl_string.h>
#include <cpl_vsi.h>
#include <gdal.h>
#include <ogr_srs_api.h>

/* ---- GDAL set-up and error capture ---------------------------------------- */

#define GDAL_MSG_MAX 512

static _Thread_local char tl_msg[GDAL_MSG_MAX];
static _Thread_local int tl_failed;

static void CPL_STDCALL capture_handler(CPLErr cls, CPLErrorNum num, const char *msg)
{
    (void)num;
    if (cls == CE_Debug || cls == CE_None)
        return;
    /* A warning must not hide the failure that explains an error: keep the failure. */
    if (cls == CE_Warning && tl_failed)
        return;
    if (cls >= CE_Failure)
        tl_failed = 1;
    snprintf(tl_msg, sizeof tl_msg, "%s", msg ? msg : "");
    for (char *p = tl_msg; *p; p++)
        if (*p == '\n' || *p == '\r' || *p == '\t')
            *p = ' ';
}

static pthread_once_t io_once = PTHREAD_ONCE_INIT;

static void io_init_once(void)
{
    CPLSetErrorHandler(capture_handler);
    GDALAllRegister();
}

void nytte_io_init(void) { pthread_once(&io_once, io_init_once); }

const char *nytte_io_gdal_msg(void) { return tl_msg; }

void nytte_io_gdal_msg_clear(void)
{
    tl_msg[0] = '\0';
    tl_failed = 0;
    CPLErrorReset();
}

int nytte_io_gdal_failed(void) { return tl_failed; }

int nytte_io_gdal_error(nytte_ctx *ctx, int code, const char *fmt, ...)
{
    char head[768];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(head, sizeof head, fmt, ap);
    va_end(ap);
    if (tl_msg[0])
        return nytte_error(ctx, code, "%s: %s", head, tl_msg);
    return nytte_error(ctx, code, "%s", head);
}

/* Set a thread-local GDAL config option and hand back the old value (caller CPLFree's it). */
static char *set_tl_option(const char *key, const char *value)
{
    const char *old = CPLGetThreadLocalConfigOption(key, NULL);
    char *saved = old ? CPLStrdup(old) : NULL;
    CPLSetThreadLocalConfigOption(key, value);
    return saved;
}

/* ---- reading -------------------------------------------------------------- */

/* Open a raster for reading; errors name the path. */
static int open_raster(nytte_ctx *ctx, const char *path, GDALDatasetH *out)
{
    *out = NULL;
    nytte_io_init();
    nytte_io_gdal_msg_clear();
    /* GDAL's own "does not exist" message varies by driver; say it plainly (virtual /vsi paths excepted). */
    struct stat sb;
    if (strncmp(path, "/vsi", 4) != 0 && stat(path, &sb) != 0)
        return nytte_error(ctx, NYTTE_EIO, "%s: no such file", path);
    GDALDatasetH ds = GDALOpenEx(path, GDAL_OF_RASTER | GDAL_OF_READONLY, NULL, NULL, NULL);
    if (!ds || GDALGetRasterCount(ds) < 1) {
        if (ds)
            GDALClose(ds);
        return nytte_error(ctx, NYTTE_EINPUT, "%s: not a raster GDAL can read", path);
    }
    *out = ds;
    return NYTTE_OK;
}

/* Grid and CRS of an open dataset; errors name the path. */
static int dataset_grid(nytte_ctx *ctx, GDALDatasetH ds, const char *path, nytte_grid *grid, char **crs_wkt)
{
    double gt[6];
    if (GDALGetGeoTransform(ds, gt) != CE_None)
        return nytte_error(ctx, NYTTE_EINPUT, "%s: raster has no georeferencing (geotransform)", path);
    if (gt[2] != 0.0 || gt[4] != 0.0)
        return nytte_error(ctx, NYTTE_EINPUT, "%s: raster is rotated (not north-up)", path);
    if (!(gt[1] > 0.0) || !(gt[5] < 0.0))
        return nytte_error(ctx, NYTTE_EINPUT, "%s: raster is not north-up (pixel size %g, %g)", path, gt[1], gt[5]);
    grid->x0 = gt[0];
    grid->y0 = gt[3];
    grid->dx = gt[1];
    grid->dy = -gt[5];
    grid->nx = GDALGetRasterXSize(ds);
    grid->ny = GDALGetRasterYSize(ds);
    if (crs_wkt) {
        *crs_wkt = NULL;
        OGRSpatialReferenceH srs = GDALGetSpatialRef(ds);
        if (srs) {
            char *wkt = NULL;
            const char *opts[] = {"FORMAT=WKT2_2018", NULL};
            if (OSRExportToWktEx(srs, &wkt, opts) != OGRERR_NONE || !wkt) {
                CPLFree(wkt);
                return nytte_io_gdal_error(ctx, NYTTE_EGDAL, "%s: cannot export the CRS as WKT", path);
            }
            if (wkt[0]) {
                *crs_wkt = strdup(wkt);
                if (!*crs_wkt) {
                    CPLFree(wkt);
                    return nytte_nomem(ctx, "%s", path);
                }
            }
            CPLFree(wkt);
        }
    }
    return NYTTE_OK;
}

int nytte_raster_info(nytte_ctx *ctx, const char *path, nytte_grid *grid, char **crs_wkt)
{
    if (crs_wkt)
        *crs_wkt = NULL;
    GDALDatasetH ds;
    int rc = open_raster(ctx, path, &ds);
    if (rc != NYTTE_OK)
        return rc;
    rc = dataset_grid(ctx, ds, path, grid, crs_wkt);
    GDALClose(ds);
    return rc;
}

int nytte_raster_read(nytte_ctx *ctx, nytte_raster *out, const char *path, int band)
{
    nytte_raster_census census;
    return nytte_raster_read_ex(ctx, out, path, band, &census);
}

int nytte_raster_read_ex(nytte_ctx *ctx, nytte_raster *out, const char *path, int band,
                         nytte_raster_census *census)
{
    *out = (nytte_raster)NYTTE_RASTER_INIT;
    *census = (nytte_raster_census)NYTTE_RASTER_CENSUS_INIT;
    int rc = NYTTE_OK;
    char *wkt = NULL;
    nytte_grid grid;
    GDALDatasetH ds;
    if ((rc = open_raster(ctx, path, &ds)) != NYTTE_OK)
        return rc;
    int nbands = GDALGetRasterCount(ds);
    if (band < 1 || band > nbands) {
        rc = nytte_error(ctx, NYTTE_EINPUT, "%s: band %d does not exist (the raster has %d)", path, band, nbands);
        goto cleanup;
    }
    if ((rc = dataset_grid(ctx, ds, path, &grid, &wkt)) != NYTTE_OK)
        goto cleanup;
    if ((size_t)grid.nx > SIZE_MAX / sizeof(float) / (size_t)grid.ny) {
        rc = nytte_error(ctx, NYTTE_ENOMEM, "%s: raster too large to hold in memory (%d x %d)", path, grid.nx, grid.ny);
        goto cleanup;
    }
    if ((rc = nytte_raster_alloc(out, &grid, 0.0f, wkt)) != NYTTE_OK) {
        rc = nytte_nomem(ctx, "%s: %d x %d cells", path, grid.nx, grid.ny);
        goto cleanup;
    }
    GDALRasterBandH b = GDALGetRasterBand(ds, band);
    int has = 0;
    double nd = GDALGetRasterNoDataValue(b, &has);
    out->has_nodata = has != 0;
    out->nodata = has ? io_nodata_as_float(nd) : 0.0f;
    /* Decompress tiles on the context's threads (GTiff honours GDAL_NUM_THREADS since 3.6);
     * the cells read are the same for any thread count. */
    char threads[16];
    snprintf(threads, sizeof threads, "%d", nytte_ctx_threads(ctx));
    char *saved = set_tl_option("GDAL_NUM_THREADS", threads);
    CPLErr err = GDALRasterIO(b, GF_Read, 0, 0, grid.nx, grid.ny, out->v, grid.nx, grid.ny, GDT_Float32, 0, 0);
    CPLSetThreadLocalConfigOption("GDAL_NUM_THREADS", saved);
    CPLFree(saved);
    if (err != CE_None) {
        rc = nytte_io_gdal_error(ctx, NYTTE_EIO, "%s: cannot read band %d", path, band);
        goto cleanup;
    }
    io_census_add(census, out->v, 0, 0, grid.nx, grid.ny, out->has_nodata, out->nodata);
cleanup:
    if (rc != NYTTE_OK)
        nytte_raster_clear(out);
    free(wkt);
    GDALClose(ds);
    return rc;
}

/* ---- writing -------------------------------------------------------------- */

#define TILE 512

/*
 * Overview factors 2, 4, 8, ... until the coarsest overview fits in one 512 tile
 * (the COG driver's rule). A raster of at most 512 × 512 gets none.
 */
static int overview_levels(int nx, int ny, int levels[32])
{
    int n = 0, maxdim = nx > ny ? nx : ny;
    for (int f = 2; n < 31 && (maxdim + f / 2 - 1) / (f / 2) > TILE; f *= 2)
        levels[n++] = f;
    return n;
}

/* The GTiff creation options of every written raster: tiled 512, DEFLATE + floating-point predictor. */
static char **cog_options(void)
{
    char **opts = NULL;
    opts = CSLSetNameValue(opts, "TILED", "YES");
    opts = CSLSetNameValue(opts, "BLOCKXSIZE", "512");
    opts = CSLSetNameValue(opts, "BLOCKYSIZE", "512");
    opts = CSLSetNameValue(opts, "COMPRESS", "DEFLATE");
    opts = CSLSetNameValue(opts, "PREDICTOR", "3");
    opts = CSLSetNameValue(opts, "BIGTIFF", "IF_SAFER");
    return opts;
}

/* Writes the cells of a new GeoTIFF's band (write_cog): 0, or -1 with GDAL's message. */
typedef int (*cells_fn)(void *user, GDALRasterBandH b, int nx, int ny);

/*
 * The one GeoTIFF writer of nytte: Float32, tiled 512, DEFLATE with predictor 3, CRS,
 * nodata, the cells from `cells`, AVERAGE overviews; written to "<path>.part" and renamed.
 * Every raster goes through it, whole or assembled from tiles, so that the same cells
 * give the same bytes.
 */
static int write_cog(nytte_ctx *ctx, const char *path, const nytte_grid *g, const char *crs_wkt, bool has_nodata,
                     float nodata, cells_fn cells, void *user)
{
    int rc = NYTTE_OK;
    GDALDatasetH ds = NULL;
    OGRSpatialReferenceH srs = NULL;
    char **opts = NULL;
    char *part = NULL, *saved_ovr = NULL;
    int created = 0, ovr_option_set = 0;

    size_t plen = strlen(path);
    part = malloc(plen + sizeof ".part");
    if (!part)
        return nytte_nomem(ctx, "%s", path);
    memcpy(part, path, plen);
    memcpy(part + plen, ".part", sizeof ".part");

    GDALDriverH drv = GDALGetDriverByName("GTiff");
    if (!drv) {
        rc = nytte_error(ctx, NYTTE_EGDAL, "%s: GDAL has no GTiff driver", path);
        goto cleanup;
    }
    opts = cog_options();
    /* No NUM_THREADS: GDAL's threaded compression writes tiles in completion order, so the
     * file's bytes would depend on the thread count (test_raster_io checks they do not). */
    ds = GDALCreate(drv, part, g->nx, g->ny, 1, GDT_Float32, opts);
    if (!ds) {
        rc = nytte_io_gdal_error(ctx, NYTTE_EIO, "%s: cannot create", path);
        goto cleanup;
    }
    created = 1;
    double gt[6] = {g->x0, g->dx, 0.0, g->y0, 0.0, -g->dy};
    if (GDALSetGeoTransform(ds, gt) != CE_None) {
        rc = nytte_io_gdal_error(ctx, NYTTE_EGDAL, "%s: cannot set the geotransform", path);
        goto cleanup;
    }
    if (crs_wkt && crs_wkt[0]) {
        srs = OSRNewSpatialReference(NULL);
        if (!srs || OSRImportFromWkt(srs, &(char *){(char *)crs_wkt}) != OGRERR_NONE) {
            rc = nytte_io_gdal_error(ctx, NYTTE_EINPUT, "%s: the CRS (WKT) is not understood", path);
            goto cleanup;
        }
        OSRSetAxisMappingStrategy(srs, OAMS_TRADITIONAL_GIS_ORDER);
        if (GDALSetSpatialRef(ds, srs) != CE_None) {
            rc = nytte_io_gdal_error(ctx, NYTTE_EGDAL, "%s: cannot set the CRS", path);
            goto cleanup;
        }
    }
    GDALRasterBandH b = GDALGetRasterBand(ds, 1);
    if (has_nodata && GDALSetRasterNoDataValue(b, (double)nodata) != CE_None) {
        rc = nytte_io_gdal_error(ctx, NYTTE_EGDAL, "%s: cannot set nodata", path);
        goto cleanup;
    }
    if (cells(user, b, g->nx, g->ny) != 0) {
        rc = nytte_io_gdal_error(ctx, NYTTE_EIO, "%s: cannot write the cells", path);
        goto cleanup;
    }
    int levels[32];
    int nlev = overview_levels(g->nx, g->ny, levels);
    if (nlev > 0) {
        /* Internal overview tiles as large as the full-resolution tiles (GDAL's default is 128). */
        saved_ovr = set_tl_option("GDAL_TIFF_OVR_BLOCKSIZE", "512");
        ovr_option_set = 1;
        if (GDALBuildOverviews(ds, "AVERAGE", nlev, levels, 0, NULL, NULL, NULL) != CE_None) {
            rc = nytte_io_gdal_error(ctx, NYTTE_EIO, "%s: cannot build overviews", path);
            goto cleanup;
        }
    }

cleanup:
    if (ovr_option_set) {
        CPLSetThreadLocalConfigOption("GDAL_TIFF_OVR_BLOCKSIZE", saved_ovr);
        CPLFree(saved_ovr);
    }
    if (ds) {
        /* GDALClose writes the last blocks; GDAL 3.6 reports failures only through CPLError. */
        GDALClose(ds);
        if (rc == NYTTE_OK && nytte_io_gdal_failed())
            rc = nytte_io_gdal_error(ctx, NYTTE_EIO, "%s: cannot finish writing", path);
    }
    if (rc == NYTTE_OK && rename(part, path) != 0)
        rc = nytte_error(ctx, NYTTE_EIO, "%s: cannot rename %s into place: %s", path, part, strerror(errno));
    if (rc != NYTTE_OK && created)
        VSIUnlink(part);
    if (srs)
        OSRDestroySpatialReference(srs);
    CSLDestroy(opts);
    free(part);
    return rc;
}

/*
 * The cells of an in-memory raster, in strips of 512 rows (one row of tiles), each flushed
 * to the file before the next: the tiles land in the file in row order whatever the size
 * of GDAL's block cache, so the bytes are the same as copy_cells' on any machine.
 */
static int memory_cells(void *user, GDALRasterBandH b, int nx, int ny)
{
    const nytte_raster *r = user;
    for (int r0 = 0; r0 < ny; r0 += 512) {
        int h = ny - r0 < 512 ? ny - r0 : 512;
        if (GDALRasterIO(b, GF_Write, 0, r0, nx, h, r->v + (size_t)r0 * (size_t)nx, nx, h, GDT_Float32, 0, 0) !=
                CE_None ||
            GDALFlushRasterCache(b) != CE_None)
            return -1;
    }
    return 0;
}

int nytte_raster_write(nytte_ctx *ctx, const nytte_raster *r, const char *path)
{
    nytte_io_init();
    nytte_io_gdal_msg_clear();
    if (!r || !r->v || r->grid.nx <= 0 || r->grid.ny <= 0 || !(r->grid.dx > 0.0) || !(r->grid.dy > 0.0))
        return nytte_error(ctx, NYTTE_EUSAGE, "%s: nothing to write (empty raster or bad grid)", path);
    return write_cog(ctx, path, &r->grid, r->crs_wkt, r->has_nodata, r->nodata, memory_cells, (void *)r);
}

/* ---- windows and tiles (the tiled runs of engine/dist/) ------------------------ */

int nytte_raster_band_info(nytte_ctx *ctx, const char *path, bool *has_nodata, float *nodata, char **crs_wkt)
{
    *has_nodata = false;
    *nodata = 0.0f;
    *crs_wkt = NULL;
    nytte_io_init();
    nytte_io_gdal_msg_clear();
    GDALDatasetH ds = GDALOpenEx(path, GDAL_OF_RASTER | GDAL_OF_READONLY, NULL, NULL, NULL);
    if (!ds)
        return nytte_io_gdal_error(ctx, NYTTE_EIO, "%s: cannot open", path);
    int rc = NYTTE_OK, has = 0;
    double nd = GDALGetRasterNoDataValue(GDALGetRasterBand(ds, 1), &has);
    const char *wkt = GDALGetProjectionRef(ds);
    if (wkt && wkt[0] && !(*crs_wkt = strdup(wkt))) {
        rc = nytte_nomem(ctx, "%s", path);
    } else {
        *has_nodata = has != 0;
        *nodata = has ? io_nodata_as_float(nd) : 0.0f;
    }
    GDALClose(ds);
    return rc;
}

struct nytte_raster_reader {
    GDALDatasetH ds;
};

int nytte_raster_reader_open(nytte_raster_reader **out, const char *path)
{
    *out = NULL;
    nytte_io_init();
    nytte_raster_reader *r = malloc(sizeof *r);
    if (!r)
        return NYTTE_ENOMEM;
    r->ds = GDALOpenEx(path, GDAL_OF_RASTER | GDAL_OF_READONLY, NULL, NULL, NULL);
    if (!r->ds) {
        free(r);
        return NYTTE_EIO;
    }
    *out = r;
    return NYTTE_OK;
}

int nytte_raster_reader_read_window(nytte_raster_reader *r, int col0, int row0, int w, int h, float *buf)
{
    if (GDALRasterIO(GDALGetRasterBand(r->ds, 1), GF_Read, col0, row0, w, h, buf, w, h, GDT_Float32, 0, 0) !=
        CE_None)
        return NYTTE_EIO;
    io_cells_finite(buf, (size_t)w * (size_t)h);
    return NYTTE_OK;
}

void nytte_raster_reader_close(nytte_raster_reader *r)
{
    if (!r)
        return;
    if (r->ds)
        GDALClose(r->ds);
    free(r);
}

int nytte_raster_tile_write(const char **failed, const char *path, const nytte_grid *g, int col0, int row0, int w,
                            int h, const char *crs_wkt, float nodata, size_t nbands, nytte_tile_band_fn band,
                            void *user)
{
    *failed = NULL;
    nytte_io_init();
    GDALDriverH drv = GDALGetDriverByName("GTiff");
    char **opts = NULL;
    opts = CSLSetNameValue(opts, "COMPRESS", "DEFLATE");
    opts = CSLSetNameValue(opts, "PREDICTOR", "3");
    opts = CSLSetNameValue(opts, "BIGTIFF", "IF_SAFER");
    if (w >= 256 && h >= 256) {
        opts = CSLSetNameValue(opts, "TILED", "YES");
        opts = CSLSetNameValue(opts, "BLOCKXSIZE", "256");
        opts = CSLSetNameValue(opts, "BLOCKYSIZE", "256");
    }
    GDALDatasetH ds = drv ? GDALCreate(drv, path, w, h, (int)nbands, GDT_Float32, opts) : NULL;
    CSLDestroy(opts);
    if (!ds) {
        *failed = "cannot create";
        return NYTTE_EIO;
    }
    double gt[6] = {g->x0 + (double)col0 * g->dx, g->dx, 0.0, g->y0 - (double)row0 * g->dy, 0.0, -g->dy};
    GDALSetGeoTransform(ds, gt);
    if (crs_wkt)
        GDALSetProjection(ds, crs_wkt);
    int bad = 0;
    for (size_t k = 0; k < nbands && !bad; k++) {
        const float *v = band(user, k);
        GDALRasterBandH b = GDALGetRasterBand(ds, (int)k + 1);
        if (!v || GDALSetRasterNoDataValue(b, (double)nodata) != CE_None ||
            GDALRasterIO(b, GF_Write, 0, 0, w, h, (void *)v, w, h, GDT_Float32, 0, 0) != CE_None)
            bad = 1;
    }
    GDALClose(ds);
    if (bad || nytte_io_gdal_failed()) {
        *failed = "cannot write";
        return NYTTE_EIO;
    }
    return NYTTE_OK;
}

int nytte_raster_vrt_write(nytte_ctx *ctx, const char *vrt_path, const nytte_grid *g, const char *crs_wkt,
                           double nodata, size_t nsrc, nytte_vrt_source_fn source, void *user)
{
    FILE *fp = fopen(vrt_path, "w");
    if (!fp)
        return nytte_error(ctx, NYTTE_EIO, "%s: cannot create: %s", vrt_path, strerror(errno));
    fprintf(fp, "<VRTDataset rasterXSize=\"%d\" rasterYSize=\"%d\">\n", g->nx, g->ny);
    if (crs_wkt && crs_wkt[0]) {
        char *esc = CPLEscapeString(crs_wkt, -1, CPLES_XML);
        fprintf(fp, "  <SRS dataAxisToSRSAxisMapping=\"1,2\">%s</SRS>\n", esc ? esc : "");
        CPLFree(esc);
    }
    fprintf(fp, "  <GeoTransform>%.17g, %.17g, 0, %.17g, 0, %.17g</GeoTransform>\n", g->x0, g->dx, g->y0, -g->dy);
    fprintf(fp, "  <VRTRasterBand dataType=\"Float32\" band=\"1\">\n");
    fprintf(fp, "    <NoDataValue>%.9g</NoDataValue>\n", nodata);
    for (size_t i = 0; i < nsrc; i++) {
        nytte_vrt_source s;
        source(user, i, &s);
        fprintf(fp,
                "    <SimpleSource>\n      <SourceFilename relativeToVRT=\"%d\">%s</SourceFilename>\n"
                "      <SourceBand>%zu</SourceBand>\n"
                "      <SrcRect xOff=\"0\" yOff=\"0\" xSize=\"%d\" ySize=\"%d\"/>\n"
                "      <DstRect xOff=\"%d\" yOff=\"%d\" xSize=\"%d\" ySize=\"%d\"/>\n    </SimpleSource>\n",
                s.relative, s.path, s.band, s.w, s.h, s.col0, s.row0, s.w, s.h);
    }
    fprintf(fp, "  </VRTRasterBand>\n</VRTDataset>\n");
    if (fclose(fp) != 0)
        return nytte_error(ctx, NYTTE_EIO, "%s: cannot write: %s", vrt_path, strerror(errno));
    return NYTTE_OK;
}

/* The cells of band 1 of a source raster, copied in strips of 512 rows (the tiles'
 * height), each flushed as memory_cells flushes its strips: the memory is one strip, the
 * bytes those of a whole raster written by nytte_raster_write. */
static int copy_cells(void *user, GDALRasterBandH b, int nx, int ny)
{
    GDALRasterBandH src = GDALGetRasterBand((GDALDatasetH)user, 1);
    float *strip = malloc((size_t)nx * 512 * sizeof *strip);
    int rc = strip ? 0 : -1;
    if (!strip)
        CPLError(CE_Failure, CPLE_OutOfMemory, "out of memory for a strip of %d x 512 cells", nx);
    for (int r0 = 0; r0 < ny && rc == 0; r0 += 512) {
        int h = ny - r0 < 512 ? ny - r0 : 512;
        if (GDALRasterIO(src, GF_Read, 0, r0, nx, h, strip, nx, h, GDT_Float32, 0, 0) != CE_None ||
            GDALRasterIO(b, GF_Write, 0, r0, nx, h, strip, nx, h, GDT_Float32, 0, 0) != CE_None ||
            GDALFlushRasterCache(b) != CE_None)
            rc = -1;
    }
    free(strip);
    return rc;
}

int nytte_raster_vrt_to_tiff(nytte_ctx *ctx, const char *vrt, const char *path)
{
    nytte_io_init();
    nytte_io_gdal_msg_clear();
    GDALDatasetH src = GDALOpenEx(vrt, GDAL_OF_RASTER | GDAL_OF_READONLY, NULL, NULL, NULL);
    if (!src)
        return nytte_io_gdal_error(ctx, NYTTE_EIO, "%s: cannot open the tiles' VRT", path);
    nytte_grid g;
    char *wkt = NULL;
    int rc = dataset_grid(ctx, src, vrt, &g, &wkt);
    if (rc == NYTTE_OK) {
        int has = 0;
        double nd = GDALGetRasterNoDataValue(GDALGetRasterBand(src, 1), &has);
        rc = write_cog(ctx, path, &g, wkt, has != 0, io_nodata_as_float(nd), copy_cells, src);
    }
    free(wkt);
    GDALClose(src);
    return rc;
}
