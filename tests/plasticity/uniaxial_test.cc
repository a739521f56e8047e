// Compression of a homogeneous specimen between frictionless platens, Mohr-Coulomb without
// softening (c = Cohesion, phi = atan(Friction coefficient) at every free volume), temperature
// prescribed at the stress-free temperature. The state is homogeneous, so every quadrature
// point follows the material-point response and Q1 represents the linear displacement exactly:
//  * rod_compression.prm (axisymmetric rod, uniaxial stress): nominal stress = E x nominal
//    strain while elastic (to round-off); then the plateau at the uniaxial compressive strength
//    2 c cos(phi)/(1 - sin(phi)) (compression meridian, the s1 = s2 edge);
//  * block_compression.prm (plane strain): slope E/(1 - nu^2); sigma_zz = nu sigma_yy is the
//    intermediate principal stress and the main-plane flow has no zz component, so the plateau
//    is the same uniaxial strength (Mohr-Coulomb ignores s2) and sigma_zz/sigma_yy stays nu.
#include "plasticity_common.h"

using namespace plasticity;

namespace
{
  constexpr double E = 96e9, nu = 0.36, c = 8.105e8, mu = 0.105;

  struct CurveCheck
  {
    double       worst_elastic = 0, worst_plateau = 0, plateau_stress = 0;
    unsigned int n_elastic = 0, n_plateau = 0;
  };

  /// Compare the loading curve with sigma = modulus eps (|eps| < 0.99 yield strain) and the
  /// plateau -sigma_c (|eps| > 1.01 yield strain); print it.
  CurveCheck check_curve(const LoadingCurve &curve, const double modulus, const double sigma_c)
  {
    CurveCheck   k;
    const double yield_strain = sigma_c / modulus;
    std::cout << std::setprecision(10) << "strength 2 c cos(phi)/(1 - sin(phi)) = " << sigma_c
              << " Pa, modulus " << modulus << " Pa, yield strain " << yield_strain << "\n"
              << "  time    nominal strain    nominal stress (Pa)   modulus x strain (Pa)\n";
    for (const auto &r : curve.rows)
      {
        std::cout << "  " << std::setw(4) << r.time << "  " << std::setw(14) << r.strain << "  "
                  << std::setw(20) << r.stress << "  " << std::setw(20) << modulus * r.strain
                  << "\n";
        if (r.strain == 0)
          continue;
        if (std::abs(r.strain) < 0.99 * yield_strain)
          {
            k.worst_elastic = std::max(k.worst_elastic, std::abs(r.stress / (modulus * r.strain) - 1));
            ++k.n_elastic;
          }
        else if (std::abs(r.strain) > 1.01 * yield_strain)
          {
            const double dev = std::abs(r.stress / (-sigma_c) - 1);
            if (dev >= k.worst_plateau)
              k.worst_plateau = dev, k.plateau_stress = r.stress;
            ++k.n_plateau;
          }
      }
    std::cout << "elastic rows " << k.n_elastic << ": largest |sigma/(modulus eps) - 1| = "
              << k.worst_elastic << "\nplateau rows " << k.n_plateau
              << ": largest |sigma/(-sigma_c) - 1| = " << k.worst_plateau
              << " (at sigma = " << k.plateau_stress << " Pa)\n";
    return k;
  }

  void common_expectations(const bmgfe_test::Statistics &s, const LoadingCurve &curve,
                           const CurveCheck &k)
  {
    EXPECT_GE(k.n_elastic, 10u);
    EXPECT_GE(k.n_plateau, 4u);
    EXPECT_LE(k.worst_elastic, 1e-6);
    EXPECT_LE(k.worst_plateau, 5e-3);
    // The specimen yields and the statistics say so; no cutback needed.
    const std::size_t last = s.n_rows() - 1;
    EXPECT_GT(s.value("plastic_quadrature_points", last), 0);
    EXPECT_GT(s.value("equivalent_plastic_strain_max", last), 0);
    for (std::size_t r = 0; r < s.n_rows(); ++r)
      EXPECT_EQ(s.value("mechanics_cutbacks", r), 0) << "step " << r;
    // Equilibrium: the supported platen carries the same force (its reaction points the other
    // way).
    const auto &end = curve.rows.back();
    EXPECT_NEAR(end.supported_force, -end.force, 1e-6 * std::abs(end.force));
  }
} // namespace

TEST(PlasticUniaxial, RodPlateauIsTheMohrCoulombStrength)
{
  const double sigma_c = uniaxial_strength(c, mu);
  const auto   s       = run("out_uniaxial_rod", prm("rod_compression.prm"), {});
  const LoadingCurve curve("out_uniaxial_rod/force_displacement.csv");
  ASSERT_GE(curve.rows.size(), 20u);
  const CurveCheck k = check_curve(curve, E, sigma_c);
  record("elastic_relative_error", k.worst_elastic);
  record("plateau_relative_deviation", k.worst_plateau);
  common_expectations(s, curve, k);
}

TEST(PlasticUniaxial, PlaneStrainBlockPlateauIsTheMohrCoulombStrength)
{
  const double sigma_c = uniaxial_strength(c, mu);
  const auto   s       = run("out_uniaxial_block", prm("block_compression.prm"), {});
  const LoadingCurve curve("out_uniaxial_block/force_displacement.csv");
  ASSERT_GE(curve.rows.size(), 20u);
  const CurveCheck k = check_curve(curve, E / (1 - nu * nu), sigma_c);
  record("elastic_relative_error", k.worst_elastic);
  record("plateau_relative_deviation", k.worst_plateau);
  common_expectations(s, curve, k);
  // sigma_zz = nu sigma_yy at the side probe at every step, elastic and plastic.
  double worst_zz = 0;
  for (std::size_t r = 1; r < s.n_rows(); ++r)
    {
      const double szz = s.value("stress_zz_at_side_Pa", r);
      const double syy = curve.rows.at(r).stress;
      worst_zz         = std::max(worst_zz, std::abs(szz / (nu * syy) - 1));
    }
  std::cout << "largest |sigma_zz/(nu sigma_yy) - 1| at the side probe: " << worst_zz << "\n";
  EXPECT_LE(worst_zz, 1e-6);
}
