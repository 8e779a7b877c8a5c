/* base_log.c: the log (see base.h): text lines, or one JSON object per line. */
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/base.h"

static cc_log_level g_min = CC_LOG_INFO;
static atomic_int g_format = -1; /* -1: not chosen yet, read CCTSA_LOG_FORMAT once */
static char g_node[33];

void cc_log_set_level(cc_log_level min) { g_min = min; }

int cc_log_format_parse(const char *s)
{
    return !s ? -1 : !strcmp(s, "text") ? CC_LOG_TEXT : !strcmp(s, "json") ? CC_LOG_JSON : -1;
}

void cc_log_set_format(cc_log_format f) { atomic_store(&g_format, (int)f); }

int cc_log_format_opt(void *unused, const char *v)
{
    (void)unused;
    int f = cc_log_format_parse(v);
    if (f < 0) return -1;
    cc_log_set_format((cc_log_format)f);
    return 0;
}

void cc_log_set_node(const char *name) { snprintf(g_node, sizeof g_node, "%s", name ? name : ""); }

static cc_log_format format(void)
{
    int f = atomic_load(&g_format);
    if (f < 0) {
        f = cc_log_format_parse(getenv("CCTSA_LOG_FORMAT"));
        if (f < 0) f = CC_LOG_TEXT;
        int expected = -1;
        atomic_compare_exchange_strong(&g_format, &expected, f);
        f = atomic_load(&g_format);
    }
    return (cc_log_format)f;
}

#define LOG_MAX_FIELDS 8
#define LOG_MAX_VALUE 256
#define LOG_LINE_MAX (1024 * 6 + (2 + LOG_MAX_FIELDS) * 6 * (LOG_MAX_VALUE + 2) + 256) /* fits every escape */

/* The longest prefix of s[0..n) that does not end inside a UTF-8 character. */
static size_t utf8_whole(const char *s, size_t n)
{
    size_t p = n;
    while (p && ((unsigned char)s[p - 1] & 0xC0) == 0x80) p--;
    if (!p || (unsigned char)s[p - 1] < 0xC0) return n; /* ASCII (or stray continuation bytes) */
    unsigned char lead = (unsigned char)s[p - 1];
    size_t need = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : 2;
    return n - (p - 1) >= need ? n : p - 1;
}

/* Append at most max bytes of s (never half a UTF-8 character) as a JSON string. The line
 * buffer is sized for the worst case, so nothing is ever cut here. */
static size_t json_str(char *out, size_t cap, size_t n, const char *s, size_t max)
{
    static const char hex[] = "0123456789abcdef";
    const char *end = s + utf8_whole(s, strnlen(s, max));
    if (n + 1 < cap) out[n++] = '"';
    for (; s < end && n + 7 < cap; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\')
            out[n++] = '\\', out[n++] = (char)c;
        else if (c == '\n')
            out[n++] = '\\', out[n++] = 'n';
        else if (c < 0x20 || c == 0x7f)
            out[n++] = '\\', out[n++] = 'u', out[n++] = '0', out[n++] = '0', out[n++] = hex[c >> 4],
            out[n++] = hex[c & 15];
        else
            out[n++] = (char)c; /* UTF-8 passes through */
    }
    if (n + 1 < cap) out[n++] = '"';
    out[n < cap ? n : cap - 1] = 0;
    return n < cap ? n : cap - 1;
}

static size_t add(char *out, size_t cap, size_t n, const char *s)
{
    size_t l = strlen(s);
    if (n + l >= cap) l = cap - 1 - n;
    memcpy(out + n, s, l);
    out[n + l] = 0;
    return n + l;
}

static void emit(cc_log_level level, const char *tag, const cc_log_kv *kv, size_t nkv, const char *fmt, va_list ap)
    CC_PRINTF(5, 0);
static void emit(cc_log_level level, const char *tag, const cc_log_kv *kv, size_t nkv, const char *fmt, va_list ap)
{
    static const char *const names[] = {"debug", "info", "warning", "error"};
    if (level < g_min || level > CC_LOG_ERROR) return;
    char msg[1024], line[LOG_LINE_MAX];
    if (vsnprintf(msg, sizeof msg, fmt, ap) >= (int)sizeof msg) msg[utf8_whole(msg, sizeof msg - 1)] = 0;
    tag = tag ? tag : "cctsa";
    size_t n = 0;
    if (format() == CC_LOG_TEXT) {
        n = (size_t)snprintf(line, sizeof line, "%s: %s%s%s", tag, level == CC_LOG_INFO ? "" : names[level],
                             level == CC_LOG_INFO ? "" : ": ", msg);
        if (n >= sizeof line) n = sizeof line - 1;
        for (size_t i = 0; i < nkv; i++) {
            n = add(line, sizeof line, n, " "), n = add(line, sizeof line, n, kv[i].key);
            n = add(line, sizeof line, n, "="), n = add(line, sizeof line, n, kv[i].val ? kv[i].val : "");
        }
    } else {
        struct timespec ts;
        struct tm tm;
        char now[40];
        clock_gettime(CLOCK_REALTIME, &ts);
        gmtime_r(&ts.tv_sec, &tm);
        size_t t = strftime(now, sizeof now, "%Y-%m-%dT%H:%M:%S", &tm);
        snprintf(now + t, sizeof now - t, ".%03ldZ", ts.tv_nsec / 1000000);
        n = add(line, sizeof line, n, "{\"time\":\""), n = add(line, sizeof line, n, now);
        n = add(line, sizeof line, n, "\",\"level\":\""), n = add(line, sizeof line, n, names[level]);
        n = add(line, sizeof line, n, "\",\"component\":"), n = json_str(line, sizeof line, n, tag, LOG_MAX_VALUE);
        if (g_node[0])
            n = add(line, sizeof line, n, ",\"node\":"), n = json_str(line, sizeof line, n, g_node, LOG_MAX_VALUE);
        n = add(line, sizeof line, n, ",\"msg\":"), n = json_str(line, sizeof line, n, msg, sizeof msg);
        for (size_t i = 0; i < nkv && i < LOG_MAX_FIELDS; i++) {
            n = add(line, sizeof line, n, ","), n = json_str(line, sizeof line, n, kv[i].key, LOG_MAX_VALUE);
            n = add(line, sizeof line, n, ":");
            n = json_str(line, sizeof line, n, kv[i].val ? kv[i].val : "", LOG_MAX_VALUE);
        }
        n = add(line, sizeof line, n, "}");
    }
    fprintf(stderr, "%s\n", line);
}

void cc_vlog(cc_log_level level, const char *tag, const char *fmt, va_list ap) { emit(level, tag, NULL, 0, fmt, ap); }

void cc_log(cc_log_level level, const char *tag, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    emit(level, tag, NULL, 0, fmt, ap);
    va_end(ap);
}

void cc_log_event(cc_log_level level, const char *tag, const cc_log_kv *kv, size_t n, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    emit(level, tag, kv, n, fmt, ap);
    va_end(ap);
}
