package io.livekit.agents.internal.rtc;

import dev.onvoid.webrtc.media.audio.CustomAudioSource;
import io.livekit.agents.AgentException;
import io.livekit.agents.room.AudioSource;
import io.livekit.agents.room.AudioSourceOptions;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.ShortBuffer;
import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An {@link AudioSource}: a {@link PlayoutQueue} (the native playout buffer, or the Java ring when the natives are
 * not available) stepped by a pacer thread {@code lk-audio-pacer-<track>} that hands exactly 10 ms to webrtc-java's
 * {@link CustomAudioSource} at each 10 ms deadline, silence included. When a video track is paced by this audio, the
 * same thread steps the native A/V pacer. Steady state allocates nothing: writes go through one reused direct buffer
 * (or straight from the caller's direct buffer), and every frame through one reused byte array.
 */
final class AudioSourceImpl implements AudioSource {
  private static final Logger LOG = LoggerFactory.getLogger(AudioSourceImpl.class);
  /** Samples (interleaved) copied per step when a write does not come in a direct native-order buffer. */
  private static final int STAGING_SAMPLES = 4800;

  private final CustomAudioSource source;
  private final int sampleRate;
  private final int channels;
  private final PlayoutQueue queue;
  private final ReentrantLock writeLock = new ReentrantLock(true);
  private final ShortBuffer staging;
  private final byte[] frameBytes;
  private final ShortBuffer frameView; // over frameBytes, native order
  private final Thread pacer;
  private volatile boolean closed;
  private volatile long emitted; // samples per channel handed to WebRTC
  private long pushFailures; // pacer thread only

  AudioSourceImpl(CustomAudioSource source, AudioSourceOptions options, String name) {
    this.source = source;
    this.sampleRate = options.sampleRate();
    this.channels = options.channels();
    int frameSamples = sampleRate / 100 * channels;
    this.queue = createQueue(options, frameSamples);
    this.staging = ByteBuffer.allocateDirect(STAGING_SAMPLES * channels * 2).order(ByteOrder.nativeOrder())
        .asShortBuffer();
    this.frameBytes = new byte[frameSamples * 2];
    this.frameView = ByteBuffer.wrap(frameBytes).order(ByteOrder.nativeOrder()).asShortBuffer();
    this.pacer = NamedThreads.start("lk-audio-pacer-" + name, this::run);
    this.pacer.setPriority(Thread.MAX_PRIORITY);
  }

  private PlayoutQueue createQueue(AudioSourceOptions options, int frameSamples) {
    if (NativeMedia.available()) {
      return new NativePlayoutQueue(sampleRate, channels, options.queueMillis());
    }
    return new RingPlayoutQueue(frameSamples * (options.queueMillis() / 10), frameSamples, channels);
  }

  /** The pacer thread: steps the queue at its deadlines and pushes each 10 ms frame into WebRTC. */
  private void run() {
    int framesPerChannel = sampleRate / 100;
    PlayoutQueue.AudioOut out = frame -> {
      frameView.clear();
      frameView.put(frame);
      try {
        source.pushAudio(frameBytes, 16, sampleRate, channels, framesPerChannel);
      } catch (RuntimeException e) {
        pushFailures++;
        if (pushFailures == 1) {
          LOG.warn("pushing audio to WebRTC failed (later failures are logged at debug level): {}", e.toString());
        } else {
          LOG.debug("pushing audio to WebRTC failed ({} times): {}", pushFailures, e.toString());
        }
      }
      emitted += framesPerChannel;
    };
    while (!closed) {
      long wake;
      try {
        wake = queue.nextWakeNanos();
        long now = System.nanoTime();
        if (wake != Long.MIN_VALUE && now < wake) {
          LockSupport.parkNanos(this, Math.min(wake - now, 20_000_000L));
          continue;
        }
        queue.step(now, out);
      } catch (IllegalStateException e) {
        if (!closed) {
          LOG.warn("the audio pacer stops: {}", e.toString());
        }
        return;
      } catch (RuntimeException e) {
        LOG.warn("an audio pacer step failed; it goes on: {}", e.toString());
        LockSupport.parkNanos(10_000_000L);
      }
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
    if (offset < 0 || length < 0 || offset > pcm.length - length) {
      throw new AgentException(AgentException.Code.INVALID_ARGUMENT,
          "offset " + offset + " and length " + length + " do not fit an array of " + pcm.length);
    }
    checkLength(length);
    writeLock.lockInterruptibly();
    try {
      checkOpen();
      int done = 0;
      while (done < length) {
        int n = Math.min(length - done, staging.capacity());
        staging.clear();
        staging.put(pcm, offset + done, n);
        staging.flip();
        boolean all = queue.write(staging);
        done += n - staging.remaining();
        if (!all) {
          break;
        }
      }
      return done;
    } finally {
      writeLock.unlock();
    }
  }

  @Override
  public int write(ShortBuffer pcm) throws InterruptedException {
    checkLength(pcm.remaining());
    writeLock.lockInterruptibly();
    try {
      checkOpen();
      int start = pcm.position();
      if (pcm.isDirect() && pcm.order() == ByteOrder.nativeOrder()) {
        queue.write(pcm);
        return pcm.position() - start;
      }
      while (pcm.hasRemaining()) {
        int n = Math.min(pcm.remaining(), staging.capacity());
        staging.clear();
        int limit = pcm.limit();
        pcm.limit(pcm.position() + n);
        staging.put(pcm);
        pcm.limit(limit);
        staging.flip();
        boolean all = queue.write(staging);
        if (!all) {
          pcm.position(pcm.position() - staging.remaining());
          break;
        }
      }
      return pcm.position() - start;
    } finally {
      writeLock.unlock();
    }
  }

  private void checkLength(int length) {
    checkOpen();
    if (length % channels != 0) {
      throw new AgentException(AgentException.Code.INVALID_ARGUMENT, "length " + length
          + " is not a multiple of the channel count " + channels + " (samples are interleaved)");
    }
  }

  private void checkOpen() {
    if (closed) {
      throw new AgentException(AgentException.Code.DISCONNECTED, "the audio track was closed; create a new one");
    }
  }

  @Override
  public void clear() {
    queue.clear();
  }

  @Override
  public boolean waitForPlayout(Duration timeout) throws InterruptedException {
    return queue.awaitPlayout(timeout.toNanos());
  }

  @Override
  public long queuedMillis() {
    return queue.queuedSamples() * 1000L / sampleRate;
  }

  @Override
  public long emittedSamples() {
    return emitted;
  }

  @Override
  public long underrunSamples() {
    return queue.underrunSamples();
  }

  long clockSlips() {
    return queue.clockSlips();
  }

  /** The native queue, when a video track can be paced by this audio; null on the Java fallback. */
  NativePlayoutQueue nativeQueue() {
    return queue instanceof NativePlayoutQueue ? (NativePlayoutQueue) queue : null;
  }

  boolean isClosed() {
    return closed;
  }

  void close() {
    if (closed) {
      return;
    }
    closed = true;
    LockSupport.unpark(pacer);
    if (pacer != Thread.currentThread()) {
      try {
        pacer.join(1000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    queue.close();
  }
}
