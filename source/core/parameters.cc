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
    // The creation is added to the free-volume relaxation of the material-point law.
    require(!elastic.free_volume.creation.enabled || (mechanics.enabled && mechanics.viscous),
            "entry 'Material/Free volume/Creation/Enabled'",
            "needs 'Mechanics/Enabled = true' and 'Mechanics/Inelastic model = viscous' or "
            "'viscoplastic' (the creation is added to the free-volume relaxation)");
  }

  namespace
  {
    /// One line; deal.II's "Line <N> of file <F>: ..." becomes "F:N: " (its message for an
    /// unknown subsection lacks the '>' after the file name).
    std::string one_line(const std::string &text)
    {
      return std::regex_replace(single_line(text),
                                std::regex("^Line <([0-9]+)> of file <(.+?)>?: "), "$2:$1: ");
    }

    std::string override_context(const std::string &assignment)
    {
      return "command-line override '" + assignment + "'";
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
                throw InputError(override_context(o) + ": " + e.what());
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
                                       const std::string &message)
  {
    // The name ends at the first quote not followed by a letter or digit: entry names may
    // hold apostrophes ("Material/Young's modulus").
    std::smatch m;
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
