#include <bmgfe/base/input_error.h>
#include <bmgfe/base/time_list.h>
#include <bmgfe/protocol/thermal_protocol.h>

#include <deal.II/base/parameter_handler.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <sstream>

namespace bmgfe
{
  namespace
  {
    // Recursive-descent parser for:  list := item (',' item)* ;
    //   item := (name | '(' list ')') ['*' count]
    class SequenceParser
    {
    public:
      explicit SequenceParser(const std::string &text)
        : s(text)
      {}

      std::vector<std::string> parse()
      {
        auto result = parse_list();
        skip_space();
        if (pos != s.size())
          fail("unexpected '" + std::string(1, s[pos]) + "'");
        if (result.empty())
          fail("the sequence is empty");
        return result;
      }

    private:
      const std::string &s;
      std::size_t        pos = 0;
      std::size_t        depth = 0; ///< parentheses open at `pos`
      static constexpr std::size_t max_stages = 1000000;
      static constexpr std::size_t max_depth  = 100;

      [[noreturn]] void fail(const std::string &what) const
      {
        // A generated sequence may be long: quote at most 60 characters of it.
        const std::string shown = s.size() > 60 ? s.substr(0, 57) + "..." : s;
        throw InputError("cannot read the segment sequence '" + shown + "' at character " +
                         std::to_string(pos + 1) + ": " + what);
      }

      void skip_space()
      {
        while (pos < s.size() && std::isspace(static_cast<unsigned char>(s[pos])))
          ++pos;
      }

      std::vector<std::string> parse_list()
      {
        std::vector<std::string> out;
        while (true)
          {
            const auto item = parse_item();
            out.insert(out.end(), item.begin(), item.end());
            skip_space();
            if (pos < s.size() && s[pos] == ',')
              {
                ++pos;
                continue;
              }
            return out;
          }
      }

      std::vector<std::string> parse_item()
      {
        skip_space();
        std::vector<std::string> body;
        if (pos < s.size() && s[pos] == '(')
          {
            // The parser recurses once per '(': bound the depth (not the stack size).
            if (++depth > max_depth)
              fail("parentheses nested more than " + std::to_string(max_depth) + " deep");
            ++pos;
            body = parse_list();
            --depth;
            skip_space();
            if (pos >= s.size() || s[pos] != ')')
              fail("missing ')'");
            ++pos;
          }
        else
          {
            const std::size_t start = pos;
            while (pos < s.size() &&
                   (std::isalnum(static_cast<unsigned char>(s[pos])) || s[pos] == '_' ||
                    s[pos] == '-'))
              ++pos;
            if (pos == start)
              fail("expected a segment name or '('");
            body.push_back(s.substr(start, pos - start));
          }
        skip_space();
        if (pos < s.size() && s[pos] == '*')
          {
            ++pos;
            skip_space();
            const std::size_t start = pos;
            while (pos < s.size() && std::isdigit(static_cast<unsigned char>(s[pos])))
              ++pos;
            if (pos == start)
              fail("expected a repeat count after '*'");
            const long count = (pos - start > 6) ? 0 : std::stol(s.substr(start, pos - start));
            if (count < 1 || count > 100000)
              fail("repeat count must be between 1 and 100000");
            if (body.size() * static_cast<std::size_t>(count) > max_stages)
              fail("the expanded sequence would have more than " + std::to_string(max_stages) +
                   " stages");
            std::vector<std::string> repeated;
            for (long i = 0; i < count; ++i)
              repeated.insert(repeated.end(), body.begin(), body.end());
            return repeated;
          }
        return body;
      }
    };
  } // namespace

  std::vector<std::string> ThermalProtocol::expand_sequence(const std::string &sequence)
  {
    return SequenceParser(sequence).parse();
  }

  std::vector<std::string> ThermalProtocol::segment_names(const std::string &sequence)
  {
    std::vector<std::string> names;
    for (const auto &n : expand_sequence(sequence))
      if (std::find(names.begin(), names.end(), n) == names.end())
        names.push_back(n);
    return names;
  }

  double parse_duration(const std::string &text)
  {
    std::istringstream in(text);
    double             value = 0;
    if (!(in >> value) || !std::isfinite(value))
      throw InputError("'" + text + "' is not a duration (a number with optional unit s, min or h)");
    std::string unit, rest;
    in >> unit;
    if (in >> rest)
      throw InputError("'" + text + "' is not a duration: unexpected '" + rest + "'");
    double factor = 1;
    if (unit.empty() || unit == "s")
      factor = 1;
    else if (unit == "min")
      factor = 60;
    else if (unit == "h")
      factor = 3600;
    else if (unit == "ms")
      factor = 1e-3;
    else
      throw InputError("unknown time unit '" + unit + "' in '" + text + "' (use ms, s, min or h)");
    if (value < 0)
      throw InputError("duration '" + text + "' is negative");
    return value * factor;
  }

  double biot_number(const double h, const double emissivity, const double T_env,
                     const double length, const double conductivity)
  {
    const double h_eff = h + 4 * emissivity * stefan_boltzmann * std::pow(T_env, 3);
    return h_eff * length / conductivity;
  }

  void ThermalProtocol::declare_parameters(dealii::ParameterHandler &prm,
                                           const std::vector<std::string> &names)
  {
    using dealii::Patterns::Anything;
    using dealii::Patterns::Bool;
    using dealii::Patterns::Double;
    prm.enter_subsection("Thermal protocol");
    prm.declare_entry(
      "Sequence", "hold", Anything(),
      "Order of the environment segments, comma separated. A segment may repeat: "
      "'name*3', and groups repeat: '(ln2, boiling_water)*20'. Each name used here needs "
      "a subsection of the same name in this section that defines it.");
    prm.declare_entry("Start time", "0", Double(), "Time at the start of the protocol [s].");
    for (const auto &name : names)
      {
        prm.enter_subsection(name);
        prm.declare_entry(
          "Duration", "0", Anything(),
          "Length of the segment: a number in s, or with a unit 'ms', 's', 'min', 'h' "
          "(e.g. '0.5 min'). 0 means: derive it from the ramp, (Final environment "
          "temperature - Environment temperature) / Environment temperature rate.");
        prm.declare_entry("Environment temperature", "293.15", Double(0),
                          "Environment (bath, furnace, gas) temperature T_env at the start of "
                          "the segment [K].");
        prm.declare_entry("Environment temperature rate", "0", Double(),
                          "Constant rate of change of T_env during the segment [K/min]; "
                          "negative for controlled cooling.");
        prm.declare_entry("Final environment temperature", "0", Double(0),
                          "Only used when Duration = 0: T_env at which a ramp ends [K]. "
                          "0 means unused.");
        prm.declare_entry("Heat transfer coefficient", "0", Double(0),
                          "Convective heat transfer coefficient h on every Robin boundary "
                          "[W/m^2K]. Typical: water quench 5e3-2e4, liquid nitrogen (film "
                          "boiling) 1e2-3e2, copper mould 1e3-5e3, vacuum furnace 0 (radiation only).");
        prm.declare_entry("Emissivity", "0", Double(0, 1),
                          "Grey-body emissivity for radiation exchange with T_env on the Robin "
                          "boundaries (0 switches radiation off).");
        prm.declare_entry("Write output at end", "true", Bool(),
                          "Write a visualization snapshot when the segment ends.");
        prm.declare_entry("Output times", "", Anything(),
                          "Snapshot times [s] measured from the start of the segment, in every "
                          "occurrence of it: numbers and ranges 'start:step:end', e.g. "
                          "'0.25:0.25:3' for every 0.25 s of the first 3 s of a quench. Hit "
                          "exactly by the time stepping; times past the segment's end are "
                          "ignored with a warning.");
        prm.leave_subsection();
      }
    prm.leave_subsection();
  }

  void ThermalProtocol::parse_parameters(dealii::ParameterHandler &prm)
  {
    prm.enter_subsection("Thermal protocol");
    const std::string sequence   = prm.get("Sequence");
    const double      start_time = prm.get_double("Start time");
    std::vector<ThermalSegment> segs;
    for (const auto &name : segment_names(sequence))
      {
        prm.enter_subsection(name);
        ThermalSegment s;
        s.name                      = name;
        const std::string ctx       = "Thermal protocol/" + name;
        try
          {
            s.duration = parse_duration(prm.get("Duration"));
          }
        catch (const InputError &e)
          {
            throw InputError("entry '" + ctx + "/Duration': " + e.what());
          }
        s.environment_start         = prm.get_double("Environment temperature");
        s.environment_rate          = prm.get_double("Environment temperature rate") / 60.0;
        s.heat_transfer_coefficient = prm.get_double("Heat transfer coefficient");
        s.emissivity                = prm.get_double("Emissivity");
        s.write_output_at_end       = prm.get_bool("Write output at end");
        s.output_times = parse_time_list(prm.get("Output times"), ctx + "/Output times");
        const double final_T        = prm.get_double("Final environment temperature");
        require(s.environment_start > 0, "entry '" + ctx + "/Environment temperature'",
                "must be positive (an absolute temperature in K)");
        if (s.duration == 0)
          {
            require(final_T > 0 && s.environment_rate != 0, "entry '" + ctx + "/Duration'",
                    "is 0, so the segment needs a nonzero 'Environment temperature rate' and a "
                    "'Final environment temperature' to derive its length");
            s.duration = (final_T - s.environment_start) / s.environment_rate;
            require(s.duration > 0, "entry '" + ctx + "/Final environment temperature'",
                    "cannot be reached from 'Environment temperature' with the sign of "
                    "'Environment temperature rate'");
          }
        require(s.environment_end() > 0, "entry '" + ctx + "/Environment temperature rate'",
                "the ramp drives the environment temperature below 0 K");
        segs.push_back(s);
        prm.leave_subsection();
      }
    prm.leave_subsection();
    set(segs, sequence, start_time);
  }

  void ThermalProtocol::set(const std::vector<ThermalSegment> &segments,
                            const std::string &sequence, const double start_time)
  {
    segments_   = segments;
    sequence_   = sequence;
    start_time_ = start_time;
    stages_.clear();
    std::map<std::string, unsigned int> count;
    double                              t = start_time;
    for (const auto &name : expand_sequence(sequence))
      {
        const auto it = std::find_if(segments_.begin(), segments_.end(),
                                     [&](const ThermalSegment &s) { return s.name == name; });
        if (it == segments_.end())
          throw InputError("the sequence uses segment '" + name + "', which is not defined");
        require(it->duration > 0, "segment '" + name + "'", "duration must be positive");
        Stage st;
        st.segment    = static_cast<std::size_t>(it - segments_.begin());
        st.start      = t;
        st.end        = t + it->duration;
        st.occurrence = ++count[name];
        t             = st.end;
        stages_.push_back(st);
      }
  }

  double ThermalProtocol::end_time() const
  {
    return stages_.empty() ? start_time_ : stages_.back().end;
  }

  std::size_t ThermalProtocol::stage_index(const double t) const
  {
    // First stage whose end is > t.
    const auto it = std::upper_bound(stages_.begin(), stages_.end(), t,
                                     [](double time, const Stage &s) { return time < s.end; });
    if (it == stages_.end())
      return stages_.size() - 1;
    return static_cast<std::size_t>(it - stages_.begin());
  }

  std::size_t ThermalProtocol::stage_index_for_step_ending_at(const double t_new) const
  {
    // First stage whose end is >= t_new: a step ending exactly on a stage end belongs to it.
    const auto it = std::lower_bound(stages_.begin(), stages_.end(), t_new,
                                     [](const Stage &s, double time) { return s.end < time; });
    if (it == stages_.end())
      return stages_.size() - 1;
    return static_cast<std::size_t>(it - stages_.begin());
  }

  EnvironmentState ThermalProtocol::environment(const std::size_t stage, const double t) const
  {
    const Stage          &st  = stages_.at(stage);
    const ThermalSegment &seg = segments_[st.segment];
    EnvironmentState      env;
    const double          tau = std::min(std::max(t - st.start, 0.0), seg.duration);
    env.temperature               = seg.environment_temperature(tau);
    env.heat_transfer_coefficient = seg.heat_transfer_coefficient;
    env.emissivity                = seg.emissivity;
    return env;
  }

  std::string ThermalProtocol::stage_label(const std::size_t stage) const
  {
    const Stage &st    = stages_.at(stage);
    unsigned int total = 0;
    for (const auto &s : stages_)
      total += (s.segment == st.segment);
    std::string label = segments_[st.segment].name;
    if (total > 1)
      label += " " + std::to_string(st.occurrence) + "/" + std::to_string(total);
    return label;
  }
} // namespace bmgfe
