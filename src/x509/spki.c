/* spki.c: bare SubjectPublicKeyInfo encode/parse (see spki.h) over the shared x509 pieces. */
#include "x509/spki.h"

#include "x509/x509_internal.h"

int x509_spki_encode(int alg, const uint8_t *pub, size_t publen, uint8_t **der, size_t *len)
{
    der_writer w;
    der_writer_init(&w);
    x509_put_spki(&w, alg, pub, publen);
    return der_writer_finish(&w, der, len) ? x509_fail("bad public key") : 0;
}

int x509_spki_parse(const uint8_t *der, size_t len, int *alg, const uint8_t **pub, size_t *publen)
{
    der_reader r;
    der_elem e;
    x509_span p;
    der_reader_init(&r, der, len);
    if (der_expect(&r, DER_SEQUENCE, &e) != DER_OK || !der_reader_done(&r)) return x509_fail("malformed public key");
    if (x509_parse_spki(&e, alg, &p) != 0) return -1;
    if (*alg == X509_ALG_NONE) return x509_fail("unsupported public key algorithm");
    *pub = p.p, *publen = p.len;
    return 0;
}
