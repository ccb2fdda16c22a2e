#!/bin/sh
# Installs the Debian packages the test suite needs when they are missing:
# docker-compose (validates the compose file offline), rabbitmq-server and
# postgresql (the tests start them when nothing listens on their ports),
# chromium and chromium-driver (the browser tests drive a headless Chromium;
# Playwright uses this one and never downloads its own), fonts-dejavu-core (the
# font billing embeds in its invoices' PDF/A). With package names as arguments, only
# those (`make fonts`).
set -eu

missing=""
if [ "$#" -gt 0 ]; then
    missing=" $*"  # only the packages named (make fonts)
else
    command -v docker-compose >/dev/null 2>&1 || missing="$missing docker-compose"
    command -v rabbitmq-server >/dev/null 2>&1 || missing="$missing rabbitmq-server"
    command -v pg_ctlcluster >/dev/null 2>&1 || missing="$missing postgresql"
    [ -x /usr/bin/chromium ] || missing="$missing chromium"
    command -v chromedriver >/dev/null 2>&1 || missing="$missing chromium-driver"
    [ -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || missing="$missing fonts-dejavu-core"
fi

[ -z "$missing" ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
    echo "missing Debian packages:$missing (install them, or the tests that need them are skipped)" >&2
    exit 0
fi
echo "installing Debian packages:$missing"
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing
