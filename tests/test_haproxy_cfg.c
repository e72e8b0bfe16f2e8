/* Unit tests for the haproxy.cfg reader: the lab's real configs and HAProxy's tokenising rules. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "halyze/haproxy_cfg.h"
#include "halyze/str.h"
#include "hz_test.h"

static const struct hz_cfg_proxy *proxy(const struct hz_cfg *c, const char *name)
{
	for (size_t i = 0; c && i < c->n; i++)
		if (strcmp(c->proxies[i].name, name) == 0)
			return &c->proxies[i];
	fprintf(stderr, "no proxy %s\n", name);
	return NULL;
}

#define CHECK_CSTR(a, b) do { const char *a_ = (a); CHECK(a_ && strcmp(a_, (b)) == 0); \
	if (!a_ || strcmp(a_, (b))) fprintf(stderr, "  got [%s] want [%s]\n", a_ ? a_ : "(null)", (b)); } while (0)

static struct hz_cfg *parse(const char *text, struct hz_err *e)
{
	struct hz_cfg *c = NULL;
	memset(e, 0, sizeof(*e));
	hz_cfg_parse(text, strlen(text), "t.cfg", &c, e);
	return c;
}

/* The configuration that produced reference/haproxy-2.6-captured-lines.txt. */
static void test_lab_config(void)
{
	char path[1024];
	const char *ref = getenv("HZ_REFERENCE");
	struct hz_cfg *c = NULL;
	struct hz_err e;
	const struct hz_cfg_proxy *p;

	snprintf(path, sizeof(path), "%s/haproxy-2.6-sample-configs/haproxy-sample.cfg", ref ? ref : "../shared/reference");
	CHECK_EQ_INT(hz_cfg_load(path, &c, &e), 0);
	if (!c) {
		fprintf(stderr, "%s: %s\n", path, e.msg);
		return;
	}
	CHECK_CSTR(c->log_tag, "haproxy-example");
	CHECK((p = proxy(c, "fe_http")) && p->predefined && strcmp(p->predefined, "httplog") == 0 && p->mode_http && p->logs);
	CHECK((p = proxy(c, "fe_http")) && strcmp(p->log_tag, "haproxy-example") == 0);
	CHECK((p = proxy(c, "fe_clf")) && p->predefined && strcmp(p->predefined, "httplog-clf") == 0);
	CHECK((p = proxy(c, "fe_tcp")) && p->predefined && strcmp(p->predefined, "tcplog") == 0 && !p->mode_http);
	CHECK((p = proxy(c, "fe_legacy")) && !p->predefined && !p->log_format && p->logs);
	CHECK((p = proxy(c, "origin")) && !p->logs);
	p = proxy(c, "fe_https");
	CHECK(p && p->predefined && strcmp(p->predefined, "httpslog") == 0);
	CHECK(p && p->nbinds == 1 && p->binds[0].ssl && p->binds[0].verify == HZ_VERIFY_OPTIONAL
	      && p->binds[0].crt_ignore_err && p->binds[0].ca_ignore_err && !p->binds[0].no_tls_tickets);
	p = proxy(c, "fe_custom");
	CHECK(p && p->nbinds == 2 && !p->binds[0].no_tls_tickets && p->binds[1].no_tls_tickets);
	CHECK_CSTR(p ? p->log_format : NULL,
		   "%ci:%cp [%tr] %ft %b/%s %TR/%Tw/%Tc/%Tr/%Ta %ST %B %CC %CS %tsc %ac/%fc/%bc/%sc/%rc %sq/%bq %hr %hs {%[ssl_c_verify], %[ssl_fc_has_crt], %{+Q}[ssl_c_i_dn(cn)]} %{+Q}r");
	p = proxy(c, "fe_flags");
	CHECK_CSTR(p ? p->error_log_format : NULL,
		   "ERR %ci:%cp [%t] %ft %ac/%fc %[fc_err]/%[ssl_fc_err,hex]/%[ssl_c_err]/%[ssl_c_ca_err]/%[ssl_fc_is_resumed] %[ssl_fc_sni]/%sslv/%sslc errstr=%{+Q}[fc_err_str]");
	CHECK(p && p->log_format && strncmp(p->log_format, "ciX=%{+X}ci cpX=", 16) == 0);
	CHECK(p && p->nbinds == 2 && p->binds[1].name && strcmp(p->binds[1].name, "tlsbind") == 0);
	p = proxy(c, "fe_sslerr");
	CHECK(p && p->nbinds == 1 && p->binds[0].verify == HZ_VERIFY_REQUIRED && p->binds[0].name
	      && strcmp(p->binds[0].name, "strictbind") == 0);
	CHECK((p = proxy(c, "be_app")) && p->kind == HZ_CFG_BACKEND);
	CHECK_EQ_INT(c->ssl_cachesize, -1);
	CHECK_EQ_INT(c->nwarnings, 0);
	hz_cfg_free(c);

	snprintf(path, sizeof(path), "%s/haproxy-2.6-sample-configs/haproxy-sample-run3.cfg", ref ? ref : "../shared/reference");
	CHECK_EQ_INT(hz_cfg_load(path, &c, &e), 0);
	CHECK((p = proxy(c, "fe")) && p->predefined && strcmp(p->predefined, "httplog") == 0);
	CHECK_CSTR(p ? p->error_log_format : NULL, "ERRFMT %ci:%cp %ST %tsc %{+Q}r");
	hz_cfg_free(c);
}

static void test_split(void)
{
	char buf[512], *w[16];
	int col = 0, n;
	const char *l1 = "  log-format %T\\ %t\\ Some\\ Text   # comment";
	const char *l2 = "log-format \"%{+Q}o %{-Q}ci - - \\\"\\\" x#y\" 'a b$c' \\x41";

	n = hz_cfg_split(l1, strlen(l1), buf, sizeof(buf), w, 16, &col);
	CHECK_EQ_INT(n, 2);
	CHECK(n == 2 && strcmp(w[1], "%T %t Some Text") == 0);
	n = hz_cfg_split(l2, strlen(l2), buf, sizeof(buf), w, 16, &col);
	CHECK_EQ_INT(n, 4);
	CHECK(n == 4 && strcmp(w[1], "%{+Q}o %{-Q}ci - - \"\" x#y") == 0);
	CHECK(n == 4 && strcmp(w[2], "a b$c") == 0 && strcmp(w[3], "A") == 0);
	n = hz_cfg_split("a \"open", 7, buf, sizeof(buf), w, 16, &col);
	CHECK_EQ_INT(n, -1);
	CHECK_EQ_INT(col, 3);
	n = hz_cfg_split("a \"\" b", 6, buf, sizeof(buf), w, 16, &col);
	CHECK(n == 3 && w[1][0] == 0);
	setenv("HZ_T_FMT", "%ci %ST", 1);
	{
		const char *l = "x \"${HZ_T_FMT} ${HZ_T_NONE-dflt}\" '${HZ_T_FMT}'";
		n = hz_cfg_split(l, strlen(l), buf, sizeof(buf), w, 16, &col);
	}
	CHECK(n == 3 && strcmp(w[1], "%ci %ST dflt") == 0 && strcmp(w[2], "${HZ_T_FMT}") == 0);
	/* an expansion is not expanded again: no recursion through ${VAR} */
	setenv("HZ_T_SELF", "${HZ_T_SELF}", 1);
	n = hz_cfg_split("x \"${HZ_T_SELF}\"", 16, buf, sizeof(buf), w, 16, &col);
	CHECK(n == 2 && strcmp(w[1], "${HZ_T_SELF}") == 0);
	/* too many words, too small a buffer: errors, never overflows */
	n = hz_cfg_split("a b c d", 7, buf, sizeof(buf), w, 2, &col);
	CHECK_EQ_INT(n, HZ_CFG_SPLIT_WORDS);
	n = hz_cfg_split("abcdef", 6, buf, 4, w, 16, &col);
	CHECK_EQ_INT(n, HZ_CFG_SPLIT_ROOM);
	n = hz_cfg_split("x \"${HZ_T_FMT", 13, buf, sizeof(buf), w, 16, &col);
	CHECK_EQ_INT(n, HZ_CFG_SPLIT_QUOTE);
	CHECK_EQ_INT(col, 4);
}

/* A 10 MB environment variable (more than execve passes, hence tested
 * here and not from the command line): a clear error at the ${VAR}. */
static void test_huge_env(void)
{
	static const char cfg[] = "frontend fe\n    log-format \"%ci ${HZ_T_HUGE}\"\n";
	size_t n = (size_t)10 << 20;
	char *v = malloc(n + 1);
	struct hz_cfg *c = NULL;
	struct hz_err e;

	CHECK(v != NULL);
	if (!v)
		return;
	memset(v, 'x', n);
	v[n] = '\0';
	setenv("HZ_T_HUGE", v, 1);
	free(v);
	CHECK_EQ_INT(hz_cfg_parse(cfg, sizeof(cfg) - 1, "huge.cfg", &c, &e), HZ_ESYNTAX);
	CHECK(c == NULL);
	CHECK_EQ_INT(e.line, 2);
	CHECK_EQ_INT(e.col, 21);
	CHECK(strstr(e.msg, "line too long once ${VAR} is expanded") != NULL);
	unsetenv("HZ_T_HUGE");
}

static void test_semantics(void)
{
	struct hz_err e;
	struct hz_cfg *c;
	const struct hz_cfg_proxy *p;

	c = parse("global\n  log-tag gtag\n  tune.ssl.cachesize 0\n"
		  "defaults base\n  mode http\n  log global\n  option httplog\n  log-tag dtag\n"
		  "defaults other\n  mode tcp\n  option tcplog\n"
		  "frontend a from base\n  bind :80\n"
		  "frontend b\n  bind :81\n"
		  "frontend c from base\n  log-format \"%ci first\"\n  option httplog clf\n"
		  "frontend d from base\n  option httplog\n  log-format %ci\\ last\n  no log\n"
		  "listen e from base\n  mode tcp\n"
		  "frontend f from base\n  log-format \\\n    \"%ci continued\"\n"
		  "frontend g from base\n  http-request set-header X-Cert %[ssl_fc_has_crt]\n", &e);
	CHECK(c != NULL);
	if (!c)
		return;
	CHECK_EQ_INT(c->ssl_cachesize, 0);
	CHECK((p = proxy(c, "a")) && p->mode_http && p->predefined && !strcmp(p->predefined, "httplog"));
	CHECK_CSTR(p ? p->log_tag : NULL, "dtag");
	/* b follows the last defaults section: "other" */
	CHECK((p = proxy(c, "b")) && !p->mode_http && p->predefined && !strcmp(p->predefined, "tcplog"));
	CHECK_CSTR(p ? p->log_tag : NULL, "gtag");
	/* the later directive wins */
	CHECK((p = proxy(c, "c")) && p->predefined && !strcmp(p->predefined, "httplog-clf") && !p->log_format);
	CHECK_CSTR((p = proxy(c, "d")) ? p->log_format : NULL, "%ci last");
	CHECK(p && !p->logs && p->format_line == 21);
	/* option httplog inherited into a tcp proxy falls back to tcplog, with a warning */
	CHECK((p = proxy(c, "e")) && p->predefined && !strcmp(p->predefined, "tcplog"));
	CHECK_EQ_INT(c->nwarnings, 1);
	CHECK(c->nwarnings && strstr(c->warnings[0], "falls back") != NULL);
	CHECK_CSTR((p = proxy(c, "f")) ? p->log_format : NULL, "%ci continued");
	CHECK(p && p->format_line == 26);
	CHECK((p = proxy(c, "g")) && p->nuses == 1 && p->uses[0].line == 29
	      && strstr(p->uses[0].text, "ssl_fc_has_crt"));
	hz_cfg_free(c);
}

static void test_errors(void)
{
	struct hz_err e;
	struct hz_cfg *c;

	c = parse("global\nfrontend\n", &e);
	CHECK(!c && e.code == HZ_ESYNTAX && e.line == 2);
	c = parse("frontend x from nowhere\n", &e);
	CHECK(!c && e.code == HZ_ESYNTAX && e.line == 1 && strstr(e.msg, "nowhere"));
	c = parse("frontend x\n\n  log-format \"%ci\n", &e);
	CHECK(!c && e.code == HZ_ESYNTAX && e.line == 3 && e.col == 14);
	c = parse("frontend x\n  log-format %ci %cp\n", &e);
	CHECK(!c && e.code == HZ_ESYNTAX && e.line == 2 && strstr(e.msg, "escape spaces"));
	c = parse("frontend x\n  log-format\n", &e);
	CHECK(!c && e.code == HZ_ESYNTAX);
	CHECK_EQ_INT(hz_cfg_load("/nonexistent.cfg", &c, &e), HZ_EOPEN);
	/* an empty file and binary junk are not errors: nothing is configured */
	c = parse("", &e);
	CHECK(c && c->n == 0);
	hz_cfg_free(c);
	c = parse("\x01\x02 \xff\xfe\n###\n", &e);
	CHECK(c && c->n == 0);
	hz_cfg_free(c);
	hz_cfg_free(NULL);
}

int main(void)
{
	test_lab_config();
	test_split();
	test_huge_env();
	test_semantics();
	test_errors();
	return hz_test_done();
}
