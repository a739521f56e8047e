#include <bmgfe/base/input_error.h>
#include <bmgfe/postprocess/shear_bands.h>

#include <deal.II/base/numbers.h>
#include <deal.II/base/parameter_handler.h>
#include <deal.II/base/symmetric_tensor.h>

#include <algorithm>
#include <array>
#include <climits>
#include <cmath>
#include <fstream>
#include <iomanip>
#include <limits>
#include <numeric>
#include <stdexcept>
#include <tuple>
#include <unordered_map>

namespace bmgfe
{
  using namespace dealii;

  namespace
  {
    const std::string section = "Postprocess/Shear bands/";

    /// Labels of samples that are not (or not yet) members of a band.
    constexpr int below_threshold = -1;
    constexpr int ignored_cluster = -2;

    double degrees(const double radians)
    {
      return radians * 180.0 / numbers::PI;
    }

    /// Eigenpairs of a symmetric tensor, largest eigenvalue first. Jacobi rotations: accurate
    /// eigenvectors also for the nearly rank-one structure tensors of straight bands.
    template <int dim>
    std::array<std::pair<double, Tensor<1, dim>>, dim> eigenpairs(const SymmetricTensor<2, dim> &A)
    {
      return eigenvectors(A, SymmetricTensorEigenvectorMethod::jacobi);
    }

    /// The sign convention of band vectors: along the load axis, and when perpendicular to it
    /// the first clearly non-zero component positive, so that equal bands print equal vectors.
    template <int dim>
    Tensor<1, dim> oriented(Tensor<1, dim> v, const Tensor<1, dim> &axis)
    {
      const double along = v * axis;
      if (std::abs(along) > 1e-12)
        return along < 0 ? -v : v;
      for (unsigned int d = 0; d < dim; ++d)
        if (std::abs(v[d]) > 1e-12)
          return v[d] < 0 ? -v : v;
      return v;
    }

    /// Samples in cubic cells of side h, sorted by cell: the samples within a radius <= h of a
    /// point are in the 3^dim cells around it. Cells are addressed by their integer
    /// coordinates, so a domain much larger than h needs no array of all cells.
    template <int dim>
    class NeighbourGrid
    {
    public:
      NeighbourGrid(const std::vector<PlasticStrainSample<dim>> &samples, const double cell_size)
        : samples(samples)
        , h(cell_size)
      {
        upper = samples.front().position;
        lower = upper;
        for (const auto &s : samples)
          for (unsigned int d = 0; d < dim; ++d)
            {
              lower[d] = std::min(lower[d], s.position[d]);
              upper[d] = std::max(upper[d], s.position[d]);
            }
        for (unsigned int d = 0; d < dim; ++d)
          require((upper[d] - lower[d]) / h < 1e15, "entry '" + section + "Neighbour distance'",
                  value_text(h) + " m is too small for samples spread over " +
                    value_text(upper[d] - lower[d]) + " m");

        std::vector<Key> keys(samples.size());
        for (std::size_t i = 0; i < samples.size(); ++i)
          keys[i] = cell_of(samples[i].position);
        order.resize(samples.size());
        std::iota(order.begin(), order.end(), 0u);
        std::sort(order.begin(), order.end(), [&](const unsigned int a, const unsigned int b) {
          return std::tie(keys[a], a) < std::tie(keys[b], b);
        });
        // The range of `order` of every occupied cell: one hash lookup per neighbour cell
        // instead of a binary search over all samples (most of the analysis time on 400 k
        // samples).
        cells.reserve(samples.size() / 4 + 1);
        for (std::size_t begin = 0; begin < order.size();)
          {
            const Key   &key = keys[order[begin]];
            std::size_t  end = begin + 1;
            while (end < order.size() && keys[order[end]] == key)
              ++end;
            cells.emplace(key, std::make_pair(static_cast<unsigned int>(begin),
                                              static_cast<unsigned int>(end)));
            begin = end;
          }
      }

      /// Calls f(j) for every sample j within `radius` of x, x's own sample included.
      template <typename F>
      void for_each_within(const Point<dim> &x, const double radius, F &&f) const
      {
        const Key    centre = cell_of(x);
        const double r2     = radius * radius;
        // Cells up to `reach` away in each direction; 1 for radius <= h, the usual case.
        const long long reach =
          std::max(1LL, static_cast<long long>(std::ceil(std::min(radius, diameter()) / h)));
        unsigned long long n_neighbour_cells = 1;
        for (unsigned int d = 0; d < dim; ++d)
          n_neighbour_cells *= 2 * reach + 1;
        for (unsigned long long c = 0; c < n_neighbour_cells; ++c)
          {
            Key                key  = centre;
            unsigned long long code = c;
            for (unsigned int d = 0; d < dim; ++d, code /= 2 * reach + 1)
              key[d] += static_cast<long long>(code % (2 * reach + 1)) - reach;
            const auto cell = cells.find(key);
            if (cell == cells.end())
              continue;
            for (unsigned int k = cell->second.first; k < cell->second.second; ++k)
              {
                const unsigned int j = order[k];
                if ((samples[j].position - x).norm_square() <= r2)
                  f(j);
              }
          }
      }

      /// Diameter of the bounding box of the samples.
      double diameter() const { return (upper - lower).norm(); }

    private:
      using Key = std::array<long long, dim>;

      Key cell_of(const Point<dim> &x) const
      {
        Key key;
        for (unsigned int d = 0; d < dim; ++d)
          key[d] = static_cast<long long>(std::floor((x[d] - lower[d]) / h));
        return key;
      }

      const std::vector<PlasticStrainSample<dim>> &samples;
      double                                       h;
      Point<dim>                                   lower, upper;
      struct KeyHash
      {
        std::size_t operator()(const Key &key) const
        {
          std::size_t h = 0;
          for (const long long k : key)
            h = h * 1000003u ^ std::hash<long long>()(k);
          return h;
        }
      };

      std::vector<unsigned int> order; ///< sample indices sorted by cell (and index)
      std::unordered_map<Key, std::pair<unsigned int, unsigned int>, KeyHash> cells;
    };

    /// Solves the symmetric positive definite n x n system A x = b (row-major) by Cholesky;
    /// false when a pivot is below 1e-10 of the largest diagonal entry (too few or degenerate
    /// neighbours for this fit).
    bool solve_spd(std::vector<double> &A, std::vector<double> &b, const unsigned int n)
    {
      double largest = 0;
      for (unsigned int i = 0; i < n; ++i)
        largest = std::max(largest, A[i * n + i]);
      if (!(largest > 0))
        return false;
      for (unsigned int j = 0; j < n; ++j)
        {
          double pivot = A[j * n + j];
          for (unsigned int k = 0; k < j; ++k)
            pivot -= A[j * n + k] * A[j * n + k];
          if (!(pivot > 1e-10 * largest))
            return false;
          const double l_jj = std::sqrt(pivot);
          A[j * n + j]      = l_jj;
          for (unsigned int i = j + 1; i < n; ++i)
            {
              double v = A[i * n + j];
              for (unsigned int k = 0; k < j; ++k)
                v -= A[i * n + k] * A[j * n + k];
              A[i * n + j] = v / l_jj;
            }
        }
      for (unsigned int i = 0; i < n; ++i)
        {
          for (unsigned int k = 0; k < i; ++k)
            b[i] -= A[i * n + k] * b[k];
          b[i] /= A[i * n + i];
        }
      for (unsigned int i = n; i-- > 0;)
        {
          for (unsigned int k = i + 1; k < n; ++k)
            b[i] -= A[k * n + i] * b[k];
          b[i] /= A[i * n + i];
        }
      return true;
    }

    /// grad p at sample i from a weighted least-squares fit over the samples within `radius`:
    /// a full quadratic polynomial when there are enough neighbours (its gradient at the
    /// centre is second-order accurate, so the curvature across a band does not tilt it on an
    /// irregular stencil), else a linear one; zero when even that is degenerate. Coordinates
    /// are scaled by the radius to keep the normal equations well conditioned; the kernel
    /// (1 - (r/radius)^2)^2 favours near samples and goes smoothly to zero at the radius.
    template <int dim>
    Tensor<1, dim> fitted_gradient(const std::vector<PlasticStrainSample<dim>> &samples,
                                   const NeighbourGrid<dim> &grid, const unsigned int i,
                                   const double radius)
    {
      constexpr unsigned int n_linear    = 1 + dim;
      constexpr unsigned int n_quadratic = n_linear + dim * (dim + 1) / 2;
      // The normal equations of the quadratic fit, summed while the neighbours are visited;
      // the linear fit's are their leading block (the rows begin with 1, y), the same sums.
      std::array<double, n_quadratic * n_quadratic> normal{};
      std::array<double, n_quadratic>               rhs{};
      unsigned int                                  n_rows = 0;
      const Point<dim>                             &x      = samples[i].position;
      grid.for_each_within(x, radius, [&](const unsigned int j) {
        const Tensor<1, dim> y  = (samples[j].position - x) / radius;
        const double         r2 = y.norm_square();
        std::array<double, n_quadratic> row;
        unsigned int                    c = 0;
        row[c++]                          = 1;
        for (unsigned int a = 0; a < dim; ++a)
          row[c++] = y[a];
        for (unsigned int a = 0; a < dim; ++a)
          for (unsigned int b = a; b < dim; ++b)
            row[c++] = y[a] * y[b];
        const double kernel = (1 - r2) * (1 - r2), value = samples[j].plastic_strain;
        for (unsigned int a = 0; a < n_quadratic; ++a)
          {
            rhs[a] += kernel * row[a] * value;
            for (unsigned int c = 0; c < n_quadratic; ++c)
              normal[a * n_quadratic + c] += kernel * row[a] * row[c];
          }
        ++n_rows;
      });

      // At least two samples more than unknowns, so that the fit is a fit.
      for (const unsigned int n : {n_quadratic, n_linear})
        {
          if (n_rows < n + 2)
            continue;
          std::vector<double> A(n * n), b(rhs.begin(), rhs.begin() + n);
          for (unsigned int a = 0; a < n; ++a)
            for (unsigned int c = 0; c < n; ++c)
              A[a * n + c] = normal[a * n_quadratic + c];
          if (solve_spd(A, b, n))
            {
              Tensor<1, dim> g;
              for (unsigned int a = 0; a < dim; ++a)
                g[a] = b[1 + a] / radius;
              return g;
            }
        }
      return Tensor<1, dim>();
    }

    class UnionFind
    {
    public:
      explicit UnionFind(const std::size_t n)
        : parent(n)
      {
        std::iota(parent.begin(), parent.end(), 0u);
      }
      unsigned int find(unsigned int i)
      {
        while (parent[i] != i)
          i = parent[i] = parent[parent[i]];
        return i;
      }
      void unite(const unsigned int a, const unsigned int b)
      {
        const unsigned int ra = find(a), rb = find(b);
        // The smaller root wins: the components do not depend on the order of the unions.
        if (ra < rb)
          parent[rb] = ra;
        else if (rb < ra)
          parent[ra] = rb;
      }

    private:
      std::vector<unsigned int> parent;
    };

    /// What the band measures need besides the parameters.
    template <int dim>
    struct Context
    {
      const std::vector<PlasticStrainSample<dim>> &samples;
      const std::vector<Tensor<1, dim>>           &gradients; ///< valid at above-threshold samples
      const ShearBandParameters                   &parameters;
      const NeighbourGrid<dim>                    &grid;
      Tensor<1, dim>                               axis;
      double                                       h;
      double      extent; ///< diameter of the bounding box of all samples [m]
      double      background;
    };

    template <int dim>
    SymmetricTensor<2, dim> structure_tensor(const std::vector<unsigned int> &members,
                                             const Context<dim>              &c)
    {
      SymmetricTensor<2, dim> J;
      for (const unsigned int i : members)
        {
          const Tensor<1, dim> &g = c.gradients[i];
          for (unsigned int a = 0; a < dim; ++a)
            for (unsigned int b = a; b < dim; ++b)
              J[a][b] += c.samples[i].weight * g[a] * g[b];
        }
      return J;
    }

    template <int dim>
    double total_weight(const std::vector<unsigned int> &members, const Context<dim> &c)
    {
      double w = 0;
      for (const unsigned int i : members)
        w += c.samples[i].weight;
      return w;
    }

    /// Weighted centroid; the plain centroid when the members have no weight.
    template <int dim>
    Point<dim> centroid(const std::vector<unsigned int> &members, const Context<dim> &c)
    {
      Point<dim> x;
      double     w = 0;
      for (const unsigned int i : members)
        {
          x += c.samples[i].weight * c.samples[i].position;
          w += c.samples[i].weight;
        }
      if (w > 0)
        return x / w;
      for (const unsigned int i : members)
        x += c.samples[i].position;
      return x / static_cast<double>(members.size());
    }

    /// Weighted covariance of the members' positions about their centroid.
    template <int dim>
    SymmetricTensor<2, dim> position_covariance(const std::vector<unsigned int> &members,
                                                const Context<dim>              &c)
    {
      const Point<dim>        x0 = centroid(members, c);
      SymmetricTensor<2, dim> C;
      double                  w = 0;
      for (const unsigned int i : members)
        {
          const Tensor<1, dim> r = c.samples[i].position - x0;
          for (unsigned int a = 0; a < dim; ++a)
            for (unsigned int b = a; b < dim; ++b)
              C[a][b] += c.samples[i].weight * r[a] * r[b];
          w += c.samples[i].weight;
        }
      return w > 0 ? C / w : C;
    }

    /// Index of the sample nearest to sample i among those with allowed(j) (i itself
    /// excluded), searched in growing spheres; -1 when there is none.
    template <int dim, typename Allowed>
    int nearest(const unsigned int i, const Context<dim> &c, Allowed &&allowed)
    {
      const Point<dim> &x = c.samples[i].position;
      // The last sphere is at least as large as the bounding box: it holds every sample.
      for (double radius = c.h;; radius *= 2)
        {
          int    best = -1;
          double best_distance = std::numeric_limits<double>::max();
          c.grid.for_each_within(x, radius, [&](const unsigned int j) {
            const double d = (c.samples[j].position - x).norm_square();
            // Ties go to the lower index: the result does not depend on the cell order.
            if (j != i && allowed(j) &&
                (d < best_distance || (d == best_distance && static_cast<int>(j) < best)))
              {
                best          = static_cast<int>(j);
                best_distance = d;
              }
          });
          if (best >= 0 || radius >= c.extent)
            return best;
        }
    }

    /// Crossing bands (an X, or a # of several) in one connected cluster, split by the
    /// orientation of grad p:
    ///  1. Two orientation families by "k-axes" clustering of the gradients (each sample to
    ///     the axis it is most parallel to, each axis the dominant eigenvector of its family's
    ///     structure tensor), started from the bisectors of the cluster's two leading
    ///     eigenvectors, which for an X are the bisectors of the two band normals. Only samples
    ///     with a clear gradient (|grad p|^2 >= 5 % of the cluster's largest) are assigned by
    ///     orientation; the others (the ridge of a band, where grad p vanishes and a fitted
    ///     one is noise) join the family of the nearest such sample.
    ///  2. Within a family, the bands are the groups of samples separated by gaps wider than
    ///     h in the coordinate along the family's normal: parallel bands are separate, the two
    ///     arms of a band on either side of a crossing are one. Groups too small to be a band
    ///     (points, volume) join the group of their nearest sample in a band.
    /// The split is kept only when it looks like crossing bands:
    ///  - the two axes differ by at least the minimum crossing angle;
    ///  - every group is elongated in its own band plane (largest standard deviation of its
    ///    positions at least twice the one along its normal): this rejects the tips of a
    ///    finite band, where grad p points along the band;
    ///  - every group crosses a group of the other family: each sticks out of the other's
    ///    core (by h beyond sqrt(3) times the standard deviation of the other's samples along
    ///    its normal, the half-thickness of an evenly filled slab) with at least 10 % of its
    ///    volume on either side. This rejects bent bands (V, L, a kink, a Z-shaped deflection),
    ///    T junctions and arcs, which stay one band with a lower coherence.
    ///
    /// `family` is scratch space of one int per sample, -1 on entry and on return (allocated
    /// once by the caller: a noisy field can have many clusters).
    template <int dim>
    std::vector<std::vector<unsigned int>> split_crossing(const std::vector<unsigned int> &cluster,
                                                          const Context<dim>              &c,
                                                          std::vector<int>                &family)
    {
      struct Reset
      {
        std::vector<int>                &labels;
        const std::vector<unsigned int> &indices;
        ~Reset()
        {
          for (const unsigned int i : indices)
            labels[i] = -1;
        }
      } reset{family, cluster};
      const ShearBandParameters &prm = c.parameters;
      if (!prm.split_crossing_bands || cluster.size() < 2 * std::max(prm.minimum_points, 1u))
        return {cluster};
      const auto eig = eigenpairs(structure_tensor(cluster, c));
      if (!(eig[0].first > 0))
        return {cluster};

      std::array<Tensor<1, dim>, 2> axes = {{eig[0].second + eig[1].second,
                                             eig[0].second - eig[1].second}};
      for (auto &a : axes)
        a /= a.norm();
      const auto family_of = [&](const Tensor<1, dim> &g) {
        return std::abs(g * axes[1]) > std::abs(g * axes[0]) ? 1 : 0;
      };

      // Family of each sample: -1 outside the cluster (and, in step 1, for weak gradients).
      double g2_max = 0;
      for (const unsigned int i : cluster)
        g2_max = std::max(g2_max, c.gradients[i].norm_square());
      std::vector<unsigned int> strong;
      for (const unsigned int i : cluster)
        if (c.gradients[i].norm_square() >= 0.05 * g2_max)
          strong.push_back(i);

      for (unsigned int iteration = 0; iteration < 100; ++iteration)
        {
          bool                                   changed = false;
          std::array<std::vector<unsigned int>, 2> members;
          for (const unsigned int i : strong)
            {
              const int f = family_of(c.gradients[i]);
              changed     = changed || f != family[i];
              family[i]   = f;
              members[f].push_back(i);
            }
          if (!changed)
            break;
          for (unsigned int k = 0; k < 2; ++k)
            {
              const auto e = eigenpairs(structure_tensor(members[k], c));
              if (!(e[0].first > 0))
                return {cluster};
              axes[k] = e[0].second / e[0].second.norm();
            }
        }
      if (degrees(std::acos(std::min(1.0, std::abs(axes[0] * axes[1])))) < prm.minimum_crossing_angle)
        return {cluster};

      std::vector<int> weak_family;
      for (const unsigned int i : cluster)
        if (family[i] < 0)
          {
            const int j = nearest(i, c, [&](const unsigned int k) {
              return family[k] >= 0 && c.gradients[k].norm_square() >= 0.05 * g2_max;
            });
            weak_family.push_back(j >= 0 ? family[j] : family_of(c.gradients[i]));
          }
      {
        std::size_t n = 0;
        for (const unsigned int i : cluster)
          if (family[i] < 0)
            family[i] = weak_family[n++];
      }

      // Groups: gaps along the family normal.
      struct Group
      {
        std::vector<unsigned int> members;
        unsigned int              family;
      };
      std::vector<Group> groups;
      for (unsigned int k = 0; k < 2; ++k)
        {
          std::vector<std::pair<double, unsigned int>> along;
          for (const unsigned int i : cluster)
            if (family[i] == static_cast<int>(k))
              along.emplace_back(axes[k] * c.samples[i].position, i);
          std::sort(along.begin(), along.end());
          for (std::size_t m = 0; m < along.size(); ++m)
            {
              if (m == 0 || along[m].first - along[m - 1].first > c.h)
                groups.push_back(Group{{}, k});
              groups.back().members.push_back(along[m].second);
            }
        }
      // Small groups join the band of their nearest sample (group labels in `family` now).
      std::vector<Group> bands;
      for (const auto &g : groups)
        if (g.members.size() >= prm.minimum_points &&
            total_weight(g.members, c) >= prm.minimum_band_volume)
          bands.push_back(g);
      std::array<bool, 2> has_family = {{false, false}};
      for (const auto &b : bands)
        has_family[b.family] = true;
      if (!has_family[0] || !has_family[1])
        return {cluster};
      std::vector<int> &band_of = family;
      for (const unsigned int i : cluster)
        band_of[i] = -1;
      for (std::size_t b = 0; b < bands.size(); ++b)
        for (const unsigned int i : bands[b].members)
          band_of[i] = static_cast<int>(b);
      std::vector<std::pair<unsigned int, int>> joining;
      for (const auto &g : groups)
        if (g.members.size() < prm.minimum_points ||
            total_weight(g.members, c) < prm.minimum_band_volume)
          for (const unsigned int i : g.members)
            {
              const int j = nearest(i, c, [&](const unsigned int k) { return band_of[k] >= 0; });
              joining.emplace_back(i, j >= 0 ? band_of[j] : 0);
            }
      for (const auto &[i, b] : joining)
        bands[b].members.push_back(i);

      // Acceptance.
      std::vector<Point<dim>> centre(bands.size());
      std::vector<double>     half_thickness(bands.size());
      for (std::size_t b = 0; b < bands.size(); ++b)
        {
          const Tensor<1, dim>         &n = axes[bands[b].family];
          const SymmetricTensor<2, dim> C = position_covariance(bands[b].members, c);
          const double                  normal_variance = n * (C * n);
          if (eigenpairs(C)[0].first < 4 * normal_variance)
            return {cluster};
          centre[b]         = centroid(bands[b].members, c);
          half_thickness[b] = std::sqrt(3 * std::max(normal_variance, 0.0));
        }
      const auto sticks_out = [&](const std::size_t b, const std::size_t other) {
        const Tensor<1, dim> &n      = axes[bands[other].family];
        const double          beyond = half_thickness[other] + c.h;
        double                above = 0, below = 0, total = 0;
        for (const unsigned int i : bands[b].members)
          {
            const double s = n * (c.samples[i].position - centre[other]);
            (s > beyond ? above : s < -beyond ? below : total) += c.samples[i].weight;
          }
        total += above + below;
        return above >= 0.1 * total && below >= 0.1 * total;
      };
      for (std::size_t b = 0; b < bands.size(); ++b)
        {
          bool crosses = false;
          for (std::size_t o = 0; o < bands.size() && !crosses; ++o)
            crosses = bands[o].family != bands[b].family && sticks_out(b, o) && sticks_out(o, b);
          if (!crosses)
            return {cluster};
        }
      std::vector<std::vector<unsigned int>> parts;
      for (auto &b : bands)
        {
          std::sort(b.members.begin(), b.members.end());
          parts.push_back(std::move(b.members));
        }
      return parts;
    }

    /// Orientation, size and p of a band from its members; the width from the profile of p
    /// across it. The profile takes every sample near the band (within the band's extent along
    /// it and W = 4 sqrt(3) std(d) + 2h of its mid-plane, d the coordinate along the normal:
    /// about four half-widths of the above-threshold core, widened up to max_window_growths
    /// times by 1.5 while a half-maximum crossing is missing), except the members of other bands
    /// and of ignored clusters, bins them in d (about 25 samples per bin, each bin at the
    /// weighted mean d of its samples, so that empty or unevenly filled bins do not shift the
    /// profile) and finds where the weighted mean p falls to half of the profile's peak above
    /// the background, by linear interpolation between bins.
    constexpr unsigned int max_window_growths = 6; // W up to 11.4 times the first one

    template <int dim>
    ShearBand<dim> measure_band(const std::vector<unsigned int> &members, const int label,
                                const std::vector<int> &labels, const Context<dim> &c)
    {
      ShearBand<dim> band;
      band.n_points = static_cast<unsigned int>(members.size());
      band.volume   = total_weight(members, c);
      double wp = 0, w = 0;
      for (const unsigned int i : members)
        {
          const auto &s            = c.samples[i];
          band.peak_plastic_strain = std::max(band.peak_plastic_strain, s.plastic_strain);
          wp += s.weight * s.plastic_strain;
          w += s.weight;
        }
      band.mean_plastic_strain = w > 0 ? wp / w : band.peak_plastic_strain;
      const Point<dim> x0      = centroid(members, c);

      // Normal and in-plane directions; without any gradient on the band (a plateau sampled
      // only inside) the shape of the band decides: its thinnest direction is the normal.
      std::array<Tensor<1, dim>, dim> basis; // normal first
      const auto                      eig = eigenpairs(structure_tensor(members, c));
      if (eig[0].first > 0)
        {
          for (unsigned int k = 0; k < dim; ++k)
            basis[k] = eig[k].second / eig[k].second.norm();
          band.coherence = (eig[0].first - eig[dim - 1].first) / (eig[0].first + eig[dim - 1].first);
        }
      else
        {
          const auto shape = eigenpairs(position_covariance(members, c));
          for (unsigned int k = 0; k < dim; ++k)
            basis[k] = shape[dim - 1 - k].second / shape[dim - 1 - k].second.norm();
          band.coherence = 0;
        }
      band.normal = oriented(basis[0], c.axis);
      if (dim == 2)
        band.direction = oriented(basis[1], c.axis);
      else
        {
          const Tensor<1, dim> in_plane = c.axis - (c.axis * band.normal) * band.normal;
          band.direction = in_plane.norm() > 1e-8 ? in_plane / in_plane.norm() :
                                                    oriented(basis[dim - 1], c.axis);
        }
      // atan2 rather than asin: accurate also near 90 degrees.
      band.angle_to_load_axis =
        degrees(std::atan2(std::abs(c.axis * band.normal),
                           (c.axis - (c.axis * band.normal) * band.normal).norm()));

      // Extent of the band's core.
      std::array<double, dim> t_min, t_max;
      t_min.fill(std::numeric_limits<double>::max());
      t_max.fill(-std::numeric_limits<double>::max());
      double sum_d = 0, sum_d2 = 0, sum_w = 0;
      for (const unsigned int i : members)
        {
          const Tensor<1, dim> r = c.samples[i].position - x0;
          const double         d = basis[0] * r;
          for (unsigned int k = 1; k < dim; ++k)
            {
              t_min[k] = std::min(t_min[k], basis[k] * r);
              t_max[k] = std::max(t_max[k], basis[k] * r);
            }
          const double wi = c.samples[i].weight;
          sum_d += wi * d;
          sum_d2 += wi * d * d;
          sum_w += wi;
        }
      const double mean_d = sum_w > 0 ? sum_d / sum_w : 0.0;
      const double std_d =
        sum_w > 0 ? std::sqrt(std::max(sum_d2 / sum_w - mean_d * mean_d, 0.0)) : 0.0;
      // The window starts at about four half-widths of the above-threshold core. A band that
      // barely rises above the threshold (a weak arm next to a stronger spot) has a core much
      // thinner than its FWHM, so the window grows by 1.5x until the profile falls to half
      // its peak on both sides or the window holds every sample near the band.
      double W = 4 * std::sqrt(3.0) * std_d + 2 * c.h;
      double shift = 0;
      for (unsigned int attempt = 0;; ++attempt)
        {
          std::vector<std::array<double, 3>> profile; // d, p, w
          bool                               window_cut = false;
          for (std::size_t j = 0; j < c.samples.size(); ++j)
            {
              if (labels[j] != below_threshold && labels[j] != label)
                continue;
              const Tensor<1, dim> r = c.samples[j].position - x0;
              bool                 inside = true;
              for (unsigned int k = 1; k < dim; ++k)
                inside = inside && basis[k] * r >= t_min[k] && basis[k] * r <= t_max[k];
              if (!inside)
                continue;
              const double d = basis[0] * r;
              if (std::abs(d) > W)
                {
                  window_cut = true;
                  continue;
                }
              profile.push_back({{d, c.samples[j].plastic_strain, c.samples[j].weight}});
            }

          const std::size_t n_bins =
            std::min<std::size_t>(400, std::max<std::size_t>(10, profile.size() / 25));
          std::vector<double> bin_w(n_bins, 0.0), bin_wd(n_bins, 0.0), bin_wp(n_bins, 0.0);
          for (const auto &s : profile)
            {
              const std::size_t b =
                std::min(n_bins - 1, static_cast<std::size_t>((s[0] + W) / (2 * W) * n_bins));
              bin_w[b] += s[2];
              bin_wd[b] += s[2] * s[0];
              bin_wp[b] += s[2] * s[1];
            }
          std::vector<double> d_bin, p_bin;
          for (std::size_t b = 0; b < n_bins; ++b)
            if (bin_w[b] > 0)
              {
                d_bin.push_back(bin_wd[b] / bin_w[b]);
                p_bin.push_back(bin_wp[b] / bin_w[b]);
              }
          if (d_bin.empty())
            break;

          const std::size_t peak =
            std::max_element(p_bin.begin(), p_bin.end()) - p_bin.begin();
          const double half = c.background + 0.5 * (p_bin[peak] - c.background);
          const auto   crossing = [&](const std::size_t inner, const std::size_t outer) {
            return d_bin[inner] + (half - p_bin[inner]) / (p_bin[outer] - p_bin[inner]) *
                                    (d_bin[outer] - d_bin[inner]);
          };
          bool   has_left = false, has_right = false;
          double left = 0, right = 0;
          for (std::size_t b = peak; b-- > 0;)
            if (p_bin[b] < half)
              {
                left     = crossing(b + 1, b);
                has_left = true;
                break;
              }
          for (std::size_t b = peak + 1; b < p_bin.size(); ++b)
            if (p_bin[b] < half)
              {
                right     = crossing(b - 1, b);
                has_right = true;
                break;
              }
          band.width_sides = (has_left ? 1 : 0) + (has_right ? 1 : 0);
          if (has_left && has_right)
            {
              band.width = right - left;
              shift      = 0.5 * (left + right);
            }
          else
            {
              band.width = has_left  ? 2 * (d_bin[peak] - left) :
                           has_right ? 2 * (right - d_bin[peak]) :
                                       d_bin.back() - d_bin.front();
              shift      = d_bin[peak];
            }
          if (band.width_sides == 2 || !window_cut || attempt == max_window_growths)
            break;
          W *= 1.5;
        }
      band.centre = x0 + shift * basis[0];
      return band;
    }

    template <int dim>
    void check_sample(const PlasticStrainSample<dim> &s)
    {
      bool finite = std::isfinite(s.weight) && std::isfinite(s.plastic_strain);
      for (unsigned int d = 0; d < dim; ++d)
        finite = finite && std::isfinite(s.position[d]) &&
                 (!s.has_gradient || std::isfinite(s.gradient[d]));
      if (!finite || s.weight < 0)
        throw std::invalid_argument("shear bands: a sample with a non-finite value or a "
                                    "negative weight (p = " + value_text(s.plastic_strain) +
                                    ", weight = " + value_text(s.weight) + ")");
    }

    template <int dim>
    Tensor<1, dim> unit_axis(const Tensor<1, dim> &axis)
    {
      const double n = axis.norm();
      require(std::isfinite(n) && n > 0, "shear bands", "the load axis must be a non-zero vector");
      return axis / n;
    }

    template <int dim>
    bool position_less(const PlasticStrainSample<dim> &a, const PlasticStrainSample<dim> &b)
    {
      for (unsigned int d = 0; d < dim; ++d)
        if (a.position[d] != b.position[d])
          return a.position[d] < b.position[d];
      if (a.plastic_strain != b.plastic_strain)
        return a.plastic_strain < b.plastic_strain;
      if (a.weight != b.weight)
        return a.weight < b.weight;
      if (a.has_gradient != b.has_gradient)
        return a.has_gradient < b.has_gradient;
      for (unsigned int d = 0; d < dim; ++d)
        if (a.gradient[d] != b.gradient[d])
          return a.gradient[d] < b.gradient[d];
      return false;
    }

    /// Doubles per sample in MPI messages: position, weight, p, gradient, has_gradient.
    template <int dim>
    constexpr int doubles_per_sample = 2 * dim + 3;

    /// Doubles per band in MPI messages.
    template <int dim>
    constexpr int doubles_per_band = 3 * dim + 10;
  } // namespace

  void ShearBandParameters::declare_parameters(ParameterHandler &prm)
  {
    using namespace dealii::Patterns;
    prm.enter_subsection("Postprocess");
    prm.enter_subsection("Shear bands");
    prm.declare_entry(
      "Threshold fraction", "0.5", Double(0, 1),
      "f in (0, 1): a sample belongs to a shear band when its equivalent plastic strain p "
      "reaches p_bg + f (p_max - p_bg), p_max the largest p and p_bg the background, the p "
      "that 90 % of the volume reaches (the level of homogeneous flow; 0 as soon as a tenth of "
      "the body is elastic, and the threshold is then f p_max). The default 0.5 makes a band's "
      "samples its FWHM core. Bands weaker than f times the strongest one are not found.");
    prm.declare_entry(
      "Minimum plastic strain", "1e-3", Double(0),
      "Positive; no shear band at all when p_max - p_bg is below it: negligible or uniform "
      "plastic strain (homogeneous flow) is no localisation.");
    prm.declare_entry(
      "Neighbour distance", "0", Double(0),
      "[m] Samples closer than this are neighbours: above-threshold neighbours belong to the "
      "same band (connected components), and grad p is fitted over the samples within it "
      "when the caller gives no gradient. 0: automatic, 2.5 (sum of the sample weights / "
      "number of samples)^(1/dim), i.e. about 2.5 sample spacings, which needs the weights to "
      "be the samples' shares of the analysed area or volume. On strongly graded meshes set "
      "about twice the largest sample spacing where bands can form: with a value below the "
      "spacing bands fall apart.");
    prm.declare_entry(
      "Minimum band volume", "0", Double(0),
      "[m^3 for 3D bodies, m^2 for 2D sections] Clusters of above-threshold samples with a "
      "smaller total weight are no band (isolated hot spots).");
    prm.declare_entry("Minimum number of points", "10", Integer(1),
                      "Clusters with fewer above-threshold samples are no band; their "
                      "orientation would rest on too few gradients.");
    prm.declare_entry(
      "Split crossing bands", "true", Bool(),
      "Count two crossing bands (an X) that form one connected cluster as two, by splitting "
      "the cluster into two families of grad p orientation (doc/model.md). Clusters that do "
      "not look like two crossing bands (bent bands, T junctions) stay one band.");
    prm.declare_entry("Minimum crossing angle", "20", Double(0, 90),
                      "[deg] Two orientation families of a cluster whose normals differ by less "
                      "than this are one (curved) band.");
    prm.leave_subsection();
    prm.leave_subsection();
  }

  void ShearBandParameters::parse_parameters(ParameterHandler &prm)
  {
    prm.enter_subsection("Postprocess");
    prm.enter_subsection("Shear bands");
    threshold_fraction     = prm.get_double("Threshold fraction");
    minimum_plastic_strain = prm.get_double("Minimum plastic strain");
    neighbour_distance     = prm.get_double("Neighbour distance");
    minimum_band_volume    = prm.get_double("Minimum band volume");
    minimum_points         = prm.get_integer("Minimum number of points");
    split_crossing_bands   = prm.get_bool("Split crossing bands");
    minimum_crossing_angle = prm.get_double("Minimum crossing angle");
    prm.leave_subsection();
    prm.leave_subsection();
    check();
  }

  void ShearBandParameters::check() const
  {
    require(threshold_fraction > 0 && threshold_fraction < 1,
            "entry '" + section + "Threshold fraction'",
            "must be in (0, 1) (got " + value_text(threshold_fraction) + ")");
    require(std::isfinite(minimum_plastic_strain) && minimum_plastic_strain > 0,
            "entry '" + section + "Minimum plastic strain'",
            "must be positive (got " + value_text(minimum_plastic_strain) + ")");
    require(std::isfinite(neighbour_distance) && neighbour_distance >= 0,
            "entry '" + section + "Neighbour distance'",
            "must not be negative (0: automatic) (got " + value_text(neighbour_distance) + ")");
    require(std::isfinite(minimum_band_volume) && minimum_band_volume >= 0,
            "entry '" + section + "Minimum band volume'",
            "must not be negative (got " + value_text(minimum_band_volume) + ")");
    require(minimum_points >= 1, "entry '" + section + "Minimum number of points'",
            "must be at least 1");
    require(minimum_crossing_angle >= 0 && minimum_crossing_angle <= 90,
            "entry '" + section + "Minimum crossing angle'",
            "must be in [0, 90] degrees (got " + value_text(minimum_crossing_angle) + ")");
  }

  template <int dim>
  ShearBandResult<dim> find_shear_bands(std::vector<PlasticStrainSample<dim>> samples,
                                        const ShearBandParameters          &parameters,
                                        const Tensor<1, dim>               &load_axis)
  {
    parameters.check();
    ShearBandResult<dim> result;
    result.load_axis = unit_axis(load_axis);
    result.n_samples = samples.size();
    if (samples.empty())
      return result;
    for (const auto &s : samples)
      check_sample(s);
    // Independent of the caller's order (and so of the partition over MPI ranks).
    std::sort(samples.begin(), samples.end(), position_less<dim>);

    double sum_w = 0;
    result.max_plastic_strain = samples.front().plastic_strain;
    for (const auto &s : samples)
      {
        result.max_plastic_strain = std::max(result.max_plastic_strain, s.plastic_strain);
        sum_w += s.weight;
      }
    result.background_plastic_strain = background_plastic_strain(samples);
    const double contrast = result.max_plastic_strain - result.background_plastic_strain;
    result.threshold =
      result.background_plastic_strain + parameters.threshold_fraction * contrast;
    if (parameters.neighbour_distance > 0)
      result.neighbour_distance = parameters.neighbour_distance;
    else
      {
        require(sum_w > 0, "entry '" + section + "Neighbour distance'",
                "cannot be automatic when all sample weights are zero");
        result.neighbour_distance =
          2.5 * std::pow(sum_w / static_cast<double>(samples.size()), 1.0 / dim);
      }
    if (!(contrast >= parameters.minimum_plastic_strain))
      return result;
    // Samples without weights (a caller that has none) count equally; volumes are then
    // numbers of samples.
    if (!(sum_w > 0))
      for (auto &s : samples)
        s.weight = 1;
    const double h = result.neighbour_distance;

    std::vector<int>          labels(samples.size(), below_threshold);
    std::vector<unsigned int> core;
    for (unsigned int i = 0; i < samples.size(); ++i)
      if (samples[i].plastic_strain >= result.threshold)
        {
          core.push_back(i);
          labels[i] = ignored_cluster;
        }

    const NeighbourGrid<dim> grid(samples, h);
    UnionFind                components(samples.size());
    std::vector<Tensor<1, dim>> gradients(samples.size());
    for (const unsigned int i : core)
      {
        grid.for_each_within(samples[i].position, h, [&](const unsigned int j) {
          if (labels[j] != below_threshold)
            components.unite(i, j);
        });
        gradients[i] = samples[i].has_gradient ? samples[i].gradient :
                                                 fitted_gradient(samples, grid, i, h);
      }
    // Clusters in the order of their smallest sample (the root of the union-find).
    std::vector<std::vector<unsigned int>> clusters;
    std::vector<int>                       cluster_of_root(samples.size(), -1);
    for (const unsigned int i : core)
      {
        const unsigned int root = components.find(i);
        if (cluster_of_root[root] < 0)
          {
            cluster_of_root[root] = static_cast<int>(clusters.size());
            clusters.emplace_back();
          }
        clusters[cluster_of_root[root]].push_back(i);
      }

    const Context<dim> context{samples, gradients, parameters, grid, result.load_axis, h,
                               grid.diameter(), result.background_plastic_strain};
    std::vector<std::pair<std::vector<unsigned int>, bool>> band_members;
    std::vector<int>                                        scratch(samples.size(), -1);
    for (const auto &cluster : clusters)
      {
        if (cluster.size() < parameters.minimum_points ||
            total_weight(cluster, context) < parameters.minimum_band_volume)
          continue;
        const auto parts = split_crossing(cluster, context, scratch);
        for (const auto &part : parts)
          band_members.emplace_back(part, parts.size() > 1);
      }
    for (std::size_t b = 0; b < band_members.size(); ++b)
      for (const unsigned int i : band_members[b].first)
        labels[i] = static_cast<int>(b);

    for (std::size_t b = 0; b < band_members.size(); ++b)
      {
        result.bands.push_back(
          measure_band(band_members[b].first, static_cast<int>(b), labels, context));
        result.bands.back().crossing = band_members[b].second;
      }
    std::stable_sort(result.bands.begin(), result.bands.end(),
                     [](const ShearBand<dim> &a, const ShearBand<dim> &b) {
                       return a.volume > b.volume;
                     });
    for (unsigned int b = 0; b < result.bands.size(); ++b)
      result.bands[b].id = b;
    return result;
  }

  template <int dim>
  std::vector<PlasticStrainSample<dim>>
  gather_samples(const std::vector<PlasticStrainSample<dim>> &local, const MPI_Comm comm,
                 const int root)
  {
    constexpr int n = doubles_per_sample<dim>;
    if (local.size() > static_cast<std::size_t>(INT_MAX / n))
      throw std::length_error("shear bands: too many samples on one rank for MPI_Gatherv");
    std::vector<double> send;
    send.reserve(local.size() * n);
    for (const auto &s : local)
      {
        for (unsigned int d = 0; d < dim; ++d)
          send.push_back(s.position[d]);
        send.push_back(s.weight);
        send.push_back(s.plastic_strain);
        for (unsigned int d = 0; d < dim; ++d)
          send.push_back(s.gradient[d]);
        send.push_back(s.has_gradient ? 1.0 : 0.0);
      }
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
      throw std::length_error("shear bands: too many samples to gather on one rank");
    std::vector<double> received(static_cast<std::size_t>(total));
    MPI_Gatherv(send.data(), n_send, MPI_DOUBLE, received.data(), counts.data(), offsets.data(),
                MPI_DOUBLE, root, comm);

    std::vector<PlasticStrainSample<dim>> all(received.size() / n);
    for (std::size_t i = 0; i < all.size(); ++i)
      {
        const double *v = &received[i * n];
        for (unsigned int d = 0; d < dim; ++d)
          all[i].position[d] = v[d];
        all[i].weight         = v[dim];
        all[i].plastic_strain = v[dim + 1];
        for (unsigned int d = 0; d < dim; ++d)
          all[i].gradient[d] = v[dim + 2 + d];
        all[i].has_gradient = v[2 * dim + 2] != 0;
      }
    return all;
  }

  template <int dim>
  ShearBandAnalysis<dim>::ShearBandAnalysis(const ShearBandParameters &parameters,
                                            const Tensor<1, dim>      &load_axis)
    : parameters(parameters)
    , axis(unit_axis(load_axis))
  {
    parameters.check();
  }

  template <int dim>
  void ShearBandAnalysis<dim>::add(const Point<dim> &position, const double weight,
                                   const double plastic_strain)
  {
    PlasticStrainSample<dim> s;
    s.position       = position;
    s.weight         = weight;
    s.plastic_strain = plastic_strain;
    local_samples.push_back(s);
  }

  template <int dim>
  void ShearBandAnalysis<dim>::add(const Point<dim> &position, const double weight,
                                   const double plastic_strain, const Tensor<1, dim> &gradient)
  {
    add(position, weight, plastic_strain);
    local_samples.back().gradient     = gradient;
    local_samples.back().has_gradient = true;
  }

  template <int dim>
  ShearBandResult<dim> ShearBandAnalysis<dim>::analyse() const
  {
    return find_shear_bands(local_samples, parameters, axis);
  }

  template <int dim>
  ShearBandResult<dim> ShearBandAnalysis<dim>::analyse(const MPI_Comm comm) const
  {
    int rank = 0;
    MPI_Comm_rank(comm, &rank);
    const auto all = gather_samples(local_samples, comm, 0);

    // Rank 0 packs the result (or its error: the other ranks must not wait for a broadcast
    // that never comes) and every rank unpacks the same numbers.
    std::vector<double> packed;
    std::string         error;
    int                 error_kind = 0; // 1: InputError, 2: anything else
    if (rank == 0)
      {
        try
          {
            const ShearBandResult<dim> r = find_shear_bands(all, parameters, axis);
            packed = {static_cast<double>(r.n_samples), r.max_plastic_strain,
                      r.background_plastic_strain, r.threshold, r.neighbour_distance};
            for (const auto &b : r.bands)
              {
                packed.push_back(b.id);
                for (unsigned int d = 0; d < dim; ++d)
                  packed.insert(packed.end(), {b.centre[d], b.direction[d], b.normal[d]});
                packed.insert(packed.end(),
                              {b.angle_to_load_axis, b.width, static_cast<double>(b.width_sides),
                               b.peak_plastic_strain, b.mean_plastic_strain, b.volume,
                               b.coherence, static_cast<double>(b.n_points),
                               b.crossing ? 1.0 : 0.0});
              }
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
    std::array<long long, 3> sizes = {{static_cast<long long>(packed.size()), error_kind,
                                       static_cast<long long>(error.size())}};
    MPI_Bcast(sizes.data(), 3, MPI_LONG_LONG, 0, comm);
    if (sizes[1] != 0)
      {
        error.resize(sizes[2]);
        MPI_Bcast(&error[0], static_cast<int>(sizes[2]), MPI_CHAR, 0, comm);
        if (sizes[1] == 1)
          throw InputError(error);
        throw std::runtime_error(error);
      }
    packed.resize(sizes[0]);
    MPI_Bcast(packed.data(), static_cast<int>(sizes[0]), MPI_DOUBLE, 0, comm);

    ShearBandResult<dim> r;
    r.load_axis                 = axis;
    r.n_samples                 = static_cast<std::size_t>(packed[0]);
    r.max_plastic_strain        = packed[1];
    r.background_plastic_strain = packed[2];
    r.threshold                 = packed[3];
    r.neighbour_distance        = packed[4];
    for (std::size_t at = 5; at + doubles_per_band<dim> <= packed.size();)
      {
        ShearBand<dim> b;
        b.id = static_cast<unsigned int>(packed[at++]);
        for (unsigned int d = 0; d < dim; ++d)
          {
            b.centre[d]    = packed[at++];
            b.direction[d] = packed[at++];
            b.normal[d]    = packed[at++];
          }
        b.angle_to_load_axis  = packed[at++];
        b.width               = packed[at++];
        b.width_sides         = static_cast<unsigned int>(packed[at++]);
        b.peak_plastic_strain = packed[at++];
        b.mean_plastic_strain = packed[at++];
        b.volume              = packed[at++];
        b.coherence           = packed[at++];
        b.n_points            = static_cast<unsigned int>(packed[at++]);
        b.crossing            = packed[at++] != 0;
        r.bands.push_back(b);
      }
    return r;
  }

  template <int dim>
  void write_shear_band_csv(std::ostream &out, const double time, const ShearBandResult<dim> &result)
  {
    const char *coordinates[] = {"x", "y", "z"};
    out << std::setprecision(12);
    out << "# Shear bands (bmgfe, doc/model.md §5) at t = " << time << " s: " << result.bands.size()
        << " band(s) in " << result.n_samples << " samples\n";
    out << "# load axis (";
    for (unsigned int d = 0; d < dim; ++d)
      out << (d ? ", " : "") << result.load_axis[d];
    out << "); p_max = " << result.max_plastic_strain
        << "; background p_bg (10 % quantile by volume) = " << result.background_plastic_strain
        << "; threshold = " << result.threshold
        << "; neighbour distance = " << result.neighbour_distance << " m\n"
        << "# time_s: time [s]; band: id (largest first); centre_*_m: centre of the band [m] "
           "(middle of its FWHM)\n"
        << "# angle_to_load_axis_deg: angle between the band and the load axis [deg, 0..90]\n"
        << "# direction_*: unit vector along the band; normal_*: unit normal of the band [-]\n"
        << "# width_m: FWHM of the profile of p across the band [m]; width_sides: 2 both "
           "half-maximum crossings found, 1 one (width mirrored), 0 none (a lower bound)\n"
        << "# peak_p, mean_p: largest and weighted mean equivalent plastic strain of the band "
           "[-]; "
        << (dim == 2 ? "area_m2: area [m^2]" : "volume_m3: volume [m^3]")
        << " of its above-threshold samples\n"
        << "# coherence: (l_max - l_min)/(l_max + l_min) of the structure tensor sum w grad p "
           "grad p [-]; n_points: its samples; crossing: 1 if split from two crossing bands\n";
    out << "time_s,band";
    for (unsigned int d = 0; d < dim; ++d)
      out << ",centre_" << coordinates[d] << "_m";
    out << ",angle_to_load_axis_deg";
    for (unsigned int d = 0; d < dim; ++d)
      out << ",direction_" << coordinates[d];
    for (unsigned int d = 0; d < dim; ++d)
      out << ",normal_" << coordinates[d];
    out << ",width_m,width_sides,peak_p,mean_p," << (dim == 2 ? "area_m2" : "volume_m3")
        << ",coherence,n_points,crossing\n";
    for (const auto &b : result.bands)
      {
        out << time << ',' << b.id;
        for (unsigned int d = 0; d < dim; ++d)
          out << ',' << b.centre[d];
        out << ',' << b.angle_to_load_axis;
        for (unsigned int d = 0; d < dim; ++d)
          out << ',' << b.direction[d];
        for (unsigned int d = 0; d < dim; ++d)
          out << ',' << b.normal[d];
        out << ',' << b.width << ',' << b.width_sides << ',' << b.peak_plastic_strain << ','
            << b.mean_plastic_strain << ',' << b.volume << ',' << b.coherence << ','
            << b.n_points << ',' << (b.crossing ? 1 : 0) << '\n';
      }
  }

  template <int dim>
  void write_shear_band_csv(const std::string &file_name, const double time,
                            const ShearBandResult<dim> &result)
  {
    std::ofstream out(file_name);
    if (!out)
      throw std::runtime_error("cannot write '" + file_name + "'");
    write_shear_band_csv(out, time, result);
    if (!out)
      throw std::runtime_error("error while writing '" + file_name + "'");
  }

  template ShearBandResult<2> find_shear_bands(std::vector<PlasticStrainSample<2>>,
                                               const ShearBandParameters &, const Tensor<1, 2> &);
  template ShearBandResult<3> find_shear_bands(std::vector<PlasticStrainSample<3>>,
                                               const ShearBandParameters &, const Tensor<1, 3> &);
  template std::vector<PlasticStrainSample<2>>
  gather_samples(const std::vector<PlasticStrainSample<2>> &, MPI_Comm, int);
  template std::vector<PlasticStrainSample<3>>
  gather_samples(const std::vector<PlasticStrainSample<3>> &, MPI_Comm, int);
  template class ShearBandAnalysis<2>;
  template class ShearBandAnalysis<3>;
  template void write_shear_band_csv(std::ostream &, double, const ShearBandResult<2> &);
  template void write_shear_band_csv(std::ostream &, double, const ShearBandResult<3> &);
  template void write_shear_band_csv(const std::string &, double, const ShearBandResult<2> &);
  template void write_shear_band_csv(const std::string &, double, const ShearBandResult<3> &);
} // namespace bmgfe
