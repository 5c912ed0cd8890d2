/*
 * test_report_outdir.c — a finished run read back (nytte_outdir_read) and two compared
 * (nytte_outdir_diff_*), on folders written here by hand: a manifest of a few keys, an
 * owners.csv and a parcels.csv in each dialect, and the CSV reader on the quoting cases
 * of docs/outputs.md. Amounts are checked to the øre against the text they were written as.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "nytte/report.h"

#include "report/report_int.h"

static char root[256];

static int setup(void **state)
{
    (void)state;
    snprintf(root, sizeof root, "/tmp/nytte-outdir-XXXXXX");
    return mkdtemp(root) ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", root);
    return system(cmd) == 0 ? 0 : -1;
}

static void put(const char *dir, const char *name, const char *text)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static void sha_text(char hex[65], const char *s)
{
    nytte_sha256 c;
    nytte_sha256_init(&c);
    nytte_sha256_update(&c, s, strlen(s));
    nytte_sha256_final(&c, hex);
}

/* The manifest of a run: the keys nytte_report_write_manifest writes that matter here. */
static void manifest(const char *dir, const char *model, const char *dialect, const char *terrain_sha,
                     const char *owners_csv, const char *parcels_csv)
{
    char m[8192], so[65], sp[65];
    sha_text(so, owners_csv);
    sha_text(sp, parcels_csv);
    snprintf(m, sizeof m,
             "{\n  \"nytte_version\": \"0.1.0\",\n  \"created_utc\": \"2026-01-02T03:04:05Z\",\n"
             "  \"project\": {\"path\": \"case/project.yaml\", \"name\": \"Test \\u003cby\\u003e hand\", "
             "\"sha256\": \"%s\", \"text\": \"nytte: 1\\nallocation:\\n  model: %s\\n\"},\n"
             "  \"inputs\": [\n"
             "    {\"roles\": \"terrain\", \"path\": \"case/./terrain.tif\", \"bytes\": 10, \"sha256\": \"%s\"},\n"
             "    {\"roles\": \"owners\", \"path\": \"case/owners.csv\", \"bytes\": 20, \"sha256\": \"%s\"},\n"
             "    {\"roles\": \"sea\", \"path\": \"/data/sea.gpkg\", \"bytes\": 30, \"sha256\": \"%s\", "
             "\"outside_project\": true}\n  ],\n"
             "  \"inputs_outside_project\": [\"/data/sea.gpkg\"],\n"
             "  \"crs\": {\"given\": \"EPSG:25832\", \"name\": \"UTM 32N\", \"wkt\": \"PROJCS[...]\"},\n"
             "  \"allocation_model\": \"%s\",\n  \"compare\": [\"%s\", \"equal\"],\n"
             "  \"loan\": {\"kind\": \"annuity\", \"years\": 25, \"rate\": 0.03, \"payments_per_year\": 12},\n"
             "  \"threads\": 4,\n  \"csv_dialect\": \"%s\",\n  \"timings_s\": {\"inputs\": 0.5, \"total\": 1.5},\n"
             "  \"totals\": {\"owners\": 3, \"pool_ore\": 30000, \"elements\": [\n"
             "      {\"id\": \"dike\", \"pool_ore\": 30000, \"deductions\": [{\"name\": \"state\", \"ore\": 500}]}\n"
             "    ]\n  },\n"
             "  \"outputs\": [\n    {\"path\": \"owners.csv\", \"bytes\": 1, \"sha256\": \"%s\"},\n"
             "    {\"path\": \"parcels.csv\", \"bytes\": 1, \"sha256\": \"%s\"}\n  ]\n}\n",
             !strcmp(model, "area") ? "aaaa" : "bbbb", model, terrain_sha,
             "1111111111111111111111111111111111111111111111111111111111111111",
             "2222222222222222222222222222222222222222222222222222222222222222", model, model, dialect, so, sp);
    put(dir, "manifest.json", m);
}

static const char owners_std[] =
    "owner_id,owner_name,n_parcels,parcels,amount_kr,yearly_om_kr,explanation\r\n"
    "O2,\"Hansen, Jens\",1,P2,100.29,0.00,\"P2: dike: weight 1 \"\"equal\"\"\"\r\n"
    "'=O1,'=Jensen Holding ApS,2,P1; P3,0.01,1.50,\"two\r\nlines\"\r\n"
    "O3,Ole,1,P3,199.70,0.00,\r\n";
static const char parcels_std[] = "parcel_id,owners,amount_kr,amount_ore,in_area\r\n"
                                  "P1,'=O1,0.01,1,1\r\nP2,O2,100.29,10029,1\r\nP3,'=O1; O3,199.70,19970,0\r\n";
/* the same run in the Danish dialect, one øre moved from O3 to O2 and O1 gone, O4 new */
static const char owners_da[] = "owner_id;owner_name;n_parcels;parcels;amount_kr;yearly_om_kr\r\n"
                                "O2;Hansen, Jens;1;P2;100,30;0,00\r\n"
                                "O3;Ole;1;\"P3; P4\";199,69;0,00\r\n"
                                "O4;Ny;1;P1;0,01;1,50\r\n";
static const char parcels_da[] = "parcel_id;owners;amount_ore;in_area\r\n"
                                 "P1;O4;1;1\r\nP2;O2;10030;1\r\nP3;O3;19969;0\r\n";

static const char sha_t[] = "3333333333333333333333333333333333333333333333333333333333333333";
static const char sha_t2[] = "4444444444444444444444444444444444444444444444444444444444444444";

static void make_runs(char a[300], char b[300])
{
    snprintf(a, 300, "%s/a", root);
    snprintf(b, 300, "%s/b/", root); /* a trailing slash: no "//" in messages */
    mkdir(a, 0755);
    mkdir(b, 0755);
    put(a, "owners.csv", owners_std);
    put(a, "parcels.csv", parcels_std);
    manifest(a, "area", "standard", sha_t, owners_std, parcels_std);
    put(b, "owners.csv", owners_da);
    put(b, "parcels.csv", parcels_da);
    manifest(b, "equal", "excel_da", sha_t2, owners_da, parcels_da);
}

static void test_read(void **state)
{
    (void)state;
    nytte_ctx *ctx = NULL;
    assert_int_equal(nytte_ctx_new(&ctx), NYTTE_OK);
    char a[300], b[300];
    make_runs(a, b);
    nytte_outdir *d = NULL;
    assert_int_equal(nytte_outdir_read(ctx, &d, a, NYTTE_OUTDIR_OWNERS | NYTTE_OUTDIR_PARCELS), NYTTE_OK);
    assert_string_equal(d->version, "0.1.0");
    assert_string_equal(d->project_name, "Test <by> hand");
    assert_string_equal(d->project_text, "nytte: 1\nallocation:\n  model: area\n");
    assert_string_equal(d->model, "area");
    assert_int_equal(d->csv.sep, ',');
    /* inputs by their name in the project's folder; one outside it keeps its path */
    assert_int_equal(d->ninputs, 3);
    assert_string_equal(d->inputs[0].name, "terrain.tif");
    assert_string_equal(d->inputs[1].name, "owners.csv");
    assert_string_equal(d->inputs[2].name, "/data/sea.gpkg");
    assert_true(d->inputs[2].outside_project);
    assert_int_equal(d->inputs[1].bytes, 20);
    assert_int_equal(d->noutputs, 2);
    /* the rest flattened */
    assert_string_equal(nytte_outdir_value(d, "loan.rate"), "0.03");
    assert_string_equal(nytte_outdir_value(d, "compare"), "area, equal");
    assert_string_equal(nytte_outdir_value(d, "totals.elements[dike].deductions[state].ore"), "500");
    assert_string_equal(nytte_outdir_value(d, "crs.name"), "UTM 32N");
    assert_null(nytte_outdir_value(d, "inputs_outside_project"));
    assert_null(nytte_outdir_value(d, "nytte_version"));
    /* owners sorted by id, the neutralising apostrophe off, quotes undone, øre exact */
    assert_int_equal(d->nowners, 3);
    assert_string_equal(d->owners[0].id, "=O1");
    assert_string_equal(d->owners[0].name, "=Jensen Holding ApS");
    assert_int_equal(d->owners[0].amount_ore, 1);
    assert_int_equal(d->owners[0].yearly_om_ore, 150);
    assert_int_equal(d->owners[0].line, 3);
    assert_string_equal(d->owners[1].name, "Hansen, Jens");
    assert_int_equal(d->owners[1].amount_ore, 10029); /* 100.29 as a double is 100.28999… */
    assert_int_equal(d->owners[2].line, 5);          /* the line break inside O1's explanation counts */
    assert_int_equal(d->owners[2].amount_ore, 19970);
    assert_ptr_equal(nytte_outdir_owner_find(d, "O3"), &d->owners[2]);
    assert_null(nytte_outdir_owner_find(d, "O9"));
    assert_int_equal(d->nparcels, 3);
    assert_string_equal(nytte_outdir_parcel_find(d, "P3")->owners, "=O1; O3");
    assert_int_equal(nytte_outdir_parcel_find(d, "P3")->in_area, 0);
    assert_int_equal(d->nmodified, 0);
    nytte_outdir_free(d);

    /* the Danish dialect */
    assert_int_equal(nytte_outdir_read(ctx, &d, b, NYTTE_OUTDIR_OWNERS), NYTTE_OK);
    assert_int_equal(d->csv.sep, ';');
    assert_int_equal(d->csv.decimal, ',');
    assert_string_equal(d->owners[0].name, "Hansen, Jens");
    assert_int_equal(d->owners[0].amount_ore, 10030);
    assert_string_equal(d->owners[1].parcels, "P3; P4");
    assert_null(d->parcels);
    nytte_outdir_free(d);

    /* a table edited after the run is read, and named */
    put(a, "owners.csv", "owner_id,owner_name,parcels,amount_kr,yearly_om_kr\r\nO2,x,P2,100.29,0\r\n");
    assert_int_equal(nytte_outdir_read(ctx, &d, a, NYTTE_OUTDIR_OWNERS | NYTTE_OUTDIR_PARCELS), NYTTE_OK);
    assert_int_equal(d->nmodified, 1);
    assert_string_equal(d->modified[0], "owners.csv");
    nytte_outdir_free(d);
    nytte_ctx_free(ctx);
}

/* Each bad folder or table: NYTTE_EINPUT and its one-line message, nothing returned. */
static void test_refusals(void **state)
{
    (void)state;
    nytte_ctx *ctx = NULL;
    assert_int_equal(nytte_ctx_new(&ctx), NYTTE_OK);
    char a[300], b[300], dir[400], want[1024];
    make_runs(a, b);
    static const struct {
        const char *owners;
        const char *msg; /* after "<dir>/owners.csv: " */
    } cases[] = {
        {"owner_id,owner_name,parcels,amount_kr,yearly_om_kr\r\nO1,a,P1,12.345,0\r\n",
         "line 2: amount_kr: more than two decimals (not exact øre): '12.345'"},
        {"owner_id,owner_name,parcels,amount_kr,yearly_om_kr\r\nO1,a,P1,1,0\r\nO2,b,P2,,0\r\n",
         "line 3: amount_kr: empty where an amount belongs"},
        {"owner_id,owner_name,parcels,amount_kr,yearly_om_kr\r\nO1,a,P1,1 000,0\r\n",
         "line 2: amount_kr: not an amount in kroner with a decimal point (csv_dialect standard, e.g. 1234.50): "
         "'1 000'"},
        {"owner_id,owner_name,parcels,amount_kr,yearly_om_kr\r\nO1,\"a\"b,P1,1,0\r\n",
         "line 2: field 2 (owner_name): text after the closing quote"},
        {"owner_id,owner_name,parcels,amount_kr,yearly_om_kr\r\nO1,a\"b,P1,1,0\r\n",
         "line 2: field 2 (owner_name): a '\"' in a field without quotes"},
        {"owner_id,owner_name,parcels,amount_kr,yearly_om_kr\r\nO1,a,P1,1,0\rO2\r\n",
         "line 2: a carriage return without a line feed"},
        {"owner_id,owner_name,parcels,amount_kr,yearly_om_kr\r\nO1,a,P1,1\r\n",
         "line 2: 4 fields where the header has 5"},
        {"owner_id,owner_name,parcels,amount_kr\r\nO1,a,P1,1\r\n",
         "line 1: no column yearly_om_kr: not a table written by nytte run"},
        {"owner_id,owner_name,parcels,amount_kr,yearly_om_kr\r\nO1,a,P1,1,0\r\n,b,P2,1,0\r\n",
         "line 3: owner_id: empty"},
        {"owner_id,owner_name,parcels,amount_kr,yearly_om_kr\r\nO1,a,P1,1,0\r\nO2,b,P2,1,0\r\nO1,c,P3,1,0\r\n",
         "line 4: owner O1 again (first on line 2)"},
        {"owner_id;owner_name;parcels;amount_kr;yearly_om_kr\r\n",
         "line 1: separated by ';', but manifest.json says csv_dialect standard (',')"},
        {"", "empty: no header line"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        snprintf(dir, sizeof dir, "%s/bad%zu", root, i);
        mkdir(dir, 0755);
        put(dir, "owners.csv", cases[i].owners);
        manifest(dir, "area", "standard", sha_t, cases[i].owners, "");
        nytte_outdir *d = (nytte_outdir *)1;
        int rc = nytte_outdir_read(ctx, &d, dir, NYTTE_OUTDIR_OWNERS);
        snprintf(want, sizeof want, "%s/owners.csv: %s", dir, cases[i].msg);
        if (rc != NYTTE_EINPUT || strcmp(nytte_ctx_errmsg(ctx), want) != 0)
            fail_msg("case %zu: rc %d: %s", i, rc, nytte_ctx_errmsg(ctx));
        assert_null(d);
    }
    /* the folder and the manifest */
    snprintf(dir, sizeof dir, "%s/none", root);
    mkdir(dir, 0755);
    nytte_outdir *d = NULL;
    assert_int_equal(nytte_outdir_read(ctx, &d, dir, 0), NYTTE_EINPUT);
    snprintf(want, sizeof want, "%s/manifest.json: not found: %s is not the output folder of a finished nytte run", dir,
             dir);
    assert_string_equal(nytte_ctx_errmsg(ctx), want);
    put(dir, "manifest.json", "{\"outputs\": []}");
    assert_int_equal(nytte_outdir_read(ctx, &d, dir, 0), NYTTE_EINPUT);
    snprintf(want, sizeof want, "%s/manifest.json: no nytte_version: not the manifest of a nytte run", dir);
    assert_string_equal(nytte_ctx_errmsg(ctx), want);
    put(dir, "manifest.json", "{\"nytte_version\": \"0.1.0\",\n \"threads\": }\n");
    assert_int_equal(nytte_outdir_read(ctx, &d, dir, 0), NYTTE_EINPUT);
    snprintf(want, sizeof want, "%s/manifest.json:2:", dir);
    assert_memory_equal(nytte_ctx_errmsg(ctx), want, strlen(want));
    put(dir, "manifest.json", "{\"nytte_version\": \"0.1.0\", \"csv_dialect\": \"excel\"}");
    assert_int_equal(nytte_outdir_read(ctx, &d, dir, 0), NYTTE_EINPUT);
    snprintf(want, sizeof want, "%s/manifest.json: csv_dialect: 'excel' is neither standard nor excel_da", dir);
    assert_string_equal(nytte_ctx_errmsg(ctx), want);
    put(dir, "manifest.json", "{\"nytte_version\": \"0.1.0\"}");
    assert_int_equal(nytte_outdir_read(ctx, &d, dir, NYTTE_OUTDIR_PARCELS), NYTTE_EINPUT);
    snprintf(want, sizeof want, "%s/parcels.csv: not found", dir);
    assert_string_equal(nytte_ctx_errmsg(ctx), want);
    assert_null(d);
    nytte_ctx_free(ctx);
}

/*
 * A (area, standard) against B (equal, excel_da): O2 100.29 -> 100.30 (+0.01), O3 199.70 ->
 * 199.69 (-0.01), =O1 in A only (0.01, yearly 1.50), O4 in B only (0.01, yearly 1.50); the
 * terrain's SHA-256 differs, the owners input is the same, the sea input the same.
 */
static void test_diff(void **state)
{
    (void)state;
    nytte_ctx *ctx = NULL;
    assert_int_equal(nytte_ctx_new(&ctx), NYTTE_OK);
    char a[300], b[300], path[400];
    make_runs(a, b);
    nytte_outdir *ra = NULL, *rb = NULL;
    nytte_outdir_diff *d = NULL;
    const unsigned what = NYTTE_OUTDIR_OWNERS | NYTTE_OUTDIR_PARCELS;
    assert_int_equal(nytte_outdir_read(ctx, &ra, a, what), NYTTE_OK);
    assert_int_equal(nytte_outdir_read(ctx, &rb, b, what), NYTTE_OK);
    assert_int_equal(nytte_outdir_diff_new(ctx, &d, ra, rb), NYTTE_OK);
    assert_int_equal(d->nowners, 4);
    assert_int_equal(d->nchanged, 2);
    assert_int_equal(d->nonly_a, 1);
    assert_int_equal(d->nonly_b, 1);
    assert_int_equal(d->nsame, 0);
    assert_int_equal(d->owners[0].kind, NYTTE_DIFF_ONLY_A);
    assert_string_equal(d->owners[0].a->id, "=O1");
    assert_int_equal(d->owners[0].diff_ore, -1);
    assert_int_equal(d->owners[0].yearly_diff_ore, -150);
    assert_int_equal(d->owners[1].diff_ore, 1);
    assert_int_equal(d->owners[2].diff_ore, -1);
    assert_int_equal(d->owners[3].kind, NYTTE_DIFF_ONLY_B);
    assert_int_equal(d->total_a_ore, 30000);
    assert_int_equal(d->total_b_ore, 30000);
    assert_false(d->version_changed);
    assert_true(d->project_changed);
    /* settings: the model, its words absent, compare and the dialect; threads and timings never */
    assert_int_equal(d->nsettings, 3);
    assert_string_equal(d->settings[0].key, "allocation_model");
    assert_true(d->settings[0].rule);
    assert_string_equal(d->settings[1].key, "compare");
    assert_false(d->settings[1].rule);
    assert_string_equal(d->settings[2].key, "csv_dialect");
    assert_int_equal(d->nrules, 1);
    assert_int_equal(d->ninputs, 1);
    assert_string_equal(d->inputs[0].key, "terrain.tif");
    assert_string_equal(d->inputs[0].b, sha_t2);
    assert_int_equal(d->ntotals, 0);
    assert_int_equal(d->nparcels_changed, 2); /* P2 and P3; P1 pays 1 øre in both */

    char *text = NULL;
    assert_int_equal(nytte_outdir_diff_text(ctx, &text, d, 0), NYTTE_OK);
    assert_non_null(strstr(text, "\nOwners' amounts:  CHANGED for 4 of 4 owners (2 pay another amount, 1 only in A, "
                                 "1 only in B)\n"));
    assert_non_null(strstr(text, "\nModel and rules:  CHANGED: allocation_model; how the outputs are written: "
                                 "compare, csv_dialect\n"));
    assert_non_null(strstr(text, "\nInputs:           CHANGED (by SHA-256): terrain.tif\n"));
    assert_non_null(strstr(text, "\n  terrain.tif (terrain): SHA-256 333333333333 -> 444444444444, 10 -> 10 bytes\n"));
    assert_non_null(strstr(text, "\n  - A line 3:   model: area\n  + B line 3:   model: equal\n"));
    assert_non_null(strstr(text, "\nO2               100.29         100.30          +0.01\n"));
    assert_non_null(strstr(text, "\nO3               199.70         199.69          -0.01\n"));
    assert_non_null(strstr(text, "\nOwners only in A: 1 (kr)\nowner_id       amount A     yearly O&M\n"
                                 "=O1                0.01           1.50\n"));
    assert_null(strstr(text, "Jens")); /* no names */
    free(text);
    assert_int_equal(nytte_outdir_diff_text(ctx, &text, d, NYTTE_DIFF_BRIEF), NYTTE_OK);
    assert_null(strstr(text, "Owners whose"));
    free(text);

    snprintf(path, sizeof path, "%s/diff.csv", root);
    const nytte_csv_opts std = NYTTE_CSV_OPTS_INIT;
    assert_int_equal(nytte_outdir_diff_csv(ctx, d, path, &std), NYTTE_OK);
    char *csv = NULL;
    size_t len = 0;
    assert_int_equal(report_read_file(ctx, &csv, &len, path), NYTTE_OK);
    assert_string_equal(csv, "owner_id,change,amount_a_kr,amount_b_kr,difference_kr,yearly_om_a_kr,yearly_om_b_kr,"
                             "yearly_om_difference_kr,parcels_a,parcels_b\r\n"
                             "'=O1,only_a,0.01,,-0.01,1.50,,-1.50,P1; P3,\r\n"
                             "O2,changed,100.29,100.30,0.01,0.00,0.00,0.00,P2,P2\r\n"
                             "O3,changed,199.70,199.69,-0.01,0.00,0.00,0.00,P3,P3; P4\r\n"
                             "O4,only_b,,0.01,0.01,,1.50,1.50,,P1\r\n");
    free(csv);
    /* B's dialect by default */
    assert_int_equal(nytte_outdir_diff_csv(ctx, d, path, NULL), NYTTE_OK);
    assert_int_equal(report_read_file(ctx, &csv, &len, path), NYTTE_OK);
    assert_non_null(strstr(csv, "\r\nO2;changed;100,29;100,30;0,01;0,00;0,00;0,00;P2;P2\r\n"));
    free(csv);
    /* a folder that cannot take the file: an error naming the path, no file */
    snprintf(path, sizeof path, "%s/no/such/folder/diff.csv", root);
    assert_int_equal(nytte_outdir_diff_csv(ctx, d, path, NULL), NYTTE_EIO);
    assert_memory_equal(nytte_ctx_errmsg(ctx), path, strlen(path));
    nytte_outdir_diff_free(d);

    /* a run against itself: nothing differs */
    assert_int_equal(nytte_outdir_diff_new(ctx, &d, ra, ra), NYTTE_OK);
    assert_int_equal(d->nowners + d->nsettings + d->ninputs + d->ntotals + d->nparcels_changed, 0);
    assert_int_equal(d->nsame, 3);
    assert_int_equal(nytte_outdir_diff_text(ctx, &text, d, 0), NYTTE_OK);
    assert_non_null(strstr(text, "\nOwners' amounts:  unchanged: each of the 3 owners pays the same\n"));
    assert_null(strstr(text, "CHANGED"));
    free(text);
    nytte_outdir_diff_free(d);
    nytte_outdir_free(ra);
    nytte_outdir_free(rb);
    nytte_ctx_free(ctx);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_read),
        cmocka_unit_test(test_refusals),
        cmocka_unit_test(test_diff),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
