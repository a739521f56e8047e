// Checkpoints of the mechanics (doc/checkpoints.md): the DoF vectors through deal.II's
// SolutionTransfer, the quadrature-point state through the triangulation's cell data (both
// follow the cells when a restart has another number of ranks), the rest as bytes.
#include <bmgfe/io/checkpoint_state.h>
#include <bmgfe/physics/load_balance.h>
#include <bmgfe/physics/mechanics_constraints.h>
#include <bmgfe/physics/mechanics_problem.h>

#include <deal.II/distributed/solution_transfer.h>

#include <cstring>
#include <stdexcept>

namespace bmgfe
{
  using namespace dealii;

  namespace
  {
    /// The doubles of one cell's cell data: its plastic work of the last step, then per point
    /// the committed state (MaterialPointState::pack) and its plastic power, which pack()
    /// leaves out (a state read from a snapshot starts without one).
    std::vector<char> pack_cell(const std::vector<std::shared_ptr<MaterialPointState>> &points,
                                const double plastic_work)
    {
      std::size_t n = 1;
      for (const auto &p : points)
        n += p->n_packed() + 1;
      std::vector<double> values(n);
      double             *next = values.data();
      *next++                  = plastic_work;
      for (const auto &p : points)
        {
          p->pack(next);
          next += p->n_packed();
          *next++ = p->plastic_power;
        }
      std::vector<char> bytes(n * sizeof(double));
      std::memcpy(bytes.data(), values.data(), bytes.size());
      return bytes;
    }
  } // namespace

  template <int dim, typename LA>
  void MechanicsProblem<dim, LA>::attach_checkpoint_data()
  {
    // Ghosted copies: SolutionTransfer reads the values of every DoF of a cell.
    checkpoint_vectors.clear();
    checkpoint_vectors.resize(3);
    for (auto &v : checkpoint_vectors)
      v.reinit(owned, relevant, comm);
    checkpoint_vectors[0] = solution;
    if (last_increment.size() == solution.size())
      checkpoint_vectors[1] = last_increment;
    {
      // The platens' reference displacement (a run from a read state), on its DoFs.
      Vector offsets(owned, comm);
      for (const auto &[i, value] : platen_reference.offsets)
        if (owned.is_element(i))
          offsets[i] = value;
      offsets.compress(VectorOperation::insert);
      checkpoint_vectors[2] = offsets;
    }
    checkpoint_transfer = std::make_unique<parallel::distributed::SolutionTransfer<dim, Vector, dim>>(dofs);
    checkpoint_transfer->prepare_for_serialization(std::vector<const Vector *>{
      &checkpoint_vectors[0], &checkpoint_vectors[1], &checkpoint_vectors[2]});

    auto &triangulation = const_cast<parallel::distributed::Triangulation<dim> &>(tria);
    checkpoint_cell_handle = triangulation.register_data_attach(
      [this](const typename Triangulation<dim>::cell_iterator &cell,
             const typename Triangulation<dim>::CellStatus) {
        const double work = cell->active_cell_index() < cell_plastic_work.size() ?
                              cell_plastic_work[cell->active_cell_index()] :
                              0.0;
        return pack_cell(state.get_data(cell), work);
      },
      /*returns_variable_size_data=*/true);
  }

  template <int dim, typename LA>
  std::string MechanicsProblem<dim, LA>::checkpoint_scalars() const
  {
    const bool has_increment    = last_increment.size() == solution.size();
    const bool platens_released = platen_reference.released;
    const bool platens_held     = !platen_reference.pins.empty() && !platen_reference.released;
    return pack_state(t_last, eps0, last_increment_dt, last_increment_eps0, residual_stress_force,
                      measure_residual_stress_force, has_increment, platens_released, platens_held,
                      static_cast<unsigned long long>(tria.n_global_active_cells()),
                      static_cast<unsigned long long>(dofs.n_dofs()));
  }

  template <int dim, typename LA>
  void MechanicsProblem<dim, LA>::restore_checkpoint_data(const std::string &scalars)
  {
    restore_transferred_data(scalars, false);
  }

  template <int dim, typename LA>
  void MechanicsProblem<dim, LA>::restore_repartitioned_data(const std::string &scalars)
  {
    restore_transferred_data(scalars, true);
  }

  template <int dim, typename LA>
  unsigned int MechanicsProblem<dim, LA>::cell_weight(const typename Triangulation<dim>::cell_iterator &cell,
                                                      const double plastic_point_cost) const
  {
    return load_balance::cell_weight(state.get_data(cell), plastic_point_cost);
  }

  template <int dim, typename LA>
  double MechanicsProblem<dim, LA>::local_weight(const double plastic_point_cost,
                                                 unsigned int &yielded_points) const
  {
    double weight  = 0;
    yielded_points = 0;
    for (const auto &cell : tria.active_cell_iterators())
      if (cell->is_locally_owned())
        {
          const auto points = state.get_data(cell);
          weight += load_balance::cell_weight(points, plastic_point_cost);
          for (const auto &p : points)
            yielded_points += load_balance::yielded(*p) ? 1 : 0;
        }
    return weight;
  }

  template <int dim, typename LA>
  void MechanicsProblem<dim, LA>::restore_transferred_data(const std::string &scalars,
                                                           const bool repartitioned)
  {
    bool               has_increment = false, platens_released = false, platens_held = false;
    unsigned long long n_cells = 0, n_dofs = 0;
    unpack_state(scalars, t_last, eps0, last_increment_dt, last_increment_eps0,
                 residual_stress_force, measure_residual_stress_force, has_increment,
                 platens_released, platens_held, n_cells, n_dofs);
    if (n_cells != tria.n_global_active_cells() || n_dofs != dofs.n_dofs())
      throw std::runtime_error("the checkpoint's mechanics has " + std::to_string(n_cells) +
                               " cells and " + std::to_string(n_dofs) + " DoFs, this run " +
                               std::to_string(tria.n_global_active_cells()) + " and " +
                               std::to_string(dofs.n_dofs()));

    // The same order as attach_checkpoint_data(): the DoF vectors, then the cell data.
    std::vector<Vector> vectors(3);
    for (auto &v : vectors)
      v.reinit(owned, comm);
    {
      std::vector<Vector *> out{&vectors[0], &vectors[1], &vectors[2]};
      if (repartitioned)
        {
          // The transfer of attach_checkpoint_data() knows its handle.
          checkpoint_transfer->interpolate(out);
          checkpoint_transfer.reset();
          checkpoint_vectors.clear();
        }
      else
        {
          parallel::distributed::SolutionTransfer<dim, Vector, dim> transfer(dofs);
          transfer.deserialize(out);
        }
    }
    solution = vectors[0];
    displacement_ghosted = solution;
    if (has_increment)
      {
        last_increment.reinit(owned, comm);
        last_increment = vectors[1];
      }
    else
      last_increment_dt = 0;
    platen_reference.released = platens_released;
    if (platens_held)
      {
        Vector offsets(owned, relevant, comm);
        offsets = vectors[2];
        platen_reference.offsets =
          platen_dof_values(dofs, mapping, loading, relevant,
                            [&](const types::global_dof_index i) { return offsets[i]; });
        make_displacement_constraints(dofs, mapping, prm, loading, relevant, t_last, constraints,
                                      &platen_reference);
      }

    auto &triangulation = const_cast<parallel::distributed::Triangulation<dim> &>(tria);
    cell_plastic_work.assign(tria.n_active_cells(), 0.0);
    // After load() the data are read through a newly registered handle (in the order of the
    // attach); after repartition() through the handle of the attach itself.
    const unsigned int handle =
      repartitioned ?
        checkpoint_cell_handle :
        triangulation.register_data_attach(
          [](const typename Triangulation<dim>::cell_iterator &, const typename Triangulation<dim>::CellStatus) {
            return std::vector<char>();
          },
          /*returns_variable_size_data=*/true);
    triangulation.notify_ready_to_unpack(
      handle, [this](const typename Triangulation<dim>::cell_iterator &cell,
                     const typename Triangulation<dim>::CellStatus,
                     const boost::iterator_range<std::vector<char>::const_iterator> &bytes) {
        std::vector<double> values(bytes.size() / sizeof(double));
        std::memcpy(values.data(), &*bytes.begin(), values.size() * sizeof(double));
        const double *next = values.data();
        const double *end  = values.data() + values.size();
        cell_plastic_work[cell->active_cell_index()] = *next++;
        for (const auto &p : state.get_data(cell))
          {
            if (end - next < static_cast<std::ptrdiff_t>(MaterialPointState::n_packed_fixed + 1))
              throw std::runtime_error("the checkpoint's material-point state is shorter than "
                                       "this run's quadrature");
            p->unpack(next);
            next += p->n_packed();
            p->plastic_power = *next++;
          }
        if (next != end)
          throw std::runtime_error("the checkpoint's material-point state does not match this "
                                   "run's quadrature");
      });
    reset_solver_state();
  }

  template <int dim, typename LA>
  void MechanicsProblem<dim, LA>::reset_solver_state()
  {
    cg.clear_history();
    matrix_free_cg.clear_history();
    matrix_assembled            = false;
    matrix_is_frozen_tangent    = false;
    preconditioner_is_elastic   = false;
    tangent_preconditioner_built = false;
    preconditioner_plastic_set.clear();
    plastic_set_changes   = 0;
    last_gmres_iterations = 0;
    preconditioner_within_bound = false;
    tangent_is_elastic          = false;
    if (nonlocal)
      {
        nonlocal->reset_solver_state();
        update_nonlocal_free_volume();
      }
  }

#define BMGFE_INSTANTIATE(dim, LA)                                                      \
  template void        MechanicsProblem<dim, LA>::attach_checkpoint_data();            \
  template std::string MechanicsProblem<dim, LA>::checkpoint_scalars() const;          \
  template void        MechanicsProblem<dim, LA>::restore_checkpoint_data(const std::string &); \
  template void        MechanicsProblem<dim, LA>::restore_repartitioned_data(const std::string &); \
  template void        MechanicsProblem<dim, LA>::restore_transferred_data(const std::string &, bool); \
  template unsigned int MechanicsProblem<dim, LA>::cell_weight(                            \
    const typename Triangulation<dim>::cell_iterator &, double) const;                     \
  template double      MechanicsProblem<dim, LA>::local_weight(double, unsigned int &) const; \
  template void        MechanicsProblem<dim, LA>::reset_solver_state();

  BMGFE_INSTANTIATE(2, linear_algebra::Trilinos)
  BMGFE_INSTANTIATE(3, linear_algebra::Trilinos)
  BMGFE_INSTANTIATE(2, linear_algebra::PETSc)
  BMGFE_INSTANTIATE(3, linear_algebra::PETSc)
#undef BMGFE_INSTANTIATE
} // namespace bmgfe
