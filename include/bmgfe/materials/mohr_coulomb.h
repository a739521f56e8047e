#pragma once
// Rate-independent, free-volume-dependent Mohr-Coulomb plasticity at one material point
// (doc/model.md §4): the implicit (backward-Euler) return mapping in principal stresses
// and its consistent tangent. No mesh, no MPI. doc/model.md, "Mohr-Coulomb return mapping",
// has the derivation.
//
//   f(sigma) = (s1 - s3) + (s1 + s3) sin(phi) - 2 c cos(phi) <= 0,  s1 >= s2 >= s3
//              (tension positive), c = c(xbar), mu = tan(phi) = mu(xbar)
//   g(sigma) = (s1 - s3) + (s1 + s3) sin(psi)         plastic potential (non-associated)
//   sin(psi) = beta0 max(0, 1 - x/x_ss)               dilatancy stops at x_ss
//   x_n+1    = x_n + tr(d eps_p)/zeta                 plastic dilatation is free volume
//
// Time discretisation: backward Euler in everything: c, phi and psi are evaluated at the end
// of the step, c(xbar_n + w dx), phi(xbar_n + w dx) (w: MohrCoulombControl, 1 by default),
// psi(x_n + dx), with dx = tr(d eps_p)/zeta the free volume created in the step. Two free
// volumes enter: the strength uses the value the caller chooses (the regularised, nonlocal
// xbar_n of the start of the step) plus w dx, the dilatancy and the returned x_n+1 use the
// point's own x_n + dx.
// With the implicit dilatancy, dx follows in closed form from the sum Gamma of the plastic
// multipliers: dx = (x_ss - x_n) k / (1 + k), k = 2 beta0 Gamma / (zeta x_ss), so x never
// passes x_ss and every plane/edge return is one scalar equation in Gamma.
//
// Regions (de Souza Neto, Peric & Owen, Computational Methods for Plasticity, ch. 8): the
// main plane (s1, s3), the right edge (s2 = s3, main plane + the (s1, s2) plane), the left
// edge (s1 = s2, main plane + the (s2, s3) plane) and the apex (all six planes,
// sigma = c cot(phi) 1). The main plane is tried first; when the returned principal
// stresses leave the ordering s1 >= s2 >= s3 the edge on the violated side is tried, then
// the other edge, then the apex; a region is accepted only when its multipliers are
// non-negative and the ordering holds (the complete Kuhn-Tucker conditions).
//
// Operator split with the viscous (Maxwell) update (viscous_flow.h): the caller forms the trial
// stress with the viscous relaxation of the step already applied and passes the effective
// shear modulus G_eff = G phi1(lambda) of that update. The plastic strain increment is part
// of the strain increment the Maxwell integrator sees, so the corrector is
// sigma = sigma_trial - C(K, G_eff) : d eps_p and, because d sigma_trial/d eps = C(K, G_eff)
// for the Maxwell predictor (viscous_flow.h), the returned tangent
// d sigma/d sigma_trial : C(K, G_eff) is the consistent tangent d sigma_n+1/d eps_n+1 of
// the combined update. With lambda = 0 (G_eff = G) it is plain elastoplasticity.
//
// The tangent has the minor symmetries but not the major one (non-associated flow, and
// softening through the volumetric plastic strain): a global Newton with it needs a
// nonsymmetric Krylov solver. The structural eigenstrain (zeta/3)(x - x_ref) of the caller
// must not count the plastic dx again: that volume is already tr(d eps_p).
#include <deal.II/base/symmetric_tensor.h>

#include <array>

namespace bmgfe
{
  struct MohrCoulombStrength;

  /// Plastic flow data: the dilatancy law sin(psi) = beta0 max(0, 1 - x/x_ss) and the
  /// conversion zeta between free volume and volumetric strain (doc/model.md §3, §4).
  struct MohrCoulombFlow
  {
    /// beta0: sin(psi) of a glass with x << x_ss. An estimate (the model specification gives no value):
    /// the dilatancy of metallic glasses is small (order 0.1); sin(psi) <= 0.1 stays below
    /// sin(phi) = 0.104 of Vit1, so the flow is non-associated (psi < phi) for every x.
    double dilatancy_factor = 0.1;
    /// x_ss: free volume of a steady-state shear band, where dilatancy stops. An estimate:
    /// 0.05 is the equilibrium free volume of Vit1 at 881 K (T_f = T0 + B x_ss), a band as
    /// loose as the liquid 260 K above Tg.
    double steady_state_free_volume = 0.05;
    /// zeta = 3 B dalpha: tr(d eps_p) = zeta dx. Default: FreeVolumeParameters defaults
    /// (set it from FreeVolumeParameters::zeta()).
    double zeta = 3 * 22.7 * 412.5 * 2e-5;

    /// sin(psi) = beta0 max(0, 1 - x/x_ss).
    double sin_dilatancy(double x) const;
    /// Throws InputError when a value is out of range.
    void check() const;
  };

  /// Numerical controls of the local Newton iterations.
  struct MohrCoulombControl
  {
    /// Convergence when |r| <= tolerance * (|s_hi| + |s_lo| + 2 c cos(phi)) (plane, edges)
    /// or |r| <= tolerance * (|p_trial| + c cot(phi)) (apex); a final Newton correction is
    /// applied after that, so the result is at round-off.
    double       tolerance          = 1e-14;
    unsigned int max_iterations     = 100; ///< per region, bracket search included
    /// Relative slack of the Kuhn-Tucker checks (ordering, multipliers >= 0) so that a
    /// trial on a region boundary is not rejected by both neighbours through round-off.
    double       region_tolerance   = 1e-12;
    /// Weight w of the step's own free-volume increment in the strength: c and phi at
    /// strength_free_volume + w dx. 1 (default): implicit softening, the right choice for a
    /// local model; a staggered nonlocal model passes its lagged x-hat_n and (1 - m) + m w of
    /// its parameters, which is 0 or negative (doc/model.md, "Regularisation").
    double       strength_increment_weight = 1;
  };

  enum class MohrCoulombRegion
  {
    elastic,
    main_plane,
    right_edge, ///< s2 = s3 (the triaxial-extension/uniaxial-tension meridian)
    left_edge,  ///< s1 = s2 (the triaxial-compression/uniaxial-compression meridian)
    apex
  };

  /// Result of one return mapping. On failure (converged == false) stress = trial stress,
  /// tangent = elastic, no plastic strain and x unchanged: never NaN, the caller cuts back.
  struct MohrCoulombReturn
  {
    dealii::SymmetricTensor<2, 3> stress;   ///< sigma_n+1 [Pa]
    dealii::SymmetricTensor<4, 3> tangent;  ///< d sigma_n+1 / d eps (consistent, not major-symmetric) [Pa]
    dealii::SymmetricTensor<2, 3> plastic_strain_increment; ///< d eps_p = C^-1 : (sigma_tr - sigma)
    /// Multipliers of the main plane and of the second plane of an edge; plane: {Gamma, 0};
    /// apex: the six multipliers are not unique, {Gamma, 0} with Gamma their sum.
    std::array<double, 2> plastic_multipliers{{0, 0}};
    double plastic_multiplier_sum = 0; ///< Gamma
    double volumetric_plastic_strain = 0; ///< tr(d eps_p) = zeta dx
    double free_volume_increment   = 0; ///< dx = tr(d eps_p)/zeta
    double free_volume             = 0; ///< x_n+1 = x_n + dx (the point's own x)
    double strength_free_volume    = 0; ///< xbar_n + w dx (where c, phi were evaluated)
    double cohesion                = 0; ///< c(xbar_n + w dx) [Pa]
    double friction_angle          = 0; ///< phi(xbar_n + w dx) [rad]
    double sin_dilatancy           = 0; ///< sin psi(x_n + dx)
    /// d x_n+1 / d eps (w times it is d(xbar_n + w dx)/d eps): zero when elastic.
    dealii::SymmetricTensor<2, 3> free_volume_tangent;
    MohrCoulombRegion region     = MohrCoulombRegion::elastic;
    unsigned int      iterations = 0; ///< residual evaluations of the local Newton, all regions tried
    bool              converged  = true;
  };

  namespace mohr_coulomb
  {
    /// f = (s1 - s3) + (s1 + s3) sin(phi) - 2 c cos(phi) for the largest and smallest
    /// principal stresses s1 >= s3.
    double yield_function(double s1, double s3, double cohesion, double friction_angle);
    /// The same for a stress tensor (principal stresses by Jacobi's method).
    double yield_function(const dealii::SymmetricTensor<2, 3> &stress, double cohesion,
                          double friction_angle);

    /// sigma = K tr(eps) 1 + 2 G dev(eps): the trial stress of an elastic trial strain.
    dealii::SymmetricTensor<2, 3> elastic_stress(const dealii::SymmetricTensor<2, 3> &strain,
                                                 double bulk_modulus, double shear_modulus);
    /// C = K 1 x 1 + 2 G P_dev.
    dealii::SymmetricTensor<4, 3> elastic_tangent(double bulk_modulus, double shear_modulus);

    /// Backward-Euler return mapping of one point. `trial_stress`: sigma_trial (elastic or
    /// viscously relaxed, see the top of this file); `bulk_modulus` K > 0 and
    /// `shear_modulus` G (or G_eff) > 0 of the predictor; `free_volume`: the point's x_n
    /// (dilatancy, returned x_n+1); `strength_free_volume`: the value at which the caller
    /// wants c and phi at the start of the step (xbar_n; pass x_n for a local model): c and
    /// phi are evaluated at strength_free_volume + w dx (w: control). Throws
    /// std::invalid_argument for non-positive moduli or x, or a non-finite
    /// strength_free_volume; returns converged = false when no solution is found (e.g. beyond
    /// the apex with the dilatancy exhausted: see doc/model.md).
    MohrCoulombReturn return_map(const dealii::SymmetricTensor<2, 3> &trial_stress,
                                 double bulk_modulus, double shear_modulus, double free_volume,
                                 double strength_free_volume,
                                 const MohrCoulombStrength &strength,
                                 const MohrCoulombFlow     &flow,
                                 const MohrCoulombControl  &control = MohrCoulombControl());

    /// "elastic", "main plane", "right edge", "left edge", "apex".
    const char *region_name(MohrCoulombRegion region);
  } // namespace mohr_coulomb
} // namespace bmgfe
