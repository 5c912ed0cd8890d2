/*
 * groundwater.c — the groundwater exposure of a depth-to-groundwater raster file over
 * tiles across the ranks (one process without MPI), equal cell for cell to
 * nytte_hazard_drain + nytte_hazard_groundwater_exposure on the whole raster, with memory
 * per rank bounded by the tile size (plus GDAL's block cache), not by the raster.
 *
 * Every cell's exposure depends on that cell alone (its depth, the drains' lowering at
 * its centre), so there is nothing to exchange between tiles: each rank reads the windows
 * of its tiles (its contiguous run of the Hilbert curve, dealt by cells), computes the
 * lowering of each scenario's drains on the window with the hazard module's own rules
 * (grid_drain_lower: the global rows and columns, the same formulas) and the exposure
 * per cell (grid_drained, grid_exposure), and writes the tile as one GeoTIFF with
 * a band per scenario; rank 0 then writes each scenario's raster from the tiles
 * (tiles.c), byte for byte the file nytte_raster_write writes from the whole raster.
 */
#include "nytte/dist.h"
#include "nytte/io.h"

#include "dist/dist_int.h"
#include "grid/grid.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifdef _OPENMP
#include <omp.h>
#endif

/* One thread's reader and scratch. */
typedef struct gw_slot {
    nytte_raster_reader *rd;
    float *v, *low, *out; /* the window's depths, a scenario's lowering, its exposure */
    size_t cap;           /* cells each holds */
    bool nomem;           /* the lowering of a tile's band ran out of memory */
    dist_err err;
} gw_slot;

typedef struct gw_run {
    const char *path;
    const nytte_grid *g;
    nytte_raster nd;      /* only has_nodata and nodata: the file's nodata rule */
    nytte_raster drained; /* the same for the drained table (nytte_hazard_drain's output) */
    double threshold;
    const nytte_drain *const *drains;
    const size_t *ndrains;
} gw_run;

/* Band k of a tile: scenario k's exposure (nytte_tile_band_fn). */
typedef struct gw_band {
    const gw_run *r;
    gw_slot *s;
    int c0, r0, w, h;
} gw_band;

static const float *gw_exposure(void *user, size_t k)
{
    const gw_band *b = user;
    const gw_run *r = b->r;
    gw_slot *s = b->s;
    size_t n = (size_t)b->w * (size_t)b->h;
    if (r->ndrains[k] == 0) {
        /* the table as given: nytte_hazard_groundwater_exposure of the raster read */
        for (size_t i = 0; i < n; i++)
            s->out[i] = grid_exposure(s->v[i], nytte_raster_isnodata(&r->nd, s->v[i]), r->threshold);
        return s->out;
    }
    if (grid_drain_lower(r->g, s->low, r->drains[k], r->ndrains[k], b->c0, b->r0, b->w, b->h) != 0) {
        s->nomem = true;
        return NULL; /* the tile is refused */
    }
    /* nytte_hazard_drain (nodata becomes NYTTE_HAZARD_NODATA), then the exposure of that raster */
    for (size_t i = 0; i < n; i++) {
        float v = s->v[i];
        float dr = grid_drained(v, nytte_raster_isnodata(&r->nd, v), s->low[i]);
        s->out[i] = grid_exposure(dr, nytte_raster_isnodata(&r->drained, dr), r->threshold);
    }
    return s->out;
}

static int gw_tile(const gw_run *r, gw_slot *s, const dist_tileset *ts, size_t nscen, size_t tile, int c0, int r0,
                   int w, int h)
{
    nytte_io_gdal_msg_clear();
    if (!s->rd) {
        int orc = nytte_raster_reader_open(&s->rd, r->path);
        if (orc == NYTTE_ENOMEM)
            return dist_err_set(&s->err, NYTTE_ENOMEM, "tiled groundwater", "out of memory");
        if (orc)
            return dist_err_set(&s->err, NYTTE_EIO, r->path, "cannot open");
    }
    size_t n = (size_t)w * (size_t)h;
    if (n > s->cap) {
        free(s->v);
        free(s->low);
        free(s->out);
        s->v = malloc(n * sizeof *s->v);
        s->low = malloc(n * sizeof *s->low);
        s->out = malloc(n * sizeof *s->out);
        s->cap = s->v && s->low && s->out ? n : 0;
        if (!s->cap)
            return dist_err_set(&s->err, NYTTE_ENOMEM, "tiled groundwater", "out of memory");
    }
    if (nytte_raster_reader_read_window(s->rd, c0, r0, w, h, s->v) != NYTTE_OK)
        return dist_err_set(&s->err, NYTTE_EIO, r->path, "cannot read a window");
    char path[4200];
    dist_tile_path(path, sizeof path, ts->tile_dir, tile);
    gw_band b = {r, s, c0, r0, w, h};
    const char *failed = NULL;
    s->nomem = false;
    if (nytte_raster_tile_write(&failed, path, r->g, c0, r0, w, h, ts->crs, NYTTE_HAZARD_NODATA, nscen, gw_exposure,
                                &b) != NYTTE_OK)
        return s->nomem ? dist_err_set(&s->err, NYTTE_ENOMEM, "drains", "out of memory")
                        : dist_err_set(&s->err, NYTTE_EIO, path, failed);
    return 0;
}

int nytte_dist_groundwater_tiled(nytte_ctx *ctx, const nytte_dist_bathtub_opts *opts, const char *dtg_path,
                                 double threshold, const nytte_drain *const *drains, const size_t *ndrains,
                                 size_t nscen, const char *const *out_paths, nytte_minimax_stats *stats)
{
    nytte_dist_bathtub_opts o = NYTTE_DIST_BATHTUB_OPTS_INIT;
    if (opts)
        o = *opts;
    nytte_minimax_stats st0;
    if (!stats)
        stats = &st0;
    memset(stats, 0, sizeof *stats);
    if (o.tile < 1)
        return nytte_error(ctx, NYTTE_EUSAGE, "tiled groundwater: tile size must be >= 1, got %d", o.tile);
    if (!o.tile_dir || !o.tile_dir[0])
        return nytte_error(ctx, NYTTE_EUSAGE, "tiled groundwater: no folder for the tiles");
    if (nscen == 0 || !out_paths || !ndrains)
        return nytte_error(ctx, NYTTE_EUSAGE, "tiled groundwater: no output");
    for (size_t k = 0; k < nscen; k++)
        if (!out_paths[k] || !out_paths[k][0])
            return nytte_error(ctx, NYTTE_EUSAGE, "tiled groundwater: no output path for scenario %zu", k + 1);
    /* the raster: grid, CRS, nodata (every rank reads them; no cells) */
    nytte_io_init();
    nytte_io_gdal_msg_clear();
    nytte_grid g;
    char *crs = NULL;
    gw_slot *slots = NULL;
    size_t *order = NULL, k0 = 0, nmine = 0;
    int rc = nytte_raster_info(ctx, dtg_path, &g, NULL);
    if (rc)
        return rc;
    gw_run r = {dtg_path, &g, NYTTE_RASTER_INIT, NYTTE_RASTER_INIT, threshold, drains, ndrains};
    r.drained.has_nodata = true;
    r.drained.nodata = NYTTE_HAZARD_NODATA;
    if ((rc = nytte_raster_band_info(ctx, dtg_path, &r.nd.has_nodata, &r.nd.nodata, &crs)))
        return rc;
    /* the checks of the whole-raster functions, in their order */
    if (!(g.dx > 0.0) || !(g.dy > 0.0))
        rc = nytte_error(ctx, NYTTE_EUSAGE, "depth to groundwater: cell size must be > 0 (got %g x %g)", g.dx, g.dy);
    else if ((uint64_t)g.nx * (uint64_t)g.ny > UINT32_MAX)
        rc = nytte_error(ctx, NYTTE_EINPUT,
                         "depth to groundwater: %d x %d cells is more than the hazard stage handles (2^32 - 1)", g.nx,
                         g.ny);
    for (size_t k = 0; !rc && k < nscen; k++)
        rc = nytte_hazard_drain_check(ctx, &g, drains[k], ndrains[k]);
    if (!rc && !isfinite(threshold))
        rc = nytte_error(ctx, NYTTE_EINPUT, "groundwater: threshold is not a number");
    nytte_tiling t;
    if (rc || (rc = nytte_tiling_init(ctx, &t, g.nx, g.ny, o.tile, o.tile)) ||
        (rc = dist_tiles_begin(ctx, o.tile_dir, o.distributed)))
        goto cleanup;
    int nth = nytte_ctx_threads(ctx);
    /* the failures from here on may be this rank's alone: they go to dist_tiles_finish */
    if ((rc = dist_my_tiles(ctx, &t, o.distributed, &order, &k0, &nmine)) == NYTTE_OK &&
        !(slots = calloc((size_t)nth, sizeof *slots)))
        rc = nytte_nomem(ctx, "tiled groundwater");
    dist_tileset ts = {o.tile_dir, &g, crs, nscen};
    if (!rc) {
        double t0 = nytte_now();
        stats->ntiles_here = nmine;
        int failed = 0;
#pragma omp parallel for num_threads(nth) schedule(dynamic, 1) reduction(| : failed)
        for (size_t q = 0; q < nmine; q++) {
#ifdef _OPENMP
            gw_slot *s = &slots[omp_get_thread_num()];
#else
            gw_slot *s = &slots[0];
#endif
            int c0, r0, w, h;
            size_t tile = order[k0 + q];
            nytte_tiling_window(&t, tile, &c0, &r0, &w, &h);
            if (!s->err.code && gw_tile(&r, s, &ts, nscen, tile, c0, r0, w, h) != 0)
                failed = 1;
        }
        stats->t_tiles = nytte_now() - t0;
        for (int i = 0; failed && i < nth; i++) {
            if (slots[i].err.code) {
                rc = nytte_error(ctx, slots[i].err.code, "%s", slots[i].err.msg);
                break;
            }
        }
    }
    for (int i = 0; slots && i < nth; i++) {
        nytte_raster_reader_close(slots[i].rd);
        free(slots[i].v);
        free(slots[i].low);
        free(slots[i].out);
    }
    rc = dist_tiles_finish(ctx, rc, &ts, &t, nscen, out_paths, o.distributed, "tiled groundwater");
cleanup:
    free(slots);
    free(order);
    free(crs);
    return rc;
}
