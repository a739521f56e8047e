#pragma once
// 0-D glass transition of the free-volume model (doc/model.md §2) and the calibration of
// tau0 (and eta0) to a measured Tg.
//
// Cooling: start in the equilibrium liquid at T_start, where the liquid lags behind x_eq by
// less than 1e-3 K (<a> tau_eq(T_start) |q| = 1e-3 K, <a> = sum w_i a_i the mean relaxation
// time of the modes), and cool at the constant rate q with
// FreeVolumeParameters::update in steps of `temperature_step` until the glass has frozen:
// T is at least `glass_line_offset` = 40 K below T_f and the slope s = dT_f/dT over the
// last step is below `frozen_glass_slope` = 1e-5 (or T reaches T0 + 1 K).
// Tg is the intersection of the glass line (the tangent of T_f(T) there) with the liquid
// line T_f = T:  Tg = (T_f,end - s T_end)/(1 - s),
// i.e. Moynihan's limiting fictive temperature T_f' of the glass made at that rate (the
// glass line of the enthalpy, H_l(T_f') + c_p,g (T - T_f'), is the horizontal line
// T_f = T_f' in the T_f-T plane). The glass must really be frozen: with Q = 2.5 eV it still
// relaxes noticeably 40 K below T_f at 20 K/min (s ~ 0.04 there), so a tangent taken too
// early would move Tg by about a kelvin.
//
// With a relaxation spectrum the modes are carried through the cooling (all at x_eq at the
// start).
//
// Calibration: Tg grows monotonically with tau0 (a slower liquid falls out of equilibrium
// earlier); ln tau0 is found by a bracketed secant (Illinois) iteration, starting from the
// estimate <a> tau_eq(Tg) = (Tg - T0)^2 / (B q) (the liquid freezes where its relaxation time
// equals the time to cool by the temperature over which ln tau_eq changes by 1).
#include <bmgfe/materials/free_volume.h>

#include <string>

namespace bmgfe
{
  /// The glass line is taken at least this far [K] below T_f, where dT_f/dT is below
  /// frozen_glass_slope (see above).
  constexpr double glass_line_offset  = 40;
  constexpr double frozen_glass_slope = 1e-5;

  struct CoolingResult
  {
    double       glass_transition = 0;   ///< Tg [K]: glass line meets T_f = T
    double       frozen_fictive_temperature = 0; ///< T_f at the end of the cooling [K]
    double       glass_slope = 0;        ///< dT_f/dT of the glass line at the end
    double       start_temperature = 0;  ///< K
    double       end_temperature = 0;    ///< K
    unsigned int steps = 0;
  };

  /// Mean relaxation time of the structural modes in units of tau: sum_i w_i a_i (1 for the
  /// single time; Gamma(1/beta)/beta for an exact KWW function).
  double mean_relaxation_time(const FreeVolumeParameters &p);

  /// Cool the 0-D model at `rate` [K/s, positive] in steps of `temperature_step` [K] and find
  /// its Tg. Uses p.tau0 as it is.
  CoolingResult cool_through_glass_transition(const FreeVolumeParameters &p, double rate,
                                              double temperature_step = 0.5);

  struct TgCalibration
  {
    double       tau0 = 0;        ///< s
    double       eta0 = 0;        ///< Pa s (0 when no shear modulus was given)
    double       model_tg = 0;    ///< Tg of the model with tau0 [K]
    unsigned int evaluations = 0; ///< coolings computed
  };

  /// tau0 such that the model's Tg on cooling at `rate` [K/s] equals `target_tg` within
  /// `tolerance` [K]. Throws InputError when the target is not above T0.
  TgCalibration calibrate_tau0(const FreeVolumeParameters &p, double target_tg, double rate,
                               double tolerance = 1e-3);

  /// The calibration of the parameter file: tau0 for p.glass_transition at
  /// p.calibration_rate, and eta0 = p.viscosity_prefactor(G(Tg)) with that tau0 (the
  /// Maxwell relation eta0 = G(Tg) tau0 unless eta0 was given). This is what a command
  /// such as `bmgfe --calibrate-tg FILE.prm` prints and sets.
  TgCalibration calibrate_prefactors(const FreeVolumeParameters &p,
                                     double shear_modulus_at_tg);

  /// Human-readable summary of a calibration (several lines).
  std::string calibration_summary(const FreeVolumeParameters &p, const TgCalibration &c);
} // namespace bmgfe
