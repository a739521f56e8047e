// Band tracking (doc/model.md, "Band-tracking postprocessor") on synthetic fields with known
// centrelines: p = p0 exp(-d^2/(2 s^2)), d the distance to a polyline (straight bands, a kinked
// band, a Y, an X; p = the largest of several such fields), sampled on regular and jittered
// grids of a 2 mm square whose sides are given as the boundary. The centreline of such a field is
// exactly its polyline, so the angles, the kink and the junctions are known. The MPI test runs on
// 2 ranks (ctest: band_tracking_mpi); the 3D test tracks a planar band on a section plane.
#include <bmgfe/base/input_error.h>
#include <bmgfe/postprocess/band_tracking.h>

#include <deal.II/base/mpi.h>
#include <deal.II/base/numbers.h>
#include <deal.II/base/parameter_handler.h>

#include <gtest/gtest.h>
#include <vtkCellData.h>
#include <vtkNew.h>
#include <vtkPointData.h>
#include <vtkPolyData.h>
#include <vtkXMLPolyDataReader.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <fstream>
#include <functional>
#include <iostream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

using namespace dealii;
using namespace bmgfe;

namespace
{
  constexpr double L     = 2e-3;  ///< side of the square [m]
  constexpr double sigma = 40e-6; ///< band profile: FWHM 94 um
  constexpr unsigned int n_grid = 200; ///< samples per side: spacing 10 um = sigma/4
  constexpr double spacing = L / n_grid;

  double radians(const double degrees)
  {
    return degrees * numbers::PI / 180;
  }

  /// Unit vector at angle theta [deg] to the load axis e_y, pointing up: (sin, cos).
  Tensor<1, 2> at_angle(const double theta)
  {
    Tensor<1, 2> t;
    t[0] = std::sin(radians(theta));
    t[1] = std::cos(radians(theta));
    return t;
  }

  Tensor<1, 2> axis_y()
  {
    Tensor<1, 2> a;
    a[1] = 1;
    return a;
  }

  double distance_to_segment(const Point<2> &x, const Point<2> &a, const Point<2> &b)
  {
    const Tensor<1, 2> d = b - a;
    const double       t = std::clamp((x - a) * d / d.norm_square(), 0.0, 1.0);
    return (x - (a + t * d)).norm();
  }

  /// Angle between two line directions [deg, 0..90].
  double line_angle(const Tensor<1, 2> &a, const Tensor<1, 2> &b)
  {
    const double c = std::abs(a * b) / (a.norm() * b.norm());
    return std::atan2(std::sqrt(std::max(0.0, 1 - c * c)), c) * 180 / numbers::PI;
  }

  /// A band whose centreline is a polyline (its vertices); p0 on the centreline.
  struct PolylineBand
  {
    std::vector<Point<2>> vertices;
    double                peak = 0.2;

    double distance(const Point<2> &x) const
    {
      double d = std::numeric_limits<double>::max();
      for (std::size_t i = 0; i + 1 < vertices.size(); ++i)
        d = std::min(d, distance_to_segment(x, vertices[i], vertices[i + 1]));
      return d;
    }
    double value(const Point<2> &x) const
    {
      const double d = distance(x);
      return peak * std::exp(-d * d / (2 * sigma * sigma));
    }
  };

  /// A straight band through `through` at angle theta to the load axis, long enough to cross
  /// the square.
  PolylineBand straight(const double theta, const Point<2> &through)
  {
    return {{through - 3 * L * at_angle(theta), through + 3 * L * at_angle(theta)}};
  }

  std::vector<Point<2>> grid_points(const bool jitter, const unsigned int seed = 7)
  {
    std::vector<Point<2>>                  points;
    std::mt19937                           random(seed);
    std::uniform_real_distribution<double> u(-0.45 * spacing, 0.45 * spacing);
    for (unsigned int j = 0; j < n_grid; ++j)
      for (unsigned int i = 0; i < n_grid; ++i)
        {
          Point<2> x(-L / 2 + (i + 0.5) * spacing, -L / 2 + (j + 0.5) * spacing);
          if (jitter)
            {
              x[0] += u(random);
              x[1] += u(random);
            }
          points.push_back(x);
        }
    return points;
  }

  std::vector<BandTrackingSample> sample(const std::vector<Point<2>>            &points,
                                         const std::vector<PolylineBand>        &bands)
  {
    std::vector<BandTrackingSample> samples;
    for (const auto &x : points)
      {
        double p = 0;
        for (const auto &b : bands)
          p = std::max(p, b.value(x));
        // x-bar and x: distinct smooth fields, to check that they are carried along.
        samples.push_back({x, spacing * spacing, p, 0.02 + 0.1 * p, 0.03 + x[0]});
      }
    return samples;
  }

  std::vector<BoundarySegment> square_boundary()
  {
    const Point<2> a(-L / 2, -L / 2), b(L / 2, -L / 2), c(L / 2, L / 2), d(-L / 2, L / 2);
    return {{{a, b}}, {{b, c}}, {{c, d}}, {{d, a}}};
  }

  BandTrackingResult track(const std::vector<PolylineBand> &bands, const bool jitter = false,
                           const BandTrackingParameters &prm = BandTrackingParameters())
  {
    const auto start = std::chrono::steady_clock::now();
    const auto r     = track_bands(sample(grid_points(jitter), bands), prm, axis_y(), square_boundary());
    std::cout << "  tracked " << r.n_samples << " samples in "
              << std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count()
              << " s: grid spacing " << r.grid_spacing << " m, " << r.bands.size() << " band(s), "
              << r.edges.size() << " edge(s), " << r.nodes.size() << " node(s)\n";
    return r;
  }

  unsigned int count(const BandTrackingResult &r, const BandNodeType type)
  {
    return static_cast<unsigned int>(std::count_if(r.nodes.begin(), r.nodes.end(),
                                                   [&](const BandNode &n) { return n.type == type; }));
  }

  void print(const BandTrackingResult &r)
  {
    for (const auto &e : r.edges)
      {
        std::cout << "  edge " << e.id << " (band " << e.band << ", nodes " << e.nodes[0] << "-"
                  << e.nodes[1] << ", length " << e.length << " m, half-width " << e.half_width
                  << " m):";
        for (const auto &s : e.segments)
          std::cout << " segment " << s.index << " at " << std::setprecision(6)
                    << s.angle_to_load_axis << " deg (length " << s.length << " m, rms "
                    << s.rms_deviation << " m)";
        for (const auto &k : e.kinks)
          std::cout << "; kink at (" << k.position[0] << ", " << k.position[1] << "), deflection "
                    << k.deflection << " deg";
        std::cout << '\n';
      }
    for (const auto &n : r.nodes)
      std::cout << "  node " << n.id << ": " << to_string(n.type) << " at (" << n.position[0]
                << ", " << n.position[1] << "), " << n.edges.size() << " edge(s), "
                << (n.type == BandNodeType::tip ?
                      (n.at_boundary ? "at the boundary" : "inside") :
                      std::string("")) << " distance " << n.distance_to_boundary << " m\n";
  }

  /// The one segment of the one edge of a band (a straight band) and its angle error.
  double straight_band_error(const BandTrackingResult &r, const unsigned int band,
                             const double theta)
  {
    EXPECT_EQ(r.bands[band].edges.size(), 1u);
    const auto &edge = r.edges[r.bands[band].edges[0]];
    EXPECT_EQ(edge.segments.size(), 1u);
    EXPECT_TRUE(edge.kinks.empty());
    return std::abs(edge.segments[0].angle_to_load_axis - theta);
  }
} // namespace

// (a) Two straight bands, not crossing, at 38 and 50 degrees: each recovered within 0.5 deg as
// one edge of one straight segment from boundary to boundary.
TEST(BandTracking2D, TwoStraightBands)
{
  for (const bool jitter : {false, true})
    {
      SCOPED_TRACE(jitter ? "jittered grid" : "regular grid");
      const PolylineBand a = straight(38, Point<2>(-0.6e-3, 0.2e-3));
      const PolylineBand b = straight(50, Point<2>(0.6e-3, -0.2e-3));
      const auto         r = track({a, b}, jitter);
      print(r);
      ASSERT_EQ(r.bands.size(), 2u);
      EXPECT_EQ(r.edges.size(), 2u);
      EXPECT_EQ(count(r, BandNodeType::branch_point), 0u);
      EXPECT_EQ(count(r, BandNodeType::crossing), 0u);
      EXPECT_EQ(count(r, BandNodeType::tip), 4u);
      for (const auto &n : r.nodes)
        EXPECT_TRUE(n.at_boundary) << "node " << n.id;
      // Which band is which: by the distance of the edge's middle point to the centrelines.
      for (unsigned int i = 0; i < 2; ++i)
        {
          const auto &edge   = r.edges[r.bands[i].edges[0]];
          const auto &middle = edge.points[edge.points.size() / 2].position;
          const bool  is_a   = a.distance(middle) < b.distance(middle);
          const double error = straight_band_error(r, i, is_a ? 38 : 50);
          std::cout << "  band " << i << " (" << (is_a ? 38 : 50) << " deg): angle error "
                    << error << " deg\n";
          EXPECT_LT(error, 0.5);
          // Every refined centreline point lies on the centreline (within a tenth of the spacing).
          double       worst     = 0;
          unsigned int n_refined = 0;
          for (const auto &p : edge.points)
            if (p.refined)
              {
                worst = std::max(worst, (is_a ? a : b).distance(p.position));
                ++n_refined;
              }
          std::cout << "  largest distance of a refined point from the centreline: "
                    << worst / spacing << " spacings (" << n_refined << " of "
                    << edge.points.size() << " points refined)\n";
          EXPECT_LT(worst, 0.25 * spacing);
          EXPECT_GT(n_refined, 0.8 * edge.points.size());
          // The local angle along the band (fitted over about a half-width).
          double worst_local = 0;
          for (const auto &p : edge.points)
            if (p.refined)
              worst_local = std::max(worst_local, std::abs(p.angle_to_load_axis - (is_a ? 38 : 50)));
          std::cout << "  largest error of the local angle: " << worst_local << " deg\n";
          EXPECT_LT(worst_local, 0.5);
          // p and x-bar along it are those of the field.
          EXPECT_NEAR(r.bands[i].peak_plastic_strain, 0.2, 0.01);
          EXPECT_NEAR(r.bands[i].mean_nonlocal_free_volume, 0.02 + 0.1 * r.bands[i].mean_plastic_strain,
                      1e-3);
        }
    }
}

// (b) A kinked band: 40 deg below the kink point K, 30 deg above it. Two segments with their
// angles within 0.5 deg, the kink within one sample spacing of K, the deflection 10 +- 1 deg.
TEST(BandTracking2D, KinkedBand)
{
  const Point<2>     K(-0.1e-3, 0.15e-3);
  const PolylineBand band{{K - 3 * L * at_angle(40), K, K + 3 * L * at_angle(30)}};
  for (const bool jitter : {false, true})
    {
      SCOPED_TRACE(jitter ? "jittered grid" : "regular grid");
      const auto r = track({band}, jitter);
      print(r);
      ASSERT_EQ(r.bands.size(), 1u);
      ASSERT_EQ(r.edges.size(), 1u);
      const auto &edge = r.edges[0];
      ASSERT_EQ(edge.segments.size(), 2u);
      ASSERT_EQ(edge.kinks.size(), 1u);
      // Edges run along the load axis: the 40 deg part (below K) comes first.
      const double e0 = std::abs(edge.segments[0].angle_to_load_axis - 40);
      const double e1 = std::abs(edge.segments[1].angle_to_load_axis - 30);
      const double ek = (edge.kinks[0].position - K).norm();
      const double ed = std::abs(edge.kinks[0].deflection - 10);
      std::cout << "  angle errors " << e0 << " and " << e1 << " deg, kink " << ek / spacing
                << " spacings from K, deflection error " << ed << " deg\n";
      EXPECT_LT(e0, 0.5);
      EXPECT_LT(e1, 0.5);
      EXPECT_LT(ek, spacing);
      EXPECT_LT(ed, 1.0);
      EXPECT_EQ(r.bands[0].n_kinks, 1u);
      EXPECT_NEAR(r.bands[0].largest_deflection, 10, 1.0);
      EXPECT_EQ(count(r, BandNodeType::tip), 2u);
      EXPECT_EQ(r.bands[0].n_tips_inside, 0u);
    }
}

// (c) A Y: a stem along the load axis that splits at J into two arms at +-25 deg. Exactly one
// branch point, three edges; the branch point at J.
TEST(BandTracking2D, YBranchCountedOnce)
{
  const Point<2>     J(0.05e-3, -0.1e-3);
  const PolylineBand stem{{J - 3 * L * at_angle(0), J}};
  const PolylineBand left{{J, J + 3 * L * at_angle(-25)}};
  const PolylineBand right{{J, J + 3 * L * at_angle(25)}};
  for (const bool jitter : {false, true})
    {
      SCOPED_TRACE(jitter ? "jittered grid" : "regular grid");
      const auto r = track({stem, left, right}, jitter);
      print(r);
      ASSERT_EQ(r.bands.size(), 1u);
      EXPECT_EQ(r.edges.size(), 3u);
      EXPECT_EQ(count(r, BandNodeType::branch_point), 1u);
      EXPECT_EQ(r.bands[0].n_branch_points, 1u);
      EXPECT_EQ(count(r, BandNodeType::crossing), 0u);
      EXPECT_EQ(count(r, BandNodeType::tip), 3u);
      for (const auto &n : r.nodes)
        if (n.type == BandNodeType::branch_point)
          {
            EXPECT_EQ(n.edges.size(), 3u);
            std::cout << "  branch point " << (n.position - J).norm() / spacing
                      << " spacings from J\n";
            EXPECT_LT((n.position - J).norm(), 2 * spacing);
          }
      // Each edge is straight, at the angle of its part.
      std::vector<double> angles;
      for (const auto &e : r.edges)
        {
          EXPECT_EQ(e.segments.size(), 1u);
          angles.push_back(e.segments[0].angle_to_load_axis);
        }
      std::sort(angles.begin(), angles.end());
      ASSERT_EQ(angles.size(), 3u);
      EXPECT_LT(angles[0], 0.5);
      EXPECT_NEAR(angles[1], 25, 0.5);
      EXPECT_NEAR(angles[2], 25, 0.5);
    }
}

// (d) An X of two bands at +-42 deg: one band (a connected centreline) with one crossing, no
// branch point, four edges; the edges opposite each other continue each other across it.
TEST(BandTracking2D, XCrossingIsOneCrossing)
{
  const Point<2>     C(0.1e-3, 0.05e-3);
  const PolylineBand a = straight(42, C), b = straight(-42, C);
  for (const bool jitter : {false, true})
    {
      SCOPED_TRACE(jitter ? "jittered grid" : "regular grid");
      const auto r = track({a, b}, jitter);
      print(r);
      ASSERT_EQ(r.bands.size(), 1u);
      ASSERT_EQ(r.edges.size(), 4u);
      EXPECT_EQ(count(r, BandNodeType::crossing), 1u);
      EXPECT_EQ(count(r, BandNodeType::branch_point), 0u);
      EXPECT_EQ(r.bands[0].n_crossings, 1u);
      EXPECT_EQ(count(r, BandNodeType::tip), 4u);
      for (const auto &n : r.nodes)
        if (n.type == BandNodeType::crossing)
          {
            std::cout << "  crossing " << (n.position - C).norm() / spacing
                      << " spacings from C, crossing angle " << n.crossing_angle << " deg\n";
            EXPECT_LT((n.position - C).norm(), 2 * spacing);
            EXPECT_NEAR(n.crossing_angle, 84, 1.0);
          }
      for (const auto &e : r.edges)
        {
          ASSERT_EQ(e.segments.size(), 1u);
          EXPECT_NEAR(e.segments[0].angle_to_load_axis, 42, 0.5);
          // The edge across the crossing continues this one on the same line.
          const int other = std::max(e.continues_as[0], e.continues_as[1]);
          ASSERT_GE(other, 0);
          EXPECT_LT(line_angle(e.segments[0].direction, r.edges[other].segments[0].direction), 1.0);
          EXPECT_TRUE((e.continues_as[0] >= 0) != (e.continues_as[1] >= 0));
        }
    }
}

// An X whose crossing is a thick spot (as where bands grow out of a soft spot: the crossing
// region many times wider than the arms): still four arms and one crossing. (Spurs pruned by
// a length relative to the junction's radius took two arms for spurs here, and in the
// compression runs.)
TEST(BandTracking2D, XWithThickCrossing)
{
  const Point<2>     C(0.1e-3, 0.05e-3);
  const PolylineBand a = straight(42, C), b = straight(-42, C);
  PolylineBand       spot{{C, C + Tensor<1, 2>({1e-9, 0})}};
  spot.peak = 0.5;
  // The spot: a Gaussian of 250 um (PolylineBand's profile has sigma = 40 um: scale it).
  const auto p = [&](const Point<2> &x) {
    const double d = (x - C).norm();
    return std::max({a.value(x), b.value(x), spot.peak * std::exp(-d * d / (2 * 250e-6 * 250e-6))});
  };
  std::vector<BandTrackingSample> samples;
  for (const auto &x : grid_points(false))
    samples.push_back({x, spacing * spacing, p(x), 0.02, 0.03});
  const auto r = track_bands(samples, BandTrackingParameters(), axis_y(), square_boundary());
  print(r);
  ASSERT_EQ(r.bands.size(), 1u);
  EXPECT_EQ(r.edges.size(), 4u);
  EXPECT_EQ(count(r, BandNodeType::crossing), 1u);
  EXPECT_EQ(count(r, BandNodeType::tip), 4u);
  for (const auto &e : r.edges)
    {
      ASSERT_FALSE(e.segments.empty());
      EXPECT_NEAR(e.segments.back().angle_to_load_axis, 42, 0.5);
    }
}

// A band from the boundary that stops inside the body: one tip at the boundary, one inside,
// at the end of the band within one half-width of the band region.
TEST(BandTracking2D, BandStoppingInside)
{
  const Point<2>     end(0.1e-3, 0.2e-3);
  const PolylineBand band{{end - 3 * L * at_angle(45), end}};
  const auto         r = track({band});
  print(r);
  ASSERT_EQ(r.bands.size(), 1u);
  ASSERT_EQ(r.edges.size(), 1u);
  EXPECT_EQ(r.bands[0].n_tips, 2u);
  EXPECT_EQ(r.bands[0].n_tips_inside, 1u);
  for (const auto &n : r.nodes)
    if (!n.at_boundary)
      {
        std::cout << "  inner tip " << (n.position - end).norm() / spacing
                  << " spacings from the end, half-width " << r.edges[0].half_width / spacing
                  << " spacings\n";
        EXPECT_LT((n.position - end).norm(), r.edges[0].half_width);
        EXPECT_GT(n.distance_to_boundary, 0.5e-3);
      }
  EXPECT_NEAR(r.edges[0].segments[0].angle_to_load_axis, 45, 0.5);
}

TEST(BandTracking2D, NoBand)
{
  // Uniform p, a peak below the minimum plastic strain, no samples.
  for (const double peak : {0.0, 5e-4})
    {
      PolylineBand b = straight(30, Point<2>(0, 0));
      b.peak         = peak;
      const auto r   = track({b});
      EXPECT_TRUE(r.bands.empty());
      EXPECT_TRUE(r.edges.empty());
      EXPECT_TRUE(std::isinf(r.threshold));
    }
  auto uniform = sample(grid_points(false), {});
  for (auto &s : uniform)
    s.plastic_strain = 0.05;
  EXPECT_TRUE(track_bands(uniform, BandTrackingParameters(), axis_y()).bands.empty());
  EXPECT_TRUE(track_bands({}, BandTrackingParameters(), axis_y()).bands.empty());
  // A round hot spot is no band (its skeleton is a stub shorter than twice its width).
  const PolylineBand spot{{Point<2>(0, 0), Point<2>(1e-9, 0)}};
  EXPECT_TRUE(track({spot}).bands.empty());
}

TEST(BandTracking2D, ResultDoesNotDependOnSampleOrderOrBoundaryInput)
{
  const PolylineBand a = straight(42, Point<2>(0.1e-3, 0)), b = straight(-42, Point<2>(0.1e-3, 0));
  auto samples = sample(grid_points(true), {a, b});
  const auto r1 = track_bands(samples, BandTrackingParameters(), axis_y(), square_boundary());
  std::mt19937 random(3);
  std::shuffle(samples.begin(), samples.end(), random);
  const auto r2 = track_bands(samples, BandTrackingParameters(), axis_y(), square_boundary());
  ASSERT_EQ(r1.edges.size(), r2.edges.size());
  for (std::size_t e = 0; e < r1.edges.size(); ++e)
    {
      ASSERT_EQ(r1.edges[e].points.size(), r2.edges[e].points.size());
      for (std::size_t i = 0; i < r1.edges[e].points.size(); ++i)
        EXPECT_EQ(r1.edges[e].points[i].position, r2.edges[e].points[i].position);
    }
  // Without the boundary segments the tips are still found at the boundary (from the grid).
  const auto r3 = track_bands(samples, BandTrackingParameters(), axis_y());
  ASSERT_EQ(r3.nodes.size(), r1.nodes.size());
  for (std::size_t n = 0; n < r3.nodes.size(); ++n)
    {
      EXPECT_EQ(r3.nodes[n].at_boundary, r1.nodes[n].at_boundary);
      EXPECT_NEAR(r3.nodes[n].distance_to_boundary, r1.nodes[n].distance_to_boundary,
                  2 * spacing);
    }
}

// The files of one output time: the CSV headers and rows, and a VTK PolyData file that VTK's own
// reader accepts, with the lines, vertices and arrays written.
TEST(BandTrackingFiles, CsvAndVtp)
{
  const Point<2>     K(-0.1e-3, 0.15e-3);
  const PolylineBand kinked{{K - 3 * L * at_angle(40), K, K + 3 * L * at_angle(30)}};
  const std::vector<BandTrackingResult> results = {track({kinked})};
  const auto &r = results[0];
  ASSERT_EQ(r.edges.size(), 1u);

  std::ostringstream points, segments, nodes, bands;
  write_band_points_csv<2>(points, 2.5, results, {});
  write_band_segments_csv<2>(segments, 2.5, results, {});
  write_band_nodes_csv<2>(nodes, 2.5, results, {});
  write_band_summary_csv<2>(bands, 2.5, results, {});
  const auto rows = [](const std::string &text, std::string &header) {
    std::istringstream       in(text);
    std::string              line;
    std::vector<std::string> list;
    header.clear();
    while (std::getline(in, line))
      if (line.rfind("#", 0) == 0)
        continue;
      else if (header.empty())
        header = line;
      else
        list.push_back(line);
    return list;
  };
  std::string header;
  EXPECT_EQ(rows(points.str(), header).size(), r.edges[0].points.size());
  EXPECT_EQ(header, "time_s,band,edge,segment,point,s_m,x_m,y_m,angle_to_load_axis_deg,p,xbar,x,"
                    "refined");
  EXPECT_EQ(rows(segments.str(), header).size(), 2u);
  EXPECT_EQ(header, "time_s,band,edge,segment,start_x_m,start_y_m,end_x_m,end_y_m,length_m,"
                    "angle_to_load_axis_deg,mean_p,mean_xbar,mean_x,rms_deviation_m,n_points");
  const auto node_rows = rows(nodes.str(), header);
  EXPECT_EQ(node_rows.size(), 3u); // two tips and the kink
  EXPECT_EQ(header, "time_s,band,node,type,edge,segment,x_m,y_m,degree,edges,radius_m,"
                    "distance_to_boundary_m,at_boundary,deflection_deg,crossing_angle_deg,p,xbar");
  EXPECT_NE(nodes.str().find(",kink,0,0,"), std::string::npos);
  EXPECT_EQ(rows(bands.str(), header).size(), 1u);
  EXPECT_EQ(header, "time_s,band,length_m,edges,segments,kinks,tips,tips_inside,branch_points,"
                    "crossings,largest_deflection_deg,mean_p,peak_p,mean_xbar");
  for (const std::string unit : {"[deg, 0..90]", "[m]", "x-bar"})
    EXPECT_NE(points.str().find(unit), std::string::npos) << unit;

  {
    std::ofstream out("band_tracking_test.vtp");
    write_band_vtp<2>(out, 2.5, results, {});
  }
  vtkNew<vtkXMLPolyDataReader> reader;
  reader->SetFileName("band_tracking_test.vtp");
  reader->Update();
  vtkPolyData *data = reader->GetOutput();
  ASSERT_NE(data, nullptr);
  EXPECT_EQ(data->GetNumberOfLines(), 2);  // one per segment
  EXPECT_EQ(data->GetNumberOfVerts(), 3);  // two tips, one kink
  // Lines join at the kink: the points of the edge, the first of the second segment twice, plus
  // the vertices.
  EXPECT_EQ(data->GetNumberOfPoints(), static_cast<vtkIdType>(r.edges[0].points.size() + 1 + 3));
  for (const char *name : {"angle_to_load_axis_deg", "equivalent_plastic_strain",
                           "nonlocal_free_volume", "free_volume", "arc_length_m"})
    EXPECT_NE(data->GetPointData()->GetArray(name), nullptr) << name;
  for (const char *name : {"band", "edge", "segment", "node_type", "segment_angle_to_load_axis_deg"})
    EXPECT_NE(data->GetCellData()->GetArray(name), nullptr) << name;
  EXPECT_NEAR(data->GetCellData()->GetArray("segment_angle_to_load_axis_deg")->GetTuple1(3),
              r.edges[0].segments[0].angle_to_load_axis, 1e-6);
}

TEST(BandTrackingParameters, DeclareParseCheck)
{
  ParameterHandler prm;
  BandTrackingParameters::declare_parameters(prm);
  BandTrackingParameters p;
  p.parse_parameters(prm);
  const BandTrackingParameters d;
  EXPECT_EQ(p.threshold_fraction, d.threshold_fraction);
  EXPECT_EQ(p.kink_angle, d.kink_angle);
  EXPECT_EQ(p.section_planes, "auto");

  prm.parse_input_from_string("subsection Postprocess\n subsection Band tracking\n"
                              "  set Threshold fraction = 0.4\n"
                              "  set Grid spacing = 1e-5\n"
                              "  set Kink angle = 8\n"
                              "  set Minimum segment length = 2e-4\n"
                              "  set Section planes = 0, 0, 1e-3: 1, 0, 0; 0, 0, 0: 0, 1, 0\n"
                              " end\nend\n");
  p.parse_parameters(prm);
  EXPECT_EQ(p.threshold_fraction, 0.4);
  EXPECT_EQ(p.grid_spacing, 1e-5);
  EXPECT_EQ(p.kink_angle, 8);
  EXPECT_EQ(p.minimum_segment_length, 2e-4);

  BandTrackingParameters bad;
  bad.kink_angle = 0;
  EXPECT_THROW(bad.check(), InputError);
  bad                = d;
  bad.grid_spacing   = -1;
  EXPECT_THROW(bad.check(), InputError);
  bad                    = d;
  bad.threshold_fraction = 1;
  EXPECT_THROW(bad.check(), InputError);
  bad                = d;
  for (const std::string text : {"0, 0, 0", "0, 0: 1, 0, 0", "0, 0, 0: 0, 0, 0", "a, 0, 0: 1, 0, 0"})
    {
      bad.section_planes = text;
      EXPECT_THROW(bad.check(), InputError) << text;
    }
  // A plane normal to the load axis has no angle to it.
  Tensor<1, 3> z;
  z[2] = 1;
  EXPECT_THROW(parse_section_planes("0, 0, 0: 0, 0, 1", z, Point<3>(), "planes"), InputError);
  const auto planes = parse_section_planes("auto", z, Point<3>(1, 2, 3), "planes");
  ASSERT_EQ(planes.size(), 1u);
  EXPECT_NEAR(std::abs(planes[0].normal[0]), 1.0, 1e-12);
  EXPECT_NEAR(planes[0].e_v[2], 1.0, 1e-12);
  EXPECT_EQ(planes[0].origin, Point<3>(1, 2, 3));
  // A NaN sample is a caller's error, not "no band".
  auto samples = sample(grid_points(false), {straight(30, Point<2>())});
  samples[11].plastic_strain = std::nan("");
  EXPECT_THROW(track_bands(samples, d, axis_y()), std::invalid_argument);
}

// (f) 3D: a planar Gaussian band in a 1 mm box, its plane at 42 deg to the load axis z and at
// azimuth 30 deg, tracked on the plane x = x0 (given) and on the automatic plane (through the
// centre, normal x). Its trace there is the line along n x e_x, whose angle to z is known.
TEST(BandTracking3D, PlanarBandOnSectionPlanes)
{
  const unsigned int n = 60;
  const double       a = 1e-3, h = a / n, s3 = 60e-6;
  std::mt19937       random(11);
  std::uniform_real_distribution<double> jitter(-0.4 * h, 0.4 * h);
  const double       theta = radians(42), phi = radians(30);
  Tensor<1, 3>       normal;
  normal[0] = std::cos(theta) * std::cos(phi);
  normal[1] = std::cos(theta) * std::sin(phi);
  normal[2] = -std::sin(theta);
  const Point<3> through(0.05e-3, -0.05e-3, 0.02e-3);
  Tensor<1, 3>   z;
  z[2] = 1;
  const auto planes =
    parse_section_planes("auto; 0.2e-3, 0, 0: 1, 0, 0", z, Point<3>(0, 0, 0), "planes");
  ASSERT_EQ(planes.size(), 2u);
  BandTrackingParameters prm;
  BandTracking<3>        tracking(prm, z, planes);
  for (unsigned int i = 0; i < n; ++i)
    for (unsigned int j = 0; j < n; ++j)
      for (unsigned int k = 0; k < n; ++k)
        {
          const Point<3> x(-a / 2 + (i + 0.5) * h + jitter(random),
                           -a / 2 + (j + 0.5) * h + jitter(random),
                           -a / 2 + (k + 0.5) * h + jitter(random));
          const double d = (x - through) * normal;
          tracking.add(x, h * h * h, 0.2 * std::exp(-d * d / (2 * s3 * s3)), 0.02, 0.03, 0.5 * h);
        }
  // The box's faces as boundary (each as one quadrilateral in deal.II's vertex order).
  for (unsigned int axis = 0; axis < 3; ++axis)
    for (const double side : {-a / 2, a / 2})
      {
        std::vector<Point<3>> face(4);
        for (unsigned int v = 0; v < 4; ++v)
          {
            face[v][axis]           = side;
            face[v][(axis + 1) % 3] = (v % 2 ? a / 2 : -a / 2);
            face[v][(axis + 2) % 3] = (v / 2 ? a / 2 : -a / 2);
          }
        tracking.add_boundary_face(face);
      }
  EXPECT_GT(tracking.section_samples(0).size(), n * n);
  const auto results = tracking.analyse();
  ASSERT_EQ(results.size(), 2u);
  // The trace of the band plane on a plane of normal e_x: along normal x e_x; its angle to z.
  Tensor<1, 3> ex;
  ex[0]                    = 1;
  const Tensor<1, 3> trace = cross_product_3d(normal, ex);
  const double       expected =
    std::atan2(std::sqrt(trace[0] * trace[0] + trace[1] * trace[1]), std::abs(trace[2])) * 180 /
    numbers::PI;
  for (unsigned int s = 0; s < 2; ++s)
    {
      SCOPED_TRACE("section " + std::to_string(s));
      const auto &r = results[s];
      print(r);
      ASSERT_EQ(r.bands.size(), 1u);
      ASSERT_EQ(r.edges.size(), 1u);
      ASSERT_EQ(r.edges[0].segments.size(), 1u);
      const double error = std::abs(r.edges[0].segments[0].angle_to_load_axis - expected);
      std::cout << "  trace at " << r.edges[0].segments[0].angle_to_load_axis << " deg, expected "
                << expected << " deg: error " << error << " deg\n";
      EXPECT_LT(error, 0.5);
      // Its points lie on the band plane, in body coordinates.
      for (const auto &p : r.edges[0].points)
        if (p.refined)
          {
            EXPECT_LT(std::abs((planes[s].to_body(p.position) - through) * normal), 0.5 * h);
          }
      for (const auto &node : r.nodes)
        EXPECT_TRUE(node.at_boundary);
    }
  // section_of_face: a face crossing the plane gives one segment per triangle it meets.
  const std::vector<Point<3>> face = {Point<3>(-1, 0, 0), Point<3>(1, 0, 0), Point<3>(-1, 0, 1),
                                      Point<3>(1, 0, 1)};
  const auto pieces = section_of_face(face, planes[0]);
  double     length = 0;
  for (const auto &p : pieces)
    length += (p[1] - p[0]).norm();
  EXPECT_NEAR(length, 1.0, 1e-12);
}

// (e) Samples dealt to 2 ranks give the same result as all samples on one.
TEST(BandTrackingMpi, SplitSamplesGiveTheSameResult)
{
  const unsigned int n_ranks = Utilities::MPI::n_mpi_processes(MPI_COMM_WORLD);
  const unsigned int rank    = Utilities::MPI::this_mpi_process(MPI_COMM_WORLD);
  if (n_ranks < 2)
    GTEST_SKIP() << "needs at least 2 MPI ranks (ctest: band_tracking_mpi)";
  const Point<2>     J(0.05e-3, -0.1e-3);
  const PolylineBand stem{{J - 3 * L * at_angle(0), J}}, left{{J, J + 3 * L * at_angle(-25)}},
    right{{J, J + 3 * L * at_angle(25)}}, extra = straight(25, Point<2>(0.75e-3, -0.5e-3));
  const auto all = sample(grid_points(true), {stem, left, right, extra});
  BandTracking<2> tracking(BandTrackingParameters(), axis_y());
  for (std::size_t i = rank; i < all.size(); i += n_ranks)
    tracking.add(all[i].position, all[i].weight, all[i].plastic_strain,
                 all[i].nonlocal_free_volume, all[i].free_volume);
  const auto boundary = square_boundary();
  for (std::size_t i = rank; i < boundary.size(); i += n_ranks)
    tracking.add_boundary_face({boundary[i][0], boundary[i][1]});
  EXPECT_LT(tracking.section_samples(0).size(), all.size());
  BandTrackingSummary summary;
  const auto          parallel = tracking.analyse(MPI_COMM_WORLD, summary);
  const auto serial = track_bands(all, BandTrackingParameters(), axis_y(), boundary);
  BandTrackingSummary expected;
  expected.add(serial);
  // Every rank has the summary; rank 0 the full result.
  EXPECT_EQ(summary.bands, expected.bands);
  EXPECT_EQ(summary.branch_points, expected.branch_points);
  EXPECT_EQ(summary.edges, expected.edges);
  EXPECT_EQ(summary.total_length, expected.total_length);
  EXPECT_EQ(expected.branch_points, 1u);
  if (rank == 0)
    {
      ASSERT_EQ(parallel.size(), 1u);
      const auto &p = parallel[0];
      ASSERT_EQ(p.edges.size(), serial.edges.size());
      ASSERT_EQ(p.nodes.size(), serial.nodes.size());
      for (std::size_t e = 0; e < p.edges.size(); ++e)
        {
          ASSERT_EQ(p.edges[e].points.size(), serial.edges[e].points.size());
          for (std::size_t i = 0; i < p.edges[e].points.size(); ++i)
            EXPECT_EQ(p.edges[e].points[i].position, serial.edges[e].points[i].position);
          EXPECT_EQ(p.edges[e].segments.size(), serial.edges[e].segments.size());
        }
      for (std::size_t n = 0; n < p.nodes.size(); ++n)
        {
          EXPECT_EQ(p.nodes[n].type, serial.nodes[n].type);
          EXPECT_EQ(p.nodes[n].distance_to_boundary, serial.nodes[n].distance_to_boundary);
        }
    }
  else
    EXPECT_TRUE(parallel.empty());

  // An error found on rank 0 (a NaN on rank 1) reaches every rank.
  BandTracking<2> broken(BandTrackingParameters(), axis_y());
  broken.add(Point<2>(0, 0), 1e-8, rank == 1 ? std::nan("") : 0.1, 0, 0);
  EXPECT_THROW(broken.analyse(MPI_COMM_WORLD, summary), std::runtime_error);
}

int main(int argc, char **argv)
{
  Utilities::MPI::MPI_InitFinalize mpi(argc, argv, 1);
  ::testing::InitGoogleTest(&argc, argv);
  return RUN_ALL_TESTS();
}
