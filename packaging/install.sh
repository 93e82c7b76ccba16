#!/usr/bin/env bash
# Installs tt-host and tt-backend as systemd services running from this checkout (built with
# 'mvn -q -ntp package -DskipTests'): the units in /etc/systemd/system, their settings in
# /etc/default/tt-host and /etc/default/tt-backend (kept if they exist: edit them there).
#   packaging/install.sh [--root DIR] [--no-reload]
# --root DIR installs under DIR instead of / (to look at, or to test); --no-reload does not run
# 'systemctl daemon-reload'. Then: systemctl enable --now tt-host tt-backend
set -euo pipefail
home=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
root=/
reload=yes
while [ $# -gt 0 ]; do
  case "$1" in
    --root) root=${2:?--root needs a folder}; shift 2 ;;
    --no-reload) reload=no; shift ;;
    -h|--help) sed -n '2,8p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "install.sh: unknown argument '$1' (see --help)" >&2; exit 2 ;;
  esac
done
for jar in tt-standalone/target/tt-standalone.jar tt-backend/target/tt-backend.jar; do
  if [ ! -f "$home/$jar" ]; then
    echo "install.sh: $home/$jar is missing: build TT first (mvn -q -ntp package -DskipTests)" >&2
    exit 2
  fi
done
units="$root/etc/systemd/system"
defaults="$root/etc/default"
mkdir -p "$units" "$defaults"
for unit in tt-host tt-backend; do
  sed -e "s|@TT_HOME@|$home|g" -e "s|@ENV_DIR@|/etc/default|g" "$home/packaging/systemd/$unit.service.in" \
    > "$units/$unit.service"
  echo "installed $units/$unit.service"
done
if [ ! -f "$defaults/tt-host" ]; then
  cpus=$(nproc)
  mem_kib=$(awk '/MemTotal/ {print int($2 * 3 / 4)}' /proc/meminfo)
  cat > "$defaults/tt-host" <<SETTINGS
# Flags of tt-host (see: $home/bin/tt-host --help); the service runs: tt-host \$TT_HOST_OPTS
# The image folder must exist and hold images (tt image build RECIPE --image-path /srv/tt/images).
TT_HOST_OPTS="--image-path /srv/tt/images --cpu-total $cpus --mem-total $mem_kib --disk-total $((100 * 1024 * 1024)) --serv-addr 127.0.0.1 --serv-port 20000"
SETTINGS
  echo "wrote $defaults/tt-host (edit the flags there)"
fi
if [ ! -f "$defaults/tt-backend" ]; then
  cat > "$defaults/tt-backend" <<SETTINGS
# Flags of tt-backend (see: $home/bin/tt-backend --help); the service runs: tt-backend \$TT_BACKEND_OPTS
TT_BACKEND_OPTS="--proxy-addr 127.0.0.1:20002 --server-set 127.0.0.1:20000"
SETTINGS
  echo "wrote $defaults/tt-backend (edit the flags there)"
fi
if [ "$reload" = yes ] && [ "$root" = / ] && [ -d /run/systemd/system ]; then
  systemctl daemon-reload
fi
echo "next: systemctl enable --now tt-host tt-backend; journalctl -u tt-host -u tt-backend -f"
