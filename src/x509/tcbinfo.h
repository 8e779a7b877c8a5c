/* tcbinfo.h: the TCG DICE TcbInfo extension (OID 2.23.133.5.4.1) that binds a TSA certificate to
 * the SEV-SNP launch measurement (shared/notes/sev-snp-attestation.md section 5): vendor, model,
 * svn, one FWID {id-sha384, 48-byte MEASUREMENT}, and the debug flag. Encoder and strict parser. */
#ifndef CCTSA_X509_TCBINFO_H
#define CCTSA_X509_TCBINFO_H

#include <stddef.h>

#include "base/base.h"
#include <stdint.h>

#include "asn1/der.h"

#define X509_MEASUREMENT_BYTES 48

/* OperationalFlags named bits (TCG DICE). Every one of them, when set, says the TCB is not in
 * its protected production state (debug: the host can read the guest's memory). */
enum {
    X509_TCB_NOT_CONFIGURED = 1u << 0,
    X509_TCB_NOT_SECURE = 1u << 1,
    X509_TCB_RECOVERY = 1u << 2,
    X509_TCB_DEBUG = 1u << 3,
    X509_TCB_NOT_REPLAY_PROTECTED = 1u << 4,
    X509_TCB_NOT_INTEGRITY_PROTECTED = 1u << 5,
    X509_TCB_NOT_RUNTIME_MEASURED = 1u << 6,
    X509_TCB_NOT_IMMUTABLE = 1u << 7,
    X509_TCB_NOT_TCB = 1u << 8,
    X509_TCB_FIXED_WIDTH = 1u << 9
};

/* The flags as "none" or comma-separated TCG names ("debug,notSecure"; unnamed bits as "bitN"). */
const char *x509_tcb_flags_str(uint32_t flags, char *buf, size_t cap);

typedef struct {
    const char *vendor; /* e.g. "AMD"; NULL to omit */
    const char *model;  /* e.g. "SEV-SNP"; NULL to omit */
    int64_t svn;        /* GUEST_SVN; negative to omit */
    uint8_t measurement[X509_MEASUREMENT_BYTES];
    uint32_t flags; /* X509_TCB_*; X509_TCB_DEBUG iff the guest policy allows debugging */
} x509_tcbinfo;

/* DiceTcbInfo SEQUENCE into w (the extnValue contents). */
void x509_tcbinfo_put(der_writer *w, const x509_tcbinfo *t);

typedef struct {
    const uint8_t *vendor, *model; /* UTF-8, not NUL-terminated; NULL if absent */
    size_t vendor_len, model_len;
    int has_svn;
    int64_t svn;
    int has_measurement; /* an FWID with hashAlg id-sha384 */
    uint8_t measurement[X509_MEASUREMENT_BYTES];
    uint32_t flags;
} x509_tcbinfo_view;

/* Parse a DiceTcbInfo TLV (fields in tag order, IMPLICIT tags, strict DER). More than one SHA-384
 * FWID, or a SHA-384 FWID that is not 48 bytes, is rejected. 0 or -1. */
CC_MUST_CHECK int x509_tcbinfo_parse(const uint8_t *der, size_t len, x509_tcbinfo_view *v);

#endif
