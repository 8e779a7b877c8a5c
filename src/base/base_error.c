/* base_error.c: the error type (see base.h). */
#include <stdio.h>
#include <string.h>

#include "base/base.h"

void cc_error_clear(cc_error *e)
{
    if (e) memset(e, 0, sizeof *e);
}

int cc_error_set(cc_error *e, int code, unsigned culprit, const char *fmt, ...)
{
    if (!e) return code;
    e->code = code;
    e->culprit = culprit;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(e->reason, sizeof e->reason, fmt, ap);
    va_end(ap);
    return code;
}
