/*
 * gen_catchment_case.c — generates the bundled catchment case "Åbyen" (datasets/aabyen/):
 * a river valley 1500 × 1000 m at 2 m cells (750 × 500) falling east to the coast, with
 * a village and farmland upstream, forest beyond the ridges (outside the catchment), a
 * town on the river near the coast that floods, and a retention basin upstream (the
 * measure) that lowers the town's flood levels. Writes terrain.tif, four given flood
 * depth rasters (20 and 100 years, without and with the basin), cadastre.gpkg (parcels,
 * buildings, measures, protected) and owners.csv, all EPSG:25832 at an invented place.
 *
 * With --report it then computes, with the library (flow directions, the catchment of
 * the protected area, exact parcel and roof areas in it, runoff coefficients, building
 * damage, EAD, present value, allocation), the split of the owners' pool under
 * benefit, contributor and benefit_and_contributor (50/50) and prints Markdown tables
 * (docs/dataset-aabyen.md) — the numbers the pipeline must reproduce once it is wired.
 *
 * Deterministic: no random numbers; every terrain value from +, -, *, / and sin of
 * exact arguments (the same libm gives the same bytes).
 *
 * Usage: gen_catchment_case --out DIR [--report]
 */
#include "nytte/allocate.h"
#include "nytte/catchment.h"
#include "nytte/damage.h"
#include "nytte/io.h"
#include "nytte/overlay.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const WKT_25832 =
    "PROJCS[\"ETRS89 / UTM zone 32N\",GEOGCS[\"ETRS89\",DATUM[\"European_Terrestrial_Reference_System_1989\","
    "SPHEROID[\"GRS 1980\",6378137,298.257222101]],PRIMEM[\"Greenwich\",0],UNIT[\"degree\",0.0174532925199433]],"
    "PROJECTION[\"Transverse_Mercator\"],PARAMETER[\"latitude_of_origin\",0],PARAMETER[\"central_meridian\",9],"
    "PARAMETER[\"scale_factor\",0.9996],PARAMETER[\"false_easting\",500000],PARAMETER[\"false_northing\",0],"
    "UNIT[\"metre\",1],AUTHORITY[\"EPSG\",\"25832\"]]";

#define X0 560000.0
#define Y0 6180000.0
#define W 1500.0
#define H 1000.0
#define RES 2.0

/* ---- terrain (local u east 0..1500, v south 0..1000; river axis at v = 500) ---- */

static double axis_z(double u) { return 1.0 + 0.016 * (W - u); }

static double side_z(double d)
{
    double a = fabs(d);
    return a <= 400.0 ? 0.00008 * a * a : 12.8 - 0.00008 * (a - 400.0) * (a - 400.0); /* ridge at |d| = 400 */
}

static double terrain_z(double u, double v)
{
    double d = v - 500.0;
    double z = axis_z(u) + side_z(d) + 0.3 * sin(u / 97.0) * sin(v / 131.0);
    if (fabs(d) < 6.0)
        z -= 1.2; /* the river channel */
    return z;
}

/* Flood stage above the axis (m) for T = 20, 100 years, without / with the basin (downstream of it). */
static const double STAGE[2][2] = {{1.6, 2.2}, {1.1, 1.6}};
#define BASIN_U1 760.0

static double flood_depth(double u, double v, int T100, int with_basin)
{
    double d = v - 500.0;
    if (fabs(d) > 250.0)
        return 0.0;
    double stage = STAGE[with_basin && u > BASIN_U1][T100];
    double z = terrain_z(u, v), wl = axis_z(u) + stage - 1.2 + 0.3; /* level above the channel bed */
    return wl > z ? wl - z : 0.0;
}

/* ---- tables --------------------------------------------------------------- */

typedef struct {
    char id[16];
    double u0, v0, u1, v1;
    const char *landuse;
    const char *group; /* town, village, farm, forest, river */
    double value, paved;
    char owner[2][24];
    int nowners;
} gparcel;

typedef struct {
    char id[16];
    int parcel;
    double u0, v0, u1, v1;
    const char *use;
    double floor_area, floor_height;
} gbuilding;

static gparcel P[400];
static int NP;
static gbuilding B[400];
static int NB;

static void rect(nytte_geom *g, double u0, double v0, double u1, double v1)
{
    /* counter-clockwise in world coordinates (y up) */
    const double xy[] = {X0 + u0, Y0 - v1, X0 + u1, Y0 - v1, X0 + u1, Y0 - v0, X0 + u0, Y0 - v0, X0 + u0, Y0 - v1};
    const size_t n[] = {5};
    nytte_geom_set(g, NYTTE_GEOM_POLYGON, 1, n, xy);
}

static int add_parcel(const char *id, double u0, double v0, double u1, double v1, const char *landuse,
                      const char *group, double value, double paved)
{
    gparcel *p = &P[NP];
    snprintf(p->id, sizeof p->id, "%s", id);
    p->u0 = u0, p->v0 = v0, p->u1 = u1, p->v1 = v1;
    p->landuse = landuse;
    p->group = group;
    p->value = value;
    p->paved = paved;
    snprintf(p->owner[0], sizeof p->owner[0], "E-%s", id);
    p->nowners = 1;
    return NP++;
}

static void add_building(int parcel, double w, double h, const char *use, double floor_area, double du)
{
    gbuilding *b = &B[NB];
    const gparcel *p = &P[parcel];
    snprintf(b->id, sizeof b->id, "B%03d", NB + 1);
    b->parcel = parcel;
    double cu = (p->u0 + p->u1) / 2 + du, cv = (p->v0 + p->v1) / 2;
    b->u0 = cu - w / 2, b->u1 = cu + w / 2, b->v0 = cv - h / 2, b->v1 = cv + h / 2;
    b->use = use;
    b->floor_area = floor_area;
    b->floor_height = 0.3;
    NB++;
}

static void build_tables(void)
{
    char id[16];
    int k = 0;
    /* town: two blocks of 18 × 4 plots (20 × 30 m) either side of the river, businesses by the coast */
    for (int side = 0; side < 2; side++)
        for (int r = 0; r < 4; r++)
            for (int c = 0; c < 18; c++) {
                double u0 = 1120 + 20.0 * c, v0 = side == 0 ? 350 + 30.0 * r : 530 + 30.0 * r;
                bool biz = c >= 16;
                snprintf(id, sizeof id, "T%03d", ++k);
                int p = add_parcel(id, u0, v0, u0 + 20, v0 + 30, biz ? "business" : "residential", "town",
                                   biz ? 4200000 : 2100000 + 10000.0 * (k % 7), biz ? 200 : 80);
                if (k % 5 == 0) { /* co-owned 50/50 */
                    snprintf(P[p].owner[1], sizeof P[p].owner[1], "E-%s-2", id);
                    P[p].nowners = 2;
                }
                if (k % 23 == 0)
                    continue; /* an unbuilt plot */
                if (biz)
                    add_building(p, 15, 20, "business", 300, 0);
                else
                    add_building(p, 10, 12, "residential", 130, 0);
            }
    /* village upstream: 8 × 2 plots (25 × 35 m) either side */
    k = 0;
    for (int side = 0; side < 2; side++)
        for (int r = 0; r < 2; r++)
            for (int c = 0; c < 8; c++) {
                double u0 = 250 + 25.0 * c, v0 = side == 0 ? 400 + 35.0 * r : 530 + 35.0 * r;
                snprintf(id, sizeof id, "V%03d", ++k);
                int p = add_parcel(id, u0, v0, u0 + 25, v0 + 35, "residential", "village", 1600000, 60);
                add_building(p, 10, 12, "residential", 140, 0);
            }
    /* farmland between the ridges; one farmer owns three fields */
    k = 0;
    for (int c = 0; c < 5; c++) {
        double u0 = 220.0 * c;
        snprintf(id, sizeof id, "F%02d", ++k);
        add_parcel(id, u0, 100, u0 + 220, 400, "farmland", "farm", 3000000, 0);
        snprintf(id, sizeof id, "F%02d", ++k);
        add_parcel(id, u0, 600, u0 + 220, 900, "farmland", "farm", 3000000, 0);
    }
    const double strips[4][2] = {{0, 250}, {450, 1100}, {0, 250}, {450, 1100}};
    for (int s = 0; s < 4; s++) {
        snprintf(id, sizeof id, "F%02d", ++k);
        add_parcel(id, strips[s][0], s < 2 ? 400 : 530, strips[s][1], s < 2 ? 470 : 600, "farmland", "farm", 1500000,
                   0);
    }
    snprintf(id, sizeof id, "F%02d", ++k);
    add_parcel(id, 1100, 100, 1500, 350, "farmland", "farm", 2500000, 0);
    snprintf(id, sizeof id, "F%02d", ++k);
    add_parcel(id, 1100, 650, 1500, 900, "farmland", "farm", 2500000, 0);
    for (int i = 0; i < NP; i++)
        if (strcmp(P[i].group, "farm") == 0 && (i % 4 == 0)) {
            add_building(i, 12, 15, "residential", 160, -30);
            add_building(i, 20, 40, "other", 800, 20);
        }
    for (int i = 0; i < NP; i++)
        if (strcmp(P[i].id, "F01") == 0 || strcmp(P[i].id, "F02") == 0 || strcmp(P[i].id, "F03") == 0)
            snprintf(P[i].owner[0], sizeof P[i].owner[0], "E-farmer");
    /* forest beyond the ridges: outside the catchment */
    k = 0;
    for (int s = 0; s < 2; s++)
        for (int c = 0; c < 3; c++) {
            snprintf(id, sizeof id, "S%02d", ++k);
            int p = add_parcel(id, 500.0 * c, s ? 900 : 0, 500.0 * c + 500, s ? 1000 : 100, "forest", "forest",
                               800000, 0);
            snprintf(P[p].owner[0], sizeof P[p].owner[0], "E-skov");
        }
    /* the river and its banks in the village and the town: public */
    int p = add_parcel("R01", 0, 470, 1500, 530, "water", "river", NAN, 0);
    snprintf(P[p].owner[0], sizeof P[p].owner[0], "E-kommune");
}

/* ---- writing ------------------------------------------------------------- */

static int write_all(nytte_ctx *ctx, const char *dir, nytte_raster *dem, nytte_raster depth[4])
{
    char path[1024];
    int rc;
    nytte_grid g = {X0, Y0, RES, RES, (int)(W / RES), (int)(H / RES)};
    if ((rc = nytte_raster_alloc(dem, &g, 0.0f, WKT_25832)))
        return rc;
    dem->has_nodata = true;
    dem->nodata = -9999.0f;
    for (int i = 0; i < 4; i++) {
        if ((rc = nytte_raster_alloc(&depth[i], &g, 0.0f, WKT_25832)))
            return rc;
        depth[i].has_nodata = true;
        depth[i].nodata = -9999.0f;
    }
    for (int r = 0; r < g.ny; r++)
        for (int c = 0; c < g.nx; c++) {
            double u = (c + 0.5) * RES, v = (r + 0.5) * RES;
            size_t i = (size_t)r * (size_t)g.nx + (size_t)c;
            dem->v[i] = (float)terrain_z(u, v);
            for (int k = 0; k < 4; k++)
                depth[k].v[i] = (float)flood_depth(u, v, k & 1, k >> 1);
        }
    static const char *const names[4] = {"flood_T20.tif", "flood_T100.tif", "flood_T20_basin.tif",
                                         "flood_T100_basin.tif"};
    snprintf(path, sizeof path, "%s/terrain.tif", dir);
    if ((rc = nytte_raster_write(ctx, dem, path)))
        return rc;
    for (int k = 0; k < 4; k++) {
        snprintf(path, sizeof path, "%s/%s", dir, names[k]);
        if ((rc = nytte_raster_write(ctx, &depth[k], path)))
            return rc;
    }

    /* parcels */
    snprintf(path, sizeof path, "%s/cadastre.gpkg", dir);
    const nytte_field_def pf[] = {{"parcel_id", NYTTE_FIELD_TEXT}, {"property_value", NYTTE_FIELD_REAL},
                                  {"landuse", NYTTE_FIELD_TEXT},  {"paved_area", NYTTE_FIELD_REAL},
                                  {"area_group", NYTTE_FIELD_TEXT}};
    nytte_cell *cells = calloc((size_t)NP * 5 + (size_t)NB * 6 + 16, sizeof *cells);
    nytte_geom *geoms = calloc((size_t)(NP > NB ? NP : NB), sizeof *geoms);
    const nytte_geom **gp = calloc((size_t)(NP > NB ? NP : NB), sizeof *gp);
    if (!cells || !geoms || !gp)
        return NYTTE_ENOMEM;
    for (int i = 0; i < NP; i++) {
        nytte_cell *c = &cells[i * 5];
        c[0].s = P[i].id;
        c[1].d = P[i].value;
        c[2].s = P[i].landuse;
        c[3].d = P[i].paved;
        c[4].s = P[i].group;
        rect(&geoms[i], P[i].u0, P[i].v0, P[i].u1, P[i].v1);
        gp[i] = &geoms[i];
    }
    rc = nytte_vlayer_write(ctx, path, "GPKG", "parcels", WKT_25832, pf, 5, cells, gp, (size_t)NP, false);
    for (int i = 0; i < NP; i++)
        nytte_geom_clear(&geoms[i]);
    if (rc)
        goto done;
    const nytte_field_def bf[] = {{"building_id", NYTTE_FIELD_TEXT}, {"parcel_id", NYTTE_FIELD_TEXT},
                                  {"use_group", NYTTE_FIELD_TEXT},   {"floor_area", NYTTE_FIELD_REAL},
                                  {"floor_height", NYTTE_FIELD_REAL}, {"value", NYTTE_FIELD_REAL}};
    for (int i = 0; i < NB; i++) {
        nytte_cell *c = &cells[i * 6];
        c[0].s = B[i].id;
        c[1].s = P[B[i].parcel].id;
        c[2].s = B[i].use;
        c[3].d = B[i].floor_area;
        c[4].d = B[i].floor_height;
        c[5].d = NAN;
        rect(&geoms[i], B[i].u0, B[i].v0, B[i].u1, B[i].v1);
        gp[i] = &geoms[i];
    }
    rc = nytte_vlayer_write(ctx, path, "GPKG", "buildings", WKT_25832, bf, 6, cells, gp, (size_t)NB, true);
    for (int i = 0; i < NB; i++)
        nytte_geom_clear(&geoms[i]);
    if (rc)
        goto done;
    /* the measure (retention basin across the valley floor) and the protected area (the town's floodplain) */
    const nytte_field_def mf[] = {{"measure_id", NYTTE_FIELD_TEXT}};
    cells[0].s = "basin";
    rect(&geoms[0], 620, 380, BASIN_U1, 620);
    gp[0] = &geoms[0];
    rc = nytte_vlayer_write(ctx, path, "GPKG", "measures", WKT_25832, mf, 1, cells, gp, 1, true);
    nytte_geom_clear(&geoms[0]);
    if (rc)
        goto done;
    const nytte_field_def af[] = {{"area_id", NYTTE_FIELD_TEXT}};
    cells[0].s = "town";
    rect(&geoms[0], 1100, 330, 1500, 670);
    rc = nytte_vlayer_write(ctx, path, "GPKG", "protected", WKT_25832, af, 1, cells, gp, 1, true);
    nytte_geom_clear(&geoms[0]);
    if (rc)
        goto done;
    /* owners */
    snprintf(path, sizeof path, "%s/owners.csv", dir);
    FILE *fo = fopen(path, "w");
    if (!fo) {
        rc = nytte_error(ctx, NYTTE_EIO, "%s: cannot write", path);
        goto done;
    }
    fprintf(fo, "parcel_id,owner_id,owner_name,share\n");
    for (int i = 0; i < NP; i++)
        for (int o = 0; o < P[i].nowners; o++)
            fprintf(fo, "%s,%s,Ejer %s,%s\n", P[i].id, P[i].owner[o], P[i].owner[o], P[i].nowners == 2 ? "0.5" : "1");
    fclose(fo);
done:
    free(cells);
    free(geoms);
    free(gp);
    return rc;
}

/* ---- the report: the three allocations ------------------------------------------ */

static int report(nytte_ctx *ctx, const nytte_raster *dem, const nytte_raster depth[4])
{
    int rc;
    nytte_flow f = NYTTE_FLOW_INIT;
    nytte_raster mask = NYTTE_RASTER_INIT;
    nytte_geom prot = NYTTE_GEOM_INIT;
    nytte_parcel *parcels = calloc((size_t)NP, sizeof *parcels);
    nytte_building *blds = calloc((size_t)NB, sizeof *blds);
    double *area_in = calloc((size_t)NP, sizeof *area_in), *roof_in = calloc((size_t)NP, sizeof *roof_in);
    double *benefit = calloc((size_t)NP, sizeof *benefit);
    nytte_zonal_stats *st = calloc((size_t)NB * 4, sizeof *st);
    nytte_alloc_parcel *ap = calloc((size_t)NP, sizeof *ap);
    nytte_alloc_holding *hold = calloc((size_t)NP * 2, sizeof *hold);
    if (!parcels || !blds || !area_in || !roof_in || !benefit || !st || !ap || !hold)
        return NYTTE_ENOMEM;
    for (int i = 0; i < NP; i++) {
        rect(&parcels[i].geom, P[i].u0, P[i].v0, P[i].u1, P[i].v1);
        parcels[i].id = P[i].id;
        parcels[i].landuse = (char *)P[i].landuse;
    }
    for (int i = 0; i < NB; i++) {
        rect(&blds[i].geom, B[i].u0, B[i].v0, B[i].u1, B[i].v1);
        blds[i].parcel = (size_t)B[i].parcel;
        blds[i].id = B[i].id;
    }
    nytte_inputs in = {.parcels = parcels, .nparcels = (size_t)NP, .buildings = blds, .nbuildings = (size_t)NB};
    rect(&prot, 1100, 330, 1500, 670);
    size_t nc = 0;
    if ((rc = nytte_flow_directions(ctx, &f, dem)) || (rc = nytte_catchment_mask(ctx, &mask, &f, &prot, 1, &nc)) ||
        (rc = nytte_catchment_parcel_areas(ctx, area_in, roof_in, &mask, &in)))
        goto done;
    printf("catchment of the protected area: %zu cells = %.1f ha of %.1f ha\n\n", nc,
           (double)nc * RES * RES / 1e4, W * H / 1e4);

    /* benefit: max depth on each footprint, JRC damage, EAD (trapezoid/zero/constant), PV 3.5 % over 100 years */
    nytte_overlay_opts oo = NYTTE_OVERLAY_OPTS_INIT;
    const nytte_raster *rs[4] = {&depth[0], &depth[1], &depth[2], &depth[3]};
    nytte_geom *bg = calloc((size_t)NB, sizeof *bg);
    for (int i = 0; i < NB; i++)
        bg[i] = blds[i].geom;
    rc = nytte_overlay_zonal_mem(ctx, &oo, bg, (size_t)NB, rs, 4, st);
    free(bg);
    if (rc)
        goto done;
    nytte_damage_model dm;
    nytte_damage_model_default(&dm);
    nytte_ead_rule rule;
    if ((rc = nytte_ead_rule_parse(ctx, &rule, "trapezoid/zero/constant")))
        goto done;
    const double T[2] = {20, 100};
    double pvf = nytte_pv_factor(0.035, 100);
    for (int i = 0; i < NB; i++) {
        nytte_use use = (nytte_use)nytte_use_parse(B[i].use);
        double value = nytte_damage_value(&dm, use, B[i].floor_area, NAN), D[2][2];
        for (int k = 0; k < 4; k++) {
            double dmax = isfinite(st[i * 4 + k].max) ? st[i * 4 + k].max : 0.0;
            double d = dmax - B[i].floor_height;
            D[k >> 1][k & 1] = d > 0 ? nytte_damage_at_depth(&dm, use, value, d) : 0.0;
        }
        nytte_ead e0, e1;
        if ((rc = nytte_ead_calc(ctx, &e0, &rule, T, D[0], 2, B[i].id)) ||
            (rc = nytte_ead_calc(ctx, &e1, &rule, T, D[1], 2, B[i].id)))
            goto done;
        benefit[B[i].parcel] += nytte_benefit_weight(nytte_avoided_ead(e0.ead, e1.ead)) * pvf;
    }

    nytte_runoff_table rt;
    nytte_runoff_table_default(&rt);
    size_t nh = 0;
    for (int i = 0; i < NP; i++) {
        double paved_in = area_in[i] > 0 ? P[i].paved * area_in[i] / ((P[i].u1 - P[i].u0) * (P[i].v1 - P[i].v0)) : 0;
        ap[i] = (nytte_alloc_parcel){.id = P[i].id, .in_area = benefit[i] > 0, .built = true, .plot_area = 0,
                                     .property_value = P[i].value, .ref_level = NAN, .floor_level = NAN,
                                     .benefit = benefit[i],
                                     .contributor = nytte_contributor_weight(&rt, P[i].landuse, area_in[i],
                                                                             roof_in[i], paved_in)};
        for (int o = 0; o < P[i].nowners; o++)
            hold[nh++] = (nytte_alloc_holding){(size_t)i, P[i].owner[o], P[i].nowners == 2 ? 0.5 : 1.0};
    }
    /* the pool: 12 mio. kr, the municipality pays 25 % (all INVENTED for the example) */
    nytte_alloc_pool_spec pool = {.capex_ore = 1200000000LL, .ndeductions = 1,
                                  .deductions = {{"Kommunen", NYTTE_DEDUCT_MUNICIPAL, true, 0, 25.0}}};
    static const char *const groups[] = {"town", "village", "farm", "forest", "river"};
    nytte_alloc_model models[3] = {NYTTE_ALLOC_BENEFIT, NYTTE_ALLOC_CONTRIBUTOR, NYTTE_ALLOC_BENEFIT_AND_CONTRIBUTOR};
    nytte_alloc_result *res[3] = {NULL, NULL, NULL};
    for (int m = 0; m < 3; m++) {
        nytte_alloc_config cfg = NYTTE_ALLOC_CONFIG_INIT;
        cfg.model = models[m];
        cfg.contributor_fraction = 0.5;
        nytte_alloc_element el = {.id = "basin", .pool = pool, .parcels = ap, .config = &cfg};
        nytte_alloc_input ai = {.nparcels = (size_t)NP, .elements = &el, .nelements = 1, .holdings = hold,
                                .nholdings = nh, .config = &cfg};
        if ((rc = nytte_allocate_run(ctx, &res[m], &ai)))
            goto done;
    }
    char a[32];
    printf("pool for the owners: %s kr\n\n", nytte_money_format(a, sizeof a, NULL, res[0]->elements[0].pool.pool_ore));
    printf("| group | parcels | in catchment, ha | contributor m² | benefit PV, kr | benefit | contributor | 50/50 |\n");
    printf("|---|---:|---:|---:|---:|---:|---:|---:|\n");
    for (size_t gi = 0; gi < sizeof groups / sizeof *groups; gi++) {
        int n = 0;
        double ain = 0, cw = 0, bn = 0;
        int64_t amt[3] = {0, 0, 0};
        for (int i = 0; i < NP; i++) {
            if (strcmp(P[i].group, groups[gi]) != 0)
                continue;
            n++;
            ain += area_in[i];
            cw += ap[i].contributor;
            bn += benefit[i];
            for (int m = 0; m < 3; m++)
                amt[m] += res[m]->parcel_ore[i];
        }
        char b0[32], b1[32], b2[32];
        printf("| %s | %d | %.2f | %.0f | %.0f | %s | %s | %s |\n", groups[gi], n, ain / 1e4, cw, bn,
               nytte_money_format(b0, sizeof b0, NULL, amt[0]), nytte_money_format(b1, sizeof b1, NULL, amt[1]),
               nytte_money_format(b2, sizeof b2, NULL, amt[2]));
    }
    printf("\n| model | payers (parcels) | owners paying | total, kr |\n|---|---:|---:|---:|\n");
    for (int m = 0; m < 3; m++) {
        size_t op = 0;
        for (size_t o = 0; o < res[m]->nowners; o++)
            op += res[m]->owners[o].total_ore > 0;
        printf("| %s | %zu | %zu | %s |\n", nytte_alloc_model_name(models[m]), res[m]->elements[0].npayers, op,
               nytte_money_format(a, sizeof a, NULL, res[m]->total_ore));
    }
    printf("\n| parcel | land use | in catchment m² | roofs m² | contributor m² | benefit PV kr | benefit | contributor | 50/50 |\n");
    printf("|---|---|---:|---:|---:|---:|---:|---:|---:|\n");
    static const char *const show[] = {"T001", "T017", "T040", "T100", "V001", "F01", "F09", "F15", "S01", "R01"};
    for (size_t s = 0; s < sizeof show / sizeof *show; s++)
        for (int i = 0; i < NP; i++)
            if (strcmp(P[i].id, show[s]) == 0) {
                char b0[32], b1[32], b2[32];
                printf("| %s | %s | %.1f | %.1f | %.1f | %.0f | %s | %s | %s |\n", P[i].id, P[i].landuse, area_in[i],
                       roof_in[i], ap[i].contributor, benefit[i],
                       nytte_money_format(b0, sizeof b0, NULL, res[0]->parcel_ore[i]),
                       nytte_money_format(b1, sizeof b1, NULL, res[1]->parcel_ore[i]),
                       nytte_money_format(b2, sizeof b2, NULL, res[2]->parcel_ore[i]));
            }
    for (int m = 0; m < 3; m++)
        nytte_alloc_result_free(res[m]);
done:
    for (int i = 0; i < NP; i++)
        nytte_geom_clear(&parcels[i].geom);
    for (int i = 0; i < NB; i++)
        nytte_geom_clear(&blds[i].geom);
    nytte_geom_clear(&prot);
    nytte_raster_clear(&mask);
    nytte_flow_clear(&f);
    free(parcels);
    free(blds);
    free(area_in);
    free(roof_in);
    free(benefit);
    free(st);
    free(ap);
    free(hold);
    return rc;
}

int main(int argc, char **argv)
{
    const char *out = NULL;
    bool rep = false;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--out") == 0 && i + 1 < argc)
            out = argv[++i];
        else if (strcmp(argv[i], "--report") == 0)
            rep = true;
        else {
            fprintf(stderr, "usage: gen_catchment_case --out DIR [--report]\n");
            return 2;
        }
    }
    if (!out) {
        fprintf(stderr, "usage: gen_catchment_case --out DIR [--report]\n");
        return 2;
    }
    nytte_io_init();
    nytte_ctx *ctx;
    if (nytte_ctx_new(&ctx) != NYTTE_OK)
        return 1;
    build_tables();
    nytte_raster dem = NYTTE_RASTER_INIT, depth[4] = {NYTTE_RASTER_INIT, NYTTE_RASTER_INIT, NYTTE_RASTER_INIT,
                                                      NYTTE_RASTER_INIT};
    int rc = write_all(ctx, out, &dem, depth);
    if (rc == NYTTE_OK)
        printf("wrote %s: %d parcels, %d buildings, terrain %d x %d\n\n", out, NP, NB, dem.grid.nx, dem.grid.ny);
    if (rc == NYTTE_OK && rep)
        rc = report(ctx, &dem, depth);
    if (rc != NYTTE_OK)
        fprintf(stderr, "gen_catchment_case: %s\n", nytte_ctx_errmsg(ctx));
    nytte_raster_clear(&dem);
    for (int i = 0; i < 4; i++)
        nytte_raster_clear(&depth[i]);
    nytte_ctx_free(ctx);
    return rc == NYTTE_OK ? 0 : 1;
}
