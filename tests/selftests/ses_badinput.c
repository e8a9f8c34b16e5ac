// SPDX-License-Identifier: GPL-2.0
/*
 * Malformed and out-of-place input from a raw TCP client at an SES
 * listener.  For every case: the client sees an AB SPDU or the connection
 * closed within a few seconds, the matching /proc/net/ses_stat counter
 * goes up, no half-made session reaches accept(), and a well-behaved SES
 * client is served by the same listener afterwards.
 */
#include "ses_test.h"

#define DROP_MS	5000

struct bad_case {
	/* sends the bad input; may first do part of the handshake */
	int (*send)(int fd, int port);
	/* the counters of which one must go up */
	const char *counters[3];
	/* if set, establishes the session that the bad input then breaks */
	int (*open_session)(int fd);
};

static long long sum_counters(const char *const *names)
{
	long long sum = 0;
	int i;

	for (i = 0; i < 3 && names[i]; i++) {
		long long v = ses_stat(SRV, names[i]);

		if (v < 0)
			return -1;
		sum += v;
	}
	return sum;
}

static void __run_bad_case(struct __test_metadata *_metadata,
			   const struct bad_case *bc)
{
	long long before, after = -1, end;
	int lfd, port, raw, srv = -1, cli, acc;
	bool saw_ab = false, closed;
	char buf[16];

	before = sum_counters(bc->counters);
	ASSERT_LE(0, before) TH_LOG(SES_PROC_STAT " lacks %s", bc->counters[0]);
	lfd = ses_sock(SRV);
	ASSERT_LE(0, lfd);
	ASSERT_EQ(0, setopt_int(lfd, SOL_SES, SES_TIM_TIMEOUT, SES_TIM_SHORT_MS));
	ASSERT_EQ(0, bind_listen(lfd, cfg.port)) TH_LOG("listener: %s",
							strerror(errno));
	port = sock_port(lfd);
	raw = raw_connect(port);
	ASSERT_LE(0, raw) TH_LOG("tcp connect: %s", strerror(errno));

	if (bc->open_session) {
		ASSERT_EQ(0, bc->open_session(raw)) TH_LOG("no AC for the CN");
		srv = accept_within(lfd, SES_WAIT_MS, 0);
		ASSERT_LE(0, srv) TH_LOG("the session before the bad input");
	}
	ASSERT_EQ(0, bc->send(raw, port)) TH_LOG("sending the bad input");
	closed = !raw_wait_close(raw, DROP_MS, &saw_ab);
	EXPECT_TRUE(closed || saw_ab)
		TH_LOG("neither AB nor close within %d ms", DROP_MS);
	close(raw);

	end = now_ms() + 2000;
	do {
		after = sum_counters(bc->counters);
		if (after > before)
			break;
		sleep_ms(20);
	} while (now_ms() < end);
	EXPECT_LT(before, after) TH_LOG("%s%s%s%s%s did not go up",
					bc->counters[0],
					bc->counters[1] ? " / " : "",
					bc->counters[1] ?: "",
					bc->counters[2] ? " / " : "",
					bc->counters[2] ?: "");

	if (srv >= 0) {
		/* the session's owner sees it end in error, with no data */
		EXPECT_EQ(-1, recv(srv, buf, sizeof(buf), 0))
			TH_LOG("the broken session delivered data or EOF");
		EXPECT_EQ(SES_AB_PROTOCOL_ERROR,
			  getopt_int(srv, SOL_SES, SES_ABORT_REASON));
		close(srv);
	}
	/* nothing half-made is queued on the listener */
	ASSERT_EQ(0, set_nonblock(lfd, true));
	EXPECT_EQ(-1, accept(lfd, NULL, NULL));
	EXPECT_EQ(EAGAIN, errno);
	ASSERT_EQ(0, set_nonblock(lfd, false));

	/* and the listener still serves a well-behaved client */
	cli = ses_sock(CLI);
	ASSERT_LE(0, cli);
	ASSERT_EQ(0, connect_to(cli, port)) TH_LOG("connect afterwards: %s",
						   strerror(errno));
	acc = accept_within(lfd, SES_WAIT_MS, 0);
	ASSERT_LE(0, acc);
	ASSERT_EQ(2, send(cli, "ok", 2, 0));
	ASSERT_EQ(2, recv(acc, buf, sizeof(buf), 0));
	EXPECT_EQ(0, memcmp(buf, "ok", 2));
	close(acc);
	close(cli);
	close(lfd);
}
#define run_bad_case(...) do {						\
	const struct bad_case __bc = { __VA_ARGS__ };			\
	__run_bad_case(_metadata, &__bc);				\
} while (0)

/* ---- bad input, one function each ---------------------------------------- */

static const uint8_t cr_tpdu[] = { 0x09, COTP_CR, 0x00, 0x00, 0x00, 0x01,
				   0x00, COTP_PAR_TPDU_SIZE, 0x01,
				   COTP_TPDU_8192 };

static int tpkt_version_4(int fd, int port)
{
	uint8_t b[4 + sizeof(cr_tpdu)] = { 4, 0, 0, sizeof(b) };

	memcpy(b + 4, cr_tpdu, sizeof(cr_tpdu));
	return write_all(fd, b, sizeof(b));
}

static int tpkt_length_below_header(int fd, int port)
{
	static const uint8_t b[] = { 3, 0, 0, 3, 0xe0, 0, 0, 0 };

	return write_all(fd, b, sizeof(b));
}

static int tpkt_length_past_end_then_close(int fd, int port)
{
	uint8_t b[4 + sizeof(cr_tpdu)] = { 3, 0, 0x04, 0x00 };

	memcpy(b + 4, cr_tpdu, sizeof(cr_tpdu));
	if (write_all(fd, b, sizeof(b)))
		return -1;
	return shutdown(fd, SHUT_WR);
}

static int tpdu_of_unknown_type(int fd, int port)
{
	static const uint8_t t[] = { 0x02, 0x40, 0x00 };

	return tpkt_send(fd, t, sizeof(t));
}

static int tpdu_li_past_its_end(int fd, int port)
{
	static const uint8_t t[] = { 0x0e, COTP_CR, 0x00, 0x00 };

	return tpkt_send(fd, t, sizeof(t));
}

static int data_tpdu_before_cr(int fd, int port)
{
	uint8_t t[16];

	return cotp_send_dt(fd, t, build_dt(t, "early", 5));
}

static int cn_with_truncated_parameter(int fd, int port)
{
	/* Session User Requirements claims 5 octets, 2 remain */
	static const uint8_t cn[] = { SPDU_CN, 0x0c,
				      0x05, 0x06, 0x13, 0x01, 0x00,
				      0x16, 0x01, 0x02,
				      0x14, 0x05, 0x00, 0x02 };

	if (raw_transport_connect(fd))
		return -1;
	return cotp_send_dt(fd, cn, sizeof(cn));
}

static int cn_whose_li_runs_past_the_tsdu(int fd, int port)
{
	uint8_t cn[64];
	size_t l = build_cn(cn, SES_FU_DUPLEX, NULL, -1, 0);

	if (raw_transport_connect(fd))
		return -1;
	cn[1] = 0x40;
	return cotp_send_dt(fd, cn, l);
}

static int cn_with_parameter_group_overrunning_the_spdu(int fd, int port)
{
	uint8_t cn[64];
	size_t l = build_cn(cn, SES_FU_DUPLEX, NULL, -1, 0);

	if (raw_transport_connect(fd))
		return -1;
	cn[3] = 0x30;	/* PGI 5's length */
	return cotp_send_dt(fd, cn, l);
}

static int unknown_spdu_type(int fd, int port)
{
	static const uint8_t sp[] = { 99, 0x00 };

	if (raw_transport_connect(fd))
		return -1;
	return cotp_send_dt(fd, sp, sizeof(sp));
}

static int data_before_cn(int fd, int port)
{
	uint8_t t[16];

	if (raw_transport_connect(fd))
		return -1;
	return cotp_send_dt(fd, t, build_dt(t, "hello", 5));
}

static int ac_sent_to_the_responder(int fd, int port)
{
	uint8_t ac[64];

	if (raw_transport_connect(fd))
		return -1;
	return cotp_send_dt(fd, ac, build_ac(ac, SES_FU_DUPLEX, -1, 0));
}

static int second_cn_in_data_transfer(int fd, int port)
{
	uint8_t cn[64];

	return cotp_send_dt(fd, cn, build_cn(cn, SES_FU_DUPLEX, NULL, -1, 0));
}

/* Segment size that fits the TSDU size granted in the AC. */
static size_t seg_size = 4096;

/* A session whose CN proposes 8192-octet TSDUs both ways. */
static int open_segmenting_session(int fd)
{
	uint8_t cn[64], *b = malloc(RAW_MAX);
	int si, len = 0, ret = -1;
	struct spdu s;

	if (!b)
		return -1;
	si = raw_session_connect(fd, cn, build_cn(cn, SES_FU_DUPLEX, NULL,
						  8192, 8192), b, &len);
	if (si == SPDU_AC && !tsdu_main_spdu(b, len, &s)) {
		const uint8_t *v;
		size_t vl;
		long i2r = 0;

		if (spdu_param(s.par, s.plen, PI_TSDU_MAX, &v, &vl) == 1 &&
		    vl == 4)
			i2r = v[0] << 8 | v[1];
		/* GT, DT and Enclosure Item take 7 octets of a TSDU */
		if (i2r > 16 && (size_t)i2r - 7 < seg_size)
			seg_size = i2r - 7;
		ret = 0;
	}
	free(b);
	return ret;
}

/*
 * An SSDU over net.ses.max_ssdu, in Enclosure Item segments that each
 * respect the TSDU size.  The session must end without delivering any of
 * it and without buffering it all first.
 */
static int ssdu_over_max_ssdu_in_segments(int fd, int port)
{
	uint8_t *b = malloc(RAW_MAX), *seg = malloc(RAW_MAX);
	long max = ses_max_ssdu(), sent = 0;

	if (!b || !seg)
		return -1;
	memset(seg, 'x', seg_size);
	while (sent <= max) {
		uint8_t enc = sent ? 0 : ENC_BEGIN;
		size_t l = build_dt_segment(b, enc, seg, seg_size);

		/* the listener may reset, or stop reading, once it has had
		 * enough: what it did is judged afterwards
		 */
		if (cotp_send_dt(fd, b, l))
			goto out;
		sent += seg_size;
	}
	/* the end segment, in case the listener waited for it */
	cotp_send_dt(fd, b, build_dt_segment(b, ENC_END, seg, 1));
out:
	free(b);
	free(seg);
	return 0;
}

TEST(tpkt_with_version_4_is_dropped)
{
	run_bad_case(tpkt_version_4, { "SesBadTpkt" });
}

TEST(tpkt_length_below_its_header_is_dropped)
{
	run_bad_case(tpkt_length_below_header, { "SesBadTpkt" });
}

TEST(tpkt_length_past_the_end_then_close_is_dropped)
{
	run_bad_case(tpkt_length_past_end_then_close,
		     { "SesBadTpkt", "SesTransportResets" });
}

TEST(tpdu_of_unknown_type_is_dropped)
{
	run_bad_case(tpdu_of_unknown_type, { "SesBadTpdu" });
}

TEST(tpdu_whose_li_runs_past_its_end_is_dropped)
{
	run_bad_case(tpdu_li_past_its_end, { "SesBadTpdu" });
}

TEST(data_tpdu_before_connection_request_is_dropped)
{
	run_bad_case(data_tpdu_before_cr, { "SesBadTpdu", "SesUnexpectedSpdu" });
}

TEST(cn_with_truncated_parameter_is_dropped)
{
	run_bad_case(cn_with_truncated_parameter, { "SesBadSpdu" });
}

TEST(cn_whose_length_runs_past_the_tsdu_is_dropped)
{
	run_bad_case(cn_whose_li_runs_past_the_tsdu, { "SesBadSpdu" });
}

TEST(cn_with_parameter_group_overrunning_the_spdu_is_dropped)
{
	run_bad_case(cn_with_parameter_group_overrunning_the_spdu,
		     { "SesBadSpdu" });
}

TEST(spdu_of_unknown_type_is_dropped)
{
	run_bad_case(unknown_spdu_type, { "SesBadSpdu", "SesUnexpectedSpdu" });
}

TEST(data_before_cn_is_dropped)
{
	run_bad_case(data_before_cn, { "SesUnexpectedSpdu" });
}

TEST(ac_sent_to_the_responder_is_dropped)
{
	run_bad_case(ac_sent_to_the_responder, { "SesUnexpectedSpdu" });
}

TEST(second_cn_in_an_established_session_aborts_it)
{
	run_bad_case(second_cn_in_data_transfer, { "SesUnexpectedSpdu" },
		     raw_client_session);
}

TEST(ssdu_over_max_ssdu_in_enclosure_segments_aborts_the_session)
{
	run_bad_case(ssdu_over_max_ssdu_in_segments, { "SesOversize" },
		     open_segmenting_session);
}

SES_TEST_MAIN
