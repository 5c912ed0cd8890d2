/*
 * ytree.h — a small YAML tree with the line and column of every node, built from
 * libfyaml's event stream (libfyaml 0.7's document API keeps no node positions, and
 * every config error must say file:line:col). Private to engine/config/.
 */
#ifndef NYTTE_CONFIG_YTREE_H
#define NYTTE_CONFIG_YTREE_H

#include <stdbool.h>
#include <stddef.h>

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
 * Parse the YAML file at `path` into a tree. On a syntax error returns NULL and writes
 * "path:line:col: message" into err. Only one document is accepted; anchors and
 * aliases are refused (a project file should be readable top to bottom).
 */
ynode *ytree_load(const char *path, char *err, size_t errlen);
/** Same from a string; `name` stands in for the path in messages. */
ynode *ytree_parse_string(const char *name, const char *text, size_t len, char *err, size_t errlen);
void ytree_free(ynode *n);

/** Value of key in a map, or NULL. */
ynode *ytree_get(const ynode *map, const char *key);

#endif
