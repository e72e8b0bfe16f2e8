/* Lines HAProxy writes that are not traffic: connection errors and its own messages. */
#ifndef HZ_MESSAGES_H
#define HZ_MESSAGES_H

#include <stddef.h>
#include "halyze/str.h"

/* `<ip>:<port> [<date>] <frontend>/<bind>: <message>`, HAProxy's fixed line
 * for a connection that died before a stream existed (reference §3.8). */
struct hz_connerr {
	struct hz_str client;   /* "ip:port", or "unknown" */
	struct hz_str date;     /* accept date, %t shape */
	struct hz_str frontend; /* never carries '~' here */
	struct hz_str bind;     /* bind name or numeric id */
	struct hz_str message;  /* e.g. "SSL handshake failure" */
	int known;              /* message is in HAProxy's table */
};

/* Returns 1 and fills out when (p, n) is a connection-error line, else 0. */
int hz_connerr_parse(const char *p, size_t n, struct hz_connerr *out);

/* The kind of one of HAProxy's own messages ("proxy_started",
 * "server_down", "connect_from", …): a static string, or NULL when the line
 * is not one. */
const char *hz_message_kind(const char *p, size_t n);

#endif
