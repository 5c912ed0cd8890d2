/*
 * results.c — runs kept in memory, for `nytte explain` and `nytte compare`: the stages of
 * a run without the report, the hazard rasters in a scratch folder removed at once; an
 * owner's explanation, with the owner's band when the project draws (docs/uncertainty.md).
 */
#include "pipeline/pipeline_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct nytte_results {
    run_state s;
};

int nytte_compute(nytte_ctx *ctx, nytte_results **out, const nytte_project *p)
{
    *out = NULL;
    nytte_results *r = calloc(1, sizeof *r);
    if (!r)
        return nytte_nomem(ctx, "%s", p->path);
    r->s.ctx = ctx;
    r->s.p = p;
    r->s.writer = true; /* its own folder, under mpirun too */
    int rc = run_folder_scratch(ctx, &r->s.folder);
    if (!rc) {
        rc = pipeline_compute(&r->s);
        /* the hazard rasters were only needed for the overlay */
        run_folder_end(&r->s.folder);
    }
    if (rc) {
        nytte_results_free(r);
        return rc;
    }
    *out = r;
    return NYTTE_OK;
}

void nytte_results_free(nytte_results *r)
{
    if (!r)
        return;
    run_state_free(&r->s);
    free(r);
}

/* line added at the end of the malloc'ed *text: NYTTE_OK or NYTTE_ENOMEM (*text as it was). */
static int append(char **text, const char *line)
{
    size_t n = strlen(*text), k = strlen(line);
    char *grown = realloc(*text, n + k + 1);
    if (!grown)
        return NYTTE_ENOMEM;
    memcpy(grown + n, line, k + 1);
    *text = grown;
    return NYTTE_OK;
}

/* How the owner pays the amount: the loan's payments, or at once (docs/models.md, Finance). */
static int payment_plan(char **text, const run_state *s, size_t o)
{
    const nytte_loan *l = &s->loans[o];
    const nytte_loan_terms *t = &s->p->loan;
    char a[48], b[48], c[48], d[48], e[48], line[640];
    if (l->principal < 0)
        snprintf(line, sizeof line, "\nPayment (betaling): paid back to you at once: %s kr\n",
                 nytte_money_format(a, sizeof a, NULL, -l->principal));
    else if (t->kind == NYTTE_LOAN_NONE || l->npayments <= 1)
        snprintf(line, sizeof line, "\nPayment (betaling): at once: %s kr\n", nytte_money_format(a, sizeof a, NULL, l->total));
    else
        snprintf(line, sizeof line,
                 "\nPayment (betaling): %s loan (lån) over %d years at %.2f %% a year, %d payments a year: %d "
                 "payments, the first %s kr, the last %s kr; the first year %s kr; repaid in all %s kr, of which "
                 "interest (renter) %s kr\n",
                 nytte_loan_kind_name(t->kind), t->years, 100.0 * t->rate, t->payments_per_year, l->npayments,
                 nytte_money_format(a, sizeof a, NULL, l->first_payment),
                 nytte_money_format(b, sizeof b, NULL, l->last_payment),
                 nytte_money_format(c, sizeof c, NULL, l->first_year), nytte_money_format(d, sizeof d, NULL, l->total),
                 nytte_money_format(e, sizeof e, NULL, l->interest));
    return append(text, line);
}

/* With draws: the owner's band over them (docs/uncertainty.md), after the payment. */
static int band(char **text, const run_state *s, size_t o)
{
    char line[1024];
    nytte_unc_owner_text(line, sizeof line, s->unc, o, s->p->uncertainty.seed);
    return append(text, line);
}

int pipeline_owner_text(nytte_ctx *ctx, char **text, const run_state *s, size_t o)
{
    *text = NULL;
    int rc = nytte_alloc_explain_owner(ctx, text, s->alloc, &s->ain, s->alloc->owners[o].id);
    if (!rc && ((s->loans && payment_plan(text, s, o) != NYTTE_OK) ||
                (s->unc && s->unc->owners && band(text, s, o) != NYTTE_OK))) {
        free(*text);
        *text = NULL;
        rc = nytte_nomem(ctx, "explaining owner %s", s->alloc->owners[o].id);
    }
    return rc;
}

int nytte_results_explain(nytte_ctx *ctx, char **text, const nytte_results *r, const char *owner_id)
{
    long o = nytte_alloc_find_owner(r->s.alloc, owner_id);
    if (o < 0) /* its message names the owner */
        return nytte_alloc_explain_owner(ctx, text, r->s.alloc, &r->s.ain, owner_id);
    return pipeline_owner_text(ctx, text, &r->s, (size_t)o);
}

size_t nytte_results_owners(const nytte_results *r, size_t o, const char **id, const char **name, char *parcels,
                            size_t size)
{
    const run_state *s = &r->s;
    const nytte_alloc_result *a = s->alloc;
    if (o >= a->nowners)
        return a->nowners;
    *id = a->owners[o].id;
    *name = NULL;
    for (size_t i = 0; i < s->in.nowners; i++)
        if (!strcmp(s->in.owners[i].id, *id)) {
            *name = s->in.owners[i].name;
            break;
        }
    /* its parcels, each once, as the parts list them */
    size_t k = 0;
    parcels[0] = '\0';
    for (size_t q = 0; q < a->owners[o].nparts; q++) {
        size_t p = a->parts[a->owners[o].part0 + q].parcel;
        const char *pid = s->in.parcels[p].id;
        bool seen = false;
        for (size_t q2 = 0; q2 < q && !seen; q2++)
            seen = a->parts[a->owners[o].part0 + q2].parcel == p;
        if (!seen && k < size)
            k += (size_t)snprintf(parcels + k, size - k, "%s%s", k ? "; " : "", pid);
    }
    return a->nowners;
}

const nytte_alloc_result *nytte_results_allocation(const nytte_results *r) { return r->s.alloc; }

int nytte_results_compare(nytte_ctx *ctx, nytte_alloc_comparison **out, size_t *n, const nytte_results *r)
{
    *out = NULL;
    *n = 0;
    const run_state *s = &r->s;
    /* the caller's copy of the rows the run computed (comparison stage); a model that cannot
     * run on these facts keeps its reason in its row */
    nytte_alloc_comparison *c = calloc(s->nmodels ? s->nmodels : 1, sizeof *c);
    if (!c)
        return nytte_nomem(ctx, "comparing %zu models", s->nmodels);
    for (size_t m = 0; m < s->nmodels; m++) {
        c[m] = s->models[m];
        c[m].owner_ore = NULL;
        if (!s->models[m].owner_ore)
            continue;
        c[m].owner_ore = malloc((c[m].nowners ? c[m].nowners : 1) * sizeof *c[m].owner_ore);
        if (!c[m].owner_ore) {
            nytte_alloc_comparison_free(c, m);
            return nytte_nomem(ctx, "comparing %zu models", s->nmodels);
        }
        for (size_t o = 0; o < c[m].nowners; o++)
            c[m].owner_ore[o] = s->models[m].owner_ore[o];
    }
    *out = c;
    *n = s->nmodels;
    return NYTTE_OK;
}
