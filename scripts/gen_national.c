/*
 * gen_national.c — the national-scale benchmark of distributed runs (scripts/bench_national.sh):
 * a synthetic terrain generated tile by tile from a formula of the cell's global position
 * (so no rank ever holds or reads the whole raster, and no 4 GB file is needed), the tiled
 * depression fill over all ranks (nytte_dist_minimax_run), and the partition of synthetic
 * parcels over the same ranks. Prints one line per rank (tiles, seconds per phase, peak
 * memory) and, on rank 0, a checksum of the filled terrain that must be the same for any
 * number of ranks. Links with libnytte only: MPI comes through nytte_dist_* when libnytte
 * was built with NYTTE_MPI, else it runs as one process.
 *
 *   [mpirun -n N] gen_national NX NY TILE NPARCELS
 *
 * A second mode measures the coastal bathtub on the same terrain written to a GeoTIFF:
 * rank 0 writes DIR/terrain.tif (by strips of 512 rows, if it is not there yet), then
 * either every rank runs nytte_dist_bathtub_tiled (tiles of TILE cells, 3 levels, a sea
 * polygon over the western band, one dike line) or one process runs what `nytte run` does
 * today (read the whole terrain, burn, nytte_hazard_bathtub, nytte_raster_write per level).
 * Prints the seconds and the peak resident memory of every rank.
 *
 *   [mpirun -n N] gen_national bathtub NX NY TILE DIR tiled|whole
 */
#include "nytte/dist.h"
#include "nytte/hazard.h"
#include "nytte/io.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include <cpl_string.h>
#include <gdal.h>

static uint32_t hash2(uint32_t x, uint32_t y)
{
    uint32_t h = x * 0x9E3779B1u ^ (y + 0x7F4A7C15u) * 0x85EBCA77u;
    h ^= h >> 15;
    h *= 0x2C1B3C6Du;
    h ^= h >> 12;
    return h;
}

/* Rolling terrain with pits and ridges (0..~40 m), sea (nodata) in a band along the west. */
static float height(int c, int r)
{
    double x = c * 1.6, y = r * 1.6; /* 1.6 m cells, as the Danish Height Model's 0.4 m aggregated */
    if (c < 64 + (int)(40 * sin(r * 0.001)))
        return NAN;
    double z = 10 + 6 * sin(x / 900.0) * cos(y / 1300.0) + 3 * sin(x / 170.0 + y / 230.0) +
               1.5 * cos(x / 37.0 - y / 53.0);
    z += (double)(hash2((uint32_t)c, (uint32_t)r) % 1000) * 0.0005; /* roughness: many small pits */
    return (float)z;
}

/* Per tile: FNV-1a of the result bytes and the number of cells raised; combined in tile order on rank 0. */
typedef struct tile_sum {
    uint64_t tile, fnv, raised;
} tile_sum;

typedef struct sink_state {
    const nytte_tiling *t;
    tile_sum *sums; /* by tile index (only this rank's tiles filled) */
} sink_state;

static int source(void *user, size_t tile, int col0, int row0, int w, int h, float *zh, uint8_t *sea)
{
    (void)tile;
    (void)sea;
    const nytte_tiling *t = ((const sink_state *)user)->t;
    size_t k = 0;
    for (int r = row0 - 1; r <= row0 + h; r++)
        for (int c = col0 - 1; c <= col0 + w; c++, k++)
            zh[k] = (r < 0 || c < 0 || r >= t->ny || c >= t->nx) ? NAN : height(c, r);
    return 0;
}

static int sink(void *user, size_t tile, int col0, int row0, int w, int h, const float *v)
{
    sink_state *s = user;
    uint64_t f = 1469598103934665603ULL, raised = 0;
    const unsigned char *b = (const unsigned char *)v;
    for (size_t i = 0; i < (size_t)w * (size_t)h * sizeof(float); i++)
        f = (f ^ b[i]) * 1099511628211ULL;
    for (int r = 0; r < h; r++)
        for (int c = 0; c < w; c++) {
            float z = height(col0 + c, row0 + r), y = v[(size_t)r * (size_t)w + (size_t)c];
            raised += z == z && y > z;
        }
    s->sums[tile] = (tile_sum){tile + 1, f, raised}; /* tile + 1: 0 marks "not mine" */
    return 0;
}

/* Peak resident memory of this process, MiB. */
static double peak_mib(void)
{
    struct rusage u;
    getrusage(RUSAGE_SELF, &u);
    return (double)u.ru_maxrss / 1024.0;
}

/* DIR/terrain.tif from height(): 1.6 m cells, nodata sea (NaN written as -9999) in the west. */
static int write_terrain(const char *path, int nx, int ny)
{
    nytte_io_init();
    char **opts = NULL;
    opts = CSLSetNameValue(opts, "TILED", "YES");
    opts = CSLSetNameValue(opts, "BLOCKXSIZE", "512");
    opts = CSLSetNameValue(opts, "BLOCKYSIZE", "512");
    opts = CSLSetNameValue(opts, "COMPRESS", "DEFLATE");
    opts = CSLSetNameValue(opts, "PREDICTOR", "3");
    opts = CSLSetNameValue(opts, "BIGTIFF", "IF_SAFER");
    GDALDatasetH ds = GDALCreate(GDALGetDriverByName("GTiff"), path, nx, ny, 1, GDT_Float32, opts);
    CSLDestroy(opts);
    if (!ds)
        return -1;
    double gt[6] = {0.0, 1.6, 0.0, ny * 1.6, 0.0, -1.6};
    GDALSetGeoTransform(ds, gt);
    GDALRasterBandH b = GDALGetRasterBand(ds, 1);
    GDALSetRasterNoDataValue(b, -9999.0);
    float *strip = malloc((size_t)nx * 512 * sizeof *strip);
    int bad = !strip;
    for (int r0 = 0; r0 < ny && !bad; r0 += 512) {
        int h = r0 + 512 <= ny ? 512 : ny - r0;
        for (int r = 0; r < h; r++)
            for (int c = 0; c < nx; c++) {
                float z = height(c, r0 + r);
                strip[(size_t)r * (size_t)nx + (size_t)c] = z == z ? z : -9999.0f;
            }
        bad = GDALRasterIO(b, GF_Write, 0, r0, nx, h, strip, nx, h, GDT_Float32, 0, 0) != CE_None;
    }
    free(strip);
    GDALClose(ds);
    return bad ? -1 : 0;
}

static int bathtub_main(int nx, int ny, int tile, const char *dir, bool tiled)
{
    int rank = nytte_dist_rank(), size = nytte_dist_size(), rc = 1;
    nytte_ctx *ctx = NULL;
    nytte_geom sea = NYTTE_GEOM_INIT, dike = NYTTE_GEOM_INIT;
    nytte_raster dem = NYTTE_RASTER_INIT, burned = NYTTE_RASTER_INIT, depth = NYTTE_RASTER_INIT;
    char terrain[1024], out[3][1100], tdir[1100];
    const char *outs[3];
    const double levels[3] = {10.0, 13.0, 16.0};
    snprintf(terrain, sizeof terrain, "%s/terrain.tif", dir);
    snprintf(tdir, sizeof tdir, "%s/tiles", dir);
    for (int k = 0; k < 3; k++) {
        snprintf(out[k], sizeof out[k], "%s/depth_%s_%d.tif", dir, tiled ? "tiled" : "whole", k);
        outs[k] = out[k];
    }
    if (nytte_ctx_new(&ctx) != NYTTE_OK)
        goto done;
    nytte_ctx_set_threads(ctx, 1);
    if (rank == 0 && access(terrain, F_OK) != 0 && write_terrain(terrain, nx, ny) != 0) {
        fprintf(stderr, "%s: cannot write\n", terrain);
        nytte_dist_abort(1);
        goto done;
    }
    nytte_dist_barrier();
    double W = nx * 1.6, H = ny * 1.6;
    const double pxy[] = {-10, -10, 120 * 1.6, -10, 120 * 1.6, H + 10, -10, H + 10, -10, -10};
    const double dxy[] = {300 * 1.6, H * 0.1, W * 0.6, H * 0.9};
    const size_t n5[] = {5}, n2[] = {2};
    if (nytte_geom_set(&sea, NYTTE_GEOM_POLYGON, 1, n5, pxy) || nytte_geom_set(&dike, NYTTE_GEOM_LINE, 1, n2, dxy))
        goto done;
    nytte_barrier bar = {&dike, 30.0, "dike"};
    double t0 = nytte_now();
    nytte_minimax_stats st = {0};
    if (tiled) {
        nytte_dist_bathtub_opts o = NYTTE_DIST_BATHTUB_OPTS_INIT;
        o.connectivity = 4;
        o.tile = tile;
        o.tile_dir = tdir;
        if (nytte_dist_bathtub_tiled(ctx, &o, terrain, &sea, 1, &bar, 1, levels, 3, outs, &st) != NYTTE_OK) {
            fprintf(stderr, "rank %d: %s\n", rank, nytte_ctx_errmsg(ctx));
            nytte_dist_abort(1);
            goto done;
        }
    } else if (rank == 0) {
        if (nytte_raster_read(ctx, &dem, terrain, 1) || nytte_hazard_burn_barriers(ctx, &burned, &dem, &bar, 1))
            goto fail;
        nytte_raster_clear(&dem);
        for (int k = 0; k < 3; k++) {
            nytte_raster_clear(&depth);
            if (nytte_hazard_bathtub(ctx, &depth, &burned, &sea, 1, levels[k]) ||
                nytte_raster_write(ctx, &depth, out[k]))
                goto fail;
        }
    }
    double secs = nytte_now() - t0, peak = peak_mib(), peak_max = nytte_dist_max(peak);
    printf("rank %d/%d: %s bathtub of %d x %d cells%s: %.2f s (tiles %zu: flood %.2f, graph %.2f, flood again + "
           "depths + tile files %.2f, comm %.2f); peak %.0f MiB\n",
           rank, size, tiled ? "tiled" : "whole-raster", nx, ny, tiled ? "" : " (one process)", secs, st.ntiles_here,
           st.t_tiles, st.t_graph, st.t_finish, st.t_comm, peak);
    fflush(stdout);
    nytte_dist_barrier();
    if (rank == 0)
        printf("TOTAL mode=%s ranks=%d cells=%.3e tile=%d seconds=%.2f peak_rank_mib=%.0f\n", tiled ? "tiled" : "whole",
               size, (double)nx * ny, tile, secs, peak_max);
    rc = 0;
    goto done;
fail:
    fprintf(stderr, "%s\n", nytte_ctx_errmsg(ctx));
done:
    nytte_raster_clear(&dem);
    nytte_raster_clear(&burned);
    nytte_raster_clear(&depth);
    nytte_geom_clear(&sea);
    nytte_geom_clear(&dike);
    nytte_ctx_free(ctx);
    return rc;
}

int main(int argc, char **argv)
{
    if (nytte_dist_init(&argc, &argv) != NYTTE_OK)
        return 1;
    if (argc == 7 && strcmp(argv[1], "bathtub") == 0) {
        int brc = bathtub_main(atoi(argv[2]), atoi(argv[3]), atoi(argv[4]), argv[5], strcmp(argv[6], "tiled") == 0);
        nytte_dist_finalize();
        return brc;
    }
    int rank = nytte_dist_rank(), size = nytte_dist_size(), rc = 1;
    nytte_ctx *ctx = NULL;
    tile_sum *sums = NULL, *all = NULL;
    nytte_geom *parcels = NULL;
    int *owner = NULL;
    size_t *counts = malloc((size_t)size * sizeof *counts);
    if (argc != 5) {
        if (rank == 0)
            fprintf(stderr, "usage: [mpirun -n N] gen_national NX NY TILE NPARCELS\n"
                            "       [mpirun -n N] gen_national bathtub NX NY TILE DIR tiled|whole\n");
        goto done;
    }
    int nx = atoi(argv[1]), ny = atoi(argv[2]), tile = atoi(argv[3]);
    size_t np = (size_t)strtoull(argv[4], NULL, 10);
    nytte_tiling t;
    if (nytte_ctx_new(&ctx) != NYTTE_OK || !counts || nytte_tiling_init(ctx, &t, nx, ny, tile, tile) != NYTTE_OK)
        goto done;
    nytte_ctx_set_threads(ctx, 1); /* one thread per rank: the scaling measured is the ranks' */
    size_t nt = nytte_tiling_count(&t);
    sums = calloc(nt, sizeof *sums);
    if (!sums)
        goto done;

    /* 1. the tiled fill over all ranks */
    nytte_dist_barrier();
    double t0 = nytte_now();
    sink_state ss = {&t, sums};
    nytte_minimax_stats st;
    if (nytte_dist_minimax_run(ctx, NYTTE_MINIMAX_FILL, 8, &t, source, sink, &ss, true, &st) != NYTTE_OK) {
        fprintf(stderr, "rank %d: %s\n", rank, nytte_ctx_errmsg(ctx));
        goto done;
    }
    nytte_dist_barrier();
    double t_fill = nytte_now() - t0;

    /* checksum in tile order, on rank 0 */
    size_t nmine = 0;
    for (size_t i = 0; i < nt; i++)
        if (sums[i].tile)
            sums[nmine++] = sums[i];
    if (nytte_dist_gather(ctx, (void **)&all, counts, sums, nmine * sizeof *sums) != NYTTE_OK)
        goto done;
    uint64_t check = 1469598103934665603ULL, raised = 0;
    if (rank == 0) {
        tile_sum *by = calloc(nt, sizeof *by);
        size_t total = 0;
        for (int r = 0; r < size; r++)
            total += counts[r] / sizeof *all;
        for (size_t k = 0; k < total; k++)
            by[all[k].tile - 1] = all[k];
        for (size_t i = 0; i < nt; i++) {
            check = (check ^ by[i].fnv) * 1099511628211ULL;
            raised += by[i].raised;
        }
        free(by);
    }

    /* 2. parcels: a jittered grid of about 20 x 25 m plots over the land, dealt to ranks by tile */
    t0 = nytte_now();
    parcels = calloc(np ? np : 1, sizeof *parcels);
    if (!parcels)
        goto done;
    nytte_grid g = {0.0, ny * 1.6, 1.6, 1.6, nx, ny};
    size_t per_row = (size_t)ceil(sqrt((double)np * nx / (double)ny));
    for (size_t i = 0; i < np; i++) {
        double px = ((double)(i % per_row) + 0.5) / (double)per_row * nx * 1.6;
        double py = ((double)(i / per_row) + 0.5) / ((double)np / (double)per_row) * ny * 1.6;
        double xy[10] = {px, py, px + 20, py, px + 20, py + 25, px, py + 25, px, py};
        size_t n5[] = {5};
        if (nytte_geom_set(&parcels[i], NYTTE_GEOM_POLYGON, 1, n5, xy) != NYTTE_OK)
            goto done;
    }
    nytte_tiling pt;
    nytte_tiling_init(ctx, &pt, nx, ny, 512, 512);
    if (nytte_dist_partition_geoms(ctx, &owner, parcels, np, &pt, &g, size) != NYTTE_OK)
        goto done;
    size_t mine_p = 0;
    for (size_t i = 0; i < np; i++)
        mine_p += owner[i] == rank;
    double t_part = nytte_now() - t0;

    double peak = peak_mib(), peak_max = nytte_dist_max(peak);
    printf("rank %d/%d: tiles %zu, parcels %zu; fill %.2f s (tiles %.2f, graph %.2f, finish %.2f, comm %.2f); "
           "partition %.2f s; peak %.0f MiB\n",
           rank, size, st.ntiles_here, mine_p, t_fill, st.t_tiles, st.t_graph, st.t_finish, st.t_comm, t_part, peak);
    fflush(stdout);
    nytte_dist_barrier();
    if (rank == 0)
        printf("TOTAL ranks=%d cells=%.3e tiles=%zu parcels=%zu fill_s=%.2f graph_labels=%zu graph_edges=%zu "
               "raised=%llu checksum=%016llx peak_rank_mib=%.0f\n",
               size, (double)nx * ny, nt, np, t_fill, st.nlabels, st.nedges, (unsigned long long)raised,
               (unsigned long long)check, peak_max);
    rc = 0;
done:
    for (size_t i = 0; parcels && i < np; i++)
        nytte_geom_clear(&parcels[i]);
    free(parcels);
    free(owner);
    free(sums);
    free(all);
    free(counts);
    nytte_ctx_free(ctx);
    nytte_dist_finalize();
    return rc;
}
