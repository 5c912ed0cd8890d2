/*
 * drain.c — drains lowering the water table, on a window of the grid: by delta inside a
 * polygon; by delta * (1 - d / R) at distance d < R from a line or point drain; where
 * drains overlap, the largest lowering. Every cell centre comes from its global row and
 * column, so a window (a tile of dist/groundwater.c) takes exactly the cells and values
 * the whole grid (hazard/groundwater.c) gives there.
 */
#include "grid/grid.h"

#include <math.h>

/* The lowering of one drain on a window (col0, row0, w) of grid g; low NULL: count only. */
typedef struct lower {
    const nytte_grid *g;
    int col0, row0, w;
    float *low;
    float delta;
} lower;

static void lower_cell(void *user, size_t idx)
{
    lower *l = user;
    if (!l->low)
        return;
    size_t r = idx / (size_t)l->g->nx, c = idx % (size_t)l->g->nx;
    float *p = &l->low[(r - (size_t)l->row0) * (size_t)l->w + (c - (size_t)l->col0)];
    if (*p < l->delta)
        *p = l->delta;
}

/* Distance from (px, py) to the segment a-b (a point when a == b). */
static double seg_dist(double px, double py, double ax, double ay, double bx, double by)
{
    double ux = bx - ax, uy = by - ay, wx = px - ax, wy = py - ay;
    double len2 = ux * ux + uy * uy, t = 0.0;
    if (len2 > 0.0) {
        t = (wx * ux + wy * uy) / len2;
        t = t < 0.0 ? 0.0 : t > 1.0 ? 1.0 : t;
    }
    return hypot(wx - t * ux, wy - t * uy);
}

/*
 * Lower the cells of the window (col0, row0, w, h) within `radius` of segment a-b (low:
 * w × h, row-major; NULL: count only); returns the cells within reach in the window. The
 * cell box of the segment is found on the whole grid and clipped to the window, and every
 * cell centre is computed from its global row and column, so a window takes exactly the
 * cells (and values) the whole grid gives there.
 */
static size_t lower_near_segment(const nytte_grid *g, float *low, int col0, int row0, int w, int h, double ax,
                                 double ay, double bx, double by, double delta, double radius)
{
    double xmin = fmin(ax, bx) - radius, xmax = fmax(ax, bx) + radius;
    double ymin = fmin(ay, by) - radius, ymax = fmax(ay, by) + radius;
    double c0 = floor((xmin - g->x0) / g->dx), c1 = floor((xmax - g->x0) / g->dx);
    double r0 = floor((g->y0 - ymax) / g->dy), r1 = floor((g->y0 - ymin) / g->dy);
    if (!(c1 >= (double)col0 && r1 >= (double)row0 && c0 < (double)(col0 + w) && r0 < (double)(row0 + h)))
        return 0;
    int ca = c0 < (double)col0 ? col0 : (int)c0, cb = c1 >= (double)(col0 + w) ? col0 + w - 1 : (int)c1;
    int ra = r0 < (double)row0 ? row0 : (int)r0, rb = r1 >= (double)(row0 + h) ? row0 + h - 1 : (int)r1;
    size_t reached = 0;
    for (int r = ra; r <= rb; r++) {
        double y = g->y0 - ((double)r + 0.5) * g->dy;
        for (int c = ca; c <= cb; c++) {
            double x = g->x0 + ((double)c + 0.5) * g->dx;
            double d = seg_dist(x, y, ax, ay, bx, by);
            if (!(d < radius))
                continue;
            reached++;
            if (!low)
                continue;
            float l = (float)(delta * (1.0 - d / radius));
            size_t i = (size_t)(r - row0) * (size_t)w + (size_t)(c - col0);
            if (low[i] < l)
                low[i] = l;
        }
    }
    return reached;
}

/* The lowering of drain d on the window (see grid_drain_lower); (size_t)-1: out of memory. */
static size_t drain_window(const nytte_grid *g, float *low, const nytte_drain *d, int col0, int row0, int w, int h)
{
    const nytte_geom *geo = d->geom;
    if (geo->kind == NYTTE_GEOM_POLYGON) {
        lower st = {g, col0, row0, w, low, (float)d->delta};
        return grid_polygon_cells_window(g, geo, col0, row0, w, h, lower_cell, &st);
    }
    size_t reached = 0;
    for (size_t p = 0; p < geo->nparts; p++) {
        const double *v = geo->xy + 2 * geo->off[p];
        size_t m = geo->off[p + 1] - geo->off[p];
        /* Points (and one-point parts) are zero-length segments. */
        bool points = geo->kind == NYTTE_GEOM_POINT || m == 1;
        for (size_t i = 0; i < m; i++) {
            if (!points && i + 1 == m)
                break;
            size_t j = points ? i : i + 1;
            reached += lower_near_segment(g, low, col0, row0, w, h, v[2 * i], v[2 * i + 1], v[2 * j], v[2 * j + 1],
                                          d->delta, d->radius);
        }
    }
    return reached;
}

int grid_drain_lower(const nytte_grid *g, float *low, const nytte_drain *d, size_t nd, int col0, int row0, int w,
                     int h)
{
    memset(low, 0, (size_t)w * (size_t)h * sizeof *low);
    for (size_t k = 0; k < nd; k++)
        if (drain_window(g, low, &d[k], col0, row0, w, h) == (size_t)-1)
            return -1;
    return 0;
}

size_t grid_drain_reach(const nytte_grid *g, const nytte_drain *d)
{
    return drain_window(g, NULL, d, 0, 0, g->nx, g->ny);
}
