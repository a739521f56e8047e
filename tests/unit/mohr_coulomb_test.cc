// Mohr-Coulomb return mapping of one material point (doc/model.md §4, doc/model.md "Mohr-Coulomb
// return mapping"): returns onto the main plane, both edges and the apex; the flow rule and
// the Kuhn-Tucker conditions checked independently of the implementation; the consistent
// tangent against central differences of the whole update in every region, with and without
// softening and with non-associated flow; the apex under hydrostatic tension; uniaxial
// strengths along strain-driven uniaxial-stress paths; 10^4 random trial stresses; the
// free-volume bookkeeping of the softening.
#include <bmgfe/materials/elastic_moduli.h>
#include <bmgfe/materials/free_volume.h>
#include <bmgfe/materials/mohr_coulomb.h>
#include <bmgfe/materials/mohr_coulomb_strength.h>

#include <deal.II/base/symmetric_tensor.h>
#include <deal.II/base/tensor.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <iostream>
#include <limits>
#include <map>
#include <random>
#include <string>

using bmgfe::MohrCoulombControl;
using bmgfe::MohrCoulombFlow;
using bmgfe::MohrCoulombRegion;
using bmgfe::MohrCoulombReturn;
using bmgfe::MohrCoulombStrength;
using dealii::SymmetricTensor;
using dealii::Tensor;
namespace mc = bmgfe::mohr_coulomb;

namespace
{
  // Vit1: E = 96 GPa, nu = 0.36.
  const double E_vit1 = 96e9, nu_vit1 = 0.36;
  const double K_vit1 = bmgfe::bulk_modulus(E_vit1, nu_vit1);
  const double G_vit1 = bmgfe::shear_modulus(E_vit1, nu_vit1);

  /// A material setting of the tests: strength, flow, moduli and the state at the start.
  struct Setting
  {
    std::string         name;
    MohrCoulombStrength strength;
    MohrCoulombFlow     flow;
    double              K = K_vit1, G = G_vit1;
    double              x = 0, xbar = 0; // x_n (local) and xbar_n (strength)
    /// Whether a plastic state at the apex exists for trials slightly beyond it (see
    /// ApexUnderHydrostaticTension for why Vit1 with its cohesion softening has none).
    bool                apex_reachable = true;
    MohrCoulombControl  control; // strength_increment_weight w: c at xbar + w dx

    MohrCoulombReturn update(const SymmetricTensor<2, 3> &trial) const
    {
      return mc::return_map(trial, K, G, x, xbar, strength, flow, control);
    }
    MohrCoulombReturn update_strain(const SymmetricTensor<2, 3> &eps) const
    {
      return update(mc::elastic_stress(eps, K, G));
    }
    double c() const { return strength.cohesion(xbar); }
    double phi() const { return strength.friction_angle(xbar); }
  };

  /// Vit1 with the defaults of the strength and the free-volume model: x_ref and zeta from
  /// FreeVolumeParameters, the point at x_ref (s_c = 0.5 is active but c(x_ref) = c0).
  Setting vit1()
  {
    const bmgfe::FreeVolumeParameters fv;
    Setting                           s;
    s.name                           = "Vit1 defaults";
    s.apex_reachable                 = false;
    s.strength.reference_free_volume = fv.x_ref();
    s.flow.zeta                      = fv.zeta();
    s.x = s.xbar = fv.x_ref();
    return s;
  }

  /// Vit1 without softening (c, phi constant), non-associated (psi < phi).
  Setting vit1_perfect()
  {
    Setting s                     = vit1();
    s.name                        = "Vit1, no softening";
    s.apex_reachable              = true;
    s.strength.cohesion_softening = 0;
    s.strength.friction_softening = 0;
    return s;
  }

  /// Vit1 with cohesion and friction softening, 15 % above x_ref, nonlocal xbar != x, and
  /// a viscously relaxed predictor (G_eff = 0.6 G, the operator split with the viscous flow).
  Setting vit1_softening()
  {
    Setting s                     = vit1();
    s.name                        = "Vit1, softening, G_eff = 0.6 G";
    s.strength.friction_softening = 0.1;
    s.x                           = 1.10 * s.strength.reference_free_volume;
    s.xbar                        = 1.15 * s.strength.reference_free_volume;
    s.G                           = 0.6 * G_vit1;
    return s;
  }

  /// vit1_softening() as a staggered over-nonlocal model sees it (NonlocalParameters, m = 2,
  /// w = 0): c and phi at xbar_n + (1 - m) dx = xbar_n - dx, i.e. the point's own dilatation
  /// hardens it within the step, and the strength free volume x-hat = 2 xbar - x of the start.
  Setting vit1_over_nonlocal()
  {
    Setting s                           = vit1_softening();
    s.name                              = "Vit1, softening, over-nonlocal w = -1";
    s.xbar                              = 2 * s.xbar - s.x;
    s.control.strength_increment_weight = -1;
    return s;
  }

  /// vit1_softening() with the strength of the start of the step (w = 0): perfectly plastic
  /// within the step although the material softens.
  Setting vit1_lagged_softening()
  {
    Setting s                           = vit1_softening();
    s.name                              = "Vit1, softening, lagged w = 0";
    s.control.strength_increment_weight = 0;
    return s;
  }

  /// A more frictional material (phi = 21.8 deg) whose apex (c cot(phi) = 2.5 c) lies within
  /// reach of the random trials, with softening of c and mu and twice Vit1's dilatancy. Vit1's
  /// apex lies at 7.7 GPa of hydrostatic tension, where its cohesion softening outweighs the
  /// bulk modulus (see the apex test); the algorithm is the same. The softening stays below
  /// the elastic stiffness for all the trials (10 c): the local problem is well posed (see
  /// doc/model.md for the condition).
  Setting frictional()
  {
    Setting s                        = vit1();
    s.name                           = "frictional, softening";
    s.apex_reachable                 = true;
    s.strength.friction0             = 0.4;
    s.strength.cohesion_softening    = 0.5;
    s.strength.friction_softening    = 0.1;
    s.flow.dilatancy_factor          = 0.2;
    // x_ss far enough above x that the dilatancy can take up the largest hydrostatic
    // overshoot of the random trials (7.5 c beyond the apex needs tr(d eps_p) = 0.05 <
    // zeta (x_ss - x) = 0.1): beyond that capacity no plastic state exists (apex test).
    s.flow.steady_state_free_volume  = 0.2;
    s.x = s.xbar = 1.1 * s.strength.reference_free_volume;
    return s;
  }

  /// Rotation from a random unit quaternion.
  Tensor<2, 3> random_rotation(std::mt19937 &gen)
  {
    std::normal_distribution<double> n(0, 1);
    double                           q[4], norm = 0;
    for (double &v : q)
      {
        v = n(gen);
        norm += v * v;
      }
    norm = std::sqrt(norm);
    const double w = q[0] / norm, x = q[1] / norm, y = q[2] / norm, z = q[3] / norm;
    Tensor<2, 3> R;
    R[0][0] = 1 - 2 * (y * y + z * z);
    R[0][1] = 2 * (x * y - w * z);
    R[0][2] = 2 * (x * z + w * y);
    R[1][0] = 2 * (x * y + w * z);
    R[1][1] = 1 - 2 * (x * x + z * z);
    R[1][2] = 2 * (y * z - w * x);
    R[2][0] = 2 * (x * z - w * y);
    R[2][1] = 2 * (y * z + w * x);
    R[2][2] = 1 - 2 * (x * x + y * y);
    return R;
  }

  /// R diag(s) R^T.
  SymmetricTensor<2, 3> rotated(const std::array<double, 3> &s, const Tensor<2, 3> &R)
  {
    SymmetricTensor<2, 3> t;
    for (unsigned int i = 0; i < 3; ++i)
      for (unsigned int j = i; j < 3; ++j)
        for (unsigned int k = 0; k < 3; ++k)
          t[i][j] += R[i][k] * s[k] * R[j][k];
    return t;
  }

  /// C^-1 : sigma.
  SymmetricTensor<2, 3> elastic_strain(const SymmetricTensor<2, 3> &sigma, double K, double G)
  {
    return dealii::trace(sigma) / (9 * K) * dealii::unit_symmetric_tensor<3>() +
           dealii::deviator(sigma) / (2 * G);
  }

  double frobenius(const SymmetricTensor<4, 3> &D)
  {
    double sum = 0;
    for (unsigned int i = 0; i < 3; ++i)
      for (unsigned int j = 0; j < 3; ++j)
        for (unsigned int k = 0; k < 3; ++k)
          for (unsigned int l = 0; l < 3; ++l)
            sum += D[i][j][k][l] * D[i][j][k][l];
    return std::sqrt(sum);
  }

  bool finite(const MohrCoulombReturn &r)
  {
    for (unsigned int i = 0; i < 3; ++i)
      for (unsigned int j = 0; j < 3; ++j)
        {
          if (!std::isfinite(r.stress[i][j]) || !std::isfinite(r.plastic_strain_increment[i][j]) ||
              !std::isfinite(r.free_volume_tangent[i][j]))
            return false;
          for (unsigned int k = 0; k < 3; ++k)
            for (unsigned int l = 0; l < 3; ++l)
              if (!std::isfinite(r.tangent[i][j][k][l]))
                return false;
        }
    return std::isfinite(r.free_volume) && std::isfinite(r.plastic_multiplier_sum);
  }

  /// |f(sigma_n+1, c, phi)| / (c cos(phi)) with c, phi evaluated here (not taken from the
  /// result) at the strength free volume xbar_n + dx, dx = tr(d eps_p)/zeta.
  double relative_yield(const Setting &s, const MohrCoulombReturn &r)
  {
    // the end-of-step strength free volume xbar + w dx, recomputed from the plastic strain
    const double xbar = s.xbar + s.control.strength_increment_weight *
                                   dealii::trace(r.plastic_strain_increment) / s.flow.zeta;
    const double c = s.strength.cohesion(xbar), phi = s.strength.friction_angle(xbar);
    return std::abs(mc::yield_function(r.stress, c, phi)) / (c * std::cos(phi));
  }

  /// Independent check of the discrete flow rule and the Kuhn-Tucker conditions: the
  /// principal plastic strains in the trial directions (ordered like the trial stresses)
  /// must be the flow vectors of the reported region with non-negative multipliers,
  ///   plane: Gamma (1 + s, 0, -(1 - s)),
  ///   right edge: (Gamma (1 + s), -(1 - s) dg_b, -(1 - s) dg_a),
  ///   left edge: ((1 + s) dg_a, (1 + s) dg_b, -(1 - s) Gamma),
  ///   apex: a non-negative combination of the six permutations of (1 + s, 0, -(1 - s)),
  /// with s = sin(psi) at the end of the step, and the returned stress must keep the ordering
  /// of the region (s2 = s3, s1 = s2, all equal). Returns the largest relative deviation.
  double flow_rule_deviation(const SymmetricTensor<2, 3> &trial, const MohrCoulombReturn &r)
  {
    const auto eig = dealii::eigenvectors(trial, dealii::SymmetricTensorEigenvectorMethod::jacobi);
    std::array<double, 3> d{}, sigma{};
    for (unsigned int i = 0; i < 3; ++i)
      {
        d[i]     = eig[i].second * (r.plastic_strain_increment * eig[i].second);
        sigma[i] = eig[i].second * (r.stress * eig[i].second);
      }
    const double s = r.sin_dilatancy, Gamma = r.plastic_multiplier_sum;
    const double ga = r.plastic_multipliers[0], gb = r.plastic_multipliers[1];
    const double scale = std::abs(d[0]) + std::abs(d[2]);
    const double sigma_scale = std::abs(sigma[0]) + std::abs(sigma[2]);
    double       dev = 0;
    const auto   diff = [&](double a, double b) { dev = std::max(dev, std::abs(a - b) / scale); };
    const auto   sdiff = [&](double a, double b) {
      dev = std::max(dev, std::abs(a - b) / sigma_scale);
    };
    if (ga < 0 || gb < -1e-12 * Gamma)
      return 1;
    switch (r.region)
      {
        case MohrCoulombRegion::main_plane:
          diff(d[0], Gamma * (1 + s));
          diff(d[1], 0);
          diff(d[2], -Gamma * (1 - s));
          if (sigma[0] < sigma[1] - 1e-12 * sigma_scale || sigma[1] < sigma[2] - 1e-12 * sigma_scale)
            return 1;
          break;
        case MohrCoulombRegion::right_edge:
          diff(ga + gb, Gamma);
          diff(d[0], Gamma * (1 + s));
          diff(d[1], -(1 - s) * gb);
          diff(d[2], -(1 - s) * ga);
          sdiff(sigma[1], sigma[2]);
          break;
        case MohrCoulombRegion::left_edge:
          diff(ga + gb, Gamma);
          diff(d[0], (1 + s) * ga);
          diff(d[1], (1 + s) * gb);
          diff(d[2], -(1 - s) * Gamma);
          sdiff(sigma[0], sigma[1]);
          break;
        case MohrCoulombRegion::apex:
          {
            diff(d[0] + d[1] + d[2], 2 * s * Gamma);
            // majorisation by the flow vectors: largest <= (1 + s) Gamma, smallest >= -(1 - s) Gamma
            if (d[0] > (1 + s) * Gamma * (1 + 1e-10) || d[2] < -(1 - s) * Gamma * (1 + 1e-10))
              return 1;
            sdiff(sigma[0], sigma[2]);
            break;
          }
        case MohrCoulombRegion::elastic:
          return scale == 0 ? 0 : 1;
      }
    return dev;
  }

  /// Central differences of the whole update with respect to the strain, component by
  /// component (symmetric perturbations, so that the result is D_ijkl of the minor-symmetric
  /// tangent), also of x_n+1. Fails the test when a perturbed update changes region.
  void finite_difference_tangent(const Setting &s, const SymmetricTensor<2, 3> &eps,
                                 SymmetricTensor<4, 3> &D, SymmetricTensor<2, 3> &dx,
                                 const MohrCoulombRegion region)
  {
    const double h = 1e-8 * eps.norm();
    for (unsigned int k = 0; k < 3; ++k)
      for (unsigned int l = k; l < 3; ++l)
        {
          SymmetricTensor<2, 3> delta;
          delta[k][l]             = k == l ? h : h / 2; // both (k, l) and (l, k)
          const MohrCoulombReturn plus = s.update_strain(eps + delta);
          const MohrCoulombReturn minus = s.update_strain(eps - delta);
          ASSERT_TRUE(plus.converged && minus.converged);
          ASSERT_EQ(plus.region, region) << s.name;
          ASSERT_EQ(minus.region, region) << s.name;
          const SymmetricTensor<2, 3> dsigma = (plus.stress - minus.stress) / (2 * h);
          for (unsigned int i = 0; i < 3; ++i)
            for (unsigned int j = i; j < 3; ++j)
              D[i][j][k][l] = dsigma[i][j];
          dx[k][l] = (plus.free_volume - minus.free_volume) / (2 * h);
        }
  }

  /// Principal trial stresses (in units of c(xbar_n), around a mean stress) that land in each
  /// region for the settings of this file; the test checks the reported region.
  struct RegionCase
  {
    MohrCoulombRegion     region;
    std::array<double, 3> principal; // / c
  };

  std::array<double, 3> apex_trial(const Setting &s)
  {
    const double c = s.c(), mu = s.strength.friction_coefficient(s.xbar);
    const double p = (c / mu + 0.3 * c) / c;
    return {{p + 0.02, p, p - 0.03}};
  }
} // namespace

// The elastic trial states stay; plastic ones return onto the surface of each region.
TEST(MohrCoulombReturn, ReturnsOntoPlaneEdgesAndApex)
{
  std::mt19937 gen(5);
  for (const Setting &s : {vit1_perfect(), vit1(), vit1_softening(), vit1_over_nonlocal(),
                           vit1_lagged_softening(), frictional()})
    {
      std::vector<RegionCase> cases = {
        {MohrCoulombRegion::elastic, {{0.2, 0.0, -0.3}}},
        {MohrCoulombRegion::main_plane, {{1.2, 0.1, -1.4}}},
        {MohrCoulombRegion::right_edge, {{2.0, -0.4, -0.5}}},
        {MohrCoulombRegion::left_edge, {{0.5, 0.45, -2.2}}},
        {MohrCoulombRegion::apex, apex_trial(s)}};
      for (const RegionCase &rc : cases)
        {
          if (rc.region == MohrCoulombRegion::apex && !s.apex_reachable)
            continue;
          const std::array<double, 3> p{
            {rc.principal[0] * s.c(), rc.principal[1] * s.c(), rc.principal[2] * s.c()}};
          const SymmetricTensor<2, 3> trial = rotated(p, random_rotation(gen));
          const MohrCoulombReturn     r     = s.update(trial);
          ASSERT_TRUE(r.converged) << s.name << ", " << mc::region_name(rc.region);
          ASSERT_TRUE(finite(r));
          EXPECT_EQ(r.region, rc.region)
            << s.name << ": expected " << mc::region_name(rc.region) << ", got "
            << mc::region_name(r.region);
          if (rc.region == MohrCoulombRegion::elastic)
            {
              EXPECT_LT(mc::yield_function(trial, s.c(), s.phi()), 0);
              EXPECT_EQ((r.stress - trial).norm(), 0);
              continue;
            }
          const double f = relative_yield(s, r);
          std::cout << s.name << ", " << mc::region_name(r.region) << ": |f|/(c cos phi) = " << f
                    << ", Gamma = " << r.plastic_multiplier_sum << ", sin psi = "
                    << r.sin_dilatancy << ", " << r.iterations << " local iterations\n";
          EXPECT_LE(f, 1e-10) << s.name << ", " << mc::region_name(r.region);
          EXPECT_LE(flow_rule_deviation(trial, r), 1e-10) << s.name << ", " << mc::region_name(r.region);
          EXPECT_GT(r.plastic_multiplier_sum, 0);
          // Non-associated: the dilatancy angle stays below the friction angle here.
          EXPECT_LT(r.sin_dilatancy, std::sin(r.friction_angle));
        }
    }
}

// d sigma/d eps against central differences of the whole update (eigen-decomposition
// included), in every region, with and without softening, non-associated flow.
TEST(MohrCoulombReturn, ConsistentTangentMatchesFiniteDifferences)
{
  std::mt19937 gen(17);
  std::map<std::string, double> worst;
  for (const Setting &s : {vit1_perfect(), vit1(), vit1_softening(), vit1_over_nonlocal(),
                           vit1_lagged_softening(), frictional()})
    {
      std::vector<RegionCase> cases = {
        {MohrCoulombRegion::elastic, {{0.2, 0.0, -0.3}}},
        {MohrCoulombRegion::main_plane, {{1.2, 0.1, -1.4}}},
        {MohrCoulombRegion::right_edge, {{2.0, -0.4, -0.5}}},
        {MohrCoulombRegion::left_edge, {{0.5, 0.45, -2.2}}},
        {MohrCoulombRegion::apex, apex_trial(s)}};
      for (const RegionCase &rc : cases)
        {
          if (rc.region == MohrCoulombRegion::apex && !s.apex_reachable)
            continue;
          for (unsigned int rotation = 0; rotation < 3; ++rotation)
            {
              const std::array<double, 3> p{{rc.principal[0] * s.c(), rc.principal[1] * s.c(),
                                             rc.principal[2] * s.c()}};
              const SymmetricTensor<2, 3> eps =
                elastic_strain(rotated(p, random_rotation(gen)), s.K, s.G);
              const MohrCoulombReturn r = s.update_strain(eps);
              ASSERT_TRUE(r.converged);
              ASSERT_EQ(r.region, rc.region) << s.name;
              SymmetricTensor<4, 3> D;
              SymmetricTensor<2, 3> dx;
              finite_difference_tangent(s, eps, D, dx, rc.region);
              // relative to the tangent, or to the elastic one where the tangent vanishes
              // (perfect plasticity at the apex: sigma = c cot(phi) 1 whatever the strain)
              const double elastic = frobenius(mc::elastic_tangent(s.K, s.G));
              const double norm    = frobenius(r.tangent) >= 1e-6 * elastic ? frobenius(r.tangent) : elastic;
              const double error   = frobenius(r.tangent - D) / norm;
              const std::string key = std::string(mc::region_name(rc.region)) + " (" + s.name + ")";
              worst[key] = std::max(worst[key], error);
              EXPECT_LE(error, 1e-6) << key;
              // d x_n+1 / d eps (zero in the elastic region and without dilatancy)
              const double dx_scale = std::max(r.free_volume_tangent.norm(), 1e-300);
              if (r.free_volume_tangent.norm() > 0)
                {
                  EXPECT_LE((r.free_volume_tangent - dx).norm() / dx_scale, 1e-6) << key;
                }
              else
                {
                  EXPECT_EQ(dx.norm(), 0) << key;
                }
              // the tangent of a plastic state is not the elastic one (the test can fail)
              if (rc.region != MohrCoulombRegion::elastic)
                {
                  EXPECT_GT(frobenius(r.tangent - mc::elastic_tangent(s.K, s.G)), 1e-3 * elastic);
                }
            }
        }
    }
  for (const auto &[key, error] : worst)
    std::cout << "tangent vs central differences, " << key << ": " << error << "\n";
}

// Repeated trial eigenvalues: the spin terms of the tangent use the limit
// d s_i/d e_i - d s_i/d e_j of the isotropic function (no perturbation). The update is smooth
// there (the pair is collapsed by the edge, or the point is elastic), so central differences
// that split the eigenvalues must agree with it.
TEST(MohrCoulombReturn, TangentAtRepeatedTrialEigenvalues)
{
  std::mt19937 gen(23);
  for (const Setting &s : {vit1_perfect(), vit1(), frictional()})
    {
      const double sc = s.strength.compressive_strength(s.xbar), c = s.c();
      const std::vector<std::pair<MohrCoulombRegion, std::array<double, 3>>> cases = {
        {MohrCoulombRegion::elastic, {{0.3 * c, 0.3 * c, -0.2 * c}}},
        {MohrCoulombRegion::left_edge, {{0, 0, -1.2 * sc}}},        // uniaxial compression
        {MohrCoulombRegion::right_edge, {{1.2 * sc, 0, 0}}},        // uniaxial tension, over-driven
        {MohrCoulombRegion::left_edge, {{-0.2 * c, -0.2 * c, -1.5 * sc}}}};
      for (const auto &[region, principal] : cases)
        for (const bool rotate : {false, true})
        {
          // unrotated: exactly equal eigenvalues (the limit branch of the spin terms);
          // rotated: equal to round-off
          const Tensor<2, 3> R = rotate ? random_rotation(gen) : dealii::unit_symmetric_tensor<3>();
          const SymmetricTensor<2, 3> eps = elastic_strain(rotated(principal, R), s.K, s.G);
          const MohrCoulombReturn r = s.update_strain(eps);
          ASSERT_TRUE(r.converged);
          ASSERT_EQ(r.region, region) << s.name << ", " << mc::region_name(r.region);
          SymmetricTensor<4, 3> D;
          SymmetricTensor<2, 3> dx;
          finite_difference_tangent(s, eps, D, dx, region);
          const double error = frobenius(r.tangent - D) / frobenius(r.tangent);
          std::cout << s.name << ", " << mc::region_name(region)
                    << " with two equal trial eigenvalues (" << (rotate ? "rotated" : "diagonal")
                    << "): tangent vs central differences " << error << "\n";
          EXPECT_LE(error, 1e-6);
        }
    }
  // The apex reached by hydrostatic tension (three equal trial eigenvalues).
  const Setting               s   = frictional();
  const SymmetricTensor<2, 3> one = dealii::unit_symmetric_tensor<3>();
  const double                apex = s.c() / s.strength.friction_coefficient(s.xbar);
  const SymmetricTensor<2, 3> eps  = elastic_strain(1.2 * apex * one, s.K, s.G);
  const MohrCoulombReturn     r    = s.update_strain(eps);
  ASSERT_TRUE(r.converged);
  ASSERT_EQ(r.region, MohrCoulombRegion::apex);
  SymmetricTensor<4, 3> D;
  SymmetricTensor<2, 3> dx;
  finite_difference_tangent(s, eps, D, dx, MohrCoulombRegion::apex);
  const double error = frobenius(r.tangent - D) / frobenius(r.tangent);
  std::cout << s.name << ", apex with three equal trial eigenvalues: " << error << "\n";
  EXPECT_LE(error, 1e-6);
}

// Hydrostatic tension beyond the apex returns to sigma = c cot(phi) 1 exactly.
TEST(MohrCoulombReturn, ApexUnderHydrostaticTension)
{
  const SymmetricTensor<2, 3> one = dealii::unit_symmetric_tensor<3>();
  {
    // No softening: c cot(phi) = c0/mu0 = 7.72 GPa for Vit1.
    const Setting     s    = vit1_perfect();
    const double      apex = s.c() / s.strength.friction_coefficient(s.xbar);
    EXPECT_NEAR(apex, 8.105e8 / 0.105, 1);
    const MohrCoulombReturn r = s.update(1.1 * apex * one);
    ASSERT_TRUE(r.converged);
    EXPECT_EQ(r.region, MohrCoulombRegion::apex);
    EXPECT_LE((r.stress - apex * one).norm(), 1e-14 * apex) << (r.stress - apex * one).norm() / apex;
    // the whole overshoot goes into plastic dilatation: 3 K tr(d eps_p)/3 = 0.1 apex
    EXPECT_NEAR(r.volumetric_plastic_strain, 0.1 * apex / s.K, 1e-12 * 0.1 * apex / s.K);
    // tangent: sigma stays at the apex, d sigma/d eps = 0
    EXPECT_LE(frobenius(r.tangent), 1e-12 * frobenius(mc::elastic_tangent(s.K, s.G)));
  }
  {
    // Softening: the apex of the end state, c(xbar_n+1)/mu(xbar_n+1).
    const Setting           s = frictional();
    const double            apex0 = s.c() / s.strength.friction_coefficient(s.xbar);
    const MohrCoulombReturn r     = s.update(1.3 * apex0 * one);
    ASSERT_TRUE(r.converged);
    EXPECT_EQ(r.region, MohrCoulombRegion::apex);
    const double xbar = r.strength_free_volume;
    const double apex = s.strength.cohesion(xbar) / s.strength.friction_coefficient(xbar);
    EXPECT_GT(std::abs(apex - apex0), 1e-3 * apex0); // the end state matters
    EXPECT_LE((r.stress - apex * one).norm(), 1e-12 * apex);
  }
  {
    // Without dilatancy (psi = 0) the flow is deviatoric: no plastic state lies beyond the
    // apex. The update reports it (converged = false, finite trial returned), no NaN.
    Setting s                = vit1_perfect();
    s.flow.dilatancy_factor  = 0;
    const double apex        = s.c() / s.strength.friction_coefficient(s.xbar);
    const MohrCoulombReturn r = s.update(1.1 * apex * one);
    EXPECT_FALSE(r.converged);
    EXPECT_TRUE(finite(r));
    EXPECT_EQ((r.stress - 1.1 * apex * one).norm(), 0);
    // Vit1's cohesion softening at its apex (7.7 GPa): d(c/mu)/dv = -s_c c/(mu x_ref zeta)
    // = -3e11 Pa exceeds K = 1.1e11 Pa (snap-back) and the dilatancy saturates at x_ss
    // before the softened apex is reached: no solution, reported as such.
    const Setting           v  = vit1();
    const MohrCoulombReturn rv = v.update(1.02 * apex * one);
    EXPECT_FALSE(rv.converged);
    EXPECT_TRUE(finite(rv));
  }
}

// Uniaxial strengths: f = 0 at (0, 0, -sigma_c) and (sigma_t, 0, 0), and strain-driven
// uniaxial-stress paths (lateral strains solved by Newton's method with the consistent
// tangent) plateau at -sigma_c(x) and +sigma_t(x) = 2 c cos(phi)/(1 + sin(phi)).
TEST(MohrCoulombReturn, UniaxialStrengths)
{
  const Setting base = vit1_perfect();
  const double  x = base.xbar, c = base.c(), phi = base.phi();
  const double  sigma_c = base.strength.compressive_strength(x);
  const double  sigma_t = 2 * c * std::cos(phi) / (1 + std::sin(phi));
  EXPECT_NEAR(sigma_c, 2 * c * std::cos(phi) / (1 - std::sin(phi)), 1e-12 * sigma_c);
  EXPECT_NEAR(mc::yield_function(0, -sigma_c, c, phi), 0, 1e-12 * c);
  EXPECT_NEAR(mc::yield_function(sigma_t, 0, c, phi), 0, 1e-12 * c);
  std::cout << "Vit1: sigma_c = " << sigma_c / 1e9 << " GPa, sigma_t = " << sigma_t / 1e9
            << " GPa, band angle " << base.strength.band_angle(x) * 180 / M_PI << " deg\n";
  EXPECT_NEAR(base.strength.band_angle(x) * 180 / M_PI, 42.0, 0.05);

  for (const Setting &s : {vit1_perfect(), vit1()})
    for (const double direction : {-1.0, 1.0}) // compression along z, tension along z
      {
        // State of the path: plastic strain and free volume (local model: xbar = x).
        // By symmetry eps_xx = eps_yy = eps_lat, the one unknown of the step, found by
        // Newton's method on sigma_xx(eps_lat) = 0 with d sigma_xx/d eps_lat = D_xxxx + D_xxyy
        // from the consistent tangent. (At the edges the lateral difference mode has zero
        // stiffness, D_xxxx = D_xxyy: sigma_xx - sigma_yy stays 0 through the two multipliers.)
        SymmetricTensor<2, 3> eps_p;
        double                x_state = s.x;
        SymmetricTensor<2, 3> eps;
        const double          strength0 = direction < 0 ? sigma_c : sigma_t;
        // steps that do not land exactly on the yield stress
        const double          d_axial   = direction * strength0 / E_vit1 / 7.3;
        unsigned int          max_newton = 0, plastic_steps = 0;
        for (unsigned int step = 0; step < 25; ++step)
          {
            eps[2][2] += d_axial;
            MohrCoulombReturn r;
            unsigned int      it = 0;
            for (;; ++it)
              {
                Setting local = s;
                local.x = local.xbar = x_state;
                r                    = local.update_strain(eps - eps_p);
                ASSERT_TRUE(r.converged);
                ASSERT_TRUE(finite(r));
                const double lateral = r.stress[0][0];
                ASSERT_NEAR(r.stress[1][1], lateral, 1e-12 * strength0);
                if (std::abs(lateral) <= 1e-9 * strength0)
                  break;
                ASSERT_LT(it, 25u) << "lateral Newton does not converge, step " << step;
                const double slope = r.tangent[0][0][0][0] + r.tangent[0][0][1][1];
                eps[0][0] -= lateral / slope;
                eps[1][1] = eps[0][0];
              }
            max_newton = std::max(max_newton, it);
            // commit
            eps_p += r.plastic_strain_increment;
            x_state = r.free_volume;
            if (r.region != MohrCoulombRegion::elastic)
              {
                ++plastic_steps;
                EXPECT_EQ(r.region, direction < 0 ? MohrCoulombRegion::left_edge :
                                                    MohrCoulombRegion::right_edge);
                const double cx = s.strength.cohesion(x_state), px = s.strength.friction_angle(x_state);
                const double expected =
                  direction < 0 ? -s.strength.compressive_strength(x_state) :
                                  2 * cx * std::cos(px) / (1 + std::sin(px));
                EXPECT_NEAR(r.stress[2][2], expected, 1e-9 * strength0) << s.name << ", step " << step;
              }
          }
        std::cout << s.name << (direction < 0 ? ", compression" : ", tension")
                  << ": " << plastic_steps << " plastic steps to axial strain "
                  << eps[2][2] << ", x = " << x_state << ", lateral Newton iterations <= "
                  << max_newton << "\n";
        EXPECT_GE(plastic_steps, 10u);
        // The consistent tangent gives Newton's quadratic convergence: few iterations.
        EXPECT_LE(max_newton, 6u);
      }
}

// 10^4 random trial stresses (fixed seed, principal magnitudes from 0.1 c to 10 c, random
// signs and directions): every one converges, is finite, stays elastic when f <= 0 and
// otherwise lies on the surface with the flow rule of its region; every region is hit.
TEST(MohrCoulombReturn, RandomTrialStresses)
{
  for (const Setting &s : {frictional(), vit1_perfect(), vit1()})
    {
      std::mt19937                            gen(2024);
      unsigned int                            beyond_apex = 0;
      std::uniform_real_distribution<double>  exponent(-1, 1), u(0, 1);
      std::map<MohrCoulombRegion, unsigned>   hits;
      double                                  worst_f = 0, worst_flow = 0, worst_x = 0;
      unsigned int                            max_iterations = 0;
      const double                            c = s.c();
      const unsigned int                      samples = 10000;
      for (unsigned int n = 0; n < samples; ++n)
        {
          std::array<double, 3> p;
          // a quarter all-tensile, to populate the apex
          const bool all_tensile = u(gen) < 0.25;
          for (double &v : p)
            v = (all_tensile || u(gen) < 0.5 ? 1 : -1) * c * std::pow(10.0, exponent(gen));
          const SymmetricTensor<2, 3> trial = rotated(p, random_rotation(gen));
          const MohrCoulombReturn     r     = s.update(trial);
          ASSERT_TRUE(finite(r)) << s.name << ", sample " << n;
          if (!r.converged && !s.apex_reachable)
            {
              // Vit1 with its cohesion softening: only hydrostatic tension beyond the apex
              // c cot(phi) = 7.7 GPa may have no plastic state (ApexUnderHydrostaticTension).
              const double mean = dealii::trace(trial) / 3;
              ASSERT_GT(mean, c / s.strength.friction_coefficient(s.xbar))
                << s.name << ", sample " << n << ": no solution below the apex";
              ASSERT_EQ((r.stress - trial).norm(), 0);
              ++beyond_apex;
              continue;
            }
          ASSERT_TRUE(r.converged) << s.name << ", sample " << n << ", trial principal " << p[0]
                                   << " " << p[1] << " " << p[2] << " (c = " << c << ")";
          ++hits[r.region];
          max_iterations = std::max(max_iterations, r.iterations);
          if (r.region == MohrCoulombRegion::elastic)
            {
              ASSERT_LE(mc::yield_function(trial, s.c(), s.phi()), 0);
              ASSERT_EQ((r.stress - trial).norm(), 0);
              continue;
            }
          ASSERT_GT(mc::yield_function(trial, s.c(), s.phi()), 0);
          const double f = relative_yield(s, r);
          worst_f        = std::max(worst_f, f);
          ASSERT_LE(f, 1e-10) << s.name << ", sample " << n << ", " << mc::region_name(r.region);
          const double flow = flow_rule_deviation(trial, r);
          worst_flow        = std::max(worst_flow, flow);
          ASSERT_LE(flow, 1e-10) << s.name << ", sample " << n << ", " << mc::region_name(r.region);
          // x_n+1 = x_n + tr(d eps_p)/zeta to round-off: in units of eps (x_n+1 + |d eps_p|/zeta),
          // the rounding of x and of the trace of the plastic strain tensor
          const double x_error =
            std::abs(r.free_volume - s.x - dealii::trace(r.plastic_strain_increment) / s.flow.zeta) /
            (std::numeric_limits<double>::epsilon() *
             (r.free_volume + r.plastic_strain_increment.norm() / s.flow.zeta));
          worst_x = std::max(worst_x, x_error);
          ASSERT_LE(x_error, 8) << s.name << ", sample " << n;
        }
      std::cout << s.name << ": " << samples << " random trials: ";
      for (const auto &[region, count] : hits)
        std::cout << mc::region_name(region) << " " << count << ", ";
      std::cout << "max |f|/(c cos phi) = " << worst_f << ", max flow-rule deviation = "
                << worst_flow << ", max x error = " << worst_x << " eps"
                << ", max local iterations = " << max_iterations
                << ", no plastic state beyond the apex: " << beyond_apex << "\n";
      for (const MohrCoulombRegion region :
           {MohrCoulombRegion::elastic, MohrCoulombRegion::main_plane, MohrCoulombRegion::right_edge,
            MohrCoulombRegion::left_edge, MohrCoulombRegion::apex})
        if (region != MohrCoulombRegion::apex || s.apex_reachable)
          {
            EXPECT_GE(hits[region], 1u) << s.name << ": " << mc::region_name(region) << " never hit";
          }
      EXPECT_LE(beyond_apex, samples / 1000) << s.name;
    }
}

// Softening: x_n+1 = x_n + tr(d eps_p)/zeta to round-off, c and phi at the end state
// (implicit), nonlocal xbar_n + dx for the strength, local x for the dilatancy.
TEST(MohrCoulombReturn, SofteningUsesTheEndState)
{
  Setting s                     = vit1();
  s.strength.friction_softening = 0.1;
  s.flow.dilatancy_factor       = 0.3;
  s.x                           = 1.05 * s.strength.reference_free_volume;
  s.xbar                        = 0.95 * s.strength.reference_free_volume;
  std::mt19937 gen(9);
  for (const double overstress : {1.05, 1.5, 3.0})
    {
      const std::array<double, 3> p{{1.2 * overstress * s.c(), 0.1 * s.c(), -1.4 * overstress * s.c()}};
      const SymmetricTensor<2, 3> trial = rotated(p, random_rotation(gen));
      const MohrCoulombReturn     r     = s.update(trial);
      ASSERT_TRUE(r.converged);
      ASSERT_NE(r.region, MohrCoulombRegion::elastic);
      const double dx = dealii::trace(r.plastic_strain_increment) / s.flow.zeta;
      EXPECT_GT(dx, 0);
      // to round-off: a few units in the last place of x
      const double ulp = std::numeric_limits<double>::epsilon() * r.free_volume;
      EXPECT_NEAR(r.free_volume, s.x + dx, 8 * ulp) << (r.free_volume - s.x - dx) / ulp << " ulp";
      EXPECT_NEAR(r.strength_free_volume, s.xbar + dx, 8 * ulp);
      EXPECT_NEAR(r.free_volume_increment, dx, 1e-14 * dx);
      // dilatancy of the local x at the end of the step
      EXPECT_NEAR(r.sin_dilatancy,
                  s.flow.dilatancy_factor * (1 - r.free_volume / s.flow.steady_state_free_volume),
                  1e-15);
      // on the surface of the end state, and clearly not on that of the start state
      const double xb = s.xbar + dx;
      const double c1 = s.strength.cohesion(xb), phi1 = s.strength.friction_angle(xb);
      const double f1 = mc::yield_function(r.stress, c1, phi1);
      const double f0 = mc::yield_function(r.stress, s.c(), s.phi());
      std::cout << "overstress " << overstress << ": dx = " << dx << ", c drops by "
                << 1 - c1 / s.c() << ", f(end)/(c cos phi) = " << f1 / (c1 * std::cos(phi1))
                << ", f(start)/(c cos phi) = " << f0 / (c1 * std::cos(phi1)) << "\n";
      EXPECT_LE(std::abs(f1), 1e-10 * c1 * std::cos(phi1));
      EXPECT_LT(f0, -1e3 * std::abs(f1) - 1e-8 * c1);
    }
  // The implicit dilatancy never passes x_ss, whatever the plastic multiplier.
  Setting near                = s;
  near.x                      = 0.99 * s.flow.steady_state_free_volume;
  const std::array<double, 3> p{{40 * s.c(), 0.0, -40 * s.c()}};
  const MohrCoulombReturn     r = near.update(rotated(p, random_rotation(gen)));
  ASSERT_TRUE(r.converged);
  EXPECT_LT(r.free_volume, s.flow.steady_state_free_volume);
  EXPECT_GT(r.sin_dilatancy, 0);
}

// The strength sees xbar_n + w dx (MohrCoulombControl::strength_increment_weight): the
// returned stress lies on the surface of exactly that free volume, for w = 1 (implicit
// softening), 0 (lagged: the start-of-step surface) and -1 (over-nonlocal m = 2: the point's
// own dilatation hardens it), while x_n+1 = x_n + dx always.
TEST(MohrCoulombReturn, StrengthIncrementWeight)
{
  std::mt19937 gen(23);
  for (const double w : {1.0, 0.0, -1.0})
    {
      Setting s                           = vit1_softening();
      s.flow.dilatancy_factor             = 0.3;
      s.control.strength_increment_weight = w;
      const std::array<double, 3> p{{1.2 * 1.5 * s.c(), 0.1 * s.c(), -1.4 * 1.5 * s.c()}};
      const MohrCoulombReturn     r = s.update(rotated(p, random_rotation(gen)));
      ASSERT_TRUE(r.converged);
      ASSERT_NE(r.region, MohrCoulombRegion::elastic);
      const double dx  = r.free_volume_increment;
      const double ulp = std::numeric_limits<double>::epsilon() * r.free_volume;
      EXPECT_GT(dx, 0);
      EXPECT_NEAR(r.free_volume, s.x + dx, 8 * ulp);
      EXPECT_NEAR(r.strength_free_volume, s.xbar + w * dx, 8 * ulp) << "w = " << w;
      const double xb = s.xbar + w * dx;
      const double c1 = s.strength.cohesion(xb), phi1 = s.strength.friction_angle(xb);
      EXPECT_NEAR(r.cohesion, c1, 1e-12 * c1) << "w = " << w;
      EXPECT_LE(std::abs(mc::yield_function(r.stress, c1, phi1)), 1e-10 * c1 * std::cos(phi1))
        << "w = " << w;
      // the other weights' surfaces are clearly missed (the test can fail)
      for (const double other : {1.0, 0.0, -1.0})
        if (other != w)
          {
            const double xo = s.xbar + other * dx;
            EXPECT_GT(std::abs(mc::yield_function(r.stress, s.strength.cohesion(xo),
                                                  s.strength.friction_angle(xo))),
                      1e-6 * c1)
              << "w = " << w << " vs " << other;
          }
      std::cout << "w = " << w << ": dx = " << dx << ", c(xbar + w dx)/c(xbar) = " << c1 / s.c()
                << "\n";
    }
}

// Input errors and a non-finite trial: an exception for the programming errors, a reported
// failure (no NaN) for the state.
TEST(MohrCoulombReturn, InvalidInput)
{
  const Setting s = vit1();
  EXPECT_THROW(mc::return_map(SymmetricTensor<2, 3>(), -1, s.G, s.x, s.xbar, s.strength, s.flow),
               std::invalid_argument);
  EXPECT_THROW(mc::return_map(SymmetricTensor<2, 3>(), s.K, s.G, 0, s.xbar, s.strength, s.flow),
               std::invalid_argument);
  SymmetricTensor<2, 3> bad;
  bad[0][1]                 = std::nan("");
  const MohrCoulombReturn r = s.update(bad);
  EXPECT_FALSE(r.converged);
  EXPECT_TRUE(finite(r));
  MohrCoulombFlow flow;
  flow.dilatancy_factor = 1;
  EXPECT_ANY_THROW(flow.check());
}

// The fast elastic path (closed-form eigenvalues before the Jacobi rotations, issue 17):
// trial stresses scaled onto f = delta 2 c cos(phi) for delta from -1e-3 to +1e-3, f taken
// with Jacobi's eigenvalues as the full path does: every trial with f <= 0 is elastic with the
// trial stress and C(K, G) exactly, every one with f > 0 yields, also within the fast path's
// margin of 1e-6.
TEST(MohrCoulombReturn, FastElasticPathDecidesAsTheFullPath)
{
  for (const Setting &s : {vit1(), vit1_softening()})
    {
      std::mt19937                           gen(17);
      std::uniform_real_distribution<double> u(-1, 1);
      const double                           c = s.c(), phi = s.phi();
      const SymmetricTensor<4, 3>            C = mc::elastic_tangent(s.K, s.G);
      unsigned int                           elastic = 0, plastic = 0;
      for (unsigned int sample = 0; sample < 4000; ++sample)
        {
          SymmetricTensor<2, 3> direction;
          for (unsigned int i = 0; i < 3; ++i)
            for (unsigned int j = i; j < 3; ++j)
              direction[i][j] = u(gen);
          if (sample % 4 == 0) // near a repeated principal stress (uniaxial compression)
            {
              direction = -0.1 * dealii::unit_symmetric_tensor<3>() + 0.01 * direction;
              direction[2][2] -= 1;
            }
          // f(t T) = t g(T) - 2 c cos(phi), g positively homogeneous.
          const double g = mc::yield_function(direction, c, phi) + 2 * c * std::cos(phi);
          if (!(g > 0))
            continue;
          const double delta = std::pow(10.0, -3 - 7 * (u(gen) + 1) / 2) * (u(gen) < 0 ? -1 : 1);
          const SymmetricTensor<2, 3> trial = (1 + delta) * 2 * c * std::cos(phi) / g * direction;
          const double f = mc::yield_function(trial, c, phi);
          const MohrCoulombReturn r = s.update(trial);
          ASSERT_TRUE(r.converged) << s.name << ", delta " << delta;
          if (f <= 0)
            {
              ++elastic;
              EXPECT_EQ(r.region, MohrCoulombRegion::elastic) << s.name << ", f " << f;
              for (unsigned int i = 0; i < 3; ++i)
                for (unsigned int j = i; j < 3; ++j)
                  EXPECT_EQ(r.stress[i][j], trial[i][j]);
              EXPECT_EQ((r.tangent - C).norm(), 0.0);
            }
          else
            {
              ++plastic;
              EXPECT_NE(r.region, MohrCoulombRegion::elastic) << s.name << ", f " << f;
            }
        }
      EXPECT_GT(elastic, 1000u) << s.name;
      EXPECT_GT(plastic, 1000u) << s.name;
    }
}
