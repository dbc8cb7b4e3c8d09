package dev.otto.itest;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

/**
 * The seed's "deny direct provider calls": only the invoker bundles ({@code dev.otto.invoker.*})
 * may talk to a model provider or to OpenCode's message API. Everything else goes through the
 * router. This fails the build when main code elsewhere names a provider endpoint.
 */
class ProviderCallGuardTest {

    /** Endpoints that run a model: OpenCode's session messages, OpenAI-style and Anthropic-style APIs. */
    private static final Pattern PROVIDER_CALL = Pattern.compile(
            "/session/[^\"]*/(message|prompt_async)|\"/(message|prompt_async)\"|/chat/completions|/v1/responses|/v1/messages|api\\.openai\\.com"
                    + "|api\\.anthropic\\.com|generativelanguage\\.googleapis\\.com");

    @Test
    void onlyInvokerBundlesCallModelProviders() throws IOException {
        Path bundles = Path.of(System.getProperty("user.dir")).resolve("../bundles").normalize();
        assertThat(bundles.resolve("dev.otto.api")).as("the reactor's bundles folder").isDirectory();
        List<String> offenders = new ArrayList<>();
        try (Stream<Path> files = Files.walk(bundles)) {
            for (Path file : (Iterable<Path>) files::iterator) {
                String relative = bundles.relativize(file).toString();
                if (!relative.endsWith(".java") || !relative.contains("/src/main/") || relative.startsWith("dev.otto.invoker.")) {
                    continue;
                }
                List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
                for (int i = 0; i < lines.size(); i++) {
                    if (PROVIDER_CALL.matcher(lines.get(i)).find()) {
                        offenders.add(relative + ":" + (i + 1) + ": " + lines.get(i).strip());
                    }
                }
            }
        }
        assertThat(offenders).as("model calls outside dev.otto.invoker.*: route them through ModelRouter").isEmpty();
    }

    @Test
    void theGuardRecognisesAProviderCall() {
        assertThat(PROVIDER_CALL.matcher("URI.create(base + \"/session/\" + id + \"/message\")").find()).isTrue();
        assertThat(PROVIDER_CALL.matcher("http.post(\"/session/abc/message\", body)").find()).isTrue();
        assertThat(PROVIDER_CALL.matcher("client.send(base.resolve(\"/v1/chat/completions\"))").find()).isTrue();
        assertThat(PROVIDER_CALL.matcher("URI.create(\"https://api.openai.com/v1/models\")").find()).isTrue();
        assertThat(PROVIDER_CALL.matcher("GET /config/providers").find()).isFalse();
    }
}
