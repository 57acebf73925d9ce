# gazette: `make run` serves a demo site, `make test` runs every test.
# Meson + ninja do the building; this file only strings the steps together.

BUILD  ?= build
ASAN   ?= build-asan
SITE   ?= site
MESON  ?= meson

# Meson globs source files at configure time: reconfigure when the list of
# files changes, so adding a file never needs a manual step.
FILES = $(shell find src templates static tests/unit -type f | LC_ALL=C sort | cksum | cut -d' ' -f1)

.PHONY: all deps build asan run test unit e2e bench format format-check clean

all: build

deps:
	@sh scripts/deps

define configure
	@if [ ! -f $(1)/build.ninja ]; then \
		$(MESON) setup $(1) $(2); \
	elif [ "$$(cat $(1)/.files 2>/dev/null)" != "$(FILES)" ]; then \
		$(MESON) setup --reconfigure $(1) $(2) >/dev/null; \
	fi
	@echo $(FILES) > $(1)/.files
endef

build:
	$(call configure,$(BUILD),)
	ninja -C $(BUILD)

asan:
	$(call configure,$(ASAN),-Dbuildtype=debug -Db_sanitize=address,undefined)
	ninja -C $(ASAN)

run: deps build
	@if [ ! -f $(SITE)/gazette.db ]; then \
		echo "creating a demo site in ./$(SITE)"; \
		$(BUILD)/gazette demo --site $(SITE); \
	fi
	$(BUILD)/gazette serve --site $(SITE)

unit: build asan
	$(MESON) test -C $(BUILD) --print-errorlogs
	UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
		$(MESON) test -C $(ASAN) --print-errorlogs

# The end-to-end suite runs once, against the sanitizer build of the server.
e2e: asan
	GAZETTE_BIN=$(CURDIR)/$(ASAN)/gazette \
	UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
		node --test --test-concurrency=2 tests/e2e/

test: deps
	$(MAKE) unit
	$(MAKE) e2e
	$(MAKE) format-check

bench: deps build
	bench/run

format:
	clang-format -i $$(find src tests -name '*.[ch]')

format-check:
	@clang-format --dry-run --Werror $$(find src tests -name '*.[ch]') \
		&& echo "clang-format: ok"

clean:
	rm -rf $(BUILD) $(ASAN)
