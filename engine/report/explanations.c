/*
 * explanations.c — explanations.txt: every owner's `nytte explain` text, written by the
 * run, so that `nytte explain OUT_DIR OWNER` answers from the finished run at once and
 * says exactly what the run computed. One block per owner, in owner-id order:
 *
 *     @@ <bytes> <owner id>
 *     <the text: exactly <bytes> bytes>
 *
 * The byte count makes the blocks safe for any text (no delimiter to escape). Owner names
 * are not in the texts (the explanation names the owner by id).
 */
#include "report/report_int.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

int report_write_explanations(nytte_ctx *ctx, const nytte_report_data *d, const char *dir)
{
    if (!d->explanations)
        return NYTTE_OK;
    sbuf b = {0};
    for (size_t o = 0; o < d->alloc->nowners; o++) {
        const char *t = d->explanations[o] ? d->explanations[o] : "";
        sb_printf(&b, "@@ %zu %s\n", strlen(t), d->alloc->owners[o].id);
        sb_add(&b, t);
    }
    int rc = b.failed ? nytte_nomem(ctx, "%s/explanations.txt", dir) : sb_write_file(ctx, &b, dir, "explanations.txt");
    free(b.s);
    return rc;
}

int nytte_outdir_explanation(nytte_ctx *ctx, char **text, const char *dir, const char *owner_id)
{
    *text = NULL;
    char path[4400];
    snprintf(path, sizeof path, "%s/explanations.txt", dir);
    FILE *f = fopen(path, "rb");
    if (!f)
        return nytte_error(ctx, NYTTE_EINPUT, "%s: cannot open: %s (a run of nytte 0.1 before explanations were written?)",
                           path, strerror(errno));
    char head[1024];
    int rc = NYTTE_EUSAGE;
    size_t block = 0;
    while (fgets(head, sizeof head, f)) {
        block++;
        size_t n = 0;
        int off = 0;
        char *nl = strchr(head, '\n');
        if (!nl || sscanf(head, "@@ %zu %n", &n, &off) != 1 || off == 0) {
            rc = nytte_error(ctx, NYTTE_EINPUT, "%s: block %zu: not a block header (@@ BYTES OWNER)", path, block);
            break;
        }
        *nl = '\0';
        if (strcmp(head + off, owner_id) != 0) {
            if (fseek(f, (long)n, SEEK_CUR) != 0) {
                rc = nytte_error(ctx, NYTTE_EINPUT, "%s: cut short in owner %s's block", path, head + off);
                break;
            }
            continue;
        }
        char *t = malloc(n + 1);
        if (!t) {
            rc = nytte_nomem(ctx, "%s", path);
            break;
        }
        if (fread(t, 1, n, f) != n) {
            free(t);
            rc = nytte_error(ctx, NYTTE_EINPUT, "%s: cut short in owner %s's block", path, owner_id);
            break;
        }
        t[n] = '\0';
        *text = t;
        rc = NYTTE_OK;
        break;
    }
    fclose(f);
    if (rc == NYTTE_EUSAGE)
        return nytte_error(ctx, NYTTE_EUSAGE, "owner %s: not in %s", owner_id, path);
    return rc;
}
