#pragma once
// Postprocessor "band tracking" (plastic models): the centrelines of the shear bands
// (band_tracking.h) every step: the number of bands, branch points, crossings and kinks, the
// largest deflection and the centreline length in statistics.csv; at the output times
// band_tracking/{points,segments,nodes,bands}-NNNNN.csv and the polylines
// band_tracking/centrelines-NNNNN.vtp (listed with their times in band_tracking.pvd, for
// ParaView). Parameters: 'Postprocess/Band tracking'. Not in the 'default' set: name it in
// 'Postprocess/List of postprocessors' ('default, band tracking'). The load axis is that of the
// loading programme (else z in 3D and axisymmetric models, y in planar ones); 3D bodies are
// tracked on the section planes of 'Section planes'.
#include <bmgfe/postprocess/band_tracking.h>
#include <bmgfe/postprocess/interface.h>

#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace bmgfe
{
  namespace postprocess
  {
    template <int dim, typename LA>
    class BandTrackingStatistics : public Interface<dim, LA>
    {
    public:
      static void declare_parameters(dealii::ParameterHandler &prm);
      bool enabled_by_default(dealii::ParameterHandler &) const override { return false; }
      void parse_parameters(dealii::ParameterHandler &prm) override;
      void initialize() override;
      void report_setup(std::ostream &out) const override;
      bool needs_quadrature_points(const StepInfo &) const override { return true; }
      void visit_cell(const CellPoints<dim> &points) override;
      void execute(const StepInfo &info, StatisticsRow &statistics) override;
      void add_summary(Summary &summary) override;
      std::string save_state() const override;
      void load_state(const std::string &bytes) override;

    private:
      /// Rank 0: band_tracking.pvd listing `written`. False when it could not be written.
      bool write_collection() const;

      BandTrackingParameters                   parameters;
      dealii::Tensor<1, dim>                   axis;
      std::vector<SectionPlane>                planes; ///< 3D only
      std::unique_ptr<BandTracking<dim>>       tracking;
      BandTrackingSummary                      last;
      unsigned int                             n_files = 0;
      std::vector<std::pair<double, std::string>> written; ///< time, .vtp file (for the .pvd)
    };
  } // namespace postprocess
} // namespace bmgfe
