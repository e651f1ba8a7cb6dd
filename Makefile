# gilviz — build, test, benchmark, install.
#
#   make            build ./gilviz
#   make test       build and run every test (alias: make check)
#   make bench      build optimised and print the benchmark table
#   make asan       tests under AddressSanitizer + UBSan (separate build dir)
#   make tsan       the threaded tests under ThreadSanitizer
#   make golden     regenerate the player's golden frames (on purpose only)
#   make pictures   regenerate the README's picture, assets/convoy.svg (on purpose only)
#   make fuzz       libFuzzer harnesses (clang), FUZZ_SECONDS=60 each, then the
#                   crash inputs in tests/fuzz/regress/; fails on any finding
#   make fuzz-smoke the same for CI: the regression inputs, 20 s per harness
#   make install    PREFIX=/usr/local DESTDIR= ; make uninstall
#
#   make deps       install missing Debian/Ubuntu packages (apt-get, sudo if needed)
#   make demo       build and run the default demo scene
#
# CFLAGS/LDFLAGS/CPPFLAGS from the environment are respected.  Warnings are
# errors unless WERROR=0.  BUILD selects the object directory.

VERSION   := 0.1.0
PREFIX    ?= /usr/local
BINDIR    ?= $(PREFIX)/bin
DATADIR   ?= $(PREFIX)/share
MANDIR    ?= $(DATADIR)/man
PKGDATADIR = $(DATADIR)/gilviz

CC        ?= cc
PKG_CONFIG ?= pkg-config
BUILD     ?= build
CFLAGS    ?= -O2 -g
# Link-time optimisation lets the engine inline the timeline's append (about
# 20% more events per second).  GCC only: clang's LTO needs its own linker
# plugin, which a plain Debian install may lack.
LTO       ?= $(if $(shell $(CC) --version 2>/dev/null | grep -q 'Free Software' && echo gcc),-flto=auto,)
WARN      := -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes -Wvla
WERROR    ?= 1
ifeq ($(WERROR),1)
WARN      += -Werror
endif

CURSES_CFLAGS := $(shell $(PKG_CONFIG) --cflags ncursesw 2>/dev/null)
CURSES_LIBS   := $(shell $(PKG_CONFIG) --libs ncursesw 2>/dev/null || echo -lncursesw)
CMOCKA_CFLAGS := $(shell $(PKG_CONFIG) --cflags cmocka 2>/dev/null)
CMOCKA_LIBS   := $(shell $(PKG_CONFIG) --libs cmocka 2>/dev/null || echo -lcmocka)

ALL_CFLAGS = -std=c11 -D_POSIX_C_SOURCE=200809L $(WARN) $(CPPFLAGS) $(CFLAGS) $(LTO) \
             -DGV_VERSION='"$(VERSION)"' -DGV_PKGDATADIR='"$(PKGDATADIR)"' -pthread -MMD -MP
ALL_LDLIBS = $(LDFLAGS) -pthread -lm

# Layers: scene -> sim -> timeline -> ui/out.  Only src/ui may use curses.
LIB_SRC  := $(wildcard src/*.c src/scene/*.c src/sim/*.c src/timeline/*.c src/out/*.c)
LIB_SRC  := $(filter-out src/main.c,$(LIB_SRC))
UI_SRC   := $(wildcard src/ui/*.c)
LIB_OBJ  := $(LIB_SRC:%.c=$(BUILD)/%.o)
UI_OBJ   := $(UI_SRC:%.c=$(BUILD)/%.o)
MAIN_OBJ := $(BUILD)/src/main.o

TEST_SRC := $(wildcard tests/test_*.c)
TEST_BIN := $(TEST_SRC:tests/%.c=$(BUILD)/tests/%)
BENCH_SRC := $(wildcard tests/bench_*.c)
BENCH_BIN := $(BENCH_SRC:tests/%.c=$(BUILD)/tests/%)

.PHONY: all test check bench asan tsan golden pictures install uninstall clean deps demo
all: gilviz

gilviz: $(BUILD)/gilviz
	cp $< $@

$(BUILD)/gilviz: $(MAIN_OBJ) $(LIB_OBJ) $(UI_OBJ)
	$(CC) $(ALL_CFLAGS) -o $@ $(MAIN_OBJ) $(UI_OBJ) $(LIB_OBJ) $(CURSES_LIBS) $(ALL_LDLIBS)

$(BUILD)/src/ui/%.o: src/ui/%.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(CURSES_CFLAGS) -c -o $@ $<

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(BUILD)/tests/%: tests/%.c $(LIB_OBJ)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(CMOCKA_CFLAGS) -Isrc -o $@ $< $(LIB_OBJ) $(CMOCKA_LIBS) $(ALL_LDLIBS)

# The player's tests and benchmark link the UI too (and so curses).
$(BUILD)/tests/test_ui%: tests/test_ui%.c $(LIB_OBJ) $(UI_OBJ)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(CMOCKA_CFLAGS) -Isrc -o $@ $< $(UI_OBJ) $(LIB_OBJ) $(CMOCKA_LIBS) $(CURSES_LIBS) $(ALL_LDLIBS)

$(BUILD)/tests/test_cast%: tests/test_cast%.c $(LIB_OBJ) $(UI_OBJ)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(CMOCKA_CFLAGS) -Isrc -o $@ $< $(UI_OBJ) $(LIB_OBJ) $(CMOCKA_LIBS) $(CURSES_LIBS) $(ALL_LDLIBS)

$(BUILD)/tests/bench_ui: tests/bench_ui.c $(LIB_OBJ) $(UI_OBJ)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -Isrc -o $@ $< $(UI_OBJ) $(LIB_OBJ) $(CURSES_LIBS) $(ALL_LDLIBS)

deps:
	@sh .ci/deps

demo: gilviz
	./gilviz convoy

test check: $(BUILD)/gilviz $(TEST_BIN)
	@GILVIZ=$(BUILD)/gilviz BUILD=$(BUILD) sh tests/run.sh $(TEST_BIN)

bench:
	@$(MAKE) --no-print-directory BUILD=build-bench CFLAGS="-O2 -g -DNDEBUG" build-bench/gilviz $(BENCH_SRC:tests/%.c=build-bench/tests/%)
	@for b in $(BENCH_SRC:tests/%.c=build-bench/tests/%); do $$b || exit 1; done

asan:
	$(MAKE) --no-print-directory BUILD=build-asan LTO= CFLAGS="-O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all" LDFLAGS="-fsanitize=address,undefined" test

# ThreadSanitizer over the writer/reader hand-off of the timeline, the
# engine running on its own pthread (test_engine's last test) and the player
# drawing frames from the published prefix while the engine runs
# (test_ui_threads).
tsan:
	$(MAKE) --no-print-directory BUILD=build-tsan LTO= CFLAGS="-O1 -g -fsanitize=thread" LDFLAGS="-fsanitize=thread" build-tsan/tests/test_threads build-tsan/tests/test_engine build-tsan/tests/test_ui_threads
	TSAN_OPTIONS=halt_on_error=1 build-tsan/tests/test_threads
	TSAN_OPTIONS=halt_on_error=1 build-tsan/tests/test_engine
	TSAN_OPTIONS=halt_on_error=1 build-tsan/tests/test_ui_threads

# Regenerate the golden frames (tests/golden/*.txt) on purpose, after a
# change that is meant to change what the player shows.  Inspect the diff
# before committing; CI never runs this.
golden: $(BUILD)/gilviz
	GILVIZ=$(BUILD)/gilviz GOLDEN_REGEN=1 sh tests/cli_player_frames.sh

# Regenerate the README's picture of the player (assets/convoy.svg) on
# purpose, like the golden frames; tests/cli_record_frame.sh checks that the
# committed picture is what the player draws.
PICTURE_CMD = frame --at 10.1659ms --size 80x24 --select net --lang en --format svg convoy
pictures: $(BUILD)/gilviz
	GILVIZ_SCENES= $(BUILD)/gilviz $(PICTURE_CMD) -o assets/convoy.svg

# The binary also finds its scenes relative to itself (bin/../share/gilviz),
# so installing under another PREFIX than the one it was built for works.
install: $(BUILD)/gilviz
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(PKGDATADIR)/scenes $(DESTDIR)$(MANDIR)/man1
	install -m 755 $(BUILD)/gilviz $(DESTDIR)$(BINDIR)/gilviz
	install -m 644 scenes/*.scene $(DESTDIR)$(PKGDATADIR)/scenes/
	install -m 644 assets/gilviz.1 $(DESTDIR)$(MANDIR)/man1/gilviz.1

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/gilviz $(DESTDIR)$(MANDIR)/man1/gilviz.1
	rm -f $(addprefix $(DESTDIR)$(PKGDATADIR)/scenes/,$(notdir $(wildcard scenes/*.scene)))
	-rmdir $(DESTDIR)$(PKGDATADIR)/scenes $(DESTDIR)$(PKGDATADIR) 2>/dev/null

clean:
	rm -rf build build-bench build-asan build-tsan gilviz

include tests/fuzz/fuzz.mk

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
