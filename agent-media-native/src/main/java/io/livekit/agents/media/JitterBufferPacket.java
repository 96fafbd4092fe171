package io.livekit.agents.media;

/**
 * What {@link JitterBuffer#popFrame} or {@link JitterBuffer#popPacket} released: a reusable holder the
 * caller owns (keep one per thread and pass it to every call, so steady state allocates nothing).
 * Fields not meaningful for the mode stay 0 / false / -1.
 *
 * <p>Threads: not thread-safe; it is filled by the thread that calls the pop method.
 */
public final class JitterBufferPacket {
  long timestamp;
  long rtpTimestamp;
  long firstSequence;
  long lastSequence;
  int size;
  int packets;
  boolean keyFrame;
  boolean afterLoss;
  int width;
  int height;
  int pictureId = -1;
  long arrivalNanos;
  int lostBefore;
  boolean marker;
  int payloadType;

  /** The RTP timestamp extended to 64 bits (wrap-around removed). */
  public long timestamp() {
    return timestamp;
  }

  /** The RTP timestamp as sent (32 bits, unsigned). */
  public long rtpTimestamp() {
    return rtpTimestamp;
  }

  /** Sequence number of the first packet, extended to 64 bits. */
  public long firstSequence() {
    return firstSequence;
  }

  /** Sequence number of the last packet (the same as the first in packet mode). */
  public long lastSequence() {
    return lastSequence;
  }

  /** Bytes written (or, after a {@code BUFFER_TOO_SMALL} failure, bytes needed). */
  public int size() {
    return size;
  }

  /** RTP packets the frame was made of (1 in packet mode). */
  public int packets() {
    return packets;
  }

  /** Video: a key frame. */
  public boolean keyFrame() {
    return keyFrame;
  }

  /** Video, decode-through-loss policy: packets were lost before this frame (expect artefacts). */
  public boolean afterLoss() {
    return afterLoss;
  }

  /** Video key frames: coded width, else 0. */
  public int width() {
    return width;
  }

  /** Video key frames: coded height, else 0. */
  public int height() {
    return height;
  }

  /** Video: the VP8 PictureID, -1 when absent. */
  public int pictureId() {
    return pictureId;
  }

  /** {@code arrivalNanos} given to the push of the (last) packet. */
  public long arrivalNanos() {
    return arrivalNanos;
  }

  /** Packet mode: sequence numbers given up on right before this packet. */
  public int lostBefore() {
    return lostBefore;
  }

  /** Packet mode: the RTP marker bit. */
  public boolean marker() {
    return marker;
  }

  /** Packet mode: the RTP payload type. */
  public int payloadType() {
    return payloadType;
  }

  @Override
  public String toString() {
    return "JitterBufferPacket{ts=" + timestamp + ", seq=" + firstSequence + ".." + lastSequence + ", size=" + size
        + (keyFrame ? ", key " + width + "x" + height : "") + (lostBefore > 0 ? ", lostBefore=" + lostBefore : "")
        + "}";
  }
}
