#include "lkmedia/audio_playout_buffer.h"

#include <chrono>
#include <cstring>
#include <stdexcept>
#include <string>

namespace lkmedia {

namespace {
void check(bool ok, const std::string& message) {
  if (!ok) throw std::invalid_argument(message);
}
const AudioPlayoutConfig& validated(const AudioPlayoutConfig& c) {
  check(c.sampleRate >= 8000 && c.sampleRate <= 192000 && c.sampleRate % 100 == 0,
        "sampleRate must be 8000..192000 Hz and a multiple of 100, got " + std::to_string(c.sampleRate));
  check(c.channels >= 1 && c.channels <= 8, "channels must be 1..8, got " + std::to_string(c.channels));
  check(c.capacityMs >= 20 && c.capacityMs <= 60000, "capacityMs must be 20..60000, got " +
                                                          std::to_string(c.capacityMs));
  check(c.fadeMs >= 0 && c.fadeMs <= 10, "fadeMs must be 0..10, got " + std::to_string(c.fadeMs));
  check(c.maxMarks >= 1 && c.maxMarks <= 4096, "maxMarks must be 1..4096, got " + std::to_string(c.maxMarks));
  check(c.slipTicks >= 1 && c.slipTicks <= 1000, "slipTicks must be 1..1000, got " + std::to_string(c.slipTicks));
  return c;
}
}  // namespace

AudioPlayoutBuffer::AudioPlayoutBuffer(const AudioPlayoutConfig& config)
    : config_(validated(config)), lateness_(0.0, 10.0, 10000) {
  frame_ = config_.sampleRate / 100;
  capacity_ = static_cast<int64_t>(config_.sampleRate) * config_.capacityMs / 1000;
  if (capacity_ < 2 * frame_) capacity_ = 2 * frame_;
  ring_.reset(new int16_t[static_cast<size_t>(capacity_) * config_.channels]());
  fadeCapacity_ = config_.fadeOutOnClear ? config_.sampleRate * config_.fadeMs / 1000 : 0;
  fade_.reset(new int16_t[static_cast<size_t>(fadeCapacity_ + 1) * config_.channels]());
  pending_.reset(new Pending[config_.maxMarks]);
  firedCapacity_ = 2 * config_.maxMarks;
  fired_.reset(new PlayoutMark[firedCapacity_]);
}

namespace {
AudioPlayoutConfig flatConfig(int sampleRate, int channels, int capacityMs, int fadeMs, int maxMarks) {
  AudioPlayoutConfig c;
  c.sampleRate = sampleRate;
  c.channels = channels;
  c.capacityMs = capacityMs;
  c.fadeOutOnClear = fadeMs > 0;
  c.fadeMs = fadeMs > 0 ? fadeMs : 5;
  c.maxMarks = maxMarks;
  return c;
}
}  // namespace

AudioPlayoutBuffer::AudioPlayoutBuffer(int sampleRate, int channels, int capacityMs, int fadeMs, int maxMarks)
    : AudioPlayoutBuffer(flatConfig(sampleRate, channels, capacityMs, fadeMs, maxMarks)) {}

AudioPlayoutBuffer::~AudioPlayoutBuffer() { close(); }

int AudioPlayoutBuffer::pollMarks(int64_t* out, int maxMarks) {
  if (out == nullptr || maxMarks <= 0) return 0;
  int n = 0;
  PlayoutMark m;
  while (n < maxMarks && pollMarks(&m, 1) == 1) {
    out[4 * n] = m.id;
    out[4 * n + 1] = m.position;
    out[4 * n + 2] = m.playedPosition;
    out[4 * n + 3] = m.interrupted ? 1 : 0;
    ++n;
  }
  return n;
}

int AudioPlayoutBuffer::lastTick(int64_t* out, int capacity) const {
  if (out == nullptr || capacity < kTickFields) return kBufferTooSmall;
  const PlayoutTick t = lastTick();
  out[0] = t.timeNs;
  out[1] = t.deadlineNs;
  out[2] = t.emitPosition;
  out[3] = t.contentPosition;
  out[4] = t.contentOffset;
  out[5] = t.contentSamples;
  out[6] = t.generation;
  return kTickFields;
}

int AudioPlayoutBuffer::getStats(double* out, int capacity) const {
  if (out == nullptr || capacity < kStatsFields) return kBufferTooSmall;
  AudioPlayoutStats s;
  getStats(&s);
  const double v[kStatsFields] = {
      static_cast<double>(s.writePosition), static_cast<double>(s.playedPosition), static_cast<double>(s.emitPosition),
      s.queuedMs, s.maxQueuedMs, static_cast<double>(s.underrunSamples), static_cast<double>(s.clears),
      static_cast<double>(s.discardedSamples), static_cast<double>(s.writerBlockedNanos),
      static_cast<double>(s.framesEmitted), static_cast<double>(s.silentFrames), static_cast<double>(s.clockSlips),
      s.tickLatenessP50Us, s.tickLatenessP99Us, s.tickLatenessMaxUs, static_cast<double>(s.marksFired),
      static_cast<double>(s.marksInterrupted)};
  for (int k = 0; k < kStatsFields; ++k) out[k] = v[k];
  return kStatsFields;
}

int64_t AudioPlayoutBuffer::steadyNowNs() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

void AudioPlayoutBuffer::copyIn(const int16_t* pcm, int64_t samples) {
  const int ch = config_.channels;
  int64_t done = 0;
  while (done < samples) {
    const int64_t at = writePos_ % capacity_;
    int64_t n = capacity_ - at;
    if (n > samples - done) n = samples - done;
    std::memcpy(ring_.get() + at * ch, pcm + done * ch, static_cast<size_t>(n) * ch * sizeof(int16_t));
    done += n;
    writePos_ += n;
  }
  if (samples > 0) {
    segmentActive_ = true;
    segmentEnding_ = false;
  }
  const double queuedMs = static_cast<double>(writePos_ - readPos_) * 1000.0 / config_.sampleRate;
  if (queuedMs > stats_.maxQueuedMs) stats_.maxQueuedMs = queuedMs;
}

int AudioPlayoutBuffer::tryWrite(const int16_t* pcm, int samples) {
  if (samples < 0 || (pcm == nullptr && samples > 0)) return kBadArgument;
  std::lock_guard<std::mutex> lock(mu_);
  if (closed_) return kClosed;
  if (writerActive_) return 0;
  int64_t n = capacity_ - (writePos_ - readPos_);
  if (n > samples) n = samples;
  copyIn(pcm, n);
  return static_cast<int>(n);
}

int AudioPlayoutBuffer::write(const int16_t* pcm, int samples, int64_t timeoutNs) {
  if (samples < 0 || (pcm == nullptr && samples > 0)) return kBadArgument;
  const bool forever = timeoutNs < 0;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::nanoseconds(forever ? 0 : timeoutNs);
  std::unique_lock<std::mutex> lock(mu_);
  if (closed_) return kClosed;
  const int64_t gen = generation_;
  auto waitFor = [&](auto ready) -> bool {
    if (forever) {
      cv_.wait(lock, ready);
      return true;
    }
    return cv_.wait_until(lock, deadline, ready);
  };
  // One writer at a time, so a write is never interleaved with another.
  if (!waitFor([&] { return !writerActive_ || closed_ || generation_ != gen; })) return 0;
  if (closed_ || generation_ != gen) return kClosed;
  writerActive_ = true;
  int64_t done = 0;
  int result = 0;
  for (;;) {
    int64_t n = capacity_ - (writePos_ - readPos_);
    if (n > samples - done) n = samples - done;
    copyIn(pcm + done * config_.channels, n);
    done += n;
    if (done == samples) break;
    const int64_t blockedFrom = steadyNowNs();
    const bool ok = waitFor([&] { return closed_ || generation_ != gen || writePos_ - readPos_ < capacity_; });
    stats_.writerBlockedNanos += steadyNowNs() - blockedFrom;
    if (closed_ || generation_ != gen) {
      result = kClosed;
      break;
    }
    if (!ok) break;  // timed out: return what was accepted
  }
  writerActive_ = false;
  cv_.notify_all();
  return result < 0 ? result : static_cast<int>(done);
}

int64_t AudioPlayoutBuffer::writePosition() const {
  std::lock_guard<std::mutex> lock(mu_);
  return writePos_;
}

void AudioPlayoutBuffer::endSegment() {
  std::lock_guard<std::mutex> lock(mu_);
  if (writePos_ == readPos_) {
    segmentActive_ = false;
    segmentEnding_ = false;
  } else {
    segmentEnding_ = true;
  }
}

int64_t AudioPlayoutBuffer::playedPosition() const {
  std::lock_guard<std::mutex> lock(mu_);
  return readPos_;
}

int64_t AudioPlayoutBuffer::queuedSamples() const {
  std::lock_guard<std::mutex> lock(mu_);
  return writePos_ - readPos_;
}

int64_t AudioPlayoutBuffer::generation() const {
  std::lock_guard<std::mutex> lock(mu_);
  return generation_;
}

bool AudioPlayoutBuffer::closed() const {
  std::lock_guard<std::mutex> lock(mu_);
  return closed_;
}

int AudioPlayoutBuffer::waitForPlayout(int64_t position, int64_t timeoutNs) {
  std::unique_lock<std::mutex> lock(mu_);
  if (readPos_ >= position) return kOk;
  if (closed_) return kClosed;
  const int64_t gen = generation_;
  auto ready = [&] { return readPos_ >= position || closed_ || generation_ != gen; };
  if (timeoutNs < 0) {
    cv_.wait(lock, ready);
  } else if (!cv_.wait_for(lock, std::chrono::nanoseconds(timeoutNs), ready)) {
    return kWouldBlock;
  }
  if (generation_ != gen) {
    // Cleared while waiting: fine if the position had been played before that clear.
    for (int i = 0; i < kClearHistory; ++i) {
      if (clearGeneration_[i] == gen + 1) return position <= clearPlayedAt_[i] ? kOk : kClosed;
    }
    return kClosed;
  }
  return readPos_ >= position ? kOk : kClosed;
}

bool AudioPlayoutBuffer::pushFiredLocked(const PlayoutMark& m) {
  if (firedCount_ == firedCapacity_) return false;
  fired_[(firedHead_ + firedCount_) % firedCapacity_] = m;
  ++firedCount_;
  if (m.interrupted) {
    ++stats_.marksInterrupted;
  } else {
    ++stats_.marksFired;
  }
  return true;
}

int AudioPlayoutBuffer::addMark(int64_t position, int64_t id) {
  std::lock_guard<std::mutex> lock(mu_);
  if (closed_) return kClosed;
  if (position <= readPos_) {
    if (!pushFiredLocked({id, position, position, false})) return kBufferTooSmall;
    return kOk;
  }
  if (pendingCount_ >= config_.maxMarks) return kBufferTooSmall;
  pending_[pendingCount_++] = {position, id};
  return kOk;
}

int AudioPlayoutBuffer::pollMarks(PlayoutMark* out, int max) {
  if (out == nullptr || max <= 0) return 0;
  std::lock_guard<std::mutex> lock(mu_);
  int n = 0;
  while (n < max && firedCount_ > 0) {
    out[n++] = fired_[firedHead_];
    firedHead_ = (firedHead_ + 1) % firedCapacity_;
    --firedCount_;
  }
  return n;
}

void AudioPlayoutBuffer::fireMarksLocked(bool interruptAll) {
  int kept = 0;
  for (int i = 0; i < pendingCount_; ++i) {
    const Pending p = pending_[i];
    bool done = false;
    if (p.position <= readPos_ && !interruptAll) {
      done = pushFiredLocked({p.id, p.position, p.position, false});
    } else if (interruptAll) {
      done = pushFiredLocked({p.id, p.position, readPos_, true});
    }
    if (!done) pending_[kept++] = p;
  }
  pendingCount_ = kept;
}

int64_t AudioPlayoutBuffer::clear() {
  std::lock_guard<std::mutex> lock(mu_);
  const int64_t interruptedAt = readPos_;
  const int64_t queued = writePos_ - readPos_;
  const int ch = config_.channels;
  // Keep the first few ms of what is dropped, faded out, for the next tick: no click.
  fadeLen_ = 0;
  if (fadeCapacity_ > 0 && queued > 0) {
    const int n = static_cast<int>(queued < fadeCapacity_ ? queued : fadeCapacity_);
    for (int i = 0; i < n; ++i) {
      const int64_t at = (readPos_ + i) % capacity_;
      const float gain = 1.0f - static_cast<float>(i + 1) / static_cast<float>(n + 1);
      for (int c = 0; c < ch; ++c) {
        fade_[i * ch + c] = static_cast<int16_t>(static_cast<float>(ring_[at * ch + c]) * gain);
      }
    }
    fadeLen_ = n;
  }
  stats_.discardedSamples += queued;
  readPos_ = writePos_;
  ++generation_;
  clearGeneration_[generation_ % kClearHistory] = generation_;
  clearPlayedAt_[generation_ % kClearHistory] = interruptedAt;
  ++stats_.clears;
  segmentActive_ = false;
  segmentEnding_ = false;
  // Marks beyond what was played are interrupted; report the played position.
  int kept = 0;
  for (int i = 0; i < pendingCount_; ++i) {
    const Pending p = pending_[i];
    if (!pushFiredLocked({p.id, p.position, interruptedAt, true})) pending_[kept++] = p;
  }
  pendingCount_ = kept;
  cv_.notify_all();
  return interruptedAt;
}

void AudioPlayoutBuffer::close() {
  std::lock_guard<std::mutex> lock(mu_);
  if (closed_) return;
  closed_ = true;
  fireMarksLocked(true);
  cv_.notify_all();
}

void AudioPlayoutBuffer::start(int64_t nowNs) {
  std::lock_guard<std::mutex> lock(mu_);
  anchored_ = true;
  nextDeadline_ = nowNs;
}

int64_t AudioPlayoutBuffer::nextDeadlineNs() const {
  std::lock_guard<std::mutex> lock(mu_);
  return nextDeadline_;
}

PlayoutTick AudioPlayoutBuffer::lastTick() const {
  std::lock_guard<std::mutex> lock(mu_);
  return last_;
}

int AudioPlayoutBuffer::tick(int64_t nowNs, int16_t* out, int capacity) {
  if (out == nullptr) return kBadArgument;
  const int ch = config_.channels;
  if (capacity < frame_ * ch) return kBufferTooSmall;
  std::lock_guard<std::mutex> lock(mu_);
  if (closed_) return kClosed;
  if (!anchored_) {
    anchored_ = true;
    nextDeadline_ = nowNs;
  }
  if (nowNs < nextDeadline_) return kWouldBlock;
  const int64_t late = nowNs - nextDeadline_;
  const double lateUs = static_cast<double>(late) / 1000.0;
  lateness_.add(lateUs);
  if (lateUs > latenessMaxUs_) latenessMaxUs_ = lateUs;
  const int64_t deadline = nextDeadline_;
  if (late > static_cast<int64_t>(config_.slipTicks) * periodNs_) {
    // Far behind (GC pause, suspend): do not burst seconds of audio, start over from now.
    ++stats_.clockSlips;
    nextDeadline_ = nowNs;
  }
  nextDeadline_ += periodNs_;

  int offset = 0;
  if (fadeLen_ > 0) {
    std::memcpy(out, fade_.get(), static_cast<size_t>(fadeLen_) * ch * sizeof(int16_t));
    offset = fadeLen_;
    fadeLen_ = 0;
  }
  int64_t content = writePos_ - readPos_;
  if (content > frame_ - offset) content = frame_ - offset;
  last_.timeNs = nowNs;
  last_.deadlineNs = deadline;
  last_.emitPosition = emitPos_;
  last_.contentPosition = readPos_;
  last_.contentOffset = offset;
  last_.contentSamples = static_cast<int32_t>(content);
  last_.generation = generation_;
  int64_t done = 0;
  while (done < content) {
    const int64_t at = readPos_ % capacity_;
    int64_t n = capacity_ - at;
    if (n > content - done) n = content - done;
    std::memcpy(out + (offset + done) * ch, ring_.get() + at * ch, static_cast<size_t>(n) * ch * sizeof(int16_t));
    done += n;
    readPos_ += n;
  }
  const int64_t filled = offset + content;
  if (filled < frame_) {
    std::memset(out + filled * ch, 0, static_cast<size_t>(frame_ - filled) * ch * sizeof(int16_t));
  }
  if (content == 0) ++stats_.silentFrames;
  if (segmentActive_ && content < frame_ - offset) {
    if (segmentEnding_ && readPos_ == writePos_) {
      segmentActive_ = false;
      segmentEnding_ = false;
    } else if (!segmentEnding_) {
      stats_.underrunSamples += frame_ - offset - content;
    }
  } else if (segmentEnding_ && readPos_ == writePos_) {
    segmentActive_ = false;
    segmentEnding_ = false;
  }
  emitPos_ += frame_;
  ++stats_.framesEmitted;
  fireMarksLocked(false);
  cv_.notify_all();
  return frame_;
}

void AudioPlayoutBuffer::getStats(AudioPlayoutStats* out) const {
  std::lock_guard<std::mutex> lock(mu_);
  *out = stats_;
  out->writePosition = writePos_;
  out->playedPosition = readPos_;
  out->emitPosition = emitPos_;
  out->queuedMs = static_cast<double>(writePos_ - readPos_) * 1000.0 / config_.sampleRate;
  out->tickLatenessP50Us = lateness_.quantile(0.50);
  out->tickLatenessP99Us = lateness_.quantile(0.99);
  out->tickLatenessMaxUs = latenessMaxUs_;
}

}  // namespace lkmedia
