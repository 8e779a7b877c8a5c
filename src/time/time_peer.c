/* time_peer.c: the time-state block, the participant's genTime check, the heartbeat probe
 * messages and their NTP arithmetic (time_peer.h). Pure. */
#include <string.h>

#include "time/time_internal.h"
#include "time/time_peer.h"

#define FAIL(...) return time_fmt(why, whylen, __VA_ARGS__), -1

static void put32(uint8_t *p, uint32_t v)
{
    for (int i = 0; i < 4; i++) p[i] = (uint8_t)(v >> (24 - 8 * i));
}

static uint32_t get32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void put64(uint8_t *p, int64_t v)
{
    put32(p, (uint32_t)((uint64_t)v >> 32));
    put32(p + 4, (uint32_t)v);
}

static int64_t get64(const uint8_t *p) { return (int64_t)((uint64_t)get32(p) << 32 | get32(p + 4)); }

int time_block_trusted(const time_block *b)
{
    return (b->state == TIME_SYNCED || b->state == TIME_HOLDOVER) && (int64_t)b->eps_us * 1000 <= TIME_E_MAX_NS;
}

int time_block_clock_usable(const time_block *b)
{
    return (b->state == TIME_SYNCED || b->state == TIME_HOLDOVER || b->state == TIME_EXCLUDED) &&
           (int64_t)b->eps_us * 1000 <= TIME_E_MAX_NS && b->sync_age_s != TIME_BLOCK_AGE_NEVER;
}

void time_block_from(const time_reading *r, const time_status *st, time_block *out)
{
    memset(out, 0, sizeof *out);
    out->state = r->state;
    int64_t eps_us = (r->eps_ns + 999) / 1000;
    out->eps_us = eps_us < 0 ? 0 : eps_us > UINT32_MAX ? UINT32_MAX : (uint32_t)eps_us;
    out->sync_age_s = TIME_BLOCK_AGE_NEVER;
    if (st && st->sync_age_ns >= 0) {
        int64_t age = st->sync_age_ns / TIME_NS_PER_S;
        out->sync_age_s = age >= TIME_BLOCK_AGE_NEVER ? TIME_BLOCK_AGE_NEVER - 1 : (uint32_t)age;
    }
    if (st && st->calibrated) out->flags |= TIME_BLOCK_CALIBRATED;
    if (time_block_trusted(out) && out->sync_age_s == TIME_BLOCK_AGE_NEVER) out->sync_age_s = 0;
}

size_t time_block_encode(const time_block *b, uint8_t out[TIME_BLOCK_BYTES])
{
    out[0] = TIME_BLOCK_VERSION;
    out[1] = (uint8_t)b->state;
    out[2] = b->flags;
    out[3] = 0;
    put32(out + 4, b->eps_us);
    put32(out + 8, b->sync_age_s);
    return TIME_BLOCK_BYTES;
}

int time_block_parse(const uint8_t *in, size_t len, time_block *out, char *why, size_t whylen)
{
    memset(out, 0, sizeof *out);
    if (len != TIME_BLOCK_BYTES) FAIL("time block: %zu bytes (expected %d)", len, TIME_BLOCK_BYTES);
    if (in[0] != TIME_BLOCK_VERSION) FAIL("time block: unknown version %u", in[0]);
    if (in[1] > TIME_EXCLUDED) FAIL("time block: unknown state %u", in[1]);
    if (in[2] & ~TIME_BLOCK_CALIBRATED) FAIL("time block: unknown flags 0x%02x", in[2]);
    if (in[3]) FAIL("time block: reserved byte is not zero");
    out->state = (time_state)in[1];
    out->flags = in[2];
    out->eps_us = get32(in + 4);
    out->sync_age_s = get32(in + 8);
    int claims = out->state == TIME_SYNCED || out->state == TIME_HOLDOVER; /* a trusted clock */
    if (claims && (int64_t)out->eps_us * 1000 > TIME_E_MAX_NS)
        FAIL("time block: %s with eps %u us above E_max", time_state_name(out->state), out->eps_us);
    if (claims && out->sync_age_s == TIME_BLOCK_AGE_NEVER)
        FAIL("time block: %s without a sync age", time_state_name(out->state));
    return 0;
}

const char *time_peer_verdict_name(time_peer_verdict v)
{
    static const char *names[TIME_PEER_REASONS] = {"ok",
                                                   "own_time_untrusted",
                                                   "coordinator_time_untrusted",
                                                   "bad_time_block",
                                                   "gentime_too_old",
                                                   "gentime_too_new"};
    return (unsigned)v < TIME_PEER_REASONS ? names[v] : "unknown";
}

time_peer_verdict time_peer_window(const time_reading *own, int64_t gentime_ns)
{
    if (own->state != TIME_SYNCED && own->state != TIME_HOLDOVER) return TIME_PEER_OWN_UNTRUSTED;
    int64_t d = gentime_ns - own->utc_ns;
    if (d < -TIME_PEER_BEHIND_NS) return TIME_PEER_TOO_OLD;
    if (d > TIME_PEER_AHEAD_NS) return TIME_PEER_TOO_NEW;
    return TIME_PEER_OK;
}

int time_peer_gentime_check(const time_reading *own, int64_t peer_gentime_ns, char *why, size_t whylen)
{
    time_peer_verdict v = time_peer_window(own, peer_gentime_ns);
    if (v == TIME_PEER_OWN_UNTRUSTED) FAIL("own time not trusted (%s)", time_state_name(own->state));
    if (v != TIME_PEER_OK)
        FAIL("peer genTime %+.3f s from own time (window -%lld..+%lld ms)",
             (double)(peer_gentime_ns - own->utc_ns) / 1e9, (long long)(TIME_PEER_BEHIND_NS / TIME_NS_PER_MS),
             (long long)(TIME_PEER_AHEAD_NS / TIME_NS_PER_MS));
    return 0;
}

time_peer_verdict time_peer_check(const time_reading *own, const uint8_t *coord_block, size_t block_len,
                                  int64_t gentime_ns, time_peer_counters *c, char *why, size_t whylen)
{
    time_block b;
    time_peer_verdict v;
    if (why && whylen) why[0] = 0;
    if (time_block_parse(coord_block, block_len, &b, why, whylen) != 0) {
        v = TIME_PEER_BAD_BLOCK;
    } else if (!time_block_trusted(&b)) {
        v = TIME_PEER_COORD_UNTRUSTED;
        time_fmt(why, whylen, "coordinator's time is not trusted (%s)", time_state_name(b.state));
    } else if (time_peer_gentime_check(own, gentime_ns, why, whylen) != 0) {
        v = time_peer_window(own, gentime_ns);
    } else {
        v = TIME_PEER_OK;
    }
    if (c) __atomic_fetch_add(&c->count[v], 1, __ATOMIC_RELAXED);
    return v;
}

size_t time_probe_encode(const time_probe_msg *m, uint8_t out[TIME_PROBE_BYTES])
{
    out[0] = TIME_PROBE_VERSION, out[1] = m->kind, out[2] = m->view, out[3] = 0;
    put64(out + 4, (int64_t)m->seq);
    put64(out + 12, m->t1);
    put64(out + 20, m->t2);
    put64(out + 28, m->t3);
    time_block_encode(&m->block, out + 36);
    return TIME_PROBE_BYTES;
}

int time_probe_parse(const uint8_t *in, size_t len, time_probe_msg *out, char *why, size_t whylen)
{
    memset(out, 0, sizeof *out);
    if (len != TIME_PROBE_BYTES) FAIL("time probe: %zu bytes (expected %d)", len, TIME_PROBE_BYTES);
    if (in[0] != TIME_PROBE_VERSION) FAIL("time probe: unknown version %u", in[0]);
    if (in[1] != TIME_PROBE_KIND_PROBE && in[1] != TIME_PROBE_KIND_REPLY) FAIL("time probe: unknown kind %u", in[1]);
    if (in[2] > TIME_VIEW_INCONSISTENT) FAIL("time probe: unknown view %u", in[2]);
    if (in[3]) FAIL("time probe: reserved byte is not zero");
    if (time_block_parse(in + 36, TIME_BLOCK_BYTES, &out->block, why, whylen) != 0) return -1;
    out->kind = in[1], out->view = in[2];
    out->seq = (uint64_t)get64(in + 4);
    out->t1 = get64(in + 12), out->t2 = get64(in + 20), out->t3 = get64(in + 28);
    const int64_t max = INT64_C(1) << 62; /* year 2116: keeps the NTP arithmetic free of overflow */
    if (out->t1 <= 0 || out->t1 >= max || out->t2 < 0 || out->t2 >= max || out->t3 < 0 || out->t3 >= max)
        FAIL("time probe: timestamp out of range");
    if (out->kind == TIME_PROBE_KIND_PROBE) {
        if (out->view || out->t2 || out->t3) FAIL("time probe: a PROBE with reply fields");
        if (!time_block_clock_usable(&out->block)) FAIL("time probe: a PROBE from an untrusted clock");
        return 0;
    }
    if (time_block_clock_usable(&out->block)) {
        if (out->t2 <= 0 || out->t3 < out->t2) FAIL("time probe: REPLY timestamps missing or out of order");
    } else if (out->t2 || out->t3) {
        FAIL("time probe: REPLY timestamps from an untrusted clock");
    }
    return 0;
}

int64_t time_probe_offset(int64_t t1, int64_t t2, int64_t t3, int64_t t4) { return (t2 - t1) / 2 + (t3 - t4) / 2; }

int64_t time_probe_delay(int64_t t1, int64_t t2, int64_t t3, int64_t t4) { return (t4 - t1) - (t3 - t2); }

int time_probe_consistent(int64_t offset, int64_t delay, int64_t eps_self, int64_t eps_peer)
{
    if (delay < 0) return 0;
    if (offset < 0) offset = -offset;
    return offset <= eps_self + eps_peer + delay / 2 + TIME_PROBE_MARGIN_NS;
}
