// SPDX-License-Identifier: GPL-2.0
/*
 * SES per-network-namespace settings: the net.ses sysctls and the
 * pernet_operations that create and free them with the namespace.
 */
#include <linux/sysctl.h>
#include <net/net_namespace.h>
#include <net/netns/generic.h>

#include "protocol.h"
#include "mib.h"

static unsigned int ses_net_id __read_mostly;

static int ses_one = 1;
static int ses_timeout_max = 3600 * 1000;	/* one hour, in ms */
static int ses_ssdu_min = 1024;
static int ses_ssdu_max = 16 << 20;
static int ses_backlog_max = 65535;
static int ses_sessions_max = 1 << 24;

struct ses_net *ses_pernet(const struct net *net)
{
	return net_generic(net, ses_net_id);
}

static const struct ctl_table ses_sysctl_template[] = {
	{
		.procname	= "handshake_timeout_ms",
		.maxlen		= sizeof(u32),
		.mode		= 0644,
		.proc_handler	= proc_dointvec_minmax,
		.extra1		= &ses_one,
		.extra2		= &ses_timeout_max,
	},
	{
		.procname	= "release_timeout_ms",
		.maxlen		= sizeof(u32),
		.mode		= 0644,
		.proc_handler	= proc_dointvec_minmax,
		.extra1		= &ses_one,
		.extra2		= &ses_timeout_max,
	},
	{
		.procname	= "tim_timeout_ms",
		.maxlen		= sizeof(u32),
		.mode		= 0644,
		.proc_handler	= proc_dointvec_minmax,
		.extra1		= &ses_one,
		.extra2		= &ses_timeout_max,
	},
	{
		.procname	= "max_ssdu",
		.maxlen		= sizeof(u32),
		.mode		= 0644,
		.proc_handler	= proc_dointvec_minmax,
		.extra1		= &ses_ssdu_min,
		.extra2		= &ses_ssdu_max,
	},
	{
		.procname	= "max_handshakes",
		.maxlen		= sizeof(u32),
		.mode		= 0644,
		.proc_handler	= proc_dointvec_minmax,
		.extra1		= &ses_one,
		.extra2		= &ses_backlog_max,
	},
	{
		.procname	= "max_sessions",
		.maxlen		= sizeof(u32),
		.mode		= 0644,
		.proc_handler	= proc_dointvec_minmax,
		.extra1		= &ses_one,
		.extra2		= &ses_sessions_max,
	},
	{ }	/* the end, for kernels before 6.6 */
};

#define SES_SYSCTLS	(ARRAY_SIZE(ses_sysctl_template) - 1)

static int __net_init ses_net_init(struct net *net)
{
	struct ses_net *sn = ses_pernet(net);
	struct ctl_table *table;
	int err;

	sn->handshake_timeout_ms = 30000;
	sn->release_timeout_ms = 30000;
	sn->tim_timeout_ms = 5000;
	sn->max_ssdu = 1 << 20;
	sn->max_backlog_handshakes = 1024;
	sn->max_sessions = 65536;
	atomic_set(&sn->sessions, 0);

	table = kmemdup(ses_sysctl_template, sizeof(ses_sysctl_template),
			GFP_KERNEL);
	if (!table)
		return -ENOMEM;
	table[0].data = &sn->handshake_timeout_ms;
	table[1].data = &sn->release_timeout_ms;
	table[2].data = &sn->tim_timeout_ms;
	table[3].data = &sn->max_ssdu;
	table[4].data = &sn->max_backlog_handshakes;
	table[5].data = &sn->max_sessions;

	sn->sysctl_hdr = register_net_sysctl_sz(net, "net/ses", table,
						SES_SYSCTLS);
	if (!sn->sysctl_hdr) {
		kfree(table);
		return -ENOMEM;
	}
	err = ses_mib_init_net(net);
	if (err) {
		unregister_net_sysctl_table(sn->sysctl_hdr);
		kfree(table);
	}
	return err;
}

static void __net_exit ses_net_exit(struct net *net)
{
	struct ses_net *sn = ses_pernet(net);
	const struct ctl_table *table = sn->sysctl_hdr->ctl_table_arg;

	ses_mib_exit_net(net);
	unregister_net_sysctl_table(sn->sysctl_hdr);
	kfree(table);
}

static struct pernet_operations ses_net_ops = {
	.init = ses_net_init,
	.exit = ses_net_exit,
	.id   = &ses_net_id,
	.size = sizeof(struct ses_net),
};

/* Take one of the namespace's net.ses.max_sessions; any context. */
bool ses_session_slot_get(struct net *net)
{
	struct ses_net *sn = ses_pernet(net);
	int cur = atomic_read(&sn->sessions);

	do {
		if (cur >= READ_ONCE(sn->max_sessions))
			return false;
	} while (!atomic_try_cmpxchg(&sn->sessions, &cur, cur + 1));
	return true;
}

void ses_session_slot_put(struct net *net)
{
	atomic_dec(&ses_pernet(net)->sessions);
}

int ses_ctrl_init(void)
{
	return register_pernet_subsys(&ses_net_ops);
}

void ses_ctrl_exit(void)
{
	unregister_pernet_subsys(&ses_net_ops);
}
