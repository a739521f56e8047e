#pragma once
// Stopping a run early on a signal (SIGTERM, SIGUSR1: what SLURM sends before the time
// limit; SIGINT: Ctrl-C). The handler only sets a flag; the time loop asks at the end of
// every step, collectively, whether any rank got a signal, so all ranks stop after the same
// step. The run then writes its statistics, (later) a checkpoint, and summary.json with
// status "interrupted", and bmgfe exits with exit_code_interrupted.
#include <mpi.h>

#include <stdexcept>
#include <string>

namespace bmgfe
{
  /// Exit code of a run stopped by a signal: EX_TEMPFAIL of <sysexits.h> ("try again"); the
  /// SLURM script of scripts/bmgfe-sweep requeues a task that exits with it.
  constexpr int exit_code_interrupted = 75;

  /// Install the handlers of SIGTERM, SIGUSR1 and SIGINT (after MPI_Init). Each handler is
  /// reset to the default by its first signal, so a second SIGTERM/SIGINT ends the process at
  /// once.
  void install_interruption_handlers();

  /// The signal this process has received since install_interruption_handlers() (0: none).
  int received_signal();

  /// Collective: the largest signal number any rank of `comm` has received (0: none). Every
  /// rank gets the same answer.
  int agreed_signal(MPI_Comm comm);

  /// "SIGTERM", "SIGUSR1", "SIGINT", else "signal N".
  std::string signal_name(int signal);

  /// Thrown (on every rank) once an interrupted run has written its outputs and summary.json
  /// ("interrupted"); main() exits with exit_code_interrupted.
  class Interrupted : public std::runtime_error
  {
  public:
    Interrupted(int signal, const std::string &what)
      : std::runtime_error(what)
      , signal(signal)
    {}
    int signal;
  };
} // namespace bmgfe
