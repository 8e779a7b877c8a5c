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
    CHECK(cc_hex_decode("0 1", 3, out, sizeof out, &n, 0) == -1);     /* space not allowed */
    CHECK(cc_hex_decode("abc", 3, out, sizeof out, &n, 0) == -1);     /* odd */
    CHECK(cc_hex_decode("0g", 2, out, sizeof out, &n, 0) == -1);      /* bad digit */
    CHECK(cc_hex_decode("000000", 6, out, 2, &n, 0) == -1);           /* over capacity */
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

int main(void)
{
    test_hex();
    test_file();
    test_cursor();
    test_error();
    return check_summary("test_base");
}
