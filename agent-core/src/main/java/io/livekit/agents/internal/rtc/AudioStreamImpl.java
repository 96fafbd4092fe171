package io.livekit.agents.internal.rtc;

import dev.onvoid.webrtc.media.audio.AudioTrack;
import dev.onvoid.webrtc.media.audio.AudioTrackSink;
import io.livekit.agents.room.AudioFrame;
import io.livekit.agents.room.AudioStream;
import java.time.Duration;

/**
 * Converted PCM frames of one remote audio track, fed by an {@link AudioTrackSink} on WebRTC's audio thread into a
 * {@link FrameQueue}. The sink never blocks: when full, the oldest frame is dropped and counted.
 */
final class AudioStreamImpl implements AudioStream, AudioTrackSink {
  private final AudioTrack track;
  private final int sampleRate;
  private final int channels;
  private final PcmConverter converter;
  private final FrameQueue<AudioFrame> queue;
  private final Runnable onClose;

  AudioStreamImpl(AudioTrack track, int sampleRate, int channels, int capacity, Runnable onClose) {
    this.track = track;
    this.sampleRate = sampleRate;
    this.channels = channels;
    this.converter = new PcmConverter(sampleRate, channels);
    this.queue = new FrameQueue<>(capacity);
    this.onClose = onClose;
  }

  /** Called by WebRTC's audio thread with 10 ms of PCM. Must not block. */
  @Override
  public void onData(byte[] data, int bitsPerSample, int rate, int ch, int frames) {
    short[] pcm;
    synchronized (converter) {
      pcm = converter.convert(data, bitsPerSample, rate, ch, frames);
    }
    if (pcm != null) {
      queue.offer(new AudioFrame(pcm, sampleRate, channels, pcm.length / channels));
    }
  }

  @Override
  public AudioFrame read() throws InterruptedException {
    return queue.read();
  }

  @Override
  public AudioFrame poll(Duration timeout) throws InterruptedException {
    return queue.poll(timeout);
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
    return queue.dropped();
  }

  @Override
  public boolean isEnded() {
    return queue.isEndedAndEmpty();
  }

  /** Ends the stream (track gone); queued frames can still be read. */
  void end() {
    if (!queue.end()) {
      return;
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
    queue.endAndDrain();
    onClose.run();
  }
}
