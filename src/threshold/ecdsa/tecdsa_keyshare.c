/* tecdsa_keyshare.c: key share lifetime and accessors, bans, hedged randomness, the used-session
 * ring, Lagrange coefficients and error strings. */
#include <stdlib.h>
#include <string.h>

#include "crypto/ct.h"
#include "threshold/ecdsa/tecdsa_hash.h"
#include "threshold/ecdsa/tecdsa_internal.h"

const char *tecdsa_strerror(int code)
{
    switch (code) {
    case TECDSA_OK: return "ok";
    case TECDSA_DONE: return "done";
    case TECDSA_ERR_ARG: return "bad argument";
    case TECDSA_ERR_STATE: return "call out of order or object failed";
    case TECDSA_ERR_FORMAT: return "malformed message";
    case TECDSA_ERR_CONTEXT: return "message for another key, session, sender or receiver";
    case TECDSA_ERR_POINT: return "invalid point";
    case TECDSA_ERR_SCALAR: return "scalar out of range";
    case TECDSA_ERR_COMMIT: return "commitment does not open";
    case TECDSA_ERR_PROOF: return "proof of knowledge invalid";
    case TECDSA_ERR_SHARE: return "share inconsistent with commitments";
    case TECDSA_ERR_QUAL: return "too few qualified dealers";
    case TECDSA_ERR_ECHO: return "broadcast equivocation";
    case TECDSA_ERR_OT: return "OT extension check failed";
    case TECDSA_ERR_VOLE: return "multiplication check failed";
    case TECDSA_ERR_GAMMA: return "Gamma consistency check failed";
    case TECDSA_ERR_PKSUM: return "public key shares do not sum to the key";
    case TECDSA_ERR_BANNED: return "signer set contains a banned peer";
    case TECDSA_ERR_REPLAY: return "session replayed";
    case TECDSA_ERR_USED: return "presignature already used";
    case TECDSA_ERR_VERIFY: return "signature failed verification";
    case TECDSA_ERR_RNG: return "random source failed";
    case TECDSA_ERR_INTERNAL: return "internal error";
    case TECDSA_ERR_BUSY: return "too many concurrent sessions with a peer";
    case TECDSA_ERR_POLICY: return "signing policy refused the content";
    default: return "unknown error";
    }
}

tecdsa_keyshare *tk_new(int self, const cc_allocator *alloc)
{
    /* message-independent, once per process: the fixed-base table used online (a failure only
     * means the slower fallback) */
    (void)tec_comb_prepare();
    tecdsa_keyshare *ks = cc_alloc(alloc, sizeof *ks);
    if (!ks) return NULL;
    ks->alloc = alloc;
    ks->self = self;
    for (int j = 0; j <= TECDSA_N; j++) {
        atomic_init(&ks->banned[j], 0);
        atomic_init(&ks->active[j], 0);
        pthread_mutex_init(&ks->check_lock[j], NULL);
    }
    pthread_mutex_init(&ks->sid_lock, NULL);
    atomic_init(&ks->hedge_ctr, 0);
    if (cc_randombytes(ks->hedge_seed, sizeof ks->hedge_seed) != 0) {
        tecdsa_keyshare_free(ks);
        return NULL;
    }
    return ks;
}

void tecdsa_keyshare_free(tecdsa_keyshare *ks)
{
    if (!ks) return;
    for (int j = 0; j <= TECDSA_N; j++) pthread_mutex_destroy(&ks->check_lock[j]);
    pthread_mutex_destroy(&ks->sid_lock);
    cc_free(ks->alloc, ks, sizeof *ks); /* wipes */
}

int tecdsa_keyshare_id(const tecdsa_keyshare *ks) { return ks->self; }

void tecdsa_keyshare_key_id(const tecdsa_keyshare *ks, uint8_t out[TECDSA_ID_BYTES])
{
    memcpy(out, ks->key_id, TECDSA_ID_BYTES);
}

int tecdsa_keyshare_pubkey(const tecdsa_keyshare *ks, uint8_t out[TECDSA_PUB_BYTES])
{
    return tec_encode_uncompressed(out, &ks->pk) == 0 ? TECDSA_OK : TECDSA_ERR_INTERNAL;
}

int tecdsa_keyshare_is_banned(const tecdsa_keyshare *ks, int peer)
{
    return peer >= 1 && peer <= TECDSA_N && atomic_load(&ks->banned[peer]) != 0;
}

void tk_ban(tecdsa_keyshare *ks, int j) { atomic_store(&ks->banned[j], 1); }

int tk_banned_among(const tecdsa_keyshare *ks, const int signers[TECDSA_T])
{
    for (int k = 0; k < TECDSA_T; k++)
        if (tecdsa_keyshare_is_banned(ks, signers[k])) return signers[k];
    return 0;
}

int tk_hedge(tecdsa_keyshare *ks, const char *label, const uint8_t *transcript, size_t tlen, uint8_t *out,
             size_t outlen)
{
    uint8_t fresh[32];
    th_ctx h;
    if (cc_randombytes(fresh, sizeof fresh) != 0) return TECDSA_ERR_RNG;
    th_init(&h, "hedge/v1");
    th_var(&h, label, strlen(label));
    th_bytes(&h, ks->hedge_seed, TK_HEDGE_SEED_BYTES);
    uint64_t ctr = atomic_fetch_add(&ks->hedge_ctr, 1);
    th_u32(&h, (uint32_t)(ctr >> 32));
    th_u32(&h, (uint32_t)ctr);
    th_var(&h, transcript, tlen);
    th_bytes(&h, fresh, sizeof fresh);
    th_out(&h, out, outlen);
    cc_memzero(fresh, sizeof fresh);
    return TECDSA_OK;
}

unsigned tecdsa_keyshare_disqualified(const tecdsa_keyshare *ks) { return ks->disqualified; }

int tk_use_sid(tecdsa_keyshare *ks, const uint8_t sid[TECDSA_ID_BYTES])
{
    int rc = TECDSA_OK;
    pthread_mutex_lock(&ks->sid_lock);
    size_t n = ks->used_count < TK_USED_SIDS ? ks->used_count : TK_USED_SIDS;
    for (size_t i = 0; i < n && rc == TECDSA_OK; i++)
        if (memcmp(ks->used_sid[i], sid, TECDSA_ID_BYTES) == 0) rc = TECDSA_ERR_REPLAY;
    if (rc == TECDSA_OK) {
        memcpy(ks->used_sid[ks->used_count % TK_USED_SIDS], sid, TECDSA_ID_BYTES);
        ks->used_count++;
    }
    pthread_mutex_unlock(&ks->sid_lock);
    return rc;
}

void tk_lagrange(tsc *out, int i, const int signers[TECDSA_T])
{
    tsc num, den, t, xi;
    tsc_set_u64(&num, 1);
    tsc_set_u64(&den, 1);
    tsc_set_u64(&xi, (uint64_t)i);
    for (int k = 0; k < TECDSA_T; k++) {
        int j = signers[k];
        if (j == i) continue;
        tsc xj;
        tsc_set_u64(&xj, (uint64_t)j);
        tsc_mul(&num, &num, &xj);
        tsc_sub(&t, &xj, &xi);
        tsc_mul(&den, &den, &t);
    }
    tsc_inv(&den, &den);
    tsc_mul(out, &num, &den);
}
