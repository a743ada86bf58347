# nginx as the provisioning anchor, shared by the bench scripts: static files from WORK/www over
# mutual TLS with the hub's server certificate, phones' certificates checked against the hub's
# development manufacturer CA, the same TLS versions and ciphers as the hub.
#
#   source bench/lib/nginx.sh
#   nginx_start WORK PORT HOME [HTTP_LINES [SERVER_LINES]]   # sets nginx_pid
# HTTP_LINES and SERVER_LINES are nginx directives added to the http and server blocks.

nginx_start() { # work port home [http-lines [server-lines]]
  local work="$1" port="$2" home="$3" http_lines="${4:-}" server_lines="${5:-}"
  mkdir -p "$work/tmp"
  cat > "$work/nginx.conf" <<CONF
worker_processes 2;
pid $work/nginx.pid;
error_log $work/nginx-error.log;
events { worker_connections 16384; }
http {
  access_log off;
  sendfile on;
  keepalive_requests 1000000;
  client_body_temp_path $work/tmp; proxy_temp_path $work/tmp; fastcgi_temp_path $work/tmp;
  uwsgi_temp_path $work/tmp; scgi_temp_path $work/tmp;
  $http_lines
  server {
    listen 127.0.0.1:$port ssl;
    ssl_certificate $home/pki/server.pem;
    ssl_certificate_key $home/pki/server.key;
    ssl_client_certificate $home/pki/dev-manufacturer-ca.pem;
    ssl_verify_client on;
    ssl_protocols TLSv1.2 TLSv1.3;
    ssl_ciphers ECDHE+AESGCM:ECDHE+CHACHA20;
    root $work/www;
    $server_lines
  }
}
CONF
  nginx -c "$work/nginx.conf" -g 'daemon off;' >"$work/nginx.out" 2>&1 &
  nginx_pid=$!
}
