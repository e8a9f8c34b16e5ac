/* SPDX-License-Identifier: GPL-2.0 */
/*
 * SES recovery (resume.c): a session outlives the TCP connection under
 * it. The hooks the rest of the module calls; each says its context.
 * Unless a hook says otherwise it runs in process context under the
 * session's socket lock, and does nothing on a session that did not
 * negotiate recovery.
 */
#ifndef _SES_RESUME_H
#define _SES_RESUME_H

#include <linux/types.h>

struct sock;
struct ses_sock;
struct sk_buff;
struct sk_buff_head;
struct sockaddr;
struct ses_spdu;
struct ses_tsdu;
struct ses_cotp;
struct ses_info;

/**
 * struct ses_resume_opts - recovery settings of one socket
 * @ext: SES_EXT_* this end offers (initiator) or accepts (responder)
 * @window_ms: how long a session without transport waits for a resume
 * @reconnect_max_ms: cap of the initiator's reconnect back-off
 * @keepalive_ms: TCP keepalive idle time of the transport
 * @user_timeout_ms: TCP_USER_TIMEOUT of the transport
 * @events: queue the recovery notifications (SES_RECOVERY_EVENTS)
 *
 * Set from the net.ses sysctls at socket creation, changed by the
 * SES_* options, inherited by a listener's sessions. Socket lock.
 */
struct ses_resume_opts {
	u16 ext;
	u32 window_ms;
	u32 reconnect_max_ms;
	u32 keepalive_ms;
	u32 user_timeout_ms;
	bool events;
};

/* Module init/exit: per-netns session table and sysctls, the MAC. */
int ses_resume_init(void);
void ses_resume_exit(void);

/* Socket life: defaults, a listener's child, the destructor (any
 * context, may be an RCU callback), the end of a session.
 */
void ses_resume_sock_init(struct sock *sk);
void ses_resume_inherit(struct sock *child, const struct sock *parent);
void ses_resume_destruct(struct sock *sk);
void ses_resume_end(struct sock *sk);

/* The session lives on without a usable transport (suspended, or a new
 * one being set up): it is not over, and must not be freed.
 */
bool ses_resume_detached(const struct sock *sk);
bool ses_resume_negotiated(const struct sock *sk);

/* Negotiation: the extension in CN and AC, and establishment. */
void ses_resume_fill_cn(struct sock *sk, struct ses_spdu *cn);
void ses_resume_fill_ac(struct sock *sk, struct ses_spdu *ac);
void ses_resume_established(struct sock *sk);

/* Transmit: number the TPDUs of a sequenced item (@type: the
 * enum ses_spdu_type of its SPDU, DT for an SSDU), hold them while
 * the session has no transport, keep them once sent until acknowledged.
 */
bool ses_resume_sequenced(int type);
void ses_resume_tx_tag(struct sock *sk, struct sk_buff_head *q, int type);
bool ses_resume_tx_hold(struct sock *sk, struct sk_buff_head *q);
bool ses_resume_tx_sent(struct sock *sk, struct sk_buff *skb);
int ses_resume_wmem(const struct sock *sk);

/* Receive. ses_resume_rx_hold() runs in strparser's rcv_msg (softirq or
 * the TCP socket locked): stop parsing after this message.
 */
bool ses_resume_rx_hold(const struct ses_sock *ses);
bool ses_resume_rx_spdu(struct sock *sk, const struct ses_tsdu *t);
int ses_resume_rx_item(struct sock *sk);
bool ses_resume_rx_blocked(const struct sock *sk);
bool ses_resume_rx_is_dup(const struct sock *sk);
void ses_resume_rx_done(struct sock *sk);
bool ses_resume_rx_fast_ok(const struct sock *sk);
int ses_resume_rx_fast(struct sock *sk, u32 len);
bool ses_resume_rx_bad(struct sock *sk);
bool ses_resume_cotp(struct sock *sk, const struct ses_cotp *c);

/* The transport closed (@state: TCP state, @err: its sk_err): true when
 * recovery takes the session over.
 */
bool ses_resume_transport_lost(struct sock *sk, int state, int err);

/* Options, SES_INFO, getname() while detached. */
int ses_resume_setsockopt(struct sock *sk, int optname, int val);
int ses_resume_getsockopt(struct sock *sk, int optname, int *val);
void ses_resume_fill_info(struct sock *sk, struct ses_info *info);
int ses_resume_getname(struct sock *sk, struct sockaddr *addr, int peer);

#endif /* _SES_RESUME_H */
