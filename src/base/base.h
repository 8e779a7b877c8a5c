/* base.h: the base layer shared by every component (library cctsa_base, libc only): the
 * must-check marker, the error type (return code + reason + culprit), bounded whole-file reads and
 * writes, hex encoding and decoding, a bounded byte cursor, command-line options and the log. No
 * function here keeps state except the log settings. Conventions: docs/conventions.md. */
#ifndef CCTSA_BASE_BASE_H
#define CCTSA_BASE_BASE_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

/* A status return the caller must look at (warn_unused_result; -Werror makes it an error). */
#if defined(__GNUC__)
#define CC_MUST_CHECK __attribute__((warn_unused_result))
#define CC_PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define CC_MUST_CHECK
#define CC_PRINTF(f, a)
#endif

/* ---- the error type: functions return 0 or a negative code of their library, and when the
 * caller passes a cc_error, fill it with the same code, the party to blame (0: nobody / not a
 * protocol error) and a one-line reason. ---- */
#define CC_ERROR_REASON_MAX 160
typedef struct {
    int code;         /* 0 or the negative code returned */
    unsigned culprit; /* protocol party proven at fault (1..N), 0 if none */
    char reason[CC_ERROR_REASON_MAX];
} cc_error;

/* Reset e (NULL allowed). */
void cc_error_clear(cc_error *e);
/* Fill e (NULL allowed) and return code, so a failure path is `return cc_error_set(e, ...)`. */
int cc_error_set(cc_error *e, int code, unsigned culprit, const char *fmt, ...) CC_PRINTF(4, 5);

/* ---- allocator hook: where a library puts long-lived secret state (key shares, DKG and signing
 * states). alloc returns zeroed memory or NULL; free wipes the n bytes, then releases them (p may
 * be NULL). A NULL allocator means cc_allocator_default: calloc, wipe, free. A node can pass one
 * over locked, guarded memory instead. ---- */
typedef struct cc_allocator {
    void *(*alloc)(void *ctx, size_t n);
    void (*free)(void *ctx, void *p, size_t n);
    void *ctx;
} cc_allocator;
extern const cc_allocator cc_allocator_default;
void *cc_alloc(const cc_allocator *a, size_t n);
void cc_free(const cc_allocator *a, void *p, size_t n);

/* ---- files ---- */
/* Read the whole file, at most max bytes (a larger file is an error, errno EFBIG). *buf is
 * malloc'd with one extra NUL byte after the *len bytes (so text can be used as a C string); the
 * stream is unbuffered and the buffer grows by copy and wipe, so no partial copy of a secret file
 * is left in freed memory. 0, or -1 with errno set and *buf untouched. */
CC_MUST_CHECK int cc_file_read(const char *path, size_t max, uint8_t **buf, size_t *len);
/* Create or truncate path with the bytes; mode 0600 if secret, else 0644 (less umask). 0 or -1. */
CC_MUST_CHECK int cc_file_write(const char *path, const uint8_t *buf, size_t len, int secret);

/* ---- hex ---- */
#define CC_HEX_SKIP_SPACE 1u /* decode: ignore ASCII whitespace between digits */
/* Decode hex (either case) from hex[0..hexlen) into out (capacity cap); *outlen = bytes written.
 * 0, or -1 on a bad digit, an odd digit count or more than cap bytes (out then holds garbage). */
CC_MUST_CHECK int cc_hex_decode(const char *hex, size_t hexlen, uint8_t *out, size_t cap, size_t *outlen,
                                unsigned flags);
/* Decode exactly outlen bytes from the NUL-terminated hex (no spaces). 0 or -1. */
CC_MUST_CHECK int cc_hex_decode_exact(const char *hex, uint8_t *out, size_t outlen);
/* Lower-case hex of in into out (2 * len + 1 bytes, NUL-terminated). */
void cc_hex_encode(const uint8_t *in, size_t len, char *out);

/* ---- bounded byte cursor: reads never go past the end; the first failure is sticky. ---- */
typedef struct {
    const uint8_t *p;
    size_t len, off;
    int err;
} cc_cursor;

void cc_cursor_init(cc_cursor *c, const uint8_t *p, size_t len);
/* The next n bytes (advancing), or NULL with err set if fewer remain. */
const uint8_t *cc_cursor_take(cc_cursor *c, size_t n);
uint8_t cc_cursor_u8(cc_cursor *c);     /* 0 with err set past the end */
uint16_t cc_cursor_u16be(cc_cursor *c); /* big-endian */
uint32_t cc_cursor_u32be(cc_cursor *c);
/* 1 if every byte was consumed and nothing failed. */
int cc_cursor_done(const cc_cursor *c);

/* ---- command-line options: every program and subcommand describes its options in one table and
 * parses them with cc_opts_parse, so they all behave alike: `--name VALUE` or `--name=VALUE`, flags
 * `--name`, a repeated option applies again (a plain value: the last one wins; a CC_OPT_FN option,
 * e.g. a list, sees each), `--` ends the options, anything else not starting with '-' is positional,
 * and every error names the option and says what it takes. -h/--help is the caller's
 * (cc_opts_wants_help, checked first). ---- */
typedef enum {
    CC_OPT_FLAG,  /* int *dest = 1 */
    CC_OPT_CLEAR, /* int *dest = 0 (the "--no-x" of a default-on flag) */
    CC_OPT_STR,   /* const char **dest = the value (borrowed from argv) */
    CC_OPT_INT,   /* int *dest = a decimal integer in [min, max] */
    CC_OPT_LONG,  /* long *dest = a decimal integer in [min, max] */
    CC_OPT_UINT,  /* unsigned *dest = a decimal integer in [min, max] (0 <= min) */
    CC_OPT_FN     /* fn(dest, value): 0; -1 if the value is bad; CC_OPT_REPORTED if fn printed why */
} cc_opt_kind;
typedef struct {
    const char *name; /* "--data" */
    cc_opt_kind kind;
    void *dest;
    long min, max;                            /* CC_OPT_INT, CC_OPT_LONG, CC_OPT_UINT */
    int (*fn)(void *dest, const char *value); /* CC_OPT_FN */
    const char *takes;                        /* what the value is, for errors: "1..100 seconds" (NULL:
                                                the range, or "a value") */
} cc_opt;
/* Table rows. */
#define CC_FLAG_OPT(n, d)                                                                                              \
    {                                                                                                                  \
        .name = (n), .kind = CC_OPT_FLAG, .dest = (d)                                                                  \
    }
#define CC_CLEAR_OPT(n, d)                                                                                             \
    {                                                                                                                  \
        .name = (n), .kind = CC_OPT_CLEAR, .dest = (d)                                                                 \
    }
#define CC_STR_OPT(n, d)                                                                                               \
    {                                                                                                                  \
        .name = (n), .kind = CC_OPT_STR, .dest = (d)                                                                   \
    }
#define CC_INT_OPT(n, d, lo, hi)                                                                                       \
    {                                                                                                                  \
        .name = (n), .kind = CC_OPT_INT, .dest = (d), .min = (lo), .max = (hi)                                         \
    }
#define CC_LONG_OPT(n, d, lo, hi, t)                                                                                   \
    {                                                                                                                  \
        .name = (n), .kind = CC_OPT_LONG, .dest = (d), .min = (lo), .max = (hi), .takes = (t)                          \
    }
#define CC_UINT_OPT(n, d, lo, hi)                                                                                      \
    {                                                                                                                  \
        .name = (n), .kind = CC_OPT_UINT, .dest = (d), .min = (lo), .max = (hi)                                        \
    }
#define CC_FN_OPT(n, d, f, t)                                                                                          \
    {                                                                                                                  \
        .name = (n), .kind = CC_OPT_FN, .dest = (d), .fn = (f), .takes = (t)                                           \
    }
#define CC_OPT_REPORTED (-2) /* a CC_FN_OPT callback said what is wrong itself: why is left "" */
#define CC_NOPTS(table) (sizeof(table) / sizeof((table)[0]))
/* Parse argv[1..argc) against opts[0..nopts). Positional arguments go to pos[0..npos_max) in order
 * (*npos = their number; pos may be NULL when there are none). 0, or -1 with a one-line reason in
 * why: "unknown option '--x'", "--samples needs a value", "--samples takes 1..100, got 'x'",
 * "unexpected argument 'y'", or "" when a callback returned CC_OPT_REPORTED. Outputs set before
 * the bad option keep their new values. */
CC_MUST_CHECK int cc_opts_parse(int argc, char **argv, const cc_opt *opts, size_t nopts, const char **pos, int npos_max,
                                int *npos, char *why, size_t cap);
/* 1 if -h or --help is among argv[1..argc) (before any "--"). */
int cc_opts_wants_help(int argc, char **argv);

/* ---- log: one line per record on stderr. Text (default): "<tag>: <level>: message[ key=value...]".
 * JSON (cc_log_set_format, `--log-format json`, or CCTSA_LOG_FORMAT=json in the environment): one
 * object per line, {"time":RFC 3339 UTC,"level":...,"component":tag[,"node":...],"msg":...[,key:value...]}.
 * Never log secrets; log a request by its imprint hash ("imprint"), never its content. ---- */
typedef enum {
    CC_LOG_DEBUG = 0,
    CC_LOG_INFO,
    CC_LOG_WARN,
    CC_LOG_ERROR
} cc_log_level;
typedef enum {
    CC_LOG_TEXT = 0,
    CC_LOG_JSON = 1
} cc_log_format;
void cc_log_set_level(cc_log_level min);
void cc_log_set_format(cc_log_format f);
/* "text" or "json" -> the format; -1 if neither. */
int cc_log_format_parse(const char *s);
/* The `--log-format text|json` option of every program: parses v and sets the format (a CC_OPT_FN
 * callback; unused is ignored). 0, or -1 if v is neither. */
int cc_log_format_opt(void *unused, const char *v);
#define CC_LOG_FORMAT_OPT CC_FN_OPT("--log-format", NULL, cc_log_format_opt, "text or json")
/* The node name every JSON record carries (copied, at most 32 characters; NULL: none). */
void cc_log_set_node(const char *name);
void cc_log(cc_log_level level, const char *tag, const char *fmt, ...) CC_PRINTF(3, 4);
void cc_vlog(cc_log_level level, const char *tag, const char *fmt, va_list ap) CC_PRINTF(3, 0);
/* A structured event: message plus named fields (epoch, session, reason, imprint, ...). Keys are
 * [a-z_]+; values are strings, escaped in JSON; at most 8 fields of 256 bytes each are written. */
typedef struct {
    const char *key, *val;
} cc_log_kv;
void cc_log_event(cc_log_level level, const char *tag, const cc_log_kv *kv, size_t n, const char *fmt, ...)
    CC_PRINTF(5, 6);

#endif
