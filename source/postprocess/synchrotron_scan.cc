#include <bmgfe/base/input_error.h>
#include <bmgfe/base/time_list.h>
#include <bmgfe/geometry/rod_axis.h>
#include <bmgfe/io/checkpoint_state.h>
#include <bmgfe/io/run_directory.h>
#include <bmgfe/linear_algebra/backend.h>
#include <bmgfe/physics/heat_problem.h>
#include <bmgfe/physics/mechanics_parameters.h>
#include <bmgfe/physics/mechanics_problem.h>
#include <bmgfe/postprocess/manager.h>
#include <bmgfe/postprocess/png_image.h>
#include <bmgfe/postprocess/point_sampling.h>
#include <bmgfe/postprocess/synchrotron_scan.h>
#include <bmgfe/protocol/thermal_protocol.h>

#include <deal.II/base/mpi.h>
#include <deal.II/base/parameter_handler.h>
#include <deal.II/base/utilities.h>
#include <deal.II/fe/mapping.h>
#include <deal.II/grid/grid_tools.h>
#include <deal.II/grid/grid_tools_cache.h>

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

    namespace synchrotron
    {
      namespace
      {
        double fast_extent(const Settings &s) { return s.frames * s.fast_step; }

        /// Pixel pitch across and along the load axis.
        std::array<double, 2> pitch(const Settings &s)
        {
          return s.fast_along ? std::array<double, 2>{{s.slow_step, fast_extent(s)}} :
                                std::array<double, 2>{{fast_extent(s), s.slow_step}};
        }
      } // namespace

      std::array<unsigned int, 2> grid_size(const Settings &s)
      {
        const auto p     = pitch(s);
        const auto count = [](const double extent, const double pitch) {
          return std::max(1u, static_cast<unsigned int>(std::floor(extent / pitch + 1e-9)));
        };
        return {{count(s.region[2] - s.region[0], p[0]), count(s.region[3] - s.region[1], p[1])}};
      }

      std::vector<Pixel> make_pixels(const Settings &s, const Frame frame)
      {
        const auto   n            = grid_size(s);
        const double pitch_across = pitch(s)[0], pitch_along = pitch(s)[1];
        // Footprint: the swept fast extent and the beam along the slow axis.
        const unsigned int n_fast = std::max(1u, s.samples);
        const unsigned int n_slow = std::max(
          1u, static_cast<unsigned int>(std::lround(s.samples * s.beam_size / fast_extent(s))));
        // Beam path through the slice (none in a planar model).
        const double half = frame == Frame::planar ? 0 : (s.slice > 0 ? s.slice / 2 : s.body_radius);
        const unsigned int n_beam = frame == Frame::planar ? 1u : std::max(1u, s.slice_samples);
        const double       weight = 1.0 / (n_fast * n_slow * n_beam);
        std::vector<Pixel> pixels;
        pixels.reserve(static_cast<std::size_t>(n[0]) * n[1]);
        for (unsigned int j = 0; j < n[1]; ++j)
          for (unsigned int i = 0; i < n[0]; ++i)
            {
              Pixel p;
              p.across = s.region[0] + (i + 0.5) * pitch_across;
              p.along  = s.region[1] + (j + 0.5) * pitch_along;
              for (unsigned int f = 0; f < n_fast; ++f)
                for (unsigned int w = 0; w < n_slow; ++w)
                  for (unsigned int b = 0; b < n_beam; ++b)
                    {
                      const double df = ((f + 0.5) / n_fast - 0.5) * fast_extent(s);
                      const double dw = ((w + 0.5) / n_slow - 0.5) * s.beam_size;
                      Sample       q;
                      q.across = p.across + (s.fast_along ? dw : df);
                      q.along  = p.along + (s.fast_along ? df : dw);
                      q.beam   = n_beam > 1 ? -half + (b + 0.5) * 2 * half / n_beam : 0;
                      q.weight = weight;
                      p.samples.push_back(q);
                    }
              pixels.push_back(std::move(p));
            }
        return pixels;
      }

      std::array<double, 4> scan_components(const SymmetricTensor<2, 3> &eps, const Frame frame,
                                             const double across, const double beam,
                                             const unsigned int along_component,
                                             const unsigned int across_component)
      {
        if (frame == Frame::axisymmetric)
          {
            // The model's (r, z, theta) tensor at r = sqrt(a^2 + y^2) as the Cartesian tensor of
            // the rod (across, beam, along) = (x, y, z) about the z axis.
            RodAxis axis;
            axis.direction[2] = 1;
            const SymmetricTensor<2, 3> cartesian =
              axis.cylindrical_basis(Point<3>(across, beam, 0))
                .cartesian(eps[0][0], eps[2][2], eps[1][1], eps[0][1]);
            return scan_components(cartesian, Frame::solid, across, beam, 2, 0);
          }
        return {{eps[along_component][along_component], eps[across_component][across_component],
                 eps[along_component][across_component], trace(eps)}};
      }

      std::array<double, 3> principal_strains(const double e11, const double e22, const double e12)
      {
        const double mean = 0.5 * (e11 + e22), radius = std::hypot(0.5 * (e11 - e22), e12);
        // Angle of the first principal direction to the load axis (direction 1).
        double angle = 0.5 * std::atan2(2 * e12, e11 - e22) * 180 / M_PI;
        if (angle <= -90)
          angle += 180;
        return {{mean + radius, mean - radius, angle}};
      }
    } // namespace synchrotron

    namespace
    {
      const std::string subsection = "Postprocess/Synchrotron scan";
      std::string       entry(const std::string &name) { return "entry '" + subsection + "/" + name + "'"; }
      const char *const component_names[] = {"eps_11", "eps_22", "eps_12", "eps_vol"};
    } // namespace

    template <int dim, typename LA>
    void SynchrotronScan<dim, LA>::declare_parameters(ParameterHandler &prm)
    {
      prm.enter_subsection("Postprocess");
      prm.enter_subsection("Synchrotron scan");
      prm.declare_entry("Region", "auto", Patterns::Anything(),
                        "The scanned part of the scan plane: 'across_min, along_min, across_max, "
                        "along_max' [m] (along: the load axis; across: the other in-plane axis, "
                        "the signed distance from the rod axis for rods), or 'auto': the whole "
                        "section (rods: -R..R across, 0..L along).");
      prm.declare_entry("Fast axis", "along", Patterns::Selection("along|across"),
                        "The axis scanned in fast steps (seed 004: 3500 steps of 1 um).");
      prm.declare_entry("Fast step", "1e-6", Patterns::Double(0),
                        "Step of the fast axis [m] (seed 004: 1 um).");
      prm.declare_entry("Frames summed", "50", Patterns::Integer(1),
                        "Frames summed into one pixel along the fast axis (seed 004: 50), so the "
                        "pixel pitch there is 'Frames summed' x 'Fast step'.");
      prm.declare_entry("Slow step", "5e-5", Patterns::Double(0),
                        "Step of the slow axis [m] (seed 004: 50 um).");
      prm.declare_entry("Beam size", "5e-7", Patterns::Double(0),
                        "Edge of the (square) beam footprint [m] (seed 004: 0.5 um).");
      prm.declare_entry("Samples per pixel", "5", Patterns::Integer(1, 1000),
                        "Sample points per pixel along the fast axis (and proportionally many "
                        "over the beam along the slow axis).");
      prm.declare_entry("Slice thickness", "1e-3", Patterns::Double(0),
                        "Thickness of the slice the beam crosses, centred on the rod axis [m]; "
                        "0: the whole rod (the beam crosses its full chord). Not used in planar "
                        "models. An estimate: seed 004 does not state it.");
      prm.declare_entry("Samples through the slice", "8", Patterns::Integer(1, 1000),
                        "Sample points along the beam path through the slice.");
      prm.declare_entry("Times", "", Patterns::Anything(),
                        "Times [s] of scans in addition to the one at the end of the run.");
      declare_material_state_entry(prm);
      prm.leave_subsection();
      prm.leave_subsection();
    }

    template <int dim, typename LA>
    void SynchrotronScan<dim, LA>::parse_parameters(ParameterHandler &prm)
    {
      prm.enter_subsection("Postprocess");
      prm.enter_subsection("Synchrotron scan");
      region_text             = Utilities::trim(prm.get("Region"));
      settings.fast_along     = prm.get("Fast axis") == "along";
      settings.fast_step      = prm.get_double("Fast step");
      settings.frames         = prm.get_integer("Frames summed");
      settings.slow_step      = prm.get_double("Slow step");
      settings.beam_size      = prm.get_double("Beam size");
      settings.samples        = prm.get_integer("Samples per pixel");
      settings.slice          = prm.get_double("Slice thickness");
      settings.slice_samples  = prm.get_integer("Samples through the slice");
      times                   = parse_time_list(prm.get("Times"), subsection + "/Times");
      nearest_state           = nearest_gauss_point_state(prm);
      prm.leave_subsection();
      prm.leave_subsection();
      require(settings.fast_step > 0, entry("Fast step"), "must be positive");
      require(settings.slow_step > 0, entry("Slow step"), "must be positive");
      if (region_text != "auto")
        {
          const auto parts = Utilities::split_string_list(region_text);
          require(parts.size() == 4, entry("Region"),
                  "'" + region_text + "' must be 'auto' or four lengths 'across_min, along_min, "
                  "across_max, along_max'");
          for (unsigned int i = 0; i < 4; ++i)
            settings.region[i] = parse_number(parts[i], entry("Region"));
          require(settings.region[0] < settings.region[2] && settings.region[1] < settings.region[3],
                  entry("Region"), "every minimum must be below its maximum");
        }
    }

    template <int dim, typename LA>
    void SynchrotronScan<dim, LA>::initialize()
    {
      const auto &run = this->run();
      require(run.mechanics != nullptr, "entry 'Postprocess/List of postprocessors'",
              "'synchrotron scan' maps the elastic strain and needs 'Mechanics/Enabled = true'");
      const auto &domain = *run.domain;
      // The scan frame.
      if (run.kinematics == Kinematics::axisymmetric)
        frame = synchrotron::Frame::axisymmetric;
      else if (dim == 3)
        frame = synchrotron::Frame::solid;
      else
        frame = synchrotron::Frame::planar;
      along_component = dim == 3 ? 2 : 1;
      if (domain.rod && dim == 3)
        {
          unsigned int axis = 0;
          for (unsigned int d = 0; d < 3; ++d)
            if (std::abs(domain.rod->direction[d]) > std::abs(domain.rod->direction[axis]))
              axis = d;
          require(std::abs(std::abs(domain.rod->direction[axis]) - 1) < 1e-9, subsection,
                  "needs a rod whose axis is a coordinate axis");
          along_component = axis;
        }
      else if (run.mechanics_parameters && run.mechanics_parameters->loading.enabled && frame != synchrotron::Frame::axisymmetric)
        along_component = run.mechanics_parameters->loading.component();
      across_component = along_component == 0 ? 1 : 0;
      const unsigned int beam_component = 3 - along_component - across_component;
      beam_centre = domain.rod && dim == 3 ? domain.rod->point[beam_component] : 0;
      settings.body_radius = domain.rod ? domain.rod->radius : domain.radius;
      require(frame == synchrotron::Frame::planar || settings.slice > 0 || settings.body_radius > 0,
              entry("Slice thickness"), "is 0 (the whole chord) but the body is not a rod");
      if (region_text == "auto")
        {
          if (domain.rod && frame != synchrotron::Frame::planar)
            {
              const double a0 = frame == synchrotron::Frame::solid ? domain.rod->point[across_component] : 0;
              const double l0 = domain.rod->point[frame == synchrotron::Frame::solid ? along_component : 1];
              settings.region = {{a0 - domain.rod->radius, l0, a0 + domain.rod->radius, l0 + domain.rod->length}};
            }
          else
            {
              const auto box = GridTools::compute_bounding_box(*run.triangulation);
              double     lo[dim], hi[dim];
              for (unsigned int d = 0; d < dim; ++d)
                {
                  lo[d] = Utilities::MPI::min(box.get_boundary_points().first[d], run.comm);
                  hi[d] = Utilities::MPI::max(box.get_boundary_points().second[d], run.comm);
                }
              settings.region = {{lo[across_component], lo[along_component], hi[across_component], hi[along_component]}};
            }
        }
      const auto n = synchrotron::grid_size(settings);
      n_across     = n[0];
      n_along      = n[1];
      require(static_cast<double>(n_across) * n_along <= 4e6, subsection,
              "the region holds " + std::to_string(n_across) + " x " + std::to_string(n_along) +
                " pixels (at most 4 million): enlarge the steps or shrink the region");
      pixels = synchrotron::make_pixels(settings, frame);
      require(pixels.size() * pixels.front().samples.size() <= 2e7, subsection,
              "more than 20 million sample points: fewer samples per pixel or through the slice");
      schedule.set(times, run.protocol->start_time(), run.protocol->end_time());
    }

    template <int dim, typename LA>
    void SynchrotronScan<dim, LA>::report_setup(std::ostream &out) const
    {
      out << "  synchrotron  : " << n_across << " x " << n_along << " pixels (across x along) over ["
          << settings.region[0] << ", " << settings.region[2] << "] x [" << settings.region[1] << ", "
          << settings.region[3] << "] m, " << pixels.front().samples.size() << " samples each ("
          << (frame == synchrotron::Frame::planar ? std::string("model plane") :
              settings.slice > 0 ? "slice " + std::to_string(settings.slice * 1e3) + " mm" :
                                   std::string("whole chord"))
          << "); at " << schedule.size() << " time(s) and the end\n";
      schedule.report_ignored(out, subsection + "/Times");
    }

    template <int dim, typename LA>
    double SynchrotronScan<dim, LA>::next_time_of_interest(const double t) const
    {
      return schedule.next_after(t);
    }

    template <int dim, typename LA>
    typename SynchrotronScan<dim, LA>::Map SynchrotronScan<dim, LA>::scan(const double time) const
    {
      const auto        &run       = this->run();
      const auto        &mechanics = *run.mechanics;
      // Every sample in model coordinates.
      std::vector<Point<dim>> points;
      for (const auto &pixel : pixels)
        for (const auto &q : pixel.samples)
          {
            Point<dim> x;
            if (frame == synchrotron::Frame::axisymmetric)
              {
                x[0] = std::hypot(q.across, q.beam);
                x[1] = q.along;
              }
            else
              {
                x[across_component] = q.across;
                x[along_component]  = q.along;
                if constexpr (dim == 3)
                  x[3 - along_component - across_component] = beam_centre + q.beam;
              }
            points.push_back(x);
          }
      // Locate them; the rank that owns a sample's cell computes its four scan components.
      PointSampler<dim> sampler;
      sampler.locate(*run.triangulation, *run.mapping, points, run.comm);
      std::vector<const synchrotron::Sample *> sample_of;
      for (const auto &pixel : pixels)
        for (const auto &q : pixel.samples)
          sample_of.push_back(&q);
      const std::vector<double> components = sampler.evaluate(
        [&](const typename PointSampler<dim>::Cell &tria_cell, const Point<dim> &reference, const std::size_t i,
            double *values) {
          const typename DoFHandler<dim>::active_cell_iterator cell(
            run.triangulation, tria_cell->level(), tria_cell->index(), &mechanics.dof_handler());
          const MaterialPointFields f =
            mechanics.stress_at(cell, reference, run.heat->dof_handler(), run.heat->temperature(),
                                nearest_state ? MechanicsProblem<dim, LA>::StateAtPoint::nearest_gauss_point :
                                                MechanicsProblem<dim, LA>::StateAtPoint::interpolated);
          const auto c = synchrotron::scan_components(f.elastic_strain, frame, sample_of[i]->across,
                                                      sample_of[i]->beam, along_component, across_component);
          for (unsigned int k = 0; k < 4; ++k)
            values[k] = c[k];
        },
        4);
      // Pixel averages over the samples inside the body.
      Map map;
      map.time = time;
      map.inside.assign(pixels.size(), 0.0);
      map.values.assign(7 * pixels.size(), std::numeric_limits<double>::quiet_NaN());
      std::size_t i = 0;
      for (std::size_t p = 0; p < pixels.size(); ++p)
        {
          std::array<double, 4> sum = {{0, 0, 0, 0}};
          for (const auto &q : pixels[p].samples)
            {
              if (sampler.inside(i))
                {
                  map.inside[p] += q.weight;
                  for (unsigned int k = 0; k < 4; ++k)
                    sum[k] += q.weight * components[4 * i + k];
                }
              ++i;
            }
          if (map.inside[p] > 0)
            {
              for (unsigned int k = 0; k < 4; ++k)
                map.values[7 * p + k] = sum[k] / map.inside[p];
              const auto principal = synchrotron::principal_strains(
                map.values[7 * p], map.values[7 * p + 1], map.values[7 * p + 2]);
              for (unsigned int k = 0; k < 3; ++k)
                map.values[7 * p + 4 + k] = principal[k];
            }
        }
      return map;
    }

    template <int dim, typename LA>
    void SynchrotronScan<dim, LA>::execute(const StepInfo &info, StatisticsRow &)
    {
      if (!schedule.due(info.time) && !info.final)
        return;
      const Map map = scan(info.time);
      std::size_t filled = 0;
      for (const double f : map.inside)
        filled += f > 0;
      *this->run().log << "  synchrotron scan at t = " << info.time << " s: " << filled << " of "
                       << map.inside.size() << " pixels inside the body\n";
      write_files(map);
      schedule.advance(info.time);
      if (info.final)
        final = map;
    }

    template <int dim, typename LA>
    void SynchrotronScan<dim, LA>::write_files(const Map &map)
    {
      const auto &run = this->run();
      if (!run.run_directory)
        return;
      const std::string dir = run.run_directory->file("synchrotron_scan");
      char              index[16];
      std::snprintf(index, sizeof(index), "%05u", n_written);
      write_on_root(run, dir, [&] {
        std::filesystem::create_directories(dir);
        bool ok = true;
        {
          std::ofstream out(dir + "/scan_" + index + ".csv");
          out << "# Virtual synchrotron strain scan (bmgfe postprocessor 'synchrotron scan', doc/model.md): "
                 "t = " << std::setprecision(12) << map.time << " s; elastic strain averaged over each pixel's "
                 "footprint and the beam path through the slice\n"
              << "# across_m: in-plane distance across the load axis (from the rod axis for rods); along_m: "
                 "along the load axis; inside_fraction: weight of the pixel's samples inside the body; eps_11 "
                 "along the load, eps_22 across it, eps_12 their shear, eps_vol = trace (3D); principal_1 >= "
                 "principal_2 in the scan plane, principal_angle_deg: of principal_1 to the load axis; "
                 "nan: no sample inside\n"
              << "i,j,across_m,along_m,inside_fraction,eps_11,eps_22,eps_12,eps_vol,principal_1,principal_2,"
                 "principal_angle_deg\n"
              << std::setprecision(10);
          for (std::size_t p = 0; p < pixels.size(); ++p)
            {
              out << p % n_across << ',' << p / n_across << ',' << pixels[p].across << ',' << pixels[p].along
                  << ',' << map.inside[p];
              for (unsigned int k = 0; k < 7; ++k)
                out << ',' << map.values[7 * p + k];
              out << '\n';
            }
          ok = ok && static_cast<bool>(out);
        }
        // One PNG per component: a diverging blue-white-red scale symmetric about 0 (eps_vol
        // and the others alike), the load axis upwards; grey outside the body.
        const int scale = std::max(1, std::min(8, 600 / static_cast<int>(std::max(n_across, n_along))));
        for (unsigned int k = 0; k < 4; ++k)
          {
            double m = 0;
            for (std::size_t p = 0; p < pixels.size(); ++p)
              if (std::isfinite(map.values[7 * p + k]))
                m = std::max(m, std::abs(map.values[7 * p + k]));
            const int width = static_cast<int>(n_across) * scale, height = static_cast<int>(n_along) * scale;
            const int legend = RgbImage::text_height(1) + 6;
            RgbImage  image(std::max(width, 260), height + legend);
            for (std::size_t p = 0; p < pixels.size(); ++p)
              {
                const double v = map.values[7 * p + k];
                Rgb          colour{{200, 200, 200}};
                if (std::isfinite(v))
                  {
                    const double t = m > 0 ? std::clamp(v / m, -1.0, 1.0) : 0.0;
                    const auto   blend = [](double a, double b, double u) {
                      return static_cast<std::uint8_t>(std::lround(a + (b - a) * u));
                    };
                    colour = t >= 0 ? Rgb{{255, blend(255, 30, t), blend(255, 30, t)}} :
                                      Rgb{{blend(255, 30, -t), blend(255, 30, -t), 255}};
                  }
                const int x = static_cast<int>(p % n_across) * scale;
                const int y = height - (static_cast<int>(p / n_across) + 1) * scale;
                image.fill(x, y + legend, scale, scale, colour);
              }
            std::ostringstream label;
            label << component_names[k] << " T=" << std::setprecision(6) << map.time << " S, MAX ABS "
                  << std::setprecision(3) << m;
            image.text(2, 2, label.str(), 1, Rgb{{0, 0, 0}});
            ok = ok && image.write_png(dir + "/" + component_names[k] + "_" + index + ".png");
          }
        {
          std::ofstream times_file(dir + "/times.csv", n_written == 0 ? std::ios::trunc : std::ios::app);
          if (n_written == 0)
            times_file << "index,time_s\n";
          times_file << n_written << ',' << std::setprecision(12) << map.time << '\n';
          ok = ok && static_cast<bool>(times_file);
        }
        return ok;
      });
      ++n_written;
    }

    template <int dim, typename LA>
    void SynchrotronScan<dim, LA>::add_summary(Summary &summary)
    {
      if (!final)
        return;
      double      lo = std::numeric_limits<double>::infinity(), hi = -lo;
      std::size_t at_lo = 0, at_hi = 0;
      for (std::size_t p = 0; p < pixels.size(); ++p)
        {
          const double v = final->values[7 * p + 3];
          if (std::isfinite(v) && v < lo)
            lo = v, at_lo = p;
          if (std::isfinite(v) && v > hi)
            hi = v, at_hi = p;
        }
      summary["synchrotron_scan_min_volumetric_strain"] = json_number(lo);
      summary["synchrotron_scan_min_volumetric_strain_across_m"] = json_number(std::isfinite(lo) ? pixels[at_lo].across : lo);
      summary["synchrotron_scan_min_volumetric_strain_along_m"] = json_number(std::isfinite(lo) ? pixels[at_lo].along : lo);
      summary["synchrotron_scan_max_volumetric_strain"] = json_number(hi);
      summary["synchrotron_scan_max_volumetric_strain_across_m"] = json_number(std::isfinite(hi) ? pixels[at_hi].across : hi);
      summary["synchrotron_scan_max_volumetric_strain_along_m"] = json_number(std::isfinite(hi) ? pixels[at_hi].along : hi);
    }

    template <int dim, typename LA>
    std::string SynchrotronScan<dim, LA>::save_state() const
    {
      // The scan times passed, the files' index, and how far synchrotron_scan/times.csv
      // (appended to) had come; `final` only exists after the last step.
      return pack_state(schedule, n_written,
                        appended_file_size(this->run(), "synchrotron_scan/times.csv"));
    }

    template <int dim, typename LA>
    void SynchrotronScan<dim, LA>::load_state(const std::string &bytes)
    {
      std::uint64_t times_size = 0;
      unpack_state(bytes, schedule, n_written, times_size);
      restore_appended_file(this->run(), "synchrotron_scan/times.csv", times_size);
    }

    BMGFE_REGISTER_POSTPROCESSOR(SynchrotronScan, "synchrotron scan", 77,
                                 "elastic-strain maps of a virtual scanning X-ray diffraction "
                                 "experiment on the scan plane (seed 004): eps_11, eps_22, eps_12, "
                                 "volumetric strain and principal strains per pixel, averaged over "
                                 "the beam footprint and the slice; synchrotron_scan/ at 'Times' and "
                                 "the end")
  } // namespace postprocess
} // namespace bmgfe
