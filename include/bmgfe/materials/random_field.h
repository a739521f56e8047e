#pragma once
// Stationary Gaussian random field g(X) of zero mean and unit variance (doc/model.md §6),
// as a random-Fourier-feature sum
//     g(X) = sqrt(2/M) sum_m cos(omega_m . X + phi_m),
// with omega_m drawn from the spectral density of the covariance and phi_m uniform in
// [0, 2 pi). It depends on the coordinates and the seed only: the same on every mesh and
// on any number of MPI ranks (nothing is drawn per cell or per rank).
//
// The field lives in 3D. 2D models see a slice: planar (x, y) -> (x, y, 0); axisymmetric
// (r, z) -> (r, 0, z), i.e. the r-z half-plane of the 3D field, so an axisymmetric model and
// a 3D model of the same rod see the same g on that half-plane.
#include <array>
#include <cstdint>
#include <string>
#include <vector>

namespace bmgfe
{
  class RandomField
  {
  public:
    enum class Covariance
    {
      squared_exponential, ///< C(r) = exp(-r^2 / (2 l^2))
      matern32             ///< C(r) = (1 + sqrt(3) r / l) exp(-sqrt(3) r / l)
    };

    RandomField() = default;
    RandomField(Covariance covariance, double correlation_length, unsigned int n_modes,
                std::uint64_t seed);

    /// g at a point of 3D space.
    double value(const std::array<double, 3> &x) const;

    /// Covariance C(r) of the model (for estimators and tests).
    double covariance(double distance) const;

    Covariance   covariance_type() const { return type; }
    double       correlation_length() const { return length; }
    unsigned int n_modes() const { return static_cast<unsigned int>(phase.size()); }

    static Covariance  parse_covariance(const std::string &name);
    static std::string to_string(Covariance c);

  private:
    Covariance                         type   = Covariance::squared_exponential;
    double                             length = 1;
    std::vector<std::array<double, 3>> frequency;
    std::vector<double>                phase;
    double                             amplitude = 0;
  };

} // namespace bmgfe
