#pragma once
// Simulator<dim, LA>: owns the mesh, the physics and the time loop; writes output,
// statistics and the run summary. run_simulation() picks the instantiation at run time.
#include <bmgfe/core/parameters.h>
#include <bmgfe/geometry/geometry.h>
#include <bmgfe/io/run_directory.h>
#include <bmgfe/io/solution_writer.h>
#include <bmgfe/physics/heat_problem.h>
#include <bmgfe/physics/mechanics_problem.h>
#include <bmgfe/postprocess/point_probes.h>
#include <bmgfe/postprocess/ring_statistics.h>

#include <deal.II/base/conditional_ostream.h>
#include <deal.II/base/table_handler.h>
#include <deal.II/base/timer.h>
#include <deal.II/distributed/tria.h>
#include <deal.II/fe/mapping_q.h>

#include <map>
#include <memory>
#include <optional>

namespace bmgfe
{
  enum class RunMode
  {
    run,      ///< full simulation
    validate  ///< build everything, check it, write nothing
  };

  /// What Simulator::write_profiles() computed at one time, kept for the run summary: the
  /// ring statistics and, with mechanics, extremes over all quadrature points of the body
  /// (cylindrical components of the rod, Pa).
  struct ProfileData
  {
    std::optional<RingStatistics> rings;
    bool   has_stress    = false;
    /// Names of the two stress components whose extremes are kept: sigma_tt and sigma_zz of
    /// rods; the in-plane components of plates (sigma_xx and sigma_zz of a planar section,
    /// sigma_xx and sigma_yy in 3D).
    std::string first_extreme = "sigma_tt", second_extreme = "sigma_zz";
    double max_stress_tt = 0, min_stress_tt = 0, max_stress_zz = 0, min_stress_zz = 0;
    double max_von_mises = 0, max_principal_stress = 0;
  };

  /// Dispatch on dimension and linear-algebra backend. Collective on MPI_COMM_WORLD.
  void run_simulation(const Parameters &parameters, const dealii::ParameterHandler &prm,
                      RunMode mode);

  template <int dim, typename LA>
  class Simulator
  {
  public:
    Simulator(const Parameters &parameters, const dealii::ParameterHandler &prm, MPI_Comm comm);
    ~Simulator();

    /// Mesh, boundary checks, DoFs and probes; throws InputError for inconsistent input.
    void setup();
    /// The time loop. Requires setup().
    void run();

  private:
    void check_boundary_conditions() const;
    void solve_mechanics(double t);
    /// profiles/profile_NNNNN.csv and profiles/rings_NNNNN.csv at time t (nothing for bodies
    /// other than rods: then the result is empty). Collective.
    ProfileData write_profiles(double t);
    void report_heterogeneity() const;
    /// 'Material/Free volume/Initial state': x (and the viscous strain) of every quadrature
    /// point from a previous run's output.
    void read_initial_state(const std::string &path);
    void report_setup();
    void postprocess(unsigned int step, double t, double dt, std::size_t stage,
                     const HeatStepReport &report, unsigned int rejected, bool write_snapshot);
    std::string write_snapshot(double t);
    /// Plastic models: Newton and plasticity columns of the statistics, shear bands (a CSV at
    /// the output times).
    void         plastic_statistics(double t, bool snapshot);
    unsigned int load_axis_component() const;
    /// Loading programme: a row of force_displacement.csv (time, segment, nominal strain,
    /// platen displacement, reactions, nominal stress).
    void         write_loading_curve(double t);
    void        write_statistics(bool force);

    const Parameters               &parameters;
    const dealii::ParameterHandler &prm;
    MPI_Comm                        comm;
    dealii::ConditionalOStream      pcout;
    dealii::TimerOutput             timer;

    dealii::parallel::distributed::Triangulation<dim> triangulation;
    std::unique_ptr<dealii::MappingQ<dim>>            mapping;
    DomainInfo<dim>                                   domain;
    std::unique_ptr<HeatProblem<dim, LA>>             heat;
    std::unique_ptr<MechanicsProblem<dim, LA>>        mechanics;
    std::vector<MaterialPointFields>                        cell_stress; ///< per active cell
    MechanicsStepReport                               mechanics_report;
    PointProbes<dim>                                  probes;
    PointProbes<dim>                                  profile_points; ///< along a radius
    unsigned int                                      n_profiles_written = 0;
    unsigned int                                      n_shear_band_files = 0;
    /// Reaction forces of the last postprocess, by (boundary id, component).
    std::map<std::pair<unsigned int, unsigned int>, double> reactions;
    double                                            loaded_area           = 0;
    bool                                              loading_curve_started = false;
    std::unique_ptr<RunDirectory>                     run_directory;
    std::unique_ptr<SolutionWriter<dim>>              writer;
    dealii::TableHandler                              statistics;
    double                                            last_statistics_write = -1e300;
    std::string                                       last_snapshot;
    std::string                                       initial_state_note; ///< for the set-up report
    /// Closed-form temperature for verification runs (Statistics/Reference solution).
    std::unique_ptr<dealii::Function<dim>>            reference_temperature;
    /// Exact displacement for verification runs (Statistics/Reference displacement).
    std::unique_ptr<dealii::Function<dim>>            reference_displacement;
  };
} // namespace bmgfe
