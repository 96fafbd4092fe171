// Jitter buffer for VP8 over RTP (RFC 7741), media-core.md section 1.6 "video mode":
//  - a frame is complete when its packets, from the first one (S = 1, PID = 0) through the one
//    with the marker bit, are all present with consecutive sequence numbers and one timestamp;
//  - a frame is released (copied out, VP8 payload descriptors removed, ready for the decoder) as
//    soon as it is complete and decodable: a key frame, or a delta frame whose chain since the
//    last key frame is unbroken (PictureID continuity when present, else sequence continuity);
//  - a missing packet is waited for up to maxWaitMs, or reorderWaitMs once a packet of a later
//    frame is there, then declared lost;
//  - after a loss (policy kFreezeUntilKeyFrame, the default) delta frames are dropped until a key
//    frame arrives, and a key frame request (PLI) is due at once and then every pliIntervalMs;
//    with kDecodeThroughLoss frames keep coming, marked afterLoss, and a key frame is requested
//    after decodeThroughLossFrames frames without one (libwebrtc's behaviour);
//  - with no decodable frame for noFrameRequestMs while packets arrive, a key frame is requested.
// The caller sends the PLI when pollKeyFrameRequest() returns true.
//
// Threads: not thread-safe; one thread at a time. No allocation after construction.
#ifndef LKMEDIA_VIDEO_JITTER_BUFFER_H
#define LKMEDIA_VIDEO_JITTER_BUFFER_H

#include <cstdint>

#include "lkmedia/packet_buffer.h"

namespace lkmedia {

enum class VideoLossPolicy : int { kFreezeUntilKeyFrame = 0, kDecodeThroughLoss = 1 };

struct VideoJitterBufferConfig {
  uint32_t capacity = 2048;        // packets, power of two (a 720p key frame can be 100+ packets)
  uint32_t maxPayloadBytes = 1500;
  uint32_t clockRate = 90000;
  int maxWaitMs = 100;             // wait for a missing packet
  int reorderWaitMs = 10;          // ... only this long once a later frame has begun
  int pliIntervalMs = 200;         // repeat the key frame request while waiting (libwebrtc)
  int noFrameRequestMs = 3000;     // safety request when nothing decodable came for this long
  VideoLossPolicy policy = VideoLossPolicy::kFreezeUntilKeyFrame;
  int decodeThroughLossFrames = 30;  // kDecodeThroughLoss: request a key frame after this many
};

// What popFrame() wrote.
struct VideoFrameInfo {
  int64_t timestamp = 0;       // unwrapped RTP timestamp
  uint32_t rtpTimestamp = 0;
  int64_t firstSequence = 0;   // unwrapped
  int64_t lastSequence = 0;
  int32_t size = 0;            // bytes written (or needed, with kBufferTooSmall)
  int32_t packets = 0;
  bool keyFrame = false;
  bool afterLoss = false;      // kDecodeThroughLoss: packets were lost before this frame
  int32_t width = 0;           // key frames only
  int32_t height = 0;
  int32_t pictureId = -1;
  int64_t arrivalNs = 0;       // arrival of the frame's last packet
};

struct VideoJitterBufferStats {
  int64_t packetsReceived = 0;
  int64_t packetsLost = 0;          // RFC 3550 expected - received
  int64_t packetsDiscarded = 0;     // late + duplicate + overflow + too large
  int64_t packetsDuplicated = 0;
  int64_t packetsLate = 0;
  int64_t packetsReordered = 0;
  int64_t maxReorderDistance = 0;
  int64_t packetsInvalid = 0;       // malformed RTP or VP8 descriptor
  int64_t resets = 0;
  int64_t bufferFlushes = 0;
  double jitterMs = 0;
  int64_t framesReceived = 0;       // complete frames assembled
  int64_t framesDecoded = 0;        // released to the caller ("framesDecodable")
  int64_t framesDropped = 0;        // incomplete or undecodable
  int64_t keyFramesReceived = 0;
  int64_t pliSent = 0;              // key frame requests returned by pollKeyFrameRequest
  int64_t waitingForKeyFrameMs = 0;
  int64_t freezeCount = 0;          // times the output froze after a loss
  int64_t totalFreezesDurationMs = 0;
};

class VideoJitterBuffer {
 public:
  explicit VideoJitterBuffer(const VideoJitterBufferConfig& config);
  // The same with plain arguments (for bindings); policy: 0 freeze until key frame, 1 decode through loss.
  VideoJitterBuffer(int capacity, int maxPayloadBytes, int maxWaitMs, int reorderWaitMs, int pliIntervalMs,
                    int policy);
  VideoJitterBuffer(const VideoJitterBuffer&) = delete;
  VideoJitterBuffer& operator=(const VideoJitterBuffer&) = delete;

  // Inserts a whole RTP packet. Returns the InsertOutcome (>= 0), or kInvalidData for malformed
  // RTP or a malformed VP8 payload descriptor.
  int pushRtp(const uint8_t* packet, int length, int64_t arrivalNs);
  // Inserts a packet given its RTP fields; `payload` starts with the VP8 payload descriptor.
  // An empty payload is a padding packet.
  int push(uint16_t sequenceNumber, uint32_t timestamp, uint32_t ssrc, bool marker, const uint8_t* payload,
           int length, int64_t arrivalNs);

  // Writes the next releasable frame into `out` and returns its size; kWouldBlock when no frame is
  // ready; kBufferTooSmall (info->size = bytes needed, nothing consumed) when `capacity` is short.
  int popFrame(int64_t nowNs, uint8_t* out, int capacity, VideoFrameInfo* info);

  // True when a key frame request (RTCP PLI) should be sent now; counts it.
  bool pollKeyFrameRequest(int64_t nowNs);
  bool waitingForKeyFrame() const { return waitingKeyFrame_; }
  // A hint for timers: the earliest time something can change without new packets (a wait for a
  // missing packet expiring, a key frame request due), or INT64_MAX. Calling popFrame() and
  // pollKeyFrameRequest() on every packet and at this time is enough.
  int64_t nextDeadlineNs() const;

  void reset();
  void getStats(VideoJitterBufferStats* out) const;

  // For bindings: popFrame() writing the frame info as kFrameInfoFields int64 values (timestamp,
  // rtpTimestamp, firstSequence, lastSequence, size, packets, keyFrame, afterLoss, width, height,
  // pictureId, arrivalNs); and the statistics as kStatsFields doubles in VideoJitterBufferStats order.
  static constexpr int kFrameInfoFields = 12;
  static constexpr int kStatsFields = 19;
  int popFrame(int64_t nowNs, uint8_t* out, int capacity, int64_t* info);
  int getStats(double* out, int capacity) const;

 private:
  bool holeExpired(int64_t nowNs, const PacketSlot* next) const;
  void enterWaitKeyFrame(int64_t nowNs);
  void noteLoss(int64_t nowNs, bool frameLost);
  void onStreamReset();

  VideoJitterBufferConfig config_;
  PacketBuffer packets_;
  bool waitingKeyFrame_ = true;
  bool everReleased_ = false;
  bool chainBroken_ = false;
  bool lossSinceRelease_ = false;
  int32_t lastPictureId_ = -1;
  int lastPictureIdBits_ = 0;
  int64_t waitStartNs_ = 0;
  bool waitActive_ = false;
  int64_t pliDueNs_ = INT64_MAX;
  bool keyFrameRequested_ = false;   // kDecodeThroughLoss
  int framesSinceLoss_ = -1;
  int64_t lastReleaseNs_ = 0;
  int64_t lastDecodableNs_ = INT64_MIN;
  int64_t firstPacketNs_ = INT64_MIN;
  int64_t safetyDueNs_ = INT64_MAX;
  int64_t lastNowNs_ = INT64_MIN;
  int64_t invalid_ = 0;
  VideoJitterBufferStats stats_;
};

}  // namespace lkmedia

#endif  // LKMEDIA_VIDEO_JITTER_BUFFER_H
