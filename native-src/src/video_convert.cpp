#include "lkmedia/video_convert.h"

#include <libyuv/convert.h>
#include <libyuv/convert_from_argb.h>
#include <libyuv/convert_argb.h>
#include <libyuv/planar_functions.h>
#include <libyuv/scale.h>
#include <libyuv/scale_argb.h>

namespace lkmedia {
namespace {

constexpr int kMaxDimension = 65535;

bool fits(int64_t stride, int64_t rows, int64_t rowBytes, int64_t size) {
  return rows <= 0 || stride * (rows - 1) + rowBytes <= size;
}

int checkPacked(int width, int height, const uint8_t* p, int stride, int size) {
  if (width <= 0 || height <= 0 || width > kMaxDimension || height > kMaxDimension || p == nullptr) {
    return kBadArgument;
  }
  if (static_cast<int64_t>(stride) < static_cast<int64_t>(width) * 4) return kBadArgument;
  return fits(stride, height, static_cast<int64_t>(width) * 4, size) ? kOk : kBufferTooSmall;
}

libyuv::FilterMode toFilter(int filter) {
  switch (filter) {
    case kScaleLinear: return libyuv::kFilterLinear;
    case kScaleBilinear: return libyuv::kFilterBilinear;
    case kScaleBox: return libyuv::kFilterBox;
    default: return libyuv::kFilterNone;
  }
}

}  // namespace

int checkI420(int width, int height, const uint8_t* y, int strideY, int sizeY, const uint8_t* u,
              int strideU, int sizeU, const uint8_t* v, int strideV, int sizeV) {
  if (width <= 0 || height <= 0 || width > kMaxDimension || height > kMaxDimension) return kBadArgument;
  if (y == nullptr || u == nullptr || v == nullptr) return kBadArgument;
  const int cw = (width + 1) / 2, ch = (height + 1) / 2;
  if (strideY < width || strideU < cw || strideV < cw) return kBadArgument;
  if (!fits(strideY, height, width, sizeY) || !fits(strideU, ch, cw, sizeU) || !fits(strideV, ch, cw, sizeV)) {
    return kBufferTooSmall;
  }
  return kOk;
}

int convertToI420(int format, const uint8_t* src, int srcStride, int srcSize, int width, int height,
                  uint8_t* y, int strideY, int sizeY, uint8_t* u, int strideU, int sizeU,
                  uint8_t* v, int strideV, int sizeV) {
  int r = checkPacked(width, height, src, srcStride, srcSize);
  if (r != kOk) return r;
  r = checkI420(width, height, y, strideY, sizeY, u, strideU, sizeU, v, strideV, sizeV);
  if (r != kOk) return r;
  switch (format) {
    case kPixelRGBA: r = libyuv::ABGRToI420(src, srcStride, y, strideY, u, strideU, v, strideV, width, height); break;
    case kPixelBGRA: r = libyuv::ARGBToI420(src, srcStride, y, strideY, u, strideU, v, strideV, width, height); break;
    case kPixelARGB: r = libyuv::BGRAToI420(src, srcStride, y, strideY, u, strideU, v, strideV, width, height); break;
    case kPixelABGR: r = libyuv::RGBAToI420(src, srcStride, y, strideY, u, strideU, v, strideV, width, height); break;
    default: return kBadArgument;
  }
  return r == 0 ? kOk : kInternalError;
}

int convertFromI420(const uint8_t* y, int strideY, int sizeY, const uint8_t* u, int strideU, int sizeU,
                    const uint8_t* v, int strideV, int sizeV, int width, int height,
                    int format, uint8_t* dst, int dstStride, int dstSize) {
  int r = checkI420(width, height, y, strideY, sizeY, u, strideU, sizeU, v, strideV, sizeV);
  if (r != kOk) return r;
  r = checkPacked(width, height, dst, dstStride, dstSize);
  if (r != kOk) return r;
  switch (format) {
    case kPixelRGBA: r = libyuv::I420ToABGR(y, strideY, u, strideU, v, strideV, dst, dstStride, width, height); break;
    case kPixelBGRA: r = libyuv::I420ToARGB(y, strideY, u, strideU, v, strideV, dst, dstStride, width, height); break;
    case kPixelARGB: r = libyuv::I420ToBGRA(y, strideY, u, strideU, v, strideV, dst, dstStride, width, height); break;
    case kPixelABGR: r = libyuv::I420ToRGBA(y, strideY, u, strideU, v, strideV, dst, dstStride, width, height); break;
    default: return kBadArgument;
  }
  return r == 0 ? kOk : kInternalError;
}

int scaleI420(const uint8_t* srcY, int srcStrideY, int srcSizeY, const uint8_t* srcU, int srcStrideU,
              int srcSizeU, const uint8_t* srcV, int srcStrideV, int srcSizeV, int srcWidth, int srcHeight,
              uint8_t* dstY, int dstStrideY, int dstSizeY, uint8_t* dstU, int dstStrideU, int dstSizeU,
              uint8_t* dstV, int dstStrideV, int dstSizeV, int dstWidth, int dstHeight, int filter) {
  if (filter < kScaleNone || filter > kScaleBox) return kBadArgument;
  int r = checkI420(srcWidth, srcHeight, srcY, srcStrideY, srcSizeY, srcU, srcStrideU, srcSizeU, srcV, srcStrideV,
                    srcSizeV);
  if (r != kOk) return r;
  r = checkI420(dstWidth, dstHeight, dstY, dstStrideY, dstSizeY, dstU, dstStrideU, dstSizeU, dstV, dstStrideV,
                dstSizeV);
  if (r != kOk) return r;
  if (srcWidth == dstWidth && srcHeight == dstHeight) {
    r = libyuv::I420Copy(srcY, srcStrideY, srcU, srcStrideU, srcV, srcStrideV, dstY, dstStrideY, dstU, dstStrideU,
                         dstV, dstStrideV, dstWidth, dstHeight);
  } else {
    r = libyuv::I420Scale(srcY, srcStrideY, srcU, srcStrideU, srcV, srcStrideV, srcWidth, srcHeight, dstY, dstStrideY,
                          dstU, dstStrideU, dstV, dstStrideV, dstWidth, dstHeight, toFilter(filter));
  }
  return r == 0 ? kOk : kInternalError;
}

int scalePacked(const uint8_t* src, int srcStride, int srcSize, int srcWidth, int srcHeight,
                uint8_t* dst, int dstStride, int dstSize, int dstWidth, int dstHeight, int filter) {
  if (filter < kScaleNone || filter > kScaleBox) return kBadArgument;
  int r = checkPacked(srcWidth, srcHeight, src, srcStride, srcSize);
  if (r != kOk) return r;
  r = checkPacked(dstWidth, dstHeight, dst, dstStride, dstSize);
  if (r != kOk) return r;
  r = libyuv::ARGBScale(src, srcStride, srcWidth, srcHeight, dst, dstStride, dstWidth, dstHeight, toFilter(filter));
  return r == 0 ? kOk : kInternalError;
}

}  // namespace lkmedia
