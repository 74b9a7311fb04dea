# make bench-tracking: the cost per access of autodep none / ld_preload / ptrace (bench/tracking), one table.
# N accesses (default 100000), RUNS runs per method (default 3, best kept).
.PHONY: bench-tracking
bench-tracking: $(INSTALL)/.stamp
	@mkdir -p $(BUILD)/bench
	@$(DOTNET) build bench/tracking/Lmake.Tracking.Bench.csproj -c Release --nologo -v quiet -o $(BUILD)/bench/tracking \
	  -p:TreatWarningsAsErrors=true >$(BUILD)/bench/tracking.log 2>&1 || { cat $(BUILD)/bench/tracking.log; exit 1; }
	@$(DOTNET) $(BUILD)/bench/tracking/Lmake.Tracking.Bench.dll $(abspath $(INSTALL)) $(abspath $(BUILD))/bench-tracking $(or $(N),100000) $(or $(RUNS),3)
