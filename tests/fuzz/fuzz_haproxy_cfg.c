/* Fuzz target: the haproxy.cfg reader, and the log formats it hands on. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "halyze/haproxy_cfg.h"
#include "halyze/logformat.h"
#include "fuzz_check.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_string(const char *s)
{
	FZ_CHECK(s != NULL);
	(void)strlen(s);
}

/* What the CLI does with a proxy's formats: compile them. */
static void compile(const char *fmt)
{
	struct hz_format *f = NULL;

	if (fmt && hz_format_compile(fmt, strlen(fmt), &f, NULL) == 0)
		hz_format_free(f);
}

static void check_cfg(const struct hz_cfg *c)
{
	size_t i, k;

	check_string(c->path);
	FZ_CHECK(c->n == 0 || c->proxies != NULL);
	for (i = 0; i < c->n; i++) {
		const struct hz_cfg_proxy *p = &c->proxies[i];
		check_string(p->name);
		FZ_CHECK(p->kind == HZ_CFG_FRONTEND || p->kind == HZ_CFG_LISTEN || p->kind == HZ_CFG_BACKEND);
		FZ_CHECK(p->line >= 1 && p->format_line >= 0 && p->error_format_line >= 0);
		FZ_CHECK(!(p->predefined && p->log_format));
		if (p->predefined) {
			struct hz_format *f = NULL;
			/* Only names the format compiler knows. */
			FZ_CHECK(hz_format_predefined(p->predefined, &f, NULL) == 0);
			hz_format_free(f);
		}
		compile(p->log_format);
		compile(p->error_log_format);
		if (p->log_tag)
			check_string(p->log_tag);
		FZ_CHECK(p->nbinds == 0 || p->binds != NULL);
		for (k = 0; k < p->nbinds; k++) {
			check_string(p->binds[k].addr);
			if (p->binds[k].name)
				check_string(p->binds[k].name);
			FZ_CHECK(p->binds[k].line >= p->line);
			FZ_CHECK((unsigned)p->binds[k].verify <= HZ_VERIFY_REQUIRED);
		}
		for (k = 0; k < p->nuses; k++) {
			check_string(p->uses[k].text);
			FZ_CHECK(p->uses[k].line >= p->line);
		}
	}
	for (i = 0; i < c->nwarnings; i++)
		check_string(c->warnings[i]);
}

/* The word splitter alone, with room to spare and with too little. */
static void split_first_line(const uint8_t *data, size_t size)
{
	const uint8_t *nl = memchr(data, '\n', size);
	size_t n = nl ? (size_t)(nl - data) : size;
	static const size_t caps[] = { 1, 16, 65536 };
	static const int maxes[] = { 0, 2, 64 };
	char *words[64];
	size_t c;

	for (c = 0; c < 3; c++) {
		char *buf = malloc(caps[c]);
		int col = -1, nw, i;
		FZ_CHECK(buf != NULL);
		nw = hz_cfg_split((const char *)data, n, buf, caps[c], words, maxes[c], &col);
		FZ_CHECK(nw >= HZ_CFG_SPLIT_ROOM && nw <= maxes[c]);
		if (nw < 0)
			FZ_CHECK(col >= 1 && (size_t)col <= n + 1);
		for (i = 0; i < nw; i++) {
			FZ_CHECK(words[i] >= buf && words[i] < buf + caps[c]);
			FZ_CHECK(memchr(words[i], 0, (size_t)(buf + caps[c] - words[i])) != NULL);
		}
		free(buf);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int ready;
	struct hz_cfg *c = NULL;
	struct hz_err err;
	int rc;

	if (!ready) {
		/* Something for ${VAR} to expand to, spaces and quotes included. */
		setenv("HZ_FUZZ", "a b \"c\" %ci:%cp", 1);
		ready = 1;
	}
	memset(&err, 0, sizeof(err));
	rc = hz_cfg_parse((const char *)data, size, "fuzz.cfg", &c, &err);
	if (rc != 0) {
		FZ_CHECK(rc < 0 && c == NULL);
		FZ_CHECK(memchr(err.msg, 0, sizeof(err.msg)) != NULL);
		if (rc == HZ_ESYNTAX)
			FZ_CHECK(err.line >= 1);
	} else {
		FZ_CHECK(c != NULL);
		check_cfg(c);
		hz_cfg_free(c);
	}
	split_first_line(data, size);
	return 0;
}
