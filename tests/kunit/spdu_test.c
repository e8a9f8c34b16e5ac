// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite "ses_spdu": the SES wire codec (TPKT, COTP class 0, X.225
 * SPDUs). spdu.c is compiled into this test module directly, so the
 * suite needs neither ses.ko nor its exports and does not depend on the
 * main module's init. The cases live in spdu_cases.h, shared with the
 * userspace unit test (tests/unit).
 */
#include <kunit/test.h>
#include <linux/module.h>

#include "../../net/ses/spdu.c"

struct tv_ctx {
	struct kunit *test;
	u8 *in;
};

static void tv_fail(struct tv_ctx *t, const char *file, int line,
		    const char *what)
{
	KUNIT_FAIL(t->test, "%s:%d: %s", file, line, what);
}

static void tv_failv(struct tv_ctx *t, const char *file, int line,
		     const char *what, long long a, long long b)
{
	KUNIT_FAIL(t->test, "%s:%d: %s (%lld != %lld)", file, line, what,
		   a, b);
}

#include "spdu_cases.h"

static void spdu_run(struct kunit *test, void (*fn)(struct tv_ctx *t))
{
	struct tv_ctx t = { .test = test };

	fn(&t);
	tv_release(t.in);
}

#define SPDU_KUNIT(name)					\
static void name(struct kunit *test)				\
{								\
	spdu_run(test, tc_##name);				\
}

SPDU_KUNIT(tpkt_gives_its_length)
SPDU_KUNIT(tpkt_short_header_waits)
SPDU_KUNIT(tpkt_wrong_version_rejected)
SPDU_KUNIT(tpkt_short_length_rejected)
SPDU_KUNIT(cotp_cr_round_trips)
SPDU_KUNIT(cotp_cr_without_size_round_trips)
SPDU_KUNIT(cotp_cc_round_trips)
SPDU_KUNIT(cotp_dr_round_trips)
SPDU_KUNIT(cotp_cr_skips_tsaps_and_unknown)
SPDU_KUNIT(cotp_er_decodes)
SPDU_KUNIT(cotp_encoders_check_space_and_size)
SPDU_KUNIT(dt_tpdu_header_frames_payload)
SPDU_KUNIT(malformed_cotp_rejected)
SPDU_KUNIT(cn_with_version_only_round_trips)
SPDU_KUNIT(cn_with_selectors_round_trips)
SPDU_KUNIT(cn_with_every_parameter_round_trips)
SPDU_KUNIT(cn_encodes_in_x225_order)
SPDU_KUNIT(isn_encodes_without_leading_zeros)
SPDU_KUNIT(cn_with_long_user_data_uses_3_octet_li)
SPDU_KUNIT(li_254_is_short_and_255_is_long)
SPDU_KUNIT(ac_with_token_item_round_trips)
SPDU_KUNIT(ac_encodes_token_item_before_requirements)
SPDU_KUNIT(rf_with_reason_and_user_data_round_trips)
SPDU_KUNIT(rf_with_reason_only_round_trips)
SPDU_KUNIT(fn_round_trips)
SPDU_KUNIT(dn_round_trips)
SPDU_KUNIT(nf_round_trips)
SPDU_KUNIT(ab_round_trips)
SPDU_KUNIT(aa_encodes_as_two_octets)
SPDU_KUNIT(encoder_reports_enospc)
SPDU_KUNIT(encoder_rejects_bad_values)
SPDU_KUNIT(token_spdus_encode_and_round_trip)
SPDU_KUNIT(encoder_skips_absent_parameters)
SPDU_KUNIT(dt_prefix_without_enclosure)
SPDU_KUNIT(dt_prefix_with_enclosure)
SPDU_KUNIT(gt_dt_decodes_as_two_spdus)
SPDU_KUNIT(gt_and_pt_alone_decode)
SPDU_KUNIT(category_2_spdus_decode_after_gt)
SPDU_KUNIT(activity_fu_turns_map_into_ae)
SPDU_KUNIT(other_category_1_spdus_decode)
SPDU_KUNIT(unknown_parameters_are_skipped)
SPDU_KUNIT(extended_user_data_pgi_is_user_data)
SPDU_KUNIT(long_form_li_for_short_lengths_decodes)
SPDU_KUNIT(serial_numbers_with_leading_zeros_decode)
SPDU_KUNIT(spdu_names_are_short)
SPDU_KUNIT(li_past_end_rejected)
SPDU_KUNIT(li_ff_with_short_length_rejected)
SPDU_KUNIT(truncated_parameter_rejected)
SPDU_KUNIT(pi_overrunning_its_pgi_rejected)
SPDU_KUNIT(unknown_si_rejected)
SPDU_KUNIT(trailing_octets_rejected)
SPDU_KUNIT(ssel_longer_than_16_rejected)
SPDU_KUNIT(bad_serial_digits_rejected)
SPDU_KUNIT(duplicate_parameters_rejected)
SPDU_KUNIT(wrong_fixed_lengths_rejected)
SPDU_KUNIT(oversized_extension_rejected)
SPDU_KUNIT(every_truncation_stays_in_bounds)

static void every_shared_case_is_registered(struct kunit *test);

static struct kunit_case ses_spdu_cases[] = {
	KUNIT_CASE(tpkt_gives_its_length),
	KUNIT_CASE(tpkt_short_header_waits),
	KUNIT_CASE(tpkt_wrong_version_rejected),
	KUNIT_CASE(tpkt_short_length_rejected),
	KUNIT_CASE(cotp_cr_round_trips),
	KUNIT_CASE(cotp_cr_without_size_round_trips),
	KUNIT_CASE(cotp_cc_round_trips),
	KUNIT_CASE(cotp_dr_round_trips),
	KUNIT_CASE(cotp_cr_skips_tsaps_and_unknown),
	KUNIT_CASE(cotp_er_decodes),
	KUNIT_CASE(cotp_encoders_check_space_and_size),
	KUNIT_CASE(dt_tpdu_header_frames_payload),
	KUNIT_CASE(malformed_cotp_rejected),
	KUNIT_CASE(cn_with_version_only_round_trips),
	KUNIT_CASE(cn_with_selectors_round_trips),
	KUNIT_CASE(cn_with_every_parameter_round_trips),
	KUNIT_CASE(cn_encodes_in_x225_order),
	KUNIT_CASE(isn_encodes_without_leading_zeros),
	KUNIT_CASE(cn_with_long_user_data_uses_3_octet_li),
	KUNIT_CASE(li_254_is_short_and_255_is_long),
	KUNIT_CASE(ac_with_token_item_round_trips),
	KUNIT_CASE(ac_encodes_token_item_before_requirements),
	KUNIT_CASE(rf_with_reason_and_user_data_round_trips),
	KUNIT_CASE(rf_with_reason_only_round_trips),
	KUNIT_CASE(fn_round_trips),
	KUNIT_CASE(dn_round_trips),
	KUNIT_CASE(nf_round_trips),
	KUNIT_CASE(ab_round_trips),
	KUNIT_CASE(aa_encodes_as_two_octets),
	KUNIT_CASE(encoder_reports_enospc),
	KUNIT_CASE(encoder_rejects_bad_values),
	KUNIT_CASE(token_spdus_encode_and_round_trip),
	KUNIT_CASE(encoder_skips_absent_parameters),
	KUNIT_CASE(dt_prefix_without_enclosure),
	KUNIT_CASE(dt_prefix_with_enclosure),
	KUNIT_CASE(gt_dt_decodes_as_two_spdus),
	KUNIT_CASE(gt_and_pt_alone_decode),
	KUNIT_CASE(category_2_spdus_decode_after_gt),
	KUNIT_CASE(activity_fu_turns_map_into_ae),
	KUNIT_CASE(other_category_1_spdus_decode),
	KUNIT_CASE(unknown_parameters_are_skipped),
	KUNIT_CASE(extended_user_data_pgi_is_user_data),
	KUNIT_CASE(long_form_li_for_short_lengths_decodes),
	KUNIT_CASE(serial_numbers_with_leading_zeros_decode),
	KUNIT_CASE(spdu_names_are_short),
	KUNIT_CASE(li_past_end_rejected),
	KUNIT_CASE(li_ff_with_short_length_rejected),
	KUNIT_CASE(truncated_parameter_rejected),
	KUNIT_CASE(pi_overrunning_its_pgi_rejected),
	KUNIT_CASE(unknown_si_rejected),
	KUNIT_CASE(trailing_octets_rejected),
	KUNIT_CASE(ssel_longer_than_16_rejected),
	KUNIT_CASE(bad_serial_digits_rejected),
	KUNIT_CASE(duplicate_parameters_rejected),
	KUNIT_CASE(wrong_fixed_lengths_rejected),
	KUNIT_CASE(oversized_extension_rejected),
	KUNIT_CASE(every_truncation_stays_in_bounds),
	KUNIT_CASE(every_shared_case_is_registered),
	{}
};

/* spdu_cases.h and the list above must not drift apart. */
static void every_shared_case_is_registered(struct kunit *test)
{
	size_t i, j, n = ARRAY_SIZE(ses_spdu_cases) - 2;

	KUNIT_EXPECT_EQ(test, n, ARRAY_SIZE(tv_cases));
	for (i = 0; i < ARRAY_SIZE(tv_cases); i++) {
		bool found = false;

		for (j = 0; j < n; j++)
			if (!strcmp(ses_spdu_cases[j].name, tv_cases[i].name))
				found = true;
		KUNIT_EXPECT_TRUE_MSG(test, found, "%s not registered",
				      tv_cases[i].name);
	}
}

static struct kunit_suite ses_spdu_suite = {
	.name = "ses_spdu",
	.test_cases = ses_spdu_cases,
};
kunit_test_suite(ses_spdu_suite);

MODULE_DESCRIPTION("KUnit tests for the SES wire codec");
MODULE_LICENSE("GPL");
