/*
 * manifest.json — what is needed to reproduce and check a run: the nytte version, the
 * project file verbatim with its SHA-256, the SHA-256 of every input file and of every
 * output written before it, the CRS, the rules, the thread count, the time per stage,
 * the totals with each element's economics and safeguards, and the safeguards' findings. Owner names never appear here (nor owner ids: only counts and sums).
 */
#include "report/report_int.h"

#include "nytte/io.h"

#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

typedef struct input_file {
    const char *path;
    char roles[256];
    bool outside; /* outside the project's folder */
} input_file;

static void add_input(input_file *f, size_t *n, size_t cap, const char *path, const char *role)
{
    if (!path)
        return;
    for (size_t i = 0; i < *n; i++)
        if (!strcmp(f[i].path, path)) {
            size_t k = strlen(f[i].roles);
            snprintf(f[i].roles + k, sizeof f[i].roles - k, ", %s", role);
            return;
        }
    if (*n == cap)
        return;
    f[*n].path = path;
    snprintf(f[*n].roles, sizeof f[*n].roles, "%s", role);
    (*n)++;
}

static void ore_field(sbuf *b, const char *name, int64_t ore, int comma)
{
    sb_printf(b, "%s\"%s\": %lld", comma ? ", " : "", name, (long long)ore);
}

/* path's size and SHA-256, shown as `shown`; a GDAL virtual path's are its archive's. */
static int file_entry(nytte_ctx *ctx, sbuf *b, const char *path, const char *shown)
{
    char hex[65], file[4400];
    struct stat st;
    if (!nytte_path_on_disk(file, sizeof file, path))
        return nytte_error(ctx, NYTTE_EIO, "%s: no file on disk to hash for the manifest", path);
    path = file;
    int rc = nytte_sha256_file(ctx, hex, path);
    if (rc)
        return rc;
    sb_add(b, "\"path\": ");
    sb_json(b, shown);
    sb_printf(b, ", \"bytes\": %lld, \"sha256\": \"%s\"", stat(path, &st) == 0 ? (long long)st.st_size : -1LL, hex);
    return NYTTE_OK;
}

static int skip_output(const struct dirent *e)
{
    return e->d_name[0] != '.' && strcmp(e->d_name, "manifest.json") != 0;
}

/* "project": the project file verbatim, with its path, name and SHA-256. */
static int project_entry(nytte_ctx *ctx, sbuf *b, const nytte_project *p)
{
    FILE *f = fopen(p->path, "rb");
    if (!f)
        return nytte_error(ctx, NYTTE_EIO, "%s: cannot read the project file for the manifest", p->path);
    sbuf t = {0};
    char chunk[8192];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
        sb_addn(&t, chunk, n);
    fclose(f);
    nytte_sha256 sh;
    char hex[65];
    nytte_sha256_init(&sh);
    nytte_sha256_update(&sh, t.s ? t.s : "", t.n);
    nytte_sha256_final(&sh, hex);
    sb_add(b, ",\n  \"project\": {\"path\": ");
    sb_json(b, p->path);
    sb_add(b, ", \"name\": ");
    sb_json(b, p->name);
    sb_printf(b, ", \"sha256\": \"%s\", \"text\": ", hex);
    sb_json(b, t.s ? t.s : "");
    sb_add(b, "}");
    free(t.s);
    return NYTTE_OK;
}

/*
 * "inputs": every input file once, with its roles, size and SHA-256; a file outside the
 * project's folder (shared data, an absolute path, ../) says so, and "inputs_outside_project"
 * lists them: a run is reproduced with those files too. The terrain is the files its cells
 * came from: of a terrain of many tiles the tiles the run read (not every tile the project
 * names), of a VRT the VRT and its sources.
 */
static int inputs_entry(nytte_ctx *ctx, sbuf *b, const nytte_project *p, const nytte_inputs *run)
{
    nytte_project_input *all = NULL;
    size_t nall = 0, nterrain = run ? run->nterrain_files : 0;
    int rc = nytte_project_inputs(ctx, &all, &nall, p);
    size_t cap = nall + nterrain;
    input_file *in = calloc(cap ? cap : 1, sizeof *in);
    size_t nin = 0, nout = 0;
    bool terrain_done = false;
    if (!rc && !in)
        rc = nytte_nomem(ctx, "manifest.json: %zu inputs", cap);
    for (size_t i = 0; !rc && i < nall; i++) {
        bool terrain = !strcmp(all[i].role, "terrain");
        if (!terrain || !p->nterrain_tiles)
            add_input(in, &nin, cap, all[i].path, all[i].role);
        if (terrain && !terrain_done)
            for (size_t k = 0; k < nterrain; k++)
                add_input(in, &nin, cap, run->terrain_files[k], "terrain");
        terrain_done |= terrain;
    }
    sb_add(b, ",\n  \"inputs\": [");
    for (size_t i = 0; !rc && i < nin; i++) {
        sb_add(b, i ? ",\n    {\"roles\": " : "\n    {\"roles\": ");
        sb_json(b, in[i].roles);
        sb_add(b, ", ");
        if ((rc = file_entry(ctx, b, in[i].path, in[i].path)))
            break;
        in[i].outside = nytte_project_path_outside(p, in[i].path);
        nout += in[i].outside;
        sb_add(b, in[i].outside ? ", \"outside_project\": true}" : "}");
    }
    sb_add(b, "\n  ]");
    if (!rc && nout) {
        sb_add(b, ",\n  \"inputs_outside_project\": [");
        for (size_t i = 0, k = 0; i < nin; i++)
            if (in[i].outside) {
                sb_add(b, k++ ? ", " : "");
                sb_json(b, in[i].path);
            }
        sb_add(b, "]");
    }
    free(in);
    free(all);
    return rc;
}

/* The CRS, the rules, the loan, the thread count and the CSV dialect. */
static void settings_entries(nytte_ctx *ctx, sbuf *b, const nytte_report_data *d)
{
    const nytte_project *p = d->project;
    char crs[256];
    sb_add(b, ",\n  \"crs\": {\"given\": ");
    sb_json(b, p->crs);
    sb_add(b, ", \"name\": ");
    sb_json(b, nytte_crs_name(crs, sizeof crs, d->inputs->crs_wkt));
    sb_add(b, ", \"wkt\": ");
    sb_json(b, d->inputs->crs_wkt);
    sb_add(b, "}");
    sb_add(b, ",\n  \"vertical_datum\": ");
    sb_json(b, p->vertical_datum);
    if (p->design_level == p->design_level)
        sb_printf(b, ",\n  \"design\": {\"level_m\": %.4f}", p->design_level);
    else
        sb_printf(b, ",\n  \"design\": {\"return_period_years\": %g}", p->design_event);
    sb_add(b, ",\n  \"ead_rule\": ");
    sb_json(b, d->ead_rule);
    sb_printf(b, ",\n  \"discount_rate\": %g, \"horizon_years\": %d", p->discount_rate, p->horizon);
    sb_add(b, ",\n  \"allocation_model\": ");
    sb_json(b, nytte_alloc_model_name(p->alloc.model));
    sb_add(b, ",\n  \"allocation_words\": ");
    char words[2048];
    sb_json(b, nytte_report_model_words(words, sizeof words, &p->alloc));
    sb_add(b, ",\n  \"compare\": [");
    for (size_t k = 0; k < p->ncompare; k++) {
        sb_add(b, k ? ", " : "");
        sb_json(b, nytte_alloc_model_name(p->compare[k].model));
    }
    sb_add(b, "]");
    sb_add(b, ",\n  \"loan\": {\"kind\": ");
    sb_json(b, nytte_loan_kind_name(p->loan.kind));
    sb_printf(b, ", \"years\": %d, \"rate\": %g, \"payments_per_year\": %d}", p->loan.years, p->loan.rate,
              p->loan.payments_per_year);
    const nytte_alloc_rules *rules = &p->alloc.rules;
    sb_add(b, ",\n  \"benefit_cap\": {\"mode\": ");
    sb_json(b, nytte_alloc_benefit_cap_name(rules->benefit_cap));
    sb_printf(b, ", \"multiple\": %g, \"residual_payer\": ", rules->benefit_multiple);
    sb_json(b, rules->residual_payer);
    sb_printf(b, ", \"compensate_harmed\": %s}", rules->compensate_harmed ? "true" : "false");
    sb_printf(b, ",\n  \"threads\": %d", nytte_ctx_threads(ctx));
    sb_add(b, ",\n  \"csv_dialect\": ");
    sb_json(b, p->csv_excel_da ? "excel_da" : "standard");
    report_manifest_uncertainty_settings(b, d);
}

/* Counts of where the buildings' parcels, uses and floor areas came from, as {"field": 3, ...}. */
static void from_counts(sbuf *b, const char *name, const size_t *count, unsigned which)
{
    sb_printf(b, ", \"%s\": {", name);
    int k = 0;
    for (unsigned f = 0; f < NYTTE_FROM_COUNT; f++)
        if (which & (1u << f))
            sb_printf(b, "%s\"%s\": %zu", k++ ? ", " : "", nytte_from_name((nytte_from)f), count[f]);
    sb_add(b, "}");
}

/*
 * "buildings": how they were read (docs/outputs.md): by a parcel field or by their
 * footprint, how many were kept, left out and tied, and where the parcel, the use and the
 * floor area of each came from. Only with buildings.
 */
static void buildings_entry(sbuf *b, const nytte_report_data *d)
{
    const nytte_project *p = d->project;
    const nytte_building_notes *n = &d->inputs->bnotes;
    if (!p->buildings.given)
        return;
    sb_printf(b, ",\n  \"buildings\": {\"parcel_by\": \"%s\", \"features\": %zu, \"kept\": %zu, "
                 "\"unassigned\": %zu, \"ties\": %zu",
              n->by_footprint ? "largest part of the footprint" : "field", n->nread, d->inputs->nbuildings,
              n->nunassigned, n->ties);
    from_counts(b, "parcel_from", n->parcel_from,
                1u << NYTTE_FROM_FIELD | 1u << NYTTE_FROM_FOOTPRINT | 1u << NYTTE_FROM_POINT);
    from_counts(b, "use_from", n->use_from, 1u << NYTTE_FROM_FIELD | 1u << NYTTE_FROM_BBR | 1u << NYTTE_FROM_DEFAULT);
    from_counts(b, "floor_area_from", n->floor_area_from,
                1u << NYTTE_FROM_FIELD | 1u << NYTTE_FROM_BBR | 1u << NYTTE_FROM_FOOTPRINT);
    sb_add(b, ", \"use_codes\": ");
    if (p->buildings.use_codes)
        sb_json(b, p->buildings.use_codes);
    else
        sb_add(b, "null");
    sb_add(b, "}");
}

/* "timings_s": seconds per stage and their total. */
static void timings_entry(sbuf *b, const nytte_report_data *d)
{
    sb_add(b, ",\n  \"timings_s\": {");
    double total = 0;
    for (size_t k = 0; d->timing && k < d->ntiming; k++) {
        sb_printf(b, "%s\"", k ? ", " : "");
        sb_add(b, d->timing_names && d->timing_names[k] ? d->timing_names[k] : "stage");
        sb_printf(b, "\": %.3f", d->timing[k]);
        total += d->timing[k];
    }
    sb_printf(b, "%s\"total\": %.3f}", d->ntiming ? ", " : "", total);
}

/* A number, or null when it is not one (JSON has no NaN). */
static void num_field(sbuf *b, const char *name, double v)
{
    if (v == v && v - v == 0)
        sb_printf(b, ", \"%s\": %.6g", name, v);
    else
        sb_printf(b, ", \"%s\": null", name);
}

/* An element's economics and safeguards: BCR, the payers' benefit and charge, the bound, the harmed. */
static void safeguard_fields(sbuf *b, const nytte_report_data *d, size_t e)
{
    const nytte_alloc_element_result *er = &d->alloc->elements[e];
    int64_t benefit = 0;
    nytte_alloc_kr_to_ore(er->payers_benefit_kr, &benefit);
    num_field(b, "benefit_cost_ratio", d->element_pv ? d->element_pv[e].bcr : NAN);
    ore_field(b, "payers_benefit_ore", benefit, 1);
    ore_field(b, "payers_charged_ore", er->payers_ore, 1);
    sb_printf(b, ", \"over_benefit\": %zu, \"no_benefit\": %zu, \"held_at_benefit\": %zu", er->nover_benefit,
              er->nno_benefit, er->ncap_benefit);
    num_field(b, "max_benefit_ratio", er->max_ratio);
    ore_field(b, "residual_ore", er->residual_ore, 1);
    int64_t harm = 0;
    nytte_alloc_kr_to_ore(er->harmed_pv_kr, &harm);
    sb_printf(b, ", \"harmed\": %zu", er->nharmed);
    ore_field(b, "harmed_pv_ore", harm, 1);
    ore_field(b, "compensation_ore", er->compensation_ore, 1);
}

/* "totals": counts, and the pools and charges in øre, in all and per element. */
static void totals_entry(sbuf *b, const nytte_report_data *d)
{
    const nytte_project *p = d->project;
    const nytte_alloc_result *r = d->alloc;
    size_t payers = 0;
    int64_t charged = 0;
    for (size_t o = 0; o < r->nowners; o++) {
        payers += r->owners[o].total_ore > 0;
        charged += r->owners[o].total_ore;
    }
    sb_printf(b, ",\n  \"totals\": {\"parcels\": %zu, \"buildings\": %zu, \"owners\": %zu, \"payers\": %zu",
              d->inputs->nparcels, d->inputs->nbuildings, r->nowners, payers);
    ore_field(b, "pool_ore", r->total_ore, 1);
    ore_field(b, "yearly_pool_ore", r->yearly_ore, 1);
    ore_field(b, "charged_ore", charged, 1);
    ore_field(b, "residual_ore", r->residual_ore, 1);
    sb_add(b, ",\n    \"elements\": [");
    for (size_t e = 0; e < r->nelements; e++) {
        const nytte_alloc_element_result *er = &r->elements[e];
        sb_add(b, e ? ",\n      {\"id\": " : "\n      {\"id\": ");
        sb_json(b, er->id);
        sb_add(b, ", \"model\": ");
        sb_json(b, nytte_alloc_model_name(er->model));
        ore_field(b, "capex_ore", er->pool.capex_ore, 1);
        ore_field(b, "om_pv_ore", er->pool.om_pv_ore, 1);
        ore_field(b, "gross_ore", er->pool.gross_ore, 1);
        sb_add(b, ", \"deductions\": [");
        for (size_t k = 0; k < er->pool.ndeductions; k++) {
            const char *label = e < p->nmeasures && k < p->measures[e].ndeductions ? p->measures[e].deductions[k].name
                                                                                   : "deduction";
            sb_add(b, k ? ", {\"name\": " : "{\"name\": ");
            sb_json(b, label);
            ore_field(b, "ore", er->pool.deducted_ore[k], 1);
            sb_add(b, "}");
        }
        sb_add(b, "]");
        ore_field(b, "pool_ore", er->pool.pool_ore, 1);
        ore_field(b, "yearly_ore", er->pool.yearly_ore, 1);
        sb_printf(b, ", \"in_area\": %zu, \"payers\": %zu, \"exempt\": %zu", er->nin_area, er->npayers, er->nexempt);
        safeguard_fields(b, d, e);
        sb_add(b, "}");
    }
    sb_add(b, "\n    ]");
    report_manifest_uncertainty_totals(b, d);
    sb_add(b, "\n  }");
}

/* "findings": the safeguards' findings, one line each, as the run printed them. */
static void findings_entry(sbuf *b, const nytte_report_data *d)
{
    sb_add(b, ",\n  \"findings\": [");
    for (size_t i = 0; i < d->nfindings; i++) {
        sb_add(b, i ? ",\n    " : "\n    ");
        sb_json(b, d->findings[i]);
    }
    sb_add(b, d->nfindings ? "\n  ]" : "]");
}

/* "outputs": every file already in dir but the manifest, by name, with its size and SHA-256. */
static int outputs_entry(nytte_ctx *ctx, sbuf *b, const char *dir)
{
    struct dirent **ents = NULL;
    int rc = NYTTE_OK, nents = scandir(dir, &ents, skip_output, alphasort);
    if (nents < 0)
        return nytte_error(ctx, NYTTE_EIO, "%s: cannot list the outputs", dir);
    sb_add(b, ",\n  \"outputs\": [");
    for (int i = 0; i < nents && !rc; i++) {
        char path[4400];
        snprintf(path, sizeof path, "%s/%s", dir, ents[i]->d_name);
        sb_add(b, i ? ",\n    {" : "\n    {");
        if (!(rc = file_entry(ctx, b, path, ents[i]->d_name)))
            sb_add(b, "}");
    }
    sb_add(b, "\n  ]\n}\n");
    for (int i = 0; i < nents; i++)
        free(ents[i]);
    free((void *)ents);
    return rc;
}

int nytte_report_write_manifest(nytte_ctx *ctx, const nytte_report_data *d, const char *dir)
{
    sbuf b = {0};
    int rc;
    sb_add(&b, "{\n  \"nytte_version\": ");
    sb_json(&b, nytte_version());
    time_t now = time(NULL);
    struct tm tmv;
    char when[64];
    gmtime_r(&now, &tmv);
    strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tmv);
    sb_add(&b, ",\n  \"created_utc\": ");
    sb_json(&b, when);
    if ((rc = project_entry(ctx, &b, d->project)) || (rc = inputs_entry(ctx, &b, d->project, d->inputs)))
        goto cleanup;
    buildings_entry(&b, d);
    settings_entries(ctx, &b, d);
    timings_entry(&b, d);
    totals_entry(&b, d);
    findings_entry(&b, d);
    if ((rc = outputs_entry(ctx, &b, dir)))
        goto cleanup;
    rc = sb_write_file(ctx, &b, dir, "manifest.json");
cleanup:
    free(b.s);
    return rc;
}
