/*
 * sea.c — the sea cells of a grid, or of a window of it (a tile): cells whose centre lies
 * inside a sea polygon and cells holding a sea point, by the rules of rasterize.c on the
 * global grid, so that a window takes exactly the sea cells the whole grid has there.
 */
#include "grid/grid.h"

/* Marks cells of the window (col0, row0, w) in flag (w × h). */
typedef struct wmark {
    const nytte_grid *g;
    int col0, row0, w;
    uint8_t *flag;
    size_t shift; /* a window as wide as the grid: flag index = idx - shift */
    bool wide;
} wmark;

static void wmark_cell(void *user, size_t idx)
{
    const wmark *m = user;
    if (m->wide) {
        m->flag[idx - m->shift] = 1; /* no division per cell on the whole grid */
        return;
    }
    int r = (int)(idx / (size_t)m->g->nx), c = (int)(idx % (size_t)m->g->nx);
    m->flag[(size_t)(r - m->row0) * (size_t)m->w + (size_t)(c - m->col0)] = 1;
}

size_t grid_sea_cells(uint8_t *flag, const nytte_grid *g, const nytte_geom *sea, size_t nsea, int col0, int row0,
                      int w, int h)
{
    wmark m = {g, col0, row0, w, flag, (size_t)row0 * (size_t)g->nx, col0 == 0 && w == g->nx};
    size_t nmark = 0;
    for (size_t k = 0; k < nsea; k++) {
        const nytte_geom *s = &sea[k];
        if (s->kind == NYTTE_GEOM_POLYGON) {
            size_t c = grid_polygon_cells_window(g, s, col0, row0, w, h, flag ? wmark_cell : NULL, &m);
            if (c == (size_t)-1)
                return (size_t)-1;
            nmark += c;
        } else if (s->kind == NYTTE_GEOM_POINT) {
            size_t np = s->nparts ? s->off[s->nparts] : 0, idx;
            for (size_t i = 0; i < np; i++) {
                if (!grid_point_cell(g, s->xy[2 * i], s->xy[2 * i + 1], &idx))
                    continue;
                int r = (int)(idx / (size_t)g->nx), c = (int)(idx % (size_t)g->nx);
                if (r >= row0 && r < row0 + h && c >= col0 && c < col0 + w) {
                    nmark++;
                    if (flag)
                        wmark_cell(&m, idx);
                }
            }
        }
        /* lines are refused by the callers; NYTTE_GEOM_NONE marks nothing */
    }
    return nmark;
}

int grid_mark_sea(nytte_ctx *ctx, uint8_t *flag, const nytte_grid *g, const nytte_geom *sea, size_t nsea)
{
    size_t n = 0;
    for (size_t k = 0; k < nsea; k++) {
        if (sea[k].kind == NYTTE_GEOM_LINE)
            return nytte_error(ctx, NYTTE_EINPUT, "sea: geometry %zu is a line (give polygons or points)", k + 1);
        size_t c = grid_sea_cells(flag, g, &sea[k], 1, 0, 0, g->nx, g->ny);
        if (c == (size_t)-1)
            return nytte_nomem(ctx, "sea");
        n += c;
    }
    if (n == 0)
        return nytte_error(ctx, NYTTE_EINPUT, "sea: no sea cell inside the terrain");
    return NYTTE_OK;
}
