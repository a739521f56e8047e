// A postprocessor that lives only in this file: it registers itself, declares its own entry,
// adds a point quantity (written by the visualization, listed in fields.csv) and a statistics
// column, and bmgfe's own simulator runs it when 'Postprocess/List of postprocessors' names it.
// Adding a postprocessor to bmgfe is this: one header/source pair, no other file touched.
#include <bmgfe/core/parameters.h>
#include <bmgfe/core/simulator.h>
#include <bmgfe/postprocess/manager.h>

#include <deal.II/base/mpi.h>
#include <deal.II/base/parameter_handler.h>

#include <bmgfe_test_support.h>
#include <gtest/gtest.h>

#include <filesystem>

namespace
{
  using namespace bmgfe;
  using namespace bmgfe::postprocess;

  template <int dim, typename LA>
  class ScaledTemperature : public Interface<dim, LA>
  {
  public:
    static void declare_parameters(dealii::ParameterHandler &prm)
    {
      prm.enter_subsection("Postprocess");
      prm.enter_subsection("Scaled temperature");
      prm.declare_entry("Factor", "2", dealii::Patterns::Double(), "Scale of the temperature.");
      prm.leave_subsection();
      prm.leave_subsection();
    }
    bool enabled_by_default(dealii::ParameterHandler &) const override { return false; }
    void parse_parameters(dealii::ParameterHandler &prm) override
    {
      prm.enter_subsection("Postprocess");
      prm.enter_subsection("Scaled temperature");
      factor = prm.get_double("Factor");
      prm.leave_subsection();
      prm.leave_subsection();
    }
    void declare_quantities(QuantityRegistry &quantities) const override
    {
      Quantity q;
      q.name           = "scaled_temperature";
      q.unit           = "K";
      q.description    = "Factor times the temperature (test plugin)";
      const double f   = factor;
      q.scalar         = [f](const PointContext &p) { return f * p.fields.temperature; };
      quantities.add(q);
    }
    bool needs_quadrature_points(const StepInfo &) const override { return true; }
    void visit_cell(const CellPoints<dim> &points) override
    {
      if (points.first)
        seen = 0;
      seen += points.fields.size();
    }
    void execute(const StepInfo &, StatisticsRow &statistics) override
    {
      statistics.add_integer("quadrature_points_seen", dealii::Utilities::MPI::sum(seen, this->run().comm));
      seen = 0;
    }
    void add_summary(Summary &summary) override { summary["scaled_temperature_factor"] = json_number(factor); }

  private:
    double             factor = 2;
    unsigned long long seen   = 0;
  };
} // namespace

BMGFE_REGISTER_POSTPROCESSOR(ScaledTemperature, "scaled temperature", 95,
                             "test plugin: factor times the temperature")

TEST(PostprocessorPlugin, RegisteredRunAndWritten)
{
  const auto &registered = bmgfe::postprocess::registered_postprocessors();
  ASSERT_EQ(registered.count("scaled temperature"), 1u);
  // bmgfe's own postprocessors are registered as well.
  for (const char *name : {"run statistics", "probes", "reference solution", "mechanics statistics",
                           "reaction forces", "loading curve", "plasticity statistics", "shear bands",
                           "stress measures", "glass state", "ring statistics",
                           "heterogeneity report", "visualization"})
    EXPECT_EQ(registered.count(name), 1u) << name;

  const std::string out = "out_postprocess_plugin";
  std::filesystem::remove_all(out);
  bmgfe::Parameters parameters;
  auto prm = bmgfe::read_parameters(BMGFE_SMALL_ROD_PRM,
                                    {"Output directory=" + out,
                                     "Postprocess/List of postprocessors=default, scaled temperature",
                                     "Postprocess/Scaled temperature/Factor=3"},
                                    parameters);
  bmgfe::run_simulation(parameters, *prm, bmgfe::RunMode::run);

  const bmgfe_test::Statistics stats(out + "/statistics.csv");
  ASSERT_GT(stats.n_rows(), 2u);
  // 64 cells of Q1 temperature, QGauss(2): 4 points each.
  for (std::size_t row = 0; row < stats.n_rows(); ++row)
    EXPECT_EQ(stats.value("quadrature_points_seen", row), 256) << row;
  EXPECT_NE(bmgfe_test::read_file(out + "/fields.csv").find("scaled_temperature_K,K,point"),
            std::string::npos);
  EXPECT_NE(bmgfe_test::read_file(out + "/summary.json").find("\"scaled_temperature_factor\": 3"),
            std::string::npos);
  EXPECT_NE(bmgfe_test::read_file(out + "/log.txt").find("scaled temperature"), std::string::npos);
}

int main(int argc, char **argv)
{
  dealii::Utilities::MPI::MPI_InitFinalize mpi(argc, argv, 1);
  ::testing::InitGoogleTest(&argc, argv);
  return RUN_ALL_TESTS();
}
