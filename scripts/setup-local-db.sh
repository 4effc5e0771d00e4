#!/bin/sh
# Creates Settle's database on this machine's PostgreSQL cluster, once, as
# root (installed as /usr/share/settle/setup-local-db by the package):
# - roles settle (owner, used by portal-admin) and settle_web (the portal and
#   the notifier), database settle owned by settle;
# - peer authentication on the unix socket for the system user settle as
#   either role (a pg_ident.conf map "settle" and one pg_hba.conf line);
# - the migrations, as settle.
# A database on another host: see README.md "Production" instead.
set -eu
[ "$(id -u)" -eq 0 ] || { echo "setup-local-db: run me as root" >&2; exit 1; }
conf=${1:-/etc/settle/settle.conf}
ver=$(ls /etc/postgresql 2>/dev/null | sort -V | tail -n 1)
[ -n "$ver" ] || { echo "setup-local-db: no local PostgreSQL cluster (apt-get install postgresql)" >&2; exit 1; }
etc=/etc/postgresql/$ver/main
pg() { runuser -u postgres -- psql -X -q -At -v ON_ERROR_STOP=1 -d postgres "$@"; }

pg -c "SELECT 1" > /dev/null
[ "$(pg -c "SELECT count(*) FROM pg_roles WHERE rolname = 'settle'")" = 1 ] ||
	pg -c "CREATE ROLE settle LOGIN"
[ "$(pg -c "SELECT count(*) FROM pg_roles WHERE rolname = 'settle_web'")" = 1 ] ||
	pg -c "CREATE ROLE settle_web LOGIN"
[ "$(pg -c "SELECT count(*) FROM pg_database WHERE datname = 'settle'")" = 1 ] ||
	pg -c "CREATE DATABASE settle OWNER settle ENCODING 'UTF8' TEMPLATE template0"
if ! grep -q '^settle[[:space:]]' "$etc/pg_ident.conf"; then
	printf 'settle settle settle\nsettle settle settle_web\n' >> "$etc/pg_ident.conf"
fi
if ! grep -q 'map=settle' "$etc/pg_hba.conf"; then
	# before the first "local" line: the first matching line wins
	awk '!done && /^local/ { print "local settle settle,settle_web peer map=settle"; done = 1 } { print }' \
		"$etc/pg_hba.conf" > "$etc/pg_hba.conf.new"
	cat "$etc/pg_hba.conf.new" > "$etc/pg_hba.conf"
	rm -f "$etc/pg_hba.conf.new"
fi
pg -c "SELECT pg_reload_conf()" > /dev/null
runuser -u settle -- portal-admin -c "$conf" migrate
echo "The database is ready: systemctl start settle-portal settle-notify settle-remind.timer"
