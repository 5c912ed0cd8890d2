/*
 * stage_inputs.c — the inputs stage: the working CRS, the parcels, buildings and owners
 * as checked tables (nytte_inputs_read), and the terrain: read whole, or, when the hazard
 * runs over tiles and nothing else needs its cells, only its grid, CRS and nodata. Also
 * the reading helpers the other stage drivers share.
 */
#include "pipeline/pipeline_int.h"

#include <stddef.h>

int pipeline_check_crs(nytte_ctx *ctx, const char *path, const char *crs_wkt, const char *working_wkt)
{
    bool same = false;
    int rc = nytte_crs_same(ctx, &same, crs_wkt, working_wkt);
    if (rc)
        return rc;
    if (!same) {
        char a[256], b[256];
        return nytte_error(ctx, NYTTE_EINPUT,
                           "%s: CRS %s differs from the working CRS %s; reproject it (gdalwarp -t_srs) or set crs",
                           path, nytte_crs_name(a, sizeof a, crs_wkt), nytte_crs_name(b, sizeof b, working_wkt));
    }
    return NYTTE_OK;
}

int pipeline_read_geoms(nytte_ctx *ctx, nytte_vlayer *l, const nytte_layer_cfg *c, const char *wkt, const char *what)
{
    int rc = nytte_vlayer_read_as(ctx, l, c->path, c->layer, c->where, c->crs, NULL, 0, wkt);
    if (rc) {
        nytte_error_prefix(ctx, "%s", what);
        return rc;
    }
    if (l->nfeatures == 0)
        return nytte_error(ctx, NYTTE_EINPUT, "%s: %s%s%s: no features%s%s", what, c->path, c->layer ? ": layer " : "",
                           c->layer ? c->layer : "", c->where ? " match " : "", c->where ? c->where : "");
    return NYTTE_OK;
}

/*
 * What the terrain's cells hold, the same whether it was read whole or scanned: NaN or
 * ±Inf cells warned about (they count as nodata), and at least one cell of value.
 */
static int terrain_census(run_state *s, const nytte_raster_census *c)
{
    nytte_raster_census_warn(s->ctx, s->p->terrain, &s->dem.grid, c);
    if (c->nvalid == 0)
        return nytte_error(s->ctx, NYTTE_EINPUT, "%s: every cell of the terrain is nodata", s->p->terrain);
    return NYTTE_OK;
}

/* The terrain's grid, CRS and nodata only (a hazard over tiles reads its windows itself). */
static int terrain_header(run_state *s)
{
    nytte_ctx *ctx = s->ctx;
    const char *path = s->p->terrain;
    nytte_raster *d = &s->dem;
    int rc;
    if ((rc = nytte_raster_info(ctx, path, &d->grid, NULL)) ||
        (rc = nytte_raster_band_info(ctx, path, &d->has_nodata, &d->nodata, &d->crs_wkt)))
        return rc;
    if (!(d->grid.dx > 0.0) || !(d->grid.dy > 0.0))
        return nytte_error(ctx, NYTTE_EUSAGE, "%s: cell size must be > 0 (got %g x %g)", path, d->grid.dx, d->grid.dy);
    if (!d->crs_wkt || !d->crs_wkt[0])
        return nytte_error(ctx, NYTTE_EINPUT, "%s: the terrain has no CRS", path);
    if ((rc = pipeline_check_crs(ctx, path, d->crs_wkt, s->wkt)))
        return rc;
    /* read through once by strips (memory: one strip), for the census the whole read makes */
    nytte_raster_census c;
    if ((rc = nytte_raster_scan(ctx, &c, path)))
        return rc;
    return terrain_census(s, &c);
}

/*
 * The terrain: read whole, checked, with at least one cell of value — or, when the hazard
 * runs over tiles and nothing else needs the cells in memory (a catchment does), only its
 * grid, CRS and nodata (and the census of its cells, scanned by strips): the tiles read
 * their windows themselves.
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
    if (s->tile > 0)
        return terrain_header(s);
    int rc;
    nytte_raster_census c;
    if ((rc = nytte_raster_read_ex(ctx, &s->dem, p->terrain, 1, &c)) ||
        (rc = nytte_hazard_check_terrain(ctx, &s->dem, p->terrain)) ||
        (rc = pipeline_check_crs(ctx, p->terrain, s->dem.crs_wkt, s->wkt)))
        return rc;
    return terrain_census(s, &c);
}

int pipeline_terrain_cells(run_state *s)
{
    if (s->dem.v)
        return NYTTE_OK;
    /* read over tiles so far: grid, CRS and nodata were checked then */
    nytte_raster_clear(&s->dem);
    return nytte_raster_read(s->ctx, &s->dem, s->p->terrain, 1);
}

int pipeline_inputs(run_state *s)
{
    nytte_ctx *ctx = s->ctx;
    int rc;
    if ((rc = nytte_crs_wkt(ctx, &s->wkt, s->p->crs)))
        return rc;
    nytte_log(ctx, NYTTE_LOG_INFO, "reading inputs");
    if ((rc = nytte_inputs_read(ctx, &s->in, s->p, s->wkt)) || (rc = read_terrain(s)))
        return rc;
    nytte_log(ctx, NYTTE_LOG_INFO, "%zu parcels, %zu buildings, %zu owners; terrain %d x %d cells of %g m",
              s->in.nparcels, s->in.nbuildings, s->in.nowners, s->dem.grid.nx, s->dem.grid.ny, s->dem.grid.dx);
    return NYTTE_OK;
}
