/* SPDX-License-Identifier: GPL-2.0 */
/* SES counters, per network namespace, shown in /proc/net/ses_stat. */
#ifndef _SES_MIB_H
#define _SES_MIB_H

#include <net/snmp.h>

enum ses_mib_field {
	SES_MIB_ACTIVEOPENS,		/* sessions established as initiator */
	SES_MIB_PASSIVEOPENS,		/* sessions established as responder */
	SES_MIB_REFUSEDSENT,		/* RF sent */
	SES_MIB_REFUSEDRECEIVED,	/* RF received */
	SES_MIB_ABORTSSENT,		/* AB sent */
	SES_MIB_ABORTSRECEIVED,		/* AB received */
	SES_MIB_BADTPKT,		/* malformed TPKT header */
	SES_MIB_BADTPDU,		/* malformed or unexpected COTP TPDU */
	SES_MIB_BADSPDU,		/* SPDU that does not decode */
	SES_MIB_UNEXPECTEDSPDU,		/* SPDU not allowed in the state */
	SES_MIB_OVERSIZE,		/* TSDU or SSDU over the limit */
	SES_MIB_HANDSHAKETIMEOUTS,	/* handshake timer expired */
	SES_MIB_RELEASETIMEOUTS,	/* release timer expired */
	SES_MIB_TRANSPORTRESETS,	/* transport lost without FN/AB */
	SES_MIB_HANDSHAKEDROPS,		/* too many handshakes in progress */
	SES_MIB_RECOVERYSESSIONS,	/* sessions established with recovery */
	SES_MIB_SUSPENDS,		/* transport lost, session kept */
	SES_MIB_RESUMEATTEMPTS,		/* reconnects started (initiator) */
	SES_MIB_RESUMED,		/* sessions resumed on a new transport */
	SES_MIB_RESUMEREPLACED,		/* resumes replacing a live transport */
	SES_MIB_RESUMEEXPIRED,		/* resume windows expired */
	SES_MIB_RESUMEFAILED,		/* resumes the peer refused for good */
	SES_MIB_RESUMEREQUESTS,		/* resume requests received */
	SES_MIB_RESUMEREFUSED,		/* resume requests refused */
	SES_MIB_RESUMEUNKNOWN,		/* ... naming no session of ours */
	SES_MIB_RESUMEBADPROOF,		/* ... or with a wrong MAC */
	SES_MIB_RESUMERATELIMITED,	/* ... or over net.ses.resume_ratelimit */
	SES_MIB_REPLAYED,		/* items sent again after a resume */
	SES_MIB_DUPLICATES,		/* items received twice, dropped */
	SES_MIB_ACKSSENT,		/* recovery acknowledgments sent */
	SES_MIB_ACKSRECEIVED,		/* ... and received */
	SES_MIB_NOTIFYDROPS,		/* recovery notifications not queued
					 * for lack of memory
					 */
	SES_MIB_MAX
};

struct ses_mib {
	unsigned long mibs[SES_MIB_MAX];
};

struct net;
void ses_mib_inc(const struct net *net, enum ses_mib_field field);
void ses_mib_add(const struct net *net, enum ses_mib_field field,
		 unsigned long n);
int ses_mib_init_net(struct net *net);
void ses_mib_exit_net(struct net *net);

#endif /* _SES_MIB_H */
