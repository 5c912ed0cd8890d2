/* cli_int.h — the subcommands of the nytte command (private to engine/cli/). */
#ifndef NYTTE_CLI_INT_H
#define NYTTE_CLI_INT_H

#include "nytte/nytte.h"

/** Exit code for a status: 0 ok, 1 data or runtime error, 2 usage or project-file error. */
int nytte_cli_exit_code(int status);

/** Print an error line: "nytte: <message>". */
void nytte_cli_error(nytte_ctx *ctx);

/* Each returns the exit code. argv holds the subcommand's own arguments. */
int nytte_cli_run(nytte_ctx *ctx, int argc, char **argv);
int nytte_cli_validate(nytte_ctx *ctx, int argc, char **argv);
int nytte_cli_explain(nytte_ctx *ctx, int argc, char **argv);
int nytte_cli_compare(nytte_ctx *ctx, int argc, char **argv);
int nytte_cli_diff(nytte_ctx *ctx, int argc, char **argv);

struct nytte_project;
/** Load a project, printing every problem and its warnings; returns the status. */
int nytte_cli_load(nytte_ctx *ctx, struct nytte_project **p, const char *path);

#endif
