#include <bmgfe/base/input_error.h>
#include <bmgfe/materials/mohr_coulomb.h>
#include <bmgfe/materials/mohr_coulomb_strength.h>

#include <deal.II/base/tensor.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

namespace bmgfe
{
  using dealii::SymmetricTensor;
  using dealii::Tensor;

  double MohrCoulombFlow::sin_dilatancy(const double x) const
  {
    return dilatancy_factor * std::max(0.0, 1 - x / steady_state_free_volume);
  }

  void MohrCoulombFlow::check() const
  {
    // sin(psi) < 1 keeps 1 - sin(psi) > 0, which the right-edge multipliers divide by.
    require(dilatancy_factor >= 0 && dilatancy_factor < 1, "Mohr-Coulomb flow",
            "the dilatancy factor beta0 must lie in [0, 1) (got " + value_text(dilatancy_factor) + ")");
    require(steady_state_free_volume > 0, "Mohr-Coulomb flow",
            "the steady-state free volume x_ss must be positive (got " +
              value_text(steady_state_free_volume) + ")");
    require(zeta > 0, "Mohr-Coulomb flow", "zeta must be positive (got " + value_text(zeta) + ")");
  }

  namespace mohr_coulomb
  {
    double yield_function(const double s1, const double s3, const double cohesion,
                          const double friction_angle)
    {
      return (s1 - s3) + (s1 + s3) * std::sin(friction_angle) -
             2 * cohesion * std::cos(friction_angle);
    }

    double yield_function(const SymmetricTensor<2, 3> &stress, const double cohesion,
                          const double friction_angle)
    {
      const auto e = dealii::eigenvectors(stress, dealii::SymmetricTensorEigenvectorMethod::jacobi);
      return yield_function(e[0].first, e[2].first, cohesion, friction_angle);
    }

    SymmetricTensor<2, 3> elastic_stress(const SymmetricTensor<2, 3> &strain,
                                         const double bulk_modulus, const double shear_modulus)
    {
      return bulk_modulus * dealii::trace(strain) * dealii::unit_symmetric_tensor<3>() +
             2 * shear_modulus * dealii::deviator(strain);
    }

    SymmetricTensor<4, 3> elastic_tangent(const double bulk_modulus, const double shear_modulus)
    {
      // 1 (x) 1 and the deviatoric projector once (deal.II's symmetric outer product and
      // deviator_tensor() cost as much as the rest of an elastic point's return map).
      static const SymmetricTensor<4, 3> one_one =
        dealii::outer_product(dealii::unit_symmetric_tensor<3>(), dealii::unit_symmetric_tensor<3>());
      static const SymmetricTensor<4, 3> deviator = dealii::deviator_tensor<3>();
      return bulk_modulus * one_one + 2 * shear_modulus * deviator;
    }

    const char *region_name(const MohrCoulombRegion region)
    {
      switch (region)
        {
          case MohrCoulombRegion::elastic:
            return "elastic";
          case MohrCoulombRegion::main_plane:
            return "main plane";
          case MohrCoulombRegion::right_edge:
            return "right edge";
          case MohrCoulombRegion::left_edge:
            return "left edge";
          case MohrCoulombRegion::apex:
            return "apex";
        }
      return "unknown";
    }

    namespace
    {
      using Vector3 = std::array<double, 3>;
      using Matrix3 = std::array<std::array<double, 3>, 3>;

      /// Everything the return needs besides the trial stress: moduli, free volumes and laws.
      struct Point
      {
        double                     K, G, lame; // lame = K - 2G/3
        double                     x_n, xbar_n;
        const MohrCoulombStrength &strength;
        const MohrCoulombFlow     &flow;
        const MohrCoulombControl  &control;
      };

      /// Volumetric plastic strain v = tr(d eps_p) = zeta dx as a function of the multiplier
      /// sum Gamma, with the dilatancy at the end of the step (backward Euler):
      ///   dx = 2 sin(psi(x_n + dx)) Gamma / zeta,  sin(psi) = beta0 (1 - x/x_ss)
      /// is linear in dx; with d = x_ss - x_n and k = 2 beta0 Gamma/(zeta x_ss) its solution
      /// is dx = d k/(1 + k), so x_n+1 = x_ss - d/(1 + k) approaches x_ss but never passes it.
      /// A point at or beyond x_ss does not dilate (sin(psi) = 0 for every x >= x_ss).
      double volumetric_plastic_strain(const Point &p, const double Gamma, double &dv_dGamma)
      {
        const double beta0 = p.flow.dilatancy_factor, x_ss = p.flow.steady_state_free_volume;
        const double d     = x_ss - p.x_n;
        if (!(beta0 > 0) || !(d > 0))
          {
            dv_dGamma = 0;
            return 0;
          }
        const double k = 2 * beta0 * Gamma / (p.flow.zeta * x_ss);
        dv_dGamma      = 2 * beta0 * d / (x_ss * (1 + k) * (1 + k));
        return p.flow.zeta * d * k / (1 + k);
      }

      /// Strength at the end of the step, c(xbar_n + w v/zeta) and phi(xbar_n + w v/zeta)
      /// (w: MohrCoulombControl::strength_increment_weight), and its derivatives with respect
      /// to v. The derivatives follow the closed forms of
      /// mohr_coulomb_strength.h: dc/dx = -s_c c/x_ref, dmu/dx = -s_mu/x_ref while mu > 0.
      struct EndStrength
      {
        double c, dc_dv, mu, dmu_dv, sin_phi, cos_phi, dsin_dv, dcos_dv;
      };

      EndStrength end_strength(const Point &p, const double v)
      {
        const MohrCoulombStrength &s    = p.strength;
        const double               w    = p.control.strength_increment_weight;
        const double               xbar = p.xbar_n + w * v / p.flow.zeta;
        EndStrength                e;
        e.c      = s.cohesion(xbar);
        e.dc_dv  = -w * s.cohesion_softening / s.reference_free_volume * e.c / p.flow.zeta;
        e.mu     = s.friction_coefficient(xbar);
        e.dmu_dv =
          e.mu > 0 ? -w * s.friction_softening / s.reference_free_volume / p.flow.zeta : 0;
        // phi = atan(mu): sin = mu/sqrt(1 + mu^2), cos = 1/sqrt(1 + mu^2).
        e.cos_phi = 1 / std::sqrt(1 + e.mu * e.mu);
        e.sin_phi = e.mu * e.cos_phi;
        e.dsin_dv = e.cos_phi * e.cos_phi * e.cos_phi * e.dmu_dv;
        e.dcos_dv = -e.sin_phi * e.cos_phi * e.cos_phi * e.dmu_dv;
        return e;
      }

      struct Residual
      {
        double r = 0, dr = 0, scale = 0;
      };

      /// Root of a scalar residual on [0, upper] with r(0) > 0: bracket by doubling from the
      /// first guess, then Newton's method safeguarded by bisection. After |r| <= tolerance *
      /// scale one more Newton correction is applied (quadratic convergence puts the root at
      /// round-off, which the finite-difference check of the tangent needs). Returns false
      /// when r stays positive up to `upper` or the iteration budget is spent.
      template <typename ResidualFunction>
      bool find_root(const ResidualFunction &residual, const double first_guess,
                     const double upper, const MohrCoulombControl &control, double &root,
                     unsigned int &iterations)
      {
        const unsigned int budget = iterations + control.max_iterations;
        double             lo = 0, hi = std::min(first_guess, upper);
        Residual           at = residual(hi);
        ++iterations;
        while (at.r > 0)
          {
            if (hi >= upper || iterations >= budget)
              return false;
            lo = hi;
            hi = std::min(2 * hi, upper);
            at = residual(hi);
            ++iterations;
          }
        double x = hi;
        while (true)
          {
            if (std::abs(at.r) <= control.tolerance * at.scale)
              {
                const double corrected = x - at.r / at.dr;
                if (std::isfinite(corrected) && corrected >= lo && corrected <= hi)
                  x = corrected;
                root = x;
                return true;
              }
            if (at.r > 0)
              lo = x;
            else
              hi = x;
            // The root is enclosed to a few units in the last place: r cannot get smaller
            // than its own round-off there.
            if (hi - lo <= 4 * std::numeric_limits<double>::epsilon() * hi)
              {
                root = x;
                return true;
              }
            double next = x - at.r / at.dr;
            if (!std::isfinite(next) || !(next > lo && next < hi))
              next = 0.5 * (lo + hi);
            if (iterations >= budget)
              return false;
            x  = next;
            at = residual(x);
            ++iterations;
          }
      }

      /// The returned principal stresses of the main plane and the edges are
      ///   sigma_i = sum_k a_ik sigma_tr,k + b_i(Gamma),
      /// with b_i = -lame v - w_hi G (Gamma + v/2) for the stresses that move down (role
      /// "hi": s1 of the plane and the right edge, s1 = s2 of the left edge), b_i = -lame v
      /// + w_lo G (Gamma - v/2) for the ones that move up ("lo") and b_i = -lame v for the
      /// middle stress of the main plane; w = 2 for a single principal stress, w = 1 for the
      /// mean of the collapsed pair of an edge. v = v(Gamma) carries the dilatancy. The yield
      /// condition of the main plane on (sigma_0, sigma_2) is then one equation in Gamma.
      enum class Role
      {
        hi,
        mid,
        lo
      };

      struct Form
      {
        MohrCoulombRegion   region;
        Matrix3             a;
        std::array<Role, 3> role;
        double              w_hi, w_lo;
      };

      Form plane_form()
      {
        return {MohrCoulombRegion::main_plane,
                {{{{1, 0, 0}}, {{0, 1, 0}}, {{0, 0, 1}}}},
                {{Role::hi, Role::mid, Role::lo}},
                2,
                2};
      }

      // Right edge, s2 = s3: d eps_p = dg_a (1 + s, 0, -(1 - s)) + dg_b (1 + s, -(1 - s), 0);
      // s2 = s3 fixes dg_a - dg_b, and s2 = s3 = their trial mean + the common correction.
      Form right_edge_form()
      {
        return {MohrCoulombRegion::right_edge,
                {{{{1, 0, 0}}, {{0, 0.5, 0.5}}, {{0, 0.5, 0.5}}}},
                {{Role::hi, Role::lo, Role::lo}},
                2,
                1};
      }

      // Left edge, s1 = s2: d eps_p = dg_a (1 + s, 0, -(1 - s)) + dg_b (0, 1 + s, -(1 - s)).
      Form left_edge_form()
      {
        return {MohrCoulombRegion::left_edge,
                {{{{0.5, 0.5, 0}}, {{0.5, 0.5, 0}}, {{0, 0, 1}}}},
                {{Role::hi, Role::hi, Role::lo}},
                1,
                2};
      }

      /// Outcome of one region: stresses, multipliers, derivatives for the tangent.
      struct Attempt
      {
        bool                  valid = false;
        double                Gamma = 0, v = 0;
        Vector3               sigma{};
        std::array<double, 2> multipliers{{0, 0}};
        Matrix3               dsigma_dtrial{}; ///< d sigma_i / d sigma_tr,k
        Vector3               dv_dtrial{};     ///< d v / d sigma_tr,k
        /// sigma_i - sigma_j (i < j), formed from the trial gaps and the corrections so
        /// that it keeps its relative accuracy when the trial eigenvalues nearly coincide
        /// (exactly zero for the collapsed pair of an edge and at the apex).
        Matrix3               gap{};
        EndStrength           end{};
      };

      double correction(const Point &p, const Form &form, const unsigned int i,
                        const double Gamma, const double v)
      {
        switch (form.role[i])
          {
            case Role::hi:
              return -p.lame * v - form.w_hi * p.G * (Gamma + v / 2);
            case Role::lo:
              return -p.lame * v + form.w_lo * p.G * (Gamma - v / 2);
            case Role::mid:
              break;
          }
        return -p.lame * v;
      }

      double correction_derivative(const Point &p, const Form &form, const unsigned int i,
                                   const double dv)
      {
        switch (form.role[i])
          {
            case Role::hi:
              return -p.lame * dv - form.w_hi * p.G * (1 + dv / 2);
            case Role::lo:
              return -p.lame * dv + form.w_lo * p.G * (1 - dv / 2);
            case Role::mid:
              break;
          }
        return -p.lame * dv;
      }

      Attempt return_to(const Point &p, const Form &form, const Vector3 &trial,
                        unsigned int &iterations)
      {
        Vector3 linear{}; // sum_k a_ik sigma_tr,k
        for (unsigned int i = 0; i < 3; ++i)
          for (unsigned int k = 0; k < 3; ++k)
            linear[i] += form.a[i][k] * trial[k];

        // r(Gamma) = (s_0 - s_2) + (s_0 + s_2) sin(phi) - 2 c cos(phi), everything at the
        // end of the step.
        const auto residual = [&](const double Gamma) {
          double            dv  = 0;
          const double      v   = volumetric_plastic_strain(p, Gamma, dv);
          const EndStrength e   = end_strength(p, v);
          const double      s0  = linear[0] + correction(p, form, 0, Gamma, v);
          const double      s2  = linear[2] + correction(p, form, 2, Gamma, v);
          const double      ds0 = correction_derivative(p, form, 0, dv);
          const double      ds2 = correction_derivative(p, form, 2, dv);
          Residual          res;
          res.r  = (s0 - s2) + (s0 + s2) * e.sin_phi - 2 * e.c * e.cos_phi;
          res.dr = (ds0 - ds2) + (ds0 + ds2) * e.sin_phi +
                   ((s0 + s2) * e.dsin_dv - 2 * (e.dc_dv * e.cos_phi + e.c * e.dcos_dv)) * dv;
          res.scale = std::abs(s0) + std::abs(s2) + 2 * e.c * e.cos_phi;
          return res;
        };

        Attempt        result;
        const Residual at_zero = residual(0);
        ++iterations;
        // Gamma >= 0 needs r(0) > 0 (r decreases with Gamma while the softening is weaker than
        // the elastic stiffness); the main plane always has r(0) = f_trial > 0 here.
        if (!(at_zero.r > 0))
          return result;
        // First guess: Newton from Gamma = 0, or the perfectly plastic estimate when the
        // softening outweighs the stiffness at Gamma = 0 (r' >= 0).
        const double elastic_slope = (form.w_hi + form.w_lo) * p.G;
        double       guess = at_zero.dr < 0 ? -at_zero.r / at_zero.dr : 0;
        if (!(guess > 0) || !std::isfinite(guess))
          guess = at_zero.r / elastic_slope;
        double Gamma = 0;
        if (!find_root(residual, guess, std::numeric_limits<double>::infinity(), p.control,
                       Gamma, iterations))
          return result;

        double       dv = 0;
        const double v  = volumetric_plastic_strain(p, Gamma, dv);
        result.Gamma    = Gamma;
        result.v        = v;
        result.end      = end_strength(p, v);
        Vector3 b{};
        for (unsigned int i = 0; i < 3; ++i)
          {
            b[i]            = correction(p, form, i, Gamma, v);
            result.sigma[i] = linear[i] + b[i];
          }
        // The collapsed pair of an edge is equal by construction, not just to round-off.
        if (form.region == MohrCoulombRegion::right_edge)
          result.sigma[2] = result.sigma[1];
        if (form.region == MohrCoulombRegion::left_edge)
          result.sigma[1] = result.sigma[0];
        for (unsigned int i = 0; i < 3; ++i)
          for (unsigned int j = i + 1; j < 3; ++j)
            {
              double trial_part = 0;
              for (unsigned int k = 0; k < 3; ++k)
                trial_part += (form.a[i][k] - form.a[j][k]) * trial[k];
              result.gap[i][j] = trial_part + (b[i] - b[j]);
            }

        // Multipliers: an edge fixes dg_a - dg_b = D through its equal pair.
        const double s = p.flow.sin_dilatancy(p.x_n + v / p.flow.zeta);
        double       D = 0;
        if (form.region == MohrCoulombRegion::right_edge)
          D = (trial[1] - trial[2]) / (2 * p.G * (1 - s));
        if (form.region == MohrCoulombRegion::left_edge)
          D = (trial[0] - trial[1]) / (2 * p.G * (1 + s));
        result.multipliers = form.region == MohrCoulombRegion::main_plane ?
                               std::array<double, 2>{{Gamma, 0}} :
                               std::array<double, 2>{{(Gamma + D) / 2, (Gamma - D) / 2}};

        // Kuhn-Tucker: multipliers >= 0 and the ordering s1 >= s2 >= s3 of the result (then
        // the main plane is the largest of the six yield planes and the others are <= 0).
        const double slack = p.control.region_tolerance *
                             (std::abs(result.sigma[0]) + std::abs(result.sigma[2]) +
                              2 * result.end.c * result.end.cos_phi);
        result.valid = result.multipliers[1] >= -p.control.region_tolerance * Gamma &&
                       result.sigma[0] - result.sigma[1] >= -slack &&
                       result.sigma[1] - result.sigma[2] >= -slack;

        // Linearisation: dGamma/dsigma_tr,k from r(Gamma; sigma_tr) = 0 with
        // dr/ds_0 = 1 + sin(phi), dr/ds_2 = -(1 - sin(phi)).
        const Residual at_root = residual(Gamma);
        for (unsigned int k = 0; k < 3; ++k)
          {
            const double dGamma = -((1 + result.end.sin_phi) * form.a[0][k] -
                                    (1 - result.end.sin_phi) * form.a[2][k]) /
                                  at_root.dr;
            result.dv_dtrial[k] = dv * dGamma;
            for (unsigned int i = 0; i < 3; ++i)
              result.dsigma_dtrial[i][k] =
                form.a[i][k] + correction_derivative(p, form, i, dv) * dGamma;
          }
        return result;
      }

      /// Apex: sigma = (p_tr - K v) 1 = c cot(phi) 1 = (c/mu) 1 at the end of the step. The
      /// volumetric plastic strain v is bounded by the dilatancy: v < zeta (x_ss - x_n) (at
      /// x_ss sin(psi) = 0 and the multipliers 2 sin(psi) Gamma = v would be infinite).
      Attempt return_to_apex(const Point &p, const Vector3 &trial, unsigned int &iterations)
      {
        Attempt      result;
        const double p_trial = (trial[0] + trial[1] + trial[2]) / 3;
        const double d       = p.flow.steady_state_free_volume - p.x_n;
        if (!(p.flow.dilatancy_factor > 0) || !(d > 0))
          return result;
        const double capacity = p.flow.zeta * d;

        const auto residual = [&](const double v) {
          const EndStrength e = end_strength(p, v);
          Residual          res;
          if (!(e.mu > 0)) // Tresca (mu = 0) has no apex: c cot(phi) is infinite
            {
              res.r  = -std::numeric_limits<double>::infinity();
              res.dr = std::numeric_limits<double>::quiet_NaN();
              return res;
            }
          res.r     = p_trial - p.K * v - e.c / e.mu;
          res.dr    = -p.K - (e.dc_dv * e.mu - e.c * e.dmu_dv) / (e.mu * e.mu);
          res.scale = std::abs(p_trial) + e.c / e.mu;
          return res;
        };
        const Residual at_zero = residual(0);
        ++iterations;
        if (!(at_zero.r > 0))
          return result;
        double guess = at_zero.dr < 0 ? -at_zero.r / at_zero.dr : 0;
        if (!(guess > 0) || !std::isfinite(guess))
          guess = at_zero.r / p.K;
        double       v     = 0;
        if (!find_root(residual, guess, capacity, p.control, v, iterations) || !(v < capacity))
          return result;

        const double s     = p.flow.sin_dilatancy(p.x_n + v / p.flow.zeta);
        const double Gamma = v / (2 * s);
        result.Gamma       = Gamma;
        result.v           = v;
        result.end         = end_strength(p, v);
        result.sigma.fill(p_trial - p.K * v); // result.gap stays zero: all three are equal
        result.multipliers = {{Gamma, 0}};

        // Kuhn-Tucker at the apex: d eps_p must be a non-negative combination of the six
        // flow vectors (permutations of (1 + s, 0, -(1 - s))), i.e. (majorisation) its
        // largest principal value <= (1 + s) Gamma and its smallest >= -(1 - s) Gamma.
        const double tol = p.control.region_tolerance * Gamma;
        const double d0  = (trial[0] - p_trial) / (2 * p.G) + v / 3;
        const double d2  = (trial[2] - p_trial) / (2 * p.G) + v / 3;
        result.valid     = s > 0 && d0 <= (1 + s) * Gamma + tol && d2 >= -(1 - s) * Gamma - tol;

        const Residual at_root  = residual(v);
        const double   dv_dp    = -1 / at_root.dr; // dr/dp_trial = 1
        for (unsigned int k = 0; k < 3; ++k)
          {
            result.dv_dtrial[k] = dv_dp / 3;
            for (unsigned int i = 0; i < 3; ++i)
              result.dsigma_dtrial[i][k] = (1 - p.K * dv_dp) / 3;
          }
        return result;
      }
    } // namespace

    MohrCoulombReturn return_map(const SymmetricTensor<2, 3> &trial_stress,
                                 const double bulk_modulus, const double shear_modulus,
                                 const double free_volume, const double strength_free_volume,
                                 const MohrCoulombStrength &strength,
                                 const MohrCoulombFlow     &flow,
                                 const MohrCoulombControl  &control)
    {
      // The strength free volume may be zero or negative: an over-nonlocal x-hat is a
      // softening variable, not a free volume.
      if (!(bulk_modulus > 0) || !(shear_modulus > 0) || !(free_volume > 0) ||
          !std::isfinite(bulk_modulus) ||
          !std::isfinite(shear_modulus) || !std::isfinite(free_volume) ||
          !std::isfinite(strength_free_volume))
        throw std::invalid_argument(
          "mohr_coulomb::return_map: need K, G and x positive and finite, xbar finite (K = " +
          value_text(bulk_modulus) + ", G = " + value_text(shear_modulus) +
          ", x = " + value_text(free_volume) + ", xbar = " + value_text(strength_free_volume) + ")");

      const Point p{bulk_modulus, shear_modulus, bulk_modulus - 2 * shear_modulus / 3,
                    free_volume,  strength_free_volume, strength, flow, control};

      MohrCoulombReturn result;
      result.stress               = trial_stress;
      result.tangent              = elastic_tangent(bulk_modulus, shear_modulus);
      result.free_volume          = free_volume;
      result.strength_free_volume = strength_free_volume;
      result.cohesion             = strength.cohesion(strength_free_volume);
      result.friction_angle       = strength.friction_angle(strength_free_volume);
      result.sin_dilatancy        = flow.sin_dilatancy(free_volume);

      for (unsigned int i = 0; i < 3; ++i)
        for (unsigned int j = i; j < 3; ++j)
          if (!std::isfinite(trial_stress[i][j]))
            {
              result.stress    = SymmetricTensor<2, 3>();
              result.converged = false;
              return result;
            }

      const EndStrength start = end_strength(p, 0);
      // Fast elastic path: the closed-form eigenvalues (a few dozen operations against the
      // Jacobi rotations below, which most points of a body that yields in a band do not
      // need) decide a trial point that lies clearly inside the yield surface. Their error is
      // far below the margin (1e-6 of the stress and strength scale), so the point is elastic
      // by the Jacobi values too and the result (trial stress, C(K, G)) is the same bit for bit;
      // a point within the margin takes the full path.
      {
        const auto   values  = dealii::eigenvalues(trial_stress); // descending
        const double f_quick = (values[0] - values[2]) + (values[0] + values[2]) * start.sin_phi -
                               2 * start.c * start.cos_phi;
        const double scale = trial_stress.norm() + 2 * std::abs(start.c);
        if (f_quick < -1e-6 * scale)
          return result;
      }

      // Principal trial stresses s_tr,0 >= s_tr,1 >= s_tr,2 and directions (Jacobi: accurate
      // eigenvectors also for close or repeated eigenvalues).
      const auto eig =
        dealii::eigenvectors(trial_stress, dealii::SymmetricTensorEigenvectorMethod::jacobi);
      const Vector3 trial{{eig[0].first, eig[1].first, eig[2].first}};

      const double f_trial = (trial[0] - trial[2]) + (trial[0] + trial[2]) * start.sin_phi -
                             2 * start.c * start.cos_phi;
      if (f_trial <= 0)
        return result; // elastic: stress = trial, tangent = C(K, G)

      // Region search: main plane; if its result leaves the ordering, the edge on the violated
      // side (s2 < s3: right, s1 < s2: left; both: the side the trial point lies on, de
      // Souza Neto's test with psi at the start), then the other edge, then the apex.
      unsigned int iterations = 0;
      Attempt      plastic    = return_to(p, plane_form(), trial, iterations);
      MohrCoulombRegion region = MohrCoulombRegion::main_plane;
      if (!plastic.valid)
        {
          const bool right_violated = plastic.sigma[1] < plastic.sigma[2];
          const bool left_violated  = plastic.sigma[0] < plastic.sigma[1];
          const double s_n          = flow.sin_dilatancy(free_volume);
          bool right_first          = right_violated && !left_violated;
          if (right_violated == left_violated)
            right_first = (1 - s_n) * trial[0] - 2 * trial[1] + (1 + s_n) * trial[2] > 0;
          const Form first  = right_first ? right_edge_form() : left_edge_form();
          const Form second = right_first ? left_edge_form() : right_edge_form();
          plastic           = return_to(p, first, trial, iterations);
          region            = first.region;
          if (!plastic.valid)
            {
              plastic = return_to(p, second, trial, iterations);
              region  = second.region;
            }
          if (!plastic.valid)
            {
              plastic = return_to_apex(p, trial, iterations);
              region  = MohrCoulombRegion::apex;
            }
        }
      result.iterations = iterations;
      result.region     = region;
      if (!plastic.valid)
        {
          result.converged = false;
          return result;
        }

      // Stress, plastic strain (C^-1 : (sigma_tr - sigma), coaxial) and the state.
      const double G = shear_modulus, K = bulk_modulus, lame = p.lame;
      std::array<SymmetricTensor<2, 3>, 3> E; // eigenprojections e_i x e_i
      for (unsigned int i = 0; i < 3; ++i)
        E[i] = dealii::symmetrize(dealii::outer_product(eig[i].second, eig[i].second));
      const double dsigma_trace =
        (trial[0] - plastic.sigma[0]) + (trial[1] - plastic.sigma[1]) + (trial[2] - plastic.sigma[2]);
      result.stress                   = SymmetricTensor<2, 3>();
      result.plastic_strain_increment = SymmetricTensor<2, 3>();
      for (unsigned int i = 0; i < 3; ++i)
        {
          const double dsigma = trial[i] - plastic.sigma[i];
          result.stress += plastic.sigma[i] * E[i];
          result.plastic_strain_increment +=
            (dsigma_trace / (9 * K) + (dsigma - dsigma_trace / 3) / (2 * G)) * E[i];
        }
      result.plastic_multipliers       = plastic.multipliers;
      result.plastic_multiplier_sum    = plastic.Gamma;
      result.volumetric_plastic_strain = plastic.v;
      result.free_volume_increment     = plastic.v / flow.zeta;
      result.free_volume               = free_volume + result.free_volume_increment;
      result.strength_free_volume      = strength_free_volume + control.strength_increment_weight * result.free_volume_increment;
      result.cohesion                  = plastic.end.c;
      result.friction_angle            = std::atan(plastic.end.mu);
      result.sin_dilatancy             = flow.sin_dilatancy(result.free_volume);

      // Consistent tangent of the isotropic function sigma(eps_tr), eps_tr = C^-1 : sigma_tr:
      //   D = sum_ij (d s_i/d e_j) E_i x E_j + sum_{i != j} (s_i - s_j)/(e_i - e_j) M_ij x M_ij,
      // M_ij = sym(e_i x e_j), d s_i/d e_j = sum_k (d s_i/d s_tr,k) (lame + 2 G delta_kj),
      // e_i - e_j = (s_tr,i - s_tr,j)/(2 G). For equal trial eigenvalues the quotient is
      // replaced by its limit d s_i/d e_i - d s_i/d e_j (l'Hopital for an isotropic function);
      // the pair then spans an eigenspace and D does not depend on the basis chosen in it.
      Matrix3 D{};
      for (unsigned int i = 0; i < 3; ++i)
        for (unsigned int j = 0; j < 3; ++j)
          {
            double sum_k = 0;
            for (unsigned int k = 0; k < 3; ++k)
              sum_k += plastic.dsigma_dtrial[i][k];
            D[i][j] = lame * sum_k + 2 * G * plastic.dsigma_dtrial[i][j];
          }
      result.tangent = SymmetricTensor<4, 3>();
      for (unsigned int i = 0; i < 3; ++i)
        for (unsigned int j = 0; j < 3; ++j)
          result.tangent += D[i][j] * dealii::outer_product(E[i], E[j]);
      for (unsigned int i = 0; i < 3; ++i)
        for (unsigned int j = i + 1; j < 3; ++j)
          {
            const double trial_gap = trial[i] - trial[j];
            const double quotient =
              trial_gap > 0 ? 2 * G * plastic.gap[i][j] / trial_gap : D[i][i] - D[i][j];
            const SymmetricTensor<2, 3> M =
              dealii::symmetrize(dealii::outer_product(eig[i].second, eig[j].second));
            result.tangent += 2 * quotient * dealii::outer_product(M, M);
          }

      // d x_n+1 / d eps = (1/zeta) sum_j (sum_k (dv/ds_tr,k)(lame + 2 G delta_kj)) E_j.
      result.free_volume_tangent = SymmetricTensor<2, 3>();
      const double dv_sum = plastic.dv_dtrial[0] + plastic.dv_dtrial[1] + plastic.dv_dtrial[2];
      for (unsigned int j = 0; j < 3; ++j)
        result.free_volume_tangent +=
          (lame * dv_sum + 2 * G * plastic.dv_dtrial[j]) / flow.zeta * E[j];
      return result;
    }
  } // namespace mohr_coulomb
} // namespace bmgfe
