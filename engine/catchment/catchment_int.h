/*
 * catchment_int.h — what the catchment files share: the topological order of the flow
 * directions (upstream cells before downstream ones) and small checks.
 */
#ifndef NYTTE_CATCHMENT_INT_H
#define NYTTE_CATCHMENT_INT_H

#include "nytte/catchment.h"

/*
 * The valid cells in topological order (Kahn's algorithm over the flow graph: a cell
 * comes after every cell that drains into it; sources in index order first). *order
 * is malloc'ed with f->nvalid entries.
 */
int catch_topo_order(nytte_ctx *ctx, uint32_t **order, const nytte_flow *f);

/** The flow grid is usable (cells and directions present). */
int catch_check_flow(nytte_ctx *ctx, const nytte_flow *f);

#endif
