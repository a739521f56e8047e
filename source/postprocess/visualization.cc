#include <bmgfe/base/input_error.h>
#include <bmgfe/io/checkpoint_state.h>
#include <bmgfe/io/output_parameters.h>
#include <bmgfe/io/run_directory.h>
#include <bmgfe/io/solution_writer.h>
#include <bmgfe/linear_algebra/backend.h>
#include <bmgfe/physics/heat_problem.h>
#include <bmgfe/physics/mechanics_problem.h>
#include <bmgfe/postprocess/manager.h>
#include <bmgfe/postprocess/quadrature_projection.h>
#include <bmgfe/postprocess/tensor_frames.h>
#include <bmgfe/postprocess/visualization.h>

#include <deal.II/base/mpi.h>
#include <deal.II/base/parameter_handler.h>
#include <deal.II/base/quadrature_lib.h>
#include <deal.II/base/utilities.h>
#include <deal.II/dofs/dof_tools.h>
#include <deal.II/fe/fe_q.h>
#include <deal.II/fe/fe_system.h>
#include <deal.II/fe/fe_values.h>
#include <deal.II/lac/la_parallel_vector.h>
#include <deal.II/numerics/data_out.h>

#include <algorithm>
#include <fstream>

namespace bmgfe
{
  namespace postprocess
  {
    using namespace dealii;

    template <int dim, typename LA>
    Visualization<dim, LA>::Visualization() = default;
    template <int dim, typename LA>
    Visualization<dim, LA>::~Visualization() = default;

    template <int dim, typename LA>
    void Visualization<dim, LA>::declare_parameters(ParameterHandler &prm)
    {
      prm.enter_subsection("Output");
      prm.declare_entry("Fields", "default", Patterns::Anything(),
                        "Point quantities in the snapshots: 'default' (the quantities marked "
                        "default in the README's 'Output names'), 'all', or a comma-separated "
                        "list of quantity names (e.g. 'stress, von_mises_stress, free_volume'). "
                        "temperature_K, displacement_m and mpi_rank are always written.");
      prm.declare_entry("Quadrature-point fields", "projected",
                        Patterns::Selection("projected|cell data"),
                        "How the fields known at the quadrature points (stresses, strains, free "
                        "volume, ...) are written. projected: recovered on continuous elements "
                        "of the mechanics' degree (L2 projection; superconvergent patch recovery "
                        "for linear elements, second order up to the boundary): smooth point data "
                        "that ParaView "
                        "interpolates (line plots, contours; a free surface reads its traction-free "
                        "value). cell data: the volume average over each cell as VTK cell data "
                        "(tensors with all 3 x 3 components).");
      prm.declare_entry("Compression", "best speed",
                        Patterns::Selection("best speed|default|best compression|none"),
                        "zlib compression of the .vtu data (lossless; ParaView reads every "
                        "level). Measured on the 3D compression rod (156 k displacement DoFs, 45 "
                        "arrays, 2 ranks): best speed writes a snapshot in 0.7-1.0 s, default in "
                        "1.3-1.5 s, best compression in 2.3-4.2 s; the files are 18 % and 2 % "
                        "larger than with best compression. none: uncompressed.");
      prm.leave_subsection();
    }

    template <int dim, typename LA>
    bool Visualization<dim, LA>::enabled_by_default(ParameterHandler &prm) const
    {
      prm.enter_subsection("Output");
      const bool write = prm.get_bool("Write visualization");
      prm.leave_subsection();
      return write;
    }

    template <int dim, typename LA>
    void Visualization<dim, LA>::parse_parameters(ParameterHandler &prm)
    {
      prm.enter_subsection("Output");
      field_selection = Utilities::split_string_list(prm.get("Fields"), ',');
      cell_data       = prm.get("Quadrature-point fields") == "cell data";
      const std::string compression = prm.get("Compression");
      compression_level =
        static_cast<int>(compression == "best speed" ? DataOutBase::VtkFlags::best_speed :
                         compression == "best compression" ?
                                                       DataOutBase::VtkFlags::best_compression :
                         compression == "none" ? DataOutBase::VtkFlags::no_compression :
                                                 DataOutBase::VtkFlags::default_compression);
      prm.leave_subsection();
    }

    template <int dim, typename LA>
    void Visualization<dim, LA>::add_scalar(const Quantity &q, const std::string &suffix, const int i,
                                            const int j)
    {
      Array a;
      a.name        = join_name({q.name, suffix, q.unit});
      a.unit        = q.unit;
      a.description = q.description + (suffix.empty() ? "" : " (" + suffix + " component)");
      a.kind        = Array::Kind::scalar;
      a.series      = {static_cast<unsigned int>(series.size())};
      series.push_back({&q, i, j, {}});
      arrays.push_back(a);
    }

    template <int dim, typename LA>
    void Visualization<dim, LA>::initialize()
    {
      const auto &run = this->run();
      frame           = component_frame(run.kinematics, *run.domain);
      degree          = run.mechanics ? run.mechanics->dof_handler().get_fe().degree :
                                        run.heat->dof_handler().get_fe().degree;

      std::vector<const Quantity *> chosen;
      const bool all      = field_selection.size() == 1 && field_selection[0] == "all";
      const bool defaults = field_selection.size() == 1 && field_selection[0] == "default";
      for (const auto &q : this->quantities().all())
        if (q.name != "temperature" && (all || (defaults && q.written_by_default)))
          chosen.push_back(&q);
      if (!all && !defaults)
        for (const auto &name : field_selection)
          {
            if (name == "temperature" || name == "displacement")
              continue; // always written
            const Quantity *q = this->quantities().find(name);
            require(q != nullptr, "entry 'Output/Fields'",
                    "no quantity '" + name + "' in this run; available: " +
                      this->quantities().names());
            chosen.push_back(q);
          }

      series.clear();
      arrays.clear();
      for (const Quantity *q : chosen)
        switch (q->kind)
          {
            case QuantityKind::scalar:
              add_scalar(*q, "", -1, -1);
              break;
            case QuantityKind::vector:
              {
                Array a;
                a.name        = join_name({q->name, q->unit});
                a.unit        = q->unit;
                a.description = q->description;
                a.kind        = Array::Kind::vector;
                for (unsigned int i = 0; i < (cell_data ? 3u : static_cast<unsigned int>(dim)); ++i)
                  {
                    a.series.push_back(series.size());
                    series.push_back({q, static_cast<int>(i), -1, {}});
                  }
                arrays.push_back(a);
                break;
              }
            case QuantityKind::symmetric_tensor:
              {
                Array a;
                a.name        = join_name({q->name, q->unit});
                a.unit        = q->unit;
                a.description = q->description;
                a.kind        = Array::Kind::tensor;
                const unsigned int n = cell_data ? 3 : dim;
                // One series per (i <= j); the symmetric entries share it.
                std::vector<std::vector<unsigned int>> index(n, std::vector<unsigned int>(n));
                for (unsigned int i = 0; i < n; ++i)
                  for (unsigned int j = i; j < n; ++j)
                    {
                      index[i][j] = index[j][i] = series.size();
                      series.push_back({q, static_cast<int>(i), static_cast<int>(j), {}});
                    }
                for (unsigned int i = 0; i < n; ++i)
                  for (unsigned int j = 0; j < n; ++j)
                    a.series.push_back(index[i][j]);
                arrays.push_back(a);
                // Components the tensor array does not show well: the cylindrical ones of a rod
                // (every dimension), the out-of-plane zz of a planar section.
                for (unsigned int c = 0; c < frame.suffixes.size(); ++c)
                  if (frame.cylindrical || (dim == 2 && !cell_data && frame.suffixes[c] == "zz"))
                    {
                      add_scalar(*q, frame.suffixes[c], static_cast<int>(c), -2);
                      // In the projected dim x dim tensor: every component in 3D, rr, zz, rz of
                      // an axisymmetric section (entries of it), rr, tt of a planar one.
                      const std::string &suffix = frame.suffixes[c];
                      const bool held = dim == 3 || (this->run().kinematics == Kinematics::axisymmetric ?
                                                       suffix != "tt" :
                                                       frame.cylindrical && (suffix == "rr" || suffix == "tt"));
                      if (!cell_data && held)
                        for (unsigned int i = 0; i < n; ++i)
                          for (unsigned int j = 0; j < n; ++j)
                            series.back().tensor.push_back(index[i][j]);
                    }
                break;
              }
          }

    }

    template <int dim, typename LA>
    void Visualization<dim, LA>::report_setup(std::ostream &out) const
    {
      out << "  output       : " << arrays.size() << " point-quantity arrays "
          << (cell_data ? "as cell data (cell averages)" :
                          (degree == 1 ? "patch-recovered onto continuous Q" : "L2-projected onto continuous Q"))
          << (cell_data ? "" : std::to_string(degree)) << " (fields.csv lists them)\n";
    }

    template <int dim, typename LA>
    void Visualization<dim, LA>::open_output()
    {
      const auto &run = this->run();
      {
          writer = std::make_unique<SolutionWriter<dim>>(*run.output, run.run_directory->path(), run.comm);
          // fields.csv: what every array is, with its unit and association.
          const std::string file = run.run_directory->file("fields.csv");
          write_on_root(run, file, [&] {
            std::ofstream out(file);
            const auto    unit = [](const std::string &u) { return u.empty() ? std::string("1") : u; };
            out << "array,unit,association,components,description\n";
            out << "temperature_K,K,point,1,\"temperature T (finite-element field)\"\n";
            if (run.mechanics)
              out << "displacement_m,m,point," << dim << ",\"displacement u (finite-element field)\"\n";
            const std::string association = cell_data ? "cell" : "point";
            for (const auto &a : arrays)
              out << a.name << ',' << unit(a.unit) << ',' << association << ','
                  << (a.kind == Array::Kind::scalar ? 1 : a.series.size()) << ",\"" << a.description
                  << (cell_data ? " (cell average)" : (degree == 1 ? " (patch recovery)" : " (L2 projection)"))
                  << "\"\n";
            if (run.mechanics && (run.mechanics->viscous() || run.mechanics->plastic()))
              out << "qp_free_volume,1,point,1,\"free volume at the quadrature points (restart data; "
                     "discontinuous)\"\n"
                  << "qp_viscous_strain_<ij>,1,point,1,\"inelastic (viscous + plastic) strain at the "
                     "quadrature points (restart data; discontinuous)\"\n"
                  << "qp_free_volume_mode_<i>,1,point,1,\"free volume of relaxation mode i (KWW "
                     "relaxation spectrum only; restart data; discontinuous)\"\n"
                  << "qp_viscous_strain_branch_<i>_<ij>,1,point,1,\"inelastic strain of Maxwell "
                     "branch i (KWW relaxation spectrum only; restart data; discontinuous)\"\n";
            // deal.II writes its cell vectors as point data (constant over each cell).
            out << "mpi_rank,1," << association << ",1,\"rank that owns the cell\"\n";
            return out.good();
          });
        }
    }


    template <int dim, typename LA>
    bool Visualization<dim, LA>::needs_quadrature_points(const StepInfo &info) const
    {
      return info.output_time && this->run().run_directory;
    }

    template <int dim, typename LA>
    double Visualization<dim, LA>::evaluate(const Series &s, const PointContext &p) const
    {
      switch (s.quantity->kind)
        {
          case QuantityKind::scalar:
            return s.quantity->scalar(p);
          case QuantityKind::vector:
            return s.quantity->vector(p)[s.i];
          case QuantityKind::symmetric_tensor:
            if (s.j == -2)
              return frame.components(s.quantity->tensor(p), p.position)[s.i];
            return s.quantity->tensor(p)[s.i][s.j];
        }
      return 0;
    }

    template <int dim, typename LA>
    void Visualization<dim, LA>::start_collecting()
    {
      collecting = true;
      if (cell_data)
        {
          cell_sums.assign(series.size(), std::vector<double>(this->run().triangulation->n_active_cells(), 0.0));
          cell_weights.assign(this->run().triangulation->n_active_cells(), 0.0);
        }
      else
        projection->begin(series.size());
    }

    template <int dim, typename LA>
    void Visualization<dim, LA>::visit_cell(const CellPoints<dim> &points)
    {
      if (!cell_data && !projection)
        {
          projection = std::make_unique<QuadratureProjection<dim, LA>>(
            *this->run().triangulation, *this->run().mapping, degree, *points.quadrature);
          projection->setup();
        }
      if (points.first || !collecting)
        start_collecting();
      const unsigned int nq = points.fields.size();
      values.resize(series.size() * nq);
      const unsigned int c = points.cell->active_cell_index();
      for (unsigned int q = 0; q < nq; ++q)
        {
          const PointContext p{to_3d(points.positions[q]), points.fields[q]};
          for (unsigned int k = 0; k < series.size(); ++k)
            {
              // Components computed from the projected tensor project nothing (zero CG solves).
              const double v = series[k].tensor.empty() ? evaluate(series[k], p) : 0.0;
              if (cell_data)
                cell_sums[k][c] += points.weights[q] * v;
              else
                values[k * nq + q] = v;
            }
          if (cell_data)
            cell_weights[c] += points.weights[q];
        }
      if (!cell_data)
        projection->add_cell(points.cell, values);
    }

    template <int dim, typename LA>
    std::string Visualization<dim, LA>::write_snapshot(const double time)
    {
      const auto &run = this->run();
      TimerOutput::Scope scope(*run.timer, "output");
      if (!cell_data && !projection)
        {
          // A rank without cells (or no visit yet): set the projection up collectively.
          const QGauss<dim> rule(degree + 1);
          projection = std::make_unique<QuadratureProjection<dim, LA>>(*run.triangulation, *run.mapping,
                                                                       degree, run.mechanics ?
                                                                         run.mechanics->quadrature_rule() :
                                                                         Quadrature<dim>(rule));
          projection->setup();
        }
      if (!collecting)
        start_collecting();
      collecting = false;

      // Declared before data_out, which refers to them until it is destroyed.
      DoFHandler<dim>                            state_dofs, field_dofs;
      LinearAlgebra::distributed::Vector<double> state_values, field_values;
      Vector<float>                              rank(run.triangulation->n_active_cells());
      rank = static_cast<float>(run.triangulation->locally_owned_subdomain());
      DataOut<dim> data_out;
      data_out.attach_dof_handler(run.heat->dof_handler());
      data_out.add_data_vector(run.heat->temperature(), "temperature_K");
      if (!cell_data)
        data_out.add_data_vector(rank, "mpi_rank", DataOut<dim>::type_cell_data);
      if (run.mechanics)
        data_out.add_data_vector(run.mechanics->dof_handler(), run.mechanics->displacement(),
                                 std::vector<std::string>(dim, "displacement_m"),
                                 std::vector<DataComponentInterpretation::DataComponentInterpretation>(
                                   dim, DataComponentInterpretation::component_is_part_of_vector));

      std::vector<CellArray> cell_arrays;
      if (!cell_data && !arrays.empty())
        {
          // One vector-valued continuous field with every output component, filled from the
          // scalar projections (same element, so the DoFs correspond cell by cell).
          projection->finish();
          std::vector<std::string>                                            names;
          std::vector<DataComponentInterpretation::DataComponentInterpretation> kinds;
          std::vector<unsigned int>                                           from;
          for (const auto &a : arrays)
            for (const unsigned int s : a.series)
              {
                names.push_back(a.name);
                from.push_back(s);
                kinds.push_back(a.kind == Array::Kind::scalar ?
                                  DataComponentInterpretation::component_is_scalar :
                                  (a.kind == Array::Kind::vector ?
                                     DataComponentInterpretation::component_is_part_of_vector :
                                     DataComponentInterpretation::component_is_part_of_tensor));
              }
          const FESystem<dim> fe(FE_Q<dim>(degree), names.size());
          field_dofs.reinit(*run.triangulation);
          field_dofs.distribute_dofs(fe);
          IndexSet relevant;
          DoFTools::extract_locally_relevant_dofs(field_dofs, relevant);
          field_values.reinit(field_dofs.locally_owned_dofs(), relevant, run.comm);
          const DoFHandler<dim> &scalar_dofs = projection->dof_handler();
          std::vector<types::global_dof_index> system_indices(fe.n_dofs_per_cell()),
            scalar_indices(scalar_dofs.get_fe().n_dofs_per_cell());
          // The nodes, for the frame components computed from the projected tensor there.
          FEValues<dim> nodes(*run.mapping, scalar_dofs.get_fe(),
                              Quadrature<dim>(scalar_dofs.get_fe().get_unit_support_points()),
                              update_quadrature_points);
          const auto value = [&](const unsigned int s, const types::global_dof_index dof,
                                 const Point<dim> &x) {
            const Series &series_s = series[s];
            if (series_s.tensor.empty())
              return projection->field(s)[dof];
            SymmetricTensor<2, 3> t;
            for (unsigned int i = 0; i < dim; ++i)
              for (unsigned int j = i; j < dim; ++j)
                t[i][j] = projection->field(series_s.tensor[i * dim + j])[dof];
            return frame.components(t, to_3d(x))[series_s.i];
          };
          for (const auto &cell : field_dofs.active_cell_iterators())
            if (cell->is_locally_owned())
              {
                cell->get_dof_indices(system_indices);
                const typename DoFHandler<dim>::active_cell_iterator scalar_cell(
                  run.triangulation, cell->level(), cell->index(), &scalar_dofs);
                scalar_cell->get_dof_indices(scalar_indices);
                nodes.reinit(scalar_cell);
                for (unsigned int c = 0; c < names.size(); ++c)
                  for (unsigned int i = 0; i < scalar_indices.size(); ++i)
                    {
                      const auto index = system_indices[fe.component_to_system_index(c, i)];
                      if (field_values.in_local_range(index))
                        field_values[index] = value(from[c], scalar_indices[i], nodes.quadrature_point(i));
                    }
              }
          field_values.update_ghost_values();
          data_out.add_data_vector(field_dofs, field_values, names, kinds);
        }
      else if (cell_data)
        {
          // Cell averages of the series, in the order of the locally owned active cells.
          std::vector<unsigned int> owned;
          for (const auto &cell : run.triangulation->active_cell_iterators())
            if (cell->is_locally_owned())
              owned.push_back(cell->active_cell_index());
          const auto average = [&](const unsigned int s, const unsigned int c) {
            return cell_weights[c] > 0 ? cell_sums[s][c] / cell_weights[c] : 0.0;
          };
          for (const auto &a : arrays)
            {
              CellArray array;
              array.name         = a.name;
              array.n_components = a.series.size();
              for (const unsigned int c : owned)
                for (const unsigned int s : a.series)
                  array.values.push_back(average(s, c));
              cell_arrays.push_back(std::move(array));
            }
          CellArray ranks;
          ranks.name = "mpi_rank";
          ranks.values.assign(owned.size(), run.triangulation->locally_owned_subdomain());
          cell_arrays.push_back(std::move(ranks));
        }

      // The material-point state as fields exact at the quadrature points (qp_free_volume,
      // qp_viscous_strain_<ij>): a later run can start from it ('Material/Free volume/Initial
      // state') with the free volume and the residual stress carried over.
      if (run.mechanics && (run.mechanics->viscous() || run.mechanics->plastic()))
        {
          const auto components = tensor_components(run.kinematics);
          run.mechanics->state_field(components, state_dofs, state_values);
          data_out.add_data_vector(state_dofs, state_values,
                                   run.mechanics->state_field_names(components));
        }
      const unsigned int subdivisions = run.output->subdivisions ? run.output->subdivisions :
                                                                   run.heat->dof_handler().get_fe().degree;
      data_out.build_patches(*run.mapping, subdivisions, DataOut<dim>::curved_inner_cells);
      DataOutBase::VtkFlags flags;
      flags.time  = time;
      flags.cycle = writer->n_written();
      flags.compression_level = static_cast<DataOutBase::VtkFlags::ZlibCompressionLevel>(compression_level);
      data_out.set_flags(flags);
      unsigned int cells_per_patch = 1;
      for (unsigned int d = 0; d < dim; ++d)
        cells_per_patch *= subdivisions;
      const std::string file = writer->write(data_out, time, cell_arrays, cells_per_patch);
      if (file.empty())
        throw RunError("cannot write the snapshot at t = " + std::to_string(time) + " s into " +
                       run.run_directory->file("solution") + " (disk full or no longer writable?)");
      return file;
    }

    template <int dim, typename LA>
    void Visualization<dim, LA>::execute(const StepInfo &info, StatisticsRow &statistics)
    {
      if (!writer && this->run().run_directory)
        open_output();
      if (!info.output_time || !writer)
        {
          statistics.add_integer("snapshot", -1);
          return;
        }
      last_file = write_snapshot(info.time);
      statistics.add_integer("snapshot", writer->n_written() - 1);
    }

    template <int dim, typename LA>
    void Visualization<dim, LA>::add_summary(Summary &summary)
    {
      summary["snapshots"] = std::to_string(writer ? writer->n_written() : 0);
    }

    template <int dim, typename LA>
    std::string Visualization<dim, LA>::save_state() const
    {
      // The snapshots written so far: their numbering and solution.pvd go on from them.
      return pack_state(writer ? writer->written() : std::vector<std::pair<double, std::string>>());
    }

    template <int dim, typename LA>
    void Visualization<dim, LA>::load_state(const std::string &bytes)
    {
      std::vector<std::pair<double, std::string>> written;
      unpack_state(bytes, written);
      if (!this->run().run_directory)
        return;
      open_output();
      if (!writer->restore(written))
        throw RunError("cannot write " + this->run().run_directory->file("solution.pvd") +
                       " (disk full or no longer writable?)");
    }

    template <int dim, typename LA>
    void Visualization<dim, LA>::on_failure(const double) noexcept
    {
      // A plastic model stops with its state at the last converged substep: write it as the
      // last snapshot, so that the failure can be inspected.
      const auto &run = this->run();
      if (!writer || !run.mechanics || !run.mechanics->plastic())
        return;
      try
        {
          const double t_state = run.mechanics->last_converged_time();
          run.mechanics->for_each_cell(
            run.heat->dof_handler(), run.heat->temperature(),
            [&](const typename DoFHandler<dim>::active_cell_iterator &cell,
                const CellQuadraturePoints<dim> &geometry, const std::vector<MaterialPointFields> &fields) {
              CellPoints<dim> points;
              points.cell = typename Triangulation<dim>::active_cell_iterator(run.triangulation,
                                                                             cell->level(),
                                                                             cell->index());
              points.positions  = geometry.positions;
              points.fields     = fields;
              points.quadrature = &run.mechanics->quadrature_rule();
              for (const auto &f : fields)
                points.weights.push_back(f.volume);
              points.JxW = geometry.JxW;
              points.first = !collecting;
              visit_cell(points);
            });
          const std::string file = write_snapshot(std::isnan(t_state) ? 0.0 : t_state);
          if (run.is_root())
            *run.log << "bmgfe: the last converged state (t = " << t_state << " s) is in " << file << '\n';
        }
      catch (...)
        {
        }
    }

    BMGFE_REGISTER_POSTPROCESSOR(Visualization, "visualization", 90,
                                 "ParaView snapshots at the output times (Output/...; fields.csv "
                                 "lists the arrays and units)")
  } // namespace postprocess
} // namespace bmgfe
