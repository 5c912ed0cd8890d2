/* cmd_run.c — nytte run PROJECT...: run projects in a batch. */
#include "nytte/config.h"
#include "nytte/dist.h"
#include "nytte/pipeline.h"

#include "cli/cli_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char help[] =
    "usage: nytte run [--force] [--out DIR] [--tile CELLS] PROJECT...\n"
    "\n"
    "Run each project: read the inputs, derive the hazard with and without the\n"
    "measures, overlay parcels and buildings, compute damage and benefit, allocate\n"
    "the cost to owners and write the outputs into the project's output folder.\n"
    "\n"
    "  --force     replace an existing output folder (it is never half-overwritten)\n"
    "  --out DIR   write the outputs into DIR instead (one project only)\n"
    "  --tile CELLS  compute a coastal hazard over square tiles of CELLS x CELLS\n"
    "              cells (1 to 16384): the terrain is never held whole; the\n"
    "              depths are the same. Under mpirun with several processes\n"
    "              tiles of 1024 are the default, shared by the processes.\n"
    "\n"
    "Projects run one after another; a failing project does not stop the batch.\n"
    "Exit status: 0 all succeeded, else the worst of 1 (data) and 2 (project file).\n";

int nytte_cli_run(nytte_ctx *ctx, int argc, char **argv)
{
    nytte_run_opts opts = NYTTE_RUN_OPTS_INIT;
    int first = 0;
    for (; first < argc && argv[first][0] == '-'; first++) {
        const char *a = argv[first];
        if (!strcmp(a, "--")) { /* the end of the options (main.c puts them all before it) */
            first++;
            break;
        } else if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            fputs(help, stdout);
            return 0;
        } else if (!strcmp(a, "--force") || !strcmp(a, "-f")) {
            opts.force = true;
        } else if (!strcmp(a, "--out") && first + 1 < argc) {
            opts.out_dir = argv[++first];
        } else if (!strcmp(a, "--tile") && first + 1 < argc) {
            const char *v = argv[++first];
            char *end;
            long n = strtol(v, &end, 10);
            if (end == v || *end || n < 1 || n > 16384) {
                fprintf(stderr, "nytte run: --tile needs a whole number of cells from 1 to 16384, got '%s'\n", v);
                return 2;
            }
            opts.tile = (int)n;
        } else {
            fprintf(stderr, "nytte run: unknown option '%s'\n%s", a, help);
            return 2;
        }
    }
    if (first >= argc) {
        fprintf(stderr, "nytte run: no project file given\n%s", help);
        return 2;
    }
    if (opts.out_dir && argc - first > 1) {
        fputs("nytte run: --out takes one project only\n", stderr);
        return 2;
    }
    int worst = 0;
    for (int i = first; i < argc; i++) {
        nytte_project *p = NULL;
        nytte_diag diag = {0};
        int rc = nytte_project_load(ctx, &p, argv[i], &diag);
        if (rc != NYTTE_OK) {
            /* under mpirun every rank reads the same project file the same way: rank 0 says it */
            if (nytte_dist_rank() == 0) {
                for (size_t k = 0; k < diag.n; k++)
                    fprintf(stderr, "%s\n", diag.lines[k]);
                if (diag.n == 0)
                    nytte_cli_error(ctx);
            }
        } else {
            for (size_t w = 0; w < p->nwarnings; w++)
                nytte_log(ctx, NYTTE_LOG_WARN, "%s: %s", argv[i], p->warnings[w]);
            nytte_run_summary s;
            rc = nytte_run(ctx, p, &opts, &s);
            if (rc != NYTTE_OK) {
                nytte_cli_error(ctx);
            } else if (nytte_ctx_verbosity(ctx) >= NYTTE_LOG_WARN) {
                char kr[48], rest[96] = "", res[48];
                if (s.residual_ore)
                    snprintf(rest, sizeof rest, " (and %s kr to the residual payer)",
                             nytte_money_format(res, sizeof res, NULL, s.residual_ore));
                printf("%s: %zu parcels, %zu owners, %zu paying; %s kr allocated%s in %.1f s\n"
                       "  outputs: %s\n",
                       argv[i], s.nparcels, s.nowners, s.npayers, nytte_money_format(kr, sizeof kr, NULL, s.charged_ore),
                       rest, s.seconds, s.out_dir);
                if (s.nfindings)
                    printf("  %zu safeguard finding%s: report.html (first screen) and manifest.json (findings) list %s\n", s.nfindings,
                           s.nfindings == 1 ? "" : "s", s.nfindings == 1 ? "it" : "them");
                for (size_t e = 0; e < s.nelements; e++)
                    printf("  %s: EAD %.0f -> %.0f kr/yr; PV benefits %.0f kr / PV costs %.0f kr = "
                           "benefit-cost ratio %.2f\n",
                           s.elements[e].id, s.elements[e].ead_without, s.elements[e].ead_with,
                           s.elements[e].pv_benefits, s.elements[e].pv_costs, s.elements[e].bcr);
            }
        }
        nytte_diag_clear(&diag);
        nytte_project_free(p);
        int code = nytte_cli_exit_code(rc);
        if (code == 2 || worst == 0)
            worst = code;
        nytte_ctx_clear_error(ctx);
    }
    return worst;
}
