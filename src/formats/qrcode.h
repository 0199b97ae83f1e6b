// QR codes as PNG images: the QRCodePNG of a new virtual MFA device (the otpauth:// URI an
// authenticator app scans). libqrencode and zlib are kept inside formats/qrcode.cc.
// Thread-safety: a free function, thread-safe (libqrencode is built thread-safe in Debian).
#pragma once

#include <string>
#include <string_view>

#include "common/result.h"

namespace iamd::formats {

// A PNG (8-bit greyscale, black modules on white) of the QR code of `text` (byte mode,
// error correction level M, the smallest version that fits), each module `scale` pixels wide
// with the 4-module quiet zone of ISO/IEC 18004. Fails with "QrEncodeFailed" when the text
// does not fit in a QR code.
common::Result<std::string> qr_code_png(std::string_view text, int scale = 6);

}  // namespace iamd::formats
