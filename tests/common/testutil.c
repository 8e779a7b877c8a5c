/* testutil.c: hex, file and JSON vector helpers for the test programs. */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/base.h"

uint8_t *tu_hex_decode(const char *hex, size_t *len)
{
    size_t n = strlen(hex);
    uint8_t *out = malloc(n / 2 + 1);
    if (out && cc_hex_decode(hex, n, out, n / 2, len, 0) != 0) {
        free(out);
        out = NULL;
    }
    return out;
}

int tu_hex_to(uint8_t *out, size_t len, const char *hex)
{
    size_t n;
    uint8_t *buf = hex ? tu_hex_decode(hex, &n) : NULL;
    if (!buf) return -1;
    int ok = n == len;
    if (ok) memcpy(out, buf, len);
    free(buf);
    return ok ? 0 : -1;
}

char *tu_hex_encode(const uint8_t *in, size_t len)
{
    char *out = malloc(2 * len + 1);
    if (out) cc_hex_encode(in, len, out);
    return out;
}

uint8_t *tu_read_file(const char *path, size_t *len)
{
    uint8_t *buf = NULL;
    if (cc_file_read(path, SIZE_MAX - 1, &buf, len) != 0) {
        fprintf(stderr, "cannot read %s\n", path);
        return NULL;
    }
    return buf;
}

const char *tu_vector_path(const char *relative)
{
    static char path[4096];
    const char *dir = getenv("CCTSA_VECTORS_DIR");
    if (!dir || !*dir) dir = CCTSA_DEFAULT_VECTORS_DIR;
    snprintf(path, sizeof path, "%s/%s", dir, relative);
    return path;
}

json_t *tu_load_vectors(const char *relative)
{
    json_error_t err;
    const char *path = tu_vector_path(relative);
    json_t *doc = json_load_file(path, 0, &err);
    if (!doc) {
        fprintf(stderr, "cannot load vectors %s: %s (line %d)\n", path, err.text, err.line);
        exit(1);
    }
    return doc;
}

const char *tu_json_str(const json_t *obj, const char *key)
{
    json_t *v = json_object_get(obj, key);
    return json_is_string(v) ? json_string_value(v) : NULL;
}

uint8_t *tu_json_hex(const json_t *obj, const char *key, size_t *len)
{
    const char *s = tu_json_str(obj, key);
    return s ? tu_hex_decode(s, len) : NULL;
}

const json_t *tu_acvp_find(const json_t *doc, long tg_id, long tc_id)
{
    size_t i, j;
    json_t *g, *t;
    json_array_foreach(json_object_get(doc, "testGroups"), i, g)
    {
        if (json_integer_value(json_object_get(g, "tgId")) != tg_id) continue;
        json_array_foreach(json_object_get(g, "tests"), j, t)
        {
            if (json_integer_value(json_object_get(t, "tcId")) == tc_id) return t;
        }
    }
    return NULL;
}

int tu_sanitized(void)
{
    const char *s = getenv("CCTSA_SANITIZED");
    return s && *s && strcmp(s, "0") != 0;
}
