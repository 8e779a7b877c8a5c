/* test_tmldsa_stats.c: statistics of threshold ML-DSA (3, 5), K = 62, over many signatures from
 * all ten signer sets, against the design values of the notes (section 3.3): per-party acceptance
 * 0.30 independent of how many shares the party carries (4, 3 or 2), all-three acceptance
 * 2^-5.3 = 0.025, per-attempt success 0.49, mean hint weight 57. A drift signals a bug in the
 * sampler, the norms or the share assignment. Every signature is verified. 200 signatures in the
 * normal build, 24 under the sanitizers (wider bounds). */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "crypto/ct.h"
#include "crypto/mldsa.h"
#include "testutil.h"
#include "threshold/testkit/tmldsa_driver.h"

int main(void)
{
    const int small = tu_sanitized();
    const unsigned nsig = small ? 24 : 200;
    static const unsigned masks[10] = {0x07, 0x0b, 0x0d, 0x0e, 0x13, 0x15, 0x16, 0x19, 0x1a, 0x1c};
    uint8_t sid[TMLDSA_SIDBYTES];
    tmldsa_share *sh[TMLDSA_PARTIES];
    tmldsa_error err = {0};
    cc_randombytes(sid, sizeof sid);
    if (tmldsa_driver_dkg(sid, sh, NULL, NULL, NULL, &err) != TMLDSA_OK) {
        CHECK_MSG(0, "dkg: %s", err.reason);
        return check_summary("test_tmldsa_stats");
    }
    uint64_t attempts = 0, slots = 0, all_acc = 0, fz = 0, ff = 0, fh = 0, hw = 0, hn = 0, verified = 0;
    uint64_t acc_by_load[5] = {0}, slots_by_load[5] = {0};
    unsigned max_attempts = 0;
    uint64_t bytes = 0;
    for (unsigned i = 0; i < nsig; i++) {
        unsigned mask = masks[i % 10], owner[TMLDSA_SUBSETS], load[TMLDSA_PARTIES + 1] = {0};
        uint8_t msg[16], sig[TMLDSA_SIGBYTES];
        tmldsa_run_stats st;
        cc_randombytes(msg, sizeof msg);
        cc_randombytes(sid, sizeof sid);
        int rc = tmldsa_driver_sign(sh, mask, TMLDSA_K_DEFAULT, sid, msg, sizeof msg, NULL, 0, tmldsa_driver_accept_all,
                                    NULL, sig, NULL, NULL, &st, &err);
        CHECK_MSG(rc == TMLDSA_OK, "signature %u: %s", i, err.reason);
        if (rc) continue;
        verified += cc_mldsa65_verify(sig, sizeof sig, msg, sizeof msg, NULL, 0, tmldsa_share_pk(sh[0])) == 0;
        tmldsa_assign(mask, owner);
        for (unsigned k = 0; k < TMLDSA_SUBSETS; k++) load[owner[k]]++;
        for (unsigned p = 1; p <= TMLDSA_PARTIES; p++) {
            if (!(mask >> (p - 1) & 1)) continue;
            acc_by_load[load[p]] += st.accepted[p - 1];
            slots_by_load[load[p]] += st.slots_per_party[p - 1];
            bytes += st.bytes_sent[p - 1];
        }
        attempts += st.attempts;
        if (st.attempts > max_attempts) max_attempts = st.attempts;
        slots += st.slots;
        all_acc += st.all_accepted;
        fz += st.fail_z;
        ff += st.fail_f;
        fh += st.fail_hint;
        hw += st.hint_weight_sum;
        hn += st.hint_slots;
    }
    CHECK(verified == nsig);
    double acc_all = 0;
    uint64_t acc_n = 0, acc_d = 0;
    for (unsigned l = 0; l < 5; l++) {
        acc_n += acc_by_load[l];
        acc_d += slots_by_load[l];
    }
    acc_all = (double)acc_n / (double)acc_d;
    double p_all = (double)all_acc / (double)slots;
    double p_attempt = (double)nsig / (double)attempts;
    double mean_hint = hn ? (double)hw / (double)hn : 0;
    printf("%u signatures, %llu attempts (max %u), %llu slots\n", nsig, (unsigned long long)attempts, max_attempts,
           (unsigned long long)slots);
    printf("per-party acceptance %.4f (design 0.30); by shares carried:", acc_all);
    for (unsigned l = 2; l <= 4; l++)
        if (slots_by_load[l]) printf(" %u shares %.4f", l, (double)acc_by_load[l] / (double)slots_by_load[l]);
    printf("\nall three accept %.4f (design 0.025), of those: ||z|| fail %llu, ||f|| fail %llu, hint > omega %llu\n",
           p_all, (unsigned long long)fz, (unsigned long long)ff, (unsigned long long)fh);
    printf("per-attempt success %.3f (design 0.49), mean hint weight %.1f (design 57), bytes sent per party per "
           "signature %.0f\n",
           p_attempt, mean_hint, (double)bytes / (3.0 * nsig));

    /* bounds: about 5 standard errors for the sample sizes used (wider under the sanitizers) */
    const double w = small ? 2.0 : 1.0;
    CHECK_MSG(acc_all > 0.30 - 0.02 * w && acc_all < 0.30 + 0.02 * w, "per-party acceptance %f", acc_all);
    for (unsigned l = 2; l <= 4; l++) {
        if (!slots_by_load[l]) continue;
        double a = (double)acc_by_load[l] / (double)slots_by_load[l];
        CHECK_MSG(a > 0.30 - 0.03 * w && a < 0.30 + 0.03 * w, "acceptance with %u shares: %f", l, a);
    }
    CHECK(slots_by_load[2] + slots_by_load[3] + slots_by_load[4] == acc_d); /* loads are 2..4 only */
    CHECK_MSG(p_all > 0.025 - 0.008 * w && p_all < 0.025 + 0.008 * w, "all-three acceptance %f", p_all);
    CHECK_MSG(p_attempt > 0.49 - 0.14 * w && p_attempt < 0.49 + 0.14 * w, "per-attempt success %f", p_attempt);
    CHECK_MSG(mean_hint > 50 && mean_hint < 64, "mean hint weight %f", mean_hint);
    CHECK_MSG(ff * 10 <= all_acc, "||f|| failures %llu of %llu", (unsigned long long)ff, (unsigned long long)all_acc);
    for (unsigned p = 0; p < TMLDSA_PARTIES; p++) tmldsa_share_free(sh[p]);
    return check_summary("test_tmldsa_stats");
}
