/* tmldsa_subsets.c: the replicated-sharing bookkeeping of threshold ML-DSA (3, 5): the ten
 * 3-element subsets of {1..5} in lexicographic order, which six a party holds, and the canonical
 * assignment of every subset to exactly one member of a signer set. All inputs are public. */
#include "threshold/mldsa/tmldsa_internal.h"

unsigned tmldsa_subset_mask(unsigned idx)
{
    unsigned n = 0;
    for (unsigned a = 1; a <= TMLDSA_PARTIES; a++)
        for (unsigned b = a + 1; b <= TMLDSA_PARTIES; b++)
            for (unsigned c = b + 1; c <= TMLDSA_PARTIES; c++, n++)
                if (n == idx) return 1u << (a - 1) | 1u << (b - 1) | 1u << (c - 1);
    return 0;
}

void tmldsa_party_subsets(unsigned party, unsigned idx[TMLDSA_SUBSETS_PER_PARTY])
{
    unsigned n = 0;
    for (unsigned i = 0; i < TMLDSA_SUBSETS && n < TMLDSA_SUBSETS_PER_PARTY; i++)
        if (party >= 1 && party <= TMLDSA_PARTIES && (tmldsa_subset_mask(i) >> (party - 1) & 1)) idx[n++] = i;
    while (n < TMLDSA_SUBSETS_PER_PARTY) idx[n++] = TMLDSA_SUBSETS; /* invalid party: no subsets */
}

int tmldsa_party_slot(unsigned party, unsigned idx)
{
    unsigned mine[TMLDSA_SUBSETS_PER_PARTY];
    tmldsa_party_subsets(party, mine);
    for (int s = 0; s < TMLDSA_SUBSETS_PER_PARTY; s++)
        if (mine[s] == idx) return s;
    return -1;
}

int tmldsa_signer_set(unsigned signer_mask, unsigned ids[TMLDSA_THRESHOLD])
{
    unsigned n = 0;
    if (signer_mask == 0 || signer_mask >> TMLDSA_PARTIES) return 0;
    for (unsigned p = 1; p <= TMLDSA_PARTIES; p++) {
        if (signer_mask >> (p - 1) & 1) {
            if (n == TMLDSA_THRESHOLD) return 0;
            ids[n++] = p;
        }
    }
    return n == TMLDSA_THRESHOLD;
}

int tmldsa_assign(unsigned signer_mask, unsigned owner[TMLDSA_SUBSETS])
{
    unsigned ids[TMLDSA_THRESHOLD], load[TMLDSA_PARTIES + 1] = {0};
    if (!tmldsa_signer_set(signer_mask, ids)) return -1;
    for (unsigned i = 0; i < TMLDSA_SUBSETS; i++) {
        unsigned mask = tmldsa_subset_mask(i), best = 0;
        for (unsigned j = 0; j < TMLDSA_THRESHOLD; j++) {
            unsigned p = ids[j];
            if (!(mask >> (p - 1) & 1)) continue;
            if (best == 0 || load[p] < load[best]) best = p;
        }
        if (best == 0) return -1; /* impossible: a 3-set always meets a 3-subset of {1..5} */
        owner[i] = best;
        load[best]++;
    }
    return 0;
}
