/*
 * mpi_bathtub.c — the tiled bathtub over MPI ranks against the whole-raster one (tests/mpi.sh).
 * Rank 0 writes a generated terrain (random heights with many ties, nodata holes, a nodata
 * sea cell) to DIR/terrain.tif; every rank then calls nytte_dist_bathtub_tiled (distributed)
 * with a sea polygon and a sea point, a diagonal dike and a lowering channel, three levels;
 * rank 0 computes nytte_hazard_burn_barriers_ex + nytte_hazard_bathtub_ex on the whole
 * terrain and compares every output with memcmp. Prints "ok: ..." and exits 0, or "FAIL: ...".
 * The outputs stay in DIR (depth0.tif ...) so that runs at different rank counts can be
 * compared with each other too. Built only with -DNYTTE_MPI=ON.
 *
 *   mpirun -n N mpi_bathtub DIR TILE CONNECTIVITY
 *   mpirun -n N mpi_bathtub fail
 *
 * The second form: the tiled fill with a tile source that fails on the last rank only,
 * first in the first pass and then in the spill graph's place (none: rank 0 solves it) —
 * every rank must return an error (the failing rank its own, the others "another process
 * failed") instead of waiting in a collective; mpi.sh runs it under a timeout.
 */
#include "nytte/dist.h"
#include "nytte/hazard.h"
#include "nytte/io.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NX 97
#define NY 83
#define NLEV 3

static uint64_t rng = 12345;
static uint32_t rnd(void)
{
    rng = rng * 6364136223846793005ULL + 1442695040888963407ULL;
    return (uint32_t)(rng >> 33);
}

/* The fail mode: a source of gentle heights that fails on rank `bad` (tile sources see halo NaN outside). */
typedef struct fail_src {
    int bad, rank;
} fail_src;

static int failing_source(void *user, size_t tile, int col0, int row0, int w, int h, float *zh, uint8_t *sea)
{
    const fail_src *f = user;
    (void)tile;
    (void)sea;
    if (f->rank == f->bad)
        return -1;
    for (int r = 0; r < h + 2; r++)
        for (int c = 0; c < w + 2; c++)
            zh[(size_t)r * (size_t)(w + 2) + (size_t)c] = (float)((col0 + c + row0 + r) % 7);
    return 0;
}

static int ignore_sink(void *user, size_t tile, int col0, int row0, int w, int h, const float *v)
{
    (void)user, (void)tile, (void)col0, (void)row0, (void)w, (void)h, (void)v;
    return 0;
}

static int fail_mode(nytte_ctx *ctx)
{
    int rank = nytte_dist_rank(), size = nytte_dist_size();
    nytte_tiling t;
    if (nytte_tiling_init(ctx, &t, 40, 30, 8, 8) != NYTTE_OK)
        return 1;
    fail_src f = {size - 1, rank};
    int rc = nytte_dist_minimax_run(ctx, NYTTE_MINIMAX_FILL, 8, &t, failing_source, ignore_sink, &f, true, NULL);
    const char *msg = nytte_ctx_errmsg(ctx);
    int ok = rc != NYTTE_OK && (rank == f.bad ? strstr(msg, "the tile source failed") != NULL
                                              : strstr(msg, "another process failed") != NULL);
    /* every rank came back: one more collective proves none is left waiting */
    double all_ok = -nytte_dist_max(ok ? -1.0 : 0.0); /* 1 only when every rank is ok */
    if (rank == 0)
        printf("%s: a tile source failing on rank %d of %d ends the tiled fill with an error on every rank\n",
               all_ok > 0.0 ? "ok" : "FAIL", f.bad, size);
    if (!ok)
        fprintf(stderr, "FAIL: rank %d: rc %d, message '%s'\n", rank, rc, msg);
    return all_ok > 0.0 ? 0 : 1;
}

int main(int argc, char **argv)
{
    if (nytte_dist_init(&argc, &argv) != NYTTE_OK)
        return 1;
    int rank = nytte_dist_rank(), status = 1;
    nytte_ctx *ctx = NULL;
    nytte_raster dem = NYTTE_RASTER_INIT, file_dem = NYTTE_RASTER_INIT, burned = NYTTE_RASTER_INIT;
    nytte_geom sea[2] = {NYTTE_GEOM_INIT, NYTTE_GEOM_INIT}, bar[2] = {NYTTE_GEOM_INIT, NYTTE_GEOM_INIT};
    if (argc == 2 && !strcmp(argv[1], "fail") && nytte_ctx_new(&ctx) == NYTTE_OK) {
        status = fail_mode(ctx);
        goto done;
    }
    if (argc != 4 || nytte_ctx_new(&ctx) != NYTTE_OK) {
        if (rank == 0)
            fprintf(stderr, "usage: mpirun -n N mpi_bathtub DIR TILE CONNECTIVITY\n");
        goto done;
    }
    const char *dir = argv[1];
    int tile = atoi(argv[2]), conn = atoi(argv[3]);
    char terrain[1024], out[NLEV][1100], tdir[1100];
    const char *outs[NLEV];
    snprintf(terrain, sizeof terrain, "%s/terrain.tif", dir);
    snprintf(tdir, sizeof tdir, "%s/tiles", dir);
    for (int k = 0; k < NLEV; k++) {
        snprintf(out[k], sizeof out[k], "%s/depth%d.tif", dir, k);
        outs[k] = out[k];
    }
    if (rank == 0) {
        nytte_grid g = {500000.0, 6200000.0 + NY * 0.4, 0.4, 0.4, NX, NY};
        if (nytte_raster_alloc(&dem, &g, 0.0f, NULL) != NYTTE_OK)
            goto done;
        dem.has_nodata = true;
        dem.nodata = NYTTE_HAZARD_NODATA;
        for (size_t i = 0; i < (size_t)NX * NY; i++) {
            float z = (float)(rnd() % 12) * 0.25f;
            dem.v[i] = rnd() % 100 < 5 ? NYTTE_HAZARD_NODATA : z;
        }
        dem.v[(size_t)(NY / 2) * NX] = NYTTE_HAZARD_NODATA;
        if (nytte_raster_write(ctx, &dem, terrain) != NYTTE_OK) {
            fprintf(stderr, "FAIL: %s\n", nytte_ctx_errmsg(ctx));
            goto done;
        }
    }
    nytte_dist_barrier();
    /* geometries in map coordinates of the grid above */
    const double x0 = 500000.0, y0 = 6200000.0, d = 0.4;
    const double pxy[] = {x0 - 1, y0 - 1, x0 + 2.5 * d, y0 - 1, x0 + 3.2 * d, y0 + NY * d + 1, x0 - 1, y0 + NY * d + 1,
                          x0 - 1, y0 - 1};
    const double qxy[] = {x0 + (NX - 0.5) * d, y0 + 0.5 * d};
    const double dxy[] = {x0 + 0.3 * d, y0 + 0.2 * d, x0 + (NX - 0.4) * d, y0 + (NY - 0.7) * d};
    const double cxy[] = {x0 + 5.5 * d, y0 + (NY - 1.5) * d, x0 + (NX - 2.5) * d, y0 + 40.5 * d};
    const size_t n5[] = {5}, n1[] = {1}, n2[] = {2};
    if (nytte_geom_set(&sea[0], NYTTE_GEOM_POLYGON, 1, n5, pxy) || nytte_geom_set(&sea[1], NYTTE_GEOM_POINT, 1, n1, qxy) ||
        nytte_geom_set(&bar[0], NYTTE_GEOM_LINE, 1, n2, dxy) || nytte_geom_set(&bar[1], NYTTE_GEOM_LINE, 1, n2, cxy))
        goto done;
    const nytte_barrier bars[2] = {{&bar[0], 2.05, "dike"}, {&bar[1], 0.4, "channel"}};
    const nytte_burn_mode modes[2] = {NYTTE_BURN_RAISE, NYTTE_BURN_LOWER};
    const double levels[NLEV] = {0.5, 1.25, 2.0};
    nytte_dist_bathtub_opts o = NYTTE_DIST_BATHTUB_OPTS_INIT;
    o.connectivity = conn;
    o.tile = tile;
    o.modes = modes;
    o.tile_dir = tdir;
    o.distributed = true;
    nytte_minimax_stats st;
    if (nytte_dist_bathtub_tiled(ctx, &o, terrain, sea, 2, bars, 2, levels, NLEV, outs, &st) != NYTTE_OK) {
        fprintf(stderr, "FAIL: rank %d: %s\n", rank, nytte_ctx_errmsg(ctx));
        nytte_dist_abort(1);
        goto done;
    }
    if (rank != 0) {
        status = 0;
        goto done;
    }
    /* the reference, whole raster */
    if (nytte_raster_read(ctx, &file_dem, terrain, 1) ||
        nytte_hazard_burn_barriers_ex(ctx, &burned, &file_dem, bars, 2, modes)) {
        fprintf(stderr, "FAIL: %s\n", nytte_ctx_errmsg(ctx));
        goto done;
    }
    size_t n = (size_t)NX * NY, wet = 0;
    status = 0;
    for (int k = 0; k < NLEV; k++) {
        nytte_raster ref, got;
        if (nytte_hazard_bathtub_ex(ctx, &ref, &burned, sea, 2, levels[k], conn) ||
            nytte_raster_read(ctx, &got, out[k], 1)) {
            fprintf(stderr, "FAIL: %s\n", nytte_ctx_errmsg(ctx));
            status = 1;
            break;
        }
        for (size_t i = 0; i < n; i++)
            wet += ref.v[i] > 0.0f;
        if (memcmp(ref.v, got.v, n * sizeof(float)) != 0) {
            printf("FAIL: %d ranks, tile %d, %d neighbours: level %g differs from the whole-raster bathtub\n",
                   nytte_dist_size(), tile, conn, levels[k]);
            status = 1;
        }
        nytte_raster_clear(&ref);
        nytte_raster_clear(&got);
    }
    if (!status)
        printf("ok: %d ranks, tile %d, %d neighbours: %d levels equal to the whole-raster bathtub (%zu wet cells, "
               "%zu spill-graph nodes)\n",
               nytte_dist_size(), tile, conn, NLEV, wet, st.nlabels);
done:
    nytte_raster_clear(&dem);
    nytte_raster_clear(&file_dem);
    nytte_raster_clear(&burned);
    for (int i = 0; i < 2; i++) {
        nytte_geom_clear(&sea[i]);
        nytte_geom_clear(&bar[i]);
    }
    nytte_ctx_free(ctx);
    nytte_dist_finalize();
    return status;
}
