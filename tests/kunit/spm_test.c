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
	{}
};

static struct kunit_suite ses_spm_suite = {
	.name = "ses_spm",
	.test_cases = ses_spm_cases,
};

kunit_test_suite(ses_spm_suite);
