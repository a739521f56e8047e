#pragma once
// Free volume and structural relaxation (doc/model.md §2) and the structural eigenstrain
// (doc/model.md §3), as pure functions of one material point: no mesh, no deal.II types.
//
//   x_eq(T)  = (T - T0) / B,              B = D* T0                       (2.1)
//   T_f(x)   = T0 + B x                                                  (2.2)
//   dx/dt    = -(x - x_eq(T)) / tau(T, x)        (+ the plastic dilatation of §4)
//   tau(T,x) = tau0 m(T, x),  m(T, x) = exp(1/x) exp[(Q/k_B)(1/T - 1/T_f(x))]   (2.3)
//   eps_s    = (zeta/3)(x - x_ref) I,     zeta = 3 B dalpha                (3.2)
//
// m(T, x) is the mobility factor shared with the viscosity eta = eta0 m(T, x) (section 3).
//
// Time integration (FreeVolumeParameters::update, see doc/model.md "Free volume and viscous
// flow"): T is linear in time over a step. In every sub-step the rate r = 1/tau is replaced
// by the trapezoidal mean of its values at the start and at the (unknown) end state, and the
// resulting linear ODE with x_eq linear in time is solved exactly:
//   x_b = x_eq,b + (x_a - x_eq,a) e^{-z} - (x_eq,b - x_eq,a) phi1(z),
//   z = h (r(T_a, x_a) + r(T_b, x_b)) / 2,  phi1(z) = (1 - e^{-z}) / z.
// x_b is a convex combination of x_a, x_eq,a and x_eq,b for every z >= 0, so the update is
// unconditionally stable and cannot overshoot; the scalar equation for x_b is solved by
// Newton's method safeguarded by bisection. Sub-steps are chosen adaptively so that ln(tau)
// changes by at most `max_log_tau_change` per sub-step while the point is mobile (frozen
// points take the whole step at once). Exact for constant T and constant tau.
//
// Relaxation spectrum (doc/model.md "Relaxation spectrum"): x = sum_i w_i x_i with modes
//   dx_i/dt = -(x_i - x_eq(T)) / (a_i tau(T, x)),
// tau at the TOTAL x (the same nonlinearity, shift function and reduced time z = int dt/tau);
// (w_i, a_i) the Prony fit of exp(-xi^beta) (relaxation_spectrum.h). In a sub-step every
// mode takes the exponential step above with z_i = z / a_i, and the scalar equation stays one
// equation in x_b = sum_i w_i x_i,b. One mode (w = a = 1) is the single relaxation time,
// with the same arithmetic bit for bit.
//
// Stress-driven creation (Spaepen; free_volume_creation.h, off by default): the `creation`
// member holds its parameters; ConstitutiveLaw::begin_step adds it after update().
#include <bmgfe/materials/free_volume_creation.h>
#include <bmgfe/materials/relaxation_spectrum.h>

#include <string>
#include <cmath>
#include <vector>

namespace dealii
{
  class ParameterHandler;
}

namespace bmgfe
{
  /// Boltzmann constant in eV/K (Q is given in eV).
  constexpr double boltzmann_eV = 8.617333262e-5;

  /// Result of one free-volume update.
  struct FreeVolumeStep
  {
    double       x = 0;            ///< free volume at the end of the step
    double       reduced_time = 0; ///< int dt / tau over the step (trapezoidal per sub-step)
    unsigned int substeps = 0;     ///< accepted sub-steps
    std::vector<double> modes;     ///< x_i at the end of the step (x = sum w_i x_i)
  };

  struct FreeVolumeParameters
  {
    // ---- physics (Material/Free volume); Vit1 defaults, doc/model.md §7
    double vogel_temperature   = 412.5; ///< T0 [K]
    double fragility           = 22.7;  ///< D* (B = D* T0)
    double activation_energy   = 2.5;   ///< Q [eV] (isostructural, sub-Tg ageing)
    double glass_transition    = 623;   ///< Tg [K] at the calibration rate (DSC)
    double calibration_rate    = 20.0 / 60; ///< cooling rate of the Tg definition [K/s]
    double tau0                = 0;     ///< relaxation-time prefactor [s]
    bool   tau0_calibrated     = true;  ///< tau0 came from the Tg calibration
    double eta0                = 0;     ///< viscosity prefactor [Pa s] (if !eta0_from_maxwell)
    bool   eta0_from_maxwell   = true;  ///< eta0 = G(Tg) tau0 (see viscosity_prefactor)
    double excess_expansion    = 2e-5;  ///< dalpha = alpha_l - alpha_g [1/K]
    double reference_fictive_temperature = 623; ///< T_f of x_ref (eps_s = 0) [K]
    double initial_fictive_temperature   = 623; ///< T_f of the initial state [K]
    /// A previous run's output to take the initial x (and viscous strain) from; empty: none.
    std::string initial_state;
    bool        initial_state_with_viscous_strain = true;
    /// 'Initial state geometry = axisymmetric': the snapshot is an r-z section of a rod.
    bool        initial_state_from_axisymmetric = false;
    /// Verification only: when not empty, an expression of T [K] and t [s] giving the
    /// Maxwell rate G/eta [1/s] that replaces the law in the coupled mechanics (the
    /// relaxation exponent of a step is its trapezoidal integral). Empty: the law.
    std::string maxwell_rate_override;

    // ---- relaxation spectrum (doc/model.md "Relaxation spectrum")
    bool         kww_spectrum        = false; ///< 'Relaxation spectrum = KWW' (false: single)
    double       stretching_exponent = 0.5;   ///< beta of the structural relaxation
    /// beta_G of the shear stress relaxation; 0: the structural beta.
    double       shear_stretching_exponent = 0;
    unsigned int prony_terms         = 28;    ///< N (KWW only)
    double       prony_decade_min    = -7;    ///< log10 of the shortest a_i
    double       prony_decade_max    = 2;     ///< log10 of the longest a_i
    /// (w_i, a_i) of the structural relaxation: N = 1 (w = a = 1) unless set_spectra() made
    /// the KWW fit.
    RelaxationSpectrum structural_spectrum;
    /// (g_i, b_i) of the shear relaxation modulus G sum g_i exp(-xi_G / b_i).
    RelaxationSpectrum shear_spectrum;

    // ---- stress-driven creation (Material/Free volume/Creation; off by default)
    FreeVolumeCreationParameters creation;

    /// Fits both spectra from the entries above (single: one term each).
    void set_spectra();
    /// beta_G as used (the structural beta when 'Shear stretching exponent = structural').
    double shear_beta() const
    {
      return shear_stretching_exponent > 0 ? shear_stretching_exponent : stretching_exponent;
    }
    /// x = sum_i w_i x_i of the structural modes.
    double total_free_volume(const std::vector<double> &modes) const;

    // ---- numerics of update() (not in the parameter file)
    double       max_log_tau_change = 0.1;   ///< per sub-step, while mobile
    double       frozen_exponent    = 1e-8;  ///< h/tau below this: no sub-stepping needed
    unsigned int max_substeps       = 200000;
    double       newton_tolerance   = 1e-14; ///< on x (absolute)

    /// Smallest x the update produces: there tau = tau0 e^{1000...} is infinite in double
    /// precision, so the relaxation has stopped long before (T_f = T0 + B x_min).
    static constexpr double x_min = 1e-3;

    double B() const { return fragility * vogel_temperature; }
    double Q_over_k() const { return activation_energy / boltzmann_eV; }
    /// zeta = 3 B dalpha: x -> volumetric strain (doc/model.md §3).
    double zeta() const { return 3 * B() * excess_expansion; }

    double x_eq(double T) const { return (T - vogel_temperature) / B(); }
    double fictive_temperature(double x) const { return vogel_temperature + B() * x; }
    double x_of_fictive_temperature(double Tf) const { return (Tf - vogel_temperature) / B(); }
    double x_ref() const { return x_of_fictive_temperature(reference_fictive_temperature); }
    double x_initial() const { return x_of_fictive_temperature(initial_fictive_temperature); }

    /// ln m(T, x) = 1/x + (Q/k)(1/T - 1/T_f(x)): the mobility factor shared by tau and eta.
    double log_mobility(double T, double x) const;
    double log_tau(double T, double x) const;
    /// tau(T, x) [s] (may be +inf in double precision deep in the glass).
    double tau(double T, double x) const;
    /// d ln tau / dx at fixed T (negative: more free volume relaxes faster).
    double dlog_tau_dx(double T, double x) const;

    /// Isotropic structural strain (zeta/3)(x - x_ref) (multiply by I).
    double structural_strain(double x) const { return zeta() / 3 * (x - x_ref()); }

    /// Viscosity prefactor: eta0 if given, otherwise the Maxwell relation eta0 = G tau0 with
    /// the shear modulus at Tg (relaxation of stress and of structure share the mobility and,
    /// at the calibration, the relaxation time).
    double viscosity_prefactor(double shear_modulus_at_Tg) const
    {
      return eta0_from_maxwell ? shear_modulus_at_Tg * tau0 : eta0;
    }

    /// Advance x over [t_n, t_n + dt] with T linear from T_old to T_new (see the top of this
    /// file), every mode starting at x_old. Requires x_old > 0, T > 0, dt >= 0 and a
    /// positive tau0.
    FreeVolumeStep update(double x_old, double T_old, double T_new, double dt) const;
    /// The same from the modes x_i (one per term of structural_spectrum; their total must be
    /// positive).
    FreeVolumeStep update(const std::vector<double> &modes_old, double T_old, double T_new,
                          double dt) const;
    /// The same into `result` (its modes keep their storage; modes_old must not be
    /// result.modes).
    void update(const std::vector<double> &modes_old, double T_old, double T_new, double dt,
                FreeVolumeStep &result) const;

    /// One sub-step with a given trapezoidal exponent z (exposed for tests):
    /// x_eq,b + (x_a - x_eq,a) e^{-z} - (x_eq,b - x_eq,a) phi1(z).
    static double exponential_step(double x_a, double xeq_a, double xeq_b, double z);

    /// Entries of "Material/Free volume" (with its subsection "Creation"). Declared inside
    /// "Material"; call it with the handler at the top level.
    static void declare_parameters(dealii::ParameterHandler &prm);
    /// Reads and checks the entries; "Relaxation time prefactor = calibrate" runs the Tg
    /// calibration (tg_calibration.h) here, which takes a few milliseconds.
    void parse_parameters(dealii::ParameterHandler &prm);
    /// Throws InputError naming the entry when a value is out of range.
    void check() const;
  };

  /// e^{-z} for z >= 0 without glibc's slow underflow path: exp(-z) is exactly 0 in double
  /// precision beyond z = 745.2 (the fast relaxation modes and branches reach z ~ 1e4 per step).
  /// Below z = 1e-5 (the slow modes and branches of a glass far below Tg, i.e. most points in
  /// most steps) a cubic Taylor polynomial, exact to z^4/24 < 5e-22 relative.
  inline double exp_minus(const double z)
  {
    if (z >= 0 && z < 1e-5)
      return 1 - z * (1 - z * (0.5 - z * (1.0 / 6)));
    return z < 746 ? std::exp(-z) : 0.0;
  }

  /// phi1(z) = (1 - e^{-z}) / z, phi1(0) = 1, accurate for small z.
  double phi1(double z);
} // namespace bmgfe
