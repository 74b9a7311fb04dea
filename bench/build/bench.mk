# bench-build: lmake against make and ninja on gen_c_project.py's C project (N=1000), one run, ratios.
.PHONY: bench-build
bench-build: $(INSTALL)/.stamp
	@python3 bench/build/run_bench.py $(INSTALL) $(BUILD)/bench-build $(or $(N),1000)

# bench-launch AGAINST=DIR: bench-build's launch rate and the no-op of its targets, this install against another one
# (e.g. the build before a change), interleaved, medians and ratios (JOBS trivial jobs, 1000 unless told).
.PHONY: bench-launch
bench-launch: $(INSTALL)/.stamp
	@test -n "$(AGAINST)" || { echo "bench-launch: say AGAINST=<another install>" >&2; exit 11; }
	@rm -rf $(BUILD)/bench-launch && python3 bench/build/run_launch_against.py $(abspath $(INSTALL)) $(abspath $(AGAINST)) $(BUILD)/bench-launch $(or $(JOBS),1000)
