/* Unit tests for the config lint: each finding on a config written for it. */
#include <stdio.h>
#include <string.h>

#include "halyze/haproxy_cfg.h"
#include "halyze/lint.h"
#include "hz_test.h"

struct result {
	struct hz_lint_finding *f;
	size_t n;
};

static void lint(const char *text, struct result *r)
{
	struct hz_cfg *c = NULL;
	struct hz_err e;

	r->f = NULL;
	r->n = 0;
	CHECK_EQ_INT(hz_cfg_parse(text, strlen(text), "t.cfg", &c, &e), 0);
	if (c)
		CHECK_EQ_INT(hz_lint(c, &r->f, &r->n), 0);
	hz_cfg_free(c);
}

/* How many findings of id on line (0: any line). */
static int has(const struct result *r, const char *id, int line)
{
	int k = 0;
	for (size_t i = 0; i < r->n; i++)
		if (strcmp(r->f[i].id, id) == 0 && (!line || r->f[i].line == line))
			k++;
	return k;
}

int main(void)
{
	struct result r;

	/* 1 global / 2 / 3 frontend / 4 bind verify optional / 5 acl / 6 set-header
	 * 7 set-var / 8 log-format logging has_crt alone */
	lint("global\n"
	     "  log stdout format raw local0\n"
	     "frontend fe\n"
	     "  bind :443 ssl crt x.pem ca-file ca.pem verify optional\n"
	     "  acl cert ssl_fc_has_crt\n"
	     "  http-request set-header X-Cert %[ssl_fc_has_crt]\n"
	     "  http-request set-var(txn.c) ssl_fc_has_crt\n"
	     "  log-format \"%ci %[ssl_fc_has_crt]\"\n", &r);
	CHECK_EQ_INT(has(&r, "has-crt-with-resumption", 5), 1);
	CHECK_EQ_INT(has(&r, "has-crt-with-resumption", 6), 1);
	CHECK_EQ_INT(has(&r, "has-crt-with-resumption", 7), 1);
	CHECK_EQ_INT(has(&r, "has-crt-with-resumption", 8), 0);   /* logging it is not testing it */
	CHECK_EQ_INT(has(&r, "has-crt-logged-alone", 8), 1);
	CHECK_EQ_INT(has(&r, "resumption-half-disabled", 0), 0);
	CHECK(r.n > 0 && r.f[0].line == 5);                        /* in line order */
	CHECK(r.n > 1 && strstr(r.f[1].fix, "X-Cert %[ssl_c_used]") != NULL);
	/* the fix of the log format is the line to paste */
	CHECK(r.n > 3 && strcmp(r.f[3].id, "has-crt-logged-alone") == 0
	      && strstr(r.f[3].fix, "log-format \"%ci %[ssl_fc_has_crt] %[ssl_fc_is_resumed] %[ssl_c_used]\"") != NULL);
	hz_lint_free(r.f, r.n);

	/* resumption fully off: tickets off on the bind, cache size 0: quiet */
	lint("global\n  tune.ssl.cachesize 0\n"
	     "frontend fe\n"
	     "  bind :443 ssl crt x.pem ca-file ca.pem verify optional no-tls-tickets\n"
	     "  http-request set-header X-Cert %[ssl_fc_has_crt]\n"
	     "  log-format \"%ci %[ssl_fc_has_crt] %[ssl_fc_is_resumed]\"\n", &r);
	CHECK_EQ_INT(r.n, 0);
	hz_lint_free(r.f, r.n);

	/* half off, both ways (global no-tls-tickets counts for every bind) */
	lint("frontend a\n  bind :1 ssl crt x.pem verify optional no-tls-tickets\n", &r);
	CHECK_EQ_INT(has(&r, "resumption-half-disabled", 2), 1);
	CHECK(r.n && strstr(r.f[0].message, "session cache") != NULL);
	hz_lint_free(r.f, r.n);
	lint("global\n  tune.ssl.cachesize 0\nfrontend a\n  bind :1 ssl crt x.pem verify required\n", &r);
	CHECK_EQ_INT(has(&r, "resumption-half-disabled", 4), 1);
	CHECK(r.n && strstr(r.f[0].message, "TLS tickets") != NULL);
	hz_lint_free(r.f, r.n);
	lint("global\n  ssl-default-bind-options no-tls-tickets\n  tune.ssl.cachesize 0\n"
	     "frontend a\n  bind :1 ssl crt x.pem verify optional\n  acl c ssl_fc_has_crt\n", &r);
	CHECK_EQ_INT(r.n, 0);
	hz_lint_free(r.f, r.n);

	/* has_crt where no bind asks for a certificate; chain on resumption;
	 * request headers at log time; unsigned flags; httplog in tcp mode */
	lint("frontend p\n"                                   /* 1 */
	     "  mode tcp\n"                                   /* 2 */
	     "  bind :80\n"                                   /* 3 */
	     "  option httplog\n"                             /* 4 */
	     "  tcp-request content accept if { ssl_fc_has_crt }\n"  /* 5 */
	     "frontend q\n"                                   /* 6 */
	     "  mode http\n"                                  /* 7 */
	     "  bind :443 ssl crt x.pem verify optional\n"    /* 8 */
	     "  http-request set-header X-Chain %[ssl_c_chain_der,base64]\n"  /* 9 */
	     "  log-format \"%{Q}r %{+Q,E}ci %[req.hdr(host)]\"\n", &r);      /* 10 */
	CHECK_EQ_INT(has(&r, "has-crt-without-verify", 5), 1);
	CHECK_EQ_INT(has(&r, "config-warning", 4), 1);
	CHECK_EQ_INT(has(&r, "chain-der-on-resumption", 9), 1);
	CHECK_EQ_INT(has(&r, "request-header-in-log-format", 10), 1);
	CHECK_EQ_INT(has(&r, "unsigned-log-flag", 10), 2);   /* Q and E; +Q is fine */
	hz_lint_free(r.f, r.n);

	/* in a {a, b, c} block the fields join the list in its own style */
	lint("frontend f\n  bind :443 ssl crt x.pem verify optional\n"
	     "  log-format \"{%[ssl_c_verify], %[ssl_fc_has_crt], %{+Q}[ssl_c_i_dn(cn)]} %{+Q}r\"\n", &r);
	CHECK(r.n >= 1 && strstr(r.f[r.n - 1].fix,
		"{%[ssl_c_verify], %[ssl_fc_has_crt], %[ssl_fc_is_resumed], %[ssl_c_used], %{+Q}[ssl_c_i_dn(cn)]}") != NULL);
	hz_lint_free(r.f, r.n);

	/* inheritance: the verify bind is in the frontend, the log format in defaults */
	lint("defaults\n  mode http\n  log-format \"%ci %[ssl_fc_has_crt]\"\n"
	     "frontend f\n  bind :443 ssl crt x.pem verify optional\n", &r);
	CHECK_EQ_INT(has(&r, "has-crt-logged-alone", 0), 1);
	hz_lint_free(r.f, r.n);
	return hz_test_done();
}
