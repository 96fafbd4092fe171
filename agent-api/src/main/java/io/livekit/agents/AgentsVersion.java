package io.livekit.agents;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** The version of this SDK, as built. */
public final class AgentsVersion {

    private static final String VERSION = load();

    private AgentsVersion() {
    }

    /** This SDK's version, e.g. {@code 0.1.0}; {@code "unknown"} if the build did not record it. */
    public static String get() {
        return VERSION;
    }

    private static String load() {
        try (InputStream in = AgentsVersion.class.getResourceAsStream("version.properties")) {
            if (in == null) {
                return "unknown";
            }
            Properties p = new Properties();
            p.load(in);
            String v = p.getProperty("version", "unknown");
            return v.startsWith("${") ? "unknown" : v;
        } catch (IOException e) {
            return "unknown";
        }
    }
}
