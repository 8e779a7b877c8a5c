/* test_tmldsa_wire.c: building blocks of threshold ML-DSA checked against references written
 * here: 23-bit packing against a bit-by-bit packer (and round trips, range detection), the
 * centred representative, the 4-way SHAKE256 against cc_shake256 (every lane, many input and
 * output lengths around the rate), the subset tables and the share assignment (every subset to exactly one
 * signer that holds it, loads 4/4/2 or 4/3/3), and the header parser (each binding field). */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "crypto/ct.h"
#include "crypto/fips202x4.h"
#include "testutil.h"
#include "threshold/mldsa/tmldsa_internal.h"

static void ref_pack23(uint8_t *out, const int32_t *v, size_t n)
{
    memset(out, 0, n * 23 / 8);
    for (size_t i = 0; i < n; i++)
        for (unsigned b = 0; b < 23; b++)
            if ((uint32_t)v[i] >> b & 1) out[(i * 23 + b) / 8] |= (uint8_t)(1u << ((i * 23 + b) % 8));
}

static void test_packing(void)
{
    enum {
        N = 1536
    };
    static int32_t v[N], back[N];
    static uint8_t a[N * 23 / 8], b[N * 23 / 8];
    for (int round = 0; round < 20; round++) {
        cc_randombytes((uint8_t *)v, sizeof v);
        for (unsigned i = 0; i < N; i++) v[i] &= 0x7FFFFF;
        if (round == 0)
            for (unsigned i = 0; i < N; i++) v[i] = i % 2 ? 0x7FFFFF : 0; /* extremes */
        tmldsa_pack23(a, v, N);
        ref_pack23(b, v, N);
        CHECK(memcmp(a, b, sizeof a) == 0);
        tmldsa_unpack23(back, a, N);
        CHECK(memcmp(v, back, sizeof v) == 0);
    }
    /* vectors of k polynomials: values < q round trip, a value >= q is detected */
    mldsa_polyveck w, w2;
    uint8_t packed[TMLDSA_VECK_PACKED];
    for (unsigned i = 0; i < MLDSA_K; i++)
        for (unsigned j = 0; j < MLDSA_N; j++) w.v[i].c[j] = (int32_t)((i * 7919u + j * 104729u) % MLDSA_Q);
    w.v[5].c[255] = MLDSA_Q - 1;
    tmldsa_pack_veck(packed, &w);
    CHECK(tmldsa_unpack_veck(&w2, packed) == 0);
    CHECK(memcmp(&w, &w2, sizeof w) == 0);
    w.v[3].c[17] = MLDSA_Q;
    tmldsa_pack_veck(packed, &w);
    CHECK(tmldsa_unpack_veck(&w2, packed) == -1);
}

static void test_center(void)
{
    CHECK(tmldsa_center(0) == 0);
    CHECK(tmldsa_center(1) == 1);
    CHECK(tmldsa_center((MLDSA_Q - 1) / 2) == (MLDSA_Q - 1) / 2);
    CHECK(tmldsa_center((MLDSA_Q + 1) / 2) == (MLDSA_Q + 1) / 2 - MLDSA_Q);
    CHECK(tmldsa_center(MLDSA_Q - 1) == -1);
}

static void test_subsets(void)
{
    unsigned seen = 0;
    for (unsigned i = 0; i < TMLDSA_SUBSETS; i++) {
        unsigned m = tmldsa_subset_mask(i);
        CHECK(__builtin_popcount(m) == 3 && m < 32);
        for (unsigned j = 0; j < i; j++) CHECK(tmldsa_subset_mask(j) != m);
        seen |= m;
    }
    CHECK(seen == 0x1F);
    CHECK(tmldsa_subset_mask(0) == 0x07);                  /* lexicographic: {1,2,3} first ... */
    CHECK(tmldsa_subset_mask(1) == 0x0B);                  /* ... then {1,2,4} ... */
    CHECK(tmldsa_subset_mask(TMLDSA_SUBSETS - 1) == 0x1C); /* ... and {3,4,5} last */
    for (unsigned p = 1; p <= TMLDSA_PARTIES; p++) {
        unsigned idx[TMLDSA_SUBSETS_PER_PARTY];
        tmldsa_party_subsets(p, idx);
        for (unsigned s = 0; s < TMLDSA_SUBSETS_PER_PARTY; s++) {
            CHECK(tmldsa_subset_mask(idx[s]) >> (p - 1) & 1);
            CHECK(tmldsa_party_slot(p, idx[s]) == (int)s);
            if (s) CHECK(idx[s] > idx[s - 1]);
        }
    }
    /* two parties share exactly three subsets */
    for (unsigned p = 1; p <= TMLDSA_PARTIES; p++)
        for (unsigned q = p + 1; q <= TMLDSA_PARTIES; q++) {
            unsigned n = 0;
            for (unsigned i = 0; i < TMLDSA_SUBSETS; i++)
                n += (tmldsa_subset_mask(i) >> (p - 1) & 1) && (tmldsa_subset_mask(i) >> (q - 1) & 1);
            CHECK(n == 3);
        }
    unsigned sets = 0;
    for (unsigned mask = 0; mask < 64; mask++) {
        unsigned owner[TMLDSA_SUBSETS], ids[3], load[TMLDSA_PARTIES + 1] = {0};
        int ok = tmldsa_assign(mask, owner);
        CHECK((ok == 0) == (mask < 32 && __builtin_popcount(mask) == 3));
        CHECK(tmldsa_signer_set(mask, ids) == (ok == 0));
        if (ok) continue;
        sets++;
        for (unsigned i = 0; i < TMLDSA_SUBSETS; i++) {
            CHECK(mask >> (owner[i] - 1) & 1);                  /* a signer ... */
            CHECK(tmldsa_subset_mask(i) >> (owner[i] - 1) & 1); /* ... that holds the subset */
            load[owner[i]]++;
        }
        unsigned l[3] = {load[ids[0]], load[ids[1]], load[ids[2]]};
        CHECK(l[0] + l[1] + l[2] == 10 && l[0] <= 4 && l[1] <= 4 && l[2] <= 4 && l[0] >= 2 && l[1] >= 2 && l[2] >= 2);
    }
    CHECK(sets == 10);
}

static void test_header(void)
{
    tmldsa_hdr h;
    tmldsa_msg m;
    tmldsa_error err;
    const uint8_t *pl;
    size_t got;
    memset(&h, 0, sizeof h);
    h.type = TMLDSA_MSG_SIGN1;
    h.sender = 2;
    h.signers = 0x07;
    h.K = 62;
    h.attempt = 7;
    memset(h.key_id, 0xAB, sizeof h.key_id);
    memset(h.sid, 0xCD, sizeof h.sid);
    uint8_t *p = tmldsa_msg_alloc(&m, &h, 5, &err);
    CHECK(p != NULL);
    if (!p) return;
    memcpy(p, "hello", 5);
    CHECK(m.len == TMLDSA_HDRBYTES + 5);
    CHECK(tmldsa_msg_parse(&m, &h, 5, &pl, &got, &err) == TMLDSA_OK && got == 5 && memcmp(pl, "hello", 5) == 0);
    CHECK(tmldsa_msg_parse(&m, &h, SIZE_MAX, &pl, &got, &err) == TMLDSA_OK && got == 5);
    CHECK(tmldsa_msg_parse(&m, &h, 6, &pl, &got, &err) == TMLDSA_E_FORMAT && err.culprit == 2 && err.suspects == 0x02);
    /* a message that is not there proves nothing against its sender (a refusing policy or a relay
     * that drops it look the same): an error, but nobody blamed; a present short one is blamed */
    tmldsa_msg none = {NULL, 0}, stub = {m.data, TMLDSA_HDRBYTES - 1};
    CHECK(tmldsa_msg_parse(&none, &h, 5, &pl, &got, &err) == TMLDSA_E_FORMAT && err.culprit == 0 && err.suspects == 0 &&
          strstr(err.reason, "missing"));
    CHECK(tmldsa_msg_parse(&stub, &h, 5, &pl, &got, &err) == TMLDSA_E_FORMAT && err.culprit == 2);
    /* every binding field is checked */
    tmldsa_hdr e;
    static const char *fields[] = {"round/type", "sender",  "receiver", "signer set",
                                   "K",          "attempt", "key id",   "session id"};
    for (unsigned f = 0; f < 8; f++) {
        e = h;
        switch (f) {
        case 0: e.type = TMLDSA_MSG_SIGN2; break;
        case 1: e.sender = 3; break;
        case 2: e.receiver = 1; break;
        case 3: e.signers = 0x0B; break;
        case 4: e.K = 61; break;
        case 5: e.attempt = 6; break;
        case 6: e.key_id[31] ^= 1; break;
        case 7: e.sid[0] ^= 1; break;
        }
        int rc = tmldsa_msg_parse(&m, &e, 5, &pl, &got, &err);
        CHECK_MSG(rc == TMLDSA_E_BINDING && strstr(err.reason, fields[f]) && err.culprit == e.sender, "field %s: %d %s",
                  fields[f], rc, err.reason);
    }
    m.data[4] = 2; /* version */
    CHECK(tmldsa_msg_parse(&m, &h, 5, &pl, &got, &err) == TMLDSA_E_FORMAT);
    m.data[4] = 1;
    m.len = 10;
    CHECK(tmldsa_msg_parse(&m, &h, 5, &pl, &got, &err) == TMLDSA_E_FORMAT);
    CHECK(tmldsa_msg_parse(NULL, &h, 5, &pl, &got, &err) == TMLDSA_E_FORMAT);
    m.len = TMLDSA_HDRBYTES + 5;
    tmldsa_msg_free(&m);
    CHECK(m.data == NULL && m.len == 0);
}

static void test_shake4(void)
{
    static uint8_t in[4][5000], out[4][19000], ref[19000];
    static const size_t inlens[] = {0, 1, 66, 135, 136, 137, 271, 272, 273, 3 + 4416, 5000};
    static const size_t outlens[] = {0, 1, 48, 135, 136, 137, 1000, 18317};
    for (unsigned j = 0; j < 4; j++) cc_randombytes(in[j], sizeof in[j]);
    unsigned cases = 0;
    for (unsigned a = 0; a < sizeof inlens / sizeof inlens[0]; a++)
        for (unsigned b = 0; b < sizeof outlens / sizeof outlens[0]; b++) {
            const uint8_t *ip[4] = {in[0], in[1], in[2], in[3]};
            uint8_t *op[4] = {out[0], out[1], out[2], out[3]};
            cc_shake256x4(op, outlens[b], ip, inlens[a]);
            for (unsigned j = 0; j < 4; j++) {
                cc_shake256(ref, outlens[b], in[j], inlens[a]);
                CHECK_MSG(memcmp(ref, out[j], outlens[b]) == 0, "shake4 lane %u in %zu out %zu", j, inlens[a],
                          outlens[b]);
                cases++;
            }
        }
    /* repeated pointers (unused lanes) are allowed */
    const uint8_t *ip[4] = {in[0], in[0], in[1], in[0]};
    uint8_t *op[4] = {out[0], out[1], out[2], out[1]};
    cc_shake256x4(op, 200, ip, 100);
    cc_shake256(ref, 200, in[1], 100);
    CHECK(memcmp(ref, out[2], 200) == 0);
    cc_shake256(ref, 200, in[0], 100);
    CHECK(memcmp(ref, out[0], 200) == 0 && memcmp(ref, out[1], 200) == 0);
    CHECK(cases == 4 * 11 * 8);
}

int main(void)
{
    test_shake4();
    test_packing();
    test_center();
    test_subsets();
    test_header();
    return check_summary("test_tmldsa_wire");
}
