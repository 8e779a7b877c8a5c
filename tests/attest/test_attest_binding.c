/* test_attest_binding.c: the binding record with sim reports and local group keys: build, parse and
 * verify; every check fails on its own when its input is wrong (tampered bytes, repeated chips,
 * wrong REPORT_DATA, another measurement, a TcbInfo mismatch, an unknown CA, swapped certificates,
 * a sev-snp-configured verifier). With a directory argument it also writes a valid record and its
 * CA certificates there for the CLI test (test_attest_cli.sh). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "attest/binding.h"
#include "check.h"
#include "x509/pem.h"
#include "x509_fixture.h"

#define BIT(e) (1u << (e))
#define NODES 3

typedef struct {
    fx_chain ec, ml; /* root -> TSA certificate for each group key (local keys) */
    attest_evidence ev[NODES];
    binding_content c;
    attest_policy policy;
} world;

static int make_world(world *w)
{
    memset(w, 0, sizeof *w);
    if (fx_chain_make(&w->ec, X509_ALG_ECDSA_P384, X509_ALG_ECDSA_P384) ||
        fx_chain_make(&w->ml, X509_ALG_MLDSA65, X509_ALG_MLDSA65))
        return -1;
    binding_content *c = &w->c;
    c->provider = ATTEST_PROVIDER_SIM;
    memcpy(c->measurement, w->ec.tcb.measurement, ATTEST_MEASUREMENT_BYTES); /* the certificates' TcbInfo */
    c->ecdsa_cert = w->ec.leaf_der, c->ecdsa_cert_len = w->ec.leaf_len;
    c->mldsa_cert = w->ml.leaf_der, c->mldsa_cert_len = w->ml.leaf_len;
    for (int i = 0; i < BINDING_HASH_BYTES; i++) c->transcript_hash[i] = (uint8_t)(0x30 + i);
    c->time = time(NULL);
    uint8_t binding[ATTEST_BINDING_BYTES];
    binding_report_data(c->transcript_hash, binding);
    for (int i = 0; i < NODES; i++) {
        uint8_t chip[ATTEST_CHIP_ID_BYTES];
        char label[24];
        snprintf(label, sizeof label, "node-%d", i + 1);
        if (attest_sim_chip_id(label, chip) || attest_sim_evidence(c->measurement, binding, chip, &w->ev[i])) return -1;
        c->nodes[i] = (binding_node){.chip_id = w->ev[i].report + 0x1A0,
                                     .chip_id_len = 64,
                                     .report = w->ev[i].report,
                                     .endorsements = w->ev[i].endorsements,
                                     .endorsements_len = w->ev[i].endorsements_len};
    }
    c->nnodes = NODES;
    attest_policy_default(&w->policy, ATTEST_PROVIDER_SIM);
    return 0;
}

static void free_world(world *w)
{
    for (int i = 0; i < NODES; i++) attest_evidence_free(&w->ev[i]);
    fx_chain_free(&w->ec);
    fx_chain_free(&w->ml);
}

/* Build with the world's keys and verify against both roots; the verdict's failed bits. */
static uint32_t run(world *w, const binding_content *c, const attest_policy *p, uint8_t **out, size_t *outlen)
{
    uint8_t *der = NULL;
    size_t len = 0;
    if (binding_build(c, &w->ec.leaf_key.signer, &w->ml.leaf_key.signer, &der, &len) != 0) {
        CHECK_MSG(0, "binding_build failed");
        return ~0u;
    }
    const uint8_t *ca[2] = {w->ec.root_der, w->ml.root_der};
    size_t ca_len[2] = {w->ec.root_len, w->ml.root_len};
    binding_verdict v;
    int rc = binding_verify(der, len, p, ca, ca_len, 2, &v);
    CHECK((rc == 0) == (v.failed == 0));
    if (out)
        *out = der, *outlen = len;
    else
        free(der);
    return v.failed;
}

static void test_valid_and_each_check(world *w)
{
    uint8_t *der;
    size_t len;
    uint32_t f = run(w, &w->c, &w->policy, &der, &len);
    CHECK_MSG(f == 0, "valid record refused: 0x%x", f);
    binding_view v;
    CHECK(binding_parse(der, len, &v) == 0 && v.c.nnodes == NODES && v.c.provider == ATTEST_PROVIDER_SIM);
    CHECK(v.c.time == w->c.time && !memcmp(v.c.transcript_hash, w->c.transcript_hash, BINDING_HASH_BYTES));
    CHECK(v.c.nodes[1].endorsements_len == w->ev[1].endorsements_len);
    CHECK(der_check_tree(der, len) == 0);
    /* Any flipped byte is refused (format, a report, a certificate or a signature). */
    const uint8_t *ca[2] = {w->ec.root_der, w->ml.root_der};
    size_t ca_len[2] = {w->ec.root_len, w->ml.root_len};
    unsigned accepted = 0;
    for (size_t i = 0; i < len; i += 97) { /* a spread of positions: each verify costs ~10 ms */
        der[i] ^= 0x01;
        binding_verdict vd;
        if (binding_verify(der, len, &w->policy, ca, ca_len, 2, &vd) == 0) accepted++;
        der[i] ^= 0x01;
    }
    CHECK_MSG(accepted == 0, "%u tampered records accepted", accepted);
    /* The last byte is in the ML-DSA signature: only that check fails. */
    der[len - 1] ^= 1;
    binding_verdict vd;
    CHECK(binding_verify(der, len, &w->policy, ca, ca_len, 2, &vd) == -1 && vd.failed == BIT(BINDING_ERR_SIG_MLDSA));
    der[len - 1] ^= 1;
    CHECK(binding_verify(der, len - 1, &w->policy, ca, ca_len, 2, &vd) == -1 && vd.failed == BIT(BINDING_ERR_FORMAT));
    /* Only one of the two CAs: the other certificate does not chain. */
    CHECK(binding_verify(der, len, &w->policy, ca, ca_len, 1, &vd) == -1 && vd.failed == BIT(BINDING_ERR_CERT));
    /* A verifier configured for sev-snp refuses the sim record: provider and every report. */
    attest_policy snp;
    attest_policy_default(&snp, ATTEST_PROVIDER_SEV_SNP);
    CHECK(binding_verify(der, len, &snp, ca, ca_len, 2, &vd) == -1);
    CHECK(vd.failed == (BIT(BINDING_ERR_PROVIDER) | BIT(BINDING_ERR_REPORT)));
    free(der);

    /* Repeated chip: node 3 is node 1 again. */
    binding_content c = w->c;
    c.nodes[2] = c.nodes[0];
    CHECK(run(w, &c, &w->policy, NULL, NULL) == BIT(BINDING_ERR_CHIPS_DISTINCT));
    /* Chip id field that is not the report's. */
    c = w->c;
    c.nodes[1].chip_id = c.nodes[0].chip_id;
    CHECK(run(w, &c, &w->policy, NULL, NULL) == BIT(BINDING_ERR_CHIP_ID));
    /* Another DKG transcript: every REPORT_DATA is wrong. */
    c = w->c;
    c.transcript_hash[0] ^= 1;
    CHECK(run(w, &c, &w->policy, NULL, NULL) == BIT(BINDING_ERR_REPORT_DATA));
    /* Record measurement differs from the reports' and the certificates'. */
    c = w->c;
    c.measurement[5] ^= 1;
    CHECK(run(w, &c, &w->policy, NULL, NULL) == (BIT(BINDING_ERR_REPORT) | BIT(BINDING_ERR_TCBINFO)));
    /* Certificates in the wrong slots. */
    c = w->c;
    c.ecdsa_cert = w->ml.leaf_der, c.ecdsa_cert_len = w->ml.leaf_len;
    c.mldsa_cert = w->ec.leaf_der, c.mldsa_cert_len = w->ec.leaf_len;
    uint32_t sw = run(w, &c, &w->policy, NULL, NULL);
    CHECK(sw & BIT(BINDING_ERR_CERT));
    CHECK(sw & BIT(BINDING_ERR_SIG_ECDSA));
    /* A report whose chain expired before the record's time. */
    c = w->c;
    c.time = 2600000000; /* 2052, after the simulation certificates */
    CHECK(run(w, &c, &w->policy, NULL, NULL) & BIT(BINDING_ERR_REPORT));
}

/* Certificates whose TcbInfo carries another measurement than the record and reports. */
static void test_tcbinfo_mismatch(world *w)
{
    binding_content c = w->c;
    uint8_t other[ATTEST_MEASUREMENT_BYTES], binding[ATTEST_BINDING_BYTES];
    attest_evidence ev[NODES];
    memcpy(other, c.measurement, sizeof other);
    other[0] ^= 0xFF;
    memcpy(c.measurement, other, sizeof other);
    binding_report_data(c.transcript_hash, binding);
    for (int i = 0; i < NODES; i++) {
        CHECK(attest_sim_evidence(other, binding, w->ev[i].report + 0x1A0, &ev[i]) == ATTEST_OK);
        c.nodes[i].report = ev[i].report;
        c.nodes[i].endorsements = ev[i].endorsements, c.nodes[i].endorsements_len = ev[i].endorsements_len;
    }
    CHECK(run(w, &c, &w->policy, NULL, NULL) == BIT(BINDING_ERR_TCBINFO));
    for (int i = 0; i < NODES; i++) attest_evidence_free(&ev[i]);
}

static void write_outputs(world *w, const char *dir)
{
    uint8_t *der;
    size_t len;
    char path[512];
    CHECK(run(w, &w->c, &w->policy, &der, &len) == 0);
    snprintf(path, sizeof path, "%s/binding.der", dir);
    CHECK(x509_write_file(path, der, len, 0644, 0) == 0);
    der[len - 1] ^= 1;
    snprintf(path, sizeof path, "%s/binding-bad.der", dir);
    CHECK(x509_write_file(path, der, len, 0644, 0) == 0);
    free(der);
    const struct {
        const char *name;
        const uint8_t *der;
        size_t len;
    } cas[] = {{"ca-ecdsa.pem", w->ec.root_der, w->ec.root_len}, {"ca-mldsa.pem", w->ml.root_der, w->ml.root_len}};
    for (int i = 0; i < 2; i++) {
        char *pem = x509_pem_encode("CERTIFICATE", cas[i].der, cas[i].len);
        snprintf(path, sizeof path, "%s/%s", dir, cas[i].name);
        CHECK(pem && x509_write_file(path, pem, strlen(pem), 0644, 0) == 0);
        free(pem);
    }
    snprintf(path, sizeof path, "%s/sim.conf", dir);
    CHECK(x509_write_file(path, "attest.provider = sim\n", 22, 0644, 0) == 0);
}

int main(int argc, char **argv)
{
    world w;
    if (make_world(&w) != 0) {
        CHECK_MSG(0, "cannot set up keys, certificates and sim reports");
        return check_summary("test_attest_binding");
    }
    test_valid_and_each_check(&w);
    test_tcbinfo_mismatch(&w);
    if (argc > 1) write_outputs(&w, argv[1]);
    free_world(&w);
    return check_summary("test_attest_binding");
}
