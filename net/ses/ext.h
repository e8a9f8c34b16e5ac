/* SPDX-License-Identifier: GPL-2.0 */
/*
 * SES extensions on the wire: the value of the private PI 0xe5
 * (SES_PI_EXTENSION) that SES peers put inside PGI 1 (Connection
 * Identifier) of CN and AC, and, once negotiated, of a GT SPDU sent alone
 * in its TSDU. Classic peers skip PGI 1 as a whole (DESIGN.md 2) and
 * never see a GT of this kind: it is only sent on sessions that
 * negotiated an extension. Wireshark dissects it as a Give Tokens SPDU
 * with an unknown parameter in its Connection Identifier.
 *
 * Pure C: byte buffers in, structs out; builds in userspace too.
 *
 * Value layout: one octet (version << 4 | kind), then by kind:
 *
 *	OFFER	  (CN)	flags(1) pub(32)			34 octets
 *	ACCEPT	  (AC)	flags(1) sid(8) pub(32)			42
 *	RESUME	  (CN)	sid(8) nonce(16)			25
 *	CHALLENGE (AC)	nonce(16) seq(8) mac(16)		41
 *	PROOF	  (GT)	seq(8) mac(16)				25
 *	ACK	  (GT)	seq(4): low 32 bits of the next seq	 5
 *
 * pub is the sender's ephemeral X25519 public value (RFC 7748), fresh for
 * each connect: the recovery key is agreed from both (resume.c), and it
 * serves as the connect's nonce. Version 1, whose OFFER and ACCEPT
 * carried a nonce instead, is not understood: its OFFER gets a plain
 * session.
 *
 * Integers are big-endian. An OFFER of a later version may be longer: the
 * fields above are read and the rest ignored; every other kind must have
 * exactly its length.
 */
#ifndef _SES_EXT_H
#define _SES_EXT_H

#include "pure.h"

#define SES_EXT_WIRE_VERSION	2

enum ses_ext_kind {
	SES_EXTK_OFFER = 1,	/* CN: extensions offered */
	SES_EXTK_ACCEPT,	/* AC: extensions accepted, resume identity */
	SES_EXTK_RESUME,	/* CN on a new transport: resume a session */
	SES_EXTK_CHALLENGE,	/* AC to a RESUME: responder's proof */
	SES_EXTK_PROOF,		/* GT: initiator's proof */
	SES_EXTK_ACK,		/* GT: SSDUs received up to a seq */
	SES_EXTK_MAX,
};

/* Flags of OFFER and ACCEPT: the uapi's SES_EXT_* bits. */
#define SES_EXTF_RECOVERY	0x01

#define SES_NONCE_LEN		16
#define SES_MAC_LEN		16
#define SES_PUB_LEN		32	/* an X25519 public value */

/**
 * struct ses_ext - one extension value, decoded or to encode
 * @kind: enum ses_ext_kind
 * @version: version the sender speaks (decoded; encoders write theirs)
 * @flags: OFFER, ACCEPT: SES_EXTF_* bits
 * @sid: ACCEPT, RESUME: session id
 * @seq: CHALLENGE, PROOF: next seq the sender expects to receive;
 *	ACK: its low 32 bits
 * @nonce: RESUME, CHALLENGE: sender's random value
 * @mac: CHALLENGE, PROOF: truncated HMAC-SHA256
 * @pub: OFFER, ACCEPT: sender's X25519 public value
 */
struct ses_ext {
	u8 kind;
	u8 version;
	u8 flags;
	u64 sid;
	u64 seq;
	u8 nonce[SES_NONCE_LEN];
	u8 mac[SES_MAC_LEN];
	u8 pub[SES_PUB_LEN];
};

/* Largest encoded value (an ACCEPT); fits SES_EXT_LEN_MAX. */
#define SES_EXT_VALUE_MAX	42
/* A GT carrying the largest value: SI, LI, PGI 1, LI, PI, LI, value. */
#define SES_EXT_GT_MAX		(6 + SES_EXT_VALUE_MAX)

/* Decode the value of PI 0xe5. Returns 0 or -EBADMSG. */
int ses_ext_decode(const u8 *v, size_t len, struct ses_ext *e);

/* Encode @e (of version SES_EXT_WIRE_VERSION). Returns the length,
 * -ENOSPC, or -EINVAL for an unknown kind.
 */
int ses_ext_encode(u8 *buf, size_t cap, const struct ses_ext *e);

/*
 * Encode the TSDU that carries @e on an established session: a GT SPDU
 * alone, whose parameter field is PGI 1 holding PI 0xe5. Returns the
 * length or a negative errno as ses_ext_encode().
 */
int ses_ext_gt_encode(u8 *buf, size_t cap, const struct ses_ext *e);

#endif /* _SES_EXT_H */
