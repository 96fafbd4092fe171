// Parsing of the network bytes the jitter buffers read: the RTP fixed header (RFC 3550), the VP8
// payload descriptor and payload header (RFC 7741), and the Opus TOC byte (RFC 6716 section 3.1).
//
// Every function here reads only inside [data, data + length), never allocates, never throws, and
// reports malformed input through its return value. They are safe to call on hostile bytes.
#ifndef LKMEDIA_RTP_PACKET_H
#define LKMEDIA_RTP_PACKET_H

#include <cstddef>
#include <cstdint>

namespace lkmedia {

// The fields of an RTP packet that the jitter buffers use.
struct RtpHeader {
  uint16_t sequenceNumber = 0;
  uint32_t timestamp = 0;
  uint32_t ssrc = 0;
  uint8_t payloadType = 0;
  bool marker = false;
  // Offset and length of the payload inside the packet, after the CSRC list, the header extension
  // and before any padding.
  uint32_t payloadOffset = 0;
  uint32_t payloadLength = 0;
  // Number of padding bytes removed from the end (the P bit). A packet whose payload is empty after
  // removing padding is a padding-only packet.
  uint32_t paddingLength = 0;
};

enum class RtpParseResult : int {
  kOk = 0,
  kTooShort = 1,        // fewer than 12 bytes, or the CSRC list/extension runs past the end
  kBadVersion = 2,      // the version field is not 2
  kBadPadding = 3,      // the padding count is 0 or larger than the payload
};

// Parses the fixed header, skips CSRCs and the header extension, and removes padding.
RtpParseResult parseRtpHeader(const uint8_t* data, size_t length, RtpHeader* out);

// The VP8 payload descriptor (RFC 7741 section 4.2).
struct Vp8Descriptor {
  bool startOfPartition = false;  // S bit
  uint8_t partitionId = 0;        // PID
  bool nonReference = false;      // N bit
  int32_t pictureId = -1;         // -1 when absent
  uint8_t pictureIdBits = 0;      // 7 or 15 when present
  int32_t tl0PicIdx = -1;         // -1 when absent
  int32_t temporalId = -1;        // -1 when absent
  uint32_t descriptorSize = 0;    // bytes to skip to reach the VP8 payload
  // First packet of a frame: S = 1 and PID = 0.
  bool isFrameStart() const { return startOfPartition && partitionId == 0; }
};

// Returns false when the descriptor is truncated (nothing after it is also truncated: a descriptor
// with no payload byte is rejected).
bool parseVp8Descriptor(const uint8_t* payload, size_t length, Vp8Descriptor* out);

// Reads the VP8 payload header at the start of a frame (the bytes right after the descriptor of the
// frame's first packet). Sets *keyFrame (P bit == 0); for key frames also the coded width and
// height when the 10-byte key frame header is present (else 0). Returns false when truncated or
// when a key frame lacks the 0x9d 0x01 0x2a start code.
bool parseVp8PayloadHeader(const uint8_t* vp8, size_t length, bool* keyFrame, int* width, int* height);

// Opus packet facts read from the TOC byte and the frame-count byte (RFC 6716 section 3).
// Number of samples per channel the packet decodes to at `sampleRate` (8000..48000), or -1 when the
// packet is malformed (empty, code 3 without its count byte, zero frames, or more than 120 ms).
int opusPacketSamples(const uint8_t* packet, size_t length, int sampleRate);

// True when the first Opus frame of the packet is SILK or hybrid and carries in-band FEC (LBRR) for
// the previous frame, read from the LBRR flag bit that SILK codes first in the range-coded data.
// False for CELT-only packets, DTX packets and malformed packets.
bool opusPacketHasFec(const uint8_t* packet, size_t length);

// Opus DTX packets are the TOC byte only (libwebrtc treats <= 2 bytes as DTX).
inline bool opusPacketIsDtx(size_t length) { return length <= 2; }

}  // namespace lkmedia

#endif  // LKMEDIA_RTP_PACKET_H
