package dev.otto.invoker.openai;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * The {@value OpenAiInvoker#PID} configuration: an operator drops
 * {@code deploy/dev.otto.invoker.openai.cfg} (or {@code .config}) and the change is live.
 */
@ObjectClassDefinition(id = OpenAiInvoker.PID, name = "Otto OpenAI-compatible invoker",
        description = "Chat completions against an OpenAI-compatible endpoint for the listed providers")
public @interface OpenAiInvokerConfig {

    /** @return the endpoint's base URL; {@code /chat/completions} is appended */
    @AttributeDefinition(description = "Base URL, e.g. https://api.openai.com/v1 or http://127.0.0.1:8080/v1")
    String baseUrl() default "https://api.openai.com/v1";

    /** @return the provider ids this invoker serves; none by default */
    @AttributeDefinition(description = "Provider ids this invoker serves (commas or a list); none: OpenCode serves every model",
            required = false)
    String[] providers() default {};

    /** @return the name of the environment variable holding the API key; empty: no key */
    @AttributeDefinition(description = "Name of the environment variable holding the API key (read at each call); empty: send no key",
            required = false)
    String apiKeyEnv() default "OPENAI_API_KEY";

    /** @return limit for opening a connection, ISO-8601 */
    @AttributeDefinition(description = "Connect timeout, ISO-8601 (PT5S)")
    String connectTimeout() default "PT5S";

    /** @return a limit for one whole call besides the attempt's deadline, ISO-8601; empty: none */
    @AttributeDefinition(description = "Limit of one whole call, headers and body, ISO-8601, besides the attempt's deadline "
            + "(modelManagement.routing.attemptTimeout); empty: none", required = false)
    String totalTimeout() default "";

    /** @return largest answer accepted, in bytes */
    @AttributeDefinition(description = "Largest answer accepted, in bytes", min = "1")
    long maxResponseBytes() default 8_388_608L;
}
