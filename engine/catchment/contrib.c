/*
 * contrib.c — contributor weights: runoff coefficients by land use, the area of each
 * parcel (and of its roofs) inside a catchment by exact coverage, and the weight
 * Σ area × coefficient that the `contributor` allocation models use.
 */
#include "catchment/catchment_int.h"
#include "nytte/overlay.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

void nytte_runoff_table_default(nytte_runoff_table *t)
{
    *t = (nytte_runoff_table){.roof = 0.9, .paved = 0.9, .fallback = 0.3};
    static const struct {
        const char *name;
        double coef;
    } def[] = {{"paved", 0.9},       {"roof", 0.9},   {"business", 0.6}, {"public", 0.5},
               {"residential", 0.35}, {"summerhouse", 0.3}, {"farmland", 0.2}, {"grass", 0.15},
               {"forest", 0.1},      {"water", 0.0}};
    for (size_t i = 0; i < sizeof def / sizeof *def; i++) {
        t->cls[i].landuse = def[i].name;
        t->cls[i].coef = def[i].coef;
    }
    t->n = sizeof def / sizeof *def;
}

int nytte_runoff_table_set(nytte_ctx *ctx, nytte_runoff_table *t, const char *landuse, double coef)
{
    if (!landuse || !(coef >= 0.0 && coef <= 1.0))
        return nytte_error(ctx, NYTTE_ECONFIG, "runoff coefficient of %s must be a number in [0, 1]",
                           landuse ? landuse : "(null)");
    for (size_t i = 0; i < t->n; i++)
        if (strcmp(t->cls[i].landuse, landuse) == 0) {
            t->cls[i].coef = coef;
            return NYTTE_OK;
        }
    if (t->n == NYTTE_RUNOFF_MAX_CLASSES)
        return nytte_error(ctx, NYTTE_ECONFIG, "runoff coefficients: more than %d land uses",
                           NYTTE_RUNOFF_MAX_CLASSES);
    t->cls[t->n].landuse = landuse;
    t->cls[t->n].coef = coef;
    t->n++;
    return NYTTE_OK;
}

double nytte_runoff_coef(const nytte_runoff_table *t, const char *landuse)
{
    if (landuse)
        for (size_t i = 0; i < t->n; i++)
            if (strcmp(t->cls[i].landuse, landuse) == 0)
                return t->cls[i].coef;
    return t->fallback;
}

double nytte_contributor_weight(const nytte_runoff_table *t, const char *landuse, double area_in, double roof_in,
                                double paved_in)
{
    if (!(area_in >= 0.0) || !(roof_in >= 0.0) || !(paved_in >= 0.0) || !isfinite(area_in) || !isfinite(roof_in) ||
        !isfinite(paved_in))
        return NAN;
    if (area_in == 0.0)
        return 0.0;
    double roof = roof_in < area_in ? roof_in : area_in;
    double paved = paved_in < area_in - roof ? paved_in : area_in - roof;
    double rest = area_in - roof - paved;
    return t->roof * roof + t->paved * paved + nytte_runoff_coef(t, landuse) * (rest > 0.0 ? rest : 0.0);
}

int nytte_catchment_parcel_areas(nytte_ctx *ctx, double *area_in, double *roof_in, const nytte_raster *mask,
                                 const nytte_inputs *in)
{
    int rc = NYTTE_OK;
    size_t np = in->nparcels, nb = in->nbuildings;
    size_t ng = np + (roof_in ? nb : 0);
    nytte_geom *g = malloc((ng ? ng : 1) * sizeof *g);
    nytte_zonal_stats *st = malloc((ng ? ng : 1) * sizeof *st);
    if (!g || !st) {
        rc = nytte_nomem(ctx, "catchment areas");
        goto cleanup;
    }
    /* shallow copies: the overlay only reads the coordinates */
    for (size_t p = 0; p < np; p++)
        g[p] = in->parcels[p].geom;
    for (size_t b = 0; roof_in && b < nb; b++) {
        g[np + b] = in->buildings[b].geom;
        if (g[np + b].kind != NYTTE_GEOM_POLYGON)
            g[np + b].kind = NYTTE_GEOM_NONE; /* a building point has no roof area */
    }
    nytte_overlay_opts opts = NYTTE_OVERLAY_OPTS_INIT;
    opts.mode = NYTTE_COVER_EXACT;
    opts.nthresholds = 1;
    opts.thresholds[0] = 0.5;
    const nytte_raster *rs[1] = {mask};
    if ((rc = nytte_overlay_zonal_mem(ctx, &opts, g, ng, rs, 1, st)))
        goto cleanup;
    for (size_t p = 0; p < np; p++) {
        area_in[p] = st[p].above[0];
        if (roof_in)
            roof_in[p] = 0.0;
    }
    for (size_t b = 0; roof_in && b < nb; b++) {
        size_t p = in->buildings[b].parcel;
        if (p >= np) {
            rc = nytte_error(ctx, NYTTE_EINPUT, "building %s: parcel index %zu out of range",
                             in->buildings[b].id ? in->buildings[b].id : "?", p);
            goto cleanup;
        }
        roof_in[p] += st[np + b].above[0];
    }
cleanup:
    free(g);
    free(st);
    return rc;
}
