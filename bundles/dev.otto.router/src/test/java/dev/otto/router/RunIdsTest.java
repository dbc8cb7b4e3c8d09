package dev.otto.router;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Set;
import java.util.UUID;

import org.junit.jupiter.api.Test;


/** Run ids and the saturating deadline arithmetic. */
class RunIdsTest {

    @Test
    void runIdsAreUniqueTimeOrderedVersion7Uuids() {
        RunIds ids = new RunIds(new SecureRandom());
        Instant now = Instant.parse("2026-11-21T23:00:00.123456789Z");
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 100_000; i++) {
            String id = ids.next(now); // the same instant: the counter alone keeps them apart
            assertThat(seen.add(id)).as(id).isTrue();
        }
        String id = ids.next(now);
        assertThat(id).matches("[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
        UUID uuid = UUID.fromString(id);
        assertThat(uuid.version()).isEqualTo(7);
        assertThat(uuid.variant()).isEqualTo(2);
        assertThat(uuid.getMostSignificantBits() >>> 16).isEqualTo(now.toEpochMilli());
        assertThat(new RunIds().next(now)).isNotEqualTo(new RunIds().next(now));
    }

    @Test
    void runBudgetsLongerThanNanosecondsCanCountAreCappedNotOverflowed() {
        assertThat(RoutingService.saturatedNanos(Duration.ofMinutes(10))).isEqualTo(600_000_000_000L);
        assertThat(RoutingService.saturatedNanos(Duration.ofNanos(1))).isEqualTo(1);
        assertThat(RoutingService.saturatedNanos(Duration.ofDays(365L * 200))).isEqualTo(Duration.ofDays(365L * 200).toNanos());
        assertThat(RoutingService.saturatedNanos(Duration.ofDays(365L * 300))).isEqualTo(Long.MAX_VALUE);
        assertThat(RoutingService.saturatedNanos(Duration.ofSeconds(Long.MAX_VALUE, 999_999_999))).isEqualTo(Long.MAX_VALUE);
    }
}
