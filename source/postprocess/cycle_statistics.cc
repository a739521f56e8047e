#include <bmgfe/base/input_error.h>
#include <bmgfe/io/checkpoint_state.h>
#include <bmgfe/io/run_directory.h>
#include <bmgfe/linear_algebra/backend.h>
#include <bmgfe/materials/thermoelastic_material.h>
#include <bmgfe/physics/heat_problem.h>
#include <bmgfe/physics/mechanics_problem.h>
#include <bmgfe/postprocess/cycle_statistics.h>
#include <bmgfe/postprocess/manager.h>
#include <bmgfe/postprocess/tensor_frames.h>
#include <bmgfe/protocol/thermal_protocol.h>

#include <deal.II/base/mpi.h>
#include <deal.II/base/parameter_handler.h>
#include <deal.II/base/utilities.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <fstream>
#include <iomanip>
#include <map>
#include <sstream>

namespace bmgfe
{
  namespace postprocess
  {
    using namespace dealii;

    namespace
    {
      /// 2 sqrt(2 ln 2): FWHM of a Gaussian in units of its standard deviation.
      constexpr double fwhm_per_std = 2.3548200450309493;

      /// Indices into CycleStatistics::sums.
      enum Sum : unsigned int
      {
        w,
        wx,
        wx2,
        wTf,
        wdH,
        wH,
        wH2,
        wHa,
        wHa2,
        w_yield_cycle,
        w_yield_total,
        n_sums
      };

      /// 2 sqrt(2 ln 2) std / mean from weighted sums (0 for a zero mean).
      double relative_fwhm(const double sw, const double swv, const double swv2)
      {
        if (!(sw > 0) || swv == 0)
          return 0;
        const double mean = swv / sw;
        const double var  = std::max(0.0, swv2 / sw - mean * mean);
        return fwhm_per_std * std::sqrt(var) / std::abs(mean);
      }
    } // namespace

    template <int dim, typename LA>
    void CycleStatistics<dim, LA>::declare_parameters(ParameterHandler &prm)
    {
      prm.enter_subsection("Postprocess");
      prm.enter_subsection("Cycle statistics");
      prm.declare_entry("Cycle end segment", "", Patterns::Anything(),
                        "Name of the 'Thermal protocol' segment whose every occurrence ends a "
                        "cycle (e.g. 'boiling_water' for '(ln2, boiling_water)*20, room'). "
                        "Not empty: 'cycle statistics' runs by default and writes cycles.csv "
                        "(one row per cycle and row 0 for the initial state: volume means and "
                        "FWHM of x, T_f, dH_rel, H, H_app; yielded volume fractions; plastic "
                        "work; the largest von Mises / local strength ratio of the cycle) and, "
                        "for rods, cycles_rings.csv (per ring of 'Statistics/Number of rings'). "
                        "Every occurrence's end is hit exactly by the time stepping.");
      prm.leave_subsection();
      prm.leave_subsection();
    }

    template <int dim, typename LA>
    bool CycleStatistics<dim, LA>::enabled_by_default(ParameterHandler &prm) const
    {
      prm.enter_subsection("Postprocess");
      prm.enter_subsection("Cycle statistics");
      const bool set = !Utilities::trim(prm.get("Cycle end segment")).empty();
      prm.leave_subsection();
      prm.leave_subsection();
      return set;
    }

    template <int dim, typename LA>
    void CycleStatistics<dim, LA>::parse_parameters(ParameterHandler &prm)
    {
      prm.enter_subsection("Postprocess");
      prm.enter_subsection("Cycle statistics");
      end_segment = Utilities::trim(prm.get("Cycle end segment"));
      prm.leave_subsection();
      prm.leave_subsection();
      prm.enter_subsection("Statistics");
      n_rings = prm.get_integer("Number of rings");
      axial_range = AxialRange::parse(prm.get("Ring axial range"), "Statistics/Ring axial range");
      prm.leave_subsection();
    }

    template <int dim, typename LA>
    void CycleStatistics<dim, LA>::initialize()
    {
      const auto &run = this->run();
      const std::string entry = "entry 'Postprocess/Cycle statistics/Cycle end segment'";
      require(run.mechanics != nullptr, "entry 'Postprocess/List of postprocessors'",
              "'cycle statistics' needs 'Mechanics/Enabled = true'");
      require(!end_segment.empty(), entry,
              "is empty; name the protocol segment that ends a cycle (e.g. 'boiling_water')");
      const ThermalProtocol &protocol = *run.protocol;
      std::vector<double> end_times;
      std::string         names;
      for (std::size_t s = 0; s < protocol.stages().size(); ++s)
        {
          const std::string &name = protocol.segment_of_stage(s).name;
          if (name == end_segment)
            end_times.push_back(protocol.stages()[s].end);
        }
      for (const auto &segment : protocol.segments())
        names += (names.empty() ? "" : ", ") + segment.name;
      require(!end_times.empty(), entry,
              "'" + end_segment + "' is not a segment of 'Thermal protocol/Sequence' (segments: " +
                names + ")");
      schedule.set(end_times, protocol.start_time(), protocol.end_time());

      hardness_q = this->quantities().find("hardness");
      apparent_q = this->quantities().find("apparent_hardness");
      enthalpy_q = this->quantities().find("relaxation_enthalpy");
      glass = this->quantities().find("free_volume") && hardness_q && apparent_q && enthalpy_q;
      rod        = rod_frame(run.kinematics, *run.domain, frame);
      radius     = rod ? run.domain->rod->radius : 0;
      rows.clear();
      plastic_work_total = 0;
    }

    template <int dim, typename LA>
    void CycleStatistics<dim, LA>::report_setup(std::ostream &out) const
    {
      out << "  cycles       : " << schedule.size() << " (each ends with '" << end_segment
          << "'), cycles.csv" << (rod ? " and cycles_rings.csv" : "")
          << (glass ? "" : " (no free-volume model: stress columns only)") << '\n';
    }

    template <int dim, typename LA>
    double CycleStatistics<dim, LA>::next_time_of_interest(const double t) const
    {
      return schedule.next_after(t);
    }

    template <int dim, typename LA>
    bool CycleStatistics<dim, LA>::needs_quadrature_points(const StepInfo &) const
    {
      // Every step: the largest stress and strength ratio of a cycle are over all its steps.
      return true;
    }

    template <int dim, typename LA>
    bool CycleStatistics<dim, LA>::is_cycle_end(const StepInfo &info) const
    {
      return info.step > 0 && schedule.due(info.time);
    }

    template <int dim, typename LA>
    void CycleStatistics<dim, LA>::visit_cell(const CellPoints<dim> &points)
    {
      // Row 0 (the initial state) and the ends of the cycles collect the glass measures.
      const bool at_end = rows.empty() || schedule.due(points.time);
      if (points.first && at_end)
        {
          sums.assign(n_sums, 0.0);
          von_mises_end = 0;
          p_now.clear();
          cells_now.clear();
          if (rod && glass)
            rings = std::make_unique<RingStatistics>(
              n_rings, radius,
              std::vector<std::string>{"free_volume", "fictive_temperature", "relaxation_enthalpy",
                                       "hardness", "apparent_hardness"},
              std::vector<std::string>{"", "K", "J_per_g", "Pa", "Pa"});
        }
      if (points.first)
        {
          plastic_strain_index     = 0;
          plastic_work_fields_step = 0;
        }
      if (at_end)
        cells_now.emplace_back(points.cell->id(), static_cast<unsigned int>(points.fields.size()));
      const MohrCoulombStrength &strength = this->run().material->strength;
      const bool plastic = this->run().mechanics->plastic();
      for (unsigned int q = 0; q < points.fields.size(); ++q)
        {
          const MaterialPointFields &f  = points.fields[q];
          const double               vm = von_mises(f.stress);
          if (plastic)
            {
              // Points are visited in the same order every step (the mesh does not change).
              if (plastic_strain_index < plastic_strain_last.size())
                plastic_work_fields_step +=
                  points.weights[q] * scalar_product(f.stress, f.plastic_strain -
                                                                 plastic_strain_last[plastic_strain_index]);
              else
                plastic_strain_last.resize(plastic_strain_index + 1);
              plastic_strain_last[plastic_strain_index++] = f.plastic_strain;
            }
          von_mises_cycle               = std::max(von_mises_cycle, vm);
          if (glass)
            {
              const double x_strength = plastic ? f.strength_free_volume : f.free_volume;
              strength_ratio_cycle =
                std::max(strength_ratio_cycle, vm / strength.compressive_strength(x_strength));
            }
          if (!at_end)
            continue;
          von_mises_end = std::max(von_mises_end, vm);
          p_now.push_back(f.equivalent_plastic_strain);
          if (!glass)
            continue;
          const double       wq = points.weights[q];
          const PointContext context{to_3d(points.positions[q]), f};
          const double       H   = hardness_q->scalar(context);
          const double       Ha  = apparent_q->scalar(context);
          const double       dH  = enthalpy_q->scalar(context);
          const std::size_t  i   = p_now.size() - 1;
          const bool yielded_cycle =
            i < p_cycle_start.size() ? f.equivalent_plastic_strain > p_cycle_start[i] : false;
          sums[w] += wq;
          sums[wx] += wq * f.free_volume;
          sums[wx2] += wq * f.free_volume * f.free_volume;
          sums[wTf] += wq * f.fictive_temperature;
          sums[wdH] += wq * dH;
          sums[wH] += wq * H;
          sums[wH2] += wq * H * H;
          sums[wHa] += wq * Ha;
          sums[wHa2] += wq * Ha * Ha;
          sums[w_yield_cycle] += yielded_cycle ? wq : 0.0;
          sums[w_yield_total] += f.equivalent_plastic_strain > 0 ? wq : 0.0;
          if (rings)
            {
              const bool in_slab =
                axial_range.empty() || is_planar(this->run().kinematics) ||
                axial_range.contains(frame.axis.axial_coordinate(points.positions[q]));
              if (in_slab)
                rings->add(frame.radial_distance(to_3d(points.positions[q])), wq,
                           {f.free_volume, f.fictive_temperature, dH, H, Ha});
            }
        }
    }

    template <int dim, typename LA>
    void CycleStatistics<dim, LA>::execute(const StepInfo &info, StatisticsRow &statistics)
    {
      const MPI_Comm comm = this->run().comm;
      if (info.step > 0)
        plastic_work_fields_cycle += Utilities::MPI::sum(plastic_work_fields_step, comm);
      plastic_work_fields_step = 0;
      if (info.step > 0 && info.mechanics_report)
        {
          plastic_work_cycle += info.mechanics_report->plastic_work;
          plastic_work_total += info.mechanics_report->plastic_work;
        }
      const bool initial = rows.empty();
      if (initial || is_cycle_end(info))
        {
          if (sums.size() != n_sums)
            sums.assign(n_sums, 0.0);
          std::vector<double> total(n_sums);
          Utilities::MPI::sum(sums, comm, total);
          Row row;
          row.cycle = static_cast<unsigned int>(rows.size());
          row.time  = info.time;
          if (glass && total[w] > 0)
            {
              row.x_mean                 = total[wx] / total[w];
              row.x_fwhm                 = relative_fwhm(total[w], total[wx], total[wx2]);
              row.fictive_temperature    = total[wTf] / total[w];
              row.relaxation_enthalpy    = total[wdH] / total[w];
              row.hardness               = total[wH] / total[w];
              row.hardness_fwhm          = relative_fwhm(total[w], total[wH], total[wH2]);
              row.apparent_hardness      = total[wHa] / total[w];
              row.apparent_hardness_fwhm = relative_fwhm(total[w], total[wHa], total[wHa2]);
              row.yielded_fraction_cycle = total[w_yield_cycle] / total[w];
              row.yielded_fraction_total = total[w_yield_total] / total[w];
            }
          row.plastic_work_cycle = initial ? 0.0 : plastic_work_cycle;
          row.plastic_work_total = plastic_work_total;
          row.plastic_work_fields_cycle = initial ? 0.0 : plastic_work_fields_cycle;
          row.strength_ratio_max = Utilities::MPI::max(strength_ratio_cycle, comm);
          row.von_mises_max      = Utilities::MPI::max(von_mises_cycle, comm);
          row.von_mises_end_max  = Utilities::MPI::max(von_mises_end, comm);
          if (rings)
            {
              rings->reduce(comm);
              rings->add_relative_field("relative_hardness", rings->field_index("hardness"));
            }
          rows.push_back(row);
          write_rows(row);
          p_cycle_start.swap(p_now);
          p_now.clear();
          cells_cycle_start.swap(cells_now);
          cells_now.clear();
          strength_ratio_cycle = von_mises_cycle = plastic_work_cycle = plastic_work_fields_cycle = 0;
          if (!initial)
            schedule.advance(info.time);
        }
      statistics.add_integer("cycles_completed", rows.empty() ? 0 : rows.size() - 1);
    }

    template <int dim, typename LA>
    void CycleStatistics<dim, LA>::write_rows(const Row &row)
    {
      const auto &run = this->run();
      if (!run.run_directory)
        return;
      const bool        planar = is_planar(run.kinematics);
      const std::string work   = planar ? "J_per_m" : "J";
      const std::string file   = run.run_directory->file("cycles.csv");
      write_on_root(run, file, [&] {
        std::ofstream out(file, row.cycle == 0 ? std::ios::trunc : std::ios::app);
        if (row.cycle == 0)
          out << "cycle,time_s,free_volume_mean,free_volume_fwhm,fictive_temperature_mean_K,"
                 "relaxation_enthalpy_mean_J_per_g,hardness_mean_Pa,hardness_fwhm,"
                 "apparent_hardness_mean_Pa,apparent_hardness_fwhm,yielded_fraction_cycle,"
                 "yielded_fraction_total,plastic_work_cycle_"
              << work << ",plastic_work_total_" << work
              << ",strength_ratio_max,von_mises_max_Pa,von_mises_end_max_Pa,plastic_work_fields_cycle_"
              << work << "\n";
        out << row.cycle << ',' << std::setprecision(12) << row.time << std::setprecision(16) << ','
            << row.x_mean << ',' << row.x_fwhm << ',' << row.fictive_temperature << ','
            << row.relaxation_enthalpy << ',' << row.hardness << ',' << row.hardness_fwhm << ','
            << row.apparent_hardness << ',' << row.apparent_hardness_fwhm << ','
            << row.yielded_fraction_cycle << ',' << row.yielded_fraction_total << ','
            << row.plastic_work_cycle << ',' << row.plastic_work_total << ','
            << row.strength_ratio_max << ',' << row.von_mises_max << ',' << row.von_mises_end_max
            << ',' << row.plastic_work_fields_cycle << '\n';
        return out.good();
      });
      if (!rings)
        return;
      const std::string ring_file = run.run_directory->file("cycles_rings.csv");
      write_on_root(run, ring_file, [&] {
        std::ofstream out(ring_file, row.cycle == 0 ? std::ios::trunc : std::ios::app);
        const std::vector<std::string> columns{"free_volume", "fictive_temperature",
                                               "relaxation_enthalpy", "hardness",
                                               "apparent_hardness", "relative_hardness"};
        if (row.cycle == 0)
          {
            out << "cycle,ring,r_inner_m,r_outer_m";
            for (const auto &c : columns)
              {
                const unsigned int f    = rings->field_index(c);
                const std::string  unit = rings->unit(f).empty() ? "" : "_" + rings->unit(f);
                out << ',' << c << "_mean" << unit << ',' << c << "_fwhm" << unit;
              }
            out << '\n';
          }
        out << std::setprecision(16);
        for (unsigned int r = 0; r < rings->n_rings(); ++r)
          {
            out << row.cycle << ',' << r << ',' << radius * r / rings->n_rings() << ','
                << radius * (r + 1) / rings->n_rings();
            for (const auto &c : columns)
              {
                const unsigned int f = rings->field_index(c);
                out << ',' << rings->mean(r, f) << ',' << rings->fwhm(r, f);
              }
            out << '\n';
          }
        return out.good();
      });
    }

    template <int dim, typename LA>
    void CycleStatistics<dim, LA>::add_summary(Summary &summary)
    {
      if (rows.empty())
        return;
      const Row &first = rows.front();
      const Row &last  = rows.back();
      double     ratio = 0;
      for (const Row &r : rows)
        ratio = std::max(ratio, r.strength_ratio_max);
      summary["cycles_completed"] = std::to_string(rows.size() - 1);
      summary["cycle_strength_ratio_max"] = json_number(ratio);
      summary["cycle_plastic_work_total"] = json_number(last.plastic_work_total);
      if (!glass)
        return;
      summary["cycle_free_volume_initial"] = json_number(first.x_mean);
      summary["cycle_free_volume_change"]  = json_number(last.x_mean - first.x_mean);
      summary["cycle_free_volume_change_relative"] =
        json_number((last.x_mean - first.x_mean) / first.x_mean);
      summary["cycle_relaxation_enthalpy_change_J_per_g"] =
        json_number(last.relaxation_enthalpy - first.relaxation_enthalpy);
      summary["cycle_hardness_change_relative"] =
        json_number((last.hardness - first.hardness) / first.hardness);
      summary["cycle_hardness_fwhm_initial"] = json_number(first.hardness_fwhm);
      summary["cycle_hardness_fwhm_last"]    = json_number(last.hardness_fwhm);
      summary["cycle_yielded_fraction_total"] = json_number(last.yielded_fraction_total);
    }

    template <int dim, typename LA>
    std::string CycleStatistics<dim, LA>::save_state() const
    {
      const MPI_Comm comm = this->run().comm;
      // The plastic strain of every point at the start of the cycle (for the volume that
      // yields in it), by cell on rank 0: a restart may partition the mesh differently.
      std::vector<std::pair<std::string, std::vector<double>>> local;
      std::size_t                                               i = 0;
      for (const auto &[cell, n] : cells_cycle_start)
        {
          local.emplace_back(cell.to_string(),
                             std::vector<double>(p_cycle_start.begin() + i, p_cycle_start.begin() + i + n));
          i += n;
        }
      std::map<std::string, std::vector<double>> cycle_start_by_cell;
      for (auto &part : Utilities::MPI::gather(comm, local, 0))
        for (auto &cell : part)
          cycle_start_by_cell.insert(std::move(cell));
      // The cycle's extremes so far are this rank's until the cycle ends: save the global ones.
      const double strength_ratio = Utilities::MPI::max(strength_ratio_cycle, comm);
      const double von_mises      = Utilities::MPI::max(von_mises_cycle, comm);
      // The rows so far (summary.json), the sums of the cycle, and how far the appended
      // cycles.csv and cycles_rings.csv had come.
      return pack_state(rows, schedule, strength_ratio, von_mises, plastic_work_cycle,
                        plastic_work_total, plastic_work_fields_cycle, cycle_start_by_cell,
                        appended_file_size(this->run(), "cycles.csv"),
                        appended_file_size(this->run(), "cycles_rings.csv"));
    }

    template <int dim, typename LA>
    void CycleStatistics<dim, LA>::load_state(const std::string &bytes)
    {
      std::map<std::string, std::vector<double>> cycle_start_by_cell;
      std::uint64_t                              cycles_size = 0, rings_size = 0;
      unpack_state(bytes, rows, schedule, strength_ratio_cycle, von_mises_cycle, plastic_work_cycle,
                   plastic_work_total, plastic_work_fields_cycle, cycle_start_by_cell, cycles_size,
                   rings_size);
      const auto &run = this->run();
      // This rank's points in visit order: their plastic strain at the start of the cycle, and
      // the plastic strain tensors of the checkpointed step (the work of the next step is
      // taken against them), which the restored mechanics state holds.
      p_cycle_start.clear();
      cells_cycle_start.clear();
      plastic_strain_last.clear();
      plastic_strain_index     = 0;
      plastic_work_fields_step = 0;
      bool complete = true;
      if (run.mechanics)
        {
          const bool plastic = run.mechanics->plastic();
          run.mechanics->for_each_cell(
            run.heat->dof_handler(), run.heat->temperature(),
            [&](const typename DoFHandler<dim>::active_cell_iterator &cell, const CellQuadraturePoints<dim> &,
                const std::vector<MaterialPointFields> &fields) {
              const CellId id = cell->id();
              const auto   it = cycle_start_by_cell.find(id.to_string());
              if (it == cycle_start_by_cell.end() || it->second.size() != fields.size())
                complete = false;
              else
                {
                  cells_cycle_start.emplace_back(id, static_cast<unsigned int>(fields.size()));
                  p_cycle_start.insert(p_cycle_start.end(), it->second.begin(), it->second.end());
                }
              if (plastic)
                for (const auto &f : fields)
                  plastic_strain_last.push_back(f.plastic_strain);
            });
        }
      if (Utilities::MPI::min(complete ? 1 : 0, run.comm) == 0)
        throw std::runtime_error("the checkpoint's plastic strains at the start of the cycle do "
                                 "not cover this mesh's cells and quadrature points");
      restore_appended_file(run, "cycles.csv", cycles_size);
      restore_appended_file(run, "cycles_rings.csv", rings_size);
    }

    BMGFE_REGISTER_POSTPROCESSOR(CycleStatistics, "cycle statistics", 72,
                                 "per thermal cycle: free volume, T_f, dH_rel, hardness and their "
                                 "spread, yielded volume, plastic work, largest stress/strength "
                                 "ratio (cycles.csv, cycles_rings.csv)")
  } // namespace postprocess
} // namespace bmgfe
