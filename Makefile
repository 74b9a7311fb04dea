# lmake-cs: set-up, build, install layout, tests, demo.
#   make            install missing Debian packages, publish every executable (Native AOT), build the shim,
#                   lay out _install/{bin,_bin,lib,_lib,share}
#   make install PREFIX=/usr/local [DESTDIR=/tmp/pkg]
#                   the same, then a copy of that layout into $(DESTDIR)$(PREFIX) (for packagers)
#   make test       build, then run every unit and end-to-end test; the last line is `N passed, N failed`
#   make faults     the fault suite (tests/Lmake.Faults.Tests) in its long form, with its counts
#   make demo       build, then show the main job on an example
#   make lmake.tar.gz   the release tarball (see lmake.tar.gz.mk)
#   make bench-NAME     a benchmark of bench/NAME/ (bench-store, ...)
#   make test-fenics    installs python3-dolfin (FEniCS, about 150 Debian packages: not part of `make test`), then
#                       runs DOLFIN's Poisson demo on the original dijitso and on ours (tests/fenics/)
#   make clean
SHELL      := /bin/bash
.DEFAULT_GOAL := all
# Publishes share obj/ folders of the common libraries: run them one after the other.
.NOTPARALLEL:

INSTALL    := _install
BUILD      := _build
RID        := linux-x64
DOTNET     := dotnet
PUBLISH    := $(DOTNET) publish -c Release -r $(RID) --nologo -v quiet -p:TreatWarningsAsErrors=true
CC         ?= gcc
SHIM_FLAGS := -O2 -fPIC -shared -Wall -Wextra -Werror -fvisibility=hidden -D_GNU_SOURCE

# Debian packages the build, the tests and the benchmarks need; installed only when missing.
APT_PACKAGES := git make gcc g++ python3 libxxhash-dev liblz4-dev lz4 xxhash ninja-build hyperfine \
                openmpi-bin libopenmpi-dev mpich time slurmctld slurmd slurm-client munge libslurm-dev tmux \
                python3-mpi4py python3-numpy

# Project sources that a published executable depends on (its own folder and the libraries it uses).
# (obj/ and bin/ are left out: test builds rewrite generated sources there)
srcs_of     = $(shell find $(1) \( -name obj -o -name bin \) -prune -o \( -name '*.cs' -o -name '*.csproj' \) -print)
COMMON_SRC := $(call srcs_of,src/common) Directory.Build.props \
              Directory.Build.targets Directory.Packages.props
STORE_SRC  := $(call srcs_of,src/store)

# name:project folder:extra sources
EXES := lmake lmakeserver job_exec ldecode dijitso
PROJ_lmake       := src/lmake/Lmake.Client.csproj
PROJ_lmakeserver := src/lmakeserver/Lmake.Server.csproj
PROJ_job_exec    := src/autodep/job_exec/Lmake.JobExec.csproj
PROJ_ldecode     := src/ldecode/Lmake.JobCommands.csproj
PROJ_dijitso     := src/dijitso/Dijitso.csproj
DEPS_lmake       := $(call srcs_of,src/lmake) $(STORE_SRC)
DEPS_lmakeserver := $(call srcs_of,src/lmakeserver src/autodep/tracking) $(STORE_SRC)
DEPS_job_exec    := $(call srcs_of,src/autodep/job_exec src/autodep/tracking)
DEPS_ldecode     := $(call srcs_of,src/ldecode src/autodep/tracking)
DEPS_dijitso     := $(call srcs_of,src/dijitso)

# Where each executable goes, and the extra names it answers to (links beside it).
BIN_EXES   := lmake ldecode dijitso
PRIV_EXES  := lmakeserver job_exec
LINKS_lmake       := lshow lforget lmark ldebug lcollect lmake_repair
LINKS_ldecode     := lencode ldepend ltarget lcheck_deps xxhsum
LINKS_lmakeserver := lmake_dump

SHIM_SRC   := $(wildcard src/autodep/shim/*.c) $(wildcard src/autodep/shim/*.h)
NS_SRC     := src/autodep/namespace/job_namespace.c
PY_SRC     := $(shell find src/python src/python-dijitso -name '*.py')
# share/: the man pages (doc/man/man1/NAME.1, ours) and the bash completion, one script answering for every
# user command (a link per name, so that bash-completion's on-demand loading finds it by the command's name).
MAN_SRC        := $(wildcard doc/man/man1/*.1)
COMPLETION_SRC := src/completion/lmake.bash
USER_CMDS      := lmake $(LINKS_lmake) ldecode $(LINKS_ldecode) lautodep lcache_repair lcache_server lcodec_repair dijitso

.PHONY: all setup install test demo clean
all: install

# --- set-up ---------------------------------------------------------------------------------------
setup: $(BUILD)/setup.stamp
$(BUILD)/setup.stamp: Makefile
	@missing=$$(for p in $(APT_PACKAGES); do dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q '^install ok installed' || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	  echo "installing missing Debian packages: $$missing"; \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends $$missing >/dev/null || exit 1; \
	fi
	@command -v $(DOTNET) >/dev/null || { echo "the .NET SDK (dotnet) is needed: see README.md" >&2; exit 1; }
	@mkdir -p $(BUILD) && touch $@

# --- executables (Native AOT) ---------------------------------------------------------------------
define publish_rule
$(BUILD)/publish/$(1)/$(1): $(BUILD)/setup.stamp $(PROJ_$(1)) $(DEPS_$(1)) $(COMMON_SRC)
	@echo "publish $(1)"
	@$(PUBLISH) $(PROJ_$(1)) -o $(BUILD)/publish/$(1)
	@touch $$@
endef
$(foreach e,$(EXES),$(eval $(call publish_rule,$(e))))

# --- the shim -------------------------------------------------------------------------------------
$(BUILD)/libautodep.so: $(BUILD)/setup.stamp $(SHIM_SRC)
	@echo "cc libautodep.so"
	@$(CC) $(SHIM_FLAGS) -o $@ $(filter %.c,$(SHIM_SRC)) -ldl

# --- the namespace helper (static: the job's LD_PRELOAD must not load the shim into it) ---------------
$(BUILD)/job_namespace: $(BUILD)/setup.stamp $(NS_SRC)
	@echo "cc job_namespace"
	@$(CC) -O2 -Wall -Wextra -Werror -static -o $@ $(NS_SRC)

# --- install layout -------------------------------------------------------------------------------
install: $(INSTALL)/.stamp
# With PREFIX (packagers: PREFIX=/usr DESTDIR=$$pkgdir), the layout of _install/ is copied as it is (relative
# links, so it works wherever it lands). Only when `install` itself is asked: a PREFIX left in the environment
# (conda sets one) must not make `make test` write outside the checkout.
ifneq ($(and $(strip $(PREFIX)),$(filter install,$(MAKECMDGOALS))),)
	@dest='$(DESTDIR)$(PREFIX)'; mkdir -p "$$dest" && \
	  tar -C $(INSTALL) --owner=0 --group=0 -cf - bin _bin lib _lib share | tar -C "$$dest" -xf - && \
	  echo "installed in $$dest/"
endif
$(INSTALL)/.stamp: $(foreach e,$(EXES),$(BUILD)/publish/$(e)/$(e)) $(BUILD)/libautodep.so $(BUILD)/job_namespace $(PY_SRC) \
                   $(MAN_SRC) $(COMPLETION_SRC) Makefile
	@rm -rf $(INSTALL).new && mkdir -p $(INSTALL).new/{bin,_bin,lib,_lib}
	@for e in $(BIN_EXES); do cp $(BUILD)/publish/$$e/$$e $(INSTALL).new/bin/; done
	@for e in $(PRIV_EXES); do cp $(BUILD)/publish/$$e/$$e $(INSTALL).new/_bin/; done
	@$(foreach e,$(BIN_EXES) $(PRIV_EXES),$(foreach l,$(LINKS_$(e)),ln -s $(e) $(INSTALL).new/$(if $(filter $(e),$(BIN_EXES)),bin,_bin)/$(l);))
	@ln -s ../_bin/job_exec $(INSTALL).new/bin/lautodep
	@ln -s ../_bin/lmakeserver $(INSTALL).new/bin/lcache_repair
	@ln -s ../_bin/lmakeserver $(INSTALL).new/bin/lcache_server
	@ln -s ../_bin/lmakeserver $(INSTALL).new/bin/lcodec_repair
	@cp $(BUILD)/libautodep.so $(INSTALL).new/_lib/
	@cp $(BUILD)/job_namespace $(INSTALL).new/_bin/
	@cp -r src/python/lmake $(INSTALL).new/lib/lmake
	@cp src/python/usercustomize.py $(INSTALL).new/lib/
	@cp -r src/python-dijitso/dijitso $(INSTALL).new/lib/dijitso
	@if [ -d src/python/_lib ]; then cp -r src/python/_lib/. $(INSTALL).new/_lib/; fi
	@find $(INSTALL).new -name __pycache__ -prune -exec rm -rf {} +
	@mkdir -p $(INSTALL).new/share/man/man1 $(INSTALL).new/share/bash-completion/completions
	@cp $(MAN_SRC) $(INSTALL).new/share/man/man1/
	@cp $(COMPLETION_SRC) $(INSTALL).new/share/bash-completion/completions/lmake
	@for c in $(filter-out lmake,$(USER_CMDS)); do ln -s lmake $(INSTALL).new/share/bash-completion/completions/$$c; done
	@rm -rf $(INSTALL) && mv $(INSTALL).new $(INSTALL) && touch $@
	@echo "installed in $(INSTALL)/"

# --- tests ----------------------------------------------------------------------------------------
TEST_PROJECTS := $(sort $(wildcard tests/*/*.Tests.csproj))
test: install
	@rm -rf _test_results && mkdir -p _test_results
	@export LMAKE_TEST_INSTALL=$(abspath $(INSTALL)); \
	for p in $(TEST_PROJECTS); do \
	  n=$$(basename $$p .csproj); echo "== $$n"; \
	  $(DOTNET) test $$p -c Release --nologo -v quiet --logger "trx;LogFileName=$$n.trx" \
	    --results-directory _test_results 2>&1 | grep -vE '^\s*$$|^Results File:|^Test run for|^VSTest version|^A total of|^Starting test execution' ; \
	done; \
	python3 tests/summarize_trx.py _test_results $(foreach p,$(TEST_PROJECTS),$(basename $(notdir $(p))))

# --- FEniCS -----------------------------------------------------------------------------------------
# DOLFIN's Poisson demo on Debian's dijitso and on ours (tests/fenics/test_fenics.py). python3-dolfin pulls about
# 150 Debian packages, so it is installed here, on demand, and not by `make setup`.
.PHONY: test-fenics
test-fenics: install
	@if ! dpkg-query -W -f='$${Status}\n' python3-dolfin 2>/dev/null | grep -q '^install ok installed'; then \
	  echo "installing python3-dolfin (FEniCS 2019.2, with Debian's python3-dijitso)"; \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends python3-dolfin >/dev/null || exit 1; \
	fi
	@/usr/bin/python3 tests/fenics/test_fenics.py $(abspath $(INSTALL))

# --- faults ---------------------------------------------------------------------------------------
# The fault suite runs in `make test` with a few rounds a case; here with FAULT_ROUNDS each (kill -9, commands at
# once, damaged store files), its counts printed at the end (README.md, Reliability).
FAULT_ROUNDS ?= 100
.PHONY: faults
faults: install
	@rm -rf _fault_results && mkdir -p _fault_results
	@export LMAKE_TEST_INSTALL=$(abspath $(INSTALL)) FAULT_ROUNDS=$(FAULT_ROUNDS) FAULT_REPORT=$(abspath _fault_results/report.txt); \
	$(DOTNET) test tests/Lmake.Faults.Tests/Lmake.Faults.Tests.csproj -c Release --nologo -v quiet \
	  --logger "trx;LogFileName=Lmake.Faults.Tests.trx" --results-directory _fault_results 2>&1 \
	  | grep -vE '^\s*$$|^Results File:|^Test run for|^VSTest version|^A total of|^Starting test execution'; \
	cat _fault_results/report.txt; \
	python3 tests/summarize_trx.py _fault_results Lmake.Faults.Tests

# --- demo -----------------------------------------------------------------------------------------
# A real build of examples/hello in a fresh git repo: first build, a no-op, then a comment edit that the
# compile absorbs (steady: nothing after it runs).
DEMO := $(BUILD)/demo
demo: install
	@rm -rf $(DEMO) && mkdir -p $(DEMO) && cp examples/hello/* $(DEMO)/ && cd $(DEMO) && git init -q && git add -A
	@export PATH=$(abspath $(INSTALL))/bin:$$PATH && cd $(DEMO) && \
	  echo '$$ lmake hello.out' && lmake hello.out && echo '$$ cat hello.out' && cat hello.out && \
	  echo '$$ lmake hello.out    # again: nothing to do' && lmake hello.out && \
	  echo '// a comment' >> greeting.h && \
	  echo '$$ lmake hello.out    # after a comment in greeting.h: the compiles are steady, nothing else runs' && \
	  lmake hello.out && echo '$$ xxhsum hello.c hello' && xxhsum hello.c hello

# --- benchmarks -----------------------------------------------------------------------------------
# Each benchmark brings its own rules (bench/NAME/bench.mk, target bench-NAME).
include $(wildcard bench/*/bench.mk)

include lmake.tar.gz.mk

clean:
	rm -rf $(BUILD) $(INSTALL) $(INSTALL).new _test_results lmake.tar.gz
	find src tests bench -type d \( -name bin -o -name obj \) -prune -exec rm -rf {} +
