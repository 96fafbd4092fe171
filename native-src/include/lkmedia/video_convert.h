// Colour conversion and scaling between packed 32-bit RGB formats and I420 (libyuv), written straight
// into caller-provided planes (for instance webrtc-java's NativeI420Buffer direct buffers).
//
// Packed formats are named by their byte order in memory (what most Java code means):
//   kRGBA: R,G,B,A bytes          -> libyuv ABGR
//   kBGRA: B,G,R,A bytes          -> libyuv ARGB (also Java int 0xAARRGGBB pixels on little endian)
//   kARGB: A,R,G,B bytes          -> libyuv BGRA
//   kABGR: A,B,G,R bytes          -> libyuv RGBA (BufferedImage.TYPE_4BYTE_ABGR)
// Conversions use BT.601 limited range, as libwebrtc assumes. Every size and stride is checked against
// the bytes available before libyuv touches memory. All functions are thread-safe.
#ifndef LKMEDIA_VIDEO_CONVERT_H
#define LKMEDIA_VIDEO_CONVERT_H

#include <cstdint>

#include "lkmedia/status.h"

namespace lkmedia {

enum PixelFormat : int { kPixelRGBA = 0, kPixelBGRA = 1, kPixelARGB = 2, kPixelABGR = 3 };
enum ScaleFilter : int { kScaleNone = 0, kScaleLinear = 1, kScaleBilinear = 2, kScaleBox = 3 };

// Packed (width x height, 4 bytes per pixel) -> I420. Returns kOk, kBadArgument or kBufferTooSmall.
int convertToI420(int format, const uint8_t* src, int srcStride, int srcSize, int width, int height,
                  uint8_t* y, int strideY, int sizeY, uint8_t* u, int strideU, int sizeU,
                  uint8_t* v, int strideV, int sizeV);

// I420 -> packed.
int convertFromI420(const uint8_t* y, int strideY, int sizeY, const uint8_t* u, int strideU, int sizeU,
                    const uint8_t* v, int strideV, int sizeV, int width, int height,
                    int format, uint8_t* dst, int dstStride, int dstSize);

// I420 -> I420 of another size (or a plain copy at the same size).
int scaleI420(const uint8_t* srcY, int srcStrideY, int srcSizeY, const uint8_t* srcU, int srcStrideU,
              int srcSizeU, const uint8_t* srcV, int srcStrideV, int srcSizeV, int srcWidth, int srcHeight,
              uint8_t* dstY, int dstStrideY, int dstSizeY, uint8_t* dstU, int dstStrideU, int dstSizeU,
              uint8_t* dstV, int dstStrideV, int dstSizeV, int dstWidth, int dstHeight, int filter);

// Packed 32-bit -> packed 32-bit of another size (any of the four formats; channels are kept in place).
int scalePacked(const uint8_t* src, int srcStride, int srcSize, int srcWidth, int srcHeight,
                uint8_t* dst, int dstStride, int dstSize, int dstWidth, int dstHeight, int filter);

// Checks that an I420 picture of width x height (each 1..65535) fits the given planes: non-null,
// strides >= the row widths, sizes >= stride x (rows - 1) + row width. kOk, kBadArgument or
// kBufferTooSmall.
int checkI420(int width, int height, const uint8_t* y, int strideY, int sizeY, const uint8_t* u,
              int strideU, int sizeU, const uint8_t* v, int strideV, int sizeV);

}  // namespace lkmedia

#endif  // LKMEDIA_VIDEO_CONVERT_H
