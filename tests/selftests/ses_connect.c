// SPDX-License-Identifier: GPL-2.0
/*
 * Session establishment: socket(), bind/listen/accept, blocking and
 * nonblocking connect, addresses, functional-unit negotiation, session
 * selectors, refusal with a reason, SES_INFO and the open counters.
 */
#include "ses_test.h"

static const char *const ses_counters[] = {
	"SesActiveOpens", "SesPassiveOpens", "SesRefusedSent",
	"SesRefusedReceived", "SesAbortsSent", "SesAbortsReceived",
	"SesBadTpkt", "SesBadTpdu", "SesBadSpdu", "SesUnexpectedSpdu",
	"SesOversize", "SesHandshakeTimeouts", "SesReleaseTimeouts",
	"SesTransportResets",
};

/* A listener accepting fu_listen, a client proposing fu_client. */
static int listen_with_units(int fu, int *port)
{
	int fd = ses_sock(SRV);

	if (fd < 0)
		return -1;
	if (fu && setopt_int(fd, SOL_SES, SES_FUNCTIONAL_UNITS, fu))
		return -1;
	if (bind_listen(fd, cfg.port))
		return -1;
	*port = sock_port(fd);
	return fd;
}

static int client_with_units(int fu)
{
	int fd = ses_sock(CLI);

	if (fd >= 0 && fu && setopt_int(fd, SOL_SES, SES_FUNCTIONAL_UNITS, fu))
		return -1;
	return fd;
}

static int set_ssel(int fd, int opt, const char *sel)
{
	return setsockopt(fd, SOL_SES, opt, sel, strlen(sel));
}

/* A port on the server side where nothing listens. */
static int unused_port(void)
{
	int fd = ses_listener(NULL), port;

	if (fd < 0)
		return -1;
	port = sock_port(fd);
	close(fd);
	return port;
}

TEST(socket_seqpacket_proto_253_is_an_ses_socket)
{
	int fd = ses_sock(CLI);

	ASSERT_LE(0, fd) TH_LOG("socket(SOCK_SEQPACKET, 253): %s",
				strerror(errno));
	EXPECT_EQ(SOCK_SEQPACKET, getopt_int(fd, SOL_SOCKET, SO_TYPE));
	EXPECT_EQ(IPPROTO_SES, getopt_int(fd, SOL_SOCKET, SO_PROTOCOL));
	EXPECT_EQ(cfg.family, getopt_int(fd, SOL_SOCKET, SO_DOMAIN));
	close(fd);
}

TEST(new_socket_is_idle_and_has_no_refuse_reason)
{
	struct ses_info info;
	int fd = ses_sock(CLI);

	ASSERT_LE(0, fd);
	EXPECT_EQ(-1, getopt_int(fd, SOL_SES, SES_REFUSE_REASON));
	ASSERT_EQ(0, ses_get_info(fd, &info)) TH_LOG("SES_INFO: %s",
						       strerror(errno));
	EXPECT_EQ(SES_INFO_VERSION, info.version);
	EXPECT_EQ(SES_ST_IDLE, info.state);
	EXPECT_EQ(-1, info.refuse_reason);
	EXPECT_EQ(SES_AB_NONE, info.abort_reason);
	close(fd);
}

TEST(listener_reports_listen_state)
{
	struct ses_info info;
	int fd = ses_listener(NULL);

	ASSERT_LE(0, fd) TH_LOG("bind/listen: %s", strerror(errno));
	ASSERT_EQ(0, ses_get_info(fd, &info));
	EXPECT_EQ(SES_ST_LISTEN, info.state);
	close(fd);
}

TEST(blocking_connect_returns_0_once_the_session_is_established)
{
	struct ses_pair p;
	struct ses_info info;

	ses_pair_open(&p);
	ASSERT_EQ(0, ses_get_info(p.cli, &info));
	EXPECT_EQ(SES_ST_ESTABLISHED, info.state);
	ASSERT_EQ(0, ses_get_info(p.srv, &info));
	EXPECT_EQ(SES_ST_ESTABLISHED, info.state);
	EXPECT_EQ(0, so_error(p.cli));
	ses_pair_close(&p);
}

TEST(connect_on_a_connected_socket_fails_with_eisconn)
{
	struct ses_pair p;

	ses_pair_open(&p);
	EXPECT_EQ(-1, connect_to(p.cli, p.port));
	EXPECT_EQ(EISCONN, errno);
	ses_pair_close(&p);
}

TEST(accept_on_nonblocking_listener_without_session_gives_eagain)
{
	int fd = ses_listener(NULL);

	ASSERT_LE(0, fd);
	ASSERT_EQ(0, set_nonblock(fd, true));
	EXPECT_EQ(-1, accept(fd, NULL, NULL));
	EXPECT_EQ(EAGAIN, errno);
	close(fd);
}

TEST(accept4_sets_nonblock_and_cloexec)
{
	struct ses_pair p = { .srv = -1 };
	char buf[8];

	p.lfd = ses_listener(&p.port);
	ASSERT_LE(0, p.lfd);
	p.cli = ses_sock(CLI);
	ASSERT_LE(0, p.cli);
	ASSERT_EQ(0, connect_to(p.cli, p.port)) TH_LOG("connect: %s",
						       strerror(errno));
	p.srv = accept_within(p.lfd, SES_WAIT_MS, SOCK_NONBLOCK | SOCK_CLOEXEC);
	ASSERT_LE(0, p.srv) TH_LOG("accept4: %s", strerror(errno));
	EXPECT_TRUE(fcntl(p.srv, F_GETFL) & O_NONBLOCK);
	EXPECT_TRUE(fcntl(p.srv, F_GETFD) & FD_CLOEXEC);
	/* and it behaves nonblocking: nothing queued yet */
	EXPECT_EQ(-1, recv(p.srv, buf, sizeof(buf), 0));
	EXPECT_EQ(EAGAIN, errno);
	ses_pair_close(&p);
}

TEST(accepted_socket_is_an_ses_socket_of_the_listener_family)
{
	struct ses_pair p;

	ses_pair_open(&p);
	EXPECT_EQ(SOCK_SEQPACKET, getopt_int(p.srv, SOL_SOCKET, SO_TYPE));
	EXPECT_EQ(IPPROTO_SES, getopt_int(p.srv, SOL_SOCKET, SO_PROTOCOL));
	EXPECT_EQ(cfg.family, getopt_int(p.srv, SOL_SOCKET, SO_DOMAIN));
	ses_pair_close(&p);
}

TEST(getsockname_and_getpeername_name_both_ends)
{
	struct sockaddr_storage lst, cs, cp, ss, sp, want;
	socklen_t len;
	struct ses_pair p;

	ses_pair_open(&p);
	ses_addr(&want, p.port);
	len = sizeof(lst);
	ASSERT_EQ(0, getsockname(p.lfd, (void *)&lst, &len));
	EXPECT_TRUE(sa_equal(&want, &lst));
	len = sizeof(cs);
	ASSERT_EQ(0, getsockname(p.cli, (void *)&cs, &len));
	len = sizeof(cp);
	ASSERT_EQ(0, getpeername(p.cli, (void *)&cp, &len));
	len = sizeof(ss);
	ASSERT_EQ(0, getsockname(p.srv, (void *)&ss, &len));
	len = sizeof(sp);
	ASSERT_EQ(0, getpeername(p.srv, (void *)&sp, &len));
	EXPECT_EQ(cfg.family, cs.ss_family);
	EXPECT_NE(0, sa_port(&cs));
	EXPECT_TRUE(sa_equal(&want, &cp)) TH_LOG("client's peer is not the listener");
	EXPECT_TRUE(sa_equal(&want, &ss)) TH_LOG("accepted socket's name is not the listener's");
	EXPECT_TRUE(sa_equal(&cs, &sp)) TH_LOG("accepted socket's peer is not the client");
	ses_pair_close(&p);
}

TEST(getpeername_on_unconnected_socket_fails_with_enotconn)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);
	int fd = ses_sock(CLI);

	ASSERT_LE(0, fd);
	EXPECT_EQ(-1, getpeername(fd, (void *)&ss, &len));
	EXPECT_EQ(ENOTCONN, errno);
	close(fd);
}

TEST(nonblocking_connect_gives_einprogress_then_pollout_and_so_error_0)
{
	struct ses_pair p = { .srv = -1 };
	struct ses_info info;
	int rev;

	p.lfd = ses_listener(&p.port);
	ASSERT_LE(0, p.lfd);
	p.cli = ses_sock(CLI);
	ASSERT_LE(0, p.cli);
	ASSERT_EQ(0, set_nonblock(p.cli, true));
	ASSERT_EQ(-1, connect_to(p.cli, p.port));
	ASSERT_EQ(EINPROGRESS, errno);
	rev = wait_events(p.cli, POLLOUT, SES_WAIT_MS);
	ASSERT_TRUE(rev & POLLOUT) TH_LOG("no POLLOUT (revents 0x%x)", rev);
	EXPECT_FALSE(rev & (POLLERR | POLLHUP));
	EXPECT_EQ(0, so_error(p.cli));
	ASSERT_EQ(0, ses_get_info(p.cli, &info));
	EXPECT_EQ(SES_ST_ESTABLISHED, info.state);
	p.srv = accept_within(p.lfd, SES_WAIT_MS, 0);
	EXPECT_LE(0, p.srv);
	EXPECT_EQ(-1, connect_to(p.cli, p.port));
	EXPECT_EQ(EISCONN, errno);
	ses_pair_close(&p);
}

TEST(connect_to_port_without_listener_fails_with_econnrefused)
{
	int port = unused_port(), fd;

	ASSERT_LT(0, port);
	fd = ses_sock(CLI);
	ASSERT_LE(0, fd);
	EXPECT_EQ(-1, connect_to(fd, port));
	EXPECT_EQ(ECONNREFUSED, errno);
	close(fd);
}

TEST(nonblocking_connect_to_port_without_listener_reports_econnrefused)
{
	int port = unused_port(), fd, rev;

	ASSERT_LT(0, port);
	fd = ses_sock(CLI);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, set_nonblock(fd, true));
	ASSERT_EQ(-1, connect_to(fd, port));
	if (errno == ECONNREFUSED)	/* refused at once is fine too */
		goto out;
	ASSERT_EQ(EINPROGRESS, errno);
	rev = wait_events(fd, POLLOUT, SES_WAIT_MS);
	ASSERT_TRUE(rev & (POLLOUT | POLLERR)) TH_LOG("revents 0x%x", rev);
	EXPECT_EQ(ECONNREFUSED, so_error(fd));
out:
	close(fd);
}

TEST(default_units_negotiate_duplex_at_both_ends)
{
	struct ses_pair p;

	ses_pair_open(&p);
	EXPECT_EQ(SES_FU_DUPLEX, getopt_int(p.cli, SOL_SES, SES_FUNCTIONAL_UNITS));
	EXPECT_EQ(SES_FU_DUPLEX, getopt_int(p.srv, SOL_SES, SES_FUNCTIONAL_UNITS));
	ses_pair_close(&p);
}

TEST(default_listener_accepts_a_half_duplex_proposal)
{
	struct ses_pair p = { .srv = -1 };

	p.lfd = listen_with_units(0, &p.port);
	ASSERT_LE(0, p.lfd);
	p.cli = client_with_units(SES_FU_HALF_DUPLEX);
	ASSERT_LE(0, p.cli) TH_LOG("SES_FUNCTIONAL_UNITS: %s", strerror(errno));
	ASSERT_EQ(0, connect_to(p.cli, p.port)) TH_LOG("connect: %s",
						       strerror(errno));
	p.srv = accept_within(p.lfd, SES_WAIT_MS, 0);
	ASSERT_LE(0, p.srv);
	EXPECT_EQ(SES_FU_HALF_DUPLEX,
		  getopt_int(p.cli, SOL_SES, SES_FUNCTIONAL_UNITS));
	EXPECT_EQ(SES_FU_HALF_DUPLEX,
		  getopt_int(p.srv, SOL_SES, SES_FUNCTIONAL_UNITS));
	ses_pair_close(&p);
}

TEST(proposal_of_duplex_and_half_duplex_settles_on_one_at_both_ends)
{
	struct ses_pair p = { .srv = -1 };
	int prop = SES_FU_DUPLEX | SES_FU_HALF_DUPLEX, c, s;

	p.lfd = listen_with_units(0, &p.port);
	ASSERT_LE(0, p.lfd);
	p.cli = client_with_units(prop);
	ASSERT_LE(0, p.cli);
	ASSERT_EQ(0, connect_to(p.cli, p.port)) TH_LOG("connect: %s",
						       strerror(errno));
	p.srv = accept_within(p.lfd, SES_WAIT_MS, 0);
	ASSERT_LE(0, p.srv);
	c = getopt_int(p.cli, SOL_SES, SES_FUNCTIONAL_UNITS);
	s = getopt_int(p.srv, SOL_SES, SES_FUNCTIONAL_UNITS);
	EXPECT_EQ(c, s);
	EXPECT_EQ(0, c & ~prop) TH_LOG("granted units 0x%x not proposed", c);
	EXPECT_TRUE((c & prop) == SES_FU_DUPLEX ||
		    (c & prop) == SES_FU_HALF_DUPLEX)
		TH_LOG("negotiated 0x%x: want exactly one of duplex and half-duplex", c);
	ses_pair_close(&p);
}

TEST(half_duplex_only_listener_refuses_duplex_with_spm_restriction)
{
	struct ses_info info;
	long long sent, rcvd;
	int lfd, port, fd;

	lfd = listen_with_units(SES_FU_HALF_DUPLEX, &port);
	ASSERT_LE(0, lfd) TH_LOG("listener: %s", strerror(errno));
	fd = client_with_units(SES_FU_DUPLEX);
	ASSERT_LE(0, fd);
	sent = ses_stat(SRV, "SesRefusedSent");
	rcvd = ses_stat(CLI, "SesRefusedReceived");
	EXPECT_EQ(-1, connect_to(fd, port));
	EXPECT_EQ(ECONNREFUSED, errno);
	EXPECT_EQ(SES_RF_SPM_RESTRICTION,
		  getopt_int(fd, SOL_SES, SES_REFUSE_REASON));
	ASSERT_EQ(0, ses_get_info(fd, &info));
	EXPECT_EQ(SES_RF_SPM_RESTRICTION, info.refuse_reason);
	EXPECT_EQ(SES_ST_CLOSED, info.state);
	EXPECT_EQ(sent + 1, ses_stat(SRV, "SesRefusedSent"));
	EXPECT_EQ(rcvd + 1, ses_stat(CLI, "SesRefusedReceived"));
	/* the refused session never reaches accept() */
	ASSERT_EQ(0, set_nonblock(lfd, true));
	EXPECT_EQ(-1, accept(lfd, NULL, NULL));
	EXPECT_EQ(EAGAIN, errno);
	close(fd);
	close(lfd);
}

TEST(half_duplex_only_listener_accepts_half_duplex)
{
	struct ses_pair p = { .srv = -1 };

	p.lfd = listen_with_units(SES_FU_HALF_DUPLEX, &p.port);
	ASSERT_LE(0, p.lfd);
	p.cli = client_with_units(SES_FU_HALF_DUPLEX);
	ASSERT_LE(0, p.cli);
	ASSERT_EQ(0, connect_to(p.cli, p.port)) TH_LOG("connect: %s",
						       strerror(errno));
	p.srv = accept_within(p.lfd, SES_WAIT_MS, 0);
	ASSERT_LE(0, p.srv);
	EXPECT_EQ(SES_FU_HALF_DUPLEX,
		  getopt_int(p.srv, SOL_SES, SES_FUNCTIONAL_UNITS));
	ses_pair_close(&p);
}

TEST(nonblocking_connect_refused_by_the_session_reports_econnrefused)
{
	int lfd, port, fd, rev;

	lfd = listen_with_units(SES_FU_HALF_DUPLEX, &port);
	ASSERT_LE(0, lfd);
	fd = client_with_units(SES_FU_DUPLEX);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, set_nonblock(fd, true));
	ASSERT_EQ(-1, connect_to(fd, port));
	ASSERT_EQ(EINPROGRESS, errno);
	rev = wait_events(fd, POLLOUT, SES_WAIT_MS);
	ASSERT_TRUE(rev & (POLLOUT | POLLERR)) TH_LOG("revents 0x%x", rev);
	EXPECT_EQ(ECONNREFUSED, so_error(fd));
	EXPECT_EQ(SES_RF_SPM_RESTRICTION,
		  getopt_int(fd, SOL_SES, SES_REFUSE_REASON));
	close(fd);
	close(lfd);
}

TEST(called_selector_mismatch_is_refused_with_ssel_unknown)
{
	int lfd, port, fd;

	lfd = ses_sock(SRV);
	ASSERT_LE(0, lfd);
	ASSERT_EQ(0, set_ssel(lfd, SES_CALLED_SSEL, "abc"))
		TH_LOG("SES_CALLED_SSEL: %s", strerror(errno));
	ASSERT_EQ(0, bind_listen(lfd, cfg.port));
	port = sock_port(lfd);
	fd = ses_sock(CLI);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, set_ssel(fd, SES_CALLED_SSEL, "xyz"));
	EXPECT_EQ(-1, connect_to(fd, port));
	EXPECT_EQ(ECONNREFUSED, errno);
	EXPECT_EQ(SES_RF_SSEL_UNKNOWN, getopt_int(fd, SOL_SES, SES_REFUSE_REASON));
	close(fd);
	close(lfd);
}

TEST(missing_called_selector_is_refused_when_the_listener_names_one)
{
	int lfd, port, fd;

	lfd = ses_sock(SRV);
	ASSERT_LE(0, lfd);
	ASSERT_EQ(0, set_ssel(lfd, SES_CALLED_SSEL, "abc"));
	ASSERT_EQ(0, bind_listen(lfd, cfg.port));
	port = sock_port(lfd);
	fd = ses_sock(CLI);
	ASSERT_LE(0, fd);
	EXPECT_EQ(-1, connect_to(fd, port));
	EXPECT_EQ(ECONNREFUSED, errno);
	EXPECT_EQ(SES_RF_SSEL_UNKNOWN, getopt_int(fd, SOL_SES, SES_REFUSE_REASON));
	close(fd);
	close(lfd);
}

TEST(matching_called_selector_connects)
{
	struct ses_pair p = { .srv = -1 };

	p.lfd = ses_sock(SRV);
	ASSERT_LE(0, p.lfd);
	ASSERT_EQ(0, set_ssel(p.lfd, SES_CALLED_SSEL, "abc"));
	ASSERT_EQ(0, bind_listen(p.lfd, cfg.port));
	p.port = sock_port(p.lfd);
	p.cli = ses_sock(CLI);
	ASSERT_LE(0, p.cli);
	ASSERT_EQ(0, set_ssel(p.cli, SES_CALLED_SSEL, "abc"));
	ASSERT_EQ(0, set_ssel(p.cli, SES_CALLING_SSEL, "me"))
		TH_LOG("SES_CALLING_SSEL: %s", strerror(errno));
	ASSERT_EQ(0, connect_to(p.cli, p.port)) TH_LOG("connect: %s",
						       strerror(errno));
	p.srv = accept_within(p.lfd, SES_WAIT_MS, 0);
	EXPECT_LE(0, p.srv);
	EXPECT_EQ(-1, getopt_int(p.cli, SOL_SES, SES_REFUSE_REASON));
	ses_pair_close(&p);
}

TEST(selectors_read_back_and_are_limited_to_16_octets)
{
	char sel[SES_SSEL_MAX + 2], got[64];
	socklen_t len;
	int fd = ses_sock(CLI);

	ASSERT_LE(0, fd);
	memset(sel, 's', sizeof(sel));
	EXPECT_EQ(0, setsockopt(fd, SOL_SES, SES_CALLED_SSEL, sel, SES_SSEL_MAX));
	EXPECT_EQ(-1, setsockopt(fd, SOL_SES, SES_CALLED_SSEL, sel,
				 SES_SSEL_MAX + 1));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, setsockopt(fd, SOL_SES, SES_CALLING_SSEL, sel,
				 SES_SSEL_MAX + 1));
	EXPECT_EQ(EINVAL, errno);
	ASSERT_EQ(0, set_ssel(fd, SES_CALLING_SSEL, "abc"));
	len = sizeof(got);
	ASSERT_EQ(0, getsockopt(fd, SOL_SES, SES_CALLING_SSEL, got, &len));
	EXPECT_EQ(3, len);
	EXPECT_EQ(0, memcmp(got, "abc", 3));
	len = sizeof(got);
	ASSERT_EQ(0, getsockopt(fd, SOL_SES, SES_CALLED_SSEL, got, &len));
	EXPECT_EQ(SES_SSEL_MAX, len);
	close(fd);
}

TEST(refuse_reason_stays_minus_one_on_an_accepted_session)
{
	struct ses_pair p;

	ses_pair_open(&p);
	EXPECT_EQ(-1, getopt_int(p.cli, SOL_SES, SES_REFUSE_REASON));
	EXPECT_EQ(-1, getopt_int(p.srv, SOL_SES, SES_REFUSE_REASON));
	ses_pair_close(&p);
}

TEST(ses_info_describes_the_established_session)
{
	struct ses_info ci, si;
	struct ses_pair p;

	ses_pair_open(&p);
	ASSERT_EQ(0, ses_get_info(p.cli, &ci));
	ASSERT_EQ(0, ses_get_info(p.srv, &si));
	EXPECT_EQ(SES_INFO_VERSION, ci.version);
	EXPECT_EQ(SES_ST_ESTABLISHED, ci.state);
	EXPECT_EQ(SES_ST_ESTABLISHED, si.state);
	EXPECT_EQ(2, ci.protocol_version);
	EXPECT_EQ(2, si.protocol_version);
	EXPECT_EQ(getopt_int(p.cli, SOL_SES, SES_FUNCTIONAL_UNITS),
		  (int)ci.functional_units);
	EXPECT_EQ(ci.functional_units, si.functional_units);
	EXPECT_LT(0, ci.tpdu_size);
	EXPECT_EQ(ci.tpdu_size, si.tpdu_size);
	EXPECT_EQ(-1, ci.refuse_reason);
	EXPECT_EQ(SES_AB_NONE, ci.abort_reason);
	EXPECT_LE(1, ci.spdus_sent) TH_LOG("the CN counts as an SPDU sent");
	EXPECT_LE(1, ci.spdus_received) TH_LOG("the AC counts as an SPDU received");
	EXPECT_EQ(0, ci.ssdus_sent);
	EXPECT_EQ(0, si.ssdus_received);
	ses_pair_close(&p);
}

TEST(ses_info_counts_ssdus_and_octets_both_ways)
{
	struct ses_info c0, s0, c1, s1;
	size_t sizes[3] = { 10, 0, 300 }, total = 310, i;
	char buf[512];
	struct ses_pair p;

	ses_pair_open(&p);
	ASSERT_EQ(0, ses_get_info(p.cli, &c0));
	ASSERT_EQ(0, ses_get_info(p.srv, &s0));
	for (i = 0; i < 3; i++) {
		ASSERT_EQ((ssize_t)sizes[i], send_pattern(p.cli, sizes[i], i, 0));
	}
	for (i = 0; i < 3; i++) {
		ASSERT_EQ((ssize_t)sizes[i], recv(p.srv, buf, sizeof(buf), 0));
	}
	ASSERT_EQ(0, ses_get_info(p.cli, &c1));
	ASSERT_EQ(0, ses_get_info(p.srv, &s1));
	EXPECT_EQ(3, c1.ssdus_sent - c0.ssdus_sent);
	EXPECT_EQ(total, c1.bytes_sent - c0.bytes_sent);
	EXPECT_LE(3, c1.spdus_sent - c0.spdus_sent);
	EXPECT_EQ(3, s1.ssdus_received - s0.ssdus_received);
	EXPECT_EQ(total, s1.bytes_received - s0.bytes_received);
	EXPECT_LE(3, s1.spdus_received - s0.spdus_received);
	EXPECT_EQ(c0.ssdus_received, c1.ssdus_received);
	ses_pair_close(&p);
}

TEST(a_session_counts_one_active_and_one_passive_open)
{
	long long act = ses_stat(CLI, "SesActiveOpens");
	long long pas = ses_stat(SRV, "SesPassiveOpens");
	struct ses_pair p;

	ASSERT_LE(0, act) TH_LOG(SES_PROC_STAT " lacks SesActiveOpens");
	ASSERT_LE(0, pas) TH_LOG(SES_PROC_STAT " lacks SesPassiveOpens");
	ses_pair_open(&p);
	EXPECT_EQ(act + 1, ses_stat(CLI, "SesActiveOpens"));
	EXPECT_EQ(pas + 1, ses_stat(SRV, "SesPassiveOpens"));
	ses_pair_close(&p);
}

TEST(counter_file_lists_every_counter_once)
{
	char line[256], key[128];
	int seen[ARRAY_SIZE(ses_counters)] = { 0 };
	long long val;
	size_t i;
	FILE *f;

	ses_enter(SRV);
	f = fopen(SES_PROC_STAT, "r");
	ses_leave();
	ASSERT_NE(NULL, f) TH_LOG(SES_PROC_STAT ": %s", strerror(errno));
	while (fgets(line, sizeof(line), f)) {
		char extra[8];

		if (sscanf(line, "%127s %lld %7s", key, &val, extra) != 2) {
			TH_LOG("line not '<Name> <value>': %s", line);
			EXPECT_TRUE(0);
			continue;
		}
		EXPECT_LE(0, val);
		for (i = 0; i < ARRAY_SIZE(ses_counters); i++)
			if (!strcmp(key, ses_counters[i]))
				seen[i]++;
	}
	fclose(f);
	for (i = 0; i < ARRAY_SIZE(ses_counters); i++) {
		EXPECT_EQ(1, seen[i]) TH_LOG("%s listed %d times",
					     ses_counters[i], seen[i]);
	}
}

TEST(listener_serves_several_sessions_each_with_its_own_data)
{
	enum { N = 4 };
	int lfd, port, cli[N], srv[N], i, j;
	bool got[N] = { false };
	char buf[16];

	lfd = ses_listener(&port);
	ASSERT_LE(0, lfd);
	for (i = 0; i < N; i++) {
		cli[i] = ses_sock(CLI);
		ASSERT_LE(0, cli[i]);
		ASSERT_EQ(0, connect_to(cli[i], port)) TH_LOG("connect %d: %s",
							      i, strerror(errno));
	}
	for (i = 0; i < N; i++) {
		srv[i] = accept_within(lfd, SES_WAIT_MS, 0);
		ASSERT_LE(0, srv[i]) TH_LOG("accept %d: %s", i, strerror(errno));
	}
	for (i = 0; i < N; i++) {
		buf[0] = 'A' + i;
		ASSERT_EQ(1, send(cli[i], buf, 1, 0));
	}
	for (i = 0; i < N; i++) {
		ASSERT_EQ(1, recv(srv[i], buf, sizeof(buf), 0));
		j = buf[0] - 'A';
		ASSERT_TRUE(j >= 0 && j < N);
		EXPECT_FALSE(got[j]);
		got[j] = true;
		/* echo back: it must reach the client that sent it */
		ASSERT_EQ(1, send(srv[i], buf, 1, 0));
	}
	for (i = 0; i < N; i++) {
		ASSERT_EQ(1, recv(cli[i], buf, sizeof(buf), 0));
		EXPECT_EQ('A' + i, buf[0]);
		close(cli[i]);
		close(srv[i]);
	}
	close(lfd);
}

SES_TEST_MAIN
