/* bench_tecdsa.c: threshold ECDSA P-384 (DKLs23, 3-of-5) costs next to one plain OpenSSL ECDSA
 * P-384 signature measured in the same run: DKG CPU and bytes per party, presign CPU and bytes per
 * party per signature, online CPU per signer (presignature ready) and the coordinator's online CPU
 * (its own share + combine + OpenSSL verify), each against the < 2 ms per party target (average
 * over the runs; the worst run is shown too). All parties run in this process through the
 * in-process driver. */
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <string.h>

#include "benchutil.h"
#include "threshold/ecdsa/tecdsa.h"
#include "threshold/testkit/tecdsa_driver.h"

#define PRESIGNS 16

static EVP_PKEY *g_key;
static uint8_t g_digest[48];

static void plain_sign(void *arg)
{
    (void)arg;
    uint8_t sig[120];
    size_t len = sizeof sig;
    EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new(g_key, NULL);
    if (!ctx || EVP_PKEY_sign_init(ctx) != 1 || EVP_PKEY_sign(ctx, sig, &len, g_digest, sizeof g_digest) != 1)
        fprintf(stderr, "plain sign failed\n");
    EVP_PKEY_CTX_free(ctx);
}

int main(int argc, char **argv)
{
    int args_rc = bench_args(argc, argv,
                        "usage: bench_tecdsa\nThreshold ECDSA P-384 (3-of-5): DKG, presign and online CPU and bytes per party next to one\nplain OpenSSL ECDSA P-384 signature measured in the same run (target: online < 2 ms per party).\n",
                        0);
    if (args_rc >= 0) return args_rc;
    printf("bench_tecdsa: threshold ECDSA P-384, DKLs23, 3-of-5 (all parties in one process)\n");
    memset(g_digest, 0x11, sizeof g_digest);
    g_key = EVP_EC_gen("P-384");
    double plain = bench_ops_per_sec(plain_sign, NULL, 1.0, 50);
    bench_report("OpenSSL ECDSA P-384 sign (baseline)", plain);
    double plain_ms = 1e3 / plain;

    tecdsa_keyshare *ks[TECDSA_N + 1];
    tecdsa_run run;
    uint8_t nonce[32] = "bench_tecdsa";
    double w0 = bench_wall_seconds();
    int rc = tecdsa_drive_dkg(ks, nonce, NULL, NULL, &run);
    double dkg_wall = bench_wall_seconds() - w0;
    if (rc != TECDSA_OK) {
        printf("DKG failed: %s\n", tecdsa_strerror(rc));
        return 1;
    }
    double dkg_cpu = 0;
    size_t dkg_bytes = 0;
    for (int i = 1; i <= TECDSA_N; i++) {
        dkg_cpu += run.cpu_seconds[i];
        dkg_bytes += run.bytes_sent[i];
    }
    printf("  DKG: %.2f s CPU per party (avg), %.1f s wall for all 5 in one thread, %zu bytes sent per party\n",
           dkg_cpu / TECDSA_N, dkg_wall, dkg_bytes / TECDSA_N);

    uint8_t pub[TECDSA_PUB_BYTES], key_id[TECDSA_ID_BYTES];
    tecdsa_keyshare_pubkey(ks[1], pub);
    tecdsa_keyshare_key_id(ks[1], key_id);
    int S[3] = {1, 3, 5};
    static tecdsa_presig *pool[PRESIGNS][TECDSA_N + 1]; /* non-signers stay NULL */
    double pre_cpu = 0;
    size_t pre_bytes = 0;
    for (int k = 0; k < PRESIGNS; k++) {
        uint8_t batch[TECDSA_ID_BYTES] = {(uint8_t)k};
        rc = tecdsa_drive_presign(ks, S, batch, pool[k], NULL, NULL, &run);
        if (rc != TECDSA_OK) {
            printf("presign failed: %s\n", tecdsa_strerror(rc));
            return 1;
        }
        for (int t = 0; t < 3; t++) {
            pre_cpu += run.cpu_seconds[S[t]];
            pre_bytes += run.bytes_sent[S[t]];
        }
    }
    pre_cpu /= PRESIGNS * 3;
    pre_bytes /= PRESIGNS * 3;

    double online_cpu = 0, combine_cpu = 0, online_max = 0, combine_max = 0;
    size_t online_bytes = 0;
    int ok = 0;
    for (int k = 0; k < PRESIGNS; k++) {
        uint8_t der[TECDSA_SIG_MAX_DER];
        size_t der_len;
        g_digest[0] = (uint8_t)k;
        rc = tecdsa_drive_sign(pool[k], S, key_id, pub, g_digest, sizeof g_digest, tecdsa_policy_accept_any, NULL,
                               der, &der_len, NULL, NULL, &run);
        ok += rc == TECDSA_OK;
        /* signers 3 and 5 only make their share; signer 1 also combines and verifies */
        online_cpu += run.cpu_seconds[3] + run.cpu_seconds[5];
        online_bytes += run.bytes_sent[3] + run.bytes_sent[5];
        combine_cpu += run.cpu_seconds[1];
        if (run.cpu_seconds[3] > online_max) online_max = run.cpu_seconds[3];
        if (run.cpu_seconds[5] > online_max) online_max = run.cpu_seconds[5];
        if (run.cpu_seconds[1] > combine_max) combine_max = run.cpu_seconds[1];
        for (int i = 1; i <= TECDSA_N; i++) tecdsa_presig_free(pool[k][i]);
    }
    online_cpu /= PRESIGNS * 2;
    online_bytes /= PRESIGNS * 2;
    combine_cpu /= PRESIGNS;
    printf("  presign: %.2f ms CPU per party per signature, %zu bytes sent per party\n", pre_cpu * 1e3, pre_bytes);
    printf("  online:  %.3f ms CPU per signer (share), %zu bytes per signer; coordinator %.3f ms (share + combine"
           " + verify); %d/%d verified\n",
           online_cpu * 1e3, online_bytes, combine_cpu * 1e3, ok, PRESIGNS);
    printf("  total per party per signature: %.2f ms CPU, %zu bytes\n", (pre_cpu + online_cpu) * 1e3,
           pre_bytes + online_bytes);
    bench_ratio("presign CPU per party / plain sign", pre_cpu * 1e3, plain_ms);
    bench_ratio("online CPU per signer / plain sign", online_cpu * 1e3, plain_ms);
    bench_ratio("coordinator online CPU / plain sign", combine_cpu * 1e3, plain_ms);
    printf("  online target (< 2 ms CPU per party): signer %.3f ms avg (worst %.3f) %s; coordinator %.3f ms avg"
           " (worst %.3f) %s\n",
           online_cpu * 1e3, online_max * 1e3, online_cpu * 1e3 < 2.0 ? "met" : "MISSED", combine_cpu * 1e3,
           combine_max * 1e3, combine_cpu * 1e3 < 2.0 ? "met" : "MISSED");
    for (int i = 1; i <= TECDSA_N; i++) tecdsa_keyshare_free(ks[i]);
    EVP_PKEY_free(g_key);
    return ok == PRESIGNS ? 0 : 1;
}
