package io.livekit.agents.internal.rtc;

import dev.onvoid.webrtc.media.audio.CustomAudioSource;
import io.livekit.agents.room.AudioSource;
import io.livekit.agents.room.AudioSourceOptions;
import io.livekit.agents.AgentException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An {@link AudioSource}: a {@link PlayoutQueue} drained by a pacer thread that hands exactly 10 ms to webrtc-java's
 * {@link CustomAudioSource} every 10 ms against absolute deadlines (no drift; after a stall of more than 5 ticks it
 * re-anchors instead of bursting). Silence goes out while the queue is empty.
 */
final class AudioSourceImpl implements AudioSource {
  private static final Logger LOG = LoggerFactory.getLogger(AudioSourceImpl.class);
  private static final long TICK_NANOS = 10_000_000L;

  private final CustomAudioSource source;
  private final int sampleRate;
  private final int channels;
  private final int frameSamples; // interleaved samples per 10 ms
  private final PlayoutQueue queue;
  private final Thread pacer;
  private volatile boolean closed;
  private volatile long emitted;     // samples per channel handed to WebRTC
  private volatile long underrun;    // samples per channel of silence while a segment was active
  private volatile long clockSlips;
  private volatile boolean segmentActive;

  AudioSourceImpl(CustomAudioSource source, AudioSourceOptions options, String name) {
    this.source = source;
    this.sampleRate = options.sampleRate();
    this.channels = options.channels();
    this.frameSamples = sampleRate / 100 * channels;
    this.queue = new RingPlayoutQueue(frameSamples * (options.queueMillis() / 10));
    this.pacer = NamedThreads.start("lk-audio-pacer-" + name, this::run);
    this.pacer.setPriority(Thread.MAX_PRIORITY);
  }

  private void run() {
    short[] frame = new short[frameSamples];
    ByteBuffer bytes = ByteBuffer.allocate(frameSamples * 2).order(ByteOrder.nativeOrder());
    byte[] array = bytes.array();
    int framesPerChannel = sampleRate / 100;
    long next = System.nanoTime();
    while (!closed) {
      long wait = next - System.nanoTime();
      if (wait > 0) {
        LockSupport.parkNanos(wait);
        continue;
      }
      if (-wait > 5 * TICK_NANOS) {
        clockSlips++;
        next = System.nanoTime();
      }
      int got = queue.read(frame);
      if (got > 0) {
        segmentActive = true;
      }
      if (got < frameSamples && segmentActive) {
        underrun += (frameSamples - got) / channels;
        if (got == 0) {
          segmentActive = false;
        }
      }
      bytes.clear();
      bytes.asShortBuffer().put(frame);
      try {
        source.pushAudio(array, 16, sampleRate, channels, framesPerChannel);
      } catch (RuntimeException e) {
        LOG.warn("pushing audio to WebRTC failed: {}", e.toString());
      }
      emitted += framesPerChannel;
      next += TICK_NANOS;
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
  public int write(short[] pcm, int offset, int length) throws InterruptedException {
    if (closed) {
      throw new AgentException(AgentException.Code.DISCONNECTED, "the audio track was closed; create a new one");
    }
    if (offset < 0 || length < 0 || offset + length > pcm.length) {
      throw new AgentException(AgentException.Code.INVALID_ARGUMENT,
          "offset " + offset + " and length " + length + " do not fit an array of " + pcm.length);
    }
    if (length % channels != 0) {
      throw new AgentException(AgentException.Code.INVALID_ARGUMENT, "length " + length
          + " is not a multiple of the channel count " + channels + " (samples are interleaved)");
    }
    return queue.write(pcm, offset, length);
  }

  @Override
  public void clear() {
    queue.clear();
  }

  @Override
  public boolean waitForPlayout(Duration timeout) throws InterruptedException {
    return queue.awaitDrained(timeout.toNanos());
  }

  @Override
  public long queuedMillis() {
    return queue.queuedSamples() / channels * 1000L / sampleRate;
  }

  @Override
  public long emittedSamples() {
    return emitted;
  }

  @Override
  public long underrunSamples() {
    return underrun;
  }

  long clockSlips() {
    return clockSlips;
  }

  void close() {
    closed = true;
    queue.close();
    LockSupport.unpark(pacer);
    try {
      pacer.join(1000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
