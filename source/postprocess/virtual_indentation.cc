#include <bmgfe/base/input_error.h>
#include <bmgfe/base/time_list.h>
#include <bmgfe/io/checkpoint_state.h>
#include <bmgfe/io/run_directory.h>
#include <bmgfe/linear_algebra/backend.h>
#include <bmgfe/physics/heat_problem.h>
#include <bmgfe/physics/mechanics_problem.h>
#include <bmgfe/postprocess/manager.h>
#include <bmgfe/postprocess/tensor_frames.h>
#include <bmgfe/postprocess/virtual_indentation.h>
#include <bmgfe/protocol/thermal_protocol.h>

#include <deal.II/base/geometry_info.h>
#include <deal.II/base/mpi.h>
#include <deal.II/base/parameter_handler.h>
#include <deal.II/base/quadrature.h>
#include <deal.II/base/utilities.h>
#include <deal.II/fe/fe_values.h>
#include <deal.II/fe/mapping.h>

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

    namespace
    {
      std::string entry(const std::string &name)
      {
        return "entry 'Postprocess/Virtual indentation/" + name + "'";
      }

      /// A number that uses all of `text` (throws InputError naming the entry otherwise).
      double number(const std::string &text, const std::string &name)
      {
        std::size_t used = 0;
        double      v    = std::numeric_limits<double>::quiet_NaN();
        try
          {
            v = std::stod(text, &used);
          }
        catch (...)
          {
            used = 0;
          }
        require(used > 0 && Utilities::trim(text.substr(used)).empty() && std::isfinite(v), entry(name),
                "'" + text + "' is not a number");
        return v;
      }

      /// NaN for 'auto', else a positive number.
      double positive_or_auto(const std::string &text, const std::string &name)
      {
        if (Utilities::trim(text) == "auto")
          return std::numeric_limits<double>::quiet_NaN();
        const double v = number(Utilities::trim(text), name);
        require(v > 0, entry(name), "must be positive or 'auto'");
        return v;
      }

      std::string status_name(const int s)
      {
        static const char *names[] = {"kernel", "interpolated", "outside", "unresolved"};
        return names[s];
      }

      std::string text_of(const double v, const int precision = 4)
      {
        std::ostringstream s;
        s << std::setprecision(precision) << v;
        return s.str();
      }
    } // namespace

    template <int dim, typename LA>
    void VirtualIndentation<dim, LA>::declare_parameters(ParameterHandler &prm)
    {
      prm.enter_subsection("Postprocess");
      prm.enter_subsection("Virtual indentation");
      prm.declare_entry("Quantities", "hardness, apparent_hardness", Patterns::Anything(),
                        "Scalar point quantities that every indent measures (README, 'Output "
                        "names'); the hardness proxies need a free-volume model.");
      prm.declare_entry("Times", "profile times", Patterns::Anything(),
                        "When the arrays are indented, besides the end of the run: 'profile times' "
                        "(those of 'Statistics/Profile times') or numbers and ranges "
                        "'start:step:end' [s]. The time stepping ends a step exactly at each; "
                        "times outside the run are ignored with a warning.");
      prm.declare_entry("Number of arrays", "22", Patterns::Integer(1, 10000),
                        "Arrays along the x axis of the section, through the rod axis (seed 000: "
                        "22 arrays of 17 x 17 indents across the cross-section). Not used when "
                        "'Array centres' is set.");
      prm.declare_entry("Array spacing", "150e-6", Patterns::Double(0),
                        "Distance between the centres of neighbouring arrays [m] (seed 000: "
                        "150 um, chosen there to keep the strained zones of neighbouring arrays "
                        "apart).");
      prm.declare_entry("First array position", "centred", Patterns::Anything(),
                        "x of the first array's centre [m], the others following at + 'Array "
                        "spacing'; or 'centred': symmetric about the axis, x_k = (k - (n - 1)/2) "
                        "spacing. 22 arrays 150 um apart span 3.15 mm, more than the 3 mm "
                        "diameter of seed 000's rods: the outermost arrays lie outside the rod, "
                        "and their indents are skipped.");
      prm.declare_entry("Array centres", "", Patterns::Anything(),
                        "Explicit array centres 'x, y; x, y; ...' [m] in the section, measured "
                        "from the rod axis (the model's x and y for the built-in rod). When set, "
                        "'Number of arrays' and 'First array position' are not used.");
      prm.declare_entry("Array size", "17, 17", Patterns::List(Patterns::Integer(1, 1000), 1, 2),
                        "Indents per array along x and along y; one number: square arrays "
                        "(seed 000: 17 x 17).");
      prm.declare_entry("Indent spacing", "auto", Patterns::Anything(),
                        "Distance between neighbouring indents of an array [m]. The paper does not "
                        "give it. 'auto' (estimate): 'Array spacing' / (indents along x), which "
                        "lets the arrays tile the diameter with one spacing between neighbouring "
                        "arrays: 150 um / 17 = 8.8 um, 16 indent depths, more than the 10 depths "
                        "below which indents interact (Phani & Oliver, Mater. Des. 164 (2019) "
                        "107563).");
      prm.declare_entry("Maximum load", "0.05", Patterns::Double(0),
                        "P_max of an indent [N] (seed 000: 50 mN, Berkovich tip, loading at "
                        "1 mN/s), for 'Indent depth = auto'.");
      prm.declare_entry("Reference hardness", "6.6e9", Patterns::Double(0),
                        "Hardness [Pa] for 'Indent depth = auto' (seed 000: the mean H of the "
                        "as-cast rod, 6.6 GPa).");
      prm.declare_entry("Indent depth", "auto", Patterns::Anything(),
                        "Contact depth h of an indent [m]. 'auto' (estimate): an ideal Berkovich "
                        "tip, projected area 24.5 h^2 = P_max / H, h = sqrt(P_max / (24.5 H)) = "
                        "0.556 um for 50 mN and 6.6 GPa (tip rounding and pile-up ignored).");
      prm.declare_entry("Plastic zone factor", "4.8", Patterns::Double(0),
                        "c of the plastic-zone radius R = c h (estimate): Johnson's "
                        "expanding-cavity model (K. L. Johnson, Contact Mechanics, Cambridge "
                        "University Press 1985, ch. 6) for the cone equivalent to a Berkovich tip "
                        "(half angle 70.3 deg): (c/a)^3 = E tan(19.7 deg) / (6 sigma_y (1 - nu)) + "
                        "2 (1 - 2 nu) / (3 (1 - nu)), contact radius a = h tan(70.3 deg), gives "
                        "c = 4.85 for Vit1 (E = 96 GPa, nu = 0.36, sigma_y = 1.8 GPa); 3 to 5 are "
                        "usual for Berkovich plastic zones.");
      prm.declare_entry("Kernel", "hemisphere", Patterns::Selection("hemisphere|gaussian"),
                        "Weight over the plastic zone, below the indent: 'hemisphere', uniform over "
                        "the half ball of radius R; 'gaussian', exp(-d^2 / (2 s^2)) of the distance d "
                        "from the indent, s = R / sqrt(5) (the hemisphere's mean square distance), "
                        "cut off at d = 3 R. Planar sections (fields uniform along the rod) weight "
                        "a point by the kernel's integral over the depth: sqrt(R^2 - rho^2) for the "
                        "hemisphere.");
      prm.declare_entry("Section height", "auto", Patterns::Anything(),
                        "3D and axisymmetric models: the axial coordinate z0 [m], from the rod's "
                        "bottom end, of the indented cross-section; the material below it is "
                        "indented (the lower half of a rod cut at z0). 'auto': mid-length. "
                        "Axisymmetric models map an array point (x, y) to r = sqrt(x^2 + y^2) of "
                        "the r-z section: the azimuthal variation of a real cross-section is not "
                        "in the model.");
      prm.declare_entry("Minimum points per kernel", "10", Patterns::Integer(1),
                        "Fewer quadrature points within the plastic-zone radius R of an indent: "
                        "it is not averaged over them ('Unresolved kernels'). Refine the mesh near "
                        "the arrays to resolve R.");
      prm.declare_entry("Unresolved kernels", "interpolate", Patterns::Selection("interpolate|skip"),
                        "Indents with fewer than 'Minimum points per kernel' points: 'interpolate' "
                        "the quantities at the kernel's centroid (the fields as the model "
                        "represents them between its quadrature points; equal to the kernel "
                        "average for fields linear over the kernel), or 'skip' them.");
      prm.declare_entry("Histogram bins", "auto", Patterns::Anything(),
                        "Bins of the histogram of value / mean of an array, of equal width over "
                        "[min, max] of the array: a number, or 'auto': Sturges' rule ceil(log2 n) + 1 "
                        "(10 for 289 indents). The paper does not give its binning.");
      prm.declare_entry("Write maps", "true", Patterns::Bool(),
                        "Write maps_NNNNN/<quantity>_array_AA.csv and .png for every array.");
      prm.leave_subsection();
      prm.leave_subsection();
    }

    template <int dim, typename LA>
    void VirtualIndentation<dim, LA>::parse_parameters(ParameterHandler &prm)
    {
      prm.enter_subsection("Statistics");
      const std::string profile_times = prm.get("Profile times");
      prm.leave_subsection();
      prm.enter_subsection("Postprocess");
      prm.enter_subsection("Virtual indentation");
      quantity_names = Utilities::split_string_list(prm.get("Quantities"), ',');
      require(!quantity_names.empty(), entry("Quantities"), "names no quantity");
      const std::string times_text = Utilities::trim(prm.get("Times")) == "profile times" ? profile_times : prm.get("Times");
      times      = parse_time_list(times_text, "Postprocess/Virtual indentation/Times");

      const auto size = Utilities::split_string_list(prm.get("Array size"), ',');
      nx              = std::stoi(size[0]);
      ny              = size.size() > 1 ? std::stoi(size[1]) : nx;
      array_spacing   = prm.get_double("Array spacing");
      centres.clear();
      const std::string explicit_centres = Utilities::trim(prm.get("Array centres"));
      if (!explicit_centres.empty())
        for (const auto &item : Utilities::split_string_list(explicit_centres, ';'))
          {
            const auto xy = Utilities::split_string_list(item, ',');
            require(xy.size() == 2, entry("Array centres"), "'" + item + "' is not 'x, y'");
            centres.push_back({{number(xy[0], "Array centres"), number(xy[1], "Array centres")}});
          }
      else
        {
          const unsigned int n     = prm.get_integer("Number of arrays");
          const std::string  first = Utilities::trim(prm.get("First array position"));
          const double x0 = first == "centred" ? -0.5 * (n - 1.0) * array_spacing : number(first, "First array position");
          for (unsigned int k = 0; k < n; ++k)
            centres.push_back({{x0 + k * array_spacing, 0.0}});
        }

      const double spacing = positive_or_auto(prm.get("Indent spacing"), "Indent spacing");
      indent_spacing       = std::isnan(spacing) ? array_spacing / nx : spacing;
      load                 = prm.get_double("Maximum load");
      reference_hardness   = prm.get_double("Reference hardness");
      const double h       = positive_or_auto(prm.get("Indent depth"), "Indent depth");
      depth = std::isnan(h) ? indentation::berkovich_contact_depth(load, reference_hardness) : h;
      zone_factor   = prm.get_double("Plastic zone factor");
      kernel.shape  = prm.get("Kernel") == "gaussian" ? indentation::KernelShape::gaussian
                                                       : indentation::KernelShape::hemisphere;
      kernel.radius = zone_factor * depth;
      require(kernel.radius > 0, entry("Plastic zone factor"), "the plastic zone must have a positive radius");
      const std::string z0 = Utilities::trim(prm.get("Section height"));
      section_height       = z0 == "auto" ? -1.0 : number(z0, "Section height");
      require(z0 == "auto" || section_height >= 0, entry("Section height"), "must be >= 0 or 'auto'");
      min_points             = prm.get_integer("Minimum points per kernel");
      interpolate_unresolved = prm.get("Unresolved kernels") == "interpolate";
      const std::string b    = Utilities::trim(prm.get("Histogram bins"));
      bins                   = b == "auto" ? 0u : static_cast<unsigned int>(number(b, "Histogram bins"));
      require(b == "auto" || (bins >= 1 && number(b, "Histogram bins") == bins), entry("Histogram bins"),
              "must be a positive whole number or 'auto'");
      write_maps = prm.get_bool("Write maps");
      prm.leave_subsection();
      prm.leave_subsection();
    }

    template <int dim, typename LA>
    void VirtualIndentation<dim, LA>::initialize()
    {
      const auto &run = this->run();
      const auto &dom = *run.domain;
      require(dom.rod.has_value(), "entry 'Postprocess/List of postprocessors'",
              "'virtual indentation' needs a rod (built in, or a mesh file with 'Geometry/Mesh rod "
              "axis direction') (" + dom.description + ")");
      const RodAxis &axis = *dom.rod;
      rod_radius          = axis.radius;
      section = is_planar(run.kinematics) ? indentation::Section::planar
                : run.kinematics == Kinematics::axisymmetric ? indentation::Section::axisymmetric
                                                             : indentation::Section::three_dimensional;

      fields.clear();
      for (const auto &name : quantity_names)
        {
          const Quantity *q = this->quantities().find(name);
          require(q != nullptr, entry("Quantities"),
                  "no quantity '" + name + "' in this run; available: " + this->quantities().names());
          require(q->kind == QuantityKind::scalar, entry("Quantities"), "'" + name + "' is not a scalar");
          fields.push_back(q);
        }

      // The section: its origin on the axis, in-plane unit vectors e1 (the model's x for an axis
      // along z or r = 0) and e2 = axis x e1.
      axis_direction = axis.direction;
      e1             = axis.cylindrical_basis(axis.point).e_r;
      e2             = cross_product_3d(axis_direction, e1);
      origin         = axis.point;
      const double a = kernel.support();
      if (section != indentation::Section::planar)
        {
          if (section_height < 0)
            section_height = 0.5 * axis.length;
          require(section_height >= a && section_height <= axis.length * (1 + 1e-12), entry("Section height"),
                  value_text(section_height) + " m leaves no room below it for the plastic zone (" +
                    value_text(a) + " m) in the rod of length " + value_text(axis.length) + " m");
          origin += section_height * axis_direction;
        }

      indents.clear();
      std::vector<std::array<double, 2>> positions;
      for (unsigned int k = 0; k < centres.size(); ++k)
        for (unsigned int j = 0; j < ny; ++j)
          for (unsigned int i = 0; i < nx; ++i)
            {
              Indent indent;
              indent.array   = k;
              indent.i       = i;
              indent.j       = j;
              indent.x       = centres[k][0] + (i - 0.5 * (nx - 1.0)) * indent_spacing;
              indent.y       = centres[k][1] + (j - 0.5 * (ny - 1.0)) * indent_spacing;
              indent.outside = std::hypot(indent.x, indent.y) + a > rod_radius * (1 + 1e-12);
              indents.push_back(indent);
              positions.push_back({{indent.x, indent.y}});
            }
      sums = std::make_unique<indentation::KernelAverages>(kernel, section, positions, fields.size());

      // Times outside the run are ignored (with a warning in the report).
      schedule.set(times, run.protocol->start_time(), run.protocol->end_time());

      if (interpolate_unresolved)
        locate_centroids();
    }

    template <int dim, typename LA>
    Point<dim> VirtualIndentation<dim, LA>::centroid(const Indent &indent) const
    {
      Point<3> c;
      if (section == indentation::Section::axisymmetric)
        c = origin + std::hypot(indent.x, indent.y) * e1 - kernel.centroid_depth() * axis_direction;
      else
        {
          c = origin + indent.x * e1 + indent.y * e2;
          if (section == indentation::Section::three_dimensional)
            c -= kernel.centroid_depth() * axis_direction;
        }
      Point<dim> p;
      for (unsigned int d = 0; d < dim; ++d)
        p[d] = c[d];
      return p;
    }

    template <int dim, typename LA>
    indentation::SectionPoint VirtualIndentation<dim, LA>::section_point(const Point<dim> &x) const
    {
      const Tensor<1, 3> rel = RodAxis::to_model_3d(x) - origin;
      indentation::SectionPoint p;
      p.u = section == indentation::Section::axisymmetric ? x[0] : rel * e1;
      p.v = section == indentation::Section::axisymmetric ? 0.0 : rel * e2;
      p.depth = section == indentation::Section::planar ? 0.0 : -(rel * axis_direction);
      return p;
    }

    template <int dim, typename LA>
    void VirtualIndentation<dim, LA>::locate_centroids()
    {
      // Every locally owned cell that contains an indent's centroid (a point on a face or at a
      // vertex is in several; the interpolation averages over them, whichever rank owns them).
      const auto &run = this->run();
      probes.clear();
      std::vector<Point<dim>>                     points(indents.size());
      std::vector<std::pair<double, std::size_t>> by_x;
      for (std::size_t n = 0; n < indents.size(); ++n)
        if (!indents[n].outside)
          {
            points[n] = centroid(indents[n]);
            by_x.emplace_back(points[n][0], n);
          }
      std::sort(by_x.begin(), by_x.end());
      for (const auto &cell : run.triangulation->active_cell_iterators())
        if (cell->is_locally_owned())
          {
            const auto       box = cell->bounding_box().get_boundary_points();
            const Point<dim> &lo = box.first, &hi = box.second;
            // Curved faces bulge beyond the vertices.
            const double margin = 0.1 * cell->diameter();
            auto it = std::lower_bound(by_x.begin(), by_x.end(), std::make_pair(lo[0] - margin, std::size_t(0)));
            for (; it != by_x.end() && it->first <= hi[0] + margin; ++it)
              {
                const Point<dim> &p  = points[it->second];
                bool              in = true;
                for (unsigned int d = 1; d < dim; ++d)
                  in = in && p[d] >= lo[d] - margin && p[d] <= hi[d] + margin;
                if (!in)
                  continue;
                try
                  {
                    const Point<dim> ref = run.mapping->transform_real_to_unit_cell(cell, p);
                    if (GeometryInfo<dim>::is_inside_unit_cell(ref, 1e-9))
                      probes.push_back({it->second, cell->level(), cell->index(), ref});
                  }
                catch (...)
                  {
                  }
              }
          }
    }

    template <int dim, typename LA>
    void VirtualIndentation<dim, LA>::interpolate(const std::vector<char> &wanted, std::vector<double> &values,
                                                  std::vector<double> &found) const
    {
      const auto       &run = this->run();
      const std::size_t nf  = fields.size();
      values.assign(indents.size() * nf, 0.0);
      found.assign(indents.size(), 0.0);
      for (const Probe &probe : probes)
        {
          if (!wanted[probe.indent])
            continue;
          const typename Triangulation<dim>::active_cell_iterator cell(run.triangulation, probe.level, probe.index);
          MaterialPointFields f;
          if (run.mechanics)
            f = run.mechanics->stress_at(typename DoFHandler<dim>::active_cell_iterator(
                                           run.triangulation, probe.level, probe.index,
                                           &run.mechanics->dof_handler()),
                                         probe.reference, run.heat->dof_handler(), run.heat->temperature());
          else
            {
              const Quadrature<dim> q(probe.reference);
              FEValues<dim>         fv(*run.mapping, run.heat->dof_handler().get_fe(), q, update_values);
              fv.reinit(typename DoFHandler<dim>::active_cell_iterator(run.triangulation, probe.level,
                                                                        probe.index, &run.heat->dof_handler()));
              std::vector<double> T(1);
              fv.get_function_values(run.heat->temperature(), T);
              f.temperature = T[0];
            }
          const std::array<double, 3> x = to_3d(run.mapping->transform_unit_to_real_cell(cell, probe.reference));
          const PointContext          context{x, f};
          for (std::size_t k = 0; k < nf; ++k)
            values[probe.indent * nf + k] += fields[k]->scalar(context);
          found[probe.indent] += 1;
        }
      MPI_Allreduce(MPI_IN_PLACE, values.data(), static_cast<int>(values.size()), MPI_DOUBLE, MPI_SUM, run.comm);
      MPI_Allreduce(MPI_IN_PLACE, found.data(), static_cast<int>(found.size()), MPI_DOUBLE, MPI_SUM, run.comm);
      for (std::size_t n = 0; n < indents.size(); ++n)
        for (std::size_t k = 0; k < nf && found[n] > 0; ++k)
          values[n * nf + k] /= found[n];
    }

    template <int dim, typename LA>
    void VirtualIndentation<dim, LA>::report_setup(std::ostream &out) const
    {
      std::size_t outside = 0;
      for (const auto &indent : indents)
        outside += indent.outside;
      out << "  indentation  : " << centres.size() << " arrays of " << nx << " x " << ny
          << " indents " << text_of(indent_spacing) << " m apart; depth " << text_of(depth) << " m, "
          << (kernel.shape == indentation::KernelShape::hemisphere ? "hemisphere" : "gaussian")
          << " plastic zone of radius " << text_of(kernel.radius) << " m; " << schedule.size()
          << " times (and the end)\n";
      if (outside > 0)
        out << "Note: virtual indentation: the plastic zones of " << outside << " of " << indents.size()
            << " indents leave the rod (radius " << text_of(rod_radius) << " m); they are skipped\n";
      schedule.report_ignored(out, "Postprocess/Virtual indentation/Times");
    }

    template <int dim, typename LA>
    double VirtualIndentation<dim, LA>::next_time_of_interest(const double t) const
    {
      return schedule.next_after(t);
    }

    template <int dim, typename LA>
    bool VirtualIndentation<dim, LA>::is_indentation_step(const StepInfo &info) const
    {
      return schedule.due(info.time);
    }

    template <int dim, typename LA>
    bool VirtualIndentation<dim, LA>::needs_quadrature_points(const StepInfo &info) const
    {
      return is_indentation_step(info) || info.final;
    }

    template <int dim, typename LA>
    void VirtualIndentation<dim, LA>::visit_cell(const CellPoints<dim> &points)
    {
      if (points.first)
        sums->reset();
      const bool axisymmetric = section == indentation::Section::axisymmetric;
      for (unsigned int q = 0; q < points.fields.size(); ++q)
        sums->add(section_point(points.positions[q]), axisymmetric ? points.weights[q] : points.JxW[q],
                  [&](std::vector<double> &values) {
                    const PointContext context{to_3d(points.positions[q]), points.fields[q]};
                    for (std::size_t k = 0; k < fields.size(); ++k)
                      values[k] = fields[k]->scalar(context);
                  });
    }

    template <int dim, typename LA>
    typename VirtualIndentation<dim, LA>::Result VirtualIndentation<dim, LA>::evaluate(const double time)
    {
      const std::size_t n = indents.size(), nf = fields.size();
      sums->sum_over(this->run().comm);
      Result result;
      result.time = time;
      result.status.resize(n);
      result.points.resize(n);
      result.values.assign(n * nf, std::numeric_limits<double>::quiet_NaN());
      std::vector<char> wanted(n, 0);
      for (std::size_t i = 0; i < n; ++i)
        {
          result.points[i] = sums->n_points(i);
          if (indents[i].outside)
            result.status[i] = Status::outside;
          else if (result.points[i] >= min_points)
            {
              result.status[i] = Status::kernel;
              for (std::size_t k = 0; k < nf; ++k)
                result.values[i * nf + k] = sums->average(i, k);
            }
          else
            {
              result.status[i] = Status::unresolved;
              wanted[i]        = interpolate_unresolved;
            }
        }
      // The same indents are wanted on every rank (the counts are reduced).
      if (std::find(wanted.begin(), wanted.end(), 1) != wanted.end())
        {
          std::vector<double> values, found;
          interpolate(wanted, values, found);
          for (std::size_t i = 0; i < n; ++i)
            if (wanted[i] && found[i] > 0)
              {
                result.status[i] = Status::interpolated;
                for (std::size_t k = 0; k < nf; ++k)
                  result.values[i * nf + k] = values[i * nf + k];
              }
        }
      // Statistics per array over its measured indents (indents are stored array by array).
      const std::size_t per_array = static_cast<std::size_t>(nx) * ny;
      result.statistics.assign(centres.size(), {});
      for (std::size_t a = 0; a < centres.size(); ++a)
        for (std::size_t k = 0; k < nf; ++k)
          {
            std::vector<double> v;
            for (std::size_t i = a * per_array; i < (a + 1) * per_array; ++i)
              if (result.status[i] == Status::kernel || result.status[i] == Status::interpolated)
                v.push_back(result.values[i * nf + k]);
            result.statistics[a].push_back(indentation::array_statistics(v, bins));
          }
      return result;
    }

    template <int dim, typename LA>
    void VirtualIndentation<dim, LA>::execute(const StepInfo &info, StatisticsRow &)
    {
      if (!needs_quadrature_points(info))
        return;
      const auto &run    = this->run();
      const Result result = evaluate(info.time);
      sums->reset();

      std::array<std::size_t, 4> count = {{0, 0, 0, 0}};
      for (const Status s : result.status)
        ++count[static_cast<int>(s)];
      auto &log = *run.log;
      if (count[static_cast<int>(Status::interpolated)] > 0 && !resolution_reported)
        {
          log << "Note: virtual indentation: the plastic zone (radius " << text_of(kernel.radius)
              << " m) holds fewer than " << min_points << " quadrature points for "
              << count[static_cast<int>(Status::interpolated)]
              << " indents; they are interpolated at the kernel centroid (refine the mesh near the "
                 "arrays to average over the plastic zone)\n";
          resolution_reported = true;
        }
      log << "  virtual indentation at t = " << text_of(info.time, 8) << " s: " << count[0] << " kernel averages, "
          << count[1] << " interpolated, " << count[2] + count[3] << " skipped";
      if (const auto c = array_at(result, true))
        log << "; " << fields[0]->name << " FWHM " << text_of(result.statistics[*c][0].fwhm)
            << " (fit " << text_of(result.statistics[*c][0].fwhm_fit) << ") in the centre array";
      log << '\n';

      write_files(result);
      schedule.advance(info.time);
      if (info.final)
        final = result;
    }

    template <int dim, typename LA>
    std::string VirtualIndentation<dim, LA>::quantity_column(const std::size_t k) const
    {
      return join_name({fields[k]->name, fields[k]->unit});
    }

    template <int dim, typename LA>
    void VirtualIndentation<dim, LA>::write_files(const Result &result)
    {
      const auto &run = this->run();
      if (!run.run_directory)
        return;
      const std::size_t nf = fields.size(), per_array = static_cast<std::size_t>(nx) * ny;
      const std::string dir = run.run_directory->file("indentation");
      char              index[16];
      std::snprintf(index, sizeof(index), "%05u", n_written);
      const std::string maps = dir + "/maps_" + index;
      const int         array_digits = centres.size() > 99 ? 3 : 2;
      write_on_root(run, dir, [&] {
        std::filesystem::create_directories(write_maps ? maps : dir);
        std::ostringstream about;
        about << "# time = " << std::setprecision(12) << result.time << " s; virtual indentation "
              << "(doc/model.md §5): "
              << (kernel.shape == indentation::KernelShape::hemisphere ? "hemisphere" : "gaussian")
              << " plastic zone of radius " << kernel.radius << " m (indent depth " << depth
              << " m times " << zone_factor << "); x_m, y_m in the section from the rod axis, r_m "
              << "the distance from it\n";
        bool ok = true;
        {
          std::ofstream out(dir + "/indents_" + index + ".csv");
          out << about.str()
              << "# status: kernel = average over the kernel_points quadrature points in the plastic "
                 "zone; interpolated = the quantities at the kernel's centroid (fewer than "
              << min_points
              << " points); outside = the plastic zone leaves the rod; unresolved = too few points "
                 "(skipped); skipped indents have nan\narray,i,j,x_m,y_m,r_m,status,kernel_points";
          for (std::size_t k = 0; k < nf; ++k)
            out << ',' << quantity_column(k);
          out << '\n' << std::setprecision(15);
          for (std::size_t i = 0; i < indents.size(); ++i)
            {
              const Indent &d = indents[i];
              out << d.array << ',' << d.i << ',' << d.j << ',' << d.x << ',' << d.y << ','
                  << std::hypot(d.x, d.y) << ',' << status_name(static_cast<int>(result.status[i])) << ','
                  << result.points[i];
              for (std::size_t k = 0; k < nf; ++k)
                out << ',' << result.values[i * nf + k];
              out << '\n';
            }
          ok = ok && out.good();
        }
        {
          std::ofstream out(dir + "/fwhm_profile_" + index + ".csv");
          out << about.str()
              << "# per array over its measured indents: <q>_fwhm = 2 sqrt(2 ln 2) std / mean (the "
                 "FWHM of value/mean, std over the indents); <q>_fwhm_fit = FWHM of the least-squares "
                 "Gaussian fit to the histogram of value/mean (histograms_"
              << index << ".csv) and its standard error\n"
              << "array,x_m,y_m,r_m,indents,indents_interpolated,indents_skipped";
          for (std::size_t k = 0; k < nf; ++k)
            for (const char *s : {"mean", "std"})
              out << ',' << join_name({fields[k]->name, s, fields[k]->unit});
          out << std::setprecision(15);
          for (std::size_t k = 0; k < nf; ++k)
            out << ',' << join_name({fields[k]->name, "fwhm"}) << ',' << join_name({fields[k]->name, "fwhm_fit"})
                << ',' << join_name({fields[k]->name, "fwhm_fit_error"});
          out << '\n';
          for (std::size_t a = 0; a < centres.size(); ++a)
            {
              std::size_t interpolated = 0;
              for (std::size_t i = a * per_array; i < (a + 1) * per_array; ++i)
                interpolated += result.status[i] == Status::interpolated;
              const auto &s = result.statistics[a];
              out << a << ',' << centres[a][0] << ',' << centres[a][1] << ','
                  << std::hypot(centres[a][0], centres[a][1]) << ',' << s[0].n << ',' << interpolated << ','
                  << per_array - s[0].n;
              for (std::size_t k = 0; k < nf; ++k)
                out << ',' << s[k].mean << ',' << s[k].std;
              for (std::size_t k = 0; k < nf; ++k)
                out << ',' << s[k].fwhm << ',' << s[k].fwhm_fit << ',' << s[k].fwhm_fit_error;
              out << '\n';
            }
          ok = ok && out.good();
        }
        {
          std::ofstream out(dir + "/histograms_" + index + ".csv");
          out << about.str()
              << "# per array and quantity: bins of equal width over [min, max] of value/mean ("
              << (bins > 0 ? std::to_string(bins) + " bins" : std::string("Sturges' rule"))
              << "); fit_count: the fitted Gaussian integrated over the bin\n"
              << "array,quantity,bin,lower,upper,count,fit_count\n"
              << std::setprecision(15);
          for (std::size_t a = 0; a < centres.size(); ++a)
            for (std::size_t k = 0; k < nf; ++k)
              {
                const auto &s = result.statistics[a][k];
                for (std::size_t b = 0; b < s.histogram.counts.size(); ++b)
                  out << a << ',' << fields[k]->name << ',' << b << ',' << s.histogram.edge(b) << ','
                      << s.histogram.edge(b + 1) << ',' << s.histogram.counts[b] << ','
                      << (s.fit.converged ? s.fit.expected_count(s.histogram, b)
                                          : std::numeric_limits<double>::quiet_NaN())
                      << '\n';
              }
          ok = ok && out.good();
        }
        for (std::size_t a = 0; write_maps && a < centres.size(); ++a)
          for (std::size_t k = 0; k < nf; ++k)
            {
              char name[64];
              std::snprintf(name, sizeof(name), "_array_%0*zu", array_digits, a);
              const std::string base = maps + "/" + fields[k]->name + name;
              std::vector<std::vector<double>> map(ny, std::vector<double>(nx));
              for (unsigned int j = 0; j < ny; ++j)
                for (unsigned int i = 0; i < nx; ++i)
                  map[j][i] = result.values[(a * per_array + j * nx + i) * nf + k];
              std::ofstream out(base + ".csv");
              out << "# " << quantity_column(k) << " of array " << a << " (centre x = " << centres[a][0]
                  << " m, y = " << centres[a][1] << " m) at time = " << std::setprecision(12)
                  << result.time << " s; first column y_m (from the largest), first row x_m; nan: no "
                                    "value (skipped indent)\ny_m/x_m"
                  << std::setprecision(15);
              for (unsigned int i = 0; i < nx; ++i)
                out << ',' << indents[a * per_array + i].x;
              out << '\n';
              for (unsigned int j = ny; j-- > 0;)
                {
                  out << indents[a * per_array + j * nx].y;
                  for (unsigned int i = 0; i < nx; ++i)
                    out << ',' << map[j][i];
                  out << '\n';
                }
              ok = ok && out.good();

              const bool  pascal = fields[k]->unit == "Pa";
              const auto &s      = result.statistics[a][k];
              const std::vector<std::string> title = {
                "ARRAY " + std::to_string(a) + "  X = " + text_of(centres[a][0] * 1e6) +
                  " UM  Y = " + text_of(centres[a][1] * 1e6) + " UM  T = " + text_of(result.time, 6) + " S",
                fields[k]->name + (pascal ? " [GPA]" : fields[k]->unit.empty() ? "" : " [" + fields[k]->unit + "]"),
                "MEAN " + text_of(s.mean * (pascal ? 1e-9 : 1.0)) + "  FWHM " + text_of(s.fwhm, 3) +
                  "  FIT " + text_of(s.fwhm_fit, 3)};
              ok = ok && indentation::map_image(map, title, pascal ? 1e-9 : 1.0).write_png(base + ".png");
            }
        std::ofstream times_file(dir + "/times.csv", n_written ? std::ios::app : std::ios::trunc);
        if (n_written == 0)
          times_file << "index,time_s\n";
        times_file << n_written << ',' << std::setprecision(12) << result.time << '\n';
        return ok && times_file.good();
      });
      ++n_written;
    }

    template <int dim, typename LA>
    std::optional<std::size_t> VirtualIndentation<dim, LA>::array_at(const Result &result, const bool centre) const
    {
      std::optional<std::size_t> best;
      for (std::size_t a = 0; a < centres.size(); ++a)
        {
          if (result.statistics[a][0].n < 2)
            continue;
          const double r = std::hypot(centres[a][0], centres[a][1]);
          const double b = best ? std::hypot(centres[*best][0], centres[*best][1]) : 0.0;
          if (!best || (centre ? r < b : r > b))
            best = a;
        }
      return best;
    }

    template <int dim, typename LA>
    void VirtualIndentation<dim, LA>::add_summary(Summary &summary)
    {
      if (!final)
        return;
      const Result &r = *final;
      const auto    centre = array_at(r, true), edge = array_at(r, false);
      std::size_t   measured = 0, interpolated = 0;
      for (const Status s : r.status)
        {
          measured += s == Status::kernel || s == Status::interpolated;
          interpolated += s == Status::interpolated;
        }
      summary["indentation_indents"]              = std::to_string(measured);
      summary["indentation_indents_interpolated"] = std::to_string(interpolated);
      summary["indentation_indents_skipped"]      = std::to_string(r.status.size() - measured);
      if (!centre)
        return;
      summary["indentation_centre_array_r_m"] = json_number(std::hypot(centres[*centre][0], centres[*centre][1]));
      summary["indentation_edge_array_r_m"]   = json_number(std::hypot(centres[*edge][0], centres[*edge][1]));
      const std::size_t nf = fields.size();
      for (std::size_t k = 0; k < nf; ++k)
        {
          const std::string &name = fields[k]->name, &unit = fields[k]->unit;
          for (const auto &[where, a] : {std::make_pair("centre_array", *centre), std::make_pair("edge_array", *edge)})
            {
              const auto &s = r.statistics[a][k];
              summary[join_name({name, "fwhm", where})]      = json_number(s.fwhm);
              summary[join_name({name, "fwhm_fit", where})]  = json_number(s.fwhm_fit);
              summary[join_name({name, "mean", where, unit})] = json_number(s.mean);
            }
          double      sum = 0;
          std::size_t n   = 0;
          for (std::size_t i = 0; i < r.status.size(); ++i)
            if (r.status[i] == Status::kernel || r.status[i] == Status::interpolated)
              {
                sum += r.values[i * nf + k];
                ++n;
              }
          summary[join_name({name, "mean_all_arrays", unit})] = json_number(sum / n);
        }
    }

    template <int dim, typename LA>
    std::string VirtualIndentation<dim, LA>::save_state() const
    {
      // The indentation times passed, the files' index, whether the resolution note was given,
      // and how far indentation/times.csv (appended to) had come. The kernel sums are collected
      // anew at each indentation time; `final` only exists after the last step.
      return pack_state(schedule, n_written, resolution_reported,
                        appended_file_size(this->run(), "indentation/times.csv"));
    }

    template <int dim, typename LA>
    void VirtualIndentation<dim, LA>::load_state(const std::string &bytes)
    {
      std::uint64_t times_size = 0;
      unpack_state(bytes, schedule, n_written, resolution_reported, times_size);
      restore_appended_file(this->run(), "indentation/times.csv", times_size);
    }

    BMGFE_REGISTER_POSTPROCESSOR(VirtualIndentation, "virtual indentation", 75,
                                 "nanoindentation arrays on a rod's section (seed 000, Fig. 8): "
                                 "plastic-zone averages of hardness per indent, per-array FWHM of "
                                 "H/mean(H), maps; indentation/ at 'Times' and the end")
  } // namespace postprocess
} // namespace bmgfe
