/*
 * stage_uncertainty.c — the uncertainty stage (only with `uncertainty:` or `horizons:`):
 * what the overlay measured, per building and parcel, as the plain tables of the uncertain
 * module; for a coastal hazard whose levels are drawn (or raised at a horizon), the level
 * ladder of every footprint per scenario (the flood level of each covered cell from the
 * priority flood of the terrain with the scenario's barriers, and its ground); then the
 * draws and the horizons (nytte_unc_run). docs/uncertainty.md.
 */
#include "pipeline/pipeline_int.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#ifdef _OPENMP
#include <omp.h>
#endif

/* The fixed part of the problem, owned by the stage: what the overlay measured, as the module's tables. */
typedef struct unc_tables {
    nytte_unc_building *buildings;
    nytte_unc_water *bwater, *pwater;
    nytte_unc_ladder *bladder, *pladder; /* [x * nscen + sc] */
    size_t nbl, npl;
} unc_tables;

static void tables_free(unc_tables *t)
{
    for (size_t i = 0; t->bladder && i < t->nbl; i++)
        nytte_unc_ladder_clear(&t->bladder[i]);
    for (size_t i = 0; t->pladder && i < t->npl; i++)
        nytte_unc_ladder_clear(&t->pladder[i]);
    free(t->buildings);
    free(t->bwater);
    free(t->pwater);
    free(t->bladder);
    free(t->pladder);
}

static nytte_unc_water water_of(const nytte_zonal_stats *z) { return (nytte_unc_water){z->above[0], z->mean, z->max}; }

/* The buildings as the damage stage valued them, and the water the overlay measured. */
static int fill_tables(run_state *s, unc_tables *t, nytte_unc_problem *up)
{
    const nytte_project *p = s->p;
    size_t nb = s->in.nbuildings, np = s->in.nparcels, nsc = up->nscen, nl = s->nlev, ne = s->nepoch;
    t->buildings = calloc(nb ? nb : 1, sizeof *t->buildings);
    t->bwater = calloc((nb ? nb : 1) * ne * nsc * nl, sizeof *t->bwater);
    t->pwater = calloc((np ? np : 1) * nsc * nl, sizeof *t->pwater);
    if (!t->buildings || !t->bwater || !t->pwater)
        return nytte_nomem(s->ctx, "uncertainty: %zu buildings, %zu parcels", nb, np);
    for (size_t b = 0; b < nb; b++) {
        const nytte_building *bd = &s->in.buildings[b];
        t->buildings[b] = (nytte_unc_building){bd->parcel, bd->use,
                                               nytte_damage_value(&p->damage, bd->use, bd->floor_area, bd->value),
                                               bd->floor_height};
        for (size_t ep = 0; ep < ne; ep++)
            for (size_t sc = 0; sc < nsc; sc++)
                for (size_t k = 0; k < nl; k++)
                    t->bwater[((b * ne + ep) * nsc + sc) * nl + k] =
                        water_of(&s->bstats[b * s->nrasters + (ep * s->nscen + sc) * nl + k]);
    }
    for (size_t i = 0; i < np; i++)
        for (size_t sc = 0; sc < nsc; sc++)
            for (size_t k = 0; k < nl; k++)
                t->pwater[(i * nsc + sc) * nl + k] = water_of(&s->pstats[i * s->nrasters + sc * nl + k]);
    up->buildings = t->buildings;
    up->bwater = t->bwater;
    up->pwater = t->pwater;
    return NYTTE_OK;
}

/* One thread's gathered cells of a footprint. */
typedef struct cells {
    float *level, *ground;
    double *w;
    size_t cap;
} cells;

static int cells_reserve(cells *c, size_t n)
{
    if (n <= c->cap)
        return 0;
    free(c->level), free(c->ground), free(c->w);
    c->level = malloc(n * sizeof *c->level);
    c->ground = malloc(n * sizeof *c->ground);
    c->w = malloc(n * sizeof *c->w);
    c->cap = c->level && c->ground && c->w ? n : 0;
    return c->cap ? 0 : -1;
}

/* The ladder of geometry g over the flood level fl and the terrain z (scenario's). */
static int ladder_of(nytte_unc_ladder *out, cells *c, const nytte_geom *g, const nytte_raster *fl,
                     const nytte_raster *z, double lmax, bool depths)
{
    *out = (nytte_unc_ladder)NYTTE_UNC_LADDER_INIT;
    if (g->kind != NYTTE_GEOM_POLYGON && g->kind != NYTTE_GEOM_POINT)
        return NYTTE_OK;
    nytte_coverage cov = NYTTE_COVERAGE_INIT;
    int rc = nytte_coverage_compute(NULL, &cov, &z->grid, g, NYTTE_COVER_EXACT);
    size_t n = 0, nx = (size_t)z->grid.nx;
    if (!rc && cells_reserve(c, (size_t)cov.ncols * (size_t)cov.nrows + 1))
        rc = NYTTE_ENOMEM;
    for (int r = 0; !rc && r < cov.nrows; r++)
        for (int k = 0; k < cov.ncols; k++) {
            double w = cov.frac[(size_t)r * (size_t)cov.ncols + (size_t)k];
            if (!(w > 0))
                continue;
            size_t at = (size_t)(cov.row0 + r) * nx + (size_t)(cov.col0 + k);
            c->level[n] = fl->v[at];
            c->ground[n] = nytte_raster_isnodata(z, z->v[at]) ? NAN : z->v[at];
            c->w[n++] = w;
        }
    double ca = fabs(z->grid.dx * z->grid.dy);
    if (!rc)
        rc = nytte_unc_ladder_build(NULL, out, c->level, c->ground, c->w, n, g->kind == NYTTE_GEOM_POINT ? 0.0 : ca,
                                    lmax, depths);
    nytte_coverage_clear(&cov);
    return rc;
}

/* Scenario sc's ladders of every parcel and building, in parallel; the lowest failure reported. */
static int scenario_ladders(run_state *s, unc_tables *t, size_t nsc, size_t sc, const nytte_raster *fl,
                            const nytte_raster *z, double lmax)
{
    size_t np = s->in.nparcels, nb = s->in.nbuildings, n = np + nb;
    int nt = nytte_ctx_threads(s->ctx);
    cells *th = calloc((size_t)nt, sizeof *th);
    int *rcs = calloc(n ? n : 1, sizeof *rcs);
    int rc = NYTTE_OK;
    if (!th || !rcs) {
        rc = nytte_nomem(s->ctx, "uncertainty: level ladders");
        goto cleanup;
    }
#pragma omp parallel for num_threads(nt) schedule(dynamic, 16)
    for (size_t x = 0; x < n; x++) {
#ifdef _OPENMP
        cells *c = &th[omp_get_thread_num()];
#else
        cells *c = &th[0];
#endif
        bool parcel = x < np;
        const nytte_geom *g = parcel ? &s->in.parcels[x].geom : &s->in.buildings[x - np].geom;
        nytte_unc_ladder *slot = parcel ? &t->pladder[x * nsc + sc] : &t->bladder[(x - np) * nsc + sc];
        rcs[x] = ladder_of(slot, c, g, fl, z, lmax, !parcel);
    }
    for (size_t x = 0; x < n && !rc; x++)
        if (rcs[x] == NYTTE_ENOMEM)
            rc = nytte_nomem(s->ctx, "uncertainty: the level ladder of %s %s", x < np ? "parcel" : "building",
                             x < np ? s->in.parcels[x].id : s->in.buildings[x - np].id);
        else if (rcs[x])
            rc = nytte_error(s->ctx, rcs[x], "uncertainty: %s %s: its cells cannot be found on the terrain",
                             x < np ? "parcel" : "building", x < np ? s->in.parcels[x].id : s->in.buildings[x - np].id);
cleanup:
    for (int i = 0; th && i < nt; i++)
        free(th[i].level), free(th[i].ground), free(th[i].w);
    free(th);
    free(rcs);
    return rc;
}

/*
 * The level ladders: per scenario (without, with each element), the terrain with its
 * barriers burned in, the flood level of every cell from the sea, and every footprint's
 * cells below lmax sorted by it.
 */
static int make_ladders(run_state *s, unc_tables *t, nytte_unc_problem *up, double lmax)
{
    nytte_ctx *ctx = s->ctx;
    const nytte_hazard_cfg *h = &s->p->hazards[s->p->primary_hazard];
    size_t nsc = up->nscen;
    measure_layers ml = {0};
    nytte_vlayer sea = {0};
    nytte_geom *sea_geoms = NULL;
    nytte_barrier *bars = NULL;
    nytte_burn_mode *modes = NULL;
    nytte_raster burned = NYTTE_RASTER_INIT, fl = NYTTE_RASTER_INIT;
    t->nbl = s->in.nbuildings * nsc;
    t->npl = s->in.nparcels * nsc;
    t->bladder = calloc(t->nbl ? t->nbl : 1, sizeof *t->bladder);
    t->pladder = calloc(t->npl ? t->npl : 1, sizeof *t->pladder);
    int rc = t->bladder && t->pladder ? NYTTE_OK : nytte_nomem(ctx, "uncertainty: level ladders");
    if (rc || (rc = pipeline_terrain_cells(s)) || (rc = pipeline_read_geoms(ctx, &sea, &h->sea, s->wkt, "sea")) ||
        (rc = hazard_read_measures(s, &ml)))
        goto cleanup;
    sea_geoms = calloc(sea.nfeatures ? sea.nfeatures : 1, sizeof *sea_geoms);
    bars = calloc(ml.total ? ml.total : 1, sizeof *bars);
    modes = calloc(ml.total ? ml.total : 1, sizeof *modes);
    if (!sea_geoms || !bars || !modes) {
        rc = nytte_nomem(ctx, "uncertainty: level ladders");
        goto cleanup;
    }
    for (size_t i = 0; i < sea.nfeatures; i++)
        sea_geoms[i] = sea.features[i].geom;
    for (size_t sc = 0; sc < nsc && !rc; sc++) {
        const nytte_raster *terrain = NULL;
        nytte_raster_clear(&fl);
        if ((rc = hazard_scenario_terrain(s, sc, &ml, bars, modes, &burned, &terrain)))
            break;
        /* 4 neighbours, as the bathtub of the hazard stage */
        if ((rc = nytte_hazard_flood_level(ctx, &fl, terrain, sea_geoms, sea.nfeatures, NYTTE_CONNECT_4))) {
            nytte_error_prefix(ctx, "%s", h->sea.path);
            break;
        }
        rc = scenario_ladders(s, t, nsc, sc, &fl, terrain, lmax);
    }
    up->bladder = t->bladder;
    up->pladder = t->pladder;
cleanup:
    nytte_raster_clear(&burned);
    nytte_raster_clear(&fl);
    free(sea_geoms);
    free(bars);
    free(modes);
    nytte_vlayer_clear(&sea);
    hazard_measures_free(&ml);
    return rc;
}

/* Peak resident memory of the process so far, MB. */
static double peak_mb(void)
{
    struct rusage ru;
    return getrusage(RUSAGE_SELF, &ru) == 0 ? (double)ru.ru_maxrss / 1024.0 : NAN;
}

int pipeline_uncertainty(run_state *s)
{
    const nytte_project *p = s->p;
    if (!p->has_uncertainty && !p->nhorizons)
        return NYTTE_OK;
    double t0 = nytte_now();
    const nytte_hazard_cfg *h = &p->hazards[p->primary_hazard];
    bool coastal = h->type == NYTTE_HAZARD_COASTAL;
    nytte_unc_problem up = {
        .damage = &p->damage,
        .ead = p->ead,
        .return_periods = h->return_periods,
        .nev = s->nev,
        .nlev = s->nlev,
        .design_k = s->design_k,
        .discount_rate = p->discount_rate,
        .horizon = p->horizon,
        .basement = h->type == NYTTE_HAZARD_GROUNDWATER,
        .by_exposure = h->type == NYTTE_HAZARD_GROUNDWATER || h->type == NYTTE_HAZARD_BLUESPOT,
        .nbuildings = s->in.nbuildings,
        .nscen = 1 + p->nmeasures,
        .nepoch = s->nepoch,
        .levels = coastal ? s->levels : NULL,
        .design_fixed = coastal && !isnan(p->design_level),
        .slr = coastal ? h->sea_level_rise : 0.0,
        .alloc = &s->ain,
        .base = s->alloc,
        .loan = &p->loan,
    };
    unc_tables t = {0};
    bool needed = false;
    double lmax = nytte_unc_level_max(&up, &p->uncertainty, p->horizons, p->nhorizons, &needed);
    int rc = fill_tables(s, &t, &up);
    if (!rc && needed) {
        double tl = nytte_now();
        if (!(rc = make_ladders(s, &t, &up, lmax)))
            nytte_log(s->ctx, NYTTE_LOG_INFO, "uncertainty: level ladders up to %.3f m for %zu scenarios in %.1f s",
                      lmax, up.nscen, nytte_now() - tl);
    }
    if (!rc)
        rc = nytte_unc_run(s->ctx, &s->unc, &up, &p->uncertainty, p->horizons, p->nhorizons);
    tables_free(&t);
    if (rc)
        return rc;
    const nytte_unc_result *r = s->unc;
    if (r->ndraws)
        nytte_log(s->ctx, NYTTE_LOG_INFO, "uncertainty: %d draws (seed %llu) on %d threads in %.2f s",
                  r->ndraws, (unsigned long long)p->uncertainty.seed, r->threads, r->seconds);
    if (r->first_failed >= 0)
        nytte_log(s->ctx, NYTTE_LOG_WARN,
                  "uncertainty: %d of %d draws could not be allocated and are left out of the bands (first: draw "
                  "%ld: %s)",
                  r->ndraws - r->nok, r->ndraws, r->first_failed, r->first_error);
    nytte_log(s->ctx, NYTTE_LOG_INFO, "uncertainty: stage %.2f s; peak memory of the run so far %.0f MB",
              nytte_now() - t0, peak_mb());
    return NYTTE_OK;
}
