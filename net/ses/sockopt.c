// SPDX-License-Identifier: GPL-2.0
/*
 * SES socket options (level SOL_SES). Other levels (SOL_IP, SOL_IPV6,
 * SOL_TCP) go to the TCP socket under the session. Process context; each
 * option takes the socket lock.
 */
#include <linux/net.h>
#include <net/sock.h>

#include "protocol.h"

static int ses_set_ssel(u8 *ssel, u8 *len, sockptr_t optval,
			unsigned int optlen)
{
	if (optlen > SES_SSEL_MAX)
		return -EINVAL;
	if (copy_from_sockptr(ssel, optval, optlen))
		return -EFAULT;
	*len = optlen;
	return 0;
}

/* Timeouts: milliseconds, at least 1 (no zero timers), at most 1 hour. */
static int ses_set_ms(u32 *ms, int val)
{
	if (val < 1 || val > 3600 * 1000)
		return -EINVAL;
	*ms = val;
	return 0;
}

/* Two bits per token, each SES_TS_INITIATOR, _RESPONDER or _CALLED_CHOICE. */
static bool ses_token_setting_valid(int val)
{
	int i;

	if (val & ~0xff)
		return false;
	for (i = 0; i < 8; i += 2)
		if (((val >> i) & 3) > SES_TS_CALLED_CHOICE)
			return false;
	return true;
}

/* Not yet connected or listening: negotiation options may change. */
static bool ses_negotiable(const struct sock *sk)
{
	return sk->sk_state == SES_SK_CLOSE && !ses_sk(sk)->strp_on &&
	       !sk->sk_shutdown;
}

static int ses_setsockopt_ses(struct sock *sk, int optname, sockptr_t optval,
			      unsigned int optlen)
{
	struct ses_sock *ses = ses_sk(sk);
	int val = 0, err = 0;

	switch (optname) {
	case SES_CALLING_SSEL:
	case SES_CALLED_SSEL:
		break;
	default:
		if (optlen < sizeof(int))
			return -EINVAL;
		if (copy_from_sockptr(&val, optval, sizeof(val)))
			return -EFAULT;
	}

	lock_sock(sk);
	switch (optname) {
	case SES_FUNCTIONAL_UNITS:
		if (!ses_negotiable(sk) && sk->sk_state != SES_SK_LISTEN)
			err = -EISCONN;
		else if (val & ~SES_FU_SUPPORTED ||
			 !(val & (SES_FU_HALF_DUPLEX | SES_FU_DUPLEX)))
			err = -EINVAL;	/* a unit SES does not implement */
		else
			ses->fu = val;
		ses->fu_set = !err;
		break;
	case SES_TOKEN_SETTING:
		if (!ses_negotiable(sk) && sk->sk_state != SES_SK_LISTEN)
			err = -EISCONN;
		else if (!ses_token_setting_valid(val))
			err = -EINVAL;
		else
			ses->token_setting = val;
		break;
	case SES_INITIAL_SERIAL:
		if (!ses_negotiable(sk))
			err = -EISCONN;
		else if (val < 0 || val > SES_SERIAL_MAX)
			err = -EINVAL;
		else
			ses->isn = val;
		break;
	case SES_TSDU_MAX:
		if (!ses_negotiable(sk) && sk->sk_state != SES_SK_LISTEN)
			err = -EISCONN;
		else if (val < 0 || val > 65535 || (val && val < 16))
			err = -EINVAL;
		else
			ses->tsdu_max = val;
		break;
	case SES_CALLING_SSEL:
		err = ses_negotiable(sk) || sk->sk_state == SES_SK_LISTEN ?
		      ses_set_ssel(ses->calling_ssel, &ses->calling_ssel_len,
				   optval, optlen) : -EISCONN;
		break;
	case SES_CALLED_SSEL:
		err = ses_negotiable(sk) || sk->sk_state == SES_SK_LISTEN ?
		      ses_set_ssel(ses->called_ssel, &ses->called_ssel_len,
				   optval, optlen) : -EISCONN;
		break;
	case SES_HANDSHAKE_TIMEOUT:
		err = ses_set_ms(&ses->handshake_ms, val);
		break;
	case SES_RELEASE_TIMEOUT:
		err = ses_set_ms(&ses->release_ms, val);
		break;
	case SES_TIM_TIMEOUT:
		err = ses_set_ms(&ses->tim_ms, val);
		break;
	case SES_ABORT:
		if (sk->sk_state == SES_SK_LISTEN || !ses->tcp)
			err = -ENOTCONN;
		else
			ses_abort(sk, SES_AB_LOCAL_USER);
		break;
	default:
		err = ses_resume_setsockopt(sk, optname, val);
	}
	release_sock(sk);
	return err;
}

int ses_setsockopt(struct sock *sk, int level, int optname,
		   sockptr_t optval, unsigned int optlen)
{
	struct ses_sock *ses = ses_sk(sk);
	int err;

	if (level == SOL_SES)
		return ses_setsockopt_ses(sk, optname, optval, optlen);
	if (level != SOL_IP && level != SOL_IPV6 && level != SOL_TCP)
		return -ENOPROTOOPT;

	lock_sock(sk);
	if (!ses->tcp && sk->sk_state == SES_SK_CLOSE && !sk->sk_shutdown)
		err = ses_tcp_create(sk, &ses->tcp);
	else
		err = ses->tcp ? 0 : -ENOTCONN;
	if (!err)
		err = ses->tcp->ops->setsockopt(ses->tcp, level, optname,
						optval, optlen);
	release_sock(sk);
	return err;
}

static void ses_fill_info(struct sock *sk, struct ses_info *info)
{
	struct ses_sock *ses = ses_sk(sk);

	memset(info, 0, sizeof(*info));
	info->version = SES_INFO_VERSION;
	switch (sk->sk_state) {
	case SES_SK_LISTEN:
		info->state = SES_ST_LISTEN;
		break;
	case SES_SK_CONNECTING:
		info->state = SES_ST_CONNECTING;
		break;
	case SES_SK_ACCEPTING:
		info->state = SES_ST_ACCEPTING;
		break;
	case SES_SK_ESTABLISHED:
		info->state = ses->spm.state == SES_STA03 ?
			      SES_ST_RELEASING : SES_ST_ESTABLISHED;
		break;
	default:
		info->state = ses->tcp || sk->sk_shutdown ? SES_ST_CLOSED :
							    SES_ST_IDLE;
	}
	if (ses->spm.version) {
		info->functional_units = ses->spm.fu;
		info->protocol_version = ses->spm.version;
		info->tsdu_max_send = ses->spm.tsdu_max_send;
		info->tsdu_max_recv = ses->spm.tsdu_max_recv;
	}
	info->tpdu_size = ses->cotp_state ? ses->tpdu_size : 0;
	info->refuse_reason = ses->refuse_reason;
	info->abort_reason = ses->abort_reason;
	info->ssdus_sent = ses->stats.ssdus_sent;
	info->ssdus_received = ses->stats.ssdus_received;
	info->bytes_sent = ses->stats.bytes_sent;
	info->bytes_received = ses->stats.bytes_received;
	info->spdus_sent = ses->stats.spdus_sent;
	info->spdus_received = ses->stats.spdus_received;
	ses_resume_fill_info(sk, info);
}

static int ses_put_int(int val, char __user *optval, int __user *optlen,
		       int len)
{
	if (len < sizeof(int))
		return -EINVAL;
	len = sizeof(int);
	if (put_user(len, optlen) || copy_to_user(optval, &val, len))
		return -EFAULT;
	return 0;
}

static int ses_put_bytes(const void *p, int plen, char __user *optval,
			 int __user *optlen, int len)
{
	len = min(len, plen);
	if (put_user(len, optlen) || copy_to_user(optval, p, len))
		return -EFAULT;
	return 0;
}

int ses_getsockopt(struct sock *sk, int level, int optname,
		   char __user *optval, int __user *optlen)
{
	struct ses_sock *ses = ses_sk(sk);
	struct ses_info info;
	int len, err, val;

	if (get_user(len, optlen))
		return -EFAULT;
	if (len < 0)
		return -EINVAL;
	if (level != SOL_SES) {
		if (level != SOL_IP && level != SOL_IPV6 && level != SOL_TCP)
			return -ENOPROTOOPT;
		lock_sock(sk);
		err = ses->tcp ? ses->tcp->ops->getsockopt(ses->tcp, level,
							     optname, optval,
							     optlen) :
				 -ENOTCONN;
		release_sock(sk);
		return err;
	}

	lock_sock(sk);
	switch (optname) {
	case SES_INFO:
		ses_fill_info(sk, &info);
		err = ses_put_bytes(&info, sizeof(info), optval, optlen, len);
		break;
	case SES_FUNCTIONAL_UNITS:
		val = ses->spm.version ? ses->spm.fu : ses->fu;
		err = ses_put_int(val, optval, optlen, len);
		break;
	case SES_TSDU_MAX:
		val = ses->spm.version ? ses->spm.tsdu_max_send : ses->tsdu_max;
		err = ses_put_int(val, optval, optlen, len);
		break;
	case SES_CALLING_SSEL:
		err = ses_put_bytes(ses->calling_ssel, ses->calling_ssel_len,
				    optval, optlen, len);
		break;
	case SES_CALLED_SSEL:
		err = ses_put_bytes(ses->called_ssel, ses->called_ssel_len,
				    optval, optlen, len);
		break;
	case SES_REFUSE_REASON:
		err = ses_put_int(ses->refuse_reason, optval, optlen, len);
		break;
	case SES_HANDSHAKE_TIMEOUT:
		err = ses_put_int(ses->handshake_ms, optval, optlen, len);
		break;
	case SES_RELEASE_TIMEOUT:
		err = ses_put_int(ses->release_ms, optval, optlen, len);
		break;
	case SES_TIM_TIMEOUT:
		err = ses_put_int(ses->tim_ms, optval, optlen, len);
		break;
	case SES_ABORT_REASON:
		err = ses_put_int(ses->abort_reason, optval, optlen, len);
		break;
	case SES_TOKEN_SETTING:
		err = ses_put_int(ses->token_setting, optval, optlen, len);
		break;
	case SES_TOKENS:
		err = ses_put_int(ses->spm.tokens_owned, optval, optlen, len);
		break;
	case SES_TOKENS_AVAILABLE:
		err = ses_put_int(ses->spm.tokens_avail, optval, optlen, len);
		break;
	case SES_INITIAL_SERIAL:
		val = ses->spm.version ? ses->spm.isn : ses->isn;
		err = ses_put_int(val, optval, optlen, len);
		break;
	case SES_SERIALS: {
		struct ses_serials sr = {
			.version = SES_SERIALS_VERSION,
			.va = ses->spm.va,
			.vm = ses->spm.vm,
			.vr = ses->spm.vr,
			.vsc = ses->spm.vsc,
			.last_placed = ses->spm.last_placed,
		};

		err = ses_put_bytes(&sr, sizeof(sr), optval, optlen, len);
		break;
	}
	default:
		err = ses_resume_getsockopt(sk, optname, &val);
		if (!err)
			err = ses_put_int(val, optval, optlen, len);
	}
	release_sock(sk);
	return err;
}
