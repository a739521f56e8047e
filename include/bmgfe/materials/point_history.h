#pragma once
// History of one quadrature point (doc/model.md "The material-point update"), kept by the
// mechanics in deal.II's CellDataStorage. Two parts, as step-44's PointHistory:
//
// - CommittedPointState: the state at the end of the last accepted (sub)step. Only commit()
//   writes it during a run; pack()/unpack() carry it through checkpoints and mesh transfer.
// - TrialPointState: the values of the step being solved. ConstitutiveLaw::begin_step()
//   writes the displacement-independent ones (x_n+1 after relaxation, lambda), the mechanics
//   stores the law's PointUpdate at the latest strain iterate. They are not packed (every
//   step recomputes them), and a trial that is not committed (a failed Newton substep, a
//   cutback) leaves the committed state as it was.
//
// MaterialPointState is both: its fields keep their names (the simulator fills g, x and the
// inelastic strain of an initial state through them).
#include <deal.II/base/symmetric_tensor.h>

#include <limits>

namespace bmgfe
{
  /// What a step of the law produces at one strain iterate and what commit() makes the state.
  struct PointUpdate
  {
    dealii::SymmetricTensor<2, 3> strain;           ///< eps_n+1 (total)
    double temperature = std::numeric_limits<double>::quiet_NaN(); ///< T_n+1 of the step
    dealii::SymmetricTensor<2, 3> inelastic_strain; ///< eps_v,n+1 + eps_p,n+1
    dealii::SymmetricTensor<2, 3> plastic_strain_increment; ///< d eps_p
    double free_volume           = 0; ///< x_n+1 (after relaxation and plastic dilatation)
    double free_volume_increment = 0; ///< dx of the plastic dilatation
    double equivalent_plastic_strain_increment = 0; ///< sqrt(2/3 d eps_p : d eps_p)
    double plastic_work = 0; ///< sigma_n+1 : d eps_p [J/m^3]
  };

  /// The state at the end of the last accepted step: everything the mechanics remembers.
  struct CommittedPointState
  {
    double                        g = 0;            ///< heterogeneity field at this point
    dealii::SymmetricTensor<2, 3> inelastic_strain; ///< viscous + plastic strain
    // Free-volume models (viscous, plastic, viscoplastic):
    double                        x = 0;            ///< free volume
    double                        temperature = std::numeric_limits<double>::quiet_NaN(); ///< T_n (NaN before the first step)
    dealii::SymmetricTensor<2, 3> strain;           ///< total strain eps_n
    // Plastic models:
    dealii::SymmetricTensor<2, 3> plastic_strain; ///< eps_p (part of inelastic_strain)
    double equivalent_plastic_strain = 0; ///< sum of sqrt(2/3 d eps_p : d eps_p)
    double plastic_free_volume       = 0; ///< the part of x created by plastic dilatation
    double nonlocal_free_volume      = 0; ///< xbar at the end of the last step
    /// sigma : d eps_p / dt of the last time step [W/m^3] (summed over the substeps by
    /// commit(), divided by the step length by the mechanics at the end of the step).
    double plastic_power = 0;
  };

  /// Values of the step being solved (not packed).
  struct TrialPointState
  {
    double x_trial           = 0; ///< x_n+1 after the structural relaxation of the step
    double lambda            = 0; ///< relaxation exponent of the step
    double temperature_begin = 0; ///< T at the start of the time step (substeps interpolate)
    PointUpdate update;           ///< the law at the latest strain iterate
  };

  struct MaterialPointState : CommittedPointState, TrialPointState
  {
    static constexpr unsigned int n_packed = 1 + 6 + 1 + 1 + 6 + 6 + 4;
    /// The committed state (n_packed doubles).
    void pack(double *out) const;
    /// Restores the committed state; the trial starts from it (x_trial = x, lambda = 0).
    void unpack(const double *in);
    /// The trial update becomes the committed state (x_trial follows x).
    void commit();
  };

  /// step-44's name for the same thing.
  using PointHistory = MaterialPointState;

  /// Temperature of a substep at a point: T_begin + fraction (T_field - T_begin), T_field at
  /// the end of the time step (fraction 1: T_field itself, bit for bit).
  inline double substep_temperature(const MaterialPointState &d, const double T_field,
                                    const double fraction)
  {
    return fraction == 1 ? T_field : d.temperature_begin + fraction * (T_field - d.temperature_begin);
  }
} // namespace bmgfe
