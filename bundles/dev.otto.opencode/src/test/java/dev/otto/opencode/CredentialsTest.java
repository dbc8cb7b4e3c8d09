package dev.otto.opencode;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class CredentialsTest {

    static String decoded(Credentials credentials) {
        return new String(Base64.getDecoder().decode(credentials.authorization().substring("Basic ".length())), UTF_8);
    }

    @Test
    void fromTheEnvironmentTheUserIsOpencodeUnlessSet() {
        Credentials plain = Credentials.fromEnvironment(Map.of("OPENCODE_SERVER_PASSWORD", "pw")::get);
        Credentials named = Credentials.fromEnvironment(
                Map.of("OPENCODE_SERVER_PASSWORD", "pw", "OPENCODE_SERVER_USERNAME", "alice")::get);
        Credentials blankUser = Credentials.fromEnvironment(
                Map.of("OPENCODE_SERVER_PASSWORD", "pw", "OPENCODE_SERVER_USERNAME", " ")::get);

        assertThat(decoded(plain)).isEqualTo("opencode:pw");
        assertThat(decoded(named)).isEqualTo("alice:pw");
        assertThat(decoded(blankUser)).isEqualTo("opencode:pw");
    }

    @Test
    void withoutAPasswordThereAreNoCredentials() {
        assertThat(Credentials.fromEnvironment(Map.<String, String>of()::get).present()).isFalse();
        assertThat(Credentials.fromEnvironment(Map.of("OPENCODE_SERVER_PASSWORD", "")::get).present()).isFalse();
        assertThat(Credentials.fromEnvironment(Map.of("OPENCODE_SERVER_USERNAME", "alice")::get).authorization()).isNull();
    }

    @Test
    void aGeneratedPasswordIs256RandomBitsInBase64Url() {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 100; i++) {
            Credentials generated = Credentials.generate(new SecureRandom());
            assertThat(generated.password()).hasSize(43).matches("[A-Za-z0-9_-]+");
            assertThat(decoded(generated)).isEqualTo("opencode:" + generated.password());
            seen.add(generated.password());
        }
        assertThat(seen).hasSize(100);
    }

    @Test
    void toStringShowsNoSecret() {
        Credentials credentials = Credentials.fromEnvironment(Map.of("OPENCODE_SERVER_PASSWORD", "hunter2")::get);

        assertThat(credentials).hasToString("Credentials[user=opencode, password=<set>]");
        assertThat(credentials.toString()).doesNotContain("hunter2").doesNotContain(credentials.authorization());
        assertThat(Credentials.none()).hasToString("Credentials[none]");
    }
}
