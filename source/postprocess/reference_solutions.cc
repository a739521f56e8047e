#include <bmgfe/base/input_error.h>
#include <bmgfe/postprocess/reference_solutions.h>

#include <cmath>

namespace bmgfe
{
  CylinderRobinCooling::CylinderRobinCooling(const double biot, const unsigned int n_terms)
    : Bi(biot)
  {
    require(biot > 0, "cylinder reference solution", "the Biot number must be positive");
    const auto f = [&](double z) { return z * std::cyl_bessel_j(1, z) - Bi * std::cyl_bessel_j(0, z); };
    // One root lies in each interval (j_{1,n-1}, j_{0,n}]; scanning in small steps and
    // bisecting each sign change finds them in order.
    const double step = 1e-2;
    double       a = 1e-12, fa = f(a);
    while (zeta.size() < n_terms)
      {
        const double b = a + step, fb = f(b);
        if (fa == 0 || fa * fb < 0)
          {
            double lo = a, hi = b, flo = fa;
            // Bisect to the last representable bit.
            for (int it = 0; it < 200; ++it)
              {
                const double mid = 0.5 * (lo + hi);
                if (mid <= lo || mid >= hi)
                  break;
                const double fm = f(mid);
                if ((fm < 0) == (flo < 0))
                  lo = mid, flo = fm;
                else
                  hi = mid;
              }
            const double z  = 0.5 * (lo + hi);
            const double j0 = std::cyl_bessel_j(0, z), j1 = std::cyl_bessel_j(1, z);
            zeta.push_back(z);
            coefficient.push_back(2.0 / z * j1 / (j0 * j0 + j1 * j1));
          }
        a  = b;
        fa = fb;
      }
  }

  double CylinderRobinCooling::theta(const double rho, const double fourier) const
  {
    double sum = 0;
    for (std::size_t n = 0; n < zeta.size(); ++n)
      {
        const double decay = zeta[n] * zeta[n] * fourier;
        if (decay > 40) // exp(-40) = 4e-18: the remaining terms are below round-off
          break;
        sum += coefficient[n] * std::cyl_bessel_j(0, zeta[n] * rho) * std::exp(-decay);
      }
    return sum;
  }
} // namespace bmgfe
