// The small decoder interface the audio jitter buffer drives. The buffer decides what to play
// (a packet, the in-band FEC copy of a lost packet carried by the next one, or concealment for an
// exact duration) and the decoder turns it into PCM. libopus fits it directly
// (opus_decode(pkt), opus_decode(next, decode_fec=1, exact lost duration), opus_decode(NULL, exact
// lost duration)); the project's OpusDecoder is adapted to it in the JNI glue.
//
// All methods are called on the jitter buffer's thread, never concurrently, and must not block.
// They write interleaved int16 samples; `samples` always means samples per channel.
#ifndef LKMEDIA_AUDIO_DECODER_H
#define LKMEDIA_AUDIO_DECODER_H

#include <cstdint>

#include "lkmedia/status.h"

namespace lkmedia {

class AudioDecoder {
 public:
  virtual ~AudioDecoder() = default;

  // Output sample rate (8000..48000) and channel count (1 or 2). Must not change.
  virtual int sampleRate() const = 0;
  virtual int channels() const = 0;

  // How many samples per channel `payload` decodes to at sampleRate(), or a negative Status when
  // the payload is malformed. Called once per packet on arrival.
  virtual int packetSamples(const uint8_t* payload, int length) const = 0;

  // True when `payload` carries an in-band FEC copy of the previous packet (Opus LBRR).
  virtual bool hasFec(const uint8_t* payload, int length) const {
    (void)payload;
    (void)length;
    return false;
  }

  // True when the packet is a DTX (silence) packet: a following timestamp gap is not loss.
  virtual bool isDtx(const uint8_t* payload, int length) const {
    (void)payload;
    return length <= 2;
  }

  // Decodes one packet into `pcm` (room for `maxSamples` per channel). Returns the samples per
  // channel written, or a negative Status (the packet is then concealed instead).
  virtual int decode(const uint8_t* payload, int length, int16_t* pcm, int maxSamples) = 0;

  // Decodes the FEC copy of the lost packet just before `payload`: exactly `samples` per channel
  // (a multiple of 2.5 ms). Returns `samples`, or a negative Status (the loss is then concealed).
  virtual int decodeFec(const uint8_t* payload, int length, int16_t* pcm, int samples) {
    (void)payload;
    (void)length;
    (void)pcm;
    (void)samples;
    return kUnsupported;
  }

  // Conceals exactly `samples` per channel (a multiple of 2.5 ms): packet-loss concealment, and
  // comfort noise after a DTX packet. Returns `samples` or a negative Status (silence is used).
  virtual int conceal(int16_t* pcm, int samples) = 0;

  // The stream was reset (new SSRC or restart): forget the decoder state.
  virtual void reset() {}
};

}  // namespace lkmedia

#endif  // LKMEDIA_AUDIO_DECODER_H
