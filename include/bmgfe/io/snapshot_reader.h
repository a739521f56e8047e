#pragma once
// The cell fields of a previous run's ParaView output (a snapshot written by SolutionWriter),
// sampled at arbitrary points: the initial state of a run that continues the history of
// another one (e.g. the HTC treatment of the as-cast rod of as_cast_vit1.prm). The meshes may
// differ; a point takes the values of the old cell that contains it. Every rank reads the
// whole snapshot (fine for axisymmetric and cross-section models; a restart of a large 3D
// run belongs to checkpointing, not to this reader). VTK stays inside the .cc file.
#include <array>
#include <memory>
#include <string>
#include <vector>

namespace bmgfe
{
  class SnapshotReader
  {
  public:
    /// `path`: a run's output directory or its solution.pvd (the last snapshot listed is
    /// used; a directory whose summary.json says the run did not complete is refused), or a
    /// .pvtu/.vtu file. Errors are InputErrors that name `entry` and the file.
    SnapshotReader(const std::string &path, const std::string &entry);
    ~SnapshotReader();

    /// The snapshot file actually read.
    const std::string &file() const;
    /// Time of the snapshot (from the .pvd record), NaN when read from a .pvtu/.vtu directly.
    double time() const;

    bool has_cell_field(const std::string &name) const;
    /// Index of the scalar cell field `name` for sample(); InputError if it is missing.
    unsigned int field_index(const std::string &name) const;

    /// Values of `fields` in the old cell that contains p (2D meshes: p[2] = 0). Returns
    /// false if p lies outside the old mesh.
    bool sample(const std::array<double, 3> &p, const std::vector<unsigned int> &fields,
                std::vector<double> &values) const;

  private:
    struct Impl;
    std::unique_ptr<Impl> impl;
  };
} // namespace bmgfe
