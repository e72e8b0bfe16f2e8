/* Parses the user rule language into per-rule bytecode and evaluates it on matched lines. */
#define PCRE2_CODE_UNIT_WIDTH 8
#include "halyze/rulelang.h"

#include <errno.h>
#include <pcre2.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "halyze/fields.h"
#include "errfmt.h"

#define MAX_DEPTH 64
#define MATCH_LIMIT 100000
#define DEPTH_LIMIT 1000
#define JIT_STACK_MIN (32 * 1024)
#define JIT_STACK_MAX (512 * 1024)
#define MAX_FILE ((size_t)16 << 20)
#define MAX_NAMES 65535
#define NO_JUMP UINT32_MAX

/* Expressions compile to a flat program per rule over one boolean
 * accumulator: a test sets it, NOT flips it, JF/JT jump when it is
 * false/true. `a && b` is `a JF(end) b`, `a || b` is `a JT(end) b`, so
 * evaluation needs neither recursion nor a stack. */
enum op { OP_JF, OP_JT, OP_NOT, OP_CMPN, OP_CMPS, OP_RE, OP_NRE, OP_IN, OP_EXISTS };
enum cmp { C_EQ, C_NE, C_LT, C_LE, C_GT, C_GE };

struct ins {
	uint8_t op, cmp;
	uint16_t field;   /* name id in a ruleset, field index in a binding */
	uint32_t a;       /* jump target (rule-relative), string length, set or regex index */
	int64_t num;      /* number literal */
	const char *str;  /* string literal, owned by the ruleset */
};

struct set {
	size_t nnum, nstr;
	int64_t *num;
	struct hz_str *str;
};

struct rx {
	pcre2_code *code;
	pcre2_match_data *md;
	size_t rule;
};

struct rule {
	const char *name, *explain, *advice, *group_by;
	enum hz_severity sev;
	int line;
	size_t code_off, code_n;
	size_t fields_off, nfields;   /* distinct name ids the rule uses, in rfields */
	size_t group_off, ngroup;     /* its group-by name ids, in rfields */
};

struct hz_ruleset {
	struct rule *rules;
	size_t nrules, caprules;
	struct ins *code;
	size_t ncode, capcode;
	uint16_t *rfields;
	size_t nrfields, caprfields;
	const char **names;           /* distinct field names, NUL-terminated */
	size_t nnames, capnames;
	struct set *sets;
	size_t nsets, capsets;
	struct rx *rxs;
	size_t nrxs, caprxs;
	void **pool;                  /* every other allocation, freed with the set */
	size_t npool, cappool;
	uint64_t *limit_errors;       /* per rule; the pointee stays writable through a const ruleset */
	pcre2_match_context *mctx;
	pcre2_jit_stack *jit;
};

/* ---------- small containers ---------- */

/* Makes room for `need` elements of size elem in the vector whose pointer
 * is at pp (any object pointer type; copied with memcpy, not aliased). */
static int grow(void *pp, size_t *cap, size_t need, size_t elem)
{
	size_t nc;
	void *p, *q;

	if (need <= *cap)
		return 0;
	nc = *cap ? *cap : 8;
	while (nc < need) {
		if (nc > SIZE_MAX / 2 / elem)
			return HZ_ENOMEM;
		nc *= 2;
	}
	memcpy(&p, pp, sizeof(p));
	q = realloc(p, nc * elem);
	if (!q)
		return HZ_ENOMEM;
	memcpy(pp, &q, sizeof(q));
	*cap = nc;
	return 0;
}

static void *pool_alloc(struct hz_ruleset *rs, size_t n)
{
	void *p;

	if (grow(&rs->pool, &rs->cappool, rs->npool + 1, sizeof(*rs->pool)))
		return NULL;
	p = malloc(n ? n : 1);
	if (p)
		rs->pool[rs->npool++] = p;
	return p;
}

static char *pool_strdup(struct hz_ruleset *rs, const char *s, size_t n)
{
	char *p = pool_alloc(rs, n + 1);

	if (p) {
		if (n)
			memcpy(p, s, n);
		p[n] = '\0';
	}
	return p;
}

/* An open-addressing table from strings to indexes, for the parse only. */
struct hslot {
	const char *key;
	size_t n;
	uint32_t val;
};

struct htab {
	struct hslot *s;
	size_t cap, n;
};

static uint64_t hash(const char *p, size_t n)
{
	uint64_t h = 1469598103934665603ull;

	while (n--) {
		h ^= (unsigned char)*p++;
		h *= 1099511628211ull;
	}
	return h;
}

/* The slot for key: holding it, or the empty one where it would go. */
static struct hslot *hfind(const struct htab *t, const char *key, size_t n)
{
	size_t i = (size_t)hash(key, n) & (t->cap - 1);

	while (t->s[i].key && !(t->s[i].n == n && memcmp(t->s[i].key, key, n) == 0))
		i = (i + 1) & (t->cap - 1);
	return &t->s[i];
}

/* Looks key up; *val gets its index, or -1 when absent. */
static long hget(const struct htab *t, const char *key, size_t n)
{
	const struct hslot *s;

	if (!t->cap)
		return -1;
	s = hfind(t, key, n);
	return s->key ? (long)s->val : -1;
}

/* Adds key (which must outlive the table and be absent). */
static int hput(struct htab *t, const char *key, size_t n, uint32_t val)
{
	struct hslot *s;

	if ((t->n + 1) * 2 > t->cap) {
		struct htab nt;
		size_t i;
		nt.cap = t->cap ? t->cap * 2 : 64;
		nt.n = t->n;
		nt.s = calloc(nt.cap, sizeof(*nt.s));
		if (!nt.s)
			return HZ_ENOMEM;
		for (i = 0; i < t->cap; i++)
			if (t->s[i].key)
				*hfind(&nt, t->s[i].key, t->s[i].n) = t->s[i];
		free(t->s);
		*t = nt;
	}
	s = hfind(t, key, n);
	s->key = key;
	s->n = n;
	s->val = val;
	t->n++;
	return 0;
}

/* ---------- the parser ---------- */

struct parser {
	struct hz_ruleset *rs;
	const char *t;
	size_t n;            /* the whole text */
	size_t end;          /* end of the current rule */
	size_t i;
	int line;            /* line of t[i] */
	size_t bol;          /* where that line begins */
	int pline;           /* line and column just after the last token, */
	uint32_t pcol;       /* for errors at the end of a rule */
	struct hz_err *err;
	const char *name;
	struct htab rnames, fnames;
	uint32_t *mark;      /* per name id: 1 + the last rule that listed it */
	size_t capmark;
	size_t code_off;     /* first instruction of the rule being parsed */
};

static int is_blank(int c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static int is_alpha(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static int is_digit(int c)
{
	return c >= '0' && c <= '9';
}

static int is_ident_start(int c)
{
	return is_alpha(c) || c == '_';
}

static int is_ident(int c)
{
	return is_alpha(c) || is_digit(c) || c == '_' || c == '.';
}

static int is_name(int c)
{
	return is_alpha(c) || is_digit(c) || c == '_' || c == '.' || c == '-';
}

static uint32_t col_of(const struct parser *ps, size_t pos)
{
	return (uint32_t)(pos - ps->bol + 1);
}

static int verr(struct parser *ps, int line, uint32_t col, const char *fmt, va_list ap) HZ_PRINTF(4, 0);
static int verr(struct parser *ps, int line, uint32_t col, const char *fmt, va_list ap)
{
	char msg[sizeof(ps->err->msg)];

	vsnprintf(msg, sizeof(msg), fmt, ap);
	hz_err_set(ps->err, HZ_ESYNTAX, ps->name, "%s", msg);
	if (ps->err) {
		ps->err->line = (uint64_t)line;
		ps->err->col = col;
	}
	return HZ_ESYNTAX;
}

static int err_at(struct parser *ps, int line, uint32_t col, const char *fmt, ...) HZ_PRINTF(4, 5);
static int err_at(struct parser *ps, int line, uint32_t col, const char *fmt, ...)
{
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = verr(ps, line, col, fmt, ap);
	va_end(ap);
	return rc;
}

/* An error at pos, which lies on the current line. */
static int err_pos(struct parser *ps, size_t pos, const char *fmt, ...) HZ_PRINTF(3, 4);
static int err_pos(struct parser *ps, size_t pos, const char *fmt, ...)
{
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = verr(ps, ps->line, col_of(ps, pos), fmt, ap);
	va_end(ap);
	return rc;
}

static int nomem(struct parser *ps)
{
	return hz_err_set(ps->err, HZ_ENOMEM, ps->name, "out of memory");
}

static void tok_done(struct parser *ps)
{
	ps->pline = ps->line;
	ps->pcol = col_of(ps, ps->i);
}

/* Skips blanks and comments up to the end of the rule. */
static void skip(struct parser *ps)
{
	while (ps->i < ps->end) {
		char c = ps->t[ps->i];
		if (c == '\n') {
			ps->i++;
			ps->line++;
			ps->bol = ps->i;
		} else if (is_blank(c)) {
			ps->i++;
		} else if (c == '#') {
			while (ps->i < ps->end && ps->t[ps->i] != '\n')
				ps->i++;
		} else {
			break;
		}
	}
}

static int at_end(const struct parser *ps)
{
	return ps->i >= ps->end;
}

/* 1 when the keyword kw stands at t[i] (not followed by an identifier character). */
static int word_at(const struct parser *ps, const char *kw)
{
	size_t k = strlen(kw);

	return ps->end - ps->i >= k && memcmp(ps->t + ps->i, kw, k) == 0 &&
	       (ps->i + k == ps->end || !is_ident(ps->t[ps->i + k]));
}

/* Describes the token at t[i] for a message: printable, at most 32 bytes. */
static const char *tok_text(const struct parser *ps, char *buf, size_t cap)
{
	size_t j = ps->i, o = 0;

	if (j < ps->end && is_name(ps->t[j])) {
		while (j < ps->end && is_name(ps->t[j]) && o + 1 < cap && o < 32)
			buf[o++] = ps->t[j++];
	} else if (j < ps->end) {
		unsigned char c = (unsigned char)ps->t[j];
		buf[o++] = (c >= 0x20 && c < 0x7f) ? (char)c : '?';
		if (j + 1 < ps->end && strchr("=!<>&|~", c) && strchr("=!<>&|~", ps->t[j + 1]))
			buf[o++] = ps->t[j + 1];
	}
	buf[o] = '\0';
	return buf;
}

/* Where the next rule begins: the first line after `from` whose first
 * word is `rule`; n when there is none. Strings, regexes and field
 * arguments never span lines, so a line start is always outside them. */
static size_t next_rule(const char *t, size_t n, size_t from)
{
	const char *nl;
	size_t k;

	while (from < n && (nl = memchr(t + from, '\n', n - from)) != NULL) {
		k = (size_t)(nl - t) + 1;
		while (k < n && (t[k] == ' ' || t[k] == '\t'))
			k++;
		if (n - k >= 4 && memcmp(t + k, "rule", 4) == 0 && (k + 4 == n || is_blank(t[k + 4])))
			return k;
		from = k;
	}
	return n;
}

static int emit(struct parser *ps, const struct ins *in, uint32_t *at)
{
	struct hz_ruleset *rs = ps->rs;

	if (rs->ncode - ps->code_off >= NO_JUMP - 1)
		return err_pos(ps, ps->i, "rule too long");
	if (grow(&rs->code, &rs->capcode, rs->ncode + 1, sizeof(*rs->code)))
		return nomem(ps);
	if (at)
		*at = (uint32_t)(rs->ncode - ps->code_off);
	rs->code[rs->ncode++] = *in;
	return 0;
}

/* Points every jump of the chain that starts at `head` (linked through
 * their targets) at the next instruction. */
static void patch(struct parser *ps, uint32_t head)
{
	struct ins *c = ps->rs->code + ps->code_off;
	uint32_t here = (uint32_t)(ps->rs->ncode - ps->code_off);

	while (head != NO_JUMP) {
		uint32_t next = c[head].a;
		c[head].a = here;
		head = next;
	}
}

/* A field token: `ident[(args)]{,ident[(args)]}` or `[expr]`. Sets *len
 * to 0 when no field starts here. */
static int lex_field(struct parser *ps, size_t *len)
{
	const char *t = ps->t;
	size_t i = ps->i, e = ps->end;

	*len = 0;
	if (i < e && t[i] == '[') {
		size_t j = i + 1;
		while (j < e && t[j] != ']' && t[j] != '\n')
			j++;
		if (j >= e || t[j] != ']')
			return err_pos(ps, i, "unterminated `[` in a field name");
		if (j == i + 1)
			return err_pos(ps, i, "empty field name `[]`");
		*len = j + 1 - i;
		return 0;
	}
	if (i >= e || !is_ident_start(t[i]))
		return 0;
	for (;;) {
		while (i < e && is_ident(t[i]))
			i++;
		if (i < e && t[i] == '(') {
			size_t open = i;
			int depth = 0;
			do {
				if (t[i] == '(')
					depth++;
				else if (t[i] == ')')
					depth--;
				i++;
			} while (depth > 0 && i < e && t[i] != '\n');
			if (depth > 0)
				return err_pos(ps, open, "unbalanced parentheses in the arguments of field '%.*s'",
					       (int)(open - ps->i), t + ps->i);
		}
		if (i + 1 < e && t[i] == ',' && is_ident_start(t[i + 1])) {
			i++;
			continue;
		}
		break;
	}
	*len = i - ps->i;
	return 0;
}

/* Interns a field name and lists it for the current rule. */
static int use_field(struct parser *ps, size_t rule, const char *p, size_t n, uint16_t *id)
{
	struct hz_ruleset *rs = ps->rs;
	long v = hget(&ps->fnames, p, n);

	if (v < 0) {
		char *s;
		if (rs->nnames >= MAX_NAMES)
			return err_pos(ps, ps->i, "too many distinct field names (limit %d)", MAX_NAMES);
		if (grow(&rs->names, &rs->capnames, rs->nnames + 1, sizeof(*rs->names)) ||
		    grow(&ps->mark, &ps->capmark, rs->nnames + 1, sizeof(*ps->mark)) ||
		    !(s = pool_strdup(rs, p, n)))
			return nomem(ps);
		v = (long)rs->nnames;
		if (hput(&ps->fnames, s, n, (uint32_t)v))
			return nomem(ps);
		rs->names[rs->nnames++] = s;
		ps->mark[v] = 0;
	}
	*id = (uint16_t)v;
	if (ps->mark[v] != rule + 1) {
		ps->mark[v] = (uint32_t)(rule + 1);
		if (grow(&rs->rfields, &rs->caprfields, rs->nrfields + 1, sizeof(*rs->rfields)))
			return nomem(ps);
		rs->rfields[rs->nrfields++] = (uint16_t)v;
	}
	return 0;
}

/* A double-quoted string at t[i]; *out is a pooled, unescaped, NUL-terminated copy. */
static int lex_string(struct parser *ps, char **out, size_t *outn)
{
	const char *t = ps->t;
	size_t open = ps->i, j = open + 1, o = 0;
	char *buf;

	while (j < ps->end && t[j] != '"' && t[j] != '\n') {
		if (t[j] == '\\') {
			if (j + 1 >= ps->end || t[j + 1] == '\n')
				break;
			if (t[j + 1] != '"' && t[j + 1] != '\\') {
				unsigned char c = (unsigned char)t[j + 1];
				return err_pos(ps, j, "unknown escape `\\%c` in a string (only \\\" and \\\\ are known)",
					       c >= 0x20 && c < 0x7f ? c : '?');
			}
			j++;
		}
		j++;
	}
	if (j >= ps->end || t[j] != '"')
		return err_pos(ps, open, "unterminated string");
	if (!(buf = pool_alloc(ps->rs, j - open)))
		return nomem(ps);
	for (j = open + 1; t[j] != '"'; j++) {
		if (t[j] == '\\')
			j++;
		buf[o++] = t[j];
	}
	buf[o] = '\0';
	*out = buf;
	*outn = o;
	ps->i = j + 1;
	tok_done(ps);
	return 0;
}

/* An integer with an optional duration unit, at t[i]. */
static int lex_number(struct parser *ps, int64_t *out)
{
	const char *t = ps->t;
	size_t start = ps->i, j = start;
	int neg = 0;
	uint64_t x = 0, mul = 1;

	if (t[j] == '-') {
		neg = 1;
		j++;
	}
	if (j >= ps->end || !is_digit(t[j]))
		return err_pos(ps, start, "expected a number, a duration or a string");
	while (j < ps->end && is_digit(t[j])) {
		if (x > ((uint64_t)INT64_MAX - 9) / 10)
			return err_pos(ps, start, "number out of range");
		x = x * 10 + (uint64_t)(t[j] - '0');
		j++;
	}
	if (j + 1 < ps->end && t[j] == 'm' && t[j + 1] == 's') {
		j += 2;
	} else if (j < ps->end && strchr("smhd", t[j]) && t[j] != '\0') {
		mul = t[j] == 's' ? 1000 : t[j] == 'm' ? 60000 : t[j] == 'h' ? 3600000 : 86400000;
		j++;
	}
	if (j < ps->end && is_ident(t[j]))
		return err_pos(ps, start, "bad number or duration '%.*s' (units: ms, s, m, h, d)",
			       (int)(j - start + 1), t + start);
	if (x > (uint64_t)INT64_MAX / mul)
		return err_pos(ps, start, "number out of range");
	x *= mul;
	*out = neg ? -(int64_t)x : (int64_t)x;
	ps->i = j;
	tok_done(ps);
	return 0;
}

/* A literal: *isnum says which of *num or (*str, *strn) is set. */
static int lex_literal(struct parser *ps, int *isnum, int64_t *num, char **str, size_t *strn)
{
	skip(ps);
	if (at_end(ps))
		return err_at(ps, ps->pline, ps->pcol, "expected a number, a duration or a string at the end of the rule");
	if (ps->t[ps->i] == '"') {
		*isnum = 0;
		return lex_string(ps, str, strn);
	}
	*isnum = 1;
	if (ps->t[ps->i] == '-' || is_digit(ps->t[ps->i]))
		return lex_number(ps, num);
	{
		char b[40];
		return err_pos(ps, ps->i, "expected a number, a duration or a string, found '%s'", tok_text(ps, b, sizeof(b)));
	}
}

static int ensure_mctx(struct parser *ps)
{
	struct hz_ruleset *rs = ps->rs;

	if (rs->mctx)
		return 0;
	rs->mctx = pcre2_match_context_create(NULL);
	if (!rs->mctx)
		return nomem(ps);
	pcre2_set_match_limit(rs->mctx, MATCH_LIMIT);
	pcre2_set_depth_limit(rs->mctx, DEPTH_LIMIT);
	/* Without JIT support the stack cannot be created: matching then runs interpreted. */
	rs->jit = pcre2_jit_stack_create(JIT_STACK_MIN, JIT_STACK_MAX, NULL);
	if (rs->jit)
		pcre2_jit_stack_assign(rs->mctx, NULL, rs->jit);
	return 0;
}

/* A /regex/flags at t[i], compiled; *index is its slot in rs->rxs. */
static int lex_regex(struct parser *ps, size_t rule, uint32_t *index)
{
	struct hz_ruleset *rs = ps->rs;
	const char *t = ps->t;
	size_t open = ps->i, j = open + 1, o = 0, close;
	uint32_t opts = 0;
	char *pat;
	int ec;
	PCRE2_SIZE eoff;
	pcre2_code *code;
	pcre2_match_data *md;

	if (ps->i >= ps->end || t[ps->i] != '/') {
		char b[40];
		if (at_end(ps))
			return err_at(ps, ps->pline, ps->pcol, "expected a /regex/ at the end of the rule");
		return err_pos(ps, ps->i, "expected a /regex/, found '%s'", tok_text(ps, b, sizeof(b)));
	}
	while (j < ps->end && t[j] != '/' && t[j] != '\n') {
		if (t[j] == '\\' && j + 1 < ps->end && t[j + 1] != '\n')
			j++;
		j++;
	}
	if (j >= ps->end || t[j] != '/')
		return err_pos(ps, open, "unterminated regex");
	close = j;
	if (!(pat = pool_alloc(rs, close - open)))
		return nomem(ps);
	for (j = open + 1; j < close; j++) {
		if (t[j] == '\\') {
			if (t[j + 1] != '/')
				pat[o++] = '\\';
			j++;
		}
		pat[o++] = t[j];
	}
	for (j = close + 1; j < ps->end && is_ident(t[j]); j++) {
		switch (t[j]) {
		case 'i': opts |= PCRE2_CASELESS; break;
		case 's': opts |= PCRE2_DOTALL; break;
		case 'm': opts |= PCRE2_MULTILINE; break;
		case 'x': opts |= PCRE2_EXTENDED; break;
		default:
			return err_pos(ps, j, "unknown regex flag '%c' (flags: i, s, m, x)", t[j]);
		}
	}
	code = pcre2_compile((PCRE2_SPTR)pat, o, opts, &ec, &eoff, NULL);
	if (!code && ec == PCRE2_ERROR_HEAP_FAILED)
		return nomem(ps);
	if (!code) {
		PCRE2_UCHAR msg[256];
		size_t k = 0, s = open + 1;
		if (pcre2_get_error_message(ec, msg, sizeof(msg)) < 0)
			snprintf((char *)msg, sizeof(msg), "error %d", ec);
		/* PCRE2's offset counts pattern bytes, where `\/` is one. */
		while (k < eoff && s < close) {
			if (t[s] != '\\')
				s++, k++;
			else if (t[s + 1] == '/')
				s += 2, k++;
			else if (k + 1 == eoff)
				s++, k++;
			else
				s += 2, k += 2;
		}
		return err_pos(ps, s, "bad regex: %s", (const char *)msg);
	}
	/* JIT is an optimisation: without it the interpreter runs the same pattern. */
	(void)pcre2_jit_compile(code, PCRE2_JIT_COMPLETE);
	md = pcre2_match_data_create(1, NULL);
	if (!md || grow(&rs->rxs, &rs->caprxs, rs->nrxs + 1, sizeof(*rs->rxs)) || ensure_mctx(ps)) {
		pcre2_match_data_free(md);
		pcre2_code_free(code);
		return nomem(ps);
	}
	rs->rxs[rs->nrxs].code = code;
	rs->rxs[rs->nrxs].md = md;
	rs->rxs[rs->nrxs].rule = rule;
	*index = (uint32_t)rs->nrxs++;
	ps->i = j;
	tok_done(ps);
	return 0;
}

/* `in { literal, ... }` after the `in`; *index is the set's slot. */
static int lex_set(struct parser *ps, uint32_t *index)
{
	struct hz_ruleset *rs = ps->rs;
	struct set s = { 0, 0, NULL, NULL };
	size_t capn = 0, caps = 0;
	int oline;
	uint32_t ocol;
	int64_t *num = NULL;
	struct hz_str *str = NULL;
	int rc = 0;

	skip(ps);
	if (at_end(ps) || ps->t[ps->i] != '{') {
		char b[40];
		if (at_end(ps))
			return err_at(ps, ps->pline, ps->pcol, "expected `{` after `in` at the end of the rule");
		return err_pos(ps, ps->i, "expected `{` after `in`, found '%s'", tok_text(ps, b, sizeof(b)));
	}
	/* A set may span lines: keep where it opened for the error. */
	oline = ps->line;
	ocol = col_of(ps, ps->i);
	ps->i++;
	tok_done(ps);
	skip(ps);
	if (!at_end(ps) && ps->t[ps->i] == '}')
		return err_pos(ps, ps->i, "empty set `{}`");
	for (;;) {
		int isnum;
		int64_t v = 0;
		char *sp = NULL;
		size_t sn = 0;
		if ((rc = lex_literal(ps, &isnum, &v, &sp, &sn)) != 0)
			goto out;
		if (isnum) {
			if (grow(&num, &capn, s.nnum + 1, sizeof(*num)))
				goto oom;
			num[s.nnum++] = v;
		} else {
			if (grow(&str, &caps, s.nstr + 1, sizeof(*str)))
				goto oom;
			str[s.nstr++] = hz_str_make(sp, sn);
		}
		skip(ps);
		if (at_end(ps)) {
			rc = err_at(ps, oline, ocol, "`{` is never closed");
			goto out;
		}
		if (ps->t[ps->i] == '}')
			break;
		if (ps->t[ps->i] != ',') {
			char b[40];
			rc = err_pos(ps, ps->i, "expected `,` or `}` in a set, found '%s'", tok_text(ps, b, sizeof(b)));
			goto out;
		}
		ps->i++;
		tok_done(ps);
	}
	ps->i++;
	tok_done(ps);
	/* The set keeps pooled copies so that one free path owns everything. */
	if ((s.nnum && !(s.num = pool_alloc(rs, s.nnum * sizeof(*s.num)))) ||
	    (s.nstr && !(s.str = pool_alloc(rs, s.nstr * sizeof(*s.str)))) ||
	    grow(&rs->sets, &rs->capsets, rs->nsets + 1, sizeof(*rs->sets)))
		goto oom;
	if (s.nnum)
		memcpy(s.num, num, s.nnum * sizeof(*num));
	if (s.nstr)
		memcpy(s.str, str, s.nstr * sizeof(*str));
	*index = (uint32_t)rs->nsets;
	rs->sets[rs->nsets++] = s;
	goto out;
oom:
	rc = nomem(ps);
out:
	free(num);
	free(str);
	return rc;
}

static int parse_or(struct parser *ps, size_t rule, int depth);

/* field OP operand */
static int parse_test(struct parser *ps, size_t rule)
{
	const char *t = ps->t;
	struct ins in;
	size_t flen, fstart = ps->i;
	char b[40];
	int rc;

	memset(&in, 0, sizeof(in));
	if ((rc = lex_field(ps, &flen)) != 0)
		return rc;
	if (!flen) {
		if (t[ps->i] == ')')
			return err_pos(ps, ps->i, "unbalanced parentheses: `)` without `(`");
		return err_pos(ps, ps->i, "expected a field name, `(` or `!`, found '%s'", tok_text(ps, b, sizeof(b)));
	}
	if ((rc = use_field(ps, rule, t + fstart, flen, &in.field)) != 0)
		return rc;
	ps->i += flen;
	tok_done(ps);
	skip(ps);
	if (at_end(ps))
		return err_at(ps, ps->pline, ps->pcol, "expected an operator after field '%.*s' at the end of the rule",
			      (int)(flen > 64 ? 64 : flen), t + fstart);
	if (word_at(ps, "exists")) {
		ps->i += 6;
		tok_done(ps);
		in.op = OP_EXISTS;
		return emit(ps, &in, NULL);
	}
	if (word_at(ps, "in")) {
		ps->i += 2;
		tok_done(ps);
		in.op = OP_IN;
		if ((rc = lex_set(ps, &in.a)) != 0)
			return rc;
		return emit(ps, &in, NULL);
	}
	if (ps->i + 1 < ps->end && (t[ps->i] == '=' || t[ps->i] == '!') && t[ps->i + 1] == '~') {
		in.op = t[ps->i] == '=' ? OP_RE : OP_NRE;
		ps->i += 2;
		tok_done(ps);
		skip(ps);
		if ((rc = lex_regex(ps, rule, &in.a)) != 0)
			return rc;
		return emit(ps, &in, NULL);
	}
	{
		size_t k = 0;
		char c = t[ps->i], d = ps->i + 1 < ps->end ? t[ps->i + 1] : '\0';
		if (c == '=' && d == '=') { in.cmp = C_EQ; k = 2; }
		else if (c == '!' && d == '=') { in.cmp = C_NE; k = 2; }
		else if (c == '<' && d == '=') { in.cmp = C_LE; k = 2; }
		else if (c == '>' && d == '=') { in.cmp = C_GE; k = 2; }
		else if (c == '<') { in.cmp = C_LT; k = 1; }
		else if (c == '>') { in.cmp = C_GT; k = 1; }
		if (!k)
			return err_pos(ps, ps->i, "expected an operator (== != < <= > >= =~ !~ in exists) after field '%.*s', found '%s'",
				       (int)(flen > 64 ? 64 : flen), t + fstart, tok_text(ps, b, sizeof(b)));
		ps->i += k;
		tok_done(ps);
	}
	{
		int isnum;
		char *s = NULL;
		size_t sn = 0;
		if ((rc = lex_literal(ps, &isnum, &in.num, &s, &sn)) != 0)
			return rc;
		if (isnum) {
			in.op = OP_CMPN;
		} else {
			if (sn > UINT32_MAX)
				return err_pos(ps, ps->i, "string too long");
			in.op = OP_CMPS;
			in.str = s;
			in.a = (uint32_t)sn;
		}
	}
	return emit(ps, &in, NULL);
}

static int parse_unary(struct parser *ps, size_t rule, int depth)
{
	struct ins in;
	int rc;

	skip(ps);
	if (at_end(ps))
		return err_at(ps, ps->pline, ps->pcol, "expected a field name, `(` or `!` at the end of the rule");
	if (ps->t[ps->i] == '!' || ps->t[ps->i] == '(') {
		char c = ps->t[ps->i];
		int oline = ps->line;
		uint32_t ocol = col_of(ps, ps->i);
		if (depth >= MAX_DEPTH)
			return err_pos(ps, ps->i, "expression nested too deeply (more than %d levels)", MAX_DEPTH);
		ps->i++;
		tok_done(ps);
		if (c == '!') {
			if ((rc = parse_unary(ps, rule, depth + 1)) != 0)
				return rc;
			memset(&in, 0, sizeof(in));
			in.op = OP_NOT;
			return emit(ps, &in, NULL);
		}
		if ((rc = parse_or(ps, rule, depth + 1)) != 0)
			return rc;
		skip(ps);
		if (at_end(ps))
			return err_at(ps, oline, ocol, "unbalanced parentheses: `(` is never closed");
		if (ps->t[ps->i] != ')') {
			char b[40];
			return err_pos(ps, ps->i, "unbalanced parentheses: expected `)` to close the `(` of line %d, column %u, found '%s'",
				       oline, (unsigned)ocol, tok_text(ps, b, sizeof(b)));
		}
		ps->i++;
		tok_done(ps);
		return 0;
	}
	return parse_test(ps, rule);
}

/* One level of `&&` or `||`: operands joined by jumps to the end. */
static int parse_chain(struct parser *ps, size_t rule, int depth, int is_or)
{
	uint32_t head = NO_JUMP, at;
	struct ins j;
	int rc;

	rc = is_or ? parse_chain(ps, rule, depth, 0) : parse_unary(ps, rule, depth);
	for (;;) {
		if (rc)
			return rc;
		skip(ps);
		if (ps->end - ps->i < 2 || memcmp(ps->t + ps->i, is_or ? "||" : "&&", 2) != 0)
			break;
		ps->i += 2;
		tok_done(ps);
		memset(&j, 0, sizeof(j));
		j.op = is_or ? OP_JT : OP_JF;
		j.a = head;
		if ((rc = emit(ps, &j, &at)) != 0)
			return rc;
		head = at;
		rc = is_or ? parse_chain(ps, rule, depth, 0) : parse_unary(ps, rule, depth);
	}
	patch(ps, head);
	return 0;
}

static int parse_or(struct parser *ps, size_t rule, int depth)
{
	return parse_chain(ps, rule, depth, 1);
}

static int parse_text_clause(struct parser *ps, const char *kw, const char **slot)
{
	char *s;
	size_t n;

	if (*slot)
		return err_pos(ps, ps->i, "`%s` given twice", kw);
	ps->i += strlen(kw);
	tok_done(ps);
	skip(ps);
	if (at_end(ps) || ps->t[ps->i] != '"') {
		char b[40];
		if (at_end(ps))
			return err_at(ps, ps->pline, ps->pcol, "expected a string after `%s` at the end of the rule", kw);
		return err_pos(ps, ps->i, "expected a string after `%s`, found '%s'", kw, tok_text(ps, b, sizeof(b)));
	}
	if (lex_string(ps, &s, &n))
		return HZ_ESYNTAX;
	*slot = s;
	return 0;
}

static int parse_group(struct parser *ps, size_t rule, struct rule *r)
{
	struct hz_ruleset *rs = ps->rs;
	char *text = NULL, *q;
	size_t tn = 0, cap = 0;
	uint16_t *ids = NULL;
	size_t nids = 0, capids = 0;
	int rc = 0;

	if (r->group_by)
		return err_pos(ps, ps->i, "`group by` given twice");
	ps->i += 5;
	tok_done(ps);
	skip(ps);
	if (!word_at(ps, "by")) {
		char b[40];
		if (at_end(ps))
			return err_at(ps, ps->pline, ps->pcol, "expected `by` after `group` at the end of the rule");
		return err_pos(ps, ps->i, "expected `by` after `group`, found '%s'", tok_text(ps, b, sizeof(b)));
	}
	ps->i += 2;
	tok_done(ps);
	for (;;) {
		size_t flen;
		uint16_t id;
		char b[40];
		skip(ps);
		if (at_end(ps)) {
			rc = err_at(ps, ps->pline, ps->pcol, "expected a field name at the end of the rule");
			goto out;
		}
		if ((rc = lex_field(ps, &flen)) != 0)
			goto out;
		if (!flen) {
			rc = err_pos(ps, ps->i, "expected a field name, found '%s'", tok_text(ps, b, sizeof(b)));
			goto out;
		}
		if ((rc = use_field(ps, rule, ps->t + ps->i, flen, &id)) != 0)
			goto out;
		if (grow(&text, &cap, tn + flen + 2, 1) || grow(&ids, &capids, nids + 1, sizeof(*ids)))
			goto oom;
		if (tn)
			text[tn++] = ' ';
		memcpy(text + tn, ps->t + ps->i, flen);
		tn += flen;
		ids[nids++] = id;
		ps->i += flen;
		tok_done(ps);
		skip(ps);
		if (at_end(ps) || ps->t[ps->i] != ',')
			break;
		ps->i++;
		tok_done(ps);
	}
	/* The group-by ids follow the rule's distinct fields in rfields. */
	if (grow(&rs->rfields, &rs->caprfields, rs->nrfields + nids, sizeof(*rs->rfields)) ||
	    !(q = pool_strdup(rs, text, tn)))
		goto oom;
	r->group_by = q;
	r->group_off = rs->nrfields;
	r->ngroup = nids;
	memcpy(rs->rfields + rs->nrfields, ids, nids * sizeof(*ids));
	rs->nrfields += nids;
	goto out;
oom:
	rc = nomem(ps);
out:
	free(text);
	free(ids);
	return rc;
}

static int parse_rule(struct parser *ps)
{
	struct hz_ruleset *rs = ps->rs;
	struct rule r;
	size_t rule = rs->nrules, start;
	char b[40];
	long dup;
	int rc;

	memset(&r, 0, sizeof(r));
	r.line = ps->line;
	ps->i += 4;
	tok_done(ps);
	skip(ps);
	if (at_end(ps))
		return err_at(ps, ps->pline, ps->pcol, "missing rule name");
	start = ps->i;
	while (ps->i < ps->end && is_name(ps->t[ps->i]))
		ps->i++;
	if (ps->i == start)
		return err_pos(ps, start, "bad rule name '%s' (letters, digits, _ . -)", tok_text(ps, b, sizeof(b)));
	if (ps->i < ps->end && !is_blank(ps->t[ps->i]) && ps->t[ps->i] != '#')
		return err_pos(ps, ps->i, "bad character '%c' in rule name (letters, digits, _ . -)",
			       ps->t[ps->i] >= 0x20 && ps->t[ps->i] < 0x7f ? ps->t[ps->i] : '?');
	dup = hget(&ps->rnames, ps->t + start, ps->i - start);
	if (dup >= 0)
		return err_pos(ps, start, "duplicate rule name '%.*s' (first defined on line %d)",
			       (int)(ps->i - start > 64 ? 64 : ps->i - start), ps->t + start, rs->rules[dup].line);
	if (!(r.name = pool_strdup(rs, ps->t + start, ps->i - start)))
		return nomem(ps);
	tok_done(ps);
	skip(ps);
	if (at_end(ps))
		return err_at(ps, ps->pline, ps->pcol, "missing severity (info, warning or error)");
	if (word_at(ps, "info"))
		r.sev = HZ_SEV_INFO, ps->i += 4;
	else if (word_at(ps, "warning"))
		r.sev = HZ_SEV_WARNING, ps->i += 7;
	else if (word_at(ps, "error"))
		r.sev = HZ_SEV_ERROR, ps->i += 5;
	else
		return err_pos(ps, ps->i, "unknown severity '%s' (expected info, warning or error)", tok_text(ps, b, sizeof(b)));
	tok_done(ps);
	skip(ps);
	if (!word_at(ps, "when")) {
		if (at_end(ps))
			return err_at(ps, ps->pline, ps->pcol, "missing `when` at the end of the rule");
		return err_pos(ps, ps->i, "missing `when` before '%s'", tok_text(ps, b, sizeof(b)));
	}
	ps->i += 4;
	tok_done(ps);

	r.fields_off = rs->nrfields;
	r.code_off = ps->code_off = rs->ncode;
	if ((rc = parse_or(ps, rule, 0)) != 0)
		return rc;
	r.code_n = rs->ncode - r.code_off;
	for (;;) {
		skip(ps);
		if (at_end(ps))
			break;
		if (word_at(ps, "group"))
			rc = parse_group(ps, rule, &r);
		else if (word_at(ps, "explain"))
			rc = parse_text_clause(ps, "explain", &r.explain);
		else if (word_at(ps, "advice"))
			rc = parse_text_clause(ps, "advice", &r.advice);
		else if (ps->t[ps->i] == ')')
			rc = err_pos(ps, ps->i, "unbalanced parentheses: `)` without `(`");
		else if (word_at(ps, "rule"))
			rc = err_pos(ps, ps->i, "unexpected `rule`: a rule must begin a line");
		else
			rc = err_pos(ps, ps->i, "unexpected '%s' after the condition (expected group by, explain, advice or the end of the rule)",
				     tok_text(ps, b, sizeof(b)));
		if (rc)
			return rc;
	}
	/* group-by fields are also among the rule's distinct fields; those
	 * come first in rfields, followed by the group-by list itself. */
	r.nfields = (r.group_by ? r.group_off : rs->nrfields) - r.fields_off;
	if (!r.group_by) {
		r.group_by = "";
		r.group_off = rs->nrfields;
	}
	if (grow(&rs->rules, &rs->caprules, rs->nrules + 1, sizeof(*rs->rules)) ||
	    hput(&ps->rnames, r.name, strlen(r.name), (uint32_t)rule))
		return nomem(ps);
	rs->rules[rs->nrules++] = r;
	return 0;
}

void hz_rules_free(struct hz_ruleset *rs)
{
	size_t i;

	if (!rs)
		return;
	for (i = 0; i < rs->nrxs; i++) {
		pcre2_match_data_free(rs->rxs[i].md);
		pcre2_code_free(rs->rxs[i].code);
	}
	for (i = 0; i < rs->npool; i++)
		free(rs->pool[i]);
	pcre2_match_context_free(rs->mctx);
	pcre2_jit_stack_free(rs->jit);
	free(rs->rules);
	free(rs->code);
	free(rs->rfields);
	free(rs->names);
	free(rs->sets);
	free(rs->rxs);
	free(rs->pool);
	free(rs->limit_errors);
	free(rs);
}

int hz_rules_parse(const char *text, size_t n, const char *name, struct hz_ruleset **out, struct hz_err *err)
{
	struct parser ps;
	const char *nul;
	int rc = 0;

	if (out)
		*out = NULL;
	if (!out || (!text && n))
		return hz_err_set(err, HZ_EINVAL, name, "no text or no place for the result");
	if (!text)
		text = "";
	/* Keeps line numbers within an int and columns within 32 bits. */
	if (n > MAX_FILE)
		return hz_err_set(err, HZ_ELIMIT, name, "rules text larger than %zu bytes", MAX_FILE);
	memset(&ps, 0, sizeof(ps));
	ps.t = text;
	ps.n = n;
	ps.end = n;
	ps.line = 1;
	ps.pline = 1;
	ps.pcol = 1;
	ps.err = err;
	ps.name = name;
	if ((nul = memchr(text, '\0', n)) != NULL) {
		size_t pos = (size_t)(nul - text), k;
		for (k = 0; k < pos; k++)
			if (text[k] == '\n')
				ps.line++, ps.bol = k + 1;
		return err_pos(&ps, pos, "NUL byte in the rules");
	}
	if (!(ps.rs = calloc(1, sizeof(*ps.rs))))
		return hz_err_set(err, HZ_ENOMEM, name, "out of memory");
	for (;;) {
		ps.end = n;
		skip(&ps);
		if (at_end(&ps))
			break;
		if (!word_at(&ps, "rule")) {
			char b[40];
			rc = err_pos(&ps, ps.i, "expected `rule`, found '%s'", tok_text(&ps, b, sizeof(b)));
			break;
		}
		ps.end = next_rule(text, n, ps.i + 4);
		if ((rc = parse_rule(&ps)) != 0)
			break;
	}
	if (!rc && !(ps.rs->limit_errors = calloc(ps.rs->nrules ? ps.rs->nrules : 1, sizeof(uint64_t))))
		rc = nomem(&ps);
	free(ps.rnames.s);
	free(ps.fnames.s);
	free(ps.mark);
	if (rc) {
		hz_rules_free(ps.rs);
		return rc;
	}
	*out = ps.rs;
	return 0;
}

int hz_rules_load(const char *path, struct hz_ruleset **out, struct hz_err *err)
{
	struct stat st;
	FILE *fp;
	char *buf = NULL;
	size_t n = 0, cap = 0;
	int rc;

	if (out)
		*out = NULL;
	if (!path || !out)
		return hz_err_set(err, HZ_EINVAL, path, "no path or no place for the result");
	fp = fopen(path, "rb");
	if (!fp)
		return hz_err_set(err, errno == ENOMEM ? HZ_ENOMEM : HZ_EOPEN, path, "%s", strerror(errno));
	if (fstat(fileno(fp), &st) == 0 && S_ISDIR(st.st_mode)) {
		fclose(fp);
		return hz_err_set(err, HZ_EISDIR, path, "is a directory");
	}
	for (;;) {
		size_t got;
		if (n == cap) {
			if (n > MAX_FILE) {
				free(buf);
				fclose(fp);
				return hz_err_set(err, HZ_ELIMIT, path, "rules file larger than %zu bytes", MAX_FILE);
			}
			if (grow(&buf, &cap, n + 65536, 1)) {
				free(buf);
				fclose(fp);
				return hz_err_set(err, HZ_ENOMEM, path, "out of memory");
			}
		}
		got = fread(buf + n, 1, cap - n, fp);
		n += got;
		if (got == 0) {
			if (ferror(fp)) {
				int e = errno;
				free(buf);
				fclose(fp);
				return hz_err_set(err, HZ_EREAD, path, "%s", strerror(e));
			}
			break;
		}
	}
	fclose(fp);
	rc = hz_rules_parse(buf, n, path, out, err);
	free(buf);
	return rc;
}

size_t hz_rules_count(const struct hz_ruleset *rs)
{
	return rs ? rs->nrules : 0;
}

void hz_rules_info(const struct hz_ruleset *rs, size_t i, struct hz_rule_info *out)
{
	const struct rule *r;

	memset(out, 0, sizeof(*out));
	if (!rs || i >= rs->nrules)
		return;
	r = &rs->rules[i];
	out->name = r->name;
	out->severity = r->sev;
	out->explain = r->explain;
	out->advice = r->advice;
	out->group_by = r->group_by;
	out->line = r->line;
}

uint64_t hz_rules_limit_errors(const struct hz_ruleset *rs, size_t rule)
{
	return rs && rule < rs->nrules ? rs->limit_errors[rule] : 0;
}

/* ---------- binding and evaluation ---------- */

enum numkind { NK_INT, NK_NUMBER, NK_PORT, NK_PORTX };

/* A field's number, parsed at most once per line (gen names the line). */
struct fnum {
	uint32_t gen;
	uint8_t ok;
	int64_t v;
};

struct hz_rules_binding {
	const struct hz_ruleset *rs;
	struct ins *code;             /* rs->code with fields resolved */
	uint16_t *gfield;             /* rs->rfields resolved */
	uint8_t *enabled;             /* per rule */
	size_t nf;
	const struct hz_field_info **fi;
	uint8_t *kind;                /* enum numkind per field */
	struct fnum *num;
	uint32_t gen;
	char *scratch;
	size_t cap;
};

void hz_rules_free_messages(char **msgs, size_t n)
{
	size_t i;

	if (!msgs)
		return;
	for (i = 0; i < n; i++)
		free(msgs[i]);
	free(msgs);
}

void hz_rules_binding_free(struct hz_rules_binding *b)
{
	if (!b)
		return;
	free(b->code);
	free(b->gfield);
	free(b->enabled);
	free(b->fi);
	free(b->kind);
	free(b->num);
	free(b->scratch);
	free(b);
}

/* 1 when `name` looks like several fields written without the blank
 * after the comma (`a,b`) and each of them is in the format. */
static int split_fields_exist(const struct hz_format *f, const char *name)
{
	char part[256];
	const char *p = name, *c;
	int parts = 0;

	while ((c = strchr(p, ',')) != NULL || *p) {
		size_t k = c ? (size_t)(c - p) : strlen(p);
		if (k == 0 || k >= sizeof(part))
			return 0;
		memcpy(part, p, k);
		part[k] = '\0';
		if (hz_format_find(f, part) < 0)
			return 0;
		parts++;
		if (!c)
			break;
		p = c + 1;
	}
	return parts > 1;
}

static int add_message(char ***msgs, size_t *n, size_t *cap, const char *rule, const char *field, int hint)
{
	const char *tail = hint ? " (to name several fields, put a blank after each comma)" : "";
	size_t len = strlen(rule) + strlen(field) + strlen(tail) + 64;
	char *s;

	if (grow(msgs, cap, *n + 1, sizeof(**msgs)) || !(s = malloc(len)))
		return HZ_ENOMEM;
	snprintf(s, len, "rule %s: field %s is not in this format%s", rule, field, tail);
	(*msgs)[(*n)++] = s;
	return 0;
}

int hz_rules_bind(const struct hz_ruleset *rs, const struct hz_format *f, struct hz_rules_binding **out,
		  char ***missing, size_t *nmissing)
{
	struct hz_rules_binding *b;
	int *map = NULL;
	char **msgs = NULL;
	size_t nmsg = 0, capmsg = 0, i, k;

	if (out)
		*out = NULL;
	if (missing)
		*missing = NULL;
	if (nmissing)
		*nmissing = 0;
	if (!rs || !f || !out)
		return HZ_EINVAL;
	if (!(b = calloc(1, sizeof(*b))))
		return HZ_ENOMEM;
	b->rs = rs;
	b->nf = hz_format_nfields(f);
	if (!(map = malloc((rs->nnames ? rs->nnames : 1) * sizeof(*map))) ||
	    !(b->code = malloc((rs->ncode ? rs->ncode : 1) * sizeof(*b->code))) ||
	    !(b->gfield = malloc((rs->nrfields ? rs->nrfields : 1) * sizeof(*b->gfield))) ||
	    !(b->enabled = calloc(rs->nrules ? rs->nrules : 1, 1)) ||
	    !(b->fi = calloc(b->nf ? b->nf : 1, sizeof(*b->fi))) ||
	    !(b->kind = calloc(b->nf ? b->nf : 1, 1)) ||
	    !(b->num = calloc(b->nf ? b->nf : 1, sizeof(*b->num))))
		goto oom;
	for (i = 0; i < rs->nnames; i++) {
		int x = hz_format_find(f, rs->names[i]);
		map[i] = (x >= 0 && (size_t)x < b->nf && x <= UINT16_MAX) ? x : -1;
	}
	for (i = 0; i < b->nf; i++) {
		const struct hz_field_info *fi = hz_format_field(f, i);
		b->fi[i] = fi;
		if (!fi)
			continue;
		switch (fi->type) {
		case HZ_FT_INT: case HZ_FT_TIMER: b->kind[i] = NK_NUMBER; break;
		case HZ_FT_PORT: b->kind[i] = (fi->flags & HZ_FLAG_X) ? NK_PORTX : NK_PORT; break;
		default: b->kind[i] = NK_INT; break;
		}
	}
	for (i = 0; i < rs->ncode; i++) {
		b->code[i] = rs->code[i];
		if (b->code[i].op >= OP_CMPN)
			b->code[i].field = map[rs->code[i].field] >= 0 ? (uint16_t)map[rs->code[i].field] : 0;
	}
	for (i = 0; i < rs->nrfields; i++)
		b->gfield[i] = map[rs->rfields[i]] >= 0 ? (uint16_t)map[rs->rfields[i]] : 0;
	for (i = 0; i < rs->nrules; i++) {
		const struct rule *r = &rs->rules[i];
		b->enabled[i] = 1;
		for (k = 0; k < r->nfields; k++) {
			uint16_t id = rs->rfields[r->fields_off + k];
			if (map[id] >= 0)
				continue;
			b->enabled[i] = 0;
			if (missing && add_message(&msgs, &nmsg, &capmsg, r->name, rs->names[id],
						   split_fields_exist(f, rs->names[id])))
				goto oom;
		}
	}
	free(map);
	if (missing) {
		*missing = msgs;
		if (nmissing)
			*nmissing = nmsg;
	} else {
		hz_rules_free_messages(msgs, nmsg);
	}
	*out = b;
	return 0;
oom:
	free(map);
	hz_rules_free_messages(msgs, nmsg);
	hz_rules_binding_free(b);
	return HZ_ENOMEM;
}

int hz_rules_enabled(const struct hz_rules_binding *b, size_t rule)
{
	return b && rule < b->rs->nrules && b->enabled[rule];
}

static int field_num(struct hz_rules_binding *b, struct hz_str v, size_t f, int64_t *out)
{
	struct fnum *c = &b->num[f];

	if (c->gen != b->gen) {
		unsigned port = 0;
		c->gen = b->gen;
		switch (b->kind[f]) {
		case NK_NUMBER:
			c->ok = hz_field_number(b->fi[f], v, &c->v) == 0;
			break;
		case NK_PORT:
		case NK_PORTX:
			c->ok = hz_field_port(v, b->kind[f] == NK_PORTX, &port) == 0;
			c->v = port;
			break;
		default:
			c->ok = hz_field_int(v, &c->v) == 0;
			break;
		}
	}
	*out = c->v;
	return c->ok;
}

static int cmp_result(int cmp, int d)
{
	switch (cmp) {
	case C_EQ: return d == 0;
	case C_NE: return d != 0;
	case C_LT: return d < 0;
	case C_LE: return d <= 0;
	case C_GT: return d > 0;
	default:   return d >= 0;
	}
}

static int cmp_bytes(struct hz_str v, const char *s, size_t n)
{
	size_t k = v.n < n ? v.n : n;
	int d = k ? memcmp(v.p, s, k) : 0;

	if (d)
		return d;
	return v.n < n ? -1 : v.n > n;
}

static int rx_match(const struct hz_ruleset *rs, uint32_t i, struct hz_str v)
{
	const struct rx *x = &rs->rxs[i];
	int rc = pcre2_match(x->code, (PCRE2_SPTR)(v.p ? v.p : ""), v.n, 0, 0, x->md, rs->mctx);

	if (rc >= 0)
		return 1;
	if (rc != PCRE2_ERROR_NOMATCH)
		rs->limit_errors[x->rule]++;
	return 0;
}

static int test(struct hz_rules_binding *b, const struct hz_match *m, const struct ins *in)
{
	size_t f = in->field;
	struct hz_str v;
	int64_t x;

	if (f >= m->nfields || m->empty[f])
		return 0;
	v = m->v[f];
	switch (in->op) {
	case OP_EXISTS:
		return 1;
	case OP_CMPN:
		if (!field_num(b, v, f, &x))
			return 0;
		return cmp_result(in->cmp, (x > in->num) - (x < in->num));
	case OP_CMPS:
		if (in->cmp == C_EQ)
			return v.n == in->a && (v.n == 0 || memcmp(v.p, in->str, v.n) == 0);
		return cmp_result(in->cmp, cmp_bytes(v, in->str, in->a));
	case OP_RE:
		return rx_match(b->rs, in->a, v);
	case OP_NRE:
		return !rx_match(b->rs, in->a, v);
	case OP_IN: {
		const struct set *s = &b->rs->sets[in->a];
		size_t k;
		if (s->nnum && field_num(b, v, f, &x))
			for (k = 0; k < s->nnum; k++)
				if (s->num[k] == x)
					return 1;
		for (k = 0; k < s->nstr; k++)
			if (s->str[k].n == v.n && (v.n == 0 || memcmp(s->str[k].p, v.p, v.n) == 0))
				return 1;
		return 0;
	}
	default:
		return 0;
	}
}

static int run(struct hz_rules_binding *b, const struct hz_match *m, const struct ins *c, size_t n)
{
	size_t pc = 0;
	int acc = 0;

	while (pc < n) {
		const struct ins *in = &c[pc++];
		switch (in->op) {
		case OP_JF:
			if (!acc)
				pc = in->a;
			break;
		case OP_JT:
			if (acc)
				pc = in->a;
			break;
		case OP_NOT:
			acc = !acc;
			break;
		default:
			acc = test(b, m, in);
			break;
		}
	}
	return acc;
}

/* Writes the group-by values of rule r into the scratch buffer. */
static int group_of(struct hz_rules_binding *b, const struct hz_match *m, const struct rule *r, size_t *len)
{
	size_t k, need = 1, o = 0;

	for (k = 0; k < r->ngroup; k++) {
		size_t f = b->gfield[r->group_off + k];
		need += 1 + ((f < m->nfields && !m->empty[f]) ? m->v[f].n : 1);
	}
	if (need > b->cap && grow(&b->scratch, &b->cap, need, 1))
		return HZ_ENOMEM;
	for (k = 0; k < r->ngroup; k++) {
		size_t f = b->gfield[r->group_off + k];
		if (k)
			b->scratch[o++] = ' ';
		if (f < m->nfields && !m->empty[f]) {
			if (m->v[f].n)
				memcpy(b->scratch + o, m->v[f].p, m->v[f].n);
			o += m->v[f].n;
		} else {
			b->scratch[o++] = '-';
		}
	}
	b->scratch[o] = '\0';
	*len = o;
	return 0;
}

int hz_rules_eval(struct hz_rules_binding *b, const struct hz_match *m,
		  int (*hit)(void *ud, size_t rule, const char *group, size_t group_n), void *ud)
{
	const struct hz_ruleset *rs;
	size_t i, len;
	int rc;

	if (!b || !m)
		return HZ_EINVAL;
	rs = b->rs;
	if (++b->gen == 0) {
		/* A wrapped generation could meet a stale cache entry: clear them. */
		memset(b->num, 0, (b->nf ? b->nf : 1) * sizeof(*b->num));
		b->gen = 1;
	}
	for (i = 0; i < rs->nrules; i++) {
		const struct rule *r = &rs->rules[i];
		if (!b->enabled[i] || !run(b, m, b->code + r->code_off, r->code_n))
			continue;
		if (!hit)
			continue;
		if ((rc = group_of(b, m, r, &len)) != 0)
			return rc;
		if ((rc = hit(ud, i, b->scratch, len)) != 0)
			return rc;
	}
	return 0;
}
