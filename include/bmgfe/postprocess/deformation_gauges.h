#pragma once
// Postprocessor "deformation gauges": how far a geometrically linear run has deformed, and
// virtual extensometers. Every step, statistics.csv gets the largest rigid rotation
// |omega| = |skew(grad u)| [rad] and the largest principal total strain magnitude over the
// locally owned quadrature points of all ranks (the hoop strain u_r/r included in axisymmetric
// models): the measures of how far the small-strain kinematics of the model still holds. A note
// goes to the log the first time either passes 'Small-strain limit' (default 0.05), and
// summary.json gets both maxima and the time the limit was first passed.
// 'Extensometers' are pairs of material points, 'name: x1, y1[, z1]; x2, y2[, z2]' separated by
// '|': per step their current distance |x2 + u(x2) - x1 - u(x1)| [m] and its change relative to
// the initial distance (e.g. the notch width of seed 004: the two outer corners of a notch).
#include <bmgfe/postprocess/interface.h>

#include <deal.II/base/point.h>

#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace bmgfe
{
  template <int dim>
  class PointProbes;

  namespace postprocess
  {
    template <int dim, typename LA>
    class DeformationGauges : public Interface<dim, LA>
    {
    public:
      DeformationGauges();
      ~DeformationGauges() override;
      static void declare_parameters(dealii::ParameterHandler &prm);
      bool enabled_by_default(dealii::ParameterHandler &) const override { return false; }
      void parse_parameters(dealii::ParameterHandler &prm) override;
      void initialize() override;
      void report_setup(std::ostream &out) const override;
      void execute(const StepInfo &info, StatisticsRow &statistics) override;
      void add_summary(Summary &summary) override;
      std::string save_state() const override;
      void load_state(const std::string &bytes) override;

    private:
      struct Extensometer
      {
        std::string        name;
        dealii::Point<dim> first, second;
      };
      std::vector<Extensometer>         extensometers;
      double                            limit = 0.05;
      std::vector<std::string>          notes;
      /// Both ends of every extensometer, located once (the mesh does not change).
      std::unique_ptr<PointProbes<dim>> ends;
      double max_rotation = 0, max_strain = 0;
      double limit_time   = -1; ///< < 0: not passed
      bool   noted        = false;
      std::vector<double> last_lengths;
    };
  } // namespace postprocess
} // namespace bmgfe
