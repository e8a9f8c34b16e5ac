// SPDX-License-Identifier: GPL-2.0
/*
 * SES recovery arithmetic (replay.h). Pure C, built into ses.ko, the
 * KUnit module and the userspace unit tests.
 */
#include "replay.h"

void ses_seqs_init(struct ses_seqs *s, u64 tx_isn, u64 rx_isn)
{
	s->snd_una = tx_isn;
	s->snd_nxt = tx_isn;
	s->rcv_nxt = rx_isn;
	s->rx_seq = rx_isn;
	s->rcv_acked = rx_isn;
}

s64 ses_seqs_ack(struct ses_seqs *s, u32 wire)
{
	u32 d = wire - (u32)s->snd_una;

	/* behind snd_una: an old acknowledgment overtaken by a resume */
	if (d >= 0x80000000u)
		return 0;
	if (d > s->snd_nxt - s->snd_una)
		return -EBADMSG;	/* items never sent */
	s->snd_una += d;
	return d;
}

s64 ses_seqs_resume_tx(struct ses_seqs *s, u64 peer_rcv_nxt)
{
	u64 n = peer_rcv_nxt - s->snd_una;

	if (!ses_seq_between(s->snd_una, peer_rcv_nxt, s->snd_nxt))
		return -EBADMSG;
	s->snd_una = peer_rcv_nxt;
	return n;
}

int ses_seqs_resume_rx(struct ses_seqs *s, u64 start)
{
	if (ses_seq_before(s->rcv_nxt, start))
		return -EBADMSG;
	s->rx_seq = start;
	/* the resume told the peer where this end stands */
	s->rcv_acked = s->rcv_nxt;
	return 0;
}

enum ses_rx_verdict ses_seqs_rx(struct ses_seqs *s)
{
	u64 seq = s->rx_seq;

	if (ses_seq_before(seq, s->rcv_nxt)) {
		s->rx_seq++;
		return SES_RX_DUP;
	}
	if (seq != s->rcv_nxt)
		return SES_RX_GAP;
	s->rx_seq++;
	s->rcv_nxt++;
	return SES_RX_NEW;
}

u32 ses_backoff_ms(u32 n, u32 base_ms, u32 cap_ms, u32 rnd)
{
	u64 d = base_ms ? base_ms : 1;
	u32 half;

	if (!cap_ms)
		cap_ms = 1;
	d <<= n < 32 ? n : 32;
	if (d > cap_ms)
		d = cap_ms;
	half = (u32)d / 2;
	return (u32)d - half + (half ? rnd % (half + 1) : 0);
}
