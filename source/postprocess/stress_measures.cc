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
    const auto e = dealii::eigenvalues(s); // descending
    return {{e[0], e[1], e[2]}};
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
    auto e = dealii::eigenvectors(s); // descending eigenvalues
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
    Tensor<1, 3> d;
    for (unsigned int i = 0; i < 3; ++i)
      d[i] = x[i] - point[i];
    return (d - (d * direction) * direction).norm();
  }

  std::array<Tensor<1, 3>, 3> CylindricalFrame::basis(const std::array<double, 3> &x) const
  {
    std::array<Tensor<1, 3>, 3> b;
    if (kinematics == Kinematics::axisymmetric)
      {
        // (r, z, theta) model components: e_r = (1,0,0), e_theta = (0,0,1), e_z = (0,1,0).
        b[0][0] = 1;
        b[1][2] = 1;
        b[2][1] = 1;
        return b;
      }
    Tensor<1, 3> d;
    for (unsigned int i = 0; i < 3; ++i)
      d[i] = x[i] - point[i];
    Tensor<1, 3> radial = d - (d * direction) * direction;
    if (radial.norm() <= 1e-12 * (d.norm() + 1e-300))
      {
        // On the axis: the model's x axis projected onto the plane normal to the axis (or y
        // if the axis is along x).
        Tensor<1, 3> ex;
        ex[0] = 1;
        if (std::abs(direction * ex) > 0.9)
          ex = Tensor<1, 3>({0., 1., 0.});
        radial = ex - (ex * direction) * direction;
      }
    b[0] = radial / radial.norm();
    b[2] = direction;
    b[1] = cross_product_3d(b[2], b[0]); // e_theta = e_z x e_r: (e_r, e_theta, e_z) right-handed
    return b;
  }

  std::array<double, 4> CylindricalFrame::components(const SymmetricTensor<2, 3> &s,
                                                     const std::array<double, 3> &x) const
  {
    if (kinematics == Kinematics::axisymmetric)
      return {{s[0][0], s[2][2], s[1][1], s[0][1]}};
    const auto b  = basis(x);
    const auto at = [&](const Tensor<1, 3> &u, const Tensor<1, 3> &v) {
      double sum = 0;
      for (unsigned int i = 0; i < 3; ++i)
        for (unsigned int j = 0; j < 3; ++j)
          sum += u[i] * s[i][j] * v[j];
      return sum;
    };
    return {{at(b[0], b[0]), at(b[1], b[1]), at(b[2], b[2]), at(b[0], b[2])}};
  }

  CylindricalFrame z_axis_frame(const Kinematics k)
  {
    CylindricalFrame f;
    f.kinematics   = k;
    f.direction[2] = 1;
    return f;
  }
} // namespace bmgfe
