#include <bmgfe/base/input_error.h>
#include <bmgfe/postprocess/band_tracking.h>
#include <bmgfe/postprocess/shear_bands.h>

#include <deal.II/base/numbers.h>
#include <deal.II/base/parameter_handler.h>
#include <deal.II/base/utilities.h>

#include <algorithm>
#include <array>
#include <climits>
#include <cmath>
#include <deque>
#include <iomanip>
#include <limits>
#include <map>
#include <numeric>
#include <set>
#include <sstream>
#include <stdexcept>
#include <tuple>

namespace bmgfe
{
  using namespace dealii;

  namespace
  {
    const std::string section = "Postprocess/Band tracking/";

    double degrees(const double radians)
    {
      return radians * 180.0 / numbers::PI;
    }

    double cross(const Tensor<1, 2> &a, const Tensor<1, 2> &b)
    {
      return a[0] * b[1] - a[1] * b[0];
    }

    Tensor<1, 2> vec(const double a, const double b)
    {
      Tensor<1, 2> t;
      t[0] = a;
      t[1] = b;
      return t;
    }

    Tensor<1, 2> perpendicular(const Tensor<1, 2> &t)
    {
      Tensor<1, 2> n;
      n[0] = -t[1];
      n[1] = t[0];
      return n;
    }

    /// Angle between a line of direction t and the (unit) load axis [deg, 0..90]. atan2 of
    /// sine and cosine: accurate also near 0 and 90 degrees, unlike acos or asin.
    double angle_to_axis(const Tensor<1, 2> &t, const Tensor<1, 2> &axis)
    {
      return degrees(std::atan2(std::abs(cross(t, axis)), std::abs(t * axis)));
    }

    /// Angle between two directions [deg, 0..180].
    double angle_between(const Tensor<1, 2> &a, const Tensor<1, 2> &b)
    {
      return degrees(std::atan2(std::abs(cross(a, b)), a * b));
    }

    bool position_less(const Point<2> &a, const Point<2> &b)
    {
      return a[0] != b[0] ? a[0] < b[0] : a[1] < b[1];
    }

    // ------------------------------------------------------------------------------------
    // Straight lines: total least squares.

    /// Sums of the coordinates of points (in a local frame, see LineFitter), from which the
    /// total-least-squares line of any run of them follows in O(1) (prefix sums).
    struct Moments
    {
      double n = 0, x = 0, y = 0, xx = 0, yy = 0, xy = 0;

      void add(const double a, const double b)
      {
        n += 1;
        x += a;
        y += b;
        xx += a * a;
        yy += b * b;
        xy += a * b;
      }
      Moments operator-(const Moments &o) const
      {
        return {n - o.n, x - o.x, y - o.y, xx - o.xx, yy - o.yy, xy - o.xy};
      }
    };

    struct Line
    {
      Point<2>     centre;
      Tensor<1, 2> direction; ///< unit
      double       sse = 0;   ///< sum of squared distances of the points from the line
      bool         valid = false;
    };

    /// The line through the centroid along the principal axis of the points' scatter matrix
    /// S: direction angle 0.5 atan2(2 S_xy, S_xx - S_yy), squared residual the smaller
    /// eigenvalue of S. The points are in units of `scale` about `origin` (coordinates of order
    /// 1 to 1e3, so that the sums of squares do not cancel).
    Line fit_line(const Moments &m, const Point<2> &origin, const double scale)
    {
      Line line;
      if (m.n < 2)
        return line;
      const double cx = m.x / m.n, cy = m.y / m.n;
      const double sxx = m.xx - m.n * cx * cx, syy = m.yy - m.n * cy * cy,
                   sxy = m.xy - m.n * cx * cy;
      const double theta = 0.5 * std::atan2(2 * sxy, sxx - syy);
      line.direction[0]  = std::cos(theta);
      line.direction[1]  = std::sin(theta);
      line.centre        = origin + scale * vec(cx, cy);
      const double mean  = 0.5 * (sxx + syy);
      const double dev   = std::sqrt(0.25 * (sxx - syy) * (sxx - syy) + sxy * sxy);
      line.sse           = std::max(0.0, mean - dev) * scale * scale;
      line.valid         = sxx + syy > 0;
      return line;
    }

    Line fit_line(const std::vector<Point<2>> &points, const double scale)
    {
      Moments m;
      if (points.empty())
        return Line();
      for (const auto &p : points)
        m.add((p[0] - points[0][0]) / scale, (p[1] - points[0][1]) / scale);
      return fit_line(m, points[0], scale);
    }

    /// The direction oriented along `along` (unchanged when perpendicular).
    Tensor<1, 2> oriented_along(const Tensor<1, 2> &t, const Tensor<1, 2> &along)
    {
      return t * along < 0 ? -t : t;
    }

    /// Intersection of two lines; false when they are (nearly) parallel.
    bool intersect(const Line &a, const Line &b, Point<2> &x)
    {
      const double det = cross(a.direction, b.direction);
      if (std::abs(det) < 1e-6)
        return false;
      const double s = cross(b.centre - a.centre, b.direction) / det;
      x              = a.centre + s * a.direction;
      return true;
    }

    double distance_to_segment(const Point<2> &x, const BoundarySegment &s)
    {
      const Tensor<1, 2> d  = s[1] - s[0];
      const double       l2 = d.norm_square();
      const double t = l2 > 0 ? std::clamp((x - s[0]) * d / l2, 0.0, 1.0) : 0.0;
      return (x - (s[0] + t * d)).norm();
    }

    // ------------------------------------------------------------------------------------
    // The grid.

    /// Regular grid of nodes over the bounding box of the samples (with a margin of empty
    /// nodes, so that no band touches the grid's edge), with the kernel averages of p, x-bar
    /// and x at the nodes inside the body.
    struct Grid
    {
      double           h = 0;
      Point<2>         origin;
      int              nx = 0, ny = 0;
      std::vector<char>   body;
      /// Body nodes whose kernel average has samples on all sides: farther than R + R_body
      /// from the edge of the body. Closer, the average is one-sided and moves the peak of a
      /// band that meets the boundary (by up to 0.3 spacings).
      std::vector<char>   interior;
      /// Squared distance to the nearest node outside the body [node units].
      std::vector<double> edge_distance;
      std::vector<double> p, xbar, x;

      std::size_t size() const { return static_cast<std::size_t>(nx) * ny; }
      std::size_t at(const int i, const int j) const
      {
        return static_cast<std::size_t>(j) * nx + i;
      }
      Point<2> node(const std::size_t k) const
      {
        return origin + vec((k % nx) * h, static_cast<double>(k / nx) * h);
      }
      bool inside_grid(const int i, const int j) const
      {
        return i >= 0 && j >= 0 && i < nx && j < ny;
      }

      /// Bilinear interpolation of `f` at y; false when a corner node is not in the body.
      bool interpolate(const std::vector<double> &f, const Point<2> &y, double &value) const
      {
        const double s = (y[0] - origin[0]) / h, t = (y[1] - origin[1]) / h;
        if (!(s >= 0 && t >= 0 && s < nx - 1 && t < ny - 1))
          return false;
        const int    i = static_cast<int>(s), j = static_cast<int>(t);
        const double a = s - i, b = t - j;
        const std::size_t k00 = at(i, j), k10 = at(i + 1, j), k01 = at(i, j + 1),
                          k11 = at(i + 1, j + 1);
        if (!body[k00] || !body[k10] || !body[k01] || !body[k11])
          return false;
        value = (1 - a) * (1 - b) * f[k00] + a * (1 - b) * f[k10] + (1 - a) * b * f[k01] +
                a * b * f[k11];
        return true;
      }

      /// Distance from y to the edge of the body (half a spacing beyond the last body node);
      /// 0 outside it.
      double distance_to_edge(const Point<2> &y) const
      {
        const int i = static_cast<int>(std::lround((y[0] - origin[0]) / h)),
                  j = static_cast<int>(std::lround((y[1] - origin[1]) / h));
        if (!inside_grid(i, j) || !body[at(i, j)])
          return 0;
        return std::max(0.0, (std::sqrt(edge_distance[at(i, j)]) - 0.5) * h);
      }

      /// Catmull-Rom bicubic interpolation of `f` at y (C1, exact for quadratics): the peak of a
      /// band a few nodes wide keeps its position, where the kinks of bilinear interpolation
      /// at the cell edges pull it towards the grid lines (by up to 0.3 spacings for a band
      /// of sigma = 4 spacings). False where the 4 x 4 nodes are not all interior.
      bool interpolate_smooth(const std::vector<double> &f, const Point<2> &y, double &value) const
      {
        const double s = (y[0] - origin[0]) / h, t = (y[1] - origin[1]) / h;
        if (!(s >= 1 && t >= 1 && s < nx - 2 && t < ny - 2))
          return false;
        const int i = static_cast<int>(s), j = static_cast<int>(t);
        const auto weights = [](const double u) {
          return std::array<double, 4>{{0.5 * (-u * u * u + 2 * u * u - u),
                                        0.5 * (3 * u * u * u - 5 * u * u + 2),
                                        0.5 * (-3 * u * u * u + 4 * u * u + u),
                                        0.5 * (u * u * u - u * u)}};
        };
        const auto wx = weights(s - i), wy = weights(t - j);
        double     v  = 0;
        for (int b = 0; b < 4; ++b)
          for (int a = 0; a < 4; ++a)
            {
              const std::size_t k = at(i - 1 + a, j - 1 + b);
              if (!interior[k])
                return false;
              v += wx[a] * wy[b] * f[k];
            }
        value = v;
        return true;
      }

      /// Interpolated where possible, else the value of the nearest body node within four
      /// spacings (points on the edge of the body or just outside it), else 0.
      double value(const std::vector<double> &f, const Point<2> &y) const
      {
        double v = 0;
        if (interpolate(f, y, v))
          return v;
        const int i0 = static_cast<int>(std::lround((y[0] - origin[0]) / h)),
                  j0 = static_cast<int>(std::lround((y[1] - origin[1]) / h));
        double best = std::numeric_limits<double>::max();
        for (int j = j0 - 4; j <= j0 + 4; ++j)
          for (int i = i0 - 4; i <= i0 + 4; ++i)
            if (inside_grid(i, j) && body[at(i, j)])
              {
                const double d = (node(at(i, j)) - y).norm_square();
                if (d < best)
                  {
                    best = d;
                    v    = f[at(i, j)];
                  }
              }
        return v;
      }
    };

    /// Squared Euclidean distance (in node units) from every node to the nearest node where
    /// `background` is true: the lower envelope of parabolas, one dimension at a time
    /// (Felzenszwalb and Huttenlocher 2012), exact and linear in the number of nodes.
    std::vector<double> distance_transform(const std::vector<char> &background, const int nx,
                                           const int ny)
    {
      // A finite "infinity" larger than any squared distance on the grid (no inf - inf).
      const double        far = 4.0 * (static_cast<double>(nx) * nx + static_cast<double>(ny) * ny) + 1;
      std::vector<double> d(background.size());
      for (std::size_t k = 0; k < d.size(); ++k)
        d[k] = background[k] ? 0.0 : far;
      const auto pass = [&](const int n, const auto &index) {
        std::vector<double> f(n), out(n), z(n + 1);
        std::vector<int>    v(n);
        for (int q = 0; q < n; ++q)
          f[q] = d[index(q)];
        int k = 0;
        v[0]  = 0;
        z[0]  = -far;
        z[1]  = far;
        for (int q = 1; q < n; ++q)
          {
            // z[0] = -far is below every intersection, so k never drops below 0.
            const auto intersection = [&](const int r) {
              return ((f[q] + static_cast<double>(q) * q) - (f[r] + static_cast<double>(r) * r)) /
                     (2.0 * q - 2.0 * r);
            };
            double s = intersection(v[k]);
            while (s <= z[k])
              s = intersection(v[--k]);
            ++k;
            v[k]     = q;
            z[k]     = s;
            z[k + 1] = far;
          }
        k = 0;
        for (int q = 0; q < n; ++q)
          {
            while (z[k + 1] < q)
              ++k;
            out[q] = (static_cast<double>(q) - v[k]) * (q - v[k]) + f[v[k]];
          }
        for (int q = 0; q < n; ++q)
          d[index(q)] = out[q];
      };
      for (int i = 0; i < nx; ++i)
        pass(ny, [&](const int j) { return static_cast<std::size_t>(j) * nx + i; });
      for (int j = 0; j < ny; ++j)
        pass(nx, [&](const int i) { return static_cast<std::size_t>(j) * nx + i; });
      return d;
    }

    /// The grid of the samples. Spacing: the parameter, or the mean sample spacing
    /// s = sqrt(sum w / N) (the bounding box instead of sum w when there are no weights). Node
    /// values: weighted least-squares planes through the samples within R = 2 max(h, s), with
    /// the kernel w (1 - r^2/R^2)^2, which is smooth and symmetric, so that it widens a band by
    /// a negligible amount (std of the kernel 0.35 R) and does not move its centreline. A node is
    /// in the body when a sample lies within 1.5 max(h, s): wide enough to close the gaps of
    /// Gauss-point patterns (at most about 0.6 of the mean spacing from the nearest point), narrow
    /// enough that the body does not grow much beyond its outermost samples.
    Grid make_grid(const std::vector<BandTrackingSample> &samples, const double spacing)
    {
      Point<2> lo = samples.front().position, hi = lo;
      double   sum_w = 0;
      for (const auto &s : samples)
        {
          for (unsigned int d = 0; d < 2; ++d)
            {
              lo[d] = std::min(lo[d], s.position[d]);
              hi[d] = std::max(hi[d], s.position[d]);
            }
          sum_w += s.weight;
        }
      const double extent = std::max(hi[0] - lo[0], hi[1] - lo[1]);
      double       area   = sum_w;
      if (!(area > 0))
        area = std::max((hi[0] - lo[0]) * (hi[1] - lo[1]), extent * extent / samples.size());
      const double mean_spacing = std::sqrt(area / samples.size());

      Grid grid;
      grid.h                = spacing > 0 ? spacing : mean_spacing;
      const double support  = std::max(grid.h, mean_spacing);
      const double R        = 2 * support;
      const double R_body   = 1.5 * support;
      const double margin   = R + 2 * grid.h;
      grid.origin           = lo - vec(margin, margin);
      const double n_x      = std::ceil((hi[0] - lo[0] + 2 * margin) / grid.h) + 1;
      const double n_y      = std::ceil((hi[1] - lo[1] + 2 * margin) / grid.h) + 1;
      require(n_x * n_y <= 1e7, "entry '" + section + "Grid spacing'",
              value_text(grid.h) + " m makes a grid of " + value_text(n_x) + " x " +
                value_text(n_y) + " nodes for samples spread over " +
                value_text(hi[0] - lo[0]) + " m x " + value_text(hi[1] - lo[1]) +
                " m (at most 1e7 nodes)");
      grid.nx = static_cast<int>(n_x);
      grid.ny = static_cast<int>(n_y);
      grid.p.assign(grid.size(), 0.0);
      grid.xbar.assign(grid.size(), 0.0);
      grid.x.assign(grid.size(), 0.0);
      grid.body.assign(grid.size(), 0);
      // One row of nodes at a time (the samples sorted by y, a sliding window of those within
      // R of the row), so that the 15 sums of the fits need memory for one row only.
      std::vector<unsigned int> by_y(samples.size());
      std::iota(by_y.begin(), by_y.end(), 0u);
      std::stable_sort(by_y.begin(), by_y.end(), [&](const unsigned int a, const unsigned int b) {
        return samples[a].position[1] < samples[b].position[1];
      });
      const int reach = static_cast<int>(std::ceil(R / grid.h));
      // Per node: sums of k, k dx, k dy, k dx dx, k dx dy, k dy dy and, per field f, k f,
      // k f dx, k f dy (d: offset of the sample from the node in units of R).
      constexpr unsigned int                   n_sums = 15;
      std::vector<std::array<double, n_sums>> row(grid.nx);
      std::size_t                              first = 0;
      for (int j = 0; j < grid.ny; ++j)
        {
          const double y_row = grid.origin[1] + j * grid.h;
          for (auto &r : row)
            r.fill(0.0);
          while (first < by_y.size() && samples[by_y[first]].position[1] < y_row - R)
            ++first;
          for (std::size_t at = first;
               at < by_y.size() && samples[by_y[at]].position[1] <= y_row + R; ++at)
            {
              const auto  &s  = samples[by_y[at]];
              const double w  = sum_w > 0 ? s.weight : 1.0;
              const int    ic = static_cast<int>(std::lround((s.position[0] - grid.origin[0]) / grid.h));
              for (int i = std::max(0, ic - reach); i <= std::min(grid.nx - 1, ic + reach); ++i)
                {
                  const std::size_t k  = grid.at(i, j);
                  const Tensor<1, 2> d  = (s.position - grid.node(k)) / R;
                  const double       r2 = d.norm_square();
                  if (r2 > 1)
                    continue;
                  if (r2 * R * R <= R_body * R_body)
                    grid.body[k] = 1;
                  const double kernel = (1 - r2) * (1 - r2) * w;
                  auto        &m      = row[i];
                  m[0] += kernel;
                  m[1] += kernel * d[0];
                  m[2] += kernel * d[1];
                  m[3] += kernel * d[0] * d[0];
                  m[4] += kernel * d[0] * d[1];
                  m[5] += kernel * d[1] * d[1];
                  unsigned int c = 6;
                  for (const double f : {s.plastic_strain, s.nonlocal_free_volume, s.free_volume})
                    {
                      m[c++] += kernel * f;
                      m[c++] += kernel * f * d[0];
                      m[c++] += kernel * f * d[1];
                    }
                }
            }
          for (int i = 0; i < grid.nx; ++i)
            {
              const std::size_t k = grid.at(i, j);
              const auto       &m = row[i];
              if (!grid.body[k] || !(m[0] > 0))
                {
                  grid.body[k] = 0;
                  continue;
                }
              // The value at the node of the weighted least-squares plane through the samples
              // (moving least squares of degree 1): exact for linear fields, so an uneven
              // spread of the samples around the node (jittered or Gauss-point patterns, the
              // edge of the body) does not shift the peak of a band, as it does with a plain
              // weighted average. The plain average where the plane is undetermined (samples
              // on a line, or a single one).
              const double a11 = m[0], a12 = m[1], a13 = m[2], a22 = m[3], a23 = m[4], a33 = m[5];
              const double c11 = a22 * a33 - a23 * a23, c12 = a13 * a23 - a12 * a33,
                           c13 = a12 * a23 - a13 * a22;
              const double det = a11 * c11 + a12 * c12 + a13 * c13;
              const bool   plane = det > 1e-6 * a11 * a11 * a11;
              double      *out[3] = {&grid.p[k], &grid.xbar[k], &grid.x[k]};
              for (unsigned int f = 0; f < 3; ++f)
                {
                  const double b1 = m[6 + 3 * f], b2 = m[7 + 3 * f], b3 = m[8 + 3 * f];
                  *out[f] = plane ? (c11 * b1 + c12 * b2 + c13 * b3) / det : b1 / a11;
                }
            }
        }
      std::vector<char> outside(grid.size());
      for (std::size_t k = 0; k < grid.size(); ++k)
        outside[k] = !grid.body[k];
      grid.edge_distance = distance_transform(outside, grid.nx, grid.ny);
      grid.interior.assign(grid.size(), 0);
      const double inner = (R + R_body) / grid.h;
      for (std::size_t k = 0; k < grid.size(); ++k)
        grid.interior[k] = grid.body[k] && grid.edge_distance[k] >= inner * inner;
      return grid;
    }

    // ------------------------------------------------------------------------------------
    // Band regions and their skeleton.

    /// The 8 neighbours in the order x1..x8 = E, NE, N, NW, W, SW, S, SE.
    constexpr std::array<std::array<int, 2>, 8> neighbour_offsets = {
      {{{1, 0}}, {{1, 1}}, {{0, 1}}, {{-1, 1}}, {{-1, 0}}, {{-1, -1}}, {{0, -1}}, {{1, -1}}}};

    /// Fills the holes of the band regions that are smaller than the cross-section of the band
    /// around them (pi r_max^2, r_max the largest half-width of the region): such holes are
    /// noise of the sampling (a gap of the body mask, a dip of p), and would make the skeleton
    /// a loop. Holes are the 4-connected components of non-band nodes that do not reach the
    /// edge of the grid.
    void fill_small_holes(std::vector<char> &mask, const Grid &grid, const std::vector<double> &r)
    {
      const int        nx = grid.nx, ny = grid.ny;
      std::vector<int> label(mask.size(), -1);
      // Largest half-width of each 8-connected band region.
      std::vector<double> region_radius;
      std::vector<int>    region(mask.size(), -1);
      for (std::size_t k0 = 0; k0 < mask.size(); ++k0)
        if (mask[k0] && region[k0] < 0)
          {
            const int          id = static_cast<int>(region_radius.size());
            double             rmax = 0;
            std::deque<std::size_t> queue = {k0};
            region[k0] = id;
            while (!queue.empty())
              {
                const std::size_t k = queue.front();
                queue.pop_front();
                rmax = std::max(rmax, r[k]);
                const int i = static_cast<int>(k % nx), j = static_cast<int>(k / nx);
                for (const auto &o : neighbour_offsets)
                  if (grid.inside_grid(i + o[0], j + o[1]))
                    {
                      const std::size_t m = grid.at(i + o[0], j + o[1]);
                      if (mask[m] && region[m] < 0)
                        {
                          region[m] = id;
                          queue.push_back(m);
                        }
                    }
              }
            region_radius.push_back(rmax);
          }
      for (std::size_t k0 = 0; k0 < mask.size(); ++k0)
        if (!mask[k0] && label[k0] < 0)
          {
            std::vector<std::size_t> hole = {k0};
            label[k0]                     = 1;
            bool reaches_edge             = false;
            int  around                   = -1;
            for (std::size_t at = 0; at < hole.size(); ++at)
              {
                const std::size_t k = hole[at];
                const int i = static_cast<int>(k % nx), j = static_cast<int>(k / nx);
                if (i == 0 || j == 0 || i == nx - 1 || j == ny - 1)
                  reaches_edge = true;
                for (unsigned int n = 0; n < 8; n += 2) // 4-neighbours
                  {
                    const int a = i + neighbour_offsets[n][0], b = j + neighbour_offsets[n][1];
                    if (!grid.inside_grid(a, b))
                      continue;
                    const std::size_t m = grid.at(a, b);
                    if (mask[m])
                      around = region[m];
                    else if (label[m] < 0)
                      {
                        label[m] = 1;
                        hole.push_back(m);
                      }
                  }
              }
            if (!reaches_edge && around >= 0 &&
                hole.size() * grid.h * grid.h < numbers::PI * region_radius[around] * region_radius[around])
              for (const std::size_t k : hole)
                mask[k] = 1;
          }
    }

    /// Thins the band regions to 8-connected curves one node wide. Each iteration deletes, in
    /// four sub-iterations (north, south, east, west), all border nodes of that side in
    /// parallel that are simple (deleting them keeps the number of 8-connected components of
    /// the regions and of 4-connected ones of the rest) and not end points (one neighbour).
    /// Deleting simple non-end border points of one side in parallel preserves the topology
    /// (Rosenfeld 1975), and peeling the four sides in turn keeps the skeleton in the middle of
    /// the region (to within half a node). Simple: Yokoi's 8-connectivity number
    /// sum over k = 1, 3, 5, 7 of (1 - x_k) - (1 - x_k)(1 - x_k+1)(1 - x_k+2) equals 1.
    std::vector<char> thin(std::vector<char> mask, const Grid &grid)
    {
      const auto value = [&](const int i, const int j) {
        return grid.inside_grid(i, j) && mask[grid.at(i, j)] ? 1 : 0;
      };
      // Candidates: the region's nodes with a neighbour outside (only they can be border
      // points); the neighbours of deleted nodes join them. The work is proportional to the
      // area peeled, not to the area times the number of iterations. The result does not
      // depend on the order of the candidates: a sub-iteration decides on the state before it.
      std::vector<std::size_t> border;
      std::vector<char>        is_border(mask.size(), 0);
      const auto               add_border = [&](const std::size_t k) {
        if (!mask[k] || is_border[k])
          return;
        const int i = static_cast<int>(k % grid.nx), j = static_cast<int>(k / grid.nx);
        for (const auto &o : neighbour_offsets)
          if (!value(i + o[0], j + o[1]))
            {
              is_border[k] = 1;
              border.push_back(k);
              return;
            }
      };
      for (std::size_t k = 0; k < mask.size(); ++k)
        add_border(k);
      // x3 (N), x7 (S), x1 (E), x5 (W) must be empty for a border point of that side.
      constexpr std::array<unsigned int, 4> side = {{2, 6, 0, 4}};
      std::vector<std::size_t>              doomed;
      for (bool changed = true; changed;)
        {
          changed = false;
          for (const unsigned int s : side)
            {
              doomed.clear();
              for (const std::size_t k : border)
                {
                  const int i = static_cast<int>(k % grid.nx), j = static_cast<int>(k / grid.nx);
                  std::array<int, 9> x;
                  int                count = 0;
                  for (unsigned int n = 0; n < 8; ++n)
                    {
                      x[n] = value(i + neighbour_offsets[n][0], j + neighbour_offsets[n][1]);
                      count += x[n];
                    }
                  x[8] = x[0];
                  if (x[s] != 0 || count < 2)
                    continue;
                  int yokoi = 0;
                  for (unsigned int n = 0; n < 8; n += 2)
                    {
                      const int a = 1 - x[n], b = 1 - x[n + 1], c = 1 - x[(n + 2) % 8];
                      yokoi += a - a * b * c;
                    }
                  if (yokoi == 1)
                    doomed.push_back(k);
                }
              if (doomed.empty())
                continue;
              changed = true;
              for (const std::size_t k : doomed)
                mask[k] = 0;
              border.erase(std::remove_if(border.begin(), border.end(),
                                          [&](const std::size_t k) { return !mask[k]; }),
                           border.end());
              for (const std::size_t k : doomed)
                {
                  const int i = static_cast<int>(k % grid.nx), j = static_cast<int>(k / grid.nx);
                  for (const auto &o : neighbour_offsets)
                    if (grid.inside_grid(i + o[0], j + o[1]))
                      add_border(grid.at(i + o[0], j + o[1]));
                }
            }
        }
      return mask;
    }

    // ------------------------------------------------------------------------------------
    // The centreline graph.

    struct Graph
    {
      struct Node
      {
        std::vector<std::size_t> pixels;
        Point<2>                 position;
        double                   radius = 0; ///< largest half-width at its pixels [m]
        bool                     alive  = true;
      };
      struct Edge
      {
        int                   a = -1, b = -1;
        std::vector<Point<2>> path;   ///< from node a's position to node b's
        std::vector<double>   radius; ///< half-width at each point of the path [m]
        bool                  alive = true;

        double length() const
        {
          double l = 0;
          for (std::size_t i = 1; i < path.size(); ++i)
            l += (path[i] - path[i - 1]).norm();
          return l;
        }
      };
      std::vector<Node> nodes;
      std::vector<Edge> edges;

      unsigned int degree(const int n) const
      {
        unsigned int d = 0;
        for (const auto &e : edges)
          if (e.alive)
            d += (e.a == n ? 1 : 0) + (e.b == n ? 1 : 0);
        return d;
      }
      /// The degrees of all nodes at once (O(edges) instead of O(edges) per node).
      std::vector<unsigned int> degrees() const
      {
        std::vector<unsigned int> d(nodes.size(), 0);
        for (const auto &e : edges)
          if (e.alive)
            {
              ++d[e.a];
              ++d[e.b];
            }
        return d;
      }
      std::vector<int> incident(const int n) const
      {
        std::vector<int> list;
        for (std::size_t e = 0; e < edges.size(); ++e)
          if (edges[e].alive && (edges[e].a == n || edges[e].b == n))
            list.push_back(static_cast<int>(e));
        return list;
      }
      void reverse(Edge &e) const
      {
        std::swap(e.a, e.b);
        std::reverse(e.path.begin(), e.path.end());
        std::reverse(e.radius.begin(), e.radius.end());
      }
      /// Node n has two edges left (not a loop): join them into one and drop n.
      void merge_through(const int n)
      {
        const auto list = incident(n);
        if (list.size() != 2)
          return;
        Edge e1 = edges[list[0]], e2 = edges[list[1]];
        if (e1.b != n)
          reverse(e1);
        if (e2.a != n)
          reverse(e2);
        if (e1.a == n || e2.b == n) // a loop through n alone
          return;
        Edge joined;
        joined.a    = e1.a;
        joined.b    = e2.b;
        joined.path = e1.path;
        joined.path.insert(joined.path.end(), e2.path.begin() + 1, e2.path.end());
        joined.radius = e1.radius;
        joined.radius.insert(joined.radius.end(), e2.radius.begin() + 1, e2.radius.end());
        edges[list[0]].alive = false;
        edges[list[1]].alive = false;
        nodes[n].alive       = false;
        edges.push_back(joined);
      }
      /// Moves node n to x, with the ends of its edges.
      void move(const int n, const Point<2> &x)
      {
        nodes[n].position = x;
        for (auto &e : edges)
          if (e.alive)
            {
              if (e.a == n)
                e.path.front() = x;
              if (e.b == n)
                e.path.back() = x;
            }
      }
    };

    /// Nodes: the end points (one neighbour) and isolated points of the skeleton, and the
    /// 8-connected clusters of its junction pixels (three or more neighbours); edges: the
    /// chains of two-neighbour pixels between them. A closed chain without any node gets a
    /// node on its first pixel.
    Graph extract_graph(const std::vector<char> &skeleton, const Grid &grid,
                        const std::vector<double> &r)
    {
      Graph                    graph;
      std::vector<int>         node_of(skeleton.size(), -1);
      std::vector<char>        visited(skeleton.size(), 0);
      std::vector<int>         count(skeleton.size(), 0);
      std::vector<std::size_t> pixels;
      const auto               neighbours = [&](const std::size_t k) {
        std::vector<std::size_t> list;
        const int i = static_cast<int>(k % grid.nx), j = static_cast<int>(k / grid.nx);
        for (const auto &o : neighbour_offsets)
          if (grid.inside_grid(i + o[0], j + o[1]) && skeleton[grid.at(i + o[0], j + o[1])])
            list.push_back(grid.at(i + o[0], j + o[1]));
        return list;
      };
      for (std::size_t k = 0; k < skeleton.size(); ++k)
        if (skeleton[k])
          {
            pixels.push_back(k);
            count[k] = static_cast<int>(neighbours(k).size());
          }
      const auto new_node = [&](const std::vector<std::size_t> &cluster) {
        Graph::Node n;
        n.pixels = cluster;
        Tensor<1, 2> sum;
        for (const std::size_t k : cluster)
          {
            sum += grid.node(k) - Point<2>();
            n.radius = std::max(n.radius, r[k]);
            node_of[k] = static_cast<int>(graph.nodes.size());
          }
        n.position = Point<2>() + sum / static_cast<double>(cluster.size());
        graph.nodes.push_back(n);
      };
      for (const std::size_t k : pixels)
        if (count[k] != 2 && node_of[k] < 0)
          {
            std::vector<std::size_t> cluster = {k};
            node_of[k]                       = -2; // in the cluster being collected
            if (count[k] >= 3)
              for (std::size_t at = 0; at < cluster.size(); ++at)
                for (const std::size_t m : neighbours(cluster[at]))
                  if (count[m] >= 3 && node_of[m] == -1)
                    {
                      node_of[m] = -2;
                      cluster.push_back(m);
                    }
            new_node(cluster);
          }

      std::set<std::pair<int, int>> adjacent_nodes;
      const auto trace = [&](const int n, const std::size_t from, const std::size_t first) {
        Graph::Edge e;
        e.a = n;
        e.path.push_back(graph.nodes[n].position);
        e.radius.push_back(graph.nodes[n].radius);
        std::size_t prev = from, cur = first;
        while (node_of[cur] < 0)
          {
            visited[cur] = 1;
            e.path.push_back(grid.node(cur));
            e.radius.push_back(r[cur]);
            std::size_t next = cur;
            for (const std::size_t m : neighbours(cur))
              if (m != prev)
                {
                  next = m;
                  break;
                }
            if (next == cur) // cannot happen for a two-neighbour pixel; safe end
              break;
            prev = cur;
            cur  = next;
          }
        e.b = node_of[cur] >= 0 ? node_of[cur] : n;
        e.path.push_back(graph.nodes[e.b].position);
        e.radius.push_back(graph.nodes[e.b].radius);
        graph.edges.push_back(e);
      };
      for (int n = 0; n < static_cast<int>(graph.nodes.size()); ++n)
        for (const std::size_t q : std::vector<std::size_t>(graph.nodes[n].pixels))
          for (const std::size_t s : neighbours(q))
            {
              if (node_of[s] == n)
                continue;
              if (node_of[s] >= 0)
                {
                  const auto key = std::minmax(n, node_of[s]);
                  if (adjacent_nodes.insert(key).second)
                    {
                      Graph::Edge e;
                      e.a    = n;
                      e.b    = node_of[s];
                      e.path = {graph.nodes[n].position, graph.nodes[e.b].position};
                      e.radius = {graph.nodes[n].radius, graph.nodes[e.b].radius};
                      graph.edges.push_back(e);
                    }
                }
              else if (!visited[s])
                trace(n, q, s);
            }
      // Closed chains without any node.
      for (const std::size_t k : pixels)
        if (!visited[k] && node_of[k] < 0)
          {
            new_node({k});
            const int  n    = node_of[k];
            const auto next = neighbours(k);
            if (!next.empty())
              trace(n, k, next.front());
          }
      return graph;
    }

    /// The length below which something is "short" relative to a half-width r: `factor` r,
    /// at least `floor`, or the parameter when it is set.
    double relative_length(const double parameter, const double factor, const double r,
                           const double floor)
    {
      return parameter > 0 ? parameter : std::max(factor * r, floor);
    }

    /// Removes the artefacts of thinning: spurs (edges from a junction to a free end shorter
    /// than the minimum branch length, shortest first, since removing one may turn the
    /// junction into a plain point of a longer edge), junctions closer than the merge
    /// distance (contracted into one) and small closed loops.
    void simplify(Graph &graph, const BandTrackingParameters &prm, const Grid &grid)
    {
      const double h = grid.h;
      for (bool changed = true; changed;)
        {
          changed  = false;
          // Degrees of this pass: a noisy field can make hundreds of spurs, and counting them
          // edge by edge would make the pass cubic in their number.
          const std::vector<unsigned int> degree = graph.degrees();
          int    best = -1;
          double best_length = std::numeric_limits<double>::max();
          for (std::size_t e = 0; e < graph.edges.size(); ++e)
            {
              const auto &edge = graph.edges[e];
              if (!edge.alive || edge.a == edge.b)
                continue;
              const unsigned int da = degree[edge.a], db = degree[edge.b];
              int junction = -1;
              if (da == 1 && db >= 3)
                junction = edge.b;
              else if (db == 1 && da >= 3)
                junction = edge.a;
              if (junction < 0)
                continue;
              const double length = edge.length();
              bool         spur   = false;
              if (prm.minimum_branch_length > 0)
                spur = length < prm.minimum_branch_length;
              else
                {
                  // Salience: the part of the branch outside the junction's inscribed circle
                  // against its own largest half-width r_out there. A bump of the contour has
                  // almost nothing outside the circle; a real branch sticks out by more than
                  // its width (2 r_out). The spurs into the corners where a band is cut by
                  // the boundary stick out further, 1/sin(beta/2) r_out for a corner of
                  // angle beta (2.6 r_out at 45 degrees, 3.9 at 30), but they are recognised
                  // by their place: they end at the edge of the body, and their junction's
                  // circle touches it (the fork at the end of a band); there the limit is
                  // 4 r_out. (A limit relative to the junction's radius instead pruned the
                  // arms of an X with a thick crossing.)
                  const auto  &J     = graph.nodes[junction];
                  const double r_J   = std::max(J.radius, h);
                  double       outside = 0, r_out = 0;
                  for (std::size_t i = 0; i < edge.path.size(); ++i)
                    if ((edge.path[i] - J.position).norm() > r_J)
                      {
                        r_out = std::max(r_out, edge.radius[i]);
                        if (i > 0 && (edge.path[i - 1] - J.position).norm() > r_J)
                          outside += (edge.path[i] - edge.path[i - 1]).norm();
                      }
                  const int tip = junction == edge.a ? edge.b : edge.a;
                  const bool corner = grid.distance_to_edge(graph.nodes[tip].position) <= 2 * h &&
                                      grid.distance_to_edge(J.position) <= r_J + 2 * h;
                  spur = outside < (corner ? 4 * r_out : 2 * r_out) + 2 * h;
                }
              if (spur && length < best_length)
                {
                  best        = static_cast<int>(e);
                  best_length = length;
                }
            }
          if (best >= 0)
            {
              auto     &edge     = graph.edges[best];
              const int tip      = degree[edge.a] == 1 ? edge.a : edge.b;
              const int junction = tip == edge.a ? edge.b : edge.a;
              edge.alive         = false;
              graph.nodes[tip].alive = false;
              if (graph.degree(junction) == 2)
                graph.merge_through(junction);
              changed = true;
              continue;
            }

          best        = -1;
          best_length = std::numeric_limits<double>::max();
          for (std::size_t e = 0; e < graph.edges.size(); ++e)
            {
              const auto &edge = graph.edges[e];
              if (!edge.alive || edge.a == edge.b || degree[edge.a] < 3 || degree[edge.b] < 3)
                continue;
              const double length = edge.length();
              const double r = std::max(graph.nodes[edge.a].radius, graph.nodes[edge.b].radius);
              if (length < relative_length(prm.junction_merge_distance, 3, r, 2 * h) &&
                  length < best_length)
                {
                  best        = static_cast<int>(e);
                  best_length = length;
                }
            }
          if (best >= 0)
            {
              auto &edge = graph.edges[best];
              edge.alive = false;
              const int a = edge.a, b = edge.b;
              // The merged junction sits in the middle of the edge between them.
              double half = 0.5 * edge.length(), along = 0;
              Point<2> middle = edge.path.front();
              for (std::size_t i = 1; i < edge.path.size(); ++i)
                {
                  const double l = (edge.path[i] - edge.path[i - 1]).norm();
                  if (along + l >= half)
                    {
                      const double t = l > 0 ? (half - along) / l : 0;
                      middle         = edge.path[i - 1] + t * (edge.path[i] - edge.path[i - 1]);
                      break;
                    }
                  along += l;
                }
              auto &na = graph.nodes[a];
              na.pixels.insert(na.pixels.end(), graph.nodes[b].pixels.begin(), graph.nodes[b].pixels.end());
              na.radius = std::max(na.radius, graph.nodes[b].radius);
              graph.nodes[b].alive = false;
              for (auto &e : graph.edges)
                if (e.alive)
                  {
                    if (e.a == b)
                      e.a = a;
                    if (e.b == b)
                      e.b = a;
                  }
              graph.move(a, middle);
              changed = true;
              continue;
            }

          // (By index: merge_through() appends to the edges.)
          for (std::size_t e = 0; e < graph.edges.size() && !changed; ++e)
            {
              auto &edge = graph.edges[e];
              if (edge.alive && edge.a == edge.b && degree[edge.a] > 2 &&
                  edge.length() < 2 * numbers::PI * std::max(graph.nodes[edge.a].radius, h))
                {
                  const int n = edge.a;
                  edge.alive  = false;
                  if (graph.degree(n) == 2)
                    graph.merge_through(n);
                  changed = true;
                }
            }
        }
    }

    // ------------------------------------------------------------------------------------
    // Geometry of the edges.

    /// An edge on its way from the skeleton to the result.
    struct EdgeWork
    {
      int                   a = -1, b = -1;   ///< graph nodes
      std::vector<Point<2>> skeleton;         ///< pixel centres, the nodes at the ends
      double                half_width = 0;   ///< median r along the skeleton [m]
      std::vector<Point<2>> points;           ///< refined positions
      std::vector<char>     refined, in_zone; ///< per point
    };

    std::vector<double> arc_lengths(const std::vector<Point<2>> &points)
    {
      std::vector<double> s(points.size(), 0.0);
      for (std::size_t i = 1; i < points.size(); ++i)
        s[i] = s[i - 1] + (points[i] - points[i - 1]).norm();
      return s;
    }

    /// Unit tangent at point i: the line fitted to the points within `window` of it along the
    /// curve (restricted to [first, last)), oriented along the curve.
    Tensor<1, 2> tangent(const std::vector<Point<2>> &points, const std::vector<double> &s,
                         const std::size_t i, const double window, const std::size_t first,
                         const std::size_t last, const double scale)
    {
      std::vector<Point<2>> near;
      for (std::size_t j = first; j < last; ++j)
        if (std::abs(s[j] - s[i]) <= window)
          near.push_back(points[j]);
      Tensor<1, 2> along = points[std::min(last - 1, i + 1)] - points[i > first ? i - 1 : first];
      if (along.norm() == 0)
        along = points[last - 1] - points[first];
      if (near.size() >= 2)
        {
          const Line line = fit_line(near, scale);
          if (line.valid)
            return oriented_along(line.direction, along);
        }
      const double n = along.norm();
      return n > 0 ? along / n : vec(0, 1);
    }

    /// The peak of p across the band through x (normal n), searched within `range`: the
    /// largest value of the profile sampled every h/4 (bicubic), moved to the vertex of the parabola
    /// through it and its neighbours. False when the peak is at the end of the search range or
    /// within about two grid spacings of the edge of the body (no peak inside: a corner, the
    /// tip of a branch; or no bicubic interpolation, whose accuracy the position would lose) or
    /// below the threshold.
    bool profile_peak(const Grid &grid, const Point<2> &x, const Tensor<1, 2> &n,
                      const double range, const double threshold, Point<2> &peak)
    {
      const double step = 0.25 * grid.h;
      const int    K    = std::max(2, static_cast<int>(std::ceil(range / step)));
      std::vector<double> v(2 * K + 1);
      std::vector<char>   ok(2 * K + 1, 0);
      int                 best = -1;
      for (int k = -K; k <= K; ++k)
        {
          double value = 0;
          ok[k + K]    = grid.interpolate_smooth(grid.p, x + (k * step) * n, value);
          v[k + K]     = value;
          if (ok[k + K] && (best < 0 || value > v[best]))
            best = k + K;
        }
      if (best <= 0 || best >= 2 * K || !ok[best - 1] || !ok[best + 1] || v[best] < threshold)
        return false;
      // The top of the profile: the run around the peak down to halfway between the peak
      // and the threshold. A least-squares parabola over it averages the small ripples of the
      // gridded field (from irregular samples) that a parabola through three points would
      // follow; the run is symmetric about the peak of a symmetric profile, so the vertex is
      // unbiased. Where the run is cut (body edge, end of the range) there is no refinement:
      // a vertex of three points there is off by up to a quarter spacing.
      const double level = 0.5 * (v[best] + threshold);
      int          a = best, b = best;
      while (a > 0 && ok[a - 1] && v[a - 1] >= level)
        --a;
      while (b < 2 * K && ok[b + 1] && v[b + 1] >= level)
        ++b;
      if (!(a > 0 && b < 2 * K && ok[a - 1] && ok[b + 1] && b - a >= 4))
        return false;
      // Fit in t = k - best: sums of t^0..t^4 and v t^0..t^2, normal equations by Cramer.
      std::array<double, 5> T{};
      std::array<double, 3> V{};
      for (int k = a; k <= b; ++k)
        {
          const double t = k - best;
          double       power = 1;
          for (unsigned int e = 0; e < 5; ++e, power *= t)
            {
              T[e] += power;
              if (e < 3)
                V[e] += power * v[k];
            }
        }
      const auto det3 = [](const std::array<std::array<double, 3>, 3> &m) {
        return m[0][0] * (m[1][1] * m[2][2] - m[1][2] * m[2][1]) -
               m[0][1] * (m[1][0] * m[2][2] - m[1][2] * m[2][0]) +
               m[0][2] * (m[1][0] * m[2][1] - m[1][1] * m[2][0]);
      };
      std::array<std::array<double, 3>, 3> M = {
        {{{T[0], T[1], T[2]}}, {{T[1], T[2], T[3]}}, {{T[2], T[3], T[4]}}}};
      const double D = det3(M);
      auto         Mb = M, Mc = M;
      for (unsigned int r = 0; r < 3; ++r)
        {
          Mb[r][1] = V[r];
          Mc[r][2] = V[r];
        }
      const double lin = D != 0 ? det3(Mb) / D : 0, quad = D != 0 ? det3(Mc) / D : 0;
      double       offset = 0;
      if (quad < 0)
        offset = std::clamp(-0.5 * lin / quad, static_cast<double>(a - best),
                            static_cast<double>(b - best));
      peak = x + ((best - K + offset) * step) * n;
      return true;
    }

    /// Splits fit points (indices into an edge's points) into straight runs: binary
    /// segmentation with the best breakpoint of two total-least-squares lines (O(1) per
    /// candidate with prefix sums), kept when the two lines differ by at least the kink angle
    /// and both are at least the minimum segment length long; then each breakpoint is
    /// re-optimised between its neighbours and breakpoints whose deflection fell below the
    /// kink angle are removed. Returns the breakpoints (index of the first point of each run
    /// after the first).
    std::vector<std::size_t> split_into_segments(const std::vector<Point<2>> &pts,
                                                 const std::vector<double>   &s,
                                                 const double min_length, const double kink_angle,
                                                 const double scale)
    {
      const std::size_t    n = pts.size();
      std::vector<Moments> prefix(n + 1);
      for (std::size_t i = 0; i < n; ++i)
        {
          prefix[i + 1] = prefix[i];
          prefix[i + 1].add((pts[i][0] - pts[0][0]) / scale, (pts[i][1] - pts[0][1]) / scale);
        }
      const auto line = [&](const std::size_t a, const std::size_t b) { // points [a, b)
        Line l = fit_line(prefix[b] - prefix[a], pts[0], scale);
        l.direction = oriented_along(l.direction, pts[b - 1] - pts[a]);
        return l;
      };
      const auto admissible = [&](const std::size_t a, const std::size_t k, const std::size_t b) {
        return k >= a + 3 && b >= k + 3 && s[k - 1] - s[a] >= min_length &&
               s[b - 1] - s[k] >= min_length;
      };
      const auto best_split = [&](const std::size_t a, const std::size_t b, std::size_t &k_best) {
        double cost = std::numeric_limits<double>::max();
        for (std::size_t k = a + 1; k < b; ++k)
          if (admissible(a, k, b))
            {
              const double c = line(a, k).sse + line(k, b).sse;
              if (c < cost)
                {
                  cost   = c;
                  k_best = k;
                }
            }
        return cost < std::numeric_limits<double>::max();
      };
      const auto deflection = [&](const std::size_t a, const std::size_t k, const std::size_t b) {
        return angle_between(line(a, k).direction, line(k, b).direction);
      };

      std::vector<std::size_t>                      breaks;
      std::vector<std::pair<std::size_t, std::size_t>> todo = {{0, n}};
      while (!todo.empty())
        {
          const auto [a, b] = todo.back();
          todo.pop_back();
          std::size_t k = 0;
          if (b - a >= 6 && best_split(a, b, k) && deflection(a, k, b) >= kink_angle)
            {
              breaks.push_back(k);
              todo.emplace_back(a, k);
              todo.emplace_back(k, b);
            }
        }
      std::sort(breaks.begin(), breaks.end());
      for (unsigned int pass = 0; pass < 10; ++pass)
        {
          bool changed = false;
          for (std::size_t j = 0; j < breaks.size(); ++j)
            {
              const std::size_t a = j == 0 ? 0 : breaks[j - 1];
              const std::size_t b = j + 1 == breaks.size() ? n : breaks[j + 1];
              std::size_t       k = breaks[j];
              if (best_split(a, b, k) && k != breaks[j])
                {
                  breaks[j] = k;
                  changed   = true;
                }
            }
          for (std::size_t j = 0; j < breaks.size(); ++j)
            {
              const std::size_t a = j == 0 ? 0 : breaks[j - 1];
              const std::size_t b = j + 1 == breaks.size() ? n : breaks[j + 1];
              if (deflection(a, breaks[j], b) < kink_angle)
                {
                  breaks.erase(breaks.begin() + j);
                  changed = true;
                  break;
                }
            }
          if (!changed)
            break;
        }
      return breaks;
    }

    /// Context of the measures of one section.
    struct Context
    {
      const Grid                        &grid;
      const BandTrackingParameters      &prm;
      const std::vector<BoundarySegment> &boundary;
      Tensor<1, 2>                        axis;
      double                              threshold;

      double distance_to_boundary(const Point<2> &x) const
      {
        // Outside the body (as far as the grid knows it): 0. The segments tell the distance
        // but not the side.
        const double from_grid = grid.distance_to_edge(x);
        if (from_grid == 0 || boundary.empty())
          return from_grid;
        double d = std::numeric_limits<double>::max();
        for (const auto &b : boundary)
          d = std::min(d, distance_to_segment(x, b));
        return d;
      }

      /// The point where the segment from a to b first meets the boundary, or b.
      Point<2> clip_to_boundary(const Point<2> &a, const Point<2> &b) const
      {
        double             first = 1;
        const Tensor<1, 2> d     = b - a;
        for (const auto &s : boundary)
          {
            const Tensor<1, 2> e   = s[1] - s[0];
            const double       den = cross(d, e);
            if (std::abs(den) < 1e-300)
              continue;
            const double t = cross(s[0] - a, e) / den, u = cross(s[0] - a, d) / den;
            if (t >= 0 && t < first && u >= 0 && u <= 1)
              first = t;
          }
        return a + first * d;
      }
    };
  } // namespace

  std::string to_string(const BandNodeType type)
  {
    switch (type)
      {
        case BandNodeType::tip:
          return "tip";
        case BandNodeType::branch_point:
          return "branch_point";
        case BandNodeType::crossing:
          return "crossing";
        case BandNodeType::loop:
          return "loop";
      }
    return "unknown";
  }

  namespace
  {
    struct PlaneText
    {
      bool         automatic = false;
      Point<3>     point;
      Tensor<1, 3> normal;
    };

    bool is_auto(const std::string &text)
    {
      return Utilities::trim(text) == "auto";
    }

    /// 'x, y, z: n_x, n_y, n_z' or 'auto', several separated by ';' -> planes; InputError
    /// naming `context`.
    std::vector<PlaneText> parse_plane_text(const std::string &text, const std::string &context)
    {
      std::vector<PlaneText> planes;
      for (const auto &item : Utilities::split_string_list(text, ';'))
        {
          if (is_auto(item))
            {
              planes.push_back({true, Point<3>(), Tensor<1, 3>()});
              continue;
            }
          const auto colon = item.find(':');
          require(colon != std::string::npos, context,
                  "'" + item + "' must be 'x, y, z: n_x, n_y, n_z' (a point and the normal)");
          const auto point  = Utilities::split_string_list(item.substr(0, colon), ',');
          const auto normal = Utilities::split_string_list(item.substr(colon + 1), ',');
          require(point.size() == 3 && normal.size() == 3, context,
                  "'" + item + "' needs three coordinates of the point and three of the normal");
          PlaneText p;
          for (unsigned int d = 0; d < 3; ++d)
            {
              p.point[d]  = parse_number(point[d], context);
              p.normal[d] = parse_number(normal[d], context);
            }
          require(p.normal.norm() > 0, context, "'" + item + "': the normal must not be zero");
          planes.push_back(p);
        }
      require(!planes.empty(), context, "no plane given ('auto' for the default plane)");
      return planes;
    }
  } // namespace

  void BandTrackingParameters::declare_parameters(ParameterHandler &prm)
  {
    using namespace dealii::Patterns;
    prm.enter_subsection("Postprocess");
    prm.enter_subsection("Band tracking");
    prm.declare_entry(
      "Threshold fraction", "0.3", Double(0, 1),
      "f in (0, 1): a grid node belongs to a band region when its equivalent plastic strain p "
      "reaches p_bg + f (p_max - p_bg), p_bg the 10 % quantile of p by area (as for the shear "
      "bands). The centrelines are the skeletons of these regions. Lower than the 0.5 of "
      "'Shear bands': the arms of crossing bands are weaker than the crossing, and a band "
      "that barely reaches the threshold loses its centreline.");
    prm.declare_entry("Minimum plastic strain", "1e-3", Double(0),
                      "Positive; no band at all when p_max - p_bg is below it (no "
                      "localisation).");
    prm.declare_entry(
      "Grid spacing", "0", Double(0),
      "[m] The samples (quadrature points) are averaged onto a regular grid of this spacing, "
      "on which the band regions are thinned to their centrelines. 0: automatic, the mean "
      "sample spacing sqrt(area / number of samples). Positions along the centreline are "
      "refined below the spacing (the peak of p across the band).");
    prm.declare_entry(
      "Minimum band length", "0", Double(0),
      "[m] A connected centreline shorter than this is no band (a soft spot or hot spot whose "
      "skeleton is a short stub). 0: automatic, four times the largest half-width r of the "
      "region (r: distance from the centreline to the threshold contour), i.e. twice its width.");
    prm.declare_entry(
      "Minimum branch length", "0", Double(0),
      "[m] A branch from a junction to a free end shorter than this is a spur of the thinning "
      "(the acute corner where a band meets the boundary, a bump of the contour) and is "
      "removed. 0: automatic, by salience: a spur when its part outside the junction's "
      "inscribed circle is shorter than its own width there (2 r_out) plus two grid spacings; "
      "at the end of a band cut by the boundary (the branch ends at the edge of the body and "
      "the junction's circle touches it) shorter than 4 r_out, which removes the spurs into "
      "the acute corners of bands that meet the boundary at 30 degrees or more. The arms of a "
      "crossing are kept however thick the crossing is.");
    prm.declare_entry(
      "Junction merge distance", "0", Double(0),
      "[m] Junctions of the skeleton closer than this are one branch point or crossing (thinning "
      "makes two junctions joined by a short piece out of a crossing or a thick Y). 0: "
      "automatic, 3 r of the wider junction (crossings at 36 degrees or more become one; "
      "shallower ones are two branch points unless this is set larger).");
    prm.declare_entry(
      "Kink angle", "5", Double(0, 90),
      "[deg] An edge of a centreline is split into straight segments where its direction "
      "changes by at least this much (the best breakpoint of two fitted lines); the kink is "
      "where the two lines meet, its deflection the angle between them.");
    prm.declare_entry(
      "Minimum segment length", "0", Double(0),
      "[m] Shortest straight segment between kinks. 0: automatic, 4 r of the edge (twice the "
      "width of the band region): a bend shorter than the band is wide is not a kink.");
    prm.declare_entry(
      "Maximum crossing deflection", "30", Double(0, 90),
      "[deg] A junction of four edges is a crossing when they pair into two lines that each "
      "change direction by at most this much across it (and cross at 'Minimum crossing angle' "
      "or more); otherwise it is a branch point.");
    prm.declare_entry("Minimum crossing angle", "20", Double(0, 90),
                      "[deg] Two lines through a junction of four edges that meet at a smaller "
                      "angle are not a crossing but a branch point.");
    prm.declare_entry(
      "Boundary tolerance", "0", Double(0),
      "[m] A free end of a centreline closer than this to the boundary of the section ends "
      "at the boundary; farther, the band stops inside the body. 0: automatic, the half-width "
      "r of its edge plus two grid spacings. Symmetry planes and the axis of axisymmetric "
      "models are boundaries of the mesh and count as boundary (the band continues in the "
      "mirror image).");
    prm.declare_entry(
      "Section planes", "auto", Anything(),
      "3D only: the planes on which the bands are tracked, 'x, y, z: n_x, n_y, n_z' (a point "
      "[m] and the normal of the plane), several separated by ';'. The quadrature points "
      "within half a cell of a plane are projected onto it. 'auto': the plane through the "
      "centre of the body's bounding box that contains the load axis, normal to the "
      "coordinate axis most nearly perpendicular to the load axis (x for a load along z). A "
      "plane normal to the load axis is an error (the angle to the axis is undefined there). "
      "Ignored in 2D models, whose plane is the section.");
    prm.leave_subsection();
    prm.leave_subsection();
  }

  void BandTrackingParameters::parse_parameters(ParameterHandler &prm)
  {
    prm.enter_subsection("Postprocess");
    prm.enter_subsection("Band tracking");
    threshold_fraction          = prm.get_double("Threshold fraction");
    minimum_plastic_strain      = prm.get_double("Minimum plastic strain");
    grid_spacing                = prm.get_double("Grid spacing");
    minimum_band_length         = prm.get_double("Minimum band length");
    minimum_branch_length       = prm.get_double("Minimum branch length");
    junction_merge_distance     = prm.get_double("Junction merge distance");
    kink_angle                  = prm.get_double("Kink angle");
    minimum_segment_length      = prm.get_double("Minimum segment length");
    maximum_crossing_deflection = prm.get_double("Maximum crossing deflection");
    minimum_crossing_angle      = prm.get_double("Minimum crossing angle");
    boundary_tolerance          = prm.get_double("Boundary tolerance");
    section_planes              = prm.get("Section planes");
    prm.leave_subsection();
    prm.leave_subsection();
    check();
  }

  void BandTrackingParameters::check() const
  {
    require(threshold_fraction > 0 && threshold_fraction < 1,
            "entry '" + section + "Threshold fraction'",
            "must be in (0, 1) (got " + value_text(threshold_fraction) + ")");
    require(std::isfinite(minimum_plastic_strain) && minimum_plastic_strain > 0,
            "entry '" + section + "Minimum plastic strain'",
            "must be positive (got " + value_text(minimum_plastic_strain) + ")");
    const std::vector<std::pair<std::string, double>> lengths = {
      {"Grid spacing", grid_spacing},
      {"Minimum band length", minimum_band_length},
      {"Minimum branch length", minimum_branch_length},
      {"Junction merge distance", junction_merge_distance},
      {"Minimum segment length", minimum_segment_length},
      {"Boundary tolerance", boundary_tolerance}};
    for (const auto &[name, value] : lengths)
      require(std::isfinite(value) && value >= 0, "entry '" + section + name + "'",
              "must not be negative (0: automatic) (got " + value_text(value) + ")");
    require(kink_angle > 0 && kink_angle < 90, "entry '" + section + "Kink angle'",
            "must be in (0, 90) degrees (got " + value_text(kink_angle) + ")");
    require(maximum_crossing_deflection >= 0 && maximum_crossing_deflection <= 90,
            "entry '" + section + "Maximum crossing deflection'",
            "must be in [0, 90] degrees (got " + value_text(maximum_crossing_deflection) + ")");
    require(minimum_crossing_angle >= 0 && minimum_crossing_angle <= 90,
            "entry '" + section + "Minimum crossing angle'",
            "must be in [0, 90] degrees (got " + value_text(minimum_crossing_angle) + ")");
    parse_plane_text(section_planes, "entry '" + section + "Section planes'");
  }

  void BandTrackingSummary::add(const BandTrackingResult &result)
  {
    bands += static_cast<unsigned int>(result.bands.size());
    edges += static_cast<unsigned int>(result.edges.size());
    for (const auto &b : result.bands)
      {
        segments += b.n_segments;
        kinks += b.n_kinks;
        tips += b.n_tips;
        tips_inside += b.n_tips_inside;
        branch_points += b.n_branch_points;
        crossings += b.n_crossings;
        largest_deflection = std::max(largest_deflection, b.largest_deflection);
        total_length += b.length;
      }
  }

  BandTrackingResult track_bands(std::vector<BandTrackingSample>    samples,
                                 const BandTrackingParameters       &prm,
                                 const Tensor<1, 2>                 &load_axis,
                                 const std::vector<BoundarySegment> &boundary)
  {
    prm.check();
    BandTrackingResult result;
    const double       axis_norm = load_axis.norm();
    require(std::isfinite(axis_norm) && axis_norm > 0, "band tracking",
            "the load axis must be a non-zero vector");
    result.load_axis = load_axis / axis_norm;
    result.n_samples = samples.size();
    result.threshold = std::numeric_limits<double>::infinity();
    for (const auto &s : samples)
      if (!std::isfinite(s.position[0]) || !std::isfinite(s.position[1]) ||
          !std::isfinite(s.weight) || !std::isfinite(s.plastic_strain) ||
          !std::isfinite(s.nonlocal_free_volume) || !std::isfinite(s.free_volume) || s.weight < 0)
        throw std::invalid_argument("band tracking: a sample with a non-finite value or a "
                                    "negative weight (p = " + value_text(s.plastic_strain) +
                                    ", weight = " + value_text(s.weight) + ")");
    for (const auto &b : boundary)
      if (!std::isfinite(b[0][0]) || !std::isfinite(b[0][1]) || !std::isfinite(b[1][0]) ||
          !std::isfinite(b[1][1]))
        throw std::invalid_argument("band tracking: a boundary segment with a non-finite end");
    if (samples.size() < 4)
      return result;
    // Independent of the caller's order (and so of the partition over MPI ranks).
    std::sort(samples.begin(), samples.end(),
              [](const BandTrackingSample &a, const BandTrackingSample &b) {
                return std::tie(a.position[0], a.position[1], a.plastic_strain, a.weight,
                                a.nonlocal_free_volume, a.free_volume) <
                       std::tie(b.position[0], b.position[1], b.plastic_strain, b.weight,
                                b.nonlocal_free_volume, b.free_volume);
              });
    {
      Point<2> lo = samples.front().position, hi = lo;
      for (const auto &s : samples)
        for (unsigned int d = 0; d < 2; ++d)
          {
            lo[d] = std::min(lo[d], s.position[d]);
            hi[d] = std::max(hi[d], s.position[d]);
          }
      if (!(hi[0] > lo[0] && hi[1] > lo[1])) // all samples on a line: no section to track
        return result;
    }
    result.max_plastic_strain = samples.front().plastic_strain;
    for (const auto &s : samples)
      result.max_plastic_strain = std::max(result.max_plastic_strain, s.plastic_strain);
    result.background_plastic_strain = background_plastic_strain(samples);
    const double contrast = result.max_plastic_strain - result.background_plastic_strain;
    const Grid   grid     = make_grid(samples, prm.grid_spacing);
    const double h        = grid.h;
    result.grid_spacing   = h;
    result.grid_size      = {{static_cast<unsigned int>(grid.nx), static_cast<unsigned int>(grid.ny)}};
    if (!(contrast >= prm.minimum_plastic_strain))
      return result;
    const double threshold = result.background_plastic_strain + prm.threshold_fraction * contrast;
    result.threshold       = threshold;

    // Band regions, their half-width r (distance to the nearest node outside, less half a
    // spacing: the threshold contour lies between the two nodes) and their skeleton.
    std::vector<char> mask(grid.size());
    for (std::size_t k = 0; k < grid.size(); ++k)
      mask[k] = grid.body[k] && grid.p[k] >= threshold;
    const auto half_widths = [&](const std::vector<char> &m) {
      std::vector<char> outside(m.size());
      for (std::size_t k = 0; k < m.size(); ++k)
        outside[k] = !m[k];
      const auto          d2 = distance_transform(outside, grid.nx, grid.ny);
      std::vector<double> r(m.size(), 0.0);
      for (std::size_t k = 0; k < m.size(); ++k)
        if (m[k])
          r[k] = std::max(0.5, std::sqrt(d2[k]) - 0.5) * h;
      return r;
    };
    std::vector<double> r = half_widths(mask);
    fill_small_holes(mask, grid, r);
    r = half_widths(mask);
    Graph graph = extract_graph(thin(mask, grid), grid, r);
    simplify(graph, prm, grid);

    // Connected graphs that are too short are no bands.
    std::vector<int> component(graph.nodes.size(), -1);
    {
      std::vector<int> parent(graph.nodes.size());
      std::iota(parent.begin(), parent.end(), 0);
      const auto find = [&](int i) {
        while (parent[i] != i)
          i = parent[i] = parent[parent[i]];
        return i;
      };
      for (const auto &e : graph.edges)
        if (e.alive)
          {
            const int a = find(e.a), b = find(e.b);
            parent[std::max(a, b)] = std::min(a, b);
          }
      std::map<int, std::pair<double, double>> size; // root -> length, largest r
      for (std::size_t n = 0; n < graph.nodes.size(); ++n)
        if (graph.nodes[n].alive)
          {
            auto &s  = size[find(static_cast<int>(n))];
            s.second = std::max(s.second, graph.nodes[n].radius);
          }
      for (const auto &e : graph.edges)
        if (e.alive)
          {
            auto &s = size[find(e.a)];
            s.first += e.length();
            for (const double re : e.radius)
              s.second = std::max(s.second, re);
          }
      for (std::size_t n = 0; n < graph.nodes.size(); ++n)
        if (graph.nodes[n].alive)
          {
            const int   root = find(static_cast<int>(n));
            const auto &s    = size[root];
            if (s.first < relative_length(prm.minimum_band_length, 4, s.second, 3 * h))
              graph.nodes[n].alive = false;
            else
              component[n] = root;
          }
      for (auto &e : graph.edges)
        if (e.alive && !graph.nodes[e.a].alive)
          e.alive = false;
    }

    // Each edge runs along the load axis (x increasing when perpendicular to it), so that
    // the arc length and the segment order are reproducible.
    std::vector<EdgeWork> work;
    for (std::size_t e = 0; e < graph.edges.size(); ++e)
      if (graph.edges[e].alive)
        {
          auto              &edge  = graph.edges[e];
          const Tensor<1, 2> chord = edge.path.back() - edge.path.front();
          const double       along = chord * result.load_axis;
          if (along < -1e-9 * chord.norm() ||
              (std::abs(along) <= 1e-9 * chord.norm() && chord[0] < 0))
            graph.reverse(edge);
          EdgeWork w;
          w.a          = edge.a;
          w.b          = edge.b;
          w.skeleton   = edge.path;
          std::vector<double> inner(edge.radius.begin() + (edge.radius.size() > 2 ? 1 : 0),
                                    edge.radius.end() - (edge.radius.size() > 2 ? 1 : 0));
          std::nth_element(inner.begin(), inner.begin() + inner.size() / 2, inner.end());
          w.half_width = inner[inner.size() / 2];
          work.push_back(w);
        }
    std::vector<unsigned int> degree(graph.nodes.size(), 0);
    for (const auto &w : work)
      {
        ++degree[w.a];
        ++degree[w.b];
      }
    const auto is_junction = [&](const int n) { return degree[n] >= 3; };

    const Context context{grid, prm, boundary, result.load_axis, threshold};

    // Refinement: each skeleton point moves to the peak of p across the band (outside the
    // zones of radius 1.5 r around junctions, where "across" mixes two bands).
    std::vector<std::vector<Tensor<1, 2>>> tangents(work.size());
    for (std::size_t e = 0; e < work.size(); ++e)
      {
        auto             &w = work[e];
        const std::size_t m = w.skeleton.size();
        w.points            = w.skeleton;
        w.refined.assign(m, 0);
        w.in_zone.assign(m, 0);
        const auto   s      = arc_lengths(w.skeleton);
        const double window = std::max(2 * h, w.half_width);
        for (std::size_t i = 0; i < m; ++i)
          {
            for (const int n : {w.a, w.b})
              if (is_junction(n) &&
                  (w.skeleton[i] - graph.nodes[n].position).norm() < 1.5 * graph.nodes[n].radius)
                w.in_zone[i] = 1;
            if ((i == 0 && is_junction(w.a)) || (i + 1 == m && is_junction(w.b)))
              w.in_zone[i] = 1;
            tangents[e].push_back(tangent(w.skeleton, s, i, window, 0, m, h));
            Point<2> peak;
            if (!w.in_zone[i] && profile_peak(grid, w.skeleton[i], perpendicular(tangents[e][i]),
                                              w.half_width + h, threshold, peak))
              {
                w.points[i]  = peak;
                w.refined[i] = 1;
              }
          }
        // At a free end, skeleton points without a peak across (the spur into the acute corner
        // where a band meets the boundary; the last few spacings before the edge of the body,
        // where the profile is cut) are replaced by the straight continuation of the ridge as
        // far as the skeleton reached: the end keeps the length of the band region and the
        // direction of its ridge.
        const auto drop = [&](const std::size_t i) {
          w.points.erase(w.points.begin() + i);
          w.refined.erase(w.refined.begin() + i);
          w.in_zone.erase(w.in_zone.begin() + i);
          tangents[e].erase(tangents[e].begin() + i);
        };
        const bool any_refined = std::count(w.refined.begin(), w.refined.end(), 1) > 0;
        for (const bool front : {true, false})
          {
            if (degree[front ? w.a : w.b] != 1 || !any_refined)
              continue;
            const Point<2> skeleton_end = front ? w.points.front() : w.points.back();
            bool           dropped      = false;
            while (w.points.size() > 2 && !(front ? w.refined.front() : w.refined.back()) &&
                   !(front ? w.in_zone.front() : w.in_zone.back()))
              {
                drop(front ? 0 : w.points.size() - 1);
                dropped = true;
              }
            if (!dropped)
              continue;
            const auto        sp  = arc_lengths(w.points);
            const std::size_t end = front ? 0 : w.points.size() - 1;
            Tensor<1, 2>      out = tangent(w.points, sp, end, window, 0, w.points.size(), h);
            if (front)
              out = -out;
            const double reach = (skeleton_end - w.points[end]) * out;
            if (reach > 0.25 * h)
              {
                const Point<2> x = context.clip_to_boundary(w.points[end], w.points[end] + reach * out);
                if (front)
                  {
                    w.points.insert(w.points.begin(), x);
                    w.refined.insert(w.refined.begin(), 0);
                    w.in_zone.insert(w.in_zone.begin(), 0);
                    tangents[e].insert(tangents[e].begin(), -out);
                  }
                else
                  {
                    w.points.push_back(x);
                    w.refined.push_back(0);
                    w.in_zone.push_back(0);
                    tangents[e].push_back(out);
                  }
              }
          }
        // Points that the refinement moved backwards along the curve (or onto their
        // predecessor) are dropped; the end points stay.
        for (std::size_t i = 1, last = 0; i + 1 < w.points.size();)
          if ((w.points[i] - w.points[last]) * tangents[e][i] <= 0.25 * h)
            drop(i);
          else
            last = i++;
        if (degree[w.a] == 1)
          graph.nodes[w.a].position = w.points.front();
        if (degree[w.b] == 1)
          graph.nodes[w.b].position = w.points.back();
      }

    // Junctions: the point nearest (least squares) to the lines of their edges next to the
    // junction zone, and the direction in which each edge leaves.
    struct EdgeEnd
    {
      std::size_t  work;
      unsigned int end; ///< 0: first point, 1: last point
      Tensor<1, 2> leaving;
    };
    std::map<int, std::vector<EdgeEnd>> ends;
    for (std::size_t e = 0; e < work.size(); ++e)
      for (unsigned int end = 0; end < 2; ++end)
        {
          const int n = end == 0 ? work[e].a : work[e].b;
          if (is_junction(n))
            ends[n].push_back({e, end, Tensor<1, 2>()});
        }
    for (auto &[n, list] : ends)
      {
        const auto  &node = graph.nodes[n];
        Tensor<2, 2> A;
        Tensor<1, 2> b;
        unsigned int n_lines = 0;
        for (auto &end : list)
          {
            const auto           &w = work[end.work];
            std::vector<Point<2>> near;
            for (std::size_t i = 0; i < w.points.size(); ++i)
              {
                const double d = (w.points[i] - node.position).norm();
                if (!w.in_zone[i] && d <= 1.5 * node.radius + 4 * w.half_width)
                  near.push_back(w.points[i]);
              }
            const Point<2> far_end = end.end == 0 ? w.points.back() : w.points.front();
            Tensor<1, 2>   away    = far_end - node.position;
            if (near.size() >= 3)
              {
                const Line line = fit_line(near, h);
                Tensor<1, 2> centroid;
                for (const auto &p : near)
                  centroid += (p - node.position) / static_cast<double>(near.size());
                end.leaving = oriented_along(line.direction, centroid);
                // Projection onto the line's normal: the squared distance is x.P.x.
                Tensor<2, 2> P = -outer_product(line.direction, line.direction);
                P[0][0] += 1;
                P[1][1] += 1;
                A += P;
                b += P * (line.centre - Point<2>());
                ++n_lines;
              }
            else
              end.leaving = away.norm() > 0 ? away / away.norm() : vec(0, 1);
          }
        if (n_lines >= 2 && determinant(A) > 1e-3)
          {
            const Point<2> x = Point<2>() + invert(A) * b;
            if ((x - node.position).norm() <= 2 * std::max(node.radius, h))
              graph.nodes[n].position = x;
          }
      }
    for (auto &w : work)
      {
        w.points.front() = graph.nodes[w.a].position;
        w.points.back()  = graph.nodes[w.b].position;
      }


    // Edges: segments, kinks, points.
    std::vector<BandEdge> edges(work.size());
    for (std::size_t e = 0; e < work.size(); ++e)
      {
        const auto &w    = work[e];
        BandEdge   &edge = edges[e];
        const auto  s    = arc_lengths(w.points);
        edge.length      = s.back();
        edge.half_width  = w.half_width;
        std::vector<std::size_t> fit;
        for (std::size_t i = 0; i < w.points.size(); ++i)
          if (!w.in_zone[i])
            fit.push_back(i);
        const double min_segment =
          relative_length(prm.minimum_segment_length, 4, w.half_width, 3 * h);
        std::vector<std::size_t> breaks;
        if (fit.size() >= 6)
          {
            std::vector<Point<2>> fp;
            std::vector<double>   fs;
            for (const std::size_t i : fit)
              {
                fp.push_back(w.points[i]);
                fs.push_back(s[i]);
              }
            breaks = split_into_segments(fp, fs, min_segment, prm.kink_angle, h);
          }
        // Runs of fit points -> lines; without fit points, one line through all points.
        std::vector<std::pair<std::size_t, std::size_t>> runs; // ranges of `fit`
        std::vector<Line>                                lines;
        if (fit.size() >= 2)
          {
            std::size_t a = 0;
            for (const std::size_t k : breaks)
              {
                runs.emplace_back(a, k);
                a = k;
              }
            runs.emplace_back(a, fit.size());
            for (const auto &[a0, b0] : runs)
              {
                std::vector<Point<2>> pts;
                for (std::size_t j = a0; j < b0; ++j)
                  pts.push_back(w.points[fit[j]]);
                Line l      = fit_line(pts, h);
                l.direction = oriented_along(l.direction, pts.back() - pts.front());
                lines.push_back(l);
              }
          }
        if (lines.empty() || !lines.front().valid)
          {
            Line l      = fit_line(w.points, h);
            l.direction = oriented_along(l.direction, w.points.back() - w.points.front());
            if (!l.valid)
              {
                l.centre    = w.points.front();
                l.direction = vec(0, 1);
              }
            runs  = {{0, fit.size()}};
            lines = {l};
          }
        // Segment of each point: split halfway between the fit points on either side.
        std::vector<double> split_at;
        for (std::size_t j = 1; j < runs.size(); ++j)
          split_at.push_back(0.5 * (s[fit[runs[j].first - 1]] + s[fit[runs[j].first]]));
        std::vector<unsigned int> segment_of(w.points.size(), 0);
        for (std::size_t i = 0; i < w.points.size(); ++i)
          for (const double at : split_at)
            if (s[i] > at)
              ++segment_of[i];
        // Kinks.
        std::vector<Point<2>> kink_at;
        for (std::size_t j = 0; j + 1 < lines.size(); ++j)
          {
            Point<2>       x;
            const Point<2> between = 0.5 * (w.points[fit[runs[j + 1].first - 1]] +
                                            (w.points[fit[runs[j + 1].first]] - Point<2>()));
            if (!intersect(lines[j], lines[j + 1], x) || (x - between).norm() > min_segment)
              x = between;
            kink_at.push_back(x);
            BandKink k;
            k.segment              = static_cast<unsigned int>(j);
            k.position             = x;
            k.deflection           = angle_between(lines[j].direction, lines[j + 1].direction);
            k.distance_to_boundary = context.distance_to_boundary(x);
            k.plastic_strain       = grid.value(grid.p, x);
            k.nonlocal_free_volume = grid.value(grid.xbar, x);
            edge.kinks.push_back(k);
          }
        const auto project = [](const Line &l, const Point<2> &x) {
          return l.centre + ((x - l.centre) * l.direction) * l.direction;
        };
        for (std::size_t j = 0; j < lines.size(); ++j)
          {
            BandSegment seg;
            seg.index = static_cast<unsigned int>(j);
            seg.start = j == 0 ? project(lines[j], w.points.front()) : kink_at[j - 1];
            seg.end   = j + 1 == lines.size() ? project(lines[j], w.points.back()) : kink_at[j];
            seg.length = (seg.end - seg.start).norm();
            seg.direction = seg.length > 0 ? (seg.end - seg.start) / seg.length : lines[j].direction;
            seg.angle_to_load_axis = angle_to_axis(lines[j].direction, result.load_axis);
            const std::size_t n_fit = runs[j].second - runs[j].first;
            seg.rms_deviation = n_fit > 0 ? std::sqrt(lines[j].sse / n_fit) : 0.0;
            edge.segments.push_back(seg);
          }
        // Points with the local angle (fitted within the point's segment).
        const double window = std::max(2 * h, w.half_width);
        for (std::size_t i = 0; i < w.points.size(); ++i)
          {
            BandPoint p;
            p.position = w.points[i];
            p.arc_length = s[i];
            p.segment    = segment_of[i];
            p.refined    = w.refined[i];
            std::size_t first = i, last = i + 1;
            while (first > 0 && segment_of[first - 1] == p.segment)
              --first;
            while (last < w.points.size() && segment_of[last] == p.segment)
              ++last;
            const Tensor<1, 2> t =
              last - first >= 3 ? tangent(w.points, s, i, window, first, last, h) :
                                  edge.segments[p.segment].direction;
            p.angle_to_load_axis   = angle_to_axis(t, result.load_axis);
            p.plastic_strain       = grid.value(grid.p, p.position);
            p.nonlocal_free_volume = grid.value(grid.xbar, p.position);
            p.free_volume          = grid.value(grid.x, p.position);
            auto &seg              = edge.segments[p.segment];
            seg.mean_plastic_strain += p.plastic_strain;
            seg.mean_nonlocal_free_volume += p.nonlocal_free_volume;
            seg.mean_free_volume += p.free_volume;
            ++seg.n_points;
            edge.points.push_back(p);
          }
        for (auto &seg : edge.segments)
          if (seg.n_points > 0)
            {
              seg.mean_plastic_strain /= seg.n_points;
              seg.mean_nonlocal_free_volume /= seg.n_points;
              seg.mean_free_volume /= seg.n_points;
            }
      }

    // Nodes: type, boundary distance of tips, crossings and the edges continuing each other.
    std::map<int, BandNode> nodes;
    for (std::size_t e = 0; e < work.size(); ++e)
      for (const int n : {work[e].a, work[e].b})
        {
          auto &node = nodes[n];
          node.edges.push_back(static_cast<unsigned int>(e));
        }
    for (auto &[n, node] : nodes)
      {
        node.position             = graph.nodes[n].position;
        node.radius               = graph.nodes[n].radius;
        node.distance_to_boundary = context.distance_to_boundary(node.position);
        node.plastic_strain       = grid.value(grid.p, node.position);
        node.nonlocal_free_volume = grid.value(grid.xbar, node.position);
        const unsigned int d      = degree[n];
        if (d == 1)
          {
            node.type              = BandNodeType::tip;
            const double tolerance = prm.boundary_tolerance > 0 ?
                                       prm.boundary_tolerance :
                                       work[node.edges[0]].half_width + 2 * h;
            node.at_boundary = node.distance_to_boundary <= tolerance;
          }
        else if (d == 2)
          node.type = BandNodeType::loop;
        else
          {
            node.type        = BandNodeType::branch_point;
            const auto &list = ends[n];
            if (list.size() == 4)
              {
                const std::array<std::array<unsigned int, 4>, 3> pairings = {
                  {{{0, 1, 2, 3}}, {{0, 2, 1, 3}}, {{0, 3, 1, 2}}}};
                double       best_deflection = std::numeric_limits<double>::max();
                unsigned int best            = 0;
                for (unsigned int q = 0; q < 3; ++q)
                  {
                    const auto  &P = pairings[q];
                    const double d1 =
                      180 - angle_between(list[P[0]].leaving, list[P[1]].leaving);
                    const double d2 =
                      180 - angle_between(list[P[2]].leaving, list[P[3]].leaving);
                    if (std::max(d1, d2) < best_deflection)
                      {
                        best_deflection = std::max(d1, d2);
                        best            = q;
                      }
                  }
                const auto        &P  = pairings[best];
                Tensor<1, 2>       l1 = list[P[0]].leaving - list[P[1]].leaving;
                Tensor<1, 2>       l2 = list[P[2]].leaving - list[P[3]].leaving;
                const double       crossing_angle =
                  l1.norm() > 0 && l2.norm() > 0 ? angle_to_axis(l1 / l1.norm(), l2 / l2.norm()) : 0.0;
                node.deflection     = best_deflection;
                node.crossing_angle = crossing_angle;
                if (best_deflection <= prm.maximum_crossing_deflection &&
                    crossing_angle >= prm.minimum_crossing_angle)
                  {
                    node.type = BandNodeType::crossing;
                    for (unsigned int pair = 0; pair < 2; ++pair)
                      {
                        const EdgeEnd &u = list[P[2 * pair]], &v = list[P[2 * pair + 1]];
                        edges[u.work].continues_as[u.end] = static_cast<int>(v.work);
                        edges[v.work].continues_as[v.end] = static_cast<int>(u.work);
                      }
                  }
              }
          }
      }

    // Bands (connected graphs), longest first; nodes and edges numbered band by band, in the
    // order of their positions.
    std::map<int, std::vector<std::size_t>> band_edges; // component root -> work indices
    for (std::size_t e = 0; e < work.size(); ++e)
      band_edges[component[work[e].a]].push_back(e);
    std::vector<std::pair<double, std::vector<std::size_t>>> bands;
    for (auto &[root, list] : band_edges)
      {
        double length = 0;
        for (const std::size_t e : list)
          length += edges[e].length;
        bands.emplace_back(length, list);
      }
    const auto first_point = [&](const std::vector<std::size_t> &list) {
      Point<2> x = edges[list.front()].points.front().position;
      for (const std::size_t e : list)
        if (position_less(edges[e].points.front().position, x))
          x = edges[e].points.front().position;
      return x;
    };
    std::stable_sort(bands.begin(), bands.end(), [&](const auto &a, const auto &b) {
      if (a.first != b.first)
        return a.first > b.first;
      return position_less(first_point(a.second), first_point(b.second));
    });
    std::vector<int> new_edge(work.size(), -1);
    std::map<int, int> new_node;
    for (std::size_t bi = 0; bi < bands.size(); ++bi)
      {
        auto &list = bands[bi].second;
        std::sort(list.begin(), list.end(), [&](const std::size_t a, const std::size_t b) {
          const auto &pa = edges[a].points, &pb = edges[b].points;
          if (pa.front().position != pb.front().position)
            return position_less(pa.front().position, pb.front().position);
          return position_less(pa.back().position, pb.back().position);
        });
        std::vector<int> node_list;
        for (const std::size_t e : list)
          {
            new_edge[e] = static_cast<int>(result.edges.size());
            result.edges.push_back(edges[e]);
            for (const int n : {work[e].a, work[e].b})
              if (std::find(node_list.begin(), node_list.end(), n) == node_list.end())
                node_list.push_back(n);
          }
        std::sort(node_list.begin(), node_list.end(), [&](const int a, const int b) {
          return position_less(nodes[a].position, nodes[b].position);
        });
        for (const int n : node_list)
          {
            new_node[n] = static_cast<int>(result.nodes.size());
            result.nodes.push_back(nodes[n]);
          }
      }
    for (std::size_t bi = 0; bi < bands.size(); ++bi)
      {
        TrackedBand band;
        band.id     = static_cast<unsigned int>(bi);
        band.length = bands[bi].first;
        double weight = 0;
        for (const std::size_t e : bands[bi].second)
          {
            BandEdge &edge = result.edges[new_edge[e]];
            edge.id        = static_cast<unsigned int>(new_edge[e]);
            edge.band      = band.id;
            edge.nodes     = {{static_cast<unsigned int>(new_node[work[e].a]),
                               static_cast<unsigned int>(new_node[work[e].b])}};
            for (auto &c : edge.continues_as)
              if (c >= 0)
                c = new_edge[c];
            band.edges.push_back(edge.id);
            band.n_segments += static_cast<unsigned int>(edge.segments.size());
            band.n_kinks += static_cast<unsigned int>(edge.kinks.size());
            for (const auto &k : edge.kinks)
              band.largest_deflection = std::max(band.largest_deflection, k.deflection);
            for (std::size_t i = 0; i < edge.points.size(); ++i)
              {
                // Weighted by the length each point stands for.
                const auto  &pts = edge.points;
                const double l =
                  0.5 * (pts[std::min(i + 1, pts.size() - 1)].arc_length - pts[i > 0 ? i - 1 : 0].arc_length);
                band.mean_plastic_strain += l * pts[i].plastic_strain;
                band.mean_nonlocal_free_volume += l * pts[i].nonlocal_free_volume;
                weight += l;
                band.peak_plastic_strain = std::max(band.peak_plastic_strain, pts[i].plastic_strain);
              }
          }
        if (weight > 0)
          {
            band.mean_plastic_strain /= weight;
            band.mean_nonlocal_free_volume /= weight;
          }
        result.bands.push_back(band);
      }
    for (std::size_t i = 0; i < result.nodes.size(); ++i)
      {
        BandNode &node = result.nodes[i];
        node.id        = static_cast<unsigned int>(i);
        for (auto &e : node.edges)
          e = static_cast<unsigned int>(new_edge[e]);
        std::sort(node.edges.begin(), node.edges.end());
        node.band   = result.edges[node.edges.front()].band;
        auto &band = result.bands[node.band];
        band.nodes.push_back(node.id);
        if (node.type == BandNodeType::tip)
          {
            ++band.n_tips;
            if (!node.at_boundary)
              ++band.n_tips_inside;
          }
        else if (node.type == BandNodeType::branch_point)
          ++band.n_branch_points;
        else if (node.type == BandNodeType::crossing)
          ++band.n_crossings;
      }
    return result;
  }

  // ----------------------------------------------------------------------------------------
  // Section planes.

  double SectionPlane::signed_distance(const Point<3> &x) const
  {
    return (x - origin) * normal;
  }

  Point<2> SectionPlane::to_section(const Point<3> &x) const
  {
    return Point<2>((x - origin) * e_u, (x - origin) * e_v);
  }

  Point<3> SectionPlane::to_body(const Point<2> &y) const
  {
    return origin + y[0] * e_u + y[1] * e_v;
  }

  std::vector<SectionPlane> parse_section_planes(const std::string  &text,
                                                 const Tensor<1, 3> &load_axis,
                                                 const Point<3>     &centre,
                                                 const std::string  &context)
  {
    const double n_axis = load_axis.norm();
    require(std::isfinite(n_axis) && n_axis > 0, context, "the load axis must be a non-zero vector");
    const Tensor<1, 3>     axis   = load_axis / n_axis;
    std::vector<PlaneText> planes = parse_plane_text(text, context);
    for (auto &p : planes)
      if (p.automatic)
        {
          unsigned int k = 0;
          for (unsigned int d = 1; d < 3; ++d)
            if (std::abs(axis[d]) < std::abs(axis[k]) - 1e-12)
              k = d;
          Tensor<1, 3> n;
          n[k] = 1;
          n -= (n * axis) * axis; // the plane contains the load axis exactly
          p = {false, centre, n};
        }
    std::vector<SectionPlane> result;
    for (const auto &p : planes)
      {
        SectionPlane s;
        s.origin       = p.point;
        s.normal       = p.normal / p.normal.norm();
        Tensor<1, 3> v = axis - (axis * s.normal) * s.normal;
        require(v.norm() > 1e-6, context,
                "a section plane normal to the load axis: the angle of a band to the axis is "
                "undefined there");
        s.e_v = v / v.norm();
        s.e_u = cross_product_3d(s.e_v, s.normal);
        result.push_back(s);
      }
    return result;
  }

  std::vector<BoundarySegment> section_of_face(const std::vector<Point<3>> &vertices,
                                               const SectionPlane          &plane)
  {
    std::vector<std::array<unsigned int, 3>> triangles;
    if (vertices.size() == 3)
      triangles = {{{0, 1, 2}}};
    else if (vertices.size() == 4) // deal.II's lexicographic order: the cycle is 0, 1, 3, 2
      triangles = {{{0, 1, 3}}, {{0, 3, 2}}};
    else
      throw std::invalid_argument("band tracking: a boundary face needs 3 or 4 vertices");
    std::vector<BoundarySegment> segments;
    for (const auto &t : triangles)
      {
        std::array<double, 3> d;
        for (unsigned int i = 0; i < 3; ++i)
          d[i] = plane.signed_distance(vertices[t[i]]);
        // A vertex on the plane counts as on the positive side: every crossing is found once.
        std::vector<Point<2>> hits;
        for (unsigned int i = 0; i < 3; ++i)
          {
            const unsigned int j = (i + 1) % 3;
            if ((d[i] >= 0) != (d[j] >= 0))
              {
                const double   f = d[i] / (d[i] - d[j]);
                const Point<3> x = vertices[t[i]] + f * (vertices[t[j]] - vertices[t[i]]);
                hits.push_back(plane.to_section(x));
              }
          }
        if (hits.size() == 2)
          segments.push_back({{hits[0], hits[1]}});
      }
    return segments;
  }

  // ----------------------------------------------------------------------------------------
  // The collecting class.

  namespace
  {
    template <int dim>
    Point<2> planar(const Point<dim> &x)
    {
      return Point<2>(x[0], x[1]);
    }

    /// All ranks' doubles on `root` (collective); the other ranks get an empty vector.
    std::vector<double> gather_doubles(const std::vector<double> &send, const MPI_Comm comm,
                                       const int root)
    {
      if (send.size() > static_cast<std::size_t>(INT_MAX))
        throw std::length_error("band tracking: too many samples on one rank for MPI_Gatherv");
      int rank = 0, size = 1;
      MPI_Comm_rank(comm, &rank);
      MPI_Comm_size(comm, &size);
      const int        n_send = static_cast<int>(send.size());
      std::vector<int> counts(rank == root ? size : 0), offsets;
      MPI_Gather(&n_send, 1, MPI_INT, counts.data(), 1, MPI_INT, root, comm);
      long long total = 0;
      if (rank == root)
        for (const int c : counts)
          {
            offsets.push_back(static_cast<int>(std::min<long long>(total, INT_MAX)));
            total += c;
          }
      // Every rank must learn whether the root can take it, or they would hang in Gatherv.
      int fits = total <= INT_MAX ? 1 : 0;
      MPI_Bcast(&fits, 1, MPI_INT, root, comm);
      if (!fits)
        throw std::length_error("band tracking: too many samples to gather on one rank");
      std::vector<double> received(static_cast<std::size_t>(total));
      MPI_Gatherv(send.data(), n_send, MPI_DOUBLE, received.data(), counts.data(),
                  offsets.data(), MPI_DOUBLE, root, comm);
      return received;
    }
  } // namespace

  template <int dim>
  BandTracking<dim>::BandTracking(const BandTrackingParameters    &parameters,
                                  const Tensor<1, dim>            &load_axis,
                                  const std::vector<SectionPlane> &sections)
    : parameters(parameters)
    , planes(sections)
  {
    parameters.check();
    const double n = load_axis.norm();
    require(std::isfinite(n) && n > 0, "band tracking", "the load axis must be a non-zero vector");
    axis = load_axis / n;
    if (dim == 2)
      require(sections.empty(), "band tracking", "a 2D model is its own section: no planes");
    else
      require(!sections.empty(), "band tracking", "a 3D body needs at least one section plane");
    samples.resize(dim == 2 ? 1 : sections.size());
    boundary.resize(samples.size());
  }

  template <int dim>
  void BandTracking<dim>::add(const Point<dim> &x, const double weight,
                              const double plastic_strain, const double nonlocal_free_volume,
                              const double free_volume, const double half_thickness)
  {
    if constexpr (dim == 2)
      {
        (void)half_thickness;
        samples[0].push_back({x, weight, plastic_strain, nonlocal_free_volume, free_volume});
      }
    else
      {
        for (unsigned int s = 0; s < planes.size(); ++s)
          add_to_section(s, x, weight, plastic_strain, nonlocal_free_volume, free_volume,
                         half_thickness);
      }
  }

  template <int dim>
  void BandTracking<dim>::add_to_section(const unsigned int section, const Point<dim> &x,
                                         const double weight, const double plastic_strain,
                                         const double nonlocal_free_volume,
                                         const double free_volume, const double half_thickness)
  {
    if constexpr (dim == 2)
      {
        (void)half_thickness;
        AssertIndexRange(section, 1);
        add(x, weight, plastic_strain, nonlocal_free_volume, free_volume);
      }
    else
      {
        AssertIndexRange(section, planes.size());
        if (!(half_thickness > 0))
          throw std::invalid_argument("band tracking: a 3D sample needs a positive half "
                                      "thickness (half its cell across the plane)");
        const SectionPlane &plane = planes[section];
        // Within half a cell of the plane: one layer of cells' worth of points, projected.
        if (std::abs(plane.signed_distance(x)) <= half_thickness)
          samples[section].push_back({plane.to_section(x), weight / (2 * half_thickness),
                                      plastic_strain, nonlocal_free_volume, free_volume});
      }
  }

  template <int dim>
  void BandTracking<dim>::add_boundary_face(const std::vector<Point<dim>> &vertices)
  {
    if constexpr (dim == 2)
      {
        if (vertices.size() != 2)
          throw std::invalid_argument("band tracking: a 2D boundary face needs 2 vertices");
        boundary[0].push_back({{planar(vertices[0]), planar(vertices[1])}});
      }
    else
      {
        for (std::size_t s = 0; s < planes.size(); ++s)
          {
            const auto pieces = section_of_face(vertices, planes[s]);
            boundary[s].insert(boundary[s].end(), pieces.begin(), pieces.end());
          }
      }
  }

  template <int dim>
  void BandTracking<dim>::clear()
  {
    for (auto &s : samples)
      s.clear();
    for (auto &b : boundary)
      b.clear();
  }

  template <int dim>
  std::vector<BandTrackingResult> BandTracking<dim>::analyse() const
  {
    Tensor<1, 2> axis_2d;
    if constexpr (dim == 2)
      axis_2d = axis;
    else
      axis_2d[1] = 1; // e_v is the load axis projected onto the plane
    std::vector<BandTrackingResult> results;
    for (std::size_t s = 0; s < samples.size(); ++s)
      results.push_back(track_bands(samples[s], parameters, axis_2d, boundary[s]));
    return results;
  }

  template <int dim>
  std::vector<BandTrackingResult> BandTracking<dim>::analyse(const MPI_Comm       comm,
                                                             BandTrackingSummary &summary) const
  {
    int rank = 0;
    MPI_Comm_rank(comm, &rank);
    BandTracking<dim> all(*this);
    for (std::size_t s = 0; s < samples.size(); ++s)
      {
        std::vector<double> send;
        send.reserve(6 * samples[s].size());
        for (const auto &x : samples[s])
          send.insert(send.end(), {x.position[0], x.position[1], x.weight, x.plastic_strain,
                                   x.nonlocal_free_volume, x.free_volume});
        const auto received = gather_doubles(send, comm, 0);
        all.samples[s].resize(received.size() / 6);
        for (std::size_t i = 0; i < all.samples[s].size(); ++i)
          {
            const double *v = &received[6 * i];
            all.samples[s][i] = {Point<2>(v[0], v[1]), v[2], v[3], v[4], v[5]};
          }
        send.clear();
        for (const auto &b : boundary[s])
          send.insert(send.end(), {b[0][0], b[0][1], b[1][0], b[1][1]});
        const auto faces = gather_doubles(send, comm, 0);
        all.boundary[s].resize(faces.size() / 4);
        for (std::size_t i = 0; i < all.boundary[s].size(); ++i)
          all.boundary[s][i] = {{Point<2>(faces[4 * i], faces[4 * i + 1]),
                                 Point<2>(faces[4 * i + 2], faces[4 * i + 3])}};
      }

    // Rank 0 tracks and broadcasts the summary (or its error: the other ranks must not wait
    // for a broadcast that never comes).
    std::vector<BandTrackingResult> results;
    std::array<double, 10>          packed = {};
    std::string                     error;
    int                             error_kind = 0; // 1: InputError, 2: anything else
    if (rank == 0)
      {
        try
          {
            results = all.analyse();
            BandTrackingSummary s;
            for (const auto &r : results)
              s.add(r);
            packed = {{double(s.bands), double(s.edges), double(s.segments), double(s.kinks),
                       double(s.tips), double(s.tips_inside), double(s.branch_points),
                       double(s.crossings), s.largest_deflection, s.total_length}};
          }
        catch (const InputError &e)
          {
            error      = e.what();
            error_kind = 1;
          }
        catch (const std::exception &e)
          {
            error      = e.what();
            error_kind = 2;
          }
      }
    std::array<long long, 2> sizes = {{error_kind, static_cast<long long>(error.size())}};
    MPI_Bcast(sizes.data(), 2, MPI_LONG_LONG, 0, comm);
    if (sizes[0] != 0)
      {
        error.resize(sizes[1]);
        MPI_Bcast(&error[0], static_cast<int>(sizes[1]), MPI_CHAR, 0, comm);
        if (sizes[0] == 1)
          throw InputError(error);
        throw std::runtime_error(error);
      }
    MPI_Bcast(packed.data(), 10, MPI_DOUBLE, 0, comm);
    summary                    = BandTrackingSummary();
    summary.bands              = static_cast<unsigned int>(packed[0]);
    summary.edges              = static_cast<unsigned int>(packed[1]);
    summary.segments           = static_cast<unsigned int>(packed[2]);
    summary.kinks              = static_cast<unsigned int>(packed[3]);
    summary.tips               = static_cast<unsigned int>(packed[4]);
    summary.tips_inside        = static_cast<unsigned int>(packed[5]);
    summary.branch_points      = static_cast<unsigned int>(packed[6]);
    summary.crossings          = static_cast<unsigned int>(packed[7]);
    summary.largest_deflection = packed[8];
    summary.total_length       = packed[9];
    return results;
  }

  template class BandTracking<2>;
  template class BandTracking<3>;
} // namespace bmgfe
