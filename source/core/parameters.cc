#include <bmgfe/base/input_error.h>
#include <bmgfe/core/parameters.h>
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

  }

  namespace
  {
    /// One line; deal.II's "Line <N> of file <F>: ..." becomes "F:N: ...".
    std::string one_line(const std::string &text)
    {
      return std::regex_replace(single_line(text), std::regex("^Line <([0-9]+)> of file <([^>]+)>: "),
                                "$2:$1: ");
    }

    /// Line of "set <entry>" for a path "A/B/entry" in a parameter file (0 if not found).
    unsigned int find_entry_line(const std::string &file, const std::string &path)
    {
      std::vector<std::string> want = Utilities::split_string_list(path, '/');
      std::ifstream            in(file);
      std::string              line;
      std::vector<std::string> stack;
      unsigned int             number = 0;
      while (std::getline(in, line))
        {
          ++number;
          line = Utilities::trim(line.substr(0, line.find('#')));
          if (line.rfind("subsection ", 0) == 0)
            stack.push_back(Utilities::trim(line.substr(11)));
          else if (line == "end" && !stack.empty())
            stack.pop_back();
          else if (line.rfind("set ", 0) == 0)
            {
              const auto eq = line.find('=');
              if (eq == std::string::npos)
                continue;
              std::vector<std::string> here = stack;
              here.push_back(Utilities::trim(line.substr(4, eq - 4)));
              if (here == want)
                return number;
            }
        }
      return 0;
    }

    bool file_has_subsection(const std::string &file, const std::vector<std::string> &path)
    {
      std::ifstream            in(file);
      std::string              line;
      std::vector<std::string> stack;
      while (std::getline(in, line))
        {
          line = Utilities::trim(line.substr(0, line.find('#')));
          if (line.rfind("subsection ", 0) == 0)
            {
              stack.push_back(Utilities::trim(line.substr(11)));
              if (stack == path)
                return true;
            }
          else if (line == "end" && !stack.empty())
            stack.pop_back();
        }
      return false;
    }

    /// "A/B/Entry=value": set it in `prm` (validated against the entry's pattern).
    void apply_override(ParameterHandler &prm, const std::string &assignment)
    {
      const auto eq = assignment.find('=');
      require(eq != std::string::npos, "command-line override '" + assignment + "'",
              "must have the form 'Section/Entry=value'");
      auto path = Utilities::split_string_list(assignment.substr(0, eq), '/');
      const std::string value = Utilities::trim(assignment.substr(eq + 1));
      require(!path.empty(), "command-line override '" + assignment + "'", "names no entry");
      const std::string entry = path.back();
      path.pop_back();
      unsigned int entered = 0;
      try
        {
          for (const auto &s : path)
            {
              prm.enter_subsection(s);
              ++entered;
            }
          prm.set(entry, value);
        }
      catch (const std::exception &e)
        {
          for (; entered > 0; --entered)
            prm.leave_subsection();
          throw InputError("command-line override '" + assignment + "': " + one_line(e.what()));
        }
      for (; entered > 0; --entered)
        prm.leave_subsection();
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
        if (o.rfind("Thermal protocol/Sequence=", 0) == 0)
          {
            apply_override(first, o);
            try
              {
                segments = ThermalProtocol::segment_names(sequence_of(first));
              }
            catch (const InputError &e)
              {
                throw InputError("command-line override '" + o + "': " + e.what());
              }
          }
      for (const auto &name : segments)
        if (std::find(declared.begin(), declared.end(), name) == declared.end())
          declared.push_back(name);
    }

    // Pass 2: strict.
    auto prm = std::make_unique<ParameterHandler>();
    Parameters::declare_parameters(*prm, declared);
    try
      {
        prm->parse_input(file, "", false, true);
      }
    catch (const std::exception &e)
      {
        std::string what = one_line(e.what());
        if (what.find("no such subsection") != std::string::npos &&
            what.find("Thermal protocol.") != std::string::npos)
          what += " (every segment subsection must be used in 'Thermal protocol/Sequence')";
        throw InputError(what);
      }
    for (const auto &name : segments)
      require(file_has_subsection(file, {"Thermal protocol", name}) ||
                std::any_of(overrides.begin(), overrides.end(),
                            [&](const std::string &o) {
                              return o.rfind("Thermal protocol/" + name + "/", 0) == 0;
                            }),
              file, "segment '" + name + "' is used in 'Thermal protocol/Sequence' but has no "
              "'subsection " + name + "' inside 'subsection Thermal protocol'");
    for (const auto &o : overrides)
      apply_override(*prm, o);

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
                                       const std::string &message)
  {
    std::smatch m;
    if (std::regex_search(message, m, std::regex("entry '([^']+)'")))
      {
        const std::string path = m[1].str();
        for (const auto &o : overrides)
          if (o.rfind(path + "=", 0) == 0)
            return "command-line override '" + o + "': " + message;
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
