#include <bmgfe/base/interruption.h>

#include <csignal>

namespace bmgfe
{
  namespace
  {
    volatile std::sig_atomic_t pending = 0;

    extern "C" void on_signal(const int signal)
    {
      pending = signal; // async-signal-safe: nothing but the store
    }
  } // namespace

  void install_interruption_handlers()
  {
    struct sigaction action = {};
    action.sa_handler       = on_signal;
    sigemptyset(&action.sa_mask);
    // SA_RESETHAND: a second signal of the same kind takes the default action (ends the
    // process); SA_RESTART: system calls (file writes, MPI's polling) resume.
    action.sa_flags = SA_RESETHAND | SA_RESTART;
    for (const int s : {SIGTERM, SIGUSR1, SIGINT})
      sigaction(s, &action, nullptr);
  }

  int received_signal()
  {
    return pending;
  }

  int agreed_signal(const MPI_Comm comm)
  {
    int local = pending, global = 0;
    MPI_Allreduce(&local, &global, 1, MPI_INT, MPI_MAX, comm);
    return global;
  }

  std::string signal_name(const int signal)
  {
    switch (signal)
      {
        case SIGTERM:
          return "SIGTERM";
        case SIGUSR1:
          return "SIGUSR1";
        case SIGINT:
          return "SIGINT";
        default:
          return "signal " + std::to_string(signal);
      }
  }
} // namespace bmgfe
