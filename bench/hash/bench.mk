# bench-hash: hashing a cached 1 GiB file with our xxhsum (XXH3-64 through libxxhash) against the reference
# `xxhsum -H3`, in the same run. Goal: >= 2 GB/s.
BENCH_HASH_FILE := $(BUILD)/bench-hash-1GiB
.PHONY: bench-hash
bench-hash: $(INSTALL)/.stamp
	@[ -f $(BENCH_HASH_FILE) ] || head -c 1073741824 /dev/urandom > $(BENCH_HASH_FILE)
	@cat $(BENCH_HASH_FILE) > /dev/null
	@hyperfine -N -w 2 -r 10 --export-json $(BUILD)/bench-hash.json \
	  '$(INSTALL)/bin/xxhsum $(BENCH_HASH_FILE)' 'xxhsum -H3 $(BENCH_HASH_FILE)' >/dev/null
	@python3 -c 'import json; r = json.load(open("$(BUILD)/bench-hash.json"))["results"]; \
	  ours, ref = r[0]["mean"], r[1]["mean"]; \
	  print(f"hash 1GiB: ours={1.073741824/ours:.2f} GB/s ({ours*1000:.0f} ms) reference={1.073741824/ref:.2f} GB/s ({ref*1000:.0f} ms) ratio={ours/ref:.2f}")'
