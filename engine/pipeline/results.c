/*
 * results.c — runs kept in memory, for `nytte explain` and `nytte compare`: the stages of
 * a run without the report, the hazard rasters in a scratch folder removed at once.
 */
#include "pipeline/pipeline_int.h"

#include <stdlib.h>

struct nytte_results {
    run_state s;
};

int nytte_compute(nytte_ctx *ctx, nytte_results **out, const nytte_project *p)
{
    *out = NULL;
    nytte_results *r = calloc(1, sizeof *r);
    if (!r)
        return nytte_nomem(ctx, "%s", p->path);
    r->s.ctx = ctx;
    r->s.p = p;
    r->s.writer = true; /* its own folder, under mpirun too */
    int rc = run_folder_scratch(ctx, &r->s.folder);
    if (!rc) {
        rc = pipeline_compute(&r->s);
        /* the hazard rasters were only needed for the overlay */
        run_folder_abort(&r->s.folder);
    }
    if (rc) {
        nytte_results_free(r);
        return rc;
    }
    *out = r;
    return NYTTE_OK;
}

void nytte_results_free(nytte_results *r)
{
    if (!r)
        return;
    run_state_free(&r->s);
    free(r);
}

int nytte_results_explain(nytte_ctx *ctx, char **text, const nytte_results *r, const char *owner_id)
{
    return nytte_alloc_explain_owner(ctx, text, r->s.alloc, &r->s.ain, owner_id);
}

int nytte_results_compare(nytte_ctx *ctx, nytte_alloc_comparison **out, size_t *n, const nytte_results *r)
{
    const nytte_project *p = r->s.p;
    *out = NULL;
    *n = 0;
    /* every model on the same facts, pools and holdings: only the weights differ */
    nytte_alloc_comparison *c = NULL;
    int rc = nytte_alloc_compare(ctx, &c, &r->s.ain, p->compare, p->ncompare);
    if (rc)
        return rc;
    /* a model that cannot run on these facts fails the command, naming the model */
    for (size_t m = 0; m < p->ncompare; m++)
        if (c[m].rc != NYTTE_OK) {
            rc = nytte_error(ctx, c[m].rc, "model %s: %s", nytte_alloc_model_name(c[m].model), c[m].error);
            nytte_alloc_comparison_free(c, p->ncompare);
            return rc;
        }
    *out = c;
    *n = p->ncompare;
    return NYTTE_OK;
}
