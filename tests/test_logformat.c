/* Unit tests of the log-format compiler: predefined formats, the lab configs' formats, flags, names, errors. */
#include <stdlib.h>
#include <string.h>

#include "halyze/logformat.h"
#include "hz_test.h"

static struct hz_format *compile(const char *s)
{
	struct hz_format *f = NULL;
	struct hz_err err;
	int rc = hz_format_compile(s, strlen(s), &f, &err);

	if (rc) {
		fprintf(stderr, "compile failed (%d, col %u): %s\n  format: %s\n", rc, err.col, err.msg, s);
		return NULL;
	}
	return f;
}

/* "ci cp tr ..." from a compiled format ("[" items as [expr]). */
static void field_list(const struct hz_format *f, char *buf, size_t cap)
{
	size_t i, o = 0;

	buf[0] = 0;
	for (i = 0; i < hz_format_nfields(f); i++) {
		const struct hz_field_info *fi = hz_format_field(f, i);
		int w;
		if (fi->alias == HZ_A_SAMPLE)
			w = snprintf(buf + o, cap - o, "%s[%.*s]", i ? " " : "", (int)fi->expr.n, fi->expr.p);
		else
			w = snprintf(buf + o, cap - o, "%s%s", i ? " " : "", fi->alias_name);
		o += (size_t)w;
	}
}

static void check_fields(const char *fmt, const char *want)
{
	struct hz_format *f = compile(fmt);
	char buf[2048];

	CHECK(f != NULL);
	if (!f)
		return;
	field_list(f, buf, sizeof(buf));
	if (strcmp(buf, want) != 0)
		fprintf(stderr, "fields of %s:\n  got  %s\n  want %s\n", fmt, buf, want);
	CHECK(strcmp(buf, want) == 0);
	CHECK(strcmp(hz_format_source(f), fmt) == 0);
	hz_format_free(f);
}

static void check_predefined(const char *name, const char *want)
{
	struct hz_format *f = NULL;
	struct hz_err err;
	char buf[2048];

	CHECK_EQ_INT(hz_format_predefined(name, &f, &err), 0);
	if (!f)
		return;
	field_list(f, buf, sizeof(buf));
	if (strcmp(buf, want) != 0)
		fprintf(stderr, "fields of %s:\n  got  %s\n  want %s\n", name, buf, want);
	CHECK(strcmp(buf, want) == 0);
	hz_format_free(f);
}

static void check_error(const char *fmt, unsigned col, const char *msg_start)
{
	struct hz_format *f = (struct hz_format *)1;
	struct hz_err err;
	int rc;

	memset(&err, 0, sizeof(err));
	rc = hz_format_compile(fmt, strlen(fmt), &f, &err);
	CHECK_EQ_INT(rc, HZ_ESYNTAX);
	CHECK(f == NULL);
	CHECK_EQ_INT(err.code, HZ_ESYNTAX);
	if (err.col != col || strncmp(err.msg, msg_start, strlen(msg_start)) != 0)
		fprintf(stderr, "error for '%s': col %u msg '%s'; want col %u '%s...'\n", fmt, err.col, err.msg,
			col, msg_start);
	CHECK_EQ_INT(err.col, col);
	CHECK(strncmp(err.msg, msg_start, strlen(msg_start)) == 0);
}

static unsigned flags_of(const struct hz_format *f, const char *name)
{
	int i = hz_format_find(f, name);
	return i < 0 ? 0xFFFFu : hz_format_field(f, (size_t)i)->flags;
}

static void test_predefined(void)
{
	struct hz_format *f;
	struct hz_err err;

	check_predefined("httplog",
			 "ci cp tr ft b s TR Tw Tc Tr Ta ST B CC CS tsc ac fc bc sc rc sq bq hr hs r");
	check_predefined("httplog-legacy",
			 "ci cp t ft b s Tq Tw Tc Tr Tt ST B CC CS tsc ac fc bc sc rc sq bq hr hs r");
	check_predefined("httplog-clf",
			 "ci trg r ST B cp ms ft b s TR Tw Tc Tr Ta tsc ac fc bc sc rc sq bq CC CS hrl hsl");
	check_predefined("tcplog", "ci cp t ft b s Tw Tc Tt B ts ac fc bc sc rc sq bq");
	check_predefined("tcplog-clf",
			 "ci T B cp ms ft b s Th Tw Tc Tt U ts ac fc bc sc rc sq bq");
	check_predefined("httpslog",
			 "ci cp tr ft b s TR Tw Tc Tr Ta ST B CC CS tsc ac fc bc sc rc sq bq hr hs r "
			 "[fc_err] [ssl_fc_err,hex] [ssl_c_err] [ssl_c_ca_err] [ssl_fc_is_resumed] [ssl_fc_sni] sslv sslc");
	check_predefined("error-default", "ci cp t ft bind message");
	CHECK_EQ_INT(hz_format_predefined("nosuch", &f, &err), HZ_EINVAL);
	CHECK(f == NULL);

	/* the exact strings of the reference */
	CHECK_EQ_INT(hz_format_predefined("httplog", &f, NULL), 0);
	CHECK(strcmp(hz_format_source(f),
		     "%ci:%cp [%tr] %ft %b/%s %TR/%Tw/%Tc/%Tr/%Ta %ST %B %CC %CS %tsc %ac/%fc/%bc/%sc/%rc %sq/%bq %hr %hs %{+Q}r") == 0);
	CHECK_EQ_INT(flags_of(f, "r"), HZ_FLAG_M | HZ_FLAG_Q);
	CHECK_EQ_INT(flags_of(f, "ci"), HZ_FLAG_M);
	hz_format_free(f);
	CHECK_EQ_INT(hz_format_predefined("tcplog-clf", &f, NULL), 0);
	CHECK(strcmp(hz_format_source(f),
		     "%{+Q}o %{-Q}ci - - [%T] \"TCP \" 000 %B \"\" \"\" %cp %ms %ft %b %s %Th %Tw %Tc %Tt %U %ts-- %ac %fc %bc %sc %rc %sq %bq \"\" \"\" ") == 0);
	hz_format_free(f);
	CHECK_EQ_INT(hz_format_predefined("httplog-clf", &f, NULL), 0);
	CHECK_EQ_INT(flags_of(f, "ci"), HZ_FLAG_M);
	CHECK_EQ_INT(flags_of(f, "r"), HZ_FLAG_M | HZ_FLAG_Q);
	CHECK_EQ_INT(flags_of(f, "ft"), HZ_FLAG_M | HZ_FLAG_Q);
	CHECK_EQ_INT(flags_of(f, "CC"), HZ_FLAG_M | HZ_FLAG_Q);
	CHECK_EQ_INT(flags_of(f, "hsl"), HZ_FLAG_M | HZ_FLAG_Q);
	CHECK_EQ_INT(flags_of(f, "ST"), HZ_FLAG_M | HZ_FLAG_Q); /* set, but ignored when printing */
	hz_format_free(f);
	CHECK_EQ_INT(hz_format_predefined("error-default", &f, NULL), 0);
	CHECK(strcmp(hz_format_source(f), "%ci:%cp [%t] %ft/<bind>: <message>") == 0);
	CHECK_EQ_INT(hz_format_find(f, "bind"), 4);
	CHECK_EQ_INT(hz_format_find(f, "message"), 5);
	CHECK_EQ_INT(hz_format_field(f, 5)->type, HZ_FT_STRING);
	CHECK_EQ_INT(hz_format_field(f, 4)->alias, HZ_A_NONE);
	hz_format_free(f);
}

/* Every log-format string of the lab configs. */
static void test_sample_configs(void)
{
	check_fields("%ci:%cp [%tr] %ft %b/%s %TR/%Tw/%Tc/%Tr/%Ta %ST %B %CC %CS %tsc %ac/%fc/%bc/%sc/%rc %sq/%bq %hr %hs {%[ssl_c_verify], %[ssl_fc_has_crt], %{+Q}[ssl_c_i_dn(cn)]} %{+Q}r",
		     "ci cp tr ft b s TR Tw Tc Tr Ta ST B CC CS tsc ac fc bc sc rc sq bq hr hs [ssl_c_verify] [ssl_fc_has_crt] [ssl_c_i_dn(cn)] r");
	check_fields("used=%[ssl_c_used] has_crt=%[ssl_fc_has_crt] verify=%[ssl_c_verify] err=%[ssl_c_err] ca_err=%[ssl_c_ca_err] resumed=%[ssl_fc_is_resumed] sni=%[ssl_fc_sni] sid=%[ssl_fc_session_id,hex] serial=%[ssl_c_serial,hex] nb=%[ssl_c_notbefore] na=%[ssl_c_notafter] sdn=%{+Q}[ssl_c_s_dn] idn_cn=%[ssl_c_i_dn(CN)] fsdn=%[ssl_f_s_dn(CN)] ver=%sslv ciph=%sslc alpn=%[ssl_fc_alpn] proto=%[ssl_fc_protocol]",
		     "[ssl_c_used] [ssl_fc_has_crt] [ssl_c_verify] [ssl_c_err] [ssl_c_ca_err] [ssl_fc_is_resumed] [ssl_fc_sni] [ssl_fc_session_id,hex] [ssl_c_serial,hex] [ssl_c_notbefore] [ssl_c_notafter] [ssl_c_s_dn] [ssl_c_i_dn(CN)] [ssl_f_s_dn(CN)] sslv sslc [ssl_fc_alpn] [ssl_fc_protocol]");
	check_fields("ciX=%{+X}ci cpX=%{+X}cp TsX=%{+X}Ts rtX=%{+X}rt ms=%ms msX=%{+X}ms ftQ=%{+Q}ft bQ=%{+Q}b sQ=%{+Q}s CC=%CC CCQ=%{+Q}CC emptyvar=%[var(txn.none)] emptyvarQ=%{+Q}[var(txn.none)] escE=%{+E}[var(txn.esc)] escQE=%{+Q,+E}[var(txn.esc)] escraw=%[var(txn.esc)] hr=%hr hrl=%hrl HM=%HM HU=%HU HP=%HP HPO=%HPO HQ=%HQ HV=%HV t=[%t] T=[%T] Tl=[%Tl] trg=[%trg] trl=[%trl] Ts=%Ts ID=%ID pct=100%% H=%H lc=%lc r=%{+Q}r",
		     "ci cp Ts rt ms ms ft b s CC CC [var(txn.none)] [var(txn.none)] [var(txn.esc)] [var(txn.esc)] [var(txn.esc)] hr hrl HM HU HP HPO HQ HV t T Tl trg trl Ts ID H lc r");
	check_fields("ERR %ci:%cp [%t] %ft %ac/%fc %[fc_err]/%[ssl_fc_err,hex]/%[ssl_c_err]/%[ssl_c_ca_err]/%[ssl_fc_is_resumed] %[ssl_fc_sni]/%sslv/%sslc errstr=%{+Q}[fc_err_str]",
		     "ci cp t ft ac fc [fc_err] [ssl_fc_err,hex] [ssl_c_err] [ssl_c_ca_err] [ssl_fc_is_resumed] [ssl_fc_sni] sslv sslc [fc_err_str]");
	check_fields("A %{+Q}o ci=%ci cp=%cp B=%B ST=%ST ts=%ts s=%s noflagQ=%{Q}ci minusM=[%{-M}CC] M=[%CC] vrfy=[%[ssl_c_verify]] hasc=[%[ssl_fc_has_crt]] Tt=%Tt rc=%rc r=%r",
		     "ci cp B ST ts s ci CC CC [ssl_c_verify] [ssl_fc_has_crt] Tt rc r");
	check_fields("ERRFMT %ci:%cp %ST %tsc %{+Q}r", "ci cp ST tsc r");
	check_fields("%{+X}o %ci:%cp_%fi:%fp_%Ts_%rt:%pid", "ci cp fi fp Ts rt pid");
	check_fields("%{+Q,+E}o [exampleSDID@1234 ua=%[capture.req.hdr(0)] path=%HP]",
		     "[capture.req.hdr(0)] HP");
	/* the beats custom format named in third-party/README.md */
	check_fields("%ci:%cp [%tr] %ft %b/%s %[capture.req.hdr(0)] %TR/%Tw/%Tc/%Tr/%Ta %ST %B %CC %CS %tsc %ac/%fc/%bc/%sc/%rc %sq/%bq %{+Q}r",
		     "ci cp tr ft b s [capture.req.hdr(0)] TR Tw Tc Tr Ta ST B CC CS tsc ac fc bc sc rc sq bq r");
}

static void test_flags(void)
{
	struct hz_format *f;

	/* %o sets defaults for what follows; items override */
	f = compile("%{+Q}o %{-Q}ci %b %[src] %ST %{-M}s");
	CHECK(f != NULL);
	CHECK_EQ_INT(flags_of(f, "ci"), HZ_FLAG_M);
	CHECK_EQ_INT(flags_of(f, "b"), HZ_FLAG_M | HZ_FLAG_Q);
	CHECK_EQ_INT(flags_of(f, "src"), HZ_FLAG_M | HZ_FLAG_Q);
	CHECK_EQ_INT(flags_of(f, "s"), HZ_FLAG_Q);
	hz_format_free(f);
	/* before %o nothing changes; later %o replaces the defaults */
	f = compile("%b %{+X}o %ci %{+E}o %s");
	CHECK_EQ_INT(flags_of(f, "b"), HZ_FLAG_M);
	CHECK_EQ_INT(flags_of(f, "ci"), HZ_FLAG_M | HZ_FLAG_X);
	CHECK_EQ_INT(flags_of(f, "s"), HZ_FLAG_M | HZ_FLAG_X | HZ_FLAG_E);
	hz_format_free(f);
	/* left to right */
	f = compile("%{+Q,-Q}b %{-Q,+Q}s %{+Q,+E,-M}f");
	CHECK_EQ_INT(flags_of(f, "b"), HZ_FLAG_M);
	CHECK_EQ_INT(flags_of(f, "s"), HZ_FLAG_M | HZ_FLAG_Q);
	CHECK_EQ_INT(flags_of(f, "f"), HZ_FLAG_Q | HZ_FLAG_E);
	hz_format_free(f);
	/* unknown and unsigned names are ignored */
	f = compile("%{Q}b %{+Z,+Q}s %{+json}o %{+bin,+cbor}ci %{QX}ft %{+q}H");
	CHECK(f != NULL);
	CHECK_EQ_INT(flags_of(f, "b"), HZ_FLAG_M);
	CHECK_EQ_INT(flags_of(f, "s"), HZ_FLAG_M | HZ_FLAG_Q);
	CHECK_EQ_INT(flags_of(f, "ci"), HZ_FLAG_M);
	CHECK_EQ_INT(flags_of(f, "ft"), HZ_FLAG_M);
	CHECK_EQ_INT(flags_of(f, "H"), HZ_FLAG_M);
	hz_format_free(f);
	/* a sign inside an item restarts it, as in HAProxy */
	f = compile("%{Q+X}ci %{}b");
	CHECK_EQ_INT(flags_of(f, "ci"), HZ_FLAG_M | HZ_FLAG_X);
	CHECK_EQ_INT(flags_of(f, "b"), HZ_FLAG_M);
	hz_format_free(f);
	/* flags on samples */
	f = compile("%{+Q,+E}[var(txn.x)] %{-M}[var(txn.y)]");
	CHECK_EQ_INT(flags_of(f, "var(txn.x)"), HZ_FLAG_M | HZ_FLAG_Q | HZ_FLAG_E);
	CHECK_EQ_INT(flags_of(f, "var(txn.y)"), 0);
	CHECK_EQ_INT(hz_format_field(f, 0)->type, HZ_FT_SAMPLE);
	CHECK(hz_format_field(f, 0)->long_name == NULL);
	CHECK(strcmp(hz_format_field(f, 0)->alias_name, "[") == 0);
	hz_format_free(f);
}

static void test_tokens(void)
{
	struct hz_format *f;

	/* greedy names: %Tw is not %T + w, %tsc is not %ts + c */
	check_fields("%Tw%tsc%Ts%trg%hrl", "Tw tsc Ts trg hrl");
	check_fields("%ci:%cp%%%b/%s", "ci cp b s");
	/* samples with nested parentheses, quotes and brackets */
	check_fields("%[str(\"a]b\"),concat(')',txn.x,\"]\")] x=%[src,ipmask(24)] %[req.fhdr(x),regsub(\"[0-9]\",X,g)]",
		     "[str(\"a]b\"),concat(')',txn.x,\"]\")] [src,ipmask(24)] [req.fhdr(x),regsub(\"[0-9]\",X,g)]");
	/* removed pre-2.5 spellings map to the modern aliases */
	f = compile("%Ci:%Cp %Fi:%Fp %Bi:%Bp %Si:%Sp %cc %cs %st");
	CHECK(f != NULL);
	CHECK_EQ_INT(hz_format_nfields(f), 11);
	CHECK_EQ_INT(hz_format_field(f, 0)->alias, HZ_A_ci);
	CHECK_EQ_INT(hz_format_field(f, 1)->alias, HZ_A_cp);
	CHECK_EQ_INT(hz_format_field(f, 2)->alias, HZ_A_fi);
	CHECK_EQ_INT(hz_format_field(f, 5)->alias, HZ_A_bp);
	CHECK_EQ_INT(hz_format_field(f, 6)->alias, HZ_A_si);
	CHECK_EQ_INT(hz_format_field(f, 8)->alias, HZ_A_CC);
	CHECK_EQ_INT(hz_format_field(f, 9)->alias, HZ_A_CS);
	CHECK_EQ_INT(hz_format_field(f, 10)->alias, HZ_A_ST);
	CHECK(strcmp(hz_format_field(f, 10)->alias_name, "ST") == 0);
	CHECK_EQ_INT(hz_format_find(f, "%st"), 10);
	CHECK_EQ_INT(hz_format_find(f, "status"), 10);
	hz_format_free(f);
	/* 3.x named items */
	f = compile("%(client)ci %(bytes:sint)[res.len] %(srv){+Q}s %{+Q}(be)b");
	CHECK(f != NULL);
	CHECK_EQ_INT(hz_format_nfields(f), 4);
	CHECK_STR(hz_format_field(f, 0)->name, "client");
	CHECK_STR(hz_format_field(f, 1)->name, "bytes");
	CHECK_STR(hz_format_field(f, 1)->expr, "res.len");
	CHECK_EQ_INT(hz_format_field(f, 2)->flags, HZ_FLAG_M | HZ_FLAG_Q);
	CHECK_STR(hz_format_field(f, 3)->name, "be");
	CHECK_EQ_INT(hz_format_find(f, "bytes"), 1);
	CHECK_EQ_INT(hz_format_find(f, "be"), 3);
	CHECK_EQ_INT(hz_format_find(f, "backend"), 3);
	hz_format_free(f);
	/* an empty format has no fields */
	f = compile("");
	CHECK(f != NULL);
	CHECK_EQ_INT(hz_format_nfields(f), 0);
	hz_format_free(f);
	hz_format_free(NULL);
}

/* Every alias of the table compiles, with its long name. */
static void test_alias_table(void)
{
	static const struct { const char *a, *l; enum hz_ftype t; } tab[] = {
		{ "B", "bytes_read", HZ_FT_INT }, { "CC", "captured_request_cookie", HZ_FT_STRING },
		{ "CS", "captured_response_cookie", HZ_FT_STRING }, { "H", "hostname", HZ_FT_STRING },
		{ "HM", "method", HZ_FT_STRING }, { "HP", "path", HZ_FT_STRING },
		{ "HPO", "path_only", HZ_FT_STRING }, { "HQ", "query", HZ_FT_STRING },
		{ "HU", "uri", HZ_FT_STRING }, { "HV", "http_version", HZ_FT_STRING },
		{ "ID", "unique_id", HZ_FT_STRING }, { "ST", "status", HZ_FT_INT },
		{ "T", "accept_date_utc", HZ_FT_DATE_TZ }, { "Ta", "time_active", HZ_FT_TIMER },
		{ "Tc", "time_connect", HZ_FT_TIMER }, { "Td", "time_data", HZ_FT_TIMER },
		{ "Th", "time_handshake", HZ_FT_TIMER }, { "Ti", "time_idle", HZ_FT_TIMER },
		{ "Tl", "accept_date_local", HZ_FT_DATE_TZ }, { "Tq", "time_request_total", HZ_FT_TIMER },
		{ "TR", "time_request", HZ_FT_TIMER }, { "Tr", "time_response", HZ_FT_TIMER },
		{ "Ts", "accept_timestamp", HZ_FT_INT }, { "Tt", "time_total", HZ_FT_TIMER },
		{ "Tu", "time_user", HZ_FT_TIMER }, { "Tw", "time_queue", HZ_FT_TIMER },
		{ "U", "bytes_uploaded", HZ_FT_INT }, { "ac", "actconn", HZ_FT_INT },
		{ "b", "backend", HZ_FT_STRING }, { "bc", "beconn", HZ_FT_INT },
		{ "bi", "backend_source_ip", HZ_FT_IP }, { "bp", "backend_source_port", HZ_FT_PORT },
		{ "bq", "backend_queue", HZ_FT_INT }, { "ci", "client_ip", HZ_FT_IP },
		{ "cp", "client_port", HZ_FT_PORT }, { "f", "frontend_name", HZ_FT_STRING },
		{ "fc", "feconn", HZ_FT_INT }, { "fi", "frontend_ip", HZ_FT_IP },
		{ "fp", "frontend_port", HZ_FT_PORT }, { "ft", "frontend", HZ_FT_FRONTEND },
		{ "hr", "captured_request_headers", HZ_FT_CAPTURE },
		{ "hrl", "captured_request_headers", HZ_FT_STRING },
		{ "hs", "captured_response_headers", HZ_FT_CAPTURE },
		{ "hsl", "captured_response_headers", HZ_FT_STRING },
		{ "lc", "log_counter", HZ_FT_INT }, { "ms", "accept_ms", HZ_FT_INT },
		{ "OG", "log_origin", HZ_FT_STRING }, { "pid", "pid", HZ_FT_INT },
		{ "r", "request", HZ_FT_REQUEST }, { "rc", "retries", HZ_FT_INT },
		{ "rt", "request_counter", HZ_FT_INT }, { "s", "server", HZ_FT_STRING },
		{ "sc", "srv_conn", HZ_FT_INT }, { "si", "server_ip", HZ_FT_IP },
		{ "sp", "server_port", HZ_FT_PORT }, { "sq", "srv_queue", HZ_FT_INT },
		{ "sslc", "tls_cipher", HZ_FT_STRING }, { "sslv", "tls_version", HZ_FT_STRING },
		{ "t", "accept_date", HZ_FT_DATE_MS }, { "tr", "request_date", HZ_FT_DATE_MS },
		{ "trg", "request_date_utc", HZ_FT_DATE_TZ }, { "trl", "request_date_local", HZ_FT_DATE_TZ },
		{ "ts", "termination_state", HZ_FT_TERM }, { "tsc", "termination_state", HZ_FT_TERM },
	};
	size_t i;

	for (i = 0; i < sizeof(tab) / sizeof(tab[0]); i++) {
		char fmt[32], pct[16];
		struct hz_format *f;
		snprintf(fmt, sizeof(fmt), "x %%%s y", tab[i].a);
		f = compile(fmt);
		CHECK(f != NULL);
		if (!f)
			continue;
		CHECK_EQ_INT(hz_format_nfields(f), 1);
		CHECK(strcmp(hz_format_field(f, 0)->alias_name, tab[i].a) == 0);
		CHECK(strcmp(hz_format_field(f, 0)->long_name, tab[i].l) == 0);
		CHECK_EQ_INT(hz_format_field(f, 0)->type, tab[i].t);
		CHECK_EQ_INT(hz_format_find(f, tab[i].a), 0);
		snprintf(pct, sizeof(pct), "%%%s", tab[i].a);
		CHECK_EQ_INT(hz_format_find(f, pct), 0);
		CHECK_EQ_INT(hz_format_find(f, tab[i].l), 0);
		CHECK_EQ_INT(hz_format_find(f, "nosuchname"), -1);
		hz_format_free(f);
	}
	CHECK_EQ_INT(HZ_A_COUNT, 66);
}

static void test_find(void)
{
	struct hz_format *f = compile("%f %ft %[ssl_c_i_dn(cn)] %{+Q}[ssl_c_serial,hex] %ts %tsc %hrl %hr");

	CHECK_EQ_INT(hz_format_find(f, "frontend"), 0);     /* %f answers to frontend too */
	CHECK_EQ_INT(hz_format_find(f, "frontend_name"), 0);
	CHECK_EQ_INT(hz_format_find(f, "ft"), 1);
	CHECK_EQ_INT(hz_format_find(f, "ssl_c_i_dn(cn)"), 2);
	CHECK_EQ_INT(hz_format_find(f, "%[ssl_c_i_dn(cn)]"), 2);
	CHECK_EQ_INT(hz_format_find(f, "[ssl_c_serial,hex]"), 3);
	CHECK_EQ_INT(hz_format_find(f, "ssl_c_serial,hex"), 3);
	CHECK_EQ_INT(hz_format_find(f, "ssl_c_serial"), -1);
	CHECK_EQ_INT(hz_format_find(f, "termination_state"), 4);
	CHECK_EQ_INT(hz_format_find(f, "tsc"), 5);
	CHECK_EQ_INT(hz_format_find(f, "captured_request_headers"), 6);
	CHECK_EQ_INT(hz_format_find(f, "hr"), 7);
	hz_format_free(f);
	f = compile("%ft %f");
	CHECK_EQ_INT(hz_format_find(f, "frontend"), 0);
	hz_format_free(f);
}

static void test_errors(void)
{
	check_error("%ci %zz", 5, "no such format variable 'zz'");
	check_error("%Tx", 1, "no such format variable 'Tx'");
	check_error("abc %ci%foo:", 8, "no such format variable 'foo'");
	check_error("a %1b", 3, "unexpected variable name near '1'");
	check_error("100% ok", 4, "unexpected variable name near ' '");
	check_error("a\t%\tb", 3, "unexpected variable name near '\t'");
	check_error("abc %", 5, "truncated line after '%'");
	check_error("%", 1, "truncated line after '%'");
	check_error("x %{+Q", 3, "truncated line after '+Q'");
	check_error("x %{+Q}", 3, "parse argument modifier without variable name near '%{+Q}'");
	check_error("x %{+Q} ci", 3, "parse argument modifier without variable name near '%{+Q}'");
	check_error("x %{+Q}-ci", 3, "parse argument modifier without variable name near '%{+Q}'");
	check_error("x %{+Q}9", 3, "no such format variable '9'");
	check_error("x %[src", 3, "missing ']' after 'src'");
	check_error("x %[str(a]b", 3, "missing ']' after 'str(a]b'");
	check_error("x %[src foo]", 3, "expected ']' after 'src', but found ' '");
	check_error("x %[]", 3, "missing fetch method");
	check_error("%(name", 1, "truncated line after");
	{
		/* too many fields */
		char buf[1024] = "";
		int i;
		struct hz_format *f = NULL;
		struct hz_err err;
		for (i = 0; i < 129; i++)
			strcat(buf, "%B");
		CHECK_EQ_INT(hz_format_compile(buf, strlen(buf), &f, &err), HZ_ELIMIT);
		CHECK(f == NULL);
		buf[2 * 128] = 0;
		CHECK_EQ_INT(hz_format_compile(buf, strlen(buf), &f, &err), 0);
		CHECK_EQ_INT(hz_format_nfields(f), 128);
		hz_format_free(f);
	}
	/* a '%' before another character is dropped, that character is text */
	{
		struct hz_format *f = compile("a%-b %ST");
		struct hz_match m;
		CHECK(f != NULL);
		CHECK_EQ_INT(hz_format_match(f, "a-b 200", 7, &m, NULL), 0);
		CHECK_EQ_INT(hz_format_match(f, "a%-b 200", 8, &m, NULL), HZ_ESYNTAX);
		hz_format_free(f);
		f = compile("pct=100%% %ST");
		CHECK_EQ_INT(hz_format_match(f, "pct=100% 200", 12, &m, NULL), 0);
		hz_format_free(f);
	}
}

int main(void)
{
	test_predefined();
	test_sample_configs();
	test_flags();
	test_tokens();
	test_alias_table();
	test_find();
	test_errors();
	return hz_test_done();
}
