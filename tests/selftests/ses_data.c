// SPDX-License-Identifier: GPL-2.0
/*
 * Data transfer: one SSDU per send and per recv, order and content,
 * zero-length SSDUs, MSG_EOR/MSG_TRUNC/MSG_PEEK/MSG_DONTWAIT, the
 * net.ses.max_ssdu limit, send-buffer backpressure, poll and epoll, and
 * segmentation under SES_TSDU_MAX.
 */
#include "ses_test.h"

#define BIG	(64 * 1024)
#define BUFSZ	(BIG + 4096)

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

/*
 * Child: sends n SSDUs of the given sizes on fd, SSDU i with pattern seed
 * i, blocking; exits 0 when all were accepted.
 */
static void child_send(int fd, const size_t *sizes, int n)
{
	int i;

	for (i = 0; i < n; i++) {
		ssize_t r = send_pattern(fd, sizes[i], i, 0);

		if (r != (ssize_t)sizes[i])
			CHILD_FAIL("send %d of %zu: %zd (%s)", i, sizes[i], r,
				   strerror(errno));
	}
	_exit(0);
}

/* Receives n SSDUs and checks size, MSG_EOR and content of each. */
static void __recv_sizes(struct __test_metadata *_metadata, int fd,
			 uint8_t *buf, const size_t *sizes, int n)
{
	int i, fl;

	for (i = 0; i < n; i++) {
		ssize_t r = recv_ssdu(fd, buf, BUFSZ, 0, &fl);

		ASSERT_EQ((ssize_t)sizes[i], r)
			TH_LOG("SSDU %d: want %zu octets, got %zd (%s)", i,
			       sizes[i], r, r < 0 ? strerror(errno) : "");
		ASSERT_TRUE(fl & MSG_EOR) TH_LOG("SSDU %d without MSG_EOR", i);
		ASSERT_FALSE(fl & MSG_TRUNC);
		ASSERT_EQ(sizes[i], pattern_mismatch(buf, r, i))
			TH_LOG("SSDU %d differs at that octet", i);
	}
}
#define recv_sizes(fd, buf, sizes, n) \
	__recv_sizes(_metadata, fd, buf, sizes, n)

TEST_F(session, one_send_arrives_as_one_recv_with_msg_eor)
{
	int fl;

	ASSERT_EQ(5, send(self->p.cli, "hello", 5, 0));
	ASSERT_EQ(3, send(self->p.cli, "abc", 3, 0));
	ASSERT_EQ(5, recv_ssdu(self->p.srv, self->buf, BUFSZ, 0, &fl));
	EXPECT_EQ(0, memcmp(self->buf, "hello", 5));
	EXPECT_TRUE(fl & MSG_EOR);
	ASSERT_EQ(3, recv_ssdu(self->p.srv, self->buf, BUFSZ, 0, &fl));
	EXPECT_EQ(0, memcmp(self->buf, "abc", 3));
	EXPECT_TRUE(fl & MSG_EOR);
}

TEST_F(session, data_flows_from_the_accepted_side_too)
{
	ASSERT_EQ(4, send(self->p.srv, "pong", 4, 0));
	ASSERT_EQ(4, recv(self->p.cli, self->buf, BUFSZ, 0));
	EXPECT_EQ(0, memcmp(self->buf, "pong", 4));
}

TEST_F(session, sizes_0_1_100_1000_65536_arrive_byte_exact_in_order)
{
	static const size_t sizes[] = { 0, 1, 100, 1000, 65536, 1000, 100,
					1, 0, 65536 };
	int n = ARRAY_SIZE(sizes);
	pid_t pid = ses_fork();

	ASSERT_LE(0, pid);
	if (!pid)
		child_send(self->p.cli, sizes, n);
	recv_sizes(self->p.srv, self->buf, sizes, n);
	EXPECT_EQ(0, child_wait(pid, SES_IO_TIMEOUT_MS));
}

TEST_F(session, random_sizes_up_to_64k_arrive_byte_exact_in_order)
{
	enum { N = 200 };
	uint32_t seed = 20240601;
	size_t sizes[N];
	pid_t pid;
	int i;

	for (i = 0; i < N; i++)
		sizes[i] = xorshift32(&seed) % (BIG + 1);
	pid = ses_fork();
	ASSERT_LE(0, pid);
	if (!pid)
		child_send(self->p.cli, sizes, N);
	recv_sizes(self->p.srv, self->buf, sizes, N);
	EXPECT_EQ(0, child_wait(pid, SES_IO_TIMEOUT_MS));
}

/*
 * A reader slower than its sender, with a small SO_RCVBUF: SES stops
 * parsing at the buffer, takes the rest on as the reader frees room
 * (the receive fast path's queue and the parser's pause), and still
 * delivers every SSDU whole and in order.
 */
TEST_F(session, a_slow_reader_with_a_small_rcvbuf_gets_every_ssdu_in_order)
{
	enum { N = 400 };
	uint32_t seed = 20261202;
	size_t sizes[N];
	pid_t pid;
	int i, fl;

	ASSERT_EQ(0, setopt_int(self->p.srv, SOL_SOCKET, SO_RCVBUF, 4096));
	for (i = 0; i < N; i++)
		sizes[i] = i % 7 ? xorshift32(&seed) % 3000 :
				   xorshift32(&seed) % (BIG + 1);
	pid = ses_fork();
	ASSERT_LE(0, pid);
	if (!pid)
		child_send(self->p.cli, sizes, N);
	sleep_ms(300);	/* the sender runs into the full buffers */
	for (i = 0; i < N; i++) {
		ssize_t r = recv_ssdu(self->p.srv, self->buf, BUFSZ, 0, &fl);

		ASSERT_EQ((ssize_t)sizes[i], r)
			TH_LOG("SSDU %d: want %zu octets, got %zd (%s)", i,
			       sizes[i], r, r < 0 ? strerror(errno) : "");
		ASSERT_TRUE(fl & MSG_EOR);
		ASSERT_EQ(sizes[i], pattern_mismatch(self->buf, r, i))
			TH_LOG("SSDU %d differs at that octet", i);
		if (i % 50 == 49)
			sleep_ms(20);
	}
	EXPECT_EQ(0, child_wait(pid, SES_IO_TIMEOUT_MS));
}

TEST_F(session, both_directions_carry_data_at_the_same_time)
{
	enum { N = 64 };
	size_t sizes[N];
	pid_t pid;
	int i;

	for (i = 0; i < N; i++)
		sizes[i] = (i * 7919) % BIG;
	pid = ses_fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		/* the child both sends and receives on the client end */
		pid_t g = ses_fork();

		if (g < 0)
			CHILD_FAIL("fork");
		if (!g)
			child_send(self->p.cli, sizes, N);
		for (i = 0; i < N; i++) {
			int fl;
			ssize_t r = recv_ssdu(self->p.cli, self->buf, BUFSZ,
					      0, &fl);

			if (r != (ssize_t)sizes[i] ||
			    pattern_mismatch(self->buf, r, i) != sizes[i])
				CHILD_FAIL("client SSDU %d: %zd (%s)", i, r,
					   r < 0 ? strerror(errno) : "");
		}
		_exit(child_wait(g, SES_IO_TIMEOUT_MS) ? 1 : 0);
	}
	for (i = 0; i < N; i++) {
		ASSERT_EQ((ssize_t)sizes[i], send_pattern(self->p.srv, sizes[i],
							  i, 0));
	}
	recv_sizes(self->p.srv, self->buf, sizes, N);
	EXPECT_EQ(0, child_wait(pid, SES_IO_TIMEOUT_MS));
}

TEST_F(session, zero_length_ssdu_reads_as_0_with_msg_eor)
{
	int fl = 0;

	ASSERT_EQ(0, send(self->p.cli, "", 0, 0));
	ASSERT_EQ(2, send(self->p.cli, "ok", 2, 0));
	ASSERT_EQ(0, recv_ssdu(self->p.srv, self->buf, BUFSZ, 0, &fl));
	EXPECT_TRUE(fl & MSG_EOR) TH_LOG("empty SSDU must carry MSG_EOR");
	/* the session is still open: the next SSDU follows */
	ASSERT_EQ(2, recv_ssdu(self->p.srv, self->buf, BUFSZ, 0, &fl));
	EXPECT_EQ(0, memcmp(self->buf, "ok", 2));
}

TEST_F(session, end_of_data_reads_as_0_without_msg_eor)
{
	int fl = 0;

	ASSERT_EQ(0, send(self->p.cli, "", 0, 0));
	ASSERT_EQ(0, shutdown(self->p.cli, SHUT_WR));
	ASSERT_EQ(0, recv_ssdu(self->p.srv, self->buf, BUFSZ, 0, &fl));
	EXPECT_TRUE(fl & MSG_EOR);
	ASSERT_EQ(0, recv_ssdu(self->p.srv, self->buf, BUFSZ, 0, &fl));
	EXPECT_FALSE(fl & MSG_EOR) TH_LOG("EOF must not carry MSG_EOR");
	/* and it stays at EOF */
	ASSERT_EQ(0, recv_ssdu(self->p.srv, self->buf, BUFSZ, MSG_DONTWAIT, &fl));
	EXPECT_FALSE(fl & MSG_EOR);
}

TEST_F(session, short_buffer_gets_first_octets_and_msg_trunc_rest_is_dropped)
{
	int fl;

	ASSERT_EQ(100, send_pattern(self->p.cli, 100, 1, 0));
	ASSERT_EQ(50, send_pattern(self->p.cli, 50, 2, 0));
	ASSERT_EQ(10, recv_ssdu(self->p.srv, self->buf, 10, 0, &fl));
	EXPECT_TRUE(fl & MSG_TRUNC);
	EXPECT_EQ(10, pattern_mismatch(self->buf, 10, 1));
	ASSERT_EQ(50, recv_ssdu(self->p.srv, self->buf, BUFSZ, 0, &fl))
		TH_LOG("the rest of the truncated SSDU must be discarded");
	EXPECT_FALSE(fl & MSG_TRUNC);
	EXPECT_TRUE(fl & MSG_EOR);
	EXPECT_EQ(50, pattern_mismatch(self->buf, 50, 2));
}

TEST_F(session, recv_flag_msg_trunc_returns_the_full_ssdu_length)
{
	int fl;

	ASSERT_EQ(1000, send_pattern(self->p.cli, 1000, 3, 0));
	ASSERT_EQ(7, send(self->p.cli, "follows", 7, 0));
	ASSERT_EQ(1000, recv_ssdu(self->p.srv, self->buf, 16, MSG_TRUNC, &fl));
	EXPECT_TRUE(fl & MSG_TRUNC);
	EXPECT_EQ(16, pattern_mismatch(self->buf, 16, 3));
	ASSERT_EQ(7, recv(self->p.srv, self->buf, BUFSZ, 0));
	EXPECT_EQ(0, memcmp(self->buf, "follows", 7));
}

TEST_F(session, msg_peek_leaves_the_ssdu_queued)
{
	int fl;

	ASSERT_EQ(6, send(self->p.cli, "peeked", 6, 0));
	ASSERT_EQ(6, recv_ssdu(self->p.srv, self->buf, BUFSZ, MSG_PEEK, &fl));
	EXPECT_EQ(0, memcmp(self->buf, "peeked", 6));
	EXPECT_TRUE(fl & MSG_EOR);
	memset(self->buf, 0, 6);
	ASSERT_EQ(6, recv(self->p.srv, self->buf, BUFSZ, MSG_PEEK));
	ASSERT_EQ(6, recv(self->p.srv, self->buf, BUFSZ, 0));
	EXPECT_EQ(0, memcmp(self->buf, "peeked", 6));
	EXPECT_EQ(-1, recv(self->p.srv, self->buf, BUFSZ, MSG_DONTWAIT));
	EXPECT_EQ(EAGAIN, errno);
}

TEST_F(session, msg_dontwait_on_an_empty_queue_gives_eagain)
{
	EXPECT_EQ(-1, recv(self->p.srv, self->buf, BUFSZ, MSG_DONTWAIT));
	EXPECT_EQ(EAGAIN, errno);
	ASSERT_EQ(0, set_nonblock(self->p.cli, true));
	EXPECT_EQ(-1, recv(self->p.cli, self->buf, BUFSZ, 0));
	EXPECT_EQ(EAGAIN, errno);
}

TEST_F(session, blocking_recv_waits_for_an_ssdu_sent_later)
{
	long long t0 = now_ms();
	pid_t pid = ses_fork();

	ASSERT_LE(0, pid);
	if (!pid) {
		sleep_ms(300);
		_exit(send(self->p.cli, "late", 4, 0) == 4 ? 0 : 1);
	}
	ASSERT_EQ(4, recv(self->p.srv, self->buf, BUFSZ, 0))
		TH_LOG("recv: %s", strerror(errno));
	EXPECT_LE(250, now_ms() - t0);
	EXPECT_EQ(0, child_wait(pid, SES_WAIT_MS));
}

TEST_F(session, sendmsg_with_several_iovecs_is_one_ssdu)
{
	struct iovec iov[3] = {
		{ "one-", 4 }, { "two-", 4 }, { "three", 5 },
	};
	struct msghdr msg = { .msg_iov = iov, .msg_iovlen = 3 };
	int fl;

	ASSERT_EQ(13, sendmsg(self->p.cli, &msg, 0));
	ASSERT_EQ(13, recv_ssdu(self->p.srv, self->buf, BUFSZ, 0, &fl));
	EXPECT_EQ(0, memcmp(self->buf, "one-two-three", 13));
	EXPECT_TRUE(fl & MSG_EOR);
}

TEST_F(session, recvmsg_scatters_one_ssdu_over_several_iovecs)
{
	char a[4], b[16];
	struct iovec iov[2] = { { a, sizeof(a) }, { b, sizeof(b) } };
	struct msghdr msg = { .msg_iov = iov, .msg_iovlen = 2 };

	ASSERT_EQ(10, send(self->p.cli, "0123456789", 10, 0));
	ASSERT_EQ(10, recvmsg(self->p.srv, &msg, 0));
	EXPECT_EQ(0, memcmp(a, "0123", 4));
	EXPECT_EQ(0, memcmp(b, "456789", 6));
	EXPECT_TRUE(msg.msg_flags & MSG_EOR);
}

/* recvmmsg() and sendmmsg() move several SSDUs per call, each whole. */
TEST_F(session, sendmmsg_and_recvmmsg_move_several_ssdus_per_call)
{
	enum { N = 8 };
	char out[N][16], in[N][32];
	struct mmsghdr sm[N], rm[N];
	struct iovec siov[N], riov[N];
	struct timespec ts = { .tv_sec = 5 };
	int i, got = 0, r;

	memset(sm, 0, sizeof(sm));
	memset(rm, 0, sizeof(rm));
	for (i = 0; i < N; i++) {
		snprintf(out[i], sizeof(out[i]), "ssdu-%d", i * 111);
		siov[i] = (struct iovec){ out[i], strlen(out[i]) };
		sm[i].msg_hdr = (struct msghdr){ .msg_iov = &siov[i],
						 .msg_iovlen = 1 };
		riov[i] = (struct iovec){ in[i], sizeof(in[i]) };
		rm[i].msg_hdr = (struct msghdr){ .msg_iov = &riov[i],
						 .msg_iovlen = 1 };
	}
	ASSERT_EQ(N, sendmmsg(self->p.cli, sm, N, 0))
		TH_LOG("sendmmsg: %s", strerror(errno));
	while (got < N) {
		r = recvmmsg(self->p.srv, rm + got, N - got, MSG_WAITFORONE,
			     &ts);
		ASSERT_LT(0, r) TH_LOG("recvmmsg: %s", strerror(errno));
		got += r;
	}
	for (i = 0; i < N; i++) {
		ASSERT_EQ(strlen(out[i]), rm[i].msg_len);
		EXPECT_EQ(0, memcmp(in[i], out[i], rm[i].msg_len));
		EXPECT_TRUE(rm[i].msg_hdr.msg_flags & MSG_EOR);
	}
}

TEST_F(session, send_with_msg_eor_is_one_ssdu)
{
	ASSERT_EQ(3, send(self->p.cli, "eor", 3, MSG_EOR))
		TH_LOG("send(MSG_EOR): %s", strerror(errno));
	ASSERT_EQ(3, recv(self->p.srv, self->buf, BUFSZ, 0));
}

TEST_F(session, ssdu_larger_than_max_ssdu_fails_with_emsgsize)
{
	long max = ses_max_ssdu();
	uint8_t *big = calloc(1, max + 1);

	ASSERT_NE(NULL, big);
	EXPECT_EQ(-1, send(self->p.cli, big, max + 1, 0));
	EXPECT_EQ(EMSGSIZE, errno);
	EXPECT_EQ(-1, send(self->p.cli, big, max + 1, MSG_DONTWAIT));
	EXPECT_EQ(EMSGSIZE, errno);
	/* nothing of it reached the peer */
	EXPECT_EQ(-1, recv(self->p.srv, self->buf, BUFSZ, MSG_DONTWAIT));
	EXPECT_EQ(EAGAIN, errno);
	free(big);
}

TEST_F(session, ssdu_of_exactly_max_ssdu_octets_arrives_intact)
{
	long max = ses_max_ssdu();
	uint8_t *big = malloc(max + 16);
	int fl = 0;
	pid_t pid;
	ssize_t r;

	ASSERT_NE(NULL, big);
	pid = ses_fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		fill_pattern(big, max, 77);
		_exit(send(self->p.cli, big, max, 0) == max ? 0 : 1);
	}
	r = recv_ssdu(self->p.srv, big, max + 16, 0, &fl);
	EXPECT_EQ(max, r) TH_LOG("recv: %s", r < 0 ? strerror(errno) : "short");
	EXPECT_TRUE(fl & MSG_EOR);
	EXPECT_EQ((size_t)max, pattern_mismatch(big, max, 77));
	EXPECT_EQ(0, child_wait(pid, SES_IO_TIMEOUT_MS));
	free(big);
}

TEST_F(session, buffer_size_options_are_accepted)
{
	int v = 65536;

	EXPECT_EQ(0, setopt_int(self->p.cli, SOL_SOCKET, SO_SNDBUF, v));
	EXPECT_EQ(0, setopt_int(self->p.srv, SOL_SOCKET, SO_RCVBUF, v));
	EXPECT_LE(v, getopt_int(self->p.cli, SOL_SOCKET, SO_SNDBUF));
	EXPECT_LE(v, getopt_int(self->p.srv, SOL_SOCKET, SO_RCVBUF));
}

TEST_F_TIMEOUT(session, full_send_buffer_gives_eagain_and_pollout_returns_after_drain, 120)
{
	const long long limit = 64LL << 20;
	const size_t ssdu = 8192;
	long long sent = 0, rcvd = 0, n_sent = 0, n_rcvd = 0;
	bool pollout_back = false;
	int round, quiet = 0;

	setopt_int(self->p.cli, SOL_SOCKET, SO_SNDBUF, 32768);
	setopt_int(self->p.srv, SOL_SOCKET, SO_RCVBUF, 32768);
	fill_pattern(self->buf, ssdu, 5);
	/*
	 * Fill until EAGAIN persists and poll stops reporting POLLOUT: three
	 * quiet checks in a row, 100 ms apart, since TCP under the session
	 * may still open its window a little (autotuning, delayed ACKs).
	 */
	for (round = 0; round < 100 && quiet < 3; round++) {
		for (;;) {
			ssize_t r = send(self->p.cli, self->buf, ssdu,
					 MSG_DONTWAIT);

			if (r < 0)
				break;
			ASSERT_EQ((ssize_t)ssdu, r);
			sent += r;
			n_sent++;
			ASSERT_GT(limit, sent)
				TH_LOG("no EAGAIN after %lld octets", sent);
		}
		ASSERT_EQ(EAGAIN, errno) TH_LOG("send: %s", strerror(errno));
		sleep_ms(100);
		if (poll_one(self->p.cli, POLLOUT, 0) & POLLOUT)
			quiet = 0;
		else
			quiet++;
	}
	ASSERT_LE(3, quiet) TH_LOG("POLLOUT kept coming without a reader");
	EXPECT_EQ(0, poll_one(self->p.cli, POLLOUT, 200) & POLLOUT);
	/* drain; POLLOUT must come back */
	for (round = 0; round < 200 && !pollout_back; round++) {
		for (;;) {
			ssize_t r = recv(self->p.srv, self->buf + ssdu, ssdu + 1,
					 MSG_DONTWAIT);

			if (r < 0)
				break;
			ASSERT_EQ((ssize_t)ssdu, r);
			rcvd += r;
			n_rcvd++;
		}
		ASSERT_EQ(EAGAIN, errno);
		pollout_back = poll_one(self->p.cli, POLLOUT, 50) & POLLOUT;
	}
	ASSERT_TRUE(pollout_back) TH_LOG("no POLLOUT after the peer drained");
	/* nothing was lost: the rest arrives too */
	while (n_rcvd < n_sent) {
		ssize_t r = recv(self->p.srv, self->buf + ssdu, ssdu + 1, 0);

		ASSERT_EQ((ssize_t)ssdu, r) TH_LOG("SSDU %lld of %lld: %s",
						    n_rcvd, n_sent,
						    strerror(errno));
		rcvd += r;
		n_rcvd++;
	}
	EXPECT_EQ(sent, rcvd);
	EXPECT_EQ(0, memcmp(self->buf, self->buf + ssdu, ssdu));
	EXPECT_EQ(-1, recv(self->p.srv, self->buf, BUFSZ, MSG_DONTWAIT));
}

TEST_F(session, poll_reports_pollout_and_no_pollin_on_an_idle_session)
{
	int rev = poll_one(self->p.cli, POLLIN | POLLOUT | POLLRDHUP, 0);

	EXPECT_TRUE(rev & POLLOUT);
	EXPECT_FALSE(rev & (POLLIN | POLLRDHUP | POLLHUP | POLLERR))
		TH_LOG("revents 0x%x", rev);
	rev = poll_one(self->p.srv, POLLIN | POLLOUT, 0);
	EXPECT_TRUE(rev & POLLOUT);
	EXPECT_FALSE(rev & POLLIN);
}

TEST_F(session, poll_wakes_with_pollin_when_an_ssdu_arrives)
{
	long long t0 = now_ms();
	pid_t pid = ses_fork();
	int rev;

	ASSERT_LE(0, pid);
	if (!pid) {
		sleep_ms(300);
		_exit(send(self->p.cli, "x", 1, 0) == 1 ? 0 : 1);
	}
	rev = poll_one(self->p.srv, POLLIN, SES_WAIT_MS);
	EXPECT_TRUE(rev & POLLIN) TH_LOG("revents 0x%x", rev);
	EXPECT_LE(250, now_ms() - t0);
	EXPECT_EQ(0, child_wait(pid, SES_WAIT_MS));
	/* it stays readable until read */
	EXPECT_TRUE(poll_one(self->p.srv, POLLIN, 0) & POLLIN);
	ASSERT_EQ(1, recv(self->p.srv, self->buf, BUFSZ, 0));
	EXPECT_FALSE(poll_one(self->p.srv, POLLIN, 0) & POLLIN);
}

TEST_F(session, poll_reports_pollin_for_a_queued_zero_length_ssdu)
{
	ASSERT_EQ(0, send(self->p.cli, "", 0, 0));
	EXPECT_TRUE(wait_events(self->p.srv, POLLIN, SES_WAIT_MS) & POLLIN);
}

TEST_F(session, epoll_reports_out_then_in_then_rdhup)
{
	struct epoll_event ev = { .events = EPOLLIN | EPOLLOUT | EPOLLRDHUP };
	int ep = epoll_create1(0), n;
	pid_t pid;

	ASSERT_LE(0, ep);
	ASSERT_EQ(0, epoll_ctl(ep, EPOLL_CTL_ADD, self->p.srv, &ev));
	n = epoll_wait(ep, &ev, 1, 0);
	ASSERT_EQ(1, n);
	EXPECT_EQ(EPOLLOUT, ev.events);

	/* wait for input only, woken by a later send */
	ev.events = EPOLLIN | EPOLLRDHUP;
	ASSERT_EQ(0, epoll_ctl(ep, EPOLL_CTL_MOD, self->p.srv, &ev));
	pid = ses_fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		sleep_ms(200);
		_exit(send(self->p.cli, "e", 1, 0) == 1 ? 0 : 1);
	}
	n = epoll_wait(ep, &ev, 1, SES_WAIT_MS);
	ASSERT_EQ(1, n);
	EXPECT_TRUE(ev.events & EPOLLIN);
	EXPECT_FALSE(ev.events & EPOLLRDHUP);
	EXPECT_EQ(0, child_wait(pid, SES_WAIT_MS));
	ASSERT_EQ(1, recv(self->p.srv, self->buf, BUFSZ, 0));

	ASSERT_EQ(0, shutdown(self->p.cli, SHUT_WR));
	n = epoll_wait(ep, &ev, 1, SES_WAIT_MS);
	ASSERT_EQ(1, n);
	EXPECT_TRUE(ev.events & EPOLLRDHUP) TH_LOG("events 0x%x", ev.events);
	close(ep);
}

/* A listener whose sessions accept TSDUs of at most tsdu octets. */
static void __segment_test(struct __test_metadata *_metadata, bool on_listener,
			   int tsdu)
{
	static const size_t sizes[] = { 5000, 65536, 1, 513, 0 };
	struct ses_info si0, si1, ri;
	struct ses_pair p = { .srv = -1 };
	int n = ARRAY_SIZE(sizes), snd, rcv, i;
	uint8_t *buf = malloc(BUFSZ);
	pid_t pid;

	ASSERT_NE(NULL, buf);
	p.lfd = ses_sock(SRV);
	ASSERT_LE(0, p.lfd);
	p.cli = ses_sock(CLI);
	ASSERT_LE(0, p.cli);
	ASSERT_EQ(0, setopt_int(on_listener ? p.lfd : p.cli, SOL_SES,
				SES_TSDU_MAX, tsdu))
		TH_LOG("SES_TSDU_MAX: %s", strerror(errno));
	ASSERT_EQ(0, bind_listen(p.lfd, cfg.port));
	p.port = sock_port(p.lfd);
	ASSERT_EQ(0, connect_to(p.cli, p.port)) TH_LOG("connect: %s",
						       strerror(errno));
	p.srv = accept_within(p.lfd, SES_WAIT_MS, 0);
	ASSERT_LE(0, p.srv);
	snd = on_listener ? p.cli : p.srv;	/* the sender is limited */
	rcv = on_listener ? p.srv : p.cli;
	EXPECT_EQ(tsdu, getopt_int(snd, SOL_SES, SES_TSDU_MAX));
	ASSERT_EQ(0, ses_get_info(snd, &si0));
	ASSERT_EQ(0, ses_get_info(rcv, &ri));
	EXPECT_EQ(tsdu, si0.tsdu_max_send);
	EXPECT_EQ(tsdu, ri.tsdu_max_recv);

	pid = ses_fork();
	ASSERT_LE(0, pid);
	if (!pid)
		child_send(snd, sizes, n);
	recv_sizes(rcv, buf, sizes, n);
	EXPECT_EQ(0, child_wait(pid, SES_IO_TIMEOUT_MS));
	ASSERT_EQ(0, ses_get_info(snd, &si1));
	/* 5000 + 65536 + 513 octets in TSDUs of at most tsdu octets */
	i = (5000 + 65536 + 513) / tsdu;
	EXPECT_LE(i, si1.spdus_sent - si0.spdus_sent)
		TH_LOG("large SSDUs were not segmented");
	EXPECT_EQ(n, si1.ssdus_sent - si0.ssdus_sent);
	ses_pair_close(&p);
	free(buf);
}

TEST(tsdu_max_512_on_the_listener_makes_the_client_segment)
{
	__segment_test(_metadata, true, 512);
}

TEST(tsdu_max_512_on_the_client_makes_the_accepted_side_segment)
{
	__segment_test(_metadata, false, 512);
}

SES_TEST_MAIN
