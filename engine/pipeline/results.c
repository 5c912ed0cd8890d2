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
        run_folder_end(&r->s.folder);
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

const nytte_alloc_result *nytte_results_allocation(const nytte_results *r) { return r->s.alloc; }

int nytte_results_compare(nytte_ctx *ctx, nytte_alloc_comparison **out, size_t *n, const nytte_results *r)
{
    *out = NULL;
    *n = 0;
    const run_state *s = &r->s;
    /* the caller's copy of the rows the run computed (comparison stage); a model that cannot
     * run on these facts keeps its reason in its row */
    nytte_alloc_comparison *c = calloc(s->nmodels ? s->nmodels : 1, sizeof *c);
    if (!c)
        return nytte_nomem(ctx, "comparing %zu models", s->nmodels);
    for (size_t m = 0; m < s->nmodels; m++) {
        c[m] = s->models[m];
        c[m].owner_ore = NULL;
        if (!s->models[m].owner_ore)
            continue;
        c[m].owner_ore = malloc((c[m].nowners ? c[m].nowners : 1) * sizeof *c[m].owner_ore);
        if (!c[m].owner_ore) {
            nytte_alloc_comparison_free(c, m);
            return nytte_nomem(ctx, "comparing %zu models", s->nmodels);
        }
        for (size_t o = 0; o < c[m].nowners; o++)
            c[m].owner_ore[o] = s->models[m].owner_ore[o];
    }
    *out = c;
    *n = s->nmodels;
    return NYTTE_OK;
}
