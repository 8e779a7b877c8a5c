/* time_probe.c: the heartbeat state machine of the cross-node checks (time_peer.h): probes every
 * round, replies, the pair consistency rule, exclusion by 3 of 4 peers and rejoin after 3
 * consistent rounds. Driven by explicit calls; the transport is the caller's. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "time/time_internal.h"
#include "time/time_peer.h"

struct time_probe {
    time_probe_io io;
    uint64_t seq;                   /* current round's probe number (0: none sent yet) */
    int sent[TIME_PROBE_PEERS];     /* a PROBE of round seq went to this peer */
    int answered[TIME_PROBE_PEERS]; /* its REPLY arrived */
    time_probe_status st;
};

time_probe *time_probe_new(const time_probe_io *io)
{
    if (!io || !io->send || !io->read || !io->block || !io->set_excluded) return NULL;
    time_probe *p = calloc(1, sizeof *p);
    if (p) p->io = *io;
    return p;
}

void time_probe_free(time_probe *p) { free(p); }

static void update_ok(time_probe_peer *pp)
{
    pp->time_ok = pp->mine == TIME_VIEW_CONSISTENT && (pp->state == TIME_SYNCED || pp->state == TIME_HOLDOVER);
}

/* Close the round: peers that did not answer are unknown; count the inconsistent ones (by our
 * measurement or by their view of us); apply exclusion and rejoin. */
static void close_round(time_probe *p)
{
    time_probe_status *st = &p->st;
    int bad = 0, good = 0;
    for (int i = 0; i < TIME_PROBE_PEERS; i++) {
        time_probe_peer *pp = &st->peer[i];
        if (!p->answered[i]) pp->mine = TIME_VIEW_UNKNOWN, pp->theirs = TIME_VIEW_UNKNOWN;
        update_ok(pp);
        if (pp->mine == TIME_VIEW_INCONSISTENT || pp->theirs == TIME_VIEW_INCONSISTENT)
            bad++;
        else if (pp->mine == TIME_VIEW_CONSISTENT)
            good++;
    }
    st->inconsistent = bad;
    st->rounds++;
    char why[96];
    if (bad >= TIME_PROBE_EXCLUDE_AT) {
        st->good_rounds = 0;
        if (!st->excluded) {
            st->excluded = 1;
            snprintf(why, sizeof why, "time inconsistent with %d of %d peers", bad, TIME_PROBE_PEERS);
            p->io.set_excluded(p->io.ctx, 1, why);
        }
    } else if (st->excluded) {
        st->good_rounds = good >= TIME_PROBE_EXCLUDE_AT ? st->good_rounds + 1 : 0;
        if (st->good_rounds >= TIME_PROBE_REJOIN_ROUNDS) {
            st->excluded = 0, st->good_rounds = 0;
            p->io.set_excluded(p->io.ctx, 0, NULL);
        }
    }
}

void time_probe_tick(time_probe *p)
{
    if (p->seq) close_round(p);
    p->seq++;
    memset(p->sent, 0, sizeof p->sent);
    memset(p->answered, 0, sizeof p->answered);
    time_probe_msg m = {.kind = TIME_PROBE_KIND_PROBE, .seq = p->seq};
    time_reading r;
    if (p->io.read(p->io.ctx, &r) != 0) return; /* no trusted clock of our own: nothing to measure with */
    p->io.block(p->io.ctx, &m.block);
    if (!time_block_clock_usable(&m.block)) return; /* the block disagrees with the reading: skip this round */
    uint8_t buf[TIME_PROBE_BYTES];
    for (int i = 0; i < TIME_PROBE_PEERS; i++) {
        if (p->io.read(p->io.ctx, &r) != 0) return;
        m.t1 = r.utc_ns;
        time_probe_encode(&m, buf);
        p->sent[i] = 1;
        p->io.send(p->io.ctx, i, buf, sizeof buf);
        p->st.probes_sent++;
    }
}

/* A PROBE: answer at once with our receive and send times, our block and our view of the prober. */
static void answer(time_probe *p, int peer, const time_probe_msg *in)
{
    time_probe_msg m = {.kind = TIME_PROBE_KIND_REPLY, .seq = in->seq, .t1 = in->t1};
    time_reading r;
    int have = p->io.read(p->io.ctx, &r) == 0;
    p->io.block(p->io.ctx, &m.block);
    if (!have && time_block_clock_usable(&m.block)) m.block.state = TIME_UNSYNCED; /* no timestamps to give */
    if (have && time_block_clock_usable(&m.block)) {
        m.t2 = r.utc_ns;
        if (p->io.read(p->io.ctx, &r) != 0) return;
        m.t3 = r.utc_ns < m.t2 ? m.t2 : r.utc_ns;
    }
    m.view = (uint8_t)p->st.peer[peer].mine;
    uint8_t buf[TIME_PROBE_BYTES];
    time_probe_encode(&m, buf);
    p->io.send(p->io.ctx, peer, buf, sizeof buf);
}

/* A REPLY to this round's PROBE: measure the pair. */
static int measure(time_probe *p, int peer, const time_probe_msg *in)
{
    time_probe_peer *pp = &p->st.peer[peer];
    time_reading r;
    if (!p->seq || in->seq != p->seq || !p->sent[peer] || p->answered[peer]) {
        p->st.stale_replies++;
        return -1; /* not an answer to our current probe: stale, replayed or unsolicited */
    }
    if (p->io.read(p->io.ctx, &r) != 0) return -1;
    p->answered[peer] = 1;
    p->st.replies++;
    pp->state = in->block.state;
    pp->theirs = (time_view)in->view;
    if (!time_block_clock_usable(&in->block)) {
        pp->mine = TIME_VIEW_UNKNOWN; /* its clock is untrusted: nothing to measure, and it may not sign */
        update_ok(pp);
        return 0;
    }
    pp->offset_ns = time_probe_offset(in->t1, in->t2, in->t3, r.utc_ns);
    pp->delay_ns = time_probe_delay(in->t1, in->t2, in->t3, r.utc_ns);
    pp->eps_ns = (int64_t)in->block.eps_us * 1000;
    pp->mine = time_probe_consistent(pp->offset_ns, pp->delay_ns, r.eps_ns, pp->eps_ns) ? TIME_VIEW_CONSISTENT
                                                                                        : TIME_VIEW_INCONSISTENT;
    update_ok(pp);
    return 0;
}

int time_probe_receive(time_probe *p, int peer, const uint8_t *msg, size_t len)
{
    time_probe_msg m;
    char why[128];
    if (peer < 0 || peer >= TIME_PROBE_PEERS || time_probe_parse(msg, len, &m, why, sizeof why) != 0) {
        p->st.bad_messages++;
        return -1;
    }
    if (m.kind == TIME_PROBE_KIND_PROBE) {
        p->st.peer[peer].state = m.block.state;
        update_ok(&p->st.peer[peer]);
        answer(p, peer, &m);
        return 0;
    }
    return measure(p, peer, &m);
}

int time_probe_peer_ok(const time_probe *p, int peer)
{
    return peer >= 0 && peer < TIME_PROBE_PEERS && p->st.peer[peer].time_ok;
}

void time_probe_get_status(const time_probe *p, time_probe_status *out) { *out = p->st; }
