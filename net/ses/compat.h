/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Every kernel-version difference SES meets, in one place. Built against
 * 6.12 (the test kernel) and Debian 12's 6.1 headers.
 */
#ifndef _SES_COMPAT_H
#define _SES_COMPAT_H

#include <linux/version.h>
#include <linux/net.h>

#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 10, 0)
#define SES_ACCEPT_ARGS		struct proto_accept_arg *arg
#define SES_ACCEPT_FLAGS	(arg->flags)
#else
#define SES_ACCEPT_ARGS		int flags, bool kern
#define SES_ACCEPT_FLAGS	(flags)
#endif

/*
 * Since 6.5 struct proto says where struct ipv6_pinfo lives; before, it
 * had to be the last member of the object, which struct ses6_sock keeps.
 */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 5, 0)
#define SES_IPV6_PINFO_OFFSET(type, member) \
	.ipv6_pinfo_offset = offsetof(type, member),
#else
#define SES_IPV6_PINFO_OFFSET(type, member)
#endif

/* Since 6.6 sysctl tables carry their size instead of an empty entry. */
#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 6, 0)
#define register_net_sysctl_sz(net, path, table, size) \
	register_net_sysctl(net, path, table)
#endif

/*
 * 6.10 moved the protocol memory helpers out of net/sock.h. Before it,
 * sk_memory_allocated_add() reads an unexported per-cpu reserve size:
 * add to the protocol's global counter directly (what the per-cpu path
 * flushes into anyway).
 */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 10, 0)
#include <net/proto_memory.h>
#define ses_memory_allocated_add(sk, pages) \
	sk_memory_allocated_add(sk, pages)
#else
#define ses_memory_allocated_add(sk, pages) \
	atomic_long_add(pages, (sk)->sk_prot->memory_allocated)
#endif

/* 6.12 moved the unaligned helpers out of asm/. */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 12, 0)
#include <linux/unaligned.h>
#else
#include <asm/unaligned.h>
#endif

#endif /* _SES_COMPAT_H */
