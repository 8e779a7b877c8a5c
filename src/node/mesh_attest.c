/* mesh_attest.c: the evidence exchange of the mesh (see mesh_internal.h). Each side sends a HELLO
 * (its boot id, its --mesh address, a report whose REPORT_DATA binds the TLS key it presented, and
 * the endorsements); the receiver recomputes the binding from the key it saw in the handshake and
 * verifies with attest_verify: measurement equal to our own, debug forbidden (the verifier always
 * refuses POLICY.DEBUG), the provider's root of trust, and chip id and node key distinct from ours
 * and from every other attested peer. mesh_attest_peer runs on the verification thread
 * (mesh_verify.c), never on the loop. */
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "node/mesh_internal.h"

void mesh_binding(const uint8_t *spki, size_t spki_len, const uint8_t boot_id[MESH_BOOT_ID_BYTES],
                  uint8_t out[ATTEST_BINDING_BYTES])
{
    static const uint8_t label[] = MESH_LABEL; /* includes the terminating 0x00 */
    EVP_MD_CTX *c = EVP_MD_CTX_new();
    unsigned n = 0;
    if (!c || !EVP_DigestInit_ex(c, EVP_sha512(), NULL) || !EVP_DigestUpdate(c, label, sizeof label) ||
        !EVP_DigestUpdate(c, spki, spki_len) || !EVP_DigestUpdate(c, boot_id, MESH_BOOT_ID_BYTES) ||
        !EVP_DigestFinal_ex(c, out, &n) || n != ATTEST_BINDING_BYTES)
        memset(out, 0, ATTEST_BINDING_BYTES); /* never matches a real report: fail closed */
    EVP_MD_CTX_free(c);
}

int mesh_evidence(mesh *m, const uint8_t binding[ATTEST_BINDING_BYTES], attest_evidence *ev, char *why, size_t n)
{
    memset(ev, 0, sizeof *ev);
    attest_err e;
    if (m->policy.provider == ATTEST_PROVIDER_SIM) {
        e = attest_sim_evidence(m->policy.measurement, binding, m->cfg.chip_id, ev);
        if (e != ATTEST_OK) snprintf(why, n, "sim evidence: %s", attest_err_name(e));
    } else {
        e = attest_snp_evidence(binding, ev, why, n);
    }
    return e == ATTEST_OK ? 0 : -1;
}

/* Make evidence for our binding and verify it as a peer would (measurement: the policy's, or for
 * SEV-SNP at start-up, whatever ours is); claims out. */
static int own_evidence(mesh *m, int pin_measurement, attest_evidence *ev, attest_claims *c, char *err, size_t errlen)
{
    uint8_t binding[ATTEST_BINDING_BYTES];
    char why[192] = "";
    mesh_binding(m->spki, m->spki_len, m->boot_id, binding);
    if (mesh_evidence(m, binding, ev, why, sizeof why) != 0) {
        snprintf(err, errlen, "mesh: own evidence: %s", why);
        return -1;
    }
    attest_policy p = m->policy;
    if (!pin_measurement) p.check_measurement = 0;
    attest_result r;
    if (attest_verify(ev->report, sizeof ev->report, ev->endorsements, ev->endorsements_len, &p, binding, 0, c, &r) !=
        ATTEST_OK) {
        snprintf(err, errlen, "mesh: own evidence does not verify: %s: %s", attest_err_name(r.first), r.reason);
        attest_evidence_free(ev);
        return -1;
    }
    return 0;
}

static void own_evidence_made(mesh *m)
{
    m->own_ev_ms = mesh_now_ms();
    pthread_mutex_lock(&m->mu);
    m->own_ev_at = time(NULL);
    pthread_mutex_unlock(&m->mu);
}

int mesh_attest_self(mesh *m, char *err, size_t errlen)
{
    attest_claims c;
    /* SEV-SNP: the measurement to require of peers is the one our own report carries. */
    if (own_evidence(m, m->policy.provider == ATTEST_PROVIDER_SIM, &m->own_ev, &c, err, errlen) != 0) return -1;
    memcpy(m->policy.measurement, c.measurement, ATTEST_MEASUREMENT_BYTES);
    m->policy.check_measurement = 1;
    memcpy(m->chip_id, c.chip_id, ATTEST_CHIP_ID_BYTES);
    own_evidence_made(m);
    return 0;
}

int mesh_refresh_own_evidence(mesh *m, char *why, size_t n)
{
    attest_evidence ev;
    attest_claims c;
    if (own_evidence(m, 1, &ev, &c, why, n) != 0) return -1;
    if (memcmp(c.chip_id, m->chip_id, ATTEST_CHIP_ID_BYTES) != 0) {
        attest_evidence_free(&ev);
        return snprintf(why, n, "mesh: own evidence now names another chip"), -1;
    }
    attest_evidence_free(&m->own_ev);
    m->own_ev = ev;
    own_evidence_made(m);
    return 0;
}

time_t mesh_self_attested_at(mesh *m)
{
    pthread_mutex_lock(&m->mu);
    time_t t = m->own_ev_at;
    pthread_mutex_unlock(&m->mu);
    return t;
}

uint8_t *mesh_hello_encode(mesh *m, size_t *len)
{
    size_t al = strlen(m->listen);
    size_t n = 2 + MESH_BOOT_ID_BYTES + 1 + al + ATTEST_REPORT_BYTES + 4 + m->own_ev.endorsements_len;
    uint8_t *b = malloc(n), *p = b;
    if (!b) return NULL;
    *p++ = MESH_MSG_HELLO;
    *p++ = MESH_VERSION;
    memcpy(p, m->boot_id, MESH_BOOT_ID_BYTES), p += MESH_BOOT_ID_BYTES;
    *p++ = (uint8_t)al;
    memcpy(p, m->listen, al), p += al;
    memcpy(p, m->own_ev.report, ATTEST_REPORT_BYTES), p += ATTEST_REPORT_BYTES;
    size_t el = m->own_ev.endorsements_len;
    *p++ = (uint8_t)(el >> 24), *p++ = (uint8_t)(el >> 16), *p++ = (uint8_t)(el >> 8), *p++ = (uint8_t)el;
    if (el) memcpy(p, m->own_ev.endorsements, el);
    *len = n;
    return b;
}

int mesh_hello_parse(const uint8_t *body, size_t len, mesh_hello *h, const char **why)
{
    cc_cursor c;
    cc_cursor_init(&c, body, len);
    memset(h, 0, sizeof *h);
    if (cc_cursor_u8(&c) != MESH_MSG_HELLO || cc_cursor_u8(&c) != MESH_VERSION)
        return *why = "HELLO: bad type or version", -1;
    h->boot_id = cc_cursor_take(&c, MESH_BOOT_ID_BYTES);
    uint8_t al = cc_cursor_u8(&c);
    const uint8_t *a = cc_cursor_take(&c, al);
    h->report = cc_cursor_take(&c, ATTEST_REPORT_BYTES);
    uint32_t el = cc_cursor_u32be(&c);
    if (c.err || al == 0 || al > MESH_ADDR_MAX || el > ATTEST_MAX_ENDORSEMENT_BYTES)
        return *why = "HELLO: truncated or out of range", -1;
    h->endorsements = cc_cursor_take(&c, el);
    h->endorsements_len = el;
    if (!cc_cursor_done(&c)) return *why = "HELLO: length does not match its fields", -1;
    for (size_t i = 0; i < al; i++)
        if (a[i] < 0x21 || a[i] > 0x7e) return *why = "HELLO: address is not printable", -1;
    memcpy(h->addr, a, al);
    h->addr[al] = 0;
    return 0;
}

static void hex8(const uint8_t *b, char out[17]) { cc_hex_encode(b, 8, out); }

int mesh_attest_peer(mesh *m, int slot, const mesh_hello *h, const uint8_t *spki, size_t spki_len, mesh_peer_info *info,
                     int *kind, char *reason, size_t rlen)
{
    *kind = MESH_REFUSED_EVIDENCE;
    uint8_t binding[ATTEST_BINDING_BYTES], key[MESH_KEY_BYTES];
    unsigned kl = 0;
    attest_claims c;
    attest_result r;
    mesh_binding(spki, spki_len, h->boot_id, binding);
    if (!EVP_Digest(spki, spki_len, key, &kl, EVP_sha384(), NULL) || kl != MESH_KEY_BYTES)
        return snprintf(reason, rlen, "mesh: cannot hash the peer's TLS key"), -1;
    if (attest_verify(h->report, ATTEST_REPORT_BYTES, h->endorsements, h->endorsements_len, &m->policy, binding, 0, &c,
                      &r) != ATTEST_OK) {
        char want[17], got[17];
        hex8(m->policy.measurement, want);
        hex8(c.measurement, got);
        *kind = r.first == ATTEST_ERR_MEASUREMENT ? MESH_REFUSED_MEASUREMENT
                : r.first == ATTEST_ERR_DEBUG     ? MESH_REFUSED_DEBUG
                                                  : MESH_REFUSED_EVIDENCE;
        if (r.first == ATTEST_ERR_MEASUREMENT)
            snprintf(reason, rlen, "attestation: measurement: %s... is not ours (%s...)", got, want);
        else
            snprintf(reason, rlen, "attestation: %s: %s", attest_err_name(r.first), r.reason);
        return -1;
    }
    *kind = MESH_REFUSED_CHIP_ID;
    if (!memcmp(key, m->key, MESH_KEY_BYTES) || !memcmp(c.chip_id, m->chip_id, ATTEST_CHIP_ID_BYTES))
        return snprintf(reason, rlen, "attestation: chip id or node key equals our own"), -1;
    int clash = mesh_identity_clash(m, slot, c.chip_id, key);
    if (clash >= 0)
        return snprintf(reason, rlen, "attestation: chip id or node key already used by peer %s", m->peers[clash].name),
               -1;
    memcpy(info->key, key, MESH_KEY_BYTES);
    memcpy(info->boot_id, h->boot_id, MESH_BOOT_ID_BYTES);
    memcpy(info->measurement, c.measurement, ATTEST_MEASUREMENT_BYTES);
    memcpy(info->chip_id, c.chip_id, ATTEST_CHIP_ID_BYTES);
    return 0;
}

int mesh_config_attest(mesh_config *cfg, const char *config_path, const char *name, char *err, size_t errlen)
{
    char why[192];
    if (attest_config_load(config_path, &cfg->policy, why, sizeof why) != 0)
        return snprintf(err, errlen, "%s: %s", config_path, why), -1;
    if (cfg->policy.provider != ATTEST_PROVIDER_SIM) return 0;
    if (attest_sim_measure("/proc/self/exe", config_path, cfg->policy.measurement) != 0 ||
        attest_sim_chip_id(name, cfg->chip_id) != 0)
        return snprintf(err, errlen, "cannot compute the sim measurement of /proc/self/exe and %s", config_path), -1;
    cfg->policy.check_measurement = 1;
    return 0;
}

int mesh_config_peer(mesh_config *cfg, int i, char *arg)
{
    char *eq = strchr(arg, '=');
    if (i < 0 || i >= MESH_PEERS || !eq || eq == arg || strncmp(eq + 1, "tcp:", 4) != 0) return -1;
    *eq = 0;
    cfg->peer_names[i] = arg;
    cfg->peers[i] = eq + 1;
    return 0;
}

int mesh_identity_clash(mesh *m, int slot, const uint8_t chip_id[ATTEST_CHIP_ID_BYTES],
                        const uint8_t key[MESH_KEY_BYTES])
{
    int clash = -1;
    pthread_mutex_lock(&m->mu);
    for (int i = 0; i < MESH_PEERS; i++) {
        const mesh_peer_info *o = &m->peers[i].info;
        if (i == slot || (o->state != MESH_PEER_UP && o->state != MESH_PEER_ATTESTING)) continue;
        if (!memcmp(o->chip_id, chip_id, ATTEST_CHIP_ID_BYTES) || !memcmp(o->key, key, MESH_KEY_BYTES)) clash = i;
    }
    pthread_mutex_unlock(&m->mu);
    return clash;
}
