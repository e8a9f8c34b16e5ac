// SPDX-License-Identifier: GPL-2.0
/*
 * Timers and per-netns settings: net.ses.* sysctls, the per-socket
 * SES_*_TIMEOUT options and their inheritance by accepted sockets, the
 * handshake timer against silent peers on either side, the release timer,
 * TIM after DN, and the independence of a new network namespace.
 */
#include "ses_test.h"

/* Tolerance on "within ~2x the timeout": timers are ms-exact, TCG is not. */
#define T_MS		500
#define T_MIN		(T_MS / 2)
#define T_MAX		(2 * T_MS + 500)

static const char *const timeout_sysctls[] = {
	"handshake_timeout_ms", "release_timeout_ms", "tim_timeout_ms",
};
static const int timeout_opts[] = {
	SES_HANDSHAKE_TIMEOUT, SES_RELEASE_TIMEOUT, SES_TIM_TIMEOUT,
};
static const char *const ses_counters[] = {
	"SesActiveOpens", "SesPassiveOpens", "SesRefusedSent",
	"SesRefusedReceived", "SesAbortsSent", "SesAbortsReceived",
	"SesBadTpkt", "SesBadTpdu", "SesBadSpdu", "SesUnexpectedSpdu",
	"SesOversize", "SesHandshakeTimeouts", "SesReleaseTimeouts",
	"SesTransportResets",
};

/* Waits up to 2 s for a counter to exceed before; returns its value. */
static long long counter_above(int side, const char *name, long long before)
{
	long long end = now_ms() + 2000, v;

	do {
		v = ses_stat(side, name);
		if (v > before)
			break;
		sleep_ms(20);
	} while (now_ms() < end);
	return v;
}

/* Every test here that writes a sysctl restores it (server side netns). */
FIXTURE(sysctls) {
	long saved[ARRAY_SIZE(timeout_sysctls)];
	bool have[ARRAY_SIZE(timeout_sysctls)];
	int old_ns;	/* where to restore them, if a test left it */
};

FIXTURE_SETUP(sysctls)
{
	size_t i;

	self->old_ns = -1;
	for (i = 0; i < ARRAY_SIZE(timeout_sysctls); i++) {
		self->have[i] = !sysctl_get(SRV, timeout_sysctls[i],
					    &self->saved[i]);
		ASSERT_TRUE(self->have[i])
			TH_LOG(SES_SYSCTL_DIR "%s missing", timeout_sysctls[i]);
	}
}

FIXTURE_TEARDOWN(sysctls)
{
	size_t i;

	if (self->old_ns >= 0)
		setns(self->old_ns, CLONE_NEWNET);
	for (i = 0; i < ARRAY_SIZE(timeout_sysctls); i++)
		if (self->have[i])
			sysctl_set(SRV, timeout_sysctls[i], self->saved[i]);
}

TEST_F(sysctls, timeout_sysctls_hold_positive_milliseconds)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(timeout_sysctls); i++) {
		EXPECT_LT(0, self->saved[i]) TH_LOG("%s", timeout_sysctls[i]);
	}
}

TEST_F(sysctls, writing_0_or_negative_to_a_timeout_sysctl_fails_with_einval)
{
	size_t i;
	long v;

	for (i = 0; i < ARRAY_SIZE(timeout_sysctls); i++) {
		EXPECT_EQ(-EINVAL, sysctl_set(SRV, timeout_sysctls[i], 0))
			TH_LOG("%s = 0", timeout_sysctls[i]);
		EXPECT_EQ(-EINVAL, sysctl_set(SRV, timeout_sysctls[i], -5))
			TH_LOG("%s = -5", timeout_sysctls[i]);
		ASSERT_EQ(0, sysctl_get(SRV, timeout_sysctls[i], &v));
		EXPECT_EQ(self->saved[i], v) TH_LOG("%s changed",
						    timeout_sysctls[i]);
	}
}

TEST_F(sysctls, new_sockets_take_their_timeouts_from_the_sysctls)
{
	size_t i;
	int fd;

	for (i = 0; i < ARRAY_SIZE(timeout_sysctls); i++) {
		ASSERT_EQ(0, sysctl_set(SRV, timeout_sysctls[i], 1234 + i));
	}
	fd = ses_sock(SRV);
	ASSERT_LE(0, fd);
	for (i = 0; i < ARRAY_SIZE(timeout_sysctls); i++) {
		EXPECT_EQ(1234 + (int)i, getopt_int(fd, SOL_SES, timeout_opts[i]))
			TH_LOG("%s", timeout_sysctls[i]);
	}
	close(fd);
}

/* A raw TCP client that sends nothing; returns ms until it was dropped. */
static long long __silent_client_dropped_after(struct __test_metadata *_metadata,
					       int lfd, int port)
{
	long long t0, dt;
	int raw;

	raw = raw_connect(port);
	ASSERT_LE(0, raw) TH_LOG("tcp connect: %s", strerror(errno));
	t0 = now_ms();
	EXPECT_EQ(0, raw_wait_close(raw, 5000, NULL))
		TH_LOG("a silent TCP client was not dropped within 5 s");
	dt = now_ms() - t0;
	close(raw);
	/* the half-open session never reaches accept() */
	ASSERT_EQ(0, set_nonblock(lfd, true));
	EXPECT_EQ(-1, accept(lfd, NULL, NULL));
	EXPECT_EQ(EAGAIN, errno);
	return dt;
}
#define silent_client_dropped_after(lfd, port) \
	__silent_client_dropped_after(_metadata, lfd, port)

TEST_F(sysctls, handshake_timeout_sysctl_applies_to_a_new_listener)
{
	long long before = ses_stat(SRV, "SesHandshakeTimeouts"), dt;
	int lfd, port;

	ASSERT_EQ(0, sysctl_set(SRV, "handshake_timeout_ms", T_MS));
	lfd = ses_sock(SRV);
	ASSERT_LE(0, lfd);
	ASSERT_EQ(0, setopt_int(lfd, SOL_SES, SES_TIM_TIMEOUT, SES_TIM_SHORT_MS));
	ASSERT_EQ(0, bind_listen(lfd, cfg.port));
	port = sock_port(lfd);
	dt = silent_client_dropped_after(lfd, port);
	EXPECT_LE(T_MIN, dt);
	EXPECT_GE(T_MAX, dt);
	EXPECT_LT(before, counter_above(SRV, "SesHandshakeTimeouts", before));
	close(lfd);
}

TEST(timeout_options_reject_zero_and_negative_with_einval)
{
	size_t i;
	int fd = ses_sock(CLI);

	ASSERT_LE(0, fd);
	for (i = 0; i < ARRAY_SIZE(timeout_opts); i++) {
		EXPECT_EQ(-1, setopt_int(fd, SOL_SES, timeout_opts[i], 0));
		EXPECT_EQ(EINVAL, errno);
		EXPECT_EQ(-1, setopt_int(fd, SOL_SES, timeout_opts[i], -1));
		EXPECT_EQ(EINVAL, errno);
		EXPECT_EQ(-1, setopt_int(fd, SOL_SES, timeout_opts[i], INT_MIN));
		EXPECT_EQ(EINVAL, errno);
	}
	close(fd);
}

TEST(timeout_options_read_back_what_was_set)
{
	size_t i;
	int fd = ses_sock(CLI);

	ASSERT_LE(0, fd);
	for (i = 0; i < ARRAY_SIZE(timeout_opts); i++) {
		ASSERT_EQ(0, setopt_int(fd, SOL_SES, timeout_opts[i], 1 + i))
			TH_LOG("option %d: %s", timeout_opts[i], strerror(errno));
		EXPECT_EQ(1 + (int)i, getopt_int(fd, SOL_SES, timeout_opts[i]));
		ASSERT_EQ(0, setopt_int(fd, SOL_SES, timeout_opts[i], 4321));
		EXPECT_EQ(4321, getopt_int(fd, SOL_SES, timeout_opts[i]));
	}
	close(fd);
}

TEST(accepted_socket_inherits_the_listener_timeouts)
{
	struct ses_pair p = { .srv = -1 };
	size_t i;

	p.lfd = ses_sock(SRV);
	ASSERT_LE(0, p.lfd);
	for (i = 0; i < ARRAY_SIZE(timeout_opts); i++) {
		ASSERT_EQ(0, setopt_int(p.lfd, SOL_SES, timeout_opts[i],
					2001 + 1000 * i));
	}
	ASSERT_EQ(0, bind_listen(p.lfd, cfg.port));
	p.port = sock_port(p.lfd);
	ses_connect_accept(&p);
	for (i = 0; i < ARRAY_SIZE(timeout_opts); i++) {
		EXPECT_EQ(2001 + 1000 * (int)i,
			  getopt_int(p.srv, SOL_SES, timeout_opts[i]));
	}
	ses_pair_close(&p);
}

static int listener_with_timeout(int opt, int ms, int *port)
{
	int fd = ses_sock(SRV);

	if (fd < 0 ||
	    setopt_int(fd, SOL_SES, SES_TIM_TIMEOUT, SES_TIM_SHORT_MS) ||
	    setopt_int(fd, SOL_SES, opt, ms) || bind_listen(fd, cfg.port))
		return -1;
	*port = sock_port(fd);
	return fd;
}

TEST(silent_tcp_client_is_dropped_after_the_handshake_timeout)
{
	long long before = ses_stat(SRV, "SesHandshakeTimeouts"), dt;
	int lfd, port;

	lfd = listener_with_timeout(SES_HANDSHAKE_TIMEOUT, T_MS, &port);
	ASSERT_LE(0, lfd);
	dt = silent_client_dropped_after(lfd, port);
	EXPECT_LE(T_MIN, dt) TH_LOG("dropped before the timeout");
	EXPECT_GE(T_MAX, dt) TH_LOG("dropped late: %lld ms", dt);
	EXPECT_LT(before, counter_above(SRV, "SesHandshakeTimeouts", before));
	close(lfd);
}

TEST(tcp_client_stalling_after_cr_is_dropped_after_the_handshake_timeout)
{
	long long before = ses_stat(SRV, "SesHandshakeTimeouts"), t0, dt;
	int lfd, port, raw;

	lfd = listener_with_timeout(SES_HANDSHAKE_TIMEOUT, T_MS, &port);
	ASSERT_LE(0, lfd);
	raw = raw_connect(port);
	ASSERT_LE(0, raw);
	t0 = now_ms();
	ASSERT_EQ(0, raw_transport_connect(raw)) TH_LOG("no CC for the CR");
	EXPECT_EQ(0, raw_wait_close(raw, 5000, NULL));
	dt = now_ms() - t0;
	EXPECT_LE(T_MIN, dt);
	EXPECT_GE(T_MAX, dt) TH_LOG("dropped late: %lld ms", dt);
	EXPECT_LT(before, counter_above(SRV, "SesHandshakeTimeouts", before));
	ASSERT_EQ(0, set_nonblock(lfd, true));
	EXPECT_EQ(-1, accept(lfd, NULL, NULL));
	close(raw);
	close(lfd);
}

TEST(connect_to_a_tcp_server_that_never_answers_fails_with_etimedout)
{
	long long before = ses_stat(CLI, "SesHandshakeTimeouts"), t0, dt;
	int lfd, port, fd;

	lfd = raw_listener(&port);	/* the kernel completes TCP; no more */
	ASSERT_LE(0, lfd);
	fd = ses_sock(CLI);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, setopt_int(fd, SOL_SES, SES_HANDSHAKE_TIMEOUT, T_MS));
	t0 = now_ms();
	EXPECT_EQ(-1, connect_to(fd, port));
	EXPECT_EQ(ETIMEDOUT, errno);
	dt = now_ms() - t0;
	EXPECT_LE(T_MIN, dt);
	EXPECT_GE(T_MAX, dt) TH_LOG("connect took %lld ms", dt);
	EXPECT_LT(before, counter_above(CLI, "SesHandshakeTimeouts", before));
	close(fd);
	close(lfd);
}

TEST(connect_to_a_server_stalling_after_cc_reports_etimedout)
{
	uint8_t *cn = malloc(RAW_MAX);
	long long t0, dt;
	int lfd, port, fd, raw, rev;

	ASSERT_NE(NULL, cn);
	lfd = raw_listener(&port);
	ASSERT_LE(0, lfd);
	fd = ses_sock(CLI);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, setopt_int(fd, SOL_SES, SES_HANDSHAKE_TIMEOUT, T_MS));
	ASSERT_EQ(0, setopt_int(fd, SOL_SES, SES_TIM_TIMEOUT, SES_TIM_SHORT_MS));
	ASSERT_EQ(0, set_nonblock(fd, true));
	t0 = now_ms();
	ASSERT_EQ(-1, connect_to(fd, port));
	ASSERT_EQ(EINPROGRESS, errno);
	raw = accept_within(lfd, SES_WAIT_MS, 0);
	ASSERT_LE(0, raw);
	ASSERT_LT(0, raw_accept_cn(raw, cn)) TH_LOG("no CR/CN from SES");
	rev = wait_events(fd, POLLOUT | POLLERR, 5000);
	dt = now_ms() - t0;
	EXPECT_TRUE(rev & (POLLOUT | POLLERR)) TH_LOG("revents 0x%x", rev);
	EXPECT_EQ(ETIMEDOUT, so_error(fd));
	EXPECT_LE(T_MIN, dt);
	EXPECT_GE(T_MAX, dt) TH_LOG("gave up after %lld ms", dt);
	/* and it let the transport go */
	EXPECT_EQ(0, raw_wait_close(raw, SES_WAIT_MS, NULL));
	close(raw);
	close(fd);
	close(lfd);
	free(cn);
}

/* An SES client connected to a raw peer that did the handshake by hand. */
static void __client_to_raw_server(struct __test_metadata *_metadata,
				   int opt, int ms, int *lfd, int *fd, int *raw)
{
	int port;

	*lfd = raw_listener(&port);
	ASSERT_LE(0, *lfd);
	*fd = ses_sock(CLI);
	ASSERT_LE(0, *fd);
	ASSERT_EQ(0, setopt_int(*fd, SOL_SES, opt, ms));
	ASSERT_EQ(0, setopt_int(*fd, SOL_SES, SES_TIM_TIMEOUT, SES_TIM_SHORT_MS));
	ASSERT_EQ(0, set_nonblock(*fd, true));
	ASSERT_EQ(-1, connect_to(*fd, port));
	ASSERT_EQ(EINPROGRESS, errno);
	*raw = accept_within(*lfd, SES_WAIT_MS, 0);
	ASSERT_LE(0, *raw);
	ASSERT_EQ(0, raw_server_session(*raw, -1, 0));
	ASSERT_TRUE(wait_events(*fd, POLLOUT, SES_WAIT_MS) & POLLOUT);
	ASSERT_EQ(0, so_error(*fd));
	ASSERT_EQ(0, set_nonblock(*fd, false));
}

TEST(release_timeout_aborts_when_the_peer_never_answers_dn)
{
	long long before = ses_stat(CLI, "SesReleaseTimeouts"), t0, dt;
	uint8_t *b = malloc(RAW_MAX);
	int lfd, fd, raw, n;
	struct spdu s;
	bool saw_ab;
	char c;

	ASSERT_NE(NULL, b);
	__client_to_raw_server(_metadata, SES_RELEASE_TIMEOUT, T_MS, &lfd,
			       &fd, &raw);
	ASSERT_EQ(0, shutdown(fd, SHUT_WR));
	n = tsdu_recv(raw, b, RAW_MAX, SES_WAIT_MS);
	ASSERT_LT(0, n) TH_LOG("no FN after shutdown");
	ASSERT_EQ(0, tsdu_main_spdu(b, n, &s));
	ASSERT_EQ(SPDU_FN, s.si);
	t0 = now_ms();
	EXPECT_EQ(0, raw_wait_close(raw, 5000, &saw_ab))
		TH_LOG("the transport outlived the release timeout");
	dt = now_ms() - t0;
	EXPECT_TRUE(saw_ab) TH_LOG("no AB before the close");
	EXPECT_LE(T_MIN, dt);
	/* AB at the release timeout, the close at most TIM later */
	EXPECT_GE(T_MAX + SES_TIM_SHORT_MS, dt)
		TH_LOG("aborted after %lld ms", dt);
	EXPECT_LT(before, counter_above(CLI, "SesReleaseTimeouts", before));
	EXPECT_EQ(SES_AB_TIMEOUT, getopt_int(fd, SOL_SES, SES_ABORT_REASON));
	EXPECT_EQ(-1, recv(fd, &c, 1, 0)) TH_LOG("an aborted session is no EOF");
	close(raw);
	close(fd);
	close(lfd);
	free(b);
}

TEST(tim_closes_a_transport_the_peer_keeps_after_dn)
{
	uint8_t *b = malloc(RAW_MAX);
	int lfd, port, raw, srv, n;
	long long t0, dt;
	struct spdu s;
	char c;

	ASSERT_NE(NULL, b);
	lfd = listener_with_timeout(SES_TIM_TIMEOUT, T_MS, &port);
	ASSERT_LE(0, lfd);
	raw = raw_connect(port);
	ASSERT_LE(0, raw);
	ASSERT_EQ(0, raw_client_session(raw)) TH_LOG("no AC for the CN");
	srv = accept_within(lfd, SES_WAIT_MS, 0);
	ASSERT_LE(0, srv);
	EXPECT_EQ(T_MS, getopt_int(srv, SOL_SES, SES_TIM_TIMEOUT));
	ASSERT_EQ(0, cotp_send_dt(raw, b, build_fn(b)));
	ASSERT_EQ(0, recv(srv, &c, 1, 0)) TH_LOG("FN must read as EOF");
	ASSERT_EQ(0, close(srv));
	n = tsdu_recv(raw, b, RAW_MAX, SES_WAIT_MS);
	ASSERT_LT(0, n) TH_LOG("no DN after close");
	ASSERT_EQ(0, tsdu_main_spdu(b, n, &s));
	ASSERT_EQ(SPDU_DN, s.si);
	/* the initiator should now disconnect; it does not */
	t0 = now_ms();
	EXPECT_EQ(0, raw_wait_close(raw, 5000, NULL));
	dt = now_ms() - t0;
	EXPECT_LE(T_MIN, dt) TH_LOG("closed before TIM expired");
	EXPECT_GE(T_MAX, dt) TH_LOG("closed after %lld ms", dt);
	close(raw);
	close(lfd);
	free(b);
}

static int lo_up(void)
{
	struct ifreq ifr = { .ifr_name = "lo" };
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0), ret;

	if (fd < 0)
		return -1;
	ret = ioctl(fd, SIOCGIFFLAGS, &ifr);
	if (!ret) {
		ifr.ifr_flags |= IFF_UP;
		ret = ioctl(fd, SIOCSIFFLAGS, &ifr);
	}
	close(fd);
	return ret;
}

TEST_F(sysctls, new_netns_has_its_own_sysctls_and_counters)
{
	long long act_old = ses_stat(SRV, "SesActiveOpens");
	long long pas_old = ses_stat(SRV, "SesPassiveOpens");
	int changed = (int)self->saved[0] + 111;
	struct ses_pair p;
	size_t i;
	long v;

	ASSERT_EQ(0, sysctl_set(SRV, "handshake_timeout_ms", changed));
	ses_enter(SRV);
	self->old_ns = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	ses_leave();
	ASSERT_LE(0, self->old_ns);

	/* from here on this test process lives in a namespace of its own */
	ASSERT_EQ(0, unshare(CLONE_NEWNET)) TH_LOG("unshare: %s",
						   strerror(errno));
	cfg.ns_fd[SRV] = cfg.ns_fd[CLI] = cfg.home_fd = -1;
	ASSERT_EQ(0, sysctl_get(SRV, "handshake_timeout_ms", &v))
		TH_LOG("no net.ses sysctls in a new netns");
	EXPECT_NE(changed, v);
	EXPECT_EQ(self->saved[0], v) TH_LOG("not the default value");
	ASSERT_EQ(0, sysctl_get(SRV, "max_ssdu", &v));
	EXPECT_EQ(SES_MAX_SSDU_DEFAULT, v);
	for (i = 0; i < ARRAY_SIZE(ses_counters); i++) {
		EXPECT_EQ(0, ses_stat(SRV, ses_counters[i]))
			TH_LOG("%s in a new netns", ses_counters[i]);
	}
	ASSERT_EQ(0, sysctl_set(SRV, "handshake_timeout_ms", 4321));

	/* a session in the new netns counts there only */
	ASSERT_EQ(0, lo_up());
	snprintf(cfg.addr, sizeof(cfg.addr), "%s",
		 cfg.family == AF_INET6 ? "::1" : "127.0.0.1");
	cfg.port = 0;
	ses_pair_open(&p);
	EXPECT_EQ(1, ses_stat(SRV, "SesActiveOpens"));
	EXPECT_EQ(1, ses_stat(SRV, "SesPassiveOpens"));
	ses_pair_close(&p);

	ASSERT_EQ(0, setns(self->old_ns, CLONE_NEWNET));
	EXPECT_EQ(act_old, ses_stat(SRV, "SesActiveOpens"));
	EXPECT_EQ(pas_old, ses_stat(SRV, "SesPassiveOpens"));
	ASSERT_EQ(0, sysctl_get(SRV, "handshake_timeout_ms", &v));
	EXPECT_EQ(changed, v);
	/* the fixture teardown restores the old netns's value */
}

SES_TEST_MAIN
