/*
 * hazard_private.h — what the hazard files share: rasterising geometries onto a grid
 * (cell-centre polygons, 4-connected supercover lines, points), a growable FIFO of cell
 * indices and a binary min-heap keyed by (elevation, cell index).
 */
#ifndef NYTTE_HAZARD_PRIVATE_H
#define NYTTE_HAZARD_PRIVATE_H

#include "nytte/hazard.h"

#include <stdint.h>
#include <string.h>

/* ---- rasterising (rasterize.c) ------------------------------------------- */

/** Called once per cell (row-major index). A supercover line may call it twice for a cell. */
typedef void (*nytte_hz_cell_fn)(void *user, size_t idx);

/**
 * Cells whose centre lies inside the polygon (even-odd over all rings, so holes are out;
 * a centre exactly on an edge counts when the edge is to its left or below it — the
 * half-open rule, so two polygons sharing an edge never both take a cell).
 * Returns the number of cells visited, or (size_t)-1 when out of memory.
 */
size_t nytte_hz_polygon_cells(const nytte_grid *g, const nytte_geom *poly, nytte_hz_cell_fn fn, void *user);

/**
 * The cells of nytte_hz_polygon_cells(g, poly, ...) that lie in the window (col0, row0,
 * w, h) of g, found without scanning rows outside it: fn (may be NULL: count only) gets
 * the global row-major index. Returns the number of cells, or (size_t)-1 when out of memory.
 */
size_t nytte_hz_polygon_cells_window(const nytte_grid *g, const nytte_geom *poly, int col0, int row0, int w, int h,
                                     nytte_hz_cell_fn fn, void *user);

/**
 * Every cell a polyline passes through, 4-connected: where the line crosses a cell corner
 * exactly, the cell stepped through first in x is added, so consecutive cells always share
 * an edge. Cells outside the grid are skipped. Returns the number of visits.
 */
size_t nytte_hz_line_cells(const nytte_grid *g, const double *xy, size_t npts, nytte_hz_cell_fn fn, void *user);

/** The cell containing (x, y) (a point on a shared edge goes to the cell right of / below it); false if outside. */
bool nytte_hz_point_cell(const nytte_grid *g, double x, double y, size_t *idx);

/**
 * flag[i] = 1 for every sea cell of grid g: cells whose centre lies inside a sea polygon
 * and cells holding a sea point (features without geometry mark nothing). flag has
 * nx * ny bytes, zeroed by the caller. Errors: a line ("sea: geometry <k> is a line ..."),
 * no sea cell inside the grid ("sea: no sea cell inside the terrain"), out of memory.
 */
int nytte_hz_mark_sea(nytte_ctx *ctx, uint8_t *flag, const nytte_grid *g, const nytte_geom *sea, size_t nsea);

/* ---- groundwater (groundwater.c) ------------------------------------------- */

/**
 * The lowering of the table by drains d (checked: nytte_hazard_drain_check) on the window
 * (col0, row0, w, h) of grid g: low (w × h, row-major) = the largest lowering of any drain
 * at each cell, 0 outside every influence zone — on those cells, exactly what the whole
 * grid gives (global rows and columns, the same formulas). 0, or -1 when out of memory.
 * Thread-safe.
 */
int nytte_hz_drain_lower(const nytte_grid *g, float *low, const nytte_drain *d, size_t nd, int col0, int row0, int w,
                         int h);

/** A cell of the drained table: nodata stays NYTTE_HAZARD_NODATA, else depth + lowering. */
static inline float nytte_hz_drained(float v, bool nodata, float low)
{
    return nodata ? NYTTE_HAZARD_NODATA : (float)((double)v + (double)low);
}

/** A cell of the exposure: nodata stays NYTTE_HAZARD_NODATA, else max(0, threshold - depth). */
static inline float nytte_hz_exposure(float v, bool nodata, double threshold)
{
    if (nodata)
        return NYTTE_HAZARD_NODATA;
    return (double)v < threshold ? (float)(threshold - (double)v) : 0.0f;
}

/* ---- FIFO of cell indices ------------------------------------------------- */

typedef struct nytte_hz_fifo {
    uint32_t *a;
    size_t cap, head, n; /* ring buffer: n items from head */
} nytte_hz_fifo;

int nytte_hz_fifo_push_grow(nytte_hz_fifo *q, uint32_t v);

static inline int nytte_hz_fifo_push(nytte_hz_fifo *q, uint32_t v)
{
    if (q->n == q->cap)
        return nytte_hz_fifo_push_grow(q, v);
    size_t t = q->head + q->n;
    q->a[t >= q->cap ? t - q->cap : t] = v;
    q->n++;
    return 0;
}

static inline uint32_t nytte_hz_fifo_pop(nytte_hz_fifo *q)
{
    uint32_t v = q->a[q->head];
    q->head = q->head + 1 == q->cap ? 0 : q->head + 1;
    q->n--;
    return v;
}

void nytte_hz_fifo_free(nytte_hz_fifo *q);

/* ---- monotone priority queue of (elevation, index) ---------------------------- */

/*
 * Keys are 64-bit: the Float32 elevation mapped to an order-preserving uint32 in the high
 * half, the cell index in the low half, so keys are unique and ties in elevation pop in
 * index order: the order of the flood depends on nothing but the data.
 *
 * A priority flood only pushes keys above the last one popped (a pushed cell is higher
 * than the spill level being processed), so a radix heap (Ahuja et al. 1990) serves:
 * bucket i holds keys whose highest bit differing from the last popped key is bit i-1.
 * Each key moves down at most 64 buckets, in practice a few: O(1) amortised per key
 * instead of O(log n) cache misses for a binary heap. Keys pop in strictly increasing
 * order — the same order a binary heap gives.
 */
typedef struct nytte_hz_bucket {
    uint64_t *a;
    size_t n, cap;
} nytte_hz_bucket;

typedef struct nytte_hz_heap {
    uint64_t last; /* the last key popped (0 before the first pop) */
    size_t n;      /* keys held */
    nytte_hz_bucket b[65];
} nytte_hz_heap;

static inline uint64_t nytte_hz_key(float z, uint32_t idx)
{
    uint32_t b;
    memcpy(&b, &z, sizeof b);
    b = (b & 0x80000000u) ? ~b : (b | 0x80000000u);
    return ((uint64_t)b << 32) | idx;
}

static inline uint32_t nytte_hz_key_idx(uint64_t k) { return (uint32_t)k; }

static inline float nytte_hz_key_z(uint64_t k)
{
    uint32_t b = (uint32_t)(k >> 32);
    b = (b & 0x80000000u) ? (b & 0x7fffffffu) : ~b;
    float z;
    memcpy(&z, &b, sizeof z);
    return z;
}

void nytte_hz_heap_init(nytte_hz_heap *h);
/** Push a key >= the last key popped (asserted). Returns 0, or -1 when out of memory. */
int nytte_hz_heap_push(nytte_hz_heap *h, uint64_t k);
/** Pop the smallest key into *k; h->n must be > 0. Returns 0, or -1 when out of memory. */
int nytte_hz_heap_pop(nytte_hz_heap *h, uint64_t *k);
void nytte_hz_heap_free(nytte_hz_heap *h);

/*
 * Neighbour offsets: the first 4 share an edge (N, W, E, S), the last 4 a corner.
 * Loops take the first `connectivity` entries.
 */
static const int nytte_hz_dr[8] = {-1, 0, 0, 1, -1, -1, 1, 1};
static const int nytte_hz_dc[8] = {0, -1, 1, 0, -1, 1, -1, 1};

/*
 * D8 codes clockwise from north (malstroem's encoding, as nytte_flow_drow/dcol of
 * catchment.h): 0 N, 1 NE, 2 E, 3 SE, 4 S, 5 SW, 6 W, 7 NW; even codes share an edge.
 */
static const int nytte_hz_d8r[8] = {-1, -1, 0, 1, 1, 1, 0, -1};
static const int nytte_hz_d8c[8] = {0, 1, 1, 1, 0, -1, -1, -1};

/* ---- flat-free surface and steepest descent (noflats.c) ---------------------- */

/**
 * The flat-free surface of dem (malstroem's fill_terrain_no_flats, Planchon & Darboux
 * 2001): W = max(z, min over neighbours of W(n) + e), e = 1024 ulp(max |z|) to an edge
 * neighbour and e·√2 to a corner one, outlets (raster edge, cells with a nodata
 * neighbour) at z; W = NaN on nodata. It is the filled terrain plus a tiny slope that
 * drains every flat towards its outlet. connectivity 4 (edge neighbours only) or 8.
 * W: caller-allocated, nx*ny doubles. Uses 5 bytes per cell of scratch plus a heap of
 * 16 bytes per cell in flats. `what` prefixes the out-of-memory message.
 */
int nytte_hz_noflats(nytte_ctx *ctx, double *W, const nytte_raster *dem, int connectivity, const char *what);

/**
 * Steepest descent on W from cell i: the D8 code (clockwise, see above; even codes only
 * for connectivity 4) of the neighbour with the largest drop (× 1/√2 on a corner), ties
 * to the lowest code; cells on the raster edge flow straight off it (corners diagonally
 * with 8 neighbours); a cell next to nodata flows into its first nodata neighbour.
 * 8 when W[i] is NaN or no neighbour is lower (never on a flat-free surface).
 */
int nytte_hz_steepest(const double *W, int nx, int ny, size_t i, int connectivity);

/* ---- barriers (surge.c) ---------------------------------------------------- */

/** "id" if given and not empty, else the 1-based index i + 1 written into buf. */
const char *nytte_hz_item_name(char *buf, size_t n, const char *id, size_t i);

/** The smallest Float32 >= x (a level equal to the crest must not overtop a rounded-down crest). */
float nytte_hz_float_at_or_above(double x);

/** The largest Float32 <= x (a channel's invert must not come out above the stated one). */
float nytte_hz_float_at_or_below(double x);

/** One barrier being burned: the terrain's nodata rule, its cells, the Float32 crest and the mode. */
typedef struct nytte_hz_burn {
    const nytte_raster *dem; /* only has_nodata and nodata are used */
    float *v;
    float crest;
    nytte_burn_mode mode;
} nytte_hz_burn;

/** nytte_hz_cell_fn burning cell i of b->v (user is a nytte_hz_burn *) by b->mode. */
void nytte_hz_burn_cell(void *user, size_t i);

/* ---- shared checks --------------------------------------------------------- */

/** The raster is usable: cells allocated, grid positive, at most 2^32 - 1 cells. */
int nytte_hz_check_raster(nytte_ctx *ctx, const nytte_raster *r, const char *what);

/** Connectivity is 4 or 8. */
int nytte_hz_check_conn(nytte_ctx *ctx, int connectivity);

/** Allocate an output raster on r's grid with r's CRS, nodata NYTTE_HAZARD_NODATA. */
int nytte_hz_new_output(nytte_ctx *ctx, nytte_raster *out, const nytte_raster *like, float fill);

#endif
