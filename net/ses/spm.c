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

#define FU_HALF_DUPLEX	0x0001
#define FU_MINOR_SYNC	0x0008
#define FU_MAJOR_SYNC	0x0010
#define FU_ACTIVITY	0x0040
#define FU_NEG_RELEASE	0x0080
#define FU_SYMMETRIC	0x0800

u8 ses_spm_tokens_for(u16 fu)
{
	u8 t = 0;

	if (fu & FU_HALF_DUPLEX)
		t |= SES_TOKEN_DATA;
	if ((fu & FU_MINOR_SYNC) && !(fu & FU_SYMMETRIC))
		t |= SES_TOKEN_MINOR;
	if (fu & (FU_MAJOR_SYNC | FU_ACTIVITY))
		t |= SES_TOKEN_MAJOR;
	if (fu & FU_NEG_RELEASE)
		t |= SES_TOKEN_RELEASE;
	return t;
}

/* Token Item bit -> shift of its two-bit field in the Token Setting. */
static const struct {
	u8 token;
	u8 shift;
} ses_tsi_fields[] = {
	{ SES_TOKEN_DATA, 0 }, { SES_TOKEN_MINOR, 2 },
	{ SES_TOKEN_MAJOR, 4 }, { SES_TOKEN_RELEASE, 6 },
};

static u8 tsi_get(u8 setting, unsigned int i)
{
	return (setting >> ses_tsi_fields[i].shift) & 3;
}

/* The tokens @peer_owned names are all available and all the peer's. */
static bool peer_holds(const struct ses_spm *spm, u8 tokens)
{
	return !(tokens & ~spm->tokens_avail) && !(tokens & spm->tokens_owned);
}

/* This end holds every available token (S-RELEASE, S-CONTROL-GIVE). */
static bool holds_all(const struct ses_spm *spm)
{
	return spm->tokens_owned == spm->tokens_avail;
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
	unsigned int i;

	spm->fu = ses_pick_dialog(sur & spm->fu_proposed & SES_FU_SUPPORTED);
	spm->version = 2;
	spm->tsdu_max_recv = ses_min_nonzero(itor, spm->tsdu_max_recv);
	spm->tsdu_max_send = rtoi;
	spm->isn = (cn->present & SES_P_ISN) ? cn->isn : 0;

	/*
	 * Initial tokens: where the CN puts each (absent: the initiator's
	 * side); where it leaves the choice to the called user, this end's
	 * own setting decides, and the AC says what was chosen.
	 */
	spm->tokens_avail = ses_spm_tokens_for(spm->fu);
	spm->tokens_owned = 0;
	spm->ac_token_setting = 0;
	spm->ac_has_setting = false;
	for (i = 0; i < ARRAY_SIZE(ses_tsi_fields); i++) {
		u8 tok = ses_tsi_fields[i].token, v = SES_TSI_INITIATOR;

		if (!(spm->tokens_avail & tok))
			continue;
		if (cn->present & SES_P_TOKEN_SETTING)
			v = tsi_get(cn->token_setting, i);
		if (v == SES_TSI_CALLED_CHOICE) {
			spm->ac_has_setting = true;
			v = tsi_get(spm->token_setting, i) == SES_TSI_RESPONDER ?
			    SES_TSI_RESPONDER : SES_TSI_INITIATOR;
		}
		if (v == SES_TSI_RESPONDER)
			spm->tokens_owned |= tok;
		spm->ac_token_setting |= v << ses_tsi_fields[i].shift;
	}
}

static void take_ac(struct ses_spm *spm, const struct ses_spdu *ac)
{
	u16 sur = (ac->present & SES_P_SUR) ? ac->sur : 0x0001;
	unsigned int i;

	/* The peer may echo every unit proposed: keep the intersection. */
	spm->fu = ses_pick_dialog(sur & spm->fu_proposed & SES_FU_SUPPORTED);
	spm->version = 2;
	if (ac->present & SES_P_TSDU_MAX) {
		spm->tsdu_max_send = ac->tsdu_max_itor;
		spm->tsdu_max_recv = ses_min_nonzero(ac->tsdu_max_rtoi,
						     spm->tsdu_max_recv);
	}

	/* Initial tokens: as proposed, or as the AC says where we let it. */
	spm->tokens_avail = ses_spm_tokens_for(spm->fu);
	spm->tokens_owned = 0;
	for (i = 0; i < ARRAY_SIZE(ses_tsi_fields); i++) {
		u8 tok = ses_tsi_fields[i].token;
		u8 v = tsi_get(spm->token_setting, i);

		if (!(spm->tokens_avail & tok))
			continue;
		if (v == SES_TSI_CALLED_CHOICE)
			v = (ac->present & SES_P_TOKEN_SETTING) ?
			    tsi_get(ac->token_setting, i) : SES_TSI_INITIATOR;
		if (v != SES_TSI_RESPONDER)
			spm->tokens_owned |= tok;
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

static void nf_sent(struct ses_spm *spm, const struct ses_spdu *s)
{
	spm->fn_received = false;
}

static void nf_received(struct ses_spm *spm, const struct ses_spdu *s)
{
	spm->fn_sent = false;
}

static void fn_collision(struct ses_spm *spm, const struct ses_spdu *s)
{
	spm->fn_received = true;
}

/* ---- tokens (X.225 5.6, Annex A) ---- */

/* The request's tokens: a valid set of available tokens, or why not. */
static int token_request_error(const struct ses_spm *spm,
			       const struct ses_spdu *req)
{
	u8 t = req ? req->token_item : 0;

	if (!t || (t & ~SES_TOKENS_ALL))
		return -EINVAL;
	if (t & ~spm->tokens_avail)
		return -EOPNOTSUPP;
	return 0;
}

static bool give_ok(struct ses_spm *spm, const struct ses_spdu *req,
		    struct ses_spm_out *out)
{
	out->error = token_request_error(spm, req);
	if (!out->error && (req->token_item & ~spm->tokens_owned))
		out->error = -EPERM;	/* giving a token not held */
	if (!out->error)
		out->tokens = req->token_item;
	return !out->error;
}

static bool give_refused(struct ses_spm *spm, const struct ses_spdu *req,
			 struct ses_spm_out *out)
{
	return !give_ok(spm, req, out);
}

static bool please_ok(struct ses_spm *spm, const struct ses_spdu *req,
		      struct ses_spm_out *out)
{
	out->error = token_request_error(spm, req);
	if (!out->error && (req->token_item & spm->tokens_owned))
		out->error = -EALREADY;	/* asking for a token held */
	if (!out->error)
		out->tokens = req->token_item;
	return !out->error;
}

static bool please_refused(struct ses_spm *spm, const struct ses_spdu *req,
			   struct ses_spm_out *out)
{
	return !please_ok(spm, req, out);
}

static void tokens_given(struct ses_spm *spm, const struct ses_spdu *req)
{
	spm->tokens_owned &= ~req->token_item;
}

/* S-CONTROL-GIVE: activity management, and every token held. */
static bool control_give_ok(struct ses_spm *spm, const struct ses_spdu *s,
			    struct ses_spm_out *out)
{
	if (!(spm->fu & FU_ACTIVITY))
		out->error = -EOPNOTSUPP;
	else if (!holds_all(spm) || spm->gtc_sent)
		out->error = -EPERM;
	return !out->error;
}

static bool control_give_refused(struct ses_spm *spm,
				 const struct ses_spdu *s,
				 struct ses_spm_out *out)
{
	return !control_give_ok(spm, s, out);
}

static void control_given(struct ses_spm *spm, const struct ses_spdu *s)
{
	spm->tokens_owned = 0;
	spm->gtc_sent = true;
}

/* S-DATA: the data token, when it exists, must be held. */
static bool data_ok(struct ses_spm *spm, const struct ses_spdu *s,
		    struct ses_spm_out *out)
{
	if (!(spm->tokens_avail & SES_TOKEN_DATA) ||
	    (spm->tokens_owned & SES_TOKEN_DATA))
		return true;
	out->error = -EPERM;
	return false;
}

static bool data_refused(struct ses_spm *spm, const struct ses_spdu *s,
			 struct ses_spm_out *out)
{
	return !data_ok(spm, s, out);
}

/* DT from the peer: it must hold the data token, when it exists. */
static bool peer_may_send(struct ses_spm *spm, const struct ses_spdu *s,
			  struct ses_spm_out *out)
{
	return peer_holds(spm, spm->tokens_avail & SES_TOKEN_DATA);
}

/* S-RELEASE: only with every available token (X.215 table 8). */
static bool release_ok(struct ses_spm *spm, const struct ses_spdu *s,
		       struct ses_spm_out *out)
{
	if (holds_all(spm) && !spm->gtc_sent)
		return true;
	out->error = -EPERM;
	return false;
}

static bool release_refused(struct ses_spm *spm, const struct ses_spdu *s,
			    struct ses_spm_out *out)
{
	return !release_ok(spm, s, out);
}

/* FN from the peer: it must hold every available token. */
static bool peer_may_release(struct ses_spm *spm, const struct ses_spdu *s,
			     struct ses_spm_out *out)
{
	return !spm->tokens_owned;
}

/* FN crossing ours: possible only where no token exists. */
static bool no_tokens(struct ses_spm *spm, const struct ses_spdu *s,
		      struct ses_spm_out *out)
{
	return !spm->tokens_avail;
}

/* NF: negotiated release only. */
static bool nf_allowed(struct ses_spm *spm, const struct ses_spdu *s,
		       struct ses_spm_out *out)
{
	if (spm->fu & FU_NEG_RELEASE)
		return true;
	out->error = -EOPNOTSUPP;
	return false;
}

static bool nf_refused(struct ses_spm *spm, const struct ses_spdu *s,
		       struct ses_spm_out *out)
{
	return !nf_allowed(spm, s, out);
}

/*
 * GT from the peer: at least one token, all of them its own. (A GT
 * without tokens in front of a DT is the data prefix and never comes
 * here; alone it means nothing and is a violation.)
 */
static bool gt_valid(struct ses_spm *spm, const struct ses_spdu *gt,
		     struct ses_spm_out *out)
{
	u8 t = (gt->present & SES_P_TOKEN_ITEM) ? gt->token_item : 0;

	if (!t || t & ~SES_TOKENS_ALL || !peer_holds(spm, t))
		return false;
	out->tokens = t;
	return true;
}

static void gt_take(struct ses_spm *spm, const struct ses_spdu *gt)
{
	spm->tokens_owned |= gt->token_item;
}

/* PT from the peer: at least one token, all available. */
static bool pt_valid(struct ses_spm *spm, const struct ses_spdu *pt,
		     struct ses_spm_out *out)
{
	u8 t = (pt->present & SES_P_TOKEN_ITEM) ? pt->token_item : 0;

	if (!t || (t & ~spm->tokens_avail))
		return false;
	out->tokens = t;
	return true;
}

/* GTC from the peer: activity management, and it held every token. */
static bool gtc_valid(struct ses_spm *spm, const struct ses_spdu *s,
		      struct ses_spm_out *out)
{
	if (!(spm->fu & FU_ACTIVITY) || spm->tokens_owned)
		return false;
	out->tokens = spm->tokens_avail;
	return true;
}

static void gtc_take(struct ses_spm *spm, const struct ses_spdu *s)
{
	spm->tokens_owned = spm->tokens_avail;
}

static bool gta_expected(struct ses_spm *spm, const struct ses_spdu *s,
			 struct ses_spm_out *out)
{
	return spm->gtc_sent;
}

static void gta_take(struct ses_spm *spm, const struct ses_spdu *s)
{
	spm->gtc_sent = false;
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

	/* data transfer; with half duplex, only the data token's holder */
	{ SES_STA713, SES_EV_SDTREQ, data_ok, NULL,
	  SES_ACT_SEND_DT, SES_STA713 },
	{ SES_STA713, SES_EV_SDTREQ, data_refused, NULL,
	  SES_ACT_REJECTED, SES_STA713 },
	{ SES_STA713, SES_EV_DT, peer_may_send, NULL,
	  SES_ACT_DELIVER, SES_STA713 },
	/* after FN the peer may still send until it answers with DN */
	{ SES_STA03, SES_EV_DT, peer_may_send, NULL,
	  SES_ACT_DELIVER, SES_STA03 },
	{ SES_STA09, SES_EV_SDTREQ, data_ok, NULL,
	  SES_ACT_SEND_DT, SES_STA09 },
	{ SES_STA09, SES_EV_SDTREQ, data_refused, NULL,
	  SES_ACT_REJECTED, SES_STA09 },

	/* token management */
	{ SES_STA713, SES_EV_SGTREQ, give_ok, tokens_given,
	  SES_ACT_SEND_GT, SES_STA713 },
	{ SES_STA713, SES_EV_SGTREQ, give_refused, NULL,
	  SES_ACT_REJECTED, SES_STA713 },
	{ SES_STA713, SES_EV_SPTREQ, please_ok, NULL,
	  SES_ACT_SEND_PT, SES_STA713 },
	{ SES_STA713, SES_EV_SPTREQ, please_refused, NULL,
	  SES_ACT_REJECTED, SES_STA713 },
	{ SES_STA713, SES_EV_SCGREQ, control_give_ok, control_given,
	  SES_ACT_SEND_GTC, SES_STA713 },
	{ SES_STA713, SES_EV_SCGREQ, control_give_refused, NULL,
	  SES_ACT_REJECTED, SES_STA713 },
	{ SES_STA713, SES_EV_GT, gt_valid, gt_take,
	  SES_ACT_TOKEN_GIVE_IND, SES_STA713 },
	{ SES_STA713, SES_EV_PT, pt_valid, NULL,
	  SES_ACT_TOKEN_PLEASE_IND, SES_STA713 },
	{ SES_STA713, SES_EV_GTC, gtc_valid, gtc_take,
	  SES_ACT_CONTROL_GIVE_IND | SES_ACT_SEND_GTA, SES_STA713 },
	{ SES_STA713, SES_EV_GTA, gta_expected, gta_take, 0, SES_STA713 },
	/* a PT that crossed our FN: nothing to give any more */
	{ SES_STA03, SES_EV_PT, pt_valid, NULL, 0, SES_STA03 },

	/* orderly release: with every available token */
	{ SES_STA713, SES_EV_SRELREQ, release_ok, fn_sent,
	  SES_ACT_SEND_FN, SES_STA03 },
	{ SES_STA713, SES_EV_SRELREQ, release_refused, NULL,
	  SES_ACT_REJECTED, SES_STA713 },
	{ SES_STA713, SES_EV_FN, peer_may_release, fn_received,
	  SES_ACT_RELEASE_IND, SES_STA09 },
	{ SES_STA09, SES_EV_SRELRSP, NULL, NULL,
	  SES_ACT_SEND_DN | SES_ACT_START_TIM, SES_STA16 },
	/* negotiated release: the FN may be refused, the session goes on */
	{ SES_STA09, SES_EV_SRELRSP_REJECT, nf_allowed, nf_sent,
	  SES_ACT_SEND_NF, SES_STA713 },
	{ SES_STA09, SES_EV_SRELRSP_REJECT, nf_refused, NULL,
	  SES_ACT_REJECTED, SES_STA09 },
	{ SES_STA03, SES_EV_NF, nf_allowed, nf_received,
	  SES_ACT_RELEASE_REFUSED, SES_STA713 },
	{ SES_STA03, SES_EV_DN, NULL, NULL,
	  SES_ACT_RELEASE_CNF | SES_ACT_DISCONNECT, SES_STA01 },
	/* release collision: answer the peer's FN, keep waiting for DN */
	{ SES_STA03, SES_EV_FN, no_tokens, fn_collision,
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
	{ SES_STA16, SES_EV_GT, NULL, NULL, 0, SES_STA16 },
	{ SES_STA16, SES_EV_PT, NULL, NULL, 0, SES_STA16 },
	{ SES_STA16, SES_EV_GTC, NULL, NULL, 0, SES_STA16 },
	{ SES_STA16, SES_EV_GTA, NULL, NULL, 0, SES_STA16 },
	{ SES_STA16, SES_EV_NF, NULL, NULL, 0, SES_STA16 },
	{ SES_STA16, SES_EV_OTHER_SPDU, NULL, NULL, 0, SES_STA16 },
	{ SES_STA_ANY, SES_EV_TDISIND, NULL, NULL,
	  SES_ACT_TRANSPORT_LOST, SES_STA01 },
};

static bool ses_spm_is_spdu_event(enum ses_spm_event ev)
{
	return (ev >= SES_EV_CN && ev <= SES_EV_NF) ||
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
	case SES_SPDU_GT: return SES_EV_GT;
	case SES_SPDU_PT: return SES_EV_PT;
	case SES_SPDU_GTC: return SES_EV_GTC;
	case SES_SPDU_GTA: return SES_EV_GTA;
	case SES_SPDU_NF: return SES_EV_NF;
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
	if (ses_spm_tokens_for(spm->fu_proposed)) {
		cn->present |= SES_P_TOKEN_SETTING;
		cn->token_setting = spm->token_setting;
	}
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
	if (spm->ac_has_setting) {
		ac->present |= SES_P_TOKEN_SETTING;
		ac->token_setting = spm->ac_token_setting;
	}
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
