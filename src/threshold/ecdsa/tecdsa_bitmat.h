/* tecdsa_bitmat.h: GF(2) bit-matrix kernels of the OT extension (tecdsa_ote.c): the transpose
 * (64x64 blocks, shift-and-mask) and the 128-bit universal hash of every column of Bob's / Alice's
 * matrix computed row-wise. A matrix of r rows and c columns (both multiples of 64) is stored
 * row-major as r * (c / 64) words; bit j of row i is bit j % 64 of word i * (c / 64) + j / 64.
 * Both kernels run the same instructions and memory accesses whatever the matrix holds; the hash
 * indexes tables by its challenge, which must be public. */
#ifndef CCTSA_THRESHOLD_TECDSA_BITMAT_H
#define CCTSA_THRESHOLD_TECDSA_BITMAT_H

#include <stddef.h>
#include <stdint.h>

/* dst (cols x rows) = the transpose of src (rows x cols); rows and cols multiples of 64. */
void tbm_transpose(uint64_t *dst, const uint64_t *src, size_t rows, size_t cols);

#define TBM_HASH_COLS 256 /* columns of the hashed matrix (TOT_KAPPA) */

/* out[c] = XOR of chal[k] over the rows k whose bit c is set, for the TBM_HASH_COLS columns c of
 * mat (rows x TBM_HASH_COLS, rows a multiple of 64); chal (rows x 128 bits) must be public. */
void tbm_uhash_cols(uint64_t out[TBM_HASH_COLS][2], const uint64_t *mat, const uint64_t (*chal)[2], size_t rows);

#endif
