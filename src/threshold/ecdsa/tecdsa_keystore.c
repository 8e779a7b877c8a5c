/* tecdsa_keystore.c: versioned, strictly parsed serialisation of a key share (see tecdsa.h).
 * TEST-ONLY: built into cctsa_tecdsa_testonly, never into the shipped cctsa_tecdsa.
 * Layout: magic "TECDSAK1", self id, key id, DKG session id, PK, X_1..X_5, x, zero seeds for
 * peers 1..5, Alice setups (Delta, seeds) and Bob setups (seed pairs) for peers 1..5 (all-zero
 * for self), ban flags for 1..5, disqualified-dealer mask. */
#include <stdlib.h>
#include <string.h>

#include "crypto/ct.h"
#include "threshold/ecdsa/tecdsa_internal.h"
#include "threshold/ecdsa/tecdsa_wire.h"

static const uint8_t MAGIC[8] = {'T', 'E', 'C', 'D', 'S', 'A', 'K', '1'};

#define ALICE_BYTES (TOT_ROW_BYTES + TOT_KAPPA * TOT_SEED_BYTES)
#define BOB_BYTES (TOT_KAPPA * 2 * TOT_SEED_BYTES)
#define LAYOUT_BYTES                                                                                                   \
    (8 + 1 + 2 * TECDSA_ID_BYTES + (1 + TECDSA_N) * TPT_BYTES + TSC_BYTES +                                            \
     TECDSA_N * (TK_ZERO_SEED_BYTES + ALICE_BYTES + BOB_BYTES) + TECDSA_N + 1)

_Static_assert(LAYOUT_BYTES == TECDSA_KEYSHARE_BYTES, "TECDSA_KEYSHARE_BYTES out of date");

size_t tecdsa_keyshare_serialize(const tecdsa_keyshare *ks, uint8_t *out, size_t out_len)
{
    if (!ks || !out || out_len < TECDSA_KEYSHARE_BYTES) return 0;
    tw_writer w = {out, TECDSA_KEYSHARE_BYTES};
    uint8_t self = (uint8_t)ks->self, disq = (uint8_t)ks->disqualified;
    tw_put(&w, MAGIC, sizeof MAGIC);
    tw_put(&w, &self, 1);
    tw_put(&w, ks->key_id, TECDSA_ID_BYTES);
    tw_put(&w, ks->sid_dkg, TECDSA_ID_BYTES);
    tw_put_point(&w, &ks->pk);
    for (int j = 1; j <= TECDSA_N; j++) tw_put_point(&w, &ks->pub_share[j]);
    tw_put_scalar(&w, &ks->x);
    for (int j = 1; j <= TECDSA_N; j++) tw_put(&w, ks->zero_seed[j], TK_ZERO_SEED_BYTES);
    for (int j = 1; j <= TECDSA_N; j++) {
        tw_put(&w, ks->alice[j].delta, TOT_ROW_BYTES);
        tw_put(&w, ks->alice[j].seed, TOT_KAPPA * TOT_SEED_BYTES);
    }
    for (int j = 1; j <= TECDSA_N; j++) tw_put(&w, ks->bob[j].seed, BOB_BYTES);
    for (int j = 1; j <= TECDSA_N; j++) {
        uint8_t b = (uint8_t)tecdsa_keyshare_is_banned(ks, j);
        tw_put(&w, &b, 1);
    }
    tw_put(&w, &disq, 1);
    return TECDSA_KEYSHARE_BYTES;
}

int tecdsa_keyshare_parse(const uint8_t *in, size_t len, tecdsa_keyshare **out)
{
    if (!in || !out) return TECDSA_ERR_ARG;
    *out = NULL;
    if (len != TECDSA_KEYSHARE_BYTES || memcmp(in, MAGIC, sizeof MAGIC) != 0) return TECDSA_ERR_FORMAT;
    tw_reader r = {in + sizeof MAGIC, len - sizeof MAGIC};
    int self = *tw_get(&r, 1), rc = TECDSA_ERR_FORMAT;
    if (self < 1 || self > TECDSA_N) return TECDSA_ERR_FORMAT;
    tecdsa_keyshare *ks = tk_new(self, NULL);
    if (!ks) return TECDSA_ERR_INTERNAL;
    tpt check;
    memcpy(ks->key_id, tw_get(&r, TECDSA_ID_BYTES), TECDSA_ID_BYTES);
    memcpy(ks->sid_dkg, tw_get(&r, TECDSA_ID_BYTES), TECDSA_ID_BYTES);
    if ((rc = tw_get_point(&r, &ks->pk)) != TECDSA_OK) goto fail;
    for (int j = 1; j <= TECDSA_N; j++)
        if ((rc = tw_get_point(&r, &ks->pub_share[j])) != TECDSA_OK) goto fail;
    if ((rc = tw_get_scalar(&r, &ks->x)) != TECDSA_OK) goto fail;
    rc = TECDSA_ERR_SHARE;
    if (tec_mul_g(&check, &ks->x) != 0 || !tec_eq(&check, &ks->pub_share[self])) goto fail;
    for (int j = 1; j <= TECDSA_N; j++) memcpy(ks->zero_seed[j], tw_get(&r, TK_ZERO_SEED_BYTES), TK_ZERO_SEED_BYTES);
    for (int j = 1; j <= TECDSA_N; j++) {
        memcpy(ks->alice[j].delta, tw_get(&r, TOT_ROW_BYTES), TOT_ROW_BYTES);
        memcpy(ks->alice[j].seed, tw_get(&r, TOT_KAPPA * TOT_SEED_BYTES), TOT_KAPPA * TOT_SEED_BYTES);
    }
    for (int j = 1; j <= TECDSA_N; j++) memcpy(ks->bob[j].seed, tw_get(&r, BOB_BYTES), BOB_BYTES);
    rc = TECDSA_ERR_FORMAT;
    for (int j = 1; j <= TECDSA_N; j++) {
        uint8_t b = *tw_get(&r, 1);
        if (b > 1 || (j == self && b)) goto fail;
        if (b) tk_ban(ks, j);
    }
    ks->disqualified = *tw_get(&r, 1);
    if (ks->disqualified & ~0x3Eu) goto fail;
    *out = ks;
    return TECDSA_OK;
fail:
    tecdsa_keyshare_free(ks);
    return rc;
}
