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
  /// A VTK cell-data array (one value, or tuple, per cell of the mesh): deal.II's DataOut writes
  /// every array as point data, so these are added to its output as <CellData>.
  struct CellArray
  {
    std::string         name;
    unsigned int        n_components = 1; ///< 1, 3 (vector) or 9 (3x3 tensor, row-major)
    /// n_components values per locally owned active cell, in the order of the triangulation's
    /// active cell iterators (the order of DataOut's patches).
    std::vector<double> values;
  };

  template <int dim>
  class SolutionWriter
  {
  public:
    SolutionWriter(const OutputParameters &prm, const std::string &directory, MPI_Comm comm);

    /// Write the patches built in `data_out` as snapshot number n_written() at `time`;
    /// returns the .pvtu file name relative to the output directory. With `cell_arrays`, every
    /// rank writes its own piece and the arrays are added as VTK cell data, each patch's value
    /// repeated for its `cells_per_patch` VTK cells (subdivisions^dim). Returns "" when a file
    /// could not be written (collective: every rank returns "").
    std::string write(const dealii::DataOut<dim> &data_out, double time,
                      const std::vector<CellArray> &cell_arrays = {},
                      unsigned int cells_per_patch = 1);

    unsigned int n_written() const { return static_cast<unsigned int>(records.size()); }
    const std::vector<std::pair<double, std::string>> &written() const { return records; }
    /// Restart: the snapshots written up to the checkpoint (written() then); solution.pvd is
    /// rewritten with them (rank 0), without those the interrupted run wrote later. Returns
    /// false when it could not be written (collective).
    bool restore(const std::vector<std::pair<double, std::string>> &written);

  private:
    /// solution.pvd with `records` (rank 0); false on every rank when it failed.
    bool write_pvd() const;

    const OutputParameters &prm;
    std::string             directory;
    MPI_Comm                comm;
    std::vector<std::pair<double, std::string>> records;
  };
} // namespace bmgfe
