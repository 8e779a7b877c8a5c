/* name.h: X.501 distinguished names for our certificates and CSRs: built from a simple
 * "CN=...,O=...,OU=...,C=..." string (one attribute per RDN, in the order given; backslash
 * escapes ',' '=' and '\') and rendered back to that form for display and tests. */
#ifndef CCTSA_X509_NAME_H
#define CCTSA_X509_NAME_H

#include <stddef.h>

#include "base/base.h"
#include <stdint.h>

/* Attributes: CN, O, OU, C (2 letters, PrintableString), L, ST, serialNumber (PrintableString);
 * others are UTF8String. *der is malloc'd. 0, or -1 on syntax error/unknown attribute/empty. */
CC_MUST_CHECK int x509_name_from_string(const char *s, uint8_t **der, size_t *len);
/* Render a Name TLV as "CN=a,O=b" (same escaping); -1 if malformed or out is too small. */
CC_MUST_CHECK int x509_name_to_string(const uint8_t *der, size_t len, char *out, size_t cap);

#endif
