// SPDX-License-Identifier: GPL-2.0
/*
 * Ending a session: orderly release (FN/DN) by shutdown() and close(),
 * the half-released session, EPIPE/SIGPIPE, SO_LINGER, abort (AB) by
 * SO_LINGER {1, 0} and by SES_ABORT, poll's RDHUP/HUP/ERR, and a transport
 * connection that disappears under the session.
 */
#include "ses_test.h"

#define BUFSZ	(64 * 1024 + 16)

FIXTURE(session) {
	struct ses_pair p;
	uint8_t *buf;
};

FIXTURE_SETUP(session)
{
	self->buf = malloc(BUFSZ);
	ASSERT_NE(NULL, self->buf);
	ses_pair_open(&self->p);
}

FIXTURE_TEARDOWN(session)
{
	ses_pair_close(&self->p);
	free(self->buf);
}

/* Reads n SSDUs of 1000 octets (seeds 0..n-1), then EOF without MSG_EOR. */
static void __read_all_then_eof(struct __test_metadata *_metadata, int fd,
				uint8_t *buf, int n)
{
	int i, fl;

	for (i = 0; i < n; i++) {
		ssize_t r = recv_ssdu(fd, buf, BUFSZ, 0, &fl);

		ASSERT_EQ(1000, r) TH_LOG("SSDU %d: %zd (%s)", i, r,
					  r < 0 ? strerror(errno) : "");
		ASSERT_EQ(1000, pattern_mismatch(buf, r, i));
	}
	ASSERT_EQ(0, recv_ssdu(fd, buf, BUFSZ, 0, &fl))
		TH_LOG("want EOF after %d SSDUs: %s", n, strerror(errno));
	EXPECT_FALSE(fl & MSG_EOR);
}
#define read_all_then_eof(fd, buf, n) \
	__read_all_then_eof(_metadata, fd, buf, n)

static void __send_n(struct __test_metadata *_metadata, int fd, int n)
{
	int i;

	for (i = 0; i < n; i++) {
		ASSERT_EQ(1000, send_pattern(fd, 1000, i, 0));
	}
}
#define send_n(fd, n)	__send_n(_metadata, fd, n)

static int set_linger(int fd, int on, int secs)
{
	struct linger l = { .l_onoff = on, .l_linger = secs };

	return setsockopt(fd, SOL_SOCKET, SO_LINGER, &l, sizeof(l));
}

TEST_F(session, shutdown_wr_delivers_queued_ssdus_then_eof)
{
	send_n(self->p.cli, 20);
	ASSERT_EQ(0, shutdown(self->p.cli, SHUT_WR));
	read_all_then_eof(self->p.srv, self->buf, 20);
}

TEST_F(session, close_delivers_queued_ssdus_then_eof)
{
	send_n(self->p.cli, 20);
	ASSERT_EQ(0, close(self->p.cli));
	self->p.cli = -1;
	read_all_then_eof(self->p.srv, self->buf, 20);
}

TEST_F(session, accepted_side_can_release_first)
{
	send_n(self->p.srv, 5);
	ASSERT_EQ(0, shutdown(self->p.srv, SHUT_WR));
	read_all_then_eof(self->p.cli, self->buf, 5);
}

TEST_F(session, released_side_still_receives_until_the_peer_releases_too)
{
	int fl;

	ASSERT_EQ(0, shutdown(self->p.cli, SHUT_WR));
	read_all_then_eof(self->p.srv, self->buf, 0);
	/* the peer may go on sending */
	send_n(self->p.srv, 3);
	ASSERT_EQ(1000, recv(self->p.cli, self->buf, BUFSZ, 0));
	ASSERT_EQ(1000, recv(self->p.cli, self->buf, BUFSZ, 0));
	ASSERT_EQ(1000, recv(self->p.cli, self->buf, BUFSZ, 0));
	/* nothing more yet, and no EOF */
	EXPECT_EQ(-1, recv(self->p.cli, self->buf, BUFSZ, MSG_DONTWAIT));
	EXPECT_EQ(EAGAIN, errno);
	/* the peer's release (DN) ends it */
	ASSERT_EQ(0, shutdown(self->p.srv, SHUT_WR));
	ASSERT_EQ(0, recv_ssdu(self->p.cli, self->buf, BUFSZ, 0, &fl));
	EXPECT_FALSE(fl & MSG_EOR);
}

TEST_F(session, peer_close_after_release_ends_the_session_with_eof)
{
	ASSERT_EQ(0, shutdown(self->p.cli, SHUT_WR));
	read_all_then_eof(self->p.srv, self->buf, 0);
	ASSERT_EQ(0, close(self->p.srv));
	self->p.srv = -1;
	EXPECT_EQ(0, recv(self->p.cli, self->buf, BUFSZ, 0));
}

TEST_F(session, session_is_closed_after_release_both_ways)
{
	struct ses_info info;

	ASSERT_EQ(0, shutdown(self->p.cli, SHUT_WR));
	read_all_then_eof(self->p.srv, self->buf, 0);
	ASSERT_EQ(0, shutdown(self->p.srv, SHUT_WR));
	ASSERT_EQ(0, recv(self->p.cli, self->buf, BUFSZ, 0));
	ASSERT_EQ(0, ses_get_info(self->p.cli, &info));
	EXPECT_EQ(SES_ST_CLOSED, info.state);
	EXPECT_EQ(SES_AB_NONE, info.abort_reason);
	ASSERT_EQ(0, ses_get_info(self->p.srv, &info));
	EXPECT_EQ(SES_ST_CLOSED, info.state);
}

TEST_F(session, send_after_shutdown_wr_fails_with_epipe_and_sigpipe)
{
	count_sigpipe();
	ASSERT_EQ(0, shutdown(self->p.cli, SHUT_WR));
	EXPECT_EQ(-1, send(self->p.cli, "x", 1, 0));
	EXPECT_EQ(EPIPE, errno);
	EXPECT_EQ(1, sigpipes_seen());
}

TEST_F(session, send_after_shutdown_wr_with_msg_nosignal_raises_no_sigpipe)
{
	count_sigpipe();
	ASSERT_EQ(0, shutdown(self->p.cli, SHUT_WR));
	EXPECT_EQ(-1, send(self->p.cli, "x", 1, MSG_NOSIGNAL));
	EXPECT_EQ(EPIPE, errno);
	EXPECT_EQ(0, sigpipes_seen());
}

TEST_F(session, poll_reports_rdhup_after_the_peer_released)
{
	int rev;

	ASSERT_EQ(0, shutdown(self->p.cli, SHUT_WR));
	rev = wait_for(self->p.srv, POLLRDHUP | POLLIN | POLLOUT, POLLRDHUP,
		       SES_WAIT_MS);
	EXPECT_TRUE(rev & POLLRDHUP) TH_LOG("revents 0x%x", rev);
	EXPECT_TRUE(rev & POLLIN) TH_LOG("EOF is readable");
	EXPECT_FALSE(rev & (POLLHUP | POLLERR));
	EXPECT_TRUE(rev & POLLOUT) TH_LOG("it may still send");
}

TEST_F(session, poll_reports_hup_once_both_directions_are_closed)
{
	int rev;

	ASSERT_EQ(0, shutdown(self->p.cli, SHUT_WR));
	ASSERT_TRUE(wait_events(self->p.srv, POLLRDHUP, SES_WAIT_MS) & POLLRDHUP);
	ASSERT_EQ(0, shutdown(self->p.srv, SHUT_WR));
	rev = wait_events(self->p.srv, POLLHUP, SES_WAIT_MS);
	EXPECT_TRUE(rev & POLLHUP) TH_LOG("accepted side revents 0x%x", rev);
	rev = wait_events(self->p.cli, POLLHUP, SES_WAIT_MS);
	EXPECT_TRUE(rev & POLLHUP) TH_LOG("client revents 0x%x", rev);
	EXPECT_FALSE(rev & POLLERR);
}

TEST_F(session, linger_close_blocks_until_the_peer_answers_dn)
{
	long long t0, dt;
	int sync[2];
	pid_t pid;
	char c;

	ASSERT_EQ(0, set_linger(self->p.cli, 1, 8));
	ASSERT_EQ(0, pipe(sync));
	pid = ses_fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		char b[8];

		/* only the parent's close may release the client */
		close(self->p.cli);
		if (write(sync[1], "x", 1) != 1)
			CHILD_FAIL("sync");
		if (recv(self->p.srv, b, sizeof(b), 0) != 0)
			CHILD_FAIL("no EOF before answering");
		sleep_ms(500);
		_exit(close(self->p.srv) ? 1 : 0);
	}
	ASSERT_EQ(1, read(sync[0], &c, 1));
	close(sync[0]);
	close(sync[1]);
	close(self->p.srv);	/* the child holds it */
	self->p.srv = -1;
	t0 = now_ms();
	EXPECT_EQ(0, close(self->p.cli));
	dt = now_ms() - t0;
	self->p.cli = -1;
	EXPECT_LE(400, dt) TH_LOG("close returned before the DN");
	EXPECT_GT(6000, dt) TH_LOG("close waited for the linger time");
	EXPECT_EQ(0, child_wait(pid, SES_WAIT_MS));
}

TEST_F(session, linger_close_gives_up_after_the_linger_time)
{
	long long t0, dt;

	ASSERT_EQ(0, set_linger(self->p.cli, 1, 1));
	t0 = now_ms();
	close(self->p.cli);	/* the peer never answers: may fail */
	dt = now_ms() - t0;
	self->p.cli = -1;
	EXPECT_LE(900, dt) TH_LOG("close did not wait for the DN");
	EXPECT_GT(3000, dt) TH_LOG("close waited past the linger time");
}

TEST_F(session, linger_zero_close_aborts_and_peer_recv_fails_econnreset)
{
	ASSERT_EQ(0, set_linger(self->p.cli, 1, 0));
	ASSERT_EQ(0, close(self->p.cli));
	self->p.cli = -1;
	EXPECT_EQ(-1, recv(self->p.srv, self->buf, BUFSZ, 0));
	EXPECT_EQ(ECONNRESET, errno);
	EXPECT_EQ(SES_AB_PEER_USER, getopt_int(self->p.srv, SOL_SES,
					       SES_ABORT_REASON));
}

TEST_F(session, linger_zero_close_aborts_and_peer_send_fails_econnreset)
{
	int rev;

	ASSERT_EQ(0, set_linger(self->p.cli, 1, 0));
	ASSERT_EQ(0, close(self->p.cli));
	self->p.cli = -1;
	rev = wait_events(self->p.srv, POLLERR | POLLHUP, SES_WAIT_MS);
	ASSERT_TRUE(rev & (POLLERR | POLLHUP)) TH_LOG("revents 0x%x", rev);
	EXPECT_EQ(-1, send(self->p.srv, "x", 1, MSG_NOSIGNAL));
	EXPECT_EQ(ECONNRESET, errno);
}

TEST_F(session, ses_abort_resets_the_peer_with_peer_user_reason)
{
	long long sent = ses_stat(CLI, "SesAbortsSent");
	long long rcvd = ses_stat(SRV, "SesAbortsReceived");
	int one = 1;

	ASSERT_EQ(0, setsockopt(self->p.cli, SOL_SES, SES_ABORT, &one,
				sizeof(one)))
		TH_LOG("SES_ABORT: %s", strerror(errno));
	EXPECT_EQ(-1, recv(self->p.srv, self->buf, BUFSZ, 0));
	EXPECT_EQ(ECONNRESET, errno);
	EXPECT_EQ(SES_AB_PEER_USER, getopt_int(self->p.srv, SOL_SES,
					       SES_ABORT_REASON));
	EXPECT_EQ(SES_AB_LOCAL_USER, getopt_int(self->p.cli, SOL_SES,
						SES_ABORT_REASON));
	EXPECT_EQ(sent + 1, ses_stat(CLI, "SesAbortsSent"));
	EXPECT_EQ(rcvd + 1, ses_stat(SRV, "SesAbortsReceived"));
}

TEST_F(session, ses_abort_leaves_the_socket_open_but_ends_the_session)
{
	struct ses_info info;
	int one = 1;

	ASSERT_EQ(0, setsockopt(self->p.srv, SOL_SES, SES_ABORT, &one,
				sizeof(one)));
	/* the fd is still valid and reports the closed session */
	ASSERT_EQ(0, ses_get_info(self->p.srv, &info));
	EXPECT_EQ(SES_ST_CLOSED, info.state);
	EXPECT_EQ(SES_AB_LOCAL_USER, info.abort_reason);
	EXPECT_EQ(-1, send(self->p.srv, "x", 1, MSG_NOSIGNAL));
	/* the peer sees the abort */
	EXPECT_EQ(-1, recv(self->p.cli, self->buf, BUFSZ, 0));
	EXPECT_EQ(ECONNRESET, errno);
}

TEST_F(session, abort_makes_the_peer_poll_report_err_and_hup)
{
	int one = 1, rev;

	ASSERT_EQ(0, setsockopt(self->p.cli, SOL_SES, SES_ABORT, &one,
				sizeof(one)));
	rev = wait_events(self->p.srv, POLLERR, SES_WAIT_MS);
	EXPECT_TRUE(rev & POLLERR) TH_LOG("revents 0x%x", rev);
	EXPECT_TRUE(rev & POLLHUP) TH_LOG("revents 0x%x", rev);
	EXPECT_EQ(ECONNRESET, so_error(self->p.srv));
	/* SO_ERROR is consumed by reading it */
	EXPECT_EQ(0, so_error(self->p.srv));
}

/*
 * Kills the client's TCP connection to the listener's port with ss -K
 * (in the client's netns): the TCP peer gets a reset, neither end sends
 * FN or AB.
 */
/*
 * The fixture's session again, as a plain ISO session: with recovery
 * (ses_recovery) a killed transport is resumed instead.
 */
static void __reopen_plain(struct __test_metadata *_metadata,
			   struct ses_pair *p)
{
	ses_pair_close(p);
	p->lfd = ses_listener(&p->port);
	ASSERT_LE(0, p->lfd);
	p->cli = ses_sock(CLI);
	ASSERT_LE(0, p->cli);
	ASSERT_EQ(0, setopt_int(p->cli, SOL_SES, SES_EXTENSIONS, 0));
	ASSERT_EQ(0, connect_to(p->cli, p->port));
	p->srv = accept_within(p->lfd, SES_WAIT_MS, 0);
	ASSERT_LE(0, p->srv);
}
#define reopen_plain(p)	__reopen_plain(_metadata, p)

static int kill_transport(int port)
{
	char cmd[256];

	snprintf(cmd, sizeof(cmd),
		 "ss -K -t -n state established 'dport = :%d' >&2", port);
	return ses_system(CLI, cmd);
}

TEST_F(session, transport_reset_under_the_session_reports_econnreset)
{
	long long resets = ses_stat(SRV, "SesTransportResets");
	int rc;

	if (system("command -v ss >/dev/null 2>&1"))
		SKIP(return, "ss (iproute2) not installed");
	reopen_plain(&self->p);
	rc = kill_transport(self->p.port);
	ASSERT_EQ(0, rc) TH_LOG("ss -K failed: is CONFIG_INET_DIAG_DESTROY set?");
	/* the end whose TCP peer vanished */
	EXPECT_EQ(-1, recv(self->p.srv, self->buf, BUFSZ, 0))
		TH_LOG("no error after ss -K: is CONFIG_INET_DIAG_DESTROY set?");
	EXPECT_EQ(ECONNRESET, errno);
	EXPECT_EQ(SES_AB_TRANSPORT, getopt_int(self->p.srv, SOL_SES,
					       SES_ABORT_REASON));
	EXPECT_LT(resets, ses_stat(SRV, "SesTransportResets"));
}

TEST_F(session, transport_killed_locally_fails_the_session_too)
{
	if (system("command -v ss >/dev/null 2>&1"))
		SKIP(return, "ss (iproute2) not installed");
	reopen_plain(&self->p);
	ASSERT_EQ(0, kill_transport(self->p.port));
	EXPECT_EQ(-1, recv(self->p.cli, self->buf, BUFSZ, 0));
	EXPECT_TRUE(errno == ECONNRESET || errno == ECONNABORTED)
		TH_LOG("recv: %s", strerror(errno));
	EXPECT_EQ(SES_AB_TRANSPORT, getopt_int(self->p.cli, SOL_SES,
					       SES_ABORT_REASON));
}

/*
 * Data and release over a fixed port, for the capture that
 * tshark-check.sh decodes (run.sh runs it with -p 10102 under tcpdump).
 */
TEST_F(session, data_and_release_for_the_wire_capture)
{
	static const char msg[] = "ses capture";

	ASSERT_EQ(sizeof(msg), send(self->p.cli, msg, sizeof(msg), 0));
	ASSERT_EQ(sizeof(msg), recv(self->p.srv, self->buf, BUFSZ, 0));
	ASSERT_EQ(5000, send_pattern(self->p.srv, 5000, 1, 0));
	ASSERT_EQ(5000, recv(self->p.cli, self->buf, BUFSZ, 0));
	ASSERT_EQ(0, shutdown(self->p.cli, SHUT_WR));
	ASSERT_EQ(0, recv(self->p.srv, self->buf, BUFSZ, 0));
	ASSERT_EQ(0, close(self->p.srv));
	self->p.srv = -1;
	ASSERT_EQ(0, recv(self->p.cli, self->buf, BUFSZ, 0));
}

SES_TEST_MAIN
