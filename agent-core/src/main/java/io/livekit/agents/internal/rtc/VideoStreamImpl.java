package io.livekit.agents.internal.rtc;

import io.livekit.agents.room.VideoFrame;
import io.livekit.agents.room.VideoStream;
import java.time.Duration;

/**
 * Decoded frames of one remote video track. Fed by {@link RemoteVideoTrackImpl}'s single sink on WebRTC's decoder
 * thread: {@link #offer} takes over one frame reference and never blocks; a full queue drops (releases) its oldest.
 */
final class VideoStreamImpl implements VideoStream {
  private final FrameQueue<VideoFrameImpl> queue;
  private final Runnable onClose;

  VideoStreamImpl(int capacity, Runnable onClose) {
    this.queue = new FrameQueue<>(capacity);
    this.onClose = onClose;
  }

  /** Takes over one reference of {@code frame}; releases it at once if the stream has ended. */
  void offer(dev.onvoid.webrtc.media.video.VideoFrame frame) {
    VideoFrameImpl wrapped = new VideoFrameImpl(frame);
    FrameQueue.Offer<VideoFrameImpl> r = queue.offer(wrapped);
    if (!r.accepted()) {
      wrapped.close();
    }
    if (r.dropped() != null) {
      r.dropped().close();
    }
  }

  @Override
  public VideoFrame read() throws InterruptedException {
    return queue.read();
  }

  @Override
  public VideoFrame poll(Duration timeout) throws InterruptedException {
    return queue.poll(timeout);
  }

  @Override
  public long droppedFrames() {
    return queue.dropped();
  }

  @Override
  public long receivedFrames() {
    return queue.received();
  }

  /** Ends the stream: queued frames can still be read, nothing new arrives. */
  void end() {
    queue.end();
  }

  @Override
  public void close() {
    queue.endAndDrain().forEach(VideoFrameImpl::close);
    onClose.run();
  }
}
