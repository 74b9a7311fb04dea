# make bench-dijitso: cache-hit latency of `dijitso jit` against the Python original (Debian's python3-dijitso)
# in the same run, what a miss costs beyond the compiler's own time, our Python package's hit against the
# original's, and DOLFIN's Poisson demo cold and warm on both (python3-dolfin: installed here, about 150 Debian
# packages). See bench/dijitso/run.sh.
.PHONY: bench-dijitso
bench-dijitso: install
	@if ! dpkg-query -W -f='$${Status}\n' python3-dolfin 2>/dev/null | grep -q '^install ok installed'; then \
	  echo "installing python3-dolfin (FEniCS, with python3-dijitso: the reference)"; \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends python3-dolfin >/dev/null || exit 1; \
	fi
	@bash bench/dijitso/run.sh $(abspath $(INSTALL))
