#include <bmgfe/linear_algebra/backend.h>
#include <bmgfe/physics/quadrature_point_evaluation.h>

#include <deal.II/base/quadrature_lib.h>
#include <deal.II/lac/affine_constraints.h>
#include <deal.II/lac/la_parallel_vector.h>
#include <deal.II/matrix_free/fe_evaluation.h>
#include <deal.II/matrix_free/matrix_free.h>

#include <algorithm>

namespace bmgfe
{
  using namespace dealii;

  template <int dim>
  struct QuadraturePointEvaluation<dim>::Data
  {
    MatrixFree<dim, double>   matrix_free;
    const DoFHandler<dim>    *displacement_dofs = nullptr, *temperature_dofs = nullptr;
    types::global_dof_index   n_displacement_dofs = 0, n_temperature_dofs = 0;
    types::global_cell_index  n_cells = 0;
    Kinematics                kinematics = Kinematics::three_dimensional;
    // Copies of the backend's vectors in MatrixFree's layout (with its ghosts) and the owned
    // indices to copy, as a list for extract_subvector_to().
    mutable LinearAlgebra::distributed::Vector<double> displacement, temperature;
    std::vector<types::global_dof_index>               owned_displacement, owned_temperature;
    /// (cell batch, lane) of every locally owned cell in the order of the active cells, so that
    /// the visitors sum in the same order as an FEValues loop would (statistics reproduce to
    /// round-off of the strains alone, not of a reordered sum).
    std::vector<std::pair<unsigned int, unsigned int>> cells_in_order;
  };

  template <int dim>
  QuadraturePointEvaluation<dim>::QuadraturePointEvaluation(const Mapping<dim>    &mapping,
                                                            const DoFHandler<dim> &displacement_dofs,
                                                            const DoFHandler<dim> &temperature_dofs,
                                                            const unsigned int     n_points_1d,
                                                            const Kinematics       kinematics)
    : data(std::make_unique<Data>())
  {
    data->displacement_dofs   = &displacement_dofs;
    data->temperature_dofs    = &temperature_dofs;
    data->n_displacement_dofs = displacement_dofs.n_dofs();
    data->n_temperature_dofs  = temperature_dofs.n_dofs();
    data->n_cells             = displacement_dofs.get_triangulation().n_global_active_cells();
    data->kinematics          = kinematics;
    // No constraints: the passes read the solution as it is (read_dof_values_plain), where
    // hanging and Dirichlet values are already set.
    AffineConstraints<double> none;
    none.close();
    typename MatrixFree<dim, double>::AdditionalData additional;
    additional.tasks_parallel_scheme = MatrixFree<dim, double>::AdditionalData::none;
    additional.mapping_update_flags =
      update_values | update_gradients | update_JxW_values | update_quadrature_points;
    const std::vector<const DoFHandler<dim> *>           handlers{&displacement_dofs, &temperature_dofs};
    const std::vector<const AffineConstraints<double> *> constraints{&none, &none};
    data->matrix_free.reinit(mapping, handlers, constraints, QGauss<1>(n_points_1d), additional);
    data->matrix_free.initialize_dof_vector(data->displacement, 0);
    data->matrix_free.initialize_dof_vector(data->temperature, 1);
    for (const auto i : data->displacement.locally_owned_elements())
      data->owned_displacement.push_back(i);
    for (const auto i : data->temperature.locally_owned_elements())
      data->owned_temperature.push_back(i);
    std::vector<std::pair<unsigned int, std::pair<unsigned int, unsigned int>>> by_index;
    const auto &mf = data->matrix_free;
    for (unsigned int batch = 0; batch < mf.n_cell_batches(); ++batch)
      for (unsigned int lane = 0; lane < mf.n_active_entries_per_cell_batch(batch); ++lane)
        by_index.push_back({mf.get_cell_iterator(batch, lane, 0)->active_cell_index(), {batch, lane}});
    std::sort(by_index.begin(), by_index.end());
    for (const auto &entry : by_index)
      data->cells_in_order.push_back(entry.second);
  }

  template <int dim>
  QuadraturePointEvaluation<dim>::~QuadraturePointEvaluation() = default;

  template <int dim>
  bool QuadraturePointEvaluation<dim>::matches(const DoFHandler<dim> &displacement_dofs,
                                               const DoFHandler<dim> &temperature_dofs) const
  {
    return data->displacement_dofs == &displacement_dofs && data->temperature_dofs == &temperature_dofs &&
           data->n_displacement_dofs == displacement_dofs.n_dofs() &&
           data->n_temperature_dofs == temperature_dofs.n_dofs() &&
           data->n_cells == displacement_dofs.get_triangulation().n_global_active_cells();
  }

  namespace
  {
    template <typename VectorType>
    void copy_owned(const VectorType &source, const std::vector<types::global_dof_index> &indices,
                    LinearAlgebra::distributed::Vector<double> &target)
    {
      std::vector<double> values(indices.size());
      source.extract_subvector_to(indices.begin(), indices.end(), values.begin());
      for (std::size_t k = 0; k < values.size(); ++k)
        target.local_element(k) = values[k];
      target.update_ghost_values();
    }
  } // namespace

  template <int dim>
  template <typename VectorType>
  void QuadraturePointEvaluation<dim>::visit(const VectorType &displacement, const VectorType &temperature,
                                             const bool with_strains, const double axial_strain,
                                             const Visitor &f) const
  {
    const auto &mf = data->matrix_free;
    copy_owned(temperature, data->owned_temperature, data->temperature);
    if (with_strains)
      copy_owned(displacement, data->owned_displacement, data->displacement);

    FEEvaluation<dim, -1, 0, dim, double> phi_u(mf, 0);
    FEEvaluation<dim, -1, 0, 1, double>   phi_T(mf, 1);
    const unsigned int                    nq = phi_T.n_q_points;
    CellQuadraturePoints<dim>             points;
    points.positions.resize(nq);
    points.JxW.resize(nq);
    std::vector<double>                T(nq);
    std::vector<SymmetricTensor<2, 3>> strains(with_strains ? nq : 0);
    unsigned int evaluated = numbers::invalid_unsigned_int;
    for (const auto &[batch, lane] : data->cells_in_order)
      {
        if (batch != evaluated)
          {
            // Lanes of one batch are usually neighbours in the active order; a batch whose lanes
            // are not is evaluated again (without SIMD, as in Debian's deal.II, a batch is a cell).
            phi_T.reinit(batch);
            phi_T.read_dof_values_plain(data->temperature);
            phi_T.evaluate(EvaluationFlags::values);
            if (with_strains)
              {
                phi_u.reinit(batch);
                phi_u.read_dof_values_plain(data->displacement);
                phi_u.evaluate(EvaluationFlags::values | EvaluationFlags::gradients);
              }
            evaluated = batch;
          }
        for (unsigned int q = 0; q < nq; ++q)
          {
            const auto x = phi_T.quadrature_point(q);
            for (unsigned int d = 0; d < dim; ++d)
              points.positions[q][d] = x[d][lane];
            points.JxW[q] = phi_T.JxW(q)[lane];
            T[q]          = phi_T.get_value(q)[lane];
            if (!with_strains)
              continue;
            const auto             grad = phi_u.get_gradient(q);
            SymmetricTensor<2, 3> &e    = strains[q];
            e                           = SymmetricTensor<2, 3>();
            for (unsigned int a = 0; a < dim; ++a)
              for (unsigned int b = a; b < dim; ++b)
                e[a][b] = 0.5 * (grad[a][b][lane] + grad[b][a][lane]);
            // The out-of-plane strain as in MechanicsProblem::total_strain().
            if (data->kinematics == Kinematics::axisymmetric)
              {
                const double r = points.positions[q][0];
                e[2][2]        = r > 0 ? phi_u.get_value(q)[0][lane] / r : grad[0][0][lane];
              }
            else if (data->kinematics == Kinematics::generalized_plane_strain)
              e[2][2] = axial_strain;
          }
        f(mf.get_cell_iterator(batch, lane, 0), points, T, strains);
      }
  }

  template class QuadraturePointEvaluation<2>;
  template class QuadraturePointEvaluation<3>;
  template void QuadraturePointEvaluation<2>::visit(const linear_algebra::Trilinos::Vector &,
                                                    const linear_algebra::Trilinos::Vector &, bool, double,
                                                    const Visitor &) const;
  template void QuadraturePointEvaluation<3>::visit(const linear_algebra::Trilinos::Vector &,
                                                    const linear_algebra::Trilinos::Vector &, bool, double,
                                                    const Visitor &) const;
  template void QuadraturePointEvaluation<2>::visit(const linear_algebra::PETSc::Vector &,
                                                    const linear_algebra::PETSc::Vector &, bool, double,
                                                    const Visitor &) const;
  template void QuadraturePointEvaluation<3>::visit(const linear_algebra::PETSc::Vector &,
                                                    const linear_algebra::PETSc::Vector &, bool, double,
                                                    const Visitor &) const;
} // namespace bmgfe
