/*
 * stage_report.c — the report stage: every table, layer, style, QGIS project and the
 * report into the run folder (nytte_report_write), then the manifest, last, with the
 * hashes of all of them and the stage timings (docs/outputs.md).
 */
#include "pipeline/pipeline_int.h"

int pipeline_report(run_state *s)
{
    static const char *const stage_names[STAGE_COUNT] = {"inputs", "hazard",   "overlay",    "damage",
                                                         "allocate", "report", "uncertainty"};
    double t = nytte_now();
    size_t nb = s->in.nbuildings;
    nytte_report_data rd = {.project = s->p, .inputs = &s->in, .metrics = s->metrics, .alloc = s->alloc,
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
    /* NULL: the project's outputs.csv_dialect */
    int rc = nytte_report_write(s->ctx, &rd, s->folder.tmp, NULL);
    if (rc)
        return rc;
    /* the manifest reports this stage's time too */
    s->timing[STAGE_REPORT] = nytte_now() - t;
    return nytte_report_write_manifest(s->ctx, &rd, s->folder.tmp);
}
