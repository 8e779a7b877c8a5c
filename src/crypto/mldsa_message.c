/* mldsa_message.c: M' formatting and mu = SHAKE256(tr || M', 64) (FIPS 204 Algs. 2, 4, 7). */
#include "crypto/mldsa_message.h"

#include <string.h>

#include "crypto/ct.h"
#include "crypto/fips202.h"

#define DOMAIN_PURE 0x00
#define DOMAIN_PREHASH 0x01

static int set_header(mldsa_mprime *m, uint8_t domain, const uint8_t *ctx, size_t ctxlen)
{
    if (ctxlen > CC_MLDSA_MAX_CTX || (ctxlen && !ctx)) return CC_MLDSA_EINVAL;
    m->header[0] = domain;
    m->header[1] = (uint8_t)ctxlen;
    if (ctxlen) memcpy(m->header + 2, ctx, ctxlen);
    m->headerlen = 2 + ctxlen;
    return CC_MLDSA_OK;
}

int mldsa_mprime_pure(mldsa_mprime *m, const uint8_t *msg, size_t msglen, const uint8_t *ctx, size_t ctxlen)
{
    if (msglen && !msg) return CC_MLDSA_EINVAL;
    m->body = msg;
    m->bodylen = msglen;
    return set_header(m, DOMAIN_PURE, ctx, ctxlen);
}

int mldsa_mprime_prehash(mldsa_mprime *m, const uint8_t *msg, size_t msglen, const uint8_t *ctx, size_t ctxlen,
                         cc_prehash_alg ph)
{
    if (msglen && !msg) return CC_MLDSA_EINVAL;
    int rc = set_header(m, DOMAIN_PREHASH, ctx, ctxlen);
    if (rc != CC_MLDSA_OK) return rc;
    m->bodylen = mldsa_prehash_encode(m->prehash, (int)ph, msg, msglen);
    m->body = m->prehash;
    return m->bodylen ? CC_MLDSA_OK : CC_MLDSA_EHASH;
}

int mldsa_mprime_raw(mldsa_mprime *m, const uint8_t *mprime, size_t mlen)
{
    if (mlen && !mprime) return CC_MLDSA_EINVAL;
    m->headerlen = 0;
    m->body = mprime;
    m->bodylen = mlen;
    return CC_MLDSA_OK;
}

void mldsa_compute_mu(uint8_t mu[CC_MLDSA65_MUBYTES], const uint8_t tr[MLDSA_TRBYTES], const mldsa_mprime *m)
{
    cc_keccak_ctx h;
    cc_shake256_init(&h);
    cc_keccak_absorb(&h, tr, MLDSA_TRBYTES);
    if (m->headerlen) cc_keccak_absorb(&h, m->header, m->headerlen);
    if (m->bodylen) cc_keccak_absorb(&h, m->body, m->bodylen);
    cc_keccak_squeeze(&h, mu, CC_MLDSA65_MUBYTES);
    cc_keccak_wipe(&h);
}

int cc_mldsa65_mu(uint8_t mu[CC_MLDSA65_MUBYTES], const uint8_t pk[CC_MLDSA65_PKBYTES], const uint8_t *msg,
                  size_t msglen, const uint8_t *ctx, size_t ctxlen)
{
    uint8_t tr[MLDSA_TRBYTES];
    mldsa_mprime m;
    if (!mu || !pk) return CC_MLDSA_EINVAL;
    int rc = mldsa_mprime_pure(&m, msg, msglen, ctx, ctxlen);
    if (rc != CC_MLDSA_OK) return rc;
    cc_shake256(tr, sizeof tr, pk, CC_MLDSA65_PKBYTES);
    mldsa_compute_mu(mu, tr, &m);
    return CC_MLDSA_OK;
}
