#pragma once
// Load balance of the plastic models (issue 17): p4est cell weights from the cost of the
// material-point update, and the estimate of the imbalance that decides whether the simulator
// repartitions the mesh after a converged step ('Mechanics/Load balance', doc/model.md
// "Load balance"). The repartitioning itself moves every piece of state with the checkpoint
// machinery (core/simulator_checkpoint.cc, Simulator::balance_load).
//
// Cost model: a quadrature point costs 1 (an elastic point: its share of the assembly, of the
// solve and of the postprocessing), a point that yielded in the last converged step
// (CommittedPointState::plastic_power > 0) costs 'Plastic point cost' (the return map with its
// eigen-decomposition and local Newton iterations, and the non-symmetric tangent). A cell's
// weight is the sum over its points, in units of 1/weight_scale of an elastic point.
#include <bmgfe/materials/point_history.h>

#include <mpi.h>

#include <memory>
#include <vector>

namespace dealii
{
  class ParameterHandler;
}

namespace bmgfe
{
  /// 'Mechanics/Load balance'.
  struct LoadBalanceParameters
  {
    /// Repartition when the imbalance exceeds the threshold (plastic models on more than one
    /// rank only).
    bool   repartition = true;
    double imbalance_threshold = 1.2;
    /// Cost of a point that yielded in the last converged step, relative to an elastic one.
    double plastic_point_cost = 2;

    /// Declares the subsection 'Load balance' in the current subsection (Mechanics).
    static void declare_parameters(dealii::ParameterHandler &prm);
    /// Reads it (the handler inside 'Mechanics'). Throws InputError naming the entry.
    void parse_parameters(dealii::ParameterHandler &prm);
  };

  namespace load_balance
  {
    /// Weight units of one elastic point (p4est takes integer weights).
    constexpr double weight_scale = 100;
    /// Whether the point yielded in the last converged step (its committed plastic power).
    inline bool yielded(const CommittedPointState &p) { return p.plastic_power > 0; }
    /// The cost of one point: 1 (elastic) or `plastic_point_cost`.
    inline double point_cost(const CommittedPointState &p, const double plastic_point_cost)
    {
      return yielded(p) ? plastic_point_cost : 1.0;
    }
    /// The p4est weight of a cell whose points cost `cost` in sum: weight_scale times it,
    /// rounded, at least 1.
    unsigned int weight_of_cost(double cost);
    /// The p4est weight of a cell with these points (shared pointers to MaterialPointState,
    /// as CellDataStorage gives them).
    template <typename Points>
    unsigned int cell_weight(const Points &points, const double plastic_point_cost)
    {
      double cost = 0;
      for (const auto &p : points)
        cost += point_cost(*p, plastic_point_cost);
      return weight_of_cost(cost);
    }
    /// max over the ranks of `local` / its mean over the ranks (1 for a balanced partition;
    /// 1 when every rank has 0). Collective.
    double imbalance(double local, MPI_Comm comm);
  } // namespace load_balance
} // namespace bmgfe
