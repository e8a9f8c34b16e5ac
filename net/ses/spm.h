/* SPDX-License-Identifier: GPL-2.0 */
/*
 * SES session protocol machine (X.225 Annex A), pure: a state, an event
 * and the decoded SPDU in; the next state and a list of actions out. The
 * socket layer performs the actions (send an SPDU, deliver an indication,
 * arm a timer, drop the transport). No sockets, skbs, locks or
 * allocation, so it also builds in userspace.
 *
 * Locking: a struct ses_spm belongs to one session and is only touched
 * under that session's socket lock (process context).
 */
#ifndef _SES_SPM_H
#define _SES_SPM_H

#include "spdu.h"

/* States, named as X.225 Annex A names them. */
enum ses_spm_state {
	SES_STA01 = 0,	/* idle, no transport connection */
	SES_STA01C,	/* idle, transport connected (responder awaits CN) */
	SES_STA02A,	/* wait for AC */
	SES_STA03,	/* wait for DN (FN sent) */
	SES_STA08,	/* wait for S-CONNECT response (CN received) */
	SES_STA09,	/* wait for S-RELEASE response (FN received) */
	SES_STA16,	/* wait for T-DISCONNECT (AB or RF sent) */
	SES_STA713,	/* data transfer */
	SES_STA_NSTATES,
};

/* Events: user requests, SPDUs received, transport and timer events. */
enum ses_spm_event {
	SES_EV_SCONREQ = 0,	/* S-CONNECT request (transport is up) */
	SES_EV_SCONRSP_ACCEPT,	/* S-CONNECT response, accept */
	SES_EV_SCONRSP_REJECT,	/* S-CONNECT response, reject */
	SES_EV_SDTREQ,		/* S-DATA request */
	SES_EV_SRELREQ,		/* S-RELEASE request */
	SES_EV_SRELRSP,		/* S-RELEASE response, accept */
	SES_EV_SUABREQ,		/* S-U-ABORT request */
	SES_EV_SGTREQ,		/* S-TOKEN-GIVE request (GT in @spdu) */
	SES_EV_SPTREQ,		/* S-TOKEN-PLEASE request (PT in @spdu) */
	SES_EV_SCGREQ,		/* S-CONTROL-GIVE request */
	SES_EV_SRELRSP_REJECT,	/* S-RELEASE response, reject (NF) */
	SES_EV_CN,
	SES_EV_AC,
	SES_EV_RF,
	SES_EV_DT,
	SES_EV_FN,
	SES_EV_DN,
	SES_EV_AB,
	SES_EV_AA,
	SES_EV_GT,		/* GT alone or before a category 2 SPDU */
	SES_EV_PT,
	SES_EV_GTC,
	SES_EV_GTA,
	SES_EV_NF,
	SES_EV_TDISIND,		/* transport disconnected */
	SES_EV_TIM,		/* timer TIM expired */
	SES_EV_OTHER_SPDU,	/* any SPDU with no row of its own */
	SES_EV_NEVENTS,
};

/* Actions, as bits of ses_spm_out.actions. */
enum {
	SES_ACT_SEND_CN		= BIT(0),
	SES_ACT_SEND_AC		= BIT(1),
	SES_ACT_SEND_RF		= BIT(2),
	SES_ACT_SEND_DT		= BIT(3),
	SES_ACT_SEND_FN		= BIT(4),
	SES_ACT_SEND_DN		= BIT(5),
	SES_ACT_SEND_AB		= BIT(6),
	SES_ACT_CONNECT_IND	= BIT(7),	/* CN accepted by the SPM */
	SES_ACT_CONNECT_CNF	= BIT(8),	/* AC: established */
	SES_ACT_REFUSED		= BIT(9),	/* RF received */
	SES_ACT_DELIVER		= BIT(10),	/* DT: user data to the user */
	SES_ACT_RELEASE_IND	= BIT(11),	/* FN: end of peer's data */
	SES_ACT_RELEASE_CNF	= BIT(12),	/* DN: release complete */
	SES_ACT_ABORT_IND	= BIT(13),	/* AB received */
	SES_ACT_TRANSPORT_LOST	= BIT(14),	/* transport gone unexpectedly */
	SES_ACT_START_TIM	= BIT(15),
	SES_ACT_DISCONNECT	= BIT(16),	/* release the transport */
	SES_ACT_PROTOCOL_ERROR	= BIT(17),	/* count it; AB is also set */
	SES_ACT_REJECTED	= BIT(18),	/* request not allowed now */
	SES_ACT_SEND_GT		= BIT(19),	/* tokens in out->tokens */
	SES_ACT_SEND_PT		= BIT(20),	/* the request's PT */
	SES_ACT_SEND_GTC	= BIT(21),
	SES_ACT_SEND_GTA	= BIT(22),
	SES_ACT_SEND_NF		= BIT(23),
	SES_ACT_TOKEN_GIVE_IND	= BIT(24),	/* out->tokens now ours */
	SES_ACT_TOKEN_PLEASE_IND = BIT(25),	/* peer asks for out->tokens */
	SES_ACT_CONTROL_GIVE_IND = BIT(26),	/* every token now ours */
	SES_ACT_RELEASE_REFUSED	= BIT(27),	/* NF: our FN was refused */
};

/* Tokens (Token Item bits, X.225 PI 16): see SES_TOKEN_* in spdu.h. */
#define SES_TOKENS_ALL	(SES_TOKEN_DATA | SES_TOKEN_MINOR | \
			 SES_TOKEN_MAJOR | SES_TOKEN_RELEASE)

/**
 * struct ses_spm - protocol machine state of one session
 * @state: enum ses_spm_state
 * @initiator: this end sent CN
 * @fu_proposed: functional units this end proposes (initiator) or
 *	accepts (responder)
 * @fu: negotiated functional units
 * @version: negotiated protocol version (2)
 * @tsdu_max_recv: largest TSDU this end accepts (0 = unlimited)
 * @tsdu_max_send: largest TSDU the peer accepts (0 = unlimited)
 * @isn: initial serial number proposed or agreed
 * @local_ssel: on a responder, the selector a CN must name (len 0: any)
 * @local_ssel_len: octets in @local_ssel
 * @fn_sent: this end sent FN
 * @fn_received: the peer sent FN
 * @in_ssdu: a segmented SSDU is being received (enclosure begun)
 * @token_setting: Token Setting Item (PI 26): on an initiator the
 *	assignment it proposes, on a responder its choice for tokens the
 *	CN leaves to the called user (SES_TSI_* per token)
 * @ac_token_setting: responder: the assignment its AC announces
 * @ac_has_setting: responder: the CN left a token to its choice
 * @tokens_avail: tokens the negotiated units make available
 * @tokens_owned: available tokens this end holds (the peer holds the
 *	others)
 * @gtc_sent: GTC sent, GTA not yet received
 */
struct ses_spm {
	u8 state;
	bool initiator;
	u16 fu_proposed;
	u16 fu;
	u8 version;
	u16 tsdu_max_recv;
	u16 tsdu_max_send;
	u32 isn;
	u8 local_ssel[SES_SSEL_LEN_MAX];
	u8 local_ssel_len;
	bool fn_sent;
	bool fn_received;
	bool in_ssdu;
	u8 token_setting;
	u8 ac_token_setting;
	bool ac_has_setting;
	u8 tokens_avail;
	u8 tokens_owned;
	bool gtc_sent;
};

/**
 * struct ses_spm_out - what one event asks the socket layer to do
 * @actions: SES_ACT_* bits, performed in the order the bits are listed
 * @reason: RF reason code to send (SES_ACT_SEND_RF) or received
 * @abort_td: Transport Disconnect bits for an AB to send
 * @error: errno for SES_ACT_REJECTED
 * @tokens: tokens given (SEND_GT, TOKEN_GIVE_IND, CONTROL_GIVE_IND) or
 *	asked for (TOKEN_PLEASE_IND)
 */
struct ses_spm_out {
	u32 actions;
	u8 reason;
	u8 abort_td;
	int error;
	u8 tokens;
};

/*
 * Functional units an SES end can take part in today: half duplex,
 * duplex, negotiated release. (The machine also handles the minor and
 * major tokens for the synchronisation units, which are not yet
 * negotiated.)
 */
#define SES_FU_SUPPORTED	(0x0001 | 0x0002 | 0x0080)

/* The tokens functional units @fu make available (X.225 5.6). */
u8 ses_spm_tokens_for(u16 fu);

void ses_spm_init(struct ses_spm *spm, bool initiator, u16 fu_proposed);

/*
 * ses_spm_event() - run one event through the machine.
 * @spdu: the decoded SPDU for SPDU events, NULL otherwise
 * Returns the event's actions in @out; @spm->state is updated.
 */
void ses_spm_event(struct ses_spm *spm, enum ses_spm_event ev,
		   const struct ses_spdu *spdu, struct ses_spm_out *out);

/* Map a decoded SPDU type to its event. */
enum ses_spm_event ses_spm_spdu_event(enum ses_spdu_type type);

/*
 * Fill @cn with the CN this initiator sends, from @spm. The caller adds
 * selectors and user data.
 */
void ses_spm_fill_cn(const struct ses_spm *spm, struct ses_spdu *cn);
/* Fill @ac with the AC this responder sends after accepting. */
void ses_spm_fill_ac(const struct ses_spm *spm, struct ses_spdu *ac);

const char *ses_spm_state_name(u8 state);

#endif /* _SES_SPM_H */
