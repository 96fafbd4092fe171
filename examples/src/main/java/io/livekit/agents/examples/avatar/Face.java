package io.livekit.agents.examples.avatar;

import java.nio.ByteBuffer;

/**
 * Draws the avatar: a face whose mouth opens as wide as the voice is loud, and whose eyes blink now and then, into
 * an RGBA frame (4 bytes per pixel, R, G, B, A, rows packed: {@code stride = width * 4}).
 *
 * <p>The still parts (background, head, eyes) are drawn once into a template; each frame copies the template and
 * draws the mouth and the eyelids on top. Rendering allocates nothing, so a 30 fps producer makes no garbage. Not
 * thread-safe: one producer thread renders.
 */
public final class Face {

    // colours as 0xRRGGBBAA: ByteBuffer's default big-endian order writes them as R, G, B, A bytes
    private static final int BACKGROUND = 0x28324AFF;
    private static final int SKIN = 0xF0C8A0FF;
    private static final int EYE = 0x2A2A38FF;
    private static final int MOUTH = 0x5A1420FF;

    private final int width;
    private final int height;
    private final ByteBuffer template;
    private final int mouthX;
    private final int mouthY;
    private final int mouthHalfWidth;
    private final int mouthMaxHalfHeight;
    private final int eyeY;
    private final int eyeDx;
    private final int eyeRadius;

    /** A face filling most of a {@code width} x {@code height} frame. */
    public Face(int width, int height) {
        this.width = width;
        this.height = height;
        int headRx = width * 3 / 10;
        int headRy = height * 42 / 100;
        int cx = width / 2;
        int cy = height / 2;
        this.mouthX = cx;
        this.mouthY = cy + headRy / 2;
        this.mouthHalfWidth = headRx * 2 / 5;
        this.mouthMaxHalfHeight = Math.max(2, headRy / 4);
        this.eyeY = cy - headRy / 4;
        this.eyeDx = headRx * 2 / 5;
        this.eyeRadius = Math.max(2, headRx / 8);

        template = ByteBuffer.allocateDirect(width * height * 4);
        fill(template, 0, 0, width, height, BACKGROUND);
        ellipse(template, cx, cy, headRx, headRy, SKIN);
        ellipse(template, cx - eyeDx, eyeY, eyeRadius, eyeRadius, EYE);
        ellipse(template, cx + eyeDx, eyeY, eyeRadius, eyeRadius, EYE);
    }

    /** Frame width in pixels. */
    public int width() {
        return width;
    }

    /** Frame height in pixels. */
    public int height() {
        return height;
    }

    /** Bytes per row of the frames this face renders. */
    public int stride() {
        return width * 4;
    }

    /** A direct buffer the size of one frame, to render into (allocate it once, reuse it for every frame). */
    public ByteBuffer newFrame() {
        return ByteBuffer.allocateDirect(width * height * 4);
    }

    /** The pixel column of the mouth's centre. */
    public int mouthX() {
        return mouthX;
    }

    /** The pixel row of the mouth's centre. */
    public int mouthY() {
        return mouthY;
    }

    /** Half the mouth's height when it is wide open, in pixels; a closed mouth is a line about 3 pixels high. */
    public int mouthMaxHalfHeight() {
        return mouthMaxHalfHeight;
    }

    /**
     * Renders one frame.
     *
     * @param frame     a direct buffer of {@code width * height * 4} bytes (see {@link #newFrame()}); its position
     *                  and limit are left as they are
     * @param openness  how far the mouth is open, 0 (closed) to 1 (wide open)
     * @param timeMicros the frame's time, which drives the blinking
     */
    public void render(ByteBuffer frame, double openness, long timeMicros) {
        frame.put(0, template, 0, template.capacity());
        double open = Math.max(0, Math.min(1, openness));
        // a closed mouth is a thin line: half-height 1.5 px
        double halfHeight = Math.max(1.5, open * mouthMaxHalfHeight);
        ellipse(frame, mouthX, mouthY, mouthHalfWidth, halfHeight, MOUTH);
        // a 150 ms blink every 4 s
        if (timeMicros % 4_000_000L < 150_000L) {
            closeEye(frame, mouthX - eyeDx);
            closeEye(frame, mouthX + eyeDx);
        }
    }

    /** Paints the eye at column {@code x} over with skin and draws a closed lid. */
    private void closeEye(ByteBuffer frame, int x) {
        int r = eyeRadius;
        fill(frame, x - r - 1, eyeY - r - 1, 2 * r + 3, 2 * r + 3, SKIN);
        fill(frame, x - r, eyeY, 2 * r + 1, 2, EYE);
    }

    /** Fills a rectangle, clipped to the frame. */
    private void fill(ByteBuffer buf, int x0, int y0, int w, int h, int rgba) {
        for (int y = Math.max(0, y0); y < Math.min(height, y0 + h); y++) {
            for (int x = Math.max(0, x0); x < Math.min(width, x0 + w); x++) {
                buf.putInt((y * width + x) * 4, rgba);
            }
        }
    }

    /** Fills an axis-aligned ellipse, clipped to the frame. */
    private void ellipse(ByteBuffer buf, int cx, int cy, double rx, double ry, int rgba) {
        int top = (int) Math.floor(cy - ry);
        int bottom = (int) Math.ceil(cy + ry);
        for (int y = Math.max(0, top); y <= Math.min(height - 1, bottom); y++) {
            double dy = (y - cy) / ry;
            if (dy * dy > 1) {
                continue;
            }
            int half = (int) Math.round(rx * Math.sqrt(1 - dy * dy));
            for (int x = Math.max(0, cx - half); x <= Math.min(width - 1, cx + half); x++) {
                buf.putInt((y * width + x) * 4, rgba);
            }
        }
    }
}
