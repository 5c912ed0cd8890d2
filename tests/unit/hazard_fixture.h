/*
 * hazard_fixture.h — what the raster unit tests share (test_hazard, test_hazard_burn,
 * test_rain, test_catchment, test_dist, test_dist_files): one context per test program
 * and tiny terrains from row-major arrays. Include after <cmocka.h>.
 */
#ifndef NYTTE_TEST_HAZARD_FIXTURE_H
#define NYTTE_TEST_HAZARD_FIXTURE_H

#include <string.h>

#include "nytte/hazard.h"
#include "nytte/io.h"

#define X NYTTE_HAZARD_NODATA

static nytte_ctx *ctx;

static inline int setup(void **state)
{
    (void)state;
    return nytte_ctx_new(&ctx);
}

static inline int teardown(void **state)
{
    (void)state;
    nytte_ctx_free(ctx);
    return 0;
}

/* A terrain of ny rows × nx columns from a row-major array (NULL: all 0), 1 m cells,
 * top-left corner (0, ny), nodata X. */
static inline void terrain(nytte_raster *r, int nx, int ny, const float *v)
{
    nytte_grid g = {0.0, (double)ny, 1.0, 1.0, nx, ny};
    assert_int_equal(nytte_raster_alloc(r, &g, 0.0f, "LOCAL_CS[\"test\"]"), NYTTE_OK);
    if (v)
        memcpy(r->v, v, sizeof(float) * (size_t)nx * (size_t)ny);
    r->has_nodata = true;
    r->nodata = X;
}

#endif
