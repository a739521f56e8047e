#include <bmgfe/io/solution_writer.h>

#include <deal.II/base/mpi.h>
#include <deal.II/base/utilities.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <sstream>

namespace bmgfe
{
  namespace
  {
    /// <DataArray> elements of the cell arrays, ascii (readable next to deal.II's binary ones).
    std::string cell_data_xml(const std::vector<CellArray> &arrays, const unsigned int cells_per_patch)
    {
      std::ostringstream xml;
      xml << std::setprecision(9);
      xml << "    <CellData>\n";
      for (const auto &a : arrays)
        {
          xml << "      <DataArray type=\"Float64\" Name=\"" << a.name << "\" NumberOfComponents=\""
              << a.n_components << "\" format=\"ascii\">\n";
          const std::size_t n_cells = a.values.size() / a.n_components;
          for (std::size_t c = 0; c < n_cells; ++c)
            for (unsigned int k = 0; k < cells_per_patch; ++k)
              {
                for (unsigned int i = 0; i < a.n_components; ++i)
                  xml << a.values[c * a.n_components + i] << ' ';
                xml << '\n';
              }
          xml << "      </DataArray>\n";
        }
      xml << "    </CellData>\n";
      return xml.str();
    }

    /// Insert `text` before the last occurrence of `tag` in `document`.
    bool insert_before_last(std::string &document, const std::string &tag, const std::string &text)
    {
      const auto at = document.rfind(tag);
      if (at == std::string::npos)
        return false;
      // Back to the start of the line that holds the tag.
      const auto line = document.rfind('\n', at);
      document.insert(line == std::string::npos ? at : line + 1, text);
      return true;
    }
  } // namespace

  template <int dim>
  SolutionWriter<dim>::SolutionWriter(const OutputParameters &prm, const std::string &directory,
                                      const MPI_Comm comm)
    : prm(prm)
    , directory(directory)
    , comm(comm)
  {}

  template <int dim>
  std::string SolutionWriter<dim>::write(const dealii::DataOut<dim> &data_out, const double time,
                                         const std::vector<CellArray> &cell_arrays,
                                         const unsigned int cells_per_patch)
  {
    const unsigned int index = n_written();
    const unsigned int rank  = dealii::Utilities::MPI::this_mpi_process(comm);
    const unsigned int ranks = dealii::Utilities::MPI::n_mpi_processes(comm);
    std::string        pvtu;
    bool               ok = true;
    if (cell_arrays.empty())
      {
        try
          {
            pvtu = data_out.write_vtu_with_pvtu_record(directory + "/solution/", "solution", index,
                                                       comm, 5, prm.n_groups);
          }
        catch (const std::exception &)
          {
            ok = false;
          }
      }
    else
      {
        // One piece per rank with the cell arrays inserted into deal.II's own XML.
        char base[64];
        std::snprintf(base, sizeof(base), "solution-%05u", index);
        const auto piece_name = [&](const unsigned int r) {
          char name[96];
          std::snprintf(name, sizeof(name), "%s.%04u.vtu", base, r);
          return std::string(name);
        };
        std::ostringstream piece;
        data_out.write_vtu(piece);
        std::string document = piece.str();
        ok = insert_before_last(document, "</Piece>", cell_data_xml(cell_arrays, cells_per_patch));
        if (ok)
          {
            std::ofstream out(directory + "/solution/" + piece_name(rank));
            out << document;
            ok = out.good();
          }
        if (rank == 0)
          {
            std::vector<std::string> pieces;
            for (unsigned int r = 0; r < ranks; ++r)
              pieces.push_back(piece_name(r));
            std::ostringstream record;
            data_out.write_pvtu_record(record, pieces);
            std::string        text = record.str();
            std::ostringstream declarations;
            declarations << "    <PCellData>\n";
            for (const auto &a : cell_arrays)
              declarations << "      <PDataArray type=\"Float64\" Name=\"" << a.name
                           << "\" NumberOfComponents=\"" << a.n_components << "\" format=\"ascii\"/>\n";
            declarations << "    </PCellData>\n";
            pvtu = std::string(base) + ".pvtu";
            ok   = ok && insert_before_last(text, "<PPoints>", declarations.str());
            std::ofstream out(directory + "/solution/" + pvtu);
            out << text;
            ok = ok && out.good();
          }
      }
    if (dealii::Utilities::MPI::min(ok ? 1 : 0, comm) == 0)
      return "";
    if (pvtu.empty()) // ranks other than 0 of the per-rank path
      {
        char base[64];
        std::snprintf(base, sizeof(base), "solution-%05u.pvtu", index);
        pvtu = base;
      }
    records.emplace_back(time, "solution/" + pvtu);
    // Rewritten every time, so the .pvd is valid while the run goes on.
    if (!write_pvd())
      return "";
    return records.back().second;
  }

  template <int dim>
  bool SolutionWriter<dim>::restore(const std::vector<std::pair<double, std::string>> &written)
  {
    records = written;
    if (records.empty())
      {
        // No snapshot before the checkpoint: none listed by the interrupted run either.
        if (dealii::Utilities::MPI::this_mpi_process(comm) == 0)
          std::filesystem::remove(directory + "/solution.pvd");
        return true;
      }
    return write_pvd();
  }

  template <int dim>
  bool SolutionWriter<dim>::write_pvd() const
  {
    bool ok = true;
    if (dealii::Utilities::MPI::this_mpi_process(comm) == 0)
      {
        std::ofstream pvd(directory + "/solution.pvd");
        dealii::DataOutBase::write_pvd_record(pvd, records);
        ok = pvd.good();
      }
    return dealii::Utilities::MPI::min(ok ? 1 : 0, comm) == 1;
  }

  template class SolutionWriter<2>;
  template class SolutionWriter<3>;
} // namespace bmgfe
