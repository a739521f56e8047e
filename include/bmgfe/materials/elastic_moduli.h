#pragma once
// Isotropic elastic moduli from Young's modulus E and Poisson's ratio nu (doc/model.md §3):
//   K = E / (3 (1 - 2 nu)),  G = mu = E / (2 (1 + nu)),  lambda = E nu / ((1 + nu)(1 - 2 nu)).
// The one place where these conversions are written; no deal.II types.

namespace bmgfe
{
  /// K = E / (3 (1 - 2 nu)) [Pa].
  inline double bulk_modulus(const double E, const double nu) { return E / (3 * (1 - 2 * nu)); }

  /// G = E / (2 (1 + nu)) [Pa].
  inline double shear_modulus(const double E, const double nu) { return E / (2 * (1 + nu)); }

  /// The Lame pair (lambda, mu) of an isotropic stiffness C = lambda 1 x 1 + 2 mu I.
  struct LamePair
  {
    double lambda = 0;
    double mu     = 0;
  };

  /// (lambda, mu) from E and nu, lambda = E nu / ((1 + nu)(1 - 2 nu)).
  inline LamePair lame_pair(const double E, const double nu)
  {
    return {E * nu / ((1 + nu) * (1 - 2 * nu)), shear_modulus(E, nu)};
  }

  /// (lambda, mu) of K 1 x 1 + 2 mu P_dev: lambda = K - 2 mu / 3 (e.g. the Maxwell tangent
  /// with mu = G phi1, doc/model.md "Coupling to the mechanics").
  inline LamePair lame_pair_from_bulk(const double K, const double mu) { return {K - 2 * mu / 3, mu}; }
} // namespace bmgfe
