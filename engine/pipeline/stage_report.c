/*
 * stage_report.c — the report stage: every table, layer, style, QGIS project and the
 * report into the run folder (nytte_report_write), then the manifest, last, with the
 * hashes of all of them and the stage timings (docs/outputs.md).
 */
#include "pipeline/pipeline_int.h"

#include <stdlib.h>

/* Every owner's explanation with its payment plan (explanations.txt), or NULL when memory ran out. */
static char **owner_texts(run_state *s)
{
    size_t n = s->alloc->nowners;
    char **t = calloc(n ? n : 1, sizeof *t);
    for (size_t o = 0; t && o < n; o++)
        if (pipeline_owner_text(s->ctx, &t[o], s, o) != NYTTE_OK) {
            for (size_t k = 0; k < o; k++)
                free(t[k]);
            free(t);
            return NULL;
        }
    return t;
}

int pipeline_report(run_state *s)
{
    static const char *const stage_names[STAGE_COUNT] = {"inputs", "hazard",   "overlay",    "damage",
                                                         "allocate", "report", "uncertainty"};
    double t = nytte_now();
    size_t nb = s->in.nbuildings;
    nytte_alloc_explainer *explainer = NULL;
    int rc = nytte_alloc_explainer_new(s->ctx, &explainer, s->alloc, &s->ain);
    if (rc)
        return rc;
    nytte_report_data rd = {.project = s->p, .inputs = &s->in, .metrics = s->metrics, .alloc = s->alloc,
                            .explainer = explainer,
                            .loans = s->loans, .ead_rule = s->ead_rule,
                            .building_design = s->bstats ? s->bstats + s->design_k : NULL,
                            .building_stride = s->nrasters,
                            .building_ead_without = s->ead,
                            .building_ead_with = s->ead ? s->ead + (s->nscen - 1) * nb : NULL,
                            .rasters = (const char *const *)s->paths, .nrasters = s->nrasters,
                            .models = s->models, .nmodels = s->nmodels, .element_pv = s->element_pv,
                            .findings = (const char *const *)s->findings, .nfindings = s->nfindings,
                            .timing = s->timing, .timing_names = stage_names,
                            .ntiming = s->unc ? STAGE_COUNT : STAGE_UNCERTAINTY, .uncertainty = s->unc};
    char **texts = owner_texts(s);
    if (!texts) {
        nytte_alloc_explainer_free(explainer);
        return nytte_ctx_errcode(s->ctx) ? nytte_ctx_errcode(s->ctx) : nytte_nomem(s->ctx, "explanations");
    }
    rd.explanations = (const char *const *)texts;
    /* NULL: the project's outputs.csv_dialect */
    rc = nytte_report_write(s->ctx, &rd, s->folder.tmp, NULL);
    for (size_t o = 0; o < s->alloc->nowners; o++)
        free(texts[o]);
    free((void *)texts);
    if (!rc) {
        /* the manifest reports this stage's time too */
        s->timing[STAGE_REPORT] = nytte_now() - t;
        rc = nytte_report_write_manifest(s->ctx, &rd, s->folder.tmp);
    }
    nytte_alloc_explainer_free(explainer);
    return rc;
}
