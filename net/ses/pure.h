/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The few kernel helpers the pure core (spdu.c, spm.c) uses, mapped so
 * that the same files also build in userspace for unit tests, fuzzing
 * and instruction counts. Nothing here may pull in the socket layer.
 */
#ifndef _SES_PURE_H
#define _SES_PURE_H

#ifdef __KERNEL__
#include <linux/types.h>
#include <linux/errno.h>
#include <linux/string.h>
#include <linux/kernel.h>
#include "compat.h"	/* get/put_unaligned_be16/32 */
#else
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <errno.h>

typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef uint64_t u64;
typedef int64_t s64;

#ifndef EBADMSG
#define EBADMSG 74
#endif

static inline u16 get_unaligned_be16(const void *p)
{
	const u8 *b = p;

	return (u16)((b[0] << 8) | b[1]);
}

static inline u32 get_unaligned_be32(const void *p)
{
	const u8 *b = p;

	return ((u32)b[0] << 24) | ((u32)b[1] << 16) | ((u32)b[2] << 8) | b[3];
}

static inline void put_unaligned_be16(u16 v, void *p)
{
	u8 *b = p;

	b[0] = v >> 8;
	b[1] = v;
}

static inline void put_unaligned_be32(u32 v, void *p)
{
	u8 *b = p;

	b[0] = v >> 24;
	b[1] = v >> 16;
	b[2] = v >> 8;
	b[3] = v;
}

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define BIT(n) (1UL << (n))
#ifndef min
#define min(a, b) ((a) < (b) ? (a) : (b))
#endif
#endif /* __KERNEL__ */

#endif /* _SES_PURE_H */
