/**
 * JUnit 5 support: {@link io.livekit.agents.devserver.junit.DevServerExtension} runs a dev server for a test class
 * or for each test and injects it as a {@link io.livekit.agents.devserver.DevServer} parameter.
 */
package io.livekit.agents.devserver.junit;
