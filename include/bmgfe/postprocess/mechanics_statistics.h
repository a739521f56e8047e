#pragma once
// Postprocessor "mechanics statistics": per step the largest von Mises stress over the
// quadrature points, the net axial force of planar sections (int sigma_zz dA) or the
// volume-averaged axial stress of 3D and axisymmetric bodies (zero for a free body), the axial
// strain of generalized plane strain, and the linear iterations of the mechanics.
#include <bmgfe/postprocess/interface.h>

namespace bmgfe
{
  namespace postprocess
  {
    template <int dim, typename LA>
    class MechanicsStatistics : public Interface<dim, LA>
    {
    public:
      static void declare_parameters(dealii::ParameterHandler &) {}
      bool enabled_by_default(dealii::ParameterHandler &) const override;
      void initialize() override;
      bool needs_quadrature_points(const StepInfo &) const override { return true; }
      void visit_cell(const CellPoints<dim> &points) override;
      void execute(const StepInfo &info, StatisticsRow &statistics) override;

    private:
      double max_von_mises = 0, axial_force = 0, volume = 0;
    };
  } // namespace postprocess
} // namespace bmgfe
