#include <bmgfe/base/input_error.h>
#include <bmgfe/materials/random_field.h>

#include <cmath>

namespace bmgfe
{
  namespace
  {
    // splitmix64: a tiny, portable generator, so that a seed gives the same field with every
    // compiler and standard library (std::normal_distribution is implementation-defined).
    class Generator
    {
    public:
      explicit Generator(std::uint64_t seed)
        : state(seed)
      {}
      std::uint64_t next()
      {
        std::uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
        z               = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
        z               = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
        return z ^ (z >> 31);
      }
      /// Uniform in (0, 1).
      double uniform() { return (static_cast<double>(next() >> 11) + 0.5) * 0x1.0p-53; }
      /// Standard normal (Box-Muller).
      double normal()
      {
        const double u1 = uniform(), u2 = uniform();
        return std::sqrt(-2 * std::log(u1)) * std::cos(2 * M_PI * u2);
      }

    private:
      std::uint64_t state;
    };
  } // namespace

  RandomField::RandomField(const Covariance covariance, const double correlation_length,
                           const unsigned int n_modes, const std::uint64_t seed)
    : type(covariance)
    , length(correlation_length)
  {
    require(correlation_length > 0, "random field", "the correlation length must be positive");
    require(n_modes > 0, "random field", "the number of modes must be positive");
    Generator rng(seed);
    frequency.resize(n_modes);
    phase.resize(n_modes);
    for (unsigned int m = 0; m < n_modes; ++m)
      {
        std::array<double, 3> z{{rng.normal(), rng.normal(), rng.normal()}};
        double                scale = 1.0 / length; // squared exponential: omega ~ N(0, I/l^2)
        if (type == Covariance::matern32)
          {
            // Matern nu = 3/2: spectral density ~ (2 nu / l^2 + |omega|^2)^-(nu + d/2), a
            // multivariate Student t with k = 2 nu = 3 degrees of freedom and scale 1/l:
            // omega = z / (l sqrt(chi2_k / k)).
            double chi2 = 0;
            for (int k = 0; k < 3; ++k)
              {
                const double n = rng.normal();
                chi2 += n * n;
              }
            scale = 1.0 / (length * std::sqrt(chi2 / 3.0));
          }
        for (auto &c : z)
          c *= scale;
        frequency[m] = z;
        phase[m]     = 2 * M_PI * rng.uniform();
      }
    amplitude = std::sqrt(2.0 / n_modes);
  }

  double RandomField::value(const std::array<double, 3> &x) const
  {
    double sum = 0;
    for (std::size_t m = 0; m < phase.size(); ++m)
      sum += std::cos(frequency[m][0] * x[0] + frequency[m][1] * x[1] + frequency[m][2] * x[2] +
                      phase[m]);
    return amplitude * sum;
  }

  double RandomField::covariance(const double r) const
  {
    if (type == Covariance::squared_exponential)
      return std::exp(-r * r / (2 * length * length));
    const double s = std::sqrt(3.0) * r / length;
    return (1 + s) * std::exp(-s);
  }

  RandomField::Covariance RandomField::parse_covariance(const std::string &name)
  {
    if (name == "squared exponential")
      return Covariance::squared_exponential;
    if (name == "Matern 3/2")
      return Covariance::matern32;
    throw InputError("unknown covariance '" + name + "' (squared exponential|Matern 3/2)");
  }

  std::string RandomField::to_string(const Covariance c)
  {
    return c == Covariance::squared_exponential ? "squared exponential" : "Matern 3/2";
  }
} // namespace bmgfe
