#pragma once
// Virtual nanoindentation, the mesh-free parts (doc/model.md §5, "Virtual nanoindentation"):
//  * the estimates of the indent from the experiment (seed 000: Berkovich tip, 50 mN): the
//    contact depth h_c = sqrt(P / (24.5 H)) and Johnson's expanding-cavity plastic zone c/h_c;
//  * the plastic-zone kernel of one indent (a hemisphere of radius R = c h below the surface,
//    uniform or Gaussian weight) in a planar cross-section, a 3D body or an axisymmetric r-z
//    section;
//  * kernel averages of point values over weighted sample points (the quadrature points of a
//    mesh): sum_q w_q K(x_q) f(x_q) / sum_q w_q K(x_q), per indent, reducible over MPI ranks;
//  * the statistics of one array of indents: mean, standard deviation, FWHM = 2 sqrt(2 ln 2)
//    std of H/mean(H), the histogram of H/mean(H) and the FWHM of a least-squares Gaussian fit
//    to it (seed 000, Fig. 8 f, g);
//  * the map of one array as an image (postprocess/png_image.h).
#include <bmgfe/postprocess/png_image.h>

#include <mpi.h>

#include <array>
#include <cmath>
#include <limits>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

namespace bmgfe
{
  namespace postprocess
  {
    namespace indentation
    {
      /// 2 sqrt(2 ln 2): FWHM of a Gaussian over its standard deviation.
      constexpr double fwhm_per_std = 2.3548200450309493;

      /// Contact depth of a Berkovich indent [m] at the load P [N] in a material of hardness
      /// H [Pa]: H = P / A with the projected area of the ideal tip A = 24.5 h_c^2.
      double berkovich_contact_depth(double load, double hardness);

      /// Radius of the plastic zone over the contact depth, c / h_c, of Johnson's expanding
      /// cavity model for the cone equivalent to a Berkovich tip (half angle 70.3 deg):
      /// (c/a)^3 = E tan(beta) / (6 Y (1 - nu)) + 2 (1 - 2 nu) / (3 (1 - nu)),
      /// beta = 90 - 70.3 deg, a = h_c tan(70.3 deg) the contact radius.
      double expanding_cavity_plastic_zone_factor(double youngs_modulus, double poissons_ratio,
                                                  double yield_stress);

      enum class KernelShape
      {
        hemisphere, ///< uniform over the hemisphere of radius R below the indent
        gaussian    ///< exp(-|y - p|^2 / (2 s^2)), s = R / sqrt(5), below the indent, |y - p| <= 3 R
      };

      /// How the model's points relate to the section that is indented.
      enum class Section
      {
        planar,            ///< the model plane is the section; fields are uniform in depth
        three_dimensional, ///< the section is a plane of the body; points have a depth below it
        axisymmetric       ///< r-z model; an indent at distance r_i from the axis, height z0
      };

      /// The plastic zone of one indent at the point p of the section surface: the half ball of
      /// radius R below the surface (depth >= 0), weighted uniformly or by a Gaussian.
      struct Kernel
      {
        KernelShape shape  = KernelShape::hemisphere;
        double      radius = 0; ///< R [m]

        /// s = R / sqrt(5) of the Gaussian: the same mean square distance from p (3 R^2 / 5)
        /// as the uniform hemisphere.
        double sigma() const { return radius / std::sqrt(5.0); }
        /// Beyond this distance from p the weight is zero: R, or 3 R for the Gaussian.
        double support() const;
        /// Weight of a point at the squared in-plane distance rho2 from p and the depth d >= 0.
        double weight_3d(double rho2, double depth) const;
        /// The weight of a planar section, whose fields are uniform in depth: the integral of
        /// weight_3d over the depth (up to a constant factor): sqrt(R^2 - rho^2) for the
        /// hemisphere, exp(-rho^2 / 2 s^2) erf(sqrt((9 R^2 - rho^2) / 2 s^2)) for the Gaussian.
        double weight_planar(double rho2) const;
        /// Axisymmetric models: the mean of weight_3d over the ring of radius r at depth d when
        /// p is at the distance r_indent from the axis (an exact fraction of the circle for the
        /// hemisphere; a 32-point Gauss-Legendre rule over the arc for the Gaussian).
        double weight_axisymmetric(double r, double r_indent, double depth) const;
        /// Depth of the kernel's centroid below the surface: 3 R / 8 for the hemisphere,
        /// s sqrt(2 / pi) for the Gaussian.
        double centroid_depth() const;
      };

      /// A sample point in the coordinates of the section: in-plane (u, v) (axisymmetric: u = r,
      /// v = 0) and the depth below the section surface (planar: 0).
      struct SectionPoint
      {
        double u = 0, v = 0, depth = 0;
      };

      /// Kernel sums of every indent over weighted sample points:
      ///   W_i = sum_q w_q K_i(x_q),   S_ik = sum_q w_q K_i(x_q) f_k(x_q),
      ///   n_i = number of points within the plastic-zone radius R,
      /// and the kernel averages S_ik / W_i. Sample points above the section (depth < 0) do not
      /// count. Indents are given by their in-plane position (u, v) in the section.
      class KernelAverages
      {
      public:
        KernelAverages(const Kernel &kernel, Section section,
                       const std::vector<std::array<double, 2>> &indents, unsigned int n_values);

        /// Set the sums to zero.
        void reset();

        /// Add one sample point with its integration weight (area in planar sections, volume in
        /// 3D, 2 pi r dA in axisymmetric models). `values(f)` fills f with the n_values values
        /// at the point; it is called only when the point lies in some indent's kernel.
        template <typename ValuesFunction>
        void add(const SectionPoint &point, double weight, ValuesFunction &&values);

        /// Sum the sums of all ranks (collective).
        void sum_over(MPI_Comm comm);

        std::size_t n_indents() const { return indent_positions.size(); }
        /// Sample points within the plastic-zone radius of indent i.
        double n_points(std::size_t i) const { return sums[i * stride + 1]; }
        /// W_i.
        double kernel_weight(std::size_t i) const { return sums[i * stride]; }
        /// S_ik / W_i (NaN when no point carries weight).
        double average(std::size_t i, unsigned int k) const;

        /// The indents whose kernel covers the point, with K_i(x) > 0 and whether the point
        /// lies within R (cleared first).
        void covering(const SectionPoint &point, std::vector<std::pair<std::size_t, double>> &hits,
                      std::vector<bool> &within_radius) const;

      private:
        long long bucket_key(double u, double v) const;

        Kernel                               kernel;
        Section                              section;
        std::vector<std::array<double, 2>>   indent_positions;
        std::vector<double>                  indent_radius; ///< sqrt(u^2 + v^2)
        unsigned int                         n_values;
        std::size_t                          stride;
        std::vector<double>                  sums; ///< per indent: W, n, S_0 ... S_{n-1}
        double                               bucket = 1;
        std::unordered_map<long long, std::vector<std::size_t>> buckets;
        std::array<double, 4>                bounds; ///< u_min, u_max, v_min, v_max (+ support)
        // Scratch of add().
        std::vector<std::pair<std::size_t, double>> hits;
        std::vector<bool>                           inside;
        std::vector<double>                         point_values;
      };

      template <typename ValuesFunction>
      void KernelAverages::add(const SectionPoint &point, const double weight, ValuesFunction &&values)
      {
        covering(point, hits, inside);
        if (hits.empty())
          return;
        point_values.assign(n_values, 0.0);
        values(point_values);
        for (std::size_t h = 0; h < hits.size(); ++h)
          {
            double *s  = &sums[hits[h].first * stride];
            const double wk = weight * hits[h].second;
            s[0] += wk;
            if (inside[h])
              s[1] += 1;
            for (unsigned int k = 0; k < n_values; ++k)
              s[2 + k] += wk * point_values[k];
          }
      }

      /// Bins of equal width over [min, max] of the values (the maximum falls in the last bin).
      struct Histogram
      {
        double                    lower = 0; ///< left edge of the first bin
        double                    width = 0; ///< 0 when all values are equal (one bin)
        std::vector<unsigned int> counts;

        double edge(std::size_t k) const { return lower + k * width; }
        std::size_t total() const;
      };

      /// `bins` >= 1 bins; an empty histogram for no values.
      Histogram make_histogram(const std::vector<double> &values, unsigned int bins);

      /// Sturges' rule: ceil(log2 n) + 1 bins (10 for an array of 17 x 17 indents).
      unsigned int sturges_bins(std::size_t n);

      /// Least-squares fit of a Gaussian to the counts of a histogram: the expected count of bin k
      /// is N (Phi((b_{k+1} - mu)/s) - Phi((b_k - mu)/s)) (the Gaussian integrated over the bin,
      /// so that the bin width does not widen the fit), N, mu, s minimising the sum of squared
      /// differences to the counts (Levenberg-Marquardt, started from the moments).
      struct GaussianFit
      {
        bool         converged = false;
        double       amplitude = std::numeric_limits<double>::quiet_NaN(); ///< N
        double       centre    = std::numeric_limits<double>::quiet_NaN(); ///< mu
        double       sigma     = std::numeric_limits<double>::quiet_NaN(); ///< s
        /// Standard error of s from the residuals: sqrt(SSR / (bins - 3) [(J^T J)^-1]_ss) (NaN
        /// with 3 bins or fewer).
        double       sigma_error = std::numeric_limits<double>::quiet_NaN();
        unsigned int iterations  = 0;

        double fwhm() const { return fwhm_per_std * sigma; }
        double fwhm_error() const { return fwhm_per_std * sigma_error; }
        /// The fitted count of bin k of `h`.
        double expected_count(const Histogram &h, std::size_t k) const;
      };

      /// Needs a histogram with width > 0 and at least 3 bins; otherwise not converged.
      GaussianFit fit_gaussian(const Histogram &histogram, double mean, double standard_deviation);

      /// The statistics of one array's indent values v_n (the valid indents only).
      struct ArrayStatistics
      {
        std::size_t n    = 0;
        double      mean = std::numeric_limits<double>::quiet_NaN();
        /// Population standard deviation sqrt(sum (v - mean)^2 / n).
        double      std = std::numeric_limits<double>::quiet_NaN();
        /// FWHM of the distribution of v / mean: 2 sqrt(2 ln 2) std / mean.
        double      fwhm = std::numeric_limits<double>::quiet_NaN();
        Histogram   histogram; ///< of v / mean
        GaussianFit fit;       ///< to `histogram`
        /// FWHM of the fitted Gaussian and its standard error (NaN when the fit failed; 0 when
        /// all values are equal).
        double fwhm_fit       = std::numeric_limits<double>::quiet_NaN();
        double fwhm_fit_error = std::numeric_limits<double>::quiet_NaN();
      };

      /// `bins` = 0: Sturges' rule. Fewer than 2 values: only n (and the mean of one value).
      ArrayStatistics array_statistics(const std::vector<double> &values, unsigned int bins = 0);

      /// A map of one array: values[j][i] (NaN: no value), i along x (left to right), j along y
      /// (bottom to top), each indent a square of `cell` pixels, coloured by viridis over
      /// [min, max] of the values, a colour bar with min, middle and max as `scale` * value,
      /// and title lines above (upper case is drawn).
      RgbImage map_image(const std::vector<std::vector<double>> &values,
                         const std::vector<std::string> &title, double scale, unsigned int cell = 16);
    } // namespace indentation
  }   // namespace postprocess
} // namespace bmgfe
