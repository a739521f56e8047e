#include <bmgfe/geometry/rod_axis.h>

#include <deal.II/base/exceptions.h>

#include <cmath>

namespace bmgfe
{
  using namespace dealii;

  namespace
  {
    // The helpers normalise the direction themselves: a hand-made RodAxis with a scaled
    // direction still gives distances and unit vectors.
    Tensor<1, 3> unit(const Tensor<1, 3> &direction)
    {
      Assert(direction.norm() > 0, ExcMessage("RodAxis::direction is the zero vector"));
      return direction / direction.norm();
    }
  } // namespace

  template <int dim>
  Point<3> RodAxis::to_model_3d(const Point<dim> &x)
  {
    Point<3> p;
    for (unsigned int d = 0; d < dim; ++d)
      p[d] = x[d];
    return p;
  }

  template <int dim>
  double RodAxis::radial_distance(const Point<dim> &x) const
  {
    const Tensor<1, 3> e = unit(direction);
    const Tensor<1, 3> v = to_model_3d(x) - point;
    return (v - (v * e) * e).norm();
  }

  template <int dim>
  double RodAxis::axial_coordinate(const Point<dim> &x) const
  {
    return (to_model_3d(x) - point) * unit(direction);
  }

  template <int dim>
  CylindricalBasis RodAxis::cylindrical_basis(const Point<dim> &x) const
  {
    CylindricalBasis   b;
    b.e_z                   = unit(direction);
    const Tensor<1, 3> v      = to_model_3d(x) - point;
    Tensor<1, 3>       radial = v - (v * b.e_z) * b.e_z;
    if (!(radial.norm() > 1e-12 * (radius + v.norm())))
      {
        // On the axis: the coordinate unit vector least aligned with the axis.
        unsigned int least = 0;
        for (unsigned int i = 1; i < 3; ++i)
          if (std::abs(b.e_z[i]) < std::abs(b.e_z[least]))
            least = i;
        const Tensor<1, 3> t = Point<3>::unit_vector(least);
        radial               = t - (t * b.e_z) * b.e_z;
      }
    b.e_r     = radial / radial.norm();
    b.e_theta = cross_product_3d(b.e_z, b.e_r);
    return b;
  }

  SymmetricTensor<2, 3> CylindricalBasis::cartesian(const double rr, const double tt, const double zz,
                                                    const double rz) const
  {
    SymmetricTensor<2, 3> t;
    for (unsigned int i = 0; i < 3; ++i)
      for (unsigned int j = i; j < 3; ++j)
        t[i][j] = rr * e_r[i] * e_r[j] + tt * e_theta[i] * e_theta[j] + zz * e_z[i] * e_z[j] +
                  rz * (e_r[i] * e_z[j] + e_z[i] * e_r[j]);
    return t;
  }

  template Point<3> RodAxis::to_model_3d(const Point<2> &);
  template Point<3> RodAxis::to_model_3d(const Point<3> &);
  template double   RodAxis::radial_distance(const Point<2> &) const;
  template double   RodAxis::radial_distance(const Point<3> &) const;
  template double   RodAxis::axial_coordinate(const Point<2> &) const;
  template double   RodAxis::axial_coordinate(const Point<3> &) const;
  template CylindricalBasis RodAxis::cylindrical_basis(const Point<2> &) const;
  template CylindricalBasis RodAxis::cylindrical_basis(const Point<3> &) const;
} // namespace bmgfe
