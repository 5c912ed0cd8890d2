/*
 * terrain.c — inputs.terrain and inputs.terrain_margin: the terrain as one raster (any
 * GDAL raster, a VRT included, read as it is) or as many tiles, named by a folder, a glob
 * or a list (docs/project-file.md, *A terrain of many tiles*). The tiles are found and
 * their headers checked here, when the project is loaded (one CRS, cell size, grid and
 * nodata; no two overlapping: nytte_mosaic_check), so that a tile that does not fit is
 * named at the key's line and column, by `nytte validate` too. A run reads only the tiles
 * near its study area (engine/pipeline/mosaic.c).
 */
#include "config/config_int.h"
#include "nytte/io.h"

#include <dirent.h>
#include <errno.h>
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

/* The margin around the study area whose tiles a run reads, m (docs/project-file.md). */
#define TERRAIN_MARGIN_DEFAULT 1000.0

/* Every tile file found, with the node that named it and, in a list, the item's index. */
typedef struct tile_list {
    char **path;
    const ynode **at;
    long *item; /* -1: not a list */
    size_t n, cap;
} tile_list;

static bool push(tile_list *t, char *path, const ynode *at, long item)
{
    if (t->n == t->cap) {
        size_t cap = t->cap ? 2 * t->cap : 64;
        char **p = realloc(t->path, cap * sizeof *p);
        if (p)
            t->path = p;
        const ynode **a = realloc(t->at, cap * sizeof *a);
        if (a)
            t->at = a;
        long *i = realloc(t->item, cap * sizeof *i);
        if (i)
            t->item = i;
        if (!p || !a || !i) {
            free(path);
            return false;
        }
        t->cap = cap;
    }
    t->path[t->n] = path;
    t->at[t->n] = at;
    t->item[t->n++] = item;
    return true;
}

static void tile_list_free(tile_list *t)
{
    for (size_t i = 0; i < t->n; i++)
        free(t->path[i]);
    free(t->path);
    free(t->at);
    free(t->item);
}

/* GDAL's files beside a raster (statistics, overviews, masks, world files, a .prj): not tiles. */
static bool side_file(const char *name)
{
    static const char *const ends[] = {".aux.xml", ".ovr", ".msk", ".tfw", ".tifw", ".wld", ".prj"};
    size_t n = strlen(name);
    for (size_t k = 0; k < sizeof ends / sizeof ends[0]; k++) {
        size_t e = strlen(ends[k]);
        if (n > e && strcasecmp(name + n - e, ends[k]) == 0)
            return true;
    }
    return false;
}

static int by_name(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

/* The item's key path for messages: inputs.terrain or inputs.terrain[k]. */
static void item_key(char *kp, size_t n, long item)
{
    if (item < 0)
        snprintf(kp, n, "inputs.terrain");
    else
        snprintf(kp, n, "inputs.terrain[%ld]", item);
}

/* The files of a folder (not of its subfolders, not hidden, not side files), in name order. */
static void add_folder(loader *L, tile_list *t, const char *dir, const ynode *at, long item)
{
    char kp[64];
    item_key(kp, sizeof kp, item);
    DIR *d = opendir(dir);
    if (!d) {
        cfg_problem(L, at, NYTTE_EIO, kp, "cannot read the folder %s: %s", dir, strerror(errno));
        return;
    }
    size_t first = t->n, subfolders = 0;
    struct dirent *e;
    bool ok = true;
    while (ok && (e = readdir(d))) {
        if (e->d_name[0] == '.' || side_file(e->d_name))
            continue;
        size_t len = strlen(dir) + strlen(e->d_name) + 2;
        char *path = malloc(len);
        if (!path) {
            ok = false;
            break;
        }
        snprintf(path, len, "%s%s%s", dir, dir[strlen(dir) - 1] == '/' ? "" : "/", e->d_name);
        struct stat st;
        if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
            subfolders++;
            free(path);
            continue;
        }
        ok = push(t, path, at, item);
    }
    closedir(d);
    if (!ok) {
        cfg_nomem(L, at, kp);
        return;
    }
    if (t->n > first) /* t->path is still NULL when nothing was found */
        qsort(t->path + first, t->n - first, sizeof *t->path, by_name);
    if (t->n == first)
        cfg_problem(L, at, NYTTE_EIO, kp, "the folder %s holds no files%s", dir,
                    subfolders ? " (the files of its subfolders are not read: name them with a glob such as "
                                 "dhm/*/*.tif)"
                               : "");
}

/* The files a glob matches (folders and side files aside), in name order. */
static void add_glob(loader *L, tile_list *t, const char *pattern, const ynode *at, long item)
{
    char kp[64];
    item_key(kp, sizeof kp, item);
    glob_t g;
    /* sorted below by bytes: glob's own order follows the locale */
    int grc = glob(pattern, GLOB_NOSORT, NULL, &g);
    if (grc == GLOB_NOSPACE || grc == GLOB_ABORTED) {
        globfree(&g);
        if (grc == GLOB_NOSPACE)
            cfg_nomem(L, at, kp);
        else
            cfg_problem(L, at, NYTTE_EIO, kp, "cannot read the folders of %s", pattern);
        return;
    }
    size_t first = t->n;
    bool ok = true;
    for (size_t k = 0; grc == 0 && ok && k < g.gl_pathc; k++) {
        const char *path = g.gl_pathv[k], *base = strrchr(path, '/');
        struct stat st;
        if (side_file(base ? base + 1 : path) || (stat(path, &st) == 0 && S_ISDIR(st.st_mode)))
            continue;
        char *copy = strdup(path);
        ok = copy && push(t, copy, at, item);
    }
    globfree(&g);
    if (!ok) {
        cfg_nomem(L, at, kp);
        return;
    }
    if (t->n > first) /* t->path is still NULL when nothing was found */
        qsort(t->path + first, t->n - first, sizeof *t->path, by_name);
    if (t->n == first)
        cfg_problem(L, at, NYTTE_EIO, kp, "no file matches %s", pattern);
}

typedef enum { FORM_FILE, FORM_FOLDER, FORM_GLOB } name_form;

/* A name of the terrain: one file (pushed as it is), a folder or a glob (their files pushed). */
static name_form add_name(loader *L, tile_list *t, const ynode *at, long item)
{
    char kp[64];
    item_key(kp, sizeof kp, item);
    char *path = cfg_resolve(L, at->text);
    if (!path) {
        cfg_nomem(L, at, kp);
        return FORM_FILE;
    }
    struct stat st;
    name_form form = FORM_FILE;
    if (strpbrk(at->text, "*?[")) {
        form = FORM_GLOB;
        add_glob(L, t, path, at, item);
    } else if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
        form = FORM_FOLDER;
        add_folder(L, t, path, at, item);
    } else {
        if (stat(path, &st) != 0)
            cfg_problem(L, at, NYTTE_EIO, kp, "file not found: %s", path);
        else if (access(path, R_OK) != 0)
            cfg_problem(L, at, NYTTE_EIO, kp, "cannot read %s: %s", path, strerror(errno));
        if (!push(t, path, at, item))
            cfg_nomem(L, at, kp);
        return FORM_FILE;
    }
    free(path);
    return form;
}

/* A file a list names twice (after its folders and globs are expanded): at the later item. */
static bool list_twice(loader *L, const tile_list *t)
{
    size_t *ix = malloc(t->n * sizeof *ix);
    if (!ix) {
        cfg_nomem(L, t->at[0], "inputs.terrain");
        return true;
    }
    for (size_t i = 0; i < t->n; i++)
        ix[i] = i;
    /* insertion sort by path, then index: lists are short, and a stable order names the later item */
    for (size_t i = 1; i < t->n; i++)
        for (size_t j = i; j > 0; j--) {
            int c = strcmp(t->path[ix[j - 1]], t->path[ix[j]]);
            if (c < 0 || (c == 0 && ix[j - 1] < ix[j]))
                break;
            size_t x = ix[j];
            ix[j] = ix[j - 1];
            ix[j - 1] = x;
        }
    size_t later = t->n, earlier = t->n;
    for (size_t i = 1; i < t->n; i++)
        if (!strcmp(t->path[ix[i - 1]], t->path[ix[i]]) && ix[i] < later) {
            later = ix[i];
            earlier = ix[i - 1];
        }
    free(ix);
    if (later == t->n)
        return false;
    char kp[64];
    item_key(kp, sizeof kp, t->item[later]);
    cfg_problem(L, t->at[later], NYTTE_ECONFIG, kp, "%s is named twice (first by inputs.terrain[%ld])",
                t->path[later], t->item[earlier]);
    return true;
}

/* Check the tiles as one mosaic; on success they become the project's. */
static void take_tiles(loader *L, tile_list *t, name_form form, nytte_project *p)
{
    nytte_grid *grids = malloc(t->n * sizeof *grids);
    if (!grids) {
        cfg_nomem(L, t->at[0], "inputs.terrain");
        return;
    }
    size_t bad = t->n;
    nytte_ctx_clear_error(L->scratch);
    int rc = nytte_mosaic_check(L->scratch, grids, &bad, (const char *const *)t->path, t->n);
    if (rc == NYTTE_ENOMEM) {
        cfg_nomem(L, t->at[0], "inputs.terrain");
    } else if (rc) {
        char kp[64];
        const char *msg = nytte_ctx_errmsg(L->scratch);
        size_t k = bad < t->n ? bad : 0;
        item_key(kp, sizeof kp, t->item[k]);
        bool not_raster = strstr(msg, ": not a raster GDAL can read") != NULL;
        cfg_problem(L, t->at[k], rc, kp, "%s%s", msg,
                    not_raster && form == FORM_FOLDER
                        ? "; a terrain folder may hold only its tiles (or name them with a glob, such as dhm/*.tif)"
                        : "");
    }
    nytte_ctx_clear_error(L->scratch);
    if (rc) {
        free(grids);
        return;
    }
    p->terrain_tiles = t->path;
    p->nterrain_tiles = t->n;
    p->terrain_grids = grids;
    t->path = NULL;
    t->n = 0;
}

void cfg_load_terrain(const cfg_map *im, nytte_project *p)
{
    loader *L = im->L;
    int before = L->nerr;
    p->terrain_margin = TERRAIN_MARGIN_DEFAULT;
    cfg_get_num(im, "terrain_margin", 0.0, 1e6, &p->terrain_margin);
    const ynode *v = cfg_get(im, "terrain");
    if (!v)
        return;
    tile_list t = {0};
    name_form form = FORM_FILE;
    if (v->type == YT_MAP) {
        cfg_problem(L, v, NYTTE_ECONFIG, "inputs.terrain",
                    "expected a raster file, a folder or a glob of tiles, or a list of tiles, got a mapping");
        return;
    }
    if (v->type == YT_SCALAR) {
        /* one raster as it always was (the problems of a file as cfg_get_path has them) */
        if (cfg_get_str(im, "terrain", &p->terrain) != NYTTE_OK)
            return;
        if (!strpbrk(p->terrain, "*?[")) {
            char *path = cfg_resolve(L, p->terrain);
            struct stat st;
            bool folder = path && stat(path, &st) == 0 && S_ISDIR(st.st_mode);
            free(path);
            if (!folder) {
                free(p->terrain);
                p->terrain = NULL;
                cfg_get_path(im, "terrain", 1, &p->terrain);
                return;
            }
        }
        free(p->terrain);
        if (!(p->terrain = cfg_resolve(L, v->text))) {
            cfg_nomem(L, v, "inputs.terrain");
            return;
        }
        form = add_name(L, &t, v, -1);
    } else {
        if (v->n == 0)
            cfg_problem(L, v, NYTTE_ECONFIG, "inputs.terrain", "the list of tiles must not be empty");
        for (size_t i = 0; i < v->n; i++) {
            const ynode *it = v->items[i];
            char kp[64];
            item_key(kp, sizeof kp, (long)i);
            if (it->type != YT_SCALAR || !it->text[0])
                cfg_problem(L, it, NYTTE_ECONFIG, kp, "expected a file, a folder or a glob, got %s",
                            it->type == YT_SCALAR ? "nothing" : cfg_type_name(it));
            else
                add_name(L, &t, it, (long)i);
        }
        if (t.n && !list_twice(L, &t)) {
            char name[4200];
            if (t.n == 1)
                snprintf(name, sizeof name, "%s", t.path[0]);
            else
                snprintf(name, sizeof name, "%s and %zu more tile%s", t.path[0], t.n - 1, t.n == 2 ? "" : "s");
            if (!(p->terrain = strdup(name)))
                cfg_nomem(L, v, "inputs.terrain");
        }
    }
    if (L->nerr == before && t.n)
        take_tiles(L, &t, form, p);
    tile_list_free(&t);
}
