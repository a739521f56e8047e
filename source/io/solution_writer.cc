#include <bmgfe/io/solution_writer.h>

#include <deal.II/base/mpi.h>
#include <deal.II/base/utilities.h>

#include <fstream>

namespace bmgfe
{
  template <int dim>
  SolutionWriter<dim>::SolutionWriter(const OutputParameters &prm, const std::string &directory,
                                      const MPI_Comm comm)
    : prm(prm)
    , directory(directory)
    , comm(comm)
  {}

  template <int dim>
  std::string SolutionWriter<dim>::write(const dealii::DataOut<dim> &data_out, const double time)
  {
    const unsigned int index = n_written();
    const std::string  pvtu  = data_out.write_vtu_with_pvtu_record(
      directory + "/solution/", "solution", index, comm, 5, prm.n_groups);
    records.emplace_back(time, "solution/" + pvtu);
    if (dealii::Utilities::MPI::this_mpi_process(comm) == 0)
      {
        // Rewritten every time, so the .pvd is valid while the run goes on.
        std::ofstream pvd(directory + "/solution.pvd");
        dealii::DataOutBase::write_pvd_record(pvd, records);
      }
    return records.back().second;
  }

  template class SolutionWriter<2>;
  template class SolutionWriter<3>;
} // namespace bmgfe
