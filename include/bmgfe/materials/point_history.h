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
//
// Relaxation spectrum (doc/model.md "Relaxation spectrum"): with more than one structural
// mode the committed state also holds the modes x_i (x = sum w_i x_i stays the total), with
// more than one shear branch the branch viscous strains eps_v,i (eps_v = inelastic_strain -
// plastic_strain stays the total, sum g_i eps_v,i). Empty vectors (a single time, or a state
// set from the totals only, e.g. from an older run's output) mean: every mode at x, every
// branch at eps_v.
#include <deal.II/base/symmetric_tensor.h>

#include <limits>
#include <string>
#include <vector>

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
    /// x_i,n+1 of the structural modes (relaxation spectrum; empty for a single time).
    std::vector<double> free_volume_modes;
    /// eps_v,i,n+1 of the shear branches (relaxation spectrum; empty for a single element).
    std::vector<dealii::SymmetricTensor<2, 3>> branch_viscous_strains;
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
    // Relaxation spectrum (see the top of this file); empty: every mode/branch at the total.
    std::vector<double>                        free_volume_modes;      ///< x_i
    std::vector<dealii::SymmetricTensor<2, 3>> branch_viscous_strains; ///< eps_v,i
  };

  /// Values of the step being solved (not packed).
  struct TrialPointState
  {
    double x_trial           = 0; ///< x_n+1 after the structural relaxation of the step
    /// Its modes x_i,n+1 (relaxation spectrum; empty for a single time).
    std::vector<double> x_modes_trial;
    /// Relaxation exponent of the step in units of the KWW time (not capped; the branches
    /// cap lambda / b_i, viscous_flow::branch_exponent).
    double lambda            = 0;
    double temperature_begin = 0; ///< T at the start of the time step (substeps interpolate)
    PointUpdate update;           ///< the law at the latest strain iterate
  };

  struct MaterialPointState : CommittedPointState, TrialPointState
  {
    /// Doubles of the fixed part of pack(): g, eps_in, x, T_n, eps_n, eps_p, p, x_p, x-bar and
    /// the numbers of modes and branches.
    static constexpr unsigned int n_packed_fixed = 1 + 6 + 1 + 1 + 6 + 6 + 3 + 2;
    /// Doubles that pack() writes: n_packed_fixed + N_modes + 6 N_branches.
    unsigned int n_packed() const
    {
      return n_packed_fixed + free_volume_modes.size() + 6 * branch_viscous_strains.size();
    }
    /// The committed state (n_packed() doubles).
    void pack(double *out) const;
    /// Restores the committed state (the numbers of modes and branches are in the data); the
    /// trial starts from it (x_trial = x, lambda = 0).
    void unpack(const double *in);
    /// The trial update becomes the committed state (x_trial follows x).
    void commit();
  };

  /// Names of the restart fields of the material-point state in a snapshot (written by the
  /// mechanics' state_field, read by core/initial_state): x, the inelastic strain
  /// (eps_v + eps_p), and with a relaxation spectrum the modes x_i and the branches'
  /// inelastic strains eps_v,i + eps_p (the same convention as the total: a later run reads
  /// them as viscous strains).
  namespace state_field_names
  {
    inline std::string free_volume() { return "qp_free_volume"; }
    inline std::string viscous_strain(const std::string &suffix) { return "qp_viscous_strain_" + suffix; }
    inline std::string free_volume_mode(const unsigned int i)
    {
      return "qp_free_volume_mode_" + std::to_string(i);
    }
    inline std::string branch_viscous_strain(const unsigned int i, const std::string &suffix)
    {
      return "qp_viscous_strain_branch_" + std::to_string(i) + "_" + suffix;
    }
    // Plastic models: the plastic part of the inelastic strain, its equivalent (accumulated)
    // value and the free volume the plastic dilatation created, so that a run read from a
    // deformed body (e.g. an anneal after compression) knows what was plastic.
    inline std::string plastic_strain(const std::string &suffix) { return "qp_plastic_strain_" + suffix; }
    inline std::string equivalent_plastic_strain() { return "qp_equivalent_plastic_strain"; }
    inline std::string plastic_free_volume() { return "qp_plastic_free_volume"; }
  } // namespace state_field_names

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
