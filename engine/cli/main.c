/*
 * main.c — the nytte command: parse argv, call the library, map status to exit code
 * (0 ok, 1 data or runtime error, 2 usage or project-file error). No logic lives here.
 */
#include "nytte/config.h"
#include "nytte/pipeline.h"

#include "cli/cli_int.h"

#ifdef NYTTE_HAVE_MPI
#include "nytte/dist.h"
static int nytte_main(int argc, char **argv);
#endif

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char usage[] =
    "usage: nytte [options] <command> [options] [arguments]\n"
    "\n"
    "Allocate the cost of a climate-adaptation measure to property owners by benefit.\n"
    "\n"
    "commands:\n"
    "  run PROJECT...        run one or more projects, writing their outputs\n"
    "  validate PROJECT...   check project files and their inputs without running\n"
    "  explain PROJECT OWNER... why owners pay what they pay\n"
    "  compare PROJECT       the allocation models of allocation.compare side by side\n"
    "  diff OUT_A OUT_B      what changed between two finished runs: owners' amounts,\n"
    "                        model, rules, inputs (for a new hearing or not)\n"
    "\n"
    "options:\n"
    "  -q, --quiet           print errors only\n"
    "  -v, --verbose         print progress details (twice: debug)\n"
    "  -t, --threads N       threads for parallel stages (default: all cores)\n"
    "  -h, --help            show this help (nytte COMMAND --help for a command's)\n"
    "  -V, --version         show the version\n"
    "Options may come anywhere, before or after the command and its arguments;\n"
    "-- ends them (what follows is an argument even if it starts with '-').\n"
    "\n"
    "exit status: 0 ok, 1 data or runtime error, 2 usage or project-file error\n"
    "(nytte diff --exit-code: 3 when an owner's amount differs).\n"
    "See nytte(1) and docs/getting-started.md.\n";

int nytte_cli_exit_code(int status)
{
    switch (status) {
    case NYTTE_OK: return 0;
    case NYTTE_EUSAGE:
    case NYTTE_ECONFIG: return 2;
    default: return 1;
    }
}

void nytte_cli_error(nytte_ctx *ctx)
{
    /* under mpirun an error common to the ranks is printed by rank 0 alone (nytte_dist_report_once) */
    if (!nytte_ctx_reported(ctx))
        fprintf(stderr, "nytte: %s\n", nytte_ctx_errmsg(ctx));
}

int nytte_cli_load(nytte_ctx *ctx, nytte_project **p, const char *path)
{
    nytte_diag diag = {0};
    int rc = nytte_project_load(ctx, p, path, &diag);
    if (rc != NYTTE_OK) {
        for (size_t k = 0; k < diag.n; k++)
            fprintf(stderr, "%s\n", diag.lines[k]);
        if (diag.n == 0)
            nytte_cli_error(ctx);
    } else {
        for (size_t w = 0; w < (*p)->nwarnings; w++)
            nytte_log(ctx, NYTTE_LOG_WARN, "%s: %s", path, (*p)->warnings[w]);
    }
    nytte_diag_clear(&diag);
    return rc;
}

/*
 * Ctrl-C, kill, a closed terminal: the run in progress is undone (its temporary folder
 * and lock removed, the previous outputs in place) and the process ends by the same
 * signal, so that the shell sees 128 + the signal and a batch loop stops too.
 */
static void on_signal(int sig)
{
    nytte_run_interrupted();
    signal(sig, SIG_DFL);
    raise(sig);
}

static void install_signal_handlers(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    const int sigs[] = {SIGINT, SIGTERM, SIGHUP};
    for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++) {
        struct sigaction old;
        /* a signal ignored when we start (nohup, a background job) stays ignored */
        if (sigaction(sigs[i], NULL, &old) == 0 && old.sa_handler == SIG_IGN)
            continue;
        sigaction(sigs[i], &sa, NULL);
    }
    /* a file over the size limit (ulimit -f) is a write error that names the file, not a
     * signal that kills the run before it can clean up */
    signal(SIGXFSZ, SIG_IGN);
}

static int parse_int(const char *s, int *out)
{
    char *end;
    long v = strtol(s, &end, 10);
    if (!*s || *end || v < 1 || v > 4096)
        return -1;
    *out = (int)v;
    return 0;
}

/* The options of a command that take a value (the next argument): moved with it. */
static bool takes_value(const char *cmd, const char *opt)
{
    static const char *const with_value[][2] = {{"run", "--out"}, {"run", "--tile"}, {"diff", "--csv"}, {"compare", "--csv"}};
    for (size_t k = 0; cmd && k < sizeof with_value / sizeof with_value[0]; k++)
        if (!strcmp(cmd, with_value[k][0]) && !strcmp(opt, with_value[k][1]))
            return true;
    return false;
}

/* A global option at argv[*i] (its value, if any, consumed): 1 taken, 0 not one, -1 bad (said). */
static int global_option(nytte_ctx *ctx, int argc, char **argv, int *i, int *verbosity)
{
    const char *a = argv[*i];
    if (!strcmp(a, "-q") || !strcmp(a, "--quiet")) {
        *verbosity = NYTTE_LOG_ERROR;
    } else if (!strcmp(a, "-v") || !strcmp(a, "--verbose")) {
        *verbosity = *verbosity < NYTTE_LOG_INFO ? NYTTE_LOG_INFO : NYTTE_LOG_DEBUG;
    } else if (!strcmp(a, "-vv")) {
        *verbosity = NYTTE_LOG_DEBUG;
    } else if (!strcmp(a, "-t") || !strcmp(a, "--threads") || !strncmp(a, "--threads=", 10)) {
        const char *v = a[2] == '-' && a[9] == '=' ? a + 10 : (*i + 1 < argc ? argv[++*i] : "");
        int n;
        if (parse_int(v, &n) != 0) {
            fprintf(stderr, "nytte: --threads needs a whole number from 1 to 4096, got '%s'\n", v);
            return -1;
        }
        nytte_ctx_set_threads(ctx, n);
    } else {
        return 0;
    }
    return 1;
}

/* --help or --version before the command: printed, 1; else 0. */
static int asked_for_info(const char *a)
{
    if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
        fputs(usage, stdout);
        return 1;
    }
    if (!strcmp(a, "-V") || !strcmp(a, "--version")) {
#ifdef NYTTE_HAVE_MPI
        printf("nytte %s (mpi)\n", nytte_version());
#else
        printf("nytte %s\n", nytte_version());
#endif
        return 1;
    }
    return 0;
}

/*
 * Options anywhere on the command line, as users type them (`nytte run project.yaml
 * --force -v`): the global ones are taken wherever they stand, the command's are moved in
 * front of its operands with their values (the operands keep their order), and `--` ends
 * the options: what follows is an operand even if it starts with '-'. The command gets
 * its options, then `--` if one was given, then its operands, in *cargv (malloc'ed).
 * Returns 0, 1 when the command line asked for help or the version (printed), or 2.
 */
static int split_args(nytte_ctx *ctx, int argc, char **argv, int *verbosity, const char **cmd, char ***cargv,
                      int *cargc)
{
    char **opt = calloc((size_t)argc + 2, sizeof *opt), **ops = calloc((size_t)argc + 1, sizeof *ops);
    int nopt = 0, nops = 0, rc = 0;
    bool dd = false;
    *cmd = NULL;
    if (!opt || !ops) {
        fputs("nytte: out of memory\n", stderr);
        rc = 2;
    }
    for (int i = 1; i < argc && !rc; i++) {
        char *a = argv[i];
        int g;
        if (dd || a[0] != '-' || a[1] == '\0') {
            if (!*cmd && !dd)
                *cmd = a;
            else
                ops[nops++] = a;
        } else if (!strcmp(a, "--")) {
            dd = true;
        } else if ((g = global_option(ctx, argc, argv, &i, verbosity)) != 0) {
            rc = g < 0 ? 2 : 0;
        } else if (*cmd) {
            opt[nopt++] = a;
            if (takes_value(*cmd, a) && i + 1 < argc)
                opt[nopt++] = argv[++i];
        } else if (asked_for_info(a)) {
            rc = 1;
        } else {
            fprintf(stderr, "nytte: unknown option '%s'\n%s", a, usage);
            rc = 2;
        }
    }
    if (!rc && !*cmd) {
        fprintf(stderr, "nytte: no command given\n%s", usage);
        rc = 2;
    }
    if (!rc) {
        if (dd)
            opt[nopt++] = "--";
        for (int k = 0; k < nops; k++)
            opt[nopt++] = ops[k];
        *cargv = opt;
        *cargc = nopt;
        opt = NULL;
    }
    free(opt);
    free(ops);
    return rc;
}

int main(int argc, char **argv)
{
#ifdef NYTTE_HAVE_MPI
    /* mpirun -n N nytte run ...: every rank runs the command; rank 0 alone writes (docs/scale-out.md) */
    if (nytte_dist_init(&argc, &argv) != NYTTE_OK) {
        fputs("nytte: cannot start MPI\n", stderr);
        return 1;
    }
    int rc_mpi = nytte_main(argc, argv);
    /* No MPI_Abort on failure: a rank that fails inside a run tells the others at the next
     * agreement point (nytte_dist_agree; docs/scale-out.md), so every rank returns here and
     * ends cleanly with its exit status (mpirun reports the worst). */
    nytte_dist_finalize();
    return rc_mpi;
}

static int nytte_main(int argc, char **argv)
{
#endif
    nytte_ctx *ctx = NULL;
    if (nytte_ctx_new(&ctx) != NYTTE_OK) {
        fputs("nytte: out of memory\n", stderr);
        return 1;
    }
    install_signal_handlers();
    int verbosity = NYTTE_LOG_WARN, rc = 0, cargc = 0;
    const char *cmd = NULL;
    char **cargv = NULL;
    rc = split_args(ctx, argc, argv, &verbosity, &cmd, &cargv, &cargc);
    if (rc) {
        rc = rc == 1 ? 0 : rc;
        goto done;
    }
#ifdef NYTTE_HAVE_MPI
    if (nytte_dist_rank() != 0)
        verbosity = NYTTE_LOG_ERROR; /* one rank reports */
#endif
    nytte_ctx_set_verbosity(ctx, (nytte_log_level)verbosity);
    if (!strcmp(cmd, "run"))
        rc = nytte_cli_run(ctx, cargc, cargv);
    else if (!strcmp(cmd, "validate"))
        rc = nytte_cli_validate(ctx, cargc, cargv);
    else if (!strcmp(cmd, "explain"))
        rc = nytte_cli_explain(ctx, cargc, cargv);
    else if (!strcmp(cmd, "compare"))
        rc = nytte_cli_compare(ctx, cargc, cargv);
    else if (!strcmp(cmd, "diff"))
        rc = nytte_cli_diff(ctx, cargc, cargv);
    else if (!strcmp(cmd, "help")) {
        fputs(usage, stdout);
        rc = 0;
    } else {
        fprintf(stderr, "nytte: unknown command '%s' (try nytte --help)\n", cmd);
        rc = 2;
    }
done:
    free(cargv);
    nytte_ctx_free(ctx);
    return rc;
}
