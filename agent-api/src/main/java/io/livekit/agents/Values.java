package io.livekit.agents;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/** Helpers for the immutable values of this package. */
final class Values {

    private Values() {
    }

    /** An unmodifiable, insertion-ordered copy of a string map; rejects null keys and values with a clear message. */
    static Map<String, String> copyOf(Map<String, String> map, String what) {
        Objects.requireNonNull(map, what);
        if (map.isEmpty()) {
            return Map.of();
        }
        Map<String, String> copy = new LinkedHashMap<>();
        map.forEach((k, v) -> {
            if (k == null || v == null) {
                throw new NullPointerException(what + " must not contain null keys or values (key " + k + ")");
            }
            copy.put(k, v);
        });
        return Collections.unmodifiableMap(copy);
    }

    static String requireNonBlank(String value, String what) {
        Objects.requireNonNull(value, what);
        if (value.isBlank()) {
            throw new IllegalArgumentException(what + " must not be blank");
        }
        return value;
    }
}
