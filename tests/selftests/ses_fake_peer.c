// SPDX-License-Identifier: GPL-2.0
/*
 * Plays both ends of SES sessions over two plain TCP sockets, with the
 * raw helpers of ses_test.h and no SES module.  Its traffic, captured,
 * checks tshark-check.sh (and that the helpers speak what Wireshark
 * decodes).  Usage: ses_fake_peer [-4|-6] [-a ADDR] -p PORT [-m]
 * -m adds a session whose CN carries a truncated parameter, which a
 * correct checker must flag as malformed.
 */
#include "ses_test.h"

static int fail(const char *what)
{
	fprintf(stderr, "ses_fake_peer: %s: %s\n", what, strerror(errno));
	return 1;
}

/* A TCP connection through cfg.addr:port: *c client end, *s server end. */
static int tcp_pair(int lfd, int port, int *c, int *s)
{
	*c = raw_connect(port);
	if (*c < 0)
		return -1;
	*s = accept_within(lfd, SES_WAIT_MS, 0);
	return *s < 0 ? -1 : 0;
}

static int expect_tsdu(int fd, uint8_t *b, uint8_t si)
{
	struct spdu s;
	int n = tsdu_recv(fd, b, RAW_MAX, SES_WAIT_MS);

	if (n <= 0 || tsdu_main_spdu(b, n, &s) || s.si != si) {
		errno = EPROTO;
		return -1;
	}
	return n;
}

/* CN, AC, data both ways, a segmented SSDU, FN, DN. */
static int full_session(int lfd, int port, uint8_t *b)
{
	static const char seg[3][8] = { "seg-one", "seg-two", "seg-3" };
	static const uint8_t enc[3] = { ENC_BEGIN, 0, ENC_END };
	uint8_t cn[128];
	struct cotp t;
	int c, s, i;

	if (tcp_pair(lfd, port, &c, &s))
		return fail("tcp");
	if (cotp_send_cr(c) ||
	    cotp_send_dt(c, cn, build_cn(cn, SES_FU_DUPLEX, "abc", 512, 512)))
		return fail("cr+cn");
	if (raw_server_session(s, 512, 512))
		return fail("server handshake");
	if (cotp_recv(c, b, RAW_MAX, &t, SES_WAIT_MS) != 1 ||
	    t.code != COTP_CC)
		return fail("cc");
	if (expect_tsdu(c, b, SPDU_AC) < 0)
		return fail("ac");
	if (cotp_send_dt(c, b, build_dt(b, "hello", 5)) ||
	    expect_tsdu(s, b, SPDU_DT) < 0)
		return fail("dt c->s");
	if (cotp_send_dt(s, b, build_dt(b, "world", 5)) ||
	    expect_tsdu(c, b, SPDU_DT) < 0)
		return fail("dt s->c");
	for (i = 0; i < 3; i++)
		if (cotp_send_dt(c, b, build_dt_segment(b, enc[i], seg[i],
							strlen(seg[i]))) ||
		    expect_tsdu(s, b, SPDU_DT) < 0)
			return fail("segment");
	if (cotp_send_dt(c, b, build_fn(b)) || expect_tsdu(s, b, SPDU_FN) < 0)
		return fail("fn");
	if (cotp_send_dt(s, b, build_dn(b)) || expect_tsdu(c, b, SPDU_DN) < 0)
		return fail("dn");
	close(c);
	if (raw_wait_close(s, SES_WAIT_MS, NULL))
		return fail("close");
	close(s);
	return 0;
}

/* CN refused with RF (SPM restriction). */
static int refused_session(int lfd, int port, uint8_t *b)
{
	uint8_t cn[128];
	int c, s;

	if (tcp_pair(lfd, port, &c, &s))
		return fail("tcp");
	if (cotp_send_cr(c) ||
	    cotp_send_dt(c, cn, build_cn(cn, SES_FU_DUPLEX, NULL, -1, 0)))
		return fail("cr+cn");
	if (raw_accept_cn(s, b) < 0)
		return fail("accept cn");
	if (cotp_send_dt(s, b, build_rf(b, SES_RF_SPM_RESTRICTION)))
		return fail("rf");
	close(s);
	close(c);
	return 0;
}

/* CN, AC, then AB (user abort). */
static int aborted_session(int lfd, int port, uint8_t *b)
{
	uint8_t cn[128];
	int c, s;

	if (tcp_pair(lfd, port, &c, &s))
		return fail("tcp");
	if (cotp_send_cr(c) ||
	    cotp_send_dt(c, cn, build_cn(cn, SES_FU_DUPLEX, NULL, -1, 0)))
		return fail("cr+cn");
	if (raw_server_session(s, -1, 0))
		return fail("server handshake");
	if (cotp_send_dt(c, b, build_ab(b, TD_RELEASED | TD_USER_ABORT)))
		return fail("ab");
	close(c);
	close(s);
	return 0;
}

/* A CN whose Session User Requirements claim 5 octets where 2 remain. */
static int malformed_session(int lfd, int port)
{
	static const uint8_t bad_cn[] = { 0x0d, 0x0c, 0x05, 0x06, 0x13, 0x01,
					  0x00, 0x16, 0x01, 0x02, 0x14, 0x05,
					  0x00, 0x02 };
	int c, s;

	if (tcp_pair(lfd, port, &c, &s))
		return fail("tcp");
	if (cotp_send_cr(c) || cotp_send_dt(c, bad_cn, sizeof(bad_cn)))
		return fail("bad cn");
	sleep_ms(100);
	close(c);
	close(s);
	return 0;
}

int main(int argc, char **argv)
{
	bool malformed = false;
	uint8_t *b = malloc(RAW_MAX);
	int i, lfd, port;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-6"))
			cfg.family = AF_INET6;
		else if (!strcmp(argv[i], "-a") && i + 1 < argc)
			snprintf(cfg.addr, sizeof(cfg.addr), "%s", argv[++i]);
		else if (!strcmp(argv[i], "-p") && i + 1 < argc)
			cfg.port = atoi(argv[++i]);
		else if (!strcmp(argv[i], "-m"))
			malformed = true;
	}
	if (!cfg.addr[0])
		snprintf(cfg.addr, sizeof(cfg.addr), "%s",
			 cfg.family == AF_INET6 ? "::1" : "127.0.0.1");
	lfd = tcp_sock(SRV);
	if (!b || lfd < 0 || bind_listen(lfd, cfg.port))
		return fail("listen");
	port = sock_port(lfd);
	if (full_session(lfd, port, b) || refused_session(lfd, port, b) ||
	    aborted_session(lfd, port, b))
		return 1;
	if (malformed && malformed_session(lfd, port))
		return 1;
	close(lfd);
	return 0;
}
