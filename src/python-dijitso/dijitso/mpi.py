# Roles of the processes of an mpi4py communicator for jit() (builder, receiver, waiter), found from which ranks
# share a physical cache directory (each rank leaves a mark in its directory, then reads the others' marks:
# two different paths may be one directory, and one path may be a different directory on each node), and the
# transfer of a built library over MPI. Only the caller's communicator is used; the native build never sees MPI.
import os
import uuid

from dijitso.log import error


def bcast_uuid(comm):
    """A random 64-bit number, the same on every rank of comm."""
    return comm.bcast(uuid.uuid4().int & (2 ** 64 - 1) if comm.rank == 0 else None, root=0)


def discover_path_access_ranks(comm, path):
    """The sorted ranks of comm that see the same directory `path` as this rank."""
    os.makedirs(path, exist_ok=True)
    prefix = ".rank.%x." % bcast_uuid(comm)  # unique to this call: no clash with leftovers or other jobs
    mark = os.path.join(path, prefix + str(comm.rank))
    open(mark, "wb").close()
    comm.Barrier()
    ranks = sorted(int(n[len(prefix):]) for n in os.listdir(path) if n.startswith(prefix))
    comm.Barrier()  # everyone has listed before anyone removes its mark
    try:
        os.unlink(mark)
    except OSError:
        pass
    return ranks


def gather_global_partitions(comm, partition):
    """The sorted distinct values of `partition` over comm."""
    return sorted(set(comm.allgather(partition)))


def create_subcomm(comm, ranks):
    """A communicator of `ranks` (COMM_NULL on the other ranks); collective over comm."""
    group = comm.Get_group()
    sub = group.Incl(list(ranks))
    try:
        return comm.Create(sub)
    finally:
        sub.Free()
        group.Free()


def create_node_comm(comm, comm_dir):
    """(node_comm, node_root): the ranks sharing this rank's physical comm_dir, and the lowest of them."""
    ranks = discover_path_access_ranks(comm, comm_dir)
    node_root = ranks[0]
    return comm.Split(node_root, ranks.index(comm.rank)), node_root


def create_node_roots_comm(comm, node_root):
    """A communicator of the node roots (COMM_NULL elsewhere)."""
    return create_subcomm(comm, gather_global_partitions(comm, node_root))


def create_comms_and_role_root(comm, node_comm, node_root):
    """Rank 0 builds and sends to one receiver per other directory; everyone waits within its directory."""
    copy_comm = create_node_roots_comm(comm, node_root)
    if comm.rank == 0:
        role = "builder"
    elif node_comm.rank == 0:
        role = "receiver"
    else:
        role = "waiter"
    return copy_comm, node_comm, role


def create_comms_and_role_node(comm, node_comm, node_root):
    """The lowest rank of each directory builds; the others of that directory wait."""
    return None, node_comm, ("builder" if node_comm.rank == 0 else "waiter")


def create_comms_and_role_process(comm, node_comm, node_root):
    """Every rank builds in its own directory; ranks sharing one is an error (they would build the same files)."""
    if node_comm.size > 1:
        error("dijitso: build on every process asked for, but ranks %s share one cache directory; "
              "give each process its own cache_dir" % (node_comm.allgather(comm.rank),))
    return None, None, "builder"


def create_comms_and_role(comm, comm_dir, buildon):
    """(copy_comm, wait_comm, role) for the strategy buildon: "root", "node" or "process".

    role is "builder", "receiver" or "waiter"; copy_comm carries the library from the builder to the receivers
    ("root" only), wait_comm is what each process waits on. Without a communicator (None): a lone builder.
    """
    if comm is None:
        return None, None, "builder"
    strategies = {"root": create_comms_and_role_root, "node": create_comms_and_role_node,
                  "process": create_comms_and_role_process}
    if buildon not in strategies:
        error("dijitso: invalid buildon=%r (one of root, node, process)" % (buildon,))
    node_comm, node_root = create_node_comm(comm, comm_dir)
    return strategies[buildon](comm, node_comm, node_root)


def send_binary(comm, lib_data):
    """Broadcast a library (numpy uint8 array) from rank 0 of comm."""
    import numpy
    if comm.rank != 0:
        error("dijitso: send_binary is called by rank 0 of the copy communicator, not rank %d" % comm.rank)
    size = numpy.array([lib_data.shape[0]], dtype=numpy.uint64)
    comm.Bcast(size, root=0)
    comm.Bcast(numpy.ascontiguousarray(lib_data, dtype=numpy.uint8) if lib_data.shape != (1,) else
               numpy.zeros(1, dtype=numpy.uint8), root=0)


def receive_binary(comm):
    """Receive what send_binary broadcast: the library's bytes, or a (1,) array when the build failed."""
    import numpy
    size = numpy.zeros(1, dtype=numpy.uint64)
    comm.Bcast(size, root=0)
    data = numpy.empty(int(size[0]), dtype=numpy.uint8)
    comm.Bcast(data, root=0)
    return data
