# Run by PythonPackageTests as `mpirun -n 4 python3 mpi_jit.py MODE DIRS BASE CXX`: each rank uses the cache
# directory BASE/c(rank % DIRS), takes its role from dijitso.mpi.create_comms_and_role(MODE) over COMM_WORLD,
# and calls jit with the callbacks of that role, as an MPI program would; then calls the library. Each rank
# writes BASE/rank-R.json (rank, role, value): the launcher may mix the ranks' stdout within a line. A dijitso
# error is printed as one line and the rank exits 3.
import json
import os
import sys

from mpi4py import MPI

import dijitso
from dijitso.mpi import create_comms_and_role, send_binary, receive_binary

mode, dirs, base, cxx = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
comm = MPI.COMM_WORLD
cache_dir = os.path.join(base, "c%d" % (comm.rank % dirs))
params = dijitso.validate_params({"cache": {"cache_dir": cache_dir}, "build": {"cxx": cxx}})


def generate(jitable, name, signature, generator_params):
    return None, "extern \"C\" int answer() { return %d; }\n" % jitable, ()


try:
    comm_dir = os.path.join(cache_dir, params["cache"]["comm_dir"])
    copy_comm, wait_comm, role = create_comms_and_role(comm, comm_dir, mode)
    callbacks = {}
    if role == "builder":
        callbacks["generate"] = generate
        if copy_comm is not None and copy_comm != MPI.COMM_NULL and copy_comm.size > 1:
            callbacks["send"] = lambda data: send_binary(copy_comm, data)
    elif role == "receiver":
        callbacks["receive"] = lambda: receive_binary(copy_comm)
    if wait_comm is not None:
        callbacks["wait"] = wait_comm.Barrier
    lib, signature = dijitso.jit(42, "mpi_answer", params, **callbacks)
    with open(os.path.join(base, "rank-%d.json" % comm.rank), "w") as out:
        out.write(json.dumps({"rank": comm.rank, "role": role, "value": lib.answer()}))
except RuntimeError as e:
    print("rank %d: %s" % (comm.rank, e), flush=True)
    sys.exit(3)
