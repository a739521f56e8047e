#include <bmgfe/postprocess/quantities.h>

#include <stdexcept>

namespace bmgfe
{
  namespace postprocess
  {
    std::string join_name(const std::vector<std::string> &parts)
    {
      std::string name;
      for (const auto &p : parts)
        if (!p.empty())
          name += (name.empty() ? "" : "_") + p;
      return name;
    }

    std::string Quantity::column(const std::string &qualifier) const
    {
      return join_name({name, qualifier, unit});
    }

    void QuantityRegistry::add(Quantity quantity)
    {
      if (find(quantity.name))
        throw std::logic_error("point quantity '" + quantity.name + "' declared twice");
      const bool ok = (quantity.kind == QuantityKind::scalar && quantity.scalar) ||
                      (quantity.kind == QuantityKind::vector && quantity.vector) ||
                      (quantity.kind == QuantityKind::symmetric_tensor && quantity.tensor);
      if (!ok)
        throw std::logic_error("point quantity '" + quantity.name + "' has no evaluator of its kind");
      quantities.push_back(std::move(quantity));
    }

    const Quantity *QuantityRegistry::find(const std::string &name) const
    {
      for (const auto &q : quantities)
        if (q.name == name)
          return &q;
      return nullptr;
    }

    std::string QuantityRegistry::names() const
    {
      std::string list;
      for (const auto &q : quantities)
        list += (list.empty() ? "" : ", ") + q.name;
      return list;
    }
  } // namespace postprocess
} // namespace bmgfe
