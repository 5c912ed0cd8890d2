/*
 * bench_overlay_gen.c — data generator and timed runs for scripts/bench_overlay.sh.
 *
 *   bench_overlay_gen raster OUT.tif CELLS none|deflate PHASE
 *       an 8000 m × 8000 m square in EPSG:25832 (x 500000..508000, y 6192000..6200000),
 *       CELLS × CELLS Float32 cells, tiled 512 (DEFLATE: with the floating-point predictor,
 *       as nytte writes its own rasters), a smooth "depth" field shifted by PHASE.
 *   bench_overlay_gen read PATH...
 *       the floor: read every block of band 1 with GDALReadBlock, one thread, in file
 *       order — the same call nytte uses, without any overlay work. Prints seconds.
 *   bench_overlay_gen zonal NPARCELS THREADS [MODE] PATH...
 *       NPARCELS irregular parcels (8-vertex polygons on a jittered lattice with 19–44 m
 *       spacing, ~300–2000 m², tiling a block of the square from its south-west corner + 200 m),
 *       exact zonal stats with thresholds 0 and 0.1 over the rasters; prints the time of
 *       nytte_overlay_zonal alone, parcels/s, and a hash of the output bytes.
 *   bench_overlay_gen parcels OUT.gpkg NPARCELS
 *       the same parcels as a GeoPackage layer "parcels" (EPSG:25832), for the GRASS
 *       comparison in bench_overlay.sh.
 * BENCH_REPEAT=k in the environment: best of k runs (wall and CPU separately).
 */
#include "nytte/overlay.h"

#include <cpl_string.h>
#include <ogr_api.h>
#include <ogr_srs_api.h>
#include <gdal.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define X0 500000.0
#define Y0 6200000.0
#define SIDE 8000.0

static const char *EPSG25832 =
    "PROJCS[\"ETRS89 / UTM zone 32N\",GEOGCS[\"ETRS89\",DATUM[\"European_Terrestrial_Reference_System_1989\","
    "SPHEROID[\"GRS 1980\",6378137,298.257222101]],PRIMEM[\"Greenwich\",0],UNIT[\"degree\",0.0174532925199433]],"
    "PROJECTION[\"Transverse_Mercator\"],PARAMETER[\"latitude_of_origin\",0],PARAMETER[\"central_meridian\",9],"
    "PARAMETER[\"scale_factor\",0.9996],PARAMETER[\"false_easting\",500000],PARAMETER[\"false_northing\",0],"
    "UNIT[\"metre\",1],AUTHORITY[\"EPSG\",\"25832\"]]";

/* CPU seconds of the process (all threads): robust to other load on the machine. */
static double cpu_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static int cmd_raster(int argc, char **argv)
{
    if (argc != 6)
        return 2;
    const char *path = argv[2];
    int n = atoi(argv[3]);
    int deflate = strcmp(argv[4], "deflate") == 0;
    double phase = atof(argv[5]);
    GDALAllRegister();
    char **co = NULL;
    co = CSLSetNameValue(co, "TILED", "YES");
    co = CSLSetNameValue(co, "BLOCKXSIZE", "512");
    co = CSLSetNameValue(co, "BLOCKYSIZE", "512");
    co = CSLSetNameValue(co, "BIGTIFF", "IF_SAFER");
    if (deflate) {
        co = CSLSetNameValue(co, "COMPRESS", "DEFLATE");
        co = CSLSetNameValue(co, "PREDICTOR", "3");
        co = CSLSetNameValue(co, "NUM_THREADS", "2");
    }
    GDALDatasetH ds = GDALCreate(GDALGetDriverByName("GTiff"), path, n, n, 1, GDT_Float32, co);
    CSLDestroy(co);
    if (!ds) {
        fprintf(stderr, "%s: cannot create\n", path);
        return 1;
    }
    double d = SIDE / n, gt[6] = {X0, d, 0, Y0, 0, -d};
    GDALSetGeoTransform(ds, gt);
    GDALSetProjection(ds, EPSG25832);
    GDALRasterBandH b = GDALGetRasterBand(ds, 1);
    GDALSetRasterNoDataValue(b, -9999.0);
    float *blk = malloc(512 * 512 * sizeof *blk);
    int nb = (n + 511) / 512;
    for (int by = 0; by < nb; by++)
        for (int bx = 0; bx < nb; bx++) {
            for (int j = 0; j < 512; j++)
                for (int i = 0; i < 512; i++) {
                    double x = (bx * 512 + i + 0.5) * d, y = (by * 512 + j + 0.5) * d;
                    double v = 0.8 * sin(x / 310.0 + phase) + 0.6 * cos(y / 470.0 - 0.5 * phase) + 0.1 * sin((x + y) / 37.0);
                    blk[j * 512 + i] = (float)v;
                }
            if (GDALWriteBlock(b, bx, by, blk) != CE_None) {
                fprintf(stderr, "%s: write failed\n", path);
                return 1;
            }
        }
    free(blk);
    GDALClose(ds);
    return 0;
}

static int cmd_read(int argc, char **argv)
{
    GDALAllRegister();
    int repeat = getenv("BENCH_REPEAT") ? atoi(getenv("BENCH_REPEAT")) : 1;
    double t = INFINITY, tc = INFINITY, sum = 0;
    for (int it = 0; it < (repeat > 0 ? repeat : 1); it++) {
        double t0 = nytte_now(), c0 = cpu_now();
        for (int a = 2; a < argc; a++) {
            GDALDatasetH ds = GDALOpenEx(argv[a], GDAL_OF_RASTER | GDAL_OF_READONLY, NULL, NULL, NULL);
            if (!ds)
                return 1;
            GDALRasterBandH b = GDALGetRasterBand(ds, 1);
            int bw, bh;
            GDALGetBlockSize(b, &bw, &bh);
            int nbx = (GDALGetRasterXSize(ds) + bw - 1) / bw, nby = (GDALGetRasterYSize(ds) + bh - 1) / bh;
            float *buf = malloc((size_t)bw * bh * sizeof *buf);
            for (int by = 0; by < nby; by++)
                for (int bx = 0; bx < nbx; bx++) {
                    if (GDALReadBlock(b, bx, by, buf) != CE_None)
                        return 1;
                    sum += buf[0]; /* keep the read observable */
                }
            free(buf);
            GDALClose(ds);
        }
        double dt = nytte_now() - t0, dc = cpu_now() - c0;
        t = dt < t ? dt : t;
        tc = dc < tc ? dc : tc;
    }
    printf("read_s %.4f cpu_s %.4f checksum %.6g\n", t, tc, sum);
    return 0;
}

static uint64_t rng = 12345;
static double rnd(void)
{
    uint64_t z = (rng += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    z ^= z >> 31;
    return (double)(z >> 11) * 0x1.0p-53;
}

/* kx × ky parcels on a lattice of corners and edge midpoints, shared and jittered;
 * column widths and row heights drawn from 19..44 m, so areas spread over ~300..2000 m². */
static nytte_geom *parcels(size_t n, double *amin, double *amax)
{
    int kx = (int)ceil(sqrt((double)n)), ky = (int)((n + kx - 1) / kx);
    int mx = 2 * kx + 1, my = 2 * ky + 1;
    double *lx = malloc((size_t)mx * sizeof *lx), *ly = malloc((size_t)my * sizeof *ly);
    lx[0] = X0 + 200.0;
    ly[0] = Y0 - SIDE + 200.0;
    for (int i = 1; i < mx; i += 2) {
        double w = 19.0 + 25.0 * rnd();
        lx[i] = lx[i - 1] + 0.5 * w;
        lx[i + 1] = lx[i - 1] + w;
    }
    for (int j = 1; j < my; j += 2) {
        double w = 19.0 + 25.0 * rnd();
        ly[j] = ly[j - 1] + 0.5 * w;
        ly[j + 1] = ly[j - 1] + w;
    }
    double *px = malloc((size_t)mx * my * sizeof *px), *py = malloc((size_t)mx * my * sizeof *py);
    for (int j = 0; j < my; j++)
        for (int i = 0; i < mx; i++) { /* ±2.85 m: lattice points stay in order, polygons simple */
            px[j * mx + i] = lx[i] + (rnd() - 0.5) * 5.7;
            py[j * mx + i] = ly[j] + (rnd() - 0.5) * 5.7;
        }
    free(lx);
    free(ly);
    nytte_geom *g = calloc(n, sizeof *g);
    *amin = INFINITY;
    *amax = 0;
    for (size_t p = 0; p < n; p++) {
        int a = (int)(p % (size_t)kx), b = (int)(p / (size_t)kx);
        const int di[8] = {0, 1, 2, 2, 2, 1, 0, 0}, dj[8] = {0, 0, 0, 1, 2, 2, 2, 1};
        double xy[18];
        for (int k = 0; k < 8; k++) {
            int idx = (2 * b + dj[k]) * mx + (2 * a + di[k]);
            xy[2 * k] = px[idx];
            xy[2 * k + 1] = py[idx];
        }
        xy[16] = xy[0];
        xy[17] = xy[1];
        size_t np[] = {9};
        nytte_geom_set(&g[p], NYTTE_GEOM_POLYGON, 1, np, xy);
        double ar = nytte_geom_area(&g[p]);
        *amin = fmin(*amin, ar);
        *amax = fmax(*amax, ar);
    }
    free(px);
    free(py);
    return g;
}

static int cmd_zonal(int argc, char **argv)
{
    if (argc < 5)
        return 2;
    size_t n = (size_t)atol(argv[2]);
    int threads = atoi(argv[3]), a = 4;
    nytte_overlay_opts o = NYTTE_OVERLAY_OPTS_INIT;
    if (strcmp(argv[a], "exact") == 0 || strcmp(argv[a], "centre") == 0 || strcmp(argv[a], "all_touched") == 0) {
        o.mode = argv[a][0] == 'e' ? NYTTE_COVER_EXACT : argv[a][0] == 'c' ? NYTTE_COVER_CENTRE : NYTTE_COVER_ALL_TOUCHED;
        a++;
    }
    o.nthresholds = 2;
    o.thresholds[0] = 0.0;
    o.thresholds[1] = 0.1;
    size_t nr = (size_t)(argc - a);
    double amin, amax;
    nytte_geom *g = parcels(n, &amin, &amax);
    nytte_zonal_stats *out = malloc(n * nr * sizeof *out);
    nytte_ctx *ctx;
    nytte_ctx_new(&ctx);
    nytte_ctx_set_threads(ctx, threads);
    nytte_ctx_set_progress(ctx, 0);
    /* BENCH_REPEAT=k: best of k runs (the machine may be shared) */
    int repeat = getenv("BENCH_REPEAT") ? atoi(getenv("BENCH_REPEAT")) : 1;
    double t = INFINITY, tc = INFINITY;
    for (int it = 0; it < (repeat > 0 ? repeat : 1); it++) {
        double t0 = nytte_now(), c0 = cpu_now();
        int rc = nytte_overlay_zonal(ctx, &o, g, n, (const char *const *)(argv + a), nr, out);
        double dt = nytte_now() - t0, dc = cpu_now() - c0;
        if (rc != NYTTE_OK) {
            fprintf(stderr, "nytte: %s\n", nytte_ctx_errmsg(ctx));
            return 1;
        }
        t = dt < t ? dt : t;
        tc = dc < tc ? dc : tc;
    }
    uint64_t h = 1469598103934665603ull; /* FNV-1a of the output bytes */
    const unsigned char *p = (const unsigned char *)out;
    for (size_t i = 0; i < n * nr * sizeof *out; i++)
        h = (h ^ p[i]) * 1099511628211ull;
    double area = 0;
    for (size_t i = 0; i < n * nr; i++)
        area += out[i].area;
    printf("zonal_s %.4f cpu_s %.4f parcels_per_s %.0f hash %016llx area %.6f parcel_m2 %.0f..%.0f\n", t, tc, (double)n / t,
           (unsigned long long)h, area, amin, amax);
    for (size_t i = 0; i < n; i++)
        nytte_geom_clear(&g[i]);
    free(g);
    free(out);
    nytte_ctx_free(ctx);
    return 0;
}

static int cmd_parcels(int argc, char **argv)
{
    if (argc != 4)
        return 2;
    size_t n = (size_t)atol(argv[3]);
    double amin, amax;
    nytte_geom *g = parcels(n, &amin, &amax);
    GDALAllRegister();
    GDALDatasetH ds = GDALCreate(GDALGetDriverByName("GPKG"), argv[2], 0, 0, 0, GDT_Unknown, NULL);
    if (!ds) {
        fprintf(stderr, "%s: cannot create\n", argv[2]);
        return 1;
    }
    OGRSpatialReferenceH srs = OSRNewSpatialReference(NULL);
    OSRImportFromEPSG(srs, 25832);
    OGRLayerH lyr = GDALDatasetCreateLayer(ds, "parcels", srs, wkbPolygon, NULL);
    OSRDestroySpatialReference(srs);
    if (!lyr)
        return 1;
    GDALDatasetStartTransaction(ds, FALSE);
    for (size_t p = 0; p < n; p++) {
        OGRGeometryH poly = OGR_G_CreateGeometry(wkbPolygon), ring = OGR_G_CreateGeometry(wkbLinearRing);
        for (size_t i = 0; i < g[p].off[1]; i++)
            OGR_G_AddPoint_2D(ring, g[p].xy[2 * i], g[p].xy[2 * i + 1]);
        OGR_G_AddGeometryDirectly(poly, ring);
        OGRFeatureH f = OGR_F_Create(OGR_L_GetLayerDefn(lyr));
        OGR_F_SetGeometryDirectly(f, poly);
        if (OGR_L_CreateFeature(lyr, f) != OGRERR_NONE)
            return 1;
        OGR_F_Destroy(f);
        nytte_geom_clear(&g[p]);
    }
    GDALDatasetCommitTransaction(ds);
    GDALClose(ds);
    free(g);
    return 0;
}

int main(int argc, char **argv)
{
    int rc = 2;
    if (argc >= 2 && strcmp(argv[1], "raster") == 0)
        rc = cmd_raster(argc, argv);
    else if (argc >= 3 && strcmp(argv[1], "read") == 0)
        rc = cmd_read(argc, argv);
    else if (argc >= 2 && strcmp(argv[1], "zonal") == 0)
        rc = cmd_zonal(argc, argv);
    else if (argc >= 2 && strcmp(argv[1], "parcels") == 0)
        rc = cmd_parcels(argc, argv);
    if (rc == 2)
        fprintf(stderr, "usage: bench_overlay_gen raster OUT CELLS none|deflate PHASE | read PATH... |"
                        " zonal NPARCELS THREADS [exact|centre|all_touched] PATH... | parcels OUT.gpkg NPARCELS\n");
    return rc;
}
