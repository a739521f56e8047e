#include <bmgfe/base/input_error.h>
#include <bmgfe/io/checkpoint_files.h>

#include <deal.II/base/mpi.h>

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <map>
#include <regex>
#include <sstream>

namespace bmgfe
{
  namespace
  {
    namespace fs = std::filesystem;

    std::string step_name(const unsigned int step)
    {
      std::ostringstream s;
      s << "checkpoint-" << std::setw(6) << std::setfill('0') << step;
      return s.str();
    }

    /// The checkpoint-NNNNNN folders of `directory` by step (oldest first).
    std::map<unsigned int, fs::path> checkpoint_folders(const std::string &directory)
    {
      static const std::regex          pattern("checkpoint-([0-9]+)");
      std::map<unsigned int, fs::path> all;
      std::error_code                  ec;
      for (const auto &entry : fs::directory_iterator(directory, ec))
        {
          std::smatch       m;
          const std::string name = entry.path().filename().string();
          if (entry.is_directory() && std::regex_match(name, m, pattern))
            all[static_cast<unsigned int>(std::stoul(m[1]))] = entry.path();
        }
      return all;
    }

    /// A checksum as manifest.txt writes it (16 hex digits).
    std::string hex(const std::uint64_t hash)
    {
      std::ostringstream h;
      h << std::hex << std::setw(16) << std::setfill('0') << hash;
      return h.str();
    }

    /// FNV-1a (64 bit) of a file's bytes: detects truncation and damage, not tampering.
    bool checksum(const fs::path &file, std::uint64_t &hash, std::uintmax_t &size)
    {
      std::ifstream in(file, std::ios::binary);
      if (!in)
        return false;
      hash = 14695981039346656037ull;
      size = 0;
      std::vector<char> buffer(1 << 20);
      while (in)
        {
          in.read(buffer.data(), buffer.size());
          const std::streamsize n = in.gcount();
          for (std::streamsize i = 0; i < n; ++i)
            hash = (hash ^ static_cast<unsigned char>(buffer[i])) * 1099511628211ull;
          size += static_cast<std::uintmax_t>(n);
        }
      return in.eof();
    }

    /// "" if the files of `folder` match its manifest, else why not.
    std::string check_manifest(const fs::path &folder)
    {
      std::ifstream in(folder / "manifest.txt");
      if (!in)
        return "no manifest.txt";
      std::string line, header;
      std::getline(in, header);
      if (header != "bmgfe checkpoint 1")
        return "manifest.txt of another format ('" + header + "')";
      unsigned int n = 0;
      bool         complete = false;
      while (std::getline(in, line))
        {
          if (line == "end")
            {
              complete = true;
              break;
            }
          std::istringstream fields(line);
          std::string        name;
          std::uintmax_t     size = 0;
          std::string        digits;
          if (!(fields >> name >> size >> digits))
            return "manifest.txt line '" + line + "' unreadable";
          std::uint64_t  hash = 0;
          std::uintmax_t actual = 0;
          if (!checksum(folder / name, hash, actual))
            return name + " missing or unreadable";
          if (actual != size)
            return name + " has " + std::to_string(actual) + " bytes, the manifest says " +
                   std::to_string(size);
          if (hex(hash) != digits)
            return name + " does not match its checksum";
          ++n;
        }
      if (!complete || n == 0)
        return "manifest.txt incomplete";
      return "";
    }
  } // namespace

  CheckpointFiles::CheckpointFiles(const std::string &output_directory, const MPI_Comm comm)
    : directory(output_directory + "/checkpoints")
    , comm(comm)
  {}

  std::string CheckpointFiles::begin(const unsigned int step) const
  {
    const fs::path tmp = fs::path(directory) / ("." + step_name(step) + ".tmp");
    std::string    error;
    if (dealii::Utilities::MPI::this_mpi_process(comm) == 0)
      {
        std::error_code ec;
        fs::create_directories(directory, ec);
        if (!ec)
          fs::remove_all(tmp, ec);
        if (!ec)
          fs::create_directories(tmp, ec);
        if (ec)
          error = "cannot create the checkpoint folder '" + tmp.string() + "': " + ec.message();
      }
    error = dealii::Utilities::MPI::broadcast(comm, error, 0);
    if (!error.empty())
      throw RunError(error);
    return tmp.string();
  }

  std::string CheckpointFiles::commit(const unsigned int step, const unsigned int kept) const
  {
    const fs::path tmp   = fs::path(directory) / ("." + step_name(step) + ".tmp");
    const fs::path final = fs::path(directory) / step_name(step);
    std::string    error;
    MPI_Barrier(comm); // every rank's part of the mesh data is on disk
    if (dealii::Utilities::MPI::this_mpi_process(comm) == 0)
      {
        std::error_code          ec;
        std::vector<std::string> names;
        for (const auto &entry : fs::directory_iterator(tmp, ec))
          if (entry.is_regular_file())
            names.push_back(entry.path().filename().string());
        std::sort(names.begin(), names.end());
        {
          std::ofstream out(tmp / "manifest.txt");
          out << "bmgfe checkpoint 1\n";
          for (const auto &name : names)
            {
              std::uint64_t  hash = 0;
              std::uintmax_t size = 0;
              if (!checksum(tmp / name, hash, size))
                {
                  error = "cannot read back '" + (tmp / name).string() + "'";
                  break;
                }
              out << name << ' ' << size << ' ' << hex(hash) << '\n';
            }
          out << "end\n";
          out.flush();
          if (!out && error.empty())
            error = "cannot write '" + (tmp / "manifest.txt").string() + "'";
        }
        if (error.empty())
          {
            fs::remove_all(final, ec); // a checkpoint of the same step from an earlier attempt
            fs::rename(tmp, final, ec);
            if (ec)
              error = "cannot rename '" + tmp.string() + "': " + ec.message();
          }
        if (error.empty())
          {
            // Keep the newest `kept` checkpoints (by step).
            auto all = checkpoint_folders(directory);
            while (all.size() > kept)
              {
                fs::remove_all(all.begin()->second, ec);
                all.erase(all.begin());
              }
          }
      }
    error = dealii::Utilities::MPI::broadcast(comm, error, 0);
    if (!error.empty())
      throw RunError("checkpoint of step " + std::to_string(step) + ": " + error);
    return final.string();
  }

  CheckpointFiles::Found CheckpointFiles::newest() const
  {
    Found found;
    if (dealii::Utilities::MPI::this_mpi_process(comm) == 0)
      {
        const auto all = checkpoint_folders(directory);
        for (auto it = all.rbegin(); it != all.rend(); ++it) // newest first
          {
            const auto &[step, path] = *it;
            const std::string why = check_manifest(path);
            if (why.empty())
              {
                found.folder = path.string();
                found.step   = step;
                break;
              }
            found.skipped.push_back(path.filename().string() + ": " + why);
          }
      }
    found.folder  = dealii::Utilities::MPI::broadcast(comm, found.folder, 0);
    found.step    = dealii::Utilities::MPI::broadcast(comm, found.step, 0);
    found.skipped = dealii::Utilities::MPI::broadcast(comm, found.skipped, 0);
    return found;
  }
} // namespace bmgfe
