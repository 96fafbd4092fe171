package io.livekit.agents.benchmarks.rtc;

import java.nio.ByteBuffer;

/**
 * Synthetic 720p video that gives encoders real work: a luma gradient with a bright bar that moves every frame and
 * changing chroma, written into I420 planes (tightly packed, or into any strided destination).
 */
final class Pattern {

    static final int WIDTH = 1280;
    static final int HEIGHT = 720;
    static final int FPS = 30;

    private Pattern() {
    }

    /** Fills the planes of frame {@code n}. */
    static void fill(long n, ByteBuffer y, int strideY, ByteBuffer u, int strideU, ByteBuffer v, int strideV) {
        int bar = (int) ((n * 16) % WIDTH);
        for (int row = 0; row < HEIGHT; row++) {
            int base = row * strideY;
            for (int col = 0; col < WIDTH; col++) {
                boolean inBar = col >= bar && col < bar + 64;
                y.put(base + col, (byte) (inBar ? 235 : 16 + ((col + row + (int) n) & 0x7f)));
            }
        }
        for (int row = 0; row < HEIGHT / 2; row++) {
            for (int col = 0; col < WIDTH / 2; col++) {
                u.put(row * strideU + col, (byte) (128 + ((row + (int) n) & 0x3f) - 32));
                v.put(row * strideV + col, (byte) (128 + ((col - (int) n) & 0x3f) - 32));
            }
        }
    }

    /** A tightly packed I420 frame buffer (Y, then U, then V) for {@link #fill}. */
    static ByteBuffer packed() {
        return ByteBuffer.allocateDirect(WIDTH * HEIGHT * 3 / 2);
    }

    /** Fills a packed buffer with frame {@code n}. */
    static void fillPacked(long n, ByteBuffer b) {
        int ySize = WIDTH * HEIGHT;
        int cSize = ySize / 4;
        fill(n, b.duplicate(), WIDTH, b.duplicate().position(ySize).slice(), WIDTH / 2,
                b.duplicate().position(ySize + cSize).slice(), WIDTH / 2);
    }
}
