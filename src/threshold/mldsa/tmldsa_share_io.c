/* tmldsa_share_io.c: TEST-ONLY fixed-size serialization of a key share, with full consistency
 * checks on import. Compiled only into cctsa_tmldsa_testonly (tests, fuzzers, benchmarks); the
 * shipped library has neither function, so a share never leaves the process (tmldsa.h). */
#include <stdlib.h>
#include <string.h>

#include "crypto/ct.h"
#include "threshold/mldsa/tmldsa_internal.h"

static const uint8_t share_magic[8] = {'T', 'M', 'L', 'D', 'S', 'H', 'R', '1'};
#define OFF_PARTY 8
#define OFF_PK (OFF_PARTY + 1)
#define OFF_KEYID (OFF_PK + TMLDSA_PKBYTES)
#define OFF_SEEDS (OFF_KEYID + TMLDSA_KEYIDBYTES)
#define OFF_TSUB (OFF_SEEDS + TMLDSA_SUBSETS_PER_PARTY * MLDSA_CRHBYTES)
_Static_assert(OFF_TSUB + TMLDSA_SUBSETS * TMLDSA_VECK_PACKED == TMLDSA_SHARE_BYTES, "share encoding size");

int tmldsa_share_export(const tmldsa_share *sh, uint8_t out[TMLDSA_SHARE_BYTES])
{
    if (!sh || !out) return TMLDSA_E_ARG;
    memcpy(out, share_magic, sizeof share_magic);
    out[OFF_PARTY] = (uint8_t)sh->party;
    memcpy(out + OFF_PK, sh->pk, TMLDSA_PKBYTES);
    memcpy(out + OFF_KEYID, sh->key_id, TMLDSA_KEYIDBYTES);
    memcpy(out + OFF_SEEDS, sh->seeds, sizeof sh->seeds);
    for (unsigned idx = 0; idx < TMLDSA_SUBSETS; idx++)
        tmldsa_pack_veck(out + OFF_TSUB + (size_t)idx * TMLDSA_VECK_PACKED, &sh->t_sub[idx]);
    return TMLDSA_OK;
}

int tmldsa_share_import(tmldsa_share **out, const uint8_t *in, size_t len, tmldsa_error *err)
{
    if (!out || !in) return tmldsa_set_error(err, TMLDSA_E_ARG, 0, "share_import: NULL argument");
    *out = NULL;
    if (len != TMLDSA_SHARE_BYTES)
        return tmldsa_set_error(err, TMLDSA_E_FORMAT, 0, "share_import: %zu bytes, expected %u", len,
                                TMLDSA_SHARE_BYTES);
    if (memcmp(in, share_magic, sizeof share_magic) != 0)
        return tmldsa_set_error(err, TMLDSA_E_FORMAT, 0, "share_import: bad magic");
    unsigned party = in[OFF_PARTY];
    if (party < 1 || party > TMLDSA_PARTIES)
        return tmldsa_set_error(err, TMLDSA_E_FORMAT, 0, "share_import: party %u not in 1..5", party);
    tmldsa_share *sh = cc_alloc(NULL, sizeof *sh);
    mldsa_matrix *A = malloc(sizeof *A);
    int rc = TMLDSA_OK;
    if (!sh || !A) {
        rc = tmldsa_set_error(err, TMLDSA_E_NOMEM, 0, "share_import: out of memory");
        goto done;
    }
    sh->party = party;
    memcpy(sh->seeds, in + OFF_SEEDS, sizeof sh->seeds);
    for (unsigned idx = 0; idx < TMLDSA_SUBSETS; idx++)
        if (tmldsa_unpack_veck(&sh->t_sub[idx], in + OFF_TSUB + (size_t)idx * TMLDSA_VECK_PACKED)) {
            rc = tmldsa_set_error(err, TMLDSA_E_RANGE, 0, "share_import: t_I %u has a coefficient >= q", idx);
            goto done;
        }
    /* the public key must follow from the partial public keys ... */
    tmldsa_share_derive_pk(sh, in + OFF_PK);
    if (memcmp(sh->pk, in + OFF_PK, TMLDSA_PKBYTES) != 0) {
        rc = tmldsa_set_error(err, TMLDSA_E_INCONSISTENT, 0,
                              "share_import: public key does not match the partial public keys");
        goto done;
    }
    if (memcmp(sh->key_id, in + OFF_KEYID, TMLDSA_KEYIDBYTES) != 0) {
        rc = tmldsa_set_error(err, TMLDSA_E_INCONSISTENT, 0,
                              "share_import: key id does not match pk and the partial public keys");
        goto done;
    }
    /* ... and each own seed must give its partial public key */
    unsigned mine[TMLDSA_SUBSETS_PER_PARTY];
    tmldsa_party_subsets(party, mine);
    mldsa_expand_a(A, sh->pk);
    for (unsigned s = 0; s < TMLDSA_SUBSETS_PER_PARTY; s++) {
        mldsa_polyveck t;
        tmldsa_t_from_seed(&t, A, sh->seeds[s]);
        if (memcmp(&t, &sh->t_sub[mine[s]], sizeof t) != 0) {
            rc = tmldsa_set_error(err, TMLDSA_E_INCONSISTENT, 0,
                                  "share_import: seed of subset %u does not match its t_I", mine[s]);
            goto done;
        }
    }
done:
    free(A);
    if (rc)
        tmldsa_share_free(sh);
    else
        *out = sh;
    return rc;
}
