# Kamailio as the registrar anchor, shared by the bench scripts: a minimal TLS registrar (tls,
# auth_db on db_text, usrloc in memory, registrar) with MD5 digest, qop=auth and nonce-count checks
# as the hub does, on the hub's server certificate.
#
#   source bench/lib/kamailio.sh
#   kamailio_install                                   # Debian's kamailio and its TLS modules
#   kamailio_start WORK PORT ACCOUNTS CERT KEY DOMAIN  # sets kamailio_pid; ACCOUNTS: "user password" lines
#   KAMAILIO_SHM_MB (default 2048) and KAMAILIO_MAX_CONNECTIONS (default 60000) size it for many phones.

kamailio_install() {
  if ! command -v kamailio >/dev/null 2>&1 || ! ls /usr/lib/*/kamailio/modules/tls.so >/dev/null 2>&1; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq kamailio kamailio-tls-modules >/dev/null
  fi
}

kamailio_start() { # work port accounts cert key domain
  local work="$1" port="$2" accounts="$3" cert="$4" key="$5" domain="$6" modules
  modules="$(dirname "$(ls /usr/lib/*/kamailio/modules/tls.so | head -1)")"
  mkdir -p "$work/db" "$work/run"
  cp /usr/share/kamailio/dbtext/kamailio/version "$work/db/version"
  { echo "id(int,auto) username(string) domain(string) password(string) ha1(string,null) ha1b(string,null)"
    awk -v d="$domain" '{printf "%d:%s:%s:%s::\n", NR, $1, d, $2}' "$accounts"
  } > "$work/db/subscriber"
  cat > "$work/tls.cfg" <<CONF
[server:default]
method = TLSv1.2+
verify_certificate = no
require_certificate = no
private_key = $key
certificate = $cert
cipher_list = ECDHE+AESGCM:ECDHE+CHACHA20
CONF
  cat > "$work/kamailio.cfg" <<CONF
#!KAMAILIO
debug=0
log_stderror=yes
children=2
tcp_children=4
enable_tls=yes
listen=tls:127.0.0.1:$port
tcp_max_connections=${KAMAILIO_MAX_CONNECTIONS:-60000}
tls_max_connections=${KAMAILIO_MAX_CONNECTIONS:-60000}
tcp_connection_lifetime=3605
tcp_crlf_ping=yes
open_files_limit=$(ulimit -n)
mpath="$modules/"
loadmodule "tls.so"
loadmodule "sl.so"
loadmodule "pv.so"
loadmodule "textops.so"
loadmodule "db_text.so"
loadmodule "usrloc.so"
loadmodule "registrar.so"
loadmodule "auth.so"
loadmodule "auth_db.so"
modparam("tls", "config", "$work/tls.cfg")
modparam("usrloc", "db_mode", 0)
modparam("auth", "nonce_count", 1)
modparam("auth", "qop", "auth")
modparam("auth_db", "db_url", "text://$work/db")
modparam("auth_db", "calculate_ha1", yes)
modparam("auth_db", "password_column", "password")
modparam("auth_db", "load_credentials", "")
request_route {
  if (!is_method("REGISTER")) { sl_send_reply("405", "Method Not Allowed"); exit; }
  if (!auth_check("\$fd", "subscriber", "1")) { auth_challenge("\$fd", "1"); exit; }
  if (!save("location")) { sl_reply_error(); }
  exit;
}
CONF
  kamailio -f "$work/kamailio.cfg" -DD -E -m "${KAMAILIO_SHM_MB:-2048}" -M 16 -Y "$work/run" >"$work/kamailio.log" 2>&1 &
  kamailio_pid=$!
  for _ in $(seq 60); do (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break; sleep 0.5; done
  kill -0 "$kamailio_pid" 2>/dev/null || { echo "bench: kamailio did not start" >&2; cat "$work/kamailio.log" >&2; return 1; }
}
