#pragma once
// A parameter file read statement by statement the way deal.II's ParameterHandler reads it,
// and the names a ParameterHandler declares: for error messages that give the line of an
// entry and, for a misspelt entry or subsection, the declared name it most likely means.
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace dealii
{
  class ParameterHandler;
}

namespace bmgfe
{
  /// One logical line of a parameter file (lines ending in '\' are joined, '#' starts a
  /// comment), as ParameterHandler::parse_input() sees it.
  struct ParameterStatement
  {
    enum class Kind
    {
      subsection, ///< "subsection NAME": `name` is entered below `path`
      end,
      set,        ///< "set NAME = VALUE"
      include,    ///< "include FILE": `name` is the file
      other       ///< anything else (deal.II refuses it)
    };
    Kind                     kind = Kind::other;
    unsigned int             first_line = 0; ///< where the statement starts (1-based)
    unsigned int             last_line  = 0; ///< where it ends (deal.II's line in its errors)
    std::vector<std::string> path;           ///< enclosing subsections
    std::string              name, value;
  };

  /// The statements of `file` in order (empty if it cannot be read); includes not followed.
  std::vector<ParameterStatement> read_parameter_statements(const std::string &file);

  /// Line of the last "set" of the entry "A/B/Entry" in `file` (the one that takes effect),
  /// 0 if the file does not set it.
  unsigned int find_entry_line(const std::string &file, const std::string &path);

  /// Whether `file` has the subsection `path` ({"A", "B"} for "subsection A ... subsection B").
  bool file_has_subsection(const std::string &file, const std::vector<std::string> &path);

  /// Edit distance of a and b, ignoring case: insertions, deletions, substitutions and
  /// transpositions of adjacent characters count 1 each.
  unsigned int edit_distance(const std::string &a, const std::string &b);

  /// The candidate nearest to `name` by edit_distance() if that is close enough to be a
  /// plausible misspelling (at most max(2, length of name / 3)); "" otherwise. The first of
  /// equally near candidates wins.
  std::string closest_name(const std::string &name, const std::vector<std::string> &candidates);

  /// "A/B/C" from {"A", "B", "C"}.
  std::string join_path(const std::vector<std::string> &path);

  /// The subsections and entries that a ParameterHandler declares.
  class DeclaredNames
  {
  public:
    explicit DeclaredNames(const dealii::ParameterHandler &prm);

    /// "" if `path` names a declared subsection and `entry` (unless empty) an entry in it;
    /// otherwise the error about the first unknown name, e.g. "entry 'Geometry/Rod radus':
    /// no such entry; did you mean 'Rod radius'?" or "subsection 'Geomtry': no such
    /// subsection; did you mean 'Geometry'?".
    std::string check(const std::vector<std::string> &path, const std::string &entry = "") const;

  private:
    struct Section
    {
      std::vector<std::string>       entries;
      std::map<std::string, Section> subsections;
      std::vector<std::string>       subsection_names; ///< in declaration order
    };
    Section root;
  };

  /// The first statement of `file` that names an entry or subsection `names` does not declare.
  struct UnknownName
  {
    unsigned int first_line = 0, last_line = 0;
    std::string  message; ///< as DeclaredNames::check()
  };
  std::optional<UnknownName> find_unknown_name(const std::string &file, const DeclaredNames &names);
} // namespace bmgfe
