/*
 * bench_catchment_gen.c — benchmark helper for the catchment module (driven by
 * bench_catchment.sh).
 *
 *   bench_catchment_gen gen OUT.tif N   write an N × N synthetic terrain (1 m cells, EPSG:25832)
 *   bench_catchment_gen run IN.tif      time a plain read, the flow directions, the flow
 *                                       accumulation, the catchment of the biggest outlet and
 *                                       of a point half way up its valley, and the bluespot network
 *
 * The terrain falls gently to the south (0.0005 per cell) with parallel valleys (|sine|),
 * cross hills and deterministic noise, quantised to 5 cm so that it has many flats and
 * small depressions, which is what makes flow directions expensive. Output lines are
 * "name seconds cells_per_second ratio_to_read [notes]".
 */
#include "nytte/catchment.h"
#include "nytte/io.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const WKT_25832 =
    "PROJCS[\"ETRS89 / UTM zone 32N\",GEOGCS[\"ETRS89\",DATUM[\"European_Terrestrial_Reference_System_1989\","
    "SPHEROID[\"GRS 1980\",6378137,298.257222101]],PRIMEM[\"Greenwich\",0],UNIT[\"degree\",0.0174532925199433]],"
    "PROJECTION[\"Transverse_Mercator\"],PARAMETER[\"latitude_of_origin\",0],PARAMETER[\"central_meridian\",9],"
    "PARAMETER[\"scale_factor\",0.9996],PARAMETER[\"false_easting\",500000],PARAMETER[\"false_northing\",0],"
    "UNIT[\"metre\",1],AUTHORITY[\"EPSG\",\"25832\"]]";

static double noise(uint32_t x, uint32_t y)
{
    uint32_t h = x * 374761393u + y * 668265263u;
    h = (h ^ (h >> 13)) * 1274126177u;
    h ^= h >> 16;
    return (double)(h & 0xffff) / 65535.0 - 0.5;
}

static int gen(nytte_ctx *ctx, const char *path, int n)
{
    nytte_grid g = {600000.0, 6200000.0, 1.0, 1.0, n, n};
    nytte_raster r;
    if (nytte_raster_alloc(&r, &g, 0.0f, WKT_25832) != NYTTE_OK)
        return NYTTE_ENOMEM;
    r.has_nodata = true;
    r.nodata = -9999.0f;
    for (int y = 0; y < n; y++)
        for (int x = 0; x < n; x++) {
            double z = 0.0005 * (n - y) + 6.0 * fabs(sin(x / 400.0)) + 1.5 * sin(x / 57.0 + y / 91.0) +
                       0.4 * noise((uint32_t)x, (uint32_t)y);
            r.v[(size_t)y * (size_t)n + (size_t)x] = (float)(floor(z * 20.0) / 20.0);
        }
    double t = nytte_now();
    int rc = nytte_raster_write(ctx, &r, path);
    if (rc == NYTTE_OK)
        printf("write %.2f s %.3g cells/s\n", nytte_now() - t, (double)n * n / (nytte_now() - t));
    nytte_raster_clear(&r);
    return rc;
}

static int run(nytte_ctx *ctx, const char *path)
{
    nytte_raster dem, mask = NYTTE_RASTER_INIT;
    nytte_flow f = NYTTE_FLOW_INIT;
    nytte_bluespot_net net = NYTTE_BLUESPOT_NET_INIT;
    double *acc = NULL;
    double t0 = nytte_now();
    int rc = nytte_raster_read(ctx, &dem, path, 1);
    if (rc != NYTTE_OK)
        return rc;
    double t_read = nytte_now() - t0, cells = (double)dem.grid.nx * dem.grid.ny;
    printf("cells %.0f (%d x %d)\n", cells, dem.grid.nx, dem.grid.ny);
    printf("read %.3f s %.3g cells/s 1.00\n", t_read, cells / t_read);

    t0 = nytte_now();
    if ((rc = nytte_flow_directions(ctx, &f, &dem)) != NYTTE_OK)
        goto done;
    double t_dir = nytte_now() - t0;
    printf("flow_directions %.3f s %.3g cells/s %.2f\n", t_dir, cells / t_dir, t_dir / t_read);

    t0 = nytte_now();
    if ((rc = nytte_flow_accumulate(ctx, &acc, &f, NULL)) != NYTTE_OK)
        goto done;
    double t = nytte_now() - t0;
    size_t n = (size_t)cells, best = 0;
    for (size_t i = 0; i < n; i++)
        if (acc[i] > acc[best])
            best = i;
    printf("accumulation %.3f s %.3g cells/s %.2f (largest outlet drains %.0f cells)\n", t, cells / t, t / t_read,
           acc[best]);

    /* the catchment of the biggest outlet (a point at its cell centre) */
    nytte_geom pt = NYTTE_GEOM_INIT;
    const double xy[] = {dem.grid.x0 + ((double)(best % (size_t)dem.grid.nx) + 0.5) * dem.grid.dx,
                         dem.grid.y0 - ((double)(best / (size_t)dem.grid.nx) + 0.5) * dem.grid.dy};
    const size_t np[] = {1};
    if ((rc = nytte_geom_set(&pt, NYTTE_GEOM_POINT, 1, np, xy)) != NYTTE_OK)
        goto done;
    size_t nc = 0;
    t0 = nytte_now();
    rc = nytte_catchment_mask(ctx, &mask, &f, &pt, 1, &nc);
    t = nytte_now() - t0;
    nytte_geom_clear(&pt);
    if (rc != NYTTE_OK)
        goto done;
    printf("catchment_mask %.3f s %.3g cells/s %.2f (%zu cells inside)\n", t, cells / t, t / t_read, nc);
    printf("delineation %.3f s %.3g cells/s %.2f (flow directions + catchment mask)\n", t_dir + t,
           cells / (t_dir + t), (t_dir + t) / t_read);
    nytte_raster_clear(&mask);

    t0 = nytte_now();
    const nytte_bluespot_filter filt = {0.05, 5, 1.0};
    if ((rc = nytte_bluespot_network(ctx, &net, &dem, &f, &filt)) != NYTTE_OK)
        goto done;
    t = nytte_now() - t0;
    printf("bluespot_network %.3f s %.3g cells/s %.2f (%zu bluespots kept)\n", t, cells / t, t / t_read, net.nspots);
done:
    free(acc);
    nytte_bluespot_net_clear(&net);
    nytte_flow_clear(&f);
    nytte_raster_clear(&dem);
    return rc;
}

int main(int argc, char **argv)
{
    if (argc < 3 || (strcmp(argv[1], "gen") != 0 && strcmp(argv[1], "run") != 0) ||
        (strcmp(argv[1], "gen") == 0 && argc != 4)) {
        fprintf(stderr, "usage: bench_catchment_gen gen OUT.tif N | run IN.tif\n");
        return 2;
    }
    setvbuf(stdout, NULL, _IOLBF, 0); /* progress lines through a pipe */
    nytte_io_init();
    nytte_ctx *ctx;
    if (nytte_ctx_new(&ctx) != NYTTE_OK)
        return 1;
    int rc = strcmp(argv[1], "gen") == 0 ? gen(ctx, argv[2], atoi(argv[3])) : run(ctx, argv[2]);
    if (rc != NYTTE_OK)
        fprintf(stderr, "bench_catchment_gen: %s\n", nytte_ctx_errmsg(ctx));
    nytte_ctx_free(ctx);
    return rc == NYTTE_OK ? 0 : 1;
}
