/* tecdsa_bitmat.c: GF(2) bit-matrix transpose and row-wise universal hash (see tecdsa_bitmat.h). */
#include "threshold/ecdsa/tecdsa_bitmat.h"

#include <string.h>

#include "crypto/ct.h"

#define HW (TBM_HASH_COLS / 64) /* words per row of the hashed matrix */

/* In-place transpose of a 64x64 block: afterwards bit i of a[j] is the old bit j of a[i]. Swaps
 * ever smaller off-diagonal sub-blocks (32, 16, ..., 1), each with a shift and a mask. */
static void transpose64(uint64_t a[64])
{
    uint64_t m = 0x00000000ffffffffULL;
    for (unsigned j = 32; j != 0; j >>= 1, m ^= m << j)
        for (unsigned k = 0; k < 64; k = ((k | j) + 1) & ~j) {
            uint64_t t = ((a[k] >> j) ^ a[k | j]) & m;
            a[k] ^= t << j;
            a[k | j] ^= t;
        }
}

void tbm_transpose(uint64_t *dst, const uint64_t *src, size_t rows, size_t cols)
{
    size_t sw = cols / 64, dw = rows / 64;
    uint64_t blk[64];
    for (size_t rb = 0; rb < dw; rb++)
        for (size_t cb = 0; cb < sw; cb++) {
            for (size_t i = 0; i < 64; i++) blk[i] = src[(rb * 64 + i) * sw + cb];
            transpose64(blk);
            for (size_t i = 0; i < 64; i++) dst[(cb * 64 + i) * dw + rb] = blk[i];
        }
    cc_memzero(blk, sizeof blk);
}

/* Row-wise with a table per group of 8 rows (method of the four Russians): acc[j] (a row of
 * TBM_HASH_COLS bits) collects the rows k with bit j of chal[k] set; the table holds the 256 XOR
 * combinations of the group's rows and is indexed by 8 public challenge bits, which the transpose
 * of each 64-row block of chal lines up as bytes. acc transposed is the column hashes. */
void tbm_uhash_cols(uint64_t out[TBM_HASH_COLS][2], const uint64_t *mat, const uint64_t (*chal)[2], size_t rows)
{
    uint64_t acc[128][HW], tab[256][HW], ct[2][64];
    memset(acc, 0, sizeof acc);
    for (size_t rb = 0; rb < rows / 64; rb++) {
        for (size_t h = 0; h < 2; h++) {
            for (size_t i = 0; i < 64; i++) ct[h][i] = chal[rb * 64 + i][h];
            transpose64(ct[h]); /* byte gg of ct[h][b]: bit b % 64 of chal word h, rows 8 gg .. 8 gg + 7 */
        }
        for (size_t gg = 0; gg < 8; gg++) {
            const uint64_t *r = mat + (rb * 64 + gg * 8) * HW;
            memset(tab[0], 0, sizeof tab[0]);
            for (size_t i = 0; i < 8; i++)
                for (size_t x = 0; x < ((size_t)1 << i); x++)
                    for (size_t w = 0; w < HW; w++) tab[((size_t)1 << i) + x][w] = tab[x][w] ^ r[i * HW + w];
            for (size_t j = 0; j < 128; j++) {
                size_t idx = (size_t)(ct[j / 64][j % 64] >> (8 * gg)) & 0xff; /* public */
                for (size_t w = 0; w < HW; w++) acc[j][w] ^= tab[idx][w];
            }
        }
    }
    tbm_transpose(&out[0][0], &acc[0][0], 128, TBM_HASH_COLS);
    cc_memzero(acc, sizeof acc);
    cc_memzero(tab, sizeof tab);
}
