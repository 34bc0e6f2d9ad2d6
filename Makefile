# ipcutils. Adding a tool is adding its name to TOOLS.
TOOLS = mkfifo-x shmput shmcat mqsend mqrecv sigsend sigrecv sockpipe

VERSION = 0.1.0
PREFIX ?= /usr/local
BINDIR ?= $(PREFIX)/bin
MANDIR ?= $(PREFIX)/share/man
COMPDIR ?= $(PREFIX)/share/bash-completion/completions
# Where the build goes: make O=build/asan ... keeps variants apart.
O ?= build

CFLAGS ?= -O2 -g
WARNFLAGS = -Wall -Wextra -Wshadow -Wformat=2 -Wmissing-prototypes -Wstrict-prototypes
ifdef WERROR
WARNFLAGS += -Werror
endif
ALL_CFLAGS = -std=c11 $(WARNFLAGS) $(CFLAGS)
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

all: $(BINS) $(HELPERS)

# Rebuild everything when the compiler or its flags change.
$(O)/.flags: FORCE
	@mkdir -p $(O)/lib $(O)/tests $(O)/bench
	@echo '$(CC) $(ALL_CFLAGS) $(ALL_CPPFLAGS) $(LDFLAGS) $(LDLIBS)' | cmp -s - $@ \
	  || echo '$(CC) $(ALL_CFLAGS) $(ALL_CPPFLAGS) $(LDFLAGS) $(LDLIBS)' > $@

$(O)/lib/%.o: lib/%.c $(O)/.flags
	$(CC) $(ALL_CPPFLAGS) $(ALL_CFLAGS) -MMD -MP -c -o $@ $<

$(O)/libipcutils.a: $(LIBOBJ)
	rm -f $@
	$(AR) rcs $@ $^

$(O)/%: cmd/%.c $(O)/libipcutils.a $(O)/.flags
	$(CC) $(ALL_CPPFLAGS) $(ALL_CFLAGS) -MMD -MP $(LDFLAGS) -o $@ $< $(O)/libipcutils.a $(LDLIBS)

# Test and bench helpers (tests/*.c, bench/*.c) are built with the tools.
$(O)/tests/%: tests/%.c $(O)/libipcutils.a $(O)/.flags
	$(CC) $(ALL_CPPFLAGS) $(ALL_CFLAGS) -MMD -MP $(LDFLAGS) -o $@ $< $(O)/libipcutils.a $(LDLIBS)

$(O)/bench/%: bench/%.c $(O)/libipcutils.a $(O)/.flags
	$(CC) $(ALL_CPPFLAGS) $(ALL_CFLAGS) -MMD -MP $(LDFLAGS) -o $@ $< $(O)/libipcutils.a $(LDLIBS)

-include $(LIBOBJ:.o=.d) $(BINS:=.d) $(HELPERS:=.d)

check:
	@TOOLS='$(TOOLS)' bash tests/check.sh

demo: all
	@bash demo/run $(O)

bench: all
	@QUICK=$(QUICK) bash bench/run $(O)

bench-deps:
	apt-get install -y socat netcat-openbsd hyperfine iperf3 ncat ucspi-tcp

install: all
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/man7 $(DESTDIR)$(COMPDIR)
	install -m 755 $(BINS) $(DESTDIR)$(BINDIR)/
	install -m 644 $(TOOLS:%=man/%.1) $(DESTDIR)$(MANDIR)/man1/
	install -m 644 man/ipcutils.7 $(DESTDIR)$(MANDIR)/man7/
	for t in $(TOOLS); do install -m 644 completions/$$t $(DESTDIR)$(COMPDIR)/$$t || exit; done

uninstall:
	rm -f $(TOOLS:%=$(DESTDIR)$(BINDIR)/%) $(TOOLS:%=$(DESTDIR)$(MANDIR)/man1/%.1) \
	  $(DESTDIR)$(MANDIR)/man7/ipcutils.7 $(TOOLS:%=$(DESTDIR)$(COMPDIR)/%)

clean:
	rm -rf build

.PHONY: all check demo bench bench-deps install uninstall clean FORCE
.SUFFIXES:
