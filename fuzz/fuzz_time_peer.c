/* fuzz_time_peer.c: libFuzzer target for the cross-node time messages (time_peer.h): the probe
 * parser, the block parser, the participant check, and a probe state machine fed the input as a
 * message from a peer. Whatever parses must re-encode to the same bytes (the encodings are
 * canonical), and the arithmetic on parsed timestamps must not overflow (UBSan). */
#include <stdlib.h>
#include <string.h>

#include "time/time_peer.h"

static int64_t fake_utc = 1796371200LL * TIME_NS_PER_S;

static void io_send(void *ctx, int peer, const uint8_t *msg, size_t len)
{
    (void)ctx, (void)peer;
    time_probe_msg m;
    char why[128];
    if (time_probe_parse(msg, len, &m, why, sizeof why) != 0) abort(); /* our own replies always parse */
}

static int io_read(void *ctx, time_reading *r)
{
    (void)ctx;
    memset(r, 0, sizeof *r);
    r->utc_ns = fake_utc, r->eps_ns = 3 * TIME_NS_PER_MS, r->state = TIME_SYNCED;
    return 0;
}

static void io_block(void *ctx, time_block *b)
{
    time_reading r;
    io_read(ctx, &r);
    time_block_from(&r, NULL, b);
}

static void io_excluded(void *ctx, int excluded, const char *why) { (void)ctx, (void)excluded, (void)why; }

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char why[128];
    time_probe_msg m;
    uint8_t out[TIME_PROBE_BYTES];
    if (time_probe_parse(data, size, &m, why, sizeof why) == 0) {
        time_probe_encode(&m, out);
        if (size != TIME_PROBE_BYTES || memcmp(out, data, size)) abort();
        (void)time_probe_offset(m.t1, m.t2, m.t3, fake_utc);
        (void)time_probe_delay(m.t1, m.t2, m.t3, fake_utc);
    }
    time_block b;
    uint8_t bo[TIME_BLOCK_BYTES];
    if (time_block_parse(data, size, &b, why, sizeof why) == 0) {
        time_block_encode(&b, bo);
        if (size != TIME_BLOCK_BYTES || memcmp(bo, data, size)) abort();
    }
    time_reading own;
    io_read(NULL, &own);
    int64_t gentime = fake_utc;
    if (size >= 8) memcpy(&gentime, data + size - 8, 8);
    time_peer_verdict v =
        time_peer_check(&own, data, size < TIME_BLOCK_BYTES ? size : TIME_BLOCK_BYTES, gentime, NULL, why, sizeof why);
    if ((unsigned)v >= TIME_PEER_REASONS) abort();
    time_probe_io io = {io_send, io_read, io_block, io_excluded, NULL};
    time_probe *p = time_probe_new(&io);
    if (!p) abort();
    time_probe_tick(p);
    (void)time_probe_receive(p, size % TIME_PROBE_PEERS, data, size);
    time_probe_tick(p);
    time_probe_free(p);
    return 0;
}
