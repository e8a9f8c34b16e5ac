// SPDX-License-Identifier: GPL-2.0
/*
 * ses_bench: one benchmark run of SES or of one of its comparison peers,
 * printed as one "RESULT key=value ..." line. bench/run.sh runs it many
 * times inside the test VM and bench/report.py turns the lines into
 * ratios.
 *
 *	ses_bench -P PEER -W WORKLOAD [-s SIZE] [-t SECONDS] [-w SECONDS]
 *		  [-n COUNT] [-a ADDR] [-p PORT] [-S NETNS] [-C NETNS]
 *		  [-L IFNAME] [-D MS] [-R MS] [-U MS]
 *
 * Peers (all over TCP/IP or SCTP/IP, IPv4):
 *	tcp	a TCP byte stream: the limit (no message boundaries)
 *	tcpf	TCP with a 4-octet big-endian length before each message,
 *		framed and parsed in userspace
 *	sctp	SCTP one-to-one style (SOCK_STREAM, IPPROTO_SCTP), one
 *		message per send and per recv
 *	ses	SES (SOCK_SEQPACKET, IPPROTO_SES), duplex, one SSDU per send
 *		and per recv
 * TCP and SCTP run with Nagle off (TCP_NODELAY, SCTP_NODELAY), as SES
 * sets TCP_NODELAY on the TCP socket under each session. SCTP gets 4 MiB
 * send and receive buffers (see sctp_buffers()); the others keep their
 * defaults (TCP's grow by themselves).
 *
 * Workloads:
 *	stream	the client sends SIZE-octet messages as fast as it can; the
 *		server counts what it receives during SECONDS after a
 *		warm-up of -w SECONDS (messages/s, MiB/s)
 *	rr	SIZE-octet ping-pong: the client times each round trip for
 *		SECONDS after the warm-up (p50, p99, round trips/s)
 *	setup	the client opens a connection, sends one SIZE-octet
 *		message and waits for the end; the server accepts, reads
 *		the message and closes (connections/s)
 *	scale	COUNT idle connections open at once: kernel memory per
 *		endpoint from /proc/slabinfo and /proc/meminfo
 *	recover	the client sends numbered SIZE-octet messages as fast as it
 *		can; after the warm-up and SECONDS of steady stream the
 *		server takes the link IFNAME (-L, in the client's netns -C)
 *		down for -D MS (default 1000) and up again, stamps every
 *		message it receives and reports the time from the link
 *		restore to the first message after it (for SES the first
 *		replayed one), the receiver's gap, the message rate in the
 *		second after the restore against the steady rate before the
 *		cut, and what was lost, duplicated or reordered (the run
 *		fails unless all three are 0). An SES session gets
 *		SES_RECONNECT_MAX -R MS (default 200) and SES_USER_TIMEOUT
 *		-U MS (default 300), so that its transport fails during the
 *		cut and the figure is the resume rather than the back-off
 *		cap; the run fails if it was not resumed. TCP and SCTP keep
 *		their connection through the cut: their figure is only a
 *		reference (their retransmission timer).
 *
 * The process that starts is the server (in -S NETNS); it forks the
 * client (in -C NETNS). Durations are measured with CLOCK_MONOTONIC.
 * Besides the figure of merit, stream runs report whole-system CPU time,
 * context switches and TCP segments (or SCTP packets) per message,
 * taken from /proc over the measured window: SES does part of its work
 * in kernel workers that no process is charged for.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <linux/ses.h>

#ifndef IPPROTO_SCTP
#define IPPROTO_SCTP	132
#endif
#define SOL_SCTP	132
#define SCTP_NODELAY	3	/* include/uapi/linux/sctp.h */

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#define RX_CAP		(1 << 20)	/* receive buffer of every peer */
#define RX_END		(-1)
#define RX_TIMEOUT	(-2)
#define IO_TIMEOUT	10.0	/* s: bound on any blocking call */
#define RR_SAMPLES_MAX	(1 << 21)
#define SLAB_CACHES_MAX	512
#define SCTP_BUF	(4 << 20)	/* SO_SNDBUF, SO_RCVBUF of SCTP */
#define REC_POST	1.0	/* s: recover: window after the restore */
#define REC_SEQ_MAX	(1UL << 28)	/* recover: bound on message numbers */

enum kind { STREAM, FRAMED, MESSAGE };

struct peer {
	const char *name;
	int type;
	int protocol;
	enum kind kind;
};

static const struct peer peers[] = {
	{ "tcp",  SOCK_STREAM,    IPPROTO_TCP,  STREAM },
	{ "tcpf", SOCK_STREAM,    IPPROTO_TCP,  FRAMED },
	{ "sctp", SOCK_STREAM,    IPPROTO_SCTP, MESSAGE },
	{ "ses",  SOCK_SEQPACKET, IPPROTO_SES,  MESSAGE },
};

static struct {
	const struct peer *peer;
	const char *workload;
	size_t size;
	double secs;
	double warmup;
	int count;
	struct sockaddr_in addr;
	int ns_fd[2];		/* server, client; -1: stay */
	const char *link;	/* recover: interface to cut (client netns) */
	int cut_ms;		/* recover: how long the link stays down */
	int reconnect_max_ms;	/* recover: SES_RECONNECT_MAX */
	int user_timeout_ms;	/* recover: SES_USER_TIMEOUT */
} opt = {
	.size = 64,
	.secs = 2,
	.warmup = 0.3,
	.count = 10000,
	.ns_fd = { -1, -1 },
	.link = "veth-c",
	.cut_ms = 1000,
	.reconnect_max_ms = 200,
	.user_timeout_ms = 300,
};

/* Shared by the server and the client (an anonymous shared mapping). */
struct shared {
	int go;			/* scale: the client may connect */
	int stop;		/* the client stops sending or connecting */
	int connected;		/* scale: connections the client holds */
	long sent;		/* recover: messages the client sent */
	struct ses_info info;	/* recover: the client's session at the end */
};

static struct shared *sh;

/* A connection of one peer, with the receive state of its framing. */
struct conn {
	int fd;
	char *buf;
	size_t have;		/* octets in buf not yet consumed */
	size_t off;		/* FRAMED: where they start */
};

static void die(const char *what)
{
	fprintf(stderr, "ses_bench %s/%s: %s: %s\n", opt.peer->name,
		opt.workload, what, strerror(errno));
	exit(1);
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void set_flag(int *p)
{
	__atomic_store_n(p, 1, __ATOMIC_RELEASE);
}

static int get_flag(int *p)
{
	return __atomic_load_n(p, __ATOMIC_ACQUIRE);
}

/* ---- /proc readings ---- */

struct sysstat {
	unsigned long long busy, total, ctxt, segs;
};

static void read_cpu(struct sysstat *s)
{
	unsigned long long v[10] = { 0 };
	char line[512];
	FILE *f = fopen("/proc/stat", "r");
	int i;

	s->busy = s->total = s->ctxt = 0;
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		if (!strncmp(line, "cpu ", 4)) {
			if (sscanf(line + 4, "%llu %llu %llu %llu %llu %llu %llu %llu",
				   &v[0], &v[1], &v[2], &v[3], &v[4], &v[5],
				   &v[6], &v[7]) < 5)
				break;
			for (i = 0; i < 8; i++)
				s->total += v[i];
			s->busy = s->total - v[3] - v[4];	/* idle, iowait */
		} else if (!strncmp(line, "ctxt ", 5)) {
			s->ctxt = strtoull(line + 5, NULL, 10);
		}
	}
	fclose(f);
}

/*
 * Segments (TCP peers) or packets (SCTP) sent plus received in this
 * network namespace.
 */
static unsigned long long read_segs(void)
{
	char names[1024], vals[1024], *n, *v, *sn, *sv;
	unsigned long long sum = 0;
	FILE *f;

	if (opt.peer->protocol == IPPROTO_SCTP) {
		f = fopen("/proc/net/sctp/snmp", "r");
		if (!f)
			return 0;
		while (fgets(names, sizeof(names), f)) {
			unsigned long long x;

			if (sscanf(names, "SctpOutSCTPPacks %llu", &x) == 1 ||
			    sscanf(names, "SctpInSCTPPacks %llu", &x) == 1)
				sum += x;
		}
		fclose(f);
		return sum;
	}
	f = fopen("/proc/net/snmp", "r");
	if (!f)
		return 0;
	while (fgets(names, sizeof(names), f)) {
		if (strncmp(names, "Tcp:", 4) || !fgets(vals, sizeof(vals), f))
			continue;
		names[strcspn(names, "\n")] = 0;
		vals[strcspn(vals, "\n")] = 0;
		n = strtok_r(names, " ", &sn);
		v = strtok_r(vals, " ", &sv);
		while (n && v) {
			if (!strcmp(n, "InSegs") || !strcmp(n, "OutSegs"))
				sum += strtoull(v, NULL, 10);
			n = strtok_r(NULL, " ", &sn);
			v = strtok_r(NULL, " ", &sv);
		}
		break;
	}
	fclose(f);
	return sum;
}

static void read_sysstat(struct sysstat *s)
{
	read_cpu(s);
	s->segs = read_segs();
}

/* ---- sockets ---- */

static void set_timeo(int fd, int name, double secs)
{
	struct timeval tv = {
		.tv_sec = (time_t)secs,
		.tv_usec = (suseconds_t)((secs - (time_t)secs) * 1e6),
	};

	if (setsockopt(fd, SOL_SOCKET, name, &tv, sizeof(tv)))
		die("SO_RCVTIMEO/SO_SNDTIMEO");
}

/*
 * SCTP's buffers do not grow by themselves as TCP's do; with the default
 * ones it discards packets on the receive side (SctpInPktDiscards) and
 * stalls on its retransmission timer, over lo and veth alike.
 */
static void sctp_buffers(int fd)
{
	int b = SCTP_BUF;

	if (setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &b, sizeof(b)))
		setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &b, sizeof(b));
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &b, sizeof(b)))
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &b, sizeof(b));
}

static int sock_new(void)
{
	const struct peer *p = opt.peer;
	int one = 1, fd;

	fd = socket(AF_INET, p->type | SOCK_CLOEXEC, p->protocol);
	if (fd < 0)
		die("socket");
	set_timeo(fd, SO_RCVTIMEO, IO_TIMEOUT);
	set_timeo(fd, SO_SNDTIMEO, IO_TIMEOUT);
	if (p->protocol == IPPROTO_TCP &&
	    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one)))
		die("TCP_NODELAY");
	if (p->protocol == IPPROTO_SCTP &&
	    setsockopt(fd, SOL_SCTP, SCTP_NODELAY, &one, sizeof(one)))
		die("SCTP_NODELAY");
	if (p->protocol == IPPROTO_SCTP)
		sctp_buffers(fd);
	/* recover: inherited by the sessions a listener accepts */
	if (p->protocol == IPPROTO_SES && !strcmp(opt.workload, "recover") &&
	    (setsockopt(fd, SOL_SES, SES_RECONNECT_MAX, &opt.reconnect_max_ms,
			sizeof(int)) ||
	     setsockopt(fd, SOL_SES, SES_USER_TIMEOUT, &opt.user_timeout_ms,
			sizeof(int))))
		die("SES_RECONNECT_MAX/SES_USER_TIMEOUT");
	return fd;
}

static int sock_listen(void)
{
	int one = 1, fd;

	if (opt.ns_fd[0] >= 0 && setns(opt.ns_fd[0], CLONE_NEWNET))
		die("setns server");
	fd = sock_new();
	if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)))
		die("SO_REUSEADDR");
	if (bind(fd, (struct sockaddr *)&opt.addr, sizeof(opt.addr)))
		die("bind");
	if (listen(fd, 4096))
		die("listen");
	return fd;
}

static int sock_connect(void)
{
	int fd = sock_new();

	if (connect(fd, (struct sockaddr *)&opt.addr, sizeof(opt.addr)))
		die("connect");
	return fd;
}

static int sock_accept(int lfd)
{
	int fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
	int one = 1;

	if (fd < 0)
		die("accept");
	/* accepted TCP sockets inherit TCP_NODELAY; SCTP's may not */
	if (opt.peer->protocol == IPPROTO_SCTP) {
		setsockopt(fd, SOL_SCTP, SCTP_NODELAY, &one, sizeof(one));
		sctp_buffers(fd);
	}
	return fd;
}

static void conn_init(struct conn *c, int fd)
{
	c->fd = fd;
	c->have = 0;
	c->off = 0;
	c->buf = malloc(RX_CAP);
	if (!c->buf)
		die("malloc");
}

static void conn_close(struct conn *c)
{
	close(c->fd);
	free(c->buf);
}

/* ---- sending ---- */

/* A message to send: 4 octets of room for the length, then the body. */
static char *msg_new(void)
{
	char *m = malloc(opt.size + 4);
	size_t i;

	if (!m)
		die("malloc");
	for (i = 0; i < opt.size + 4; i++)
		m[i] = (char)(i * 7 + 1);
	return m;
}

static int send_all(int fd, const char *p, size_t len)
{
	ssize_t n;

	while (len) {
		n = send(fd, p, len, MSG_NOSIGNAL);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		p += n;
		len -= n;
	}
	return 0;
}

static int send_msg(struct conn *c, char *m)
{
	uint32_t be = htonl(opt.size);

	switch (opt.peer->kind) {
	case STREAM:
		return send_all(c->fd, m + 4, opt.size);
	case FRAMED:
		memcpy(m, &be, 4);
		return send_all(c->fd, m, opt.size + 4);
	default:
		return send(c->fd, m + 4, opt.size, MSG_NOSIGNAL) ==
		       (ssize_t)opt.size ? 0 : -1;
	}
}

/* ---- receiving ---- */

/* FRAMED: take every complete message out of the buffer. */
static long framed_parse(struct conn *c, long max)
{
	long msgs = 0;
	uint32_t len;

	while (msgs < max && c->have >= 4) {
		memcpy(&len, c->buf + c->off, 4);
		len = ntohl(len);
		if (len != opt.size) {
			errno = EPROTO;
			die("bad frame length");
		}
		if (c->have < 4 + len)
			break;
		c->off += 4 + len;
		c->have -= 4 + len;
		msgs++;
	}
	if (!c->have)
		c->off = 0;
	return msgs;
}

/*
 * One receive call: returns the messages it completed (0 or more),
 * RX_TIMEOUT when SO_RCVTIMEO passed first, or RX_END at the end of the
 * connection or on an error.
 */
static long rx_fail(ssize_t n)
{
	return n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) ?
	       RX_TIMEOUT : RX_END;
}

static long rx_some(struct conn *c)
{
	struct iovec iov = { c->buf, RX_CAP };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };
	ssize_t n;
	long m;

	switch (opt.peer->kind) {
	case STREAM:
		n = recv(c->fd, c->buf, RX_CAP, 0);
		if (n <= 0)
			return rx_fail(n);
		c->have += n;
		m = c->have / opt.size;
		c->have %= opt.size;
		return m;
	case FRAMED:
		if (c->off && c->off + c->have > RX_CAP / 2) {
			memmove(c->buf, c->buf + c->off, c->have);
			c->off = 0;
		}
		n = recv(c->fd, c->buf + c->off + c->have,
			 RX_CAP - c->off - c->have, 0);
		if (n <= 0)
			return rx_fail(n);
		c->have += n;
		return framed_parse(c, RX_CAP);
	default:
		n = recvmsg(c->fd, &mh, 0);
		if (n <= 0)
			return rx_fail(n);
		return (mh.msg_flags & MSG_EOR) ? 1 : 0;
	}
}

/* Receive exactly one message: 0, or -1 at the end or on an error. */
static int rx_one(struct conn *c)
{
	ssize_t n;

	switch (opt.peer->kind) {
	case STREAM:
		while (c->have < opt.size) {
			n = recv(c->fd, c->buf + c->have, opt.size - c->have,
				 0);
			if (n <= 0)
				return -1;
			c->have += n;
		}
		c->have = 0;
		return 0;
	case FRAMED:
		while (framed_parse(c, 1) < 1) {
			if (c->off + c->have > RX_CAP / 2) {
				memmove(c->buf, c->buf + c->off, c->have);
				c->off = 0;
			}
			n = recv(c->fd, c->buf + c->off + c->have,
				 RX_CAP - c->off - c->have, 0);
			if (n <= 0)
				return -1;
			c->have += n;
		}
		return 0;
	default:
		for (;;) {
			long m = rx_some(c);

			if (m < 0)
				return -1;
			if (m)
				return 0;
		}
	}
}

/* Wait for the peer to end the connection (recv returns 0). */
static int rx_end(struct conn *c)
{
	ssize_t n;

	do
		n = recv(c->fd, c->buf, RX_CAP, 0);
	while (n > 0);
	return n == 0 ? 0 : -1;
}

/* ---- workloads ---- */

static void stream_server(int lfd)
{
	double t0 = 0, t1 = 0, start = 0, end = 0, cpu_us;
	long m, msgs = 0, total = 0;
	struct sysstat s0 = { 0 }, s1;
	struct conn c;
	bool on = false;

	conn_init(&c, sock_accept(lfd));
	/* a peer that stalls must not stretch the window */
	set_timeo(c.fd, SO_RCVTIMEO, 0.1);
	for (;;) {
		m = rx_some(&c);
		if (m == RX_END)
			die("stream: connection ended early");
		t1 = now();
		if (m > 0)
			total += m;
		if (!start) {
			if (m <= 0)
				continue;
			start = t1 + opt.warmup;
			end = start + opt.secs;
		}
		if (!on) {
			if (t1 >= start) {
				on = true;
				t0 = t1;
				read_sysstat(&s0);
			}
			continue;
		}
		if (m > 0)
			msgs += m;
		if (t1 >= end)
			break;
	}
	read_sysstat(&s1);
	set_flag(&sh->stop);
	/* drain until the client's close arrives, for a while */
	end = now() + IO_TIMEOUT;
	while ((m = rx_some(&c)) != RX_END && now() < end)
		total += m > 0 ? m : 0;
	conn_close(&c);

	t1 -= t0;
	msgs = msgs ?: 1;
	cpu_us = (double)(s1.busy - s0.busy) * 1e6 / sysconf(_SC_CLK_TCK);
	printf("RESULT peer=%s wl=stream size=%zu secs=%.3f msgs=%ld total=%ld msgs_per_s=%.1f mib_per_s=%.2f cpu_us_per_msg=%.3f cpu_util=%.3f ctxt_per_msg=%.4f segs_per_msg=%.4f\n",
	       opt.peer->name, opt.size, t1, msgs, total, msgs / t1,
	       msgs * opt.size / t1 / (1 << 20), cpu_us / msgs,
	       (double)(s1.busy - s0.busy) / (s1.total - s0.total ?: 1),
	       (double)(s1.ctxt - s0.ctxt) / msgs,
	       (double)(s1.segs - s0.segs) /
	       (opt.ns_fd[0] == opt.ns_fd[1] ? 2 : 1) / msgs);
}

static void stream_client(void)
{
	char *m = msg_new();
	struct conn c;

	conn_init(&c, sock_connect());
	while (!get_flag(&sh->stop))
		if (send_msg(&c, m))
			die("stream: send");
	conn_close(&c);
	free(m);
}

static void rr_server(int lfd)
{
	char *m = msg_new();
	struct conn c;

	conn_init(&c, sock_accept(lfd));
	while (!rx_one(&c))
		if (send_msg(&c, m))
			break;
	conn_close(&c);
	free(m);
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static void rr_client(void)
{
	uint64_t *lat = malloc(RR_SAMPLES_MAX * sizeof(*lat));
	double t, t0, start, end;
	char *m = msg_new();
	struct conn c;
	size_t n = 0;

	if (!lat)
		die("malloc");
	conn_init(&c, sock_connect());
	t0 = now();
	start = t0 + opt.warmup;
	end = start + opt.secs;
	for (t = t0; t < end && n < RR_SAMPLES_MAX;) {
		double t1 = t;

		if (send_msg(&c, m) || rx_one(&c))
			die("rr: round trip");
		t = now();
		if (t1 >= start)
			lat[n++] = (uint64_t)((t - t1) * 1e9);
	}
	conn_close(&c);
	if (!n) {
		errno = ETIMEDOUT;
		die("rr: no round trip measured");
	}
	qsort(lat, n, sizeof(*lat), cmp_u64);
	printf("RESULT peer=%s wl=rr size=%zu secs=%.3f n=%zu rt_per_s=%.1f p50_us=%.2f p99_us=%.2f mean_us=%.2f\n",
	       opt.peer->name, opt.size, t - start, n, n / (t - start),
	       lat[n / 2] / 1e3, lat[n * 99 / 100] / 1e3,
	       (t - start) * 1e6 / n);
	free(lat);
	free(m);
}

static void setup_server(int lfd)
{
	struct pollfd pfd = { .fd = lfd, .events = POLLIN };
	struct conn c;

	conn_init(&c, -1);
	while (!get_flag(&sh->stop)) {
		if (poll(&pfd, 1, 100) <= 0)
			continue;
		c.fd = sock_accept(lfd);
		c.have = 0;
		c.off = 0;
		if (rx_one(&c))
			die("setup: receive");
		close(c.fd);
	}
	free(c.buf);
}

static void setup_client(void)
{
	double t, t0 = now(), start = t0 + opt.warmup, end = start + opt.secs;
	char *m = msg_new();
	long n = 0;
	struct conn c;

	conn_init(&c, -1);
	for (t = t0; t < end; t = now()) {
		c.fd = sock_connect();
		if (send_msg(&c, m) || rx_end(&c))
			die("setup: message or end");
		close(c.fd);
		if (t >= start)
			n++;
	}
	set_flag(&sh->stop);
	printf("RESULT peer=%s wl=setup size=%zu secs=%.3f conns=%ld conns_per_s=%.1f\n",
	       opt.peer->name, opt.size, t - start, n, n / (t - start));
	free(c.buf);
	free(m);
}

/* ---- recover: the link cut, numbered messages ---- */

static int link_fd = -1;	/* a socket in the client's netns */
static bool link_down;

/* The client's link down or up (SIOCSIFFLAGS, as ip link set does). */
static int link_flags(bool up)
{
	struct ifreq ifr = { 0 };

	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", opt.link);
	if (ioctl(link_fd, SIOCGIFFLAGS, &ifr))
		return -1;
	if (up)
		ifr.ifr_flags |= IFF_UP;
	else
		ifr.ifr_flags &= ~IFF_UP;
	return ioctl(link_fd, SIOCSIFFLAGS, &ifr);
}

static void link_set(bool up)
{
	if (link_flags(up))
		die(up ? "link up (SIOCSIFFLAGS)" : "link down (SIOCSIFFLAGS)");
	link_down = !up;
}

/* A run that dies with the link down must not leave it down. */
static void link_restore(void)
{
	if (link_down && !link_flags(true))
		link_down = false;
}

/* Before the server enters its netns: a socket to reach the client's. */
static void link_open(void)
{
	int self = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);

	if (self < 0 || opt.ns_fd[1] < 0)
		die("recover: needs the client's netns (-C)");
	if (setns(opt.ns_fd[1], CLONE_NEWNET))
		die("setns client (link)");
	link_fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (link_fd < 0)
		die("socket (link)");
	if (setns(self, CLONE_NEWNET))
		die("setns back (link)");
	close(self);
	atexit(link_restore);
}

/*
 * Receive one whole message: where its body is (valid until the next
 * call), or NULL with *st RX_TIMEOUT or RX_END.
 */
static const char *rx_msg(struct conn *c, long *st)
{
	struct iovec iov = { c->buf, RX_CAP };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };
	const char *p;
	uint32_t len;
	ssize_t n;

	switch (opt.peer->kind) {
	case STREAM:
		while (c->have < opt.size) {
			n = recv(c->fd, c->buf + c->have, opt.size - c->have,
				 0);
			if (n <= 0) {
				*st = rx_fail(n);
				return NULL;
			}
			c->have += n;
		}
		c->have = 0;
		return c->buf;
	case FRAMED:
		for (;;) {
			if (c->have >= 4) {
				memcpy(&len, c->buf + c->off, 4);
				if (ntohl(len) != opt.size) {
					errno = EPROTO;
					die("bad frame length");
				}
				if (c->have >= 4 + opt.size) {
					p = c->buf + c->off + 4;
					c->off += 4 + opt.size;
					c->have -= 4 + opt.size;
					return p;
				}
			}
			if (!c->have || c->off + c->have > RX_CAP / 2) {
				memmove(c->buf, c->buf + c->off, c->have);
				c->off = 0;
			}
			n = recv(c->fd, c->buf + c->off + c->have,
				 RX_CAP - c->off - c->have, 0);
			if (n <= 0) {
				*st = rx_fail(n);
				return NULL;
			}
			c->have += n;
		}
	default:
		n = recvmsg(c->fd, &mh, 0);
		if (n <= 0) {
			*st = rx_fail(n);
			return NULL;
		}
		if (!(mh.msg_flags & MSG_EOR) || (size_t)n != opt.size) {
			errno = EPROTO;
			die("recover: not one whole message");
		}
		return c->buf;
	}
}

/* What arrived: every number once, in order. */
struct seen {
	uint64_t *bits;
	unsigned long cap;	/* bits */
	long distinct, dup, reordered, next;	/* next: highest + 1 */
};

static void seen_add(struct seen *s, unsigned long seq)
{
	unsigned long cap = s->cap;

	if (seq >= REC_SEQ_MAX) {
		errno = ERANGE;
		die("recover: message number out of range (corrupt)");
	}
	if (seq >= cap) {
		while (cap <= seq)
			cap = cap ? 2 * cap : 1 << 20;
		s->bits = realloc(s->bits, cap / 8);
		if (!s->bits)
			die("malloc");
		memset((char *)s->bits + s->cap / 8, 0, (cap - s->cap) / 8);
		s->cap = cap;
	}
	if (s->bits[seq / 64] & (1ULL << (seq % 64))) {
		s->dup++;
		return;
	}
	s->bits[seq / 64] |= 1ULL << (seq % 64);
	s->distinct++;
	if ((long)seq < s->next)
		s->reordered++;		/* a later one came first */
	else
		s->next = seq + 1;
}

static void recover_server(int lfd)
{
	enum { WARM, STEADY, CUT, AFTER, DRAIN } phase = WARM;
	double t, t_steady = 0, t_cut = 0, t_down = 0, t_up = 0;
	double t_last = 0, t_first = 0, deadline = 0;
	long st = 0, pre = 0, during = 0, post = 0, total = 0, lost;
	struct ses_info si = { 0 };
	struct seen sn = { 0 };
	const char *p;
	struct conn c;
	uint64_t seq;
	bool ses = opt.peer->protocol == IPPROTO_SES, ok;
	socklen_t l = sizeof(si);

	conn_init(&c, sock_accept(lfd));
	/* wake up often enough to cut and restore the link on time */
	set_timeo(c.fd, SO_RCVTIMEO, 0.01);
	for (;;) {
		p = rx_msg(&c, &st);
		t = now();
		if (p) {
			memcpy(&seq, p, sizeof(seq));
			seen_add(&sn, seq);
			total++;
			if (phase < AFTER)
				t_last = t;
		} else if (st == RX_END) {
			if (phase == DRAIN)
				break;
			die("recover: connection ended early");
		}
		switch (phase) {
		case WARM:
			if (!p)
				break;
			if (!t_steady) {
				t_steady = t + opt.warmup;
				t_cut = t_steady + opt.secs;
			} else if (t >= t_steady) {
				phase = STEADY;
				pre++;
			}
			break;
		case STEADY:
			pre += !!p;
			if (t < t_cut)
				break;
			t_down = now();
			link_set(false);
			phase = CUT;
			break;
		case CUT:
			during += !!p;
			if (t < t_down + opt.cut_ms / 1e3)
				break;
			link_set(true);
			t_up = now();
			phase = AFTER;
			break;
		case AFTER:
			if (p && !t_first)
				t_first = t;
			if (p && t < t_up + REC_POST)
				post++;
			if (t_first && t >= t_up + REC_POST) {
				set_flag(&sh->stop);
				phase = DRAIN;
				deadline = t + IO_TIMEOUT;
			} else if (t >= t_up + IO_TIMEOUT) {
				errno = ETIMEDOUT;
				die("recover: nothing arrived after the restore");
			}
			break;
		case DRAIN:
			if (t >= deadline) {
				errno = ETIMEDOUT;
				die("recover: the client's end did not arrive");
			}
			break;
		}
	}
	if (ses)	/* the counters only: not worth failing the run */
		getsockopt(c.fd, SOL_SES, SES_INFO, &si, &l);
	conn_close(&c);

	/* the client wrote its count and session before it closed */
	lost = sh->sent - sn.distinct;
	pre = pre ?: 1;
	/*
	 * first_ms: link restore to the first message after it; gap_ms:
	 * the receiver's silence around it; post_ratio: the message rate
	 * in the REC_POST s after the restore over the one before the cut
	 */
	printf("RESULT peer=%s wl=recover size=%zu cut_ms=%d pre_secs=%.3f pre_msgs_per_s=%.1f post_msgs_per_s=%.1f post_ratio=%.3f first_ms=%.1f gap_ms=%.1f during=%ld sent=%ld rcvd=%ld lost=%ld dup=%ld reordered=%ld",
	       opt.peer->name, opt.size, opt.cut_ms, t_down - t_steady,
	       pre / (t_down - t_steady), post / REC_POST,
	       post / REC_POST / (pre / (t_down - t_steady)),
	       (t_first - t_up) * 1e3, (t_first - t_last) * 1e3, during,
	       sh->sent, total, lost, sn.dup, sn.reordered);
	if (ses)
		printf(" reconnect_max_ms=%d user_timeout_ms=%d resumes=%u replayed=%llu srv_resumes=%u srv_duplicates=%llu",
		       opt.reconnect_max_ms, opt.user_timeout_ms,
		       sh->info.resumes,
		       (unsigned long long)sh->info.replayed, si.resumes,
		       (unsigned long long)si.duplicates);
	printf("\n");
	free(sn.bits);

	ok = !lost && !sn.dup && !sn.reordered && sn.next <= sh->sent;
	if (!ok)
		fprintf(stderr, "ses_bench %s/recover: FAILED: sent %ld, received %ld (%ld distinct, highest number %ld): lost %ld, duplicated %ld, reordered %ld\n",
			opt.peer->name, sh->sent, total, sn.distinct,
			sn.next - 1, lost, sn.dup, sn.reordered);
	if (ses && !sh->info.resumes) {
		fprintf(stderr, "ses_bench ses/recover: FAILED: the session was not resumed: its transport did not break during the %d ms cut\n",
			opt.cut_ms);
		ok = false;
	}
	if (!ok)
		exit(3);
}

static void recover_client(void)
{
	socklen_t l = sizeof(sh->info);
	char *m = msg_new();
	uint64_t seq = 0;
	struct conn c;
	int ext = 0;

	conn_init(&c, sock_connect());
	if (opt.peer->protocol == IPPROTO_SES) {
		l = sizeof(ext);
		if (getsockopt(c.fd, SOL_SES, SES_EXTENSIONS, &ext, &l))
			die("SES_EXTENSIONS");
		if (!(ext & SES_EXT_RECOVERY)) {
			errno = EPROTONOSUPPORT;
			die("recover: recovery not negotiated");
		}
	}
	while (!get_flag(&sh->stop)) {
		memcpy(m + 4, &seq, sizeof(seq));
		if (send_msg(&c, m))
			die("recover: send");
		seq++;
	}
	sh->sent = seq;
	l = sizeof(sh->info);
	if (opt.peer->protocol == IPPROTO_SES &&
	    getsockopt(c.fd, SOL_SES, SES_INFO, &sh->info, &l))
		die("SES_INFO");
	__atomic_thread_fence(__ATOMIC_RELEASE);
	conn_close(&c);
	free(m);
}

/* ---- scale: memory of idle connections ---- */

struct slab {
	char name[64];
	long long bytes;
};

struct memstat {
	long long slab_bytes;	/* sum of active objects x object size */
	long long memfree_kb;
	long long slab_kb;	/* /proc/meminfo Slab */
	long long sock_pages;	/* /proc/net/protocols memory column */
	int n;
	struct slab caches[SLAB_CACHES_MAX];
};

static void read_mem(struct memstat *m)
{
	char line[512], name[64];
	long long a, b, size, kb;
	FILE *f;

	memset(m, 0, sizeof(*m));
	f = fopen("/proc/slabinfo", "r");
	while (f && fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%63s %lld %lld %lld", name, &a, &b,
			   &size) != 4 || name[0] == '#')
			continue;
		m->slab_bytes += a * size;
		if (m->n < SLAB_CACHES_MAX) {
			snprintf(m->caches[m->n].name,
				 sizeof(m->caches[m->n].name), "%s", name);
			m->caches[m->n++].bytes = a * size;
		}
	}
	if (f)
		fclose(f);
	f = fopen("/proc/meminfo", "r");
	while (f && fgets(line, sizeof(line), f)) {
		if (sscanf(line, "MemFree: %lld", &kb) == 1)
			m->memfree_kb = kb;
		else if (sscanf(line, "Slab: %lld", &kb) == 1)
			m->slab_kb = kb;
	}
	if (f)
		fclose(f);
	/* protocol name, size, sockets, memory (pages or -1), ... */
	f = fopen("/proc/net/protocols", "r");
	while (f && fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%63s %lld %lld %lld", name, &a, &b,
			   &size) == 4 && size > 0)
			m->sock_pages += size;
	}
	if (f)
		fclose(f);
}

/* The caches that grew most between @a and @b, as comment lines. */
static void print_cache_growth(const struct memstat *a,
			       const struct memstat *b, long endpoints)
{
	long long d[SLAB_CACHES_MAX];
	int i, j, k, best;

	for (i = 0; i < b->n; i++) {
		d[i] = b->caches[i].bytes;
		for (j = 0; j < a->n; j++)
			if (!strcmp(a->caches[j].name, b->caches[i].name)) {
				d[i] -= a->caches[j].bytes;
				break;
			}
	}
	for (k = 0; k < 8; k++) {
		best = -1;
		for (i = 0; i < b->n; i++)
			if (d[i] > 0 && (best < 0 || d[i] > d[best]))
				best = i;
		if (best < 0 || d[best] < endpoints * 16)
			break;
		printf("# scale %s: %s +%.0f octets per endpoint\n",
		       opt.peer->name, b->caches[best].name,
		       (double)d[best] / endpoints);
		d[best] = 0;
	}
}

static void scale_server(int lfd, pid_t child)
{
	struct memstat *m0 = malloc(sizeof(*m0)), *m1 = malloc(sizeof(*m1));
	int *fds = malloc(opt.count * sizeof(*fds));
	long endpoints = 2L * opt.count;
	double t0, t1, settle;
	int i;

	if (!m0 || !m1 || !fds)
		die("malloc");
	/* settle: the previous run's frees, then the handshakes' */
	settle = opt.count < 1000 ? opt.count / 1000.0 : 1;
	usleep(settle * 500000);
	read_mem(m0);
	t0 = now();
	set_flag(&sh->go);
	for (i = 0; i < opt.count; i++)
		fds[i] = sock_accept(lfd);
	while (__atomic_load_n(&sh->connected, __ATOMIC_ACQUIRE) < opt.count) {
		if (waitpid(child, NULL, WNOHANG) == child) {
			errno = ECHILD;
			die("scale: client ended early");
		}
		usleep(10000);
	}
	t1 = now();
	usleep(settle * 1000000);
	read_mem(m1);
	printf("RESULT peer=%s wl=scale count=%d open_secs=%.3f conns_per_s=%.1f slab_per_endpoint=%.1f memfree_per_endpoint=%.1f meminfo_slab_per_endpoint=%.1f sockmem_pages=%lld\n",
	       opt.peer->name, opt.count, t1 - t0, opt.count / (t1 - t0),
	       (double)(m1->slab_bytes - m0->slab_bytes) / endpoints,
	       (double)(m0->memfree_kb - m1->memfree_kb) * 1024 / endpoints,
	       (double)(m1->slab_kb - m0->slab_kb) * 1024 / endpoints,
	       m1->sock_pages - m0->sock_pages);
	print_cache_growth(m0, m1, endpoints);
	set_flag(&sh->stop);
	for (i = 0; i < opt.count; i++)
		close(fds[i]);
	free(fds);
	free(m0);
	free(m1);
}

static void scale_client(void)
{
	int *fds = malloc(opt.count * sizeof(*fds));
	int i;

	if (!fds)
		die("malloc");
	while (!get_flag(&sh->go))
		usleep(1000);
	for (i = 0; i < opt.count; i++) {
		fds[i] = sock_connect();
		__atomic_store_n(&sh->connected, i + 1, __ATOMIC_RELEASE);
	}
	while (!get_flag(&sh->stop))
		usleep(10000);
	for (i = 0; i < opt.count; i++)
		close(fds[i]);
	free(fds);
}

/* ---- main ---- */

static int open_ns(const char *name)
{
	char path[256];
	int fd;

	if (strchr(name, '/'))
		snprintf(path, sizeof(path), "%s", name);
	else
		snprintf(path, sizeof(path), "/run/netns/%s", name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		fprintf(stderr, "ses_bench: netns %s: %s\n", path,
			strerror(errno));
		exit(2);
	}
	return fd;
}

static void bad_usage(void)
{
	fprintf(stderr,
		"usage: ses_bench -P tcp|tcpf|sctp|ses\n"
		"       -W stream|rr|setup|scale|recover\n"
		"       [-s SIZE] [-t SECONDS] [-w WARMUP_SECONDS] [-n COUNT]\n"
		"       [-a ADDR] [-p PORT] [-S NETNS] [-C NETNS]\n"
		"       [-L IFNAME] [-D CUT_MS] [-R RECONNECT_MAX_MS]\n"
		"       [-U USER_TIMEOUT_MS]\n");
	exit(2);
}

static void parse_args(int argc, char **argv)
{
	const char *addr = "127.0.0.1";
	int c, port = 7900;
	size_t i;

	while ((c = getopt(argc, argv, "P:W:s:t:w:n:a:p:S:C:L:D:R:U:")) != -1) {
		switch (c) {
		case 'P':
			for (i = 0; i < ARRAY_SIZE(peers); i++)
				if (!strcmp(optarg, peers[i].name))
					opt.peer = &peers[i];
			break;
		case 'W':
			opt.workload = optarg;
			break;
		case 's':
			opt.size = strtoul(optarg, NULL, 0);
			break;
		case 't':
			opt.secs = atof(optarg);
			break;
		case 'w':
			opt.warmup = atof(optarg);
			break;
		case 'n':
			opt.count = atoi(optarg);
			break;
		case 'a':
			addr = optarg;
			break;
		case 'p':
			port = atoi(optarg);
			break;
		case 'S':
			opt.ns_fd[0] = open_ns(optarg);
			break;
		case 'C':
			opt.ns_fd[1] = open_ns(optarg);
			break;
		case 'L':
			opt.link = optarg;
			break;
		case 'D':
			opt.cut_ms = atoi(optarg);
			break;
		case 'R':
			opt.reconnect_max_ms = atoi(optarg);
			break;
		case 'U':
			opt.user_timeout_ms = atoi(optarg);
			break;
		default:
			bad_usage();
		}
	}
	if (!opt.peer || !opt.workload || !opt.size || opt.size > RX_CAP / 4 ||
	    opt.secs <= 0 || opt.count <= 0 || opt.cut_ms <= 0 ||
	    opt.reconnect_max_ms <= 0 || opt.user_timeout_ms <= 0)
		bad_usage();
	opt.addr.sin_family = AF_INET;
	opt.addr.sin_port = htons(port);
	if (inet_pton(AF_INET, addr, &opt.addr.sin_addr) != 1)
		bad_usage();
}

static void raise_nofile(void)
{
	struct rlimit r = { opt.count + 64, opt.count + 64 };

	if (r.rlim_cur > 1024 && setrlimit(RLIMIT_NOFILE, &r))
		die("RLIMIT_NOFILE (run as root)");
}

int main(int argc, char **argv)
{
	bool scale, stream, rr, setup, recover;
	int lfd, status;
	pid_t pid;

	parse_args(argc, argv);
	scale = !strcmp(opt.workload, "scale");
	stream = !strcmp(opt.workload, "stream");
	rr = !strcmp(opt.workload, "rr");
	setup = !strcmp(opt.workload, "setup");
	recover = !strcmp(opt.workload, "recover");
	if (!scale && !stream && !rr && !setup && !recover)
		bad_usage();
	if (scale)
		raise_nofile();
	/* a run that hangs ends here rather than in the VM's timeout */
	alarm((unsigned int)(opt.warmup + opt.secs + opt.cut_ms / 1e3) * 4 +
	      120);

	sh = mmap(NULL, sizeof(*sh), PROT_READ | PROT_WRITE,
		  MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (sh == MAP_FAILED)
		die("mmap");
	if (recover)
		link_open();
	lfd = sock_listen();
	setvbuf(stdout, NULL, _IOLBF, 0);
	pid = fork();
	if (pid < 0)
		die("fork");
	if (!pid) {
		close(lfd);
		if (opt.ns_fd[1] >= 0 && setns(opt.ns_fd[1], CLONE_NEWNET))
			die("setns client");
		if (stream)
			stream_client();
		else if (rr)
			rr_client();
		else if (setup)
			setup_client();
		else if (recover)
			recover_client();
		else
			scale_client();
		return 0;
	}
	if (stream)
		stream_server(lfd);
	else if (rr)
		rr_server(lfd);
	else if (setup)
		setup_server(lfd);
	else if (recover)
		recover_server(lfd);
	else
		scale_server(lfd, pid);
	close(lfd);
	if (waitpid(pid, &status, 0) != pid)
		die("waitpid");
	return WIFEXITED(status) ? WEXITSTATUS(status) : 1;
}
