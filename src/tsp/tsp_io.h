/* tsp_io.h: small file and text helpers shared by the time-stamp CLI commands and the gateway:
 * bounded whole-file reads, file writes, hex decoding of command-line values. */
#ifndef CCTSA_TSP_IO_H
#define CCTSA_TSP_IO_H

#include <stddef.h>
#include <stdint.h>

/* Read at most max bytes; a larger file is an error. *buf malloc'd. 0 or -1 (errno kept). */
int tsp_read_file(const char *path, size_t max, uint8_t **buf, size_t *len);
/* Create or truncate path (mode 0644) with the bytes. 0 or -1. */
int tsp_write_file(const char *path, const uint8_t *buf, size_t len);
/* Decode exactly outlen bytes of hex (either case). 0 or -1. */
int tsp_hex_decode(const char *hex, uint8_t *out, size_t outlen);

#endif
