// The element-matrix kernels of include/bmgfe/physics/shape_strain.h against the
// SymmetricTensor formulas they replace: eps(phi_i) : C : eps(phi_j) for random shape data
// (3D, plane 2D, axisymmetric with the hoop term), a random tangent with the minor symmetries
// only (non-associated flow), and the isotropic stiffness; the lower-triangle variant; the
// shape-function strain, its work against a symmetric tensor and its squared norm.
#include <bmgfe/physics/shape_strain.h>

#include <deal.II/base/symmetric_tensor.h>

#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <vector>

namespace
{
  using namespace bmgfe::shape_strain;
  using dealii::SymmetricTensor;

  SymmetricTensor<2, 3> as_tensor(const std::array<std::array<double, 3>, 3> &e)
  {
    SymmetricTensor<2, 3> t;
    for (unsigned int a = 0; a < 3; ++a)
      for (unsigned int b = a; b < 3; ++b)
        t[a][b] = e[a][b];
    return t;
  }

  /// eps(phi) written out entry by entry from its definition (independent of strain()).
  SymmetricTensor<2, 3> reference_strain(const ShapeData &s, const unsigned int dim)
  {
    SymmetricTensor<2, 3> e;
    const unsigned int     c = s.component;
    for (unsigned int k = 0; k < dim; ++k)
      e[c][k] = (k == c) ? s.grad[k] : 0.5 * s.grad[k];
    e[2][2] += s.hoop;
    return e;
  }

  struct Case
  {
    unsigned int dim;
    bool         axisymmetric;
  };

  std::vector<ShapeData> random_shapes(const Case &c, std::mt19937 &rng)
  {
    std::uniform_real_distribution<double> u(-3, 3);
    const unsigned int                     per_component = c.dim == 3 ? 8 : 9;
    std::vector<ShapeData>                 shapes;
    for (unsigned int k = 0; k < per_component; ++k)
      for (unsigned int comp = 0; comp < c.dim; ++comp)
        {
          ShapeData s;
          s.component = comp;
          for (unsigned int d = 0; d < c.dim; ++d)
            s.grad[d] = u(rng);
          if (c.axisymmetric && comp == 0)
            s.hoop = u(rng);
          shapes.push_back(s);
        }
    return shapes;
  }

  /// A tangent with the minor symmetries and no major symmetry.
  SymmetricTensor<4, 3> random_tangent(std::mt19937 &rng)
  {
    std::uniform_real_distribution<double> u(-1, 1);
    SymmetricTensor<4, 3>                  C;
    for (unsigned int a = 0; a < 3; ++a)
      for (unsigned int b = a; b < 3; ++b)
        for (unsigned int c = 0; c < 3; ++c)
          for (unsigned int d = c; d < 3; ++d)
            C[a][b][c][d] = 1e9 * u(rng);
    return C;
  }

  Tangent as_array(const SymmetricTensor<4, 3> &C)
  {
    Tangent T{};
    for (unsigned int a = 0; a < 3; ++a)
      for (unsigned int b = 0; b < 3; ++b)
        for (unsigned int c = 0; c < 3; ++c)
          for (unsigned int d = 0; d < 3; ++d)
            T[a][b][c][d] = C[a][b][c][d];
    return T;
  }

  const std::vector<Case> cases{{3, false}, {2, false}, {2, true}};
} // namespace

TEST(ShapeStrain, StrainWorkAndNormMatchTheTensorFormulas)
{
  std::mt19937 rng(7);
  for (const auto &c : cases)
    for (const ShapeData &s : random_shapes(c, rng))
      {
        const SymmetricTensor<2, 3> e = reference_strain(s, c.dim);
        EXPECT_LT((as_tensor(strain(s)) - e).norm(), 1e-14 * e.norm());
        // A dense symmetric X (every entry nonzero).
        std::uniform_real_distribution<double> u(-2, 2);
        SymmetricTensor<2, 3>                  X;
        for (unsigned int a = 0; a < 3; ++a)
          for (unsigned int b = a; b < 3; ++b)
            X[a][b] = u(rng);
        std::array<std::array<double, 3>, 3> x{};
        for (unsigned int a = 0; a < 3; ++a)
          for (unsigned int b = 0; b < 3; ++b)
            x[a][b] = X[a][b];
        EXPECT_NEAR(strain_work(s, x), e * X, 1e-13 * e.norm() * X.norm());
        EXPECT_NEAR(strain_norm_square(s), e * e, 1e-13 * (e * e));
      }
}

TEST(ShapeStrain, TangentBlockMatchesTheTensorContraction)
{
  std::mt19937 rng(11);
  for (const auto &c : cases)
    for (unsigned int trial = 0; trial < 20; ++trial)
      {
        const auto                  shapes = random_shapes(c, rng);
        const unsigned int          n      = shapes.size();
        const SymmetricTensor<4, 3> C      = random_tangent(rng);
        const double                w      = 0.37;
        ColumnBlock                 columns(n);
        for (unsigned int j = 0; j < n; ++j)
          columns.set_tangent(j, as_array(C), shapes[j]);
        std::vector<double> block(n * n, 0.0);
        columns.add_to(shapes, w, block.data(), n, false);
        double largest = 0, error = 0;
        for (unsigned int i = 0; i < n; ++i)
          for (unsigned int j = 0; j < n; ++j)
            {
              const double expected =
                (reference_strain(shapes[i], c.dim) * (C * reference_strain(shapes[j], c.dim))) * w;
              largest = std::max(largest, std::abs(expected));
              error   = std::max(error, std::abs(block[i * n + j] - expected));
            }
        EXPECT_LT(error, 1e-14 * largest) << "dim " << c.dim << " axisymmetric " << c.axisymmetric;
        // Without the major symmetry the block is not symmetric: the test tells i from j.
        double asymmetry = 0;
        for (unsigned int i = 0; i < n; ++i)
          for (unsigned int j = 0; j < n; ++j)
            asymmetry = std::max(asymmetry, std::abs(block[i * n + j] - block[j * n + i]));
        EXPECT_GT(asymmetry, 1e-3 * largest);
      }
}

TEST(ShapeStrain, IsotropicBlockAndLowerTriangle)
{
  std::mt19937 rng(13);
  const double lambda = 7.1e10, mu = 3.5e10;
  for (const auto &c : cases)
    {
      const auto         shapes = random_shapes(c, rng);
      const unsigned int n      = shapes.size();
      ColumnBlock        columns(n);
      for (unsigned int j = 0; j < n; ++j)
        columns.set_isotropic(j, lambda, mu, shapes[j]);
      std::vector<double> full(n * n, 0.0), lower(n * n, 0.0);
      columns.add_to(shapes, 2.0, full.data(), n, false);
      columns.add_to(shapes, 2.0, lower.data(), n, true);
      double largest = 0, error = 0, asymmetry = 0;
      for (unsigned int i = 0; i < n; ++i)
        for (unsigned int j = 0; j < n; ++j)
          {
            const SymmetricTensor<2, 3> ei = reference_strain(shapes[i], c.dim),
                                        ej = reference_strain(shapes[j], c.dim);
            const double expected = (lambda * trace(ei) * trace(ej) + 2 * mu * (ei * ej)) * 2.0;
            largest               = std::max(largest, std::abs(expected));
            error                 = std::max(error, std::abs(full[i * n + j] - expected));
            asymmetry = std::max(asymmetry, std::abs(full[i * n + j] - full[j * n + i]));
            if (j <= i)
              EXPECT_EQ(lower[i * n + j], full[i * n + j]);
            else
              EXPECT_EQ(lower[i * n + j], 0.0) << "upper triangle written";
          }
      EXPECT_LT(error, 1e-14 * largest) << "dim " << c.dim << " axisymmetric " << c.axisymmetric;
      EXPECT_LT(asymmetry, 1e-14 * largest);
    }
}
