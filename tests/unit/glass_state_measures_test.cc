// Postprocessors of the glass state (doc/model.md §2, §5) without a mesh: hardness H = C_T sigma_c(x),
// apparent hardness H_app = H - kappa_H sigma_m, relaxation enthalpy dH_rel = dc_p (T_f -
// T_f,ref), the parameter entries and their coupling to the free-volume model, and the
// H/mean(H) field of the ring statistics.
#include <bmgfe/base/input_error.h>
#include <bmgfe/materials/tg_calibration.h>
#include <bmgfe/materials/thermoelastic_material.h>
#include <bmgfe/postprocess/glass_state_measures.h>
#include <bmgfe/postprocess/ring_statistics.h>

#include <deal.II/base/parameter_handler.h>

#include <gtest/gtest.h>

#include <cmath>
#include <iomanip>
#include <sstream>
#include <string>

using namespace bmgfe;

namespace
{
  /// Vit1 defaults with x_ref from the free-volume model (T_f,ref = 623 K).
  GlassStateMeasures vit1()
  {
    const FreeVolumeParameters fv;
    GlassStateMeasures         m;
    m.strength.reference_free_volume      = fv.x_ref();
    m.enthalpy.reference_fictive_temperature = 623;
    return m;
  }
} // namespace

TEST(GlassStateMeasures, Vit1HardnessIsTaborTimesCompressiveStrength)
{
  const GlassStateMeasures   m = vit1();
  const FreeVolumeParameters fv;
  // At x_ref sigma_c = 1.8 GPa (doc/model.md §7), so H = 3 x 1.8 = 5.4 GPa.
  const GlassState s = m.at(fv.x_ref(), 0.0, 623);
  EXPECT_NEAR(s.hardness, 5.4e9, 1e-3 * 5.4e9);
  EXPECT_DOUBLE_EQ(s.apparent_hardness, s.hardness); // no residual mean stress
  EXPECT_DOUBLE_EQ(s.relaxation_enthalpy, 0.0);      // the reference glass itself
}

TEST(GlassStateMeasures, CompressiveMeanStressRaisesApparentHardness)
{
  const GlassStateMeasures   m = vit1();
  const FreeVolumeParameters fv;
  const double               x = fv.x_ref();
  const GlassState compressive = m.at(x, -300e6, 623), tensile = m.at(x, 200e6, 623);
  // kappa_H = 1: H_app = H - sigma_m.
  EXPECT_DOUBLE_EQ(compressive.apparent_hardness, compressive.hardness + 300e6);
  EXPECT_GT(compressive.apparent_hardness, compressive.hardness);
  EXPECT_DOUBLE_EQ(tensile.apparent_hardness, tensile.hardness - 200e6);
  EXPECT_LT(tensile.apparent_hardness, tensile.hardness);
}

TEST(GlassStateMeasures, RelaxationEnthalpySignAndValue)
{
  const GlassStateMeasures   m = vit1();
  const FreeVolumeParameters fv;
  // A glass frozen 40 K above the reference (faster cooling): it stores
  // dc_p * 40 K = 160 * 40 = 6400 J/kg = 6.4 J/g more enthalpy, released on reheating.
  const double     Tf_fast = 663, Tf_aged = 603;
  const GlassState fast = m.at(fv.x_of_fictive_temperature(Tf_fast), 0.0, Tf_fast);
  const GlassState aged = m.at(fv.x_of_fictive_temperature(Tf_aged), 0.0, Tf_aged);
  EXPECT_NEAR(fast.relaxation_enthalpy, 6400, 1e-9);
  EXPECT_NEAR(fast.relaxation_enthalpy * joule_per_gram, 6.4, 1e-12);
  // An aged (relaxed) glass stores less: negative.
  EXPECT_NEAR(aged.relaxation_enthalpy, -3200, 1e-9);
  // More free volume softens: the faster-cooled glass is softer, the aged one harder.
  const double H_ref = m.at(fv.x_ref(), 0.0, 623).hardness;
  EXPECT_LT(fast.hardness, H_ref);
  EXPECT_GT(aged.hardness, H_ref);
}

TEST(GlassStateMeasures, ReferenceFictiveTemperatureFollowsTheModelTg)
{
  dealii::ParameterHandler prm;
  FreeVolumeParameters::declare_parameters(prm);
  RelaxationEnthalpyParameters::declare_parameters(prm);

  // Default 'Tg' with the calibrated tau0: the model's Tg is the entry within 1e-3 K.
  FreeVolumeParameters fv;
  fv.parse_parameters(prm);
  RelaxationEnthalpyParameters h;
  h.parse_parameters(prm, fv);
  EXPECT_TRUE(h.reference_is_model_tg);
  EXPECT_NEAR(h.reference_fictive_temperature, 623, 2e-3);
  EXPECT_EQ(h.heat_capacity_jump, 160);

  // With tau0 given, 'Tg' is the Tg of that model at the calibration rate, not the entry:
  // a 100 times slower liquid falls out of equilibrium at a higher temperature.
  const double tau0 = fv.tau0;
  prm.enter_subsection("Material");
  prm.enter_subsection("Free volume");
  std::ostringstream slow_tau0;
  slow_tau0 << std::setprecision(17) << 100 * tau0;
  prm.set("Relaxation time prefactor", slow_tau0.str());
  prm.leave_subsection();
  prm.leave_subsection();
  FreeVolumeParameters slow;
  slow.parse_parameters(prm);
  RelaxationEnthalpyParameters hs;
  hs.parse_parameters(prm, slow);
  const double model_tg = cool_through_glass_transition(slow, slow.calibration_rate).glass_transition;
  EXPECT_DOUBLE_EQ(hs.reference_fictive_temperature, model_tg);
  EXPECT_GT(hs.reference_fictive_temperature, 630);

  // A number is taken as it is.
  prm.enter_subsection("Postprocess");
  prm.enter_subsection("Relaxation enthalpy");
  prm.set("Reference fictive temperature", "610.5");
  prm.set("Heat capacity jump", "200");
  prm.leave_subsection();
  prm.leave_subsection();
  RelaxationEnthalpyParameters hn;
  hn.parse_parameters(prm, slow);
  EXPECT_FALSE(hn.reference_is_model_tg);
  EXPECT_EQ(hn.reference_fictive_temperature, 610.5);
  EXPECT_NEAR(hn.relaxation_enthalpy(620.5), 2000, 1e-9);

  // Anything else is an input error naming the entry.
  prm.enter_subsection("Postprocess");
  prm.enter_subsection("Relaxation enthalpy");
  prm.set("Reference fictive temperature", "glass");
  prm.leave_subsection();
  prm.leave_subsection();
  try
    {
      RelaxationEnthalpyParameters bad;
      bad.parse_parameters(prm, slow);
      FAIL() << "'glass' was accepted as a reference fictive temperature";
    }
  catch (const InputError &e)
    {
      EXPECT_NE(std::string(e.what()).find(
                  "entry 'Postprocess/Relaxation enthalpy/Reference fictive temperature'"),
                std::string::npos)
        << e.what();
    }
}

TEST(GlassStateMeasures, StrengthTakesReferenceFreeVolumeFromTheFreeVolumeModel)
{
  // x_ref of the Mohr-Coulomb strength is not an entry: it is the free volume at
  // 'Material/Free volume/Reference fictive temperature'.
  dealii::ParameterHandler prm;
  ThermoElasticMaterial::declare_parameters(prm);
  prm.enter_subsection("Material");
  prm.enter_subsection("Free volume");
  prm.set("Reference fictive temperature", "600");
  prm.leave_subsection();
  prm.enter_subsection("Mohr-Coulomb");
  prm.set("Cohesion softening", "0.7");
  prm.leave_subsection();
  prm.leave_subsection();
  ThermoElasticMaterial m;
  m.parse_parameters(prm);
  EXPECT_DOUBLE_EQ(m.strength.reference_free_volume, m.free_volume.x_of_fictive_temperature(600));
  EXPECT_EQ(m.strength.cohesion_softening, 0.7);
  const HardnessParameters hardness;
  EXPECT_NEAR(hardness.hardness(m.strength, m.strength.reference_free_volume), 5.4e9, 1e-3 * 5.4e9);
}

TEST(RingStatistics, RelativeFieldIsFieldOverVolumeMean)
{
  // Two rings; field 0 is "H". Inner ring: 4 and 6 with weights 1 and 1; outer ring: 8 with
  // weight 2. Volume mean = (4 + 6 + 16)/4 = 6.5.
  RingStatistics rings(2, 1.0, {"H", "other"});
  rings.add(0.2, 1, {4, 0});
  rings.add(0.3, 1, {6, 1});
  rings.add(0.8, 2, {8, 2});
  EXPECT_DOUBLE_EQ(rings.volume_mean(0), 6.5);
  rings.add_relative_field("H_rel", rings.field_index("H"));
  ASSERT_TRUE(rings.has_field("H_rel"));
  const unsigned int r = rings.field_index("H_rel");
  EXPECT_EQ(r, 2u);
  EXPECT_NEAR(rings.mean(0, r), 5 / 6.5, 1e-15);
  EXPECT_NEAR(rings.mean(1, r), 8 / 6.5, 1e-15);
  EXPECT_NEAR(rings.standard_deviation(0, r), 1 / 6.5, 1e-14);
  EXPECT_NEAR(rings.fwhm(0, r), rings.fwhm(0, 0) / 6.5, 1e-14);
  EXPECT_NEAR(rings.volume_mean(r), 1.0, 1e-15);
  // The other fields are untouched.
  EXPECT_DOUBLE_EQ(rings.mean(0, 1), 0.5);
  EXPECT_DOUBLE_EQ(rings.mean(1, 1), 2.0);
  EXPECT_DOUBLE_EQ(rings.mean(1, 0), 8.0);
  EXPECT_THROW(rings.field_index("missing"), std::logic_error);
}
