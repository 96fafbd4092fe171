package io.livekit.agents.benchmarks.media;

import club.minnced.opus.util.OpusLibrary;
import com.sun.jna.ptr.PointerByReference;
import io.github.jaredmdobson.concentus.OpusException;
import io.livekit.agents.media.OpusApplication;
import io.livekit.agents.media.OpusDecoder;
import io.livekit.agents.media.OpusEncoder;
import io.livekit.agents.media.OpusSignal;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.IntBuffer;
import java.nio.ShortBuffer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import tomp2p.opuswrapper.Opus;

/**
 * Opus encode and decode of one 20 ms frame at 48 kHz: our wrapper (agent-media-native, libopus 1.5.2),
 * opus-java 1.1.1 (JNA over the libopus 1.1.2 it bundles) and Concentus 1.0.2 (pure Java), on the inputs
 * lkmedia_bench feeds to raw libopus. Each operation takes the next frame of 10 s of voice-like audio.
 */
public class OpusBenchmark extends MediaBenchmarkBase {
  private static final int FRAME = 960;
  private static final int FRAMES = 500;

  /** Voice settings (the wrapper's defaults), mono 32 kb/s. */
  @State(Scope.Thread)
  public static class VoiceMono {
    OpusEncoder encoder;
    ShortBuffer[] frames;
    ByteBuffer packet;
    int index;

    @Setup(Level.Trial)
    public void setUp() {
      short[] pcm = BenchInputs.voiceMono();
      frames = new ShortBuffer[FRAMES];
      for (int f = 0; f < FRAMES; f++) {
        frames[f] = BenchInputs.direct(java.util.Arrays.copyOfRange(pcm, f * FRAME, (f + 1) * FRAME));
      }
      encoder = OpusEncoder.builder().build();
      packet = ByteBuffer.allocateDirect(1500);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
      encoder.close();
    }
  }

  /** Stereo 64 kb/s, complexity 10, AUDIO, libopus defaults otherwise: the same for all implementations. */
  @State(Scope.Thread)
  public static class Stereo {
    short[] pcm;
    ShortBuffer[] frames;
    byte[][] packets;
    ByteBuffer[] directPackets;
    ByteBuffer packet;
    ShortBuffer out;
    short[] outArray;
    byte[] packetArray;
    int index;

    OpusEncoder lkEncoder;
    OpusDecoder lkDecoder;
    PointerByReference jnaEncoder;
    PointerByReference jnaDecoder;
    io.github.jaredmdobson.concentus.OpusEncoder concentusEncoder;
    io.github.jaredmdobson.concentus.OpusDecoder concentusDecoder;

    @Setup(Level.Trial)
    public void setUp() throws IOException, OpusException {
      pcm = BenchInputs.voiceStereo();
      frames = new ShortBuffer[FRAMES];
      for (int f = 0; f < FRAMES; f++) {
        frames[f] = BenchInputs.direct(java.util.Arrays.copyOfRange(pcm, f * 2 * FRAME, (f + 1) * 2 * FRAME));
      }
      packet = ByteBuffer.allocateDirect(1500);
      packetArray = new byte[1500];
      out = ByteBuffer.allocateDirect(5760 * 2 * 2).order(ByteOrder.nativeOrder()).asShortBuffer();
      outArray = new short[5760 * 2];

      lkEncoder = OpusEncoder.builder().channels(2).application(OpusApplication.AUDIO).signal(OpusSignal.AUTO)
          .bitrate(64000).complexity(10).inbandFec(false).packetLossPercent(0).dtx(false).build();
      lkDecoder = OpusDecoder.create(48000, 2);

      if (!OpusLibrary.isInitialized() && !OpusLibrary.loadFromJar()) {
        throw new IllegalStateException("opus-java could not load its native libopus");
      }
      IntBuffer error = IntBuffer.allocate(1);
      jnaEncoder = Opus.INSTANCE.opus_encoder_create(48000, 2, Opus.OPUS_APPLICATION_AUDIO, error);
      Opus.INSTANCE.opus_encoder_ctl(jnaEncoder, Opus.OPUS_SET_BITRATE_REQUEST, 64000);
      Opus.INSTANCE.opus_encoder_ctl(jnaEncoder, Opus.OPUS_SET_COMPLEXITY_REQUEST, 10);
      jnaDecoder = Opus.INSTANCE.opus_decoder_create(48000, 2, error);

      concentusEncoder = new io.github.jaredmdobson.concentus.OpusEncoder(48000, 2,
          io.github.jaredmdobson.concentus.OpusApplication.OPUS_APPLICATION_AUDIO);
      concentusEncoder.setBitrate(64000);
      concentusEncoder.setComplexity(10);
      concentusDecoder = new io.github.jaredmdobson.concentus.OpusDecoder(48000, 2);

      // The packets every decoder cycles through: the first 500 frames from a fresh libopus 1.5.2 encoder,
      // as in lkmedia_bench (same library, same settings: the same bytes).
      try (OpusEncoder fresh = OpusEncoder.builder().channels(2).application(OpusApplication.AUDIO)
          .signal(OpusSignal.AUTO).bitrate(64000).complexity(10).inbandFec(false).packetLossPercent(0).dtx(false)
          .build()) {
        packets = new byte[FRAMES][];
        directPackets = new ByteBuffer[FRAMES];
        for (int f = 0; f < FRAMES; f++) {
          packet.clear();
          int n = fresh.encode(frames[f], packet);
          packets[f] = new byte[n];
          packet.get(packets[f], 0, n);
          directPackets[f] = ByteBuffer.allocateDirect(n).put(packets[f]).flip();
        }
      }
      packet.clear();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
      lkEncoder.close();
      lkDecoder.close();
      Opus.INSTANCE.opus_encoder_destroy(jnaEncoder);
      Opus.INSTANCE.opus_decoder_destroy(jnaDecoder);
    }
  }

  @Benchmark
  public int encodeVoiceMono32k_lkmedia(VoiceMono s) {
    return s.encoder.encode(s.frames[s.index++ % FRAMES], s.packet);
  }

  @Benchmark
  public int encodeStereo64k_lkmedia(Stereo s) {
    return s.lkEncoder.encode(s.frames[s.index++ % FRAMES], s.packet);
  }

  @Benchmark
  public int encodeStereo64k_opusJava(Stereo s) {
    return Opus.INSTANCE.opus_encode(s.jnaEncoder, s.frames[s.index++ % FRAMES], FRAME, s.packet, 1500);
  }

  @Benchmark
  public int encodeStereo64k_concentus(Stereo s) throws OpusException {
    int f = s.index++ % FRAMES;
    return s.concentusEncoder.encode(s.pcm, f * 2 * FRAME, FRAME, s.packetArray, 0, 1500);
  }

  @Benchmark
  public int decodeStereo64k_lkmedia(Stereo s) {
    return s.lkDecoder.decode(s.directPackets[s.index++ % FRAMES], s.out);
  }

  @Benchmark
  public int decodeStereo64k_opusJava(Stereo s) {
    byte[] p = s.packets[s.index++ % FRAMES];
    return Opus.INSTANCE.opus_decode(s.jnaDecoder, p, p.length, s.out, 5760, 0);
  }

  @Benchmark
  public int decodeStereo64k_concentus(Stereo s) throws OpusException {
    byte[] p = s.packets[s.index++ % FRAMES];
    return s.concentusDecoder.decode(p, 0, p.length, s.outArray, 0, 5760, false);
  }
}
