/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Shared helpers of the SES selftests.
 *
 * Every program links one translation unit: this header, the kselftest
 * harness and its own TEST()s.  The options below choose the
 * configuration the tests run in; everything else passes through to the
 * harness (-l lists the tests, -t NAME runs one).
 *
 *	-4 | -6		address family (default -4)
 *	-a ADDR		address the server binds and the client connects to
 *			(default 127.0.0.1 or ::1)
 *	-p PORT		fixed listener port (default: an ephemeral one)
 *	-S NETNS	create server-side sockets in this netns
 *	-C NETNS	create client-side sockets in this netns
 *
 * NETNS is a name under /run/netns (ip netns add) or a path.  The test
 * process switches into a namespace with setns() only to create a socket
 * or open a /proc file there, so one test can hold the server in one
 * namespace and the client in the other, and still check both ends.
 *
 * Raw helpers speak the wire by hand (TPKT, COTP class 0, SPDUs) for the
 * tests where one end is a plain TCP socket standing for a foreign ISO
 * peer.
 */
#ifndef SES_TEST_H
#define SES_TEST_H

#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <net/if.h>
#include <netinet/in.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <linux/ses.h>

#include "kselftest_harness.h"

/* Tests run under TCG emulation too, ten times slower than native. */
#undef TEST_TIMEOUT_DEFAULT
#define TEST_TIMEOUT_DEFAULT	60

#define SES_HELPER		static __attribute__((unused))

/* Bound on every blocking socket call a test makes (SO_RCVTIMEO/SNDTIMEO). */
#define SES_IO_TIMEOUT_MS	10000
/* How long a test waits for something the peer should do "at once". */
#define SES_WAIT_MS		5000

#define SES_PROC_STAT		"/proc/net/ses_stat"
#define SES_SYSCTL_DIR		"/proc/sys/net/ses/"
#define SES_MAX_SSDU_DEFAULT	1048576
/*
 * TIM for tests where SES sends AB, RF or DN to a raw peer that does not
 * disconnect: SES then holds the transport until TIM expires (X.225).
 */
#define SES_TIM_SHORT_MS	300

enum ses_side { SRV = 0, CLI = 1 };

struct ses_cfg {
	int family;
	char addr[INET6_ADDRSTRLEN];
	int port;
	const char *ns_name[2];
	int ns_fd[2];
	int home_fd;
};

static struct ses_cfg cfg = {
	.family = AF_INET,
	.ns_fd = { -1, -1 },
	.home_fd = -1,
};

/* ---- namespaces ---------------------------------------------------- */

SES_HELPER void ses_enter(int side)
{
	if (cfg.ns_fd[side] >= 0 && setns(cfg.ns_fd[side], CLONE_NEWNET)) {
		perror("setns");
		abort();
	}
}

SES_HELPER void ses_leave(void)
{
	if (cfg.home_fd >= 0 && setns(cfg.home_fd, CLONE_NEWNET)) {
		perror("setns home");
		abort();
	}
}

/* Run a shell command in the namespace of one side; returns its status. */
SES_HELPER int ses_system(int side, const char *cmd)
{
	int ret;

	fflush(stdout);
	fflush(stderr);
	ses_enter(side);
	ret = system(cmd);
	ses_leave();
	return ret;
}

/* ---- time, patterns ------------------------------------------------- */

SES_HELPER long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

SES_HELPER void sleep_ms(int ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

static inline uint32_t xorshift32(uint32_t *s)
{
	uint32_t x = *s;

	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	return *s = x;
}

/* Deterministic content of an SSDU: a function of its seed only. */
SES_HELPER void fill_pattern(void *buf, size_t len, uint32_t seed)
{
	uint32_t s = seed * 2654435761u + 0x9e3779b9u;
	uint8_t *b = buf;
	size_t i;

	if (!s)
		s = 1;
	for (i = 0; i < len; i++)
		b[i] = xorshift32(&s) >> 24;
}

/* Index of the first octet that differs from the pattern, len if none. */
SES_HELPER size_t pattern_mismatch(const void *buf, size_t len, uint32_t seed)
{
	uint32_t s = seed * 2654435761u + 0x9e3779b9u;
	const uint8_t *b = buf;
	size_t i;

	if (!s)
		s = 1;
	for (i = 0; i < len; i++)
		if (b[i] != (uint8_t)(xorshift32(&s) >> 24))
			return i;
	return len;
}

/* ---- sockets -------------------------------------------------------- */

SES_HELPER void set_io_timeouts(int fd, int ms)
{
	struct timeval tv = { ms / 1000, (ms % 1000) * 1000 };

	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
}

SES_HELPER int sock_in(int side, int family, int type, int proto)
{
	int fd, err;

	ses_enter(side);
	fd = socket(family, type, proto);
	err = errno;
	ses_leave();
	if (fd >= 0)
		set_io_timeouts(fd, SES_IO_TIMEOUT_MS);
	errno = err;
	return fd;
}

SES_HELPER int ses_sock(int side)
{
	return sock_in(side, cfg.family, SOCK_SEQPACKET, IPPROTO_SES);
}

SES_HELPER int tcp_sock(int side)
{
	return sock_in(side, cfg.family, SOCK_STREAM, IPPROTO_TCP);
}

SES_HELPER socklen_t ses_addr(struct sockaddr_storage *ss, int port)
{
	memset(ss, 0, sizeof(*ss));
	if (cfg.family == AF_INET6) {
		struct sockaddr_in6 *s6 = (void *)ss;

		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons(port);
		inet_pton(AF_INET6, cfg.addr, &s6->sin6_addr);
		return sizeof(*s6);
	} else {
		struct sockaddr_in *s4 = (void *)ss;

		s4->sin_family = AF_INET;
		s4->sin_port = htons(port);
		inet_pton(AF_INET, cfg.addr, &s4->sin_addr);
		return sizeof(*s4);
	}
}

SES_HELPER int sa_port(const struct sockaddr_storage *ss)
{
	if (ss->ss_family == AF_INET6)
		return ntohs(((const struct sockaddr_in6 *)ss)->sin6_port);
	return ntohs(((const struct sockaddr_in *)ss)->sin_port);
}

/* Same family, address and port. */
SES_HELPER bool sa_equal(const struct sockaddr_storage *a,
			 const struct sockaddr_storage *b)
{
	if (a->ss_family != b->ss_family)
		return false;
	if (a->ss_family == AF_INET6) {
		const struct sockaddr_in6 *x = (const void *)a, *y = (const void *)b;

		return x->sin6_port == y->sin6_port &&
		       !memcmp(&x->sin6_addr, &y->sin6_addr, 16);
	} else {
		const struct sockaddr_in *x = (const void *)a, *y = (const void *)b;

		return x->sin_port == y->sin_port &&
		       x->sin_addr.s_addr == y->sin_addr.s_addr;
	}
}

SES_HELPER int sock_port(int fd)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);

	if (getsockname(fd, (void *)&ss, &len))
		return -1;
	return sa_port(&ss);
}

SES_HELPER int bind_listen(int fd, int port)
{
	struct sockaddr_storage ss;
	socklen_t len = ses_addr(&ss, port);
	int one = 1;

	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, (void *)&ss, len))
		return -1;
	return listen(fd, 16);
}

SES_HELPER int connect_to(int fd, int port)
{
	struct sockaddr_storage ss;
	socklen_t len = ses_addr(&ss, port);

	return connect(fd, (void *)&ss, len);
}

SES_HELPER int set_nonblock(int fd, bool on)
{
	int fl = fcntl(fd, F_GETFL);

	if (fl < 0)
		return -1;
	return fcntl(fd, F_SETFL, on ? fl | O_NONBLOCK : fl & ~O_NONBLOCK);
}

/* revents of one poll() on fd, 0 on timeout, -1 on error. */
SES_HELPER int poll_one(int fd, short events, int timeout_ms)
{
	struct pollfd p = { .fd = fd, .events = events };
	int ret;

	do {
		ret = poll(&p, 1, timeout_ms);
	} while (ret < 0 && errno == EINTR);
	if (ret <= 0)
		return ret;
	return p.revents;
}

/*
 * Polls fd for events until one of want (a subset) is reported, or an
 * error or hangup; returns the last revents, 0 on timeout.
 */
SES_HELPER int wait_for(int fd, short events, short want, int timeout_ms)
{
	long long end = now_ms() + timeout_ms;
	int rev;

	do {
		rev = poll_one(fd, events, (int)(end - now_ms()));
		if (rev < 0)
			return rev;
		if (rev & (want | POLLERR | POLLHUP | POLLNVAL))
			return rev;
		if (rev)	/* events not waited for: do not spin */
			sleep_ms(10);
	} while (now_ms() < end);
	return rev > 0 ? rev : 0;
}

/* Waits until any of events (or an error or hangup) is reported. */
SES_HELPER int wait_events(int fd, short events, int timeout_ms)
{
	return wait_for(fd, events, events, timeout_ms);
}

SES_HELPER int accept_within(int lfd, int timeout_ms, int flags)
{
	int fd;

	if (!(poll_one(lfd, POLLIN, timeout_ms) & POLLIN)) {
		errno = ETIMEDOUT;
		return -1;
	}
	fd = accept4(lfd, NULL, NULL, flags);
	if (fd >= 0)
		set_io_timeouts(fd, SES_IO_TIMEOUT_MS);
	return fd;
}

SES_HELPER int so_error(int fd)
{
	int err = -1;
	socklen_t len = sizeof(err);

	if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len))
		return -errno;
	return err;
}

SES_HELPER int getopt_int(int fd, int level, int name)
{
	int v = INT_MIN;
	socklen_t len = sizeof(v);

	if (getsockopt(fd, level, name, &v, &len))
		return INT_MIN;
	return v;
}

SES_HELPER int setopt_int(int fd, int level, int name, int v)
{
	return setsockopt(fd, level, name, &v, sizeof(v));
}

SES_HELPER int ses_get_info(int fd, struct ses_info *info)
{
	socklen_t len = sizeof(*info);

	memset(info, 0, sizeof(*info));
	if (getsockopt(fd, SOL_SES, SES_INFO, info, &len))
		return -1;
	if (len != sizeof(*info)) {
		errno = EMSGSIZE;
		return -1;
	}
	return 0;
}

/* recvmsg() of one SSDU; *mflags gets msg_flags. */
SES_HELPER ssize_t recv_ssdu(int fd, void *buf, size_t cap, int flags,
			     int *mflags)
{
	struct iovec iov = { .iov_base = buf, .iov_len = cap };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1 };
	ssize_t n;

	n = recvmsg(fd, &msg, flags);
	if (mflags)
		*mflags = n < 0 ? 0 : msg.msg_flags;
	return n;
}

SES_HELPER ssize_t send_pattern(int fd, size_t len, uint32_t seed, int flags)
{
	void *buf = malloc(len ? len : 1);
	ssize_t n;
	int err;

	if (!buf)
		return -1;
	fill_pattern(buf, len, seed);
	n = send(fd, buf, len, flags);
	err = errno;
	free(buf);
	errno = err;
	return n;
}

/* ---- a listener and an established session -------------------------- */

struct ses_pair {
	int lfd;	/* listener (server side) */
	int cli;	/* connected client */
	int srv;	/* accepted server socket */
	int port;
};

SES_HELPER void ses_pair_close(struct ses_pair *p)
{
	if (p->cli >= 0)
		close(p->cli);
	if (p->srv >= 0)
		close(p->srv);
	if (p->lfd >= 0)
		close(p->lfd);
	p->cli = p->srv = p->lfd = -1;
}

/* An SES listener on cfg.addr (port cfg.port or ephemeral), or -1. */
SES_HELPER int ses_listener(int *port)
{
	int fd = ses_sock(SRV);

	if (fd < 0)
		return -1;
	if (bind_listen(fd, cfg.port)) {
		int err = errno;

		close(fd);
		errno = err;
		return -1;
	}
	if (port)
		*port = sock_port(fd);
	return fd;
}

/* Client on the client side connected to the listener, and its accept. */
SES_HELPER void __ses_connect_accept(struct __test_metadata *_metadata,
				     struct ses_pair *p)
{
	p->cli = ses_sock(CLI);
	ASSERT_LE(0, p->cli) TH_LOG("client socket: %s", strerror(errno));
	ASSERT_EQ(0, connect_to(p->cli, p->port))
		TH_LOG("connect: %s", strerror(errno));
	p->srv = accept_within(p->lfd, SES_WAIT_MS, 0);
	ASSERT_LE(0, p->srv) TH_LOG("accept: %s", strerror(errno));
}

/* Listener, client and accepted socket with default options. */
SES_HELPER void __ses_pair_open(struct __test_metadata *_metadata,
				struct ses_pair *p)
{
	p->cli = p->srv = -1;
	p->lfd = ses_listener(&p->port);
	ASSERT_LE(0, p->lfd) TH_LOG("listener: %s", strerror(errno));
	__ses_connect_accept(_metadata, p);
}
#define ses_pair_open(p)	__ses_pair_open(_metadata, p)
#define ses_connect_accept(p)	__ses_connect_accept(_metadata, p)

/* ---- counters and sysctls ------------------------------------------- */

/* Value of one /proc/net/ses_stat counter in a side's netns, -1 if none. */
SES_HELPER long long ses_stat(int side, const char *name)
{
	char line[256], key[128];
	long long val, ret = -1;
	FILE *f;

	ses_enter(side);
	f = fopen(SES_PROC_STAT, "r");
	ses_leave();
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%127s %lld", key, &val) == 2 &&
		    !strcmp(key, name)) {
			ret = val;
			break;
		}
	}
	fclose(f);
	return ret;
}

SES_HELPER int sysctl_get(int side, const char *name, long *val)
{
	char path[256], buf[64];
	int fd, err;
	ssize_t n;

	snprintf(path, sizeof(path), SES_SYSCTL_DIR "%s", name);
	ses_enter(side);
	fd = open(path, O_RDONLY);
	err = errno;
	ses_leave();
	if (fd < 0)
		return -err;
	n = read(fd, buf, sizeof(buf) - 1);
	err = errno;
	close(fd);
	if (n <= 0)
		return n < 0 ? -err : -EIO;
	buf[n] = 0;
	*val = strtol(buf, NULL, 10);
	return 0;
}

/* 0, or -errno of the open() or write(). */
SES_HELPER int sysctl_set(int side, const char *name, long val)
{
	char path[256], buf[64];
	int fd, err, len;
	ssize_t n;

	snprintf(path, sizeof(path), SES_SYSCTL_DIR "%s", name);
	len = snprintf(buf, sizeof(buf), "%ld\n", val);
	ses_enter(side);
	fd = open(path, O_WRONLY);
	err = errno;
	ses_leave();
	if (fd < 0)
		return -err;
	n = write(fd, buf, len);
	err = errno;
	close(fd);
	if (n < 0)
		return -err;
	return n == len ? 0 : -EIO;
}

SES_HELPER long ses_max_ssdu(void)
{
	long v;

	if (sysctl_get(SRV, "max_ssdu", &v) || v <= 0)
		return SES_MAX_SSDU_DEFAULT;
	return v;
}

/* ---- signals --------------------------------------------------------- */

static volatile sig_atomic_t ses_sigpipes;

static void ses_on_sigpipe(int sig)
{
	(void)sig;
	ses_sigpipes++;
}

SES_HELPER void count_sigpipe(void)
{
	struct sigaction sa = { .sa_handler = ses_on_sigpipe };

	sigaction(SIGPIPE, &sa, NULL);
	ses_sigpipes = 0;
}

/* ---- a helper process --------------------------------------------------
 *
 * Some checks need two ends acting at once (a reader while a writer
 * blocks).  The second end runs in a child that exits 0 on success or
 * 1..255 on failure (it prints why to stderr).
 */
#define CHILD_FAIL(...) do {						\
	fprintf(stderr, "# child: " __VA_ARGS__);			\
	fprintf(stderr, "\n");						\
	_exit(1);							\
} while (0)

SES_HELPER pid_t ses_fork(void)
{
	fflush(stdout);
	fflush(stderr);
	return fork();
}

/* Exit status of the child, -1 if it did not exit normally in time. */
SES_HELPER int child_wait(pid_t pid, int timeout_ms)
{
	long long end = now_ms() + timeout_ms;
	int status;

	for (;;) {
		pid_t r = waitpid(pid, &status, WNOHANG);

		if (r == pid)
			return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
		if (r < 0)
			return -1;
		if (now_ms() > end) {
			kill(pid, SIGKILL);
			waitpid(pid, &status, 0);
			return -1;
		}
		sleep_ms(10);
	}
}

/* ==== the wire, by hand ================================================
 *
 * TPKT (RFC 1006): 03 00 LEN16, LEN counting the 4-octet header.
 * COTP class 0 (X.224): LI, code, ...; DT is 02 F0 80 (EOT) + TSDU.
 * SPDU (X.225): SI, LI (1 octet, or FF + 2 octets), parameters, user
 * information.  A data TSDU is GT + DT: 01 00 01 00 <user data>.
 */
#define TPKT_VERSION		3
#define TPKT_HDR		4

#define COTP_CR			0xe0
#define COTP_CC			0xd0
#define COTP_DR			0x80
#define COTP_DT			0xf0
#define COTP_ER			0x70
#define COTP_EOT		0x80
#define COTP_PAR_TPDU_SIZE	0xc0
#define COTP_TPDU_8192		0x0d
#define COTP_DT_MAX		(8192 - 3)

#define SPDU_DT			1	/* also GT */
#define SPDU_GT			1
#define SPDU_PT			2
#define SPDU_NF			8
#define SPDU_FN			9
#define SPDU_DN			10
#define SPDU_RF			12
#define SPDU_CN			13
#define SPDU_AC			14
#define SPDU_AB			25
#define SPDU_AA			26

#define PGI_CONN_ID		1
#define PGI_CONN_ACCEPT		5
#define PGI_LINKING		33
#define PGI_USER_DATA		193
#define PGI_EXT_USER_DATA	194
#define PI_TOKEN_ITEM		16
#define PI_TRANSPORT_DISC	17
#define PI_PROTOCOL_OPTIONS	19
#define PI_SESSION_REQ		20
#define PI_TSDU_MAX		21
#define PI_VERSION		22
#define PI_INITIAL_SERIAL	23
#define PI_ENCLOSURE		25
#define PI_TOKEN_SETTING	26
#define PI_REASON		50
#define PI_CALLING_SSEL		51
#define PI_CALLED_SSEL		52
#define PI_DATA_OVERFLOW	60

#define ENC_BEGIN		0x01
#define ENC_END			0x02

/* AB transport-disconnect bits (PI 17) */
#define TD_RELEASED		0x01
#define TD_USER_ABORT		0x02
#define TD_PROTOCOL_ERROR	0x04

#define RAW_MAX			70000

static uint8_t raw_last_code;	/* COTP code of the last TPDU read */

/*
 * Writes all of buf, waiting for room on a nonblocking socket too, but
 * for at most SES_WAIT_MS in all (then -1, ETIMEDOUT): a frame is never
 * left half written by a retry.
 */
SES_HELPER int write_all(int fd, const void *buf, size_t len)
{
	long long end = now_ms() + SES_WAIT_MS;
	const uint8_t *p = buf;

	while (len) {
		ssize_t n = send(fd, p, len, MSG_NOSIGNAL | MSG_DONTWAIT);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno != EAGAIN)
				return -1;
			if (now_ms() > end) {
				errno = ETIMEDOUT;
				return -1;
			}
			poll_one(fd, POLLOUT, 100);
			continue;
		}
		p += n;
		len -= n;
	}
	return 0;
}

/*
 * Reads exactly len octets before the deadline: 1 done, 0 EOF before the
 * first octet, -1 error (errno ETIMEDOUT, ECONNRESET, EPROTO = EOF inside).
 */
SES_HELPER int read_exact(int fd, void *buf, size_t len, long long deadline)
{
	uint8_t *p = buf;
	size_t got = 0;

	while (got < len) {
		long long left = deadline - now_ms();
		ssize_t n;

		if (left <= 0 || !(poll_one(fd, POLLIN, (int)left) &
				   (POLLIN | POLLHUP | POLLERR))) {
			errno = ETIMEDOUT;
			return -1;
		}
		n = recv(fd, p + got, len - got, MSG_DONTWAIT);
		if (n < 0) {
			if (errno == EINTR || errno == EAGAIN)
				continue;
			return -1;
		}
		if (n == 0) {
			if (!got)
				return 0;
			errno = EPROTO;
			return -1;
		}
		got += n;
	}
	return 1;
}

SES_HELPER int tpkt_send(int fd, const void *payload, size_t len)
{
	uint8_t *b = malloc(len + TPKT_HDR);
	int ret;

	if (!b)
		return -1;
	b[0] = TPKT_VERSION;
	b[1] = 0;
	b[2] = (len + TPKT_HDR) >> 8;
	b[3] = (len + TPKT_HDR) & 0xff;
	memcpy(b + TPKT_HDR, payload, len);
	ret = write_all(fd, b, len + TPKT_HDR);
	free(b);
	return ret;
}

/* Payload length of the next TPKT (> 0), 0 on EOF, -1 on error. */
SES_HELPER int tpkt_recv(int fd, uint8_t *buf, size_t cap, int timeout_ms)
{
	long long deadline = now_ms() + timeout_ms;
	uint8_t h[TPKT_HDR];
	size_t len;
	int ret;

	ret = read_exact(fd, h, sizeof(h), deadline);
	if (ret <= 0)
		return ret;
	len = (h[2] << 8 | h[3]);
	if (h[0] != TPKT_VERSION || len <= TPKT_HDR + 1 ||
	    len - TPKT_HDR > cap) {
		errno = EPROTO;
		return -1;
	}
	len -= TPKT_HDR;
	ret = read_exact(fd, buf, len, deadline);
	if (ret == 0)
		errno = EPROTO;
	return ret == 1 ? (int)len : -1;
}

struct cotp {
	uint8_t code;		/* high nibble of the TPDU code octet */
	bool eot;
	const uint8_t *hdr;	/* LI octet onwards */
	size_t hdrlen;		/* LI + 1 */
	const uint8_t *data;	/* user data */
	size_t len;
};

/* Next TPDU into buf: 1 got, 0 EOF, -1 error. */
SES_HELPER int cotp_recv(int fd, uint8_t *buf, size_t cap, struct cotp *t,
			 int timeout_ms)
{
	int n = tpkt_recv(fd, buf, cap, timeout_ms);

	if (n <= 0)
		return n;
	if (buf[0] + 1 > n || buf[0] < 1) {
		errno = EPROTO;
		return -1;
	}
	t->code = buf[1] & 0xf0;
	t->eot = t->code == COTP_DT && n >= 3 && (buf[2] & COTP_EOT);
	t->hdr = buf;
	t->hdrlen = buf[0] + 1;
	t->data = buf + t->hdrlen;
	t->len = n - t->hdrlen;
	raw_last_code = t->code;
	return 1;
}

/* CR: LI 9, E0, dst-ref 0000, src-ref 0001, class 0, TPDU size 8192. */
SES_HELPER int cotp_send_cr(int fd)
{
	static const uint8_t cr[] = { 0x09, COTP_CR, 0x00, 0x00, 0x00, 0x01,
				      0x00, COTP_PAR_TPDU_SIZE, 0x01,
				      COTP_TPDU_8192 };

	return tpkt_send(fd, cr, sizeof(cr));
}

SES_HELPER int cotp_send_cc(int fd, uint16_t dst_ref)
{
	uint8_t cc[] = { 0x09, COTP_CC, dst_ref >> 8, dst_ref & 0xff,
			 0x00, 0x02, 0x00, COTP_PAR_TPDU_SIZE, 0x01,
			 COTP_TPDU_8192 };

	return tpkt_send(fd, cc, sizeof(cc));
}

/* One TSDU in as many DT TPDUs as the 8192-octet TPDU size needs. */
SES_HELPER int cotp_send_dt(int fd, const void *tsdu, size_t len)
{
	uint8_t *b = malloc(COTP_DT_MAX + 3);
	const uint8_t *p = tsdu;
	int ret = 0;

	if (!b)
		return -1;
	do {
		size_t n = len > COTP_DT_MAX ? COTP_DT_MAX : len;

		b[0] = 2;
		b[1] = COTP_DT;
		b[2] = n == len ? COTP_EOT : 0;
		memcpy(b + 3, p, n);
		ret = tpkt_send(fd, b, n + 3);
		p += n;
		len -= n;
	} while (!ret && len);
	free(b);
	return ret;
}

/*
 * Next TSDU (DT TPDUs up to EOT): its length (> 0), 0 on EOF, -1 on
 * error; errno EPROTO with raw_last_code set if another TPDU came.
 */
SES_HELPER int tsdu_recv(int fd, uint8_t *buf, size_t cap, int timeout_ms)
{
	long long deadline = now_ms() + timeout_ms;
	uint8_t *t = malloc(RAW_MAX);
	size_t got = 0;
	int ret;

	if (!t)
		return -1;
	for (;;) {
		struct cotp c;

		ret = cotp_recv(fd, t, RAW_MAX, &c,
				(int)(deadline - now_ms()));
		if (ret <= 0)
			break;
		if (c.code != COTP_DT) {
			errno = EPROTO;
			ret = -1;
			break;
		}
		if (got + c.len > cap) {
			errno = EMSGSIZE;
			ret = -1;
			break;
		}
		memcpy(buf + got, c.data, c.len);
		got += c.len;
		if (c.eot) {
			ret = (int)got;
			break;
		}
	}
	free(t);
	return ret;
}

/* ---- SPDUs ------------------------------------------------------------ */

struct spdu {
	uint8_t si;
	const uint8_t *par;	/* parameter field */
	size_t plen;
	const uint8_t *ui;	/* what follows the parameters in the TSDU */
	size_t uilen;
};

/* Parses the SPDU at b: 0, or -1 if the LI runs past n. */
SES_HELPER int spdu_parse(const uint8_t *b, size_t n, struct spdu *s)
{
	size_t hl = 2, li;

	if (n < 2)
		return -1;
	li = b[1];
	if (li == 0xff) {
		if (n < 4)
			return -1;
		li = b[2] << 8 | b[3];
		hl = 4;
	}
	if (hl + li > n)
		return -1;
	s->si = b[0];
	s->par = b + hl;
	s->plen = li;
	s->ui = b + hl + li;
	s->uilen = n - hl - li;
	return 0;
}

/*
 * The SPDU that matters in a TSDU: a leading GT or PT (category 0, which
 * ISO concatenates with a category 2 SPDU) is skipped when more follows.
 */
SES_HELPER int tsdu_main_spdu(const uint8_t *b, size_t n, struct spdu *s)
{
	if (spdu_parse(b, n, s))
		return -1;
	if ((s->si == SPDU_GT || s->si == SPDU_PT) && s->uilen)
		return spdu_parse(s->ui, s->uilen, s);
	return 0;
}

/*
 * Finds PI code in a parameter field, looking inside the PGIs that hold
 * PIs (1, 5, 33): 1 found, 0 absent, -1 malformed.
 */
SES_HELPER int spdu_param(const uint8_t *p, size_t n, uint8_t code,
			  const uint8_t **val, size_t *vlen)
{
	while (n) {
		size_t hl = 2, len;
		uint8_t c = p[0];

		if (n < 2)
			return -1;
		len = p[1];
		if (len == 0xff) {
			if (n < 4)
				return -1;
			len = p[2] << 8 | p[3];
			hl = 4;
		}
		if (hl + len > n)
			return -1;
		if (c == code) {
			*val = p + hl;
			*vlen = len;
			return 1;
		}
		if (c == PGI_CONN_ID || c == PGI_CONN_ACCEPT ||
		    c == PGI_LINKING) {
			int r = spdu_param(p + hl, len, code, val, vlen);

			if (r)
				return r;
		}
		p += hl + len;
		n -= hl + len;
	}
	return 0;
}

/* Value of a 1- or 2-octet PI as an integer, -1 if absent or malformed. */
SES_HELPER long spdu_param_uint(const struct spdu *s, uint8_t code)
{
	const uint8_t *v;
	size_t vl, i;
	long x = 0;

	if (spdu_param(s->par, s->plen, code, &v, &vl) != 1 || !vl || vl > 4)
		return -1;
	for (i = 0; i < vl; i++)
		x = x << 8 | v[i];
	return x;
}

/* A PI or PGI: code, LI (short or long form), value. */
SES_HELPER size_t put_item(uint8_t *o, uint8_t code, const void *v, size_t n)
{
	size_t hl = 2;

	o[0] = code;
	if (n < 255) {
		o[1] = n;
	} else {
		o[1] = 0xff;
		o[2] = n >> 8;
		o[3] = n & 0xff;
		hl = 4;
	}
	if (n)
		memcpy(o + hl, v, n);
	return hl + n;
}

/* SPDU header and parameters; user information is appended by callers. */
SES_HELPER size_t put_spdu(uint8_t *o, uint8_t si, const void *par, size_t n)
{
	return put_item(o, si, par, n);
}

/* The Connect/Accept Item: protocol options 0, [TSDU sizes], version 2. */
SES_HELPER size_t put_accept_item(uint8_t *o, int tsdu_i2r, int tsdu_r2i)
{
	uint8_t g[32], *p = g;
	uint8_t opt = 0, ver = 0x02;

	p += put_item(p, PI_PROTOCOL_OPTIONS, &opt, 1);
	if (tsdu_i2r >= 0) {
		uint8_t t[4] = { tsdu_i2r >> 8, tsdu_i2r & 0xff,
				 tsdu_r2i >> 8, tsdu_r2i & 0xff };

		p += put_item(p, PI_TSDU_MAX, t, 4);
	}
	p += put_item(p, PI_VERSION, &ver, 1);
	return put_item(o, PGI_CONN_ACCEPT, g, p - g);
}

/*
 * CN proposing functional units fu; called_ssel may be NULL; tsdu_i2r < 0
 * leaves out the TSDU Maximum Size.  Returns the SPDU length.
 */
SES_HELPER size_t build_cn(uint8_t *o, unsigned int fu, const char *called,
			   int tsdu_i2r, int tsdu_r2i)
{
	uint8_t par[128], *p = par;
	uint8_t f[2] = { fu >> 8, fu & 0xff };

	p += put_accept_item(p, tsdu_i2r, tsdu_r2i);
	p += put_item(p, PI_SESSION_REQ, f, 2);
	if (called)
		p += put_item(p, PI_CALLED_SSEL, called, strlen(called));
	return put_spdu(o, SPDU_CN, par, p - par);
}

SES_HELPER size_t build_ac(uint8_t *o, unsigned int fu, int tsdu_i2r,
			   int tsdu_r2i)
{
	uint8_t par[64], *p = par;
	uint8_t f[2] = { fu >> 8, fu & 0xff };

	p += put_accept_item(p, tsdu_i2r, tsdu_r2i);
	p += put_item(p, PI_SESSION_REQ, f, 2);
	return put_spdu(o, SPDU_AC, par, p - par);
}

SES_HELPER size_t build_rf(uint8_t *o, uint8_t reason)
{
	uint8_t par[16], *p = par, td = TD_RELEASED;

	p += put_item(p, PI_TRANSPORT_DISC, &td, 1);
	p += put_item(p, PI_REASON, &reason, 1);
	return put_spdu(o, SPDU_RF, par, p - par);
}

/* GT + DT: 01 00 01 00 <data>. */
SES_HELPER size_t build_dt(uint8_t *o, const void *data, size_t n)
{
	o[0] = SPDU_GT;
	o[1] = 0;
	o[2] = SPDU_DT;
	o[3] = 0;
	memcpy(o + 4, data, n);
	return 4 + n;
}

/* GT + DT with an Enclosure Item: one segment of a segmented SSDU. */
SES_HELPER size_t build_dt_segment(uint8_t *o, uint8_t enclosure,
				   const void *data, size_t n)
{
	uint8_t par[3];
	size_t l;

	o[0] = SPDU_GT;
	o[1] = 0;
	l = put_item(par, PI_ENCLOSURE, &enclosure, 1);
	l = put_spdu(o + 2, SPDU_DT, par, l) + 2;
	memcpy(o + l, data, n);
	return l + n;
}

SES_HELPER size_t build_fn(uint8_t *o)
{
	uint8_t par[3], td = TD_RELEASED;

	return put_spdu(o, SPDU_FN, par, put_item(par, PI_TRANSPORT_DISC,
						   &td, 1));
}

SES_HELPER size_t build_dn(uint8_t *o)
{
	return put_spdu(o, SPDU_DN, NULL, 0);
}

SES_HELPER size_t build_ab(uint8_t *o, uint8_t td)
{
	uint8_t par[3];

	return put_spdu(o, SPDU_AB, par, put_item(par, PI_TRANSPORT_DISC,
						   &td, 1));
}

/* ---- raw peers --------------------------------------------------------- */

/* A plain TCP client on the client side, connected to port, or -1. */
SES_HELPER int raw_connect(int port)
{
	int fd = tcp_sock(CLI);

	if (fd < 0)
		return -1;
	if (connect_to(fd, port)) {
		int err = errno;

		close(fd);
		errno = err;
		return -1;
	}
	return fd;
}

/* A plain TCP listener on the server side, or -1. */
SES_HELPER int raw_listener(int *port)
{
	int fd = tcp_sock(SRV);

	if (fd < 0)
		return -1;
	if (bind_listen(fd, 0)) {
		int err = errno;

		close(fd);
		errno = err;
		return -1;
	}
	*port = sock_port(fd);
	return fd;
}

/* CR, then CC expected: 0 or -1. */
SES_HELPER int raw_transport_connect(int fd)
{
	uint8_t *b = malloc(RAW_MAX);
	struct cotp t;
	int ret = -1;

	if (b && !cotp_send_cr(fd) &&
	    cotp_recv(fd, b, RAW_MAX, &t, SES_WAIT_MS) == 1 &&
	    t.code == COTP_CC)
		ret = 0;
	free(b);
	return ret;
}

/*
 * Transport connection, then the given CN; the reply TSDU goes to reply
 * (RAW_MAX octets).  Returns the reply's main SI, or -1.
 */
SES_HELPER int raw_session_connect(int fd, const uint8_t *cn, size_t cnlen,
				   uint8_t *reply, int *replylen)
{
	struct spdu s;
	int n;

	if (raw_transport_connect(fd) || cotp_send_dt(fd, cn, cnlen))
		return -1;
	n = tsdu_recv(fd, reply, RAW_MAX, SES_WAIT_MS);
	if (n <= 0)
		return -1;
	if (replylen)
		*replylen = n;
	if (tsdu_main_spdu(reply, n, &s))
		return -1;
	return s.si;
}

/* The usual: CN proposing duplex, AC expected.  0 or -1. */
SES_HELPER int raw_client_session(int fd)
{
	uint8_t cn[128], *reply = malloc(RAW_MAX);
	size_t l = build_cn(cn, SES_FU_DUPLEX, NULL, -1, 0);
	int si = -1;

	if (reply)
		si = raw_session_connect(fd, cn, l, reply, NULL);
	free(reply);
	return si == SPDU_AC ? 0 : -1;
}

/*
 * Server side of the handshake: CR expected (answered CC), then a TSDU,
 * which must be a CN, copied to cn (RAW_MAX octets).  Returns its length,
 * or -1.
 */
SES_HELPER int raw_accept_cn(int fd, uint8_t *cn)
{
	uint8_t *b = malloc(RAW_MAX);
	struct cotp t;
	struct spdu s;
	int n = -1;

	if (!b)
		return -1;
	if (cotp_recv(fd, b, RAW_MAX, &t, SES_WAIT_MS) != 1 ||
	    t.code != COTP_CR || t.hdrlen < 7)
		goto out;
	if (cotp_send_cc(fd, t.hdr[4] << 8 | t.hdr[5]))
		goto out;
	n = tsdu_recv(fd, cn, RAW_MAX, SES_WAIT_MS);
	if (n <= 0 || tsdu_main_spdu(cn, n, &s) || s.si != SPDU_CN)
		n = -1;
out:
	free(b);
	return n;
}

/* Accepts a CN with an AC granting what it proposed (as libiec61850). */
SES_HELPER int raw_server_session(int fd, int tsdu_i2r, int tsdu_r2i)
{
	uint8_t *cn = malloc(RAW_MAX), ac[64];
	struct spdu s;
	long fu;
	int n;

	if (!cn)
		return -1;
	n = raw_accept_cn(fd, cn);
	if (n <= 0 || tsdu_main_spdu(cn, n, &s)) {
		free(cn);
		return -1;
	}
	fu = spdu_param_uint(&s, PI_SESSION_REQ);
	free(cn);
	if (fu < 0)
		fu = SES_FU_DUPLEX;
	return cotp_send_dt(fd, ac, build_ac(ac, fu, tsdu_i2r, tsdu_r2i));
}

/*
 * Reads until the peer closes (EOF or reset): 0 if it did before the
 * timeout, -1 if not.  Sets *saw_ab when an AB SPDU came on the way.
 */
SES_HELPER int raw_wait_close(int fd, int timeout_ms, bool *saw_ab)
{
	long long end = now_ms() + timeout_ms;
	uint8_t *b = malloc(RAW_MAX);
	int ret = -1;

	if (saw_ab)
		*saw_ab = false;
	while (b && now_ms() < end) {
		struct cotp t;
		struct spdu s;
		int r = cotp_recv(fd, b, RAW_MAX, &t, (int)(end - now_ms()));

		if (r == 0 || (r < 0 && (errno == ECONNRESET ||
					 errno == EPIPE))) {
			ret = 0;
			break;
		}
		if (r < 0) {
			if (errno != EPROTO)
				break;
			/* unframed junk: skip it */
			continue;
		}
		if (t.code == COTP_DT && t.len &&
		    !tsdu_main_spdu(t.data, t.len, &s) && s.si == SPDU_AB &&
		    saw_ab)
			*saw_ab = true;
	}
	free(b);
	return ret;
}

/* ---- main ------------------------------------------------------------------ */

SES_HELPER int ses_open_ns(const char *name)
{
	char path[256];
	int fd;

	if (strchr(name, '/'))
		snprintf(path, sizeof(path), "%s", name);
	else
		snprintf(path, sizeof(path), "/run/netns/%s", name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		fprintf(stderr, "cannot open netns %s: %s\n", path,
			strerror(errno));
		exit(KSFT_FAIL);
	}
	return fd;
}

SES_HELPER void ses_usage(const char *prog)
{
	fprintf(stderr,
		"usage: %s [-4|-6] [-a ADDR] [-p PORT] [-S NETNS] [-C NETNS]\n"
		"          [harness options: -l | -t TEST | -f FIXTURE ... | -h]\n",
		prog);
}

SES_HELPER int ses_test_main(int argc, char **argv)
{
	char **hargv = calloc(argc + 1, sizeof(*hargv));
	unsigned char tmp[16];
	int i, hargc = 0;

	if (!hargv)
		return KSFT_FAIL;
	hargv[hargc++] = argv[0];
	for (i = 1; i < argc; i++) {
		const char *a = argv[i];
		bool more = i + 1 < argc;

		if (!strcmp(a, "-4")) {
			cfg.family = AF_INET;
		} else if (!strcmp(a, "-6")) {
			cfg.family = AF_INET6;
		} else if (!strcmp(a, "-a") && more) {
			snprintf(cfg.addr, sizeof(cfg.addr), "%s", argv[++i]);
		} else if (!strcmp(a, "-p") && more) {
			cfg.port = atoi(argv[++i]);
		} else if (!strcmp(a, "-S") && more) {
			cfg.ns_name[SRV] = argv[++i];
		} else if (!strcmp(a, "-C") && more) {
			cfg.ns_name[CLI] = argv[++i];
		} else if (!strcmp(a, "-h")) {
			ses_usage(argv[0]);
			hargv[hargc++] = argv[i];
		} else {
			hargv[hargc++] = argv[i];
		}
	}
	if (!cfg.addr[0])
		strcpy(cfg.addr, cfg.family == AF_INET6 ? "::1" : "127.0.0.1");
	if (inet_pton(cfg.family, cfg.addr, tmp) != 1) {
		fprintf(stderr, "bad address for the family: %s\n", cfg.addr);
		ses_usage(argv[0]);
		return KSFT_FAIL;
	}
	for (i = SRV; i <= CLI; i++)
		if (cfg.ns_name[i])
			cfg.ns_fd[i] = ses_open_ns(cfg.ns_name[i]);
	if (cfg.ns_fd[SRV] >= 0 || cfg.ns_fd[CLI] >= 0)
		cfg.home_fd = ses_open_ns("/proc/self/ns/net");
	fprintf(stderr, "# config: %s addr %s port %d server netns %s client netns %s\n",
		cfg.family == AF_INET6 ? "IPv6" : "IPv4", cfg.addr, cfg.port,
		cfg.ns_name[SRV] ?: "(current)",
		cfg.ns_name[CLI] ?: "(current)");
	return test_harness_run(hargc, hargv);
}

#define SES_TEST_MAIN						\
	int main(int argc, char **argv)				\
	{							\
		return ses_test_main(argc, argv);		\
	}

#endif /* SES_TEST_H */
