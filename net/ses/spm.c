// SPDX-License-Identifier: GPL-2.0
/*
 * SES session protocol machine: one declarative table, as X.225 Annex A
 * writes it. Each row is (state, event, predicate) -> (actions, next
 * state); the first row whose state, event and predicate match is taken.
 * A (state, event) pair with no row is a protocol error for SPDU events
 * (AB, counted by the caller) and a rejected request for user events.
 *
 * Context: process context, under the owning session's socket lock; the
 * code itself is pure and takes no locks.
 */
#include "spm.h"

#define SES_FU_DIALOG	(0x0001 | 0x0002)	/* half duplex, duplex */
#define SES_STA_ANY	0xff

struct ses_spm_row {
	u8 state;
	u8 event;
	/* true when the row applies; may set out->reason */
	bool (*pred)(struct ses_spm *spm, const struct ses_spdu *spdu,
		     struct ses_spm_out *out);
	/* side effects on @spm beyond the state change */
	void (*act)(struct ses_spm *spm, const struct ses_spdu *spdu);
	u32 actions;
	u8 next;
};

static u16 ses_min_nonzero(u16 a, u16 b)
{
	if (!a)
		return b;
	if (!b)
		return a;
	return min(a, b);
}

/* Pick one dialog unit: duplex when both are allowed. */
static u16 ses_pick_dialog(u16 fu)
{
	if (fu & 0x0002)
		return fu & ~0x0001;
	return fu;
}

/* ---- predicates ---- */

/*
 * CN acceptable? On refusal, out->reason holds the X.225 reason code:
 * no common version (132), wrong called selector (129), no common
 * dialog unit (134).
 */
static bool cn_acceptable(struct ses_spm *spm, const struct ses_spdu *cn,
			  struct ses_spm_out *out)
{
	u8 version = (cn->present & SES_P_VERSION) ? cn->version :
						     SES_VERSION_1;
	u16 sur = (cn->present & SES_P_SUR) ? cn->sur : 0x0001;

	if (!(version & SES_VERSION_2)) {
		out->reason = 132;
		return false;
	}
	if (spm->local_ssel_len &&
	    (cn->called_ssel_len != spm->local_ssel_len ||
	     memcmp(cn->called_ssel, spm->local_ssel, spm->local_ssel_len))) {
		out->reason = 129;
		return false;
	}
	if (!(sur & spm->fu_proposed & SES_FU_SUPPORTED & SES_FU_DIALOG)) {
		out->reason = 134;
		return false;
	}
	return true;
}

static bool cn_refused(struct ses_spm *spm, const struct ses_spdu *cn,
		       struct ses_spm_out *out)
{
	return !cn_acceptable(spm, cn, out);
}

/* AC acceptable to this initiator? */
static bool ac_acceptable(struct ses_spm *spm, const struct ses_spdu *ac,
			  struct ses_spm_out *out)
{
	u16 sur = (ac->present & SES_P_SUR) ? ac->sur : 0x0001;

	if (!(ac->present & SES_P_VERSION) || !(ac->version & SES_VERSION_2))
		return false;
	return sur & spm->fu_proposed & SES_FU_DIALOG;
}

static bool ac_unacceptable(struct ses_spm *spm, const struct ses_spdu *ac,
			    struct ses_spm_out *out)
{
	return !ac_acceptable(spm, ac, out);
}

/* ---- actions on the machine's own variables ---- */

static void take_cn(struct ses_spm *spm, const struct ses_spdu *cn)
{
	u16 sur = (cn->present & SES_P_SUR) ? cn->sur : 0x0001;
	u16 itor = (cn->present & SES_P_TSDU_MAX) ? cn->tsdu_max_itor : 0;
	u16 rtoi = (cn->present & SES_P_TSDU_MAX) ? cn->tsdu_max_rtoi : 0;

	spm->fu = ses_pick_dialog(sur & spm->fu_proposed & SES_FU_SUPPORTED);
	spm->version = 2;
	spm->tsdu_max_recv = ses_min_nonzero(itor, spm->tsdu_max_recv);
	spm->tsdu_max_send = rtoi;
	spm->isn = (cn->present & SES_P_ISN) ? cn->isn : 0;
}

static void take_ac(struct ses_spm *spm, const struct ses_spdu *ac)
{
	u16 sur = (ac->present & SES_P_SUR) ? ac->sur : 0x0001;

	/* The peer may echo every unit proposed: keep the intersection. */
	spm->fu = ses_pick_dialog(sur & spm->fu_proposed & SES_FU_SUPPORTED);
	spm->version = 2;
	if (ac->present & SES_P_TSDU_MAX) {
		spm->tsdu_max_send = ac->tsdu_max_itor;
		spm->tsdu_max_recv = ses_min_nonzero(ac->tsdu_max_rtoi,
						     spm->tsdu_max_recv);
	}
}

static void fn_sent(struct ses_spm *spm, const struct ses_spdu *s)
{
	spm->fn_sent = true;
}

static void fn_received(struct ses_spm *spm, const struct ses_spdu *s)
{
	spm->fn_received = true;
}

static void fn_collision(struct ses_spm *spm, const struct ses_spdu *s)
{
	spm->fn_received = true;
}

#define ERR_AB	(SES_ACT_SEND_AB | SES_ACT_PROTOCOL_ERROR | SES_ACT_START_TIM)

static const struct ses_spm_row ses_spm_table[] = {
	/* establishment, initiator */
	{ SES_STA01C, SES_EV_SCONREQ, NULL, NULL,
	  SES_ACT_SEND_CN, SES_STA02A },
	{ SES_STA02A, SES_EV_AC, ac_acceptable, take_ac,
	  SES_ACT_CONNECT_CNF, SES_STA713 },
	{ SES_STA02A, SES_EV_AC, ac_unacceptable, NULL,
	  ERR_AB, SES_STA16 },
	{ SES_STA02A, SES_EV_RF, NULL, NULL,
	  SES_ACT_REFUSED | SES_ACT_DISCONNECT, SES_STA01 },

	/* establishment, responder */
	{ SES_STA01C, SES_EV_CN, cn_acceptable, take_cn,
	  SES_ACT_CONNECT_IND, SES_STA08 },
	{ SES_STA01C, SES_EV_CN, cn_refused, NULL,
	  SES_ACT_SEND_RF | SES_ACT_START_TIM, SES_STA16 },
	{ SES_STA08, SES_EV_SCONRSP_ACCEPT, NULL, NULL,
	  SES_ACT_SEND_AC, SES_STA713 },
	{ SES_STA08, SES_EV_SCONRSP_REJECT, NULL, NULL,
	  SES_ACT_SEND_RF | SES_ACT_START_TIM, SES_STA16 },

	/* data transfer */
	{ SES_STA713, SES_EV_SDTREQ, NULL, NULL, SES_ACT_SEND_DT, SES_STA713 },
	{ SES_STA713, SES_EV_DT, NULL, NULL, SES_ACT_DELIVER, SES_STA713 },
	/* after FN the peer may still send until it answers with DN */
	{ SES_STA03, SES_EV_DT, NULL, NULL, SES_ACT_DELIVER, SES_STA03 },
	{ SES_STA09, SES_EV_SDTREQ, NULL, NULL, SES_ACT_SEND_DT, SES_STA09 },

	/* orderly release */
	{ SES_STA713, SES_EV_SRELREQ, NULL, fn_sent,
	  SES_ACT_SEND_FN, SES_STA03 },
	{ SES_STA713, SES_EV_FN, NULL, fn_received,
	  SES_ACT_RELEASE_IND, SES_STA09 },
	{ SES_STA09, SES_EV_SRELRSP, NULL, NULL,
	  SES_ACT_SEND_DN | SES_ACT_START_TIM, SES_STA16 },
	{ SES_STA03, SES_EV_DN, NULL, NULL,
	  SES_ACT_RELEASE_CNF | SES_ACT_DISCONNECT, SES_STA01 },
	/* release collision: answer the peer's FN, keep waiting for DN */
	{ SES_STA03, SES_EV_FN, NULL, fn_collision,
	  SES_ACT_RELEASE_IND | SES_ACT_SEND_DN, SES_STA03 },

	/* abort, from any connected state */
	{ SES_STA_ANY, SES_EV_SUABREQ, NULL, NULL,
	  SES_ACT_SEND_AB | SES_ACT_START_TIM, SES_STA16 },
	{ SES_STA16, SES_EV_AB, NULL, NULL, SES_ACT_DISCONNECT, SES_STA01 },
	{ SES_STA_ANY, SES_EV_AB, NULL, NULL,
	  SES_ACT_ABORT_IND | SES_ACT_DISCONNECT, SES_STA01 },
	{ SES_STA16, SES_EV_AA, NULL, NULL, SES_ACT_DISCONNECT, SES_STA01 },
	{ SES_STA16, SES_EV_TIM, NULL, NULL, SES_ACT_DISCONNECT, SES_STA01 },
	{ SES_STA16, SES_EV_TDISIND, NULL, NULL, 0, SES_STA01 },
	/* in STA16 everything else from the peer is discarded */
	{ SES_STA16, SES_EV_DT, NULL, NULL, 0, SES_STA16 },
	{ SES_STA16, SES_EV_FN, NULL, NULL, 0, SES_STA16 },
	{ SES_STA16, SES_EV_DN, NULL, NULL, 0, SES_STA16 },
	{ SES_STA16, SES_EV_OTHER_SPDU, NULL, NULL, 0, SES_STA16 },
	{ SES_STA_ANY, SES_EV_TDISIND, NULL, NULL,
	  SES_ACT_TRANSPORT_LOST, SES_STA01 },
};

static bool ses_spm_is_spdu_event(enum ses_spm_event ev)
{
	return (ev >= SES_EV_CN && ev <= SES_EV_AA) ||
	       ev == SES_EV_OTHER_SPDU;
}

void ses_spm_init(struct ses_spm *spm, bool initiator, u16 fu_proposed)
{
	memset(spm, 0, sizeof(*spm));
	spm->initiator = initiator;
	spm->fu_proposed = fu_proposed;
	/* Called once the transport (TCP and COTP) is connected. */
	spm->state = SES_STA01C;
}

void ses_spm_event(struct ses_spm *spm, enum ses_spm_event ev,
		   const struct ses_spdu *spdu, struct ses_spm_out *out)
{
	const struct ses_spm_row *row;
	unsigned int i;

	memset(out, 0, sizeof(*out));
	for (i = 0; i < ARRAY_SIZE(ses_spm_table); i++) {
		row = &ses_spm_table[i];
		if (row->event != ev)
			continue;
		if (row->state != SES_STA_ANY && row->state != spm->state)
			continue;
		if (row->state == SES_STA_ANY &&
		    (spm->state == SES_STA01 || spm->state == SES_STA16))
			continue;
		if (row->pred && !row->pred(spm, spdu, out))
			continue;
		if (row->act)
			row->act(spm, spdu);
		out->actions = row->actions;
		if (out->actions & SES_ACT_SEND_AB)
			out->abort_td = SES_TD_RELEASED |
					SES_TD_PROTOCOL_ERROR;
		spm->state = row->next;
		return;
	}

	if (ses_spm_is_spdu_event(ev) && spm->state != SES_STA01) {
		/* An SPDU this state does not allow: protocol error. */
		out->actions = ERR_AB;
		out->abort_td = SES_TD_RELEASED | SES_TD_PROTOCOL_ERROR;
		spm->state = SES_STA16;
		return;
	}
	if (ev == SES_EV_TDISIND || ev == SES_EV_TIM ||
	    ses_spm_is_spdu_event(ev))
		return;		/* nothing to do in this state (STA01) */
	out->actions = SES_ACT_REJECTED;
	out->error = -ENOTCONN;
	if (ev == SES_EV_SDTREQ && (spm->fn_sent || spm->state == SES_STA16))
		out->error = -EPIPE;
}

enum ses_spm_event ses_spm_spdu_event(enum ses_spdu_type type)
{
	switch (type) {
	case SES_SPDU_CN: return SES_EV_CN;
	case SES_SPDU_AC: return SES_EV_AC;
	case SES_SPDU_RF: return SES_EV_RF;
	case SES_SPDU_DT: return SES_EV_DT;
	case SES_SPDU_FN: return SES_EV_FN;
	case SES_SPDU_DN: return SES_EV_DN;
	case SES_SPDU_AB: return SES_EV_AB;
	case SES_SPDU_AA: return SES_EV_AA;
	default: return SES_EV_OTHER_SPDU;
	}
}

void ses_spm_fill_cn(const struct ses_spm *spm, struct ses_spdu *cn)
{
	memset(cn, 0, sizeof(*cn));
	cn->type = SES_SPDU_CN;
	cn->present = SES_P_PROTOCOL_OPTIONS | SES_P_VERSION | SES_P_SUR;
	cn->version = SES_VERSION_2;
	cn->sur = spm->fu_proposed;
	if (spm->tsdu_max_recv) {
		cn->present |= SES_P_TSDU_MAX;
		cn->tsdu_max_rtoi = spm->tsdu_max_recv;
	}
}

void ses_spm_fill_ac(const struct ses_spm *spm, struct ses_spdu *ac)
{
	memset(ac, 0, sizeof(*ac));
	ac->type = SES_SPDU_AC;
	ac->present = SES_P_PROTOCOL_OPTIONS | SES_P_VERSION | SES_P_SUR;
	ac->version = SES_VERSION_2;
	ac->sur = spm->fu;
	if (spm->tsdu_max_recv || spm->tsdu_max_send) {
		ac->present |= SES_P_TSDU_MAX;
		ac->tsdu_max_itor = spm->tsdu_max_recv;
		ac->tsdu_max_rtoi = spm->tsdu_max_send;
	}
}

const char *ses_spm_state_name(u8 state)
{
	static const char * const names[SES_STA_NSTATES] = {
		[SES_STA01] = "STA01", [SES_STA01C] = "STA01C",
		[SES_STA02A] = "STA02A", [SES_STA03] = "STA03",
		[SES_STA08] = "STA08", [SES_STA09] = "STA09",
		[SES_STA16] = "STA16", [SES_STA713] = "STA713",
	};

	return state < SES_STA_NSTATES ? names[state] : "?";
}
