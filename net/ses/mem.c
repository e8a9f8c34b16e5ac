// SPDX-License-Identifier: GPL-2.0
/*
 * SES socket memory accounting. Every SSDU queued, to send or to read,
 * is charged twice: to the socket (sk_wmem_alloc / sk_rmem_alloc,
 * bounded by SO_SNDBUF / SO_RCVBUF) and to the protocol
 * (ses_memory_allocated, bounded by sysctl_ses_mem like tcp_mem), so
 * that a peer or a user cannot pin memory beyond the buffers and the
 * protocol backs off under global memory pressure. Visible in
 * /proc/net/protocols (the "SES" and "SESv6" lines).
 *
 * Context: process context, socket lock held.
 */
#include <linux/mm.h>
#include <linux/percpu.h>
#include <net/sock.h>

#include "protocol.h"

long sysctl_ses_mem[3];
/* per-socket minimum kept under pressure, default, maximum (octets) */
int sysctl_ses_rmem[3] = { 4096, 212992, 4194304 };
int sysctl_ses_wmem[3] = { 4096, 212992, 4194304 };
atomic_long_t ses_memory_allocated;
unsigned long ses_memory_pressure;
DEFINE_PER_CPU(int, ses_memory_per_cpu_fw_alloc);

void ses_enter_memory_pressure(struct sock *sk)
{
	WRITE_ONCE(ses_memory_pressure, 1);
}

/*
 * Charge @size to @sk although the protocol is over its limit: used only
 * when nothing else is queued on the socket, so that a session always
 * makes progress (as TCP's sk_forced_mem_schedule()).
 */
void ses_mem_charge_force(struct sock *sk, int size)
{
	int delta = size - sk->sk_forward_alloc;
	int pages;

	if (!sk_has_account(sk) || delta <= 0)
		return;
	pages = sk_mem_pages(delta);
	sk_forward_alloc_add(sk, pages << PAGE_SHIFT);
	ses_memory_allocated_add(sk, pages);
}

/* Charge one skb about to join the write queue. */
void ses_tx_charge(struct sock *sk, struct sk_buff *skb)
{
	if (!sk_wmem_schedule(sk, skb->truesize))
		ses_mem_charge_force(sk, skb->truesize);
	sk_wmem_queued_add(sk, skb->truesize);
	sk_mem_charge(sk, skb->truesize);
}

/* Charge an SSDU about to join the receive queue. */
void ses_rx_charge(struct sock *sk, struct sk_buff *skb)
{
	if (!sk_rmem_schedule(sk, skb, skb->truesize))
		ses_mem_charge_force(sk, skb->truesize);
	skb_set_owner_r(skb, sk);
}

/* Unlink and free one skb of @q (write queue, replay queue), uncharging it. */
void ses_tx_unlink_free(struct sock *sk, struct sk_buff *skb,
			struct sk_buff_head *q)
{
	__skb_unlink(skb, q);
	sk_wmem_queued_add(sk, -skb->truesize);
	sk_mem_uncharge(sk, skb->truesize);
	consume_skb(skb);
}

void ses_tx_queue_free(struct sock *sk, struct sk_buff *skb)
{
	ses_tx_unlink_free(sk, skb, &sk->sk_write_queue);
}

void ses_tx_queue_purge(struct sock *sk)
{
	struct sk_buff *skb;

	while ((skb = skb_peek(&sk->sk_write_queue)))
		ses_tx_queue_free(sk, skb);
}

void ses_mem_init(void)
{
	unsigned long limit = nr_free_buffer_pages() / 8;

	/* the same shape as tcp_mem: low, pressure, high (pages) */
	limit = max(limit, 128UL);
	sysctl_ses_mem[0] = limit / 4 * 3;
	sysctl_ses_mem[1] = limit;
	sysctl_ses_mem[2] = sysctl_ses_mem[0] * 2;
}

