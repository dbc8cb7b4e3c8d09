package dev.otto.api.catalog;

import java.math.BigDecimal;
import java.util.Optional;

/**
 * Price of a model in US dollars per million tokens, as published in the catalog.
 *
 * <p>Each part is nullable: {@code null} means the catalog does not say (which is different from a
 * published price of zero, e.g. a free model). {@link #UNKNOWN} has every part unknown.
 *
 * @param inputPerMillion price of one million input tokens, null if unknown, never negative
 * @param outputPerMillion price of one million output tokens, null if unknown, never negative
 * @param cacheReadPerMillion price of one million cached input tokens read, null if unknown
 * @param cacheWritePerMillion price of one million input tokens written to cache, null if unknown
 */
public record ModelCost(
        BigDecimal inputPerMillion,
        BigDecimal outputPerMillion,
        BigDecimal cacheReadPerMillion,
        BigDecimal cacheWritePerMillion) {

    /** A cost of which nothing is known; used when the catalog has no cost entry. */
    public static final ModelCost UNKNOWN = new ModelCost(null, null, null, null);

    /** Rejects negative prices; a negative price is a parse error upstream, not a discount. */
    public ModelCost {
        requireNotNegative(inputPerMillion, "inputPerMillion");
        requireNotNegative(outputPerMillion, "outputPerMillion");
        requireNotNegative(cacheReadPerMillion, "cacheReadPerMillion");
        requireNotNegative(cacheWritePerMillion, "cacheWritePerMillion");
    }

    /**
     * Returns the input price, if published.
     *
     * @return the price per million input tokens
     */
    public Optional<BigDecimal> findInputPerMillion() {
        return Optional.ofNullable(inputPerMillion);
    }

    /**
     * Returns the output price, if published.
     *
     * @return the price per million output tokens
     */
    public Optional<BigDecimal> findOutputPerMillion() {
        return Optional.ofNullable(outputPerMillion);
    }

    /**
     * Tells whether both the input and the output price are published.
     *
     * @return true if a run's cost can be estimated from token counts
     */
    public boolean isKnown() {
        return inputPerMillion != null && outputPerMillion != null;
    }

    private static void requireNotNegative(BigDecimal value, String field) {
        if (value != null && value.signum() < 0) {
            throw new IllegalArgumentException(
                    field + " is " + value.toPlainString() + ": expected a price >= 0 or null (unknown)");
        }
    }
}
