#include <bmgfe/base/input_error.h>
#include <bmgfe/base/time_list.h>
#include <bmgfe/io/checkpoint_state.h>
#include <bmgfe/io/run_directory.h>
#include <bmgfe/linear_algebra/backend.h>
#include <bmgfe/physics/heat_problem.h>
#include <bmgfe/physics/mechanics_problem.h>
#include <bmgfe/postprocess/indentation.h>
#include <bmgfe/postprocess/manager.h>
#include <bmgfe/postprocess/point_sampling.h>
#include <bmgfe/postprocess/section_sampling.h>
#include <bmgfe/postprocess/tensor_frames.h>
#include <bmgfe/protocol/thermal_protocol.h>

#include <deal.II/base/parameter_handler.h>
#include <deal.II/base/quadrature.h>
#include <deal.II/base/quadrature_lib.h>
#include <deal.II/base/utilities.h>
#include <deal.II/fe/fe_values.h>
#include <deal.II/fe/mapping.h>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <limits>
#include <set>
#include <sstream>

namespace bmgfe
{
  namespace postprocess
  {
    using namespace dealii;

    namespace
    {
      const std::string subsection = "Postprocess/Section sampling";
      std::string       entry(const std::string &name) { return "entry '" + subsection + "/" + name + "'"; }

      /// The quantities 'default' samples, those of them the run has.
      const char *const default_quantities[] = {
        "temperature", "stress", "elastic_strain", "elastic_volumetric_strain", "mean_stress",
        "von_mises_stress", "triaxiality", "lode_parameter", "principal_stress_1", "principal_stress_2",
        "principal_stress_3", "principal_direction_1", "principal_direction_3", "free_volume",
        "equivalent_plastic_strain", "nonlocal_free_volume", "hardness", "apparent_hardness"};

      bool valid_name(const std::string &name)
      {
        if (name.empty())
          return false;
        for (const char c : name)
          if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_'))
            return false;
        return true;
      }
    } // namespace

    namespace section_sampling
    {
      template <int dim>
      Point<dim> Set<dim>::point(const unsigned int i, const unsigned int j) const
      {
        const double u = n1 > 1 ? static_cast<double>(i) / (n1 - 1) : 0.0;
        const double v = n2 > 1 ? static_cast<double>(j) / (n2 - 1) : 0.0;
        Point<dim>   x = origin;
        x += u * (edge1_end - origin);
        if (grid)
          x += v * (edge2_end - origin);
        return x;
      }

      std::vector<KernelSample> half_ball_samples(const double radius, const unsigned int n)
      {
        const QGauss<1>           gauss(n);
        const unsigned int        n_azimuth = 4 * n;
        std::vector<KernelSample> samples;
        double                    sum = 0;
        for (unsigned int i = 0; i < n; ++i)
          for (unsigned int j = 0; j < n; ++j)
            for (unsigned int k = 0; k < n_azimuth; ++k)
              {
                // mu = cos(polar) is uniform over the half ball's solid angle: Gauss in mu and
                // in r (weight r^2) integrates the moments exactly.
                const double r = radius * gauss.point(i)[0], mu = gauss.point(j)[0];
                const double rho = r * std::sqrt(1 - mu * mu), azimuth = 2 * M_PI * (k + 0.5) / n_azimuth;
                KernelSample q;
                q.du     = rho * std::cos(azimuth);
                q.dv     = rho * std::sin(azimuth);
                q.depth  = r * mu;
                q.weight = gauss.weight(i) * r * r * gauss.weight(j);
                sum += q.weight;
                samples.push_back(q);
              }
        for (auto &q : samples)
          q.weight /= sum;
        return samples;
      }

      template <int dim>
      std::vector<Set<dim>> parse_sets(const std::string &lines, const std::string &grids,
                                       const std::string &line_entry, const std::string &grid_entry)
      {
        std::vector<Set<dim>> sets;
        std::set<std::string> names;
        const auto parse_point = [](const std::string &text, const std::string &where) {
          const auto parts = Utilities::split_string_list(text, ',');
          require(parts.size() == dim, where,
                  "'" + text + "' must be a point of " + std::to_string(dim) + " coordinates");
          Point<dim> p;
          for (unsigned int d = 0; d < dim; ++d)
            p[d] = parse_number(parts[d], where);
          return p;
        };
        const auto parse_count = [](const std::string &text, const std::string &where) {
          const double n = parse_number(text, where);
          require(n == std::floor(n) && n >= 2 && n <= 100000, where,
                  "'" + text + "': a number of points must be a whole number from 2 to 100000");
          return static_cast<unsigned int>(n);
        };
        for (const bool grid : {false, true})
          {
            const std::string &text  = grid ? grids : lines;
            const std::string &where = grid ? grid_entry : line_entry;
            for (const auto &item : Utilities::split_string_list(text, '|'))
              {
                const auto colon = item.find(':');
                require(colon != std::string::npos, where,
                        "'" + item + "' must start with a name and a colon, 'name: ...'");
                Set<dim> s;
                s.grid = grid;
                s.name = Utilities::trim(item.substr(0, colon));
                require(valid_name(s.name), where,
                        "'" + s.name + "' is not a name (letters, digits and '_', one word)");
                require(names.insert(s.name).second, where,
                        "the name '" + s.name + "' is used twice (lines and grids share names)");
                const auto parts = Utilities::split_string_list(item.substr(colon + 1), ';');
                const std::string in = where + " ('" + s.name + "')";
                if (!grid)
                  {
                    require(parts.size() == 3, in, "a line is 'name: start; end; number of points'");
                    s.origin    = parse_point(parts[0], in);
                    s.edge1_end = parse_point(parts[1], in);
                    s.n1        = parse_count(parts[2], in);
                    require(s.origin.distance(s.edge1_end) > 0, in, "start and end coincide");
                  }
                else
                  {
                    require(parts.size() == 4, in,
                            "a grid is 'name: origin; end of the first edge; end of the second "
                            "edge; n1, n2'");
                    s.origin    = parse_point(parts[0], in);
                    s.edge1_end = parse_point(parts[1], in);
                    s.edge2_end = parse_point(parts[2], in);
                    const auto n = Utilities::split_string_list(parts[3], ',');
                    require(n.size() == 2, in, "'" + parts[3] + "' must be two numbers of points 'n1, n2'");
                    s.n1 = parse_count(n[0], in);
                    s.n2 = parse_count(n[1], in);
                    const Tensor<1, dim> a = s.edge1_end - s.origin, b = s.edge2_end - s.origin;
                    // The edges must span a plane: |a x b| > 0 (a 2D or 3D cross product).
                    const double ab = a * b, area2 = a.norm_square() * b.norm_square() - ab * ab;
                    require(a.norm() > 0 && b.norm() > 0 && area2 > 1e-12 * a.norm_square() * b.norm_square(), in,
                            "the two edges must have lengths and not be parallel");
                  }
                sets.push_back(s);
              }
          }
        return sets;
      }

      template struct Set<2>;
      template struct Set<3>;
      template std::vector<Set<2>> parse_sets<2>(const std::string &, const std::string &, const std::string &,
                                                 const std::string &);
      template std::vector<Set<3>> parse_sets<3>(const std::string &, const std::string &, const std::string &,
                                                 const std::string &);
    } // namespace section_sampling

    template <int dim, typename LA>
    void SectionSampling<dim, LA>::declare_parameters(ParameterHandler &prm)
    {
      prm.enter_subsection("Postprocess");
      prm.enter_subsection("Section sampling");
      prm.declare_entry("Lines", "", Patterns::Anything(),
                        "Straight sampling lines 'name: start; end; n | name: ...': n equally spaced "
                        "points from start to end (model coordinates x, y[, z] in m; r, z for "
                        "axisymmetric models, where r < 0 means the other half of the meridional "
                        "section), e.g. the notch plane 'notch_plane: 0, 4.5e-3; 1.25e-3, 4.5e-3; "
                        "126'. Names: one word of letters, digits and '_'.");
      prm.declare_entry("Grids", "", Patterns::Anything(),
                        "Plane sampling grids 'name: origin; end of the first edge; end of the second "
                        "edge; n1, n2 | ...': n1 x n2 points spanning the parallelogram, corners "
                        "included (e.g. the seed 004 hardness grid over the meridional section: "
                        "'hardness_grid: -1.4e-3, 3.1e-3; 1.4e-3, 3.1e-3; -1.4e-3, 5.9e-3; 15, 15' "
                        "is 200 um apart).");
      prm.declare_entry("Quantities", "default", Patterns::Anything(),
                        "Point quantities sampled (README, 'Output names'): 'default' (those of "
                        "temperature, stress, elastic_strain, elastic_volumetric_strain, "
                        "mean_stress, von_mises_stress, triaxiality, lode_parameter, "
                        "principal_stress_1..3, principal_direction_1 and _3, free_volume, "
                        "equivalent_plastic_strain, nonlocal_free_volume, hardness, "
                        "apparent_hardness that the run has) or a comma-separated list. Tensors "
                        "give their components (rr, tt, zz, rz for rods), vectors x, y, z (r, z, t in axisymmetric models).");
      prm.declare_entry("Times", "", Patterns::Anything(),
                        "Times [s] of samples in addition to the one at the end of the run: "
                        "numbers and ranges 'start:step:end'. The time stepping ends a step "
                        "exactly at each.");
      prm.declare_entry("Kernel radius", "0", Patterns::Double(0),
                        "0: every sample is the quantity at the point. R > 0: the average over the "
                        "half ball of radius R below the sampled surface, a virtual indent's plastic "
                        "zone R = c h (seed 004's HV1 indents are h ~ 15 um deep; c = 4.8 as in "
                        "'Virtual indentation/Plastic zone factor' gives R = 72 um). The surface: "
                        "the grid's plane in 3D (material on the side opposite to e1 x e2; lines "
                        "need R = 0 there), the meridional cut in axisymmetric models, the model "
                        "plane in planar ones. Samples outside the body do not count; the inside "
                        "fraction of each kernel is written.");
      prm.declare_entry("Kernel sets", "all", Patterns::Anything(),
                        "The lines and grids (names, comma-separated) averaged over the kernel "
                        "when 'Kernel radius' > 0, or 'all'; the others are point values.");
      prm.declare_entry("Kernel resolution", "3", Patterns::Integer(1, 10),
                        "n of the kernel's product rule: n Gauss points in the radius and in the "
                        "polar angle, 4 n azimuths (4 n^3 samples per kernel).");
      prm.declare_entry("Write images", "true", Patterns::Bool(),
                        "Write a PNG map of every scalar quantity of every grid.");
      declare_material_state_entry(prm);
      prm.leave_subsection();
      prm.leave_subsection();
    }

    template <int dim, typename LA>
    void SectionSampling<dim, LA>::parse_parameters(ParameterHandler &prm)
    {
      prm.enter_subsection("Postprocess");
      prm.enter_subsection("Section sampling");
      const std::string lines = prm.get("Lines"), grids = prm.get("Grids");
      quantity_names          = Utilities::split_string_list(prm.get("Quantities"), ',');
      times                   = parse_time_list(prm.get("Times"), subsection + "/Times");
      write_images            = prm.get_bool("Write images");
      nearest_state           = nearest_gauss_point_state(prm);
      kernel_radius           = prm.get_double("Kernel radius");
      kernel_order            = prm.get_integer("Kernel resolution");
      kernel_sets             = Utilities::split_string_list(prm.get("Kernel sets"), ',');
      prm.leave_subsection();
      prm.leave_subsection();
      sets = section_sampling::parse_sets<dim>(lines, grids, entry("Lines"), entry("Grids"));
      require(!sets.empty(), entry("Lines"), "'section sampling' needs at least one line or grid ('Lines', 'Grids')");
      require(!quantity_names.empty(), entry("Quantities"), "is empty");
      const bool all = kernel_sets.size() == 1 && kernel_sets[0] == "all";
      for (const auto &name : kernel_sets)
        if (!all)
          {
            bool found = false;
            for (auto &s : sets)
              if (s.name == name)
                s.kernel = found = true;
            require(found, entry("Kernel sets"), "no line or grid is called '" + name + "'");
          }
      for (auto &s : sets)
        s.kernel = kernel_radius > 0 && (all || s.kernel);
      n_points              = 0;
      std::size_t n_samples = 0;
      for (const auto &s : sets)
        {
          n_points += static_cast<std::size_t>(s.n1) * s.n2;
          n_samples += static_cast<std::size_t>(s.n1) * s.n2 * (s.kernel ? 4 * kernel_order * kernel_order * kernel_order : 1);
        }
      require(n_samples <= 4000000, entry("Grids"),
              "more than 4 million sample points in all lines and grids (with their kernels)");
    }

    template <int dim, typename LA>
    void SectionSampling<dim, LA>::initialize()
    {
      const auto &run = this->run();
      if (dim == 3)
        for (const auto &s : sets)
          require(s.grid || !s.kernel, entry("Kernel radius"),
                  "a kernel needs a surface: line '" + s.name + "' of a 3D model has none (use a grid, or R = 0)");
      // The columns.
      std::vector<const Quantity *> chosen;
      if (quantity_names.size() == 1 && quantity_names[0] == "default")
        {
          for (const char *name : default_quantities)
            if (const Quantity *q = this->quantities().find(name))
              chosen.push_back(q);
        }
      else
        for (const auto &name : quantity_names)
          {
            const Quantity *q = this->quantities().find(name);
            require(q != nullptr, entry("Quantities"),
                    "no quantity '" + name + "' in this run; available: " + this->quantities().names());
            chosen.push_back(q);
          }
      const ComponentFrame frame = component_frame(run.kinematics, *run.domain);
      columns.clear();
      for (const Quantity *q : chosen)
        {
          const std::string unit = q->unit.empty() ? "" : "_" + q->unit;
          if (q->kind == QuantityKind::scalar)
            columns.push_back({q, -1, q->name + unit});
          else if (q->kind == QuantityKind::vector)
            for (int c = 0; c < 3; ++c) // (r, z, theta) components in axisymmetric models
              columns.push_back({q, c, q->name + "_" + std::string(1, (run.kinematics == Kinematics::axisymmetric ? "rzt" : "xyz")[c]) + unit});
          else
            for (unsigned int c = 0; c < frame.suffixes.size(); ++c)
              columns.push_back({q, static_cast<int>(c), q->name + "_" + frame.suffixes[c] + unit});
        }
      schedule.set(times, run.protocol->start_time(), run.protocol->end_time());
    }

    template <int dim, typename LA>
    void SectionSampling<dim, LA>::report_setup(std::ostream &out) const
    {
      out << "  sampling     : " << sets.size() << " line(s)/grid(s), " << n_points << " points, "
          << columns.size() << " columns, at " << schedule.size() << " time(s) and the end";
      if (kernel_radius > 0)
        {
          out << "; half-ball kernels of radius " << kernel_radius << " m on";
          for (const auto &s : sets)
            if (s.kernel)
              out << ' ' << s.name;
        }
      out << '\n';
      schedule.report_ignored(out, subsection + "/Times");
    }

    template <int dim, typename LA>
    double SectionSampling<dim, LA>::next_time_of_interest(const double t) const
    {
      return schedule.next_after(t);
    }

    template <int dim, typename LA>
    void SectionSampling<dim, LA>::execute(const StepInfo &info, StatisticsRow &)
    {
      if (!schedule.due(info.time) && !info.final)
        return;
      sample(info.time);
      schedule.advance(info.time);
    }

    template <int dim, typename LA>
    void SectionSampling<dim, LA>::sample(const double time)
    {
      const auto &run           = this->run();
      const bool  axisymmetric  = run.kinematics == Kinematics::axisymmetric;
      const ComponentFrame frame = component_frame(run.kinematics, *run.domain);
      // Every point of every set (positions), and the samples of its kernel in model coordinates
      // (axisymmetric: r = |x|, or sqrt(x^2 + d^2) at depth d behind the meridional cut).
      const auto half_ball = kernel_radius > 0 ? section_sampling::half_ball_samples(kernel_radius, kernel_order)
                                               : std::vector<section_sampling::KernelSample>();
      const std::vector<section_sampling::KernelSample> at_the_point = {{0, 0, 0, 1}};
      std::vector<Point<dim>>  points, positions;
      std::vector<double>      weights;
      std::vector<std::size_t> first_sample; // of every point, and the end
      for (const auto &s : sets)
        {
          const auto &kernel = s.kernel ? half_ball : at_the_point;
          // The kernel's in-plane axes t1, t2 and the depth direction -n.
          Tensor<1, dim> t1, t2, n;
          if (s.grid || dim == 2)
            {
              t1 = s.edge1_end - s.origin;
              t1 /= t1.norm();
              if constexpr (dim == 3)
                {
                  n = cross_product_3d(t1, s.edge2_end - s.origin);
                  n /= n.norm();
                  t2 = cross_product_3d(n, t1);
                }
              else
                t2 = cross_product_2d(t1);
            }
          for (unsigned int j = 0; j < s.n2; ++j)
            for (unsigned int i = 0; i < s.n1; ++i)
              {
                const Point<dim> p = s.point(i, j);
                positions.push_back(p);
                first_sample.push_back(points.size());
                for (const auto &q : kernel)
                  {
                    Point<dim> x = p;
                    if (dim == 3)
                      x += q.du * t1 + q.dv * t2 - q.depth * n;
                    else if (axisymmetric)
                      {
                        // In-plane offsets in the (x, z) cut, the depth out of it.
                        x[0] = std::hypot(p[0] + q.du, q.depth);
                        x[1] = p[1] + q.dv;
                      }
                    else
                      x += q.du * t1 + q.dv * t2; // planar: uniform in depth
                    if (axisymmetric)
                      x[0] = std::abs(x[0]);
                    points.push_back(x);
                    weights.push_back(q.weight);
                  }
              }
        }
      first_sample.push_back(points.size());
      PointSampler<dim> sampler;
      sampler.locate(*run.triangulation, *run.mapping, points, run.comm);
      const unsigned int  n_columns = columns.size();
      const FiniteElement<dim> &heat_fe = run.heat->dof_handler().get_fe();
      const std::vector<double> samples = sampler.evaluate(
        [&](const typename PointSampler<dim>::Cell &tria_cell, const Point<dim> &reference, const std::size_t i,
            double *out) {
          MaterialPointFields f;
          if (run.mechanics)
            {
              const typename DoFHandler<dim>::active_cell_iterator cell(
                run.triangulation, tria_cell->level(), tria_cell->index(), &run.mechanics->dof_handler());
              f = run.mechanics->stress_at(cell, reference, run.heat->dof_handler(), run.heat->temperature(),
                                           nearest_state ?
                                             MechanicsProblem<dim, LA>::StateAtPoint::nearest_gauss_point :
                                             MechanicsProblem<dim, LA>::StateAtPoint::interpolated);
            }
          else
            {
              const typename DoFHandler<dim>::active_cell_iterator cell(
                run.triangulation, tria_cell->level(), tria_cell->index(), &run.heat->dof_handler());
              FEValues<dim> fv(*run.mapping, heat_fe, Quadrature<dim>(reference), update_values);
              fv.reinit(cell);
              std::vector<double> T(1);
              fv.get_function_values(run.heat->temperature(), T);
              f.temperature = T[0];
            }
          const std::array<double, 3> position = to_3d(points[i]);
          const PointContext          context{position, f};
          const Quantity             *tensor_of = nullptr;
          std::vector<double>         components;
          for (unsigned int c = 0; c < n_columns; ++c)
            {
              const Column &col = columns[c];
              if (col.quantity->kind == QuantityKind::scalar)
                out[c] = col.quantity->scalar(context);
              else if (col.quantity->kind == QuantityKind::vector)
                out[c] = col.quantity->vector(context)[col.component];
              else
                {
                  if (tensor_of != col.quantity)
                    {
                      components = frame.components(col.quantity->tensor(context), position);
                      tensor_of  = col.quantity;
                    }
                  out[c] = components[col.component];
                }
            }
        },
        n_columns);

      // Kernel averages over the samples inside the body (nan: none inside).
      std::vector<double> values(n_columns * positions.size(), std::numeric_limits<double>::quiet_NaN());
      std::vector<double> inside_fraction(positions.size(), 0.0);
      std::size_t         inside = 0;
      for (std::size_t k = 0; k < positions.size(); ++k)
        {
          std::vector<double> sum(n_columns, 0.0);
          for (std::size_t q = first_sample[k]; q < first_sample[k + 1]; ++q)
            if (sampler.inside(q))
              {
                inside_fraction[k] += weights[q];
                for (unsigned int c = 0; c < n_columns; ++c)
                  sum[c] += weights[q] * samples[n_columns * q + c];
              }
          if (inside_fraction[k] > 0)
            {
              ++inside;
              for (unsigned int c = 0; c < n_columns; ++c)
                values[n_columns * k + c] = sum[c] / inside_fraction[k];
            }
        }
      *run.log << "  section sampling at t = " << time << " s: " << inside << " of " << positions.size()
               << " points inside the body\n";
      if (!run.run_directory)
        return;
      const std::string dir = run.run_directory->file("section_sampling");
      char              index[16];
      std::snprintf(index, sizeof(index), "%05u", n_written);
      write_on_root(run, dir, [&] {
        std::filesystem::create_directories(dir);
        bool        ok    = true;
        std::size_t first = 0;
        for (const auto &s : sets)
          {
            std::ofstream out(dir + "/" + s.name + "_" + index + ".csv");
            out << "# section sampling '" << s.name << "' at t = " << std::setprecision(12) << time
                << " s: " << (s.grid ? "grid point (i, j)" : "line point i")
                << ", distance from the start [m], coordinates [m], ";
            if (s.kernel)
              out << "inside fraction of the half-ball kernel of radius " << kernel_radius
                  << " m, kernel averages of the quantities (nan: no sample inside the body)\n";
            else
              out << "quantities (nan: outside the body)\n";
            out << (s.grid ? "i,j,distance_m" : "i,distance_m");
            const char *const coordinate[] = {axisymmetric ? "r_m" : "x_m", axisymmetric ? "z_m" : "y_m", "z_m"};
            for (unsigned int d = 0; d < dim; ++d)
              out << ',' << coordinate[d];
            if (s.kernel)
              out << ",inside_fraction";
            for (const auto &c : columns)
              out << ',' << c.name;
            out << '\n' << std::setprecision(10);
            for (unsigned int j = 0; j < s.n2; ++j)
              for (unsigned int i = 0; i < s.n1; ++i)
                {
                  const std::size_t k = first + static_cast<std::size_t>(j) * s.n1 + i;
                  out << i;
                  if (s.grid)
                    out << ',' << j;
                  out << ',' << positions[k].distance(s.origin);
                  for (unsigned int d = 0; d < dim; ++d)
                    out << ',' << positions[k][d];
                  if (s.kernel)
                    out << ',' << inside_fraction[k];
                  for (unsigned int c = 0; c < n_columns; ++c)
                    out << ',' << values[n_columns * k + c];
                  out << '\n';
                }
            ok = ok && static_cast<bool>(out);
            if (s.grid && write_images)
              for (unsigned int c = 0; c < n_columns; ++c)
                if (columns[c].component < 0)
                  {
                    // Row j = 0 at the bottom: the second edge points up in the image.
                    std::vector<std::vector<double>> map(s.n2, std::vector<double>(s.n1));
                    for (unsigned int j = 0; j < s.n2; ++j)
                      for (unsigned int i = 0; i < s.n1; ++i)
                        map[j][i] = values[n_columns * (first + static_cast<std::size_t>(j) * s.n1 + i) + c];
                    std::ostringstream t;
                    t << "T = " << std::setprecision(6) << time << " S";
                    const bool pascal = columns[c].quantity->unit == "Pa";
                    const std::vector<std::string> title = {
                      s.name, columns[c].quantity->name + (pascal ? " [GPA]" : ""), t.str()};
                    const unsigned int cell = std::max(2u, std::min(24u, 480u / std::max(s.n1, s.n2)));
                    ok = ok && indentation::map_image(map, title, pascal ? 1e-9 : 1.0, cell)
                                 .write_png(dir + "/" + s.name + "_" + columns[c].quantity->name + "_" + index + ".png");
                  }
            first += static_cast<std::size_t>(s.n1) * s.n2;
          }
        std::ofstream times_file(dir + "/times.csv", n_written == 0 ? std::ios::trunc : std::ios::app);
        if (n_written == 0)
          times_file << "index,time_s\n";
        times_file << n_written << ',' << std::setprecision(12) << time << '\n';
        return ok && static_cast<bool>(times_file);
      });
      ++n_written;
    }

    template <int dim, typename LA>
    void SectionSampling<dim, LA>::add_summary(Summary &summary)
    {
      summary["section_sampling_snapshots"] = json_number(n_written);
    }

    template <int dim, typename LA>
    std::string SectionSampling<dim, LA>::save_state() const
    {
      // The sampling times passed, the files' index, and how far section_sampling/times.csv
      // (appended to) had come.
      return pack_state(schedule, n_written,
                        appended_file_size(this->run(), "section_sampling/times.csv"));
    }

    template <int dim, typename LA>
    void SectionSampling<dim, LA>::load_state(const std::string &bytes)
    {
      std::uint64_t times_size = 0;
      unpack_state(bytes, schedule, n_written, times_size);
      restore_appended_file(this->run(), "section_sampling/times.csv", times_size);
    }

    BMGFE_REGISTER_POSTPROCESSOR(SectionSampling, "section sampling", 78,
                                 "quantities along lines and on plane grids of the body (e.g. "
                                 "triaxiality, Lode parameter and principal stresses along a notch "
                                 "plane, hardness on an indentation grid): section_sampling/ CSV "
                                 "tables and grid maps at 'Times' and the end")
  } // namespace postprocess
} // namespace bmgfe
