/*
 * pipeline.c — nytte_run(): the stages in order over one project.
 *
 *   inputs -> hazard (depth rasters per scenario and event) -> overlay (exact zonal
 *   statistics of parcels and buildings) -> damage (EAD with and without each element)
 *   -> allocate (the chosen model, exact to the øre) -> finance (loans per owner)
 *   -> report (tables and layers)
 *
 * Everything is written into a temporary folder beside the output folder, which is
 * renamed into place only when every stage succeeded.
 */
#include "nytte/pipeline.h"

#include "nytte/allocate.h"
#include "nytte/damage.h"
#include "nytte/finance.h"
#include "nytte/hazard.h"
#include "nytte/io.h"
#include "nytte/overlay.h"
#include "nytte/report.h"

#include "pipeline/pipeline_int.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

void run_state_free(run_state *s)
{
    nytte_inputs_free(&s->in);
    nytte_raster_clear(&s->dem);
    free(s->wkt);
    for (size_t i = 0; i < s->nscen * s->nlev; i++)
        free(s->paths ? s->paths[i] : NULL);
    free(s->paths);
    for (size_t i = 0; i < s->nscen; i++)
        free(s->scen ? s->scen[i] : NULL);
    free(s->scen);
    free(s->levels);
    free(s->pstats);
    free(s->tstats);
    free(s->metrics);
    free(s->ead);
    free(s->facts);
    free(s->elements);
    free(s->holdings);
    free(s->loans);
    nytte_alloc_result_free(s->alloc);
}

static int mkdir_p_parent(nytte_ctx *ctx, const char *out_dir)
{
    char parent[4096];
    snprintf(parent, sizeof parent, "%s", out_dir);
    char *slash = strrchr(parent, '/');
    if (!slash)
        return NYTTE_OK;
    *slash = '\0';
    if (!*parent)
        return NYTTE_OK;
    struct stat st;
    if (stat(parent, &st) == 0)
        return S_ISDIR(st.st_mode) ? NYTTE_OK
                                   : nytte_error(ctx, NYTTE_EIO, "%s: is not a folder", parent);
    return nytte_error(ctx, NYTTE_EIO, "%s: the folder for the outputs does not exist", parent);
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
    int rc = NYTTE_OK;
    int have_tmp = 0;
    struct stat st;

    if (stat(out_dir, &st) == 0 && !opts->force) {
        return nytte_error(ctx, NYTTE_EUSAGE, "%s: the output folder exists; use --force to replace it", out_dir);
    }
    if ((rc = mkdir_p_parent(ctx, out_dir)))
        return rc;
    if ((rc = nytte_crs_wkt(ctx, &s.wkt, p->crs)))
        goto cleanup;

    /* 1. inputs */
    double t = nytte_now();
    nytte_log(ctx, NYTTE_LOG_INFO, "reading inputs");
    if ((rc = nytte_inputs_read(ctx, &s.in, p, s.wkt)))
        goto cleanup;
    if ((rc = nytte_raster_read(ctx, &s.dem, p->terrain, 1)))
        goto cleanup;
    if ((rc = nytte_hazard_check_terrain(ctx, &s.dem, p->terrain)))
        goto cleanup;
    if ((rc = pipeline_check_crs(ctx, p->terrain, s.dem.crs_wkt, s.wkt)))
        goto cleanup;
    nytte_log(ctx, NYTTE_LOG_INFO, "%zu parcels, %zu buildings, %zu owners; terrain %d x %d cells of %g m (%.2f s)",
              s.in.nparcels, s.in.nbuildings, s.in.nowners, s.dem.grid.nx, s.dem.grid.ny, s.dem.grid.dx,
              nytte_now() - t);
    s.timing[STAGE_INPUTS] = nytte_now() - t;

    /* a temporary folder beside the output, so that the final rename stays on one file system */
    snprintf(s.tmpdir, sizeof s.tmpdir, "%s.tmp-XXXXXX", out_dir);
    if (!mkdtemp(s.tmpdir)) {
        rc = nytte_error(ctx, NYTTE_EIO, "%s: cannot create a temporary folder: %s", s.tmpdir, strerror(errno));
        goto cleanup;
    }
    have_tmp = 1;

    /* 2.-7. the stages */
    t = nytte_now();
    if ((rc = pipeline_hazard(&s)))
        goto cleanup;
    s.timing[STAGE_HAZARD] = nytte_now() - t;
    t = nytte_now();
    if ((rc = pipeline_overlay(&s)))
        goto cleanup;
    s.timing[STAGE_OVERLAY] = nytte_now() - t;
    t = nytte_now();
    if ((rc = pipeline_damage(&s)))
        goto cleanup;
    s.timing[STAGE_DAMAGE] = nytte_now() - t;
    t = nytte_now();
    if ((rc = pipeline_allocate(&s)))
        goto cleanup;
    if ((rc = pipeline_finance(&s)))
        goto cleanup;
    s.timing[STAGE_ALLOCATE] = nytte_now() - t;
    t = nytte_now();
    nytte_report_data rd = {p, &s.in, s.metrics, s.alloc, s.loans, s.ead_rule};
    nytte_csv_opts csv = NYTTE_CSV_OPTS_INIT;
    if ((rc = nytte_report_write(ctx, &rd, s.tmpdir, &csv)))
        goto cleanup;
    s.timing[STAGE_REPORT] = nytte_now() - t;

    /* 8. into place: the old folder (with --force) is moved aside first, removed after */
    if (stat(out_dir, &st) == 0) {
        char old[4200];
        snprintf(old, sizeof old, "%s.old-XXXXXX", out_dir);
        if (!mkdtemp(old) || rmdir(old) != 0 || rename(out_dir, old) != 0) {
            rc = nytte_error(ctx, NYTTE_EIO, "%s: cannot move the previous outputs aside: %s", out_dir, strerror(errno));
            goto cleanup;
        }
        if (rename(s.tmpdir, out_dir) != 0) {
            rc = nytte_error(ctx, NYTTE_EIO, "%s: cannot move the outputs into place: %s", out_dir, strerror(errno));
            rename(old, out_dir);
            goto cleanup;
        }
        pipeline_remove_tree(old);
    } else if (rename(s.tmpdir, out_dir) != 0) {
        rc = nytte_error(ctx, NYTTE_EIO, "%s: cannot move the outputs into place: %s", out_dir, strerror(errno));
        goto cleanup;
    }
    have_tmp = 0;

    out->nparcels = s.in.nparcels;
    out->nbuildings = s.in.nbuildings;
    out->nowners = s.alloc->nowners;
    for (size_t i = 0; i < s.in.nparcels; i++)
        out->nflooded += s.metrics[i].wet_design > 0;
    for (size_t i = 0; i < s.alloc->nowners; i++)
        out->npayers += s.alloc->owners[i].total_ore > 0;
    out->pool_ore = s.alloc->total_ore;
    for (size_t i = 0; i < s.alloc->nowners; i++)
        out->charged_ore += s.alloc->owners[i].total_ore;
    out->seconds = nytte_now() - t0;
cleanup:
    if (have_tmp)
        pipeline_remove_tree(s.tmpdir);
    run_state_free(&s);
    return rc;
}
