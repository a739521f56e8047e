#pragma once
// What this executable is: project version, git revision, build type and the deal.II it
// was built with. For `bmgfe --version`, the run log and anything else that records runs.
#include <string>

namespace bmgfe
{
  /// "bmgfe 0.1.0 (git 056bced-dirty, Release, deal.II 9.4.1, MPI, Trilinos 13.2.0,
  /// PETSc 3.18.1, p4est 2.2.0)"; a library deal.II was built without is "no PETSc".
  std::string version_string();

  /// Short hash of the commit built, "-dirty" appended if tracked files differed from it,
  /// "unknown" outside a git repository. Taken at build time, not at configure time.
  std::string git_revision();
} // namespace bmgfe
