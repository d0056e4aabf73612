# greenmeter - one Makefile builds every program, test and the demo.
#
#   make            build all programs into build/release/bin
#   make test       install missing packages, build (ASan+UBSan), run all tests
#   make demo       install missing packages, build, run the whole chain live
#   make fuzz       run every fuzz target 10^6 times (FUZZ_RUNS=, or FUZZ_SECONDS= each)
#   make install    PREFIX=/usr/local DESTDIR=
#   make clean
#
# Every build option is set here once. Objects and programs go to
# build/<variant>/ (programs in build/<variant>/bin); the variant `san` is the
# sanitizer build the tests run; `prof` is the release build with frame
# pointers, for perf record -g (bench/*.sh BIN=build/prof/bin).
#
# CFLAGS, CPPFLAGS and LDFLAGS are the user's: they come after the variant's
# optimisation (so `make CFLAGS='-O0 -g'` builds at -O0) and never replace
# the project's own flags (GM_CFLAGS: language, warnings as errors, defines,
# include paths), nor a variant's sanitizers.

VARIANT  ?= release
PREFIX   ?= /usr/local
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

GM_WARN     := -std=c11 -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes
GM_CPPFLAGS := -D_DEFAULT_SOURCE -D_FILE_OFFSET_BITS=64 -Icommon $(INC_MODBUS)
GM_CFLAGS   := $(GM_WARN) $(GM_CPPFLAGS) -MMD -MP
# each variant's optimisation (the user's CFLAGS may change it) ...
OPT_release := -O2 -g
OPT_prof    := -O2 -g -fno-omit-frame-pointer   # release with call graphs for perf
OPT_san     := -O1 -g -fno-omit-frame-pointer
# ... and what it is made for: compiled and linked whatever the user adds
SAN_san     := -fsanitize=address,undefined -fno-sanitize-recover=undefined
FINAL_CFLAGS  = $(GM_CFLAGS) $(OPT_$(VARIANT)) $(SAN_$(VARIANT)) $(CPPFLAGS) $(CFLAGS)
FINAL_LDFLAGS = $(SAN_$(VARIANT)) $(LDFLAGS)

# --- objects, listed explicitly so what each program links is visible ------
COMMON   := common/gm_err common/fileio common/log common/topic common/payload common/json_in common/registers common/chanmeta \
            common/confparse common/devmap common/scale common/timeutil common/fiscal common/crc16
COMMON_MQTT := common/mqtt_opts common/mqtt_link common/connack
COMMON_RRD  := common/rrd_layout common/consumption common/rrd_read common/rrdc common/entries common/meter_event \
            common/numtext common/usage_cache common/rrdfile

AGENT    := agent/main agent/agent_config agent/mqtt_meter agent/json_path agent/mqtt_payload \
            agent/mqtt_in agent/manual_import agent/manual_csv agent/oneshot \
            agent/event_send agent/reqplan common/meter_event common/numtext \
            agent/modbus_poll agent/mbxfer agent/mbreply agent/spool agent/spool_recover \
            agent/segfile agent/seqmap \
            agent/outbox agent/publish $(COMMON_MQTT) $(COMMON)
COLLECTOR:= collector/main collector/collector_config \
            collector/ingest collector/counter collector/registry common/status_file collector/status_show \
            collector/rrd_store collector/rrd_direct collector/rrd_cached common/rrdc collector/rrd_hold \
            collector/rrd_head collector/entry_store collector/event_store collector/meter_events \
            collector/chan_dir collector/seqwin collector/wal collector/store_queue \
            collector/quarantine collector/requeue \
            $(COMMON_RRD) $(COMMON_MQTT) $(COMMON)
REPORT   := dashboards/report_main dashboards/report_opts dashboards/report_plain \
            dashboards/report_table dashboards/textwidth \
            dashboards/report_walk dashboards/figures dashboards/green \
            dashboards/compare dashboards/green_text dashboards/green_json dashboards/green_csv dashboards/green_html \
            dashboards/html \
            dashboards/green_set dashboards/org dashboards/org_units dashboards/org_meters \
            dashboards/kpi dashboards/criteria dashboards/checklist \
            $(COMMON_RRD) $(COMMON)
# gm-dashboard reads what gm-report reads, through the same figures code
DASHBOARD:= dashboards/dash_main dashboards/dash_config dashboards/dash_state dashboards/dash_routes \
            dashboards/dash_page dashboards/dash_overview dashboards/dash_meter dashboards/dash_graph \
            dashboards/dash_unit dashboards/dash_reports dashboards/dash_api dashboards/dash_metrics \
            dashboards/http_server dashboards/http_path dashboards/ratelog \
            dashboards/meter_view dashboards/unit_view dashboards/stale_watch \
            dashboards/alert dashboards/recent dashboards/report_files dashboards/html \
            dashboards/page_cache \
            dashboards/report_walk dashboards/figures dashboards/green dashboards/compare \
            dashboards/green_text dashboards/org dashboards/org_units dashboards/org_meters \
            dashboards/kpi dashboards/criteria dashboards/checklist \
            common/status_file \
            $(COMMON_RRD) $(COMMON_MQTT) $(COMMON)
SIM      := devices/sim/main devices/sim/sim_config devices/sim/profile \
            devices/sim/sim_server devices/sim/fault devices/sim/rtu_frame $(COMMON)

LIBS_AGENT     := $(LIB_MODBUS) $(LIB_MQTT) $(LIB_JSON) $(LIB_INI) -lz -lpthread -lm
LIBS_COLLECTOR := $(LIB_RRD) $(LIB_MQTT) $(LIB_JSON) $(LIB_INI) -lz -lpthread -lm
LIBS_REPORT    := $(LIB_RRD) $(LIB_JSON) $(LIB_INI) -lpthread -lm
LIBS_DASHBOARD := $(LIB_HTTP) $(LIB_RRD) $(LIB_MQTT) $(LIB_JSON) $(LIB_INI) -lpthread -lm
LIBS_SIM       := $(LIB_MODBUS) $(LIB_JSON) $(LIB_INI) -lpthread -lm

PROGS := $(BIN)/gm-agent $(BIN)/gm-collector $(BIN)/gm-report $(BIN)/gm-dashboard $(BIN)/gm-sim

# --- unit tests: tests/unit/test_<module>.c and the real objects it needs ---
UNIT_topic     := common/topic common/fileio common/gm_err
UNIT_fileio    := common/fileio common/gm_err
UNIT_err       := common/gm_err
UNIT_quarantine := collector/quarantine common/numtext common/topic common/log common/timeutil \
                  common/fileio common/gm_err
UNIT_payload   := common/payload common/json_in common/fileio common/gm_err
UNIT_registers := common/registers common/fileio common/gm_err
UNIT_confparse := common/confparse common/topic common/fileio common/gm_err
UNIT_devmap    := common/devmap common/scale common/confparse common/registers common/payload common/json_in \
                  common/topic common/fileio common/gm_err
UNIT_timeutil  := common/timeutil common/fileio common/gm_err
UNIT_reqplan   := agent/reqplan common/devmap common/scale common/confparse common/registers \
                  common/payload common/json_in common/topic common/fileio common/gm_err
UNIT_mbreply   := agent/mbreply common/crc16 common/fileio common/gm_err
UNIT_counter   := collector/counter common/fileio common/gm_err
UNIT_profile   := devices/sim/profile common/timeutil common/fileio common/gm_err
UNIT_outbox    := agent/outbox
UNIT_event_send := agent/event_send agent/oneshot common/mqtt_link common/connack common/mqtt_opts common/meter_event \
                  common/numtext common/confparse common/payload common/json_in common/topic \
                  common/log common/timeutil common/fileio common/gm_err
UNIT_agent_config := agent/agent_config agent/mqtt_meter agent/json_path common/mqtt_opts \
                  common/log common/devmap common/scale common/confparse common/registers common/payload common/json_in common/topic common/fileio common/gm_err
UNIT_mqtt_payload := agent/mqtt_payload $(UNIT_agent_config)
UNIT_log       := common/log
UNIT_consumption := common/consumption common/rrd_read common/rrdc common/entries common/meter_event common/numtext \
                  common/payload common/json_in common/topic common/rrd_layout common/timeutil common/fileio common/gm_err
UNIT_entries   := common/entries common/numtext common/fileio common/gm_err
UNIT_registry  := collector/registry common/status_file common/topic common/payload common/json_in common/fileio common/gm_err
UNIT_chanmeta  := common/chanmeta common/confparse common/payload common/json_in common/topic common/fileio common/gm_err
UNIT_ingest    := collector/ingest collector/requeue collector/rrd_store common/rrdfile collector/rrd_direct collector/rrd_cached common/rrdc \
                  collector/rrd_hold collector/rrd_head collector/entry_store collector/counter \
                  collector/event_store collector/meter_events collector/chan_dir collector/seqwin \
                  collector/wal collector/store_queue collector/quarantine \
                  collector/registry common/status_file common/consumption common/rrd_read common/entries common/rrd_layout \
                  common/meter_event common/numtext \
                  common/chanmeta common/confparse \
                  common/payload common/json_in common/topic common/log common/timeutil common/fileio common/gm_err
# every channel file behind a real ingest, as test_ingest's
UNIT_chan_files := $(UNIT_ingest)
# random series through a real ingest, cut at random: the parts add up
UNIT_additivity := $(UNIT_ingest)
UNIT_spool     := agent/spool agent/spool_recover agent/segfile common/payload common/json_in \
                  common/topic common/log common/fileio common/gm_err
UNIT_seqmap    := agent/seqmap common/log common/fileio common/gm_err
UNIT_manual_csv := agent/manual_csv agent/manual_import agent/oneshot common/mqtt_link common/connack \
                  common/mqtt_opts common/confparse common/payload common/json_in common/topic \
                  common/log common/timeutil common/fileio common/gm_err
UNIT_fiscal    := common/fiscal common/timeutil common/fileio common/gm_err
UNIT_org       := dashboards/org dashboards/org_units dashboards/org_meters common/confparse \
                  common/topic common/timeutil common/fiscal common/fileio common/gm_err
UNIT_seqwin    := collector/seqwin collector/chan_dir common/topic common/fileio common/gm_err
UNIT_rrd_hold  := collector/rrd_hold common/fileio common/gm_err
UNIT_rrd_store := collector/rrd_store common/rrdfile collector/rrd_direct collector/rrd_cached common/rrdc collector/rrd_hold \
                  collector/rrd_head collector/chan_dir common/entries common/numtext \
                  common/chanmeta common/rrd_layout \
                  common/confparse common/payload common/json_in common/topic common/log common/timeutil \
                  common/fileio common/gm_err
UNIT_store_queue := collector/store_queue collector/quarantine collector/wal collector/rrd_store common/rrdfile collector/rrd_direct \
                  collector/rrd_cached common/rrdc collector/rrd_hold collector/rrd_head collector/chan_dir \
                  collector/event_store common/meter_event common/entries common/numtext \
                  common/chanmeta common/rrd_layout common/consumption common/rrd_read \
                  common/confparse common/payload common/json_in common/topic common/log common/timeutil \
                  common/fileio common/gm_err
UNIT_kpi       := dashboards/kpi
UNIT_criteria  := dashboards/criteria dashboards/checklist dashboards/kpi dashboards/org \
                  dashboards/org_units dashboards/org_meters common/confparse common/topic \
                  common/timeutil common/fiscal common/fileio common/gm_err
UNIT_green     := tests/unit/green_fixture dashboards/figures dashboards/green dashboards/compare \
                  dashboards/org dashboards/org_units dashboards/org_meters dashboards/criteria \
                  dashboards/checklist dashboards/kpi dashboards/report_walk common/usage_cache common/rrdfile \
                  common/consumption common/rrd_read common/rrdc common/entries common/meter_event common/numtext common/chanmeta \
                  common/confparse common/payload common/json_in common/topic common/rrd_layout \
                  common/timeutil common/fiscal common/fileio common/gm_err
# the like-for-like rule through the whole report set gm-report writes
UNIT_compare   := tests/unit/green_fixture $(filter-out dashboards/report_main,$(REPORT))
UNIT_report_opts := dashboards/report_opts $(filter-out tests/unit/green_fixture,$(UNIT_green))
UNIT_report_table := dashboards/report_table dashboards/textwidth dashboards/green_text \
                  dashboards/report_walk common/consumption common/rrd_read common/rrdc common/entries common/meter_event \
                  common/numtext common/chanmeta common/confparse common/payload common/json_in \
                  common/topic common/rrd_layout common/timeutil common/fiscal common/fileio \
                  common/gm_err
UNIT_usage_cache := common/usage_cache common/rrdfile common/consumption common/rrd_read common/rrdc common/entries \
                  common/meter_event common/numtext common/payload common/json_in common/topic \
                  common/rrd_layout common/timeutil common/fileio common/gm_err
UNIT_collector_config := collector/collector_config collector/rrd_cached common/rrdc collector/rrd_hold \
                  collector/rrd_store common/rrdfile collector/rrd_direct collector/rrd_head collector/chan_dir \
                  common/mqtt_opts common/chanmeta common/entries common/numtext common/rrd_layout \
                  common/confparse common/payload common/json_in common/topic common/log \
                  common/timeutil common/fileio common/gm_err
UNIT_connack   := common/connack
UNIT_meter_event := common/meter_event common/numtext common/payload common/json_in common/fileio \
                  common/gm_err
UNIT_dash      := dashboards/dash_config dashboards/http_server dashboards/http_path \
                  dashboards/ratelog dashboards/meter_view \
                  dashboards/stale_watch dashboards/report_files dashboards/report_walk \
                  common/status_file \
                  $(COMMON_RRD) common/chanmeta common/mqtt_opts common/confparse common/payload \
                  common/json_in common/topic common/log common/timeutil common/fileio common/gm_err
UNITS := topic payload registers confparse devmap timeutil reqplan counter profile \
         outbox agent_config consumption entries registry chanmeta ingest spool seqmap \
         rrd_hold rrd_store fiscal seqwin store_queue org green compare kpi criteria usage_cache \
         dash event_send fileio quarantine mbreply manual_csv collector_config connack meter_event \
         chan_files additivity mqtt_payload log report_opts report_table err
UNIT_BINS := $(addprefix $(B)/tests/test_,$(UNITS))

.PHONY: all deps test demo install clean unit integration fuzz fuzz-build
all: $(PROGS)

$(B)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(FINAL_CFLAGS) -c -o $@ $<

objs = $(addprefix $(B)/,$(addsuffix .o,$(1)))

$(BIN)/gm-agent: $(call objs,$(AGENT))
	@mkdir -p $(BIN)
	$(CC) $(FINAL_LDFLAGS) -o $@ $^ $(LIBS_AGENT)
$(BIN)/gm-collector: $(call objs,$(COLLECTOR))
	@mkdir -p $(BIN)
	$(CC) $(FINAL_LDFLAGS) -o $@ $^ $(LIBS_COLLECTOR)
$(BIN)/gm-report: $(call objs,$(REPORT))
	@mkdir -p $(BIN)
	$(CC) $(FINAL_LDFLAGS) -o $@ $^ $(LIBS_REPORT)
$(BIN)/gm-dashboard: $(call objs,$(DASHBOARD))
	@mkdir -p $(BIN)
	$(CC) $(FINAL_LDFLAGS) -o $@ $^ $(LIBS_DASHBOARD)
$(BIN)/gm-sim: $(call objs,$(SIM))
	@mkdir -p $(BIN)
	$(CC) $(FINAL_LDFLAGS) -o $@ $^ $(LIBS_SIM)

define unit_rule
$(B)/tests/test_$(1): $(B)/tests/unit/test_$(1).o $(B)/tests/unit/testutil.o $(call objs,$(UNIT_$(1)))
	@mkdir -p $$(dir $$@)
	$$(CC) $$(FINAL_LDFLAGS) -o $$@ $$^ $(LIB_CMOCKA) $(LIB_MODBUS) $(LIB_RRD) $(LIB_JSON) $(LIB_HTTP) \
		$(LIB_MQTT) $(LIB_INI) -lz -lpthread -lm
endef
$(foreach u,$(UNITS),$(eval $(call unit_rule,$(u))))

deps:
	@sh tools/deps.sh

unit: $(UNIT_BINS)

# --- fuzzing: clang's libFuzzer with ASan, UBSan and leak detection --------
# Not part of `all`: a machine without clang still builds the programs.
# One target per input that crosses a trust boundary: tests/fuzz/fuzz_NAME.c
# with the objects it links in FUZZ_NAME, seeds in tests/fuzz/corpus/NAME/
# (read only) and an optional dictionary tests/fuzz/NAME.dict.
# tests/fuzz/run.sh runs one; what a run learns is kept in
# build/fuzz/corpus/NAME, a failing input in build/fuzz/crashes/.
FUZZ_CC      ?= clang
FUZZ_RUNS    ?= 1000000
FB           := build/fuzz
FUZZ_SAN     := -fsanitize=address,undefined -fno-sanitize-recover=undefined
FUZZ_CFLAGS  := $(GM_CFLAGS) -O1 -g -fno-omit-frame-pointer -fsanitize=fuzzer-no-link \
                $(FUZZ_SAN) -DGM_ROOT='"$(CURDIR)"'
FUZZ_LIBS    := $(LIB_MODBUS) $(LIB_RRD) $(LIB_JSON) $(LIB_INI) -lz -lpthread -lm
FUZZ_TARGETS := $(patsubst tests/fuzz/fuzz_%.c,%,$(wildcard tests/fuzz/fuzz_*.c))

FUZZ_message := common/topic common/payload common/json_in common/gm_err
# the collector's objects, for the targets that run its parts
FUZZ_COLLECTOR := collector/ingest collector/requeue collector/rrd_store collector/rrd_direct \
                collector/rrd_cached common/rrdc collector/rrd_hold collector/rrd_head collector/entry_store \
                collector/counter collector/event_store collector/meter_events collector/chan_dir \
                collector/seqwin collector/wal collector/store_queue collector/quarantine \
                collector/registry common/status_file common/consumption common/rrd_read common/entries common/rrd_layout \
                common/rrdfile common/meter_event common/numtext common/chanmeta common/confparse \
                common/payload common/json_in common/topic common/log common/timeutil \
                common/fileio common/gm_err tests/fuzz/fuzzlib
FUZZ_ingest  := $(FUZZ_COLLECTOR)
FUZZ_wal     := $(FUZZ_COLLECTOR)
FUZZ_quarantine := $(FUZZ_COLLECTOR)
FUZZ_rrd_head := collector/rrd_head common/rrdfile common/rrd_layout common/fileio common/gm_err \
                tests/fuzz/fuzzlib
FUZZ_dash_path := dashboards/http_path
FUZZ_modbus_reply := agent/mbreply common/crc16 common/devmap common/scale common/registers common/confparse \
                common/payload common/json_in common/topic common/fileio common/gm_err
FUZZ_csv_import := agent/manual_csv common/confparse common/payload common/json_in common/topic common/fileio \
                common/timeutil common/gm_err
FUZZ_spool   := agent/spool agent/spool_recover agent/segfile common/payload common/json_in common/topic common/log common/fileio \
                common/gm_err
FUZZ_seqmap  := agent/seqmap common/log common/fileio common/gm_err
FUZZ_CONF    := common/confparse common/topic common/fileio common/gm_err
FUZZ_conf_agent := agent/agent_config agent/mqtt_meter agent/json_path common/mqtt_opts \
                common/log common/devmap common/scale common/registers common/payload common/json_in $(FUZZ_CONF)
FUZZ_RRDADDR := collector/rrd_cached common/rrdc collector/rrd_hold collector/rrd_store common/rrdfile collector/rrd_direct \
                collector/rrd_head collector/chan_dir common/chanmeta common/entries common/numtext \
                common/rrd_layout common/payload common/json_in common/log common/timeutil
FUZZ_conf_collector := collector/collector_config common/mqtt_opts $(FUZZ_RRDADDR) $(FUZZ_CONF)
FUZZ_conf_dashboard := dashboards/dash_config common/mqtt_opts $(FUZZ_RRDADDR) $(FUZZ_CONF)
FUZZ_conf_devmap := common/devmap common/scale common/registers common/payload common/json_in $(FUZZ_CONF)
FUZZ_ORG     := dashboards/org dashboards/org_units dashboards/org_meters common/timeutil \
                common/fiscal
FUZZ_conf_org := $(FUZZ_ORG) $(FUZZ_CONF)
FUZZ_conf_criteria := dashboards/criteria dashboards/checklist dashboards/kpi $(FUZZ_ORG) $(FUZZ_CONF)
FUZZ_conf_checklist := $(FUZZ_conf_criteria)
FUZZ_entries := common/entries common/numtext common/fileio common/gm_err
FUZZ_status  := common/status_file common/topic common/payload common/json_in common/fileio \
                common/gm_err
FUZZ_mqtt_payload := agent/mqtt_payload agent/json_path common/scale common/json_in common/gm_err \
                tests/fuzz/fuzzlib
FUZZ_events  := common/meter_event common/numtext common/payload common/json_in common/fileio \
                common/gm_err

$(FB)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -c -o $@ $<

define fuzz_rule
$(FB)/fuzz_$(1): $(FB)/obj/tests/fuzz/fuzz_$(1).o $(addprefix $(FB)/obj/,$(addsuffix .o,$(FUZZ_$(1))))
	$$(FUZZ_CC) -fsanitize=fuzzer $(FUZZ_SAN) -o $$@ $$^ $(FUZZ_LIBS)
endef
$(foreach f,$(FUZZ_TARGETS),$(eval $(call fuzz_rule,$(f))))

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
	@$(MAKE) --no-print-directory VARIANT=san all unit
	@$(MAKE) --no-print-directory VARIANT=release all
	@$(MAKE) --no-print-directory fuzz-build
	@bash tests/run.sh build/san build/release

demo: deps
	@$(MAKE) --no-print-directory VARIANT=release all
	@bash tools/demo.sh build/release

install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/greenmeter/devices
	install -m 755 $(PROGS) $(DESTDIR)$(PREFIX)/bin
	install -m 644 devices/*.conf $(DESTDIR)$(PREFIX)/share/greenmeter/devices
	install -m 644 docs/examples/mosquitto.conf $(DESTDIR)$(PREFIX)/share/greenmeter

clean:
	rm -rf build

-include $(shell find build -name '*.d' 2>/dev/null)
