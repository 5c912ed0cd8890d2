/*
 * test_grid.c — the grid toolkit (engine/grid/) on hand-made grids: the neighbour kernel,
 * connected components, the queues of the priority flood, and geometries onto cells.
 * Expected values are worked out by hand in the comments.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "grid/grid.h"
#include "nytte/catchment.h"

/* ---- the neighbour kernel ------------------------------------------------------- */

/* The in-grid neighbours of cell (r, c), in the order the kernel visits them. */
static int neighbours(const grid_nbr *nb, int r, int c, size_t *out)
{
    int n = 0;
    GRID_FOR_NBR(nb, k) {
        size_t j;
        if (grid_nbr_at(nb, r, c, k, &j))
            out[n++] = j;
    }
    return n;
}

/*
 * A 3 × 3 grid, cells 0 1 2 / 3 4 5 / 6 7 8. By connectivity: N, W, E, S, then NW, NE,
 * SW, SE; by D8 code: clockwise from north. Off-grid neighbours are skipped.
 */
static void test_neighbour_order(void **state)
{
    (void)state;
    size_t got[8];
    grid_nbr c4 = grid_nbr_conn(3, 3, NYTTE_CONNECT_4), c8 = grid_nbr_conn(3, 3, NYTTE_CONNECT_8);
    grid_nbr d4 = grid_nbr_d8(3, 3, NYTTE_CONNECT_4), d8 = grid_nbr_d8(3, 3, NYTTE_CONNECT_8);
    const size_t centre8[] = {1, 3, 5, 7, 0, 2, 6, 8}, clockwise[] = {1, 2, 5, 8, 7, 6, 3, 0};
    const size_t centre4[] = {1, 3, 5, 7}, edges_clockwise[] = {1, 5, 7, 3};
    assert_int_equal(neighbours(&c8, 1, 1, got), 8);
    assert_memory_equal(got, centre8, sizeof centre8);
    assert_int_equal(neighbours(&c4, 1, 1, got), 4);
    assert_memory_equal(got, centre4, sizeof centre4);
    assert_int_equal(neighbours(&d8, 1, 1, got), 8);
    assert_memory_equal(got, clockwise, sizeof clockwise);
    assert_int_equal(neighbours(&d4, 1, 1, got), 4);
    assert_memory_equal(got, edges_clockwise, sizeof edges_clockwise);
    /* the top-left corner: E, S, SE by connectivity; E, SE, S clockwise */
    const size_t corner8[] = {1, 3, 4}, corner_d8[] = {1, 4, 3};
    assert_int_equal(neighbours(&c8, 0, 0, got), 3);
    assert_memory_equal(got, corner8, sizeof corner8);
    assert_int_equal(neighbours(&d8, 0, 0, got), 3);
    assert_memory_equal(got, corner_d8, sizeof corner_d8);
    /* the D8 table is the public one of the flow directions */
    for (int k = 0; k < 8; k++) {
        assert_int_equal(grid_d8_dr[k], nytte_flow_drow[k]);
        assert_int_equal(grid_d8_dc[k], nytte_flow_dcol[k]);
    }
    int r, c;
    grid_rc(&c8, 7, &r, &c);
    assert_true(r == 2 && c == 1);
    /* the iterator visits the same cells, it.k their entries: from cell 3 (row 1, column 0)
     * clockwise, N 0, NE 1, E 2, SE 3, S 4 (SW, W, NW lie off the grid) */
    const size_t from3[] = {0, 1, 4, 7, 6};
    size_t j, m = 0;
    for (grid_it it = grid_it_of(&d8, 3); grid_it_next(&d8, &it, &j); m++) {
        assert_int_equal(j, from3[m]);
        assert_int_equal(it.k, (int)m);
    }
    assert_int_equal(m, 5);
}

/* An array grows from `first` elements by doubling and keeps what it holds. */
static void test_grow_by_doubling(void **state)
{
    (void)state;
    uint32_t *a = NULL;
    size_t cap = 0;
    assert_int_equal(grid_grow(&a, &cap, sizeof *a, 3), 0);
    assert_int_equal(cap, 3);
    for (uint32_t i = 0; i < 3; i++)
        a[i] = 10 + i;
    assert_int_equal(grid_grow(&a, &cap, sizeof *a, 3), 0);
    assert_int_equal(cap, 6);
    assert_true(a[0] == 10 && a[1] == 11 && a[2] == 12);
    free(a);
}

/*
 * Components of the cells > 0 on a 4 × 3 grid:
 *     1 0 1 1
 *     0 1 0 0
 *     1 0 0 1
 * 4 neighbours: {0}, {2, 3}, {5}, {8}, {11}, numbered by first cell. 8 neighbours: the
 * diagonals join {0, 5, 8, 2, 3} and {11} stays alone. A cell labelled -1 beforehand is
 * kept out: without cell 5 the 8-connected ones are {0}, {2, 3}, {8}, {11}.
 */
static void test_components(void **state)
{
    (void)state;
    const float v[12] = {1, 0, 1, 1, 0, 1, 0, 0, 1, 0, 0, 1};
    int32_t lab[12];
    size_t n = 0;
    grid_nbr c4 = grid_nbr_conn(4, 3, NYTTE_CONNECT_4), c8 = grid_nbr_conn(4, 3, NYTTE_CONNECT_8);
    memset(lab, 0, sizeof lab);
    assert_int_equal(grid_components(lab, &n, v, &c4), 0);
    const int32_t want4[12] = {1, 0, 2, 2, 0, 3, 0, 0, 4, 0, 0, 5};
    assert_int_equal(n, 5);
    assert_memory_equal(lab, want4, sizeof want4);
    memset(lab, 0, sizeof lab);
    assert_int_equal(grid_components(lab, &n, v, &c8), 0);
    const int32_t want8[12] = {1, 0, 1, 1, 0, 1, 0, 0, 1, 0, 0, 2};
    assert_int_equal(n, 2);
    assert_memory_equal(lab, want8, sizeof want8);
    /* the D8 order numbers them the same */
    grid_nbr d8 = grid_nbr_d8(4, 3, NYTTE_CONNECT_8);
    memset(lab, 0, sizeof lab);
    assert_int_equal(grid_components(lab, &n, v, &d8), 0);
    assert_memory_equal(lab, want8, sizeof want8);
    memset(lab, 0, sizeof lab);
    lab[5] = -1;
    assert_int_equal(grid_components(lab, &n, v, &c8), 0);
    const int32_t kept[12] = {1, 0, 2, 2, 0, -1, 0, 0, 3, 0, 0, 4};
    assert_int_equal(n, 4);
    assert_memory_equal(lab, kept, sizeof kept);
}

/*
 * The queues of a priority flood: the heap holds cell 5 at 1 m; from a spill level of
 * 1 m, cell 7 at 0.5 m is raised (the pit) and cell 8 at 2 m waits on the heap. The pit
 * is served first, then the heap by height.
 */
static void test_pflood_serves_the_pit_first(void **state)
{
    (void)state;
    grid_pflood q;
    grid_pflood_init(&q);
    uint32_t c = 0;
    uint64_t key = 0;
    assert_int_equal(grid_heap_push(&q.heap, grid_key(1.0f, 5)), 0);
    assert_int_equal(grid_pflood_add(&q, 7, 0.5f, 1.0f), 1);
    assert_int_equal(grid_pflood_add(&q, 8, 2.0f, 1.0f), 0);
    assert_int_equal(grid_pflood_add(&q, 9, 1.0f, 1.0f), 1); /* at the spill level: raised too */
    assert_int_equal(grid_pflood_pop(&q, &c, &key), GRID_PF_PIT);
    assert_int_equal(c, 7);
    assert_int_equal(grid_pflood_pop(&q, &c, &key), GRID_PF_PIT);
    assert_int_equal(c, 9);
    assert_int_equal(grid_pflood_pop(&q, &c, &key), GRID_PF_HEAP);
    assert_true(c == 5 && grid_key_z(key) == 1.0f);
    assert_int_equal(grid_pflood_pop(&q, &c, &key), GRID_PF_HEAP);
    assert_true(c == 8 && grid_key_z(key) == 2.0f);
    assert_int_equal(grid_pflood_pop(&q, &c, &key), GRID_PF_EMPTY);
    grid_pflood_free(&q);
}

/* ---- rasterising ---------------------------------------------------------------- */

typedef struct cells {
    int hit[64];
    int n;
} cells;

static void count_cell(void *user, size_t i)
{
    cells *c = user;
    c->hit[i]++;
    c->n++;
}

/* A 4 × 4 square [0.5, 4.5)² with a 2 × 2 hole [1.5, 3.5)² on a 5 × 5 grid: 16 - 4 = 12 centres. */
static void test_polygon_cells_by_centre(void **state)
{
    (void)state;
    nytte_grid g = {0, 5, 1, 1, 5, 5};
    const double xy[] = {0.5, 0.5, 4.5, 0.5, 4.5, 4.5, 0.5, 4.5, 0.5, 0.5, 1.5, 1.5, 1.5, 3.5, 3.5, 3.5, 3.5, 1.5, 1.5, 1.5};
    const size_t np[] = {5, 5};
    nytte_geom p;
    assert_int_equal(nytte_geom_set(&p, NYTTE_GEOM_POLYGON, 2, np, xy), NYTTE_OK);
    cells c = {{0}, 0};
    assert_int_equal(grid_polygon_cells(&g, &p, count_cell, &c), 12);
    /* Centres on the top edge (y = 4.5) and the right edge (x = 4.5) are out (half-open rule). */
    const int want[25] = {0, 0, 0, 0, 0, /**/ 1, 1, 1, 1, 0, /**/ 1, 0, 0, 1, 0,
                          /**/ 1, 0, 0, 1, 0, /**/ 1, 1, 1, 1, 0};
    assert_memory_equal(c.hit, want, sizeof want);
    nytte_geom_clear(&p);
}

/* The corner-to-corner diagonal of a 6 × 6 grid: a 4-connected staircase of 11 cells. */
static void test_line_supercover_has_no_corner_gaps(void **state)
{
    (void)state;
    nytte_grid g = {0, 6, 1, 1, 6, 6};
    const double xy[] = {0, 0, 6, 6};
    cells c = {{0}, 0};
    assert_int_equal(grid_line_cells(&g, xy, 2, count_cell, &c), 11);
    for (int r = 0; r < 6; r++)
        for (int col = 0; col < 6; col++) {
            /* Row r holds the cells u = 5 - r and u = 6 - r (the corner cells). */
            int want = col == 5 - r || col == 6 - r;
            assert_int_equal(c.hit[r * 6 + col], want);
        }
}

/*
 * The radix heap against a brute-force minimum: 20 000 random monotone pushes (keys at or
 * above the last pop, many equal elevations) interleaved with pops must pop in order.
 */
static void test_radix_heap_pops_in_order(void **state)
{
    (void)state;
    grid_heap h;
    grid_heap_init(&h);
    static uint64_t ref[20000];
    size_t nref = 0;
    uint32_t seed = 12345, idx = 0;
    float level = -5.0f;
    for (int step = 0; step < 40000; step++) {
        seed = seed * 1103515245u + 12345u;
        bool push = nref == 0 || ((seed >> 16) % 3 != 0 && idx < 20000);
        if (push) {
            float z = level + (float)((seed >> 20) % 8) * 0.25f; /* >= the last popped elevation */
            uint64_t k = grid_key(z, idx++);
            assert_int_equal(grid_heap_push(&h, k), 0);
            ref[nref++] = k;
        } else {
            size_t m = 0;
            for (size_t i = 1; i < nref; i++)
                if (ref[i] < ref[m])
                    m = i;
            uint64_t k;
            assert_int_equal(grid_heap_pop(&h, &k), 0);
            assert_true(k == ref[m]);
            level = grid_key_z(k);
            ref[m] = ref[--nref];
        }
        assert_int_equal(h.n, nref);
    }
    assert_true(grid_key_z(grid_key(-INFINITY, 7)) == -INFINITY);
    assert_true(grid_key(-1.0f, 0) < grid_key(-0.5f, 0) && grid_key(0.0f, 9) < grid_key(1e-30f, 0));
    grid_heap_free(&h);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_neighbour_order),
        cmocka_unit_test(test_grow_by_doubling),
        cmocka_unit_test(test_components),
        cmocka_unit_test(test_pflood_serves_the_pit_first),
        cmocka_unit_test(test_polygon_cells_by_centre),
        cmocka_unit_test(test_line_supercover_has_no_corner_gaps),
        cmocka_unit_test(test_radix_heap_pops_in_order),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
