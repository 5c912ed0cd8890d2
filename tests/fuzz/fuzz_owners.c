/*
 * fuzz_owners.c — libFuzzer target for the ownership table reader: the input is
 * written as owners.csv and read with nytte_inputs_read against a fixed parcel layer
 * of three parcels (A, B, C; GeoJSON, EPSG:25832) written once at start-up. Checks the
 * invariants of a successful read: every parcel owned, shares summing to 1, holdings
 * sorted, owner indices in range.
 */
#include "nytte/config.h"
#include "nytte/io.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char dir[64], parcels[128], owners[128];
static char *wkt;
static nytte_project proj;
static char *parcel_id_field[] = {"parcel_id"};

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char parcels_json[] =
    "{\"type\":\"FeatureCollection\",\"crs\":{\"type\":\"name\",\"properties\":{\"name\":\"urn:ogc:def:crs:EPSG::25832\"}},"
    "\"features\":["
    "{\"type\":\"Feature\",\"properties\":{\"parcel_id\":\"A\"},\"geometry\":{\"type\":\"Polygon\",\"coordinates\":"
    "[[[0,0],[10,0],[10,10],[0,10],[0,0]]]}},"
    "{\"type\":\"Feature\",\"properties\":{\"parcel_id\":\"B\"},\"geometry\":{\"type\":\"Polygon\",\"coordinates\":"
    "[[[10,0],[20,0],[20,10],[10,10],[10,0]]]}},"
    "{\"type\":\"Feature\",\"properties\":{\"parcel_id\":\"C\"},\"geometry\":{\"type\":\"Polygon\",\"coordinates\":"
    "[[[20,0],[30,0],[30,10],[20,10],[20,0]]]}}]}\n";

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    snprintf(dir, sizeof dir, "/tmp/nytte-fuzz-owners-XXXXXX");
    if (!mkdtemp(dir))
        abort();
    snprintf(parcels, sizeof parcels, "%s/parcels.geojson", dir);
    snprintf(owners, sizeof owners, "%s/owners.csv", dir);
    FILE *f = fopen(parcels, "w");
    if (!f || fputs(parcels_json, f) < 0)
        abort();
    fclose(f);
    nytte_ctx *ctx = NULL;
    if (nytte_ctx_new(&ctx) != NYTTE_OK || nytte_crs_wkt(ctx, &wkt, "EPSG:25832") != NYTTE_OK)
        abort();
    nytte_ctx_free(ctx);
    proj.parcels.src.path = parcels;
    proj.parcels.id = (nytte_key_fields){parcel_id_field, 1};
    proj.owners.given = true;
    proj.owners.src.path = owners;
    proj.owners.parcel = (nytte_key_fields){parcel_id_field, 1};
    proj.owners.owner = "owner_id";
    proj.owners.name = "owner_name";
    proj.owners.share = "share";
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    FILE *f = fopen(owners, "wb");
    if (!f)
        abort();
    if (size && fwrite(data, 1, size, f) != size)
        abort();
    fclose(f);
    nytte_ctx *ctx = NULL;
    if (nytte_ctx_new(&ctx) != NYTTE_OK)
        abort();
    nytte_ctx_set_verbosity(ctx, NYTTE_LOG_ERROR);
    nytte_inputs in;
    int rc = nytte_inputs_read(ctx, &in, &proj, wkt);
    if (rc == NYTTE_OK) {
        if (in.nparcels != 3 || in.nholdings < 3 || in.nowners == 0)
            abort();
        double sum[3] = {0, 0, 0};
        for (size_t i = 0; i < in.nholdings; i++) {
            const nytte_holding *h = &in.holdings[i];
            if (h->parcel >= 3 || h->owner >= in.nowners || !(h->share > 0) || h->share > 1)
                abort();
            if (i > 0 && h->parcel < in.holdings[i - 1].parcel)
                abort();
            sum[h->parcel] += h->share;
        }
        for (int k = 0; k < 3; k++)
            if (fabs(sum[k] - 1) > 1e-6)
                abort();
        nytte_inputs_free(&in);
    } else {
        const char *m = nytte_ctx_errmsg(ctx);
        if (!m || !*m)
            abort();
    }
    nytte_ctx_free(ctx);
    return 0;
}
