// The voice settings of media-core.md §2 (what the Java OpusEncoder builder applies by default) written
// against the raw libopus API. The tests compare the wrapper's bytes with it; lkmedia_bench uses it as
// the raw-C baseline.
#ifndef LK_RAW_LIBOPUS_H
#define LK_RAW_LIBOPUS_H

#include <opus.h>

namespace lktest {

// A 48 kHz mono VOIP encoder at `bitrate` with complexity 9, VBR, voice signal, in-band FEC for 5 %
// loss, DTX and full bandwidth; nullptr if libopus refuses.
inline OpusEncoder* rawOpusVoiceEncoder(int bitrate) {
  int err = 0;
  OpusEncoder* enc = opus_encoder_create(48000, 1, OPUS_APPLICATION_VOIP, &err);
  if (err != OPUS_OK) return nullptr;
  opus_encoder_ctl(enc, OPUS_SET_BITRATE(bitrate));
  opus_encoder_ctl(enc, OPUS_SET_COMPLEXITY(9));
  opus_encoder_ctl(enc, OPUS_SET_VBR(1));
  opus_encoder_ctl(enc, OPUS_SET_SIGNAL(OPUS_SIGNAL_VOICE));
  opus_encoder_ctl(enc, OPUS_SET_INBAND_FEC(1));
  opus_encoder_ctl(enc, OPUS_SET_PACKET_LOSS_PERC(5));
  opus_encoder_ctl(enc, OPUS_SET_DTX(1));
  opus_encoder_ctl(enc, OPUS_SET_MAX_BANDWIDTH(OPUS_BANDWIDTH_FULLBAND));
  return enc;
}

}  // namespace lktest

#endif  // LK_RAW_LIBOPUS_H
