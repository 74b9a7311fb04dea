# bench-cache: a full build of gen_c_project.py's C project (N=1000) from a warm shared cache (lcache_server) against
# ninja's full build, in one run.
.PHONY: bench-cache
bench-cache: $(INSTALL)/.stamp
	@python3 bench/cache/run_bench.py $(INSTALL) $(BUILD)/bench-cache $(or $(N),1000)
