#include <bmgfe/postprocess/png_image.h>

#include <zlib.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <fstream>
#include <map>

namespace bmgfe
{
  namespace postprocess
  {
    namespace
    {
      // matplotlib's viridis at t = 0, 1/16, ..., 1.
      constexpr std::array<Rgb, 17> viridis_samples = {{{{68, 1, 84}},    {{72, 24, 106}},
                                                        {{71, 45, 123}},  {{66, 64, 134}},
                                                        {{59, 82, 139}},  {{51, 99, 141}},
                                                        {{44, 114, 142}}, {{38, 130, 142}},
                                                        {{33, 145, 140}}, {{31, 160, 136}},
                                                        {{40, 174, 128}}, {{63, 188, 115}},
                                                        {{94, 201, 98}},  {{132, 212, 75}},
                                                        {{173, 220, 48}}, {{216, 226, 25}},
                                                        {{253, 231, 37}}}};

      /// 5 x 7 glyphs, row by row from the top, '#' set.
      const std::map<char, const char *> &font()
      {
        static const std::map<char, const char *> glyphs = {
          {' ', "..................................."},
          {'0', ".###.#...##..###.#.###..##...#.###."},
          {'1', "..#...##....#....#....#....#...###."},
          {'2', ".###.#...#....#...#...#...#...#####"},
          {'3', "#####...#...#.....#.....##...#.###."},
          {'4', "...#...##..#.#.#..#.#####...#....#."},
          {'5', "######....####.....#....##...#.###."},
          {'6', "..##..#...#....####.#...##...#.###."},
          {'7', "#####....#...#...#...#....#....#..."},
          {'8', ".###.#...##...#.###.#...##...#.###."},
          {'9', ".###.#...##...#.####....#...#..##.."},
          {'A', ".###.#...##...#######...##...##...#"},
          {'B', "####.#...##...#####.#...##...#####."},
          {'C', ".###.#...##....#....#....#...#.###."},
          {'D', "###..#..#.#...##...##...##..#.###.."},
          {'E', "######....#....####.#....#....#####"},
          {'F', "######....#....####.#....#....#...."},
          {'G', ".###.#...##....#.####...##...#.####"},
          {'H', "#...##...##...#######...##...##...#"},
          {'I', ".###...#....#....#....#....#...###."},
          {'J', "..###...#....#....#....#.#..#..##.."},
          {'K', "#...##..#.#.#..##...#.#..#..#.#...#"},
          {'L', "#....#....#....#....#....#....#####"},
          {'M', "#...###.###.#.##.#.##...##...##...#"},
          {'N', "#...##...###..##.#.##..###...##...#"},
          {'O', ".###.#...##...##...##...##...#.###."},
          {'P', "####.#...##...#####.#....#....#...."},
          {'Q', ".###.#...##...##...##.#.##..#..##.#"},
          {'R', "####.#...##...#####.#.#..#..#.#...#"},
          {'S', ".#####....#.....###.....#....#####."},
          {'T', "#####..#....#....#....#....#....#.."},
          {'U', "#...##...##...##...##...##...#.###."},
          {'V', "#...##...##...##...##...#.#.#...#.."},
          {'W', "#...##...##...##.#.##.#.##.#.#.#.#."},
          {'X', "#...##...#.#.#...#...#.#.#...##...#"},
          {'Y', "#...##...#.#.#...#....#....#....#.."},
          {'Z', "#####....#...#...#...#...#....#####"},
          {'.', "..........................##...##.."},
          {',', ".....................##....#...#..."},
          {'-', "...............#####..............."},
          {'+', ".......#....#..#####..#....#......."},
          {'=', "..........#####.....#####.........."},
          {':', "......##...##........##...##......."},
          {'/', ".........#...#...#...#...#........."},
          {'(', "...#...#...#....#....#.....#.....#."},
          {')', ".#.....#.....#....#....#...#...#..."},
          {'[', ".###..#....#....#....#....#....###."},
          {']', ".###....#....#....#....#....#..###."},
          {'%', "##...##..#...#...#...#...#..##...##"},
          {'_', "..............................#####"}};
        return glyphs;
      }

      void put_u32(std::string &out, const std::uint32_t v)
      {
        for (int shift = 24; shift >= 0; shift -= 8)
          out.push_back(static_cast<char>((v >> shift) & 0xff));
      }

      void put_chunk(std::string &out, const char *type, const std::string &data)
      {
        put_u32(out, static_cast<std::uint32_t>(data.size()));
        const std::string body = std::string(type, 4) + data;
        out += body;
        put_u32(out, static_cast<std::uint32_t>(
                       crc32(0, reinterpret_cast<const Bytef *>(body.data()), static_cast<uInt>(body.size()))));
      }
    } // namespace

    Rgb viridis(const double t)
    {
      const double x = std::isfinite(t) ? std::clamp(t, 0.0, 1.0) * 16 : 0.0;
      const auto   k = std::min<std::size_t>(static_cast<std::size_t>(x), 15);
      const double f = x - k;
      Rgb          c;
      for (int i = 0; i < 3; ++i)
        c[i] = static_cast<std::uint8_t>(
          std::lround((1 - f) * viridis_samples[k][i] + f * viridis_samples[k + 1][i]));
      return c;
    }

    RgbImage::RgbImage(const unsigned int width, const unsigned int height, const Rgb background)
      : w(width)
      , h(height)
      , rgb(3 * static_cast<std::size_t>(width) * height)
    {
      for (std::size_t p = 0; p < rgb.size(); p += 3)
        std::copy(background.begin(), background.end(), rgb.begin() + p);
    }

    Rgb RgbImage::pixel(const unsigned int x, const unsigned int y) const
    {
      const std::size_t p = 3 * (static_cast<std::size_t>(y) * w + x);
      return {{rgb.at(p), rgb.at(p + 1), rgb.at(p + 2)}};
    }

    void RgbImage::set(const int x, const int y, const Rgb colour)
    {
      if (x < 0 || y < 0 || x >= static_cast<int>(w) || y >= static_cast<int>(h))
        return;
      std::copy(colour.begin(), colour.end(), rgb.begin() + 3 * (static_cast<std::size_t>(y) * w + x));
    }

    void RgbImage::fill(const int x, const int y, const int width, const int height, const Rgb colour)
    {
      for (int j = y; j < y + height; ++j)
        for (int i = x; i < x + width; ++i)
          set(i, j, colour);
    }

    void RgbImage::text(const int x, const int y, const std::string &s, const int scale, const Rgb colour)
    {
      const auto &glyphs = font();
      for (std::size_t c = 0; c < s.size(); ++c)
        {
          const auto it = glyphs.find(static_cast<char>(std::toupper(static_cast<unsigned char>(s[c]))));
          const char *bits = it == glyphs.end() ? glyphs.at('_') : it->second;
          for (int row = 0; row < 7; ++row)
            for (int col = 0; col < 5; ++col)
              if (bits[row * 5 + col] == '#')
                fill(x + (static_cast<int>(c) * 6 + col) * scale, y + row * scale, scale, scale, colour);
        }
    }

    bool RgbImage::write_png(const std::string &file) const
    {
      // Scanlines with filter type 0 (none), deflated as one IDAT chunk.
      std::string raw;
      raw.reserve((3 * static_cast<std::size_t>(w) + 1) * h);
      for (unsigned int y = 0; y < h; ++y)
        {
          raw.push_back('\0');
          raw.append(reinterpret_cast<const char *>(rgb.data()) + 3 * static_cast<std::size_t>(y) * w, 3 * w);
        }
      uLongf      size = compressBound(static_cast<uLong>(raw.size()));
      std::string deflated(size, '\0');
      if (compress2(reinterpret_cast<Bytef *>(&deflated[0]), &size,
                    reinterpret_cast<const Bytef *>(raw.data()), static_cast<uLong>(raw.size()),
                    Z_BEST_COMPRESSION) != Z_OK)
        return false;
      deflated.resize(size);

      std::string png("\x89PNG\r\n\x1a\n", 8);
      std::string header;
      put_u32(header, w);
      put_u32(header, h);
      header += std::string("\x08\x02\x00\x00\x00", 5); // 8 bits, RGB, deflate, no filter, no interlace
      put_chunk(png, "IHDR", header);
      put_chunk(png, "IDAT", deflated);
      put_chunk(png, "IEND", "");
      std::ofstream out(file, std::ios::binary);
      out.write(png.data(), static_cast<std::streamsize>(png.size()));
      return out.good();
    }
  } // namespace postprocess
} // namespace bmgfe
