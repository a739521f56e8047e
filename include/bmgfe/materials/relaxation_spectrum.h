#pragma once
// Relaxation spectrum of the glass (doc/model.md "Relaxation spectrum"): a Prony series
//
//   phi(xi) = sum_i w_i exp(-xi / a_i),   w_i >= 0,  sum_i w_i = 1,
//
// fitted to the Kohlrausch-Williams-Watts (stretched-exponential) relaxation function
//
//   phi_KWW(xi) = exp(-xi^beta),   0 < beta <= 1,
//
// where xi = int dt/tau is the reduced time in units of the KWW time tau (the relaxation time
// of free_volume.h). The a_i are fixed and log-spaced, a_i = 10^(d_lo + (d_hi - d_lo) i/(N-1)),
// i = 0..N-1, [d_lo, d_hi] = the 'Prony time range' in decades; the weights come from a
// non-negative least-squares fit (Lawson-Hanson) of phi to phi_KWW at M = 20 points per decade
// of xi, log-spaced over [10^(d_lo - 1), 10^(d_hi + 1)], plus the row xi = 0 (phi(0) = 1)
// weighted by 100; the weights are then normalised to sum exactly 1.
//
// N = 1 is the single relaxation time: a_1 = 1, w_1 = 1 (exactly; no fit, whatever beta).
// Mesh-free, no deal.II types.
#include <string>
#include <vector>

namespace bmgfe
{
  struct RelaxationSpectrum
  {
    std::vector<double> weights = {1.0}; ///< w_i >= 0, sum 1
    std::vector<double> times   = {1.0}; ///< a_i: relaxation times in units of the KWW time

    unsigned int size() const { return weights.size(); }
    bool         single() const { return weights.size() == 1; }
    /// sum_i w_i exp(-xi / a_i).
    double relaxation_function(double xi) const;
    /// Shortest a_i.
    double shortest_time() const;
  };

  /// exp(-xi^beta).
  double kww_function(double xi, double beta);

  /// The Prony fit of exp(-xi^beta) with n terms on [10^decade_min, 10^decade_max] (see the top
  /// of this file). n = 1 gives the single time {1}, {1}. Throws std::invalid_argument for
  /// beta outside (0, 1], n = 0 or an empty range.
  RelaxationSpectrum fit_kww(double beta, unsigned int n, double decade_min, double decade_max);

  /// max over xi in [xi_min, xi_max] (200 log-spaced points per decade) of
  /// |sum w_i exp(-xi/a_i) - exp(-xi^beta)|.
  double kww_fit_error(const RelaxationSpectrum &s, double beta, double xi_min, double xi_max);

  /// Non-negative least squares: min |A w - b|_2 subject to w >= 0 (Lawson and Hanson 1974,
  /// ch. 23). A is m x n, row-major. Exposed for tests.
  std::vector<double> nonnegative_least_squares(const std::vector<double> &A, unsigned int m,
                                                unsigned int n, const std::vector<double> &b);

  /// One line per term: "w_i a_i" (for the start-up report and the documentation).
  std::string spectrum_table(const RelaxationSpectrum &s);
} // namespace bmgfe
