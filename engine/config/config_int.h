/*
 * config_int.h — private to engine/config/: the YAML tree with positions (ytree.c) that
 * the loader (config.c) validates into a nytte_project, and the key table (schema.c).
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

/* ---- schema.c: the key table ---- */

/* The row of `name` in section sec (an exact name, else the section's <...> row), or NULL. */
const nytte_config_key *cfg_key_find(const char *sec, const char *name);
/* The section's rows one after another, in table order: start with prev NULL; *name gets
 * the key as written in the file. NULL after the last. */
const nytte_config_key *cfg_key_next(const char *sec, const nytte_config_key *prev, const char **name);

#endif
