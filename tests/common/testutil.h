/* testutil.h: helpers shared by test programs: hex conversion, whole-file reading, locating and
 * loading the independent JSON vector files (NIST ACVP, Wycheproof) with jansson. */
#ifndef CCTSA_TESTS_TESTUTIL_H
#define CCTSA_TESTS_TESTUTIL_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

/* Decode a hex string (either case, even length) into a fresh malloc'd buffer; *len gets the byte
 * count. Returns NULL on malformed hex. An empty string gives a non-NULL 1-byte buffer, *len = 0. */
uint8_t *tu_hex_decode(const char *hex, size_t *len);
/* Decode hex into a fixed buffer; returns 0 on success, -1 if malformed or not exactly `len` bytes. */
int tu_hex_to(uint8_t *out, size_t len, const char *hex);
/* Encode bytes as lowercase hex into a fresh malloc'd NUL-terminated string. */
char *tu_hex_encode(const uint8_t *in, size_t len);

/* Read a whole file; NULL (and a message on stderr) on failure. */
uint8_t *tu_read_file(const char *path, size_t *len);

/* Path of a file under the shared vectors folder: $CCTSA_VECTORS_DIR or the compiled-in default.
 * Returns a static buffer. */
const char *tu_vector_path(const char *relative);
/* Load a JSON vector file relative to the vectors folder; aborts the test (exit 1) if missing. */
json_t *tu_load_vectors(const char *relative);

/* Small accessors: string member (NULL if absent or not a string), hex member decoded (NULL if absent). */
const char *tu_json_str(const json_t *obj, const char *key);
uint8_t *tu_json_hex(const json_t *obj, const char *key, size_t *len);

/* Find the test group/test with the given id inside an ACVP expectedResults document. */
const json_t *tu_acvp_find(const json_t *doc, long tg_id, long tc_id);

/* 1 when running under the sanitizer build (CCTSA_SANITIZED=1): long statistical tests may scale down. */
int tu_sanitized(void);

#endif
