// SPDX-License-Identifier: GPL-2.0
/*
 * Userspace unit test of the SES recovery arithmetic (net/ses/replay.c)
 * and extension codec (net/ses/ext.c), under ASan and UBSan: the cases
 * shared with the KUnit suite (tests/kunit/replay_cases.h), one TAP line
 * each. Exits 1 on any failure.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "replay.h"
#include "ext.h"
#include "spdu.h"

static int failed;

#define CHECK(cond) do {						\
	if (!(cond)) {							\
		printf("# %s:%d: failed: %s\n", __FILE__, __LINE__, #cond); \
		failed++;						\
		(void)ctx;						\
	}								\
} while (0)

#include "../kunit/replay_cases.h"

int main(void)
{
	size_t i, n = ARRAY_SIZE(replay_cases);
	int bad = 0;

	printf("TAP version 13\n1..%zu\n", n);
	for (i = 0; i < n; i++) {
		int before = failed;

		replay_cases[i].fn(NULL);
		printf("%sok %zu - replay: %s\n", failed > before ? "not " : "",
		       i + 1, replay_cases[i].name);
		bad += failed > before;
	}
	return bad ? 1 : 0;
}
