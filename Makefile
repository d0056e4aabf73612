# greenmeter - one Makefile builds every program, test and the demo.
#
#   make            build all programs into build/release/bin
#   make test       install missing packages, build (ASan+UBSan), run all tests
#   make demo       install missing packages, build, run the whole chain live
#   make fuzz       run every fuzz target 10^6 times (FUZZ_RUNS=, or FUZZ_SECONDS= each)
#   make install    PREFIX=/usr/local DESTDIR=  (docs/install.md)
#   make deb        the Debian package, in build/package/ (deb-check: and try it)
#   make clean
#
# Every build option is set here once. Objects and programs go to
# build/<variant>/ (programs in build/<variant>/bin); the variant `san` is the
# sanitizer build the tests run; `prof` is the release build with frame
# pointers, for perf record -g (bench/*.sh BIN=build/prof/bin).
#
# CFLAGS, CPPFLAGS and LDFLAGS are the user's: they come after the variant's
# optimisation (so `make CFLAGS='-O0 -g'` builds at -O0) and never replace
# the project's own flags (GM_CFLAGS: language, warnings as errors, defines;
# each folder's include path, INC_*), nor a variant's sanitizers.

VARIANT  ?= release
PREFIX   ?= /usr/local
NPROC    := $(shell nproc 2>/dev/null || echo 2)
DESTDIR  ?=
B        := build/$(VARIANT)
BIN      := $(B)/bin

CC       ?= cc
LIB_MODBUS := $(shell pkg-config --libs libmodbus 2>/dev/null || echo -lmodbus)
INC_MODBUS := $(shell pkg-config --cflags libmodbus 2>/dev/null || echo -I/usr/include/modbus)
LIB_MQTT   := -lpaho-mqtt3as
LIB_RRD    := -lrrd
LIB_JSON   := -lcjson
LIB_INI    := -linih
LIB_CMOCKA := -lcmocka
LIB_HTTP   := -lmicrohttpd
# gm-agent's printers over SNMP (net-snmp's library)
LIB_SNMP   := $(shell net-snmp-config --netsnmp-libs 2>/dev/null || echo -lnetsnmp)
# gm-dashboard's alerts to LINE, mail and webhooks
LIB_CURL   := $(shell pkg-config --libs libcurl 2>/dev/null || echo -lcurl)
# gm-dashboard's accounts: the database, passwords hashed with argon2id, the directory
LIB_DB     := -lsqlite3 -lsodium -lldap
# gm-report's PDF pages: pango (Thai shaping through HarfBuzz) on cairo's
# PDF surface; its headers are system headers, not ours to warn about
INC_PDF    := $(shell pkg-config --cflags pangocairo fontconfig 2>/dev/null | sed 's/-I/-isystem /g')
LIB_PDF    := $(shell pkg-config --libs pangocairo fontconfig 2>/dev/null || \
                echo -lpangocairo-1.0 -lpango-1.0 -lgobject-2.0 -lglib-2.0 -lcairo -lfontconfig)

GM_WARN     := -std=c11 -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes
GM_CPPFLAGS := -D_DEFAULT_SOURCE -D_FILE_OFFSET_BITS=64 $(INC_MODBUS)
GM_CFLAGS   := $(GM_WARN) $(GM_CPPFLAGS) -MMD -MP
# each variant's optimisation (the user's CFLAGS may change it) ...
OPT_release := -O2 -g
OPT_prof    := -O2 -g -fno-omit-frame-pointer   # release with call graphs for perf
OPT_san     := -O1 -g -fno-omit-frame-pointer
OPT_tsan    := -O1 -g -fno-omit-frame-pointer   # data races between threads, by hand
OPT_deb     :=                # dpkg-buildflags gives -O2 -g in CFLAGS
# ... and what it is made for: compiled and linked whatever the user adds
SAN_san     := -fsanitize=address,undefined -fno-sanitize-recover=undefined
SAN_tsan    := -fsanitize=thread
FINAL_CFLAGS  = $(GM_CFLAGS) $(OPT_$(VARIANT)) $(SAN_$(VARIANT)) $(CPPFLAGS) $(CFLAGS)
FINAL_LDFLAGS = $(SAN_$(VARIANT)) $(LDFLAGS)

# --- sources: a folder is a library -----------------------------------------
# Every .c file in one of these folders is compiled into the folder's archive
# (build/<variant>/lib/libgm-<name>.a), but a program's main.c; a program
# links its main and the archives it may use, and the linker takes from them
# only the objects it needs. Nothing is listed twice: a new file joins its
# folder's archive by being there.
DIR_common    := common
DIR_store     := common/store
DIR_agent     := agent
DIR_collector := collector
DIR_green     := dashboards/green
DIR_report    := dashboards/report
DIR_dash      := dashboards/dash
DIR_sim       := devices/sim
DIR_testunit  := tests/unit
DIR_testfuzz  := tests/fuzz
ARCHIVES := common store agent collector green report dash sim

# What each folder may include besides itself: the layering is the include
# path, so a dashboard file that reached for a collector header would not
# compile (docs/hacking.md). Tests and benchmarks see everything.
INC_common           := -Icommon
INC_common_store     := -Icommon -Icommon/store
INC_agent            := -Icommon
INC_collector        := -Icommon -Icommon/store
INC_dashboards_green := -Icommon -Icommon/store -Idashboards/green
INC_dashboards_report:= $(INC_dashboards_green) $(INC_PDF)
INC_dashboards_dash  := $(INC_dashboards_green)
INC_devices_sim      := -Icommon
INC_ALL              := $(foreach a,$(ARCHIVES),-I$(DIR_$(a)))
INC_tests_unit       := $(INC_ALL) $(INC_PDF)
INC_tests_fuzz       := $(INC_ALL)
inc = $(INC_$(subst /,_,$(patsubst %/,%,$(dir $(1)))))

# the sources of an archive: its folder's .c files but mains, tests and fuzz targets
lib_srcs = $(filter-out $(DIR_$(1))/main.c $(DIR_$(1))/test_%.c $(DIR_$(1))/fuzz_%.c,\
           $(wildcard $(DIR_$(1))/*.c))
objs = $(addprefix $(B)/,$(patsubst %.c,%.o,$(1)))
lib  = $(B)/lib/libgm-$(1).a
# archives in a group: they may use each other in any order
group = -Wl,--start-group $(foreach a,$(1),$(call lib,$(a))) -Wl,--end-group

# which archives each program may link
USES_agent     := agent common
USES_collector := collector store common
USES_report    := report green store common
USES_dash      := dash green store common
USES_sim       := sim common

LIBS_agent     := $(LIB_MODBUS) $(LIB_SNMP) $(LIB_MQTT) $(LIB_JSON) $(LIB_INI) -lz -lpthread -lm
LIBS_collector := $(LIB_RRD) $(LIB_MQTT) $(LIB_JSON) $(LIB_INI) -lz -lpthread -lm
LIBS_report    := $(LIB_RRD) $(LIB_JSON) $(LIB_INI) $(LIB_PDF) -lpthread -lm
LIBS_dash      := $(LIB_HTTP) $(LIB_CURL) $(LIB_DB) $(LIB_RRD) $(LIB_MQTT) $(LIB_JSON) $(LIB_INI) -lpthread -lm
LIBS_sim       := $(LIB_MODBUS) $(LIB_JSON) $(LIB_INI) -lpthread -lm
LIBS_ALL       := $(LIB_CMOCKA) $(LIB_MODBUS) $(LIB_SNMP) $(LIB_RRD) $(LIB_JSON) $(LIB_HTTP) $(LIB_CURL) $(LIB_DB) $(LIB_MQTT) \
                  $(LIB_INI) $(LIB_PDF) -lz -lpthread -lm

PROG_agent     := gm-agent
PROG_collector := gm-collector
PROG_report    := gm-report
PROG_dash      := gm-dashboard
PROG_sim       := gm-sim
PROGRAMS := agent collector report dash sim
PROGS := $(foreach p,$(PROGRAMS),$(BIN)/$(PROG_$(p)))

# --- unit tests: tests/unit/test_<name>.c, linked against every archive -----
# (and tests/unit's other files, the shared fixtures, as libgm-testunit.a)
UNITS := $(patsubst tests/unit/test_%.c,%,$(wildcard tests/unit/test_*.c))
UNIT_BINS := $(addprefix $(B)/tests/test_,$(UNITS))

.PHONY: all deps test demo install deb deb-check clean unit integration fuzz fuzz-build
all: $(PROGS)

$(B)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(FINAL_CFLAGS) $(call inc,$<) -c -o $@ $<

define archive_rule
$(call lib,$(1)): $(call objs,$(call lib_srcs,$(1)))
	@mkdir -p $$(dir $$@)
	@rm -f $$@
	$$(AR) rcs $$@ $$^
endef
$(foreach a,$(ARCHIVES) testunit,$(eval $(call archive_rule,$(a))))

define prog_rule
$(BIN)/$(PROG_$(1)): $(B)/$(DIR_$(1))/main.o $(foreach a,$(USES_$(1)),$(call lib,$(a)))
	@mkdir -p $$(dir $$@)
	$$(CC) $$(FINAL_LDFLAGS) -o $$@ $$< $(call group,$(USES_$(1))) $(LIBS_$(1))
endef
$(foreach p,$(PROGRAMS),$(eval $(call prog_rule,$(p))))

$(B)/tests/test_%: $(B)/tests/unit/test_%.o $(foreach a,testunit $(ARCHIVES),$(call lib,$(a)))
	@mkdir -p $(dir $@)
	$(CC) $(FINAL_LDFLAGS) -o $@ $< $(call group,testunit $(ARCHIVES)) $(LIBS_ALL)

deps:
	@sh tools/deps.sh

unit: $(UNIT_BINS)

# --- fuzzing: clang's libFuzzer with ASan, UBSan and leak detection --------
# Not part of `all`: a machine without clang still builds the programs.
# One target per input that crosses a trust boundary: tests/fuzz/fuzz_NAME.c,
# linked like a unit test against the archives (built again with clang, in
# build/fuzz/lib), seeds in tests/fuzz/corpus/NAME/ (read only) and an
# optional dictionary tests/fuzz/NAME.dict.
# tests/fuzz/run.sh runs one; what a run learns is kept in
# build/fuzz/corpus/NAME, a failing input in build/fuzz/crashes/.
FUZZ_CC      ?= clang
FUZZ_RUNS    ?= 1000000
FB           := build/fuzz
FUZZ_SAN     := -fsanitize=address,undefined -fno-sanitize-recover=undefined
FUZZ_CFLAGS  := $(GM_CFLAGS) -O1 -g -fno-omit-frame-pointer -fsanitize=fuzzer-no-link \
                $(FUZZ_SAN) -DGM_ROOT='"$(CURDIR)"'
FUZZ_LIBS    := $(LIB_MODBUS) $(LIB_SNMP) $(LIB_RRD) $(LIB_JSON) $(LIB_INI) $(LIB_HTTP) $(LIB_CURL) $(LIB_DB) $(LIB_MQTT) -lz -lpthread -lm
FUZZ_TARGETS := $(patsubst tests/fuzz/fuzz_%.c,%,$(wildcard tests/fuzz/fuzz_*.c))
# what the targets read: no program of its own needs gm-report's or gm-sim's parts
FUZZ_ARCHIVES := testfuzz collector agent dash green store common
flib = $(FB)/lib/libgm-$(1).a

$(FB)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) $(call inc,$<) -c -o $@ $<

define fuzz_archive_rule
$(call flib,$(1)): $(addprefix $(FB)/obj/,$(patsubst %.c,%.o,$(call lib_srcs,$(1))))
	@mkdir -p $$(dir $$@)
	@rm -f $$@
	$$(AR) rcs $$@ $$^
endef
$(foreach a,$(FUZZ_ARCHIVES),$(eval $(call fuzz_archive_rule,$(a))))

$(FB)/fuzz_%: $(FB)/obj/tests/fuzz/fuzz_%.o $(foreach a,$(FUZZ_ARCHIVES),$(call flib,$(a)))
	$(FUZZ_CC) -fsanitize=fuzzer $(FUZZ_SAN) -o $@ $< \
		-Wl,--start-group $(foreach a,$(FUZZ_ARCHIVES),$(call flib,$(a))) -Wl,--end-group $(FUZZ_LIBS)

fuzz-build: $(addprefix $(FB)/fuzz_,$(FUZZ_TARGETS))

# Every target for FUZZ_RUNS executions (or FUZZ_SECONDS each, if set).
fuzz: deps
	@$(MAKE) --no-print-directory fuzz-build
	@rc=0; for t in $(FUZZ_TARGETS); do \
		if [ -n "$(FUZZ_SECONDS)" ]; then bash tests/fuzz/run.sh $$t seconds $(FUZZ_SECONDS) || rc=1; \
		else bash tests/fuzz/run.sh $$t runs $(FUZZ_RUNS) || rc=1; fi; \
	done; exit $$rc

# The test build runs under AddressSanitizer and UBSan; valgrind runs the
# release build (it cannot run sanitized binaries). The fuzz target is built
# here too; tests/integration/70-fuzz.sh gives each a short run.
test: deps
	@$(MAKE) --no-print-directory -j$(NPROC) VARIANT=san all unit
	@$(MAKE) --no-print-directory -j$(NPROC) VARIANT=release all
	@$(MAKE) --no-print-directory -j$(NPROC) fuzz-build
	@bash tests/run.sh build/san build/release

demo: deps
	@$(MAKE) --no-print-directory -j$(NPROC) VARIANT=release all
	@bash tools/demo.sh build/release

# make install: the programs, the meter models and the shipped organisation,
# the service files (systemd units and timers, gm-report-run), man pages and
# docs, and example configs in SYSCONFDIR/greenmeter -- only where there is
# none yet: an install never overwrites a file the site has edited. The
# files name each other by their Debian paths (/usr/bin, /etc/greenmeter);
# `installed` rewrites those for another PREFIX.
SYSCONFDIR ?= $(if $(filter /usr,$(PREFIX)),/etc,$(PREFIX)/etc)
UNITDIR    ?= $(PREFIX)/lib/systemd/system
LIBEXECDIR ?= $(PREFIX)/libexec/greenmeter
MANDIR     ?= $(PREFIX)/share/man
DOCDIR     ?= $(PREFIX)/share/doc/greenmeter
SHAREDIR   := $(PREFIX)/share/greenmeter
ETC        := $(DESTDIR)$(SYSCONFDIR)/greenmeter
installed   = sed -e 's|/usr/bin/|$(PREFIX)/bin/|g; s|/usr/libexec/greenmeter/|$(LIBEXECDIR)/|g' \
                  -e 's|/usr/share/greenmeter/|$(SHAREDIR)/|g; s|/etc/greenmeter/|$(SYSCONFDIR)/greenmeter/|g'
# the shipped organisation, its editions beside it, what the web writes in the state directory
org_paths   = -e 's|^criteria = [^ ]*|criteria = $(SHAREDIR)/org/senate/criteria-2567.ini|' \
              -e 's|^checklists = [^ ]*|checklists = /var/lib/greenmeter/checklists|' \
              -e 's|^plans = [^ ]*|plans = /var/lib/greenmeter/plans|'
MANPAGES   := $(wildcard docs/man/*.[1-8])

install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(SHAREDIR)/devices $(DESTDIR)$(UNITDIR) \
		$(DESTDIR)$(LIBEXECDIR) $(DESTDIR)$(DOCDIR) $(ETC)
	install -m 755 $(PROGS) $(DESTDIR)$(PREFIX)/bin
	install -m 644 devices/*.conf $(DESTDIR)$(SHAREDIR)/devices
	cd dashboards/org && find senate -type d -exec install -d $(abspath $(DESTDIR)$(SHAREDIR))/org/{} \; \
		-o -type f -exec install -m 644 {} $(abspath $(DESTDIR)$(SHAREDIR))/org/{} \;
	install -d $(DESTDIR)$(SHAREDIR)/mosquitto
	install -m 644 service/mosquitto/* $(DESTDIR)$(SHAREDIR)/mosquitto
	for f in service/systemd/*; do $(installed) $$f >$(DESTDIR)$(UNITDIR)/$${f##*/} && \
		chmod 644 $(DESTDIR)$(UNITDIR)/$${f##*/} || exit 1; done
	$(installed) service/gm-report-run >$(DESTDIR)$(LIBEXECDIR)/gm-report-run
	chmod 755 $(DESTDIR)$(LIBEXECDIR)/gm-report-run
	for m in $(MANPAGES); do s=$${m##*.}; install -d $(DESTDIR)$(MANDIR)/man$$s && \
		install -m 644 $$m $(DESTDIR)$(MANDIR)/man$$s || exit 1; done
	install -m 644 README.md docs/*.md $(DESTDIR)$(DOCDIR)
	for f in service/etc/*.conf; do [ -e $(ETC)/$${f##*/} ] || \
		{ $(installed) $$f >$(ETC)/$${f##*/} && chmod 644 $(ETC)/$${f##*/}; } || exit 1; done
	[ -e $(ETC)/organisation.ini ] || { $(installed) $(org_paths) dashboards/org/senate/organisation.ini \
		>$(ETC)/organisation.ini && chmod 644 $(ETC)/organisation.ini; }

# make deb: the Debian package (debhelper), in build/package/. Its build is the
# variant `deb` (build/deb/), with Debian's hardening flags from
# dpkg-buildflags; nothing else of build/ is touched.
deb: deps
	@sh tools/deps.sh deb
	@rm -f ../greenmeter_*.deb ../greenmeter_*.buildinfo ../greenmeter_*.changes
	dpkg-buildpackage -us -uc -b
	@mkdir -p build/package
	mv ../greenmeter_*.deb ../greenmeter_*.buildinfo ../greenmeter_*.changes build/package/
	@ls build/package/*.deb

# make deb-check: the package built, linted, installed on this machine,
# checked and purged again (root; tests/deb-check.sh)
deb-check:
	@bash tests/deb-check.sh

clean:
	rm -rf build

-include $(shell find build -name '*.d' 2>/dev/null)
