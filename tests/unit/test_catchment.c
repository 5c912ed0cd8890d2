/*
 * test_catchment.c — flow directions, accumulation, catchments, the bluespot network
 * and contributor weights on hand-made terrains (1 m cells, origin (0, ny): cell (c, r)
 * has its centre at (c + 0.5, ny - r - 0.5)), and against malstroem's reference outputs
 * on its real DTM crop (tests/data/malstroem). Hand computations: docs/catchment.md.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ogr_api.h>

#include "nytte/allocate.h"
#include "nytte/catchment.h"
#include "nytte/hazard.h"
#include "nytte/io.h"

#include "hazard_fixture.h"

static void geom(nytte_geom *g, nytte_geom_kind kind, size_t npts, const double *xy)
{
    const size_t n[] = {npts};
    assert_int_equal(nytte_geom_set(g, kind, 1, n, xy), NYTTE_OK);
}

/*
 * The V-shaped valley (docs/catchment.md): 7 columns × 6 rows,
 * z(r, c) = 2·|c − 3| + 0.5·(6 − r). Off the axis the steepest drop is straight towards
 * the axis (2 m over 1 m beats the diagonal 2.5 m / √2 = 1.77), on the axis straight
 * south (0.5 m); edge cells flow straight off the raster.
 */
static void valley(nytte_raster *dem)
{
    float v[42];
    for (int r = 0; r < 6; r++)
        for (int c = 0; c < 7; c++)
            v[r * 7 + c] = (float)(2.0 * abs(c - 3) + 0.5 * (6 - r));
    terrain(dem, 7, 6, v);
}

static void test_valley_directions_and_accumulation(void **state)
{
    (void)state;
    nytte_raster dem;
    nytte_flow f;
    valley(&dem);
    assert_int_equal(nytte_flow_directions(ctx, &f, &dem), NYTTE_OK);
    static const uint8_t want[42] = {
        7, 0, 0, 0, 0, 0, 1, /* top edge: off the raster (corners diagonally) */
        6, 2, 2, 4, 6, 6, 2, /* towards the axis, the axis south */
        6, 2, 2, 4, 6, 6, 2, /**/
        6, 2, 2, 4, 6, 6, 2, /**/
        6, 2, 2, 4, 6, 6, 2, /**/
        5, 4, 4, 4, 4, 4, 3, /* bottom edge */
    };
    assert_memory_equal(f.dir, want, sizeof want);
    assert_int_equal(f.nvalid, 42);
    /* no flats: the flat-free surface is the terrain itself */
    for (int i = 0; i < 42; i++)
        assert_true(f.surface[i] == (double)dem.v[i]);
    double *acc;
    assert_int_equal(nytte_flow_accumulate(ctx, &acc, &f, NULL), NYTTE_OK);
    /* row 1: the axis cell gets 2 from each side + itself = 5; each axis cell adds a row of 5 */
    assert_true(acc[1 * 7 + 3] == 5.0);
    assert_true(acc[2 * 7 + 3] == 10.0);
    assert_true(acc[4 * 7 + 3] == 20.0);
    assert_true(acc[5 * 7 + 3] == 21.0);
    assert_true(acc[4 * 7 + 1] == 1.0 && acc[4 * 7 + 2] == 2.0 && acc[4 * 7 + 5] == 1.0);
    assert_true(acc[0] == 1.0);
    double total = 0; /* every cell ends in exactly one outlet: the outflows sum to 42 */
    for (size_t i = 0; i < 42; i++)
        if (nytte_flow_next(&f, i) < 0)
            total += acc[i];
    assert_true(total == 42.0);
    free(acc);
    /* weighted: 2 per cell doubles everything; area = cells × 1 m² */
    float w[42];
    for (int i = 0; i < 42; i++)
        w[i] = 2.0f;
    assert_int_equal(nytte_flow_accumulate(ctx, &acc, &f, w), NYTTE_OK);
    assert_true(acc[4 * 7 + 3] == 40.0);
    free(acc);
    assert_true(nytte_flow_cell_area(&f) == 1.0);
    nytte_flow_clear(&f);
    nytte_raster_clear(&dem);
}

static size_t count_mask(const nytte_raster *m)
{
    size_t k = 0;
    for (size_t i = 0; i < (size_t)m->grid.nx * (size_t)m->grid.ny; i++)
        k += m->v[i] == 1.0f;
    return k;
}

static void test_valley_catchment_exact(void **state)
{
    (void)state;
    nytte_raster dem, m;
    nytte_flow f;
    nytte_geom g = NYTTE_GEOM_INIT;
    valley(&dem);
    assert_int_equal(nytte_flow_directions(ctx, &f, &dem), NYTTE_OK);
    size_t nc;
    /* a point on the axis in row 4 (centre 3.5, 1.5): rows 1..4 × columns 1..5 = 20 cells */
    const double pt[] = {3.5, 1.5};
    geom(&g, NYTTE_GEOM_POINT, 1, pt);
    assert_int_equal(nytte_catchment_mask(ctx, &m, &f, &g, 1, &nc), NYTTE_OK);
    assert_int_equal(nc, 20);
    for (int r = 0; r < 6; r++)
        for (int c = 0; c < 7; c++)
            assert_true(m.v[r * 7 + c] == ((r >= 1 && r <= 4 && c >= 1 && c <= 5) ? 1.0f : 0.0f));
    nytte_raster_clear(&m);
    nytte_geom_clear(&g);
    /* a point on the east slope in row 2, column 4: itself and (2, 5) only */
    const double pt2[] = {4.5, 3.5};
    geom(&g, NYTTE_GEOM_POINT, 1, pt2);
    assert_int_equal(nytte_catchment_mask(ctx, &m, &f, &g, 1, &nc), NYTTE_OK);
    assert_int_equal(nc, 2);
    assert_true(m.v[2 * 7 + 4] == 1.0f && m.v[2 * 7 + 5] == 1.0f);
    nytte_raster_clear(&m);
    nytte_geom_clear(&g);
    /* a line across the valley through row 3 (y = 2.5), x 1.2..5.8: rows 1..3 × columns 1..5 = 15 */
    const double ln[] = {1.2, 2.5, 5.8, 2.5};
    geom(&g, NYTTE_GEOM_LINE, 2, ln);
    assert_int_equal(nytte_catchment_mask(ctx, &m, &f, &g, 1, &nc), NYTTE_OK);
    assert_int_equal(nc, 15);
    assert_int_equal(count_mask(&m), 15);
    nytte_raster_clear(&m);
    nytte_geom_clear(&g);
    /* a polygon over the axis cells of rows 3 and 4 (x 3.1..3.9, y 1.1..2.9): outline cells
     * (3,3), (4,3) — no centre inside — and the same 20 cells upstream */
    const double pg[] = {3.1, 1.1, 3.9, 1.1, 3.9, 2.9, 3.1, 2.9, 3.1, 1.1};
    geom(&g, NYTTE_GEOM_POLYGON, 5, pg);
    assert_int_equal(nytte_catchment_mask(ctx, &m, &f, &g, 1, &nc), NYTTE_OK);
    assert_int_equal(nc, 20);
    nytte_raster_clear(&m);
    nytte_geom_clear(&g);
    /* outside the terrain: an error naming the target */
    const double far[] = {100.0, 100.0};
    geom(&g, NYTTE_GEOM_POINT, 1, far);
    assert_int_equal(nytte_catchment_mask(ctx, &m, &f, &g, 1, &nc), NYTTE_EINPUT);
    assert_string_equal(nytte_ctx_errmsg(ctx), "target 1: lies wholly outside the terrain");
    nytte_geom_clear(&g);
    nytte_flow_clear(&f);
    nytte_raster_clear(&dem);
}

/*
 * A flat: 5 × 3, interior row at 1 m, the rim at 2 m except the east edge cell of the
 * middle row at 0 m. The flat drains east: surface 1 + 2e, 1 + e, 1 from west to east.
 */
static void test_flat_drains_to_outlet(void **state)
{
    (void)state;
    const float v[] = {2, 2, 2, 2, 2, /**/ 2, 1, 1, 1, 0, /**/ 2, 2, 2, 2, 2};
    nytte_raster dem;
    nytte_flow f;
    terrain(&dem, 5, 3, v);
    assert_int_equal(nytte_flow_directions(ctx, &f, &dem), NYTTE_OK);
    assert_int_equal(f.dir[6], 2);
    assert_int_equal(f.dir[7], 2);
    assert_int_equal(f.dir[8], 2);
    double e = (nextafter(2.0, INFINITY) - 2.0) * 1024.0;
    assert_true(f.surface[8] == 1.0);
    assert_true(f.surface[7] == 1.0 + e);
    assert_true(f.surface[6] == 1.0 + e + e);
    nytte_flow_clear(&f);
    nytte_raster_clear(&dem);
}

/* Deterministic pseudo-random terrain with large flats, pits and nodata holes. */
static uint64_t rs = 12345;
static double rnd(void)
{
    rs = rs * 6364136223846793005ULL + 1442695040888963407ULL;
    return (double)(rs >> 11) / 9007199254740992.0;
}

static void test_flats_no_cycles_every_cell_reaches_outlet(void **state)
{
    (void)state;
    const int nx = 61, ny = 47;
    float *v = malloc(sizeof(float) * nx * ny);
    for (int r = 0; r < ny; r++)
        for (int c = 0; c < nx; c++) {
            double z = floor(3.0 * rnd()); /* only 3 heights: flats everywhere */
            if (r > 10 && r < 30 && c > 15 && c < 45)
                z = 5.0; /* a big plateau */
            if (r > 18 && r < 22 && c > 25 && c < 35)
                z = 1.0; /* a flat pit in it */
            if (rnd() < 0.02)
                z = X;
            v[r * nx + c] = (float)z;
        }
    nytte_raster dem;
    nytte_flow f;
    terrain(&dem, nx, ny, v);
    assert_int_equal(nytte_flow_directions(ctx, &f, &dem), NYTTE_OK);
    size_t n = (size_t)nx * ny, outlets = 0;
    for (size_t i = 0; i < n; i++) {
        if (v[i] == X) {
            assert_int_equal(f.dir[i], NYTTE_FLOW_NONE);
            continue;
        }
        assert_true(f.dir[i] < 8);
        int64_t j = nytte_flow_next(&f, i);
        if (j < 0) {
            outlets++;
            continue;
        }
        assert_true(f.surface[j] < f.surface[i]); /* strictly downhill: no cycle possible */
        /* walk: must leave within n steps */
        size_t steps = 0;
        for (int64_t k = (int64_t)i; k >= 0 && steps <= n; k = nytte_flow_next(&f, (size_t)k))
            steps++;
        assert_true(steps <= n);
    }
    double *acc;
    assert_int_equal(nytte_flow_accumulate(ctx, &acc, &f, NULL), NYTTE_OK);
    double total = 0;
    for (size_t i = 0; i < n; i++)
        if (v[i] != X && nytte_flow_next(&f, i) < 0)
            total += acc[i];
    assert_true(total == (double)f.nvalid);
    assert_true(outlets > 0);
    free(acc);
    free(v);
    nytte_flow_clear(&f);
    nytte_raster_clear(&dem);
}

/*
 * Two pits in a row: 7 × 3 terrain, rim 5 m, the middle row 5, 1, 3, 2, 4, 0... The west
 * pit (1 m at column 1) fills to 3 m and spills east into the east pit (2 m at column 3),
 * which fills to 4 m and spills east off the raster at column 6 (0 m).
 */
static void test_bluespots_in_series(void **state)
{
    (void)state;
    const float v[] = {5, 5, 5, 5, 5, 5, 5, /**/ 5, 1, 3, 2, 4, 4, 0, /**/ 5, 5, 5, 5, 5, 5, 5};
    nytte_raster dem;
    nytte_flow f;
    nytte_bluespot_net net;
    terrain(&dem, 7, 3, v);
    assert_int_equal(nytte_flow_directions(ctx, &f, &dem), NYTTE_OK);
    assert_int_equal(nytte_bluespot_network(ctx, &net, &dem, &f, NULL), NYTTE_OK);
    assert_int_equal(net.nspots, 1); /* 1 m pit filled to 4 m, the 3 m sill under water: one spot of 3 cells */
    const nytte_bluespot *s = &net.spots[0];
    assert_int_equal(s->ncells, 3);
    assert_true(s->volume == 3.0 + 1.0 + 2.0);
    assert_true(s->max_depth == 3.0);
    assert_int_equal(s->pour, 7 + 3); /* the east end (lowest on the flat-free surface) */
    assert_int_equal(s->downstream, 0);
    assert_int_equal(net.label[7 + 1], 1);
    assert_int_equal(net.wshed[0], 0);
    nytte_bluespot_net_clear(&net);
    /* raise the sill to 4.5 m: now two spots, the west one spills into the east one */
    float v2[21];
    memcpy(v2, v, sizeof v2);
    v2[7 + 2] = 4.5f;
    v2[7 + 4] = 3.0f;
    v2[7 + 5] = 4.0f;
    nytte_raster dem2;
    nytte_flow f2;
    terrain(&dem2, 7, 3, v2);
    assert_int_equal(nytte_flow_directions(ctx, &f2, &dem2), NYTTE_OK);
    assert_int_equal(nytte_bluespot_network(ctx, &net, &dem2, &f2, NULL), NYTTE_OK);
    assert_int_equal(net.nspots, 2);
    assert_int_equal(net.spots[0].ncells, 1);
    assert_true(net.spots[0].volume == 3.5);
    assert_int_equal(net.spots[0].downstream, 2);
    assert_int_equal(net.spots[1].ncells, 2); /* columns 3 and 4 under 4 m */
    assert_true(net.spots[1].volume == 2.0 + 1.0);
    assert_int_equal(net.spots[1].downstream, 0);
    nytte_bluespot_net_clear(&net);
    nytte_flow_clear(&f2);
    nytte_raster_clear(&dem2);
    nytte_flow_clear(&f);
    nytte_raster_clear(&dem);
}

/* ---- malstroem's reference ------------------------------------------------ */

static void ref_path(char *buf, size_t n, const char *name)
{
    snprintf(buf, n, "%s/tests/data/malstroem/%s", NYTTE_SOURCE_DIR, name);
}

typedef struct {
    int id, row, col, down;
    double dmax, area, vol, wshed_area;
} ref_pp;

/* pourpoints.json: one feature per label (0 = the background); nodes.json: downstream via junctions. */
static int read_ref(ref_pp *pp, int maxn)
{
    char path[512];
    ref_path(path, sizeof path, "pourpoints.json");
    OGRDataSourceH ds = OGROpen(path, 0, NULL);
    assert_non_null(ds);
    OGRLayerH l = OGR_DS_GetLayer(ds, 0);
    OGRFeatureH ft;
    int n = 0;
    while ((ft = OGR_L_GetNextFeature(l)) != NULL) {
        int id = OGR_F_GetFieldAsInteger(ft, OGR_F_GetFieldIndex(ft, "bspot_id"));
        assert_true(id >= 0 && id < maxn);
        pp[id] = (ref_pp){id,
                          OGR_F_GetFieldAsInteger(ft, OGR_F_GetFieldIndex(ft, "cell_row")),
                          OGR_F_GetFieldAsInteger(ft, OGR_F_GetFieldIndex(ft, "cell_col")),
                          -2,
                          OGR_F_GetFieldAsDouble(ft, OGR_F_GetFieldIndex(ft, "bspot_dmax")),
                          OGR_F_GetFieldAsDouble(ft, OGR_F_GetFieldIndex(ft, "bspot_area")),
                          OGR_F_GetFieldAsDouble(ft, OGR_F_GetFieldIndex(ft, "bspot_vol")),
                          OGR_F_GetFieldAsDouble(ft, OGR_F_GetFieldIndex(ft, "wshed_area"))};
        n = id + 1 > n ? id + 1 : n;
        OGR_F_Destroy(ft);
    }
    OGR_DS_Destroy(ds);
    /* nodes: nodeid -> dstrnodeid (null = leaves the raster); junctions have ids > labels */
    static int down[1024];
    for (int i = 0; i < 1024; i++)
        down[i] = -2;
    ref_path(path, sizeof path, "nodes.json");
    ds = OGROpen(path, 0, NULL);
    assert_non_null(ds);
    l = OGR_DS_GetLayer(ds, 0);
    while ((ft = OGR_L_GetNextFeature(l)) != NULL) {
        int id = OGR_F_GetFieldAsInteger(ft, OGR_F_GetFieldIndex(ft, "nodeid"));
        int di = OGR_F_GetFieldIndex(ft, "dstrnodeid");
        assert_true(id >= 0 && id < 1024);
        down[id] = OGR_F_IsFieldSetAndNotNull(ft, di) ? OGR_F_GetFieldAsInteger(ft, di) : 0;
        OGR_F_Destroy(ft);
    }
    OGR_DS_Destroy(ds);
    for (int id = 1; id < n; id++) {
        int d = down[id];
        while (d >= n) /* a junction: follow it to the bluespot it ends in */
            d = down[d];
        pp[id].down = d;
    }
    return n;
}

static void test_malstroem_reference(void **state)
{
    (void)state;
    char path[512];
    nytte_raster dem, ref_dir, ref_lab, ref_ws, ref_nf;
    nytte_flow f;
    nytte_bluespot_net net;
    ref_path(path, sizeof path, "dtm.tif");
    assert_int_equal(nytte_raster_read(ctx, &dem, path, 1), NYTTE_OK);
    ref_path(path, sizeof path, "flowdir_noflats.tif");
    assert_int_equal(nytte_raster_read(ctx, &ref_dir, path, 1), NYTTE_OK);
    ref_path(path, sizeof path, "labelled.tif");
    assert_int_equal(nytte_raster_read(ctx, &ref_lab, path, 1), NYTTE_OK);
    ref_path(path, sizeof path, "wsheds.tif");
    assert_int_equal(nytte_raster_read(ctx, &ref_ws, path, 1), NYTTE_OK);
    ref_path(path, sizeof path, "filled_no_flats.tif");
    assert_int_equal(nytte_raster_read(ctx, &ref_nf, path, 1), NYTTE_OK);
    assert_int_equal(nytte_flow_directions(ctx, &f, &dem), NYTTE_OK);
    /* malstroem's test filter: at least 5 cm deep, more than 5 cells, more than 1 m × cell of depth */
    const nytte_bluespot_filter filt = {0.05, 5, 1.0};
    assert_int_equal(nytte_bluespot_network(ctx, &net, &dem, &f, &filt), NYTTE_OK);
    size_t n = (size_t)dem.grid.nx * (size_t)dem.grid.ny;
    size_t bad_dir = 0, bad_lab = 0, bad_ws = 0, bad_nf = 0;
    for (size_t i = 0; i < n; i++) {
        bad_dir += f.dir[i] != (uint8_t)ref_dir.v[i];
        bad_lab += net.label[i] != (int32_t)ref_lab.v[i];
        bad_ws += net.wshed[i] != (int32_t)ref_ws.v[i];
        /* filled_no_flats.tif is Float64; read as Float32 here, so compare rounded */
        bad_nf += (float)f.surface[i] != ref_nf.v[i];
    }
    ref_pp pp[256];
    int nref = read_ref(pp, 256);
    size_t bad_pp = 0, bad_down = 0, bad_stats = 0;
    for (int id = 1; id < nref; id++) {
        const nytte_bluespot *s = &net.spots[id - 1];
        bad_pp += s->pour_row != pp[id].row || s->pour_col != pp[id].col;
        bad_down += s->downstream != pp[id].down;
        bad_stats += fabs(s->area - pp[id].area) > 1e-6 * pp[id].area ||
                     fabs(s->volume - pp[id].vol) > 1e-9 * pp[id].vol + 1e-9 ||
                     fabs(s->max_depth - pp[id].dmax) > 1e-12 ||
                     fabs(s->wshed_area - pp[id].wshed_area) > 1e-6 * pp[id].wshed_area;
    }
    print_message("malstroem: %zu cells; %zu bluespots (ref %d); differing: flowdir %zu, surface %zu, labels %zu, "
                  "wsheds %zu, pour points %zu, downstream %zu, stats %zu\n",
                  n, net.nspots, nref - 1, bad_dir, bad_nf, bad_lab, bad_ws, bad_pp, bad_down, bad_stats);
    assert_int_equal(net.nspots, (size_t)(nref - 1));
    assert_int_equal(bad_dir, 0);
    assert_int_equal(bad_nf, 0);
    assert_int_equal(bad_lab, 0);
    assert_int_equal(bad_ws, 0);
    assert_int_equal(bad_pp, 0);
    assert_int_equal(bad_down, 0);
    assert_int_equal(bad_stats, 0);
    nytte_bluespot_net_clear(&net);
    nytte_flow_clear(&f);
    nytte_raster_clear(&dem);
    nytte_raster_clear(&ref_dir);
    nytte_raster_clear(&ref_lab);
    nytte_raster_clear(&ref_ws);
    nytte_raster_clear(&ref_nf);
}

/* ---- contributor weights -------------------------------------------------- */

static void test_runoff_and_weights(void **state)
{
    (void)state;
    nytte_runoff_table t;
    nytte_runoff_table_default(&t);
    assert_true(nytte_runoff_coef(&t, "farmland") == 0.2);
    assert_true(nytte_runoff_coef(&t, "forest") == 0.1);
    assert_true(nytte_runoff_coef(&t, NULL) == 0.3);
    assert_true(nytte_runoff_coef(&t, "moon") == 0.3);
    assert_int_equal(nytte_runoff_table_set(ctx, &t, "farmland", 0.25), NYTTE_OK);
    assert_true(nytte_runoff_coef(&t, "farmland") == 0.25);
    assert_int_equal(nytte_runoff_table_set(ctx, &t, "farmland", 1.5), NYTTE_ECONFIG);
    nytte_runoff_table_default(&t);
    /* 1000 m² residential inside, 150 m² roof, 100 m² paved: 0.9·150 + 0.9·100 + 0.35·750 = 487.5 */
    assert_true(fabs(nytte_contributor_weight(&t, "residential", 1000, 150, 100) - 487.5) < 1e-9);
    /* outside the catchment: always 0, whatever the roofs */
    assert_true(nytte_contributor_weight(&t, "residential", 0, 0, 0) == 0.0);
    assert_true(nytte_contributor_weight(&t, "residential", 0, 150, 100) == 0.0);
    /* doubling the paved area never lowers the weight (every land use, paved up to the whole plot) */
    const char *uses[] = {"residential", "farmland", "forest", "business", "public", "water", "grass", "x"};
    for (size_t u = 0; u < sizeof uses / sizeof *uses; u++)
        for (double paved = 0; paved <= 1000; paved += 37.5) {
            double a = nytte_contributor_weight(&t, uses[u], 1000, 100, paved);
            double b = nytte_contributor_weight(&t, uses[u], 1000, 100, 2 * paved);
            assert_true(b >= a);
        }
    assert_true(isnan(nytte_contributor_weight(&t, "farmland", -1, 0, 0)));
}

/* Parcel areas in the valley's catchment by exact coverage: the 20-cell block x 1..6, y 1..5. */
static void test_parcel_areas_in_catchment(void **state)
{
    (void)state;
    nytte_raster dem, m;
    nytte_flow f;
    nytte_geom pt = NYTTE_GEOM_INIT;
    valley(&dem);
    assert_int_equal(nytte_flow_directions(ctx, &f, &dem), NYTTE_OK);
    const double xy[] = {3.5, 1.5};
    geom(&pt, NYTTE_GEOM_POINT, 1, xy);
    assert_int_equal(nytte_catchment_mask(ctx, &m, &f, &pt, 1, NULL), NYTTE_OK);
    nytte_parcel parcels[3];
    nytte_building bld[1];
    memset(parcels, 0, sizeof parcels);
    memset(bld, 0, sizeof bld);
    /* p0: x 0..2, y 0..6 — inside where x 1..2, y 1..5: 4 m²; p1: x 2..7, y 3..6: inside x 2..6, y 3..5: 8 m²;
     * p2: x 0..7, y 0..1: the bottom row, outside (0 m²) */
    const double a[] = {0, 0, 2, 0, 2, 6, 0, 6, 0, 0};
    const double b[] = {2, 3, 7, 3, 7, 6, 2, 6, 2, 3};
    const double c[] = {0, 0, 7, 0, 7, 1, 0, 1, 0, 0};
    geom(&parcels[0].geom, NYTTE_GEOM_POLYGON, 5, a);
    geom(&parcels[1].geom, NYTTE_GEOM_POLYGON, 5, b);
    geom(&parcels[2].geom, NYTTE_GEOM_POLYGON, 5, c);
    /* a 2 × 1 m building on p1 at x 5.5..7.5?  no: x 5..7, y 4..5: half inside (x 5..6) = 1 m² */
    const double r[] = {5, 4, 7, 4, 7, 5, 5, 5, 5, 4};
    geom(&bld[0].geom, NYTTE_GEOM_POLYGON, 5, r);
    bld[0].parcel = 1;
    nytte_inputs in = {.parcels = parcels, .nparcels = 3, .buildings = bld, .nbuildings = 1};
    double area[3], roof[3];
    assert_int_equal(nytte_catchment_parcel_areas(ctx, area, roof, &m, &in), NYTTE_OK);
    assert_true(fabs(area[0] - 4.0) < 1e-9);
    assert_true(fabs(area[1] - 8.0) < 1e-9);
    assert_true(area[2] == 0.0);
    assert_true(roof[0] == 0.0 && fabs(roof[1] - 1.0) < 1e-9 && roof[2] == 0.0);
    nytte_runoff_table t;
    nytte_runoff_table_default(&t);
    assert_true(nytte_contributor_weight(&t, "farmland", area[2], roof[2], 0) == 0.0);
    for (int i = 0; i < 3; i++)
        nytte_geom_clear(&parcels[i].geom);
    nytte_geom_clear(&bld[0].geom);
    nytte_geom_clear(&pt);
    nytte_raster_clear(&m);
    nytte_flow_clear(&f);
    nytte_raster_clear(&dem);
}

/*
 * End to end: contributor facts from the runoff table into the contributor allocation.
 * Pool 10.000,00 kr over a (residential 800 m² in, roof 150, paved P), b (farmland
 * 20.000 m² in) and c (outside: 0 m²). Doubling a's paved area never lowers a's amount,
 * c never pays, and the parcels' amounts sum to the pool to the øre.
 */
static void test_paved_doubling_allocation(void **state)
{
    (void)state;
    nytte_runoff_table t;
    nytte_runoff_table_default(&t);
    int64_t last = -1;
    for (double paved = 10; paved <= 640; paved *= 2) {
        nytte_alloc_parcel p[3] = {
            {.id = "a", .in_area = true, .built = true, .benefit = 1000, .property_value = NAN, .ref_level = NAN,
             .floor_level = NAN, .contributor = nytte_contributor_weight(&t, "residential", 800, 150, paved)},
            {.id = "b", .in_area = false, .benefit = NAN, .property_value = NAN, .ref_level = NAN, .floor_level = NAN,
             .contributor = nytte_contributor_weight(&t, "farmland", 20000, 0, 0)},
            {.id = "c", .in_area = false, .benefit = NAN, .property_value = NAN, .ref_level = NAN, .floor_level = NAN,
             .contributor = nytte_contributor_weight(&t, "residential", 0, 150, 80)},
        };
        for (int m = 0; m < 2; m++) {
            nytte_alloc_config cfg = NYTTE_ALLOC_CONFIG_INIT;
            cfg.model = m ? NYTTE_ALLOC_BENEFIT_AND_CONTRIBUTOR : NYTTE_ALLOC_CONTRIBUTOR;
            nytte_alloc_element el = {.id = "basin", .pool = {.capex_ore = 1000000}, .parcels = p};
            nytte_alloc_input in = {.nparcels = 3, .elements = &el, .nelements = 1, .config = &cfg};
            nytte_alloc_result *r = NULL;
            assert_int_equal(nytte_allocate_run(ctx, &r, &in), NYTTE_OK);
            assert_int_equal(r->lines[0].ore + r->lines[1].ore + r->lines[2].ore, 1000000);
            assert_int_equal(r->lines[2].ore, 0);
            assert_int_equal(r->lines[2].exempt, NYTTE_EXEMPT_OUTSIDE);
            if (m == 0) {
                assert_true(r->lines[0].ore >= last);
                last = r->lines[0].ore;
            }
            nytte_alloc_result_free(r);
        }
    }
}

int main(void)
{
    nytte_io_init();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_valley_directions_and_accumulation),
        cmocka_unit_test(test_valley_catchment_exact),
        cmocka_unit_test(test_flat_drains_to_outlet),
        cmocka_unit_test(test_flats_no_cycles_every_cell_reaches_outlet),
        cmocka_unit_test(test_bluespots_in_series),
        cmocka_unit_test(test_malstroem_reference),
        cmocka_unit_test(test_runoff_and_weights),
        cmocka_unit_test(test_parcel_areas_in_catchment),
        cmocka_unit_test(test_paved_doubling_allocation),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
