#pragma once
// Parallel ParaView output: solution/solution-NNNNN.pvtu (+ grouped .vtu pieces) per
// snapshot and solution.pvd listing every snapshot with its time.
#include <bmgfe/io/output_parameters.h>

#include <deal.II/numerics/data_out.h>

#include <mpi.h>

#include <string>
#include <utility>
#include <vector>

namespace bmgfe
{
  template <int dim>
  class SolutionWriter
  {
  public:
    SolutionWriter(const OutputParameters &prm, const std::string &directory, MPI_Comm comm);

    /// Write the patches built in `data_out` as snapshot number n_written() at `time`;
    /// returns the .pvtu file name relative to the output directory.
    std::string write(const dealii::DataOut<dim> &data_out, double time);

    unsigned int n_written() const { return static_cast<unsigned int>(records.size()); }
    const std::vector<std::pair<double, std::string>> &written() const { return records; }

  private:
    const OutputParameters &prm;
    std::string             directory;
    MPI_Comm                comm;
    std::vector<std::pair<double, std::string>> records;
  };
} // namespace bmgfe
