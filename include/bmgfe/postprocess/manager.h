#pragma once
// The postprocessor registry and manager.
//
// Registration: a postprocessor's .cc file ends with
//   BMGFE_REGISTER_POSTPROCESSOR(ClassTemplate, "name", position, "one-line description")
// which makes it known under "name" for every dimension and linear-algebra backend, declares its
// parameters (ClassTemplate<2, Trilinos>::declare_parameters, a static function) and orders it
// by `position` (execution order and column order of statistics.csv). bmgfe_core is a shared
// library, so the registering objects of every plugin file are always linked.
//
// Choice: 'Postprocess/List of postprocessors' (comma-separated names; "default" is the set
// that suits the model: every postprocessor whose enabled_by_default() says yes). The manager
// declares the point quantities of the material point itself (temperature, stress, the strain
// decomposition, free volume, ...) before those of the postprocessors.
#include <bmgfe/postprocess/interface.h>

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace bmgfe
{
  namespace linear_algebra
  {
    struct Trilinos;
    struct PETSc;
  } // namespace linear_algebra

  namespace postprocess
  {
    /// What the registry knows of a postprocessor independently of dim and backend.
    struct PostprocessorInfo
    {
      std::string name;
      std::string description;
      int         position = 0;
      void (*declare_parameters)(dealii::ParameterHandler &) = nullptr;
    };

    /// Every registered postprocessor by name.
    const std::map<std::string, PostprocessorInfo> &registered_postprocessors();

    template <int dim, typename LA>
    using Factory = std::function<std::unique_ptr<Interface<dim, LA>>()>;

    namespace internal
    {
      void register_info(const PostprocessorInfo &info);
      template <int dim, typename LA>
      void register_factory(const std::string &name, Factory<dim, LA> factory);
      template <int dim, typename LA>
      const std::map<std::string, Factory<dim, LA>> &factories();
    } // namespace internal

    template <template <int, typename> class Plugin>
    bool register_postprocessor(const char *name, const int position, const char *description)
    {
      internal::register_info(
        {name, description, position, &Plugin<2, linear_algebra::Trilinos>::declare_parameters});
      internal::register_factory<2, linear_algebra::Trilinos>(name, [] {
        return std::unique_ptr<Interface<2, linear_algebra::Trilinos>>(
          new Plugin<2, linear_algebra::Trilinos>());
      });
      internal::register_factory<3, linear_algebra::Trilinos>(name, [] {
        return std::unique_ptr<Interface<3, linear_algebra::Trilinos>>(
          new Plugin<3, linear_algebra::Trilinos>());
      });
      internal::register_factory<2, linear_algebra::PETSc>(name, [] {
        return std::unique_ptr<Interface<2, linear_algebra::PETSc>>(new Plugin<2, linear_algebra::PETSc>());
      });
      internal::register_factory<3, linear_algebra::PETSc>(name, [] {
        return std::unique_ptr<Interface<3, linear_algebra::PETSc>>(new Plugin<3, linear_algebra::PETSc>());
      });
      return true;
    }

    /// Parameters of the manager itself and of every registered postprocessor.
    void declare_parameters(dealii::ParameterHandler &prm);

    template <int dim, typename LA>
    class Manager
    {
    public:
      /// `view` must outlive the manager.
      explicit Manager(const RunView<dim, LA> &view);
      ~Manager();

      /// Create the postprocessors of 'Postprocess/List of postprocessors' and let each read its
      /// parameters; declare the point quantities. Throws InputError.
      void parse_parameters(dealii::ParameterHandler &prm);
      /// initialize() of every postprocessor (after the simulator's setup).
      void initialize();
      void report_setup(std::ostream &out) const;

      /// The earliest time > t that a postprocessor wants a step to end at (+inf: none).
      double next_time_of_interest(double t) const;

      /// Every postprocessor for one accepted step; the row of statistics.csv. Collective.
      void execute(const StepInfo &info);
      /// Write statistics.csv now (rank 0). Returns false when it could not be written.
      bool write_statistics() const;
      /// summary.json entries of every postprocessor (completed runs). Collective.
      Summary summary();
      /// The run failed at `time`: let postprocessors save what they can (never throws).
      void on_failure(double time) noexcept;

      /// Checkpoints: the statistics table and every postprocessor's save_state(), by name
      /// (rank 0's; collective).
      std::map<std::string, std::string> save_state() const;
      /// Restart: restore what save_state() returned. The checkpoint must come from the same
      /// list of postprocessors (the simulator compares the parameters first). Collective.
      void load_state(const std::map<std::string, std::string> &state);

      const QuantityRegistry &quantities() const { return registry; }
      const StatisticsTable  &statistics() const { return table; }
      /// Names of the active postprocessors in execution order.
      std::vector<std::string> active() const;

    private:
      const RunView<dim, LA>                          &view;
      std::vector<std::string>                         names;
      std::vector<std::unique_ptr<Interface<dim, LA>>> postprocessors;
      QuantityRegistry                                 registry;
      StatisticsTable                                  table;
      double                                           last_write = -1e300;
    };
  } // namespace postprocess
} // namespace bmgfe

/// Register a postprocessor class template (see manager.h); use once, at namespace scope of
/// bmgfe::postprocess, in the plugin's .cc file.
#define BMGFE_REGISTER_POSTPROCESSOR(classname, name, position, description)                  \
  namespace                                                                                   \
  {                                                                                           \
    const bool registered_##classname =                                                       \
      ::bmgfe::postprocess::register_postprocessor<classname>(name, position, description);  \
  }
