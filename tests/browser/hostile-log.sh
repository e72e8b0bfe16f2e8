#!/usr/bin/env bash
# Writes a log whose URL, captured header and certificate DN carry markup
# (<script>, "><img onerror=...>, </style>), for the HTML report's tests.
# Usage: source it, then: hostile_log FILE; the format is in $HOSTILE_FORMAT.
# Lines 1-2 are parsed requests (HAProxy writes a quote inside a captured
# header or %r as #22, so these have none); line 3 carries a raw quote where
# HAProxy never writes one, so it is unparsed and shown as a sample, raw
# bytes and all; line 4 is a connection error.
HOSTILE_FORMAT='%ci:%cp [%tr] %ft %b/%s %TR/%Tw/%Tc/%Tr/%Ta %ST %B %CC %CS %tsc %ac/%fc/%bc/%sc/%rc %sq/%bq %hr {%{+Q}[ssl_c_s_dn],%[ssl_c_verify],%[ssl_fc_has_crt],%[ssl_fc_is_resumed],%[ssl_c_used]} %{+Q}r'
hostile_log() {
  local dn='/CN=<script>alert(1)</script></style><img src=x onerror=alert(2)>'
  local hdr="{<script>alert(3)</script>'><img src=x onerror=alert(4)></style>}"
  local url='/<script>alert(5)</script>?q=</style><img src=x onerror=alert(6)>'
  {
    printf '10.0.0.1:40000 [27/Nov/2026:10:00:00.000] fe_h~ be/s1 0/0/1/2/3 200 512 - - ---- 1/1/0/0/0 0/0 %s {"%s",20,1,0,1} "GET %s HTTP/1.1"\n' "$hdr" "$dn" "$url"
    printf '10.0.0.2:40001 [27/Nov/2026:10:00:01.000] fe_h~ be/s1 0/0/1/2/3 403 512 - - PR-- 1/1/0/0/0 0/0 %s {"%s",20,1,0,1} "GET %s HTTP/1.1"\n' "$hdr" "$dn" "$url"
    printf '10.0.0.3:40002 [27/Nov/2026:10:00:02.000] fe_h~ be/s1 0/0/1/2/3 200 512 - - ---- 1/1/0/0/0 0/0 %s {"%s",0,1,0,1} "GET %s"><img src=x onerror=alert(7)></style><script>alert(8)</script> HTTP/1.1"\n' "$hdr" "$dn" "$url"
    printf '10.0.0.4:40003 [27/Nov/2026:10:00:03.000] fe_h/1: SSL handshake failure\n'
  } > "$1"
}
# A line with terminal escapes and an invalid byte (unparsed: no format matches).
hostile_bytes() {
  printf '10.0.0.5:40004 [27/Nov/2026:10:00:04.000] \033[31mred\377 \342\200\256bidi "x\n' >> "$1"
}
