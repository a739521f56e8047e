// PropertyTable: constant values, piecewise-linear interpolation, constant extrapolation,
// slopes, parse errors and the to_string() round trip.
#include <bmgfe/base/input_error.h>
#include <bmgfe/materials/property_table.h>

#include <gtest/gtest.h>

#include <vector>

using bmgfe::InputError;
using bmgfe::PropertyTable;

TEST(PropertyTable, ConstantFromNumberAndFromConstructor)
{
  const PropertyTable p = PropertyTable::parse("  5.25 ");
  EXPECT_TRUE(p.is_constant());
  // A constant is the same number at every temperature and has no slope.
  for (const double T : {1.0, 293.15, 1e4})
    {
      EXPECT_EQ(p.value(T), 5.25);
      EXPECT_EQ(p.derivative(T), 0.0);
    }
  EXPECT_EQ(p.min_value(), 5.25);
  EXPECT_EQ(p.max_value(), 5.25);
  EXPECT_EQ(p.values().size(), 1u);

  const PropertyTable q(7.5);
  EXPECT_TRUE(q.is_constant());
  EXPECT_EQ(q.value(-100.0), 7.5);
  EXPECT_EQ(q.value(1e6), 7.5);
}

TEST(PropertyTable, PiecewiseLinearInterpolation)
{
  const PropertyTable p = PropertyTable::parse("300:4.5, 600:5.1, 900:6.0");
  ASSERT_EQ(p.temperatures(), (std::vector<double>{300, 600, 900}));
  ASSERT_EQ(p.values(), (std::vector<double>{4.5, 5.1, 6.0}));
  EXPECT_FALSE(p.is_constant());
  // Table points are reproduced.
  EXPECT_DOUBLE_EQ(p.value(300), 4.5);
  EXPECT_DOUBLE_EQ(p.value(600), 5.1);
  EXPECT_DOUBLE_EQ(p.value(900), 6.0);
  // Linear in between: 4.5 + (450-300)/300 * 0.6 = 4.8; 5.1 + 100/300 * 0.9 = 5.4.
  EXPECT_NEAR(p.value(450), 4.8, 1e-14);
  EXPECT_NEAR(p.value(700), 5.4, 1e-14);
  EXPECT_NEAR(p.value(375), 4.65, 1e-14);
  EXPECT_DOUBLE_EQ(p.min_value(), 4.5);
  EXPECT_DOUBLE_EQ(p.max_value(), 6.0);
}

TEST(PropertyTable, ConstantExtrapolationBelowAndAbove)
{
  const PropertyTable p({300, 600}, {420, 640});
  // Outside the table the end values are held (no extrapolated slope).
  EXPECT_EQ(p.value(100), 420);
  EXPECT_EQ(p.value(299.999), 420);
  EXPECT_EQ(p.value(600.001), 640);
  EXPECT_EQ(p.value(5000), 640);
}

TEST(PropertyTable, DerivativeInsideAndOutside)
{
  const PropertyTable p = PropertyTable::parse("300:4.5, 600:5.1, 900:6.0");
  // Slopes of the two intervals: 0.6/300 = 0.002 and 0.9/300 = 0.003 per K.
  EXPECT_NEAR(p.derivative(450), 0.002, 1e-15);
  EXPECT_NEAR(p.derivative(599.9), 0.002, 1e-15);
  EXPECT_NEAR(p.derivative(600.1), 0.003, 1e-15);
  EXPECT_NEAR(p.derivative(899), 0.003, 1e-15);
  // Zero where the value is held constant.
  EXPECT_EQ(p.derivative(299), 0.0);
  EXPECT_EQ(p.derivative(900), 0.0);
  EXPECT_EQ(p.derivative(2000), 0.0);
}

TEST(PropertyTable, ParseErrorsThrowInputError)
{
  // Temperatures must increase strictly.
  EXPECT_THROW(PropertyTable::parse("600:1, 300:2"), InputError);
  EXPECT_THROW(PropertyTable::parse("300:1, 300:2"), InputError);
  // Not a number, as constant, temperature or value.
  EXPECT_THROW(PropertyTable::parse("abc"), InputError);
  EXPECT_THROW(PropertyTable::parse("300:abc"), InputError);
  EXPECT_THROW(PropertyTable::parse("abc:4"), InputError);
  EXPECT_THROW(PropertyTable::parse("5.0x"), InputError);
  // An item without 'temperature:value'.
  EXPECT_THROW(PropertyTable::parse("300:1, 400"), InputError);
  EXPECT_THROW(PropertyTable::parse("300:1,, 400:2"), InputError);
  // Empty or blank.
  EXPECT_THROW(PropertyTable::parse(""), InputError);
  EXPECT_THROW(PropertyTable::parse("   "), InputError);
  // Non-positive absolute temperature.
  EXPECT_THROW(PropertyTable::parse("0:1, 300:2"), InputError);
  EXPECT_THROW(PropertyTable::parse("-10:1, 300:2"), InputError);
  // Constructor: sizes must match and not be empty.
  EXPECT_THROW(PropertyTable({300, 600}, {1}), InputError);
  EXPECT_THROW(PropertyTable({}, {}), InputError);
}

TEST(PropertyTable, ErrorMessageSaysWhatIsWrong)
{
  try
    {
      PropertyTable::parse("300:1, 400");
      FAIL() << "no exception";
    }
  catch (const InputError &e)
    {
      // The message quotes the faulty item.
      EXPECT_NE(std::string(e.what()).find("'400'"), std::string::npos) << e.what();
    }
}

TEST(PropertyTable, ToStringRoundTrip)
{
  for (const std::string text : {"300:4.5, 600:5.1, 900:6", "1e3:0.125, 1.5e3:3.0625", "5.25"})
    {
      const PropertyTable p = PropertyTable::parse(text);
      const PropertyTable q = PropertyTable::parse(p.to_string());
      // Exactly the same table after writing and reading back.
      EXPECT_EQ(q.temperatures(), p.temperatures()) << text << " -> " << p.to_string();
      EXPECT_EQ(q.values(), p.values()) << text << " -> " << p.to_string();
    }
  EXPECT_EQ(PropertyTable::parse("300:4.5, 600:5.1").to_string(), "300:4.5, 600:5.1");
  EXPECT_EQ(PropertyTable(5.25).to_string(), "5.25");
  // More digits than to_string() writes (10 significant): equal to 1e-9 relative.
  const PropertyTable p({300.123456789012, 600}, {1.0 / 3.0, 2.0 / 3.0});
  const PropertyTable q = PropertyTable::parse(p.to_string());
  EXPECT_NEAR(q.temperatures()[0], p.temperatures()[0], 1e-9 * 300);
  EXPECT_NEAR(q.values()[0], 1.0 / 3.0, 1e-9);
  EXPECT_NEAR(q.values()[1], 2.0 / 3.0, 1e-9);
}
