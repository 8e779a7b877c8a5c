/* test_audit_write.c: writes a five-node audit directory with src/node/audit.c for
 * test_audit.sh: a DKG for epoch 1, signings coordinated by n1 and n2 with co-signing records,
 * refusals, operator and attestation records, and chain heads signed every few records by the
 * local keys given (the cluster passes its threshold signers). Variants break agreement:
 *   disagree: n3 co-signs serial 0101 with another genTime; hidden: n4 co-signs a serial n1
 *   never logged; twice: n2 also logs a signing of serial 0101; reentrant: n1's ECDSA head signer
 *   writes to n1's log while it signs (as a coordinator logs its own signing).
 * usage: test_audit_write DIR EC.key ML.key [ok|disagree|hidden|twice|reentrant] */
#include <stdio.h>
#include <string.h>

#include "node/audit.h"
#include "x509/keyfile.h"

static audit_log *logs[5];
static x509_signer inner;

/* A signer that logs to n1's log while signing (a threshold signer's coordinator does). */
static int reentrant_sign(void *ctx, const uint8_t *tbs, size_t len, uint8_t *sig, size_t *siglen)
{
    (void)ctx;
    if (audit_refusal(logs[0], "request", "written while the head is being signed") != 0) return -1;
    return inner.sign(inner.ctx, tbs, len, sig, siglen);
}

static void heads(void)
{
    for (int i = 0; i < 5; i++)
        if (audit_sign_head(logs[i]) != 0) fprintf(stderr, "head signing failed\n");
}

int main(int argc, char **argv)
{
    if (argc != 5) return fprintf(stderr, "usage: test_audit_write DIR EC.key ML.key VARIANT\n"), 2;
    const char *variant = argv[4];
    x509_keypair ec = {0}, ml = {0};
    if (x509_keypair_load(&ec, argv[2]) || x509_keypair_load(&ml, argv[3])) return fprintf(stderr, "keys\n"), 1;
    x509_signer wrapped = ec.signer;
    inner = ec.signer;
    wrapped.sign = reentrant_sign;
    const x509_signer *signers[2] = {!strcmp(variant, "reentrant") ? &wrapped : &ec.signer, &ml.signer};
    char why[200], name[16];
    for (int i = 0; i < 5; i++) {
        snprintf(name, sizeof name, "n%d", i + 1);
        audit_config c = {.dir = argv[1], .node = name, .signers = {signers[0], signers[1]}, .n_signers = 2};
        if (!(logs[i] = audit_open(&c, why, sizeof why))) return fprintf(stderr, "%s\n", why), 1;
    }
    uint8_t transcript[48], tst1[48], tst2[48], tok[48];
    memset(transcript, 0x11, 48), memset(tst1, 0x22, 48), memset(tst2, 0x33, 48), memset(tok, 0x44, 48);
    int rc = 0;
    for (int i = 0; i < 5; i++) {
        rc |= audit_attestation(logs[i], "self", "ok", "");
        rc |= audit_dkg(logs[i], 1, (unsigned)i + 1, transcript, "ok");
    }
    heads();
    /* n1 coordinates serial 0101 with parties 1,2,3 */
    rc |= audit_cosign(logs[1], 1, "n1", "0101", "2026-12-04T10:00:00.123Z", "hybrid", "1,2,3", tst1);
    rc |= audit_cosign(logs[2], 1, "n1", "0101",
                       !strcmp(variant, "disagree") ? "2026-12-04T10:00:09.123Z" : "2026-12-04T10:00:00.123Z", "hybrid",
                       "1,2,3", tst1);
    rc |= audit_sign(logs[0], 1, "0101", "2026-12-04T10:00:00.123Z", "hybrid", "1,2,3", tst1, tok);
    /* n2 coordinates serial 0201 with parties 2,4,5 */
    rc |= audit_cosign(logs[3], 1, "n2", "0201", "2026-12-04T10:00:01.000Z", "ecdsa", "2,4,5", tst2);
    rc |= audit_cosign(logs[4], 1, "n2", "0201", "2026-12-04T10:00:01.000Z", "ecdsa", "2,4,5", tst2);
    rc |= audit_sign(logs[1], 1, "0201", "2026-12-04T10:00:01.000Z", "ecdsa", "2,4,5", tst2, tok);
    if (!strcmp(variant, "hidden"))
        rc |= audit_cosign(logs[3], 1, "n1", "0102", "2026-12-04T10:00:02.000Z", "ecdsa", "1,4,5", tst2);
    if (!strcmp(variant, "twice"))
        rc |= audit_sign(logs[1], 1, "0101", "2026-12-04T10:00:00.123Z", "hybrid", "1,2,3", tst1, tok);
    rc |= audit_refusal(logs[4], "participant", "genTime 900 ms ahead of own clock");
    rc |= audit_operator(logs[0], "renew-cert", 1, "alice", "00112233445566778899aabbccddeeff", "refused", "expired");
    heads();
    rc |= audit_attestation(logs[2], "n4", "failed", "policy.debug: \"debug\" set\n");
    heads();
    rc |= audit_refusal(logs[0], "request", "quorum unavailable"); /* not covered by a head */
    for (int i = 0; i < 5; i++) audit_close(logs[i]);
    x509_keypair_free(&ec), x509_keypair_free(&ml);
    return rc ? 1 : 0;
}
