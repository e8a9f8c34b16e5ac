/* SPDX-License-Identifier: GPL-2.0 */
/*
 * SES recovery arithmetic, pure: the sequence numbers of each direction,
 * acknowledgment, duplicate detection after a resume, and the reconnect
 * back-off. No sockets, skbs, locks or allocation: it builds in
 * userspace for unit tests too.
 *
 * Each direction numbers its sequenced items (SSDUs, and FN, DN, token,
 * sync and resync SPDUs) implicitly: 64 bits, starting at a value both
 * ends derive from the nonces of CN/AC, one per item, never carried per
 * item on the wire. Numbers compare modulo 2^64 (as TCP's
 * before()/after() do modulo 2^32): a window of items in flight is far
 * below 2^63. Acknowledgments carry the low 32
 * bits of the receiver's next expected number; the sender expands them
 * against its oldest unacknowledged one.
 *
 * Locking: a struct ses_seqs belongs to one session and is only touched
 * under that session's socket lock.
 */
#ifndef _SES_REPLAY_H
#define _SES_REPLAY_H

#include "pure.h"

/* Acknowledge at least every this many items received. */
#define SES_ACK_EVERY		32

/**
 * struct ses_seqs - sequence state of one session, both directions
 * @snd_una: oldest item sent and not yet acknowledged
 * @snd_nxt: number the next item sent gets
 * @rcv_nxt: number of the next item to deliver (all before it were)
 * @rx_seq: number of the next item arriving on the current transport
 * @rcv_acked: the last @rcv_nxt announced to the peer
 */
struct ses_seqs {
	u64 snd_una;
	u64 snd_nxt;
	u64 rcv_nxt;
	u64 rx_seq;
	u64 rcv_acked;
};

/* What to do with an item that arrives. */
enum ses_rx_verdict {
	SES_RX_NEW = 0,		/* deliver it */
	SES_RX_DUP,		/* delivered before a resume: drop it */
	SES_RX_GAP,		/* items before it are missing: protocol error */
};

static inline bool ses_seq_before(u64 a, u64 b)
{
	return (s64)(a - b) < 0;
}

/* lo <= x <= hi, modulo 2^64 */
static inline bool ses_seq_between(u64 lo, u64 x, u64 hi)
{
	return x - lo <= hi - lo;
}

/* The 64-bit number whose low 32 bits are @wire, at or after @ref. */
static inline u64 ses_seq_expand(u64 ref, u32 wire)
{
	return ref + (u32)(wire - (u32)ref);
}

/* Start both directions: @tx_isn for what this end sends, @rx_isn for
 * what it receives.
 */
void ses_seqs_init(struct ses_seqs *s, u64 tx_isn, u64 rx_isn);

/* Items sent and not acknowledged. */
static inline u64 ses_seqs_unacked(const struct ses_seqs *s)
{
	return s->snd_nxt - s->snd_una;
}

/*
 * An acknowledgment (low 32 bits of the peer's next expected number)
 * arrived. Returns the number of items it newly acknowledges (0 for an
 * old or repeated one) and advances @snd_una, or -EBADMSG when it
 * acknowledges items never sent.
 */
s64 ses_seqs_ack(struct ses_seqs *s, u32 wire);

/*
 * A resume told this end the peer's full next expected number. Returns
 * the items it acknowledges (advancing @snd_una: replay starts there), or
 * -EBADMSG when it lies outside [snd_una, snd_nxt] (the peer claims
 * items never sent, or lost items it had acknowledged).
 */
s64 ses_seqs_resume_tx(struct ses_seqs *s, u64 peer_rcv_nxt);

/*
 * Items on the new transport start at @start (the peer replays from the
 * number this end announced, or later when items arrived meanwhile on a
 * transport still alive). Returns 0, or -EBADMSG when @start is after
 * @rcv_nxt: items would be missing.
 */
int ses_seqs_resume_rx(struct ses_seqs *s, u64 start);

/* An item arrived: classify it and advance @rx_seq (and @rcv_nxt). */
enum ses_rx_verdict ses_seqs_rx(struct ses_seqs *s);

/*
 * Is an acknowledgment due? At least every SES_ACK_EVERY items, and for
 * anything unacknowledged once the receive batch ends (@batch_end).
 */
static inline bool ses_seqs_ack_due(const struct ses_seqs *s, bool batch_end)
{
	u64 n = s->rcv_nxt - s->rcv_acked;

	return n && (batch_end || n >= SES_ACK_EVERY);
}

/*
 * Reconnect back-off: the delay before attempt @n (0 = the first), in
 * milliseconds. Exponential from @base_ms, capped at @cap_ms, with "equal
 * jitter": a uniform value in [d/2, d] drawn from @rnd. Never 0.
 */
u32 ses_backoff_ms(u32 n, u32 base_ms, u32 cap_ms, u32 rnd);

#endif /* _SES_REPLAY_H */
