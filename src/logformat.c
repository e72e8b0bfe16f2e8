/* The log-format compiler: turns an HAProxy format string into glue/field nodes and a field catalogue. */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "logformat.h"

/* How an alias prints, which decides its matcher. */
enum cls {
	C_GLOBAL = 0, /* %o */
	C_NUM,        /* decimal; Q ignored */
	C_NUMX,       /* decimal, hex under +X */
	C_IP, C_PORT, C_DMS, C_DTZ, C_TERM,
	C_TOKEN,      /* string without spaces */
	C_TEXT,       /* string that may hold spaces */
	C_FT, C_REQ, C_CAPT, C_LIST
};

struct alias_def {
	const char *name;
	enum hz_alias alias;
	enum hz_ftype type;
	unsigned char cls;
	unsigned char width;
	const char *lname;
	const char *lname2;  /* a second long name the field answers to */
};

/* Every alias of HAProxy's table (reference section 2), 3.x %OG included. */
static const struct alias_def aliases[] = {
	{ "o",    HZ_A_NONE, HZ_FT_LITERAL,  C_GLOBAL, 0, NULL, NULL },
	{ "B",    HZ_A_B,    HZ_FT_INT,      C_NUM,   0, "bytes_read", NULL },
	{ "CC",   HZ_A_CC,   HZ_FT_STRING,   C_TOKEN, 0, "captured_request_cookie", NULL },
	{ "CS",   HZ_A_CS,   HZ_FT_STRING,   C_TOKEN, 0, "captured_response_cookie", NULL },
	{ "H",    HZ_A_H,    HZ_FT_STRING,   C_TOKEN, 0, "hostname", NULL },
	{ "HM",   HZ_A_HM,   HZ_FT_STRING,   C_TOKEN, 0, "method", NULL },
	{ "HP",   HZ_A_HP,   HZ_FT_STRING,   C_TOKEN, 0, "path", NULL },
	{ "HPO",  HZ_A_HPO,  HZ_FT_STRING,   C_TOKEN, 0, "path_only", NULL },
	{ "HQ",   HZ_A_HQ,   HZ_FT_STRING,   C_TOKEN, 0, "query", NULL },
	{ "HU",   HZ_A_HU,   HZ_FT_STRING,   C_TOKEN, 0, "uri", NULL },
	{ "HV",   HZ_A_HV,   HZ_FT_STRING,   C_TOKEN, 0, "http_version", NULL },
	{ "ID",   HZ_A_ID,   HZ_FT_STRING,   C_TEXT,  0, "unique_id", NULL },
	{ "ST",   HZ_A_ST,   HZ_FT_INT,      C_NUM,   0, "status", NULL },
	{ "T",    HZ_A_T,    HZ_FT_DATE_TZ,  C_DTZ,   0, "accept_date_utc", NULL },
	{ "Ta",   HZ_A_Ta,   HZ_FT_TIMER,    C_NUM,   0, "time_active", NULL },
	{ "Tc",   HZ_A_Tc,   HZ_FT_TIMER,    C_NUM,   0, "time_connect", NULL },
	{ "Td",   HZ_A_Td,   HZ_FT_TIMER,    C_NUM,   0, "time_data", NULL },
	{ "Th",   HZ_A_Th,   HZ_FT_TIMER,    C_NUM,   0, "time_handshake", NULL },
	{ "Ti",   HZ_A_Ti,   HZ_FT_TIMER,    C_NUM,   0, "time_idle", NULL },
	{ "Tl",   HZ_A_Tl,   HZ_FT_DATE_TZ,  C_DTZ,   0, "accept_date_local", NULL },
	{ "Tq",   HZ_A_Tq,   HZ_FT_TIMER,    C_NUM,   0, "time_request_total", NULL },
	{ "TR",   HZ_A_TR,   HZ_FT_TIMER,    C_NUM,   0, "time_request", NULL },
	{ "Tr",   HZ_A_Tr,   HZ_FT_TIMER,    C_NUM,   0, "time_response", NULL },
	{ "Ts",   HZ_A_Ts,   HZ_FT_INT,      C_NUMX,  0, "accept_timestamp", NULL },
	{ "Tt",   HZ_A_Tt,   HZ_FT_TIMER,    C_NUM,   0, "time_total", NULL },
	{ "Tu",   HZ_A_Tu,   HZ_FT_TIMER,    C_NUM,   0, "time_user", NULL },
	{ "Tw",   HZ_A_Tw,   HZ_FT_TIMER,    C_NUM,   0, "time_queue", NULL },
	{ "U",    HZ_A_U,    HZ_FT_INT,      C_NUM,   0, "bytes_uploaded", NULL },
	{ "ac",   HZ_A_ac,   HZ_FT_INT,      C_NUM,   0, "actconn", NULL },
	{ "b",    HZ_A_b,    HZ_FT_STRING,   C_TOKEN, 0, "backend", NULL },
	{ "bc",   HZ_A_bc,   HZ_FT_INT,      C_NUM,   0, "beconn", NULL },
	{ "bi",   HZ_A_bi,   HZ_FT_IP,       C_IP,    0, "backend_source_ip", NULL },
	{ "bp",   HZ_A_bp,   HZ_FT_PORT,     C_PORT,  0, "backend_source_port", NULL },
	{ "bq",   HZ_A_bq,   HZ_FT_INT,      C_NUM,   0, "backend_queue", NULL },
	{ "ci",   HZ_A_ci,   HZ_FT_IP,       C_IP,    0, "client_ip", NULL },
	{ "cp",   HZ_A_cp,   HZ_FT_PORT,     C_PORT,  0, "client_port", NULL },
	{ "f",    HZ_A_f,    HZ_FT_STRING,   C_TOKEN, 0, "frontend_name", "frontend" },
	{ "fc",   HZ_A_fc,   HZ_FT_INT,      C_NUM,   0, "feconn", NULL },
	{ "fi",   HZ_A_fi,   HZ_FT_IP,       C_IP,    0, "frontend_ip", NULL },
	{ "fp",   HZ_A_fp,   HZ_FT_PORT,     C_PORT,  0, "frontend_port", NULL },
	{ "ft",   HZ_A_ft,   HZ_FT_FRONTEND, C_FT,    0, "frontend", NULL },
	{ "hr",   HZ_A_hr,   HZ_FT_CAPTURE,  C_CAPT,  0, "captured_request_headers", NULL },
	{ "hrl",  HZ_A_hrl,  HZ_FT_STRING,   C_LIST,  0, "captured_request_headers", NULL },
	{ "hs",   HZ_A_hs,   HZ_FT_CAPTURE,  C_CAPT,  0, "captured_response_headers", NULL },
	{ "hsl",  HZ_A_hsl,  HZ_FT_STRING,   C_LIST,  0, "captured_response_headers", NULL },
	{ "lc",   HZ_A_lc,   HZ_FT_INT,      C_NUMX,  0, "log_counter", NULL },
	{ "ms",   HZ_A_ms,   HZ_FT_INT,      C_NUMX,  0, "accept_ms", NULL },
	{ "OG",   HZ_A_OG,   HZ_FT_STRING,   C_TOKEN, 0, "log_origin", NULL },
	{ "pid",  HZ_A_pid,  HZ_FT_INT,      C_NUMX,  0, "pid", NULL },
	{ "r",    HZ_A_r,    HZ_FT_REQUEST,  C_REQ,   0, "request", NULL },
	{ "rc",   HZ_A_rc,   HZ_FT_INT,      C_NUM,   0, "retries", NULL },
	{ "rt",   HZ_A_rt,   HZ_FT_INT,      C_NUMX,  0, "request_counter", NULL },
	{ "s",    HZ_A_s,    HZ_FT_STRING,   C_TOKEN, 0, "server", NULL },
	{ "sc",   HZ_A_sc,   HZ_FT_INT,      C_NUM,   0, "srv_conn", NULL },
	{ "si",   HZ_A_si,   HZ_FT_IP,       C_IP,    0, "server_ip", NULL },
	{ "sp",   HZ_A_sp,   HZ_FT_PORT,     C_PORT,  0, "server_port", NULL },
	{ "sq",   HZ_A_sq,   HZ_FT_INT,      C_NUM,   0, "srv_queue", NULL },
	{ "sslc", HZ_A_sslc, HZ_FT_STRING,   C_TOKEN, 0, "tls_cipher", NULL },
	{ "sslv", HZ_A_sslv, HZ_FT_STRING,   C_TOKEN, 0, "tls_version", NULL },
	{ "t",    HZ_A_t,    HZ_FT_DATE_MS,  C_DMS,   0, "accept_date", NULL },
	{ "tr",   HZ_A_tr,   HZ_FT_DATE_MS,  C_DMS,   0, "request_date", NULL },
	{ "trg",  HZ_A_trg,  HZ_FT_DATE_TZ,  C_DTZ,   0, "request_date_utc", NULL },
	{ "trl",  HZ_A_trl,  HZ_FT_DATE_TZ,  C_DTZ,   0, "request_date_local", NULL },
	{ "ts",   HZ_A_ts,   HZ_FT_TERM,     C_TERM,  2, "termination_state", NULL },
	{ "tsc",  HZ_A_tsc,  HZ_FT_TERM,     C_TERM,  4, "termination_state", NULL },
};

/* Spellings removed in 2.5, still met in old configs. */
static const struct { const char *old, *modern; } old_aliases[] = {
	{ "Ci", "ci" }, { "Cp", "cp" }, { "Fi", "fi" }, { "Fp", "fp" },
	{ "Bi", "bi" }, { "Bp", "bp" }, { "Si", "si" }, { "Sp", "sp" },
	{ "cc", "CC" }, { "cs", "CS" }, { "st", "ST" },
};

#define NALIASES (sizeof(aliases) / sizeof(aliases[0]))

static const struct alias_def *lookup_alias(const char *name, size_t n)
{
	size_t i;

	for (i = 0; i < NALIASES; i++)
		if (strlen(aliases[i].name) == n && memcmp(aliases[i].name, name, n) == 0)
			return &aliases[i];
	for (i = 0; i < sizeof(old_aliases) / sizeof(old_aliases[0]); i++)
		if (strlen(old_aliases[i].old) == n && memcmp(old_aliases[i].old, name, n) == 0)
			return lookup_alias(old_aliases[i].modern, strlen(old_aliases[i].modern));
	return NULL;
}

static const struct alias_def *def_of(enum hz_alias a)
{
	size_t i;

	for (i = 0; i < NALIASES; i++)
		if (aliases[i].alias == a && aliases[i].cls != C_GLOBAL)
			return &aliases[i];
	return NULL;
}

/* Applies a flag list ("+Q,-M,+X") the way HAProxy 2.6 does: left to right,
 * a '+' or '-' anywhere restarts the item, unknown or unsigned names are
 * ignored. */
static unsigned apply_flags(unsigned flags, const char *a, size_t n)
{
	size_t i, sp = 0;
	int sign = 0, have = 0;

	for (i = 0; i <= n; i++) {
		char c = i < n ? a[i] : ',';

		if (c == '+' || c == '-') {
			sign = c == '+' ? 1 : 2;
			sp = i + 1;
			have = 1;
		} else if (c == ',') {
			if (have && i - sp == 1) {
				unsigned m = 0;
				switch (a[sp]) {
				case 'Q': m = HZ_FLAG_Q; break;
				case 'X': m = HZ_FLAG_X; break;
				case 'E': m = HZ_FLAG_E; break;
				case 'M': m = HZ_FLAG_M; break;
				}
				if (sign == 1)
					flags |= m;
				else
					flags &= ~m;
			}
			have = 0;
		}
	}
	return flags;
}

/* The compiler's working state. */
struct build {
	struct hz_format *f;
	size_t capfields;
	char *glue;        /* pending glue text */
	size_t gluen;
	int has_glue;
	unsigned defflags; /* defaults set by %o */
	struct hz_err *err;
};

static int fail(struct build *b, size_t col, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int fail(struct build *b, size_t col, const char *fmt, ...)
{
	if (b->err) {
		va_list ap;
		memset(b->err, 0, sizeof(*b->err));
		b->err->code = HZ_ESYNTAX;
		b->err->col = (uint32_t)col;
		va_start(ap, fmt);
		vsnprintf(b->err->msg, sizeof(b->err->msg), fmt, ap);
		va_end(ap);
	}
	return HZ_ESYNTAX;
}

static void glue_add(struct build *b, const char *p, size_t n)
{
	memcpy(b->glue + b->gluen, p, n);
	b->gluen += n;
	b->has_glue = 1;
}

/* A separator prints a single space, and only one in a row. */
static void glue_sep(struct build *b)
{
	if (b->gluen == 0 || b->glue[b->gluen - 1] != ' ')
		b->glue[b->gluen++] = ' ';
	b->has_glue = 1;
}

static void flush_glue(struct build *b)
{
	struct hz_format *f = b->f;
	struct hz_lf_node *nd;

	if (!b->has_glue)
		return;
	nd = &f->nodes[f->nnodes++];
	memset(nd, 0, sizeof(*nd));
	nd->kind = LFN_GLUE;
	nd->off = (uint32_t)f->bufn;
	nd->len = (uint32_t)b->gluen;
	nd->lead_sep = b->gluen > 0 && b->glue[0] == ' ';
	nd->trail_sep = b->gluen > 0 && b->glue[b->gluen - 1] == ' ';
	memcpy(f->buf + f->bufn, b->glue, b->gluen);
	f->bufn += b->gluen;
	b->gluen = 0;
	b->has_glue = 0;
}

static enum hz_lf_mode mode_for(const struct alias_def *d, unsigned fl, int sample)
{
	int q = (fl & HZ_FLAG_Q) != 0, x = (fl & HZ_FLAG_X) != 0, e = (fl & HZ_FLAG_E) != 0;

	if (sample)
		return q ? (e ? LFM_TEXT_QE : LFM_TEXT_Q) : LFM_TEXT;
	switch (d->cls) {
	case C_NUM: return LFM_INT;
	case C_NUMX: return x ? LFM_HEX : LFM_INT;
	case C_IP: return x ? LFM_IPHEX : q ? LFM_IP_Q : LFM_IP;
	case C_PORT: return x ? LFM_PORTHEX : LFM_PORT;
	case C_DMS: return LFM_DATE_MS;
	case C_DTZ: return LFM_DATE_TZ;
	case C_TERM: return LFM_TERM;
	case C_TOKEN: return q ? LFM_TOKEN_Q : LFM_TOKEN;
	case C_TEXT: return q ? (e ? LFM_TEXT_QE : LFM_TEXT_Q) : LFM_TEXT;
	case C_FT: return q ? LFM_FT_Q : LFM_FT;
	case C_REQ: return q ? LFM_REQ_Q : LFM_TEXT;
	case C_CAPT: return q ? LFM_CAPT_Q : LFM_CAPT;
	case C_LIST: return q ? LFM_LIST_Q : LFM_LIST;
	}
	return LFM_TEXT;
}

static int add_field(struct build *b, const struct alias_def *d, unsigned fl,
		     const char *expr, size_t exprn, const char *name, size_t namen, size_t col)
{
	struct hz_format *f = b->f;
	struct hz_field_info *fi;
	struct hz_lf_node *nd;
	enum hz_lf_mode mode;

	if (f->nfields >= HZ_MATCH_MAX_FIELDS) {
		fail(b, col, "too many fields (at most %d)", HZ_MATCH_MAX_FIELDS);
		if (b->err)
			b->err->code = HZ_ELIMIT;
		return HZ_ELIMIT;
	}
	flush_glue(b);
	fi = &f->fields[f->nfields];
	memset(fi, 0, sizeof(*fi));
	mode = mode_for(d, fl, d == NULL);
	if (d) {
		fi->alias = d->alias;
		fi->type = d->type;
		fi->alias_name = d->name;
		fi->long_name = d->lname;
	} else {
		fi->alias = HZ_A_SAMPLE;
		fi->type = HZ_FT_SAMPLE;
		fi->alias_name = "[";
		fi->long_name = NULL;
		fi->expr = hz_str_make(expr, exprn);
	}
	fi->flags = fl;
	fi->name = hz_str_make(namen ? name : NULL, namen);
	nd = &f->nodes[f->nnodes++];
	memset(nd, 0, sizeof(*nd));
	nd->kind = LFN_FIELD;
	nd->mode = (uint8_t)mode;
	nd->width = d ? d->width : 0;
	nd->field = (uint16_t)f->nfields;
	nd->quoted = (mode == LFM_IP_Q || mode == LFM_TOKEN_Q || mode == LFM_FT_Q ||
		      mode == LFM_TEXT_Q || mode == LFM_TEXT_QE || mode == LFM_REQ_Q ||
		      mode == LFM_CAPT_Q || mode == LFM_LIST_Q || ((fl & HZ_FLAG_Q) && (mode == LFM_PORT || mode == LFM_PORTHEX ||
							       mode == LFM_IPHEX)));
	f->nfields++;
	return 0;
}

/* Finds the ']' closing a sample expression starting at s[i]: parentheses
 * nest, quotes (with backslash escapes) hide brackets. Returns the index of
 * ']', or -1 with *bad the offending index (n when the string ended). */
static long expr_end(const char *s, size_t n, size_t i, size_t *bad)
{
	int depth = 0;
	char q = 0;

	for (; i < n; i++) {
		char c = s[i];
		if (q) {
			if (c == '\\' && i + 1 < n)
				i++;
			else if (c == q)
				q = 0;
			continue;
		}
		if (c == '"' || c == '\'')
			q = c;
		else if (c == '\\' && depth > 0 && i + 1 < n)
			i++;
		else if (c == '(')
			depth++;
		else if (c == ')') {
			if (depth > 0)
				depth--;
		} else if (c == ']' && depth == 0)
			return (long)i;
		else if (depth == 0 && (c == ' ' || c == '\t' || c == '\0')) {
			*bad = i;
			return -1;
		}
	}
	*bad = n;
	return -1;
}

static int parse(struct build *b, const char *s, size_t n)
{
	size_t i = 0;
	int rc;

	while (i < n) {
		size_t start, argo = 0, argn = 0, nameo = 0, namen = 0;
		int has_arg = 0;
		unsigned fl;
		char c = s[i];

		if (c == ' ') {
			glue_sep(b);
			i++;
			continue;
		}
		if (c != '%') {
			size_t j = i;
			while (j < n && s[j] != '%' && s[j] != ' ')
				j++;
			glue_add(b, s + i, j - i);
			i = j;
			continue;
		}
		start = i++;
		if (i == n)
			return fail(b, start + 1, "truncated line after '%%'");
		/* 3.x %(name) or %(name:type) */
		if (s[i] == '(') {
			size_t j = i + 1;
			while (j < n && s[j] != ')')
				j++;
			if (j == n)
				return fail(b, start + 1, "truncated line after '%.*s'", (int)(n - i), s + i);
			nameo = i + 1;
			namen = j - nameo;
			for (size_t k = nameo; k < j; k++)
				if (s[k] == ':') {
					namen = k - nameo;
					break;
				}
			i = j + 1;
			if (i == n)
				return fail(b, start + 1, "truncated line after '%.*s'", (int)(i - start), s + start);
		}
		if (s[i] == '{') {
			size_t j = i + 1;
			while (j < n && s[j] != '}')
				j++;
			if (j == n)
				return fail(b, start + 1, "truncated line after '%.*s'", (int)(n - i - 1), s + i + 1);
			argo = i + 1;
			argn = j - argo;
			has_arg = 1;
			i = j + 1;
			if (i < n && s[i] == '(' && namen == 0) {
				size_t k = i + 1;
				while (k < n && s[k] != ')')
					k++;
				if (k == n)
					return fail(b, start + 1, "truncated line after '%.*s'", (int)(n - i), s + i);
				nameo = i + 1;
				namen = k - nameo;
				for (size_t m = nameo; m < k; m++)
					if (s[m] == ':') {
						namen = m - nameo;
						break;
					}
				i = k + 1;
			}
			if (i == n || (s[i] != '[' && !isalnum((unsigned char)s[i])))
				return fail(b, start + 1, "parse argument modifier without variable name near '%%{%.*s}'",
					    (int)argn, s + argo);
		}
		c = s[i];
		fl = b->defflags;
		if (has_arg)
			fl = apply_flags(fl, s + argo, argn);
		if (c == '[') {
			size_t bad = 0;
			long e = expr_end(s, n, i + 1, &bad);
			if (e < 0) {
				if (bad < n && isprint((unsigned char)s[bad]))
					return fail(b, start + 1, "expected ']' after '%.*s', but found '%c'",
						    (int)(bad - i - 1), s + i + 1, s[bad]);
				return fail(b, start + 1, "missing ']' after '%.*s'", (int)(bad - i - 1), s + i + 1);
			}
			if ((size_t)e == i + 1)
				return fail(b, start + 1, "missing fetch method in sample expression '%%[]'");
			rc = add_field(b, NULL, fl, s + i + 1, (size_t)e - i - 1, s + nameo, namen, start + 1);
			if (rc)
				return rc;
			i = (size_t)e + 1;
		} else if (isalpha((unsigned char)c) || (has_arg && isalnum((unsigned char)c))) {
			const struct alias_def *d;
			size_t j = i;
			while (j < n && isalnum((unsigned char)s[j]))
				j++;
			d = lookup_alias(s + i, j - i);
			if (!d)
				return fail(b, start + 1,
					    "no such format variable '%.*s'. If you wanted to emit the '%%' character verbatim, you need to use '%%%%'",
					    (int)(j - i), s + i);
			if (d->cls == C_GLOBAL)
				b->defflags = fl;
			else if ((rc = add_field(b, d, fl, NULL, 0, s + nameo, namen, start + 1)) != 0)
				return rc;
			i = j;
		} else if (namen || has_arg) {
			return fail(b, start + 1, "parse argument modifier without variable name near '%.*s'",
				    (int)(i - start), s + start);
		} else if (c == '%') {
			/* "%%": the second '%' starts literal text */
			glue_add(b, "%", 1);
			i++;
		} else if (isdigit((unsigned char)c) || c == ' ' || c == '\t') {
			return fail(b, start + 1,
				    "unexpected variable name near '%c' at position %zu line : '%.*s'. Maybe you want to write a single '%%', use the syntax '%%%%'",
				    c, start + 1, (int)(n > 200 ? 200 : n), s);
		} else {
			/* Any other character: HAProxy drops the '%' and keeps the
			 * character as literal text. */
		}
	}
	flush_glue(b);
	return 0;
}

/* Terminators, end flags and optional tails, from the node list. */
static void finish(struct hz_format *f)
{
	size_t k;
	int opt = 1;

	for (k = 0; k < f->nnodes; k++) {
		struct hz_lf_node *nd = &f->nodes[k];
		if (nd->kind != LFN_FIELD)
			continue;
		nd->toff = (uint32_t)f->bufn;
		f->buf[f->bufn++] = '"';
		if (k + 1 < f->nnodes && f->nodes[k + 1].kind == LFN_GLUE) {
			const struct hz_lf_node *g = &f->nodes[k + 1];
			memcpy(f->buf + f->bufn, f->buf + g->off, g->len);
			f->bufn += g->len;
			nd->tlen = g->len;
			nd->glued = 1;
			nd->term_end = k + 2 == f->nnodes;
		} else {
			nd->tlen = 0;
			nd->glued = 0;
			nd->term_end = k + 1 == f->nnodes;
		}
	}
	for (k = f->nnodes; k-- > 0;) {
		struct hz_lf_node *nd = &f->nodes[k];
		nd->tail_opt = (uint8_t)opt;
		if (nd->kind == LFN_FIELD)
			opt = opt && (nd->mode == LFM_CAPT || nd->mode == LFM_CAPT_Q ||
				      nd->mode == LFM_LIST || nd->mode == LFM_LIST_Q);
		else
			opt = opt && nd->len == 1 && f->buf[nd->off] == ' ';
	}
}

int hz_format_compile(const char *fmt, size_t n, struct hz_format **out, struct hz_err *err)
{
	struct hz_format *f;
	struct build b;
	size_t cap = n + 1;
	int rc;

	*out = NULL;
	if (!fmt)
		return HZ_EINVAL;
	f = calloc(1, sizeof(*f));
	if (!f)
		return HZ_ENOMEM;
	f->src = malloc(n + 1);
	/* Each field needs at least two source bytes, so n/2+1 bounds both. */
	if (cap / 2 + 1 < HZ_MATCH_MAX_FIELDS + 1)
		f->fields = calloc(cap / 2 + 2, sizeof(*f->fields));
	else
		f->fields = calloc(HZ_MATCH_MAX_FIELDS + 1, sizeof(*f->fields));
	f->nodes = calloc(n + 2 < HZ_LF_MAX_NODES ? n + 2 : HZ_LF_MAX_NODES, sizeof(*f->nodes));
	f->buf = malloc(3 * n + 64);
	memset(&b, 0, sizeof(b));
	b.glue = malloc(n + 1);
	if (!f->src || !f->fields || !f->nodes || !f->buf || !b.glue) {
		free(b.glue);
		hz_format_free(f);
		return HZ_ENOMEM;
	}
	memcpy(f->src, fmt, n);
	f->src[n] = '\0';
	f->srcn = n;
	b.f = f;
	b.err = err;
	b.defflags = HZ_FLAG_M;
	rc = parse(&b, f->src, n);
	free(b.glue);
	if (rc) {
		hz_format_free(f);
		return rc;
	}
	finish(f);
	rc = hz_format_plan(f);
	if (rc) {
		hz_format_free(f);
		return rc;
	}
	*out = f;
	return 0;
}

/* The predefined formats, exactly as HAProxy 2.6 holds them (reference §3). */
static const struct { const char *name, *fmt; } predefined[] = {
	{ "httplog",
	  "%ci:%cp [%tr] %ft %b/%s %TR/%Tw/%Tc/%Tr/%Ta %ST %B %CC %CS %tsc %ac/%fc/%bc/%sc/%rc %sq/%bq %hr %hs %{+Q}r" },
	{ "httplog-legacy",
	  "%ci:%cp [%t] %ft %b/%s %Tq/%Tw/%Tc/%Tr/%Tt %ST %B %CC %CS %tsc %ac/%fc/%bc/%sc/%rc %sq/%bq %hr %hs %{+Q}r" },
	{ "httplog-clf",
	  "%{+Q}o %{-Q}ci - - [%trg] %r %ST %B \"\" \"\" %cp %ms %ft %b %s %TR %Tw %Tc %Tr %Ta %tsc %ac %fc %bc %sc %rc %sq %bq %CC %CS %hrl %hsl" },
	{ "tcplog",
	  "%ci:%cp [%t] %ft %b/%s %Tw/%Tc/%Tt %B %ts %ac/%fc/%bc/%sc/%rc %sq/%bq" },
	{ "tcplog-clf",
	  "%{+Q}o %{-Q}ci - - [%T] \"TCP \" 000 %B \"\" \"\" %cp %ms %ft %b %s %Th %Tw %Tc %Tt %U %ts-- %ac %fc %bc %sc %rc %sq %bq \"\" \"\" " },
	{ "httpslog",
	  "%ci:%cp [%tr] %ft %b/%s %TR/%Tw/%Tc/%Tr/%Ta %ST %B %CC %CS %tsc %ac/%fc/%bc/%sc/%rc %sq/%bq %hr %hs %{+Q}r %[fc_err]/%[ssl_fc_err,hex]/%[ssl_c_err]/%[ssl_c_ca_err]/%[ssl_fc_is_resumed] %[ssl_fc_sni]/%sslv/%sslc" },
};

#define ERRDEF_SRC "%ci:%cp [%t] %ft/<bind>: <message>"

/* The fixed connection-error line is not a log-format; it is built from one
 * whose two last samples are turned into the pseudo-fields bind and message. */
static int error_default(struct hz_format **out, struct hz_err *err)
{
	static const char fmt[] = "%ci:%cp [%t] %ft/%[bind]: %[message]";
	struct hz_format *f;
	char *src;
	size_t k;
	int rc = hz_format_compile(fmt, sizeof(fmt) - 1, &f, err);

	if (rc)
		return rc;
	src = malloc(sizeof(ERRDEF_SRC));
	if (!src) {
		hz_format_free(f);
		return HZ_ENOMEM;
	}
	memcpy(src, ERRDEF_SRC, sizeof(ERRDEF_SRC));
	for (k = 0; k < f->nnodes; k++) {
		struct hz_lf_node *nd = &f->nodes[k];
		struct hz_field_info *fi;
		if (nd->kind != LFN_FIELD || f->fields[nd->field].alias != HZ_A_SAMPLE)
			continue;
		fi = &f->fields[nd->field];
		fi->alias = HZ_A_NONE;
		fi->type = HZ_FT_STRING;
		fi->expr = HZ_STR_NULL;
		if (nd->term_end && nd->tlen == 0) {
			fi->alias_name = fi->long_name = "message";
			nd->mode = LFM_TEXT;
		} else {
			fi->alias_name = fi->long_name = "bind";
			nd->mode = LFM_TOKEN;
		}
	}
	free(f->src);
	f->src = src;
	f->srcn = sizeof(ERRDEF_SRC) - 1;
	rc = hz_format_plan(f);
	if (rc) {
		hz_format_free(f);
		return rc;
	}
	*out = f;
	return 0;
}

int hz_format_predefined(const char *name, struct hz_format **out, struct hz_err *err)
{
	size_t i;

	*out = NULL;
	if (!name)
		return HZ_EINVAL;
	if (strcmp(name, "error-default") == 0)
		return error_default(out, err);
	for (i = 0; i < sizeof(predefined) / sizeof(predefined[0]); i++)
		if (strcmp(name, predefined[i].name) == 0)
			return hz_format_compile(predefined[i].fmt, strlen(predefined[i].fmt), out, err);
	if (err) {
		memset(err, 0, sizeof(*err));
		err->code = HZ_EINVAL;
		snprintf(err->msg, sizeof(err->msg), "unknown predefined format '%s'", name);
	}
	return HZ_EINVAL;
}

const char *hz_format_source(const struct hz_format *f)
{
	return f->src;
}

size_t hz_format_nfields(const struct hz_format *f)
{
	return f->nfields;
}

const struct hz_field_info *hz_format_field(const struct hz_format *f, size_t i)
{
	return i < f->nfields ? &f->fields[i] : NULL;
}

int hz_format_find(const struct hz_format *f, const char *name)
{
	const struct alias_def *d;
	const char *a = name;
	size_t i, n;

	if (!f || !name)
		return -1;
	if (*a == '%')
		a++;
	n = strlen(a);
	d = lookup_alias(a, n);
	if (d && d->cls != C_GLOBAL) {
		for (i = 0; i < f->nfields; i++)
			if (f->fields[i].alias == d->alias)
				return (int)i;
	}
	for (i = 0; i < f->nfields; i++) {
		const struct hz_field_info *fi = &f->fields[i];
		const struct alias_def *fd;
		if (fi->long_name && strcmp(fi->long_name, name) == 0)
			return (int)i;
		if (fi->alias != HZ_A_SAMPLE && fi->alias != HZ_A_NONE &&
		    (fd = def_of(fi->alias)) != NULL && fd->lname2 && strcmp(fd->lname2, name) == 0)
			return (int)i;
	}
	/* samples as written: "expr", "[expr]" or "%[expr]" */
	if (*a == '[' && n >= 2 && a[n - 1] == ']') {
		a++;
		n -= 2;
	} else
		a = name, n = strlen(name);
	for (i = 0; i < f->nfields; i++) {
		const struct hz_field_info *fi = &f->fields[i];
		if (fi->alias == HZ_A_SAMPLE && fi->expr.n == n && memcmp(fi->expr.p, a, n) == 0)
			return (int)i;
	}
	n = strlen(name);
	if (n == 0)   /* an unnamed field has a NULL name view: no memcmp on it */
		return -1;
	for (i = 0; i < f->nfields; i++) {
		const struct hz_field_info *fi = &f->fields[i];
		if (fi->name.n == n && memcmp(fi->name.p, name, n) == 0)
			return (int)i;
	}
	return -1;
}

void hz_format_free(struct hz_format *f)
{
	if (!f)
		return;
	free(f->src);
	free(f->fields);
	free(f->nodes);
	free(f->buf);
	free(f->ops);
	free(f);
}
