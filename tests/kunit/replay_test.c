// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests of the SES recovery arithmetic (net/ses/replay.c: sequence
 * numbers, acknowledgments with partial and repeated ones and across
 * wrap-arounds, duplicates after a resume, back-off) and of the extension
 * codec (net/ses/ext.c). The cases are shared with the userspace unit
 * test (replay_cases.h); both files are compiled into this module.
 */
#include <kunit/test.h>
#include <linux/ses.h>

#include "../../net/ses/replay.c"
#include "../../net/ses/ext.c"

#define CHECK(cond)	KUNIT_EXPECT_TRUE_MSG(((struct kunit *)ctx), cond, "%s", #cond)

#include "replay_cases.h"

#define REPLAY_KUNIT(name)					\
	static void name##_test(struct kunit *test)		\
	{							\
		case_##name(test);				\
	}

REPLAY_KUNIT(seq_compare_wraps)
REPLAY_KUNIT(seq_expand)
REPLAY_KUNIT(ack_partial_and_wrap)
REPLAY_KUNIT(ack_wire_wrap)
REPLAY_KUNIT(rx_duplicates_after_resume)
REPLAY_KUNIT(rx_gap)
REPLAY_KUNIT(resume_tx_window)
REPLAY_KUNIT(ack_due)
REPLAY_KUNIT(backoff)
REPLAY_KUNIT(ext_round_trip)
REPLAY_KUNIT(ext_malformed)
REPLAY_KUNIT(ext_gt_decodes)

/* The offer fits in a CN that libiec61850 accepts (DESIGN.md 2). */
static void offer_keeps_the_cn_small_test(struct kunit *test)
{
	struct ses_ext e = { .kind = SES_EXTK_OFFER };
	u8 buf[64];

	/* PGI 1 header, PI header, value */
	KUNIT_EXPECT_EQ(test, 2 + 2 + ses_ext_encode(buf, sizeof(buf), &e), 38);
	KUNIT_EXPECT_LE(test, SES_EXT_VALUE_MAX, SES_EXT_LEN_MAX);
}

static struct kunit_case ses_replay_cases[] = {
	KUNIT_CASE(seq_compare_wraps_test),
	KUNIT_CASE(seq_expand_test),
	KUNIT_CASE(ack_partial_and_wrap_test),
	KUNIT_CASE(ack_wire_wrap_test),
	KUNIT_CASE(rx_duplicates_after_resume_test),
	KUNIT_CASE(rx_gap_test),
	KUNIT_CASE(resume_tx_window_test),
	KUNIT_CASE(ack_due_test),
	KUNIT_CASE(backoff_test),
	KUNIT_CASE(ext_round_trip_test),
	KUNIT_CASE(ext_malformed_test),
	KUNIT_CASE(ext_gt_decodes_test),
	KUNIT_CASE(offer_keeps_the_cn_small_test),
	{}
};

static struct kunit_suite ses_replay_suite = {
	.name = "ses_replay",
	.test_cases = ses_replay_cases,
};
kunit_test_suite(ses_replay_suite);
