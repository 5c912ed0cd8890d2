/*
 * gen_kerteminde.c — generates the bundled synthetic Kerteminde case study
 * (datasets/kerteminde/): a terrain GeoTIFF, a GeoPackage cadastre (parcels,
 * buildings, sea, measures) and an owners table, all in EPSG:25832 near the real
 * Kerteminde. The real terrain and cadastre cannot be redistributed, so this is a
 * stand-in with the same shape of problem: a town on a harbour channel that links
 * the open sea to an enclosed fjord (the Nor), a sluice across the channel mouth,
 * a low beach pocket on the open coast (a separable dike) and an inland hollow that
 * is below the water levels but not connected to the sea.
 *
 * Deterministic: every random choice comes from splitmix64 with a fixed seed and
 * every terrain value from +, -, *, / and sqrt only (no libm transcendental
 * functions, no rand()), so the same arguments give the same bytes on any IEEE-754
 * machine with the same GDAL/GEOS/SQLite versions. This relies on the build's
 * -std=c17 (GCC then does not contract a*b+c into FMA). Clipped parcel corners come
 * from GEOS (through OGR) and are snapped to 1 mm.
 *
 * Usage: gen_kerteminde [--out DIR] [--scale S] [--res M] [--seed N] [--no-summary]
 */
#include <gdal.h>
#include <gdal_alg.h>
#include <ogr_api.h>
#include <ogr_srs_api.h>
#include <cpl_conv.h>
#include <cpl_string.h>

#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- deterministic random numbers ---------------------------------------- */

static uint64_t mix64(uint64_t z)
{
    z += 0x9E3779B97F4A7C15ULL;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

typedef struct { uint64_t s; } rng;

static uint64_t rng_next(rng *r)
{
    r->s += 0x9E3779B97F4A7C15ULL;
    uint64_t z = r->s;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

/** Uniform in [0, 1) with 53 random bits. */
static double rng_unif(rng *r) { return (double)(rng_next(r) >> 11) * (1.0 / 9007199254740992.0); }
/** Uniform in [lo, hi). */
static double rng_range(rng *r, double lo, double hi) { return lo + (hi - lo) * rng_unif(r); }
/** Integer in [0, n). */
static int rng_int(rng *r, int n) { return (int)(rng_next(r) % (uint64_t)n); }

/* ---- smooth noise (value noise, pure arithmetic) ---------------------------- */

static double clamp01(double t) { return t < 0 ? 0 : (t > 1 ? 1 : t); }
/** Smoothstep of t clamped to [0, 1]. */
static double sstep(double t)
{
    t = clamp01(t);
    return t * t * (3.0 - 2.0 * t);
}

/** Lattice value in [-1, 1] for integer corner (ix, iy) of octave `oct`. */
static double lattice(uint64_t seed, int oct, long ix, long iy)
{
    uint64_t h = mix64(seed ^ mix64((uint64_t)ix * 0x9E3779B97F4A7C15ULL + (uint64_t)oct) ^
                       mix64((uint64_t)iy * 0xC2B2AE3D27D4EB4FULL));
    return (double)(h >> 11) * (2.0 / 9007199254740992.0) - 1.0;
}

/** Value noise with wavelength lambda (m) at (x, y), in [-1, 1]. */
static double vnoise(uint64_t seed, int oct, double lambda, double x, double y)
{
    double u = x / lambda, v = y / lambda;
    double fu = floor(u), fv = floor(v);
    long ix = (long)fu, iy = (long)fv;
    double tu = u - fu, tv = v - fv;
    double su = tu * tu * tu * (tu * (tu * 6.0 - 15.0) + 10.0);
    double sv = tv * tv * tv * (tv * (tv * 6.0 - 15.0) + 10.0);
    double a = lattice(seed, oct, ix, iy), b = lattice(seed, oct, ix + 1, iy);
    double c = lattice(seed, oct, ix, iy + 1), d = lattice(seed, oct, ix + 1, iy + 1);
    double ab = a + (b - a) * su, cd = c + (d - c) * su;
    return ab + (cd - ab) * sv;
}

/* ---- the layout (local metres, origin at the south-west corner) -------------- */

#define NCH 6 /* nodes of the channel centreline */

typedef struct layout {
    double W, H, res;       /* extent and cell size, m */
    double ox, oy;          /* south-west corner, EPSG:25832 */
    uint64_t seed;
    double coast_x;         /* mean coastline (x of the beach line) */
    double ch_x[NCH], ch_y[NCH], ch_half; /* channel centreline and half width */
    double nor_cx, nor_cy, nor_a, nor_b;  /* the Nor: noisy ellipse */
    double hol_x, hol_y, hol_r;           /* inland hollow */
    double pk_y;                          /* beach pocket (Nordstranden) centre y */
    double sluice_x;                      /* sluice line position */
} layout;

static double coast_at(const layout *L, double y) { return L->coast_x + 25.0 * vnoise(L->seed, 11, 300.0, 0.0, y); }

/** Channel centreline y at x (piecewise linear; held constant outside). */
static double channel_y(const layout *L, double x)
{
    if (x <= L->ch_x[0]) return L->ch_y[0];
    for (int i = 1; i < NCH; i++)
        if (x <= L->ch_x[i]) {
            double t = (x - L->ch_x[i - 1]) / (L->ch_x[i] - L->ch_x[i - 1]);
            return L->ch_y[i - 1] + t * (L->ch_y[i] - L->ch_y[i - 1]);
        }
    return L->ch_y[NCH - 1];
}

/** Distance (m, >= 0) from (x, y) to the channel water, 0 inside. */
static double channel_dist(const layout *L, double x, double y)
{
    double dy = fabs(y - channel_y(L, x)) - L->ch_half;
    if (dy < 0) dy = 0;
    double dx = 0;
    if (x < L->ch_x[0]) dx = L->ch_x[0] - x;
    if (x > L->ch_x[NCH - 1]) dx = x - L->ch_x[NCH - 1];
    return dx > 0 ? sqrt(dx * dx + dy * dy) : dy;
}

/** Normalised radius of the Nor (< 1 inside the water). */
static double nor_rho(const layout *L, double x, double y)
{
    double u = (x - L->nor_cx) / L->nor_a, v = (y - L->nor_cy) / L->nor_b;
    return sqrt(u * u + v * v) + 0.10 * vnoise(L->seed, 12, 260.0, x, y);
}

typedef enum { W_LAND = 0, W_SEA = 1, W_CHANNEL = 2, W_NOR = 3 } wkind;

/** Terrain height (m, DVR90) at local (x, y); *kind says which water body, if any. */
static double terrain_at(const layout *L, double x, double y, wkind *kind)
{
    double cx = coast_at(L, y);
    double dcoast = cx - x; /* > 0 on land */
    double dch = channel_dist(L, x, y);
    double rho = nor_rho(L, x, y);
    double dnor = (rho - 1.0) * (L->nor_b < L->nor_a ? L->nor_b : L->nor_a);
    if (dnor < 0) dnor = 0;
    double d = dch < dnor ? dch : dnor; /* distance to the sheltered water */

    /* land: low town along the water, suburbs rising to a smooth ridge */
    double z = 1.0 + 1.5 * sstep(d / 300.0) + 9.0 * sstep((d - 300.0) / 800.0);
    double ridge = 3.5 * sstep(1.0 - fabs(y - 0.12 * L->H) / (0.12 * L->H + 150.0));
    z += ridge * sstep((d - 250.0) / 300.0);
    double amp = 0.25 + 0.75 * sstep((d - 150.0) / 600.0);
    z += amp * (0.60 * vnoise(L->seed, 1, 420.0, x, y) + 0.22 * vnoise(L->seed, 2, 130.0, x, y)) +
         0.06 * vnoise(L->seed, 3, 37.0, x, y);

    /* the open coast: a beach, then a dune/quay ridge 2.6-2.9 m, except at the pocket */
    double in_pocket = 1.0 - sstep((fabs(y - L->pk_y) - 130.0) / 40.0);
    if (dcoast < 160.0) {
        double dune = 0.2 + 2.4 * sstep(dcoast / 25.0) + 0.3 * sstep((dcoast - 25.0) / 40.0) +
                      0.08 * vnoise(L->seed, 4, 60.0, x, y);
        double w = (1.0 - sstep((dcoast - 100.0) / 50.0)) * (1.0 - in_pocket);
        double zd = z > dune ? z : dune;
        z = z + w * (zd - z);
    }
    /* the beach pocket (Nordstranden): low land open to the sea */
    {
        double dy = fabs(y - L->pk_y);
        double zp = 1.3 + 0.0045 * (dcoast > 20 ? dcoast - 20 : 0) + 3.0 * sstep((dy - 90.0) / 70.0) +
                    0.05 * vnoise(L->seed, 5, 45.0, x, y);
        if (dcoast < 20) zp -= 1.1 * (1.0 - sstep(dcoast / 20.0));
        if (zp < z) z = zp;
    }
    /* an inland hollow (a kettle hole) with no outlet */
    {
        double hx = x - L->hol_x, hy = y - L->hol_y;
        double r2 = (hx * hx + hy * hy) / (L->hol_r * L->hol_r);
        if (r2 < 1.0) z = 1.2 + r2 * (z - 1.2);
    }

    *kind = W_LAND;
    if (dcoast < 0) { /* open sea */
        double zs = -0.3 + 0.02 * dcoast;
        if (zs < -8.0) zs = -8.0;
        z = zs;
        *kind = W_SEA;
    }
    if (rho < 1.0) {
        double zn = -0.4 - 1.6 * sstep((1.0 - rho) / 0.25);
        if (*kind == W_LAND || zn < z) z = zn;
        if (*kind == W_LAND) *kind = W_NOR;
    }
    if (dch == 0 && x >= L->ch_x[0] && x <= L->ch_x[NCH - 1]) {
        double e = L->ch_half - fabs(y - channel_y(L, x)); /* distance in from the quay */
        double zc = -3.0 + 2.3 * (1.0 - sstep(e / 6.0));
        if (*kind == W_LAND || zc < z) z = zc;
        if (*kind != W_SEA) *kind = W_CHANNEL;
    }
    return z;
}

static void layout_init(layout *L, double scale, double res, uint64_t seed)
{
    double k = sqrt(scale);
    memset(L, 0, sizeof *L);
    L->W = floor(2500.0 * k / 10.0 + 0.5) * 10.0;
    L->H = floor(2000.0 * k / 10.0 + 0.5) * 10.0;
    L->res = res;
    L->seed = seed;
    /* centred on about E 602000, N 6151000 */
    L->ox = 602000.0 - floor(L->W / 2.0 / 10.0) * 10.0;
    L->oy = 6151000.0 - floor(L->H / 2.0 / 10.0) * 10.0;
    L->coast_x = L->W - 400.0 * k;
    L->nor_cx = 0.30 * L->W;
    L->nor_cy = 0.55 * L->H;
    L->nor_a = 0.20 * L->W;
    L->nor_b = 0.16 * L->H;
    L->ch_half = 25.0;
    double x0 = L->nor_cx + 0.80 * L->nor_a, x1 = L->coast_x + 80.0;
    static const double dy[NCH] = {0.0, 0.004, 0.012, 0.010, 0.002, 0.0};
    for (int i = 0; i < NCH; i++) {
        L->ch_x[i] = x0 + (x1 - x0) * i / (NCH - 1);
        L->ch_y[i] = L->nor_cy - 0.02 * L->H + dy[i] * L->H * (i % 2 ? 1.0 : -1.0);
    }
    L->sluice_x = L->coast_x - 45.0;
    L->hol_x = 0.72 * L->W;
    L->hol_y = channel_y(L, L->hol_x) + 430.0;
    L->hol_r = 90.0;
    L->pk_y = 0.87 * L->H;
}

/* ---- small geometry helpers ------------------------------------------------- */

static OGRGeometryH poly_from(const double *xy, int n) /* closed by us */
{
    OGRGeometryH ring = OGR_G_CreateGeometry(wkbLinearRing);
    for (int i = 0; i < n; i++) OGR_G_AddPoint_2D(ring, xy[2 * i], xy[2 * i + 1]);
    OGR_G_AddPoint_2D(ring, xy[0], xy[1]);
    OGRGeometryH p = OGR_G_CreateGeometry(wkbPolygon);
    OGR_G_AddGeometryDirectly(p, ring);
    return p;
}

static OGRGeometryH rect_poly(double x0, double y0, double x1, double y1)
{
    double xy[8] = {x0, y0, x1, y0, x1, y1, x0, y1};
    return poly_from(xy, 4);
}

/** Rectangle w × h centred at (cx, cy), rotated by (c, s) = (cos, sin). */
static OGRGeometryH rot_rect(double cx, double cy, double w, double h, double c, double s)
{
    double xy[8];
    static const double sx[4] = {-0.5, 0.5, 0.5, -0.5}, sy[4] = {-0.5, -0.5, 0.5, 0.5};
    for (int i = 0; i < 4; i++) {
        double px = sx[i] * w, py = sy[i] * h;
        xy[2 * i] = floor((cx + c * px - s * py) * 100.0 + 0.5) / 100.0;
        xy[2 * i + 1] = floor((cy + s * px + c * py) * 100.0 + 0.5) / 100.0;
    }
    return poly_from(xy, 4);
}

/** Snap every vertex of a polygon to 1 mm (in place). */
static void snap_mm(OGRGeometryH poly)
{
    int nr = OGR_G_GetGeometryCount(poly);
    for (int r = 0; r < nr; r++) {
        OGRGeometryH ring = OGR_G_GetGeometryRef(poly, r);
        int np = OGR_G_GetPointCount(ring);
        for (int i = 0; i < np; i++) {
            double x = OGR_G_GetX(ring, i), y = OGR_G_GetY(ring, i);
            OGR_G_SetPoint_2D(ring, i, floor(x * 1000.0 + 0.5) / 1000.0, floor(y * 1000.0 + 0.5) / 1000.0);
        }
    }
}

/**
 * rect minus the no-parcel area, as one valid polygon (the largest piece), or NULL
 * when less than min_area is left. Caller owns the result.
 */
static OGRGeometryH clip_parcel(OGRGeometryH rect, OGRGeometryH nogo, double min_area)
{
    if (!OGR_G_Intersects(rect, nogo)) return OGR_G_Clone(rect);
    OGRGeometryH d = OGR_G_Difference(rect, nogo);
    if (!d) return NULL;
    OGRGeometryH best = NULL;
    OGRwkbGeometryType t = wkbFlatten(OGR_G_GetGeometryType(d));
    if (t == wkbPolygon) {
        best = OGR_G_Clone(d);
    } else if (t == wkbMultiPolygon || t == wkbGeometryCollection) {
        double ba = 0;
        for (int i = 0; i < OGR_G_GetGeometryCount(d); i++) {
            OGRGeometryH g = OGR_G_GetGeometryRef(d, i);
            if (wkbFlatten(OGR_G_GetGeometryType(g)) != wkbPolygon) continue;
            double a = OGR_G_Area(g);
            if (a > ba) { ba = a; best = g; }
        }
        if (best) best = OGR_G_Clone(best);
    }
    OGR_G_DestroyGeometry(d);
    if (!best) return NULL;
    OGRGeometryH snapped = OGR_G_Clone(best);
    snap_mm(snapped);
    if (OGR_G_IsValid(snapped)) {
        OGR_G_DestroyGeometry(best);
        best = snapped;
    } else {
        OGR_G_DestroyGeometry(snapped);
    }
    if (OGR_G_Area(best) < min_area || !OGR_G_IsValid(best)) {
        OGR_G_DestroyGeometry(best);
        return NULL;
    }
    return best;
}

/* ---- the generated tables ----------------------------------------------------- */

typedef enum { LU_RESIDENTIAL, LU_SUMMERHOUSE, LU_BUSINESS, LU_PUBLIC, LU_FARMLAND } landuse;
static const char *const LU_NAME[] = {"residential", "summerhouse", "business", "public", "farmland"};
typedef enum { USE_RESIDENTIAL, USE_SUMMERHOUSE, USE_BUSINESS, USE_PUBLIC } usegroup;
static const char *const USE_NAME[] = {"residential", "summerhouse", "business", "public"};

typedef struct parcel {
    char id[64];
    landuse lu;
    double value;   /* kr */
    OGRGeometryH g; /* world coordinates, owned */
    int nbuild;
    bool harbour;   /* on the harbour quay (owned by the harbour company) */
    int ejerlav;
} parcel;

typedef struct building {
    char id[16];
    int parcel;
    usegroup use;
    double floor_area, floor_height, value; /* value < 0: null */
    OGRGeometryH g;
} building;

typedef struct holding {
    int parcel, owner;
    const char *share; /* exact text written to the CSV */
} holding;

typedef struct owner {
    char id[16];
    char name[80];
} owner;

typedef struct tables {
    parcel *p;
    size_t np, capp;
    building *b;
    size_t nb, capb;
    owner *o;
    size_t no, capo;
    holding *h;
    size_t nh, caph;
} tables;

#define GROW(arr, n, cap)                                                    \
    do {                                                                     \
        if ((n) == (cap)) {                                                  \
            size_t nc_ = (cap) ? 2 * (cap) : 256;                            \
            void *q_ = realloc((arr), nc_ * sizeof *(arr));                  \
            if (!q_) { fprintf(stderr, "gen_kerteminde: out of memory\n"); exit(1); } \
            (arr) = q_;                                                      \
            (cap) = nc_;                                                     \
        }                                                                    \
    } while (0)

static const char *const EJERLAV[] = {"Kerteminde Bygrunde", "Kerteminde Markjorder", "Kølstrup By"};

/** Matrikel number "12ab": base number plus a letter suffix (0 = none, 1 = a, 27 = aa). */
static void matrikel(char *out, size_t n, int number, int sub, int ejerlav)
{
    char suf[4] = {0};
    if (sub > 0 && sub <= 26) {
        suf[0] = (char)('a' + sub - 1);
    } else if (sub > 26) {
        suf[0] = (char)('a' + (sub - 1) / 26 - 1);
        suf[1] = (char)('a' + (sub - 1) % 26);
    }
    snprintf(out, n, "%d%s %s", number, suf, EJERLAV[ejerlav]);
}

static double round_to(double v, double q) { return floor(v / q + 0.5) * q; }

/* Pythagorean rotations: exact rational cos/sin, no libm */
static const double ROT[][2] = {{0.96, 0.28}, {12.0 / 13.0, 5.0 / 13.0}, {0.8, 0.6}, {15.0 / 17.0, 8.0 / 17.0},
                                {0.96, -0.28}, {24.0 / 25.0, -7.0 / 25.0}};

/**
 * Put a building of w × h (front edge `front` m behind the street side) into the parcel
 * rect [x0,x1]×[y0,y1] whose street is at the bottom (dir = +1) or top (dir = -1).
 * Returns the footprint (owned) or NULL if it does not fit inside the parcel polygon.
 */
static OGRGeometryH place(rng *r, OGRGeometryH pg, double x0, double y0, double x1, double y1, int dir, double w,
                          double h, double front, double along, bool allow_rot)
{
    double cx = x0 + along * (x1 - x0);
    double cy = dir > 0 ? y0 + front + h / 2 : y1 - front - h / 2;
    double c = 1, s = 0;
    if (allow_rot && rng_unif(r) < 0.15) {
        int k = rng_int(r, (int)(sizeof ROT / sizeof ROT[0]));
        c = ROT[k][0];
        s = ROT[k][1];
    }
    for (int attempt = 0; attempt < 3; attempt++) {
        OGRGeometryH g = rot_rect(cx, cy, w, h, c, s);
        if (OGR_G_Within(g, pg)) return g;
        OGR_G_DestroyGeometry(g);
        w *= 0.8;
        h *= 0.8;
        cy = (y0 + y1) / 2;
    }
    return NULL;
}

static void add_building(tables *T, int pi, usegroup use, OGRGeometryH g, double floors, rng *r)
{
    GROW(T->b, T->nb, T->capb);
    building *b = &T->b[T->nb];
    snprintf(b->id, sizeof b->id, "B%06zu", T->nb + 1);
    b->parcel = pi;
    b->use = use;
    b->g = g;
    b->floor_area = floor(OGR_G_Area(g) * floors + 0.5);
    double u = rng_unif(r);
    b->floor_height = u < 0.25 ? 0.0 : round_to(rng_range(r, 0.0, 0.6), 0.05);
    if (b->floor_height > 0.6) b->floor_height = 0.6;
    b->value = -1;
    if (use == USE_BUSINESS && rng_unif(r) < 0.10) b->value = round_to(b->floor_area * rng_range(r, 7000, 11000), 1000);
    T->p[pi].nbuild++;
    T->nb++;
}

/** A parcel and its buildings. rect is the plot before clipping (local coordinates). */
static void add_parcel(tables *T, const layout *L, rng *r, OGRGeometryH nogo, landuse lu, int ejerlav, int number,
                       int sub, double x0, double y0, double x1, double y1, int dir, bool harbour)
{
    OGRGeometryH rect = rect_poly(L->ox + x0, L->oy + y0, L->ox + x1, L->oy + y1);
    OGRGeometryH g = clip_parcel(rect, nogo, lu == LU_FARMLAND ? 2000.0 : 150.0);
    OGR_G_DestroyGeometry(rect);
    if (!g) return;
    GROW(T->p, T->np, T->capp);
    int pi = (int)T->np++;
    parcel *p = &T->p[pi];
    memset(p, 0, sizeof *p);
    matrikel(p->id, sizeof p->id, number, sub, ejerlav);
    p->lu = lu;
    p->g = g;
    p->harbour = harbour;
    p->ejerlav = ejerlav;
    double area = OGR_G_Area(g);
    double wx = x1 - x0, wy = y1 - y0;
    double X0w = L->ox + x0, Y0w = L->oy + y0, X1w = L->ox + x1, Y1w = L->oy + y1;
    bool built = true;
    double built_value = 0;
    switch (lu) {
    case LU_RESIDENTIAL:
    case LU_SUMMERHOUSE: {
        bool summer = lu == LU_SUMMERHOUSE;
        built = rng_unif(r) >= (summer ? 0.08 : 0.05);
        if (!built) break;
        double w = summer ? rng_range(r, 7, 11) : rng_range(r, 8, 13);
        double h = summer ? rng_range(r, 6, 9) : rng_range(r, 8, 12);
        if (w > wx - 6) w = wx - 6;
        if (h > wy - 9) h = wy - 9;
        if (w < 5 || h < 5) { built = false; break; }
        OGRGeometryH hg = place(r, g, X0w, Y0w, X1w, Y1w, dir, w, h, 5.0, 0.5, true);
        if (!hg) { built = false; break; }
        double floors = summer ? 1.0 : (rng_unif(r) < 0.45 ? 2.0 : (rng_unif(r) < 0.5 ? 1.5 : 1.0));
        add_building(T, pi, summer ? USE_SUMMERHOUSE : USE_RESIDENTIAL, hg, floors, r);
        built_value = T->b[T->nb - 1].floor_area * (summer ? rng_range(r, 9000, 15000) : rng_range(r, 11000, 19000));
        if (rng_unif(r) < 0.22) { /* annex: garage, carport, shed */
            double aw = rng_range(r, 4, 7), ah = rng_range(r, 4, 6.5);
            OGRGeometryH ag = place(r, g, X0w, Y0w, X1w, Y1w, -dir, aw, ah, 2.0, rng_unif(r) < 0.5 ? 0.3 : 0.7, false);
            if (ag && !OGR_G_Intersects(ag, hg)) {
                add_building(T, pi, summer ? USE_SUMMERHOUSE : USE_RESIDENTIAL, ag, 1.0, r);
            } else if (ag) {
                OGR_G_DestroyGeometry(ag);
            }
        }
        break;
    }
    case LU_BUSINESS: {
        built = rng_unif(r) >= 0.06;
        if (!built) break;
        double w = (wx - 6) * rng_range(r, 0.5, 0.8), h = (wy - 8) * rng_range(r, 0.45, 0.75);
        if (w < 8 || h < 8) { built = false; break; }
        OGRGeometryH bg = place(r, g, X0w, Y0w, X1w, Y1w, dir, w, h, 3.0, 0.5, true);
        if (!bg) { built = false; break; }
        add_building(T, pi, USE_BUSINESS, bg, rng_unif(r) < 0.5 ? 1.0 : 2.0, r);
        built_value = T->b[T->nb - 1].floor_area * rng_range(r, 8000, 14000);
        break;
    }
    case LU_PUBLIC: {
        double w = (wx - 10) * rng_range(r, 0.35, 0.6), h = (wy - 10) * rng_range(r, 0.4, 0.6);
        OGRGeometryH bg = w >= 8 && h >= 8 ? place(r, g, X0w, Y0w, X1w, Y1w, dir, w, h, 5.0, 0.5, false) : NULL;
        built = bg != NULL;
        if (!built) break;
        add_building(T, pi, USE_PUBLIC, bg, rng_unif(r) < 0.5 ? 1.0 : 2.0, r);
        built_value = T->b[T->nb - 1].floor_area * rng_range(r, 9000, 13000);
        break;
    }
    case LU_FARMLAND: {
        built = rng_unif(r) < 0.35;
        if (!built) break;
        double cxl = rng_range(r, 0.3, 0.7);
        OGRGeometryH hg = place(r, g, X0w, Y0w, X1w, Y1w, dir, rng_range(r, 10, 14), rng_range(r, 9, 12), 20.0, cxl,
                                true);
        if (!hg) { built = false; break; }
        add_building(T, pi, USE_RESIDENTIAL, hg, 1.5, r);
        built_value = T->b[T->nb - 1].floor_area * rng_range(r, 9000, 13000);
        OGRGeometryH bg = place(r, g, X0w, Y0w, X1w, Y1w, dir, rng_range(r, 18, 30), rng_range(r, 12, 20), 45.0,
                                cxl, false);
        if (bg && !OGR_G_Intersects(bg, hg)) {
            add_building(T, pi, USE_BUSINESS, bg, 1.0, r);
        } else if (bg) {
            OGR_G_DestroyGeometry(bg);
        }
        break;
    }
    }
    (void)built;
    /* public property value: land value by use and area, plus the buildings */
    double land;
    switch (lu) {
    case LU_FARMLAND: land = area * rng_range(r, 12, 20); break;
    case LU_BUSINESS: land = area * rng_range(r, 900, 1600); break;
    case LU_PUBLIC: land = area * rng_range(r, 400, 800); break;
    case LU_SUMMERHOUSE: land = area * rng_range(r, 350, 650); break;
    default: land = area * rng_range(r, 500, 900); break;
    }
    p->value = round_to(land + built_value, 1000);
}

/* ---- owners ----------------------------------------------------------------------- */

static const char *const FIRST[] = {"Anne", "Kirsten", "Mette", "Hanne", "Helle", "Susanne", "Lene", "Maria",
                                    "Marianne", "Lone", "Camilla", "Pia", "Louise", "Inge", "Karen", "Birgit",
                                    "Peter", "Jens", "Lars", "Michael", "Henrik", "Thomas", "Søren", "Jan",
                                    "Niels", "Christian", "Martin", "Jørgen", "Hans", "Anders", "Ole", "Per",
                                    "Erik", "Bent", "Poul", "Rasmus", "Morten", "Mads", "Kim", "Bjarne"};
static const char *const LAST[] = {"Nielsen", "Jensen", "Hansen", "Pedersen", "Andersen", "Christensen",
                                   "Larsen", "Sørensen", "Rasmussen", "Jørgensen", "Petersen", "Madsen",
                                   "Kristensen", "Olsen", "Thomsen", "Christiansen", "Poulsen", "Johansen",
                                   "Møller", "Mortensen", "Knudsen", "Jakobsen", "Lauridsen", "Holm", "Østergaard",
                                   "Frandsen", "Kjær", "Dahl", "Bech", "Skov"};
static const char *const FIRM[] = {"Byg ApS", "Holding ApS", "Ejendomme A/S", "& Søn ApS", "Fisk ApS", "Marine ApS",
                                   "VVS ApS", "Auto ApS", "Invest ApS"};
#define NELEM(a) ((int)(sizeof(a) / sizeof((a)[0])))

static int new_owner(tables *T, const char *name)
{
    GROW(T->o, T->no, T->capo);
    owner *o = &T->o[T->no];
    snprintf(o->id, sizeof o->id, "E%05zu", T->no + 1);
    snprintf(o->name, sizeof o->name, "%s", name);
    return (int)T->no++;
}

static void hold(tables *T, int pi, int oi, const char *share)
{
    GROW(T->h, T->nh, T->caph);
    T->h[T->nh].parcel = pi;
    T->h[T->nh].owner = oi;
    T->h[T->nh].share = share;
    T->nh++;
}

static void make_owners(tables *T, rng *r)
{
    int kommune = new_owner(T, "Kerteminde Kommune");
    int havn = new_owner(T, "Kerteminde Havn A/S");
    int *persons = calloc(T->np + 1, sizeof *persons), npers = 0;
    int *firms = calloc(T->np + 1, sizeof *firms), nfirms = 0;
    bool formula_done = false;
    char name[80];
    if (!persons || !firms) { fprintf(stderr, "gen_kerteminde: out of memory\n"); exit(1); }
    for (size_t i = 0; i < T->np; i++) {
        const parcel *p = &T->p[i];
        int pi = (int)i;
        if (p->lu == LU_PUBLIC) { hold(T, pi, kommune, "1"); continue; }
        if (p->harbour) { hold(T, pi, havn, "1"); continue; }
        if (p->lu == LU_BUSINESS) {
            if (!formula_done) { /* one name a spreadsheet would read as a formula */
                hold(T, pi, new_owner(T, "=Jensen Holding ApS"), "1");
                formula_done = true;
                continue;
            }
            if (nfirms > 0 && rng_unif(r) < 0.3) {
                hold(T, pi, firms[rng_int(r, nfirms)], "1");
            } else {
                snprintf(name, sizeof name, "%s %s", LAST[rng_int(r, NELEM(LAST))], FIRM[rng_int(r, NELEM(FIRM))]);
                firms[nfirms++] = new_owner(T, name);
                hold(T, pi, firms[nfirms - 1], "1");
            }
            continue;
        }
        double u = rng_unif(r);
        if (npers > 0 && u < 0.07) { /* an owner of several parcels */
            hold(T, pi, persons[rng_int(r, npers)], "1");
        } else if (u < 0.84) {
            snprintf(name, sizeof name, "%s %s", FIRST[rng_int(r, NELEM(FIRST))], LAST[rng_int(r, NELEM(LAST))]);
            persons[npers++] = new_owner(T, name);
            hold(T, pi, persons[npers - 1], "1");
        } else {
            /* co-owned: a couple (same surname mostly) or siblings */
            double v = rng_unif(r);
            int n = v < 0.80 ? 2 : 3;
            static const char *const half[2] = {"0.5", "0.5"}, *const quarter[2] = {"0.25", "0.75"};
            static const char *const third[3] = {"0.333333333333", "0.333333333333", "0.333333333334"};
            const char *const *shares = n == 3 ? third : (v < 0.65 ? half : quarter);
            const char *last = LAST[rng_int(r, NELEM(LAST))];
            for (int k = 0; k < n; k++) {
                const char *l = rng_unif(r) < 0.8 ? last : LAST[rng_int(r, NELEM(LAST))];
                snprintf(name, sizeof name, "%s %s", FIRST[rng_int(r, NELEM(FIRST))], l);
                hold(T, pi, new_owner(T, name), shares[k]);
            }
        }
    }
    free(persons);
    free(firms);
}

/* ---- the parcel layout ---------------------------------------------------------- */

typedef enum { Z_TOWN, Z_SUBURB, Z_SUMMER, Z_VILLAGE, Z_FARM, Z_NONE } zone;

static zone zone_at(const layout *L, double x, double y)
{
    double cx = coast_at(L, y);
    if (x > cx - 40) return Z_NONE;
    double dch = fabs(y - channel_y(L, x));
    double east0 = L->nor_cx + L->nor_a * 1.02;
    if (fabs(y - L->pk_y) < 150 && x > cx - 330) return Z_SUMMER;
    if (x >= east0) {
        if (dch < 300) return Z_TOWN;
        if (dch < 620) return Z_SUBURB;
        if (x > cx - 260) return Z_SUMMER;
        return Z_FARM;
    }
    if (y > L->nor_cy + L->nor_b * 0.75 && y < L->nor_cy + L->nor_b + 320 && x > L->nor_cx - 0.45 * L->nor_a &&
        x < L->nor_cx + 0.75 * L->nor_a)
        return Z_VILLAGE;
    return Z_FARM;
}

/** Build the no-parcel area: the water plus shore strips, in world coordinates. */
static OGRGeometryH make_nogo(const layout *L)
{
    /* sea plus a 40 m beach strip */
    int n = (int)(L->H / 20.0) + 1;
    double *xy = malloc(sizeof(double) * 2 * (size_t)(n + 4));
    if (!xy) exit(1);
    int k = 0;
    for (int i = 0; i < n; i++) {
        double y = i * L->H / (n - 1);
        xy[2 * k] = L->ox + coast_at(L, y) - 40.0;
        xy[2 * k + 1] = L->oy + y;
        k++;
    }
    xy[2 * k] = L->ox + L->W + 10; xy[2 * k + 1] = L->oy + L->H + 10; k++;
    xy[2 * k] = L->ox + L->W + 10; xy[2 * k + 1] = L->oy - 10; k++;
    OGRGeometryH sea = poly_from(xy, k);
    free(xy);
    /* channel plus 12 m quays on each side */
    double cxy[4 * NCH];
    for (int i = 0; i < NCH; i++) {
        cxy[2 * i] = L->ox + L->ch_x[i];
        cxy[2 * i + 1] = L->oy + L->ch_y[i] + L->ch_half + 12.0;
        cxy[2 * (2 * NCH - 1 - i)] = L->ox + L->ch_x[i];
        cxy[2 * (2 * NCH - 1 - i) + 1] = L->oy + L->ch_y[i] - L->ch_half - 12.0;
    }
    OGRGeometryH ch = poly_from(cxy, 2 * NCH);
    /* the Nor plus a 15 m shore strip: march along rays to nor_rho = 1 + 15/b */
    int nr = 256;
    double *nxy = malloc(sizeof(double) * 2 * (size_t)nr);
    if (!nxy) exit(1);
    double target = 1.0 + 15.0 / L->nor_b;
    for (int i = 0; i < nr; i++) {
        /* directions from a walk around a square, normalised: no trigonometry */
        double t = 8.0 * i / nr, px, py;
        if (t < 1) { px = 1; py = t; }
        else if (t < 3) { px = 2 - t; py = 1; }
        else if (t < 5) { px = -1; py = 4 - t; }
        else if (t < 7) { px = t - 6; py = -1; }
        else { px = 1; py = t - 8; }
        double len = sqrt(px * px + py * py);
        double ux = px / len * L->nor_a, uy = py / len * L->nor_b;
        double lo = 0.3, hi = 0.3;
        while (hi < 3.0 && nor_rho(L, L->nor_cx + hi * ux, L->nor_cy + hi * uy) < target) {
            lo = hi;
            hi += 0.02;
        }
        for (int it = 0; it < 40; it++) {
            double mid = 0.5 * (lo + hi);
            if (nor_rho(L, L->nor_cx + mid * ux, L->nor_cy + mid * uy) < target) lo = mid; else hi = mid;
        }
        nxy[2 * i] = round_to(L->ox + L->nor_cx + hi * ux, 0.01);
        nxy[2 * i + 1] = round_to(L->oy + L->nor_cy + hi * uy, 0.01);
    }
    OGRGeometryH nor = poly_from(nxy, nr);
    free(nxy);
    OGRGeometryH u1 = OGR_G_Union(sea, ch);
    OGRGeometryH u2 = OGR_G_Union(u1, nor);
    OGR_G_DestroyGeometry(sea);
    OGR_G_DestroyGeometry(ch);
    OGR_G_DestroyGeometry(nor);
    OGR_G_DestroyGeometry(u1);
    return u2;
}

static void make_parcels(tables *T, const layout *L, rng *r, OGRGeometryH nogo)
{
    const double PX = 100.0, PY = 60.0, ST = 8.0; /* block pitch and street width */
    const double FX = 300.0, FY = 240.0;          /* farmland fields */
    int numbers[3] = {0, 0, 0};
    double gy0 = channel_y(L, L->nor_cx + L->nor_a) + L->ch_half + 12.0; /* grid aligned to the north quay */
    gy0 = round_to(gy0 - floor(gy0 / PY) * PY, 1.0); /* whole metres: mm snapping keeps shared edges */
    /* farmland first, on its own grid; towns fill the rest */
    for (double fy = 0; fy < L->H; fy += FY)
        for (double fx = 0; fx < L->W; fx += FX) {
            double x1 = fx + FX > L->W ? L->W : fx + FX, y1 = fy + FY > L->H ? L->H : fy + FY;
            if (zone_at(L, (fx + x1) / 2, (fy + y1) / 2) != Z_FARM) continue;
            int ej = fx < L->nor_cx + L->nor_a ? 2 : 1;
            int num = ++numbers[ej];
            if (rng_unif(r) < 0.4) { /* two fields */
                double xm = fx + round_to(rng_range(r, 0.35, 0.65) * (x1 - fx), 1);
                add_parcel(T, L, r, nogo, LU_FARMLAND, ej, num, 1, fx, fy, xm, y1, 1, false);
                add_parcel(T, L, r, nogo, LU_FARMLAND, ej, num, 2, xm, fy, x1, y1, 1, false);
            } else {
                add_parcel(T, L, r, nogo, LU_FARMLAND, ej, num, 0, fx, fy, x1, y1, 1, false);
            }
        }
    /* blocks must not overlap the fields: add the fields to the no-parcel area */
    OGRGeometryH nogo2 = OGR_G_Clone(nogo);
    for (size_t i = 0; i < T->np; i++) {
        OGRGeometryH u = OGR_G_Union(nogo2, T->p[i].g);
        OGR_G_DestroyGeometry(nogo2);
        nogo2 = u;
    }
    nogo = nogo2;
    for (double by = gy0 - PY; by < L->H; by += PY)
        for (double bx = 0; bx < L->W; bx += PX) {
            double x0 = bx + ST / 2, x1 = bx + PX - ST / 2, y0 = by + ST / 2, y1 = by + PY - ST / 2;
            if (x1 > L->W || y1 > L->H || x0 < 0 || y0 < 0) continue;
            double mx = (x0 + x1) / 2, my = (y0 + y1) / 2;
            zone z = zone_at(L, mx, my);
            if (z == Z_NONE || z == Z_FARM) continue;
            /* skip blocks whose field is farmland (the farmland grid owns them) */
            double fxc = floor(mx / FX) * FX + FX / 2, fyc = floor(my / FY) * FY + FY / 2;
            if (zone_at(L, fxc < L->W ? fxc : mx, fyc < L->H ? fyc : my) == Z_FARM) continue;
            int ej = z == Z_TOWN ? 0 : (z == Z_VILLAGE ? 2 : 1);
            int num = ++numbers[ej], sub = 0;
            double dch = fabs(my - channel_y(L, mx));
            if (rng_unif(r) < (z == Z_TOWN ? 0.09 : 0.025)) { /* school, church, town hall, sports hall */
                add_parcel(T, L, r, nogo, LU_PUBLIC, ej, num, 0, x0, y0, x1, y1, 1, false);
                continue;
            }
            bool business = z == Z_TOWN && (dch < 90 || rng_unif(r) < 0.08);
            bool harbour = business && dch < 90 && mx > L->nor_cx + L->nor_a + 250;
            landuse lu = business ? LU_BUSINESS
                         : z == Z_SUMMER ? LU_SUMMERHOUSE
                                         : LU_RESIDENTIAL;
            int rows = z == Z_SUMMER ? 1 : 2;
            double wlo = 14, whi = 24;
            if (business) { wlo = 28; whi = 46; }
            else if (z == Z_SUBURB || z == Z_VILLAGE) { wlo = 22; whi = 34; }
            else if (z == Z_SUMMER) { wlo = 22; whi = 34; }
            for (int row = 0; row < rows; row++) {
                double ry0 = rows == 1 ? y0 : (row == 0 ? y0 : (y0 + y1) / 2);
                double ry1 = rows == 1 ? y1 : (row == 0 ? (y0 + y1) / 2 : y1);
                int dir = row == 0 ? 1 : -1;
                double x = x0;
                while (x < x1 - 1e-9) {
                    double w = round_to(rng_range(r, wlo, whi), 0.5);
                    if (x1 - (x + w) < wlo * 0.6) w = x1 - x;
                    landuse plu = lu;
                    if (plu == LU_RESIDENTIAL && z == Z_TOWN && rng_unif(r) < 0.04) plu = LU_BUSINESS;
                    add_parcel(T, L, r, nogo, plu, ej, num, ++sub, x, ry0, x + w, ry1, dir, harbour);
                    x += w;
                }
            }
        }
    OGR_G_DestroyGeometry(nogo2);
}

/* ---- output ------------------------------------------------------------------------ */

static int write_terrain(const layout *L, const char *path, float *keep)
{
    int nx = (int)(L->W / L->res + 0.5), ny = (int)(L->H / L->res + 0.5);
    char **opt = NULL;
    opt = CSLSetNameValue(opt, "TILED", "YES");
    opt = CSLSetNameValue(opt, "BLOCKXSIZE", "256");
    opt = CSLSetNameValue(opt, "BLOCKYSIZE", "256");
    opt = CSLSetNameValue(opt, "COMPRESS", "DEFLATE");
    opt = CSLSetNameValue(opt, "PREDICTOR", "3");
    opt = CSLSetNameValue(opt, "ZLEVEL", "9");
    GDALDatasetH ds = GDALCreate(GDALGetDriverByName("GTiff"), path, nx, ny, 1, GDT_Float32, opt);
    CSLDestroy(opt);
    if (!ds) return -1;
    double gt[6] = {L->ox, L->res, 0, L->oy + L->H, 0, -L->res};
    GDALSetGeoTransform(ds, gt);
    OGRSpatialReferenceH srs = OSRNewSpatialReference(NULL);
    OSRImportFromEPSG(srs, 25832);
    GDALSetSpatialRef(ds, srs);
    OSRDestroySpatialReference(srs);
    GDALRasterBandH b = GDALGetRasterBand(ds, 1);
    GDALSetRasterNoDataValue(b, -9999.0);
    GDALSetRasterUnitType(b, "m");
    GDALSetDescription(b, "terrain height, m DVR90 (synthetic)");
    int strip = 256;
    float *buf = malloc(sizeof(float) * (size_t)nx * (size_t)strip);
    int rc = buf ? 0 : -1;
    for (int r0 = 0; rc == 0 && r0 < ny; r0 += strip) {
        int nr = r0 + strip > ny ? ny - r0 : strip;
        for (int r = 0; r < nr; r++) {
            double y = L->H - (r0 + r + 0.5) * L->res;
            for (int c = 0; c < nx; c++) {
                wkind k;
                double z = terrain_at(L, (c + 0.5) * L->res, y, &k);
                float v = (float)(floor(z * 100.0 + 0.5) / 100.0);
                buf[(size_t)r * nx + c] = v;
            }
        }
        if (keep) memcpy(keep + (size_t)r0 * nx, buf, sizeof(float) * (size_t)nx * (size_t)nr);
        if (GDALRasterIO(b, GF_Write, 0, r0, nx, nr, buf, nx, nr, GDT_Float32, 0, 0) != CE_None) rc = -1;
    }
    free(buf);
    GDALClose(ds);
    return rc;
}

static OGRLayerH mklayer(GDALDatasetH ds, const char *name, OGRSpatialReferenceH srs, OGRwkbGeometryType t)
{
    char **lo = CSLSetNameValue(NULL, "FID", "fid");
    OGRLayerH l = GDALDatasetCreateLayer(ds, name, srs, t, lo);
    CSLDestroy(lo);
    return l;
}

static void mkfield(OGRLayerH l, const char *name, OGRFieldType t)
{
    OGRFieldDefnH f = OGR_Fld_Create(name, t);
    OGR_L_CreateField(l, f, TRUE);
    OGR_Fld_Destroy(f);
}

/* measure lines in world coordinates (owned by the caller) */
static OGRGeometryH sluice_line(const layout *L)
{
    OGRGeometryH g = OGR_G_CreateGeometry(wkbLineString);
    double yc = channel_y(L, L->sluice_x);
    OGR_G_AddPoint_2D(g, L->ox + L->sluice_x, round_to(L->oy + yc - L->ch_half - 20.0, 0.01));
    OGR_G_AddPoint_2D(g, L->ox + L->sluice_x, round_to(L->oy + yc + L->ch_half + 20.0, 0.01));
    return g;
}

static OGRGeometryH dike_line(const layout *L)
{
    OGRGeometryH g = OGR_G_CreateGeometry(wkbLineString);
    for (double y = L->pk_y - 180.0; y <= L->pk_y + 180.0 + 1e-9; y += 20.0)
        OGR_G_AddPoint_2D(g, round_to(L->ox + coast_at(L, y) - 22.0, 0.01), L->oy + y);
    return g;
}

static OGRGeometryH sea_poly(const layout *L)
{
    int n = (int)(L->H / 20.0) + 1;
    double *xy = malloc(sizeof(double) * 2 * (size_t)(n + 2));
    if (!xy) exit(1);
    int k = 0;
    for (int i = 0; i < n; i++) {
        double y = i * L->H / (n - 1);
        xy[2 * k] = round_to(L->ox + coast_at(L, y) + 10.0, 0.01);
        xy[2 * k + 1] = L->oy + y;
        k++;
    }
    xy[2 * k] = L->ox + L->W; xy[2 * k + 1] = L->oy + L->H; k++;
    xy[2 * k] = L->ox + L->W; xy[2 * k + 1] = L->oy; k++;
    OGRGeometryH g = poly_from(xy, k);
    free(xy);
    return g;
}

static int write_gpkg(const layout *L, const tables *T, const char *path)
{
    GDALDatasetH ds = GDALCreate(GDALGetDriverByName("GPKG"), path, 0, 0, 0, GDT_Unknown, NULL);
    if (!ds) return -1;
    OGRSpatialReferenceH srs = OSRNewSpatialReference(NULL);
    OSRImportFromEPSG(srs, 25832);
    int rc = 0;
    OGRLayerH lp = mklayer(ds, "parcels", srs, wkbPolygon);
    OGRLayerH lb = mklayer(ds, "buildings", srs, wkbPolygon);
    OGRLayerH ls = mklayer(ds, "sea", srs, wkbPolygon);
    OGRLayerH lm = mklayer(ds, "measures", srs, wkbLineString);
    if (!lp || !lb || !ls || !lm) { rc = -1; goto done; }
    mkfield(lp, "parcel_id", OFTString);
    mkfield(lp, "property_value", OFTReal);
    mkfield(lp, "landuse", OFTString);
    mkfield(lb, "building_id", OFTString);
    mkfield(lb, "parcel_id", OFTString);
    mkfield(lb, "use_group", OFTString);
    mkfield(lb, "floor_area", OFTReal);
    mkfield(lb, "floor_height", OFTReal);
    mkfield(lb, "value", OFTReal);
    mkfield(ls, "name", OFTString);
    mkfield(lm, "measure_id", OFTString);
    mkfield(lm, "name", OFTString);
    GDALDatasetStartTransaction(ds, FALSE);
    for (size_t i = 0; i < T->np && rc == 0; i++) {
        OGRFeatureH f = OGR_F_Create(OGR_L_GetLayerDefn(lp));
        OGR_F_SetFieldString(f, 0, T->p[i].id);
        OGR_F_SetFieldDouble(f, 1, T->p[i].value);
        OGR_F_SetFieldString(f, 2, LU_NAME[T->p[i].lu]);
        OGR_F_SetGeometry(f, T->p[i].g);
        if (OGR_L_CreateFeature(lp, f) != OGRERR_NONE) rc = -1;
        OGR_F_Destroy(f);
    }
    for (size_t i = 0; i < T->nb && rc == 0; i++) {
        const building *b = &T->b[i];
        OGRFeatureH f = OGR_F_Create(OGR_L_GetLayerDefn(lb));
        OGR_F_SetFieldString(f, 0, b->id);
        OGR_F_SetFieldString(f, 1, T->p[b->parcel].id);
        OGR_F_SetFieldString(f, 2, USE_NAME[b->use]);
        OGR_F_SetFieldDouble(f, 3, b->floor_area);
        OGR_F_SetFieldDouble(f, 4, b->floor_height);
        if (b->value >= 0) OGR_F_SetFieldDouble(f, 5, b->value); else OGR_F_SetFieldNull(f, 5);
        OGR_F_SetGeometry(f, b->g);
        if (OGR_L_CreateFeature(lb, f) != OGRERR_NONE) rc = -1;
        OGR_F_Destroy(f);
    }
    if (rc == 0) {
        OGRFeatureH f = OGR_F_Create(OGR_L_GetLayerDefn(ls));
        OGR_F_SetFieldString(f, 0, "Storebælt (open sea)");
        OGRGeometryH g = sea_poly(L);
        OGR_F_SetGeometryDirectly(f, g);
        if (OGR_L_CreateFeature(ls, f) != OGRERR_NONE) rc = -1;
        OGR_F_Destroy(f);
    }
    for (int m = 0; m < 2 && rc == 0; m++) {
        OGRFeatureH f = OGR_F_Create(OGR_L_GetLayerDefn(lm));
        OGR_F_SetFieldString(f, 0, m == 0 ? "sluice" : "dike_nordstrand");
        OGR_F_SetFieldString(f, 1, m == 0 ? "Sluse ved Kerteminde Nor" : "Dige ved Nordstranden");
        OGR_F_SetGeometryDirectly(f, m == 0 ? sluice_line(L) : dike_line(L));
        if (OGR_L_CreateFeature(lm, f) != OGRERR_NONE) rc = -1;
        OGR_F_Destroy(f);
    }
    if (GDALDatasetCommitTransaction(ds) != OGRERR_NONE) rc = -1;
    if (rc == 0) {
        OGRLayerH res = GDALDatasetExecuteSQL(ds, "VACUUM", NULL, NULL);
        if (res) GDALDatasetReleaseResultSet(ds, res);
    }
done:
    OSRDestroySpatialReference(srs);
    GDALClose(ds);
    return rc;
}

static int write_owners(const tables *T, const char *path)
{
    FILE *f = fopen(path, "wb");
    if (!f) return -1;
    fprintf(f, "parcel_id,owner_id,owner_name,share\n");
    for (size_t i = 0; i < T->nh; i++) {
        const holding *h = &T->h[i];
        /* no generated field holds a comma, quote or newline, so no quoting is needed */
        fprintf(f, "%s,%s,%s,%s\n", T->p[h->parcel].id, T->o[h->owner].id, T->o[h->owner].name, h->share);
    }
    return fclose(f) == 0 ? 0 : -1;
}

/* ---- summary: parcels below each level, and connected to the sea ---------------------- */

/** Flood from the sea (4-connected) through cells below level; barrier cells raised to crest. */
static void flood(const float *z, const unsigned char *seed, const unsigned char *barrier, float crest, int nx,
                  int ny, double level, unsigned char *wet, int32_t *queue)
{
    size_t n = (size_t)nx * ny, head = 0, tail = 0;
    memset(wet, 0, n);
    for (size_t i = 0; i < n; i++)
        if (seed[i] && z[i] < level) { wet[i] = 1; queue[tail++] = (int32_t)i; }
    while (head < tail) {
        int32_t i = queue[head++];
        int r = i / nx, c = i % nx;
        int32_t nb[4] = {c > 0 ? i - 1 : -1, c < nx - 1 ? i + 1 : -1, r > 0 ? i - nx : -1, r < ny - 1 ? i + nx : -1};
        for (int k = 0; k < 4; k++) {
            int32_t j = nb[k];
            if (j < 0 || wet[j]) continue;
            float zj = z[j];
            if (zj == -9999.0f) continue;
            if (barrier && barrier[j] && zj < crest) zj = crest;
            if (zj < level) { wet[j] = 1; queue[tail++] = j; }
        }
    }
}

static int burn(const layout *L, int nx, int ny, GDALDataType t, int n, OGRGeometryH *g, double *vals, bool all_touched,
                void *out)
{
    GDALDatasetH m = GDALCreate(GDALGetDriverByName("MEM"), "", nx, ny, 1, t, NULL);
    if (!m) return -1;
    double gt[6] = {L->ox, L->res, 0, L->oy + L->H, 0, -L->res};
    GDALSetGeoTransform(m, gt);
    int band = 1;
    char **opt = all_touched ? CSLSetNameValue(NULL, "ALL_TOUCHED", "TRUE") : NULL;
    CPLErr e = GDALRasterizeGeometries(m, 1, &band, n, g, NULL, NULL, vals, opt, NULL, NULL);
    CSLDestroy(opt);
    if (e == CE_None) e = GDALRasterIO(GDALGetRasterBand(m, 1), GF_Read, 0, 0, nx, ny, out, nx, ny, t, 0, 0);
    GDALClose(m);
    return e == CE_None ? 0 : -1;
}

static int summarise(const layout *L, const tables *T, const float *z, FILE *out)
{
    int nx = (int)(L->W / L->res + 0.5), ny = (int)(L->H / L->res + 0.5);
    size_t n = (size_t)nx * ny, np = T->np;
    static const double levels[] = {1.52, 1.64, 1.72, 2.01};
    static const char *const lname[] = {"20 yr 1.52 m", "50 yr 1.64 m", "100 yr 1.72 m", "1000 yr 2.01 m"};
    int32_t *pid = calloc(n, sizeof *pid), *queue = malloc(n * sizeof *queue);
    unsigned char *seed = calloc(n, 1), *wet = malloc(n), *bar1 = calloc(n, 1), *bar2 = calloc(n, 1);
    double *minz = malloc(np * sizeof *minz);
    unsigned char *hit = malloc(np);
    OGRGeometryH *pg = malloc(np * sizeof *pg);
    double *vals = malloc(np * sizeof *vals);
    int rc = -1;
    size_t wetcells = 0;
    if (!pid || !queue || !seed || !wet || !bar1 || !bar2 || !minz || !hit || !pg || !vals) goto done;
    for (size_t i = 0; i < np; i++) { pg[i] = T->p[i].g; vals[i] = (double)(i + 1); minz[i] = 1e30; }
    if (burn(L, nx, ny, GDT_Int32, (int)np, pg, vals, false, pid)) goto done;
    OGRGeometryH sl = sluice_line(L), dk = dike_line(L), sp = sea_poly(L);
    double one = 1.0;
    int e1 = burn(L, nx, ny, GDT_Byte, 1, &sl, &one, true, bar1);
    int e2 = burn(L, nx, ny, GDT_Byte, 1, &dk, &one, true, bar2);
    int e3 = burn(L, nx, ny, GDT_Byte, 1, &sp, &one, false, seed);
    OGR_G_DestroyGeometry(sl);
    OGR_G_DestroyGeometry(dk);
    OGR_G_DestroyGeometry(sp);
    if (e1 || e2 || e3) goto done;
    for (size_t i = 0; i < n; i++) {
        bar2[i] |= bar1[i];
        if (pid[i] > 0 && z[i] < minz[pid[i] - 1]) minz[pid[i] - 1] = z[i];
        wetcells += pid[i] > 0 && z[i] < 0.0f;
    }
    fprintf(out, "parcel cells below 0 m (water inside parcels; should be 0): %zu\n\n", wetcells);
    fprintf(out, "Parcels with at least one cell centre below the level (plain threshold) and\n"
                 "with at least one such cell flooded from the sea (4-connected bathtub):\n\n");
    fprintf(out, "%-16s %8s %12s %14s %14s\n", "event", "below", "connected", "with sluice", "sluice+dike");
    for (int li = 0; li < 4; li++) {
        size_t below = 0;
        for (size_t i = 0; i < np; i++) below += minz[i] < levels[li];
        size_t conn[3];
        for (int s = 0; s < 3; s++) {
            flood(z, seed, s == 0 ? NULL : (s == 1 ? bar1 : bar2), 2.20f, nx, ny, levels[li], wet, queue);
            memset(hit, 0, np);
            for (size_t i = 0; i < n; i++)
                if (wet[i] && pid[i] > 0) hit[pid[i] - 1] = 1;
            conn[s] = 0;
            for (size_t i = 0; i < np; i++) conn[s] += hit[i];
        }
        fprintf(out, "%-16s %8zu %12zu %14zu %14zu\n", lname[li], below, conn[0], conn[1], conn[2]);
    }
    fprintf(out, "\nBarriers are burned at crest 2.20 m on every cell the line touches.\n");
    rc = 0;
done:
    free(pid); free(queue); free(seed); free(wet); free(bar1); free(bar2);
    free(minz); free(hit); free(pg); free(vals);
    return rc;
}

static void counts(const layout *L, const tables *T, FILE *out)
{
    size_t lu[5] = {0}, use[4] = {0}, unbuilt = 0, two = 0, coowned = 0, multi = 0;
    double amin = 1e30, amax = 0, asum = 0;
    size_t small = 0;
    for (size_t i = 0; i < T->np; i++) {
        lu[T->p[i].lu]++;
        unbuilt += T->p[i].nbuild == 0;
        two += T->p[i].nbuild >= 2;
        double a = OGR_G_Area(T->p[i].g);
        if (a < amin) amin = a;
        if (a > amax) amax = a;
        asum += a;
        small += a >= 300 && a <= 2000;
    }
    for (size_t i = 0; i < T->nb; i++) use[T->b[i].use]++;
    int *np_own = calloc(T->no, sizeof *np_own);
    for (size_t i = 0; i < T->nh; i++) {
        if (np_own) np_own[T->h[i].owner]++;
        if ((i + 1 < T->nh && T->h[i + 1].parcel == T->h[i].parcel) && (i == 0 || T->h[i - 1].parcel != T->h[i].parcel))
            coowned++;
    }
    for (size_t i = 0; i < T->no && np_own; i++) multi += np_own[i] > 1;
    free(np_own);
    fprintf(out, "extent: %.0f m x %.0f m, cell %.3g m, SW corner E %.0f N %.0f (EPSG:25832)\n", L->W, L->H, L->res,
            L->ox, L->oy);
    fprintf(out, "parcels: %zu (residential %zu, summerhouse %zu, business %zu, public %zu, farmland %zu)\n", T->np,
            lu[0], lu[1], lu[2], lu[3], lu[4]);
    fprintf(out, "parcel area: min %.0f m2, mean %.0f m2, max %.0f m2; %zu of %zu between 300 and 2000 m2\n", amin,
            asum / (double)T->np, amax, small, T->np);
    fprintf(out, "unbuilt parcels: %zu; parcels with 2+ buildings: %zu\n", unbuilt, two);
    fprintf(out, "buildings: %zu (residential %zu, summerhouse %zu, business %zu, public %zu)\n", T->nb, use[0], use[1],
            use[2], use[3]);
    fprintf(out, "owners: %zu; ownership rows: %zu; co-owned parcels: %zu; owners of 2+ parcels: %zu\n", T->no,
            T->nh, coowned, multi);
}

/* ---- main ------------------------------------------------------------------------------- */

static void usage(void)
{
    fprintf(stderr, "usage: gen_kerteminde [--out DIR] [--scale S] [--res M] [--seed N] [--no-summary]\n"
                    "  --scale S   multiply the area by S (default 1: 2500 m x 2000 m)\n"
                    "  --res M     terrain cell size in metres (default 1)\n");
}

int main(int argc, char **argv)
{
    const char *dir = ".";
    double scale = 1.0, res = 1.0;
    uint64_t seed = 20170203ULL; /* the municipality's model, February 2017 */
    bool summary = true;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--out") && i + 1 < argc) dir = argv[++i];
        else if (!strcmp(argv[i], "--scale") && i + 1 < argc) scale = strtod(argv[++i], NULL);
        else if (!strcmp(argv[i], "--res") && i + 1 < argc) res = strtod(argv[++i], NULL);
        else if (!strcmp(argv[i], "--seed") && i + 1 < argc) seed = strtoull(argv[++i], NULL, 10);
        else if (!strcmp(argv[i], "--no-summary")) summary = false;
        else { usage(); return 2; }
    }
    if (!(scale >= 0.25 && scale <= 10000) || !(res > 0.05 && res <= 10)) { usage(); return 2; }

    GDALAllRegister();
    CPLSetConfigOption("OGR_CURRENT_DATE", "2017-02-03T00:00:00.000Z"); /* reproducible gpkg_contents */
    CPLSetConfigOption("GDAL_NUM_THREADS", "1");
    layout L;
    layout_init(&L, scale, res, seed);
    int nx = (int)(L.W / L.res + 0.5), ny = (int)(L.H / L.res + 0.5);
    if (summary && (double)nx * ny > 2.0e8) {
        fprintf(stderr, "gen_kerteminde: %d x %d cells: skipping the summary (use --no-summary to silence)\n", nx, ny);
        summary = false;
    }

    char tif[4096], gpkg[4096], csv[4096], txt[4096], ttif[4096], tgpkg[4096], tcsv[4096], ttxt[4096];
    snprintf(tif, sizeof tif, "%s/terrain.tif", dir);
    snprintf(gpkg, sizeof gpkg, "%s/cadastre.gpkg", dir);
    snprintf(csv, sizeof csv, "%s/owners.csv", dir);
    snprintf(txt, sizeof txt, "%s/summary.txt", dir);
    snprintf(ttif, sizeof ttif, "%s/.tmp.terrain.tif", dir);
    snprintf(tgpkg, sizeof tgpkg, "%s/.tmp.cadastre.gpkg", dir);
    snprintf(tcsv, sizeof tcsv, "%s/.tmp.owners.csv", dir);
    snprintf(ttxt, sizeof ttxt, "%s/.tmp.summary.txt", dir);
    remove(ttif); remove(tgpkg); remove(tcsv); remove(ttxt);

    rng r = {seed};
    tables T;
    memset(&T, 0, sizeof T);
    OGRGeometryH nogo = make_nogo(&L);
    make_parcels(&T, &L, &r, nogo);
    OGR_G_DestroyGeometry(nogo);
    make_owners(&T, &r);

    int rc = 0;
    float *z = summary ? malloc(sizeof(float) * (size_t)nx * (size_t)ny) : NULL;
    if (summary && !z) { fprintf(stderr, "gen_kerteminde: out of memory for the summary\n"); rc = 1; }
    if (!rc && write_terrain(&L, ttif, z)) { fprintf(stderr, "gen_kerteminde: %s: cannot write\n", ttif); rc = 1; }
    if (!rc && write_gpkg(&L, &T, tgpkg)) { fprintf(stderr, "gen_kerteminde: %s: cannot write\n", tgpkg); rc = 1; }
    if (!rc && write_owners(&T, tcsv)) { fprintf(stderr, "gen_kerteminde: %s: cannot write\n", tcsv); rc = 1; }
    FILE *sf = rc ? NULL : fopen(ttxt, "wb");
    if (!rc && !sf) rc = 1;
    if (!rc) {
        fprintf(sf, "gen_kerteminde --scale %g --res %g --seed %llu\n\n", scale, res, (unsigned long long)seed);
        counts(&L, &T, sf);
        fprintf(sf, "\n");
        if (summary && summarise(&L, &T, z, sf)) { fprintf(stderr, "gen_kerteminde: summary failed\n"); rc = 1; }
        if (fclose(sf)) rc = 1;
    }
    if (!rc && (rename(ttif, tif) || rename(tgpkg, gpkg) || rename(tcsv, csv) || rename(ttxt, txt))) {
        fprintf(stderr, "gen_kerteminde: rename into %s: %s\n", dir, strerror(errno));
        rc = 1;
    }
    if (rc) { remove(ttif); remove(tgpkg); remove(tcsv); remove(ttxt); }
    if (!rc) {
        FILE *in = fopen(txt, "rb");
        char line[512];
        while (in && fgets(line, sizeof line, in)) fputs(line, stdout);
        if (in) fclose(in);
    }
    free(z);
    for (size_t i = 0; i < T.np; i++) OGR_G_DestroyGeometry(T.p[i].g);
    for (size_t i = 0; i < T.nb; i++) OGR_G_DestroyGeometry(T.b[i].g);
    free(T.p); free(T.b); free(T.o); free(T.h);
    return rc;
}
