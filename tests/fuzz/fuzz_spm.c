// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: the SES protocol machine (net/ses/spm.c) driven by
 * sequences of user requests, transport events and SPDUs decoded from
 * the input, at both ends of a session. The SPDUs each machine asks to
 * send are delivered to the other, so fuzzed inputs explore reachable
 * states, not just the first row of the table.
 *
 * Input: a sequence of records. A record's first octet picks the
 * machine (bit 7) and the event (the rest, modulo SES_EV_NEVENTS); for
 * an SPDU event, the next octet is a length L and the L octets after it
 * are decoded as a TSDU (an undecodable one becomes SES_EV_OTHER_SPDU).
 *
 * Checked: the state stays in range; a rejected request leaves the state
 * as it was; after DISCONNECT or TRANSPORT_LOST the machine is idle; a
 * machine never asks to send AC before it has seen a CN; only user
 * requests are rejected.
 */
#include <assert.h>
#include <stdint.h>
#include <stddef.h>
#include <string.h>

#include "spm.h"

static bool user_event(enum ses_spm_event ev)
{
	return ev <= SES_EV_SRELRSP_REJECT;
}

static void check(const struct ses_spm *m, u8 before, enum ses_spm_event ev,
		  const struct ses_spm_out *out)
{
	assert(m->state < SES_STA_NSTATES);
	/* only available tokens are ever held */
	assert(!(m->tokens_owned & ~m->tokens_avail));
	assert(!(m->tokens_avail & ~SES_TOKENS_ALL));
	if (out->actions & SES_ACT_REJECTED) {
		assert(user_event(ev));
		assert(m->state == before);
		assert(out->error < 0);
	}
	if (out->actions & (SES_ACT_DISCONNECT | SES_ACT_TRANSPORT_LOST))
		assert(m->state == SES_STA01);
	if (out->actions & SES_ACT_SEND_AC)
		assert(before == SES_STA08);
	if (out->actions & SES_ACT_DELIVER)
		assert(m->state == SES_STA713 || m->state == SES_STA03);
}

/* Deliver what @from asked to send to @to, as the SPDU it would be. */
static void relay(const struct ses_spm *from, struct ses_spm *to,
		  const struct ses_spm_out *out)
{
	static const struct {
		u32 act;
		enum ses_spdu_type type;
		enum ses_spm_event ev;
	} map[] = {
		{ SES_ACT_SEND_CN, SES_SPDU_CN, SES_EV_CN },
		{ SES_ACT_SEND_AC, SES_SPDU_AC, SES_EV_AC },
		{ SES_ACT_SEND_RF, SES_SPDU_RF, SES_EV_RF },
		{ SES_ACT_SEND_DT, SES_SPDU_DT, SES_EV_DT },
		{ SES_ACT_SEND_FN, SES_SPDU_FN, SES_EV_FN },
		{ SES_ACT_SEND_DN, SES_SPDU_DN, SES_EV_DN },
		{ SES_ACT_SEND_AB, SES_SPDU_AB, SES_EV_AB },
		{ SES_ACT_SEND_GT, SES_SPDU_GT, SES_EV_GT },
		{ SES_ACT_SEND_PT, SES_SPDU_PT, SES_EV_PT },
		{ SES_ACT_SEND_GTC, SES_SPDU_GTC, SES_EV_GTC },
		{ SES_ACT_SEND_GTA, SES_SPDU_GTA, SES_EV_GTA },
		{ SES_ACT_SEND_NF, SES_SPDU_NF, SES_EV_NF },
	};
	struct ses_spm_out o2;
	struct ses_spdu s;
	unsigned int i;
	u8 before;

	for (i = 0; i < ARRAY_SIZE(map); i++) {
		if (!(out->actions & map[i].act))
			continue;
		if (map[i].type == SES_SPDU_CN)
			ses_spm_fill_cn(from, &s);
		else if (map[i].type == SES_SPDU_AC)
			ses_spm_fill_ac(from, &s);
		else
			memset(&s, 0, sizeof(s));
		s.type = map[i].type;
		if (s.type == SES_SPDU_GT || s.type == SES_SPDU_PT) {
			s.present |= SES_P_TOKEN_ITEM;
			s.token_item = out->tokens;
		}
		before = to->state;
		ses_spm_event(to, map[i].ev, &s, &o2);
		check(to, before, map[i].ev, &o2);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ses_spm m[2];
	struct ses_spm_out out;
	struct ses_tsdu t;
	size_t i = 0;

	struct ses_spdu req;
	u8 b0 = size > 0 ? data[0] : 0, b1 = size > 1 ? data[1] : 0;

	/* the first two octets pick the units and the token setting */
	ses_spm_init(&m[0], true, 0x0002 | (b0 & 1 ? 0x0001 : 0) |
		     (b0 & 2 ? 0x0080 : 0));
	m[0].token_setting = b1;
	ses_spm_init(&m[1], false, 0x0001 | (b0 & 4 ? 0x0002 : 0) |
		     (b0 & 8 ? 0x0080 : 0));
	m[1].token_setting = b0 >> 4;
	i = size > 2 ? 2 : size;
	while (i < size) {
		unsigned int who = data[i] >> 7;
		enum ses_spm_event ev = (data[i] & 0x7f) % SES_EV_NEVENTS;
		const struct ses_spdu *s = NULL;
		u8 before;

		i++;
		if (ev == SES_EV_SGTREQ || ev == SES_EV_SPTREQ ||
		    ev == SES_EV_SRELRSP_REJECT) {
			/* a request with its parameters: the next octet */
			memset(&req, 0, sizeof(req));
			req.type = ev == SES_EV_SGTREQ ? SES_SPDU_GT :
				   ev == SES_EV_SPTREQ ? SES_SPDU_PT :
				   SES_SPDU_NF;
			req.present = SES_P_TOKEN_ITEM;
			req.token_item = i < size ? data[i++] : 0;
			s = &req;
		}
		if (ev >= SES_EV_CN && ev <= SES_EV_OTHER_SPDU &&
		    ev != SES_EV_TDISIND && ev != SES_EV_TIM) {
			size_t len = i < size ? data[i++] : 0;

			if (len > size - i)
				len = size - i;
			if (!ses_tsdu_decode(data + i, len, m[who].fu, &t)) {
				s = &t.spdu[t.n - 1];
				ev = ses_spm_spdu_event(s->type);
			} else {
				ev = SES_EV_OTHER_SPDU;
			}
			i += len;
		}
		before = m[who].state;
		ses_spm_event(&m[who], ev, s, &out);
		check(&m[who], before, ev, &out);
		relay(&m[who], &m[!who], &out);
	}
	return 0;
}
