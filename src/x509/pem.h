/* pem.h: RFC 7468 textual encoding: DER <-> "-----BEGIN <label>-----" base64 blocks, and small
 * whole-file helpers (reading PEM-or-DER input, writing files with a given mode). */
#ifndef CCTSA_X509_PEM_H
#define CCTSA_X509_PEM_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "base/base.h"

/* PEM text (NUL-terminated, malloc'd) for der under label, 64-column lines. NULL on failure. */
char *x509_pem_encode(const char *label, const uint8_t *der, size_t len);
/* The first block with the given label in text; *der malloc'd. 0, or -1 if absent or malformed. */
CC_MUST_CHECK int x509_pem_decode(const char *text, size_t textlen, const char *label, uint8_t **der, size_t *len);
/* Walk a bundle: decode the next block with the label at or after *offset and move *offset past
 * it. 0 with a block, 1 when there are no more, -1 if a block is malformed. */
CC_MUST_CHECK int x509_pem_decode_next(const char *text, size_t textlen, const char *label, size_t *offset,
                                       uint8_t **der, size_t *len);
/* Read a file holding either DER or a PEM block with the label; *der malloc'd. 0 or -1. */
CC_MUST_CHECK int x509_read_pem_or_der(const char *path, const char *label, uint8_t **der, size_t *len);
/* Write data to path with the given mode, refusing to overwrite when exclusive. 0 or -1. */
CC_MUST_CHECK int x509_write_file(const char *path, const void *data, size_t len, mode_t mode, int exclusive);

#endif
