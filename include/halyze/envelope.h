/* The syslog envelope: which header a line carries, and its parts. */
#ifndef HZ_ENVELOPE_H
#define HZ_ENVELOPE_H

#include <stdint.h>
#include "halyze/str.h"

/* Every header layout seen in front of HAProxy lines. Detected per line: one
 * file can mix them. */
enum hz_hdr {
	HZ_HDR_RAW = 0,        /* no header at all (HAProxy `format raw`) */
	HZ_HDR_RFC3164,        /* [<PRI>]Mmm dd HH:MM:SS host tag[pid]: */
	HZ_HDR_RFC3164_LOCAL,  /* [<PRI>]Mmm dd HH:MM:SS tag[pid]:  (no host: HAProxy `format local`) */
	HZ_HDR_RFC5424,        /* <PRI>1 ISO host app procid msgid sd */
	HZ_HDR_RSYSLOG_ISO,    /* ISO host tag[pid]:  (RSYSLOG_FileFormat, journalctl -o short-iso) */
	HZ_HDR_FACSEV_ISO,     /* ISO facility.severity host tag[pid]: */
	HZ_HDR_ISO,            /* ISO  (HAProxy `format iso`) */
	HZ_HDR_TIMED,          /* <LEVEL>ISO  (HAProxy `format timed`) */
	HZ_HDR_SHORT,          /* <LEVEL>  (HAProxy `format short`) */
	HZ_HDR_PRIORITY,       /* <PRI>  (HAProxy `format priority`) */
	HZ_HDR_COUNT
};

/* A parsed timestamp. A year the header does not carry is -1 (RFC 3164);
 * an offset it does not carry is INT32_MIN. */
struct hz_time {
	int16_t year;      /* -1 when absent (RFC 3164) */
	int8_t mon;        /* 1..12 */
	int8_t mday;       /* 1..31 */
	int8_t hour, min, sec;
	int32_t usec;      /* 0 when absent */
	int32_t utcoff;    /* seconds east of UTC; INT32_MIN when absent */
};

struct hz_envelope {
	enum hz_hdr kind;
	int pri;              /* <PRI> value; -1 when absent */
	int facility;         /* 0..23 from PRI or facility.severity; -1 when absent */
	int severity;         /* 0..7; -1 when absent */
	struct hz_time time;  /* valid when timestamp.n > 0 */
	struct hz_str timestamp;
	struct hz_str host;   /* empty when absent or NILVALUE */
	struct hz_str tag;    /* syslog tag / RFC 5424 APP-NAME, without [pid] and ':' */
	struct hz_str pid;    /* digits, empty when absent; RFC 5424: the PROCID as written (any printable ASCII) */
	struct hz_str msgid;  /* RFC 5424 only */
	struct hz_str sd;     /* RFC 5424 structured data, empty for NILVALUE */
	struct hz_str msg;    /* the HAProxy message that follows the header */
};

/* Detects the header of one line (p, n: no line terminator; may hold NUL
 * bytes) and splits it. Never fails: a line with no recognisable header is
 * HZ_HDR_RAW with msg = the whole line. All views point into p. */
void hz_envelope_parse(const char *p, size_t n, struct hz_envelope *env);

/* The header of the line before, for hz_envelope_parse_next(). Consecutive
 * lines of a busy log nearly always start with the same bytes (the same
 * second, host and process): a line whose first bytes are the header the
 * fast path read on the line before gets that envelope again, without
 * parsing. Zero it before the first line; one per thread. */
struct hz_envelope_memo {
	size_t hdr;              /* bytes of the header, the message starts there; 0: none kept */
	size_t min_n;            /* the shortest line the fast path reads that header from */
	struct hz_envelope env;  /* its envelope, its views into bytes */
	char bytes[96];
};

/* Exactly hz_envelope_parse(p, n, env), faster when the line starts with the
 * header of the line before. */
void hz_envelope_parse_next(struct hz_envelope_memo *m, const char *p, size_t n, struct hz_envelope *env);

/* A stable, lower-case name for a header kind ("rfc3164", "rsyslog-iso", …). */
const char *hz_hdr_name(enum hz_hdr kind);

/* Seconds since the epoch for a time that carries a year and an offset, or
 * INT64_MIN when it cannot be placed (RFC 3164 has neither). */
int64_t hz_time_epoch(const struct hz_time *t);

#endif
