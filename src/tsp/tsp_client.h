/* tsp_client.h: the RFC 3161 HTTP transport (section 3.4) for `cctsa stamp`: POST a DER
 * TimeStampReq as application/timestamp-query, get the application/timestamp-reply body. */
#ifndef CCTSA_TSP_CLIENT_H
#define CCTSA_TSP_CLIENT_H

#include <stddef.h>

#include "base/base.h"
#include <stdint.h>

#define TSP_CLIENT_MAX_RESPONSE (1u << 20)
#define TSP_CLIENT_TIMEOUT_S 30

/* 0 with the body in *resp (malloc'd); -1 with a message in err (connection failure, HTTP status
 * other than 200, wrong content type, oversized or empty body). */
CC_MUST_CHECK int tsp_http_post(const char *url, const uint8_t *req, size_t len, uint8_t **resp, size_t *resp_len,
                                char *err, size_t errlen);

#endif
