// SPDX-License-Identifier: GPL-2.0
/*
 * SES: the OSI session layer (ISO 8327-1 / X.225 over RFC 1006) as a
 * Linux socket protocol.
 *
 *	fd = socket(AF_INET or AF_INET6, SOCK_SEQPACKET, IPPROTO_SES);
 *
 * This file registers the protocol and holds the socket calls. The TCP
 * socket under a session lives in transport.c, the protocol machine in
 * spm.c, the wire codec in spdu.c.
 *
 * Socket calls run in process context and take the socket lock.
 */
#include <linux/module.h>
#include <linux/net.h>
#include <linux/poll.h>
#include <linux/sched/signal.h>
#include <linux/in.h>
#include <linux/in6.h>
#include <linux/sockios.h>
#include <asm/ioctls.h>
#include <net/sock.h>
#include <net/inet_common.h>
#include <net/protocol.h>
#include <net/ipv6.h>
#include <net/transp_v6.h>
#include <net/tcp_states.h>

#include "protocol.h"
#include "mib.h"

struct workqueue_struct *ses_wq;

static struct lock_class_key ses_slock_key[2];
static struct lock_class_key ses_lock_key[2];

static struct proto ses_prot;
static struct proto ses6_prot;

/* Locks of SES sockets get their own lockdep class: a session takes the
 * lock of the TCP socket (same family) under its own.
 */
static void ses_lockdep_class(struct sock *sk)
{
	bool v6 = sk->sk_family == AF_INET6;

	sock_lock_init_class_and_name(sk, v6 ? "slock-AF_INET6-SES" :
				      "slock-AF_INET-SES", &ses_slock_key[v6],
				      v6 ? "sk_lock-AF_INET6-SES" :
				      "sk_lock-AF_INET-SES", &ses_lock_key[v6]);
}

static void ses_write_space(struct sock *sk)
{
	struct socket_wq *wq;

	if (ses_resume_wmem(sk) >= READ_ONCE(sk->sk_sndbuf) ||
	    !ses_may_send_data(ses_sk(sk)))
		return;
	rcu_read_lock();
	wq = rcu_dereference(sk->sk_wq);
	if (skwq_has_sleeper(wq))
		wake_up_interruptible_sync_poll(&wq->wait, EPOLLOUT |
						EPOLLWRNORM | EPOLLWRBAND);
	if (wq && wq->fasync_list && !(sk->sk_shutdown & SEND_SHUTDOWN))
		sock_wake_async(wq, SOCK_WAKE_SPACE, POLL_OUT);
	rcu_read_unlock();
}

static void ses_destruct(struct sock *sk)
{
	struct ses_sock *ses = ses_sk(sk);

	skb_queue_purge(&ses->rx_queue);
	kvfree(ses->tsdu);
	kfree_skb(ses->ssdu);
	ses_tx_queue_purge(sk);
	ses_resume_destruct(sk);
	ses->orig_destruct(sk);
}

/* proto->init: called by inet_create()/inet6_create(). */
static int ses_init_sock(struct sock *sk)
{
	ses_lockdep_class(sk);
	ses_sock_defaults(sk);
	ses_sk(sk)->orig_destruct = sk->sk_destruct;
	sk->sk_destruct = ses_destruct;
	sk->sk_write_space = ses_write_space;
	sk->sk_state = SES_SK_CLOSE;
	ses_sk(sk)->initiator = true;
	return 0;
}

/* A child socket for a listener, as inet_create() would make it. */
struct sock *ses_sk_alloc(struct sock *parent)
{
	struct sock *sk;

	sk = sk_alloc(sock_net(parent), parent->sk_family, GFP_KERNEL,
		      parent->sk_prot, 0);
	if (!sk)
		return NULL;
	sock_init_data(NULL, sk);
	sk->sk_type = parent->sk_type;
	sk->sk_protocol = parent->sk_protocol;
	sk->sk_rcvbuf = parent->sk_rcvbuf;
	sk->sk_sndbuf = parent->sk_sndbuf;
	sk->sk_destruct = inet_sock_destruct;
#if IS_ENABLED(CONFIG_IPV6)
	if (sk->sk_family == AF_INET6) {
		inet_sk(sk)->pinet6 = &((struct ses6_sock *)sk)->np;
		sk->sk_destruct = inet6_sock_destruct;
	}
#endif
	ses_init_sock(sk);
	return sk;
}

static void ses_unhash(struct sock *sk)
{
}

static int ses_hash(struct sock *sk)
{
	return 0;
}

static bool ses_addr_ok(struct sock *sk, const struct sockaddr *addr,
			int len)
{
	if (len < sizeof(addr->sa_family) || addr->sa_family != sk->sk_family)
		return false;
	if (sk->sk_family == AF_INET)
		return len >= sizeof(struct sockaddr_in);
	return len >= SIN6_LEN_RFC2133;
}

static int ses_ensure_tcp(struct sock *sk)
{
	struct ses_sock *ses = ses_sk(sk);

	if (ses->tcp)
		return 0;
	return ses_tcp_create(sk, &ses->tcp);
}

static int ses_bind(struct socket *sock, struct sockaddr *addr, int len)
{
	struct sock *sk = sock->sk;
	int err;

	if (!ses_addr_ok(sk, addr, len))
		return -EINVAL;
	lock_sock(sk);
	err = -EINVAL;
	if (sk->sk_state != SES_SK_CLOSE || ses_sk(sk)->strp_on)
		goto out;
	err = ses_ensure_tcp(sk);
	if (!err)
		err = kernel_bind(ses_sk(sk)->tcp, addr, len);
out:
	release_sock(sk);
	return err;
}

static int ses_wait_connected(struct sock *sk, long *timeo)
{
	DEFINE_WAIT_FUNC(wait, woken_wake_function);

	add_wait_queue(sk_sleep(sk), &wait);
	while (sk->sk_state == SES_SK_CONNECTING) {
		if (!*timeo || signal_pending(current))
			break;
		sk_wait_event(sk, timeo, sk->sk_state != SES_SK_CONNECTING,
			      &wait);
	}
	remove_wait_queue(sk_sleep(sk), &wait);
	if (sk->sk_state == SES_SK_ESTABLISHED)
		return 0;
	if (sk->sk_state == SES_SK_CONNECTING)
		return signal_pending(current) ? sock_intr_errno(*timeo) :
						 -EINPROGRESS;
	return sock_error(sk) ?: -ECONNREFUSED;
}

static int ses_connect(struct socket *sock, struct sockaddr *addr, int len,
		       int flags)
{
	struct sock *sk = sock->sk;
	struct ses_sock *ses = ses_sk(sk);
	long timeo;
	int err;

	if (!ses_addr_ok(sk, addr, len))
		return addr->sa_family == AF_UNSPEC ? -EOPNOTSUPP : -EINVAL;
	lock_sock(sk);
	timeo = sock_sndtimeo(sk, flags & O_NONBLOCK);
	switch (sk->sk_state) {
	case SES_SK_ESTABLISHED:
		err = -EISCONN;
		goto out;
	case SES_SK_CONNECTING:
		err = timeo ? ses_wait_connected(sk, &timeo) : -EALREADY;
		goto out;
	case SES_SK_CLOSE:
		if (!ses->strp_on && !sk->sk_shutdown)
			break;
		err = -EISCONN;
		goto out;
	default:
		err = -EINVAL;
		goto out;
	}

	err = ses_ensure_tcp(sk);
	if (err)
		goto out;
	err = -ENOBUFS;		/* net.ses.max_sessions reached */
	if (!ses_session_slot_get(sock_net(sk)))
		goto out;
	ses->has_slot = true;
	ses->initiator = true;
	ses_tcp_attach(sk, ses->tcp, false);
	sk->sk_err = 0;
	inet_sk_set_state(sk, SES_SK_CONNECTING);
	ses_set_timer(sk, SES_TIMER_HANDSHAKE, ses->handshake_ms);
	err = kernel_connect(ses->tcp, addr, len, O_NONBLOCK);
	if (err && err != -EINPROGRESS) {
		ses_session_done(sk, 0);
		sk->sk_shutdown = 0;
		goto out;
	}
	sock->state = SS_CONNECTING;
	ses_queue_work(sk, SES_EV_STATE);
	err = timeo ? ses_wait_connected(sk, &timeo) : -EINPROGRESS;
out:
	if (!err)
		sock->state = SS_CONNECTED;
	release_sock(sk);
	return err;
}

static int ses_listen(struct socket *sock, int backlog)
{
	struct sock *sk = sock->sk;
	struct ses_sock *ses = ses_sk(sk);
	int err;

	lock_sock(sk);
	err = -EINVAL;
	if (sock->state != SS_UNCONNECTED || ses->strp_on ||
	    (sk->sk_state != SES_SK_CLOSE && sk->sk_state != SES_SK_LISTEN))
		goto out;
	WRITE_ONCE(sk->sk_max_ack_backlog, backlog);
	if (sk->sk_state == SES_SK_LISTEN) {
		err = 0;
		goto out;
	}
	err = ses_ensure_tcp(sk);
	if (err)
		goto out;
	ses->initiator = false;
	if (!ses->fu_set)	/* a listener takes every unit SES has */
		ses->fu = SES_FU_SUPPORTED;
	ses_tcp_attach(sk, ses->tcp, true);
	err = kernel_listen(ses->tcp, backlog);
	if (err) {
		ses_tcp_detach(sk);
		goto out;
	}
	inet_sk_set_state(sk, SES_SK_LISTEN);
	ses_queue_work(sk, SES_EV_ACCEPT);
out:
	release_sock(sk);
	return err;
}

static int ses_accept(struct socket *sock, struct socket *newsock,
		      SES_ACCEPT_ARGS)
{
	DEFINE_WAIT_FUNC(wait, woken_wake_function);
	struct sock *sk = sock->sk, *child;
	long timeo;
	int err = 0;

	lock_sock(sk);
	timeo = sock_rcvtimeo(sk, SES_ACCEPT_FLAGS & O_NONBLOCK);
	add_wait_queue(sk_sleep(sk), &wait);
	while (!(child = ses_child_take(sk))) {
		if (sk->sk_state != SES_SK_LISTEN) {
			err = -EINVAL;
			break;
		}
		if (!timeo) {
			err = -EAGAIN;
			break;
		}
		if (signal_pending(current)) {
			err = sock_intr_errno(timeo);
			break;
		}
		sk_wait_event(sk, &timeo, ses_accept_ready(sk) ||
			      sk->sk_state != SES_SK_LISTEN, &wait);
	}
	remove_wait_queue(sk_sleep(sk), &wait);
	release_sock(sk);
	if (err)
		return err;

	lock_sock(child);
	sock_graft(child, newsock);
	newsock->state = child->sk_state == SES_SK_ESTABLISHED ?
			 SS_CONNECTED : SS_UNCONNECTED;
	release_sock(child);
	return 0;
}

static int ses_getname(struct socket *sock, struct sockaddr *addr, int peer)
{
	struct sock *sk = sock->sk;
	struct ses_sock *ses = ses_sk(sk);
	int ret;

	lock_sock(sk);
	if (!ses->tcp && ses_resume_detached(sk)) {
		ret = ses_resume_getname(sk, addr, peer);
	} else if (!ses->tcp) {
		ret = peer ? -ENOTCONN : 0;
		if (!ret) {
			memset(addr, 0, sizeof(struct sockaddr_in6));
			addr->sa_family = sk->sk_family;
			ret = sk->sk_family == AF_INET ?
			      sizeof(struct sockaddr_in) :
			      sizeof(struct sockaddr_in6);
		}
	} else if (peer) {
		ret = kernel_getpeername(ses->tcp, addr);
	} else {
		ret = kernel_getsockname(ses->tcp, addr);
	}
	release_sock(sk);
	return ret;
}

static __poll_t ses_poll(struct file *file, struct socket *sock,
			 poll_table *wait)
{
	struct sock *sk = sock->sk;
	__poll_t mask = 0;
	u8 shutdown;
	int state;

	sock_poll_wait(file, sock, wait);
	state = inet_sk_state_load(sk);
	if (state == SES_SK_LISTEN)
		return ses_accept_ready(sk) ? EPOLLIN | EPOLLRDNORM : 0;

	shutdown = READ_ONCE(sk->sk_shutdown);
	if (READ_ONCE(sk->sk_err))
		mask |= EPOLLERR;
	if (shutdown == SHUTDOWN_MASK || state == SES_SK_CLOSE)
		mask |= EPOLLHUP;
	if (shutdown & RCV_SHUTDOWN)
		mask |= EPOLLIN | EPOLLRDNORM | EPOLLRDHUP;
	if (!skb_queue_empty_lockless(&sk->sk_receive_queue))
		mask |= EPOLLIN | EPOLLRDNORM;
	if (READ_ONCE(ses_sk(sk)->pri_pending))
		mask |= EPOLLPRI;	/* a token-please indication to read */
	if (state == SES_SK_ESTABLISHED && !(shutdown & SEND_SHUTDOWN) &&
	    ses_may_send_data(ses_sk(sk))) {
		if (ses_resume_wmem(sk) < READ_ONCE(sk->sk_sndbuf))
			mask |= EPOLLOUT | EPOLLWRNORM;
		else
			sk_set_bit(SOCKWQ_ASYNC_NOSPACE, sk);
	}
	return mask;
}

static int ses_ioctl(struct socket *sock, unsigned int cmd, unsigned long arg)
{
	struct sock *sk = sock->sk;
	struct sk_buff *skb;
	int answ;

	switch (cmd) {
	case SIOCINQ:	/* size of the next SSDU, like SOCK_SEQPACKET */
		spin_lock_bh(&sk->sk_receive_queue.lock);
		skb = skb_peek(&sk->sk_receive_queue);
		answ = skb ? skb->len : 0;
		spin_unlock_bh(&sk->sk_receive_queue.lock);
		break;
	case SIOCOUTQ:
		answ = sk_wmem_alloc_get(sk);
		break;
	default:
		return -ENOIOCTLCMD;
	}
	return put_user(answ, (int __user *)arg);
}

static int ses_shutdown(struct socket *sock, int how)
{
	struct sock *sk = sock->sk;
	struct ses_sock *ses = ses_sk(sk);
	int err = 0;

	how++;	/* SHUT_RD -> RCV_SHUTDOWN, ... */
	if ((how & ~SHUTDOWN_MASK) || !how)
		return -EINVAL;
	lock_sock(sk);
	if (sk->sk_state == SES_SK_LISTEN) {
		err = -ENOTCONN;
		goto out;
	}
	if (sk->sk_state != SES_SK_ESTABLISHED) {
		err = sk->sk_state == SES_SK_CONNECTING ? 0 : -ENOTCONN;
		if (sk->sk_state == SES_SK_CONNECTING)
			ses_abort(sk, SES_AB_LOCAL_USER);
		goto out;
	}
	if (how & RCV_SHUTDOWN)
		WRITE_ONCE(sk->sk_shutdown, sk->sk_shutdown | RCV_SHUTDOWN);
	if ((how & SEND_SHUTDOWN) && !(sk->sk_shutdown & SEND_SHUTDOWN)) {
		/* S-RELEASE needs every available token: EPERM if not */
		if (ses->spm.state == SES_STA713)
			err = ses_request(sk, SES_EV_SRELREQ);
		else if (ses->spm.state == SES_STA09)
			ses_request(sk, SES_EV_SRELRSP);
		if (!err)
			WRITE_ONCE(sk->sk_shutdown,
				   sk->sk_shutdown | SEND_SHUTDOWN);
	}
	sk->sk_state_change(sk);
out:
	release_sock(sk);
	return err;
}

/* Largest user data of a PT or NF SPDU (they are not segmented). */
#define SES_PRIM_DATA_MAX	512

/*
 * The SES_SNDINFO control message of a sendmsg(), if any: exactly one
 * struct ses_sndinfo at level SOL_SES; anything else is EINVAL.
 */
static int ses_get_sndinfo(struct msghdr *msg, struct ses_sndinfo *info)
{
	struct cmsghdr *cmsg;
	bool seen = false;

	memset(info, 0, sizeof(*info));
	for_each_cmsghdr(cmsg, msg) {
		if (!CMSG_OK(msg, cmsg) || cmsg->cmsg_level != SOL_SES ||
		    cmsg->cmsg_type != SES_SNDINFO || seen ||
		    cmsg->cmsg_len != CMSG_LEN(sizeof(*info)))
			return -EINVAL;
		memcpy(info, CMSG_DATA(cmsg), sizeof(*info));
		seen = true;
	}
	return 0;
}

/*
 * The fields of a synchronisation primitive (ses_sndinfo) as the
 * request's SPDU parameters; anything a primitive does not take must
 * be 0 (EINVAL).
 */
static int ses_sync_request(const struct ses_sndinfo *info,
			    struct ses_spdu *req, enum ses_spm_event *ev)
{
	u32 serial_ok = 0, flags_ok = 0, tokens_ok = 0;

	req->present = SES_P_SERIAL;
	req->serial = info->serial;
	switch (info->primitive) {
	case SES_PRIM_SYNC_MINOR:
		req->type = SES_SPDU_MIP;
		*ev = SES_EV_SSYNMREQ;
		flags_ok = SES_SYNC_CONFIRM;
		if (!(info->flags & SES_SYNC_CONFIRM)) {
			req->present |= SES_P_SYNC_TYPE;
			req->sync_type = SES_SYNC_TYPE_NO_CONFIRM;
		}
		break;
	case SES_PRIM_SYNC_MINOR_RESPONSE:
		req->type = SES_SPDU_MIA;
		*ev = SES_EV_SSYNMRSP;
		serial_ok = ~0u;
		break;
	case SES_PRIM_SYNC_MAJOR:
		req->type = SES_SPDU_MAP;
		*ev = SES_EV_SSYNMJREQ;
		break;
	case SES_PRIM_SYNC_MAJOR_RESPONSE:
		req->type = SES_SPDU_MAA;
		*ev = SES_EV_SSYNMJRSP;
		serial_ok = ~0u;
		break;
	case SES_PRIM_RESYNC:
		req->type = SES_SPDU_RS;
		*ev = SES_EV_SRSYNREQ;
		serial_ok = ~0u;
		tokens_ok = 0xff;
		if (info->flags > SES_RESYNC_SET)
			return -EINVAL;
		flags_ok = 3;
		req->present |= SES_P_RESYNC_TYPE | SES_P_TOKEN_SETTING;
		req->resync_type = info->flags;
		req->token_setting = info->tokens;
		break;
	case SES_PRIM_RESYNC_RESPONSE:
		req->type = SES_SPDU_RA;
		*ev = SES_EV_SRSYNRSP;
		tokens_ok = 0xff;
		req->present |= SES_P_TOKEN_SETTING;
		req->token_setting = info->tokens;
		break;
	default:
		return -EINVAL;
	}
	if ((info->serial & ~serial_ok) || (info->flags & ~flags_ok) ||
	    (info->tokens & ~tokens_ok))
		return -EINVAL;
	return 0;
}

/*
 * A primitive other than S-DATA (ses_sndinfo): token give or please,
 * control give, refusal of the peer's release. Its user data, if the
 * primitive has any, is the message. Returns bytes of user data sent.
 * Process context, sk locked.
 */
static int ses_send_primitive(struct sock *sk, const struct ses_sndinfo *info,
			      struct msghdr *msg, size_t len, long timeo)
{
	struct ses_sock *ses = ses_sk(sk);
	struct ses_spdu req = { };
	enum ses_spm_event ev;
	u8 *data = NULL;
	int err;

	if (info->primitive >= SES_PRIM_SYNC_MINOR) {
		err = ses_sync_request(info, &req, &ev);
		if (err)
			return err;
		goto request;
	}
	if (info->serial || info->flags)
		return -EINVAL;
	switch (info->primitive) {
	case SES_PRIM_TOKEN_GIVE:
		req.type = SES_SPDU_GT;
		ev = SES_EV_SGTREQ;
		break;
	case SES_PRIM_TOKEN_PLEASE:
		req.type = SES_SPDU_PT;
		ev = SES_EV_SPTREQ;
		break;
	case SES_PRIM_CONTROL_GIVE:
		ev = SES_EV_SCGREQ;
		break;
	case SES_PRIM_RELEASE_REFUSE:
		/* only as the answer to a release indication */
		if (ses->spm.state != SES_STA09)
			return -EINVAL;
		req.type = SES_SPDU_NF;
		ev = SES_EV_SRELRSP_REJECT;
		break;
	default:
		return -EINVAL;
	}
	if (ev == SES_EV_SGTREQ || ev == SES_EV_SPTREQ) {
		req.present = SES_P_TOKEN_ITEM;
		req.token_item = info->tokens;
		if (info->tokens & ~0xffu)
			return -EINVAL;
	} else if (info->tokens) {
		return -EINVAL;
	}
	if (len && ev != SES_EV_SPTREQ && ev != SES_EV_SRELRSP_REJECT)
		return -EINVAL;		/* GT and GTC carry no user data */
request:
	if (len > SES_PRIM_DATA_MAX)
		return -EMSGSIZE;

	/* as for data: room in the send buffer first */
	err = ses_tx_wait(sk, len, &timeo);
	if (err < 0)
		return err;
	if (len) {
		data = kmalloc(len, GFP_KERNEL);
		if (!data)
			return -ENOBUFS;
		if (!copy_from_iter_full(data, len, &msg->msg_iter)) {
			kfree(data);
			return -EFAULT;
		}
		req.present |= SES_P_USER_DATA;
		req.user_data = data;
		req.user_data_len = len;
	}
	err = ses_request_spdu(sk, ev, &req);
	kfree(data);
	return err ?: len;
}

/*
 * Normal data waits while this end's major point awaits MAA, a resync
 * awaits RA, or the peer's awaits this user's answer (X.225 STA04A,
 * STA05A, STA10A, STA11A): up to *@timeo, EAGAIN without a timeout.
 * Process context, sk locked (the wait releases it).
 */
static int ses_sync_wait(struct sock *sk, long *timeo)
{
	DEFINE_WAIT_FUNC(wait, woken_wake_function);
	struct ses_sock *ses = ses_sk(sk);

	while (ses_spm_sync_busy(ses->spm.state)) {
		if (!*timeo)
			return -EAGAIN;
		if (signal_pending(current))
			return sock_intr_errno(*timeo);
		add_wait_queue(sk_sleep(sk), &wait);
		sk_wait_event(sk, timeo, sk->sk_err ||
			      (sk->sk_shutdown & SEND_SHUTDOWN) ||
			      !ses_spm_sync_busy(ses->spm.state), &wait);
		remove_wait_queue(sk_sleep(sk), &wait);
		if (sk->sk_err)
			return sock_error(sk);
		if (sk->sk_shutdown & SEND_SHUTDOWN)
			return -EPIPE;
	}
	return 0;
}

static int ses_sendmsg(struct socket *sock, struct msghdr *msg, size_t len)
{
	struct sock *sk = sock->sk;
	int flags = msg->msg_flags;
	struct ses_sndinfo info;
	long timeo;
	int err;

	/* MSG_BATCH: sendmmsg()'s "more follow", as MSG_MORE, a hint */
	if (flags & ~(MSG_DONTWAIT | MSG_NOSIGNAL | MSG_EOR | MSG_MORE |
		      MSG_BATCH | MSG_CMSG_COMPAT))
		return -EOPNOTSUPP;
	err = ses_get_sndinfo(msg, &info);
	if (err)
		return err;
	if (msg->msg_name)
		return sk->sk_state == SES_SK_ESTABLISHED ? -EISCONN :
							    -EOPNOTSUPP;
	if (len > READ_ONCE(ses_pernet(sock_net(sk))->max_ssdu))
		return -EMSGSIZE;

	lock_sock(sk);
	timeo = sock_sndtimeo(sk, flags & MSG_DONTWAIT);
	if (sk->sk_state == SES_SK_CONNECTING) {
		err = timeo ? ses_wait_connected(sk, &timeo) : -EAGAIN;
		if (err && err != -EINPROGRESS)
			goto out;
		if (err) {
			err = -EAGAIN;
			goto out;
		}
	}
	err = sock_error(sk);
	if (err)
		goto out;
	if (sk->sk_shutdown & SEND_SHUTDOWN) {
		err = -EPIPE;
		goto out;
	}
	if (sk->sk_state != SES_SK_ESTABLISHED) {
		err = -ENOTCONN;
		goto out;
	}
	if (info.primitive != SES_PRIM_DATA) {
		err = ses_send_primitive(sk, &info, msg, len, timeo);
		goto out;
	}
	/* a major point or resync pending: wait for its answer */
	err = ses_sync_wait(sk, &timeo);
	if (err)
		goto out;
	/* half duplex without the data token: EPERM at once */
	err = ses_request(sk, SES_EV_SDTREQ);
	if (!err)
		err = ses_tx_queue_ssdu(sk, msg, len, timeo);
out:
	release_sock(sk);
	if (err == -EPIPE && !(flags & MSG_NOSIGNAL))
		send_sig(SIGPIPE, current, 0);
	return err;
}

static int ses_wait_data(struct sock *sk, long *timeo)
{
	DEFINE_WAIT_FUNC(wait, woken_wake_function);
	int rc;

	add_wait_queue(sk_sleep(sk), &wait);
	rc = sk_wait_event(sk, timeo,
			   !skb_queue_empty_lockless(&sk->sk_receive_queue) ||
			   READ_ONCE(sk->sk_err) ||
			   (READ_ONCE(sk->sk_shutdown) & RCV_SHUTDOWN) ||
			   sk->sk_state == SES_SK_CONNECTING, &wait);
	remove_wait_queue(sk_sleep(sk), &wait);
	return rc;
}

static int ses_recvmsg(struct socket *sock, struct msghdr *msg, size_t len,
		       int flags)
{
	struct sock *sk = sock->sk;
	struct ses_sock *ses = ses_sk(sk);
	struct ses_rx_cb *cb;
	struct sk_buff *skb;
	int copied, err;
	long timeo;

	if (flags & ~(MSG_DONTWAIT | MSG_PEEK | MSG_TRUNC | MSG_WAITALL |
		      MSG_CMSG_COMPAT | MSG_NOSIGNAL))
		return -EOPNOTSUPP;

	lock_sock(sk);
	timeo = sock_rcvtimeo(sk, flags & MSG_DONTWAIT);
	for (;;) {
		skb = skb_peek(&sk->sk_receive_queue);
		if (skb)
			break;
		err = sock_error(sk);
		if (err)
			goto out;
		err = 0;
		if (sk->sk_shutdown & RCV_SHUTDOWN)
			goto out;
		err = -ENOTCONN;
		if (sk->sk_state != SES_SK_ESTABLISHED &&
		    sk->sk_state != SES_SK_CONNECTING)
			goto out;
		err = -EAGAIN;
		if (!timeo)
			goto out;
		err = sock_intr_errno(timeo);
		if (signal_pending(current))
			goto out;
		ses_wait_data(sk, &timeo);
	}

	copied = min_t(size_t, len, skb->len);
	err = skb_copy_datagram_msg(skb, 0, msg, copied);
	if (err)
		goto out;
	msg->msg_flags |= MSG_EOR;
	if (copied < skb->len)
		msg->msg_flags |= MSG_TRUNC;
	cb = ses_rx_cb(skb);
	if (cb->prim != SES_PRIM_DATA)
		msg->msg_flags |= SES_MSG_NOTIFICATION;
	/* what the record is: always for an indication, for an SSDU when
	 * the caller gave room for control messages
	 */
	if (cb->prim != SES_PRIM_DATA || msg->msg_controllen) {
		struct ses_rcvinfo info = {
			.primitive = cb->prim,
			.tokens = cb->tokens,
			.serial = cb->serial,
			.flags = cb->flags,
			.tokens_held = cb->held,
			.discarded = cb->discarded,
		};

		put_cmsg(msg, SOL_SES, SES_RCVINFO, sizeof(info), &info);
	}
	err = (flags & MSG_TRUNC) ? skb->len : copied;
	if (!(flags & MSG_PEEK)) {
		if (cb->prim == SES_PRIM_TOKEN_PLEASE)
			WRITE_ONCE(ses->pri_pending, ses->pri_pending - 1);
		skb_unlink(skb, &sk->sk_receive_queue);
		consume_skb(skb);
		/* room again: release_sock() takes more from TCP */
		if (!skb_queue_empty(&ses->rx_queue) ||
		    (ses->strp_on && ses->strp.paused))
			set_bit(SES_EV_DEFER, &ses->events);
	}
out:
	release_sock(sk);
	return err;
}

static int ses_release(struct socket *sock)
{
	struct sock *sk = sock->sk;
	struct ses_sock *ses;
	long timeo;

	if (!sk)
		return 0;
	ses = ses_sk(sk);
	lock_sock(sk);
	if (sk->sk_state == SES_SK_LISTEN) {
		inet_sk_set_state(sk, SES_SK_CLOSE);
		ses_tcp_detach(sk);
		sock_orphan(sk);
		release_sock(sk);
		ses_children_abort(sk);
		goto drop;
	}

	if (sock_flag(sk, SOCK_LINGER) && !sk->sk_lingertime) {
		ses_abort(sk, SES_AB_LOCAL_USER);
	} else if ((ses->spm.state == SES_STA713 ||
		    ses_spm_sync_busy(ses->spm.state)) && ses->cotp_state) {
		/* a major point or resync pending: answered, then FN */
		ses_close_release(sk);
	} else if (ses->spm.state == SES_STA09 && ses->cotp_state) {
		ses_request(sk, SES_EV_SRELRSP);
	} else if (ses->tcp && ses->spm.state != SES_STA03 &&
		   ses->spm.state != SES_STA16) {
		ses_abort(sk, SES_AB_LOCAL_USER);
	}

	if (ses->tcp && sock_flag(sk, SOCK_LINGER) && sk->sk_lingertime &&
	    !(current->flags & PF_EXITING)) {
		DEFINE_WAIT_FUNC(wait, woken_wake_function);

		timeo = sk->sk_lingertime;
		add_wait_queue(sk_sleep(sk), &wait);
		while (ses->tcp && timeo && !signal_pending(current))
			sk_wait_event(sk, &timeo, !ses->tcp, &wait);
		remove_wait_queue(sk_sleep(sk), &wait);
	}
	ses_rcvq_purge(sk);
	sock_orphan(sk);
	if (ses->tcp || ses_resume_detached(sk)) {
		/* The session finishes on its own; it drops the reference. */
		release_sock(sk);
		sock->sk = NULL;
		return 0;
	}
	ses->ref_dropped = true;
	release_sock(sk);
drop:
	sock->sk = NULL;
	sock_put(sk);
	return 0;
}

static int ses_sock_setsockopt(struct socket *sock, int level, int optname,
			       sockptr_t optval, unsigned int optlen)
{
	return ses_setsockopt(sock->sk, level, optname, optval, optlen);
}

static int ses_sock_getsockopt(struct socket *sock, int level, int optname,
			       char __user *optval, int __user *optlen)
{
	return ses_getsockopt(sock->sk, level, optname, optval, optlen);
}

/* The same calls for both families; only proto_ops.family differs. */
#define SES_PROTO_OPS(fam) {				\
	.family		= fam,				\
	.owner		= THIS_MODULE,			\
	.release	= ses_release,			\
	.bind		= ses_bind,			\
	.connect	= ses_connect,			\
	.socketpair	= sock_no_socketpair,		\
	.accept		= ses_accept,			\
	.getname	= ses_getname,			\
	.poll		= ses_poll,			\
	.ioctl		= ses_ioctl,			\
	.gettstamp	= sock_gettstamp,		\
	.listen		= ses_listen,			\
	.shutdown	= ses_shutdown,			\
	.setsockopt	= ses_sock_setsockopt,		\
	.getsockopt	= ses_sock_getsockopt,		\
	.sendmsg	= ses_sendmsg,			\
	.recvmsg	= ses_recvmsg,			\
	.mmap		= sock_no_mmap,			\
}

static const struct proto_ops ses_ops = SES_PROTO_OPS(PF_INET);

/* Both families share one memory account (mem.c). */
#define SES_PROTO_MEMORY						\
	.enter_memory_pressure	= ses_enter_memory_pressure,		\
	.memory_pressure	= &ses_memory_pressure,			\
	.memory_allocated	= &ses_memory_allocated,		\
	.per_cpu_fw_alloc	= &ses_memory_per_cpu_fw_alloc,		\
	.sysctl_mem		= sysctl_ses_mem,			\
	.sysctl_rmem		= sysctl_ses_rmem,			\
	.sysctl_wmem		= sysctl_ses_wmem,

static struct proto ses_prot = {
	.name		= "SES",
	.owner		= THIS_MODULE,
	.init		= ses_init_sock,
	.hash		= ses_hash,
	.unhash		= ses_unhash,
	.release_cb	= ses_release_cb,
	.obj_size	= sizeof(struct ses_sock),
	SES_PROTO_MEMORY
};

static struct inet_protosw ses_protosw = {
	.type		= SOCK_SEQPACKET,
	.protocol	= IPPROTO_SES,
	.prot		= &ses_prot,
	.ops		= &ses_ops,
};

#if IS_ENABLED(CONFIG_IPV6)
static const struct proto_ops ses6_ops = SES_PROTO_OPS(PF_INET6);

static struct proto ses6_prot = {
	.name		= "SESv6",
	.owner		= THIS_MODULE,
	.init		= ses_init_sock,
	.hash		= ses_hash,
	.unhash		= ses_unhash,
	.release_cb	= ses_release_cb,
	.obj_size	= sizeof(struct ses6_sock),
	SES_IPV6_PINFO_OFFSET(struct ses6_sock, np)
	SES_PROTO_MEMORY
};

static struct inet_protosw ses6_protosw = {
	.type		= SOCK_SEQPACKET,
	.protocol	= IPPROTO_SES,
	.prot		= &ses6_prot,
	.ops		= &ses6_ops,
};
#endif

static int __init ses_init(void)
{
	int err;

	ses_mem_init();
	ses_wq = alloc_workqueue("ses", WQ_UNBOUND | WQ_MEM_RECLAIM, 0);
	if (!ses_wq)
		return -ENOMEM;
	err = ses_ctrl_init();
	if (err)
		goto out_wq;
	err = ses_resume_init();
	if (err)
		goto out_ctrl;
	err = proto_register(&ses_prot, 1);
	if (err)
		goto out_resume;
	inet_register_protosw(&ses_protosw);
#if IS_ENABLED(CONFIG_IPV6)
	err = proto_register(&ses6_prot, 1);
	if (err)
		goto out_v4;
	err = inet6_register_protosw(&ses6_protosw);
	if (err)
		goto out_v6;
#endif
	pr_info("SES: ISO 8327-1 session layer, IPPROTO_SES %d\n", IPPROTO_SES);
	return 0;

#if IS_ENABLED(CONFIG_IPV6)
out_v6:
	proto_unregister(&ses6_prot);
out_v4:
	inet_unregister_protosw(&ses_protosw);
	proto_unregister(&ses_prot);
#endif
out_resume:
	ses_resume_exit();
out_ctrl:
	ses_ctrl_exit();
out_wq:
	destroy_workqueue(ses_wq);
	return err;
}

static void __exit ses_exit(void)
{
#if IS_ENABLED(CONFIG_IPV6)
	inet6_unregister_protosw(&ses6_protosw);
	proto_unregister(&ses6_prot);
#endif
	inet_unregister_protosw(&ses_protosw);
	proto_unregister(&ses_prot);
	/* every socket is gone (each held a module reference): so is work */
	destroy_workqueue(ses_wq);
	ses_resume_exit();
	ses_ctrl_exit();
}

module_init(ses_init);
module_exit(ses_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("SES: ISO 8327-1 (X.225) session layer over RFC 1006");
/* socket() loads us: net-pf-<family>-proto-253-type-5 (SOCK_SEQPACKET) */
MODULE_ALIAS("net-pf-" __stringify(AF_INET) "-proto-" __stringify(IPPROTO_SES)
	     "-type-5");
MODULE_ALIAS("net-pf-" __stringify(AF_INET6) "-proto-"
	     __stringify(IPPROTO_SES) "-type-5");
