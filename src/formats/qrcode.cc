#include "formats/qrcode.h"

#include <qrencode.h>
#include <zlib.h>

#include <cstdint>
#include <memory>

namespace iamd::formats {

using common::Error;
using common::Result;

namespace {

constexpr int kQuietZone = 4;  // modules of white around the symbol (ISO/IEC 18004 §6.3.8)

void put_u32(std::string& out, std::uint32_t v) {
  out.push_back(static_cast<char>((v >> 24) & 0xff));
  out.push_back(static_cast<char>((v >> 16) & 0xff));
  out.push_back(static_cast<char>((v >> 8) & 0xff));
  out.push_back(static_cast<char>(v & 0xff));
}

// One PNG chunk: length, type, data, CRC-32 over type and data (PNG §5.3).
void put_chunk(std::string& out, std::string_view type, std::string_view data) {
  put_u32(out, static_cast<std::uint32_t>(data.size()));
  std::string body(type);
  body.append(data);
  out.append(body);
  put_u32(out, static_cast<std::uint32_t>(
                   crc32(0L, reinterpret_cast<const Bytef*>(body.data()), static_cast<uInt>(body.size()))));
}

}  // namespace

Result<std::string> qr_code_png(std::string_view text, int scale) {
  const std::string input(text);  // libqrencode wants a NUL-terminated string
  std::unique_ptr<QRcode, decltype(&QRcode_free)> code(QRcode_encodeString8bit(input.c_str(), 0, QR_ECLEVEL_M),
                                                       &QRcode_free);
  if (!code) return Error{"QrEncodeFailed", "the text does not fit in a QR code", ""};
  const int modules = code->width;
  const int side = (modules + 2 * kQuietZone) * scale;

  // Scanlines, each led by filter type 0 (None); 0x00 black, 0xff white.
  std::string raw;
  raw.reserve(static_cast<std::size_t>(side) * static_cast<std::size_t>(side + 1));
  for (int y = 0; y < side; ++y) {
    raw.push_back('\0');
    const int my = y / scale - kQuietZone;
    for (int x = 0; x < side; ++x) {
      const int mx = x / scale - kQuietZone;
      bool dark = false;
      if (mx >= 0 && my >= 0 && mx < modules && my < modules) dark = (code->data[my * modules + mx] & 1) != 0;
      raw.push_back(dark ? '\0' : static_cast<char>(0xff));
    }
  }
  uLongf packed_size = compressBound(static_cast<uLong>(raw.size()));
  std::string packed(packed_size, '\0');
  if (compress2(reinterpret_cast<Bytef*>(packed.data()), &packed_size, reinterpret_cast<const Bytef*>(raw.data()),
                static_cast<uLong>(raw.size()), Z_BEST_COMPRESSION) != Z_OK) {
    return Error{"QrEncodeFailed", "zlib could not compress the image", ""};
  }
  packed.resize(packed_size);

  std::string png("\x89PNG\r\n\x1a\n", 8);
  std::string header;
  put_u32(header, static_cast<std::uint32_t>(side));  // width
  put_u32(header, static_cast<std::uint32_t>(side));  // height
  header.push_back(8);                                // bit depth
  header.push_back(0);                                // colour type: greyscale
  header.push_back(0);                                // compression: deflate
  header.push_back(0);                                // filter method 0
  header.push_back(0);                                // no interlace
  put_chunk(png, "IHDR", header);
  put_chunk(png, "IDAT", packed);
  put_chunk(png, "IEND", "");
  return png;
}

}  // namespace iamd::formats
