#pragma once
// Fields at many points of a distributed mesh at once (scan pixels, profile lines, section
// grids): every point is located in one pass, the lowest rank that owns a cell holding it
// evaluates it, and one reduction gives every rank all values. Points in no cell are outside
// (NaN), never moved: a sampled map shows the body's outline as it is.
#include <deal.II/base/point.h>
#include <deal.II/grid/tria.h>

#include <mpi.h>

#include <cstddef>
#include <functional>
#include <utility>
#include <vector>

namespace dealii
{
  template <int dim, int spacedim>
  class Mapping;
  class ParameterHandler;
}

namespace bmgfe
{
  namespace postprocess
  {
    /// The entry 'Material state' of a sampling postprocessor (in the current subsection): how
    /// the material-point state is read at a point between Gauss points.
    void declare_material_state_entry(dealii::ParameterHandler &prm);
    /// Whether 'Material state' is 'nearest Gauss point' (else 'interpolated').
    bool nearest_gauss_point_state(const dealii::ParameterHandler &prm);

    template <int dim>
    class PointSampler
    {
    public:
      using Cell = typename dealii::Triangulation<dim, dim>::active_cell_iterator;
      /// Computes `n_values` numbers for point `i` at `reference` in `cell` (a locally owned
      /// cell of the triangulation) into `values`.
      using Evaluator =
        std::function<void(const Cell &cell, const dealii::Point<dim> &reference, std::size_t i, double *values)>;

      /// Locate `points` (model coordinates) on the triangulation. Collective.
      void locate(const dealii::Triangulation<dim, dim> &triangulation, const dealii::Mapping<dim, dim> &mapping,
                  const std::vector<dealii::Point<dim>> &points, MPI_Comm comm);

      std::size_t size() const { return owner.size(); }
      /// Whether point i lies in the mesh (the same on every rank).
      bool inside(std::size_t i) const { return owner[i] != nobody; }
      std::size_t n_inside() const;

      /// `n_values` per point (point i at [i * n_values, (i + 1) * n_values)), NaN outside, the
      /// same on every rank. Collective.
      std::vector<double> evaluate(const Evaluator &f, unsigned int n_values) const;

    private:
      static constexpr unsigned int nobody = static_cast<unsigned int>(-1);
      MPI_Comm                      comm = MPI_COMM_NULL;
      unsigned int                  rank = 0;
      std::vector<unsigned int>     owner;
      /// The cell and reference point of every point this rank evaluates.
      std::vector<std::pair<Cell, dealii::Point<dim>>> found;
    };
  } // namespace postprocess
} // namespace bmgfe
