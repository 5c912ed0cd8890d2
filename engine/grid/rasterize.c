/*
 * rasterize.c — geometries onto a grid: polygons by cell centre (scanline, even-odd),
 * lines as a 4-connected supercover (no diagonal gaps, so a burned barrier is watertight
 * for 4- and 8-connected water alike), points by containing cell; polygons and lines also
 * on a window of the grid (a tile), taking there exactly the cells of the whole grid.
 */
#include "grid/grid.h"

#include <math.h>
#include <stdlib.h>

/* ---- polygons by cell centre ---------------------------------------------- */

typedef struct xing {
    int row;
    double x;
} xing;

static int xing_cmp(const void *pa, const void *pb)
{
    const xing *a = pa, *b = pb;
    if (a->row != b->row)
        return a->row < b->row ? -1 : 1;
    return (a->x > b->x) - (a->x < b->x);
}

/* Row-centre y of row r: one formula, used everywhere, so edge parity is consistent. */
static inline double row_y(const nytte_grid *g, int r) { return g->y0 - ((double)r + 0.5) * g->dy; }
static inline double col_x(const nytte_grid *g, int c) { return g->x0 + ((double)c + 0.5) * g->dx; }

/* Clamp a fractional cell coordinate to [lo, hi] and truncate toward -inf. */
static int clamp_floor(double u, int lo, int hi)
{
    if (!(u >= lo)) /* also NaN */
        return lo;
    if (u >= hi)
        return hi;
    return (int)floor(u);
}

/* Add the crossings of edge (x1,y1)-(x2,y2) with the row centres of rows rlo..rhi, half-open in y. */
static int edge_crossings(const nytte_grid *g, int rlo, int rhi, double x1, double y1, double x2, double y2, xing **a,
                          size_t *n, size_t *cap)
{
    double ylo = y1 < y2 ? y1 : y2, yhi = y1 < y2 ? y2 : y1;
    if (!(ylo < yhi))
        return 0; /* horizontal (or NaN) edges cross no row centre */
    int ra = clamp_floor((g->y0 - yhi) / g->dy - 0.5, 0, g->ny - 1);
    int rb = clamp_floor((g->y0 - ylo) / g->dy - 0.5 + 1.0, 0, g->ny - 1);
    if (ra < rlo)
        ra = rlo;
    if (rb > rhi)
        rb = rhi;
    for (int r = ra; r <= rb; r++) {
        double yc = row_y(g, r);
        if (!(yc >= ylo && yc < yhi))
            continue;
        if (*n == *cap && grid_grow(a, cap, sizeof **a, 256) != 0)
            return -1;
        (*a)[*n].row = r;
        (*a)[*n].x = x1 + (yc - y1) * (x2 - x1) / (y2 - y1);
        (*n)++;
    }
    return 0;
}

/* First column whose centre is >= x. */
static int first_col_at_or_after(const nytte_grid *g, double x)
{
    int c = clamp_floor((x - g->x0) / g->dx - 0.5, 0, g->nx);
    while (c > 0 && col_x(g, c - 1) >= x)
        c--;
    while (c < g->nx && col_x(g, c) < x)
        c++;
    return c;
}

size_t grid_polygon_cells(const nytte_grid *g, const nytte_geom *poly, grid_cell_fn fn, void *user)
{
    return grid_polygon_cells_window(g, poly, 0, 0, g->nx, g->ny, fn, user);
}

/*
 * The whole-grid scan restricted to a window: a row's crossings are those of the whole
 * grid (same rows, same x), only rows and columns outside the window are dropped, so the
 * cells are the same. With the whole grid as window the clipping changes nothing.
 */
size_t grid_polygon_cells_window(const nytte_grid *g, const nytte_geom *poly, int col0, int row0, int w, int h,
                                     grid_cell_fn fn, void *user)
{
    if (poly->kind != NYTTE_GEOM_POLYGON || g->nx <= 0 || g->ny <= 0 || w <= 0 || h <= 0)
        return 0;
    xing *a = NULL;
    size_t n = 0, cap = 0, visited = 0;
    for (size_t p = 0; p < poly->nparts; p++) {
        const double *v = poly->xy + 2 * poly->off[p];
        size_t m = poly->off[p + 1] - poly->off[p];
        if (m < 3)
            continue;
        for (size_t i = 0; i < m; i++) {
            size_t j = i + 1 == m ? 0 : i + 1; /* the closing edge is empty for a closed ring */
            if (edge_crossings(g, row0, row0 + h - 1, v[2 * i], v[2 * i + 1], v[2 * j], v[2 * j + 1], &a, &n, &cap) !=
                0) {
                free(a);
                return (size_t)-1;
            }
        }
    }
    if (n)
        qsort(a, n, sizeof *a, xing_cmp);
    for (size_t i = 0; i + 1 < n;) {
        size_t j = i;
        while (j < n && a[j].row == a[i].row)
            j++;
        /* Inside = between crossings 0-1, 2-3, ... of the row (even-odd). */
        for (size_t k = i; k + 1 < j; k += 2) {
            int ca = first_col_at_or_after(g, a[k].x), cb = first_col_at_or_after(g, a[k + 1].x);
            if (ca < col0)
                ca = col0;
            if (cb > col0 + w)
                cb = col0 + w;
            if (cb <= ca)
                continue;
            visited += (size_t)(cb - ca);
            if (fn) {
                size_t base = (size_t)a[i].row * (size_t)g->nx;
                for (int c = ca; c < cb; c++)
                    fn(user, base + (size_t)c);
            }
        }
        i = j;
    }
    free(a);
    return visited;
}

/* ---- lines: 4-connected supercover ------------------------------------------ */

/* Liang–Barsky: clip the segment p + t (q - p), t in [0, 1], to a box; false if it misses. */
static bool clip(double *u1, double *v1, double *u2, double *v2, double lo_u, double lo_v, double hi_u, double hi_v)
{
    double t0 = 0.0, t1 = 1.0, du = *u2 - *u1, dv = *v2 - *v1;
    const double pp[4] = {-du, du, -dv, dv};
    const double qq[4] = {*u1 - lo_u, hi_u - *u1, *v1 - lo_v, hi_v - *v1};
    for (int k = 0; k < 4; k++) {
        if (pp[k] == 0.0) {
            if (qq[k] < 0.0)
                return false;
            continue;
        }
        double t = qq[k] / pp[k];
        if (pp[k] < 0.0) {
            if (t > t1)
                return false;
            if (t > t0)
                t0 = t;
        } else {
            if (t < t0)
                return false;
            if (t < t1)
                t1 = t;
        }
    }
    double a_u = *u1 + t0 * du, a_v = *v1 + t0 * dv, b_u = *u1 + t1 * du, b_v = *v1 + t1 * dv;
    *u1 = a_u;
    *v1 = a_v;
    *u2 = b_u;
    *v2 = b_v;
    return true;
}

static inline size_t visit(const nytte_grid *g, long cu, long cv, grid_cell_fn fn, void *user)
{
    if (cu < 0 || cv < 0 || cu >= g->nx || cv >= g->ny)
        return 0;
    fn(user, (size_t)cv * (size_t)g->nx + (size_t)cu);
    return 1;
}

static size_t segment_cells(const nytte_grid *g, double x1, double y1, double x2, double y2, grid_cell_fn fn,
                            void *user)
{
    /* Fractional cell coordinates: u to the east, v to the south. */
    double u1 = (x1 - g->x0) / g->dx, v1 = (g->y0 - y1) / g->dy;
    double u2 = (x2 - g->x0) / g->dx, v2 = (g->y0 - y2) / g->dy;
    if (!isfinite(u1) || !isfinite(v1) || !isfinite(u2) || !isfinite(v2))
        return 0;
    /* Clipping to the grid plus a margin keeps the walk short for far-away lines. */
    if (!clip(&u1, &v1, &u2, &v2, -1.0, -1.0, (double)g->nx + 1.0, (double)g->ny + 1.0))
        return 0;
    double du = u2 - u1, dv = v2 - v1;
    /* First and last cell the segment actually passes through: a start exactly on a cell
     * boundary belongs to the cell the segment moves into, an end to the cell it comes from
     * (otherwise a corner-to-corner diagonal would take cells it only touches). */
    long cu = (long)(du < 0 ? ceil(u1) - 1 : floor(u1)), cv = (long)(dv < 0 ? ceil(v1) - 1 : floor(v1));
    long eu = (long)(du > 0 ? ceil(u2) - 1 : floor(u2)), ev = (long)(dv > 0 ? ceil(v2) - 1 : floor(v2));
    long su = du > 0 ? 1 : -1, sv = dv > 0 ? 1 : -1;
    double tmu = du != 0.0 ? ((su > 0 ? (double)cu + 1.0 : (double)cu) - u1) / du : INFINITY;
    double tmv = dv != 0.0 ? ((sv > 0 ? (double)cv + 1.0 : (double)cv) - v1) / dv : INFINITY;
    double tdu = du != 0.0 ? 1.0 / fabs(du) : INFINITY, tdv = dv != 0.0 ? 1.0 / fabs(dv) : INFINITY;
    long steps = labs(eu - cu) + labs(ev - cv);
    size_t n = visit(g, cu, cv, fn, user);
    for (long s = 0; s < steps; s++) {
        /* One coordinate at a time: consecutive cells share an edge. At an exact corner
         * (tmu == tmv) x steps first, which adds the corner cell a diagonal walk would skip. */
        bool step_u = cv == ev ? true : cu == eu ? false : tmu <= tmv;
        if (step_u) {
            cu += su;
            tmu += tdu;
        } else {
            cv += sv;
            tmv += tdv;
        }
        n += visit(g, cu, cv, fn, user);
    }
    return n;
}

size_t grid_line_cells(const nytte_grid *g, const double *xy, size_t npts, grid_cell_fn fn, void *user)
{
    if (npts == 0)
        return 0;
    if (npts == 1) {
        size_t idx;
        if (!grid_point_cell(g, xy[0], xy[1], &idx))
            return 0;
        fn(user, idx);
        return 1;
    }
    size_t n = 0;
    for (size_t i = 0; i + 1 < npts; i++)
        n += segment_cells(g, xy[2 * i], xy[2 * i + 1], xy[2 * i + 2], xy[2 * i + 3], fn, user);
    return n;
}

/* ---- lines on a window of the grid ------------------------------------------------ */

/* Window filter around a per-cell function: only cells of the window reach `fn`. */
typedef struct wfilter {
    const nytte_grid *g;
    int col0, row0, w, h;
    grid_cell_fn fn;
    void *user;
} wfilter;

static void wfilter_cell(void *user, size_t idx)
{
    const wfilter *f = user;
    int r = (int)(idx / (size_t)f->g->nx), c = (int)(idx % (size_t)f->g->nx);
    if (r >= f->row0 && r < f->row0 + f->h && c >= f->col0 && c < f->col0 + f->w)
        f->fn(f->user, idx);
}

/*
 * A segment whose cells cannot reach the window (its fractional cell box, widened by 2
 * cells, misses it) is skipped, which keeps the cost per tile proportional to the line
 * inside it; the others are walked whole, on the global grid, as the whole-grid walk.
 */
void grid_line_cells_window(const nytte_grid *g, const double *xy, size_t npts, int col0, int row0, int w, int h,
                            grid_cell_fn fn, void *user)
{
    wfilter f = {g, col0, row0, w, h, fn, user};
    if (npts < 2) {
        grid_line_cells(g, xy, npts, wfilter_cell, &f);
        return;
    }
    for (size_t i = 0; i + 1 < npts; i++) {
        const double *s = xy + 2 * i;
        double u1 = (s[0] - g->x0) / g->dx, v1 = (g->y0 - s[1]) / g->dy;
        double u2 = (s[2] - g->x0) / g->dx, v2 = (g->y0 - s[3]) / g->dy;
        if (isfinite(u1) && isfinite(v1) && isfinite(u2) && isfinite(v2)) {
            double ulo = u1 < u2 ? u1 : u2, uhi = u1 < u2 ? u2 : u1;
            double vlo = v1 < v2 ? v1 : v2, vhi = v1 < v2 ? v2 : v1;
            if (uhi < (double)col0 - 2.0 || ulo > (double)(col0 + w) + 2.0 || vhi < (double)row0 - 2.0 ||
                vlo > (double)(row0 + h) + 2.0)
                continue;
        }
        grid_line_cells(g, s, 2, wfilter_cell, &f);
    }
}

/* ---- points ------------------------------------------------------------------------- */

bool grid_point_cell(const nytte_grid *g, double x, double y, size_t *idx)
{
    double u = floor((x - g->x0) / g->dx), v = floor((g->y0 - y) / g->dy);
    if (!(u >= 0.0 && v >= 0.0 && u < (double)g->nx && v < (double)g->ny))
        return false;
    *idx = (size_t)v * (size_t)g->nx + (size_t)u;
    return true;
}
