# tsm: small Unix tools for market data in PostgreSQL and TimescaleDB.
#
# Targets: all check install clean bench lint demo deps unit bats, and the
# long checks: check-sanitize check-valgrind fuzz (see below).
# Every binary is one cmd/tsm-*.c linked with lib/libtsm.a; new files in
# cmd/, lib/, tests/unit/ and tests/fuzz/fuzz_*.c are picked up without
# editing this file.
#
# B chooses the build directory, so that differently built copies live
# side by side: objects go to $(B)/, binaries to bin/ for the default
# B=build and to $(B)/bin otherwise.  make B=build-clang CC=clang all
# leaves build/ and bin/ alone.

VERSION		= 0.1.0
PREFIX		?= /usr/local
BINDIR		?= $(PREFIX)/bin
MANDIR		?= $(PREFIX)/share/man
SQLDIR		?= $(PREFIX)/share/tsm/sql

B		?= build
BIN		?= $(if $(filter build,$(B)),bin,$(B)/bin)

CC		?= cc
PG_CPPFLAGS	:= -I$(shell pg_config --includedir 2>/dev/null || echo /usr/include/postgresql)
CFLAGS		?= -O2 -g
WARN		= -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes \
		  -Wmissing-prototypes -Wformat=2 -Wno-format-nonliteral
ALL_CFLAGS	= -std=c11 -D_GNU_SOURCE $(WARN) $(CFLAGS) $(PG_CPPFLAGS) -Ilib \
		  -DTSM_VERSION='"$(VERSION)"' -DTSM_SQLDIR='"$(SQLDIR)"'
LDLIBS		= -lpq -lcsv -ljansson -lz -lm -pthread

CMD_SRC		:= $(wildcard cmd/tsm-*.c)
BINS		:= $(CMD_SRC:cmd/%.c=$(BIN)/%)
LIB_SRC		:= $(wildcard lib/*.c)
LIB_HDR		:= $(wildcard lib/*.h)
LIB_OBJ		:= $(LIB_SRC:lib/%.c=$(B)/lib/%.o) $(B)/sqldata.o
SQL_SRC		:= $(sort $(wildcard sql/*.sql))
UNIT_SRC	:= $(wildcard tests/unit/*.c)
UNIT_OBJ	:= $(UNIT_SRC:tests/unit/%.c=$(B)/unit/%.o)
MANS		:= $(wildcard man/*.1 man/*.7)

.PHONY: all check unit bats install uninstall clean bench lint lint-man \
	demo demo-stop deps check-sanitize check-valgrind fuzz fuzz-build \
	check-fuzz

all: $(BINS)

$(B)/lib $(B)/unit $(B)/fuzz $(BIN):
	mkdir -p $@

$(B)/lib/%.o: lib/%.c $(LIB_HDR) | $(B)/lib
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

# The SQL files are compiled into the library so that a binary never
# depends on where it was installed; make install also ships them for psql.
$(B)/sqldata.c: $(SQL_SRC) scripts/embed-sql | $(B)/lib
	scripts/embed-sql $(SQL_SRC) > $@

$(B)/sqldata.o: $(B)/sqldata.c
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(B)/libtsm.a: $(LIB_OBJ)
	rm -f $@
	ar rcs $@ $^

$(BIN)/%: cmd/%.c $(B)/libtsm.a $(LIB_HDR) | $(BIN)
	$(CC) $(ALL_CFLAGS) -o $@ $< $(B)/libtsm.a $(LDFLAGS) $(LDLIBS)

$(B)/unit/%.o: tests/unit/%.c $(LIB_HDR) $(wildcard tests/unit/*.h) | $(B)/unit
	$(CC) $(ALL_CFLAGS) -Itests/unit -c -o $@ $<

$(B)/unit/run: $(UNIT_OBJ) $(B)/libtsm.a
	$(CC) $(ALL_CFLAGS) -o $@ $(UNIT_OBJ) $(B)/libtsm.a $(LDFLAGS) $(LDLIBS)

# The C unit tests need no server; the bats suites start a throwaway one.
unit: $(B)/unit/run
	$(B)/unit/run

# One suite or all, on a throwaway server: make bats [T=tests/x.bats].
# The suites run the binaries of $(BIN) (TSM_BIN).
bats: all
	TSM_ROOT=$(CURDIR) TSM_BIN=$(CURDIR)/$(BIN) scripts/with-pg tests/run $(T)

# check installs what is missing (as root), then runs every test: the C
# unit tests, the man page lint, the fuzz targets briefly (their seeds and
# regression inputs, then a few seconds each) and the bats suites on a
# throwaway server.
check: deps
	$(MAKE) all $(B)/unit/run
	$(B)/unit/run
	$(MAKE) lint-man
	$(MAKE) check-fuzz
	TSM_ROOT=$(CURDIR) TSM_BIN=$(CURDIR)/$(BIN) scripts/with-pg tests/run

# --- Sanitizers --------------------------------------------------------
# make check-sanitize builds everything (binaries, unit tests) in
# build-asan with AddressSanitizer and UndefinedBehaviorSanitizer and runs
# the whole suite with those binaries: unit tests, then the bats suites on
# both backends.  Any report fails the run: every error halts the program
# (halt_on_error, -fno-sanitize-recover=all), leaks are errors, and the
# reports are written to build-asan/sanitizer/ as well, which must stay
# empty (a test that expects a failing exit status would not notice one).
SAN_CC		?= clang
SAN_FLAGS	= -O1 -g -fsanitize=address,undefined \
		  -fno-omit-frame-pointer -fno-sanitize-recover=all
SAN_B		= build-asan
SAN_LOG		= $(CURDIR)/$(SAN_B)/sanitizer
ASAN_OPTS	= halt_on_error=1:detect_leaks=1:print_stacktrace=1:exitcode=86:$\
		  strict_string_checks=1:detect_stack_use_after_return=1:$\
		  check_initialization_order=1
UBSAN_OPTS	= halt_on_error=1:print_stacktrace=1:exitcode=87

check-sanitize:
	$(MAKE) B=$(SAN_B) CC=$(SAN_CC) CFLAGS="$(SAN_FLAGS)" \
	    LDFLAGS="-fsanitize=address,undefined" all $(SAN_B)/unit/run
	ASAN_OPTIONS=$(ASAN_OPTS) UBSAN_OPTIONS=$(UBSAN_OPTS) $(SAN_B)/unit/run
	rm -rf $(SAN_LOG) && mkdir -p $(SAN_LOG)
	st=0; ASAN_OPTIONS=$(ASAN_OPTS):log_path=$(SAN_LOG)/asan \
	    UBSAN_OPTIONS=$(UBSAN_OPTS):log_path=$(SAN_LOG)/ubsan \
	    TSM_ROOT=$(CURDIR) TSM_BIN=$(CURDIR)/$(SAN_B)/bin \
	    scripts/with-pg tests/run $(T) || st=1; \
	scripts/check-reports sanitizer $(SAN_LOG) && exit $$st

# --- valgrind ----------------------------------------------------------
# make check-valgrind runs the bats suites (T= chooses some) with every
# tsm-* binary run under valgrind memcheck (tests/helpers.bash puts
# wrappers first on PATH when TSM_VALGRIND=1): an error, or a block
# definitely lost, fails the run.  The native backend only by default,
# to keep it practical (valgrind makes every run of a tool about 20 times
# slower, and the C code paths that differ by backend are few): give
# TSM_TEST_BACKENDS="native timescaledb" for both, T=tests/x.bats for one
# suite.
VG_LOG		= $(CURDIR)/$(B)/valgrind
check-valgrind: all
	rm -rf $(VG_LOG) && mkdir -p $(VG_LOG)
	st=0; TSM_VALGRIND=1 TSM_VALGRIND_LOG=$(VG_LOG) \
	    TSM_TEST_BACKENDS="$${TSM_TEST_BACKENDS:-native}" \
	    TSM_ROOT=$(CURDIR) TSM_BIN=$(CURDIR)/$(BIN) \
	    scripts/with-pg tests/run $(T) || st=1; \
	scripts/check-reports valgrind $(VG_LOG) && exit $$st

# --- Fuzzing -----------------------------------------------------------
# Each tests/fuzz/fuzz_<target>.c is a libFuzzer target (clang), built in
# build-fuzz with ASan and UBSan against its own libtsm.a, with the CSV
# reader's and the input's buffers made small so that short inputs reach
# their boundary code.  make fuzz [FUZZ_SECONDS=N] [FUZZ=target] runs
# each target N seconds from its seeds (tests/fuzz/seeds/<target>/, the
# regression inputs tests/fuzz/regress/<target>/ and a corpus made from
# ../shared/data when present) and prints the executions per target;
# crashes land in build-fuzz/fuzz/crashes/<target>/.  check-fuzz (part of
# make check) replays the seeds and regression inputs, then fuzzes each
# target FUZZ_CHECK_SECONDS (0 by default: make check must give the same
# answer on every run; exploring is make fuzz's job, and what it finds
# becomes a regression input).  tests/fuzz/README says how to add a target.
FUZZ_CC		?= clang
FUZZ_B		= build-fuzz
FUZZ_FLAGS	= -O1 -g -fsanitize=fuzzer-no-link,address,undefined \
		  -fno-omit-frame-pointer -fno-sanitize-recover=all \
		  -DTSM_CSVIN_CHUNK=61 -DTSM_INPUT_BUFSZ=37
FUZZ_SECONDS	?= 60
FUZZ_CHECK_SECONDS ?= 0
FUZZ_SRC	:= $(wildcard tests/fuzz/fuzz_*.c)
FUZZ_HELPERS	:= $(filter-out $(FUZZ_SRC),$(wildcard tests/fuzz/*.c))
FUZZ_BINS	:= $(FUZZ_SRC:tests/fuzz/%.c=$(B)/fuzz/%)

$(B)/fuzz/fuzz_%: tests/fuzz/fuzz_%.c $(FUZZ_HELPERS) \
    $(wildcard tests/fuzz/*.h) $(B)/libtsm.a $(LIB_HDR) | $(B)/fuzz
	$(CC) $(ALL_CFLAGS) -Itests/fuzz -fsanitize=fuzzer,address,undefined \
	    -o $@ $< $(FUZZ_HELPERS) $(B)/libtsm.a $(LDFLAGS) $(LDLIBS)

fuzz-build:
	$(MAKE) B=$(FUZZ_B) CC=$(FUZZ_CC) CFLAGS="$(FUZZ_FLAGS)" \
	    $(FUZZ_SRC:tests/fuzz/%.c=$(FUZZ_B)/fuzz/%)

fuzz: fuzz-build
	scripts/fuzz run $(FUZZ_B)/fuzz $(FUZZ_SECONDS) $(FUZZ)

check-fuzz: fuzz-build
	scripts/fuzz check $(FUZZ_B)/fuzz $(FUZZ_CHECK_SECONDS) $(FUZZ)

# -----------------------------------------------------------------------
lint: lint-man
	@command -v cppcheck >/dev/null && cppcheck --quiet --error-exitcode=1 \
	    --enable=warning,portability --inline-suppr -Ilib lib cmd || true

lint-man:
	@for m in $(MANS); do \
	    out=$$(mandoc -Tlint -W warning $$m 2>&1); \
	    if [ -n "$$out" ]; then echo "$$out"; exit 1; fi; \
	done

bench: all
	scripts/bench

demo: deps
	$(MAKE) all
	scripts/demo

demo-stop:
	scripts/pg stop $(CURDIR)/.demo

deps:
	scripts/install-deps

install: all
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 \
	    $(DESTDIR)$(MANDIR)/man7 $(DESTDIR)$(SQLDIR)
	install -m 0755 $(BINS) $(DESTDIR)$(BINDIR)
	install -m 0644 $(wildcard man/*.1) $(DESTDIR)$(MANDIR)/man1
	install -m 0644 $(wildcard man/*.7) $(DESTDIR)$(MANDIR)/man7
	install -m 0644 $(wildcard sql/*.sql) $(DESTDIR)$(SQLDIR)

uninstall:
	rm -f $(BINS:$(BIN)/%=$(DESTDIR)$(BINDIR)/%)
	rm -rf $(DESTDIR)$(SQLDIR)

clean:
	rm -rf bin build $(wildcard build-*)
