/* test_base.c: the base layer (base.h): hex against fixed strings, the file reader's bound and
 * NUL terminator, the cursor never reading past its end, and the error struct. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/base.h"
#include "check.h"

static void test_hex(void)
{
    uint8_t out[8];
    size_t n = 99;
    char enc[17];
    CHECK(cc_hex_decode("00fFa5", 6, out, sizeof out, &n, 0) == 0 && n == 3);
    CHECK(out[0] == 0x00 && out[1] == 0xff && out[2] == 0xa5);
    cc_hex_encode(out, 3, enc);
    CHECK(strcmp(enc, "00ffa5") == 0);
    CHECK(cc_hex_decode("0 1\n2 3", 7, out, sizeof out, &n, CC_HEX_SKIP_SPACE) == 0 && n == 2 && out[1] == 0x23);
    CHECK(cc_hex_decode("0 1", 3, out, sizeof out, &n, 0) == -1); /* space not allowed */
    CHECK(cc_hex_decode("abc", 3, out, sizeof out, &n, 0) == -1); /* odd */
    CHECK(cc_hex_decode("0g", 2, out, sizeof out, &n, 0) == -1);  /* bad digit */
    CHECK(cc_hex_decode("000000", 6, out, 2, &n, 0) == -1);       /* over capacity */
    CHECK(cc_hex_decode_exact("0102", out, 2) == 0 && out[1] == 2);
    CHECK(cc_hex_decode_exact("010203", out, 2) == -1);
}

static void test_file(void)
{
    char path[] = "/tmp/cctsa_test_base_XXXXXX";
    int fd = mkstemp(path);
    CHECK(fd >= 0);
    if (fd < 0) return;
    close(fd);
    uint8_t data[10000];
    for (size_t i = 0; i < sizeof data; i++) data[i] = (uint8_t)(i * 7 + 1);
    CHECK(cc_file_write(path, data, sizeof data, 1) == 0);
    uint8_t *buf = NULL;
    size_t len = 0;
    CHECK(cc_file_read(path, sizeof data, &buf, &len) == 0 && len == sizeof data && buf && buf[len] == 0 &&
          memcmp(buf, data, len) == 0);
    free(buf);
    buf = NULL;
    errno = 0;
    CHECK(cc_file_read(path, sizeof data - 1, &buf, &len) == -1 && errno == EFBIG && buf == NULL);
    CHECK(cc_file_read("/nonexistent/cctsa", 10, &buf, &len) == -1 && buf == NULL);
    unlink(path);
}

static void test_cursor(void)
{
    static const uint8_t b[] = {1, 2, 3, 4, 5, 6, 7};
    cc_cursor c;
    cc_cursor_init(&c, b, sizeof b);
    CHECK(cc_cursor_u8(&c) == 1 && cc_cursor_u16be(&c) == 0x0203 && cc_cursor_u32be(&c) == 0x04050607);
    CHECK(cc_cursor_done(&c));
    CHECK(cc_cursor_u8(&c) == 0 && c.err && !cc_cursor_done(&c));
    cc_cursor_init(&c, b, 3);
    CHECK(cc_cursor_take(&c, 4) == NULL && c.err);
    CHECK(cc_cursor_take(&c, 1) == NULL); /* sticky */
    cc_cursor_init(&c, b, 3);
    CHECK(cc_cursor_take(&c, (size_t)-1) == NULL); /* no wrap-around */
}

static void test_error(void)
{
    cc_error e;
    cc_error_clear(&e);
    CHECK(e.code == 0 && e.culprit == 0 && e.reason[0] == 0);
    CHECK(cc_error_set(&e, -7, 3, "party %u sent %s", 3u, "junk") == -7);
    CHECK(e.code == -7 && e.culprit == 3 && strcmp(e.reason, "party 3 sent junk") == 0);
    CHECK(cc_error_set(NULL, -2, 0, "ignored") == -2);
    char longr[400];
    memset(longr, 'x', sizeof longr - 1);
    longr[sizeof longr - 1] = 0;
    CHECK(cc_error_set(&e, -1, 0, "%s", longr) == -1 && strlen(e.reason) == CC_ERROR_REASON_MAX - 1);
}

/* A list option: appends each value (at most 2). */
typedef struct {
    const char *v[2];
    int n;
} opt_list;
static int add_to_list(void *dest, const char *value)
{
    opt_list *l = dest;
    if (!strcmp(value, "!")) return CC_OPT_REPORTED; /* as if it had printed its own error */
    if (l->n == 2 || !*value) return -1;
    l->v[l->n++] = value;
    return 0;
}

static int parse(int argc, char **argv, char *why)
{
    static int flag, strict, samples;
    static unsigned conns;
    static long skew;
    static const char *data;
    static opt_list peers;
    flag = 0, strict = 1, samples = 1, conns = 0, skew = 0, data = NULL, peers.n = 0;
    const cc_opt opts[] = {
        CC_FLAG_OPT("--flag", &flag),
        CC_CLEAR_OPT("--no-strict", &strict),
        CC_STR_OPT("--data", &data),
        CC_INT_OPT("--samples", &samples, 1, 100),
        CC_LONG_OPT("--max-skew", &skew, 1, 86400, "1..86400 seconds"),
        CC_FN_OPT("--peer", &peers, add_to_list, "NAME=ADDR (at most 2)"),
        CC_UINT_OPT("--conns", &conns, 0, 4000000000L),
    };
    const char *pos[2];
    int npos = -1;
    int rc = cc_opts_parse(argc, argv, opts, CC_NOPTS(opts), pos, 2, &npos, why, 120);
    if (rc == 0 && argc == 12) { /* the full example below */
        CHECK(flag == 1 && strict == 0 && samples == 7 && skew == 30 && data && !strcmp(data, "d.bin"));
        CHECK(peers.n == 2 && !strcmp(peers.v[0], "a=1") && !strcmp(peers.v[1], "b=2"));
        CHECK(npos == 1 && !strcmp(pos[0], "tok.tsr"));
    }
    return rc;
}

static void test_opts(void)
{
    char why[120];
    char *full[] = {"x",          "--flag", "--no-strict", "--data", "d.bin",      "--samples=7",
                    "--max-skew", "30",     "--peer",      "a=1",    "--peer=b=2", "tok.tsr"};
    CHECK(parse(12, full, why) == 0);
    char *dashdash[] = {"x", "tok.tsr", "--", "--flag"}; /* after "--", "--flag" is positional */
    CHECK(parse(4, dashdash, why) == 0);
    char *three[] = {"x", "a", "--", "--flag", "c"};
    CHECK(parse(5, three, why) == -1 && !strcmp(why, "unexpected argument 'c'"));
    struct {
        int argc;
        char *argv[4];
        const char *why;
    } bad[] = {
        {2, {"x", "--nope"}, "unknown option '--nope'"},
        {2, {"x", "--data"}, "--data needs a value"},
        {3, {"x", "--samples", "0"}, "--samples takes 1..100, got '0'"},
        {2, {"x", "--samples=1x"}, "--samples takes 1..100, got '1x'"},
        {2, {"x", "--max-skew=99999999999999999999"}, "--max-skew takes 1..86400 seconds, got '99999999999999999999'"},
        {2, {"x", "--flag=1"}, "--flag takes no value"},
        {4, {"x", "--peer", "a", "--peer=b"}, NULL}, /* two are fine */
        {4, {"x", "a", "b", "c"}, "unexpected argument 'c'"},
        {2, {"x", "--conns=-1"}, "--conns takes 0..4000000000, got '-1'"},
        {2, {"x", "--conns=3999999999"}, NULL},
        {3, {"x", "--peer", ""}, "--peer takes NAME=ADDR (at most 2), got ''"},
        {2, {"x", "--peer=!"}, ""}, /* the callback said why itself: no second line */
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        strcpy(why, "stale");
        int rc = parse(bad[i].argc, bad[i].argv, why);
        if (!bad[i].why)
            CHECK_MSG(rc == 0, "case %zu: %s", i, why);
        else
            CHECK_MSG(rc == -1 && !strcmp(why, bad[i].why), "case %zu: rc %d, '%s'", i, rc, why);
    }
    char *help[] = {"x", "--data", "-h"}, *nohelp[] = {"x", "--", "--help"};
    CHECK(cc_opts_wants_help(3, help) == 1 && cc_opts_wants_help(3, nohelp) == 0);
}

int main(void)
{
    test_opts();
    test_hex();
    test_file();
    test_cursor();
    test_error();
    return check_summary("test_base");
}
