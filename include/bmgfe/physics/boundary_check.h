#pragma once
// Boundary conditions against the mesh: every boundary id named in Heat/Boundary conditions and
// Mechanics/Boundary conditions must exist, every boundary of the mesh needs a heat condition,
// and a mechanical body needs supports. Throws InputError naming the entry.
#include <bmgfe/physics/heat_parameters.h>
#include <bmgfe/physics/mechanics_parameters.h>

#include <deal.II/base/types.h>

#include <string>
#include <vector>

namespace bmgfe
{
  /// `ids`: the boundary ids of the mesh; `description`: the mesh's description (messages).
  void check_boundary_conditions(const std::vector<dealii::types::boundary_id> &ids,
                                 const std::string &description, const HeatParameters &heat,
                                 const MechanicsParameters &mechanics);
} // namespace bmgfe
