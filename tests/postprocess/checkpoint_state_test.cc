// Checkpoints of the postprocessors' running state (Interface::save_state/load_state): a test
// plugin runs twins of stateful postprocessors next to bmgfe's own in a small plastic run. At a
// checkpoint step it saves twin A's state, loads it into a fresh twin B (constructed, parsed and
// initialised like on a restart) and from the next step on both must produce the same
// statistics rows and state bytes (rank 0's, which a checkpoint stores), and at the end the
// same summary.json entries. The twins write no files (no run directory); the run itself
// writes its own. On 2 ranks (mpirun -np 2) every rank restores rank 0's bytes, which holds
// the per-point state of all ranks (cycle statistics).
#include <bmgfe/core/parameters.h>
#include <bmgfe/core/simulator.h>
#include <bmgfe/postprocess/manager.h>

#include <deal.II/base/mpi.h>
#include <deal.II/base/parameter_handler.h>

#include <bmgfe_test_support.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <memory>
#include <set>
#include <sstream>

namespace
{
  using namespace bmgfe;
  using namespace bmgfe::postprocess;

  /// Names of the postprocessors twinned, and the steps checkpointed (a cycle end, mid-cycle).
  const std::vector<std::string> twinned = {"run statistics", "deformation gauges", "loading curve",
                                            "plasticity statistics", "shear bands", "band tracking",
                                            "cycle statistics", "visualization"};
  const std::vector<unsigned int> checkpoint_steps = {12, 14};

  /// What the test checks, filled on rank 0 while the run goes on.
  struct Findings
  {
    std::vector<std::string> failures;
    std::set<std::string>    nonempty_state; ///< twins whose state was not empty
    unsigned int             compared_rows = 0;
    unsigned int             compared_summaries = 0;
  } findings;

  template <int dim, typename LA>
  class CheckpointTwins : public Interface<dim, LA>
  {
  public:
    static void declare_parameters(dealii::ParameterHandler &) {}
    bool enabled_by_default(dealii::ParameterHandler &) const override { return false; }
    void parse_parameters(dealii::ParameterHandler &prm) override { handler = &prm; }

    void initialize() override
    {
      quiet      = this->run();
      quiet.run_directory = nullptr; // the twins write no files
      quiet.log  = &discard;
      original   = make_twins();
    }

    bool needs_quadrature_points(const StepInfo &info) const override
    {
      wants.clear();
      const auto add = [&](const Twins &set) {
        for (const auto &[name, twins] : set)
          if (twins.front()->needs_quadrature_points(info))
            wants.insert(twins.front().get());
      };
      add(original);
      for (const auto &[step, set] : restarted_by_step)
        add(set);
      return !wants.empty();
    }

    void visit_cell(const CellPoints<dim> &points) override
    {
      for (auto *t : wants)
        t->visit_cell(points);
    }

    void execute(const StepInfo &info, StatisticsRow &) override
    {
      StatisticsTable table_a;
      std::map<std::string, StatisticsTable> tables_b;
      for (auto &[name, twins] : original)
        {
          StatisticsRow row_a = table_a.new_row();
          twins.front()->execute(info, row_a);
        }
      for (auto &[step, set] : restarted_by_step)
        {
          StatisticsTable &t = tables_b[std::to_string(step)];
          for (auto &[name, twins] : set)
            {
              StatisticsRow row_b = t.new_row();
              twins.front()->execute(info, row_b);
            }
        }
      // Rows and state of every restarted twin against the original.
      for (auto &[step, set] : restarted_by_step)
        {
          const StatisticsTable &t = tables_b[std::to_string(step)];
          if (t.columns() != table_a.columns())
            fail(step, "", "other statistics columns at step " + std::to_string(info.step));
          for (const auto &c : table_a.columns())
            for (std::size_t r = 0; r < table_a.n_rows(); ++r)
              if (table_a.text(r, c) != t.text(r, c))
                fail(step, c, "column differs at step " + std::to_string(info.step) + ": " +
                                table_a.text(r, c) + " vs " + t.text(r, c));
          for (auto &[name, twins] : set)
            if (twins.front()->save_state() != original.at(name).front()->save_state())
              fail(step, name, "state differs after step " + std::to_string(info.step));
          ++findings.compared_rows;
        }
      // Checkpoint: save A, restore into a fresh B, which must save the same bytes.
      for (const unsigned int step : checkpoint_steps)
        if (info.step == step)
          {
            auto set = make_twins();
            for (auto &[name, twins] : set)
              {
                // As on a restart: rank 0's bytes go to every rank (they are compared there).
                const std::string bytes = dealii::Utilities::MPI::broadcast(
                  this->run().comm, original.at(name).front()->save_state(), 0);
                if (!bytes.empty())
                  findings.nonempty_state.insert(name);
                twins.front()->load_state(bytes);
                if (twins.front()->save_state() != bytes)
                  fail(step, name, "save_state after load_state differs from the saved bytes");
              }
            restarted_by_step[step] = std::move(set);
          }
    }

    void add_summary(Summary &) override
    {
      Summary a;
      for (auto &[name, twins] : original)
        twins.front()->add_summary(a);
      for (auto &[step, set] : restarted_by_step)
        {
          Summary b;
          for (auto &[name, twins] : set)
            twins.front()->add_summary(b);
          if (a != b)
            fail(step, "", "summary.json entries differ");
          ++findings.compared_summaries;
        }
    }

  private:
    using Twins = std::map<std::string, std::vector<std::unique_ptr<Interface<dim, LA>>>>;

    Twins make_twins()
    {
      Twins set;
      for (const auto &name : twinned)
        {
          auto twin = internal::factories<dim, LA>().at(name)();
          twin->set_run(quiet, this->quantities());
          twin->parse_parameters(*handler);
          twin->initialize();
          set[name].push_back(std::move(twin));
        }
      return set;
    }
    void fail(const unsigned int step, const std::string &what, const std::string &message)
    {
      if (this->run().is_root())
        findings.failures.push_back("checkpoint at step " + std::to_string(step) + ": " + what +
                                    ": " + message);
    }

    dealii::ParameterHandler *handler = nullptr;
    RunView<dim, LA>          quiet;
    std::ostringstream        discard;
    Twins                     original;
    std::map<unsigned int, Twins> restarted_by_step;
    mutable std::set<Interface<dim, LA> *> wants;
  };
} // namespace

BMGFE_REGISTER_POSTPROCESSOR(CheckpointTwins, "checkpoint twins", 99,
                             "test plugin: twins of stateful postprocessors restored from a checkpoint")

TEST(PostprocessCheckpointState, RestoredTwinsContinueIdentically)
{
  const std::string out = "out_postprocess_checkpoint_state";
  if (dealii::Utilities::MPI::this_mpi_process(MPI_COMM_WORLD) == 0)
    std::filesystem::remove_all(out);
  MPI_Barrier(MPI_COMM_WORLD);
  // Three 'test' cycles of 6 s (cycle ends at steps 6, 12, 18) while a plastic block is
  // compressed past its yield point (from about step 11): checkpoints at a cycle end and
  // mid-cycle with plastic flow.
  bmgfe::Parameters parameters;
  auto prm = bmgfe::read_parameters(
    BMGFE_BLOCK_COMPRESSION_PRM,
    {"Output directory=" + out, "Thermal protocol/Sequence=(test)*3",
     "Thermal protocol/test/Duration=6",
     "Mechanics/Loading programme/Segments=load to -0.03 in 18 s",
     "Postprocess/Cycle statistics/Cycle end segment=test",
     "Postprocess/List of postprocessors=default, band tracking, checkpoint twins"},
    parameters);
  bmgfe::run_simulation(parameters, *prm, bmgfe::RunMode::run);

  if (dealii::Utilities::MPI::this_mpi_process(MPI_COMM_WORLD) != 0)
    return;
  for (const auto &f : findings.failures)
    ADD_FAILURE() << f;
  // Both checkpoints compared from the step after them to the last (18).
  EXPECT_EQ(findings.compared_rows, (18u - 12u) + (18u - 14u));
  EXPECT_EQ(findings.compared_summaries, 2u);
  for (const char *name : {"run statistics", "deformation gauges", "loading curve",
                           "plasticity statistics", "shear bands", "band tracking", "cycle statistics"})
    EXPECT_EQ(findings.nonempty_state.count(name), 1u) << name;
  const bmgfe_test::Statistics stats(out + "/statistics.csv");
  EXPECT_EQ(stats.n_rows(), 19u);
  EXPECT_GT(stats.value("equivalent_plastic_strain_max", 18), 0) << "no plastic flow: a weak test";
}

int main(int argc, char **argv)
{
  dealii::Utilities::MPI::MPI_InitFinalize mpi(argc, argv, 1);
  ::testing::InitGoogleTest(&argc, argv);
  return RUN_ALL_TESTS();
}
