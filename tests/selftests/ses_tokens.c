// SPDX-License-Identifier: GPL-2.0
/*
 * Dialog control and token management through the socket API: half
 * duplex with the data token, give and please (SES_SNDINFO), the
 * indications in the receive stream (SES_RCVINFO, SES_MSG_NOTIFICATION),
 * poll readiness that follows the tokens, the initial assignment, the
 * errno of each misuse, negotiated release refused then accepted, close()
 * without the tokens, and peers that break the token rules on the wire.
 */
#include "ses_test.h"

#define BUFSZ		1024
#define TURNS		1000

static ssize_t give(int fd, uint32_t tokens)
{
	return ses_send_prim(fd, SES_PRIM_TOKEN_GIVE, 0, 0, tokens, NULL, 0, 0);
}

/* Listener and client proposing @fu; the client's token setting @ts. */
static void __pair_with(struct __test_metadata *_metadata, struct ses_pair *p,
			int fu, int ts, int listener_ts)
{
	p->cli = p->srv = -1;
	p->lfd = ses_sock(SRV);
	ASSERT_LE(0, p->lfd);
	ASSERT_EQ(0, setopt_int(p->lfd, SOL_SES, SES_FUNCTIONAL_UNITS, fu));
	ASSERT_EQ(0, setopt_int(p->lfd, SOL_SES, SES_TOKEN_SETTING,
				listener_ts));
	ASSERT_EQ(0, bind_listen(p->lfd, cfg.port));
	p->port = sock_port(p->lfd);
	p->cli = ses_sock(CLI);
	ASSERT_LE(0, p->cli);
	ASSERT_EQ(0, setopt_int(p->cli, SOL_SES, SES_FUNCTIONAL_UNITS, fu))
		TH_LOG("SES_FUNCTIONAL_UNITS 0x%x: %s", fu, strerror(errno));
	ASSERT_EQ(0, setopt_int(p->cli, SOL_SES, SES_TOKEN_SETTING, ts));
	ASSERT_EQ(0, connect_to(p->cli, p->port))
		TH_LOG("connect: %s", strerror(errno));
	p->srv = accept_within(p->lfd, SES_WAIT_MS, 0);
	ASSERT_LE(0, p->srv) TH_LOG("accept: %s", strerror(errno));
	set_io_timeouts(p->cli, SES_IO_TIMEOUT_MS);
	set_io_timeouts(p->srv, SES_IO_TIMEOUT_MS);
}
#define pair_with(p, fu, ts, lts) __pair_with(_metadata, p, fu, ts, lts)

#define TS(tok, v)	((v) << SES_TS_SHIFT_##tok)

/* The next record at @fd must be the indication @prim of @tokens. */
#define EXPECT_IND(fd, prim_, tokens_) do {				\
	struct ses_rcvinfo _i;						\
	char _b[BUFSZ];							\
	int _f = 0;							\
	ssize_t _n = ses_recv_rec(fd, _b, sizeof(_b), &_i, &_f);		\
	ASSERT_LE(0, _n) TH_LOG("recvmsg: %s", strerror(errno));	\
	EXPECT_TRUE(_f & SES_MSG_NOTIFICATION) TH_LOG("flags 0x%x", _f); \
	EXPECT_EQ((uint32_t)(prim_), _i.primitive);			\
	EXPECT_EQ((uint32_t)(tokens_), _i.tokens);			\
} while (0)

FIXTURE(half_duplex) {
	struct ses_pair p;
	char buf_unused[8];
};

FIXTURE_SETUP(half_duplex)
{
	/* the initiator starts with the data token (the default) */
	pair_with(&self->p, SES_FU_HALF_DUPLEX, 0, 0);
}

FIXTURE_TEARDOWN(half_duplex)
{
	ses_pair_close(&self->p);
}

TEST_F(half_duplex, initial_tokens_are_readable_before_the_first_send)
{
	EXPECT_EQ(SES_TOKEN_DATA, getopt_int(self->p.cli, SOL_SES,
					     SES_TOKENS_AVAILABLE));
	EXPECT_EQ(SES_TOKEN_DATA, getopt_int(self->p.srv, SOL_SES,
					     SES_TOKENS_AVAILABLE));
	EXPECT_EQ(SES_TOKEN_DATA, getopt_int(self->p.cli, SOL_SES, SES_TOKENS));
	EXPECT_EQ(0, getopt_int(self->p.srv, SOL_SES, SES_TOKENS));
}

/*
 * A walkie-talkie: 1000 turns, each an SSDU and the data token handed
 * over; both ends check the strict alternation of what they receive, and
 * that the end without the token cannot send.
 */
TEST_F(half_duplex, walkie_talkie_of_1000_turns_alternates_strictly)
{
	char buf[BUFSZ], want[64];
	struct ses_rcvinfo info;
	int turn, flags;

	for (turn = 0; turn < TURNS; turn++) {
		int talk = turn & 1 ? self->p.srv : self->p.cli;
		int hear = turn & 1 ? self->p.cli : self->p.srv;
		int len = snprintf(want, sizeof(want), "over %d", turn);
		ssize_t n;

		ASSERT_EQ(-1, send(hear, "me too", 6, MSG_DONTWAIT));
		ASSERT_EQ(EPERM, errno) TH_LOG("turn %d", turn);
		ASSERT_EQ(len, send(talk, want, len, 0))
			TH_LOG("turn %d: %s", turn, strerror(errno));
		ASSERT_EQ(0, give(talk, SES_TOKEN_DATA))
			TH_LOG("turn %d: give: %s", turn, strerror(errno));
		/* what was said, then the token, in that order */
		n = ses_recv_rec(hear, buf, sizeof(buf), &info, &flags);
		ASSERT_EQ(len, n) TH_LOG("turn %d: %s", turn, strerror(errno));
		ASSERT_EQ(0, memcmp(buf, want, len)) TH_LOG("turn %d", turn);
		ASSERT_FALSE(flags & SES_MSG_NOTIFICATION);
		ASSERT_EQ(SES_PRIM_DATA, info.primitive);
		ASSERT_EQ(0, info.tokens_held & SES_TOKEN_DATA);
		n = ses_recv_rec(hear, buf, sizeof(buf), &info, &flags);
		ASSERT_EQ(0, n) TH_LOG("turn %d: %s", turn, strerror(errno));
		ASSERT_TRUE(flags & SES_MSG_NOTIFICATION);
		ASSERT_EQ(SES_PRIM_TOKEN_GIVE, info.primitive);
		ASSERT_EQ(SES_TOKEN_DATA, info.tokens);
		ASSERT_EQ(SES_TOKEN_DATA, info.tokens_held);
		if (turn % 100 == 0) {
			ASSERT_EQ(0, getopt_int(talk, SOL_SES, SES_TOKENS));
			ASSERT_EQ(SES_TOKEN_DATA,
				  getopt_int(hear, SOL_SES, SES_TOKENS));
		}
	}
}

TEST_F(half_duplex, blocking_send_without_the_data_token_fails_at_once)
{
	long long t0 = now_ms();

	EXPECT_EQ(-1, send(self->p.srv, "x", 1, 0));
	EXPECT_EQ(EPERM, errno);
	EXPECT_GT(1000, now_ms() - t0) TH_LOG("send waited %lld ms",
					      now_ms() - t0);
	/* and nothing went out */
	EXPECT_EQ(-1, recv(self->p.cli, self->buf_unused, 1, MSG_DONTWAIT));
	EXPECT_EQ(EAGAIN, errno);
}

TEST_F(half_duplex, pollout_follows_the_data_token)
{
	struct epoll_event ev = { .events = EPOLLOUT | EPOLLET };
	int ep = epoll_create1(0);

	ASSERT_LE(0, ep);
	EXPECT_TRUE(poll_one(self->p.cli, POLLOUT, 0) & POLLOUT);
	EXPECT_FALSE(poll_one(self->p.srv, POLLOUT, 0) & POLLOUT);
	ASSERT_EQ(0, epoll_ctl(ep, EPOLL_CTL_ADD, self->p.srv, &ev));
	EXPECT_EQ(0, epoll_wait(ep, &ev, 1, 200));

	ASSERT_EQ(0, give(self->p.cli, SES_TOKEN_DATA));
	EXPECT_FALSE(poll_one(self->p.cli, POLLOUT, 0) & POLLOUT);
	EXPECT_EQ(1, epoll_wait(ep, &ev, 1, SES_WAIT_MS))
		TH_LOG("no EPOLLOUT after the data token arrived");
	EXPECT_TRUE(ev.events & EPOLLOUT);
	EXPECT_TRUE(poll_one(self->p.srv, POLLOUT, 0) & POLLOUT);
	EXPECT_EQ(1, send(self->p.srv, "y", 1, 0));
	close(ep);
}

TEST_F(half_duplex, please_then_give_with_pollpri)
{
	static const char ask[] = "may I speak?";
	struct ses_rcvinfo info;
	char buf[BUFSZ];
	int flags;

	EXPECT_FALSE(poll_one(self->p.cli, POLLPRI, 0) & POLLPRI);
	ASSERT_EQ(sizeof(ask), ses_send_prim(self->p.srv, SES_PRIM_TOKEN_PLEASE, 0, 0, SES_TOKEN_DATA, ask, sizeof(ask), 0))
		TH_LOG("please: %s", strerror(errno));
	EXPECT_TRUE(wait_for(self->p.cli, POLLPRI, POLLPRI, SES_WAIT_MS)
		    & POLLPRI);
	ASSERT_EQ(sizeof(ask), ses_recv_rec(self->p.cli, buf, sizeof(buf), &info,
					&flags));
	EXPECT_TRUE(flags & SES_MSG_NOTIFICATION);
	EXPECT_EQ(SES_PRIM_TOKEN_PLEASE, info.primitive);
	EXPECT_EQ(SES_TOKEN_DATA, info.tokens);
	EXPECT_EQ(0, memcmp(buf, ask, sizeof(ask)));
	EXPECT_FALSE(poll_one(self->p.cli, POLLPRI, 0) & POLLPRI);

	ASSERT_EQ(0, give(self->p.cli, SES_TOKEN_DATA));
	EXPECT_IND(self->p.srv, SES_PRIM_TOKEN_GIVE, SES_TOKEN_DATA);
	EXPECT_EQ(5, send(self->p.srv, "thank", 5, 0));
	EXPECT_EQ(5, recv(self->p.cli, buf, sizeof(buf), 0));
}

TEST_F(half_duplex, a_record_without_room_for_its_rcvinfo_is_flagged)
{
	char buf[16];
	struct iovec iov = { buf, sizeof(buf) };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1 };

	/* an SSDU read without a control buffer: nothing to flag */
	ASSERT_EQ(2, send(self->p.cli, "hi", 2, 0));
	ASSERT_EQ(2, recvmsg(self->p.srv, &msg, 0));
	EXPECT_EQ(MSG_EOR, msg.msg_flags);
	/* an indication read the same way still says what it is */
	ASSERT_EQ(0, give(self->p.cli, SES_TOKEN_DATA));
	msg.msg_flags = 0;
	ASSERT_EQ(0, recvmsg(self->p.srv, &msg, 0));
	EXPECT_TRUE(msg.msg_flags & SES_MSG_NOTIFICATION);
	EXPECT_TRUE(msg.msg_flags & MSG_CTRUNC);
	EXPECT_EQ(SES_TOKEN_DATA, getopt_int(self->p.srv, SOL_SES, SES_TOKENS));
}

TEST_F(half_duplex, misuse_gets_its_errno)
{
	char big[600] = { 0 };
	struct ses_sndinfo bad = { .primitive = SES_PRIM_TOKEN_GIVE };
	char cbuf[CMSG_SPACE(sizeof(bad))] = { 0 };
	struct msghdr msg = { .msg_control = cbuf,
			      .msg_controllen = sizeof(cbuf) };
	struct cmsghdr *c = CMSG_FIRSTHDR(&msg);

	/* giving a token not held */
	EXPECT_EQ(-1, give(self->p.srv, SES_TOKEN_DATA));
	EXPECT_EQ(EPERM, errno);
	/* asking for one held */
	EXPECT_EQ(-1, ses_send_prim(self->p.cli, SES_PRIM_TOKEN_PLEASE, 0, 0, SES_TOKEN_DATA, NULL, 0, 0));
	EXPECT_EQ(EALREADY, errno);
	/* tokens whose unit was not negotiated */
	EXPECT_EQ(-1, give(self->p.cli, SES_TOKEN_RELEASE));
	EXPECT_EQ(EOPNOTSUPP, errno);
	EXPECT_EQ(-1, ses_send_prim(self->p.srv, SES_PRIM_TOKEN_PLEASE, 0, 0, SES_TOKEN_MINOR, NULL, 0, 0));
	EXPECT_EQ(EOPNOTSUPP, errno);
	/* give control needs activity management */
	EXPECT_EQ(-1, ses_send_prim(self->p.cli, SES_PRIM_CONTROL_GIVE, 0, 0, 0, NULL, 0, 0));
	EXPECT_EQ(EOPNOTSUPP, errno);
	/* no such tokens, no such primitive, user data on a GT */
	EXPECT_EQ(-1, give(self->p.cli, 0));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, give(self->p.cli, 0x02));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, ses_send_prim(self->p.cli, 99, 0, 0, SES_TOKEN_DATA, NULL, 0, 0));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, ses_send_prim(self->p.cli, SES_PRIM_TOKEN_GIVE, 0, 0, SES_TOKEN_DATA, "x", 1, 0));
	EXPECT_EQ(EINVAL, errno);
	/* PT user data beyond 512 octets */
	EXPECT_EQ(-1, ses_send_prim(self->p.srv, SES_PRIM_TOKEN_PLEASE, 0, 0, SES_TOKEN_DATA, big, sizeof(big), 0));
	EXPECT_EQ(EMSGSIZE, errno);
	/* refusing a release nobody asked for */
	EXPECT_EQ(-1, ses_send_prim(self->p.srv, SES_PRIM_RELEASE_REFUSE, 0, 0, 0, NULL, 0, 0));
	EXPECT_EQ(EINVAL, errno);
	/* a control message of the wrong level or size */
	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SES_SNDINFO;
	c->cmsg_len = CMSG_LEN(sizeof(bad));
	memcpy(CMSG_DATA(c), &bad, sizeof(bad));
	msg.msg_iov = &(struct iovec){ NULL, 0 };
	msg.msg_iovlen = 1;
	EXPECT_EQ(-1, sendmsg(self->p.cli, &msg, 0));
	EXPECT_EQ(EINVAL, errno);
	c->cmsg_level = SOL_SES;
	c->cmsg_len = CMSG_LEN(sizeof(bad) - 4);
	EXPECT_EQ(-1, sendmsg(self->p.cli, &msg, 0));
	EXPECT_EQ(EINVAL, errno);
	/* release needs every token: the end without the data token */
	EXPECT_EQ(-1, shutdown(self->p.srv, SHUT_WR));
	EXPECT_EQ(EPERM, errno);
	/* after all of that the session still works, tokens unchanged */
	EXPECT_EQ(SES_TOKEN_DATA, getopt_int(self->p.cli, SOL_SES, SES_TOKENS));
	EXPECT_EQ(2, send(self->p.cli, "ok", 2, 0));
	EXPECT_EQ(2, recv(self->p.srv, big, sizeof(big), 0));
}

/* close() without the data token: PT for it, FN once it comes. */
TEST_F(half_duplex, close_without_the_tokens_asks_for_them_then_releases)
{
	char buf[BUFSZ];

	ASSERT_EQ(0, close(self->p.srv));
	self->p.srv = -1;
	EXPECT_IND(self->p.cli, SES_PRIM_TOKEN_PLEASE, SES_TOKEN_DATA);
	EXPECT_EQ(4, send(self->p.cli, "last", 4, 0));
	ASSERT_EQ(0, give(self->p.cli, SES_TOKEN_DATA));
	/* the FN: end of the peer's data */
	EXPECT_EQ(0, recv(self->p.cli, buf, sizeof(buf), 0));
	EXPECT_EQ(0, so_error(self->p.cli));
}

TEST_F(half_duplex, close_without_the_tokens_aborts_after_the_release_timeout)
{
	char buf[BUFSZ];
	long long t0;

	ASSERT_EQ(0, setopt_int(self->p.srv, SOL_SES, SES_RELEASE_TIMEOUT,
				300));
	t0 = now_ms();
	ASSERT_EQ(0, close(self->p.srv));
	self->p.srv = -1;
	EXPECT_IND(self->p.cli, SES_PRIM_TOKEN_PLEASE, SES_TOKEN_DATA);
	/* never given: the closed end gives up with AB */
	EXPECT_EQ(-1, recv(self->p.cli, buf, sizeof(buf), 0));
	EXPECT_EQ(ECONNRESET, errno);
	EXPECT_LE(250, now_ms() - t0);
	EXPECT_EQ(SES_AB_PEER_USER, getopt_int(self->p.cli, SOL_SES,
					       SES_ABORT_REASON));
}

TEST(token_setting_puts_the_data_token_at_the_responder)
{
	struct ses_pair p;

	pair_with(&p, SES_FU_HALF_DUPLEX, TS(DATA, SES_TS_RESPONDER), 0);
	EXPECT_EQ(0, getopt_int(p.cli, SOL_SES, SES_TOKENS));
	EXPECT_EQ(SES_TOKEN_DATA, getopt_int(p.srv, SOL_SES, SES_TOKENS));
	EXPECT_EQ(-1, send(p.cli, "x", 1, 0));
	EXPECT_EQ(EPERM, errno);
	EXPECT_EQ(1, send(p.srv, "x", 1, 0));
	ses_pair_close(&p);
}

TEST(called_choice_lets_the_listener_decide)
{
	struct ses_pair p;
	int all = SES_FU_HALF_DUPLEX | SES_FU_NEGOTIATED_RELEASE;

	/* the listener takes the data token and leaves the release token */
	pair_with(&p, all, TS(DATA, SES_TS_CALLED_CHOICE) |
		  TS(RELEASE, SES_TS_CALLED_CHOICE),
		  TS(DATA, SES_TS_RESPONDER));
	EXPECT_EQ(SES_TOKEN_RELEASE, getopt_int(p.cli, SOL_SES, SES_TOKENS));
	EXPECT_EQ(SES_TOKEN_DATA, getopt_int(p.srv, SOL_SES, SES_TOKENS));
	EXPECT_EQ(SES_TOKEN_DATA | SES_TOKEN_RELEASE,
		  getopt_int(p.cli, SOL_SES, SES_TOKENS_AVAILABLE));
	ses_pair_close(&p);
}

TEST(token_setting_is_range_checked)
{
	int fd = ses_sock(CLI);

	ASSERT_LE(0, fd);
	EXPECT_EQ(-1, setopt_int(fd, SOL_SES, SES_TOKEN_SETTING, 3));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, setopt_int(fd, SOL_SES, SES_TOKEN_SETTING, 0x100));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(0, setopt_int(fd, SOL_SES, SES_TOKEN_SETTING, 0x82));
	EXPECT_EQ(0x82, getopt_int(fd, SOL_SES, SES_TOKEN_SETTING));
	/* a unit SES does not implement cannot be proposed */
	EXPECT_EQ(-1, setopt_int(fd, SOL_SES, SES_FUNCTIONAL_UNITS,
				 SES_FU_DUPLEX | SES_FU_ACTIVITY));
	EXPECT_EQ(EINVAL, errno);
	close(fd);
}

TEST(duplex_has_no_tokens_and_both_ends_send)
{
	struct ses_pair p;
	char buf[8];

	pair_with(&p, SES_FU_DUPLEX, 0, 0);
	EXPECT_EQ(0, getopt_int(p.cli, SOL_SES, SES_TOKENS_AVAILABLE));
	EXPECT_EQ(-1, give(p.cli, SES_TOKEN_DATA));
	EXPECT_EQ(EOPNOTSUPP, errno);
	EXPECT_EQ(1, send(p.cli, "a", 1, 0));
	EXPECT_EQ(1, send(p.srv, "b", 1, 0));
	EXPECT_EQ(1, recv(p.srv, buf, sizeof(buf), 0));
	EXPECT_EQ(1, recv(p.cli, buf, sizeof(buf), 0));
	ses_pair_close(&p);
}

/* Negotiated release: refused with NF, the session goes on, then done. */
TEST(negotiated_release_refused_then_accepted)
{
	static const char no[] = "not yet";
	struct ses_rcvinfo info;
	struct ses_pair p;
	char buf[BUFSZ];
	int flags;

	pair_with(&p, SES_FU_DUPLEX | SES_FU_NEGOTIATED_RELEASE, 0, 0);
	EXPECT_EQ(SES_TOKEN_RELEASE, getopt_int(p.cli, SOL_SES, SES_TOKENS));
	/* only the release token's holder releases */
	EXPECT_EQ(-1, shutdown(p.srv, SHUT_WR));
	EXPECT_EQ(EPERM, errno);
	ASSERT_EQ(0, shutdown(p.cli, SHUT_WR));
	EXPECT_IND(p.srv, SES_PRIM_RELEASE, 0);
	ASSERT_EQ(sizeof(no), ses_send_prim(p.srv, SES_PRIM_RELEASE_REFUSE, 0, 0, 0, no, sizeof(no), 0))
		TH_LOG("refuse: %s", strerror(errno));
	ASSERT_EQ(sizeof(no), ses_recv_rec(p.cli, buf, sizeof(buf), &info,
				       &flags));
	EXPECT_TRUE(flags & SES_MSG_NOTIFICATION);
	EXPECT_EQ(SES_PRIM_RELEASE_REFUSE, info.primitive);
	EXPECT_EQ(0, memcmp(buf, no, sizeof(no)));
	/* the session goes on, both ways */
	EXPECT_EQ(4, send(p.cli, "more", 4, 0));
	EXPECT_EQ(4, recv(p.srv, buf, sizeof(buf), 0));
	EXPECT_EQ(4, send(p.srv, "back", 4, 0));
	EXPECT_EQ(4, recv(p.cli, buf, sizeof(buf), 0));
	/* asked again, accepted this time */
	ASSERT_EQ(0, shutdown(p.cli, SHUT_WR));
	EXPECT_IND(p.srv, SES_PRIM_RELEASE, 0);
	ASSERT_EQ(0, shutdown(p.srv, SHUT_WR));
	EXPECT_EQ(0, recv(p.cli, buf, sizeof(buf), 0));
	EXPECT_EQ(0, so_error(p.cli));
	EXPECT_EQ(0, recv(p.srv, buf, sizeof(buf), 0));
	ses_pair_close(&p);
}

/* The GT and PT of a session, for tshark-check.sh (run.sh captures it). */
TEST(tokens_for_the_wire_capture)
{
	struct ses_pair p;
	char buf[BUFSZ];

	pair_with(&p, SES_FU_HALF_DUPLEX, 0, 0);
	ASSERT_EQ(3, ses_send_prim(p.srv, SES_PRIM_TOKEN_PLEASE, 0, 0, SES_TOKEN_DATA, "pls", 3, 0));
	EXPECT_IND(p.cli, SES_PRIM_TOKEN_PLEASE, SES_TOKEN_DATA);
	ASSERT_EQ(2, send(p.cli, "hi", 2, 0));
	ASSERT_EQ(0, give(p.cli, SES_TOKEN_DATA));
	ASSERT_EQ(2, recv(p.srv, buf, sizeof(buf), 0));
	EXPECT_IND(p.srv, SES_PRIM_TOKEN_GIVE, SES_TOKEN_DATA);
	ses_pair_close(&p);
}

/* ---- peers that break the token rules on the wire ---------------------- */

/* CN proposing half duplex (+ @more units) with Token Setting @ts. */
static size_t build_cn_tokens(uint8_t *o, unsigned int fu, uint8_t ts)
{
	uint8_t par[64], *q = par;
	uint8_t f[2] = { fu >> 8, fu & 0xff };
	uint8_t g[32], *gp = g, ver = 2, opt = 0;

	gp += put_item(gp, PI_PROTOCOL_OPTIONS, &opt, 1);
	gp += put_item(gp, PI_VERSION, &ver, 1);
	gp += put_item(gp, PI_TOKEN_SETTING, &ts, 1);
	q += put_item(q, PGI_CONN_ACCEPT, g, gp - g);
	q += put_item(q, PI_SESSION_REQ, f, 2);
	return put_spdu(o, SPDU_CN, par, q - par);
}

static size_t build_tokens(uint8_t *o, uint8_t si, uint8_t tokens)
{
	uint8_t par[3];

	return put_spdu(o, si, par, put_item(par, PI_TOKEN_ITEM, &tokens, 1));
}

FIXTURE(raw_initiator) {
	int lfd, port, raw, srv;
	uint8_t *buf;
};

FIXTURE_SETUP(raw_initiator)
{
	uint8_t cn[64];
	int fu = SES_FU_HALF_DUPLEX | SES_FU_NEGOTIATED_RELEASE;

	self->buf = malloc(RAW_MAX);
	ASSERT_NE(NULL, self->buf);
	self->srv = -1;
	self->lfd = ses_listener(&self->port);
	ASSERT_LE(0, self->lfd);
	ASSERT_EQ(0, setopt_int(self->lfd, SOL_SES, SES_TIM_TIMEOUT,
				SES_TIM_SHORT_MS));
	self->raw = raw_connect(self->port);
	ASSERT_LE(0, self->raw);
	/* the raw initiator keeps the data token, SES gets the release one */
	ASSERT_EQ(SPDU_AC, raw_session_connect(self->raw, cn,
			build_cn_tokens(cn, fu, 0x40), self->buf, NULL));
	self->srv = accept_within(self->lfd, SES_WAIT_MS, 0);
	ASSERT_LE(0, self->srv);
	set_io_timeouts(self->srv, SES_IO_TIMEOUT_MS);
	ASSERT_EQ(SES_TOKEN_RELEASE, getopt_int(self->srv, SOL_SES,
						SES_TOKENS));
}

FIXTURE_TEARDOWN(raw_initiator)
{
	if (self->srv >= 0)
		close(self->srv);
	close(self->raw);
	close(self->lfd);
	free(self->buf);
}

/* The peer's violation: AB with protocol error, counted, recv fails. */
/* (FIXTURE_DATA(raw_initiator) is this struct) */
static void expect_protocol_abort(struct __test_metadata *_metadata,
				  struct _test_data_raw_initiator *self,
				  long long before)
{
	char b[16];
	bool ab;

	EXPECT_EQ(0, raw_wait_end(self->raw, SES_WAIT_MS, &ab));
	EXPECT_TRUE(ab) TH_LOG("no AB from SES");
	EXPECT_EQ(-1, recv(self->srv, b, sizeof(b), 0));
	EXPECT_EQ(ECONNABORTED, errno);
	EXPECT_EQ(SES_AB_PROTOCOL_ERROR, getopt_int(self->srv, SOL_SES,
						    SES_ABORT_REASON));
	EXPECT_EQ(before + 1, ses_stat(SRV, "SesUnexpectedSpdu"));
}

TEST_F(raw_initiator, data_after_giving_the_data_token_is_aborted)
{
	long long before = ses_stat(SRV, "SesUnexpectedSpdu");
	uint8_t t[64];

	ASSERT_EQ(0, cotp_send_dt(self->raw, t,
				  build_tokens(t, SPDU_GT, SES_TOKEN_DATA)));
	EXPECT_IND(self->srv, SES_PRIM_TOKEN_GIVE, SES_TOKEN_DATA);
	ASSERT_EQ(0, cotp_send_dt(self->raw, t, build_dt(t, "rogue", 5)));
	expect_protocol_abort(_metadata, self, before);
}

TEST_F(raw_initiator, giving_a_token_it_does_not_hold_is_aborted)
{
	long long before = ses_stat(SRV, "SesUnexpectedSpdu");
	uint8_t t[64];

	ASSERT_EQ(0, cotp_send_dt(self->raw, t,
				  build_tokens(t, SPDU_GT, SES_TOKEN_RELEASE)));
	expect_protocol_abort(_metadata, self, before);
}

TEST_F(raw_initiator, please_for_a_token_without_its_unit_is_aborted)
{
	long long before = ses_stat(SRV, "SesUnexpectedSpdu");
	uint8_t t[64];

	ASSERT_EQ(0, cotp_send_dt(self->raw, t,
				  build_tokens(t, SPDU_PT, SES_TOKEN_MINOR)));
	expect_protocol_abort(_metadata, self, before);
}

TEST_F(raw_initiator, finish_without_every_token_is_aborted)
{
	long long before = ses_stat(SRV, "SesUnexpectedSpdu");
	uint8_t t[64];

	ASSERT_EQ(0, cotp_send_dt(self->raw, t, build_fn(t)));
	expect_protocol_abort(_metadata, self, before);
}

/* PT concatenated with DT (category 0 before 2): both, in order. */
TEST_F(raw_initiator, please_concatenated_with_data_gives_both_in_order)
{
	struct ses_rcvinfo info;
	char buf[BUFSZ];
	uint8_t t[64];
	size_t n;
	int flags;

	n = build_tokens(t, SPDU_PT, SES_TOKEN_RELEASE);
	t[n++] = SPDU_DT;
	t[n++] = 0;
	memcpy(t + n, "after", 5);
	ASSERT_EQ(0, cotp_send_dt(self->raw, t, n + 5));
	EXPECT_IND(self->srv, SES_PRIM_TOKEN_PLEASE, SES_TOKEN_RELEASE);
	ASSERT_EQ(5, ses_recv_rec(self->srv, buf, sizeof(buf), &info, &flags));
	EXPECT_EQ(SES_PRIM_DATA, info.primitive);
	EXPECT_EQ(0, memcmp(buf, "after", 5));
	/* and the GT that answers it reaches the raw peer alone */
	ASSERT_EQ(0, give(self->srv, SES_TOKEN_RELEASE));
	n = tsdu_recv(self->raw, self->buf, RAW_MAX, SES_WAIT_MS);
	ASSERT_EQ(5, n);
	EXPECT_EQ(SPDU_GT, self->buf[0]);
	EXPECT_EQ(PI_TOKEN_ITEM, self->buf[2]);
	EXPECT_EQ(SES_TOKEN_RELEASE, self->buf[4]);
}

SES_TEST_MAIN
