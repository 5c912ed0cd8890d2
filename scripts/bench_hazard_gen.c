/*
 * bench_hazard_gen.c — benchmark helper for the hazard stage (driven by bench_hazard.sh).
 *
 *   bench_hazard_gen gen OUT.tif N        write an N × N synthetic coastal terrain (1 m cells,
 *                                         EPSG:25832) with nytte_raster_write
 *   bench_hazard_gen run IN.tif [LEVEL]   time a plain read, the connected bathtub (4 neighbours,
 *                                         sea = the western 1 % of columns), the priority-flood
 *                                         fill (8 neighbours) and the sea flood level
 *
 * The terrain rises from the sea in the west (0.001 m per cell) with hills and hollows
 * (sines) and a little deterministic noise, so the bathtub floods a coastal strip with
 * connected lows and the fill meets many small depressions. Output lines are
 * "name seconds cells_per_second ratio_to_read".
 */
#include "nytte/hazard.h"
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
            double z = 0.001 * x - 1.0 + 3.0 * sin(x / 300.0) * sin(y / 370.0) + 1.5 * sin(x / 57.0 + y / 91.0) +
                       0.3 * noise((uint32_t)x, (uint32_t)y);
            r.v[(size_t)y * (size_t)n + (size_t)x] = (float)z;
        }
    double t = nytte_now();
    int rc = nytte_raster_write(ctx, &r, path);
    if (rc == NYTTE_OK)
        printf("write %.2f s %.3g cells/s\n", nytte_now() - t, (double)n * n / (nytte_now() - t));
    nytte_raster_clear(&r);
    return rc;
}

static size_t wet(const nytte_raster *d)
{
    size_t k = 0, n = (size_t)d->grid.nx * (size_t)d->grid.ny;
    for (size_t i = 0; i < n; i++)
        k += d->v[i] > 0.0f;
    return k;
}

static int run(nytte_ctx *ctx, const char *path, double level)
{
    nytte_raster dem, out;
    double t0 = nytte_now();
    int rc = nytte_raster_read(ctx, &dem, path, 1);
    if (rc != NYTTE_OK)
        return rc;
    double t_read = nytte_now() - t0, cells = (double)dem.grid.nx * dem.grid.ny;
    printf("cells %.0f (%d x %d)\n", cells, dem.grid.nx, dem.grid.ny);
    printf("read %.3f s %.3g cells/s 1.00\n", t_read, cells / t_read);

    /* The sea: the western 1 % of the columns. */
    double xs = dem.grid.x0 + 0.01 * dem.grid.nx * dem.grid.dx, ys = dem.grid.y0 - dem.grid.ny * dem.grid.dy;
    const double xy[] = {dem.grid.x0, ys, xs, ys, xs, dem.grid.y0, dem.grid.x0, dem.grid.y0, dem.grid.x0, ys};
    const size_t np[] = {5};
    nytte_geom sea;
    if ((rc = nytte_geom_set(&sea, NYTTE_GEOM_POLYGON, 1, np, xy)) != NYTTE_OK)
        goto done;

    t0 = nytte_now();
    if ((rc = nytte_hazard_bathtub(ctx, &out, &dem, &sea, 1, level)) != NYTTE_OK)
        goto done;
    double t = nytte_now() - t0;
    printf("bathtub %.3f s %.3g cells/s %.2f (flooded %zu)\n", t, cells / t, t / t_read, wet(&out));
    nytte_raster_clear(&out);

    t0 = nytte_now();
    if ((rc = nytte_hazard_fill(ctx, &out, &dem)) != NYTTE_OK)
        goto done;
    t = nytte_now() - t0;
    size_t raised = 0, n = (size_t)cells;
    for (size_t i = 0; i < n; i++)
        raised += out.v[i] > dem.v[i];
    printf("fill %.3f s %.3g cells/s %.2f (in depressions %zu)\n", t, cells / t, t / t_read, raised);
    nytte_raster_clear(&out);

    t0 = nytte_now();
    if ((rc = nytte_hazard_flood_level(ctx, &out, &dem, &sea, 1, 4)) != NYTTE_OK)
        goto done;
    t = nytte_now() - t0;
    printf("flood_level %.3f s %.3g cells/s %.2f\n", t, cells / t, t / t_read);
    nytte_raster_clear(&out);
done:
    nytte_geom_clear(&sea);
    nytte_raster_clear(&dem);
    return rc;
}

int main(int argc, char **argv)
{
    if (argc < 3 || (strcmp(argv[1], "gen") != 0 && strcmp(argv[1], "run") != 0) ||
        (strcmp(argv[1], "gen") == 0 && argc != 4)) {
        fprintf(stderr, "usage: bench_hazard_gen gen OUT.tif N | bench_hazard_gen run IN.tif [LEVEL]\n");
        return 2;
    }
    nytte_io_init();
    nytte_ctx *ctx;
    if (nytte_ctx_new(&ctx) != NYTTE_OK)
        return 1;
    int rc = strcmp(argv[1], "gen") == 0 ? gen(ctx, argv[2], atoi(argv[3]))
                                         : run(ctx, argv[2], argc > 3 ? atof(argv[3]) : 2.0);
    if (rc != NYTTE_OK)
        fprintf(stderr, "bench_hazard_gen: %s\n", nytte_ctx_errmsg(ctx));
    nytte_ctx_free(ctx);
    return rc == NYTTE_OK ? 0 : 1;
}
