/*
 * test_config.c — the project-file loader (engine/config): values read from a small
 * project checked by hand (money to the øre, lists, defaults, resolved paths), and the
 * exact file:line:col messages of bad files, including what ytree refuses before
 * libfyaml sees it (non-UTF-8 text, NUL bytes) and what it refuses after (anchors,
 * aliases, tags, duplicate keys, several documents), and the key table that is the schema:
 * every key the loader accepts is in it, and every key in it is accepted.
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
    const char *names[] = {"terrain.tif", "parcels.geojson", "owners.csv", "sea.geojson", "wall.geojson",
                           "flood.tif", "dtg.tif"};
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
         "project.yaml:22:12: measures[0].capex: expected an amount in kroner, got 1,5 (a decimal comma: write 1.5, with a decimal point and no thousands separators)"},
        {"    capex: 2.000.000\n", 0, 0,
         "project.yaml:22:12: measures[0].capex: expected an amount in kroner, got 2.000.000 (Danish thousands separators: write 2000000, with a decimal point and no thousands separators)"},
        {"    capex: 1.234,50\n", 0, 0,
         "project.yaml:22:12: measures[0].capex: expected an amount in kroner, got 1.234,50 (Danish thousands separators: write 1234.50, with a decimal point and no thousands separators)"},
        {"    capex: 1.5.0\n", 0, 0,
         "project.yaml:22:12: measures[0].capex: expected an amount in kroner (e.g. 45000000 or 1800.50), got '1.5.0'"},
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
        /* a key of another hazard type; the catchment's own keys are reported after the others */
        {"    levels: [1.0, 1.5, 2.0]\n", "    levels: [1.0, 1.5, 2.0]\n    protected_area: sea.geojson\n    rain: [1]\n",
         NYTTE_ECONFIG, "project.yaml:19:11: hazards[0]: 'rain' does not apply to a coastal hazard"},
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

/* The key table: a few keys known by hand, with the hazard types they apply to and when
 * they are required; no path twice. */
static void test_key_table_known_keys(void **state)
{
    (void)state;
    size_t n = 0;
    const nytte_config_key *keys = nytte_project_keys(&n);
    assert_non_null(keys);
    assert_true(n > 100);
    static const struct {
        const char *path;
        unsigned types, required;
    } known[] = {
        {"nytte", NYTTE_HAZARD_ANY, NYTTE_HAZARD_ANY},
        {"crs", NYTTE_HAZARD_ANY, 0},
        {"inputs.parcels.id", NYTTE_HAZARD_ANY, NYTTE_HAZARD_ANY},
        {"inputs.owners.share", NYTTE_HAZARD_ANY, 0},
        {"hazards[].levels", NYTTE_HAZARD_BIT(NYTTE_HAZARD_COASTAL), NYTTE_HAZARD_BIT(NYTTE_HAZARD_COASTAL)},
        {"hazards[].threshold", NYTTE_HAZARD_BIT(NYTTE_HAZARD_GROUNDWATER), NYTTE_HAZARD_BIT(NYTTE_HAZARD_GROUNDWATER)},
        {"hazards[].rain", NYTTE_HAZARD_BIT(NYTTE_HAZARD_BLUESPOT), 0},
        {"hazards[].runoff.landuse.<land use>", NYTTE_HAZARD_ANY, 0},
        {"measures[].lowering", NYTTE_HAZARD_BIT(NYTTE_HAZARD_GROUNDWATER), 0},
        {"measures[].deductions[].percent", NYTTE_HAZARD_ANY, 0},
        {"allocation.zones.upper", NYTTE_HAZARD_ANY, NYTTE_HAZARD_ANY},
        {"allocation.hybrid[].fraction", NYTTE_HAZARD_ANY, NYTTE_HAZARD_ANY},
        {"damage.curves.<use>.depth", NYTTE_HAZARD_ANY, NYTTE_HAZARD_ANY},
        {"outputs.shapefile", NYTTE_HAZARD_ANY, 0},
        {"uncertainty.draws", NYTTE_HAZARD_ANY, NYTTE_HAZARD_ANY},
        {"uncertainty.<input>", NYTTE_HAZARD_ANY, 0},
        {"uncertainty.<input>.distribution", NYTTE_HAZARD_ANY, NYTTE_HAZARD_ANY},
        {"uncertainty.<input>.correlation", NYTTE_HAZARD_ANY, 0},
        {"horizons", NYTTE_HAZARD_BIT(NYTTE_HAZARD_COASTAL), 0},
        {"horizons[].sea_level_rise", NYTTE_HAZARD_ANY, NYTTE_HAZARD_ANY},
    };
    for (size_t i = 0; i < sizeof known / sizeof known[0]; i++) {
        size_t k = 0;
        while (k < n && strcmp(keys[k].path, known[i].path) != 0)
            k++;
        if (k == n)
            fail_msg("%s is not in the key table", known[i].path);
        if (keys[k].hazard_types != known[i].types || keys[k].required != known[i].required)
            fail_msg("%s: types %#x required %#x", known[i].path, keys[k].hazard_types, keys[k].required);
    }
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < i; j++)
            if (strcmp(keys[i].path, keys[j].path) == 0)
                fail_msg("%s twice in the key table", keys[i].path);
}

/* A small coastal project with a distribution on each uncertain input. */
#define UNC_PROJECT(curve, value, floor, level, slr)                                                           \
    "nytte: 1\nname: unc\ninputs: {terrain: terrain.tif, parcels: {path: parcels.geojson, id: pid}}\n"         \
    "hazards: [{id: surge, type: coastal, sea: sea.geojson, return_periods: [100], levels: [1]}]\n"              \
    "measures: [{id: wall, geometry: wall.geojson, crest: 2, capex: 100}]\n"                                     \
    "allocation: {model: area}\n"                                                                                \
    "uncertainty: {draws: 10, damage_curve: " curve ", building_value: " value ", floor_height: " floor            \
    ", level_shift: " level ", sea_level_rise: " slr "}\n"

/* Projects that between them give every key of the table; each loads without a problem. */
static const char *const every_key[] = {
    /* coastal and catchment; every section's optional keys */
    "nytte: 1\n"
    "name: every key\n"
    "crs: EPSG:25832\n"
    "inputs:\n"
    "  terrain: terrain.tif\n"
    "  terrain_margin: 500\n"
    "  vertical_datum: DVR90\n"
    "  parcels: {path: parcels.geojson, layer: p, where: 'a > 0', crs: EPSG:25832, id: pid, value: v, landuse: lu,\n"
    "            paved_area: pa, property: sfe}\n"
    "  buildings: {path: parcels.geojson, layer: b, where: 'a > 0', crs: EPSG:25832, id: bid, parcel: pid, use: u,\n"
    "              floor_area: fa, floor_height: fh, value: bv, default_use: other, use_codes: bbr,\n"
    "              bbr: {path: owners.csv, layer: bbr, where: 'a > 0', key: id_lokalId, link: BBRUUID,\n"
    "                    use: byg021BygningensAnvendelse, floor_area: byg038SamletBygningsareal}}\n"
    "  owners: {path: owners.csv, layer: o, where: 'a > 0', parcel: pid, owner: oid, name: n, share: s}\n"
    "hazards:\n"
    "  - {id: surge, type: coastal, sea: {path: sea.geojson, layer: s, where: 'a > 0', crs: EPSG:25832},\n"
    "     return_periods: [20, 100],\n"
    "     levels: [1.0, 1.5], offset: 0.1, wave_allowance: 0.2, sea_level_rise: 0.3}\n"
    "  - id: upland\n"
    "    type: catchment\n"
    "    protected_area: {path: sea.geojson, layer: pa, where: 'a > 0', crs: EPSG:25832}\n"
    "    runoff: {roof: 0.9, paved: 0.8, fallback: 0.3, landuse: {farmland: 0.2}}\n"
    "measures:\n"
    "  - id: wall\n"
    "    name: Wall\n"
    "    geometry: {path: wall.geojson, layer: w, where: 'a > 0', crs: EPSG:25832}\n"
    "    crest: 3.0\n"
    "    burn: raise\n"
    "    capex: 1000\n"
    "    om_per_year: 10\n"
    "    lifetime: 50\n"
    "    deductions: [{name: Fond, kind: grant, amount: 10}, {name: Kommune, kind: municipal, percent: 10}]\n"
    "allocation:\n"
    "  model: hybrid\n"
    "  design_event: 100\n"
    "  om: yearly\n"
    "  exempt_unbuilt: true\n"
    "  exempt_land_only: false\n"
    "  min_benefit: 1\n"
    "  min_payment: 10\n"
    "  benefit_cap: {mode: cap, multiple: 1.5, residual_payer: Kommunen}\n"
    "  compensate_harmed: true\n"
    "  max_payment: 100\n"
    "  zones: {upper: [1, 2], factor: [1, 0.5], use_factor: {residential: 1}, min_area: 10}\n"
    "  parts: {base: 1, per_plot: 1, per_house: 1, plot_flooded: 1, building_flooded: 1, access_road: 1, kote: 2,\n"
    "          below_plot: 1, below_house: 1}\n"
    "  value_levy: {permille: [1, 2]}\n"
    "  area: {building: 2, plot: 1}\n"
    "  hybrid: [{model: area, fraction: 0.5}, {model: contributor, fraction: 0.5}]\n"
    "  compare: [benefit, zones]\n"
    "  contributor_fraction: 0.5\n"
    "  contributor_hazard: upland\n"
    "damage:\n"
    "  depth: max\n"
    "  ead: trapezoid/zero/constant\n"
    "  discount_rate: 0.03\n"
    "  horizon: 50\n"
    "  unit_value: {residential: 1000}\n"
    "  contents_factor: {business: 0.5}\n"
    "  curves: {residential: {depth: [0, 1], structure: [0, 0.5], contents: [0, 0.4]}}\n"
    "finance: {loan: annuity, years: 20, rate: 0.03, payments_per_year: 12}\n"
    "uncertainty:\n"
    "  draws: 100\n"
    "  seed: 42\n"
    "  damage_curve: {distribution: normal, mean: 1, sd: 0.1}\n"
    "  building_value: {distribution: lognormal, median: 1, sigma: 0.2, correlation: independent}\n"
    "  floor_height: {distribution: uniform, min: -0.1, max: 0.2, correlation: shared}\n"
    "  level_shift: {distribution: triangular, min: -0.1, mode: 0, max: 0.2}\n"
    "  sea_level_rise: {distribution: discrete, values: [0.3, 0.6], weights: [3, 1]}\n"
    "horizons: [{year: 2050, sea_level_rise: 0.3}, {year: 2100, sea_level_rise: 0.8}]\n"
    "outputs: {folder: out, csv_dialect: excel_da, shapefile: true}\n",
    /* the other families on every uncertain input (each input takes every family once over these) */
    UNC_PROJECT("{distribution: lognormal, median: 1, sigma: 0.3}", "{distribution: uniform, min: 0.8, max: 1.2}",
                "{distribution: triangular, min: 0, mode: 0.1, max: 0.3}",
                "{distribution: discrete, values: [0, 0.1], weights: [1, 3]}",
                "{distribution: normal, mean: 0.5, sd: 0.2}"),
    UNC_PROJECT("{distribution: uniform, min: 0.5, max: 1.5}",
                "{distribution: triangular, min: 0.8, mode: 1, max: 1.1}",
                "{distribution: discrete, values: [0, 0.2], weights: [1, 1]}",
                "{distribution: normal, mean: 0, sd: 0.05}", "{distribution: lognormal, median: 0.5, sigma: 0.4}"),
    UNC_PROJECT("{distribution: triangular, min: 0.5, mode: 1, max: 2}",
                "{distribution: discrete, values: [0.9, 1.1], weights: [2, 1]}",
                "{distribution: normal, mean: 0, sd: 0.1}", "{distribution: lognormal, median: 0.1, sigma: 0.5}",
                "{distribution: uniform, min: 0.2, max: 0.9}"),
    UNC_PROJECT("{distribution: discrete, values: [0.8, 1, 1.3], weights: [1, 2, 1]}",
                "{distribution: normal, mean: 1, sd: 0.1}", "{distribution: lognormal, median: 0.3, sigma: 0.2}",
                "{distribution: uniform, min: -0.1, max: 0.1}",
                "{distribution: triangular, min: 0.2, mode: 0.4, max: 1}"),
    /* given depth rasters with the measure; deductions for the project's one element; a design level */
    "nytte: 1\nname: flood\ninputs: {terrain: terrain.tif, parcels: {path: parcels.geojson, id: [a, b], property: e},\n"
    "  owners: {path: owners.csv, property: e, owner: o}}\n"
    "hazards:\n"
    "  - {id: river, type: flood_raster, return_periods: [100], rasters: [flood.tif],\n"
    "     with_measure: {wall: [flood.tif]}}\n"
    "measures: [{id: wall, geometry: wall.geojson, capex: 100}]\n"
    "allocation: {model: area, deductions: [{name: a, kind: grant, amount: 1}, {name: b, percent: 5}]}\n",
    "nytte: 1\nname: level\ninputs: {terrain: terrain.tif, parcels: {path: parcels.geojson, id: pid}}\n"
    "hazards: [{id: surge, type: coastal, sea: sea.geojson, return_periods: [100], levels: [1]}]\n"
    "measures: [{id: wall, geometry: wall.geojson, crest: 2, capex: 100}]\n"
    "allocation: {model: area, design_level: 1.5}\n",
    /* a drain against groundwater; a bluespot with rain */
    "nytte: 1\nname: gw\ninputs: {terrain: terrain.tif, parcels: {path: parcels.geojson, id: pid}}\n"
    "hazards: [{id: gw, type: groundwater, return_periods: [100], rasters: [dtg.tif], threshold: 1.5}]\n"
    "measures: [{id: drain, geometry: wall.geojson, lowering: 0.5, reach: 20, capex: 100}]\n"
    "allocation: {model: area}\n",
    "nytte: 1\nname: bs\ninputs: {terrain: terrain.tif, parcels: {path: parcels.geojson, id: pid}}\n"
    "hazards: [{id: rain, type: bluespot, return_periods: [100], rain: [60]}]\n"
    "measures: [{id: kerb, geometry: wall.geojson, crest: 1, burn: lower, capex: 100}]\n"
    "allocation: {model: area}\n",
};

/* The row of the key table for the key `name` of the mapping at `parent`: its own, else
 * the mapping's <...> row (a name the file chooses); -1 if none. */
static long key_row(const nytte_config_key *keys, size_t n, const char *parent, const char *name)
{
    char path[256];
    snprintf(path, sizeof path, "%s%s%s", parent, *parent ? "." : "", name);
    for (size_t i = 0; i < n; i++)
        if (strcmp(keys[i].path, path) == 0)
            return (long)i;
    snprintf(path, sizeof path, "%s%s<", parent, *parent ? "." : "");
    for (size_t i = 0; i < n; i++)
        if (strncmp(keys[i].path, path, strlen(path)) == 0 && !strchr(keys[i].path + strlen(path), '.'))
            return (long)i;
    return -1;
}

/* Every key in the tree t (at key path `at`) is a row of the table; mark the rows seen. */
static void walk_keys(const ynode *t, const char *at, const nytte_config_key *keys, size_t n, char *seen)
{
    char sub[256];
    if (t->type == YT_SEQ) {
        snprintf(sub, sizeof sub, "%s[]", at);
        for (size_t i = 0; i < t->n; i++)
            walk_keys(t->items[i], sub, keys, n, seen);
    } else if (t->type == YT_MAP) {
        for (size_t i = 0; i < t->n; i++) {
            long row = key_row(keys, n, at, t->items[2 * i]->text);
            if (row < 0)
                fail_msg("%s%s%s: the loader accepts it, the key table does not have it", at, *at ? "." : "",
                         t->items[2 * i]->text);
            seen[row] = 1;
            walk_keys(t->items[2 * i + 1], keys[row].path, keys, n, seen);
        }
    }
}

static void test_key_table_is_the_schema(void **state)
{
    (void)state;
    size_t n = 0;
    const nytte_config_key *keys = nytte_project_keys(&n);
    char *seen = calloc(n, 1);
    assert_non_null(seen);
    for (size_t i = 0; i < sizeof every_key / sizeof every_key[0]; i++) {
        char msg[1024], err[512];
        nytte_project *p = NULL;
        int rc = load_text(every_key[i], strlen(every_key[i]), &p, msg, sizeof msg, NULL);
        nytte_project_free(p);
        if (rc != NYTTE_OK)
            fail_msg("project %zu: %s", i, msg);
        ynode *t = NULL;
        assert_int_equal(ytree_parse_string(&t, "t.yaml", every_key[i], strlen(every_key[i]), err, sizeof err),
                         NYTTE_OK);
        walk_keys(t, "", keys, n, seen);
        ytree_free(t);
    }
    /* and the other way round: every key of the table was given above and accepted */
    for (size_t i = 0; i < n; i++)
        if (!seen[i])
            fail_msg("%s: in the key table, but no project above gives it", keys[i].path);
    free(seen);
}

/* ---- docs/project-file.md lists every key ------------------------------------------------ */

typedef struct doc_keys {
    char path[400][192];
    int line[400];
    size_t n;
} doc_keys;

static void doc_key(doc_keys *d, const char *parent, const char *key, size_t klen, int line)
{
    if (d->n < 400) {
        snprintf(d->path[d->n], sizeof d->path[d->n], "%s%s%.*s", parent, *parent ? "." : "", (int)klen, key);
        d->line[d->n++] = line;
    }
}

/* The keys of a flow mapping at s ('{' ... '}'), each under parent (nested ones too); returns past the '}'. */
static const char *doc_flow(doc_keys *d, const char *parent, const char *s, int line)
{
    s++; /* '{' */
    while (*s && *s != '}') {
        while (*s == ' ' || *s == ',')
            s++;
        const char *k = s;
        while (*s && *s != ':' && *s != '}' && *s != ',')
            s++;
        if (*s != ':')
            break;
        size_t kl = (size_t)(s - k);
        doc_key(d, parent, k, kl, line);
        s++;
        while (*s == ' ')
            s++;
        char sub[192];
        snprintf(sub, sizeof sub, "%s%s%.*s", parent, *parent ? "." : "", (int)kl, k);
        if (*s == '{')
            s = doc_flow(d, sub, s, line);
        else if (*s == '[') {
            int depth = 0;
            do {
                depth += *s == '[' ? 1 : *s == ']' ? -1 : 0;
                s++;
            } while (*s && depth > 0);
        } else if (*s == '"') {
            s = strchr(s + 1, '"');
            s = s ? s + 1 : "";
        } else
            while (*s && *s != ',' && *s != '}')
                s++;
    }
    return *s ? s + 1 : s;
}

/*
 * The key paths of the YAML examples of a markdown file, the way the key table writes
 * them (hazards[].levels). Commented-out keys (`  # design_event: 100`) count: they are
 * the documented alternatives. An example that starts indented continues the one before
 * (the hazard types under `hazards:`).
 */
static void doc_yaml_keys(doc_keys *d, const char *md)
{
    struct {
        int indent;
        char path[192];
    } st[32];
    int depth = 0, lineno = 0;
    bool in = false;
    for (const char *l = md; *l;) {
        const char *e = strchr(l, '\n');
        size_t len = e ? (size_t)(e - l) : strlen(l);
        char buf[512];
        snprintf(buf, sizeof buf, "%.*s", (int)(len < sizeof buf ? len : sizeof buf - 1), l);
        l = e ? e + 1 : l + len;
        lineno++;
        if (!strncmp(buf, "```", 3)) {
            in = !in && !strncmp(buf, "```yaml", 7);
            continue;
        }
        if (!in)
            continue;
        int ind = 0;
        while (buf[ind] == ' ')
            ind++;
        char *c = buf + ind;
        if (c[0] == '#' && ind >= 16) /* a comment aligned to the right explains the line above */
            continue;
        if (c[0] == '#') { /* a commented-out key is documented (`#   mode: cap` nests by its spaces) */
            char *k = c + 1 + (c[1] == ' ');
            int more = (int)strspn(k, " ");
            k += more;
            if (!strncmp(k, "- ", 2)) {
                k += 2;
                more += 2;
            }
            size_t kl = strspn(k, "abcdefghijklmnopqrstuvwxyz_{");
            if (!kl || (k[0] != '{' && k[kl] != ':'))
                continue;
            if (k[-2] == '-' && k[-1] == ' ') { /* a commented list item: back to "- " for the parser below */
                k -= 2;
                more -= 2;
            }
            ind += more;
            c = k;
        }
        char *hash = strstr(c, " #");
        if (hash)
            *hash = '\0';
        if (!*c)
            continue;
        while (depth > 0 && st[depth - 1].indent >= ind)
            depth--;
        const char *parent = depth ? st[depth - 1].path : "";
        char item[192];
        if (!strncmp(c, "- ", 2)) { /* a list item: its keys are under parent[] */
            snprintf(item, sizeof item, "%s[]", parent);
            c += 2;
            ind += 2;
            if (*c == '{') {
                doc_flow(d, item, c, lineno);
                continue;
            }
            if (depth < 32) {
                st[depth].indent = ind - 1;
                snprintf(st[depth].path, sizeof st[depth].path, "%s", item);
                depth++;
            }
            parent = st[depth - 1].path;
        }
        size_t kl = strspn(c, "abcdefghijklmnopqrstuvwxyz_0123456789");
        if (!kl || c[kl] != ':')
            continue;
        doc_key(d, parent, c, kl, lineno);
        const char *v = c + kl + 1;
        while (*v == ' ')
            v++;
        char path[160];
        snprintf(path, sizeof path, "%s", d->path[d->n - 1]);
        if (*v == '{')
            doc_flow(d, path, v, lineno);
        else if (*v == '[' && strchr(v, '{')) {
            snprintf(item, sizeof item, "%s[]", path);
            for (const char *f = strchr(v, '{'); f; f = strchr(f, '{'))
                f = doc_flow(d, item, f, lineno);
        } else if (!*v && depth < 32) {
            st[depth].indent = ind;
            snprintf(st[depth].path, sizeof st[depth].path, "%s", path);
            depth++;
        }
    }
}

static void test_docs_list_every_key(void **state)
{
    (void)state;
    char path[4096];
    snprintf(path, sizeof path, "%s", __FILE__);
    char *slash = strrchr(path, '/');
    assert_non_null(slash);
    snprintf(slash, sizeof path - (size_t)(slash - path), "/../../docs/project-file.md");
    FILE *f = fopen(path, "rb");
    if (!f)
        fail_msg("%s: cannot open", path);
    static char md[1 << 20];
    size_t n = fread(md, 1, sizeof md - 1, f);
    fclose(f);
    md[n] = '\0';
    static doc_keys d;
    d.n = 0;
    doc_yaml_keys(&d, md);
    size_t nk = 0;
    const nytte_config_key *keys = nytte_project_keys(&nk);
    char *seen = calloc(nk, 1);
    assert_non_null(seen);
    int bad = 0;
    for (size_t i = 0; i < d.n; i++) {
        char parent[192], name[192];
        snprintf(parent, sizeof parent, "%s", d.path[i]);
        char *dot = strrchr(parent, '.');
        snprintf(name, sizeof name, "%s", dot ? dot + 1 : parent);
        if (dot)
            *dot = '\0';
        else
            parent[0] = '\0';
        /* a documented parent that is itself a placeholder row (curves.residential.depth) */
        long row = key_row(keys, nk, parent, name);
        for (size_t k = 0; row < 0 && k < nk; k++) {
            const char *lt = strchr(keys[k].path, '<');
            if (!lt)
                continue;
            /* keys[k].path = A.<x>.B: does d.path = A.<anything>.B? */
            size_t pre = (size_t)(lt - keys[k].path);
            const char *gt = strchr(lt, '>');
            if (strncmp(d.path[i], keys[k].path, pre) != 0 || !gt)
                continue;
            const char *rest = strchr(d.path[i] + pre, '.');
            if ((!rest && !gt[1]) || (rest && !strcmp(rest, gt + 1)))
                row = (long)k;
        }
        if (row < 0) {
            print_message("docs/project-file.md:%d: %s: documented, but the loader has no such key\n", d.line[i], d.path[i]);
            bad = 1;
        } else
            seen[row] = 1;
    }
    for (size_t k = 0; k < nk; k++)
        if (!seen[k]) {
            print_message("%s: the loader accepts it, docs/project-file.md does not show it in an example\n", keys[k].path);
            bad = 1;
        }
    free(seen);
    if (bad)
        fail_msg("docs/project-file.md and the key table disagree (above)");
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
        cmocka_unit_test(test_key_table_known_keys),
        cmocka_unit_test(test_key_table_is_the_schema),
        cmocka_unit_test(test_docs_list_every_key),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
