package dev.otto.router.policy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.otto.api.config.RoutingSettings;
import dev.otto.api.model.Flow;
import dev.otto.api.model.ModelRef;
import dev.otto.api.routing.ErrorClass;
import dev.otto.api.routing.ReasonCode;
import dev.otto.api.routing.RunRequest;
import dev.otto.api.spi.Classification;
import dev.otto.support.testing.ReadmeTables;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/** The README's chain and stop tables are the specification; every row is checked here. */
class PolicyTableTest {

    private static final String ANY_OTHER = "any other class";

    private final OpenAiFirstFallbackPolicy policy = new OpenAiFirstFallbackPolicy();

    @Test
    void theDocumentedDefaultChainIsTheChainWithoutConfiguration() {
        List<ModelRef> documented = ReadmeTables.table("#").stream().map(row -> ModelRef.parse(row.get(1))).toList();

        assertThat(policy.fallbackChain(RunRequest.forFlow(Flow.HEARTBEAT, "t-1", "ping"), RoutingSettings.DEFAULTS))
                .containsExactlyElementsOf(documented)
                .containsExactlyElementsOf(OpenAiFirstFallbackPolicy.DEFAULT_CHAIN);
    }

    @TestFactory
    Stream<DynamicTest> everyStopTableRowHoldsForEveryReasonAndAttempt() {
        return ReadmeTables.table("error_class").stream().map(row -> DynamicTest.dynamicTest(row.get(0), () -> {
            boolean expected = switch (row.get(1)) {
                case "continue" -> true;
                case "stop" -> false;
                default -> throw new AssertionError("decision must be stop or continue: " + row.get(1));
            };
            List<ErrorClass> classes = row.get(0).equals(ANY_OTHER)
                    ? List.of(ErrorClass.of("SomethingNew"), ErrorClass.of("invalidrequest"), ErrorClass.of("X"))
                    : List.of(ErrorClass.of(row.get(0)));
            for (ErrorClass errorClass : classes) {
                for (ReasonCode reason : ReasonCode.values()) {
                    if (reason == ReasonCode.NONE) {
                        continue;
                    }
                    for (int attempt : new int[] {1, 2, 3, 7, Integer.MAX_VALUE}) {
                        assertThat(policy.shouldContinue(new Classification(reason, errorClass), attempt))
                                .as(errorClass + "/" + reason.wireName() + " after attempt " + attempt)
                                .isEqualTo(expected);
                    }
                }
            }
        }));
    }

    @Test
    void theStopRowsAreExactlyTheStopSet() {
        Set<ErrorClass> documentedStops = new HashSet<>();
        for (List<String> row : ReadmeTables.table("error_class")) {
            if (row.get(1).equals("stop")) {
                documentedStops.add(ErrorClass.of(row.get(0)));
            }
        }

        assertThat(documentedStops).isEqualTo(OpenAiFirstFallbackPolicy.STOP_ON);
    }
}
