#include <bmgfe/postprocess/indentation.h>

#include <deal.II/base/quadrature_lib.h>

#include <algorithm>
#include <cstdio>
#include <numeric>

namespace bmgfe
{
  namespace postprocess
  {
    namespace indentation
    {
      namespace
      {
        constexpr double pi = 3.14159265358979323846;
        /// Half angle of the cone with the projected area of a Berkovich tip [rad].
        constexpr double berkovich_equivalent_cone = 70.3 * pi / 180;

        double normal_cdf(const double z) { return 0.5 * std::erfc(-z / std::sqrt(2.0)); }
        double normal_pdf(const double z) { return std::exp(-0.5 * z * z) / std::sqrt(2 * pi); }
      } // namespace

      double berkovich_contact_depth(const double load, const double hardness)
      {
        return std::sqrt(load / (24.5 * hardness));
      }

      double expanding_cavity_plastic_zone_factor(const double E, const double nu, const double Y)
      {
        const double beta = pi / 2 - berkovich_equivalent_cone;
        const double c_over_a =
          std::cbrt(E * std::tan(beta) / (6 * Y * (1 - nu)) + 2 * (1 - 2 * nu) / (3 * (1 - nu)));
        return c_over_a * std::tan(berkovich_equivalent_cone);
      }

      double Kernel::support() const
      {
        return shape == KernelShape::hemisphere ? radius : 3 * radius;
      }

      double Kernel::weight_3d(const double rho2, const double depth) const
      {
        const double a = support();
        const double d2 = rho2 + depth * depth;
        if (depth < 0 || d2 > a * a)
          return 0;
        if (shape == KernelShape::hemisphere)
          return 1;
        const double s = sigma();
        return std::exp(-d2 / (2 * s * s));
      }

      double Kernel::weight_planar(const double rho2) const
      {
        const double a = support();
        if (rho2 > a * a)
          return 0;
        if (shape == KernelShape::hemisphere)
          return std::sqrt(a * a - rho2);
        const double s = sigma();
        return std::exp(-rho2 / (2 * s * s)) * std::erf(std::sqrt((a * a - rho2) / (2 * s * s)));
      }

      double Kernel::weight_axisymmetric(const double r, const double r_indent, const double depth) const
      {
        const double a  = support();
        const double s2 = a * a - depth * depth; // squared in-plane reach at this depth
        const double dr = r - r_indent;
        if (depth < 0 || s2 <= 0 || dr * dr > s2)
          return 0;
        // The ring of radius r (angle theta from the indent's azimuth) is within the in-plane
        // distance sqrt(s2) of the indent for |theta| <= alpha:
        // rho^2(theta) = (r - r_i)^2 + 4 r r_i sin^2(theta/2) <= s2.
        double alpha = pi;
        if (r * r_indent > 0 && (r + r_indent) * (r + r_indent) > s2)
          alpha = std::acos(std::clamp((r * r + r_indent * r_indent - s2) / (2 * r * r_indent), -1.0, 1.0));
        if (shape == KernelShape::hemisphere)
          return alpha / pi;
        // Mean of the Gaussian over the whole ring (zero outside the arc): (1/pi) int_0^alpha.
        static const dealii::QGauss<1> gauss(32);
        const double                   s = sigma();
        double                         sum = 0;
        for (unsigned int q = 0; q < gauss.size(); ++q)
          {
            const double theta = alpha * gauss.point(q)[0];
            const double sine  = std::sin(theta / 2);
            const double rho2  = dr * dr + 4 * r * r_indent * sine * sine;
            sum += gauss.weight(q) * std::exp(-(rho2 + depth * depth) / (2 * s * s));
          }
        return sum * alpha / pi;
      }

      double Kernel::centroid_depth() const
      {
        return shape == KernelShape::hemisphere ? 3 * radius / 8 : sigma() * std::sqrt(2 / pi);
      }

      KernelAverages::KernelAverages(const Kernel &kernel, const Section section,
                                     const std::vector<std::array<double, 2>> &indents,
                                     const unsigned int n_values)
        : kernel(kernel)
        , section(section)
        , indent_positions(indents)
        , n_values(n_values)
        , stride(2 + n_values)
        , sums(indents.size() * (2 + n_values), 0.0)
      {
        const double a = kernel.support();
        bucket         = a > 0 ? a : 1;
        bounds         = {{std::numeric_limits<double>::infinity(), -std::numeric_limits<double>::infinity(),
                           std::numeric_limits<double>::infinity(), -std::numeric_limits<double>::infinity()}};
        for (std::size_t i = 0; i < indents.size(); ++i)
          {
            indent_radius.push_back(std::hypot(indents[i][0], indents[i][1]));
            // Axisymmetric models know an indent by its distance from the axis only.
            const double u = section == Section::axisymmetric ? indent_radius[i] : indents[i][0];
            const double v = section == Section::axisymmetric ? 0.0 : indents[i][1];
            buckets[bucket_key(u, v)].push_back(i);
            bounds[0] = std::min(bounds[0], u - a);
            bounds[1] = std::max(bounds[1], u + a);
            bounds[2] = std::min(bounds[2], v - a);
            bounds[3] = std::max(bounds[3], v + a);
          }
      }

      long long KernelAverages::bucket_key(const double u, const double v) const
      {
        const auto bu = static_cast<long long>(std::floor(u / bucket));
        const auto bv = static_cast<long long>(std::floor(v / bucket));
        return (bu << 32) + bv;
      }

      void KernelAverages::reset()
      {
        std::fill(sums.begin(), sums.end(), 0.0);
      }

      void KernelAverages::covering(const SectionPoint &p, std::vector<std::pair<std::size_t, double>> &out,
                                    std::vector<bool> &within_radius) const
      {
        out.clear();
        within_radius.clear();
        const double a = kernel.support(), R = kernel.radius;
        if (section != Section::planar && (p.depth < 0 || p.depth > a))
          return;
        const double u = p.u, v = section == Section::axisymmetric ? 0.0 : p.v;
        if (u < bounds[0] || u > bounds[1] || v < bounds[2] || v > bounds[3])
          return;
        const int v_range = section == Section::axisymmetric ? 0 : 1;
        for (int du = -1; du <= 1; ++du)
          for (int dv = -v_range; dv <= v_range; ++dv)
            {
              const auto it = buckets.find(bucket_key(u + du * bucket, v + dv * bucket));
              if (it == buckets.end())
                continue;
              for (const std::size_t i : it->second)
                {
                  double K = 0;
                  bool   in = false;
                  if (section == Section::axisymmetric)
                    {
                      const double dr = u - indent_radius[i];
                      K  = kernel.weight_axisymmetric(u, indent_radius[i], p.depth);
                      in = dr * dr + p.depth * p.depth <= R * R;
                    }
                  else
                    {
                      const double du_i = u - indent_positions[i][0], dv_i = v - indent_positions[i][1];
                      const double rho2 = du_i * du_i + dv_i * dv_i;
                      if (section == Section::planar)
                        {
                          K  = kernel.weight_planar(rho2);
                          in = rho2 <= R * R;
                        }
                      else
                        {
                          K  = kernel.weight_3d(rho2, p.depth);
                          in = rho2 + p.depth * p.depth <= R * R;
                        }
                    }
                  if (K > 0)
                    {
                      out.emplace_back(i, K);
                      within_radius.push_back(in);
                    }
                }
            }
      }

      void KernelAverages::sum_over(MPI_Comm comm)
      {
        MPI_Allreduce(MPI_IN_PLACE, sums.data(), static_cast<int>(sums.size()), MPI_DOUBLE, MPI_SUM, comm);
      }

      double KernelAverages::average(const std::size_t i, const unsigned int k) const
      {
        const double W = sums[i * stride];
        return W > 0 ? sums[i * stride + 2 + k] / W : std::numeric_limits<double>::quiet_NaN();
      }

      std::size_t Histogram::total() const
      {
        return std::accumulate(counts.begin(), counts.end(), std::size_t(0));
      }

      Histogram make_histogram(const std::vector<double> &values, const unsigned int bins)
      {
        Histogram h;
        if (values.empty())
          return h;
        const auto [lo, hi] = std::minmax_element(values.begin(), values.end());
        h.lower             = *lo;
        if (*hi > *lo && bins > 1)
          {
            h.width = (*hi - *lo) / bins;
            h.counts.assign(bins, 0);
            for (const double v : values)
              ++h.counts[std::min<std::size_t>(bins - 1, static_cast<std::size_t>((v - *lo) / h.width))];
          }
        else
          {
            h.width  = *hi - *lo;
            h.counts = {static_cast<unsigned int>(values.size())};
          }
        return h;
      }

      unsigned int sturges_bins(const std::size_t n)
      {
        return n < 2 ? 1 : static_cast<unsigned int>(std::ceil(std::log2(static_cast<double>(n)))) + 1;
      }

      double GaussianFit::expected_count(const Histogram &h, const std::size_t k) const
      {
        return amplitude * (normal_cdf((h.edge(k + 1) - centre) / sigma) - normal_cdf((h.edge(k) - centre) / sigma));
      }

      namespace
      {
        using Vector3 = std::array<double, 3>;
        using Matrix3 = std::array<Vector3, 3>;

        /// Inverse of a symmetric positive definite 3 x 3 matrix by cofactors (false: singular).
        bool invert(const Matrix3 &A, Matrix3 &inverse)
        {
          const double det = A[0][0] * (A[1][1] * A[2][2] - A[1][2] * A[2][1]) -
                             A[0][1] * (A[1][0] * A[2][2] - A[1][2] * A[2][0]) +
                             A[0][2] * (A[1][0] * A[2][1] - A[1][1] * A[2][0]);
          if (!(std::abs(det) > 0) || !std::isfinite(det))
            return false;
          for (int i = 0; i < 3; ++i)
            for (int j = 0; j < 3; ++j)
              {
                const int r0 = (j + 1) % 3, r1 = (j + 2) % 3, c0 = (i + 1) % 3, c1 = (i + 2) % 3;
                inverse[i][j] = (A[r0][c0] * A[r1][c1] - A[r0][c1] * A[r1][c0]) / det;
              }
          return true;
        }

        /// J^T J.
        Matrix3 normal_matrix(const std::vector<Vector3> &J)
        {
          Matrix3 A{};
          for (int i = 0; i < 3; ++i)
            for (int j = 0; j < 3; ++j)
              for (const Vector3 &row : J)
                A[i][j] += row[i] * row[j];
          return A;
        }

        /// Residuals r_k = n_k - c_k(p) and, if wanted, the Jacobian dc_k/dp; returns sum r_k^2.
        double residuals(const Histogram &h, const Vector3 &p, std::vector<double> &r,
                         std::vector<Vector3> *jacobian)
        {
          const std::size_t m = h.counts.size();
          r.resize(m);
          if (jacobian)
            jacobian->resize(m);
          double ssr = 0;
          for (std::size_t k = 0; k < m; ++k)
            {
              const double z0 = (h.edge(k) - p[1]) / p[2], z1 = (h.edge(k + 1) - p[1]) / p[2];
              const double mass = normal_cdf(z1) - normal_cdf(z0);
              r[k]              = h.counts[k] - p[0] * mass;
              ssr += r[k] * r[k];
              if (jacobian)
                (*jacobian)[k] = {{mass, p[0] * (normal_pdf(z0) - normal_pdf(z1)) / p[2],
                                   p[0] * (z0 * normal_pdf(z0) - z1 * normal_pdf(z1)) / p[2]}};
            }
          return ssr;
        }
      } // namespace

      GaussianFit fit_gaussian(const Histogram &h, const double mean, const double standard_deviation)
      {
        GaussianFit       fit;
        const std::size_t m = h.counts.size();
        if (m < 3 || !(h.width > 0) || !(standard_deviation > 0))
          return fit;
        Vector3              p = {{static_cast<double>(h.total()), mean, standard_deviation}};
        std::vector<double>  r, r_trial;
        std::vector<Vector3> J;
        double               ssr    = residuals(h, p, r, &J);
        double               lambda = 1e-3;
        for (fit.iterations = 1; fit.iterations <= 500; ++fit.iterations)
          {
            const Matrix3 A = normal_matrix(J);
            Vector3       g = {{0, 0, 0}};
            for (int i = 0; i < 3; ++i)
              for (std::size_t k = 0; k < m; ++k)
                g[i] += J[k][i] * r[k];
            // Levenberg-Marquardt: raise the damping until a step lowers the sum of squares.
            bool accepted = false, stationary = false;
            while (!accepted && !stationary)
              {
                Matrix3 D = A, Dinv;
                for (int i = 0; i < 3; ++i)
                  D[i][i] *= 1 + lambda;
                Vector3 step = {{0, 0, 0}};
                if (invert(D, Dinv))
                  for (int i = 0; i < 3; ++i)
                    for (int j = 0; j < 3; ++j)
                      step[i] += Dinv[i][j] * g[j];
                const Vector3 trial = {{p[0] + step[0], p[1] + step[1], p[2] + step[2]}};
                const double  ssr_trial =
                  trial[2] > 0 ? residuals(h, trial, r_trial, nullptr) : std::numeric_limits<double>::infinity();
                if (ssr_trial <= ssr && std::isfinite(ssr_trial))
                  {
                    accepted = true;
                    bool small = true;
                    for (int i = 0; i < 3; ++i)
                      small = small && std::abs(step[i]) <= 1e-10 * std::abs(p[i]);
                    p      = trial;
                    ssr    = residuals(h, p, r, &J);
                    lambda = std::max(lambda / 10, 1e-12);
                    if (small || ssr == 0)
                      stationary = true;
                  }
                else if ((lambda *= 10) > 1e12)
                  stationary = true; // no step lowers the sum: a minimum to round-off
              }
            if (stationary)
              {
                fit.converged = true;
                break;
              }
          }
        fit.amplitude = p[0];
        fit.centre    = p[1];
        fit.sigma     = p[2];
        Matrix3 covariance;
        if (m > 3 && invert(normal_matrix(J), covariance))
          fit.sigma_error = std::sqrt(std::max(0.0, ssr / (m - 3) * covariance[2][2]));
        return fit;
      }

      ArrayStatistics array_statistics(const std::vector<double> &values, const unsigned int bins)
      {
        ArrayStatistics s;
        s.n = values.size();
        if (s.n == 0)
          return s;
        s.mean = std::accumulate(values.begin(), values.end(), 0.0) / s.n;
        if (s.n < 2)
          return s;
        double sum2 = 0;
        for (const double v : values)
          sum2 += (v - s.mean) * (v - s.mean);
        s.std  = std::sqrt(sum2 / s.n);
        s.fwhm = s.mean != 0 ? fwhm_per_std * s.std / std::abs(s.mean) : std::numeric_limits<double>::quiet_NaN();
        if (s.mean == 0)
          return s;
        std::vector<double> relative(values.size());
        for (std::size_t i = 0; i < values.size(); ++i)
          relative[i] = values[i] / s.mean;
        s.histogram = make_histogram(relative, bins > 0 ? bins : sturges_bins(s.n));
        if (s.std == 0)
          {
            s.fwhm_fit = s.fwhm_fit_error = 0;
            return s;
          }
        s.fit = fit_gaussian(s.histogram, 1.0, s.std / std::abs(s.mean));
        if (s.fit.converged)
          {
            s.fwhm_fit       = s.fit.fwhm();
            s.fwhm_fit_error = s.fit.fwhm_error();
          }
        return s;
      }

      RgbImage map_image(const std::vector<std::vector<double>> &values, const std::vector<std::string> &title,
                         const double scale, const unsigned int cell)
      {
        const int ny = static_cast<int>(values.size());
        const int nx = ny > 0 ? static_cast<int>(values[0].size()) : 0;
        double    lo = std::numeric_limits<double>::infinity(), hi = -lo;
        for (const auto &row : values)
          for (const double v : row)
            if (std::isfinite(v))
              {
                lo = std::min(lo, v);
                hi = std::max(hi, v);
              }
        const bool any = lo <= hi;
        auto       label = [&](const double v) {
          char text[32];
          std::snprintf(text, sizeof(text), "%.4g", v * scale);
          return std::string(text);
        };
        const std::vector<std::string> labels =
          any ? std::vector<std::string>{label(hi), label(0.5 * (lo + hi)), label(lo)} : std::vector<std::string>{"-"};

        const int text_scale = 2, margin = 12, gap = 6, line = RgbImage::text_height(text_scale) + gap;
        const int map_w = nx * static_cast<int>(cell), map_h = ny * static_cast<int>(cell);
        const int bar_w = 18;
        int       label_w = 0;
        for (const auto &l : labels)
          label_w = std::max(label_w, RgbImage::text_width(l, text_scale));
        int width = margin + map_w + 2 * margin + bar_w + gap + label_w + margin;
        for (const auto &t : title)
          width = std::max(width, 2 * margin + RgbImage::text_width(t, text_scale));
        const int top    = margin + static_cast<int>(title.size()) * line + gap;
        const int height = top + std::max(map_h, 3 * line) + margin;
        RgbImage  image(width, height);
        const Rgb black{{0, 0, 0}}, missing{{200, 200, 200}};
        for (std::size_t t = 0; t < title.size(); ++t)
          image.text(margin, margin + static_cast<int>(t) * line, title[t], text_scale, black);

        // The map: row j = 0 at the bottom.
        for (int j = 0; j < ny; ++j)
          for (int i = 0; i < nx; ++i)
            {
              const double v = values[j][i];
              const Rgb    colour =
                !std::isfinite(v) ? missing : viridis(hi > lo ? (v - lo) / (hi - lo) : 0.5);
              image.fill(margin + i * static_cast<int>(cell), top + (ny - 1 - j) * static_cast<int>(cell),
                         static_cast<int>(cell), static_cast<int>(cell), colour);
            }
        auto frame = [&](const int x, const int y, const int w, const int h) {
          image.fill(x - 1, y - 1, w + 2, 1, black);
          image.fill(x - 1, y + h, w + 2, 1, black);
          image.fill(x - 1, y - 1, 1, h + 2, black);
          image.fill(x + w, y - 1, 1, h + 2, black);
        };
        frame(margin, top, map_w, map_h);

        // The colour bar with max (top), middle and min (bottom).
        const int bar_x = margin + map_w + 2 * margin, bar_h = std::max(map_h, 3 * line);
        for (int y = 0; y < bar_h; ++y)
          image.fill(bar_x, top + y, bar_w, 1, viridis(1 - (y + 0.5) / bar_h));
        frame(bar_x, top, bar_w, bar_h);
        const int text_h = RgbImage::text_height(text_scale);
        for (std::size_t l = 0; l < labels.size(); ++l)
          {
            const int y = labels.size() == 1 ? top : top + static_cast<int>(l) * (bar_h - text_h) / 2;
            image.text(bar_x + bar_w + gap, y, labels[l], text_scale, black);
          }
        return image;
      }
    } // namespace indentation
  }   // namespace postprocess
} // namespace bmgfe
