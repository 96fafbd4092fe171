package io.livekit.agents.internal.rtc;

import dev.onvoid.webrtc.media.video.NativeI420Buffer;
import io.livekit.agents.media.AudioPlayoutBuffer;
import io.livekit.agents.media.AvPacer;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.ShortBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * {@link PlayoutQueue} on the native core's {@link AudioPlayoutBuffer}; once a video track is paced by this audio
 * ({@link #attachVideo}), the native {@link AvPacer} drives the buffer's tick and releases the video frames at the
 * emission time of the audio they belong to. Both are stepped by the audio source's pacer thread, so there is one
 * clock and one thread for audio and video.
 */
final class NativePlayoutQueue implements PlayoutQueue {
  /** Receives a video frame due now, on the pacer thread; takes over the frame's reference. */
  interface VideoOut {
    void onVideoFrame(NativeI420Buffer frame);
  }

  /** Nominal frame rate for the pacer's late and freeze rules (the sources do not declare one). */
  static final double NOMINAL_FPS = 30;

  private final AudioPlayoutBuffer buffer;
  private final int channels;
  private final ShortBuffer frame;
  private final Object drive = new Object();
  private volatile AvPacer<NativeI420Buffer> pacer;
  private AudioOut stepOut; // the AudioOut of the step in progress (pacer thread only)
  private volatile long lastUnderrun;
  private volatile long lastSlips;

  /** @throws UnsatisfiedLinkError when the natives are not available (check {@code MediaNatives} first) */
  NativePlayoutQueue(int sampleRate, int channels, int capacityMs) {
    this.buffer = AudioPlayoutBuffer.builder(sampleRate, channels).capacityMs(capacityMs).build();
    this.channels = channels;
    this.frame = ByteBuffer.allocateDirect(buffer.frameSamples() * channels * 2).order(ByteOrder.nativeOrder())
        .asShortBuffer();
  }

  @Override
  public boolean write(ShortBuffer pcm) throws InterruptedException {
    try {
      return buffer.write(pcm);
    } catch (IllegalStateException closed) {
      return false;
    }
  }

  @Override
  public void clear() {
    try {
      AvPacer<NativeI420Buffer> p = pacer;
      if (p != null) {
        p.clear();
      } else {
        buffer.clear();
      }
    } catch (IllegalStateException closed) {
      // nothing queued any more
    }
  }

  @Override
  public boolean awaitPlayout(long timeoutNanos) throws InterruptedException {
    CompletableFuture<AudioPlayoutBuffer.Playout> done;
    try {
      buffer.endSegment();
      done = buffer.playout();
    } catch (IllegalStateException closed) {
      return false;
    }
    try {
      return !done.get(Math.max(0, timeoutNanos), TimeUnit.NANOSECONDS).interrupted();
    } catch (TimeoutException e) {
      return false;
    } catch (ExecutionException e) {
      throw new IllegalStateException("a playout wait failed", e.getCause());
    }
  }

  @Override
  public long queuedSamples() {
    try {
      return buffer.queuedSamples();
    } catch (IllegalStateException closed) {
      return 0;
    }
  }

  @Override
  public long underrunSamples() {
    refreshStats();
    return lastUnderrun;
  }

  @Override
  public long clockSlips() {
    refreshStats();
    return lastSlips;
  }

  private void refreshStats() {
    try {
      var s = buffer.stats();
      lastUnderrun = s.underrunSamples();
      lastSlips = (long) s.get("clockSlips");
    } catch (IllegalStateException closed) {
      // keep the last values
    }
  }

  @Override
  public long nextWakeNanos() {
    synchronized (drive) {
      AvPacer<NativeI420Buffer> p = pacer;
      return p != null ? p.nextWakeNanos() : buffer.nextDeadlineNanos();
    }
  }

  @Override
  public boolean step(long nowNanos, AudioOut out) {
    synchronized (drive) {
      AvPacer<NativeI420Buffer> p = pacer;
      if (p != null) {
        stepOut = out;
        try {
          return p.step(nowNanos) == 1;
        } finally {
          stepOut = null;
        }
      }
      frame.clear();
      int n = buffer.tick(nowNanos, frame);
      if (n <= 0) {
        return false;
      }
      frame.limit(n * channels);
      out.onAudioFrame(frame);
      return true;
    }
  }

  /**
   * Hands the tick to a native A/V pacer that releases video frames by this audio's clock.
   *
   * @param queueFrames early frames held before {@link #pushVideo} blocks
   * @throws IllegalStateException if a video track is paced by this audio already
   */
  void attachVideo(int queueFrames, VideoOut out) {
    synchronized (drive) {
      if (pacer != null) {
        throw new IllegalStateException("this audio source paces a video track already");
      }
      pacer = AvPacer.builder(buffer).fps(NOMINAL_FPS).queueFrames(queueFrames).build(new AvPacer.Sink<>() {
        @Override
        public void onAudioFrame(ShortBuffer audio, long nowNanos) {
          AudioOut o = stepOut;
          if (o != null) {
            o.onAudioFrame(audio);
          }
        }

        @Override
        public void onVideoFrame(NativeI420Buffer video, long nowNanos, boolean repeat) {
          out.onVideoFrame(video);
        }

        @Override
        public void onVideoDropped(NativeI420Buffer video) {
          video.release();
        }

        @Override
        public void onVideoReleased(NativeI420Buffer video) {
          video.release();
        }
      });
    }
  }

  /**
   * Queues a video frame for the audio content position {@code pts} (samples per channel), blocking while the
   * pacer's queue is full. Takes over the frame's reference either way.
   *
   * @return false if the audio was cleared or closed meanwhile (the frame was released)
   */
  boolean pushVideo(NativeI420Buffer video, long pts) throws InterruptedException {
    AvPacer<NativeI420Buffer> p = pacer;
    if (p == null) {
      video.release();
      throw new IllegalStateException("no video track is paced by this audio source");
    }
    return p.pushVideo(video, pts);
  }

  /** Samples per second (the content timeline's unit rate). */
  int sampleRate() {
    return buffer.sampleRate();
  }

  @Override
  public void close() {
    AvPacer<NativeI420Buffer> p = pacer;
    if (p != null) {
      p.close();
    }
    buffer.close();
  }
}
