/*
 * fuzz_ead_rule.c — libFuzzer target for the small text parsers a project file feeds:
 * the EAD rule ("integration/lower/upper", damage.ead), and the names of models, use
 * groups, loan kinds and depth statistics. A parsed rule must format back to a string
 * that parses to the same rule.
 */
#include "nytte/allocate.h"
#include "nytte/damage.h"
#include "nytte/finance.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *s = malloc(size + 1);
    if (!s)
        abort();
    if (size)
        memcpy(s, data, size);
    s[size] = '\0';
    nytte_ctx *ctx = NULL;
    if (nytte_ctx_new(&ctx) != NYTTE_OK)
        abort();
    nytte_ead_rule r = NYTTE_EAD_RULE_INIT;
    if (nytte_ead_rule_parse(ctx, &r, s) == NYTTE_OK) {
        char buf[128];
        nytte_ead_rule r2 = NYTTE_EAD_RULE_INIT;
        nytte_ead_rule_format(buf, sizeof buf, &r);
        if (nytte_ead_rule_parse(ctx, &r2, buf) != NYTTE_OK || memcmp(&r, &r2, sizeof r) != 0)
            abort();
    } else if (!nytte_ctx_errmsg(ctx) || !*nytte_ctx_errmsg(ctx)) {
        abort();
    }
    (void)nytte_alloc_model_parse(s);
    (void)nytte_use_parse(s);
    (void)nytte_loan_kind_parse(s);
    (void)nytte_depth_stat_parse(s);
    nytte_ctx_free(ctx);
    free(s);
    return 0;
}
