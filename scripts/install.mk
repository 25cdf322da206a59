# SPDX-License-Identifier: GPL-2.0
#
# Installing, included by the top Makefile.
#
#   make install [DESTDIR=/stage] [PREFIX=/usr/local]
#       hvisor.ko (built before: `make`) under /lib/modules/<its kernel>/extra/,
#       then depmod (not with DESTDIR); the tool in $(PREFIX)/sbin, its man
#       page, its bash completion; the udev rule for /dev/hvisor (root 0600)
#       and the hvisorcon consoles.  The kernel release is the module's own
#       (its vermagic), so the module lands where the kernel it was built
#       for looks.
#   make install-module | install-tool    one half of it
#   make dkms-src [DESTDIR=...]   the module's sources as DKMS wants them,
#       under $(DESTDIR)/usr/src/hvisor-<version>/, dkms.conf filled in;
#       then: dkms add hvisor/<version> && dkms build hvisor/<version>
#   make static-tool [CROSS_COMPILE=aarch64-linux-gnu-] [CJSON_SRC=dir]
#       one statically linked hvisor, cJSON compiled in from Debian's cjson
#       source package (scripts/pkg/cjson-src.sh fetches it once)
#
# The version lives in VERSION only.

.PHONY: install install-module install-tool dkms-src static-tool

HVISOR_PKG_TOP := $(abspath $(dir $(lastword $(MAKEFILE_LIST)))..)
HVISOR_VERSION := $(shell cat $(HVISOR_PKG_TOP)/VERSION)

PREFIX ?= /usr/local
SBINDIR ?= $(PREFIX)/sbin
MANDIR ?= $(PREFIX)/share/man
BASHCOMPDIR ?= $(PREFIX)/share/bash-completion/completions
# udev reads /etc, /run and /usr/lib (or /lib), not $(PREFIX)
UDEVRULESDIR ?= /etc/udev/rules.d
MODDIR ?= /lib/modules
INSTALL ?= install
DEPMOD ?= depmod

HVISOR_KO := $(HVISOR_PKG_TOP)/hvisor.ko
HVISOR_TOOL := $(HVISOR_PKG_TOP)/userspace/hvisor

install: install-module install-tool

install-module:
	@test -f $(HVISOR_KO) || { echo "install: no hvisor.ko: run 'make' first" >&2; exit 1; }
	@krel=$$(modinfo -F vermagic $(HVISOR_KO) | cut -d' ' -f1); \
	test -n "$$krel" || { echo "install: hvisor.ko has no vermagic" >&2; exit 1; }; \
	echo "  INSTALL $(DESTDIR)$(MODDIR)/$$krel/extra/hvisor.ko"; \
	$(INSTALL) -D -m 0644 $(HVISOR_KO) $(DESTDIR)$(MODDIR)/$$krel/extra/hvisor.ko && \
	if [ -z "$(DESTDIR)" ]; then $(DEPMOD) -a $$krel; \
	else echo "  (DESTDIR set: run 'depmod -a $$krel' on the target)"; fi
	$(INSTALL) -D -m 0644 $(HVISOR_PKG_TOP)/scripts/pkg/60-hvisor.rules \
		$(DESTDIR)$(UDEVRULESDIR)/60-hvisor.rules

install-tool:
	@test -f $(HVISOR_TOOL) || { echo "install: no userspace/hvisor: run 'make' first" >&2; exit 1; }
	$(INSTALL) -D -m 0755 $(HVISOR_TOOL) $(DESTDIR)$(SBINDIR)/hvisor
	$(INSTALL) -d $(DESTDIR)$(MANDIR)/man8
	sed 's/^\(\.TH HVISOR 8 "[^"]*" "hvisor-kvirtio\)"/\1 $(HVISOR_VERSION)"/' \
		$(HVISOR_PKG_TOP)/userspace/hvisor.8 >$(DESTDIR)$(MANDIR)/man8/hvisor.8
	chmod 0644 $(DESTDIR)$(MANDIR)/man8/hvisor.8
	$(INSTALL) -D -m 0644 $(HVISOR_PKG_TOP)/userspace/hvisor.bash-completion \
		$(DESTDIR)$(BASHCOMPDIR)/hvisor

# What DKMS builds: the module's sources only (no tests/, no tool).
DKMS_SRC_DIR = $(DESTDIR)/usr/src/hvisor-$(HVISOR_VERSION)
DKMS_FILES := Kbuild VERSION LICENSE LICENSES include common kernel

dkms-src:
	rm -rf $(DKMS_SRC_DIR)
	$(INSTALL) -d $(DKMS_SRC_DIR)
	cd $(HVISOR_PKG_TOP) && rsync -a --exclude='*.o' --exclude='*.ko' \
		--exclude='*.mod*' --exclude='.*.cmd' --exclude='*.d' \
		$(DKMS_FILES) $(DKMS_SRC_DIR)/
	sed 's/@VERSION@/$(HVISOR_VERSION)/' $(HVISOR_PKG_TOP)/dkms.conf \
		>$(DKMS_SRC_DIR)/dkms.conf

# ---------------------------------------------------------------- static tool
# Debian's libcjson is shared only: cJSON.c comes from Debian's cjson source
# package, fetched once (without touching apt's configuration) into
# build/cjson-src by scripts/pkg/cjson-src.sh.
CJSON_SRC ?= $(firstword $(wildcard $(HVISOR_PKG_TOP)/build/cjson-src/cjson-*/cJSON.c))
STATIC_MACHINE = $(shell $(CROSS_COMPILE)gcc -dumpmachine 2>/dev/null | cut -d- -f1)
STATIC_OUT ?= $(HVISOR_PKG_TOP)/build/static-$(STATIC_MACHINE)/hvisor

static-tool:
	@test -n "$(CJSON_SRC)" && test -f "$(dir $(CJSON_SRC))cJSON.h" || { \
		echo "static-tool: no cJSON source: run scripts/pkg/cjson-src.sh" \
		     "(Debian's cjson source package), or give CJSON_SRC=.../cJSON.c" >&2; \
		exit 1; }
	$(MAKE) -C $(HVISOR_PKG_TOP)/userspace static \
		CJSON_C=$(CJSON_SRC) STATIC_OUT=$(STATIC_OUT) \
		$(if $(CROSS_COMPILE),CROSS_COMPILE=$(CROSS_COMPILE))
	@file $(STATIC_OUT)

help::
	@echo 'Install (scripts/install.mk):'
	@echo '  make install [DESTDIR=] [PREFIX=/usr/local]  module (extra/, depmod), tool, man, udev rule, completion'
	@echo '  make dkms-src [DESTDIR=]   sources for DKMS under /usr/src/hvisor-$(HVISOR_VERSION)'
	@echo '  make static-tool [CROSS_COMPILE=...]  a static hvisor (cJSON from Debian source)'
