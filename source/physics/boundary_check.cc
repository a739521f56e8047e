#include <bmgfe/base/input_error.h>
#include <bmgfe/physics/boundary_check.h>

#include <algorithm>
#include <set>

namespace bmgfe
{
  void check_boundary_conditions(const std::vector<dealii::types::boundary_id> &ids,
                                 const std::string &description, const HeatParameters &h,
                                 const MechanicsParameters &m)
  {
    std::set<unsigned int> with_condition;
    std::string            existing;
    for (const auto i : ids)
      existing += (existing.empty() ? "" : ", ") + std::to_string(i);
    const std::pair<const char *, const std::vector<unsigned int> *> lists[] = {
      {"Robin boundary ids", &h.robin_ids},
      {"Insulated boundary ids", &h.insulated_ids},
      {"Prescribed temperature boundary ids", &h.prescribed_ids}};
    for (const auto &[entry, list] : lists)
      for (const auto id : *list)
        {
          require(std::find(ids.begin(), ids.end(), id) != ids.end(),
                  "entry 'Heat/Boundary conditions/" + std::string(entry) + "'",
                  "boundary id " + std::to_string(id) + " does not exist in the mesh (" +
                    description + "; its boundary ids are " + existing + ")");
          with_condition.insert(id);
        }
    if (m.enabled)
      {
        std::vector<unsigned int>  used(m.symmetry_ids);
        for (const auto &f : m.fixed_components)
          used.push_back(f.first);
        for (const auto &p : m.prescribed)
          used.push_back(p.id);
        for (const auto &p : m.pressure)
          used.push_back(p.first);
        for (const auto id : used)
          require(std::find(ids.begin(), ids.end(), id) != ids.end(),
                  "section 'Mechanics/Boundary conditions'",
                  "boundary id " + std::to_string(id) + " does not exist in the mesh (" +
                    description + "; its boundary ids are " + existing + ")");
        if (m.loading.enabled)
          for (const auto &[entry, id] : {std::make_pair("Loaded boundary id", m.loading.loaded_boundary_id),
                                          std::make_pair("Supported boundary id", m.loading.supported_boundary_id)})
            require(std::find(ids.begin(), ids.end(), id) != ids.end(),
                    "entry 'Mechanics/Loading programme/" + std::string(entry) + "'",
                    "boundary id " + std::to_string(id) + " does not exist in the mesh (" +
                      description + "; its boundary ids are " + existing + ")");
        require(!m.fixed_components.empty() || !m.symmetry_ids.empty() || !m.prescribed.empty() ||
                  !m.point_constraints.empty() || m.loading.enabled,
                "section 'Mechanics/Boundary conditions'",
                "the body has no supports: fix components, symmetry planes, prescribed "
                "displacements or point constraints must remove its rigid-body motions");
      }
    for (const auto id : ids)
      require(with_condition.count(id) > 0, "section 'Heat/Boundary conditions'",
              "boundary id " + std::to_string(id) + " of the mesh (" + description +
                ") has no condition: list it under Robin, Insulated or Prescribed temperature "
                "boundary ids");
  }
} // namespace bmgfe
