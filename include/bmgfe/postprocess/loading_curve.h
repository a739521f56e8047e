#pragma once
// Postprocessor "loading curve": with 'Mechanics/Loading programme' a row of
// force_displacement.csv per step (time, segment, nominal strain, platen displacement, the
// reactions of both platens in the load direction, nominal stress = force / initial loaded
// area); summary.json gets the peak nominal stress (largest magnitude, compression negative) and
// the nominal strain there, and the analysis of the curve (analyse_loading_curve): modulus,
// offset yield stress, and the failure point, where the nominal stress has fallen by 'Failure
// load drop' below its peak (a band through the specimen carries the load no longer: the
// continuum counterpart of the fracture of a test), with the plastic strain there.
#include <bmgfe/postprocess/interface.h>

#include <limits>
#include <string>
#include <vector>

namespace bmgfe
{
  namespace postprocess
  {
    /// What a monotonic loading curve says (magnitudes; compression and tension alike).
    struct LoadingCurveAnalysis
    {
      static constexpr double none = std::numeric_limits<double>::quiet_NaN();
      double modulus         = none; ///< secant |sigma|/|eps| of the first point with strain [Pa]
      double yield_stress    = none; ///< |sigma| where |eps| - |sigma|/E reaches the offset [Pa]
      double yield_strain    = none; ///< |eps| there
      double peak_stress     = none; ///< largest |sigma| [Pa]
      double peak_strain     = none;
      double failure_strain  = none; ///< |eps| where |sigma| first falls to (1 - drop) peak after it
      double failure_stress  = none;
      /// |eps| - |sigma|/E at failure; at the last point when the curve did not fail.
      double plastic_strain_at_failure = none;
      bool   failed = false;
    };

    /// The analysis of nominal (strain, stress) points in loading order (linear interpolation
    /// between them for the yield and failure points). `offset`: plastic strain of the yield
    /// point (0.002: the 0.2 % offset yield stress); `drop`: relative load drop of failure.
    LoadingCurveAnalysis analyse_loading_curve(const std::vector<double> &strain,
                                               const std::vector<double> &stress, double offset,
                                               double drop);

    template <int dim, typename LA>
    class LoadingCurve : public Interface<dim, LA>
    {
    public:
      static void declare_parameters(dealii::ParameterHandler &prm);
      void parse_parameters(dealii::ParameterHandler &prm) override;
      bool enabled_by_default(dealii::ParameterHandler &) const override;
      void initialize() override;
      void execute(const StepInfo &info, StatisticsRow &statistics) override;
      void add_summary(Summary &summary) override;
      std::string save_state() const override;
      void load_state(const std::string &bytes) override;

    private:
      /// Rank 0: append a row (and the header first). False when the file could not be written.
      bool   write_row(const std::string &file, double t, double force, double supported,
                       double stress);
      double loaded_area = 0;
      bool   started     = false;
      double peak_stress = 0, strain_at_peak = 0;
      double yield_offset = 0.002, failure_drop = 0.1;
      std::vector<double> curve_strain, curve_stress; ///< the loading segments' points
      bool                curve_closed = false;       ///< an unloading segment ended the curve
    };
  } // namespace postprocess
} // namespace bmgfe
