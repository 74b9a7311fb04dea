# bench-build: lmake against make and ninja on gen_c_project.py's C project (N=1000), one run, ratios.
.PHONY: bench-build
bench-build: $(INSTALL)/.stamp
	@python3 bench/build/run_bench.py $(INSTALL) $(BUILD)/bench-build $(or $(N),1000)

# bench-build-tracking: full build with tracking vs autodep='none' vs ninja (issue 4), one run.
.PHONY: bench-build-tracking
bench-build-tracking: $(INSTALL)/.stamp
	@python3 bench/build/tracking_cost.py $(INSTALL) $(BUILD)/bench-build-tracking $(or $(N),1000)
