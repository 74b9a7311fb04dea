# make bench-scale: lmake and ninja on a generated graph of N files (default 100,000) with a compiler stand-in
# (bench/scale/fakecc.c), in one run: full build, no-op warm and cold, a 1% edit, the server's memory (issue 18).
.PHONY: bench-scale
bench-scale: $(INSTALL)/.stamp
	@python3 bench/scale/run_scale.py $(INSTALL) $(BUILD)/bench-scale $(or $(N),100000)
