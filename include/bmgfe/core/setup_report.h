#pragma once
// The start-up report of a run: model, mesh, material, the protocol with its Biot numbers and the
// viscous model's calibration, written before the first step (console and log.txt).
#include <bmgfe/core/parameters.h>
#include <bmgfe/physics/heat_problem.h>
#include <bmgfe/physics/mechanics_problem.h>

#include <ostream>

namespace bmgfe
{
  /// Collective (volumes and areas are summed over the ranks); `out` is only written on the ranks
  /// whose stream writes (rank 0's console).
  template <int dim, typename LA>
  void report_setup(std::ostream &out, const Parameters &parameters,
                    const dealii::parallel::distributed::Triangulation<dim> &triangulation,
                    const DomainInfo<dim> &domain, const HeatProblem<dim, LA> &heat,
                    const MechanicsProblem<dim, LA> *mechanics);
} // namespace bmgfe
