package io.livekit.agents.examples.avatar;

import java.util.Random;

/**
 * The avatar's synthetic voice, standing in for a text-to-speech service: phrases of three to six syllables, each
 * syllable a burst of a buzzy vowel-like tone at a fixed pitch whose loudness rises and falls smoothly, with short
 * gaps between syllables and longer pauses between phrases. Deterministic for a given seed.
 *
 * <p>It produces mono 16-bit PCM on demand ({@link #next}), in whatever chunk size the caller likes, and allocates
 * nothing while doing so. Not thread-safe: one producer thread uses it.
 */
public final class Voice {

    /** Peak amplitude of a syllable (of 32767). */
    public static final int PEAK = 12_000;

    private final int sampleRate;
    private final double pitchHz;
    private final Random random;

    private double phase;              // of the fundamental, in radians
    private int segmentLength;         // samples in the current syllable or pause
    private int segmentPos;            // samples of it already produced
    private boolean inSyllable;
    private int syllablesLeft;         // in the current phrase, the current one included
    private int phrases;               // phrases started so far
    private int phraseSyllables;       // syllables of the current phrase

    /**
     * @param sampleRate samples per second
     * @param pitchHz    the fundamental frequency of the voice
     * @param seed       seeds the syllable and pause lengths
     */
    public Voice(int sampleRate, double pitchHz, long seed) {
        this.sampleRate = sampleRate;
        this.pitchHz = pitchHz;
        this.random = new Random(seed);
        startPhrase();
    }

    /** The fundamental frequency. */
    public double pitchHz() {
        return pitchHz;
    }

    /** Phrases started so far (1 once the first one starts). */
    public int phrases() {
        return phrases;
    }

    /** Syllables in the current phrase. */
    public int phraseSyllables() {
        return phraseSyllables;
    }

    /** Drops the rest of the current phrase and starts a new one (after a barge-in the avatar starts over). */
    public void startPhrase() {
        phrases++;
        phraseSyllables = 3 + random.nextInt(4);
        syllablesLeft = phraseSyllables;
        startSyllable();
    }

    /** Writes the next {@code length} samples into {@code pcm} from {@code offset}. */
    public void next(short[] pcm, int offset, int length) {
        double step = 2 * Math.PI * pitchHz / sampleRate;
        for (int i = offset; i < offset + length; i++) {
            if (segmentPos == segmentLength) {
                nextSegment();
            }
            double sample = 0;
            if (inSyllable) {
                // loudness: a smooth rise and fall over the syllable (sin^2), like the opening and closing of a vowel
                double env = Math.sin(Math.PI * segmentPos / segmentLength);
                env *= env;
                // a buzzy vowel: the fundamental plus two weaker harmonics
                double wave = Math.sin(phase) + 0.35 * Math.sin(2 * phase) + 0.15 * Math.sin(3 * phase);
                sample = PEAK * env * wave / 1.5;
            }
            pcm[i] = (short) Math.round(sample);
            phase += step;
            if (phase > 2 * Math.PI) {
                phase -= 2 * Math.PI;
            }
            segmentPos++;
        }
    }

    /** After a syllable comes a gap (or the phrase's closing pause); after a pause, the next syllable or phrase. */
    private void nextSegment() {
        if (inSyllable) {
            syllablesLeft--;
            inSyllable = false;
            segmentPos = 0;
            segmentLength = millis(syllablesLeft > 0 ? 50 + random.nextInt(70) : 500 + random.nextInt(300));
        } else if (syllablesLeft > 0) {
            startSyllable();
        } else {
            startPhrase();
        }
    }

    private void startSyllable() {
        inSyllable = true;
        segmentPos = 0;
        segmentLength = millis(140 + random.nextInt(120));
    }

    private int millis(int ms) {
        return sampleRate * ms / 1000;
    }
}
