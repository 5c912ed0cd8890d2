/*
 * cmd_explain.c — nytte explain PROJECT|OUT_DIR OWNER...: why each owner pays what they
 * pay. From a finished run's folder the answer is the text the run wrote
 * (explanations.txt): at once, and exactly what the run computed; from a project file the
 * project is run in memory. OWNER may be an owner id in any letter case, a parcel id, or
 * part of an owner's name.
 */
#include "nytte/config.h"
#include "nytte/pipeline.h"
#include "nytte/report.h"

#include "cli/cli_int.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

static const char help[] =
    "usage: nytte explain PROJECT|OUT_DIR OWNER...\n"
    "\n"
    "Print the chain from inputs to amount for each owner given: each parcel, its\n"
    "flooding, the model's facts and weight, each element's pool, caps and rounding, the\n"
    "exact amount and the øre, and how it is paid. Every step is printed as arithmetic\n"
    "that gives the printed amount to the øre.\n"
    "\n"
    "OUT_DIR, a finished run's output folder, answers at once from what the run wrote\n"
    "(explanations.txt, owners.csv); PROJECT runs the project in memory first (nothing is\n"
    "written). OWNER is an owner id (any letter case), a parcel id (its owners), or part of\n"
    "an owner's name; when it names several owners they are listed and nothing is explained.\n"
    "Several owners are explained one after another, separated by a blank line.\n";

/* One owner, to be found by id, parcel or name. */
typedef struct who {
    const char *id, *name;
    char *parcels; /* "a; b; c" */
} who;

/* Whether parcel id q is one of "a; b; c". */
static bool holds(const char *parcels, const char *q)
{
    size_t n = strlen(q);
    for (const char *p = parcels; p && *p;) {
        const char *e = strstr(p, "; ");
        size_t len = e ? (size_t)(e - p) : strlen(p);
        if (len == n && !strncasecmp(p, q, n))
            return true;
        p = e ? e + 2 : NULL;
    }
    return false;
}

/* Whether name holds q, letter case aside (ASCII). */
static bool name_has(const char *name, const char *q)
{
    size_t n = strlen(q);
    for (const char *p = name; p && *p; p++)
        if (!strncasecmp(p, q, n))
            return true;
    return false;
}

/*
 * The owners q names, by the first rule that finds any: the id exactly; the id in any
 * letter case; a parcel id (its owners); part of a name. Their indexes into hit (at
 * most max), the count returned.
 */
static size_t find_owner(const who *w, size_t n, const char *q, size_t *hit, size_t max)
{
    size_t k = 0;
    for (int rule = 0; rule < 4 && k == 0; rule++)
        for (size_t i = 0; i < n; i++) {
            bool m = rule == 0   ? !strcmp(w[i].id, q)
                     : rule == 1 ? !strcasecmp(w[i].id, q)
                     : rule == 2 ? holds(w[i].parcels, q)
                                 : strlen(q) >= 2 && name_has(w[i].name, q);
            if (m && k < max)
                hit[k++] = i;
            else if (m)
                k++;
        }
    return k;
}

/* The owners of a finished run (owners.csv) or of an in-memory one. */
typedef struct owner_list {
    who *w;
    size_t n;
} owner_list;

static void owner_list_free(owner_list *l)
{
    for (size_t i = 0; l->w && i < l->n; i++)
        free(l->w[i].parcels);
    free(l->w);
}

static int list_from_outdir(nytte_ctx *ctx, owner_list *l, const nytte_outdir *d)
{
    l->n = d->nowners;
    if (!(l->w = calloc(l->n ? l->n : 1, sizeof *l->w)))
        return nytte_nomem(ctx, "explain");
    for (size_t i = 0; i < l->n; i++) {
        l->w[i] = (who){d->owners[i].id, d->owners[i].name, strdup(d->owners[i].parcels ? d->owners[i].parcels : "")};
        if (!l->w[i].parcels)
            return nytte_nomem(ctx, "explain");
    }
    return NYTTE_OK;
}

static int list_from_results(nytte_ctx *ctx, owner_list *l, const nytte_results *r)
{
    char buf[4096];
    const char *id, *name;
    l->n = nytte_results_owners(r, (size_t)-1, &id, &name, buf, sizeof buf);
    if (!(l->w = calloc(l->n ? l->n : 1, sizeof *l->w)))
        return nytte_nomem(ctx, "explain");
    for (size_t i = 0; i < l->n; i++) {
        nytte_results_owners(r, i, &id, &name, buf, sizeof buf);
        l->w[i] = (who){id, name, strdup(buf)};
        if (!l->w[i].parcels)
            return nytte_nomem(ctx, "explain");
    }
    return NYTTE_OK;
}

/* The one owner q names into *id; several or none: said, NYTTE_EUSAGE. */
static int resolve(nytte_ctx *ctx, const owner_list *l, const char *q, const char **id)
{
    size_t hit[10];
    size_t k = find_owner(l->w, l->n, q, hit, 10);
    if (k == 1) {
        *id = l->w[hit[0]].id;
        return NYTTE_OK;
    }
    if (k == 0)
        return nytte_error(ctx, NYTTE_EUSAGE, "owner %s: not found (no owner id, parcel id or name matches it)", q);
    fprintf(stderr, "nytte explain: '%s' names %zu owners; give one of their ids:\n", q, k);
    for (size_t i = 0; i < k && i < 10; i++)
        fprintf(stderr, "  %s  %s  (parcels %s)\n", l->w[hit[i]].id, l->w[hit[i]].name ? l->w[hit[i]].name : "",
                l->w[hit[i]].parcels);
    if (k > 10)
        fprintf(stderr, "  … and %zu more\n", k - 10);
    return nytte_error(ctx, NYTTE_EUSAGE, "'%s' names %zu owners", q, k);
}

/* Whether path is a finished run's output folder (it holds manifest.json). */
static bool is_run_folder(const char *path)
{
    char m[4200];
    struct stat st;
    snprintf(m, sizeof m, "%s/manifest.json", path);
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode) && stat(m, &st) == 0;
}

/* Explain the owners of argv[1..] from a finished run's folder, argv[0]. */
static int explain_outdir(nytte_ctx *ctx, int argc, char **argv)
{
    nytte_outdir *d = NULL;
    owner_list l = {0};
    int rc = nytte_outdir_read(ctx, &d, argv[0], NYTTE_OUTDIR_OWNERS);
    if (!rc)
        rc = list_from_outdir(ctx, &l, d);
    for (int i = 1; !rc && i < argc; i++) {
        const char *id = NULL;
        char *text = NULL;
        if (!(rc = resolve(ctx, &l, argv[i], &id)) && !(rc = nytte_outdir_explanation(ctx, &text, argv[0], id)))
            printf("%s%s", i > 1 ? "\n" : "", text);
        free(text);
    }
    if (rc)
        nytte_cli_error(ctx);
    owner_list_free(&l);
    nytte_outdir_free(d);
    return nytte_cli_exit_code(rc);
}

int nytte_cli_explain(nytte_ctx *ctx, int argc, char **argv)
{
    if (argc >= 1 && !strcmp(argv[0], "--")) { /* the end of the options: none here but --help */
        argc--;
        argv++;
    } else if (argc >= 1 && (!strcmp(argv[0], "--help") || !strcmp(argv[0], "-h"))) {
        fputs(help, stdout);
        return 0;
    }
    if (argc < 2) {
        fprintf(stderr, "nytte explain: expected PROJECT or OUT_DIR, and OWNER\n%s", help);
        return 2;
    }
    if (is_run_folder(argv[0]))
        return explain_outdir(ctx, argc, argv);
    /* the run's warnings belong to `nytte run`: a read-only command does not repeat them (-v shows them) */
    if (nytte_ctx_verbosity(ctx) == NYTTE_LOG_WARN)
        nytte_ctx_set_verbosity(ctx, NYTTE_LOG_ERROR);
    nytte_project *p = NULL;
    nytte_results *r = NULL;
    owner_list l = {0};
    char *text = NULL;
    int rc = nytte_cli_load(ctx, &p, argv[0]);
    if (rc == NYTTE_OK && (rc = nytte_compute(ctx, &r, p)) != NYTTE_OK)
        nytte_cli_error(ctx);
    if (rc == NYTTE_OK && (rc = list_from_results(ctx, &l, r)) != NYTTE_OK)
        nytte_cli_error(ctx);
    /* the owners in order; an unknown one stops the command with its message */
    for (int i = 1; rc == NYTTE_OK && i < argc; i++) {
        const char *id = NULL;
        if ((rc = resolve(ctx, &l, argv[i], &id)) != NYTTE_OK || (rc = nytte_results_explain(ctx, &text, r, id)) != NYTTE_OK)
            nytte_cli_error(ctx);
        if (text)
            printf("%s%s", i > 1 ? "\n" : "", text);
        free(text);
        text = NULL;
    }
    owner_list_free(&l);
    nytte_results_free(r);
    nytte_project_free(p);
    return nytte_cli_exit_code(rc);
}
