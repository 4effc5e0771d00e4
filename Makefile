# Settle: build, run and test. See README.md for the commands.
.SUFFIXES:

PREFIX	?= /usr/local
DESTDIR	?=
CC	?= gcc
ifeq ($(origin CC),default)
CC	= gcc
endif

PKGS	 = fcgi libpq libsodium libqrencode libpng libxml-2.0 liboath libsystemd
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   := $(shell pkg-config --libs $(PKGS) 2>/dev/null)
TEST_CFLAGS := $(shell pkg-config --cflags cmocka libcjson 2>/dev/null)
TEST_LIBS   := $(shell pkg-config --libs cmocka libcjson 2>/dev/null)

WARN	 = -Wall -Wextra -Wstrict-prototypes -Wmissing-prototypes -Wshadow \
	   -Wpointer-arith -Wcast-qual -Wsign-compare -Wformat=2 -Werror
HARDEN	 = -O2 -D_FORTIFY_SOURCE=2 -fstack-protector-strong -fPIE
LDHARDEN = -pie -Wl,-z,relro,-z,now
BASEFLAGS = -std=c17 -D_GNU_SOURCE -g $(WARN) -Iportal $(PKG_CFLAGS)
ALL_CFLAGS = $(BASEFLAGS) $(HARDEN) $(CFLAGS)
ALL_LDFLAGS = $(LDHARDEN) $(LDFLAGS)
SAN	 = -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
SAN_CFLAGS = $(BASEFLAGS) -O1 $(SAN) $(CFLAGS)

PROGRAMS = portal/main.c portal/notify.c portal/admin.c portal/potool.c
LIB_SRC	 = $(filter-out $(PROGRAMS),$(sort $(wildcard portal/*.c portal/pages/*.c)))
HDRS	 = $(wildcard portal/*.h portal/pages/*.h)
LIB_OBJ	 = $(LIB_SRC:%.c=build/obj/%.o)
SAN_OBJ	 = $(LIB_SRC:%.c=build/asan/%.o)
TEST_SRC = $(sort $(wildcard tests/test_*.c))
TESTS	 = $(TEST_SRC:tests/%.c=build/tests/%)
SAN_TESTS = $(TEST_SRC:tests/%.c=build/asan/tests/%)
FUZZ_SRC = $(sort $(wildcard tests/fuzz_*.c))
FUZZERS	 = $(FUZZ_SRC:tests/%.c=build/fuzz/%)

BINS	 = build/portal build/portal-notify build/portal-admin build/settle-po
# The three programs under ASan+UBSan: the integration suite runs them.
SAN_BINS = build/asan/bin/portal build/asan/bin/portal-notify build/asan/bin/portal-admin

.PHONY: all deps run start stop restart test unit-test integration-test spec-test \
	asan valgrind fuzz stress bench bench-remind psql install deb deb-boot-test scale-test backup-test try-paths clean po po-check
all: $(BINS) build/mustache-spec build/outbox-fill

deps:
	@scripts/deps.sh base

build/obj/%.o: %.c $(HDRS)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -c $< -o $@

build/asan/%.o: %.c $(HDRS)
	@mkdir -p $(@D)
	$(CC) $(SAN_CFLAGS) -c $< -o $@

build/libsettle.a: $(LIB_OBJ)
	@mkdir -p $(@D)
	rm -f $@ && ar rcs $@ $(LIB_OBJ)

build/asan/libsettle.a: $(SAN_OBJ)
	@mkdir -p $(@D)
	rm -f $@ && ar rcs $@ $(SAN_OBJ)

build/portal: build/obj/portal/main.o build/libsettle.a
	$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $^ $(PKG_LIBS)
build/portal-notify: build/obj/portal/notify.o build/libsettle.a
	$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $^ $(PKG_LIBS)
build/portal-admin: build/obj/portal/admin.o build/libsettle.a
	$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $^ $(PKG_LIBS)
build/settle-po: build/obj/portal/potool.o build/libsettle.a
	$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $^ $(PKG_LIBS)
build/asan/bin/portal: build/asan/portal/main.o build/asan/libsettle.a
	@mkdir -p $(@D)
	$(CC) $(SAN_CFLAGS) -o $@ $^ $(PKG_LIBS)
build/asan/bin/portal-notify: build/asan/portal/notify.o build/asan/libsettle.a
	@mkdir -p $(@D)
	$(CC) $(SAN_CFLAGS) -o $@ $^ $(PKG_LIBS)
build/asan/bin/portal-admin: build/asan/portal/admin.o build/asan/libsettle.a
	@mkdir -p $(@D)
	$(CC) $(SAN_CFLAGS) -o $@ $^ $(PKG_LIBS)
# Queues sealed test messages (tests/outbox_fill.c): the delivery test, make stress.
build/outbox-fill: tests/outbox_fill.c build/libsettle.a
	$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $< build/libsettle.a $(PKG_LIBS)

# Unit tests: one cmocka program per module, built plain and under ASan+UBSan.
build/tests/%: tests/%.c build/libsettle.a
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(TEST_CFLAGS) $(ALL_LDFLAGS) -o $@ $< build/libsettle.a $(TEST_LIBS) $(PKG_LIBS)
build/asan/tests/%: tests/%.c build/asan/libsettle.a
	@mkdir -p $(@D)
	$(CC) $(SAN_CFLAGS) $(TEST_CFLAGS) -o $@ $< build/asan/libsettle.a $(TEST_LIBS) $(PKG_LIBS)

# The mustache conformance runner (reads the spec's JSON files).
build/mustache-spec: tests/mustache_spec.c build/libsettle.a
	$(CC) $(ALL_CFLAGS) $(TEST_CFLAGS) $(ALL_LDFLAGS) -o $@ $< build/libsettle.a $(TEST_LIBS) $(PKG_LIBS)
build/asan/mustache-spec: tests/mustache_spec.c build/asan/libsettle.a
	$(CC) $(SAN_CFLAGS) $(TEST_CFLAGS) -o $@ $< build/asan/libsettle.a $(TEST_LIBS) $(PKG_LIBS)

asan: $(SAN_TESTS) build/asan/mustache-spec $(SAN_BINS)

# Everything a test run needs, then every suite; the last line sums them.
test:
	@scripts/deps.sh test
	@$(MAKE) --no-print-directory all asan $(TESTS)
	@scripts/run-tests.sh

unit-test: all asan
	@scripts/run-tests.sh unit

integration-test: all asan
	@scripts/run-tests.sh integration

valgrind: $(TESTS)
	@scripts/run-tests.sh valgrind

# Fuzzing needs clang's libFuzzer. FUZZ_SECONDS is the whole run (10
# minutes), shared equally by the targets.
FUZZ_SECONDS ?= 600
# The library is compiled once for every target (fuzzer-no-link), so a
# dozen targets cost one build of it, not a dozen.
FUZZ_CFLAGS = -std=c17 -D_GNU_SOURCE -g -O1 -Iportal $(PKG_CFLAGS)
FUZZ_OBJ = $(LIB_SRC:%.c=build/fuzz/obj/%.o)
build/fuzz/obj/%.o: %.c $(HDRS)
	@mkdir -p $(@D)
	clang $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link,address,undefined -c $< -o $@
build/fuzz/libsettle.a: $(FUZZ_OBJ)
	rm -f $@ && ar rcs $@ $(FUZZ_OBJ)
build/fuzz/%: tests/%.c build/fuzz/libsettle.a
	@mkdir -p $(@D)
	clang $(FUZZ_CFLAGS) -fsanitize=fuzzer,address,undefined -o $@ $< \
		build/fuzz/libsettle.a $(PKG_LIBS)
fuzz:
	@scripts/deps.sh fuzz
	@$(MAKE) --no-print-directory -j2 $(FUZZERS)
	@scripts/fuzz.sh --total $(FUZZ_SECONDS) $(FUZZERS)

# Faults under load (scripts/stress.sh): notifiers and workers killed,
# PostgreSQL restarted; prints requests, errors, rows checked, lost, doubled.
stress: all
	@scripts/deps.sh bench
	@scripts/stress.sh

# Catalogs (docs/TRANSLATING.md): po re-extracts po/settle.pot from the
# templates and merges it into every po/*.po; po-check is the test's check.
po: build/settle-po
	build/settle-po extract templates > po/settle.pot.tmp && mv po/settle.pot.tmp po/settle.pot
	@for f in po/*.po; do msgmerge --quiet --update --backup=none --previous $$f po/settle.pot && \
		msgfmt --statistics -o /dev/null $$f 2>&1 | sed "s|^|$$f: |"; done
po-check: build/settle-po build/portal
	@bash tests/integration/test_catalogs.sh

# The benchmark (bench/README.md): make bench [BENCH_QUICK=1] [BENCH_TREE=DIR]
bench: all
	@scripts/deps.sh bench
	@bench/run.sh

# The reminder engine over 100,000 overdue invoices (bench/remind.sh).
bench-remind: all
	@bench/remind.sh $(BENCH_REMIND_INVOICES)

# The development stack listens on 127.0.0.1:$(PORT).
PORT	?= 8080
run: deps all
	@scripts/stack.sh run var --port $(PORT)

start: deps all
	@scripts/stack.sh start var --port $(PORT)

stop:
	@scripts/stack.sh stop var

restart: stop start

psql:
	@scripts/stack.sh psql var

install: $(BINS)
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/settle
	install -m 0755 $(BINS) $(DESTDIR)$(PREFIX)/bin/
	cp -R templates sql $(DESTDIR)$(PREFIX)/share/settle/
	if [ -d po ]; then cp -R po $(DESTDIR)$(PREFIX)/share/settle/; fi
	scripts/static-names.sh static $(DESTDIR)$(PREFIX)/share/settle/static
	scripts/nginx-conf.sh site EXEMPT= STATE=/var/lib/settle \
		SHARE=$(PREFIX)/share/settle ACCESS_LOG=/var/log/nginx/settle-access.log \
		ERROR_LOG=/var/log/nginx/settle-error.log \
		HSTS='add_header Strict-Transport-Security "max-age=63072000" always;' \
		> $(DESTDIR)$(PREFIX)/share/settle/nginx-site.conf
	install -m 0644 settle.conf.example $(DESTDIR)$(PREFIX)/share/settle/

# The Debian package (debian/): build/deb/settle_VERSION_ARCH.deb, then lintian.
deb:
	@scripts/deps.sh deb
	rm -rf build/deb debian/settle && mkdir -p build/deb
	debian/rules binary
	lintian --fail-on error build/deb/settle_*_$$(dpkg --print-architecture).deb

# make start and make stop in real clones: /root, a long path with spaces,
# a normal user's home (root; scripts/try-paths.sh; TRY_FULL=1 adds make test).
try-paths:
	@scripts/try-paths.sh

# pg_dump, restore into a new cluster, the same pages (scripts/backup-test.sh).
backup-test: all
	@scripts/backup-test.sh

# Two portal instances behind one upstream, one killed under load; PgBouncer;
# a streaming replica (scripts/scale-test.sh; about 2 minutes).
scale-test: all
	@scripts/deps.sh scale
	@scripts/scale-test.sh

# Installs the package in a Debian 12 system booted with systemd-nspawn and
# checks the units and nginx there (root; debootstrap once, then ~1 min).
deb-boot-test: deb
	@scripts/deps.sh deb-boot
	@scripts/deb-boot-test.sh build/deb/settle_$$(dpkg-parsechangelog -S Version)_$$(dpkg --print-architecture).deb

clean:
	rm -rf build debian/settle debian/.debhelper debian/files \
		debian/settle.substvars debian/debhelper-build-stamp
