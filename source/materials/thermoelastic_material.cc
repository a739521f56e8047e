#include <bmgfe/base/expression.h>
#include <bmgfe/base/input_error.h>
#include <bmgfe/materials/thermoelastic_material.h>

#include <deal.II/base/function.h>
#include <deal.II/base/parameter_handler.h>
#include <deal.II/base/point.h>

#include <memory>

namespace bmgfe
{
  double ThermoElasticMaterial::g(const std::array<double, 3> &p, const Kinematics k) const
  {
    if (!heterogeneous)
      return 0;
    if (k == Kinematics::axisymmetric)
      return field.value({{p[0], 0.0, p[1]}});
    if (is_planar(k))
      return field.value({{p[0], p[1], 0.0}});
    return field.value(p);
  }

  void ThermoElasticMaterial::set_free_volume_perturbation(const std::string &expression,
                                                           const int dim)
  {
    const std::string entry = "Material/Free volume/Initial free volume perturbation";
    // In 2D only x, y are variables (a 'z' is refused like in 'Heat/Initial temperature').
    if (dim == 2)
      make_expression_function<2>(expression, entry, false);
    // One parser of x, y, z for every model: a 2D point is (x, y, 0).
    std::shared_ptr<const dealii::Function<3>> f =
      make_expression_function<3>(expression, entry, false);
    free_volume_perturbation_expression = expression;
    // The number 0 (the default): nothing to evaluate at every quadrature point.
    std::size_t used = 0;
    double      v    = 1;
    try
      {
        v = std::stod(expression, &used);
      }
    catch (...)
      {
        used = 0;
      }
    const bool zero =
      used > 0 && expression.find_first_not_of(" \t", used) == std::string::npos && v == 0;
    if (zero)
      free_volume_perturbation = nullptr;
    else
      free_volume_perturbation = [f](const std::array<double, 3> &p) {
        return f->value(dealii::Point<3>(p[0], p[1], p[2]));
      };
  }

  void ThermoElasticMaterial::declare_parameters(dealii::ParameterHandler &prm)
  {
    using namespace dealii::Patterns;
    prm.enter_subsection("Material");
    prm.declare_entry("Young's modulus", "96e9", Anything(),
                      "Young's modulus E [Pa], 1e3 to 1e13: a number or a table 'T1:E1, T2:E2, ...' in K. "
                      "Vit1: 96 GPa.");
    prm.declare_entry("Poisson's ratio", "0.36", Anything(),
                      "Poisson's ratio nu: a number or a table. Vit1: 0.36.");
    prm.declare_entry("Thermal expansion coefficient", "9.5e-6", Anything(),
                      "Linear expansion coefficient of the glass alpha_g0 [1/K]: a number or a "
                      "table; the thermal strain is its integral from the stress-free "
                      "temperature. Vit1: 9.5e-6.");
    prm.declare_entry("Stress-free temperature", "293.15", Double(0),
                      "Temperature at which the thermal strain is zero [K].");
    prm.leave_subsection();

    prm.enter_subsection("Heterogeneity");
    prm.declare_entry("Enabled", "false", Bool(),
                      "Use the random field g(X) (zero mean, unit variance, stationary Gaussian) "
                      "to modulate the expansion coefficient and the modulus.");
    prm.declare_entry("Covariance", "squared exponential",
                      Selection("squared exponential|Matern 3/2"),
                      "Covariance of g: exp(-r^2/(2 l^2)) or (1 + sqrt(3) r/l) exp(-sqrt(3) r/l).");
    prm.declare_entry("Correlation length", "50e-6", Double(0),
                      "Correlation length l_c of g [m].");
    prm.declare_entry("Seed", "1", Integer(0),
                      "Seed of the realisation; g is a function of the coordinates and the seed "
                      "only (the same on every mesh and number of MPI ranks).");
    prm.declare_entry("Number of modes", "1000", Integer(1, 100000),
                      "Random Fourier features in the sum that represents g.");
    prm.declare_entry("CTE amplitude", "0", Double(-10, 10),
                      "delta_alpha: alpha(X, T) = alpha_g0(T) (1 + delta_alpha g(X)). g is "
                      "Gaussian with unit variance, so beyond |delta_alpha| ~ 0.3 the local "
                      "expansion coefficient changes sign in the tails of g (2 % of the volume "
                      "at 0.5, 16 % at 1): amplitudes up to 10 are admitted for numerical "
                      "experiments such as the rejuvenation threshold of cryogenic cycling "
                      "(scripts/ctc_threshold_map.py), not as a description of a glass.");
    prm.declare_entry("Modulus amplitude", "0", Double(-1, 1),
                      "delta_E: E(X, T) = E(T) (1 - delta_E g(X)).");
    prm.declare_entry("Free-volume amplitude", "0", Double(-1, 1),
                      "delta_x: initial free volume x(X) = x_initial (1 + delta_x g(X)) with "
                      "x_initial from 'Material/Free volume/Initial fictive temperature', or "
                      "x(X) = x_read(X) (1 + delta_x g(X)) (every relaxation mode alike) when "
                      "'Material/Free volume/Initial state' reads a previous run: the structural "
                      "heterogeneity of the frozen glass imposed on a homogeneous as-cast state "
                      "(the melt would erase it; doc/model.md \"Mesoscale heterogeneity\"). "
                      "Free-volume models only.");
    prm.leave_subsection();

    FreeVolumeParameters::declare_parameters(prm);
    prm.enter_subsection("Material");
    prm.enter_subsection("Free volume");
    prm.declare_entry("Initial free volume perturbation", "0", Anything(),
                      "dx(X): a deterministic imperfection added to the initial free volume, "
                      "x(X) = x_initial (1 + delta_x g(X)) + dx(X) (dimensionless, like x), "
                      "e.g. a soft spot that seeds a shear band: "
                      "'0.005*exp(-((x-1e-3)^2 + (y-3e-3)^2)/(2*(2e-4)^2))'. A number or a "
                      "muparser expression of the coordinates x, y (and z in 3D; r = x, z = y in "
                      "axisymmetric models) [m], constant pi. The resulting x must stay positive. "
                      "Like 'Initial fictive temperature', not used when 'Initial state' is "
                      "given. 0 (default): none.");
    prm.leave_subsection();
    prm.leave_subsection();
    MohrCoulombStrength::declare_parameters(prm);
  }

  void ThermoElasticMaterial::parse_parameters(dealii::ParameterHandler &prm, const int dim)
  {
    const auto read_table = [&](const std::string &entry, const double min_value,
                                const double max_value) {
      try
        {
          PropertyTable t = PropertyTable::parse(prm.get(entry));
          require(t.min_value() >= min_value && t.max_value() <= max_value, "",
                  "values must lie in [" + value_text(min_value) + ", " +
                    value_text(max_value) + "]");
          return t;
        }
      catch (const InputError &e)
        {
          throw InputError("entry 'Material/" + entry + "': " + e.what());
        }
    };
    prm.enter_subsection("Material");
    youngs_modulus          = read_table("Young's modulus", 1e3, 1e13); // 1 kPa to 10 TPa
    poisson_ratio           = read_table("Poisson's ratio", -0.999, 0.4999);
    thermal_expansion       = read_table("Thermal expansion coefficient", -1e-3, 1e-3);
    stress_free_temperature = prm.get_double("Stress-free temperature");
    prm.leave_subsection();
    require(stress_free_temperature > 0, "entry 'Material/Stress-free temperature'",
            "must be positive (an absolute temperature in K)");

    prm.enter_subsection("Heterogeneity");
    heterogeneous     = prm.get_bool("Enabled");
    cte_amplitude     = prm.get_double("CTE amplitude");
    modulus_amplitude = prm.get_double("Modulus amplitude");
    free_volume_amplitude = prm.get_double("Free-volume amplitude");
    seed              = prm.get_integer("Seed");
    if (heterogeneous)
      field = RandomField(RandomField::parse_covariance(prm.get("Covariance")),
                          prm.get_double("Correlation length"), prm.get_integer("Number of modes"),
                          seed);
    prm.leave_subsection();

    free_volume.parse_parameters(prm);
    prm.enter_subsection("Material");
    prm.enter_subsection("Free volume");
    const std::string perturbation = prm.get("Initial free volume perturbation");
    prm.leave_subsection();
    prm.leave_subsection();
    set_free_volume_perturbation(perturbation, dim);
    // One x_ref for the structural strain and the strength: the free volume of the
    // reference glass (set before parsing, which checks it).
    strength.reference_free_volume = free_volume.x_ref();
    strength.parse_parameters(prm);
  }
} // namespace bmgfe
