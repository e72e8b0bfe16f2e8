/* Recognises connection-error lines and HAProxy's own messages. */
#include "halyze/messages.h"

#include <string.h>

/* src-2.6 conn_err_code_str(): the messages of embryonic-session errors. */
static const char *const conn_messages[] = {
	"Connection closed during SSL handshake",
	"Connection error during SSL handshake",
	"Timeout during SSL handshake",
	"Too many SSL connections",
	"Out of memory when initializing an SSL connection",
	"Rejected a client-initiated SSL renegotiation attempt",
	"SSL client CA chain cannot be verified",
	"SSL client certificate not trusted",
	"SSL handshake failure",
	"SSL handshake failure after heartbeat",
	"Stopped a TLSv1 heartbeat attack (CVE-2014-0160)",
	"SSL fatal error",
	"Connection closed while waiting for PROXY protocol header",
	"Connection error while waiting for PROXY protocol header",
	"Timeout while waiting for PROXY protocol header",
	"Truncated PROXY protocol header received",
	"Received something which does not look like a PROXY protocol header",
	"Received an invalid PROXY protocol header",
	"Received an unhandled protocol in the PROXY protocol header",
	"Connection closed while waiting for NetScaler Client IP header",
	"Connection error while waiting for NetScaler Client IP header",
	"Timeout while waiting for a NetScaler Client IP header",
	"Truncated NetScaler Client IP header received",
	"Received an invalid NetScaler Client IP magic number",
	"Received an unhandled protocol in the NetScaler Client IP header",
	"Reached configured maxconn value",
	"Too many sockets on the process",
	"Too many sockets on the system",
	"Out of system buffers",
	"Connection closed by the peer",
	"Connection error",
	"Connection aborted",
	"Timeout while waiting for socks4 proxy response",
	NULL
};

static int has_prefix(const char *p, size_t n, const char *lit)
{
	size_t k = strlen(lit);
	return n >= k && memcmp(p, lit, k) == 0;
}

static int has_suffix(const char *p, size_t n, const char *lit)
{
	size_t k = strlen(lit);
	return n >= k && memcmp(p + n - k, lit, k) == 0;
}

static int contains(const char *p, size_t n, const char *lit)
{
	size_t k = strlen(lit);
	if (k > n)
		return 0;
	for (size_t i = 0; i + k <= n; i++)
		if (p[i] == lit[0] && memcmp(p + i, lit, k) == 0)
			return 1;
	return 0;
}

static int is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* dd/Mon/yyyy:HH:MM:SS.mmm */
static int is_log_date(const char *d)
{
	static const char shape[] = "99/Aaa/9999:99:99:99.999";
	for (size_t i = 0; i < sizeof(shape) - 1; i++) {
		char s = shape[i], c = d[i];
		if (s == '9' ? !is_digit(c) : s == 'A' ? !(c >= 'A' && c <= 'Z')
		    : s == 'a' ? !(c >= 'a' && c <= 'z') : c != s)
			return 0;
	}
	return 1;
}

int hz_connerr_parse(const char *p, size_t n, struct hz_connerr *out)
{
	const char *end = p + n, *q, *br, *slash, *colon;

	/* client: "unknown" or ip:port, then " [" */
	br = n ? memchr(p, '[', n < 64 ? n : 64) : NULL;
	if (!br || br == p || br[-1] != ' ')
		return 0;
	if (!(br - 1 - p == 7 && memcmp(p, "unknown", 7) == 0)) {
		/* ip:port: digits after the last ':' */
		q = br - 2;
		if (q < p || !is_digit(*q))
			return 0;
		while (q > p && is_digit(*q))
			q--;
		if (*q != ':' || q == p)
			return 0;
	}
	if (end - br < 1 + 24 + 2 || !is_log_date(br + 1) || br[25] != ']' || br[26] != ' ')
		return 0;
	q = br + 27;
	/* frontend/bind: message. Names hold no spaces. */
	slash = NULL;
	for (colon = q; colon < end && *colon != ' '; colon++)
		if (*colon == '/' && !slash)
			slash = colon;
	if (!slash || colon == end || colon - q < 3 || colon[-1] != ':' || slash + 1 >= colon - 1
	    || slash == q)
		return 0;
	out->client = hz_str_make(p, (size_t)(br - 1 - p));
	out->date = hz_str_make(br + 1, 24);
	out->frontend = hz_str_make(q, (size_t)(slash - q));
	out->bind = hz_str_make(slash + 1, (size_t)(colon - 1 - slash - 1));
	out->message = hz_str_make(colon + 1, (size_t)(end - colon - 1));
	out->known = 0;
	for (size_t i = 0; conn_messages[i]; i++)
		if (hz_str_eq(out->message, conn_messages[i])) {
			out->known = 1;
			break;
		}
	if (!out->known && has_prefix(out->message.p, out->message.n, "unknown connection error (code="))
		out->known = 1;
	return 1;
}

const char *hz_message_kind(const char *p, size_t n)
{
	if (n < 6)
		return NULL;
	switch (p[0]) {
	case 'P':
		if (has_prefix(p, n, "Proxy ")) {
			if (has_suffix(p, n, " started."))
				return "proxy_started";
			if (contains(p, n, " stopped ("))
				return "proxy_stopped";
			if (contains(p, n, " failed to start") || contains(p, n, " cannot "))
				return "proxy_error";
			return "proxy_other";
		}
		if (has_prefix(p, n, "Pausing ") || has_prefix(p, n, "Paused "))
			return "proxy_paused";
		break;
	case 'S':
		if (has_prefix(p, n, "Server ")) {
			if (contains(p, n, "maintenance"))
				return "server_maintenance";
			if (contains(p, n, " is DOWN") || contains(p, n, " is going DOWN"))
				return "server_down";
			if (contains(p, n, " is UP") || contains(p, n, " is READY"))
				return "server_up";
			if (contains(p, n, " changed its ") || contains(p, n, " DNS "))
				return "server_address";
			if (contains(p, n, " is stopping"))
				return "server_stopping";
			return "server_other";
		}
		if (has_prefix(p, n, "Stopping frontend ") || has_prefix(p, n, "Stopping backend ")
		    || has_prefix(p, n, "Stopping proxy "))
			return "proxy_stopping";
		break;
	case 'R':
		if (has_prefix(p, n, "Resuming "))
			return "proxy_resumed";
		break;
	case 'H':
		if (has_prefix(p, n, "Health check for "))
			return "health_check";
		break;
	case 'A':
		if (has_prefix(p, n, "Agent check for "))
			return "agent_check";
		if (has_prefix(p, n, "A bogus "))
			return "internal_error";
		break;
	case 'b':
		if (has_prefix(p, n, "backend ") && contains(p, n, " has no server available!"))
			return "backend_no_server";
		break;
	case 'C':
		if (has_prefix(p, n, "Connect from ") || has_prefix(p, n, "Connect to unix:"))
			return "connect_from";
		break;
	case '[':
		if (has_prefix(p, n, "[WARNING]"))
			return "warning";
		if (has_prefix(p, n, "[NOTICE]"))
			return "notice";
		if (has_prefix(p, n, "[ALERT]"))
			return "alert";
		break;
	}
	return NULL;
}
