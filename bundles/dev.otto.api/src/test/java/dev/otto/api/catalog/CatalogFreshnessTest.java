package dev.otto.api.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CatalogFreshnessTest {

    static final Instant T0 = Instant.parse("2026-01-02T00:00:00Z");

    @Test
    void ageAndStaleness() {
        CatalogSnapshot snapshot = new CatalogSnapshot("s", T0, URI.create("http://127.0.0.1:4096"), null, Map.of(), null);
        CatalogFreshness freshness = CatalogFreshness.of(snapshot, Duration.ofHours(24));

        assertThat(freshness.age(T0.plusSeconds(90))).isEqualTo(Duration.ofSeconds(90));
        assertThat(freshness.age(T0.minusSeconds(5))).isEqualTo(Duration.ZERO);
        assertThat(freshness.isStale(T0.plus(Duration.ofHours(24)))).isFalse();
        assertThat(freshness.isStale(T0.plus(Duration.ofHours(24)).plusMillis(1))).isTrue();
        assertThat(freshness.findLastError()).isEmpty();
    }

    @Test
    void failureKeepsTheSnapshotAndCounts() {
        CatalogSnapshot snapshot = new CatalogSnapshot("s", T0, URI.create("http://127.0.0.1:4096"), null, Map.of(), null);
        CatalogFreshness failed = CatalogFreshness.of(snapshot, Duration.ofHours(24))
                .withFailure(T0.plusSeconds(60), "refused")
                .withFailure(T0.plusSeconds(120), "timed out");

        assertThat(failed.fetchedAt()).isEqualTo(T0);
        assertThat(failed.lastAttempt()).isEqualTo(T0.plusSeconds(120));
        assertThat(failed.consecutiveFailures()).isEqualTo(2);
        assertThat(failed.findLastError()).contains("timed out");
    }

    @Test
    void validates() {
        URI source = URI.create("http://127.0.0.1:4096");
        assertThatThrownBy(() -> new CatalogFreshness(T0, source, "s", T0, null, -1, Duration.ofHours(1)))
                .hasMessageContaining("consecutiveFailures is -1");
        assertThatThrownBy(() -> new CatalogFreshness(T0, source, "s", T0, null, 1, Duration.ofHours(1)))
                .hasMessageContaining("lastError must be set");
        assertThatThrownBy(() -> new CatalogFreshness(T0, source, "s", T0, null, 0, Duration.ZERO))
                .hasMessageContaining("staleAfter is PT0S");
    }
}
