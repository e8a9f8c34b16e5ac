/* SPDX-License-Identifier: GPL-2.0 */
/*
 * SES wire codec: TPKT (RFC 1006), COTP class 0 (X.224) and session
 * SPDUs (X.225). Pure C: byte buffers in, structs out. No sockets, skbs,
 * locks or allocation, so it builds in the kernel and in userspace.
 *
 * Every decoder checks every length against what remains before reading;
 * a decoder returns -EBADMSG for malformed input and never reads outside
 * [buf, buf + len).
 */
#ifndef _SES_SPDU_H
#define _SES_SPDU_H

#include "pure.h"

/* ---- TPKT ---- */
#define SES_TPKT_VERSION	3
#define SES_TPKT_HLEN		4
#define SES_TPKT_MAX		65535

/* ---- COTP class 0 ---- */
#define SES_COTP_CR		0xe0
#define SES_COTP_CC		0xd0
#define SES_COTP_DR		0x80
#define SES_COTP_DT		0xf0
#define SES_COTP_ER		0x70
#define SES_COTP_EOT		0x80
#define SES_COTP_DT_HLEN	3	/* LI, code, EOT/NR */
#define SES_DT_TPDU_HLEN	(SES_TPKT_HLEN + SES_COTP_DT_HLEN)

#define SES_COTP_PI_TPDU_SIZE	0xc0
#define SES_COTP_PI_CALLING_TSAP 0xc1
#define SES_COTP_PI_CALLED_TSAP	0xc2

/* TPDU size codes 7..13 mean 2^code octets (128..8192). */
#define SES_TPDU_CODE_MIN	7
#define SES_TPDU_CODE_MAX	13

/**
 * struct ses_cotp - one decoded COTP TPDU (the part after TPKT)
 * @code: SES_COTP_* (the high nibble of the TPDU code octet)
 * @dst_ref: destination reference (CR/CC/DR)
 * @src_ref: source reference (CR/CC/DR)
 * @class_opt: class and options octet (CR/CC); class 0 is 0x00
 * @tpdu_size_code: TPDU size parameter (CR/CC), 0 if absent
 * @reason: DR reason / ER cause
 * @eot: DT: end of TSDU
 * @data: DT user data (points into the input buffer)
 * @data_len: octets at @data
 */
struct ses_cotp {
	u8 code;
	u16 dst_ref;
	u16 src_ref;
	u8 class_opt;
	u8 tpdu_size_code;
	u8 reason;
	bool eot;
	const u8 *data;
	size_t data_len;
};

/*
 * ses_tpkt_len() - length of the TPKT at @buf, header included.
 * Returns the length (>= 7 for anything SES accepts), 0 when fewer than
 * SES_TPKT_HLEN octets are available, or -EBADMSG for a wrong version,
 * a non-zero reserved octet or a length below 7 (header + smallest TPDU).
 */
int ses_tpkt_len(const u8 *buf, size_t len);

/* Decode the TPDU that follows a TPKT header: @buf/@len exclude TPKT. */
int ses_cotp_decode(const u8 *buf, size_t len, struct ses_cotp *out);

/*
 * Encoders write TPKT + TPDU into @buf and return its total length, or
 * -ENOSPC when @cap is too small.
 */
int ses_cotp_encode_cr(u8 *buf, size_t cap, u16 src_ref, u8 tpdu_size_code);
int ses_cotp_encode_cc(u8 *buf, size_t cap, u16 dst_ref, u16 src_ref,
		       u8 tpdu_size_code);
int ses_cotp_encode_dr(u8 *buf, size_t cap, u16 dst_ref, u16 src_ref,
		       u8 reason);

/*
 * Write the 7-octet TPKT + COTP DT header for a DT TPDU carrying
 * @payload_len octets (payload_len + 7 <= SES_TPKT_MAX) into @buf.
 */
void ses_dt_tpdu_hdr(u8 *buf, size_t payload_len, bool eot);

/* ---- Session SPDUs ---- */

/* SPDU identifiers (SI). Some values are shared: context decides. */
#define SES_SI_DT		1	/* category 2 */
#define SES_SI_GT		1	/* category 0 */
#define SES_SI_PT		2	/* category 0 */
#define SES_SI_EX		5
#define SES_SI_PR		7
#define SES_SI_NF		8
#define SES_SI_FN		9
#define SES_SI_DN		10
#define SES_SI_RF		12
#define SES_SI_CN		13
#define SES_SI_AC		14
#define SES_SI_CDO		15
#define SES_SI_OA		16
#define SES_SI_GTC		21
#define SES_SI_GTA		22
#define SES_SI_AB		25	/* category 1; AI in category 2 */
#define SES_SI_AA		26	/* category 1; AIA in category 2 */
#define SES_SI_AR		29
#define SES_SI_TD		33
#define SES_SI_RA		34
#define SES_SI_MAP		41	/* AE with activity management */
#define SES_SI_MAA		42	/* AEA with activity management */
#define SES_SI_AS		45
#define SES_SI_ED		48
#define SES_SI_MIP		49
#define SES_SI_MIA		50
#define SES_SI_RS		53
#define SES_SI_AD		57
#define SES_SI_ADA		58
#define SES_SI_CD		61
#define SES_SI_CDA		62

/* Parameter group and parameter identifiers (PGI/PI). */
#define SES_PGI_CONN_ID		1
#define SES_PGI_CONN_ACCEPT	5
#define SES_PGI_LINKING		33
#define SES_PGI_USER_DATA	193
#define SES_PGI_EXT_USER_DATA	194

#define SES_PI_CALLED_REF	9
#define SES_PI_CALLING_REF	10
#define SES_PI_COMMON_REF	11
#define SES_PI_ADDITIONAL_REF	12
#define SES_PI_SYNC_TYPE	15
#define SES_PI_TOKEN_ITEM	16
#define SES_PI_TRANSPORT_DISC	17
#define SES_PI_PROTOCOL_OPTIONS	19
#define SES_PI_SUR		20	/* session user requirements */
#define SES_PI_TSDU_MAX		21
#define SES_PI_VERSION		22
#define SES_PI_ISN		23	/* initial serial number */
#define SES_PI_PREPARE_TYPE	24
#define SES_PI_ENCLOSURE	25
#define SES_PI_TOKEN_SETTING	26
#define SES_PI_RESYNC_TYPE	27
#define SES_PI_ACTIVITY_ID	41
#define SES_PI_SERIAL		42
#define SES_PI_REFLECT		49
#define SES_PI_REASON		50
#define SES_PI_CALLING_SSEL	51
#define SES_PI_CALLED_SSEL	52	/* responding SSEL in AC */
#define SES_PI_DATA_OVERFLOW	60

/*
 * SES extension parameter: a PI inside PGI 1 (Connection Identifier),
 * whose code no X.225 parameter and no Wireshark dissector uses. Classic
 * peers skip PGI 1 as a whole (DESIGN.md 2).
 */
#define SES_PI_EXTENSION	0xe5

/* Enclosure Item bits. */
#define SES_ENC_BEGIN		0x01
#define SES_ENC_END		0x02

/* Transport Disconnect PI bits. */
#define SES_TD_RELEASED		0x01
#define SES_TD_USER_ABORT	0x02
#define SES_TD_PROTOCOL_ERROR	0x04
#define SES_TD_NO_REASON	0x08
#define SES_TD_IMPL_RESTRICTION	0x10

/* Token Item bits (PI 16). */
#define SES_TOKEN_DATA		0x01
#define SES_TOKEN_MINOR		0x04
#define SES_TOKEN_MAJOR		0x10
#define SES_TOKEN_RELEASE	0x40

/* Version Number bits (PI 22). */
#define SES_VERSION_1		0x01
#define SES_VERSION_2		0x02

/* Token Setting Item (PI 26): two bits per token. */
#define SES_TSI_INITIATOR	0
#define SES_TSI_RESPONDER	1
#define SES_TSI_CALLED_CHOICE	2

#define SES_SERIAL_MAX		999999
#define SES_SERIAL_DIGITS	6

/* Decoded SPDU types (SI resolved by context). */
enum ses_spdu_type {
	SES_SPDU_INVALID = 0,
	SES_SPDU_CN, SES_SPDU_AC, SES_SPDU_RF, SES_SPDU_FN, SES_SPDU_DN,
	SES_SPDU_NF, SES_SPDU_AB, SES_SPDU_AA, SES_SPDU_DT, SES_SPDU_GT,
	SES_SPDU_PT, SES_SPDU_EX, SES_SPDU_TD, SES_SPDU_CD, SES_SPDU_CDA,
	SES_SPDU_GTC, SES_SPDU_GTA, SES_SPDU_MIP, SES_SPDU_MIA,
	SES_SPDU_MAP, SES_SPDU_MAA, SES_SPDU_RS, SES_SPDU_RA, SES_SPDU_PR,
	SES_SPDU_ER, SES_SPDU_ED, SES_SPDU_AS, SES_SPDU_AR, SES_SPDU_AI,
	SES_SPDU_AIA, SES_SPDU_AD, SES_SPDU_ADA, SES_SPDU_AE, SES_SPDU_AEA,
	SES_SPDU_CDO, SES_SPDU_OA,
	SES_SPDU_NTYPES,
};

/* Bits of ses_spdu.present: which parameters were on the wire. */
enum {
	SES_P_PROTOCOL_OPTIONS	= BIT(0),
	SES_P_TSDU_MAX		= BIT(1),
	SES_P_VERSION		= BIT(2),
	SES_P_ISN		= BIT(3),
	SES_P_TOKEN_SETTING	= BIT(4),
	SES_P_TOKEN_ITEM	= BIT(5),
	SES_P_SUR		= BIT(6),
	SES_P_CALLING_SSEL	= BIT(7),
	SES_P_CALLED_SSEL	= BIT(8),
	SES_P_ENCLOSURE		= BIT(9),
	SES_P_TRANSPORT_DISC	= BIT(10),
	SES_P_REASON		= BIT(11),
	SES_P_USER_DATA		= BIT(12),
	SES_P_EXTENSION		= BIT(13),
	SES_P_SERIAL		= BIT(14),
	SES_P_SYNC_TYPE		= BIT(15),
	SES_P_RESYNC_TYPE	= BIT(16),
	SES_P_PREPARE_TYPE	= BIT(17),
	SES_P_DATA_OVERFLOW	= BIT(18),
};

#define SES_SSEL_LEN_MAX	16
#define SES_EXT_LEN_MAX		64

/**
 * struct ses_spdu - one SPDU, decoded or to encode
 * @type: enum ses_spdu_type
 * @present: SES_P_* bits of the parameters present
 * @protocol_options: PI 19
 * @tsdu_max_itor: PI 21, initiator-to-responder half (0 = unlimited)
 * @tsdu_max_rtoi: PI 21, responder-to-initiator half (0 = unlimited)
 * @version: PI 22 bits
 * @isn: PI 23 initial serial number (0..999999)
 * @serial: PI 42 serial number (0..999999)
 * @token_setting: PI 26
 * @token_item: PI 16
 * @sur: PI 20 functional units
 * @enclosure: PI 25 bits
 * @transport_disc: PI 17 bits
 * @reason: PI 50 first octet
 * @sync_type: PI 15
 * @resync_type: PI 27
 * @prepare_type: PI 24
 * @data_overflow: PI 60
 * @calling_ssel: PI 51, @calling_ssel_len octets
 * @called_ssel: PI 52, @called_ssel_len octets
 * @ext: SES extension PI value inside PGI 1, @ext_len octets
 * @user_data: user data: PGI 193/194 value, RF reason-code tail, or the
 *	user information field of DT, EX or TD; points into the buffer
 * @user_data_len: octets at @user_data
 */
struct ses_spdu {
	enum ses_spdu_type type;
	u32 present;
	u8 protocol_options;
	u16 tsdu_max_itor;
	u16 tsdu_max_rtoi;
	u8 version;
	u32 isn;
	u32 serial;
	u8 token_setting;
	u8 token_item;
	u16 sur;
	u8 enclosure;
	u8 transport_disc;
	u8 reason;
	u8 sync_type;
	u8 resync_type;
	u8 prepare_type;
	u8 data_overflow;
	u8 calling_ssel_len;
	u8 called_ssel_len;
	u8 ext_len;
	u8 calling_ssel[SES_SSEL_LEN_MAX];
	u8 called_ssel[SES_SSEL_LEN_MAX];
	u8 ext[SES_EXT_LEN_MAX];
	const u8 *user_data;
	size_t user_data_len;
};

/**
 * struct ses_tsdu - the SPDUs one TSDU carries
 * @n: number of SPDUs decoded (1 or 2)
 * @spdu: @spdu[0] is the category 0 SPDU (GT/PT) when @n == 2
 */
struct ses_tsdu {
	unsigned int n;
	struct ses_spdu spdu[2];
};

/*
 * ses_tsdu_decode() - decode one TSDU (the concatenated user data of
 * COTP DTs up to EOT). A TSDU holds one category 1 SPDU (CN, AC, RF, FN,
 * DN, NF, AB, AA, ...), or one category 0 SPDU (GT, PT) alone, or a
 * category 0 SPDU followed by one category 2 SPDU (DT, ...), as X.225
 * 6.3.7 requires. SI values shared between SPDUs are resolved by their
 * position. @fu: negotiated functional units (for MAP/AE, MAA/AEA), 0
 * before establishment. Returns 0 or -EBADMSG.
 */
int ses_tsdu_decode(const u8 *buf, size_t len, u16 fu, struct ses_tsdu *out);

/*
 * ses_spdu_encode() - encode one SPDU that travels alone in a TSDU (CN,
 * AC, RF, FN, DN, NF, AB, AA, GTC, GTA, and GT or PT sent alone) from @s
 * into @buf with 1-octet LI forms wherever the length is at most 254. Returns the length, -ENOSPC, or -EINVAL for a type this
 * function does not encode or a value out of range.
 */
int ses_spdu_encode(u8 *buf, size_t cap, const struct ses_spdu *s);

/*
 * The data TSDU prefix: GT (no parameters) then DT. Unsegmented it is
 * "01 00 01 00"; a segment of a segmented SSDU (@segmented) carries the
 * Enclosure Item: "01 00 01 03 19 01 <enclosure>", where @enclosure has
 * SES_ENC_BEGIN on the first segment, SES_ENC_END on the last, neither
 * in between. Writes into @buf (at least
 * SES_DT_PREFIX_MAX octets) and returns the prefix length. The user
 * information follows the prefix directly.
 */
#define SES_DT_PREFIX_MAX	7
int ses_dt_prefix(u8 *buf, bool segmented, u8 enclosure);

const char *ses_spdu_name(enum ses_spdu_type type);

#endif /* _SES_SPDU_H */
