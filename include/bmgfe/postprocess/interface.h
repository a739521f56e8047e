#pragma once
// Postprocessor plugins (in the spirit of ASPECT's Postprocess::Interface): each postprocessor
// is one header/source pair that owns its parameters, its state, the point quantities it adds
// to the output (fields of the visualization, columns of the ring statistics), its statistics
// columns, its files and its entries of summary.json. It registers itself with
// BMGFE_REGISTER_POSTPROCESSOR in its .cc file; 'Postprocess/List of postprocessors' chooses
// which run (postprocess/manager.h).
//
// A postprocessor sees the run through RunView (read-only pointers to the mesh, the physics,
// the material and the output directory): the postprocessors sit above the physics and below
// the simulator, which fills the view.
//
// The order of a step (Manager::execute): every active postprocessor that wants quadrature
// points gets visit_cell() for every locally owned cell (one pass over the mechanics' points,
// shared by all of them), then execute() in the order of their registration positions, which is
// also the order of their columns in statistics.csv.
#include <bmgfe/base/kinematics.h>
#include <bmgfe/geometry/geometry.h>
#include <bmgfe/materials/material_point_fields.h>
#include <bmgfe/postprocess/quantities.h>
#include <bmgfe/postprocess/statistics_table.h>

#include <deal.II/base/point.h>

#include <cstdint>
#include <functional>
#include <limits>
#include <map>
#include <memory>
#include <ostream>
#include <string>
#include <vector>

namespace dealii
{
  class ParameterHandler;
  class TimerOutput;
  template <int dim, int spacedim>
  class Mapping;
  template <int dim, int spacedim>
  class Triangulation;
  namespace parallel
  {
    namespace distributed
    {
      template <int dim, int spacedim>
      class Triangulation;
    }
  } // namespace parallel
} // namespace dealii

namespace bmgfe
{
  template <int dim, typename LA>
  class HeatProblem;
  template <int dim, typename LA>
  class MechanicsProblem;
  struct HeatStepReport;
  struct MechanicsStepReport;
  struct MechanicsParameters;
  struct HeatParameters;
  struct OutputParameters;
  class ThermalProtocol;
  struct ThermalMaterial;
  struct ThermoElasticMaterial;
  class RunDirectory;
  template <int dim>
  class SolutionWriter;

  namespace postprocess
  {
    /// What a postprocessor may read of the run. Filled by the simulator before
    /// initialize(); pointers to objects that outlive every postprocessor.
    template <int dim, typename LA>
    struct RunView
    {
      MPI_Comm                                                 comm = MPI_COMM_NULL;
      const dealii::parallel::distributed::Triangulation<dim, dim> *triangulation = nullptr;
      const dealii::Mapping<dim, dim>                         *mapping       = nullptr;
      const DomainInfo<dim>                                   *domain        = nullptr;
      Kinematics                      kinematics = Kinematics::axisymmetric;
      const HeatProblem<dim, LA>     *heat       = nullptr;
      const HeatParameters           *heat_parameters = nullptr;
      /// Null when 'Mechanics/Enabled = false'.
      const MechanicsProblem<dim, LA> *mechanics = nullptr;
      const MechanicsParameters       *mechanics_parameters = nullptr;
      const ThermalProtocol           *protocol             = nullptr;
      const ThermalMaterial           *thermal_material     = nullptr;
      const ThermoElasticMaterial     *material             = nullptr;
      const OutputParameters          *output               = nullptr;
      /// Null with --validate (nothing is written then).
      const RunDirectory *run_directory = nullptr;
      dealii::TimerOutput *timer = nullptr;
      /// Rank 0's console (and log); other ranks get a stream that discards.
      std::ostream *log = nullptr;
      /// The parameter file (for messages).
      std::string parameter_file;

      bool is_root() const;
    };

    /// The state of the run at the end of one accepted step (step 0: the initial state).
    struct StepInfo
    {
      unsigned int step      = 0;
      double       time      = 0; ///< s
      double       time_step = 0; ///< s (0 at step 0)
      std::size_t  stage     = 0; ///< index into ThermalProtocol::stages()
      const HeatStepReport      *heat_report      = nullptr;
      const MechanicsStepReport *mechanics_report = nullptr; ///< null without mechanics
      unsigned int               rejected_steps   = 0;       ///< heat steps rejected on the way
      /// Snapshots are written at this step (Output/...): postprocessors that write files "at
      /// the output times" do so now.
      bool output_time = false;
      /// The last step of the run.
      bool   final     = false;
      double wall_time = 0; ///< s since the start of the run, rank 0's clock on every rank
    };

    /// The quadrature points of one locally owned cell with what the mechanics computed there
    /// (without mechanics: the temperature only). Positions are in model coordinates.
    template <int dim>
    struct CellPoints
    {
      /// The cell of the triangulation (use (level, index) to find it in a DoF handler).
      typename dealii::Triangulation<dim, dim>::active_cell_iterator cell;
      std::vector<dealii::Point<dim>>  positions;
      std::vector<double>              weights; ///< JxW times the volume weight (2 pi r) [m^3]
      std::vector<double>              JxW;     ///< JxW without the volume weight
      std::vector<MaterialPointFields> fields;
      /// The quadrature rule (of the mechanics, or QGauss(p + 1) of the heat without it).
      const dealii::Quadrature<dim> *quadrature = nullptr;
      double                         time       = 0; ///< of the step [s]
      /// True for the first cell this rank visits in this step (start accumulating).
      bool first = false;
    };

    /// Rank 0 runs `write` (false: the file could not be written); then, collectively, every rank
    /// throws RunError naming `file` if it failed (so that no rank waits for another forever).
    template <int dim, typename LA>
    void write_on_root(const RunView<dim, LA> &run, const std::string &file,
                       const std::function<bool()> &write);

    /// Checkpoints of a file that a postprocessor appends to (`name` relative to the run
    /// directory): its size now on rank 0 (0 on the other ranks, without a run directory, and
    /// when it does not exist yet), for save_state().
    template <int dim, typename LA>
    std::uint64_t appended_file_size(const RunView<dim, LA> &run, const std::string &name);
    /// On restart (load_state()): cut the file back to `size` on rank 0, dropping what the
    /// interrupted run appended after the checkpoint (size 0: remove it; the next write starts
    /// it again). Collective; throws RunError when the file is shorter than `size` or cannot be
    /// cut.
    template <int dim, typename LA>
    void restore_appended_file(const RunView<dim, LA> &run, const std::string &name,
                               std::uint64_t size);

    /// summary.json entries: name -> a JSON value as text (number or string).
    using Summary = std::map<std::string, std::string>;
    /// A number for summary.json ("null" when not finite).
    std::string json_number(double value);

    /// Every postprocessor also has `static void declare_parameters(dealii::ParameterHandler &)`
    /// (the handler at the top level), which registration stores.
    template <int dim, typename LA>
    class Interface
    {
    public:
      virtual ~Interface() = default;

      /// Whether "default" in 'Postprocess/List of postprocessors' includes this one for the
      /// run (e.g. only with mechanics, or only when one of its entries is set: `prm` is the
      /// handler at the top level). `run()` is valid here.
      virtual bool enabled_by_default(dealii::ParameterHandler &prm) const
      {
        (void)prm;
        return true;
      }

      /// Read this postprocessor's parameters (the handler at the top level). Throws InputError
      /// naming the entry. Called before initialize().
      virtual void parse_parameters(dealii::ParameterHandler &prm) { (void)prm; }

      /// Point quantities this postprocessor defines (evaluated from MaterialPointFields), for
      /// the visualization, the ring statistics and the profiles. Called before initialize().
      virtual void declare_quantities(QuantityRegistry &quantities) const { (void)quantities; }

      /// After the simulator's setup (mesh, DoFs, material-point state); `run()` is valid.
      /// Throws InputError for input that only the mesh or the physics can judge.
      virtual void initialize() {}

      /// Lines of the start-up report (rank 0 prints them).
      virtual void report_setup(std::ostream &out) const { (void)out; }

      /// The earliest time > t at which this postprocessor needs a step to end exactly (e.g.
      /// profile times); +inf if none.
      virtual double next_time_of_interest(double t) const
      {
        (void)t;
        return std::numeric_limits<double>::infinity();
      }

      /// Whether this step needs visit_cell() before execute().
      virtual bool needs_quadrature_points(const StepInfo &info) const
      {
        (void)info;
        return false;
      }
      /// One locally owned cell's quadrature points (only when needs_quadrature_points()).
      virtual void visit_cell(const CellPoints<dim> &points) { (void)points; }

      /// The statistics columns of this step, and files. Collective: every rank calls it.
      virtual void execute(const StepInfo &info, StatisticsRow &statistics)
      {
        (void)info;
        (void)statistics;
      }

      /// Entries of summary.json at the end of a completed run. Collective.
      virtual void add_summary(Summary &summary) { (void)summary; }

      /// Checkpoints (doc/checkpoints.md): the state this postprocessor carries from one step
      /// to the next (running extrema, histories, counters, the list of files written so far),
      /// as bytes (io/checkpoint_state.h: pack_state). Called on every rank after execute() of
      /// the checkpointed step; rank 0's bytes are stored and every rank's load_state() gets
      /// them on restart (after initialize()), possibly with another number of ranks: state
      /// that differs between ranks must be reduced into rank 0's bytes or rebuilt in
      /// load_state(). Empty: nothing to carry (the default).
      virtual std::string save_state() const { return {}; }
      /// Restore what save_state() returned (empty bytes: the default, nothing). Throws
      /// std::runtime_error for bytes it cannot read. Collective.
      virtual void load_state(const std::string &bytes) { (void)bytes; }

      /// When the run fails: write what is needed to inspect the last state (e.g. a snapshot of
      /// the last converged state). Must not throw.
      virtual void on_failure(double time) noexcept { (void)time; }

      /// Set by the manager.
      void set_run(const RunView<dim, LA> &view, const QuantityRegistry &quantities)
      {
        run_view          = &view;
        quantity_registry = &quantities;
      }

    protected:
      const RunView<dim, LA> &run() const { return *run_view; }
      const QuantityRegistry &quantities() const { return *quantity_registry; }

    private:
      const RunView<dim, LA> *run_view          = nullptr;
      const QuantityRegistry *quantity_registry = nullptr;
    };
  } // namespace postprocess
} // namespace bmgfe
