#include <bmgfe/base/input_error.h>
#include <bmgfe/io/checkpoint_state.h>
#include <bmgfe/linear_algebra/backend.h>
#include <bmgfe/physics/heat_problem.h>
#include <bmgfe/physics/mechanics_problem.h>
#include <bmgfe/postprocess/deformation_gauges.h>
#include <bmgfe/postprocess/manager.h>
#include <bmgfe/postprocess/point_probes.h>

#include <deal.II/base/mpi.h>
#include <deal.II/base/parameter_handler.h>
#include <deal.II/base/quadrature.h>
#include <deal.II/base/symmetric_tensor.h>
#include <deal.II/base/utilities.h>
#include <deal.II/fe/fe_values.h>
#include <deal.II/fe/fe_values_extractors.h>
#include <deal.II/fe/mapping.h>

#include <cmath>
#include <sstream>

namespace bmgfe
{
  namespace postprocess
  {
    using namespace dealii;

    namespace
    {
      const std::string extensometer_entry = "entry 'Postprocess/Deformation gauges/Extensometers'";
    }

    template <int dim, typename LA>
    DeformationGauges<dim, LA>::DeformationGauges() = default;

    template <int dim, typename LA>
    DeformationGauges<dim, LA>::~DeformationGauges() = default;

    template <int dim, typename LA>
    void DeformationGauges<dim, LA>::declare_parameters(ParameterHandler &prm)
    {
      prm.enter_subsection("Postprocess");
      prm.enter_subsection("Deformation gauges");
      prm.declare_entry("Small-strain limit", "0.05", Patterns::Double(0),
                        "Strain and rotation [rad] beyond which the geometrically linear model is "
                        "noted in the log as outside its range (the first time).");
      prm.declare_entry("Extensometers", "", Patterns::Anything(),
                        "Virtual extensometers: 'name: x1, y1[, z1]; x2, y2[, z2]', several "
                        "separated by '|' (r, z in axisymmetric models) [m]. Per step the current "
                        "distance of the two material points and its relative change.");
      prm.leave_subsection();
      prm.leave_subsection();
    }

    template <int dim, typename LA>
    void DeformationGauges<dim, LA>::parse_parameters(ParameterHandler &prm)
    {
      prm.enter_subsection("Postprocess");
      prm.enter_subsection("Deformation gauges");
      limit            = prm.get_double("Small-strain limit");
      const auto text  = prm.get("Extensometers");
      prm.leave_subsection();
      prm.leave_subsection();
      extensometers.clear();
      for (const auto &item : Utilities::split_string_list(text, '|'))
        {
          // 'name: p1; p2' is two probe points: reuse the probe parser with 'name_a: p1; name_b: p2'.
          const auto colon = item.find(':');
          require(colon != std::string::npos, extensometer_entry,
                  "'" + item + "' must be 'name: x1, y1[, z1]; x2, y2[, z2]'");
          const std::string name = Utilities::trim(item.substr(0, colon));
          const auto        ends = Utilities::split_string_list(item.substr(colon + 1), ';');
          require(ends.size() == 2, extensometer_entry, "'" + item + "' needs two points separated by ';'");
          const auto parsed = parse_probe_points<dim>(name + "_1: " + ends[0] + "; " + name + "_2: " + ends[1],
                                                      "Postprocess/Deformation gauges/Extensometers");
          require(parsed[0].second.distance(parsed[1].second) > 0, extensometer_entry,
                  "the two points of '" + name + "' coincide");
          for (const auto &e : extensometers)
            require(e.name != name, extensometer_entry, "the name '" + name + "' is used twice");
          extensometers.push_back({name, parsed[0].second, parsed[1].second});
        }
    }

    template <int dim, typename LA>
    void DeformationGauges<dim, LA>::initialize()
    {
      const auto &run = this->run();
      require(run.mechanics != nullptr, "entry 'Postprocess/List of postprocessors'",
              "'deformation gauges' needs 'Mechanics/Enabled = true'");
      std::vector<std::pair<std::string, Point<dim>>> points;
      for (const auto &e : extensometers)
        {
          points.emplace_back(e.name + "_1", e.first);
          points.emplace_back(e.name + "_2", e.second);
        }
      ends = std::make_unique<PointProbes<dim>>();
      ends->initialize(run.mechanics->dof_handler(), *run.mapping, points, notes);
    }

    template <int dim, typename LA>
    void DeformationGauges<dim, LA>::report_setup(std::ostream &out) const
    {
      out << "  gauges       : largest rotation and strain (small-strain limit " << limit << ")";
      for (const auto &e : extensometers)
        out << "; extensometer " << e.name << " (" << e.first << ") - (" << e.second << ")";
      out << '\n';
      for (const auto &n : notes)
        out << "Note: " << n << '\n';
    }

    template <int dim, typename LA>
    void DeformationGauges<dim, LA>::execute(const StepInfo &info, StatisticsRow &statistics)
    {
      const auto &run       = this->run();
      const auto &mechanics = *run.mechanics;
      const auto &fe        = mechanics.dof_handler().get_fe();
      const FEValuesExtractors::Vector u(0);
      const bool axisymmetric = run.kinematics == Kinematics::axisymmetric;

      // Largest rotation and principal strain over the quadrature points.
      FEValues<dim> values(*run.mapping, fe, mechanics.quadrature_rule(),
                           update_values | update_gradients | update_quadrature_points);
      std::vector<Tensor<2, dim>> gradients(values.n_quadrature_points);
      std::vector<Tensor<1, dim>> displacements(values.n_quadrature_points);
      double rotation = 0, strain = 0;
      for (const auto &cell : mechanics.dof_handler().active_cell_iterators())
        if (cell->is_locally_owned())
          {
            values.reinit(cell);
            values[u].get_function_gradients(mechanics.displacement(), gradients);
            values[u].get_function_values(mechanics.displacement(), displacements);
            for (unsigned int q = 0; q < values.n_quadrature_points; ++q)
              {
                const Tensor<2, dim> &g = gradients[q];
                if constexpr (dim == 2)
                  rotation = std::max(rotation, 0.5 * std::abs(g[1][0] - g[0][1]));
                else
                  rotation = std::max(rotation, 0.5 * std::sqrt(std::pow(g[2][1] - g[1][2], 2) +
                                                                std::pow(g[0][2] - g[2][0], 2) +
                                                                std::pow(g[1][0] - g[0][1], 2)));
                SymmetricTensor<2, 3> e;
                for (unsigned int i = 0; i < dim; ++i)
                  for (unsigned int j = i; j < dim; ++j)
                    e[i][j] = 0.5 * (g[i][j] + g[j][i]);
                const double r = values.quadrature_point(q)[0];
                if (axisymmetric && r > 0)
                  e[2][2] = displacements[q][0] / r;
                for (const double lambda : eigenvalues(e))
                  strain = std::max(strain, std::abs(lambda));
              }
          }
      rotation = Utilities::MPI::max(rotation, run.comm);
      strain   = Utilities::MPI::max(strain, run.comm);
      max_rotation = std::max(max_rotation, rotation);
      max_strain   = std::max(max_strain, strain);
      statistics.add("largest_rotation_rad", rotation);
      statistics.add("largest_principal_strain", strain);
      if ((rotation > limit || strain > limit) && limit_time < 0)
        {
          limit_time = info.time;
          *run.log << "Note: deformation gauges: at t = " << info.time << " s the largest strain ("
                   << strain << ") or rotation (" << rotation << " rad) passes the small-strain limit "
                   << limit << ": the geometrically linear model is outside its range from here on\n";
        }

      // Extensometers: the displacement at both ends.
      if (extensometers.empty())
        return;
      const auto at = ends->evaluate_with(
        [&](const typename DoFHandler<dim>::active_cell_iterator &cell, const Point<dim> &reference) {
          const Quadrature<dim> point(reference);
          FEValues<dim>         v(*run.mapping, fe, point, update_values | update_quadrature_points);
          v.reinit(cell);
          std::vector<Tensor<1, dim>> d(1);
          v[u].get_function_values(mechanics.displacement(), d);
          std::vector<double> x(2 * dim);
          for (unsigned int c = 0; c < dim; ++c)
            {
              x[c]       = v.quadrature_point(0)[c];
              x[dim + c] = d[0][c];
            }
          return x;
        },
        2 * dim);
      last_lengths.clear();
      for (std::size_t k = 0; k < extensometers.size(); ++k)
        {
          Point<dim> a, b, a0, b0;
          for (unsigned int c = 0; c < dim; ++c)
            {
              a0[c] = at[2 * k][c];
              b0[c] = at[2 * k + 1][c];
              a[c]  = a0[c] + at[2 * k][dim + c];
              b[c]  = b0[c] + at[2 * k + 1][dim + c];
            }
          const double length = a.distance(b), initial = a0.distance(b0);
          last_lengths.push_back(length);
          statistics.add("extensometer_" + extensometers[k].name + "_length_m", length);
          statistics.add("extensometer_" + extensometers[k].name + "_change", length / initial - 1);
        }
    }

    template <int dim, typename LA>
    void DeformationGauges<dim, LA>::add_summary(Summary &summary)
    {
      summary["largest_rotation_rad"]        = json_number(max_rotation);
      summary["largest_principal_strain"]    = json_number(max_strain);
      summary["small_strain_limit_passed_s"] = limit_time < 0 ? std::string("null") : json_number(limit_time);
      for (std::size_t k = 0; k < last_lengths.size(); ++k)
        summary["extensometer_" + extensometers[k].name + "_length_m"] = json_number(last_lengths[k]);
    }

    template <int dim, typename LA>
    std::string DeformationGauges<dim, LA>::save_state() const
    {
      // The extremes over the run and the time the small-strain limit was passed (noted once).
      return pack_state(max_rotation, max_strain, limit_time);
    }

    template <int dim, typename LA>
    void DeformationGauges<dim, LA>::load_state(const std::string &bytes)
    {
      unpack_state(bytes, max_rotation, max_strain, limit_time);
    }

    BMGFE_REGISTER_POSTPROCESSOR(DeformationGauges, "deformation gauges", 42,
                                 "largest rotation and principal strain (how far the small-strain "
                                 "model holds) and virtual extensometers between material points")
  } // namespace postprocess
} // namespace bmgfe
