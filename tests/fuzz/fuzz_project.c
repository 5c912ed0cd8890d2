/*
 * fuzz_project.c — libFuzzer target for the project-file loader: the input is written
 * as project.yaml into a scratch folder that also holds empty files under the names a
 * project usually refers to (so that the loader gets past "file not found" and checks
 * the rest), then loaded with nytte_project_load (ytree + config). Any result is fine;
 * crashes, leaks, sanitizer reports and a missing message on failure are not.
 */
#include "nytte/config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char dir[64], yaml[128];

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    snprintf(dir, sizeof dir, "/tmp/nytte-fuzz-project-XXXXXX");
    if (!mkdtemp(dir))
        abort();
    static const char *const names[] = {"terrain.tif", "cadastre.gpkg", "owners.csv", "sea.geojson", "a.tif"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        char p[160];
        snprintf(p, sizeof p, "%s/%s", dir, names[i]);
        FILE *f = fopen(p, "w");
        if (!f)
            abort();
        fclose(f);
    }
    snprintf(yaml, sizeof yaml, "%s/project.yaml", dir);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    FILE *f = fopen(yaml, "wb");
    if (!f)
        abort();
    if (size && fwrite(data, 1, size, f) != size)
        abort();
    fclose(f);
    nytte_ctx *ctx = NULL;
    if (nytte_ctx_new(&ctx) != NYTTE_OK)
        abort();
    nytte_ctx_set_verbosity(ctx, NYTTE_LOG_ERROR);
    nytte_project *p = NULL;
    nytte_diag diag = {0};
    int rc = nytte_project_load(ctx, &p, yaml, &diag);
    if (rc == NYTTE_OK) {
        if (!p)
            abort();
    } else {
        /* a failure always says why, naming the file */
        const char *m = nytte_ctx_errmsg(ctx);
        if (p || !m || !strstr(m, "project.yaml"))
            abort();
        for (size_t i = 0; i < diag.n; i++)
            if (!diag.lines[i] || !strstr(diag.lines[i], "project.yaml"))
                abort();
    }
    nytte_diag_clear(&diag);
    nytte_project_free(p);
    nytte_ctx_free(ctx);
    return 0;
}
