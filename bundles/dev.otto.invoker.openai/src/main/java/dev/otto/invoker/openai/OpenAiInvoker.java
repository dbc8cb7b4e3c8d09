package dev.otto.invoker.openai;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.UnaryOperator;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.log.Logger;
import org.osgi.service.log.LoggerFactory;
import org.osgi.service.metatype.annotations.Designate;

import dev.otto.api.model.ModelRef;
import dev.otto.api.spi.Invocation;
import dev.otto.api.spi.InvocationFailure;
import dev.otto.api.spi.InvocationFailure.Kind;
import dev.otto.api.spi.InvocationResult;
import dev.otto.api.spi.ModelInvoker;
import dev.otto.api.spi.PluginName;

/**
 * A {@link ModelInvoker} for OpenAI-compatible endpoints (OpenAI, a local server, a gateway):
 * a streaming {@code POST {baseUrl}/chat/completions} for the models of the configured providers,
 * under the attempt's first-token, stall and attempt limits.
 *
 * <p>Ranking 0, above the OpenCode invoker's default ranking, so it serves the providers it is
 * configured for and OpenCode serves the rest; with no providers configured (the default) it
 * serves none. A configuration change swaps the settings whole: calls in flight finish on the
 * settings they started with.
 */
@Component(service = ModelInvoker.class, configurationPid = OpenAiInvoker.PID,
        configurationPolicy = ConfigurationPolicy.OPTIONAL, property = "service.ranking:Integer=0")
@Designate(ocd = OpenAiInvokerConfig.class)
@PluginName(OpenAiInvoker.NAME)
public final class OpenAiInvoker implements ModelInvoker {

    /** The configuration PID: {@code deploy/dev.otto.invoker.openai.cfg}. */
    public static final String PID = "dev.otto.invoker.openai";
    /** The value of this plugin's {@code otto.plugin.name}. */
    public static final String NAME = "openai";

    /** The longest limit taken as it is; a longer one is as good as none. */
    private static final Duration LONGEST = Duration.ofDays(100);

    private final Logger logger;
    private final UnaryOperator<String> environment;
    private final Clock clock;
    private final AttemptDeadlines deadlines;
    private volatile Current current;

    /** Settings with their HTTP client; replaced whole by {@link #modified}. */
    private record Current(Settings settings, ChatCompletionsHttp http, AtomicBoolean keyWarned) {
        Current(Settings settings, AttemptDeadlines deadlines, Clock clock) {
            this(settings, new ChatCompletionsHttp(settings.endpoint(), settings.connectTimeout(), settings.maxResponseBytes(),
                    deadlines, clock), new AtomicBoolean());
        }
    }

    @Activate
    public OpenAiInvoker(OpenAiInvokerConfig config, @Reference(service = LoggerFactory.class) Logger logger) {
        this(Settings.of(config), logger, System::getenv, Clock.systemUTC());
    }

    /** Without OSGi (tests, benchmarks): the environment is a lookup so that no test needs a real variable. */
    OpenAiInvoker(Settings settings, Logger logger, UnaryOperator<String> environment, Clock clock) {
        this.logger = logger;
        this.environment = environment;
        this.clock = clock;
        this.deadlines = new AttemptDeadlines("otto-openai-deadlines");
        this.current = new Current(settings, deadlines, clock);
        logSettings(settings);
    }

    /** A malformed new configuration is refused with one error; the last good one stays in force. */
    @Modified
    void modified(OpenAiInvokerConfig config) {
        Settings settings;
        try {
            settings = Settings.of(config);
        } catch (IllegalArgumentException e) {
            logger.error("{} configuration rejected, keeping the previous one: {}", PID, e.getMessage());
            return;
        }
        this.current = new Current(settings, deadlines, clock);
        logSettings(settings);
    }

    /** Calls in flight finish (their deadlines still fire); the deadlines thread ends after the last one. */
    @Deactivate
    void deactivate() {
        deadlines.close();
    }

    /** The watcher of this invoker's calls, for tests. */
    AttemptDeadlines deadlines() {
        return deadlines;
    }

    private void logSettings(Settings settings) {
        if (settings.providers().isEmpty()) {
            logger.info("OpenAI-compatible invoker serves no provider (configure providers in {}); OpenCode serves every model", PID);
        } else {
            logger.info("OpenAI-compatible invoker serves providers {} at {}, API key from {}", settings.providers(),
                    settings.endpointForLogs(), settings.apiKeyEnv().isEmpty() ? "nowhere (no key sent)" : "$" + settings.apiKeyEnv());
        }
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public boolean supports(ModelRef model) {
        return current.settings().providers().contains(model.providerId());
    }

    @Override
    public InvocationResult invoke(Invocation invocation) throws InvocationFailure {
        Current now = this.current;
        Settings settings = now.settings();
        // the call's budget: what is left of the attempt, cut to the configured total timeout if any
        Duration budget = invocation.remaining(clock.instant());
        if (settings.totalTimeout() != null && budget.compareTo(settings.totalTimeout()) > 0) {
            budget = settings.totalTimeout();
        }
        if (budget.isZero()) {
            throw InvocationFailure.timeout();
        }
        String authorization = authorization(now);
        byte[] request = ChatAnswers.request(invocation.model().modelId(), invocation.prompt());
        long budgetNanos = nanos(budget);
        long start = System.nanoTime();
        // a first-token timeout as long as the budget or longer is the deadline's: TIMEOUT, not FIRST_TOKEN_TIMEOUT
        return now.http().post(request, authorization, invocation.model(),
                start + Math.min(budgetNanos, nanos(invocation.firstTokenTimeout())), start + budgetNanos,
                Math.min(budgetNanos, nanos(invocation.stallTimeout())));
    }

    /** Saturates at {@link #LONGEST}: no attempt is that long, and nanoTime arithmetic stays far from overflow. */
    private static long nanos(Duration duration) {
        return duration.compareTo(LONGEST) > 0 ? LONGEST.toNanos() : duration.toNanos();
    }

    /** {@code Bearer <key>} from the configured variable, read now; the key is never logged nor put in a message. */
    private String authorization(Current now) throws InvocationFailure {
        String env = now.settings().apiKeyEnv();
        if (env.isEmpty()) {
            return null;
        }
        String key = environment.apply(env);
        key = key == null ? "" : key.strip();
        if (key.isEmpty() || !key.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
            // an unprintable key would make HttpClient quote the header value in its exception
            if (now.keyWarned().compareAndSet(false, true)) {
                logger.warn("OpenAI-compatible invoker: environment variable {} is {}: set it to the API key, or set apiKeyEnv "
                        + "empty in {} for an endpoint without a key", env, key.isEmpty() ? "not set" : "not a printable key", PID);
            }
            throw new InvocationFailure(Kind.AUTH, null, null, ChatAnswers.MISSING_API_KEY, false);
        }
        return "Bearer " + key;
    }
}
