/* Reads haproxy.cfg the way HAProxy 2.6 tokenises it, keeping what logging needs. */
#include "halyze/haproxy_cfg.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "errfmt.h"

#define MAX_WORDS 64
#define LINE_CAP 65536

/* What a defaults section hands down, and what a proxy holds while parsed. */
struct props {
	int mode_http;
	const char *predefined;
	char *log_format;
	int format_line;
	char *error_log_format;
	int error_format_line;
	char *log_tag;
	int logs;
};

struct defaults {
	char *name;              /* "" for an anonymous section */
	struct props p;
};

struct parser {
	struct hz_cfg *cfg;
	const char *name;
	struct hz_err *err;
	struct defaults *defs;
	size_t ndefs;
	long last_def;           /* the defaults section in force, -1 when none */
	int section;             /* 0 none/other, 1 global, 2 defaults, 3 proxy */
	struct props *cur;       /* the section being filled (defaults or proxy) */
	struct hz_cfg_proxy *proxy;
	size_t proxy_index;
	struct props *pprops;    /* props of each proxy, parallel to cfg->proxies */
	size_t pcap;
	int line;
};

static int hexval(char c)
{
	if (c >= '0' && c <= '9') return c - '0';
	if (c >= 'a' && c <= 'f') return c - 'a' + 10;
	if (c >= 'A' && c <= 'F') return c - 'A' + 10;
	return -1;
}

int hz_cfg_split(const char *line, size_t n, char *buf, size_t cap, char **words, int max, int *errcol)
{
	size_t i = 0, o = 0, quote_at = 0;
	int nw = 0, inword = 0, dq = 0, sq = 0;

#define PUT(ch) do { if (o + 1 >= cap) { *errcol = (int)i + 1; return HZ_CFG_SPLIT_ROOM; } buf[o++] = (ch); } while (0)
	while (i < n) {
		char c = line[i];

		if (!dq && !sq && (c == ' ' || c == '\t' || c == '\r' || c == '\n')) {
			if (inword) {
				PUT('\0');
				inword = 0;
			}
			i++;
			continue;
		}
		if (!dq && !sq && c == '#')
			break;
		if (!inword) {
			if (nw == max) {
				*errcol = (int)i + 1;
				return HZ_CFG_SPLIT_WORDS;
			}
			words[nw++] = buf + o;
			inword = 1;
		}
		if (c == '"' && !sq) {
			dq = !dq;
			quote_at = i;
			i++;
			continue;
		}
		if (c == '\'' && !dq) {
			sq = !sq;
			quote_at = i;
			i++;
			continue;
		}
		if (c == '\\' && !sq && i + 1 < n) {
			char e = line[i + 1];
			switch (e) {
			case ' ': case '#': case '\\': case '\'': case '"': case '\t':
				PUT(e); i += 2; continue;
			case 'r': PUT('\r'); i += 2; continue;
			case 'n': PUT('\n'); i += 2; continue;
			case 't': PUT('\t'); i += 2; continue;
			case 'x':
				if (i + 3 < n && hexval(line[i + 2]) >= 0 && hexval(line[i + 3]) >= 0) {
					PUT((char)(hexval(line[i + 2]) * 16 + hexval(line[i + 3])));
					i += 4;
					continue;
				}
				break;
			}
			PUT('\\');
			i++;
			continue;
		}
		if (c == '$' && dq && i + 1 < n && line[i + 1] == '{') {
			const char *end = memchr(line + i + 2, '}', n - i - 2);
			char var[256];
			const char *val, *dflt = NULL;
			size_t vn, dn = 0;

			if (!end || (size_t)(end - line - i - 2) >= sizeof(var)) {
				*errcol = (int)i + 1;
				return HZ_CFG_SPLIT_QUOTE;
			}
			vn = (size_t)(end - line - i - 2);
			memcpy(var, line + i + 2, vn);
			var[vn] = 0;
			/* ${NAME-default} */
			char *dash = strchr(var, '-');
			if (dash) {
				*dash = 0;
				dflt = line + i + 2 + (dash - var) + 1;
				dn = (size_t)(end - dflt);
			}
			val = getenv(var);
			if (val) {
				for (; *val; val++)
					PUT(*val);
			} else {
				for (size_t k = 0; k < dn; k++)
					PUT(dflt[k]);
			}
			i = (size_t)(end - line) + 1;
			continue;
		}
		PUT(c);
		i++;
	}
	if (dq || sq) {
		*errcol = (int)quote_at + 1;
		return HZ_CFG_SPLIT_QUOTE;
	}
	if (inword)
		PUT('\0');
#undef PUT
	return nw;
}

static char *xstrdup(const char *s)
{
	return s ? strdup(s) : NULL;
}

static int fail(struct parser *ps, int code, int col, const char *fmt, ...) HZ_PRINTF(4, 5);

static int fail(struct parser *ps, int code, int col, const char *fmt, ...)
{
	va_list ap;
	char msg[400];

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	hz_err_set(ps->err, code, ps->name, "%s", msg);
	if (ps->err) {
		ps->err->line = (uint64_t)ps->line;
		ps->err->col = (uint32_t)col;
	}
	return code;
}

static int warn(struct parser *ps, int line, const char *fmt, ...) HZ_PRINTF(3, 4);

static int warn(struct parser *ps, int line, const char *fmt, ...)
{
	struct hz_cfg *c = ps->cfg;
	char msg[512];
	va_list ap;
	int k;
	char **w = realloc(c->warnings, (c->nwarnings + 1) * sizeof(*w));

	if (!w)
		return HZ_ENOMEM;
	c->warnings = w;
	k = snprintf(msg, sizeof(msg), "%d: ", line);
	va_start(ap, fmt);
	vsnprintf(msg + k, sizeof(msg) - (size_t)k, fmt, ap);
	va_end(ap);
	c->warnings[c->nwarnings] = strdup(msg);
	if (!c->warnings[c->nwarnings])
		return HZ_ENOMEM;
	c->nwarnings++;
	return 0;
}

static void props_free(struct props *p)
{
	free(p->log_format);
	free(p->error_log_format);
	free(p->log_tag);
	memset(p, 0, sizeof(*p));
}

static int props_copy(struct props *dst, const struct props *src)
{
	*dst = *src;
	dst->log_format = xstrdup(src->log_format);
	dst->error_log_format = xstrdup(src->error_log_format);
	dst->log_tag = xstrdup(src->log_tag);
	dst->format_line = 0;   /* inherited */
	dst->error_format_line = 0;
	if ((src->log_format && !dst->log_format) || (src->error_log_format && !dst->error_log_format)
	    || (src->log_tag && !dst->log_tag))
		return HZ_ENOMEM;
	return 0;
}

static int set_str(char **slot, const char *v)
{
	char *d = strdup(v);
	if (!d)
		return HZ_ENOMEM;
	free(*slot);
	*slot = d;
	return 0;
}

static long find_defaults(const struct parser *ps, const char *name)
{
	for (size_t i = ps->ndefs; i-- > 0;)
		if (strcmp(ps->defs[i].name, name) == 0)
			return (long)i;
	return -1;
}

/* Section start: global, defaults [NAME] [from X], frontend|listen|backend NAME [from X]. */
static int start_section(struct parser *ps, char **w, int nw)
{
	const char *kw = w[0];
	const struct props *base = NULL;
	long base_i = -1;
	const char *from = NULL, *name = NULL;
	int rc;

	ps->cur = NULL;
	ps->proxy = NULL;
	if (strcmp(kw, "global") == 0) {
		ps->section = 1;
		return 0;
	}
	if (strcmp(kw, "defaults") && strcmp(kw, "frontend") && strcmp(kw, "listen") && strcmp(kw, "backend")) {
		ps->section = 0;   /* userlist, peers, resolvers, ...: skipped */
		return 0;
	}
	for (int i = 1; i < nw; i++) {
		if (strcmp(w[i], "from") == 0) {
			if (i + 1 >= nw)
				return fail(ps, HZ_ESYNTAX, 0, "'%s': 'from' needs the name of a defaults section", kw);
			from = w[++i];
		} else if (!name) {
			name = w[i];
		}
	}
	if (from) {
		long k = find_defaults(ps, from);
		if (k < 0)
			return fail(ps, HZ_ESYNTAX, 0, "'%s %s': defaults section '%s' not found", kw,
				    name ? name : "", from);
		base_i = k;
	} else if (strcmp(kw, "defaults") != 0) {
		/* a defaults section without `from` starts afresh, as in HAProxy */
		base_i = ps->last_def;
	}
	if (strcmp(kw, "defaults") == 0) {
		struct defaults *d = realloc(ps->defs, (ps->ndefs + 1) * sizeof(*d));
		if (!d)
			return HZ_ENOMEM;
		ps->defs = d;
		d = &ps->defs[ps->ndefs];
		memset(d, 0, sizeof(*d));
		base = base_i >= 0 ? &ps->defs[base_i].p : NULL;
		d->name = strdup(name ? name : "");
		if (!d->name)
			return HZ_ENOMEM;
		if (base && (rc = props_copy(&d->p, base)))
			return rc;
		ps->last_def = (long)ps->ndefs++;
		ps->section = 2;
		ps->cur = &d->p;
		return 0;
	}
	if (!name)
		return fail(ps, HZ_ESYNTAX, 0, "'%s' needs a name", kw);
	{
		struct hz_cfg *c = ps->cfg;
		if (c->n == ps->pcap) {
			size_t ncap = ps->pcap ? ps->pcap * 2 : 16;
			struct hz_cfg_proxy *np = realloc(c->proxies, ncap * sizeof(*np));
			if (!np)
				return HZ_ENOMEM;
			c->proxies = np;
			struct props *pp = realloc(ps->pprops, ncap * sizeof(*pp));
			if (!pp)
				return HZ_ENOMEM;
			ps->pprops = pp;
			ps->pcap = ncap;
		}
		struct hz_cfg_proxy *p = &c->proxies[c->n];
		memset(p, 0, sizeof(*p));
		memset(&ps->pprops[c->n], 0, sizeof(ps->pprops[0]));
		p->name = strdup(name);
		if (!p->name)
			return HZ_ENOMEM;
		p->kind = kw[0] == 'f' ? HZ_CFG_FRONTEND : kw[0] == 'l' ? HZ_CFG_LISTEN : HZ_CFG_BACKEND;
		p->line = ps->line;
		base = base_i >= 0 ? &ps->defs[base_i].p : NULL;
		if (base && (rc = props_copy(&ps->pprops[c->n], base)))
			return rc;
		ps->proxy_index = c->n++;
		ps->proxy = p;
		ps->cur = &ps->pprops[ps->proxy_index];
		ps->section = 3;
	}
	return 0;
}

static int add_bind(struct parser *ps, char **w, int nw)
{
	struct hz_cfg_proxy *p = ps->proxy;
	struct hz_cfg_bind *b = realloc(p->binds, (p->nbinds + 1) * sizeof(*b));

	if (!b)
		return HZ_ENOMEM;
	p->binds = b;
	b = &p->binds[p->nbinds];
	memset(b, 0, sizeof(*b));
	b->line = ps->line;
	b->addr = strdup(nw > 1 ? w[1] : "");
	if (!b->addr)
		return HZ_ENOMEM;
	p->nbinds++;
	for (int i = 2; i < nw; i++) {
		const char *k = w[i], *v = i + 1 < nw ? w[i + 1] : "";
		if (strcmp(k, "ssl") == 0)
			b->ssl = 1;
		else if (strcmp(k, "no-tls-tickets") == 0)
			b->no_tls_tickets = 1;
		else if (strcmp(k, "verify") == 0) {
			b->verify = strcmp(v, "optional") == 0 ? HZ_VERIFY_OPTIONAL
				    : strcmp(v, "required") == 0 ? HZ_VERIFY_REQUIRED : HZ_VERIFY_NONE;
			i++;
		} else if (strcmp(k, "crt-ignore-err") == 0) {
			b->crt_ignore_err = 1;
			i++;
		} else if (strcmp(k, "ca-ignore-err") == 0) {
			b->ca_ignore_err = 1;
			i++;
		} else if (strcmp(k, "name") == 0) {
			free(b->name);
			b->name = strdup(v);
			if (!b->name)
				return HZ_ENOMEM;
			i++;
		}
	}
	return 0;
}

static int add_use(struct parser *ps, char **w, int nw)
{
	struct hz_cfg_proxy *p = ps->proxy;
	struct hz_cfg_use *u = realloc(p->uses, (p->nuses + 1) * sizeof(*u));
	size_t len = 0;

	if (!u)
		return HZ_ENOMEM;
	p->uses = u;
	for (int i = 0; i < nw; i++)
		len += strlen(w[i]) + 1;
	u = &p->uses[p->nuses];
	u->line = ps->line;
	u->text = malloc(len + 1);
	if (!u->text)
		return HZ_ENOMEM;
	u->text[0] = 0;
	for (int i = 0; i < nw; i++) {
		if (i)
			strcat(u->text, " ");
		strcat(u->text, w[i]);
	}
	p->nuses++;
	return 0;
}

static int one_arg(struct parser *ps, char **w, int nw)
{
	if (nw < 2)
		return fail(ps, HZ_ESYNTAX, 0, "'%s' expects one argument", w[0]);
	if (nw > 2)
		return fail(ps, HZ_ESYNTAX, 0,
			    "'%s' expects only one argument, don't forget to escape spaces", w[0]);
	return 0;
}

static int directive(struct parser *ps, char **w, int nw)
{
	struct props *cur = ps->cur;
	int neg = 0, rc;

	if (ps->section == 1) {
		if (strcmp(w[0], "log-tag") == 0 && nw >= 2)
			return set_str(&ps->cfg->log_tag, w[1]);
		if (strcmp(w[0], "tune.ssl.cachesize") == 0 && nw >= 2)
			ps->cfg->ssl_cachesize = strtol(w[1], NULL, 10);
		if (strcmp(w[0], "ssl-default-bind-options") == 0)
			for (int i = 1; i < nw; i++)
				if (strcmp(w[i], "no-tls-tickets") == 0)
					ps->cfg->global_no_tls_tickets = 1;
		return 0;
	}
	if (!cur)
		return 0;
	if (strcmp(w[0], "no") == 0 && nw > 1) {
		neg = 1;
		w++;
		nw--;
	}
	if (strcmp(w[0], "mode") == 0 && nw >= 2) {
		cur->mode_http = strcmp(w[1], "http") == 0;
	} else if (strcmp(w[0], "log-format") == 0) {
		if ((rc = one_arg(ps, w, nw)))
			return rc;
		if ((rc = set_str(&cur->log_format, w[1])))
			return rc;
		cur->predefined = NULL;
		cur->format_line = ps->line;
	} else if (strcmp(w[0], "error-log-format") == 0) {
		if ((rc = one_arg(ps, w, nw)))
			return rc;
		if ((rc = set_str(&cur->error_log_format, w[1])))
			return rc;
		cur->error_format_line = ps->line;
	} else if (strcmp(w[0], "log-tag") == 0 && nw >= 2) {
		return set_str(&cur->log_tag, w[1]);
	} else if (strcmp(w[0], "log") == 0) {
		cur->logs = !neg;
	} else if (strcmp(w[0], "option") == 0 && nw >= 2) {
		const char *pre = NULL;
		if (strcmp(w[1], "httplog") == 0)
			pre = nw >= 3 && strcmp(w[2], "clf") == 0 ? "httplog-clf" : "httplog";
		else if (strcmp(w[1], "tcplog") == 0)
			pre = nw >= 3 && strcmp(w[2], "clf") == 0 ? "tcplog-clf" : "tcplog";
		else if (strcmp(w[1], "httpslog") == 0)
			pre = "httpslog";
		if (pre) {
			free(cur->log_format);
			cur->log_format = NULL;
			cur->predefined = neg ? NULL : pre;
			cur->format_line = ps->line;
		}
	} else if (ps->proxy && strcmp(w[0], "bind") == 0) {
		return add_bind(ps, w, nw);
	}
	if (ps->proxy && !neg) {
		for (int i = 1; i < nw; i++)
			if (strstr(w[i], "ssl_fc_has_crt") || strstr(w[i], "ssl_c_") || strstr(w[i], "ssl_fc_is_resumed"))
				return add_use(ps, w, nw);
	}
	return 0;
}

/* Settles each proxy's effective values, as HAProxy does after parsing. */
static int finish(struct parser *ps)
{
	struct hz_cfg *c = ps->cfg;

	for (size_t i = 0; i < c->n; i++) {
		struct hz_cfg_proxy *p = &c->proxies[i];
		struct props *pp = &ps->pprops[i];

		p->mode_http = pp->mode_http;
		p->logs = pp->logs;
		p->format_line = pp->format_line;
		p->error_format_line = pp->error_format_line;
		p->predefined = pp->predefined;
		p->log_format = pp->log_format;
		p->error_log_format = pp->error_log_format;
		p->log_tag = pp->log_tag;
		pp->log_format = pp->error_log_format = pp->log_tag = NULL;
		if (!p->log_tag && c->log_tag && !(p->log_tag = strdup(c->log_tag)))
			return HZ_ENOMEM;
		if (p->kind == HZ_CFG_BACKEND)
			continue;
		if (!p->mode_http && p->predefined
		    && (strcmp(p->predefined, "httplog") == 0 || strcmp(p->predefined, "httplog-clf") == 0
			|| strcmp(p->predefined, "httpslog") == 0)) {
			int rc = warn(ps, p->format_line ? p->format_line : p->line,
				      "'option %s' not usable with proxy '%s' (needs 'mode http'); "
				      "HAProxy falls back to 'option tcplog'",
				      strcmp(p->predefined, "httpslog") == 0 ? "httpslog" : "httplog", p->name);
			if (rc)
				return rc;
			p->predefined = "tcplog";
		}
	}
	return 0;
}

static void parser_free(struct parser *ps)
{
	for (size_t i = 0; i < ps->ndefs; i++) {
		free(ps->defs[i].name);
		props_free(&ps->defs[i].p);
	}
	free(ps->defs);
	if (ps->pprops)
		for (size_t i = 0; i < ps->cfg->n; i++)
			props_free(&ps->pprops[i]);
	free(ps->pprops);
}

int hz_cfg_parse(const char *text, size_t n, const char *name, struct hz_cfg **out, struct hz_err *err)
{
	struct parser ps;
	char *logical = malloc(LINE_CAP), *buf = malloc(LINE_CAP);
	char *w[MAX_WORDS];
	size_t i = 0;
	int rc = 0;

	*out = NULL;
	memset(&ps, 0, sizeof(ps));
	ps.cfg = calloc(1, sizeof(*ps.cfg));
	ps.name = name ? name : "haproxy.cfg";
	ps.err = err;
	ps.last_def = -1;
	if (!ps.cfg || !logical || !buf) {
		rc = hz_err_set(err, HZ_ENOMEM, ps.name, "out of memory");
		goto out;
	}
	ps.cfg->ssl_cachesize = -1;
	if (!(ps.cfg->path = strdup(ps.name))) {
		rc = hz_err_set(err, HZ_ENOMEM, ps.name, "out of memory");
		goto out;
	}
	int phys = 0;
	while (i < n && !rc) {
		size_t ln = 0;
		int first = phys + 1, nw, col = 0;

		/* one logical line: physical lines joined on a trailing backslash */
		for (;;) {
			const char *nl = memchr(text + i, '\n', n - i);
			size_t len = nl ? (size_t)(nl - text - i) : n - i;
			size_t bs = 0;

			phys++;
			while (bs < len && text[i + len - 1 - bs] == '\\')
				bs++;
			if (ln + len >= LINE_CAP) {
				ps.line = first;   /* where the directive begins */
				rc = fail(&ps, HZ_ESYNTAX, 0, "line too long (over %u bytes)", LINE_CAP);
				goto out;
			}
			memcpy(logical + ln, text + i, len);
			ln += len;
			i += len + (nl ? 1 : 0);
			if ((bs & 1) && nl && i < n) {
				ln--;   /* drop the continuation backslash */
				continue;
			}
			break;
		}
		ps.line = first;   /* messages name the first line of a continued one */
		nw = hz_cfg_split(logical, ln, buf, LINE_CAP, w, MAX_WORDS, &col);
		if (nw == HZ_CFG_SPLIT_WORDS) {
			rc = fail(&ps, HZ_ESYNTAX, col, "more than %d words on a line", MAX_WORDS);
			goto out;
		}
		if (nw == HZ_CFG_SPLIT_ROOM) {
			/* the line fitted as written: an expansion made it too long */
			rc = fail(&ps, HZ_ESYNTAX, col, "line too long once ${VAR} is expanded (over %u bytes)",
				  LINE_CAP);
			goto out;
		}
		if (nw < 0) {
			rc = fail(&ps, HZ_ESYNTAX, col, "unterminated quote or ${VAR}");
			goto out;
		}
		if (nw == 0)
			continue;
		/* section keywords start in any column in HAProxy */
		if (!strcmp(w[0], "global") || !strcmp(w[0], "defaults") || !strcmp(w[0], "frontend")
		    || !strcmp(w[0], "listen") || !strcmp(w[0], "backend") || !strcmp(w[0], "userlist")
		    || !strcmp(w[0], "peers") || !strcmp(w[0], "resolvers") || !strcmp(w[0], "mailers")
		    || !strcmp(w[0], "program") || !strcmp(w[0], "http-errors") || !strcmp(w[0], "ring")
		    || !strcmp(w[0], "cache") || !strcmp(w[0], "crt-store") || !strcmp(w[0], "log-forward")
		    || !strcmp(w[0], "traces") || !strcmp(w[0], "acme"))
			rc = start_section(&ps, w, nw);
		else
			rc = directive(&ps, w, nw);
		if (rc == HZ_ENOMEM)
			hz_err_set(err, rc, ps.name, "out of memory");
	}
	if (!rc && (rc = finish(&ps)) == HZ_ENOMEM)
		hz_err_set(err, rc, ps.name, "out of memory");
out:
	free(logical);
	free(buf);
	parser_free(&ps);
	if (rc) {
		hz_cfg_free(ps.cfg);
		return rc;
	}
	*out = ps.cfg;
	return 0;
}

int hz_cfg_load(const char *path, struct hz_cfg **out, struct hz_err *err)
{
	FILE *f = fopen(path, "rb");
	char *text = NULL;
	size_t n = 0, cap = 0;
	int rc;

	*out = NULL;
	if (!f)
		return hz_err_set(err, errno == ENOMEM ? HZ_ENOMEM : HZ_EOPEN, path, "%s", strerror(errno));
	for (;;) {
		if (n == cap) {
			cap = cap ? cap * 2 : 65536;
			if (cap > (64u << 20)) {
				fclose(f);
				free(text);
				return hz_err_set(err, HZ_ELIMIT, path, "configuration larger than 64 MiB");
			}
			char *t = realloc(text, cap);
			if (!t) {
				fclose(f);
				free(text);
				return hz_err_set(err, HZ_ENOMEM, path, "out of memory");
			}
			text = t;
		}
		size_t got = fread(text + n, 1, cap - n, f);
		n += got;
		if (got == 0)
			break;
	}
	if (ferror(f)) {
		fclose(f);
		free(text);
		return hz_err_set(err, HZ_EREAD, path, "%s", strerror(errno));
	}
	fclose(f);
	rc = hz_cfg_parse(text, n, path, out, err);
	free(text);
	return rc;
}

void hz_cfg_free(struct hz_cfg *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < c->n; i++) {
		struct hz_cfg_proxy *p = &c->proxies[i];
		free(p->name);
		free(p->log_format);
		free(p->error_log_format);
		free(p->log_tag);
		for (size_t k = 0; k < p->nbinds; k++) {
			free(p->binds[k].addr);
			free(p->binds[k].name);
		}
		free(p->binds);
		for (size_t k = 0; k < p->nuses; k++)
			free(p->uses[k].text);
		free(p->uses);
	}
	free(c->proxies);
	for (size_t i = 0; i < c->nwarnings; i++)
		free(c->warnings[i]);
	free(c->warnings);
	free(c->log_tag);
	free(c->path);
	free(c);
}
