#!/usr/bin/env bash
# Installs the Debian packages Settle needs, only those that are missing.
#   scripts/deps.sh base    build and run (make run, make start)
#   scripts/deps.sh test    + what the tests need (make test)
#   scripts/deps.sh fuzz    + clang and libFuzzer
#   scripts/deps.sh bench   + wrk; and, if Debian has them, PHP-FPM (the
#                           benchmark's PHP peer) and perf (its profiles)
#   scripts/deps.sh deb     + debhelper and lintian (make deb)
#   scripts/deps.sh deb-boot + debootstrap and systemd-nspawn (make deb-boot-test)
#   scripts/deps.sh scale   + wrk and pgbouncer (make scale-test)
set -euo pipefail

# libqrencode, libpng, libxml2 and liboath: payment QR codes, bank statements
# (camt.053) and staff TOTP. libsystemd: sd_notify readiness under systemd.
base=(gcc make pkg-config libfcgi-dev libpq-dev libsodium-dev libcmocka-dev
      libcjson-dev libqrencode-dev libpng-dev libxml2-dev liboath-dev
      libsystemd-dev postgresql nginx curl ca-certificates util-linux procps
      tzdata)
# chromium, nodejs and npm: the accessibility tests (tests/a11y/, driven by
# playwright-core; it never downloads a browser of its own). zbar-tools: the
# QR tests decode what we draw with zbarimg; oathtool computes the TOTP codes
# the sign-in tests type (independently of our totp.c). gettext (msgfmt, msgmerge) and
# python3: the catalog test and make po. systemd: its systemd-analyze checks
# the unit files offline (test_systemd.sh).
test=(chromium nodejs npm zbar-tools oathtool gettext python3 systemd)
# The benchmark's optional extras: bench/run.sh skips the PHP peer or the
# profiles when they are missing, so a failed install is not an error.
bench_optional=(php-fpm php-pgsql linux-perf)
case "${1:-base}" in
	base)	want=("${base[@]}") ;;
	test)	want=("${base[@]}" "${test[@]}") ;;
	fuzz)	want=("${base[@]}" clang libclang-rt-14-dev) ;;
	bench)	want=("${base[@]}" wrk) ;;
	deb)	want=("${base[@]}" debhelper lintian fakeroot) ;;
	deb-boot) want=("${base[@]}" debootstrap systemd-container openssl) ;;
	scale)	want=("${base[@]}" wrk pgbouncer) ;;
	*)	echo "usage: $0 base|test|fuzz|bench|deb|deb-boot|scale" >&2; exit 2 ;;
esac

optional=()
[ "${1:-base}" != bench ] || optional=("${bench_optional[@]}")

# installed PACKAGE: dpkg knows it as installed.
installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'ok installed'; }

missing=()
for p in "${want[@]}"; do
	# Any nginx build will do (nginx, nginx-light, nginx-full...).
	if [ "$p" = nginx ] && command -v nginx >/dev/null 2>&1; then
		continue
	fi
	# Any node and npm will do (Debian's, or a nodejs package that has npm).
	if [ "$p" = nodejs ] && command -v node >/dev/null 2>&1; then
		continue
	fi
	if [ "$p" = npm ] && command -v npm >/dev/null 2>&1; then
		continue
	fi
	if ! installed "$p"; then
		missing+=("$p")
	fi
done
extra=()
for p in "${optional[@]}"; do
	installed "$p" || extra+=("$p")
done
[ ${#missing[@]} -eq 0 ] && [ ${#extra[@]} -eq 0 ] && exit 0

echo "Installing missing packages: $(echo "${missing[*]} ${extra[*]}")"
sudo=()
if [ "$(id -u)" -ne 0 ]; then
	command -v sudo >/dev/null 2>&1 || {
		echo "Please install as root: apt-get install ${missing[*]}" >&2; exit 1; }
	sudo=(sudo)
fi
export DEBIAN_FRONTEND=noninteractive
# Package scripts must not start the system's own postgres and nginx services:
# we run our own, under var/. policy-rc.d is restored afterwards.
policy=/usr/sbin/policy-rc.d
had_policy=0
[ -e "$policy" ] && had_policy=1
if [ $had_policy -eq 0 ] && [ "$(id -u)" -eq 0 ]; then
	printf '#!/bin/sh\nexit 101\n' > "$policy" && chmod 755 "$policy"
	trap 'rm -f "$policy"' EXIT
fi
"${sudo[@]}" apt-get update -qq
if [ ${#missing[@]} -gt 0 ]; then
	"${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
	echo "Installed: ${missing[*]}"
fi
for p in "${extra[@]}"; do
	if "${sudo[@]}" apt-get install -y -qq --no-install-recommends "$p" >/dev/null 2>&1; then
		echo "Installed: $p"
	else
		echo "Not installed (optional, skipped): $p"
	fi
done
