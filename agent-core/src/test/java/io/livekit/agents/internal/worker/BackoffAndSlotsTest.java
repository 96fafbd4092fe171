package io.livekit.agents.internal.worker;

import io.livekit.agents.ReconnectPolicy;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BackoffAndSlotsTest {

    private static final ReconnectPolicy POLICY = ReconnectPolicy.builder().initialDelay(Duration.ofMillis(500))
            .maxDelay(Duration.ofSeconds(10)).multiplier(2).jitter(0.2).maxAttempts(5).build();

    @Test
    void backoffGrowsExponentiallyAndIsCapped() {
        Backoff mid = new Backoff(POLICY, () -> 0.5);   // no spread
        assertThat(mid.delay(1)).isEqualTo(Duration.ofMillis(500));
        assertThat(mid.delay(2)).isEqualTo(Duration.ofMillis(1000));
        assertThat(mid.delay(5)).isEqualTo(Duration.ofMillis(8000));
        assertThat(mid.delay(6)).isEqualTo(Duration.ofSeconds(10));
        assertThat(mid.delay(10_000)).isEqualTo(Duration.ofSeconds(10));
        assertThatThrownBy(() -> mid.delay(0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void jitterSpreadsWithinItsFractionAndNeverExceedsTheCap() {
        Backoff low = new Backoff(POLICY, () -> 0.0);
        Backoff high = new Backoff(POLICY, () -> 0.999999);
        assertThat(low.delay(1)).isEqualTo(Duration.ofMillis(400));
        assertThat(high.delay(1).toMillis()).isBetween(599L, 600L);
        assertThat(low.delay(20)).isEqualTo(Duration.ofSeconds(8));
        assertThat(high.delay(20)).isEqualTo(Duration.ofSeconds(10));
        Backoff random = new Backoff(POLICY);
        for (int attempt = 1; attempt < 50; attempt++) {
            assertThat(random.delay(attempt)).isBetween(Duration.ZERO, Duration.ofSeconds(10));
        }
    }

    @Test
    void exhaustion() {
        Backoff b = new Backoff(POLICY);
        assertThat(b.exhausted(4)).isFalse();
        assertThat(b.exhausted(5)).isTrue();
        Backoff unlimited = new Backoff(POLICY.toBuilder().maxAttempts(ReconnectPolicy.UNLIMITED_ATTEMPTS).build());
        assertThat(unlimited.exhausted(1_000_000)).isFalse();
    }

    @Test
    void slotsReserveActivateRelease() {
        JobSlots s = new JobSlots(2);
        assertThat(s.tryReserve("a")).isTrue();
        assertThat(s.tryReserve("a")).as("same job twice").isFalse();
        assertThat(s.tryReserve("b")).isTrue();
        assertThat(s.isFull()).isTrue();
        assertThat(s.tryReserve("c")).as("over capacity").isFalse();
        assertThat(s.activate("a")).isTrue();
        assertThat(s.activate("a")).as("not reserved any more").isFalse();
        assertThat(s.activeCount()).isEqualTo(1);
        assertThat(s.reservedCount()).isEqualTo(1);
        assertThat(s.release("b")).isTrue();
        assertThat(s.release("b")).isFalse();
        assertThat(s.tryActivateUnreserved("x")).isTrue();
        assertThat(s.tryActivateUnreserved("y")).isFalse();
        assertThat(s.release("a")).isTrue();
        assertThat(s.release("x")).isTrue();
        assertThat(s.isFull()).isFalse();
        assertThat(s.activeCount() + s.reservedCount()).isZero();
    }

    @Test
    void concurrentOffersNeverOverCommit() throws Exception {
        JobSlots s = new JobSlots(3);
        int threads = 16;
        CountDownLatch start = new CountDownLatch(1);
        AtomicInteger granted = new AtomicInteger();
        List<Thread> all = new ArrayList<>();
        for (int i = 0; i < threads; i++) {
            String id = "job-" + i;
            Thread t = new Thread(() -> {
                try {
                    start.await();
                } catch (InterruptedException e) {
                    return;
                }
                if (s.tryReserve(id)) {
                    granted.incrementAndGet();
                }
            });
            t.start();
            all.add(t);
        }
        start.countDown();
        for (Thread t : all) {
            t.join();
        }
        assertThat(granted.get()).isEqualTo(3);
        assertThat(s.reservedCount()).isEqualTo(3);
    }
}
