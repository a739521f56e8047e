#pragma once
// Stress-driven creation of free volume (Spaepen 1977), optional and off by default
// (doc/model.md "Stress-driven free-volume creation (optional)"). A pure function of one
// material point: no mesh, no deal.II types.
//
// Spaepen, Acta Metall. 25 (1977) 407, in the form of Huang, Suo, Prevost & Nix, J. Mech.
// Phys. Solids 50 (2002) 1011: an atom of volume Omega jumping, under a shear stress tau, into
// a neighbouring hole smaller than v* squeezes its neighbours and creates free volume. The
// creation part of Spaepen's net rate is
//
//   dv_f/dt|_create = f exp(-dG_m/kT) exp(-alpha v*/v_f) (alpha v*/v_f) (2kT/S)
//                     [cosh(tau Omega/(2kT)) - 1],
//
// S = E/(3(1 - nu)) = 2G(1 + nu)/(3(1 - nu)). With the reduced free volume of free_volume.h,
// x = v_f/(alpha v*) (its exp(1/x) is Spaepen's exp(alpha v*/v_f)), dividing by alpha v*:
//
//   dx/dt|_create = f exp(-dG_m/kT) exp(-1/x) 2kT/(alpha v* S x) [cosh(tau Omega/(2kT)) - 1]  (C.1)
//
// tau = sqrt(s:s/2) (the equivalent shear stress, sigma_vM/sqrt(3)). Spaepen's annihilation
// term is not added: the structural relaxation of free_volume.h plays that part. The rate is
// even in tau, zero at tau = 0 and grows monotonically with |tau|.
//
// Time integration (integrate): T linear in time over the step, tau and S constant; the ODE
// (C.1) alone by the classical Runge-Kutta method with step doubling: each sub-step is taken
// once with h and twice with h/2, the difference estimates the local error, the accepted
// value is the Richardson extrapolation x_h/2 + (x_h/2 - x_h)/15 (fifth order), and h adapts
// to keep the estimate below `tolerance` x. The rate grows with x (d ln rate/dx =
// (1 - x)/x^2 > 0 for x < 1), so the ODE is not stiff and an explicit method is stable.
// A glass far below Tg, where the rate is negligible, takes one sub-step per step.
namespace dealii
{
  class ParameterHandler;
}

namespace bmgfe
{
  /// Boltzmann constant in J/K (exact in the SI; boltzmann_eV of free_volume.h is k/e rounded
  /// to 10 digits).
  constexpr double boltzmann_J = 1.380649e-23;
  /// Elementary charge [C]: 1 eV in J.
  constexpr double electron_volt = 1.602176634e-19;

  struct FreeVolumeCreationParameters
  {
    // ---- physics (Material/Free volume/Creation); doc/model.md has the sources
    bool   enabled           = false;     ///< 'Enabled': add (C.1) to the free-volume update
    double attempt_frequency = 1e13;      ///< f [1/s]
    double migration_energy  = 1.2483;    ///< dG_m [eV] (0.2e-18 J)
    double atomic_volume     = 20e-30;    ///< Omega [m^3] (the entry is in Angstrom^3)
    double critical_volume   = 0.8;       ///< v*/Omega
    double overlap_factor    = 0.15;      ///< alpha

    // ---- numerics of integrate() (not in the parameter file)
    double       tolerance    = 1e-12;  ///< local error per sub-step, relative to x
    unsigned int max_rejections = 100000; ///< rejected sub-steps; beyond, every one is accepted

    /// v* [m^3].
    double critical_volume_m3() const { return critical_volume * atomic_volume; }
    /// S = E/(3(1 - nu)) [Pa], Spaepen's modulus of the squeezed neighbourhood.
    static double squeeze_modulus(const double youngs_modulus, const double poisson_ratio)
    {
      return youngs_modulus / (3 * (1 - poisson_ratio));
    }

    /// dx/dt of (C.1) at temperature T [K], reduced free volume x, equivalent shear stress
    /// tau_eq [Pa] (its sign does not matter) and S [Pa]. Exactly 0 for tau_eq = 0 or x <= 0;
    /// evaluated through its logarithm, so that it neither overflows nor gives 0 * inf at
    /// low temperature.
    double rate(double T, double x, double tau_eq, double S) const;

    /// x at the end of a step of length dt from x0, with (C.1) alone, T linear from T_old to
    /// T_new, tau_eq and S constant (see the top of this file). Returns x0 itself when the
    /// rate is zero (tau_eq = 0, dt <= 0). Requires x0 > 0 and positive temperatures.
    double integrate(double x0, double T_old, double T_new, double tau_eq, double S,
                     double dt) const;

    /// Entries of "Material/Free volume/Creation". Call it with the handler at the top level
    /// (FreeVolumeParameters::declare_parameters does).
    static void declare_parameters(dealii::ParameterHandler &prm);
    /// Reads and checks the entries (the handler at the top level).
    void parse_parameters(dealii::ParameterHandler &prm);
    /// Throws InputError naming the entry when a value is out of range.
    void check() const;
  };
} // namespace bmgfe
