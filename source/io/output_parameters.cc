#include <bmgfe/base/input_error.h>
#include <bmgfe/base/time_list.h>
#include <bmgfe/io/output_parameters.h>

#include <deal.II/base/parameter_handler.h>

namespace bmgfe
{
  void OutputParameters::declare_parameters(dealii::ParameterHandler &prm)
  {
    using namespace dealii::Patterns;
    prm.declare_entry("Output directory", "output", Anything(),
                      "Folder for all results (created if missing): solution.pvd and "
                      "solution/*.pvtu for ParaView, fields.csv (the arrays with their units), "
                      "statistics.csv, log.txt, parameters.prm/.json, summary.json (its status "
                      "says whether the run completed).");
    prm.enter_subsection("Output");
    prm.declare_entry("Interval in steps", "0", Integer(0),
                      "Write a snapshot every this many time steps (0: off).");
    prm.declare_entry("Interval in time", "0", Double(0),
                      "Write a snapshot at every multiple of this time [s] after the start (0: "
                      "off; otherwise at least 1e-5 of the protocol's duration); the time stepping ends a step exactly there. Snapshots are also "
                      "written at the start, at the end and at the end of every protocol segment "
                      "that asks for it.");
    prm.declare_entry("Output times", "", Anything(),
                      "Further snapshot times [s]: numbers and ranges 'start:step:end', e.g. "
                      "'30:0.25:33' for every 0.25 s of a quench that starts at 30 s. Hit exactly "
                      "by the time stepping; times outside the run are ignored with a warning.");
    prm.declare_entry("Number of grouped files", "1", Integer(0),
                      "Number of .vtu pieces per snapshot (ranks are grouped into them); 0 "
                      "writes one piece per rank.");
    prm.declare_entry("Subdivisions", "0", Integer(0, 8),
                      "Subdivisions of each cell in the visualization output (0: the element degree).");
    prm.declare_entry("Write visualization", "true", Bool(),
                      "Write .pvtu/.vtu snapshots (statistics are always written).");
    prm.declare_entry("Statistics flush interval", "2", Double(0, 86400),
                      "statistics.csv is rewritten at every snapshot, at the end, and between "
                      "them at most every this many seconds of wall time (0: every step), so "
                      "that a long run can be watched and a killed one keeps its history. The "
                      "table is rewritten whole, so a small value costs time on runs with many "
                      "steps.");
    prm.leave_subsection();
    prm.enter_subsection("Checkpoint");
    prm.declare_entry("Interval in time", "0", Double(0),
                      "Write a restart checkpoint (OUTPUT/checkpoints/checkpoint-STEP) after the "
                      "first step that reaches each multiple of this simulated time [s] after the "
                      "start (0: off; otherwise at least 1e-5 of the protocol's duration). "
                      "'bmgfe FILE.prm --restart OUTPUT' continues from the newest whole one, "
                      "also on another number of MPI ranks. SIGTERM, SIGUSR1 and SIGINT always "
                      "write one before the run stops (exit code 75).");
    prm.declare_entry("Interval in wall time", "0", Double(0),
                      "Also write a checkpoint after the first step that ends this many seconds "
                      "of wall time after the last checkpoint (or the start); 0: off. On a "
                      "cluster, e.g. 3600, so that a killed job loses at most an hour.");
    prm.declare_entry("Number kept", "2", Integer(1, 1000),
                      "Checkpoints kept; older ones are removed once a newer one is complete. "
                      "Each is written under a temporary name and renamed when whole, so a "
                      "run killed while writing leaves the previous ones intact.");
    prm.leave_subsection();
  }

  void OutputParameters::parse_parameters(dealii::ParameterHandler &prm)
  {
    directory = prm.get("Output directory");
    require(!directory.empty(), "entry 'Output directory'", "must not be empty");
    prm.enter_subsection("Output");
    interval_steps = prm.get_integer("Interval in steps");
    interval_time  = prm.get_double("Interval in time");
    times          = parse_time_list(prm.get("Output times"), "Output/Output times");
    n_groups       = prm.get_integer("Number of grouped files");
    subdivisions   = prm.get_integer("Subdivisions");
    write_vtu      = prm.get_bool("Write visualization");
    statistics_flush_seconds = prm.get_double("Statistics flush interval");
    prm.leave_subsection();
    prm.enter_subsection("Checkpoint");
    checkpoint_interval_time      = prm.get_double("Interval in time");
    checkpoint_interval_wall_time = prm.get_double("Interval in wall time");
    checkpoints_kept              = prm.get_integer("Number kept");
    prm.leave_subsection();
  }
} // namespace bmgfe
