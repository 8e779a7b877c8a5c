/* test_tecdsa_bitmat.c: the OT extension's bit-matrix kernels (tecdsa_bitmat.h) against their
 * straightforward bit-by-bit definitions on random matrices (OpenSSL RAND_bytes):
 *  - tbm_transpose: dst bit (c, r) = src bit (r, c) for several shapes, including the extension's
 *    256 x 896 and the hash's 128 x 256; transposing twice gives the input back;
 *  - tbm_uhash_cols: out[c] = XOR of chal[k] over the set bits k of column c (the check's
 *    definition, computed column by column with masks), on random and on sparse matrices (single
 *    set bits, empty and full rows), for 64 and 896 rows. */
#include <openssl/rand.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "threshold/ecdsa/tecdsa_bitmat.h"

static int bit(const uint64_t *m, size_t cols, size_t r, size_t c)
{
    return (int)((m[r * (cols / 64) + c / 64] >> (c % 64)) & 1);
}

static void rand_words(uint64_t *w, size_t n) { CHECK(RAND_bytes((unsigned char *)w, (int)(n * sizeof *w)) == 1); }

static void transpose_matches(size_t rows, size_t cols)
{
    uint64_t *a = malloc(rows * cols / 8), *t = malloc(rows * cols / 8), *b = malloc(rows * cols / 8);
    CHECK(a && t && b);
    rand_words(a, rows * cols / 64);
    tbm_transpose(t, a, rows, cols);
    size_t bad = 0;
    for (size_t r = 0; r < rows; r++)
        for (size_t c = 0; c < cols; c++) bad += bit(t, rows, c, r) != bit(a, cols, r, c);
    CHECK_MSG(bad == 0, "transpose %zu x %zu: %zu wrong bits", rows, cols, bad);
    tbm_transpose(b, t, cols, rows);
    CHECK(memcmp(a, b, rows * cols / 8) == 0);
    free(a);
    free(t);
    free(b);
}

/* The definition: for each column, XOR the challenges of its set bits (masks, bit by bit). */
static void uhash_reference(uint64_t out[TBM_HASH_COLS][2], const uint64_t *mat, const uint64_t (*chal)[2], size_t rows)
{
    for (size_t c = 0; c < TBM_HASH_COLS; c++) {
        out[c][0] = out[c][1] = 0;
        for (size_t k = 0; k < rows; k++) {
            uint64_t m = 0 - (uint64_t)bit(mat, TBM_HASH_COLS, k, c);
            out[c][0] ^= chal[k][0] & m;
            out[c][1] ^= chal[k][1] & m;
        }
    }
}

enum {
    DENSE,
    SPARSE
};

static void uhash_matches(size_t rows, int kind)
{
    uint64_t *mat = calloc(rows, TBM_HASH_COLS / 8), (*chal)[2] = malloc(rows * sizeof *chal);
    static uint64_t got[TBM_HASH_COLS][2], want[TBM_HASH_COLS][2];
    CHECK(mat && chal);
    rand_words(&chal[0][0], 2 * rows);
    if (kind == DENSE)
        rand_words(mat, rows * TBM_HASH_COLS / 64);
    else {
        for (size_t c = 0; c < TBM_HASH_COLS; c++) { /* column c: only bit (c * 7) % rows */
            size_t k = (c * 7) % rows;
            mat[k * (TBM_HASH_COLS / 64) + c / 64] |= 1ULL << (c % 64);
        }
        memset(mat + (rows - 1) * (TBM_HASH_COLS / 64), 0xff, TBM_HASH_COLS / 8); /* a full last row */
    }
    tbm_uhash_cols(got, mat, chal, rows);
    uhash_reference(want, mat, chal, rows);
    CHECK_MSG(memcmp(got, want, sizeof got) == 0, "uhash of %zu rows (%s)", rows, kind == DENSE ? "dense" : "sparse");
    free(mat);
    free(chal);
}

int main(void)
{
    transpose_matches(64, 64);
    transpose_matches(128, 256);
    transpose_matches(256, 896);
    transpose_matches(896, 256);
    transpose_matches(192, 64);
    for (int i = 0; i < 3; i++) {
        uhash_matches(896, DENSE);
        uhash_matches(64, DENSE);
    }
    uhash_matches(896, SPARSE);
    uhash_matches(128, SPARSE);
    return check_summary("test_tecdsa_bitmat");
}
