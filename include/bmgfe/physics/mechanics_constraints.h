#pragma once
// Displacement constraints of the mechanics at time t (doc/model.md "Thermo-elasticity",
// "Loading programme"): hanging nodes, fixed components, symmetry planes, prescribed
// displacements, the rigid platens of the loading programme and point constraints. Apart
// from MechanicsProblem because they depend on the mesh and the parameters only, not on the
// material or the solution.
#include <bmgfe/physics/mechanics_parameters.h>

#include <deal.II/base/index_set.h>
#include <deal.II/distributed/tria.h>
#include <deal.II/dofs/dof_handler.h>
#include <deal.II/fe/mapping.h>
#include <deal.II/lac/affine_constraints.h>

#include <functional>

#include <map>
#include <vector>

namespace bmgfe
{
  /// The platens of a run that starts from a previous run's state (doc/model.md, "Runs that
  /// continue a previous run"). First solve (`released`): no platen holds the body; the
  /// residual stress finds its equilibrium with only the rigid-body motion along the load
  /// axis pinned at `pins` (vertices of the supported end: one in axisymmetric models, two
  /// in plane sections, three in 3D; the other rigid-body modes are held by the run's own
  /// point constraints, as for any frictionless platen). Afterwards every platen DoF of the
  /// load component holds `offsets` (the displacement of that equilibrium) plus the
  /// programme's displacement: zero platen displacement is the residual-stress state.
  template <int dim>
  struct PlatenReference
  {
    bool                                     released = false;
    std::vector<dealii::Point<dim>>          pins;
    std::map<dealii::types::global_dof_index, double> offsets; ///< locally relevant DoFs
  };

  /// Clears `constraints`, reinitialises it on the locally relevant DoFs `relevant` and fills
  /// and closes it for time t (`loading`: the programme with its gauge length). Returns true
  /// when some constraints are inhomogeneous (prescribed displacements or platens), i.e.
  /// change with t. Collective (symmetry planes and point constraints agree over the ranks).
  template <int dim>
  bool make_displacement_constraints(const dealii::DoFHandler<dim> &dofs,
                                     const dealii::Mapping<dim> &mapping,
                                     const MechanicsParameters &prm,
                                     const LoadingProgramme &loading,
                                     const dealii::IndexSet &relevant, double t,
                                     dealii::AffineConstraints<double> &constraints,
                                     const PlatenReference<dim> *reference = nullptr);

  /// The platen DoFs (load component, both platens) among the locally relevant ones, each
  /// with the value `u` gives it: the offsets of a PlatenReference.
  template <int dim>
  std::map<dealii::types::global_dof_index, double>
  platen_dof_values(const dealii::DoFHandler<dim> &dofs, const dealii::Mapping<dim> &mapping,
                    const LoadingProgramme &loading, const dealii::IndexSet &relevant,
                    const std::function<double(dealii::types::global_dof_index)> &u);

  /// The vertices of the supported platen's boundary that pin the rigid-body motion along the
  /// load axis when the platens are released (see PlatenReference): the same on every rank.
  /// Collective.
  template <int dim>
  std::vector<dealii::Point<dim>> platen_pins(const dealii::DoFHandler<dim> &dofs,
                                              const LoadingProgramme &loading, bool axisymmetric);

  /// The extent of the body along coordinate `component` (the automatic gauge length of the
  /// loading programme). Collective.
  template <int dim>
  double body_extent(const dealii::parallel::distributed::Triangulation<dim> &tria,
                     unsigned int component);
} // namespace bmgfe
