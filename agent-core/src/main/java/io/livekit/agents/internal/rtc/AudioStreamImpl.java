package io.livekit.agents.internal.rtc;

import dev.onvoid.webrtc.media.audio.AudioTrack;
import dev.onvoid.webrtc.media.audio.AudioTrackSink;
import io.livekit.agents.room.AudioFrame;
import io.livekit.agents.room.AudioStream;
import java.nio.ShortBuffer;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Converted PCM of one remote audio track: an {@link AudioTrackSink} on WebRTC's audio thread remixes and resamples
 * each block ({@link PcmConverter}) into a {@link PcmRing}, which the reader takes out in exact 10 ms frames. The
 * sink never blocks: when full, the oldest frames are dropped and counted.
 */
final class AudioStreamImpl implements AudioStream, AudioTrackSink {
  private static final Logger LOG = LoggerFactory.getLogger(AudioStreamImpl.class);
  private final AudioTrack track;
  private final int sampleRate;
  private final int channels;
  private final int frameSamples; // interleaved
  private final PcmConverter converter;
  private final PcmRing ring;
  private final Runnable onClose;
  private long conversionFailures; // WebRTC's audio thread only

  AudioStreamImpl(AudioTrack track, int sampleRate, int channels, int capacity, Runnable onClose) {
    this.track = track;
    this.sampleRate = sampleRate;
    this.channels = channels;
    this.frameSamples = sampleRate / 100 * channels;
    this.converter = new PcmConverter(sampleRate, channels);
    this.ring = new PcmRing(frameSamples, capacity);
    this.onClose = onClose;
  }

  /** Called by WebRTC's audio thread with 10 ms of PCM. Must not block. */
  @Override
  public void onData(byte[] data, int bitsPerSample, int rate, int ch, int frames) {
    try {
      synchronized (converter) {
        ShortBuffer pcm = converter.convert(data, bitsPerSample, rate, ch, frames);
        if (pcm != null) {
          ring.offer(pcm);
        }
      }
    } catch (RuntimeException e) { // never into WebRTC's audio thread: drop the block, say so once
      if (conversionFailures++ == 0) {
        LOG.warn("converting received audio ({} Hz, {} ch) to {} Hz, {} ch failed; the block is dropped: {}", rate,
            ch, sampleRate, channels, e.toString());
      }
    }
  }

  @Override
  public AudioFrame read() throws InterruptedException {
    return next(null);
  }

  @Override
  public AudioFrame poll(Duration timeout) throws InterruptedException {
    return next(timeout);
  }

  /** The next frame, waiting at most {@code timeout} (null: no limit); null on timeout or at the end. */
  private AudioFrame next(Duration timeout) throws InterruptedException {
    short[] data = new short[frameSamples];
    int n = ring.read(data, timeout);
    return n <= 0 ? null : new AudioFrame(data, sampleRate, channels, n / channels);
  }

  @Override
  public int read(short[] into) throws InterruptedException {
    int n = ring.read(into, null);
    return n < 0 ? -1 : n / channels;
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
    return ring.dropped();
  }

  @Override
  public boolean isEnded() {
    return ring.isEndedAndEmpty();
  }

  /** Ends the stream (track gone); queued frames can still be read. */
  void end() {
    if (!ring.end()) {
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
    ring.endAndClear();
    onClose.run();
  }
}
