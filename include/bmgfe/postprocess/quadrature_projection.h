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
#include <bmgfe/linear_algebra/backend.h>

#include <deal.II/base/index_set.h>
#include <deal.II/base/quadrature.h>
#include <deal.II/distributed/tria.h>
#include <deal.II/dofs/dof_handler.h>
#include <deal.II/fe/fe_q.h>
#include <deal.II/fe/mapping.h>
#include <deal.II/lac/affine_constraints.h>

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
    };
  } // namespace postprocess
} // namespace bmgfe
