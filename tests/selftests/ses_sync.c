// SPDX-License-Identifier: GPL-2.0
/*
 * Synchronisation points and resynchronisation through the socket API:
 * the initial serial number, minor and major points with their
 * confirmations over 10,000 SSDUs, data held back while a major point
 * awaits its MAA, resync of each type from both ends, a raw peer that
 * sends data after our RS (discarded and counted), RS collisions, the
 * errno of each misuse, and peers that break the serial-number rules.
 */
#include "ses_test.h"

#define BUFSZ		1024
#define SSDUS		10000
#define FU_SYNC		(SES_FU_DUPLEX | SES_FU_MINOR_SYNC | \
			 SES_FU_MAJOR_SYNC | SES_FU_RESYNC)

#define SPDU_MIP	49
#define SPDU_MIA	50
#define SPDU_MAP	41
#define SPDU_MAA	42
#define SPDU_RS		53
#define SPDU_RA		34
#define SPDU_PR		7
#define PI_SYNC_TYPE	15
#define PI_RESYNC_TYPE	27
#define PI_SERIAL	42

static struct ses_serials serials(int fd)
{
	struct ses_serials s = { 0 };
	socklen_t len = sizeof(s);

	if (getsockopt(fd, SOL_SES, SES_SERIALS, &s, &len) || len != sizeof(s))
		s.version = 0;
	return s;
}

/* The next record at @fd: the indication @prim_ with serial @serial_. */
#define EXPECT_SYNC(fd, prim_, serial_) ({				\
	struct ses_rcvinfo _i;						\
	char _b[BUFSZ];							\
	int _f = 0;							\
	ssize_t _n = ses_recv_rec(fd, _b, sizeof(_b), &_i, &_f);		\
	ASSERT_LE(0, _n) TH_LOG("recvmsg: %s", strerror(errno));	\
	EXPECT_TRUE(_f & SES_MSG_NOTIFICATION) TH_LOG("flags 0x%x", _f); \
	EXPECT_EQ((uint32_t)(prim_), _i.primitive);			\
	EXPECT_EQ((uint32_t)(serial_), _i.serial);			\
	_i;								\
})

/* The next record at @fd: the SSDU @want_. */
#define EXPECT_DATA(fd, want_) do {					\
	struct ses_rcvinfo _i;						\
	char _b[BUFSZ];							\
	int _f = 0;							\
	ssize_t _n = ses_recv_rec(fd, _b, sizeof(_b), &_i, &_f);		\
	ASSERT_EQ((ssize_t)strlen(want_), _n) TH_LOG("%s", strerror(errno)); \
	EXPECT_FALSE(_f & SES_MSG_NOTIFICATION);			\
	EXPECT_EQ(0, memcmp(_b, want_, _n));				\
} while (0)

/* Listener and client proposing @fu; the client proposes serial @isn. */
static void __sync_pair(struct __test_metadata *_metadata, struct ses_pair *p,
			int fu, int isn)
{
	p->cli = p->srv = -1;
	p->lfd = ses_sock(SRV);
	ASSERT_LE(0, p->lfd);
	ASSERT_EQ(0, setopt_int(p->lfd, SOL_SES, SES_FUNCTIONAL_UNITS, fu));
	ASSERT_EQ(0, bind_listen(p->lfd, cfg.port));
	p->port = sock_port(p->lfd);
	p->cli = ses_sock(CLI);
	ASSERT_LE(0, p->cli);
	ASSERT_EQ(0, setopt_int(p->cli, SOL_SES, SES_FUNCTIONAL_UNITS, fu))
		TH_LOG("SES_FUNCTIONAL_UNITS 0x%x: %s", fu, strerror(errno));
	ASSERT_EQ(0, setopt_int(p->cli, SOL_SES, SES_INITIAL_SERIAL, isn));
	ASSERT_EQ(0, connect_to(p->cli, p->port))
		TH_LOG("connect: %s", strerror(errno));
	p->srv = accept_within(p->lfd, SES_WAIT_MS, 0);
	ASSERT_LE(0, p->srv) TH_LOG("accept: %s", strerror(errno));
	set_io_timeouts(p->cli, SES_IO_TIMEOUT_MS);
	set_io_timeouts(p->srv, SES_IO_TIMEOUT_MS);
}
#define sync_pair(p, fu, isn) __sync_pair(_metadata, p, fu, isn)

FIXTURE(sync) {
	struct ses_pair p;
};

FIXTURE_SETUP(sync)
{
	sync_pair(&self->p, FU_SYNC, 1);
}

FIXTURE_TEARDOWN(sync)
{
	ses_pair_close(&self->p);
}

TEST(initial_serial_number_is_agreed_in_cn_and_ac)
{
	struct ses_serials c, s;
	struct ses_pair p;

	sync_pair(&p, FU_SYNC, 4711);
	EXPECT_EQ(FU_SYNC, getopt_int(p.cli, SOL_SES, SES_FUNCTIONAL_UNITS));
	EXPECT_EQ(FU_SYNC, getopt_int(p.srv, SOL_SES, SES_FUNCTIONAL_UNITS));
	EXPECT_EQ(4711, getopt_int(p.srv, SOL_SES, SES_INITIAL_SERIAL));
	c = serials(p.cli);
	s = serials(p.srv);
	EXPECT_EQ(SES_SERIALS_VERSION, c.version);
	EXPECT_EQ(4711, c.va);
	EXPECT_EQ(4711, c.vm);
	EXPECT_EQ(0, c.vr);
	EXPECT_EQ(4711, s.va);
	EXPECT_EQ(4711, s.vm);
	EXPECT_EQ(0, s.vsc);
	/* the minor and major tokens exist, on the initiator's side */
	EXPECT_EQ(SES_TOKEN_MINOR | SES_TOKEN_MAJOR,
		  getopt_int(p.cli, SOL_SES, SES_TOKENS));
	EXPECT_EQ(0, getopt_int(p.srv, SOL_SES, SES_TOKENS));
	ses_pair_close(&p);
}

/*
 * 10,000 SSDUs, a minor point (confirmation asked for) after every
 * 100th and a major point after every 1,000th: the receiver sees the
 * SSDUs and points in order with consecutive serial numbers and answers
 * each; the sender gets each confirmation.
 */
TEST_F_TIMEOUT(sync, ten_thousand_ssdus_with_minor_and_major_points, 180)
{
	int cli = self->p.cli, srv = self->p.srv, next = 0, i, flags;
	uint32_t serial = 1;
	struct ses_rcvinfo info;
	char buf[BUFSZ], want[64];
	struct ses_serials s;

	for (i = 1; i <= SSDUS; i++) {
		int len = snprintf(want, sizeof(want), "ssdu %d", i);
		bool major = i % 1000 == 0;
		uint32_t prim;

		ASSERT_EQ(len, send(cli, want, len, 0))
			TH_LOG("ssdu %d: %s", i, strerror(errno));
		if (i % 100)
			continue;
		prim = major ? SES_PRIM_SYNC_MAJOR : SES_PRIM_SYNC_MINOR;
		len = snprintf(want, sizeof(want), "point %u", serial);
		ASSERT_EQ(len, ses_send_prim(cli, prim, 0,
					 major ? 0 : SES_SYNC_CONFIRM, 0,
					 want, len, 0))
			TH_LOG("point %u: %s", serial, strerror(errno));
		s = serials(cli);
		ASSERT_EQ(serial, s.last_placed);
		ASSERT_EQ(serial + 1, s.vm);

		/* the receiver: the SSDUs, in order, then the point */
		for (;;) {
			ssize_t n = ses_recv_rec(srv, buf, sizeof(buf) - 1, &info,
					     &flags);

			ASSERT_LE(0, n) TH_LOG("%s", strerror(errno));
			buf[n] = 0;
			if (info.primitive == SES_PRIM_DATA) {
				next++;
				snprintf(want, sizeof(want), "ssdu %d", next);
				ASSERT_STREQ(want, buf);
				continue;
			}
			ASSERT_TRUE(flags & SES_MSG_NOTIFICATION);
			ASSERT_EQ(prim, info.primitive);
			ASSERT_EQ(serial, info.serial);
			snprintf(want, sizeof(want), "point %u", serial);
			ASSERT_STREQ(want, buf);
			if (!major)
				ASSERT_EQ(SES_SYNC_CONFIRM, info.flags);
			break;
		}
		ASSERT_EQ(i, next);
		ASSERT_EQ(serial + 1, serials(srv).vm);
		ASSERT_EQ(0, ses_send_prim(srv, major ?
				       SES_PRIM_SYNC_MAJOR_RESPONSE :
				       SES_PRIM_SYNC_MINOR_RESPONSE,
				       serial, 0, 0, NULL, 0, 0))
			TH_LOG("response %u: %s", serial, strerror(errno));
		EXPECT_SYNC(cli, major ? SES_PRIM_SYNC_MAJOR_RESPONSE :
			    SES_PRIM_SYNC_MINOR_RESPONSE, serial);
		s = serials(cli);
		ASSERT_EQ(serial + 1, s.va);
		if (major)
			ASSERT_EQ(serial + 1, s.vr);
		serial++;
	}
	EXPECT_EQ(101, serial);
	s = serials(srv);
	EXPECT_EQ(101, s.vm);
	EXPECT_EQ(101, s.va);
	EXPECT_EQ(101, s.vr);
	s = serials(cli);
	EXPECT_EQ(101, s.vm);
	EXPECT_EQ(101, s.vr);
}

TEST_F(sync, major_point_holds_data_back_until_confirmed)
{
	int cli = self->p.cli, srv = self->p.srv;
	struct timeval tv = { .tv_usec = 200000 };
	long long t0;

	ASSERT_EQ(0, ses_send_prim(cli, SES_PRIM_SYNC_MAJOR, 0, 0, 0, NULL, 0,
			       0));
	EXPECT_FALSE(poll_one(cli, POLLOUT, 0) & POLLOUT);
	EXPECT_EQ(-1, send(cli, "x", 1, MSG_DONTWAIT));
	EXPECT_EQ(EAGAIN, errno);
	/* a blocking send waits for the MAA, bounded by SO_SNDTIMEO */
	ASSERT_EQ(0, setsockopt(cli, SOL_SOCKET, SO_SNDTIMEO, &tv,
				sizeof(tv)));
	t0 = now_ms();
	EXPECT_EQ(-1, send(cli, "x", 1, 0));
	EXPECT_EQ(EAGAIN, errno);
	EXPECT_LE(150, now_ms() - t0);
	/* another point, or data from the receiver, before answering */
	EXPECT_EQ(-1, ses_send_prim(cli, SES_PRIM_SYNC_MINOR, 0, 0, 0, NULL, 0,
				0));
	EXPECT_EQ(EBUSY, errno);
	EXPECT_SYNC(srv, SES_PRIM_SYNC_MAJOR, 1);
	EXPECT_EQ(-1, send(srv, "y", 1, MSG_DONTWAIT));
	EXPECT_EQ(EAGAIN, errno);
	EXPECT_EQ(-1, ses_send_prim(srv, SES_PRIM_SYNC_MAJOR_RESPONSE, 2, 0, 0,
				NULL, 0, 0));
	EXPECT_EQ(EINVAL, errno);
	ASSERT_EQ(2, ses_send_prim(srv, SES_PRIM_SYNC_MAJOR_RESPONSE, 1, 0, 0,
			       "ok", 2, 0));
	EXPECT_SYNC(cli, SES_PRIM_SYNC_MAJOR_RESPONSE, 1);
	EXPECT_TRUE(wait_for(cli, POLLOUT, POLLOUT, SES_WAIT_MS) & POLLOUT);
	EXPECT_EQ(1, send(cli, "x", 1, 0));
	EXPECT_EQ(1, send(srv, "y", 1, 0));
}

/* Resync of @type (restart at @sn, set to @sn) asked for by @req. */
static void resync_once(struct __test_metadata *_metadata, int req, int peer,
			uint32_t type, uint32_t sn, uint32_t expect_sn)
{
	struct ses_serials before = serials(req), a, b;
	struct ses_rcvinfo i;

	ASSERT_EQ(3, ses_send_prim(req, SES_PRIM_RESYNC, sn, type, 0, "why", 3,
			       0)) TH_LOG("type %u: %s", type, strerror(errno));
	i = EXPECT_SYNC(peer, SES_PRIM_RESYNC,
			type == SES_RESYNC_ABANDON ? before.vm : sn);
	EXPECT_EQ(type, i.flags);
	ASSERT_EQ(0, ses_send_prim(peer, SES_PRIM_RESYNC_RESPONSE, 0, 0, 0, NULL,
			       0, 0)) TH_LOG("%s", strerror(errno));
	i = EXPECT_SYNC(req, SES_PRIM_RESYNC_RESPONSE, expect_sn);
	EXPECT_EQ(type, i.flags);
	EXPECT_EQ(0, i.discarded);
	/* the initiator's tokens go back to the requester (setting 0) */
	EXPECT_EQ(SES_TOKEN_MINOR | SES_TOKEN_MAJOR, i.tokens);
	a = serials(req);
	b = serials(peer);
	EXPECT_EQ(expect_sn, a.va);
	EXPECT_EQ(expect_sn, a.vm);
	EXPECT_EQ(expect_sn, b.vm);
	EXPECT_EQ(type == SES_RESYNC_RESTART ? before.vr : 0, a.vr);
	EXPECT_EQ(a.vr, b.vr);
	/* data flows both ways again */
	EXPECT_EQ(2, send(req, "go", 2, 0));
	EXPECT_EQ(2, send(peer, "on", 2, 0));
	EXPECT_DATA(peer, "go");
	EXPECT_DATA(req, "on");
}

/* Three confirmed major points: V(M) = V(R) = 4. */
static void three_major_points(struct __test_metadata *_metadata,
			       struct ses_pair *p)
{
	uint32_t sn;

	for (sn = 1; sn <= 3; sn++) {
		ASSERT_EQ(0, ses_send_prim(p->cli, SES_PRIM_SYNC_MAJOR, 0, 0, 0,
				       NULL, 0, 0));
		EXPECT_SYNC(p->srv, SES_PRIM_SYNC_MAJOR, sn);
		ASSERT_EQ(0, ses_send_prim(p->srv, SES_PRIM_SYNC_MAJOR_RESPONSE,
				       sn, 0, 0, NULL, 0, 0));
		EXPECT_SYNC(p->cli, SES_PRIM_SYNC_MAJOR_RESPONSE, sn);
	}
	ASSERT_EQ(4, serials(p->cli).vr);
}

TEST_F(sync, resync_of_each_type_from_the_initiator)
{
	three_major_points(_metadata, &self->p);
	resync_once(_metadata, self->p.cli, self->p.srv,
		    SES_RESYNC_RESTART, 4, 4);
	resync_once(_metadata, self->p.cli, self->p.srv,
		    SES_RESYNC_SET, 500, 500);
	resync_once(_metadata, self->p.cli, self->p.srv,
		    SES_RESYNC_ABANDON, 0, 500);
}

TEST_F(sync, resync_of_each_type_from_the_responder)
{
	three_major_points(_metadata, &self->p);
	resync_once(_metadata, self->p.srv, self->p.cli,
		    SES_RESYNC_ABANDON, 0, 4);
	resync_once(_metadata, self->p.srv, self->p.cli,
		    SES_RESYNC_SET, 999999, 999999);
	/* restart needs V(R) <= sn <= V(M): V(R) is 0 after set */
	resync_once(_metadata, self->p.srv, self->p.cli,
		    SES_RESYNC_RESTART, 3, 3);
}

/* Restart a transfer from the last confirmed major point (ses.rst). */
TEST_F(sync, resync_restarts_a_transfer_at_the_last_major_point)
{
	int cli = self->p.cli, srv = self->p.srv;
	struct ses_serials s;

	three_major_points(_metadata, &self->p);
	/* a minor point after the major ones, then trouble */
	ASSERT_EQ(0, ses_send_prim(cli, SES_PRIM_SYNC_MINOR, 0, 0, 0, NULL, 0,
			       0));
	EXPECT_SYNC(srv, SES_PRIM_SYNC_MINOR, 4);
	s = serials(cli);
	ASSERT_EQ(0, ses_send_prim(cli, SES_PRIM_RESYNC, s.vr,
			       SES_RESYNC_RESTART, 0, NULL, 0, 0));
	EXPECT_SYNC(srv, SES_PRIM_RESYNC, 4);
	ASSERT_EQ(0, ses_send_prim(srv, SES_PRIM_RESYNC_RESPONSE, 0, 0, 0, NULL,
			       0, 0));
	EXPECT_SYNC(cli, SES_PRIM_RESYNC_RESPONSE, 4);
	/* the next point placed is the one after the last major point */
	ASSERT_EQ(0, ses_send_prim(cli, SES_PRIM_SYNC_MINOR, 0, 0, 0, NULL, 0,
			       0));
	EXPECT_SYNC(srv, SES_PRIM_SYNC_MINOR, 4);
}

static char big[1024];

TEST_F(sync, every_misuse_gets_its_errno)
{
	int cli = self->p.cli, srv = self->p.srv;

	/* the responder holds neither the minor nor the major token */
	EXPECT_EQ(-1, ses_send_prim(srv, SES_PRIM_SYNC_MINOR, 0, 0, 0, NULL, 0,
				0));
	EXPECT_EQ(EPERM, errno);
	EXPECT_EQ(-1, ses_send_prim(srv, SES_PRIM_SYNC_MAJOR, 0, 0, 0, NULL, 0,
				0));
	EXPECT_EQ(EPERM, errno);
	/* nothing to confirm or answer */
	EXPECT_EQ(-1, ses_send_prim(srv, SES_PRIM_SYNC_MINOR_RESPONSE, 0, 0, 0,
				NULL, 0, 0));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, ses_send_prim(srv, SES_PRIM_SYNC_MAJOR_RESPONSE, 0, 0, 0,
				NULL, 0, 0));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, ses_send_prim(srv, SES_PRIM_RESYNC_RESPONSE, 0, 0, 0,
				NULL, 0, 0));
	EXPECT_EQ(EINVAL, errno);
	/* parameters a primitive does not take */
	EXPECT_EQ(-1, ses_send_prim(cli, SES_PRIM_SYNC_MAJOR, 5, 0, 0, NULL, 0,
				0));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, ses_send_prim(cli, SES_PRIM_SYNC_MINOR, 0, 2, 0, NULL, 0,
				0));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, ses_send_prim(cli, SES_PRIM_RESYNC, 0, 3, 0, NULL, 0, 0));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, ses_send_prim(cli, SES_PRIM_RESYNC_RESPONSE + 1, 0, 0, 0,
				NULL, 0, 0));
	EXPECT_EQ(EINVAL, errno);
	/* restart outside V(R)..V(M), set beyond 999999 */
	EXPECT_EQ(-1, ses_send_prim(cli, SES_PRIM_RESYNC, 2, SES_RESYNC_RESTART,
				0, NULL, 0, 0));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, ses_send_prim(cli, SES_PRIM_RESYNC, SES_SERIAL_MAX + 1,
				SES_RESYNC_SET, 0, NULL, 0, 0));
	EXPECT_EQ(ERANGE, errno);
	/* user data of a primitive is bounded */
	EXPECT_EQ(-1, ses_send_prim(cli, SES_PRIM_SYNC_MINOR, 0, 0, 0, big,
				sizeof(big), 0));
	EXPECT_EQ(EMSGSIZE, errno);
	/* a resync under way: everything else waits */
	ASSERT_EQ(0, ses_send_prim(cli, SES_PRIM_RESYNC, 0, SES_RESYNC_ABANDON,
			       0, NULL, 0, 0));
	EXPECT_EQ(-1, ses_send_prim(cli, SES_PRIM_SYNC_MINOR, 0, 0, 0, NULL, 0,
				0));
	EXPECT_EQ(EBUSY, errno);
	EXPECT_EQ(-1, ses_send_prim(cli, SES_PRIM_RESYNC, 0, SES_RESYNC_ABANDON,
				0, NULL, 0, 0));
	EXPECT_EQ(EBUSY, errno);
	EXPECT_EQ(-1, send(cli, "x", 1, MSG_DONTWAIT));
	EXPECT_EQ(EAGAIN, errno);
	EXPECT_SYNC(srv, SES_PRIM_RESYNC, 1);
	/* the initial serial number: range, and only before connect */
	EXPECT_EQ(-1, setopt_int(cli, SOL_SES, SES_INITIAL_SERIAL, 5));
	EXPECT_EQ(EISCONN, errno);
}

TEST(serial_numbers_end_at_999999)
{
	struct ses_pair p;
	int fd = ses_sock(CLI);

	ASSERT_LE(0, fd);
	EXPECT_EQ(-1, setopt_int(fd, SOL_SES, SES_INITIAL_SERIAL,
				 SES_SERIAL_MAX + 1));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, setopt_int(fd, SOL_SES, SES_INITIAL_SERIAL, -1));
	EXPECT_EQ(EINVAL, errno);
	close(fd);

	sync_pair(&p, FU_SYNC, SES_SERIAL_MAX);
	ASSERT_EQ(0, ses_send_prim(p.cli, SES_PRIM_SYNC_MINOR, 0, 0, 0, NULL, 0,
			       0));
	EXPECT_SYNC(p.srv, SES_PRIM_SYNC_MINOR, SES_SERIAL_MAX);
	EXPECT_EQ(-1, ses_send_prim(p.cli, SES_PRIM_SYNC_MINOR, 0, 0, 0, NULL, 0,
				0));
	EXPECT_EQ(ERANGE, errno);
	/* set starts the numbering again */
	ASSERT_EQ(0, ses_send_prim(p.cli, SES_PRIM_RESYNC, 1, SES_RESYNC_SET, 0,
			       NULL, 0, 0));
	EXPECT_SYNC(p.srv, SES_PRIM_RESYNC, 1);
	ASSERT_EQ(0, ses_send_prim(p.srv, SES_PRIM_RESYNC_RESPONSE, 0, 0, 0,
			       NULL, 0, 0));
	EXPECT_SYNC(p.cli, SES_PRIM_RESYNC_RESPONSE, 1);
	ASSERT_EQ(0, ses_send_prim(p.cli, SES_PRIM_SYNC_MINOR, 0, 0, 0, NULL, 0,
			       0));
	ses_pair_close(&p);
}

TEST(sync_units_not_negotiated_give_eopnotsupp)
{
	struct ses_pair p;

	sync_pair(&p, SES_FU_DUPLEX, 1);
	EXPECT_EQ(-1, ses_send_prim(p.cli, SES_PRIM_SYNC_MINOR, 0, 0, 0, NULL, 0,
				0));
	EXPECT_EQ(EOPNOTSUPP, errno);
	EXPECT_EQ(-1, ses_send_prim(p.cli, SES_PRIM_SYNC_MAJOR, 0, 0, 0, NULL, 0,
				0));
	EXPECT_EQ(EOPNOTSUPP, errno);
	EXPECT_EQ(-1, ses_send_prim(p.cli, SES_PRIM_RESYNC, 0, SES_RESYNC_ABANDON,
				0, NULL, 0, 0));
	EXPECT_EQ(EOPNOTSUPP, errno);
	ses_pair_close(&p);
}

/* Closing with a major point pending: the release waits for the MAA. */
TEST(close_waits_for_the_major_point_to_be_confirmed)
{
	struct ses_pair p;
	char buf[BUFSZ];

	sync_pair(&p, FU_SYNC, 1);
	ASSERT_EQ(0, ses_send_prim(p.cli, SES_PRIM_SYNC_MAJOR, 0, 0, 0, NULL, 0,
			       0));
	close(p.cli);
	p.cli = -1;
	EXPECT_SYNC(p.srv, SES_PRIM_SYNC_MAJOR, 1);
	ASSERT_EQ(0, ses_send_prim(p.srv, SES_PRIM_SYNC_MAJOR_RESPONSE, 1, 0, 0,
			       NULL, 0, 0));
	/* then FN: end of data for the receiver */
	EXPECT_EQ(0, recv(p.srv, buf, sizeof(buf), 0));
	ses_pair_close(&p);
}

/* MIP, MIA, MAP, MAA, RS and RA for tshark-check.sh (run.sh captures). */
TEST(sync_for_the_wire_capture)
{
	struct ses_pair p;

	sync_pair(&p, FU_SYNC, 1);
	ASSERT_EQ(3, ses_send_prim(p.cli, SES_PRIM_SYNC_MINOR, 0,
			       SES_SYNC_CONFIRM, 0, "mip", 3, 0));
	EXPECT_SYNC(p.srv, SES_PRIM_SYNC_MINOR, 1);
	ASSERT_EQ(0, ses_send_prim(p.srv, SES_PRIM_SYNC_MINOR_RESPONSE, 1, 0, 0,
			       NULL, 0, 0));
	EXPECT_SYNC(p.cli, SES_PRIM_SYNC_MINOR_RESPONSE, 1);
	ASSERT_EQ(0, ses_send_prim(p.cli, SES_PRIM_SYNC_MAJOR, 0, 0, 0, NULL, 0,
			       0));
	EXPECT_SYNC(p.srv, SES_PRIM_SYNC_MAJOR, 2);
	ASSERT_EQ(0, ses_send_prim(p.srv, SES_PRIM_SYNC_MAJOR_RESPONSE, 2, 0, 0,
			       NULL, 0, 0));
	EXPECT_SYNC(p.cli, SES_PRIM_SYNC_MAJOR_RESPONSE, 2);
	ASSERT_EQ(0, ses_send_prim(p.cli, SES_PRIM_RESYNC, 3, SES_RESYNC_RESTART,
			       0, NULL, 0, 0));
	EXPECT_SYNC(p.srv, SES_PRIM_RESYNC, 3);
	ASSERT_EQ(0, ses_send_prim(p.srv, SES_PRIM_RESYNC_RESPONSE, 0, 0, 0,
			       NULL, 0, 0));
	EXPECT_SYNC(p.cli, SES_PRIM_RESYNC_RESPONSE, 3);
	ses_pair_close(&p);
}

/* ---- a raw initiator: discards, collisions, violations ---------------- */

/* GT, then the category 2 SPDU @si with @serial and parameter @pi = @v. */
static size_t build_sync(uint8_t *o, uint8_t si, const char *serial,
			 uint8_t pi, int v)
{
	uint8_t par[32], *q = par, b = v;

	if (v >= 0)
		q += put_item(q, pi, &b, 1);
	q += put_item(q, PI_SERIAL, serial, strlen(serial));
	o[0] = SPDU_GT;
	o[1] = 0;
	return 2 + put_spdu(o + 2, si, par, q - par);
}

FIXTURE(raw_initiator) {
	int lfd, port, raw, srv;
	uint8_t *buf;
};

FIXTURE_SETUP(raw_initiator)
{
	uint8_t cn[128];

	self->buf = malloc(RAW_MAX);
	ASSERT_NE(NULL, self->buf);
	self->srv = -1;
	self->lfd = ses_listener(&self->port);
	ASSERT_LE(0, self->lfd);
	ASSERT_EQ(0, setopt_int(self->lfd, SOL_SES, SES_FUNCTIONAL_UNITS,
				FU_SYNC));
	ASSERT_EQ(0, setopt_int(self->lfd, SOL_SES, SES_TIM_TIMEOUT,
				SES_TIM_SHORT_MS));
	self->raw = raw_connect(self->port);
	ASSERT_LE(0, self->raw);
	/* no Initial Serial Number: 0; the raw peer holds the tokens */
	ASSERT_EQ(SPDU_AC, raw_session_connect(self->raw, cn,
			build_cn(cn, FU_SYNC, NULL, -1, 0), self->buf, NULL));
	self->srv = accept_within(self->lfd, SES_WAIT_MS, 0);
	ASSERT_LE(0, self->srv);
	set_io_timeouts(self->srv, SES_IO_TIMEOUT_MS);
	ASSERT_EQ(0, serials(self->srv).vm);
}

FIXTURE_TEARDOWN(raw_initiator)
{
	if (self->srv >= 0)
		close(self->srv);
	close(self->raw);
	close(self->lfd);
	free(self->buf);
}

static void expect_protocol_abort(struct __test_metadata *_metadata,
				  struct _test_data_raw_initiator *self,
				  long long before)
{
	char b[16];
	bool ab;

	EXPECT_EQ(0, raw_wait_end(self->raw, SES_WAIT_MS, &ab));
	EXPECT_TRUE(ab) TH_LOG("no AB from SES");
	EXPECT_EQ(-1, recv(self->srv, b, sizeof(b), 0));
	EXPECT_EQ(ECONNABORTED, errno);
	EXPECT_EQ(before + 1, ses_stat(SRV, "SesUnexpectedSpdu"));
}

/* The next TSDU from SES: GT + @si; its SPDU in *s. */
static void expect_tsdu(struct __test_metadata *_metadata,
			struct _test_data_raw_initiator *self, uint8_t si,
			struct spdu *s)
{
	int n = tsdu_recv(self->raw, self->buf, RAW_MAX, SES_WAIT_MS);

	ASSERT_LT(2, n);
	EXPECT_EQ(SPDU_GT, self->buf[0]);
	EXPECT_EQ(0, self->buf[1]);
	ASSERT_EQ(0, tsdu_main_spdu(self->buf, n, s));
	EXPECT_EQ(si, s->si);
}

TEST_F(raw_initiator, minor_point_with_a_wrong_serial_is_aborted)
{
	long long before = ses_stat(SRV, "SesUnexpectedSpdu");
	uint8_t t[64];

	ASSERT_EQ(0, cotp_send_dt(self->raw, t,
				  build_sync(t, SPDU_MIP, "5", 0, -1)));
	expect_protocol_abort(_metadata, self, before);
}

TEST_F(raw_initiator, major_ack_never_asked_for_is_aborted)
{
	long long before = ses_stat(SRV, "SesUnexpectedSpdu");
	uint8_t t[64];

	ASSERT_EQ(0, cotp_send_dt(self->raw, t,
				  build_sync(t, SPDU_MAA, "0", 0, -1)));
	expect_protocol_abort(_metadata, self, before);
}

TEST_F(raw_initiator, prepare_is_a_protocol_error)
{
	long long before = ses_stat(SRV, "SesUnexpectedSpdu");
	uint8_t t[8], par[3], v = 1;

	ASSERT_EQ(0, cotp_send_dt(self->raw, t,
		  put_spdu(t, SPDU_PR, par, put_item(par, 24, &v, 1))));
	expect_protocol_abort(_metadata, self, before);
}

TEST_F(raw_initiator, minor_point_then_confirmation_on_the_wire)
{
	struct ses_rcvinfo i;
	uint8_t t[64];
	struct spdu s;
	long sn;

	ASSERT_EQ(0, cotp_send_dt(self->raw, t,
				  build_sync(t, SPDU_MIP, "0", -1, -1)));
	i = EXPECT_SYNC(self->srv, SES_PRIM_SYNC_MINOR, 0);
	EXPECT_EQ(SES_SYNC_CONFIRM, i.flags);
	ASSERT_EQ(0, ses_send_prim(self->srv, SES_PRIM_SYNC_MINOR_RESPONSE, 0, 0,
			       0, NULL, 0, 0));
	expect_tsdu(_metadata, self, SPDU_MIA, &s);
	sn = spdu_param_uint(&s, PI_SERIAL);
	EXPECT_EQ('0', sn);
}

/* SES sends RS; the raw peer's DTs before its RA are discarded. */
TEST_F(raw_initiator, data_after_our_resync_is_discarded_and_counted)
{
	struct ses_rcvinfo i;
	uint8_t t[64], ts = 0;
	struct spdu s;
	size_t n;
	int k;

	ASSERT_EQ(0, ses_send_prim(self->srv, SES_PRIM_RESYNC, 0,
			       SES_RESYNC_ABANDON, 0, NULL, 0, 0));
	expect_tsdu(_metadata, self, SPDU_RS, &s);
	EXPECT_EQ(SES_RESYNC_ABANDON, spdu_param_uint(&s, PI_RESYNC_TYPE));
	for (k = 0; k < 3; k++)
		ASSERT_EQ(0, cotp_send_dt(self->raw, t, build_dt(t, "old", 3)));
	n = build_sync(t, SPDU_RA, "0", PI_TOKEN_SETTING, ts);
	ASSERT_EQ(0, cotp_send_dt(self->raw, t, n));
	i = EXPECT_SYNC(self->srv, SES_PRIM_RESYNC_RESPONSE, 0);
	EXPECT_EQ(3, i.discarded);
	/* the peer's side (setting 0 is the RS sender's, ours): both */
	EXPECT_EQ(SES_TOKEN_MINOR | SES_TOKEN_MAJOR, i.tokens);
	EXPECT_EQ(SES_TOKEN_MINOR | SES_TOKEN_MAJOR,
		  getopt_int(self->srv, SOL_SES, SES_TOKENS));
	ASSERT_EQ(0, cotp_send_dt(self->raw, t, build_dt(t, "new", 3)));
	EXPECT_DATA(self->srv, "new");
}

/* Our restart against the peer's abandon: the abandon wins. */
TEST_F(raw_initiator, resync_collision_lost_to_abandon)
{
	uint8_t t[64];
	struct ses_rcvinfo i;
	struct spdu s;

	ASSERT_EQ(0, ses_send_prim(self->srv, SES_PRIM_RESYNC, 0,
			       SES_RESYNC_RESTART, 0, NULL, 0, 0));
	ASSERT_EQ(0, cotp_send_dt(self->raw, t,
		  build_sync(t, SPDU_RS, "0", PI_RESYNC_TYPE,
			     SES_RESYNC_ABANDON)));
	i = EXPECT_SYNC(self->srv, SES_PRIM_RESYNC, 0);
	EXPECT_EQ(SES_RESYNC_ABANDON, i.flags);
	ASSERT_EQ(0, ses_send_prim(self->srv, SES_PRIM_RESYNC_RESPONSE, 0, 0, 0,
			       NULL, 0, 0));
	expect_tsdu(_metadata, self, SPDU_RS, &s);
	expect_tsdu(_metadata, self, SPDU_RA, &s);
}

/* Our abandon against the peer's restart: ours wins, its RS is dropped. */
TEST_F(raw_initiator, resync_collision_won_with_abandon)
{
	uint8_t t[64];
	struct spdu s;

	ASSERT_EQ(0, ses_send_prim(self->srv, SES_PRIM_RESYNC, 0,
			       SES_RESYNC_ABANDON, 0, NULL, 0, 0));
	ASSERT_EQ(0, cotp_send_dt(self->raw, t,
		  build_sync(t, SPDU_RS, "0", PI_RESYNC_TYPE,
			     SES_RESYNC_RESTART)));
	expect_tsdu(_metadata, self, SPDU_RS, &s);
	ASSERT_EQ(0, cotp_send_dt(self->raw, t,
				  build_sync(t, SPDU_RA, "0", -1, -1)));
	EXPECT_SYNC(self->srv, SES_PRIM_RESYNC_RESPONSE, 0);
}

/* Two sets: the initiator's (the raw peer's) wins. */
TEST_F(raw_initiator, resync_collision_of_equals_goes_to_the_initiator)
{
	uint8_t t[64];
	struct spdu s;

	ASSERT_EQ(0, ses_send_prim(self->srv, SES_PRIM_RESYNC, 5, SES_RESYNC_SET,
			       0, NULL, 0, 0));
	ASSERT_EQ(0, cotp_send_dt(self->raw, t,
		  build_sync(t, SPDU_RS, "7", PI_RESYNC_TYPE,
			     SES_RESYNC_SET)));
	EXPECT_SYNC(self->srv, SES_PRIM_RESYNC, 7);
	ASSERT_EQ(0, ses_send_prim(self->srv, SES_PRIM_RESYNC_RESPONSE, 0, 0, 0,
			       NULL, 0, 0));
	expect_tsdu(_metadata, self, SPDU_RS, &s);
	expect_tsdu(_metadata, self, SPDU_RA, &s);
	EXPECT_EQ(7, serials(self->srv).vm);
}

SES_TEST_MAIN
