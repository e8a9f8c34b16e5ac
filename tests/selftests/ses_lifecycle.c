// SPDX-License-Identifier: GPL-2.0
/*
 * Lifecycle races: several threads sending and receiving on one session,
 * close() racing incoming SSDUs, a listener closed with sessions in mid
 * handshake, a network namespace deleted under live sessions, processes
 * killed with SIGKILL while they hold a session in every state, and
 * rmmod while SES sockets exist.  After each: the peer sees the end
 * within the timeouts, a new session works, and the kernel logged no
 * splat (BUG, WARNING, lockdep, KASAN) meanwhile.
 */
#include "ses_test.h"

#define REL_MS		1500
#define TIM_MS		SES_TIM_SHORT_MS
#define HS_MS		2000

/* ---- common --------------------------------------------------------------- */

static int set_timeouts(int fd, int hs, int rel, int tim)
{
	return setopt_int(fd, SOL_SES, SES_HANDSHAKE_TIMEOUT, hs) ||
	       setopt_int(fd, SOL_SES, SES_RELEASE_TIMEOUT, rel) ||
	       setopt_int(fd, SOL_SES, SES_TIM_TIMEOUT, tim);
}

/* A listener with short timeouts (inherited by what it accepts), or -1. */
static int lc_listener(int *port, int backlog)
{
	struct sockaddr_storage ss;
	socklen_t len = ses_addr(&ss, cfg.port);
	int fd = ses_sock(SRV), one = 1;

	if (fd < 0)
		return -1;
	if (set_timeouts(fd, HS_MS, REL_MS, TIM_MS) ||
	    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) ||
	    bind(fd, (void *)&ss, len) || listen(fd, backlog)) {
		close(fd);
		return -1;
	}
	*port = sock_port(fd);
	return fd;
}

/* A client with the short timeouts, connected (blocking), or -1. */
static int lc_client(int port)
{
	int fd = ses_sock(CLI);

	if (fd < 0)
		return -1;
	if (set_timeouts(fd, HS_MS, REL_MS, TIM_MS) || connect_to(fd, port)) {
		int err = errno;

		close(fd);
		errno = err;
		return -1;
	}
	return fd;
}

/* A new session on a listener carries an SSDU each way and releases. */
static void __new_session_works(struct __test_metadata *_metadata, int lfd,
				int port)
{
	char buf[64];
	int cli, srv;

	cli = lc_client(port);
	ASSERT_LE(0, cli) TH_LOG("a new session: %s", strerror(errno));
	srv = accept_within(lfd, SES_WAIT_MS, 0);
	ASSERT_LE(0, srv);
	ASSERT_EQ(5, send(cli, "ping!", 5, 0));
	ASSERT_EQ(5, recv(srv, buf, sizeof(buf), 0));
	ASSERT_EQ(5, send(srv, "pong!", 5, 0));
	ASSERT_EQ(5, recv(cli, buf, sizeof(buf), 0));
	ASSERT_EQ(0, shutdown(cli, SHUT_WR));
	ASSERT_EQ(0, recv(srv, buf, sizeof(buf), 0));
	close(srv);
	ASSERT_EQ(0, recv(cli, buf, sizeof(buf), 0));
	close(cli);
}
#define new_session_works(lfd, port) __new_session_works(_metadata, lfd, port)

/* A fresh listener and a session on it. */
static void __fresh_session_works(struct __test_metadata *_metadata)
{
	int lfd, port;

	lfd = lc_listener(&port, 16);
	ASSERT_LE(0, lfd) TH_LOG("listener: %s", strerror(errno));
	new_session_works(lfd, port);
	close(lfd);
}
#define fresh_session_works()	__fresh_session_works(_metadata)

static void __expect_no_new_splat(struct __test_metadata *_metadata,
				  int before)
{
	EXPECT_EQ(before, kmsg_splats())
		TH_LOG("the kernel logged a splat during this test (dmesg)");
}
#define expect_no_new_splat(before) __expect_no_new_splat(_metadata, before)

/* ==== several threads on one session =========================================== */

#define CT_THREADS	3
#define CT_SSDUS	150
#define CT_MAX		20480
#define CT_MAGIC	0x5e55da7aU

struct ct_hdr {
	uint32_t magic;
	uint16_t dir;
	uint16_t tid;
	uint32_t seq;
	uint32_t len;
};

struct ct_shared {
	int fd[2];	/* [0] initiator, [1] accepted; dir d goes fd[d] -> fd[!d] */
	int seen[2][CT_THREADS][CT_SSDUS];
	int errors;
	char err[256];
	pthread_mutex_t mu;
};

struct ct_thread {
	pthread_t th;
	struct ct_shared *sh;
	int dir, tid;
	int got;	/* receiver: SSDUs it took */
};

static void ct_fail(struct ct_shared *sh, const char *fmt, ...)
{
	va_list ap;

	pthread_mutex_lock(&sh->mu);
	if (!sh->errors++) {
		va_start(ap, fmt);
		vsnprintf(sh->err, sizeof(sh->err), fmt, ap);
		va_end(ap);
	}
	pthread_mutex_unlock(&sh->mu);
}

static size_t ct_len(int dir, int tid, int seq)
{
	uint32_t s = (dir << 20 | tid << 12 | seq) * 2654435761u + 1;
	size_t len = sizeof(struct ct_hdr) + xorshift32(&s) % 6000;

	if (seq % 10 == 7)	/* some span several TPDUs */
		len += 12000;
	return len;
}

static uint32_t ct_seed(int dir, int tid, int seq)
{
	return dir << 20 | tid << 12 | seq;
}

static void *ct_sender(void *arg)
{
	struct ct_thread *t = arg;
	struct ct_shared *sh = t->sh;
	uint8_t *b = malloc(CT_MAX + 64);
	int seq;

	if (!b) {
		ct_fail(sh, "no memory");
		return NULL;
	}
	for (seq = 0; seq < CT_SSDUS; seq++) {
		size_t len = ct_len(t->dir, t->tid, seq);
		struct ct_hdr h = { CT_MAGIC, t->dir, t->tid, seq, len };
		ssize_t n;

		memcpy(b, &h, sizeof(h));
		fill_pattern(b + sizeof(h), len - sizeof(h),
			     ct_seed(t->dir, t->tid, seq));
		n = send(sh->fd[t->dir], b, len, MSG_NOSIGNAL);
		if (n != (ssize_t)len) {
			ct_fail(sh, "dir %d sender %d SSDU %d: send gave %zd (%s)",
				t->dir, t->tid, seq, n, strerror(errno));
			break;
		}
	}
	free(b);
	return NULL;
}

static void *ct_receiver(void *arg)
{
	struct ct_thread *t = arg;
	struct ct_shared *sh = t->sh;
	uint8_t *b = malloc(CT_MAX + 64);
	int last[CT_THREADS], i, fd = sh->fd[!t->dir];

	for (i = 0; i < CT_THREADS; i++)
		last[i] = -1;
	while (b) {
		struct ct_hdr h;
		int mf;
		ssize_t n = recv_ssdu(fd, b, CT_MAX + 64, 0, &mf);

		if (n == 0 && !(mf & MSG_EOR))
			break;	/* the peer released: all sent */
		if (n < (ssize_t)sizeof(h)) {
			ct_fail(sh, "dir %d receiver %d: recv gave %zd (%s)",
				t->dir, t->tid, n,
				n < 0 ? strerror(errno) : "short");
			break;
		}
		memcpy(&h, b, sizeof(h));
		if (h.magic != CT_MAGIC || h.dir != t->dir ||
		    h.tid >= CT_THREADS || h.seq >= CT_SSDUS ||
		    h.len != (uint32_t)n || (mf & MSG_TRUNC) ||
		    !(mf & MSG_EOR)) {
			ct_fail(sh, "dir %d: an SSDU of %zd octets is not whole (header says %u, dir %u, thread %u, seq %u)",
				t->dir, n, h.len, h.dir, h.tid, h.seq);
			break;
		}
		if (pattern_mismatch(b + sizeof(h), n - sizeof(h),
				     ct_seed(h.dir, h.tid, h.seq)) !=
		    n - sizeof(h)) {
			ct_fail(sh, "dir %d thread %u SSDU %u: content mixed",
				t->dir, h.tid, h.seq);
			break;
		}
		if ((int)h.seq <= last[h.tid]) {
			ct_fail(sh, "dir %d thread %u: SSDU %u after %d",
				t->dir, h.tid, h.seq, last[h.tid]);
			break;
		}
		last[h.tid] = h.seq;
		__atomic_add_fetch(&sh->seen[t->dir][h.tid][h.seq], 1,
				   __ATOMIC_SEQ_CST);
		t->got++;
	}
	free(b);
	return NULL;
}

/* The harness has per-test timeouts only for fixtures. */
FIXTURE(lc) {
	int splats;	/* kernel log splats before the test */
};

FIXTURE_SETUP(lc)
{
	self->splats = kmsg_splats();
}

FIXTURE_TEARDOWN(lc)
{
}

TEST_F_TIMEOUT(lc, threads_sending_and_receiving_on_one_session_keep_every_ssdu_whole_and_in_order, 120)
{
	struct ct_thread snd[2][CT_THREADS], rcv[2][CT_THREADS];
	struct ct_shared *sh = calloc(1, sizeof(*sh));
	struct ses_pair p;
	int d, i, seq, missing = 0, dup = 0, got[2] = { 0, 0 };

	ASSERT_NE(NULL, sh);
	pthread_mutex_init(&sh->mu, NULL);
	ses_pair_open(&p);
	sh->fd[0] = p.cli;
	sh->fd[1] = p.srv;
	for (d = 0; d < 2; d++) {
		for (i = 0; i < CT_THREADS; i++) {
			rcv[d][i] = (struct ct_thread){ .sh = sh, .dir = d,
							 .tid = i };
			ASSERT_EQ(0, pthread_create(&rcv[d][i].th, NULL,
						    ct_receiver, &rcv[d][i]));
		}
	}
	for (d = 0; d < 2; d++) {
		for (i = 0; i < CT_THREADS; i++) {
			snd[d][i] = (struct ct_thread){ .sh = sh, .dir = d,
							 .tid = i };
			ASSERT_EQ(0, pthread_create(&snd[d][i].th, NULL,
						    ct_sender, &snd[d][i]));
		}
	}
	/* each direction ends with a release once its senders are done */
	for (d = 0; d < 2; d++) {
		for (i = 0; i < CT_THREADS; i++)
			pthread_join(snd[d][i].th, NULL);
		EXPECT_EQ(0, shutdown(sh->fd[d], SHUT_WR));
	}
	for (d = 0; d < 2; d++) {
		for (i = 0; i < CT_THREADS; i++) {
			pthread_join(rcv[d][i].th, NULL);
			got[d] += rcv[d][i].got;
		}
	}
	EXPECT_EQ(0, sh->errors) TH_LOG("%d errors, first: %s", sh->errors,
					sh->err);
	for (d = 0; d < 2; d++)
		for (i = 0; i < CT_THREADS; i++)
			for (seq = 0; seq < CT_SSDUS; seq++) {
				missing += !sh->seen[d][i][seq];
				dup += sh->seen[d][i][seq] > 1;
			}
	EXPECT_EQ(0, missing) TH_LOG("%d SSDUs never arrived", missing);
	EXPECT_EQ(0, dup) TH_LOG("%d SSDUs arrived twice", dup);
	EXPECT_EQ(CT_THREADS * CT_SSDUS, got[0]);
	EXPECT_EQ(CT_THREADS * CT_SSDUS, got[1]);
	ses_pair_close(&p);
	free(sh);
	expect_no_new_splat(self->splats);
}

/* ==== close() racing incoming SSDUs ============================================ */

#define RACE_ITER	100

struct blaster {
	pthread_t th;
	int fd;
	int stop_after;		/* >0: close itself after that many SSDUs */
	int result;		/* 0: EOF, else the errno that ended it */
	bool self_closed;
	int sent;
};

/* Sends SSDUs until the peer releases, aborts, or (optionally) enough. */
static void *blaster_main(void *arg)
{
	struct blaster *b = arg;
	long long end = now_ms() + 8000;
	char buf[1000], rb[1024];

	memset(buf, 0xb1, sizeof(buf));
	set_nonblock(b->fd, true);
	b->result = ETIMEDOUT;
	while (now_ms() < end) {
		int mf;
		ssize_t n = recv_ssdu(b->fd, rb, sizeof(rb), MSG_DONTWAIT, &mf);

		if (n == 0 && !(mf & MSG_EOR)) {
			b->result = 0;
			break;
		}
		if (n < 0 && errno != EAGAIN) {
			b->result = errno;
			break;
		}
		if (b->stop_after && b->sent >= b->stop_after) {
			b->self_closed = true;
			b->result = 0;
			break;
		}
		n = send(b->fd, buf, sizeof(buf), MSG_DONTWAIT | MSG_NOSIGNAL);
		if (n == (ssize_t)sizeof(buf)) {
			b->sent++;
			continue;
		}
		if (n < 0 && errno == EAGAIN) {
			poll_one(b->fd, POLLIN | POLLOUT, 50);
			continue;
		}
		b->result = n < 0 ? errno : EPROTO;
		break;
	}
	close(b->fd);
	return NULL;
}

/*
 * RACE_ITER times: a session, the peer blasting SSDUs at it, and this end
 * closing (orderly, or with SO_LINGER 0) in the middle.  In a quarter of
 * the rounds the peer closes too, at about the same time.
 */
static void __close_race(struct __test_metadata *_metadata, bool initiator,
			 bool linger0)
{
	long long rel0 = ses_stat(SRV, "SesReleaseTimeouts");
	long long ab0 = ses_stat(SRV, "SesAbortsSent");
	int lfd, port, it, eof = 0, reset = 0, both = 0;
	struct linger lg = { 1, 0 };

	lfd = lc_listener(&port, 16);
	ASSERT_LE(0, lfd);
	for (it = 0; it < RACE_ITER; it++) {
		struct timespec ts = { 0, (it * 137 % 3000) * 1000L };
		struct blaster b = { 0 };
		int cli, srv, closer;

		cli = lc_client(port);
		ASSERT_LE(0, cli) TH_LOG("round %d: connect: %s", it,
					 strerror(errno));
		srv = accept_within(lfd, SES_WAIT_MS, 0);
		ASSERT_LE(0, srv) TH_LOG("round %d: accept", it);
		closer = initiator ? cli : srv;
		b.fd = initiator ? srv : cli;
		b.stop_after = it % 4 == 3 ? 1 + it % 7 : 0;
		ASSERT_EQ(0, pthread_create(&b.th, NULL, blaster_main, &b));
		nanosleep(&ts, NULL);
		if (linger0)
			ASSERT_EQ(0, setsockopt(closer, SOL_SOCKET, SO_LINGER,
						&lg, sizeof(lg)));
		ASSERT_EQ(0, close(closer));
		pthread_join(b.th, NULL);
		ASSERT_NE(ETIMEDOUT, b.result)
			TH_LOG("round %d: the peer saw no end within 8 s", it);
		if (b.self_closed) {
			both++;
			continue;
		}
		if (linger0) {
			EXPECT_EQ(ECONNRESET, b.result)
				TH_LOG("round %d: %s after %d SSDUs", it,
				       strerror(b.result), b.sent);
		} else {
			EXPECT_EQ(0, b.result)
				TH_LOG("round %d: %s instead of EOF after %d SSDUs",
				       it, strerror(b.result), b.sent);
		}
		if (b.result == 0)
			eof++;
		else
			reset++;
	}
	TH_LOG("%d rounds: %d EOF, %d reset, %d closed by both ends", RACE_ITER,
	       eof, reset, both);
	/* what the closed ends did in the background, for the record */
	sleep_ms(REL_MS + TIM_MS + 500);
	TH_LOG("meanwhile: SesAbortsSent +%lld, SesReleaseTimeouts +%lld",
	       ses_stat(SRV, "SesAbortsSent") - ab0,
	       ses_stat(SRV, "SesReleaseTimeouts") - rel0);
	new_session_works(lfd, port);
	close(lfd);
}

TEST_F_TIMEOUT(lc, close_of_the_initiator_racing_incoming_ssdus_ends_in_eof_at_the_peer, 120)
{
	__close_race(_metadata, true, false);
	expect_no_new_splat(self->splats);
}

TEST_F_TIMEOUT(lc, close_of_the_acceptor_racing_incoming_ssdus_ends_in_eof_at_the_peer, 120)
{
	__close_race(_metadata, false, false);
	expect_no_new_splat(self->splats);
}

TEST_F_TIMEOUT(lc, linger_0_close_of_the_initiator_racing_incoming_ssdus_resets_the_peer, 120)
{
	__close_race(_metadata, true, true);
	expect_no_new_splat(self->splats);
}

TEST_F_TIMEOUT(lc, linger_0_close_of_the_acceptor_racing_incoming_ssdus_resets_the_peer, 120)
{
	__close_race(_metadata, false, true);
	expect_no_new_splat(self->splats);
}

/* ==== a listener closed with sessions in mid handshake ========================== */

TEST_F(lc, listener_close_ends_every_session_in_handshake_and_unaccepted)
{
	enum { N = 3 };
	int tcp_only[N], cr_only[N], half_cn[N], full[N], i, lfd, port, lfd2;
	uint8_t cn[64], tpdu[80], *b = malloc(RAW_MAX);
	size_t l = build_cn(cn, SES_FU_DUPLEX, NULL, -1, 0);
	long long t0;
	bool saw_ab;

	ASSERT_NE(NULL, b);
	/* a handshake timeout far away: only the close may end them */
	lfd = lc_listener(&port, 16);
	ASSERT_LE(0, lfd);
	ASSERT_EQ(0, setopt_int(lfd, SOL_SES, SES_HANDSHAKE_TIMEOUT, 60000));
	/* the CN's TPDU: DT header then the SPDU; half of it is sent */
	tpdu[0] = 2;
	tpdu[1] = COTP_DT;
	tpdu[2] = COTP_EOT;
	memcpy(tpdu + 3, cn, l);
	for (i = 0; i < N; i++) {
		uint8_t h[4] = { 3, 0, (l + 7) >> 8, (l + 7) & 0xff };

		tcp_only[i] = raw_connect(port);
		cr_only[i] = raw_connect(port);
		half_cn[i] = raw_connect(port);
		full[i] = raw_connect(port);
		ASSERT_LE(0, tcp_only[i]);
		ASSERT_LE(0, cr_only[i]);
		ASSERT_LE(0, half_cn[i]);
		ASSERT_LE(0, full[i]);
		ASSERT_EQ(0, raw_transport_connect(cr_only[i]));
		ASSERT_EQ(0, raw_transport_connect(half_cn[i]));
		ASSERT_EQ(0, write_all(half_cn[i], h, 4));
		ASSERT_EQ(0, write_all(half_cn[i], tpdu, (l + 3) / 2));
		ASSERT_EQ(0, raw_client_session(full[i]));
	}
	sleep_ms(200);	/* the half CNs reach the listener's children */
	t0 = now_ms();
	ASSERT_EQ(0, close(lfd));
	for (i = 0; i < N; i++) {
		EXPECT_EQ(0, raw_wait_close(tcp_only[i], SES_WAIT_MS, NULL))
			TH_LOG("TCP only: still open");
		EXPECT_EQ(0, raw_wait_close(cr_only[i], SES_WAIT_MS, NULL))
			TH_LOG("after CR: still open");
		EXPECT_EQ(0, raw_wait_close(half_cn[i], SES_WAIT_MS, NULL))
			TH_LOG("inside CN: still open");
		EXPECT_EQ(0, raw_wait_close(full[i], SES_WAIT_MS, &saw_ab))
			TH_LOG("established, not accepted: still open");
		EXPECT_TRUE(saw_ab) TH_LOG("an established session closed without AB");
		close(tcp_only[i]);
		close(cr_only[i]);
		close(half_cn[i]);
		close(full[i]);
	}
	TH_LOG("all %d closed %lld ms after the listener", 4 * N,
	       now_ms() - t0);
	/* the port is free again and serves */
	cfg.port = port;
	lfd2 = lc_listener(&port, 16);
	cfg.port = 0;
	ASSERT_LE(0, lfd2) TH_LOG("listen again on %d: %s", port,
				  strerror(errno));
	new_session_works(lfd2, port);
	close(lfd2);
	free(b);
	expect_no_new_splat(self->splats);
}

/* ==== a network namespace deleted under live sessions =========================== */

#define DEL_NS		"ses-lc-del"

/* Sessions of every kind inside the current netns, kept by a child. */
static void child_hold_sessions(int ready, int go)
{
	int lfd, port, pairs[2][2], half[2], raw, queued, rl, rport, silent;
	int deaf[2], i, ok = 0, small = 4096;
	char buf[512], c;

	lfd = lc_listener(&port, 16);
	if (lfd < 0)
		CHILD_FAIL("listener: %s", strerror(errno));
	/* two sessions with SSDUs queued both ways */
	for (i = 0; i < 2; i++) {
		pairs[i][0] = lc_client(port);
		pairs[i][1] = accept_within(lfd, SES_WAIT_MS, 0);
		if (pairs[i][0] < 0 || pairs[i][1] < 0)
			CHILD_FAIL("pair %d", i);
		if (send_pattern(pairs[i][0], 300, i, 0) != 300 ||
		    send_pattern(pairs[i][1], 300, i, 0) != 300)
			CHILD_FAIL("queue");
	}
	/* one in release: FN sent, not answered */
	half[0] = lc_client(port);
	half[1] = accept_within(lfd, SES_WAIT_MS, 0);
	if (half[0] < 0 || half[1] < 0 || shutdown(half[0], SHUT_WR))
		CHILD_FAIL("half");
	/* one whose reader never reads, with its send path full */
	deaf[0] = ses_sock(CLI);
	if (deaf[0] < 0 ||
	    setsockopt(deaf[0], SOL_SOCKET, SO_RCVBUF, &small, sizeof(small)) ||
	    set_timeouts(deaf[0], HS_MS, REL_MS, TIM_MS) ||
	    connect_to(deaf[0], port))
		CHILD_FAIL("deaf");
	deaf[1] = accept_within(lfd, SES_WAIT_MS, 0);
	if (deaf[1] < 0 || set_nonblock(deaf[1], true))
		CHILD_FAIL("deaf accept");
	for (i = 0; i < 400 && send_pattern(deaf[1], 8192, i, 0) > 0; i++)
		;
	/* one in mid handshake (CR only), one established but not accepted */
	raw = raw_connect(port);
	if (raw < 0 || raw_transport_connect(raw))
		CHILD_FAIL("raw");
	queued = lc_client(port);
	if (queued < 0)
		CHILD_FAIL("queued");
	/* one connecting to a TCP server that never answers */
	rl = raw_listener(&rport);
	silent = ses_sock(CLI);
	if (rl < 0 || silent < 0 || set_nonblock(silent, true) ||
	    (connect_to(silent, rport) && errno != EINPROGRESS))
		CHILD_FAIL("silent");

	c = 'r';
	if (write(ready, &c, 1) != 1 || read(go, &c, 1) != 1)
		CHILD_FAIL("pipe");
	/* the netns name is gone now: the sessions work on */
	for (i = 0; i < 2; i++) {
		if (recv(pairs[i][1], buf, sizeof(buf), 0) == 300 &&
		    recv(pairs[i][0], buf, sizeof(buf), 0) == 300 &&
		    send(pairs[i][0], "x", 1, 0) == 1 &&
		    recv(pairs[i][1], buf, sizeof(buf), 0) == 1)
			ok++;
	}
	if (recv(half[1], buf, sizeof(buf), 0) == 0)
		ok++;
	c = '0' + ok;
	if (write(ready, &c, 1) != 1)
		CHILD_FAIL("pipe");
	for (;;)
		pause();
}

TEST_F_TIMEOUT(lc, netns_deleted_under_live_sessions_and_a_listener_keeps_them_until_killed, 90)
{
	int nsfd, ready[2], go[2], status;
	char c = 0;
	pid_t pid;

	if (system("ip netns add " DEL_NS " 2>/dev/null") ||
	    system("ip -n " DEL_NS " link set lo up")) {
		system("ip netns del " DEL_NS " 2>/dev/null");
		SKIP(return, "ip netns add failed (no iproute2, not root?)");
	}
	nsfd = open("/run/netns/" DEL_NS, O_RDONLY | O_CLOEXEC);
	ASSERT_LE(0, nsfd);
	ASSERT_EQ(0, pipe(ready));
	ASSERT_EQ(0, pipe(go));
	pid = ses_fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		if (setns(nsfd, CLONE_NEWNET))
			CHILD_FAIL("setns: %s", strerror(errno));
		cfg.ns_fd[SRV] = cfg.ns_fd[CLI] = cfg.home_fd = -1;
		snprintf(cfg.addr, sizeof(cfg.addr), "%s",
			 cfg.family == AF_INET6 ? "::1" : "127.0.0.1");
		cfg.port = 0;
		child_hold_sessions(ready[1], go[0]);
	}
	close(nsfd);
	ASSERT_EQ(1, poll_one(ready[0], POLLIN, 20000) > 0 &&
		     read(ready[0], &c, 1) == 1) TH_LOG("the child did not set up");
	ASSERT_EQ('r', c);
	EXPECT_EQ(0, system("ip netns del " DEL_NS));
	ASSERT_EQ(1, write(go[1], "g", 1));
	c = 0;
	EXPECT_TRUE(poll_one(ready[0], POLLIN, 20000) > 0 &&
		    read(ready[0], &c, 1) == 1);
	EXPECT_EQ('3', c) TH_LOG("sessions in the deleted netns stopped working");
	sleep_ms(200);
	kill(pid, SIGKILL);
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	/* the orphaned sessions end by their timeouts; the netns goes after */
	sleep_ms(HS_MS + REL_MS + TIM_MS + 1000);
	fresh_session_works();
	expect_no_new_splat(self->splats);
}

/* ==== SIGKILL of a process holding a session ===================================== */

/* Reads one octet from a child's pipe within ms: the octet, or -1. */
static int pipe_get(int fd, int ms)
{
	char c;

	if (poll_one(fd, POLLIN, ms) <= 0 || read(fd, &c, 1) != 1)
		return -1;
	return (unsigned char)c;
}

static void kill_child(pid_t pid)
{
	int status;

	kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
}

TEST_F(lc, sigkill_while_connecting_to_a_silent_server_frees_the_transport)
{
	int rl, rport, raw, p[2];
	uint8_t *b = malloc(RAW_MAX);
	struct cotp t;
	pid_t pid;

	ASSERT_NE(NULL, b);
	rl = raw_listener(&rport);
	ASSERT_LE(0, rl);
	ASSERT_EQ(0, pipe(p));
	pid = ses_fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		int fd = ses_sock(CLI);

		if (fd < 0)
			CHILD_FAIL("socket");
		set_io_timeouts(fd, 60000);
		if (write(p[1], "c", 1) != 1)
			CHILD_FAIL("pipe");
		connect_to(fd, rport);	/* blocks: nobody answers the CR */
		_exit(0);
	}
	ASSERT_EQ('c', pipe_get(p[0], SES_WAIT_MS));
	raw = accept_within(rl, SES_WAIT_MS, 0);
	ASSERT_LE(0, raw);
	ASSERT_EQ(1, cotp_recv(raw, b, RAW_MAX, &t, SES_WAIT_MS));
	ASSERT_EQ(COTP_CR, t.code);
	sleep_ms(100);
	kill_child(pid);
	EXPECT_EQ(0, raw_wait_close(raw, SES_WAIT_MS, NULL))
		TH_LOG("the killed initiator's transport stayed open");
	close(raw);
	close(rl);
	fresh_session_works();
	free(b);
	expect_no_new_splat(self->splats);
}

#define KQ_SSDU		60000
#define KQ_MAX		250

TEST_F(lc, sigkill_with_ssdus_queued_both_ways_releases_after_the_queued_ssdus)
{
	int lfd, port, srv, p[2], n, i, mf;
	char *buf = malloc(65536);
	pid_t pid;

	ASSERT_NE(NULL, buf);
	lfd = lc_listener(&port, 16);
	ASSERT_LE(0, lfd);
	ASSERT_EQ(0, pipe(p));
	pid = ses_fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		int fd = lc_client(port), k;

		if (fd < 0 || set_nonblock(fd, true))
			CHILD_FAIL("connect: %s", strerror(errno));
		for (k = 0; k < KQ_MAX &&
		     send_pattern(fd, KQ_SSDU, k, 0) == KQ_SSDU; k++)
			;
		if (k == KQ_MAX || errno != EAGAIN)
			CHILD_FAIL("no backpressure: %d SSDUs", k);
		buf[0] = k;
		if (write(p[1], buf, 1) != 1)
			CHILD_FAIL("pipe");
		for (;;)
			pause();
	}
	srv = accept_within(lfd, SES_WAIT_MS, 0);
	ASSERT_LE(0, srv);
	/* the child never reads: fill this side's send path as well */
	ASSERT_EQ(0, set_nonblock(srv, true));
	for (i = 0; i < KQ_MAX && send_pattern(srv, KQ_SSDU, i, 0) == KQ_SSDU;
	     i++)
		;
	ASSERT_EQ(EAGAIN, errno) TH_LOG("%d SSDUs sent", i);
	n = pipe_get(p[0], SES_WAIT_MS);
	ASSERT_LT(0, n) TH_LOG("the child did not fill its queue");
	kill_child(pid);
	/* close() at exit releases in order: every queued SSDU, then EOF */
	ASSERT_EQ(0, set_nonblock(srv, false));
	for (i = 0; i < n; i++) {
		ssize_t got = recv_ssdu(srv, buf, 65536, 0, &mf);

		ASSERT_EQ(KQ_SSDU, got) TH_LOG("SSDU %d of %d: %s", i, n,
					       got < 0 ? strerror(errno) :
							 "size");
		ASSERT_EQ(KQ_SSDU, pattern_mismatch(buf, KQ_SSDU, i));
	}
	EXPECT_EQ(0, recv_ssdu(srv, buf, 65536, 0, &mf))
		TH_LOG("no EOF after the killed peer's SSDUs: %s",
		       strerror(errno));
	EXPECT_FALSE(mf & MSG_EOR);
	close(srv);
	new_session_works(lfd, port);
	close(lfd);
	free(buf);
	expect_no_new_splat(self->splats);
}

TEST_F(lc, sigkill_while_releasing_ends_in_ab_at_the_release_timeout)
{
	long long rel0 = ses_stat(CLI, "SesReleaseTimeouts"), t0, dt;
	uint8_t *b = malloc(RAW_MAX);
	int rl, rport, raw, p[2], n;
	struct spdu s;
	bool saw_ab;
	pid_t pid;

	ASSERT_NE(NULL, b);
	rl = raw_listener(&rport);
	ASSERT_LE(0, rl);
	ASSERT_EQ(0, pipe(p));
	pid = ses_fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		int fd = ses_sock(CLI);

		if (fd < 0 || set_timeouts(fd, HS_MS, REL_MS, TIM_MS) ||
		    connect_to(fd, rport) || shutdown(fd, SHUT_WR) ||
		    write(p[1], "f", 1) != 1)
			CHILD_FAIL("connect and release: %s", strerror(errno));
		for (;;)
			pause();
	}
	raw = accept_within(rl, SES_WAIT_MS, 0);
	ASSERT_LE(0, raw);
	ASSERT_EQ(0, raw_server_session(raw, -1, 0));
	ASSERT_EQ('f', pipe_get(p[0], SES_WAIT_MS));
	n = tsdu_recv(raw, b, RAW_MAX, SES_WAIT_MS);
	ASSERT_LT(0, n);
	ASSERT_EQ(0, tsdu_main_spdu(b, n, &s));
	ASSERT_EQ(SPDU_FN, s.si);
	t0 = now_ms();
	kill_child(pid);
	/* DN never comes: AB at the release timeout, then the transport goes */
	EXPECT_EQ(0, raw_wait_close(raw, REL_MS + TIM_MS + 3000, &saw_ab))
		TH_LOG("the releasing session outlived its timeouts");
	dt = now_ms() - t0;
	EXPECT_TRUE(saw_ab) TH_LOG("no AB at the release timeout");
	EXPECT_GE(REL_MS + TIM_MS + 2000, dt) TH_LOG("ended after %lld ms", dt);
	EXPECT_LT(rel0, ses_stat_reaches(CLI, "SesReleaseTimeouts", rel0 + 1,
					 2000));
	close(raw);
	close(rl);
	fresh_session_works();
	free(b);
	expect_no_new_splat(self->splats);
}

TEST_F(lc, sigkill_of_a_listener_with_queued_sessions_resets_them_and_frees_the_port)
{
	enum { N = 3 };
	int p[2], port, cli[N], raw, i, lfd;
	char c;
	pid_t pid;

	ASSERT_EQ(0, pipe(p));
	pid = ses_fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		int l = lc_listener(&port, 16);
		uint16_t pp = port;

		if (l < 0 || write(p[1], &pp, 2) != 2)
			CHILD_FAIL("listener");
		for (;;)
			pause();
	}
	{
		uint16_t pp = 0;

		ASSERT_EQ(1, poll_one(p[0], POLLIN, SES_WAIT_MS) > 0 &&
			     read(p[0], &pp, 2) == 2);
		port = pp;
	}
	for (i = 0; i < N; i++) {
		cli[i] = lc_client(port);
		ASSERT_LE(0, cli[i]) TH_LOG("queued session %d: %s", i,
					    strerror(errno));
	}
	raw = raw_connect(port);
	ASSERT_LE(0, raw);
	ASSERT_EQ(0, raw_transport_connect(raw));
	kill_child(pid);
	for (i = 0; i < N; i++) {
		EXPECT_EQ(-1, recv(cli[i], &c, 1, 0))
			TH_LOG("session %d survived its listener", i);
		EXPECT_EQ(ECONNRESET, errno);
		EXPECT_EQ(SES_AB_PEER_USER,
			  getopt_int(cli[i], SOL_SES, SES_ABORT_REASON));
		close(cli[i]);
	}
	EXPECT_EQ(0, raw_wait_close(raw, SES_WAIT_MS, NULL));
	close(raw);
	/* the port is free: a new listener takes it and serves */
	cfg.port = port;
	lfd = lc_listener(&port, 16);
	cfg.port = 0;
	ASSERT_LE(0, lfd) TH_LOG("listen again: %s", strerror(errno));
	new_session_works(lfd, port);
	close(lfd);
	expect_no_new_splat(self->splats);
}

/* ==== rmmod while SES sockets exist ============================================== */

static bool ses_module_listed(void)
{
	char line[256];
	bool found = false;
	FILE *f = fopen("/proc/modules", "r");

	if (!f)
		return false;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, "ses ", 4))
			found = true;
	fclose(f);
	return found;
}

static long ses_module_refcnt(void)
{
	long v = -1;
	FILE *f = fopen("/sys/module/ses/refcnt", "r");

	if (!f)
		return -1;
	if (fscanf(f, "%ld", &v) != 1)
		v = -1;
	fclose(f);
	return v;
}

TEST_F(lc, rmmod_fails_while_an_ses_socket_exists)
{
	long ref0, ref1, ref2, per_sock;
	struct ses_pair p;
	int fd, x, rc;

	fd = ses_sock(SRV);	/* loads the module if needed */
	ASSERT_LE(0, fd);
	if (!ses_module_listed() || ses_module_refcnt() < 0) {
		close(fd);
		SKIP(return, "ses is not a loaded module here");
	}
	/* what one socket holds of the module */
	ref0 = ses_module_refcnt();
	x = ses_sock(SRV);
	ASSERT_LE(0, x);
	per_sock = ses_module_refcnt() - ref0;
	close(x);
	EXPECT_LT(0, per_sock) TH_LOG("a socket holds no module reference");
	EXPECT_EQ(ref0, ses_module_refcnt());

	ses_pair_open(&p);
	ref0 = ses_module_refcnt();
	rc = system("rmmod ses 2>/dev/null");
	if (WIFEXITED(rc) && WEXITSTATUS(rc) == 127) {
		ses_pair_close(&p);
		close(fd);
		SKIP(return, "no rmmod here");
	}
	EXPECT_NE(0, rc) TH_LOG("rmmod succeeded with SES sockets open");
	ASSERT_TRUE(ses_module_listed()) TH_LOG("the module is gone");

	/* a closed session still releasing (FN out, no DN) holds it too */
	ASSERT_EQ(0, setopt_int(p.srv, SOL_SES, SES_RELEASE_TIMEOUT, 1000));
	ASSERT_EQ(0, shutdown(p.srv, SHUT_WR));
	ASSERT_EQ(0, close(p.srv));
	p.srv = -1;
	ref1 = ses_module_refcnt();
	EXPECT_LT(ref0 - per_sock, ref1)
		TH_LOG("the releasing session holds no module reference (%ld, was %ld)",
		       ref1, ref0);
	rc = system("rmmod ses 2>/dev/null");
	EXPECT_NE(0, rc);
	ASSERT_TRUE(ses_module_listed());
	/* its release timeout ends it, and its reference goes */
	sleep_ms(1000 + TIM_MS + 1000);
	ref2 = ses_module_refcnt();
	EXPECT_EQ(ref0 - per_sock, ref2)
		TH_LOG("after the release timeout: %ld, expected %ld", ref2,
		       ref0 - per_sock);
	ses_pair_close(&p);
	close(fd);
	fresh_session_works();
	expect_no_new_splat(self->splats);
}

SES_TEST_MAIN
