#include <bmgfe/linear_algebra/elasticity_multigrid.h>
#include <bmgfe/linear_algebra/projected_cg.h>

#include <deal.II/base/mpi.h>
#include <deal.II/lac/lapack_full_matrix.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <type_traits>

namespace bmgfe
{
  namespace linear_algebra
  {
    using namespace dealii;

    namespace
    {
      /// Minimal-norm least-squares solution of G c = g for the small symmetric positive
      /// semi-definite Gram matrix G of the guess space, by SVD: the differences of
      /// solutions may be nearly dependent, so singular values below 1e-12 of the largest
      /// are dropped instead of inverted.
      std::vector<double> solve_gram_system(const std::vector<std::vector<double>> &G,
                                            const std::vector<double>              &g)
      {
        const unsigned int       k = g.size();
        LAPACKFullMatrix<double> matrix(k, k);
        for (unsigned int i = 0; i < k; ++i)
          for (unsigned int j = 0; j < k; ++j)
            matrix(i, j) = G[i][j];
        matrix.compute_svd();
        const auto &U = matrix.get_svd_u();
        const auto &VT = matrix.get_svd_vt();
        const double largest = matrix.singular_value(0); // LAPACK sorts them descending
        std::vector<double> c(k, 0.0);
        for (unsigned int e = 0; e < k; ++e)
          {
            const double s = matrix.singular_value(e);
            if (!(s > 1e-12 * largest))
              continue;
            double projection = 0;
            for (unsigned int i = 0; i < k; ++i)
              projection += U(i, e) * g[i];
            for (unsigned int i = 0; i < k; ++i)
              c[i] += VT(e, i) * projection / s;
          }
        return c;
      }

      // Fused operations on several vectors: one pass over memory instead of one per vector
      // (and one MPI reduction). They use the local values of owned Trilinos vectors; for
      // PETSc vectors local_values() gives nullptr and the callers fall back to the
      // ordinary one-vector operations.
      inline double *local_values(TrilinosWrappers::MPI::Vector &v) { return v.begin(); }
      inline const double *local_values(const TrilinosWrappers::MPI::Vector &v)
      {
        return v.begin();
      }
      template <typename VectorType>
      double *local_values(VectorType &)
      {
        return nullptr;
      }
      template <typename VectorType>
      const double *local_values(const VectorType &)
      {
        return nullptr;
      }

      constexpr std::size_t chunk = 512; // values per block: the block stays in the L1 cache

      /// out_j = v_j . w for all j.
      template <typename VectorType>
      void multi_dot(const std::vector<VectorType> &v, const VectorType &w, const MPI_Comm comm,
                     std::vector<double> &out)
      {
        out.assign(v.size(), 0.0);
        const double *wp = local_values(w);
        // The path depends on the vector type only, never on local data: a rank that owns no
        // entries (Epetra gives it no storage, so wp is null) must still join the one reduction.
        if constexpr (!std::is_same_v<VectorType, TrilinosWrappers::MPI::Vector>)
          {
            for (std::size_t j = 0; j < v.size(); ++j)
              out[j] = v[j] * w;
            return;
          }
        const std::size_t                  n = w.locally_owned_size();
        std::vector<std::array<double, 4>> sums(v.size(), {{0, 0, 0, 0}});
        for (std::size_t begin = 0; begin < n; begin += chunk)
          {
            const std::size_t end = std::min(n, begin + chunk);
            for (std::size_t j = 0; j < v.size(); ++j)
              {
                const double *vp = local_values(v[j]);
                auto         &s  = sums[j];
                std::size_t   i  = begin;
                for (; i + 4 <= end; i += 4)
                  for (unsigned int l = 0; l < 4; ++l)
                    s[l] += vp[i + l] * wp[i + l];
                for (; i < end; ++i)
                  s[0] += vp[i] * wp[i];
              }
          }
        for (std::size_t j = 0; j < v.size(); ++j)
          out[j] = (sums[j][0] + sums[j][1]) + (sums[j][2] + sums[j][3]);
        MPI_Allreduce(MPI_IN_PLACE, out.data(), static_cast<int>(out.size()), MPI_DOUBLE,
                      MPI_SUM, comm);
      }

      /// x += sum_j c_j v_j.
      template <typename VectorType>
      void multi_add(VectorType &x, const std::vector<VectorType> &v, const std::vector<double> &c)
      {
        double *xp = local_values(x);
        if (xp == nullptr)
          {
            for (std::size_t j = 0; j < v.size(); ++j)
              if (c[j] != 0)
                x.add(c[j], v[j]);
            return;
          }
        const std::size_t n = x.locally_owned_size();
        for (std::size_t begin = 0; begin < n; begin += chunk)
          {
            const std::size_t end = std::min(n, begin + chunk);
            for (std::size_t j = 0; j < v.size(); ++j)
              {
                const double *vp = local_values(v[j]);
                const double  cj = c[j];
                for (std::size_t i = begin; i < end; ++i)
                  xp[i] += cj * vp[i];
              }
          }
      }
    } // namespace

    template <typename LA>
    void ProjectedCG<LA>::reinit(const IndexSet &owned, const MPI_Comm communicator,
                                 const unsigned int history)
    {
      comm           = communicator;
      max_directions = history > 1 ? history - 1 : 0;
      for (Vector *v : {&solution, &residual, &direction, &preconditioned, &product, &last_x, &last_ax})
        v->reinit(owned, comm);
      clear_history();
    }

    template <typename LA>
    void ProjectedCG<LA>::reinit(const Vector &model, const unsigned int history)
    {
      comm           = model.get_mpi_communicator();
      max_directions = history > 1 ? history - 1 : 0;
      for (Vector *v : {&solution, &residual, &direction, &preconditioned, &product, &last_x, &last_ax})
        v->reinit(model);
      clear_history();
    }

    template <typename LA>
    void ProjectedCG<LA>::clear_history()
    {
      d.clear();
      ad.clear();
      gram.clear();
      has_last = false;
    }

    template <typename LA>
    void ProjectedCG<LA>::guess(const typename LA::SparseMatrix &A, const Vector &b)
    {
      if (has_last && !d.empty())
        {
          // r_n = b - A x_n, then the A-orthogonal projection of the error onto span{d_i}.
          residual = b;
          residual -= last_ax;
          std::vector<double> g;
          multi_dot(d, residual, comm, g);
          const auto c = solve_gram_system(gram, g);
          solution     = last_x;
          multi_add(solution, d, c);
        }
      // The true residual of the initial guess (as CG computes it for any guess): the
      // known A x_n and A d_i carry the drift of earlier CG runs, which must not build up.
      A.vmult(residual, solution);
      residual.sadd(-1.0, 1.0, b);
    }

    template <typename LA>
    void ProjectedCG<LA>::record(const Vector &b)
    {
      // A x = b - r for CG's recursively updated residual r.
      product = b;
      product -= residual;
      if (max_directions > 0 && has_last)
        {
          if (d.size() == max_directions)
            {
              // Drop the oldest difference and reuse its storage.
              std::rotate(d.begin(), d.begin() + 1, d.end());
              std::rotate(ad.begin(), ad.begin() + 1, ad.end());
              gram.erase(gram.begin());
              for (auto &row : gram)
                row.erase(row.begin());
            }
          else
            {
              d.emplace_back(solution);
              ad.emplace_back(product);
            }
          Vector &dn  = d.back();
          Vector &adn = ad.back();
          dn          = solution;
          dn -= last_x;
          adn = product;
          adn -= last_ax;
          const std::size_t m = d.size();
          for (auto &row : gram)
            row.push_back(0);
          gram.emplace_back(m, 0.0);
          std::vector<double> row; // d_new . A d_j (= d_j . A d_new, A symmetric)
          multi_dot(ad, dn, comm, row);
          for (std::size_t j = 0; j < m; ++j)
            gram[m - 1][j] = gram[j][m - 1] = row[j];
        }
      last_x.swap(solution);
      last_ax.swap(product);
      has_last = true;
    }

    template <typename LA>
    unsigned int ProjectedCG<LA>::solve(const typename LA::SparseMatrix &A,
                                        const typename LA::AMG &P, Vector &x, const Vector &b,
                                        SolverControl &control)
    {
      // b = 0 has the exact solution 0; a relative stopping rule could never be met.
      if (b.l2_norm() == 0)
        {
          x = 0;
          return 0;
        }
      solution = x;
      guess(A, b);

      double               residual_norm = residual.l2_norm();
      SolverControl::State state         = control.check(0, residual_norm);
      double               rz            = 0;
      for (unsigned int it = 1; state == SolverControl::iterate; ++it)
        {
          P.vmult(preconditioned, residual);
          const double rz_new = residual * preconditioned;
          if (it == 1)
            direction = preconditioned;
          else
            direction.sadd(rz_new / rz, 1.0, preconditioned);
          rz = rz_new;
          A.vmult(product, direction);
          const double alpha = rz / (direction * product);
          solution.add(alpha, direction);
          residual_norm = std::sqrt(std::abs(residual.add_and_dot(-alpha, product, residual)));
          state         = control.check(it, residual_norm);
        }
      if (state != SolverControl::success)
        throw SolverControl::NoConvergence(control.last_step(), control.last_value());

      x = solution;
      // A solve that needed no iteration adds no new direction (its difference lies in the
      // span already); the solution still becomes the new x_n.
      if (control.last_step() == 0 && has_last)
        {
          product = b;
          product -= residual;
          last_x.swap(solution);
          last_ax.swap(product);
        }
      else
        record(b);
      return control.last_step();
    }

    template class ProjectedCG<Trilinos>;
    template class ProjectedCG<PETSc>;
    template class ProjectedCG<MatrixFree>;
  } // namespace linear_algebra
} // namespace bmgfe
