// SPDX-License-Identifier: GPL-2.0
/*
 * SES session: performs what the protocol machine asks (send SPDUs,
 * deliver indications, timers), ends sessions, and manages a listener's
 * children. Process context, under the session's socket lock, unless a
 * function says otherwise.
 */
#include <linux/module.h>
#include <net/sock.h>
#include <net/tcp_states.h>

#include "protocol.h"
#include "mib.h"

static int __ses_run_event(struct sock *sk, enum ses_spm_event ev,
			   const struct ses_spdu *spdu);
static void ses_answer_peer(struct sock *sk);

/* Protects every listener's children and accept_q and child->parent. */
static DEFINE_SPINLOCK(ses_child_lock);

/* Drop every record the user has not read; sk locked (or dead). */
void ses_rcvq_purge(struct sock *sk)
{
	skb_queue_purge(&sk->sk_receive_queue);
	WRITE_ONCE(ses_sk(sk)->pri_pending, 0);
}

/* Any context: ask the worker to look at @event. */
void ses_queue_work(struct sock *sk, int event)
{
	struct ses_sock *ses = ses_sk(sk);

	set_bit(event, &ses->events);
	sock_hold(sk);
	if (!queue_work(ses_wq, &ses->work))
		sock_put(sk);
}

void ses_set_timer(struct sock *sk, enum ses_timer_kind kind, u32 ms)
{
	struct ses_sock *ses = ses_sk(sk);

	ses->timer_kind = kind;
	ses->timer_expires = jiffies + msecs_to_jiffies(ms);
	if (!mod_delayed_work(ses_wq, &ses->timer_work, msecs_to_jiffies(ms)))
		sock_hold(sk);
}

void ses_stop_timer(struct sock *sk)
{
	struct ses_sock *ses = ses_sk(sk);

	ses->timer_kind = SES_TIMER_NONE;
	if (cancel_delayed_work(&ses->timer_work))
		sock_put(sk);
}

static void ses_wake(struct sock *sk)
{
	sk->sk_state_change(sk);
	sk->sk_data_ready(sk);
	sk->sk_write_space(sk);
}

/* Remove @sk from its listener's lists; true if it was on one. */
static bool ses_child_unlink(struct sock *sk)
{
	struct ses_sock *ses = ses_sk(sk);
	struct sock *parent;

	spin_lock_bh(&ses_child_lock);
	parent = ses->parent;
	if (parent) {
		list_del_init(&ses->child_list);
		if (ses->on_accept_q)
			sk_acceptq_removed(parent);
		else
			ses_sk(parent)->nr_children--;
		ses->on_accept_q = false;
		ses->parent = NULL;
	}
	spin_unlock_bh(&ses_child_lock);
	if (parent)
		sock_put(parent);
	return parent;
}

/*
 * The session is over: the transport goes, the user is told (@err as
 * sk_err when non-zero), and a session nobody owns any more drops the
 * reference its owner held.
 */
void ses_session_done(struct sock *sk, int err)
{
	struct ses_sock *ses = ses_sk(sk);
	bool was_child;

	ses_stop_timer(sk);
	ses_resume_end(sk);
	ses_tcp_detach(sk);
	ses_tx_queue_purge(sk);
	ses->tx_offset = 0;
	ses->spm.state = SES_STA01;
	if (err)
		WRITE_ONCE(sk->sk_err, err);
	if (err && err != ECONNREFUSED)
		ses_rcvq_purge(sk);
	WRITE_ONCE(sk->sk_shutdown, SHUTDOWN_MASK);
	inet_sk_set_state(sk, SES_SK_CLOSE);
	if (sk->sk_socket)
		sk->sk_socket->state = SS_UNCONNECTED;
	ses_wake(sk);
	if (err)
		sk_error_report(sk);

	/* still waiting for accept(): the listener's reference goes */
	was_child = ses_child_unlink(sk);
	if ((was_child || sock_flag(sk, SOCK_DEAD)) && !ses->ref_dropped) {
		ses->ref_dropped = true;
		sock_set_flag(sk, SOCK_DEAD);
		/* never the last reference: the caller holds one */
		sock_put(sk);
	}
}

/* Established: as initiator wake connect(), as responder queue for accept. */
static void ses_established(struct sock *sk)
{
	struct ses_sock *ses = ses_sk(sk);
	struct sock *parent = NULL;

	ses_stop_timer(sk);
	ses_resume_established(sk);
	inet_sk_set_state(sk, SES_SK_ESTABLISHED);
	if (ses->initiator) {
		ses_mib_inc(sock_net(sk), SES_MIB_ACTIVEOPENS);
		if (sk->sk_socket)
			sk->sk_socket->state = SS_CONNECTED;
		ses_wake(sk);
		return;
	}
	ses_mib_inc(sock_net(sk), SES_MIB_PASSIVEOPENS);
	spin_lock_bh(&ses_child_lock);
	if (ses->parent) {
		parent = ses->parent;
		list_move_tail(&ses->child_list, &ses_sk(parent)->accept_q);
		ses->on_accept_q = true;
		ses_sk(parent)->nr_children--;
		sk_acceptq_added(parent);
		sock_hold(parent);
	}
	spin_unlock_bh(&ses_child_lock);
	if (parent) {
		parent->sk_data_ready(parent);
		sock_put(parent);
	}
}

/* May the responder take one more session onto the accept queue? */
static bool ses_accept_room(struct sock *sk)
{
	struct ses_sock *ses = ses_sk(sk);
	bool room = true;

	spin_lock_bh(&ses_child_lock);
	if (ses->parent)
		room = !sk_acceptq_is_full(ses->parent);
	spin_unlock_bh(&ses_child_lock);
	return room;
}

static void ses_fill_selectors(struct ses_sock *ses, struct ses_spdu *s)
{
	if (ses->calling_ssel_len) {
		s->present |= SES_P_CALLING_SSEL;
		memcpy(s->calling_ssel, ses->calling_ssel, ses->calling_ssel_len);
		s->calling_ssel_len = ses->calling_ssel_len;
	}
	if (ses->called_ssel_len) {
		s->present |= SES_P_CALLED_SSEL;
		memcpy(s->called_ssel, ses->called_ssel, ses->called_ssel_len);
		s->called_ssel_len = ses->called_ssel_len;
	}
}

static void ses_send_simple(struct sock *sk, enum ses_spdu_type type,
			    u32 present, u8 td, u8 reason)
{
	struct ses_spdu s = {
		.type = type,
		.present = present,
		.transport_disc = td,
		.reason = reason,
	};

	ses_tx_spdu(sk, &s);
}

/*
 * Queue an indication for the user, in order with the SSDUs: @prim and
 * @tokens in the record's cb, the SPDU's user data (@data, @len) as its
 * payload. Charged like an SSDU, so a peer cannot pin memory with them.
 */
static void ses_queue_record(struct sock *sk, const struct ses_rx_cb *info,
			     const u8 *data, size_t len)
{
	struct ses_sock *ses = ses_sk(sk);
	struct sk_buff *skb;

	if (sock_flag(sk, SOCK_DEAD))
		return;		/* closed: nobody will read it */
	skb = alloc_skb(len, GFP_KERNEL);
	if (!skb) {
		/* not silently lost: the session cannot go on without it */
		ses->abort_reason = SES_AB_LOCAL_USER;
		ses_mib_inc(sock_net(sk), SES_MIB_ABORTSSENT);
		WRITE_ONCE(sk->sk_err, ENOMEM);
		__ses_run_event(sk, SES_EV_SUABREQ, NULL);
		return;
	}
	skb_put_data(skb, data, len);
	*ses_rx_cb(skb) = *info;
	ses_rx_cb(skb)->held = ses->spm.tokens_owned;
	ses_rx_charge(sk, skb);
	if (info->prim == SES_PRIM_TOKEN_PLEASE)
		WRITE_ONCE(ses->pri_pending, ses->pri_pending + 1);
	skb_queue_tail(&sk->sk_receive_queue, skb);
	sk->sk_data_ready(sk);
}

static void ses_queue_indication(struct sock *sk, u8 prim, u8 tokens,
				 const u8 *data, size_t len)
{
	struct ses_rx_cb info = { .prim = prim, .tokens = tokens };

	ses_queue_record(sk, &info, data, len);
}

/*
 * A recovery notification (SES_PRIM_SUSPENDED, _RESUMED, _GIVEN_UP) with
 * the errno of the failure in .flags. Unlike the peer's indications it
 * carries no state the session needs: when memory is short it is
 * dropped and counted, and the session goes on (SES_INFO still tells).
 */
void ses_queue_notification(struct sock *sk, u8 prim, int err)
{
	struct ses_sock *ses = ses_sk(sk);
	struct sk_buff *skb;

	if (sock_flag(sk, SOCK_DEAD))
		return;
	skb = alloc_skb(0, GFP_KERNEL);
	if (!skb) {
		ses_mib_inc(sock_net(sk), SES_MIB_NOTIFYDROPS);
		return;
	}
	memset(ses_rx_cb(skb), 0, sizeof(struct ses_rx_cb));
	ses_rx_cb(skb)->prim = prim;
	ses_rx_cb(skb)->flags = err;
	ses_rx_cb(skb)->held = ses->spm.tokens_owned;
	ses_rx_charge(sk, skb);
	skb_queue_tail(&sk->sk_receive_queue, skb);
	sk->sk_data_ready(sk);
}

static const u8 *ses_user_data(const struct ses_spdu *s, size_t *len)
{
	*len = s && (s->present & SES_P_USER_DATA) ? s->user_data_len : 0;
	return *len ? s->user_data : NULL;
}

/*
 * Send the MIP, MIA, MAP, MAA, RS or RA the machine asked for, with the
 * request's user data (GT + the SPDU in one TSDU, X.225 6.3.7).
 */
static void ses_send_sync(struct sock *sk, const struct ses_spm_out *out,
			  const struct ses_spdu *req)
{
	struct ses_spdu s = {
		.type = out->send.type,
		.present = out->send.present,
		.serial = out->send.serial,
		.sync_type = out->send.sync_type,
		.resync_type = out->send.resync_type,
		.token_setting = out->send.token_setting,
	};

	s.user_data = ses_user_data(req, &s.user_data_len);
	if (s.user_data_len)
		s.present |= SES_P_USER_DATA;
	ses_tx_spdu(sk, &s);
}

/* The primitive each synchronisation indication is reported as. */
static const u8 ses_sync_prim[] = {
	[SES_IND_SYNC_MINOR] = SES_PRIM_SYNC_MINOR,
	[SES_IND_SYNC_MINOR_CNF] = SES_PRIM_SYNC_MINOR_RESPONSE,
	[SES_IND_SYNC_MAJOR] = SES_PRIM_SYNC_MAJOR,
	[SES_IND_SYNC_MAJOR_CNF] = SES_PRIM_SYNC_MAJOR_RESPONSE,
	[SES_IND_RESYNC] = SES_PRIM_RESYNC,
	[SES_IND_RESYNC_CNF] = SES_PRIM_RESYNC_RESPONSE,
};

/* MIP, MIA, MAP, MAA, RS or RA received: tell the user, in order. */
static void ses_sync_indication(struct sock *sk, const struct ses_spm_out *out,
				const struct ses_spdu *spdu)
{
	struct ses_sock *ses = ses_sk(sk);
	struct ses_rx_cb info = {
		.prim = ses_sync_prim[out->ind],
		.serial = out->send.serial,
	};
	const u8 *data;
	size_t len;

	switch (out->ind) {
	case SES_IND_SYNC_MINOR:
		if (!(out->send.sync_type & SES_SYNC_TYPE_NO_CONFIRM))
			info.flags = SES_SYNC_CONFIRM;
		break;
	case SES_IND_RESYNC:
		/* the peer resynchronises: a partial SSDU of its goes */
		ses_rx_ssdu_abandon(sk);
		info.flags = out->send.resync_type;
		info.tokens = out->send.token_setting;
		break;
	case SES_IND_RESYNC_CNF:
		info.flags = out->send.resync_type;
		info.tokens = out->tokens;
		info.discarded = ses->spm.discarded;
		break;
	}
	data = ses_user_data(spdu, &len);
	ses_queue_record(sk, &info, data, len);
	if (!ses_spm_sync_busy(ses->spm.state))
		sk->sk_write_space(sk);		/* data may flow again */
	if (sock_flag(sk, SOCK_DEAD))
		ses_answer_peer(sk);
	/* closed while our point or resync was pending: release now */
	if (ses->release_wait && (out->ind == SES_IND_SYNC_MAJOR_CNF ||
				  out->ind == SES_IND_RESYNC_CNF)) {
		ses->release_wait = false;
		ses_close_release(sk);
	}
}

static void ses_send_tokens(struct sock *sk, enum ses_spdu_type type,
			    u8 tokens)
{
	struct ses_spdu s = {
		.type = type,
		.present = SES_P_TOKEN_ITEM,
		.token_item = tokens,
	};

	ses_tx_spdu(sk, &s);
}

/*
 * Run @ev through the protocol machine and perform its actions. Returns
 * 0, or the errno of a request the machine rejects.
 */
static int __ses_run_event(struct sock *sk, enum ses_spm_event ev,
			   const struct ses_spdu *spdu)
{
	struct ses_sock *ses = ses_sk(sk);
	struct net *net = sock_net(sk);
	struct ses_spm_out out;
	struct ses_spdu s;
	u32 a;

	ses_spm_event(&ses->spm, ev, spdu, &out);
	a = out.actions;
	if (a & SES_ACT_REJECTED)
		return out.error;
	if (a & SES_ACT_PROTOCOL_ERROR) {
		ses_mib_inc(net, SES_MIB_UNEXPECTEDSPDU);
		ses->abort_reason = SES_AB_PROTOCOL_ERROR;
	}

	if (a & SES_ACT_SEND_CN) {
		ses_spm_fill_cn(&ses->spm, &s);
		ses_fill_selectors(ses, &s);
		ses_resume_fill_cn(sk, &s);
		ses_tx_spdu(sk, &s);
	}
	if (a & SES_ACT_CONNECT_IND) {
		/* The kernel answers for the user: accept unless full. */
		if (ses_accept_room(sk))
			return __ses_run_event(sk, SES_EV_SCONRSP_ACCEPT, NULL);
		ses->reject_reason = SES_RF_SPM_CONGESTION;
		return __ses_run_event(sk, SES_EV_SCONRSP_REJECT, NULL);
	}
	if (a & SES_ACT_SEND_AC) {
		ses_spm_fill_ac(&ses->spm, &s);
		ses_fill_selectors(ses, &s);
		ses_resume_fill_ac(sk, &s);
		ses_tx_spdu(sk, &s);
		ses_established(sk);
	}
	if (a & SES_ACT_SEND_RF) {
		ses_send_simple(sk, SES_SPDU_RF,
				SES_P_TRANSPORT_DISC | SES_P_REASON |
				SES_P_VERSION, SES_TD_RELEASED,
				out.reason ?: ses->reject_reason);
		ses_mib_inc(net, SES_MIB_REFUSEDSENT);
	}
	if (a & SES_ACT_SEND_GT)
		ses_send_tokens(sk, SES_SPDU_GT, spdu->token_item);
	if (a & SES_ACT_SEND_PT)
		ses_tx_spdu(sk, spdu);
	if (a & SES_ACT_SEND_GTC)
		ses_send_simple(sk, SES_SPDU_GTC, 0, 0, 0);
	if (a & SES_ACT_SEND_NF)
		ses_tx_spdu(sk, spdu);
	if (a & SES_ACT_SEND_SYNC) {
		ses_send_sync(sk, &out, spdu);
		/*
		 * Our RS: a partial SSDU of the peer goes (its end is
		 * counted when it arrives), the rest is discarded until RA.
		 */
		if (out.send.type == SES_SPDU_RS)
			ses_rx_ssdu_abandon(sk);
		/* our MAA or RA: data may flow again (other senders wait) */
		if (!ses_spm_sync_busy(ses->spm.state))
			sk->sk_write_space(sk);
	}
	if (a & SES_ACT_SYNC_IND)
		ses_sync_indication(sk, &out, spdu);
	if (a & SES_ACT_TOKEN_GIVE_IND && out.tokens) {
		ses_queue_indication(sk, SES_PRIM_TOKEN_GIVE, out.tokens,
				     NULL, 0);
		if (out.tokens & SES_TOKEN_DATA)
			sk->sk_write_space(sk);
		if (ses->release_wait &&
		    ses->spm.tokens_owned == ses->spm.tokens_avail) {
			ses->release_wait = false;
			__ses_run_event(sk, SES_EV_SRELREQ, NULL);
		}
	}
	if (a & SES_ACT_TOKEN_PLEASE_IND) {
		u8 give = out.tokens & ses->spm.tokens_owned;

		ses_queue_indication(sk, SES_PRIM_TOKEN_PLEASE, out.tokens,
				     spdu->user_data,
				     (spdu->present & SES_P_USER_DATA) ?
				     spdu->user_data_len : 0);
		/*
		 * Closed: nobody here needs the tokens any more, and the
		 * peer may need them to release (both ends closing at
		 * once would otherwise wait for each other's tokens).
		 */
		if (sock_flag(sk, SOCK_DEAD) && give) {
			struct ses_spdu gt = { .type = SES_SPDU_GT,
					       .present = SES_P_TOKEN_ITEM,
					       .token_item = give };

			__ses_run_event(sk, SES_EV_SGTREQ, &gt);
		}
	}
	if (a & SES_ACT_CONTROL_GIVE_IND) {
		ses_send_simple(sk, SES_SPDU_GTA, 0, 0, 0);
		ses_queue_indication(sk, SES_PRIM_CONTROL_GIVE, out.tokens,
				     NULL, 0);
		sk->sk_write_space(sk);
	}
	if (a & SES_ACT_RELEASE_REFUSED) {
		ses_stop_timer(sk);
		ses->release_wait = false;
		if (sock_flag(sk, SOCK_DEAD)) {
			/* closed: the session must end, refused or not */
			ses_abort(sk, SES_AB_LOCAL_USER);
			return 0;
		}
		WRITE_ONCE(sk->sk_shutdown, sk->sk_shutdown & ~SEND_SHUTDOWN);
		ses_queue_indication(sk, SES_PRIM_RELEASE_REFUSE, 0,
				     spdu->user_data,
				     (spdu->present & SES_P_USER_DATA) ?
				     spdu->user_data_len : 0);
		ses_wake(sk);
	}
	if (a & SES_ACT_SEND_FN) {
		ses_send_simple(sk, SES_SPDU_FN, SES_P_TRANSPORT_DISC,
				SES_TD_RELEASED, 0);
		ses_set_timer(sk, SES_TIMER_RELEASE, ses->release_ms);
	}
	if (a & SES_ACT_SEND_DN) {
		ses_send_simple(sk, SES_SPDU_DN, 0, 0, 0);
		/* released for the user; the peer drops the transport */
		WRITE_ONCE(sk->sk_shutdown, SHUTDOWN_MASK);
		inet_sk_set_state(sk, SES_SK_CLOSE);
		ses_wake(sk);
	}
	if (a & SES_ACT_SEND_AB) {
		u8 td = SES_TD_RELEASED;

		td |= ses->abort_reason == SES_AB_PROTOCOL_ERROR ?
		      SES_TD_PROTOCOL_ERROR : SES_TD_USER_ABORT;
		ses_send_simple(sk, SES_SPDU_AB, SES_P_TRANSPORT_DISC, td, 0);
		ses_mib_inc(net, SES_MIB_ABORTSSENT);
		/* This end is finished with the session at once. */
		WRITE_ONCE(sk->sk_err, ses->abort_reason ==
			   SES_AB_PROTOCOL_ERROR ? ECONNABORTED : 0);
		ses_rcvq_purge(sk);
		WRITE_ONCE(sk->sk_shutdown, SHUTDOWN_MASK);
		inet_sk_set_state(sk, SES_SK_CLOSE);
		ses_wake(sk);
		if (sk->sk_err)
			sk_error_report(sk);
	}
	if (a & SES_ACT_CONNECT_CNF)
		ses_established(sk);
	if (a & SES_ACT_REFUSED) {
		ses->refuse_reason = spdu && (spdu->present & SES_P_REASON) ?
				     spdu->reason : SES_RF_USER_NO_REASON;
		ses_mib_inc(net, SES_MIB_REFUSEDRECEIVED);
	}
	if (a & SES_ACT_RELEASE_IND) {
		/* Closed, or shut down for writing already: answer now. */
		bool answer = ses->spm.state == SES_STA09 &&
			      (sock_flag(sk, SOCK_DEAD) ||
			       (sk->sk_shutdown & SEND_SHUTDOWN));

		if (ses->spm.state == SES_STA09 && !answer &&
		    (ses->spm.fu & SES_FU_NEGOTIATED_RELEASE)) {
			/* the user accepts (shutdown, close) or refuses */
			ses_queue_indication(sk, SES_PRIM_RELEASE, 0,
					     spdu->user_data,
					     (spdu->present & SES_P_USER_DATA) ?
					     spdu->user_data_len : 0);
		} else {
			WRITE_ONCE(sk->sk_shutdown,
				   sk->sk_shutdown | RCV_SHUTDOWN);
			ses_wake(sk);
		}
		if (answer)
			__ses_run_event(sk, SES_EV_SRELRSP, NULL);
	}
	if (a & SES_ACT_RELEASE_CNF) {
		ses->dn_received = true;
		ses_session_done(sk, 0);
		return 0;
	}
	if (a & SES_ACT_ABORT_IND) {
		ses->abort_reason = spdu && (spdu->present &
			SES_P_TRANSPORT_DISC) &&
			(spdu->transport_disc & SES_TD_PROTOCOL_ERROR) ?
			SES_AB_PEER_PROTOCOL : SES_AB_PEER_USER;
		ses_mib_inc(net, SES_MIB_ABORTSRECEIVED);
		ses_session_done(sk, ECONNRESET);
		return 0;
	}
	if (a & SES_ACT_TRANSPORT_LOST) {
		ses->abort_reason = SES_AB_TRANSPORT;
		ses_mib_inc(net, SES_MIB_TRANSPORTRESETS);
		ses_session_done(sk, ECONNRESET);
		return 0;
	}
	if (a & SES_ACT_START_TIM)
		ses_set_timer(sk, SES_TIMER_TIM, ses->tim_ms);
	if (a & SES_ACT_DISCONNECT) {
		int err = 0;

		if (a & SES_ACT_REFUSED)
			err = ECONNREFUSED;
		ses_session_done(sk, err);
	}
	if (ses->spm.state == SES_STA01 && ses->tcp)
		ses_session_done(sk, 0);
	return 0;
}

void ses_run_event(struct sock *sk, enum ses_spm_event ev,
		   const struct ses_spdu *spdu)
{
	__ses_run_event(sk, ev, spdu);
}

int ses_request(struct sock *sk, enum ses_spm_event ev)
{
	return __ses_run_event(sk, ev, NULL);
}

/* A request that carries an SPDU's parameters (GT, PT, NF) in @req. */
int ses_request_spdu(struct sock *sk, enum ses_spm_event ev,
		     const struct ses_spdu *req)
{
	return __ses_run_event(sk, ev, req);
}

/*
 * close() of an established session: S-RELEASE. Where the peer holds
 * tokens release needs, ask for them (PT) and release once they arrive;
 * the release timer aborts the session if they never do.
 */
void ses_close_release(struct sock *sk)
{
	struct ses_spdu pt = { .type = SES_SPDU_PT,
			       .present = SES_P_TOKEN_ITEM };
	struct ses_sock *ses = ses_sk(sk);
	u8 missing;

	WRITE_ONCE(sk->sk_shutdown, sk->sk_shutdown | SEND_SHUTDOWN);
	ses_answer_peer(sk);
	if (ses_spm_sync_busy(ses->spm.state)) {
		/* our major point or resync: release once it is answered */
		if (!ses->release_wait)
			ses_set_timer(sk, SES_TIMER_RELEASE, ses->release_ms);
		ses->release_wait = true;
		return;
	}
	if (!ses_request(sk, SES_EV_SRELREQ) || ses->release_wait)
		return;
	missing = ses->spm.tokens_avail & ~ses->spm.tokens_owned;
	if (!missing) {
		/* waiting for a GTA: nothing to ask for, abort */
		ses_abort(sk, SES_AB_LOCAL_USER);
		return;
	}
	pt.token_item = missing;
	if (ses_request_spdu(sk, SES_EV_SPTREQ, &pt)) {
		ses_abort(sk, SES_AB_LOCAL_USER);
		return;
	}
	ses->release_wait = true;
	ses_set_timer(sk, SES_TIMER_RELEASE, ses->release_ms);
}

/*
 * Closed (or closing) while the peer waits for an answer: confirm its
 * major point or accept its resync, since nobody else will.
 */
static void ses_answer_peer(struct sock *sk)
{
	struct ses_sock *ses = ses_sk(sk);
	struct ses_spdu rsp = { .present = SES_P_SERIAL };

	if (ses->spm.state == SES_STA10A) {
		rsp.type = SES_SPDU_MAA;
		rsp.serial = ses->spm.vm - 1;
		__ses_run_event(sk, SES_EV_SSYNMJRSP, &rsp);
	} else if (ses->spm.state == SES_STA11A) {
		rsp.type = SES_SPDU_RA;
		__ses_run_event(sk, SES_EV_SRSYNRSP, &rsp);
	}
}

/* Abort now: AB to the peer (if there is a session), then the end. */
void ses_abort(struct sock *sk, u32 reason)
{
	struct ses_sock *ses = ses_sk(sk);

	/* a session waiting for a resume ends here (no AB: no transport) */
	if (!ses->tcp && !ses_resume_detached(sk))
		return;
	ses->abort_reason = reason;
	if (ses->cotp_state && ses->spm.state != SES_STA01 &&
	    ses->spm.state != SES_STA16) {
		__ses_run_event(sk, SES_EV_SUABREQ, NULL);
		/* Do not wait for the peer: AB is pushed, transport goes. */
		ses_session_done(sk, 0);
		return;
	}
	ses_session_done(sk, reason == SES_AB_TIMEOUT ? ETIMEDOUT : 0);
}

/* The session timer: process context (a delayed work), sk locked here. */
static void ses_timer_fn(struct work_struct *work)
{
	struct ses_sock *ses = container_of(to_delayed_work(work),
					    struct ses_sock, timer_work);
	struct sock *sk = &ses->inet.sk;
	struct net *net = sock_net(sk);

	lock_sock(sk);
	/* re-armed while this run waited for the lock: the new run acts */
	if (time_before(jiffies, ses->timer_expires))
		goto out;
	switch (ses->timer_kind) {
	case SES_TIMER_HANDSHAKE:
		ses->timer_kind = SES_TIMER_NONE;
		ses_mib_inc(net, SES_MIB_HANDSHAKETIMEOUTS);
		ses->abort_reason = SES_AB_TIMEOUT;
		ses_session_done(sk, ETIMEDOUT);
		break;
	case SES_TIMER_RELEASE:
		ses->timer_kind = SES_TIMER_NONE;
		ses_mib_inc(net, SES_MIB_RELEASETIMEOUTS);
		ses->abort_reason = SES_AB_TIMEOUT;
		__ses_run_event(sk, SES_EV_SUABREQ, NULL);
		ses_session_done(sk, ETIMEDOUT);
		break;
	case SES_TIMER_TIM:
		if (ses_resume_detached(sk)) {
			/* a DN waits for its resume: the window bounds it */
			ses_set_timer(sk, SES_TIMER_TIM, ses->tim_ms);
			break;
		}
		ses->timer_kind = SES_TIMER_NONE;
		__ses_run_event(sk, SES_EV_TIM, NULL);
		if (ses->tcp)
			ses_session_done(sk, 0);
		break;
	default:
		break;
	}
out:
	release_sock(sk);
	sock_put(sk);
}

/* Settings a socket starts with: the netns defaults. */
void ses_sock_defaults(struct sock *sk)
{
	struct ses_net *sn = ses_pernet(sock_net(sk));
	struct ses_sock *ses = ses_sk(sk);

	INIT_WORK(&ses->work, ses_worker);
	INIT_DELAYED_WORK(&ses->timer_work, ses_timer_fn);
	skb_queue_head_init(&ses->rx_queue);
	INIT_LIST_HEAD(&ses->child_list);
	INIT_LIST_HEAD(&ses->children);
	INIT_LIST_HEAD(&ses->accept_q);
	ses->fu = SES_FU_DUPLEX;
	ses->handshake_ms = READ_ONCE(sn->handshake_timeout_ms);
	ses->release_ms = READ_ONCE(sn->release_timeout_ms);
	ses->tim_ms = READ_ONCE(sn->tim_timeout_ms);
	ses->refuse_reason = -1;
	ses->tpdu_size = 128;
	ses->isn = 1;
	ses_resume_sock_init(sk);
}

/* A listener's child: inherits the listener's settings. */
struct sock *ses_child_alloc(struct sock *parent)
{
	struct ses_sock *pses = ses_sk(parent), *ses;
	struct sock *sk;

	sk = ses_sk_alloc(parent);
	if (!sk)
		return NULL;
	ses = ses_sk(sk);
	ses->fu = pses->fu;
	ses->tsdu_max = pses->tsdu_max;
	ses->token_setting = pses->token_setting;
	memcpy(ses->called_ssel, pses->called_ssel, pses->called_ssel_len);
	ses->called_ssel_len = pses->called_ssel_len;
	ses->handshake_ms = pses->handshake_ms;
	ses->release_ms = pses->release_ms;
	ses->tim_ms = pses->tim_ms;
	ses_resume_inherit(sk, parent);
	ses->initiator = false;
	inet_sk_set_state(sk, SES_SK_ACCEPTING);

	sock_hold(parent);
	spin_lock_bh(&ses_child_lock);
	ses->parent = parent;
	list_add_tail(&ses->child_list, &pses->children);
	pses->nr_children++;
	spin_unlock_bh(&ses_child_lock);

	/* not yet attached to TCP: nothing else touches it, no lock */
	ses_set_timer(sk, SES_TIMER_HANDSHAKE, ses->handshake_ms);
	return sk;
}

/* accept(): take the first established child, or NULL. */
struct sock *ses_child_take(struct sock *parent)
{
	struct ses_sock *pses = ses_sk(parent), *ses;
	struct sock *sk = NULL;

	spin_lock_bh(&ses_child_lock);
	ses = list_first_entry_or_null(&pses->accept_q, struct ses_sock,
				       child_list);
	if (ses) {
		sk = &ses->inet.sk;
		list_del_init(&ses->child_list);
		ses->parent = NULL;
		ses->on_accept_q = false;
		sk_acceptq_removed(parent);
	}
	spin_unlock_bh(&ses_child_lock);
	if (sk)
		sock_put(parent);
	return sk;
}

bool ses_accept_ready(const struct sock *parent)
{
	return !list_empty_careful(&ses_sk(parent)->accept_q);
}

/*
 * A listener closes: every child, established or not, is aborted. Called
 * without the listener's lock (children's locks are taken here).
 */
void ses_children_abort(struct sock *parent)
{
	struct ses_sock *pses = ses_sk(parent), *ses, *tmp;
	LIST_HEAD(list);

	spin_lock_bh(&ses_child_lock);
	list_splice_init(&pses->children, &list);
	list_splice_init(&pses->accept_q, &list);
	list_for_each_entry(ses, &list, child_list) {
		ses->parent = NULL;
		ses->on_accept_q = false;
	}
	pses->nr_children = 0;
	WRITE_ONCE(parent->sk_ack_backlog, 0);
	spin_unlock_bh(&ses_child_lock);

	list_for_each_entry_safe(ses, tmp, &list, child_list) {
		struct sock *sk = &ses->inet.sk;

		list_del_init(&ses->child_list);
		/* the list's reference may go in ses_abort(): keep one */
		sock_hold(sk);
		lock_sock(sk);
		sock_set_flag(sk, SOCK_DEAD);
		ses_abort(sk, SES_AB_LOCAL_USER);
		if (!ses->ref_dropped) {
			ses->ref_dropped = true;
			sock_put(sk);
		}
		release_sock(sk);
		sock_put(sk);
		sock_put(parent);	/* the child's reference */
	}
}
