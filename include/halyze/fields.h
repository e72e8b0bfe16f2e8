/* Typed readers for the field views that hz_format_match returns. */
#ifndef HZ_FIELDS_H
#define HZ_FIELDS_H

#include <stddef.h>
#include <stdint.h>
#include "halyze/logformat.h"
#include "halyze/str.h"

/* Typing is lazy: the tokenizer only finds where each field lies, and a
 * consumer calls these on the fields it uses. Every reader returns 0, or -1
 * when the view does not hold that type (an empty view included), and never
 * allocates. hz_field_int() is declared in logformat.h. */

/* Upper- or lower-case hex digits, as printed under +X (%Ts %rt %pid...). */
int hz_field_hex(struct hz_str v, uint64_t *out);

/* A numeric field read the way it was printed: hex when the field carries
 * +X and honours it (%Ts %ms %rt %lc %pid), decimal otherwise. */
int hz_field_number(const struct hz_field_info *fi, struct hz_str v, int64_t *out);

/* 1 when a number carries HAProxy's '+' mark (logasap %Tt/%Ta/%Tu/%B,
 * redispatched %rc), else 0. */
int hz_field_plus(struct hz_str v);

/* An address as %ci/%fi/%bi/%si print it: dotted IPv4, IPv6 text, `unix`,
 * or the +X forms (8 or 32 hex digits). */
struct hz_ip {
	int family;      /* 4, 6, or 0 for a UNIX socket */
	uint8_t a[16];   /* network order; IPv4 in a[0..3] */
};
int hz_field_ip(struct hz_str v, struct hz_ip *out);

/* Formats an address as text (inet_ntop shapes); returns the length, or -1
 * when cap is too small (46 bytes always suffice). */
int hz_ip_format(const struct hz_ip *ip, char *buf, size_t cap);

/* A port, decimal or (hex != 0) the 4 hex digits of +X. */
int hz_field_port(struct hz_str v, int hex, unsigned *port);

/* Dates: `dd/Mon/yyyy:HH:MM:SS.mmm` (%t %tr) or `dd/Mon/yyyy:HH:MM:SS +hhmm`
 * (%T %Tl %trg %trl). *epoch_ms is milliseconds since the epoch; for the
 * zone-less shapes (local time of the haproxy host) it is computed as if
 * the time were UTC and *utcoff is INT32_MIN. utcoff may be NULL. */
int hz_field_date(struct hz_str v, int64_t *epoch_ms, int32_t *utcoff);

/* A request line split into views of v (no decoding). `query` keeps its
 * leading '?' and is empty when there is none (like %HQ); `path` is the URI
 * without its query (like %HP); `path_only` also drops an absolute URI's
 * scheme and authority (like %HPO). For `<BADREQ>` every view is empty and
 * bad is 1. A request line without a version has an empty `version`. */
struct hz_request {
	struct hz_str method, uri, path, path_only, query, version;
	int bad;
};
int hz_field_request(struct hz_str v, struct hz_request *out);

/* Decodes HAProxy's `#XX` encoding (%r, %H*, %hr/%hs). Writes at most cap
 * bytes and returns the decoded length, which may exceed cap (then the
 * output is cut, as with snprintf). Malformed sequences are copied as-is. */
size_t hz_field_unhash(struct hz_str v, char *buf, size_t cap);

/* Reverses +E escaping (`\"`, `\\`, `\]`); same contract as hz_field_unhash. */
size_t hz_field_unescape(struct hz_str v, char *buf, size_t cap);

/* Captured headers in block form (%hr/%hs, view without the braces): the
 * number of slots (`a|b|` has 3; an empty view 1), and the idx-th slot
 * (0-based; an empty slot gives an empty view). */
size_t hz_field_capture_count(struct hz_str v);
int hz_field_capture(struct hz_str v, size_t idx, struct hz_str *out);

#endif
