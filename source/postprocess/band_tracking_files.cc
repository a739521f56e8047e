// The files of the band tracker (band_tracking.h): CSV tables and VTK PolyData (plain XML, so
// that no VTK header or library is needed here).
#include <bmgfe/postprocess/band_tracking.h>

#include <array>
#include <iomanip>
#include <stdexcept>
#include <string>
#include <vector>

namespace bmgfe
{
  using namespace dealii;

  namespace
  {
    /// Coordinates of a section point: x, y in 2D models; u, v, x, y, z on a 3D section.
    template <int dim>
    void write_coordinates(std::ostream &out, const Point<2> &y,
                           const std::vector<SectionPlane> &sections, const std::size_t s)
    {
      if (dim == 2)
        out << ',' << y[0] << ',' << y[1];
      else
        {
          const Point<3> x = sections.at(s).to_body(y);
          out << ',' << y[0] << ',' << y[1] << ',' << x[0] << ',' << x[1] << ',' << x[2];
        }
    }

    template <int dim>
    std::string coordinate_header(const std::string &prefix)
    {
      if (dim == 2)
        return "," + prefix + "x_m," + prefix + "y_m";
      return "," + prefix + "u_m," + prefix + "v_m," + prefix + "x_m," + prefix + "y_m," +
             prefix + "z_m";
    }

    template <int dim>
    void write_head(std::ostream &out, const std::string &what, const double time,
                    const std::vector<BandTrackingResult> &results,
                    const std::vector<SectionPlane>       &sections)
    {
      out << std::setprecision(10);
      out << "# Band tracking (bmgfe, doc/model.md \"Band-tracking postprocessor\"): " << what
          << " at t = " << time << " s\n";
      for (std::size_t s = 0; s < results.size(); ++s)
        {
          const auto &r = results[s];
          out << "# " << (dim == 2 ? std::string("section") : "section " + std::to_string(s))
              << ": " << r.bands.size() << " band(s) from " << r.n_samples
              << " samples; p_max = " << r.max_plastic_strain
              << ", p_bg = " << r.background_plastic_strain << ", threshold = " << r.threshold
              << ", grid spacing = " << r.grid_spacing << " m (" << r.grid_size[0] << " x "
              << r.grid_size[1] << " nodes)";
          if (dim == 3)
            {
              const auto &p = sections.at(s);
              out << "; plane through (" << p.origin[0] << ", " << p.origin[1] << ", "
                  << p.origin[2] << ") with normal (" << p.normal[0] << ", " << p.normal[1]
                  << ", " << p.normal[2] << "), e_u = (" << p.e_u[0] << ", " << p.e_u[1] << ", "
                  << p.e_u[2] << "), e_v = (" << p.e_v[0] << ", " << p.e_v[1] << ", "
                  << p.e_v[2] << ") (the load axis projected onto the plane)";
            }
          out << '\n';
        }
      if (dim == 2)
        out << "# x_m, y_m: model coordinates [m] (r, z in axisymmetric models)\n";
      else
        out << "# section: index of the section plane; u_m, v_m: section coordinates [m]; "
               "x_m, y_m, z_m: body coordinates [m]\n";
    }

    template <int dim>
    std::string section_column(const std::size_t s)
    {
      return dim == 2 ? std::string() : "," + std::to_string(s);
    }

    void check_stream(std::ostream &out, const std::string &what)
    {
      if (!out)
        throw std::runtime_error("band tracking: error while writing the " + what);
    }
  } // namespace

  template <int dim>
  void write_band_points_csv(std::ostream &out, const double time,
                             const std::vector<BandTrackingResult> &results,
                             const std::vector<SectionPlane>       &sections)
  {
    write_head<dim>(out, "centreline points", time, results, sections);
    out << "# band, edge, segment: ids (bands longest first); point: index along the edge; "
           "s_m: arc length along the edge [m] (edges run along the load axis)\n"
        << "# angle_to_load_axis_deg: local angle of the centreline to the load axis [deg, "
           "0..90]; p: equivalent plastic strain [-]; xbar: nonlocal free volume x-bar [-]; "
           "x: free volume [-]; refined: 1 at the peak of p across the band, 0 on the skeleton\n";
    out << "time_s" << (dim == 3 ? ",section" : "") << ",band,edge,segment,point,s_m"
        << coordinate_header<dim>("") << ",angle_to_load_axis_deg,p,xbar,x,refined\n";
    for (std::size_t s = 0; s < results.size(); ++s)
      for (const auto &e : results[s].edges)
        for (std::size_t i = 0; i < e.points.size(); ++i)
          {
            const auto &p = e.points[i];
            out << time << section_column<dim>(s) << ',' << e.band << ',' << e.id << ','
                << p.segment << ',' << i << ',' << p.arc_length;
            write_coordinates<dim>(out, p.position, sections, s);
            out << ',' << p.angle_to_load_axis << ',' << p.plastic_strain << ','
                << p.nonlocal_free_volume << ',' << p.free_volume << ',' << (p.refined ? 1 : 0)
                << '\n';
          }
    check_stream(out, "centreline points");
  }

  template <int dim>
  void write_band_segments_csv(std::ostream &out, const double time,
                               const std::vector<BandTrackingResult> &results,
                               const std::vector<SectionPlane>       &sections)
  {
    write_head<dim>(out, "straight segments", time, results, sections);
    out << "# start, end: ends on the fitted line (at kinks: the kink) [m]; length_m [m]; "
           "angle_to_load_axis_deg: of the fitted line [deg, 0..90]\n"
        << "# mean_p, mean_xbar, mean_x: means over the segment's points [-]; rms_deviation_m: "
           "RMS distance of the fitted points from the line [m]\n";
    out << "time_s" << (dim == 3 ? ",section" : "") << ",band,edge,segment"
        << coordinate_header<dim>("start_") << coordinate_header<dim>("end_")
        << ",length_m,angle_to_load_axis_deg,mean_p,mean_xbar,mean_x,rms_deviation_m,n_points\n";
    for (std::size_t s = 0; s < results.size(); ++s)
      for (const auto &e : results[s].edges)
        for (const auto &g : e.segments)
          {
            out << time << section_column<dim>(s) << ',' << e.band << ',' << e.id << ','
                << g.index;
            write_coordinates<dim>(out, g.start, sections, s);
            write_coordinates<dim>(out, g.end, sections, s);
            out << ',' << g.length << ',' << g.angle_to_load_axis << ',' << g.mean_plastic_strain
                << ',' << g.mean_nonlocal_free_volume << ',' << g.mean_free_volume << ','
                << g.rms_deviation << ',' << g.n_points << '\n';
          }
    check_stream(out, "segments");
  }

  template <int dim>
  void write_band_nodes_csv(std::ostream &out, const double time,
                            const std::vector<BandTrackingResult> &results,
                            const std::vector<SectionPlane>       &sections)
  {
    write_head<dim>(out, "tips, branch points, crossings and kinks", time, results, sections);
    out << "# type: tip (free end), branch_point, crossing (four edges pairing into two "
           "crossing lines), loop (a closed centreline), kink (between two segments of an "
           "edge)\n"
        << "# node: id (-1 for kinks); edge, segment: the kink's edge and the segment before it "
           "(-1 for nodes); degree: number of edge ends; edges: ids separated by spaces\n"
        << "# radius_m: half-width of the band region at the node [m]; distance_to_boundary_m "
           "[m]; at_boundary: 1 for tips at the boundary (0: the band stops inside)\n"
        << "# deflection_deg: kinks: angle between the two segments; crossings: the larger "
           "change of direction of the two lines; crossing_angle_deg: between the lines [deg]\n";
    out << "time_s" << (dim == 3 ? ",section" : "") << ",band,node,type,edge,segment"
        << coordinate_header<dim>("")
        << ",degree,edges,radius_m,distance_to_boundary_m,at_boundary,deflection_deg,"
           "crossing_angle_deg,p,xbar\n";
    for (std::size_t s = 0; s < results.size(); ++s)
      {
        for (const auto &n : results[s].nodes)
          {
            out << time << section_column<dim>(s) << ',' << n.band << ',' << n.id << ','
                << to_string(n.type) << ",-1,-1";
            write_coordinates<dim>(out, n.position, sections, s);
            out << ',' << n.edges.size() << ',';
            for (std::size_t i = 0; i < n.edges.size(); ++i)
              out << (i ? " " : "") << n.edges[i];
            out << ',' << n.radius << ',' << n.distance_to_boundary << ','
                << (n.at_boundary ? 1 : 0) << ',' << n.deflection << ',' << n.crossing_angle
                << ',' << n.plastic_strain << ',' << n.nonlocal_free_volume << '\n';
          }
        for (const auto &e : results[s].edges)
          for (const auto &k : e.kinks)
            {
              out << time << section_column<dim>(s) << ',' << e.band << ",-1,kink," << e.id
                  << ',' << k.segment;
              write_coordinates<dim>(out, k.position, sections, s);
              out << ",2," << e.id << ',' << e.half_width << ',' << k.distance_to_boundary
                  << ",0," << k.deflection << ",0," << k.plastic_strain << ','
                  << k.nonlocal_free_volume << '\n';
            }
      }
    check_stream(out, "nodes");
  }

  template <int dim>
  void write_band_summary_csv(std::ostream &out, const double time,
                              const std::vector<BandTrackingResult> &results,
                              const std::vector<SectionPlane>       &sections)
  {
    write_head<dim>(out, "bands", time, results, sections);
    out << "# band: id (longest first); length_m: total centreline length [m]; tips_inside: "
           "free ends farther than the tolerance from the boundary (the band stops inside); "
           "largest_deflection_deg: of its kinks [deg]\n"
        << "# mean_p, mean_xbar: along the centreline (by length); peak_p: largest p on it\n";
    out << "time_s" << (dim == 3 ? ",section" : "")
        << ",band,length_m,edges,segments,kinks,tips,tips_inside,branch_points,crossings,"
           "largest_deflection_deg,mean_p,peak_p,mean_xbar\n";
    for (std::size_t s = 0; s < results.size(); ++s)
      for (const auto &b : results[s].bands)
        out << time << section_column<dim>(s) << ',' << b.id << ',' << b.length << ','
            << b.edges.size() << ',' << b.n_segments << ',' << b.n_kinks << ',' << b.n_tips << ','
            << b.n_tips_inside << ',' << b.n_branch_points << ',' << b.n_crossings << ','
            << b.largest_deflection << ',' << b.mean_plastic_strain << ','
            << b.peak_plastic_strain << ',' << b.mean_nonlocal_free_volume << '\n';
    check_stream(out, "bands");
  }

  template <int dim>
  void write_band_vtp(std::ostream &out, const double time,
                      const std::vector<BandTrackingResult> &results,
                      const std::vector<SectionPlane>       &sections)
  {
    // Vertex cells (nodes and kinks) first, then one polyline per segment: VTK orders the
    // cell data of PolyData as verts, lines.
    struct Vertex
    {
      Point<3> x;
      double   angle = -1, p = 0, xbar = 0, free = 0, s = -1;
    };
    std::vector<Vertex>                    points;
    std::vector<std::vector<std::size_t>>  lines;
    std::vector<std::array<double, 6>>     vert_data, line_data; // section, band, edge, segment, type, angle
    const auto body = [&](const std::size_t s, const Point<2> &y) {
      Point<3> x;
      if (dim == 2)
        x = Point<3>(y[0], y[1], 0);
      else
        x = sections.at(s).to_body(y);
      return x;
    };
    for (std::size_t s = 0; s < results.size(); ++s)
      {
        for (const auto &n : results[s].nodes)
          {
            points.push_back({body(s, n.position), -1, n.plastic_strain, n.nonlocal_free_volume, 0, -1});
            vert_data.push_back({{double(s), double(n.band), -1, -1,
                                  double(static_cast<int>(n.type)), -1}});
          }
        for (const auto &e : results[s].edges)
          for (const auto &k : e.kinks)
            {
              points.push_back({body(s, k.position), -1, k.plastic_strain, k.nonlocal_free_volume, 0, -1});
              vert_data.push_back({{double(s), double(e.band), double(e.id), double(k.segment), 4, -1}});
            }
      }
    for (std::size_t s = 0; s < results.size(); ++s)
      for (const auto &e : results[s].edges)
        for (const auto &g : e.segments)
          {
            std::vector<std::size_t> line;
            for (std::size_t i = 0; i < e.points.size(); ++i)
              // The segment's points and the first of the next, so that the lines join.
              if (e.points[i].segment == g.index ||
                  (i > 0 && e.points[i].segment == g.index + 1 &&
                   e.points[i - 1].segment == g.index))
                {
                  const auto &p = e.points[i];
                  line.push_back(points.size());
                  points.push_back({body(s, p.position), p.angle_to_load_axis, p.plastic_strain,
                                    p.nonlocal_free_volume, p.free_volume, p.arc_length});
                }
            if (line.size() >= 2)
              {
                lines.push_back(line);
                line_data.push_back({{double(s), double(e.band), double(e.id), double(g.index), -1,
                                      g.angle_to_load_axis}});
              }
          }
    const std::size_t n_verts = vert_data.size();
    out << std::setprecision(10);
    out << "<?xml version=\"1.0\"?>\n<!-- Band tracking (bmgfe) at t = " << time
        << " s: centreline segments as lines, nodes and kinks as vertices -->\n"
        << "<VTKFile type=\"PolyData\" version=\"0.1\" byte_order=\"LittleEndian\">\n"
        << "<PolyData>\n<FieldData>\n<DataArray type=\"Float64\" Name=\"TimeValue\" "
           "NumberOfTuples=\"1\" format=\"ascii\">"
        << time << "</DataArray>\n</FieldData>\n"
        << "<Piece NumberOfPoints=\"" << points.size() << "\" NumberOfVerts=\"" << n_verts
        << "\" NumberOfLines=\"" << lines.size()
        << "\" NumberOfStrips=\"0\" NumberOfPolys=\"0\">\n";
    out << "<PointData Scalars=\"equivalent_plastic_strain\">\n";
    const auto point_array = [&](const std::string &name, const auto &get) {
      out << "<DataArray type=\"Float64\" Name=\"" << name << "\" format=\"ascii\">\n";
      for (const auto &p : points)
        out << get(p) << '\n';
      out << "</DataArray>\n";
    };
    point_array("angle_to_load_axis_deg", [](const Vertex &v) { return v.angle; });
    point_array("equivalent_plastic_strain", [](const Vertex &v) { return v.p; });
    point_array("nonlocal_free_volume", [](const Vertex &v) { return v.xbar; });
    point_array("free_volume", [](const Vertex &v) { return v.free; });
    point_array("arc_length_m", [](const Vertex &v) { return v.s; });
    out << "</PointData>\n<CellData>\n";
    const char *cell_names[] = {"section", "band", "edge", "segment", "node_type",
                                "segment_angle_to_load_axis_deg"};
    for (unsigned int c = 0; c < 6; ++c)
      {
        out << "<DataArray type=\"" << (c < 5 ? "Int32" : "Float64") << "\" Name=\""
            << cell_names[c] << "\" format=\"ascii\">\n";
        for (const auto &d : vert_data)
          out << d[c] << '\n';
        for (const auto &d : line_data)
          out << d[c] << '\n';
        out << "</DataArray>\n";
      }
    out << "</CellData>\n<Points>\n<DataArray type=\"Float64\" NumberOfComponents=\"3\" "
           "format=\"ascii\">\n";
    for (const auto &p : points)
      out << p.x[0] << ' ' << p.x[1] << ' ' << p.x[2] << '\n';
    out << "</DataArray>\n</Points>\n";
    out << "<Verts>\n<DataArray type=\"Int64\" Name=\"connectivity\" format=\"ascii\">\n";
    for (std::size_t v = 0; v < n_verts; ++v)
      out << v << '\n';
    out << "</DataArray>\n<DataArray type=\"Int64\" Name=\"offsets\" format=\"ascii\">\n";
    for (std::size_t v = 0; v < n_verts; ++v)
      out << v + 1 << '\n';
    out << "</DataArray>\n</Verts>\n";
    out << "<Lines>\n<DataArray type=\"Int64\" Name=\"connectivity\" format=\"ascii\">\n";
    for (const auto &l : lines)
      for (const std::size_t i : l)
        out << i << '\n';
    out << "</DataArray>\n<DataArray type=\"Int64\" Name=\"offsets\" format=\"ascii\">\n";
    std::size_t offset = 0;
    for (const auto &l : lines)
      out << (offset += l.size()) << '\n';
    out << "</DataArray>\n</Lines>\n</Piece>\n</PolyData>\n</VTKFile>\n";
    check_stream(out, "VTK polylines");
  }

  template void write_band_points_csv<2>(std::ostream &, double, const std::vector<BandTrackingResult> &,
                                         const std::vector<SectionPlane> &);
  template void write_band_points_csv<3>(std::ostream &, double, const std::vector<BandTrackingResult> &,
                                         const std::vector<SectionPlane> &);
  template void write_band_segments_csv<2>(std::ostream &, double,
                                           const std::vector<BandTrackingResult> &,
                                           const std::vector<SectionPlane> &);
  template void write_band_segments_csv<3>(std::ostream &, double,
                                           const std::vector<BandTrackingResult> &,
                                           const std::vector<SectionPlane> &);
  template void write_band_nodes_csv<2>(std::ostream &, double, const std::vector<BandTrackingResult> &,
                                        const std::vector<SectionPlane> &);
  template void write_band_nodes_csv<3>(std::ostream &, double, const std::vector<BandTrackingResult> &,
                                        const std::vector<SectionPlane> &);
  template void write_band_summary_csv<2>(std::ostream &, double,
                                          const std::vector<BandTrackingResult> &,
                                          const std::vector<SectionPlane> &);
  template void write_band_summary_csv<3>(std::ostream &, double,
                                          const std::vector<BandTrackingResult> &,
                                          const std::vector<SectionPlane> &);
  template void write_band_vtp<2>(std::ostream &, double, const std::vector<BandTrackingResult> &,
                                  const std::vector<SectionPlane> &);
  template void write_band_vtp<3>(std::ostream &, double, const std::vector<BandTrackingResult> &,
                                  const std::vector<SectionPlane> &);
} // namespace bmgfe
