// The A/V sample pacer for publishing jobs (media-core.md section 5.2). Audio is the master clock:
// the pacer drives an AudioPlayoutBuffer's 10 ms tick, and releases each video frame when the audio
// sample it belongs to is emitted, so a receiver (which aligns streams by capture time, i.e. by
// when webrtc-java's sources were pushed) sees them in sync.
//
// Video frames are opaque 64-bit tokens (the Java side maps them to its frames) with a PTS in one
// of two timelines:
//  - content (the usual case): the playout buffer's write position of the audio sample the frame
//    belongs to. When audio underruns, content stops and the frame waits with it: lip sync
//    survives. A clear() flushes queued frames with the audio.
//  - emission: the emission position (every sample ever emitted, silence included; see
//    emissionPosition()), for idle animation while no audio plays.
// Release rule: a frame goes out when the emission time of its PTS is reached (timed between the
// 10 ms ticks from the audio anchor, not quantised to them), plus videoOffsetMs. A frame whose
// time passed by more than one frame interval is late: dropped (videoLate), except that the newest
// due frame is always pushed when nothing was pushed for more than two frame intervals (no
// freeze). Early frames wait in a bounded queue (fps x 0.5 s by default); a full queue blocks the
// producer instead of dropping. Optionally the last frame is re-pushed when no new one came for
// repeatAfterMs (videoRepeated). There is one clock, so there is no drift by construction.
//
// Output is a sequence of events (push/drop/repeat/release a token) taken with pollEvents() after
// each step(); the audio frame of a step is written into the caller's buffer.
//
// Threads: pushVideo/tryPushVideo/clear/close/getStats from any thread; step/pollEvents/nextWakeNs
// from the one driver thread. The audio buffer's producer side stays usable as usual; its tick()
// must not be called by anyone else while a pacer drives it. No allocation after construction.
#ifndef LKMEDIA_AV_PACER_H
#define LKMEDIA_AV_PACER_H

#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>

#include "lkmedia/audio_playout_buffer.h"
#include "lkmedia/stats_histogram.h"

namespace lkmedia {

struct AvPacerConfig {
  double fps = 30.0;           // nominal frame rate: the frame interval of the late/freeze rules
  int videoQueueFrames = 0;    // early frames held; 0 = max(1, fps x 0.5)
  int videoOffsetMs = 0;       // push video this much later (negative: earlier); -100..100
  int repeatAfterMs = 0;       // re-push the last frame after this long without a new one; 0 = never
};

enum PacerEventKind : int {
  kPacerPush = 1,      // push this frame to the video source now
  kPacerDrop = 2,      // never pushed (late, or flushed by clear/close): release it
  kPacerRepeat = 3,    // push the last frame again
  kPacerRelease = 4,   // (repeatAfterMs > 0) the pacer no longer needs this pushed frame
};

struct PacerEvent {
  int32_t kind = 0;
  uint64_t token = 0;
  int64_t pts = 0;
  int64_t offsetNs = 0;  // kPacerPush: push time minus the emission time of the PTS
};

enum PacerTimeline : int { kContentTimeline = 0, kEmissionTimeline = 1 };

struct AvPacerStats {
  double avOffsetP50Ms = 0;  // video push time minus audio emission time of the same PTS
  double avOffsetP99Ms = 0;  // (positive: video after audio, i.e. audio leads)
  double avOffsetMinMs = 0;
  double avOffsetMaxMs = 0;
  int64_t videoFramesPushed = 0;
  int64_t videoLate = 0;
  int64_t videoDropped = 0;  // flushed by clear/close
  int64_t videoRepeated = 0;
  double actualFps = 0;      // pushes in the last second
  double audioUnderrunMs = 0;
  double queueDepthAudioMs = 0;
  int64_t queueDepthVideoFrames = 0;
};

class AvPacer {
 public:
  // `audio` must outlive the pacer, and its tick() belongs to the pacer from now on.
  AvPacer(const AvPacerConfig& config, AudioPlayoutBuffer* audio);
  // The same with plain arguments (for bindings).
  AvPacer(AudioPlayoutBuffer* audio, double fps, int videoQueueFrames, int videoOffsetMs, int repeatAfterMs);
  ~AvPacer();
  AvPacer(const AvPacer&) = delete;
  AvPacer& operator=(const AvPacer&) = delete;

  // ---- producer ----
  // Queues a frame, blocking while the queue is full for at most `timeoutNs` (< 0: no limit).
  // kOk, kWouldBlock (timed out), kClosed (cleared or closed while waiting), kBadArgument.
  int pushVideo(uint64_t token, int64_t pts, int timeline, int64_t timeoutNs);
  // Queues a frame if there is room: kOk or kWouldBlock.
  int tryPushVideo(uint64_t token, int64_t pts, int timeline);
  // The emission position at `nowNs` (for emission-timeline PTS of idle frames: add a lead).
  int64_t emissionPosition(int64_t nowNs) const;
  // Flushes audio and video together. Returns the interrupted content position.
  int64_t clear();
  // Drops everything queued and wakes blocked producers (kClosed).
  void close();
  int64_t generation() const;

  // ---- driver ----
  // Emits the audio frame if its deadline has come (returns 1, frame in `audioOut`) and decides
  // which video frames go out (events); returns 0 when no audio frame was due.
  int step(int64_t nowNs, int16_t* audioOut, int capacity);
  // When step() has something to do next.
  int64_t nextWakeNs() const;
  // Takes up to `max` events in order. Returns how many.
  int pollEvents(PacerEvent* out, int max);
  int pendingEvents() const;

  int queueCapacity() const { return queueCapacity_; }
  void getStats(AvPacerStats* out) const;

  // For bindings: pollEvents() as int64 quadruples (kind, token, pts, offsetNs); the statistics as
  // kStatsFields doubles in AvPacerStats order.
  static constexpr int kStatsFields = 12;
  int pollEvents(int64_t* out, int maxEvents);
  int getStats(double* out, int capacity) const;

 private:
  struct Frame {
    uint64_t token;
    int64_t pts;
    int timeline;
  };
  int64_t dueNsLocked(const Frame& f) const;
  bool emitLocked(int kind, uint64_t token, int64_t pts, int64_t offsetNs);
  void flushLocked();
  void releaseVideoLocked(int64_t nowNs);
  int enqueueLocked(uint64_t token, int64_t pts, int timeline);

  AvPacerConfig config_;
  AudioPlayoutBuffer* audio_;
  int rate_;
  int frame_;
  int64_t frameIntervalNs_;
  int64_t repeatAfterNs_;
  int64_t offsetNs_;
  int queueCapacity_;
  std::unique_ptr<Frame[]> queue_;
  int queueHead_ = 0;
  int queueCount_ = 0;
  std::unique_ptr<PacerEvent[]> events_;
  int eventCapacity_ = 0;
  int eventHead_ = 0;
  int eventCount_ = 0;
  std::unique_ptr<int64_t[]> pushTimes_;  // ring for actualFps
  int pushTimesHead_ = 0;
  int pushTimesCount_ = 0;
  static constexpr int kPushTimes = 512;

  mutable std::mutex mu_;
  std::condition_variable cv_;
  bool closed_ = false;
  int64_t generation_ = 0;       // bumped by clear/close and by a clear of the audio buffer
  int64_t audioGeneration_ = 0;
  bool ticked_ = false;
  PlayoutTick tick_;                 // the last audio frame
  static constexpr int kTickHistory = 16;
  PlayoutTick history_[kTickHistory];  // recent frames, to time video whose audio went out earlier
  int historyCount_ = 0;
  int historyHead_ = 0;
  int64_t lastPushNs_ = INT64_MIN;
  bool hasLast_ = false;
  uint64_t lastToken_ = 0;
  int64_t lastPts_ = 0;
  StatsHistogram offsets_;       // ms
  double offsetMinMs_ = 0;
  double offsetMaxMs_ = 0;
  int64_t lastNowNs_ = 0;
  AvPacerStats stats_;
};

}  // namespace lkmedia

#endif  // LKMEDIA_AV_PACER_H
