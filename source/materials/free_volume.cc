#include <bmgfe/base/input_error.h>
#include <bmgfe/materials/free_volume.h>
#include <bmgfe/materials/tg_calibration.h>

#include <deal.II/base/parameter_handler.h>
#include <deal.II/base/utilities.h>

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
    /// d phi1 / dz = (e^{-z} - phi1(z)) / z, series for small z; e^{-z} and phi1(z) given
    /// (the callers have them already).
    double dphi1(const double z, const double e_minus_z, const double phi1_z)
    {
      if (z < 1e-3)
        return -0.5 + z / 3 - z * z / 8;
      return (e_minus_z - phi1_z) / z;
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
    return xeq_b + (x_a - xeq_a) * exp_minus(z) - (xeq_b - xeq_a) * phi1(z);
  }

  double FreeVolumeParameters::total_free_volume(const std::vector<double> &modes) const
  {
    const std::vector<double> &w = structural_spectrum.weights;
    double                     x = 0;
    for (unsigned int i = 0; i < modes.size(); ++i)
      x += w[i] * modes[i];
    return x;
  }

  namespace
  {
    struct Substep
    {
      double x, z, log_tau_a, log_tau_b, r_a, r_b;
    };

    /// The fast path of a sub-step (a glass far below Tg, where z is tiny and the end rate
    /// r(T_b, x) hardly depends on how much x changes in the step): the first fixed-point
    /// iterate x_0 = Phi(z_0), z_0 = h (r_a + r(T_b, x_a)) / 2, with its modes in modes_b.
    /// It is accepted when the Newton correction it would receive,
    /// |Phi'(z_0)| h/2 |r(T_b, x_0) - r(T_b, x_a)|  (F'(x_0) = 1 - Phi' dz/dx >= 1),
    /// is below a tenth of the Newton tolerance, so that it is the root the Newton iteration
    /// would return, at the cost of one evaluation of the modes instead of several; and when
    /// x_0 >= x_min. Otherwise returns false (modes_b and x_b then hold nothing of use).
    bool first_iterate_converged(const FreeVolumeParameters &p, const std::vector<double> &modes_a,
                                 const double x_a, const double xa_eq, const double xb_eq,
                                 const double T_b, const double h, const double r_a,
                                 std::vector<double> &modes_b, double &x_b)
    {
      const RelaxationSpectrum &spectrum = p.structural_spectrum;
      const unsigned int        n        = spectrum.size();
      const double              rb_a     = std::exp(-p.log_tau(T_b, x_a));
      const double              z0       = h * 0.5 * (r_a + rb_a);
      if (!(z0 > 0) || !std::isfinite(z0))
        return false;
      const double dx_eq = xb_eq - xa_eq;
      modes_b.resize(n);
      double x0 = 0, slope = 0;
      for (unsigned int i = 0; i < n; ++i)
        {
          const double zi = z0 / spectrum.times[i];
          const double e  = exp_minus(zi);
          const double p1 = phi1(zi);
          const double d1 = dphi1(zi, e, p1);
          modes_b[i]      = xb_eq + (modes_a[i] - xa_eq) * e - dx_eq * p1;
          x0 += spectrum.weights[i] * modes_b[i];
          slope += spectrum.weights[i] / spectrum.times[i] * (-(modes_a[i] - xa_eq) * e - dx_eq * d1);
        }
      if (!(x0 >= FreeVolumeParameters::x_min) || !std::isfinite(x0))
        return false;
      const double rb_0 = std::exp(-p.log_tau(T_b, x0));
      if (!(std::abs(slope) * h * 0.5 * std::abs(rb_0 - rb_a) <= 0.1 * p.newton_tolerance))
        return false;
      x_b = x0;
      return true;
    }

    /// One sub-step from the modes x_a,i (total x_a): solve x_b = Phi(x_b) with
    /// Phi = sum_i w_i exponential_step(x_a,i, x_eq,a, x_eq,b, z/a_i) and
    /// z = h (w_a r_a + (1 - w_a) r(T_b, x_b)), w_a = 1/2 (trapezoid); w_a = 0 (rate at the end
    /// state) when the trapezoid has no root above x_min (only possible when x_eq,b < x_min,
    /// i.e. far below T0). The modes at the end go to modes_b (x = sum w_i x_b,i; a single
    /// mode is x_b itself).
    Substep substep(const FreeVolumeParameters &p, const std::vector<double> &modes_a,
                    const double x_a, const double T_a, const double T_b, const double h,
                    std::vector<double> &modes_b)
    {
      const RelaxationSpectrum &spectrum = p.structural_spectrum;
      const unsigned int        n        = spectrum.size();
      Substep s;
      s.log_tau_a     = p.log_tau(T_a, x_a);
      s.r_a           = std::exp(-s.log_tau_a);
      const double xa_eq = p.x_eq(T_a), xb_eq = p.x_eq(T_b);
      const auto   Phi = [&](const double z) {
        double sum = 0;
        for (unsigned int i = 0; i < n; ++i)
          sum += spectrum.weights[i] *
                 FreeVolumeParameters::exponential_step(modes_a[i], xa_eq, xb_eq, z / spectrum.times[i]);
        return sum;
      };
      const auto dPhi_dz = [&](const double z) {
        double sum = 0;
        for (unsigned int i = 0; i < n; ++i)
          {
            const double zi = z / spectrum.times[i];
            sum += spectrum.weights[i] / spectrum.times[i] *
                   (-(modes_a[i] - xa_eq) * exp_minus(zi) -
                    (xb_eq - xa_eq) * dphi1(zi, exp_minus(zi), phi1(zi)));
          }
        return sum;
      };

      const auto [lowest, highest] = std::minmax_element(modes_a.begin(), modes_a.end());
      double lo = std::max(std::min({*lowest, xa_eq, xb_eq}), FreeVolumeParameters::x_min);
      double hi = std::max({*highest, xa_eq, xb_eq});
      double w_a    = 0.5;
      double z_used = 0; // the z of the solution (no relaxation: 0; fast path: -1)
      if (hi <= lo) // x_a <= x_min and nothing pulls it up: stays where it is
        {
          s.x = x_a;
        }
      // The fast path only with a spectrum: for a single time the Newton iteration costs
      // about one mode evaluation anyway, and its arithmetic stays that of the reference
      // results (tests/regression: any change of x at round-off level moves the coupled
      // solution by the solver tolerances, ~5e-8 relative in the as-cast stresses).
      else if (n > 1 &&
               first_iterate_converged(p, modes_a, x_a, xa_eq, xb_eq, T_b, h, s.r_a, modes_b, s.x))
        z_used = -1; // modes_b and s.x hold the root
      else
        {
          const auto rate_b = [&](const double x) { return std::exp(-p.log_tau(T_b, x)); };
          const auto F = [&](const double x, double &dF) {
            const double rb  = rate_b(x);
            const double z   = h * (w_a * s.r_a + (1 - w_a) * rb);
            const double phi = Phi(z);
            const double dz_dx = h * (1 - w_a) * rb * (-p.dlog_tau_dx(T_b, x));
            dF = 1 - dPhi_dz(z) * dz_dx;
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
              double x = std::clamp(Phi(h * s.r_a), lo, hi);
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
          z_used = h * (w_a * s.r_a + (1 - w_a) * rate_b(s.x));
        }
      if (z_used < 0)
        {
          // the fast path's modes
        }
      else if (n == 1)
        modes_b.assign(1, s.x);
      else
        {
          // The modes of the solution's z; their total replaces x_b (they differ by the Newton
          // tolerance), and stays >= x_min as x_b does.
          modes_b.resize(n);
          double x = 0;
          for (unsigned int i = 0; i < n; ++i)
            {
              modes_b[i] = z_used > 0 ? FreeVolumeParameters::exponential_step(
                                          modes_a[i], xa_eq, xb_eq, z_used / spectrum.times[i]) :
                                        modes_a[i];
              x += spectrum.weights[i] * modes_b[i];
            }
          if (x < FreeVolumeParameters::x_min && s.x >= FreeVolumeParameters::x_min)
            {
              for (double &m : modes_b)
                m += s.x - x;
              x = s.x;
            }
          s.x = x;
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
    return update(std::vector<double>(structural_spectrum.size(), x_old), T_old, T_new, dt);
  }

  FreeVolumeStep FreeVolumeParameters::update(const std::vector<double> &modes_old,
                                              const double T_old, const double T_new,
                                              const double dt) const
  {
    FreeVolumeStep result;
    update(modes_old, T_old, T_new, dt, result);
    return result;
  }

  void FreeVolumeParameters::update(const std::vector<double> &modes_old, const double T_old,
                                    const double T_new, const double dt,
                                    FreeVolumeStep &result) const
  {
    const double x_old = total_free_volume(modes_old);
    if (modes_old.size() != structural_spectrum.size() || !(x_old > 0) || !std::isfinite(x_old) ||
        !(T_old > 0) || !(T_new > 0) || !std::isfinite(T_old) || !std::isfinite(T_new) ||
        !(dt >= 0) || !std::isfinite(dt) || !(tau0 > 0))
      throw std::invalid_argument("FreeVolumeParameters::update: invalid arguments (x = " +
                                  value_text(x_old) + " in " + std::to_string(modes_old.size()) +
                                  " modes, T = " + value_text(T_old) + " -> " + value_text(T_new) +
                                  ", dt = " + value_text(dt) + ", tau0 = " + value_text(tau0) + ")");
    result.x            = x_old;
    result.reduced_time = 0;
    result.substeps     = 0;
    result.modes.assign(modes_old.begin(), modes_old.end()); // keeps the caller's capacity
    if (dt == 0)
      return;

    // The fastest mode decides whether the point is frozen.
    const double fastest = structural_spectrum.shortest_time();
    // Scratch for the modes at the end of a sub-step: reused, the update runs at every
    // quadrature point in every step.
    thread_local std::vector<double> modes_b;
    const auto T_at = [&](const double t) { return T_old + (T_new - T_old) * (t / dt); };
    double t = 0, h = dt;
    while (t < dt)
      {
        if (t + h >= dt * (1 - 1e-13))
          h = dt - t;
        const double t_b = (h == dt - t) ? dt : t + h;
        const Substep s  = substep(*this, result.modes, result.x, T_at(t), T_at(t_b), h, modes_b);
        const double change = std::abs(s.log_tau_b - s.log_tau_a);
        const bool frozen   = h * std::max(s.r_a, s.r_b) / fastest <= frozen_exponent;
        const bool last_resort = result.substeps >= max_substeps || h <= dt * 1e-12;
        if (frozen || change <= max_log_tau_change || last_resort)
          {
            result.x = s.x;
            result.modes.swap(modes_b);
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
  }

  void FreeVolumeParameters::set_spectra()
  {
    if (!kww_spectrum)
      {
        structural_spectrum = RelaxationSpectrum();
        shear_spectrum      = RelaxationSpectrum();
        return;
      }
    structural_spectrum = fit_kww(stretching_exponent, prony_terms, prony_decade_min, prony_decade_max);
    shear_spectrum      = fit_kww(shear_beta(), prony_terms, prony_decade_min, prony_decade_max);
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
                      "output of a previous run (with an inelastic model: viscous, plastic or "
                      "viscoplastic) to "
                      "continue from: its output directory (the last snapshot of solution.pvd; "
                      "the run must have completed), a .pvd file (its last snapshot) or a "
                      ".pvtu/.vtu snapshot. Relative paths are taken from the working directory. "
                      "Every quadrature point takes the values of the old state field at its "
                      "position (the meshes may differ; the geometry must not, see 'Initial "
                      "state geometry'). Which fields are read: 'Initial state fields'. Any "
                      "inelastic model reads it; a model without free-volume relaxation keeps "
                      "the structural strain of the read x as a fixed eigenstrain, and a plastic "
                      "snapshot also gives the plastic strain. With a 'Mechanics/Loading "
                      "programme' the platens start from the body's residual-stress "
                      "equilibrium (doc/model.md, \"Runs that continue a previous run\").");
    prm.declare_entry("Initial state fields", "free volume and viscous strain",
                      Selection("free volume and viscous strain|free volume"),
                      "With 'Initial state': read the free volume x only, or x and the viscous "
                      "strain tensor (which carries the previous run's residual stress over: at "
                      "the same temperature and 'Stress-free temperature' the first solve "
                      "reproduces it).");
    prm.declare_entry("Initial state geometry", "same", Selection("same|axisymmetric"),
                      "With 'Initial state': 'same': the snapshot is of the same body in the "
                      "same coordinates. 'axisymmetric': the snapshot is an axisymmetric r-z "
                      "section of a rod (its first coordinate the radius, its second the axis) "
                      "and this run is a plane section through the rod axis (x: the radius "
                      "with its sign, y: the axis) or a 3D rod with its axis along z through "
                      "x = y = 0: a point takes the state at (r, z) of the section, and the "
                      "tensors are rotated from the (r, z, theta) frame (in a plane section the "
                      "hoop component becomes the out-of-plane one).");
    prm.declare_entry("Maxwell rate override", "", Anything(),
                      "Verification only. Empty (default): the viscous flow follows the law "
                      "(lambda = (G tau0/eta0) int dt/tau). Otherwise an expression of T [K] "
                      "and t [s] giving the Maxwell rate G/eta [1/s] used instead, e.g. "
                      "'t < 2.5 ? 1e4 : 0' (instant freezing of the whole body at t = 2.5 s) "
                      "or 'T > 623 ? 1e4 : 0' (a step switch at Tg).");
    prm.declare_entry("Relaxation spectrum", "single", Selection("single|KWW"),
                      "'single' (default): one relaxation time tau(T, x) for the free volume and "
                      "one Maxwell element for the shear stress. 'KWW': a stretched-exponential "
                      "(Kohlrausch-Williams-Watts) relaxation exp(-(t/tau)^beta) of both, as Prony "
                      "series: x = sum w_i x_i with dx_i/dt = -(x_i - x_eq)/(a_i tau(T, x)), and a "
                      "generalized Maxwell body G sum g_i exp(-t/(b_i tau_M)) (doc/model.md "
                      "\"Relaxation spectrum\").");
    prm.declare_entry("Stretching exponent", "0.5", Double(0, 1),
                      "KWW exponent beta of the structural relaxation (with 'Relaxation spectrum "
                      "= KWW'). Vit1: 0.5 [literature: beta ~ 0.5 for the alpha (viscoelastic) "
                      "relaxation of commercial Zr41.25Ti13.75Ni10Cu12.5Be22.5 from transient and "
                      "dynamic mechanical tests, 'Mechanical relaxation time scales in a "
                      "Zr-Ti-Ni-Cu-Be bulk metallic glass'; beta_KWW = 0.50 +- 0.02 for "
                      "Zr50Cu40Al10, Qiao, Casalini and Pelletier, J. Non-Cryst. Solids 407 (2015) "
                      "106, who note beta ~ 0.5 for BMGs independently of their fragility "
                      "(Qiao et al., J. Non-Cryst. Solids 447 (2016) 85)].");
    prm.declare_entry("Shear stretching exponent", "structural", Anything(),
                      "KWW exponent beta_G of the shear relaxation modulus, or 'structural' "
                      "(default): the same as 'Stretching exponent'.");
    prm.declare_entry("Number of Prony terms", "28", Integer(2, 200),
                      "N: terms of both Prony series (with 'Relaxation spectrum = KWW'), at "
                      "log-spaced relaxation times over 'Prony time range'. The default, 3 per "
                      "decade over 10^-7 - 10^2 KWW times, fits exp(-xi^beta) to better than "
                      "2e-4 for xi in 1e-6 - 1e3 and 0.4 <= beta <= 0.7.");
    prm.declare_entry("Prony time range", "-7, 2", List(Double(), 2, 2, ","),
                      "log10 of the shortest and the longest relaxation time of the Prony "
                      "series, in units of the KWW time tau(T, x) (decades).");
    prm.leave_subsection();
    prm.leave_subsection();
    FreeVolumeCreationParameters::declare_parameters(prm);
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
    require(stretching_exponent > 0 && stretching_exponent <= 1, ctx("Stretching exponent"),
            "must lie in (0, 1] (got " + value_text(stretching_exponent) + ")");
    require(shear_stretching_exponent >= 0 && shear_stretching_exponent <= 1,
            ctx("Shear stretching exponent"),
            "must lie in (0, 1] (got " + value_text(shear_stretching_exponent) + ")");
    require(!kww_spectrum || prony_terms >= 2, ctx("Number of Prony terms"), "must be at least 2");
    require(prony_decade_max > prony_decade_min && prony_decade_max - prony_decade_min <= 30,
            ctx("Prony time range"),
            "must be two increasing decades at most 30 apart (got " + value_text(prony_decade_min) +
              ", " + value_text(prony_decade_max) + ")");
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
    creation.check();
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
    initial_state_from_axisymmetric = prm.get("Initial state geometry") == "axisymmetric";
    const std::string tau_text    = prm.get("Relaxation time prefactor");
    const std::string eta_text    = prm.get("Viscosity prefactor");
    kww_spectrum                  = prm.get("Relaxation spectrum") == "KWW";
    stretching_exponent           = prm.get_double("Stretching exponent");
    const std::string shear_beta_text = prm.get("Shear stretching exponent");
    prony_terms                   = prm.get_integer("Number of Prony terms");
    const auto range = dealii::Utilities::split_string_list(prm.get("Prony time range"), ',');
    prony_decade_min = std::stod(range[0]);
    prony_decade_max = std::stod(range[1]);
    prm.leave_subsection();
    prm.leave_subsection();
    creation.parse_parameters(prm);

    tau0_calibrated =
      !read_number_or_keyword(tau_text, "calibrate", "Relaxation time prefactor", tau0);
    eta0_from_maxwell = !read_number_or_keyword(eta_text, "Maxwell", "Viscosity prefactor", eta0);
    shear_stretching_exponent = 0;
    read_number_or_keyword(shear_beta_text, "structural", "Shear stretching exponent",
                           shear_stretching_exponent);
    if (tau0_calibrated)
      tau0 = 1; // placeholder for check(); replaced below
    check();
    set_spectra();
    if (tau0_calibrated)
      tau0 = calibrate_tau0(*this, glass_transition, calibration_rate).tau0;
  }
} // namespace bmgfe
