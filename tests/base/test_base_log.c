/* test_base_log.c: the log's two formats (src/base/base.h). Text lines keep their format
 * ("tag: level: message", info without a level, fields as key=value). JSON lines parse with
 * jansson (an independent parser) as exactly one object each, with time, level, component,
 * node, msg and the fields, even for quotes, backslashes, newlines, control bytes, UTF-8 and
 * overlong values; CCTSA_LOG_FORMAT=json selects JSON when nothing was set. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/base.h"
#include "check.h"

static char path[] = "/tmp/test_base_log_XXXXXX";

/* The lines logged since the last call. */
static char *take(void)
{
    fflush(stderr);
    static long done;
    FILE *f = fopen(path, "r");
    fseek(f, 0, SEEK_END);
    long end = ftell(f);
    char *buf = calloc(1, (size_t)(end - done) + 1);
    fseek(f, done, SEEK_SET);
    if (fread(buf, 1, (size_t)(end - done), f) != (size_t)(end - done)) buf[0] = 0;
    fclose(f);
    done = end;
    if (getenv("TEST_LOG_SHOW")) fputs(buf, stdout);
    return buf;
}

static json_t *one_object(char *text)
{
    size_t n = strlen(text);
    CHECK(n > 0 && text[n - 1] == '\n' && strchr(text, '\n') == text + n - 1); /* exactly one line */
    json_error_t err;
    json_t *o = json_loads(text, JSON_REJECT_DUPLICATES, &err);
    CHECK_MSG(o && json_is_object(o), "%s: %s", text, err.text);
    free(text);
    return o;
}

static const char *get(json_t *o, const char *k)
{
    const char *s = json_string_value(json_object_get(o, k));
    return s ? s : "(none)";
}

int main(void)
{
    /* stderr goes to a file; failures are reported on stdout */
    int fd = mkstemp(path), saved = dup(2);
    CHECK(fd >= 0 && saved >= 0 && dup2(fd, 2) == 2);
    setenv("CCTSA_LOG_FORMAT", "json", 1);

    /* environment chooses JSON when nothing was set */
    cc_log(CC_LOG_INFO, "node", "hello");
    json_t *o = one_object(take());
    CHECK(!strcmp(get(o, "level"), "info") && !strcmp(get(o, "component"), "node") && !strcmp(get(o, "msg"), "hello"));
    CHECK(strlen(get(o, "time")) == 24 && get(o, "time")[23] == 'Z' && !json_object_get(o, "node"));
    json_decref(o);

    /* text format unchanged */
    cc_log_set_format(CC_LOG_TEXT);
    cc_log(CC_LOG_INFO, "gateway", "listening on %s", "127.0.0.1:8318");
    cc_log(CC_LOG_WARN, NULL, "clock %d ms off", 12);
    cc_log(CC_LOG_DEBUG, "x", "hidden below the level");
    cc_log_event(CC_LOG_ERROR, "node", (const cc_log_kv[]){{"epoch", "3"}, {"reason", "no quorum"}}, 2, "sign refused");
    char *t = take();
    CHECK_MSG(!strcmp(t, "gateway: listening on 127.0.0.1:8318\ncctsa: warning: clock 12 ms off\n"
                         "node: error: sign refused epoch=3 reason=no quorum\n"),
              "%s", t);
    free(t);

    /* JSON with structured fields and hostile content */
    CHECK(cc_log_format_parse("json") == CC_LOG_JSON && cc_log_format_parse("text") == CC_LOG_TEXT &&
          cc_log_format_parse("xml") == -1 && cc_log_format_parse(NULL) == -1);
    cc_log_set_format(CC_LOG_JSON);
    cc_log_set_node("n3");
    const char *nasty = "a\"b\\c\nd\te\x01 f\x7f g \xc3\xa9";
    cc_log_event(
        CC_LOG_WARN, "cluster",
        (const cc_log_kv[]){{"epoch", "7"}, {"session", "ab12"}, {"reason", nasty}, {"imprint", "sha256:00ff"}}, 4,
        "participant refused: %s", nasty);
    o = one_object(take());
    CHECK(!strcmp(get(o, "level"), "warning") && !strcmp(get(o, "node"), "n3") && !strcmp(get(o, "epoch"), "7") &&
          !strcmp(get(o, "session"), "ab12") && !strcmp(get(o, "reason"), nasty) &&
          !strcmp(get(o, "imprint"), "sha256:00ff"));
    char want[200];
    snprintf(want, sizeof want, "participant refused: %s", nasty);
    CHECK(!strcmp(get(o, "msg"), want));
    json_decref(o);

    /* overlong message and values, a UTF-8 character across the cut: still one valid object */
    char big[3000];
    for (size_t i = 0; i + 2 < sizeof big; i += 2) big[i] = '\xc3', big[i + 1] = '\xa9';
    big[sizeof big - 2] = '"', big[sizeof big - 1] = 0;
    static const char *const keys[12] = {"first", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k", "l"};
    cc_log_kv many[12];
    for (int i = 0; i < 12; i++) many[i] = (cc_log_kv){keys[i], big};
    cc_log_event(CC_LOG_ERROR, "t", many, 12, "%s%s", big, big);
    o = one_object(take());
    CHECK(o && strlen(get(o, "first")) == 256 && strlen(get(o, "msg")) <= 1023 && json_object_size(o) == 5 + 8);
    json_decref(o);
    cc_log_set_node(NULL);
    cc_log(CC_LOG_INFO, "t", "x");
    o = one_object(take());
    CHECK(!json_object_get(o, "node"));
    json_decref(o);

    unlink(path);
    dup2(saved, 2);
    return check_summary("test_base_log");
}
