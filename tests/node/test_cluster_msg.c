/* test_cluster_msg.c: the cluster message format (node/cluster_msg.h) and the signing request
 * (node/cluster_sign.h): round trips; every truncation, every extension by a byte and every bad
 * field value is refused with a reason; party rules per kind. Cheap: runs in every build. */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "node/cluster_msg.h"
#include "node/cluster_sign.h"

static void test_msg(void)
{
    uint8_t bc[300], p2p[70], *buf, *bad;
    size_t len;
    cl_msg m = {.kind = CL_KIND_ML_SIGN,
                .party = 3,
                .epoch = 7,
                .round = 4,
                .bc = bc,
                .bc_len = sizeof bc,
                .p2p = p2p,
                .p2p_len = sizeof p2p},
           out;
    const char *why;
    for (size_t i = 0; i < sizeof bc; i++) bc[i] = (uint8_t)i;
    memset(p2p, 0xa5, sizeof p2p);
    memset(m.sid, 0x11, sizeof m.sid);
    memset(m.sender, 0x22, sizeof m.sender);
    CHECK(cl_msg_encode(&m, &buf, &len) == 0);
    CHECK(len == CL_MSG_HDR_BYTES + sizeof bc + sizeof p2p);
    CHECK(cl_msg_parse(buf, len, &out, &why) == 0);
    CHECK(out.kind == m.kind && out.party == 3 && out.epoch == 7 && out.round == 4);
    CHECK(out.bc_len == sizeof bc && !memcmp(out.bc, bc, sizeof bc));
    CHECK(out.p2p_len == sizeof p2p && !memcmp(out.p2p, p2p, sizeof p2p));
    CHECK_MEM(out.sid, m.sid, sizeof m.sid);
    CHECK_MEM(out.sender, m.sender, sizeof m.sender);
    int refused = 0;
    for (size_t n = 0; n < len; n++) refused += cl_msg_parse(buf, n, &out, &why) != 0;
    CHECK(refused == (int)len); /* every truncation */
    CHECK((bad = malloc(len + 1)) != NULL);
    memcpy(bad, buf, len);
    bad[len] = 0;
    CHECK(cl_msg_parse(bad, len + 1, &out, &why) != 0); /* trailing byte */
    struct {
        size_t off;
        uint8_t val;
    } fields[] = {{0, 'X'},
                  {4, 2},
                  {5, 0},
                  {5, CL_KIND_MAX},
                  {6, 1},
                  {7, 6},
                  {8, 0xff} /* epoch huge is fine: below */,
                  {12 + CL_SID_BYTES, 0xff} /* round > max */,
                  {CL_MSG_HDR_BYTES - 8, 0xff} /* bc_len */};
    for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++) {
        memcpy(bad, buf, len);
        bad[fields[i].off] = fields[i].val;
        int rc = cl_msg_parse(bad, len, &out, &why);
        if (fields[i].off == 8)
            CHECK(rc == 0 && out.epoch == 0xff000007u);
        else
            CHECK_MSG(rc != 0, "field at %zu accepted", fields[i].off);
    }
    /* epoch 0 and party rules */
    cl_msg z = m;
    uint8_t *zb;
    size_t zl;
    z.epoch = 0;
    CHECK(cl_msg_encode(&z, &zb, &zl) != 0);
    z = m, z.kind = CL_KIND_COMMIT;
    CHECK(cl_msg_encode(&z, &zb, &zl) != 0); /* commitments carry no party */
    z.party = 0;
    CHECK(cl_msg_encode(&z, &zb, &zl) == 0);
    free(zb);
    z = m, z.party = 0;
    CHECK(cl_msg_encode(&z, &zb, &zl) != 0); /* protocol rounds need one */
    z.kind = CL_KIND_ABORT;
    CHECK(cl_msg_encode(&z, &zb, &zl) == 0);
    free(zb);
    free(bad);
    free(buf);
    CHECK(strcmp(cl_kind_name(CL_KIND_EC_DKG), "ec_dkg") == 0 && strcmp(cl_kind_name(99), "unknown") == 0);
}

static void test_req(void)
{
    uint8_t imprint[51] = {0x30}, nonce[10] = {0x02, 8, 1}, ecsig[70] = {0x30}, tbs[200], *buf, *bad;
    size_t len;
    const char *why;
    memset(tbs, 7, sizeof tbs);
    cl_sign_req r = {.purpose = CL_PURPOSE_TOKEN,
                     .scheme = CL_SCHEME_ML,
                     .set = 0x0b,
                     .coord = 2,
                     .profile = TSP_PROFILE_COMPAT,
                     .gen_sec = 1790000000,
                     .gen_ms = 999,
                     .imprint = imprint,
                     .imprint_len = sizeof imprint,
                     .nonce = nonce,
                     .nonce_len = sizeof nonce,
                     .ecsig = ecsig,
                     .ecsig_len = sizeof ecsig,
                     .tbs = tbs,
                     .tbs_len = sizeof tbs},
                out;
    memset(r.serial, 0x5a, sizeof r.serial);
    memset(r.presig, 0x3c, sizeof r.presig);
    CHECK(cl_req_encode(&r, &buf, &len) == 0);
    CHECK(cl_req_parse(buf, len, &out, &why) == 0);
    CHECK(out.purpose == r.purpose && out.scheme == r.scheme && out.set == r.set && out.coord == r.coord);
    CHECK(out.profile == r.profile && out.gen_sec == r.gen_sec && out.gen_ms == r.gen_ms);
    CHECK(out.imprint_len == sizeof imprint && !memcmp(out.imprint, imprint, sizeof imprint));
    CHECK(out.nonce_len == sizeof nonce && out.ecsig_len == sizeof ecsig && out.tbs_len == sizeof tbs);
    CHECK_MEM(out.serial, r.serial, sizeof r.serial);
    CHECK_MEM(out.presig, r.presig, sizeof r.presig);
    int refused = 0;
    for (size_t n = 0; n < len; n++) refused += cl_req_parse(buf, n, &out, &why) != 0;
    CHECK(refused == (int)len);
    CHECK((bad = malloc(len + 1)) != NULL);
    memcpy(bad, buf, len);
    bad[len] = 0;
    CHECK(cl_req_parse(bad, len + 1, &out, &why) != 0);
    struct {
        size_t off;
        uint8_t val;
    } fields[] = {{0, 0},           {0, CL_PURPOSE_MAX},    {1, 3},
                  {2, 0x07 | 0x08}, {2, 0x20 | 0x03},       {3, 3} /* coordinator not in the set */,
                  {3, 6},           {4, TSP_PROFILE_COUNT}, {5, 0xff} /* year > 9999 */,
                  {13, 0x04} /* ms > 999 */};
    for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++) {
        memcpy(bad, buf, len);
        bad[fields[i].off] = fields[i].val;
        CHECK_MSG(cl_req_parse(bad, len, &out, &why) != 0, "field at %zu accepted", fields[i].off);
    }
    cl_sign_req big = r;
    big.imprint_len = CL_IMPRINT_MAX + 1;
    uint8_t *bb;
    size_t bl;
    CHECK(cl_req_encode(&big, &bb, &bl) != 0);
    big = r, big.tbs_len = 0;
    CHECK(cl_req_encode(&big, &bb, &bl) == 0);
    CHECK(cl_req_parse(bb, bl, &out, &why) != 0); /* nothing to sign */
    free(bb);
    big.purpose = CL_PURPOSE_PRESIGN;
    CHECK(cl_req_encode(&big, &bb, &bl) == 0);
    CHECK(cl_req_parse(bb, bl, &out, &why) != 0); /* presigning is ECDSA only */
    free(bb);
    big.scheme = CL_SCHEME_EC;
    CHECK(cl_req_encode(&big, &bb, &bl) == 0);
    CHECK(cl_req_parse(bb, bl, &out, &why) == 0);
    free(bb);
    free(bad);
    free(buf);
}

int main(void)
{
    test_msg();
    test_req();
    return check_summary("test_cluster_msg");
}
