/*
 * tiles.c — the per-tile GeoTIFFs of a tiled raster computation (the bathtub, the
 * bluespots, the groundwater exposure over tiles) and the outputs rank 0 makes of them:
 * a VRT over the tiles, or one GeoTIFF copied from such a VRT by the writer of
 * nytte_raster_write, so byte for byte the file the whole-raster path writes. Every file
 * access goes through engine/io/; this file holds no GDAL handle.
 */
#include "dist/dist_int.h"
#include "nytte/hazard.h"
#include "nytte/io.h"


#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int dist_err_set(dist_err *e, int code, const char *what, const char *action)
{
    if (!e->code) {
        e->code = code;
        const char *gm = nytte_io_gdal_msg();
        snprintf(e->msg, sizeof e->msg, "%s: %s%s%s", what, action, gm && gm[0] ? ": " : "", gm ? gm : "");
    }
    return -1;
}

void dist_tile_path(char *buf, size_t n, const char *dir, size_t tile) { snprintf(buf, n, "%s/t%zu.tif", dir, tile); }

int dist_my_tiles(nytte_ctx *ctx, const nytte_tiling *t, bool distributed, size_t **order, size_t *k0, size_t *n)
{
    int size = distributed ? nytte_dist_size() : 1, rank = distributed ? nytte_dist_rank() : 0;
    size_t nt = nytte_tiling_count(t);
    int rc = nytte_tiling_curve(ctx, order, t);
    if (rc)
        return rc;
    size_t *first = malloc(((size_t)size + 1) * sizeof *first);
    double *wts = malloc((nt ? nt : 1) * sizeof *wts);
    if (!first || !wts) {
        free(*order);
        *order = NULL;
        rc = nytte_nomem(ctx, "tiles");
        goto cleanup;
    }
    for (size_t i = 0; i < nt; i++) {
        int c0, r0, w, h;
        nytte_tiling_window(t, (*order)[i], &c0, &r0, &w, &h);
        wts[i] = (double)w * (double)h;
    }
    nytte_dist_split(first, wts, nt, size);
    *k0 = first[rank];
    *n = first[rank + 1] - first[rank];
cleanup:
    free(first);
    free(wts);
    return rc;
}

int dist_tiles_begin(nytte_ctx *ctx, const char *tile_dir, bool distributed)
{
    int rc = NYTTE_OK;
    int rank = distributed ? nytte_dist_rank() : 0;
    if (rank == 0 && mkdir(tile_dir, 0777) != 0 && errno != EEXIST)
        rc = nytte_error(ctx, NYTTE_EIO, "%s: cannot create the folder of the tiles: %s", tile_dir, strerror(errno));
    /* the folder exists before any rank writes a tile; a failure on rank 0 stops every rank */
    if (distributed && nytte_dist_max(rc ? 1.0 : 0.0) > 0.0 && !rc)
        rc = nytte_error(ctx, NYTTE_EIO, "%s: rank 0 cannot create the folder of the tiles", tile_dir);
    return rc;
}

static bool ends_with(const char *s, const char *suffix)
{
    size_t a = strlen(s), b = strlen(suffix);
    return a >= b && strcmp(s + a - b, suffix) == 0;
}

/* The folder of a path ("." for a bare name), into buf. */
static void dir_of(char *buf, size_t n, const char *path)
{
    const char *sl = strrchr(path, '/');
    if (!sl)
        snprintf(buf, n, ".");
    else if (sl == path)
        snprintf(buf, n, "/");
    else
        snprintf(buf, n, "%.*s", (int)(sl - path), path);
}

/* The SimpleSources of write_vrt: band k + 1 of every tile, in row-major tile order. */
typedef struct vrt_src {
    const nytte_tiling *t;
    const char *prefix;
    int rel;
    size_t k;
    char path[4400];
} vrt_src;

static void vrt_source(void *user, size_t i, nytte_vrt_source *out)
{
    vrt_src *v = user;
    int c0, r0, w, h;
    nytte_tiling_window(v->t, i, &c0, &r0, &w, &h);
    snprintf(v->path, sizeof v->path, "%s/t%zu.tif", v->prefix, i);
    *out = (nytte_vrt_source){v->path, v->rel, v->k + 1, c0, r0, w, h};
}

/*
 * Write the VRT of output k at vrt_path: one SimpleSource per tile, in row-major tile
 * order (the same file for any number of ranks). Tiles are referred to relative to the
 * VRT when tile_dir lies in the VRT's folder (the folder can then be moved or renamed as
 * a whole), else by tile_dir as given.
 */
static int write_vrt(nytte_ctx *ctx, const dist_tileset *ts, const nytte_tiling *t, size_t k, const char *vrt_path)
{
    char vdir[4200], prefix[4300];
    dir_of(vdir, sizeof vdir, vrt_path);
    size_t vl = strlen(vdir);
    int rel = 0;
    if (strcmp(vdir, ts->tile_dir) == 0) {
        rel = 1;
        snprintf(prefix, sizeof prefix, ".");
    } else if (strncmp(ts->tile_dir, vdir, vl) == 0 && ts->tile_dir[vl] == '/' && strcmp(vdir, "/") != 0) {
        rel = 1;
        snprintf(prefix, sizeof prefix, "%s", ts->tile_dir + vl + 1);
    } else {
        snprintf(prefix, sizeof prefix, "%s", ts->tile_dir);
    }
    vrt_src v = {t, prefix, rel, ts->nbands == 1 ? 0 : k, {0}};
    return nytte_raster_vrt_write(ctx, vrt_path, ts->g, ts->crs, (double)NYTTE_HAZARD_NODATA, nytte_tiling_count(t),
                                  vrt_source, &v);
}

static int assemble(nytte_ctx *ctx, const dist_tileset *ts, const nytte_tiling *t, size_t nout,
                    const char *const *out_paths)
{
    int rc = NYTTE_OK;
    bool keep_tiles = false;
    char vrt[4300];
    for (size_t k = 0; k < nout && !rc; k++) {
        if (ends_with(out_paths[k], ".vrt")) {
            keep_tiles = true;
            rc = write_vrt(ctx, ts, t, k, out_paths[k]);
            continue;
        }
        snprintf(vrt, sizeof vrt, "%s/level%zu.vrt", ts->tile_dir, k);
        if ((rc = write_vrt(ctx, ts, t, k, vrt)) == NYTTE_OK)
            rc = nytte_raster_vrt_to_tiff(ctx, vrt, out_paths[k]);
        unlink(vrt);
    }
    if (rc == NYTTE_OK && !keep_tiles) {
        char path[4200];
        for (size_t i = 0; i < nytte_tiling_count(t); i++) {
            dist_tile_path(path, sizeof path, ts->tile_dir, i);
            unlink(path);
        }
        rmdir(ts->tile_dir); /* only when empty: the caller's own files stay */
    }
    return rc;
}

int dist_tiles_finish(nytte_ctx *ctx, int rc, const dist_tileset *ts, const nytte_tiling *t, size_t nout,
                      const char *const *out_paths, bool distributed, const char *what)
{
    int rank = distributed ? nytte_dist_rank() : 0;
    /* every rank's tiles are written (or some rank failed) before rank 0 assembles */
    if (distributed && nytte_dist_max(rc ? 1.0 : 0.0) > 0.0)
        return rc ? rc : nytte_error(ctx, NYTTE_EIO, "%s: another rank failed", what);
    if (rc)
        return rc;
    if (rank == 0)
        rc = assemble(ctx, ts, t, nout, out_paths);
    if (distributed) {
        /* every rank returns rank 0's verdict, after the outputs are in place */
        int32_t r0 = rc;
        int brc = nytte_dist_bcast(ctx, &r0, sizeof r0);
        if (brc)
            rc = brc;
        else if (rank != 0 && r0)
            rc = nytte_error(ctx, r0, "%s: rank 0 could not write the outputs", what);
    }
    return rc;
}
