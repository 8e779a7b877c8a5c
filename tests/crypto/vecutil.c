/* vecutil.c: JSON helpers for the crypto vector tests. */
#include "vecutil.h"

#include <stdlib.h>
#include <string.h>

#include "testutil.h"

long vu_long(const json_t *obj, const char *key)
{
    const json_t *v = json_object_get(obj, key);
    if (json_is_integer(v)) return (long)json_integer_value(v);
    if (json_is_string(v)) return strtol(json_string_value(v), NULL, 10);
    return -1;
}

int vu_bool(const json_t *obj, const char *key)
{
    const json_t *v = json_object_get(obj, key);
    if (json_is_boolean(v)) return json_is_true(v);
    if (json_is_string(v))
        return strcmp(json_string_value(v), "true") == 0 || strcmp(json_string_value(v), "True") == 0;
    return -1;
}

uint8_t *vu_hex_or_empty(const json_t *obj, const char *key, size_t *len)
{
    const char *s = tu_json_str(obj, key);
    return tu_hex_decode(s ? s : "", len);
}
