#include <bmgfe/materials/relaxation_spectrum.h>

#include <algorithm>
#include <cmath>
#include <iomanip>
#include <numeric>
#include <sstream>
#include <stdexcept>

namespace bmgfe
{
  double RelaxationSpectrum::relaxation_function(const double xi) const
  {
    double sum = 0;
    for (unsigned int i = 0; i < size(); ++i)
      sum += weights[i] * std::exp(-xi / times[i]);
    return sum;
  }

  double RelaxationSpectrum::shortest_time() const
  {
    return *std::min_element(times.begin(), times.end());
  }

  double kww_function(const double xi, const double beta)
  {
    return std::exp(-std::pow(xi, beta));
  }

  namespace
  {
    /// Least squares min |A_P s - b| over the columns `cols` of the row-major m x n matrix A,
    /// by Householder QR (the columns of a Prony fit are far from orthogonal, so no normal
    /// equations).
    std::vector<double> least_squares(const std::vector<double> &A, const unsigned int m,
                                      const unsigned int n, const std::vector<unsigned int> &cols,
                                      const std::vector<double> &b)
    {
      const unsigned int  p = cols.size();
      std::vector<double> Q(m * p); // column-major copy, overwritten by R and the reflectors
      for (unsigned int k = 0; k < p; ++k)
        for (unsigned int r = 0; r < m; ++r)
          Q[k * m + r] = A[r * n + cols[k]];
      std::vector<double> y = b;
      for (unsigned int k = 0; k < p; ++k)
        {
          double *v    = &Q[k * m];
          double  norm = 0;
          for (unsigned int r = k; r < m; ++r)
            norm += v[r] * v[r];
          norm = std::sqrt(norm);
          if (norm == 0)
            continue;
          const double alpha = v[k] > 0 ? -norm : norm;
          v[k] -= alpha; // v = x - alpha e_k, R_kk = alpha
          double vv = 0;
          for (unsigned int r = k; r < m; ++r)
            vv += v[r] * v[r];
          const auto reflect = [&](double *x) {
            double d = 0;
            for (unsigned int r = k; r < m; ++r)
              d += v[r] * x[r];
            d = 2 * d / vv;
            for (unsigned int r = k; r < m; ++r)
              x[r] -= d * v[r];
          };
          for (unsigned int j = k + 1; j < p; ++j)
            reflect(&Q[j * m]);
          reflect(y.data());
          // Keep R_kk on the diagonal; the reflector's entries below it are no longer needed.
          v[k] = alpha;
        }
      std::vector<double> s(p, 0.0);
      for (unsigned int k = p; k-- > 0;)
        {
          double sum = y[k];
          for (unsigned int j = k + 1; j < p; ++j)
            sum -= Q[j * m + k] * s[j];
          s[k] = Q[k * m + k] != 0 ? sum / Q[k * m + k] : 0.0;
        }
      return s;
    }
  } // namespace

  std::vector<double> nonnegative_least_squares(const std::vector<double> &A, const unsigned int m,
                                                const unsigned int n, const std::vector<double> &b)
  {
    if (A.size() != std::size_t(m) * n || b.size() != m)
      throw std::invalid_argument("nonnegative_least_squares: sizes do not match");
    std::vector<double> w(n, 0.0);
    std::vector<bool>   passive(n, false);
    const auto gradient = [&] { // A^T (b - A w)
      std::vector<double> r = b, g(n, 0.0);
      for (unsigned int i = 0; i < m; ++i)
        for (unsigned int j = 0; j < n; ++j)
          r[i] -= A[i * n + j] * w[j];
      for (unsigned int i = 0; i < m; ++i)
        for (unsigned int j = 0; j < n; ++j)
          g[j] += A[i * n + j] * r[i];
      return g;
    };
    double scale = 0;
    for (const double a : A)
      scale = std::max(scale, std::abs(a));
    double b_norm = 0;
    for (const double v : b)
      b_norm = std::max(b_norm, std::abs(v));
    const double tolerance = 1e-13 * m * scale * std::max(b_norm, 1e-300);

    for (unsigned int outer = 0; outer < 3 * n + 10; ++outer)
      {
        const std::vector<double> g = gradient();
        int                       t = -1;
        for (unsigned int j = 0; j < n; ++j)
          if (!passive[j] && g[j] > tolerance && (t < 0 || g[j] > g[t]))
            t = j;
        if (t < 0)
          break;
        passive[t] = true;
        for (unsigned int inner = 0; inner < 3 * n + 10; ++inner)
          {
            std::vector<unsigned int> cols;
            for (unsigned int j = 0; j < n; ++j)
              if (passive[j])
                cols.push_back(j);
            const std::vector<double> s_p = least_squares(A, m, n, cols, b);
            std::vector<double>       s(n, 0.0);
            bool                      feasible = true;
            for (unsigned int k = 0; k < cols.size(); ++k)
              {
                s[cols[k]] = s_p[k];
                feasible   = feasible && s_p[k] > 0;
              }
            if (feasible)
              {
                w = s;
                break;
              }
            double alpha = 1;
            for (const unsigned int j : cols)
              if (s[j] <= 0)
                alpha = std::min(alpha, w[j] / (w[j] - s[j]));
            for (unsigned int j = 0; j < n; ++j)
              w[j] += alpha * (s[j] - w[j]);
            for (const unsigned int j : cols)
              if (w[j] <= 1e-300 || (s[j] <= 0 && w[j] <= 1e-15))
                {
                  passive[j] = false;
                  w[j]       = 0;
                }
          }
      }
    return w;
  }

  RelaxationSpectrum fit_kww(const double beta, const unsigned int n, const double decade_min,
                             const double decade_max)
  {
    if (!(beta > 0 && beta <= 1) || n == 0 || !(decade_max > decade_min) ||
        !std::isfinite(decade_min) || !std::isfinite(decade_max))
      throw std::invalid_argument("fit_kww: need 0 < beta <= 1, n > 0 and a non-empty range");
    RelaxationSpectrum s;
    if (n == 1)
      return s; // the single relaxation time, exactly
    s.times.resize(n);
    for (unsigned int i = 0; i < n; ++i)
      s.times[i] = std::pow(10.0, decade_min + (decade_max - decade_min) * i / (n - 1));

    // Grid: 20 points per decade over [10^(d_lo - 1), 10^(d_hi + 1)], and xi = 0 (weight 100).
    const double        lo = decade_min - 1, hi = decade_max + 1;
    const unsigned int  per_decade = 20;
    const unsigned int  m = static_cast<unsigned int>(std::ceil((hi - lo) * per_decade)) + 1;
    const double        zero_weight = 100;
    std::vector<double> A((m + 1) * n), b(m + 1);
    for (unsigned int k = 0; k < m; ++k)
      {
        const double xi = std::pow(10.0, lo + (hi - lo) * k / (m - 1));
        for (unsigned int i = 0; i < n; ++i)
          A[k * n + i] = std::exp(-xi / s.times[i]);
        b[k] = kww_function(xi, beta);
      }
    for (unsigned int i = 0; i < n; ++i)
      A[m * n + i] = zero_weight;
    b[m] = zero_weight;
    s.weights = nonnegative_least_squares(A, m + 1, n, b);
    const double sum = std::accumulate(s.weights.begin(), s.weights.end(), 0.0);
    for (double &w : s.weights)
      w /= sum;
    return s;
  }

  double kww_fit_error(const RelaxationSpectrum &s, const double beta, const double xi_min,
                       const double xi_max)
  {
    const double       lo = std::log10(xi_min), hi = std::log10(xi_max);
    const unsigned int m  = std::max(2u, static_cast<unsigned int>(std::ceil((hi - lo) * 200)) + 1);
    double             error = 0;
    for (unsigned int k = 0; k < m; ++k)
      {
        const double xi = std::pow(10.0, lo + (hi - lo) * k / (m - 1));
        error = std::max(error, std::abs(s.relaxation_function(xi) - kww_function(xi, beta)));
      }
    return error;
  }

  std::string spectrum_table(const RelaxationSpectrum &s)
  {
    std::ostringstream out;
    out << std::setprecision(4);
    for (unsigned int i = 0; i < s.size(); ++i)
      out << (i ? "; " : "") << "w=" << s.weights[i] << " a=" << s.times[i];
    return out.str();
  }
} // namespace bmgfe
