/* cli_inspect.c: `cctsa inspect`: human-readable dump of a TimeStampResp or bare token: status,
 * TSTInfo fields, certificates and signers (no verification: use `cctsa verify`). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "asn1/der.h"
#include "asn1/oids.h"
#include "base/base.h"
#include "cli/commands.h"
#include "tsp/tsp_parse.h"
#include "tsp/tsp_profile.h"
#include "tsp/tsp_status.h"
#include "x509/cert.h"
#include "x509/name.h"

static const char usage_text[] =
    "usage: cctsa inspect TOKEN\n"
    "\n"
    "Print the status, TSTInfo, certificates and signers of a TimeStampResp or bare time-stamp token\n"
    "(DER). Nothing is verified; use `cctsa verify` for that. Exit status 1 if it cannot be parsed.\n";

static void print_hex(const char *label, const uint8_t *p, size_t n)
{
    printf("%s", label);
    for (size_t i = 0; i < n; i++) printf("%02x", p[i]);
    printf("\n");
}

static const char *oid_name(const uint8_t *p, size_t n, char *buf, size_t cap)
{
    static const struct {
        const char *oid;
        size_t len;
        const char *name;
    } known[] = {
        {OID_SHA256, OID_LEN(OID_SHA256), "sha256"},
        {OID_SHA384, OID_LEN(OID_SHA384), "sha384"},
        {OID_SHA512, OID_LEN(OID_SHA512), "sha512"},
        {OID_ECDSA_SHA384, OID_LEN(OID_ECDSA_SHA384), "ecdsa-with-SHA384"},
        {OID_ML_DSA_65, OID_LEN(OID_ML_DSA_65), "id-ml-dsa-65"},
    };
    for (size_t i = 0; i < sizeof known / sizeof known[0]; i++)
        if (n == known[i].len && !memcmp(p, known[i].oid, n)) return known[i].name;
    int prof = tsp_profile_from_policy(p, n);
    if (prof >= 0) {
        snprintf(buf, cap, "%s (cctsa %s profile)", tsp_profile_policy_str((tsp_profile)prof),
                 tsp_profile_name((tsp_profile)prof));
        return buf;
    }
    if (der_oid_to_string(p, n, buf, cap) != 0) snprintf(buf, cap, "(malformed OID)");
    return buf;
}

/* Names come from the token (untrusted): control characters are shown as '?' so that a name
 * cannot forge output lines or send escape sequences to the terminal. */
static void print_name(const char *label, const uint8_t *p, size_t n)
{
    char s[512];
    if (x509_name_to_string(p, n, s, sizeof s) != 0) snprintf(s, sizeof s, "(unprintable name)");
    for (char *c = s; *c; c++)
        if ((unsigned char)*c < 0x20 || *c == 0x7F) *c = '?';
    printf("%s%s\n", label, s);
}

static void print_signer(const tsp_signer_info *si, const char *indent)
{
    char b1[128], b2[128];
    const uint8_t *serial = NULL;
    size_t serial_len = 0;
    der_reader r;
    der_elem e;
    der_reader_init(&r, si->sid_serial.p, si->sid_serial.n);
    if (der_read(&r, &e) != DER_OK || der_get_uint_bytes(&e, &serial, &serial_len) != DER_OK)
        serial = NULL, serial_len = 0;
    printf("%ssigner:\n", indent);
    printf("%s  issuer: ", indent);
    print_name("", si->sid_issuer.p, si->sid_issuer.n);
    printf("%s", indent);
    print_hex("  serial: ", serial, serial_len);
    printf("%s  digest: %s; signature: %s, %zu bytes; signed attributes: %zu bytes\n", indent,
           oid_name(si->digest_oid.p, si->digest_oid.n, b1, sizeof b1),
           oid_name(si->sig_oid.p, si->sig_oid.n, b2, sizeof b2), si->signature.n, si->signed_attrs.n);
}

/* The TcbInfo launch measurement and operational flags of a certificate, if it has one. */
static void print_tcbinfo(const x509_cert *c)
{
    uint8_t m[X509_MEASUREMENT_BYTES];
    uint32_t flags;
    char names[160];
    if (!c->tcbinfo.len) return;
    if (x509_cert_measurement(c, m) != 0 || x509_cert_tcb_flags(c, &flags) != 0) {
        printf("  TcbInfo: (malformed: %s)\n", x509_error_reason());
        return;
    }
    print_hex("  TcbInfo measurement: ", m, sizeof m);
    printf("  TcbInfo flags: %s\n", x509_tcb_flags_str(flags, names, sizeof names));
}

static void print_tstinfo(const tsp_tstinfo *ti)
{
    char buf[160], when[64];
    struct tm tm;
    time_t t = ti->gen_sec;
    printf("TSTInfo:\n  policy: %s\n", oid_name(ti->policy, ti->policy_len, buf, sizeof buf));
    printf("  message imprint: %s ", ti->hash >= 0 ? tsp_hash_name((tsp_hash_alg)ti->hash) : "(unknown hash)");
    print_hex("", ti->hashed, ti->hashed_len);
    print_hex("  serial number: ", ti->serial, ti->serial_len);
    if (gmtime_r(&t, &tm) && strftime(when, sizeof when, "%Y-%m-%d %H:%M:%S", &tm))
        printf("  genTime: %s.%03u UTC\n", when, ti->gen_ms);
    if (ti->has_accuracy)
        printf("  accuracy: %llu s %llu ms %llu us\n", (unsigned long long)ti->acc_sec, (unsigned long long)ti->acc_ms,
               (unsigned long long)ti->acc_us);
    printf("  ordering: %s\n", ti->ordering ? "true" : "false");
    if (ti->nonce) print_hex("  nonce: ", ti->nonce, ti->nonce_len);
    if (ti->tsa_name) print_name("  tsa: ", ti->tsa_name, ti->tsa_name_len);
    if (ti->tsa_other) printf("  tsa: (a GeneralName other than directoryName)\n");
    if (ti->has_extensions)
        printf("  extensions: %d (%d critical, %d not understood)\n", ti->n_extensions, ti->n_critical,
               ti->unknown_critical);
}

int cli_inspect(int argc, char **argv)
{
    if (cli_wants_help(argc, argv)) return fputs(usage_text, stdout), 0;
    if (argc != 2) return fputs(usage_text, stderr), 2;
    uint8_t *buf = NULL;
    size_t len = 0;
    char err[200];
    tsp_parsed t;
    if (cc_file_read(argv[1], TSP_MAX_INPUT, &buf, &len) != 0)
        return cli_error("inspect: cannot read %s (missing, unreadable or larger than 1 MiB)", argv[1]), 1;
    if (tsp_parse(buf, len, &t, err, sizeof err) != 0) {
        cli_error("inspect: %s: %s", argv[1], err);
        free(buf);
        return 1;
    }
    if (t.has_resp) {
        printf("TimeStampResp status: %s", tsp_status_name(t.status));
        for (int i = 0; i < 32; i++)
            if (t.fail_bits & (1u << i)) printf(", failInfo %s", tsp_fail_name(i));
        printf("%s%s%s\n", t.status_text[0] ? " (\"" : "", t.status_text, t.status_text[0] ? "\")" : "");
    } else {
        printf("bare time-stamp token (CMS ContentInfo)\n");
    }
    if (t.token.p) {
        printf("SignedData version %u, %d certificate(s), %d signer(s)\n", t.sd_version, t.ncerts, t.nsigners);
        print_tstinfo(&t.tstinfo);
        for (int i = 0; i < t.ncerts; i++) {
            x509_cert c;
            printf("certificate %d:\n", i + 1);
            if (x509_cert_parse(&c, t.certs[i].p, t.certs[i].n) != 0) {
                printf("  (cannot parse: %s)\n", x509_error_reason());
                continue;
            }
            print_name("  subject: ", c.subject.p, c.subject.len);
            print_name("  issuer: ", c.issuer.p, c.issuer.len);
            printf("  key: %s\n", c.key_alg == X509_ALG_ECDSA_P384 ? "ECDSA P-384"
                                  : c.key_alg == X509_ALG_MLDSA65  ? "ML-DSA-65"
                                                                   : "other");
            print_tcbinfo(&c);
        }
        for (int i = 0; i < t.nsigners; i++) {
            print_signer(&t.signers[i], "");
            if (t.signers[i].companion.p) {
                tsp_signer_info cs;
                const char *why;
                printf("  countersignature of this signer's signature value (unsigned attribute id-countersignature "
                       "1.2.840.113549.1.9.6, RFC 5652 11.4):\n");
                if (tsp_parse_signer_info(t.signers[i].companion.p, t.signers[i].companion.n, &cs, 0, &why) == 0)
                    print_signer(&cs, "  ");
                else
                    printf("    (malformed: %s)\n", why);
            }
        }
    }
    free(buf);
    return 0;
}
