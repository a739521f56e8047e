#pragma once
// Closed-form solutions used for verification (doc/model.md §8), mesh-free.
#include <vector>

namespace bmgfe
{
  /// Long solid cylinder of radius R, initially at uniform T0, cooled through a Robin
  /// boundary (Bi = h R / k) by an environment at constant T_env:
  ///   theta/theta0 = sum_n C_n J0(zeta_n r/R) exp(-zeta_n^2 Fo),  Fo = a t / R^2,
  ///   zeta J1(zeta) = Bi J0(zeta),  C_n = (2/zeta_n) J1(zeta_n) / (J0(zeta_n)^2 + J1(zeta_n)^2).
  class CylinderRobinCooling
  {
  public:
    explicit CylinderRobinCooling(double biot, unsigned int n_terms = 200);

    /// theta/theta0 at relative radius rho = r/R in [0, 1] and Fourier number Fo.
    double theta(double rho, double fourier) const;

    const std::vector<double> &eigenvalues() const { return zeta; }
    double                     biot() const { return Bi; }

  private:
    double              Bi;
    std::vector<double> zeta, coefficient;
  };
} // namespace bmgfe
