/* test_cluster_prod.c: five cluster engines in production mode (no dev CA; the CA roots pinned),
 * one DKG:
 *  - after the DKG every node holds CSRs and waits in epoch state DKG with no binding record;
 *  - certificates issued by the CA for those CSRs and posted to ONE node (cluster_install_certs)
 *    reach every node (each checks them itself), the binding record is made and threshold-signed,
 *    every epoch turns ACTIVE, and all five serve the same record, which binding_verify accepts.
 * Skipped under the sanitizer build, like test_cluster. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "attest/binding.h"
#include "check.h"
#include "cluster_harness.h"
#include "tsp/tsp_devca.h"

static harness *H;

/* Wait until every node has its CSRs and the DKG of the node is done; 0 if so. */
static int wait_csrs(int timeout_s)
{
    for (int t = 0; t < timeout_s * 10; t++) {
        int n = 0;
        for (int i = 0; i < H_NODES; i++) {
            uint8_t *ec, *ml;
            size_t el, mlen;
            cluster_status st;
            cluster_get_status(h_node(H, i), &st);
            if (st.node_state == LC_NODE_SERVING && cluster_csrs(h_node(H, i), &ec, &el, &ml, &mlen) == 0) {
                n++;
                free(ec), free(ml);
            }
        }
        if (n == H_NODES) return 0;
        usleep(100000);
    }
    return -1;
}

static void test_install_once(void)
{
    uint8_t *csr_ec, *csr_ml, *ec = NULL, *ml = NULL, *b;
    size_t cel, cml, ecl = 0, mll = 0, bl;
    char why[256] = "";
    CHECK_MSG(wait_csrs(600) == 0, "DKG did not produce the CSRs");
    for (int i = 0; i < H_NODES; i++) {
        cluster_status st;
        cluster_get_status(h_node(H, i), &st);
        CHECK(st.epoch_state == LC_EPOCH_DKG);
        CHECK(cluster_binding(h_node(H, i), &b, &bl) == -1);
    }
    CHECK(cluster_csrs(h_node(H, 0), &csr_ec, &cel, &csr_ml, &cml) == 0);
    CHECK(tsp_devca_sign_csr(h_ca_dir(H), csr_ec, cel, h_measurement(H), 0, &ec, &ecl, why, sizeof why) == 0);
    CHECK(tsp_devca_sign_csr(h_ca_dir(H), csr_ml, cml, h_measurement(H), 0, &ml, &mll, why, sizeof why) == 0);
    CHECK_MSG(cluster_install_certs(h_node(H, 2), ec, ecl, ml, mll, why, sizeof why) == 0, "install: %s", why);
    CHECK_MSG(h_wait_active(H, 300) == 0, "not every epoch turned ACTIVE after one install");
    uint8_t *b0 = NULL;
    size_t b0l = 0;
    CHECK(cluster_binding(h_node(H, 0), &b0, &b0l) == 0);
    for (int i = 0; i < H_NODES; i++) {
        uint8_t *e2, *m2;
        size_t e2l, m2l;
        CHECK(cluster_certs(h_node(H, i), &e2, &e2l, &m2, &m2l) == 0);
        CHECK(e2l == ecl && !memcmp(e2, ec, ecl) && m2l == mll && !memcmp(m2, ml, mll));
        free(e2), free(m2);
        CHECK_MSG(cluster_binding(h_node(H, i), &b, &bl) == 0, "node %d has no binding record", i);
        if (b0 && bl == b0l) CHECK(!memcmp(b, b0, bl));
        free(b);
    }
    if (b0) {
        const size_t *root_lens;
        const uint8_t *const *roots = h_roots(H, &root_lens);
        attest_policy pol;
        binding_verdict verdict;
        attest_policy_default(&pol, ATTEST_PROVIDER_SIM);
        CHECK_MSG(binding_verify(b0, b0l, &pol, roots, root_lens, 2, &verdict) == 0, "binding_verify failed: 0x%x",
                  verdict.failed);
    }
    free(b0), free(csr_ec), free(csr_ml), free(ec), free(ml);
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: test_cluster_prod BIN_DIR\n");
        return 2;
    }
    if (h_skip_sanitized("test_cluster_prod")) return 77;
    H = h_new_mode(argv[1], 1);
    CHECK(H != NULL);
    if (!H) return check_summary("test_cluster_prod");
    h_all_up(H);
    test_install_once();
    h_free(H);
    return check_summary("test_cluster_prod");
}
