/* Unit tests of the rule language: parse errors with positions, and rules evaluated on the lab's real lines. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "halyze/logformat.h"
#include "halyze/rulelang.h"
#include "hz_test.h"

/* The lab's formats, copied from reference/haproxy-2.6-sample-configs/haproxy-sample.cfg. */
static const char FMT_CUSTOM[] =
	"%ci:%cp [%tr] %ft %b/%s %TR/%Tw/%Tc/%Tr/%Ta %ST %B %CC %CS %tsc %ac/%fc/%bc/%sc/%rc %sq/%bq %hr %hs "
	"{%[ssl_c_verify], %[ssl_fc_has_crt], %{+Q}[ssl_c_i_dn(cn)]} %{+Q}r";
static const char FMT_SSLDETAIL[] =
	"used=%[ssl_c_used] has_crt=%[ssl_fc_has_crt] verify=%[ssl_c_verify] err=%[ssl_c_err] ca_err=%[ssl_c_ca_err] "
	"resumed=%[ssl_fc_is_resumed] sni=%[ssl_fc_sni] sid=%[ssl_fc_session_id,hex] serial=%[ssl_c_serial,hex] "
	"nb=%[ssl_c_notbefore] na=%[ssl_c_notafter] sdn=%{+Q}[ssl_c_s_dn] idn_cn=%[ssl_c_i_dn(CN)] fsdn=%[ssl_f_s_dn(CN)] "
	"ver=%sslv ciph=%sslc alpn=%[ssl_fc_alpn] proto=%[ssl_fc_protocol]";

/* Lines from reference/haproxy-2.6-captured-lines.txt: fe_http (option httplog),
 * fe_custom and fe_ssldetail, in the order HAProxy wrote them. */
static const char *const http_lines[] = {
	/* 0 */ "127.0.0.1:59294 [27/Nov/2026:04:16:05.870] fe_http be_app/app1 0/0/0/0/0 200 77 - - ---- 2/1/0/0/0 0/0 {127.0.0.1:18080|curl/lab #22quoted#22 UA} {text/plain} \"GET /index.html HTTP/1.1\"",
	/* 1 */ "127.0.0.1:59308 [27/Nov/2026:04:16:05.911] fe_http fe_http/<NOSRV> 0/-1/-1/-1/0 302 91 - - LR-- 3/2/0/0/0 0/0 {127.0.0.1:18080|curl/7.88.1} {} \"GET /redir HTTP/1.1\"",
	/* 2 */ "127.0.0.1:59310 [27/Nov/2026:04:16:05.912] fe_http be_app/app1 0/0/0/1/1 404 83 - - ---- 3/1/0/0/0 0/0 {127.0.0.1:18080|curl/7.88.1} {text/plain} \"GET /missing?x=1 HTTP/1.1\"",
	/* 3 */ "127.0.0.1:59324 [27/Nov/2026:04:16:05.936] fe_http be_dead/dead1 0/0/-1/-1/3004 503 217 - - SC-- 1/1/0/0/3 0/0 {127.0.0.1:18080|curl/7.88.1} {} \"GET /dead HTTP/1.1\"",
	/* 4 */ "127.0.0.1:37720 [27/Nov/2026:04:16:08.963] fe_http be_app/app1 0/0/0/0/0 200 77 - - ---- 2/1/0/0/0 0/0 {127.0.0.1:18080|curl/7.88.1} {text/plain} \"POST /form HTTP/1.1\"",
	/* 5 */ "127.0.0.1:37726 [27/Nov/2026:04:16:09.333] fe_http fe_http/<NOSRV> -1/-1/-1/-1/0 400 0 - - PR-- 2/1/0/0/0 0/0 \"<BADREQ>\"",
	/* 6 */ "127.0.0.1:37738 [27/Nov/2026:04:16:09.634] fe_http fe_http/<NOSRV> -1/-1/-1/-1/0 400 0 - - PR-- 2/1/0/0/0 0/0 \"<BADREQ>\"",
	/* 7 */ "127.0.0.1:37754 [27/Nov/2026:04:16:09.935] fe_http fe_http/<NOSRV> -1/-1/-1/-1/0 400 0 - - PR-- 2/1/0/0/0 0/0 \"<BADREQ>\"",
	/* 8 */ "127.0.0.1:37758 [27/Nov/2026:04:16:10.236] fe_http fe_http/<NOSRV> -1/-1/-1/-1/2001 408 0 - - cR-- 1/1/0/0/0 0/0 \"<BADREQ>\"",
	/* 9 */ "127.0.0.1:37772 [27/Nov/2026:04:16:12.244] fe_http fe_http/<NOSRV> -1/-1/-1/-1/2002 408 0 - - cR-- 1/1/0/0/0 0/0 \"<BADREQ>\"",
	/* 10 */ "127.0.0.1:37788 [27/Nov/2026:04:16:14.846] fe_http be_app/app1 0/0/0/0/0 200 77 - - ---- 2/1/0/0/0 0/0 {|} {text/plain} \"GET /http10 HTTP/1.0\"",
	/* 11 */ "127.0.0.1:37792 [27/Nov/2026:04:16:15.147] fe_http be_app/app1 0/0/0/0/0 200 77 - - ---- 3/1/0/0/0 0/0 {www.example.test|} {text/plain} \"GET http://www.example.test/abs/path?k=v HTTP/1.1\"",
};

static const char *const custom_lines[] = {
	/* 0 */ "127.0.0.1:44374 [27/Nov/2026:04:16:15.895] fe_custom~ be_app/app1 0/0/1/0/1 200 77 - - ---- 2/1/0/0/0 0/0 {0, 1, \"Example Root CA\"} \"GET /resume-test HTTP/1.1\"",
	/* 1 */ "127.0.0.1:44378 [27/Nov/2026:04:16:16.035] fe_custom~ be_app/app1 0/0/2/0/2 200 77 - - ---- 3/1/0/0/0 0/0 {0, 0, \"Example Root CA\"} \"GET /resume-test HTTP/1.1\"",
	/* 2 */ "127.0.0.1:44382 [27/Nov/2026:04:16:16.220] fe_custom~ be_app/app1 0/0/5/0/5 200 77 - - ---- 4/1/0/0/0 0/0 {0, 1, \"Example Root CA\"} \"GET /resume-test HTTP/1.1\"",
	/* 3 */ "127.0.0.1:44398 [27/Nov/2026:04:16:16.429] fe_custom~ be_app/app1 0/0/1/0/1 200 77 - - ---- 4/1/0/0/0 0/0 {0, 0, \"Example Root CA\"} \"GET /resume-test HTTP/1.1\"",
	/* 4 */ "127.0.0.1:47246 [27/Nov/2026:04:16:16.653] fe_custom~ be_app/app1 0/0/1/0/1 200 77 - - ---- 4/1/0/0/0 0/0 {0, 1, \"Example Root CA\"} \"GET /resume-test HTTP/1.1\"",
	/* 5 */ "127.0.0.1:47260 [27/Nov/2026:04:16:16.877] fe_custom~ be_app/app1 0/0/0/0/0 200 77 - - ---- 4/1/0/0/0 0/0 {0, 0, \"Example Root CA\"} \"GET /resume-test HTTP/1.1\"",
	/* 6 */ "127.0.0.1:44404 [27/Nov/2026:04:16:17.154] fe_custom~ be_app/app1 0/0/0/0/0 200 77 - - ---- 4/1/0/0/0 0/0 {0, 0, \"\"} \"GET /resume-test HTTP/1.1\"",
};

static const char *const ssl_lines[] = {
	/* 0 */ "used=1 has_crt=1 verify=0 err=0 ca_err=0 resumed=0 sni=www.example.test sid=- serial=1A2B3C nb=261127041537Z na=271127041537Z sdn=\"/C=US/O=Clients/CN=alice client\" idn_cn=Example Root CA fsdn=localhost ver=TLSv1.2 ciph=ECDHE-RSA-AES256-GCM-SHA384 alpn=- proto=TLSv1.2",
	/* 1 */ "used=1 has_crt=0 verify=0 err=0 ca_err=0 resumed=1 sni=www.example.test sid=8C8B43E40E8D5F8DCFCB1141FF08ABDC1BD30DF94708203F0087FCF2A983859E serial=1A2B3C nb=261127041537Z na=271127041537Z sdn=\"/C=US/O=Clients/CN=alice client\" idn_cn=Example Root CA fsdn=localhost ver=TLSv1.2 ciph=ECDHE-RSA-AES256-GCM-SHA384 alpn=- proto=TLSv1.2",
	/* 2 */ "used=1 has_crt=1 verify=0 err=0 ca_err=0 resumed=0 sni=www.example.test sid=7CA4893BB9334465A35292B625C8E598C1776C331C19ECD3E5B9CCDE09FE56C7 serial=1A2B3C nb=261127041537Z na=271127041537Z sdn=\"/C=US/O=Clients/CN=alice client\" idn_cn=Example Root CA fsdn=localhost ver=TLSv1.3 ciph=TLS_AES_256_GCM_SHA384 alpn=- proto=TLSv1.3",
	/* 3 */ "used=1 has_crt=0 verify=0 err=0 ca_err=0 resumed=1 sni=www.example.test sid=75A3BE004A98ACF31642CA58645528C3147B632C982664FF2DE14E7C4654EF04 serial=1A2B3C nb=261127041537Z na=271127041537Z sdn=\"/C=US/O=Clients/CN=alice client\" idn_cn=Example Root CA fsdn=localhost ver=TLSv1.3 ciph=TLS_AES_256_GCM_SHA384 alpn=- proto=TLSv1.3",
	/* 4 */ "used=1 has_crt=1 verify=18 err=18 ca_err=0 resumed=0 sni=www.example.test sid=FAC56F450A9B243781A75E6C37726C98CD1C4941B7D131E97A1B72C8E313BB94 serial=2A4E9667EC2FA0F2CCDF090001460F0EC1CFA1E8 nb=261127041537Z na=261227041537Z sdn=\"/CN=self signed mallory\" idn_cn=self signed mallory fsdn=localhost ver=TLSv1.3 ciph=TLS_AES_256_GCM_SHA384 alpn=- proto=TLSv1.3",
	/* 5 */ "used=0 has_crt=0 verify=0 err=0 ca_err=0 resumed=0 sni=- sid=CC326217D69899CC7EDA8082EE5B68A8549CE9D28E30FD81E3B38DC8E94486D9 serial=- nb=- na=- sdn=\"\" idn_cn=- fsdn=localhost ver=TLSv1.3 ciph=TLS_AES_256_GCM_SHA384 alpn=- proto=TLSv1.3",
};

#define NLINES(a) (sizeof(a) / sizeof((a)[0]))

static struct hz_format *compile(const char *s)
{
	struct hz_format *f = NULL;
	struct hz_err e;

	if (hz_format_compile(s, strlen(s), &f, &e) != 0)
		fprintf(stderr, "format does not compile: col %u: %s\n", e.col, e.msg);
	return f;
}

static struct hz_format *predefined(const char *name)
{
	struct hz_format *f = NULL;
	struct hz_err e;

	if (hz_format_predefined(name, &f, &e) != 0)
		fprintf(stderr, "no predefined %s: %s\n", name, e.msg);
	return f;
}

static struct hz_ruleset *parse_ok(const char *text)
{
	struct hz_ruleset *rs = NULL;
	struct hz_err e;
	int rc = hz_rules_parse(text, strlen(text), "t.rules", &rs, &e);

	if (rc)
		fprintf(stderr, "parse failed: %d:%u: %s\n  in: %s\n", (int)e.line, (unsigned)e.col, e.msg, text);
	CHECK_EQ_INT(rc, 0);
	return rs;
}

/* Parses a text that must fail at (line, col) with a message holding `part`. */
#define PARSE_ERR(text, l, c, part) parse_err(__LINE__, text, sizeof(text) - 1, l, c, part)
static void parse_err(int at, const char *text, size_t n, int line, int col, const char *part)
{
	struct hz_ruleset *rs = (struct hz_ruleset *)0x1;
	struct hz_err e;
	int rc = hz_rules_parse(text, n, "t.rules", &rs, &e);
	int ok = rc == HZ_ESYNTAX && rs == NULL && e.line == (uint64_t)line && e.col == (uint32_t)col &&
		 strstr(e.msg, part) != NULL && strcmp(e.file, "t.rules") == 0 && e.code == HZ_ESYNTAX;

	if (!ok)
		fprintf(stderr, "test line %d: got rc %d at %d:%u \"%s\", want %d:%d \"...%s...\"\n",
			at, rc, (int)e.line, (unsigned)e.col, e.msg, line, col, part);
	CHECK(ok);
	if (rc == 0)
		hz_rules_free(rs);
}

/* What one evaluation pass found: per rule, a bit per line that hit, and
 * the group of each hit. */
struct hits {
	uint32_t mask[32];
	char group[32][16][128];
	size_t line;
	int calls;
};

static int on_hit(void *ud, size_t rule, const char *group, size_t n)
{
	struct hits *h = ud;

	CHECK(strlen(group) == n);
	if (rule < 32 && h->line < 16) {
		h->mask[rule] |= 1u << h->line;
		snprintf(h->group[rule][h->line], sizeof(h->group[rule][h->line]), "%.*s", (int)n, group);
	}
	h->calls++;
	return 0;
}

/* Binds rules to the format and evaluates them on every line. */
static void run_lines(const char *rules, struct hz_format *f, const char *const *lines, size_t nlines,
		      struct hits *h, char ***missing, size_t *nmissing)
{
	struct hz_ruleset *rs = parse_ok(rules);
	struct hz_rules_binding *b = NULL;
	static struct hz_match m;
	size_t i;

	memset(h, 0, sizeof(*h));
	if (!rs || !f)
		return;
	CHECK_EQ_INT(hz_rules_bind(rs, f, &b, missing, nmissing), 0);
	for (i = 0; b && i < nlines; i++) {
		struct hz_err why;
		int rc = hz_format_match(f, lines[i], strlen(lines[i]), &m, &why);
		if (rc)
			fprintf(stderr, "line %zu does not match: col %u: %s\n", i, why.col, why.msg);
		CHECK_EQ_INT(rc, 0);
		h->line = i;
		CHECK_EQ_INT(hz_rules_eval(b, &m, on_hit, h), 0);
	}
	hz_rules_binding_free(b);
	hz_rules_free(rs);
}

static void test_info(void)
{
	static const char text[] =
		"# example rules\n"
		"rule cert-missing warning when ssl_fc_has_crt == 0 && ssl_fc_is_resumed == 0 && frontend == \"example-ssl\" group by client_ip explain \"Clients that sent no certificate\"\n"
		"\n"
		"  rule slow  info\n"
		"     when time_total >= 2s   # two seconds\n"
		"     advice \"look at \\\"the\\\\backend\\\"\"\n"
		"     group by backend, server\n"
		"rule e.r-r_1 error when ST >= 500 # rule in a comment\n"
		"rule\tlast info\n\twhen (x exists)explain\"#not a comment\"";
	struct hz_ruleset *rs = parse_ok(text);
	struct hz_rule_info ri;

	if (!rs)
		return;
	CHECK_EQ_INT(hz_rules_count(rs), 4);
	hz_rules_info(rs, 0, &ri);
	CHECK(strcmp(ri.name, "cert-missing") == 0);
	CHECK_EQ_INT(ri.severity, HZ_SEV_WARNING);
	CHECK(ri.explain && strcmp(ri.explain, "Clients that sent no certificate") == 0);
	CHECK(ri.advice == NULL);
	CHECK(strcmp(ri.group_by, "client_ip") == 0);
	CHECK_EQ_INT(ri.line, 2);
	hz_rules_info(rs, 1, &ri);
	CHECK(strcmp(ri.name, "slow") == 0);
	CHECK_EQ_INT(ri.severity, HZ_SEV_INFO);
	CHECK(ri.explain == NULL);
	CHECK(ri.advice && strcmp(ri.advice, "look at \"the\\backend\"") == 0);
	CHECK(strcmp(ri.group_by, "backend server") == 0);
	CHECK_EQ_INT(ri.line, 4);
	hz_rules_info(rs, 2, &ri);
	CHECK(strcmp(ri.name, "e.r-r_1") == 0);
	CHECK_EQ_INT(ri.severity, HZ_SEV_ERROR);
	CHECK(strcmp(ri.group_by, "") == 0);
	CHECK_EQ_INT(ri.line, 8);
	hz_rules_info(rs, 3, &ri);
	CHECK(strcmp(ri.name, "last") == 0);
	CHECK(ri.explain && strcmp(ri.explain, "#not a comment") == 0);
	CHECK_EQ_INT(ri.line, 9);
	CHECK_EQ_INT(hz_rules_limit_errors(rs, 0), 0);
	hz_rules_info(rs, 99, &ri);
	CHECK(ri.name == NULL);
	hz_rules_free(rs);

	/* Nothing, blanks, comments: zero rules. */
	rs = parse_ok("");
	CHECK_EQ_INT(hz_rules_count(rs), 0);
	hz_rules_free(rs);
	rs = parse_ok("  \n# only a comment\n\t\n# rule x info when y exists\n");
	CHECK_EQ_INT(hz_rules_count(rs), 0);
	hz_rules_free(rs);
	CHECK_EQ_INT(hz_rules_parse(NULL, 0, "t", &rs, NULL), 0);
	CHECK_EQ_INT(hz_rules_count(rs), 0);
	hz_rules_free(rs);
	hz_rules_free(NULL);
}

static void test_errors(void)
{
	char deep[2048];
	size_t o;
	int i;

	PARSE_ERR("rule a warn when x exists", 1, 8, "unknown severity 'warn'");
	PARSE_ERR("rule a Warning when x exists", 1, 8, "unknown severity");
	PARSE_ERR("rule a info x exists", 1, 13, "missing `when`");
	PARSE_ERR("rule a info", 1, 12, "missing `when`");
	PARSE_ERR("rule a", 1, 7, "missing severity");
	PARSE_ERR("rule", 1, 5, "missing rule name");
	PARSE_ERR("rule a info when (x exists", 1, 18, "`(` is never closed");
	PARSE_ERR("rule a info when\n  ((x exists)\n", 2, 3, "`(` is never closed");
	PARSE_ERR("rule a info when x exists)", 1, 26, "unbalanced parentheses: `)` without `(`");
	PARSE_ERR("rule a info when (x exists y == 1)", 1, 28, "expected `)` to close the `(` of line 1, column 18");
	PARSE_ERR("rule a info when ()", 1, 19, "unbalanced parentheses");
	PARSE_ERR("rule a info when x =~ /a(b/", 1, 27, "bad regex: missing closing parenthesis");
	PARSE_ERR("rule a info when x =~ /\\/(/", 1, 27, "bad regex: missing closing parenthesis");
	PARSE_ERR("rule a info when x =~ /a)b/", 1, 25, "bad regex: ");
	PARSE_ERR("rule a info when x =~ /\\/\\/a)b/", 1, 29, "bad regex: ");
	PARSE_ERR("rule a info when x =~ /x{2,1}/", 1, 29, "bad regex: ");
	PARSE_ERR("rule a info when x exists\nrule a error when y exists", 2, 6, "duplicate rule name 'a' (first defined on line 1)");
	PARSE_ERR("rule a info when x exists foo", 1, 27, "unexpected 'foo'");
	PARSE_ERR("rule a info when x exists && y exists extra == 1", 1, 39, "unexpected 'extra'");
	PARSE_ERR("rule a info when x exists explain \"t\" 42", 1, 39, "unexpected '42'");
	PARSE_ERR("rule a info when x == \"abc", 1, 23, "unterminated string");
	PARSE_ERR("rule a info when x == \"abc\n\" explain", 1, 23, "unterminated string");
	PARSE_ERR("rule a info when x == \"abc\\", 1, 23, "unterminated string");
	PARSE_ERR("rule a info when x =~ /abc", 1, 23, "unterminated regex");
	PARSE_ERR("rule a info when x =~ /abc\\/", 1, 23, "unterminated regex");
	PARSE_ERR("rule a info when x =~ /abc\n/", 1, 23, "unterminated regex");
	PARSE_ERR("rule a info when x =~ /abc/iq", 1, 29, "unknown regex flag 'q'");
	PARSE_ERR("rule a info when x =~ \"abc\"", 1, 23, "expected a /regex/");
	PARSE_ERR("rule a info when x exists rule b info when y exists", 1, 27, "a rule must begin a line");
	PARSE_ERR("foo\nrule a info when x exists", 1, 1, "expected `rule`");
	PARSE_ERR("  # c\n  \"s\"", 2, 3, "expected `rule`");
	PARSE_ERR("# c\n\nrule a info when x\n    == 1 &&\nrule b info when y exists", 4, 12, "at the end of the rule");
	PARSE_ERR("rule a info when x ==\n\nrule b info when y exists", 1, 22, "at the end of the rule");
	PARSE_ERR("rule a info when\n", 1, 17, "at the end of the rule");
	PARSE_ERR("rule a info when x == \"a\\nb\"", 1, 25, "unknown escape `\\n`");
	PARSE_ERR("rule a info when x == 5x", 1, 23, "bad number or duration '5x'");
	PARSE_ERR("rule a info when x == 5sec", 1, 23, "bad number or duration");
	PARSE_ERR("rule a info when x == 99999999999999999999", 1, 23, "number out of range");
	PARSE_ERR("rule a info when x > 9999999999999999d", 1, 22, "number out of range");
	PARSE_ERR("rule a info when x == -", 1, 23, "expected a number");
	PARSE_ERR("rule a info when x == y", 1, 23, "expected a number, a duration or a string, found 'y'");
	PARSE_ERR("rule a info when x in {}", 1, 24, "empty set");
	PARSE_ERR("rule a info when x in 1", 1, 23, "expected `{` after `in`");
	PARSE_ERR("rule a info when x in {1, 2", 1, 23, "`{` is never closed");
	PARSE_ERR("rule a info when x in {1 2}", 1, 26, "expected `,` or `}`");
	PARSE_ERR("rule a info when\n  x in {1,\n 2,\n   3", 2, 8, "`{` is never closed");
	PARSE_ERR("rule a info when\n  x in {1,\n 2,\n  \"3", 4, 3, "unterminated string");
	PARSE_ERR("rule a info when x in {1,}", 1, 26, "expected a number");
	PARSE_ERR("rule a info when x exists group client_ip", 1, 33, "expected `by`");
	PARSE_ERR("rule a info when x exists group by", 1, 35, "expected a field name");
	PARSE_ERR("rule a info when x exists group by a, 3", 1, 39, "expected a field name, found '3'");
	PARSE_ERR("rule a info when x exists explain \"a\" explain \"b\"", 1, 39, "`explain` given twice");
	PARSE_ERR("rule a info when x exists group by a advice \"b\" group by b", 1, 49, "`group by` given twice");
	PARSE_ERR("rule a info when x exists explain", 1, 34, "expected a string after `explain`");
	PARSE_ERR("rule a info when x exists advice ok", 1, 34, "expected a string after `advice`, found 'ok'");
	PARSE_ERR("rule a info\0when x exists", 1, 12, "NUL byte");
	PARSE_ERR("rule a info when\n x exists\n\n y\0", 4, 3, "NUL byte");
	PARSE_ERR("rule a info when x = 1", 1, 20, "expected an operator");
	PARSE_ERR("rule a info when x", 1, 19, "expected an operator after field 'x' at the end of the rule");
	PARSE_ERR("rule a info when x ! 1", 1, 20, "expected an operator");
	PARSE_ERR("rule a+b info when x exists", 1, 7, "bad character '+' in rule name");
	PARSE_ERR("rule +a info when x exists", 1, 6, "bad rule name '+'");
	PARSE_ERR("rule a info when ssl_c_i_dn(cn exists", 1, 28, "unbalanced parentheses in the arguments of field 'ssl_c_i_dn'");
	PARSE_ERR("rule a info when [ssl_c_i_dn(cn) exists", 1, 18, "unterminated `[`");
	PARSE_ERR("rule a info when [] exists", 1, 18, "empty field name");
	PARSE_ERR("rule a info when && x exists", 1, 18, "expected a field name, `(` or `!`, found '&&'");
	PARSE_ERR("rule a info when x exists || || y exists", 1, 30, "expected a field name");
	PARSE_ERR("rule a info when x exists & y exists", 1, 27, "unexpected '&'");

	/* Nesting: 64 levels are fine, the 65th is an error, not a deep recursion. */
	o = (size_t)snprintf(deep, sizeof(deep), "rule d info when ");
	for (i = 0; i < 64; i++)
		deep[o++] = '(';
	o += (size_t)snprintf(deep + o, sizeof(deep) - o, "x exists");
	for (i = 0; i < 64; i++)
		deep[o++] = ')';
	deep[o] = '\0';
	hz_rules_free(parse_ok(deep));
	o = (size_t)snprintf(deep, sizeof(deep), "rule d info when ");
	for (i = 0; i < 65; i++)
		deep[o++] = i % 2 ? '!' : '(';
	o += (size_t)snprintf(deep + o, sizeof(deep) - o, "x exists");
	for (i = 0; i < 33; i++)
		deep[o++] = ')';
	deep[o] = '\0';
	parse_err(__LINE__, deep, o, 1, 18 + 64, "nested too deeply");
	{
		/* A million opening parentheses, and a long flat chain of && that
		 * compiles without recursion. */
		size_t big = 1000000, k;
		char *s = malloc(big + 64);
		struct hz_ruleset *rs = NULL;
		struct hz_err e;
		if (s) {
			memcpy(s, "rule d info when ", 17);
			memset(s + 17, '(', big);
			CHECK_EQ_INT(hz_rules_parse(s, big + 17, "t", &rs, &e), HZ_ESYNTAX);
			CHECK(strstr(e.msg, "nested too deeply") != NULL);
			o = 17;
			for (k = 0; k < 20000; k++)
				o += (size_t)sprintf(s + o, "%sx exists", k ? " && " : "");
			CHECK_EQ_INT(hz_rules_parse(s, o, "t", &rs, &e), 0);
			CHECK_EQ_INT(hz_rules_count(rs), 1);
			hz_rules_free(rs);
			free(s);
		}
	}
}

/* fe_ssldetail: ssl fetches named as written in the format. */
static void test_ssldetail(void)
{
	static const char rules[] =
		"rule r warning when ssl_fc_has_crt == 0 && ssl_fc_is_resumed == 1\n"          /* 0 */
		"rule verify-ne info when ssl_c_verify != 0\n"                                 /* 1 */
		"rule verify-in info when ssl_c_verify in {18, 19}\n"                          /* 2 */
		"rule err-str info when ssl_c_err in {\"17\", \"18\"}\n"                       /* 3 */
		"rule sni info when ssl_fc_sni exists\n"                                       /* 4 */
		"rule no-sni info when !(ssl_fc_sni exists)\n"                                 /* 5 */
		"rule sni-ne info when ssl_fc_sni != \"x\"\n"                                  /* 6 */
		"rule serial info when ssl_c_serial,hex == \"1A2B3C\"\n"                       /* 7 */
		"rule cn-i info when ssl_c_i_dn(CN) =~ /example root/i\n"                      /* 8 */
		"rule cn-case info when ssl_c_i_dn(CN) =~ /example root/\n"                    /* 9 */
		"rule cn-not info when ssl_c_i_dn(CN) !~ /^Example/\n"                         /* 10 */
		"rule sdn info when ssl_c_s_dn =~ /^\\/C=US\\//\n"                             /* 11 */
		"rule alice13 info when ssl_c_s_dn =~ /ALICE/i && ssl_fc_protocol == \"TLSv1.3\"\n" /* 12 */
		"rule ciph-lt info when sslc < \"F\"\n"                                        /* 13 */
		"rule ciph-ge info when tls_cipher >= \"TLS\"\n"                               /* 14 */
		"rule or info when ssl_c_used == 0 || ssl_c_verify > 0\n"                      /* 15 */
		"rule groups info when ssl_fc_sni == \"www.example.test\" group by ssl_c_serial,hex, tls_version\n" /* 16 */
		"rule empty-group info when ssl_c_used == 0 group by ssl_fc_sni, [ssl_c_serial,hex]\n" /* 17 */
		"rule fe info when frontend == \"fe_ssldetail\" && ssl_c_used == 1\n"          /* 18 */
		"rule x-mode info when ssl_c_s_dn =~ /alice \\  client/x\n"                    /* 19 */
		"rule multi info when ssl_c_s_dn =~ /CN=alice.client$/sm\n"                    /* 20 */
		"rule bracket info when [ssl_c_i_dn(CN)] == \"Example Root CA\"\n";            /* 21 */
	struct hz_format *f = compile(FMT_SSLDETAIL);
	struct hits h;
	char **missing = NULL;
	size_t nmissing = 0;

	/* Hex text is compared as a string; unquoted it is a bad number. */
	PARSE_ERR("rule hexnum info when ssl_c_serial,hex == 1A2B3C", 1, 43, "bad number or duration '1A'");
	run_lines(rules, f, ssl_lines, NLINES(ssl_lines), &h, &missing, &nmissing);
	CHECK_EQ_INT(h.mask[0], 0x0a);   /* the two resumed=1 lines */
	CHECK_EQ_INT(h.mask[1], 0x10);   /* verify=18 */
	CHECK_EQ_INT(h.mask[2], 0x10);
	CHECK_EQ_INT(h.mask[3], 0x10);
	CHECK_EQ_INT(h.mask[4], 0x1f);   /* the last line logged sni=- */
	CHECK_EQ_INT(h.mask[5], 0x20);
	CHECK_EQ_INT(h.mask[6], 0x1f);   /* != is false on an empty field */
	CHECK_EQ_INT(h.mask[7], 0x0f);
	CHECK_EQ_INT(h.mask[8], 0x0f);
	CHECK_EQ_INT(h.mask[9], 0x00);
	CHECK_EQ_INT(h.mask[10], 0x10);  /* mallory; the empty idn_cn=- does not count */
	CHECK_EQ_INT(h.mask[11], 0x0f);  /* sdn="" is empty */
	CHECK_EQ_INT(h.mask[12], 0x0c);
	CHECK_EQ_INT(h.mask[13], 0x03);  /* ECDHE-... < F < TLS_... */
	CHECK_EQ_INT(h.mask[14], 0x3c);
	CHECK_EQ_INT(h.mask[15], 0x30);
	CHECK_EQ_INT(h.mask[16], 0x1f);
	CHECK(strcmp(h.group[16][0], "1A2B3C TLSv1.2") == 0);
	CHECK(strcmp(h.group[16][3], "1A2B3C TLSv1.3") == 0);
	CHECK(strcmp(h.group[16][4], "2A4E9667EC2FA0F2CCDF090001460F0EC1CFA1E8 TLSv1.3") == 0);
	CHECK_EQ_INT(h.mask[17], 0x20);
	CHECK(strcmp(h.group[17][5], "- -") == 0);
	CHECK_EQ_INT(h.mask[18], 0x00);  /* no frontend in this format: disabled */
	CHECK_EQ_INT(h.mask[19], 0x0f);
	CHECK_EQ_INT(h.mask[20], 0x0f);
	CHECK_EQ_INT(h.mask[21], 0x0f);
	CHECK(strcmp(h.group[0][1], "") == 0);
	CHECK_EQ_INT(nmissing, 1);
	if (nmissing == 1)
		CHECK(strcmp(missing[0], "rule fe: field frontend is not in this format") == 0);
	hz_rules_free_messages(missing, nmissing);
	hz_format_free(f);
}

/* fe_custom: %ft with the SSL '~', three samples in braces. */
static void test_custom(void)
{
	static const char rules[] =
		"rule cert-missing warning when ssl_fc_has_crt == 0 && frontend == \"fe_custom\" group by client_ip\n" /* 0 */
		"rule dn info when ssl_c_i_dn(cn) exists\n"                              /* 1 */
		"rule tc info when time_connect > 1\n"                                   /* 2 */
		"rule ta info when Ta >= 2ms && Ta <= 5\n"                               /* 3 */
		"rule cp info when client_port >= 47000\n"                               /* 4 */
		"rule cp-in info when cp in {44374, 44404}\n"                            /* 5 */
		"rule dn-eq info when ssl_c_i_dn(cn) == \"Example Root CA\"\n"           /* 6 */
		"rule tilde info when frontend == \"fe_custom~\"\n"                      /* 7 */
		"rule resumed info when ssl_fc_is_resumed == 1 && ssl_fc_has_crt == 0 && ssl_fc_is_resumed exists\n" /* 8 */
		"rule conns info when feconn == 1 && actconn > 2\n"                      /* 9 */
		"rule absent info when !(ssl_c_i_dn(cn) exists) group by client_ip, client_port\n" /* 10 */
		"rule verify-zero info when ssl_c_verify == 0 && ssl_c_verify <= -0 && ssl_c_verify >= -1\n" /* 11 */
		"rule hdr info when captured_request_headers exists || captured_response_headers exists\n"; /* 12 */
	struct hz_format *f = compile(FMT_CUSTOM);
	struct hits h;
	char **missing = NULL;
	size_t nmissing = 0;

	run_lines(rules, f, custom_lines, NLINES(custom_lines), &h, &missing, &nmissing);
	CHECK_EQ_INT(h.mask[0], 0x6a);   /* has_crt 0: 44378 44398 47260 44404 */
	CHECK(strcmp(h.group[0][1], "127.0.0.1") == 0);
	CHECK(strcmp(h.group[0][6], "127.0.0.1") == 0);
	CHECK_EQ_INT(h.mask[1], 0x3f);   /* the last line logged "" */
	CHECK_EQ_INT(h.mask[2], 0x06);   /* Tc 2 and 5 */
	CHECK_EQ_INT(h.mask[3], 0x06);
	CHECK_EQ_INT(h.mask[4], 0x30);
	CHECK_EQ_INT(h.mask[5], 0x41);
	CHECK_EQ_INT(h.mask[6], 0x3f);
	CHECK_EQ_INT(h.mask[7], 0x00);
	CHECK_EQ_INT(h.mask[8], 0x00);
	CHECK_EQ_INT(h.mask[9], 0x7e);
	CHECK_EQ_INT(h.mask[10], 0x40);
	CHECK(strcmp(h.group[10][6], "127.0.0.1 44404") == 0);
	CHECK_EQ_INT(h.mask[11], 0x7f);
	CHECK_EQ_INT(h.mask[12], 0x00);  /* no capture declared: %hr/%hs print nothing */
	/* One message per (rule, field), the field named twice in rule 8 included once. */
	CHECK_EQ_INT(nmissing, 1);
	if (nmissing == 1)
		CHECK(strcmp(missing[0], "rule resumed: field ssl_fc_is_resumed is not in this format") == 0);
	hz_rules_free_messages(missing, nmissing);
	hz_format_free(f);
}

/* option httplog: timers, statuses, the <BADREQ> lines. Its last timer is
 * %Ta (time_active): 3004 ms on the be_dead line, 2001 and 2002 on the 408s. */
static void test_httplog(void)
{
	static const char rules[] =
		"rule ta1s info when time_active >= 1s\n"                                 /* 0 */
		"rule ta3s info when time_active >= 3s\n"                                 /* 1 */
		"rule ta-gt info when Ta > 2001\n"                                        /* 2 */
		"rule ta-le info when Ta <= 1\n"                                          /* 3 */
		"rule st503 info when status == 503\n"                                    /* 4 */
		"rule st-in info when ST in {400, 408}\n"                                 /* 5 */
		"rule st4xx info when status >= 400 && status < 500\n"                    /* 6 */
		"rule tc-neg info when time_connect < 0\n"                                /* 7 */
		"rule term info when termination_state =~ /^[cP]R/\n"                     /* 8 */
		"rule term-i info when tsc =~ /^sc/i\n"                                   /* 9 */
		"rule nosrv info when backend == \"be_dead\" || server == \"<NOSRV>\"\n"  /* 10 */
		"rule bytes info when bytes_read != 77\n"                                 /* 11 */
		"rule hdr info when captured_request_headers =~ /curl\\/7\\.88/\n"         /* 12 */
		"rule post info when request =~ /^POST /\n"                               /* 13 */
		"rule badreq info when request == \"<BADREQ>\"\n"                         /* 14 */
		"rule two info when status >= 400 group by backend, status\n"            /* 15 */
		"rule not info when !(status == 200) && !(status == 302)\n"               /* 16 */
		"rule prec info when status == 200 || status == 404 && bytes_read == 0\n" /* 17 */
		"rule paren info when (status == 200 || status == 404) && bytes_read == 83\n" /* 18 */
		"rule uid info when unique_id exists\n"                                   /* 19 */
		"rule glued info when status == 404 group by backend,status\n"            /* 20 */
		"rule port info when client_ip == \"127.0.0.1\" && client_port < 40000\n" /* 21 */
		"rule durations info when Ta == 3004ms || Ta in {2001ms, 2s}\n"           /* 22 */
		"rule not-not info when !!(status == 302)\n"                              /* 23 */
		"rule str-num info when status == \"404\" || status in {\"302\", 503}\n"  /* 24 */
		"rule ip-num info when client_ip == 127\n"                                /* 25 */
		"rule tt info when time_total >= 1s\n";                                   /* 26 */
	struct hz_format *f = predefined("httplog");
	struct hits h;
	char **missing = NULL;
	size_t nmissing = 0;

	run_lines(rules, f, http_lines, NLINES(http_lines), &h, &missing, &nmissing);
	CHECK_EQ_INT(h.mask[0], 0x308);  /* 3004, 2001, 2002 ms */
	CHECK_EQ_INT(h.mask[1], 0x008);  /* the 3004 ms line */
	CHECK_EQ_INT(h.mask[2], 0x208);
	CHECK_EQ_INT(h.mask[3], 0xcf7);
	CHECK_EQ_INT(h.mask[4], 0x008);
	CHECK_EQ_INT(h.mask[5], 0x3e0);
	CHECK_EQ_INT(h.mask[6], 0x3e4);
	CHECK_EQ_INT(h.mask[7], 0x3ea);  /* Tc = -1 */
	CHECK_EQ_INT(h.mask[8], 0x3e0);
	CHECK_EQ_INT(h.mask[9], 0x008);
	CHECK_EQ_INT(h.mask[10], 0x3ea);
	CHECK_EQ_INT(h.mask[11], 0x3ee);
	CHECK_EQ_INT(h.mask[12], 0x01e);
	CHECK_EQ_INT(h.mask[13], 0x010);
	CHECK_EQ_INT(h.mask[14], 0x3e0);
	CHECK_EQ_INT(h.mask[15], 0x3ec);
	CHECK(strcmp(h.group[15][2], "be_app 404") == 0);
	CHECK(strcmp(h.group[15][3], "be_dead 503") == 0);
	CHECK(strcmp(h.group[15][5], "fe_http 400") == 0);
	CHECK(strcmp(h.group[15][9], "fe_http 408") == 0);
	CHECK_EQ_INT(h.mask[16], 0x3ec);
	CHECK_EQ_INT(h.mask[17], 0xc11);
	CHECK_EQ_INT(h.mask[18], 0x004);
	CHECK_EQ_INT(h.mask[19], 0x000);
	CHECK_EQ_INT(h.mask[20], 0x000);
	CHECK_EQ_INT(h.mask[21], 0xff0);
	CHECK_EQ_INT(h.mask[22], 0x108);
	CHECK_EQ_INT(h.mask[23], 0x002);
	CHECK_EQ_INT(h.mask[24], 0x00e);
	CHECK_EQ_INT(h.mask[25], 0x000); /* 127.0.0.1 is not a number */
	CHECK_EQ_INT(h.mask[26], 0x000);
	/* httplog logs %Ta (time_active) where the legacy format had %Tt: a
	 * rule on time_total is disabled for it, with a message. */
	CHECK_EQ_INT(nmissing, 3);
	if (nmissing == 3) {
		CHECK(strcmp(missing[0], "rule uid: field unique_id is not in this format") == 0);
		CHECK(strcmp(missing[1], "rule glued: field backend,status is not in this format"
				  " (to name several fields, put a blank after each comma)") == 0);
		CHECK(strcmp(missing[2], "rule tt: field time_total is not in this format") == 0);
	}
	hz_rules_free_messages(missing, nmissing);
	hz_format_free(f);
}

struct stop {
	int calls;
};

static int stop_hit(void *ud, size_t rule, const char *group, size_t n)
{
	struct stop *s = ud;

	s->calls++;
	return 7;
}

/* Binding API details: enabled flags, NULL outputs, a callback that stops. */
static void test_binding(void)
{
	struct hz_ruleset *rs = parse_ok("rule a info when status exists\nrule b info when nope exists\nrule c info when ST == 200\n");
	struct hz_format *f = predefined("httplog");
	struct hz_rules_binding *b = NULL;
	static struct hz_match m;
	struct stop s = { 0 };

	if (!rs || !f)
		return;
	CHECK_EQ_INT(hz_rules_bind(rs, f, &b, NULL, NULL), 0);
	CHECK_EQ_INT(hz_rules_enabled(b, 0), 1);
	CHECK_EQ_INT(hz_rules_enabled(b, 1), 0);
	CHECK_EQ_INT(hz_rules_enabled(b, 2), 1);
	CHECK_EQ_INT(hz_rules_enabled(b, 3), 0);
	CHECK_EQ_INT(hz_format_match(f, http_lines[0], strlen(http_lines[0]), &m, NULL), 0);
	CHECK_EQ_INT(hz_rules_eval(b, &m, stop_hit, &s), 7);
	CHECK_EQ_INT(s.calls, 1);
	CHECK_EQ_INT(hz_rules_eval(b, &m, NULL, NULL), 0);
	hz_rules_binding_free(b);
	hz_rules_binding_free(NULL);
	hz_rules_free_messages(NULL, 0);
	CHECK_EQ_INT(hz_rules_bind(NULL, f, &b, NULL, NULL), HZ_EINVAL);
	hz_rules_free(rs);
	hz_format_free(f);
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* A catastrophic pattern hits the match limit: no match, counted, fast. */
static void test_regex_limit(void)
{
	struct hz_ruleset *rs = parse_ok(
		"rule catastrophic info when var(txn.x) =~ /(a+)+$/\n"
		"rule catastrophic-not info when var(txn.x) !~ /(a+)+$/\n"
		"rule sane info when var(txn.x) =~ /^a+b$/\n");
	struct hz_format *f = compile("x=%[var(txn.x)]");
	struct hz_rules_binding *b = NULL;
	static struct hz_match m;
	struct hits h;
	char line[128];
	double t0;
	int i;

	if (!rs || !f)
		return;
	memset(&h, 0, sizeof(h));
	memcpy(line, "x=", 2);
	memset(line + 2, 'a', 60);
	memcpy(line + 62, "b", 2);
	CHECK_EQ_INT(hz_rules_bind(rs, f, &b, NULL, NULL), 0);
	CHECK_EQ_INT(hz_format_match(f, line, strlen(line), &m, NULL), 0);
	t0 = now();
	for (i = 0; i < 3; i++)
		CHECK_EQ_INT(hz_rules_eval(b, &m, on_hit, &h), 0);
	CHECK(now() - t0 < 2.0);
	CHECK_EQ_INT(h.mask[0], 0);
	CHECK_EQ_INT(h.mask[1], 1);
	CHECK_EQ_INT(h.mask[2], 1);
	CHECK_EQ_INT(hz_rules_limit_errors(rs, 0), 3);
	CHECK_EQ_INT(hz_rules_limit_errors(rs, 1), 3);
	CHECK_EQ_INT(hz_rules_limit_errors(rs, 2), 0);
	CHECK_EQ_INT(hz_rules_limit_errors(rs, 3), 0);
	/* The same pattern on a subject it matches quickly is no error. */
	CHECK_EQ_INT(hz_format_match(f, "x=aaaa", 6, &m, NULL), 0);
	memset(&h, 0, sizeof(h));
	CHECK_EQ_INT(hz_rules_eval(b, &m, on_hit, &h), 0);
	CHECK_EQ_INT(h.mask[0], 1);
	CHECK_EQ_INT(h.mask[1], 0);
	CHECK_EQ_INT(hz_rules_limit_errors(rs, 0), 3);
	hz_rules_binding_free(b);
	hz_rules_free(rs);
	hz_format_free(f);
}

/* Runs a rules file on lines of one format. */
static void run_file(const char *path, struct hz_format *f, const char *const *lines, size_t nlines,
		     struct hits *h, size_t *nmissing)
{
	struct hz_ruleset *rs = NULL;
	struct hz_rules_binding *b = NULL;
	static struct hz_match m;
	struct hz_err e;
	char **missing = NULL;
	size_t i;

	memset(h, 0, sizeof(*h));
	CHECK_EQ_INT(hz_rules_load(path, &rs, &e), 0);
	if (!rs || !f)
		return;
	CHECK_EQ_INT(hz_rules_bind(rs, f, &b, &missing, nmissing), 0);
	for (i = 0; b && i < nlines; i++) {
		CHECK_EQ_INT(hz_format_match(f, lines[i], strlen(lines[i]), &m, NULL), 0);
		h->line = i;
		CHECK_EQ_INT(hz_rules_eval(b, &m, on_hit, h), 0);
	}
	hz_rules_free_messages(missing, *nmissing);
	hz_rules_binding_free(b);
	hz_rules_free(rs);
}

/* The example files load, and find on the lab's lines what a reader of
 * those lines expects. */
static void test_load(void)
{
	const char *env = getenv("HZ_TESTDATA");
	const char *td = env ? env : "../testdata";
	static const struct { const char *file; size_t n; } files[] = {
		{ "tls.rules", 5 }, { "http.rules", 5 }, { "empty.rules", 0 },
	};
	struct hz_ruleset *rs = NULL;
	struct hz_format *f;
	struct hz_err e;
	struct hits h;
	char path[1024];
	size_t i, nmissing = 0;

	CHECK_EQ_INT(hz_rules_load("/nonexistent/x.rules", &rs, &e), HZ_EOPEN);
	CHECK(rs == NULL && strcmp(e.file, "/nonexistent/x.rules") == 0);
	CHECK_EQ_INT(hz_rules_load(td, &rs, &e), HZ_EISDIR);
	{
		/* Over 16 MiB: a limit, not an attempt. */
		size_t big = ((size_t)16 << 20) + 1;
		char *t = calloc(big, 1);
		if (t) {
			memset(t, '#', big);
			CHECK_EQ_INT(hz_rules_parse(t, big, "big", &rs, &e), HZ_ELIMIT);
			CHECK_EQ_INT(hz_rules_parse(t, big - 1, "big", &rs, &e), 0);
			CHECK_EQ_INT(hz_rules_count(rs), 0);
			hz_rules_free(rs);
			rs = NULL;
			free(t);
		}
	}
	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		int rc;
		snprintf(path, sizeof(path), "%s/rules/%s", td, files[i].file);
		rc = hz_rules_load(path, &rs, &e);
		if (rc)
			fprintf(stderr, "%s:%d:%u: %s\n", e.file, (int)e.line, (unsigned)e.col, e.msg);
		CHECK_EQ_INT(rc, 0);
		CHECK_EQ_INT(hz_rules_count(rs), files[i].n);
		hz_rules_free(rs);
		rs = NULL;
	}
	snprintf(path, sizeof(path), "%s/rules/bad.rules", td);
	CHECK_EQ_INT(hz_rules_load(path, &rs, &e), HZ_ESYNTAX);
	CHECK(strstr(e.file, "bad.rules") != NULL);
	CHECK_EQ_INT(e.line, 6);
	CHECK_EQ_INT(e.col, 33);
	CHECK(strstr(e.msg, "bad regex: missing closing parenthesis") != NULL);

	f = compile(FMT_SSLDETAIL);
	snprintf(path, sizeof(path), "%s/rules/tls.rules", td);
	run_file(path, f, ssl_lines, NLINES(ssl_lines), &h, &nmissing);
	CHECK_EQ_INT(nmissing, 0);
	CHECK_EQ_INT(h.mask[0], 0x0a);   /* resumed=1 twice */
	CHECK(strcmp(h.group[0][1], "www.example.test") == 0);
	CHECK_EQ_INT(h.mask[1], 0x20);   /* the used=0 line */
	CHECK(strcmp(h.group[1][5], "- TLSv1.3") == 0);
	CHECK_EQ_INT(h.mask[2], 0x10);   /* verify=18 */
	CHECK(strcmp(h.group[2][4], "18 /CN=self signed mallory") == 0);
	CHECK_EQ_INT(h.mask[3], 0x00);
	CHECK_EQ_INT(h.mask[4], 0x10);
	CHECK(strcmp(h.group[4][4], "self signed mallory") == 0);
	hz_format_free(f);
	/* fe_custom logs ssl_c_i_dn(cn), lower case, and no resumption or errors. */
	f = compile(FMT_CUSTOM);
	run_file(path, f, custom_lines, NLINES(custom_lines), &h, &nmissing);
	/* resumed: is_resumed, sni; no-cert: those and tls_version; verify:
	 * ssl_c_err, ssl_c_ca_err, ssl_c_s_dn; old-tls: sslv, sslc; issuer: (CN). */
	CHECK_EQ_INT(nmissing, 11);
	CHECK_EQ_INT(h.calls, 0);
	hz_format_free(f);

	f = predefined("httplog");
	snprintf(path, sizeof(path), "%s/rules/http.rules", td);
	run_file(path, f, http_lines, NLINES(http_lines), &h, &nmissing);
	CHECK_EQ_INT(nmissing, 0);
	CHECK_EQ_INT(h.mask[0], 0x300);  /* Ta 2001 and 2002 with a 408; the 3004 ms one is a 503 */
	CHECK(strcmp(h.group[0][8], "fe_http <NOSRV>") == 0);
	CHECK_EQ_INT(h.mask[1], 0x008);
	CHECK(strcmp(h.group[1][3], "be_dead 503") == 0);
	CHECK_EQ_INT(h.mask[2], 0x3e0);
	CHECK(strcmp(h.group[2][7], "127.0.0.1") == 0);
	CHECK_EQ_INT(h.mask[3], 0x002);  /* the 302 redirect */
	CHECK(strcmp(h.group[3][1], "fe_http 302") == 0);
	CHECK_EQ_INT(h.mask[4], 0x000);
	hz_format_free(f);
}

/* Cheap robustness: every prefix and many mutations of a rich text parse
 * or fail cleanly, and whatever parses also binds and evaluates. */
static void test_robust(void)
{
	static const char seed[] =
		"# header\n"
		"rule a-1 warning when (ssl_fc_has_crt == 0 && !(ssl_c_i_dn(cn) exists)) || status in {400, \"408\", -1}\n"
		"   group by client_ip, ssl_c_serial,hex explain \"x \\\"y\\\" \\\\\" advice \"z\"\n"
		"rule b error when time_total >= 1s && request =~ /^GET \\/a(b|c)*$/ix || [x] !~ /y/m\n"
		"rule c info when Tt < 500ms";
	static const char alphabet[] = "()!&|=~<>{},\"\\/#\n []0123456789-msxirulewhenexists";
	struct hz_format *f = predefined("httplog");
	static struct hz_match m;
	char buf[sizeof(seed)];
	uint32_t x = 2463534242u;
	size_t n = sizeof(seed) - 1;
	int round, ok = 0;

	if (!f)
		return;
	CHECK_EQ_INT(hz_format_match(f, http_lines[3], strlen(http_lines[3]), &m, NULL), 0);
	for (round = 0; round < 4000 + (int)n; round++) {
		struct hz_ruleset *rs = NULL;
		struct hz_rules_binding *b = NULL;
		struct hz_err e;
		size_t len = n;
		memcpy(buf, seed, n);
		if (round < (int)n) {
			len = (size_t)round;
		} else {
			int k, muts = 1 + (int)(x % 4);
			for (k = 0; k < muts; k++) {
				x ^= x << 13; x ^= x >> 17; x ^= x << 5;
				buf[x % n] = alphabet[(x >> 8) % (sizeof(alphabet) - 1)];
			}
		}
		if (hz_rules_parse(buf, len, "fuzz", &rs, &e) == 0) {
			char **msgs = NULL;
			size_t nm = 0;
			ok++;
			if (hz_rules_bind(rs, f, &b, &msgs, &nm) == 0) {
				struct hits h;
				memset(&h, 0, sizeof(h));
				CHECK_EQ_INT(hz_rules_eval(b, &m, on_hit, &h), 0);
			}
			hz_rules_free_messages(msgs, nm);
			hz_rules_binding_free(b);
			hz_rules_free(rs);
		} else {
			CHECK(rs == NULL && e.line >= 1 && e.col >= 1 && e.msg[0]);
		}
	}
	CHECK(ok > 0);
	hz_format_free(f);
}

int main(void)
{
	test_info();
	test_errors();
	test_ssldetail();
	test_custom();
	test_httplog();
	test_binding();
	test_regex_limit();
	test_load();
	test_robust();
	return hz_test_done();
}
