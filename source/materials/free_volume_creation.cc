#include <bmgfe/base/input_error.h>
#include <bmgfe/materials/free_volume_creation.h>

#include <deal.II/base/parameter_handler.h>

#include <algorithm>
#include <cmath>
#include <string>

namespace bmgfe
{
  namespace
  {
    const std::string section = "Material/Free volume/Creation/";

    /// ln(cosh z - 1) = ln(2 sinh^2(z/2)) for z > 0, without overflow for large z and
    /// without the cancellation of cosh z - 1 for small z.
    double log_cosh_minus_one(const double z)
    {
      const double a = z / 2;
      // ln sinh a = a - ln 2 + ln(1 - e^{-2a}) for large a.
      const double log_sinh = a > 1 ? a - std::log(2.0) + std::log1p(-std::exp(-2 * a)) :
                                      std::log(std::sinh(a));
      return std::log(2.0) + 2 * log_sinh;
    }
  } // namespace

  double FreeVolumeCreationParameters::rate(const double T, const double x, const double tau_eq,
                                            const double S) const
  {
    const double tau = std::abs(tau_eq);
    if (!(tau > 0) || !(x > 0))
      return 0;
    const double kT = boltzmann_J * T;
    // dG_m/kT in SI (k and e are exact in the SI; boltzmann_eV is rounded to 2e-11).
    const double log_rate = std::log(attempt_frequency) - migration_energy * electron_volt / kT -
                            1 / x +
                            std::log(2 * kT / (overlap_factor * critical_volume_m3() * S * x)) +
                            log_cosh_minus_one(tau * atomic_volume / (2 * kT));
    return std::exp(log_rate);
  }

  double FreeVolumeCreationParameters::integrate(const double x0, const double T_old,
                                                 const double T_new, const double tau_eq,
                                                 const double S, const double dt) const
  {
    if (!(dt > 0) || tau_eq == 0)
      return x0;
    const auto T = [&](const double t) { return T_old + (T_new - T_old) * (t / dt); };
    const auto f = [&](const double t, const double x) { return rate(T(t), x, tau_eq, S); };
    // One classical Runge-Kutta step of length h from (t, x) with the slope k1 = f(t, x).
    const auto rk4 = [&](const double t, const double x, const double h, const double k1) {
      const double k2 = f(t + h / 2, x + h / 2 * k1);
      const double k3 = f(t + h / 2, x + h / 2 * k2);
      const double k4 = f(t + h, x + h * k3);
      return x + h / 6 * (k1 + 2 * k2 + 2 * k3 + k4);
    };

    double       x = x0, t = 0, h = dt;
    unsigned int rejections = 0;
    while (t < dt)
      {
        h                  = std::min(h, dt - t);
        const double k1    = f(t, x);
        const double full  = rk4(t, x, h, k1);
        const double half  = rk4(t, x, h / 2, k1);
        const double two   = rk4(t + h / 2, half, h / 2, f(t + h / 2, half));
        const double error = std::abs(two - full) / 15;
        const double scale = tolerance * std::max(std::abs(x), std::abs(two));
        // Without creation every slope is 0 and the step returns x exactly.
        if (error <= scale || ++rejections > max_rejections)
          {
            x = two + (two - full) / 15; // Richardson extrapolation (fifth order)
            t = (h == dt - t) ? dt : t + h;
            // The usual controller of a fourth-order local error; growth at most x5.
            h *= error > 0 ? std::clamp(0.9 * std::pow(scale / error, 0.2), 0.2, 5.0) : 5.0;
          }
        else
          h *= std::isfinite(error) ? std::clamp(0.9 * std::pow(scale / error, 0.2), 0.1, 0.5) :
                                      0.1;
      }
    return x;
  }

  void FreeVolumeCreationParameters::declare_parameters(dealii::ParameterHandler &prm)
  {
    using namespace dealii::Patterns;
    prm.enter_subsection("Material");
    prm.enter_subsection("Free volume");
    prm.enter_subsection("Creation");
    prm.declare_entry("Enabled", "false", Bool(),
                      "Stress-driven creation of free volume after Spaepen (Acta Metall. 25 "
                      "(1977) 407): dx/dt += f exp(-dG_m/kT) exp(-1/x) 2kT/(alpha v* S x) "
                      "[cosh(tau Omega/2kT) - 1], tau = sqrt(s:s/2) the equivalent shear stress "
                      "of the start of the step, S = E/(3(1 - nu)); added after the structural "
                      "relaxation of every step (operator split, first order in the step; "
                      "doc/model.md \"Stress-driven free-volume creation (optional)\"). Models "
                      "with free-volume relaxation only ('Mechanics/Inelastic model = viscous' "
                      "or 'viscoplastic'). false (default): no creation, bit for bit the model "
                      "without it.");
    prm.declare_entry("Attempt frequency", "1e13", Double(),
                      "f [1/s]: frequency of the atomic vibration that attempts the jumps, must "
                      "be positive. 1e13 1/s: the order of the Debye frequency, the value Huang, "
                      "Suo, Prevost and Nix (J. Mech. Phys. Solids 50 (2002) 1011) used for "
                      "Vit1 [literature value as recalled from that paper, not checked against "
                      "its text].");
    prm.declare_entry("Migration energy", "1.2483", Double(),
                      "dG_m [eV]: activation energy of an atomic jump, must not be negative. "
                      "1.2483 eV = 0.2e-18 J, the value of Huang et al. (2002) for Vit1 "
                      "[literature value as recalled, not checked against the text]. Not the "
                      "'Activation energy' Q of the relaxation law: that law has its own "
                      "calibrated prefactor, this term Spaepen's absolute rate.");
    prm.declare_entry("Atomic volume", "20", Double(),
                      "Omega [Angstrom^3] (1 Angstrom^3 = 1e-30 m^3): the volume of a jumping "
                      "atom, must be positive. 20 Angstrom^3: Huang et al. (2002) for Vit1 "
                      "[literature value as recalled, not checked against the text]. For "
                      "comparison, the mean atomic volume of Zr41.2Ti13.8Cu12.5Ni10Be22.5 "
                      "(60.0 g/mol, 6100 kg/m^3 as in the shipped Vit1 files) is 16.3 "
                      "Angstrom^3 [estimate].");
    prm.declare_entry("Critical volume", "0.8", Double(),
                      "v*/Omega: the smallest hole an atom can jump into, as a multiple of the "
                      "atomic volume, must be positive. 0.8: Huang et al. (2002) [literature "
                      "value as recalled, not checked against the text].");
    prm.declare_entry("Overlap factor", "0.15", Double(),
                      "alpha: the geometrical factor of Spaepen's exp(-alpha v*/v_f), must be "
                      "positive. It converts v_f to the reduced free volume x = v_f/(alpha v*) of "
                      "this model and enters the rate as 1/(alpha v*). 0.15: Huang et al. (2002) "
                      "[literature value as recalled, not checked against the text].");
    prm.leave_subsection();
    prm.leave_subsection();
    prm.leave_subsection();
  }

  void FreeVolumeCreationParameters::check() const
  {
    const auto ctx = [](const std::string &entry) { return "entry '" + section + entry + "'"; };
    require(std::isfinite(attempt_frequency) && attempt_frequency > 0, ctx("Attempt frequency"),
            "must be positive (got " + value_text(attempt_frequency) + ")");
    require(std::isfinite(migration_energy) && migration_energy >= 0, ctx("Migration energy"),
            "must not be negative (got " + value_text(migration_energy) + ")");
    require(std::isfinite(atomic_volume) && atomic_volume > 0, ctx("Atomic volume"),
            "must be positive (got " + value_text(atomic_volume / 1e-30) + ")");
    require(std::isfinite(critical_volume) && critical_volume > 0, ctx("Critical volume"),
            "must be positive (got " + value_text(critical_volume) + ")");
    require(std::isfinite(overlap_factor) && overlap_factor > 0, ctx("Overlap factor"),
            "must be positive (got " + value_text(overlap_factor) + ")");
  }

  void FreeVolumeCreationParameters::parse_parameters(dealii::ParameterHandler &prm)
  {
    prm.enter_subsection("Material");
    prm.enter_subsection("Free volume");
    prm.enter_subsection("Creation");
    enabled           = prm.get_bool("Enabled");
    attempt_frequency = prm.get_double("Attempt frequency");
    migration_energy  = prm.get_double("Migration energy");
    atomic_volume     = prm.get_double("Atomic volume") * 1e-30;
    critical_volume   = prm.get_double("Critical volume");
    overlap_factor    = prm.get_double("Overlap factor");
    prm.leave_subsection();
    prm.leave_subsection();
    prm.leave_subsection();
    check();
  }
} // namespace bmgfe
