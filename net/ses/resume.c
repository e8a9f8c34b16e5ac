// SPDX-License-Identifier: GPL-2.0
/*
 * SES recovery: a session survives the loss of the TCP connection under
 * it, with no SSDU lost, duplicated or reordered.
 *
 *  - Negotiation: the initiator offers recovery in CN (PI 0xe5 in PGI 1,
 *    ext.h: an ephemeral X25519 public value), a responder that accepts
 *    echoes it in AC with a random session id and its own public value.
 *    Both compute the X25519 shared secret Z and derive the session key
 *    K = HMAC-SHA256(Z, label | sid | pub_i | pub_r); the private values
 *    are wiped at once. A peer that does not echo the offer gets a plain
 *    ISO session.
 *  - Numbering and acknowledgment (replay.h): each direction numbers its
 *    SSDUs and the SPDUs that change what both ends keep (release,
 *    tokens, sync points, resync); SSDUs a resync discards are numbered
 *    too. The receiver acknowledges what its session entity took (a GT
 *    carrying PI 0xe5), never what TCP acked.
 *    The sender keeps the TPDUs of every unacknowledged item on @replay,
 *    charged to the socket's send buffer.
 *  - Suspension: when TCP fails in a state that can be recovered, the
 *    session keeps its socket; the transport goes, the write queue joins
 *    @replay, and sends go on queueing up to SO_SNDBUF. A timer bounds
 *    the wait (the resume window).
 *  - Resume: the initiator reconnects with bounded exponential back-off
 *    and jitter, from whatever address routes to the peer, and sends CN
 *    (RESUME: sid, fresh nonce). The listener's new child looks the sid
 *    up in the namespace's table and answers AC (CHALLENGE: its fresh
 *    nonce, the next seq it expects, a MAC over both nonces and the seq);
 *    the initiator checks the MAC and answers GT (PROOF: the next seq it
 *    expects, its MAC). The child checks it in constant time and hands
 *    the TCP socket to the session (@graft); a session whose old
 *    transport still looks alive has it replaced. Each end then replays
 *    from the peer's next expected seq; the receiver drops duplicates.
 *
 * Threat model: K is never on the wire, so neither an off-path attacker
 * (a guessed session id, a forged MAC) nor a passive observer of CN/AC
 * can resume a session, and a replayed resume fails (each proof covers a
 * fresh nonce of the verifier). The exchange is not authenticated: an
 * active attacker in the path at connect time can stand in the middle,
 * as it can reset or hijack the TCP connection at any time. Run SES over
 * an authenticated transport where that matters (Documentation/ses.rst).
 *
 * Context: process context under the session's socket lock unless a
 * function says otherwise. Lock order: a session's socket lock, then its
 * TCP socket's lock (transport.c), then @lock (a BH spinlock). A resume
 * child never takes its target's socket lock: it hands the transport over
 * under the target's @lock and the target's own work adopts it.
 */
#include <linux/module.h>
#include <linux/random.h>
#include <linux/ratelimit.h>
#include <linux/rhashtable.h>
#include <linux/sysctl.h>
#include <linux/tcp.h>
#include <net/tcp.h>
#include <net/sock.h>
#include <net/net_namespace.h>
#include <net/netns/generic.h>
#include <crypto/hash.h>
#include <crypto/algapi.h>
#include <crypto/curve25519.h>

#include "protocol.h"
#include "mib.h"
#include "ext.h"
#include "replay.h"

#define SES_BACKOFF_BASE_MS	100
#define SES_KEY_LEN		32

/* skb->cb of a TPDU on the write queue or @replay (zeroed by alloc_skb) */
struct ses_tx_cb {
	u64 seq;
	bool tagged;
	bool sent;	/* on @replay after TCP took it */
};

#define SES_TX_CB(skb)	((struct ses_tx_cb *)(skb)->cb)

/* Bits of ses_recovery.events */
enum {
	SES_REC_EV_GRAFT,	/* a resume child handed over a transport */
	SES_REC_EV_ACK,		/* the fast receive path owes an ack */
};

/*
 * The fast receive path acknowledges from rec->work: at once past
 * SES_ACK_EVERY items or SES_ACK_BYTES octets (the sender's replay
 * queue counts against its send buffer), else after SES_DELACK_MS.
 */
#define SES_ACK_BYTES		(32 * 1024)
#define SES_DELACK_MS		10

/*
 * The key agreement of one connect: this end's X25519 private value and
 * both public values, from CN (or its sending) until K is derived, then
 * wiped and freed.
 */
struct ses_rec_kx {
	u8 secret[CURVE25519_KEY_SIZE];
	u8 pub_i[SES_PUB_LEN];
	u8 pub_r[SES_PUB_LEN];
};

/* A transport a resume child hands over to its session. */
struct ses_graft {
	struct socket *tcp;
	void (*saved_data_ready)(struct sock *sk);
	void (*saved_write_space)(struct sock *sk);
	void (*saved_state_change)(struct sock *sk);
	bool has_slot;
	u64 peer_rcv_nxt;
	u64 rx_start;
};

/**
 * struct ses_recovery - recovery state of one session
 * @sk: the session
 * @node: responder: entry in the namespace's table, by @sid
 * @sid: session id (random, chosen by the responder)
 * @key: session key K
 * @nonce: this end's nonce (of CN/AC: its public value's first octets),
 *	then of the last resume
 * @peer_nonce: responder: the initiator's nonce of CN (then of a RESUME)
 * @kx: key agreement under way (NULL once K is derived)
 * @state: enum ses_recovery_state
 * @offered: CN offered recovery (initiator sent it, responder got it)
 * @negotiated: AC echoed it
 * @hashed: in the table
 * @dead: the session ended; no transport may be grafted any more
 * @dn_sent: a DN went out (the session ends once it is acknowledged)
 * @map_pending: a MAP of ours awaits its MAA; @map_seq is its number
 * @rx_hold: stop the parser after each message (resume child)
 * @lport: responder: local port of the listener that accepted it
 * @bound: initiator: the user bound a local address
 * @seq: sequence numbers of both directions
 * @replay: TPDUs of unacknowledged items: sent, or held without transport
 * @replay_bytes: octets of the TPDUs of unacknowledged items
 * @sent_truesize: truesize of the TPDUs on @replay that TCP took
 * @work: resume window, reconnect back-off, adoption of a @graft
 * @events: SES_REC_EV_* bits (atomic)
 * @deadline: end of the resume window (jiffies)
 * @next_try: initiator: when the next reconnect is due
 * @att_start: initiator: when the current reconnect started
 * @attempts: reconnects since the transport was lost
 * @resumes: times resumed
 * @last_failure: errno of the last transport failure
 * @duplicates: items received twice and dropped
 * @replayed: items sent again after resumes
 * @target: resume child: the session it answers for (a reference)
 * @t_sid: resume child: its session id
 * @ch_seq: resume child: the seq announced in CHALLENGE
 * @lock: protects @graft and @dead
 * @graft: a transport waiting to be adopted
 * @peer: address of the peer, @peer_len octets
 * @local: local address, @local_len octets
 *
 * Allocated when a session negotiates (or a child answers a RESUME),
 * from ses_rec_cache (every session between SES peers holds one), freed
 * with the socket. Socket lock, except @graft/@dead (@lock),
 * @events (atomic) and @rx_hold (READ_ONCE from strparser).
 */
struct ses_recovery {
	struct sock *sk;
	struct rhash_head node;
	u64 sid;
	u8 key[SES_KEY_LEN];
	u8 nonce[SES_NONCE_LEN];
	u8 peer_nonce[SES_NONCE_LEN];
	struct ses_rec_kx *kx;
	u8 state;
	bool offered;
	bool negotiated;
	bool hashed;
	bool dead;
	bool dn_sent;
	bool map_pending;
	bool rx_hold;
	bool bound;
	u16 lport;
	struct ses_seqs seq;
	struct sk_buff_head replay;
	u64 replay_bytes;
	u32 sent_truesize;
	struct delayed_work work;
	unsigned long events;
	unsigned long deadline;
	unsigned long next_try;
	unsigned long att_start;
	u32 attempts;
	u32 resumes;
	int last_failure;
	u64 duplicates;
	u64 replayed;
	u32 rx_unacked_bytes;
	struct sock *target;
	u64 t_sid;
	u64 ch_seq;
	u64 map_seq;
	spinlock_t lock;	/* @graft, @dead */
	struct ses_graft *graft;
	struct sockaddr_in6 peer;	/* or a sockaddr_in */
	struct sockaddr_in6 local;
	int peer_len;
	int local_len;
};

/*
 * Per network namespace: the session table, the net.ses defaults and
 * the bound on resume requests. A hashed session holds a reference for
 * the table; @lock orders lookups that take a reference against
 * removal. @resume_rs has its own lock; the sysctls write its interval
 * (jiffies) and burst directly, as net.core.message_cost/_burst do.
 */
struct ses_resume_net {
	struct rhashtable table;
	spinlock_t lock;	/* lookup + reference against removal */
	u32 window_ms;
	u32 reconnect_max_ms;
	u32 keepalive_ms;
	u32 user_timeout_ms;
	struct ratelimit_state resume_rs;
	struct ctl_table_header *hdr;
};

static unsigned int ses_resume_net_id __read_mostly;

static const struct rhashtable_params ses_rec_params = {
	.key_len		= sizeof(u64),
	.key_offset		= offsetof(struct ses_recovery, sid),
	.head_offset		= offsetof(struct ses_recovery, node),
	.automatic_shrinking	= true,
};

static struct ses_resume_net *ses_rn(const struct net *net)
{
	return net_generic(net, ses_resume_net_id);
}

static void ses_rec_work(struct work_struct *work);

/* Exact-size objects: a struct ses_recovery would waste a third of a
 * kmalloc-1k slot on every session.
 */
static struct kmem_cache *ses_rec_cache;

static struct ses_recovery *ses_rec(const struct sock *sk)
{
	return ses_sk(sk)->rec;
}

static struct ses_recovery *ses_rec_get(struct sock *sk)
{
	struct ses_sock *ses = ses_sk(sk);
	struct ses_recovery *rec = ses->rec;

	if (rec)
		return rec;
	rec = kmem_cache_zalloc(ses_rec_cache, GFP_KERNEL);
	if (!rec)
		return NULL;
	rec->sk = sk;
	skb_queue_head_init(&rec->replay);
	INIT_DELAYED_WORK(&rec->work, ses_rec_work);
	spin_lock_init(&rec->lock);
	WRITE_ONCE(ses->rec, rec);
	return rec;
}

/* Recovery runs on this session: negotiated, and not over. */
static bool ses_rec_on(const struct ses_recovery *rec)
{
	return rec && rec->negotiated &&
	       (rec->state == SES_RECOVERY_ACTIVE ||
		rec->state == SES_RECOVERY_SUSPENDED ||
		rec->state == SES_RECOVERY_RESUMING);
}

bool ses_resume_negotiated(const struct sock *sk)
{
	const struct ses_recovery *rec = ses_rec(sk);

	return rec && rec->negotiated;
}

bool ses_resume_detached(const struct sock *sk)
{
	const struct ses_recovery *rec = ses_rec(sk);

	return ses_rec_on(rec) && rec->state != SES_RECOVERY_ACTIVE;
}

/* Any context: run @rec's work after @delay jiffies (a sock reference
 * while pending).
 */
static void ses_rec_kick(struct sock *sk, unsigned long delay)
{
	struct ses_recovery *rec = ses_rec(sk);

	if (!mod_delayed_work(ses_wq, &rec->work, delay))
		sock_hold(sk);
}

/* ---- the MAC ---- */

/* NULL: no recovery (no hmac(sha256), or no curve25519 library) */
static struct crypto_shash *ses_hmac;
static DEFINE_MUTEX(ses_hmac_lock);

static int ses_hmac_sha256(const u8 *key, unsigned int klen, const u8 *msg,
			   unsigned int len, u8 *out)
{
	int err;

	if (!ses_hmac)
		return -EOPNOTSUPP;
	mutex_lock(&ses_hmac_lock);
	err = crypto_shash_setkey(ses_hmac, key, klen);
	if (!err)
		err = crypto_shash_tfm_digest(ses_hmac, msg, len, out);
	mutex_unlock(&ses_hmac_lock);
	return err;
}

/*
 * X25519 (RFC 7748): @out = @scalar * @point, or * the base point when
 * @point is NULL. False for an all-zero result (a low-order point from
 * the peer, or a zero scalar) or a kernel without the library.
 */
static bool ses_x25519(u8 *out, const u8 *scalar, const u8 *point)
{
#if IS_REACHABLE(CONFIG_CRYPTO_LIB_CURVE25519)
	if (!point)
		return curve25519_generate_public(out, scalar);
	return curve25519(out, scalar, point);
#else
	return false;
#endif
}

/* A fresh private value and its public value @pub. */
static bool ses_rec_kx_keypair(struct ses_rec_kx *kx, u8 *pub)
{
	get_random_bytes(kx->secret, sizeof(kx->secret));
	kx->secret[0] &= 248;	/* clamped as RFC 7748 5 says */
	kx->secret[31] = (kx->secret[31] & 127) | 64;
	return ses_x25519(pub, kx->secret, NULL);
}

static void ses_rec_kx_free(struct ses_recovery *rec)
{
	kfree_sensitive(rec->kx);
	rec->kx = NULL;
}

/* The shared secret Z of this end's private value and the peer's @pub. */
static bool ses_rec_kx_shared(struct ses_recovery *rec, const u8 *pub,
			      u8 *z)
{
	return ses_x25519(z, rec->kx->secret, pub);
}

/*
 * K = HMAC-SHA256(Z, "SES recovery key v2" | sid | pub_i | pub_r): the
 * key binds the whole exchange, not Z alone.
 */
static int ses_rec_derive(struct ses_recovery *rec, const u8 *z)
{
	static const char label[] = "SES recovery key v2";
	u8 msg[sizeof(label) + 8 + 2 * SES_PUB_LEN];

	memcpy(msg, label, sizeof(label));
	put_unaligned_be64(rec->sid, msg + sizeof(label));
	memcpy(msg + sizeof(label) + 8, rec->kx->pub_i, SES_PUB_LEN);
	memcpy(msg + sizeof(label) + 8 + SES_PUB_LEN, rec->kx->pub_r,
	       SES_PUB_LEN);
	return ses_hmac_sha256(z, CURVE25519_KEY_SIZE, msg, sizeof(msg),
			       rec->key);
}

/*
 * The MAC of a resume message: HMAC-SHA256(K, "SES" role | sid | nonce_i |
 * nonce_r | seq), truncated to SES_MAC_LEN. @role is 'r' for the
 * responder's CHALLENGE, 'i' for the initiator's PROOF.
 */
static int ses_rec_mac(const u8 *key, char role, u64 sid, const u8 *ni,
		       const u8 *nr, u64 seq, u8 *mac)
{
	u8 msg[4 + 8 + 2 * SES_NONCE_LEN + 8], out[32];
	int err;

	memcpy(msg, "SES", 3);
	msg[3] = role;
	put_unaligned_be64(sid, msg + 4);
	memcpy(msg + 12, ni, SES_NONCE_LEN);
	memcpy(msg + 12 + SES_NONCE_LEN, nr, SES_NONCE_LEN);
	put_unaligned_be64(seq, msg + 12 + 2 * SES_NONCE_LEN);
	err = ses_hmac_sha256(key, SES_KEY_LEN, msg, sizeof(msg), out);
	memcpy(mac, out, SES_MAC_LEN);
	memzero_explicit(out, sizeof(out));
	return err;
}

/* ---- the transport's settings ---- */

/* Dead-peer detection on @tcp: keepalive and TCP_USER_TIMEOUT. */
static void ses_rec_tcp_opts(struct sock *sk, struct socket *tcp)
{
	struct ses_sock *ses = ses_sk(sk);
	int idle = DIV_ROUND_UP(ses->ropts.keepalive_ms, 1000);

	sock_set_keepalive(tcp->sk);
	tcp_sock_set_keepidle(tcp->sk, idle);
	tcp_sock_set_keepintvl(tcp->sk, max(1, idle / 3));
	tcp_sock_set_keepcnt(tcp->sk, 3);
	tcp_sock_set_user_timeout(tcp->sk, ses->ropts.user_timeout_ms);
}

static void ses_rec_save_addrs(struct sock *sk, struct ses_recovery *rec)
{
	struct socket *tcp = ses_sk(sk)->tcp;
	int len;

	len = kernel_getpeername(tcp, (struct sockaddr *)&rec->peer);
	if (len > 0)
		rec->peer_len = len;
	len = kernel_getsockname(tcp, (struct sockaddr *)&rec->local);
	if (len > 0) {
		rec->local_len = len;
		rec->lport = ntohs(((struct sockaddr_in *)&rec->local)->sin_port);
	}
}

/* ---- socket life ---- */

void ses_resume_sock_init(struct sock *sk)
{
	struct ses_resume_net *rn = ses_rn(sock_net(sk));
	struct ses_resume_opts *o = &ses_sk(sk)->ropts;

	o->ext = ses_hmac ? SES_EXT_RECOVERY : 0;
	o->window_ms = READ_ONCE(rn->window_ms);
	o->reconnect_max_ms = READ_ONCE(rn->reconnect_max_ms);
	o->keepalive_ms = READ_ONCE(rn->keepalive_ms);
	o->user_timeout_ms = READ_ONCE(rn->user_timeout_ms);
}

void ses_resume_inherit(struct sock *child, const struct sock *parent)
{
	ses_sk(child)->ropts = ses_sk(parent)->ropts;
}

/* Unlink and free one TPDU of @q, uncharging it. */
static void ses_rec_free(struct sock *sk, struct ses_recovery *rec,
			 struct sk_buff *skb, struct sk_buff_head *q)
{
	if (SES_TX_CB(skb)->tagged)
		rec->replay_bytes -= skb->len;
	if (SES_TX_CB(skb)->sent)
		WRITE_ONCE(rec->sent_truesize,
			   rec->sent_truesize - skb->truesize);
	ses_tx_unlink_free(sk, skb, q);
}

/* Free what the peer acknowledged: items before snd_una. */
static void ses_rec_trim(struct sock *sk, struct ses_recovery *rec)
{
	struct sk_buff *skb;

	while ((skb = skb_peek(&rec->replay)) &&
	       ses_seq_before(SES_TX_CB(skb)->seq, rec->seq.snd_una))
		ses_rec_free(sk, rec, skb, &rec->replay);
}

static void ses_graft_free(struct net *net, struct ses_graft *g)
{
	struct sock *tsk = g->tcp->sk;

	write_lock_bh(&tsk->sk_callback_lock);
	rcu_assign_sk_user_data(tsk, NULL);
	tsk->sk_data_ready = g->saved_data_ready;
	tsk->sk_write_space = g->saved_write_space;
	tsk->sk_state_change = g->saved_state_change;
	write_unlock_bh(&tsk->sk_callback_lock);
	sock_release(g->tcp);
	if (g->has_slot)
		ses_session_slot_put(net);
	kfree(g);
}

/* The session is over (ses_session_done): nothing may resume it. */
void ses_resume_end(struct sock *sk)
{
	struct ses_recovery *rec = ses_rec(sk);
	struct ses_graft *g;
	struct sk_buff *skb;

	if (!rec)
		return;
	if (rec->hashed) {
		struct ses_resume_net *rn = ses_rn(sock_net(sk));

		spin_lock_bh(&rn->lock);
		rhashtable_remove_fast(&rn->table, &rec->node, ses_rec_params);
		spin_unlock_bh(&rn->lock);
		rec->hashed = false;
		__sock_put(sk);	/* the table's; the caller holds one */
	}
	if (rec->state == SES_RECOVERY_SUSPENDED ||
	    rec->state == SES_RECOVERY_RESUMING)
		WRITE_ONCE(rec->state, SES_RECOVERY_FAILED);
	WRITE_ONCE(rec->rx_hold, false);
	while ((skb = skb_peek(&rec->replay)))
		ses_rec_free(sk, rec, skb, &rec->replay);
	rec->replay_bytes = 0;
	WRITE_ONCE(rec->sent_truesize, 0);
	spin_lock_bh(&rec->lock);
	g = rec->graft;
	rec->graft = NULL;
	rec->dead = true;
	spin_unlock_bh(&rec->lock);
	if (g)
		ses_graft_free(sock_net(sk), g);
	/* never the last reference: the caller of session_done holds one */
	if (cancel_delayed_work(&rec->work))
		sock_put(sk);
	if (rec->target) {
		sock_put(rec->target);
		rec->target = NULL;
	}
}

/* Any context: the socket's destructor. */
void ses_resume_destruct(struct sock *sk)
{
	struct ses_recovery *rec = ses_rec(sk);

	if (!rec)
		return;
	/* the table and a resume child hold references: both are gone */
	WARN_ON_ONCE(rec->hashed || rec->graft || rec->target);
	skb_queue_purge(&rec->replay);
	ses_rec_kx_free(rec);
	memzero_explicit(rec->key, sizeof(rec->key));
	kmem_cache_free(ses_rec_cache, rec);
	ses_sk(sk)->rec = NULL;
}

/* ---- negotiation ---- */

void ses_resume_fill_cn(struct sock *sk, struct ses_spdu *cn)
{
	struct ses_ext e = { .kind = SES_EXTK_OFFER,
			     .flags = SES_EXTF_RECOVERY };
	struct ses_sock *ses = ses_sk(sk);
	struct ses_recovery *rec;
	int len;

	if (!(ses->ropts.ext & SES_EXT_RECOVERY) || !ses_hmac)
		return;
	rec = ses_rec_get(sk);
	if (!rec)
		return;
	ses_rec_kx_free(rec);	/* of an earlier connect of this socket */
	rec->kx = kzalloc(sizeof(*rec->kx), GFP_KERNEL);
	if (!rec->kx)
		return;
	if (!ses_rec_kx_keypair(rec->kx, rec->kx->pub_i)) {
		ses_rec_kx_free(rec);
		return;
	}
	memcpy(rec->nonce, rec->kx->pub_i, SES_NONCE_LEN);
	memcpy(e.pub, rec->kx->pub_i, SES_PUB_LEN);
	len = ses_ext_encode(cn->ext, sizeof(cn->ext), &e);
	if (len < 0) {
		ses_rec_kx_free(rec);
		return;
	}
	cn->ext_len = len;
	cn->present |= SES_P_EXTENSION;
	rec->offered = true;
}

/* Responder: CN offered extensions. */
static void ses_rec_take_offer(struct sock *sk, const struct ses_ext *e)
{
	struct ses_sock *ses = ses_sk(sk);
	struct ses_recovery *rec;

	if (!(ses->ropts.ext & SES_EXT_RECOVERY) ||
	    !(e->flags & SES_EXTF_RECOVERY) || !ses_hmac)
		return;
	rec = ses_rec_get(sk);
	if (!rec)
		return;
	ses_rec_kx_free(rec);
	rec->kx = kzalloc(sizeof(*rec->kx), GFP_KERNEL);
	if (!rec->kx)
		return;
	memcpy(rec->kx->pub_i, e->pub, SES_PUB_LEN);
	memcpy(rec->peer_nonce, e->pub, SES_NONCE_LEN);
	rec->offered = true;
}

void ses_resume_fill_ac(struct sock *sk, struct ses_spdu *ac)
{
	struct ses_resume_net *rn = ses_rn(sock_net(sk));
	struct ses_ext e = { .kind = SES_EXTK_ACCEPT,
			     .flags = SES_EXTF_RECOVERY };
	struct ses_recovery *rec = ses_rec(sk);
	u8 z[CURVE25519_KEY_SIZE];
	int i, len, err = -EEXIST;

	if (!rec || !rec->offered || rec->negotiated || !rec->kx)
		return;
	/* a low-order public value from the peer gives Z = 0: no recovery */
	if (!ses_rec_kx_keypair(rec->kx, rec->kx->pub_r) ||
	    !ses_rec_kx_shared(rec, rec->kx->pub_i, z))
		goto out;
	memcpy(rec->nonce, rec->kx->pub_r, SES_NONCE_LEN);
	/* the key is in place before the entry is visible */
	for (i = 0; i < 4 && err == -EEXIST; i++) {
		rec->sid = get_random_u64();
		if (ses_rec_derive(rec, z))
			goto out;
		spin_lock_bh(&rn->lock);
		err = rhashtable_lookup_insert_fast(&rn->table, &rec->node,
						    ses_rec_params);
		spin_unlock_bh(&rn->lock);
	}
	if (err)
		goto out;
	rec->hashed = true;
	sock_hold(sk);	/* the table's */
	ses_seqs_init(&rec->seq, get_unaligned_be64(rec->nonce),
		      get_unaligned_be64(rec->peer_nonce));
	e.sid = rec->sid;
	memcpy(e.pub, rec->kx->pub_r, SES_PUB_LEN);
	len = ses_ext_encode(ac->ext, sizeof(ac->ext), &e);
	if (len < 0)
		goto out;
	ac->ext_len = len;
	ac->present |= SES_P_EXTENSION;
	rec->negotiated = true;
out:
	memzero_explicit(z, sizeof(z));
	ses_rec_kx_free(rec);
}

/*
 * Initiator: the AC echoed the offer (or did not: a plain session).
 * Returns false when the AC cannot be taken: the responder believes
 * recovery negotiated, so the session is aborted rather than run plain.
 */
static bool ses_rec_take_accept(struct sock *sk, const struct ses_ext *e)
{
	struct ses_recovery *rec = ses_rec(sk);
	u8 z[CURVE25519_KEY_SIZE];
	bool ok = false;

	if (!rec || !rec->offered || rec->negotiated || !rec->kx ||
	    e->kind != SES_EXTK_ACCEPT || !(e->flags & SES_EXTF_RECOVERY))
		return true;
	memcpy(rec->kx->pub_r, e->pub, SES_PUB_LEN);
	rec->sid = e->sid;
	/* Z = 0: the responder sent a low-order point */
	if (ses_rec_kx_shared(rec, e->pub, z) && !ses_rec_derive(rec, z)) {
		ses_seqs_init(&rec->seq, get_unaligned_be64(rec->nonce),
			      get_unaligned_be64(e->pub));
		rec->negotiated = true;
		ok = true;
	}
	memzero_explicit(z, sizeof(z));
	ses_rec_kx_free(rec);
	return ok;
}

void ses_resume_established(struct sock *sk)
{
	struct ses_recovery *rec = ses_rec(sk);
	struct ses_sock *ses = ses_sk(sk);

	if (!rec || !rec->negotiated || !ses->tcp)
		return;
	WRITE_ONCE(rec->state, SES_RECOVERY_ACTIVE);
	rec->bound = ses->tcp->sk->sk_userlocks & SOCK_BINDADDR_LOCK;
	ses_rec_save_addrs(sk, rec);
	ses_rec_tcp_opts(sk, ses->tcp);
	ses_mib_inc(sock_net(sk), SES_MIB_RECOVERYSESSIONS);
}

/* ---- transmit ---- */

/*
 * SPDUs numbered and replayed like SSDUs: those that change the state
 * both ends keep (release, tokens, synchronisation points and resync),
 * each alone in its TSDU (the sync ones behind an empty GT).
 */
bool ses_resume_sequenced(int type)
{
	switch (type) {
	case SES_SPDU_FN:
	case SES_SPDU_DN:
	case SES_SPDU_NF:
	case SES_SPDU_GT:
	case SES_SPDU_PT:
	case SES_SPDU_GTC:
	case SES_SPDU_GTA:
	case SES_SPDU_MIP:
	case SES_SPDU_MIA:
	case SES_SPDU_MAP:
	case SES_SPDU_MAA:
	case SES_SPDU_RS:
	case SES_SPDU_RA:
		return true;
	default:
		return false;
	}
}

void ses_resume_tx_tag(struct sock *sk, struct sk_buff_head *q, int type)
{
	struct ses_recovery *rec = ses_rec(sk);
	struct sk_buff *skb;
	u64 seq;

	if (!ses_rec_on(rec))
		return;
	seq = rec->seq.snd_nxt++;
	skb_queue_walk(q, skb) {
		SES_TX_CB(skb)->seq = seq;
		SES_TX_CB(skb)->tagged = true;
		rec->replay_bytes += skb->len;
	}
	if (type == SES_SPDU_DN)
		rec->dn_sent = true;
	if (type == SES_SPDU_MAP) {
		rec->map_seq = seq;
		rec->map_pending = true;
	}
}

/* Without a resumed transport, numbered items wait on @replay. */
bool ses_resume_tx_hold(struct sock *sk, struct sk_buff_head *q)
{
	struct ses_recovery *rec = ses_rec(sk);
	struct sk_buff *skb = skb_peek(q);

	if (!ses_rec_on(rec) || rec->state == SES_RECOVERY_ACTIVE || !skb ||
	    !SES_TX_CB(skb)->tagged)
		return false;
	skb_queue_splice_tail_init(q, &rec->replay);
	return true;
}

/*
 * @skb (the head of the write queue) is all in TCP now. Returns true when
 * it stays, on @replay: its truesize joins the credit of
 * ses_resume_wmem(), so there is room in the send buffer that no freed
 * skb announces (the caller wakes the writers). False when it was freed,
 * which wakes them (sock_wfree()).
 */
bool ses_resume_tx_sent(struct sock *sk, struct sk_buff *skb)
{
	struct ses_recovery *rec = ses_rec(sk);

	if (SES_TX_CB(skb)->tagged && ses_rec_on(rec)) {
		__skb_unlink(skb, &sk->sk_write_queue);
		__skb_queue_tail(&rec->replay, skb);
		SES_TX_CB(skb)->sent = true;
		WRITE_ONCE(rec->sent_truesize,
			   rec->sent_truesize + skb->truesize);
		return true;
	}
	ses_tx_queue_free(sk, skb);
	return false;
}

/*
 * Send-buffer space in use: wmem less a credit for data TCP took and the
 * peer has not acknowledged yet, up to the largest send buffer. Any
 * context (poll, write_space: read without the lock).
 *
 * Acknowledgments share the connection with the peer's data: a peer
 * whose application sends without reading until its own sends are done
 * holds ours back behind its data. Without the credit, data sent and
 * delivered but not yet acknowledged would fill this end's send buffer
 * and both would wait for each other. The credit bounds the extra memory.
 */
int ses_resume_wmem(const struct sock *sk)
{
	const struct ses_recovery *rec = READ_ONCE(ses_sk(sk)->rec);
	int used = sk_wmem_alloc_get(sk);
	u32 credit;

	if (!rec || READ_ONCE(rec->state) != SES_RECOVERY_ACTIVE)
		return used;
	credit = min_t(u32, READ_ONCE(rec->sent_truesize),
		       READ_ONCE(sysctl_ses_wmem[2]));
	return used > credit ? used - credit : 0;
}

static int ses_rec_send_gt(struct sock *sk, const struct ses_ext *e)
{
	u8 buf[SES_EXT_GT_MAX];
	int len;

	len = ses_ext_gt_encode(buf, sizeof(buf), e);
	if (len < 0)
		return len;
	/* an acknowledgment overtakes queued data: it frees the peer's */
	return ses_tx_tsdu(sk, buf, len, e->kind == SES_EXTK_ACK);
}

static void ses_rec_send_ack(struct sock *sk)
{
	struct ses_recovery *rec = ses_rec(sk);
	struct ses_ext e = { .kind = SES_EXTK_ACK };

	if (!ses_sk(sk)->tcp || rec->state != SES_RECOVERY_ACTIVE)
		return;
	e.seq = rec->seq.rcv_nxt;
	if (!ses_rec_send_gt(sk, &e)) {
		rec->seq.rcv_acked = rec->seq.rcv_nxt;
		rec->rx_unacked_bytes = 0;
		ses_mib_inc(sock_net(sk), SES_MIB_ACKSSENT);
	}
}

/* ---- suspension, reconnect, resume ---- */

/* Can the session outlive its transport in this state? */
static bool ses_rec_recoverable(const struct sock *sk)
{
	const struct ses_sock *ses = ses_sk(sk);
	const struct ses_recovery *rec = ses->rec;

	switch (ses->spm.state) {
	case SES_STA713:
	case SES_STA03:
	case SES_STA09:
	case SES_STA04A:	/* our MAP or RS awaits its answer */
	case SES_STA05A:
	case SES_STA10A:	/* the peer's MAP or RS awaits ours */
	case SES_STA11A:
		return true;
	case SES_STA16:
		/* after DN: until the peer acknowledged it */
		return rec->dn_sent && ses_seqs_unacked(&rec->seq);
	default:
		return false;
	}
}

/* Let the transport go; what was queued for it joins @replay. */
static void ses_rec_detach_transport(struct sock *sk)
{
	struct ses_sock *ses = ses_sk(sk);
	struct ses_recovery *rec = ses->rec;
	struct sk_buff *skb, *tmp;

	if (ses->tcp)
		ses_rec_save_addrs(sk, rec);
	WRITE_ONCE(rec->rx_hold, false);
	ses_tcp_detach(sk);
	ses->spm.in_ssdu = false;
	ses->cr_sent = false;
	/* held from now on: no credit for them */
	skb_queue_walk(&rec->replay, skb)
		SES_TX_CB(skb)->sent = false;
	WRITE_ONCE(rec->sent_truesize, 0);
	skb_queue_walk_safe(&sk->sk_write_queue, skb, tmp) {
		if (SES_TX_CB(skb)->tagged) {
			__skb_unlink(skb, &sk->sk_write_queue);
			__skb_queue_tail(&rec->replay, skb);
		} else {
			ses_rec_free(sk, rec, skb, &sk->sk_write_queue);
		}
	}
	ses->tx_offset = 0;
}

/* Tell the user, if it asked to be told (SES_RECOVERY_EVENTS). */
static void ses_rec_notify(struct sock *sk, u8 prim, int err)
{
	if (ses_sk(sk)->ropts.events)
		ses_queue_notification(sk, prim, err);
}

/* Arm the work for the window's end or the next reconnect. */
static void ses_rec_schedule(struct sock *sk)
{
	struct ses_recovery *rec = ses_rec(sk);
	unsigned long when = rec->deadline;

	if (ses_sk(sk)->initiator && time_before(rec->next_try, when))
		when = rec->next_try;
	ses_rec_kick(sk, time_after(when, jiffies) ? when - jiffies : 0);
}

static void ses_rec_suspend(struct sock *sk, int err)
{
	struct ses_sock *ses = ses_sk(sk);
	struct ses_recovery *rec = ses->rec;

	rec->last_failure = err;
	ses_rec_detach_transport(sk);
	WRITE_ONCE(rec->state, SES_RECOVERY_SUSPENDED);
	rec->deadline = jiffies + msecs_to_jiffies(ses->ropts.window_ms);
	rec->attempts = 0;
	rec->next_try = jiffies +
		msecs_to_jiffies(ses_backoff_ms(0, SES_BACKOFF_BASE_MS,
						ses->ropts.reconnect_max_ms,
						get_random_u32()));
	ses_mib_inc(sock_net(sk), SES_MIB_SUSPENDS);
	ses_rec_notify(sk, SES_PRIM_SUSPENDED, err);
	ses_rec_schedule(sk);
}

/* Initiator: this reconnect failed; the next one is due at next_try. */
static void ses_rec_attempt_failed(struct sock *sk, int err)
{
	struct ses_recovery *rec = ses_rec(sk);

	rec->last_failure = err;
	ses_rec_detach_transport(sk);
	WRITE_ONCE(rec->state, SES_RECOVERY_SUSPENDED);
	ses_rec_schedule(sk);
}

/*
 * Recovery failed: the session ends with @err. What the user had not
 * read goes as on any failure; the notification is queued after that,
 * so the next recvmsg() returns it and the one after that the error.
 */
static void ses_rec_end(struct sock *sk, int err)
{
	ses_sk(sk)->abort_reason = SES_AB_TRANSPORT;
	ses_session_done(sk, err);
	ses_rec_notify(sk, SES_PRIM_GIVEN_UP, err);
}

/* The session cannot be resumed: it ends with @err. */
static void ses_rec_give_up(struct sock *sk, int err)
{
	struct ses_recovery *rec = ses_rec(sk);

	WRITE_ONCE(rec->state, SES_RECOVERY_FAILED);
	rec->last_failure = err;
	ses_mib_inc(sock_net(sk), SES_MIB_RESUMEFAILED);
	ses_rec_end(sk, err);
}

/* Initiator: open a new transport to the peer. */
static void ses_rec_connect(struct sock *sk)
{
	struct ses_sock *ses = ses_sk(sk);
	struct ses_recovery *rec = ses->rec;
	struct sockaddr_in6 local;
	struct socket *tcp;
	int err;

	if (!ses_session_slot_get(sock_net(sk))) {
		rec->last_failure = ENOBUFS;
		return;
	}
	err = ses_tcp_create(sk, &tcp);
	if (err) {
		ses_session_slot_put(sock_net(sk));
		rec->last_failure = -err;
		return;
	}
	ses->has_slot = true;
	if (rec->bound) {
		/* the address the user bound, if it is still there */
		local = rec->local;
		((struct sockaddr_in *)&local)->sin_port = 0;
		kernel_bind(tcp, (struct sockaddr *)&local, rec->local_len);
	}
	ses->cr_sent = false;
	ses_tcp_attach(sk, tcp, false);
	WRITE_ONCE(rec->state, SES_RECOVERY_RESUMING);
	rec->attempts++;
	rec->att_start = jiffies;
	ses_mib_inc(sock_net(sk), SES_MIB_RESUMEATTEMPTS);
	err = kernel_connect(tcp, (struct sockaddr *)&rec->peer, rec->peer_len,
			     O_NONBLOCK);
	if (err && err != -EINPROGRESS) {
		ses_rec_attempt_failed(sk, -err);
		return;
	}
	ses_queue_work(sk, SES_EV_STATE);
}

/* Initiator: a reconnect is due. */
static void ses_rec_try(struct sock *sk)
{
	struct ses_sock *ses = ses_sk(sk);
	struct ses_recovery *rec = ses->rec;

	if (rec->state == SES_RECOVERY_RESUMING) {
		/* TCP is up: give the handshake its time */
		if (ses->tcp &&
		    inet_sk_state_load(ses->tcp->sk) == TCP_ESTABLISHED &&
		    time_before(jiffies, rec->att_start +
				msecs_to_jiffies(ses->handshake_ms))) {
			rec->next_try = jiffies + msecs_to_jiffies(100);
			return;
		}
		rec->last_failure = ETIMEDOUT;
		ses_rec_detach_transport(sk);
		WRITE_ONCE(rec->state, SES_RECOVERY_SUSPENDED);
	}
	ses_rec_connect(sk);
	rec->next_try = jiffies +
		msecs_to_jiffies(ses_backoff_ms(rec->attempts,
						SES_BACKOFF_BASE_MS,
						ses->ropts.reconnect_max_ms,
						get_random_u32()));
}

/* Both ends: the new transport carries the session from here. */
static void ses_rec_resumed(struct sock *sk)
{
	struct ses_sock *ses = ses_sk(sk);
	struct ses_recovery *rec = ses->rec;
	u64 n = ses_seqs_unacked(&rec->seq);

	WRITE_ONCE(rec->state, SES_RECOVERY_ACTIVE);
	rec->resumes++;
	rec->replayed += n;
	ses_mib_inc(sock_net(sk), SES_MIB_RESUMED);
	ses_mib_add(sock_net(sk), SES_MIB_REPLAYED, n);
	ses_rec_save_addrs(sk, rec);
	ses_rec_tcp_opts(sk, ses->tcp);
	ses_rec_notify(sk, SES_PRIM_RESUMED, 0);
	skb_queue_splice_tail_init(&rec->replay, &sk->sk_write_queue);
	ses_tx_push(sk);
	ses_queue_work(sk, SES_EV_RX);
}

/* The window ended without a resume. */
static void ses_rec_expire(struct sock *sk)
{
	struct ses_recovery *rec = ses_rec(sk);

	ses_mib_inc(sock_net(sk), SES_MIB_RESUMEEXPIRED);
	WRITE_ONCE(rec->state, SES_RECOVERY_FAILED);
	ses_rec_end(sk, ETIMEDOUT);
}

/* Responder: adopt the transport a resume child handed over. */
static void ses_rec_graft(struct sock *sk)
{
	struct ses_sock *ses = ses_sk(sk);
	struct ses_recovery *rec = ses->rec;
	struct ses_graft *g;

	spin_lock_bh(&rec->lock);
	g = rec->graft;
	rec->graft = NULL;
	spin_unlock_bh(&rec->lock);
	if (!g)
		return;
	if (!ses_rec_on(rec) || ses->initiator ||
	    rec->state == SES_RECOVERY_RESUMING ||
	    (rec->state == SES_RECOVERY_ACTIVE && !ses_rec_recoverable(sk))) {
		ses_graft_free(sock_net(sk), g);
		return;
	}
	if (rec->state == SES_RECOVERY_ACTIVE) {
		/* the old transport still looked alive: replaced */
		ses_mib_inc(sock_net(sk), SES_MIB_RESUMEREPLACED);
		ses_rec_detach_transport(sk);
	}
	if (ses_seqs_resume_tx(&rec->seq, g->peer_rcv_nxt) < 0 ||
	    ses_seqs_resume_rx(&rec->seq, g->rx_start)) {
		ses_graft_free(sock_net(sk), g);
		ses_rec_give_up(sk, EPROTO);
		return;
	}
	ses_rec_trim(sk, rec);
	ses->saved_data_ready = g->saved_data_ready;
	ses->saved_write_space = g->saved_write_space;
	ses->saved_state_change = g->saved_state_change;
	ses->has_slot = g->has_slot;
	ses_tcp_attach(sk, g->tcp, false);
	kfree(g);
	ses_rec_resumed(sk);
	ses_queue_work(sk, SES_EV_STATE);
}

/* Process context: the window, reconnects, grafts. Holds the reference
 * ses_rec_kick() took.
 */
static void ses_rec_work(struct work_struct *work)
{
	struct ses_recovery *rec = container_of(to_delayed_work(work),
						struct ses_recovery, work);
	struct sock *sk = rec->sk;

	lock_sock(sk);
	if (test_and_clear_bit(SES_REC_EV_ACK, &rec->events))
		ses_resume_rx_done(sk);
	if (test_and_clear_bit(SES_REC_EV_GRAFT, &rec->events))
		ses_rec_graft(sk);
	if (rec->state == SES_RECOVERY_SUSPENDED ||
	    rec->state == SES_RECOVERY_RESUMING) {
		if (!time_before(jiffies, rec->deadline))
			ses_rec_expire(sk);
		else if (ses_sk(sk)->initiator &&
			 !time_before(jiffies, rec->next_try))
			ses_rec_try(sk);
	}
	if (rec->state == SES_RECOVERY_SUSPENDED ||
	    rec->state == SES_RECOVERY_RESUMING)
		ses_rec_schedule(sk);
	release_sock(sk);
	sock_put(sk);
}

bool ses_resume_transport_lost(struct sock *sk, int state, int err)
{
	struct ses_recovery *rec = ses_rec(sk);

	if (!rec || !rec->negotiated)
		return false;
	switch (rec->state) {
	case SES_RECOVERY_RESUMING:
		ses_rec_attempt_failed(sk, err ?: ECONNRESET);
		return true;
	case SES_RECOVERY_ACTIVE:
		/*
		 * A FIN is the peer's end closing its transport on purpose
		 * (it drains what it has not read, so as not to reset):
		 * failures are resets and timeouts.
		 */
		if (!ses_rec_recoverable(sk) || state == TCP_CLOSE_WAIT)
			return false;
		/*
		 * A reset after an AB (the aborting end had unread data):
		 * what TCP still holds is read first, unless the user
		 * stopped reading; anything unacknowledged is replayed.
		 */
		if (ses_sk(sk)->tcp &&
		    (tcp_inq(ses_sk(sk)->tcp->sk) ||
		     !skb_queue_empty(&ses_sk(sk)->rx_queue)) &&
		    atomic_read(&sk->sk_rmem_alloc) < READ_ONCE(sk->sk_rcvbuf))
			return false;
		ses_rec_suspend(sk, err ?: ECONNRESET);
		return true;
	default:
		return false;
	}
}

/* ---- the resume handshake ---- */

/* Initiator: COTP CC on a reconnect: send CN (RESUME). */
bool ses_resume_cotp(struct sock *sk, const struct ses_cotp *c)
{
	struct ses_recovery *rec = ses_rec(sk);
	struct ses_sock *ses = ses_sk(sk);
	struct ses_ext e = { .kind = SES_EXTK_RESUME };
	u8 code = c->tpdu_size_code ?: SES_TPDU_CODE_MIN;
	struct ses_spdu cn;
	int len;

	if (!rec || rec->state != SES_RECOVERY_RESUMING)
		return false;
	/* the TPDUs held for replay are cut for the original size */
	if (c->code != SES_COTP_CC || c->class_opt >> 4 ||
	    code < SES_TPDU_CODE_MIN || code > SES_TPDU_CODE_MAX ||
	    1U << min_t(u8, code, SES_TPDU_CODE_MAX) != ses->tpdu_size) {
		ses_rec_attempt_failed(sk, EPROTO);
		return true;
	}
	ses_spm_fill_cn(&ses->spm, &cn);
	get_random_bytes(rec->nonce, SES_NONCE_LEN);
	e.sid = rec->sid;
	memcpy(e.nonce, rec->nonce, SES_NONCE_LEN);
	len = ses_ext_encode(cn.ext, sizeof(cn.ext), &e);
	if (len < 0) {
		ses_rec_attempt_failed(sk, EINVAL);
		return true;
	}
	cn.ext_len = len;
	cn.present |= SES_P_EXTENSION;
	if (ses_tx_spdu(sk, &cn))
		ses_rec_attempt_failed(sk, ENOMEM);
	return true;
}

/* Responder child: refuse a resume with RF and end. */
static void ses_rec_refuse(struct sock *sk, u8 reason)
{
	struct ses_spdu rf = {
		.type = SES_SPDU_RF,
		.present = SES_P_TRANSPORT_DISC | SES_P_REASON | SES_P_VERSION,
		.transport_disc = SES_TD_RELEASED,
		.reason = reason,
		.version = SES_VERSION_2,
	};

	ses_mib_inc(sock_net(sk), SES_MIB_RESUMEREFUSED);
	ses_tx_spdu(sk, &rf);
	ses_session_done(sk, 0);
}

static u16 ses_local_port(struct sock *sk)
{
	struct sockaddr_storage ss;

	if (kernel_getsockname(ses_sk(sk)->tcp, (struct sockaddr *)&ss) < 0)
		return 0;
	return ntohs(((struct sockaddr_in *)&ss)->sin_port);
}

/*
 * Responder child: may one more resume request of this namespace be
 * looked at? A flood of forged ones is refused here, before the table
 * lookup and any MAC, with the RF an initiator retries after (its
 * back-off spreads the retries within its window).
 */
static bool ses_rec_resume_allowed(struct sock *sk)
{
	struct ses_resume_net *rn = ses_rn(sock_net(sk));

	if (__ratelimit(&rn->resume_rs))
		return true;
	ses_mib_inc(sock_net(sk), SES_MIB_RESUMERATELIMITED);
	ses_rec_refuse(sk, SES_RF_SPM_CONGESTION);
	return false;
}

/* Responder child: CN (RESUME) arrived: answer AC (CHALLENGE). */
static bool ses_rec_resume_request(struct sock *sk, const struct ses_ext *e)
{
	struct ses_resume_net *rn = ses_rn(sock_net(sk));
	struct ses_ext ch = { .kind = SES_EXTK_CHALLENGE };
	struct ses_recovery *rec, *trec;
	struct sock *target = NULL;
	struct ses_spdu ac;
	int len;

	spin_lock_bh(&rn->lock);
	trec = rhashtable_lookup_fast(&rn->table, &e->sid, ses_rec_params);
	if (trec) {
		target = trec->sk;
		sock_hold(target);
	}
	spin_unlock_bh(&rn->lock);
	/* only the listener that accepted it resumes a session */
	if (!target || trec->lport != ses_local_port(sk) ||
	    ses_sk(target)->tpdu_size != ses_sk(sk)->tpdu_size) {
		if (target)
			sock_put(target);
		ses_mib_inc(sock_net(sk), SES_MIB_RESUMEUNKNOWN);
		ses_rec_refuse(sk, SES_RF_SPM_RESTRICTION);
		return true;
	}
	rec = ses_rec_get(sk);
	if (!rec) {
		sock_put(target);
		ses_rec_refuse(sk, SES_RF_SPM_CONGESTION);
		return true;
	}
	rec->target = target;
	rec->t_sid = e->sid;
	memcpy(rec->key, trec->key, SES_KEY_LEN);
	memcpy(rec->peer_nonce, e->nonce, SES_NONCE_LEN);
	get_random_bytes(rec->nonce, SES_NONCE_LEN);
	rec->ch_seq = READ_ONCE(trec->seq.rcv_nxt);
	ch.seq = rec->ch_seq;
	memcpy(ch.nonce, rec->nonce, SES_NONCE_LEN);
	if (ses_rec_mac(rec->key, 'r', rec->t_sid, rec->peer_nonce, rec->nonce,
			ch.seq, ch.mac)) {
		ses_rec_refuse(sk, SES_RF_SPM_CONGESTION);
		return true;
	}
	memset(&ac, 0, sizeof(ac));
	ac.type = SES_SPDU_AC;
	ac.present = SES_P_PROTOCOL_OPTIONS | SES_P_VERSION | SES_P_SUR |
		     SES_P_EXTENSION;
	ac.version = SES_VERSION_2;
	ac.sur = ses_sk(target)->spm.fu;
	len = ses_ext_encode(ac.ext, sizeof(ac.ext), &ch);
	if (len < 0)
		return true;
	ac.ext_len = len;
	/* the PROOF must be the last message this child parses */
	WRITE_ONCE(rec->rx_hold, true);
	ses_tx_spdu(sk, &ac);
	return true;
}

/* Responder child: the PROOF checked, hand the transport over. */
static void ses_rec_handoff(struct sock *sk, u64 peer_rcv_nxt)
{
	struct ses_sock *ses = ses_sk(sk);
	struct ses_recovery *rec = ses->rec, *trec;
	struct sock *target = rec->target, *tsk = ses->tcp->sk;
	struct ses_graft *g, *old = NULL;
	bool dead;

	g = kzalloc(sizeof(*g), GFP_KERNEL);
	if (!g) {
		ses_session_done(sk, ENOMEM);
		return;
	}
	strp_stop(&ses->strp);
	strp_done(&ses->strp);
	ses->strp_on = false;
	/* our callbacks stay, with no owner: they do nothing meanwhile */
	write_lock_bh(&tsk->sk_callback_lock);
	rcu_assign_sk_user_data(tsk, NULL);
	write_unlock_bh(&tsk->sk_callback_lock);
	g->tcp = ses->tcp;
	ses->tcp = NULL;
	g->saved_data_ready = ses->saved_data_ready;
	g->saved_write_space = ses->saved_write_space;
	g->saved_state_change = ses->saved_state_change;
	g->has_slot = ses->has_slot;
	ses->has_slot = false;
	g->peer_rcv_nxt = peer_rcv_nxt;
	g->rx_start = rec->ch_seq;

	trec = ses_sk(target)->rec;
	spin_lock_bh(&trec->lock);
	dead = trec->dead;
	if (!dead) {
		old = trec->graft;
		trec->graft = g;
	}
	spin_unlock_bh(&trec->lock);
	if (dead)
		old = g;
	if (old)
		ses_graft_free(sock_net(sk), old);
	if (!dead) {
		set_bit(SES_REC_EV_GRAFT, &trec->events);
		ses_rec_kick(target, 0);
	}
	ses_session_done(sk, 0);
}

/* Responder child: after CHALLENGE only a PROOF may come. */
static bool ses_rec_child_rx(struct sock *sk, const struct ses_spdu *s,
			     const struct ses_ext *e)
{
	struct ses_sock *ses = ses_sk(sk);
	struct ses_recovery *rec = ses->rec;
	u8 mac[SES_MAC_LEN];

	if (s->type != SES_SPDU_GT || !e || e->kind != SES_EXTK_PROOF ||
	    ses_rec_mac(rec->key, 'i', rec->t_sid, rec->peer_nonce,
			rec->nonce, e->seq, mac) ||
	    crypto_memneq(mac, e->mac, SES_MAC_LEN)) {
		ses_mib_inc(sock_net(sk), SES_MIB_RESUMEBADPROOF);
		ses_mib_inc(sock_net(sk), SES_MIB_RESUMEREFUSED);
		ses_session_done(sk, ECONNREFUSED);
		return true;
	}
	/* the initiator waited for CHALLENGE: nothing was parsed after */
	if (!ses->strp.paused || !skb_queue_empty(&ses->rx_queue)) {
		ses_mib_inc(sock_net(sk), SES_MIB_RESUMEREFUSED);
		ses_session_done(sk, EPROTO);
		return true;
	}
	ses_rec_handoff(sk, e->seq);
	return true;
}

/* Initiator: AC (CHALLENGE) to a reconnect: check it, PROOF, replay. */
static void ses_rec_challenge(struct sock *sk, const struct ses_ext *e)
{
	struct ses_recovery *rec = ses_rec(sk);
	struct ses_ext p = { .kind = SES_EXTK_PROOF };
	u8 mac[SES_MAC_LEN];

	if (ses_rec_mac(rec->key, 'r', rec->sid, rec->nonce, e->nonce, e->seq,
			mac) || crypto_memneq(mac, e->mac, SES_MAC_LEN)) {
		ses_mib_inc(sock_net(sk), SES_MIB_RESUMEBADPROOF);
		ses_rec_attempt_failed(sk, EPROTO);
		return;
	}
	if (ses_seqs_resume_tx(&rec->seq, e->seq) < 0) {
		ses_rec_give_up(sk, EPROTO);
		return;
	}
	ses_rec_trim(sk, rec);
	p.seq = rec->seq.rcv_nxt;
	ses_seqs_resume_rx(&rec->seq, p.seq);
	if (ses_rec_mac(rec->key, 'i', rec->sid, rec->nonce, e->nonce, p.seq,
			p.mac) || ses_rec_send_gt(sk, &p)) {
		ses_rec_attempt_failed(sk, ENOMEM);
		return;
	}
	ses_rec_resumed(sk);
}

/* Initiator: what arrives on a reconnect before it is resumed. */
static bool ses_rec_attempt_rx(struct sock *sk, const struct ses_spdu *s,
			       const struct ses_ext *e)
{
	if (s->type == SES_SPDU_AC && e && e->kind == SES_EXTK_CHALLENGE) {
		ses_rec_challenge(sk, e);
	} else if (s->type == SES_SPDU_RF && (s->present & SES_P_REASON) &&
		   s->reason == SES_RF_SPM_CONGESTION) {
		ses_rec_attempt_failed(sk, ECONNREFUSED);
	} else if (s->type == SES_SPDU_RF || s->type == SES_SPDU_AC) {
		/* the peer does not know the session (any more) */
		ses_rec_give_up(sk, ECONNRESET);
	} else {
		ses_rec_attempt_failed(sk, EPROTO);
	}
	return true;
}

/*
 * Our major point is confirmed: the peer's user answered it after its
 * session entity took everything up to it, which acknowledges that much.
 */
static void ses_rec_major_acked(struct sock *sk, struct ses_recovery *rec)
{
	rec->map_pending = false;
	if (ses_seqs_ack(&rec->seq, (u32)(rec->map_seq + 1)) > 0)
		ses_rec_trim(sk, rec);
}

/* A numbered SPDU arrived (FN, DN, tokens, sync): a duplicate goes. */
static bool ses_rec_rx_ctrl(struct sock *sk, int type)
{
	struct ses_recovery *rec = ses_rec(sk);
	int v = ses_resume_rx_item(sk);

	if (v > 0)
		return true;	/* duplicate */
	if (v < 0) {
		ses_rx_bad(sk, SES_MIB_BADSPDU);
		return true;
	}
	/* the peer's DN ends the session here: acknowledge it first */
	if (type == SES_SPDU_DN && ses_rec_on(rec))
		ses_rec_send_ack(sk);
	if (type == SES_SPDU_MAA && ses_rec_on(rec) && rec->map_pending)
		ses_rec_major_acked(sk, rec);
	return false;
}

/* A GT carrying an extension on an established session. */
static bool ses_rec_rx_gt(struct sock *sk, const struct ses_ext *e)
{
	struct ses_recovery *rec = ses_rec(sk);
	s64 n;

	if (e->kind != SES_EXTK_ACK || rec->state != SES_RECOVERY_ACTIVE)
		return false;	/* the machine: protocol error */
	n = ses_seqs_ack(&rec->seq, (u32)e->seq);
	if (n < 0)
		return false;
	ses_mib_inc(sock_net(sk), SES_MIB_ACKSRECEIVED);
	ses_rec_trim(sk, rec);
	return true;
}

bool ses_resume_rx_spdu(struct sock *sk, const struct ses_tsdu *t)
{
	const struct ses_spdu *s = &t->spdu[t->n - 1];
	struct ses_sock *ses = ses_sk(sk);
	struct ses_recovery *rec = ses->rec;
	const struct ses_ext *ep = NULL;
	struct ses_ext e;

	if ((s->present & SES_P_EXTENSION) &&
	    !ses_ext_decode(s->ext, s->ext_len, &e))
		ep = &e;
	if (rec && rec->target)
		return ses_rec_child_rx(sk, s, ep);
	if (rec && rec->state == SES_RECOVERY_RESUMING)
		return ses_rec_attempt_rx(sk, s, ep);

	switch (s->type) {
	case SES_SPDU_CN:
		if (!ep || ses->initiator || ses->spm.state != SES_STA01C)
			return false;
		if (ep->kind == SES_EXTK_RESUME) {
			ses_mib_inc(sock_net(sk), SES_MIB_RESUMEREQUESTS);
			if (!ses_rec_resume_allowed(sk))
				return true;
			return ses_rec_resume_request(sk, ep);
		}
		if (ep->kind == SES_EXTK_OFFER)
			ses_rec_take_offer(sk, ep);
		return false;
	case SES_SPDU_AC:
		if (ses->spm.state != SES_STA02A)
			return false;
		if (ep && !ses_rec_take_accept(sk, ep)) {
			ses_rx_bad(sk, SES_MIB_BADSPDU);
			return true;
		}
		/* a plain session: the private value goes now, not at close */
		if (rec)
			ses_rec_kx_free(rec);
		return false;
	case SES_SPDU_GT:
		if (t->n != 1)
			return false;
		if (ep)
			return ses_rec_on(rec) && ses_rec_rx_gt(sk, ep);
		return ses_rec_rx_ctrl(sk, s->type);	/* tokens given */
	case SES_SPDU_PT:
	case SES_SPDU_GTC:
	case SES_SPDU_GTA:
	case SES_SPDU_NF:
	case SES_SPDU_FN:
	case SES_SPDU_DN:
		return t->n == 1 && ses_rec_rx_ctrl(sk, s->type);
	case SES_SPDU_MIP:
	case SES_SPDU_MIA:
	case SES_SPDU_MAP:
	case SES_SPDU_MAA:
	case SES_SPDU_RS:
	case SES_SPDU_RA:
		/* behind a GT or PT: the TSDU is one item */
		return ses_rec_rx_ctrl(sk, s->type);
	default:
		return false;
	}
}

/* Number an item that arrived: as ses_resume_rx_item(), no ack sent. */
static int ses_rec_rx_seq(struct sock *sk, struct ses_recovery *rec)
{
	switch (ses_seqs_rx(&rec->seq)) {
	case SES_RX_DUP:
		rec->duplicates++;
		ses_mib_inc(sock_net(sk), SES_MIB_DUPLICATES);
		return 1;
	case SES_RX_GAP:
		return -EBADMSG;
	default:
		return 0;
	}
}

/*
 * A numbered item (an SSDU, FN, DN, a token or sync SPDU; an SSDU a
 * resync discards too) arrived: 0 to deliver it, 1 to drop it as a
 * duplicate, -EBADMSG when items before it are missing.
 */
int ses_resume_rx_item(struct sock *sk)
{
	struct ses_recovery *rec = ses_rec(sk);
	int v;

	if (!ses_rec_on(rec) || rec->state != SES_RECOVERY_ACTIVE)
		return 0;
	v = ses_rec_rx_seq(sk, rec);
	if (!v && ses_seqs_ack_due(&rec->seq, false))
		ses_rec_send_ack(sk);
	return v;
}

/*
 * Is the item that starts now one this end took already? That happens
 * after a resume replaced a transport that went on delivering after the
 * CHALLENGE announced where this end stood: the peer replays from there.
 * Such an item must not reach the protocol machine, which acted on it
 * the first time and may be in a state where it is no longer valid (a
 * DT after the MAP that followed it). Process context, sk locked.
 */
bool ses_resume_rx_is_dup(const struct sock *sk)
{
	const struct ses_recovery *rec = ses_rec(sk);

	return ses_rec_on(rec) && rec->state == SES_RECOVERY_ACTIVE &&
	       ses_seq_before(rec->seq.rx_seq, rec->seq.rcv_nxt);
}

/* No data before a resume is proven. */
bool ses_resume_rx_blocked(const struct sock *sk)
{
	const struct ses_recovery *rec = ses_rec(sk);

	return rec && (rec->target || rec->state == SES_RECOVERY_RESUMING);
}

/* Softirq, or the TCP socket locked (strparser's rcv_msg). */
bool ses_resume_rx_hold(const struct ses_sock *ses)
{
	const struct ses_recovery *rec = READ_ONCE(ses->rec);

	return rec && READ_ONCE(rec->rx_hold);
}

/* The worker read what it could: acknowledge. */
void ses_resume_rx_done(struct sock *sk)
{
	struct ses_recovery *rec = ses_rec(sk);

	if (ses_rec_on(rec) && rec->state == SES_RECOVERY_ACTIVE &&
	    ses_seqs_ack_due(&rec->seq, true))
		ses_rec_send_ack(sk);
}

/*
 * May the fast receive path (transport.c) take data now? Not while a
 * resume is under way or items are missing: the full path decides.
 * Context: the session locked, possibly atomic (ses_rx_fast()).
 */
bool ses_resume_rx_fast_ok(const struct sock *sk)
{
	const struct ses_recovery *rec = ses_rec(sk);

	if (!rec)
		return true;
	if (rec->target || rec->rx_hold ||
	    rec->state == SES_RECOVERY_RESUMING)
		return false;
	if (!ses_rec_on(rec))
		return true;
	return rec->state == SES_RECOVERY_ACTIVE &&
	       !ses_seq_before(rec->seq.rcv_nxt, rec->seq.rx_seq);
}

/*
 * The fast receive path completed an SSDU of @len octets (after
 * ses_resume_rx_fast_ok()): 0 to deliver it, 1 to drop it as a
 * duplicate. Schedules the acknowledgment rather than sending it.
 * Context: as ses_resume_rx_fast_ok().
 */
int ses_resume_rx_fast(struct sock *sk, u32 len)
{
	struct ses_recovery *rec = ses_rec(sk);

	if (!ses_rec_on(rec))
		return 0;
	/* no gap: ses_resume_rx_fast_ok() made sure */
	if (ses_rec_rx_seq(sk, rec))
		return 1;
	rec->rx_unacked_bytes += len;
	if (ses_seqs_ack_due(&rec->seq, false) ||
	    rec->rx_unacked_bytes >= SES_ACK_BYTES) {
		set_bit(SES_REC_EV_ACK, &rec->events);
		ses_rec_kick(sk, 0);
	} else if (!test_and_set_bit(SES_REC_EV_ACK, &rec->events)) {
		ses_rec_kick(sk, msecs_to_jiffies(SES_DELACK_MS) ?: 1);
	}
	return 0;
}

/* Bad input on a reconnect ends the attempt, not the session. */
bool ses_resume_rx_bad(struct sock *sk)
{
	struct ses_recovery *rec = ses_rec(sk);

	if (!rec || rec->state != SES_RECOVERY_RESUMING)
		return false;
	ses_rec_attempt_failed(sk, EPROTO);
	return true;
}

/* ---- options and visibility ---- */

static int ses_rec_set_ms(u32 *ms, int val)
{
	if (val < 1 || val > 3600 * 1000)
		return -EINVAL;
	*ms = val;
	return 0;
}

int ses_resume_setsockopt(struct sock *sk, int optname, int val)
{
	struct ses_sock *ses = ses_sk(sk);
	struct ses_recovery *rec = ses->rec;
	int err;

	switch (optname) {
	case SES_EXTENSIONS:
		if (sk->sk_state != SES_SK_LISTEN &&
		    (sk->sk_state != SES_SK_CLOSE || ses->strp_on ||
		     sk->sk_shutdown))
			return -EISCONN;
		if (val & ~SES_EXT_RECOVERY)
			return -EINVAL;
		if (val && !ses_hmac)
			return -EOPNOTSUPP;
		ses->ropts.ext = val;
		return 0;
	case SES_RESUME_WINDOW:
		return ses_rec_set_ms(&ses->ropts.window_ms, val);
	case SES_RECONNECT_MAX:
		return ses_rec_set_ms(&ses->ropts.reconnect_max_ms, val);
	case SES_KEEPALIVE:
		err = ses_rec_set_ms(&ses->ropts.keepalive_ms, val);
		break;
	case SES_USER_TIMEOUT:
		err = ses_rec_set_ms(&ses->ropts.user_timeout_ms, val);
		break;
	case SES_RECOVERY_EVENTS:
		if (val != 0 && val != 1)
			return -EINVAL;
		ses->ropts.events = val;
		return 0;
	default:
		return -ENOPROTOOPT;
	}
	if (!err && ses->tcp && rec && rec->state == SES_RECOVERY_ACTIVE)
		ses_rec_tcp_opts(sk, ses->tcp);
	return err;
}

int ses_resume_getsockopt(struct sock *sk, int optname, int *val)
{
	struct ses_sock *ses = ses_sk(sk);
	struct ses_recovery *rec = ses->rec;

	switch (optname) {
	case SES_EXTENSIONS:
		if (ses->spm.version)
			*val = rec && rec->negotiated ? SES_EXT_RECOVERY : 0;
		else
			*val = ses->ropts.ext;
		return 0;
	case SES_RESUME_WINDOW:
		*val = ses->ropts.window_ms;
		return 0;
	case SES_RECONNECT_MAX:
		*val = ses->ropts.reconnect_max_ms;
		return 0;
	case SES_KEEPALIVE:
		*val = ses->ropts.keepalive_ms;
		return 0;
	case SES_USER_TIMEOUT:
		*val = ses->ropts.user_timeout_ms;
		return 0;
	case SES_RECOVERY_EVENTS:
		*val = ses->ropts.events;
		return 0;
	default:
		return -ENOPROTOOPT;
	}
}

void ses_resume_fill_info(struct sock *sk, struct ses_info *info)
{
	struct ses_recovery *rec = ses_rec(sk);

	if (!rec || !rec->negotiated)
		return;
	info->extensions = SES_EXT_RECOVERY;
	info->recovery_state = rec->state;
	info->resumes = rec->resumes;
	info->last_failure = rec->last_failure;
	info->replay_ssdus = ses_rec_on(rec) ? ses_seqs_unacked(&rec->seq) : 0;
	info->replay_bytes = rec->replay_bytes;
	info->duplicates = rec->duplicates;
	info->replayed = rec->replayed;
}

/* getname() while detached: the addresses of the last transport. */
int ses_resume_getname(struct sock *sk, struct sockaddr *addr, int peer)
{
	struct ses_recovery *rec = ses_rec(sk);

	if (peer) {
		memcpy(addr, &rec->peer, rec->peer_len);
		return rec->peer_len;
	}
	memcpy(addr, &rec->local, rec->local_len);
	return rec->local_len;
}

/* ---- per network namespace ---- */

static int ses_ms_min = 1;
static int ses_ms_max = 3600 * 1000;

static const struct ctl_table ses_resume_sysctls[] = {
	{
		.procname	= "resume_window_ms",
		.maxlen		= sizeof(u32),
		.mode		= 0644,
		.proc_handler	= proc_dointvec_minmax,
		.extra1		= &ses_ms_min,
		.extra2		= &ses_ms_max,
	},
	{
		.procname	= "reconnect_max_ms",
		.maxlen		= sizeof(u32),
		.mode		= 0644,
		.proc_handler	= proc_dointvec_minmax,
		.extra1		= &ses_ms_min,
		.extra2		= &ses_ms_max,
	},
	{
		.procname	= "keepalive_ms",
		.maxlen		= sizeof(u32),
		.mode		= 0644,
		.proc_handler	= proc_dointvec_minmax,
		.extra1		= &ses_ms_min,
		.extra2		= &ses_ms_max,
	},
	{
		.procname	= "user_timeout_ms",
		.maxlen		= sizeof(u32),
		.mode		= 0644,
		.proc_handler	= proc_dointvec_minmax,
		.extra1		= &ses_ms_min,
		.extra2		= &ses_ms_max,
	},
	{
		/* ms, 0: no bound; stored in jiffies (negative: EINVAL) */
		.procname	= "resume_ratelimit_ms",
		.maxlen		= sizeof(int),
		.mode		= 0644,
		.proc_handler	= proc_dointvec_ms_jiffies,
	},
	{
		.procname	= "resume_ratelimit_burst",
		.maxlen		= sizeof(int),
		.mode		= 0644,
		.proc_handler	= proc_dointvec_minmax,
		.extra1		= SYSCTL_ONE,
		.extra2		= SYSCTL_INT_MAX,
	},
	{ }	/* the end, for kernels before 6.6 */
};

#define SES_RESUME_SYSCTLS	(ARRAY_SIZE(ses_resume_sysctls) - 1)

static int __net_init ses_resume_net_init(struct net *net)
{
	struct ses_resume_net *rn = ses_rn(net);
	struct ctl_table *table;
	int err;

	rn->window_ms = 60000;
	rn->reconnect_max_ms = 2000;
	rn->keepalive_ms = 10000;
	rn->user_timeout_ms = 20000;
	/* never printed: refusals are counted (SesResumeRateLimited) */
	ratelimit_state_init(&rn->resume_rs, HZ, 100);
	ratelimit_set_flags(&rn->resume_rs, RATELIMIT_MSG_ON_RELEASE);
	spin_lock_init(&rn->lock);
	err = rhashtable_init(&rn->table, &ses_rec_params);
	if (err)
		return err;
	table = kmemdup(ses_resume_sysctls, sizeof(ses_resume_sysctls),
			GFP_KERNEL);
	if (!table)
		goto out_table;
	table[0].data = &rn->window_ms;
	table[1].data = &rn->reconnect_max_ms;
	table[2].data = &rn->keepalive_ms;
	table[3].data = &rn->user_timeout_ms;
	table[4].data = &rn->resume_rs.interval;
	table[5].data = &rn->resume_rs.burst;
	rn->hdr = register_net_sysctl_sz(net, "net/ses", table,
					 SES_RESUME_SYSCTLS);
	if (rn->hdr)
		return 0;
	kfree(table);
out_table:
	rhashtable_destroy(&rn->table);
	return -ENOMEM;
}

static void __net_exit ses_resume_net_exit(struct net *net)
{
	struct ses_resume_net *rn = ses_rn(net);
	const struct ctl_table *table = rn->hdr->ctl_table_arg;

	unregister_net_sysctl_table(rn->hdr);
	kfree(table);
	/* every SES socket held the namespace: the table is empty */
	rhashtable_destroy(&rn->table);
}

static struct pernet_operations ses_resume_net_ops = {
	.init = ses_resume_net_init,
	.exit = ses_resume_net_exit,
	.id   = &ses_resume_net_id,
	.size = sizeof(struct ses_resume_net),
};

int ses_resume_init(void)
{
	int err;

	ses_rec_cache = KMEM_CACHE(ses_recovery, 0);
	if (!ses_rec_cache)
		return -ENOMEM;
	/* recovery needs both; ses_hmac stands for the pair */
	if (!IS_REACHABLE(CONFIG_CRYPTO_LIB_CURVE25519)) {
		pr_warn("SES: no curve25519 library: sessions will not offer recovery\n");
		ses_hmac = NULL;
	} else {
		ses_hmac = crypto_alloc_shash("hmac(sha256)", 0, 0);
		if (IS_ERR(ses_hmac)) {
			pr_warn("SES: no hmac(sha256): sessions will not offer recovery\n");
			ses_hmac = NULL;
		}
	}
	err = register_pernet_subsys(&ses_resume_net_ops);
	if (err) {
		if (ses_hmac)
			crypto_free_shash(ses_hmac);
		ses_hmac = NULL;
		kmem_cache_destroy(ses_rec_cache);
	}
	return err;
}

void ses_resume_exit(void)
{
	unregister_pernet_subsys(&ses_resume_net_ops);
	if (ses_hmac)
		crypto_free_shash(ses_hmac);
	kmem_cache_destroy(ses_rec_cache);
}
