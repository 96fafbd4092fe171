package io.livekit.agents.devserver.internal.rtc;

import dev.onvoid.webrtc.media.MediaStreamTrack;
import dev.onvoid.webrtc.media.audio.AudioTrack;
import dev.onvoid.webrtc.media.audio.AudioTrackSink;
import livekit.LivekitModels.TrackInfo;

/**
 * A track a participant published: its {@link TrackInfo} (room thread only) and the media received on the
 * publisher's peer connection, which is forwarded to the subscribers. An audio track also measures its level for
 * the active-speaker updates: the sink runs on WebRTC's audio thread, {@link #takeLevel()} on the room thread.
 */
final class PublishedTrack implements AudioTrackSink {

    TrackInfo info;
    final MediaStreamTrack media;
    /** The id of the received track (the publisher's msid track id), to find it again when it is removed. */
    final String receiverTrackId;

    private final Object levelLock = new Object();
    private double sumSquares;
    private long samples;
    private boolean listening;

    PublishedTrack(TrackInfo info, MediaStreamTrack media) {
        this.info = info;
        this.media = media;
        this.receiverTrackId = media.getId();
        if (media instanceof AudioTrack audio) {
            audio.addSink(this);
            listening = true;
        }
    }

    String sid() {
        return info.getSid();
    }

    /** Stops measuring (before the publisher's peer connection closes). Room thread. */
    void stop() {
        if (listening && media instanceof AudioTrack audio) {
            listening = false;
            try {
                audio.removeSink(this);
            } catch (RuntimeException e) {
                // the track ended with its peer connection
            }
        }
    }

    /** The RMS level (0..1) of the audio received since the last call, and starts a new window. Room thread. */
    double takeLevel() {
        synchronized (levelLock) {
            double level = samples == 0 ? 0 : Math.sqrt(sumSquares / samples) / 32768.0;
            sumSquares = 0;
            samples = 0;
            return level;
        }
    }

    @Override
    public void onData(byte[] data, int bitsPerSample, int sampleRate, int channels, int frames) {
        if (bitsPerSample != 16) {
            return;
        }
        double sum = 0;
        int n = Math.min(data.length / 2, frames * Math.max(1, channels));
        for (int i = 0; i < n; i++) {
            int s = (short) ((data[2 * i] & 0xff) | (data[2 * i + 1] << 8));
            sum += (double) s * s;
        }
        synchronized (levelLock) {
            sumSquares += sum;
            samples += n;
        }
    }
}
