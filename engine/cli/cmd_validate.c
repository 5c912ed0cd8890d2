/* cmd_validate.c — nytte validate PROJECT...: check project files, run nothing, write nothing. */
#include "nytte/config.h"

#include "cli/cli_int.h"

#include <stdio.h>
#include <string.h>

static const char help[] =
    "usage: nytte validate [--help] PROJECT...\n"
    "\n"
    "Check each project file: YAML syntax, known keys, types and ranges, orders of\n"
    "return periods and levels, money amounts, and that every referenced file exists.\n"
    "Every problem is printed as FILE:LINE:COL: what is wrong. Nothing is written.\n"
    "Exit status: 0 all valid, 2 a project file is wrong, 1 a referenced file is missing.\n";

int nytte_cli_validate(nytte_ctx *ctx, int argc, char **argv)
{
    if (argc == 1 && (!strcmp(argv[0], "--help") || !strcmp(argv[0], "-h"))) {
        fputs(help, stdout);
        return 0;
    }
    if (argc == 0) {
        fprintf(stderr, "nytte validate: no project file given\n%s", help);
        return 2;
    }
    int worst = 0;
    bool operands = false; /* after "--" */
    for (int i = 0; i < argc; i++) {
        if (!operands && !strcmp(argv[i], "--")) {
            operands = true;
            continue;
        }
        if (!operands && argv[i][0] == '-') {
            fprintf(stderr, "nytte validate: unknown option '%s'\n", argv[i]);
            return 2;
        }
        nytte_project *p = NULL;
        nytte_diag diag = {0};
        int rc = nytte_project_load(ctx, &p, argv[i], &diag);
        if (rc == NYTTE_OK) {
            for (size_t w = 0; w < p->nwarnings; w++)
                fprintf(stderr, "nytte: warning: %s: %s\n", argv[i], p->warnings[w]);
            if (nytte_ctx_verbosity(ctx) >= NYTTE_LOG_WARN)
                printf("%s: ok\n", argv[i]);
            nytte_project_free(p);
        } else {
            if (diag.n == 0)
                nytte_cli_error(ctx);
            for (size_t k = 0; k < diag.n; k++)
                fprintf(stderr, "%s\n", diag.lines[k]);
            int code = nytte_cli_exit_code(rc);
            if (code == 2 || worst == 0)
                worst = code;
        }
        nytte_diag_clear(&diag);
    }
    return worst;
}
