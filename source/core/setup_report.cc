#include <bmgfe/core/setup_report.h>
#include <bmgfe/physics/time_stepping.h>

#include <deal.II/base/mpi.h>
#include <deal.II/dofs/dof_tools.h>

#include <algorithm>
#include <iomanip>

namespace bmgfe
{
  using namespace dealii;

  template <int dim, typename LA>
  void report_setup(std::ostream &pcout, const Parameters &parameters,
                    const parallel::distributed::Triangulation<dim> &triangulation,
                    const DomainInfo<dim> &domain, const HeatProblem<dim, LA> &heat,
                    const MechanicsProblem<dim, LA> *mechanics)
  {
    const MPI_Comm     comm    = triangulation.get_communicator();
    const unsigned int n_ranks = Utilities::MPI::n_mpi_processes(comm);
    pcout << "bmgfe: " << parameters.parameter_file << '\n'
          << "  model        : "
          << (dim == 3 ? std::string("3D") : "2D " + to_string(parameters.kinematics)) << ", "
          << domain.description << '\n'
          << "  mesh         : " << triangulation.n_global_active_cells() << " cells, "
          << heat.dof_handler().n_dofs() << " temperature DoFs (Q" << parameters.heat.fe_degree
          << "), ";
    if (mechanics)
      pcout << mechanics->dof_handler().n_dofs() << " displacement DoFs (Q"
            << parameters.mechanics.fe_degree << "), ";
    pcout << n_ranks << " MPI rank" << (n_ranks > 1 ? "s" : "") << ", "
          << LA::name << " linear algebra\n"
          << "  material     : " << parameters.material.name << ", rho = "
          << parameters.material.density << " kg/m^3, c_p = "
          << parameters.material.heat_capacity.to_string() << " J/kgK, k = "
          << parameters.material.thermal_conductivity.to_string() << " W/mK\n";
    if (n_ranks > 1)
      {
        // The communication volume of one operator application (ghost values per rank): what
        // benchmarks/scaling/project.py extrapolates to more ranks.
        const auto spread = [&](const double local) {
          return std::make_pair(Utilities::MPI::min(local, comm), Utilities::MPI::max(local, comm));
        };
        const auto cells = spread(triangulation.n_locally_owned_active_cells());
        const auto ghost_count = [](const DoFHandler<dim> &d) {
          const IndexSet relevant = DoFTools::extract_locally_relevant_dofs(d);
          return static_cast<double>(relevant.n_elements() - d.locally_owned_dofs().n_elements());
        };
        const auto heat_ghosts = spread(ghost_count(heat.dof_handler()));
        pcout << "  partition    : " << cells.first << ".." << cells.second
              << " cells per rank, ghost DoFs per rank: temperature " << heat_ghosts.first << ".."
              << heat_ghosts.second;
        if (mechanics)
          {
            const auto mech_ghosts = spread(ghost_count(mechanics->dof_handler()));
            pcout << ", displacement " << mech_ghosts.first << ".." << mech_ghosts.second;
          }
        pcout << '\n';
      }

    // Volume and Robin surface (for the characteristic length V/A of the Biot number).
    double volume = 0, area = 0;
    for (const auto &cell : triangulation.active_cell_iterators())
      if (cell->is_locally_owned())
        {
          volume += cell->measure() * volume_weight(parameters.kinematics, cell->center()[0]);
          for (const auto f : cell->face_indices())
            if (cell->face(f)->at_boundary() &&
                std::count(parameters.heat.robin_ids.begin(), parameters.heat.robin_ids.end(),
                           cell->face(f)->boundary_id()))
              area += cell->face(f)->measure() *
                      volume_weight(parameters.kinematics, cell->face(f)->center()[0]);
          }
    volume = Utilities::MPI::sum(volume, comm);
    area   = Utilities::MPI::sum(area, comm);
    const double L_c = area > 0 ? volume / area : 0;
    pcout << "  protocol     : " << parameters.protocol.stages().size() << " stages, "
          << parameters.protocol.end_time() - parameters.protocol.start_time() << " s; Biot numbers "
          << "Bi = h_eff L/k with h_eff = h + 4 eps sigma T_env^3, L = V/A_Robin = " << L_c << " m"
          << (domain.radius > 0 ? " and L = R" : "") << ":\n";
    for (const auto &seg : parameters.protocol.segments())
      {
        const double k  = parameters.material.thermal_conductivity.value(seg.environment_start);
        const double bi = biot_number(seg.heat_transfer_coefficient, seg.emissivity,
                                      seg.environment_start, L_c, k);
        pcout << "    " << std::left << std::setw(18) << seg.name << std::right
              << " duration " << std::setw(10) << seg.duration << " s, T_env "
              << seg.environment_start;
        if (seg.environment_rate != 0)
          pcout << " -> " << seg.environment_end();
        pcout << " K, h " << seg.heat_transfer_coefficient << " W/m^2K, eps " << seg.emissivity
              << ": Bi(V/A) = " << std::setprecision(3) << bi;
        if (domain.radius > 0)
          pcout << ", Bi(R) = "
                << biot_number(seg.heat_transfer_coefficient, seg.emissivity,
                               seg.environment_start, domain.radius, k);
        pcout << std::setprecision(6) << '\n';
      }
    if (mechanics)
      pcout << "  mechanics    : " << mechanics->solver_summary() << '\n';
    if (mechanics && mechanics->viscous())
      {
        const FreeVolumeParameters &fv = parameters.elastic.free_volume;
        pcout << "  viscous      : free volume + Maxwell flow, Tg = " << fv.glass_transition
              << " K at " << fv.calibration_rate * 60 << " K/min, tau0 = " << fv.tau0
              << " s, eta0 = " << fv.viscosity_prefactor(parameters.elastic.shear_modulus_at_tg())
              << " Pa s" << (fv.maxwell_rate_override.empty() ? "" : " (Maxwell rate override: " +
                                                                     fv.maxwell_rate_override + ")")
              << ", initial T_f = " << fv.initial_fictive_temperature << " K\n";
      }
    pcout << "  output       : " << parameters.output.directory << '\n' << std::flush;
  }

#define BMGFE_INSTANTIATE(dim, LA)                                                             \
  template void report_setup<dim, LA>(std::ostream &, const Parameters &,                      \
                                      const parallel::distributed::Triangulation<dim> &,       \
                                      const DomainInfo<dim> &, const HeatProblem<dim, LA> &,   \
                                      const MechanicsProblem<dim, LA> *);

  BMGFE_INSTANTIATE(2, linear_algebra::Trilinos)
  BMGFE_INSTANTIATE(3, linear_algebra::Trilinos)
  BMGFE_INSTANTIATE(2, linear_algebra::PETSc)
  BMGFE_INSTANTIATE(3, linear_algebra::PETSc)
#undef BMGFE_INSTANTIATE
} // namespace bmgfe
