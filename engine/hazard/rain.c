/*
 * rain.c — cloudburst bluespots filled by a rain event (malstroem's `rain` step, with the
 * water level of a partly filled bluespot from its exact stage-volume curve).
 *
 *  1. depth_full = filled − terrain (nytte_hazard_bluespots_ex); bluespots are the
 *     connected components (same connectivity) of cells with depth_full > 0, numbered in
 *     raster-scan order of their first cell; capacity = Σ depth_full × cell area.
 *  2. The flat-free surface W (grid/noflats.c, as the D8 flow directions of
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
#include "grid/grid.h"

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

/* A partly filled bluespot: some water, less than it holds. */
static inline bool partial(const spot *s) { return s->stored > 0.0 && s->stored < s->cap; }

typedef struct u32vec {
    uint32_t *a;
    size_t n, cap;
} u32vec;

static int u32vec_push(u32vec *v, uint32_t x)
{
    if (v->n == v->cap && grid_grow(&v->a, &v->cap, sizeof *v->a, 4096) != 0)
        return -1;
    v->a[v->n++] = x;
    return 0;
}

/* The cell cell i drains into, or -1 when its water leaves the terrain (edge, nodata). */
static int64_t next_cell(const double *W, const grid_nbr *d8, size_t i, int connectivity)
{
    int d = grid_steepest(W, d8->nx, d8->ny, i, connectivity);
    if (d >= 8)
        return -1;
    int r, c;
    size_t j;
    grid_rc(d8, (uint32_t)i, &r, &c);
    if (!grid_nbr_at(d8, r, c, d, &j))
        return -1;
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

/* What one rain needs of the terrain: the surface W, the labels and the bluespots. */
typedef struct rain_run {
    int nx, ny, connectivity;
    double *W;
    int32_t *lab;
    spot *sp;
    size_t nspots;
} rain_run;

static int rain_nomem(nytte_ctx *ctx, const rain_run *k)
{
    return nytte_nomem(ctx, "bluespots: %d x %d terrain", k->nx, k->ny);
}

/*
 * 1. and 2a. The bluespots (components of depth_full d > 0, numbered in raster-scan order
 * of their first cell), their cells and capacity (summed in row-major order, not yet × the
 * cell area) and pour points (lowest W, the first in row-major order on ties).
 */
static int find_spots(nytte_ctx *ctx, rain_run *k, const float *d)
{
    const size_t n = (size_t)k->nx * (size_t)k->ny;
    const grid_nbr nb = grid_nbr_conn(k->nx, k->ny, k->connectivity);
    for (size_t i = 0; i < n; i++)
        k->lab[i] = isnan(k->W[i]) ? LAB_NODATA : LAB_UNSET;
    int rc = grid_components(k->lab, &k->nspots, d, &nb);
    if (rc == -2)
        return nytte_error(ctx, NYTTE_EINPUT, "bluespots: more than 2^31 - 1 bluespots");
    if (rc != 0 || !(k->sp = calloc(k->nspots ? k->nspots : 1, sizeof *k->sp)))
        return rain_nomem(ctx, k);
    for (size_t i = 0; i < n; i++) {
        if (k->lab[i] <= 0)
            continue;
        spot *s = &k->sp[k->lab[i] - 1];
        if (s->ncells == 0 || k->W[i] < s->wpour) {
            s->wpour = k->W[i];
            s->pour = (uint32_t)i;
        }
        s->ncells++;
        s->cap += (double)d[i];
    }
    return NYTTE_OK;
}

/*
 * 2b and 2c. Watersheds: follow each unlabelled cell's path to the first labelled cell,
 * then label the whole path (each cell is walked once; the path strictly falls on W); then
 * the next bluespot downstream of each pour point, and the capacities in m³.
 */
static int route_watersheds(nytte_ctx *ctx, rain_run *k, double area)
{
    const size_t n = (size_t)k->nx * (size_t)k->ny;
    const grid_nbr d8 = grid_nbr_d8(k->nx, k->ny, k->connectivity);
    int32_t *lab = k->lab;
    u32vec stack = {NULL, 0, 0};
    int rc = NYTTE_OK;
    for (size_t i = 0; i < n; i++) {
        if (lab[i] != LAB_UNSET)
            continue;
        stack.n = 0;
        int64_t j = (int64_t)i;
        while (j >= 0 && lab[j] == LAB_UNSET) {
            if (u32vec_push(&stack, (uint32_t)j)) {
                rc = rain_nomem(ctx, k);
                goto cleanup;
            }
            if (stack.n > n) { /* cannot happen: W falls strictly along a path */
                rc = nytte_error(ctx, NYTTE_EINTERNAL, "bluespots: the flow path from cell %zu cycles", i);
                goto cleanup;
            }
            j = next_cell(k->W, &d8, (size_t)j, k->connectivity);
        }
        int32_t l = j < 0 ? LAB_OFF : lab[j];
        for (size_t m = 0; m < stack.n; m++)
            lab[stack.a[m]] = l;
    }
    for (size_t i = 0; i < n; i++)
        if (lab[i] > 0)
            k->sp[lab[i] - 1].wcells++;
    for (size_t m = 0; m < k->nspots; m++) {
        int64_t j = next_cell(k->W, &d8, k->sp[m].pour, k->connectivity);
        k->sp[m].down = j < 0 || lab[j] <= 0 ? 0 : lab[j];
        k->sp[m].cap *= area;
    }
cleanup:
    free(stack.a);
    return rc;
}

/*
 * 3. Route the water, upstream first: in = rain on the watershed + the spills from
 * upstream, stored = min(in, capacity), the rest spills downstream. *npartial = the cells
 * of partly filled bluespots.
 */
static int route_water(nytte_ctx *ctx, rain_run *k, double area, double rain_mm, size_t *npartial)
{
    spot *sp = k->sp;
    *npartial = 0;
    spot_key *order = malloc((k->nspots ? k->nspots : 1) * sizeof *order);
    if (!order)
        return rain_nomem(ctx, k);
    for (size_t m = 0; m < k->nspots; m++)
        order[m] = (spot_key){sp[m].wpour, (int32_t)(m + 1)};
    qsort(order, k->nspots, sizeof *order, cmp_upstream_first);
    for (size_t h = 0; h < k->nspots; h++) {
        spot *s = &sp[order[h].id - 1];
        /* as malstroem: wshed_area × mm × 0.001 + the spills from upstream (summed in s->in so far) */
        double wshed_area = (double)s->wcells * area;
        s->in = wshed_area * rain_mm * 0.001 + s->in;
        s->stored = s->in < s->cap ? s->in : s->cap;
        if (s->down > 0) {
            assert(sp[s->down - 1].wpour < s->wpour);
            sp[s->down - 1].in += s->in - s->stored;
        }
        if (partial(s))
            *npartial += s->ncells;
    }
    free(order);
    return NYTTE_OK;
}

/*
 * 4. The level of each partly filled bluespot: its heights grouped and sorted; with the j
 * lowest cells under water, V(h) = area·(j·h − S_j), S_j = Σ of their heights; the level
 * is in [z_(j-1), z_j] for the first j where V(z_j) ≥ stored.
 */
static int spot_levels(nytte_ctx *ctx, rain_run *k, const float *z, const float *d, double area, size_t npartial)
{
    const size_t n = (size_t)k->nx * (size_t)k->ny;
    spot *sp = k->sp;
    float *zs = malloc(npartial * sizeof *zs);
    if (!zs)
        return rain_nomem(ctx, k);
    uint64_t off = 0;
    for (size_t m = 0; m < k->nspots; m++) {
        spot *s = &sp[m];
        if (partial(s)) {
            s->zoff = off;
            off += s->ncells;
            s->wcells = 0; /* reused as the fill count below */
        }
    }
    for (size_t i = 0; i < n; i++) {
        if (!(d[i] > 0.0f))
            continue;
        spot *s = &sp[k->lab[i] - 1];
        if (partial(s))
            zs[s->zoff + s->wcells++] = z[i];
    }
    for (size_t m = 0; m < k->nspots; m++) {
        spot *s = &sp[m];
        if (!partial(s))
            continue;
        float *zk = zs + s->zoff;
        const uint64_t cnt = s->ncells;
        qsort(zk, cnt, sizeof *zk, cmp_float);
        const double target = s->stored / area;
        double S = 0.0;
        for (uint64_t j = 1; j <= cnt; j++) {
            S += (double)zk[j - 1];
            if (j == cnt || (double)j * (double)zk[j] - S >= target) {
                s->level = (target + S) / (double)j;
                break;
            }
        }
    }
    free(zs);
    return NYTTE_OK;
}

int nytte_hazard_bluespots_rain(nytte_ctx *ctx, nytte_raster *depth, const nytte_raster *dem, double rain_mm,
                                int connectivity)
{
    *depth = (nytte_raster)NYTTE_RASTER_INIT;
    rain_run k = {dem ? dem->grid.nx : 0, dem ? dem->grid.ny : 0, connectivity, NULL, NULL, NULL, 0};
    int rc;
    if ((rc = grid_check_raster(ctx, dem, "terrain")) != NYTTE_OK || (rc = grid_check_conn(ctx, connectivity)))
        return rc;
    if (isnan(rain_mm) || rain_mm < 0)
        return nytte_error(ctx, NYTTE_EUSAGE, "bluespots: rain must be a number of mm >= 0 (got %g)", rain_mm);
    if ((rc = nytte_hazard_bluespots_ex(ctx, depth, dem, connectivity)) != NYTTE_OK)
        return rc;
    const size_t n = (size_t)k.nx * (size_t)k.ny;
    const double area = fabs(dem->grid.dx * dem->grid.dy);
    const float *z = dem->v;
    float *d = depth->v;

    /* Peak memory besides dem and depth: W (8 B/cell) + the flood's scratch (5 B/cell), then W + lab (12 B/cell). */
    k.W = malloc(n * sizeof *k.W);
    if (!k.W) {
        rc = rain_nomem(ctx, &k);
        goto cleanup;
    }
    if ((rc = grid_noflats(ctx, k.W, dem, connectivity, "bluespots")) != NYTTE_OK)
        goto cleanup;
    k.lab = malloc(n * sizeof *k.lab);
    if (!k.lab) {
        rc = rain_nomem(ctx, &k);
        goto cleanup;
    }
    if ((rc = find_spots(ctx, &k, d)) != NYTTE_OK || (rc = route_watersheds(ctx, &k, area)) != NYTTE_OK)
        goto cleanup;
    free(k.W);
    k.W = NULL;
    size_t npartial;
    if ((rc = route_water(ctx, &k, area, rain_mm, &npartial)) != NYTTE_OK ||
        (npartial && (rc = spot_levels(ctx, &k, z, d, area, npartial)) != NYTTE_OK))
        goto cleanup;

    /* 5. depths: full bluespots keep depth_full, empty ones dry, partly filled ones level − z */
    for (size_t i = 0; i < n; i++) {
        if (!(d[i] > 0.0f))
            continue;
        const spot *s = &k.sp[k.lab[i] - 1];
        if (s->stored >= s->cap)
            continue;
        if (!(s->stored > 0.0)) {
            d[i] = 0.0f;
            continue;
        }
        double w = s->level - (double)z[i];
        d[i] = w <= 0.0 ? 0.0f : w < (double)d[i] ? (float)w : d[i];
    }
cleanup:
    if (rc != NYTTE_OK)
        nytte_raster_clear(depth);
    free(k.W);
    free(k.lab);
    free(k.sp);
    return rc;
}
