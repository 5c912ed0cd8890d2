/*
 * dist_fixture.h — what the tests of the tiled runs share (test_dist, test_dist_files):
 * random terrains from fixed seeds and a maze whose water crosses every tile edge.
 * Include after hazard_fixture.h.
 */
#ifndef NYTTE_TEST_DIST_FIXTURE_H
#define NYTTE_TEST_DIST_FIXTURE_H

#include <stdint.h>

static uint64_t rng_state;
static inline uint32_t rnd(void)
{
    rng_state = rng_state * 6364136223846793005ULL + 1442695040888963407ULL;
    return (uint32_t)(rng_state >> 33);
}

/* Random heights; `levels` > 0 quantises them to that many values (many ties); nodata_pct of cells nodata. */
static inline void random_terrain(nytte_raster *r, int nx, int ny, uint64_t seed, int levels, int nodata_pct)
{
    terrain(r, nx, ny, NULL);
    rng_state = seed;
    for (size_t i = 0; i < (size_t)nx * (size_t)ny; i++) {
        float z = levels ? (float)(rnd() % (uint32_t)levels) * 0.25f : (float)(rnd() % 100000) / 1000.0f;
        r->v[i] = (int)(rnd() % 100) < nodata_pct ? X : z;
    }
}

/*
 * A serpentine maze on a 10 x 10 grid: walls (9 m) in every other row, each open at
 * alternating ends, a channel (1 m, deepening to 0.5 m where it enters a sink) winding
 * down: water from the bottom-right outlet travels back and forth across every tile edge.
 */
static inline void maze(nytte_raster *dem, int n)
{
    terrain(dem, n, n, NULL);
    for (int r = 0; r < n; r++)
        for (int c = 0; c < n; c++) {
            float z = 1.0f + 0.01f * (float)(r * n + (r % 2 ? n - c : c));
            if (r % 2 == 1 && ((r / 2) % 2 ? c != 1 : c != n - 2))
                z = 9.0f;
            if (r == 0 || c == 0 || r == n - 1 || c == n - 1)
                z = 9.0f;
            dem->v[(size_t)r * (size_t)n + (size_t)c] = z;
        }
    dem->v[(size_t)(n - 1) * (size_t)n + (size_t)(n - 2)] = 0.5f; /* the outlet in the bottom edge */
    dem->v[2 * (size_t)n + 3] = 0.2f;                                /* a pit inside */
}

#endif
