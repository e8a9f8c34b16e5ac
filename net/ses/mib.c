// SPDX-License-Identifier: GPL-2.0
/*
 * SES counters: per-cpu, per network namespace, read through
 * /proc/net/ses_stat as "Name value" lines (like /proc/net/tls_stat).
 */
#include <linux/proc_fs.h>
#include <linux/seq_file.h>
#include <net/net_namespace.h>
#include <net/netns/generic.h>

#include "protocol.h"
#include "mib.h"

static const char * const ses_mib_names[SES_MIB_MAX] = {
	[SES_MIB_ACTIVEOPENS]		= "SesActiveOpens",
	[SES_MIB_PASSIVEOPENS]		= "SesPassiveOpens",
	[SES_MIB_REFUSEDSENT]		= "SesRefusedSent",
	[SES_MIB_REFUSEDRECEIVED]	= "SesRefusedReceived",
	[SES_MIB_ABORTSSENT]		= "SesAbortsSent",
	[SES_MIB_ABORTSRECEIVED]	= "SesAbortsReceived",
	[SES_MIB_BADTPKT]		= "SesBadTpkt",
	[SES_MIB_BADTPDU]		= "SesBadTpdu",
	[SES_MIB_BADSPDU]		= "SesBadSpdu",
	[SES_MIB_UNEXPECTEDSPDU]	= "SesUnexpectedSpdu",
	[SES_MIB_OVERSIZE]		= "SesOversize",
	[SES_MIB_HANDSHAKETIMEOUTS]	= "SesHandshakeTimeouts",
	[SES_MIB_RELEASETIMEOUTS]	= "SesReleaseTimeouts",
	[SES_MIB_TRANSPORTRESETS]	= "SesTransportResets",
	[SES_MIB_HANDSHAKEDROPS]	= "SesHandshakeDrops",
	[SES_MIB_RECOVERYSESSIONS]	= "SesRecoverySessions",
	[SES_MIB_SUSPENDS]		= "SesSuspends",
	[SES_MIB_RESUMEATTEMPTS]	= "SesResumeAttempts",
	[SES_MIB_RESUMED]		= "SesResumed",
	[SES_MIB_RESUMEREPLACED]	= "SesResumeReplaced",
	[SES_MIB_RESUMEEXPIRED]		= "SesResumeExpired",
	[SES_MIB_RESUMEFAILED]		= "SesResumeFailed",
	[SES_MIB_RESUMEREQUESTS]	= "SesResumeRequests",
	[SES_MIB_RESUMEREFUSED]		= "SesResumeRefused",
	[SES_MIB_RESUMEUNKNOWN]		= "SesResumeUnknown",
	[SES_MIB_RESUMEBADPROOF]	= "SesResumeBadProof",
	[SES_MIB_RESUMERATELIMITED]	= "SesResumeRateLimited",
	[SES_MIB_REPLAYED]		= "SesReplayed",
	[SES_MIB_DUPLICATES]		= "SesDuplicates",
	[SES_MIB_ACKSSENT]		= "SesAcksSent",
	[SES_MIB_ACKSRECEIVED]		= "SesAcksReceived",
	[SES_MIB_NOTIFYDROPS]		= "SesNotifyDrops",
};

/* Any context. */
void ses_mib_inc(const struct net *net, enum ses_mib_field field)
{
	struct ses_net *sn = ses_pernet(net);

	this_cpu_inc(sn->mib->mibs[field]);
}

/* Any context. */
void ses_mib_add(const struct net *net, enum ses_mib_field field,
		 unsigned long n)
{
	this_cpu_add(ses_pernet(net)->mib->mibs[field], n);
}

static int ses_stat_show(struct seq_file *seq, void *v)
{
	struct ses_net *sn = ses_pernet(seq_file_single_net(seq));
	unsigned long sum;
	int i, cpu;

	for (i = 0; i < SES_MIB_MAX; i++) {
		sum = 0;
		for_each_possible_cpu(cpu)
			sum += per_cpu_ptr(sn->mib, cpu)->mibs[i];
		seq_printf(seq, "%-32s\t%lu\n", ses_mib_names[i], sum);
	}
	return 0;
}

int ses_mib_init_net(struct net *net)
{
	struct ses_net *sn = ses_pernet(net);

	sn->mib = alloc_percpu(struct ses_mib);
	if (!sn->mib)
		return -ENOMEM;
	if (!proc_create_net_single("ses_stat", 0444, net->proc_net,
				    ses_stat_show, NULL)) {
		free_percpu(sn->mib);
		return -ENOMEM;
	}
	return 0;
}

void ses_mib_exit_net(struct net *net)
{
	remove_proc_entry("ses_stat", net->proc_net);
	free_percpu(ses_pernet(net)->mib);
}
