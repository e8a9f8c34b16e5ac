// SPDX-License-Identifier: GPL-2.0
/*
 * sesnc: a netcat for SES sessions, for demos and tests.
 *
 *   sesnc [-6] -l PORT            accept one session, print each SSDU
 *                                 received as a line, then release
 *   sesnc [-6] HOST PORT          open a session, send each line of
 *                                 standard input as one SSDU, release
 *   sesnc ... -n COUNT -s SIZE    send COUNT numbered SSDUs of SIZE
 *                                 octets instead of standard input
 *   sesnc ... -T TURNS            half duplex walkie-talkie: the data
 *                                 token's holder says one line and
 *                                 gives the token, TURNS times (the
 *                                 initiator starts), then releases
 *   sesnc ... -i MS               wait MS milliseconds between the
 *                                 numbered SSDUs
 *   sesnc ... -t MS               detect a dead transport within about
 *                                 MS (SES_USER_TIMEOUT, SES_KEEPALIVE)
 *                                 and reconnect at most MS/4 apart
 *
 * The listener checks numbered SSDUs ("message N ...") and reports how
 * many were lost, duplicated or out of order.
 *
 * Prints "sesnc: ..." status lines on standard error.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <linux/ses.h>

static void die(const char *what)
{
	fprintf(stderr, "sesnc: %s: %s\n", what, strerror(errno));
	exit(1);
}

static int getsockopt_int(int fd, int name)
{
	socklen_t len = sizeof(int);
	int v;

	if (getsockopt(fd, SOL_SES, name, &v, &len))
		die("getsockopt");
	return v;
}

static void show_session(int fd, const char *who)
{
	struct ses_info info;
	socklen_t len = sizeof(info);

	if (getsockopt(fd, SOL_SES, SES_INFO, &info, &len))
		die("getsockopt SES_INFO");
	fprintf(stderr,
		"sesnc: %s: session version %u, functional units 0x%04x, TPDU %u octets, %s\n",
		who, info.protocol_version, info.functional_units,
		info.tpdu_size, info.extensions & SES_EXT_RECOVERY ?
		"recovery negotiated" : "plain ISO session");
}

static void show_recovery(int fd, const char *who)
{
	struct ses_info info;
	socklen_t len = sizeof(info);

	if (getsockopt(fd, SOL_SES, SES_INFO, &info, &len) ||
	    !(info.extensions & SES_EXT_RECOVERY))
		return;
	fprintf(stderr,
		"sesnc: %s: resumed %u times, %llu SSDUs replayed, %llu duplicates dropped\n",
		who, info.resumes, (unsigned long long)info.replayed,
		(unsigned long long)info.duplicates);
}

/* Fast dead-peer detection and reconnects, for demos. */
static void set_recovery_timers(int fd, int ms)
{
	int quarter = ms / 4 > 0 ? ms / 4 : 1;

	if (!ms)
		return;
	setsockopt(fd, SOL_SES, SES_USER_TIMEOUT, &ms, sizeof(ms));
	setsockopt(fd, SOL_SES, SES_KEEPALIVE, &ms, sizeof(ms));
	setsockopt(fd, SOL_SES, SES_RECONNECT_MAX, &quarter, sizeof(quarter));
}

/* Give the data token (S-TOKEN-GIVE: a sendmsg with SES_SNDINFO). */
static void give_data_token(int fd)
{
	struct ses_sndinfo info = { .primitive = SES_PRIM_TOKEN_GIVE,
				    .tokens = SES_TOKEN_DATA };
	char cbuf[CMSG_SPACE(sizeof(info))] = { 0 };
	struct msghdr mh = { .msg_control = cbuf,
			     .msg_controllen = sizeof(cbuf) };
	struct cmsghdr *c = CMSG_FIRSTHDR(&mh);

	c->cmsg_level = SOL_SES;
	c->cmsg_type = SES_SNDINFO;
	c->cmsg_len = CMSG_LEN(sizeof(info));
	memcpy(CMSG_DATA(c), &info, sizeof(info));
	if (sendmsg(fd, &mh, 0) < 0)
		die("give the data token");
}

/*
 * Half duplex turn taking: speak and give the token, or listen until the
 * token comes; then the holder releases and the other end answers.
 */
static void talk(int fd, const char *who, long turns)
{
	char buf[256], cbuf[CMSG_SPACE(sizeof(struct ses_rcvinfo))];
	int have, len;
	long i;

	have = getsockopt_int(fd, SES_TOKENS) & SES_TOKEN_DATA;
	for (i = 0; i < turns; i++) {
		if (have) {
			len = snprintf(buf, sizeof(buf), "%s: turn %ld, over",
				       who, i);
			if (send(fd, buf, len, 0) != len)
				die("send");
			/* without the token this fails with EPERM */
			give_data_token(fd);
			have = 0;
			continue;
		}
		for (;;) {
			struct iovec iov = { buf, sizeof(buf) - 1 };
			struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1,
					     .msg_control = cbuf,
					     .msg_controllen = sizeof(cbuf) };
			ssize_t r = recvmsg(fd, &mh, 0);

			if (r < 0)
				die("recv");
			if (!(mh.msg_flags & SES_MSG_NOTIFICATION)) {
				printf("%s hears \"%.*s\"\n", who, (int)r, buf);
				continue;
			}
			printf("%s now holds the data token\n", who);
			have = 1;
			break;
		}
	}
	fflush(stdout);
	if (have && shutdown(fd, SHUT_WR))
		die("shutdown");
	while (recv(fd, buf, sizeof(buf), 0) > 0)
		;
}

static int serve(int family, int port, long turns, int fast)
{
	struct sockaddr_storage ss = { 0 };
	static char buf[1 << 20];
	unsigned long n = 0, bytes = 0, numbered = 0, lost = 0, dup = 0;
	unsigned long reordered = 0;
	long want = 0, num;
	int one = 1, lfd, fd;
	struct msghdr mh;
	struct iovec iov;
	ssize_t r;

	lfd = socket(family, SOCK_SEQPACKET, IPPROTO_SES);
	if (lfd < 0)
		die("socket");
	setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	ss.ss_family = family;
	if (family == AF_INET)
		((struct sockaddr_in *)&ss)->sin_port = htons(port);
	else
		((struct sockaddr_in6 *)&ss)->sin6_port = htons(port);
	if (bind(lfd, (struct sockaddr *)&ss, sizeof(ss)))
		die("bind");
	set_recovery_timers(lfd, fast);
	if (listen(lfd, 8))
		die("listen");
	fd = accept(lfd, NULL, NULL);
	if (fd < 0)
		die("accept");
	show_session(fd, "accepted");
	if (turns) {
		talk(fd, "listener", turns);
		goto out;
	}
	for (;;) {
		memset(&mh, 0, sizeof(mh));
		iov.iov_base = buf;
		iov.iov_len = sizeof(buf);
		mh.msg_iov = &iov;
		mh.msg_iovlen = 1;
		r = recvmsg(fd, &mh, 0);
		if (r < 0)
			die("recv");
		if (r == 0 && !(mh.msg_flags & MSG_EOR))
			break;	/* the peer released the session */
		n++;
		bytes += r;
		if (r > 8 && r < (ssize_t)sizeof(buf) && !memcmp(buf, "message ", 8)) {
			buf[r] = 0;
			num = atol(buf + 8);
			numbered++;
			if (num == want) {
				want++;
			} else if (num < want) {
				dup++;
			} else {
				lost += num - want;
				reordered++;
				want = num + 1;
			}
			continue;
		}
		if (r < 200 && !memchr(buf, 0, r))
			printf("%.*s\n", (int)r, buf);
	}
	fprintf(stderr, "sesnc: peer released after %lu SSDUs, %lu octets\n",
		n, bytes);
	if (numbered)
		printf("received %lu numbered SSDUs (0..%ld): %lu lost, %lu duplicated, %lu out of order\n",
		       numbered, want - 1, lost, dup, reordered);
	show_recovery(fd, "listener");
out:
	close(fd);
	close(lfd);
	return 0;
}

static int client(int family, const char *host, const char *port,
		  long count, long size, long turns, long interval, int fast)
{
	struct timespec ts = { interval / 1000, (interval % 1000) * 1000000L };
	int hdx = SES_FU_HALF_DUPLEX;
	struct addrinfo hints = { .ai_family = family }, *ai;
	char line[4096], *buf;
	long i;
	int fd;

	if (getaddrinfo(host, port, &hints, &ai))
		die("getaddrinfo");
	fd = socket(family, SOCK_SEQPACKET, IPPROTO_SES);
	if (fd < 0)
		die("socket");
	set_recovery_timers(fd, fast);
	if (turns && setsockopt(fd, SOL_SES, SES_FUNCTIONAL_UNITS, &hdx,
				sizeof(hdx)))
		die("SES_FUNCTIONAL_UNITS");
	if (connect(fd, ai->ai_addr, ai->ai_addrlen))
		die("connect");
	freeaddrinfo(ai);
	show_session(fd, "connected");
	if (turns) {
		talk(fd, "initiator", turns);
		goto out;
	}
	if (count) {
		buf = calloc(1, size + 32);
		if (!buf)
			die("calloc");
		for (i = 0; i < count; i++) {
			snprintf(buf, size + 32, "message %ld", i);
			if (send(fd, buf, size, 0) != size)
				die("send");
			if (interval)
				nanosleep(&ts, NULL);
		}
		free(buf);
	} else {
		while (fgets(line, sizeof(line), stdin)) {
			line[strcspn(line, "\n")] = 0;
			if (send(fd, line, strlen(line), 0) < 0)
				die("send");
		}
	}
	if (shutdown(fd, SHUT_WR))
		die("shutdown");
	while (recv(fd, line, sizeof(line), 0) > 0)
		;
out:
	fprintf(stderr, "sesnc: released\n");
	show_recovery(fd, "initiator");
	close(fd);
	return 0;
}

int main(int argc, char **argv)
{
	int family = AF_INET, listen_mode = 0, opt;
	long count = 0, size = 64, turns = 0, interval = 0;
	int fast = 0;

	while ((opt = getopt(argc, argv, "6ln:s:T:i:t:")) != -1) {
		switch (opt) {
		case '6':
			family = AF_INET6;
			break;
		case 'l':
			listen_mode = 1;
			break;
		case 'n':
			count = atol(optarg);
			break;
		case 's':
			size = atol(optarg);
			break;
		case 'T':
			turns = atol(optarg);
			break;
		case 'i':
			interval = atol(optarg);
			break;
		case 't':
			fast = atoi(optarg);
			break;
		default:
			goto usage;
		}
	}
	if (listen_mode && optind + 1 == argc)
		return serve(family, atoi(argv[optind]), turns, fast);
	if (!listen_mode && optind + 2 == argc)
		return client(family, argv[optind], argv[optind + 1], count,
			      size, turns, interval, fast);
usage:
	fprintf(stderr, "usage: sesnc [-6] [-t MS] [-T TURNS] -l PORT | sesnc [-6] [-t MS] [-T TURNS | -n COUNT -s SIZE [-i MS]] HOST PORT\n");
	return 2;
}
