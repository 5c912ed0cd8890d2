/*
 * test_overlap.c — parcels that overlap (io/overlap.c): hand-computed overlap areas
 * (identical, partial, a hole, a multipolygon, touching, a sliver), every pair of 300
 * random rectangles against the all-pairs answer, the same pairs at 1 and 3 threads, and
 * the warning's lines with and without -v.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io/io_int.h"

/* Coordinates near Kerteminde in UTM 32N: the areas must not lose digits to them. */
#define X0 590000.0
#define Y0 6145000.0

typedef struct parcels {
    nytte_parcel *p;
    size_t n;
} parcels;

/* Add a parcel of rings given as flat x, y arrays (local coordinates, each ring closed). */
static void add_parcel(parcels *ps, const char *id, size_t nrings, const size_t *npts, const double *xy)
{
    size_t total = 0;
    for (size_t r = 0; r < nrings; r++)
        total += npts[r];
    double *moved = malloc(2 * total * sizeof *moved);
    assert_non_null(moved);
    for (size_t i = 0; i < total; i++) {
        moved[2 * i] = xy[2 * i] + X0;
        moved[2 * i + 1] = xy[2 * i + 1] + Y0;
    }
    ps->p = realloc(ps->p, (ps->n + 1) * sizeof *ps->p);
    assert_non_null(ps->p);
    nytte_parcel *pc = &ps->p[ps->n++];
    memset(pc, 0, sizeof *pc);
    pc->id = strdup(id);
    assert_int_equal(nytte_geom_set(&pc->geom, NYTTE_GEOM_POLYGON, nrings, npts, moved), NYTTE_OK);
    pc->area = nytte_geom_area(&pc->geom);
    free(moved);
}

static void add_rect(parcels *ps, const char *id, double x0, double y0, double x1, double y1)
{
    const double xy[] = {x0, y0, x1, y0, x1, y1, x0, y1, x0, y0};
    const size_t n5[] = {5};
    add_parcel(ps, id, 1, n5, xy);
}

static void parcels_free(parcels *ps)
{
    for (size_t i = 0; i < ps->n; i++) {
        free(ps->p[i].id);
        nytte_geom_clear(&ps->p[i].geom);
    }
    free(ps->p);
    ps->p = NULL;
    ps->n = 0;
}

/* The warning's lines, one after another. */
static char logged[4096];
static void keep_log(void *user, nytte_log_level level, const char *msg)
{
    (void)user;
    size_t len = strlen(logged);
    snprintf(logged + len, sizeof logged - len, "%s: %s\n", level == NYTTE_LOG_WARN ? "W" : "I", msg);
}

/*
 * A, B the same 10 × 10 square; C overlaps both by 5 × 10; D touches C at a corner (its
 * envelope too: no candidate); E is a 20 × 20 square with a 10 × 10 hole; F lies in the
 * hole above G's diagonal (a candidate of E and of G, overlap 0); G the triangle
 * x + y <= 50 over E: its area 200 less the half of the hole below the diagonal, 50: 150;
 * H two 2 × 1 parts, I a 10 × 1 bar over one half of each: 1 + 1 = 2; J, K share a
 * 0.05 × 10 sliver (0.5 m²: counted, not listed).
 */
static void make_hand(parcels *ps)
{
    add_rect(ps, "A", 0, 0, 10, 10);
    add_rect(ps, "B", 0, 0, 10, 10);
    add_rect(ps, "C", 5, 0, 15, 10);
    add_rect(ps, "D", 15, 10, 25, 20);
    const double e[] = {30, 0, 50, 0, 50, 20, 30, 20, 30, 0, /* hole, clockwise */ 35, 5, 35, 15, 45, 15, 45, 5, 35, 5};
    const size_t ne[] = {5, 5};
    add_parcel(ps, "E", 2, ne, e);
    add_rect(ps, "F", 41, 11, 44, 14);
    const double g[] = {30, 0, 50, 0, 30, 20, 30, 0};
    const size_t ng[] = {4};
    add_parcel(ps, "G", 1, ng, g);
    const double h[] = {60, 0, 62, 0, 62, 1, 60, 1, 60, 0, 70, 0, 72, 0, 72, 1, 70, 1, 70, 0};
    const size_t nh[] = {5, 5};
    add_parcel(ps, "H", 2, nh, h);
    add_rect(ps, "I", 61, 0, 71, 1);
    add_rect(ps, "J", 100, 0, 110, 10);
    add_rect(ps, "K", 109.95, 0, 120, 10);
}

static void test_hand_computed(void **state)
{
    (void)state;
    parcels ps = {0};
    make_hand(&ps);
    nytte_ctx *ctx;
    assert_int_equal(nytte_ctx_new(&ctx), NYTTE_OK);
    io_overlaps o;
    assert_int_equal(io_parcel_overlaps(ctx, &o, ps.p, ps.n), NYTTE_OK);
    const struct { size_t a, b; double area; } want[] = {
        {0, 1, 100}, {0, 2, 50}, {1, 2, 50}, {4, 6, 150}, {7, 8, 2},
    };
    assert_int_equal(o.npairs, 5);
    for (size_t k = 0; k < 5; k++) {
        assert_int_equal(o.pairs[k].a, want[k].a);
        assert_int_equal(o.pairs[k].b, want[k].b);
        if (fabs(o.pairs[k].area - want[k].area) > 1e-6)
            fail_msg("pair %zu: area %.17g, expected %g", k, o.pairs[k].area, want[k].area);
    }
    assert_int_equal(o.nslivers, 1);
    assert_true(fabs(o.sliver_area - 0.5) < 1e-6);

    /* the warning: every pair fits (5), largest first; the sliver only at -v */
    nytte_ctx_set_logger(ctx, keep_log, NULL);
    logged[0] = '\0';
    io_overlaps_warn(ctx, &o, ps.p, "p.gpkg", "parcels");
    assert_string_equal(logged,
                        "W: p.gpkg: layer parcels: 5 pairs of parcels overlap; each parcel keeps its own polygon: the "
                        "overlap floods both, and counts half to each in the plot area (docs/project-file.md, "
                        "Overlapping parcels)\n"
                        "W: parcel E and parcel G overlap by 150.0 m² (75 % of G)\n"
                        "W: parcel A and parcel B overlap by 100.0 m² (100 % of B)\n"
                        "W: parcel A and parcel C overlap by 50.0 m² (50 % of C)\n"
                        "W: parcel B and parcel C overlap by 50.0 m² (50 % of C)\n"
                        "W: parcel H and parcel I overlap by 2.0 m² (50 % of H)\n");
    nytte_ctx_set_verbosity(ctx, NYTTE_LOG_INFO);
    logged[0] = '\0';
    io_overlaps_warn(ctx, &o, ps.p, "p.gpkg", "parcels");
    assert_non_null(strstr(logged, "W: parcel H and parcel I overlap by 2.0 m² (50 % of H)\n"
                                   "I: p.gpkg: layer parcels: 1 pair of parcels overlaps by less than 1 m² (0.5 m² "
                                   "in all): digitising slivers, not listed\n"));
    free(o.pairs);
    nytte_ctx_free(ctx);
    parcels_free(&ps);
}

/* Seven pairs: four listed and "... and 3 more" without -v; all seven with -v. */
static void test_warning_lists_at_most_five(void **state)
{
    (void)state;
    parcels ps = {0};
    char id[8];
    for (int k = 0; k < 7; k++) { /* pair k: 100 m² and 10 × (11 + k) m², overlapping by 10 × (k + 1) m² */
        snprintf(id, sizeof id, "%da", k);
        add_rect(&ps, id, 100.0 * k, 0, 100.0 * k + 10, 10);
        snprintf(id, sizeof id, "%db", k);
        add_rect(&ps, id, 100.0 * k + 9 - k, 0, 100.0 * k + 20, 10);
    }
    nytte_ctx *ctx;
    assert_int_equal(nytte_ctx_new(&ctx), NYTTE_OK);
    io_overlaps o;
    assert_int_equal(io_parcel_overlaps(ctx, &o, ps.p, ps.n), NYTTE_OK);
    assert_int_equal(o.npairs, 7);
    nytte_ctx_set_logger(ctx, keep_log, NULL);
    logged[0] = '\0';
    io_overlaps_warn(ctx, &o, ps.p, "p.gpkg", "parcels");
    assert_non_null(strstr(logged, "W: parcel 6a and parcel 6b overlap by 70.0 m² (70 % of 6a)\n"
                                   "W: parcel 5a and parcel 5b overlap by 60.0 m² (60 % of 5a)\n"
                                   "W: parcel 4a and parcel 4b overlap by 50.0 m² (50 % of 4a)\n"
                                   "W: parcel 3a and parcel 3b overlap by 40.0 m² (40 % of 3a)\n"
                                   "W: ... and 3 more pairs, 30.0 m² and less (-v lists them)\n"));
    nytte_ctx_set_verbosity(ctx, NYTTE_LOG_INFO);
    logged[0] = '\0';
    io_overlaps_warn(ctx, &o, ps.p, "p.gpkg", "parcels");
    assert_non_null(strstr(logged, "W: parcel 0a and parcel 0b overlap by 10.0 m² (10 % of 0a)\n"));
    assert_null(strstr(logged, "more pairs"));
    free(o.pairs);
    nytte_ctx_free(ctx);
    parcels_free(&ps);
}

static uint64_t rng = 0x9E3779B97F4A7C15ull;
static double rnd(void) /* splitmix64 -> [0, 1) */
{
    uint64_t z = (rng += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return (double)((z ^ (z >> 31)) >> 11) / 9007199254740992.0;
}

/* 300 random rectangles (whole metres) in 1 km²: the pairs of every pair's exact overlap. */
static void test_random_against_all_pairs(void **state)
{
    (void)state;
    parcels ps = {0};
    double r[300][4];
    char id[8];
    for (int i = 0; i < 300; i++) {
        double x = floor(rnd() * 950), y = floor(rnd() * 950), w = 1 + floor(rnd() * 60), h = 1 + floor(rnd() * 60);
        r[i][0] = x, r[i][1] = y, r[i][2] = x + w, r[i][3] = y + h;
        snprintf(id, sizeof id, "%03d", i);
        add_rect(&ps, id, x, y, x + w, y + h);
    }
    io_overlap want[300 * 299 / 2];
    size_t nwant = 0;
    for (size_t a = 0; a < 300; a++)
        for (size_t b = a + 1; b < 300; b++) {
            double w = fmin(r[a][2], r[b][2]) - fmax(r[a][0], r[b][0]);
            double h = fmin(r[a][3], r[b][3]) - fmax(r[a][1], r[b][1]);
            if (w > 0 && h > 0 && w * h >= IO_OVERLAP_MIN_M2)
                want[nwant++] = (io_overlap){a, b, w * h};
        }
    assert_true(nwant > 20);
    nytte_ctx *ctx;
    assert_int_equal(nytte_ctx_new(&ctx), NYTTE_OK);
    io_overlaps got[2];
    for (int t = 0; t < 2; t++) {
        nytte_ctx_set_threads(ctx, t ? 3 : 1);
        assert_int_equal(io_parcel_overlaps(ctx, &got[t], ps.p, ps.n), NYTTE_OK);
    }
    assert_int_equal(got[0].npairs, nwant);
    for (size_t k = 0; k < nwant; k++) {
        assert_int_equal(got[0].pairs[k].a, want[k].a);
        assert_int_equal(got[0].pairs[k].b, want[k].b);
        if (fabs(got[0].pairs[k].area - want[k].area) > 1e-6)
            fail_msg("pair %zu: area %.17g, expected %g", k, got[0].pairs[k].area, want[k].area);
    }
    /* whole metres: nothing between 0 and 1 m² */
    assert_int_equal(got[0].nslivers, 0);
    /* the same pairs and areas, bit for bit, at any thread count */
    assert_int_equal(got[1].npairs, got[0].npairs);
    assert_memory_equal(got[1].pairs, got[0].pairs, got[0].npairs * sizeof *got[0].pairs);
    free(got[0].pairs);
    free(got[1].pairs);
    nytte_ctx_free(ctx);
    parcels_free(&ps);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_hand_computed),
        cmocka_unit_test(test_warning_lists_at_most_five),
        cmocka_unit_test(test_random_against_all_pairs),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
