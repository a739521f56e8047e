#include <bmgfe/io/parameter_file.h>

#include <deal.II/base/parameter_handler.h>
#include <deal.II/base/utilities.h>

#include <boost/property_tree/json_parser.hpp>
#include <boost/property_tree/ptree.hpp>

#include <algorithm>
#include <cctype>
#include <fstream>
#include <sstream>

namespace bmgfe
{
  namespace
  {
    bool starts_with(const std::string &s, const std::string &prefix)
    {
      return s.compare(0, prefix.size(), prefix) == 0;
    }

    /// A logical line without its comment and tabs, as deal.II's scan_line() reads it.
    std::string clean(std::string line)
    {
      line = line.substr(0, line.find('#'));
      std::replace(line.begin(), line.end(), '\t', ' ');
      return dealii::Utilities::trim(line);
    }

    /// What scan_line() makes of a cleaned line (keywords in lower or upper case).
    ParameterStatement classify(const std::string &line)
    {
      ParameterStatement s;
      if (starts_with(line, "subsection ") || starts_with(line, "SUBSECTION "))
        {
          s.kind = ParameterStatement::Kind::subsection;
          s.name = dealii::Utilities::trim(line.substr(11));
        }
      else if (starts_with(line, "end") || starts_with(line, "END"))
        s.kind = ParameterStatement::Kind::end;
      else if (starts_with(line, "set ") || starts_with(line, "SET "))
        {
          const auto eq = line.find('=');
          if (eq != std::string::npos)
            {
              s.kind  = ParameterStatement::Kind::set;
              s.name  = dealii::Utilities::trim(line.substr(4, eq - 4));
              s.value = dealii::Utilities::trim(line.substr(eq + 1));
            }
        }
      else if (starts_with(line, "include ") || starts_with(line, "INCLUDE "))
        {
          s.kind = ParameterStatement::Kind::include;
          s.name = dealii::Utilities::trim(line.substr(8));
        }
      return s;
    }

    std::string lower(std::string s)
    {
      for (char &c : s)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      return s;
    }
  } // namespace

  std::vector<ParameterStatement> read_parameter_statements(const std::string &file)
  {
    std::vector<ParameterStatement> statements;
    std::ifstream                   in(file);
    std::string                     line, joined;
    std::vector<std::string>        stack;
    unsigned int                    number = 0, first = 0;
    while (std::getline(in, line))
      {
        ++number;
        line = dealii::Utilities::trim(line);
        if (first == 0)
          first = number;
        // As deal.II: a trailing backslash joins the next line (before comments are cut).
        if (!line.empty() && line.back() == '\\')
          {
            joined += line.substr(0, line.size() - 1);
            continue;
          }
        const std::string text = clean(joined + line);
        ParameterStatement s = classify(text);
        s.first_line = first;
        s.last_line  = number;
        s.path       = stack;
        joined.clear();
        first = 0;
        if (text.empty())
          continue;
        if (s.kind == ParameterStatement::Kind::subsection)
          stack.push_back(s.name);
        else if (s.kind == ParameterStatement::Kind::end && !stack.empty())
          stack.pop_back();
        statements.push_back(std::move(s));
      }
    return statements;
  }

  unsigned int find_entry_line(const std::string &file, const std::string &path)
  {
    const std::vector<std::string> want = dealii::Utilities::split_string_list(path, '/');
    unsigned int                   line = 0;
    for (const auto &s : read_parameter_statements(file))
      if (s.kind == ParameterStatement::Kind::set && s.path.size() + 1 == want.size() &&
          std::equal(s.path.begin(), s.path.end(), want.begin()) && s.name == want.back())
        line = s.first_line;
    return line;
  }

  bool file_has_subsection(const std::string &file, const std::vector<std::string> &path)
  {
    for (const auto &s : read_parameter_statements(file))
      if (s.kind == ParameterStatement::Kind::subsection && s.path.size() + 1 == path.size() &&
          std::equal(s.path.begin(), s.path.end(), path.begin()) && s.name == path.back())
        return true;
    return false;
  }

  unsigned int edit_distance(const std::string &a_text, const std::string &b_text)
  {
    // Optimal string alignment distance over three rows of the dynamic programme.
    const std::string a = lower(a_text), b = lower(b_text);
    const std::size_t n = b.size();
    std::vector<unsigned int> before(n + 1), previous(n + 1), current(n + 1);
    for (std::size_t j = 0; j <= n; ++j)
      previous[j] = static_cast<unsigned int>(j);
    for (std::size_t i = 1; i <= a.size(); ++i)
      {
        current[0] = static_cast<unsigned int>(i);
        for (std::size_t j = 1; j <= n; ++j)
          {
            const unsigned int cost = a[i - 1] == b[j - 1] ? 0 : 1;
            current[j] = std::min({previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost});
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
              current[j] = std::min(current[j], before[j - 2] + 1);
          }
        std::swap(before, previous);
        std::swap(previous, current);
      }
    return previous[n];
  }

  std::string closest_name(const std::string &name, const std::vector<std::string> &candidates)
  {
    const unsigned int limit = std::max<unsigned int>(2, static_cast<unsigned int>(name.size()) / 3);
    std::string        best;
    unsigned int       best_distance = limit + 1;
    for (const auto &c : candidates)
      {
        const unsigned int d = edit_distance(name, c);
        if (d < best_distance)
          {
            best          = c;
            best_distance = d;
          }
      }
    return best;
  }

  std::string join_path(const std::vector<std::string> &path)
  {
    std::string s;
    for (const auto &p : path)
      s += (s.empty() ? "" : "/") + p;
    return s;
  }

  DeclaredNames::DeclaredNames(const dealii::ParameterHandler &prm)
  {
    // The handler's tree is private; its JSON print has every subsection and entry with
    // the names as declared. An entry is a node with a "value" leaf.
    std::stringstream json;
    prm.print_parameters(json, dealii::ParameterHandler::JSON);
    boost::property_tree::ptree tree;
    boost::property_tree::read_json(json, tree);
    const auto fill = [](const auto &self, const boost::property_tree::ptree &node,
                         Section &section) -> void {
      for (const auto &child : node)
        {
          const auto value = child.second.find("value");
          if (value != child.second.not_found() && value->second.empty())
            section.entries.push_back(child.first);
          else if (!child.second.empty())
            {
              section.subsection_names.push_back(child.first);
              self(self, child.second, section.subsections[child.first]);
            }
        }
    };
    fill(fill, tree, root);
  }

  std::string DeclaredNames::check(const std::vector<std::string> &path, const std::string &entry) const
  {
    const auto did_you_mean = [](const std::string &name, const std::vector<std::string> &names) {
      const std::string best = closest_name(name, names);
      return best.empty() ? std::string() : "; did you mean '" + best + "'?";
    };
    const Section *section = &root;
    for (std::size_t i = 0; i < path.size(); ++i)
      {
        const auto next = section->subsections.find(path[i]);
        if (next == section->subsections.end())
          return "subsection '" + join_path({path.begin(), path.begin() + i + 1}) +
                 "': no such subsection" + did_you_mean(path[i], section->subsection_names);
        section = &next->second;
      }
    if (entry.empty() ||
        std::find(section->entries.begin(), section->entries.end(), entry) != section->entries.end())
      return "";
    std::vector<std::string> full = path;
    full.push_back(entry);
    return "entry '" + join_path(full) + "': no such entry" + did_you_mean(entry, section->entries);
  }

  std::optional<UnknownName> find_unknown_name(const std::string &file, const DeclaredNames &names)
  {
    for (const auto &s : read_parameter_statements(file))
      {
        std::string message;
        if (s.kind == ParameterStatement::Kind::subsection)
          {
            std::vector<std::string> path = s.path;
            path.push_back(s.name);
            message = names.check(path);
          }
        else if (s.kind == ParameterStatement::Kind::set)
          message = names.check(s.path, s.name);
        if (!message.empty())
          return UnknownName{s.first_line, s.last_line, message};
      }
    return std::nullopt;
  }
} // namespace bmgfe
