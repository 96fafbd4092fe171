package io.livekit.agents.devserver.internal;

import java.security.SecureRandom;

/**
 * LiveKit-style identifiers: a prefix ({@code AW_}, {@code AJ_}, {@code AD_}, {@code RM_}, ...) and 12 characters
 * from the short-uuid alphabet, as the real server makes them.
 */
public final class Ids {

    /** Worker ids. */
    public static final String WORKER = "AW_";
    /** Job ids. */
    public static final String JOB = "AJ_";
    /** Dispatch ids. */
    public static final String DISPATCH = "AD_";
    /** Room ids. */
    public static final String ROOM = "RM_";
    /** Node ids. */
    public static final String NODE = "ND_";
    /** Participant ids. */
    public static final String PARTICIPANT = "PA_";
    /** Track ids. */
    public static final String TRACK = "TR_";

    private static final String ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";
    private static final SecureRandom RANDOM = new SecureRandom();

    private Ids() {
    }

    /** A new id with the given prefix. */
    public static String next(String prefix) {
        StringBuilder sb = new StringBuilder(prefix.length() + 12).append(prefix);
        for (int i = 0; i < 12; i++) {
            sb.append(ALPHABET.charAt(RANDOM.nextInt(ALPHABET.length())));
        }
        return sb.toString();
    }
}
