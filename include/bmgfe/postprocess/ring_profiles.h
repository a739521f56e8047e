#pragma once
// Postprocessor "ring statistics" (rods and plates, doc/model.md §5): centre-to-edge statistics at
// the profile times ('Statistics/Profile times', hit exactly by the time stepping) and at the end:
//  * profiles/rings_NNNNN.csv: per ring of equal width in r (rods) or layer of equal thickness by
//    the distance from the mid-plane (plates) the volume-weighted mean, standard deviation and
//    FWHM = 2 sqrt(2 ln 2) std of every ring field (tensors: their cylindrical components for
//    rods), with relative_hardness = H / mean(H) when the hardness is a ring field;
//  * profiles/profile_NNNNN.csv (rods): point values of the same fields along a radius from the
//    centre probe;
//  * profiles/times.csv: index and time of every profile.
// summary.json gets the centre (innermost) and edge (outermost) ring means of the final profile,
// their difference, the volume means over the ring region, the FWHM of H/mean(H) in the centre and
// edge rings and the extremes of the stress components over the whole body.
#include <bmgfe/postprocess/interface.h>
#include <bmgfe/postprocess/point_probes.h>
#include <bmgfe/postprocess/ring_statistics.h>
#include <bmgfe/postprocess/stress_measures.h>
#include <bmgfe/postprocess/time_schedule.h>

#include <memory>
#include <optional>

namespace bmgfe
{
  namespace postprocess
  {
    template <int dim, typename LA>
    class RingProfiles : public Interface<dim, LA>
    {
    public:
      static void declare_parameters(dealii::ParameterHandler &prm);
      bool   enabled_by_default(dealii::ParameterHandler &) const override;
      void   parse_parameters(dealii::ParameterHandler &prm) override;
      void   initialize() override;
      void   report_setup(std::ostream &out) const override;
      double next_time_of_interest(double t) const override;
      bool   needs_quadrature_points(const StepInfo &info) const override;
      void   visit_cell(const CellPoints<dim> &points) override;
      void   execute(const StepInfo &info, StatisticsRow &statistics) override;
      void   add_summary(Summary &summary) override;
      std::string save_state() const override;
      void   load_state(const std::string &bytes) override;

    private:
      /// One scalar column: a scalar quantity or a component of a tensor quantity.
      struct Field
      {
        const Quantity *quantity  = nullptr;
        int             component = -1; ///< index into the frame's components (tensors)
        std::string     name;           ///< without unit, e.g. "stress_tt"
      };
      bool   is_profile_step(const StepInfo &info) const;
      double radius_of(const dealii::Point<dim> &x) const;
      bool   in_slab(const dealii::Point<dim> &x) const;
      void   values_at(const dealii::Point<dim> &x, const MaterialPointFields &f,
                       std::vector<double> &values) const;
      void   write_files(double t);

      // Parameters.
      std::vector<double>      profile_times;
      unsigned int             n_rings = 10;
      AxialRange               axial_range;
      std::vector<std::string> field_names;
      std::string              probes_text;
      // Set up by initialize().
      bool                     plate = false;
      double                   extent = 0;
      CylindricalFrame         frame;
      ComponentFrame           components;
      std::vector<Field>       fields;
      TimeSchedule             schedule;
      PointProbes<dim>         line;
      unsigned int             n_written    = 0;
      // Accumulated in visit_cell() for the step being written.
      std::unique_ptr<RingStatistics> rings;
      std::vector<double>             max_component, min_component;
      double                          max_von_mises = 0, max_principal = 0;
      bool                            have_stress_extremes = false;
      std::optional<RingStatistics>   final_rings;
      std::vector<double>             final_max, final_min;
      double                          final_max_von_mises = 0, final_max_principal = 0;
    };
  } // namespace postprocess
} // namespace bmgfe
