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

/* X.225 Table A-4, SCONrsp and AC: V(A) = V(M) = ISN, V(R) = 0. */
static void serials_init(struct ses_spm *spm)
{
	spm->va = spm->isn;
	spm->vm = spm->isn;
	spm->vr = 0;
	spm->vsc = false;
	spm->last_placed = 0;
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
	serials_init(spm);

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

	if (ac->present & SES_P_ISN)
		spm->isn = ac->isn;
	serials_init(spm);

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

/* ---- synchronisation points (X.225 Table A-4) ---- */

#define FU_RESYNC	0x0020

/* Each *_ok predicate has a *_refused twin for the row that rejects. */
#define REFUSED(ok)							\
static bool ok##_refused(struct ses_spm *spm, const struct ses_spdu *s,	\
			 struct ses_spm_out *out)			\
{									\
	return !(ok)(spm, s, out);					\
}

static u32 req_serial(const struct ses_spdu *s)
{
	return s && (s->present & SES_P_SERIAL) ? s->serial : 0;
}

static void out_sync(struct ses_spm_out *out, enum ses_spdu_type type,
		     u32 serial)
{
	out->send.type = type;
	out->send.present |= SES_P_SERIAL;
	out->send.serial = serial;
}

/*
 * S-SYNC-MINOR and S-SYNC-MAJOR requests: the unit, the tokens (X.215
 * table 8: minor needs the minor and data tokens, major the major,
 * minor and data tokens, each where available) and a serial number
 * left to number the point with.
 */
static int place_error(const struct ses_spm *spm, u16 unit, u8 tokens)
{
	if (!(spm->fu & unit))
		return -EOPNOTSUPP;
	if (tokens & spm->tokens_avail & ~spm->tokens_owned)
		return -EPERM;
	if (spm->vm > SES_SERIAL_MAX)
		return -ERANGE;
	return 0;
}

static bool minor_ok(struct ses_spm *spm, const struct ses_spdu *req,
		     struct ses_spm_out *out)
{
	out->error = place_error(spm, FU_MINOR_SYNC,
				 SES_TOKEN_MINOR | SES_TOKEN_DATA);
	if (out->error)
		return false;
	out_sync(out, SES_SPDU_MIP, spm->vm);
	if (req && (req->present & SES_P_SYNC_TYPE)) {
		out->send.present |= SES_P_SYNC_TYPE;
		out->send.sync_type = req->sync_type;
	}
	return true;
}

REFUSED(minor_ok)

static bool major_ok(struct ses_spm *spm, const struct ses_spdu *req,
		     struct ses_spm_out *out)
{
	out->error = place_error(spm, FU_MAJOR_SYNC, SES_TOKEN_MAJOR |
				 SES_TOKEN_MINOR | SES_TOKEN_DATA);
	if (out->error)
		return false;
	out_sync(out, SES_SPDU_MAP, spm->vm);
	return true;
}

REFUSED(major_ok)

/* SSYNMreq, SSYNMJreq: if Vsc, V(A) := V(M), Vsc := false; V(M)++. */
static void point_placed(struct ses_spm *spm, const struct ses_spdu *s)
{
	if (spm->vsc) {
		spm->va = spm->vm;
		spm->vsc = false;
	}
	spm->last_placed = spm->vm++;
}

/* S-SYNC-MINOR response: Vsc and V(A) <= sn < V(M). */
static bool minor_rsp_ok(struct ses_spm *spm, const struct ses_spdu *req,
			 struct ses_spm_out *out)
{
	u32 sn = req_serial(req);

	if (!(spm->fu & FU_MINOR_SYNC))
		out->error = -EOPNOTSUPP;
	else if (!spm->vsc || sn < spm->va || sn >= spm->vm)
		out->error = -EINVAL;
	if (out->error)
		return false;
	out_sync(out, SES_SPDU_MIA, sn);
	return true;
}

REFUSED(minor_rsp_ok)

/* MIA sent or received: V(A) := sn + 1. */
static void minor_confirmed(struct ses_spm *spm, const struct ses_spdu *s)
{
	spm->va = s->serial + 1;
}

/* S-SYNC-MAJOR response: sn = V(M) - 1, the point indicated. */
static bool major_rsp_ok(struct ses_spm *spm, const struct ses_spdu *req,
			 struct ses_spm_out *out)
{
	if (req_serial(req) + 1 != spm->vm) {
		out->error = -EINVAL;
		return false;
	}
	out_sync(out, SES_SPDU_MAA, spm->vm - 1);
	return true;
}

REFUSED(major_rsp_ok)

/* MAA sent or received: V(A) := V(M), V(R) := V(M). */
static void major_confirmed(struct ses_spm *spm, const struct ses_spdu *s)
{
	spm->va = spm->vm;
	spm->vr = spm->vm;
}

/* MIP or MAP from the peer: the unit, its tokens, sn = V(M). */
static bool peer_point_valid(struct ses_spm *spm, const struct ses_spdu *s,
			     struct ses_spm_out *out, u16 unit, u8 tokens,
			     u8 ind)
{
	if (!(spm->fu & unit) || !peer_holds(spm, tokens & spm->tokens_avail))
		return false;
	if (!(s->present & SES_P_SERIAL) || s->serial != spm->vm)
		return false;
	out->ind = ind;
	out->send.serial = s->serial;
	out->send.sync_type = (s->present & SES_P_SYNC_TYPE) ?
			      s->sync_type : 0;
	return true;
}

static bool mip_valid(struct ses_spm *spm, const struct ses_spdu *s,
		      struct ses_spm_out *out)
{
	return peer_point_valid(spm, s, out, FU_MINOR_SYNC,
				SES_TOKEN_MINOR | SES_TOKEN_DATA,
				SES_IND_SYNC_MINOR);
}

/* MIP: if not Vsc, V(A) := V(M) and Vsc := true; V(M)++. */
static void mip_take(struct ses_spm *spm, const struct ses_spdu *s)
{
	if (!spm->vsc) {
		spm->va = spm->vm;
		spm->vsc = true;
	}
	spm->vm++;
}

static bool map_valid(struct ses_spm *spm, const struct ses_spdu *s,
		      struct ses_spm_out *out)
{
	return peer_point_valid(spm, s, out, FU_MAJOR_SYNC, SES_TOKEN_MAJOR |
				SES_TOKEN_MINOR | SES_TOKEN_DATA,
				SES_IND_SYNC_MAJOR);
}

/* MAP: if not Vsc, V(A) := V(M); V(M)++; Vsc unchanged. */
static void map_take(struct ses_spm *spm, const struct ses_spdu *s)
{
	if (!spm->vsc)
		spm->va = spm->vm;
	spm->vm++;
}

/* MIA from the peer: not Vsc and V(A) <= sn < V(M). */
static bool mia_valid(struct ses_spm *spm, const struct ses_spdu *s,
		      struct ses_spm_out *out)
{
	if (!(spm->fu & FU_MINOR_SYNC) || spm->vsc ||
	    !(s->present & SES_P_SERIAL) || s->serial < spm->va ||
	    s->serial >= spm->vm)
		return false;
	out->ind = SES_IND_SYNC_MINOR_CNF;
	out->send.serial = s->serial;
	return true;
}

/* MAA from the peer: sn = V(M) - 1. */
static bool maa_valid(struct ses_spm *spm, const struct ses_spdu *s,
		      struct ses_spm_out *out)
{
	if (!(s->present & SES_P_SERIAL) || s->serial + 1 != spm->vm)
		return false;
	out->ind = SES_IND_SYNC_MAJOR_CNF;
	out->send.serial = s->serial;
	return true;
}

/* ---- resynchronisation ---- */

/* A Token Setting with no reserved (3) field for an available token. */
static bool rs_setting_valid(const struct ses_spm *spm, u8 setting)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(ses_tsi_fields); i++)
		if ((spm->tokens_avail & ses_tsi_fields[i].token) &&
		    tsi_get(setting, i) > SES_TSI_CALLED_CHOICE)
			return false;
	return true;
}

/*
 * The serial number an RS of @type may carry: abandon any (it carries
 * V(M) when this end sends it), restart V(R) <= sn <= V(M), set any.
 */
static int rs_serial_error(const struct ses_spm *spm, u8 type, u32 sn)
{
	if (sn > SES_SERIAL_MAX)
		return -ERANGE;
	if (type == SES_RT_RESTART && (sn < spm->vr || sn > spm->vm))
		return -EINVAL;
	return 0;
}

static bool rs_ok(struct ses_spm *spm, const struct ses_spdu *req,
		  struct ses_spm_out *out)
{
	u8 type = req && (req->present & SES_P_RESYNC_TYPE) ?
		  req->resync_type : SES_RT_RESTART;
	u8 setting = req && (req->present & SES_P_TOKEN_SETTING) ?
		     req->token_setting : 0;
	u32 sn = type == SES_RT_ABANDON ? spm->vm : req_serial(req);

	if (!(spm->fu & FU_RESYNC))
		out->error = -EOPNOTSUPP;
	else if (type > SES_RT_SET || !rs_setting_valid(spm, setting))
		out->error = -EINVAL;
	else
		out->error = rs_serial_error(spm, type, sn);
	if (out->error)
		return false;
	out_sync(out, SES_SPDU_RS, sn);
	out->send.present |= SES_P_RESYNC_TYPE;
	out->send.resync_type = type;
	if (spm->tokens_avail) {
		out->send.present |= SES_P_TOKEN_SETTING;
		out->send.token_setting = setting;
	}
	return true;
}

REFUSED(rs_ok)

static void rs_sent(struct ses_spm *spm, const struct ses_spdu *req)
{
	spm->rs_type = req && (req->present & SES_P_RESYNC_TYPE) ?
		       req->resync_type : SES_RT_RESTART;
	spm->rs_serial = spm->rs_type == SES_RT_ABANDON ? spm->vm :
			 req_serial(req);
	spm->rs_setting = req && (req->present & SES_P_TOKEN_SETTING) ?
			  req->token_setting : 0;
	spm->discarded = 0;
}

/* RS from the peer: the unit, a known type, a serial number its type allows. */
static bool rs_valid(struct ses_spm *spm, const struct ses_spdu *s,
		     struct ses_spm_out *out)
{
	u8 type = (s->present & SES_P_RESYNC_TYPE) ? s->resync_type :
						    SES_RT_RESTART;
	u8 setting = (s->present & SES_P_TOKEN_SETTING) ?
		     s->token_setting : 0;

	if (!(spm->fu & FU_RESYNC) || !(s->present & SES_P_SERIAL) ||
	    type > SES_RT_SET || !rs_setting_valid(spm, setting) ||
	    rs_serial_error(spm, type, s->serial))
		return false;
	out->ind = SES_IND_RESYNC;
	out->send.serial = s->serial;
	out->send.resync_type = type;
	out->send.token_setting = setting;
	return true;
}

/* Abandon over set over restart (X.225 7.40). */
static int rs_rank(u8 type)
{
	return type == SES_RT_ABANDON ? 3 : type == SES_RT_SET ? 2 : 1;
}

/*
 * Two RS crossed: the same answer at both ends. The higher type wins;
 * of two restarts the lower serial number; otherwise the initiator's.
 */
static bool peer_rs_wins(const struct ses_spm *spm, u8 type, u32 sn)
{
	if (rs_rank(type) != rs_rank(spm->rs_type))
		return rs_rank(type) > rs_rank(spm->rs_type);
	if (type == SES_RT_RESTART && sn != spm->rs_serial)
		return sn < spm->rs_serial;
	return !spm->initiator;
}

static bool rs_collision_lost(struct ses_spm *spm, const struct ses_spdu *s,
			      struct ses_spm_out *out)
{
	return rs_valid(spm, s, out) &&
	       peer_rs_wins(spm, out->send.resync_type, s->serial);
}

static bool rs_collision_won(struct ses_spm *spm, const struct ses_spdu *s,
			     struct ses_spm_out *out)
{
	bool won = rs_valid(spm, s, out) &&
		   !peer_rs_wins(spm, out->send.resync_type, s->serial);

	out->ind = 0;
	return won;
}

/* RS taken: wait for the user's response (abandon: V(M) := max). */
static void rs_take(struct ses_spm *spm, const struct ses_spdu *s)
{
	spm->rs_type = (s->present & SES_P_RESYNC_TYPE) ? s->resync_type :
							  SES_RT_RESTART;
	spm->rs_serial = s->serial;
	spm->rs_setting = (s->present & SES_P_TOKEN_SETTING) ?
			  s->token_setting : 0;
	if (spm->rs_type == SES_RT_ABANDON && s->serial > spm->vm)
		spm->vm = s->serial;
}

/*
 * The tokens' final place after a resync, as a Token Setting relative
 * to the RS sender (0: its side, 1: the receiver's): the RS's setting,
 * with the receiver's @choice (1: its side) where the RS leaves it.
 */
static u8 rs_final_setting(const struct ses_spm *spm, u8 setting, u8 choice)
{
	u8 final = 0;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(ses_tsi_fields); i++) {
		u8 v = tsi_get(setting, i);

		if (!(spm->tokens_avail & ses_tsi_fields[i].token))
			continue;
		if (v == SES_TSI_CALLED_CHOICE)
			v = tsi_get(choice, i) == SES_TSI_RESPONDER ?
			    SES_TSI_RESPONDER : SES_TSI_INITIATOR;
		final |= v << ses_tsi_fields[i].shift;
	}
	return final;
}

/* Tokens held after a resync: @final's fields equal to @mine. */
static u8 rs_tokens(const struct ses_spm *spm, u8 final, u8 mine)
{
	u8 owned = 0;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(ses_tsi_fields); i++)
		if ((spm->tokens_avail & ses_tsi_fields[i].token) &&
		    tsi_get(final, i) == mine)
			owned |= ses_tsi_fields[i].token;
	return owned;
}

/* The RA's serial number: abandon V(M), restart and set the RS's. */
static u32 ra_serial(const struct ses_spm *spm)
{
	return spm->rs_type == SES_RT_ABANDON ? spm->vm : spm->rs_serial;
}

/* S-RESYNCHRONIZE response: the choice of tokens in req->token_setting. */
static bool ra_ok(struct ses_spm *spm, const struct ses_spdu *req,
		  struct ses_spm_out *out)
{
	u8 choice = req && (req->present & SES_P_TOKEN_SETTING) ?
		    req->token_setting : 0;

	out_sync(out, SES_SPDU_RA, ra_serial(spm));
	if (spm->tokens_avail) {
		out->send.present |= SES_P_TOKEN_SETTING;
		out->send.token_setting = rs_final_setting(spm,
							   spm->rs_setting,
							   choice);
	}
	return true;
}

/* RA: V(A) := V(M) := sn; V(R) := 0 unless restart; tokens resettled. */
static void resynchronised(struct ses_spm *spm, u32 sn, u8 owned)
{
	spm->va = sn;
	spm->vm = sn;
	if (spm->rs_type != SES_RT_RESTART)
		spm->vr = 0;
	spm->vsc = false;
	spm->tokens_owned = owned;
	spm->gtc_sent = false;
}

static void ra_sent(struct ses_spm *spm, const struct ses_spdu *req)
{
	u8 choice = req && (req->present & SES_P_TOKEN_SETTING) ?
		    req->token_setting : 0;
	u8 final = rs_final_setting(spm, spm->rs_setting, choice);

	resynchronised(spm, ra_serial(spm), rs_tokens(spm, final, 1));
}

/*
 * RA from the peer: abandon sn >= V(M), restart and set the RS's sn; its
 * Token Setting (absent: our RS's, the choices ours) must be final.
 */
static u8 ra_setting(const struct ses_spm *spm, const struct ses_spdu *s)
{
	if (s->present & SES_P_TOKEN_SETTING)
		return s->token_setting;
	return rs_final_setting(spm, spm->rs_setting, 0);
}

static bool ra_valid(struct ses_spm *spm, const struct ses_spdu *s,
		     struct ses_spm_out *out)
{
	u8 final = ra_setting(spm, s);

	if (!(s->present & SES_P_SERIAL) || s->serial > SES_SERIAL_MAX)
		return false;
	if (spm->rs_type == SES_RT_ABANDON ? s->serial < spm->vm :
	    s->serial != spm->rs_serial)
		return false;
	if (rs_final_setting(spm, final, 0) != final)
		return false;	/* a choice left open, or reserved */
	out->ind = SES_IND_RESYNC_CNF;
	out->send.serial = s->serial;
	out->send.resync_type = spm->rs_type;
	out->send.token_setting = final;
	out->tokens = rs_tokens(spm, final, 0);
	return true;
}

static void ra_take(struct ses_spm *spm, const struct ses_spdu *s)
{
	resynchronised(spm, s->serial, rs_tokens(spm, ra_setting(spm, s), 0));
}

/* Waiting for RA: what the peer sent before our RS reached it goes. */
static void discard(struct ses_spm *spm, const struct ses_spdu *s)
{
	if (s && s->type == SES_SPDU_DT &&
	    (!(s->present & SES_P_ENCLOSURE) || (s->enclosure & SES_ENC_END)))
		spm->discarded++;
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

	/* minor synchronisation: no state change, V(A), V(M), Vsc */
	{ SES_STA713, SES_EV_SSYNMREQ, minor_ok, point_placed,
	  SES_ACT_SEND_SYNC, SES_STA713 },
	{ SES_STA713, SES_EV_SSYNMREQ, minor_ok_refused, NULL,
	  SES_ACT_REJECTED, SES_STA713 },
	{ SES_STA713, SES_EV_SSYNMRSP, minor_rsp_ok, minor_confirmed,
	  SES_ACT_SEND_SYNC, SES_STA713 },
	{ SES_STA713, SES_EV_SSYNMRSP, minor_rsp_ok_refused, NULL,
	  SES_ACT_REJECTED, SES_STA713 },
	{ SES_STA713, SES_EV_MIP, mip_valid, mip_take,
	  SES_ACT_SYNC_IND, SES_STA713 },
	{ SES_STA713, SES_EV_MIA, mia_valid, minor_confirmed,
	  SES_ACT_SYNC_IND, SES_STA713 },
	/* the peer's MIA may cross our MAP */
	{ SES_STA04A, SES_EV_MIA, mia_valid, minor_confirmed,
	  SES_ACT_SYNC_IND, SES_STA04A },

	/* major synchronisation: STA04A until MAA, STA10A until answered */
	{ SES_STA713, SES_EV_SSYNMJREQ, major_ok, point_placed,
	  SES_ACT_SEND_SYNC, SES_STA04A },
	{ SES_STA713, SES_EV_SSYNMJREQ, major_ok_refused, NULL,
	  SES_ACT_REJECTED, SES_STA713 },
	{ SES_STA713, SES_EV_MAP, map_valid, map_take,
	  SES_ACT_SYNC_IND, SES_STA10A },
	{ SES_STA10A, SES_EV_SSYNMRSP, minor_rsp_ok, minor_confirmed,
	  SES_ACT_SEND_SYNC, SES_STA10A },
	{ SES_STA10A, SES_EV_SSYNMJRSP, major_rsp_ok, major_confirmed,
	  SES_ACT_SEND_SYNC, SES_STA713 },
	{ SES_STA10A, SES_EV_SSYNMJRSP, major_rsp_ok_refused, NULL,
	  SES_ACT_REJECTED, SES_STA10A },
	{ SES_STA04A, SES_EV_MAA, maa_valid, major_confirmed,
	  SES_ACT_SYNC_IND, SES_STA713 },
	/* what the peer sent before our MAP reached it */
	{ SES_STA04A, SES_EV_DT, peer_may_send, NULL,
	  SES_ACT_DELIVER, SES_STA04A },
	{ SES_STA04A, SES_EV_PT, pt_valid, NULL,
	  SES_ACT_TOKEN_PLEASE_IND, SES_STA04A },

	/* resynchronisation: from data transfer or a major point pending */
	{ SES_STA713, SES_EV_SRSYNREQ, rs_ok, rs_sent,
	  SES_ACT_SEND_SYNC, SES_STA05A },
	{ SES_STA713, SES_EV_SRSYNREQ, rs_ok_refused, NULL,
	  SES_ACT_REJECTED, SES_STA713 },
	{ SES_STA04A, SES_EV_SRSYNREQ, rs_ok, rs_sent,
	  SES_ACT_SEND_SYNC, SES_STA05A },
	{ SES_STA04A, SES_EV_SRSYNREQ, rs_ok_refused, NULL,
	  SES_ACT_REJECTED, SES_STA04A },
	{ SES_STA10A, SES_EV_SRSYNREQ, rs_ok, rs_sent,
	  SES_ACT_SEND_SYNC, SES_STA05A },
	{ SES_STA10A, SES_EV_SRSYNREQ, rs_ok_refused, NULL,
	  SES_ACT_REJECTED, SES_STA10A },
	{ SES_STA713, SES_EV_RS, rs_valid, rs_take,
	  SES_ACT_SYNC_IND, SES_STA11A },
	{ SES_STA04A, SES_EV_RS, rs_valid, rs_take,
	  SES_ACT_SYNC_IND, SES_STA11A },
	{ SES_STA10A, SES_EV_RS, rs_valid, rs_take,
	  SES_ACT_SYNC_IND, SES_STA11A },
	/* two RS crossed: the winner's goes on at both ends */
	{ SES_STA05A, SES_EV_RS, rs_collision_lost, rs_take,
	  SES_ACT_SYNC_IND, SES_STA11A },
	{ SES_STA05A, SES_EV_RS, rs_collision_won, NULL, 0, SES_STA05A },
	{ SES_STA11A, SES_EV_SRSYNRSP, ra_ok, ra_sent,
	  SES_ACT_SEND_SYNC, SES_STA713 },
	{ SES_STA05A, SES_EV_RA, ra_valid, ra_take,
	  SES_ACT_SYNC_IND, SES_STA713 },
	/* until RA, the peer's data and sync SPDUs are discarded */
	{ SES_STA05A, SES_EV_DT, NULL, discard, 0, SES_STA05A },
	{ SES_STA05A, SES_EV_MIP, NULL, discard, 0, SES_STA05A },
	{ SES_STA05A, SES_EV_MIA, NULL, discard, 0, SES_STA05A },
	{ SES_STA05A, SES_EV_MAP, NULL, discard, 0, SES_STA05A },
	{ SES_STA05A, SES_EV_MAA, NULL, discard, 0, SES_STA05A },
	{ SES_STA05A, SES_EV_GT, NULL, discard, 0, SES_STA05A },
	{ SES_STA05A, SES_EV_PT, NULL, discard, 0, SES_STA05A },

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
	{ SES_STA16, SES_EV_MIP, NULL, NULL, 0, SES_STA16 },
	{ SES_STA16, SES_EV_MIA, NULL, NULL, 0, SES_STA16 },
	{ SES_STA16, SES_EV_MAP, NULL, NULL, 0, SES_STA16 },
	{ SES_STA16, SES_EV_MAA, NULL, NULL, 0, SES_STA16 },
	{ SES_STA16, SES_EV_RS, NULL, NULL, 0, SES_STA16 },
	{ SES_STA16, SES_EV_RA, NULL, NULL, 0, SES_STA16 },
	{ SES_STA16, SES_EV_OTHER_SPDU, NULL, NULL, 0, SES_STA16 },
	{ SES_STA_ANY, SES_EV_TDISIND, NULL, NULL,
	  SES_ACT_TRANSPORT_LOST, SES_STA01 },
};

static bool ses_spm_is_spdu_event(enum ses_spm_event ev)
{
	return (ev >= SES_EV_CN && ev <= SES_EV_RA) ||
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
	else if (ses_spm_sync_busy(spm->state))
		out->error = -EBUSY;	/* a major point or resync pending */
	else if ((ev == SES_EV_SSYNMJRSP || ev == SES_EV_SRSYNRSP) &&
		 spm->state == SES_STA713)
		out->error = -EINVAL;	/* nothing to answer */
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
	case SES_SPDU_MIP: return SES_EV_MIP;
	case SES_SPDU_MIA: return SES_EV_MIA;
	case SES_SPDU_MAP: return SES_EV_MAP;
	case SES_SPDU_MAA: return SES_EV_MAA;
	case SES_SPDU_RS: return SES_EV_RS;
	case SES_SPDU_RA: return SES_EV_RA;
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
	if (spm->fu_proposed & SES_FU_SERIALS) {
		cn->present |= SES_P_ISN;
		cn->isn = spm->isn;
	}
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
	if (spm->fu & SES_FU_SERIALS) {
		ac->present |= SES_P_ISN;
		ac->isn = spm->isn;
	}
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
		[SES_STA04A] = "STA04A", [SES_STA05A] = "STA05A",
		[SES_STA10A] = "STA10A", [SES_STA11A] = "STA11A",
	};

	return state < SES_STA_NSTATES ? names[state] : "?";
}
