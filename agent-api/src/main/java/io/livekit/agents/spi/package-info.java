/** Service interfaces that connect {@code agent-api} to its implementation. Not for users. */
package io.livekit.agents.spi;
