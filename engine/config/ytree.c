/*
 * ytree.c — build a ynode tree from libfyaml parser events, keeping positions.
 */
#include "config/config_int.h"

#include <libfyaml.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

typedef struct diag_capture {
    char msg[512];
    int have;
} diag_capture;

/* libfyaml prints "file:line:col: error: text" followed by a source excerpt; keep the first line. */
static void diag_out(struct fy_diag *diag, void *user, const char *buf, size_t len)
{
    (void)diag;
    diag_capture *cap = user;
    if (cap->have || len == 0)
        return;
    size_t n = 0;
    while (n < len && buf[n] != '\n')
        n++;
    if (n == 0)
        return;
    if (n >= sizeof cap->msg)
        n = sizeof cap->msg - 1;
    memcpy(cap->msg, buf, n);
    cap->msg[n] = '\0';
    cap->have = 1;
}

void ytree_free(ynode *n)
{
    if (!n)
        return;
    for (size_t i = 0; i < n->npushed; i++)
        ytree_free(n->items[i]);
    free(n->items);
    free(n->text);
    free(n);
}

static ynode *node_new(yt_type t, const struct fy_mark *m)
{
    ynode *n = calloc(1, sizeof *n);
    if (!n)
        return NULL;
    n->type = t;
    n->line = m ? m->line + 1 : 0;
    n->col = m ? m->column + 1 : 0;
    return n;
}

static int node_push(ynode *parent, ynode *child)
{
    /* map children arrive key, value, key, value: n counts completed pairs */
    ynode **items = realloc(parent->items, (parent->npushed + 1) * sizeof *items);
    if (!items)
        return -1;
    parent->items = items;
    items[parent->npushed++] = child;
    return 0;
}

/* An open collection; a mapping whose key arrived waits for its value (have_key). */
typedef struct frame {
    ynode *node;
    int have_key;
} frame;

/* The state of one parse: the open collections and the first failure. */
typedef struct parser {
    const char *name;
    char *err;
    size_t errlen;
    int status;            /* NYTTE_OK until the first failure */
    frame stack[64];
    int depth, docs;
    ynode *root;
    /* a NUL inside scalar text: reported unless libfyaml reports a syntax error later,
     * which explains it better (a broken flow collection gives such text) */
    char nul_err[512];
} parser;

static void set_err(char *err, size_t errlen, const char *name, int line, int col, const char *msg)
{
    snprintf(err, errlen, "%s:%d:%d: %s", name, line, col, msg);
}

/* The file is wrong at line:col. */
static void fail(parser *s, int line, int col, const char *msg)
{
    set_err(s->err, s->errlen, s->name, line, col, msg);
    s->status = NYTTE_ECONFIG;
}

/* Memory ran out: the caller says so (it knows what it was reading). */
static void fail_nomem(parser *s)
{
    if (s->errlen)
        s->err[0] = '\0';
    s->status = NYTTE_ENOMEM;
}

/* Anchors and tags are refused: returns 1 (the parse failed) when e carries one. */
static int refuse_anchor_or_tag(parser *s, const struct fy_event *e, const struct fy_mark *m)
{
    struct fy_token *anchor = e->type == FYET_SCALAR ? e->scalar.anchor
                              : e->type == FYET_MAPPING_START ? e->mapping_start.anchor
                                                              : e->sequence_start.anchor;
    if (anchor) {
        /* at the &name itself: libfyaml's mark is at the name, right after the '&' */
        const struct fy_mark *am = fy_token_start_mark(anchor);
        if (am)
            m = am;
        fail(s, m ? m->line + 1 : 0, m ? m->column + (am && am->column > 0 ? 0 : 1) : 0,
             "YAML anchors (&name) are not supported in project files");
        return 1;
    }
    /* tags are refused: !include and friends would silently be read as plain text */
    struct fy_token *tag = e->type == FYET_SCALAR ? e->scalar.tag
                           : e->type == FYET_MAPPING_START ? e->mapping_start.tag
                                                           : e->sequence_start.tag;
    if (tag) {
        /* shown as written (handle + suffix, "!include", "!!str") at the tag itself */
        size_t hlen = 0, slen = 0;
        const char *th = fy_tag_token_handle(tag, &hlen), *ts = fy_tag_token_suffix(tag, &slen);
        const struct fy_mark *tm = fy_token_start_mark(tag);
        if (tm)
            m = tm;
        char msg[200];
        snprintf(msg, sizeof msg, "YAML tags (%.*s%.*s) are not supported in project files (there is no !include)",
                 (int)(th && hlen < 20 ? hlen : 0), th ? th : "", (int)(ts && slen < 60 ? slen : 0), ts ? ts : "");
        fail(s, m ? m->line + 1 : 0, m ? m->column + 1 : 0, msg);
        return 1;
    }
    return 0;
}

/*
 * The scalar's text into node->text, read through a token iterator into our own buffer:
 * fy_token_get_text leaks its formatting buffer in libfyaml 0.7 for scalars of many chunks
 * (fuzz finding, tests/fuzz/project/crashers/leak-9702864...). NYTTE_OK or NYTTE_ENOMEM.
 */
static int read_scalar(parser *s, ynode *node, const struct fy_event *e)
{
    size_t len = 0, got = 0;
    struct fy_token_iter *it = fy_token_iter_create(e->scalar.value);
    if (it) {
        len = fy_token_get_text_length(e->scalar.value);
        /* zeroed: for some escapes libfyaml 0.7 counts bytes it does not write, which then
         * read as NUL (below) on every run instead of as whatever the heap held */
        node->text = calloc(len + 1, 1);
    }
    while (it && node->text && got < len) {
        ssize_t r = fy_token_iter_read(it, node->text + got, len - got);
        if (r <= 0)
            break;
        got += (size_t)r;
    }
    if (it)
        fy_token_iter_destroy(it);
    if (!it || !node->text || got != len)
        return NYTTE_ENOMEM;
    node->text[len] = '\0';
    if (strlen(node->text) != len && !s->nul_err[0])
        set_err(s->nul_err, sizeof s->nul_err, s->name, node->line, node->col, "text contains a NUL character");
    node->plain = fy_token_scalar_style(e->scalar.value) == FYSS_PLAIN;
    return NYTTE_OK;
}

/* A key of the mapping f->node arrived: duplicate keys are an error (YAML forbids them,
 * and a silent last-wins hides typos). */
static void check_duplicate(parser *s, const frame *f, const ynode *key)
{
    for (size_t i = 0; i < f->node->n; i++)
        if (strcmp(f->node->items[2 * i]->text, key->text) == 0) {
            char msg[300];
            snprintf(msg, sizeof msg, "duplicate key '%.200s' (first at line %d)", key->text,
                     f->node->items[2 * i]->line);
            fail(s, key->line, key->col, msg);
            return;
        }
}

/* Hang node under the open collection (or make it the root), and open it if it is one. */
static void attach(parser *s, ynode *node)
{
    if (s->depth == 0) {
        s->root = node;
    } else {
        frame *f = &s->stack[s->depth - 1];
        if (f->node->type == YT_MAP && !f->have_key && node->type != YT_SCALAR) {
            fail(s, node->line, node->col, "a mapping key must be a plain value");
            ytree_free(node);
            return;
        }
        if (node_push(f->node, node) != 0) {
            ytree_free(node);
            fail_nomem(s);
            return;
        }
        if (f->node->type != YT_MAP) {
            f->node->n++;
        } else if (f->have_key) {
            f->have_key = 0;
            f->node->n++;
        } else {
            check_duplicate(s, f, node);
            f->have_key = 1;
        }
    }
    if (s->status != NYTTE_OK || node->type == YT_SCALAR)
        return;
    if (s->depth >= (int)(sizeof s->stack / sizeof s->stack[0])) {
        fail(s, node->line, node->col, "nesting is too deep");
        return;
    }
    s->stack[s->depth].node = node;
    s->stack[s->depth].have_key = 0;
    s->depth++;
}

/* A scalar, or the start of a mapping or sequence, at m. */
static void on_node(parser *s, const struct fy_event *e, const struct fy_mark *m)
{
    if (refuse_anchor_or_tag(s, e, m))
        return;
    ynode *node = node_new(e->type == FYET_SCALAR ? YT_SCALAR : e->type == FYET_MAPPING_START ? YT_MAP : YT_SEQ, m);
    if (!node || (e->type == FYET_SCALAR && read_scalar(s, node, e) != NYTTE_OK)) {
        ytree_free(node);
        fail_nomem(s);
        return;
    }
    /* an empty value (`crest:`) has no mark: it is where its key (or the item before it,
     * or its list or mapping) is, so that a message about it still names a line */
    if (node->line == 0 && s->depth > 0) {
        const ynode *top = s->stack[s->depth - 1].node;
        const ynode *at = top->npushed ? top->items[top->npushed - 1] : top;
        node->line = at->line;
        node->col = at->col;
    }
    attach(s, node);
}

static void on_event(parser *s, const struct fy_event *e)
{
    const struct fy_mark *m = fy_event_start_mark((struct fy_event *)e);
    switch (e->type) {
    case FYET_DOCUMENT_START:
        if (++s->docs > 1)
            fail(s, m ? m->line + 1 : 0, m ? m->column + 1 : 0, "more than one YAML document; a project file holds one");
        break;
    case FYET_ALIAS:
        /* at the '*': libfyaml's mark is at the name right after it */
        fail(s, m ? m->line + 1 : 0, m ? m->column + (m->column > 0 ? 0 : 1) : 0,
             "YAML aliases (*name) are not supported in project files");
        break;
    case FYET_SCALAR:
    case FYET_MAPPING_START:
    case FYET_SEQUENCE_START:
        on_node(s, e, m);
        break;
    case FYET_MAPPING_END:
    case FYET_SEQUENCE_END:
        if (s->depth > 0)
            s->depth--;
        break;
    default:
        break;
    }
}

/* Reformat libfyaml's "file:L:C: error: msg" as "name:L:C: msg". */
static void stream_error(parser *s, const diag_capture *cap)
{
    s->status = NYTTE_ECONFIG;
    int line = 0, col = 0, off = 0;
    const char *str = cap->msg;
    const char *colon = cap->have ? strstr(str, ": error: ") : NULL;
    if (!colon) {
        snprintf(s->err, s->errlen, "%s: YAML syntax error", s->name);
        return;
    }
    /* find ":L:C" right before colon */
    const char *q = colon;
    while (q > str && q[-1] != ':')
        q--;
    const char *c1 = q;
    const char *q2 = q - 1;
    while (q2 > str && q2[-1] != ':')
        q2--;
    if (sscanf(q2, "%d:%d%n", &line, &col, &off) == 2 && q2 + off == colon && c1 > q2)
        set_err(s->err, s->errlen, s->name, line, col, colon + 9);
    else
        snprintf(s->err, s->errlen, "%s: %s", s->name, str);
}

static int parse(ynode **out, struct fy_parser *p, const diag_capture *cap, const char *name, char *err,
                 size_t errlen)
{
    parser s = {.name = name, .err = err, .errlen = errlen, .status = NYTTE_OK};
    struct fy_event *e;
    while (s.status == NYTTE_OK && (e = fy_parser_parse(p))) {
        on_event(&s, e);
        fy_parser_event_free(p, e);
    }
    if (s.status == NYTTE_OK && fy_parser_get_stream_error(p))
        stream_error(&s, cap);
    if (s.status == NYTTE_OK && s.nul_err[0]) {
        s.status = NYTTE_ECONFIG;
        snprintf(err, errlen, "%s", s.nul_err);
    }
    if (s.status != NYTTE_OK) {
        ytree_free(s.root);
        return s.status;
    }
    if (!s.root) {
        snprintf(err, errlen, "%s:1:1: the file is empty", name);
        return NYTTE_ECONFIG;
    }
    *out = s.root;
    return NYTTE_OK;
}

/*
 * The text must be UTF-8 without NUL bytes; else the line:col of the first bad byte.
 * Checked before libfyaml sees it: libfyaml 0.7 loops for ever on some malformed UTF-8
 * in a directive line (tests/fuzz/project/crashers/timeout-df8ae70...).
 */
static int check_utf8(const char *name, const char *text, size_t len, char *err, size_t errlen)
{
    const unsigned char *u = (const unsigned char *)text;
    int line = 1, col = 1;
    for (size_t i = 0; i < len;) {
        unsigned c = u[i];
        size_t n = c < 0x80 ? 0 : (c & 0xE0) == 0xC0 ? 1 : (c & 0xF0) == 0xE0 ? 2 : (c & 0xF8) == 0xF0 ? 3 : 4;
        int bad = c == 0 || n == 4 || (n == 1 && c < 0xC2) || (n == 3 && c > 0xF4) || i + n >= len + (n == 0);
        unsigned cp = n == 0 ? c : n == 1 ? c & 0x1F : n == 2 ? c & 0x0F : c & 0x07;
        for (size_t k = 1; !bad && k <= n; k++) {
            bad = (u[i + k] & 0xC0) != 0x80;
            cp = (cp << 6) | (u[i + k] & 0x3F);
        }
        if (!bad && ((n == 2 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) || (n == 3 && (cp < 0x10000 || cp > 0x10FFFF))))
            bad = 1;
        if (bad) {
            set_err(err, errlen, name, line, col,
                    c == 0 ? "the file holds a NUL byte; a project file is UTF-8 text"
                           : "the text is not UTF-8 (save the project file as UTF-8)");
            return -1;
        }
        if (c == '\n') {
            line++;
            col = 1;
        } else {
            col++;
        }
        i += n + 1;
    }
    return 0;
}

/* A project file is small: read it whole (at most 16 MiB). Caller frees *out. */
static int read_file(const char *name, const char *path, char **out, size_t *len, char *err, size_t errlen)
{
    *out = NULL;
    *len = 0;
    FILE *f = fopen(path, "rb");
    if (!f) {
        snprintf(err, errlen, "%s: cannot read the file", name);
        return NYTTE_ECONFIG;
    }
    size_t cap = 4096, n = 0, got;
    char *buf = malloc(cap);
    int rc = buf ? NYTTE_OK : NYTTE_ENOMEM;
    while (rc == NYTTE_OK && (got = fread(buf + n, 1, cap - n, f)) > 0) {
        n += got;
        if (n < cap)
            continue;
        char *nb = cap < ((size_t)16 << 20) ? realloc(buf, cap * 2) : NULL;
        if (!nb)
            rc = cap < ((size_t)16 << 20) ? NYTTE_ENOMEM : NYTTE_ECONFIG;
        else
            buf = nb;
        cap *= 2;
    }
    int failed = ferror(f);
    fclose(f);
    if (failed || rc != NYTTE_OK) {
        free(buf);
        if (failed || rc == NYTTE_ECONFIG)
            snprintf(err, errlen, "%s: %s", name, failed ? "cannot read the file" : "too large for a project file (16 MiB)");
        return failed ? NYTTE_ECONFIG : rc;
    }
    *out = buf;
    *len = n;
    return NYTTE_OK;
}

static int load(ynode **out, const char *name, const char *path, const char *text, size_t len, char *err,
                size_t errlen)
{
    *out = NULL;
    char *owned = NULL;
    int rc = NYTTE_OK;
    if (path) {
        if ((rc = read_file(name, path, &owned, &len, err, errlen)) != NYTTE_OK)
            return rc;
        text = owned;
    }
    if (check_utf8(name, text, len, err, errlen) != 0) {
        free(owned);
        return NYTTE_ECONFIG;
    }
    diag_capture cap = {{0}, 0};
    struct fy_diag_cfg dc;
    fy_diag_cfg_default(&dc);
    dc.fp = NULL;
    dc.output_fn = diag_out;
    dc.user = &cap;
    dc.colorize = false;
    struct fy_diag *diag = fy_diag_create(&dc);
    struct fy_parse_cfg cfg = {0};
    cfg.flags = FYPCF_QUIET | FYPCF_DEFAULT_VERSION_1_2;
    cfg.diag = diag;
    struct fy_parser *p = diag ? fy_parser_create(&cfg) : NULL;
    if (!p) {
        snprintf(err, errlen, "%s: cannot start the YAML parser", name);
        rc = NYTTE_ECONFIG;
    } else if (fy_parser_set_string(p, len ? text : "", len) != 0) {
        snprintf(err, errlen, "%s: cannot read the file", name);
        rc = NYTTE_ECONFIG;
    } else {
        rc = parse(out, p, &cap, name, err, errlen);
    }
    if (p)
        fy_parser_destroy(p);
    if (diag)
        fy_diag_destroy(diag);
    free(owned);
    return rc;
}

int ytree_load(ynode **out, const char *path, char *err, size_t errlen)
{
    return load(out, path, path, NULL, 0, err, errlen);
}

int ytree_parse_string(ynode **out, const char *name, const char *text, size_t len, char *err, size_t errlen)
{
    return load(out, name, NULL, text, len, err, errlen);
}

ynode *ytree_get(const ynode *map, const char *key)
{
    if (!map || map->type != YT_MAP)
        return NULL;
    for (size_t i = 0; i < map->n; i++)
        if (strcmp(map->items[2 * i]->text, key) == 0)
            return map->items[2 * i + 1];
    return NULL;
}
