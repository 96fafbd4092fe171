package io.livekit.agents.media;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

/**
 * Packets handed over as a different buffer object each time (slices of one receive region, as a network
 * stack hands them out) go in without allocation and are read from their own position.
 */
class JitterBufferSlicesTest {

  private static final int SLICES = 64;
  private static final int SLOT = 256;
  private static final int SKIP = 7; // bytes before the packet in each slice, skipped by position()
  private static final int PAYLOAD = 100;

  private static void writePacket(ByteBuffer slice, int seq) {
    int p = SKIP;
    slice.put(p, (byte) 0x80).put(p + 1, (byte) 111).putShort(p + 2, (short) seq).putInt(p + 4, seq * 960)
        .putInt(p + 8, 1);
    for (int i = 0; i < PAYLOAD; i++) {
      slice.put(p + 12 + i, (byte) (seq + i));
    }
    slice.limit(p + 12 + PAYLOAD).position(p);
  }

  @Test
  void distinctSlicesArePushedFromTheirPositionWithoutAllocation() {
    ByteBuffer region = ByteBuffer.allocateDirect(SLICES * SLOT);
    ByteBuffer[] slices = new ByteBuffer[SLICES];
    for (int i = 0; i < SLICES; i++) {
      slices[i] = region.duplicate().position(i * SLOT).limit((i + 1) * SLOT).slice();
      slices[i].put(0, (byte) 0x55); // garbage before the packet: a push that ignores position() would parse it
    }
    try (JitterBuffer jb = JitterBuffer.create(JitterBufferOptions.packets(48000))) {
      ByteBuffer out = ByteBuffer.allocateDirect(1500);
      JitterBufferPacket info = new JitterBufferPacket();
      long allocated = TestMedia.allocatedInSteadyState(100_000, seq -> {
        ByteBuffer slice = slices[seq % SLICES];
        writePacket(slice, seq);
        if (jb.push(slice, seq) != JitterBuffer.PushResult.INSERTED) {
          throw new AssertionError("packet " + seq + " was not inserted");
        }
        out.clear();
        if (jb.popPacket(seq, out, info) != PAYLOAD) {
          throw new AssertionError("packet " + seq + " did not come out");
        }
        if ((info.firstSequence() & 0xffff) != (seq & 0xffff) || out.get(out.position()) != (byte) seq
            || out.get(out.position() + PAYLOAD - 1) != (byte) (seq + PAYLOAD - 1)) {
          throw new AssertionError("packet " + seq + " came out wrong: seq " + info.firstSequence());
        }
      });
      assertThat(allocated).as("bytes allocated by 100000 push+pop of distinct slices").isLessThan(16 * 1024);
    }
  }
}
