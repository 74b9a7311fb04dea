# make bench-store: the store's figures (bench/store) on 1,000,000 generated source-tree paths, one line:
# names=1000000 bytes_per_name=X insert_per_s=Y lookup_per_s=Z name_of_id_per_s=W reopen_ms=V
.PHONY: bench-store
bench-store:
	@mkdir -p $(BUILD)/bench
	@$(DOTNET) build bench/store/Lmake.Store.Bench.csproj -c Release --nologo -v quiet -o $(BUILD)/bench/store \
	  -p:TreatWarningsAsErrors=true >$(BUILD)/bench/store.log 2>&1 || { cat $(BUILD)/bench/store.log; exit 1; }
	@$(DOTNET) $(BUILD)/bench/store/Lmake.Store.Bench.dll
