#!/bin/sh
# The browser tests drive Debian's Chromium through playwright-core; playwright never downloads
# a browser of its own, so a fresh machine (CI) gets the distribution package here.
set -eu
if [ -x /usr/bin/chromium ]; then
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "ensure-chromium: /usr/bin/chromium is missing; install it with: sudo apt-get install -y chromium" >&2
  exit 1
fi
apt-get update
DEBIAN_FRONTEND=noninteractive apt-get install -y chromium
