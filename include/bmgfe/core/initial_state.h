#pragma once
// 'Material/Free volume/Initial state': the free volume (and the viscous strain) of every
// quadrature point from a previous run's output (io/snapshot_reader.h), so that a run continues
// the thermal history of another one (e.g. the HTC treatment of the cast rod).
#include <bmgfe/core/parameters.h>
#include <bmgfe/physics/mechanics_problem.h>

#include <deal.II/base/function.h>

#include <memory>
#include <string>

namespace bmgfe
{
  /// Set the state of `mechanics` from the snapshot at `path`. Collective; throws InputError
  /// naming the entry (missing file, points outside the old mesh). Returns the line for the
  /// start-up report.
  template <int dim, typename LA>
  std::string read_initial_state(MechanicsProblem<dim, LA> &mechanics, const Parameters &parameters,
                                 const std::string &path, MPI_Comm comm);

  /// 'Heat/Initial temperature = initial state': the temperature field (temperature_K) of the
  /// snapshot of 'Material/Free volume/Initial state', mapped as 'Initial state geometry'
  /// says. Throws InputError naming the entries (no initial state, no temperature field);
  /// value() throws InputError for a point outside the old mesh.
  template <int dim>
  std::unique_ptr<dealii::Function<dim>> initial_state_temperature(const Parameters &parameters);
} // namespace bmgfe
