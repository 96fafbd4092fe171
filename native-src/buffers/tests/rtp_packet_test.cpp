// RTP header, VP8 descriptor/payload header and Opus TOC parsing, and 16/32-bit unwrapping.
#include "buffers_test_util.h"
#include "lk_test.h"
#include "lkmedia/rtp_packet.h"
#include "lkmedia/sequence_unwrapper.h"

using namespace lkmedia;

LK_TEST(rtp_fixed_header_fields) {
  const uint8_t payload[] = {1, 2, 3};
  auto p = lkbt::rtp(0xfffe, 0x80000001u, 0xdeadbeef, true, payload, 3, 96);
  RtpHeader h;
  LK_REQUIRE(parseRtpHeader(p.data(), p.size(), &h) == RtpParseResult::kOk);
  LK_CHECK_EQ(h.sequenceNumber, 0xfffe);
  LK_CHECK_EQ(h.timestamp, 0x80000001u);
  LK_CHECK_EQ(h.ssrc, 0xdeadbeefu);
  LK_CHECK(h.marker);
  LK_CHECK_EQ(h.payloadType, 96);
  LK_CHECK_EQ(h.payloadOffset, 12u);
  LK_CHECK_EQ(h.payloadLength, 3u);
}

LK_TEST(rtp_csrc_extension_and_padding_are_skipped) {
  const uint8_t payload[] = {9, 8, 7, 6};
  auto p = lkbt::rtp(7, 1000, 1, false, payload, 4, 111, 2, 3, 5);
  RtpHeader h;
  LK_REQUIRE(parseRtpHeader(p.data(), p.size(), &h) == RtpParseResult::kOk);
  LK_CHECK_EQ(h.payloadOffset, 12u + 8u + 4u + 12u);
  LK_CHECK_EQ(h.payloadLength, 4u);
  LK_CHECK_EQ(h.paddingLength, 5u);
  LK_CHECK_EQ(p[h.payloadOffset], 9);
}

LK_TEST(rtp_malformed_headers_are_rejected) {
  const uint8_t payload[] = {1};
  RtpHeader h;
  auto p = lkbt::rtp(1, 1, 1, false, payload, 1);
  LK_CHECK(parseRtpHeader(p.data(), 11, &h) == RtpParseResult::kTooShort);
  LK_CHECK(parseRtpHeader(nullptr, 20, &h) == RtpParseResult::kTooShort);
  auto v1 = p;
  v1[0] = static_cast<uint8_t>((v1[0] & 0x3f) | 0x40);
  LK_CHECK(parseRtpHeader(v1.data(), v1.size(), &h) == RtpParseResult::kBadVersion);
  auto csrc = p;
  csrc[0] |= 0x0f;  // 15 CSRCs that are not there
  LK_CHECK(parseRtpHeader(csrc.data(), csrc.size(), &h) == RtpParseResult::kTooShort);
  auto ext = lkbt::rtp(1, 1, 1, false, payload, 1, 111, 0, 2);
  ext[15] = 200;  // extension length far beyond the packet
  LK_CHECK(parseRtpHeader(ext.data(), ext.size(), &h) == RtpParseResult::kTooShort);
  auto pad = lkbt::rtp(1, 1, 1, false, payload, 1, 111, 0, -1, 2);
  pad.back() = 50;  // more padding than payload
  LK_CHECK(parseRtpHeader(pad.data(), pad.size(), &h) == RtpParseResult::kBadPadding);
  pad.back() = 0;
  LK_CHECK(parseRtpHeader(pad.data(), pad.size(), &h) == RtpParseResult::kBadPadding);
  // Padding-only packet: valid, empty payload.
  auto only = lkbt::rtp(1, 1, 1, false, nullptr, 0, 111, 0, -1, 4);
  LK_CHECK(parseRtpHeader(only.data(), only.size(), &h) == RtpParseResult::kOk);
  LK_CHECK_EQ(h.payloadLength, 0u);
}

LK_TEST(vp8_descriptor_variants) {
  Vp8Descriptor d;
  const uint8_t minimal[] = {0x10, 0xaa};  // S=1, PID 0
  LK_REQUIRE(parseVp8Descriptor(minimal, sizeof minimal, &d));
  LK_CHECK(d.isFrameStart());
  LK_CHECK_EQ(d.descriptorSize, 1u);
  LK_CHECK_EQ(d.pictureId, -1);
  const uint8_t pid15[] = {0x90, 0xe0, 0x81, 0x23, 0x05, 0x40, 0xbb};  // X, I+L+T, M=1 pid 0x0123, tl0 5, tid 1
  LK_REQUIRE(parseVp8Descriptor(pid15, sizeof pid15, &d));
  LK_CHECK_EQ(d.pictureId, 0x0123);
  LK_CHECK_EQ(d.pictureIdBits, 15);
  LK_CHECK_EQ(d.tl0PicIdx, 5);
  LK_CHECK_EQ(d.temporalId, 1);
  LK_CHECK_EQ(d.descriptorSize, 6u);
  const uint8_t pid7[] = {0xa1, 0x80, 0x42, 0xcc};  // X, N, PID 1, I with 7-bit id
  LK_REQUIRE(parseVp8Descriptor(pid7, sizeof pid7, &d));
  LK_CHECK_EQ(d.pictureId, 0x42);
  LK_CHECK_EQ(d.pictureIdBits, 7);
  LK_CHECK(d.nonReference);
  LK_CHECK(!d.isFrameStart());
  // Truncated descriptors.
  LK_CHECK(!parseVp8Descriptor(pid15, 3, &d));
  LK_CHECK(!parseVp8Descriptor(minimal, 1, &d));
  LK_CHECK(!parseVp8Descriptor(minimal, 0, &d));
}

LK_TEST(vp8_payload_header_keyframe_and_size) {
  const uint8_t key[] = {0x50, 0x02, 0x00, 0x9d, 0x01, 0x2a, 0x80, 0x02, 0xe0, 0x01};  // 640x480
  bool k = false;
  int w = 0, h = 0;
  LK_REQUIRE(parseVp8PayloadHeader(key, sizeof key, &k, &w, &h));
  LK_CHECK(k);
  LK_CHECK_EQ(w, 640);
  LK_CHECK_EQ(h, 480);
  const uint8_t delta[] = {0x51, 0x02, 0x00};
  LK_REQUIRE(parseVp8PayloadHeader(delta, sizeof delta, &k, &w, &h));
  LK_CHECK(!k);
  uint8_t bad[sizeof key];
  std::memcpy(bad, key, sizeof key);
  bad[4] = 0x02;  // broken start code
  LK_CHECK(!parseVp8PayloadHeader(bad, sizeof bad, &k, &w, &h));
  LK_CHECK(!parseVp8PayloadHeader(key, 6, &k, &w, &h));
}

LK_TEST(opus_toc_durations) {
  // config 1 (SILK NB 20 ms), code 0
  const uint8_t silk20[] = {static_cast<uint8_t>(1 << 3), 0x55};
  LK_CHECK_EQ(opusPacketSamples(silk20, 2, 48000), 960);
  LK_CHECK_EQ(opusPacketSamples(silk20, 2, 16000), 320);
  // config 3 (SILK 60 ms), code 1: two frames = 120 ms
  const uint8_t silk120[] = {static_cast<uint8_t>((3 << 3) | 1), 0x11, 0x22};
  LK_CHECK_EQ(opusPacketSamples(silk120, 3, 48000), 5760);
  // config 16 (CELT 2.5 ms), code 3 with 3 frames
  const uint8_t celt[] = {static_cast<uint8_t>((16 << 3) | 3), 3, 1, 1, 1};
  LK_CHECK_EQ(opusPacketSamples(celt, sizeof celt, 48000), 360);
  // code 3 with 49 x 2.5 ms CELT frames would be 122.5 ms: invalid; 0 frames: invalid
  const uint8_t tooLong[] = {static_cast<uint8_t>((16 << 3) | 3), 49};
  LK_CHECK_EQ(opusPacketSamples(tooLong, 2, 48000), -1);
  const uint8_t zero[] = {static_cast<uint8_t>((16 << 3) | 3), 0};
  LK_CHECK_EQ(opusPacketSamples(zero, 2, 48000), -1);
  LK_CHECK_EQ(opusPacketSamples(zero, 0, 48000), -1);
  LK_CHECK(opusPacketIsDtx(1));
  LK_CHECK(!opusPacketIsDtx(3));
}

LK_TEST(opus_fec_flag_matches_what_libopus_encodes) {
  // With FEC on, speech packets carry LBRR; with FEC off none do.
  const auto pcm = lkbt::speechLike(48000, 4.0, 3);
  const auto withFec = lkbt::opusEncode(pcm, 32000, true, 10);
  const auto without = lkbt::opusEncode(pcm, 32000, false, 0);
  int fec = 0, fecOff = 0;
  for (size_t i = 1; i < withFec.size(); ++i) fec += opusPacketHasFec(withFec[i].data.data(), withFec[i].data.size());
  for (const auto& p : without) fecOff += opusPacketHasFec(p.data.data(), p.data.size());
  LK_NOTE("packets with LBRR: %d of %zu with FEC on, %d with FEC off", fec, withFec.size() - 1, fecOff);
  LK_CHECK_GE(fec, static_cast<int>((withFec.size() - 1) * 8 / 10));  // silent frames carry none
  LK_CHECK_EQ(fecOff, 0);
  // Exactness, packet by packet: from the same decoder state, decoding the FEC of packet i differs
  // from plain concealment exactly when our parser says packet i carries LBRR (libopus falls back
  // to concealment when it does not). The state is cloned by copying it (opus_decoder_get_size).
  const int size = opus_decoder_get_size(1);
  std::vector<uint8_t> d(size), a(size), b(size);
  auto dec = [](std::vector<uint8_t>& s) { return reinterpret_cast<OpusDecoder*>(s.data()); };
  LK_REQUIRE(opus_decoder_init(dec(d), 48000, 1) == OPUS_OK);
  std::vector<int16_t> x(960), y(960);
  int agree = 0, flagged = 0;
  LK_CHECK_EQ(opus_decode(dec(d), withFec[0].data.data(), static_cast<int>(withFec[0].data.size()), x.data(), 960, 0),
              960);
  for (size_t i = 2; i < withFec.size(); ++i) {
    a = d;
    b = d;
    const auto& p = withFec[i].data;
    LK_CHECK_EQ(opus_decode(dec(a), p.data(), static_cast<int>(p.size()), x.data(), 960, 1), 960);
    LK_CHECK_EQ(opus_decode(dec(b), nullptr, 0, y.data(), 960, 0), 960);
    const bool differs = x != y;
    const bool parsed = opusPacketHasFec(p.data(), p.size());
    flagged += parsed;
    agree += differs == parsed;
    LK_CHECK_MSG(differs == parsed, "packet %zu: FEC decode %s PLC, parser says %d", i, differs ? "differs from" : "equals",
                 parsed);
    const auto& prev = withFec[i - 1].data;
    LK_CHECK_EQ(opus_decode(dec(d), prev.data(), static_cast<int>(prev.size()), x.data(), 960, 0), 960);
  }
  LK_NOTE("parser agrees with libopus on %d of %zu packets (%d flagged)", agree, withFec.size() - 2, flagged);
}

LK_TEST(unwrap_sequence_numbers_across_wrap) {
  SequenceUnwrapper u;
  LK_CHECK_EQ(u.unwrap(65533), 65533);
  LK_CHECK_EQ(u.unwrap(65535), 65535);
  LK_CHECK_EQ(u.unwrap(1), 65537);
  LK_CHECK_EQ(u.unwrap(65534), 65534);  // reordered from before the wrap
  LK_CHECK_EQ(u.unwrap(2), 65538);
  for (int i = 0; i < 200000; ++i) u.unwrap(static_cast<uint16_t>(3 + i));
  LK_CHECK_EQ(u.highest(), 65538 + 200000);
  SequenceUnwrapper v;
  LK_CHECK_EQ(v.unwrap(5), 5);
  LK_CHECK_EQ(v.unwrap(65534), -2);  // older than the first one
}

LK_TEST(unwrap_timestamps_across_wrap) {
  TimestampUnwrapper u;
  LK_CHECK_EQ(u.unwrap(0xffffff00u), 0xffffff00LL);
  LK_CHECK_EQ(u.unwrap(0x00000100u), 0x100000100LL);
  LK_CHECK_EQ(u.unwrap(0xfffffff0u), 0xfffffff0LL);
  LK_CHECK_EQ(u.unwrap(0x80000000u), 0x180000000LL);
}
