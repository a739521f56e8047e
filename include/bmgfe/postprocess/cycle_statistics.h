#pragma once
// Postprocessor "cycle statistics" (thermal cycling, e.g. cryogenic cycling of seeds 001/003,
// doc/model.md "Thermal cycling"): one row per completed cycle. A cycle ends with every
// occurrence of the protocol segment 'Postprocess/Cycle statistics/Cycle end segment' (e.g.
// 'boiling_water' in '(ln2, boiling_water)*20, room'); row 0 is the initial state. Files:
//  * cycles.csv: per cycle the volume means over the body of the free volume x, its FWHM
//    (2 sqrt(2 ln 2) std/mean), T_f, the relaxation-enthalpy proxy dH_rel, the hardness H and
//    apparent hardness H_app with their FWHM (of H/mean(H) over the material points), the volume
//    fraction that yielded in the cycle and in total, the plastic work of the cycle and in total,
//    the largest von Mises / local compressive strength sigma_c(x-hat) over every step of the
//    cycle, the largest von Mises stress over the cycle and at its end, and the plastic work
//    of the cycle once more from the committed fields, sum of w sigma_n+1 : (eps_p,n+1 - eps_p,n)
//    over its steps and points (the law sums sigma : d eps_p in its return maps; the two agree
//    when no step was cut back into substeps);
//  * cycles_rings.csv (rods): the same glass measures per ring of 'Statistics/Number of rings'
//    (restricted to 'Statistics/Ring axial range').
// summary.json: cycles completed and the changes of the means from row 0 to the last cycle.
// The glass columns need a free-volume model (the 'glass state' quantities); without one the
// stress columns remain (thermo-elastic runs).
#include <bmgfe/postprocess/interface.h>
#include <bmgfe/postprocess/ring_statistics.h>
#include <bmgfe/postprocess/stress_measures.h>
#include <bmgfe/postprocess/time_schedule.h>

#include <deal.II/grid/cell_id.h>

#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace bmgfe
{
  namespace postprocess
  {
    template <int dim, typename LA>
    class CycleStatistics : public Interface<dim, LA>
    {
    public:
      static void declare_parameters(dealii::ParameterHandler &prm);
      bool   enabled_by_default(dealii::ParameterHandler &prm) const override;
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

      /// The measures of one cycle (volume means over the body unless stated).
      struct Row
      {
        unsigned int cycle = 0;
        double       time  = 0;
        double x_mean = 0, x_fwhm = 0, fictive_temperature = 0, relaxation_enthalpy = 0;
        double hardness = 0, hardness_fwhm = 0, apparent_hardness = 0, apparent_hardness_fwhm = 0;
        double yielded_fraction_cycle = 0, yielded_fraction_total = 0;
        double plastic_work_cycle = 0, plastic_work_total = 0;
        /// The plastic work of the cycle again, from the committed fields of every step:
        /// sum over the steps and points of w sigma_n+1 : (eps_p,n+1 - eps_p,n).
        double plastic_work_fields_cycle = 0;
        double strength_ratio_max = 0, von_mises_max = 0, von_mises_end_max = 0;

        template <class Archive>
        void serialize(Archive &archive, const unsigned int)
        {
          archive &cycle &time &x_mean &x_fwhm &fictive_temperature &relaxation_enthalpy &hardness
            &hardness_fwhm &apparent_hardness &apparent_hardness_fwhm &yielded_fraction_cycle
              &yielded_fraction_total &plastic_work_cycle &plastic_work_total
                &plastic_work_fields_cycle &strength_ratio_max &von_mises_max &von_mises_end_max;
        }
      };

    private:
      bool is_cycle_end(const StepInfo &info) const;
      void write_rows(const Row &row);

      // Parameters.
      std::string end_segment;
      unsigned int n_rings = 10;
      AxialRange          axial_range;
      // Set up by initialize().
      bool             glass = false; ///< free-volume quantities exist
      bool             rod   = false;
      double           radius = 0;
      CylindricalFrame frame;
      TimeSchedule     schedule; ///< the ends of the cycles
      const Quantity *hardness_q = nullptr, *apparent_q = nullptr, *enthalpy_q = nullptr;

      // Accumulated over the cycle (every step) and at the cycle end (visit_cell).
      double strength_ratio_cycle = 0, von_mises_cycle = 0, plastic_work_cycle = 0,
             plastic_work_total = 0;
      /// Plastic strain of every point at the last step (visit order) and the work
      /// sigma_n+1 : d eps_p summed over this step's points and over the cycle's steps.
      std::vector<dealii::SymmetricTensor<2, 3>> plastic_strain_last;
      std::size_t plastic_strain_index = 0;
      double      plastic_work_fields_step = 0, plastic_work_fields_cycle = 0;
      /// Equivalent plastic strain of every point at the start of the cycle (visit order).
      std::vector<double> p_cycle_start, p_now;
      /// The cells of those points in visit order with their numbers of points (checkpoints
      /// gather p_cycle_start by cell: a restart may partition the mesh differently).
      std::vector<std::pair<dealii::CellId, unsigned int>> cells_cycle_start, cells_now;
      /// Weighted sums at the cycle end: [w, w x, w x^2, w Tf, w dH, w H, w H^2, w Happ,
      /// w Happ^2, w yielded(cycle), w yielded(total)] and the largest von Mises there.
      std::vector<double> sums;
      double              von_mises_end = 0;
      std::unique_ptr<RingStatistics> rings;
      bool                visiting_end = false;
      std::vector<Row>    rows;
    };
  } // namespace postprocess
} // namespace bmgfe
