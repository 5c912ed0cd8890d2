/*
 * results.c — runs kept in memory, for `nytte explain` and `nytte compare`: the stages of
 * a run without the report, the hazard rasters in a scratch folder removed at once; an
 * owner's explanation, with the owner's band when the project draws (docs/uncertainty.md).
 */
#include "pipeline/pipeline_int.h"

#include <stdlib.h>
#include <string.h>

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
    int rc = nytte_alloc_explain_owner(ctx, text, r->s.alloc, &r->s.ain, owner_id);
    long o = rc ? -1 : nytte_alloc_find_owner(r->s.alloc, owner_id);
    if (o < 0 || !r->s.unc || !r->s.unc->owners)
        return rc;
    /* with draws: the owner's band, after the explanation */
    char band[1024];
    nytte_unc_owner_text(band, sizeof band, r->s.unc, (size_t)o, r->s.p->uncertainty.seed);
    size_t n = strlen(*text), m = strlen(band);
    char *grown = realloc(*text, n + m + 1);
    if (!grown)
        return nytte_nomem(ctx, "owner %s: the explanation", owner_id);
    memcpy(grown + n, band, m + 1);
    *text = grown;
    return NYTTE_OK;
}

int nytte_results_compare(nytte_ctx *ctx, nytte_alloc_comparison **out, size_t *n, const nytte_results *r)
{
    *out = NULL;
    *n = 0;
    const run_state *s = &r->s;
    /* a model that cannot run on these facts fails the command, naming the model */
    for (size_t m = 0; m < s->nmodels; m++)
        if (s->models[m].rc != NYTTE_OK)
            return nytte_error(ctx, s->models[m].rc, "model %s: %s", nytte_alloc_model_name(s->models[m].model),
                               s->models[m].error);
    /* the caller's copy of the rows the run computed (comparison stage) */
    nytte_alloc_comparison *c = calloc(s->nmodels ? s->nmodels : 1, sizeof *c);
    if (!c)
        return nytte_nomem(ctx, "comparing %zu models", s->nmodels);
    for (size_t m = 0; m < s->nmodels; m++) {
        c[m] = s->models[m];
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
