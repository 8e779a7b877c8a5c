/* tmldsa_respond.c: signing round 3 of threshold ML-DSA for one signer: check the three
 * round-2 messages (echo, commitment, coefficient range) and sum the w, derive the K FIPS 204
 * challenges, run the local L2 rejection per slot (the accept bit is public) and send the
 * accepted responses z = round(y1) + c s1. c * s uses the sparse challenge directly (tau = 49
 * signed shifts of the small partial secret). The masks are wiped when the round ends. */
#include <stdlib.h>
#include <string.h>

#include "crypto/ct.h"
#include "crypto/fips202x4.h"
#include "threshold/mldsa/tmldsa_ctfloat.h"
#include "threshold/mldsa/tmldsa_internal.h"

/* The per-coefficient loops of respond_slot are written for the auto-vectoriser; the project's -O2
 * cost model leaves them scalar. O3 only reschedules the same IEEE operations (no contraction:
 * results stay bit-identical), as in tmldsa_ctfloat.c. */
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC optimize("O3", "fp-contract=off")
#endif

/* Compare signer j's echo of the round-1 commitments with ours. A difference in sender s's entry
 * proves j lied if s is j itself or us (we know what we received from j and what we sent); for a
 * third sender s either j lies or s equivocated (sent different commitments to j and to us), so
 * only the pair {j, s} is named. */
static int check_echo(tmldsa_sign *st, unsigned j, const uint8_t *echo, tmldsa_error *err)
{
    const unsigned who = st->ids[j];
    for (unsigned s = 0; s < TMLDSA_THRESHOLD; s++) {
        if (memcmp(echo + s * TMLDSA_HASHBYTES, st->cmt[s], TMLDSA_HASHBYTES) == 0) continue;
        if (j == st->me)
            return tmldsa_sign_fail(
                st, err, TMLDSA_E_INCONSISTENT, 0,
                "sign_round3: our own round-2 message came back altered (transport fault, nobody blamed)");
        unsigned other = st->ids[s];
        int proven = s == j || s == st->me;
        tmldsa_sign_fail(st, err, TMLDSA_E_INCONSISTENT, 0,
                         proven ? "sign_round3: party %u misreports the round-1 commitment of party %u (echo mismatch)"
                                : "sign_round3: party %u and we saw different round-1 commitments of party %u: one of "
                                  "the two equivocated",
                         who, other);
        tmldsa_blame(err, proven ? TMLDSA_BIT(who) : TMLDSA_BIT(who) | TMLDSA_BIT(other));
        return TMLDSA_E_INCONSISTENT;
    }
    return TMLDSA_OK;
}

/* sum = w_0 + w_1 + w_2 mod q in [0, q) from the three packed w of one slot, in one pass per
 * polynomial (unpack, range check, add, two conditional subtractions of q). Returns the index of
 * the first signer with a coefficient >= q, or -1. */
static int sum_w(mldsa_polyveck *sum, const uint8_t *const wk[TMLDSA_THRESHOLD])
{
    uint32_t bad[TMLDSA_THRESHOLD] = {0};
    int32_t v[TMLDSA_THRESHOLD][MLDSA_N];
    for (unsigned i = 0; i < MLDSA_K; i++) {
        for (unsigned j = 0; j < TMLDSA_THRESHOLD; j++) {
            tmldsa_unpack23(v[j], wk[j] + i * (MLDSA_N * 23 / 8), MLDSA_N);
            for (unsigned m = 0; m < MLDSA_N; m++) bad[j] |= (uint32_t)(MLDSA_Q - 1 - v[j][m]) >> 31;
        }
        int32_t *restrict out = sum->v[i].c;
        for (unsigned m = 0; m < MLDSA_N; m++) {
            int32_t t = v[0][m] + v[1][m] + v[2][m]; /* < 3q < 2^25 */
            t -= MLDSA_Q & -(int32_t)(t >= MLDSA_Q);
            t -= MLDSA_Q & -(int32_t)(t >= MLDSA_Q);
            out[m] = t;
        }
    }
    for (unsigned j = 0; j < TMLDSA_THRESHOLD; j++)
        if (bad[j]) return (int)j;
    return -1;
}

/* Check the three round-2 messages and build w_sum; names the sender of the first bad one (or a
 * suspect pair, see check_echo). */
static int collect_w(tmldsa_sign *st, const tmldsa_msg in[TMLDSA_THRESHOLD], tmldsa_error *err)
{
    const size_t wlen = (size_t)st->K * TMLDSA_VECK_PACKED;
    int rc;
    for (unsigned j = 0; j < TMLDSA_THRESHOLD; j++) {
        tmldsa_hdr h;
        const uint8_t *pl;
        unsigned who = st->ids[j];
        tmldsa_sign_hdr(st, &h, TMLDSA_MSG_SIGN2, who);
        if ((rc = tmldsa_msg_parse(&in[j], &h, tmldsa_sign_r2_payload(st), &pl, NULL, err)))
            return tmldsa_sign_fail(st, err, rc, who, NULL);
        if ((rc = check_echo(st, j, pl, err))) return rc;
        const uint8_t *wp = pl + TMLDSA_SIGN_ECHOBYTES;
        uint64_t t0 = tmldsa_now_ns();
        if (j == st->me) {
            if (memcmp(wp, st->w_own, wlen) != 0)
                return tmldsa_sign_fail(
                    st, err, TMLDSA_E_INCONSISTENT, 0,
                    "sign_round3: our own round-2 message came back altered (transport fault, nobody blamed)");
        } else {
            uint8_t c[TMLDSA_HASHBYTES];
            if (tmldsa_sign_w_commitment(st, c, who, wp))
                return tmldsa_sign_fail(st, err, TMLDSA_E_NOMEM, 0, "sign_round3: out of memory");
            if (cc_memcmp_ct(c, st->cmt[j], sizeof c))
                return tmldsa_sign_fail(st, err, TMLDSA_E_COMMIT, who,
                                        "sign_round3: w from party %u does not match its round-1 commitment", who);
        }
        st->prof.hash_ns += tmldsa_now_ns() - t0;
        memcpy(st->w_all + j * wlen, wp, wlen);
    }
    uint64_t t0 = tmldsa_now_ns();
    for (unsigned k = 0; k < st->K; k++) {
        const uint8_t *wk[TMLDSA_THRESHOLD];
        for (unsigned j = 0; j < TMLDSA_THRESHOLD; j++) wk[j] = st->w_all + j * wlen + (size_t)k * TMLDSA_VECK_PACKED;
        int bad = sum_w(&st->w_sum[k], wk);
        if (bad >= 0)
            return tmldsa_sign_fail(st, err, TMLDSA_E_RANGE, st->ids[bad],
                                    "sign_round3: w from party %u has a coefficient >= q (slot %u)", st->ids[bad], k);
    }
    st->prof.pack_ns += tmldsa_now_ns() - t0;
    return TMLDSA_OK;
}

/* mu || w1Encode(HighBits(w)), the input of FIPS 204's c~ = H(., 48). */
#define CHALLENGE_IN (MLDSA_CRHBYTES + MLDSA_K * MLDSA_POLYW1_PACKEDBYTES)

static void challenge_input(const tmldsa_sign *st, uint8_t in[CHALLENGE_IN], const mldsa_polyveck *w)
{
    mldsa_polyveck w1, w0;
    uint8_t *packed = in + MLDSA_CRHBYTES;
    memcpy(in, st->mu, MLDSA_CRHBYTES);
    mldsa_polyveck_decompose(&w1, &w0, w);
    /* w1Encode for gamma2 = (q-1)/32: 4-bit coefficients, two per byte, low nibble first (the
     * same bytes as mldsa_polyveck_pack_w1, without its generic bit-stream loop) */
    for (unsigned i = 0; i < MLDSA_K; i++)
        for (unsigned j = 0; j < MLDSA_POLYW1_PACKEDBYTES; j++)
            packed[i * MLDSA_POLYW1_PACKEDBYTES + j] =
                (uint8_t)(((uint32_t)w1.v[i].c[2 * j] & 15u) | ((uint32_t)w1.v[i].c[2 * j + 1] & 15u) << 4);
}

/* The K challenges c~_k, four slots per 4-way SHAKE256 call (lanes past K repeat slot k0 into a
 * dummy output). */
static void challenges(tmldsa_sign *st)
{
    uint8_t in[4][CHALLENGE_IN], dummy[MLDSA_CTILDEBYTES];
    for (unsigned k0 = 0; k0 < st->K; k0 += 4) {
        const uint8_t *inp[4];
        uint8_t *outp[4];
        for (unsigned j = 0; j < 4; j++) {
            if (k0 + j < st->K) challenge_input(st, in[j], &st->w_sum[k0 + j]);
            inp[j] = k0 + j < st->K ? in[j] : in[0];
            outp[j] = k0 + j < st->K ? st->ctilde[k0 + j] : dummy;
        }
        cc_shake256x4(outp, MLDSA_CTILDEBYTES, inp, CHALLENGE_IN);
    }
}

/* The challenge as a list of its tau nonzero positions and signs (c is public). */
typedef struct {
    unsigned pos[MLDSA_TAU];
    int32_t sign[MLDSA_TAU];
} sparse_c;

static void sparse_challenge(sparse_c *sc, const uint8_t ctilde[MLDSA_CTILDEBYTES])
{
    mldsa_poly c;
    unsigned n = 0;
    mldsa_sample_in_ball(&c, ctilde);
    for (unsigned j = 0; j < MLDSA_N && n < MLDSA_TAU; j++)
        if (c.c[j] != 0) {
            sc->pos[n] = j;
            sc->sign[n++] = c.c[j];
        }
}

/* p = c * s in Z[X]/(X^n + 1), exact small integers (|p| <= tau * 16 < 2^15), from the extension
 * ext = (-s || s): coefficient m of X^k * s is ext[n - k + m]. Memory access depends only on the
 * public positions and signs of c; the secret coefficients are only added (fixed-length loops
 * that the compiler vectorizes). */
static inline TMLDSA_ALWAYS_INLINE void sparse_mul(int16_t *restrict p, const sparse_c *sc, const int16_t *restrict ext)
{
    memset(p, 0, MLDSA_N * sizeof p[0]);
    for (unsigned t = 0; t < MLDSA_TAU; t++) {
        const int16_t *restrict win = ext + MLDSA_N - sc->pos[t];
        if (sc->sign[t] > 0)
            for (unsigned m = 0; m < MLDSA_N; m++) p[m] = (int16_t)(p[m] + win[m]);
        else
            for (unsigned m = 0; m < MLDSA_N; m++) p[m] = (int16_t)(p[m] - win[m]);
    }
}

/* Local rejection for one slot; returns the public accept bit and writes the packed response.
 * Also compiled for AVX2 and x86-64-v4 (TMLDSA_MULTIVERSION): c * s runs on 16 or 32 int16 lanes.
 * The norm is summed in the same order in every clone, so the accept bit is bit-identical. */
TMLDSA_MULTIVERSION static int respond_slot(tmldsa_sign *st, unsigned k, uint8_t zpacked[TMLDSA_VECL_PACKED])
{
    const double *y = st->y + (size_t)k * TMLDSA_HB_DIM;
    const double inv_nu = 1.0 / TMLDSA_NU;
    sparse_c sc;
    int16_t cs[MLDSA_L + MLDSA_K][MLDSA_N];
    int32_t zc[MLDSA_L * MLDSA_N];
    double sq[MLDSA_N], norm = 0.0;
    /* c * (s1 || s2) first, then the norm (two clock reads per slot for the breakdown) */
    uint64_t t0 = tmldsa_now_ns();
    sparse_challenge(&sc, st->ctilde[k]);
    for (unsigned i = 0; i < MLDSA_L + MLDSA_K; i++) sparse_mul(cs[i], &sc, st->s_ext[i]);
    uint64_t t1 = tmldsa_now_ns();
    for (unsigned i = 0; i < MLDSA_L + MLDSA_K; i++) {
        const double *restrict yi = y + (size_t)i * MLDSA_N;
        const int16_t *restrict ci = cs[i];
        /* the squares in vector lanes, then summed one by one in coefficient order */
        if (i < MLDSA_L) {
            int32_t *restrict zi = zc + i * MLDSA_N;
            for (unsigned j = 0; j < MLDSA_N; j++) {
                double u = (yi[j] + (double)ci[j]) * inv_nu;
                sq[j] = u * u;
                zi[j] = (int32_t)tmldsa_ct_round(yi[j]) + ci[j] + TMLDSA_Z_OFFSET;
            }
        } else {
            for (unsigned j = 0; j < MLDSA_N; j++) {
                double u = yi[j] + (double)ci[j];
                sq[j] = u * u;
            }
        }
        for (unsigned j = 0; j < MLDSA_N; j++) norm += sq[j];
    }
    uint64_t t2 = tmldsa_now_ns();
    int accept = norm <= TMLDSA_R * TMLDSA_R;
    CT_PUBLIC(&accept, sizeof accept); /* the decision is published in the round-3 bitmap */
    if (accept) {
        tmldsa_pack23(zpacked, zc, MLDSA_L * MLDSA_N);
        CT_PUBLIC(zpacked, TMLDSA_VECL_PACKED); /* published in round 3 */
    }
    st->prof.pack_ns += tmldsa_now_ns() - t2;
    st->prof.ntt_ns += t1 - t0;
    st->prof.reject_ns += t2 - t1;
    cc_memzero(zc, sizeof zc);
    cc_memzero(cs, sizeof cs);
    cc_memzero(sq, sizeof sq);
    cc_memzero(&norm, sizeof norm);
    return accept;
}

int tmldsa_sign_round3(tmldsa_sign *st, const tmldsa_msg in[TMLDSA_THRESHOLD], tmldsa_msg *out, tmldsa_error *err)
{
    int rc = tmldsa_sign_enter(st, TMLDSA_PH_R2, in, out, err);
    if (rc) return rc;
    *out = (tmldsa_msg){NULL, 0};
    if ((rc = collect_w(st, in, err))) return rc;
    const size_t bitmap_len = (st->K + 7) / 8;
    uint8_t *zbuf = st->zbuf; /* the state's, allocated once: no allocation per attempt */
    uint8_t bitmap[(TMLDSA_K_MAX + 7) / 8] = {0};
    unsigned naccept = 0;
    uint64_t t0 = tmldsa_now_ns();
    challenges(st);
    st->prof.hash_ns += tmldsa_now_ns() - t0;
    for (unsigned k = 0; k < st->K; k++) {
        if (respond_slot(st, k, zbuf + (size_t)naccept * TMLDSA_VECL_PACKED)) {
            bitmap[k / 8] |= (uint8_t)(1u << (k % 8));
            naccept++;
        }
    }
    /* the masks are never used again, whatever happens next */
    tmldsa_sign_wipe_round_secrets(st);
    tmldsa_hdr h;
    tmldsa_sign_hdr(st, &h, TMLDSA_MSG_SIGN3, st->share->party);
    uint8_t *p = tmldsa_msg_alloc(out, &h, bitmap_len + (size_t)naccept * TMLDSA_VECL_PACKED, err);
    if (!p) return tmldsa_sign_fail(st, err, TMLDSA_E_NOMEM, 0, NULL);
    memcpy(p, bitmap, bitmap_len);
    memcpy(p + bitmap_len, zbuf, (size_t)naccept * TMLDSA_VECL_PACKED);
    cc_shake256(st->r3_own, sizeof st->r3_own, out->data, out->len);
    st->phase = TMLDSA_PH_R3;
    return TMLDSA_OK;
}
