/*
 * run.c — nytte_run(): the stages in order over one project, the only place that knows
 * the order (the table below):
 *
 *   inputs -> hazard (depth rasters per scenario and event) -> overlay (exact zonal
 *   statistics of parcels and buildings) -> damage (EAD with and without each element)
 *   -> catchment (who sends the water) -> allocate (the chosen model, exact to the øre)
 *   -> comparison (the other models on the same facts) -> finance (loans per owner)
 *   -> uncertainty (draws and climate horizons, when the project asks for them)
 *   -> report (tables, layers, the report)
 *
 * Everything is written into the run's temporary folder (folder.c), which becomes the
 * output folder only when every stage succeeded.
 */
#include "pipeline/pipeline_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void run_state_free(run_state *s)
{
    nytte_inputs_free(&s->in);
    nytte_raster_clear(&s->dem);
    nytte_mosaic_remove(s->mosaic);
    free(s->mosaic);
    free(s->wkt);
    for (size_t i = 0; i < s->nepoch * s->nscen * s->nlev; i++)
        free(s->paths ? s->paths[i] : NULL);
    free(s->paths);
    for (size_t i = 0; i < s->nscen; i++)
        free(s->scen ? s->scen[i] : NULL);
    free(s->scen);
    free(s->levels);
    free(s->pstats);
    free(s->tstats);
    free(s->metrics);
    free(s->element_pv);
    free(s->contributor);
    free(s->area_in);
    free(s->roof_in);
    free(s->element_ead);
    free(s->ead);
    free(s->ead_end);
    free(s->facts);
    free(s->elements);
    free(s->holdings);
    free(s->loans);
    nytte_alloc_result_free(s->alloc);
    nytte_alloc_comparison_free(s->models, s->nmodels);
    nytte_unc_result_free(s->unc);
    for (size_t i = 0; i < s->nfindings; i++)
        free(s->findings[i]);
    free(s->findings);
}

/* Who runs a stage under mpirun: every rank (the work is shared), or the writer alone. */
typedef enum { ON_EVERY_RANK, ON_THE_WRITER } stage_where;

/* One stage of a run: its name (in messages under mpirun), the timing it adds to, where it runs,
 * and whether the project asks for it (NULL: always). */
typedef struct stage {
    const char *name;
    int (*run)(run_state *s);
    int timing;
    stage_where where;
    bool (*wanted)(const run_state *s);
} stage;

/* The draws and horizons run only when the project has them (and only then show in the progress). */
static bool uncertainty_wanted(const run_state *s) { return s->p->has_uncertainty || s->p->nhorizons > 0; }

/*
 * The order of a run. The inputs, the hazard and the overlay are shared by the ranks;
 * what follows is arithmetic on the overlay's statistics (and the catchment), done where
 * they are: the writer. The report is written by the writer after the last of them
 * (nytte_run), when the outputs have somewhere to go.
 */
static const stage stages[] = {
    {"inputs", pipeline_inputs, STAGE_INPUTS, ON_EVERY_RANK, NULL},
    {"hazard", pipeline_hazard, STAGE_HAZARD, ON_EVERY_RANK, NULL},
    {"overlay", pipeline_overlay, STAGE_OVERLAY, ON_EVERY_RANK, NULL},
    {"damage", pipeline_damage, STAGE_DAMAGE, ON_THE_WRITER, NULL},
    {"catchment", pipeline_catchment, STAGE_HAZARD, ON_THE_WRITER, NULL},
    {"allocation", pipeline_allocate, STAGE_ALLOCATE, ON_THE_WRITER, NULL},
    {"safeguards", pipeline_safeguards, STAGE_ALLOCATE, ON_THE_WRITER, NULL},
    {"comparison", pipeline_compare, STAGE_ALLOCATE, ON_THE_WRITER, NULL},
    {"finance", pipeline_finance, STAGE_ALLOCATE, ON_THE_WRITER, NULL},
    {"uncertainty", pipeline_uncertainty, STAGE_UNCERTAINTY, ON_THE_WRITER, uncertainty_wanted},
};

#define NSTAGES (sizeof stages / sizeof stages[0])

/* The stages this run goes through (those its project asks for). */
static size_t stages_wanted(const run_state *s)
{
    size_t n = 0;
    for (size_t i = 0; i < NSTAGES; i++)
        n += !stages[i].wanted || stages[i].wanted(s);
    return n;
}

int pipeline_compute(run_state *s)
{
    /* on a terminal, "[k/n] stage" and its seconds (the report, when one follows, is the last) */
    size_t n = stages_wanted(s) + (s->report_follows ? 1 : 0), k = 0;
    for (size_t i = 0; i < NSTAGES; i++) {
        const stage *st = &stages[i];
        if (st->wanted && !st->wanted(s))
            continue;
        double t = nytte_now();
        nytte_progress_stage(s->ctx, ++k, n, st->name);
        int src = st->where == ON_EVERY_RANK || s->writer ? st->run(s) : NYTTE_OK;
        nytte_log(s->ctx, NYTTE_LOG_DEBUG, "stage %s: %.3f s", st->name, nytte_now() - t);
        /* under mpirun every stage ends with every rank's verdict, so that a rank that failed
         * alone (memory, a file) stops the others instead of leaving them in a collective;
         * it also keeps rank 0's rasters written before any rank reads them */
        int rc = nytte_dist_agree(s->ctx, src, st->name);
        if (rc)
            return rc;
        s->timing[st->timing] += nytte_now() - t;
    }
    if (!s->report_follows)
        nytte_progress_stage(s->ctx, 0, 0, NULL);
    return NYTTE_OK;
}

/* -v: where the run's time went, one line (the manifest has the same figures, timings_s). */
static void log_timings(const run_state *s, double total)
{
    static const char *const names[STAGE_COUNT] = {"inputs", "hazard", "overlay",    "damage",
                                                   "allocation", "report", "uncertainty"};
    char line[512];
    size_t k = 0;
    for (int i = 0; i < (s->unc ? STAGE_COUNT : STAGE_UNCERTAINTY) && k < sizeof line; i++)
        k += (size_t)snprintf(line + k, sizeof line - k, "%s%s %.2f s", i ? ", " : "", names[i], s->timing[i]);
    nytte_log(s->ctx, NYTTE_LOG_INFO, "time: %s; total %.2f s", line, total);
}

/* What the command prints after a run. */
static void summarise(const run_state *s, nytte_run_summary *out)
{
    const nytte_project *p = s->p;
    out->nparcels = s->in.nparcels;
    out->nbuildings = s->in.nbuildings;
    out->nowners = s->alloc->nowners;
    for (size_t i = 0; i < s->in.nparcels; i++)
        out->nflooded += s->metrics[i].wet_design > 0;
    for (size_t i = 0; i < s->alloc->nowners; i++) {
        out->npayers += s->alloc->owners[i].total_ore > 0;
        out->charged_ore += s->alloc->owners[i].total_ore;
    }
    out->pool_ore = s->alloc->total_ore;
    out->residual_ore = s->alloc->residual_ore;
    out->nfindings = s->nfindings;
    out->nelements = p->nmeasures < 16 ? p->nmeasures : 16;
    for (size_t e = 0; e < out->nelements; e++) {
        snprintf(out->elements[e].id, sizeof out->elements[e].id, "%s", p->measures[e].id);
        out->elements[e].ead_without = s->element_ead[2 * e];
        out->elements[e].ead_with = s->element_ead[2 * e + 1];
        out->elements[e].pv_benefits = s->element_pv[e].pv_benefits;
        out->elements[e].pv_costs = s->element_pv[e].pv_costs;
        out->elements[e].bcr = s->element_pv[e].bcr;
    }
}

int nytte_run(nytte_ctx *ctx, const nytte_project *p, const nytte_run_opts *opts, nytte_run_summary *out)
{
    nytte_run_opts defaults = NYTTE_RUN_OPTS_INIT;
    if (!opts)
        opts = &defaults;
    memset(out, 0, sizeof *out);
    double t0 = nytte_now();
    run_state s;
    memset(&s, 0, sizeof s);
    s.ctx = ctx;
    s.p = p;
    const char *out_dir = opts->out_dir ? opts->out_dir : p->out_dir;
    snprintf(out->out_dir, sizeof out->out_dir, "%s", out_dir);
    /*
     * mpirun with several processes: one run folder for every rank (rank 0 makes it, owns
     * it and alone writes into it, except the tiles of a tiled hazard), so that every rank
     * reads the same hazard rasters (docs/scale-out.md).
     */
    int nranks = nytte_dist_size();
    s.writer = nytte_dist_rank() == 0;
    s.shared = nranks > 1;
    s.tile = opts->tile > 0 ? opts->tile : nranks > 1 ? NYTTE_RUN_DEFAULT_TILE : 0;
    /* outputs.folder was checked when the project was loaded; an --out given instead is checked here */
    int rc = opts->out_dir ? nytte_project_check_out_dir(ctx, p, out_dir, "--out") : NYTTE_OK;
    if (!rc)
        rc = run_folder_begin(ctx, &s.folder, out_dir, opts->force, s.shared);
    s.report_follows = true;
    if (!rc)
        rc = pipeline_compute(&s);
    /* the writer computed the tables from every rank's overlay and writes them */
    if (!rc && s.writer) {
        nytte_progress_stage(ctx, stages_wanted(&s) + 1, stages_wanted(&s) + 1, "report");
        if (!(rc = pipeline_report(&s)) && !(rc = run_folder_commit(ctx, &s.folder))) {
            summarise(&s, out);
            out->seconds = nytte_now() - t0;
            log_timings(&s, out->seconds);
        }
    }
    nytte_progress_stage(ctx, 0, 0, NULL);
    run_folder_name_error(ctx, &s.folder, rc);
    /* every rank of a shared run comes here once: an error common to the ranks is printed once */
    if (s.shared)
        nytte_dist_report_once(ctx, rc);
    run_folder_end(&s.folder);
    run_state_free(&s);
    return rc;
}
