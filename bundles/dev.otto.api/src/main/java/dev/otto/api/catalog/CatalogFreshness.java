package dev.otto.api.catalog;

import dev.otto.api.model.Ids;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * How fresh the catalog in use is and how recent refreshes went; what {@code otto:catalog} shows.
 *
 * @param fetchedAt when the snapshot in use was fetched
 * @param source where the snapshot in use came from
 * @param snapshotId the id of the snapshot in use
 * @param lastAttempt when a fetch was last tried, successful or not
 * @param lastError a one-line, non-secret description of the last failed fetch (e.g. the
 *     {@link CatalogFetchException} message), or null if no fetch failed since the last success;
 *     required when {@code consecutiveFailures > 0}
 * @param consecutiveFailures failed fetches since the last success, {@code >= 0}
 * @param staleAfter the age after which the snapshot counts as stale (normally the refresh
 *     interval), positive
 */
public record CatalogFreshness(
        Instant fetchedAt,
        URI source,
        String snapshotId,
        Instant lastAttempt,
        String lastError,
        int consecutiveFailures,
        Duration staleAfter) {

    /** Validates the fields. */
    public CatalogFreshness {
        Objects.requireNonNull(fetchedAt, "fetchedAt must not be null");
        Objects.requireNonNull(source, "source must not be null");
        Ids.require(snapshotId, "snapshotId");
        Objects.requireNonNull(lastAttempt, "lastAttempt must not be null");
        Objects.requireNonNull(staleAfter, "staleAfter must not be null");
        if (consecutiveFailures < 0) {
            throw new IllegalArgumentException(
                    "consecutiveFailures is " + consecutiveFailures + ": expected >= 0");
        }
        if (consecutiveFailures > 0 && (lastError == null || lastError.isBlank())) {
            throw new IllegalArgumentException(
                    "lastError must be set when consecutiveFailures is " + consecutiveFailures);
        }
        if (staleAfter.isNegative() || staleAfter.isZero()) {
            throw new IllegalArgumentException("staleAfter is " + staleAfter + ": expected a positive duration");
        }
    }

    /**
     * Returns the freshness right after a successful fetch of the snapshot.
     *
     * @param snapshot the snapshot just fetched
     * @param staleAfter the age after which it counts as stale
     * @return a freshness with no failures and {@code lastAttempt = snapshot.fetchedAt()}
     */
    public static CatalogFreshness of(CatalogSnapshot snapshot, Duration staleAfter) {
        Objects.requireNonNull(snapshot, "snapshot must not be null");
        return new CatalogFreshness(snapshot.fetchedAt(), snapshot.source(), snapshot.snapshotId(),
                snapshot.fetchedAt(), null, 0, staleAfter);
    }

    /**
     * Returns this freshness after one more failed fetch; the snapshot in use stays the same.
     *
     * @param attemptedAt when the fetch was tried
     * @param error a one-line, non-secret description of the failure
     * @return the updated freshness
     */
    public CatalogFreshness withFailure(Instant attemptedAt, String error) {
        return new CatalogFreshness(fetchedAt, source, snapshotId, attemptedAt, error, consecutiveFailures + 1,
                staleAfter);
    }

    /**
     * Returns the age of the snapshot in use; zero if the clock went backwards.
     *
     * @param now the current time
     * @return {@code now - fetchedAt}, never negative
     */
    public Duration age(Instant now) {
        Objects.requireNonNull(now, "now must not be null");
        Duration age = Duration.between(fetchedAt, now);
        return age.isNegative() ? Duration.ZERO : age;
    }

    /**
     * Tells whether the snapshot is older than {@link #staleAfter()}.
     *
     * @param now the current time
     * @return true if {@code age(now) > staleAfter}
     */
    public boolean isStale(Instant now) {
        return age(now).compareTo(staleAfter) > 0;
    }

    /**
     * Returns the last error.
     *
     * @return the description of the last failed fetch, or empty if none since the last success
     */
    public Optional<String> findLastError() {
        return Optional.ofNullable(lastError);
    }
}
