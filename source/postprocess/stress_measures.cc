#include <bmgfe/postprocess/stress_measures.h>

#include <cmath>

namespace bmgfe
{
  using dealii::SymmetricTensor;

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
    const auto e = dealii::eigenvalues(s); // descending
    return {{e[0], e[1], e[2]}};
  }

  std::array<double, 4> cylindrical_components(const SymmetricTensor<2, 3> &s, const double x,
                                               const double y, const Kinematics k)
  {
    if (k == Kinematics::axisymmetric)
      return {{s[0][0], s[2][2], s[1][1], s[0][1]}};
    const double r = std::hypot(x, y);
    const double c = r > 0 ? x / r : 1.0, sn = r > 0 ? y / r : 0.0;
    const double rr = c * c * s[0][0] + 2 * c * sn * s[0][1] + sn * sn * s[1][1];
    const double tt = sn * sn * s[0][0] - 2 * c * sn * s[0][1] + c * c * s[1][1];
    const double rz = c * s[0][2] + sn * s[1][2];
    return {{rr, tt, s[2][2], rz}};
  }
} // namespace bmgfe
