#!/bin/sh
# System packages the test suite needs besides Python: a Java runtime (the HermiT reasoner,
# run by owlready2), Chromium with its driver (page tests), Virtuoso open source 7 (a remote
# store engine the remote-store tests start on loopback ports), wrk and curl (the load
# generators of bench/deref.py, bench/http.py and bench/remote.py), nginx (the load
# balancer of the many-nodes test), and fonts for Persian and Chinese (the pages name them
# in lamcoop.css; the page tests fail on a missing glyph). Installed with apt-get, quietly
# and only when one is missing; without root or apt-get it says what is missing and goes on
# (the tests that need a command skip).
set -u
# command the tests run : Debian package that provides it
NEEDS="java:default-jre-headless chromium:chromium chromedriver:chromium-driver wrk:wrk curl:curl nginx:nginx virtuoso-t:virtuoso-opensource"
# font family (as fontconfig names it) : Debian package that provides it
FONTS="Noto_Sans_Arabic:fonts-noto-core Noto_Sans_CJK_SC:fonts-noto-cjk"

missing=""
for need in $NEEDS; do
    command -v "${need%%:*}" >/dev/null 2>&1 || missing="$missing ${need#*:}"
done
for font in $FONTS; do
    family=$(echo "${font%%:*}" | tr _ ' ')
    fc-list ":family=$family" 2>/dev/null | grep -q . || missing="$missing ${font#*:}"
done
[ -z "$missing" ] && exit 0

if ! command -v apt-get >/dev/null 2>&1; then
    echo "system-deps: apt-get is not available; install yourself:$missing" >&2
    exit 0
fi
if [ "$(id -u)" != 0 ]; then
    echo "system-deps: not root; install with: sudo apt-get install$missing" >&2
    exit 0
fi
echo "system-deps: installing$missing" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null &&
    apt-get install -y -qq --no-install-recommends $missing >/dev/null ||
    echo "system-deps: could not install$missing; the tests that need them will skip" >&2
exit 0
