#include <bmgfe/base/input_error.h>
#include <bmgfe/protocol/loading_programme.h>
#include <bmgfe/protocol/thermal_protocol.h>

#include <deal.II/base/parameter_handler.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <sstream>
#include <stdexcept>

namespace bmgfe
{
  namespace
  {
    const std::string section = "Mechanics/Loading programme/";

    std::string entry(const std::string &name)
    {
      return "entry '" + section + name + "'";
    }

    std::string trim(const std::string &s)
    {
      const auto b = s.find_first_not_of(" \t\r\n");
      if (b == std::string::npos)
        return "";
      const auto e = s.find_last_not_of(" \t\r\n");
      return s.substr(b, e - b + 1);
    }

    std::string lower(std::string s)
    {
      for (auto &c : s)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      return s;
    }

    std::vector<std::string> words(const std::string &s)
    {
      std::istringstream       in(s);
      std::vector<std::string> out;
      std::string              w;
      while (in >> w)
        out.push_back(w);
      return out;
    }

    std::string join(const std::vector<std::string> &w, const std::size_t from)
    {
      std::string out;
      for (std::size_t i = from; i < w.size(); ++i)
        out += (out.empty() ? "" : " ") + w[i];
      return out;
    }

    double parse_strain(const std::string &text)
    {
      std::size_t used = 0;
      double      v    = 0;
      try
        {
          v = std::stod(text, &used);
        }
      catch (...)
        {
          used = 0;
        }
      require(used == text.size() && used > 0 && std::isfinite(v), "",
              "'" + text + "' is not a nominal strain (a dimensionless number, e.g. -0.03)");
      return v;
    }

    const char *kind_name(const LoadingProgramme::Segment::Kind k)
    {
      switch (k)
        {
          case LoadingProgramme::Segment::Kind::load:
            return "load";
          case LoadingProgramme::Segment::Kind::unload:
            return "unload";
          case LoadingProgramme::Segment::Kind::hold:
            break;
        }
      return "hold";
    }

    /// "load to <strain> in <duration>", "unload to <strain> in <duration>", "hold for
    /// <duration>"; the duration as parse_duration() reads it ("60", "60 s", "1 min").
    LoadingProgramme::Segment parse_segment(const std::string &text)
    {
      using Kind = LoadingProgramme::Segment::Kind;
      LoadingProgramme::Segment s;
      s.text                          = text;
      const std::vector<std::string> w = words(text);
      const std::string              key = w.empty() ? "" : lower(w[0]);
      std::string                    duration_text;
      if (key == "load" || key == "unload")
        {
          require(w.size() >= 5 && lower(w[1]) == "to" && lower(w[3]) == "in", "",
                  "must read '" + key + " to <strain> in <duration> s'");
          s.kind          = key == "load" ? Kind::load : Kind::unload;
          s.target_strain = parse_strain(w[2]);
          duration_text   = join(w, 4);
        }
      else if (key == "hold")
        {
          require(w.size() >= 3 && lower(w[1]) == "for", "", "must read 'hold for <duration> s'");
          duration_text = join(w, 2);
        }
      else
        throw InputError("unknown keyword '" + (w.empty() ? std::string() : w[0]) +
                         "' (a segment is 'load to <strain> in <duration> s', 'unload to "
                         "<strain> in <duration> s' or 'hold for <duration> s')");
      s.duration = parse_duration(duration_text);
      return s;
    }
  } // namespace

  void LoadingProgramme::declare_parameters(dealii::ParameterHandler &prm)
  {
    using namespace dealii::Patterns;
    prm.enter_subsection("Loading programme");
    prm.declare_entry("Enabled", "false", Bool(),
                      "Displacement-controlled compression/tension through two rigid platens: "
                      "the supported platen is held, the loaded platen moves along the load axis "
                      "by (nominal strain) x (gauge length) as 'Segments' prescribes.");
    prm.declare_entry("Loaded boundary id", "3", Integer(0, 255),
                      "Boundary of the moving platen. Default 3: the top end of the built-in rod "
                      "and block (largest coordinate along the load axis; with the platen there "
                      "a negative strain compresses).");
    prm.declare_entry("Supported boundary id", "2", Integer(0, 255),
                      "Boundary of the fixed platen. Default 2: the bottom end (coordinate 0 along "
                      "the load axis) of the built-in rod and block.");
    prm.declare_entry("Direction", "z", Anything(),
                      "Load axis: the displacement component the platens prescribe. x, y, z in 3D; "
                      "x, y in 2D planar models (plane strain, generalized plane strain: the "
                      "built-in block is loaded along y); r, z in axisymmetric models (z is the "
                      "rod axis, component 1).");
    prm.declare_entry("Contact", "frictionless", Selection("frictionless|bonded"),
                      "frictionless: only the load component is prescribed on both platen faces "
                      "(the faces slide freely sideways; remove the remaining rigid-body motions "
                      "with 'Boundary conditions/Point constraints' or symmetry planes). bonded: "
                      "every displacement component of the platen faces is prescribed, the load "
                      "component as programmed and the others zero (no lateral expansion at the "
                      "ends: barrelling).");
    prm.declare_entry("Gauge length", "0", Double(0),
                      "L0 [m] of the nominal strain: platen displacement = strain x L0. 0 "
                      "(default): the extent of the domain along the load axis.");
    prm.declare_entry("Start time", "0", Double(),
                      "Time [s] at which the programme starts; before it the platen displacement "
                      "is zero.");
    prm.declare_entry("Segments", "load to -0.03 in 60 s; hold for 10 s; unload to 0 in 60 s",
                      Anything(),
                      "The programme of the nominal strain (dimensionless, compression negative; "
                      "piecewise linear from 0 at 'Start time'), segments separated by ';': "
                      "'load to <strain> in <duration> s' (away from zero strain, without "
                      "changing sign), 'unload to <strain> in <duration> s' (towards zero), "
                      "'hold for <duration> s'. Durations may also be given in ms, min or h; the "
                      "unit s is optional. After the last segment the strain stays at its last "
                      "value. Example: 'load to -0.03 in 60 s; hold for 10 s; unload to 0 in "
                      "60 s' (strain rate 5e-4/s).");
    prm.leave_subsection();
  }

  void LoadingProgramme::parse_parameters(dealii::ParameterHandler &prm, const int dim,
                                          const bool axisymmetric)
  {
    prm.enter_subsection("Loading programme");
    enabled               = prm.get_bool("Enabled");
    loaded_boundary_id    = prm.get_integer("Loaded boundary id");
    supported_boundary_id = prm.get_integer("Supported boundary id");
    const std::string letter = prm.get("Direction");
    bonded_contact        = prm.get("Contact") == "bonded";
    gauge_length_entry    = prm.get_double("Gauge length");
    start_time            = prm.get_double("Start time");
    const std::string text = prm.get("Segments");
    prm.leave_subsection();

    // The default 'z' is not an axis of a 2D planar model: only a programme in use must
    // name a valid one (otherwise every planar parameter file would have to set it).
    if (enabled)
      set_direction(letter, dim, axisymmetric);
    else
      try
        {
          set_direction(letter, dim, axisymmetric);
        }
      catch (const InputError &)
        {
          direction  = lower(trim(letter));
          component_ = static_cast<unsigned int>(dim - 1);
        }
    set_segments(text);
    check();
  }

  void LoadingProgramme::set_segments(const std::string &text)
  {
    segments.clear();
    std::size_t begin = 0, number = 0;
    while (begin <= text.size())
      {
        const auto        end  = std::min(text.find(';', begin), text.size());
        const std::string item = trim(text.substr(begin, end - begin));
        begin                  = end + 1;
        if (item.empty())
          continue; // a trailing ';' or an empty programme
        ++number;
        try
          {
            segments.push_back(parse_segment(item));
          }
        catch (const InputError &e)
          {
            throw InputError(entry("Segments") + ": segment " + std::to_string(number) + " '" +
                             item + "': " + e.what());
          }
      }
  }

  void LoadingProgramme::set_direction(const std::string &letter, const int dim,
                                       const bool axisymmetric)
  {
    const std::string l = lower(trim(letter));
    int               c = -1;
    if (axisymmetric)
      c = (l == "r" || l == "x") ? 0 : ((l == "z" || l == "y") ? 1 : -1);
    else
      c = (l == "x") ? 0 : (l == "y" ? 1 : (l == "z" && dim == 3 ? 2 : -1));
    if (c < 0)
      {
        std::string why = "'" + trim(letter) + "' is not an axis of this model (";
        if (axisymmetric)
          why += "axisymmetric: r or z";
        else if (dim == 3)
          why += "3D: x, y or z";
        else
          why += "2D planar: x or y; the cross-section has no z axis, load the built-in "
                 "block along y";
        throw InputError(entry("Direction") + ": " + why + ")");
      }
    direction  = l;
    component_ = static_cast<unsigned int>(c);
  }

  void LoadingProgramme::set_automatic_gauge_length(const double extent)
  {
    require(std::isfinite(extent) && extent > 0, entry("Gauge length"),
            "the extent of the domain along the load axis '" + direction +
              "' (the automatic gauge length) is " + value_text(extent) +
              "; give a positive gauge length");
    automatic_gauge_length = extent;
  }

  void LoadingProgramme::check() const
  {
    require(loaded_boundary_id <= 255, entry("Loaded boundary id"), "must lie in 0..255");
    require(supported_boundary_id <= 255, entry("Supported boundary id"), "must lie in 0..255");
    require(loaded_boundary_id != supported_boundary_id, entry("Supported boundary id"),
            "is the same boundary as 'Loaded boundary id' (" +
              std::to_string(loaded_boundary_id) + ")");
    require(std::isfinite(gauge_length_entry) && gauge_length_entry >= 0, entry("Gauge length"),
            "must be zero (automatic) or a positive length in m (got " +
              value_text(gauge_length_entry) + ")");
    require(std::isfinite(start_time), entry("Start time"), "must be a finite time in s");
    require(!enabled || !segments.empty(), entry("Segments"),
            "is empty but 'Enabled = true' (e.g. 'load to -0.03 in 60 s')");
    double strain = 0;
    for (std::size_t i = 0; i < segments.size(); ++i)
      {
        const Segment    &s   = segments[i];
        const std::string ctx = entry("Segments") + ": segment " + std::to_string(i + 1) + " '" +
                                s.text + "'";
        require(std::isfinite(s.duration) && s.duration > 0, ctx,
                "the duration must be positive (a jump in strain is not a programme)");
        if (s.kind == Segment::Kind::hold)
          continue;
        // Small-strain model: a nominal strain of -1 closes the gap between the platens.
        require(std::isfinite(s.target_strain) && std::abs(s.target_strain) < 1, ctx,
                "the nominal strain must lie in (-1, 1) (got " + value_text(s.target_strain) + ")");
        // 'load' and 'unload' name the direction relative to the unloaded state; a reversal
        // through zero is an unload followed by a load (two segments, two labels).
        const bool same_sign = strain * s.target_strain >= 0;
        if (s.kind == Segment::Kind::load)
          require(same_sign && std::abs(s.target_strain) > std::abs(strain), ctx,
                  "starts at nominal strain " + value_text(strain) +
                    ": a load must move away from zero strain without changing sign (unload "
                    "to 0 first to reverse)");
        else
          require(same_sign && std::abs(s.target_strain) < std::abs(strain), ctx,
                  "starts at nominal strain " + value_text(strain) +
                    ": an unload must move towards zero strain without passing it");
        strain = s.target_strain;
      }
  }

  double LoadingProgramme::segment_start_strain(const std::size_t i) const
  {
    double strain = 0;
    for (std::size_t j = 0; j < i && j < segments.size(); ++j)
      if (segments[j].kind != Segment::Kind::hold)
        strain = segments[j].target_strain;
    return strain;
  }

  double LoadingProgramme::nominal_strain(const double t) const
  {
    double start = start_time, strain = 0;
    for (const auto &s : segments)
      {
        const double end    = start + s.duration;
        const double target = s.kind == Segment::Kind::hold ? strain : s.target_strain;
        if (t <= start)
          return strain;
        if (t < end)
          return strain + (target - strain) * (t - start) / s.duration;
        start  = end;
        strain = target;
      }
    return strain;
  }

  double LoadingProgramme::platen_displacement(const double t) const
  {
    if (!(gauge_length() > 0))
      throw std::logic_error("LoadingProgramme: the gauge length is unknown (call "
                             "set_automatic_gauge_length() once the mesh exists)");
    return nominal_strain(t) * gauge_length();
  }

  std::size_t LoadingProgramme::segment_index(const double t) const
  {
    double start = start_time;
    for (std::size_t i = 0; i < segments.size(); ++i)
      {
        const double end = start + segments[i].duration;
        if (t > start && t <= end)
          return i;
        start = end;
      }
    return none;
  }

  std::string LoadingProgramme::segment_name(const std::size_t i) const
  {
    if (i >= segments.size())
      return "none";
    return std::string(kind_name(segments[i].kind)) + " " + std::to_string(i + 1);
  }

  double LoadingProgramme::end_time() const
  {
    double t = start_time;
    for (const auto &s : segments)
      t += s.duration;
    return t;
  }

  std::vector<double> LoadingProgramme::breakpoints() const
  {
    std::vector<double> out{start_time};
    double              t = start_time;
    for (const auto &s : segments)
      out.push_back(t += s.duration);
    return out;
  }
} // namespace bmgfe
