#include <bmgfe/postprocess/stress_measures.h>

#include <cmath>

namespace bmgfe
{
  using dealii::SymmetricTensor;
  using dealii::Tensor;

  double von_mises(const SymmetricTensor<2, 3> &s)
  {
    const auto d = dealii::deviator(s);
    return std::sqrt(1.5 * (d * d));
  }

  double mean_stress(const SymmetricTensor<2, 3> &s)
  {
    return dealii::trace(s) / 3.0;
  }

  double triaxiality(const SymmetricTensor<2, 3> &s)
  {
    const double eq = von_mises(s);
    return eq > 1e-12 * std::sqrt(s * s) ? mean_stress(s) / eq : 0.0;
  }

  std::array<double, 3> principal_stresses(const SymmetricTensor<2, 3> &s)
  {
    // Jacobi rotations: eigenvalues to round-off of |s| even when two coincide (the closed-form
    // cubic solution of dealii::eigenvalues loses half the digits there, ~1e-8 |s|: 0.6 Pa of
    // spurious principal-stress spread and 2.6e-8 of Lode parameter in uniaxial compression).
    const auto e = dealii::eigenvectors(s, dealii::SymmetricTensorEigenvectorMethod::jacobi); // descending
    return {{e[0].first, e[1].first, e[2].first}};
  }

  double lode_parameter(const SymmetricTensor<2, 3> &s)
  {
    const auto   p     = principal_stresses(s);
    const double range = p[0] - p[2];
    // An isotropic tensor (range at round-off of its size) has no Lode parameter.
    if (!(range > 1e-12 * std::sqrt(s * s)))
      return 0;
    return (2 * p[1] - p[0] - p[2]) / range;
  }

  std::array<std::pair<double, Tensor<1, 3>>, 3> principal_directions(const SymmetricTensor<2, 3> &s)
  {
    auto e = dealii::eigenvectors(s, dealii::SymmetricTensorEigenvectorMethod::jacobi); // descending
    std::array<std::pair<double, Tensor<1, 3>>, 3> result;
    for (unsigned int i = 0; i < 3; ++i)
      {
        Tensor<1, 3> v       = e[i].second;
        unsigned int largest = 0;
        for (unsigned int d = 1; d < 3; ++d)
          if (std::abs(v[d]) > std::abs(v[largest]))
            largest = d;
        if (v[largest] < 0)
          v *= -1;
        result[i] = {e[i].first, v};
      }
    return result;
  }

  double CylindricalFrame::radial_distance(const std::array<double, 3> &x) const
  {
    if (kinematics == Kinematics::axisymmetric)
      return std::abs(x[0]);
    return axis.radial_distance(dealii::Point<3>(x[0], x[1], x[2]));
  }

  std::array<double, 4> CylindricalFrame::components(const SymmetricTensor<2, 3> &s,
                                                     const std::array<double, 3> &x) const
  {
    if (kinematics == Kinematics::axisymmetric)
      return {{s[0][0], s[2][2], s[1][1], s[0][1]}};
    const CylindricalBasis b  = axis.cylindrical_basis(dealii::Point<3>(x[0], x[1], x[2]));
    const auto             at = [&](const Tensor<1, 3> &u, const Tensor<1, 3> &v) {
      double sum = 0;
      for (unsigned int i = 0; i < 3; ++i)
        for (unsigned int j = 0; j < 3; ++j)
          sum += u[i] * s[i][j] * v[j];
      return sum;
    };
    return {{at(b.e_r, b.e_r), at(b.e_theta, b.e_theta), at(b.e_z, b.e_z), at(b.e_r, b.e_z)}};
  }

  CylindricalFrame axisymmetric_frame()
  {
    CylindricalFrame f;
    f.kinematics          = Kinematics::axisymmetric;
    f.axis.direction[1]   = 1;
    return f;
  }
} // namespace bmgfe
