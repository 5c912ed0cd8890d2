/* cmd_diff.c — nytte diff OUT_A OUT_B: what changed between two finished runs. */
#include "nytte/report.h"

#include "cli/cli_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char help[] =
    "usage: nytte diff [--csv FILE] [--brief] [--exit-code] OUT_A OUT_B\n"
    "\n"
    "Compare two finished runs: the output folders that nytte run wrote (manifest.json,\n"
    "owners.csv, parcels.csv). Prints first whether any owner's amount changed and\n"
    "whether the model and rules, the project file, the inputs (by SHA-256) or the\n"
    "program did; then what differs (the project file line by line) and the totals;\n"
    "then every owner whose amount changed (amount in A, in B, the difference B - A)\n"
    "and the owners in one run only. Owner ids only, no names. Nothing is written but\n"
    "the --csv file.\n"
    "\n"
    "  --csv FILE   also write every owner whose amount differs as CSV (owner_id,\n"
    "               change, amount_a_kr, amount_b_kr, difference_kr, ...), in run\n"
    "               B's csv_dialect (docs/outputs.md)\n"
    "  --brief      print the summary without the lists of owners\n"
    "  --exit-code  exit 3 when an owner's amount differs or an owner is in one run\n"
    "               only, 0 when none does\n"
    "\n"
    "Exit status: 0 the runs were compared (whether or not anything differs; see\n"
    "--exit-code), 1 a folder is not a finished nytte run or cannot be read (no\n"
    "manifest.json, a malformed owners.csv: the message names the file and line),\n"
    "2 a usage error.\n";

/* The exit status of --exit-code when an owner's amount differs: 1 and 2 are taken. */
enum { EXIT_AMOUNTS_DIFFER = 3 };

int nytte_cli_diff(nytte_ctx *ctx, int argc, char **argv)
{
    const char *csv = NULL, *dirs[2] = {NULL, NULL};
    unsigned flags = 0;
    bool exit_code = false;
    int ndirs = 0;
    bool operands = false; /* after "--" */
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        if (operands) {
            if (ndirs == 2) {
                fprintf(stderr, "nytte diff: expected two output folders, got a third: '%s'\n%s", a, help);
                return 2;
            }
            dirs[ndirs++] = a;
        } else if (!strcmp(a, "--")) {
            operands = true;
        } else if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            fputs(help, stdout);
            return 0;
        } else if (!strcmp(a, "--csv")) {
            if (i + 1 >= argc) {
                fprintf(stderr, "nytte diff: --csv needs a FILE\n%s", help);
                return 2;
            }
            csv = argv[++i];
        } else if (!strcmp(a, "--brief")) {
            flags |= NYTTE_DIFF_BRIEF;
        } else if (!strcmp(a, "--exit-code")) {
            exit_code = true;
        } else if (a[0] == '-' && a[1] != '\0') {
            fprintf(stderr, "nytte diff: unknown option '%s'\n%s", a, help);
            return 2;
        } else if (ndirs < 2) {
            dirs[ndirs++] = a;
        } else {
            fprintf(stderr, "nytte diff: expected two output folders, got a third: '%s'\n%s", a, help);
            return 2;
        }
    }
    if (ndirs != 2) {
        fprintf(stderr, "nytte diff: expected two output folders OUT_A and OUT_B\n%s", help);
        return 2;
    }
    nytte_outdir *a = NULL, *b = NULL;
    nytte_outdir_diff *d = NULL;
    char *text = NULL;
    const unsigned what = NYTTE_OUTDIR_OWNERS | NYTTE_OUTDIR_PARCELS;
    int rc = nytte_outdir_read(ctx, &a, dirs[0], what);
    if (!rc)
        rc = nytte_outdir_read(ctx, &b, dirs[1], what);
    if (!rc)
        rc = nytte_outdir_diff_new(ctx, &d, a, b);
    if (!rc)
        rc = nytte_outdir_diff_text(ctx, &text, d, flags);
    if (!rc && csv)
        rc = nytte_outdir_diff_csv(ctx, d, csv, NULL);
    if (rc)
        nytte_cli_error(ctx);
    else if (nytte_ctx_verbosity(ctx) >= NYTTE_LOG_WARN)
        fputs(text, stdout);
    int code = nytte_cli_exit_code(rc);
    if (!rc && exit_code && d->nowners)
        code = EXIT_AMOUNTS_DIFFER;
    free(text);
    nytte_outdir_diff_free(d);
    nytte_outdir_free(b);
    nytte_outdir_free(a);
    return code;
}
