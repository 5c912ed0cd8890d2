/*
 * rain.c — cloudburst bluespots filled by a rain event (malstroem's `rain` step, with the
 * water level of a partly filled bluespot from its exact stage-volume curve).
 *
 *  1. depth_full = filled − terrain (nytte_hazard_bluespots_ex); bluespots are the
 *     connected components (same connectivity) of cells with depth_full > 0, numbered in
 *     raster-scan order of their first cell; capacity = Σ depth_full × cell area.
 *  2. The flat-free surface W (hazard/noflats.c, as the D8 flow directions of
 *     catchment/) and steepest descent on it: every cell's water goes to exactly one
 *     neighbour or leaves the raster. A cell's watershed label is the first bluespot its
 *     path meets (a bluespot cell: its own). Pour point = the bluespot's cell lowest on W;
 *     the bluespot spills into the watershed label of the cell below its pour point.
 *  3. W of the pour points falls strictly downstream, so bluespots taken by decreasing W of
 *     their pour point come after everything upstream: water in = rain × watershed area
 *     + spills from upstream; stored = min(in, capacity); spill = in − stored.
 *  4. A partly filled bluespot gets the level h with Σ max(0, h − z) × area = stored over
 *     its cells (sorted heights, prefix sums, exact); depth = max(0, h − z) there, at most
 *     depth_full; full bluespots keep depth_full, empty ones are dry.
 */
#include "hazard/hazard_private.h"

#include <assert.h>
#include <math.h>
#include <stdlib.h>

typedef struct spot {
    uint32_t pour;  /* cell index of the pour point */
    int32_t down;   /* bluespot it spills into, 0 = off the terrain */
    uint64_t ncells, wcells;
    double wpour;   /* W at the pour point */
    double cap;     /* m³ */
    double in;      /* m³: rain on its watershed + spills from upstream */
    double stored;  /* m³ */
    double level;   /* m, partly filled spots only */
    uint64_t zoff;  /* partly filled: first of its heights in the sorted-heights array */
} spot;

/* Labels of cells that are in no bluespot: not reached yet, or their water leaves the terrain. */
#define LAB_NODATA (-1)
#define LAB_UNSET 0
#define LAB_OFF (-2)

typedef struct u32vec {
    uint32_t *a;
    size_t n, cap;
} u32vec;

static int u32vec_push(u32vec *v, uint32_t x)
{
    if (v->n == v->cap) {
        size_t nc = v->cap ? 2 * v->cap : 4096;
        uint32_t *a = realloc(v->a, nc * sizeof *a);
        if (!a)
            return -1;
        v->a = a;
        v->cap = nc;
    }
    v->a[v->n++] = x;
    return 0;
}

/* The cell cell i drains into, or -1 when its water leaves the terrain (edge, nodata). */
static int64_t next_cell(const double *W, int nx, int ny, size_t i, int connectivity)
{
    int d = nytte_hz_steepest(W, nx, ny, i, connectivity);
    if (d >= 8)
        return -1;
    int r = (int)(i / (size_t)nx) + nytte_hz_d8r[d], c = (int)(i % (size_t)nx) + nytte_hz_d8c[d];
    if (r < 0 || c < 0 || r >= ny || c >= nx)
        return -1;
    size_t j = (size_t)r * (size_t)nx + (size_t)c;
    return isnan(W[j]) ? -1 : (int64_t)j;
}

static int cmp_float(const void *a, const void *b)
{
    float x = *(const float *)a, y = *(const float *)b;
    return (x > y) - (x < y);
}

/* Upstream first: decreasing W of the pour point (equal ones cannot be linked; by id for a fixed order). */
typedef struct spot_key {
    double wpour;
    int32_t id;
} spot_key;

static int cmp_upstream_first(const void *a, const void *b)
{
    const spot_key *x = a, *y = b;
    if (x->wpour != y->wpour)
        return x->wpour > y->wpour ? -1 : 1;
    return (x->id > y->id) - (x->id < y->id);
}

int nytte_hazard_bluespots_rain(nytte_ctx *ctx, nytte_raster *depth, const nytte_raster *dem, double rain_mm,
                                int connectivity)
{
    *depth = (nytte_raster)NYTTE_RASTER_INIT;
    double *W = NULL;
    int32_t *lab = NULL;
    spot_key *order = NULL;
    spot *sp = NULL;
    float *zs = NULL;
    u32vec stack = {NULL, 0, 0};
    nytte_hz_fifo q = {NULL, 0, 0, 0};
    size_t nspots = 0, cap = 0;
    int rc;
    if ((rc = nytte_hz_check_raster(ctx, dem, "terrain")) != NYTTE_OK || (rc = nytte_hz_check_conn(ctx, connectivity)))
        return rc;
    if (isnan(rain_mm) || rain_mm < 0)
        return nytte_error(ctx, NYTTE_EUSAGE, "bluespots: rain must be a number of mm >= 0 (got %g)", rain_mm);
    if ((rc = nytte_hazard_bluespots_ex(ctx, depth, dem, connectivity)) != NYTTE_OK)
        return rc;
    const int nx = dem->grid.nx, ny = dem->grid.ny;
    const size_t n = (size_t)nx * (size_t)ny;
    const double area = fabs(dem->grid.dx * dem->grid.dy);
    const float *z = dem->v;
    float *d = depth->v;

    /* Peak memory besides dem and depth: W (8 B/cell) + the flood's scratch (5 B/cell), then W + lab (12 B/cell). */
    W = malloc(n * sizeof *W);
    if (!W)
        goto nomem;
    if ((rc = nytte_hz_noflats(ctx, W, dem, connectivity, "bluespots")) != NYTTE_OK)
        goto cleanup;
    lab = malloc(n * sizeof *lab);
    if (!lab)
        goto nomem;

    /* 1. bluespots: components of depth_full > 0, in raster-scan order of their first cell */
    for (size_t i = 0; i < n; i++)
        lab[i] = isnan(W[i]) ? LAB_NODATA : LAB_UNSET;
    for (size_t i = 0; i < n; i++) {
        if (lab[i] != LAB_UNSET || !(d[i] > 0.0f))
            continue;
        if (nspots == cap) {
            cap = cap ? 2 * cap : 64;
            spot *s = realloc(sp, cap * sizeof *s);
            if (!s)
                goto nomem;
            sp = s;
        }
        if (nspots == INT32_MAX) {
            rc = nytte_error(ctx, NYTTE_EINPUT, "bluespots: more than 2^31 - 1 bluespots");
            goto cleanup;
        }
        int32_t id = (int32_t)++nspots;
        sp[id - 1] = (spot){.pour = (uint32_t)i, .wpour = W[i]};
        lab[i] = id;
        if (nytte_hz_fifo_push(&q, (uint32_t)i))
            goto nomem;
        while (q.n) {
            uint32_t c = nytte_hz_fifo_pop(&q);
            int r = (int)(c / (uint32_t)nx), col = (int)(c % (uint32_t)nx);
            for (int k = 0; k < connectivity; k++) {
                int rr = r + nytte_hz_dr[k], cc = col + nytte_hz_dc[k];
                if (rr < 0 || cc < 0 || rr >= ny || cc >= nx)
                    continue;
                size_t j = (size_t)rr * (size_t)nx + (size_t)cc;
                if (lab[j] != LAB_UNSET || !(d[j] > 0.0f))
                    continue;
                lab[j] = id;
                if (nytte_hz_fifo_push(&q, (uint32_t)j))
                    goto nomem;
            }
        }
    }

    /* 2a. capacity and pour point (lowest W, first in row-major order on ties), row-major sums */
    for (size_t i = 0; i < n; i++) {
        if (lab[i] <= 0)
            continue;
        spot *s = &sp[lab[i] - 1];
        s->ncells++;
        s->cap += (double)d[i];
        if (W[i] < s->wpour) {
            s->wpour = W[i];
            s->pour = (uint32_t)i;
        }
    }

    /* 2b. watersheds: follow each unlabelled cell's path to the first labelled cell, then
     * label the whole path (each cell is walked once; the path strictly falls on W). */
    for (size_t i = 0; i < n; i++) {
        if (lab[i] != LAB_UNSET)
            continue;
        stack.n = 0;
        int64_t j = (int64_t)i;
        while (j >= 0 && lab[j] == LAB_UNSET) {
            if (u32vec_push(&stack, (uint32_t)j))
                goto nomem;
            if (stack.n > n) { /* cannot happen: W falls strictly along a path */
                rc = nytte_error(ctx, NYTTE_EINTERNAL, "bluespots: the flow path from cell %zu cycles", i);
                goto cleanup;
            }
            j = next_cell(W, nx, ny, (size_t)j, connectivity);
        }
        int32_t l = j < 0 ? LAB_OFF : lab[j];
        for (size_t k = 0; k < stack.n; k++)
            lab[stack.a[k]] = l;
    }
    for (size_t i = 0; i < n; i++)
        if (lab[i] > 0)
            sp[lab[i] - 1].wcells++;

    /* 2c. the next bluespot downstream of each pour point */
    for (size_t k = 0; k < nspots; k++) {
        int64_t j = next_cell(W, nx, ny, sp[k].pour, connectivity);
        sp[k].down = j < 0 || lab[j] <= 0 ? 0 : lab[j];
        sp[k].cap *= area;
    }
    free(W);
    W = NULL;

    /* 3. route the water, upstream first */
    order = malloc((nspots ? nspots : 1) * sizeof *order);
    if (!order)
        goto nomem;
    for (size_t k = 0; k < nspots; k++)
        order[k] = (spot_key){sp[k].wpour, (int32_t)(k + 1)};
    qsort(order, nspots, sizeof *order, cmp_upstream_first);
    size_t npartial = 0;
    for (size_t h = 0; h < nspots; h++) {
        spot *s = &sp[order[h].id - 1];
        /* as malstroem: wshed_area × mm × 0.001 + the spills from upstream (summed in s->in so far) */
        double wshed_area = (double)s->wcells * area;
        s->in = wshed_area * rain_mm * 0.001 + s->in;
        s->stored = s->in < s->cap ? s->in : s->cap;
        if (s->down > 0) {
            assert(sp[s->down - 1].wpour < s->wpour);
            sp[s->down - 1].in += s->in - s->stored;
        }
        if (s->stored > 0.0 && s->stored < s->cap)
            npartial += s->ncells;
    }

    /* 4. levels of partly filled bluespots: heights grouped by bluespot, sorted */
    if (npartial) {
        zs = malloc(npartial * sizeof *zs);
        if (!zs)
            goto nomem;
        uint64_t off = 0;
        for (size_t k = 0; k < nspots; k++) {
            spot *s = &sp[k];
            if (s->stored > 0.0 && s->stored < s->cap) {
                s->zoff = off;
                off += s->ncells;
                s->wcells = 0; /* reused as the fill count below */
            }
        }
        for (size_t i = 0; i < n; i++) {
            if (!(d[i] > 0.0f))
                continue;
            spot *s = &sp[lab[i] - 1];
            if (s->stored > 0.0 && s->stored < s->cap)
                zs[s->zoff + s->wcells++] = z[i];
        }
        for (size_t k = 0; k < nspots; k++) {
            spot *s = &sp[k];
            if (!(s->stored > 0.0 && s->stored < s->cap))
                continue;
            float *zk = zs + s->zoff;
            const uint64_t m = s->ncells;
            qsort(zk, m, sizeof *zk, cmp_float);
            /* With the j lowest cells under water, V(h) = area·(j·h − S_j), S_j = Σ of their
             * heights; the level is in [z_(j-1), z_j] for the first j where V(z_j) ≥ stored. */
            const double target = s->stored / area;
            double S = 0.0;
            for (uint64_t j = 1; j <= m; j++) {
                S += (double)zk[j - 1];
                if (j == m || (double)j * (double)zk[j] - S >= target) {
                    s->level = (target + S) / (double)j;
                    break;
                }
            }
        }
    }

    /* 5. depths: full bluespots keep depth_full, empty ones dry, partly filled ones level − z */
    for (size_t i = 0; i < n; i++) {
        if (!(d[i] > 0.0f))
            continue;
        const spot *s = &sp[lab[i] - 1];
        if (s->stored >= s->cap)
            continue;
        if (!(s->stored > 0.0)) {
            d[i] = 0.0f;
            continue;
        }
        double w = s->level - (double)z[i];
        d[i] = w <= 0.0 ? 0.0f : w < (double)d[i] ? (float)w : d[i];
    }
    rc = NYTTE_OK;
    goto cleanup;

nomem:
    rc = nytte_error(ctx, NYTTE_ENOMEM, "bluespots: out of memory for a %d x %d terrain", dem->grid.nx, dem->grid.ny);
cleanup:
    if (rc != NYTTE_OK)
        nytte_raster_clear(depth);
    free(W);
    free(lab);
    free(order);
    free(sp);
    free(zs);
    free(stack.a);
    nytte_hz_fifo_free(&q);
    return rc;
}
