/* Fuzz target: the rule language, parsed, bound to compiled formats and evaluated on real lines. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "halyze/logformat.h"
#include "halyze/rulelang.h"
#include "fuzz_check.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The lab's formats (reference/haproxy-2.6-sample-configs), as in tests/test_rulelang.c. */
static const char FMT_CUSTOM[] =
	"%ci:%cp [%tr] %ft %b/%s %TR/%Tw/%Tc/%Tr/%Ta %ST %B %CC %CS %tsc %ac/%fc/%bc/%sc/%rc %sq/%bq %hr %hs "
	"{%[ssl_c_verify], %[ssl_fc_has_crt], %{+Q}[ssl_c_i_dn(cn)]} %{+Q}r";
static const char FMT_SSLDETAIL[] =
	"used=%[ssl_c_used] has_crt=%[ssl_fc_has_crt] verify=%[ssl_c_verify] err=%[ssl_c_err] ca_err=%[ssl_c_ca_err] "
	"resumed=%[ssl_fc_is_resumed] sni=%[ssl_fc_sni] sid=%[ssl_fc_session_id,hex] serial=%[ssl_c_serial,hex] "
	"nb=%[ssl_c_notbefore] na=%[ssl_c_notafter] sdn=%{+Q}[ssl_c_s_dn] idn_cn=%[ssl_c_i_dn(CN)] fsdn=%[ssl_f_s_dn(CN)] "
	"ver=%sslv ciph=%sslc alpn=%[ssl_fc_alpn] proto=%[ssl_fc_protocol]";

/* Real lines of reference/haproxy-2.6-captured-lines.txt, two per format. */
static const char *const LINES[3][2] = {
	{ "127.0.0.1:59294 [27/Nov/2026:04:16:05.870] fe_http be_app/app1 0/0/0/0/0 200 77 - - ---- 2/1/0/0/0 0/0 {127.0.0.1:18080|curl/lab #22quoted#22 UA} {text/plain} \"GET /index.html HTTP/1.1\"",
	  "127.0.0.1:59324 [27/Nov/2026:04:16:05.936] fe_http be_dead/dead1 0/0/-1/-1/3004 503 217 - - SC-- 1/1/0/0/3 0/0 {127.0.0.1:18080|curl/7.88.1} {} \"GET /dead HTTP/1.1\"" },
	{ "127.0.0.1:44374 [27/Nov/2026:04:16:15.895] fe_custom~ be_app/app1 0/0/1/0/1 200 77 - - ---- 2/1/0/0/0 0/0 {0, 1, \"Example Root CA\"} \"GET /resume-test HTTP/1.1\"",
	  "127.0.0.1:44404 [27/Nov/2026:04:16:17.154] fe_custom~ be_app/app1 0/0/0/0/0 200 77 - - ---- 4/1/0/0/0 0/0 {0, 0, \"\"} \"GET /resume-test HTTP/1.1\"" },
	{ "used=1 has_crt=0 verify=0 err=0 ca_err=0 resumed=1 sni=www.example.test sid=8C8B43E40E8D5F8DCFCB1141FF08ABDC1BD30DF94708203F0087FCF2A983859E serial=1A2B3C nb=261127041537Z na=271127041537Z sdn=\"/C=US/O=Clients/CN=alice client\" idn_cn=Example Root CA fsdn=localhost ver=TLSv1.2 ciph=ECDHE-RSA-AES256-GCM-SHA384 alpn=- proto=TLSv1.2",
	  "used=0 has_crt=0 verify=0 err=0 ca_err=0 resumed=0 sni=- sid=CC326217D69899CC7EDA8082EE5B68A8549CE9D28E30FD81E3B38DC8E94486D9 serial=- nb=- na=- sdn=\"\" idn_cn=- fsdn=localhost ver=TLSv1.3 ciph=TLS_AES_256_GCM_SHA384 alpn=- proto=TLSv1.3" },
};

static struct hz_format *formats[3];
static struct hz_match match;

struct hitctx {
	size_t nrules;
	long hits;
};

static int on_hit(void *ud, size_t rule, const char *group, size_t n)
{
	struct hitctx *h = ud;

	FZ_CHECK(rule < h->nrules);
	/* NUL-terminated, and n long: a logged value may itself hold a NUL. */
	FZ_CHECK(group != NULL && group[n] == '\0' && strlen(group) <= n);
	h->hits++;
	return 0;
}

static void setup(void)
{
	FZ_CHECK(hz_format_predefined("httplog", &formats[0], NULL) == 0);
	FZ_CHECK(hz_format_compile(FMT_CUSTOM, sizeof(FMT_CUSTOM) - 1, &formats[1], NULL) == 0);
	FZ_CHECK(hz_format_compile(FMT_SSLDETAIL, sizeof(FMT_SSLDETAIL) - 1, &formats[2], NULL) == 0);
}

/* Evaluates the bound rules on line (p, n) when it matches the format. */
static void eval_line(struct hz_rules_binding *b, const struct hz_format *f, size_t nrules, const char *p, size_t n)
{
	struct hitctx h = { nrules, 0 };

	if (hz_format_match(f, p, n, &match, NULL) != 0)
		return;
	FZ_CHECK(hz_rules_eval(b, &match, on_hit, &h) == 0);
	FZ_CHECK(h.hits >= 0 && (size_t)h.hits <= nrules);
	FZ_CHECK(hz_rules_eval(b, &match, NULL, NULL) == 0);
}

static void check_ruleset(const struct hz_ruleset *rs, const char *extra, size_t extra_n)
{
	size_t n = hz_rules_count(rs), i, k, fi;

	for (i = 0; i < n; i++) {
		struct hz_rule_info ri;
		hz_rules_info(rs, i, &ri);
		FZ_CHECK(ri.name != NULL && ri.name[0] != '\0');
		FZ_CHECK(ri.severity == HZ_SEV_INFO || ri.severity == HZ_SEV_WARNING || ri.severity == HZ_SEV_ERROR);
		FZ_CHECK(ri.group_by != NULL);
		(void)strlen(ri.group_by);
		if (ri.explain)
			(void)strlen(ri.explain);
		if (ri.advice)
			(void)strlen(ri.advice);
		FZ_CHECK(ri.line >= 1);
	}
	for (fi = 0; fi < 3; fi++) {
		struct hz_rules_binding *b = NULL;
		char **missing = NULL;
		size_t nmissing = 0, ndisabled = 0;

		FZ_CHECK(hz_rules_bind(rs, formats[fi], &b, &missing, &nmissing) == 0);
		FZ_CHECK(b != NULL);
		for (k = 0; k < nmissing; k++)
			FZ_CHECK(strncmp(missing[k], "rule ", 5) == 0);
		for (i = 0; i < n; i++)
			ndisabled += !hz_rules_enabled(b, i);
		/* A disabled rule lacks at least one field, so has a message. */
		FZ_CHECK(ndisabled <= nmissing);
		FZ_CHECK((ndisabled == 0) == (nmissing == 0));
		FZ_CHECK(!hz_rules_enabled(b, n));
		hz_rules_free_messages(missing, nmissing);
		for (k = 0; k < 2; k++)
			eval_line(b, formats[fi], n, LINES[fi][k], strlen(LINES[fi][k]));
		if (extra)
			eval_line(b, formats[fi], n, extra, extra_n);
		hz_rules_binding_free(b);
	}
	for (i = 0; i <= n; i++)
		(void)hz_rules_limit_errors(rs, i);
}

static void parse(const char *text, size_t n, const char *extra, size_t extra_n)
{
	struct hz_ruleset *rs = (struct hz_ruleset *)0x1;
	struct hz_err err;
	int rc;

	memset(&err, 0, sizeof(err));
	rc = hz_rules_parse(text, n, "fuzz.rules", &rs, &err);
	if (rc != 0) {
		FZ_CHECK(rc < 0 && rs == NULL);
		FZ_CHECK(memchr(err.msg, 0, sizeof(err.msg)) != NULL);
		FZ_CHECK(err.code == rc);
		if (rc == HZ_ESYNTAX) {
			FZ_CHECK(err.line >= 1 && err.col >= 1);
			FZ_CHECK(err.msg[0] != '\0');
		}
		return;
	}
	FZ_CHECK(rs != NULL);
	check_ruleset(rs, extra, extra_n);
	hz_rules_free(rs);
}

/* The input is a rules text; when it holds a NUL, what follows the first
 * one is also matched as a line of each format (the whole input, NUL
 * included, is parsed first: an error). */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int ready;
	const char *t = (const char *)data;
	const char *nul = size ? memchr(t, '\0', size) : NULL;

	if (!ready) {
		setup();
		ready = 1;
	}
	if (nul) {
		size_t k = (size_t)(nul - t);
		parse(t, size, NULL, 0);
		parse(t, k, nul + 1, size - k - 1);
	} else {
		parse(t, size, NULL, 0);
	}
	return 0;
}
