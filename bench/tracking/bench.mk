# make bench-tracking: the cost per access of autodep none / ld_preload / ptrace (bench/tracking), one table.
# N accesses (default 100000), RUNS runs per method (default 3, best kept).
.PHONY: bench-tracking
bench-tracking: $(INSTALL)/.stamp
	@mkdir -p $(BUILD)/bench
	@$(DOTNET) build bench/tracking/Lmake.Tracking.Bench.csproj -c Release --nologo -v quiet -o $(BUILD)/bench/tracking \
	  -p:TreatWarningsAsErrors=true >$(BUILD)/bench/tracking.log 2>&1 || { cat $(BUILD)/bench/tracking.log; exit 1; }
	@$(DOTNET) $(BUILD)/bench/tracking/Lmake.Tracking.Bench.dll $(abspath $(INSTALL)) $(abspath $(BUILD))/bench-tracking $(or $(N),100000) $(or $(RUNS),3)

# make bench-tracking-build: the 1000-file C build of gen_c_project.py with lmake under autodep none, ld_preload
# and ptrace, ninja as the yardstick (N files, default 1000), taking turns ROUNDS times (default 2), best kept.
.PHONY: bench-tracking-build
bench-tracking-build: $(INSTALL)/.stamp
	@python3 bench/tracking/run_build.py $(INSTALL) $(BUILD)/bench-tracking-build $(or $(N),1000) $(or $(ROUNDS),2)
