#!/usr/bin/env bash
# Builds the lab's throwaway PKI in DIR with openssl (EC P-256 keys, for speed):
#   root.crt            "E2E Root CA"           self-signed trust anchor
#   inter.crt           "E2E Intermediate CA"   signed by the root; signs client certs
#   cafile.pem          root + intermediate: what haproxy's ca-file trusts
#   server.pem          cert (CN e2e.test, SAN e2e.test + 127.0.0.1) + key, for `crt`
#   alice.{crt,key}     "alice client"          valid, signed by the intermediate
#   bob.{crt,key}       "bob client"            valid, signed by the intermediate
#   expired.{crt,key}   "expired client"        signed by the intermediate, 2020-01-01..2021-01-01
#   mallory.{crt,key}   "mallory client"        signed by "E2E Rogue CA", which nobody trusts
#   serials.txt         NAME SERIAL_HEX NOTAFTER: what the driver records as truth
# Usage: pki.sh DIR
set -euo pipefail
D=$1
mkdir -p "$D"
cd "$D"

newkey() { openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1" 2>/dev/null; }

cat > ext.cnf <<'EOF'
[v3_ca]
basicConstraints = critical, CA:true
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
[v3_inter]
basicConstraints = critical, CA:true, pathlen:0
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
[v3_server]
basicConstraints = CA:false
keyUsage = critical, digitalSignature
extendedKeyUsage = serverAuth
subjectAltName = DNS:e2e.test, IP:127.0.0.1
[v3_client]
basicConstraints = CA:false
keyUsage = critical, digitalSignature
extendedKeyUsage = clientAuth
EOF

# Root CA and the rogue CA: self-signed.
for ca in root:E2E\ Root\ CA rogue:E2E\ Rogue\ CA; do
  name=${ca%%:*} cn=${ca#*:}
  newkey "$name.key"
  openssl req -new -x509 -key "$name.key" -subj "/O=halyze e2e/CN=$cn" -days 3650 \
    -extensions v3_ca -config <(cat ext.cnf; printf '[req]\ndistinguished_name=dn\n[dn]\n') \
    -out "$name.crt" 2>/dev/null
done

# Intermediate, signed by the root.
newkey inter.key
openssl req -new -key inter.key -subj "/O=halyze e2e/CN=E2E Intermediate CA" -out inter.csr 2>/dev/null
openssl x509 -req -in inter.csr -CA root.crt -CAkey root.key -set_serial 0x1001 -days 3650 \
  -extfile ext.cnf -extensions v3_inter -out inter.crt 2>/dev/null
cat root.crt inter.crt > cafile.pem

# Server certificate, signed by the root.
newkey server.key
openssl req -new -key server.key -subj "/O=halyze e2e/CN=e2e.test" -out server.csr 2>/dev/null
openssl x509 -req -in server.csr -CA root.crt -CAkey root.key -set_serial 0x2001 -days 3650 \
  -extfile ext.cnf -extensions v3_server -out server.crt 2>/dev/null
cat server.crt server.key > server.pem

# Client certificates through `openssl ca`, which can set a start date in the
# past (OpenSSL 3.0's `x509 -req` cannot), for the expired one.
mkdir -p ca.inter ca.rogue
for c in inter rogue; do
  : > "ca.$c/index.txt"
  cat > "ca.$c/ca.cnf" <<EOF
[ca]
default_ca = CA_default
[CA_default]
dir = $PWD/ca.$c
database = \$dir/index.txt
serial = \$dir/serial
new_certs_dir = \$dir
certificate = $PWD/$c.crt
private_key = $PWD/$c.key
default_md = sha256
policy = policy_any
unique_subject = no
copy_extensions = none
preserve = yes
email_in_dn = no
[policy_any]
commonName = supplied
organizationName = optional
EOF
done
i=0
client() { # NAME CN CA [STARTDATE ENDDATE]
  local name=$1 cn=$2 ca=$3
  i=$((i + 1))
  newkey "$name.key"
  openssl req -new -key "$name.key" -subj "/O=halyze e2e clients/CN=$cn" -out "$name.csr" 2>/dev/null
  local dates=(-days 825)
  [ $# -ge 5 ] && dates=(-startdate "$4" -enddate "$5")
  printf '%X\n' $((0xC0FFEE00 + i)) > "ca.$ca/serial"
  openssl ca -batch -notext -config "ca.$ca/ca.cnf" -extfile ext.cnf -extensions v3_client \
    "${dates[@]}" -in "$name.csr" -out "$name.crt" 2>/dev/null
  cat "$name.crt" "$name.key" > "$name.pem"
  printf '%s %s %s\n' "$name" \
    "$(openssl x509 -in "$name.crt" -noout -serial | sed 's/^serial=//')" \
    "$(openssl x509 -in "$name.crt" -noout -enddate | sed 's/^notAfter=//')" >> serials.txt
}
: > serials.txt
client alice "alice client" inter
client bob "bob client" inter
client expired "expired client" inter 20200101000000Z 20210101000000Z
client mallory "mallory client" rogue

# Sanity: what should verify does, what should not does not.
openssl verify -CAfile cafile.pem alice.crt bob.crt >/dev/null
for bad in expired mallory; do
  if openssl verify -CAfile cafile.pem "$bad.crt" >/dev/null 2>&1; then
    echo "pki.sh: $bad.crt verifies against cafile.pem, it must not" >&2
    exit 1
  fi
done
