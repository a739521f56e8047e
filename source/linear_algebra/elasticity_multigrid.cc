#include <bmgfe/linear_algebra/elasticity_amg.h>
#include <bmgfe/linear_algebra/elasticity_multigrid.h>

#include <deal.II/base/exceptions.h>
#include <deal.II/base/quadrature_lib.h>
#include <deal.II/base/table.h>
#include <deal.II/base/vectorization.h>
#include <deal.II/dofs/dof_tools.h>
#include <deal.II/fe/fe_dgq.h>
#include <deal.II/fe/fe_system.h>
#include <deal.II/lac/diagonal_matrix.h>
#include <deal.II/lac/precondition.h>
#include <deal.II/lac/trilinos_sparse_matrix.h>
#include <deal.II/lac/trilinos_sparsity_pattern.h>
#include <deal.II/matrix_free/fe_evaluation.h>
#include <deal.II/matrix_free/matrix_free.h>
#include <deal.II/matrix_free/operators.h>
#include <deal.II/matrix_free/tools.h>
#include <deal.II/multigrid/mg_base.h>
#include <deal.II/multigrid/mg_constrained_dofs.h>
#include <deal.II/multigrid/mg_matrix.h>
#include <deal.II/multigrid/mg_smoother.h>
#include <deal.II/multigrid/mg_tools.h>
#include <deal.II/multigrid/mg_transfer_matrix_free.h>
#include <deal.II/multigrid/multigrid.h>

#include <algorithm>
#include <limits>

namespace bmgfe
{
  namespace linear_algebra
  {
    using namespace dealii;

    namespace
    {
      using VectorType = LinearAlgebra::distributed::Vector<double>;
      using VA         = VectorizedArray<double>;

      /// A MatrixFree operator assembled once into dim x dim blocks, one per pair of nodes
      /// (support points) that share a cell, of which the upper triangle is stored (the
      /// operator is symmetric: a product reads each off-diagonal block once for both its
      /// rows, 1.4x faster than the full blocks), rows and columns in the local numbering of the
      /// MatrixFree vectors (owned, then ghosts; node k holds the entries dim k ... dim k +
      /// dim - 1). The locally owned cells' matrices are summed as the cell loop sums their
      /// products (ghost rows are sent by compress), constrained DoFs have neither row nor
      /// column (MatrixFreeOperators::Base adds their identity). A product reads dim^2 values
      /// and one column index per block, where a CSR matrix reads dim^2 of each, and each
      /// stored block once: measured on a 68 M-entry Q1 pattern, 0.046 s (double) and 0.032 s
      /// (float) per product against 0.094 s for CSR (benchmarks/README.md), and far less work
      /// than the cell loop without SIMD (Debian's deal.II).
      template <int dim, typename Number>
      class NodeBlockMatrix
      {
      public:
        static constexpr unsigned int block_size = dim * dim;

        /// Builds the blocks of `op` (its Lame pair per cell batch and point, the kernel of
        /// ElasticityOperator::quadrature_loop) if its DoFs come in node triples (pairs in 2D)
        /// and `constraints` only hold DoFs at zero (no hanging nodes). Returns false, and
        /// leaves the matrix empty, otherwise: the caller keeps the cell loop.
        template <typename FEEval, typename Operator>
        bool build(const dealii::MatrixFree<dim, double> &mf, const AffineConstraints<double> &constraints,
                   const Operator &op)
        {
          // New coefficients on the same MatrixFree: the pattern stays.
          const bool keep_pattern = !row_start.empty();
          if (!keep_pattern)
            clear();
          const auto        &partitioner = *mf.get_vector_partitioner();
          const std::size_t  n_local     = partitioner.locally_owned_size() + partitioner.n_ghost_indices();
          if (n_local % dim != 0 || n_local / dim >= std::numeric_limits<unsigned int>::max())
            return false;
          const unsigned int n_nodes = n_local / dim;
          const bool         on_level = mf.get_mg_level() != numbers::invalid_unsigned_int;
          const auto        &lexicographic = mf.get_shape_info().lexicographic_numbering;
          const unsigned int dofs_per_cell = lexicographic.size();
          const unsigned int nodes_per_cell = dofs_per_cell / dim;
          std::vector<types::global_dof_index> indices(dofs_per_cell);
          std::vector<unsigned int> local(dofs_per_cell);       // FEEvaluation order -> local index
          std::vector<bool>         free_dof(dofs_per_cell);    // not constrained

          // The local indices of a cell's DoFs in FEEvaluation order (component c of node i
          // at c * nodes_per_cell + i); false if a node's DoFs are not consecutive or a
          // constraint has entries.
          const auto cell_dofs = [&](const unsigned int batch, const unsigned int lane) {
            const auto cell = mf.get_cell_iterator(batch, lane);
            if (on_level)
              cell->get_mg_dof_indices(indices);
            else
              cell->get_dof_indices(indices);
            for (unsigned int j = 0; j < dofs_per_cell; ++j)
              {
                const types::global_dof_index g = indices[lexicographic[j]];
                local[j]    = partitioner.global_to_local(g);
                free_dof[j] = !constraints.is_constrained(g);
                if (!free_dof[j] && !constraints.get_constraint_entries(g)->empty())
                  return false;
              }
            for (unsigned int i = 0; i < nodes_per_cell; ++i)
              {
                if (local[i] % dim != 0)
                  return false;
                for (unsigned int c = 1; c < dim; ++c)
                  if (local[c * nodes_per_cell + i] != local[i] + c)
                    return false;
              }
            return true;
          };

          // Pattern: the nodes of every cell couple.
          if (!keep_pattern)
            {
              std::vector<std::vector<unsigned int>> neighbours(n_nodes);
              for (unsigned int b = 0; b < mf.n_cell_batches(); ++b)
                for (unsigned int l = 0; l < mf.n_active_entries_per_cell_batch(b); ++l)
                  {
                    if (!cell_dofs(b, l))
                      return false;
                    for (unsigned int i = 0; i < nodes_per_cell; ++i)
                      for (unsigned int j = 0; j < nodes_per_cell; ++j)
                        if (local[j] >= local[i]) // upper triangle, diagonal first
                          neighbours[local[i] / dim].push_back(local[j] / dim);
                  }
              row_start.assign(n_nodes + 1, 0);
              for (unsigned int r = 0; r < n_nodes; ++r)
                {
                  auto &v = neighbours[r];
                  std::sort(v.begin(), v.end());
                  v.erase(std::unique(v.begin(), v.end()), v.end());
                  if (row_start[r] + v.size() >= std::numeric_limits<unsigned int>::max())
                    {
                      clear();
                      return false;
                    }
                  row_start[r + 1] = row_start[r] + v.size();
                }
              columns.resize(row_start[n_nodes]);
              for (unsigned int r = 0; r < n_nodes; ++r)
                {
                  std::copy(neighbours[r].begin(), neighbours[r].end(), columns.begin() + row_start[r]);
                  std::vector<unsigned int>().swap(neighbours[r]);
                }
            }
          values.assign(static_cast<std::size_t>(columns.size()) * block_size, Number(0));

          // Values: the cell matrices of the operator's kernel, sigma = lambda tr(eps) I +
          // 2 mu eps tested with eps(phi_i), from the gradients g_a of the scalar shape
          // functions (phi = N_a e_c): block (a, b) = sum_q JxW (lambda g_a (x) g_b +
          // mu g_b (x) g_a + mu (g_a . g_b) I). 4-5x cheaper than the kernel on unit vectors.
          FEEval                         phi(mf);
          const unsigned int             n_q = phi.n_q_points;
          std::vector<Tensor<1, dim, VA>> grads(static_cast<std::size_t>(nodes_per_cell) * n_q);
          std::vector<double>            cell_blocks(static_cast<std::size_t>(nodes_per_cell) * nodes_per_cell *
                                          block_size);
          for (unsigned int b = 0; b < mf.n_cell_batches(); ++b)
            {
              phi.reinit(b);
              for (unsigned int a = 0; a < nodes_per_cell; ++a)
                {
                  for (unsigned int i = 0; i < dofs_per_cell; ++i)
                    phi.begin_dof_values()[i] = VA(i == a ? 1.0 : 0.0); // component 0 of node a
                  phi.evaluate(EvaluationFlags::gradients);
                  for (unsigned int q = 0; q < n_q; ++q)
                    grads[static_cast<std::size_t>(a) * n_q + q] = phi.get_gradient(q)[0];
                }
              for (unsigned int l = 0; l < mf.n_active_entries_per_cell_batch(b); ++l)
                {
                  if (!cell_dofs(b, l)) // only if the constraints changed since the pattern
                    {
                      clear();
                      return false;
                    }
                  std::fill(cell_blocks.begin(), cell_blocks.end(), 0.0);
                  for (unsigned int q = 0; q < n_q; ++q)
                    {
                      const double w  = phi.JxW(q)[l];
                      const double lw = op.lambda(b, q)[l] * w, mw = op.mu(b, q)[l] * w;
                      for (unsigned int i = 0; i < nodes_per_cell; ++i)
                        {
                          double gi[dim];
                          for (unsigned int c = 0; c < dim; ++c)
                            gi[c] = grads[static_cast<std::size_t>(i) * n_q + q][c][l];
                          for (unsigned int j = 0; j < nodes_per_cell; ++j)
                            {
                              double gj[dim], dot = 0;
                              for (unsigned int c = 0; c < dim; ++c)
                                {
                                  gj[c] = grads[static_cast<std::size_t>(j) * n_q + q][c][l];
                                  dot += gi[c] * gj[c];
                                }
                              double *B = cell_blocks.data() + (static_cast<std::size_t>(i) * nodes_per_cell + j) * block_size;
                              for (unsigned int c = 0; c < dim; ++c)
                                {
                                  for (unsigned int d = 0; d < dim; ++d)
                                    B[c * dim + d] += lw * gi[c] * gj[d] + mw * gj[c] * gi[d];
                                  B[c * dim + c] += mw * dot;
                                }
                            }
                        }
                    }
                  for (unsigned int i = 0; i < nodes_per_cell; ++i)
                    {
                      const unsigned int r     = local[i] / dim;
                      const auto         begin = columns.begin() + row_start[r];
                      const auto         end   = columns.begin() + row_start[r + 1];
                      for (unsigned int j = 0; j < nodes_per_cell; ++j)
                        {
                          if (local[j] < local[i]) // the lower triangle is the transpose
                            continue;
                          Number *const B =
                            values.data() +
                            static_cast<std::size_t>(std::lower_bound(begin, end, local[j] / dim) - columns.begin()) *
                              block_size;
                          const double *const C =
                            cell_blocks.data() + (static_cast<std::size_t>(i) * nodes_per_cell + j) * block_size;
                          for (unsigned int c = 0; c < dim; ++c)
                            if (free_dof[c * nodes_per_cell + i])
                              for (unsigned int d = 0; d < dim; ++d)
                                if (free_dof[d * nodes_per_cell + j])
                                  B[c * dim + d] += static_cast<Number>(C[c * dim + d]);
                        }
                    }
                }
            }
          return true;
        }

        bool empty() const { return row_start.empty(); }

        /// d += the diagonal on the owned and ghost entries (compress(add) sends the ghosts).
        void add_diagonal(VectorType &d) const
        {
          double            *y       = d.begin();
          const unsigned int n_nodes = row_start.size() - 1;
          for (unsigned int r = 0; r < n_nodes; ++r)
            {
              const unsigned int p = row_start[r]; // the diagonal block comes first
              for (unsigned int a = 0; a < dim; ++a)
                y[static_cast<std::size_t>(r) * dim + a] +=
                  static_cast<double>(values[static_cast<std::size_t>(p) * block_size + a * dim + a]);
            }
        }

        void clear()
        {
          std::vector<unsigned int>().swap(row_start);
          std::vector<unsigned int>().swap(columns);
          std::vector<Number>().swap(values);
        }

        /// dst += A src on the owned and ghost entries (the caller sends the ghost rows with
        /// compress(add)); src's ghost entries must be current.
        void apply_add(VectorType &dst, const VectorType &src) const
        {
          const double      *x = src.begin();
          double            *y = dst.begin();
          const unsigned int n_nodes = row_start.size() - 1;
          for (unsigned int r = 0; r < n_nodes; ++r)
            {
              const double *xr = x + static_cast<std::size_t>(r) * dim;
              double        s[dim] = {};
              unsigned int  p      = row_start[r];
              // The diagonal block (first in the row).
              {
                const Number *B = values.data() + static_cast<std::size_t>(p) * block_size;
                for (unsigned int a = 0; a < dim; ++a)
                  for (unsigned int c = 0; c < dim; ++c)
                    s[a] += static_cast<double>(B[a * dim + c]) * xr[c];
              }
              // B (r, J) x_J into row r, B(r, J)^T x_r into row J.
              for (++p; p < row_start[r + 1]; ++p)
                {
                  const Number *B  = values.data() + static_cast<std::size_t>(p) * block_size;
                  const double *xc = x + static_cast<std::size_t>(columns[p]) * dim;
                  double       *yc = y + static_cast<std::size_t>(columns[p]) * dim;
                  for (unsigned int a = 0; a < dim; ++a)
                    for (unsigned int c = 0; c < dim; ++c)
                      {
                        const double b = static_cast<double>(B[a * dim + c]);
                        s[a] += b * xc[c];
                        yc[c] += b * xr[a];
                      }
                }
              for (unsigned int a = 0; a < dim; ++a)
                y[static_cast<std::size_t>(r) * dim + a] += s[a];
            }
        }

      private:
        std::vector<unsigned int> row_start; ///< first block of each node row
        std::vector<unsigned int> columns;   ///< node column >= row of each block (sorted per row)
        std::vector<Number>       values;    ///< block_size values per block, row-major
      };

      /// -div(lambda tr(eps) I + 2 mu eps) with the Lame pair per cell batch and point.
      template <int dim, int degree>
      class ElasticityOperator : public MatrixFreeOperators::Base<dim, VectorType>
      {
      public:
        using FEEval = FEEvaluation<dim, degree, degree + 1, dim, double>;

        Table<2, VA> lambda, mu; ///< [cell batch][q]

        /// 'Operator = block-assembled': the operator's blocks, in double (the system operator)
        /// or single precision (the multigrid levels); both empty: the cell loop.
        NodeBlockMatrix<dim, double> blocks;
        NodeBlockMatrix<dim, float>  float_blocks;

        /// Assembles the blocks of the current Lame pair (single precision values if
        /// `single`); keeps the cell loop where NodeBlockMatrix::build() says no.
        void assemble_blocks(const AffineConstraints<double> &constraints, const bool single)
        {
          if (single)
            {
              blocks.clear();
              float_blocks.template build<FEEval>(*this->data, constraints, *this);
            }
          else
            {
              float_blocks.clear();
              blocks.template build<FEEval>(*this->data, constraints, *this);
            }
        }

        bool has_blocks() const { return !blocks.empty() || !float_blocks.empty(); }

        void compute_diagonal() override
        {
          this->inverse_diagonal_entries.reset(new DiagonalMatrix<VectorType>());
          VectorType &d = this->inverse_diagonal_entries->get_vector();
          this->data->initialize_dof_vector(d);
          if (has_blocks()) // the same sums, without another pass of the cell kernel
            {
              if (!blocks.empty())
                blocks.add_diagonal(d);
              else
                float_blocks.add_diagonal(d);
              d.compress(VectorOperation::add);
            }
          else
            MatrixFreeTools::compute_diagonal(*this->data, d, &ElasticityOperator::local_cell, this);
          this->set_constrained_entries_to_one(d);
          for (auto &v : d)
            v = std::abs(v) > 0 ? 1.0 / v : 1.0;
        }

        /// The quadrature-point part of the cell integral on `phi` (evaluated gradients).
        void quadrature_loop(FEEval &phi) const
        {
          const unsigned int cell = phi.get_current_cell_index();
          for (unsigned int q = 0; q < phi.n_q_points; ++q)
            {
              const SymmetricTensor<2, dim, VA> eps = phi.get_symmetric_gradient(q);
              SymmetricTensor<2, dim, VA>       sigma = (2.0 * mu(cell, q)) * eps;
              const VA                          l_tr  = lambda(cell, q) * trace(eps);
              for (unsigned int d = 0; d < dim; ++d)
                sigma[d][d] += l_tr;
              phi.submit_symmetric_gradient(sigma, q);
            }
        }

        void local_cell(FEEval &phi) const
        {
          phi.evaluate(EvaluationFlags::gradients);
          quadrature_loop(phi);
          phi.integrate(EvaluationFlags::gradients);
        }

      private:
        void apply_add(VectorType &dst, const VectorType &src) const override
        {
          if (!has_blocks())
            {
              this->data->cell_loop(&ElasticityOperator::local_apply, this, dst, src);
              return;
            }
          // What cell_loop does around its cells: src's ghosts in, dst's ghost rows out.
          const bool src_had_ghosts = src.has_ghost_elements();
          if (!src_had_ghosts)
            src.update_ghost_values();
          if (dst.has_ghost_elements())
            dst.zero_out_ghost_values();
          if (!blocks.empty())
            blocks.apply_add(dst, src);
          else
            float_blocks.apply_add(dst, src);
          dst.compress(VectorOperation::add);
          if (!src_had_ghosts)
            src.zero_out_ghost_values();
        }

        void local_apply(const dealii::MatrixFree<dim, double> &data, VectorType &dst,
                         const VectorType &src, const std::pair<unsigned int, unsigned int> &range) const
        {
          FEEval phi(data);
          for (unsigned int cell = range.first; cell < range.second; ++cell)
            {
              phi.reinit(cell);
              phi.gather_evaluate(src, EvaluationFlags::gradients);
              quadrature_loop(phi);
              phi.integrate_scatter(EvaluationFlags::gradients, dst);
            }
        }
      };

      /// vmult of a deal.II object as a DistributedOperator.
      template <typename T>
      class Adapter : public DistributedOperator
      {
      public:
        explicit Adapter(const T &t)
          : t(t)
        {}
        void vmult(Vector &dst, const Vector &src) const override { t.vmult(dst, src); }

      private:
        const T &t;
      };

      /// The coarse-level solve: one V-cycle of ML.
      class CoarseAMG : public MGCoarseGridBase<VectorType>
      {
      public:
        TrilinosWrappers::PreconditionAMG amg;
        void operator()(const unsigned int, VectorType &dst, const VectorType &src) const override
        {
          amg.vmult(dst, src);
        }
      };
    } // namespace

    template <int dim>
    struct MatrixFreeElasticity<dim>::Implementation
    {
      virtual ~Implementation() = default;
      virtual void set_coefficients(const std::vector<double> &lambda, const std::vector<double> &mu) = 0;
      virtual const DistributedOperator &system_operator() const = 0;
      virtual const DistributedOperator &preconditioner() const = 0;
      virtual void initialize_dof_vector(Vector &v) const = 0;
      virtual unsigned int n_levels() const = 0;
      virtual bool system_operator_assembled() const = 0;
      virtual unsigned int n_assembled_levels() const = 0;
    };

    namespace
    {
      template <int dim, int degree>
      struct Impl : MatrixFreeElasticity<dim>::Implementation
      {
        using Operator = ElasticityOperator<dim, degree>;
        using Smoother = PreconditionChebyshev<Operator, VectorType, DiagonalMatrix<VectorType>>;
        using Transfer = MGTransferMatrixFree<dim, double>;
        static constexpr unsigned int n_q = Utilities::pow(degree + 1, dim);

        const DoFHandler<dim> *dofs    = nullptr;
        const Mapping<dim>    *mapping = nullptr;
        const AffineConstraints<double> *fine_constraints = nullptr;
        MultigridSettings      settings;
        Kinematics             kinematics = Kinematics::three_dimensional;
        MPI_Comm               comm;

        Operator                 fine;
        std::unique_ptr<Adapter<Operator>> fine_adapter;
        MGConstrainedDoFs        mg_constrained_dofs;
        MGLevelObject<Operator>  levels;
        MGLevelObject<AffineConstraints<double>> level_constraints;
        MGLevelObject<MatrixFreeOperators::MGInterfaceOperator<Operator>> interfaces;
        Transfer                 transfer;
        MGSmootherPrecondition<Operator, Smoother, VectorType> smoother;
        CoarseAMG                coarse;
        TrilinosWrappers::SparseMatrix coarse_matrix;
        std::vector<std::vector<double>> coarse_modes;
        std::unique_ptr<mg::Matrix<VectorType>> mg_matrix, mg_interface;
        std::unique_ptr<Multigrid<VectorType>>  mg;
        std::unique_ptr<PreconditionMG<dim, VectorType, Transfer>> mg_preconditioner;
        std::unique_ptr<Adapter<PreconditionMG<dim, VectorType, Transfer>>> mg_adapter;
        // Cell averages of the Lame pair, restricted to the levels.
        DoFHandler<dim>          dg_dofs;
        Transfer                 dg_transfer;

        explicit Impl(const Triangulation<dim> &tria)
          : dg_dofs(tria)
        {}
        ~Impl() override { dg_dofs.clear(); }

        static typename dealii::MatrixFree<dim, double>::AdditionalData data(const unsigned int level)
        {
          typename dealii::MatrixFree<dim, double>::AdditionalData d;
          d.tasks_parallel_scheme = dealii::MatrixFree<dim, double>::AdditionalData::none;
          d.mapping_update_flags  = update_gradients | update_JxW_values | update_quadrature_points;
          d.mg_level              = level;
          return d;
        }

        void reinit(DoFHandler<dim> &dof_handler, const Mapping<dim> &map,
                    const AffineConstraints<double> &constraints, const LevelConstraints &lc,
                    const Kinematics k, const MultigridSettings &s)
        {
          dofs       = &dof_handler;
          mapping    = &map;
          fine_constraints = &constraints;
          settings   = s;
          kinematics = k;
          const auto &tria = dof_handler.get_triangulation();
          comm = tria.get_communicator();
          const QGauss<1> quad(degree + 1);
          {
            auto mf = std::make_shared<dealii::MatrixFree<dim, double>>();
            mf->reinit(map, dof_handler, constraints, quad, data(numbers::invalid_unsigned_int));
            fine.initialize(mf);
          }
          fine_adapter = std::make_unique<Adapter<Operator>>(fine);

          dof_handler.distribute_mg_dofs();
          const unsigned int n = tria.n_global_levels();
          mg_constrained_dofs.clear();
          mg_constrained_dofs.initialize(dof_handler);
          for (const auto &[id, components] : lc.fixed_components)
            {
              std::vector<bool> mask(dim, false);
              for (const auto c : components)
                mask[c] = true;
              mg_constrained_dofs.make_zero_boundary_constraints(
                dof_handler, {static_cast<types::boundary_id>(id)}, ComponentMask(mask));
            }
          // Point constraints: the vertex of each level nearest to the point.
          for (unsigned int level = 0; level < n; ++level)
            {
              IndexSet pinned(dof_handler.n_dofs(level));
              for (const auto &[x, components] : lc.points)
                {
                  Point<dim> p;
                  for (unsigned int d = 0; d < dim; ++d)
                    p[d] = x[d];
                  double best = std::numeric_limits<double>::max();
                  for (const auto &cell : dof_handler.cell_iterators_on_level(level))
                    if (cell->level_subdomain_id() != numbers::artificial_subdomain_id)
                      for (const auto v : cell->vertex_indices())
                        best = std::min(best, cell->vertex(v).distance(p));
                  best = Utilities::MPI::min(best, comm);
                  for (const auto &cell : dof_handler.cell_iterators_on_level(level))
                    if (cell->level_subdomain_id() != numbers::artificial_subdomain_id)
                      for (const auto v : cell->vertex_indices())
                        if (cell->vertex(v).distance(p) == best)
                          for (const auto c : components)
                            pinned.add_index(cell->mg_vertex_dof_index(level, v, c));
                }
              mg_constrained_dofs.add_boundary_indices(dof_handler, level, pinned);
            }

          levels.resize(0, n - 1);
          level_constraints.resize(0, n - 1);
          interfaces.resize(0, n - 1);
          for (unsigned int level = 0; level < n; ++level)
            {
              AffineConstraints<double> &c = level_constraints[level];
              c.clear();
              c.reinit(DoFTools::extract_locally_relevant_level_dofs(dof_handler, level));
              c.add_lines(mg_constrained_dofs.get_boundary_indices(level));
              c.close();
              auto mf = std::make_shared<dealii::MatrixFree<dim, double>>();
              mf->reinit(map, dof_handler, c, quad, data(level));
              levels[level].clear();
              levels[level].initialize(mf, mg_constrained_dofs, level);
              interfaces[level].initialize(levels[level]);
            }
          // The level vectors take the level operators' layout (no copies in their vmult).
          std::vector<std::shared_ptr<const Utilities::MPI::Partitioner>> partitioners(n);
          for (unsigned int level = 0; level < n; ++level)
            partitioners[level] = levels[level].get_matrix_free()->get_vector_partitioner();
          transfer.clear();
          transfer.initialize_constraints(mg_constrained_dofs);
          transfer.build(dof_handler, partitioners);

          // Level-0 matrix structure (the AMG's matrix) and its rigid-body modes.
          {
            const IndexSet &owned0 = dof_handler.locally_owned_mg_dofs(0);
            const IndexSet  relevant0 = DoFTools::extract_locally_relevant_level_dofs(dof_handler, 0);
            TrilinosWrappers::SparsityPattern sp(owned0, owned0, relevant0, comm);
            MGTools::make_sparsity_pattern(dof_handler, sp, 0, level_constraints[0], true);
            sp.compress();
            coarse_matrix.reinit(sp);
            const auto &fe = dof_handler.get_fe();
            unsigned int n_rot = 0;
            if (settings.rotations && kinematics != Kinematics::axisymmetric)
              n_rot = dim == 3 ? 3 : 1;
            coarse_modes.assign(dim + n_rot, std::vector<double>(owned0.n_elements(), 0.0));
            std::vector<types::global_dof_index> idx(fe.n_dofs_per_cell());
            for (const auto &cell : dof_handler.cell_iterators_on_level(0))
              if (cell->is_locally_owned_on_level())
                {
                  cell->get_mg_dof_indices(idx);
                  for (unsigned int i = 0; i < idx.size(); ++i)
                    if (owned0.is_element(idx[i]))
                      {
                        const unsigned int k = owned0.index_within_set(idx[i]);
                        const unsigned int c = fe.system_to_component_index(i).first;
                        const Point<dim>   x =
                          map.transform_unit_to_real_cell(cell, fe.get_unit_support_points()[i]);
                        coarse_modes[c][k] = 1.0;
                        if (n_rot == 0)
                          continue;
                        if constexpr (dim == 2)
                          coarse_modes[2][k] = (c == 0) ? -x[1] : x[0];
                        else
                          {
                            const double rx[3] = {0, -x[2], x[1]};
                            const double ry[3] = {x[2], 0, -x[0]};
                            const double rz[3] = {-x[1], x[0], 0};
                            coarse_modes[3][k] = rx[c];
                            coarse_modes[4][k] = ry[c];
                            coarse_modes[5][k] = rz[c];
                          }
                      }
                }
          }

          dg_dofs.distribute_dofs(FE_DGQ<dim>(0));
          dg_dofs.distribute_mg_dofs();
          dg_transfer.clear();
          dg_transfer.build(dg_dofs);

          mg_matrix    = std::make_unique<mg::Matrix<VectorType>>(levels);
          mg_interface = std::make_unique<mg::Matrix<VectorType>>(interfaces);
          mg = std::make_unique<Multigrid<VectorType>>(*mg_matrix, coarse, transfer, smoother, smoother);
          mg->set_edge_matrices(*mg_interface, *mg_interface);
          mg_preconditioner =
            std::make_unique<PreconditionMG<dim, VectorType, Transfer>>(dof_handler, *mg, transfer);
          mg_adapter = std::make_unique<Adapter<PreconditionMG<dim, VectorType, Transfer>>>(*mg_preconditioner);
        }

        /// The per-point pair of the active cell `cell` into lane `lane` of batch `batch`.
        template <typename Iterator>
        static void copy_points(const Iterator &cell, const std::vector<double> &lambda,
                                const std::vector<double> &mu, Operator &op,
                                const unsigned int batch, const unsigned int lane)
        {
          const std::size_t base = static_cast<std::size_t>(cell->active_cell_index()) * n_q;
          for (unsigned int q = 0; q < n_q; ++q)
            {
              op.lambda(batch, q)[lane] = lambda[base + q];
              op.mu(batch, q)[lane]     = mu[base + q];
            }
        }

        void set_coefficients(const std::vector<double> &lambda, const std::vector<double> &mu) override
        {
          // Fine operator: the points' own pair.
          {
            const auto        &mf = *fine.get_matrix_free();
            const unsigned int nb = mf.n_cell_batches();
            fine.lambda.reinit(nb, n_q);
            fine.mu.reinit(nb, n_q);
            for (unsigned int b = 0; b < nb; ++b)
              for (unsigned int l = 0; l < VA::size(); ++l)
                copy_points(mf.get_cell_iterator(b, std::min(l, mf.n_active_entries_per_cell_batch(b) - 1)),
                            lambda, mu, fine, b, l);
            if (settings.assembled_blocks)
              fine.assemble_blocks(*fine_constraints, false);
          }
          // Cell means, restricted to the levels.
          const unsigned int n = levels.max_level() + 1;
          MGLevelObject<VectorType> level_lambda(0, n - 1), level_mu(0, n - 1);
          {
            VectorType cl(dg_dofs.locally_owned_dofs(), comm), cm(dg_dofs.locally_owned_dofs(), comm);
            std::vector<types::global_dof_index> idx(1);
            for (const auto &cell : dg_dofs.active_cell_iterators())
              if (cell->is_locally_owned())
                {
                  cell->get_dof_indices(idx);
                  const std::size_t base = static_cast<std::size_t>(cell->active_cell_index()) * n_q;
                  double            sl = 0, sm = 0;
                  for (unsigned int q = 0; q < n_q; ++q)
                    {
                      sl += lambda[base + q];
                      sm += mu[base + q];
                    }
                  cl[idx[0]] = sl / n_q;
                  cm[idx[0]] = sm / n_q;
                }
            dg_transfer.interpolate_to_mg(dg_dofs, level_lambda, cl);
            dg_transfer.interpolate_to_mg(dg_dofs, level_mu, cm);
          }
          MGLevelObject<typename Smoother::AdditionalData> smoother_data(0, n - 1);
          for (unsigned int level = 0; level < n; ++level)
            {
              Operator          &op = levels[level];
              const auto        &mf = *op.get_matrix_free();
              const unsigned int nb = mf.n_cell_batches();
              op.lambda.reinit(nb, n_q);
              op.mu.reinit(nb, n_q);
              level_lambda[level].update_ghost_values();
              level_mu[level].update_ghost_values();
              std::vector<types::global_dof_index> idx(1);
              for (unsigned int b = 0; b < nb; ++b)
                for (unsigned int l = 0; l < VA::size(); ++l)
                  {
                    const auto cell =
                      mf.get_cell_iterator(b, std::min(l, mf.n_active_entries_per_cell_batch(b) - 1));
                    if (cell->is_active())
                      copy_points(cell, lambda, mu, op, b, l);
                    else
                      {
                        const typename DoFHandler<dim>::level_cell_iterator dg_cell(
                          &dg_dofs.get_triangulation(), cell->level(), cell->index(), &dg_dofs);
                        dg_cell->get_mg_dof_indices(idx);
                        for (unsigned int q = 0; q < n_q; ++q)
                          {
                            op.lambda(b, q)[l] = level_lambda[level](idx[0]);
                            op.mu(b, q)[l]     = level_mu[level](idx[0]);
                          }
                      }
                  }
              // Level 0 is solved by ML on its own matrix: only the smoothed levels' products
              // go through blocks (single precision: the smoother is a preconditioner), and
              // their diagonals come from the blocks.
              if (settings.assembled_blocks && level > 0)
                op.assemble_blocks(level_constraints[level], true);
              op.compute_diagonal();
              smoother_data[level].smoothing_range     = settings.smoothing_range;
              smoother_data[level].degree              = settings.chebyshev_degree;
              smoother_data[level].eig_cg_n_iterations = 10;
              smoother_data[level].preconditioner      = op.get_matrix_diagonal_inverse();
            }
          smoother.initialize(levels, smoother_data);

          // Level 0: the assembled matrix and its AMG.
          coarse_matrix = 0;
          MatrixFreeTools::compute_matrix(*levels[0].get_matrix_free(), level_constraints[0],
                                          coarse_matrix, &Operator::local_cell, &levels[0]);
          AMGSettings s           = settings.coarse_amg;
          s.elliptic              = true;
          s.higher_order_elements = degree > 1;
          initialize_elasticity_amg(coarse.amg, coarse_matrix, s, coarse_modes);
        }

        const DistributedOperator &system_operator() const override { return *fine_adapter; }
        const DistributedOperator &preconditioner() const override { return *mg_adapter; }
        void initialize_dof_vector(VectorType &v) const override { fine.initialize_dof_vector(v); }
        unsigned int n_levels() const override { return levels.max_level() + 1; }
        bool system_operator_assembled() const override { return fine.has_blocks(); }
        unsigned int n_assembled_levels() const override
        {
          unsigned int n = 0;
          for (unsigned int level = levels.min_level(); level <= levels.max_level(); ++level)
            n += levels[level].has_blocks() ? 1 : 0;
          return n;
        }
      };
    } // namespace

    template <int dim>
    MatrixFreeElasticity<dim>::MatrixFreeElasticity() = default;
    template <int dim>
    MatrixFreeElasticity<dim>::~MatrixFreeElasticity() = default;

    template <int dim>
    void MatrixFreeElasticity<dim>::reinit(DoFHandler<dim> &dofs, const Mapping<dim> &mapping,
                                           const AffineConstraints<double> &constraints,
                                           const LevelConstraints &level_constraints,
                                           const Kinematics kinematics, const MultigridSettings &settings)
    {
      const unsigned int degree = dofs.get_fe().degree;
      AssertThrow(degree == 1 || degree == 2,
                  ExcMessage("the matrix-free elasticity operator is instantiated for degrees 1 and 2"));
      impl.reset();
      if (degree == 1)
        {
          auto i = std::make_unique<Impl<dim, 1>>(dofs.get_triangulation());
          i->reinit(dofs, mapping, constraints, level_constraints, kinematics, settings);
          impl = std::move(i);
        }
      else
        {
          auto i = std::make_unique<Impl<dim, 2>>(dofs.get_triangulation());
          i->reinit(dofs, mapping, constraints, level_constraints, kinematics, settings);
          impl = std::move(i);
        }
    }

    template <int dim>
    void MatrixFreeElasticity<dim>::set_coefficients(const std::vector<double> &lambda,
                                                     const std::vector<double> &mu)
    {
      impl->set_coefficients(lambda, mu);
    }

    template <int dim>
    const DistributedOperator &MatrixFreeElasticity<dim>::system_operator() const
    {
      return impl->system_operator();
    }

    template <int dim>
    const DistributedOperator &MatrixFreeElasticity<dim>::preconditioner() const
    {
      return impl->preconditioner();
    }

    template <int dim>
    void MatrixFreeElasticity<dim>::initialize_dof_vector(Vector &v) const
    {
      impl->initialize_dof_vector(v);
    }

    template <int dim>
    unsigned int MatrixFreeElasticity<dim>::n_levels() const
    {
      return impl->n_levels();
    }

    template <int dim>
    bool MatrixFreeElasticity<dim>::system_operator_assembled() const
    {
      return impl->system_operator_assembled();
    }

    template <int dim>
    unsigned int MatrixFreeElasticity<dim>::n_assembled_levels() const
    {
      return impl->n_assembled_levels();
    }

    template class MatrixFreeElasticity<2>;
    template class MatrixFreeElasticity<3>;
  } // namespace linear_algebra
} // namespace bmgfe
