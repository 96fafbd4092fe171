package io.livekit.agents.internal.rtc;

import dev.onvoid.webrtc.media.audio.AudioTrack;
import dev.onvoid.webrtc.media.audio.AudioTrackSink;
import io.livekit.agents.room.AudioFrame;
import io.livekit.agents.room.AudioStream;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A bounded queue of converted PCM frames fed by an {@link AudioTrackSink} on WebRTC's audio thread. The sink
 * never blocks: when full, the oldest frame is dropped and counted.
 */
final class AudioStreamImpl implements AudioStream, AudioTrackSink {
  private final AudioTrack track;
  private final int sampleRate;
  private final int channels;
  private final int capacity;
  private final PcmConverter converter;
  private final ArrayDeque<AudioFrame> queue = new ArrayDeque<>();
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition notEmpty = lock.newCondition();
  private final Runnable onClose;
  private boolean ended;
  private long dropped;

  AudioStreamImpl(AudioTrack track, int sampleRate, int channels, int capacity, Runnable onClose) {
    this.track = track;
    this.sampleRate = sampleRate;
    this.channels = channels;
    this.capacity = capacity;
    this.converter = new PcmConverter(sampleRate, channels);
    this.onClose = onClose;
  }

  /** Called by WebRTC's audio thread with 10 ms of PCM. Must not block. */
  @Override
  public void onData(byte[] data, int bitsPerSample, int rate, int ch, int frames) {
    short[] pcm;
    synchronized (converter) {
      if (ended) {
        return;
      }
      pcm = converter.convert(data, bitsPerSample, rate, ch, frames);
    }
    if (pcm == null) {
      return;
    }
    AudioFrame frame = new AudioFrame(pcm, sampleRate, channels, pcm.length / channels);
    lock.lock();
    try {
      if (ended) {
        return;
      }
      if (queue.size() >= capacity) {
        queue.poll();
        dropped++;
      }
      queue.add(frame);
      notEmpty.signal();
    } finally {
      lock.unlock();
    }
  }

  @Override
  public AudioFrame read() throws InterruptedException {
    lock.lock();
    try {
      while (queue.isEmpty() && !ended) {
        notEmpty.await();
      }
      return queue.poll();
    } finally {
      lock.unlock();
    }
  }

  @Override
  public AudioFrame poll(Duration timeout) throws InterruptedException {
    long nanos = timeout.toNanos();
    lock.lock();
    try {
      while (queue.isEmpty() && !ended) {
        if (nanos <= 0) {
          return null;
        }
        nanos = notEmpty.awaitNanos(nanos);
      }
      return queue.poll();
    } finally {
      lock.unlock();
    }
  }

  @Override
  public int sampleRate() {
    return sampleRate;
  }

  @Override
  public int channels() {
    return channels;
  }

  @Override
  public long droppedFrames() {
    lock.lock();
    try {
      return dropped;
    } finally {
      lock.unlock();
    }
  }

  @Override
  public boolean isEnded() {
    lock.lock();
    try {
      return ended && queue.isEmpty();
    } finally {
      lock.unlock();
    }
  }

  /** Ends the stream (track gone); queued frames can still be read. */
  void end() {
    lock.lock();
    try {
      if (ended) {
        return;
      }
      ended = true;
      notEmpty.signalAll();
    } finally {
      lock.unlock();
    }
    try {
      track.removeSink(this);
    } catch (RuntimeException ignored) {
      // the native track may already be gone
    }
    synchronized (converter) {
      converter.close();
    }
  }

  @Override
  public void close() {
    end();
    lock.lock();
    try {
      queue.clear();
    } finally {
      lock.unlock();
    }
    onClose.run();
  }
}
