/*
 * grid.h — the internal grid toolkit shared by engine/hazard/, engine/catchment/ and
 * engine/dist/: what those three modules compute on a raster grid in the same way, written
 * once. Not public API (nothing under include/ declares it) and free of GDAL, GEOS and PROJ
 * handles: plain C on nytte_grid, nytte_raster and nytte_geom (types.h).
 *
 *  - the neighbour kernel (this header): the neighbour tables, by connectivity and by D8
 *    code, and the inline steps every flood and breadth-first search takes from a cell to
 *    its neighbours on the grid;
 *  - the work lists (queue.c): a FIFO of cell indices, the radix heap of (elevation,
 *    index) keys, and the two together as the queues of a priority flood;
 *  - connected components (label.c): the bluespots of the rain model and of the network;
 *  - geometries onto cells (rasterize.c, sea.c): polygons by cell centre, 4-connected
 *    supercover lines, points, on the whole grid or on a window of it (a tile), and the
 *    sea cells;
 *  - the rules the tiled hazards of dist/ apply exactly as the whole-raster ones of
 *    hazard/: barriers burned into a terrain (burn.c) and drains lowering the water table
 *    (drain.c), on a window of the global grid;
 *  - the flat-free surface and steepest descent (noflats.c): the flow of the rain model
 *    and of the D8 flow directions;
 *  - the shared checks of rasters and connectivity and the output raster set-up (checks.c).
 *
 * Cell indices are row-major and 32-bit: every raster the toolkit works on has at most
 * 2^32 - 1 cells (grid_check_raster), which halves the memory of the queues.
 */
#ifndef NYTTE_GRID_H
#define NYTTE_GRID_H

#include "nytte/hazard.h"

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

/* ---- the neighbour kernel ---------------------------------------------------------- */

/*
 * The D8 codes clockwise from north: 0 N, 1 NE, 2 E, 3 SE, 4 S, 5 SW, 6 W, 7 NW
 * (malstroem's encoding; the public nytte_flow_drow/dcol of catchment.h are these tables);
 * even codes share an edge.
 */
#define GRID_D8_DROW {-1, -1, 0, 1, 1, 1, 0, -1}
#define GRID_D8_DCOL {0, 1, 1, 1, 0, -1, -1, -1}
static const int grid_d8_dr[8] = GRID_D8_DROW;
static const int grid_d8_dc[8] = GRID_D8_DCOL;

/* By connectivity: N, W, E, S share an edge, then NW, NE, SW, SE; connectivity c takes the first c. */
static const int grid_conn_dr[8] = {-1, 0, 0, 1, -1, -1, 1, 1};
static const int grid_conn_dc[8] = {0, -1, 1, 0, -1, 1, -1, 1};

/*
 * The neighbours of the cells of an nx × ny grid (a raster, or one tile): entries
 * k = 0, step, 2·step, ... below end of the row and column steps dr, dc.
 */
typedef struct grid_nbr {
    int nx, ny;
    int end, step;
    const int *dr, *dc;
} grid_nbr;

/* Every neighbour k of nb, in table order. */
#define GRID_FOR_NBR(nb, k) for (int k = 0; k < (nb)->end; k += (nb)->step)

/* NYTTE_CONNECT_4 or _8 over the connectivity table: the edge neighbours first. */
static inline grid_nbr grid_nbr_conn(int nx, int ny, int connectivity)
{
    return (grid_nbr){nx, ny, connectivity, 1, grid_conn_dr, grid_conn_dc};
}

/* NYTTE_CONNECT_4 or _8 over the D8 codes (k is the code): the edge codes only, or all 8. */
static inline grid_nbr grid_nbr_d8(int nx, int ny, int connectivity)
{
    return (grid_nbr){nx, ny, 8, connectivity == NYTTE_CONNECT_4 ? 2 : 1, grid_d8_dr, grid_d8_dc};
}

/* Row and column of cell i (32-bit division: every index fits). */
static inline void grid_rc(const grid_nbr *nb, uint32_t i, int *r, int *c)
{
    *r = (int)(i / (uint32_t)nb->nx);
    *c = (int)(i % (uint32_t)nb->nx);
}

/*
 * Row y, column x on the grid: 0 <= y < ny and 0 <= x < nx, in two unsigned comparisons
 * (a negative row or column wraps to above any size).
 */
static inline bool grid_on(const grid_nbr *nb, int y, int x)
{
    return (unsigned)y < (unsigned)nb->ny && (unsigned)x < (unsigned)nb->nx;
}

/* Row and column of neighbour k of the cell at (r, c); false when it lies off the grid. */
static inline bool grid_nbr_rc(const grid_nbr *nb, int r, int c, int k, int *rr, int *cc)
{
    int y = r + nb->dr[k], x = c + nb->dc[k];
    if (!grid_on(nb, y, x))
        return false;
    *rr = y;
    *cc = x;
    return true;
}

/* Index of neighbour k of the cell at (r, c) in *j; false when it lies off the grid. */
static inline bool grid_nbr_at(const grid_nbr *nb, int r, int c, int k, size_t *j)
{
    int y = r + nb->dr[k], x = c + nb->dc[k];
    if (!grid_on(nb, y, x))
        return false;
    *j = (size_t)y * (size_t)nb->nx + (size_t)x;
    return true;
}

/*
 * The in-grid neighbours of one cell, one at a time, in table order — the loop of every
 * flood and breadth-first search:
 *
 *     size_t j;
 *     for (grid_it it = grid_it_of(&nb, cell); grid_it_next(&nb, &it, &j);)
 *         ... neighbour j, entry it.k of the table (for a D8 table, its code) ...
 */
typedef struct grid_it {
    int r, c, k; /* the cell's row and column; the entry reached */
} grid_it;

static inline grid_it grid_it_of(const grid_nbr *nb, uint32_t cell)
{
    grid_it it;
    grid_rc(nb, cell, &it.r, &it.c);
    it.k = -nb->step;
    return it;
}

/* The next neighbour on the grid into *j; false when there is none left. */
static inline bool grid_it_next(const grid_nbr *nb, grid_it *it, size_t *j)
{
    while ((it->k += nb->step) < nb->end)
        if (grid_nbr_at(nb, it->r, it->c, it->k, j))
            return true;
    return false;
}

/* Index of neighbour k of a cell (r, c) off the grid's edge (every neighbour is on the grid). */
static inline size_t grid_nbr_inner(const grid_nbr *nb, int r, int c, int k)
{
    return (size_t)(r + nb->dr[k]) * (size_t)nb->nx + (size_t)(c + nb->dc[k]);
}

/*
 * The valid cell (r, c) of dem is an outlet — water leaves the raster there: it lies on
 * the raster's edge or next to a nodata cell (a neighbour of nb). any_nodata: dem has some
 * nodata cell (else no neighbour is looked at).
 */
static inline bool grid_outlet(const grid_nbr *nb, const nytte_raster *dem, int r, int c, bool any_nodata)
{
    if (r == 0 || c == 0 || r == nb->ny - 1 || c == nb->nx - 1)
        return true;
    if (!any_nodata)
        return false;
    GRID_FOR_NBR(nb, k) {
        if (nytte_raster_isnodata(dem, dem->v[grid_nbr_inner(nb, r, c, k)]))
            return true;
    }
    return false;
}

/* ---- work lists (queue.c) ---------------------------------------------------------- */

/*
 * Double the capacity of a growable array: *cap elements of elem bytes at the pointer pa
 * points to (a T **; the first allocation takes `first` elements). 0, or -1 when out of
 * memory, the array left as it was. Nothing is allocated per cell: arrays grow by doubling.
 */
int grid_grow(void *pa, size_t *cap, size_t elem, size_t first);

/* A growable FIFO of cell indices (a ring buffer: n items from head). Zero-initialise. */
typedef struct grid_fifo {
    uint32_t *a;
    size_t cap, head, n;
} grid_fifo;

int grid_fifo_push_grow(grid_fifo *q, uint32_t v);

/* Append v. 0, or -1 when out of memory. */
static inline int grid_fifo_push(grid_fifo *q, uint32_t v)
{
    if (q->n == q->cap)
        return grid_fifo_push_grow(q, v);
    size_t t = q->head + q->n;
    q->a[t >= q->cap ? t - q->cap : t] = v;
    q->n++;
    return 0;
}

/* Take the oldest item; q->n must be > 0. */
static inline uint32_t grid_fifo_pop(grid_fifo *q)
{
    uint32_t v = q->a[q->head];
    q->head = q->head + 1 == q->cap ? 0 : q->head + 1;
    q->n--;
    return v;
}

/* Empty the FIFO, keeping its memory. */
static inline void grid_fifo_reset(grid_fifo *q)
{
    q->head = 0;
    q->n = 0;
}

void grid_fifo_free(grid_fifo *q);

/*
 * Keys are 64-bit: the Float32 elevation mapped to an order-preserving uint32 in the high
 * half, the cell index in the low half, so keys are unique and ties in elevation pop in
 * index order: the order of the flood depends on nothing but the data.
 */
static inline uint64_t grid_key(float z, uint32_t idx)
{
    uint32_t b;
    memcpy(&b, &z, sizeof b);
    b = (b & 0x80000000u) ? ~b : (b | 0x80000000u);
    return ((uint64_t)b << 32) | idx;
}

static inline uint32_t grid_key_idx(uint64_t k) { return (uint32_t)k; }

static inline float grid_key_z(uint64_t k)
{
    uint32_t b = (uint32_t)(k >> 32);
    b = (b & 0x80000000u) ? (b & 0x7fffffffu) : ~b;
    float z;
    memcpy(&z, &b, sizeof z);
    return z;
}

/*
 * A monotone priority queue of keys. A priority flood only pushes keys above the last one
 * popped (a pushed cell is higher than the spill level being processed), so a radix heap
 * (Ahuja et al. 1990) serves: bucket i holds keys whose highest bit differing from the
 * last popped key is bit i-1. Each key moves down at most 64 buckets, in practice a few:
 * O(1) amortised per key instead of O(log n) cache misses for a binary heap. Keys pop in
 * strictly increasing order — the same order a binary heap gives.
 */
typedef struct grid_bucket {
    uint64_t *a;
    size_t n, cap;
} grid_bucket;

typedef struct grid_heap {
    uint64_t last; /* the last key popped (0 before the first pop) */
    size_t n;      /* keys held */
    grid_bucket b[65];
} grid_heap;

void grid_heap_init(grid_heap *h);
/** Push a key >= the last key popped (asserted). Returns 0, or -1 when out of memory. */
int grid_heap_push(grid_heap *h, uint64_t k);
/** Pop the smallest key into *k; h->n must be > 0. Returns 0, or -1 when out of memory. */
int grid_heap_pop(grid_heap *h, uint64_t *k);
void grid_heap_free(grid_heap *h);

/*
 * The queues of a priority flood (Barnes, Lehman & Mulla 2014, "Improved Priority-Flood"):
 * cells raised to the spill level of a depression go to the plain FIFO `pit`, which is
 * served before the heap of (elevation, index) keys, so filling is O(n) inside
 * depressions. Initialise with grid_pflood_init, free with grid_pflood_free.
 */
typedef struct grid_pflood {
    grid_fifo pit;
    grid_heap heap;
} grid_pflood;

void grid_pflood_init(grid_pflood *q);
void grid_pflood_free(grid_pflood *q);
/* Empty both queues for the next flood (the heap's memory is freed: its last key restarts). */
void grid_pflood_reset(grid_pflood *q);

/* Where grid_pflood_pop took the cell from. */
enum { GRID_PF_EMPTY = 0, GRID_PF_PIT = 1, GRID_PF_HEAP = 2 };

/*
 * The next cell of the flood into *c: the pit first (GRID_PF_PIT), else the lowest key of
 * the heap (GRID_PF_HEAP, the key in *key). GRID_PF_EMPTY when both are empty, -1 when
 * out of memory.
 */
static inline int grid_pflood_pop(grid_pflood *q, uint32_t *c, uint64_t *key)
{
    if (q->pit.n) {
        *c = grid_fifo_pop(&q->pit);
        return GRID_PF_PIT;
    }
    if (!q->heap.n)
        return GRID_PF_EMPTY;
    if (grid_heap_pop(&q->heap, key) != 0)
        return -1;
    *c = grid_key_idx(*key);
    return GRID_PF_HEAP;
}

/*
 * Queue cell j of height z, reached from a cell at level `spill`: at or below it, j lies
 * in the depression and is raised to spill — it goes to the pit (returns 1); above it, j
 * goes to the heap at its own height (returns 0). -1 when out of memory.
 */
static inline int grid_pflood_add(grid_pflood *q, uint32_t j, float z, float spill)
{
    if (z <= spill)
        return grid_fifo_push(&q->pit, j) != 0 ? -1 : 1;
    return grid_heap_push(&q->heap, grid_key(z, j)) != 0 ? -1 : 0;
}

/* ---- connected components (label.c) -------------------------------------------------- */

/*
 * Number the connected components (under nb's neighbours) of the cells with lab[i] == 0
 * and v[i] > 0 as 1, 2, ... in raster-scan order of their first cell; the numbers do not
 * depend on the order the neighbours are visited in. Cells with lab[i] != 0 are left as
 * they are (a negative label keeps a cell out). *count = the components found.
 * 0; -1 when out of memory; -2 when there are more than 2^31 - 1.
 */
int grid_components(int32_t *lab, size_t *count, const float *v, const grid_nbr *nb);

/* ---- geometries onto cells (rasterize.c, sea.c) ----------------------------------------- */

/** Called once per cell (row-major index). A supercover line may call it twice for a cell. */
typedef void (*grid_cell_fn)(void *user, size_t idx);

/**
 * Cells whose centre lies inside the polygon (even-odd over all rings, so holes are out;
 * a centre exactly on an edge counts when the edge is to its left or below it — the
 * half-open rule, so two polygons sharing an edge never both take a cell).
 * Returns the number of cells visited, or (size_t)-1 when out of memory.
 */
size_t grid_polygon_cells(const nytte_grid *g, const nytte_geom *poly, grid_cell_fn fn, void *user);

/**
 * The cells of grid_polygon_cells(g, poly, ...) that lie in the window (col0, row0, w, h)
 * of g, found without scanning rows outside it: fn (may be NULL: count only) gets the
 * global row-major index. Returns the number of cells, or (size_t)-1 when out of memory.
 */
size_t grid_polygon_cells_window(const nytte_grid *g, const nytte_geom *poly, int col0, int row0, int w, int h,
                                 grid_cell_fn fn, void *user);

/**
 * Every cell a polyline passes through, 4-connected: where the line crosses a cell corner
 * exactly, the cell stepped through first in x is added, so consecutive cells always share
 * an edge. Cells outside the grid are skipped. Returns the number of visits.
 */
size_t grid_line_cells(const nytte_grid *g, const double *xy, size_t npts, grid_cell_fn fn, void *user);

/**
 * The cells of grid_line_cells(g, xy, npts) in the window (col0, row0, w, h), walked on the
 * global grid segment by segment as the whole-grid walk; a segment that cannot reach the
 * window is skipped, so the cost per window is that of the line near it.
 */
void grid_line_cells_window(const nytte_grid *g, const double *xy, size_t npts, int col0, int row0, int w, int h,
                            grid_cell_fn fn, void *user);

/** The cell containing (x, y) (a point on a shared edge goes to the cell right of / below it); false if outside. */
bool grid_point_cell(const nytte_grid *g, double x, double y, size_t *idx);

/**
 * The sea cells of the window (col0, row0, w, h) of g: cells whose centre lies inside a sea
 * polygon and cells holding a sea point (lines and features without geometry mark
 * nothing). flag (w × h, row-major; NULL: count only) = 1 on them, 0 elsewhere. Returns the
 * number of cells visited (0 exactly when there is no sea cell in the window), or
 * (size_t)-1 when out of memory.
 */
size_t grid_sea_cells(uint8_t *flag, const nytte_grid *g, const nytte_geom *sea, size_t nsea, int col0, int row0,
                      int w, int h);

/**
 * flag[i] = 1 for every sea cell of grid g (as grid_sea_cells), geometry by geometry in
 * order. flag has nx * ny bytes, zeroed by the caller. Errors: a line ("sea: geometry <k>
 * is a line (give polygons or points)"), no sea cell inside the grid ("sea: no sea cell
 * inside the terrain"), out of memory.
 */
int grid_mark_sea(nytte_ctx *ctx, uint8_t *flag, const nytte_grid *g, const nytte_geom *sea, size_t nsea);

/* ---- barriers burned into a terrain (burn.c) ------------------------------------------- */

/** "id" if given and not empty, else the 1-based index i + 1 written into buf. */
const char *grid_item_name(char *buf, size_t n, const char *id, size_t i);

/** The smallest Float32 >= x (a level equal to the crest must not overtop a rounded-down crest). */
float grid_float_at_or_above(double x);

/** The largest Float32 <= x (a channel's invert must not come out above the stated one). */
float grid_float_at_or_below(double x);

/** One barrier being burned: the terrain's nodata rule, its cells, the Float32 crest and the mode. */
typedef struct grid_burn {
    const nytte_raster *dem; /* only has_nodata and nodata are used */
    float *v;
    float crest;
    nytte_burn_mode mode;
} grid_burn;

/**
 * The checks of barrier b (the k-th, 0-based; mode NULL: NYTTE_BURN_RAISE), in the order
 * and with the messages of nytte_hazard_burn_barriers_ex: a line or polygon geometry, a
 * usable crest, a known mode. On success *burn gets the mode and the Float32 crest (its
 * dem and v are left to the caller).
 */
int grid_barrier_check(nytte_ctx *ctx, grid_burn *burn, const nytte_barrier *b, size_t k,
                       const nytte_burn_mode *mode);

/** The mode and Float32 crest of checked barrier b (the k-th) into *burn, without checks. */
void grid_burn_set(grid_burn *burn, const nytte_barrier *b, size_t k, const nytte_burn_mode *mode);

/** grid_cell_fn burning cell i of b->v (user is a grid_burn *) by b->mode. */
void grid_burn_cell(void *user, size_t i);

/* ---- drains lowering the water table (drain.c) ------------------------------------------ */

/**
 * The lowering of the table by drains d (checked: nytte_hazard_drain_check) on the window
 * (col0, row0, w, h) of grid g: low (w × h, row-major) = the largest lowering of any drain
 * at each cell, 0 outside every influence zone — on those cells, exactly what the whole
 * grid gives (global rows and columns, the same formulas). 0, or -1 when out of memory.
 * Thread-safe.
 */
int grid_drain_lower(const nytte_grid *g, float *low, const nytte_drain *d, size_t nd, int col0, int row0, int w,
                     int h);

/** The cells of grid g within reach of drain d (its geometry set); (size_t)-1 when out of memory. */
size_t grid_drain_reach(const nytte_grid *g, const nytte_drain *d);

/** A cell of the drained table: nodata stays NYTTE_HAZARD_NODATA, else depth + lowering. */
static inline float grid_drained(float v, bool nodata, float low)
{
    return nodata ? NYTTE_HAZARD_NODATA : (float)((double)v + (double)low);
}

/** A cell of the exposure: nodata stays NYTTE_HAZARD_NODATA, else max(0, threshold - depth). */
static inline float grid_exposure(float v, bool nodata, double threshold)
{
    if (nodata)
        return NYTTE_HAZARD_NODATA;
    return (double)v < threshold ? (float)(threshold - (double)v) : 0.0f;
}

/* ---- flat-free surface and steepest descent (noflats.c) --------------------------------- */

/**
 * The flat-free surface of dem (malstroem's fill_terrain_no_flats, Planchon & Darboux
 * 2001): W = max(z, min over neighbours of W(n) + e), e = 1024 ulp(max |z|) to an edge
 * neighbour and e·√2 to a corner one, outlets (raster edge, cells with a nodata
 * neighbour) at z; W = NaN on nodata. It is the filled terrain plus a tiny slope that
 * drains every flat towards its outlet. connectivity NYTTE_CONNECT_4 (edge neighbours
 * only) or NYTTE_CONNECT_8. W: caller-allocated, nx*ny doubles. Uses 5 bytes per cell of
 * scratch plus a heap of 16 bytes per cell in flats. `what` names the work in the
 * out-of-memory message.
 */
int grid_noflats(nytte_ctx *ctx, double *W, const nytte_raster *dem, int connectivity, const char *what);

/**
 * Steepest descent on W from cell i: the D8 code (see above; even codes only for
 * NYTTE_CONNECT_4) of the neighbour with the largest drop (× 1/√2 on a corner), ties to
 * the lowest code; cells on the raster edge flow straight off it (corners diagonally with
 * 8 neighbours); a cell next to nodata flows into its first nodata neighbour.
 * 8 when W[i] is NaN or no neighbour is lower (never on a flat-free surface).
 */
int grid_steepest(const double *W, int nx, int ny, size_t i, int connectivity);

/* ---- checks and outputs (checks.c) ----------------------------------------------------- */

/** The raster is usable: cells allocated, grid positive, at most 2^32 - 1 cells. */
int grid_check_raster(nytte_ctx *ctx, const nytte_raster *r, const char *what);

/** Connectivity is NYTTE_CONNECT_4 or NYTTE_CONNECT_8. */
int grid_check_conn(nytte_ctx *ctx, int connectivity);

/** Allocate an output raster on like's grid with like's CRS, nodata NYTTE_HAZARD_NODATA. */
int grid_new_output(nytte_ctx *ctx, nytte_raster *out, const nytte_raster *like, float fill);

#endif
