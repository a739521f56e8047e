#include <bmgfe/base/input_error.h>
#include <bmgfe/core/parameters.h>
#include <bmgfe/io/parameter_file.h>
#include <bmgfe/postprocess/manager.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

namespace bmgfe
{
  using namespace dealii;

  void Parameters::declare_parameters(ParameterHandler &prm, const std::vector<std::string> &segments)
  {
    prm.declare_entry("Dimension", "2", Patterns::Integer(2, 3),
                      "Spatial dimension of the model: 2 (axisymmetric r-z section or planar "
                      "cross-section) or 3.");
    prm.declare_entry("Kinematics", "axisymmetric",
                      Patterns::Selection(
                        "axisymmetric|planar|plane strain|generalized plane strain"),
                      "2D only. axisymmetric: (r, z) coordinates with r = x >= 0, all integrals "
                      "weighted by 2 pi r, hoop strain u_r/r. plane strain: the cross-section "
                      "(x, y) of a long body with eps_zz = 0. generalized plane strain: the "
                      "cross-section of a long rod whose axial strain is one uniform unknown "
                      "(zero net axial force unless prescribed). planar: same as generalized "
                      "plane strain. All 2D planar models are per unit length; their heat problem "
                      "is the same.");
    prm.declare_entry("Linear algebra", "Trilinos", Patterns::Selection("Trilinos|PETSc"),
                      "Parallel linear algebra: Trilinos (CG + ML AMG) or PETSc (CG + GAMG).");
    prm.declare_entry("Verbosity", "normal", Patterns::Selection("quiet|normal"),
                      "normal: a progress line per time step and a timing summary; quiet: "
                      "start-up report and final summary only.");
    OutputParameters::declare_parameters(prm);
    GeometryParameters::declare_parameters(prm);
    ThermalMaterial::declare_parameters(prm);
    ThermalProtocol::declare_parameters(prm, segments);
    HeatParameters::declare_parameters(prm);
    ThermoElasticMaterial::declare_parameters(prm);
    MechanicsParameters::declare_parameters(prm);
    TimeSteppingParameters::declare_parameters(prm);
    postprocess::declare_parameters(prm);
  }

  void Parameters::parse_parameters(ParameterHandler &prm, const std::string &base_directory)
  {
    dimension  = prm.get_integer("Dimension");
    kinematics = parse_kinematics(dimension, prm.get("Kinematics"));
    backend    = linear_algebra::parse_backend(prm.get("Linear algebra"));
    verbose    = prm.get("Verbosity") == "normal";
    output.parse_parameters(prm);
    geometry.parse_parameters(prm, base_directory);
    material.parse_parameters(prm);
    protocol.parse_parameters(prm);
    heat.parse_parameters(prm);
    elastic.parse_parameters(prm, dimension);
    mechanics.parse_parameters(prm, dimension, kinematics == Kinematics::axisymmetric);
    time_stepping.parse_parameters(prm);
    // Steps and snapshot intervals bounded below by fractions of the protocol's duration, so
    // that the run can reach its end: at most 100000 snapshots by 'Interval in time' (as for
    // the ranges of 'Output times'), a minimum step that still advances the time (1e-12 of
    // the protocol), a fixed step that fits 'Maximum number of steps'.
    const double duration = protocol.end_time() - protocol.start_time();
    require(output.interval_time == 0 || output.interval_time >= 1e-5 * duration,
            "entry 'Output/Interval in time'",
            "must be 0 or at least 1e-5 of the protocol's " + value_text(duration) +
              " s (at most 100000 snapshots)");
    require(output.checkpoint_interval_time == 0 ||
              output.checkpoint_interval_time >= 1e-5 * duration,
            "entry 'Checkpoint/Interval in time'",
            "must be 0 or at least 1e-5 of the protocol's " + value_text(duration) +
              " s (at most 100000 checkpoints)");
    require(output.checkpoint_interval_wall_time == 0 || output.checkpoint_interval_wall_time >= 1,
            "entry 'Checkpoint/Interval in wall time'", "must be 0 or at least 1 s");
    require(time_stepping.minimum_time_step >= 1e-12 * duration,
            "entry 'Time stepping/Minimum time step'",
            "must be at least 1e-12 of the protocol's " + value_text(duration) + " s");
    require(time_stepping.adaptive ||
              duration / time_stepping.initial_time_step <= time_stepping.maximum_steps,
            "entry 'Time stepping/Initial time step'",
            "the fixed step ('Adaptive = false') of " + value_text(time_stepping.initial_time_step) +
              " s divides the protocol's " + value_text(duration) + " s into more than "
              "'Time stepping/Maximum number of steps' (" +
              std::to_string(time_stepping.maximum_steps) + ") steps");
    // The creation is added to the free-volume relaxation of the material-point law.
    require(!elastic.free_volume.creation.enabled || (mechanics.enabled && mechanics.viscous),
            "entry 'Material/Free volume/Creation/Enabled'",
            "needs 'Mechanics/Enabled = true' and 'Mechanics/Inelastic model = viscous' or "
            "'viscoplastic' (the creation is added to the free-volume relaxation)");
  }

  namespace
  {
    /// `text` with every word (run of non-blank characters) of more than 200 characters cut to
    /// its first 100 and "...", and then cut to 2000 characters: generated values can be long,
    /// and std::regex recurses once per character (a long message overflows the stack).
    std::string elide_long_words(const std::string &text)
    {
      std::string out;
      for (std::size_t i = 0; i < text.size();)
        {
          const std::size_t end = std::min(text.find(' ', i), text.size());
          out += end - i > 200 ? text.substr(i, 100) + "..." : text.substr(i, end - i);
          if (end < text.size())
            out += ' ';
          i = end + 1;
        }
      return out.size() > 2000 ? out.substr(0, 2000) + "..." : out;
    }

    /// A deal.II pattern description ("[Double 0...MAX_DOUBLE (inclusive)]") in words ("a
    /// number >= 0"); an unknown pattern as "of the form [...]".
    std::string pattern_in_words(const std::string &pattern)
    {
      std::smatch m;
      if (std::regex_match(pattern, m, std::regex(R"(\[Double (\S+)\.\.\.(\S+) \(inclusive\)\])")))
        {
          const bool low = m[1] != "-MAX_DOUBLE", high = m[2] != "MAX_DOUBLE";
          if (low && high)
            return "a number from " + m[1].str() + " to " + m[2].str();
          return low ? "a number >= " + m[1].str() : high ? "a number <= " + m[2].str() : "a number";
        }
      if (std::regex_match(pattern, m, std::regex(R"(\[Integer range (\S+)\.\.\.(\S+) \(inclusive\)\])")))
        {
          const bool low = m[1] != "-2147483648", high = m[2] != "2147483647";
          if (low && high)
            return "an integer from " + m[1].str() + " to " + m[2].str();
          return low ? "an integer >= " + m[1].str() : high ? "an integer <= " + m[2].str() : "an integer";
        }
      if (pattern == "[Bool]")
        return "true or false";
      if (std::regex_match(pattern, m, std::regex(R"(\[Selection (.*?) ?\])")))
        {
          std::string names;
          for (const auto &name : Utilities::split_string_list(m[1].str(), '|'))
            names += (names.empty() ? "'" : ", '") + name + "'";
          return "one of " + names;
        }
      if (std::regex_match(pattern, m, std::regex(R"(\[List of <(\[.*\])> of length (\S+)\.\.\.(\S+) \(inclusive\)\])")))
        return "a comma-separated list of " +
               (m[3] == "4294967295" ? m[2].str() + " or more" : m[2].str() + " to " + m[3].str()) +
               " items, each " + pattern_in_words(m[1].str());
      return "of the form " + pattern;
    }

    /// One line; deal.II's "Line <N> of file <F>: ..." becomes "F:N: " (its message for an
    /// unknown subsection lacks the '>' after the file name). A value that does not match
    /// its entry's pattern, in the file or set by ParameterHandler::set(), becomes
    /// "[F:N: ]entry 'A/B/Name': 'value' is not <the pattern in words>".
    std::string one_line(const std::string &text)
    {
      const std::string line =
        std::regex_replace(elide_long_words(single_line(text)),
                           std::regex("^Line <([0-9]+)> of file <(.+?)>?: "), "$2:$1: ");
      std::smatch m;
      if (std::regex_match(line, m, std::regex("^(.+):([0-9]+): The entry value (?:(.*) )?for the "
                                               "entry named (.*) does not match the given "
                                               "pattern: (\\[.*\\])$")))
        {
          const std::string  file = m[1].str(), name = m[4].str();
          const unsigned int n    = std::stoul(m[2].str());
          std::string        path = name;
          for (const auto &statement : read_parameter_statements(file))
            if (statement.kind == ParameterStatement::Kind::set && statement.last_line == n &&
                statement.name == name)
              path = join_path(statement.path) + (statement.path.empty() ? "" : "/") + name;
          return file + ":" + std::to_string(n) + ": entry '" + path + "': '" + m[3].str() +
                 "' is not " + pattern_in_words(m[5].str());
        }
      if (std::regex_match(line, m, std::regex("^The string <(.*)> does not match the given "
                                               "pattern <(\\[.*\\])>\\.?$")))
        return "'" + m[1].str() + "' is not " + pattern_in_words(m[2].str());
      return line;
    }

    std::string override_context(const std::string &assignment)
    {
      // A generated value may be long: quote at most 100 characters of it.
      return "command-line override '" +
             (assignment.size() > 100 ? assignment.substr(0, 97) + "..." : assignment) + "'";
    }

    /// "A / B/Entry = value" as the subsections {"A", "B"}, the entry and the value.
    struct Override
    {
      std::vector<std::string> path;
      std::string              entry, value;

      explicit Override(const std::string &assignment)
      {
        const auto eq = assignment.find('=');
        require(eq != std::string::npos, override_context(assignment),
                "must have the form 'Section/Entry=value'");
        path = Utilities::split_string_list(assignment.substr(0, eq), '/');
        require(!path.empty(), override_context(assignment), "names no entry");
        entry = path.back();
        path.pop_back();
        value = Utilities::trim(assignment.substr(eq + 1));
      }

      /// "A/B/Entry", as error messages name entries.
      std::string name() const
      {
        return join_path(path) + (path.empty() ? "" : "/") + entry;
      }
    };

    /// The entry an override sets ("A/B/Entry"), "" if it is malformed.
    std::string overridden_entry(const std::string &assignment)
    {
      try
        {
          return Override(assignment).name();
        }
      catch (const InputError &)
        {
          return "";
        }
    }

    /// "A/B/Entry=value": set it in `prm` (validated against the entry's pattern); an
    /// unknown subsection or entry is refused with the declared name it most likely means.
    void apply_override(ParameterHandler &prm, const DeclaredNames &names,
                        const std::string &assignment)
    {
      const Override    o       = Override(assignment);
      const std::string unknown = names.check(o.path, o.entry);
      require(unknown.empty(), override_context(assignment), unknown);
      for (const auto &s : o.path)
        prm.enter_subsection(s);
      std::string error;
      try
        {
          prm.set(o.entry, o.value);
        }
      catch (const std::exception &e)
        {
          error = one_line(e.what());
        }
      for (std::size_t i = 0; i < o.path.size(); ++i)
        prm.leave_subsection();
      require(error.empty(), override_context(assignment), "entry '" + o.name() + "': " + error);
    }
  } // namespace

  std::unique_ptr<ParameterHandler> read_parameters(const std::string &file,
                                                    const std::vector<std::string> &overrides,
                                                    Parameters &parameters)
  {
    {
      std::ifstream test(file);
      require(static_cast<bool>(test), "", "cannot open parameter file '" + file + "'");
    }
    parameters.parameter_file = file;
    const std::string base = std::filesystem::path(file).parent_path().string();

    // Pass 1: tolerant, only to learn the protocol's segment names: those of the file's own
    // Sequence (their subsections must be declared even if an override drops them) and those
    // of the Sequence actually used.
    std::vector<std::string> segments, declared;
    {
      ParameterHandler first;
      Parameters::declare_parameters(first, {});
      try
        {
          first.parse_input(file, "", true);
        }
      catch (const std::exception &e)
        {
          const std::string what = one_line(e.what());
          throw InputError(what.rfind(file, 0) == 0 ? what : file + ": " + what);
        }
      const auto sequence_of = [&](ParameterHandler &p) {
        p.enter_subsection("Thermal protocol");
        const std::string seq = p.get("Sequence");
        p.leave_subsection();
        return seq;
      };
      const std::string file_sequence = sequence_of(first);
      try
        {
          declared = ThermalProtocol::segment_names(file_sequence);
        }
      catch (const InputError &e)
        {
          const unsigned int line = find_entry_line(file, "Thermal protocol/Sequence");
          throw InputError(file + ":" + std::to_string(line) +
                           ": entry 'Thermal protocol/Sequence': " + e.what());
        }
      segments = declared;
      for (const auto &o : overrides)
        if (overridden_entry(o) == "Thermal protocol/Sequence")
          {
            apply_override(first, DeclaredNames(first), o);
            try
              {
                segments = ThermalProtocol::segment_names(sequence_of(first));
              }
            catch (const InputError &e)
              {
                throw InputError(override_context(o) + ": entry 'Thermal protocol/Sequence': " +
                                 e.what());
              }
          }
      for (const auto &name : segments)
        if (std::find(declared.begin(), declared.end(), name) == declared.end())
          declared.push_back(name);
    }

    // Pass 2: strict.
    auto prm = std::make_unique<ParameterHandler>();
    Parameters::declare_parameters(*prm, declared);
    const DeclaredNames names(*prm);
    try
      {
        prm->parse_input(file, "", false, true);
      }
    catch (const std::exception &e)
      {
        std::string what = one_line(e.what());
        // deal.II names an undeclared entry or subsection but not what was meant: find the
        // statement it stopped at and the nearest declared name.
        const bool undeclared = what.find("No entry with name <") != std::string::npos ||
                                what.find("no such subsection") != std::string::npos;
        const auto unknown = undeclared ? find_unknown_name(file, names) : std::nullopt;
        if (unknown && what.rfind(file + ":" + std::to_string(unknown->last_line) + ": ", 0) == 0)
          what = file + ":" + std::to_string(unknown->first_line) + ": " + unknown->message;
        if (what.find("no such subsection") != std::string::npos &&
            (what.find("Thermal protocol.") != std::string::npos ||
             what.find("subsection 'Thermal protocol/") != std::string::npos))
          what += " (every segment subsection must be used in 'Thermal protocol/Sequence')";
        throw InputError(what);
      }
    for (const auto &name : segments)
      require(file_has_subsection(file, {"Thermal protocol", name}) ||
                std::any_of(overrides.begin(), overrides.end(),
                            [&](const std::string &o) {
                              return overridden_entry(o).rfind("Thermal protocol/" + name + "/", 0) == 0;
                            }),
              file, "segment '" + name + "' is used in 'Thermal protocol/Sequence' but has no "
              "'subsection " + name + "' inside 'subsection Thermal protocol'");
    for (const auto &o : overrides)
      apply_override(*prm, names, o);

    try
      {
        parameters.parse_parameters(*prm, base);
      }
    catch (const InputError &e)
      {
        throw InputError(locate_in_parameter_file(file, overrides, e.what()));
      }
    catch (const std::exception &e)
      {
        const std::string what = one_line(e.what());
        throw InputError(what.rfind(file, 0) == 0 ? what : file + ": " + what);
      }
    return prm;
  }

  std::string locate_in_parameter_file(const std::string &file,
                                       const std::vector<std::string> &overrides,
                                       const std::string &full_message)
  {
    // The name ends at the first quote not followed by a letter or digit: entry names may
    // hold apostrophes ("Material/Young's modulus").
    std::smatch       m;
    const std::string message = elide_long_words(full_message);
    if (std::regex_search(message, m, std::regex("entry '(.+?)'(?![A-Za-z0-9])")))
      {
        const std::string path = m[1].str();
        // The last override of an entry is the one that takes effect.
        for (auto o = overrides.rbegin(); o != overrides.rend(); ++o)
          if (overridden_entry(*o) == path)
            return override_context(*o) + ": " + message;
        const unsigned int line = find_entry_line(file, path);
        if (line > 0)
          return file + ":" + std::to_string(line) + ": " + message;
      }
    return file + ": " + message;
  }

  void print_default_parameters(std::ostream &out, const std::string &style)
  {
    ParameterHandler prm;
    Parameters::declare_parameters(prm, {"hold"});
    prm.print_parameters(out, style == "json" ? ParameterHandler::JSON : ParameterHandler::PRM);
  }
} // namespace bmgfe
