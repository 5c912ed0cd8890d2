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

#include "nytte/dist.h"
#include "pipeline/pipeline_int.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <dirent.h>
#include <signal.h>
#include <unistd.h>

void run_state_free(run_state *s)
{
    nytte_inputs_free(&s->in);
    nytte_raster_clear(&s->dem);
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

/*
 * A terrain read by windows has a cell of value: windows of 512 x 512 cells are read in
 * row order until one holds a value, so a usual terrain costs one window; only a terrain
 * (nearly) all nodata is read through.
 */
static int any_value(run_state *s)
{
    nytte_ctx *ctx = s->ctx;
    const nytte_grid *g = &s->dem.grid;
    nytte_raster_reader *rd = NULL;
    float *buf = malloc(512 * 512 * sizeof *buf);
    int rc = buf ? nytte_raster_reader_open(&rd, s->p->terrain) : NYTTE_ENOMEM;
    bool found = false;
    for (int r0 = 0; !rc && !found && r0 < g->ny; r0 += 512) {
        for (int c0 = 0; !rc && !found && c0 < g->nx; c0 += 512) {
            int w = g->nx - c0 < 512 ? g->nx - c0 : 512, h = g->ny - r0 < 512 ? g->ny - r0 : 512;
            rc = nytte_raster_reader_read_window(rd, c0, r0, w, h, buf);
            for (size_t i = 0; !rc && !found && i < (size_t)w * (size_t)h; i++)
                found = !nytte_raster_isnodata(&s->dem, buf[i]);
        }
    }
    nytte_raster_reader_close(rd);
    free(buf);
    if (rc == NYTTE_ENOMEM)
        return nytte_error(ctx, rc, "out of memory");
    if (rc)
        return nytte_error(ctx, rc, "%s: cannot read the terrain", s->p->terrain);
    if (!found)
        return nytte_error(ctx, NYTTE_EINPUT, "%s: every cell of the terrain is nodata", s->p->terrain);
    return NYTTE_OK;
}

/*
 * The terrain: read whole, checked, with at least one cell of value — or, when the hazard
 * runs over tiles and nothing else needs the cells in memory (a catchment does),
 * only its grid, CRS and nodata (and that one cell has a value): the tiles read their
 * windows themselves.
 */
static int read_terrain(run_state *s)
{
    nytte_ctx *ctx = s->ctx;
    const nytte_project *p = s->p;
    const nytte_hazard_cfg *h = &p->hazards[p->primary_hazard];
    /* given depth rasters need no terrain cells (the overlay reads it by windows); the
     * groundwater reads its own rasters by windows */
    bool tileable = h->type == NYTTE_HAZARD_COASTAL || h->type == NYTTE_HAZARD_FLOOD_RASTER ||
                    h->type == NYTTE_HAZARD_GROUNDWATER || (h->type == NYTTE_HAZARD_BLUESPOT && !h->rain);
    if (s->tile > 0 && !tileable) {
        nytte_log(ctx, NYTTE_LOG_INFO, "tiles apply to every hazard but bluespots with rain: the whole terrain is read");
        s->tile = 0;
    }
    int rc;
    if (s->tile > 0) {
        nytte_raster *d = &s->dem;
        if ((rc = nytte_raster_info(ctx, p->terrain, &d->grid, NULL)) ||
            (rc = nytte_raster_band_info(ctx, p->terrain, &d->has_nodata, &d->nodata, &d->crs_wkt)))
            return rc;
        if (!(d->grid.dx > 0.0) || !(d->grid.dy > 0.0))
            return nytte_error(ctx, NYTTE_EUSAGE, "%s: cell size must be > 0 (got %g x %g)", p->terrain, d->grid.dx,
                               d->grid.dy);
        if (!d->crs_wkt || !d->crs_wkt[0])
            return nytte_error(ctx, NYTTE_EINPUT, "%s: the terrain has no CRS", p->terrain);
        if ((rc = pipeline_check_crs(ctx, p->terrain, d->crs_wkt, s->wkt)))
            return rc;
        return any_value(s);
    }
    if ((rc = nytte_raster_read(ctx, &s->dem, p->terrain, 1)))
        return rc;
    if ((rc = nytte_hazard_check_terrain(ctx, &s->dem, p->terrain)))
        return rc;
    if ((rc = pipeline_check_crs(ctx, p->terrain, s->dem.crs_wkt, s->wkt)))
        return rc;
    size_t ncells = (size_t)s->dem.grid.nx * (size_t)s->dem.grid.ny, nvalid = 0;
    for (size_t i = 0; i < ncells; i++)
        nvalid += !nytte_raster_isnodata(&s->dem, s->dem.v[i]);
    if (nvalid == 0)
        return nytte_error(ctx, NYTTE_EINPUT, "%s: every cell of the terrain is nodata", p->terrain);
    return NYTTE_OK;
}

int pipeline_terrain_cells(run_state *s)
{
    if (s->dem.v)
        return NYTTE_OK;
    /* read over tiles so far: grid, CRS and nodata were checked then */
    nytte_raster_clear(&s->dem);
    return nytte_raster_read(s->ctx, &s->dem, s->p->terrain, 1);
}

/* The stages from the project to the money, into s->tmpdir (which must exist). */
static int compute(run_state *s)
{
    nytte_ctx *ctx = s->ctx;
    const nytte_project *p = s->p;
    int rc;
    if ((rc = nytte_crs_wkt(ctx, &s->wkt, p->crs)))
        return rc;
    double t = nytte_now();
    nytte_log(ctx, NYTTE_LOG_INFO, "reading inputs");
    rc = nytte_inputs_read(ctx, &s->in, p, s->wkt);
    if (!rc)
        rc = read_terrain(s);
    if ((rc = nytte_dist_agree(ctx, rc, "inputs")))
        return rc;
    nytte_log(ctx, NYTTE_LOG_INFO, "%zu parcels, %zu buildings, %zu owners; terrain %d x %d cells of %g m",
              s->in.nparcels, s->in.nbuildings, s->in.nowners, s->dem.grid.nx, s->dem.grid.ny, s->dem.grid.dx);
    s->timing[STAGE_INPUTS] = nytte_now() - t;

    static int (*const stages[])(run_state *) = {pipeline_hazard, pipeline_overlay, pipeline_damage,
                                                 pipeline_catchment, pipeline_allocate};
    static const int slot[] = {STAGE_HAZARD, STAGE_OVERLAY, STAGE_DAMAGE, STAGE_HAZARD, STAGE_ALLOCATE};
    static const char *const name[] = {"hazard", "overlay", "damage", "catchment", "allocation"};
    for (size_t i = 0; i < sizeof stages / sizeof stages[0]; i++) {
        t = nytte_now();
        /* the hazard and the overlay are shared by the ranks; what follows is arithmetic on
         * the overlay's statistics (and the catchment), done where they are: the writer */
        int src = i < 2 || s->writer ? stages[i](s) : NYTTE_OK;
        /* under mpirun every stage ends with every rank's verdict, so that a rank that failed
         * alone (memory, a file) stops the others instead of leaving them in a collective;
         * it also keeps rank 0's rasters written before any rank reads them */
        if ((rc = nytte_dist_agree(ctx, src, name[i])))
            return rc;
        s->timing[slot[i]] += nytte_now() - t;
    }
    if (!s->writer)
        return NYTTE_OK;
    t = nytte_now();
    rc = pipeline_finance(s);
    s->timing[STAGE_ALLOCATE] += nytte_now() - t;
    return rc;
}

/*
 * A run's temporary folder holds a marker with the process id, so that a later run can
 * tell the folder of a run that was killed (its process is gone) from the folder of a
 * run still going, and remove only the former.
 */
#define RUN_MARKER ".nytte-run-pid"

static int write_marker(nytte_ctx *ctx, const char *dir)
{
    char path[4300];
    snprintf(path, sizeof path, "%s/%s", dir, RUN_MARKER);
    FILE *f = fopen(path, "w");
    if (!f || fprintf(f, "%ld\n", (long)getpid()) < 0 || fclose(f) != 0)
        return nytte_error(ctx, NYTTE_EIO, "%s: cannot write: %s", path, strerror(errno));
    return NYTTE_OK;
}

/* Errors about files being written name the output folder, not the temporary one. */
static void name_output_folder(nytte_ctx *ctx, int rc, const char *tmpdir, const char *out_dir)
{
    const char *msg = nytte_ctx_errmsg(ctx);
    const char *at = strstr(msg, tmpdir);
    if (!at)
        return;
    char buf[2048];
    snprintf(buf, sizeof buf, "%.*s%s%s", (int)(at - msg), msg, out_dir, at + strlen(tmpdir));
    nytte_error(ctx, rc, "%s", buf);
}

static void remove_stale_tmp(nytte_ctx *ctx, const char *out_dir)
{
    char parent[4096], prefix[4200];
    snprintf(parent, sizeof parent, "%s", out_dir);
    char *slash = strrchr(parent, '/');
    const char *base = slash ? slash + 1 : parent;
    snprintf(prefix, sizeof prefix, "%s.tmp-", base);
    if (slash)
        *slash = '\0';
    DIR *d = opendir(slash ? (*parent ? parent : "/") : ".");
    if (!d)
        return;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (strncmp(e->d_name, prefix, strlen(prefix)) != 0)
            continue;
        char dir[8400], marker[8500];
        snprintf(dir, sizeof dir, "%s/%s", slash ? (*parent ? parent : "") : ".", e->d_name);
        snprintf(marker, sizeof marker, "%s/%s", dir, RUN_MARKER);
        FILE *f = fopen(marker, "r");
        long pid = 0;
        int have = f && fscanf(f, "%ld", &pid) == 1;
        if (f)
            fclose(f);
        if (have && pid > 0 && kill((pid_t)pid, 0) != 0 && errno == ESRCH) {
            nytte_log(ctx, NYTTE_LOG_WARN, "%s: removing the temporary folder of an interrupted run (process %ld)",
                      dir, pid);
            pipeline_remove_tree(dir);
        }
    }
    closedir(d);
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

    /*
     * mpirun with several processes: one run folder for every rank (rank 0 makes it, owns
     * it and alone writes into it, except the tiles of a tiled hazard), so that every rank
     * reads the same hazard rasters (docs/scale-out.md); rank 0 clears stale folders first.
     */
    int nranks = nytte_dist_size(), rank = nytte_dist_rank();
    s.writer = rank == 0;
    s.shared = nranks > 1;
    s.tile = opts->tile > 0 ? opts->tile : nranks > 1 ? NYTTE_RUN_DEFAULT_TILE : 0;
    if (stat(out_dir, &st) == 0 && !opts->force) {
        rc = nytte_error(ctx, NYTTE_EUSAGE, "%s: the output folder exists; use --force to replace it", out_dir);
        goto cleanup;
    }
    if ((rc = mkdir_p_parent(ctx, out_dir)))
        goto cleanup;
    if (rank == 0) {
        remove_stale_tmp(ctx, out_dir);
        /* a temporary folder beside the output, so that the final rename stays on one file system */
        snprintf(s.tmpdir, sizeof s.tmpdir, "%s.tmp-XXXXXX", out_dir);
        if (!mkdtemp(s.tmpdir)) {
            rc = nytte_error(ctx, NYTTE_EIO, "%s: cannot create a temporary folder: %s", s.tmpdir, strerror(errno));
            s.tmpdir[0] = '\0';
        } else if ((rc = write_marker(ctx, s.tmpdir))) {
            pipeline_remove_tree(s.tmpdir);
            s.tmpdir[0] = '\0';
        } else {
            have_tmp = 1;
        }
    }
    if (nranks > 1) {
        /* an empty name: rank 0 failed (and says why) */
        int brc = nytte_dist_bcast(ctx, s.tmpdir, sizeof s.tmpdir);
        if (!rc && brc)
            rc = brc;
        else if (!rc && !s.tmpdir[0])
            rc = nytte_error(ctx, NYTTE_EIO, "%s: rank 0 could not create the run's temporary folder", out_dir);
    }
    if (rc)
        goto cleanup;
    if ((rc = compute(&s)))
        goto cleanup;
    if (rank != 0)
        goto cleanup; /* rank 0 computed the tables from every rank's overlay and writes them */

    double t = nytte_now();
    static const char *const stage_names[STAGE_COUNT] = {"inputs", "hazard", "overlay", "damage", "allocate", "report"};
    size_t nb = s.in.nbuildings;
    nytte_report_data rd = {.project = p, .inputs = &s.in, .metrics = s.metrics, .alloc = s.alloc,
                            .loans = s.loans, .ead_rule = s.ead_rule,
                            .building_design = s.bstats ? s.bstats + s.design_k : NULL,
                            .building_stride = s.nrasters,
                            .building_ead_without = s.ead,
                            .building_ead_with = s.ead ? s.ead + (s.nscen - 1) * nb : NULL,
                            .rasters = (const char *const *)s.paths, .nrasters = s.nrasters,
                            .alloc_input = &s.ain, .timing = s.timing, .timing_names = stage_names,
                            .ntiming = STAGE_COUNT};
    /* NULL: the project's outputs.csv_dialect */
    if ((rc = nytte_report_write(ctx, &rd, s.tmpdir, NULL)))
        goto cleanup;
    s.timing[STAGE_REPORT] = nytte_now() - t;
    if ((rc = nytte_report_write_manifest(ctx, &rd, s.tmpdir)))
        goto cleanup;

    char marker[4300];
    snprintf(marker, sizeof marker, "%s/%s", s.tmpdir, RUN_MARKER);
    unlink(marker);
    /* into place: the old folder (with --force) is moved aside first, removed after */
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
    for (size_t i = 0; i < s.alloc->nowners; i++) {
        out->npayers += s.alloc->owners[i].total_ore > 0;
        out->charged_ore += s.alloc->owners[i].total_ore;
    }
    out->pool_ore = s.alloc->total_ore;
    out->nelements = p->nmeasures < 16 ? p->nmeasures : 16;
    for (size_t e = 0; e < out->nelements; e++) {
        snprintf(out->elements[e].id, sizeof out->elements[e].id, "%s", p->measures[e].id);
        out->elements[e].ead_without = s.element_ead[2 * e];
        out->elements[e].ead_with = s.element_ead[2 * e + 1];
        out->elements[e].pv_benefits = s.element_pv[e].pv_benefits;
        out->elements[e].pv_costs = s.element_pv[e].pv_costs;
        out->elements[e].bcr = s.element_pv[e].bcr;
    }
    out->seconds = nytte_now() - t0;
cleanup:
    if (rc != NYTTE_OK && s.tmpdir[0])
        name_output_folder(ctx, rc, s.tmpdir, out_dir);
    /* every rank of a shared run comes here once: an error common to the ranks is printed once */
    if (s.shared)
        nytte_dist_report_once(ctx, rc);
    if (have_tmp)
        pipeline_remove_tree(s.tmpdir);
    run_state_free(&s);
    return rc;
}

/* ---- in-memory runs: explain and compare -------------------------------- */

struct nytte_results {
    run_state s;
};

int nytte_compute(nytte_ctx *ctx, nytte_results **out, const nytte_project *p)
{
    *out = NULL;
    nytte_results *r = calloc(1, sizeof *r);
    if (!r)
        return nytte_error(ctx, NYTTE_ENOMEM, "out of memory");
    r->s.ctx = ctx;
    r->s.p = p;
    r->s.writer = true; /* its own folder, under mpirun too */
    const char *tmp = getenv("TMPDIR");
    snprintf(r->s.tmpdir, sizeof r->s.tmpdir, "%s/nytte-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(r->s.tmpdir)) {
        int rc = nytte_error(ctx, NYTTE_EIO, "%s: cannot create a temporary folder: %s", r->s.tmpdir, strerror(errno));
        free(r);
        return rc;
    }
    int rc = compute(&r->s);
    /* the hazard rasters were only needed for the overlay */
    pipeline_remove_tree(r->s.tmpdir);
    if (rc) {
        run_state_free(&r->s);
        free(r);
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

int nytte_results_compare(nytte_ctx *ctx, nytte_model_comparison **out, size_t *n, const nytte_results *r)
{
    const nytte_project *p = r->s.p;
    *out = NULL;
    *n = 0;
    nytte_model_comparison *c = calloc(p->ncompare ? p->ncompare : 1, sizeof *c);
    nytte_alloc_result **res = calloc(p->ncompare ? p->ncompare : 1, sizeof *res);
    int rc = NYTTE_OK;
    if (!c || !res) {
        rc = nytte_error(ctx, NYTTE_ENOMEM, "out of memory");
        goto cleanup;
    }
    /* every model on the same facts, pools and holdings: only the weights differ */
    for (size_t m = 0; m < p->ncompare; m++) {
        nytte_alloc_input in = r->s.ain;
        in.config = &p->compare[m];
        if ((rc = nytte_allocate_run(ctx, &res[m], &in))) {
            nytte_error_prefix(ctx, "model %s", nytte_alloc_model_name(p->compare[m].model));
            goto cleanup;
        }
        c[m].model = p->compare[m].model;
        if ((rc = nytte_alloc_metrics_of(ctx, &c[m].metrics, res[m], m ? res[0] : NULL)))
            goto cleanup;
    }
    *out = c;
    *n = p->ncompare;
    c = NULL;
cleanup:
    for (size_t m = 0; res && m < p->ncompare; m++)
        nytte_alloc_result_free(res[m]);
    free(res);
    free(c);
    return rc;
}
