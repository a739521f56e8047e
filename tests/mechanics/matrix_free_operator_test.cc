// The matrix-free elasticity operator (linear_algebra/elasticity_multigrid.h) against the
// assembled stiffness matrix with the same constraints and the same spatially varying Lame
// pair per quadrature point: a 3D cylinder (curved boundary, MappingQ2), one half refined once
// more (hanging nodes), one end held, Q1 and Q2.
//  * action on a random vector (zero at constrained DoFs): equal to 1e-12 relative;
//  * CG with the multigrid preconditioner gives the solution of CG + ML on the matrix (both to
//    1e-12) to 1e-8 relative.
// The same for 'Operator = block-assembled' (MultigridSettings::assembled_blocks) on the
// cylinder without the extra half refinement (no hanging nodes, so that the fine operator and
// every smoothed level are in blocks, which the test checks): action to 1e-12, solution to
// 1e-8, and its multigrid iterations within one of the cell loop's with the same smoother
// (the single-precision levels must precondition as well as the exact ones). With hanging
// nodes the fine operator keeps the cell loop and the levels are in blocks.
// Own main(): MPI is initialised (runs on 1 rank and, in ctest, on 2).
#include <bmgfe/linear_algebra/elasticity_multigrid.h>
#include <bmgfe/linear_algebra/projected_cg.h>

#include <deal.II/base/mpi.h>
#include <deal.II/base/quadrature_lib.h>
#include <deal.II/distributed/tria.h>
#include <deal.II/dofs/dof_tools.h>
#include <deal.II/fe/fe_q.h>
#include <deal.II/fe/fe_system.h>
#include <deal.II/fe/fe_values.h>
#include <deal.II/fe/mapping_q.h>
#include <deal.II/grid/grid_generator.h>
#include <deal.II/lac/dynamic_sparsity_pattern.h>
#include <deal.II/lac/full_matrix.h>
#include <deal.II/lac/solver_cg.h>
#include <deal.II/lac/solver_control.h>
#include <deal.II/lac/sparsity_tools.h>
#include <deal.II/lac/trilinos_precondition.h>
#include <deal.II/lac/trilinos_sparse_matrix.h>
#include <deal.II/lac/trilinos_vector.h>
#include <deal.II/numerics/vector_tools.h>

#include <gtest/gtest.h>

#include <cmath>
#include <iostream>
#include <random>

using namespace dealii;
namespace la = bmgfe::linear_algebra;

namespace
{
  constexpr int dim = 3;

  double lame_lambda(const Point<dim> &x)
  {
    return 6e10 * (1 + 0.4 * std::sin(3e3 * x[0]) * std::cos(2e3 * x[1] + 1e3 * x[2]));
  }
  double lame_mu(const Point<dim> &x)
  {
    return 3e10 * (1 + 0.3 * std::cos(4e3 * x[2]) + 0.2 * std::sin(2e3 * (x[0] + x[1])));
  }

  struct Result
  {
    double action = 0, solution = 0;
    unsigned int mg_iterations = 0, amg_iterations = 0;
    bool         fine_in_blocks = false;
    unsigned int levels = 0, levels_in_blocks = 0;
  };

  Result compare(const unsigned int degree, const bool blocks = false, const bool hanging_nodes = true,
                 const unsigned int chebyshev_degree = 5)
  {
    const MPI_Comm comm = MPI_COMM_WORLD;
    parallel::distributed::Triangulation<dim> tria(
      comm, Triangulation<dim>::limit_level_difference_at_vertices,
      parallel::distributed::Triangulation<dim>::construct_multigrid_hierarchy);
    GridGenerator::cylinder(tria, 1e-3, 1e-3); // along x, ids: 0 mantle, 1 x = -1e-3, 2 x = 1e-3
    tria.refine_global(1);
    if (hanging_nodes)
      {
        for (const auto &cell : tria.active_cell_iterators())
          if (cell->is_locally_owned() && cell->center()[0] > 0)
            cell->set_refine_flag();
        tria.execute_coarsening_and_refinement();
      }
    else
      tria.refine_global(1);

    const MappingQ<dim>  mapping(2);
    const FESystem<dim>  fe(FE_Q<dim>(degree), dim);
    DoFHandler<dim>      dofs(tria);
    dofs.distribute_dofs(fe);
    const IndexSet owned = dofs.locally_owned_dofs();
    IndexSet       relevant;
    DoFTools::extract_locally_relevant_dofs(dofs, relevant);
    AffineConstraints<double> constraints(relevant);
    DoFTools::make_hanging_node_constraints(dofs, constraints);
    VectorTools::interpolate_boundary_values(mapping, dofs, 1, Functions::ZeroFunction<dim>(dim),
                                             constraints);
    constraints.close();

    // The assembled matrix and the Lame pair per point (QGauss(p + 1) order).
    const QGauss<dim> quadrature(degree + 1);
    const unsigned int nq = quadrature.size();
    std::vector<double> lambda(tria.n_active_cells() * nq), mu(lambda.size());
    DynamicSparsityPattern dsp(relevant);
    DoFTools::make_sparsity_pattern(dofs, dsp, constraints, false);
    SparsityTools::distribute_sparsity_pattern(dsp, owned, comm, relevant);
    TrilinosWrappers::SparseMatrix matrix;
    matrix.reinit(owned, owned, dsp, comm);
    TrilinosWrappers::MPI::Vector rhs(owned, comm);
    FEValues<dim> fv(mapping, fe, quadrature, update_gradients | update_values | update_JxW_values |
                                                update_quadrature_points);
    const unsigned int                   n = fe.n_dofs_per_cell();
    FullMatrix<double>                   local(n, n);
    dealii::Vector<double>               local_rhs(n);
    std::vector<types::global_dof_index> indices(n);
    const FEValuesExtractors::Vector     u(0);
    for (const auto &cell : dofs.active_cell_iterators())
      if (cell->is_locally_owned())
        {
          fv.reinit(cell);
          local     = 0;
          local_rhs = 0;
          for (unsigned int q = 0; q < nq; ++q)
            {
              const Point<dim> &x = fv.quadrature_point(q);
              const double      l = lame_lambda(x), m = lame_mu(x);
              lambda[cell->active_cell_index() * nq + q] = l;
              mu[cell->active_cell_index() * nq + q]     = m;
              for (unsigned int i = 0; i < n; ++i)
                {
                  const auto ei = fv[u].symmetric_gradient(i, q);
                  local_rhs(i) += fv[u].value(i, q)[1] * 1e9 * fv.JxW(q); // a body force along y
                  for (unsigned int j = 0; j < n; ++j)
                    {
                      const auto ej = fv[u].symmetric_gradient(j, q);
                      local(i, j) += (l * trace(ei) * trace(ej) + 2 * m * (ei * ej)) * fv.JxW(q);
                    }
                }
            }
          cell->get_dof_indices(indices);
          constraints.distribute_local_to_global(local, local_rhs, indices, matrix, rhs);
        }
    matrix.compress(VectorOperation::add);
    rhs.compress(VectorOperation::add);

    la::MatrixFreeElasticity<dim> mf;
    la::LevelConstraints          lc;
    lc.fixed_components[1] = {0, 1, 2};
    la::MultigridSettings settings;
    settings.coarse_amg.aggregation_threshold = 1e-3;
    settings.assembled_blocks                 = blocks;
    settings.chebyshev_degree                 = chebyshev_degree;
    mf.reinit(dofs, mapping, constraints, lc, bmgfe::Kinematics::three_dimensional, settings);
    mf.set_coefficients(lambda, mu);
    Result r;
    r.fine_in_blocks   = mf.system_operator_assembled();
    r.levels           = mf.n_levels();
    r.levels_in_blocks = mf.n_assembled_levels();

    // Action on a random vector, zero where constrained.
    TrilinosWrappers::MPI::Vector x(owned, comm), y(owned, comm);
    la::MatrixFree::Vector        xm, ym;
    mf.initialize_dof_vector(xm);
    mf.initialize_dof_vector(ym);
    for (const auto i : owned)
      {
        std::mt19937                           gen(static_cast<unsigned int>(i) * 7919u + 13u);
        std::uniform_real_distribution<double> d(-1, 1);
        const double                           v = constraints.is_constrained(i) ? 0.0 : d(gen);
        x[i]                                     = v;
        xm(i)                                    = v;
      }
    x.compress(VectorOperation::insert);
    matrix.vmult(y, x);
    mf.system_operator().vmult(ym, xm);
    double diff = 0, scale = 0;
    for (const auto i : owned)
      {
        diff  = std::max(diff, std::abs(y[i] - ym(i)));
        scale = std::max(scale, std::abs(y[i]));
      }
    r.action = Utilities::MPI::max(diff, comm) / Utilities::MPI::max(scale, comm);

    // Solutions: CG + ML on the matrix, CG + multigrid matrix-free.
    TrilinosWrappers::MPI::Vector sol(owned, comm);
    {
      TrilinosWrappers::PreconditionAMG           amg;
      TrilinosWrappers::PreconditionAMG::AdditionalData data;
      data.elliptic              = true;
      data.higher_order_elements = degree > 1;
      amg.initialize(matrix, data);
      SolverControl                          control(2000, 1e-12 * rhs.l2_norm());
      SolverCG<TrilinosWrappers::MPI::Vector> cg(control);
      cg.solve(matrix, sol, rhs, amg);
      r.amg_iterations = control.last_step();
    }
    la::MatrixFree::Vector bm, sm;
    mf.initialize_dof_vector(bm);
    mf.initialize_dof_vector(sm);
    for (const auto i : owned)
      bm(i) = rhs[i];
    {
      la::ProjectedCG<la::MatrixFree> cg;
      cg.reinit(sm, 12);
      SolverControl control(2000, 1e-12 * bm.l2_norm());
      r.mg_iterations = cg.solve(mf.system_operator(), mf.preconditioner(), sm, bm, control);
    }
    diff = scale = 0;
    for (const auto i : owned)
      {
        diff  = std::max(diff, std::abs(sol[i] - sm(i)));
        scale = std::max(scale, std::abs(sol[i]));
      }
    r.solution = Utilities::MPI::max(diff, comm) / Utilities::MPI::max(scale, comm);
    if (Utilities::MPI::this_mpi_process(comm) == 0)
      std::cout << "Q" << degree << (blocks ? " block-assembled" : "")
                << (hanging_nodes ? ", hanging nodes" : "") << ", Chebyshev degree " << chebyshev_degree
                << ": " << dofs.n_dofs() << " DoFs, " << tria.n_global_levels()
                << " levels; action difference " << r.action << ", solution difference "
                << r.solution << "; CG iterations: multigrid " << r.mg_iterations << ", ML "
                << r.amg_iterations << "; fine operator in blocks " << r.fine_in_blocks << ", levels in blocks "
                << r.levels_in_blocks << std::endl;
    dofs.clear();
    return r;
  }
} // namespace

TEST(MatrixFreeOperator, ActionAndSolutionQ1)
{
  const Result r = compare(1);
  EXPECT_LT(r.action, 1e-12);
  EXPECT_LT(r.solution, 1e-8);
  EXPECT_GT(r.mg_iterations, 0u);
}

TEST(MatrixFreeOperator, ActionAndSolutionQ2)
{
  const Result r = compare(2);
  EXPECT_LT(r.action, 1e-12);
  EXPECT_LT(r.solution, 1e-8);
  EXPECT_GT(r.mg_iterations, 0u);
}

// Block-assembled, conforming mesh: everything in blocks, the same operator and solution, and
// as good a smoother as the cell loop's.
void check_blocks(const unsigned int degree)
{
  const Result cell_loop = compare(degree, false, false, 2);
  const Result blocks    = compare(degree, true, false, 2);
  EXPECT_TRUE(blocks.fine_in_blocks);
  EXPECT_EQ(blocks.levels_in_blocks, blocks.levels - 1); // level 0: ML on its own matrix
  EXPECT_GE(blocks.levels, 3u);
  EXPECT_LT(blocks.action, 1e-12);
  EXPECT_LT(blocks.solution, 1e-8);
  EXPECT_LT(cell_loop.solution, 1e-8);
  EXPECT_FALSE(cell_loop.fine_in_blocks);
  EXPECT_EQ(cell_loop.levels_in_blocks, 0u);
  EXPECT_LE(blocks.mg_iterations, cell_loop.mg_iterations + 1);
  EXPECT_GE(blocks.mg_iterations + 1, cell_loop.mg_iterations);
}

TEST(MatrixFreeOperator, BlockAssembledQ1) { check_blocks(1); }

TEST(MatrixFreeOperator, BlockAssembledQ2) { check_blocks(2); }

// With hanging nodes the fine operator keeps the cell loop (its constraints have entries), the
// levels (conforming) are in blocks.
TEST(MatrixFreeOperator, BlockAssembledWithHangingNodes)
{
  const Result r = compare(1, true, true, 2);
  EXPECT_FALSE(r.fine_in_blocks);
  EXPECT_EQ(r.levels_in_blocks, r.levels - 1);
  EXPECT_LT(r.action, 1e-12);
  EXPECT_LT(r.solution, 1e-8);
}

int main(int argc, char **argv)
{
  Utilities::MPI::MPI_InitFinalize mpi(argc, argv, 1);
  ::testing::InitGoogleTest(&argc, argv);
  return RUN_ALL_TESTS();
}
