#!/usr/bin/env bash
# Makes a Docker engine available for the container chaos suite and builds the base image the
# agent containers start from. No registry is needed: the image is made from this machine's
# own installed packages (the Java runtime, iptables, iproute2, libfaketime) with
# `docker import`. It also installs etcd-server, which the bench's etcd baseline runs on this
# machine, and Chromium with its chromedriver, in which the dashboard's browser test runs.
#
#   scripts/docker-engine.sh          install (as root, with apt) and start the engine if
#                                     needed, then build flotilla-base:local if missing or
#                                     made from other packages
#   FLOTILLA_REBUILD_BASE=1 ...       rebuild the base image
#
# Exits 0 with a note on stderr when the engine cannot be had (not root, no apt): the
# container tests then report Docker as missing (a failure under CI=true).
set -euo pipefail

BASE_IMAGE=${FLOTILLA_BASE_IMAGE:-flotilla-base:local}
log() { echo "docker-engine: $*" >&2; }
# Every failure ends in one line naming the step it happened in. No step pipes into a reader
# that may stop reading early (under pipefail the writer's SIGPIPE would fail the script).
step="checking for dockerd and iptables"
trap 'rc=$?; log "failed while $step (exit $rc)"; exit "$rc"' ERR

engine_up() { docker info >/dev/null 2>&1; }

if ! command -v dockerd >/dev/null 2>&1 || ! command -v iptables >/dev/null 2>&1; then
  if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
    log "no Docker engine and no way to install one here (needs root and apt-get)"
    exit 0
  fi
  log "installing docker.io and iptables"
  step="installing docker.io and iptables with apt-get"
  apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends docker.io iptables >/dev/null
fi

# Packages the tests use beside the engine, installed when missing. Without them the tests
# that need them fail under CI=true.
install_if_missing() {
  local pkg=$1 why=$2 status
  step="installing $pkg with apt-get"
  status=$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)
  if [ "$status" = "install ok installed" ]; then
    return
  fi
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    log "installing $pkg"
    apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$pkg" >/dev/null
  else
    log "no $pkg and no way to install it here: $why"
  fi
}
# The clock nemeses step the agents' wall clocks with it, inside their containers only.
install_if_missing libfaketime "the clock nemeses will not step clocks"
# The bench's etcd baseline runs Debian's etcd beside a fleet on this machine.
install_if_missing etcd-server "the bench's etcd baseline cannot run"
# The dashboard's browser test drives Debian's headless Chromium through its chromedriver.
install_if_missing chromium "the dashboard's browser test cannot run"
install_if_missing chromium-driver "the dashboard's browser test cannot run"

step="starting the Docker engine"
if ! engine_up; then
  if [ "$(id -u)" != 0 ]; then
    log "the Docker engine is not running and only root can start it here"
    exit 0
  fi
  log "starting dockerd"
  setsid dockerd >/tmp/flotilla-dockerd.log 2>&1 </dev/null &
  for _ in $(seq 1 100); do engine_up && break; sleep 0.2; done
  engine_up || { log "dockerd did not start; see /tmp/flotilla-dockerd.log"; exit 1; }
fi

step="removing containers and networks an earlier run left"
# Containers and networks that an interrupted run left behind (Ryuk is off on these machines).
# Each is labelled with the process that made it and kept while that process lives, so that a
# second build or run on the same engine keeps its own.
orphaned() { [ -z "$1" ] || [ ! -d "/proc/$1" ]; }
docker ps -a --filter label=io.flotilla.chaos --format '{{.ID}} {{.Label "io.flotilla.chaos"}}' |
  while read -r id owner; do
    if orphaned "$owner"; then docker rm -f "$id" >/dev/null; fi
  done
docker network ls --filter label=io.flotilla.chaos \
  --format '{{.ID}} {{.Label "io.flotilla.chaos"}}' |
  while read -r id owner; do
    if orphaned "$owner"; then docker network rm "$id" >/dev/null; fi
  done

step="listing the packages of the base image"
java_home=$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")
jre_pkg=$(dpkg -S "$java_home/bin/java" | cut -d: -f1)
# The runtime, the tools the nemeses use, and everything they depend on, as installed here.
roots="$jre_pkg iptables iproute2 dash coreutils procps"
faketime_so=""
if [ "$(dpkg-query -W -f='${Status}' libfaketime 2>/dev/null || true)" = "install ok installed" ]; then
  roots="$roots libfaketime"
  faketime_so=$(dpkg -L libfaketime | grep '/libfaketime\.so\.1$')
fi
# An image made from these packages is kept; one made from others (an older script) is not.
made_from=$(docker image inspect -f '{{ index .Config.Labels "io.flotilla.base.roots" }}' \
  "$BASE_IMAGE" 2>/dev/null || true)
if [ "$made_from" = "$roots" ] && [ "${FLOTILLA_REBUILD_BASE:-0}" != 1 ]; then
  exit 0
fi
pkgs=$(apt-cache depends --recurse --no-recommends --no-suggests --no-conflicts --no-breaks \
         --no-replaces --no-enhances $roots 2>/dev/null | grep -E '^[a-z0-9]' | sort -u)
installed=$(for p in $pkgs; do dpkg-query -W -f='${Status} ${Package}:${Architecture}\n' "$p" 2>/dev/null || true; done \
  | awk '$3 == "installed" {print $4}' | sort -u)

step="listing the files of the base image"
list=$(mktemp)
links=$(mktemp -d)
tarball=$(mktemp --suffix .tar)
trap 'rm -rf "$list" "$links" "$tarball"' EXIT
# Merged-/usr Debian lists files under /bin and /lib that live under /usr; store each once.
for p in $installed; do dpkg -L "$p"; done \
  | sed -E 's#^/(bin|sbin|lib|lib32|lib64|libx32)/#/usr/\1/#' \
  | grep -vE '^/usr/share/(doc|man|info|locale|lintian)/' \
  | sort -u | while read -r f; do if [ -f "$f" ] || [ -L "$f" ]; then echo "${f#/}"; fi; done > "$list"
# Links no package owns: the alternatives behind java and iptables, and /bin/sh.
for f in /etc/alternatives/* /usr/bin/java /usr/sbin/iptables /usr/sbin/ip6tables; do
  if [ -e "$f" ] || [ -L "$f" ]; then echo "${f#/}" >> "$list"; fi
done
mkdir -p "$links/tmp" "$links/etc" "$links/proc" "$links/sys" "$links/dev" "$links/opt/flotilla" "$links/var/lib/flotilla"
chmod 1777 "$links/tmp"
for d in bin sbin lib lib64; do ln -s "usr/$d" "$links/$d"; done
# One path for the agents' LD_PRELOAD, whatever the architecture's library directory.
if [ -n "$faketime_so" ]; then ln -s "$faketime_so" "$links/opt/flotilla/libfaketime.so.1"; fi
echo "root:x:0:0:root:/root:/bin/sh" > "$links/etc/passwd"
echo "root:x:0:" > "$links/etc/group"

grep -vxE "(bin|sbin|lib|lib32|lib64|libx32)" "$list" | sort -u -o "$list"
step="importing $BASE_IMAGE"
log "importing $BASE_IMAGE from $(wc -l < "$list") files of $(echo "$installed" | wc -w) packages"
tar -C "$links" -cf "$tarball" bin sbin lib lib64 tmp etc proc sys dev opt var
tar -C / --no-recursion -rf "$tarball" -T "$list"
docker import --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin' \
  --change "LABEL io.flotilla.base.roots=\"$roots\"" "$tarball" "$BASE_IMAGE" >/dev/null
step="checking that $BASE_IMAGE runs java"
version=$(docker run --rm "$BASE_IMAGE" java -version 2>&1)
log "$BASE_IMAGE runs ${version%%$'\n'*}"
