#include <bmgfe/base/input_error.h>
#include <bmgfe/core/initial_state.h>
#include <bmgfe/io/snapshot_reader.h>

#include <deal.II/base/mpi.h>

#include <iomanip>
#include <limits>
#include <sstream>

namespace bmgfe
{
  using namespace dealii;

  template <int dim, typename LA>
  std::string read_initial_state(MechanicsProblem<dim, LA> &mechanics, const Parameters &parameters,
                                 const std::string &path, const MPI_Comm comm)
  {
    const std::string entry = "Material/Free volume/Initial state";
    SnapshotReader    snapshot(path, entry);
    const bool        with_strain = parameters.elastic.free_volume.initial_state_with_viscous_strain;
    const auto        components  = tensor_components(parameters.kinematics);
    namespace names               = state_field_names;
    std::vector<unsigned int> fields{snapshot.field_index(names::free_volume())};
    if (with_strain)
      for (const auto &c : components)
        fields.push_back(snapshot.field_index(names::viscous_strain(c.suffix)));

    const FreeVolumeParameters &fvp = parameters.elastic.free_volume;
    // Relaxation spectrum (doc/model.md "Relaxation spectrum"): the modes and branches of a
    // snapshot with the same numbers of them; otherwise (an older run, a single time, other N)
    // every mode starts at x and every branch at the total viscous strain.
    const unsigned int n_modes    = fvp.structural_spectrum.size();
    const unsigned int n_branches = fvp.shear_spectrum.size();
    const auto         has_exactly = [&](const auto &name_of, const unsigned int n) {
      return snapshot.has_cell_field(name_of(n - 1)) && !snapshot.has_cell_field(name_of(n));
    };
    const bool read_modes =
      n_modes > 1 && has_exactly([](const unsigned int i) { return names::free_volume_mode(i); }, n_modes);
    const std::string first_suffix = components.front().suffix;
    const bool        read_branches =
      with_strain && n_branches > 1 &&
      has_exactly([&](const unsigned int i) { return names::branch_viscous_strain(i, first_suffix); },
                  n_branches);
    const unsigned int first_mode = fields.size();
    if (read_modes)
      for (unsigned int i = 0; i < n_modes; ++i)
        fields.push_back(snapshot.field_index(names::free_volume_mode(i)));
    const unsigned int first_branch = fields.size();
    if (read_branches)
      for (unsigned int i = 0; i < n_branches; ++i)
        for (const auto &c : components)
          fields.push_back(snapshot.field_index(names::branch_viscous_strain(i, c.suffix)));

    std::vector<double>         values;
    unsigned long               n_outside = 0, n_points = 0;
    std::array<double, 3>       first_outside{};
    double                      tf_min = std::numeric_limits<double>::max(), tf_max = -tf_min;
    mechanics.initialize_state([&](const Point<dim> &x, MaterialPointState &s) {
      const std::array<double, 3> p{{x[0], x[1], dim == 3 ? x[2] : 0.0}};
      ++n_points;
      if (!snapshot.sample(p, fields, values))
        {
          if (n_outside++ == 0)
            first_outside = p;
          return;
        }
      s.x = values[0];
      if (with_strain)
        for (std::size_t k = 0; k < components.size(); ++k)
          s.inelastic_strain[components[k].i][components[k].j] = values[k + 1];
      s.free_volume_modes.clear();
      s.branch_viscous_strains.clear();
      if (read_modes)
        {
          s.free_volume_modes.assign(values.begin() + first_mode, values.begin() + first_mode + n_modes);
          s.x = fvp.total_free_volume(s.free_volume_modes); // x = sum w_i x_i exactly
        }
      if (read_branches)
        {
          s.branch_viscous_strains.resize(n_branches);
          for (unsigned int i = 0; i < n_branches; ++i)
            for (std::size_t k = 0; k < components.size(); ++k)
              s.branch_viscous_strains[i][components[k].i][components[k].j] =
                values[first_branch + i * components.size() + k];
        }
      tf_min = std::min(tf_min, fvp.fictive_temperature(s.x));
      tf_max = std::max(tf_max, fvp.fictive_temperature(s.x));
    });
    // Every rank must throw or none: agree on the number of points outside the old mesh.
    const auto outside = Utilities::MPI::all_gather(comm, std::make_pair(n_outside, first_outside));
    unsigned long total_outside = 0;
    std::array<double, 3> example{};
    for (const auto &[n, point] : outside)
      {
        if (total_outside == 0 && n > 0)
          example = point;
        total_outside += n;
      }
    if (total_outside > 0)
      {
        std::ostringstream where;
        where << '(' << example[0] << ", " << example[1] << (dim == 3 ? ", " + value_text(example[2]) : "")
              << ')';
        throw InputError("entry '" + entry + "': " + std::to_string(total_outside) +
                         " quadrature points lie outside the mesh of '" + snapshot.file() +
                         "', e.g. " + where.str() + " (the geometries differ)");
      }
    n_points = Utilities::MPI::sum(n_points, comm);
    tf_min   = Utilities::MPI::min(tf_min, comm);
    tf_max   = Utilities::MPI::max(tf_max, comm);
    std::ostringstream line;
    line << "  initial state: " << (with_strain ? "free volume and viscous strain" : "free volume")
         << " from " << snapshot.file();
    if (std::isfinite(snapshot.time()))
      line << " (t = " << snapshot.time() << " s)";
    line << "; T_f " << std::fixed << std::setprecision(1) << tf_min << " - " << tf_max << " K\n";
    if (n_modes > 1 || n_branches > 1)
      {
        line << "  relaxation spectrum: ";
        if (n_modes > 1)
          line << (read_modes ? std::to_string(n_modes) + " free-volume modes read" :
                                "the snapshot has no " + std::to_string(n_modes) +
                                  " free-volume modes: every mode starts at x");
        if (with_strain && n_branches > 1)
          line << "; "
               << (read_branches ? std::to_string(n_branches) + " Maxwell branches read" :
                                   "no " + std::to_string(n_branches) +
                                     " Maxwell branches: every branch starts at the total viscous strain");
        line << "\n";
      }
    return line.str();
  }

#define BMGFE_INSTANTIATE(dim, LA)                                                             \
  template std::string read_initial_state<dim, LA>(MechanicsProblem<dim, LA> &, const Parameters &, \
                                                   const std::string &, MPI_Comm);

  BMGFE_INSTANTIATE(2, linear_algebra::Trilinos)
  BMGFE_INSTANTIATE(3, linear_algebra::Trilinos)
  BMGFE_INSTANTIATE(2, linear_algebra::PETSc)
  BMGFE_INSTANTIATE(3, linear_algebra::PETSc)
#undef BMGFE_INSTANTIATE
} // namespace bmgfe
