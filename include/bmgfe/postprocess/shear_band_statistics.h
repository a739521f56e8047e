#pragma once
// Postprocessor "shear bands" (plastic models): the bands of the equivalent plastic strain field
// (shear_bands.h) every step: their number and the angle to the load axis and width of the
// largest in statistics.csv, every band in shear_bands-NNNNN.csv at the output times.
// Parameters: 'Postprocess/Shear bands'. The load axis is that of the loading programme (else
// z in 3D and axisymmetric models, y in planar ones); 2D sections are analysed by area.
#include <bmgfe/postprocess/interface.h>
#include <bmgfe/postprocess/shear_bands.h>

#include <memory>

namespace bmgfe
{
  namespace postprocess
  {
    template <int dim, typename LA>
    class ShearBandStatistics : public Interface<dim, LA>
    {
    public:
      static void declare_parameters(dealii::ParameterHandler &prm);
      bool enabled_by_default(dealii::ParameterHandler &) const override;
      void parse_parameters(dealii::ParameterHandler &prm) override;
      void initialize() override;
      bool needs_quadrature_points(const StepInfo &) const override { return true; }
      void visit_cell(const CellPoints<dim> &points) override;
      void execute(const StepInfo &info, StatisticsRow &statistics) override;
      void add_summary(Summary &summary) override;
      std::string save_state() const override;
      void load_state(const std::string &bytes) override;

    private:
      ShearBandParameters                     parameters;
      dealii::Tensor<1, dim>                  axis;
      std::unique_ptr<ShearBandAnalysis<dim>> analysis;
      unsigned int                            n_files = 0;
      std::size_t                             last_band_count = 0;
      double last_angle = 0, last_width = 0;
    };
  } // namespace postprocess
} // namespace bmgfe
