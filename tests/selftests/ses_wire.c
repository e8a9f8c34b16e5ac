// SPDX-License-Identifier: GPL-2.0
/*
 * What a plain ISO peer sees and sends: TPKT/COTP class 0, CN/AC/RF with
 * version 2, functional units and selectors, the GT+DT data TSDU,
 * FN/DN, AB, and SSDU segmentation with the Enclosure Item, in both
 * roles.  One end is an SES socket, the other a TCP socket speaking the
 * bytes by hand (ses_test.h).
 */
#include "ses_test.h"

/* ---- SES initiator, plain responder -------------------------------------- */

FIXTURE(to_plain_peer) {
	int lfd, port;	/* plain TCP listener */
	int fd;		/* SES client */
	int raw;	/* the accepted TCP connection */
	uint8_t *b;
};

FIXTURE_SETUP(to_plain_peer)
{
	self->raw = -1;
	self->b = malloc(RAW_MAX);
	ASSERT_NE(NULL, self->b);
	self->lfd = raw_listener(&self->port);
	ASSERT_LE(0, self->lfd);
	self->fd = ses_sock(CLI);
	ASSERT_LE(0, self->fd);
}

FIXTURE_TEARDOWN(to_plain_peer)
{
	if (self->raw >= 0)
		close(self->raw);
	close(self->fd);
	close(self->lfd);
	free(self->b);
}

/* Starts a nonblocking connect and accepts its TCP connection. */
static void __begin(struct __test_metadata *_metadata,
		    FIXTURE_DATA(to_plain_peer) *self)
{
	ASSERT_EQ(0, set_nonblock(self->fd, true));
	ASSERT_EQ(-1, connect_to(self->fd, self->port));
	ASSERT_EQ(EINPROGRESS, errno);
	self->raw = accept_within(self->lfd, SES_WAIT_MS, 0);
	ASSERT_LE(0, self->raw);
}
#define begin()	__begin(_metadata, self)

/* begin(), then CR answered with CC, then the CN into self->b. */
static int __read_cn(struct __test_metadata *_metadata,
		     FIXTURE_DATA(to_plain_peer) *self, struct spdu *cn)
{
	int n;

	begin();
	n = raw_accept_cn(self->raw, self->b);
	ASSERT_LT(0, n) TH_LOG("no CR + CN from the SES client");
	ASSERT_EQ(0, tsdu_main_spdu(self->b, n, cn));
	return n;
}
#define read_cn(cn)	__read_cn(_metadata, self, cn)

/* The session up, the peer's AC granting fu (-1: what the CN proposed). */
static void __establish(struct __test_metadata *_metadata,
			FIXTURE_DATA(to_plain_peer) *self, long fu,
			int i2r, int r2i)
{
	struct spdu cn;
	uint8_t ac[64];

	read_cn(&cn);
	if (fu < 0)
		fu = spdu_param_uint(&cn, PI_SESSION_REQ);
	ASSERT_EQ(0, cotp_send_dt(self->raw, ac, build_ac(ac, fu, i2r, r2i)));
	ASSERT_TRUE(wait_events(self->fd, POLLOUT, SES_WAIT_MS) & POLLOUT);
	ASSERT_EQ(0, so_error(self->fd));
	ASSERT_EQ(0, set_nonblock(self->fd, false));
}
#define establish(fu, i2r, r2i)	__establish(_metadata, self, fu, i2r, r2i)

/* Next TSDU from the SES end; its main SPDU in *s; returns its length. */
static int __next_tsdu(struct __test_metadata *_metadata, int raw, uint8_t *b,
		       struct spdu *s)
{
	int n = tsdu_recv(raw, b, RAW_MAX, SES_WAIT_MS);

	ASSERT_LT(0, n) TH_LOG("no TSDU: %s", n ? strerror(errno) : "EOF");
	ASSERT_EQ(0, tsdu_main_spdu(b, n, s)) TH_LOG("malformed SPDU");
	return n;
}
#define next_tsdu(s)	__next_tsdu(_metadata, self->raw, self->b, s)

/* Finds the PGI 5 (Connect/Accept Item) value in a CN or AC. */
static int accept_item(const struct spdu *s, const uint8_t **v, size_t *vl)
{
	const uint8_t *p = s->par;
	size_t n = s->plen;

	while (n >= 2) {
		size_t len = p[1], hl = 2;

		if (len == 0xff) {
			if (n < 4)
				return -1;
			len = p[2] << 8 | p[3];
			hl = 4;
		}
		if (hl + len > n)
			return -1;
		if (p[0] == PGI_CONN_ACCEPT) {
			*v = p + hl;
			*vl = len;
			return 1;
		}
		p += hl + len;
		n -= hl + len;
	}
	return 0;
}

TEST_F(to_plain_peer, opens_with_tpkt_version_3_and_a_class_0_cr)
{
	struct cotp t;

	begin();
	/* tpkt_recv() accepts version 3 only */
	ASSERT_LT(0, cotp_recv(self->raw, self->b, RAW_MAX, &t, SES_WAIT_MS))
		TH_LOG("no TPKT version 3: %s", strerror(errno));
	EXPECT_EQ(COTP_CR, t.code);
	ASSERT_LE(7, t.hdrlen);
	EXPECT_EQ(0, t.hdr[2] << 8 | t.hdr[3]) TH_LOG("CR dst-ref must be 0");
	EXPECT_EQ(0, t.hdr[6] >> 4) TH_LOG("class 0 only");
}

TEST_F(to_plain_peer, cn_proposes_version_2_and_duplex_in_short_form)
{
	static const uint8_t top_level_ok[] = {
		PGI_CONN_ID, PGI_CONN_ACCEPT, PI_SESSION_REQ, PI_CALLING_SSEL,
		PI_CALLED_SSEL, PI_DATA_OVERFLOW, PGI_USER_DATA,
		PGI_EXT_USER_DATA,
	};
	const uint8_t *cai, *v, *p;
	size_t cail, vl, n;
	struct spdu cn;
	int len;

	len = read_cn(&cn);
	EXPECT_EQ(SPDU_CN, cn.si);
	EXPECT_GE(256, len) TH_LOG("a plain CN must stay short");
	EXPECT_NE(0xff, self->b[1]) TH_LOG("LI <= 254 must use one octet");
	ASSERT_EQ(1, accept_item(&cn, &cai, &cail))
		TH_LOG("no Connect/Accept Item (PGI 5)");
	ASSERT_EQ(1, spdu_param(cai, cail, PI_VERSION, &v, &vl))
		TH_LOG("no Version Number in PGI 5");
	ASSERT_EQ(1, vl);
	EXPECT_EQ(0x02, v[0]) TH_LOG("version 2 alone");
	EXPECT_EQ(SES_FU_DUPLEX, spdu_param_uint(&cn, PI_SESSION_REQ));
	/* only X.225's top-level parameters: extensions hide in PGI 1 */
	for (p = cn.par, n = cn.plen; n >= 2;) {
		size_t l = p[1], hl = 2;

		if (l == 0xff) {
			l = p[2] << 8 | p[3];
			hl = 4;
		}
		EXPECT_NE(NULL, memchr(top_level_ok, p[0], sizeof(top_level_ok)))
			TH_LOG("top-level parameter %u in the CN", p[0]);
		ASSERT_GE(n, hl + l);
		p += hl + l;
		n -= hl + l;
	}
	EXPECT_EQ(0, n);
}

TEST_F(to_plain_peer, cn_carries_the_calling_and_called_selectors)
{
	const uint8_t *v;
	struct spdu cn;
	size_t vl;

	ASSERT_EQ(0, setsockopt(self->fd, SOL_SES, SES_CALLING_SSEL, "cli", 3));
	ASSERT_EQ(0, setsockopt(self->fd, SOL_SES, SES_CALLED_SSEL, "srv1", 4));
	read_cn(&cn);
	ASSERT_EQ(1, spdu_param(cn.par, cn.plen, PI_CALLING_SSEL, &v, &vl));
	EXPECT_EQ(3, vl);
	EXPECT_EQ(0, memcmp(v, "cli", 3));
	ASSERT_EQ(1, spdu_param(cn.par, cn.plen, PI_CALLED_SSEL, &v, &vl));
	EXPECT_EQ(4, vl);
	EXPECT_EQ(0, memcmp(v, "srv1", 4));
}

TEST_F(to_plain_peer, cn_proposes_the_tsdu_size_this_end_accepts)
{
	const uint8_t *v;
	struct spdu cn;
	size_t vl;

	ASSERT_EQ(0, setopt_int(self->fd, SOL_SES, SES_TSDU_MAX, 512));
	read_cn(&cn);
	ASSERT_EQ(1, spdu_param(cn.par, cn.plen, PI_TSDU_MAX, &v, &vl))
		TH_LOG("no TSDU Maximum Size in the CN");
	ASSERT_EQ(4, vl);
	EXPECT_EQ(512, v[2] << 8 | v[3]) TH_LOG("responder-to-initiator size");
}

TEST_F(to_plain_peer, keeps_only_the_units_both_proposed_and_granted)
{
	establish(SES_FU_DUPLEX | SES_FU_EXPEDITED, -1, 0);
	EXPECT_EQ(SES_FU_DUPLEX,
		  getopt_int(self->fd, SOL_SES, SES_FUNCTIONAL_UNITS));
}

TEST_F(to_plain_peer, data_goes_out_as_gt_dt_01_00_01_00)
{
	static const uint8_t want[] = { 1, 0, 1, 0, 'h', 'i' };
	struct spdu s;

	establish(-1, -1, 0);
	ASSERT_EQ(2, send(self->fd, "hi", 2, 0));
	ASSERT_EQ(sizeof(want), next_tsdu(&s));
	EXPECT_EQ(0, memcmp(self->b, want, sizeof(want)));
}

TEST_F(to_plain_peer, empty_ssdu_goes_out_as_a_bare_gt_dt)
{
	static const uint8_t want[] = { 1, 0, 1, 0 };
	struct spdu s;

	establish(-1, -1, 0);
	ASSERT_EQ(0, send(self->fd, "", 0, 0));
	ASSERT_EQ(sizeof(want), next_tsdu(&s));
	EXPECT_EQ(0, memcmp(self->b, want, sizeof(want)));
}

TEST_F(to_plain_peer, gt_dt_from_the_peer_arrives_as_one_ssdu)
{
	uint8_t t[16], buf[16];
	int fl;

	establish(-1, -1, 0);
	ASSERT_EQ(0, cotp_send_dt(self->raw, t, build_dt(t, "xyz", 3)));
	ASSERT_EQ(0, cotp_send_dt(self->raw, t, build_dt(t, "", 0)));
	ASSERT_EQ(3, recv_ssdu(self->fd, buf, sizeof(buf), 0, &fl));
	EXPECT_EQ(0, memcmp(buf, "xyz", 3));
	EXPECT_TRUE(fl & MSG_EOR);
	ASSERT_EQ(0, recv_ssdu(self->fd, buf, sizeof(buf), 0, &fl));
	EXPECT_TRUE(fl & MSG_EOR);
}

TEST_F(to_plain_peer, refusal_gives_econnrefused_and_the_peer_reason)
{
	long long before = ses_stat(CLI, "SesRefusedReceived");
	struct spdu cn;
	uint8_t rf[16];
	int rev;

	read_cn(&cn);
	ASSERT_EQ(0, cotp_send_dt(self->raw, rf,
				  build_rf(rf, SES_RF_SPM_RESTRICTION)));
	rev = wait_events(self->fd, POLLOUT | POLLERR, SES_WAIT_MS);
	ASSERT_TRUE(rev & (POLLOUT | POLLERR));
	EXPECT_EQ(ECONNREFUSED, so_error(self->fd));
	EXPECT_EQ(SES_RF_SPM_RESTRICTION,
		  getopt_int(self->fd, SOL_SES, SES_REFUSE_REASON));
	EXPECT_EQ(before + 1, ses_stat(CLI, "SesRefusedReceived"));
}

TEST_F(to_plain_peer, shutdown_sends_fn_and_the_peer_dn_ends_the_session)
{
	struct spdu s;
	uint8_t dn[4];
	char c;
	int fl;

	establish(-1, -1, 0);
	ASSERT_EQ(0, shutdown(self->fd, SHUT_WR));
	next_tsdu(&s);
	ASSERT_EQ(SPDU_FN, s.si);
	ASSERT_EQ(0, cotp_send_dt(self->raw, dn, build_dn(dn)));
	ASSERT_EQ(0, recv_ssdu(self->fd, &c, 1, 0, &fl));
	EXPECT_FALSE(fl & MSG_EOR);
	/* the FN sender disconnects the transport after DN */
	EXPECT_EQ(0, raw_wait_close(self->raw, SES_WAIT_MS, NULL));
}

TEST_F(to_plain_peer, fn_from_the_peer_reads_as_eof_and_close_answers_dn)
{
	struct spdu s;
	uint8_t fn[8];
	char c;
	int fl;

	establish(-1, -1, 0);
	ASSERT_EQ(0, cotp_send_dt(self->raw, fn, build_fn(fn)));
	ASSERT_EQ(0, recv_ssdu(self->fd, &c, 1, 0, &fl));
	EXPECT_FALSE(fl & MSG_EOR);
	ASSERT_EQ(0, close(self->fd));
	self->fd = ses_sock(CLI);	/* for the teardown */
	next_tsdu(&s);
	EXPECT_EQ(SPDU_DN, s.si);
}

TEST_F(to_plain_peer, linger_zero_close_sends_ab)
{
	struct linger l = { 1, 0 };
	struct spdu s;

	ASSERT_EQ(0, setopt_int(self->fd, SOL_SES, SES_TIM_TIMEOUT,
				SES_TIM_SHORT_MS));
	establish(-1, -1, 0);
	ASSERT_EQ(0, setsockopt(self->fd, SOL_SOCKET, SO_LINGER, &l, sizeof(l)));
	ASSERT_EQ(0, close(self->fd));
	self->fd = ses_sock(CLI);
	next_tsdu(&s);
	EXPECT_EQ(SPDU_AB, s.si);
	EXPECT_EQ(0, raw_wait_close(self->raw, SES_WAIT_MS, NULL));
}

TEST_F(to_plain_peer, ses_abort_sends_ab_marked_as_user_abort)
{
	long long before = ses_stat(CLI, "SesAbortsSent");
	struct spdu s;
	long td;
	int one = 1;

	establish(-1, -1, 0);
	ASSERT_EQ(0, setsockopt(self->fd, SOL_SES, SES_ABORT, &one, sizeof(one)));
	next_tsdu(&s);
	ASSERT_EQ(SPDU_AB, s.si);
	td = spdu_param_uint(&s, PI_TRANSPORT_DISC);
	EXPECT_TRUE(td >= 0 && (td & TD_USER_ABORT))
		TH_LOG("Transport Disconnect 0x%lx lacks user abort", td);
	EXPECT_EQ(before + 1, ses_stat(CLI, "SesAbortsSent"));
}

TEST_F(to_plain_peer, user_ab_from_the_peer_resets_with_peer_user_reason)
{
	long long before = ses_stat(CLI, "SesAbortsReceived");
	uint8_t ab[8];
	char c;

	establish(-1, -1, 0);
	ASSERT_EQ(0, cotp_send_dt(self->raw, ab,
				  build_ab(ab, TD_RELEASED | TD_USER_ABORT)));
	EXPECT_EQ(-1, recv(self->fd, &c, 1, 0));
	EXPECT_EQ(ECONNRESET, errno);
	EXPECT_EQ(SES_AB_PEER_USER, getopt_int(self->fd, SOL_SES,
					       SES_ABORT_REASON));
	EXPECT_EQ(before + 1, ses_stat(CLI, "SesAbortsReceived"));
}

TEST_F(to_plain_peer, protocol_error_ab_from_the_peer_reports_peer_protocol)
{
	uint8_t ab[8];
	char c;

	establish(-1, -1, 0);
	ASSERT_EQ(0, cotp_send_dt(self->raw, ab,
				  build_ab(ab, TD_RELEASED | TD_PROTOCOL_ERROR)));
	EXPECT_EQ(-1, recv(self->fd, &c, 1, 0));
	EXPECT_EQ(ECONNRESET, errno);
	EXPECT_EQ(SES_AB_PEER_PROTOCOL, getopt_int(self->fd, SOL_SES,
						   SES_ABORT_REASON));
}

TEST_F(to_plain_peer, ssdus_are_segmented_with_enclosure_items_under_a_512_limit)
{
	static const size_t sizes[] = { 2000, 100 };
	uint8_t *data = malloc(4096);
	size_t i;

	ASSERT_NE(NULL, data);
	establish(-1, 512, 0);
	EXPECT_EQ(512, getopt_int(self->fd, SOL_SES, SES_TSDU_MAX));
	for (i = 0; i < ARRAY_SIZE(sizes); i++) {
		size_t got = 0;
		int segs = 0;

		ASSERT_EQ((ssize_t)sizes[i], send_pattern(self->fd, sizes[i],
							  i, 0));
		for (;;) {
			struct spdu s;
			int n = next_tsdu(&s);
			long enc;

			EXPECT_GE(512, n) TH_LOG("TSDU of %d octets", n);
			ASSERT_EQ(SPDU_DT, s.si);
			enc = spdu_param_uint(&s, PI_ENCLOSURE);
			ASSERT_GE(4096, got + s.uilen);
			memcpy(data + got, s.ui, s.uilen);
			got += s.uilen;
			segs++;
			if (enc < 0) {	/* unsegmented: one TSDU */
				EXPECT_EQ(1, segs);
				break;
			}
			EXPECT_EQ(segs == 1, !!(enc & ENC_BEGIN))
				TH_LOG("segment %d: enclosure 0x%lx", segs, enc);
			if (enc & ENC_END)
				break;
		}
		EXPECT_EQ(sizes[i], got);
		EXPECT_EQ(sizes[i], pattern_mismatch(data, got, i));
		if (sizes[i] > 512) {
			EXPECT_LE(4, segs) TH_LOG("%zu octets in %d TSDUs",
						  sizes[i], segs);
		}
	}
	free(data);
}

TEST_F(to_plain_peer, segmented_ssdu_from_the_peer_is_reassembled)
{
	uint8_t data[900], t[512], buf[1024];
	struct spdu cn;
	uint8_t ac[64];
	int fl, i;

	ASSERT_EQ(0, setopt_int(self->fd, SOL_SES, SES_TSDU_MAX, 512));
	read_cn(&cn);
	ASSERT_EQ(0, cotp_send_dt(self->raw, ac,
				  build_ac(ac, SES_FU_DUPLEX, 0, 512)));
	ASSERT_TRUE(wait_events(self->fd, POLLOUT, SES_WAIT_MS) & POLLOUT);
	ASSERT_EQ(0, so_error(self->fd));
	ASSERT_EQ(0, set_nonblock(self->fd, false));
	fill_pattern(data, sizeof(data), 9);
	for (i = 0; i < 3; i++) {
		uint8_t enc = i == 0 ? ENC_BEGIN : i == 2 ? ENC_END : 0;

		ASSERT_EQ(0, cotp_send_dt(self->raw, t,
					  build_dt_segment(t, enc, data + 300 * i,
							   300)));
	}
	ASSERT_EQ(900, recv_ssdu(self->fd, buf, sizeof(buf), 0, &fl));
	EXPECT_TRUE(fl & MSG_EOR);
	EXPECT_EQ(0, memcmp(buf, data, 900));
}

/* ---- plain initiator, SES listener ----------------------------------------- */

FIXTURE(from_plain_peer) {
	int lfd, port;	/* SES listener */
	int raw;	/* plain TCP client */
	uint8_t *b;
};

FIXTURE_SETUP(from_plain_peer)
{
	self->raw = -1;
	self->b = malloc(RAW_MAX);
	ASSERT_NE(NULL, self->b);
	self->lfd = ses_sock(SRV);
	ASSERT_LE(0, self->lfd);
}

FIXTURE_TEARDOWN(from_plain_peer)
{
	if (self->raw >= 0)
		close(self->raw);
	close(self->lfd);
	free(self->b);
}

/* Listens, connects the raw client, sends CR and cn; reply's SPDU in *s. */
static void __offer(struct __test_metadata *_metadata,
		    FIXTURE_DATA(from_plain_peer) *self, const uint8_t *cn,
		    size_t cnlen, struct spdu *s)
{
	int si, n = 0;

	ASSERT_EQ(0, bind_listen(self->lfd, cfg.port));
	self->port = sock_port(self->lfd);
	self->raw = raw_connect(self->port);
	ASSERT_LE(0, self->raw);
	si = raw_session_connect(self->raw, cn, cnlen, self->b, &n);
	ASSERT_LE(0, si) TH_LOG("no answer to the CN");
	ASSERT_EQ(0, tsdu_main_spdu(self->b, n, s));
}
#define offer(cn, len, s)	__offer(_metadata, self, cn, len, s)

TEST_F(from_plain_peer, listener_answers_ac_with_version_2_and_the_units)
{
	long long before = ses_stat(SRV, "SesPassiveOpens");
	uint8_t cn[64];
	struct spdu s;
	int srv;

	offer(cn, build_cn(cn, SES_FU_DUPLEX, NULL, -1, 0), &s);
	ASSERT_EQ(SPDU_AC, s.si);
	EXPECT_EQ(0x02, spdu_param_uint(&s, PI_VERSION));
	EXPECT_EQ(SES_FU_DUPLEX, spdu_param_uint(&s, PI_SESSION_REQ));
	srv = accept_within(self->lfd, SES_WAIT_MS, 0);
	ASSERT_LE(0, srv);
	EXPECT_EQ(SES_FU_DUPLEX, getopt_int(srv, SOL_SES, SES_FUNCTIONAL_UNITS));
	EXPECT_EQ(before + 1, ses_stat(SRV, "SesPassiveOpens"));
	close(srv);
}

TEST_F(from_plain_peer, listener_grants_one_of_duplex_and_half_duplex)
{
	uint8_t cn[64];
	struct spdu s;
	long fu;
	int srv;

	offer(cn, build_cn(cn, SES_FU_DUPLEX | SES_FU_HALF_DUPLEX, NULL, -1, 0),
	      &s);
	ASSERT_EQ(SPDU_AC, s.si);
	fu = spdu_param_uint(&s, PI_SESSION_REQ);
	ASSERT_LE(0, fu);
	EXPECT_TRUE((fu & 3) == SES_FU_DUPLEX || (fu & 3) == SES_FU_HALF_DUPLEX)
		TH_LOG("AC grants 0x%lx", fu);
	srv = accept_within(self->lfd, SES_WAIT_MS, 0);
	ASSERT_LE(0, srv);
	EXPECT_EQ(fu, getopt_int(srv, SOL_SES, SES_FUNCTIONAL_UNITS));
	close(srv);
}

TEST_F(from_plain_peer, listener_refuses_with_rf_reason_134_when_units_conflict)
{
	uint8_t cn[64];
	const uint8_t *v;
	struct spdu s;
	size_t vl;

	ASSERT_EQ(0, setopt_int(self->lfd, SOL_SES, SES_FUNCTIONAL_UNITS,
				SES_FU_HALF_DUPLEX));
	ASSERT_EQ(0, setopt_int(self->lfd, SOL_SES, SES_TIM_TIMEOUT,
				SES_TIM_SHORT_MS));
	offer(cn, build_cn(cn, SES_FU_DUPLEX, NULL, -1, 0), &s);
	ASSERT_EQ(SPDU_RF, s.si);
	ASSERT_EQ(1, spdu_param(s.par, s.plen, PI_REASON, &v, &vl));
	ASSERT_LE(1, vl);
	EXPECT_EQ(SES_RF_SPM_RESTRICTION, v[0]);
	EXPECT_EQ(0, raw_wait_close(self->raw, SES_WAIT_MS, NULL))
		TH_LOG("the transport stayed up after RF");
}

TEST_F(from_plain_peer, listener_refuses_with_rf_reason_129_for_another_selector)
{
	uint8_t cn[64];
	const uint8_t *v;
	struct spdu s;
	size_t vl;

	ASSERT_EQ(0, setsockopt(self->lfd, SOL_SES, SES_CALLED_SSEL, "abc", 3));
	offer(cn, build_cn(cn, SES_FU_DUPLEX, "xyz", -1, 0), &s);
	ASSERT_EQ(SPDU_RF, s.si);
	ASSERT_EQ(1, spdu_param(s.par, s.plen, PI_REASON, &v, &vl));
	ASSERT_LE(1, vl);
	EXPECT_EQ(SES_RF_SSEL_UNKNOWN, v[0]);
}

TEST_F(from_plain_peer, listener_accepts_an_mms_style_cn_with_user_data)
{
	uint8_t par[512], *p = par, cn[600], ud[160], cid[16], *q = cid;
	uint8_t fu[2] = { 0, SES_FU_DUPLEX };
	struct spdu s;
	size_t l;
	int srv;

	/* PGI 1 { calling SS-user reference }, PGI 5, PI 20, SSELs, PGI 193 */
	q += put_item(q, 10, "ref", 3);
	p += put_item(p, PGI_CONN_ID, cid, q - cid);
	p += put_accept_item(p, -1, 0);
	p += put_item(p, PI_SESSION_REQ, fu, 2);
	p += put_item(p, PI_CALLING_SSEL, "\x00\x01", 2);
	p += put_item(p, PI_CALLED_SSEL, "\x00\x01", 2);
	fill_pattern(ud, sizeof(ud), 3);
	ud[0] = 0x31;	/* looks like the start of a CP-type PPDU */
	p += put_item(p, PGI_USER_DATA, ud, sizeof(ud));
	l = put_spdu(cn, SPDU_CN, par, p - par);
	ASSERT_GE(256, l);
	offer(cn, l, &s);
	ASSERT_EQ(SPDU_AC, s.si);
	srv = accept_within(self->lfd, SES_WAIT_MS, 0);
	EXPECT_LE(0, srv);
	close(srv);
}

TEST_F(from_plain_peer, plain_initiator_session_carries_data_and_releases)
{
	static const uint8_t want[] = { 1, 0, 1, 0, 'd', 'e', 'f' };
	uint8_t cn[64], t[16];
	struct spdu s;
	char buf[16];
	int srv, fl, n;

	offer(cn, build_cn(cn, SES_FU_DUPLEX, NULL, -1, 0), &s);
	ASSERT_EQ(SPDU_AC, s.si);
	srv = accept_within(self->lfd, SES_WAIT_MS, 0);
	ASSERT_LE(0, srv);
	ASSERT_EQ(0, cotp_send_dt(self->raw, t, build_dt(t, "abc", 3)));
	ASSERT_EQ(3, recv_ssdu(srv, buf, sizeof(buf), 0, &fl));
	EXPECT_EQ(0, memcmp(buf, "abc", 3));
	EXPECT_TRUE(fl & MSG_EOR);
	ASSERT_EQ(3, send(srv, "def", 3, 0));
	n = tsdu_recv(self->raw, self->b, RAW_MAX, SES_WAIT_MS);
	ASSERT_EQ(sizeof(want), n);
	EXPECT_EQ(0, memcmp(self->b, want, sizeof(want)));
	ASSERT_EQ(0, cotp_send_dt(self->raw, t, build_fn(t)));
	ASSERT_EQ(0, recv_ssdu(srv, buf, sizeof(buf), 0, &fl));
	EXPECT_FALSE(fl & MSG_EOR);
	ASSERT_EQ(0, close(srv));
	n = tsdu_recv(self->raw, self->b, RAW_MAX, SES_WAIT_MS);
	ASSERT_LT(0, n) TH_LOG("no DN");
	ASSERT_EQ(0, tsdu_main_spdu(self->b, n, &s));
	EXPECT_EQ(SPDU_DN, s.si);
}

SES_TEST_MAIN
