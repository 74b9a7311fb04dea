# bench-noop: the no-op build of lmake (server running, and no server: a cold start) against ninja's, on
# gen_c_project.py's C project (N=1000 unless N=...), one interleaved run, medians and ratios.
# AGAINST=DIR adds the figures of another install (e.g. an older build) measured in the same run.
.PHONY: bench-noop
bench-noop: $(INSTALL)/.stamp
	@python3 bench/noop/run_noop.py $(INSTALL) $(BUILD)/bench-noop-$(or $(N),1000) $(or $(N),1000) --reuse \
	    $(if $(AGAINST),--against $(AGAINST))
