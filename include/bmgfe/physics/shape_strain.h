#pragma once
// Element-matrix kernels for vector-valued shape functions phi_i = N_i e_c.
//
// The symmetric gradient of such a shape function has one nonzero row and column (those of its
// component c), plus the hoop strain N/r for the radial component of axisymmetric models. The
// element matrices of the mechanics need, per quadrature point and pair (i, j),
// eps(phi_i) : C : eps(phi_j). With SymmetricTensor algebra that is a 36-term product for
// C : eps(phi_j) and a 9-term one for each pair; using the structure instead it is three
// products per pair after 18 per column. These are pure functions of the shape data (no mesh),
// unit-tested against the SymmetricTensor formulas (tests/unit/shape_strain_test.cc).

#include <array>
#include <cstddef>
#include <vector>

namespace bmgfe
{
  namespace shape_strain
  {
    /// One vector shape function at one point: its component c, its gradient (zero-padded to
    /// 3 entries in 2D) and the hoop term N/r (axisymmetric models, c = 0; otherwise 0).
    struct ShapeData
    {
      unsigned int          component = 0;
      std::array<double, 3> grad{{0, 0, 0}};
      double                hoop = 0;
    };

    /// eps(phi) as a full symmetric 3x3 array.
    inline std::array<std::array<double, 3>, 3> strain(const ShapeData &s)
    {
      std::array<std::array<double, 3>, 3> e{};
      const unsigned int c = s.component;
      for (unsigned int k = 0; k < 3; ++k)
        if (k == c)
          e[c][c] = s.grad[c];
        else
          e[c][k] = e[k][c] = 0.5 * s.grad[k];
      e[2][2] += s.hoop;
      return e;
    }

    /// eps(phi) : X for a symmetric X (full 3x3 array): X[c] . grad + X[2][2] hoop.
    inline double strain_work(const ShapeData &s, const std::array<std::array<double, 3>, 3> &X)
    {
      const auto &row = X[s.component];
      return row[0] * s.grad[0] + row[1] * s.grad[1] + row[2] * s.grad[2] + X[2][2] * s.hoop;
    }

    /// eps(phi) : eps(phi).
    inline double strain_norm_square(const ShapeData &s)
    {
      double sum = 0;
      for (unsigned int k = 0; k < 3; ++k)
        sum += (k == s.component ? 1.0 : 0.5) * s.grad[k] * s.grad[k];
      // e[2][2] = hoop (+ grad[2] for c = 2).
      return sum + s.hoop * s.hoop + (s.component == 2 ? 2 * s.grad[2] * s.hoop : 0.0);
    }

    /// A fourth-order tangent with the minor symmetries (C_abcd = C_bacd = C_abdc; not
    /// necessarily the major one: non-associated flow) as a plain array.
    using Tangent = std::array<std::array<std::array<std::array<double, 3>, 3>, 3>, 3>;

    /// The columns of an element matrix at one quadrature point: for every shape function j
    /// the rows of X_j = C : eps(phi_j) that eps(phi_i) : X_j reads, i.e. X_j[c] (3 entries)
    /// for every component c and X_j[2][2] (hoop). Stored as plane c, then j, then 4 values,
    /// so that the pair loop reads contiguous memory.
    class ColumnBlock
    {
    public:
      explicit ColumnBlock(const unsigned int n_shape_functions = 0)
        : n(n_shape_functions)
        , values(3 * 4 * n_shape_functions, 0.0)
      {}

      /// X_j = C : eps(phi_j) = sum_k C[.][.][c][k] grad_k + C[.][.][2][2] hoop (minor symmetry).
      void set_tangent(const unsigned int j, const Tangent &C, const ShapeData &s)
      {
        const unsigned int c = s.component;
        std::array<std::array<double, 3>, 3> X{};
        for (unsigned int a = 0; a < 3; ++a)
          for (unsigned int b = a; b < 3; ++b)
            {
              const auto &Cab = C[a][b];
              X[a][b] = Cab[c][0] * s.grad[0] + Cab[c][1] * s.grad[1] + Cab[c][2] * s.grad[2] +
                        Cab[2][2] * s.hoop;
              X[b][a] = X[a][b];
            }
        store(j, X);
      }

      /// X_j = lambda tr(eps(phi_j)) 1 + 2 mu eps(phi_j) (isotropic stiffness).
      void set_isotropic(const unsigned int j, const double lambda, const double mu,
                         const ShapeData &s)
      {
        auto X = strain(s);
        const double trace_term = lambda * (s.grad[s.component] + s.hoop);
        for (unsigned int a = 0; a < 3; ++a)
          {
            for (unsigned int b = 0; b < 3; ++b)
              X[a][b] *= 2 * mu;
            X[a][a] += trace_term;
          }
        store(j, X);
      }

      /// block(i, j) += w eps(phi_i) : X_j for every i and j (only j <= i with lower_only;
      /// the block's rows are contiguous, row i starting at block + i * row_stride).
      void add_to(const std::vector<ShapeData> &shapes, const double w, double *block,
                  const std::size_t row_stride, const bool lower_only) const
      {
        for (unsigned int i = 0; i < n; ++i)
          {
            const ShapeData &s  = shapes[i];
            const double     g0 = w * s.grad[0], g1 = w * s.grad[1], g2 = w * s.grad[2];
            const double     h  = w * s.hoop;
            const double    *x  = &values[4 * n * s.component];
            double          *row = block + i * row_stride;
            const unsigned int end = lower_only ? i + 1 : n;
            if (h == 0)
              for (unsigned int j = 0; j < end; ++j, x += 4)
                row[j] += x[0] * g0 + x[1] * g1 + x[2] * g2;
            else
              for (unsigned int j = 0; j < end; ++j, x += 4)
                row[j] += x[0] * g0 + x[1] * g1 + x[2] * g2 + x[3] * h;
          }
      }

    private:
      void store(const unsigned int j, const std::array<std::array<double, 3>, 3> &X)
      {
        for (unsigned int c = 0; c < 3; ++c)
          {
            double *x = &values[4 * (n * c + j)];
            x[0]      = X[c][0];
            x[1]      = X[c][1];
            x[2]      = X[c][2];
            x[3]      = X[2][2];
          }
      }

      unsigned int        n;
      std::vector<double> values;
    };
  } // namespace shape_strain
} // namespace bmgfe
