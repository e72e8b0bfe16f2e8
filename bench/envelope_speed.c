/* Throughput of hz_envelope_parse per header kind, in nanoseconds per line.
 * Build: cc -O2 -Iinclude bench/envelope_speed.c src/envelope.c -o envelope_speed */
#include <stdio.h>
#include <string.h>
#include <time.h>
#include "halyze/envelope.h"

#define MSG "127.0.0.1:59294 [27/Nov/2026:04:16:05.870] fe_http be_app/app1 0/0/0/0/0 200 77 - - ---- 2/1/0/0/0 0/0 {127.0.0.1:18080|curl/lab #22quoted#22 UA} {text/plain} \"GET /index.html HTTP/1.1\""

static const char *const lines[] = {
	MSG,
	"Feb 25 16:19:49 192.168.4.2 haproxy[7]: " MSG,
	"<134>Nov 27 04:16:05 lab-host haproxy-example[10231]: " MSG,
	"<134>Nov 27 04:16:05 haproxy-example[10231]: " MSG,
	"2026-11-27T04:16:05.873095+00:00 " MSG,
	"2026-11-27T04:16:05.873054+00:00 lab-host haproxy[10231]: " MSG,
	"2021-02-21T21:51:45.004358+00:00 local0.info host haproxy-example-ssl[3578986]: " MSG,
	"<134>1 2026-11-27T04:16:05.873054+00:00 lab-host haproxy-example 10231 - - " MSG,
	"<134>1 2026-11-27T04:16:19.989237+00:00 lab-host haproxy-example 10231 - [exampleSDID@1234 ua=\"ua \\\"with\\\" quotes\\]\" path=\"/sd\"] " MSG,
	"<6>2026-11-27T04:16:05.873142+00:00 " MSG,
	"<6>" MSG,
	"<134>" MSG,
};

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

int main(void)
{
	enum { ITER = 5000000 };
	volatile size_t sink = 0;

	for (size_t k = 0; k < sizeof lines / sizeof lines[0]; k++) {
		const char *p = lines[k];
		size_t n = strlen(p);
		struct hz_envelope e;
		double t0, t1;

		for (int i = 0; i < ITER / 10; i++) {
			hz_envelope_parse(p, n, &e);
			sink += e.msg.n;
		}
		t0 = now();
		for (int i = 0; i < ITER; i++) {
			hz_envelope_parse(p, n, &e);
			sink += e.msg.n + (size_t)e.kind;
		}
		t1 = now();
		printf("%-22s %6.1f ns/line\n", hz_hdr_name(e.kind), (t1 - t0) / ITER);
	}
	/* All of them in turn, so that branch prediction cannot settle. */
	{
		enum { NL = sizeof lines / sizeof lines[0] };
		size_t len[NL];
		struct hz_envelope e;
		double t0, t1;

		for (size_t k = 0; k < NL; k++)
			len[k] = strlen(lines[k]);
		t0 = now();
		for (int i = 0; i < ITER; i++) {
			size_t k = (size_t)i % NL;

			hz_envelope_parse(lines[k], len[k], &e);
			sink += e.msg.n + (size_t)e.kind;
		}
		t1 = now();
		printf("%-22s %6.1f ns/line\n", "(mixed)", (t1 - t0) / ITER);
	}
	return sink == 0;
}
