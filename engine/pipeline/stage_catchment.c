/*
 * stage_catchment.c — who sends the water: with a contributor hazard, the flow directions
 * on the filled terrain, the catchment of the protected area (written as
 * catchment_<hazard>.tif), and each parcel's contributor weight, its effective runoff area
 * inside the catchment (docs/catchment.md, docs/models.md Contributor models).
 */
#include "pipeline/pipeline_int.h"

#include "nytte/catchment.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int pipeline_catchment(run_state *s)
{
    const nytte_project *p = s->p;
    if (p->contributor_hazard < 0)
        return NYTTE_OK;
    nytte_ctx *ctx = s->ctx;
    const nytte_hazard_cfg *h = &p->hazards[p->contributor_hazard];
    size_t np = s->in.nparcels;
    nytte_flow flow = NYTTE_FLOW_INIT;
    nytte_raster mask = NYTTE_RASTER_INIT;
    nytte_vlayer prot = {0};
    nytte_geom *targets = NULL;
    char what[128], path[4600];
    snprintf(what, sizeof what, "hazard %s: protected_area", h->id);
    int rc = pipeline_read_geoms(ctx, &prot, &h->protected_area, s->wkt, what);
    if (rc)
        goto cleanup;
    targets = calloc(prot.nfeatures, sizeof *targets);
    s->contributor = calloc(np ? np : 1, sizeof *s->contributor);
    s->area_in = calloc(np ? np : 1, sizeof *s->area_in);
    s->roof_in = calloc(np ? np : 1, sizeof *s->roof_in);
    if (!targets || !s->contributor || !s->area_in || !s->roof_in) {
        rc = nytte_nomem(ctx, "catchment %s", h->id);
        goto cleanup;
    }
    for (size_t i = 0; i < prot.nfeatures; i++)
        targets[i] = prot.features[i].geom;
    if ((rc = pipeline_terrain_cells(s)))
        goto cleanup;
    nytte_log(ctx, NYTTE_LOG_INFO, "catchment %s: flow directions on %d x %d cells", h->id, s->dem.grid.nx,
              s->dem.grid.ny);
    size_t ncells = 0;
    if ((rc = nytte_flow_directions(ctx, &flow, &s->dem)) ||
        (rc = nytte_catchment_mask(ctx, &mask, &flow, targets, prot.nfeatures, &ncells))) {
        nytte_error_prefix(ctx, "hazard %s", h->id);
        goto cleanup;
    }
    free(mask.crs_wkt);
    mask.crs_wkt = s->dem.crs_wkt ? strdup(s->dem.crs_wkt) : NULL;
    snprintf(path, sizeof path, "%s/catchment_%s.tif", s->folder.tmp, h->id);
    if ((rc = pipeline_write_raster(s, &mask, path)))
        goto cleanup;
    if ((rc = nytte_catchment_parcel_areas(ctx, s->area_in, s->roof_in, &mask, &s->in)))
        goto cleanup;
    for (size_t i = 0; i < np; i++) {
        const nytte_parcel *pc = &s->in.parcels[i];
        double paved_in = pc->area > 0 ? pc->paved_area * s->area_in[i] / pc->area : 0.0;
        s->contributor[i] = nytte_contributor_weight(&h->runoff, pc->landuse, s->area_in[i], s->roof_in[i], paved_in);
        if (!(s->contributor[i] >= 0)) {
            rc = nytte_error(ctx, NYTTE_EINPUT, "parcel %s: contributor weight cannot be computed (area %.1f m², in "
                             "catchment %.1f m², roofs %.1f m², paved %.1f m²)", pc->id, pc->area, s->area_in[i],
                             s->roof_in[i], paved_in);
            goto cleanup;
        }
    }
    nytte_log(ctx, NYTTE_LOG_INFO, "catchment %s: %zu cells (%.1f ha) drain into the protected area", h->id, ncells,
              (double)ncells * s->dem.grid.dx * s->dem.grid.dy / 1e4);
cleanup:
    nytte_flow_clear(&flow);
    nytte_raster_clear(&mask);
    nytte_vlayer_clear(&prot);
    free(targets);
    return rc;
}
