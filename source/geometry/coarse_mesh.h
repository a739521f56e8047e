#pragma once
// Helpers shared by the built-in geometries' .cc files (not part of the public API).
#include <bmgfe/base/input_error.h>

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

namespace bmgfe::internal
{
  /// Number of cells of size <= h that span `length` (at least one). A coarse mesh has at
  /// most 10000 cells along an edge ('Global refinement' makes finer meshes); more is an
  /// InputError naming 'Geometry/Mesh size'.
  inline unsigned int n_cells(const double length, const double h)
  {
    require(length / h <= 1e4, "entry 'Geometry/Mesh size'",
            value_text(h) + " m gives more than 10000 cells along a length of " +
              value_text(length) + " m (is the mesh size in m?)");
    return std::max(1u, static_cast<unsigned int>(std::ceil(length / h - 1e-9)));
  }

  /// A coarse mesh of about `cells` cells (before any refinement) is built only if that is at
  /// most 10^6; more is an InputError naming 'Geometry/Mesh size' (its creation alone would
  /// take minutes; 'Global refinement' makes fine meshes, bounded by a memory estimate).
  inline void require_coarse_cells(const double cells, const double h)
  {
    require(cells <= 1e6, "entry 'Geometry/Mesh size'",
            value_text(h) + " m gives a coarse mesh of about " + value_text(std::round(cells)) +
              " cells, more than 1e6 (a coarser 'Mesh size' and 'Global refinement' give fine "
              "meshes)");
  }

  /// require_coarse_cells() for the subdivisions `rep` of a box.
  inline void require_coarse_cells(const std::vector<unsigned int> &rep, const double h)
  {
    double cells = 1;
    for (const auto n : rep)
      cells *= n;
    require_coarse_cells(cells, h);
  }
} // namespace bmgfe::internal
