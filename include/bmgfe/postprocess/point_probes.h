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

namespace dealii
{
  class ParameterHandler;
}

namespace bmgfe
{
  /// Section "Statistics": probe points and an optional closed-form reference solution.
  struct StatisticsParameters
  {
    /// "auto" (the geometry's centre and surface) or "name: x, y[, z]; name: ...".
    std::string points = "auto";
    /// "none" or "cylinder cooling" (CylinderRobinCooling, doc/model.md §8).
    std::string reference_solution = "none";
    /// "none" or the exact displacement, one expression of x, y, (z), t per component
    /// separated by ';' (u_r; u_z in axisymmetric models): its L2 error goes into the
    /// statistics (verification runs).
    std::string reference_displacement = "none";
    /// Times [s] at which centre-to-edge profiles and ring statistics are written (always
    /// also at the end), the number of rings, and the axial range [z_min, z_max] of the
    /// samples (empty: the whole rod).
    std::vector<double> profile_times;
    unsigned int        n_rings = 10;
    std::vector<double> ring_axial_range;

    static void declare_parameters(dealii::ParameterHandler &prm);
    void        parse_parameters(dealii::ParameterHandler &prm);

    /// Parsed list; empty for "auto". Throws InputError for malformed text.
    template <int dim>
    std::vector<std::pair<std::string, dealii::Point<dim>>> parse_points() const;
  };

  template <int dim>
  class PointProbes
  {
  public:
    /// Locate every point; a point outside the mesh is moved to the nearest vertex
    /// (reported in `notes`).
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
