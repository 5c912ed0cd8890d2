/*
 * config_int.h — private to engine/config/: the YAML tree with positions (ytree.c), the
 * loader that collects every problem with file:line:col (loader.c), the key table that
 * is the schema (schema.c), and the section loaders that fill a nytte_project
 * (inputs.c with terrain.c, hazards.c, measures.c, allocation.c, damage.c, finance.c,
 * uncertainty.c, project.c).
 */
#ifndef NYTTE_CONFIG_INT_H
#define NYTTE_CONFIG_INT_H

#include "nytte/config.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* ---- ytree.c: a small YAML tree with the line and column of every node ---- */

/*
 * Built from libfyaml's event stream (libfyaml 0.7's document API keeps no node positions,
 * and every config error must say file:line:col).
 */
typedef enum { YT_SCALAR, YT_MAP, YT_SEQ } yt_type;

typedef struct ynode {
    yt_type type;
    int line, col;          /* 1-based */
    char *text;             /* scalar text (NUL-terminated); NULL for maps and sequences */
    bool plain;             /* unquoted scalar */
    size_t n;               /* sequence items, or map pairs */
    struct ynode **items;   /* seq: n items; map: 2n nodes, key then value */
    size_t npushed;         /* nodes held in items (a pending key included) */
} ynode;

/**
 * Parse the YAML file at `path` into *out (free with ytree_free). Only one document is
 * accepted; anchors, aliases, tags and duplicate keys are refused (a project file should
 * be readable top to bottom). Returns NYTTE_OK; NYTTE_ECONFIG with "path:line:col:
 * message" (or "path: message") in err when the file cannot be read or is not such YAML;
 * or NYTTE_ENOMEM, err empty, when memory ran out (the caller says so).
 */
int ytree_load(ynode **out, const char *path, char *err, size_t errlen);
/** Same from a string; `name` stands in for the path in messages. */
int ytree_parse_string(ynode **out, const char *name, const char *text, size_t len, char *err, size_t errlen);
void ytree_free(ynode *n);

/** Value of key in a map, or NULL. */
ynode *ytree_get(const ynode *map, const char *key);

/* ---- loader.c: problems, the typed getters, paths and lists ---- */

/* One load of a project file: every problem found, in the order found. */
typedef struct loader {
    const char *name;   /* the project file as given */
    const char *dir;    /* its folder */
    nytte_diag *diag;   /* every problem as a line, or NULL */
    int nerr;
    int worst;          /* NYTTE_ECONFIG beats NYTTE_EIO */
    char first[1024];   /* the first problem: the context's message */
    nytte_ctx *scratch; /* owned by nytte_project_load: catches the messages of other modules
                           (CRS, runoff table, curves, EAD rule) to report them as problems */
    char oom[768];      /* where memory first ran out ("" if it never did): the load fails with it */
} loader;

/*
 * A mapping being read: its node, its path as messages name it ("hazards[0]", NULL at the
 * root), its path in the key table ("hazards[]", "" at the root) and, for a hazard, the
 * bit of its type (NYTTE_HAZARD_BIT), which decides the keys it requires; every other
 * mapping has NYTTE_HAZARD_ANY.
 */
typedef struct cfg_map {
    loader *L;
    const ynode *node;
    const char *kp;
    const char *section;
    unsigned types;
} cfg_map;

/* The mapping `node` (already checked to be one) at message path kp and table section sec. */
static inline cfg_map cfg_map_at(loader *L, const ynode *node, const char *kp, const char *sec)
{
    cfg_map m = {L, node, kp, sec, NYTTE_HAZARD_ANY};
    return m;
}

/*
 * The getters return NYTTE_OK when they read a good value into *out, CFG_ABSENT (> 0, not
 * an error) when an optional key is not given (or given as empty text or null), and a
 * negative status when the value is bad or a required key is missing: the problem is then
 * recorded with its file:line:col and *out is left as it was (but for two, as they always
 * were: cfg_get_path keeps the resolved path of a file that is missing or unreadable, and
 * cfg_get_money the amount of a negative one). Whether a key is required comes from the
 * key table (schema.c), never from the caller.
 */
enum { CFG_ABSENT = 1 };

/* Record a problem: "file:line:col: key: what" (at NULL: "file: key: what"). */
void cfg_problem(loader *L, const ynode *at, int code, const char *key, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
/* Memory ran out for `what` (a key path): recorded as a problem; the load then fails with
 * NYTTE_ENOMEM whatever else it found. Returns NYTTE_ENOMEM. */
int cfg_nomem(loader *L, const ynode *at, const char *what);

/* "a mapping", "a list" or "a value". */
const char *cfg_type_name(const ynode *n);
/* n if it is a mapping (or NULL); otherwise records "expected a mapping" and returns NULL. */
const ynode *cfg_need_map(loader *L, const ynode *n, const char *kp);
/* The value of key, or NULL; a missing required key is recorded at the mapping that lacks it. */
const ynode *cfg_get(const cfg_map *m, const char *key);

int cfg_get_str(const cfg_map *m, const char *key, char **out);
/* A number in [lo, hi]. */
int cfg_get_num(const cfg_map *m, const char *key, double lo, double hi, double *out);
/* A whole number in [lo, hi]. */
int cfg_get_int(const cfg_map *m, const char *key, int lo, int hi, int *out);
/* Kroner with at most two decimals, as øre; never negative. */
int cfg_get_money(const cfg_map *m, const char *key, int64_t *out);
/* true or false. */
int cfg_get_bool(const cfg_map *m, const char *key, bool *out);
/* A file name resolved against the project folder; must_exist: also a readable file. */
int cfg_get_path(const cfg_map *m, const char *key, int must_exist, char **out);
/* A non-empty list of numbers, each at least lo: *out (caller frees) and *n; NULL and 0
 * unless NYTTE_OK. */
int cfg_get_num_list(const cfg_map *m, const char *key, double lo, double **out, size_t *n);
/* Whether a list holds two numbers written together without a space ([1,52, 1,64]): a
 * decimal comma that YAML split in two. For the hint of a count that does not match. */
bool cfg_list_split_decimals(const ynode *seq);
/* The hint for such a list: "" or "; a decimal comma splits a number in two in a list: ...". */
#define CFG_SPLIT_HINT(seq)                                                                                     \
    (cfg_list_split_decimals(seq) ? "; '1,52' in a list is two numbers, 1 and 52: write decimals with a point, "  \
                                    "[1.52, 1.64]"                                                              \
                                  : "")

/* One field name, or a list of them (a key made of several fields): into *out (freed first
 * when read; cfg_key_fields_clear frees it). Empty names and a name given twice are refused. */
int cfg_get_key_fields(const cfg_map *m, const char *key, nytte_key_fields *out);
void cfg_key_fields_clear(nytte_key_fields *f);
/* A relative path joined to the project folder (malloc'd; NULL when memory ran out); in a
 * GDAL virtual path ("/vsizip/data.zip/x.gml") the archive's path is joined to it. */
char *cfg_resolve(const loader *L, const char *p);
/* The mapping m as a vector layer: its keys checked, path (required, must exist), layer
 * and where read; the section's other keys are the caller's to read. */
void cfg_get_layer(const cfg_map *m, nytte_layer_cfg *out);
/* The layer under key of parent, given either as a plain path or as a mapping (path, layer, where). */
void cfg_get_layer_any(const cfg_map *parent, const char *key, nytte_layer_cfg *out);
/* Numbers per use group, {residential: 1, business: 1.5, ...}, into out[use]; unnamed
 * groups keep their value. */
void cfg_get_use_map(loader *L, const ynode *v, const char *kp, const char *sec, double *out, double lo, double hi);
/* Records a problem at the first x[i] that does not increase (strict) or decreases. */
void cfg_check_increasing(loader *L, const ynode *seq, const char *kp, const double *x, size_t n, int strict,
                          const char *what);
/* Ids become parts of file names: letters, digits, '-' and '_' only. */
void cfg_check_id(const cfg_map *m, const char *id);
void cfg_layer_clear(nytte_layer_cfg *l);

/* ---- schema.c: the key table ---- */

/* The row of `name` in section sec (an exact name, else the section's <...> row), or NULL. */
const nytte_config_key *cfg_key_find(const char *sec, const char *name);
/* The section's rows one after another, in table order: start with prev NULL; *name gets
 * the key as written in the file. NULL after the last. */
const nytte_config_key *cfg_key_next(const char *sec, const nytte_config_key *prev, const char **name);
/* Unknown keys are errors: they are nearly always typos that would otherwise be ignored. */
void cfg_check_keys(const cfg_map *m);

/* ---- the sections ---- */

extern const char *const cfg_hazard_types[];  /* by nytte_hazard_type, NULL-terminated */

void cfg_load_inputs(loader *L, const ynode *in, nytte_project *p);
/* Free what cfg_load_inputs read (the parcels', buildings' and owners' settings). */
void cfg_inputs_clear(nytte_project *p);
/* inputs.terrain (one raster; or tiles: found and checked) and inputs.terrain_margin (terrain.c). */
void cfg_load_terrain(const cfg_map *im, nytte_project *p);
/* hazards[idx]; the measures are loaded first (with_measure names them). */
void cfg_load_hazard(loader *L, const ynode *h, size_t idx, nytte_project *p);
void cfg_hazard_clear(nytte_hazard_cfg *h, size_t nmeasures);
void cfg_load_measure(loader *L, const ynode *m, size_t idx, nytte_project *p);
/* The measure keys that depend on the primary hazard (p->primary_hazard < p->nhazards). */
void cfg_check_measure_keys(loader *L, const ynode *ml, const nytte_project *p);
/* A list of deductions at kp (table section sec: "measures[].deductions[]", ...). */
void cfg_load_deductions(loader *L, const ynode *d, const char *kp, const char *sec, nytte_deduction_cfg **out,
                         size_t *nout);
void cfg_measure_clear(nytte_measure_cfg *m);
void cfg_load_allocation(loader *L, const ynode *a, nytte_project *p);
void cfg_load_damage(loader *L, const ynode *d, nytte_project *p);
void cfg_load_finance(loader *L, const ynode *f, nytte_project *p);
/* uncertainty.c: the draws and their distributions; the climate horizons (after the hazards) */
void cfg_load_uncertainty(loader *L, const ynode *u, nytte_project *p);
void cfg_load_horizons(loader *L, const ynode *h, nytte_project *p);

/* Whether out_dir may not be the project's output folder, and why ("is the root folder"; outdir.c). */
bool cfg_out_dir_problem(const nytte_project *p, const char *out_dir, char *why, size_t n);

#endif
