/* Config lint: TLS fetches that lie on resumed sessions, and log formats that cannot be read. */
#include "halyze/lint.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "errfmt.h"

struct list {
	const char *file;
	struct hz_lint_finding *v;
	size_t n, cap;
	int oom;
};

static char *vfmt(const char *fmt, va_list ap) HZ_PRINTF(1, 0);

static char *vfmt(const char *fmt, va_list ap)
{
	char b[2048];
	vsnprintf(b, sizeof(b), fmt, ap);
	return strdup(b);
}

static void add(struct list *l, const char *id, enum hz_severity sev, int line, const char *proxy,
		const char *fix, const char *fmt, ...) HZ_PRINTF(7, 8);

static void add(struct list *l, const char *id, enum hz_severity sev, int line, const char *proxy,
		const char *fix, const char *fmt, ...)
{
	struct hz_lint_finding *f;
	va_list ap;

	if (l->oom)
		return;
	if (l->n == l->cap) {
		size_t ncap = l->cap ? l->cap * 2 : 16;
		f = realloc(l->v, ncap * sizeof(*f));
		if (!f) {
			l->oom = 1;
			return;
		}
		l->v = f;
		l->cap = ncap;
	}
	f = &l->v[l->n];
	f->id = id;
	f->severity = sev;
	f->line = line;
	f->proxy = proxy ? strdup(proxy) : NULL;
	f->file = strdup(l->file);
	f->fix = fix ? strdup(fix) : NULL;
	va_start(ap, fmt);
	f->message = vfmt(fmt, ap);
	va_end(ap);
	if ((proxy && !f->proxy) || (fix && !f->fix) || !f->message || !f->file) {
		free(f->file);
		free(f->proxy);
		free(f->fix);
		free(f->message);
		l->oom = 1;
		return;
	}
	l->n++;
}

/* Whether `word` occurs in s as a fetch name (not inside a longer name). */
static int uses_fetch(const char *s, const char *word)
{
	size_t k = strlen(word);
	for (const char *p = strstr(s, word); p; p = strstr(p + 1, word)) {
		char before = p == s ? ' ' : p[-1], after = p[k];
		int inner = (before >= 'a' && before <= 'z') || before == '_' || (after >= 'a' && after <= 'z')
			    || after == '_';
		if (!inner)
			return 1;
	}
	return 0;
}

/* Replaces every ssl_fc_has_crt by ssl_c_used, for the suggested fix. */
static char *swap_fetch(const char *s)
{
	static const char from[] = "ssl_fc_has_crt", to[] = "ssl_c_used";
	size_t n = strlen(s) + 1;
	char *out = malloc(n), *o = out;

	if (!out)
		return NULL;
	while (*s) {
		if (strncmp(s, from, sizeof(from) - 1) == 0) {
			memcpy(o, to, sizeof(to) - 1);
			o += sizeof(to) - 1;
			s += sizeof(from) - 1;
		} else {
			*o++ = *s++;
		}
	}
	*o = 0;
	return out;
}

static const char *first_word_end(const char *s)
{
	return s + strcspn(s, " ");
}

/* Flags written without + or -: HAProxy ignores them silently (reference 1.3). */
static void unsigned_flags(struct list *l, const struct hz_cfg_proxy *p, const char *fmt, int line, const char *what)
{
	for (const char *q = strstr(fmt, "%{"); q; q = strstr(q + 2, "%{")) {
		const char *end = strchr(q, '}');
		if (!end)
			return;
		for (const char *a = q + 2; a < end;) {
			size_t k = strcspn(a, ",}");
			if (k && a[0] != '+' && a[0] != '-') {
				add(l, "unsigned-log-flag", HZ_SEV_WARNING, line, p->name,
				    "Write the flag with a sign, e.g. %{+Q}.",
				    "%s: the flag '%.*s' has no '+' or '-', so HAProxy ignores it", what, (int)k, a);
			}
			a += k + (a[k] == ',');
		}
		q = end - 1;
	}
}

/* The format with ssl_fc_is_resumed and ssl_c_used logged right after
 * ssl_fc_has_crt, in the separator style around it (", " in a {a, b} block). */
static char *add_resumption_fields(const char *fmt)
{
	const char *at = strstr(fmt, "%[ssl_fc_has_crt]");
	const char *after, *sep = " ";
	size_t n = strlen(fmt);
	char *out;

	if (!at)
		return NULL;
	after = at + strlen("%[ssl_fc_has_crt]");
	if (after[0] == ',' && after[1] == ' ')
		sep = ", ";
	else if (after[0] == ',' || after[0] == '}')
		sep = ",";
	else if (after[0] == '/')
		sep = "/";
	out = malloc(n + 64);
	if (!out)
		return NULL;
	snprintf(out, n + 64, "%.*s%s%%[ssl_fc_is_resumed]%s%%[ssl_c_used]%s", (int)(after - fmt), fmt, sep, sep, after);
	return out;
}

static void check_log_format(struct list *l, const struct hz_cfg_proxy *p, const char *fmt, int line, const char *what)
{
	if (strstr(fmt, "req.hdr(") || strstr(fmt, "req.fhdr(") || strstr(fmt, "%[hdr("))
		add(l, "request-header-in-log-format", HZ_SEV_ERROR, line, p->name,
		    "Capture the header (`capture request header NAME len N`, then %[capture.req.hdr(0)]) "
		    "or copy it into a variable (`http-request set-var(txn.x) req.hdr(NAME)`, then %[var(txn.x)]).",
		    "%s: request-header fetches may not be used at log time; HAProxy rejects the config", what);
	unsigned_flags(l, p, fmt, line, what);
	if (uses_fetch(fmt, "ssl_fc_has_crt") && !uses_fetch(fmt, "ssl_fc_is_resumed") && !uses_fetch(fmt, "ssl_c_used")) {
		char *fixed = add_resumption_fields(fmt);
		char *fix = NULL;
		/* without the literal %[ssl_fc_has_crt] there is no fixed format to
		 * show; otherwise NULL means memory ran out, which the generic advice
		 * would hide */
		if (!fixed && strstr(fmt, "%[ssl_fc_has_crt]"))
			l->oom = 1;
		if (fixed) {
			size_t k = strlen(fixed) + strlen(what) + 128;
			fix = malloc(k);
			if (fix)
				snprintf(fix, k, "Log %%[ssl_fc_is_resumed] and %%[ssl_c_used] next to %%[ssl_fc_has_crt]: "
					 "%s \"%s\"", what, fixed);
			else
				l->oom = 1;
			free(fixed);
		}
		add(l, "has-crt-logged-alone", HZ_SEV_WARNING, line, p->name,
		    fix ? fix : "Add %[ssl_fc_is_resumed] and %[ssl_c_used] next to %[ssl_fc_has_crt].",
		    "%s logs ssl_fc_has_crt without ssl_fc_is_resumed or ssl_c_used: a 0 cannot be told "
		    "apart between \"no certificate\" and \"resumed session\"", what);
		free(fix);
	}
}

int hz_lint(const struct hz_cfg *c, struct hz_lint_finding **out, size_t *n)
{
	struct list l = { 0 };

	l.file = c->path ? c->path : "haproxy.cfg";
	*out = NULL;
	*n = 0;
	for (size_t w = 0; w < c->nwarnings; w++) {
		const char *msg = c->warnings[w];
		add(&l, "config-warning", HZ_SEV_WARNING, atoi(msg), NULL, NULL, "%s", strchr(msg, ' ') ? strchr(msg, ' ') + 1 : msg);
	}
	for (size_t i = 0; i < c->n; i++) {
		const struct hz_cfg_proxy *p = &c->proxies[i];
		const struct hz_cfg_bind *vb = NULL;   /* a TLS bind that asks for a client certificate */
		int tickets = 0, cache = c->ssl_cachesize != 0, ssl = 0;

		if (p->kind == HZ_CFG_BACKEND || p->kind == HZ_CFG_DEFAULTS)
			continue;
		for (size_t b = 0; b < p->nbinds; b++) {
			const struct hz_cfg_bind *x = &p->binds[b];
			if (!x->ssl)
				continue;
			ssl = 1;
			if (x->verify == HZ_VERIFY_OPTIONAL || x->verify == HZ_VERIFY_REQUIRED) {
				if (!vb || (x->verify == HZ_VERIFY_OPTIONAL && vb->verify != HZ_VERIFY_OPTIONAL))
					vb = x;
				if (!x->no_tls_tickets && !c->global_no_tls_tickets)
					tickets = 1;
			}
		}
		if (p->log_format)
			check_log_format(&l, p, p->log_format, p->format_line ? p->format_line : p->line, "log-format");
		if (p->error_log_format)
			check_log_format(&l, p, p->error_log_format, p->error_format_line, "error-log-format");

		/* resumption half disabled, bind by bind */
		for (size_t b = 0; b < p->nbinds; b++) {
			const struct hz_cfg_bind *x = &p->binds[b];
			int bt = !x->no_tls_tickets && !c->global_no_tls_tickets;
			char fix[512];

			if (!x->ssl || (x->verify != HZ_VERIFY_OPTIONAL && x->verify != HZ_VERIFY_REQUIRED) || bt == cache)
				continue;
			if (cache)
				snprintf(fix, sizeof(fix), "Add `tune.ssl.cachesize 0` to the global section as well.");
			else
				snprintf(fix, sizeof(fix), "Add `no-tls-tickets` to this bind as well.");
			add(&l, "resumption-half-disabled", HZ_SEV_WARNING, x->line, p->name, fix,
			    "TLS sessions on this bind still resume through %s: %s alone does not stop resumption, "
			    "so ssl_fc_has_crt is still 0 on resumed sessions",
			    cache ? "the session cache (tune.ssl.cachesize is not 0)" : "TLS tickets",
			    cache ? "`no-tls-tickets`" : "`tune.ssl.cachesize 0`");
		}
		for (size_t u = 0; u < p->nuses; u++) {
			const struct hz_cfg_use *use = &p->uses[u];
			const char *kw_end = first_word_end(use->text);
			int is_log = strncmp(use->text, "log-format", 10) == 0 || strncmp(use->text, "error-log-format", 16) == 0
				     || strncmp(use->text, "log-format-sd", 13) == 0 || strncmp(use->text, "unique-id-format", 16) == 0;

			if (is_log)
				continue;
			if (uses_fetch(use->text, "ssl_c_chain_der"))
				add(&l, "chain-der-on-resumption", HZ_SEV_INFO, use->line, p->name,
				    "Use ssl_c_der (the leaf) or a DN fetch, or disable resumption.",
				    "ssl_c_chain_der is not available on resumed sessions");
			if (!uses_fetch(use->text, "ssl_fc_has_crt"))
				continue;
			if (!ssl || !vb) {
				add(&l, "has-crt-without-verify", HZ_SEV_INFO, use->line, p->name,
				    "Ask for a certificate with `verify optional` (or `required`) and `ca-file` on the bind.",
				    "ssl_fc_has_crt is always 0 here: no TLS bind of '%s' asks for a client certificate",
				    p->name);
				continue;
			}
			if (tickets || cache) {
				char *swapped = swap_fetch(use->text);
				char fix[2048];
				snprintf(fix, sizeof(fix),
					 "Test ssl_c_used instead: `%s`; or disable resumption: `no-tls-tickets` on the "
					 "bind on line %d and `tune.ssl.cachesize 0` in global.",
					 swapped ? swapped : "(out of memory)", vb->line);
				free(swapped);
				add(&l, "has-crt-with-resumption", vb->verify == HZ_VERIFY_OPTIONAL ? HZ_SEV_WARNING : HZ_SEV_INFO,
				    use->line, p->name, fix,
				    "`%.*s` uses ssl_fc_has_crt, which is 0 on every resumed TLS session (%s%s%s enabled) "
				    "although the client certificate was verified when the session began: clients that "
				    "resume look as if they sent no certificate",
				    (int)(kw_end - use->text), use->text, tickets ? "tickets" : "",
				    tickets && cache ? " and session cache" : "", !tickets && cache ? "session cache" : "");
			}
		}
	}
	if (l.oom) {
		hz_lint_free(l.v, l.n);
		return HZ_ENOMEM;
	}
	/* in line order */
	for (size_t i = 1; i < l.n; i++)
		for (size_t j = i; j > 0 && l.v[j - 1].line > l.v[j].line; j--) {
			struct hz_lint_finding t = l.v[j];
			l.v[j] = l.v[j - 1];
			l.v[j - 1] = t;
		}
	*out = l.v;
	*n = l.n;
	return 0;
}

void hz_lint_free(struct hz_lint_finding *f, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(f[i].file);
		free(f[i].proxy);
		free(f[i].message);
		free(f[i].fix);
	}
	free(f);
}

const char *hz_lint_id(const char *name)
{
	static const char *const ids[] = { "config-warning", "unsigned-log-flag", "request-header-in-log-format",
					   "has-crt-logged-alone", "resumption-half-disabled", "chain-der-on-resumption",
					   "has-crt-without-verify", "has-crt-with-resumption" };
	for (size_t i = 0; i < sizeof(ids) / sizeof(ids[0]); i++)
		if (strcmp(ids[i], name) == 0)
			return ids[i];
	return NULL;
}
