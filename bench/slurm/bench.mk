# make bench-slurm: what lmake adds per trivial job run through its Slurm backend, against `sbatch --wait` of the
# same job, on a single-node Slurm cluster started on loopback for the run. See bench/slurm/run.sh.
.PHONY: bench-slurm
bench-slurm: install
	@bash bench/slurm/run.sh $(abspath $(INSTALL))
