package io.livekit.agents.examples.avatar;

import io.livekit.agents.JobContext;
import io.livekit.agents.room.VideoFrame;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * What the simulated user receives from the avatar, with arrival times, and the measurements the test makes on it:
 * audio level per 10 ms, pitch, syllables, the mouth's opening in each decoded video frame, and how well the mouth
 * follows the voice. Also records the avatar's barge-in events.
 */
final class Recording implements Viewer.Sink, Avatar.Events {

    /** A received 10 ms audio frame: arrival time, level, and where its samples start in {@link #samples}. */
    record Audio(long nanos, double rms, int offset) {
    }

    /** A received video frame: arrival time, size, and the mouth's measured opening (0 closed .. 1 wide open). */
    record Video(long nanos, int width, int height, double openness) {
    }

    static final int RATE = 48_000;
    static final int FRAME = RATE / 100;

    private final Face face;
    private final List<Audio> audio = new ArrayList<>();
    private final List<Video> video = new ArrayList<>();
    private short[] samples = new short[RATE * 30];
    private int sampleCount;
    final List<Long> bargeInNanos = new CopyOnWriteArrayList<>();

    /** @param face the geometry of the face the avatar draws (where to look for the mouth) */
    Recording(Face face) {
        this.face = face;
    }

    @Override
    public synchronized void onAudio(short[] pcm, long nanoTime) {
        if (sampleCount + pcm.length > samples.length) {
            samples = Arrays.copyOf(samples, samples.length * 2);
        }
        System.arraycopy(pcm, 0, samples, sampleCount, pcm.length);
        audio.add(new Audio(nanoTime, Avatar.rms(pcm, pcm.length), sampleCount));
        sampleCount += pcm.length;
    }

    @Override
    public void onVideo(VideoFrame frame, long nanoTime) {
        double openness = frame.width() == face.width() && frame.height() == face.height()
                ? mouthOpening(frame.dataY(), frame.strideY()) : -1;
        synchronized (this) {
            video.add(new Video(nanoTime, frame.width(), frame.height(), openness));
        }
    }

    @Override
    public void onBargeIn(JobContext ctx, long droppedMillis) {
        bargeInNanos.add(System.nanoTime());
    }

    /**
     * The mouth's opening in a decoded frame: the dark (mouth-coloured) pixels in a narrow band of columns through
     * the mouth's centre, over the height of a wide-open mouth. Skin has a luma of about 194, the mouth about 52.
     */
    double mouthOpening(ByteBuffer y, int stride) {
        int max = face.mouthMaxHalfHeight();
        int dark = 0;
        int columns = 0;
        for (int x = face.mouthX() - 3; x <= face.mouthX() + 3; x++, columns++) {
            for (int row = face.mouthY() - max - 3; row <= face.mouthY() + max + 3; row++) {
                if ((y.get(row * stride + x) & 0xff) < 123) {
                    dark++;
                }
            }
        }
        return dark / (double) columns / (2.0 * max);
    }

    synchronized List<Audio> audio(long fromNanos, long toNanos) {
        return audio.stream().filter(a -> a.nanos >= fromNanos && a.nanos < toNanos).toList();
    }

    synchronized List<Video> video(long fromNanos, long toNanos) {
        return video.stream().filter(v -> v.nanos >= fromNanos && v.nanos < toNanos).toList();
    }

    /** Arrival time of the first audio frame louder than {@code rms} at or after {@code fromNanos}; -1 if none. */
    synchronized long firstLouder(double rms, long fromNanos) {
        return audio.stream().filter(a -> a.nanos >= fromNanos && a.rms >= rms).mapToLong(Audio::nanos).findFirst()
                .orElse(-1);
    }

    /**
     * The voice's pitch: the median of autocorrelation estimates over 20 ms windows inside loud stretches (at least
     * three consecutive frames above {@code loudRms}) of {@code frames}.
     */
    synchronized double pitchHz(List<Audio> frames, double loudRms) {
        List<Double> estimates = new ArrayList<>();
        int run = 0;
        for (int i = 0; i < frames.size(); i++) {
            boolean contiguous = i > 0 && frames.get(i).offset == frames.get(i - 1).offset + FRAME;
            run = frames.get(i).rms >= loudRms ? (contiguous ? run + 1 : 1) : 0;
            if (run >= 3) {
                // the two frames before this one and this one: 30 ms of loud, contiguous audio; use the last 20 ms
                estimates.add(autocorrelationPitch(samples, frames.get(i).offset - FRAME, 2 * FRAME));
            }
        }
        if (estimates.isEmpty()) {
            return -1;
        }
        estimates.sort(Double::compare);
        return estimates.get(estimates.size() / 2);
    }

    /** The first lag (80..800 Hz) whose normalised autocorrelation is within 10% of the best one, as a frequency. */
    static double autocorrelationPitch(short[] s, int from, int n) {
        int minLag = RATE / 800;
        int maxLag = RATE / 80;
        double[] r = new double[maxLag + 1];
        double best = 0;
        for (int lag = minLag; lag <= maxLag; lag++) {
            double num = 0;
            double e1 = 0;
            double e2 = 0;
            for (int i = from; i + lag < from + n; i++) {
                num += s[i] * (double) s[i + lag];
                e1 += s[i] * (double) s[i];
                e2 += s[i + lag] * (double) s[i + lag];
            }
            r[lag] = e1 == 0 || e2 == 0 ? 0 : num / Math.sqrt(e1 * e2);
            best = Math.max(best, r[lag]);
        }
        for (int lag = minLag + 1; lag < maxLag; lag++) {
            if (r[lag] >= 0.9 * best && r[lag] >= r[lag - 1] && r[lag] >= r[lag + 1]) {
                return RATE / (double) lag;
            }
        }
        return -1;
    }

    /** Stretches of at least 50 ms of consecutive non-silent frames: the syllables heard. */
    static int syllables(List<Audio> frames) {
        int count = 0;
        int run = 0;
        for (Audio a : frames) {
            if (a.rms >= Viewer.SILENCE_RMS) {
                if (++run == 5) {
                    count++;
                }
            } else {
                run = 0;
            }
        }
        return count;
    }

    /** The level of the audio frame that arrived closest to {@code nanos} (frames: sorted by arrival). */
    static double levelAt(List<Audio> frames, long nanos) {
        int lo = 0;
        int hi = frames.size() - 1;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (frames.get(mid).nanos < nanos) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        if (lo > 0 && nanos - frames.get(lo - 1).nanos < frames.get(lo).nanos - nanos) {
            lo--;
        }
        return frames.get(lo).rms;
    }

    /**
     * Pearson correlation between each frame's mouth opening and the audio level heard {@code lagNanos} after the
     * frame arrived.
     */
    static double correlation(List<Video> frames, List<Audio> sound, long lagNanos) {
        int n = frames.size();
        double sx = 0;
        double sy = 0;
        double sxx = 0;
        double syy = 0;
        double sxy = 0;
        for (Video v : frames) {
            double x = v.openness;
            double y = levelAt(sound, v.nanos + lagNanos);
            sx += x;
            sy += y;
            sxx += x * x;
            syy += y * y;
            sxy += x * y;
        }
        double cov = sxy - sx * sy / n;
        double vx = sxx - sx * sx / n;
        double vy = syy - sy * sy / n;
        return vx <= 0 || vy <= 0 ? 0 : cov / Math.sqrt(vx * vy);
    }

    /** Whether some audio frame arriving within {@code windowNanos} of {@code nanos} is at least {@code rms} loud. */
    static boolean loudNear(List<Audio> sound, long nanos, long windowNanos, double rms) {
        return sound.stream().anyMatch(a -> Math.abs(a.nanos - nanos) <= windowNanos && a.rms >= rms);
    }
}
