/* SPDX-License-Identifier: GPL-2.0 */
/*
 * SES: shared declarations of the socket layer.
 *
 * Lock order: the SES socket lock (lock_sock(sk)) is taken before the
 * lock of the TCP socket under it (tcp_sendmsg and kernel_accept take the
 * latter). A listener's lock is never held while a child's is taken.
 *
 * Contexts: TCP callbacks (ses_tcp_*) and strparser's rcv_msg run in
 * softirq or with the TCP socket locked: they queue skbs, set bits in
 * ses_sock.events and schedule ses_sock.work; the one exception is plain
 * data, which rcv_msg delivers itself under bh_lock_sock(sk) when no
 * process owns the session (transport.c, ses_rx_fast()). Everything else
 * runs in process context under lock_sock(sk).
 */
#ifndef _SES_PROTOCOL_H
#define _SES_PROTOCOL_H

#include <linux/types.h>
#include <linux/workqueue.h>
#include <linux/skbuff.h>
#include <net/sock.h>
#include <net/inet_sock.h>
#include <net/strparser.h>
#include <linux/ipv6.h>
#include <linux/ses.h>

#include "spdu.h"
#include "spm.h"
#include "compat.h"
#include "resume.h"

/* Bits of ses_sock.events: what the worker must look at. */
enum {
	SES_EV_RX,		/* TPDUs queued on rx_queue */
	SES_EV_TX,		/* TCP has send space again */
	SES_EV_STATE,		/* TCP state changed */
	SES_EV_TIMER,		/* the session timer fired */
	SES_EV_ACCEPT,		/* listener: TCP connections to accept */
	SES_EV_DEFER,		/* rx_queue waits for release_sock() */
};

/* What the session timer is running for. */
enum ses_timer_kind {
	SES_TIMER_NONE = 0,
	SES_TIMER_HANDSHAKE,
	SES_TIMER_RELEASE,
	SES_TIMER_TIM,
};

/**
 * struct ses_sock - one SES socket: a session, or a listener
 * @inet: must be first (inet_create() and friends treat us as inet_sock)
 * @tcp: the transport; NULL before connect/listen and after teardown.
 *	Set and cleared under the socket lock.
 * @strp: TPKT framing on @tcp (not used on a listener)
 * @work: the per-socket worker (ses_worker); holds a sock reference
 *	while queued
 * @timer_work: the session timer (handshake, release, TIM); holds a sock
 *	reference while pending
 * @events: SES_EV_* bits set from callbacks, cleared by the worker
 * @rx_queue: complete TPKTs from strparser, in order (own spinlock),
 *	waiting for the worker or for the owner's release_sock()
 * @rx_bytes: TPKT octets on @rx_queue, to pause the parser (atomic)
 * @tsdu: TSDU being reassembled from COTP DTs without EOT (linear)
 * @tsdu_len: octets in @tsdu
 * @ssdu: SSDU being assembled from DT SPDUs or TPDUs (skb chain)
 * @ssdu_tail: where the next piece of @ssdu goes (frag_list)
 * @ssdu_in_tsdu: the current TSDU is a DT whose user data spills into
 *	following TPDUs, appended straight to @ssdu
 * @rx_discard: drop the TPDUs of the current TSDU up to its EOT
 * @rx_dup: the SSDU being received is one this end took before a resume
 *	(ses_resume_rx_is_dup()): its DTs are dropped up to its last segment
 * @tx_offset: octets of the head of sk_write_queue already sent
 * @spm: the protocol machine
 * @timer_kind: what @timer_work is for
 * @timer_expires: when it is due (jiffies)
 * @tpdu_size: negotiated COTP TPDU size
 * @cotp_state: 0 before CR/CC, 1 once COTP is connected
 * @strp_on: @strp is initialised on @tcp (sessions, not listeners)
 * @initiator: this end connects (sends CR and CN)
 * @cr_sent: the COTP CR went out
 * @ref_dropped: the reference of the user (or of the listener's queue)
 *	was dropped once the session ended with nobody owning it
 * @reject_reason: RF reason to send when the SPM asks for one with none
 * @on_accept_q: established child waiting on the parent's accept_q
 * @has_slot: holds one of the netns's net.ses.max_sessions
 * @strp_err: the parser lost framing (set from its abort callback)
 * @saved_*: the TCP socket's callbacks, restored by ses_tcp_detach()
 * @parent: listener of a child still in handshake or on the accept queue
 * @child_list: entry on the parent's @children or @accept_q
 * @children: listener: sessions in handshake
 * @accept_q: listener: established sessions waiting for accept()
 * @nr_children: listener: length of @children
 * @fu: functional units proposed (initiator) or accepted (responder)
 * @fu_set: the user chose @fu
 * @tsdu_max: largest TSDU this end accepts (0 = unlimited)
 * @calling_ssel/@called_ssel: selectors (set by the user, or the CN's)
 * @handshake_ms/@release_ms/@tim_ms: timeouts for this socket
 * @refuse_reason: reason code of the last RF, or -1
 * @abort_reason: SES_AB_* cause of the last abort
 * @dn_received: release completed by DN
 * @token_setting: SES_TOKEN_SETTING: initial tokens proposed (initiator)
 *	or chosen where the CN leaves it to the listener
 * @pri_pending: token-please indications queued on sk_receive_queue
 *	(EPOLLPRI); written under the socket lock, read by poll locklessly
 * @release_wait: closed while the peer held tokens release needs (PT
 *	sent) or while a major point or resync of this end awaited its
 *	answer: FN goes when they arrive (the release timer bounds the wait)
 * @isn: SES_INITIAL_SERIAL: the initial serial number proposed
 * @stats: the counters SES_INFO reports
 * @ropts: recovery settings (resume.h)
 * @rec: recovery state once negotiated (resume.c), else NULL
 *
 * Locking: all fields except @events, @rx_queue and @rx_bytes are
 * protected by the socket lock. A listener's @children and @accept_q are
 * protected by the listener's socket lock.
 */
struct ses_sock {
	struct inet_sock inet;
	struct socket *tcp;
	struct strparser strp;
	struct work_struct work;
	struct delayed_work timer_work;
	unsigned long events;
	struct sk_buff_head rx_queue;
	atomic_t rx_bytes;

	u8 *tsdu;
	u32 tsdu_len;
	struct sk_buff *ssdu;
	struct sk_buff **ssdu_tail;
	bool ssdu_in_tsdu;
	bool rx_discard;
	bool rx_dup;
	u32 tx_offset;

	struct ses_spm spm;
	enum ses_timer_kind timer_kind;
	unsigned long timer_expires;
	u32 tpdu_size;
	u8 cotp_state;
	bool strp_on;
	bool initiator;
	bool cr_sent;
	bool ref_dropped;
	u8 reject_reason;
	bool on_accept_q;
	bool has_slot;
	int strp_err;

	void (*saved_data_ready)(struct sock *sk);
	void (*saved_write_space)(struct sock *sk);
	void (*saved_state_change)(struct sock *sk);
	void (*orig_destruct)(struct sock *sk);

	struct sock *parent;
	struct list_head child_list;
	struct list_head children;
	struct list_head accept_q;
	u32 nr_children;

	u16 fu;
	bool fu_set;
	u16 tsdu_max;
	u8 calling_ssel[SES_SSEL_MAX];
	u8 calling_ssel_len;
	u8 called_ssel[SES_SSEL_MAX];
	u8 called_ssel_len;
	u32 handshake_ms;
	u32 release_ms;
	u32 tim_ms;
	int refuse_reason;
	u32 abort_reason;
	bool dn_received;
	u8 token_setting;
	u32 pri_pending;
	bool release_wait;
	u32 isn;

	struct {
		u64 ssdus_sent;
		u64 ssdus_received;
		u64 bytes_sent;
		u64 bytes_received;
		u64 spdus_sent;
		u64 spdus_received;
	} stats;

	struct ses_resume_opts ropts;
	struct ses_recovery *rec;
};

/*
 * What a record on sk_receive_queue is (skb->cb): an SSDU or an
 * indication (enum ses_primitive), its tokens, the tokens this end
 * held once it was received, and for synchronisation primitives the
 * serial number, flags and SSDUs discarded (struct ses_rcvinfo).
 */
struct ses_rx_cb {
	u8 prim;
	u8 tokens;
	u8 held;
	u8 flags;
	u32 serial;
	u32 discarded;
};

static inline struct ses_rx_cb *ses_rx_cb(const struct sk_buff *skb)
{
	BUILD_BUG_ON(sizeof(struct ses_rx_cb) > sizeof(skb->cb));
	return (struct ses_rx_cb *)skb->cb;
}

/*
 * May this end send normal data now? Half duplex: the data token; and
 * no major point or resync waiting for its answer (STA04A, STA05A,
 * STA10A, STA11A). Read locklessly by poll and write_space.
 */
static inline bool ses_may_send_data(const struct ses_sock *ses)
{
	if (ses_spm_sync_busy(READ_ONCE(ses->spm.state)))
		return false;
	return !(READ_ONCE(ses->spm.tokens_avail) & SES_TOKEN_DATA) ||
	       (READ_ONCE(ses->spm.tokens_owned) & SES_TOKEN_DATA);
}

/* PF_INET6 sockets carry the IPv6 part after ours (inet6_create). */
struct ses6_sock {
	struct ses_sock ses;
	struct ipv6_pinfo np;
};

static inline struct ses_sock *ses_sk(const struct sock *sk)
{
	return (struct ses_sock *)sk;
}

/* Socket-level states (sk->sk_state), TCP numbers so generic code that
 * looks at sk_state (sk_fullsock(), diag) sees sensible values.
 */
#define SES_SK_CLOSE		TCP_CLOSE
#define SES_SK_LISTEN		TCP_LISTEN
#define SES_SK_CONNECTING	TCP_SYN_SENT
#define SES_SK_ACCEPTING	TCP_SYN_RECV
#define SES_SK_ESTABLISHED	TCP_ESTABLISHED

/*
 * Per-netns state (ctrl.c, mib.c): the net.ses sysctls, the number of
 * sessions with a transport (@sessions, bounded by @max_sessions) and
 * the counters.
 */
struct ses_net {
	u32 handshake_timeout_ms;
	u32 release_timeout_ms;
	u32 tim_timeout_ms;
	u32 max_ssdu;
	u32 max_backlog_handshakes;
	u32 max_sessions;
	atomic_t sessions;
	struct ctl_table_header *sysctl_hdr;
	struct ses_mib __percpu *mib;
};

struct ses_net *ses_pernet(const struct net *net);
int ses_ctrl_init(void);
void ses_ctrl_exit(void);

/* af_ses.c, session.c */
extern struct workqueue_struct *ses_wq;
void ses_queue_work(struct sock *sk, int event);
void ses_set_timer(struct sock *sk, enum ses_timer_kind kind, u32 ms);
void ses_stop_timer(struct sock *sk);
struct sock *ses_child_alloc(struct sock *parent);
void ses_child_ready(struct sock *child);
void ses_session_done(struct sock *sk, int err);
int ses_request(struct sock *sk, enum ses_spm_event ev);
int ses_request_spdu(struct sock *sk, enum ses_spm_event ev,
		     const struct ses_spdu *req);
void ses_close_release(struct sock *sk);
void ses_rcvq_purge(struct sock *sk);
void ses_sock_defaults(struct sock *sk);
struct sock *ses_sk_alloc(struct sock *parent);
struct sock *ses_child_take(struct sock *parent);
bool ses_accept_ready(const struct sock *parent);
void ses_children_abort(struct sock *parent);
void ses_queue_notification(struct sock *sk, u8 prim, int err);

/* transport.c */
int ses_tcp_create(struct sock *sk, struct socket **res);
bool ses_session_slot_get(struct net *net);
void ses_session_slot_put(struct net *net);
void ses_tcp_attach(struct sock *sk, struct socket *tcp, bool listener);
void ses_tcp_detach(struct sock *sk);
void ses_worker(struct work_struct *work);
void ses_release_cb(struct sock *sk);
int ses_tx_spdu(struct sock *sk, const struct ses_spdu *s);
int ses_tx_cotp(struct sock *sk, u8 code);
void ses_tx_push(struct sock *sk);
int ses_tx_wait(struct sock *sk, size_t len, long *timeo);
int ses_tx_queue_ssdu(struct sock *sk, struct msghdr *msg, size_t len,
		      long timeo);
void ses_run_event(struct sock *sk, enum ses_spm_event ev,
		   const struct ses_spdu *spdu);
void ses_rx_purge(struct sock *sk);
bool ses_rx_ssdu_abandon(struct sock *sk);
int ses_tx_tsdu(struct sock *sk, const u8 *buf, size_t len, bool urgent);
void ses_rx_bad(struct sock *sk, int field);

/* mem.c: socket memory accounting */
void ses_mem_init(void);
void ses_mem_charge_force(struct sock *sk, int size);
void ses_tx_charge(struct sock *sk, struct sk_buff *skb);
void ses_rx_charge(struct sock *sk, struct sk_buff *skb);
void ses_tx_queue_free(struct sock *sk, struct sk_buff *skb);
void ses_tx_unlink_free(struct sock *sk, struct sk_buff *skb,
			struct sk_buff_head *q);
void ses_tx_queue_purge(struct sock *sk);
extern long sysctl_ses_mem[3];
extern int sysctl_ses_rmem[3];
extern int sysctl_ses_wmem[3];
extern atomic_long_t ses_memory_allocated;
extern unsigned long ses_memory_pressure;
DECLARE_PER_CPU(int, ses_memory_per_cpu_fw_alloc);
void ses_enter_memory_pressure(struct sock *sk);

/* sockopt.c */
int ses_setsockopt(struct sock *sk, int level, int optname,
		   sockptr_t optval, unsigned int optlen);
int ses_getsockopt(struct sock *sk, int level, int optname,
		   char __user *optval, int __user *optlen);
void ses_abort(struct sock *sk, u32 reason);

#endif /* _SES_PROTOCOL_H */
