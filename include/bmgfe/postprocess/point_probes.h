#pragma once
// Field values at named points (centre, surface, ...) on a distributed mesh. Each point is
// located once; the rank that owns its cell evaluates it, the others contribute zero.
#include <deal.II/base/point.h>
#include <deal.II/dofs/dof_handler.h>
#include <deal.II/fe/mapping.h>

#include <functional>
#include <string>
#include <utility>
#include <vector>

namespace bmgfe
{
  /// Parse 'name: x, y[, z]; name: ...' (the entry `entry`, for messages); empty for "auto".
  /// Throws InputError for malformed text.
  template <int dim>
  std::vector<std::pair<std::string, dealii::Point<dim>>>
  parse_probe_points(const std::string &text, const std::string &entry);

  template <int dim>
  class PointProbes
  {
  public:
    /// Locate every point; a point outside the mesh by at most a cell (a curved surface) is
    /// moved to the nearest vertex (reported in `notes`); one farther away is an input error
    /// unless refuse_points_outside is false (points bmgfe generates itself, e.g. the ring
    /// profile line, which crosses a notch), when it is moved as well.
    bool refuse_points_outside = true;
    void initialize(const dealii::DoFHandler<dim> &dofs, const dealii::Mapping<dim> &mapping,
                    const std::vector<std::pair<std::string, dealii::Point<dim>>> &points,
                    std::vector<std::string> &notes);

    /// Values of a ghosted scalar field at all points, identical on every rank.
    template <typename VectorType>
    std::vector<double> evaluate(const VectorType &field) const;

    /// Values computed by f(cell, reference point) on the rank that owns each probe (cell of
    /// the DoF handler given to initialize()), `n_values` per probe, identical on all ranks.
    std::vector<std::vector<double>> evaluate_with(
      const std::function<std::vector<double>(
        const typename dealii::DoFHandler<dim>::active_cell_iterator &, const dealii::Point<dim> &)> &f,
      unsigned int n_values) const;

    const std::vector<std::pair<std::string, dealii::Point<dim>>> &points() const { return probes; }

  private:
    struct Location
    {
      typename dealii::DoFHandler<dim>::active_cell_iterator cell;
      dealii::Point<dim> reference_point;
      bool               owned = false;
    };
    const dealii::DoFHandler<dim> *dof_handler = nullptr;
    const dealii::Mapping<dim>    *mapping     = nullptr;
    std::vector<std::pair<std::string, dealii::Point<dim>>> probes;
    std::vector<Location> locations;
  };
} // namespace bmgfe
