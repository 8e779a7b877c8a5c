/* gateway_strict.c: framing header checks (see gateway_strict.h). */
#include "gateway/gateway_strict.h"

#include <strings.h>

typedef struct {
    unsigned clen, te, te_other;
} framing;

static enum MHD_Result count_header(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
    framing *f = cls;
    (void)kind;
    if (!strcasecmp(key, MHD_HTTP_HEADER_CONTENT_LENGTH)) f->clen++;
    if (!strcasecmp(key, MHD_HTTP_HEADER_TRANSFER_ENCODING)) {
        f->te++;
        if (!value || strcasecmp(value, "chunked") != 0) f->te_other++;
    }
    return MHD_YES;
}

const char *gw_strict_framing(struct MHD_Connection *c)
{
    framing f = {0, 0, 0};
    MHD_get_connection_values(c, MHD_HEADER_KIND, count_header, &f);
    if (f.clen > 1) return "more than one Content-Length\n";
    if (f.te > 1) return "more than one Transfer-Encoding\n";
    if (f.te_other) return "Transfer-Encoding other than chunked\n";
    if (f.te && f.clen) return "Content-Length together with Transfer-Encoding\n";
    return NULL;
}
