#include "lkmedia/rtp_packet.h"

namespace lkmedia {

namespace {
inline uint16_t be16(const uint8_t* p) { return static_cast<uint16_t>((p[0] << 8) | p[1]); }
inline uint32_t be32(const uint8_t* p) {
  return (static_cast<uint32_t>(p[0]) << 24) | (static_cast<uint32_t>(p[1]) << 16) |
         (static_cast<uint32_t>(p[2]) << 8) | static_cast<uint32_t>(p[3]);
}
}  // namespace

RtpParseResult parseRtpHeader(const uint8_t* data, size_t length, RtpHeader* out) {
  if (data == nullptr || length < 12) return RtpParseResult::kTooShort;
  const uint8_t b0 = data[0];
  if ((b0 >> 6) != 2) return RtpParseResult::kBadVersion;
  const bool padding = (b0 & 0x20) != 0;
  const bool extension = (b0 & 0x10) != 0;
  const size_t csrcCount = b0 & 0x0f;
  size_t offset = 12 + 4 * csrcCount;
  if (offset > length) return RtpParseResult::kTooShort;
  if (extension) {
    if (offset + 4 > length) return RtpParseResult::kTooShort;
    const size_t words = be16(data + offset + 2);
    offset += 4 + 4 * words;
    if (offset > length) return RtpParseResult::kTooShort;
  }
  size_t payloadLength = length - offset;
  size_t paddingLength = 0;
  if (padding) {
    if (payloadLength == 0) return RtpParseResult::kBadPadding;
    paddingLength = data[length - 1];
    if (paddingLength == 0 || paddingLength > payloadLength) return RtpParseResult::kBadPadding;
    payloadLength -= paddingLength;
  }
  out->marker = (data[1] & 0x80) != 0;
  out->payloadType = data[1] & 0x7f;
  out->sequenceNumber = be16(data + 2);
  out->timestamp = be32(data + 4);
  out->ssrc = be32(data + 8);
  out->payloadOffset = static_cast<uint32_t>(offset);
  out->payloadLength = static_cast<uint32_t>(payloadLength);
  out->paddingLength = static_cast<uint32_t>(paddingLength);
  return RtpParseResult::kOk;
}

bool parseVp8Descriptor(const uint8_t* p, size_t length, Vp8Descriptor* out) {
  if (p == nullptr || length < 1) return false;
  Vp8Descriptor d;
  size_t i = 0;
  const uint8_t b0 = p[i++];
  const bool x = (b0 & 0x80) != 0;
  d.nonReference = (b0 & 0x20) != 0;
  d.startOfPartition = (b0 & 0x10) != 0;
  d.partitionId = b0 & 0x0f;
  if (x) {
    if (i >= length) return false;
    const uint8_t xb = p[i++];
    const bool hasI = (xb & 0x80) != 0;
    const bool hasL = (xb & 0x40) != 0;
    const bool hasT = (xb & 0x20) != 0;
    const bool hasK = (xb & 0x10) != 0;
    if (hasI) {
      if (i >= length) return false;
      const uint8_t ib = p[i++];
      if (ib & 0x80) {
        if (i >= length) return false;
        d.pictureId = ((ib & 0x7f) << 8) | p[i++];
        d.pictureIdBits = 15;
      } else {
        d.pictureId = ib & 0x7f;
        d.pictureIdBits = 7;
      }
    }
    if (hasL) {
      if (i >= length) return false;
      d.tl0PicIdx = p[i++];
    }
    if (hasT || hasK) {
      if (i >= length) return false;
      const uint8_t tk = p[i++];
      if (hasT) d.temporalId = tk >> 6;
    }
  }
  if (i >= length) return false;  // a descriptor must be followed by at least one payload byte
  d.descriptorSize = static_cast<uint32_t>(i);
  *out = d;
  return true;
}

bool parseVp8PayloadHeader(const uint8_t* vp8, size_t length, bool* keyFrame, int* width, int* height) {
  if (vp8 == nullptr || length < 3) return false;
  const bool key = (vp8[0] & 0x01) == 0;
  *keyFrame = key;
  *width = 0;
  *height = 0;
  if (!key) return true;
  if (length < 10) return false;
  if (vp8[3] != 0x9d || vp8[4] != 0x01 || vp8[5] != 0x2a) return false;
  *width = ((vp8[7] << 8) | vp8[6]) & 0x3fff;
  *height = ((vp8[9] << 8) | vp8[8]) & 0x3fff;
  return true;
}

namespace {
// Samples per frame at 48 kHz for each of the 32 TOC configurations.
int opusFrameSamples48k(uint8_t toc) {
  const int config = toc >> 3;
  if (config < 12) {  // SILK: 10, 20, 40, 60 ms
    static const int k[4] = {480, 960, 1920, 2880};
    return k[config & 3];
  }
  if (config < 16) {  // hybrid: 10, 20 ms
    return (config & 1) ? 960 : 480;
  }
  static const int k[4] = {120, 240, 480, 960};  // CELT: 2.5, 5, 10, 20 ms
  return k[config & 3];
}

int opusFrameCount(const uint8_t* packet, size_t length) {
  switch (packet[0] & 3) {
    case 0: return 1;
    case 1:
    case 2: return 2;
    default:
      if (length < 2) return -1;
      return packet[1] & 0x3f;
  }
}

// Offset and size of the first frame's data, or false when malformed.
bool opusFirstFrame(const uint8_t* packet, size_t length, size_t* offset, size_t* size) {
  const int code = packet[0] & 3;
  if (code == 0) {
    *offset = 1;
    *size = length - 1;
    return true;
  }
  if (code == 1) {
    if ((length - 1) % 2 != 0) return false;
    *offset = 1;
    *size = (length - 1) / 2;
    return true;
  }
  auto readLength = [&](size_t at, size_t* value, size_t* used) -> bool {
    if (at >= length) return false;
    if (packet[at] < 252) {
      *value = packet[at];
      *used = 1;
      return true;
    }
    if (at + 1 >= length) return false;
    *value = packet[at] + 4u * packet[at + 1];
    *used = 2;
    return true;
  };
  if (code == 2) {
    size_t len = 0, used = 0;
    if (!readLength(1, &len, &used)) return false;
    if (1 + used + len > length) return false;
    *offset = 1 + used;
    *size = len;
    return true;
  }
  // code 3
  if (length < 2) return false;
  const bool vbr = (packet[1] & 0x80) != 0;
  const bool padded = (packet[1] & 0x40) != 0;
  const int count = packet[1] & 0x3f;
  if (count == 0) return false;
  size_t at = 2;
  size_t paddingBytes = 0;
  if (padded) {
    for (;;) {
      if (at >= length) return false;
      const uint8_t b = packet[at++];
      paddingBytes += (b == 255) ? 254 : b;
      if (b != 255) break;
    }
  }
  if (vbr) {
    size_t first = 0;
    for (int f = 0; f < count - 1; ++f) {
      size_t len = 0, used = 0;
      if (!readLength(at, &len, &used)) return false;
      if (f == 0) first = len;
      at += used;
    }
    if (at + paddingBytes > length) return false;
    if (count == 1) first = length - at - paddingBytes;
    if (at + first > length) return false;
    *offset = at;
    *size = first;
    return true;
  }
  if (at + paddingBytes > length) return false;
  const size_t rest = length - at - paddingBytes;
  if (rest % static_cast<size_t>(count) != 0) return false;
  *offset = at;
  *size = rest / static_cast<size_t>(count);
  return true;
}
}  // namespace

int opusPacketSamples(const uint8_t* packet, size_t length, int sampleRate) {
  if (packet == nullptr || length < 1 || sampleRate < 8000 || sampleRate > 48000) return -1;
  const int frames = opusFrameCount(packet, length);
  if (frames <= 0) return -1;
  const int per48k = opusFrameSamples48k(packet[0]);
  const int total48k = frames * per48k;
  if (total48k > 5760) return -1;  // more than 120 ms
  return static_cast<int>(static_cast<int64_t>(total48k) * sampleRate / 48000);
}

bool opusPacketHasFec(const uint8_t* packet, size_t length) {
  if (packet == nullptr || length < 2) return false;
  const uint8_t toc = packet[0];
  if ((toc >> 3) >= 16) return false;  // CELT-only: no LBRR
  if (opusFrameCount(packet, length) <= 0) return false;
  size_t offset = 0, size = 0;
  if (!opusFirstFrame(packet, length, &offset, &size) || size == 0 || offset >= length) return false;
  // SILK codes, per channel, one VAD bit per 20 ms SILK frame and then the LBRR flag, each with
  // probability 1/2, so they are the leading bits of the range-coded data.
  const int per48k = opusFrameSamples48k(toc);
  const int silkFrames = per48k <= 960 ? 1 : per48k / 960;
  const uint8_t first = packet[offset];
  bool lbrr = ((first >> (7 - silkFrames)) & 1) != 0;
  const bool stereo = (toc & 0x04) != 0;
  if (stereo) lbrr = lbrr || ((first >> (6 - 2 * silkFrames)) & 1) != 0;
  return lbrr;
}

}  // namespace lkmedia
