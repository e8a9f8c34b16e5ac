// SPDX-License-Identifier: GPL-2.0
/*
 * SES transport: the kernel TCP socket under a session, its callbacks,
 * TPKT framing (strparser), COTP class 0, and the session worker that
 * turns received TPDUs into protocol-machine events and pushes the write
 * queue into TCP.
 *
 * Lock order: SES socket lock, then the TCP socket's lock (taken inside
 * kernel_sendmsg(), kernel_accept(), strp_done()). The TCP socket's
 * sk_callback_lock protects its sk_user_data and callbacks.
 */
#include <linux/module.h>
#include <linux/net.h>
#include <linux/tcp.h>
#include <net/tcp.h>
#include <net/sock.h>

#include "protocol.h"
#include "mib.h"

/* Largest TSDU held linearly for decoding (control SPDUs, small DTs). */
#define SES_CTRL_TSDU_MAX	(65539 + 16)
/* Octets of a data TSDU examined to find where the user data starts. */
#define SES_RX_PEEK		64
/* Payload of one TPDU we send: that of the largest class 0 TPDU. */
#define SES_TX_CHUNK		(8192 - SES_COTP_DT_HLEN)
#define SES_TPDU_CODE		13	/* we propose 8192-octet TPDUs */

static struct sock *ses_tcp_owner(struct sock *tsk)
{
	return rcu_dereference_sk_user_data(tsk);
}

/* ---- TCP callbacks: softirq, or process context with tsk locked ---- */

static void ses_tcp_data_ready(struct sock *tsk)
{
	struct sock *sk;

	rcu_read_lock();
	read_lock_bh(&tsk->sk_callback_lock);
	sk = ses_tcp_owner(tsk);
	if (sk) {
		if (ses_sk(sk)->strp_on)
			strp_data_ready(&ses_sk(sk)->strp);
		else
			ses_queue_work(sk, SES_EV_ACCEPT);
	}
	read_unlock_bh(&tsk->sk_callback_lock);
	rcu_read_unlock();
}

static void ses_tcp_write_space(struct sock *tsk)
{
	struct sock *sk;

	rcu_read_lock();
	read_lock_bh(&tsk->sk_callback_lock);
	sk = ses_tcp_owner(tsk);
	if (sk && sk_stream_is_writeable(tsk))
		ses_queue_work(sk, SES_EV_TX);
	read_unlock_bh(&tsk->sk_callback_lock);
	rcu_read_unlock();
}

static void ses_tcp_state_change(struct sock *tsk)
{
	struct sock *sk;

	rcu_read_lock();
	read_lock_bh(&tsk->sk_callback_lock);
	sk = ses_tcp_owner(tsk);
	if (sk)
		ses_queue_work(sk, SES_EV_STATE);
	read_unlock_bh(&tsk->sk_callback_lock);
	rcu_read_unlock();
}

/* ---- strparser callbacks: same contexts as data_ready ---- */

static int ses_strp_parse(struct strparser *strp, struct sk_buff *skb)
{
	struct strp_msg *rxm = strp_msg(skb);
	u8 hdr[SES_TPKT_HLEN];

	if (skb->len - rxm->offset < SES_TPKT_HLEN)
		return 0;
	if (skb_copy_bits(skb, rxm->offset, hdr, sizeof(hdr)))
		return -EBADMSG;
	return ses_tpkt_len(hdr, sizeof(hdr)) ?: -EBADMSG;
}

static int ses_rx_fast(struct sock *sk, struct sk_buff *skb);
static void ses_rx_unpause(struct sock *sk);

/* What ses_rx_fast() did with a TPKT. */
enum {
	SES_RXF_DONE,	/* delivered (or dropped as a duplicate): free it */
	SES_RXF_SLOW,	/* not plain data: the worker's full path */
	SES_RXF_FULL,	/* plain data, but the receive buffer is full */
};

/*
 * A complete TPKT. Plain data is delivered here, under the session's
 * spinlock, when no process owns the session and nothing waits before
 * it: no worker on the way (as KCM and kTLS receive). Otherwise it waits
 * on rx_queue, in order, for the owner's release_sock() (ses_release_cb)
 * or the worker. rx_bytes counts the TPKT octets queued, not the
 * truesize of the parser's clones (which count TCP's whole buffer), and
 * pauses the parser past the receive buffer.
 */
static void ses_strp_rcv(struct strparser *strp, struct sk_buff *skb)
{
	struct ses_sock *ses = container_of(strp, struct ses_sock, strp);
	struct sock *sk = &ses->inet.sk;
	int v = SES_RXF_SLOW;

	/* process context under the TCP socket's lock (strp_work) too */
	local_bh_disable();
	bh_lock_sock(sk);
	if (!sock_owned_by_user(sk) && skb_queue_empty(&ses->rx_queue))
		v = ses_rx_fast(sk, skb);
	if (v == SES_RXF_DONE) {
		bh_unlock_sock(sk);
		local_bh_enable();
		consume_skb(skb);
		return;
	}
	if (atomic_add_return(strp_msg(skb)->full_len, &ses->rx_bytes) >
	    READ_ONCE(sk->sk_rcvbuf) || v == SES_RXF_FULL ||
	    ses_resume_rx_hold(ses))
		strp_pause(strp);
	skb_queue_tail(&ses->rx_queue, skb);
	if (sock_owned_by_user(sk))
		set_bit(SES_EV_DEFER, &ses->events);	/* ses_release_cb */
	else if (v == SES_RXF_SLOW)
		ses_queue_work(sk, SES_EV_RX);
	/* SES_RXF_FULL: the reader's recvmsg() takes it on */
	bh_unlock_sock(sk);
	local_bh_enable();
}

static void ses_strp_abort(struct strparser *strp, int err)
{
	struct ses_sock *ses = container_of(strp, struct ses_sock, strp);
	struct sock *sk = &ses->inet.sk;

	/* Framing is lost: nothing after this can be parsed. */
	strp_stop(strp);
	WRITE_ONCE(ses->strp_err, err ?: -EBADMSG);
	ses_queue_work(sk, SES_EV_RX);
}

/*
 * After each read of the TCP socket: once TCP has seen the peer's FIN or
 * reset, the worker decides (with what the parser delivered before it).
 */
static int ses_strp_read_done(struct strparser *strp, int err)
{
	struct ses_sock *ses = container_of(strp, struct ses_sock, strp);
	int state = inet_sk_state_load(strp->sk);

	if (state == TCP_CLOSE || state == TCP_CLOSE_WAIT)
		ses_queue_work(&ses->inet.sk, SES_EV_STATE);
	return err;
}

static const struct strp_callbacks ses_strp_cb = {
	.parse_msg	= ses_strp_parse,
	.rcv_msg	= ses_strp_rcv,
	.read_sock_done	= ses_strp_read_done,
	.abort_parser	= ses_strp_abort,
};

/* ---- attach and detach (process context, sk locked or unpublished) ---- */

int ses_tcp_create(struct sock *sk, struct socket **res)
{
	struct socket *tcp;
	int err;

	err = sock_create_kern(sock_net(sk), sk->sk_family, SOCK_STREAM,
			       IPPROTO_TCP, &tcp);
	if (err)
		return err;
	tcp->sk->sk_reuse = sk->sk_reuse;
	tcp->sk->sk_reuseport = sk->sk_reuseport;
	tcp->sk->sk_bound_dev_if = sk->sk_bound_dev_if;
	tcp->sk->sk_mark = sk->sk_mark;
	*res = tcp;
	return 0;
}

/*
 * Put our callbacks on @tcp. A listener's pointer is marked NOCOPY so
 * that the TCP sockets it clones do not inherit it (CVE-2023-0461): they
 * get our callbacks with no owner, which do nothing until
 * ses_tcp_attach() adopts them.
 */
void ses_tcp_attach(struct sock *sk, struct socket *tcp, bool listener)
{
	struct ses_sock *ses = ses_sk(sk);
	struct sock *tsk = tcp->sk;

	ses->tcp = tcp;
	if (!listener) {
		strp_init(&ses->strp, tsk, &ses_strp_cb);
		ses->strp_on = true;
		tcp_sock_set_nodelay(tsk);
	}

	write_lock_bh(&tsk->sk_callback_lock);
	if (tsk->sk_data_ready != ses_tcp_data_ready) {
		ses->saved_data_ready = tsk->sk_data_ready;
		ses->saved_write_space = tsk->sk_write_space;
		ses->saved_state_change = tsk->sk_state_change;
	}
	/* else: cloned by our listener; the caller set the saved ones */
	__rcu_assign_sk_user_data_with_flags(tsk, sk, listener ?
					     SK_USER_DATA_NOCOPY : 0);
	tsk->sk_data_ready = ses_tcp_data_ready;
	tsk->sk_write_space = ses_tcp_write_space;
	tsk->sk_state_change = ses_tcp_state_change;
	write_unlock_bh(&tsk->sk_callback_lock);

	if (!listener)
		strp_check_rcv(&ses->strp);
}

static void ses_tcp_restore(struct ses_sock *ses, struct sock *tsk)
{
	write_lock_bh(&tsk->sk_callback_lock);
	rcu_assign_sk_user_data(tsk, NULL);
	tsk->sk_data_ready = ses->saved_data_ready;
	tsk->sk_write_space = ses->saved_write_space;
	tsk->sk_state_change = ses->saved_state_change;
	write_unlock_bh(&tsk->sk_callback_lock);
}

/* Release a TCP socket our listener cloned but SES never adopted. */
static void ses_tcp_release_clone(struct ses_sock *lses, struct socket *tcp)
{
	ses_tcp_restore(lses, tcp->sk);
	sock_release(tcp);
}

/*
 * Unread data makes tcp_close() reset the connection, which a peer with
 * recovery takes for a failure of the transport (and waits to resume):
 * read it away, within reason, so that the close is a FIN.
 */
static void ses_tcp_drain(struct socket *tcp)
{
	struct kvec vec = { .iov_len = 4096 };
	struct msghdr msg = { };
	int i;

	vec.iov_base = kmalloc(vec.iov_len, GFP_KERNEL);
	if (!vec.iov_base)
		return;
	for (i = 0; i < 256; i++)
		if (kernel_recvmsg(tcp, &msg, &vec, 1, vec.iov_len,
				   MSG_DONTWAIT) <= 0)
			break;
	kfree(vec.iov_base);
}

/*
 * The one way a TCP socket leaves SES: callbacks restored, parser
 * stopped, socket released. Process context, sk locked.
 */
void ses_tcp_detach(struct sock *sk)
{
	struct ses_sock *ses = ses_sk(sk);
	struct socket *tcp = ses->tcp, *child;

	if (!tcp)
		return;
	ses_tcp_restore(ses, tcp->sk);
	if (ses->strp_on) {
		strp_stop(&ses->strp);
		strp_done(&ses->strp);
		ses->strp_on = false;
	} else {
		/* a listener: adopt nothing more, drop what is queued */
		while (!kernel_accept(tcp, &child, O_NONBLOCK))
			ses_tcp_release_clone(ses, child);
	}
	ses->tcp = NULL;
	if (ses_resume_negotiated(sk))
		ses_tcp_drain(tcp);
	sock_release(tcp);
	ses_rx_purge(sk);
	if (ses->has_slot) {
		ses->has_slot = false;
		ses_session_slot_put(sock_net(sk));
	}
}

/* ---- transmit (process context, sk locked) ---- */

static bool ses_tx_more(struct sock *sk)
{
	return !skb_queue_empty(&sk->sk_write_queue);
}

/*
 * Push the write queue into TCP without blocking. Every TPDU lives in
 * page fragments (ses_tx_append()): TCP takes them by reference
 * (MSG_SPLICE_PAGES), so each octet is copied once, from the user, as
 * KCM and kTLS send. The pages are never written again; the replay
 * queue of recovery keeps its own reference.
 */
void ses_tx_push(struct sock *sk)
{
	struct ses_sock *ses = ses_sk(sk);
	struct bio_vec bvec[16];
	struct sk_buff *skb;
	bool credited = false;
	struct msghdr msg;
	size_t total;
	int n, i, ret;
	u32 skip;

	while (ses->tcp && ses_tx_more(sk)) {
		n = 0;
		total = 0;
		skip = ses->tx_offset;
		skb_queue_walk(&sk->sk_write_queue, skb) {
			for (i = 0; i < skb_shinfo(skb)->nr_frags; i++) {
				const skb_frag_t *f = &skb_shinfo(skb)->frags[i];
				u32 sz = skb_frag_size(f);

				if (skip >= sz) {
					skip -= sz;
					continue;
				}
				if (n == ARRAY_SIZE(bvec))
					goto send;
				bvec_set_page(&bvec[n++], skb_frag_page(f),
					      sz - skip, skb_frag_off(f) + skip);
				total += sz - skip;
				skip = 0;
			}
		}
send:
		memset(&msg, 0, sizeof(msg));
		msg.msg_flags = MSG_SPLICE_PAGES | MSG_DONTWAIT | MSG_NOSIGNAL;
		iov_iter_bvec(&msg.msg_iter, ITER_SOURCE, bvec, n, total);
		ret = sock_sendmsg(ses->tcp, &msg);
		if (ret <= 0)
			break;	/* -EAGAIN: write_space wakes us */
		while (ret > 0) {
			skb = skb_peek(&sk->sk_write_queue);
			if (ret < skb->len - ses->tx_offset) {
				ses->tx_offset += ret;
				break;
			}
			ret -= skb->len - ses->tx_offset;
			ses->tx_offset = 0;
			credited |= ses_resume_tx_sent(sk, skb);
		}
	}
	/*
	 * What TCP took and the replay queue keeps is room in the send
	 * buffer all the same (ses_resume_wmem()): tell a writer waiting
	 * for it. Nothing else would before the peer's acknowledgment,
	 * which may wait behind the peer's own data in a TCP receive
	 * queue this end does not read while it waits to send.
	 */
	if (credited)
		sk->sk_write_space(sk);
}

/*
 * Append @len octets to @skb in page fragments: from @buf, or from @from
 * when @buf is NULL. The caller sets the skb's owner once it is complete
 * (its truesize grows here). The page frag is the task's, as TCP's: a
 * per-socket one would pin up to 32 KiB in every idle session.
 */
static int ses_tx_append(struct sock *sk, struct sk_buff *skb,
			 const u8 *buf, struct iov_iter *from, size_t len)
{
	struct page_frag *pfrag = sk_page_frag(sk);

	while (len) {
		int i = skb_shinfo(skb)->nr_frags;
		size_t n;
		u8 *to;

		if (!sk_page_frag_refill(sk, pfrag))
			return -ENOBUFS;
		n = min_t(size_t, len, pfrag->size - pfrag->offset);
		to = page_address(pfrag->page) + pfrag->offset;
		if (buf) {
			memcpy(to, buf, n);
			buf += n;
		} else if (!copy_from_iter_full(to, n, from)) {
			return -EFAULT;
		}
		if (i && skb_can_coalesce(skb, i, pfrag->page, pfrag->offset)) {
			skb_frag_size_add(&skb_shinfo(skb)->frags[i - 1], n);
		} else {
			if (i == MAX_SKB_FRAGS)
				return -EMSGSIZE;
			skb_fill_page_desc(skb, i, pfrag->page, pfrag->offset,
					   n);
			get_page(pfrag->page);
		}
		pfrag->offset += n;
		skb->len += n;
		skb->data_len += n;
		skb->truesize += n;
		len -= n;
	}
	return 0;
}

/*
 * Build the TPDUs of one TSDU: @pre (a kernel buffer: an SPDU, or a DT
 * prefix) followed by @dlen octets from @from (may be NULL when @dlen is
 * 0). Each TPDU is one skb on @q, at most tpdu_size octets of TPDU.
 */
static int ses_tx_build_tsdu(struct sock *sk, const u8 *pre, size_t plen,
			     struct iov_iter *from, size_t dlen,
			     struct sk_buff_head *q)
{
	struct ses_sock *ses = ses_sk(sk);
	size_t room = min_t(size_t, ses->tpdu_size - SES_COTP_DT_HLEN,
			    SES_TX_CHUNK);
	size_t left = plen + dlen;
	u8 hdr[SES_DT_TPDU_HLEN];
	int err;

	do {
		size_t n = min(left, room), p = min(plen, n);
		struct sk_buff *skb;

		skb = alloc_skb(0, sk->sk_allocation);
		if (!skb)
			return -ENOBUFS;
		__skb_queue_tail(q, skb);
		ses_dt_tpdu_hdr(hdr, n, left == n);
		err = ses_tx_append(sk, skb, hdr, NULL, sizeof(hdr));
		if (!err && p)
			err = ses_tx_append(sk, skb, pre, NULL, p);
		if (!err && n > p)
			err = ses_tx_append(sk, skb, NULL, from, n - p);
		if (err)
			return err;
		skb_set_owner_w(skb, sk);
		pre += p;
		plen -= p;
		left -= n;
	} while (left);
	return 0;
}

static void ses_tx_commit(struct sock *sk, struct sk_buff_head *q)
{
	struct sk_buff *skb;

	ses_sk(sk)->stats.spdus_sent++;
	skb_queue_walk(q, skb)
		ses_tx_charge(sk, skb);
	if (ses_resume_tx_hold(sk, q))
		return;	/* no transport yet: waits for the resume */
	skb_queue_splice_tail_init(q, &sk->sk_write_queue);
	ses_tx_push(sk);
}

/* Queue one category 1 SPDU and push. */
int ses_tx_spdu(struct sock *sk, const struct ses_spdu *s)
{
	struct sk_buff_head q;
	size_t cap = 512 + SES_SSEL_MAX * 2 + s->user_data_len;
	u8 *buf;
	int len, err;

	buf = kmalloc(cap, GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	len = ses_spdu_encode(buf, cap, s);
	if (len < 0) {
		kfree(buf);
		return len;
	}
	__skb_queue_head_init(&q);
	err = ses_tx_build_tsdu(sk, buf, len, NULL, 0, &q);
	kfree(buf);
	if (err) {
		__skb_queue_purge(&q);
		return err;
	}
	if (ses_resume_sequenced(s->type))
		ses_resume_tx_tag(sk, &q, s->type);
	ses_tx_commit(sk, &q);
	return 0;
}

/* Does @skb, a TPDU of the write queue, end its TSDU? */
static bool ses_tx_ends_tsdu(const struct sk_buff *skb)
{
	u8 buf[SES_COTP_DT_HLEN];
	const u8 *h;

	h = skb_header_pointer(skb, SES_TPKT_HLEN, sizeof(buf), buf);
	return !h || (h[1] & 0xf0) != SES_COTP_DT || (h[2] & SES_COTP_EOT);
}

/*
 * Queue one TSDU the caller encoded (@buf, @len octets) and push. An
 * @urgent one (a recovery acknowledgment) goes before queued data, at
 * the first TSDU boundary.
 */
int ses_tx_tsdu(struct sock *sk, const u8 *buf, size_t len, bool urgent)
{
	struct sk_buff *skb, *at = NULL;
	struct sk_buff_head q;
	int err;

	__skb_queue_head_init(&q);
	err = ses_tx_build_tsdu(sk, buf, len, NULL, 0, &q);
	if (err) {
		__skb_queue_purge(&q);
		return err;
	}
	if (!urgent || skb_queue_len(&q) != 1) {
		ses_tx_commit(sk, &q);
		return 0;
	}
	skb_queue_walk(&sk->sk_write_queue, skb) {
		if (ses_tx_ends_tsdu(skb)) {
			at = skb;
			break;
		}
	}
	skb = __skb_dequeue(&q);
	ses_sk(sk)->stats.spdus_sent++;
	ses_tx_charge(sk, skb);
	if (at)
		__skb_queue_after(&sk->sk_write_queue, at, skb);
	else
		__skb_queue_tail(&sk->sk_write_queue, skb);
	ses_tx_push(sk);
	return 0;
}

/* Send a COTP CR (initiator) or CC (responder). */
int ses_tx_cotp(struct sock *sk, u8 code)
{
	struct ses_sock *ses = ses_sk(sk);
	struct sk_buff *skb;
	u8 buf[32];
	int len;

	if (code == SES_COTP_CR)
		len = ses_cotp_encode_cr(buf, sizeof(buf), 1, SES_TPDU_CODE);
	else
		len = ses_cotp_encode_cc(buf, sizeof(buf), 1, 1,
					 ilog2(ses->tpdu_size));
	if (len < 0)
		return len;
	skb = alloc_skb(0, GFP_KERNEL);
	if (!skb)
		return -ENOMEM;
	if (ses_tx_append(sk, skb, buf, NULL, len)) {
		kfree_skb(skb);
		return -ENOMEM;
	}
	skb_set_owner_w(skb, sk);
	ses_tx_charge(sk, skb);
	__skb_queue_tail(&sk->sk_write_queue, skb);
	ses_tx_push(sk);
	return 0;
}

/*
 * Room for one more SSDU: anything below SO_SNDBUF, so that the SSDU
 * that crosses it is still taken whole (the overshoot is bounded by one
 * SSDU) and EAGAIN is never returned while poll() reports EPOLLOUT.
 */
static bool ses_sndbuf_ok(struct sock *sk)
{
	return ses_resume_wmem(sk) < READ_ONCE(sk->sk_sndbuf);
}

/*
 * And room in the protocol's memory (net/ses/mem.c): under global
 * pressure a socket with data queued waits for it to drain.
 */
static bool ses_tx_room(struct sock *sk, size_t len)
{
	return ses_sndbuf_ok(sk) &&
	       (!sk->sk_wmem_queued || sk_wmem_schedule(sk, len));
}

/*
 * Wait up to *@timeo for room for @len octets in the send buffer and the
 * protocol's memory. Returns 0 (room, without sleeping), 1 (room, after
 * sleeping: the caller checks its preconditions again) or an errno.
 * Process context, sk locked (the wait releases it).
 */
int ses_tx_wait(struct sock *sk, size_t len, long *timeo)
{
	DEFINE_WAIT_FUNC(wait, woken_wake_function);
	int slept = 0;

	while (!ses_tx_room(sk, len)) {
		if (sk->sk_err)
			return sock_error(sk);
		if (sk->sk_shutdown & SEND_SHUTDOWN)
			return -EPIPE;
		if (!*timeo)
			return -EAGAIN;
		if (signal_pending(current))
			return sock_intr_errno(*timeo);
		set_bit(SOCK_NOSPACE, &sk->sk_socket->flags);
		add_wait_queue(sk_sleep(sk), &wait);
		sk_wait_event(sk, timeo,
			      sk->sk_err || (sk->sk_shutdown & SEND_SHUTDOWN) ||
			      ses_tx_room(sk, len), &wait);
		remove_wait_queue(sk_sleep(sk), &wait);
		slept = 1;
	}
	if (sk->sk_shutdown & SEND_SHUTDOWN)
		return -EPIPE;
	return slept;
}

/*
 * Queue one SSDU of @len octets from @msg, whole or not at all: the
 * SSDU becomes one DT SPDU (GT + DT prefix), or several with the
 * Enclosure Item when it exceeds the TSDU size the peer accepts. Waits
 * up to @timeo for send-buffer space. Process context, sk locked (the
 * wait releases it).
 */
int ses_tx_queue_ssdu(struct sock *sk, struct msghdr *msg, size_t len,
		      long timeo)
{
	struct ses_sock *ses = ses_sk(sk);
	size_t tsdu_max = ses->spm.tsdu_max_send, seg, done = 0;
	u8 pre[SES_DT_PREFIX_MAX];
	struct sk_buff_head q;
	int err, plen;
	bool segmented;
	u8 enc;

	err = ses_tx_wait(sk, len, &timeo);
	if (err < 0)
		return err;
	/* slept: another thread may have given the data token away */
	if (err > 0) {
		err = ses_request(sk, SES_EV_SDTREQ);
		if (err)
			return err;
	}

	__skb_queue_head_init(&q);
	if (tsdu_max && len + 4 > tsdu_max) {
		/* segmented: every DT carries at most tsdu_max - 7 octets */
		seg = tsdu_max > SES_DT_PREFIX_MAX + 1 ?
		      tsdu_max - SES_DT_PREFIX_MAX : 1;
		segmented = true;
	} else {
		seg = len;
		segmented = false;
	}
	do {
		size_t n = min(seg, len - done);

		enc = (done ? 0 : SES_ENC_BEGIN) |
		      (done + n == len ? SES_ENC_END : 0);
		plen = ses_dt_prefix(pre, segmented, enc);
		err = ses_tx_build_tsdu(sk, pre, plen, &msg->msg_iter, n, &q);
		if (err) {
			__skb_queue_purge(&q);
			return err;
		}
		ses->stats.spdus_sent++;
		done += n;
	} while (done < len);

	ses->stats.spdus_sent--;	/* counted again by ses_tx_commit() */
	ses->stats.ssdus_sent++;
	ses->stats.bytes_sent += len;
	ses_resume_tx_tag(sk, &q, SES_SPDU_DT);
	ses_tx_commit(sk, &q);
	return len;
}

/* ---- receive (process context, sk locked) ---- */

static void ses_ssdu_drop(struct ses_sock *ses)
{
	kfree_skb(ses->ssdu);
	ses->ssdu = NULL;
	ses->ssdu_tail = NULL;
}

void ses_rx_purge(struct sock *sk)
{
	struct ses_sock *ses = ses_sk(sk);

	skb_queue_purge(&ses->rx_queue);
	atomic_set(&ses->rx_bytes, 0);
	kvfree(ses->tsdu);
	ses->tsdu = NULL;
	ses->tsdu_len = 0;
	ses->ssdu_in_tsdu = false;
	ses->rx_discard = false;
	ses->rx_dup = false;
	ses_ssdu_drop(ses);
}

/*
 * A resync begins: the SSDU being received is abandoned (the rest of a
 * TSDU under way is dropped up to its EOT). True if there was one.
 * Process context, sk locked.
 */
bool ses_rx_ssdu_abandon(struct sock *sk)
{
	struct ses_sock *ses = ses_sk(sk);
	bool had = ses->ssdu || ses->ssdu_in_tsdu;

	if (ses->ssdu_in_tsdu) {
		ses->rx_discard = true;
		/* its DT ended the SSDU: an item the peer numbered */
		if (!ses->spm.in_ssdu)
			ses_resume_rx_item(sk);
	}
	ses->ssdu_in_tsdu = false;
	ses->spm.in_ssdu = false;
	ses_ssdu_drop(ses);
	return had;
}

/* Append @piece to the SSDU being assembled (frag_list chain). */
static void ses_ssdu_append(struct ses_sock *ses, struct sk_buff *piece)
{
	struct sk_buff *head = ses->ssdu;

	if (!head) {
		ses->ssdu = piece;
		ses->ssdu_tail = &skb_shinfo(piece)->frag_list;
		return;
	}
	*ses->ssdu_tail = piece;
	ses->ssdu_tail = &piece->next;
	head->len += piece->len;
	head->data_len += piece->len;
	head->truesize += piece->truesize;
}

/* The TSDU prefix of plain data: GT and DT without parameters. */
static const u8 ses_dt_plain[4] = { SES_SI_GT, 0, SES_SI_DT, 0 };

/*
 * A new piece of the SSDU: @len octets of @skb at @off, copied into
 * memory the piece owns (the parser's skbs are clones of TCP's, whose
 * truesize counts the whole buffer): page fragments for large pieces (an
 * 8 KiB TPDU costs two pages, not a 16 KiB kmalloc), linear for small.
 */
static struct sk_buff *ses_rx_piece(struct sk_buff *skb, int off, int len,
				    gfp_t gfp)
{
	struct sk_buff *piece;
	int err, i, done = 0;

	if (len <= SKB_WITH_OVERHEAD(2048) - NET_SKB_PAD) {
		piece = alloc_skb(len, gfp);
		if (piece && skb_copy_bits(skb, off, skb_put(piece, len), len))
			goto bad;
		return piece;
	}
	piece = alloc_skb_with_frags(0, len, 0, &err, gfp);
	if (!piece)
		return NULL;
	piece->len = len;
	piece->data_len = len;
	for (i = 0; i < skb_shinfo(piece)->nr_frags; i++) {
		skb_frag_t *f = &skb_shinfo(piece)->frags[i];

		if (skb_copy_bits(skb, off + done, skb_frag_address(f),
				  skb_frag_size(f)))
			goto bad;
		done += skb_frag_size(f);
	}
	return piece;
bad:
	kfree_skb(piece);
	return NULL;
}

/* A complete SSDU joins the receive queue. */
static void ses_ssdu_queue(struct sock *sk, struct sk_buff *skb)
{
	struct ses_sock *ses = ses_sk(sk);

	ses->stats.ssdus_received++;
	ses->stats.bytes_received += skb->len;
	memset(ses_rx_cb(skb), 0, sizeof(struct ses_rx_cb));
	ses_rx_cb(skb)->held = ses->spm.tokens_owned;
	ses_rx_charge(sk, skb);
	skb_queue_tail(&sk->sk_receive_queue, skb);
	sk->sk_data_ready(sk);
}

/* Copy @len octets at @off of @skb into a new piece of the SSDU. */
static int ses_ssdu_add(struct sock *sk, struct sk_buff *skb, int off,
			int len)
{
	struct ses_sock *ses = ses_sk(sk);
	struct sk_buff *piece;
	u32 total = (ses->ssdu ? ses->ssdu->len : 0) + len;

	if (total > READ_ONCE(ses_pernet(sock_net(sk))->max_ssdu)) {
		ses_mib_inc(sock_net(sk), SES_MIB_OVERSIZE);
		return -EMSGSIZE;
	}
	piece = ses_rx_piece(skb, off, len, GFP_KERNEL);
	if (!piece)
		return -ENOMEM;
	ses_ssdu_append(ses, piece);
	return 0;
}

/* The SSDU is complete: hand it to the user. */
static void ses_ssdu_deliver(struct sock *sk)
{
	struct ses_sock *ses = ses_sk(sk);
	struct sk_buff *skb = ses->ssdu;
	int dup;

	ses->ssdu = NULL;
	ses->ssdu_tail = NULL;
	dup = ses_resume_rx_item(sk);
	if (dup) {
		/* received before a resume (or items are missing) */
		kfree_skb(skb);
		if (dup < 0)
			ses_rx_bad(sk, SES_MIB_BADSPDU);
		return;
	}
	if (sock_flag(sk, SOCK_DEAD)) {
		/* closed: nobody will read it */
		ses->stats.ssdus_received++;
		ses->stats.bytes_received += skb->len;
		kfree_skb(skb);
		return;
	}
	ses_ssdu_queue(sk, skb);
}

/*
 * Abort the session for bad input from the peer, counted under @field
 * (an enum ses_mib_field). On a reconnect, only that attempt ends.
 */
void ses_rx_bad(struct sock *sk, int field)
{
	struct ses_sock *ses = ses_sk(sk);

	ses_mib_inc(sock_net(sk), field);
	if (ses_resume_rx_bad(sk))
		return;
	ses_rx_purge(sk);
	ses->abort_reason = SES_AB_PROTOCOL_ERROR;
	if (ses->cotp_state && ses->spm.state != SES_STA01 &&
	    ses->spm.state != SES_STA16) {
		ses_run_event(sk, SES_EV_SUABREQ, NULL);
		/* the parser may be gone: TIM ends it if the peer stays */
	} else {
		/* before COTP is up there is no session to abort: close */
		ses_session_done(sk, ECONNABORTED);
	}
}

/*
 * A TSDU of two SPDUs: the category 0 one (GT, PT) acts first, when it
 * does anything (a GT without tokens is the plain data prefix).
 */
static void ses_rx_cat0(struct sock *sk, const struct ses_tsdu *t)
{
	const struct ses_spdu *c0 = &t->spdu[0];

	if (t->n < 2)
		return;
	/* in front of a DT received twice: it acted the first time */
	if (t->spdu[1].type == SES_SPDU_DT &&
	    (ses_sk(sk)->rx_dup || ses_resume_rx_is_dup(sk)))
		return;
	if (c0->type == SES_SPDU_PT ||
	    (c0->type == SES_SPDU_GT && (c0->present & SES_P_TOKEN_ITEM)))
		ses_run_event(sk, ses_spm_spdu_event(c0->type), c0);
}

/* A DT SPDU starts; @hoff: where its user data starts in this TPDU. */
static int ses_rx_dt_begin(struct sock *sk, const struct ses_spdu *dt)
{
	struct ses_sock *ses = ses_sk(sk);
	u8 enc = (dt->present & SES_P_ENCLOSURE) ? dt->enclosure :
		 (SES_ENC_BEGIN | SES_ENC_END);

	if (ses_resume_rx_blocked(sk))
		return -EBADMSG;	/* data before a resume is proven */
	/* an SSDU taken before a resume: dropped whole, machine unseen */
	if ((enc & SES_ENC_BEGIN) && ses_resume_rx_is_dup(sk))
		ses->rx_dup = true;
	if (ses->rx_dup) {
		if (enc & SES_ENC_END) {
			ses->rx_dup = false;
			ses_resume_rx_item(sk);	/* counted as a duplicate */
		}
		return 1;
	}
	/* discarded until our RS is answered, numbered all the same */
	if (ses->spm.state == SES_STA05A && (enc & SES_ENC_END)) {
		int v = ses_resume_rx_item(sk);

		if (v)
			return v > 0 ? 1 : v;	/* seen before a resume */
	}
	ses_run_event(sk, SES_EV_DT, dt);
	if (ses->spm.state != SES_STA713 && ses->spm.state != SES_STA03 &&
	    ses->spm.state != SES_STA04A)
		return 1;	/* discarded, or the session is ending */
	if (!(enc & SES_ENC_BEGIN) && !ses->ssdu)
		return -EBADMSG;	/* continuation without a beginning */
	if ((enc & SES_ENC_BEGIN) && ses->ssdu)
		return -EBADMSG;	/* a new SSDU inside another */
	ses->spm.in_ssdu = !(enc & SES_ENC_END);
	return 0;
}

/*
 * A complete TSDU held linearly in @buf: decode it and run its SPDU
 * through the machine.
 */
static int ses_rx_tsdu(struct sock *sk, const u8 *buf, size_t len)
{
	struct ses_sock *ses = ses_sk(sk);
	struct ses_spdu *s;
	struct ses_tsdu *t;
	int err = 0, ret;

	t = kmalloc(sizeof(*t), GFP_KERNEL);
	if (!t)
		return -ENOMEM;
	if (ses_tsdu_decode(buf, len, ses->spm.fu, t)) {
		kfree(t);
		ses_rx_bad(sk, SES_MIB_BADSPDU);
		return -EBADMSG;
	}
	ses->stats.spdus_received += t->n;
	/* recovery's own SPDUs, and numbered ones received twice */
	if (ses_resume_rx_spdu(sk, t)) {
		kfree(t);
		return 0;
	}
	ses_rx_cat0(sk, t);
	s = &t->spdu[t->n - 1];
	if (t->n == 2 && !ses->tcp) {
		kfree(t);	/* the category 0 SPDU ended the session */
		return 0;
	}
	if (s->type == SES_SPDU_DT) {
		struct sk_buff *piece;

		ret = ses_rx_dt_begin(sk, s);
		if (ret)
			goto dt_out;
		if (ses->ssdu && ses->ssdu->len + s->user_data_len >
		    READ_ONCE(ses_pernet(sock_net(sk))->max_ssdu)) {
			ret = -EMSGSIZE;
			goto dt_out;
		}
		piece = alloc_skb(s->user_data_len, GFP_KERNEL);
		if (!piece) {
			ret = -ENOMEM;
			goto dt_out;
		}
		skb_put_data(piece, s->user_data, s->user_data_len);
		ses_ssdu_append(ses, piece);
		if (!ses->spm.in_ssdu)
			ses_ssdu_deliver(sk);
dt_out:
		if (ret < 0) {
			kfree(t);
			ses_rx_bad(sk, ret == -EMSGSIZE ? SES_MIB_OVERSIZE :
				   SES_MIB_BADSPDU);
			return ret;
		}
		kfree(t);
		return 0;
	}

	if (s->type == SES_SPDU_CN) {
		memcpy(ses->calling_ssel, s->calling_ssel, s->calling_ssel_len);
		ses->calling_ssel_len = s->calling_ssel_len;
		memcpy(ses->called_ssel, s->called_ssel, s->called_ssel_len);
		ses->called_ssel_len = s->called_ssel_len;
	}
	ses_run_event(sk, ses_spm_spdu_event(s->type), s);
	kfree(t);
	return err;
}

/* Append TPDU payload to the linear TSDU buffer. */
static int ses_tsdu_grow(struct ses_sock *ses, struct sk_buff *skb, int off,
			 int len)
{
	u8 *n;

	if (ses->tsdu_len + len > SES_CTRL_TSDU_MAX)
		return -EMSGSIZE;
	n = kvmalloc(ses->tsdu_len + len, GFP_KERNEL);
	if (!n)
		return -ENOMEM;
	if (ses->tsdu_len)
		memcpy(n, ses->tsdu, ses->tsdu_len);
	kvfree(ses->tsdu);
	ses->tsdu = n;
	if (skb_copy_bits(skb, off, n + ses->tsdu_len, len))
		return -EBADMSG;
	ses->tsdu_len += len;
	return 0;
}

/* One COTP DT TPDU: payload at @off, @len octets. */
static void ses_rx_dt_tpdu(struct sock *sk, struct sk_buff *skb, int off,
			   int len, bool eot)
{
	struct ses_sock *ses = ses_sk(sk);
	u8 peek[SES_RX_PEEK];
	struct ses_tsdu *t;
	int err, hoff, peeklen;

	if (ses->rx_discard) {
		ses->rx_discard = !eot;
		return;
	}
	if (ses->ssdu_in_tsdu) {
		/* continuation of a DT's user data */
		err = ses_ssdu_add(sk, skb, off, len);
		if (err) {
			ses_rx_bad(sk, err == -EMSGSIZE ? SES_MIB_OVERSIZE :
				   SES_MIB_BADSPDU);
			return;
		}
		if (eot) {
			ses->ssdu_in_tsdu = false;
			if (!ses->spm.in_ssdu)
				ses_ssdu_deliver(sk);
		}
		return;
	}

	if (ses->tsdu_len)
		goto linear;	/* a control TSDU goes on */
	/* A DT (after GT or PT) takes the skb path: find its user data. */
	peeklen = min_t(int, len, sizeof(peek));
	if (skb_copy_bits(skb, off, peek, peeklen))
		goto linear;
	if (peeklen < 2 || (peek[0] != SES_SI_GT && peek[0] != SES_SI_PT))
		goto linear;
	t = kmalloc(sizeof(*t), GFP_KERNEL);
	if (!t)
		goto linear;
	if (ses_tsdu_decode(peek, peeklen, ses->spm.fu, t) ||
	    t->spdu[t->n - 1].type != SES_SPDU_DT) {
		kfree(t);
		goto linear;
	}
	ses->stats.spdus_received += t->n;
	hoff = t->spdu[t->n - 1].user_data - peek;
	ses_rx_cat0(sk, t);
	err = ses->tcp ? ses_rx_dt_begin(sk, &t->spdu[t->n - 1]) : 1;
	kfree(t);
	if (err < 0) {
		ses_rx_bad(sk, SES_MIB_BADSPDU);
		return;
	}
	if (err > 0) {
		/* discarded (STA16) or the session ended */
		ses->rx_discard = !eot;
		return;
	}
	err = ses_ssdu_add(sk, skb, off + hoff, len - hoff);
	if (err) {
		ses_rx_bad(sk, err == -EMSGSIZE ? SES_MIB_OVERSIZE :
			   SES_MIB_BADSPDU);
		return;
	}
	if (!eot)
		ses->ssdu_in_tsdu = true;
	else if (!ses->spm.in_ssdu)
		ses_ssdu_deliver(sk);
	return;

linear:
	err = ses_tsdu_grow(ses, skb, off, len);
	if (err) {
		ses_rx_bad(sk, err == -EMSGSIZE ? SES_MIB_OVERSIZE :
			   SES_MIB_BADSPDU);
		return;
	}
	if (!eot)
		return;
	{
		u8 *buf = ses->tsdu;
		u32 blen = ses->tsdu_len;

		ses->tsdu = NULL;
		ses->tsdu_len = 0;
		ses_rx_tsdu(sk, buf, blen);
		kvfree(buf);
	}
}

/* ---- receive fast path: plain data where the parser delivers it ---- */

/*
 * The receive fast path: a DT TPDU of plain data (a whole SSDU, or a
 * piece of one spread over TPDUs: the TSDU starts GT DT without
 * parameters) while the session transfers data and the peer may send.
 * This is what the full path (ses_rx_tpkt()) would do with it, without
 * decoding into a struct ses_tsdu or waking the worker. Anything else,
 * or any doubt, returns SES_RXF_SLOW having changed nothing.
 *
 * Context: the session locked, atomic: strparser's rcv_msg under
 * bh_lock_sock(sk) with no owner, ses_release_cb() (owned, spinlock
 * held, BH off), or process context under lock_sock(sk). Allocates with
 * GFP_ATOMIC, sends nothing (acknowledgments go through rec->work).
 */
static int ses_rx_fast(struct sock *sk, struct sk_buff *skb)
{
	struct ses_sock *ses = ses_sk(sk);
	struct strp_msg *rxm = strp_msg(skb);
	int off = rxm->offset + SES_DT_TPDU_HLEN;
	int len = rxm->full_len - SES_DT_TPDU_HLEN;
	u8 h[SES_DT_TPDU_HLEN + sizeof(ses_dt_plain)];
	const struct ses_spm *spm = &ses->spm;
	struct sk_buff *piece;
	u32 total;

	if (!ses->tcp || !ses->cotp_state || ses->tsdu_len ||
	    ses->rx_discard || spm->state != SES_STA713 || spm->in_ssdu ||
	    sock_flag(sk, SOCK_DEAD) || !ses_resume_rx_fast_ok(sk))
		return SES_RXF_SLOW;
	/* half duplex: data from the token's holder only */
	if (spm->tokens_avail & spm->tokens_owned & SES_TOKEN_DATA)
		return SES_RXF_SLOW;
	if (len < 0 || skb_copy_bits(skb, rxm->offset, h,
				     min_t(int, rxm->full_len, sizeof(h))))
		return SES_RXF_SLOW;
	if (h[SES_TPKT_HLEN] != 2 ||
	    (h[SES_TPKT_HLEN + 1] & 0xf0) != SES_COTP_DT)
		return SES_RXF_SLOW;
	if (!ses->ssdu_in_tsdu) {
		if (ses->ssdu || len < (int)sizeof(ses_dt_plain) ||
		    memcmp(h + SES_DT_TPDU_HLEN, ses_dt_plain,
			   sizeof(ses_dt_plain)))
			return SES_RXF_SLOW;
		off += sizeof(ses_dt_plain);
		len -= sizeof(ses_dt_plain);
	}
	total = (ses->ssdu ? ses->ssdu->len : 0) + len;
	if (total > READ_ONCE(ses_pernet(sock_net(sk))->max_ssdu))
		return SES_RXF_SLOW;	/* the full path aborts */
	if (atomic_read(&sk->sk_rmem_alloc) >= READ_ONCE(sk->sk_rcvbuf))
		return SES_RXF_FULL;
	piece = ses_rx_piece(skb, off, len, GFP_ATOMIC);
	if (!piece)
		return SES_RXF_SLOW;	/* the worker may sleep for memory */

	if (!ses->ssdu_in_tsdu)
		ses->stats.spdus_received += 2;
	ses_ssdu_append(ses, piece);
	if (!(h[SES_TPKT_HLEN + 2] & SES_COTP_EOT)) {
		ses->ssdu_in_tsdu = true;
		return SES_RXF_DONE;
	}
	ses->ssdu_in_tsdu = false;
	piece = ses->ssdu;
	ses->ssdu = NULL;
	ses->ssdu_tail = NULL;
	if (ses_resume_rx_fast(sk, piece->len))
		kfree_skb(piece);	/* received before a resume */
	else
		ses_ssdu_queue(sk, piece);
	return SES_RXF_DONE;
}

/*
 * Take what waits on rx_queue: plain data here, the rest by the worker;
 * restart the parser once there is room again.
 * Context: as ses_rx_fast().
 */
static void ses_rx_backlog(struct sock *sk)
{
	struct ses_sock *ses = ses_sk(sk);
	struct sk_buff *skb;
	int v = SES_RXF_DONE;

	while ((skb = skb_peek(&ses->rx_queue))) {
		v = ses_rx_fast(sk, skb);
		if (v != SES_RXF_DONE)
			break;
		skb_unlink(skb, &ses->rx_queue);
		atomic_sub(strp_msg(skb)->full_len, &ses->rx_bytes);
		consume_skb(skb);
	}
	if (v == SES_RXF_SLOW) {
		ses_queue_work(sk, SES_EV_RX);
		return;
	}
	ses_rx_unpause(sk);
	/* a disconnect waits until what came before it is delivered */
	if (v == SES_RXF_DONE && ses->tcp) {
		int state = inet_sk_state_load(ses->tcp->sk);

		if (state == TCP_CLOSE || state == TCP_CLOSE_WAIT)
			ses_queue_work(sk, SES_EV_STATE);
	}
}

/*
 * release_sock(): TPKTs the parser queued while a process owned the
 * session, and what recvmsg() made room for.
 * Context: the socket owned, its spinlock held, BH off.
 */
void ses_release_cb(struct sock *sk)
{
	struct ses_sock *ses = ses_sk(sk);

	if (test_and_clear_bit(SES_EV_DEFER, &ses->events) && ses->strp_on)
		ses_rx_backlog(sk);
}

/* COTP CR arrives at a responder, or CC at an initiator. */
static void ses_rx_cotp_connect(struct sock *sk, const struct ses_cotp *c)
{
	struct ses_sock *ses = ses_sk(sk);
	u8 code = c->tpdu_size_code ?: SES_TPDU_CODE_MIN;

	if (ses_resume_cotp(sk, c))
		return;	/* a reconnect of a session: CN (RESUME) */
	if (ses->cotp_state || c->class_opt >> 4 != 0 ||
	    code < SES_TPDU_CODE_MIN || code > SES_TPDU_CODE_MAX ||
	    ses->initiator == (c->code == SES_COTP_CR)) {
		ses_rx_bad(sk, SES_MIB_BADTPDU);
		return;
	}
	ses->tpdu_size = 1U << min_t(u8, code, SES_TPDU_CODE);
	ses->cotp_state = 1;
	ses_spm_init(&ses->spm, c->code == SES_COTP_CC, ses->fu);
	ses->spm.token_setting = ses->token_setting;
	ses->spm.isn = ses->isn;
	ses->spm.tsdu_max_recv = ses->tsdu_max;
	if (c->code == SES_COTP_CR) {
		memcpy(ses->spm.local_ssel, ses->called_ssel,
		       ses->called_ssel_len);
		ses->spm.local_ssel_len = ses->called_ssel_len;
		ses_tx_cotp(sk, SES_COTP_CC);
	} else {
		ses_run_event(sk, SES_EV_SCONREQ, NULL);
	}
}

/* One complete TPKT from the parser. */
static void ses_rx_tpkt(struct sock *sk, struct sk_buff *skb)
{
	struct ses_sock *ses = ses_sk(sk);
	struct strp_msg *rxm = strp_msg(skb);
	int off = rxm->offset + SES_TPKT_HLEN;
	int len = rxm->full_len - SES_TPKT_HLEN;
	struct ses_cotp c;
	u8 hdr[3], *buf;

	if (len < 3 || skb_copy_bits(skb, off, hdr, 3)) {
		ses_rx_bad(sk, SES_MIB_BADTPDU);
		return;
	}
	if (hdr[0] == 2 && (hdr[1] & 0xf0) == SES_COTP_DT) {
		if (!ses->cotp_state) {
			ses_rx_bad(sk, SES_MIB_BADTPDU);
			return;
		}
		ses_rx_dt_tpdu(sk, skb, off + 3, len - 3,
			       hdr[2] & SES_COTP_EOT);
		return;
	}

	buf = kmalloc(len, GFP_KERNEL);
	if (!buf)
		return;
	if (skb_copy_bits(skb, off, buf, len) ||
	    ses_cotp_decode(buf, len, &c)) {
		kfree(buf);
		ses_rx_bad(sk, SES_MIB_BADTPDU);
		return;
	}
	kfree(buf);
	switch (c.code) {
	case SES_COTP_CR:
	case SES_COTP_CC:
		ses_rx_cotp_connect(sk, &c);
		break;
	case SES_COTP_DR:
		if (!ses_resume_transport_lost(sk, TCP_CLOSE, ECONNRESET))
			ses_run_event(sk, SES_EV_TDISIND, NULL);
		break;
	default:
		ses_rx_bad(sk, SES_MIB_BADTPDU);
		break;
	}
}

/*
 * Restart a paused parser once the receive buffer and rx_queue have
 * room for half of SO_RCVBUF again (hysteresis: not one restart per
 * record read). Context: as ses_rx_fast().
 */
static void ses_rx_unpause(struct sock *sk)
{
	struct ses_sock *ses = ses_sk(sk);
	int half = READ_ONCE(sk->sk_rcvbuf) / 2;

	if (ses->tcp && ses->strp_on && ses->strp.paused &&
	    !ses_resume_rx_hold(ses) &&
	    atomic_read(&ses->rx_bytes) < half &&
	    atomic_read(&sk->sk_rmem_alloc) <= half)
		strp_unpause(&ses->strp);
}

static void ses_rx(struct sock *sk)
{
	struct ses_sock *ses = ses_sk(sk);
	struct sk_buff *skb;
	int err;

	while (ses->tcp && ses->strp_on) {
		if (atomic_read(&sk->sk_rmem_alloc) >= READ_ONCE(sk->sk_rcvbuf))
			return;	/* recvmsg() takes it on when the user reads */
		skb = skb_peek(&ses->rx_queue);
		if (!skb)
			break;
		/* under memory pressure, wait for the reader if there is one */
		if (atomic_read(&sk->sk_rmem_alloc) &&
		    !sk_rmem_schedule(sk, skb, skb->truesize))
			return;
		skb_unlink(skb, &ses->rx_queue);
		atomic_sub(strp_msg(skb)->full_len, &ses->rx_bytes);
		if (ses_rx_fast(sk, skb) != SES_RXF_DONE)
			ses_rx_tpkt(sk, skb);
		kfree_skb(skb);
	}
	err = READ_ONCE(ses->strp_err);
	if (err && ses->tcp) {
		WRITE_ONCE(ses->strp_err, 0);
		ses_rx_bad(sk, SES_MIB_BADTPKT);
		return;
	}
	ses_rx_unpause(sk);
	if (ses->tcp)
		ses_resume_rx_done(sk);
}

/* Look at the TCP state: connected (send CR), or gone. */
static void ses_tcp_state(struct sock *sk)
{
	struct ses_sock *ses = ses_sk(sk);
	struct sock *tsk;
	int state;

	if (!ses->tcp || !ses->strp_on)
		return;
	tsk = ses->tcp->sk;
	state = inet_sk_state_load(tsk);
	if (state == TCP_ESTABLISHED && ses->initiator && !ses->cr_sent) {
		ses->cr_sent = true;
		ses_tx_cotp(sk, SES_COTP_CR);
		return;
	}
	if (state != TCP_CLOSE && state != TCP_CLOSE_WAIT)
		return;
	if (ses_resume_transport_lost(sk, state, READ_ONCE(tsk->sk_err)))
		return;	/* recovery keeps the session */
	/* deliver what TCP still holds before the disconnect */
	if (tcp_inq(tsk) || !skb_queue_empty(&ses->rx_queue))
		return;
	if (!ses->cotp_state) {
		if (!ses->initiator)
			ses_mib_inc(sock_net(sk), SES_MIB_TRANSPORTRESETS);
		ses_session_done(sk, READ_ONCE(tsk->sk_err) ?: ECONNRESET);
		return;
	}
	ses_run_event(sk, SES_EV_TDISIND, NULL);
}

/* Listener: adopt every TCP connection TCP has accepted. */
static void ses_accept_tcp(struct sock *sk)
{
	struct ses_sock *ses = ses_sk(sk);
	struct ses_net *sn = ses_pernet(sock_net(sk));
	struct socket *tcp;
	struct sock *child;

	while (ses->tcp && sk->sk_state == SES_SK_LISTEN &&
	       !kernel_accept(ses->tcp, &tcp, O_NONBLOCK)) {
		if (ses->nr_children >= READ_ONCE(sn->max_backlog_handshakes) ||
		    !ses_session_slot_get(sock_net(sk))) {
			ses_mib_inc(sock_net(sk), SES_MIB_HANDSHAKEDROPS);
			ses_tcp_release_clone(ses, tcp);
			continue;
		}
		child = ses_child_alloc(sk);
		if (!child) {
			ses_session_slot_put(sock_net(sk));
			ses_tcp_release_clone(ses, tcp);
			continue;
		}
		ses_sk(child)->has_slot = true;
		ses_sk(child)->saved_data_ready = ses->saved_data_ready;
		ses_sk(child)->saved_write_space = ses->saved_write_space;
		ses_sk(child)->saved_state_change = ses->saved_state_change;
		/* once attached, the child may end (and be freed) at once */
		sock_hold(child);
		ses_tcp_attach(child, tcp, false);
		ses_queue_work(child, SES_EV_STATE);
		sock_put(child);
	}
}

/*
 * The session worker: process context, takes the socket lock. Holds the
 * sock reference ses_queue_work() took.
 */
void ses_worker(struct work_struct *work)
{
	struct ses_sock *ses = container_of(work, struct ses_sock, work);
	struct sock *sk = &ses->inet.sk;

	lock_sock(sk);
	clear_bit(SES_EV_RX, &ses->events);
	clear_bit(SES_EV_TX, &ses->events);
	clear_bit(SES_EV_STATE, &ses->events);
	if (test_and_clear_bit(SES_EV_ACCEPT, &ses->events))
		ses_accept_tcp(sk);
	ses_rx(sk);
	ses_tx_push(sk);
	ses_tcp_state(sk);
	release_sock(sk);
	sock_put(sk);
}
