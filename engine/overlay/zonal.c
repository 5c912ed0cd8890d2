/*
 * zonal.c — the parallel driver of the zonal statistics, for raster files (GDAL) and
 * in-memory rasters.
 *
 * Rasters on the same grid form a group. A group's grid is cut into tiles that follow
 * the block layout of its first raster (files) or 512 × 512 cells (memory). Every
 * (geometry, tile) pair whose envelope meets the tile is one unit of work: the
 * coverage of the geometry on the part of its window inside the tile is computed once
 * and applied to every raster of the group. Tiles are processed in parallel (OpenMP,
 * dynamic schedule, row-major tile order), each thread with its own GDAL handles,
 * tile buffers and scratch, so each block of an aligned raster is read exactly once
 * and memory is bounded by threads × tile size, not by raster size.
 *
 * Determinism: a geometry inside one tile writes its own output slot; a geometry
 * spanning several tiles writes one partial sum per tile into its own slots, merged
 * after the loop in tile order. Nothing depends on which thread did what, so the
 * results are byte-identical for any thread count. Errors are collected per thread and
 * the one with the lowest geometry index is reported.
 */
#include "overlay/overlay_int.h"

#include <cpl_error.h>
#include <gdal.h>
#include <math.h>
#include <omp.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define OVL_MEM_TILE 512     /* tile edge for in-memory rasters, cells */
#define OVL_MIN_TILE_ROWS 64 /* strips are grouped into tiles of at least this many rows */
#define OVL_ERRMSG 512

/* One raster as the driver sees it. */
typedef struct ovl_rast {
    const char *path;         /* file, or NULL for in-memory */
    const nytte_raster *mem;  /* borrowed */
    nytte_grid grid;
    bool has_nodata;
    float nodata;
    GDALDataType dt;
    int bw, bh;               /* block size (files) */
} ovl_rast;

/* Rasters on one grid and its tiles. */
typedef struct ovl_group {
    nytte_grid grid;
    size_t nr;
    size_t *ridx;             /* indices into the raster list */
    int tw, th;               /* tile size, cells */
    int bpt;                  /* blocks per tile (stacked vertically; files) */
    int ntx, nty;
} ovl_group;

typedef struct ovl_job {
    const nytte_overlay_opts *opts;
    const nytte_geom *geoms;
    size_t ngeoms;
    const ovl_rast *rasts;
    size_t nrasters;
    nytte_zonal_stats *out;
    int nthreads;
} ovl_job;

/* (geometry, tile) work unit. */
typedef struct ovl_pair {
    size_t geom;
    uint32_t rank; /* index of this tile among the geometry's tiles (row-major) */
} ovl_pair;

/* Per-thread worker state. */
typedef struct ovl_thread {
    ovl_scratch cov;          /* coverage pieces and spans, reused for every polygon */
    float **tile;             /* per raster of the group (files) */
    void *blockbuf;           /* one block in its native type (files) */
    GDALDatasetH *ds;
    const float **vals;
    size_t *stride;
    size_t cur_tile;          /* the tile being worked on (0 before the first) */
    size_t err_geom;          /* SIZE_MAX: none */
    size_t err_tile;          /* the tile of that failure */
    int err_code;
    char err_msg[OVL_ERRMSG];
} ovl_thread;

static void thread_fail(ovl_thread *t, size_t geom, int code, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/*
 * Keep the failure of the lowest (geometry, tile): a geometry over several tiles can fail
 * on more than one, and which thread meets which first depends on the schedule; the
 * lowest pair is the one a single thread reports too.
 */
static void thread_fail(ovl_thread *t, size_t geom, int code, const char *fmt, ...)
{
    if (t->err_code != NYTTE_OK && (t->err_geom < geom || (t->err_geom == geom && t->err_tile <= t->cur_tile)))
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(t->err_msg, sizeof t->err_msg, fmt, ap);
    va_end(ap);
    t->err_geom = geom;
    t->err_tile = t->cur_tile;
    t->err_code = code;
}

static const char *gdal_msg(void)
{
    const char *m = CPLGetLastErrorMsg();
    return m && *m ? m : "unknown GDAL error";
}

/* ---- options and inputs --------------------------------------------------- */

static int check_inputs(nytte_ctx *ctx, const nytte_overlay_opts *o, const nytte_geom *geoms, size_t ngeoms)
{
    if (o->mode != NYTTE_COVER_EXACT && o->mode != NYTTE_COVER_CENTRE && o->mode != NYTTE_COVER_ALL_TOUCHED)
        return nytte_error(ctx, NYTTE_EUSAGE, "overlay: unknown cover mode %d", (int)o->mode);
    if (o->nthresholds < 0 || o->nthresholds > NYTTE_OVERLAY_MAX_THRESHOLDS)
        return nytte_error(ctx, NYTTE_EUSAGE, "overlay: %d thresholds (at most %d)", o->nthresholds,
                           NYTTE_OVERLAY_MAX_THRESHOLDS);
    for (int k = 0; k < o->nthresholds; k++)
        if (isnan(o->thresholds[k]))
            return nytte_error(ctx, NYTTE_EUSAGE, "overlay: threshold %d is NaN", k + 1);
    for (size_t i = 0; i < ngeoms; i++) {
        if (geoms[i].kind == NYTTE_GEOM_LINE)
            return nytte_error(ctx, NYTTE_EINPUT, "overlay: geometry %zu: lines have no area; give polygons or points",
                               i);
        if (!ovl_geom_ok(&geoms[i]))
            return nytte_error(ctx, NYTTE_EINPUT, "overlay: geometry %zu: invalid geometry or non-finite coordinates", i);
    }
    return NYTTE_OK;
}

static void groups_free(ovl_group *g, size_t n)
{
    for (size_t i = 0; g && i < n; i++)
        free(g[i].ridx);
    free(g);
}

/* Group rasters by grid, in order of first appearance; choose each group's tiles. */
static int make_groups(nytte_ctx *ctx, const ovl_rast *r, size_t nr, int nthreads, size_t cache_bytes,
                       ovl_group **out, size_t *nout)
{
    ovl_group *g = calloc(nr, sizeof *g);
    size_t ng = 0;
    if (!g)
        return nytte_nomem(ctx, "overlay");
    for (size_t i = 0; i < nr; i++) {
        size_t k = 0;
        while (k < ng && !nytte_grid_same(&g[k].grid, &r[i].grid))
            k++;
        if (k == ng) {
            g[k].grid = r[i].grid;
            g[k].ridx = malloc(nr * sizeof *g[k].ridx);
            if (!g[k].ridx) {
                groups_free(g, ng);
                return nytte_nomem(ctx, "overlay");
            }
            ng++;
        }
        g[k].ridx[g[k].nr++] = i;
    }
    for (size_t k = 0; k < ng; k++) {
        const ovl_rast *first = &r[g[k].ridx[0]];
        if (first->mem) {
            g[k].tw = g[k].th = OVL_MEM_TILE;
            g[k].bpt = 1;
        } else {
            /* Tiles are whole blocks of the first raster; strips (short blocks) are
             * stacked into taller tiles, as far as the cache budget allows. */
            int bw = first->bw, bh = first->bh, ky = 1;
            if (bh < OVL_MIN_TILE_ROWS)
                ky = (OVL_MIN_TILE_ROWS + bh - 1) / bh;
            double per_block = (double)bw * bh * sizeof(float) * (double)g[k].nr * nthreads;
            while (ky > 1 && per_block * ky > (double)cache_bytes)
                ky--;
            g[k].tw = bw;
            g[k].th = bh * ky;
            g[k].bpt = ky;
        }
        g[k].ntx = (int)((g[k].grid.nx + (int64_t)g[k].tw - 1) / g[k].tw);
        g[k].nty = (int)((g[k].grid.ny + (int64_t)g[k].th - 1) / g[k].th);
    }
    *out = g;
    *nout = ng;
    return NYTTE_OK;
}

/* ---- per-thread state ------------------------------------------------------ */

static void thread_close(ovl_thread *t, size_t nr)
{
    ovl_scratch_free(&t->cov);
    for (size_t k = 0; t->tile && k < nr; k++)
        free(t->tile[k]);
    for (size_t k = 0; t->ds && k < nr; k++)
        if (t->ds[k])
            GDALClose(t->ds[k]);
    free(t->tile);
    free(t->ds);
    free(t->blockbuf);
    free(t->vals);
    free(t->stride);
    t->tile = NULL;
    t->ds = NULL;
    t->blockbuf = NULL;
    t->vals = NULL;
    t->stride = NULL;
}

/* Open this thread's handles and buffers. Failures go into t. */
static void thread_open(ovl_thread *t, const ovl_job *job, const ovl_group *grp)
{
    size_t nr = grp->nr, tcells = (size_t)grp->tw * (size_t)grp->th;
    t->vals = calloc(nr, sizeof *t->vals);
    t->stride = calloc(nr, sizeof *t->stride);
    t->tile = calloc(nr, sizeof *t->tile);
    t->ds = calloc(nr, sizeof *t->ds);
    if (!t->vals || !t->stride || !t->tile || !t->ds) {
        thread_fail(t, 0, NYTTE_ENOMEM, "overlay: out of memory");
        return;
    }
    size_t blockbytes = 0;
    for (size_t k = 0; k < nr; k++) {
        const ovl_rast *r = &job->rasts[grp->ridx[k]];
        if (r->mem)
            continue;
        t->tile[k] = malloc(tcells * sizeof(float));
        if (!t->tile[k]) {
            thread_fail(t, 0, NYTTE_ENOMEM, "%s: a tile of %zu cells: out of memory", r->path, tcells);
            return;
        }
        CPLErrorReset();
        t->ds[k] = GDALOpenEx(r->path, GDAL_OF_RASTER | GDAL_OF_READONLY, NULL, NULL, NULL);
        if (!t->ds[k]) {
            thread_fail(t, 0, NYTTE_EIO, "%s: cannot open: %s", r->path, gdal_msg());
            return;
        }
        size_t bb = (size_t)r->bw * (size_t)r->bh * (size_t)GDALGetDataTypeSizeBytes(r->dt);
        if (bb > blockbytes)
            blockbytes = bb;
    }
    if (blockbytes) {
        t->blockbuf = malloc(blockbytes);
        if (!t->blockbuf)
            thread_fail(t, 0, NYTTE_ENOMEM, "overlay: a block of %zu bytes: out of memory", blockbytes);
    }
}

/*
 * Point t->vals[k] at the cells of tile (tx, ty) of raster k: in memory directly, from
 * files by whole blocks (GDALReadBlock, no GDAL cache) when the raster has the tile's
 * block layout, else through GDALRasterIO. `geom` is the lowest geometry of the tile,
 * for the error message.
 */
static int load_tile(ovl_thread *t, const ovl_job *job, const ovl_group *grp, size_t k, int tx, int ty, size_t geom)
{
    const ovl_rast *r = &job->rasts[grp->ridx[k]];
    int c0 = tx * grp->tw, r0 = ty * grp->th;
    int c1 = c0 + grp->tw < grp->grid.nx ? c0 + grp->tw : grp->grid.nx;
    int r1 = r0 + grp->th < grp->grid.ny ? r0 + grp->th : grp->grid.ny;
    if (r->mem) {
        t->vals[k] = r->mem->v + (size_t)r0 * (size_t)grp->grid.nx + (size_t)c0;
        t->stride[k] = (size_t)grp->grid.nx;
        return NYTTE_OK;
    }
    float *buf = t->tile[k];
    GDALRasterBandH band = GDALGetRasterBand(t->ds[k], 1);
    t->vals[k] = buf;
    t->stride[k] = (size_t)grp->tw;
    if (r->bw == grp->tw && r->bh * grp->bpt == grp->th) {
        int nby = (grp->grid.ny + r->bh - 1) / r->bh;
        size_t bcells = (size_t)r->bw * (size_t)r->bh;
        for (int j = 0; j < grp->bpt; j++) {
            int by = ty * grp->bpt + j;
            if (by >= nby)
                break;
            float *dst = buf + (size_t)j * bcells;
            void *into = r->dt == GDT_Float32 ? (void *)dst : t->blockbuf;
            CPLErrorReset();
            if (GDALReadBlock(band, tx, by, into) != CE_None) {
                thread_fail(t, geom, NYTTE_EIO, "%s: polygon %zu: cannot read block %d,%d: %s", r->path, geom, tx, by,
                            gdal_msg());
                return NYTTE_EIO;
            }
            if (r->dt != GDT_Float32)
                GDALCopyWords64(t->blockbuf, r->dt, GDALGetDataTypeSizeBytes(r->dt), dst, GDT_Float32,
                                (int)sizeof(float), (GPtrDiff_t)bcells);
        }
        return NYTTE_OK;
    }
    CPLErrorReset();
    if (GDALRasterIO(band, GF_Read, c0, r0, c1 - c0, r1 - r0, buf, c1 - c0, r1 - r0, GDT_Float32, 0,
                     (int)(sizeof(float) * (size_t)grp->tw)) != CE_None) {
        thread_fail(t, geom, NYTTE_EIO, "%s: polygon %zu: cannot read cells %d,%d to %d,%d: %s", r->path, geom, c0, r0,
                    c1, r1, gdal_msg());
        return NYTTE_EIO;
    }
    return NYTTE_OK;
}

/* ---- the plan: which tiles each geometry meets ------------------------------ */

typedef struct ovl_plan {
    int (*win)[4];            /* per geometry: tile range tx0, ty0, tx1, ty1 (inclusive); tx0 > tx1: none */
    size_t *first;            /* per geometry: first partial slot (SIZE_MAX: one tile or none) */
    size_t npartial;          /* partial slots (pairs of geometries with several tiles) */
    size_t *tstart;           /* per tile: start in pairs; ntiles + 1 */
    ovl_pair *pairs;
    int *active;              /* tiles with work, row-major */
    size_t nactive;
} ovl_plan;

static void plan_free(ovl_plan *p)
{
    free(p->win);
    free(p->first);
    free(p->tstart);
    free(p->pairs);
    free(p->active);
    memset(p, 0, sizeof *p);
}

static int plan_make(ovl_plan *p, const ovl_job *job, const ovl_group *grp)
{
    memset(p, 0, sizeof *p);
    size_t ng = job->ngeoms, ntiles = (size_t)grp->ntx * (size_t)grp->nty;
    p->win = malloc((ng ? ng : 1) * sizeof *p->win);
    p->first = malloc((ng ? ng : 1) * sizeof *p->first);
    p->tstart = calloc(ntiles + 1, sizeof *p->tstart);
    if (!p->win || !p->first || !p->tstart)
        return NYTTE_ENOMEM;
    size_t npairs = 0;
    for (size_t i = 0; i < ng; i++) {
        int c0, r0, c1, r1, *w = p->win[i];
        p->first[i] = SIZE_MAX;
        if (!ovl_geom_window(&grp->grid, &job->geoms[i], &c0, &r0, &c1, &r1)) {
            w[0] = 1, w[1] = 0, w[2] = 0, w[3] = 0;
            continue;
        }
        w[0] = c0 / grp->tw, w[1] = r0 / grp->th, w[2] = (c1 - 1) / grp->tw, w[3] = (r1 - 1) / grp->th;
        size_t n = (size_t)(w[2] - w[0] + 1) * (size_t)(w[3] - w[1] + 1);
        if (n > 1) {
            p->first[i] = p->npartial;
            p->npartial += n;
        }
        npairs += n;
        for (int ty = w[1]; ty <= w[3]; ty++)
            for (int tx = w[0]; tx <= w[2]; tx++)
                p->tstart[(size_t)ty * (size_t)grp->ntx + (size_t)tx + 1]++;
    }
    size_t nact = 0;
    for (size_t t = 0; t < ntiles; t++) {
        if (p->tstart[t + 1])
            nact++;
        p->tstart[t + 1] += p->tstart[t];
    }
    p->pairs = malloc((npairs ? npairs : 1) * sizeof *p->pairs);
    p->active = malloc((nact ? nact : 1) * sizeof *p->active);
    size_t *fill = malloc((ntiles ? ntiles : 1) * sizeof *fill);
    if (!p->pairs || !p->active || !fill) {
        free(fill);
        return NYTTE_ENOMEM;
    }
    memcpy(fill, p->tstart, ntiles * sizeof *fill);
    for (size_t i = 0; i < ng; i++) {
        const int *w = p->win[i];
        if (w[0] > w[2])
            continue;
        uint32_t rank = 0;
        for (int ty = w[1]; ty <= w[3]; ty++)
            for (int tx = w[0]; tx <= w[2]; tx++) {
                size_t t = (size_t)ty * (size_t)grp->ntx + (size_t)tx;
                p->pairs[fill[t]++] = (ovl_pair){i, rank++};
            }
    }
    free(fill);
    for (size_t t = 0; t < ntiles; t++)
        if (p->tstart[t + 1] > p->tstart[t])
            p->active[p->nactive++] = (int)t;
    return NYTTE_OK;
}

/* ---- the work of one tile ---------------------------------------------------- */

static void do_tile(ovl_thread *t, const ovl_job *job, const ovl_group *grp, const ovl_plan *plan, int tile,
                    ovl_acc *partial)
{
    const nytte_overlay_opts *o = job->opts;
    size_t b = plan->tstart[tile], e = plan->tstart[tile + 1];
    int tx = tile % grp->ntx, ty = tile / grp->ntx;
    int tc0 = tx * grp->tw, tr0 = ty * grp->th;
    int tc1 = tc0 + grp->tw < grp->grid.nx ? tc0 + grp->tw : grp->grid.nx;
    int tr1 = tr0 + grp->th < grp->grid.ny ? tr0 + grp->th : grp->grid.ny;
    t->cur_tile = (size_t)tile;
    for (size_t k = 0; k < grp->nr; k++)
        if (load_tile(t, job, grp, k, tx, ty, plan->pairs[b].geom) != NYTTE_OK)
            return;
    double cell_area = grp->grid.dx * grp->grid.dy;
    for (size_t p = b; p < e; p++) {
        size_t gi = plan->pairs[p].geom;
        const nytte_geom *g = &job->geoms[gi];
        int c0, r0, c1, r1;
        ovl_geom_window(&grp->grid, g, &c0, &r0, &c1, &r1);
        c0 = c0 > tc0 ? c0 : tc0;
        r0 = r0 > tr0 ? r0 : tr0;
        c1 = c1 < tc1 ? c1 : tc1;
        r1 = r1 < tr1 ? r1 : tr1;
        int nc = c1 - c0, nrw = r1 - r0;
        if (ovl_cover_spans(&t->cov, &grp->grid, g, o->mode, c0, r0, nc, nrw) != NYTTE_OK) {
            thread_fail(t, gi, NYTTE_ENOMEM, "overlay: polygon %zu: out of memory", gi);
            continue;
        }
        bool single = plan->first[gi] == SIZE_MAX;
        double parea = single ? nytte_geom_area(g) : 0.0;
        bool inside = single && ovl_inside_extent(&grp->grid, g);
        for (size_t k = 0; k < grp->nr; k++) {
            const ovl_rast *r = &job->rasts[grp->ridx[k]];
            const float *v = t->vals[k] + (size_t)(r0 - tr0) * t->stride[k] + (size_t)(c0 - tc0);
            ovl_acc a;
            ovl_acc_init(&a);
            ovl_acc_add_spans(&a, t->cov.spans, t->cov.nspans, v, t->stride[k], r->has_nodata, r->nodata,
                              o->thresholds, o->nthresholds);
            if (single)
                ovl_acc_finish(&job->out[gi * job->nrasters + grp->ridx[k]], &a, g, cell_area, parea, inside,
                               o->nthresholds);
            else
                partial[(plan->first[gi] + plan->pairs[p].rank) * grp->nr + k] = a;
        }
    }
}

/* One group: plan, the parallel loop over tiles, then the merge of multi-tile sums. */
static int run_group(nytte_ctx *ctx, const ovl_job *job, const ovl_group *grp)
{
    ovl_plan plan;
    ovl_acc *partial = NULL;
    ovl_thread *th = NULL;
    int rc = plan_make(&plan, job, grp);
    if (rc != NYTTE_OK) {
        rc = nytte_nomem(ctx, "overlay: planning %zu geometries", job->ngeoms);
        goto cleanup;
    }
    partial = malloc((plan.npartial ? plan.npartial : 1) * grp->nr * sizeof *partial);
    int nt = job->nthreads;
    if ((size_t)nt > plan.nactive)
        nt = plan.nactive ? (int)plan.nactive : 1;
    th = calloc((size_t)nt, sizeof *th);
    if (!partial || !th) {
        rc = nytte_nomem(ctx, "overlay: %zu partial sums", plan.npartial);
        goto cleanup;
    }
    for (int i = 0; i < nt; i++)
        th[i].err_geom = SIZE_MAX;

#pragma omp parallel num_threads(nt)
    {
        ovl_thread *t = &th[omp_get_thread_num()];
        CPLPushErrorHandler(CPLQuietErrorHandler);
        thread_open(t, job, grp);
        bool ok = t->err_code == NYTTE_OK;
#pragma omp for schedule(dynamic, 1)
        for (size_t a = 0; a < plan.nactive; a++)
            if (ok)
                do_tile(t, job, grp, &plan, plan.active[a], partial);
        thread_close(t, grp->nr);
        CPLPopErrorHandler();
    }

    size_t best = SIZE_MAX;
    int bi = -1;
    for (int i = 0; i < nt; i++)
        if (th[i].err_code != NYTTE_OK &&
            (bi < 0 || th[i].err_geom < best || (th[i].err_geom == best && th[i].err_tile < th[bi].err_tile))) {
            best = th[i].err_geom;
            bi = i;
        }
    if (bi >= 0) {
        rc = nytte_error(ctx, th[bi].err_code, "%s", th[bi].err_msg);
        goto cleanup;
    }

    /* Geometries with no tile (outside the grid, empty) and with several tiles. */
    double cell_area = grp->grid.dx * grp->grid.dy;
    int nthr = job->opts->nthresholds;
#pragma omp parallel for num_threads(nt) schedule(static)
    for (size_t i = 0; i < job->ngeoms; i++) {
        const int *w = plan.win[i];
        bool none = w[0] > w[2];
        if (!none && plan.first[i] == SIZE_MAX)
            continue;
        const nytte_geom *g = &job->geoms[i];
        size_t n = none ? 0 : (size_t)(w[2] - w[0] + 1) * (size_t)(w[3] - w[1] + 1);
        double parea = nytte_geom_area(g);
        bool inside = ovl_inside_extent(&grp->grid, g);
        for (size_t k = 0; k < grp->nr; k++) {
            ovl_acc a;
            ovl_acc_init(&a);
            for (size_t j = 0; j < n; j++)
                ovl_acc_merge(&a, &partial[(plan.first[i] + j) * grp->nr + k]);
            ovl_acc_finish(&job->out[i * job->nrasters + grp->ridx[k]], &a, g, cell_area, parea, inside, nthr);
        }
    }

cleanup:
    free(th);
    free(partial);
    plan_free(&plan);
    return rc;
}

static int run_job(nytte_ctx *ctx, const ovl_job *job)
{
    ovl_group *groups = NULL;
    size_t ng = 0;
    size_t cache = job->opts->cache_bytes ? job->opts->cache_bytes : (size_t)64 << 20;
    int rc = make_groups(ctx, job->rasts, job->nrasters, job->nthreads, cache, &groups, &ng);
    for (size_t k = 0; rc == NYTTE_OK && k < ng; k++)
        rc = run_group(ctx, job, &groups[k]);
    groups_free(groups, ng);
    return rc;
}

/* ---- public entry points -------------------------------------------------------- */

int nytte_overlay_zonal_mem(nytte_ctx *ctx, const nytte_overlay_opts *opts, const nytte_geom *geoms, size_t ngeoms,
                            const nytte_raster *const *rasters, size_t nrasters, nytte_zonal_stats *out)
{
    nytte_overlay_opts defaults = NYTTE_OVERLAY_OPTS_INIT;
    const nytte_overlay_opts *o = opts ? opts : &defaults;
    int rc = check_inputs(ctx, o, geoms, ngeoms);
    if (rc != NYTTE_OK || ngeoms == 0 || nrasters == 0)
        return rc;
    ovl_rast *r = calloc(nrasters, sizeof *r);
    if (!r)
        return nytte_nomem(ctx, "overlay");
    for (size_t i = 0; i < nrasters; i++) {
        const nytte_raster *m = rasters[i];
        if (!m || !m->v || m->grid.nx <= 0 || m->grid.ny <= 0 || !(m->grid.dx > 0) || !(m->grid.dy > 0)) {
            free(r);
            return nytte_error(ctx, NYTTE_EUSAGE, "overlay: raster %zu: empty or invalid grid", i);
        }
        r[i] = (ovl_rast){NULL, m, m->grid, m->has_nodata, m->nodata, GDT_Float32, 0, 0};
    }
    ovl_job job = {o, geoms, ngeoms, r, nrasters, out, nytte_ctx_threads(ctx)};
    rc = run_job(ctx, &job);
    free(r);
    return rc;
}

/* Grid, nodata, type and block size of band 1 of a raster file. */
static int probe_raster(nytte_ctx *ctx, ovl_rast *r, const char *path)
{
    memset(r, 0, sizeof *r);
    r->path = path;
    CPLErrorReset();
    GDALDatasetH ds = GDALOpenEx(path, GDAL_OF_RASTER | GDAL_OF_READONLY, NULL, NULL, NULL);
    if (!ds)
        return nytte_error(ctx, NYTTE_EIO, "%s: not a raster GDAL can read: %s", path, gdal_msg());
    int rc = NYTTE_OK;
    double gt[6];
    GDALRasterBandH band = GDALGetRasterCount(ds) >= 1 ? GDALGetRasterBand(ds, 1) : NULL;
    if (!band) {
        rc = nytte_error(ctx, NYTTE_EINPUT, "%s: raster has no band", path);
        goto cleanup;
    }
    if (GDALGetGeoTransform(ds, gt) != CE_None || gt[2] != 0.0 || gt[4] != 0.0 || !(gt[1] > 0) || !(gt[5] < 0)) {
        rc = nytte_error(ctx, NYTTE_EINPUT, "%s: raster is not georeferenced north-up (rotated or no geotransform)",
                         path);
        goto cleanup;
    }
    r->grid = (nytte_grid){gt[0], gt[3], gt[1], -gt[5], GDALGetRasterXSize(ds), GDALGetRasterYSize(ds)};
    int has = 0;
    double nd = GDALGetRasterNoDataValue(band, &has);
    r->has_nodata = has != 0;
    r->nodata = (float)nd;
    r->dt = GDALGetRasterDataType(band);
    GDALGetBlockSize(band, &r->bw, &r->bh);
    if (r->bw <= 0 || r->bh <= 0 || GDALGetDataTypeSizeBytes(r->dt) <= 0 || GDALDataTypeIsComplex(r->dt))
        rc = nytte_error(ctx, NYTTE_EINPUT, "%s: unsupported band layout or data type", path);
cleanup:
    GDALClose(ds);
    return rc;
}

int nytte_overlay_zonal(nytte_ctx *ctx, const nytte_overlay_opts *opts, const nytte_geom *geoms, size_t ngeoms,
                        const char *const *raster_paths, size_t nrasters, nytte_zonal_stats *out)
{
    nytte_overlay_opts defaults = NYTTE_OVERLAY_OPTS_INIT;
    const nytte_overlay_opts *o = opts ? opts : &defaults;
    int rc = check_inputs(ctx, o, geoms, ngeoms);
    if (rc != NYTTE_OK || ngeoms == 0 || nrasters == 0)
        return rc;
    if (GDALGetDriverCount() == 0)
        GDALAllRegister();
    ovl_rast *r = calloc(nrasters, sizeof *r);
    if (!r)
        return nytte_nomem(ctx, "overlay");
    CPLPushErrorHandler(CPLQuietErrorHandler);
    for (size_t i = 0; rc == NYTTE_OK && i < nrasters; i++)
        rc = probe_raster(ctx, &r[i], raster_paths[i]);
    CPLPopErrorHandler();
    if (rc == NYTTE_OK) {
        ovl_job job = {o, geoms, ngeoms, r, nrasters, out, nytte_ctx_threads(ctx)};
        rc = run_job(ctx, &job);
    }
    free(r);
    return rc;
}
