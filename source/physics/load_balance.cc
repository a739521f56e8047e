#include <bmgfe/base/input_error.h>
#include <bmgfe/physics/load_balance.h>

#include <deal.II/base/mpi.h>
#include <deal.II/base/parameter_handler.h>

#include <algorithm>
#include <cmath>

namespace bmgfe
{
  void LoadBalanceParameters::declare_parameters(dealii::ParameterHandler &prm)
  {
    using namespace dealii::Patterns;
    prm.enter_subsection("Load balance");
    prm.declare_entry(
      "Repartition", "true", Bool(),
      "Plastic models on more than one MPI rank: after a converged time step, estimate the "
      "imbalance of the material-point work (the largest rank's sum of the cell weights over "
      "their mean; a point costs 1, a point that yielded in that step 'Plastic point cost') and, "
      "above 'Imbalance threshold', repartition the mesh with these weights (p4est), moving the "
      "fields, every quadrature point's state and the postprocessors' state as a checkpoint "
      "does. Results change only at the level of the solver tolerances (the solvers restart as "
      "after a checkpoint). Ignored on one rank and without plasticity.");
    prm.declare_entry("Imbalance threshold", "1.2", Double(1),
                      "Repartition when the largest rank's weight exceeds this times the mean "
                      "(1: after every step whose partition is not exactly balanced).");
    prm.declare_entry("Plastic point cost", "2", Double(1),
                      "Cost of a quadrature point that yielded in the last converged step "
                      "relative to one that stayed elastic, in the cell weights (the return "
                      "map, its eigen-decomposition and local iterations, the non-symmetric "
                      "tangent). Measured on benchmarks/plasticity (3D rod, Q2): see "
                      "doc/model.md \"Load balance\".");
    prm.leave_subsection();
  }

  void LoadBalanceParameters::parse_parameters(dealii::ParameterHandler &prm)
  {
    prm.enter_subsection("Load balance");
    repartition         = prm.get_bool("Repartition");
    imbalance_threshold = prm.get_double("Imbalance threshold");
    plastic_point_cost  = prm.get_double("Plastic point cost");
    prm.leave_subsection();
    require(std::isfinite(imbalance_threshold) && imbalance_threshold >= 1,
            "entry 'Mechanics/Load balance/Imbalance threshold'", "must be at least 1");
    require(std::isfinite(plastic_point_cost) && plastic_point_cost >= 1 && plastic_point_cost <= 1e4,
            "entry 'Mechanics/Load balance/Plastic point cost'", "must be between 1 and 1e4");
  }

  namespace load_balance
  {
    unsigned int weight_of_cost(const double cost)
    {
      return static_cast<unsigned int>(std::max(1.0, std::round(weight_scale * cost)));
    }

    double imbalance(const double local, const MPI_Comm comm)
    {
      const double total = dealii::Utilities::MPI::sum(local, comm);
      const double most  = dealii::Utilities::MPI::max(local, comm);
      const double n     = dealii::Utilities::MPI::n_mpi_processes(comm);
      return total > 0 ? most / (total / n) : 1.0;
    }
  } // namespace load_balance
} // namespace bmgfe
