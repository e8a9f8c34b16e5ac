// SPDX-License-Identifier: GPL-2.0
/*
 * An adversarial peer at both ends of a session.  Raw TCP clients attack
 * an SES listener, and raw TCP servers (answering CC/AC by hand, then
 * misbehaving) attack an SES initiator, with: wrong TPKT versions and
 * lengths, COTP TPDUs out of order, lengths past their end, parameter
 * groups overrunning their parent, every SI in states that do not allow
 * it, a mebibyte of SPDUs in one write, garbage, one octet at a time,
 * idle connections by the thousand, and a peer that never reads.
 *
 * Every case: the session ends in AB or a close within the timeouts set
 * here, the /proc/net/ses_stat counter of its kind goes up, the SES
 * socket (when there is one) fails with the documented errno and abort
 * reason, and an SES listener serves a well-behaved client (connect,
 * SSDUs echoed, release) started while the attack is in progress.
 */
#include "ses_test.h"

/* Timeouts of the attacked sockets: short, but far above a TCG handshake. */
#define HS_MS		1500
/* handshake timeout of the every_si initiators */
#define EVERY_SI_HS_MS	30000
#define REL_MS		800
#define TIM_MS		SES_TIM_SHORT_MS
/* How long any case may take to end: a timeout, TIM, and TCG slack. */
#define END_MS		(HS_MS + TIM_MS + 2500)
#define WITNESS_ROUNDS	3
#define WITNESS_PAUSE	30

enum phase {
	PH_TCP,		/* TCP connected, nothing more */
	PH_COTP,	/* CR/CC exchanged; the listener waits for CN, the
			 * initiator for AC
			 */
	PH_DATA,	/* session established */
};

enum after {
	AFTER_NOTHING,
	AFTER_PEER_SHUT_WR,	/* the raw peer closes its direction */
	AFTER_SES_CLOSE,	/* the SES application closes its socket */
};

struct adv_case {
	enum phase phase;
	int (*attack)(int raw);
	bool want_ab;			/* the peer must see AB (else AB or close) */
	const char *counters[3];	/* one of them must go up */
	int errs[3];			/* errnos the SES socket may fail with */
	enum after after;
	int min_ms;			/* the end may not come before this */
};

/* Which end the SES socket is (SRV: listener, CLI: initiator), and phase. */
static int g_side;
static enum phase g_phase;

static const uint8_t cr_tpdu[] = { 0x09, COTP_CR, 0x00, 0x00, 0x00, 0x01,
				   0x00, COTP_PAR_TPDU_SIZE, 0x01,
				   COTP_TPDU_8192 };
static const uint8_t cc_tpdu[] = { 0x09, COTP_CC, 0x00, 0x01, 0x00, 0x02,
				   0x00, COTP_PAR_TPDU_SIZE, 0x01,
				   COTP_TPDU_8192 };

/* The abort reason that goes with the errno a session failed with. */
static bool reason_fits(int err, int reason)
{
	switch (err) {
	case ECONNABORTED:
		return reason == SES_AB_PROTOCOL_ERROR;
	case ETIMEDOUT:
		return reason == SES_AB_TIMEOUT;
	case ECONNRESET:
		return reason == SES_AB_TRANSPORT ||
		       reason == SES_AB_PEER_USER ||
		       reason == SES_AB_PEER_PROTOCOL;
	default:
		return false;
	}
}

static bool err_in(int err, const int *errs)
{
	int i;

	for (i = 0; i < 3 && errs[i]; i++)
		if (errs[i] == err)
			return true;
	return false;
}

/* ---- what the raw peer sends ------------------------------------------------ */

/* The TPDU (no TPKT) a correct peer would send next in g_side/g_phase. */
static size_t legit_tpdu(uint8_t *b)
{
	uint8_t t[128];
	size_t n;

	if (g_phase == PH_TCP) {
		memcpy(b, g_side == SRV ? cr_tpdu : cc_tpdu, sizeof(cr_tpdu));
		return sizeof(cr_tpdu);
	}
	if (g_phase == PH_COTP)
		n = g_side == SRV ? build_cn(t, SES_FU_DUPLEX, NULL, -1, 0) :
				    build_ac(t, SES_FU_DUPLEX, -1, 0);
	else
		n = build_dt(t, "hello", 5);
	b[0] = 2;
	b[1] = COTP_DT;
	b[2] = COTP_EOT;
	memcpy(b + 3, t, n);
	return n + 3;
}

/* The next TPDU behind a TPKT header of the given octets (len < 0: right). */
static int send_tpkt_hdr(int fd, uint8_t ver, uint8_t res, int len)
{
	uint8_t b[256];
	size_t n = legit_tpdu(b + 4);

	if (len < 0)
		len = n + 4;
	b[0] = ver;
	b[1] = res;
	b[2] = len >> 8;
	b[3] = len & 0xff;
	return write_all(fd, b, n + 4);
}

static int tpkt_version_0(int fd)
{
	return send_tpkt_hdr(fd, 0, 0, -1);
}

static int tpkt_version_4(int fd)
{
	return send_tpkt_hdr(fd, 4, 0, -1);
}

static int tpkt_reserved_octet_1(int fd)
{
	return send_tpkt_hdr(fd, 3, 1, -1);
}

static int g_tpkt_len;

static int tpkt_of_g_len(int fd)
{
	return send_tpkt_hdr(fd, 3, 0, g_tpkt_len);
}

/* A TPKT announcing 65535 octets, followed by a few hundred, then silence. */
static int tpkt_65535_cut_short(int fd)
{
	uint8_t b[512] = { 0 };
	size_t n = legit_tpdu(b + 4);

	b[0] = 3;
	b[2] = 0xff;
	b[3] = 0xff;
	return write_all(fd, b, sizeof(b) > n + 4 ? sizeof(b) : n + 4);
}

static int send_cr(int fd)
{
	return tpkt_send(fd, cr_tpdu, sizeof(cr_tpdu));
}

static int send_cc(int fd)
{
	return tpkt_send(fd, cc_tpdu, sizeof(cc_tpdu));
}

static int dt_instead_of_cr(int fd)
{
	uint8_t t[16];

	return cotp_send_dt(fd, t, build_dt(t, "early", 5));
}

static int ac_instead_of_cc(int fd)
{
	uint8_t t[64];

	return cotp_send_dt(fd, t, build_ac(t, SES_FU_DUPLEX, -1, 0));
}

/* A TPDU whose LI runs past the end of its TPKT. */
static int cotp_li_past_end(int fd)
{
	static const uint8_t cr[] = { 0x0e, COTP_CR, 0x00, 0x00 };
	static const uint8_t cc[] = { 0x0e, COTP_CC, 0x00, 0x01 };
	static const uint8_t dt[] = { 0x05, COTP_DT, COTP_EOT, 0x01 };

	if (g_phase == PH_DATA)
		return tpkt_send(fd, dt, sizeof(dt));
	return g_side == SRV ? tpkt_send(fd, cr, sizeof(cr)) :
			       tpkt_send(fd, cc, sizeof(cc));
}

/* The SI a correct peer would send next: CN to a listener, else AC. */
static uint8_t next_si(void)
{
	return g_side == SRV ? SPDU_CN : SPDU_AC;
}

static int send_tsdu(int fd, const uint8_t *t, size_t n)
{
	return cotp_send_dt(fd, t, n);
}

/* SPDU LI 0xFF, then one octet where the 2-octet length should be. */
static int spdu_li_ff_short(int fd)
{
	uint8_t cn[] = { next_si(), 0xff, 0x00 };
	static const uint8_t dt[] = { SPDU_GT, 0x00, SPDU_DT, 0xff, 0x00 };

	if (g_phase == PH_DATA)
		return send_tsdu(fd, dt, sizeof(dt));
	return send_tsdu(fd, cn, sizeof(cn));
}

/* A PI inside PGI 5 with LI 0xFF at the end of its group. */
static int pi_li_ff_short(int fd)
{
	uint8_t cn[] = { next_si(), 0x04, PGI_CONN_ACCEPT, 0x02, PI_VERSION,
			 0xff };

	return send_tsdu(fd, cn, sizeof(cn));
}

/* The long LI form with a length past the end of the TSDU. */
static int spdu_long_li_past_end(int fd)
{
	uint8_t cn[] = { next_si(), 0xff, 0x01, 0x00,
			 PGI_CONN_ACCEPT, 0x06, PI_PROTOCOL_OPTIONS, 0x01, 0x00,
			 PI_VERSION, 0x01, 0x02 };
	static const uint8_t gt[] = { SPDU_GT, 0x10, SPDU_DT, 0x00, 'x' };

	if (g_phase == PH_DATA)
		return send_tsdu(fd, gt, sizeof(gt));
	return send_tsdu(fd, cn, sizeof(cn));
}

/* PGI 5 holds 6 octets; its Version PI claims 5 of them from offset 5. */
static int pi_overrunning_its_group(int fd)
{
	uint8_t cn[] = { next_si(), 0x0c,
			 PGI_CONN_ACCEPT, 0x06, PI_PROTOCOL_OPTIONS, 0x01, 0x00,
			 PI_VERSION, 0x05, 0x02,
			 PI_SESSION_REQ, 0x02, 0x00, 0x02 };
	/* DT whose PGI 1 holds an Enclosure Item running past the group */
	static const uint8_t dt[] = { SPDU_GT, 0x00, SPDU_DT, 0x06,
				      PGI_CONN_ID, 0x04, PI_ENCLOSURE, 0x05,
				      0x01, 0x00 };

	if (g_phase == PH_DATA)
		return send_tsdu(fd, dt, sizeof(dt));
	return send_tsdu(fd, cn, sizeof(cn));
}

/* PGI 1 holding PGI 5: groups do not nest. */
static int group_inside_a_group(int fd)
{
	uint8_t cn[] = { next_si(), 0x15,
			 PGI_CONN_ID, 0x05, PGI_CONN_ACCEPT, 0x03, PI_VERSION,
			 0x01, 0x02,
			 PGI_CONN_ACCEPT, 0x06, PI_PROTOCOL_OPTIONS, 0x01, 0x00,
			 PI_VERSION, 0x01, 0x02,
			 PI_SESSION_REQ, 0x02, 0x00, 0x02 };

	return send_tsdu(fd, cn, sizeof(cn));
}

/* A thread writing one large buffer (the mebibyte cases). */
struct blob_writer {
	pthread_t th;
	int fd;
	const uint8_t *buf;
	size_t len, sent;
	int err;
};

static struct blob_writer g_garbage;
static bool g_garbage_on;

/* The attack is over: stop a writer thread still at it, close the socket. */
static void raw_done(int raw)
{
	shutdown(raw, SHUT_RDWR);
	if (g_garbage_on) {
		pthread_join(g_garbage.th, NULL);
		g_garbage_on = false;
	}
	close(raw);
}

/* ---- the two ends under attack ------------------------------------------------ */

/* An SES listener with the short timeouts, or -1. */
static int adv_listener(int *port, int backlog)
{
	struct sockaddr_storage ss;
	socklen_t len = ses_addr(&ss, cfg.port);
	int fd = ses_sock(SRV), one = 1;

	if (fd < 0)
		return -1;
	if (setopt_int(fd, SOL_SES, SES_HANDSHAKE_TIMEOUT, HS_MS) ||
	    setopt_int(fd, SOL_SES, SES_RELEASE_TIMEOUT, REL_MS) ||
	    setopt_int(fd, SOL_SES, SES_TIM_TIMEOUT, TIM_MS) ||
	    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) ||
	    bind(fd, (void *)&ss, len) || listen(fd, backlog)) {
		close(fd);
		return -1;
	}
	*port = sock_port(fd);
	return fd;
}

/*
 * An SES client with the short timeouts (a handshake timeout of @hs_ms),
 * connecting (nonblocking).
 */
static int adv_client_hs(int port, int hs_ms)
{
	int fd = ses_sock(CLI);

	if (fd < 0)
		return -1;
	if (setopt_int(fd, SOL_SES, SES_HANDSHAKE_TIMEOUT, hs_ms) ||
	    setopt_int(fd, SOL_SES, SES_RELEASE_TIMEOUT, REL_MS) ||
	    setopt_int(fd, SOL_SES, SES_TIM_TIMEOUT, TIM_MS) ||
	    set_nonblock(fd, true) ||
	    (connect_to(fd, port) && errno != EINPROGRESS)) {
		close(fd);
		return -1;
	}
	return fd;
}

static int adv_client(int port)
{
	return adv_client_hs(port, HS_MS);
}

/* A raw TCP listener whose accepted sockets get rcvbuf (0: default). */
static int raw_listener_rcvbuf(int *port, int rcvbuf)
{
	int fd = tcp_sock(SRV);

	if (fd < 0)
		return -1;
	if (rcvbuf)
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf));
	if (bind_listen(fd, 0)) {
		close(fd);
		return -1;
	}
	*port = sock_port(fd);
	return fd;
}

/* The SES listener (attacked or bystander) with its acceptor thread. */
struct adv_srv {
	int lfd, port;
	struct ses_acceptor acc;
	bool acc_on;
	int splats;	/* kernel log splats when it opened */
};

static void __srv_open(struct __test_metadata *_metadata, struct adv_srv *s,
		       int backlog)
{
	s->acc_on = false;
	s->splats = kmsg_splats();
	s->lfd = adv_listener(&s->port, backlog);
	ASSERT_LE(0, s->lfd) TH_LOG("SES listener: %s", strerror(errno));
	ASSERT_EQ(0, acceptor_start(&s->acc, s->lfd));
	s->acc_on = true;
}
#define srv_open(s, backlog)	__srv_open(_metadata, s, backlog)

/*
 * Stops the acceptor and closes; returns the sessions nobody took.  The
 * kernel must not have logged a splat (BUG, WARNING, ...) meanwhile.
 */
static int __srv_close(struct __test_metadata *_metadata, struct adv_srv *s)
{
	int left = 0;

	if (s->acc_on)
		left = acceptor_stop(&s->acc);
	s->acc_on = false;
	if (s->lfd >= 0)
		close(s->lfd);
	s->lfd = -1;
	EXPECT_EQ(s->splats, kmsg_splats())
		TH_LOG("the kernel logged a splat during this test (dmesg)");
	return left;
}
#define srv_close(s)	__srv_close(_metadata, s)

static void __witness_check(struct __test_metadata *_metadata,
			    struct ses_witness *w, struct adv_srv *s)
{
	int err = witness_join(w);

	EXPECT_EQ(0, err) TH_LOG("the well-behaved client was not served: %s",
				 w->what);
	EXPECT_EQ('\0', s->acc.err[0]) TH_LOG("%s", s->acc.err);
}
#define witness_check(w, s)	__witness_check(_metadata, w, s)

/* The session of the SES end failed with one of errs, and a fitting reason. */
static void __expect_session_failed(struct __test_metadata *_metadata,
				    int fd, bool established, const int *errs)
{
	int err, reason;
	char c;

	if (established) {
		ASSERT_EQ(0, set_nonblock(fd, false));
		EXPECT_EQ(-1, recv(fd, &c, 1, 0))
			TH_LOG("the attacked session delivered data or EOF");
		err = errno;
	} else {
		int rev = wait_events(fd, POLLOUT, SES_WAIT_MS);

		EXPECT_TRUE(rev & (POLLERR | POLLHUP))
			TH_LOG("connect did not fail (revents 0x%x)", rev);
		err = so_error(fd);
	}
	EXPECT_TRUE(err_in(err, errs))
		TH_LOG("failed with %d (%s), expected %s%s%s", err,
		       strerror(err), strerror(errs[0]),
		       errs[1] ? " or " : "", errs[1] ? strerror(errs[1]) : "");
	reason = getopt_int(fd, SOL_SES, SES_ABORT_REASON);
	EXPECT_TRUE(reason_fits(err, reason))
		TH_LOG("SES_ABORT_REASON %d does not fit %s", reason,
		       strerror(err));
}
#define expect_session_failed(fd, est, errs) \
	__expect_session_failed(_metadata, fd, est, errs)

/* Checks that the end came in time and counted; t0 when the attack began. */
static void __expect_end(struct __test_metadata *_metadata,
			 const struct adv_case *c, int side, int raw,
			 long long before, long long t0)
{
	long long dt, after;
	bool saw_ab;
	int rc;

	rc = raw_wait_end(raw, END_MS, &saw_ab);
	dt = now_ms() - t0;
	EXPECT_EQ(0, rc) TH_LOG("neither AB nor a close within %d ms", END_MS);
	if (c->want_ab) {
		EXPECT_TRUE(saw_ab) TH_LOG("closed without AB");
	}
	EXPECT_LE(c->min_ms, dt) TH_LOG("ended after %lld ms only", dt);
	after = ses_stat_sum_above(side, c->counters, before, 2000);
	EXPECT_LT(before, after) TH_LOG("%s%s%s did not go up", c->counters[0],
					c->counters[1] ? " / " : "",
					c->counters[1] ?: "");
}

/* A raw TCP client attacks the SES listener. */
static void __at_listener(struct __test_metadata *_metadata,
			  const struct adv_case *c)
{
	struct adv_srv s = { .lfd = -1 };
	struct ses_witness w;
	long long before, t0;
	int raw, srv = -1, left;

	g_side = SRV;
	g_phase = c->phase;
	before = ses_stat_sum(SRV, c->counters);
	ASSERT_LE(0, before) TH_LOG(SES_PROC_STAT " lacks %s", c->counters[0]);
	srv_open(&s, 64);
	raw = raw_connect(s.port);
	ASSERT_LE(0, raw) TH_LOG("tcp connect: %s", strerror(errno));
	if (c->phase == PH_COTP) {
		ASSERT_EQ(0, raw_transport_connect(raw)) TH_LOG("no CC");
	}
	if (c->phase == PH_DATA) {
		ASSERT_EQ(0, raw_client_session(raw)) TH_LOG("no AC");
		srv = acceptor_take(&s.acc, SES_WAIT_MS);
		ASSERT_LE(0, srv) TH_LOG("the session before the attack");
	}
	ASSERT_EQ(0, witness_start(&w, s.port, WITNESS_ROUNDS, WITNESS_PAUSE));
	t0 = now_ms();
	ASSERT_EQ(0, c->attack(raw)) TH_LOG("sending: %s", strerror(errno));
	if (c->after == AFTER_PEER_SHUT_WR)
		shutdown(raw, SHUT_WR);
	if (c->after == AFTER_SES_CLOSE) {
		close(srv);
		srv = -1;
	}
	__expect_end(_metadata, c, SRV, raw, before, t0);
	raw_done(raw);
	if (srv >= 0) {
		expect_session_failed(srv, true, c->errs);
		close(srv);
	}
	witness_check(&w, &s);
	left = srv_close(&s);
	EXPECT_EQ(0, left) TH_LOG("a broken handshake reached accept()");
}

/* A raw TCP server attacks an SES initiator; a bystander listener works on. */
static void __at_initiator(struct __test_metadata *_metadata,
			   const struct adv_case *c)
{
	struct adv_srv s = { .lfd = -1 };
	uint8_t *b = malloc(RAW_MAX);
	struct ses_witness w;
	long long before, t0;
	int rl, rport, fd, raw;

	g_side = CLI;
	g_phase = c->phase;
	ASSERT_NE(NULL, b);
	before = ses_stat_sum(CLI, c->counters);
	ASSERT_LE(0, before) TH_LOG(SES_PROC_STAT " lacks %s", c->counters[0]);
	srv_open(&s, 16);
	rl = raw_listener_rcvbuf(&rport, 0);
	ASSERT_LE(0, rl);
	fd = adv_client(rport);
	ASSERT_LE(0, fd) TH_LOG("SES connect: %s", strerror(errno));
	raw = accept_within(rl, SES_WAIT_MS, 0);
	ASSERT_LE(0, raw);
	if (c->phase == PH_COTP) {
		ASSERT_LT(0, raw_accept_cn(raw, b)) TH_LOG("no CR/CN");
	}
	if (c->phase == PH_DATA) {
		ASSERT_EQ(0, raw_server_session(raw, -1, 0)) TH_LOG("no CN");
		ASSERT_TRUE(wait_events(fd, POLLOUT, SES_WAIT_MS) & POLLOUT);
		ASSERT_EQ(0, so_error(fd));
	}
	ASSERT_EQ(0, witness_start(&w, s.port, WITNESS_ROUNDS, WITNESS_PAUSE));
	t0 = now_ms();
	ASSERT_EQ(0, c->attack(raw)) TH_LOG("sending: %s", strerror(errno));
	if (c->after == AFTER_PEER_SHUT_WR)
		shutdown(raw, SHUT_WR);
	__expect_end(_metadata, c, CLI, raw, before, t0);
	raw_done(raw);
	expect_session_failed(fd, c->phase == PH_DATA, c->errs);
	close(fd);
	close(rl);
	witness_check(&w, &s);
	EXPECT_EQ(0, srv_close(&s));
	free(b);
}

#define at_listener(...) do {						\
	const struct adv_case __c = { __VA_ARGS__ };			\
	__at_listener(_metadata, &__c);					\
} while (0)
#define at_initiator(...) do {						\
	const struct adv_case __c = { __VA_ARGS__ };			\
	__at_initiator(_metadata, &__c);				\
} while (0)

#define CNT(...)	.counters = { __VA_ARGS__ }
#define ERRS(...)	.errs = { __VA_ARGS__ }
#define PROTO_ERR	ERRS(ECONNABORTED)

/* ==== TPKT ===================================================================== */

TEST(listener_drops_a_tpkt_of_version_0_in_place_of_cr)
{
	at_listener(PH_TCP, tpkt_version_0, false, CNT("SesBadTpkt"));
}

TEST(listener_aborts_on_a_tpkt_with_a_nonzero_reserved_octet_before_cn)
{
	at_listener(PH_COTP, tpkt_reserved_octet_1, true, CNT("SesBadTpkt"));
}

TEST(listener_aborts_a_session_on_tpkt_version_4_in_data_transfer)
{
	at_listener(PH_DATA, tpkt_version_4, true, CNT("SesBadTpkt"), PROTO_ERR);
}

TEST(connect_fails_on_a_cc_in_a_tpkt_of_version_0)
{
	at_initiator(PH_TCP, tpkt_version_0, false, CNT("SesBadTpkt"), PROTO_ERR);
}

TEST(connect_fails_on_a_tpkt_with_a_nonzero_reserved_octet_in_place_of_ac)
{
	at_initiator(PH_COTP, tpkt_reserved_octet_1, true, CNT("SesBadTpkt"),
		     PROTO_ERR);
}

TEST(initiator_aborts_a_session_on_tpkt_version_4_in_data_transfer)
{
	at_initiator(PH_DATA, tpkt_version_4, true, CNT("SesBadTpkt"), PROTO_ERR);
}

static const int bad_tpkt_lens[] = { 0, 3, 4 };

TEST(listener_drops_tpkt_lengths_0_3_and_4_in_every_phase)
{
	int p;
	size_t i;

	for (p = PH_TCP; p <= PH_DATA; p++) {
		for (i = 0; i < ARRAY_SIZE(bad_tpkt_lens); i++) {
			g_tpkt_len = bad_tpkt_lens[i];
			TH_LOG("phase %d, TPKT length %d", p, g_tpkt_len);
			at_listener(p, tpkt_of_g_len, p != PH_TCP,
				    CNT("SesBadTpkt"), PROTO_ERR);
		}
	}
}

TEST(connect_or_session_fails_on_tpkt_lengths_0_3_and_4_in_every_phase)
{
	int p;
	size_t i;

	for (p = PH_TCP; p <= PH_DATA; p++) {
		for (i = 0; i < ARRAY_SIZE(bad_tpkt_lens); i++) {
			g_tpkt_len = bad_tpkt_lens[i];
			TH_LOG("phase %d, TPKT length %d", p, g_tpkt_len);
			at_initiator(p, tpkt_of_g_len, p != PH_TCP,
				     CNT("SesBadTpkt"), PROTO_ERR);
		}
	}
}

TEST(listener_times_out_a_tpkt_of_65535_cut_short_before_cr)
{
	at_listener(PH_TCP, tpkt_65535_cut_short, false,
		    CNT("SesHandshakeTimeouts"), .min_ms = HS_MS / 2);
}

TEST(listener_times_out_a_tpkt_of_65535_cut_short_before_cn)
{
	at_listener(PH_COTP, tpkt_65535_cut_short, false,
		    CNT("SesHandshakeTimeouts"), .min_ms = HS_MS / 2);
}

TEST(session_ends_when_the_peer_closes_inside_a_tpkt_of_65535_at_the_listener)
{
	at_listener(PH_DATA, tpkt_65535_cut_short, false,
		    CNT("SesTransportResets", "SesBadTpkt"),
		    ERRS(ECONNRESET, ECONNABORTED), AFTER_PEER_SHUT_WR);
}

TEST(close_ends_a_session_stuck_inside_a_tpkt_of_65535_with_ab_at_release_timeout)
{
	at_listener(PH_DATA, tpkt_65535_cut_short, true,
		    CNT("SesReleaseTimeouts"), .after = AFTER_SES_CLOSE,
		    .min_ms = REL_MS / 2);
}

TEST(connect_times_out_on_a_cc_of_65535_cut_short)
{
	at_initiator(PH_TCP, tpkt_65535_cut_short, false,
		     CNT("SesHandshakeTimeouts"), ERRS(ETIMEDOUT),
		     .min_ms = HS_MS / 2);
}

TEST(connect_times_out_on_an_ac_of_65535_cut_short)
{
	at_initiator(PH_COTP, tpkt_65535_cut_short, false,
		     CNT("SesHandshakeTimeouts"), ERRS(ETIMEDOUT),
		     .min_ms = HS_MS / 2);
}

TEST(session_ends_when_the_peer_closes_inside_a_tpkt_of_65535_at_the_initiator)
{
	at_initiator(PH_DATA, tpkt_65535_cut_short, false,
		     CNT("SesTransportResets", "SesBadTpkt"),
		     ERRS(ECONNRESET, ECONNABORTED), AFTER_PEER_SHUT_WR);
}

/* ==== COTP order and lengths ==================================================== */

TEST(listener_drops_a_cc_sent_to_it)
{
	at_listener(PH_TCP, send_cc, false, CNT("SesBadTpdu"));
}

TEST(listener_drops_a_dt_before_cr)
{
	at_listener(PH_TCP, dt_instead_of_cr, false,
		    CNT("SesBadTpdu", "SesUnexpectedSpdu"));
}

TEST(listener_aborts_on_a_second_cr_before_cn)
{
	at_listener(PH_COTP, send_cr, true, CNT("SesBadTpdu"));
}

TEST(listener_aborts_a_session_on_a_cr_in_data_transfer)
{
	at_listener(PH_DATA, send_cr, true, CNT("SesBadTpdu"), PROTO_ERR);
}

TEST(listener_drops_a_cr_whose_li_runs_past_the_tpkt)
{
	at_listener(PH_TCP, cotp_li_past_end, false, CNT("SesBadTpdu"));
}

TEST(listener_aborts_a_session_on_a_dt_whose_li_runs_past_the_tpkt)
{
	at_listener(PH_DATA, cotp_li_past_end, true, CNT("SesBadTpdu"),
		    PROTO_ERR);
}

TEST(connect_fails_on_a_cr_sent_to_the_initiator)
{
	at_initiator(PH_TCP, send_cr, false, CNT("SesBadTpdu"), PROTO_ERR);
}

TEST(connect_fails_on_an_ac_before_cc)
{
	at_initiator(PH_TCP, ac_instead_of_cc, false,
		     CNT("SesBadTpdu", "SesUnexpectedSpdu"), PROTO_ERR);
}

TEST(connect_fails_on_a_second_cc_in_place_of_ac)
{
	at_initiator(PH_COTP, send_cc, true, CNT("SesBadTpdu"), PROTO_ERR);
}

TEST(connect_fails_on_a_cc_whose_li_runs_past_the_tpkt)
{
	at_initiator(PH_TCP, cotp_li_past_end, false, CNT("SesBadTpdu"),
		     PROTO_ERR);
}

TEST(initiator_aborts_a_session_on_a_dt_whose_li_runs_past_the_tpkt)
{
	at_initiator(PH_DATA, cotp_li_past_end, true, CNT("SesBadTpdu"),
		     PROTO_ERR);
}

/* ==== SPDU lengths and parameter groups ========================================== */

TEST(listener_aborts_on_a_cn_whose_li_ff_lacks_its_2_octet_length)
{
	at_listener(PH_COTP, spdu_li_ff_short, true, CNT("SesBadSpdu"));
}

TEST(listener_aborts_on_a_cn_parameter_whose_li_ff_lacks_its_length)
{
	at_listener(PH_COTP, pi_li_ff_short, true, CNT("SesBadSpdu"));
}

TEST(listener_aborts_on_a_cn_whose_long_li_runs_past_the_tsdu)
{
	at_listener(PH_COTP, spdu_long_li_past_end, true, CNT("SesBadSpdu"));
}

TEST(listener_aborts_on_a_cn_pi_overrunning_its_parameter_group)
{
	at_listener(PH_COTP, pi_overrunning_its_group, true, CNT("SesBadSpdu"));
}

TEST(listener_aborts_on_a_cn_with_a_group_inside_a_group)
{
	at_listener(PH_COTP, group_inside_a_group, true, CNT("SesBadSpdu"));
}

TEST(listener_aborts_a_session_on_a_dt_whose_li_ff_lacks_its_length)
{
	at_listener(PH_DATA, spdu_li_ff_short, true, CNT("SesBadSpdu"),
		    PROTO_ERR);
}

TEST(listener_aborts_a_session_on_a_gt_whose_li_runs_past_the_tsdu)
{
	at_listener(PH_DATA, spdu_long_li_past_end, true, CNT("SesBadSpdu"),
		    PROTO_ERR);
}

TEST(listener_aborts_a_session_on_a_dt_group_overrunning_its_parent)
{
	at_listener(PH_DATA, pi_overrunning_its_group, true, CNT("SesBadSpdu"),
		    PROTO_ERR);
}

TEST(connect_fails_on_an_ac_whose_li_ff_lacks_its_2_octet_length)
{
	at_initiator(PH_COTP, spdu_li_ff_short, true, CNT("SesBadSpdu"),
		     PROTO_ERR);
}

TEST(connect_fails_on_an_ac_parameter_whose_li_ff_lacks_its_length)
{
	at_initiator(PH_COTP, pi_li_ff_short, true, CNT("SesBadSpdu"), PROTO_ERR);
}

TEST(connect_fails_on_an_ac_whose_long_li_runs_past_the_tsdu)
{
	at_initiator(PH_COTP, spdu_long_li_past_end, true, CNT("SesBadSpdu"),
		     PROTO_ERR);
}

TEST(connect_fails_on_an_ac_pi_overrunning_its_parameter_group)
{
	at_initiator(PH_COTP, pi_overrunning_its_group, true, CNT("SesBadSpdu"),
		     PROTO_ERR);
}

TEST(connect_fails_on_an_ac_with_a_group_inside_a_group)
{
	at_initiator(PH_COTP, group_inside_a_group, true, CNT("SesBadSpdu"),
		     PROTO_ERR);
}

TEST(initiator_aborts_a_session_on_a_dt_whose_li_ff_lacks_its_length)
{
	at_initiator(PH_DATA, spdu_li_ff_short, true, CNT("SesBadSpdu"),
		     PROTO_ERR);
}

/* ==== every SI in a state that does not allow it ================================ */

/*
 * X.225 SIs: category 1 (alone in a TSDU) and category 0 (GT, PT);
 * category 2 (after GT or PT).  Any other value is no SPDU at all.
 */
static bool si_cat1(int si)
{
	static const uint8_t k[] = { 1, 2, 5, 7, 8, 9, 10, 12, 13, 14, 15,
				     16, 21, 22, 25, 26, 33 };
	size_t i;

	for (i = 0; i < sizeof(k); i++)
		if (k[i] == si)
			return true;
	return false;
}

static bool si_cat2(int si)
{
	static const uint8_t k[] = { 0, 1, 25, 26, 29, 34, 41, 42, 45, 48,
				     49, 50, 53, 57, 58, 61, 62 };
	size_t i;

	for (i = 0; i < sizeof(k); i++)
		if (k[i] == si)
			return true;
	return false;
}

enum si_kind { SI_UNKNOWN, SI_WRONG_STATE, SI_ALLOWED };

#define BATCH	32

static const int proto_err[3] = { ECONNABORTED };

struct si_run {
	const char *what;
	enum phase phase;	/* PH_COTP: before CN/AC; PH_DATA */
	bool after_gt;		/* the SI follows a GT in the TSDU */
	/* what the state does with this SI */
	enum si_kind (*kind)(int si);
};

static enum si_kind before_cn(int si)
{
	if (si == SPDU_CN || si == SPDU_AB)
		return SI_ALLOWED;	/* CN (refused: no version 2), AB */
	return si_cat1(si) ? SI_WRONG_STATE : SI_UNKNOWN;
}

static enum si_kind alone_in_data(int si)
{
	if (si == SPDU_FN || si == SPDU_AB)
		return SI_ALLOWED;
	return si_cat1(si) ? SI_WRONG_STATE : SI_UNKNOWN;
}

static enum si_kind after_gt_in_data(int si)
{
	if (si == SPDU_DT)
		return SI_ALLOWED;
	return si_cat2(si) ? SI_WRONG_STATE : SI_UNKNOWN;
}

static enum si_kind before_ac(int si)
{
	if (si == SPDU_RF || si == SPDU_AB)
		return SI_ALLOWED;
	return si_cat1(si) ? SI_WRONG_STATE : SI_UNKNOWN;
}

static size_t si_tsdu(uint8_t *t, int si, bool after_gt)
{
	size_t n = 0;

	if (after_gt) {
		t[n++] = SPDU_GT;
		t[n++] = 0;
	}
	t[n++] = si;
	t[n++] = 0;
	return n;
}

static int port_of(int fd, bool peer)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);

	if (peer ? getpeername(fd, (void *)&ss, &len) :
		   getsockname(fd, (void *)&ss, &len))
		return -1;
	return sa_port(&ss);
}

/*
 * Checks one SES socket whose session got an allowed SI: FN reads as
 * EOF, an empty DT as an empty SSDU, AB as a reset; then ends it.
 */
static void __allowed_si_at_listener(struct __test_metadata *_metadata,
				     int srv, int si, bool after_gt)
{
	struct linger lg = { 1, 0 };
	char c;
	int mf;

	if (after_gt) {	/* DT: an empty SSDU */
		EXPECT_EQ(0, recv_ssdu(srv, &c, 1, 0, &mf));
		EXPECT_TRUE(mf & MSG_EOR);
		setsockopt(srv, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
	} else if (si == SPDU_FN) {
		EXPECT_EQ(0, recv_ssdu(srv, &c, 1, 0, &mf)) TH_LOG("FN: no EOF");
		EXPECT_FALSE(mf & MSG_EOR);
	} else {	/* AB */
		EXPECT_EQ(-1, recv(srv, &c, 1, 0));
		EXPECT_EQ(ECONNRESET, errno);
	}
}

/* Every SI 0..255, BATCH connections at a time, at the SES listener. */
static void __every_si_at_listener(struct __test_metadata *_metadata,
				   const struct si_run *r)
{
	static const char *const unk[] = { "SesBadSpdu", NULL };
	static const char *const wst[] = { "SesUnexpectedSpdu", NULL };
	long long unk0 = ses_stat_sum(SRV, unk), wst0 = ses_stat_sum(SRV, wst);
	int n_unk = 0, n_wst = 0, base, i, j, nb;
	int raw[BATCH], srv[BATCH], rport[BATCH];
	uint8_t *b = malloc(RAW_MAX), t[8];
	struct adv_srv s = { .lfd = -1 };
	struct ses_witness w;

	ASSERT_NE(NULL, b);
	g_side = SRV;
	srv_open(&s, 2 * BATCH);
	for (base = 0; base < 256; base += BATCH) {
		nb = base + BATCH > 256 ? 256 - base : BATCH;
		for (i = 0; i < nb; i++) {
			raw[i] = raw_connect(s.port);
			ASSERT_LE(0, raw[i]);
			rport[i] = port_of(raw[i], false);
			srv[i] = -1;
			ASSERT_EQ(0, cotp_send_cr(raw[i]));
		}
		for (i = 0; i < nb; i++) {
			struct cotp c;

			ASSERT_EQ(1, cotp_recv(raw[i], b, RAW_MAX, &c,
					       SES_WAIT_MS));
			ASSERT_EQ(COTP_CC, c.code);
		}
		if (r->phase == PH_DATA) {
			uint8_t cn[64];
			size_t l = build_cn(cn, SES_FU_DUPLEX, NULL, -1, 0);

			for (i = 0; i < nb; i++)
				ASSERT_EQ(0, cotp_send_dt(raw[i], cn, l));
			for (i = 0; i < nb; i++) {
				struct spdu sp;
				int n = tsdu_recv(raw[i], b, RAW_MAX,
						  SES_WAIT_MS);

				ASSERT_LT(0, n);
				ASSERT_EQ(0, tsdu_main_spdu(b, n, &sp));
				ASSERT_EQ(SPDU_AC, sp.si);
			}
			for (i = 0; i < nb; i++) {
				int fd = acceptor_take(&s.acc, SES_WAIT_MS),
				    pp;

				ASSERT_LE(0, fd);
				pp = port_of(fd, true);
				for (j = 0; j < nb && rport[j] != pp; j++)
					;
				ASSERT_LT(j, nb) TH_LOG("whose session?");
				srv[j] = fd;
			}
		}
		for (i = 0; i < nb; i++)
			ASSERT_EQ(0, cotp_send_dt(raw[i], t,
						  si_tsdu(t, base + i,
							  r->after_gt)));
		ASSERT_EQ(0, witness_start(&w, s.port, 1, 0));
		for (i = 0; i < nb; i++) {
			int si = base + i;
			enum si_kind k = r->kind(si);
			bool saw_ab;

			if (k == SI_ALLOWED && srv[i] >= 0) {
				__allowed_si_at_listener(_metadata, srv[i], si,
							 r->after_gt);
				close(srv[i]);
				srv[i] = -1;
			}
			EXPECT_EQ(0, raw_wait_end(raw[i], END_MS, &saw_ab))
				TH_LOG("SI %d %s: no AB and no close", si,
				       r->what);
			if (k == SI_WRONG_STATE) {
				n_wst++;
				EXPECT_TRUE(saw_ab)
					TH_LOG("SI %d %s: closed without AB",
					       si, r->what);
			}
			if (k == SI_UNKNOWN)
				n_unk++;
			close(raw[i]);
			if (srv[i] >= 0) {
				expect_session_failed(srv[i], true, proto_err);
				if (_metadata->exit_code)
					TH_LOG("SI %d %s", si, r->what);
				close(srv[i]);
			}
		}
		witness_check(&w, &s);
	}
	EXPECT_LE(unk0 + n_unk, ses_stat_reaches(SRV, "SesBadSpdu",
						 unk0 + n_unk, 2000))
		TH_LOG("SesBadSpdu: %d unknown SIs", n_unk);
	EXPECT_LE(wst0 + n_wst, ses_stat_reaches(SRV, "SesUnexpectedSpdu",
						 wst0 + n_wst, 2000))
		TH_LOG("SesUnexpectedSpdu: %d SIs out of place", n_wst);
	EXPECT_EQ(0, srv_close(&s)) TH_LOG("a broken handshake reached accept()");
	free(b);
}

/* The harness has per-test timeouts only for fixtures. */
FIXTURE(every_si) {
	int unused;
};

FIXTURE_SETUP(every_si)
{
}

FIXTURE_TEARDOWN(every_si)
{
}

TEST_F_TIMEOUT(every_si, before_cn_at_the_listener_gives_ab_or_close_and_a_counter, 180)
{
	const struct si_run r = { "before CN", PH_COTP, false, before_cn };

	__every_si_at_listener(_metadata, &r);
}

TEST_F_TIMEOUT(every_si, alone_in_data_transfer_at_the_listener_gives_ab_or_close_and_a_counter, 180)
{
	const struct si_run r = { "alone in data transfer", PH_DATA, false,
				  alone_in_data };

	__every_si_at_listener(_metadata, &r);
}

TEST_F_TIMEOUT(every_si, after_gt_in_data_transfer_at_the_listener_gives_ab_or_close_and_a_counter, 180)
{
	const struct si_run r = { "after GT in data transfer", PH_DATA, true,
				  after_gt_in_data };

	__every_si_at_listener(_metadata, &r);
}

/* How the SES initiator's session ended after SI si: checks the errno. */
static void __si_end_at_initiator(struct __test_metadata *_metadata, int fd,
				  int si, enum si_kind k, bool established)
{
	int err, rev, mf;
	char c;

	if (established) {
		ssize_t n;

		ASSERT_EQ(0, set_nonblock(fd, false));
		n = recv_ssdu(fd, &c, 1, 0, &mf);
		err = n < 0 ? errno : 0;
		if (k == SI_ALLOWED && si == SPDU_FN) {
			EXPECT_EQ(0, n) TH_LOG("FN: no EOF (%s)", strerror(err));
			EXPECT_FALSE(mf & MSG_EOR);
			return;
		}
		EXPECT_EQ(-1, n) TH_LOG("SI %d: data or EOF", si);
	} else {
		rev = wait_events(fd, POLLOUT, SES_WAIT_MS);
		EXPECT_TRUE(rev & (POLLERR | POLLHUP))
			TH_LOG("SI %d: connect did not fail", si);
		err = so_error(fd);
	}
	if (k == SI_ALLOWED) {
		EXPECT_EQ(si == SPDU_RF ? ECONNREFUSED : ECONNRESET, err)
			TH_LOG("SI %d: %s", si, strerror(err));
		return;
	}
	EXPECT_EQ(ECONNABORTED, err) TH_LOG("SI %d: %s", si, strerror(err));
	EXPECT_EQ(SES_AB_PROTOCOL_ERROR,
		  getopt_int(fd, SOL_SES, SES_ABORT_REASON)) TH_LOG("SI %d", si);
}

/* Every SI 0..255, BATCH sessions at a time, at an SES initiator. */
static void __every_si_at_initiator(struct __test_metadata *_metadata,
				    const struct si_run *r)
{
	static const char *const unk[] = { "SesBadSpdu", NULL };
	static const char *const wst[] = { "SesUnexpectedSpdu", NULL };
	long long unk0 = ses_stat_sum(CLI, unk), wst0 = ses_stat_sum(CLI, wst);
	int n_unk = 0, n_wst = 0, base, i, j, nb, rl, rport;
	int raw[BATCH], fd[BATCH], lport[BATCH];
	uint8_t *b = malloc(RAW_MAX), t[8], ac[64];
	size_t acl = build_ac(ac, SES_FU_DUPLEX, -1, 0);
	struct adv_srv s = { .lfd = -1 };
	struct ses_witness w;

	ASSERT_NE(NULL, b);
	g_side = CLI;
	srv_open(&s, 16);
	rl = raw_listener_rcvbuf(&rport, 0);
	ASSERT_LE(0, rl);
	ASSERT_EQ(0, listen(rl, 2 * BATCH));
	for (base = 0; base < 256; base += BATCH) {
		nb = base + BATCH > 256 ? 256 - base : BATCH;
		for (i = 0; i < nb; i++) {
			/*
			 * The SI must end the handshake, not the timer: a
			 * batch takes seconds on a slow (debug, emulated)
			 * kernel, far beyond HS_MS.
			 */
			fd[i] = adv_client_hs(rport, EVERY_SI_HS_MS);
			ASSERT_LE(0, fd[i]);
		}
		for (i = 0; i < nb; i++) {
			int c = accept_within(rl, SES_WAIT_MS, 0), pp;

			ASSERT_LE(0, c);
			pp = port_of(c, true);
			for (j = 0; j < nb; j++) {
				lport[j] = port_of(fd[j], false);
				if (lport[j] == pp)
					break;
			}
			ASSERT_LT(j, nb) TH_LOG("whose connection?");
			raw[j] = c;
		}
		for (i = 0; i < nb; i++)
			ASSERT_LT(0, raw_accept_cn(raw[i], b));
		if (r->phase == PH_DATA) {
			for (i = 0; i < nb; i++)
				ASSERT_EQ(0, cotp_send_dt(raw[i], ac, acl));
			for (i = 0; i < nb; i++) {
				ASSERT_TRUE(wait_events(fd[i], POLLOUT,
							SES_WAIT_MS) & POLLOUT);
				ASSERT_EQ(0, so_error(fd[i]));
			}
		}
		for (i = 0; i < nb; i++)
			ASSERT_EQ(0, cotp_send_dt(raw[i], t,
						  si_tsdu(t, base + i,
							  r->after_gt)));
		ASSERT_EQ(0, witness_start(&w, s.port, 1, 0));
		for (i = 0; i < nb; i++) {
			int si = base + i;
			enum si_kind k = r->kind(si);
			bool saw_ab;

			if (k == SI_ALLOWED && si == SPDU_FN) {
				/* EOF, then close() answers DN */
				__si_end_at_initiator(_metadata, fd[i], si, k,
						      true);
				close(fd[i]);
				fd[i] = -1;
			}
			EXPECT_EQ(0, raw_wait_end(raw[i], END_MS, &saw_ab))
				TH_LOG("SI %d %s: no AB, no close", si,
				       r->what);
			close(raw[i]);
			if (fd[i] >= 0) {
				__si_end_at_initiator(_metadata, fd[i], si, k,
						      r->phase == PH_DATA);
				close(fd[i]);
			}
			if (k == SI_WRONG_STATE) {
				n_wst++;
				EXPECT_TRUE(saw_ab)
					TH_LOG("SI %d %s: no AB", si, r->what);
			}
			if (k == SI_UNKNOWN)
				n_unk++;
		}
		witness_check(&w, &s);
	}
	EXPECT_LE(unk0 + n_unk, ses_stat_reaches(CLI, "SesBadSpdu",
						 unk0 + n_unk, 2000))
		TH_LOG("SesBadSpdu: %d unknown SIs", n_unk);
	EXPECT_LE(wst0 + n_wst, ses_stat_reaches(CLI, "SesUnexpectedSpdu",
						 wst0 + n_wst, 2000))
		TH_LOG("SesUnexpectedSpdu: %d SIs out of place", n_wst);
	close(rl);
	EXPECT_EQ(0, srv_close(&s));
	free(b);
}

TEST_F_TIMEOUT(every_si, in_place_of_ac_fails_the_connect_with_a_counter, 180)
{
	const struct si_run r = { "in place of AC", PH_COTP, false, before_ac };

	__every_si_at_initiator(_metadata, &r);
}

TEST_F_TIMEOUT(every_si, alone_in_data_transfer_at_the_initiator_gives_ab_or_close_and_a_counter, 180)
{
	const struct si_run r = { "alone in data transfer", PH_DATA, false,
				  alone_in_data };

	__every_si_at_initiator(_metadata, &r);
}

/* ==== a mebibyte in one write ================================================== */

#define MIB_SSDUS	4000

static size_t mib_size(int i)
{
	return (i * 37) % 500;
}

static void *blob_writer_main(void *arg)
{
	struct blob_writer *bw = arg;
	long long end = now_ms() + 30000;

	/* one write; the loop only finishes what a timeout cut short */
	while (bw->sent < bw->len && now_ms() < end) {
		ssize_t n = send(bw->fd, bw->buf + bw->sent,
				 bw->len - bw->sent, MSG_NOSIGNAL);

		if (n < 0) {
			if (errno == EINTR || errno == EAGAIN)
				continue;
			bw->err = errno;
			break;
		}
		bw->sent += n;
	}
	return NULL;
}

/* MIB_SSDUS data TSDUs, each in its own TPKT, back to back. */
static uint8_t *mib_of_tsdus(size_t *len)
{
	uint8_t *b = malloc(MIB_SSDUS * (500 + 16)), *p = b;
	int i;

	if (!b)
		return NULL;
	for (i = 0; i < MIB_SSDUS; i++) {
		size_t n = mib_size(i), tl = 7 + 4 + n;

		p[0] = 3;
		p[1] = 0;
		p[2] = tl >> 8;
		p[3] = tl & 0xff;
		p[4] = 2;
		p[5] = COTP_DT;
		p[6] = COTP_EOT;
		p[7] = SPDU_GT;
		p[8] = 0;
		p[9] = SPDU_DT;
		p[10] = 0;
		fill_pattern(p + 11, n, i);
		p += tl;
	}
	*len = p - b;
	return b;
}

/* Reads the SSDUs at fd: all MIB_SSDUS in order, or an abort. */
static void __read_mib(struct __test_metadata *_metadata, int fd, int raw)
{
	char *r = malloc(65536);
	uint8_t t[64];
	struct spdu s;
	int i, n = 0, mf;

	ASSERT_NE(NULL, r);
	for (i = 0; i < MIB_SSDUS; i++) {
		ssize_t got = recv_ssdu(fd, r, 65536, 0, &mf);

		if (got < 0) {
			EXPECT_TRUE(errno == ECONNABORTED || errno == ECONNRESET)
				TH_LOG("SSDU %d: %s", i, strerror(errno));
			TH_LOG("the session aborted after %d SSDUs", i);
			break;
		}
		ASSERT_EQ(mib_size(i), (size_t)got)
			TH_LOG("SSDU %d: out of order or cut", i);
		ASSERT_EQ(mib_size(i), pattern_mismatch(r, got, i))
			TH_LOG("SSDU %d: content", i);
		ASSERT_TRUE(mf & MSG_EOR);
	}
	if (i == MIB_SSDUS) {
		/* and the session still works the other way */
		ASSERT_EQ(4, send(fd, "done", 4, 0));
		n = tsdu_recv(raw, (uint8_t *)r, 65536, SES_WAIT_MS);
		ASSERT_LT(0, n);
		ASSERT_EQ(0, tsdu_main_spdu((uint8_t *)r, n, &s));
		ASSERT_EQ(SPDU_DT, s.si);
		ASSERT_EQ(4, s.uilen);
		EXPECT_EQ(0, memcmp(s.ui, "done", 4));
		/* then AB ends it */
		ASSERT_EQ(0, cotp_send_dt(raw, t, build_ab(t, TD_USER_ABORT)));
	}
	free(r);
}

TEST(mebibyte_of_data_tsdus_in_one_write_is_delivered_in_order_at_the_listener)
{
	struct adv_srv s = { .lfd = -1 };
	struct blob_writer bw = { 0 };
	struct ses_witness w;
	int raw, srv;

	srv_open(&s, 16);
	raw = raw_connect(s.port);
	ASSERT_LE(0, raw);
	ASSERT_EQ(0, raw_client_session(raw));
	srv = acceptor_take(&s.acc, SES_WAIT_MS);
	ASSERT_LE(0, srv);
	bw.fd = raw;
	bw.buf = mib_of_tsdus(&bw.len);
	ASSERT_NE(NULL, bw.buf);
	TH_LOG("%d TSDUs, %zu octets in one send()", MIB_SSDUS, bw.len);
	ASSERT_EQ(0, pthread_create(&bw.th, NULL, blob_writer_main, &bw));
	ASSERT_EQ(0, witness_start(&w, s.port, WITNESS_ROUNDS, WITNESS_PAUSE));
	__read_mib(_metadata, srv, raw);
	pthread_join(bw.th, NULL);
	witness_check(&w, &s);
	close(srv);
	close(raw);
	EXPECT_EQ(0, srv_close(&s));
	free((void *)bw.buf);
}

TEST(mebibyte_of_data_tsdus_in_one_write_is_delivered_in_order_at_the_initiator)
{
	struct adv_srv s = { .lfd = -1 };
	struct blob_writer bw = { 0 };
	struct ses_witness w;
	int rl, rport, raw, fd;

	srv_open(&s, 16);
	rl = raw_listener_rcvbuf(&rport, 0);
	ASSERT_LE(0, rl);
	fd = adv_client(rport);
	ASSERT_LE(0, fd);
	raw = accept_within(rl, SES_WAIT_MS, 0);
	ASSERT_LE(0, raw);
	ASSERT_EQ(0, raw_server_session(raw, -1, 0));
	ASSERT_TRUE(wait_events(fd, POLLOUT, SES_WAIT_MS) & POLLOUT);
	ASSERT_EQ(0, set_nonblock(fd, false));
	bw.fd = raw;
	bw.buf = mib_of_tsdus(&bw.len);
	ASSERT_NE(NULL, bw.buf);
	ASSERT_EQ(0, pthread_create(&bw.th, NULL, blob_writer_main, &bw));
	ASSERT_EQ(0, witness_start(&w, s.port, WITNESS_ROUNDS, WITNESS_PAUSE));
	__read_mib(_metadata, fd, raw);
	pthread_join(bw.th, NULL);
	witness_check(&w, &s);
	close(fd);
	close(raw);
	close(rl);
	EXPECT_EQ(0, srv_close(&s));
	free((void *)bw.buf);
}

/* A mebibyte of noise, written by a thread while the case waits for the end. */
static int garbage_mib(int fd)
{
	struct blob_writer *bw = &g_garbage;
	static uint8_t *blob;

	if (!blob) {
		blob = malloc(1 << 20);
		if (!blob)
			return -1;
		fill_pattern(blob, 1 << 20, 0xbad);
		blob[0] = 0x16;	/* as a TLS ClientHello starts */
	}
	memset(bw, 0, sizeof(*bw));
	bw->fd = fd;
	bw->buf = blob;
	bw->len = 1 << 20;
	if (pthread_create(&bw->th, NULL, blob_writer_main, bw))
		return -1;
	g_garbage_on = true;
	return 0;
}

TEST(listener_drops_a_mebibyte_of_garbage_in_place_of_cr)
{
	at_listener(PH_TCP, garbage_mib, false, CNT("SesBadTpkt"));
}

TEST(listener_aborts_a_session_on_a_mebibyte_of_garbage)
{
	at_listener(PH_DATA, garbage_mib, true, CNT("SesBadTpkt"), PROTO_ERR);
}

TEST(connect_fails_on_a_mebibyte_of_garbage_in_place_of_cc)
{
	at_initiator(PH_TCP, garbage_mib, false, CNT("SesBadTpkt"), PROTO_ERR);
}

/* ==== one octet at a time ======================================================== */

/*
 * Sends n octets one at a time with pauses, stopping early when the
 * peer closes: the number sent.
 */
static size_t send_slowly(int fd, const uint8_t *b, size_t n, int pause_ms)
{
	size_t i;

	tcp_nodelay(fd);
	for (i = 0; i < n; i++) {
		if (send(fd, b + i, 1, MSG_NOSIGNAL) != 1)
			break;
		/* POLLIN is not asked for: what the peer sends stays unread */
		if (poll_one(fd, POLLRDHUP, pause_ms) &
		    (POLLRDHUP | POLLHUP | POLLERR))
			break;
	}
	return i;
}

/* TPKT(CR) then TPKT(DT(CN)) for a listener, or CC then AC for a client. */
static size_t handshake_octets(uint8_t *o, bool to_listener)
{
	uint8_t t[128];
	size_t n, l = 0;
	const uint8_t *tp = to_listener ? cr_tpdu : cc_tpdu;

	o[l++] = 3;
	o[l++] = 0;
	o[l++] = 0;
	o[l++] = 4 + sizeof(cr_tpdu);
	memcpy(o + l, tp, sizeof(cr_tpdu));
	l += sizeof(cr_tpdu);
	n = to_listener ? build_cn(t, SES_FU_DUPLEX, NULL, -1, 0) :
			  build_ac(t, SES_FU_DUPLEX, -1, 0);
	o[l++] = 3;
	o[l++] = 0;
	o[l++] = (n + 7) >> 8;
	o[l++] = (n + 7) & 0xff;
	o[l++] = 2;
	o[l++] = COTP_DT;
	o[l++] = COTP_EOT;
	memcpy(o + l, t, n);
	return l + n;
}

/* A GT+DT TSDU of len pattern octets in a TPKT, for sending slowly. */
static size_t dt_octets(uint8_t *o, size_t len, uint32_t seed)
{
	size_t tl = 7 + 4 + len;

	o[0] = 3;
	o[1] = 0;
	o[2] = tl >> 8;
	o[3] = tl & 0xff;
	o[4] = 2;
	o[5] = COTP_DT;
	o[6] = COTP_EOT;
	o[7] = SPDU_GT;
	o[8] = 0;
	o[9] = SPDU_DT;
	o[10] = 0;
	fill_pattern(o + 11, len, seed);
	return tl;
}

TEST(handshake_and_data_one_octet_at_a_time_within_the_timeout_succeed_at_the_listener)
{
	struct adv_srv s = { .lfd = -1 };
	uint8_t hs[256], *b = malloc(RAW_MAX);
	struct ses_witness w;
	struct cotp c;
	struct spdu sp;
	int raw, srv, n, mf;
	size_t l;

	ASSERT_NE(NULL, b);
	srv_open(&s, 16);
	/* 5 s for about 50 octets, 10 ms apart */
	ASSERT_EQ(0, setopt_int(s.lfd, SOL_SES, SES_HANDSHAKE_TIMEOUT, 5000));
	raw = raw_connect(s.port);
	ASSERT_LE(0, raw);
	ASSERT_EQ(0, witness_start(&w, s.port, WITNESS_ROUNDS, WITNESS_PAUSE));
	l = handshake_octets(hs, true);
	ASSERT_EQ(l, send_slowly(raw, hs, l, 10));
	ASSERT_EQ(1, cotp_recv(raw, b, RAW_MAX, &c, SES_WAIT_MS));
	ASSERT_EQ(COTP_CC, c.code);
	n = tsdu_recv(raw, b, RAW_MAX, SES_WAIT_MS);
	ASSERT_LT(0, n);
	ASSERT_EQ(0, tsdu_main_spdu(b, n, &sp));
	ASSERT_EQ(SPDU_AC, sp.si);
	srv = acceptor_take(&s.acc, SES_WAIT_MS);
	ASSERT_LE(0, srv);
	/* an SSDU of 100 octets, one octet each 3 ms, arrives whole */
	l = dt_octets(b, 100, 77);
	ASSERT_EQ(l, send_slowly(raw, b, l, 3));
	n = recv_ssdu(srv, b, RAW_MAX, 0, &mf);
	ASSERT_EQ(100, n);
	EXPECT_EQ(100, pattern_mismatch(b, 100, 77));
	EXPECT_TRUE(mf & MSG_EOR);
	witness_check(&w, &s);
	close(srv);
	close(raw);
	EXPECT_EQ(0, srv_close(&s));
	free(b);
}

TEST(handshake_one_octet_at_a_time_past_the_timeout_is_dropped_by_the_listener)
{
	static const char *const to[] = { "SesHandshakeTimeouts", NULL };
	struct adv_srv s = { .lfd = -1 };
	long long before = ses_stat_sum(SRV, to), t0, dt;
	struct ses_witness w;
	uint8_t hs[256];
	size_t l, sent;
	int raw;

	srv_open(&s, 16);
	ASSERT_EQ(0, setopt_int(s.lfd, SOL_SES, SES_HANDSHAKE_TIMEOUT, 1000));
	raw = raw_connect(s.port);
	ASSERT_LE(0, raw);
	t0 = now_ms();
	ASSERT_EQ(0, witness_start(&w, s.port, WITNESS_ROUNDS, WITNESS_PAUSE));
	l = handshake_octets(hs, true);
	/* 100 ms apart: about 5 s for the whole handshake */
	sent = send_slowly(raw, hs, l, 100);
	EXPECT_GT(l, sent) TH_LOG("the whole slow handshake went through");
	EXPECT_EQ(0, raw_wait_close(raw, END_MS, NULL));
	dt = now_ms() - t0;
	EXPECT_LE(500, dt);
	EXPECT_GE(1000 + 2000, dt) TH_LOG("dropped after %lld ms", dt);
	EXPECT_LT(before, ses_stat_sum_above(SRV, to, before, 2000));
	close(raw);
	witness_check(&w, &s);
	EXPECT_EQ(0, srv_close(&s));
}

/* A raw server answering the SES client's CR and CN one octet at a time. */
static int __slow_server(struct __test_metadata *_metadata, int hs_ms,
			 int pause_ms, int *rl, int *raw, size_t *sent,
			 size_t *total)
{
	uint8_t o[256], *b = malloc(RAW_MAX);
	struct cotp c;
	int rport, fd, n;
	size_t l, k;

	*sent = *total = 0;
	*rl = raw_listener_rcvbuf(&rport, 0);
	fd = ses_sock(CLI);
	if (!b || *rl < 0 || fd < 0)
		goto fail;
	if (setopt_int(fd, SOL_SES, SES_HANDSHAKE_TIMEOUT, hs_ms) ||
	    setopt_int(fd, SOL_SES, SES_TIM_TIMEOUT, TIM_MS) ||
	    set_nonblock(fd, true) ||
	    (connect_to(fd, rport) && errno != EINPROGRESS))
		goto fail;
	*raw = accept_within(*rl, SES_WAIT_MS, 0);
	if (*raw < 0 || cotp_recv(*raw, b, RAW_MAX, &c, SES_WAIT_MS) != 1 ||
	    c.code != COTP_CR)
		goto fail;
	l = handshake_octets(o, false);
	*total = l;
	/* CC slowly, then wait for the CN, then AC slowly */
	k = 4 + sizeof(cc_tpdu);
	*sent = send_slowly(*raw, o, k, pause_ms);
	if (*sent == k) {
		n = tsdu_recv(*raw, b, RAW_MAX, SES_WAIT_MS);
		if (n > 0)
			*sent += send_slowly(*raw, o + k, l - k, pause_ms);
	}
	free(b);
	return fd;
fail:
	TH_LOG("setting up the slow server: %s", strerror(errno));
	free(b);
	return -1;
}

TEST(slow_server_answering_one_octet_at_a_time_within_the_timeout_connects)
{
	struct adv_srv s = { .lfd = -1 };
	struct ses_witness w;
	size_t sent, total;
	int rl, raw = -1, fd;
	uint8_t b[64];

	srv_open(&s, 16);
	ASSERT_EQ(0, witness_start(&w, s.port, WITNESS_ROUNDS, WITNESS_PAUSE));
	fd = __slow_server(_metadata, 5000, 10, &rl, &raw, &sent, &total);
	ASSERT_LE(0, fd);
	EXPECT_EQ(total, sent);
	ASSERT_TRUE(wait_events(fd, POLLOUT, SES_WAIT_MS) & POLLOUT);
	EXPECT_EQ(0, so_error(fd));
	ASSERT_EQ(0, set_nonblock(fd, false));
	ASSERT_EQ(2, send(fd, "hi", 2, 0));
	ASSERT_EQ(6, tsdu_recv(raw, b, sizeof(b), SES_WAIT_MS));
	EXPECT_EQ(0, memcmp(b + 4, "hi", 2));
	witness_check(&w, &s);
	close(fd);
	close(raw);
	close(rl);
	EXPECT_EQ(0, srv_close(&s));
}

TEST(slow_server_past_the_handshake_timeout_fails_the_connect_with_etimedout)
{
	static const char *const to[] = { "SesHandshakeTimeouts", NULL };
	long long before = ses_stat_sum(CLI, to), t0 = now_ms(), dt;
	struct adv_srv s = { .lfd = -1 };
	struct ses_witness w;
	size_t sent, total;
	int rl, raw = -1, fd, rev;

	srv_open(&s, 16);
	ASSERT_EQ(0, witness_start(&w, s.port, WITNESS_ROUNDS, WITNESS_PAUSE));
	fd = __slow_server(_metadata, 1000, 100, &rl, &raw, &sent, &total);
	ASSERT_LE(0, fd);
	EXPECT_GT(total, sent) TH_LOG("the whole slow answer went through");
	rev = wait_events(fd, POLLOUT, SES_WAIT_MS);
	dt = now_ms() - t0;
	EXPECT_TRUE(rev & (POLLERR | POLLHUP));
	EXPECT_EQ(ETIMEDOUT, so_error(fd));
	EXPECT_EQ(SES_AB_TIMEOUT, getopt_int(fd, SOL_SES, SES_ABORT_REASON));
	EXPECT_GE(1000 + 2000, dt) TH_LOG("gave up after %lld ms", dt);
	EXPECT_EQ(0, raw_wait_close(raw, END_MS, NULL));
	EXPECT_LT(before, ses_stat_sum_above(CLI, to, before, 2000));
	witness_check(&w, &s);
	close(fd);
	close(raw);
	close(rl);
	EXPECT_EQ(0, srv_close(&s));
}

/* ==== connections by the thousand that never send a byte ========================= */

#define IDLE_CONNS	1000
#define IDLE_SLOTS	64
#define IDLE_HS_MS	3000

FIXTURE(max_handshakes) {
	long saved;
	bool have;
};

FIXTURE_SETUP(max_handshakes)
{
	self->have = !sysctl_get(SRV, "max_handshakes", &self->saved);
	ASSERT_TRUE(self->have) TH_LOG(SES_SYSCTL_DIR "max_handshakes missing");
}

FIXTURE_TEARDOWN(max_handshakes)
{
	if (self->have)
		sysctl_set(SRV, "max_handshakes", self->saved);
}

TEST_F_TIMEOUT(max_handshakes, thousand_idle_connections_are_dropped_or_timed_out_and_a_client_is_served_after, 180)
{
	long long drops0 = ses_stat(SRV, "SesHandshakeDrops");
	long long to0 = ses_stat(SRV, "SesHandshakeTimeouts");
	long long t0, drops, tos, end, open_ms, most_held;
	struct adv_srv s = { .lfd = -1 };
	struct pollfd *pf;
	struct ses_witness w;
	int i, open = 0, closed = 0, err;

	ASSERT_EQ(0, raise_nofile(IDLE_CONNS + 256));
	pf = calloc(IDLE_CONNS, sizeof(*pf));
	ASSERT_NE(NULL, pf);
	ASSERT_EQ(0, sysctl_set(SRV, "max_handshakes", IDLE_SLOTS));
	srv_open(&s, IDLE_CONNS);
	ASSERT_EQ(0, setopt_int(s.lfd, SOL_SES, SES_HANDSHAKE_TIMEOUT,
				IDLE_HS_MS));
	t0 = now_ms();
	for (i = 0; i < IDLE_CONNS; i++) {
		int fd = tcp_sock(CLI);

		ASSERT_LE(0, fd) TH_LOG("socket %d: %s", i, strerror(errno));
		ASSERT_EQ(0, set_nonblock(fd, true));
		if (connect_to(fd, s.port) && errno != EINPROGRESS) {
			ASSERT_EQ(0, errno) TH_LOG("connect %d", i);
		}
		pf[i].fd = fd;
		pf[i].events = POLLIN;
	}
	open_ms = now_ms() - t0;
	TH_LOG("%d idle TCP connections opened in %lld ms", IDLE_CONNS,
	       open_ms);
	/*
	 * A slot frees when its idle connection times out: during a flood
	 * that outlasts the handshake timeout (a slow kernel) each slot may
	 * serve again.  Beyond that, every connection is dropped at once.
	 */
	most_held = IDLE_SLOTS * (2 + open_ms / IDLE_HS_MS);

	/* a well-behaved client while the idle ones hold every slot */
	ASSERT_EQ(0, witness_start(&w, s.port, 1, 0));
	err = witness_join(&w);
	TH_LOG("during the flood a well-behaved client was %s%s%s",
	       err ? "not served: " : "served", err ? w.what : "",
	       err ? " (the implementation drops what exceeds max_handshakes)"
		   : "");

	drops = ses_stat_reaches(SRV, "SesHandshakeDrops",
				 drops0 + IDLE_CONNS - most_held, 10000);
	EXPECT_LE(drops0 + IDLE_CONNS - most_held, drops)
		TH_LOG("SesHandshakeDrops went up by %lld only", drops - drops0);

	/* every idle connection ends: at once, or at the handshake timeout */
	end = now_ms() + IDLE_HS_MS + 8000;
	while (closed < IDLE_CONNS && now_ms() < end) {
		char c[64];

		if (poll(pf, IDLE_CONNS, 100) <= 0)
			continue;
		for (i = 0; i < IDLE_CONNS; i++) {
			ssize_t n;

			if (pf[i].fd < 0 || !pf[i].revents)
				continue;
			n = recv(pf[i].fd, c, sizeof(c), MSG_DONTWAIT);
			if (n > 0 || (n < 0 && errno == EAGAIN))
				continue;
			close(pf[i].fd);
			pf[i].fd = -1;
			closed++;
		}
	}
	for (i = 0; i < IDLE_CONNS; i++) {
		if (pf[i].fd >= 0) {
			open++;
			close(pf[i].fd);
		}
	}
	EXPECT_EQ(0, open) TH_LOG("%d idle connections outlived the timeout",
				  open);
	tos = ses_stat(SRV, "SesHandshakeTimeouts") - to0;
	drops = ses_stat(SRV, "SesHandshakeDrops") - drops0;
	TH_LOG("after %lld ms: %lld dropped at once, %lld timed out",
	       now_ms() - t0, drops, tos);
	EXPECT_LE(IDLE_CONNS, drops + tos);
	EXPECT_LT(0, tos) TH_LOG("the idle ones holding a slot never timed out");
	EXPECT_GE(most_held + 1, tos)
		TH_LOG("more connections held a slot than max_handshakes allows");

	/* once they are gone, a well-behaved client gets a session */
	ASSERT_EQ(0, witness_start(&w, s.port, WITNESS_ROUNDS, 0));
	witness_check(&w, &s);
	EXPECT_EQ(0, srv_close(&s)) TH_LOG("an idle connection reached accept()");
	free(pf);
}

/* ==== a peer that never reads ===================================================== */

#define NR_SSDU		16384
#define NR_SNDBUF	65536

/* Fills the send path of fd (a peer that never reads); checks the bounds. */
static void __fill_against_a_deaf_peer(struct __test_metadata *_metadata,
				       int fd, int raw, struct adv_srv *s)
{
	int sndbuf, outq = -1, outq2 = -1, sent = 0, rev, i;
	uint8_t *b = malloc(RAW_MAX);
	struct ses_witness w;
	long long t0, dt;
	struct spdu sp;
	ssize_t n;

	ASSERT_NE(NULL, b);
	ASSERT_EQ(0, setopt_int(fd, SOL_SOCKET, SO_SNDBUF, NR_SNDBUF));
	sndbuf = getopt_int(fd, SOL_SOCKET, SO_SNDBUF);
	ASSERT_LT(0, sndbuf);
	ASSERT_EQ(0, set_nonblock(fd, true));
	t0 = now_ms();
	for (;;) {
		n = send_pattern(fd, NR_SSDU, sent, MSG_NOSIGNAL);
		if (n < 0)
			break;
		ASSERT_EQ(NR_SSDU, n);
		sent++;
		ASSERT_GT(2000, sent) TH_LOG("no backpressure after %d SSDUs",
					     sent);
		ASSERT_GT(20000, now_ms() - t0);
	}
	ASSERT_EQ(EAGAIN, errno) TH_LOG("send: %s", strerror(errno));
	ASSERT_EQ(0, ioctl(fd, SIOCOUTQ, &outq));
	TH_LOG("%d SSDUs of %d queued; SO_SNDBUF %d, SIOCOUTQ %d", sent,
	       NR_SSDU, sndbuf, outq);
	EXPECT_LT(0, outq);
	/* the SSDU that crosses SO_SNDBUF is the last one taken */
	EXPECT_GE(sndbuf + NR_SSDU + NR_SSDU / 4 + 8192, outq);
	EXPECT_FALSE(poll_one(fd, POLLOUT, 0) & POLLOUT)
		TH_LOG("POLLOUT while send gives EAGAIN");

	/* a witness is served while this session is stuck */
	ASSERT_EQ(0, witness_start(&w, s->port, WITNESS_ROUNDS, WITNESS_PAUSE));
	/* a blocking send waits for its SO_SNDTIMEO, then EAGAIN */
	ASSERT_EQ(0, set_nonblock(fd, false));
	set_io_timeouts(fd, 500);
	t0 = now_ms();
	EXPECT_EQ(-1, send_pattern(fd, NR_SSDU, sent, MSG_NOSIGNAL));
	EXPECT_EQ(EAGAIN, errno);
	dt = now_ms() - t0;
	EXPECT_LE(400, dt) TH_LOG("a blocking send returned after %lld ms", dt);
	ASSERT_EQ(0, ioctl(fd, SIOCOUTQ, &outq2));
	EXPECT_GE(outq, outq2) TH_LOG("SIOCOUTQ grew while blocked");
	witness_check(&w, s);

	/* the peer reads at last: every SSDU queued arrives, in order */
	for (i = 0; i < sent; i++) {
		n = tsdu_recv(raw, b, RAW_MAX, SES_WAIT_MS);
		ASSERT_LT(0, n) TH_LOG("SSDU %d of %d", i, sent);
		ASSERT_EQ(0, tsdu_main_spdu(b, n, &sp));
		ASSERT_EQ(NR_SSDU, sp.uilen);
		ASSERT_EQ(NR_SSDU, pattern_mismatch(sp.ui, NR_SSDU, i));
	}
	rev = wait_events(fd, POLLOUT, SES_WAIT_MS);
	EXPECT_TRUE(rev & POLLOUT) TH_LOG("no POLLOUT after the drain");
	free(b);
}

TEST(peer_that_never_reads_blocks_the_accepted_sender_within_sndbuf)
{
	struct adv_srv s = { .lfd = -1 };
	int raw, srv, small = 4096;

	srv_open(&s, 16);
	raw = tcp_sock(CLI);
	ASSERT_LE(0, raw);
	ASSERT_EQ(0, setsockopt(raw, SOL_SOCKET, SO_RCVBUF, &small,
				sizeof(small)));
	ASSERT_EQ(0, connect_to(raw, s.port));
	ASSERT_EQ(0, raw_client_session(raw));
	srv = acceptor_take(&s.acc, SES_WAIT_MS);
	ASSERT_LE(0, srv);
	__fill_against_a_deaf_peer(_metadata, srv, raw, &s);
	close(srv);
	close(raw);
	EXPECT_EQ(0, srv_close(&s));
}

TEST(peer_that_never_reads_blocks_the_initiating_sender_within_sndbuf)
{
	struct adv_srv s = { .lfd = -1 };
	int rl, rport, raw, fd;

	srv_open(&s, 16);
	rl = raw_listener_rcvbuf(&rport, 4096);
	ASSERT_LE(0, rl);
	fd = adv_client(rport);
	ASSERT_LE(0, fd);
	raw = accept_within(rl, SES_WAIT_MS, 0);
	ASSERT_LE(0, raw);
	ASSERT_EQ(0, raw_server_session(raw, -1, 0));
	ASSERT_TRUE(wait_events(fd, POLLOUT, SES_WAIT_MS) & POLLOUT);
	ASSERT_EQ(0, so_error(fd));
	__fill_against_a_deaf_peer(_metadata, fd, raw, &s);
	close(fd);
	close(raw);
	close(rl);
	EXPECT_EQ(0, srv_close(&s));
}

SES_TEST_MAIN
