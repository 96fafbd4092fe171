#include "lkmedia/av_pacer.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <stdexcept>
#include <string>

namespace lkmedia {

namespace {
constexpr int64_t kNsPerSecond = 1000000000LL;

const AvPacerConfig& validated(const AvPacerConfig& c, AudioPlayoutBuffer* audio) {
  if (audio == nullptr) throw std::invalid_argument("audio must not be null");
  if (!(c.fps >= 1.0 && c.fps <= 240.0)) {
    throw std::invalid_argument("fps must be in [1, 240], got " + std::to_string(c.fps));
  }
  if (c.videoQueueFrames < 0 || c.videoQueueFrames > 4096) {
    throw std::invalid_argument("videoQueueFrames must be in [0, 4096], got " + std::to_string(c.videoQueueFrames));
  }
  if (c.videoOffsetMs < -100 || c.videoOffsetMs > 100) {
    throw std::invalid_argument("videoOffsetMs must be in [-100, 100], got " + std::to_string(c.videoOffsetMs));
  }
  if (c.repeatAfterMs < 0 || c.repeatAfterMs > 60000) {
    throw std::invalid_argument("repeatAfterMs must be in [0, 60000], got " + std::to_string(c.repeatAfterMs));
  }
  return c;
}
}  // namespace

AvPacer::AvPacer(const AvPacerConfig& config, AudioPlayoutBuffer* audio)
    : config_(validated(config, audio)), audio_(audio), offsets_(-500.0, 0.05, 20000) {
  rate_ = audio->sampleRate();
  frame_ = audio->frameSamples();
  frameIntervalNs_ = static_cast<int64_t>(std::llround(1e9 / config_.fps));
  repeatAfterNs_ = static_cast<int64_t>(config_.repeatAfterMs) * 1000000;
  offsetNs_ = static_cast<int64_t>(config_.videoOffsetMs) * 1000000;
  queueCapacity_ = config_.videoQueueFrames > 0 ? config_.videoQueueFrames
                                                : std::max(1, static_cast<int>(config_.fps * 0.5));
  queue_.reset(new Frame[queueCapacity_]);
  eventCapacity_ = 3 * queueCapacity_ + 16;
  events_.reset(new PacerEvent[eventCapacity_]);
  pushTimes_.reset(new int64_t[kPushTimes]);
  audioGeneration_ = audio->generation();
}

namespace {
AvPacerConfig flatConfig(double fps, int videoQueueFrames, int videoOffsetMs, int repeatAfterMs) {
  AvPacerConfig c;
  c.fps = fps;
  c.videoQueueFrames = videoQueueFrames;
  c.videoOffsetMs = videoOffsetMs;
  c.repeatAfterMs = repeatAfterMs;
  return c;
}
}  // namespace

AvPacer::AvPacer(AudioPlayoutBuffer* audio, double fps, int videoQueueFrames, int videoOffsetMs, int repeatAfterMs)
    : AvPacer(flatConfig(fps, videoQueueFrames, videoOffsetMs, repeatAfterMs), audio) {}

AvPacer::~AvPacer() { close(); }

int AvPacer::pollEvents(int64_t* out, int maxEvents) {
  if (out == nullptr || maxEvents <= 0) return 0;
  int n = 0;
  PacerEvent e;
  while (n < maxEvents && pollEvents(&e, 1) == 1) {
    out[4 * n] = e.kind;
    out[4 * n + 1] = static_cast<int64_t>(e.token);
    out[4 * n + 2] = e.pts;
    out[4 * n + 3] = e.offsetNs;
    ++n;
  }
  return n;
}

int AvPacer::getStats(double* out, int capacity) const {
  if (out == nullptr || capacity < kStatsFields) return kBufferTooSmall;
  AvPacerStats s;
  getStats(&s);
  const double v[kStatsFields] = {s.avOffsetP50Ms, s.avOffsetP99Ms, s.avOffsetMinMs, s.avOffsetMaxMs,
                                  static_cast<double>(s.videoFramesPushed), static_cast<double>(s.videoLate),
                                  static_cast<double>(s.videoDropped), static_cast<double>(s.videoRepeated),
                                  s.actualFps, s.audioUnderrunMs, s.queueDepthAudioMs,
                                  static_cast<double>(s.queueDepthVideoFrames)};
  for (int k = 0; k < kStatsFields; ++k) out[k] = v[k];
  return kStatsFields;
}

int AvPacer::enqueueLocked(uint64_t token, int64_t pts, int timeline) {
  if (queueCount_ >= queueCapacity_) return kWouldBlock;
  queue_[(queueHead_ + queueCount_) % queueCapacity_] = {token, pts, timeline};
  ++queueCount_;
  return kOk;
}

int AvPacer::tryPushVideo(uint64_t token, int64_t pts, int timeline) {
  if (timeline != kContentTimeline && timeline != kEmissionTimeline) return kBadArgument;
  std::lock_guard<std::mutex> lock(mu_);
  if (closed_) return kClosed;
  return enqueueLocked(token, pts, timeline);
}

int AvPacer::pushVideo(uint64_t token, int64_t pts, int timeline, int64_t timeoutNs) {
  if (timeline != kContentTimeline && timeline != kEmissionTimeline) return kBadArgument;
  std::unique_lock<std::mutex> lock(mu_);
  if (closed_) return kClosed;
  const int64_t gen = generation_;
  auto ready = [&] { return closed_ || generation_ != gen || queueCount_ < queueCapacity_; };
  if (timeoutNs < 0) {
    cv_.wait(lock, ready);
  } else if (!cv_.wait_for(lock, std::chrono::nanoseconds(timeoutNs), ready)) {
    return kWouldBlock;
  }
  if (closed_ || generation_ != gen) return kClosed;
  return enqueueLocked(token, pts, timeline);
}

int64_t AvPacer::emissionPosition(int64_t nowNs) const {
  std::lock_guard<std::mutex> lock(mu_);
  if (!ticked_) return 0;
  int64_t elapsed = nowNs - tick_.timeNs;
  if (elapsed < 0) elapsed = 0;
  int64_t advanced = elapsed * rate_ / kNsPerSecond;
  if (advanced > frame_) advanced = frame_;
  return tick_.emitPosition + advanced;
}

bool AvPacer::emitLocked(int kind, uint64_t token, int64_t pts, int64_t offsetNs) {
  if (eventCount_ >= eventCapacity_) return false;
  PacerEvent& e = events_[(eventHead_ + eventCount_) % eventCapacity_];
  e.kind = kind;
  e.token = token;
  e.pts = pts;
  e.offsetNs = offsetNs;
  ++eventCount_;
  return true;
}

void AvPacer::flushLocked() {
  while (queueCount_ > 0) {
    const Frame& f = queue_[queueHead_];
    emitLocked(kPacerDrop, f.token, f.pts, 0);
    ++stats_.videoDropped;
    queueHead_ = (queueHead_ + 1) % queueCapacity_;
    --queueCount_;
  }
  ++generation_;
  cv_.notify_all();
}

int64_t AvPacer::clear() {
  std::lock_guard<std::mutex> lock(mu_);
  const int64_t at = audio_->clear();
  audioGeneration_ = audio_->generation();
  flushLocked();
  return at;
}

void AvPacer::close() {
  std::lock_guard<std::mutex> lock(mu_);
  if (closed_) return;
  closed_ = true;
  flushLocked();
  if (hasLast_) {
    emitLocked(kPacerRelease, lastToken_, lastPts_, 0);
    hasLast_ = false;
  }
}

int64_t AvPacer::generation() const {
  std::lock_guard<std::mutex> lock(mu_);
  return generation_;
}

int64_t AvPacer::dueNsLocked(const Frame& f) const {
  if (!ticked_) return INT64_MAX;
  const PlayoutTick* t = &tick_;
  int64_t intoFrame;  // samples from the start of the frame that emits (or emitted) the PTS
  if (f.timeline == kEmissionTimeline) {
    intoFrame = f.pts - tick_.emitPosition;
    if (intoFrame >= frame_) return INT64_MAX;  // in a frame not emitted yet
    // Emitted in an earlier frame: time it from that frame.
    for (int i = 0; i < historyCount_ && intoFrame < 0; ++i) {
      const PlayoutTick& h = history_[(historyHead_ - 1 - i + kTickHistory) % kTickHistory];
      if (f.pts >= h.emitPosition) {
        t = &h;
        intoFrame = f.pts - h.emitPosition;
      }
    }
  } else {
    const int64_t end = tick_.contentPosition + tick_.contentSamples;
    if (f.pts >= end) return INT64_MAX;  // its audio has not been emitted yet
    intoFrame = tick_.contentOffset + (f.pts - tick_.contentPosition);
    for (int i = 0; i < historyCount_ && f.pts < t->contentPosition; ++i) {
      const PlayoutTick& h = history_[(historyHead_ - 1 - i + kTickHistory) % kTickHistory];
      if (h.generation != tick_.generation) break;
      if (f.pts >= h.contentPosition && f.pts < h.contentPosition + h.contentSamples) {
        t = &h;
        intoFrame = h.contentOffset + (f.pts - h.contentPosition);
      }
    }
  }
  // intoFrame may still be negative: its audio went out before the remembered frames.
  const double ns = static_cast<double>(intoFrame) * 1e9 / rate_;
  return t->timeNs + static_cast<int64_t>(std::floor(ns)) + offsetNs_;
}

void AvPacer::releaseVideoLocked(int64_t nowNs) {
  // Keep room for a full flush plus a release, so clear()/close() can always report every token.
  const int reserve = queueCapacity_ + 2;
  while (queueCount_ > 0 && eventCapacity_ - eventCount_ > reserve) {
    const Frame f = queue_[queueHead_];
    const int64_t due = dueNsLocked(f);
    if (due > nowNs) break;
    const int64_t lateBy = nowNs - due;
    bool push = true;
    if (lateBy > frameIntervalNs_) {
      const bool newerDue = queueCount_ > 1 && dueNsLocked(queue_[(queueHead_ + 1) % queueCapacity_]) <= nowNs;
      const bool starving = lastPushNs_ == INT64_MIN || nowNs - lastPushNs_ > 2 * frameIntervalNs_;
      push = !newerDue && starving;
    }
    queueHead_ = (queueHead_ + 1) % queueCapacity_;
    --queueCount_;
    cv_.notify_all();
    if (!push) {
      emitLocked(kPacerDrop, f.token, f.pts, 0);
      ++stats_.videoLate;
      continue;
    }
    const int64_t offset = lateBy;  // push time minus the (offset-adjusted) emission time
    emitLocked(kPacerPush, f.token, f.pts, offset);
    const double offsetMs = static_cast<double>(offset) / 1e6;
    if (offsets_.count() == 0 || offsetMs < offsetMinMs_) offsetMinMs_ = offsetMs;
    if (offsets_.count() == 0 || offsetMs > offsetMaxMs_) offsetMaxMs_ = offsetMs;
    offsets_.add(offsetMs);
    ++stats_.videoFramesPushed;
    lastPushNs_ = nowNs;
    pushTimes_[(pushTimesHead_ + pushTimesCount_) % kPushTimes] = nowNs;
    if (pushTimesCount_ < kPushTimes) {
      ++pushTimesCount_;
    } else {
      pushTimesHead_ = (pushTimesHead_ + 1) % kPushTimes;
    }
    if (repeatAfterNs_ > 0) {
      if (hasLast_) emitLocked(kPacerRelease, lastToken_, lastPts_, 0);
      hasLast_ = true;
      lastToken_ = f.token;
      lastPts_ = f.pts;
    }
  }
  if (repeatAfterNs_ > 0 && hasLast_ && lastPushNs_ != INT64_MIN && nowNs - lastPushNs_ >= repeatAfterNs_ &&
      eventCapacity_ - eventCount_ > reserve) {
    emitLocked(kPacerRepeat, lastToken_, lastPts_, 0);
    ++stats_.videoRepeated;
    lastPushNs_ = nowNs;
  }
}

int AvPacer::step(int64_t nowNs, int16_t* audioOut, int capacity) {
  std::lock_guard<std::mutex> lock(mu_);
  if (closed_) return kClosed;
  if (nowNs < lastNowNs_) nowNs = lastNowNs_;
  lastNowNs_ = nowNs;
  int emitted = 0;
  const int64_t deadline = audio_->nextDeadlineNs();
  if (deadline == INT64_MIN || nowNs >= deadline) {
    // Video whose audio went out in the frame before goes first.
    releaseVideoLocked(nowNs);
    const int r = audio_->tick(nowNs, audioOut, capacity);
    if (r < 0 && r != kWouldBlock) return r;
    if (r > 0) {
      emitted = 1;
      if (ticked_) {
        history_[historyHead_] = tick_;
        historyHead_ = (historyHead_ + 1) % kTickHistory;
        if (historyCount_ < kTickHistory) ++historyCount_;
      }
      tick_ = audio_->lastTick();
      ticked_ = true;
      if (tick_.generation != audioGeneration_) {
        // The audio buffer was cleared directly: flush the video that belonged to it.
        audioGeneration_ = tick_.generation;
        flushLocked();
      }
    }
  }
  releaseVideoLocked(nowNs);
  return emitted;
}

int64_t AvPacer::nextWakeNs() const {
  std::lock_guard<std::mutex> lock(mu_);
  int64_t t = audio_->nextDeadlineNs();
  if (t == INT64_MIN) return t;
  if (queueCount_ > 0) {
    const int64_t due = dueNsLocked(queue_[queueHead_]);
    if (due < t) t = due;
  }
  if (repeatAfterNs_ > 0 && hasLast_ && lastPushNs_ != INT64_MIN && lastPushNs_ + repeatAfterNs_ < t) {
    t = lastPushNs_ + repeatAfterNs_;
  }
  return t;
}

int AvPacer::pollEvents(PacerEvent* out, int max) {
  if (out == nullptr || max <= 0) return 0;
  std::lock_guard<std::mutex> lock(mu_);
  int n = 0;
  while (n < max && eventCount_ > 0) {
    out[n++] = events_[eventHead_];
    eventHead_ = (eventHead_ + 1) % eventCapacity_;
    --eventCount_;
  }
  return n;
}

int AvPacer::pendingEvents() const {
  std::lock_guard<std::mutex> lock(mu_);
  return eventCount_;
}

void AvPacer::getStats(AvPacerStats* out) const {
  AudioPlayoutStats a;
  audio_->getStats(&a);
  std::lock_guard<std::mutex> lock(mu_);
  *out = stats_;
  out->avOffsetP50Ms = offsets_.quantile(0.50);
  out->avOffsetP99Ms = offsets_.quantile(0.99);
  out->avOffsetMinMs = offsetMinMs_;
  out->avOffsetMaxMs = offsetMaxMs_;
  int recent = 0;
  for (int i = 0; i < pushTimesCount_; ++i) {
    if (lastNowNs_ - pushTimes_[(pushTimesHead_ + i) % kPushTimes] < kNsPerSecond) ++recent;
  }
  out->actualFps = recent;
  out->audioUnderrunMs = static_cast<double>(a.underrunSamples) * 1000.0 / rate_;
  out->queueDepthAudioMs = a.queuedMs;
  out->queueDepthVideoFrames = queueCount_;
}

}  // namespace lkmedia
