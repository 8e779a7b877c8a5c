/* mesh_tls.c: the per-boot TLS identity of the mesh (see mesh_internal.h): a fresh P-384 key, a
 * self-signed certificate carrying it (peers trust no CA: the attestation exchange binds the key),
 * and one TLS 1.3-only context for both roles that demands a client certificate. */
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <stdlib.h>
#include <string.h>

#include "node/mesh_internal.h"

/* Any certificate passes here: the peer's key is bound by its evidence (mesh_attest.c). */
static int accept_any(int ok, X509_STORE_CTX *x)
{
    (void)ok;
    (void)x;
    return 1;
}

static X509 *self_signed(EVP_PKEY *pkey)
{
    X509 *x = X509_new();
    X509_NAME *n = x ? X509_get_subject_name(x) : NULL;
    uint8_t serial[16];
    BIGNUM *bn = NULL;
    ASN1_INTEGER *ai = NULL;
    int ok = x && n && RAND_bytes(serial, sizeof serial) == 1 && (serial[0] &= 0x7f, 1) &&
             (bn = BN_bin2bn(serial, sizeof serial, NULL)) && (ai = BN_to_ASN1_INTEGER(bn, NULL)) &&
             X509_set_version(x, 2) && X509_set_serialNumber(x, ai) &&
             X509_NAME_add_entry_by_txt(n, "CN", MBSTRING_ASC, (const unsigned char *)"cctsa-mesh", -1, -1, 0) &&
             X509_set_issuer_name(x, n) && X509_gmtime_adj(X509_getm_notBefore(x), -3600) &&
             X509_gmtime_adj(X509_getm_notAfter(x), 3650L * 86400) && X509_set_pubkey(x, pkey) &&
             X509_sign(x, pkey, EVP_sha384()) > 0;
    BN_free(bn);
    ASN1_INTEGER_free(ai);
    if (!ok) X509_free(x);
    return ok ? x : NULL;
}

int mesh_tls_init(mesh *m, char *err, size_t errlen)
{
    m->pkey = EVP_EC_gen("P-384");
    X509 *cert = m->pkey ? self_signed(m->pkey) : NULL;
    unsigned char *spki = NULL;
    int n = m->pkey ? i2d_PUBKEY(m->pkey, &spki) : -1;
    unsigned hl = 0;
    if (!cert || n <= 0 || !EVP_Digest(spki, (size_t)n, m->key, &hl, EVP_sha384(), NULL) || hl != MESH_KEY_BYTES) {
        snprintf(err, errlen, "mesh: cannot make the TLS key and certificate");
        X509_free(cert);
        OPENSSL_free(spki);
        return -1;
    }
    m->spki = malloc((size_t)n);
    if (m->spki) memcpy(m->spki, spki, (size_t)n), m->spki_len = (size_t)n;
    OPENSSL_free(spki);
    m->ctx = SSL_CTX_new(TLS_method());
    int ok = m->spki && m->ctx && SSL_CTX_set_min_proto_version(m->ctx, TLS1_3_VERSION) &&
             SSL_CTX_set_max_proto_version(m->ctx, TLS1_3_VERSION) && SSL_CTX_use_certificate(m->ctx, cert) == 1 &&
             SSL_CTX_use_PrivateKey(m->ctx, m->pkey) == 1 && SSL_CTX_check_private_key(m->ctx) == 1 &&
             SSL_CTX_set_num_tickets(m->ctx, 0) == 1;
    X509_free(cert);
    if (!ok) {
        snprintf(err, errlen, "mesh: cannot set up the TLS 1.3 context");
        return -1;
    }
    SSL_CTX_set_options(m->ctx, SSL_OP_NO_TICKET);
    SSL_CTX_set_session_cache_mode(m->ctx, SSL_SESS_CACHE_OFF);
    SSL_CTX_set_verify(m->ctx, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, accept_any);
    return 0;
}

void mesh_tls_free(mesh *m)
{
    SSL_CTX_free(m->ctx);
    EVP_PKEY_free(m->pkey); /* OpenSSL clears the private scalar when freeing */
    free(m->spki);
    m->ctx = NULL;
    m->pkey = NULL;
    m->spki = NULL;
}

int mesh_tls_peer_spki(SSL *ssl, uint8_t **spki, size_t *len)
{
    X509 *peer = SSL_get1_peer_certificate(ssl);
    EVP_PKEY *pk = peer ? X509_get0_pubkey(peer) : NULL;
    char group[32] = "";
    size_t gl = 0;
    unsigned char *der = NULL;
    int n = -1;
    if (pk && EVP_PKEY_is_a(pk, "EC") && EVP_PKEY_get_group_name(pk, group, sizeof group, &gl) == 1 &&
        !strcmp(group, "secp384r1"))
        n = i2d_PUBKEY(pk, &der);
    X509_free(peer);
    if (n <= 0) return -1;
    *spki = malloc((size_t)n);
    if (*spki) memcpy(*spki, der, (size_t)n);
    OPENSSL_free(der);
    *len = (size_t)n;
    return *spki ? 0 : -1;
}
