/* Making attacker-controlled log bytes safe for terminals, JSON and HTML. */
#ifndef HZ_SANITIZE_H
#define HZ_SANITIZE_H

#include <stddef.h>

enum hz_escape_mode {
	/* For JSON strings: valid UTF-8 passes, each byte of an invalid
	 * sequence, and NUL, becomes the four characters \xHH. Jansson then
	 * escapes the other control characters itself. */
	HZ_ESC_UTF8 = 0,
	/* For terminals: as HZ_ESC_UTF8, and also every C0/C1 control
	 * character, DEL and backslash-free bidirectional overrides become
	 * \xHH or \u{HHHH}, so no byte of log data can move the cursor,
	 * change colours or reorder text. */
	HZ_ESC_TERMINAL = 1,
	/* For HTML text and quoted attribute values: as HZ_ESC_TERMINAL (so
	 * invalid UTF-8, NUL, control and bidi characters show as \xHH or
	 * \u{HHHH} text), and also & < > " ' as the entities &amp; &lt; &gt;
	 * &quot; &#39;, so no byte of log data can open or close markup. */
	HZ_ESC_HTML = 2
};

/* Writes the escaped form of (p, n) into dst (capacity cap, always
 * NUL-terminated when cap > 0). Returns the length the full result needs,
 * excluding the NUL (like snprintf): a result >= cap was cut, at a
 * character boundary. */
size_t hz_escape(char *dst, size_t cap, const char *p, size_t n, enum hz_escape_mode mode);

/* Writes (p, n) as the body of a JSON string (no quotes) into dst: `"` and
 * `\` escaped, control characters as \u00XX, valid UTF-8 as is, and each
 * byte of an invalid sequence as the four characters \xHH (written \\xHH
 * in the JSON text). Same return contract as hz_escape. */
size_t hz_json_escape(char *dst, size_t cap, const char *p, size_t n);

/* Display width of an escaped string for column alignment (code points). */
size_t hz_display_width(const char *s);

#endif
