# gazette: `make run` serves a demo site, `make test` runs every test.
# Meson + ninja do the building; this file only strings the steps together.

BUILD  ?= build
ASAN   ?= build-asan
FUZZ   ?= build-fuzz
# In a variable: a comma written inside $(call ...) would split the argument
# (it did: the sanitizer build had lost UBSan).
SANITIZE = -Db_sanitize=address,undefined
SITE   ?= site
MESON  ?= meson

# Meson globs source files at configure time: reconfigure when the list of
# files changes, so adding a file never needs a manual step; and when the
# options change (meson 1.0's `setup --reconfigure` ignores changed b_
# options, `configure` applies them).
FILES = $(shell find src templates static tests/unit tests/fuzz -type f | LC_ALL=C sort | cksum | cut -d' ' -f1)

.PHONY: all deps build asan fuzz-build fuzz fuzz-smoke run test unit e2e e2e-pg bench \
	format format-check map-check clean install

all: build

deps:
	@sh scripts/deps

define configure
	@if [ ! -f $(1)/build.ninja ]; then \
		$(MESON) setup $(1) $(2); \
	elif [ "$$(cat $(1)/.files 2>/dev/null)" != "$(FILES) $(2)" ]; then \
		if [ -n "$(2)" ]; then $(MESON) configure $(1) $(2); fi; \
		$(MESON) setup --reconfigure $(1) >/dev/null; \
	fi
	@echo "$(FILES) $(2)" > $(1)/.files
endef

build:
	$(call configure,$(BUILD),)
	ninja -C $(BUILD)

asan:
	$(call configure,$(ASAN),-Dbuildtype=debug $(SANITIZE))
	ninja -C $(ASAN)

# The libFuzzer drivers of tests/fuzz, built by clang with ASan and UBSan.
FUZZ_SECONDS ?= 600
FUZZERS ?= $(basename $(notdir $(wildcard tests/fuzz/fuzz_*.c)))

fuzz-build: export CC = clang
fuzz-build:
	$(call configure,$(FUZZ),-Dfuzz=true $(SANITIZE) -Db_lundef=false)
	ninja -C $(FUZZ)

# Each driver for FUZZ_SECONDS, one after the other (FUZZERS=fuzz_wxr for
# one); a crash stops nothing, the failures are listed at the end.
fuzz: deps fuzz-build
	@failed=""; for f in $(FUZZERS); do \
		echo "== $$f: $(FUZZ_SECONDS) s"; \
		sh tests/fuzz/run $(FUZZ)/tests/fuzz/$$f $(FUZZ_SECONDS) \
			|| failed="$$failed $$f"; \
	done; \
	if [ -n "$$failed" ]; then echo "fuzz: failed:$$failed" >&2; exit 1; fi

# A few seconds of each driver, so one that no longer builds or runs fails.
fuzz-smoke: fuzz-build
	$(MESON) test -C $(FUZZ) --suite fuzz --print-errorlogs

run: deps build
	@if [ ! -f $(SITE)/gazette.db ]; then \
		echo "creating a demo site in ./$(SITE)"; \
		$(BUILD)/gazette demo --site $(SITE); \
	fi
	$(BUILD)/gazette serve --site $(SITE)

# Unit test programs run at once: a fifth of them wait on a PostgreSQL
# cluster's start (tests/pg/cluster run), so two a time left the CPUs
# idle (plain 79 s -> 50 s, sanitizers about half as long, with four).
UNIT_JOBS ?= 4

unit: build asan
	$(MESON) test -C $(BUILD) --print-errorlogs --num-processes $(UNIT_JOBS)
	UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
		$(MESON) test -C $(ASAN) --print-errorlogs --num-processes $(UNIT_JOBS)

# Test files run at once by the end-to-end suites: their processes wait
# on servers, browsers and PostgreSQL about half the time (one file at a
# time per CPU left the two CPUs half idle).
E2E_JOBS ?= 4

# The end-to-end suite runs once, against the sanitizer build of the server.
# Its sqlite3 loads the plain build's gazette_stem (decision 088): an ASan
# build of it cannot be loaded into a sqlite3 built without.
e2e: build asan
	GAZETTE_BIN=$(CURDIR)/$(ASAN)/gazette \
	GAZETTE_SQLITE_EXT=$(CURDIR)/$(BUILD)/src/gazette_stem \
	UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
		node --test --test-concurrency=$(E2E_JOBS) tests/e2e/

test: deps
	$(MAKE) unit
	$(MAKE) e2e
	$(MAKE) e2e-pg
	$(MAKE) fuzz-smoke
	$(MAKE) format-check
	$(MAKE) map-check

# End-to-end files again with every site newSite() makes on PostgreSQL
# (GAZETTE_E2E_DB=pg: a throw-away cluster per file, a database per site,
# given to every command and server on its folder as --db; issue 18): the
# files that do not read SQLite's file themselves or do it through
# siteSql (lib/gazette.mjs: the site's own engine), covering the reader's
# site, comments and
# moderation, the admin (its files, feeds and sessions' expiry), uploads,
# search, views, the river, Watch (files, thumbnails), hostile input,
# the theme and an import.
E2E_PG ?= admin-flows admin-moderate community moderation river \
	search-language headers http views watch import-theme framing \
	admin-files admin-feeds admin-expiry media-upload watch-file \
	watch-thumbs hostile theme audio-seek cli-rules limits site \
	proxies lockout comments search protected pages admin-users \
	admin-site browser cli-usage install media podcast
E2E_PG += timezone addresses i18n layout books
E2E_PG += admin-accounts admin-roles admin-stats admin-posts
E2E_PG += caching notify admin-thumbs import-media
E2E_PG += feeds export import import-journal
E2E_PG += ops hardening durability database backup cli
e2e-pg: build asan
	GAZETTE_E2E_DB=pg GAZETTE_BIN=$(CURDIR)/$(ASAN)/gazette \
	GAZETTE_SQLITE_EXT=$(CURDIR)/$(BUILD)/src/gazette_stem \
	UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
		node --test --test-concurrency=$(E2E_JOBS) \
		$(patsubst %,tests/e2e/%.test.mjs,$(E2E_PG))

bench: deps build
	bench/run

format:
	clang-format -i $$(find src tests -name '*.[ch]')

# docs/ARCHITECTURE.md's map against src/: rows, layers, circles, lengths.
map-check:
	@python3 scripts/check-map

format-check:
	@clang-format --dry-run --Werror $$(find src tests -name '*.[ch]') \
		&& echo "clang-format: ok"

# `make install` puts what `make build` made in place: the binary, the man
# page, the systemd unit (its ExecStart naming BINDIR), bash completion,
# the licence, and the search tokenizer as a SQLite extension (LIBDIR) for
# sqlite3 beside gazette (decision 090).  PREFIX (default /usr/local) and DESTDIR (a staging root for
# packagers) as usual; BUILD names the build to take the binary from.
PREFIX ?= /usr/local
BINDIR ?= $(PREFIX)/bin
MANDIR ?= $(PREFIX)/share/man
UNITDIR ?= $(PREFIX)/lib/systemd/system
COMPDIR ?= $(PREFIX)/share/bash-completion/completions
DOCDIR ?= $(PREFIX)/share/doc/gazette
LIBDIR ?= $(PREFIX)/lib/gazette

install:
	@test -x $(BUILD)/gazette || { echo "install: no $(BUILD)/gazette; run make build first" >&2; exit 1; }
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(UNITDIR) \
		$(DESTDIR)$(COMPDIR) $(DESTDIR)$(DOCDIR) $(DESTDIR)$(LIBDIR)
	install -m 0755 $(BUILD)/gazette $(DESTDIR)$(BINDIR)/gazette
	install -m 0644 $(BUILD)/src/gazette_stem.so $(DESTDIR)$(LIBDIR)/gazette_stem.so
	install -m 0644 man/gazette.1 $(DESTDIR)$(MANDIR)/man1/gazette.1
	sed 's|@BINDIR@|$(BINDIR)|g' dist/gazette.service.in > $(DESTDIR)$(UNITDIR)/gazette.service
	chmod 0644 $(DESTDIR)$(UNITDIR)/gazette.service
	install -m 0644 dist/gazette.bash-completion $(DESTDIR)$(COMPDIR)/gazette
	install -m 0644 LICENSE README.md $(DESTDIR)$(DOCDIR)/

clean:
	rm -rf $(BUILD) $(ASAN) $(FUZZ)
