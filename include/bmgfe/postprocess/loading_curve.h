#pragma once
// Postprocessor "loading curve": with 'Mechanics/Loading programme' a row of
// force_displacement.csv per step (time, segment, nominal strain, platen displacement, the
// reactions of both platens in the load direction, nominal stress = force / initial loaded
// area); summary.json gets the peak nominal stress (largest magnitude, compression negative) and
// the nominal strain there.
#include <bmgfe/postprocess/interface.h>

#include <string>

namespace bmgfe
{
  namespace postprocess
  {
    template <int dim, typename LA>
    class LoadingCurve : public Interface<dim, LA>
    {
    public:
      static void declare_parameters(dealii::ParameterHandler &) {}
      bool enabled_by_default(dealii::ParameterHandler &) const override;
      void initialize() override;
      void execute(const StepInfo &info, StatisticsRow &statistics) override;
      void add_summary(Summary &summary) override;

    private:
      /// Rank 0: append a row (and the header first). False when the file could not be written.
      bool   write_row(const std::string &file, double t, double force, double supported,
                       double stress);
      double loaded_area = 0;
      bool   started     = false;
      double peak_stress = 0, strain_at_peak = 0;
    };
  } // namespace postprocess
} // namespace bmgfe
