#include <bmgfe/base/input_error.h>
#include <bmgfe/materials/free_volume.h>
#include <bmgfe/materials/tg_calibration.h>

#include <deal.II/base/parameter_handler.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <sstream>
#include <stdexcept>

namespace bmgfe
{
  namespace
  {
    const std::string section = "Material/Free volume/";

    /// A positive number, or the keyword: returns false for the keyword.
    bool read_number_or_keyword(const std::string &text, const std::string &keyword,
                                const std::string &entry, double &value)
    {
      std::string t = text;
      t.erase(0, t.find_first_not_of(" \t"));
      t.erase(t.find_last_not_of(" \t") + 1);
      if (t == keyword)
        return false;
      std::size_t used = 0;
      try
        {
          value = std::stod(t, &used);
        }
      catch (const std::exception &)
        {
          used = 0;
        }
      require(used > 0 && used == t.size(), "entry '" + section + entry + "'",
              "'" + text + "' is neither '" + keyword + "' nor a number");
      require(std::isfinite(value) && value > 0, "entry '" + section + entry + "'",
              "must be positive (got " + t + ")");
      return true;
    }

  } // namespace

  double phi1(const double z)
  {
    if (z < 1e-5)
      return 1 - z / 2 + z * z / 6;
    return -std::expm1(-z) / z;
  }

  namespace
  {
    /// d phi1 / dz = (e^{-z} - phi1(z)) / z, series for small z.
    double dphi1(const double z)
    {
      if (z < 1e-3)
        return -0.5 + z / 3 - z * z / 8;
      return (std::exp(-z) - phi1(z)) / z;
    }
  } // namespace

  double FreeVolumeParameters::log_mobility(const double T, const double x) const
  {
    return 1 / x + Q_over_k() * (1 / T - 1 / fictive_temperature(x));
  }

  double FreeVolumeParameters::log_tau(const double T, const double x) const
  {
    return std::log(tau0) + log_mobility(T, x);
  }

  double FreeVolumeParameters::tau(const double T, const double x) const
  {
    return std::exp(log_tau(T, x));
  }

  double FreeVolumeParameters::dlog_tau_dx(const double T, const double x) const
  {
    const double Tf = fictive_temperature(x);
    return -1 / (x * x) + Q_over_k() * B() / (Tf * Tf);
  }

  double FreeVolumeParameters::exponential_step(const double x_a, const double xeq_a,
                                                const double xeq_b, const double z)
  {
    return xeq_b + (x_a - xeq_a) * std::exp(-z) - (xeq_b - xeq_a) * phi1(z);
  }

  namespace
  {
    struct Substep
    {
      double x, z, log_tau_a, log_tau_b, r_a, r_b;
    };

    /// One sub-step: solve x_b = Phi(x_b) with z = h (w_a r_a + (1 - w_a) r(T_b, x_b)),
    /// w_a = 1/2 (trapezoid); w_a = 0 (rate at the end state) when the trapezoid has no
    /// root above x_min (only possible when x_eq,b < x_min, i.e. far below T0).
    Substep substep(const FreeVolumeParameters &p, const double x_a, const double T_a,
                    const double T_b, const double h)
    {
      Substep s;
      s.log_tau_a     = p.log_tau(T_a, x_a);
      s.r_a           = std::exp(-s.log_tau_a);
      const double xa_eq = p.x_eq(T_a), xb_eq = p.x_eq(T_b);

      double lo = std::max(std::min({x_a, xa_eq, xb_eq}), FreeVolumeParameters::x_min);
      double hi = std::max({x_a, xa_eq, xb_eq});
      if (hi <= lo) // x_a <= x_min and nothing pulls it up: stays where it is
        {
          s.x = x_a;
        }
      else
        {
          double w_a = 0.5;
          const auto rate_b = [&](const double x) { return std::exp(-p.log_tau(T_b, x)); };
          const auto F = [&](const double x, double &dF) {
            const double rb  = rate_b(x);
            const double z   = h * (w_a * s.r_a + (1 - w_a) * rb);
            const double phi = FreeVolumeParameters::exponential_step(x_a, xa_eq, xb_eq, z);
            const double dphi_dz =
              -(x_a - xa_eq) * std::exp(-z) - (xb_eq - xa_eq) * dphi1(z);
            const double dz_dx = h * (1 - w_a) * rb * (-p.dlog_tau_dx(T_b, x));
            dF = 1 - dphi_dz * dz_dx;
            return x - phi;
          };
          double dF   = 0;
          double f_lo = F(lo, dF);
          if (f_lo > 0)
            {
              w_a  = 0;
              f_lo = F(lo, dF);
            }
          if (f_lo >= 0)
            s.x = lo;
          else
            {
              // Bracket [lo, hi] with F(lo) < 0 <= F(hi) (Phi maps into [min, max]).
              double x = std::clamp(
                FreeVolumeParameters::exponential_step(x_a, xa_eq, xb_eq, h * s.r_a), lo, hi);
              for (unsigned int it = 0; it < 200; ++it)
                {
                  const double f = F(x, dF);
                  if (f == 0)
                    break;
                  if (f < 0)
                    lo = x;
                  else
                    hi = x;
                  double x_new = x - f / dF;
                  if (!(dF > 0) || !(x_new > lo && x_new < hi))
                    x_new = 0.5 * (lo + hi);
                  const double change = std::abs(x_new - x);
                  x                   = x_new;
                  if (change < p.newton_tolerance || hi - lo < p.newton_tolerance)
                    break;
                }
              s.x = x;
            }
        }
      s.log_tau_b = p.log_tau(T_b, s.x);
      s.r_b       = std::exp(-s.log_tau_b);
      s.z         = h * 0.5 * (s.r_a + s.r_b);
      return s;
    }
  } // namespace

  FreeVolumeStep FreeVolumeParameters::update(const double x_old, const double T_old,
                                              const double T_new, const double dt) const
  {
    if (!(x_old > 0) || !std::isfinite(x_old) || !(T_old > 0) || !(T_new > 0) ||
        !std::isfinite(T_old) || !std::isfinite(T_new) || !(dt >= 0) || !std::isfinite(dt) ||
        !(tau0 > 0))
      throw std::invalid_argument("FreeVolumeParameters::update: invalid arguments (x = " +
                                  value_text(x_old) + ", T = " + value_text(T_old) + " -> " + value_text(T_new) +
                                  ", dt = " + value_text(dt) + ", tau0 = " + value_text(tau0) + ")");
    FreeVolumeStep result;
    result.x = x_old;
    if (dt == 0)
      return result;

    const auto T_at = [&](const double t) { return T_old + (T_new - T_old) * (t / dt); };
    double t = 0, h = dt;
    while (t < dt)
      {
        if (t + h >= dt * (1 - 1e-13))
          h = dt - t;
        const double t_b = (h == dt - t) ? dt : t + h;
        const Substep s  = substep(*this, result.x, T_at(t), T_at(t_b), h);
        const double change = std::abs(s.log_tau_b - s.log_tau_a);
        const bool frozen   = h * std::max(s.r_a, s.r_b) <= frozen_exponent;
        const bool last_resort = result.substeps >= max_substeps || h <= dt * 1e-12;
        if (frozen || change <= max_log_tau_change || last_resort)
          {
            result.x = s.x;
            result.reduced_time += s.z;
            ++result.substeps;
            t = t_b;
            if (last_resort && result.substeps >= max_substeps)
              h = dt - t; // give up sub-stepping: the rest in one (still stable) step
            else if (frozen)
              h = dt - t;
            else
              h *= (change > 0) ? std::clamp(0.9 * max_log_tau_change / change, 1.0, 4.0) : 4.0;
          }
        else
          h *= std::clamp(0.9 * max_log_tau_change / change, 0.05, 0.5);
      }
    return result;
  }

  void FreeVolumeParameters::declare_parameters(dealii::ParameterHandler &prm)
  {
    using namespace dealii::Patterns;
    prm.enter_subsection("Material");
    prm.enter_subsection("Free volume");
    prm.declare_entry("Vogel temperature", "412.5", Double(0),
                      "VFT temperature T0 [K]: x_eq(T) = (T - T0)/B, B = D* T0. Vit1: 412.5 K "
                      "(doc/model.md §7).");
    prm.declare_entry("Fragility parameter", "22.7", Double(0),
                      "VFT fragility D* (dimensionless), B = D* T0. Vit1: 22.7.");
    prm.declare_entry("Activation energy", "2.5", Double(0),
                      "Q [eV] of tau = tau0 exp(1/x) exp[(Q/k_B)(1/T - 1/T_f(x))]: the Arrhenius "
                      "activation energy of relaxation at fixed free volume (sub-Tg ageing). "
                      "2.5 eV is an assumption (doc/model.md): Q/Q_VFT(Tg) = 0.35 with "
                      "Q_VFT(Tg) = k_B B Tg^2/(Tg - T0)^2 = 7.1 eV, within the range 0.3-0.5 of "
                      "Tool-Narayanaswamy nonlinearity parameters of metallic glasses.");
    prm.declare_entry("Glass transition temperature", "623", Double(0),
                      "Tg [K] measured on cooling/heating at the calibration rate (DSC). The "
                      "calibration makes the model's Tg (intersection of the glass and liquid "
                      "T_f lines on cooling at that rate) equal to it. Vit1: 623 K at 20 K/min.");
    prm.declare_entry("Calibration cooling rate", "20", Double(0),
                      "Cooling rate of the Tg definition [K/min].");
    prm.declare_entry("Relaxation time prefactor", "calibrate", Anything(),
                      "tau0 [s], or 'calibrate': tau0 such that the model's Tg at the "
                      "calibration rate equals 'Glass transition temperature'.");
    prm.declare_entry("Viscosity prefactor", "Maxwell", Anything(),
                      "eta0 [Pa s] of eta = eta0 exp(1/x) exp[(Q/k_B)(1/T - 1/T_f(x))], or "
                      "'Maxwell': eta0 = G(Tg) tau0 (stress and structure relax with the same "
                      "time at the same mobility). The VFT fit of Vit1 viscosities "
                      "(eta0 = 4e-5 Pa s) is about 175 times larger than G(Tg) tau0 at the default "
                      "calibration (eta(Tg) = 8e14 instead of 5e12 Pa s).");
    prm.declare_entry("Excess expansion coefficient", "2e-5", Double(0, 1e-3),
                      "dalpha = alpha_liquid - alpha_glass [1/K]; the structural strain is "
                      "(zeta/3)(x - x_ref) with zeta = 3 B dalpha. Vit1: 2e-5.");
    prm.declare_entry("Reference fictive temperature", "623", Double(0),
                      "T_f [K] of the free volume x_ref at which the structural strain is zero.");
    prm.declare_entry("Initial fictive temperature", "623", Double(0),
                      "T_f [K] of the initial (as-received) state: x = (T_f - T0)/B (uniform, "
                      "or modulated by 'Heterogeneity/Free-volume amplitude'). Not used when "
                      "'Initial state' is given.");
    prm.declare_entry("Initial state", "", Anything(),
                      "Empty (default): the initial free volume follows 'Initial fictive "
                      "temperature' and the glass carries no viscous strain. Otherwise the "
                      "output of a previous run (with 'Mechanics/Inelastic model = viscous') to "
                      "continue from: its output directory (the last snapshot of solution.pvd; "
                      "the run must have completed), a .pvd file (its last snapshot) or a "
                      ".pvtu/.vtu snapshot. Relative paths are taken from the working directory. "
                      "Every quadrature point takes the cell values of the old cell that "
                      "contains it (the meshes may differ; the geometry must not). Which fields "
                      "are read: 'Initial state fields'.");
    prm.declare_entry("Initial state fields", "free volume and viscous strain",
                      Selection("free volume and viscous strain|free volume"),
                      "With 'Initial state': read the free volume x only, or x and the viscous "
                      "strain tensor (which carries the previous run's residual stress over: at "
                      "the same temperature and 'Stress-free temperature' the first solve "
                      "reproduces it).");
    prm.declare_entry("Maxwell rate override", "", Anything(),
                      "Verification only. Empty (default): the viscous flow follows the law "
                      "(lambda = (G tau0/eta0) int dt/tau). Otherwise an expression of T [K] "
                      "and t [s] giving the Maxwell rate G/eta [1/s] used instead, e.g. "
                      "'t < 2.5 ? 1e4 : 0' (instant freezing of the whole body at t = 2.5 s) "
                      "or 'T > 623 ? 1e4 : 0' (a step switch at Tg).");
    prm.leave_subsection();
    prm.leave_subsection();
  }

  void FreeVolumeParameters::check() const
  {
    const auto ctx = [](const std::string &entry) { return "entry '" + section + entry + "'"; };
    require(vogel_temperature > 0, ctx("Vogel temperature"), "must be positive");
    require(fragility > 0, ctx("Fragility parameter"), "must be positive");
    require(activation_energy >= 0, ctx("Activation energy"), "must not be negative");
    require(glass_transition > vogel_temperature, ctx("Glass transition temperature"),
            "must exceed the Vogel temperature T0 = " + value_text(vogel_temperature) + " K (got " +
              value_text(glass_transition) + " K)");
    require(calibration_rate > 0, ctx("Calibration cooling rate"), "must be positive");
    require(tau0_calibrated || tau0 > 0, ctx("Relaxation time prefactor"), "must be positive");
    require(eta0_from_maxwell || eta0 > 0, ctx("Viscosity prefactor"), "must be positive");
    require(excess_expansion >= 0, ctx("Excess expansion coefficient"), "must not be negative");
    require(reference_fictive_temperature > vogel_temperature,
            ctx("Reference fictive temperature"),
            "must exceed the Vogel temperature T0 = " + value_text(vogel_temperature) + " K");
    require(initial_fictive_temperature > vogel_temperature,
            ctx("Initial fictive temperature"),
            "must exceed the Vogel temperature T0 = " + value_text(vogel_temperature) + " K");
    // With Q too large the Arrhenius factor would make tau grow with x at T_f = Tg:
    // d ln tau/dx = -1/x^2 + (Q/k) B/T_f^2 must be negative there.
    const double xg = x_of_fictive_temperature(glass_transition);
    require(Q_over_k() * B() * xg * xg < glass_transition * glass_transition,
            ctx("Activation energy"),
            "is so large that tau would increase with free volume at Tg (need Q < k_B Tg^2 / "
            "(B x_g^2) = " + value_text(boltzmann_eV * glass_transition * glass_transition / (B() * xg * xg)) +
              " eV)");
  }

  void FreeVolumeParameters::parse_parameters(dealii::ParameterHandler &prm)
  {
    prm.enter_subsection("Material");
    prm.enter_subsection("Free volume");
    vogel_temperature             = prm.get_double("Vogel temperature");
    fragility                     = prm.get_double("Fragility parameter");
    activation_energy             = prm.get_double("Activation energy");
    glass_transition              = prm.get_double("Glass transition temperature");
    calibration_rate              = prm.get_double("Calibration cooling rate") / 60;
    excess_expansion              = prm.get_double("Excess expansion coefficient");
    reference_fictive_temperature = prm.get_double("Reference fictive temperature");
    initial_fictive_temperature   = prm.get_double("Initial fictive temperature");
    maxwell_rate_override         = prm.get("Maxwell rate override");
    initial_state                 = prm.get("Initial state");
    initial_state_with_viscous_strain =
      prm.get("Initial state fields") == "free volume and viscous strain";
    const std::string tau_text    = prm.get("Relaxation time prefactor");
    const std::string eta_text    = prm.get("Viscosity prefactor");
    prm.leave_subsection();
    prm.leave_subsection();

    tau0_calibrated =
      !read_number_or_keyword(tau_text, "calibrate", "Relaxation time prefactor", tau0);
    eta0_from_maxwell = !read_number_or_keyword(eta_text, "Maxwell", "Viscosity prefactor", eta0);
    if (tau0_calibrated)
      tau0 = 1; // placeholder for check(); replaced below
    check();
    if (tau0_calibrated)
      tau0 = calibrate_tau0(*this, glass_transition, calibration_rate).tau0;
  }
} // namespace bmgfe
