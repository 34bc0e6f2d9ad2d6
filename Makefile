# SPDX-License-Identifier: ISC
# ipcutils. Adding a tool is adding its name to TOOLS.
TOOLS = mkfifo-x shmput shmcat mqsend mqrecv sigsend sigrecv sockpipe semwait sempost duplex ipcls

# The one place the version is set: --version, man page footers, make dist.
VERSION = 0.1.0
PREFIX ?= /usr/local
# make uninstall takes the PREFIX the last make install recorded, so it
# need not be repeated (a PREFIX given on the command line still wins).
ifneq (,$(filter uninstall,$(MAKECMDGOALS)))
ifeq ($(origin PREFIX),file)
PREFIX := $(or $(shell cat $(or $(O),build)/.install-prefix 2>/dev/null),$(PREFIX))
endif
endif
BINDIR ?= $(PREFIX)/bin
MANDIR ?= $(PREFIX)/share/man
COMPDIR ?= $(PREFIX)/share/bash-completion/completions
ZSHCOMPDIR ?= $(PREFIX)/share/zsh/vendor-completions
FISHCOMPDIR ?= $(PREFIX)/share/fish/vendor_completions.d
# bats_load_library finds $(BATSLIBDIR)/bats-ipcutils/load.bash.
BATSLIBDIR ?= $(PREFIX)/lib/bats
# make dist writes the release tarball here.
DISTDIR ?= .
# Where the build goes: make O=build/asan ... keeps variants apart.
O ?= build

CFLAGS ?= -O2 -g
WARNFLAGS = -Wall -Wextra -Wshadow -Wformat=2 -Wmissing-prototypes -Wstrict-prototypes
ALL_CFLAGS = -std=c11 $(WARNFLAGS) $(CFLAGS)
# -Werror changes no output, so it is not in $(O)/.flags: a make install
# after make WERROR=1 (the suite's install tests, while other tests run
# the same binaries) must not rebuild them.
ifdef WERROR
ERRFLAGS = -Werror
endif
ALL_CPPFLAGS = -D_GNU_SOURCE -Ilib -DVERSION='"$(VERSION)"' $(CPPFLAGS)
# librt only where the libc still needs it (glibc before 2.34): --as-needed
# drops it otherwise, and every library loaded costs start-up time.
LDLIBS ?= -Wl,--as-needed -lrt
# musl builds are static: one file, and it starts faster.
ifneq (,$(findstring musl,$(CC)))
LDFLAGS += -static
endif

LIBOBJ = $(patsubst lib/%.c,$(O)/lib/%.o,$(wildcard lib/*.c))
BINS = $(TOOLS:%=$(O)/%)
HELPERS = $(patsubst %.c,$(O)/%,$(wildcard tests/*.c bench/*.c))
MANS = $(TOOLS:%=man/%.1) man/ipcutils.7 man/bats-ipcutils.7

BATSLIB = $(O)/bats/bats-ipcutils/load.bash

all: $(BINS) $(HELPERS) $(MANS:man/%=$(O)/man/%) $(BATSLIB)

# Rebuild everything when the compiler or its flags change.
$(O)/.flags: FORCE
	@mkdir -p $(O)/lib $(O)/tests $(O)/bench
	@echo '$(CC) $(ALL_CFLAGS) $(ALL_CPPFLAGS) $(LDFLAGS) $(LDLIBS)' | cmp -s - $@ \
	  || echo '$(CC) $(ALL_CFLAGS) $(ALL_CPPFLAGS) $(LDFLAGS) $(LDLIBS)' > $@

$(O)/lib/%.o: lib/%.c $(O)/.flags
	$(CC) $(ALL_CPPFLAGS) $(ALL_CFLAGS) $(ERRFLAGS) -MMD -MP -c -o $@ $<

$(O)/libipcutils.a: $(LIBOBJ)
	rm -f $@
	$(AR) rcs $@ $^

# One program from one source file, linked with the library: the tools
# (cmd/), and the test and bench helpers (tests/*.c, bench/*.c).
LINK = $(CC) $(ALL_CPPFLAGS) $(ALL_CFLAGS) $(ERRFLAGS) -MMD -MP $(LDFLAGS) -o $@ $< $(O)/libipcutils.a $(LDLIBS)
$(O)/%: cmd/%.c $(O)/libipcutils.a $(O)/.flags
	$(LINK)
$(O)/tests/%: tests/%.c $(O)/libipcutils.a $(O)/.flags
	$(LINK)
$(O)/bench/%: bench/%.c $(O)/libipcutils.a $(O)/.flags
	$(LINK)

# Man pages as installed: the footer names this version.
$(O)/man/%: man/% Makefile
	@mkdir -p $(O)/man
	sed 's/^\.Os .*/.Os ipcutils $(VERSION)/' $< > $@

# The BATS library laid out as installed, so BATS_LIB_PATH=$(O)/bats finds
# it in a build tree too.
$(BATSLIB): bats/ipcutils/load.bash
	@mkdir -p $(@D)
	cp $< $@

-include $(LIBOBJ:.o=.d) $(BINS:=.d) $(HELPERS:=.d)

# make check STAGE='bats-asan fuzz': those stages only (see README).
check:
	@TOOLS='$(TOOLS)' STAGE='$(STAGE)' bash tests/check.sh

# make test T=tests/mqrecv.bats: one test file (or several) against this
# build (ASan: make check STAGE=bats-asan).
T ?= tests
test: all
	IPCUTILS_BIN=$(O) bats $(T)

# Each libFuzzer harness in tests/fuzz/ for FUZZ_SECONDS (make check: a few).
FUZZ_SECONDS ?= 300
fuzz:
	@bash tests/fuzz/run $(FUZZ_SECONDS)

demo: all
	@bash demo/run $(O)

# The close-and-status matrix in full: every cell at every size, 300 MiB
# the largest (make check runs the subset tests/closematrix.sh picks,
# 1 MiB+1 the largest).
stress: all
	IPCUTILS_BIN=$(O) MATRIX_FULL=1 BATS_TEST_TIMEOUT=3600 bats tests/closematrix.bats

bench: all
	@QUICK=$(QUICK) CASE='$(CASE)' bash bench/run $(O)

bench-deps:
	apt-get install -y socat netcat-openbsd hyperfine vde2 parallel iperf3 ncat ucspi-tcp

install: all
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/man7 $(DESTDIR)$(COMPDIR) \
	  $(DESTDIR)$(ZSHCOMPDIR) $(DESTDIR)$(FISHCOMPDIR) $(DESTDIR)$(BATSLIBDIR)/bats-ipcutils
	install -m 755 $(BINS) $(DESTDIR)$(BINDIR)/
	install -m 644 $(TOOLS:%=$(O)/man/%.1) $(DESTDIR)$(MANDIR)/man1/
	install -m 644 $(O)/man/ipcutils.7 $(O)/man/bats-ipcutils.7 $(DESTDIR)$(MANDIR)/man7/
	for t in $(TOOLS); do install -m 644 completions/$$t $(DESTDIR)$(COMPDIR)/$$t || exit; done
	install -m 644 completions/zsh/_* $(DESTDIR)$(ZSHCOMPDIR)/
	install -m 644 completions/fish/*.fish $(DESTDIR)$(FISHCOMPDIR)/
	install -m 644 $(BATSLIB) $(DESTDIR)$(BATSLIBDIR)/bats-ipcutils/
	# What uninstall will remove from: a staged install (DESTDIR) is not one.
	[ -n '$(DESTDIR)' ] || echo '$(PREFIX)' > $(O)/.install-prefix

uninstall:
	rm -f $(TOOLS:%=$(DESTDIR)$(BINDIR)/%) $(TOOLS:%=$(DESTDIR)$(MANDIR)/man1/%.1) \
	  $(DESTDIR)$(MANDIR)/man7/ipcutils.7 $(DESTDIR)$(MANDIR)/man7/bats-ipcutils.7 \
	  $(TOOLS:%=$(DESTDIR)$(COMPDIR)/%) $(TOOLS:%=$(DESTDIR)$(ZSHCOMPDIR)/_%) \
	  $(DESTDIR)$(ZSHCOMPDIR)/_ipcutils_objects $(TOOLS:%=$(DESTDIR)$(FISHCOMPDIR)/%.fish) \
	  $(DESTDIR)$(BATSLIBDIR)/bats-ipcutils/load.bash
	-rmdir $(DESTDIR)$(BATSLIBDIR)/bats-ipcutils 2>/dev/null

# The release tarball: what git has at HEAD, under ipcutils-VERSION/.
dist:
	git archive --format=tar.gz -9 --prefix=ipcutils-$(VERSION)/ \
	  -o $(DISTDIR)/ipcutils-$(VERSION).tar.gz HEAD

# make O=build/asan clean cleans that variant only.
clean:
	rm -rf $(O)

.PHONY: all check test stress fuzz demo bench bench-deps install uninstall dist clean FORCE
.SUFFIXES:
