#pragma once
// L2 projection of fields known at quadrature points (stresses, strains, free volume, ...) onto
// continuous Lagrange elements: M f_h = b, M_ij = int phi_i phi_j dx, b_i = int f phi_i dx with f
// at the quadrature points where the material state lives. The result is continuous, so line
// plots are smooth and a traction-free surface shows sigma_rr close to 0 instead of the value at
// the nearest Gauss point; on smooth fields the error is of the order of the interpolation error
// of the element (doc/model.md, "Output"). The mass matrix uses dx without the 2 pi r of
// axisymmetric models (the weight would vanish on the axis and degrade the projection there).
//
// Several fields share one mass matrix: begin(n), add_cell() for every locally owned cell with
// the values of all n fields, finish() solves n systems with CG + Jacobi (the mass matrix is
// well conditioned on any mesh: 10-30 iterations).
//
// Linear elements (degree 1): the nodal values are then replaced by a superconvergent patch
// recovery (Zienkiewicz & Zhu 1992). The stress of a Q1 displacement is superconvergent (error
// O(h^2)) only at the cell centres: at the 2 x 2 Gauss points it carries an O(h) error that is
// odd about the centre. The L2 projection cancels that error between neighbouring cells, but
// not in the cells at a boundary, where it leaves an O(h) layer a few nodes wide (sigma_rr of
// a free surface off by O(h), the L2 error of order 1.5 only). The recovery fits, around every
// interior vertex, a linear polynomial to the cell-centre values (the mean of the quadrature
// values) of the cells that share the vertex, by least squares; the vertex takes its value,
// and boundary vertices the mean of the fits of the interior vertices whose patches contain
// them (the fit extrapolated, O(h^2)). Vertices no interior patch reaches keep the L2
// projection; hanging nodes are interpolated from their masters.
#include <bmgfe/linear_algebra/backend.h>

#include <deal.II/base/index_set.h>
#include <deal.II/base/quadrature.h>
#include <deal.II/distributed/tria.h>
#include <deal.II/dofs/dof_handler.h>
#include <deal.II/fe/fe_q.h>
#include <deal.II/fe/mapping.h>
#include <deal.II/lac/affine_constraints.h>
#include <deal.II/lac/la_parallel_vector.h>

#include <memory>
#include <vector>

namespace dealii
{
  template <int dim, int spacedim>
  class FEValues;
}

namespace bmgfe
{
  namespace postprocess
  {
    template <int dim, typename LA>
    class QuadratureProjection
    {
    public:
      using Vector = typename LA::Vector;

      /// `quadrature`: the rule of the values passed to add_cell().
      QuadratureProjection(const dealii::parallel::distributed::Triangulation<dim> &tria,
                           const dealii::Mapping<dim> &mapping, unsigned int degree,
                           const dealii::Quadrature<dim> &quadrature);
      ~QuadratureProjection();

      /// DoFs and mass matrix (call once, and again after the mesh changed).
      void setup();
      /// Start projecting n fields.
      void begin(unsigned int n_fields);
      /// The values of all fields at the quadrature points of a locally owned cell:
      /// values[field * n_q + q].
      void add_cell(const typename dealii::Triangulation<dim>::active_cell_iterator &cell,
                    const std::vector<double> &values);
      /// Solve for every field; throws RunError when CG fails.
      void finish();

      const dealii::DoFHandler<dim> &dof_handler() const { return dofs; }
      /// The projected field i (ghosted) after finish().
      const Vector &field(unsigned int i) const { return fields[i]; }
      unsigned int  n_fields() const { return static_cast<unsigned int>(fields.size()); }
      /// CG iterations of the last finish() over all fields.
      unsigned int  iterations() const { return last_iterations; }

    private:
      const dealii::parallel::distributed::Triangulation<dim> &tria;
      const dealii::Mapping<dim>                              &mapping;
      const dealii::Quadrature<dim>                            quadrature;
      dealii::FE_Q<dim>                                        fe;
      dealii::DoFHandler<dim>                                  dofs;
      dealii::IndexSet                                         owned, relevant;
      dealii::AffineConstraints<double>                        constraints;
      typename LA::SparseMatrix                                mass;
      typename LA::Jacobi                                      jacobi;
      std::vector<Vector>                                      rhs, fields;
      std::unique_ptr<dealii::FEValues<dim, dim>>              cell_values; ///< of add_cell()
      unsigned int                                             last_iterations = 0;

      /// Patch recovery (degree 1): one fit evaluated at one vertex, as weights of the
      /// cell-centre values (cells by global active cell index).
      struct PatchValue
      {
        dealii::types::global_dof_index                                       target;
        std::vector<std::pair<dealii::types::global_cell_index, double>> weights;
      };
      void setup_patch_recovery();
      /// Replace the L2-projected values of field f (locally owned) by the recovered ones.
      void recover(unsigned int f, Vector &solution) const;
      std::vector<PatchValue> patch_values; ///< the fits of this rank's interior vertices
      /// Cell-centre values per field, then 1 in the cells that add_cell() visited.
      std::vector<dealii::LinearAlgebra::distributed::Vector<double>> centre_values;
    };
  } // namespace postprocess
} // namespace bmgfe
