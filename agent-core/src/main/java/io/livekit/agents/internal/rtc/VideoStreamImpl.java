package io.livekit.agents.internal.rtc;

import io.livekit.agents.room.VideoFrame;
import io.livekit.agents.room.VideoStream;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Decoded frames of one remote video track. Fed by {@link RemoteVideoTrackImpl}'s single sink on WebRTC's decoder
 * thread: {@link #offer} takes over one frame reference and never blocks; a full queue drops (releases) its oldest.
 */
final class VideoStreamImpl implements VideoStream {
  private final int capacity;
  private final ArrayDeque<VideoFrameImpl> queue = new ArrayDeque<>();
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition notEmpty = lock.newCondition();
  private final Runnable onClose;
  private boolean ended;
  private long dropped;
  private long received;

  VideoStreamImpl(int capacity, Runnable onClose) {
    this.capacity = capacity;
    this.onClose = onClose;
  }

  /** Takes over one reference of {@code frame}. Returns false (and releases it) if the stream has ended. */
  boolean offer(dev.onvoid.webrtc.media.video.VideoFrame frame) {
    VideoFrameImpl dropFrame = null;
    lock.lock();
    try {
      if (ended) {
        frame.release();
        return false;
      }
      received++;
      if (queue.size() >= capacity) {
        dropFrame = queue.poll();
        dropped++;
      }
      queue.add(new VideoFrameImpl(frame));
      notEmpty.signal();
    } finally {
      lock.unlock();
    }
    if (dropFrame != null) {
      dropFrame.close();
    }
    return true;
  }

  @Override
  public VideoFrame read() throws InterruptedException {
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
  public VideoFrame poll(Duration timeout) throws InterruptedException {
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
  public long droppedFrames() {
    lock.lock();
    try {
      return dropped;
    } finally {
      lock.unlock();
    }
  }

  @Override
  public long receivedFrames() {
    lock.lock();
    try {
      return received;
    } finally {
      lock.unlock();
    }
  }

  /** Ends the stream: queued frames can still be read, nothing new arrives. */
  void end() {
    lock.lock();
    try {
      ended = true;
      notEmpty.signalAll();
    } finally {
      lock.unlock();
    }
  }

  @Override
  public void close() {
    ArrayDeque<VideoFrameImpl> rest;
    lock.lock();
    try {
      ended = true;
      rest = new ArrayDeque<>(queue);
      queue.clear();
      notEmpty.signalAll();
    } finally {
      lock.unlock();
    }
    rest.forEach(VideoFrameImpl::close);
    onClose.run();
  }
}
