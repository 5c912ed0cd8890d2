/*
 * test_report.c — the pieces of the outputs that can be checked by hand: SHA-256
 * against the FIPS 180-2 examples, spreadsheet-safe text, and the model comparison on
 * three parcels whose amounts are worked out below. Whole runs, read back through
 * GDAL/OGR, are checked by tests/outputs.sh.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "nytte/report.h"

#include "report/report_int.h"

static void sha_of(char hex[65], const char *s)
{
    nytte_sha256 c;
    nytte_sha256_init(&c);
    nytte_sha256_update(&c, s, strlen(s));
    nytte_sha256_final(&c, hex);
}

static void test_sha256_fips(void **state)
{
    (void)state;
    char hex[65];
    /* FIPS 180-2, appendix B.1 and the empty message */
    sha_of(hex, "abc");
    assert_string_equal(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    sha_of(hex, "");
    assert_string_equal(hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    /* B.2: 448 bits, two blocks once padded */
    sha_of(hex, "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq");
    assert_string_equal(hex, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}

static void test_sha256_chunks(void **state)
{
    (void)state;
    /* B.3: one million 'a', fed in uneven pieces that cross the 64-byte blocks */
    char *a = malloc(1000000);
    assert_non_null(a);
    memset(a, 'a', 1000000);
    nytte_sha256 c;
    nytte_sha256_init(&c);
    size_t off = 0, step = 1;
    while (off < 1000000) {
        size_t n = step < 1000000 - off ? step : 1000000 - off;
        nytte_sha256_update(&c, a + off, n);
        off += n;
        step = step * 7 % 997 + 1;
    }
    char hex[65];
    nytte_sha256_final(&c, hex);
    assert_string_equal(hex, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
    free(a);
}

static void test_sha256_file(void **state)
{
    (void)state;
    char path[] = "/tmp/nytte-test-sha-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    FILE *f = fdopen(fd, "wb");
    fputs("abc", f);
    fclose(f);
    char hex[65];
    assert_int_equal(nytte_sha256_file(NULL, hex, path), NYTTE_OK);
    assert_string_equal(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    remove(path);
    assert_int_equal(nytte_sha256_file(NULL, hex, path), NYTTE_EIO);
}

static void test_safe_text(void **state)
{
    (void)state;
    char buf[64];
    assert_string_equal(nytte_report_safe_text(buf, sizeof buf, "=Jensen Holding ApS"), "'=Jensen Holding ApS");
    assert_string_equal(nytte_report_safe_text(buf, sizeof buf, "+45 1234"), "'+45 1234");
    assert_string_equal(nytte_report_safe_text(buf, sizeof buf, "-1"), "'-1");
    assert_string_equal(nytte_report_safe_text(buf, sizeof buf, "@SUM(A1)"), "'@SUM(A1)");
    assert_string_equal(nytte_report_safe_text(buf, sizeof buf, "Hans Jensen"), "Hans Jensen");
    assert_string_equal(nytte_report_safe_text(buf, sizeof buf, NULL), "");
}

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    static char buf[4096];
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    buf[n] = '\0';
    fclose(f);
    return buf;
}

/*
 * A column table of every kind written as CSV in both dialects, by hand: a formula-like
 * text gets its apostrophe, a text with the separator or a quote is quoted (quotes
 * doubled), money is exact from øre (-50 øre is -0.50), -0.0001 with 3 decimals is
 * 0.000 (no "-0"), and NULL text, an unknown amount and NaN are empty cells.
 */
typedef struct trow {
    const char *name;
    int64_t n, ore;
    double x;
} trow;

static const report_col tcols[] = {
    {"name", "nm", REPORT_COL_TEXT, 0, offsetof(trow, name)},
    {"n", "n", REPORT_COL_INT, 0, offsetof(trow, n)},
    {"amount_kr", "amount", REPORT_COL_MONEY, 0, offsetof(trow, ore)},
    {"x", "x", REPORT_COL_REAL, 3, offsetof(trow, x)},
};

static void test_table_csv(void **state)
{
    (void)state;
    const trow rows[] = {
        {"=SUM(A1)", 3, 123456, 1.5},
        {"a,b \"c\"", -2, -50, -0.0001},
        {NULL, 0, REPORT_NO_MONEY, NAN},
    };
    const report_table t = {"t", tcols, 4, rows, sizeof rows[0], 3, false, 0};
    char path[] = "/tmp/nytte-test-table-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    close(fd);
    nytte_csv_opts std = NYTTE_CSV_OPTS_INIT, da = {';', ',', true};
    assert_int_equal(report_table_csv(NULL, &t, path, &std), NYTTE_OK);
    assert_string_equal(slurp(path), "name,n,amount_kr,x\r\n"
                                     "'=SUM(A1),3,1234.56,1.500\r\n"
                                     "\"a,b \"\"c\"\"\",-2,-0.50,0.000\r\n"
                                     ",0,,\r\n");
    assert_int_equal(report_table_csv(NULL, &t, path, &da), NYTTE_OK);
    assert_string_equal(slurp(path), "\xEF\xBB\xBFname;n;amount_kr;x\r\n"
                                     "'=SUM(A1);3;1234,56;1,500\r\n"
                                     "\"a,b \"\"c\"\"\";-2;-0,50;0,000\r\n"
                                     ";0;;\r\n");
    assert_int_equal(report_table_shp_names(NULL, &t, path), NYTTE_OK);
    assert_string_equal(slurp(path), "gpkg_field,shp_field,type\r\n"
                                     "name,nm,text\r\nn,n,integer\r\namount_kr,amount,real\r\nx,x,real\r\n");
    remove(path);
}

/* Prose follows the dialect: the numbers' decimal points become commas under excel_da,
 * and nothing else does (a point in a word or an id, one not between digits). */
typedef struct prow {
    const char *text;
} prow;

static void test_table_prose(void **state)
{
    (void)state;
    static const report_col pcols[] = {{"explanation", "explain", REPORT_COL_PROSE, 0, offsetof(prow, text)}};
    const prow rows[] = {
        {"101a Kølstrup 4.5 (share 0.5): 5000000.00 kr × 74.4 / 2070.4000000000005 = 179675.425038… kr, "
         "⌊179675.425038 kr⌋ + 1 øre = 179675.43 kr."},
        {"v1.2, id 4a.1, ø1.5, ×2.5, −3.25, end."},
    };
    const report_table t = {"t", pcols, 1, rows, sizeof rows[0], 2, false, 0};
    char path[] = "/tmp/nytte-test-prose-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    close(fd);
    nytte_csv_opts std = NYTTE_CSV_OPTS_INIT, da = {';', ',', true};
    assert_int_equal(report_table_csv(NULL, &t, path, &std), NYTTE_OK);
    assert_string_equal(slurp(path), "explanation\r\n"
                                     "\"101a Kølstrup 4.5 (share 0.5): 5000000.00 kr × 74.4 / 2070.4000000000005 = "
                                     "179675.425038… kr, ⌊179675.425038 kr⌋ + 1 øre = 179675.43 kr.\"\r\n"
                                     "\"v1.2, id 4a.1, ø1.5, ×2.5, −3.25, end.\"\r\n");
    assert_int_equal(report_table_csv(NULL, &t, path, &da), NYTTE_OK);
    assert_string_equal(slurp(path), "\xEF\xBB\xBF" "explanation\r\n"
                                     "101a Kølstrup 4,5 (share 0,5): 5000000,00 kr × 74,4 / 2070,4000000000005 = "
                                     "179675,425038… kr, ⌊179675,425038 kr⌋ + 1 øre = 179675,43 kr.\r\n"
                                     "v1.2, id 4a.1, ø1.5, ×2,5, −3,25, end.\r\n");
    remove(path);
}

/*
 * Three parcels a, b, c in one element of 300 øre, every one in the area and built,
 * plot areas 100, 200, 300 m², no building area. equal: 100 øre each. area (a = b = 1):
 * weights 100, 200, 300 → 50, 100, 150 øre. Against equal: c pays more, a less, b the same.
 */
static void test_compare(void **state)
{
    (void)state;
    nytte_ctx *ctx = NULL;
    assert_int_equal(nytte_ctx_new(&ctx), NYTTE_OK);
    nytte_alloc_parcel f[3];
    const char *ids[3] = {"a", "b", "c"};
    for (int i = 0; i < 3; i++)
        f[i] = (nytte_alloc_parcel){.id = ids[i], .in_area = true, .built = true, .nbuildings = 1,
                                    .plot_area = 100.0 * (i + 1), .property_value = NAN, .plot_flooded = true,
                                    .building_flooded = true, .ref_level = 1.0, .floor_level = NAN};
    nytte_alloc_element el = {.id = "dike", .parcels = f};
    el.pool.capex_ore = 300;
    nytte_alloc_config cfg[2];
    nytte_alloc_config_init(&cfg[0]);
    nytte_alloc_config_init(&cfg[1]);
    cfg[0].model = NYTTE_ALLOC_EQUAL;
    cfg[1].model = NYTTE_ALLOC_AREA;
    nytte_alloc_input in = {3, &el, 1, NULL, 0, &cfg[1], {0, 0, false}};
    nytte_alloc_comparison *m = NULL;
    assert_int_equal(nytte_alloc_compare(ctx, &m, &in, cfg, 2), NYTTE_OK);
    assert_int_equal(m[0].rc, NYTTE_OK);
    assert_int_equal(m[1].rc, NYTTE_OK);
    assert_int_equal(m[0].nowners, 3);
    assert_int_equal(m[0].owner_ore[0], 100);
    assert_int_equal(m[0].owner_ore[2], 100);
    assert_int_equal(m[1].owner_ore[0], 50);
    assert_int_equal(m[1].owner_ore[1], 100);
    assert_int_equal(m[1].owner_ore[2], 150);
    assert_int_equal(m[1].metrics.more, 1);
    assert_int_equal(m[1].metrics.less, 1);
    assert_int_equal(m[1].metrics.same, 1);
    assert_int_equal(m[0].metrics.same, 3);
    nytte_alloc_comparison_free(m, 2);

    char words[512];
    assert_non_null(strstr(nytte_report_model_words(words, sizeof words, &cfg[1]), "1 × building area + 1 × plot"));
    /* the payment limits in kroner from øre: 50000 øre = 500.00 kr, 1234567 øre = 12345.67 kr */
    cfg[1].rules.min_ore = 50000;
    cfg[1].rules.max_ore = 1234567;
    nytte_report_model_words(words, sizeof words, &cfg[1]);
    assert_non_null(strstr(words, " Minimum payment 500.00 kr. Maximum payment 12345.67 kr."));
    nytte_ctx_free(ctx);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sha256_fips),   cmocka_unit_test(test_sha256_chunks),
        cmocka_unit_test(test_sha256_file),   cmocka_unit_test(test_safe_text),
        cmocka_unit_test(test_compare),       cmocka_unit_test(test_table_csv), cmocka_unit_test(test_table_prose),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
