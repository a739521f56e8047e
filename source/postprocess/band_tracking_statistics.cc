#include <bmgfe/base/input_error.h>
#include <bmgfe/io/checkpoint_state.h>
#include <bmgfe/io/run_directory.h>
#include <bmgfe/linear_algebra/backend.h>
#include <bmgfe/physics/mechanics_problem.h>
#include <bmgfe/postprocess/band_tracking_statistics.h>
#include <bmgfe/postprocess/manager.h>

#include <deal.II/base/mpi.h>
#include <deal.II/distributed/tria.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <limits>

namespace bmgfe
{
  namespace postprocess
  {
    template <int dim, typename LA>
    void BandTrackingStatistics<dim, LA>::declare_parameters(dealii::ParameterHandler &prm)
    {
      BandTrackingParameters::declare_parameters(prm);
    }

    template <int dim, typename LA>
    void BandTrackingStatistics<dim, LA>::parse_parameters(dealii::ParameterHandler &prm)
    {
      parameters.parse_parameters(prm);
    }

    template <int dim, typename LA>
    void BandTrackingStatistics<dim, LA>::initialize()
    {
      const auto &run = this->run();
      require(run.mechanics && run.mechanics->plastic(), "entry 'Postprocess/List of postprocessors'",
              "'band tracking' needs 'Mechanics/Inelastic model = plastic' or 'viscoplastic'");
      const auto &lp = run.mechanics->loading_programme();
      axis           = dealii::Tensor<1, dim>();
      axis[lp.enabled ? lp.component() : dim - 1] = 1;
      if constexpr (dim == 3)
        {
          // The centre of the body's bounding box, for 'auto' planes.
          dealii::Point<3> lo, hi;
          for (unsigned int d = 0; d < 3; ++d)
            {
              lo[d] = std::numeric_limits<double>::max();
              hi[d] = -std::numeric_limits<double>::max();
            }
          for (const auto &cell : run.triangulation->active_cell_iterators())
            if (cell->is_locally_owned())
              for (const auto v : cell->vertex_indices())
                for (unsigned int d = 0; d < 3; ++d)
                  {
                    lo[d] = std::min(lo[d], cell->vertex(v)[d]);
                    hi[d] = std::max(hi[d], cell->vertex(v)[d]);
                  }
          for (unsigned int d = 0; d < 3; ++d)
            {
              lo[d] = dealii::Utilities::MPI::min(lo[d], run.comm);
              hi[d] = dealii::Utilities::MPI::max(hi[d], run.comm);
            }
          planes = parse_section_planes(parameters.section_planes, axis, 0.5 * (lo + hi),
                                        "entry 'Postprocess/Band tracking/Section planes'");
        }
    }

    template <int dim, typename LA>
    void BandTrackingStatistics<dim, LA>::report_setup(std::ostream &out) const
    {
      if constexpr (dim == 3)
        {
          out << "  band tracking: " << planes.size() << " section plane(s):";
          for (const auto &p : planes)
            out << " (" << p.origin << ") normal (" << p.normal << ");";
          out << '\n';
        }
      else
        (void)out;
    }

    template <int dim, typename LA>
    void BandTrackingStatistics<dim, LA>::visit_cell(const CellPoints<dim> &points)
    {
      if (points.first || !tracking)
        tracking = std::make_unique<BandTracking<dim>>(parameters, axis, planes);
      const auto &cell = points.cell;
      // The boundary of the body (of the sections), for the free ends: the boundary faces of
      // the locally owned cells; symmetry planes and the axis included (the band continues in
      // the mirror image).
      for (const auto f : cell->face_indices())
        if (cell->face(f)->at_boundary())
          {
            std::vector<dealii::Point<dim>> vertices;
            for (const auto v : cell->face(f)->vertex_indices())
              vertices.push_back(cell->face(f)->vertex(v));
            tracking->add_boundary_face(vertices);
          }
      if constexpr (dim == 2)
        for (unsigned int q = 0; q < points.fields.size(); ++q)
          {
            const auto &f = points.fields[q];
            // 2D sections by area (the axisymmetric 2 pi r is taken out), as the shear bands.
            tracking->add(points.positions[q], points.JxW[q], f.equivalent_plastic_strain,
                          f.nonlocal_free_volume, f.free_volume);
          }
      else
        for (unsigned int s = 0; s < planes.size(); ++s)
          {
            // Half the cell's extent along the plane's normal.
            double lo = std::numeric_limits<double>::max(), hi = -lo;
            for (const auto v : cell->vertex_indices())
              {
                const double d = planes[s].signed_distance(cell->vertex(v));
                lo             = std::min(lo, d);
                hi             = std::max(hi, d);
              }
            const double half = 0.5 * (hi - lo);
            // Cells farther than their own size from the plane have no point within half a
            // cell of it (their neighbours may, and are asked themselves).
            if (lo > half || hi < -half)
              continue;
            for (unsigned int q = 0; q < points.fields.size(); ++q)
              {
                const auto &f = points.fields[q];
                tracking->add_to_section(s, points.positions[q], points.JxW[q],
                                         f.equivalent_plastic_strain, f.nonlocal_free_volume,
                                         f.free_volume, half);
              }
          }
    }

    template <int dim, typename LA>
    void BandTrackingStatistics<dim, LA>::execute(const StepInfo &info, StatisticsRow &statistics)
    {
      const auto &run = this->run();
      if (!tracking) // a rank without cells
        tracking = std::make_unique<BandTracking<dim>>(parameters, axis, planes);
      const auto results = tracking->analyse(run.comm, last);
      tracking.reset();
      statistics.add_integer("band_tracking_bands", last.bands);
      statistics.add_integer("band_tracking_branch_points", last.branch_points);
      statistics.add_integer("band_tracking_crossings", last.crossings);
      statistics.add_integer("band_tracking_kinks", last.kinks);
      statistics.add_integer("band_tracking_tips_inside", last.tips_inside);
      statistics.add("band_tracking_largest_deflection_deg", last.largest_deflection);
      statistics.add("band_tracking_length_m", last.total_length);
      if (!info.output_time || !run.run_directory)
        return;

      const std::string dir = run.run_directory->file("band_tracking");
      char              index[16];
      std::snprintf(index, sizeof(index), "%05u", n_files++);
      const std::string vtp = std::string("centrelines-") + index + ".vtp";
      written.emplace_back(info.time, vtp);
      const double t = info.time;
      write_on_root(run, dir + "/points-" + index + ".csv", [&] {
        std::filesystem::create_directories(dir);
        const auto write = [&](const std::string &name, const auto &writer) {
          std::ofstream out(dir + "/" + name);
          writer(out);
          return out.good();
        };
        bool ok = true;
        ok      = ok && write(std::string("points-") + index + ".csv", [&](std::ostream &o) {
                 write_band_points_csv<dim>(o, t, results, planes);
               });
        ok = ok && write(std::string("segments-") + index + ".csv", [&](std::ostream &o) {
               write_band_segments_csv<dim>(o, t, results, planes);
             });
        ok = ok && write(std::string("nodes-") + index + ".csv", [&](std::ostream &o) {
               write_band_nodes_csv<dim>(o, t, results, planes);
             });
        ok = ok && write(std::string("bands-") + index + ".csv", [&](std::ostream &o) {
               write_band_summary_csv<dim>(o, t, results, planes);
             });
        ok = ok && write(vtp, [&](std::ostream &o) { write_band_vtp<dim>(o, t, results, planes); });
        // The time series for ParaView, rewritten with every output time.
        return ok && write_collection();
      });
    }

    template <int dim, typename LA>
    bool BandTrackingStatistics<dim, LA>::write_collection() const
    {
      std::ofstream o(this->run().run_directory->file("band_tracking.pvd"));
      o << std::setprecision(12)
        << "<?xml version=\"1.0\"?>\n<VTKFile type=\"Collection\" version=\"0.1\" "
           "byte_order=\"LittleEndian\">\n<Collection>\n";
      for (const auto &[time, file] : written)
        o << "  <DataSet timestep=\"" << time << "\" group=\"\" part=\"0\" file=\"band_tracking/"
          << file << "\"/>\n";
      o << "</Collection>\n</VTKFile>\n";
      return o.good();
    }

    template <int dim, typename LA>
    std::string BandTrackingStatistics<dim, LA>::save_state() const
    {
      // The files written so far, which band_tracking.pvd lists (the bands are tracked anew
      // every step).
      return pack_state(n_files, written);
    }

    template <int dim, typename LA>
    void BandTrackingStatistics<dim, LA>::load_state(const std::string &bytes)
    {
      unpack_state(bytes, n_files, written);
      // band_tracking.pvd as at the checkpoint, without what the interrupted run added later.
      const auto &run = this->run();
      if (run.run_directory && !written.empty())
        write_on_root(run, run.run_directory->file("band_tracking.pvd"),
                      [&] { return write_collection(); });
    }

    template <int dim, typename LA>
    void BandTrackingStatistics<dim, LA>::add_summary(Summary &summary)
    {
      summary["band_tracking_bands"]                 = std::to_string(last.bands);
      summary["band_tracking_branch_points"]         = std::to_string(last.branch_points);
      summary["band_tracking_crossings"]             = std::to_string(last.crossings);
      summary["band_tracking_kinks"]                 = std::to_string(last.kinks);
      summary["band_tracking_tips_inside"]           = std::to_string(last.tips_inside);
      summary["band_tracking_largest_deflection_deg"] = json_number(last.largest_deflection);
      summary["band_tracking_length_m"]              = json_number(last.total_length);
    }

    BMGFE_REGISTER_POSTPROCESSOR(BandTrackingStatistics, "band tracking", 56,
                                 "centrelines of the shear bands: angles, kinks, branch points, "
                                 "crossings; band_tracking/*-NNNNN.csv and .vtp at the output "
                                 "times (not in 'default')")
  } // namespace postprocess
} // namespace bmgfe
