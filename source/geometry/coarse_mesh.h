#pragma once
// Helpers shared by the built-in geometries' .cc files (not part of the public API).
#include <algorithm>
#include <cmath>

namespace bmgfe::internal
{
  /// Number of cells of size <= h that span `length` (at least one).
  inline unsigned int n_cells(const double length, const double h)
  {
    return std::max(1u, static_cast<unsigned int>(std::ceil(length / h - 1e-9)));
  }
} // namespace bmgfe::internal
