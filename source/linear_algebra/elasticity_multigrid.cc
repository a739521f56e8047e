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

      /// -div(lambda tr(eps) I + 2 mu eps) with the Lame pair per cell batch and point.
      template <int dim, int degree>
      class ElasticityOperator : public MatrixFreeOperators::Base<dim, VectorType>
      {
      public:
        using FEEval = FEEvaluation<dim, degree, degree + 1, dim, double>;

        Table<2, VA> lambda, mu; ///< [cell batch][q]

        void compute_diagonal() override
        {
          this->inverse_diagonal_entries.reset(new DiagonalMatrix<VectorType>());
          VectorType &d = this->inverse_diagonal_entries->get_vector();
          this->data->initialize_dof_vector(d);
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
          this->data->cell_loop(&ElasticityOperator::local_apply, this, dst, src);
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

    template class MatrixFreeElasticity<2>;
    template class MatrixFreeElasticity<3>;
  } // namespace linear_algebra
} // namespace bmgfe
