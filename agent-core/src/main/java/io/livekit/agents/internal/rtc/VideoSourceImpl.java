package io.livekit.agents.internal.rtc;

import dev.onvoid.webrtc.media.FourCC;
import dev.onvoid.webrtc.media.video.CustomVideoSource;
import dev.onvoid.webrtc.media.video.NativeI420Buffer;
import dev.onvoid.webrtc.media.video.VideoBufferConverter;
import dev.onvoid.webrtc.media.video.VideoFrame;
import io.livekit.agents.AgentException;
import io.livekit.agents.media.MediaException;
import io.livekit.agents.media.VideoConverter;
import io.livekit.agents.room.PixelFormat;
import io.livekit.agents.room.VideoSource;
import io.livekit.agents.room.VideoSourceOptions;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link VideoSource}: each captured frame is converted straight into the planes of a webrtc-java
 * {@link NativeI420Buffer} (by the native core's libyuv converter; webrtc-java's converter when the natives are not
 * available), then either
 * <ul>
 *   <li>paced by an audio clock: handed to the native A/V pacer of that audio source, whose pacer thread pushes it
 *       into {@link CustomVideoSource} when the audio it belongs to is emitted; or</li>
 *   <li>paced on its own: queued with its presentation time, and pushed by this source's thread
 *       {@code lk-video-pacer-<track>} when the time comes (timeline anchored at the first frame).</li>
 * </ul>
 */
final class VideoSourceImpl implements VideoSource {
  private static final Logger LOG = LoggerFactory.getLogger(VideoSourceImpl.class);

  private record Pending(NativeI420Buffer buffer, long ptsMicros) {
  }

  private final CustomVideoSource source;
  private final int width;
  private final int height;
  private final int capacity;
  private final boolean nativeConversion;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  // paced by an audio clock
  private final AudioSourceImpl clockSource;
  private final NativePlayoutQueue clock;
  // paced on its own
  private final ArrayDeque<Pending> queue = new ArrayDeque<>();
  private final Thread pacer;
  private volatile boolean closed;
  private volatile long pushed;
  private long pushFailures; // the pushing thread only
  private ByteBuffer staging; // direct copy of heap (or strided, for the fallback) input; reused
  private long lastPts = Long.MIN_VALUE;
  private long anchorNanos;
  private long anchorPts;
  private boolean anchored;

  /**
   * @param clockSource the audio source whose playout paces this video, or null to pace on the frames' timestamps
   * @throws AgentException {@code INVALID_ARGUMENT} if {@code clockSource} paces another video source already
   */
  VideoSourceImpl(CustomVideoSource source, VideoSourceOptions options, String name, AudioSourceImpl clockSource) {
    this(source, options, name, clockSource, NativeMedia.available());
  }

  /** With {@code nativeConversion} false, webrtc-java's converter is used (the fallback, also for tests). */
  VideoSourceImpl(CustomVideoSource source, VideoSourceOptions options, String name, AudioSourceImpl clockSource,
      boolean nativeConversion) {
    this.nativeConversion = nativeConversion;
    this.source = source;
    this.width = options.width();
    this.height = options.height();
    this.capacity = options.queueFrames();
    NativePlayoutQueue q = clockSource == null ? null : clockSource.nativeQueue();
    if (q != null) {
      try {
        q.attachVideo(capacity, this::pushPaced);
      } catch (IllegalStateException e) {
        throw new AgentException(AgentException.Code.INVALID_ARGUMENT, "the audio track chosen as clock for video "
            + "track '" + name + "' paces another video track already; create one video track per audio clock", e);
      }
      this.clockSource = clockSource;
      this.clock = q;
      this.pacer = null;
    } else {
      this.clockSource = null;
      this.clock = null;
      this.pacer = NamedThreads.start("lk-video-pacer-" + name, this::run);
    }
  }

  @Override
  public int width() {
    return width;
  }

  @Override
  public int height() {
    return height;
  }

  @Override
  public void capture(ByteBuffer data, PixelFormat format, int stride, long timestampMicros)
      throws InterruptedException {
    checkOpen();
    int chromaH = (height + 1) / 2;
    long needed = format == PixelFormat.I420
        ? (long) stride * height + 2L * (stride / 2) * chromaH
        : (long) stride * height;
    int minStride = format == PixelFormat.I420 ? width : width * 4;
    if (stride < minStride || data.remaining() < needed) {
      throw new AgentException(AgentException.Code.INVALID_ARGUMENT, "a " + width + "x" + height + " " + format
          + " frame with stride " + stride + " needs a stride of at least " + minStride + " and " + needed
          + " bytes, got " + data.remaining());
    }
    lock.lockInterruptibly();
    try {
      if (timestampMicros < lastPts) {
        throw new AgentException(AgentException.Code.INVALID_ARGUMENT,
            "timestamp " + timestampMicros + " us goes backwards (last " + lastPts + " us)");
      }
      lastPts = timestampMicros;
    } finally {
      lock.unlock();
    }
    NativeI420Buffer buffer = NativeI420Buffer.allocate(width, height);
    try {
      convert(data, format, stride, (int) needed, buffer);
    } catch (RuntimeException | Error e) {
      buffer.release();
      throw e;
    }
    if (clock != null) {
      long pts = Math.floorDiv(timestampMicros * clock.sampleRate(), 1_000_000L);
      if (!clock.pushVideo(buffer, pts) && (closed || clockSource.isClosed())) {
        throw new AgentException(AgentException.Code.DISCONNECTED, closed ? "the video track was closed"
            : "the audio track pacing this video track was closed");
      }
      return;
    }
    lock.lockInterruptibly();
    try {
      while (queue.size() >= capacity && !closed) {
        changed.await();
      }
      if (closed) {
        buffer.release();
        throw new AgentException(AgentException.Code.DISCONNECTED, "the video track was closed");
      }
      queue.add(new Pending(buffer, timestampMicros));
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /** Fills {@code buffer} from the caller's pixels; the caller's buffer and its position stay untouched. */
  private void convert(ByteBuffer data, PixelFormat format, int stride, int needed, NativeI420Buffer buffer) {
    int pos = data.position();
    if (format == PixelFormat.I420) {
      int chromaW = (width + 1) / 2;
      int chromaH = (height + 1) / 2;
      copyPlane(data, pos, stride, buffer.getDataY(), buffer.getStrideY(), width, height);
      int u = pos + stride * height;
      int v = u + (stride / 2) * chromaH;
      copyPlane(data, u, stride / 2, buffer.getDataU(), buffer.getStrideU(), chromaW, chromaH);
      copyPlane(data, v, stride / 2, buffer.getDataV(), buffer.getStrideV(), chromaW, chromaH);
      return;
    }
    if (nativeConversion) {
      ByteBuffer src = data;
      if (!data.isDirect()) {
        src = stage(needed);
        src.put(0, data, pos, needed);
      }
      try {
        VideoConverter.toI420(mediaFormat(format), src, stride, width, height, buffer.getDataY(), buffer.getStrideY(),
            buffer.getDataU(), buffer.getStrideU(), buffer.getDataV(), buffer.getStrideV());
      } catch (MediaException | IllegalArgumentException e) {
        throw new AgentException(AgentException.Code.INVALID_ARGUMENT, "converting a " + width + "x" + height + " "
            + format + " frame failed: " + e.getMessage(), e);
      }
      return;
    }
    ByteBuffer src;
    if (stride == width * 4 && data.isDirect()) {
      src = data.slice(pos, needed);
    } else {
      src = stage(width * 4 * height);
      copyPlane(data, pos, stride, src, width * 4, width * 4, height);
    }
    try {
      VideoBufferConverter.convertToI420(src, buffer, fourCc(format));
    } catch (Exception e) {
      throw new AgentException(AgentException.Code.INVALID_ARGUMENT, "converting a " + format + " frame failed: " + e,
          e);
    }
  }

  /** The reused direct staging buffer, at position 0 with room for {@code bytes}. */
  private ByteBuffer stage(int bytes) {
    if (staging == null || staging.capacity() < bytes) {
      staging = ByteBuffer.allocateDirect(bytes);
    }
    staging.clear();
    return staging;
  }

  static io.livekit.agents.media.PixelFormat mediaFormat(PixelFormat f) {
    return switch (f) {
      case RGBA -> io.livekit.agents.media.PixelFormat.RGBA;
      case BGRA -> io.livekit.agents.media.PixelFormat.BGRA;
      case ARGB -> io.livekit.agents.media.PixelFormat.ARGB;
      case ABGR -> io.livekit.agents.media.PixelFormat.ABGR;
      case I420 -> throw new IllegalArgumentException("I420 is not a packed format");
    };
  }

  /**
   * libyuv names formats by their 32-bit word order on a little-endian machine, the reverse of the byte order our
   * {@link PixelFormat} names: bytes R,G,B,A in memory are libyuv's "ABGR".
   */
  static FourCC fourCc(PixelFormat f) {
    return switch (f) {
      case RGBA -> FourCC.ABGR;
      case BGRA -> FourCC.ARGB;
      case ARGB -> FourCC.BGRA;
      case ABGR -> FourCC.RGBA;
      case I420 -> FourCC.I420;
    };
  }

  private static void copyPlane(ByteBuffer src, int srcPos, int srcStride, ByteBuffer dst, int dstStride, int rowBytes,
      int rows) {
    for (int r = 0; r < rows; r++) {
      dst.put(r * dstStride, src, srcPos + r * srcStride, rowBytes);
    }
  }

  /** The audio pacer thread: a frame whose audio is being emitted now. Takes over the buffer's reference. */
  private void pushPaced(NativeI420Buffer buffer) {
    if (closed) {
      buffer.release();
      return;
    }
    push(buffer);
  }

  private void push(NativeI420Buffer buffer) {
    VideoFrame frame = new VideoFrame(buffer, System.nanoTime());
    try {
      source.pushFrame(frame);
      pushed++;
    } catch (RuntimeException e) {
      if (++pushFailures == 1) {
        LOG.warn("pushing a video frame to WebRTC failed (later failures are logged at debug level): {}",
            e.toString());
      } else {
        LOG.debug("pushing a video frame to WebRTC failed ({} times): {}", pushFailures, e.toString());
      }
    } finally {
      frame.release();
    }
  }

  /** The own pacer thread (not paced by audio). */
  private void run() {
    while (!closed) {
      Pending next;
      lock.lock();
      try {
        while (queue.isEmpty() && !closed) {
          changed.awaitUninterruptibly();
        }
        if (closed) {
          return;
        }
        next = queue.peek();
        long now = System.nanoTime();
        if (!anchored) {
          anchored = true;
          anchorNanos = now;
          anchorPts = next.ptsMicros;
        }
        long due = anchorNanos + (next.ptsMicros - anchorPts) * 1000L;
        if (due - now > 0) {
          lock.unlock();
          try {
            LockSupport.parkNanos(due - now);
          } finally {
            lock.lock();
          }
          continue;
        }
        if (now - due > 300_000_000L) { // more than 300 ms late: re-anchor the timeline instead of rushing
          anchorNanos = now;
          anchorPts = next.ptsMicros;
        }
        queue.poll();
        changed.signalAll();
      } finally {
        lock.unlock();
      }
      push(next.buffer);
    }
  }

  private void checkOpen() {
    if (closed) {
      throw new AgentException(AgentException.Code.DISCONNECTED, "the video track was closed; create a new one");
    }
  }

  /** Drops the queued frames; for a source paced by audio, audio and video are flushed together. */
  @Override
  public void clear() {
    clearQueue();
    if (clock != null) {
      clock.clear();
    }
  }

  private void clearQueue() {
    lock.lock();
    try {
      queue.forEach(p -> p.buffer.release());
      queue.clear();
      anchored = false;
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  @Override
  public long framesPushed() {
    return pushed;
  }

  void close() {
    closed = true;
    lock.lock();
    try {
      changed.signalAll();
    } finally {
      lock.unlock();
    }
    if (pacer != null) {
      LockSupport.unpark(pacer);
      try {
        pacer.join(1000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    clearQueue();
  }
}
