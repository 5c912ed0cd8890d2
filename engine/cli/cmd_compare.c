/* cmd_compare.c — nytte compare PROJECT: the allocation models side by side. */
#include "nytte/config.h"
#include "nytte/pipeline.h"
#include "nytte/report.h"

#include "cli/cli_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char help[] =
    "usage: nytte compare [--csv FILE] PROJECT\n"
    "\n"
    "Run the project in memory and allocate its pools with every model listed in\n"
    "allocation.compare (the chosen model first), on the same flooding, pools and owners.\n"
    "Prints per model: payers, mean, median and largest payment, the share paid by the\n"
    "10 % who pay most, the Gini coefficient of payments, the median payment per mille\n"
    "of property value, and how many owners pay more, less or the same as under the\n"
    "first model. A model that cannot run on the project is listed with the reason.\n"
    "A value that has no meaning (no property values, one model) prints as -.\n"
    "\n"
    "  --csv FILE  also write every owner's amount under each model and its difference\n"
    "              to the first model (FILE.xlsx: a spreadsheet; else CSV in the\n"
    "              project's outputs.csv_dialect). Nothing else is written.\n";

/* A number with `dec` decimals, or "-" when it is not one (no payers, no property values). */
static const char *num(char *buf, size_t size, double v, int dec)
{
    if (v == v && v - v == 0)
        snprintf(buf, size, "%.*f", dec, v);
    else
        snprintf(buf, size, "-");
    return buf;
}

static void print_row(const char *model, const nytte_alloc_metrics *m, int first)
{
    char more[32] = "-", less[32] = "-", same[32] = "-", a[6][32];
    if (!first) {
        snprintf(more, sizeof more, "%zu", m->more);
        snprintf(less, sizeof less, "%zu", m->less);
        snprintf(same, sizeof same, "%zu", m->same);
    }
    printf("%-12s %7zu %12s %12s %12s %7s %6s %9s %6s %6s %6s\n", model, m->npayers, num(a[0], 32, m->mean_kr, 2),
           num(a[1], 32, m->median_kr, 2), num(a[2], 32, m->max_kr, 2), num(a[3], 32, 100.0 * m->top10_share, 1),
           num(a[4], 32, m->gini, 3), num(a[5], 32, m->median_permille, 3), more, less, same);
}

int nytte_cli_compare(nytte_ctx *ctx, int argc, char **argv)
{
    const char *csv = NULL;
    while (argc >= 1 && argv[0][0] == '-') {
        if (!strcmp(argv[0], "--")) { /* the end of the options */
            argc--;
            argv++;
            break;
        } else if (!strcmp(argv[0], "--help") || !strcmp(argv[0], "-h")) {
            fputs(help, stdout);
            return 0;
        } else if (!strcmp(argv[0], "--csv") && argc >= 2) {
            csv = argv[1];
            argc -= 2;
            argv += 2;
        } else {
            fprintf(stderr, "nytte compare: unknown option '%s'\n%s", argv[0], help);
            return 2;
        }
    }
    if (argc != 1) {
        fprintf(stderr, "nytte compare: expected one PROJECT\n%s", help);
        return 2;
    }
    /* the run's warnings belong to `nytte run`: a read-only command does not repeat them (-v shows them) */
    if (nytte_ctx_verbosity(ctx) == NYTTE_LOG_WARN)
        nytte_ctx_set_verbosity(ctx, NYTTE_LOG_ERROR);
    nytte_project *p = NULL;
    nytte_results *r = NULL;
    nytte_alloc_comparison *c = NULL;
    size_t n = 0;
    int rc = nytte_cli_load(ctx, &p, argv[0]);
    if (rc == NYTTE_OK && (rc = nytte_compute(ctx, &r, p)) != NYTTE_OK)
        nytte_cli_error(ctx);
    if (rc == NYTTE_OK && (rc = nytte_results_compare(ctx, &c, &n, r)) != NYTTE_OK)
        nytte_cli_error(ctx);
    if (rc == NYTTE_OK) {
        size_t nfailed = 0;
        for (size_t i = 0; i < n; i++)
            nfailed += c[i].rc != NYTTE_OK;
        printf("%s: %zu model%s compared on the same flooding, pools and owners (amounts in kr)", argv[0], n,
               n == 1 ? "" : "s");
        if (nfailed)
            printf("; %zu cannot run on it", nfailed);
        printf("\n\n%-12s %7s %12s %12s %12s %7s %6s %9s %6s %6s %6s\n", "model", "payers", "mean", "median", "max",
               "top10%", "gini", "\u2030value", "more", "less", "same");
        for (size_t i = 0; i < n; i++)
            if (c[i].rc == NYTTE_OK)
                print_row(nytte_alloc_model_name(c[i].model), &c[i].metrics, i == 0);
        /* the models that cannot run on these facts, each with why (their rows have no amounts) */
        if (nfailed)
            printf("\n");
        for (size_t i = 0; i < n; i++)
            if (c[i].rc != NYTTE_OK)
                printf("%-12s cannot run: %s\n", nytte_alloc_model_name(c[i].model), c[i].error);
        printf("\ntop10%%: share of the total paid by the 10 %% of payers who pay most; gini over payers;\n"
               "\u2030value: median payment per mille of public property value; more/less/same vs %s.\n",
               n ? nytte_alloc_model_name(c[0].model) : "-");
    }
    if (rc == NYTTE_OK && csv) {
        nytte_csv_opts da = {';', ',', true};
        rc = nytte_report_compare_table(ctx, csv, nytte_results_allocation(r), c, n, p->csv_excel_da ? &da : NULL);
        if (rc)
            nytte_cli_error(ctx);
        else
            printf("per owner: %s\n", csv);
    }
    nytte_alloc_comparison_free(c, n);
    nytte_results_free(r);
    nytte_project_free(p);
    return nytte_cli_exit_code(rc);
}
