/* attest.h: remote attestation for cctsa nodes. Owned here: the provider interface (evidence for a
 * 64-byte binding, and a pure verifier returning normalised claims or one error code per failed
 * check), the SEV-SNP attestation report (1184 bytes, versions 2-5, Milan/Genoa/Turin TCB layouts),
 * its endorsement chains (ARK -> ASK -> VCEK, ARK -> ASVK -> VLEK, verified with OpenSSL against
 * pinned AMD root fingerprints), the `sim` provider (same report layout and verifier, simulated
 * secure-processor key under a simulation root), and the measured configuration that chooses which
 * root of trust a verifier accepts. The binding record is in attest/binding.h.
 * Background: shared/notes/sev-snp-attestation.md. */
#ifndef CCTSA_ATTEST_ATTEST_H
#define CCTSA_ATTEST_ATTEST_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "base/base.h"

#include "x509/tcbinfo.h"

#define ATTEST_REPORT_BYTES 1184  /* 0x4A0 */
#define ATTEST_SIGNED_BYTES 0x2A0 /* ECDSA P-384 / SHA-384 over report[0x000..0x29F] */
#define ATTEST_BINDING_BYTES 64   /* REPORT_DATA */
#define ATTEST_MEASUREMENT_BYTES 48
#define ATTEST_CHIP_ID_BYTES 64
#define ATTEST_MAX_CERTS 8 /* endorsement certificates accepted in one input */
#define ATTEST_MAX_ENDORSEMENT_BYTES (64 * 1024)

/* Which root of trust a verifier accepts. Chosen by the measured configuration only. */
typedef enum {
    ATTEST_PROVIDER_SEV_SNP = 1,
    ATTEST_PROVIDER_SIM = 2
} attest_provider;

typedef enum {
    ATTEST_PRODUCT_UNKNOWN = 0,
    ATTEST_PRODUCT_MILAN,
    ATTEST_PRODUCT_GENOA,
    ATTEST_PRODUCT_TURIN
} attest_product;

/* Every check has its own code; attest_result.failed has bit (1 << code) set for each failed one. */
typedef enum {
    ATTEST_OK = 0,
    ATTEST_ERR_SIZE,          /* report is not 1184 bytes (or the container is malformed) */
    ATTEST_ERR_VERSION,       /* VERSION not in 2..5 */
    ATTEST_ERR_SIG_ALGO,      /* SIGNATURE_ALGO != 1 (ECDSA P-384 SHA-384) */
    ATTEST_ERR_MBZ,           /* a reserved (must-be-zero) field is not zero */
    ATTEST_ERR_SIGNING_KEY,   /* SIGNING_KEY is 7 (none) or reserved */
    ATTEST_ERR_PRODUCT,       /* product unknown, or CPUID, VCEK productName and root disagree */
    ATTEST_ERR_ENDORSEMENTS,  /* endorsement input malformed, or no VCEK/VLEK leaf in it */
    ATTEST_ERR_ROOT,          /* no pinned root of trust for this provider in the chain */
    ATTEST_ERR_CHAIN,         /* X509_verify_cert failed (other than validity period) */
    ATTEST_ERR_CHAIN_EXPIRED, /* a chain certificate is expired or not yet valid at the time */
    ATTEST_ERR_LEAF,          /* leaf profile: CN, P-384 key, signature algorithm, depth, CNs */
    ATTEST_ERR_SIGNATURE,     /* report signature does not verify under the leaf key */
    ATTEST_ERR_TCB_MISMATCH,  /* VCEK/VLEK TCB extensions != REPORTED_TCB */
    ATTEST_ERR_CHIP_ID,       /* VCEK hwID != CHIP_ID */
    ATTEST_ERR_DEBUG,         /* POLICY.DEBUG set */
    ATTEST_ERR_MIGRATE,       /* POLICY.MIGRATE_MA set */
    ATTEST_ERR_POLICY_BITS,   /* POLICY reserved bit 17 clear or bits 63:26 set */
    ATTEST_ERR_VMPL,          /* VMPL above the configured maximum */
    ATTEST_ERR_TCB_MIN,       /* REPORTED_TCB below the configured minimum */
    ATTEST_ERR_MEASUREMENT,   /* MEASUREMENT != expected */
    ATTEST_ERR_REPORT_DATA,   /* REPORT_DATA != expected binding */
    ATTEST_ERR_UNAVAILABLE,   /* evidence: no SEV-SNP device on this machine */
    ATTEST_ERR_DEVICE,        /* evidence: the device or configfs request failed */
    ATTEST_ERR_INTERNAL,      /* allocation or library failure */
    ATTEST_ERR_COUNT
} attest_err;

/* Stable dotted name of a check ("policy.debug"), for logs, JSON and refusal messages. */
const char *attest_err_name(attest_err e);

typedef struct {
    uint8_t fmc, bl, tee, snp, ucode; /* fmc only on Turin */
} attest_tcb;

typedef struct {
    attest_provider provider;
    attest_product product;
    uint32_t version, guest_svn, vmpl;
    uint64_t policy, platform_info;
    int debug;       /* POLICY bit 19 */
    int signing_key; /* 0 VCEK, 1 VLEK */
    int mask_chip_key, author_key_en;
    uint8_t measurement[ATTEST_MEASUREMENT_BYTES];
    uint8_t host_data[32];
    uint8_t report_data[ATTEST_BINDING_BYTES];
    uint8_t chip_id[ATTEST_CHIP_ID_BYTES];
    size_t chip_id_len; /* 64, 8 on Turin, 0 if masked or VLEK */
    attest_tcb current_tcb, reported_tcb, committed_tcb, launch_tcb;
    uint8_t cpuid_fam, cpuid_mod, cpuid_step; /* v3+ */
} attest_claims;

/* Verification policy. Build it with attest_policy_default or from the measured configuration. */
typedef struct {
    attest_provider provider; /* root of trust accepted */
    uint32_t max_vmpl;        /* default 0 */
    attest_tcb min_tcb;       /* component-wise minimum for REPORTED_TCB; zero = any */
    int check_measurement;
    uint8_t measurement[ATTEST_MEASUREMENT_BYTES];
} attest_policy;

void attest_policy_default(attest_policy *p, attest_provider provider);

typedef struct {
    uint32_t failed;  /* bit (1 << attest_err) per failed check; 0 = accepted */
    attest_err first; /* the first failure in check order */
    char reason[192]; /* human-readable detail of the first failure */
} attest_result;

/* Evidence: a raw report plus the endorsement certificates (concatenated DER, PEM bundle or a GHCB
 * certificate table; see attest_endorsements_parse). */
typedef struct {
    uint8_t report[ATTEST_REPORT_BYTES];
    uint8_t *endorsements; /* malloc'd; may be NULL when the platform supplied none */
    size_t endorsements_len;
} attest_evidence;

void attest_evidence_free(attest_evidence *ev);

/* The pure verifier. Every check runs that can run (a signature cannot be checked without a
 * chain), so res->failed names each failed check. expected_binding (64 bytes) may be NULL to skip
 * the REPORT_DATA check. at is the verification time for the chain (0 = now). claims is always
 * filled from the report when it parses, but is trustworthy only when the return value is 0.
 * Returns 0 (accepted) or the first failed check. */
attest_err attest_verify(const uint8_t *report, size_t report_len, const uint8_t *endorsements, size_t endorsements_len,
                         const attest_policy *policy, const uint8_t *expected_binding, time_t at, attest_claims *claims,
                         attest_result *res);

/* Fill the certificate measurement extension from verified claims (vendor "AMD", model
 * "SEV-SNP" or "SEV-SNP-SIM", svn = GUEST_SVN, the measurement, the debug flag). */
void attest_claims_tcbinfo(const attest_claims *c, x509_tcbinfo *t);

/* Locate the SNP report inside an evidence container: a bare 1184-byte report (offset 0) or an
 * Azure vTPM HCL report ("HCLA" header, report at 0x20). 0 with *off set, or -1. */
CC_MUST_CHECK int attest_report_locate(const uint8_t *blob, size_t len, size_t *off);

/* ---------- sev-snp evidence (guest side) ---------- */
/* Get a report with REPORT_DATA = binding via configfs-tsm or /dev/sev-guest, probed at run time.
 * ATTEST_ERR_UNAVAILABLE when neither exists ("sev-snp: not available on this machine"). */
attest_err attest_snp_evidence(const uint8_t binding[ATTEST_BINDING_BYTES], attest_evidence *ev, char *why,
                               size_t whylen);

/* ---------- sim provider ---------- */
/* Measurement = SHA-384("cctsa-sim-measurement-v1" || u64be(len) || executable bytes || u64be(len)
 * || configuration bytes). The node passes its own /proc/self/exe and its configuration file. */
CC_MUST_CHECK int attest_sim_measure(const char *exe_path, const char *config_path,
                                     uint8_t out[ATTEST_MEASUREMENT_BYTES]);
CC_MUST_CHECK int attest_sim_measure_bytes(const uint8_t *exe, size_t exe_len, const uint8_t *cfg, size_t cfg_len,
                                           uint8_t out[ATTEST_MEASUREMENT_BYTES]);
/* A signed sim report (v3 layout, Milan TCB layout, policy 0x30000, VMPL 0) with the given
 * measurement, binding and chip id, and its endorsements (VCEK then ASK, DER; the simulation root
 * is not shipped: a sim verifier rebuilds it). The simulated keys derive deterministically from
 * public labels (and the chip id): a sim report proves nothing outside development. */
attest_err attest_sim_evidence(const uint8_t measurement[ATTEST_MEASUREMENT_BYTES],
                               const uint8_t binding[ATTEST_BINDING_BYTES], const uint8_t chip_id[ATTEST_CHIP_ID_BYTES],
                               attest_evidence *ev);
/* Default sim chip id: SHA-512("cctsa-sim-chip-v1" || /etc/machine-id || label). */
CC_MUST_CHECK int attest_sim_chip_id(const char *label, uint8_t chip_id[ATTEST_CHIP_ID_BYTES]);

/* ---------- measured configuration ---------- */
/* The attestation settings of a node's measured configuration file: lines "key = value", '#'
 * comments; unknown keys outside the attest.* namespace are ignored, unknown attest.* keys are
 * errors. Keys: attest.provider (sev-snp | sim; default sev-snp), attest.max_vmpl (0..3),
 * attest.min_tcb (bl.tee.snp.ucode[.fmc], decimal), attest.measurement (96 hex digits).
 * 0, or -1 with a message in why. */
CC_MUST_CHECK int attest_config_parse(const char *text, size_t len, attest_policy *p, char *why, size_t whylen);
CC_MUST_CHECK int attest_config_load(const char *path, attest_policy *p, char *why, size_t whylen);
/* The same line format for any component's settings (time.* uses it): apply(ctx, key, value) is
 * called for each key starting with prefix and returns 0, -1 (bad value) or -2 (unknown key). */
typedef int (*attest_config_apply_fn)(void *ctx, const char *key, const char *val);
CC_MUST_CHECK int attest_config_each(const char *text, size_t len, const char *prefix, attest_config_apply_fn fn,
                                     void *ctx, char *why, size_t whylen);
CC_MUST_CHECK int attest_config_load_each(const char *path, const char *prefix, attest_config_apply_fn fn, void *ctx,
                                          char *why, size_t whylen);

/* Endorsement input: a PEM bundle of CERTIFICATE blocks, concatenated DER certificates, or a GHCB
 * certificate table (as SNP_GET_EXT_REPORT and configfs-tsm auxblob return it), at most
 * ATTEST_MAX_CERTS certificates and ATTEST_MAX_ENDORSEMENT_BYTES. Normalised to concatenated DER
 * (*der malloc'd). 0, or -1 if malformed. */
CC_MUST_CHECK int attest_endorsements_normalize(const uint8_t *in, size_t len, uint8_t **der, size_t *derlen);

/* Printable names. */
const char *attest_product_name(attest_product p);
const char *attest_provider_name(attest_provider p);

#endif
