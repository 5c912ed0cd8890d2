/*
 * compare.c — the models side by side: the same facts, pools and holdings allocated under
 * each config, every result measured against the first (docs/models.md, Comparing
 * models). The one comparison behind `nytte compare` and the report's table.
 */
#include "allocate/allocate_int.h"

#include <stdio.h>
#include <stdlib.h>

void nytte_alloc_comparison_free(nytte_alloc_comparison *c, size_t n)
{
    for (size_t i = 0; c && i < n; i++)
        free(c[i].owner_ore);
    free(c);
}

int nytte_alloc_compare(nytte_ctx *ctx, nytte_alloc_comparison **out, const nytte_alloc_input *in,
                        const nytte_alloc_config *configs, size_t n)
{
    *out = NULL;
    nytte_alloc_comparison *m = calloc(n ? n : 1, sizeof *m);
    nytte_alloc_element *els = calloc(in->nelements ? in->nelements : 1, sizeof *els);
    nytte_alloc_result *ref = NULL;
    int rc = NYTTE_OK;
    if (!m || !els) {
        rc = nytte_nomem(ctx, "comparing %zu models", n);
        goto cleanup;
    }
    /* every element under the compared model */
    for (size_t e = 0; e < in->nelements; e++) {
        els[e] = in->elements[e];
        els[e].config = NULL;
    }
    for (size_t k = 0; k < n; k++) {
        nytte_alloc_input ik = *in;
        ik.elements = els;
        ik.config = &configs[k];
        m[k].model = configs[k].model;
        nytte_alloc_result *r = NULL;
        m[k].rc = nytte_allocate_run(ctx, &r, &ik);
        if (m[k].rc == NYTTE_OK)
            m[k].rc = nytte_alloc_metrics_of(ctx, &m[k].metrics, r, ref ? ref : r);
        if (m[k].rc != NYTTE_OK) {
            snprintf(m[k].error, sizeof m[k].error, "%s", nytte_ctx_errmsg(ctx));
            nytte_ctx_clear_error(ctx);
            nytte_alloc_result_free(r);
            continue;
        }
        m[k].nowners = r->nowners;
        m[k].owner_ore = malloc((r->nowners ? r->nowners : 1) * sizeof *m[k].owner_ore);
        if (!m[k].owner_ore) {
            nytte_alloc_result_free(r);
            rc = nytte_nomem(ctx, "comparing %zu models", n);
            goto cleanup;
        }
        for (size_t o = 0; o < r->nowners; o++)
            m[k].owner_ore[o] = r->owners[o].total_ore;
        if (k == 0)
            ref = r;
        else
            nytte_alloc_result_free(r);
    }
    *out = m;
    m = NULL;
cleanup:
    nytte_alloc_result_free(ref);
    free(els);
    nytte_alloc_comparison_free(m, n);
    return rc;
}
