/*
 * label.c — connected components of the cells above 0 (the bluespots of hazard/rain.c and
 * of catchment/bluespot.c): a breadth-first search from the first unlabelled cell of each,
 * in raster-scan order, so that the numbering depends on the data alone.
 */
#include "grid/grid.h"

#include <stdlib.h>

int grid_components(int32_t *lab, size_t *count, const float *v, const grid_nbr *nb)
{
    const size_t n = (size_t)nb->nx * (size_t)nb->ny;
    grid_fifo q = {NULL, 0, 0, 0};
    size_t ncomp = 0;
    int rc = 0;
    for (size_t i = 0; i < n; i++) {
        if (lab[i] != 0 || !(v[i] > 0.0f))
            continue;
        if (ncomp == INT32_MAX) {
            rc = -2;
            goto cleanup;
        }
        const int32_t id = (int32_t)++ncomp;
        lab[i] = id;
        if (grid_fifo_push(&q, (uint32_t)i))
            goto nomem;
        while (q.n) {
            size_t j;
            for (grid_it it = grid_it_of(nb, grid_fifo_pop(&q)); grid_it_next(nb, &it, &j);) {
                if (lab[j] != 0 || !(v[j] > 0.0f))
                    continue;
                lab[j] = id;
                if (grid_fifo_push(&q, (uint32_t)j))
                    goto nomem;
            }
        }
    }
    goto cleanup;
nomem:
    rc = -1;
cleanup:
    grid_fifo_free(&q);
    *count = ncomp;
    return rc;
}
