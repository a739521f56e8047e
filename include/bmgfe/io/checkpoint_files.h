#pragma once
// The checkpoints of a run on disk (doc/checkpoints.md): OUTPUT/checkpoints/checkpoint-STEP/
// holds the mesh with its cell data (deal.II's p4est save: mesh, mesh.info, mesh_fixed.data,
// mesh_variable.data), state.bin (the run's global state) and manifest.txt, written last,
// which lists every file with its size and a checksum.
//
// A checkpoint is either whole or absent: it is written into .checkpoint-STEP.tmp, which is
// renamed when the manifest is complete; older checkpoints beyond the number kept are removed
// only after that. A restart takes the newest checkpoint whose files match its manifest and
// names those it skipped (a checkpoint truncated by a full disk or damaged later).
#include <mpi.h>

#include <string>
#include <vector>

namespace bmgfe
{
  class CheckpointFiles
  {
  public:
    /// `output_directory`: the run directory (checkpoints go to its 'checkpoints' folder).
    CheckpointFiles(const std::string &output_directory, MPI_Comm comm);

    /// Start checkpoint `step`: (re)create its temporary folder, removing leftovers of an
    /// interrupted writer. Returns the folder. Collective; throws RunError.
    std::string begin(unsigned int step) const;
    /// The checkpoint's files are written (every rank done): rank 0 writes the manifest,
    /// renames the folder to checkpoint-STEP and removes all but the newest `kept`
    /// checkpoints. Returns the final folder. Collective; throws RunError.
    std::string commit(unsigned int step, unsigned int kept) const;

    struct Found
    {
      std::string              folder; ///< empty: no whole checkpoint
      unsigned int             step = 0;
      std::vector<std::string> skipped; ///< "checkpoint-N: why" for newer damaged ones
    };
    /// The newest whole checkpoint (rank 0 checks, every rank gets the answer). Collective.
    Found newest() const;

    /// The folder of the checkpoints.
    const std::string &folder() const { return directory; }

  private:
    std::string directory;
    MPI_Comm    comm;
  };
} // namespace bmgfe
