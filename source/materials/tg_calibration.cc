#include <bmgfe/base/input_error.h>
#include <bmgfe/materials/tg_calibration.h>

#include <cmath>
#include <iomanip>
#include <sstream>
#include <stdexcept>
#include <vector>

namespace bmgfe
{
  double mean_relaxation_time(const FreeVolumeParameters &p)
  {
    const RelaxationSpectrum &s    = p.structural_spectrum;
    double                    mean = 0;
    for (unsigned int i = 0; i < s.size(); ++i)
      mean += s.weights[i] * s.times[i];
    return mean;
  }

  CoolingResult cool_through_glass_transition(const FreeVolumeParameters &p, const double rate,
                                              const double temperature_step)
  {
    if (!(rate > 0) || !(temperature_step > 0) || !(p.tau0 > 0))
      throw std::invalid_argument("cool_through_glass_transition: rate, temperature step and "
                                  "tau0 must be positive");
    CoolingResult r;
    // Start where the equilibrium liquid lags by 1e-3 K: <a> tau_eq(T) rate = 1e-3 K, with the
    // mean relaxation time <a> tau = sum w_i a_i tau of the modes (1 for a single time).
    const double log_arg = std::log(1e-3 / (rate * p.tau0 * mean_relaxation_time(p)));
    if (!(log_arg > 0.5))
      throw std::invalid_argument("cool_through_glass_transition: tau0 = " +
                                  std::to_string(p.tau0) +
                                  " s leaves no equilibrium liquid at this rate");
    const double T0 = p.vogel_temperature;
    r.start_temperature = T0 + p.B() / log_arg;

    double T = r.start_temperature, x = p.x_eq(T);
    std::vector<double> modes(p.structural_spectrum.size(), x);
    const double dt = temperature_step / rate;
    double slope = 1;
    const double T_floor = T0 + 1;
    while (true)
      {
        const double T_new = std::max(T - temperature_step, T_floor);
        const FreeVolumeStep step = p.update(modes, T, T_new, dt * (T - T_new) / temperature_step);
        const double         x_new = step.x;
        modes                      = step.modes;
        slope = (p.fictive_temperature(x) - p.fictive_temperature(x_new)) / (T - T_new);
        x     = x_new;
        T     = T_new;
        ++r.steps;
        if ((slope < frozen_glass_slope && T <= p.fictive_temperature(x) - glass_line_offset) ||
            T <= T_floor)
          break;
      }
    r.end_temperature            = T;
    r.frozen_fictive_temperature = p.fictive_temperature(x);
    r.glass_slope                = slope;
    r.glass_transition = (r.frozen_fictive_temperature - slope * T) / (1 - slope);
    return r;
  }

  TgCalibration calibrate_tau0(const FreeVolumeParameters &p_in, const double target_tg,
                               const double rate, const double tolerance)
  {
    require(target_tg > p_in.vogel_temperature,
            "entry 'Material/Free volume/Glass transition temperature'",
            "must exceed the Vogel temperature");
    require(rate > 0, "entry 'Material/Free volume/Calibration cooling rate'",
            "must be positive");
    FreeVolumeParameters p = p_in;
    TgCalibration        c;
    const auto f = [&](const double log_tau0) {
      p.tau0 = std::exp(log_tau0);
      ++c.evaluations;
      return cool_through_glass_transition(p, rate).glass_transition - target_tg;
    };
    // Estimate: <a> tau_eq(Tg) = (Tg - T0)^2 / (B q).
    const double dT = target_tg - p.vogel_temperature;
    double a = std::log(dT * dT / (p.B() * rate)) - p.B() / dT - std::log(mean_relaxation_time(p));
    double fa = f(a);
    double b = a + (fa < 0 ? 1 : -1), fb = f(b);
    for (unsigned int i = 0; fa * fb > 0; ++i)
      {
        if (i == 60)
          throw InputError("entry 'Material/Free volume/Glass transition temperature': the "
                           "calibration of tau0 found no bracket");
        const double step = 2 * (b - a);
        a = b, fa = fb;
        b = b + step, fb = f(b);
      }
    // Illinois (modified regula falsi) on ln tau0.
    int side = 0;
    double m = a, fm = fa;
    for (unsigned int it = 0; it < 100; ++it)
      {
        m  = (a * fb - b * fa) / (fb - fa);
        fm = f(m);
        if (std::abs(fm) < tolerance || std::abs(b - a) < 1e-12)
          break;
        if (fm * fb > 0)
          {
            b = m, fb = fm;
            if (side == -1)
              fa /= 2;
            side = -1;
          }
        else
          {
            a = m, fa = fm;
            if (side == +1)
              fb /= 2;
            side = +1;
          }
      }
    c.tau0     = std::exp(m);
    c.model_tg = target_tg + fm;
    return c;
  }

  TgCalibration calibrate_prefactors(const FreeVolumeParameters &p,
                                     const double shear_modulus_at_tg)
  {
    TgCalibration c = calibrate_tau0(p, p.glass_transition, p.calibration_rate);
    FreeVolumeParameters q = p;
    q.tau0                 = c.tau0;
    c.eta0                 = q.viscosity_prefactor(shear_modulus_at_tg);
    return c;
  }

  std::string calibration_summary(const FreeVolumeParameters &p, const TgCalibration &c)
  {
    FreeVolumeParameters q = p;
    q.tau0                 = c.tau0;
    std::ostringstream s;
    s << std::setprecision(6);
    s << "Tg calibration (cooling at " << p.calibration_rate * 60 << " K/min): target Tg = "
      << p.glass_transition << " K, model Tg = " << c.model_tg << " K (" << c.evaluations
      << " coolings)\n";
    s << "  Relaxation time prefactor tau0 = " << c.tau0 << " s; tau(Tg, x_eq(Tg)) = "
      << q.tau(p.glass_transition, p.x_eq(p.glass_transition)) << " s\n";
    if (!p.structural_spectrum.single())
      s << "  Relaxation spectrum: KWW, beta = " << p.stretching_exponent << " (shear "
        << p.shear_beta() << "), " << p.structural_spectrum.size()
        << " Prony terms; mean relaxation time <a> tau(Tg) = "
        << mean_relaxation_time(p) * q.tau(p.glass_transition, p.x_eq(p.glass_transition)) << " s\n";
    if (c.eta0 > 0)
      s << "  Viscosity prefactor eta0 = " << c.eta0 << " Pa s"
        << (p.eta0_from_maxwell ? " (Maxwell: G(Tg) tau0)" : " (given)")
        << "; eta(Tg, x_eq(Tg)) = " << c.eta0 * std::exp(q.log_mobility(p.glass_transition,
                                                                     p.x_eq(p.glass_transition)))
        << " Pa s\n";
    return s.str();
  }
} // namespace bmgfe
