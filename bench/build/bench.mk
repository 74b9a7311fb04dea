# bench-build: lmake against make and ninja on gen_c_project.py's C project (N=1000), one run, ratios.
.PHONY: bench-build
bench-build: $(INSTALL)/.stamp
	@python3 bench/build/run_bench.py $(INSTALL) $(BUILD)/bench-build $(or $(N),1000)
