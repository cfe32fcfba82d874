#!/usr/bin/env bash
# Install what the test suite needs from Debian's packages: the PostgreSQL and MariaDB server
# binaries it starts (tests/support/servers.py) and Chromium for the report's browser tests.
# Idempotent and quiet: does nothing when all are installed. The tests run their own
# throw-away servers on free ports, so the packages' system services are not started here.
set -euo pipefail

have() { command -v "$1" >/dev/null 2>&1 || compgen -G "$2" >/dev/null; }
if have pg_ctl '/usr/lib/postgresql/*/bin/pg_ctl' && have mariadbd '/usr/sbin/mariadbd' \
    && have chromium '/usr/bin/chromium'; then
    exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

# Keep apt from starting the system services (no policy-rc.d of our own is left behind).
own_policy=0
if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' | $SUDO tee /usr/sbin/policy-rc.d >/dev/null
    $SUDO chmod +x /usr/sbin/policy-rc.d
    own_policy=1
fi
cleanup() { if [ "$own_policy" = 1 ]; then $SUDO rm -f /usr/sbin/policy-rc.d; fi; }
trap cleanup EXIT

export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends postgresql mariadb-server chromium >/dev/null
