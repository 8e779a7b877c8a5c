/* base_log.c: the log (see base.h). */
#include <stdio.h>

#include "base/base.h"

static cc_log_level g_min = CC_LOG_INFO;

void cc_log_set_level(cc_log_level min)
{
    g_min = min;
}

void cc_vlog(cc_log_level level, const char *tag, const char *fmt, va_list ap)
{
    static const char *const names[] = {"debug", "info", "warning", "error"};
    if (level < g_min || level > CC_LOG_ERROR) return;
    char line[1024];
    vsnprintf(line, sizeof line, fmt, ap);
    fprintf(stderr, "%s: %s%s%s\n", tag ? tag : "cctsa", level == CC_LOG_INFO ? "" : names[level],
            level == CC_LOG_INFO ? "" : ": ", line);
}

void cc_log(cc_log_level level, const char *tag, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    cc_vlog(level, tag, fmt, ap);
    va_end(ap);
}
