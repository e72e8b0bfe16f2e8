# Sourced by the CLI tests that write TLS logs with awk: the format, and
# the awk functions that write its lines (prepend $TLS_AWK to the program;
# it writes to the variable out and counts the lines in n).
# A line every 100 ms from 10:00:00: t is the line's tenth of a second.
TLS_FORMAT='%ci:%cp [%t] %ft %b/%s %TR/%Tw/%Tc/%Tr/%Ta %ST %B %CC %CS %tsc %ac/%fc/%bc/%sc/%rc %sq/%bq {%{+Q}[ssl_c_s_dn(cn)],%{+Q}[ssl_c_i_dn(cn)],%[ssl_c_serial,hex],%[ssl_c_notafter],%{+Q}[ssl_fc_sni],%[ssl_c_verify],%[ssl_fc_has_crt],%[ssl_fc_is_resumed],%[ssl_c_used],%sslv} %{+Q}r'
TLS_AWK='function ts(t,  s, ms) {
    s = int(t / 10); ms = (t % 10) * 100
    return sprintf("27/Nov/2026:%02d:%02d:%02d.%03d", 10 + int(s / 3600), int(s / 60) % 60, s % 60, ms)
  }
  function line(t, ip, cn, serial, has, res) {
    printf "%s:%d [%s] fe_mtls~ be_app/app1 0/0/1/2/3 200 512 - - ---- 1/1/0/0/0 0/0 {\"%s\",\"Example CA\",%s,271127041537Z,\"api.example\",0,%d,%d,1,TLSv1.2} \"GET /api HTTP/1.1\"\n", ip, 40000 + t % 20000, ts(t), cn, serial, has, res > out
    n++
  }
'
