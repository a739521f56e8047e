#include <bmgfe/base/input_error.h>
#include <bmgfe/core/initial_state.h>
#include <bmgfe/geometry/rod_axis.h>
#include <bmgfe/io/snapshot_reader.h>

#include <deal.II/base/mpi.h>
#include <deal.II/base/symmetric_tensor.h>

#include <cmath>

#include <iomanip>
#include <limits>
#include <sstream>

namespace bmgfe
{
  using namespace dealii;

  namespace
  {
    /// Where a point of this run lies in the snapshot and how the snapshot's tensors turn into
    /// this run's frame ('Material/Free volume/Initial state geometry').
    template <int dim>
    struct SnapshotFrame
    {
      /// The snapshot is an axisymmetric section and this run is not axisymmetric.
      bool mapped = false;
      /// The components read from the snapshot (its own kinematics' names).
      std::vector<TensorComponent> read_components;
      /// This run's components (what the state holds).
      std::vector<TensorComponent> run_components;

      std::array<double, 3> position(const Point<dim> &p) const
      {
        if (!mapped)
          return {{p[0], p[1], dim == 3 ? p[dim - 1] : 0.0}};
        if (dim == 2)
          return {{std::abs(p[0]), p[1], 0.0}};
        return {{std::hypot(p[0], p[1]), p[dim - 1], 0.0}};
      }

      /// The tensor whose snapshot components start at values[first], in this run's frame.
      SymmetricTensor<2, 3> tensor(const Point<dim> &p, const std::vector<double> &values,
                                   const std::size_t first) const
      {
        SymmetricTensor<2, 3> t;
        if (!mapped)
          {
            for (std::size_t k = 0; k < read_components.size(); ++k)
              t[read_components[k].i][read_components[k].j] = values[first + k];
            return t;
          }
        // Axisymmetric components rr, zz, tt, rz (base/kinematics.h order).
        const double rr = values[first], zz = values[first + 1], tt = values[first + 2],
                     rz = values[first + 3];
        if (dim == 2)
          {
            // Plane section through the axis: x the signed radius, y the axis, z the hoop.
            t[0][0] = rr, t[1][1] = zz, t[2][2] = tt, t[0][1] = p[0] < 0 ? -rz : rz;
            return t;
          }
        // A 3D rod about the z axis through the origin.
        RodAxis axis;
        axis.direction[2] = 1;
        return axis.cylindrical_basis(p).cartesian(rr, tt, zz, rz);
      }
    };

    template <int dim>
    SnapshotFrame<dim> snapshot_frame(const Parameters &parameters)
    {
      SnapshotFrame<dim> f;
      f.mapped = parameters.elastic.free_volume.initial_state_from_axisymmetric &&
                 parameters.kinematics != Kinematics::axisymmetric;
      f.run_components  = tensor_components(parameters.kinematics);
      f.read_components = f.mapped ? tensor_components(Kinematics::axisymmetric) : f.run_components;
      return f;
    }
  } // namespace

  template <int dim, typename LA>
  std::string read_initial_state(MechanicsProblem<dim, LA> &mechanics, const Parameters &parameters,
                                 const std::string &path, const MPI_Comm comm)
  {
    const std::string entry = "Material/Free volume/Initial state";
    SnapshotReader    snapshot(path, entry);
    const bool        with_strain = parameters.elastic.free_volume.initial_state_with_viscous_strain;
    const SnapshotFrame<dim> frame = snapshot_frame<dim>(parameters);
    const auto              &components = frame.read_components;
    namespace names               = state_field_names;
    if (frame.mapped)
      require(snapshot.has_cell_field(names::free_volume()) &&
                (!with_strain || snapshot.has_cell_field(names::viscous_strain("rr"))),
              "entry 'Material/Free volume/Initial state geometry'",
              "is 'axisymmetric' but '" + snapshot.file() +
                "' is not the output of an axisymmetric run (no field " +
                names::viscous_strain("rr") + ")");
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
    // A plastic snapshot: which part of the inelastic strain was plastic (doc/model.md, "Runs
    // that continue a previous run"). Read by the plastic models only (the others carry it
    // as part of the viscous strain, as it is).
    const bool read_plastic = with_strain && mechanics.plastic() &&
                              snapshot.has_cell_field(names::equivalent_plastic_strain());
    const unsigned int first_plastic = fields.size();
    if (read_plastic)
      {
        for (const auto &c : components)
          fields.push_back(snapshot.field_index(names::plastic_strain(c.suffix)));
        fields.push_back(snapshot.field_index(names::equivalent_plastic_strain()));
        fields.push_back(snapshot.field_index(names::plastic_free_volume()));
      }
    // Without the free-volume relaxation the law keeps the structural strain of the read x as
    // a fixed eigenstrain (ConstitutiveLaw::Settings::frozen_structural_strain).
    const bool fold_structural_strain = !mechanics.viscous();
    const bool perturbed = static_cast<bool>(parameters.elastic.free_volume_perturbation);
    const bool heterogeneous_x =
      parameters.elastic.heterogeneous && parameters.elastic.free_volume_amplitude != 0;
    double                      smallest_x = std::numeric_limits<double>::max();
    std::vector<double>         values;
    unsigned long               n_outside = 0, n_points = 0;
    std::array<double, 3>       first_outside{};
    double                      tf_min = std::numeric_limits<double>::max(), tf_max = -tf_min;
    mechanics.initialize_state([&](const Point<dim> &x, MaterialPointState &s) {
      const std::array<double, 3> p = frame.position(x);
      ++n_points;
      if (!snapshot.sample(p, fields, values))
        {
          if (n_outside++ == 0)
            first_outside = p;
          return;
        }
      s.x = values[0];
      if (with_strain)
        s.inelastic_strain = frame.tensor(x, values, 1);
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
            s.branch_viscous_strains[i] = frame.tensor(x, values, first_branch + i * components.size());
        }
      if (read_plastic)
        {
          s.plastic_strain            = frame.tensor(x, values, first_plastic);
          s.equivalent_plastic_strain = values[first_plastic + components.size()];
          s.plastic_free_volume       = values[first_plastic + components.size() + 1];
        }
      // The structural heterogeneity of the frozen glass (doc/model.md §6, "Mesoscale
      // heterogeneity"): a state read from a homogeneous run gets x (1 + delta_x g(X)), every
      // mode the same factor (the weights sum to 1, so x = sum w_i x_i still holds).
      if (heterogeneous_x)
        {
          const double factor = 1 + parameters.elastic.free_volume_amplitude * s.g;
          s.x *= factor;
          for (double &xi : s.free_volume_modes)
            xi *= factor;
          smallest_x = std::min(smallest_x, s.x);
        }
      // 'Initial free volume perturbation' (e.g. a soft spot that seeds a band) on top of
      // the read glass, every mode shifted alike (x = sum w_i x_i still holds).
      if (perturbed)
        {
          const std::array<double, 3> model_point{{x[0], x[1], dim == 3 ? x[dim - 1] : 0.0}};
          const double                dx = parameters.elastic.free_volume_perturbation(model_point);
          s.x += dx;
          for (double &xi : s.free_volume_modes)
            xi += dx;
          smallest_x = std::min(smallest_x, s.x);
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
    smallest_x = Utilities::MPI::min(smallest_x, comm);
    require(smallest_x > 0,
            perturbed ? "entries 'Heterogeneity/Free-volume amplitude' and 'Material/Free "
                        "volume/Initial free volume perturbation'" :
                        "entry 'Heterogeneity/Free-volume amplitude'",
            "makes the free volume read from '" + snapshot.file() + "' non-positive (smallest value " +
              value_text(smallest_x) + "); |delta_x| times the largest |g| must stay below 1");
    n_points = Utilities::MPI::sum(n_points, comm);
    tf_min   = Utilities::MPI::min(tf_min, comm);
    tf_max   = Utilities::MPI::max(tf_max, comm);
    std::ostringstream line;
    line << "  initial state: " << (with_strain ? "free volume and viscous strain" : "free volume")
         << " from " << snapshot.file();
    if (std::isfinite(snapshot.time()))
      line << " (t = " << snapshot.time() << " s)";
    if (frame.mapped)
      line << ", mapped from an axisymmetric section";
    if (read_plastic)
      line << ", with the plastic strain";
    if (fold_structural_strain)
      line << ", structural strain of x kept as an eigenstrain";
    if (perturbed)
      line << " plus the 'Initial free volume perturbation'";
    if (heterogeneous_x)
      line << " times (1 + " << parameters.elastic.free_volume_amplitude << " g(X))";
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

  namespace
  {
    template <int dim>
    class SnapshotTemperature : public Function<dim>
    {
    public:
      SnapshotTemperature(const Parameters &parameters)
        : reader(parameters.elastic.free_volume.initial_state, "Heat/Initial temperature")
        , frame(snapshot_frame<dim>(parameters))
        , field(reader.field_index("temperature_K"))
      {}

      double value(const Point<dim> &p, const unsigned int = 0) const override
      {
        std::vector<double> v;
        if (!reader.sample(frame.position(p), {field}, v))
          {
            std::ostringstream where;
            where << p;
            throw InputError("entry 'Heat/Initial temperature': the point (" + where.str() +
                             ") lies outside the mesh of '" + reader.file() + "' (the geometries differ)");
          }
        return v[0];
      }

    private:
      SnapshotReader           reader;
      const SnapshotFrame<dim> frame;
      const unsigned int       field;
    };
  } // namespace

  template <int dim>
  std::unique_ptr<Function<dim>> initial_state_temperature(const Parameters &parameters)
  {
    require(!parameters.elastic.free_volume.initial_state.empty(), "entry 'Heat/Initial temperature'",
            "is 'initial state' but 'Material/Free volume/Initial state' names no previous run");
    return std::make_unique<SnapshotTemperature<dim>>(parameters);
  }

  template std::unique_ptr<Function<2>> initial_state_temperature<2>(const Parameters &);
  template std::unique_ptr<Function<3>> initial_state_temperature<3>(const Parameters &);

#define BMGFE_INSTANTIATE(dim, LA)                                                             \
  template std::string read_initial_state<dim, LA>(MechanicsProblem<dim, LA> &, const Parameters &, \
                                                   const std::string &, MPI_Comm);

  BMGFE_INSTANTIATE(2, linear_algebra::Trilinos)
  BMGFE_INSTANTIATE(3, linear_algebra::Trilinos)
  BMGFE_INSTANTIATE(2, linear_algebra::PETSc)
  BMGFE_INSTANTIATE(3, linear_algebra::PETSc)
#undef BMGFE_INSTANTIATE
} // namespace bmgfe
