// SPDX-License-Identifier: GPL-2.0
/*
 * Userspace unit test of the SES wire codec (net/ses/spdu.c), built with
 * ASan and UBSan. Runs the cases shared with the KUnit suite
 * (tests/kunit/spdu_cases.h), one TAP line per malformed input, and a
 * deterministic mutation sweep. Prints TAP 13; exits 1 on any failure.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "spdu.h"

struct tv_ctx {
	u8 *in;
	int failed;
};

static void tv_fail(struct tv_ctx *t, const char *file, int line,
		    const char *what)
{
	printf("# %s:%d: failed: %s\n", file, line, what);
	t->failed++;
}

static void tv_failv(struct tv_ctx *t, const char *file, int line,
		     const char *what, long long a, long long b)
{
	printf("# %s:%d: failed: %s (%lld != %lld)\n", file, line, what,
	       a, b);
	t->failed++;
}

#include "../kunit/spdu_cases.h"

/* xorshift32: deterministic, so a failure reproduces. */
static u32 rng_state = 0x5e55c0de;

static u32 rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 17;
	rng_state ^= rng_state << 5;
	return rng_state;
}

static bool encodable(enum ses_spdu_type type)
{
	switch (type) {
	case SES_SPDU_CN: case SES_SPDU_AC: case SES_SPDU_RF:
	case SES_SPDU_FN: case SES_SPDU_DN: case SES_SPDU_NF:
	case SES_SPDU_AB: case SES_SPDU_AA:
		return true;
	default:
		return false;
	}
}

/*
 * Mutate valid TSDUs (flip, insert, delete, truncate octets): the decoder
 * answers 0 or -EBADMSG and stays inside the buffer (ASan), and whatever
 * category 1 SPDU it accepts re-encodes into something it accepts again.
 */
static void tc_mutations_decode_or_reject(struct tv_ctx *t)
{
	static const char * const seeds[] = {
		"0d 2c 01 04 e5 02 01 02 05 13 13 01 00 15 04 01 00 02 00 16 01 02 17 02 34 30 1a 01 55 14 02 00 02 33 02 00 01 34 02 00 02 c1 03 aa bb cc",
		"0e 0f 05 03 16 01 02 10 01 01 14 02 00 02 c1 01 61",
		"0c 0f 11 01 01 14 02 00 02 16 01 02 32 03 02 6e 6f",
		"19 06 11 01 05 c1 01 01",
		"01 03 10 01 01 01 03 19 01 03 61 62",
		"01 00 1d 0c 21 07 0b 00 2a 03 31 32 33 29 01 07",
		"01 00 35 0b 1b 01 01 2a 03 31 30 30 1a 01 15",
	};
	static u8 work[512];
	struct ses_tsdu first;
	int iter, accepted = 0;

	for (iter = 0; iter < 200000; iter++) {
		int n = tv_hex(seeds[rng() % ARRAY_SIZE(seeds)]);
		int k, edits = 1 + rng() % 4, r;

		memcpy(work, tv_hex_buf, n);
		for (k = 0; k < edits; k++) {
			u32 op = rng() % 4, pos = n ? rng() % n : 0;

			if (op == 0 && n) {
				work[pos] ^= 1u << (rng() % 8);
			} else if (op == 1 && n) {
				work[pos] = (u8)rng();
			} else if (op == 2 && n < (int)sizeof(work)) {
				memmove(work + pos + 1, work + pos, n - pos);
				work[pos] = (u8)rng();
				n++;
			} else if (n) {
				n = pos;
			}
		}
		r = tv_decode_bytes(t, work, n, (u16)(rng() & 0x7fff));
		if (r != 0 && r != -EBADMSG) {
			TV_EQ(t, r, -EBADMSG);
			return;
		}
		if (r)
			continue;
		accepted++;
		TV_TRUE(t, tv_tsdu.n == 1 || tv_tsdu.n == 2);
		first = tv_tsdu;
		if (tv_tsdu.n != 1 || !encodable(first.spdu[0].type))
			continue;
		r = ses_spdu_encode(tv_enc_buf, sizeof(tv_enc_buf),
				    &first.spdu[0]);
		if (r < 2) {
			printf("# encode %s present %#x: %d\n",
			       ses_spdu_name(first.spdu[0].type),
			       first.spdu[0].present, r);
			TV_TRUE(t, r >= 2);
			return;
		}
		TV_EQ(t, tv_decode_bytes(t, tv_enc_buf, r, 0), 0);
		TV_EQ(t, tv_tsdu.spdu[0].type, first.spdu[0].type);
	}
	printf("# %d of 200000 mutated TSDUs accepted\n", accepted);
}

static const struct tv_case unit_only_cases[] = {
	{ tc_mutations_decode_or_reject, "mutations_decode_or_reject",
	  "200000 mutated TSDUs are decoded or rejected, never misread" },
};

static int report(int n, int failed, const char *what, const char *name)
{
	printf("%sok %d - %s%s\n", failed ? "not " : "", n, what, name);
	return failed ? 1 : 0;
}

static int run_case(int n, const struct tv_case *c)
{
	struct tv_ctx t = { 0 };

	c->fn(&t);
	tv_release(t.in);
	return report(n, t.failed, "", c->desc);
}

int main(void)
{
	size_t nc = ARRAY_SIZE(tv_cases), nu = ARRAY_SIZE(unit_only_cases);
	size_t nb = ARRAY_SIZE(tv_bad_inputs), i;
	int n = 0, bad = 0;

	printf("TAP version 13\n1..%zu\n", nc + nu + nb);
	for (i = 0; i < nc; i++)
		bad += run_case(++n, &tv_cases[i]);
	for (i = 0; i < nu; i++)
		bad += run_case(++n, &unit_only_cases[i]);
	for (i = 0; i < nb; i++) {
		const struct tv_bad *v = &tv_bad_inputs[i];
		struct tv_ctx t = { 0 };

		tv_check_bad(&t, v);
		tv_release(t.in);
		bad += report(++n, t.failed,
			      v->layer == TV_COTP ? "COTP decoder rejects " :
			      "TSDU decoder rejects ", v->name);
	}
	printf("# %d passed, %d failed\n", n - bad, bad);
	return bad ? 1 : 0;
}
