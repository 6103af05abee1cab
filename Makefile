# tsm: small Unix tools for market data in PostgreSQL and TimescaleDB.
#
# Targets: all check install clean bench lint demo deps unit.
# Every binary is one cmd/tsm-*.c linked with lib/libtsm.a; new files in
# cmd/, lib/ and tests/unit/ are picked up without editing this file.

VERSION		= 0.1.0
PREFIX		?= /usr/local
BINDIR		?= $(PREFIX)/bin
MANDIR		?= $(PREFIX)/share/man
SQLDIR		?= $(PREFIX)/share/tsm/sql

CC		?= cc
PG_CPPFLAGS	:= -I$(shell pg_config --includedir 2>/dev/null || echo /usr/include/postgresql)
CFLAGS		?= -O2 -g
WARN		= -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes \
		  -Wmissing-prototypes -Wformat=2 -Wno-format-nonliteral
ALL_CFLAGS	= -std=c11 -D_GNU_SOURCE $(WARN) $(CFLAGS) $(PG_CPPFLAGS) -Ilib \
		  -DTSM_VERSION='"$(VERSION)"' -DTSM_SQLDIR='"$(SQLDIR)"'
LDLIBS		= -lpq -lcsv -ljansson -lz -lm -pthread

CMD_SRC		:= $(wildcard cmd/tsm-*.c)
BINS		:= $(CMD_SRC:cmd/%.c=bin/%)
LIB_SRC		:= $(wildcard lib/*.c)
LIB_OBJ		:= $(LIB_SRC:lib/%.c=build/lib/%.o) build/sqldata.o
SQL_SRC		:= $(sort $(wildcard sql/*.sql))
UNIT_SRC	:= $(wildcard tests/unit/*.c)
UNIT_OBJ	:= $(UNIT_SRC:tests/unit/%.c=build/unit/%.o)
MANS		:= $(wildcard man/*.1 man/*.7)

.PHONY: all check unit bats install uninstall clean bench lint demo demo-stop deps

all: $(BINS)

build/lib build/unit build/cmd bin:
	mkdir -p $@

build/lib/%.o: lib/%.c $(wildcard lib/*.h) | build/lib
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

# The SQL files are compiled into the library so that a binary never
# depends on where it was installed; make install also ships them for psql.
build/sqldata.c: $(SQL_SRC) scripts/embed-sql | build/lib
	scripts/embed-sql $(SQL_SRC) > $@

build/sqldata.o: build/sqldata.c
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

build/libtsm.a: $(LIB_OBJ)
	rm -f $@
	ar rcs $@ $^

bin/%: cmd/%.c build/libtsm.a $(wildcard lib/*.h) | bin
	$(CC) $(ALL_CFLAGS) -o $@ $< build/libtsm.a $(LDFLAGS) $(LDLIBS)

build/unit/%.o: tests/unit/%.c $(wildcard lib/*.h tests/unit/*.h) | build/unit
	$(CC) $(ALL_CFLAGS) -Itests/unit -c -o $@ $<

build/unit/run: $(UNIT_OBJ) build/libtsm.a
	$(CC) $(ALL_CFLAGS) -o $@ $(UNIT_OBJ) build/libtsm.a $(LDFLAGS) $(LDLIBS)

# The C unit tests need no server; the bats suites start a throwaway one.
unit: build/unit/run
	build/unit/run

# One suite or all, on a throwaway server: make bats [T=tests/x.bats]
bats: all
	TSM_ROOT=$(CURDIR) scripts/with-pg tests/run $(T)

# check installs what is missing (as root), then runs every test: the C
# unit tests, the man page lint and the bats suites on a throwaway server.
check: deps
	$(MAKE) all build/unit/run
	build/unit/run
	$(MAKE) lint-man
	TSM_ROOT=$(CURDIR) scripts/with-pg tests/run

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
	rm -f $(BINS:bin/%=$(DESTDIR)$(BINDIR)/%)
	rm -rf $(DESTDIR)$(SQLDIR)

clean:
	rm -rf bin build
