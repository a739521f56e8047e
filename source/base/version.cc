#include <bmgfe/base/version.h>

#include <deal.II/base/config.h>

#ifdef DEAL_II_WITH_PETSC
#  include <petscversion.h>
#endif

// Set by CMakeLists.txt for this file only, so that nothing else recompiles when they change.
#ifndef BMGFE_VERSION
#  define BMGFE_VERSION "unknown"
#endif
#ifndef BMGFE_BUILD_TYPE
#  define BMGFE_BUILD_TYPE "unknown build type"
#endif

namespace bmgfe
{
  namespace detail
  {
    // Defined in the source that cmake/git_revision.cmake generates at every build.
    const char *git_revision();
  } // namespace detail

  namespace
  {
    std::string version_number(const int major, const int minor, const int subminor)
    {
      return std::to_string(major) + "." + std::to_string(minor) + "." + std::to_string(subminor);
    }
  } // namespace

  std::string git_revision()
  {
    return detail::git_revision();
  }

  std::string version_string()
  {
    std::string s = std::string("bmgfe ") + BMGFE_VERSION + " (git " + git_revision() + ", " +
                    (std::string(BMGFE_BUILD_TYPE).empty() ? "no build type" : BMGFE_BUILD_TYPE) +
                    ", deal.II " + DEAL_II_PACKAGE_VERSION;
#ifdef DEAL_II_WITH_MPI
    s += ", MPI";
#else
    s += ", no MPI";
#endif
#ifdef DEAL_II_WITH_TRILINOS
    s += ", Trilinos " + version_number(DEAL_II_TRILINOS_VERSION_MAJOR, DEAL_II_TRILINOS_VERSION_MINOR,
                                        DEAL_II_TRILINOS_VERSION_SUBMINOR);
#else
    s += ", no Trilinos";
#endif
#ifdef DEAL_II_WITH_PETSC
    s += ", PETSc " + version_number(PETSC_VERSION_MAJOR, PETSC_VERSION_MINOR, PETSC_VERSION_SUBMINOR);
#else
    s += ", no PETSc";
#endif
#ifdef DEAL_II_WITH_P4EST
    s += ", p4est " + version_number(DEAL_II_P4EST_VERSION_MAJOR, DEAL_II_P4EST_VERSION_MINOR,
                                     DEAL_II_P4EST_VERSION_SUBMINOR);
#else
    s += ", no p4est";
#endif
    return s + ")";
  }
} // namespace bmgfe
