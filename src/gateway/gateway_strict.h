/* gateway_strict.h: request framing checks libmicrohttpd 0.9.75 does not make. It rejects an
 * invalid or too large first Content-Length itself (400, 413), but it reads only the first
 * Content-Length and ignores Content-Length when Transfer-Encoding is present, the request
 * smuggling shapes. Run on the first handler call, before any body byte is read. */
#ifndef CCTSA_GATEWAY_STRICT_H
#define CCTSA_GATEWAY_STRICT_H

#include <microhttpd.h>

/* NULL when the framing headers are acceptable, else why the request gets 400: more than one
 * Content-Length (equal values included), more than one Transfer-Encoding, a Transfer-Encoding
 * other than exactly "chunked", or Transfer-Encoding together with Content-Length. */
const char *gw_strict_framing(struct MHD_Connection *c);

#endif
