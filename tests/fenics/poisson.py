# The Poisson problem as DOLFIN 2019 users write it: -div(grad(u)) = f on the unit square (32x32 cells, P2
# Lagrange elements), f an Expression (a Gaussian bump, JIT-compiled C++), u = 0 on the boundary (a
# DirichletBC whose "on_boundary" sub-domain is JIT-compiled too). Prints one JSON line: the l2 norm of the
# solution's coefficient vector, the MPI size, and which dijitso module DOLFIN used. (The vector norm keeps the
# count at 8 libraries: 3 elements, a coordinate mapping, the 2 forms, the expression and the sub-domain.)
import json

import dijitso
from dolfin import (Constant, DirichletBC, Expression, Function, FunctionSpace, MPI, TestFunction, TrialFunction,
                    UnitSquareMesh, dx, grad, inner, solve)

mesh = UnitSquareMesh(32, 32)
V = FunctionSpace(mesh, "Lagrange", 2)
bc = DirichletBC(V, Constant(0.0), "on_boundary")
f = Expression("10*exp(-(pow(x[0] - 0.5, 2) + pow(x[1] - 0.5, 2)) / 0.02)", degree=2)
u, v = TrialFunction(V), TestFunction(V)
solution = Function(V)
solve(inner(grad(u), grad(v)) * dx == f * v * dx, solution, bc)
result = {"norm": solution.vector().norm("l2"), "size": MPI.size(mesh.mpi_comm()), "dijitso": dijitso.__file__}
if MPI.rank(mesh.mpi_comm()) == 0:
    print(json.dumps(result), flush=True)
