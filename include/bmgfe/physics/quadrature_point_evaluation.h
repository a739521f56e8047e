#pragma once
// The displacement's strain and the temperature at every quadrature point of the mechanics, cell
// by cell, for the passes that only read fields (the state update of the linear models, the
// statistics and other postprocessors): one vectorised deal.II MatrixFree pass (sum
// factorisation, the mapping's Jacobians computed once at set-up) instead of an FEValues reinit
// per cell. On the 3D reference problem an FEValues pass costs about 3 us per cell; this one a
// fraction of it, for about 100 bytes of stored mapping data per quadrature point.
//
// The quadrature points of a cell come in the order of QGauss<dim> (tensor product, x fastest)
// as in FEValues, the cells in the order of the active cells, as an FEValues loop visits them.
// The MatrixFree headers stay in the .cc file.
#include <bmgfe/base/kinematics.h>

#include <deal.II/base/point.h>
#include <deal.II/base/symmetric_tensor.h>
#include <deal.II/dofs/dof_handler.h>
#include <deal.II/fe/mapping.h>

#include <functional>
#include <memory>
#include <vector>

namespace bmgfe
{
  /// Positions and integration weights (JxW, without the 2 pi r of axisymmetric models) of the
  /// quadrature points of one cell.
  template <int dim>
  struct CellQuadraturePoints
  {
    std::vector<dealii::Point<dim>> positions;
    std::vector<double>             JxW;
  };

  template <int dim>
  class QuadraturePointEvaluation
  {
  public:
    using CellIterator = typename dealii::DoFHandler<dim>::active_cell_iterator;
    /// f(mechanics cell, points, temperature at the points, strains at the points (empty
    /// without `with_strains`)).
    using Visitor = std::function<void(const CellIterator &, const CellQuadraturePoints<dim> &,
                                       const std::vector<double> &,
                                       const std::vector<dealii::SymmetricTensor<2, 3>> &)>;

    /// `n_points_1d` Gauss points per direction (the mechanics' QGauss(p + 1)). Both DoF
    /// handlers on the same triangulation; the displacement's has dim components.
    QuadraturePointEvaluation(const dealii::Mapping<dim> &mapping, const dealii::DoFHandler<dim> &displacement_dofs,
                              const dealii::DoFHandler<dim> &temperature_dofs, unsigned int n_points_1d,
                              Kinematics kinematics);
    ~QuadraturePointEvaluation();

    /// Whether this object was built for these DoF handlers as they are now (same objects,
    /// same numbers of DoFs and cells).
    bool matches(const dealii::DoFHandler<dim> &displacement_dofs,
                 const dealii::DoFHandler<dim> &temperature_dofs) const;

    /// Visit every locally owned cell. `displacement` and `temperature` are ghosted parallel
    /// vectors of either backend (anything with operator() for its locally relevant entries).
    /// The out-of-plane strain of generalized plane strain is `axial_strain`.
    template <typename VectorType>
    void visit(const VectorType &displacement, const VectorType &temperature, bool with_strains,
               double axial_strain, const Visitor &f) const;

  private:
    struct Data;
    std::unique_ptr<Data> data;
  };
} // namespace bmgfe
