/*
 * bluespot.c — the bluespot network (malstroem's `bluespots` step): label the
 * depressions (8-connected cells with depth > 0, numbered in raster-scan order of their
 * first cell), sum their statistics, give every cell the first bluespot its water meets
 * (its own watershed), find each pour point (the lowest cell on the flat-free surface)
 * and follow the flow from there to the next bluespot downstream.
 */
#include "catchment/catchment_int.h"
#include "grid/grid.h"

#include <math.h>
#include <stdlib.h>

void nytte_bluespot_net_clear(nytte_bluespot_net *n)
{
    if (!n)
        return;
    free(n->label);
    free(n->wshed);
    free(n->spots);
    *n = (nytte_bluespot_net)NYTTE_BLUESPOT_NET_INIT;
}

/*
 * 1. Labels: the 8-connected components of depth d > 0 (grid/label.c), in raster-scan
 * order of their first cell, and a bluespot record for each (id only; the rest is summed
 * in step 2).
 */
static int label_spots(nytte_ctx *ctx, nytte_bluespot_net *out, const nytte_flow *f, const float *d)
{
    const grid_nbr d8 = grid_nbr_d8(f->grid.nx, f->grid.ny, NYTTE_CONNECT_8);
    const size_t n = (size_t)d8.nx * (size_t)d8.ny;
    for (size_t i = 0; i < n; i++)
        out->label[i] = f->dir[i] == NYTTE_FLOW_NONE ? -1 : 0;
    int rc = grid_components(out->label, &out->nspots, d, &d8);
    if (rc == -2)
        return nytte_error(ctx, NYTTE_EINPUT, "bluespots: more than 2^31 - 1 bluespots");
    if (rc != 0)
        return nytte_nomem(ctx, "bluespots");
    if (out->nspots == 0)
        return NYTTE_OK;
    out->spots = calloc(out->nspots, sizeof *out->spots);
    if (!out->spots)
        return nytte_nomem(ctx, "bluespots");
    for (size_t k = 0; k < out->nspots; k++)
        out->spots[k] = (nytte_bluespot){.id = (int32_t)(k + 1), .downstream = 0};
    return NYTTE_OK;
}

/* 1b. The filter (malstroem's keepers): drop, then renumber the kept ones in the same order. */
static int filter_spots(nytte_ctx *ctx, nytte_bluespot_net *out, const float *d, size_t n,
                        const nytte_bluespot_filter *filter)
{
    int32_t *newid = calloc(out->nspots + 1, sizeof *newid);
    if (!newid)
        return nytte_nomem(ctx, "bluespots");
    for (size_t i = 0; i < n; i++) {
        int32_t id = out->label[i];
        if (id <= 0)
            continue;
        nytte_bluespot *s = &out->spots[id - 1];
        s->ncells++;
        s->volume += (double)d[i];
        if ((double)d[i] > s->max_depth)
            s->max_depth = (double)d[i];
    }
    size_t kept = 0;
    for (size_t k = 0; k < out->nspots; k++) {
        const nytte_bluespot *s = &out->spots[k];
        if (s->max_depth > filter->max_depth_above && s->ncells > filter->cells_above &&
            s->volume > filter->depth_sum_above)
            newid[k + 1] = (int32_t)++kept;
    }
    for (size_t i = 0; i < n; i++)
        if (out->label[i] > 0)
            out->label[i] = newid[out->label[i]];
    out->nspots = kept;
    for (size_t k = 0; k < kept; k++)
        out->spots[k] = (nytte_bluespot){.id = (int32_t)(k + 1), .downstream = 0};
    free(newid);
    return NYTTE_OK;
}

int nytte_bluespot_network(nytte_ctx *ctx, nytte_bluespot_net *out, const nytte_raster *dem, const nytte_flow *f,
                           const nytte_bluespot_filter *filter)
{
    *out = (nytte_bluespot_net)NYTTE_BLUESPOT_NET_INIT;
    nytte_raster depth = NYTTE_RASTER_INIT;
    uint32_t *order = NULL;
    int rc = catch_check_flow(ctx, f);
    if (rc)
        return rc;
    if (!dem || !nytte_grid_same(&dem->grid, &f->grid) || !f->surface)
        return nytte_error(ctx, NYTTE_EUSAGE, "bluespots: the flow directions are not those of this terrain");
    const int nx = f->grid.nx;
    const size_t n = (size_t)nx * (size_t)f->grid.ny;
    const double cell_area = nytte_flow_cell_area(f);
    if ((rc = nytte_hazard_bluespots(ctx, &depth, dem)))
        return rc;
    out->grid = f->grid;
    out->label = malloc(n * sizeof *out->label);
    out->wshed = malloc(n * sizeof *out->wshed);
    if (!out->label || !out->wshed) {
        rc = nytte_nomem(ctx, "bluespots");
        goto cleanup;
    }
    const float *d = depth.v;
    if ((rc = label_spots(ctx, out, f, d)) ||
        (filter && out->nspots && (rc = filter_spots(ctx, out, d, n, filter))))
        goto cleanup;

    /* 2. statistics and pour points, summed in row-major order */
    for (size_t i = 0; i < n; i++) {
        int32_t id = out->label[i];
        if (id <= 0)
            continue;
        nytte_bluespot *s = &out->spots[id - 1];
        if (s->ncells == 0 || f->surface[i] < f->surface[s->pour])
            s->pour = i;
        s->ncells++;
        s->volume += (double)d[i];
        if ((double)d[i] > s->max_depth)
            s->max_depth = (double)d[i];
    }

    /* 3. own watersheds: downstream cells first (reverse topological order) */
    if ((rc = catch_topo_order(ctx, &order, f)))
        goto cleanup;
    for (size_t i = 0; i < n; i++)
        out->wshed[i] = out->label[i] < 0 ? -1 : 0;
    for (size_t h = f->nvalid; h-- > 0;) {
        uint32_t i = order[h];
        if (out->label[i] > 0) {
            out->wshed[i] = out->label[i];
        } else {
            int64_t j = nytte_flow_next(f, i);
            out->wshed[i] = j < 0 ? 0 : out->wshed[j];
        }
        if (out->wshed[i] > 0)
            out->spots[out->wshed[i] - 1].wshed_ncells++;
    }

    /* 4. units, positions and the next bluespot downstream of each pour point */
    for (size_t k = 0; k < out->nspots; k++) {
        nytte_bluespot *s = &out->spots[k];
        s->area = (double)s->ncells * cell_area;
        s->volume *= cell_area;
        s->wshed_area = (double)s->wshed_ncells * cell_area;
        s->pour_row = (int)(s->pour / (size_t)nx);
        s->pour_col = (int)(s->pour % (size_t)nx);
        s->pour_x = f->grid.x0 + ((double)s->pour_col + 0.5) * f->grid.dx;
        s->pour_y = f->grid.y0 - ((double)s->pour_row + 0.5) * f->grid.dy;
        for (int64_t c = (int64_t)s->pour; c >= 0; c = nytte_flow_next(f, (size_t)c)) {
            int32_t l = out->label[c];
            if (l > 0 && l != s->id) {
                s->downstream = l;
                break;
            }
        }
    }

cleanup:
    if (rc != NYTTE_OK)
        nytte_bluespot_net_clear(out);
    nytte_raster_clear(&depth);
    free(order);
    return rc;
}
