#include <bmgfe/base/input_error.h>
#include <bmgfe/linear_algebra/backend.h>
#include <bmgfe/materials/thermoelastic_material.h>
#include <bmgfe/physics/heat_problem.h>
#include <bmgfe/postprocess/heterogeneity_report.h>
#include <bmgfe/postprocess/manager.h>

#include <deal.II/base/mpi.h>
#include <deal.II/base/quadrature_lib.h>
#include <deal.II/fe/fe_values.h>

#include <cmath>
#include <sstream>

namespace bmgfe
{
  namespace postprocess
  {
    using namespace dealii;

    template <int dim, typename LA>
    bool HeterogeneityReport<dim, LA>::enabled_by_default(ParameterHandler &) const
    {
      return this->run().mechanics && this->run().material->heterogeneous;
    }

    template <int dim, typename LA>
    void HeterogeneityReport<dim, LA>::initialize()
    {
      const auto &run = this->run();
      require(run.material->heterogeneous, "entry 'Postprocess/List of postprocessors'",
              "'heterogeneity report' needs a heterogeneous material (Material/Heterogeneity)");
      // Statistics of the realisation at the quadrature points: mean and standard deviation,
      // and the correlation length from the mean squared gradient, which for the model's
      // covariance is -C''(0) = 1/l^2 (squared exponential) or 3/l^2 (Matern 3/2).
      const ThermoElasticMaterial &material = *run.material;
      const RandomField           &field    = material.field;
      const double                 h        = 1e-4 * field.correlation_length();
      double                       sum = 0, sum2 = 0, grad2 = 0, weight = 0;
      FEValues<dim> fv(*run.mapping, run.heat->dof_handler().get_fe(), QGauss<dim>(2),
                       update_quadrature_points | update_JxW_values);
      for (const auto &cell : run.heat->dof_handler().active_cell_iterators())
        if (cell->is_locally_owned())
          {
            fv.reinit(cell);
            for (const unsigned int q : fv.quadrature_point_indices())
              {
                const Point<dim> &x = fv.quadrature_point(q);
                const double      w = fv.JxW(q) * volume_weight(run.kinematics, x[0]);
                std::array<double, 3> p{{x[0], x[1], dim == 3 ? x[dim - 1] : 0.0}}, p2 = p;
                p2[0] += h;
                const double g  = material.g(p, run.kinematics);
                const double dg = (material.g(p2, run.kinematics) - g) / h;
                sum += w * g;
                sum2 += w * g * g;
                grad2 += w * dg * dg;
                weight += w;
              }
          }
      sum    = Utilities::MPI::sum(sum, run.comm);
      sum2   = Utilities::MPI::sum(sum2, run.comm);
      grad2  = Utilities::MPI::sum(grad2, run.comm);
      weight = Utilities::MPI::sum(weight, run.comm);
      const double mean = sum / weight, var = std::max(sum2 / weight - mean * mean, 0.0);
      const double factor =
        field.covariance_type() == RandomField::Covariance::squared_exponential ? 1.0 : 3.0;
      const double       length = grad2 > 0 ? std::sqrt(factor * var / (grad2 / weight)) : 0.0;
      std::ostringstream out;
      out << "  heterogeneity: g(X) " << RandomField::to_string(field.covariance_type())
          << ", l_c = " << field.correlation_length() << " m, seed " << material.seed << ", "
          << field.n_modes() << " modes; realisation: mean " << mean << ", std " << std::sqrt(var)
          << ", correlation length " << length << " m (from the mean squared "
          << "x-gradient; compare with the domain size)\n"
          << "                 delta_alpha = " << material.cte_amplitude
          << ", delta_E = " << material.modulus_amplitude << '\n';
      report = out.str();
    }

    template <int dim, typename LA>
    void HeterogeneityReport<dim, LA>::report_setup(std::ostream &out) const
    {
      out << report;
    }

    BMGFE_REGISTER_POSTPROCESSOR(HeterogeneityReport, "heterogeneity report", 80,
                                 "start-up statistics of the random field g(X): mean, std and "
                                 "correlation length of the realisation")
  } // namespace postprocess
} // namespace bmgfe
