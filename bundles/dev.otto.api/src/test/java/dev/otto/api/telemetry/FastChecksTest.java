package dev.otto.api.telemetry;

import static org.assertj.core.api.Assertions.assertThat;

import dev.otto.api.model.Ids;
import dev.otto.api.model.ModelRef;
import java.util.Random;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The hand-written checks on the routing hot path (policy audit tokens, ids, model references)
 * accept exactly what their reference definitions accept.
 */
class FastChecksTest {

    private static final String ALPHABET = "az09_AZ/-. \t\n\u0000\u007f\u0085\u00a0\u2028\u3000é";

    @Test
    void policyAuditTokensAreExactlyThePattern() {
        Pattern pattern = Pattern.compile(PolicyAudit.PATTERN);
        Random random = new Random(6);
        for (int i = 0; i < 200_000; i++) {
            String text = randomText(random, random.nextInt(70));
            assertThat(PolicyAudit.isValid(text)).as("%s", text).isEqualTo(pattern.matcher(text).matches());
        }
        assertThat(PolicyAudit.isValid("a".repeat(64))).isTrue();
        assertThat(PolicyAudit.isValid("a".repeat(65))).isFalse();
        assertThat(PolicyAudit.isValid("")).isFalse();
        assertThat(PolicyAudit.isValid(null)).isFalse();
    }

    @Test
    void idsAndModelRefsAgreeWithTheCharacterRules() {
        Random random = new Random(7);
        for (int i = 0; i < 200_000; i++) {
            String text = randomText(random, 1 + random.nextInt(12));
            assertThat(Ids.isValid(text)).as("%s", text).isEqualTo(referenceId(text));
            boolean provider = !text.isEmpty() && text.chars().allMatch(c -> c != '/' && !Character.isWhitespace(c)
                    && !Character.isISOControl(c) && !Character.isSpaceChar(c));
            assertThat(ModelRef.isValidProviderId(text)).as("%s", text).isEqualTo(provider);
        }
    }

    private static boolean referenceId(String value) {
        return !value.isEmpty() && value.length() <= Ids.MAX_LENGTH && value.chars().allMatch(
                c -> !Character.isWhitespace(c) && !Character.isSpaceChar(c) && !Character.isISOControl(c));
    }

    private static String randomText(Random random, int length) {
        StringBuilder text = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            text.append(random.nextInt(4) == 0 ? (char) random.nextInt(0x3100)
                    : ALPHABET.charAt(random.nextInt(ALPHABET.length())));
        }
        return text.toString();
    }
}
