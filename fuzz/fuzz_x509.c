/* fuzz_x509.c: libFuzzer target for the certificate, CSR, TcbInfo, Name and PEM parsers. Any input
 * must be rejected cleanly or parsed into spans that stay inside the input; parsed certificates
 * and requests then go through the verification paths (self-signature, chain, TSA profile). */
#include <stdlib.h>
#include <string.h>

#include "x509/cert.h"
#include "x509/csr.h"
#include "x509/name.h"
#include "x509/pem.h"

static void inside(const x509_span *s, const uint8_t *data, size_t size)
{
    if (s->len && (s->p < data || s->p + s->len > data + size)) abort();
}

static void certificate(const uint8_t *data, size_t size)
{
    x509_cert c;
    if (x509_cert_parse(&c, data, size)) return;
    const x509_span *spans[] = {&c.tbs, &c.serial,    &c.issuer, &c.subject, &c.spki,
                                &c.pub, &c.signature, &c.ski,    &c.aki,     &c.tcbinfo};
    for (size_t i = 0; i < sizeof spans / sizeof spans[0]; i++) inside(spans[i], data, size);
    uint8_t m[X509_MEASUREMENT_BYTES];
    char name[512];
    (void)x509_cert_measurement(&c, m);
    (void)x509_cert_check_tsa(&c);
    (void)x509_chain_verify(&c, 1, c.not_before);
    (void)x509_name_to_string(c.subject.p, c.subject.len, name, sizeof name);
}

static void request(const uint8_t *data, size_t size)
{
    x509_csr r;
    if (x509_csr_parse(&r, data, size)) return;
    inside(&r.info, data, size);
    inside(&r.pub, data, size);
    inside(&r.tcbinfo, data, size);
    (void)x509_csr_verify(&r);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    certificate(data, size);
    request(data, size);
    x509_tcbinfo_view v;
    (void)x509_tcbinfo_parse(data, size, &v);
    char name[256];
    (void)x509_name_to_string(data, size, name, sizeof name);
    uint8_t *der;
    size_t len;
    if (x509_pem_decode((const char *)data, size, "CERTIFICATE", &der, &len) == 0) {
        certificate(der, len);
        free(der);
    }
    return 0;
}
