/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * SES: the OSI session layer (ISO 8327-1 / ITU-T X.225 over RFC 1006)
 * as a Linux socket protocol.
 *
 *	fd = socket(AF_INET or AF_INET6, SOCK_SEQPACKET, IPPROTO_SES);
 *
 * One SSDU per sendmsg()/recvmsg(); options at level SOL_SES.
 * See Documentation/ses.rst and ses(7).
 */
#ifndef _UAPI_LINUX_SES_H
#define _UAPI_LINUX_SES_H

#include <linux/types.h>

/*
 * Protocol number. 253 is one of the two IP protocol numbers RFC 3692
 * reserves for experimentation: no socket protocol uses it, it is below
 * 256 so it fits inet_diag's one-octet sdiag_protocol, and the pair
 * (SOCK_SEQPACKET, 253) collides with nothing registered in inetsw.
 * SES never sends IP packets with this protocol number: it runs over TCP.
 */
#define IPPROTO_SES		253

/* Socket option level, numbered like SOL_TCP == IPPROTO_TCP. */
#define SOL_SES			253

/* Functional units (Session User Requirements, X.225 PI 20). */
#define SES_FU_HALF_DUPLEX	0x0001
#define SES_FU_DUPLEX		0x0002
#define SES_FU_EXPEDITED	0x0004
#define SES_FU_MINOR_SYNC	0x0008
#define SES_FU_MAJOR_SYNC	0x0010
#define SES_FU_RESYNC		0x0020
#define SES_FU_ACTIVITY		0x0040
#define SES_FU_NEGOTIATED_RELEASE 0x0080
#define SES_FU_CAPABILITY_DATA	0x0100
#define SES_FU_EXCEPTIONS	0x0200
#define SES_FU_TYPED_DATA	0x0400
#define SES_FU_SYMMETRIC_SYNC	0x0800
#define SES_FU_DATA_SEPARATION	0x1000

/* Refuse reason codes (X.225 PI 50), as read with SES_REFUSE_REASON. */
#define SES_RF_USER_NO_REASON		0
#define SES_RF_USER_CONGESTION		1
#define SES_RF_USER_DATA		2
#define SES_RF_SSEL_UNKNOWN		129
#define SES_RF_USER_NOT_ATTACHED	130
#define SES_RF_SPM_CONGESTION		131
#define SES_RF_VERSION_UNSUPPORTED	132
#define SES_RF_SPM_NO_REASON		133
#define SES_RF_SPM_RESTRICTION		134

/* Maximum length of a session selector (octets). */
#define SES_SSEL_MAX		16

/* Socket options at level SOL_SES. */
enum {
	SES_INFO = 1,		/* get: struct ses_info */
	SES_FUNCTIONAL_UNITS,	/* int; set: proposed (before connect/listen),
				 * get: negotiated once established
				 */
	SES_TSDU_MAX,		/* int; set: largest TSDU this end accepts
				 * (0 = unlimited), get: the size it sends with
				 */
	SES_CALLING_SSEL,	/* bytes, 0..16: calling session selector */
	SES_CALLED_SSEL,	/* bytes, 0..16: called session selector; on a
				 * listener the selector a CN must name
				 */
	SES_REFUSE_REASON,	/* get: int, reason of the last RF, -1 if none */
	SES_HANDSHAKE_TIMEOUT,	/* int, milliseconds (>= 1) */
	SES_RELEASE_TIMEOUT,	/* int, milliseconds (>= 1) */
	SES_TIM_TIMEOUT,	/* int, milliseconds (>= 1): X.225 TIM */
	SES_ABORT,		/* set: int, abort now with AB (value ignored) */
	SES_ABORT_REASON,	/* get: int, SES_ABORT_* cause of the last abort */
	/*
	 * int, SES_TS_* per token (X.225 PI 26): set before connect (the
	 * initial assignment proposed) or on a listener (its choice where
	 * the initiator leaves it to the called user)
	 */
	SES_TOKEN_SETTING,
	SES_TOKENS,		/* get: int, SES_TOKEN_* bits this end holds */
	/* get: int, SES_TOKEN_* bits the negotiated units make available */
	SES_TOKENS_AVAILABLE,
	/*
	 * int, 0..SES_SERIAL_MAX (default 1): the initial serial number an
	 * initiator proposes in CN when it proposes minor or major
	 * synchronize or resynchronize; set before connect. A responder
	 * takes the initiator's. get: the one agreed (or proposed).
	 */
	SES_INITIAL_SERIAL,
	SES_SERIALS,		/* get: struct ses_serials */
};

/* Serial numbers of synchronisation points: 0..999999 (X.225). */
#define SES_SERIAL_MAX		999999

/*
 * Tokens (X.225 Token Item, PI 16), as bits of SES_TOKENS,
 * ses_sndinfo.tokens and ses_rcvinfo.tokens. A token exists only when
 * its functional unit was negotiated: data with half duplex, minor with
 * minor synchronize, major with major synchronize or activity
 * management, release with negotiated release.
 */
#define SES_TOKEN_DATA		0x01
#define SES_TOKEN_MINOR		0x04
#define SES_TOKEN_MAJOR		0x10
#define SES_TOKEN_RELEASE	0x40
#define SES_TOKEN_ALL		(SES_TOKEN_DATA | SES_TOKEN_MINOR | \
				 SES_TOKEN_MAJOR | SES_TOKEN_RELEASE)

/*
 * Initial token assignment (SES_TOKEN_SETTING): two bits per token at
 * SES_TS_SHIFT_*; each field holds one SES_TS_* value. 0 (every token
 * on the initiator's side) is the default.
 */
#define SES_TS_INITIATOR	0
#define SES_TS_RESPONDER	1
#define SES_TS_CALLED_CHOICE	2	/* initiator only: the listener decides */
#define SES_TS_SHIFT_DATA	0
#define SES_TS_SHIFT_MINOR	2
#define SES_TS_SHIFT_MAJOR	4
#define SES_TS_SHIFT_RELEASE	6

/*
 * Session service primitives. A sendmsg() with a SES_SNDINFO control
 * message (level SOL_SES) requests ses_sndinfo.primitive; without one it
 * is S-DATA. Every recvmsg() returns one record: an SSDU (S-DATA) or an
 * indication, in the order the peer sent them; indications carry
 * SES_MSG_NOTIFICATION in msg_flags and, like SSDUs, a SES_RCVINFO
 * control message when the caller gives room for it.
 */
enum ses_primitive {
	SES_PRIM_DATA = 0,	/* S-DATA: one SSDU */
	SES_PRIM_TOKEN_GIVE,	/* S-TOKEN-GIVE: .tokens, no user data */
	SES_PRIM_TOKEN_PLEASE,	/* S-TOKEN-PLEASE: .tokens, user data */
	SES_PRIM_CONTROL_GIVE,	/* S-CONTROL-GIVE: every token (activity
				 * management only)
				 */
	SES_PRIM_RELEASE,	/* indication: the peer asks to release (FN,
				 * negotiated release): answer with
				 * shutdown(SHUT_WR) or close() to accept, or
				 * SES_PRIM_RELEASE_REFUSE
				 */
	SES_PRIM_RELEASE_REFUSE, /* request: refuse that release (NF, user
				  * data); indication: the peer refused this
				  * end's release and the session goes on
				  */
	/*
	 * S-SYNC-MINOR (minor synchronize unit). Request: user data, flags
	 * SES_SYNC_CONFIRM to ask for explicit confirmation; the serial
	 * number given to the point is SES_SERIALS' last_placed.
	 * Indication: .serial, flags SES_SYNC_CONFIRM when the peer asks
	 * for a confirmation.
	 */
	SES_PRIM_SYNC_MINOR,
	/*
	 * Request: confirm the peer's minor points up to and including
	 * .serial (MIA, user data). Confirmation: the peer confirmed ours
	 * up to .serial.
	 */
	SES_PRIM_SYNC_MINOR_RESPONSE,
	/*
	 * S-SYNC-MAJOR (major synchronize unit). Request: user data; no
	 * normal data may be sent until the peer confirms (EPOLLOUT is off,
	 * send blocks or fails with EAGAIN). Indication: .serial; answer
	 * with SES_PRIM_SYNC_MAJOR_RESPONSE before anything else.
	 */
	SES_PRIM_SYNC_MAJOR,
	/*
	 * Request: confirm the major point .serial (MAA, user data).
	 * Confirmation: the peer confirmed ours (.serial); data may flow.
	 */
	SES_PRIM_SYNC_MAJOR_RESPONSE,
	/*
	 * S-RESYNCHRONIZE (resynchronize unit). Request: .flags the
	 * SES_RESYNC_* type, .serial (restart: V(R)..V(M); set: any;
	 * abandon: ignored, V(M) is used), .tokens a token setting
	 * (SES_TS_* per token; SES_TS_INITIATOR: the requester's side,
	 * SES_TS_RESPONDER: the peer's, SES_TS_CALLED_CHOICE: the peer
	 * decides), user data. Until the peer answers, what it sent is
	 * discarded. Indication: .flags the type, .serial, .tokens the
	 * setting proposed; answer with SES_PRIM_RESYNC_RESPONSE.
	 */
	SES_PRIM_RESYNC,
	/*
	 * Request: accept the resync (RA, user data); .tokens chooses, for
	 * each token the requester left to this end, SES_TS_RESPONDER to
	 * take it. Confirmation: resynchronised at .serial; .flags the type,
	 * .tokens the tokens this end now holds, .discarded how many SSDUs
	 * of the peer were discarded.
	 */
	SES_PRIM_RESYNC_RESPONSE,
	/*
	 * Recovery notifications (SES_EXT_RECOVERY), queued only when the
	 * SES_RECOVERY_EVENTS option is on; in order with the records
	 * around them. .flags: the errno of the failure (SUSPENDED,
	 * GIVEN_UP), else 0. No user data.
	 */
	SES_PRIM_SUSPENDED,	/* the transport failed: the session waits
				 * to be resumed (its resume window runs)
				 */
	SES_PRIM_RESUMED,	/* resumed on a new transport; what was not
				 * acknowledged is replayed
				 */
	SES_PRIM_GIVEN_UP,	/* recovery failed (the window expired, the
				 * peer refused): the session ends, the next
				 * call reports the error (.flags)
				 */
};

/* ses_sndinfo.flags of SES_PRIM_SYNC_MINOR, ses_rcvinfo.flags of its
 * indication: explicit confirmation asked for (X.225 Sync Type Item).
 */
#define SES_SYNC_CONFIRM	0x01

/* Resynchronisation types: ses_sndinfo.flags and ses_rcvinfo.flags. */
#define SES_RESYNC_RESTART	0
#define SES_RESYNC_ABANDON	1
#define SES_RESYNC_SET		2

/* Control message types at level SOL_SES. */
enum {
	SES_SNDINFO = 1,	/* sendmsg: struct ses_sndinfo */
	SES_RCVINFO,		/* recvmsg: struct ses_rcvinfo */
};

/* recvmsg() msg_flags bit of an indication (SCTP's MSG_NOTIFICATION). */
#define SES_MSG_NOTIFICATION	0x8000

/**
 * struct ses_sndinfo - the primitive a sendmsg() requests
 * @primitive: enum ses_primitive
 * @tokens: SES_TOKEN_* bits (TOKEN_GIVE, TOKEN_PLEASE), or a token
 *	setting (RESYNC, RESYNC_RESPONSE)
 * @serial: serial number (SYNC_MINOR_RESPONSE, SYNC_MAJOR_RESPONSE,
 *	RESYNC); otherwise 0
 * @flags: SES_SYNC_CONFIRM (SYNC_MINOR) or SES_RESYNC_* (RESYNC);
 *	otherwise 0
 */
struct ses_sndinfo {
	__u32 primitive;
	__u32 tokens;
	__u32 serial;
	__u32 flags;
};

/**
 * struct ses_rcvinfo - what one recvmsg() record is
 * @primitive: enum ses_primitive
 * @tokens: SES_TOKEN_* bits given (TOKEN_GIVE, CONTROL_GIVE) or asked
 *	for (TOKEN_PLEASE)
 * @serial: serial number of a synchronisation primitive, else 0
 * @flags: SES_SYNC_CONFIRM (SYNC_MINOR indication), the SES_RESYNC_*
 *	type (RESYNC, RESYNC_RESPONSE), or the errno of the transport
 *	failure, a positive value such as ECONNRESET or ETIMEDOUT
 *	(SUSPENDED, GIVEN_UP); else 0
 * @tokens_held: SES_TOKEN_* bits this end held once the record was
 *	received
 * @discarded: RESYNC_RESPONSE confirmation: SSDUs from the peer
 *	discarded between this end's RS and the RA; else 0
 */
struct ses_rcvinfo {
	__u32 primitive;
	__u32 tokens;
	__u32 serial;
	__u32 flags;
	__u32 tokens_held;
	__u32 discarded;
};

/**
 * struct ses_serials - serial numbers of a session (getsockopt SES_SERIALS)
 * @version: layout version, SES_SERIALS_VERSION
 * @va: V(A), the lowest serial number a confirmation may name
 * @vm: V(M), the serial number the next synchronisation point gets
 * @vr: V(R), the lowest serial number a resync may restart at
 * @vsc: 1 when this end may confirm minor points (it received some)
 * @last_placed: serial number of the last point this end placed
 */
struct ses_serials {
	__u32 version;
	__u32 va;
	__u32 vm;
	__u32 vr;
	__u32 vsc;
	__u32 last_placed;
};

#define SES_SERIALS_VERSION	1

/*
 * Options of the SES extensions (recovery), numbered from 32 so that the
 * X.215 options above can grow without renumbering. Times in
 * milliseconds, at least 1, at most one hour. Set on a listener, every
 * one of them is inherited by the sessions it accepts.
 */
enum {
	/* int, SES_EXT_* bits; set: what this end offers (before
	 * connect/listen; 0 = a strict ISO session), get: what was
	 * negotiated once established
	 */
	SES_EXTENSIONS = 32,
	/* int ms: how long a session whose transport failed waits to be
	 * resumed
	 */
	SES_RESUME_WINDOW,
	SES_RECONNECT_MAX,	/* int ms: cap of the reconnect back-off */
	/* int ms: idle time before TCP keepalive probes (rounded up to
	 * seconds)
	 */
	SES_KEEPALIVE,
	SES_USER_TIMEOUT,	/* int ms: TCP_USER_TIMEOUT of the transport */
	/* int 0/1 (default 0): queue the SES_PRIM_SUSPENDED, _RESUMED and
	 * _GIVEN_UP notifications on the receive queue
	 */
	SES_RECOVERY_EVENTS,
};

/* Extensions SES peers negotiate in CN/AC (SES_EXTENSIONS). */
#define SES_EXT_RECOVERY	0x0001	/* sessions survive transport loss */

/* ses_info.recovery_state */
enum ses_recovery_state {
	SES_RECOVERY_OFF = 0,	/* not negotiated: a plain ISO session */
	SES_RECOVERY_ACTIVE,	/* negotiated, transport up */
	SES_RECOVERY_SUSPENDED,	/* transport lost, waiting to be resumed */
	SES_RECOVERY_RESUMING,	/* initiator: a new transport is being set up */
	SES_RECOVERY_FAILED,	/* the resume window expired or the peer
				 * refused the resume
				 */
};

/* Session states reported in ses_info.state. */
enum ses_sk_state {
	SES_ST_IDLE = 0,
	SES_ST_LISTEN,
	SES_ST_CONNECTING,	/* TCP, COTP CR/CC, CN sent: awaiting AC */
	SES_ST_ACCEPTING,	/* responder: awaiting CR/CN */
	SES_ST_ESTABLISHED,	/* data transfer */
	SES_ST_RELEASING,	/* FN sent, awaiting DN */
	SES_ST_CLOSED,		/* released, refused or aborted */
};

/* Causes reported by SES_ABORT_REASON and ses_info.abort_reason. */
enum {
	SES_AB_NONE = 0,
	SES_AB_LOCAL_USER,	/* this end aborted */
	SES_AB_PEER_USER,	/* peer sent AB (user abort) */
	SES_AB_PEER_PROTOCOL,	/* peer sent AB (protocol error) */
	SES_AB_PROTOCOL_ERROR,	/* this end detected a protocol error */
	SES_AB_TRANSPORT,	/* transport lost without FN/AB */
	SES_AB_TIMEOUT,		/* a handshake or release timer expired */
};

/**
 * struct ses_info - state of one session (getsockopt SES_INFO)
 * @version: layout version, SES_INFO_VERSION
 * @state: enum ses_sk_state
 * @functional_units: negotiated SES_FU_* bits
 * @protocol_version: negotiated session protocol version (2)
 * @tpdu_size: negotiated COTP TPDU size in octets
 * @tsdu_max_send: largest TSDU this end may send (0 = unlimited)
 * @tsdu_max_recv: largest TSDU this end accepts (0 = unlimited)
 * @refuse_reason: reason code of the last RF, or -1
 * @abort_reason: SES_AB_* cause of the last abort
 * @ssdus_sent: SSDUs handed to the transport
 * @ssdus_received: SSDUs delivered or queued for the application
 * @bytes_sent: user octets sent
 * @bytes_received: user octets received
 * @spdus_sent: SPDUs sent
 * @spdus_received: SPDUs received
 *
 * Version 2 appends:
 * @extensions: SES_EXT_* negotiated (0: a plain ISO session)
 * @recovery_state: enum ses_recovery_state
 * @resumes: times the session was resumed on a new transport
 * @last_failure: errno of the last transport failure, 0 if none
 * @replay_ssdus: SSDUs (and FN/DN) sent or queued, not yet acknowledged
 *	by the peer's session entity
 * @replay_bytes: octets of their TPDUs, held for replay
 * @duplicates: SSDUs received twice after a resume and dropped
 * @replayed: SSDUs sent again after a resume
 */
struct ses_info {
	__u32 version;
	__u32 state;
	__u32 functional_units;
	__u32 protocol_version;
	__u32 tpdu_size;
	__u32 tsdu_max_send;
	__u32 tsdu_max_recv;
	__s32 refuse_reason;
	__u32 abort_reason;
	__u32 reserved;
	__u64 ssdus_sent;
	__u64 ssdus_received;
	__u64 bytes_sent;
	__u64 bytes_received;
	__u64 spdus_sent;
	__u64 spdus_received;
	/* version 2 */
	__u32 extensions;
	__u32 recovery_state;
	__u32 resumes;
	__s32 last_failure;
	__u64 replay_ssdus;
	__u64 replay_bytes;
	__u64 duplicates;
	__u64 replayed;
};

#define SES_INFO_VERSION	2

#endif /* _UAPI_LINUX_SES_H */
