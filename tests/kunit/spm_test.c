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

/* ---- synchronisation and resynchronisation (X.225 Table A-4) ---- */

#define FU_SYNC_ALL	(SES_FU_DUPLEX | SES_FU_MINOR_SYNC | \
			 SES_FU_MAJOR_SYNC | SES_FU_RESYNC)
#define PE		1	/* expect a protocol error (AB, STA16) */

/*
 * One row of Table A-4 as it applies here: a machine in @state with
 * units @fu, holding @owned, serial numbers (@va, @vm, @vr, @vsc) and
 * a resync (@rs_type, @rs_serial) under way; @ev with serial @sn
 * (@type: resync type, or 1 for a MIP without confirmation). Expected:
 * @error (-errno for a request, PE for an SPDU, 0 when accepted), then
 * @next and the variables after, and the serial number sent.
 */
struct sync_row {
	const char *what;
	u8 state;
	u16 fu;
	u8 owned;
	u32 va, vm, vr;
	bool vsc;
	u8 rs_type;
	u32 rs_serial;
	u8 ev;
	u32 sn;
	u8 type;
	int error;
	u8 next;
	u32 va2, vm2, vr2;
	bool vsc2;
	u32 sent;
};

#define HD_MINOR	(SES_FU_HALF_DUPLEX | SES_FU_MINOR_SYNC)
#define ALL_T		SES_TOKEN_ALL
#define NO_MINOR	(SES_TOKEN_ALL & ~SES_TOKEN_MINOR)
#define NO_MAJOR	(SES_TOKEN_ALL & ~SES_TOKEN_MAJOR)
#define M713		SES_STA713
#define RT_R		SES_RT_RESTART
#define RT_A		SES_RT_ABANDON
#define RT_S		SES_RT_SET

static const struct sync_row sync_rows[] = {
	/* S-SYNC-MINOR request */
	{ "minor request numbers the point V(M), then V(M)++",
	  M713, FU_SYNC_ALL, ALL_T, 3, 5, 0, false, 0, 0,
	  SES_EV_SSYNMREQ, 0, 0, 0, M713, 3, 6, 0, false, 5 },
	{ "minor request with Vsc: V(A) := V(M), Vsc := false",
	  M713, FU_SYNC_ALL, ALL_T, 3, 5, 0, true, 0, 0,
	  SES_EV_SSYNMREQ, 0, 0, 0, M713, 5, 6, 0, false, 5 },
	{ "minor request without the minor token: EPERM",
	  M713, FU_SYNC_ALL, NO_MINOR, 3, 5, 0, false, 0, 0,
	  SES_EV_SSYNMREQ, 0, 0, -EPERM, M713, 3, 5, 0, false, 0 },
	{ "minor request without the data token: EPERM",
	  M713, HD_MINOR, SES_TOKEN_MINOR, 3, 5, 0, false, 0, 0,
	  SES_EV_SSYNMREQ, 0, 0, -EPERM, M713, 3, 5, 0, false, 0 },
	{ "minor request with minor and data tokens (half duplex)",
	  M713, HD_MINOR, SES_TOKEN_MINOR | SES_TOKEN_DATA, 0, 0, 0, false,
	  0, 0, SES_EV_SSYNMREQ, 0, 0, 0, M713, 0, 1, 0, false, 0 },
	{ "minor request without the unit: EOPNOTSUPP",
	  M713, SES_FU_DUPLEX | SES_FU_MAJOR_SYNC, ALL_T, 3, 5, 0, false,
	  0, 0, SES_EV_SSYNMREQ, 0, 0, -EOPNOTSUPP, M713, 3, 5, 0, false },
	{ "minor request past serial 999999: ERANGE",
	  M713, FU_SYNC_ALL, ALL_T, 3, 1000000, 0, false, 0, 0,
	  SES_EV_SSYNMREQ, 0, 0, -ERANGE, M713, 3, 1000000, 0, false },
	{ "minor request at serial 999999 is the last",
	  M713, FU_SYNC_ALL, ALL_T, 3, 999999, 0, false, 0, 0,
	  SES_EV_SSYNMREQ, 0, 0, 0, M713, 3, 1000000, 0, false, 999999 },

	/* S-SYNC-MAJOR request */
	{ "major request numbers the point V(M), waits for MAA",
	  M713, FU_SYNC_ALL, ALL_T, 3, 5, 2, false, 0, 0,
	  SES_EV_SSYNMJREQ, 0, 0, 0, SES_STA04A, 3, 6, 2, false, 5 },
	{ "major request with Vsc: V(A) := V(M), Vsc := false",
	  M713, FU_SYNC_ALL, ALL_T, 3, 5, 2, true, 0, 0,
	  SES_EV_SSYNMJREQ, 0, 0, 0, SES_STA04A, 5, 6, 2, false, 5 },
	{ "major request without the major token: EPERM",
	  M713, FU_SYNC_ALL, NO_MAJOR, 3, 5, 0, false, 0, 0,
	  SES_EV_SSYNMJREQ, 0, 0, -EPERM, M713, 3, 5, 0, false },
	{ "major request without the minor token: EPERM",
	  M713, FU_SYNC_ALL, NO_MINOR, 3, 5, 0, false, 0, 0,
	  SES_EV_SSYNMJREQ, 0, 0, -EPERM, M713, 3, 5, 0, false },
	{ "major request without the unit: EOPNOTSUPP",
	  M713, SES_FU_DUPLEX | SES_FU_MINOR_SYNC, ALL_T, 3, 5, 0, false,
	  0, 0, SES_EV_SSYNMJREQ, 0, 0, -EOPNOTSUPP, M713, 3, 5, 0, false },
	{ "major request past serial 999999: ERANGE",
	  M713, FU_SYNC_ALL, ALL_T, 3, 1000000, 0, false, 0, 0,
	  SES_EV_SSYNMJREQ, 0, 0, -ERANGE, M713, 3, 1000000, 0, false },
	{ "major request while one is pending: EBUSY",
	  SES_STA04A, FU_SYNC_ALL, ALL_T, 3, 6, 0, false, 0, 0,
	  SES_EV_SSYNMJREQ, 0, 0, -EBUSY, SES_STA04A, 3, 6, 0, false },
	{ "minor request while a major one is pending: EBUSY",
	  SES_STA04A, FU_SYNC_ALL, ALL_T, 3, 6, 0, false, 0, 0,
	  SES_EV_SSYNMREQ, 0, 0, -EBUSY, SES_STA04A, 3, 6, 0, false },
	{ "data request while a major point is pending: EBUSY",
	  SES_STA04A, FU_SYNC_ALL, ALL_T, 3, 6, 0, false, 0, 0,
	  SES_EV_SDTREQ, 0, 0, -EBUSY, SES_STA04A, 3, 6, 0, false },

	/* MIP received */
	{ "MIP sn = V(M), not Vsc: V(A) := V(M), Vsc := true, V(M)++",
	  M713, FU_SYNC_ALL, 0, 3, 5, 0, false, 0, 0,
	  SES_EV_MIP, 5, 0, 0, M713, 5, 6, 0, true },
	{ "MIP sn = V(M) with Vsc: V(A) kept, V(M)++",
	  M713, FU_SYNC_ALL, 0, 3, 5, 0, true, 0, 0,
	  SES_EV_MIP, 5, 0, 0, M713, 3, 6, 0, true },
	{ "MIP sn != V(M) is a protocol error",
	  M713, FU_SYNC_ALL, 0, 3, 5, 0, false, 0, 0,
	  SES_EV_MIP, 6, 0, PE, SES_STA16 },
	{ "MIP from a peer without the minor token is a protocol error",
	  M713, FU_SYNC_ALL, SES_TOKEN_MINOR, 3, 5, 0, false, 0, 0,
	  SES_EV_MIP, 5, 0, PE, SES_STA16 },
	{ "MIP from a peer without the data token is a protocol error",
	  M713, HD_MINOR, SES_TOKEN_DATA, 3, 5, 0, false, 0, 0,
	  SES_EV_MIP, 5, 0, PE, SES_STA16 },
	{ "MIP without the unit is a protocol error",
	  M713, SES_FU_DUPLEX | SES_FU_MAJOR_SYNC, 0, 3, 5, 0, false, 0, 0,
	  SES_EV_MIP, 5, 0, PE, SES_STA16 },

	/* MAP received */
	{ "MAP sn = V(M), not Vsc: V(A) := V(M), V(M)++, wait for response",
	  M713, FU_SYNC_ALL, 0, 3, 5, 0, false, 0, 0,
	  SES_EV_MAP, 5, 0, 0, SES_STA10A, 5, 6, 0, false },
	{ "MAP sn = V(M) with Vsc: V(A) and Vsc kept",
	  M713, FU_SYNC_ALL, 0, 3, 5, 0, true, 0, 0,
	  SES_EV_MAP, 5, 0, 0, SES_STA10A, 3, 6, 0, true },
	{ "MAP sn != V(M) is a protocol error",
	  M713, FU_SYNC_ALL, 0, 3, 5, 0, false, 0, 0,
	  SES_EV_MAP, 4, 0, PE, SES_STA16 },
	{ "MAP from a peer without the major token is a protocol error",
	  M713, FU_SYNC_ALL, SES_TOKEN_MAJOR, 3, 5, 0, false, 0, 0,
	  SES_EV_MAP, 5, 0, PE, SES_STA16 },
	{ "MAP in STA04A (crossing ours) is a protocol error",
	  SES_STA04A, FU_SYNC_ALL, 0, 3, 5, 0, false, 0, 0,
	  SES_EV_MAP, 5, 0, PE, SES_STA16 },

	/* S-SYNC-MAJOR response and MAA */
	{ "major response sn = V(M)-1: V(A) := V(R) := V(M)",
	  SES_STA10A, FU_SYNC_ALL, 0, 5, 6, 0, false, 0, 0,
	  SES_EV_SSYNMJRSP, 5, 0, 0, M713, 6, 6, 6, false, 5 },
	{ "major response naming another point: EINVAL",
	  SES_STA10A, FU_SYNC_ALL, 0, 5, 6, 0, false, 0, 0,
	  SES_EV_SSYNMJRSP, 4, 0, -EINVAL, SES_STA10A, 5, 6, 0, false },
	{ "major response with no MAP to answer: EINVAL",
	  M713, FU_SYNC_ALL, 0, 5, 6, 0, false, 0, 0,
	  SES_EV_SSYNMJRSP, 5, 0, -EINVAL, M713, 5, 6, 0, false },
	{ "MAA sn = V(M)-1: V(A) := V(R) := V(M), data transfer",
	  SES_STA04A, FU_SYNC_ALL, ALL_T, 3, 6, 0, false, 0, 0,
	  SES_EV_MAA, 5, 0, 0, M713, 6, 6, 6, false },
	{ "MAA sn != V(M)-1 is a protocol error",
	  SES_STA04A, FU_SYNC_ALL, ALL_T, 3, 6, 0, false, 0, 0,
	  SES_EV_MAA, 6, 0, PE, SES_STA16 },
	{ "MAA in data transfer is a protocol error",
	  M713, FU_SYNC_ALL, ALL_T, 3, 6, 0, false, 0, 0,
	  SES_EV_MAA, 5, 0, PE, SES_STA16 },

	/* S-SYNC-MINOR response and MIA */
	{ "minor response V(A) <= sn < V(M) with Vsc: V(A) := sn + 1",
	  M713, FU_SYNC_ALL, 0, 3, 6, 0, true, 0, 0,
	  SES_EV_SSYNMRSP, 4, 0, 0, M713, 5, 6, 0, true, 4 },
	{ "minor response sn = V(M): EINVAL",
	  M713, FU_SYNC_ALL, 0, 3, 6, 0, true, 0, 0,
	  SES_EV_SSYNMRSP, 6, 0, -EINVAL, M713, 3, 6, 0, true },
	{ "minor response sn < V(A): EINVAL",
	  M713, FU_SYNC_ALL, 0, 3, 6, 0, true, 0, 0,
	  SES_EV_SSYNMRSP, 2, 0, -EINVAL, M713, 3, 6, 0, true },
	{ "minor response without Vsc: EINVAL",
	  M713, FU_SYNC_ALL, 0, 3, 6, 0, false, 0, 0,
	  SES_EV_SSYNMRSP, 4, 0, -EINVAL, M713, 3, 6, 0, false },
	{ "minor response while answering a MAP",
	  SES_STA10A, FU_SYNC_ALL, 0, 3, 6, 0, true, 0, 0,
	  SES_EV_SSYNMRSP, 4, 0, 0, SES_STA10A, 5, 6, 0, true, 4 },
	{ "MIA V(A) <= sn < V(M), not Vsc: V(A) := sn + 1",
	  M713, FU_SYNC_ALL, ALL_T, 3, 6, 0, false, 0, 0,
	  SES_EV_MIA, 5, 0, 0, M713, 6, 6, 0, false },
	{ "MIA crossing our MAP",
	  SES_STA04A, FU_SYNC_ALL, ALL_T, 3, 6, 0, false, 0, 0,
	  SES_EV_MIA, 4, 0, 0, SES_STA04A, 5, 6, 0, false },
	{ "MIA with Vsc is a protocol error",
	  M713, FU_SYNC_ALL, ALL_T, 3, 6, 0, true, 0, 0,
	  SES_EV_MIA, 4, 0, PE, SES_STA16 },
	{ "MIA sn = V(M) is a protocol error",
	  M713, FU_SYNC_ALL, ALL_T, 3, 6, 0, false, 0, 0,
	  SES_EV_MIA, 6, 0, PE, SES_STA16 },
	{ "MIA sn < V(A) is a protocol error",
	  M713, FU_SYNC_ALL, ALL_T, 3, 6, 0, false, 0, 0,
	  SES_EV_MIA, 2, 0, PE, SES_STA16 },

	/* S-RESYNCHRONIZE request: variables unchanged until RA */
	{ "resync abandon: no condition, RS carries V(M)",
	  M713, FU_SYNC_ALL, 0, 3, 6, 2, true, 0, 0,
	  SES_EV_SRSYNREQ, 77, RT_A, 0, SES_STA05A, 3, 6, 2, true, 6 },
	{ "resync restart V(R) <= sn <= V(M)",
	  M713, FU_SYNC_ALL, 0, 3, 6, 2, false, 0, 0,
	  SES_EV_SRSYNREQ, 2, RT_R, 0, SES_STA05A, 3, 6, 2, false, 2 },
	{ "resync restart at V(M)",
	  M713, FU_SYNC_ALL, 0, 3, 6, 2, false, 0, 0,
	  SES_EV_SRSYNREQ, 6, RT_R, 0, SES_STA05A, 3, 6, 2, false, 6 },
	{ "resync restart below V(R): EINVAL",
	  M713, FU_SYNC_ALL, 0, 3, 6, 2, false, 0, 0,
	  SES_EV_SRSYNREQ, 1, RT_R, -EINVAL, M713, 3, 6, 2, false },
	{ "resync restart above V(M): EINVAL",
	  M713, FU_SYNC_ALL, 0, 3, 6, 2, false, 0, 0,
	  SES_EV_SRSYNREQ, 7, RT_R, -EINVAL, M713, 3, 6, 2, false },
	{ "resync set to 999999",
	  M713, FU_SYNC_ALL, 0, 3, 6, 2, false, 0, 0,
	  SES_EV_SRSYNREQ, 999999, RT_S, 0, SES_STA05A, 3, 6, 2, false,
	  999999 },
	{ "resync set past 999999: ERANGE",
	  M713, FU_SYNC_ALL, 0, 3, 6, 2, false, 0, 0,
	  SES_EV_SRSYNREQ, 1000000, RT_S, -ERANGE, M713, 3, 6, 2, false },
	{ "resync abandon at V(M) = 1000000: ERANGE",
	  M713, FU_SYNC_ALL, 0, 3, 1000000, 2, false, 0, 0,
	  SES_EV_SRSYNREQ, 0, RT_A, -ERANGE, M713, 3, 1000000, 2, false },
	{ "resync of an unknown type: EINVAL",
	  M713, FU_SYNC_ALL, 0, 3, 6, 2, false, 0, 0,
	  SES_EV_SRSYNREQ, 3, 3, -EINVAL, M713, 3, 6, 2, false },
	{ "resync without the unit: EOPNOTSUPP",
	  M713, SES_FU_DUPLEX | SES_FU_MAJOR_SYNC, 0, 3, 6, 2, false, 0, 0,
	  SES_EV_SRSYNREQ, 3, RT_S, -EOPNOTSUPP, M713, 3, 6, 2, false },
	{ "resync while our major point awaits MAA",
	  SES_STA04A, FU_SYNC_ALL, ALL_T, 3, 6, 2, false, 0, 0,
	  SES_EV_SRSYNREQ, 0, RT_A, 0, SES_STA05A, 3, 6, 2, false, 6 },
	{ "resync instead of answering a MAP",
	  SES_STA10A, FU_SYNC_ALL, 0, 5, 6, 2, false, 0, 0,
	  SES_EV_SRSYNREQ, 3, RT_S, 0, SES_STA05A, 5, 6, 2, false, 3 },
	{ "resync while one is pending: EBUSY",
	  SES_STA05A, FU_SYNC_ALL, 0, 3, 6, 2, false, RT_A, 6,
	  SES_EV_SRSYNREQ, 3, RT_S, -EBUSY, SES_STA05A, 3, 6, 2, false },

	/* RS received */
	{ "RS abandon sn > V(M): V(M) := sn",
	  M713, FU_SYNC_ALL, 0, 3, 6, 2, false, 0, 0,
	  SES_EV_RS, 9, RT_A, 0, SES_STA11A, 3, 9, 2, false },
	{ "RS abandon sn < V(M): V(M) kept",
	  M713, FU_SYNC_ALL, 0, 3, 6, 2, false, 0, 0,
	  SES_EV_RS, 4, RT_A, 0, SES_STA11A, 3, 6, 2, false },
	{ "RS restart sn >= V(R)",
	  M713, FU_SYNC_ALL, 0, 3, 6, 2, false, 0, 0,
	  SES_EV_RS, 2, RT_R, 0, SES_STA11A, 3, 6, 2, false },
	{ "RS restart sn < V(R) is a protocol error",
	  M713, FU_SYNC_ALL, 0, 3, 6, 2, false, 0, 0,
	  SES_EV_RS, 1, RT_R, PE, SES_STA16 },
	{ "RS restart sn > V(M) is a protocol error",
	  M713, FU_SYNC_ALL, 0, 3, 6, 2, false, 0, 0,
	  SES_EV_RS, 7, RT_R, PE, SES_STA16 },
	{ "RS set to any serial number",
	  M713, FU_SYNC_ALL, 0, 3, 6, 2, false, 0, 0,
	  SES_EV_RS, 999999, RT_S, 0, SES_STA11A, 3, 6, 2, false },
	{ "RS of an unknown type is a protocol error",
	  M713, FU_SYNC_ALL, 0, 3, 6, 2, false, 0, 0,
	  SES_EV_RS, 3, 3, PE, SES_STA16 },
	{ "RS without the unit is a protocol error",
	  M713, SES_FU_DUPLEX | SES_FU_MINOR_SYNC, 0, 3, 6, 2, false, 0, 0,
	  SES_EV_RS, 3, RT_S, PE, SES_STA16 },
	{ "RS while our MAP awaits MAA",
	  SES_STA04A, FU_SYNC_ALL, ALL_T, 3, 6, 2, false, 0, 0,
	  SES_EV_RS, 2, RT_R, 0, SES_STA11A, 3, 6, 2, false },
	{ "RS instead of the MAA we would send",
	  SES_STA10A, FU_SYNC_ALL, 0, 5, 6, 2, false, 0, 0,
	  SES_EV_RS, 6, RT_R, 0, SES_STA11A, 5, 6, 2, false },

	/* S-RESYNCHRONIZE response: RA sent */
	{ "resync response abandon: RA carries V(M), V(R) := 0",
	  SES_STA11A, FU_SYNC_ALL, 0, 3, 9, 2, true, RT_A, 9,
	  SES_EV_SRSYNRSP, 0, 0, 0, M713, 9, 9, 0, false, 9 },
	{ "resync response restart: V(A) := V(M) := sn, V(R) kept",
	  SES_STA11A, FU_SYNC_ALL, 0, 3, 6, 2, true, RT_R, 4,
	  SES_EV_SRSYNRSP, 0, 0, 0, M713, 4, 4, 2, false, 4 },
	{ "resync response set: V(A) := V(M) := sn, V(R) := 0",
	  SES_STA11A, FU_SYNC_ALL, 0, 3, 6, 2, false, RT_S, 100,
	  SES_EV_SRSYNRSP, 0, 0, 0, M713, 100, 100, 0, false, 100 },
	{ "resync response with no RS to answer: EINVAL",
	  M713, FU_SYNC_ALL, 0, 3, 6, 2, false, 0, 0,
	  SES_EV_SRSYNRSP, 0, 0, -EINVAL, M713, 3, 6, 2, false },

	/* RA received */
	{ "RA abandon sn >= V(M): V(A) := V(M) := sn, V(R) := 0",
	  SES_STA05A, FU_SYNC_ALL, 0, 3, 6, 2, true, RT_A, 6,
	  SES_EV_RA, 8, 0, 0, M713, 8, 8, 0, false },
	{ "RA abandon sn < V(M) is a protocol error",
	  SES_STA05A, FU_SYNC_ALL, 0, 3, 6, 2, false, RT_A, 6,
	  SES_EV_RA, 5, 0, PE, SES_STA16 },
	{ "RA restart with the RS's sn: V(R) kept",
	  SES_STA05A, FU_SYNC_ALL, 0, 3, 6, 2, false, RT_R, 4,
	  SES_EV_RA, 4, 0, 0, M713, 4, 4, 2, false },
	{ "RA restart with another sn is a protocol error",
	  SES_STA05A, FU_SYNC_ALL, 0, 3, 6, 2, false, RT_R, 4,
	  SES_EV_RA, 5, 0, PE, SES_STA16 },
	{ "RA set with the RS's sn: V(R) := 0",
	  SES_STA05A, FU_SYNC_ALL, 0, 3, 6, 2, false, RT_S, 50,
	  SES_EV_RA, 50, 0, 0, M713, 50, 50, 0, false },
	{ "RA in data transfer is a protocol error",
	  M713, FU_SYNC_ALL, 0, 3, 6, 2, false, 0, 0,
	  SES_EV_RA, 6, 0, PE, SES_STA16 },

	/* waiting for RA: the peer's data and sync SPDUs are discarded */
	{ "DT while waiting for RA is discarded",
	  SES_STA05A, FU_SYNC_ALL, 0, 3, 6, 2, false, RT_A, 6,
	  SES_EV_DT, 0, 0, 0, SES_STA05A, 3, 6, 2, false },
	{ "MIP while waiting for RA is discarded",
	  SES_STA05A, FU_SYNC_ALL, 0, 3, 6, 2, false, RT_A, 6,
	  SES_EV_MIP, 6, 0, 0, SES_STA05A, 3, 6, 2, false },
	{ "MIA while waiting for RA is discarded",
	  SES_STA05A, FU_SYNC_ALL, 0, 3, 6, 2, false, RT_A, 6,
	  SES_EV_MIA, 6, 0, 0, SES_STA05A, 3, 6, 2, false },
	{ "MAP while waiting for RA is discarded",
	  SES_STA05A, FU_SYNC_ALL, 0, 3, 6, 2, false, RT_A, 6,
	  SES_EV_MAP, 6, 0, 0, SES_STA05A, 3, 6, 2, false },
	{ "MAA while waiting for RA is discarded",
	  SES_STA05A, FU_SYNC_ALL, 0, 3, 6, 2, false, RT_A, 6,
	  SES_EV_MAA, 5, 0, 0, SES_STA05A, 3, 6, 2, false },
	{ "DT while answering an RS is a protocol error",
	  SES_STA11A, FU_SYNC_ALL, 0, 3, 6, 2, false, RT_A, 6,
	  SES_EV_DT, 0, 0, PE, SES_STA16 },
	{ "DT while answering a MAP is a protocol error",
	  SES_STA10A, FU_SYNC_ALL, 0, 3, 6, 2, false, 0, 0,
	  SES_EV_DT, 0, 0, PE, SES_STA16 },
	{ "DT while our MAP awaits MAA is delivered",
	  SES_STA04A, FU_SYNC_ALL, ALL_T, 3, 6, 2, false, 0, 0,
	  SES_EV_DT, 0, 0, 0, SES_STA04A, 3, 6, 2, false },
};

static bool sync_is_request(u8 ev)
{
	return ev <= SES_EV_SRSYNRSP;
}

static enum ses_spdu_type sync_spdu_type(u8 ev)
{
	switch (ev) {
	case SES_EV_SSYNMREQ: case SES_EV_MIP: return SES_SPDU_MIP;
	case SES_EV_SSYNMRSP: case SES_EV_MIA: return SES_SPDU_MIA;
	case SES_EV_SSYNMJREQ: case SES_EV_MAP: return SES_SPDU_MAP;
	case SES_EV_SSYNMJRSP: case SES_EV_MAA: return SES_SPDU_MAA;
	case SES_EV_SRSYNREQ: case SES_EV_RS: return SES_SPDU_RS;
	case SES_EV_SRSYNRSP: case SES_EV_RA: return SES_SPDU_RA;
	default: return SES_SPDU_DT;
	}
}

static void spm_sync_table_a4(struct kunit *test)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(sync_rows); i++) {
		const struct sync_row *r = &sync_rows[i];
		struct ses_spdu s = {
			.type = sync_spdu_type(r->ev),
			.present = SES_P_SERIAL | SES_P_RESYNC_TYPE,
			.serial = r->sn,
			.resync_type = r->type,
		};
		struct ses_spm_out out;
		struct ses_spm spm;

		spm_with_tokens(test, &spm, r->fu, r->owned);
		spm.state = r->state;
		spm.va = r->va;
		spm.vm = r->vm;
		spm.vr = r->vr;
		spm.vsc = r->vsc;
		spm.rs_type = r->rs_type;
		spm.rs_serial = r->rs_serial;
		spm_run(&spm, r->ev, &s, &out);

		if (sync_is_request(r->ev)) {
			KUNIT_EXPECT_EQ_MSG(test, out.error, r->error, "%s",
					    r->what);
			KUNIT_EXPECT_EQ_MSG(test,
					    !!(out.actions & SES_ACT_REJECTED),
					    !!r->error, "%s", r->what);
			if (!r->error && r->ev != SES_EV_SDTREQ) {
				KUNIT_EXPECT_TRUE_MSG(test, out.actions &
						      SES_ACT_SEND_SYNC,
						      "%s", r->what);
				KUNIT_EXPECT_EQ_MSG(test, out.send.type,
						    s.type, "%s", r->what);
				KUNIT_EXPECT_EQ_MSG(test, out.send.serial,
						    r->sent, "%s", r->what);
			}
		} else {
			KUNIT_EXPECT_EQ_MSG(test,
					    !!(out.actions &
					       SES_ACT_PROTOCOL_ERROR),
					    r->error == PE, "%s", r->what);
		}
		KUNIT_EXPECT_EQ_MSG(test, spm.state, r->next, "%s", r->what);
		if (r->error)
			continue;
		KUNIT_EXPECT_EQ_MSG(test, spm.va, r->va2, "%s: V(A)", r->what);
		KUNIT_EXPECT_EQ_MSG(test, spm.vm, r->vm2, "%s: V(M)", r->what);
		KUNIT_EXPECT_EQ_MSG(test, spm.vr, r->vr2, "%s: V(R)", r->what);
		KUNIT_EXPECT_EQ_MSG(test, spm.vsc, r->vsc2, "%s: Vsc", r->what);
	}
}

/* Establish @a and @b with units @fu, @a proposing initial serial @isn. */
static void spm_sync_pair(struct kunit *test, struct ses_spm *a,
			  struct ses_spm *b, u16 fu, u32 isn)
{
	struct ses_spm_out out;
	struct ses_spdu cn, ac;

	spm_ready(a, true, fu);
	a->isn = isn;
	spm_ready(b, false, fu);
	spm_run(a, SES_EV_SCONREQ, NULL, &out);
	ses_spm_fill_cn(a, &cn);
	spm_run(b, SES_EV_CN, &cn, &out);
	spm_run(b, SES_EV_SCONRSP_ACCEPT, NULL, &out);
	ses_spm_fill_ac(b, &ac);
	spm_run(a, SES_EV_AC, &ac, &out);
	KUNIT_ASSERT_EQ(test, a->state, SES_STA713);
	KUNIT_ASSERT_EQ(test, b->state, SES_STA713);
}

/* Deliver the SPDU @out asked @from to send to @to. */
static void spm_deliver(struct ses_spm *to, const struct ses_spm_out *from,
			struct ses_spm_out *out)
{
	struct ses_spdu s = {
		.type = from->send.type,
		.present = from->send.present,
		.serial = from->send.serial,
		.sync_type = from->send.sync_type,
		.resync_type = from->send.resync_type,
		.token_setting = from->send.token_setting,
	};

	spm_run(to, ses_spm_spdu_event(s.type), &s, out);
}

static void spm_sync_isn_is_agreed_in_cn_and_ac(struct kunit *test)
{
	struct ses_spdu cn, ac;
	struct ses_spm a, b;

	spm_sync_pair(test, &a, &b, FU_SYNC_ALL, 41);
	ses_spm_fill_cn(&a, &cn);
	ses_spm_fill_ac(&b, &ac);
	KUNIT_EXPECT_TRUE(test, cn.present & SES_P_ISN);
	KUNIT_EXPECT_EQ(test, cn.isn, 41);
	KUNIT_EXPECT_TRUE(test, ac.present & SES_P_ISN);
	KUNIT_EXPECT_EQ(test, ac.isn, 41);
	KUNIT_EXPECT_EQ(test, a.va, 41);
	KUNIT_EXPECT_EQ(test, a.vm, 41);
	KUNIT_EXPECT_EQ(test, b.va, 41);
	KUNIT_EXPECT_EQ(test, b.vm, 41);
	KUNIT_EXPECT_EQ(test, b.vr, 0);
	KUNIT_EXPECT_FALSE(test, b.vsc);
	KUNIT_EXPECT_EQ(test, a.fu, FU_SYNC_ALL);

	/* no serial-number unit: no ISN */
	spm_sync_pair(test, &a, &b, SES_FU_DUPLEX, 41);
	ses_spm_fill_cn(&a, &cn);
	KUNIT_EXPECT_FALSE(test, cn.present & SES_P_ISN);
}

/* A thousand minor points, a major one every ten, confirmed. */
static void spm_sync_points_walk_both_ends(struct kunit *test)
{
	struct ses_spm_out out, in, ack;
	struct ses_spdu req = { .present = SES_P_SERIAL };
	struct ses_spm a, b;
	unsigned int i;

	spm_sync_pair(test, &a, &b, FU_SYNC_ALL, 1);
	for (i = 0; i < 1000; i++) {
		bool major = i % 10 == 9;

		spm_run(&a, major ? SES_EV_SSYNMJREQ : SES_EV_SSYNMREQ, &req,
			&out);
		KUNIT_ASSERT_TRUE(test, out.actions & SES_ACT_SEND_SYNC);
		KUNIT_ASSERT_EQ(test, out.send.serial, i + 1);
		spm_deliver(&b, &out, &in);
		KUNIT_ASSERT_TRUE(test, in.actions & SES_ACT_SYNC_IND);
		KUNIT_ASSERT_EQ(test, in.send.serial, i + 1);
		if (!major && i % 10 != 4)
			continue;
		req.serial = i + 1;
		spm_run(&b, major ? SES_EV_SSYNMJRSP : SES_EV_SSYNMRSP, &req,
			&ack);
		KUNIT_ASSERT_TRUE(test, ack.actions & SES_ACT_SEND_SYNC);
		spm_deliver(&a, &ack, &in);
		KUNIT_ASSERT_TRUE(test, in.actions & SES_ACT_SYNC_IND);
		KUNIT_ASSERT_EQ(test, in.ind, major ? SES_IND_SYNC_MAJOR_CNF :
				SES_IND_SYNC_MINOR_CNF);
		KUNIT_ASSERT_EQ(test, a.va, b.va);
	}
	KUNIT_EXPECT_EQ(test, a.vm, 1001);
	KUNIT_EXPECT_EQ(test, b.vm, 1001);
	KUNIT_EXPECT_EQ(test, a.vr, 1001);
	KUNIT_EXPECT_EQ(test, b.vr, 1001);
}

/*
 * Two RS crossing, for every pair of types and both ends as the
 * initiator: one end takes the other's, both agree which, and after
 * the RA both hold the same serial numbers.
 */
static void spm_resync_collisions_resolve_alike(struct kunit *test)
{
	static const struct {
		u8 ta, tb;
		u32 sa, sb;
		bool a_wins;	/* when @a is the initiator */
		bool b_wins;	/* when @b is the initiator (by rule) */
	} pairs[] = {
		{ RT_A, RT_A, 0, 0, true, false },
		{ RT_A, RT_S, 0, 7, true, true },
		{ RT_A, RT_R, 0, 3, true, true },
		{ RT_S, RT_A, 7, 0, false, false },
		{ RT_S, RT_S, 7, 9, true, false },
		{ RT_S, RT_R, 7, 3, true, true },
		{ RT_R, RT_A, 3, 0, false, false },
		{ RT_R, RT_S, 3, 7, false, false },
		{ RT_R, RT_R, 3, 4, true, true },	/* lower serial */
		{ RT_R, RT_R, 4, 3, false, false },
		{ RT_R, RT_R, 3, 3, true, false },	/* initiator's */
	};
	unsigned int i, who;

	for (i = 0; i < ARRAY_SIZE(pairs); i++) {
		for (who = 0; who < 2; who++) {
			struct ses_spm_out oa, ob, ia, ib, ra, cnf;
			struct ses_spm m[2], *a, *b, *win, *lose;
			struct ses_spdu req = {
				.present = SES_P_SERIAL | SES_P_RESYNC_TYPE,
			};
			bool a_wins = who ? pairs[i].b_wins : pairs[i].a_wins;

			/* m[0] is the initiator; @a is m[who] */
			spm_sync_pair(test, &m[0], &m[1], FU_SYNC_ALL, 1);
			a = &m[who];
			b = &m[!who];
			/* ten major points: V(M) = V(R) = 11 */
			while (m[0].vm < 11) {
				spm_run(&m[0], SES_EV_SSYNMJREQ, &req, &oa);
				spm_deliver(&m[1], &oa, &ia);
				req.serial = m[1].vm - 1;
				spm_run(&m[1], SES_EV_SSYNMJRSP, &req, &ob);
				spm_deliver(&m[0], &ob, &ib);
			}
			KUNIT_ASSERT_EQ(test, a->vr, 11);
			a->vr = b->vr = 3;

			req.resync_type = pairs[i].ta;
			req.serial = pairs[i].sa;
			spm_run(a, SES_EV_SRSYNREQ, &req, &oa);
			req.resync_type = pairs[i].tb;
			req.serial = pairs[i].sb;
			spm_run(b, SES_EV_SRSYNREQ, &req, &ob);
			KUNIT_ASSERT_EQ(test, a->state, SES_STA05A);
			KUNIT_ASSERT_EQ(test, b->state, SES_STA05A);
			spm_deliver(a, &ob, &ia);
			spm_deliver(b, &oa, &ib);
			win = a_wins ? a : b;
			lose = a_wins ? b : a;
			KUNIT_EXPECT_EQ_MSG(test, win->state, SES_STA05A,
					    "pair %u, initiator %u", i, who);
			KUNIT_EXPECT_EQ_MSG(test, lose->state, SES_STA11A,
					    "pair %u, initiator %u", i, who);
			KUNIT_EXPECT_FALSE(test, (ia.actions | ib.actions) &
					   SES_ACT_PROTOCOL_ERROR);
			spm_run(lose, SES_EV_SRSYNRSP, NULL, &ra);
			KUNIT_ASSERT_TRUE(test, ra.actions & SES_ACT_SEND_SYNC);
			spm_deliver(win, &ra, &cnf);
			KUNIT_EXPECT_EQ(test, cnf.ind, SES_IND_RESYNC_CNF);
			KUNIT_EXPECT_EQ(test, win->state, SES_STA713);
			KUNIT_EXPECT_EQ(test, lose->state, SES_STA713);
			KUNIT_EXPECT_EQ(test, win->vm, lose->vm);
			KUNIT_EXPECT_EQ(test, win->va, lose->va);
			KUNIT_EXPECT_EQ(test, win->vr, lose->vr);
		}
	}
}

/* RS's Token Setting, the receiver's choice, and RA resettle tokens. */
static void spm_resync_resettles_tokens(struct kunit *test)
{
	const u16 fu = SES_FU_HALF_DUPLEX | SES_FU_MINOR_SYNC |
		       SES_FU_MAJOR_SYNC | SES_FU_RESYNC |
		       SES_FU_NEGOTIATED_RELEASE;
	struct ses_spdu req = {
		.present = SES_P_SERIAL | SES_P_RESYNC_TYPE |
			   SES_P_TOKEN_SETTING,
		.resync_type = RT_A,
		/* data to the peer, minor its choice, major and release ours */
		.token_setting = SES_TSI_RESPONDER << 0 |
				 SES_TSI_CALLED_CHOICE << 2,
	};
	struct ses_spm_out out, in, ra, cnf;
	struct ses_spm a, b;

	spm_sync_pair(test, &a, &b, fu, 1);
	KUNIT_ASSERT_EQ(test, a.tokens_owned, SES_TOKEN_ALL);
	/* the responder requests while holding nothing */
	spm_run(&b, SES_EV_SRSYNREQ, &req, &out);
	KUNIT_ASSERT_TRUE(test, out.actions & SES_ACT_SEND_SYNC);
	KUNIT_EXPECT_TRUE(test, out.send.present & SES_P_TOKEN_SETTING);
	spm_deliver(&a, &out, &in);
	KUNIT_ASSERT_EQ(test, in.ind, SES_IND_RESYNC);
	KUNIT_EXPECT_EQ(test, in.send.token_setting, req.token_setting);
	/* @a takes the minor token it may choose */
	req.token_setting = SES_TSI_RESPONDER << 2;
	spm_run(&a, SES_EV_SRSYNRSP, &req, &ra);
	KUNIT_EXPECT_EQ(test, a.tokens_owned,
			SES_TOKEN_DATA | SES_TOKEN_MINOR);
	spm_deliver(&b, &ra, &cnf);
	KUNIT_ASSERT_EQ(test, cnf.ind, SES_IND_RESYNC_CNF);
	KUNIT_EXPECT_EQ(test, b.tokens_owned,
			SES_TOKEN_MAJOR | SES_TOKEN_RELEASE);
	KUNIT_EXPECT_EQ(test, cnf.tokens, b.tokens_owned);

	/* an RA leaving a choice open is a protocol error */
	spm_sync_pair(test, &a, &b, fu, 1);
	req.token_setting = SES_TSI_CALLED_CHOICE << 0;
	spm_run(&a, SES_EV_SRSYNREQ, &req, &out);
	out.send.type = SES_SPDU_RA;
	out.send.present = SES_P_SERIAL | SES_P_TOKEN_SETTING;
	out.send.serial = a.vm;
	spm_deliver(&a, &out, &cnf);
	KUNIT_EXPECT_TRUE(test, cnf.actions & SES_ACT_PROTOCOL_ERROR);
}

/* Discarded SSDUs are counted until RA; PR is a protocol error. */
static void spm_resync_counts_discarded_ssdus(struct kunit *test)
{
	struct ses_spdu req = { .present = SES_P_RESYNC_TYPE,
				.resync_type = RT_A };
	struct ses_spdu dt = { .type = SES_SPDU_DT };
	struct ses_spdu pr = { .type = SES_SPDU_PR };
	struct ses_spm_out out;
	struct ses_spm a, b;
	unsigned int i;

	spm_sync_pair(test, &a, &b, FU_SYNC_ALL, 1);
	spm_run(&a, SES_EV_SRSYNREQ, &req, &out);
	for (i = 0; i < 5; i++)
		spm_run(&a, SES_EV_DT, &dt, &out);
	/* a segment that does not end an SSDU is not counted */
	dt.present = SES_P_ENCLOSURE;
	dt.enclosure = SES_ENC_BEGIN;
	spm_run(&a, SES_EV_DT, &dt, &out);
	KUNIT_EXPECT_EQ(test, a.discarded, 5);
	KUNIT_EXPECT_EQ(test, a.state, SES_STA05A);

	spm_run(&b, ses_spm_spdu_event(SES_SPDU_PR), &pr, &out);
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
	KUNIT_CASE(spm_sync_isn_is_agreed_in_cn_and_ac),
	KUNIT_CASE(spm_sync_table_a4),
	KUNIT_CASE(spm_sync_points_walk_both_ends),
	KUNIT_CASE(spm_resync_collisions_resolve_alike),
	KUNIT_CASE(spm_resync_resettles_tokens),
	KUNIT_CASE(spm_resync_counts_discarded_ssdus),
	{}
};

static struct kunit_suite ses_spm_suite = {
	.name = "ses_spm",
	.test_cases = ses_spm_cases,
};

kunit_test_suite(ses_spm_suite);
