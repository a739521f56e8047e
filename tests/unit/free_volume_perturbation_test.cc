// 'Material/Free volume/Initial free volume perturbation': dx(X) added to the initial free
// volume x_initial (1 + delta_x g) by ThermoElasticMaterial::initial_free_volume(g, point).
#include <bmgfe/base/input_error.h>
#include <bmgfe/materials/thermoelastic_material.h>

#include <deal.II/base/parameter_handler.h>

#include <gtest/gtest.h>

#include <array>
#include <cmath>
#include <string>

using bmgfe::InputError;
using bmgfe::ThermoElasticMaterial;

namespace
{
  ThermoElasticMaterial parse_material(const std::string &free_volume_body, const int dim = 0)
  {
    dealii::ParameterHandler prm;
    ThermoElasticMaterial::declare_parameters(prm);
    prm.parse_input_from_string("subsection Material\n"
                                "  subsection Free volume\n" +
                                free_volume_body +
                                "  end\n"
                                "end\n");
    ThermoElasticMaterial m;
    m.parse_parameters(prm, dim);
    return m;
  }

  std::string perturbation_error(const std::string &expression, const int dim)
  {
    try
      {
        parse_material("    set Initial free volume perturbation = " + expression + "\n", dim);
      }
    catch (const InputError &e)
      {
        return e.what();
      }
    ADD_FAILURE() << "no InputError for '" << expression << "'";
    return "";
  }
} // namespace

TEST(FreeVolumePerturbation, DefaultIsZero)
{
  const ThermoElasticMaterial m = parse_material("");
  EXPECT_EQ(m.free_volume_perturbation_expression, "0");
  EXPECT_FALSE(m.free_volume_perturbation); // nothing to evaluate
  const std::array<double, 3> p{{1e-3, 2e-3, 3e-3}};
  for (const double g : {0.0, 0.7, -1.3})
    EXPECT_EQ(m.initial_free_volume(g, p), m.initial_free_volume(g));
  // A default-constructed material (no parameter file) behaves the same.
  const ThermoElasticMaterial d;
  EXPECT_EQ(d.initial_free_volume(0.5, p), d.initial_free_volume(0.5));
}

TEST(FreeVolumePerturbation, AddsExactlyAtAPoint)
{
  // A Gaussian soft spot at (1e-3, 3e-3) of width 2e-4.
  const std::string expression = "0.005*exp(-((x-1e-3)^2 + (y-3e-3)^2)/(2*(2e-4)^2))";
  ThermoElasticMaterial m = parse_material("    set Initial fictive temperature = 650\n"
                                           "    set Initial free volume perturbation = " +
                                             expression + "\n",
                                           2);
  m.free_volume_amplitude = 0.1;
  ASSERT_TRUE(m.free_volume_perturbation);
  EXPECT_EQ(m.free_volume_perturbation_expression, expression);
  const double x_initial = m.free_volume.x_initial();
  EXPECT_GT(x_initial, 0);
  for (const double g : {0.0, 1.5})
    {
      const double base = x_initial * (1 + 0.1 * g);
      EXPECT_DOUBLE_EQ(m.initial_free_volume(g), base);
      // At the centre of the spot: + 0.005 exactly.
      EXPECT_NEAR(m.initial_free_volume(g, {{1e-3, 3e-3, 0}}), base + 0.005, 1e-15);
      // One width away in x: + 0.005 e^{-1/2}.
      EXPECT_NEAR(m.initial_free_volume(g, {{1.2e-3, 3e-3, 0}}), base + 0.005 * std::exp(-0.5),
                  1e-15);
      // Far away: nothing.
      EXPECT_NEAR(m.initial_free_volume(g, {{-5e-3, 0, 0}}), base, 1e-15);
    }
  // Copies share the compiled expression.
  const ThermoElasticMaterial copy = m;
  EXPECT_NEAR(copy.initial_free_volume(0, {{1e-3, 3e-3, 0}}), x_initial + 0.005, 1e-15);
}

TEST(FreeVolumePerturbation, ThreeDimensionalAndConstant)
{
  ThermoElasticMaterial m;
  m.set_free_volume_perturbation("1e-3*z/2e-3 + pi*0", 3);
  EXPECT_NEAR(m.initial_free_volume(0, {{0, 0, 2e-3}}), m.free_volume.x_initial() + 1e-3, 1e-15);
  EXPECT_NEAR(m.initial_free_volume(0, {{5, 7, 0}}), m.free_volume.x_initial(), 1e-15);
  // A constant shift; "0.0" is zero too (no function).
  m.set_free_volume_perturbation("-0.002");
  EXPECT_NEAR(m.initial_free_volume(0, {{1, 2, 3}}), m.free_volume.x_initial() - 0.002, 1e-15);
  m.set_free_volume_perturbation(" 0.0 ");
  EXPECT_FALSE(m.free_volume_perturbation);
  // Dimension unknown (0): z is accepted, and is 0 at the points of 2D models.
  m.set_free_volume_perturbation("1e-3*(1 + z)", 0);
  EXPECT_NEAR(m.initial_free_volume(0, {{1, 2, 0}}), m.free_volume.x_initial() + 1e-3, 1e-15);
}

TEST(FreeVolumePerturbation, InvalidExpressionNamesTheEntry)
{
  const std::string entry = "entry 'Material/Free volume/Initial free volume perturbation'";
  std::string       what  = perturbation_error("0.01*exp(-(x^2", 3);
  EXPECT_NE(what.find(entry), std::string::npos) << what;
  EXPECT_NE(what.find("0.01*exp(-(x^2"), std::string::npos) << what;
  what = perturbation_error("0.01*T", 3); // not a variable
  EXPECT_NE(what.find(entry), std::string::npos) << what;
  // 2D models have only x and y, as in 'Heat/Initial temperature'.
  what = perturbation_error("1e-3*z", 2);
  EXPECT_NE(what.find(entry), std::string::npos) << what;
  EXPECT_NE(what.find("x,y"), std::string::npos) << what;
  EXPECT_NO_THROW(parse_material("    set Initial free volume perturbation = 1e-3*z\n", 3));
  // A failed parse leaves the material as it was.
  ThermoElasticMaterial m;
  m.set_free_volume_perturbation("1e-3");
  EXPECT_THROW(m.set_free_volume_perturbation("1e-3*(", 3), InputError);
  EXPECT_EQ(m.free_volume_perturbation_expression, "1e-3");
  EXPECT_NEAR(m.initial_free_volume(0, {{0, 0, 0}}), m.free_volume.x_initial() + 1e-3, 1e-15);
}
