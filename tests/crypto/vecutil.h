/* vecutil.h: small JSON helpers shared by the crypto vector tests (numbers that ACVP sometimes
 * writes as strings, booleans, optional hex fields). */
#ifndef CCTSA_TESTS_CRYPTO_VECUTIL_H
#define CCTSA_TESTS_CRYPTO_VECUTIL_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

/* Integer member given as a JSON number or a decimal string; -1 if absent. */
long vu_long(const json_t *obj, const char *key);
/* Boolean member (true/false or "true"/"false"); -1 if absent. */
int vu_bool(const json_t *obj, const char *key);
/* Hex member decoded into a malloc'd buffer; an absent member gives an empty buffer (len 0),
 * so optional fields such as an absent context read as empty. NULL only on malformed hex. */
uint8_t *vu_hex_or_empty(const json_t *obj, const char *key, size_t *len);

#endif
