#pragma once
// Values of a scalar finite-element field at the quadrature points of one cell, from the
// cell's DoF values and the shape values of an FEValues object already reinit()ed on it.
// FEValues::get_function_values does the same, but allocates a dealii::Vector of the cell's
// DoF values on every call for vectors other than deal.II's own; the heat assembly and the
// material-point loops call it for every cell in every iteration. Include from .cc files only.
#include <deal.II/dofs/dof_handler.h>
#include <deal.II/fe/fe_values.h>

#include <vector>

namespace bmgfe
{
  /// values[q] = sum_i u_i phi_i(x_q) for a scalar element; `dof_values` is scratch (resized).
  template <int dim, typename VectorType, typename CellIterator>
  void scalar_cell_values(const dealii::FEValuesBase<dim> &fv, const CellIterator &cell,
                          const VectorType &u, std::vector<double> &dof_values,
                          std::vector<double> &values)
  {
    const unsigned int n = fv.dofs_per_cell, nq = fv.n_quadrature_points;
    dof_values.resize(n);
    cell->get_dof_values(u, dof_values.begin(), dof_values.end());
    values.resize(nq);
    for (unsigned int q = 0; q < nq; ++q)
      {
        double v = 0;
        for (unsigned int i = 0; i < n; ++i)
          v += dof_values[i] * fv.shape_value(i, q);
        values[q] = v;
      }
  }
} // namespace bmgfe
