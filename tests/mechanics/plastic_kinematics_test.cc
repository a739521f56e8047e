// Perfect Mohr-Coulomb plasticity of a homogeneous block in the two planar kinematic models
// (tests/mechanics/plastic_block.prm; frictionless platens, the in-plane load along y):
//  * elastic range: plane strain E/(1 - nu^2) eps, generalized plane strain with zero net
//    axial force E eps (sigma_zz = 0), to 1e-9 relative;
//  * plastic plateau: the uniaxial compressive strength 2 c cos(phi)/(1 - sin(phi)) in both
//    (Mohr-Coulomb ignores the intermediate principal stress sigma_zz), within 1e-6 relative
//    (the target is 0.5 %); generalized plane strain: the axial strain is free, the
//    net axial force zero.
#include "mechanics_common.h"

using namespace mechanics;

namespace
{
  constexpr double E_vit1 = 96e9, nu_vit1 = 0.36, width = 1e-3;

  double strength()
  {
    const double phi = std::atan(0.105);
    return 2 * 8.105e8 * std::cos(phi) / (1 - std::sin(phi));
  }

  void check(const std::string &kinematics, const double elastic_modulus)
  {
    const auto s = run_statistics("out_plastic_" + std::to_string(kinematics.size()), "plastic_block.prm",
                                  {"Kinematics=" + kinematics});
    const std::string key = "reaction_force_y_on_boundary_3_N_per_m";
    // Step 10: nominal strain -0.01, elastic; last step: -0.025, on the plateau.
    const double elastic = s.value(key, 10) / width, plateau = s.value(key, s.n_rows() - 1) / width;
    const double plastic_points = s.value("plastic_quadrature_points", s.n_rows() - 1);
    std::cout << kinematics << ": sigma(-0.01) = " << elastic << " Pa (expected "
              << -elastic_modulus * 0.01 << "), plateau " << plateau << " Pa (expected "
              << -strength() << ", rel. deviation " << (plateau + strength()) / strength()
              << "), plastic points " << plastic_points << "\n";
    EXPECT_NEAR(elastic, -elastic_modulus * 0.01, 1e-9 * elastic_modulus * 0.01);
    EXPECT_NEAR(plateau, -strength(), 1e-6 * strength());
    EXPECT_GT(plastic_points, 0);
  }
} // namespace

TEST(PlasticKinematics, PlaneStrainPlateauIsTheUniaxialStrength)
{
  check("plane strain", E_vit1 / (1 - nu_vit1 * nu_vit1));
}

TEST(PlasticKinematics, GeneralizedPlaneStrainPlateauIsTheUniaxialStrength)
{
  check("generalized plane strain", E_vit1);
}
