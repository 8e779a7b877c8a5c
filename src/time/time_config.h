/* time_config.h: the time.* settings of the node's measured configuration (the same "key = value"
 * file as attest.*, parsed by attest_config_each). The NTS servers and their CA roots belong to
 * the measured configuration: a host that could choose them would choose the time. Keys:
 *   time.nts_server = host[:port]     NTS-KE server (repeat, 1..16; port default 4460)
 *   time.nts_ca = /path/roots.pem     CA roots every NTS-KE server certificate must chain to
 *   time.max_falsetickers = f         sources that may lie; default (n - 1) / 3
 *   time.require_hardware_clock = true|false   refuse unless the interval clock is
 *                                     hardware-protected (SecureTSC); default true */
#ifndef CCTSA_TIME_CONFIG_H
#define CCTSA_TIME_CONFIG_H

#include <stddef.h>

#include "base/base.h"

#include "time/nts.h"

typedef struct {
    nts_source_config servers[TIME_MAX_SOURCES];
    int nservers;
    char ca_file[512];
    int max_falsetickers; /* resolved: never -1 after a successful parse */
    int require_hardware_clock;
} time_config;

/* host[:port] or [v6]:port into cfg->host/port. 0, or -1 if malformed. */
CC_MUST_CHECK int time_parse_server(const char *s, nts_source_config *cfg);

/* 0, or -1 with the reason. At least one server and the CA roots are required. */
CC_MUST_CHECK int time_config_parse(const char *text, size_t len, time_config *c, char *why, size_t whylen);
CC_MUST_CHECK int time_config_load(const char *path, time_config *c, char *why, size_t whylen);

#endif
