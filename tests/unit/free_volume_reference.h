#pragma once
// Independent high-accuracy reference for the 0-D free-volume law of doc/model.md §2,
// written from the equations (not from bmgfe's implementation):
//   dx/dt = -(x - (T - T0)/B) / tau(T, x),
//   tau   = tau0 exp(1/x) exp[(Q/k)(1/T - 1/(T0 + B x))],
// integrated by an adaptive Dormand-Prince 5(4) Runge-Kutta method with a tight absolute
// error bound on x, and (isothermal case) the exact separable solution as a quadrature.
#include <algorithm>
#include <cmath>
#include <functional>

namespace reference
{
  struct Law
  {
    double T0, B, Q_over_k, tau0;

    double x_eq(const double T) const { return (T - T0) / B; }
    double tau(const double T, const double x) const
    {
      return tau0 * std::exp(1 / x + Q_over_k * (1 / T - 1 / (T0 + B * x)));
    }
    double rate(const double T, const double x) const { return -(x - x_eq(T)) / tau(T, x); }
  };

  struct Statistics
  {
    unsigned long accepted = 0, rejected = 0;
  };

  /// Integrate dx/dt = law.rate(T(t), x) from t0 to t1 with |local error| <= atol (Dormand-
  /// Prince 5(4), local extrapolation).
  inline double integrate(const Law &law, const std::function<double(double)> &T, double x,
                          const double t0, const double t1, const double atol,
                          Statistics *stats = nullptr)
  {
    const auto f = [&](const double t, const double y) { return law.rate(T(t), y); };
    double t = t0;
    double h = std::min(1e-6, t1 - t0);
    while (t < t1)
      {
        h = std::min(h, t1 - t);
        const double k1 = f(t, x);
        const double k2 = f(t + h / 5, x + h * (k1 / 5));
        const double k3 = f(t + 3 * h / 10, x + h * (3 * k1 / 40 + 9 * k2 / 40));
        const double k4 = f(t + 4 * h / 5, x + h * (44 * k1 / 45 - 56 * k2 / 15 + 32 * k3 / 9));
        const double k5 =
          f(t + 8 * h / 9, x + h * (19372 * k1 / 6561 - 25360 * k2 / 2187 + 64448 * k3 / 6561 -
                                    212 * k4 / 729));
        const double k6 =
          f(t + h, x + h * (9017 * k1 / 3168 - 355 * k2 / 33 + 46732 * k3 / 5247 +
                            49 * k4 / 176 - 5103 * k5 / 18656));
        const double y5 = x + h * (35 * k1 / 384 + 500 * k3 / 1113 + 125 * k4 / 192 -
                                   2187 * k5 / 6784 + 11 * k6 / 84);
        const double k7 = f(t + h, y5);
        const double y4 = x + h * (5179 * k1 / 57600 + 7571 * k3 / 16695 + 393 * k4 / 640 -
                                   92097 * k5 / 339200 + 187 * k6 / 2100 + k7 / 40);
        const double err = std::abs(y5 - y4);
        if (err <= atol && std::isfinite(y5))
          {
            t += h;
            x = y5;
            if (stats)
              ++stats->accepted;
          }
        else if (stats)
          ++stats->rejected;
        const double factor =
          (err > 0 && std::isfinite(err)) ? 0.9 * std::pow(atol / err, 0.2) : 5.0;
        h *= std::clamp(factor, 0.2, 5.0);
      }
    return x;
  }

  /// Isothermal relaxation is separable: the time to go from x0 to x1 (both on the same side
  /// of x_eq) is int_{x1}^{x0} tau(T, x) / (x - x_eq) dx; composite 5-point Gauss-Legendre.
  inline double isothermal_time(const Law &law, const double T, const double x0,
                                const double x1, const unsigned int panels)
  {
    static const double nodes[5]   = {0.0, -0.5384693101056831, 0.5384693101056831,
                                      -0.9061798459386640, 0.9061798459386640};
    static const double weights[5] = {0.5688888888888889, 0.4786286704993665,
                                      0.4786286704993665, 0.2369268850561891,
                                      0.2369268850561891};
    const double xe = law.x_eq(T);
    double       sum = 0;
    const double w   = (x0 - x1) / panels;
    for (unsigned int p = 0; p < panels; ++p)
      {
        const double mid = x1 + (p + 0.5) * w;
        for (unsigned int i = 0; i < 5; ++i)
          {
            const double x = mid + 0.5 * w * nodes[i];
            sum += 0.5 * w * weights[i] * law.tau(T, x) / (x - xe);
          }
      }
    return sum;
  }
} // namespace reference
