#include <bmgfe/base/input_error.h>
#include <bmgfe/base/time_list.h>
#include <bmgfe/io/checkpoint_state.h>
#include <bmgfe/io/run_directory.h>
#include <bmgfe/linear_algebra/backend.h>
#include <bmgfe/physics/heat_problem.h>
#include <bmgfe/physics/mechanics_problem.h>
#include <bmgfe/postprocess/manager.h>
#include <bmgfe/postprocess/ring_profiles.h>
#include <bmgfe/postprocess/tensor_frames.h>
#include <bmgfe/protocol/thermal_protocol.h>

#include <deal.II/base/mpi.h>
#include <deal.II/base/parameter_handler.h>
#include <deal.II/base/utilities.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <limits>
#include <sstream>

namespace bmgfe
{
  namespace postprocess
  {
    using namespace dealii;

    template <int dim, typename LA>
    void RingProfiles<dim, LA>::declare_parameters(ParameterHandler &prm)
    {
      prm.enter_subsection("Statistics");
      prm.declare_entry("Profile times", "", Patterns::Anything(),
                        "Times [s] at which the ring statistics and the radial profile are written "
                        "to profiles/ (also at the end of every run): numbers and ranges "
                        "'start:step:end', e.g. '0, 30:0.25:33'. The time stepping ends a step "
                        "exactly at each of them; times outside the protocol are ignored with a "
                        "warning. Rods and plates only.");
      prm.declare_entry("Number of rings", "10", Patterns::Integer(1, 1000),
                        "Rings of equal width in r in [0, R] (rods), or layers of equal thickness "
                        "by the distance from the mid-plane (plates), for the ring statistics "
                        "(mean, standard deviation, FWHM = 2 sqrt(2 ln 2) std per ring and field).");
      prm.declare_entry("Ring axial range", "", Patterns::List(Patterns::Double(), 0, 2),
                        "'z_min, z_max' [m] along the rod axis from its bottom end (z for the built-in rod): only "
                        "material in this slab counts for the rings "
                        "(3D and axisymmetric rods); empty: the whole length.");
      prm.declare_entry("Ring fields", "default", Patterns::Anything(),
                        "Point quantities averaged per ring: 'default' (temperature, stress "
                        "components, von Mises and mean stress, g, expansion coefficient and, "
                        "with the free-volume models, free volume, fictive temperature, equivalent "
                        "inelastic strain, hardness proxies, relaxation enthalpy) or a "
                        "comma-separated list of quantity names (README, 'Output names'); tensors "
                        "give their cylindrical components rr, tt, zz, rz (rods).");
      prm.leave_subsection();
    }

    template <int dim, typename LA>
    bool RingProfiles<dim, LA>::enabled_by_default(ParameterHandler &) const
    {
      const auto &domain = *this->run().domain;
      return domain.rod || domain.half_thickness > 0;
    }

    template <int dim, typename LA>
    void RingProfiles<dim, LA>::parse_parameters(ParameterHandler &prm)
    {
      prm.enter_subsection("Statistics");
      profile_times = parse_time_list(prm.get("Profile times"), "Statistics/Profile times");
      n_rings       = prm.get_integer("Number of rings");
      axial_range   = AxialRange::parse(prm.get("Ring axial range"), "Statistics/Ring axial range");
      field_names = Utilities::split_string_list(prm.get("Ring fields"), ',');
      probes_text = prm.get("Probe points");
      prm.leave_subsection();
    }

    template <int dim, typename LA>
    void RingProfiles<dim, LA>::initialize()
    {
      const auto &run = this->run();
      const auto &dom = *run.domain;
      plate           = !dom.rod && dom.half_thickness > 0;
      require(dom.rod || plate, "entry 'Postprocess/List of postprocessors'",
              "'ring statistics' needs a rod (built in, or a mesh file with 'Geometry/Mesh rod "
              "axis direction') or a plate (" + dom.description + ")");
      extent = plate ? dom.half_thickness : dom.rod->radius;
      if (!plate)
        rod_frame(run.kinematics, dom, frame);
      components = component_frame(run.kinematics, dom);

      // The ring fields: quantities by name, tensors as their components.
      const bool all_default = field_names.size() == 1 && field_names[0] == "default";
      std::vector<const Quantity *> chosen;
      if (all_default)
        {
          for (const auto &q : this->quantities().all())
            if (q.in_rings_by_default)
              chosen.push_back(&q);
        }
      else
        for (const auto &name : field_names)
          {
            const Quantity *q = this->quantities().find(name);
            require(q != nullptr, "entry 'Statistics/Ring fields'",
                    "no quantity '" + name + "' in this run; available: " + this->quantities().names());
            require(q->kind != QuantityKind::vector, "entry 'Statistics/Ring fields'",
                    "'" + name + "' is a vector; only scalars and tensors have ring statistics");
            chosen.push_back(q);
          }
      fields.clear();
      for (const Quantity *q : chosen)
        if (q->kind == QuantityKind::scalar)
          fields.push_back({q, -1, q->name});
        else if (q->kind == QuantityKind::symmetric_tensor)
          for (unsigned int c = 0; c < components.suffixes.size(); ++c)
            fields.push_back({q, static_cast<int>(c), q->name + "_" + components.suffixes[c]});

      // Profile times outside the protocol are ignored (with a warning in the report).
      schedule.set(profile_times, run.protocol->start_time(), run.protocol->end_time());

      if (!plate)
        {
          // Profile line: from the axis at the height of the centre probe (the first probe)
          // outwards along e_r (the model's x direction for an axis along z or r = 0).
          auto points = parse_probe_points<dim>(probes_text, "Statistics/Probe points");
          if (points.empty())
            points = dom.default_probes;
          const RodAxis     &axis   = frame.axis;
          const Point<3>     start  = axis.point + axis.axial_coordinate(points.front().second) *
                                                   axis.direction;
          const Tensor<1, 3> e_r    = axis.cylindrical_basis(start).e_r;
          const unsigned int n      = 4 * n_rings;
          std::vector<std::pair<std::string, Point<dim>>> path;
          for (unsigned int i = 0; i <= n; ++i)
            {
              const Point<3> x = start + (extent * i / n) * e_r;
              Point<dim>     p;
              for (unsigned int d = 0; d < dim; ++d)
                p[d] = x[d];
              path.emplace_back("r" + std::to_string(i), p);
            }
          std::vector<std::string> notes;
          // The line runs to the rod radius: across a notch its outer points are outside.
          line.refuse_points_outside = false;
          line.initialize(run.heat->dof_handler(), *run.mapping, path, notes);
        }
    }

    template <int dim, typename LA>
    void RingProfiles<dim, LA>::report_setup(std::ostream &out) const
    {
      out << "  rings        : " << n_rings << (plate ? " layers" : " rings") << ", "
          << fields.size() << " fields, " << schedule.size() << " profile times (and the end)\n";
      schedule.report_ignored(out, "Statistics/Profile times");
    }

    template <int dim, typename LA>
    double RingProfiles<dim, LA>::next_time_of_interest(const double t) const
    {
      return schedule.next_after(t);
    }

    template <int dim, typename LA>
    bool RingProfiles<dim, LA>::is_profile_step(const StepInfo &info) const
    {
      return schedule.due(info.time);
    }

    template <int dim, typename LA>
    bool RingProfiles<dim, LA>::needs_quadrature_points(const StepInfo &info) const
    {
      return is_profile_step(info) || info.final;
    }

    template <int dim, typename LA>
    double RingProfiles<dim, LA>::radius_of(const Point<dim> &x) const
    {
      if (plate)
        return std::abs(x[dim - 1]);
      return frame.radial_distance(to_3d(x));
    }

    template <int dim, typename LA>
    bool RingProfiles<dim, LA>::in_slab(const Point<dim> &x) const
    {
      if (axial_range.empty() || is_planar(this->run().kinematics) || plate)
        return true;
      return axial_range.contains(frame.axis.axial_coordinate(x));
    }

    template <int dim, typename LA>
    void RingProfiles<dim, LA>::values_at(const Point<dim> &x, const MaterialPointFields &f,
                                          std::vector<double> &values) const
    {
      const std::array<double, 3> position = to_3d(x);
      const PointContext          context{position, f};
      values.resize(fields.size());
      const Quantity     *tensor_of = nullptr;
      std::vector<double> tensor_components;
      for (std::size_t i = 0; i < fields.size(); ++i)
        {
          const Field &field = fields[i];
          if (field.component < 0)
            values[i] = field.quantity->scalar(context);
          else
            {
              if (tensor_of != field.quantity)
                {
                  tensor_components = components.components(field.quantity->tensor(context), position);
                  tensor_of         = field.quantity;
                }
              values[i] = tensor_components[field.component];
            }
        }
    }

    template <int dim, typename LA>
    void RingProfiles<dim, LA>::visit_cell(const CellPoints<dim> &points)
    {
      const bool stresses = this->run().mechanics != nullptr;
      if (points.first || !rings)
        {
          std::vector<std::string> names, units;
          for (const auto &f : fields)
            {
              names.push_back(f.name);
              units.push_back(f.quantity->unit);
            }
          rings = std::make_unique<RingStatistics>(n_rings, extent, names, units);
          max_component.assign(components.suffixes.size(), -std::numeric_limits<double>::infinity());
          min_component.assign(components.suffixes.size(), std::numeric_limits<double>::infinity());
          max_von_mises = max_principal = -std::numeric_limits<double>::infinity();
        }
      std::vector<double> values;
      for (unsigned int q = 0; q < points.fields.size(); ++q)
        {
          const auto &x = points.positions[q];
          const auto &f = points.fields[q];
          if (stresses)
            {
              // Extremes over the whole body (residual-stress peaks may lie outside the slab).
              const auto c = components.components(f.stress, to_3d(x));
              for (std::size_t i = 0; i < c.size(); ++i)
                {
                  max_component[i] = std::max(max_component[i], c[i]);
                  min_component[i] = std::min(min_component[i], c[i]);
                }
              max_von_mises = std::max(max_von_mises, von_mises(f.stress));
              max_principal = std::max(max_principal, principal_stresses(f.stress)[0]);
            }
          if (!in_slab(x))
            continue;
          values_at(x, f, values);
          rings->add(radius_of(x), points.weights[q], values);
        }
    }

    template <int dim, typename LA>
    void RingProfiles<dim, LA>::execute(const StepInfo &info, StatisticsRow &)
    {
      if (!needs_quadrature_points(info))
        return;
      const auto &run = this->run();
      if (!rings) // this rank owns no cells
        {
          CellPoints<dim> none;
          none.first = true;
          visit_cell(none);
        }
      rings->reduce(run.comm);
      for (std::size_t i = 0; i < max_component.size(); ++i)
        {
          max_component[i] = Utilities::MPI::max(max_component[i], run.comm);
          min_component[i] = Utilities::MPI::min(min_component[i], run.comm);
        }
      max_von_mises = Utilities::MPI::max(max_von_mises, run.comm);
      max_principal = Utilities::MPI::max(max_principal, run.comm);
      // H/mean(H) of doc/model.md §5 (seed 000, Fig. 8), normalised by the volume mean of H over
      // the whole ring region: a global constant, so the ring sums are simply rescaled.
      if (rings->has_field("hardness"))
        rings->add_relative_field("relative_hardness", rings->field_index("hardness"));

      write_files(info.time);
      schedule.advance(info.time);
      if (info.final)
        {
          final_rings         = *rings;
          final_max           = max_component;
          final_min           = min_component;
          final_max_von_mises = max_von_mises;
          final_max_principal = max_principal;
        }
      rings.reset();
    }

    template <int dim, typename LA>
    void RingProfiles<dim, LA>::write_files(const double t)
    {
      const auto &run = this->run();
      // Point values along the radius (rods): the fields at the points of the line.
      std::vector<std::vector<double>> line_values;
      if (!plate)
        {
          if (run.mechanics)
            line_values = line.evaluate_with(
              [&](const typename DoFHandler<dim>::active_cell_iterator &heat_cell, const Point<dim> &ref) {
                const typename DoFHandler<dim>::active_cell_iterator cell(
                  run.triangulation, heat_cell->level(), heat_cell->index(),
                  &run.mechanics->dof_handler());
                const MaterialPointFields f =
                  run.mechanics->stress_at(cell, ref, run.heat->dof_handler(), run.heat->temperature());
                std::vector<double> v;
                values_at(run.mapping->transform_unit_to_real_cell(heat_cell, ref), f, v);
                return v;
              },
              fields.size());
          else
            {
              const auto T = line.evaluate(run.heat->temperature());
              for (std::size_t i = 0; i < T.size(); ++i)
                {
                  MaterialPointFields f;
                  f.temperature = T[i];
                  line_values.emplace_back();
                  values_at(line.points()[i].second, f, line_values.back());
                }
            }
        }
      if (!run.run_directory)
        return;
      const std::string dir = run.run_directory->file("profiles");
      char              index[16];
      std::snprintf(index, sizeof(index), "%05u", n_written);
      const std::string rings_file = dir + "/rings_" + index + ".csv";
      write_on_root(run, rings_file, [&] {
        std::filesystem::create_directories(dir);
        {
          std::ofstream out(rings_file);
          if (plate)
            out << "# time = " << std::setprecision(12) << t << " s; " << n_rings
                << " layers of equal thickness by the distance from the mid-plane (r_inner, "
                   "r_outer: distances in m), weighted by volume\n";
          else
            out << "# time = " << std::setprecision(12) << t << " s; " << n_rings
                << " rings of equal width, weighted by volume (2 pi r in axisymmetric models)\n";
          rings->write_csv(out);
          if (!out.good())
            return false;
        }
        if (!plate)
          {
            std::ofstream out(dir + "/profile_" + index + ".csv");
            out << "# time = " << std::setprecision(12) << t
                << " s; point values along +x from the centre probe\nr_m";
            for (const auto &f : fields)
              out << ',' << join_name({f.name, f.quantity->unit});
            out << '\n';
            for (std::size_t i = 0; i < line_values.size(); ++i)
              {
                out << frame.radial_distance(to_3d(line.points()[i].second));
                for (const double v : line_values[i])
                  out << ',' << v;
                out << '\n';
              }
            if (!out.good())
              return false;
          }
        std::ofstream times(dir + "/times.csv", n_written ? std::ios::app : std::ios::trunc);
        if (n_written == 0)
          times << "index,time_s\n";
        times << n_written << ',' << std::setprecision(12) << t << '\n';
        return times.good();
      });
      ++n_written;
    }

    template <int dim, typename LA>
    void RingProfiles<dim, LA>::add_summary(Summary &summary)
    {
      if (!final_rings)
        return;
      const RingStatistics &r    = *final_rings;
      const unsigned int    edge = r.n_rings() - 1;
      for (unsigned int f = 0; f < r.field_names().size(); ++f)
        {
          const std::string &name = r.field_names()[f];
          const std::string &unit = r.unit(f);
          if (name == "relative_hardness")
            continue;
          summary[join_name({name, "centre_ring", unit})] = json_number(r.mean(0, f));
          summary[join_name({name, "edge_ring", unit})]   = json_number(r.mean(edge, f));
          summary[join_name({name, "edge_minus_centre_ring", unit})] =
            json_number(r.mean(edge, f) - r.mean(0, f));
          summary[join_name({name, "volume_mean", unit})] = json_number(r.volume_mean(f));
        }
      if (r.has_field("relative_hardness"))
        {
          const unsigned int f                        = r.field_index("relative_hardness");
          summary["relative_hardness_fwhm_centre_ring"] = json_number(r.fwhm(0, f));
          summary["relative_hardness_fwhm_edge_ring"]   = json_number(r.fwhm(edge, f));
        }
      if (this->run().mechanics)
        {
          for (std::size_t i = 0; i < components.suffixes.size(); ++i)
            {
              summary[join_name({"stress", components.suffixes[i], "max", "Pa"})] =
                json_number(final_max[i]);
              summary[join_name({"stress", components.suffixes[i], "min", "Pa"})] =
                json_number(final_min[i]);
            }
          summary["von_mises_stress_max_Pa"]   = json_number(final_max_von_mises);
          summary["principal_stress_1_max_Pa"] = json_number(final_max_principal);
        }
    }

    template <int dim, typename LA>
    std::string RingProfiles<dim, LA>::save_state() const
    {
      // The profile times passed, the files' index, and how far profiles/times.csv (appended
      // to) had come. The rings are collected anew at each profile time; those of the end of
      // the run (final_rings) only exist after the last step, which no restart follows.
      return pack_state(schedule, n_written, appended_file_size(this->run(), "profiles/times.csv"));
    }

    template <int dim, typename LA>
    void RingProfiles<dim, LA>::load_state(const std::string &bytes)
    {
      std::uint64_t times_size = 0;
      unpack_state(bytes, schedule, n_written, times_size);
      restore_appended_file(this->run(), "profiles/times.csv", times_size);
    }

    BMGFE_REGISTER_POSTPROCESSOR(RingProfiles, "ring statistics", 70,
                                 "centre-to-edge ring (or layer) statistics and radial profiles at "
                                 "'Statistics/Profile times' and at the end (rods and plates)")
  } // namespace postprocess
} // namespace bmgfe
