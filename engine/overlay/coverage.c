/*
 * coverage.c — exact cell-coverage fractions of a polygon on a raster window.
 *
 * The covered area of a cell is the integral of the winding number over the cell.
 * The winding number at (u, v) is the signed count of boundary edges crossing the
 * horizontal line through v to the left of u, so every edge contributes, row by row,
 * its signed height to every cell to its right, and a trapezoid to the cells it
 * passes through. We walk each edge through the rows and columns it crosses, add the
 * trapezoids of the cells it crosses and a "carry" (its signed height in that row) to
 * the first cell right of it; a prefix sum of the carries along each row then gives
 * every cell its coverage. Rings are oriented (exteriors counter-clockwise, holes
 * clockwise), so holes and multipolygons add up without special cases.
 *
 * A cell no edge passes through has an integer winding number; its carry sum is
 * rounded to that integer, so interior cells get exactly 1 and outside cells exactly 0
 * however many edges lie to their left. Grid coordinates: u = (x - x0) / dx grows east,
 * v = (y0 - y) / dy grows south, cell (c, r) is [c, c+1] × [r, r+1]. In these
 * coordinates a counter-clockwise exterior runs down (+v) along its western side, so
 * a positive signed height means "inside to the right".
 *
 * The walk fills either dense arrays of the window (nytte_coverage_compute) or a list of
 * pieces that is sorted by row and column and swept into spans: runs of whole cells and
 * single boundary cells (ovl_cover_spans, used by the zonal driver), with the same
 * additions in the same order, so both give the same weights bit for bit.
 */
#include "overlay/overlay_int.h"

#include <assert.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Weights this close to 0 or 1 are rounding noise of the prefix sums (1e-13 of a cell). */
#define OVL_SNAP 1e-13

void ovl_scratch_free(ovl_scratch *s)
{
    if (!s)
        return;
    free(s->carry);
    free(s->touched);
    free(s->pieces);
    free(s->sorted);
    free(s->rowstart);
    free(s->spans);
    memset(s, 0, sizeof *s);
}

static int scratch_reserve(ovl_scratch *s, size_t ncarry, size_t ntouched)
{
    if (ncarry > s->cap_carry) {
        double *p = realloc(s->carry, ncarry * sizeof *p);
        if (!p)
            return NYTTE_ENOMEM;
        s->carry = p;
        s->cap_carry = ncarry;
    }
    if (ntouched > s->cap_touched) {
        unsigned char *p = realloc(s->touched, ntouched);
        if (!p)
            return NYTTE_ENOMEM;
        s->touched = p;
        s->cap_touched = ntouched;
    }
    return NYTTE_OK;
}

/* fmin/fmax are library calls without -ffast-math; these are not (no NaN reaches them) */
static inline double dmin(double a, double b) { return a < b ? a : b; }
static inline double dmax(double a, double b) { return a > b ? a : b; }

static inline double grid_u(const nytte_grid *g, double x) { return (x - g->x0) / g->dx; }
static inline double grid_v(const nytte_grid *g, double y) { return (g->y0 - y) / g->dy; }

bool ovl_geom_ok(const nytte_geom *g)
{
    if (g->kind == NYTTE_GEOM_NONE)
        return true;
    if (g->kind != NYTTE_GEOM_POLYGON && g->kind != NYTTE_GEOM_POINT)
        return false;
    if (g->nparts == 0)
        return true;
    if (!g->off || !g->xy)
        return false;
    size_t n = g->off[g->nparts];
    for (size_t i = 0; i < 2 * n; i++)
        if (!isfinite(g->xy[i]))
            return false;
    return true;
}

static bool geom_empty(const nytte_geom *g)
{
    return g->kind == NYTTE_GEOM_NONE || g->nparts == 0 || g->off[g->nparts] == 0;
}

bool ovl_geom_window(const nytte_grid *grid, const nytte_geom *g, int *c0, int *r0, int *c1, int *r1)
{
    if (geom_empty(g) || grid->nx <= 0 || grid->ny <= 0)
        return false;
    double umin = grid_u(grid, g->xmin), umax = grid_u(grid, g->xmax);
    double vmin = grid_v(grid, g->ymax), vmax = grid_v(grid, g->ymin);
    double fc0 = floor(umin), fr0 = floor(vmin), fc1, fr1;
    if (g->kind == NYTTE_GEOM_POINT) {
        fc1 = floor(umax) + 1; /* a point on a cell border belongs to the cell east/south of it */
        fr1 = floor(vmax) + 1;
    } else {
        fc1 = dmax(ceil(umax), fc0 + 1);
        fr1 = dmax(ceil(vmax), fr0 + 1);
    }
    fc0 = dmax(fc0, 0.0);
    fr0 = dmax(fr0, 0.0);
    fc1 = dmin(fc1, (double)grid->nx);
    fr1 = dmin(fr1, (double)grid->ny);
    if (!(fc0 < fc1 && fr0 < fr1))
        return false;
    *c0 = (int)fc0;
    *r0 = (int)fr0;
    *c1 = (int)fc1;
    *r1 = (int)fr1;
    return true;
}

bool ovl_inside_extent(const nytte_grid *grid, const nytte_geom *g)
{
    if (geom_empty(g))
        return true;
    double xmax = grid->x0 + grid->dx * grid->nx, ymin = grid->y0 - grid->dy * grid->ny;
    return g->xmin >= grid->x0 && g->xmax <= xmax && g->ymin >= ymin && g->ymax <= grid->y0;
}

/*
 * The window being filled: global cell indices and where the contributions of the
 * edges go. Dense (nytte_coverage_compute): straight into row-major arrays. Sparse
 * (the zonal driver): appended as pieces, in edge order, and swept row by row into
 * spans afterwards (ovl_cover_spans); both add the same numbers in the same order.
 */
typedef struct cov_win {
    int col0, row0, ncols, nrows;
    double *area;           /* dense: nrows * ncols: trapezoids of crossed cells (the output) */
    double *carry;          /* dense: nrows * (ncols + 1) */
    unsigned char *touched; /* dense: nrows * ncols */
    ovl_scratch *sparse;    /* sparse: pieces go to sparse->pieces; NULL: dense */
    bool nomem;             /* sparse: a piece could not be stored */
} cov_win;

/*
 * Piece kinds. AREA: area of a crossed cell, and (in val2) the signed height the same
 * edge carries to the next cell east: every carry east of column 0 comes from an edge
 * crossing the cell west of it, so a cell's carries are the val2 of its west neighbour's
 * pieces, in edge order. CARRY: a carry of its own (column 0 from edges west of the
 * window; centre mode). TOUCH: crossed by a horizontal edge, no area.
 */
enum { PIECE_AREA, PIECE_CARRY, PIECE_TOUCH };

static void __attribute__((noinline)) grow_pieces(cov_win *w)
{
    ovl_scratch *s = w->sparse;
    size_t cap = s->cap_pieces ? 2 * s->cap_pieces : 256;
    ovl_piece *p = realloc(s->pieces, cap * sizeof *p);
    if (!p) {
        w->nomem = true;
        return;
    }
    s->pieces = p;
    s->cap_pieces = cap;
}

static inline void put_piece(cov_win *w, size_t lr, int lc, int kind, double val, double val2)
{
    ovl_scratch *s = w->sparse;
    if (__builtin_expect(s->npieces == s->cap_pieces, 0)) {
        grow_pieces(w);
        if (w->nomem)
            return;
    }
    s->pieces[s->npieces++] = (ovl_piece){(int)lr, lc * 4 + kind, val, val2};
}

/* Add a to the area of cell lc of window row lr and mark it crossed; with east, carry h
 * to cell lc + 1 (lc + 1 == ncols: east of the window, dropped). */
static inline void put_area(cov_win *w, size_t lr, int lc, double a, bool east, double h)
{
    if (w->sparse) {
        put_piece(w, lr, lc, PIECE_AREA, a, east ? h : 0.0);
        return;
    }
    w->area[lr * (size_t)w->ncols + (size_t)lc] += a;
    w->touched[lr * (size_t)w->ncols + (size_t)lc] = 1;
    if (east)
        w->carry[lr * (size_t)(w->ncols + 1) + (size_t)lc + 1] += h;
}

/* Add a signed height to the carry of cell lc (0..ncols; ncols is east of the window). */
static inline void put_carry(cov_win *w, size_t lr, int lc, double h)
{
    if (w->sparse) {
        if (lc < w->ncols)
            put_piece(w, lr, lc, PIECE_CARRY, h, 0.0);
        return;
    }
    w->carry[lr * (size_t)(w->ncols + 1) + (size_t)lc] += h;
}

/* Mark cell lc of row lr crossed (by a horizontal edge). */
static inline void put_touch(cov_win *w, size_t lr, int lc)
{
    if (w->sparse) {
        put_piece(w, lr, lc, PIECE_TOUCH, 0.0, 0.0);
        return;
    }
    w->touched[lr * (size_t)w->ncols + (size_t)lc] = 1;
}

/* A horizontal edge adds no area but makes the cells it runs through partial. */
static void mark_horizontal(cov_win *w, double u1, double u2, double v)
{
    double r = floor(v);
    if (r < w->row0 || r >= (double)w->row0 + w->nrows)
        return;
    double ul = dmin(u1, u2), ur = dmax(u1, u2);
    double cl = floor(ul), cr = ur > ul ? ceil(ur) - 1 : cl;
    cl = dmax(cl, (double)w->col0);
    cr = dmin(cr, (double)w->col0 + w->ncols - 1);
    if (cl > cr)
        return;
    size_t lr = (size_t)((int)r - w->row0);
    for (int c = (int)cl; c <= (int)cr; c++)
        put_touch(w, lr, c - w->col0);
}

/*
 * The part of an edge inside row r, from its top point (ut, vt) to its bottom point
 * (ub, vb), vt < vb; s = +1 if the edge runs south, -1 if north. The edge's line is
 * v = ev + (u - eu) * dvdu (dvdu unused for vertical edges).
 */
static void row_segment(cov_win *w, int r, double s, double ut, double vt, double ub, double vb, double eu, double ev,
                        double dvdu)
{
    size_t lr = (size_t)(r - w->row0);
    double dvtot = s * (vb - vt);
    double pl_u, pl_v, pr_u, pr_v; /* west and east end */
    if (ut <= ub) {
        pl_u = ut, pl_v = vt, pr_u = ub, pr_v = vb;
    } else {
        pl_u = ub, pl_v = vb, pr_u = ut, pr_v = vt;
    }
    double cw0 = w->col0, cw1 = (double)w->col0 + w->ncols;
    if (pr_u < cw0 || (pr_u == cw0 && pl_u < pr_u)) { /* wholly west of the window */
        put_carry(w, lr, 0, dvtot);
        return;
    }
    if (pl_u >= cw1) /* wholly east: adds nothing to the window */
        return;
    double cmin = floor(pl_u), cmax = pr_u > pl_u ? ceil(pr_u) - 1 : cmin;
    if (cmin == cmax && cmin >= cw0) { /* steep edges: one piece in one cell (the common case) */
        int lc = (int)cmin - w->col0;
        put_area(w, lr, lc, dvtot * ((cmin + 1.0) - 0.5 * (pl_u + pr_u)), true, dvtot);
        return;
    }
    double vlo = dmin(vt, vb), vhi = dmax(vt, vb);
    double uprev = pl_u, vprev = pl_v, left = 0.0; /* left: signed height west of column c */
    double c = cmin;
    if (c < cw0) {
        double vc = dmin(dmax(ev + (cw0 - eu) * dvdu, vlo), vhi);
        left = s * fabs(vc - pl_v);
        uprev = cw0;
        vprev = vc;
        c = cw0;
    }
    double cend = dmin(cmax, cw1 - 1);
    for (; c <= cend; c += 1.0) {
        double un, vn;
        if (c < cmax) {
            un = c + 1.0;
            vn = dmin(dmax(ev + (un - eu) * dvdu, vlo), vhi);
        } else {
            un = pr_u;
            vn = pr_v;
        }
        double dv = s * fabs(vn - vprev);
        int lc = (int)c - w->col0;
        /* ∫ clamp(c + 1 - u(v), 0, 1) dv: the piece in the cell is a trapezoid */
        /* the edge's carry goes east of its last cell, if that is in the window */
        put_area(w, lr, lc, left + dv * ((c + 1.0) - 0.5 * (uprev + un)), c == cmax, dvtot);
        left += dv;
        uprev = un;
        vprev = vn;
    }
}

static void exact_edge(cov_win *w, double u1, double v1, double u2, double v2)
{
    if (v1 == v2) {
        mark_horizontal(w, u1, u2, v1);
        return;
    }
    double s = 1.0;
    if (v1 > v2) {
        double t = u1;
        u1 = u2, u2 = t;
        t = v1;
        v1 = v2, v2 = t;
        s = -1.0;
    }
    if (dmin(u1, u2) >= (double)w->col0 + w->ncols)
        return;
    double rfirst = dmax(floor(v1), (double)w->row0);
    double rlast = dmin(ceil(v2) - 1.0, (double)w->row0 + w->nrows - 1);
    if (rfirst > rlast)
        return;
    double dudv = (u2 - u1) / (v2 - v1), ulo = dmin(u1, u2), uhi = dmax(u1, u2);
    double dvdu = u2 != u1 ? (v2 - v1) / (u2 - u1) : 0.0;
    for (int r = (int)rfirst; r <= (int)rlast; r++) {
        double vt = dmax(v1, (double)r), vb = dmin(v2, (double)r + 1.0);
        if (!(vt < vb))
            continue;
        /* the same expression for a row's bottom and the next row's top: they match */
        double ut = vt == v1 ? u1 : dmin(dmax(u1 + (vt - v1) * dudv, ulo), uhi);
        double ub = vb == v2 ? u2 : dmin(dmax(u1 + (vb - v1) * dudv, ulo), uhi);
        row_segment(w, r, s, ut, vt, ub, vb, u1, v1, dvdu);
    }
}

/* Centre mode: winding number at each cell centre (r + 0.5, c + 0.5). */
static void centre_edge(cov_win *w, double u1, double v1, double u2, double v2)
{
    if (v1 == v2)
        return;
    double s = v2 > v1 ? 1.0 : -1.0;
    double va = dmin(v1, v2), vb = dmax(v1, v2);
    /* rows whose centre line vc satisfies va <= vc < vb (half-open: each vertex counted once) */
    double rfirst = dmax(ceil(va - 0.5), (double)w->row0);
    double rlast = dmin(ceil(vb - 0.5) - 1.0, (double)w->row0 + w->nrows - 1);
    for (double r = rfirst; r <= rlast; r += 1.0) {
        double vc = r + 0.5;
        double u = u1 + (vc - v1) * (u2 - u1) / (v2 - v1);
        /* first centre on or east of the crossing: [west, east) */
        double c = ceil(u - 0.5) - w->col0;
        if (c >= w->ncols)
            continue;
        if (c < 0)
            c = 0;
        put_carry(w, (size_t)((int)r - w->row0), (int)c, s);
    }
}

/* Every edge of every ring of polygon g, into w. */
static void walk_edges(cov_win *w, const nytte_grid *grid, const nytte_geom *g, nytte_cover_mode mode)
{
    for (size_t p = 0; p < g->nparts; p++) {
        const double *xy = g->xy + 2 * g->off[p];
        size_t n = g->off[p + 1] - g->off[p];
        if (n < 2)
            continue;
        double pu = grid_u(grid, xy[0]), pv = grid_v(grid, xy[1]);
        double fu = pu, fv = pv;
        for (size_t i = 1; i <= n; i++) {
            double u, v;
            if (i < n) {
                u = grid_u(grid, xy[2 * i]);
                v = grid_v(grid, xy[2 * i + 1]);
            } else { /* close the ring if the input did not */
                if (pu == fu && pv == fv)
                    break;
                u = fu, v = fv;
            }
            if (mode == NYTTE_COVER_CENTRE)
                centre_edge(w, pu, pv, u, v);
            else
                exact_edge(w, pu, pv, u, v);
            pu = u, pv = v;
        }
    }
}

int ovl_cover_window(ovl_scratch *s, const nytte_grid *grid, const nytte_geom *g, nytte_cover_mode mode, int col0,
                     int row0, int ncols, int nrows, double *frac)
{
    size_t ncells = (size_t)ncols * (size_t)nrows;
    if (ncells == 0)
        return NYTTE_OK;
    memset(frac, 0, ncells * sizeof *frac);
    if (geom_empty(g))
        return NYTTE_OK;
    if (g->kind == NYTTE_GEOM_POINT) {
        for (size_t p = 0; p < g->nparts; p++) {
            if (g->off[p + 1] == g->off[p])
                continue;
            const double *pt = g->xy + 2 * g->off[p];
            double c = floor(grid_u(grid, pt[0])) - col0, r = floor(grid_v(grid, pt[1])) - row0;
            if (c >= 0 && c < ncols && r >= 0 && r < nrows)
                frac[(size_t)r * (size_t)ncols + (size_t)c] += 1.0;
        }
        return NYTTE_OK;
    }
    size_t ncarry = (size_t)(ncols + 1) * (size_t)nrows;
    if (scratch_reserve(s, ncarry, ncells) != NYTTE_OK)
        return NYTTE_ENOMEM;
    memset(s->carry, 0, ncarry * sizeof *s->carry);
    memset(s->touched, 0, ncells);
    cov_win w = {col0, row0, ncols, nrows, frac, s->carry, s->touched, NULL, false};
    walk_edges(&w, grid, g, mode);
    for (int r = 0; r < nrows; r++) {
        const double *carry = s->carry + (size_t)r * (size_t)(ncols + 1);
        const unsigned char *tch = s->touched + (size_t)r * (size_t)ncols;
        double *f = frac + (size_t)r * (size_t)ncols;
        double run = 0.0;
        if (mode == NYTTE_COVER_CENTRE) {
            for (int c = 0; c < ncols; c++) {
                run += carry[c];
                f[c] = rint(run) != 0.0 ? 1.0 : 0.0;
            }
            continue;
        }
        for (int c = 0; c < ncols;) {
            run += carry[c];
            if (tch[c]) {
                double v = f[c] + run;
                v = v < OVL_SNAP ? 0.0 : v;
                f[c++] = v > 1.0 - OVL_SNAP ? 1.0 : v;
                continue;
            }
            /* untouched cells lie wholly inside or outside: their winding is an integer,
             * the same along a run of untouched cells that receive no carry */
            double v = rint(run);
            v = v < 0.0 ? 0.0 : v > 1.0 ? 1.0 : v;
            /* carries sit only on column 0 and just east of crossed cells, so the run
             * lasts until the next crossed cell */
            const unsigned char *next = memchr(tch + c, 1, (size_t)(ncols - c));
            int end = next ? (int)(next - tch) : ncols;
#ifndef NDEBUG
            for (int k = c + 1; k < end; k++)
                assert(carry[k] == 0.0);
#endif
            if (v != 0.0)
                for (; c < end; c++)
                    f[c] = v;
            c = end; /* 0: already zero */
        }
        if (mode == NYTTE_COVER_ALL_TOUCHED)
            for (int c = 0; c < ncols; c++)
                f[c] = f[c] > 0.0 ? 1.0 : 0.0;
    }
    return NYTTE_OK;
}

int nytte_coverage_compute(nytte_ctx *ctx, nytte_coverage *out, const nytte_grid *grid, const nytte_geom *g,
                           nytte_cover_mode mode)
{
    *out = (nytte_coverage)NYTTE_COVERAGE_INIT;
    if (!ovl_geom_ok(g))
        return nytte_error(ctx, NYTTE_EINPUT, "coverage: geometry is not a polygon or point, or has non-finite coordinates");
    if (mode != NYTTE_COVER_EXACT && mode != NYTTE_COVER_CENTRE && mode != NYTTE_COVER_ALL_TOUCHED)
        return nytte_error(ctx, NYTTE_EUSAGE, "coverage: unknown cover mode %d", (int)mode);
    int c0, r0, c1, r1;
    if (!ovl_geom_window(grid, g, &c0, &r0, &c1, &r1))
        return NYTTE_OK;
    size_t n = (size_t)(c1 - c0) * (size_t)(r1 - r0);
    double *frac = malloc(n * sizeof *frac);
    ovl_scratch s = {0};
    if (!frac || ovl_cover_window(&s, grid, g, mode, c0, r0, c1 - c0, r1 - r0, frac) != NYTTE_OK) {
        free(frac);
        ovl_scratch_free(&s);
        return nytte_nomem(ctx, "coverage: %zu cells", n);
    }
    ovl_scratch_free(&s);
    *out = (nytte_coverage){c0, r0, c1 - c0, r1 - r0, frac};
    return NYTTE_OK;
}

void nytte_coverage_clear(nytte_coverage *c)
{
    if (!c)
        return;
    free(c->frac);
    *c = (nytte_coverage)NYTTE_COVERAGE_INIT;
}

/* ---- sparse coverage: spans ------------------------------------------------------ */

static int reserve(void **p, size_t *cap, size_t n, size_t size)
{
    if (n <= *cap)
        return NYTTE_OK;
    size_t c = *cap ? *cap : 64;
    while (c < n)
        c *= 2;
    void *q = realloc(*p, c * size);
    if (!q)
        return NYTTE_ENOMEM;
    *p = q;
    *cap = c;
    return NYTTE_OK;
}

/*
 * Cells [c0, c1) of row r get weight v. Whole cells extend a run of whole cells that
 * ends at c0, so runs are maximal, exactly as a scan of the dense window finds them.
 * false: out of memory (the spans so far stay).
 */
static bool __attribute__((noinline)) span_put_slow(ovl_scratch *s, int r, int c0, int c1, double v)
{
    if (v == 1.0 && s->nspans) {
        ovl_span *last = &s->spans[s->nspans - 1];
        if (last->row == r && last->w == 1.0 && last->c1 == c0) {
            last->c1 = c1;
            return true;
        }
    }
    size_t n = v == 1.0 ? 1 : (size_t)(c1 - c0);
    if (reserve((void **)&s->spans, &s->cap_spans, s->nspans + n, sizeof *s->spans) != NYTTE_OK)
        return false;
    if (v == 1.0)
        s->spans[s->nspans++] = (ovl_span){r, c0, c1, 1.0};
    else
        for (int c = c0; c < c1; c++)
            s->spans[s->nspans++] = (ovl_span){r, c, c + 1, v};
    return true;
}

static inline bool span_put(ovl_scratch *s, int r, int c0, int c1, double v)
{
    if (v == 0.0 || c0 >= c1)
        return true;
    if (v == 1.0 && s->nspans) {
        ovl_span *last = &s->spans[s->nspans - 1];
        if (last->row == r && last->w == 1.0 && last->c1 == c0) {
            last->c1 = c1;
            return true;
        }
    }
    if (__builtin_expect(s->nspans < s->cap_spans, 1) && (v == 1.0 || c1 == c0 + 1)) {
        s->spans[s->nspans++] = (ovl_span){r, c0, c1, v};
        return true;
    }
    return span_put_slow(s, r, c0, c1, v);
}

/* The weight of cells no edge crosses, from the winding carried into them. */
static inline double fill_weight(double run, nytte_cover_mode mode)
{
    double v = rint(run);
    if (mode == NYTTE_COVER_CENTRE)
        return v != 0.0 ? 1.0 : 0.0;
    return v < 0.0 ? 0.0 : v > 1.0 ? 1.0 : v;
}

/* Stable sort of p[0 .. n) by column, using tmp[n]: insertion sort for the short rows
 * of ordinary polygons (a few already sorted runs, one per edge), merge sort beyond. */
static void sort_row(ovl_piece *p, size_t n, ovl_piece *tmp)
{
    if (n <= 32) {
        for (size_t i = 1; i < n; i++) {
            ovl_piece x = p[i];
            size_t j = i;
            for (; j > 0 && (p[j - 1].ck >> 2) > (x.ck >> 2); j--)
                p[j] = p[j - 1];
            p[j] = x;
        }
        return;
    }
    size_t h = n / 2;
    sort_row(p, h, tmp);
    sort_row(p + h, n - h, tmp);
    size_t i = 0, j = h, k = 0;
    while (i < h && j < n)
        tmp[k++] = (p[j].ck >> 2) < (p[i].ck >> 2) ? p[j++] : p[i++]; /* ties: the earlier edge first */
    while (i < h)
        tmp[k++] = p[i++];
    while (j < n)
        tmp[k++] = p[j++];
    memcpy(p, tmp, n * sizeof *p);
}

/*
 * Sort the pieces by (row, col), keeping the edge order among pieces of one cell (a
 * stable counting sort by row, then a stable sort of each row by column), so that each
 * cell's contributions are added in the same order as in the dense window. Result in
 * s->sorted; s->rowstart[r] is the start of row r.
 */
static int sort_pieces(ovl_scratch *s, int nrows)
{
    size_t n = s->npieces, nb = (size_t)nrows + 1;
    if (reserve((void **)&s->sorted, &s->cap_sorted, n, sizeof *s->sorted) != NYTTE_OK ||
        reserve((void **)&s->rowstart, &s->cap_rowstart, nb, sizeof *s->rowstart) != NYTTE_OK)
        return NYTTE_ENOMEM;
    size_t *b = s->rowstart;
    memset(b, 0, nb * sizeof *b);
    for (size_t i = 0; i < n; i++)
        b[s->pieces[i].row + 1]++;
    for (int r = 0; r < nrows; r++)
        b[r + 1] += b[r];
    for (size_t i = 0; i < n; i++)
        s->sorted[b[s->pieces[i].row]++] = s->pieces[i];
    /* b[r] is now the end of row r: shift to starts */
    for (int r = nrows; r > 0; r--)
        b[r] = b[r - 1];
    b[0] = 0;
    for (int r = 0; r < nrows; r++)
        if (b[r + 1] - b[r] > 1)
            sort_row(s->sorted + b[r], b[r + 1] - b[r], s->pieces);
    return NYTTE_OK;
}

int ovl_cover_spans(ovl_scratch *s, const nytte_grid *grid, const nytte_geom *g, nytte_cover_mode mode, int col0,
                    int row0, int ncols, int nrows)
{
    s->nspans = 0;
    s->npieces = 0;
    if (ncols <= 0 || nrows <= 0 || geom_empty(g))
        return NYTTE_OK;
    cov_win w = {col0, row0, ncols, nrows, NULL, NULL, NULL, s, false};
    bool points = g->kind == NYTTE_GEOM_POINT;
    if (points) {
        for (size_t p = 0; p < g->nparts; p++) {
            if (g->off[p + 1] == g->off[p])
                continue;
            const double *pt = g->xy + 2 * g->off[p];
            double c = floor(grid_u(grid, pt[0])) - col0, r = floor(grid_v(grid, pt[1])) - row0;
            if (c >= 0 && c < ncols && r >= 0 && r < nrows)
                put_piece(&w, (size_t)r, (int)c, PIECE_AREA, 1.0, 0.0);
        }
    } else {
        walk_edges(&w, grid, g, mode);
    }
    if (w.nomem || sort_pieces(s, nrows) != NYTTE_OK)
        return NYTTE_ENOMEM;
    const ovl_piece *sorted = s->sorted;
    for (int r = 0; r < nrows; r++) {
        const ovl_piece *p = sorted + s->rowstart[r], *pe = sorted + s->rowstart[r + 1];
        double run = 0.0, pend = 0.0; /* pend: the carry into column pc (east of crossed cells) */
        int pos = 0, pc = -1;
        while (p < pe) {
            int c = p->ck >> 2;
            if (pc >= 0 && pc < c) { /* an uncrossed cell that only receives a carry */
                if (!span_put(s, r, pos, pc, fill_weight(run, mode)))
                    return NYTTE_ENOMEM;
                run += pend;
                pos = pc;
                pc = -1;
            }
            double cs = pc == c ? pend : 0.0, as = 0.0, east = 0.0;
            bool crossed = false, has_east = false;
            for (; p < pe && (p->ck >> 2) == c; p++) {
                int kind = p->ck & 3;
                if (kind == PIECE_CARRY) {
                    assert(pc != c); /* own carries only in column 0 or in centre mode */
                    cs += p->val;
                } else {
                    crossed = true;
                    if (kind == PIECE_AREA) {
                        as += p->val;
                        east += p->val2;
                        has_east = true;
                    }
                }
            }
            if (points) { /* the number of points in the cell */
                if (!span_put(s, r, c, c + 1, as))
                    return NYTTE_ENOMEM;
                continue;
            }
            /* cells pos..c-1: no edge, no carry: the winding carried so far */
            if (!span_put(s, r, pos, c, fill_weight(run, mode)))
                return NYTTE_ENOMEM;
            run += cs;
            if (crossed) {
                double v = as + run;
                v = v < OVL_SNAP ? 0.0 : v;
                v = v > 1.0 - OVL_SNAP ? 1.0 : v;
                if (mode == NYTTE_COVER_ALL_TOUCHED)
                    v = v > 0.0 ? 1.0 : 0.0;
                if (!span_put(s, r, c, c + 1, v))
                    return NYTTE_ENOMEM;
                pos = c + 1;
            } else {
                pos = c; /* an uncrossed cell with a carry starts a new stretch */
            }
            pc = has_east && c + 1 < ncols ? c + 1 : -1;
            pend = east;
        }
        if (!points) {
            if (pc >= 0) {
                if (!span_put(s, r, pos, pc, fill_weight(run, mode)))
                    return NYTTE_ENOMEM;
                run += pend;
                pos = pc;
            }
            if (!span_put(s, r, pos, ncols, fill_weight(run, mode)))
                return NYTTE_ENOMEM;
        }
    }
    return NYTTE_OK;
}
