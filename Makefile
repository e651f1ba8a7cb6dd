# gilviz — build, test, benchmark, install.
#
#   make            build ./gilviz
#   make test       build and run every test (alias: make check)
#   make bench      build optimised and print the benchmark table
#   make bench-insn instructions per event of the benchmark scenes (callgrind)
#   make asan       tests under AddressSanitizer + UBSan (separate build dir)
#   make tsan       the threaded tests under ThreadSanitizer
#   make pot        refresh the translation template assets/po/gilviz.pot from
#                   the sources and merge it into assets/po/pt_BR.po
#   make soak       the player for SOAK_SECONDS (600) in tmux under ASan+UBSan: random keys and resizes
#   make valgrind   the headless commands on every built-in scene under valgrind memcheck
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
LOCALEDIR ?= $(DATADIR)/locale
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
             -DGV_VERSION='"$(VERSION)"' -DGV_PKGDATADIR='"$(PKGDATADIR)"' \
             -DGV_LOCALEDIR='"$(LOCALEDIR)"' -pthread -MMD -MP
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

# Translations (GNU gettext): the English messages are the msgids in the
# sources; xgettext collects them into the template, the Portuguese catalogue
# is compiled (msgfmt --check: formats, header) beside the binary, in
# $(BUILD)/locale and, for ./gilviz, in ./locale.
PO_DIR    := assets/po
POT       := $(PO_DIR)/gilviz.pot
PO_LANGS  := pt_BR
MO        := $(PO_LANGS:%=$(BUILD)/locale/%/LC_MESSAGES/gilviz.mo)
MO_HERE   := $(PO_LANGS:%=locale/%/LC_MESSAGES/gilviz.mo)
XGETTEXT_SRC = $(sort $(wildcard src/*.c src/*/*.c src/*/*.h))
# The scene parser's reporting functions take their message (a format or an
# English phrase) as a literal: sc_err(c, ln, col, FMT, ...), sc_err_raw(c,
# no, raw, rawlen, col, FMT, ...), sc_need(c, ln, k, WHAT), ... (see
# src/scene/parse.c).
SC_KEYWORDS := --keyword=sc_err:4 --keyword=sc_err_raw:6 --keyword=sc_need:4 \
             --keyword=sc_need_str:4 --keyword=sc_ref_step:5 --keyword=sc_xcount:4 \
             --keyword=sc_limit:6
XGETTEXT  := xgettext --language=C --from-code=UTF-8 --keyword=N_ --keyword=gv_tr:2 --keyword=gv_msg $(SC_KEYWORDS) \
             --add-comments=TRANSLATORS: --add-location=file --sort-output \
             --package-name=gilviz --package-version=$(VERSION) --msgid-bugs-address=gilviz --foreign-user

.PHONY: all test check bench bench-insn soak valgrind asan tsan golden pictures install uninstall clean deps demo pot pot-fresh
all: gilviz

gilviz: $(BUILD)/gilviz $(MO_HERE)
	cp $< $@

$(BUILD)/locale/%/LC_MESSAGES/gilviz.mo: $(PO_DIR)/%.po
	@mkdir -p $(dir $@)
	msgfmt --check -o $@ $<

locale/%/LC_MESSAGES/gilviz.mo: $(BUILD)/locale/%/LC_MESSAGES/gilviz.mo
	@mkdir -p $(dir $@)
	cp $< $@

# Refresh the template from the sources, then merge it into each catalogue
# (new messages arrive untranslated: tests/cli_i18n.sh fails until they are
# translated).  Location comments name files, not lines, so that editing
# code elsewhere in a file does not make the template stale.
pot:
	$(MAKE) --no-print-directory pot-fresh POT_OUT=$(POT)
	for l in $(PO_LANGS); do msgmerge --quiet --update --backup=none --no-fuzzy-matching \
	    --add-location=file --sort-output $(PO_DIR)/$$l.po $(POT) || exit 1; done

# The template as the sources make it now, into $(POT_OUT) (tests/cli_i18n.sh
# compares it with the committed one).
pot-fresh:
	$(XGETTEXT) -o $(POT_OUT) $(XGETTEXT_SRC)
	sed -i '1s/.*/# Messages of gilviz (the English msgids are in the sources)./' $(POT_OUT)

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

# test_lecture draws frames with the player's layout to check the captions fit.
$(BUILD)/tests/test_lecture: tests/test_lecture.c $(LIB_OBJ) $(UI_OBJ)
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

test check: $(BUILD)/gilviz $(MO) $(TEST_BIN)
	@GILVIZ=$(BUILD)/gilviz BUILD=$(BUILD) GILVIZ_LOCALEDIR=$(CURDIR)/$(BUILD)/locale sh tests/run.sh $(TEST_BIN)

bench:
	@$(MAKE) --no-print-directory BUILD=build-bench CFLAGS="-O2 -g -DNDEBUG" build-bench/gilviz $(BENCH_SRC:tests/%.c=build-bench/tests/%)
	@sh tests/bench.sh $(BENCH_SRC:tests/%.c=build-bench/tests/%)

# Instructions per event of the benchmark scenes, counted by callgrind in the
# same optimised build: a figure the machine's load does not move.
bench-insn:
	@$(MAKE) --no-print-directory BUILD=build-bench CFLAGS="-O2 -g -DNDEBUG" build-bench/tests/insn_scene
	@sh tests/insn.sh build-bench/tests/insn_scene

# The soak test (tests/soak.sh): the player under the ASan+UBSan build of
# `make asan`, played at the highest speed with --record for SOAK_SECONDS in
# tmux while random keys and resizes arrive; checks RSS growth after the
# warm-up, sanitizer logs, the terminal after q and the recording.  Not part
# of make test (CI runs a 20 s smoke).
SOAK_SECONDS ?= 600
soak:
	@$(ASAN_MAKE) build-asan/gilviz
	GILVIZ=build-asan/gilviz SOAK_SECONDS=$(SOAK_SECONDS) sh tests/soak.sh

# valgrind memcheck (tests/valgrind.sh) over the headless commands on every
# built-in scene, with a -O1 build without LTO of its own; any error, definite
# or indirect leak fails.
valgrind:
	@$(MAKE) --no-print-directory BUILD=build-valgrind LTO= CFLAGS="-O1 -g" build-valgrind/gilviz
	GILVIZ=build-valgrind/gilviz sh tests/valgrind.sh

ASAN_MAKE = $(MAKE) --no-print-directory BUILD=build-asan LTO= CFLAGS="-O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all" LDFLAGS="-fsanitize=address,undefined"
asan:
	$(ASAN_MAKE) test

# ThreadSanitizer over the writer/reader hand-off of the timeline and the
# prefaulter (test_threads), chunks allocated ahead (test_timeline), the
# engine running on its own pthread (test_engine's last test) and the player
# drawing frames from the published prefix while the engine runs
# (test_ui_threads).
tsan:
	$(MAKE) --no-print-directory BUILD=build-tsan LTO= CFLAGS="-O1 -g -fsanitize=thread" LDFLAGS="-fsanitize=thread" build-tsan/tests/test_threads build-tsan/tests/test_timeline build-tsan/tests/test_engine build-tsan/tests/test_ui_threads
	TSAN_OPTIONS=halt_on_error=1 build-tsan/tests/test_threads
	TSAN_OPTIONS=halt_on_error=1 build-tsan/tests/test_timeline
	TSAN_OPTIONS=halt_on_error=1 build-tsan/tests/test_engine
	TSAN_OPTIONS=halt_on_error=1 build-tsan/tests/test_ui_threads

# Regenerate the golden frames (tests/golden/*.txt) on purpose, after a
# change that is meant to change what the player shows.  Inspect the diff
# before committing; CI never runs this.
golden: $(BUILD)/gilviz $(MO)
	GILVIZ=$(BUILD)/gilviz GOLDEN_REGEN=1 sh tests/cli_player_frames.sh

# Regenerate the README's picture of the player (assets/convoy.svg) on
# purpose, like the golden frames; tests/cli_record_frame.sh checks that the
# committed picture is what the player draws.
PICTURE_CMD = frame --at 10.1659ms --size 80x24 --select net --lang en --format svg convoy
pictures: $(BUILD)/gilviz $(MO)
	GILVIZ_SCENES= $(BUILD)/gilviz $(PICTURE_CMD) -o assets/convoy.svg

# The binary also finds its scenes relative to itself (bin/../share/gilviz),
# so installing under another PREFIX than the one it was built for works.
# The catalogues too: bin/../share/locale is looked at before LOCALEDIR.
install: $(BUILD)/gilviz $(MO)
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(PKGDATADIR)/scenes $(DESTDIR)$(MANDIR)/man1
	install -m 755 $(BUILD)/gilviz $(DESTDIR)$(BINDIR)/gilviz
	install -m 644 scenes/*.scene scenes/lecture.list $(DESTDIR)$(PKGDATADIR)/scenes/
	install -m 644 assets/gilviz.1 $(DESTDIR)$(MANDIR)/man1/gilviz.1
	for l in $(PO_LANGS); do \
	    install -d $(DESTDIR)$(LOCALEDIR)/$$l/LC_MESSAGES && \
	    install -m 644 $(BUILD)/locale/$$l/LC_MESSAGES/gilviz.mo $(DESTDIR)$(LOCALEDIR)/$$l/LC_MESSAGES/gilviz.mo \
	    || exit 1; done

# Folders are removed only if they are empty (share/locale is shared).
uninstall:
	rm -f $(DESTDIR)$(BINDIR)/gilviz $(DESTDIR)$(MANDIR)/man1/gilviz.1
	rm -f $(addprefix $(DESTDIR)$(PKGDATADIR)/scenes/,$(notdir $(wildcard scenes/*.scene)) lecture.list)
	-rmdir $(DESTDIR)$(PKGDATADIR)/scenes $(DESTDIR)$(PKGDATADIR) 2>/dev/null
	for l in $(PO_LANGS); do rm -f $(DESTDIR)$(LOCALEDIR)/$$l/LC_MESSAGES/gilviz.mo; \
	    rmdir $(DESTDIR)$(LOCALEDIR)/$$l/LC_MESSAGES $(DESTDIR)$(LOCALEDIR)/$$l 2>/dev/null; done; \
	    rmdir $(DESTDIR)$(LOCALEDIR) 2>/dev/null; true

clean:
	rm -rf build build-bench build-asan build-tsan build-clang build-valgrind gilviz locale

include tests/fuzz/fuzz.mk

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
