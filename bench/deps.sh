#!/usr/bin/env bash
# bench/deps.sh: make sure the programs the peer benchmark needs are installed.
# As root, missing Debian packages are installed with apt-get; otherwise the apt-get line is printed
# and the script fails. Each program is checked by path, so an equivalent package (nginx instead of
# nginx-light) also satisfies it.
set -euo pipefail
# program path or command name -> Debian package
need=(
  "nginx:nginx-light"
  "/usr/bin/prometheus-blackbox-exporter:prometheus-blackbox-exporter"
  "/usr/lib/nagios/plugins/check_tcp:monitoring-plugins-basic"
  "/usr/lib/nagios/plugins/check_smtp:monitoring-plugins-basic"
  "/usr/lib/nagios/plugins/check_http:monitoring-plugins-standard"
  "curl:curl"
  "/usr/bin/time:time"
  "openssl:openssl"
  "python3:python3"
  "timeout:coreutils"
)
missing=""
for entry in "${need[@]}"; do
  prog=${entry%%:*} pkg=${entry#*:}
  if [[ $prog == /* ]]; then [ -x "$prog" ] && continue
  else command -v "$prog" >/dev/null 2>&1 && continue; fi
  case " $missing " in *" $pkg "*) ;; *) missing="$missing $pkg" ;; esac
done
# python3's sqlite3 module (stdlib, but packaged separately on some systems)
python3 -c 'import sqlite3' 2>/dev/null || missing="$missing libpython3-stdlib"
[ -z "$missing" ] && exit 0
if [ "$(id -u)" = 0 ]; then
  echo "installing for the benchmark:$missing"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing
else
  echo "make bench needs these Debian packages:$missing" >&2
  echo "run:  sudo apt-get update && sudo apt-get install -y --no-install-recommends$missing" >&2
  exit 1
fi
