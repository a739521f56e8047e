// Free-volume-dependent Mohr-Coulomb strength and the hardness proxies (doc/model.md §4, §5).
#include <bmgfe/base/input_error.h>
#include <bmgfe/materials/mohr_coulomb_strength.h>

#include <deal.II/base/parameter_handler.h>

#include <gtest/gtest.h>

#include <cmath>

using bmgfe::HardnessParameters;
using bmgfe::MohrCoulombStrength;

TEST(MohrCoulombStrength, Vit1DefaultsGiveMeasuredStrengthAndBandAngle)
{
  const MohrCoulombStrength s;
  const double              x = s.reference_free_volume;
  // 1.7-1.9 GPa measured (doc/model.md §7); the default is the middle.
  EXPECT_NEAR(s.compressive_strength(x), 1.8e9, 1e-3 * 1.8e9);
  // theta_c = 45 deg - phi/2 = 42.0 deg for mu = 0.105 (doc/model.md §4).
  EXPECT_NEAR(s.band_angle(x) * 180 / M_PI, 42.0, 0.05);
  // sigma_c = 2 c cos(phi)/(1 - sin(phi)) equals the Mohr-Coulomb uniaxial limit: with
  // sigma_1 = 0, sigma_3 = -sigma_c the yield function (s1 - s3) + (s1 + s3) sin(phi)
  // - 2 c cos(phi) vanishes.
  const double phi = s.friction_angle(x), sc = s.compressive_strength(x);
  EXPECT_NEAR(sc - sc * std::sin(phi) - 2 * s.cohesion(x) * std::cos(phi), 0.0, 1e-6 * sc);
}

TEST(MohrCoulombStrength, SofteningWithFreeVolume)
{
  MohrCoulombStrength s;
  s.friction_softening = 0.2;
  const double xr = s.reference_free_volume;
  // 10 % more free volume: c falls by exp(-0.05), mu by 0.02.
  EXPECT_NEAR(s.cohesion(1.1 * xr) / s.cohesion0, std::exp(-0.05), 1e-14);
  EXPECT_NEAR(s.friction_coefficient(1.1 * xr), 0.105 - 0.02, 1e-14);
  EXPECT_LT(s.compressive_strength(1.1 * xr), s.compressive_strength(xr));
  EXPECT_GT(s.compressive_strength(0.9 * xr), s.compressive_strength(xr));
  // The friction coefficient never turns negative.
  EXPECT_EQ(s.friction_coefficient(10 * xr), 0.0);
  EXPECT_NEAR(s.band_angle(10 * xr), M_PI / 4, 1e-15);
}

TEST(Hardness, TaborAndResidualMeanStress)
{
  const MohrCoulombStrength s;
  const HardnessParameters  h;
  const double              H = h.hardness(s, s.reference_free_volume);
  EXPECT_NEAR(H, 3 * 1.8e9, 1e-3 * 5.4e9);
  // A compressive residual mean stress raises the apparent hardness, a tensile one lowers it.
  EXPECT_DOUBLE_EQ(h.apparent_hardness(H, -1e8), H + 1e8);
  EXPECT_DOUBLE_EQ(h.apparent_hardness(H, 2e8), H - 2e8);
  // Annealing (less free volume) hardens.
  EXPECT_GT(h.hardness(s, 0.95 * s.reference_free_volume), H);
}

TEST(MohrCoulombStrength, ParametersAndErrors)
{
  dealii::ParameterHandler prm;
  MohrCoulombStrength::declare_parameters(prm);
  HardnessParameters::declare_parameters(prm);
  prm.parse_input_from_string("subsection Material\n subsection Mohr-Coulomb\n"
                              "  set Cohesion = 1e9\n  set Friction coefficient = 0.07\n"
                              " end\nend\n"
                              "subsection Postprocess\n subsection Hardness\n"
                              "  set Tabor factor = 2.8\n end\nend\n");
  MohrCoulombStrength s;
  s.parse_parameters(prm);
  EXPECT_EQ(s.cohesion0, 1e9);
  EXPECT_EQ(s.friction0, 0.07);
  HardnessParameters h;
  h.parse_parameters(prm);
  EXPECT_EQ(h.tabor_factor, 2.8);

  MohrCoulombStrength bad;
  bad.reference_free_volume = 0;
  try
    {
      bad.check();
      FAIL() << "a zero reference free volume was accepted";
    }
  catch (const bmgfe::InputError &e)
    {
      EXPECT_NE(std::string(e.what()).find("reference free volume"), std::string::npos) << e.what();
    }
  HardnessParameters bad_h;
  bad_h.tabor_factor = 0;
  try
    {
      bad_h.check();
      FAIL() << "a zero Tabor factor was accepted";
    }
  catch (const bmgfe::InputError &e)
    {
      EXPECT_NE(std::string(e.what()).find("Postprocess/Hardness/Tabor factor"), std::string::npos)
        << e.what();
    }
}
