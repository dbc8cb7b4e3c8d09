package dev.otto.classifier;

import static org.assertj.core.api.Assertions.assertThat;

import dev.otto.api.routing.ErrorClass;
import dev.otto.api.routing.ReasonCode;
import dev.otto.api.spi.Classification;
import dev.otto.api.spi.InvocationFailure.Kind;
import dev.otto.api.spi.InvocationFailure;
import dev.otto.support.testing.ReadmeTables;
import java.lang.reflect.Constructor;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The README's tables are the specification: every row is parsed and checked against the
 * classifier, and the tables are checked to cover what the code knows (every kind, every JDK rule,
 * every provider name, every HTTP status), so neither can change without the other.
 */
class GoldenTableTest {

    private static final Set<Kind> KIND_DECIDES = EnumSet.of(Kind.TIMEOUT, Kind.ABORTED, Kind.CONNECTION,
            Kind.AUTH, Kind.CONTEXT_OVERFLOW, Kind.OUTPUT_LENGTH);

    private final DefaultFailureClassifier classifier = new DefaultFailureClassifier();

    @TestFactory
    Stream<DynamicTest> everyMappingRowHolds() {
        return ReadmeTables.table("input").stream().map(row -> DynamicTest.dynamicTest(row.get(0), () -> {
            Throwable input = Inputs.parse(row.get(0));
            assertThat(classifier.classify(input)).as(row.get(0)).isEqualTo(expected(row.get(1), row.get(2)));
        }));
    }

    @Test
    void mappingTableShowsEveryKindAndEveryJdkRule() {
        List<String> inputs = ReadmeTables.table("input").stream().map(row -> row.get(0)).toList();
        for (Kind kind : Kind.values()) {
            assertThat(inputs).as("a row for kind " + kind).anyMatch(input -> input.contains("kind=" + kind + ")")
                    || input.contains("kind=" + kind + ","));
        }
        for (Map.Entry<Class<? extends Throwable>, Classification> rule : FailureRules.JDK_RULES) {
            assertThat(inputs).as("a row for " + rule.getKey().getName()).contains(rule.getKey().getName());
        }
    }

    @Test
    void statusTableCoversEveryStatusOnceAndHoldsForEveryStatus() {
        int next = 100;
        for (List<String> row : ReadmeTables.table("HTTP status")) {
            String[] range = row.get(0).split("\\.\\.");
            int from = Integer.parseInt(range[0]);
            int to = Integer.parseInt(range[range.length - 1]);
            assertThat(from).as("status table row " + row.get(0) + " follows the previous one").isEqualTo(next);
            Optional<Classification> expected = expected(row.get(1), row.get(2));
            for (int status = from; status <= to; status++) {
                // the same status rule serves every kind that is decided by its status
                assertThat(classifier.classify(InvocationFailure.http(status, null))).as("HTTP " + status)
                        .isEqualTo(expected);
                assertThat(classifier.classify(new InvocationFailure(Kind.PROVIDER_RETRYING, status, null, null,
                        true))).as("retrying, HTTP " + status).isEqualTo(expected);
                assertThat(classifier.classify(new InvocationFailure(Kind.UNKNOWN, status, null, "APIError", true)))
                        .as("unknown APIError, HTTP " + status).isEqualTo(expected);
                assertThat(classifier.classify(new InvocationFailure(Kind.INVALID_REQUEST, status, null, null,
                        false))).as("invalid request, HTTP " + status)
                        .contains(new Classification(ReasonCode.CAPACITY, ErrorClass.INVALID_REQUEST));
            }
            next = to + 1;
        }
        assertThat(next).as("the status table ends at 599").isEqualTo(600);
    }

    @Test
    void nameTableHoldsForEveryNameAndKindItAppliesTo() {
        Set<String> documented = new TreeSet<>();
        for (List<String> row : ReadmeTables.table("provider error name")) {
            Optional<Classification> expected = expected(row.get(1), row.get(2));
            for (String name : row.get(0).split(",\\s*")) {
                documented.add(FailureRules.normalize(name));
                for (String spelling : List.of(name, name.toUpperCase(), "AI_" + name)) {
                    for (InvocationFailure failure : List.of(
                            new InvocationFailure(Kind.HTTP_STATUS, 400, null, spelling, false),
                            new InvocationFailure(Kind.HTTP_STATUS, 429, null, spelling, true),
                            new InvocationFailure(Kind.HTTP_STATUS, 503, null, spelling, true),
                            new InvocationFailure(Kind.PROVIDER_RETRYING, null, null, spelling, true),
                            new InvocationFailure(Kind.INVALID_REQUEST, 400, null, spelling, false),
                            new InvocationFailure(Kind.UNKNOWN, null, null, spelling, false))) {
                        assertThat(classifier.classify(failure)).as(failure.getMessage()).isEqualTo(expected);
                    }
                    // kinds that say what happened are not overruled by a name
                    for (Kind kind : KIND_DECIDES) {
                        assertThat(classifier.classify(new InvocationFailure(kind, 503, null, spelling, true)))
                                .as(kind + " named " + spelling)
                                .isEqualTo(classifier.classify(InvocationFailure.of(kind, true)));
                    }
                }
            }
        }
        assertThat(documented).as("README names = code names").isEqualTo(new TreeSet<>(FailureRules.PROVIDER_NAMES.keySet()));
    }

    @Test
    void everyErrorClassTheCodeCanGiveIsDocumented() {
        Set<String> documented = new TreeSet<>();
        for (String table : List.of("input", "HTTP status", "provider error name")) {
            ReadmeTables.table(table).stream().map(row -> row.get(2)).filter(c -> !c.equals("—")).forEach(documented::add);
        }
        List<String> names = new ArrayList<>(Arrays.asList(null, "APIError", "UnknownError", "SomethingNew", "x_y"));
        FailureRules.PROVIDER_NAMES.keySet().forEach(names::add);
        List<Integer> statuses = new ArrayList<>();
        statuses.add(null);
        for (int status = 100; status <= 599; status++) {
            statuses.add(status);
        }
        Set<String> given = new TreeSet<>();
        for (Kind kind : Kind.values()) {
            for (Integer status : statuses) {
                if (kind == Kind.HTTP_STATUS && status == null) {
                    continue;
                }
                for (String name : names) {
                    for (boolean retryable : new boolean[] {false, true}) {
                        InvocationFailure failure = new InvocationFailure(kind, status, null, name, retryable);
                        Classification answer = classifier.classify(failure).orElseThrow();
                        given.add(answer.errorClass().name());
                    }
                }
            }
        }
        assertThat(documented).containsAll(given);
        // a provider's own name never becomes the error class
        assertThat(given).doesNotContain("SomethingNew", "x_y", "APIError", "UnknownError");
    }

    private static Optional<Classification> expected(String reason, String errorClass) {
        if (reason.equals("—")) {
            assertThat(errorClass).isEqualTo("—");
            return Optional.empty();
        }
        return Optional.of(new Classification(ReasonCode.fromWire(reason), ErrorClass.of(errorClass)));
    }

    /** Builds the failures written in the README's input notation. */
    static final class Inputs {

        private Inputs() {
        }

        /** {@code A > B > C}: A caused by B caused by C. */
        static Throwable parse(String text) {
            List<String> parts = Arrays.stream(text.split(">")).map(String::strip).toList();
            Throwable cause = null;
            for (int i = parts.size() - 1; i >= 0; i--) {
                cause = one(parts.get(i), cause);
            }
            return cause;
        }

        private static Throwable one(String text, Throwable cause) {
            Throwable made = text.startsWith("InvocationFailure(") ? invocationFailure(text) : jdk(text, cause);
            if (cause != null && made.getCause() != cause) {
                made.initCause(cause);
            }
            return made;
        }

        private static InvocationFailure invocationFailure(String text) {
            Map<String, String> fields = Arrays.stream(text.substring("InvocationFailure(".length(), text.length() - 1)
                    .split(",")).map(String::strip).map(f -> f.split("=", 2))
                    .collect(Collectors.toMap(f -> f[0], f -> f[1]));
            assertThat(Set.of("kind", "status", "retryAfter", "name", "retryable")).containsAll(fields.keySet());
            return new InvocationFailure(Kind.valueOf(fields.get("kind")),
                    fields.containsKey("status") ? Integer.valueOf(fields.get("status")) : null,
                    fields.containsKey("retryAfter") ? Duration.parse(fields.get("retryAfter")) : null,
                    fields.get("name"), Boolean.parseBoolean(fields.getOrDefault("retryable", "false")));
        }

        /** Makes a JDK throwable with a harmless message, through whichever constructor it has. */
        private static Throwable jdk(String className, Throwable cause) {
            try {
                Class<?> type = Class.forName(className);
                if (cause != null) {
                    for (Constructor<?> constructor : type.getConstructors()) {
                        Class<?>[] parameters = constructor.getParameterTypes();
                        if (parameters.length == 2 && parameters[0] == String.class
                                && parameters[1].isInstance(cause)) {
                            return (Throwable) constructor.newInstance("test", cause);
                        }
                    }
                }
                try {
                    return (Throwable) type.getConstructor(String.class).newInstance("test");
                } catch (NoSuchMethodException e) {
                    return (Throwable) type.getConstructor().newInstance();
                }
            } catch (ReflectiveOperationException e) {
                throw new IllegalArgumentException("cannot make a " + className, e);
            }
        }
    }
}
