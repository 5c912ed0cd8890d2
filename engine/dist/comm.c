/*
 * comm.c — the process group of a distributed run and the overlay shared between ranks.
 * With NYTTE_HAVE_MPI (cmake -DNYTTE_MPI=ON) the functions use MPI_COMM_WORLD; without,
 * they are those of a group of one process, so the rest of libnytte and the tools under
 * scripts/ never need MPI themselves. Only byte strings travel: no floating-point
 * reduction ever crosses ranks, so results do not depend on the number of ranks.
 */
#include "nytte/dist.h"

#include "nytte/io.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The end of the message of a rank that failed only because another did (nytte_dist_agree). */
#define DIST_ECHO "another process failed (its message says why)"

#ifdef NYTTE_HAVE_MPI
#include <mpi.h>

static int mpi_up(void)
{
    int up = 0, down = 0;
    MPI_Initialized(&up);
    if (up)
        MPI_Finalized(&down);
    return up && !down;
}

int nytte_dist_init(int *argc, char ***argv)
{
    if (mpi_up())
        return NYTTE_OK;
    int provided = 0;
    /* threads inside a rank (OpenMP) never call MPI: FUNNELED is enough */
    return MPI_Init_thread(argc, argv, MPI_THREAD_FUNNELED, &provided) == MPI_SUCCESS ? NYTTE_OK : NYTTE_EIO;
}

void nytte_dist_finalize(void)
{
    if (mpi_up())
        MPI_Finalize();
}

int nytte_dist_rank(void)
{
    int r = 0;
    if (mpi_up())
        MPI_Comm_rank(MPI_COMM_WORLD, &r);
    return r;
}

int nytte_dist_size(void)
{
    int s = 1;
    if (mpi_up())
        MPI_Comm_size(MPI_COMM_WORLD, &s);
    return s;
}

bool nytte_dist_have_mpi(void) { return true; }

void nytte_dist_abort(int code)
{
    if (mpi_up())
        MPI_Abort(MPI_COMM_WORLD, code);
}

void nytte_dist_barrier(void)
{
    if (mpi_up())
        MPI_Barrier(MPI_COMM_WORLD);
}

double nytte_dist_max(double x)
{
    double y = x;
    if (mpi_up())
        MPI_Allreduce(&x, &y, 1, MPI_DOUBLE, MPI_MAX, MPI_COMM_WORLD);
    return y;
}

int nytte_dist_agree(nytte_ctx *ctx, int rc, const char *what)
{
    if (!mpi_up() || nytte_dist_size() == 1)
        return rc;
    int mine = rc != NYTTE_OK, any = 0;
    MPI_Allreduce(&mine, &any, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD);
    if (rc == NYTTE_OK && any)
        rc = nytte_error(ctx, NYTTE_EIO, "%s: " DIST_ECHO, what);
    return rc;
}

/*
 * The bytes one rank sends per round of a gather. MPI counts and displacements are int, so
 * a gather of more than 2 GiB in all (the overlay of a national run) goes in rounds: in
 * round k every rank sends bytes [k·C, (k+1)·C) of its string, at most C = 256 MiB / ranks,
 * into a round buffer, from which each rank's piece is copied to its place. The
 * environment variable NYTTE_GATHER_CHUNK (bytes) sets C smaller, for tests.
 */
static size_t round_chunk(int size)
{
    const char *e = getenv("NYTTE_GATHER_CHUNK");
    long long v = e ? atoll(e) : 0;
    if (v > 0)
        return (size_t)v;
    size_t c = ((size_t)1 << 28) / (size_t)size;
    return c ? c : 1;
}

static int gather_any(nytte_ctx *ctx, void **all, size_t *counts, const void *mine, size_t n, bool everyone)
{
    int size = nytte_dist_size(), rank = nytte_dist_rank();
    *all = NULL;
    if (size == 1) {
        counts[0] = n;
        *all = malloc(n ? n : 1);
        if (!*all)
            return nytte_nomem(ctx, "gather");
        memcpy(*all, mine, n);
        return NYTTE_OK;
    }
    long long nl = (long long)n;
    long long *cl = malloc((size_t)size * sizeof *cl);
    size_t *off = malloc((size_t)size * sizeof *off);
    int *ci = malloc((size_t)size * sizeof *ci), *di = malloc((size_t)size * sizeof *di);
    unsigned char *buf = NULL, *rbuf = NULL;
    int rc = NYTTE_OK;
    if (!cl || !off || !ci || !di)
        rc = nytte_nomem(ctx, "gather");
    if ((rc = nytte_dist_agree(ctx, rc, "gather")))
        goto cleanup;
    MPI_Allgather(&nl, 1, MPI_LONG_LONG, cl, 1, MPI_LONG_LONG, MPI_COMM_WORLD);
    size_t total = 0, chunk = round_chunk(size), rounds = 0;
    for (int r = 0; r < size; r++) {
        counts[r] = (size_t)cl[r];
        off[r] = total;
        total += (size_t)cl[r];
        size_t k = ((size_t)cl[r] + chunk - 1) / chunk;
        rounds = k > rounds ? k : rounds;
    }
    /* every rank computed the same total and rounds */
    bool receives = everyone || rank == 0;
    if (receives && (!(buf = malloc(total ? total : 1)) || !(rbuf = malloc(chunk * (size_t)size))))
        rc = nytte_nomem(ctx, "gather: %zu bytes", total);
    /* a rank without room stops every rank before the exchange */
    if ((rc = nytte_dist_agree(ctx, rc, "gather")))
        goto cleanup;
    for (size_t k = 0; k < rounds; k++) {
        int d = 0;
        for (int r = 0; r < size; r++) {
            size_t from = k * chunk, len = counts[r] > from ? counts[r] - from : 0;
            ci[r] = (int)(len < chunk ? len : chunk);
            di[r] = d;
            d += ci[r];
        }
        const unsigned char *piece = n > k * chunk ? (const unsigned char *)mine + k * chunk : NULL;
        int e = everyone ? MPI_Allgatherv(piece, ci[rank], MPI_BYTE, rbuf, ci, di, MPI_BYTE, MPI_COMM_WORLD)
                         : MPI_Gatherv(piece, ci[rank], MPI_BYTE, rbuf, ci, di, MPI_BYTE, 0, MPI_COMM_WORLD);
        if (e != MPI_SUCCESS) {
            rc = nytte_error(ctx, NYTTE_EIO, "gather: MPI error %d", e);
            goto cleanup;
        }
        for (int r = 0; receives && r < size; r++)
            memcpy(buf + off[r] + k * chunk, rbuf + di[r], (size_t)ci[r]);
    }
    *all = buf;
    buf = NULL;
cleanup:
    free(buf);
    free(rbuf);
    free(cl);
    free(off);
    free(ci);
    free(di);
    return rc;
}

int nytte_dist_gather(nytte_ctx *ctx, void **all, size_t *counts, const void *mine, size_t n)
{
    return gather_any(ctx, all, counts, mine, n, false);
}

int nytte_dist_allgather(nytte_ctx *ctx, void **all, size_t *counts, const void *mine, size_t n)
{
    return gather_any(ctx, all, counts, mine, n, true);
}

int nytte_dist_bcast(nytte_ctx *ctx, void *buf, size_t n)
{
    if (nytte_dist_size() == 1)
        return NYTTE_OK;
    for (size_t off = 0; off < n;) {
        size_t m = n - off > (size_t)INT_MAX ? (size_t)INT_MAX : n - off;
        if (MPI_Bcast((char *)buf + off, (int)m, MPI_BYTE, 0, MPI_COMM_WORLD) != MPI_SUCCESS)
            return nytte_error(ctx, NYTTE_EIO, "broadcast: MPI error");
        off += m;
    }
    return NYTTE_OK;
}

#else /* one process */

int nytte_dist_init(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    return NYTTE_OK;
}
void nytte_dist_finalize(void) {}
int nytte_dist_rank(void) { return 0; }
int nytte_dist_size(void) { return 1; }
bool nytte_dist_have_mpi(void) { return false; }
void nytte_dist_abort(int code) { (void)code; }
void nytte_dist_barrier(void) {}
double nytte_dist_max(double x) { return x; }
int nytte_dist_agree(nytte_ctx *ctx, int rc, const char *what)
{
    (void)ctx;
    (void)what;
    return rc;
}

int nytte_dist_gather(nytte_ctx *ctx, void **all, size_t *counts, const void *mine, size_t n)
{
    counts[0] = n;
    *all = malloc(n ? n : 1);
    if (!*all)
        return nytte_nomem(ctx, "gather");
    memcpy(*all, mine, n);
    return NYTTE_OK;
}

int nytte_dist_allgather(nytte_ctx *ctx, void **all, size_t *counts, const void *mine, size_t n)
{
    return nytte_dist_gather(ctx, all, counts, mine, n);
}

int nytte_dist_bcast(nytte_ctx *ctx, void *buf, size_t n)
{
    (void)ctx;
    (void)buf;
    (void)n;
    return NYTTE_OK;
}
#endif

/* ---- one report of an error common to the ranks ------------------------------------- */

void nytte_dist_report_once(nytte_ctx *ctx, int rc)
{
    if (nytte_dist_size() == 1)
        return;
    struct {
        int32_t rc;
        char msg[1024];
    } r0;
    memset(&r0, 0, sizeof r0);
    int rank = nytte_dist_rank();
    if (rank == 0 && rc)
        snprintf(r0.msg, sizeof r0.msg, "%s", nytte_ctx_errmsg(ctx));
    r0.rc = rank == 0 ? rc : 0;
    if (nytte_dist_bcast(NULL, &r0, sizeof r0) != NYTTE_OK || rank == 0 || !rc || !r0.rc)
        return;
    const char *m = nytte_ctx_errmsg(ctx);
    size_t n = strlen(m), e = strlen(DIST_ECHO);
    if ((n >= e && strcmp(m + n - e, DIST_ECHO) == 0) || strcmp(m, r0.msg) == 0)
        nytte_ctx_mark_reported(ctx);
}

/* ---- the overlay shared between ranks ------------------------------------------ */

#define DIST_OVERLAY_TILE 512 /* the block size of the rasters the hazard stage writes */

/* The shared overlay; the results go to every rank (everywhere) or to rank 0 alone. */
static int overlay_zonal(nytte_ctx *ctx, const nytte_overlay_opts *opts, const nytte_geom *geoms, size_t ngeoms,
                         const char *const *raster_paths, size_t nrasters, nytte_zonal_stats *out, bool everywhere)
{
    int size = nytte_dist_size(), rank = nytte_dist_rank();
    if (size == 1 || nrasters == 0)
        return nytte_overlay_zonal(ctx, opts, geoms, ngeoms, raster_paths, nrasters, out);
    nytte_grid grid;
    char *wkt = NULL;
    int *owner = NULL, rc;
    size_t *idx = NULL, *counts = NULL, nmine = 0, rec = sizeof(uint64_t) + nrasters * sizeof(nytte_zonal_stats);
    nytte_geom *sub = NULL;
    nytte_zonal_stats *st = NULL;
    unsigned char *pack = NULL, *all = NULL;
    nytte_tiling t;
    /* every rank decides the same partition from the same inputs: no message needed */
    if ((rc = nytte_raster_info(ctx, raster_paths[0], &grid, &wkt)))
        goto agree;
    if ((rc = nytte_tiling_init(ctx, &t, grid.nx, grid.ny, DIST_OVERLAY_TILE, DIST_OVERLAY_TILE)) ||
        (rc = nytte_dist_partition_geoms(ctx, &owner, geoms, ngeoms, &t, &grid, size)))
        goto agree;
    for (size_t i = 0; i < ngeoms; i++)
        nmine += owner[i] == rank;
    idx = malloc((nmine ? nmine : 1) * sizeof *idx);
    sub = malloc((nmine ? nmine : 1) * sizeof *sub);
    st = malloc((nmine ? nmine : 1) * nrasters * sizeof *st);
    counts = malloc((size_t)size * sizeof *counts);
    pack = malloc((nmine ? nmine : 1) * rec);
    if (!idx || !sub || !st || !counts || !pack) {
        rc = nytte_nomem(ctx, "overlay");
        goto agree;
    }
    nmine = 0;
    for (size_t i = 0; i < ngeoms; i++)
        if (owner[i] == rank) {
            idx[nmine] = i;
            sub[nmine++] = geoms[i]; /* shallow: the overlay only reads */
        }
    nytte_log(ctx, NYTTE_LOG_INFO, "overlay: rank %d of %d computes %zu of %zu geometries", rank, size, nmine,
              ngeoms);
    rc = nytte_overlay_zonal(ctx, opts, sub, nmine, raster_paths, nrasters, st);
agree:
    /* a rank that failed stops every rank before the exchange */
    if ((rc = nytte_dist_agree(ctx, rc, "overlay")))
        goto cleanup;
    for (size_t k = 0; k < nmine; k++) {
        uint64_t i = idx[k];
        memcpy(pack + k * rec, &i, sizeof i);
        memcpy(pack + k * rec + sizeof i, st + k * nrasters, nrasters * sizeof *st);
    }
    rc = everywhere ? nytte_dist_allgather(ctx, (void **)&all, counts, pack, nmine * rec)
                    : nytte_dist_gather(ctx, (void **)&all, counts, pack, nmine * rec);
    if (rc || (!everywhere && rank != 0))
        goto cleanup;
    size_t total = 0;
    for (int r = 0; r < size; r++)
        total += counts[r];
    if (total != ngeoms * rec) {
        rc = nytte_error(ctx, NYTTE_EIO, "overlay: ranks returned %zu of %zu geometries", total / rec, ngeoms);
        goto cleanup;
    }
    for (size_t k = 0; k < ngeoms; k++) {
        uint64_t i;
        memcpy(&i, all + k * rec, sizeof i);
        memcpy(out + i * nrasters, all + k * rec + sizeof i, nrasters * sizeof *out);
    }
cleanup:
    free(wkt);
    free(owner);
    free(idx);
    free(sub);
    free(st);
    free(counts);
    free(pack);
    free(all);
    return rc;
}

int nytte_dist_overlay_zonal(nytte_ctx *ctx, const nytte_overlay_opts *opts, const nytte_geom *geoms, size_t ngeoms,
                             const char *const *raster_paths, size_t nrasters, nytte_zonal_stats *out)
{
    return overlay_zonal(ctx, opts, geoms, ngeoms, raster_paths, nrasters, out, true);
}

int nytte_dist_overlay_zonal_root(nytte_ctx *ctx, const nytte_overlay_opts *opts, const nytte_geom *geoms,
                                  size_t ngeoms, const char *const *raster_paths, size_t nrasters,
                                  nytte_zonal_stats *out)
{
    return overlay_zonal(ctx, opts, geoms, ngeoms, raster_paths, nrasters, out, false);
}
