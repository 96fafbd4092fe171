package io.livekit.agents.internal.rtc;

import dev.onvoid.webrtc.media.FourCC;
import dev.onvoid.webrtc.media.video.CustomVideoSource;
import dev.onvoid.webrtc.media.video.NativeI420Buffer;
import dev.onvoid.webrtc.media.video.VideoBufferConverter;
import dev.onvoid.webrtc.media.video.VideoFrame;
import io.livekit.agents.room.PixelFormat;
import io.livekit.agents.AgentException;
import io.livekit.agents.room.VideoSource;
import io.livekit.agents.room.VideoSourceOptions;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A {@link VideoSource}: each captured frame is converted into a {@link NativeI420Buffer} (webrtc-java's libyuv
 * for packed RGB formats, a plane copy for I420) and queued with its presentation time; a pacer thread pushes it
 * into {@link CustomVideoSource} when the time comes (timeline anchored at the first frame on the monotonic clock).
 */
final class VideoSourceImpl implements VideoSource {
  private record Pending(NativeI420Buffer buffer, long ptsMicros) {
  }

  private final CustomVideoSource source;
  private final int width;
  private final int height;
  private final int capacity;
  private final ArrayDeque<Pending> queue = new ArrayDeque<>();
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  private final Thread pacer;
  private volatile boolean closed;
  private volatile long pushed;
  private long lastPts = Long.MIN_VALUE;
  private long anchorNanos;
  private long anchorPts;
  private boolean anchored;

  VideoSourceImpl(CustomVideoSource source, VideoSourceOptions options, String name) {
    this.source = source;
    this.width = options.width();
    this.height = options.height();
    this.capacity = options.queueFrames();
    this.pacer = NamedThreads.start("lk-video-pacer-" + name, this::run);
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
    if (closed) {
      throw new AgentException(AgentException.Code.DISCONNECTED, "the video track was closed; create a new one");
    }
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
    NativeI420Buffer buffer = NativeI420Buffer.allocate(width, height);
    try {
      if (format == PixelFormat.I420) {
        copyPlane(data, data.position(), stride, buffer.getDataY(), buffer.getStrideY(), width, height);
        int u = data.position() + stride * height;
        int v = u + (stride / 2) * chromaH;
        copyPlane(data, u, stride / 2, buffer.getDataU(), buffer.getStrideU(), (width + 1) / 2, chromaH);
        copyPlane(data, v, stride / 2, buffer.getDataV(), buffer.getStrideV(), (width + 1) / 2, chromaH);
      } else {
        ByteBuffer src = data.slice(data.position(), (int) needed);
        if (stride != width * 4) {
          ByteBuffer packed = ByteBuffer.allocateDirect(width * 4 * height);
          copyPlane(data, data.position(), stride, packed, width * 4, width * 4, height);
          src = packed;
        }
        VideoBufferConverter.convertToI420(src, buffer, fourCc(format));
      }
    } catch (RuntimeException e) {
      buffer.release();
      throw e;
    } catch (Exception e) {
      buffer.release();
      throw new AgentException(AgentException.Code.INVALID_ARGUMENT, "converting a " + format + " frame failed: " + e, e);
    }
    lock.lockInterruptibly();
    try {
      if (timestampMicros < lastPts) {
        buffer.release();
        throw new AgentException(AgentException.Code.INVALID_ARGUMENT,
            "timestamp " + timestampMicros + " us goes backwards (last " + lastPts + " us)");
      }
      while (queue.size() >= capacity && !closed) {
        changed.await();
      }
      if (closed) {
        buffer.release();
        throw new AgentException(AgentException.Code.DISCONNECTED, "the video track was closed");
      }
      lastPts = timestampMicros;
      queue.add(new Pending(buffer, timestampMicros));
      changed.signalAll();
    } finally {
      lock.unlock();
    }
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
      VideoFrame frame = new VideoFrame(next.buffer, System.nanoTime());
      try {
        source.pushFrame(frame);
        pushed++;
      } finally {
        frame.release();
      }
    }
  }

  @Override
  public void clear() {
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
    LockSupport.unpark(pacer);
    try {
      pacer.join(1000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    clear();
  }
}
