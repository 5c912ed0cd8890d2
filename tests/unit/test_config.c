/*
 * test_config.c — the project-file loader (engine/config): values read from a small
 * project checked by hand (money to the øre, lists, defaults, resolved paths), and the
 * exact file:line:col messages of bad files, including what ytree refuses before
 * libfyaml sees it (non-UTF-8 text, NUL bytes) and what it refuses after (anchors,
 * aliases, tags, duplicate keys, several documents).
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

#include "nytte/config.h"
#include "config/config_int.h"

static char dir[64];

/* A scratch folder with empty files under the names the projects below refer to. */
static int setup(void **state)
{
    (void)state;
    snprintf(dir, sizeof dir, "/tmp/nytte-test-config-XXXXXX");
    if (!mkdtemp(dir))
        return -1;
    const char *names[] = {"terrain.tif", "parcels.geojson", "owners.csv", "sea.geojson", "wall.geojson"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        char p[128];
        snprintf(p, sizeof p, "%s/%s", dir, names[i]);
        FILE *f = fopen(p, "w");
        if (!f)
            return -1;
        fclose(f);
    }
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    return system(cmd) == 0 ? 0 : -1;
}

/* The project every test varies: lines 1-29, positions below refer to them. */
static const char base[] = "nytte: 1\n"                                 /*  1 */
                           "name: \"test\"\n"                           /*  2 */
                           "inputs:\n"                                  /*  3 */
                           "  terrain: terrain.tif\n"                   /*  4 */
                           "  parcels:\n"                               /*  5 */
                           "    path: parcels.geojson\n"                /*  6 */
                           "    id: parcel_id\n"                        /*  7 */
                           "  owners:\n"                                /*  8 */
                           "    path: owners.csv\n"                     /*  9 */
                           "    parcel: parcel_id\n"                    /* 10 */
                           "    owner: owner_id\n"                      /* 11 */
                           "hazards:\n"                                 /* 12 */
                           "  - id: surge\n"                            /* 13 */
                           "    type: coastal\n"                        /* 14 */
                           "    sea: sea.geojson\n"                     /* 15 */
                           "    return_periods: [20, 100, 1000]\n"      /* 16 */
                           "    levels: [1.0, 1.5, 2.0]\n"              /* 17 */
                           "measures:\n"                                /* 18 */
                           "  - id: wall\n"                             /* 19 */
                           "    geometry: wall.geojson\n"               /* 20 */
                           "    crest: 3.0\n"                           /* 21 */
                           "    capex: 1800.50\n"                       /* 22 */
                           "    om_per_year: 12.5\n"                    /* 23 */
                           "    deductions:\n"                          /* 24 */
                           "      - { name: Fond, amount: 0.07 }\n"     /* 25 */
                           "      - { name: Kommune, percent: 10 }\n"   /* 26 */
                           "allocation:\n"                              /* 27 */
                           "  model: area\n"                            /* 28 */
                           "  design_event: 100\n";                     /* 29 */

/* Write text as DIR/project.yaml and load it; *msg gets the context message. */
static int load_text(const char *text, size_t len, nytte_project **out, char *msg, size_t msglen, nytte_diag *diag)
{
    char path[128];
    snprintf(path, sizeof path, "%s/project.yaml", dir);
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(text, 1, len, f), len);
    fclose(f);
    nytte_ctx *ctx = NULL;
    assert_int_equal(nytte_ctx_new(&ctx), NYTTE_OK);
    nytte_diag own = {0};
    int rc = nytte_project_load(ctx, out, path, diag ? diag : &own);
    /* the first problem (later ones may follow from it); messages name the file as given:
     * strip the scratch folder for comparison */
    const char *m = own.n ? own.lines[0] : nytte_ctx_errmsg(ctx);
    size_t dl = strlen(dir);
    snprintf(msg, msglen, "%s", strncmp(m, dir, dl) == 0 && m[dl] == '/' ? m + dl + 1 : m);
    nytte_diag_clear(&own);
    nytte_ctx_free(ctx);
    return rc;
}

/* base with line `old` replaced by `with`; returns the message and code of the load. */
static int load_variant(const char *old, const char *with, char *msg, size_t msglen)
{
    char text[4096];
    const char *at = strstr(base, old);
    assert_non_null(at);
    size_t pre = (size_t)(at - base);
    snprintf(text, sizeof text, "%.*s%s%s", (int)pre, base, with, at + strlen(old));
    nytte_project *p = NULL;
    int rc = load_text(text, strlen(text), &p, msg, msglen, NULL);
    nytte_project_free(p);
    return rc;
}

static void test_values_by_hand(void **state)
{
    (void)state;
    nytte_project *p = NULL;
    char msg[1024];
    nytte_diag diag = {0};
    assert_int_equal(load_text(base, strlen(base), &p, msg, sizeof msg, &diag), NYTTE_OK);
    assert_int_equal(diag.n, 0);
    assert_string_equal(p->name, "test");
    assert_string_equal(p->crs, "EPSG:25832"); /* the default */
    assert_int_equal(p->nhazards, 1);
    assert_int_equal(p->hazards[0].nevents, 3);
    assert_true(p->hazards[0].return_periods[0] == 20 && p->hazards[0].return_periods[2] == 1000);
    assert_true(p->hazards[0].levels[1] == 1.5);
    assert_true(p->hazards[0].offset == 0 && p->hazards[0].wave_allowance == 0);
    assert_int_equal(p->nmeasures, 1);
    /* money from the text: 1800.50 kr = 180050 øre, 12.5 kr = 1250 øre, 0.07 kr = 7 øre */
    assert_int_equal(p->measures[0].capex, 180050);
    assert_int_equal(p->measures[0].om_per_year, 1250);
    assert_int_equal(p->measures[0].lifetime, 100); /* the default */
    assert_int_equal(p->measures[0].ndeductions, 2);
    assert_string_equal(p->measures[0].deductions[0].name, "Fond");
    assert_int_equal(p->measures[0].deductions[0].amount, 7);
    assert_true(p->measures[0].deductions[0].percent < 0);
    assert_true(p->measures[0].deductions[1].percent == 10);
    assert_true(p->design_event == 100 && isnan(p->design_level));
    assert_true(p->measures[0].crest == 3.0);
    char want[160];
    snprintf(want, sizeof want, "%s/terrain.tif", dir);
    assert_string_equal(p->terrain, want);
    snprintf(want, sizeof want, "%s/out", dir);
    assert_string_equal(p->out_dir, want);
    assert_true(p->owners.given);
    assert_null(p->owners.share);
    nytte_project_free(p);
    nytte_diag_clear(&diag);
}

static void test_money(void **state)
{
    (void)state;
    static const struct {
        const char *text;
        int ok;
        int64_t ore;
        const char *msg;
    } cases[] = {
        {"    capex: 0.07\n", 1, 7, NULL}, /* equal to the 0.07 kr deduction: allowed */
        {"    capex: 0.1\n", 1, 10, NULL},
        {"    capex: 45000000\n", 1, 4500000000LL, NULL},
        {"    capex: 1000000000000.99\n", 1, 100000000000099LL, NULL},
        {"    capex: 1000.005\n", 0, 0,
         "project.yaml:22:12: measures[0].capex: an amount in kroner has at most two decimals (øre), got 1000.005"},
        {"    capex: -1\n", 0, 0, "project.yaml:22:12: measures[0].capex: must not be negative, got -1"},
        {"    capex: 1e6\n", 0, 0,
         "project.yaml:22:12: measures[0].capex: expected an amount in kroner (e.g. 45000000 or 1800.50), got '1e6'"},
        {"    capex: \"100\"\n", 0, 0,
         "project.yaml:22:13: measures[0].capex: expected an amount in kroner (e.g. 45000000 or 1800.50), got '100'"},
        {"    capex: 92233720368547758\n", 0, 0,
         "project.yaml:22:12: measures[0].capex: expected an amount in kroner (e.g. 45000000 or 1800.50), got "
         "'92233720368547758'"},
        {"    capex: 1,5\n", 0, 0,
         "project.yaml:22:12: measures[0].capex: expected an amount in kroner (e.g. 45000000 or 1800.50), got '1,5'"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char text[4096], msg[1024];
        const char *at = strstr(base, "    capex: 1800.50\n");
        snprintf(text, sizeof text, "%.*s%s%s", (int)(at - base), base, cases[i].text, at + strlen("    capex: 1800.50\n"));
        nytte_project *p = NULL;
        int rc = load_text(text, strlen(text), &p, msg, sizeof msg, NULL);
        if (rc != (cases[i].ok ? NYTTE_OK : NYTTE_ECONFIG))
            fail_msg("case %zu: rc %d: %s", i, rc, msg);
        if (cases[i].ok) {
            assert_int_equal(rc, NYTTE_OK);
            assert_int_equal(p->measures[0].capex, cases[i].ore);
        } else {
            assert_int_equal(rc, NYTTE_ECONFIG);
            assert_string_equal(msg, cases[i].msg);
        }
        nytte_project_free(p);
    }
}

static void test_messages(void **state)
{
    (void)state;
    static const struct {
        const char *old, *with;
        int code;
        const char *msg;
    } cases[] = {
        {"    levels: [1.0, 1.5, 2.0]\n", "    levels: [1.0, 2.0, 1.5]\n", NYTTE_ECONFIG,
         "project.yaml:17:24: hazards[0].levels: levels (higher return periods have higher water) must increase strictly: "
         "1.5 after 2"},
        {"    levels: [1.0, 1.5, 2.0]\n", "    levels: [1.0, 1.5]\n", NYTTE_ECONFIG,
         "project.yaml:17:13: hazards[0].levels: 2 levels for 3 return periods (one level per return period)"},
        {"    return_periods: [20, 100, 1000]\n", "    return_periods: [20, 100, 100]\n", NYTTE_ECONFIG,
         "project.yaml:16:31: hazards[0].return_periods: return periods must increase strictly: 100 after 100"},
        {"    crest: 3.0\n", "    crest: .inf\n", NYTTE_ECONFIG,
         "project.yaml:21:12: measures[0].crest: expected a number, got '.inf'"},
        {"    crest: 3.0\n", "    crest: 0x10\n", NYTTE_ECONFIG,
         "project.yaml:21:12: measures[0].crest: expected a number, got '0x10'"},
        {"    crest: 3.0\n", "    cerst: 3.0\n", NYTTE_ECONFIG,
         "project.yaml:21:5: measures[0]: unknown key 'cerst' (expected one of: id, name, geometry, crest, burn, "
         "lowering, reach, capex, om_per_year, lifetime, deductions)"},
        {"    crest: 3.0\n", "    crest: 3.0\n    lowering: 0.4\n", NYTTE_ECONFIG,
         "project.yaml:22:15: measures[0]: 'lowering' applies to a drain against a groundwater hazard, not against "
         "the coastal hazard 'surge'"},
        {"    crest: 3.0\n", "    crest: 3.0\n    burn: dig\n", NYTTE_ECONFIG,
         "project.yaml:22:11: measures[0].burn: expected raise, lower or set, got 'dig'"},
        {"  terrain: terrain.tif\n", "  terrain: dem.tif\n", NYTTE_EIO, NULL},
        {"      - { name: Fond, amount: 0.07 }\n", "      - { name: Fond, amount: 1800.51 }\n", NYTTE_ECONFIG,
         "project.yaml:25:7: measures[0].deductions: measure wall: deductions of 1800.51 kr exceed its capex of "
         "1800.50 kr"},
        {"  model: area\n", "  model: fair\n", NYTTE_ECONFIG,
         "project.yaml:28:10: allocation.model: unknown model 'fair' (expected benefit, parts, zones, value_levy, "
         "area, equal, contributor, benefit_and_contributor or hybrid)"},
        {"  design_event: 100\n", "  design_event: 50\n", NYTTE_ECONFIG,
         "project.yaml:29:17: allocation.design_event: 50 is not one of the return periods of hazard 'surge'"},
        {"name: \"test\"\n", "name: \"test\"\ncrs: EPSG:4326\n", NYTTE_ECONFIG,
         "project.yaml:3:6: crs: 'EPSG:4326' is geographic (degrees); areas need a projected CRS in metres such as "
         "EPSG:25832"},
        {"  model: area\n", "  model: hybrid\n  hybrid:\n    - { model: area, fraction: 0.5 }\n"
                            "    - { model: equal, fraction: 0.4 }\n", NYTTE_ECONFIG,
         "project.yaml:30:5: allocation.hybrid: fractions sum to 0.9, not 1"},
        {"name: \"test\"\n", "", NYTTE_ECONFIG, "project.yaml:1:1: name: missing (required)"},
        {"  terrain: terrain.tif\n", "  terrain: !include x.yaml\n", NYTTE_ECONFIG,
         "project.yaml:4:12: YAML tags (!include) are not supported in project files (there is no !include)"},
        {"  - id: wall\n", "  - id: &w wall\n", NYTTE_ECONFIG,
         "project.yaml:19:9: YAML anchors (&name) are not supported in project files"},
        {"    crest: 3.0\n", "    crest: *c\n", NYTTE_ECONFIG,
         "project.yaml:21:12: YAML aliases (*name) are not supported in project files"},
        {"    crest: 3.0\n", "    crest: 3.0\n    crest: 3.5\n", NYTTE_ECONFIG,
         "project.yaml:22:5: duplicate key 'crest' (first at line 21)"},
        {"name: \"test\"\n", "name: \"S\xf8nderby\"\n", NYTTE_ECONFIG,
         "project.yaml:2:9: the text is not UTF-8 (save the project file as UTF-8)"},
        {"name: \"test\"\n", "name: \"Sønderby\"\n", NYTTE_OK, NULL},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char msg[1024];
        int rc = load_variant(cases[i].old, cases[i].with, msg, sizeof msg);
        if (rc != cases[i].code || (cases[i].msg && strcmp(msg, cases[i].msg) != 0))
            fail_msg("case %zu: rc %d (want %d), message:\n  %s\nwant:\n  %s", i, rc, cases[i].code, msg,
                     cases[i].msg ? cases[i].msg : "(any)");
    }
}

/* damage.curves replaces the built-in curve of a use group; contents follow the structure
 * curve unless given; a bad curve is reported at the list it concerns, naming the point. */
static void test_damage_curves(void **state)
{
    (void)state;
    static const char curves[] = "damage:\n"                                                            /* 30 */
                                 "  curves:\n"                                                          /* 31 */
                                 "    residential: {depth: [0.5, 1, 2], structure: [0.2, 0.4, 0.6]}\n" /* 32 */
                                 "    business:\n"                                                      /* 33 */
                                 "      depth: [0, 1]\n"                                                /* 34 */
                                 "      structure: [0.1, 0.3]\n"                                        /* 35 */
                                 "      contents: [0.2, 0.9]\n";                                        /* 36 */
    char text[4096], msg[1024];
    snprintf(text, sizeof text, "%s%s", base, curves);
    nytte_project *p = NULL;
    assert_int_equal(load_text(text, strlen(text), &p, msg, sizeof msg, NULL), NYTTE_OK);
    const nytte_curve *r = &p->damage.structure[NYTTE_USE_RESIDENTIAL];
    assert_int_equal(r->npoints, 3);
    assert_true(r->depth[0] == 0.5 && r->depth[2] == 2 && r->fraction[1] == 0.4 && r->fraction[2] == 0.6);
    assert_string_equal(r->name, "residential/structure");
    /* contents not given: the structure curve, under its own name */
    const nytte_curve *rcon = &p->damage.contents[NYTTE_USE_RESIDENTIAL];
    assert_int_equal(rcon->npoints, 3);
    assert_memory_equal(rcon->fraction, r->fraction, 3 * sizeof(double));
    assert_string_equal(rcon->name, "residential/contents");
    /* the docs' example: f(0.25) = 0.1, f(1.5) = 0.5, f(9) = 0.6 (docs/models.md) */
    assert_true(fabs(nytte_curve_eval(r, 0.25) - 0.1) < 1e-12);
    assert_true(fabs(nytte_curve_eval(r, 1.5) - 0.5) < 1e-12);
    assert_true(nytte_curve_eval(r, 9) == 0.6);
    const nytte_curve *b = &p->damage.contents[NYTTE_USE_BUSINESS];
    assert_int_equal(b->npoints, 2);
    assert_true(b->fraction[0] == 0.2 && b->fraction[1] == 0.9);
    assert_true(p->damage.structure[NYTTE_USE_BUSINESS].fraction[1] == 0.3);
    nytte_project_free(p);
    p = NULL;

    static const struct {
        const char *curve, *msg;
    } bad[] = {
        {"    residential: {depth: [0.5, 1, 1.5], structure: [0.2, 0.5, 0.45]}\n",
         "project.yaml:32:52: damage.curves.residential: curve residential/structure: point 3 (depth 1.5): fraction "
         "0.45 is below the previous 0.5 (curves must be non-decreasing)"},
        {"    residential: {depth: [0.5, 1], structure: [0.2, 1.2]}\n",
         "project.yaml:32:47: damage.curves.residential: curve residential/structure: point 2 (depth 1): fraction 1.2 "
         "is outside [0, 1]"},
        {"    residential: {depth: [0.5, 1, 2], structure: [0.2, 0.4]}\n",
         "project.yaml:32:50: damage.curves.residential: 2 structure fractions for 3 depths"},
        {"    cellar: {depth: [0.5, 1], structure: [0.2, 0.4]}\n",
         "project.yaml:32:5: damage.curves: unknown use group 'cellar' (expected residential, summerhouse, business, "
         "public or other)"},
        {"    residential: {depth: [0.5, 1], structure: [0.2, 0.4], cellar: [0, 1]}\n",
         "project.yaml:32:59: damage.curves.residential: unknown key 'cellar' (expected one of: depth, structure, "
         "contents)"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        snprintf(text, sizeof text, "%sdamage:\n  curves:\n%s", base, bad[i].curve);
        int rc = load_text(text, strlen(text), &p, msg, sizeof msg, NULL);
        nytte_project_free(p);
        p = NULL;
        if (rc != NYTTE_ECONFIG || strcmp(msg, bad[i].msg) != 0)
            fail_msg("bad curve %zu: rc %d, message:\n  %s\nwant:\n  %s", i, rc, msg, bad[i].msg);
    }
}

static void test_diag_lists_every_problem(void **state)
{
    (void)state;
    char text[4096], msg[1024];
    snprintf(text, sizeof text, "%s", base);
    char *c = strstr(text, "capex: 1800.50");
    memcpy(c, "capex: -1800.5", 14);
    c = strstr(text, "levels: [1.0, 1.5, 2.0]");
    memcpy(c, "levels: [2.0, 1.5, 2.0]", 23);
    nytte_project *p = NULL;
    nytte_diag diag = {0};
    assert_int_equal(load_text(text, strlen(text), &p, msg, sizeof msg, &diag), NYTTE_ECONFIG);
    assert_null(p);
    assert_int_equal(diag.n, 2);
    /* in the order the loader checks them (measures' money, then the hazard lists) */
    assert_non_null(strstr(diag.lines[0], "project.yaml:22:12: measures[0].capex: must not be negative, got -1800.5"));
    assert_non_null(strstr(diag.lines[1], "project.yaml:17:19: hazards[0].levels: levels (higher return periods have "
                                          "higher water) must increase strictly: 1.5 after 2"));
    assert_non_null(strstr(msg, "(and 1 more problems)"));
    nytte_diag_clear(&diag);
}

static void test_ytree_positions_and_refusals(void **state)
{
    (void)state;
    char err[512];
    const char doc[] = "a: 1\nb:\n  - x\n  - {c: d}\n";
    ynode *t = NULL;
    assert_int_equal(ytree_parse_string(&t, "t.yaml", doc, sizeof doc - 1, err, sizeof err), NYTTE_OK);
    assert_non_null(t);
    const ynode *b = ytree_get(t, "b");
    assert_non_null(b);
    assert_int_equal(b->type, YT_SEQ);
    assert_int_equal(b->n, 2);
    assert_int_equal(b->items[1]->line, 4);
    assert_int_equal(b->items[1]->col, 5);
    assert_string_equal(ytree_get(b->items[1], "c")->text, "d");
    ytree_free(t);

    static const struct {
        const char *text;
        size_t len;
        const char *msg;
    } bad[] = {
        {"", 0, "t.yaml:1:1: the file is empty"},
        {"a: 1\n---\nb: 2\n", 14, "t.yaml:2:1: more than one YAML document; a project file holds one"},
        {"a: [1, 2\n", 9, NULL},
        {"a: 1\nb: \0\n", 10, "t.yaml:2:4: the file holds a NUL byte; a project file is UTF-8 text"},
        /* libfyaml 0.7 looped for ever on this one (fuzz finding) */
        {"%FOO da\xf4" "a)\n", 11, "t.yaml:1:8: the text is not UTF-8 (save the project file as UTF-8)"},
        {"a: \xed\xa0\x80\n", 7, "t.yaml:1:4: the text is not UTF-8 (save the project file as UTF-8)"},
        {"a: \xc0\xaf\n", 6, "t.yaml:1:4: the text is not UTF-8 (save the project file as UTF-8)"},
        {"a: \xe2\x82\n", 6, "t.yaml:1:4: the text is not UTF-8 (save the project file as UTF-8)"},
        {"a: !!str 1\n", 11, "t.yaml:1:4: YAML tags (!!str) are not supported in project files (there is no !include)"},
        {"? [1]\n: 2\n", 9, "t.yaml:1:3: a mapping key must be a plain value"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        err[0] = '\0';
        t = NULL;
        int rc = ytree_parse_string(&t, "t.yaml", bad[i].text, bad[i].len, err, sizeof err);
        if (rc != NYTTE_ECONFIG || t || (bad[i].msg && strcmp(err, bad[i].msg) != 0) || strncmp(err, "t.yaml:", 7) != 0)
            fail_msg("case %zu: got '%s', want '%s'", i, err, bad[i].msg ? bad[i].msg : "t.yaml:...");
        ytree_free(t);
    }
    /* deep nesting is refused, not a stack overflow */
    char deep[600];
    memset(deep, '[', 300);
    memset(deep + 300, ']', 300);
    t = NULL;
    assert_int_equal(ytree_parse_string(&t, "t.yaml", deep, sizeof deep, err, sizeof err), NYTTE_ECONFIG);
    assert_null(t);
    assert_string_equal(err, "t.yaml:1:65: nesting is too deep");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_values_by_hand),
        cmocka_unit_test(test_money),
        cmocka_unit_test(test_messages),
        cmocka_unit_test(test_damage_curves),
        cmocka_unit_test(test_diag_lists_every_problem),
        cmocka_unit_test(test_ytree_positions_and_refusals),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
