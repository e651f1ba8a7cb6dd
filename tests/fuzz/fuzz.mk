# libFuzzer harnesses (tests/fuzz/), included by the Makefile.
#
#   make fuzz FUZZ_SECONDS=60   run each harness that long (default 60 s),
#                               then the regression inputs; fail on any
#                               crash, leak, timeout or sanitizer report
#   make fuzz-smoke             the regression inputs, then 20 s per harness (CI)
#
# Needs clang with libFuzzer (Debian: clang, libclang-rt-dev).  Objects and
# binaries go to build-fuzz/; each run copies the committed seed corpus
# (tests/fuzz/corpus/NAME/, plus scenes/*.scene for the scene harnesses)
# into build-fuzz/work/NAME/, so what the fuzzer learns never lands in the
# source tree.  Inputs that once crashed live in tests/fuzz/regress/NAME/.

FUZZ_CC       ?= clang
FUZZ_BUILD    := build-fuzz
FUZZ_SECONDS  ?= 60
FUZZ_SMOKE_SECONDS ?= 20
FUZZ_NAMES    := scene args sim
FUZZ_SAN      := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
FUZZ_CFLAGS   := -std=c11 -D_POSIX_C_SOURCE=200809L $(WARN) -O1 -g $(FUZZ_SAN) \
                 -DGV_VERSION='"$(VERSION)"' -DGV_PKGDATADIR='"$(PKGDATADIR)"' -pthread -MMD -MP
# libFuzzer's own flags: -timeout (a hang), -rss_limit_mb (memory), and at
# most one job at a time (the machine may be shared).
FUZZ_FLAGS    ?= -timeout=10 -rss_limit_mb=2048 -print_final_stats=1
FUZZ_LIB_OBJ  := $(LIB_SRC:%.c=$(FUZZ_BUILD)/%.o)
FUZZ_BIN      := $(FUZZ_NAMES:%=$(FUZZ_BUILD)/fuzz_%)

.PHONY: fuzz fuzz-smoke fuzz-build fuzz-regress clean-fuzz

fuzz-build: $(FUZZ_BIN)

$(FUZZ_BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -c -o $@ $<

$(FUZZ_BUILD)/fuzz_%: tests/fuzz/fuzz_%.c tests/fuzz/fuzz_common.h $(FUZZ_LIB_OBJ)
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer -Isrc -o $@ $< $(FUZZ_LIB_OBJ) -pthread -lm

# Every committed crash input, once, through its harness.
fuzz-regress: $(FUZZ_BIN)
	@set -e; for n in $(FUZZ_NAMES); do \
	    files=$$(find tests/fuzz/regress/$$n -type f 2>/dev/null | sort); \
	    [ -n "$$files" ] || continue; \
	    echo "fuzz regress $$n: $$(echo "$$files" | wc -l) inputs"; \
	    $(FUZZ_BUILD)/fuzz_$$n -runs=1 $$files >$(FUZZ_BUILD)/regress-$$n.log 2>&1 || \
	        { cat $(FUZZ_BUILD)/regress-$$n.log; echo "fuzz regress $$n: FAILED"; exit 1; }; \
	done

# Each harness for $(FUZZ_SECONDS) seconds on a scratch copy of its corpus.
fuzz: $(FUZZ_BIN) fuzz-regress
	@FUZZ_BUILD=$(FUZZ_BUILD) FUZZ_SECONDS=$(FUZZ_SECONDS) FUZZ_FLAGS="$(FUZZ_FLAGS)" \
	    sh tests/fuzz/run.sh $(FUZZ_NAMES)

fuzz-smoke:
	@$(MAKE) --no-print-directory fuzz FUZZ_SECONDS=$(FUZZ_SMOKE_SECONDS)

clean-fuzz:
	rm -rf $(FUZZ_BUILD)
clean: clean-fuzz

-include $(shell find $(FUZZ_BUILD) -name '*.d' 2>/dev/null)
