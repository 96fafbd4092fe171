// The playout buffer for outgoing PCM (media-core.md section 4.4): the producer writes any amount,
// as fast as it likes; a 10 ms tick against absolute deadlines takes exactly one frame out
// (rate / 100 samples per channel: 480 at 48 kHz, 441 at 44.1 kHz), zero-padded or silent when the
// queue runs dry, for webrtc-java's CustomAudioSource.pushAudio.
//
// Positions are 64-bit sample indices per channel in the content timeline: a write occupies
// [writePosition() before, writePosition() after). playedPosition() is the content position the
// output has passed: emitted, or discarded by clear(). wait-for-playout and marks are exact: they
// compare against that position, never against wall-clock estimates.
//
// clear() (barge-in) drops everything queued at once; the next tick is silent (after an optional
// few-ms fade-out of what was dropped); writers blocked at that moment return kClosed ("cleared");
// waits and marks still pending complete as interrupted. Audio already handed to libwebrtc (<= one
// encoder frame) and in flight on the network cannot be recalled.
//
// Threads: write/tryWrite/waitForPlayout/addMark/clear/close may be called from any thread; writes
// are never interleaved with each other (one writer at a time, in no guaranteed order). tick() and
// pollMarks() belong to one driver thread (the emitter, or the pacer). No allocation after
// construction.
#ifndef LKMEDIA_AUDIO_PLAYOUT_BUFFER_H
#define LKMEDIA_AUDIO_PLAYOUT_BUFFER_H

#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>

#include "lkmedia/stats_histogram.h"
#include "lkmedia/status.h"

namespace lkmedia {

struct AudioPlayoutConfig {
  int sampleRate = 48000;      // 8000..192000, a multiple of 100
  int channels = 1;            // 1..8, interleaved
  int capacityMs = 200;        // 20..60000: 200 for voice agents, up to seconds for file playback
  bool fadeOutOnClear = true;  // fade the first fadeMs of the dropped audio out on the next tick
  int fadeMs = 5;              // 0..10
  int maxMarks = 64;           // pending marks (and waitForPlayout calls) at a time
  int slipTicks = 5;           // later than this many periods: re-anchor instead of bursting
};

// What the last tick emitted, for the pacer.
struct PlayoutTick {
  int64_t timeNs = 0;          // when the frame was emitted (the `nowNs` of tick())
  int64_t deadlineNs = 0;      // when it was due
  int64_t emitPosition = 0;    // emission position (all samples ever emitted, silence included) at the frame start
  int64_t contentPosition = 0; // content position of the first content sample in the frame
  int32_t contentOffset = 0;   // samples before the content (fade-out after a clear)
  int32_t contentSamples = 0;  // content samples in the frame (the rest is fade or silence)
  int64_t generation = 0;      // clear() count
};

// A mark (or a waitForPlayout) that completed: its position was played, or it was interrupted.
struct PlayoutMark {
  int64_t id = 0;
  int64_t position = 0;        // requested position
  int64_t playedPosition = 0;  // content position played when it completed (== position unless interrupted)
  bool interrupted = false;
};

struct AudioPlayoutStats {
  int64_t writePosition = 0;
  int64_t playedPosition = 0;
  int64_t emitPosition = 0;
  double queuedMs = 0;
  double maxQueuedMs = 0;
  int64_t underrunSamples = 0;      // silence emitted while a segment was active (writer too slow)
  int64_t clears = 0;
  int64_t discardedSamples = 0;     // dropped by clear()
  int64_t writerBlockedNanos = 0;   // time blocking writers waited for room
  int64_t framesEmitted = 0;
  int64_t silentFrames = 0;         // frames with no content at all
  int64_t clockSlips = 0;           // re-anchors after a tick was more than slipTicks late
  double tickLatenessP50Us = 0;
  double tickLatenessP99Us = 0;
  double tickLatenessMaxUs = 0;
  int64_t marksFired = 0;
  int64_t marksInterrupted = 0;
};

class AudioPlayoutBuffer {
 public:
  explicit AudioPlayoutBuffer(const AudioPlayoutConfig& config);
  // The same with plain arguments (for bindings); fadeMs 0 turns the fade-out off.
  AudioPlayoutBuffer(int sampleRate, int channels, int capacityMs, int fadeMs, int maxMarks);
  ~AudioPlayoutBuffer();
  AudioPlayoutBuffer(const AudioPlayoutBuffer&) = delete;
  AudioPlayoutBuffer& operator=(const AudioPlayoutBuffer&) = delete;

  // ---- producer ----
  // Writes `samples` samples per channel (interleaved), blocking while the buffer is full, for at
  // most `timeoutNs` (< 0: no limit). Returns the samples accepted (fewer on timeout), or kClosed
  // when clear() or close() ran while it was writing or waiting (the rest is discarded).
  int write(const int16_t* pcm, int samples, int64_t timeoutNs);
  // Accepts what fits now without blocking; 0 while the buffer is full or a blocking writer is
  // busy; kClosed after close().
  int tryWrite(const int16_t* pcm, int samples);
  // The write position: content samples ever accepted.
  int64_t writePosition() const;
  // The current writes form a segment (an utterance) that is now complete: silence after it is not
  // an underrun.
  void endSegment();

  // ---- playout ----
  // Blocks until the output has passed `position` (kOk), clear()/close() ran first (kClosed), or
  // `timeoutNs` passed (kWouldBlock; < 0 waits without limit).
  int waitForPlayout(int64_t position, int64_t timeoutNs);
  // Registers a mark: pollMarks() reports it once the output passes `position` (or at clear()).
  // kBufferTooSmall when maxMarks are pending; kClosed after close().
  int addMark(int64_t position, int64_t id);
  // Takes up to `max` completed marks. Returns how many.
  int pollMarks(PlayoutMark* out, int max);
  int64_t playedPosition() const;
  int64_t queuedSamples() const;
  // Drops everything queued. Returns the content position played so far (the interrupted
  // position).
  int64_t clear();
  int64_t generation() const;
  // Ends the buffer: every blocked call returns kClosed; later calls return kClosed.
  void close();
  bool closed() const;

  // ---- driver ----
  // If `nowNs` has reached the next deadline, writes one frame (frameSamples() per channel) into
  // `out` and returns frameSamples(); else kWouldBlock. The first call anchors the schedule.
  // A tick more than slipTicks periods late re-anchors the schedule to now (clockSlips).
  int tick(int64_t nowNs, int16_t* out, int capacity);
  // The next deadline (INT64_MIN before the first tick).
  int64_t nextDeadlineNs() const;
  // Anchors the schedule: the first frame is due at `nowNs`.
  void start(int64_t nowNs);
  PlayoutTick lastTick() const;

  int frameSamples() const { return frame_; }
  int sampleRate() const { return config_.sampleRate; }
  int channels() const { return config_.channels; }
  int64_t capacitySamples() const { return capacity_; }
  void getStats(AudioPlayoutStats* out) const;

  // For bindings: pollMarks() as int64 quadruples (id, position, playedPosition, interrupted); the
  // last tick as kTickFields int64 values (PlayoutTick order); the statistics as kStatsFields doubles
  // in AudioPlayoutStats order.
  static constexpr int kTickFields = 7;
  static constexpr int kStatsFields = 17;
  int pollMarks(int64_t* out, int maxMarks);
  int lastTick(int64_t* out, int capacity) const;
  int getStats(double* out, int capacity) const;

 private:
  void copyIn(const int16_t* pcm, int64_t samples);
  void fireMarksLocked(bool interruptAll);
  bool pushFiredLocked(const PlayoutMark& m);
  static int64_t steadyNowNs();

  struct Pending {
    int64_t position;
    int64_t id;
  };

  AudioPlayoutConfig config_;
  int frame_;
  int64_t capacity_;          // samples per channel
  int64_t periodNs_ = 10000000;
  std::unique_ptr<int16_t[]> ring_;
  std::unique_ptr<int16_t[]> fade_;
  int fadeCapacity_ = 0;
  int fadeLen_ = 0;
  std::unique_ptr<Pending[]> pending_;
  int pendingCount_ = 0;
  std::unique_ptr<PlayoutMark[]> fired_;
  int firedCapacity_ = 0;
  int firedHead_ = 0;
  int firedCount_ = 0;

  mutable std::mutex mu_;
  std::condition_variable cv_;
  int64_t writePos_ = 0;
  int64_t readPos_ = 0;
  int64_t emitPos_ = 0;
  int64_t generation_ = 0;
  bool closed_ = false;
  bool writerActive_ = false;
  bool segmentActive_ = false;
  bool segmentEnding_ = false;
  bool anchored_ = false;
  int64_t nextDeadline_ = INT64_MIN;
  static constexpr int kClearHistory = 8;
  int64_t clearGeneration_[kClearHistory] = {};
  int64_t clearPlayedAt_[kClearHistory] = {};
  PlayoutTick last_;
  StatsHistogram lateness_;  // microseconds
  double latenessMaxUs_ = 0;
  AudioPlayoutStats stats_;
};

}  // namespace lkmedia

#endif  // LKMEDIA_AUDIO_PLAYOUT_BUFFER_H
