/* p384_mul.c: k * G over the static fixed-base table of G, built once per process (see p384_ec.h).
 * The scalar multiplications themselves are in p384_group_impl.h (one build per field core,
 * p384_impl.h):
 * k * P: 77 signed 5-bit windows from the top (Booth recoding, digits -16..16), each 5 doublings
 * (in Jacobian coordinates, see jac_doubles) and one complete addition of the table entry |d| P
 * (1P..16P, read by a scan of all 16; the identity for a zero digit), negated by a masked select
 * for a negative digit.
 * k * P for a fixed P (p384_comb, and k * G over a static one built once per process): a comb over
 * a table of affine points T[i][d-1] = d * 32^i * P (77 windows, 16 entries each) and the same
 * signed digits: 77 mixed additions and no doubling; the entry is read by a scan of all 16 and
 * negated by a masked select, and for a zero digit the sum is computed anyway and discarded by a
 * masked select. */
#include <pthread.h>
#include <string.h>

#include "crypto/p384_ec.h"

static p384_comb g_comb;
static pthread_once_t g_comb_once = PTHREAD_ONCE_INIT;

static const uint8_t GX[48] = {0xaa, 0x87, 0xca, 0x22, 0xbe, 0x8b, 0x05, 0x37, 0x8e, 0xb1, 0xc7, 0x1e,
                               0xf3, 0x20, 0xad, 0x74, 0x6e, 0x1d, 0x3b, 0x62, 0x8b, 0xa7, 0x9b, 0x98,
                               0x59, 0xf7, 0x41, 0xe0, 0x82, 0x54, 0x2a, 0x38, 0x55, 0x02, 0xf2, 0x5d,
                               0xbf, 0x55, 0x29, 0x6c, 0x3a, 0x54, 0x5e, 0x38, 0x72, 0x76, 0x0a, 0xb7};
static const uint8_t GY[48] = {0x36, 0x17, 0xde, 0x4a, 0x96, 0x26, 0x2c, 0x6f, 0x5d, 0x9e, 0x98, 0xbf,
                               0x92, 0x92, 0xdc, 0x29, 0xf8, 0xf4, 0x1d, 0xbd, 0x28, 0x9a, 0x14, 0x7c,
                               0xe9, 0xda, 0x31, 0x13, 0xb5, 0xf0, 0xb8, 0xc0, 0x0a, 0x60, 0xb1, 0xce,
                               0x1d, 0x7e, 0x81, 0x9d, 0x7a, 0x43, 0x1d, 0x7c, 0x90, 0xea, 0x0e, 0x5f};

static void comb_g_init(void)
{
    p384_fe gx, gy;
    p384_point g;
    p384_fe_from_bytes_ct(gx, GX);
    p384_fe_from_bytes_ct(gy, GY);
    p384_point_from_affine(&g, gx, gy);
    p384_comb_init(&g_comb, &g);
}

void p384_mul_g_prepare(void) { pthread_once(&g_comb_once, comb_g_init); }

void p384_mul_g(p384_point *r, const uint8_t k[48])
{
    p384_mul_g_prepare();
    p384_comb_mul(r, &g_comb, k);
}
