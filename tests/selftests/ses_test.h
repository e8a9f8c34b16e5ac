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
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <linux/ses.h>
#include <linux/sockios.h>

#include "kselftest_harness.h"

/* Tests run under TCG emulation too, ten times slower than native. */
#undef TEST_TIMEOUT_DEFAULT
#define TEST_TIMEOUT_DEFAULT	60


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

static inline void ses_enter(int side)
{
	if (cfg.ns_fd[side] >= 0 && setns(cfg.ns_fd[side], CLONE_NEWNET)) {
		perror("setns");
		abort();
	}
}

static inline void ses_leave(void)
{
	if (cfg.home_fd >= 0 && setns(cfg.home_fd, CLONE_NEWNET)) {
		perror("setns home");
		abort();
	}
}

/* Run a shell command in the namespace of one side; returns its status. */
static inline int ses_system(int side, const char *cmd)
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

static inline long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

static inline void sleep_ms(int ms)
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
static inline void fill_pattern(void *buf, size_t len, uint32_t seed)
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
static inline size_t pattern_mismatch(const void *buf, size_t len, uint32_t seed)
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

static inline void set_io_timeouts(int fd, int ms)
{
	struct timeval tv = { ms / 1000, (ms % 1000) * 1000 };

	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
}

static inline int sock_in(int side, int family, int type, int proto)
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

static inline int ses_sock(int side)
{
	return sock_in(side, cfg.family, SOCK_SEQPACKET, IPPROTO_SES);
}

static inline int tcp_sock(int side)
{
	return sock_in(side, cfg.family, SOCK_STREAM, IPPROTO_TCP);
}

static inline socklen_t ses_addr(struct sockaddr_storage *ss, int port)
{
	struct sockaddr_in *s4 = (void *)ss;

	memset(ss, 0, sizeof(*ss));
	if (cfg.family == AF_INET6) {
		struct sockaddr_in6 *s6 = (void *)ss;

		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons(port);
		inet_pton(AF_INET6, cfg.addr, &s6->sin6_addr);
		return sizeof(*s6);
	}
	s4->sin_family = AF_INET;
	s4->sin_port = htons(port);
	inet_pton(AF_INET, cfg.addr, &s4->sin_addr);
	return sizeof(*s4);
}

static inline int sa_port(const struct sockaddr_storage *ss)
{
	if (ss->ss_family == AF_INET6)
		return ntohs(((const struct sockaddr_in6 *)ss)->sin6_port);
	return ntohs(((const struct sockaddr_in *)ss)->sin_port);
}

/* Same family, address and port. */
static inline bool sa_equal(const struct sockaddr_storage *a,
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

static inline int sock_port(int fd)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);

	if (getsockname(fd, (void *)&ss, &len))
		return -1;
	return sa_port(&ss);
}

static inline int bind_listen(int fd, int port)
{
	struct sockaddr_storage ss;
	socklen_t len = ses_addr(&ss, port);
	int one = 1;

	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, (void *)&ss, len))
		return -1;
	return listen(fd, 16);
}

static inline int connect_to(int fd, int port)
{
	struct sockaddr_storage ss;
	socklen_t len = ses_addr(&ss, port);

	return connect(fd, (void *)&ss, len);
}

static inline int set_nonblock(int fd, bool on)
{
	int fl = fcntl(fd, F_GETFL);

	if (fl < 0)
		return -1;
	return fcntl(fd, F_SETFL, on ? fl | O_NONBLOCK : fl & ~O_NONBLOCK);
}

/* revents of one poll() on fd, 0 on timeout, -1 on error. */
static inline int poll_one(int fd, short events, int timeout_ms)
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
static inline int wait_for(int fd, short events, short want, int timeout_ms)
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
static inline int wait_events(int fd, short events, int timeout_ms)
{
	return wait_for(fd, events, events, timeout_ms);
}

static inline int accept_within(int lfd, int timeout_ms, int flags)
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

static inline int so_error(int fd)
{
	int err = -1;
	socklen_t len = sizeof(err);

	if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len))
		return -errno;
	return err;
}

static inline int getopt_int(int fd, int level, int name)
{
	int v = INT_MIN;
	socklen_t len = sizeof(v);

	if (getsockopt(fd, level, name, &v, &len))
		return INT_MIN;
	return v;
}

static inline int setopt_int(int fd, int level, int name, int v)
{
	return setsockopt(fd, level, name, &v, sizeof(v));
}

static inline int ses_get_info(int fd, struct ses_info *info)
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
static inline ssize_t recv_ssdu(int fd, void *buf, size_t cap, int flags,
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

/*
 * sendmsg() of one primitive (SES_SNDINFO) with its parameters and user
 * data, retried on EINTR.
 */
static inline ssize_t ses_send_prim(int fd, uint32_t prim, uint32_t serial,
				    uint32_t flags, uint32_t tokens,
				    const void *data, size_t len, int msgflags)
{
	char cbuf[CMSG_SPACE(sizeof(struct ses_sndinfo))] = { 0 };
	struct ses_sndinfo info = {
		.primitive = prim, .tokens = tokens,
		.serial = serial, .flags = flags,
	};
	struct iovec iov = { .iov_base = (void *)data, .iov_len = len };
	struct msghdr msg = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = cbuf, .msg_controllen = sizeof(cbuf),
	};
	struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
	ssize_t n;

	c->cmsg_level = SOL_SES;
	c->cmsg_type = SES_SNDINFO;
	c->cmsg_len = CMSG_LEN(sizeof(info));
	memcpy(CMSG_DATA(c), &info, sizeof(info));
	do {
		n = sendmsg(fd, &msg, msgflags);
	} while (n < 0 && errno == EINTR);
	return n;
}

/*
 * recvmsg() of one record, retried on EINTR: its length, its SES_RCVINFO
 * in *info (primitive -1 when there was none), msg_flags in *flags.
 */
static inline ssize_t ses_recv_rec(int fd, void *buf, size_t cap,
				   struct ses_rcvinfo *info, int *flags)
{
	char cbuf[CMSG_SPACE(sizeof(struct ses_rcvinfo)) + 64];
	struct iovec iov = { .iov_base = buf, .iov_len = cap };
	struct msghdr msg = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = cbuf, .msg_controllen = sizeof(cbuf),
	};
	struct cmsghdr *c;
	ssize_t n;

	memset(info, 0, sizeof(*info));
	info->primitive = (uint32_t)-1;
	do {
		n = recvmsg(fd, &msg, 0);
	} while (n < 0 && errno == EINTR);
	if (n < 0)
		return n;
	*flags = msg.msg_flags;
	for (c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c))
		if (c->cmsg_level == SOL_SES && c->cmsg_type == SES_RCVINFO &&
		    c->cmsg_len == CMSG_LEN(sizeof(*info)))
			memcpy(info, CMSG_DATA(c), sizeof(*info));
	return n;
}

static inline ssize_t send_pattern(int fd, size_t len, uint32_t seed, int flags)
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

static inline void ses_pair_close(struct ses_pair *p)
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
static inline int ses_listener(int *port)
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
static inline void __ses_connect_accept(struct __test_metadata *_metadata,
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
static inline void __ses_pair_open(struct __test_metadata *_metadata,
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
static inline long long ses_stat(int side, const char *name)
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

static inline int sysctl_get(int side, const char *name, long *val)
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
static inline int sysctl_set(int side, const char *name, long val)
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

static inline long ses_max_ssdu(void)
{
	long v;

	if (sysctl_get(SRV, "max_ssdu", &v) || v <= 0)
		return SES_MAX_SSDU_DEFAULT;
	return v;
}

/* ---- signals --------------------------------------------------------- */

/* Written by the handler, read by the test: lock-free atomics only. */
static int ses_sigpipes;

static void ses_on_sigpipe(int sig)
{
	(void)sig;
	__atomic_add_fetch(&ses_sigpipes, 1, __ATOMIC_SEQ_CST);
}

static inline void count_sigpipe(void)
{
	struct sigaction sa = { .sa_handler = ses_on_sigpipe };

	sigaction(SIGPIPE, &sa, NULL);
	__atomic_store_n(&ses_sigpipes, 0, __ATOMIC_SEQ_CST);
}

/* SIGPIPEs since count_sigpipe(). */
static inline int sigpipes_seen(void)
{
	return __atomic_load_n(&ses_sigpipes, __ATOMIC_SEQ_CST);
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

static inline pid_t ses_fork(void)
{
	fflush(stdout);
	fflush(stderr);
	return fork();
}

/* Exit status of the child, -1 if it did not exit normally in time. */
static inline int child_wait(pid_t pid, int timeout_ms)
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
static inline int write_all(int fd, const void *buf, size_t len)
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
static inline int read_exact(int fd, void *buf, size_t len, long long deadline)
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

static inline int tpkt_send(int fd, const void *payload, size_t len)
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
static inline int tpkt_recv(int fd, uint8_t *buf, size_t cap, int timeout_ms)
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
static inline int cotp_recv(int fd, uint8_t *buf, size_t cap, struct cotp *t,
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
static inline int cotp_send_cr(int fd)
{
	static const uint8_t cr[] = { 0x09, COTP_CR, 0x00, 0x00, 0x00, 0x01,
				      0x00, COTP_PAR_TPDU_SIZE, 0x01,
				      COTP_TPDU_8192 };

	return tpkt_send(fd, cr, sizeof(cr));
}

static inline int cotp_send_cc(int fd, uint16_t dst_ref)
{
	uint8_t cc[] = { 0x09, COTP_CC, dst_ref >> 8, dst_ref & 0xff,
			 0x00, 0x02, 0x00, COTP_PAR_TPDU_SIZE, 0x01,
			 COTP_TPDU_8192 };

	return tpkt_send(fd, cc, sizeof(cc));
}

/* One TSDU in as many DT TPDUs as the 8192-octet TPDU size needs. */
static inline int cotp_send_dt(int fd, const void *tsdu, size_t len)
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
static inline int tsdu_recv(int fd, uint8_t *buf, size_t cap, int timeout_ms)
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
static inline int spdu_parse(const uint8_t *b, size_t n, struct spdu *s)
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
static inline int tsdu_main_spdu(const uint8_t *b, size_t n, struct spdu *s)
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
static inline int spdu_param(const uint8_t *p, size_t n, uint8_t code,
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
static inline long spdu_param_uint(const struct spdu *s, uint8_t code)
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
static inline size_t put_item(uint8_t *o, uint8_t code, const void *v, size_t n)
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
static inline size_t put_spdu(uint8_t *o, uint8_t si, const void *par, size_t n)
{
	return put_item(o, si, par, n);
}

/* The Connect/Accept Item: protocol options 0, [TSDU sizes], version 2. */
static inline size_t put_accept_item(uint8_t *o, int tsdu_i2r, int tsdu_r2i)
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
static inline size_t build_cn(uint8_t *o, unsigned int fu, const char *called,
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

static inline size_t build_ac(uint8_t *o, unsigned int fu, int tsdu_i2r,
			   int tsdu_r2i)
{
	uint8_t par[64], *p = par;
	uint8_t f[2] = { fu >> 8, fu & 0xff };

	p += put_accept_item(p, tsdu_i2r, tsdu_r2i);
	p += put_item(p, PI_SESSION_REQ, f, 2);
	return put_spdu(o, SPDU_AC, par, p - par);
}

static inline size_t build_rf(uint8_t *o, uint8_t reason)
{
	uint8_t par[16], *p = par, td = TD_RELEASED;

	p += put_item(p, PI_TRANSPORT_DISC, &td, 1);
	p += put_item(p, PI_REASON, &reason, 1);
	return put_spdu(o, SPDU_RF, par, p - par);
}

/* GT + DT: 01 00 01 00 <data>. */
static inline size_t build_dt(uint8_t *o, const void *data, size_t n)
{
	o[0] = SPDU_GT;
	o[1] = 0;
	o[2] = SPDU_DT;
	o[3] = 0;
	memcpy(o + 4, data, n);
	return 4 + n;
}

/* GT + DT with an Enclosure Item: one segment of a segmented SSDU. */
static inline size_t build_dt_segment(uint8_t *o, uint8_t enclosure,
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

static inline size_t build_fn(uint8_t *o)
{
	uint8_t par[3], td = TD_RELEASED;

	return put_spdu(o, SPDU_FN, par, put_item(par, PI_TRANSPORT_DISC,
						   &td, 1));
}

static inline size_t build_dn(uint8_t *o)
{
	return put_spdu(o, SPDU_DN, NULL, 0);
}

static inline size_t build_ab(uint8_t *o, uint8_t td)
{
	uint8_t par[3];

	return put_spdu(o, SPDU_AB, par, put_item(par, PI_TRANSPORT_DISC,
						   &td, 1));
}

/* ---- raw peers --------------------------------------------------------- */

/* A plain TCP client on the client side, connected to port, or -1. */
static inline int raw_connect(int port)
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
static inline int raw_listener(int *port)
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
static inline int raw_transport_connect(int fd)
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
static inline int raw_session_connect(int fd, const uint8_t *cn, size_t cnlen,
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
static inline int raw_client_session(int fd)
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
static inline int raw_accept_cn(int fd, uint8_t *cn)
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
static inline int raw_server_session(int fd, int tsdu_i2r, int tsdu_r2i)
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
 * Reads until the peer closes (EOF or reset), or with stop_at_ab until an
 * AB SPDU arrives: 0 if that happened before the timeout, -1 if not.
 * Sets *saw_ab when an AB SPDU came on the way.
 */
static inline int __raw_wait(int fd, int timeout_ms, bool *saw_ab, bool stop_at_ab)
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
		    !tsdu_main_spdu(t.data, t.len, &s) && s.si == SPDU_AB) {
			if (saw_ab)
				*saw_ab = true;
			if (stop_at_ab) {
				ret = 0;
				break;
			}
		}
	}
	free(b);
	return ret;
}

static inline int raw_wait_close(int fd, int timeout_ms, bool *saw_ab)
{
	return __raw_wait(fd, timeout_ms, saw_ab, false);
}

/* The end of a session as a peer that disconnects on AB sees it. */
static inline int raw_wait_end(int fd, int timeout_ms, bool *saw_ab)
{
	return __raw_wait(fd, timeout_ms, saw_ab, true);
}

/* Responder side of COTP only: CR expected, CC sent.  0 or -1. */
static inline int raw_answer_cr(int fd)
{
	uint8_t *b = malloc(RAW_MAX);
	struct cotp t;
	int ret = -1;

	if (b && cotp_recv(fd, b, RAW_MAX, &t, SES_WAIT_MS) == 1 &&
	    t.code == COTP_CR && t.hdrlen >= 7 &&
	    !cotp_send_cc(fd, t.hdr[4] << 8 | t.hdr[5]))
		ret = 0;
	free(b);
	return ret;
}

static inline int tcp_nodelay(int fd)
{
	int one = 1;

	return setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
}

/* ---- counters, limits, the kernel log ----------------------------------- */

/* Sum of up to three counters of a side, -1 if one is missing. */
static inline long long ses_stat_sum(int side, const char *const *names)
{
	long long sum = 0;
	int i;

	for (i = 0; i < 3 && names[i]; i++) {
		long long v = ses_stat(side, names[i]);

		if (v < 0)
			return -1;
		sum += v;
	}
	return sum;
}

/* Waits up to ms for the sum of counters to exceed before; returns it. */
static inline long long ses_stat_sum_above(int side, const char *const *names,
					long long before, int ms)
{
	long long end = now_ms() + ms, v;

	do {
		v = ses_stat_sum(side, names);
		if (v > before)
			break;
		sleep_ms(20);
	} while (now_ms() < end);
	return v;
}

/* One counter; waits up to ms for it to reach at least want. */
static inline long long ses_stat_reaches(int side, const char *name,
				      long long want, int ms)
{
	long long end = now_ms() + ms, v;

	do {
		v = ses_stat(side, name);
		if (v >= want)
			break;
		sleep_ms(20);
	} while (now_ms() < end);
	return v;
}

static inline int raise_nofile(rlim_t want)
{
	struct rlimit r;

	if (getrlimit(RLIMIT_NOFILE, &r))
		return -1;
	if (r.rlim_cur >= want)
		return 0;
	if (r.rlim_max < want)
		r.rlim_max = want;
	r.rlim_cur = want;
	return setrlimit(RLIMIT_NOFILE, &r);
}

/*
 * Kernel log records that tell of a splat (BUG, WARNING, lockdep, KASAN,
 * ...), counted over what /dev/kmsg still holds; -1 if it cannot be
 * read.  Tests compare the count before and after.
 */
static inline int kmsg_splats(void)
{
	static const char *const pat[] = {
		"BUG:", "WARNING:", "Call Trace", "KASAN", "UBSAN",
		"general protection", "Oops", "refcount_t:",
		"possible circular locking", "inconsistent lock state",
		"sleeping function called", "INFO: task",
		"suspected memory leak", "held lock freed",
	};
	char rec[8192];
	int fd, n = 0;
	size_t i;

	fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return -1;
	for (;;) {
		ssize_t r = read(fd, rec, sizeof(rec) - 1);

		if (r < 0) {
			if (errno == EPIPE)	/* overwritten while reading */
				continue;
			break;
		}
		rec[r] = 0;
		for (i = 0; i < ARRAY_SIZE(pat); i++) {
			if (strstr(rec, pat[i])) {
				n++;
				break;
			}
		}
	}
	close(fd);
	return n;
}

/* ---- a listener that serves a well-behaved client during an attack -------
 *
 * The acceptor thread accepts every session of a listener.  Those whose
 * calling selector is WITNESS_SSEL are witnesses: it echoes their SSDUs
 * until they release.  Every other accepted session is queued for the
 * test (acceptor_take()).  A witness thread is a well-behaved SES client:
 * it connects, exchanges a few SSDUs and releases, and records what went
 * wrong.  Threads never use the harness's ASSERT/EXPECT: the test checks
 * what they recorded.
 */
#define WITNESS_SSEL		"ses-witness"
#define ACCEPTOR_QMAX		1024

struct ses_acceptor {
	int lfd;
	pthread_t th;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	int q[ACCEPTOR_QMAX];
	int qh, qn;
	int stop;
	int served;	/* witness sessions echoed to their end */
	char err[256];	/* first error of the echo side */
};

static inline bool is_witness(int fd)
{
	char sel[SES_SSEL_MAX + 1] = "";
	socklen_t len = SES_SSEL_MAX;

	return !getsockopt(fd, SOL_SES, SES_CALLING_SSEL, sel, &len) &&
	       len == strlen(WITNESS_SSEL) && !memcmp(sel, WITNESS_SSEL, len);
}

static inline void acceptor_echo(struct ses_acceptor *a, int fd)
{
	char *buf = malloc(65536);
	ssize_t n;

	while (buf) {
		n = recv(fd, buf, 65536, 0);
		if (n == 0)
			break;
		if (n < 0 || send(fd, buf, n, MSG_NOSIGNAL) != n) {
			if (!a->err[0])
				snprintf(a->err, sizeof(a->err),
					 "witness echo: %s", strerror(errno));
			free(buf);
			return;
		}
	}
	free(buf);
	__atomic_add_fetch(&a->served, 1, __ATOMIC_SEQ_CST);
}

static inline void *acceptor_main(void *arg)
{
	struct ses_acceptor *a = arg;

	while (!__atomic_load_n(&a->stop, __ATOMIC_SEQ_CST)) {
		int fd;

		if (!(poll_one(a->lfd, POLLIN, 50) & POLLIN))
			continue;
		fd = accept4(a->lfd, NULL, NULL, SOCK_CLOEXEC);
		if (fd < 0)
			continue;
		set_io_timeouts(fd, SES_IO_TIMEOUT_MS);
		if (is_witness(fd)) {
			acceptor_echo(a, fd);
			close(fd);
			continue;
		}
		pthread_mutex_lock(&a->mu);
		if (a->qn < ACCEPTOR_QMAX) {
			a->q[(a->qh + a->qn) % ACCEPTOR_QMAX] = fd;
			a->qn++;
			pthread_cond_broadcast(&a->cv);
		} else {
			close(fd);
		}
		pthread_mutex_unlock(&a->mu);
	}
	return NULL;
}

static inline int acceptor_start(struct ses_acceptor *a, int lfd)
{
	memset(a, 0, sizeof(*a));
	a->lfd = lfd;
	pthread_mutex_init(&a->mu, NULL);
	pthread_cond_init(&a->cv, NULL);
	if (set_nonblock(lfd, true))
		return -1;
	return pthread_create(&a->th, NULL, acceptor_main, a) ? -1 : 0;
}

/* The next non-witness session accepted, or -1 (ETIMEDOUT). */
static inline int acceptor_take(struct ses_acceptor *a, int timeout_ms)
{
	struct timespec ts;
	int fd = -1;

	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_sec += timeout_ms / 1000;
	ts.tv_nsec += (timeout_ms % 1000) * 1000000L;
	if (ts.tv_nsec >= 1000000000L) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000L;
	}
	pthread_mutex_lock(&a->mu);
	while (!a->qn &&
	       pthread_cond_timedwait(&a->cv, &a->mu, &ts) != ETIMEDOUT)
		;
	if (a->qn) {
		fd = a->q[a->qh];
		a->qh = (a->qh + 1) % ACCEPTOR_QMAX;
		a->qn--;
	}
	pthread_mutex_unlock(&a->mu);
	if (fd < 0)
		errno = ETIMEDOUT;
	return fd;
}

/* Stops the thread; returns how many sessions were left untaken. */
static inline int acceptor_stop(struct ses_acceptor *a)
{
	int left;

	__atomic_store_n(&a->stop, 1, __ATOMIC_SEQ_CST);
	pthread_join(a->th, NULL);
	left = a->qn;
	while (a->qn) {
		close(a->q[a->qh]);
		a->qh = (a->qh + 1) % ACCEPTOR_QMAX;
		a->qn--;
	}
	set_nonblock(a->lfd, false);
	return left;
}

struct ses_witness {
	pthread_t th;
	int port;
	int rounds;	/* SSDUs echoed before the release */
	int pause_ms;	/* between rounds */
	int err;	/* 0: served whole; else the errno that stopped it */
	char what[256];
	long long ms;	/* connect to release */
};

/* Records why the witness stopped; returns -1. */
static inline int witness_fail(struct ses_witness *w, const char *fmt, ...)
{
	va_list ap;

	w->err = errno ?: EPROTO;
	va_start(ap, fmt);
	vsnprintf(w->what, sizeof(w->what), fmt, ap);
	va_end(ap);
	return -1;
}

/* Connect, rounds of SSDUs echoed, release: 0 or -1 (witness_fail). */
static inline int witness_run(struct ses_witness *w, int fd, char *buf)
{
	ssize_t n;
	int i, mf;

	errno = 0;
	if (setsockopt(fd, SOL_SES, SES_CALLING_SSEL, WITNESS_SSEL,
		       strlen(WITNESS_SSEL)))
		return witness_fail(w, "witness selector: %s", strerror(errno));
	if (connect_to(fd, w->port))
		return witness_fail(w, "witness connect: %s", strerror(errno));
	for (i = 0; i < w->rounds; i++) {
		size_t len = 100 + 700 * i;

		errno = 0;
		if (send_pattern(fd, len, 9000 + i, MSG_NOSIGNAL) != (ssize_t)len)
			return witness_fail(w, "witness send %d: %s", i,
					    strerror(errno));
		n = recv_ssdu(fd, buf, 65536, 0, &mf);
		if (n != (ssize_t)len ||
		    pattern_mismatch(buf, len, 9000 + i) != len)
			return witness_fail(w, "witness echo %d: got %zd of %zu octets (%s)",
					    i, n, len,
					    n < 0 ? strerror(errno) : "content");
		if (w->pause_ms)
			sleep_ms(w->pause_ms);
	}
	errno = 0;
	if (shutdown(fd, SHUT_WR))
		return witness_fail(w, "witness shutdown: %s", strerror(errno));
	n = recv(fd, buf, 16, 0);
	if (n != 0)
		return witness_fail(w, "witness release: recv gave %zd (%s)", n,
				    n < 0 ? strerror(errno) : "data");
	return 0;
}

static inline void *witness_main(void *arg)
{
	struct ses_witness *w = arg;
	long long t0 = now_ms();
	char *buf = malloc(65536);
	int fd = ses_sock(CLI);

	if (!buf || fd < 0) {
		witness_fail(w, "witness setup: %s", strerror(errno));
	} else if (!witness_run(w, fd, buf)) {
		w->err = 0;
		w->what[0] = 0;
	}
	if (fd >= 0)
		close(fd);
	free(buf);
	w->ms = now_ms() - t0;
	return NULL;
}

static inline int witness_start(struct ses_witness *w, int port, int rounds,
			     int pause_ms)
{
	memset(w, 0, sizeof(*w));
	w->port = port;
	w->rounds = rounds;
	w->pause_ms = pause_ms;
	return pthread_create(&w->th, NULL, witness_main, w) ? -1 : 0;
}

/* 0 if the witness was served whole, else its errno (w->what says more). */
static inline int witness_join(struct ses_witness *w)
{
	pthread_join(w->th, NULL);
	return w->err;
}

/* ---- main ------------------------------------------------------------------ */

static inline int ses_open_ns(const char *name)
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

static inline void ses_usage(const char *prog)
{
	fprintf(stderr,
		"usage: %s [-4|-6] [-a ADDR] [-p PORT] [-S NETNS] [-C NETNS]\n"
		"          [harness options: -l | -t TEST | -f FIXTURE ... | -h]\n",
		prog);
}

static inline int ses_test_main(int argc, char **argv)
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
		snprintf(cfg.addr, sizeof(cfg.addr), "%s",
			 cfg.family == AF_INET6 ? "::1" : "127.0.0.1");
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
		exit(ses_test_main(argc, argv));		\
	}

#endif /* SES_TEST_H */
