/*
 * burn.c — the rule of a barrier burned into a terrain, shared by the whole-raster burn
 * (hazard/surge.c) and the burn on a tile's window (dist/bathtub.c): the checks of a
 * barrier with their messages, its crest as a Float32, and what a cell under it becomes.
 */
#include "grid/grid.h"

#include <math.h>
#include <stdio.h>

const char *grid_item_name(char *buf, size_t n, const char *id, size_t i)
{
    if (id && *id)
        return id;
    snprintf(buf, n, "%zu", i + 1);
    return buf;
}

float grid_float_at_or_above(double x)
{
    float f = (float)x;
    if ((double)f < x)
        f = nextafterf(f, INFINITY);
    return f;
}

float grid_float_at_or_below(double x)
{
    float f = (float)x;
    if ((double)f > x)
        f = nextafterf(f, -INFINITY);
    return f;
}

int grid_barrier_check(nytte_ctx *ctx, grid_burn *burn, const nytte_barrier *b, size_t k,
                       const nytte_burn_mode *mode)
{
    char nbuf[32];
    const char *name = grid_item_name(nbuf, sizeof nbuf, b->id, k);
    const nytte_geom *g = b->geom;
    if (!g || (g->kind != NYTTE_GEOM_LINE && g->kind != NYTTE_GEOM_POLYGON))
        return nytte_error(ctx, NYTTE_EINPUT, "barrier %s: geometry must be a line or a polygon", name);
    if (!isfinite(b->crest) || fabs(b->crest) > 1e6)
        return nytte_error(ctx, NYTTE_EINPUT, "barrier %s: crest %g m is not a usable height", name, b->crest);
    nytte_burn_mode md = mode ? mode[k] : NYTTE_BURN_RAISE;
    if (md != NYTTE_BURN_RAISE && md != NYTTE_BURN_LOWER && md != NYTTE_BURN_SET)
        return nytte_error(ctx, NYTTE_EUSAGE, "barrier %s: unknown burn mode %d", name, (int)md);
    grid_burn_set(burn, b, k, mode);
    return NYTTE_OK;
}

void grid_burn_set(grid_burn *burn, const nytte_barrier *b, size_t k, const nytte_burn_mode *mode)
{
    burn->mode = mode ? mode[k] : NYTTE_BURN_RAISE;
    burn->crest = burn->mode == NYTTE_BURN_LOWER ? grid_float_at_or_below(b->crest)
                                                 : grid_float_at_or_above(b->crest);
}

void grid_burn_cell(void *user, size_t i)
{
    grid_burn *b = user;
    float z = b->v[i];
    if (nytte_raster_isnodata(b->dem, z) || b->mode == NYTTE_BURN_SET ||
        (b->mode == NYTTE_BURN_RAISE ? z < b->crest : z > b->crest))
        b->v[i] = b->crest;
}
