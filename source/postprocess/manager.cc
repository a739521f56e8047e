#include <bmgfe/base/input_error.h>
#include <bmgfe/io/checkpoint_state.h>
#include <bmgfe/io/output_parameters.h>
#include <bmgfe/io/run_directory.h>
#include <bmgfe/linear_algebra/backend.h>
#include <bmgfe/physics/heat_problem.h>
#include <bmgfe/physics/mechanics_problem.h>
#include <bmgfe/postprocess/manager.h>
#include <bmgfe/postprocess/material_point_quantities.h>

#include <deal.II/base/mpi.h>
#include <deal.II/base/parameter_handler.h>
#include <deal.II/base/quadrature_lib.h>
#include <deal.II/base/timer.h>
#include <deal.II/base/utilities.h>
#include <deal.II/fe/fe_values.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <cmath>
#include <iomanip>
#include <sstream>

namespace bmgfe
{
  namespace postprocess
  {
    using namespace dealii;

    template <int dim, typename LA>
    bool RunView<dim, LA>::is_root() const
    {
      return Utilities::MPI::this_mpi_process(comm) == 0;
    }

    std::string json_number(const double value)
    {
      if (!std::isfinite(value))
        return "null";
      std::ostringstream out;
      out << std::setprecision(12) << value;
      return out.str();
    }

    template <int dim, typename LA>
    void write_on_root(const RunView<dim, LA> &run, const std::string &file,
                       const std::function<bool()> &write)
    {
      bool ok = true;
      if (run.is_root())
        try
          {
            ok = write();
          }
        catch (const std::exception &)
          {
            ok = false;
          }
      if (Utilities::MPI::min(ok ? 1 : 0, run.comm) == 0)
        throw RunError("cannot write " + file + " (disk full or no longer writable?)");
    }

    template <int dim, typename LA>
    std::uint64_t appended_file_size(const RunView<dim, LA> &run, const std::string &name)
    {
      if (!run.run_directory || !run.is_root())
        return 0;
      std::error_code error;
      const auto      size = std::filesystem::file_size(run.run_directory->file(name), error);
      return error ? 0 : static_cast<std::uint64_t>(size);
    }

    template <int dim, typename LA>
    void restore_appended_file(const RunView<dim, LA> &run, const std::string &name,
                               const std::uint64_t size)
    {
      if (!run.run_directory)
        return;
      const std::string file = run.run_directory->file(name);
      enum Status { ok, shorter, failed };
      int status = ok;
      if (run.is_root())
        {
          std::error_code error;
          if (size == 0)
            std::filesystem::remove(file, error);
          else
            {
              const auto now = std::filesystem::file_size(file, error);
              if (!error && now < size)
                status = shorter;
              else if (!error)
                std::filesystem::resize_file(file, size, error);
            }
          if (error && status == ok)
            status = failed;
        }
      status = Utilities::MPI::max(status, run.comm);
      if (status == shorter)
        throw RunError(file + " is shorter than when the checkpoint was written (" +
                       std::to_string(size) + " bytes): not the output of this checkpoint's run");
      if (status == failed)
        throw RunError("cannot cut " + file + " back to its size at the checkpoint");
    }

    namespace internal
    {
      std::map<std::string, PostprocessorInfo> &infos()
      {
        static std::map<std::string, PostprocessorInfo> registry;
        return registry;
      }

      void register_info(const PostprocessorInfo &info)
      {
        infos()[info.name] = info;
      }

      template <int dim, typename LA>
      std::map<std::string, Factory<dim, LA>> &mutable_factories()
      {
        static std::map<std::string, Factory<dim, LA>> registry;
        return registry;
      }

      template <int dim, typename LA>
      void register_factory(const std::string &name, Factory<dim, LA> factory)
      {
        mutable_factories<dim, LA>()[name] = std::move(factory);
      }

      template <int dim, typename LA>
      const std::map<std::string, Factory<dim, LA>> &factories()
      {
        return mutable_factories<dim, LA>();
      }
    } // namespace internal

    const std::map<std::string, PostprocessorInfo> &registered_postprocessors()
    {
      return internal::infos();
    }

    namespace
    {
      /// Registered names ordered by position (then name).
      std::vector<std::string> names_by_position()
      {
        std::vector<PostprocessorInfo> list;
        for (const auto &[name, info] : registered_postprocessors())
          list.push_back(info);
        std::sort(list.begin(), list.end(), [](const auto &a, const auto &b) {
          return a.position != b.position ? a.position < b.position : a.name < b.name;
        });
        std::vector<std::string> names;
        for (const auto &i : list)
          names.push_back(i.name);
        return names;
      }
    } // namespace

    void declare_parameters(ParameterHandler &prm)
    {
      std::string documentation =
        "Comma-separated postprocessors to run. 'default' is the set that suits the model "
        "(each postprocessor decides whether it applies: mechanics, plasticity, a rod, ...); it "
        "may be combined with further names, e.g. 'default, shear bands'. Available:";
      for (const auto &name : names_by_position())
        documentation += "\n  " + name + ": " + registered_postprocessors().at(name).description;
      prm.enter_subsection("Postprocess");
      prm.declare_entry("List of postprocessors", "default", Patterns::Anything(), documentation);
      prm.leave_subsection();
      for (const auto &[name, info] : registered_postprocessors())
        info.declare_parameters(prm);
    }

    template <int dim, typename LA>
    Manager<dim, LA>::Manager(const RunView<dim, LA> &view)
      : view(view)
    {}

    template <int dim, typename LA>
    Manager<dim, LA>::~Manager() = default;

    template <int dim, typename LA>
    void Manager<dim, LA>::parse_parameters(ParameterHandler &prm)
    {
      const std::string entry = "entry 'Postprocess/List of postprocessors'";
      prm.enter_subsection("Postprocess");
      const auto requested = Utilities::split_string_list(prm.get("List of postprocessors"), ',');
      prm.leave_subsection();

      const auto &factories = internal::factories<dim, LA>();
      std::vector<std::string> known = names_by_position();
      std::string              known_text;
      for (const auto &n : known)
        known_text += (known_text.empty() ? "'" : ", '") + n + "'";
      bool with_default = false;
      std::vector<std::string> chosen;
      for (const auto &name : requested)
        {
          if (name == "default")
            {
              with_default = true;
              continue;
            }
          require(factories.count(name) > 0, entry,
                  "unknown postprocessor '" + name + "'; known: default, " + known_text);
          require(std::find(chosen.begin(), chosen.end(), name) == chosen.end(), entry,
                  "'" + name + "' is listed twice");
          chosen.push_back(name);
        }

      ModelFlags model;
      model.mechanics = view.mechanics != nullptr;
      model.viscous   = view.mechanics && view.mechanics->viscous();
      model.plastic   = view.mechanics && view.mechanics->plastic();
      declare_material_point_quantities(registry, model);

      for (const auto &name : known)
        {
          auto       plugin = factories.at(name)();
          const bool listed = std::find(chosen.begin(), chosen.end(), name) != chosen.end();
          plugin->set_run(view, registry);
          if (!listed && !(with_default && plugin->enabled_by_default(prm)))
            continue;
          plugin->parse_parameters(prm);
          plugin->declare_quantities(registry);
          names.push_back(name);
          postprocessors.push_back(std::move(plugin));
        }
    }

    template <int dim, typename LA>
    void Manager<dim, LA>::initialize()
    {
      for (auto &p : postprocessors)
        p->initialize();
    }

    template <int dim, typename LA>
    void Manager<dim, LA>::report_setup(std::ostream &out) const
    {
      out << "  postprocess  :";
      for (std::size_t i = 0; i < names.size(); ++i)
        out << (i ? ", " : " ") << names[i];
      out << '\n';
      for (const auto &p : postprocessors)
        p->report_setup(out);
    }

    template <int dim, typename LA>
    double Manager<dim, LA>::next_time_of_interest(const double t) const
    {
      double next = std::numeric_limits<double>::infinity();
      for (const auto &p : postprocessors)
        next = std::min(next, p->next_time_of_interest(t));
      return next;
    }

    template <int dim, typename LA>
    void Manager<dim, LA>::execute(const StepInfo &info)
    {
      TimerOutput::Scope scope(*view.timer, "postprocess");
      std::vector<Interface<dim, LA> *> visitors;
      for (auto &p : postprocessors)
        if (p->needs_quadrature_points(info))
          visitors.push_back(p.get());
      if (!visitors.empty())
        {
          CellPoints<dim> points;
          points.time  = info.time;
          points.first = true;
          if (view.mechanics)
            {
              points.quadrature = &view.mechanics->quadrature_rule();
              view.mechanics->for_each_cell(
                view.heat->dof_handler(), view.heat->temperature(),
                [&](const typename DoFHandler<dim>::active_cell_iterator &cell,
                    const CellQuadraturePoints<dim> &geometry, const std::vector<MaterialPointFields> &fields) {
                  points.cell = typename Triangulation<dim>::active_cell_iterator(
                    view.triangulation, cell->level(), cell->index());
                  points.positions = geometry.positions;
                  points.fields    = fields;
                  points.JxW       = geometry.JxW;
                  points.weights.resize(fields.size());
                  for (unsigned int q = 0; q < fields.size(); ++q)
                    points.weights[q] = fields[q].volume;
                  for (auto *v : visitors)
                    v->visit_cell(points);
                  points.first = false;
                });
            }
          else
            {
              // Heat only: the temperature at the Gauss points of the heat element.
              const QGauss<dim> quadrature(view.heat->dof_handler().get_fe().degree + 1);
              points.quadrature = &quadrature;
              FEValues<dim> fv(*view.mapping, view.heat->dof_handler().get_fe(), quadrature,
                               update_values | update_quadrature_points | update_JxW_values);
              std::vector<double> T(quadrature.size());
              points.fields.assign(quadrature.size(), MaterialPointFields());
              points.weights.resize(quadrature.size());
              points.JxW.resize(quadrature.size());
              for (const auto &cell : view.heat->dof_handler().active_cell_iterators())
                if (cell->is_locally_owned())
                  {
                    fv.reinit(cell);
                    fv.get_function_values(view.heat->temperature(), T);
                    points.cell = typename Triangulation<dim>::active_cell_iterator(
                      view.triangulation, cell->level(), cell->index());
                    points.positions = fv.get_quadrature_points();
                    for (unsigned int q = 0; q < quadrature.size(); ++q)
                      {
                        points.fields[q].temperature = T[q];
                        points.JxW[q]                = fv.JxW(q);
                        points.weights[q] =
                          fv.JxW(q) * volume_weight(view.kinematics, points.positions[q][0]);
                        points.fields[q].volume = points.weights[q];
                      }
                    for (auto *v : visitors)
                      v->visit_cell(points);
                    points.first = false;
                  }
            }
        }
      StatisticsRow row = table.new_row();
      for (auto &p : postprocessors)
        p->execute(info, row);

      // statistics.csv: at output times, at the end, and otherwise at most every
      // 'Output/Statistics flush interval' seconds of wall time (large runs have many steps).
      const double now = info.wall_time;
      if (view.run_directory &&
          (info.output_time || info.final || now - last_write >= view.output->statistics_flush_seconds))
        {
          if (!write_statistics())
            throw RunError("cannot write " + view.run_directory->file("statistics.csv") +
                           " (disk full or no longer writable?)");
          last_write = now;
        }
    }

    template <int dim, typename LA>
    bool Manager<dim, LA>::write_statistics() const
    {
      bool ok = true;
      if (view.run_directory && view.is_root())
        ok = table.write_csv(view.run_directory->file("statistics.csv"));
      // Every rank must agree (an error is thrown collectively).
      return Utilities::MPI::min(ok ? 1 : 0, view.comm) == 1;
    }

    template <int dim, typename LA>
    Summary Manager<dim, LA>::summary()
    {
      Summary s;
      for (auto &p : postprocessors)
        p->add_summary(s);
      return s;
    }

    template <int dim, typename LA>
    void Manager<dim, LA>::on_failure(const double time) noexcept
    {
      for (auto &p : postprocessors)
        p->on_failure(time);
      try
        {
          if (view.run_directory && view.is_root())
            table.write_csv(view.run_directory->file("statistics.csv"));
        }
      catch (...)
        {
        }
    }

    template <int dim, typename LA>
    std::map<std::string, std::string> Manager<dim, LA>::save_state() const
    {
      std::map<std::string, std::string> state;
      state["statistics.csv"] = table.save_state();
      for (std::size_t i = 0; i < postprocessors.size(); ++i)
        state["postprocessor:" + names[i]] = postprocessors[i]->save_state();
      return state;
    }

    template <int dim, typename LA>
    void Manager<dim, LA>::load_state(const std::map<std::string, std::string> &state)
    {
      const auto bytes = [&](const std::string &key) {
        const auto it = state.find(key);
        if (it == state.end())
          throw std::runtime_error("the checkpoint has no state of '" + key + "'");
        return it->second;
      };
      table.load_state(bytes("statistics.csv"));
      for (std::size_t i = 0; i < postprocessors.size(); ++i)
        {
          const std::string key = "postprocessor:" + names[i];
          try
            {
              postprocessors[i]->load_state(bytes(key));
            }
          catch (const std::exception &e)
            {
              throw std::runtime_error("postprocessor '" + names[i] + "': " + e.what());
            }
        }
    }

    template <int dim, typename LA>
    std::vector<std::string> Manager<dim, LA>::active() const
    {
      return names;
    }

#define BMGFE_INSTANTIATE(dim, LA)                                                             \
  template struct RunView<dim, LA>;                                                            \
  template void write_on_root<dim, LA>(const RunView<dim, LA> &, const std::string &,          \
                                       const std::function<bool()> &);                         \
  template class Manager<dim, LA>;                                                             \
  template std::uint64_t appended_file_size<dim, LA>(const RunView<dim, LA> &,                 \
                                                     const std::string &);                     \
  template void restore_appended_file<dim, LA>(const RunView<dim, LA> &, const std::string &,  \
                                               std::uint64_t);                                 \
  template void internal::register_factory<dim, LA>(const std::string &, Factory<dim, LA>);    \
  template const std::map<std::string, Factory<dim, LA>> &internal::factories<dim, LA>();

    BMGFE_INSTANTIATE(2, linear_algebra::Trilinos)
    BMGFE_INSTANTIATE(3, linear_algebra::Trilinos)
    BMGFE_INSTANTIATE(2, linear_algebra::PETSc)
    BMGFE_INSTANTIATE(3, linear_algebra::PETSc)
#undef BMGFE_INSTANTIATE
  } // namespace postprocess
} // namespace bmgfe
