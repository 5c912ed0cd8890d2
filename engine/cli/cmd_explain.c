/* cmd_explain.c — nytte explain PROJECT OWNER...: why each owner pays what they pay. */
#include "nytte/config.h"
#include "nytte/pipeline.h"

#include "cli/cli_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char help[] =
    "usage: nytte explain PROJECT OWNER_ID...\n"
    "\n"
    "Run the project in memory (no outputs are written) and print the chain from\n"
    "inputs to amount for each owner given: each parcel, its flooding, the model's facts\n"
    "and weight, each element's pool, caps and rounding, the exact amount and the øre.\n"
    "Every step is printed as arithmetic that gives the printed amount to the øre.\n"
    "OWNER_ID is the owner id of the ownership table (owners.csv: owner_id); several\n"
    "owners are explained from one run, separated by a blank line.\n";

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
        fprintf(stderr, "nytte explain: expected PROJECT and OWNER_ID\n%s", help);
        return 2;
    }
    nytte_project *p = NULL;
    nytte_results *r = NULL;
    char *text = NULL;
    int rc = nytte_cli_load(ctx, &p, argv[0]);
    if (rc == NYTTE_OK && (rc = nytte_compute(ctx, &r, p)) != NYTTE_OK)
        nytte_cli_error(ctx);
    /* the owners in order; an unknown one stops the command with its message */
    for (int i = 1; rc == NYTTE_OK && i < argc; i++) {
        if ((rc = nytte_results_explain(ctx, &text, r, argv[i])) != NYTTE_OK)
            nytte_cli_error(ctx);
        if (text)
            printf("%s%s", i > 1 ? "\n" : "", text);
        free(text);
        text = NULL;
    }
    nytte_results_free(r);
    nytte_project_free(p);
    return nytte_cli_exit_code(rc);
}
