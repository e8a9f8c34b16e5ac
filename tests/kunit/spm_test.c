// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests of the SES protocol machine (net/ses/spm.c): the rows of
 * the X.225 Annex A table this stage implements, walked through the
 * pure interface. The machine is compiled into this test module.
 */
#include <kunit/test.h>
#include <linux/ses.h>

#include "../../net/ses/spm.c"

static void spm_ready(struct ses_spm *spm, bool initiator, u16 fu)
{
	ses_spm_init(spm, initiator, fu);
}

static struct ses_spdu cn_spdu(u8 version, u16 sur)
{
	struct ses_spdu cn = {
		.type = SES_SPDU_CN,
		.present = SES_P_VERSION | SES_P_SUR,
		.version = version,
		.sur = sur,
	};

	return cn;
}

static void spm_run(struct ses_spm *spm, enum ses_spm_event ev,
		    const struct ses_spdu *s, struct ses_spm_out *out)
{
	ses_spm_event(spm, ev, s, out);
}

/* Bring a machine to data transfer, as initiator or responder. */
static void spm_establish(struct kunit *test, struct ses_spm *spm,
			  bool initiator)
{
	struct ses_spm_out out;
	struct ses_spdu s;

	if (initiator) {
		spm_ready(spm, true, SES_FU_DUPLEX);
		spm_run(spm, SES_EV_SCONREQ, NULL, &out);
		KUNIT_ASSERT_TRUE(test, out.actions & SES_ACT_SEND_CN);
		s = cn_spdu(SES_VERSION_2, SES_FU_DUPLEX);
		s.type = SES_SPDU_AC;
		spm_run(spm, SES_EV_AC, &s, &out);
		KUNIT_ASSERT_TRUE(test, out.actions & SES_ACT_CONNECT_CNF);
	} else {
		spm_ready(spm, false, SES_FU_DUPLEX | SES_FU_HALF_DUPLEX);
		s = cn_spdu(SES_VERSION_2, SES_FU_DUPLEX);
		spm_run(spm, SES_EV_CN, &s, &out);
		KUNIT_ASSERT_TRUE(test, out.actions & SES_ACT_CONNECT_IND);
		spm_run(spm, SES_EV_SCONRSP_ACCEPT, NULL, &out);
		KUNIT_ASSERT_TRUE(test, out.actions & SES_ACT_SEND_AC);
	}
	KUNIT_ASSERT_EQ(test, spm->state, SES_STA713);
}

static void spm_initiator_establishes_on_ac(struct kunit *test)
{
	struct ses_spm spm;

	spm_establish(test, &spm, true);
	KUNIT_EXPECT_EQ(test, spm.fu, SES_FU_DUPLEX);
	KUNIT_EXPECT_EQ(test, spm.version, 2);
}

static void spm_responder_accepts_cn(struct kunit *test)
{
	struct ses_spm spm;

	spm_establish(test, &spm, false);
	KUNIT_EXPECT_EQ(test, spm.fu, SES_FU_DUPLEX);
}

static void spm_responder_picks_duplex_when_both_offered(struct kunit *test)
{
	struct ses_spdu cn = cn_spdu(SES_VERSION_2,
				     SES_FU_DUPLEX | SES_FU_HALF_DUPLEX);
	struct ses_spm_out out;
	struct ses_spm spm;

	spm_ready(&spm, false, SES_FU_DUPLEX | SES_FU_HALF_DUPLEX);
	spm_run(&spm, SES_EV_CN, &cn, &out);
	KUNIT_EXPECT_EQ(test, spm.fu, SES_FU_DUPLEX);
}

static void spm_refuses_version_1_only(struct kunit *test)
{
	struct ses_spdu cn = cn_spdu(SES_VERSION_1, SES_FU_DUPLEX);
	struct ses_spm_out out;
	struct ses_spm spm;

	spm_ready(&spm, false, SES_FU_DUPLEX);
	spm_run(&spm, SES_EV_CN, &cn, &out);
	KUNIT_EXPECT_TRUE(test, out.actions & SES_ACT_SEND_RF);
	KUNIT_EXPECT_EQ(test, out.reason, 132);
	KUNIT_EXPECT_EQ(test, spm.state, SES_STA16);
}

static void spm_refuses_wrong_called_selector(struct kunit *test)
{
	struct ses_spdu cn = cn_spdu(SES_VERSION_2, SES_FU_DUPLEX);
	struct ses_spm_out out;
	struct ses_spm spm;

	spm_ready(&spm, false, SES_FU_DUPLEX);
	memcpy(spm.local_ssel, "abc", 3);
	spm.local_ssel_len = 3;
	cn.present |= SES_P_CALLED_SSEL;
	memcpy(cn.called_ssel, "xyz", 3);
	cn.called_ssel_len = 3;
	spm_run(&spm, SES_EV_CN, &cn, &out);
	KUNIT_EXPECT_TRUE(test, out.actions & SES_ACT_SEND_RF);
	KUNIT_EXPECT_EQ(test, out.reason, 129);

	spm_ready(&spm, false, SES_FU_DUPLEX);
	memcpy(spm.local_ssel, "abc", 3);
	spm.local_ssel_len = 3;
	memcpy(cn.called_ssel, "abc", 3);
	spm_run(&spm, SES_EV_CN, &cn, &out);
	KUNIT_EXPECT_TRUE(test, out.actions & SES_ACT_CONNECT_IND);
}

static void spm_refuses_no_common_dialog_unit(struct kunit *test)
{
	struct ses_spdu cn = cn_spdu(SES_VERSION_2, SES_FU_DUPLEX);
	struct ses_spm_out out;
	struct ses_spm spm;

	spm_ready(&spm, false, SES_FU_HALF_DUPLEX);
	spm_run(&spm, SES_EV_CN, &cn, &out);
	KUNIT_EXPECT_TRUE(test, out.actions & SES_ACT_SEND_RF);
	KUNIT_EXPECT_EQ(test, out.reason, 134);
}

static void spm_initiator_keeps_intersection_of_echoed_units(struct kunit *test)
{
	struct ses_spdu ac = cn_spdu(SES_VERSION_2, 0x0fff);
	struct ses_spm_out out;
	struct ses_spm spm;

	spm_ready(&spm, true, SES_FU_HALF_DUPLEX);
	spm_run(&spm, SES_EV_SCONREQ, NULL, &out);
	ac.type = SES_SPDU_AC;
	spm_run(&spm, SES_EV_AC, &ac, &out);
	KUNIT_EXPECT_EQ(test, spm.state, SES_STA713);
	KUNIT_EXPECT_EQ(test, spm.fu, SES_FU_HALF_DUPLEX);
}

static void spm_rf_ends_the_attempt(struct kunit *test)
{
	struct ses_spdu rf = { .type = SES_SPDU_RF };
	struct ses_spm_out out;
	struct ses_spm spm;

	spm_ready(&spm, true, SES_FU_DUPLEX);
	spm_run(&spm, SES_EV_SCONREQ, NULL, &out);
	spm_run(&spm, SES_EV_RF, &rf, &out);
	KUNIT_EXPECT_TRUE(test, out.actions & SES_ACT_REFUSED);
	KUNIT_EXPECT_TRUE(test, out.actions & SES_ACT_DISCONNECT);
	KUNIT_EXPECT_EQ(test, spm.state, SES_STA01);
}

static void spm_data_is_delivered_in_data_transfer(struct kunit *test)
{
	struct ses_spdu dt = { .type = SES_SPDU_DT };
	struct ses_spm_out out;
	struct ses_spm spm;

	spm_establish(test, &spm, false);
	spm_run(&spm, SES_EV_DT, &dt, &out);
	KUNIT_EXPECT_EQ(test, out.actions, (u32)SES_ACT_DELIVER);
	spm_run(&spm, SES_EV_SDTREQ, NULL, &out);
	KUNIT_EXPECT_EQ(test, out.actions, (u32)SES_ACT_SEND_DT);
}

static void spm_every_spdu_before_cn_is_a_protocol_error(struct kunit *test)
{
	static const enum ses_spm_event evs[] = {
		SES_EV_AC, SES_EV_DT, SES_EV_FN, SES_EV_DN, SES_EV_AA,
		SES_EV_RF, SES_EV_OTHER_SPDU,
	};
	struct ses_spdu s = { .type = SES_SPDU_DT };
	struct ses_spm_out out;
	struct ses_spm spm;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(evs); i++) {
		spm_ready(&spm, false, SES_FU_DUPLEX);
		spm_run(&spm, evs[i], &s, &out);
		KUNIT_EXPECT_TRUE(test, out.actions & SES_ACT_PROTOCOL_ERROR);
		KUNIT_EXPECT_TRUE(test, out.actions & SES_ACT_SEND_AB);
		KUNIT_EXPECT_EQ(test, spm.state, SES_STA16);
	}
}

static void spm_cn_in_data_transfer_is_a_protocol_error(struct kunit *test)
{
	struct ses_spdu cn = cn_spdu(SES_VERSION_2, SES_FU_DUPLEX);
	struct ses_spm_out out;
	struct ses_spm spm;

	spm_establish(test, &spm, true);
	spm_run(&spm, SES_EV_CN, &cn, &out);
	KUNIT_EXPECT_TRUE(test, out.actions & SES_ACT_PROTOCOL_ERROR);
	KUNIT_EXPECT_EQ(test, out.abort_td,
			(u8)(SES_TD_RELEASED | SES_TD_PROTOCOL_ERROR));
}

static void spm_data_request_before_establishment_is_refused(struct kunit *test)
{
	struct ses_spm_out out;
	struct ses_spm spm;

	spm_ready(&spm, true, SES_FU_DUPLEX);
	spm_run(&spm, SES_EV_SDTREQ, NULL, &out);
	KUNIT_EXPECT_TRUE(test, out.actions & SES_ACT_REJECTED);
	KUNIT_EXPECT_EQ(test, out.error, -ENOTCONN);
	KUNIT_EXPECT_EQ(test, spm.state, SES_STA01C);
}

static void spm_orderly_release_fn_dn(struct kunit *test)
{
	struct ses_spdu fn = { .type = SES_SPDU_FN };
	struct ses_spdu dn = { .type = SES_SPDU_DN };
	struct ses_spm a, b;
	struct ses_spm_out out;

	spm_establish(test, &a, true);
	spm_establish(test, &b, false);
	spm_run(&a, SES_EV_SRELREQ, NULL, &out);
	KUNIT_EXPECT_TRUE(test, out.actions & SES_ACT_SEND_FN);
	KUNIT_EXPECT_EQ(test, a.state, SES_STA03);
	/* after FN this end may not send, the peer still may */
	spm_run(&a, SES_EV_SDTREQ, NULL, &out);
	KUNIT_EXPECT_EQ(test, out.error, -EPIPE);
	spm_run(&b, SES_EV_FN, &fn, &out);
	KUNIT_EXPECT_TRUE(test, out.actions & SES_ACT_RELEASE_IND);
	spm_run(&b, SES_EV_SDTREQ, NULL, &out);
	KUNIT_EXPECT_TRUE(test, out.actions & SES_ACT_SEND_DT);
	spm_run(&a, SES_EV_DT, &fn, &out);
	KUNIT_EXPECT_TRUE(test, out.actions & SES_ACT_DELIVER);
	spm_run(&b, SES_EV_SRELRSP, NULL, &out);
	KUNIT_EXPECT_TRUE(test, out.actions & SES_ACT_SEND_DN);
	KUNIT_EXPECT_TRUE(test, out.actions & SES_ACT_START_TIM);
	spm_run(&a, SES_EV_DN, &dn, &out);
	KUNIT_EXPECT_TRUE(test, out.actions & SES_ACT_RELEASE_CNF);
	KUNIT_EXPECT_EQ(test, a.state, SES_STA01);
	spm_run(&b, SES_EV_TDISIND, NULL, &out);
	KUNIT_EXPECT_EQ(test, b.state, SES_STA01);
	KUNIT_EXPECT_FALSE(test, out.actions & SES_ACT_TRANSPORT_LOST);
}

static void spm_release_collision_answers_both(struct kunit *test)
{
	struct ses_spdu fn = { .type = SES_SPDU_FN };
	struct ses_spm_out out;
	struct ses_spm a;

	spm_establish(test, &a, true);
	spm_run(&a, SES_EV_SRELREQ, NULL, &out);
	spm_run(&a, SES_EV_FN, &fn, &out);
	KUNIT_EXPECT_TRUE(test, out.actions & SES_ACT_SEND_DN);
	KUNIT_EXPECT_EQ(test, a.state, SES_STA03);
}

static void spm_abort_received_ends_session(struct kunit *test)
{
	struct ses_spdu ab = { .type = SES_SPDU_AB };
	struct ses_spm_out out;
	struct ses_spm spm;

	spm_establish(test, &spm, false);
	spm_run(&spm, SES_EV_AB, &ab, &out);
	KUNIT_EXPECT_TRUE(test, out.actions & SES_ACT_ABORT_IND);
	KUNIT_EXPECT_TRUE(test, out.actions & SES_ACT_DISCONNECT);
	KUNIT_EXPECT_EQ(test, spm.state, SES_STA01);
}

static void spm_user_abort_waits_with_tim(struct kunit *test)
{
	struct ses_spdu dt = { .type = SES_SPDU_DT };
	struct ses_spm_out out;
	struct ses_spm spm;

	spm_establish(test, &spm, true);
	spm_run(&spm, SES_EV_SUABREQ, NULL, &out);
	KUNIT_EXPECT_TRUE(test, out.actions & SES_ACT_SEND_AB);
	KUNIT_EXPECT_TRUE(test, out.actions & SES_ACT_START_TIM);
	KUNIT_EXPECT_EQ(test, spm.state, SES_STA16);
	/* in STA16 data from the peer is discarded, not delivered */
	spm_run(&spm, SES_EV_DT, &dt, &out);
	KUNIT_EXPECT_EQ(test, out.actions, 0U);
	spm_run(&spm, SES_EV_TIM, NULL, &out);
	KUNIT_EXPECT_TRUE(test, out.actions & SES_ACT_DISCONNECT);
	KUNIT_EXPECT_EQ(test, spm.state, SES_STA01);
}

static void spm_transport_loss_in_data_transfer_is_reported(struct kunit *test)
{
	struct ses_spm_out out;
	struct ses_spm spm;

	spm_establish(test, &spm, true);
	spm_run(&spm, SES_EV_TDISIND, NULL, &out);
	KUNIT_EXPECT_TRUE(test, out.actions & SES_ACT_TRANSPORT_LOST);
}

static void spm_tsdu_sizes_are_negotiated_per_direction(struct kunit *test)
{
	struct ses_spdu cn = cn_spdu(SES_VERSION_2, SES_FU_DUPLEX);
	struct ses_spdu ac;
	struct ses_spm_out out;
	struct ses_spm r, i;

	spm_ready(&i, true, SES_FU_DUPLEX);
	i.tsdu_max_recv = 1000;
	spm_run(&i, SES_EV_SCONREQ, NULL, &out);
	ses_spm_fill_cn(&i, &cn);
	KUNIT_EXPECT_EQ(test, cn.tsdu_max_rtoi, 1000);

	spm_ready(&r, false, SES_FU_DUPLEX);
	r.tsdu_max_recv = 512;
	spm_run(&r, SES_EV_CN, &cn, &out);
	KUNIT_EXPECT_EQ(test, r.tsdu_max_recv, 512);
	KUNIT_EXPECT_EQ(test, r.tsdu_max_send, 1000);
	spm_run(&r, SES_EV_SCONRSP_ACCEPT, NULL, &out);
	ses_spm_fill_ac(&r, &ac);
	spm_run(&i, SES_EV_AC, &ac, &out);
	KUNIT_EXPECT_EQ(test, i.tsdu_max_send, 512);
	KUNIT_EXPECT_EQ(test, i.tsdu_max_recv, 1000);
}


/* ---- tokens ---- */

#define FU_TOKENS_ALL	(SES_FU_HALF_DUPLEX | SES_FU_MINOR_SYNC | \
			 SES_FU_MAJOR_SYNC | SES_FU_NEGOTIATED_RELEASE)

static const u8 all_tokens[] = {
	SES_TOKEN_DATA, SES_TOKEN_MINOR, SES_TOKEN_MAJOR, SES_TOKEN_RELEASE,
};

/* The unit that makes @token available. */
static u16 unit_of(u8 token)
{
	switch (token) {
	case SES_TOKEN_DATA:	return SES_FU_HALF_DUPLEX;
	case SES_TOKEN_MINOR:	return SES_FU_MINOR_SYNC;
	case SES_TOKEN_MAJOR:	return SES_FU_MAJOR_SYNC;
	default:		return SES_FU_NEGOTIATED_RELEASE;
	}
}

/*
 * Establish an initiator @a and a responder @b through the CN and AC the
 * machines build, both proposing @fu, @a proposing @setting and @b
 * choosing @choice where it is asked to.
 */
static void spm_pair(struct kunit *test, struct ses_spm *a, struct ses_spm *b,
		     u16 fu, u8 setting, u8 choice)
{
	struct ses_spm_out out;
	struct ses_spdu cn, ac;

	spm_ready(a, true, fu);
	a->token_setting = setting;
	spm_ready(b, false, fu);
	b->token_setting = choice;
	spm_run(a, SES_EV_SCONREQ, NULL, &out);
	ses_spm_fill_cn(a, &cn);
	spm_run(b, SES_EV_CN, &cn, &out);
	KUNIT_ASSERT_TRUE(test, out.actions & SES_ACT_CONNECT_IND);
	spm_run(b, SES_EV_SCONRSP_ACCEPT, NULL, &out);
	ses_spm_fill_ac(b, &ac);
	spm_run(a, SES_EV_AC, &ac, &out);
	KUNIT_ASSERT_EQ(test, a->state, SES_STA713);
	KUNIT_ASSERT_EQ(test, b->state, SES_STA713);
}

/*
 * A machine in data transfer with units @fu (sync units too, which the
 * socket does not negotiate yet) holding @owned of their tokens.
 */
static void spm_with_tokens(struct kunit *test, struct ses_spm *spm, u16 fu,
			    u8 owned)
{
	spm_establish(test, spm, true);
	spm->fu = fu;
	spm->tokens_avail = ses_spm_tokens_for(fu);
	spm->tokens_owned = owned & spm->tokens_avail;
}

static struct ses_spdu token_spdu(enum ses_spdu_type type, u8 tokens)
{
	struct ses_spdu s = {
		.type = type,
		.present = SES_P_TOKEN_ITEM,
		.token_item = tokens,
	};

	return s;
}

static void spm_token_units_make_tokens_available(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, ses_spm_tokens_for(SES_FU_DUPLEX), 0);
	KUNIT_EXPECT_EQ(test, ses_spm_tokens_for(SES_FU_HALF_DUPLEX),
			SES_TOKEN_DATA);
	KUNIT_EXPECT_EQ(test, ses_spm_tokens_for(SES_FU_MINOR_SYNC),
			SES_TOKEN_MINOR);
	KUNIT_EXPECT_EQ(test, ses_spm_tokens_for(SES_FU_MINOR_SYNC |
						 SES_FU_SYMMETRIC_SYNC), 0);
	KUNIT_EXPECT_EQ(test, ses_spm_tokens_for(SES_FU_MAJOR_SYNC),
			SES_TOKEN_MAJOR);
	KUNIT_EXPECT_EQ(test, ses_spm_tokens_for(SES_FU_ACTIVITY),
			SES_TOKEN_MAJOR);
	KUNIT_EXPECT_EQ(test, ses_spm_tokens_for(SES_FU_NEGOTIATED_RELEASE),
			SES_TOKEN_RELEASE);
	KUNIT_EXPECT_EQ(test, ses_spm_tokens_for(FU_TOKENS_ALL),
			SES_TOKEN_ALL);
}

/* Initial assignment: each Token Setting value, for data and release. */
static void spm_initial_tokens_follow_the_token_setting(struct kunit *test)
{
	static const struct {
		u8 setting, choice, initiator_holds;
	} cases[] = {
		{ 0x00, 0x00, SES_TOKEN_DATA | SES_TOKEN_RELEASE },
		{ 0x41, 0x00, 0 },
		{ 0x01, 0x00, SES_TOKEN_RELEASE },
		{ 0x40, 0x00, SES_TOKEN_DATA },
		/* the listener decides: it takes what its setting says */
		{ 0x82, 0x41, 0 },
		{ 0x82, 0x00, SES_TOKEN_DATA | SES_TOKEN_RELEASE },
		{ 0x82, 0x01, SES_TOKEN_RELEASE },
		{ 0x02, 0x40, SES_TOKEN_DATA | SES_TOKEN_RELEASE },
	};
	u16 fu = SES_FU_HALF_DUPLEX | SES_FU_NEGOTIATED_RELEASE;
	struct ses_spm a, b;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		spm_pair(test, &a, &b, fu, cases[i].setting, cases[i].choice);
		KUNIT_EXPECT_EQ_MSG(test, a.tokens_avail,
				    SES_TOKEN_DATA | SES_TOKEN_RELEASE,
				    "case %u", i);
		KUNIT_EXPECT_EQ_MSG(test, b.tokens_avail, a.tokens_avail,
				    "case %u", i);
		KUNIT_EXPECT_EQ_MSG(test, a.tokens_owned,
				    cases[i].initiator_holds, "case %u", i);
		/* each token is held at exactly one end */
		KUNIT_EXPECT_EQ_MSG(test, a.tokens_owned ^ b.tokens_owned,
				    a.tokens_avail, "case %u", i);
	}
	/* the CN says nothing about tokens when no unit has one */
	spm_pair(test, &a, &b, SES_FU_DUPLEX, 0x41, 0);
	KUNIT_EXPECT_EQ(test, a.tokens_avail, 0);
	KUNIT_EXPECT_EQ(test, b.tokens_owned, 0);
}

/* The responder removes a unit: its token does not exist at either end. */
static void spm_responder_removing_a_unit_removes_its_token(struct kunit *test)
{
	struct ses_spm a, b;
	struct ses_spm_out out;
	struct ses_spdu cn, ac;

	spm_ready(&a, true, SES_FU_HALF_DUPLEX | SES_FU_NEGOTIATED_RELEASE);
	spm_ready(&b, false, SES_FU_HALF_DUPLEX);
	spm_run(&a, SES_EV_SCONREQ, NULL, &out);
	ses_spm_fill_cn(&a, &cn);
	spm_run(&b, SES_EV_CN, &cn, &out);
	spm_run(&b, SES_EV_SCONRSP_ACCEPT, NULL, &out);
	ses_spm_fill_ac(&b, &ac);
	spm_run(&a, SES_EV_AC, &ac, &out);
	KUNIT_EXPECT_EQ(test, a.fu, SES_FU_HALF_DUPLEX);
	KUNIT_EXPECT_EQ(test, a.tokens_avail, SES_TOKEN_DATA);
	KUNIT_EXPECT_EQ(test, b.tokens_avail, SES_TOKEN_DATA);
}

/*
 * Every token x every state x every token primitive (give and please
 * requests, GT and PT received).
 */
static void spm_token_matrix(struct kunit *test)
{
	enum { ST_713_HELD, ST_713_PEER, ST_713_NOUNIT, ST_03, ST_09, ST_16,
	       ST_01C, ST_N };
	struct ses_spdu fn = { .type = SES_SPDU_FN };
	struct ses_spm_out out;
	struct ses_spm spm;
	unsigned int i, st;

	for (i = 0; i < ARRAY_SIZE(all_tokens); i++) {
		u8 t = all_tokens[i];

		for (st = 0; st < ST_N; st++) {
			enum ses_spm_event evs[] = {
				SES_EV_SGTREQ, SES_EV_SPTREQ,
				SES_EV_GT, SES_EV_PT,
			};
			unsigned int e;

			for (e = 0; e < ARRAY_SIZE(evs); e++) {
				struct ses_spdu s = token_spdu(
					e == 0 || e == 2 ? SES_SPDU_GT :
					SES_SPDU_PT, t);
				bool req = e < 2;
				u8 before;

				switch (st) {
				case ST_713_HELD:
					spm_with_tokens(test, &spm,
							FU_TOKENS_ALL, t);
					break;
				case ST_713_PEER:
					spm_with_tokens(test, &spm,
							FU_TOKENS_ALL, 0);
					break;
				case ST_713_NOUNIT:
					spm_with_tokens(test, &spm,
							FU_TOKENS_ALL &
							~unit_of(t),
							SES_TOKEN_ALL);
					break;
				case ST_03:	/* FN sent: all held */
					spm_with_tokens(test, &spm,
							FU_TOKENS_ALL,
							SES_TOKEN_ALL);
					spm_run(&spm, SES_EV_SRELREQ, NULL,
						&out);
					KUNIT_ASSERT_EQ(test, spm.state,
							SES_STA03);
					break;
				case ST_09:	/* FN received: none held */
					spm_with_tokens(test, &spm,
							FU_TOKENS_ALL, 0);
					spm_run(&spm, SES_EV_FN, &fn, &out);
					KUNIT_ASSERT_EQ(test, spm.state,
							SES_STA09);
					break;
				case ST_16:
					spm_with_tokens(test, &spm,
							FU_TOKENS_ALL, t);
					spm_run(&spm, SES_EV_SUABREQ, NULL,
						&out);
					break;
				default:
					spm_ready(&spm, true, FU_TOKENS_ALL);
					break;
				}
				before = spm.tokens_owned;
				spm_run(&spm, evs[e], &s, &out);

				if (req && st == ST_713_HELD && e == 0) {
					/* give what is held: GT */
					KUNIT_EXPECT_EQ(test, out.actions,
							(u32)SES_ACT_SEND_GT);
					KUNIT_EXPECT_EQ(test, spm.tokens_owned,
							before & ~t);
				} else if (req && st == ST_713_PEER && e == 1) {
					/* ask for what the peer holds: PT */
					KUNIT_EXPECT_EQ(test, out.actions,
							(u32)SES_ACT_SEND_PT);
					KUNIT_EXPECT_EQ(test, spm.tokens_owned,
							before);
				} else if (req) {
					int want = -ENOTCONN;

					if (st == ST_713_HELD)
						want = -EALREADY;
					else if (st == ST_713_PEER)
						want = -EPERM;
					else if (st == ST_713_NOUNIT)
						want = -EOPNOTSUPP;
					KUNIT_EXPECT_EQ_MSG(test, out.actions,
						(u32)SES_ACT_REJECTED,
						"token %x state %u ev %u",
						t, st, e);
					KUNIT_EXPECT_EQ_MSG(test, out.error,
						want, "token %x state %u ev %u",
						t, st, e);
					KUNIT_EXPECT_EQ(test, spm.tokens_owned,
							before);
				} else if (st == ST_713_PEER && e == 2) {
					/* the peer gives what it held */
					KUNIT_EXPECT_EQ(test, out.actions,
						(u32)SES_ACT_TOKEN_GIVE_IND);
					KUNIT_EXPECT_EQ(test, out.tokens, t);
					KUNIT_EXPECT_EQ(test, spm.tokens_owned,
							before | t);
				} else if ((st == ST_713_HELD ||
					    st == ST_713_PEER) && e == 3) {
					/* a please, even one that crossed a GT */
					KUNIT_EXPECT_EQ(test, out.actions,
						(u32)SES_ACT_TOKEN_PLEASE_IND);
					KUNIT_EXPECT_EQ(test, out.tokens, t);
				} else if ((st == ST_03 && e == 3) ||
					   st == ST_16) {
					/* crossed our FN, or after AB: dropped */
					KUNIT_EXPECT_EQ_MSG(test, out.actions,
						0U, "token %x state %u ev %u",
						t, st, e);
				} else {
					/* a wire violation: AB */
					KUNIT_EXPECT_TRUE_MSG(test,
						out.actions &
						SES_ACT_PROTOCOL_ERROR,
						"token %x state %u ev %u",
						t, st, e);
					KUNIT_EXPECT_EQ(test, spm.state,
							SES_STA16);
				}
			}
		}
	}
}

static void spm_token_requests_need_a_valid_token_set(struct kunit *test)
{
	static const u8 bad[] = { 0, 0x02, 0x80, 0x08 | SES_TOKEN_DATA };
	struct ses_spm_out out;
	struct ses_spm spm;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		struct ses_spdu gt = token_spdu(SES_SPDU_GT, bad[i]);
		struct ses_spdu pt = token_spdu(SES_SPDU_PT, bad[i]);

		spm_with_tokens(test, &spm, FU_TOKENS_ALL, SES_TOKEN_DATA);
		spm_run(&spm, SES_EV_SGTREQ, &gt, &out);
		KUNIT_EXPECT_EQ(test, out.error, -EINVAL);
		spm_run(&spm, SES_EV_SPTREQ, &pt, &out);
		KUNIT_EXPECT_EQ(test, out.error, -EINVAL);
		/* and a PT or GT without tokens on the wire is a violation */
		if (!bad[i]) {
			pt.present = 0;
			spm_run(&spm, SES_EV_PT, &pt, &out);
			KUNIT_EXPECT_TRUE(test,
					  out.actions & SES_ACT_PROTOCOL_ERROR);
			spm_with_tokens(test, &spm, FU_TOKENS_ALL, 0);
			gt.present = 0;
			spm_run(&spm, SES_EV_GT, &gt, &out);
			KUNIT_EXPECT_TRUE(test,
					  out.actions & SES_ACT_PROTOCOL_ERROR);
		}
	}
}

/* Half duplex: the data token decides who sends, and it moves. */
static void spm_data_token_alternates_the_sender(struct kunit *test)
{
	struct ses_spdu dt = { .type = SES_SPDU_DT };
	struct ses_spdu gt = token_spdu(SES_SPDU_GT, SES_TOKEN_DATA);
	struct ses_spm_out out;
	struct ses_spm a, b;
	int turn;

	spm_pair(test, &a, &b, SES_FU_HALF_DUPLEX, 0, 0);
	for (turn = 0; turn < 4; turn++) {
		struct ses_spm *hold = turn & 1 ? &b : &a;
		struct ses_spm *wait = turn & 1 ? &a : &b;

		spm_run(hold, SES_EV_SDTREQ, NULL, &out);
		KUNIT_EXPECT_EQ(test, out.actions, (u32)SES_ACT_SEND_DT);
		spm_run(wait, SES_EV_SDTREQ, NULL, &out);
		KUNIT_EXPECT_EQ(test, out.actions, (u32)SES_ACT_REJECTED);
		KUNIT_EXPECT_EQ(test, out.error, -EPERM);
		spm_run(wait, SES_EV_DT, &dt, &out);
		KUNIT_EXPECT_EQ(test, out.actions, (u32)SES_ACT_DELIVER);
		spm_run(hold, SES_EV_SGTREQ, &gt, &out);
		KUNIT_EXPECT_EQ(test, out.actions, (u32)SES_ACT_SEND_GT);
		spm_run(wait, SES_EV_GT, &gt, &out);
		KUNIT_EXPECT_EQ(test, out.actions,
				(u32)SES_ACT_TOKEN_GIVE_IND);
	}
	/* DT from a peer that does not hold the data token: AB */
	spm_run(&a, SES_EV_DT, &dt, &out);
	KUNIT_EXPECT_TRUE(test, out.actions & SES_ACT_PROTOCOL_ERROR);
}

/* S-RELEASE needs every available token, at both ends. */
static void spm_release_needs_every_token(struct kunit *test)
{
	struct ses_spdu fn = { .type = SES_SPDU_FN };
	struct ses_spm_out out;
	struct ses_spm spm;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(all_tokens); i++) {
		spm_with_tokens(test, &spm, FU_TOKENS_ALL,
				SES_TOKEN_ALL & ~all_tokens[i]);
		spm_run(&spm, SES_EV_SRELREQ, NULL, &out);
		KUNIT_EXPECT_EQ(test, out.actions, (u32)SES_ACT_REJECTED);
		KUNIT_EXPECT_EQ(test, out.error, -EPERM);
		KUNIT_EXPECT_EQ(test, spm.state, SES_STA713);
		/* the peer cannot have sent FN either: it lacks one */
		spm_with_tokens(test, &spm, FU_TOKENS_ALL, all_tokens[i]);
		spm_run(&spm, SES_EV_FN, &fn, &out);
		KUNIT_EXPECT_TRUE(test, out.actions & SES_ACT_PROTOCOL_ERROR);
	}
	spm_with_tokens(test, &spm, FU_TOKENS_ALL, SES_TOKEN_ALL);
	spm_run(&spm, SES_EV_SRELREQ, NULL, &out);
	KUNIT_EXPECT_EQ(test, out.actions, (u32)SES_ACT_SEND_FN);
	/* with tokens, an FN cannot cross ours */
	spm_run(&spm, SES_EV_FN, &fn, &out);
	KUNIT_EXPECT_TRUE(test, out.actions & SES_ACT_PROTOCOL_ERROR);
}

static void spm_negotiated_release_may_be_refused(struct kunit *test)
{
	struct ses_spdu fn = { .type = SES_SPDU_FN };
	struct ses_spdu nf = { .type = SES_SPDU_NF };
	struct ses_spm_out out;
	struct ses_spm a, b;

	spm_pair(test, &a, &b, SES_FU_DUPLEX | SES_FU_NEGOTIATED_RELEASE,
		 0, 0);
	KUNIT_EXPECT_EQ(test, a.tokens_owned, SES_TOKEN_RELEASE);
	KUNIT_EXPECT_EQ(test, b.tokens_owned, 0);
	spm_run(&b, SES_EV_SRELREQ, NULL, &out);
	KUNIT_EXPECT_EQ(test, out.error, -EPERM);
	spm_run(&a, SES_EV_SRELREQ, NULL, &out);
	KUNIT_EXPECT_EQ(test, out.actions, (u32)SES_ACT_SEND_FN);
	spm_run(&b, SES_EV_FN, &fn, &out);
	KUNIT_EXPECT_EQ(test, out.actions, (u32)SES_ACT_RELEASE_IND);
	spm_run(&b, SES_EV_SRELRSP_REJECT, &nf, &out);
	KUNIT_EXPECT_EQ(test, out.actions, (u32)SES_ACT_SEND_NF);
	KUNIT_EXPECT_EQ(test, b.state, SES_STA713);
	spm_run(&a, SES_EV_NF, &nf, &out);
	KUNIT_EXPECT_EQ(test, out.actions, (u32)SES_ACT_RELEASE_REFUSED);
	KUNIT_EXPECT_EQ(test, a.state, SES_STA713);
	/* the session goes on: data both ways, then a release accepted */
	spm_run(&a, SES_EV_SDTREQ, NULL, &out);
	KUNIT_EXPECT_EQ(test, out.actions, (u32)SES_ACT_SEND_DT);
	spm_run(&a, SES_EV_SRELREQ, NULL, &out);
	spm_run(&b, SES_EV_FN, &fn, &out);
	spm_run(&b, SES_EV_SRELRSP, NULL, &out);
	KUNIT_EXPECT_TRUE(test, out.actions & SES_ACT_SEND_DN);

	/* without the unit there is no refusing, nor NF on the wire */
	spm_pair(test, &a, &b, SES_FU_DUPLEX, 0, 0);
	spm_run(&a, SES_EV_SRELREQ, NULL, &out);
	spm_run(&b, SES_EV_FN, &fn, &out);
	spm_run(&b, SES_EV_SRELRSP_REJECT, &nf, &out);
	KUNIT_EXPECT_EQ(test, out.error, -EOPNOTSUPP);
	KUNIT_EXPECT_EQ(test, b.state, SES_STA09);
	spm_run(&a, SES_EV_NF, &nf, &out);
	KUNIT_EXPECT_TRUE(test, out.actions & SES_ACT_PROTOCOL_ERROR);
}

static void spm_control_give_hands_over_every_token(struct kunit *test)
{
	struct ses_spdu gtc = { .type = SES_SPDU_GTC };
	struct ses_spdu gta = { .type = SES_SPDU_GTA };
	u16 fu = FU_TOKENS_ALL | SES_FU_ACTIVITY;
	struct ses_spm_out out;
	struct ses_spm spm;

	/* not without activity management */
	spm_with_tokens(test, &spm, FU_TOKENS_ALL, SES_TOKEN_ALL);
	spm_run(&spm, SES_EV_SCGREQ, NULL, &out);
	KUNIT_EXPECT_EQ(test, out.error, -EOPNOTSUPP);
	spm_run(&spm, SES_EV_GTC, &gtc, &out);
	KUNIT_EXPECT_TRUE(test, out.actions & SES_ACT_PROTOCOL_ERROR);
	/* not without every token */
	spm_with_tokens(test, &spm, fu, SES_TOKEN_DATA);
	spm_run(&spm, SES_EV_SCGREQ, NULL, &out);
	KUNIT_EXPECT_EQ(test, out.error, -EPERM);
	/* given: nothing held until the peer acknowledges */
	spm_with_tokens(test, &spm, fu, SES_TOKEN_ALL);
	spm_run(&spm, SES_EV_SCGREQ, NULL, &out);
	KUNIT_EXPECT_EQ(test, out.actions, (u32)SES_ACT_SEND_GTC);
	KUNIT_EXPECT_EQ(test, spm.tokens_owned, 0);
	spm_run(&spm, SES_EV_SRELREQ, NULL, &out);
	KUNIT_EXPECT_EQ(test, out.error, -EPERM);
	spm_run(&spm, SES_EV_GTA, &gta, &out);
	KUNIT_EXPECT_EQ(test, out.actions, 0U);
	KUNIT_EXPECT_EQ(test, spm.state, SES_STA713);
	/* received: every token, and GTA back */
	spm_run(&spm, SES_EV_GTC, &gtc, &out);
	KUNIT_EXPECT_EQ(test, out.actions, (u32)(SES_ACT_CONTROL_GIVE_IND |
						 SES_ACT_SEND_GTA));
	KUNIT_EXPECT_EQ(test, spm.tokens_owned, SES_TOKEN_ALL);
	/* a GTA nobody asked for */
	spm_run(&spm, SES_EV_GTA, &gta, &out);
	KUNIT_EXPECT_TRUE(test, out.actions & SES_ACT_PROTOCOL_ERROR);
}

static struct kunit_case ses_spm_cases[] = {
	KUNIT_CASE(spm_initiator_establishes_on_ac),
	KUNIT_CASE(spm_responder_accepts_cn),
	KUNIT_CASE(spm_responder_picks_duplex_when_both_offered),
	KUNIT_CASE(spm_refuses_version_1_only),
	KUNIT_CASE(spm_refuses_wrong_called_selector),
	KUNIT_CASE(spm_refuses_no_common_dialog_unit),
	KUNIT_CASE(spm_initiator_keeps_intersection_of_echoed_units),
	KUNIT_CASE(spm_rf_ends_the_attempt),
	KUNIT_CASE(spm_data_is_delivered_in_data_transfer),
	KUNIT_CASE(spm_every_spdu_before_cn_is_a_protocol_error),
	KUNIT_CASE(spm_cn_in_data_transfer_is_a_protocol_error),
	KUNIT_CASE(spm_data_request_before_establishment_is_refused),
	KUNIT_CASE(spm_orderly_release_fn_dn),
	KUNIT_CASE(spm_release_collision_answers_both),
	KUNIT_CASE(spm_abort_received_ends_session),
	KUNIT_CASE(spm_user_abort_waits_with_tim),
	KUNIT_CASE(spm_transport_loss_in_data_transfer_is_reported),
	KUNIT_CASE(spm_tsdu_sizes_are_negotiated_per_direction),
	KUNIT_CASE(spm_token_units_make_tokens_available),
	KUNIT_CASE(spm_initial_tokens_follow_the_token_setting),
	KUNIT_CASE(spm_responder_removing_a_unit_removes_its_token),
	KUNIT_CASE(spm_token_matrix),
	KUNIT_CASE(spm_token_requests_need_a_valid_token_set),
	KUNIT_CASE(spm_data_token_alternates_the_sender),
	KUNIT_CASE(spm_release_needs_every_token),
	KUNIT_CASE(spm_negotiated_release_may_be_refused),
	KUNIT_CASE(spm_control_give_hands_over_every_token),
	{}
};

static struct kunit_suite ses_spm_suite = {
	.name = "ses_spm",
	.test_cases = ses_spm_cases,
};

kunit_test_suite(ses_spm_suite);
