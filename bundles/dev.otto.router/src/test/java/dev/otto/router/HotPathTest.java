package dev.otto.router;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import dev.otto.api.model.ModelRef;

/** The router's cheaper hot-path pieces give what the straightforward versions gave. */
class HotPathTest {

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
    void attemptDeadlinesAreThoseOfDurationDividedBy() {
        Random random = new Random(8);
        Instant start = Instant.parse("2026-11-21T23:00:00.123456789Z");
        for (int i = 0; i < 100_000; i++) {
            long left = switch (random.nextInt(4)) {
                case 0 -> random.nextInt(3) - 1;
                case 1 -> random.nextInt(1_000_000_000) - 1000;
                case 2 -> random.nextLong() % 10_000_000_000_000L;
                default -> random.nextLong();
            };
            int attemptsLeft = 1 + random.nextInt(7);
            Duration remaining = Duration.ofNanos(left);
            Instant expected = left <= 0 ? null : start.plus(remaining.dividedBy(attemptsLeft));
            assertThat(RoutingService.attemptDeadline(start, left, attemptsLeft)).as(left + " / " + attemptsLeft)
                    .isEqualTo(expected);
        }
        assertThat(RoutingService.attemptDeadline(start, 0, 1)).isNull();
        assertThat(RoutingService.attemptDeadline(start, 1, 3)).isEqualTo(start);
    }

    @Test
    void runBudgetsLongerThanNanosecondsCanCountAreCappedNotOverflowed() {
        assertThat(RoutingService.saturatedNanos(Duration.ofMinutes(10))).isEqualTo(600_000_000_000L);
        assertThat(RoutingService.saturatedNanos(Duration.ofNanos(1))).isEqualTo(1);
        assertThat(RoutingService.saturatedNanos(Duration.ofDays(365L * 200))).isEqualTo(Duration.ofDays(365L * 200).toNanos());
        assertThat(RoutingService.saturatedNanos(Duration.ofDays(365L * 300))).isEqualTo(Long.MAX_VALUE);
        assertThat(RoutingService.saturatedNanos(Duration.ofSeconds(Long.MAX_VALUE, 999_999_999))).isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void plansAreThoseOfTheOrderedSet() {
        Random random = new Random(9);
        List<ModelRef> pool = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            pool.add(ModelRef.of("p" + (i % 3), "m" + i));
        }
        for (int i = 0; i < 20_000; i++) {
            ModelRef first = pool.get(random.nextInt(pool.size()));
            List<ModelRef> chain = new ArrayList<>();
            for (int n = random.nextInt(i % 2 == 0 ? 6 : 40); n > 0; n--) {
                chain.add(pool.get(random.nextInt(pool.size())));
            }
            int budget = random.nextInt(6);
            Set<ModelRef> ordered = new LinkedHashSet<>();
            ordered.add(first);
            ordered.addAll(chain);
            List<ModelRef> all = new ArrayList<>(ordered);
            int cut = Math.min(budget > 0 ? budget : 1 + chain.size(), all.size());
            Planner.Plan plan = Planner.planOf(first, chain, budget);
            assertThat(plan.attempts()).isEqualTo(all.subList(0, cut));
            assertThat(plan.budgetApplied()).isEqualTo(cut < all.size());
        }
    }
}
