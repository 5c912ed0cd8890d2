/*
 * test_registers.c — the registers as they come (engine/io): buildings onto parcels by
 * the largest part of their footprint (assign.c) on hand-drawn squares, ties, points and
 * buildings on no parcel, at 1 and 3 threads; keys of several fields (io_key_join); BBR's
 * use codes: nytte's table against docs/bbr-use-codes.md row by row, and a project's CSV
 * that replaces and adds codes (usecodes.c).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "io/io_int.h"

/* Coordinates near Borup (ejerlav 60851) in UTM 32N: the areas must not lose digits to them. */
#define X0 684500.0
#define Y0 6157700.0

static void rect(nytte_geom *g, double x0, double y0, double x1, double y1)
{
    const double xy[] = {X0 + x0, Y0 + y0, X0 + x1, Y0 + y0, X0 + x1, Y0 + y1, X0 + x0, Y0 + y1, X0 + x0, Y0 + y0};
    const size_t n5[] = {5};
    assert_int_equal(nytte_geom_set(g, NYTTE_GEOM_POLYGON, 1, n5, xy), NYTTE_OK);
}

static void point(nytte_geom *g, double x, double y)
{
    const double xy[] = {X0 + x, Y0 + y};
    const size_t n1[] = {1};
    assert_int_equal(nytte_geom_set(g, NYTTE_GEOM_POINT, 1, n1, xy), NYTTE_OK);
}

/*
 * Parcels (sorted by id, as the parcel table is): P1 [0,10]×[0,10], P2 [10,20]×[0,10],
 * P3 [0,20]×[10,20]. Buildings:
 *   a [6,10]×[2,4]   wholly on P1                      -> P1, 8 m² against 0
 *   b [7,10]×[2,4] ∪ nothing: [7,14]×[2,4] 6 m² on P1, 8 m² on P2            -> P2
 *   c [8,12]×[5,6]   2 m² on P1 and 2 m² on P2: a tie  -> P1 (the lower id), tie
 *   d [8,12]×[8,12]  P1 2, P2 2, P3 8 m²               -> P3
 *   e [30,32]×[0,2]  on no parcel                      -> none
 *   f the point (5, 5) in P1                           -> P1
 *   g the point (10, 5) on the edge of P1 and P2       -> P1, tie
 *   h the point (25, 25) on no parcel                  -> none
 *   i [9.995,10.005]×[0,2]: 0.01 m² on each of P1, P2  -> P1, tie (within 0.01 m²)
 *   j [5,10.02]×[0,1]: 5 m² on P1, 0.02 m² on P2       -> P1, no tie
 */
static void test_assign_by_largest_part(void **state)
{
    (void)state;
    nytte_parcel p[3];
    memset(p, 0, sizeof p);
    const char *pid[] = {"P1", "P2", "P3"};
    rect(&p[0].geom, 0, 0, 10, 10);
    rect(&p[1].geom, 10, 0, 20, 10);
    rect(&p[2].geom, 0, 10, 20, 20);
    for (int i = 0; i < 3; i++)
        p[i].id = (char *)pid[i];
    enum { NB = 10 };
    nytte_geom b[NB];
    rect(&b[0], 6, 2, 10, 4);
    rect(&b[1], 7, 2, 14, 4);
    rect(&b[2], 8, 5, 12, 6);
    rect(&b[3], 8, 8, 12, 12);
    rect(&b[4], 30, 0, 32, 2);
    point(&b[5], 5, 5);
    point(&b[6], 10, 5);
    point(&b[7], 25, 25);
    rect(&b[8], 9.995, 0, 10.005, 2);
    rect(&b[9], 5, 0, 10.02, 1);
    const nytte_geom *g[NB];
    const char *ids[NB] = {"a", "b", "c", "d", "e", "f", "g", "h", "i", "j"};
    for (int i = 0; i < NB; i++)
        g[i] = &b[i];
    const long want[NB] = {0, 1, 0, 2, -1, 0, 0, -1, 0, 0};
    const bool tie[NB] = {false, false, true, false, false, false, true, false, true, false};
    for (int threads = 1; threads <= 3; threads += 2) {
        nytte_ctx *ctx = NULL;
        assert_int_equal(nytte_ctx_new(&ctx), NYTTE_OK);
        nytte_ctx_set_threads(ctx, threads);
        io_assignment out[NB];
        assert_int_equal(io_assign_buildings(ctx, out, g, ids, NB, p, 3), NYTTE_OK);
        for (int i = 0; i < NB; i++) {
            if (out[i].parcel != want[i] || out[i].tie != tie[i])
                fail_msg("%d threads: building %s: parcel %ld tie %d, expected %ld tie %d", threads, ids[i],
                         out[i].parcel, out[i].tie, want[i], tie[i]);
        }
        assert_int_equal(out[2].other, 1); /* c's other parcel of equal part: P2 */
        nytte_ctx_free(ctx);
    }
    for (int i = 0; i < NB; i++)
        nytte_geom_clear(&b[i]);
    for (int i = 0; i < 3; i++)
        nytte_geom_clear(&p[i].geom);
}

/* Keys of several fields: joined by "-" in the order given; an empty one named. */
static void test_key_join(void **state)
{
    (void)state;
    char *v[] = {"x", "60851", "4a", ""};
    nytte_vfeature f = {.values = v};
    char *out = NULL;
    size_t empty = 99;
    assert_int_equal(io_key_join(&out, &f, 1, 2, &empty), 0);
    assert_string_equal(out, "60851-4a");
    free(out);
    assert_int_equal(io_key_join(&out, &f, 1, 1, &empty), 0);
    assert_string_equal(out, "60851");
    free(out);
    assert_int_equal(io_key_join(&out, &f, 1, 3, &empty), 1);
    assert_null(out);
    assert_int_equal(empty, 2);
    v[3] = NULL;
    assert_int_equal(io_key_join(&out, &f, 2, 2, &empty), 1);
    assert_int_equal(empty, 1);
}

/* The path of a file of the source tree. */
static void source_path(char *buf, size_t n, const char *rel)
{
    snprintf(buf, n, "%s/%s", NYTTE_SOURCE_DIR, rel);
}

/* docs/bbr-use-codes.md's table holds the rows of nytte's table, in its order, and no other. */
static void test_use_codes_match_the_docs(void **state)
{
    (void)state;
    char path[4096];
    source_path(path, sizeof path, "docs/bbr-use-codes.md");
    FILE *f = fopen(path, "r");
    if (!f)
        fail_msg("%s: cannot open", path);
    size_t n = 0, k = 0;
    const io_use_code *t = io_bbr_use_codes(&n);
    assert_true(n > 90);
    char line[1024];
    while (fgets(line, sizeof line, f)) {
        char code[16], use[32], name[512];
        /* "| 120 | residential | Fritliggende enfamiliehus |" */
        if (sscanf(line, "| %15[0-9] | %31[a-z] | %511[^|]|", code, use, name) != 3)
            continue;
        size_t len = strlen(name);
        while (len && name[len - 1] == ' ')
            name[--len] = '\0';
        if (k >= n)
            fail_msg("docs/bbr-use-codes.md: code %s is not in engine/io/usecodes.c", code);
        if (strcmp(code, t[k].code) || strcmp(use, nytte_use_name(t[k].use)) || strcmp(name, t[k].name))
            fail_msg("docs/bbr-use-codes.md: row %zu is %s | %s | %s; engine/io/usecodes.c has %s | %s | %s", k + 1,
                     code, use, name, t[k].code, nytte_use_name(t[k].use), t[k].name);
        k++;
    }
    fclose(f);
    if (k != n)
        fail_msg("docs/bbr-use-codes.md lists %zu codes, engine/io/usecodes.c %zu", k, n);
    /* codes increase: the table is read by code */
    for (size_t i = 1; i < n; i++)
        assert_true(strcmp(t[i - 1].code, t[i].code) < 0);
}

/* nytte's table, and a project's CSV that replaces one code and adds another. */
static void test_use_table(void **state)
{
    (void)state;
    nytte_ctx *ctx = NULL;
    assert_int_equal(nytte_ctx_new(&ctx), NYTTE_OK);
    io_use_table t;
    assert_int_equal(io_use_table_load(ctx, &t, NULL), NYTTE_OK);
    assert_int_equal(io_use_table_find(&t, "120"), NYTTE_USE_RESIDENTIAL);
    assert_int_equal(io_use_table_find(&t, " 510 "), NYTTE_USE_SUMMERHOUSE);
    assert_int_equal(io_use_table_find(&t, "321"), NYTTE_USE_BUSINESS);
    assert_int_equal(io_use_table_find(&t, "421"), NYTTE_USE_PUBLIC);
    assert_int_equal(io_use_table_find(&t, "910"), NYTTE_USE_OTHER);
    assert_int_equal(io_use_table_find(&t, "777"), -1);
    assert_int_equal(io_use_table_find(&t, ""), -1);
    io_use_table_clear(&t);

    char dir[] = "/tmp/nytte-usecodes-XXXXXX", csv[64];
    assert_non_null(mkdtemp(dir));
    snprintf(csv, sizeof csv, "%s/codes.csv", dir);
    FILE *f = fopen(csv, "w");
    assert_non_null(f);
    fputs("code,use\n970,business\n777,public\n", f);
    fclose(f);
    assert_int_equal(io_use_table_load(ctx, &t, csv), NYTTE_OK);
    assert_int_equal(io_use_table_find(&t, "970"), NYTTE_USE_BUSINESS); /* replaced: other in nytte's */
    assert_int_equal(io_use_table_find(&t, "777"), NYTTE_USE_PUBLIC);   /* added */
    assert_int_equal(io_use_table_find(&t, "120"), NYTTE_USE_RESIDENTIAL);
    size_t n = 0;
    io_bbr_use_codes(&n);
    assert_int_equal(t.n, n + 1);
    io_use_table_clear(&t);

    f = fopen(csv, "w");
    assert_non_null(f);
    fputs("code,use\n970,business\n120,housing\n", f);
    fclose(f);
    assert_int_equal(io_use_table_load(ctx, &t, csv), NYTTE_EINPUT);
    char want[256];
    snprintf(want, sizeof want,
             "%s: row 3: code 120: use 'housing' is not one of residential, summerhouse, business, public, other", csv);
    assert_string_equal(nytte_ctx_errmsg(ctx), want);
    unlink(csv);
    rmdir(dir);
    nytte_ctx_free(ctx);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_assign_by_largest_part),
        cmocka_unit_test(test_key_join),
        cmocka_unit_test(test_use_codes_match_the_docs),
        cmocka_unit_test(test_use_table),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
