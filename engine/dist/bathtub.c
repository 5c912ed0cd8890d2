/*
 * bathtub.c — the connected bathtub of a terrain file computed tile by tile across the
 * ranks (one process without MPI), equal cell for cell to nytte_hazard_burn_barriers_ex +
 * nytte_hazard_bathtub_ex on the whole terrain, with memory per rank bounded by the tile
 * size (plus GDAL's block cache), not by the terrain.
 *
 *   1. Each tile's window (plus a one-cell halo) is read from the terrain file, the
 *      barriers are burned into it and its sea cells are marked — both by the rules of
 *      engine/hazard/ applied on the window of the global grid (same formulas, global row
 *      and column indices, so the same cells; see the window functions below).
 *   2. The flood level from the sea is computed over the tiles (nytte_dist_minimax_run,
 *      Barnes 2016; exact, docs/scale-out.md), once for all levels.
 *   3. Per tile and level: depth = level - terrain where flood_level < level (the
 *      bathtub floods a cell iff its flood level is below the water level), 0 elsewhere,
 *      nodata where the burned terrain has none. Each tile is written as one GeoTIFF with
 *      one band per level; rank 0 then writes each output as a VRT over the tiles or
 *      copies that VRT into one GeoTIFF.
 *
 * The window rasterising uses the rules of engine/hazard/ themselves, shared through the
 * grid toolkit (grid/grid.h: grid_polygon_cells_window, grid_line_cells_window,
 * grid_sea_cells, grid_barrier_check, grid_burn_cell), restricted to the rows and columns
 * of a window without changing a floating-point formula; test_dist.c checks the window
 * results against the whole-raster functions. Every file access goes through engine/io/
 * (io.h: nytte_raster_band_info, nytte_raster_reader_*, nytte_raster_tile_write,
 * nytte_raster_vrt_write, nytte_raster_vrt_to_tiff); this file holds no GDAL handle.
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

/* ---- sea cells on a window ------------------------------------------------------- */

/* The first line among the sea geometries, refused as nytte_hazard_bathtub refuses it. */
static int sea_lines(nytte_ctx *ctx, const nytte_geom *sea, size_t nsea)
{
    for (size_t k = 0; k < nsea; k++)
        if (sea[k].kind == NYTTE_GEOM_LINE)
            return nytte_error(ctx, NYTTE_EINPUT, "sea: geometry %zu is a line (give polygons or points)", k + 1);
    return NYTTE_OK;
}

int nytte_dist_sea_window(nytte_ctx *ctx, uint8_t *flag, const nytte_grid *g, const nytte_geom *sea, size_t nsea,
                          int col0, int row0, int w, int h)
{
    int rc = sea_lines(ctx, sea, nsea);
    if (rc)
        return rc;
    if (flag)
        memset(flag, 0, (size_t)w * (size_t)h);
    if (grid_sea_cells(flag, g, sea, nsea, col0, row0, w, h) == (size_t)-1)
        return nytte_nomem(ctx, "sea");
    return NYTTE_OK;
}

/* The sea checks of grid_mark_sea (the whole-raster functions), without marking. */
static int sea_check(nytte_ctx *ctx, const nytte_grid *g, const nytte_geom *sea, size_t nsea)
{
    int rc = sea_lines(ctx, sea, nsea);
    if (rc)
        return rc;
    size_t n = grid_sea_cells(NULL, g, sea, nsea, 0, 0, g->nx, g->ny);
    if (n == (size_t)-1)
        return nytte_nomem(ctx, "sea");
    if (n == 0)
        return nytte_error(ctx, NYTTE_EINPUT, "sea: no sea cell inside the terrain");
    return NYTTE_OK;
}

/* ---- barriers burned on a window --------------------------------------------------- */

typedef struct wburn {
    const nytte_grid *g;
    int col0, row0, w;
    grid_burn burn; /* burn.v is the window, burn.dem carries only the nodata rule */
} wburn;

/* grid_burn_cell on the window's copy of the cell. */
static void wburn_cell(void *user, size_t idx)
{
    wburn *b = user;
    int r = (int)(idx / (size_t)b->g->nx), c = (int)(idx % (size_t)b->g->nx);
    grid_burn_cell(&b->burn, (size_t)(r - b->row0) * (size_t)b->w + (size_t)(c - b->col0));
}

static void count_cell(void *user, size_t idx)
{
    (void)idx;
    (*(size_t *)user)++;
}

/* The checks of nytte_hazard_burn_barriers_ex, in its order and with its messages. */
static int barriers_check(nytte_ctx *ctx, const nytte_grid *g, const nytte_barrier *b, size_t nb,
                          const nytte_burn_mode *mode)
{
    for (size_t k = 0; k < nb; k++) {
        grid_burn burn;
        int rc = grid_barrier_check(ctx, &burn, &b[k], k, mode);
        if (rc)
            return rc;
        char nbuf[32];
        const char *name = grid_item_name(nbuf, sizeof nbuf, b[k].id, k);
        const nytte_geom *geo = b[k].geom;
        size_t touched = 0;
        if (geo->kind == NYTTE_GEOM_POLYGON) {
            size_t m = grid_polygon_cells_window(g, geo, 0, 0, g->nx, g->ny, NULL, NULL);
            if (m == (size_t)-1)
                return nytte_nomem(ctx, "barrier %s", name);
            touched += m;
        }
        for (size_t p = 0; p < geo->nparts && touched == 0; p++)
            grid_line_cells(g, geo->xy + 2 * geo->off[p], geo->off[p + 1] - geo->off[p], count_cell, &touched);
        if (touched == 0)
            return nytte_error(ctx, NYTTE_EINPUT, "barrier %s: lies wholly outside the terrain", name);
    }
    return NYTTE_OK;
}

/* Burn checked barriers into the window's values. 0, or -1 when out of memory. */
static int burn_window(float *v, const nytte_grid *g, bool has_nodata, float nodata, const nytte_barrier *b,
                       size_t nb, const nytte_burn_mode *mode, int col0, int row0, int w, int h)
{
    nytte_raster nd = NYTTE_RASTER_INIT; /* only has_nodata and nodata are used */
    nd.has_nodata = has_nodata;
    nd.nodata = nodata;
    for (size_t k = 0; k < nb; k++) {
        const nytte_geom *geo = b[k].geom;
        wburn st = {g, col0, row0, w, {&nd, v, 0.0f, NYTTE_BURN_RAISE}};
        grid_burn_set(&st.burn, &b[k], k, mode);
        if (geo->kind == NYTTE_GEOM_POLYGON &&
            grid_polygon_cells_window(g, geo, col0, row0, w, h, wburn_cell, &st) == (size_t)-1)
            return -1;
        for (size_t p = 0; p < geo->nparts; p++)
            grid_line_cells_window(g, geo->xy + 2 * geo->off[p], geo->off[p + 1] - geo->off[p], col0, row0, w, h,
                                   wburn_cell, &st);
    }
    return 0;
}

int nytte_dist_burn_window(nytte_ctx *ctx, float *v, const nytte_grid *g, bool has_nodata, float nodata,
                           const nytte_barrier *b, size_t nb, const nytte_burn_mode *mode, int col0, int row0, int w,
                           int h)
{
    int rc = barriers_check(ctx, g, b, nb, mode);
    if (rc)
        return rc;
    if (burn_window(v, g, has_nodata, nodata, b, nb, mode, col0, row0, w, h) != 0)
        return nytte_nomem(ctx, "barriers");
    return NYTTE_OK;
}

/* ---- the tiled run: reading windows, writing tiles ---------------------------------- */

/* One thread's handles and scratch. */
typedef struct bt_slot {
    nytte_raster_reader *rd; /* this thread's reader of the terrain */
    float *raw; /* the window with its halo as read and burned */
    size_t rawcap;
    float *z; /* the tile's burned terrain, NaN = nodata */
    size_t zcap;
    size_t ztile; /* the tile z holds, or SIZE_MAX */
    float *dep;   /* w*h depths of one level */
    size_t depcap;
    dist_err err; /* first failure of this thread */
} bt_slot;

typedef struct bt_run {
    const char *terrain;
    const nytte_grid *g;
    bool has_nodata;
    float nodata;
    const char *crs; /* WKT of the terrain, or NULL */
    const nytte_geom *sea;
    size_t nsea;
    const nytte_barrier *bars;
    size_t nbars;
    const nytte_burn_mode *modes;
    const double *levels;
    size_t nlev;
    const char *tile_dir;
    bt_slot *slot;
    int nslots;
    nytte_minimax_kind kind; /* FLOOD_LEVEL: the bathtub; FILL: the bluespots */
    size_t nbands;           /* bands per tile: nlev (bathtub), 1 (bluespots) */
} bt_run;

static const char *run_name(nytte_minimax_kind kind)
{
    return kind == NYTTE_MINIMAX_FILL ? "tiled bluespots" : "tiled bathtub";
}

static bt_slot *my_slot(bt_run *b)
{
#ifdef _OPENMP
    int t = omp_get_thread_num();
#else
    int t = 0;
#endif
    return t < b->nslots ? &b->slot[t] : NULL;
}

static int slot_fail(bt_slot *s, int code, const char *what, const char *action)
{
    return dist_err_set(&s->err, code, what, action);
}

static int grow(void **p, size_t *cap, size_t need)
{
    if (need <= *cap)
        return 0;
    void *q = realloc(*p, need);
    if (!q)
        return -1;
    *p = q;
    *cap = need;
    return 0;
}

/*
 * Read the window of tile `tile` with a one-cell halo (clipped to the raster), burn the
 * barriers into it, and write the halo window (NaN for nodata and outside) into zh (may be
 * NULL) and the tile's cells into s->z.
 */
static int read_tile(bt_run *b, bt_slot *s, size_t tile, int col0, int row0, int w, int h, float *zh)
{
    const nytte_grid *g = b->g;
    nytte_io_gdal_msg_clear();
    if (!s->rd) {
        int orc = nytte_raster_reader_open(&s->rd, b->terrain);
        if (orc == NYTTE_ENOMEM)
            return slot_fail(s, NYTTE_ENOMEM, run_name(b->kind), "out of memory");
        if (orc)
            return slot_fail(s, NYTTE_EIO, b->terrain, "cannot open");
    }
    int hc0 = col0 > 0 ? col0 - 1 : 0, hr0 = row0 > 0 ? row0 - 1 : 0;
    int hc1 = col0 + w < g->nx ? col0 + w + 1 : g->nx, hr1 = row0 + h < g->ny ? row0 + h + 1 : g->ny;
    int hw = hc1 - hc0, hh = hr1 - hr0;
    size_t n = (size_t)w * (size_t)h;
    if (grow((void **)&s->raw, &s->rawcap, (size_t)hw * (size_t)hh * sizeof(float)) ||
        grow((void **)&s->z, &s->zcap, n * sizeof(float)))
        return slot_fail(s, NYTTE_ENOMEM, run_name(b->kind), "out of memory");
    if (nytte_raster_reader_read_window(s->rd, hc0, hr0, hw, hh, s->raw) != NYTTE_OK)
        return slot_fail(s, NYTTE_EIO, b->terrain, "cannot read a window");
    if (burn_window(s->raw, g, b->has_nodata, b->nodata, b->bars, b->nbars, b->modes, hc0, hr0, hw, hh) != 0)
        return slot_fail(s, NYTTE_ENOMEM, "barriers", "out of memory");
    nytte_raster nd = NYTTE_RASTER_INIT;
    nd.has_nodata = b->has_nodata;
    nd.nodata = b->nodata;
    if (zh) {
        size_t k = 0;
        for (int r = row0 - 1; r <= row0 + h; r++) {
            for (int c = col0 - 1; c <= col0 + w; c++, k++) {
                if (r < hr0 || c < hc0 || r >= hr1 || c >= hc1) {
                    zh[k] = NAN;
                    continue;
                }
                float v = s->raw[(size_t)(r - hr0) * (size_t)hw + (size_t)(c - hc0)];
                zh[k] = nytte_raster_isnodata(&nd, v) ? NAN : v;
            }
        }
    }
    for (int r = 0; r < h; r++) {
        for (int c = 0; c < w; c++) {
            float v = s->raw[(size_t)(row0 + r - hr0) * (size_t)hw + (size_t)(col0 + c - hc0)];
            s->z[(size_t)r * (size_t)w + (size_t)c] = nytte_raster_isnodata(&nd, v) ? NAN : v;
        }
    }
    s->ztile = tile;
    return 0;
}

static int bt_source(void *user, size_t tile, int col0, int row0, int w, int h, float *zh, uint8_t *sea)
{
    bt_run *b = user;
    bt_slot *s = my_slot(b);
    if (!s)
        return -1;
    if (read_tile(b, s, tile, col0, row0, w, h, zh) != 0)
        return -1;
    if (!sea)
        return 0;
    memset(sea, 0, (size_t)w * (size_t)h);
    if (grid_sea_cells(sea, b->g, b->sea, b->nsea, col0, row0, w, h) == (size_t)-1)
        return slot_fail(s, NYTTE_ENOMEM, "sea", "out of memory");
    return 0;
}

/* The depths of one tile, one level at a time (nytte_tile_band_fn). */
typedef struct bt_band {
    const bt_run *b;
    bt_slot *s;
    const float *f; /* the tile's flood levels */
    size_t n;
} bt_band;

static const float *bt_depths(void *user, size_t k)
{
    const bt_band *t = user;
    bt_slot *s = t->s;
    if (t->b->kind == NYTTE_MINIMAX_FILL) {
        /* bluespots: filled - terrain, two Float32 subtracted in double and rounded once,
         * as nytte_hazard_bluespots_ex */
        for (size_t i = 0; i < t->n; i++) {
            float z = s->z[i];
            s->dep[i] = z != z ? NYTTE_HAZARD_NODATA : (float)((double)t->f[i] - (double)z);
        }
        return s->dep;
    }
    double level = t->b->levels[k];
    for (size_t i = 0; i < t->n; i++) {
        float z = s->z[i];
        if (z != z)
            s->dep[i] = NYTTE_HAZARD_NODATA;
        else if ((double)t->f[i] < level) /* the bathtub floods the cell iff flood_level < level */
            s->dep[i] = (float)(level - (double)z);
        else
            s->dep[i] = 0.0f;
    }
    return s->dep;
}

/* Depths of every level from the flood level of one tile, written as one GeoTIFF with nlev bands. */
static int bt_sink(void *user, size_t tile, int col0, int row0, int w, int h, const float *f)
{
    bt_run *b = user;
    bt_slot *s = my_slot(b);
    if (!s)
        return -1;
    /* the source of this tile ran on this thread just before (nytte_dist_minimax_run floods
     * a tile and hands it to the sink in one step); re-read the window if not */
    if (s->ztile != tile && read_tile(b, s, tile, col0, row0, w, h, NULL) != 0)
        return -1;
    size_t n = (size_t)w * (size_t)h;
    if (grow((void **)&s->dep, &s->depcap, n * sizeof(float)))
        return slot_fail(s, NYTTE_ENOMEM, run_name(b->kind), "out of memory");
    char path[4200];
    dist_tile_path(path, sizeof path, b->tile_dir, tile);
    nytte_io_gdal_msg_clear();
    bt_band band = {b, s, f, n};
    const char *failed = NULL;
    if (nytte_raster_tile_write(&failed, path, b->g, col0, row0, w, h, b->crs, NYTTE_HAZARD_NODATA, b->nbands,
                                bt_depths, &band) != NYTTE_OK)
        return slot_fail(s, NYTTE_EIO, path, failed);
    return 0;
}

/* ---- the public functions ---------------------------------------------------------- */

/*
 * The bathtub (kind FLOOD_LEVEL: nlev levels, a band each) or the bluespots (FILL: no sea,
 * levels NULL, one band written to each of the nlev outputs) of a terrain file over tiles.
 */
static int tiled_run(nytte_ctx *ctx, nytte_minimax_kind kind, const nytte_dist_bathtub_opts *opts,
                     const char *terrain_path, const nytte_geom *sea, size_t nsea, const nytte_barrier *bars,
                     size_t nbars, const double *levels, size_t nlev, const char *const *out_paths,
                     nytte_minimax_stats *stats)
{
    nytte_dist_bathtub_opts o = NYTTE_DIST_BATHTUB_OPTS_INIT;
    if (opts)
        o = *opts;
    int rc = NYTTE_OK;
    char *crs = NULL;
    bt_slot *slots = NULL;
    int nth = nytte_ctx_threads(ctx);
    if (o.connectivity != NYTTE_CONNECT_4 && o.connectivity != NYTTE_CONNECT_8)
        return nytte_error(ctx, NYTTE_EUSAGE, "%s: connectivity must be 4 or 8, got %d", run_name(kind), o.connectivity);
    if (o.tile < 1)
        return nytte_error(ctx, NYTTE_EUSAGE, "%s: tile size must be >= 1, got %d", run_name(kind), o.tile);
    if (!o.tile_dir || !o.tile_dir[0])
        return nytte_error(ctx, NYTTE_EUSAGE, "%s: no folder for the tiles", run_name(kind));
    if (nlev == 0 || !out_paths)
        return nytte_error(ctx, NYTTE_EUSAGE, "%s: no output", run_name(kind));
    for (size_t k = 0; k < nlev; k++) {
        if (kind == NYTTE_MINIMAX_FLOOD_LEVEL && !isfinite(levels[k]))
            return nytte_error(ctx, NYTTE_EINPUT, "bathtub: the water level is not a number");
        if (!out_paths[k] || !out_paths[k][0])
            return nytte_error(ctx, NYTTE_EUSAGE, "%s: no output path for level %zu", run_name(kind), k + 1);
    }
    /* the terrain: grid, CRS, nodata (every rank reads them; no cells) */
    nytte_io_init();
    nytte_io_gdal_msg_clear();
    nytte_grid g;
    if ((rc = nytte_raster_info(ctx, terrain_path, &g, NULL)))
        return rc;
    if ((uint64_t)g.nx * (uint64_t)g.ny > UINT32_MAX)
        return nytte_error(ctx, NYTTE_EINPUT, "terrain: %d x %d cells: more than 2^32 - 1", g.nx, g.ny);
    bool has = false;
    float ndf = 0.0f;
    if ((rc = nytte_raster_band_info(ctx, terrain_path, &has, &ndf, &crs)))
        return rc;
    /* the checks of the whole-raster functions, in their order: barriers, then the sea */
    if ((rc = barriers_check(ctx, &g, bars, nbars, o.modes)) ||
        (kind == NYTTE_MINIMAX_FLOOD_LEVEL && (rc = sea_check(ctx, &g, sea, nsea))))
        goto cleanup;
    nytte_tiling t;
    if ((rc = nytte_tiling_init(ctx, &t, g.nx, g.ny, o.tile, o.tile)))
        goto cleanup;
    if ((rc = dist_tiles_begin(ctx, o.tile_dir, o.distributed)))
        goto cleanup;
    slots = calloc((size_t)nth, sizeof *slots);
    if (!slots) {
        rc = nytte_nomem(ctx, "%s", run_name(kind));
        goto cleanup;
    }
    for (int i = 0; i < nth; i++)
        slots[i].ztile = SIZE_MAX;
    bt_run b = {terrain_path, &g,         has,   ndf, crs,  sea,  nsea, bars, nbars, o.modes, levels, nlev,
                o.tile_dir,   slots,      nth,   kind, kind == NYTTE_MINIMAX_FILL ? 1 : nlev};
    rc = nytte_dist_minimax_run(ctx, kind, o.connectivity, &t, bt_source, bt_sink, &b, o.distributed, stats);
    if (rc) {
        /* the first thread failure says more than "the tile source failed" */
        for (int i = 0; i < nth; i++) {
            if (slots[i].err.code) {
                rc = nytte_error(ctx, slots[i].err.code, "%s", slots[i].err.msg);
                break;
            }
        }
    }
    for (int i = 0; i < nth; i++) {
        nytte_raster_reader_close(slots[i].rd);
        free(slots[i].raw);
        free(slots[i].z);
        free(slots[i].dep);
    }
    dist_tileset ts = {o.tile_dir, &g, crs, b.nbands};
    rc = dist_tiles_finish(ctx, rc, &ts, &t, nlev, out_paths, o.distributed, run_name(kind));
cleanup:
    free(slots);
    free(crs);
    return rc;
}

int nytte_dist_bathtub_tiled(nytte_ctx *ctx, const nytte_dist_bathtub_opts *opts, const char *terrain_path,
                             const nytte_geom *sea, size_t nsea, const nytte_barrier *bars, size_t nbars,
                             const double *levels, size_t nlev, const char *const *out_paths,
                             nytte_minimax_stats *stats)
{
    return tiled_run(ctx, NYTTE_MINIMAX_FLOOD_LEVEL, opts, terrain_path, sea, nsea, bars, nbars, levels, nlev,
                     out_paths, stats);
}

int nytte_dist_bluespots_tiled(nytte_ctx *ctx, const nytte_dist_bathtub_opts *opts, const char *terrain_path,
                               const nytte_barrier *bars, size_t nbars, size_t nout, const char *const *out_paths,
                               nytte_minimax_stats *stats)
{
    return tiled_run(ctx, NYTTE_MINIMAX_FILL, opts, terrain_path, NULL, 0, bars, nbars, NULL, nout, out_paths,
                     stats);
}
