/*
 * paths.c — the project's files and folders: every input the project names, with its
 * role (nytte_project_inputs: the manifest lists them, and which lie outside the project
 * folder); and what may not be an output folder. A run replaces its output folder whole
 * (with --force, the previous one is removed), so the folder must be the outputs' own:
 * not the root, a system folder or a home folder, not the project's folder or one holding
 * it, not a folder holding one of the project's inputs. Checked when the project is
 * loaded (outputs.folder, with its line and column; `nytte validate` too) and for --out
 * when a run begins (nytte_project_check_out_dir).
 */
#define _XOPEN_SOURCE 700 /* realpath */

#include "config/config_int.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/*
 * The absolute path of `in` with every link and "." or ".." resolved as far as the path
 * exists; the part that does not exist yet is appended as written. false if too long.
 */
static bool canon(const char *in, char *out, int depth)
{
    if (realpath(in, out))
        return true;
    if (depth > 64)
        return false;
    char parent[PATH_MAX];
    snprintf(parent, sizeof parent, "%s", in);
    size_t n = strlen(parent);
    while (n > 1 && parent[n - 1] == '/')
        parent[--n] = '\0';
    char *slash = strrchr(parent, '/');
    const char *base = slash ? slash + 1 : parent;
    char head[PATH_MAX];
    if (!slash)
        snprintf(head, sizeof head, ".");
    else if (slash == parent)
        snprintf(head, sizeof head, "/");
    else
        snprintf(head, sizeof head, "%.*s", (int)(slash - parent), parent);
    if (!canon(head, out, depth + 1))
        return false;
    if (!strcmp(base, ".") || !*base)
        return true;
    if (!strcmp(base, "..")) {
        char *up = strrchr(out, '/');
        if (up && up != out)
            *up = '\0';
        else
            snprintf(out, PATH_MAX, "/");
        return true;
    }
    size_t len = strlen(out);
    return snprintf(out + len, PATH_MAX - len, "%s%s", strcmp(out, "/") ? "/" : "", base) < (int)(PATH_MAX - len);
}

/* a is dir or lies inside it (both canonical). */
static bool within(const char *a, const char *dir)
{
    size_t n = strlen(dir);
    if (n == 1 && dir[0] == '/')
        return true;
    return strncmp(a, dir, n) == 0 && (a[n] == '/' || a[n] == '\0');
}

/* Folders of the system: never an output folder themselves; the first ones not even inside. */
static const char *const system_inside[] = {"/bin", "/boot", "/dev", "/etc", "/lib", "/lib32", "/lib64", "/libx32",
                                            "/proc", "/sbin", "/sys", "/usr"};
static const char *const system_itself[] = {"/home", "/media", "/mnt", "/opt", "/root", "/run", "/srv", "/tmp",
                                            "/var"};

/* A growable list of inputs. */
typedef struct {
    nytte_project_input *v;
    size_t n, cap;
    bool nomem;
} input_list;

static void add(input_list *l, const char *path, const char *role)
{
    if (!path || l->nomem)
        return;
    if (l->n == l->cap) {
        size_t cap = l->cap ? 2 * l->cap : 16;
        nytte_project_input *v = realloc(l->v, cap * sizeof *v);
        if (!v) {
            l->nomem = true;
            return;
        }
        l->v = v;
        l->cap = cap;
    }
    l->v[l->n++] = (nytte_project_input){path, role};
}

static void add_all(input_list *l, char *const *list, const char *role)
{
    for (size_t k = 0; list && list[k]; k++)
        add(l, list[k], role);
}

int nytte_project_inputs(nytte_ctx *ctx, nytte_project_input **out, size_t *n, const nytte_project *p)
{
    input_list l = {0};
    if (p->nterrain_tiles)
        for (size_t k = 0; k < p->nterrain_tiles; k++)
            add(&l, p->terrain_tiles[k], "terrain");
    else
        add(&l, p->terrain, "terrain");
    add(&l, p->parcels.src.path, "parcels");
    if (p->buildings.given) {
        add(&l, p->buildings.src.path, "buildings");
        if (p->buildings.use_codes && strcmp(p->buildings.use_codes, "bbr") != 0)
            add(&l, p->buildings.use_codes, "use codes");
        if (p->buildings.bbr.given)
            add(&l, p->buildings.bbr.src.path, "BBR");
    }
    if (p->owners.given)
        add(&l, p->owners.src.path, "owners");
    for (size_t i = 0; i < p->nhazards; i++) {
        const nytte_hazard_cfg *h = &p->hazards[i];
        add(&l, h->sea.path, "sea");
        add_all(&l, h->rasters, "hazard raster");
        for (size_t m = 0; h->with_rasters && m < p->nmeasures; m++)
            add_all(&l, h->with_rasters[m], "hazard raster with a measure");
        add_all(&l, h->with_all, "hazard raster with all measures");
        add(&l, h->protected_area.path, "protected area");
    }
    for (size_t m = 0; m < p->nmeasures; m++)
        add(&l, p->measures[m].geometry.path, "measure");
    if (l.nomem) {
        free(l.v);
        *out = NULL;
        *n = 0;
        return nytte_nomem(ctx, "%s: its inputs", p->path);
    }
    *out = l.v;
    *n = l.n;
    return NYTTE_OK;
}

bool nytte_project_path_outside(const nytte_project *p, const char *path)
{
    char dir[PATH_MAX], in[PATH_MAX], file[PATH_MAX];
    if (!nytte_path_on_disk(file, sizeof file, path))
        return false;
    return p->dir && canon(p->dir, dir, 0) && canon(file, in, 0) && !within(in, dir);
}

bool cfg_out_dir_problem(const nytte_project *p, const char *out_dir, char *why, size_t n)
{
    char out[PATH_MAX], dir[PATH_MAX], in[PATH_MAX];
    if (!canon(out_dir, out, 0)) {
        snprintf(why, n, "is too long a path");
        return true;
    }
    if (!strcmp(out, "/")) {
        snprintf(why, n, "is the root folder");
        return true;
    }
    for (size_t i = 0; i < sizeof system_inside / sizeof system_inside[0]; i++)
        if (within(out, system_inside[i])) {
            snprintf(why, n, "is %s system folder %s", strcmp(out, system_inside[i]) ? "inside the" : "the",
                     system_inside[i]);
            return true;
        }
    for (size_t i = 0; i < sizeof system_itself / sizeof system_itself[0]; i++)
        if (!strcmp(out, system_itself[i])) {
            snprintf(why, n, "is the system folder %s", system_itself[i]);
            return true;
        }
    const char *home = getenv("HOME");
    if (home && *home && canon(home, dir, 0) && !strcmp(out, dir)) {
        snprintf(why, n, "is the home folder");
        return true;
    }
    if (p->dir && canon(p->dir, dir, 0) && within(dir, out)) {
        snprintf(why, n, strcmp(dir, out) ? "holds the project's folder %s" : "is the project's folder %s", dir);
        return true;
    }
    /* the project file, and every input */
    if (p->path && canon(p->path, in, 0) && within(in, out)) {
        snprintf(why, n, "holds the project file %s", p->path);
        return true;
    }
    nytte_project_input *inputs = NULL;
    size_t ni = 0;
    bool found = false;
    if (nytte_project_inputs(NULL, &inputs, &ni, p) != NYTTE_OK) {
        snprintf(why, n, "cannot be checked: out of memory");
        return true;
    }
    char file[PATH_MAX];
    for (size_t i = 0; i < ni && !found; i++)
        if (nytte_path_on_disk(file, sizeof file, inputs[i].path) && canon(file, in, 0) && within(in, out)) {
            snprintf(why, n, "holds the input %s", inputs[i].path);
            found = true;
        }
    free(inputs);
    if (found)
        return true;
    return false;
}

int nytte_project_check_out_dir(nytte_ctx *ctx, const nytte_project *p, const char *out_dir, const char *what)
{
    char why[PATH_MAX + 64];
    if (!cfg_out_dir_problem(p, out_dir, why, sizeof why))
        return NYTTE_OK;
    return nytte_error(ctx, NYTTE_EUSAGE, "%s: %s %s: a run replaces its output folder whole; give the outputs a "
                                          "folder of their own",
                       what, out_dir, why);
}
