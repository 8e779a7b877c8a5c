/* test_cluster_audit.c: the participant's policy for the audit chain head (cluster_audit.h): a
 * message audit_head_message builds is rebuilt byte for byte; anything else (another label, a
 * token's bytes, a bad node name, record 0, a byte short or long) is refused with a reason, so the
 * group keys sign only domain-separated chain heads under this purpose. Cheap: every build. */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "node/audit.h"
#include "node/cluster_audit.h"

static int expect(const uint8_t *m, size_t len, uint8_t **out, size_t *out_len)
{
    char why[160] = "";
    int rc = cl_audit_head_expected(m, len, out, out_len, why, sizeof why);
    CHECK(rc == 0 || why[0]); /* a refusal says why */
    return rc;
}

int main(void)
{
    uint8_t hash[AUDIT_HASH_BYTES], m[AUDIT_HEAD_MSG_MAX + 8], *out = NULL;
    size_t ol = 0;
    for (size_t i = 0; i < sizeof hash; i++) hash[i] = (uint8_t)(0x40 + i);
    size_t len = audit_head_message("node3", 77, hash, m);
    CHECK(expect(m, len, &out, &ol) == 0);
    CHECK(ol == len && out && !memcmp(out, m, len));
    free(out);
    for (size_t n = 0; n < len; n++) CHECK(expect(m, n, &out, &ol) != 0); /* every truncation */
    m[len] = 0;
    CHECK(expect(m, len + 1, &out, &ol) != 0); /* a byte more */
    uint8_t other[AUDIT_HEAD_MSG_MAX];
    memcpy(other, m, len);
    other[0] ^= 1; /* another label */
    CHECK(expect(other, len, &out, &ol) != 0);
    len = audit_head_message("bad name", 77, hash, m);
    CHECK(expect(m, len, &out, &ol) != 0);
    len = audit_head_message("node3", 0, hash, m);
    CHECK(expect(m, len, &out, &ol) != 0);
    static const char selftest[] = "cctsa-cluster-selftest-v1";
    CHECK(expect((const uint8_t *)selftest, sizeof selftest, &out, &ol) != 0);
    uint8_t attrs[120] = {0x31, 0x76}; /* the start of a DER SET: signedAttrs of a token */
    CHECK(expect(attrs, sizeof attrs, &out, &ol) != 0);
    return check_summary("test_cluster_audit");
}
