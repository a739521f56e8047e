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

namespace bmgfe
{
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
                                     dealii::AffineConstraints<double> &constraints);

  /// The extent of the body along coordinate `component` (the automatic gauge length of the
  /// loading programme). Collective.
  template <int dim>
  double body_extent(const dealii::parallel::distributed::Triangulation<dim> &tria,
                     unsigned int component);
} // namespace bmgfe
